/* SPDX-License-Identifier: MIT */
/* UTF-8 decoding and encoding: the table of RFC 3629 4 as code. */
#include "base/utf8.h"

int
utf8_decode(const char *s, size_t n, uint32_t *cp_r, size_t *len_r)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char	c = u[0], lo = 0x80, hi = 0xbf;
	uint32_t	cp;
	size_t		need, i;

	if (c < 0x80) {
		*cp_r = c;
		*len_r = 1;
		return 1;
	}
	/* RFC 3629 4: C0, C1 and F5..FF never appear; E0 and F0 need a
	 * second byte high enough to rule out overlong forms, ED one low
	 * enough to rule out surrogates, F4 one that stays <= U+10FFFF. */
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*cp_r = 0xfffd;
		*len_r = 1;
		return -1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n) {
			*cp_r = 0xfffd;
			*len_r = n;
			return 0;
		}
		if (u[i] < lo || u[i] > hi) {
			*cp_r = 0xfffd;
			*len_r = i;
			return -1;
		}
		cp = (cp << 6) | (u[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp_r = cp;
	*len_r = need + 1;
	return 1;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
