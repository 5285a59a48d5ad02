/* SPDX-License-Identifier: MIT */
/* Splitting mbox files into messages (RFC 4155 "From " lines). */
#include <string.h>

#include "proto/mbox.h"
#include "proto/util.h"

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

static size_t
line_end(const char *s, size_t len, size_t i)
{
	const char *nl = memchr(s + i, '\n', len - i);

	return nl ? (size_t)(nl - s) + 1 : len;
}

size_t
mbox_split(const char *s, size_t len, struct mbox_msg **msgs_r)
{
	struct mbox_msg *v = NULL;
	size_t	n = 0, cap = 0, i, prev_start = 0;
	bool	prev_blank = true;

	if (!mbox_is_from_line(s, len)) {
		v = xmalloc(sizeof(*v));
		v->from_line = v->start = 0;
		v->len = len;
		*msgs_r = v;
		return 1;
	}
	for (i = 0; i < len;) {
		size_t e = line_end(s, len, i);
		bool blank = (e - i == 1) || (e - i == 2 && s[i] == '\r');

		if (prev_blank && mbox_is_from_line(s + i, e - i)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			if (n > 0) {
				/* drop the blank line before this one */
				v[n - 1].len = prev_start - v[n - 1].start;
			}
			v[n].from_line = i;
			v[n].start = e;
			v[n].len = len - e;
			n++;
		}
		if (blank)
			prev_start = i;
		prev_blank = blank;
		i = e;
	}
	if (n == 1) {
		v[0].start = 0;
		v[0].len = len;
	}
	*msgs_r = v;
	return n;
}
