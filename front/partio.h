/* SPDX-License-Identifier: MIT */
/* A stored message read by range, never whole: its MIME tree parsed from
 * chunks, a byte range copied, a part transfer-decoded chunk by chunk. */
#ifndef UI_PARTIO_H
#define UI_PARTIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "proto/mime.h"

/* Bytes read from the store at a time. */
#define PARTIO_CHUNK	(1024 * 1024)

struct partio_src {
	/* Read up to len bytes at off of the message: bytes read, 0 at its
	 * end, -1 on a read error. */
	ssize_t		(*read)(void *arg, uint64_t off, void *, size_t len);
	void		 *arg;
	uint64_t	  len;		/* the message's length */
};

/* Where decoded bytes go: 0, or -1 to stop (a write failed). */
typedef int	(*partio_put)(void *arg, const char *, size_t);

/* The MIME tree of the message, fed to the incremental parser a chunk at
 * a time (byte ranges as in mime_parse); NULL when reading fails. The
 * caller frees it with mime_part_free. */
struct mime_part *partio_parse(const struct partio_src *);
/* Append bytes [off, off + len) of the message to out; -1 on a read error
 * or when out is full (what fitted is kept). */
int		 partio_copy(const struct partio_src *, uint64_t off,
		    uint64_t len, struct buf *out);
/* The same bytes handed to put a chunk at a time. */
int		 partio_range(const struct partio_src *, uint64_t off,
		    uint64_t len, partio_put, void *arg);
/* Undo leaf m's Content-Transfer-Encoding (base64, quoted-printable,
 * none) a chunk at a time, handing the bytes to put, in bounded memory:
 * the bytes are those mime_part_decode gives for a well-formed body.
 * uuencode is decoded whole when its body is under 64 MiB. 0, or -1 on
 * a read error, a put that failed, or a container. */
int		 partio_decode(const struct partio_src *,
		    const struct mime_part *m, partio_put, void *arg);

#endif
