/* SPDX-License-Identifier: MIT */
/* Dot-stuffing (RFC 5321 4.5.2, RFC 1939 3) in both directions, for SMTP
 * DATA and POP3 multi-line bodies; engines never scan for "." themselves. */
#ifndef PROTO_DOT_H
#define PROTO_DOT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* True for the lone "." that ends a body or message. */
bool	dot_is_terminator(const char *line, size_t len);
/* True when a line (not the terminator) needs a "." added to go on the
 * wire: it begins with ".". */
bool	dot_needs_stuffing(const char *line, size_t len);
/* Append line to out as it goes on the wire: an extra "." when it begins
 * with ".", then CRLF. 0, or -1 when out is full. */
int	dot_stuff_line(const char *line, size_t len, struct buf *out);
/* Undo stuffing for one received line (not the terminator): skip the first
 * "." of a line that begins with one. Returns the number of bytes to skip
 * (0 or 1). */
size_t	dot_unstuff_skip(const char *line, size_t len);
/* Stuff a whole message (lines ending in CRLF or bare LF; a last line
 * without an end is completed) and append the ".\r\n" terminator; line
 * ends become CRLF. 0, or -1 when out is full. */
int	dot_stuff_message(const char *msg, size_t len, struct buf *out);

#endif
