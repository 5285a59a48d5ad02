/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with a hard size cap (curl's dynbuf). */
#ifndef PROTO_BUF_H
#define PROTO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated after len when data != NULL */
	size_t	 len;
	size_t	 cap;
	size_t	 max;	/* appends that would pass this fail with -1 */
};

/* Set up an empty buffer that may grow to max bytes. */
void	buf_init(struct buf *, size_t max);
/* Free the storage; the buffer is empty and reusable afterwards. */
void	buf_clear(struct buf *);
/* Like buf_clear, but zero the bytes first (secrets). */
void	buf_wipe(struct buf *);
/* Forget the contents, keep the storage. */
void	buf_reset(struct buf *);
/* Append bytes; 0, or -1 (nothing appended) past max. */
int	buf_append(struct buf *, const void *, size_t);
int	buf_append_str(struct buf *, const char *);
int	buf_append_byte(struct buf *, char);
/* printf-style append; -1 past max. */
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Cut the contents back to their first len bytes (len <= b->len), as
 * when undoing a partial append. */
void	buf_truncate(struct buf *, size_t len);
/* Drop the first n bytes (n <= len). */
void	buf_consume(struct buf *, size_t n);
/* Take the storage out as a NUL-terminated string the caller frees;
 * the buffer is left empty. Never NULL. */
char	*buf_steal(struct buf *);

#endif
