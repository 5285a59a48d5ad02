/* SPDX-License-Identifier: MIT */
/* Screen widths of UTF-8 text (wcwidth()), cuts on characters and
 * graphemes, and case folding for search; no curses (ui/width.c draws). */
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "base/utf8.h"
#include "front/width.h"
#include "proto/transcript.h"

size_t
width_decode(const char *s, size_t n, uint32_t *cp_r, bool *bad_r)
{
	size_t	len;
	int	r;

	/* An invalid or unfinished sequence is shown one byte at a time
	 * ("\xNN" each), so it takes one byte here, not its subpart. */
	r = utf8_decode(s, n, cp_r, &len);
	if (bad_r != NULL)
		*bad_r = r != 1;
	if (r != 1) {
		*cp_r = 0xfffd;
		return 1;
	}
	return len;
}

bool
width_unsafe(uint32_t cp)
{
	/* One table for the transcript and the screen (proto/transcript.c). */
	return transcript_cp_unsafe(cp);
}

/* Columns of the visible form ui/width.c draws: "\xNN" for C0 and
 * DEL, else "\u{XXXX}" with four to six hex digits (C1 "\u{0085}"). */
static int
escape_cols(uint32_t cp)
{
	if (cp < 0x80)
		return 4;
	return cp > 0xfffff ? 10 : cp > 0xffff ? 9 : 8;
}

int
width_cp(uint32_t cp, bool bad)
{
	int w;

	if (bad)
		return 4;
	if (width_unsafe(cp))
		return escape_cols(cp);
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return escape_cols(cp);
	return w;
}

size_t
width_str(const char *s, size_t n)
{
	size_t off = 0, cols = 0;
	uint32_t cp;
	bool bad;

	while (off < n) {
		off += width_decode(s + off, n - off, &cp, &bad);
		cols += (size_t)width_cp(cp, bad);
	}
	return cols;
}

size_t
width_fit(const char *s, size_t n, size_t cols, size_t *cols_r)
{
	size_t off = 0, used = 0, len;
	uint32_t cp;
	bool bad;
	int w;

	while (off < n) {
		len = width_decode(s + off, n - off, &cp, &bad);
		w = width_cp(cp, bad);
		if (used + (size_t)w > cols)
			break;
		used += (size_t)w;
		off += len;
	}
	if (cols_r != NULL)
		*cols_r = used;
	return off;
}

/* A combining mark: drawn on the character before it (wcwidth 0). */
static bool
is_mark(uint32_t cp, bool bad)
{
	return !bad && cp >= 0x300 && !width_unsafe(cp) &&
	    wcwidth((wchar_t)cp) == 0;
}

size_t
width_cut(const char *s, size_t n, size_t max)
{
	size_t cut = transcript_cut(s, n, max);
	uint32_t cp;
	bool bad;

	/* A cut before a combining mark would part it from its base: cut
	 * before the base instead, so the pair goes (or stays) together. */
	while (cut > 0 && cut < n) {
		width_decode(s + cut, n - cut, &cp, &bad);
		if (!is_mark(cp, bad))
			break;
		cut = width_prev(s, cut);
	}
	return cut;
}

void
width_trim(char *s)
{
	size_t n = strlen(s);

	s[width_cut(s, n, n)] = '\0';
}

size_t
width_skip(const char *s, size_t n, size_t cols)
{
	size_t off = 0, used = 0, len;
	uint32_t cp;
	bool bad;

	while (off < n && used < cols) {
		len = width_decode(s + off, n - off, &cp, &bad);
		used += (size_t)width_cp(cp, bad);
		off += len;
	}
	/* Do not start a line with a combining mark of a skipped base. */
	while (off < n) {
		len = width_decode(s + off, n - off, &cp, &bad);
		if (bad || width_unsafe(cp) || wcwidth((wchar_t)cp) != 0)
			break;
		off += len;
	}
	return off;
}

size_t
width_prev(const char *s, size_t off)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t p = off, k;
	uint32_t cp;
	bool bad;

	if (off == 0)
		return 0;
	p = off - 1;
	for (k = 0; k < 3 && p > 0 && (u[p] & 0xc0) == 0x80; k++)
		p--;
	/* Only accept the lead byte if it decodes to exactly off - p bytes. */
	if (width_decode(s + p, off - p, &cp, &bad) != off - p || bad)
		return off - 1;
	return p;
}

size_t
width_next(const char *s, size_t n, size_t off)
{
	uint32_t cp;

	if (off >= n)
		return n;
	return off + width_decode(s + off, n - off, &cp, NULL);
}

size_t
width_encode(uint32_t cp, char *out)
{
	return utf8_encode(cp, out);
}

uint32_t
width_fold(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||	/* Latin-1 */
	    (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||	/* Greek */
	    (cp >= 0x410 && cp <= 0x42f))			/* Cyrillic */
		return cp + 32;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
	    (cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
	    (cp >= 0x4d0 && cp <= 0x52f))
		return cp | 1;		/* pairs: even upper, odd lower */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1) ? cp + 1 : cp;	/* odd upper, even lower */
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	switch (cp) {
	case 0x178:
		return 0xff;
	case 0x386:
		return 0x3ac;
	case 0x388: case 0x389: case 0x38a:
		return cp + 37;
	case 0x38c:
		return 0x3cc;
	case 0x38e: case 0x38f:
		return cp + 63;
	case 0x3c2:
		return 0x3c3;		/* final sigma */
	default:
		break;
	}
	if (cp <= 0x10ffff && cp < (uint32_t)WINT_MAX)
		return (uint32_t)towlower((wint_t)cp);
	return cp;
}

size_t
width_fold_str(const char *s, size_t n, uint32_t *out, size_t max)
{
	size_t off = 0, k = 0;
	uint32_t cp;

	while (off < n && k < max) {
		off += width_decode(s + off, n - off, &cp, NULL);
		out[k++] = width_fold(cp);
	}
	return k;
}

bool
width_has_folded(const char *s, size_t n, const uint32_t *nd, size_t nn)
{
	size_t off, o, k, used;
	uint32_t cp;

	if (nn == 0)
		return true;
	for (off = 0; off < n; off += used) {
		used = width_decode(s + off, n - off, &cp, NULL);
		if (width_fold(cp) != nd[0])
			continue;
		o = off + used;
		for (k = 1; k < nn && o < n; k++) {
			o += width_decode(s + o, n - o, &cp, NULL);
			if (width_fold(cp) != nd[k])
				break;
		}
		if (k == nn)
			return true;
		if (o >= n && k < nn)
			return false;	/* too little text left */
	}
	return false;
}

