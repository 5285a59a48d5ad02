/* SPDX-License-Identifier: MIT */
/* The one place screen widths are measured: UTF-8 (base/utf8.h) through
 * wcwidth(), with no curses, so batch, savefile names and the screen
 * (ui/width.h draws) agree. */
#ifndef FRONT_WIDTH_H
#define FRONT_WIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one UTF-8 sequence from s (n > 0 bytes). Returns the bytes used
 * (1..4); an invalid or truncated sequence uses one byte and gives
 * U+FFFD with *bad_r set (bad_r may be NULL). */
size_t	width_decode(const char *s, size_t n, uint32_t *cp_r, bool *bad_r);
/* True for code points never drawn raw: C0, DEL, C1, U+2028/U+2029 and
 * the whole Unicode Cf class (bidi controls, U+200B, U+FEFF, U+00AD, tags
 * ...); the same table as transcript_escape() (transcript_cp_unsafe). */
bool	width_unsafe(uint32_t cp);
/* Columns a code point takes (0 for combining marks); an unsafe or
 * unprintable one counts as its visible escape (e.g. "\u{202E}"). */
int	width_cp(uint32_t cp, bool bad);
/* Columns of a UTF-8 string. */
size_t	width_str(const char *s, size_t n);
/* How many bytes of s fit in cols columns; *cols_r gets the columns
 * those bytes take (may be NULL). Never splits a sequence. */
size_t	width_fit(const char *s, size_t n, size_t cols, size_t *cols_r);
/* The longest prefix of s of at most max bytes cut on a whole character
 * and grapheme: never inside a UTF-8 sequence (see transcript_cut), and
 * never between a base character and its combining marks (the base goes
 * with them). Use it wherever text is cut to a byte budget. */
size_t	width_cut(const char *s, size_t n, size_t max);
/* Drop an incomplete character left at the end of the NUL-terminated s
 * by a truncating snprintf (titles, notices), as width_cut(s, n, n). */
void	width_trim(char *s);
/* Bytes to skip to pass the first cols columns of s (horizontal scroll). */
size_t	width_skip(const char *s, size_t n, size_t cols);
/* Byte offset of the start of the code point before off (off > 0). */
size_t	width_prev(const char *s, size_t off);
/* Byte offset just after the code point at off (off < n). */
size_t	width_next(const char *s, size_t n, size_t off);
/* Encode cp as UTF-8 into out (4 bytes room); returns the length. */
size_t	width_encode(uint32_t cp, char *out);

/* The simple lower-case fold of a code point, for case-insensitive
 * search: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic by table
 * (final sigma folds to sigma), others by towlower() in the locale. */
uint32_t width_fold(uint32_t cp);
/* Fold s into out (at most max code points); returns how many. */
size_t	width_fold_str(const char *s, size_t n, uint32_t *out, size_t max);
/* True when s holds the folded needle nd (nn code points) with case
 * ignored; nn == 0 always matches. */
bool	width_has_folded(const char *s, size_t n, const uint32_t *nd,
	    size_t nn);

#endif
