/* SPDX-License-Identifier: MIT */
/* x-uuencode decoding as Python's email.message._decode_uu does it. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto/uu.h"
#include "base/util.h"

/* Next line of p[*pos..len) as Python's bytes.splitlines() cuts it (CR,
 * LF or CRLF ends a line); false at the end of the input. */
static bool
next_line(const char *p, size_t len, size_t *pos, size_t *start_r,
    size_t *n_r)
{
	size_t	i = *pos;

	if (i >= len)
		return false;
	*start_r = i;
	while (i < len && p[i] != '\n' && p[i] != '\r')
		i++;
	*n_r = i - *start_r;
	if (i < len && p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
		i += 2;
	else if (i < len)
		i++;
	*pos = i;
	return true;
}

/* "begin MODE NAME": MODE must be an octal number (Python's int(mode, 8),
 * which also allows surrounding whitespace, '_' and a 0o prefix; the
 * plain digits are what real encoders write). */
static bool
begin_line(const char *l, size_t n, char **name_r)
{
	size_t	i, m, ms;

	if (n < 6 || memcmp(l, "begin ", 6) != 0)
		return false;
	for (i = 6; i < n && l[i] != ' '; i++)
		;
	ms = 6;
	m = i - ms;
	if (m == 0)
		return false;
	for (size_t k = ms; k < i; k++)
		if (l[k] < '0' || l[k] > '7')
			return false;
	if (name_r != NULL)
		*name_r = i < n ? xstrndup(l + i + 1, n - i - 1) : NULL;
	return true;
}

static bool
is_end(const char *l, size_t n)
{
	size_t	a = 0, b = n;

	/* Python strips b' \t\r\n\f'. */
	while (a < b && l[a] != '\0' && strchr(" \t\r\n\f", l[a]) != NULL)
		a++;
	while (b > a && l[b - 1] != '\0' &&
	    strchr(" \t\r\n\f", l[b - 1]) != NULL)
		b--;
	return b - a == 3 && memcmp(l + a, "end", 3) == 0;
}

/* CPython's binascii.a2b_uu on one line: -1 on an illegal character or
 * trailing garbage (nothing appended). */
static int
a2b_uu(const unsigned char *l, size_t n, struct buf *out)
{
	unsigned char	tmp[64];
	unsigned	left = 0, bits = 0;
	size_t		want, got = 0, i = 1;

	if (n == 0)
		return -1;
	want = (size_t)((l[0] - ' ') & 077);
	while (got < want) {
		unsigned c = i < n ? l[i] : 0;

		if (c == '\n' || c == '\r' || i >= n)
			c = 0;
		else {
			/* '`' (64) is a zero in some encoders. */
			if (c < ' ' || c > ' ' + 64)
				return -1;
			c = (c - ' ') & 077;
		}
		i++;
		left = (left << 6) | c;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			tmp[got++] = (unsigned char)(left >> bits);
			left &= (1u << bits) - 1;
		}
	}
	for (; i < n; i++)
		if (l[i] != ' ' && l[i] != ' ' + 64 && l[i] != '\n' &&
		    l[i] != '\r')
			return -1;
	return buf_append(out, tmp, got) == -1 ? -2 : 0;
}

int
uu_decode(const char *in, size_t len, struct buf *out, unsigned *defects_r,
    char **name_r)
{
	size_t		pos = 0, s, n, start = out->len;
	unsigned	defects = 0;
	bool		begun = false, ended = false;
	int		rc = 0;

	if (name_r != NULL)
		*name_r = NULL;
	while (next_line(in, len, &pos, &s, &n))
		if (begin_line(in + s, n, name_r)) {
			begun = true;
			break;
		}
	if (!begun) {
		defects |= UU_DEFECT_NO_BEGIN;
		goto raw;
	}
	while (next_line(in, len, &pos, &s, &n)) {
		const unsigned char *l = (const unsigned char *)in + s;
		int r;

		if (n == 0) {
			defects |= UU_DEFECT_BAD_LINE;
			goto raw;
		}
		if (is_end(in + s, n)) {
			ended = true;
			break;
		}
		r = a2b_uu(l, n, out);
		if (r == -1) {
			/* Fredrik Lundh's workaround for broken encoders:
			 * only as many characters as the length asks. */
			size_t k = ((((size_t)l[0] - 32) & 63) * 4 + 5) / 3;

			defects |= UU_DEFECT_BAD_LINE;
			r = a2b_uu(l, k < n ? k : n, out);
			if (r == -1)
				goto raw;
		}
		if (r == -2) {
			rc = -1;
			defects |= UU_DEFECT_TOO_BIG;
			break;
		}
	}
	if (!ended && rc == 0)
		defects |= UU_DEFECT_NO_END;
	goto done;
raw:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	if (buf_append(out, in, len) == -1) {
		rc = -1;
		defects |= UU_DEFECT_TOO_BIG;
	}
done:
	if (defects_r != NULL)
		*defects_r = defects;
	return rc;
}

const char *
uu_defect_name(unsigned bit)
{
	switch (bit) {
	case UU_DEFECT_NO_BEGIN:
		return "no uuencode begin line: kept undecoded";
	case UU_DEFECT_NO_END:
		return "no uuencode end line";
	case UU_DEFECT_BAD_LINE:
		return "bad uuencoded line";
	case UU_DEFECT_TOO_BIG:
		return "decoded uuencode too big";
	}
	return "unknown";
}
