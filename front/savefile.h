/* SPDX-License-Identifier: MIT */
/* Saving a part, a message or the transcript: a safe file name inside the
 * chosen directory, never overwriting without leave, written atomically. */
#ifndef UI_SAVEFILE_H
#define UI_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Mode of a saved part or message before the umask: the user's umask
 * decides, as for any file a program creates (0644 under umask 022, 0600
 * under 077). */
#define SAVEFILE_MODE	0666
#include <stdint.h>

/* Turn a suggested name (from a message: may hold "/", "..", controls,
 * bidi overrides) into a plain file name: letters, digits and ". _ - + ="
 * plus printable non-ASCII UTF-8; no leading dot; at most 120 bytes (and
 * outsz - 1). A long name is shortened on a whole character and keeps its
 * extension (".pdf": a dot and 1..16 letters or digits); a name that is
 * only an extension gets the fallback's stem ("message-3-part-2.pdf");
 * the fallback when nothing is left. out gets a NUL-terminated string:
 * the exact name savefile_write creates. */
void	savefile_sanitize(const char *suggest, size_t len,
	    const char *fallback, char *out, size_t outsz);
/* Write len bytes to dir/name (name is a single component, see
 * savefile_sanitize). The data go to a temporary file in dir created with
 * mode less the umask (SAVEFILE_MODE for parts and messages), are synced,
 * then linked in place, or renamed over the old file when overwrite is
 * true: a failure half-way leaves the old file whole and no temporary
 * file. Returns 0 on success, 1 when the name exists and overwrite is
 * false (nothing written), -1 on error with *errstr_r. */
int	savefile_write(const char *dir, const char *name, const void *data,
	    size_t len, bool overwrite, mode_t mode, const char **errstr_r);
/* Where a producer hands its bytes (0, or -1 when writing failed). */
typedef int	(*savefile_put)(void *put_arg, const char *, size_t);
/* A producer writes the file's content through put, in any number of
 * pieces: 0, or -1 when it failed (reading or decoding). */
typedef int	(*savefile_produce)(void *arg, savefile_put put,
		    void *put_arg);
/* savefile_write for data produced in pieces (a part decoded from a large
 * stored message, never held whole); *bytes_r (may be NULL) gets the
 * length written. Same returns. */
int	savefile_write_fn(const char *dir, const char *name,
	    savefile_produce produce, void *arg, bool overwrite, mode_t mode,
	    uint64_t *bytes_r, const char **errstr_r);
/* Split a user-typed path into directory and name: "a/b/c.txt" gives
 * "a/b" and "c.txt"; "c.txt" gives "." and "c.txt". Returns -1 when the
 * name part is empty, "." or "..". */
int	savefile_split(const char *path, char *dir, size_t dirsz, char *name,
	    size_t namesz);

#endif
