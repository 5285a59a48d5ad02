/* SPDX-License-Identifier: MIT */
/* Splitting mbox files into messages (RFC 4155 "From " lines). */
#include <string.h>

#include "proto/mbox.h"
#include "base/util.h"

bool
mbox_is_from_line(const char *s, size_t len)
{
	size_t	i = 5, j;

	if (len < 5 || memcmp(s, "From ", 5) != 0)
		return false;
	while (i < len && s[i] == ' ')
		i++;
	if (i == len || s[i] == '\r' || s[i] == '\n')
		return false;	/* no sender */
	while (i < len && s[i] != ' ' && s[i] != '\r' && s[i] != '\n')
		i++;
	/* a time somewhere in the date: digit ':' digit digit */
	for (j = i; j + 3 < len && s[j] != '\n'; j++)
		if (s[j] >= '0' && s[j] <= '9' && s[j + 1] == ':' &&
		    s[j + 2] >= '0' && s[j + 2] <= '9' && s[j + 3] >= '0' &&
		    s[j + 3] <= '9')
			return true;
	return false;
}

/* The first k >= from with s[k] == '\n' and s[k + 1] == 'F', or len:
 * branch-free 64-byte blocks first (vectorised by the compiler). */
static size_t
find_nl_f(const char *s, size_t len, size_t k)
{
	size_t	j;

	while (k + 65 <= len) {
		unsigned char hit = 0;	/* a char: 16 lanes a vector */

		for (j = 0; j < 64; j++)
			hit |= (unsigned char)((s[k + j] == '\n') &
			    (s[k + j + 1] == 'F'));
		if (hit)
			break;
		k += 64;
	}
	for (; k + 1 < len; k++)
		if (s[k] == '\n' && s[k + 1] == 'F')
			return k;
	return len;
}

size_t
mbox_split(const char *s, size_t len, struct mbox_msg **msgs_r)
{
	struct mbox_msg *v;
	size_t	n = 1, cap = 16, k;

	v = xmalloc(cap * sizeof(*v));
	v[0].from_line = v[0].start = 0;
	v[0].len = len;
	if (!mbox_is_from_line(s, len)) {
		*msgs_r = v;
		return 1;
	}
	{
		const char *nl = memchr(s, '\n', len);

		v[0].start = nl ? (size_t)(nl - s) + 1 : len;
	}
	for (k = find_nl_f(s, len, 0); k < len; k = find_nl_f(s, len, k + 1)) {
		size_t c = k + 1, blank;

		/* RFC 4155: a From_ line after a blank line (LF or CRLF) */
		if (k >= 1 && s[k - 1] == '\n')
			blank = k;
		else if (k >= 2 && s[k - 1] == '\r' && s[k - 2] == '\n')
			blank = k - 1;
		else
			continue;
		if (!mbox_is_from_line(s + c, len - c))
			continue;
		if (n == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n - 1].len = blank - v[n - 1].start;
		v[n].from_line = c;
		{
			const char *nl = memchr(s + c, '\n', len - c);

			v[n].start = nl ? (size_t)(nl - s) + 1 : len;
		}
		v[n].len = len - v[n].start;
		n++;
	}
	if (n == 1) {
		v[0].start = 0;
		v[0].len = len;
	}
	*msgs_r = v;
	return n;
}
