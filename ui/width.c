/* SPDX-License-Identifier: MIT */
/* Drawing UTF-8 text into a curses window with controls and bidi overrides
 * made visible; the measuring is front/width.c's. */
#include <curses.h>
#include <stdio.h>
#include <wchar.h>

#include "ui/width.h"

#define DRAW_CHUNK 256

/* The visible form of an unsafe code point or invalid byte: the same
 * "\xNN" / "\u{XXXX}" forms transcript_escape() writes. */
static size_t
escape_form(uint32_t cp, bool bad, unsigned char byte, char *out, size_t outsz)
{
	int n;

	if (bad || cp < 0x80)
		n = snprintf(out, outsz, "\\x%02x", bad ? byte : (unsigned)cp);
	else
		n = snprintf(out, outsz, "\\u{%04X}", (unsigned)cp);
	return n < 0 ? 0 : (size_t)n;
}

size_t
width_draw(WINDOW *w, const char *s, size_t n, size_t cols,
    unsigned long attr)
{
	wchar_t wbuf[DRAW_CHUNK + 1];
	size_t off = 0, used = 0, wn = 0, len, k;
	char esc[16];
	uint32_t cp;
	bool bad, have_base = false;
	int cw;

	wattrset(w, (int)attr);
	while (off < n) {
		len = width_decode(s + off, n - off, &cp, &bad);
		cw = width_cp(cp, bad);
		if (used + (size_t)cw > cols)
			break;
		if (bad || width_unsafe(cp) || wcwidth((wchar_t)cp) < 0) {
			size_t el = escape_form(cp, bad,
			    (unsigned char)s[off], esc, sizeof(esc));

			if (wn > 0) {
				waddnwstr(w, wbuf, (int)wn);
				wn = 0;
			}
			wattrset(w, (int)(attr | A_REVERSE));
			for (k = 0; k < el; k++)
				waddch(w, (chtype)(unsigned char)esc[k]);
			wattrset(w, (int)attr);
			have_base = true;
		} else if (cw == 0 && !have_base) {
			/* A combining mark with nothing to combine with:
			 * drop it rather than let curses misplace it. */
		} else {
			wbuf[wn++] = (wchar_t)cp;
			have_base = true;
			if (wn == DRAW_CHUNK) {
				/* Keep combining marks with their base. */
				waddnwstr(w, wbuf, (int)wn);
				wn = 0;
			}
		}
		used += (size_t)cw;
		off += len;
	}
	if (wn > 0)
		waddnwstr(w, wbuf, (int)wn);
	return used;
}

void
width_pad(WINDOW *w, size_t cols, unsigned long attr)
{
	wattrset(w, (int)attr);
	while (cols-- > 0)
		waddch(w, ' ');
}
