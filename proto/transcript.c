/* SPDX-License-Identifier: MIT */
/* Events -> transcript lines; the one function that makes peer bytes safe
 * for a terminal, and the one place that redacts secrets. */
#include <stdint.h>
#include <string.h>

#include "proto/transcript.h"
#include "base/utf8.h"
#include "base/util.h"

/* Unicode general category Cf (format characters), from
 * DerivedGeneralCategory.txt of Unicode 15.1: invisible, yet they change
 * what a terminal shows. Bidi embeddings, overrides, isolates and marks
 * reorder text (Trojan Source, CVE-2021-42574); U+200B, U+2060 and
 * U+FEFF hide inside a word or a name; tags (U+E0020..U+E007F) carry
 * invisible ASCII. ZWJ/ZWNJ (U+200C/D) are Cf too and are escaped with
 * the rest: a spoofed name matters more than a joined emoji. The one
 * table: front/width.c asks transcript_cp_unsafe() as well. Sorted. */
static const struct {
	uint32_t	lo, hi;
} format_chars[] = {
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x0600, 0x0605 },	/* Arabic number signs */
	{ 0x061c, 0x061c },	/* Arabic letter mark */
	{ 0x06dd, 0x06dd },	/* Arabic end of ayah */
	{ 0x070f, 0x070f },	/* Syriac abbreviation mark */
	{ 0x0890, 0x0891 },	/* Arabic pound/piastre mark above */
	{ 0x08e2, 0x08e2 },	/* Arabic disputed end of ayah */
	{ 0x180e, 0x180e },	/* Mongolian vowel separator */
	{ 0x200b, 0x200f },	/* ZWSP, ZWNJ, ZWJ, LRM, RLM */
	{ 0x202a, 0x202e },	/* LRE, RLE, PDF, LRO, RLO */
	{ 0x2060, 0x2064 },	/* word joiner, invisible operators */
	{ 0x2066, 0x206f },	/* isolates, deprecated format chars */
	{ 0xfeff, 0xfeff },	/* ZWNBSP / byte order mark */
	{ 0xfff9, 0xfffb },	/* interlinear annotation */
	{ 0x110bd, 0x110bd },	/* Kaithi number sign */
	{ 0x110cd, 0x110cd },	/* Kaithi number sign above */
	{ 0x13430, 0x1343f },	/* Egyptian hieroglyph format controls */
	{ 0x1bca0, 0x1bca3 },	/* shorthand format controls */
	{ 0x1d173, 0x1d17a },	/* musical beam and phrase controls */
	{ 0xe0001, 0xe0001 },	/* language tag */
	{ 0xe0020, 0xe007f },	/* tag characters */
};

bool
transcript_cp_unsafe(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(format_chars) / sizeof(*format_chars), m;

	/* C0, DEL and C1 controls: a terminal may act on U+009B CSI. */
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	/* Line and paragraph separators break lines on some terminals. */
	if (cp == 0x2028 || cp == 0x2029)
		return true;
	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (cp < format_chars[m].lo)
			hi = m;
		else if (cp > format_chars[m].hi)
			lo = m + 1;
		else
			return true;
	}
	return false;
}

size_t
transcript_cut(const char *s, size_t len, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 cut = max < len ? max : len, q = cut, need;

	/* Back to the lead byte of the sequence the cut falls in or ends. */
	while (q > 0 && cut - q < 3 && (p[q - 1] & 0xc0) == 0x80)
		q--;
	if (q == 0 || p[q - 1] < 0xc2 || p[q - 1] > 0xf4)
		return cut;	/* ASCII, or no lead byte: bytes stand alone */
	q--;
	need = p[q] >= 0xf0 ? 4 : p[q] >= 0xe0 ? 3 : 2;
	/* A sequence that needs bytes past the cut is dropped whole, so no
	 * stray lead byte (a lone "\xcc") is left at the end. */
	return cut - q < need ? q : cut;
}

