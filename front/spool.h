/* SPDX-License-Identifier: MIT */
/* A private append-only temporary file (mode 0600, unlinked as soon as it
 * is made, so it is gone at exit whatever happens) that holds what must not
 * stay in memory: retrieved messages and the transcript kept for /save. */
#ifndef UI_SPOOL_H
#define UI_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spool;

/* A new empty spool in $TMPDIR (or /tmp) that refuses to grow past max
 * bytes (0: no bound). NULL with *errstr_r (static text, may name errno)
 * when the file cannot be made. Free with spool_free. */
struct spool	*spool_new(uint64_t max, const char **errstr_r);
/* Close (and so remove) the file. NULL is fine. */
void		 spool_free(struct spool *);
/* Append len bytes (buffered). 0, or -1 past the bound or on a write
 * error (*errstr_r, static); the spool keeps what it had. */
int		 spool_write(struct spool *, const void *, size_t,
		    const char **errstr_r);
/* Bytes appended so far: the offset the next write lands at. */
uint64_t	 spool_size(const struct spool *);
/* Read up to len bytes at off (buffered bytes included): bytes read, 0 at
 * the end, -1 on a read error. */
ssize_t		 spool_read(struct spool *, uint64_t off, void *, size_t len);
/* The range [off, off + len) is no longer needed: give its disk space
 * back where the file system can (a hole); reading it gives zeros. */
void		 spool_release(struct spool *, uint64_t off, uint64_t len);
/* Forget everything (new connection): the file is emptied. */
void		 spool_truncate(struct spool *);

#endif
