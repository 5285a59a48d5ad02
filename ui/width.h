/* SPDX-License-Identifier: MIT */
/* Drawing text into a curses window with controls and bidi overrides made
 * visible (a second line of defence behind transcript_escape()); widths
 * come from front/width.h, which this header brings in. */
#ifndef UI_WIDTH_H
#define UI_WIDTH_H

#include "front/width.h"

struct _win_st;
/* Draw at most cols columns of s at the window's cursor with attr; unsafe
 * bytes are shown as \xNN or \u{XXXX} in reverse video. Returns the
 * columns drawn. */
size_t	width_draw(struct _win_st *, const char *s, size_t n, size_t cols,
	    unsigned long attr);
/* Draw cols spaces (to clear the rest of a cell). */
void	width_pad(struct _win_st *, size_t cols, unsigned long attr);

#endif
