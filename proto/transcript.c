/* SPDX-License-Identifier: MIT */
/* Events -> transcript lines; the one function that makes peer bytes safe
 * for a terminal, and the one place that redacts secrets. */
#include <stdint.h>
#include <string.h>

#include "proto/transcript.h"
#include "proto/util.h"

/* Code points that are valid UTF-8 but must not reach a terminal raw:
 * C1 controls (a terminal may act on U+009B CSI), bidi embeddings,
 * overrides, isolates and marks (Trojan Source, CVE-2021-42574), and the
 * line/paragraph separators that some terminals break lines on. */
static bool
dangerous(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    cp == 0x2028 || cp == 0x2029;
}

/* Length of the valid UTF-8 sequence at p (2..4) and its code point, or 0
 * when the bytes are not valid UTF-8 (RFC 3629 4: no overlongs, no
 * surrogates, nothing past U+10FFFF). */
static size_t
utf8_seq(const unsigned char *p, size_t len, uint32_t *cp_r)
{
	unsigned char	c = p[0];
	size_t		n, i;
	uint32_t	cp;
	unsigned char	lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*cp_r = cp;
	return n;
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
		} else if ((n = utf8_seq(p + i, len - i, &cp)) > 0) {
			if (dangerous(cp))
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
	size_t	n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_append(out, b, n);
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