int
transcript_escape(const char *s, size_t len, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, run, n;
	uint32_t		 cp;
	int			 r;

	while (i < len) {
		/* Copy runs of plain printable ASCII in one append. */
		run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f &&
		    p[run] != '\\')
			run++;
		if (run > i) {
			if (buf_append(out, s + i, run - i) == -1)
				return -1;
			i = run;
			continue;
		}
		if (p[i] == '\\')
			r = buf_append(out, "\\\\", 2);
		else if (p[i] == '\r')
			r = buf_append(out, "\\r", 2);
		else if (p[i] == '\n')
			r = buf_append(out, "\\n", 2);
		else if (p[i] == '\t')
			r = buf_append(out, "\\t", 2);
		else if (p[i] < 0x80) {
			r = buf_printf(out, "\\x%02x", p[i]);
		} else if (utf8_decode(s + i, len - i, &cp, &n) == 1) {
			if (transcript_cp_unsafe(cp))
				r = buf_printf(out, "\\u{%04X}", (unsigned)cp);
			else
				r = buf_append(out, s + i, n);
			if (r == -1)
				return -1;
			i += n;
			continue;
		} else
			r = buf_printf(out, "\\x%02x", p[i]);
		if (r == -1)
			return -1;
		i++;
	}
	return 0;
}

const char *
transcript_prefix(enum proto_event_kind kind)
{
	switch (kind) {
	case PEV_SENT:
		return "C: ";
	case PEV_RECEIVED:
		return "S: ";
	case PEV_MEANING:
		return "= ";
	case PEV_INFO:
	case PEV_STATE:
	case PEV_TLS_UPGRADE:
	case PEV_NEED_SECRET:
	case PEV_PROMPT:
	case PEV_FAIL:
	case PEV_CLOSED:
		return "* ";
	case PEV_REPLY:
	case PEV_BODY:
	case PEV_KIND_COUNT:
		break;
	}
	return NULL;
}

int
transcript_text(const struct proto_event *ev, bool reveal, struct buf *out)
{
	size_t	keep;

	if (transcript_prefix(ev->kind) == NULL)
		return 0;
	if ((ev->flags & PEV_F_SECRET) && !reveal) {
		keep = ev->secret_keep < ev->len ? ev->secret_keep : ev->len;
		if (transcript_escape(ev->text, keep, out) == -1 ||
		    buf_append_str(out, TRANSCRIPT_REDACTED) == -1)
			return -1;
		return 1;
	}
	if (transcript_escape(ev->text, ev->len, out) == -1)
		return -1;
	return 1;
}

int
transcript_format(const struct proto_event *ev, bool reveal, struct buf *out)
{
	const char	*prefix = transcript_prefix(ev->kind);

	if (prefix == NULL)
		return 0;
	if (buf_append_str(out, prefix) == -1)
		return -1;
	return transcript_text(ev, reveal, out);
}

/* Append the UTF-8 encoding of cp (at most U+10FFFF, no surrogates). */
static int
utf8_put(uint32_t cp, struct buf *out)
{
	char	b[4];

	return buf_append(out, b, utf8_encode(cp, b));
}

int
transcript_unescape(const char *s, size_t len, struct buf *out)
{
	size_t		i = 0, j;
	uint32_t	cp;
	int		r, h1, h2;

	while (i < len) {
		if (s[i] != '\\' || i + 1 >= len) {
			r = buf_append_byte(out, s[i]);
			i++;
		} else if (s[i + 1] == '\\') {
			r = buf_append_byte(out, '\\');
			i += 2;
		} else if (s[i + 1] == 'r' || s[i + 1] == 'n' ||
		    s[i + 1] == 't') {
			r = buf_append_byte(out, s[i + 1] == 'r' ? '\r' :
			    s[i + 1] == 'n' ? '\n' : '\t');
			i += 2;
		} else if (s[i + 1] == 'x' && i + 3 < len &&
		    (h1 = util_hexval(s[i + 2])) >= 0 && (h2 = util_hexval(s[i + 3])) >= 0) {
			r = buf_append_byte(out, (char)(h1 * 16 + h2));
			i += 4;
		} else if (s[i + 1] == 'u' && i + 2 < len && s[i + 2] == '{') {
			/* \u{XXXX}: 1 to 6 hex digits, a valid scalar value. */
			cp = 0;
			for (j = i + 3; j < len && j < i + 9 && util_hexval(s[j]) >= 0;
			    j++)
				cp = cp * 16 + (uint32_t)util_hexval(s[j]);
			if (j > i + 3 && j < len && s[j] == '}' &&
			    cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
				r = utf8_put(cp, out);
				i = j + 1;
			} else {
				r = buf_append_byte(out, s[i]);
				i++;
			}
		} else {
			/* Not an escape we write: keep it as it is. */
			r = buf_append_byte(out, s[i]);
			i++;
		}
		if (r == -1)
			return -1;
	}
	return 0;
}
