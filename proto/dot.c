/* SPDX-License-Identifier: MIT */
/* Dot-stuffing and unstuffing (RFC 5321 4.5.2, RFC 1939 3). */
#include <string.h>

#include "proto/dot.h"

bool
dot_is_terminator(const char *line, size_t len)
{
	return len == 1 && line[0] == '.';
}

bool
dot_needs_stuffing(const char *line, size_t len)
{
	/* RFC 5321 4.5.2: "If the first character is a period, one
	 * additional period is inserted at the beginning of the line." */
	return len > 0 && line[0] == '.';
}

int
dot_stuff_line(const char *line, size_t len, struct buf *out)
{
	size_t	old = out->len;

	if ((dot_needs_stuffing(line, len) && buf_append_byte(out, '.') == -1) ||
	    buf_append(out, line, len) == -1 ||
	    buf_append(out, "\r\n", 2) == -1) {
		out->len = old;
		if (out->data != NULL)
			out->data[old] = '\0';
		return -1;
	}
	return 0;
}

size_t
dot_unstuff_skip(const char *line, size_t len)
{
	/* RFC 1939 3: a line beginning with "." that is not the terminator
	 * has its first "." removed. */
	return (len > 1 && line[0] == '.') ? 1 : 0;
}

int
dot_stuff_message(const char *msg, size_t len, struct buf *out)
{
	const char	*p = msg, *end = msg + len, *nl;
	size_t		 old = out->len, n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (dot_stuff_line(p, n, out) == -1)
			goto full;
		p = nl != NULL ? nl + 1 : end;
	}
	if (buf_append(out, ".\r\n", 3) == -1)
		goto full;
	return 0;
full:
	out->len = old;
	if (out->data != NULL)
		out->data[old] = '\0';
	return -1;
}
