/* SPDX-License-Identifier: MIT */
/* mbox files (RFC 4155): split into messages at "From " envelope lines. */
#ifndef PROTO_MBOX_H
#define PROTO_MBOX_H

#include <stdbool.h>
#include <stddef.h>

struct mbox_msg {
	size_t	 from_line;	/* offset of its "From " line */
	size_t	 start;		/* first byte of the message (after it) */
	size_t	 len;		/* message bytes, the separating blank line
				 * before the next "From " excluded */
};

/* Is this line (len bytes, line end optional) an RFC 4155 envelope line:
 * "From " sender SP date, the date holding a hh:mm time? */
bool	mbox_is_from_line(const char *, size_t);
/* Split data into messages. A file that does not start with an envelope
 * line, or holds only one, is one message covering all of it (the "From "
 * line then stays, as in a single saved message). *msgs_r is malloc'd
 * (the caller frees it; never NULL); returns the count (>= 1). */
size_t	mbox_split(const char *, size_t, struct mbox_msg **msgs_r);

#endif
