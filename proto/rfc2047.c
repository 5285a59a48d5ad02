/* SPDX-License-Identifier: MIT */
/* RFC 2047 encoded words in header text, decoded as Python's email does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/charset.h"
#include "proto/limits.h"
#include "proto/qp.h"
#include "proto/rfc2047.h"
#include "base/util.h"

/* Python's str.lstrip() whitespace (ASCII part): what get_fws() eats. */
static inline bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
	    (c >= 0x1c && c <= 0x1f);
}

/* Python's _wsp_splitter splits words at runs of these only. */
static inline bool
is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Find "?=" in p[from..len); index of the '?' or len. */
static size_t
find_qe(const char *p, size_t from, size_t len)
{
	while (from + 1 < len) {
		const char *q = memchr(p + from, '?', len - from - 1);

		if (q == NULL)
			return len;
		from = (size_t)(q - p);
		if (p[from + 1] == '=')
			return from;
		from++;
	}
	return len;
}

static inline bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Python's rfc2047_matcher: "=?" [^?]* "?" [qQbB] "?" .*? "?=" anywhere
 * in p[0..len). Linear: once no "?=" follows a candidate, none can
 * follow a later one. */
static bool
matcher(const char *p, size_t len)
{
	const char *e;
	size_t	i = 0;

	while (i + 1 < len && (e = memchr(p + i, '=', len - i - 1)) != NULL) {
		const char *q;

		i = (size_t)(e - p) + 1;
		if (p[i] != '?')
			continue;
		q = memchr(p + i + 1, '?', len - i - 1);
		if (q == NULL)
			return false;
		if ((size_t)(q - p) + 2 >= len)
			return false;
		if ((q[1] != 'q' && q[1] != 'Q' && q[1] != 'b' &&
		    q[1] != 'B') || q[2] != '?')
			continue;
		return find_qe(p, (size_t)(q - p) + 3, len) < len;
	}
	return false;
}

/* The "?=" search with a memory: within one header, searches start at
 * increasing positions, so each part of the text is scanned once (a
 * header of "=?a " a million times is linear, not quadratic). */
struct qe_cache {
	size_t	from, at;
	bool	valid;
};

static size_t
find_qe_c(const char *p, size_t from, size_t len, struct qe_cache *c)
{
	size_t	r;

	if (c != NULL && c->valid && c->from <= from && from <= c->at)
		return c->at;
	r = find_qe(p, from, len);
	if (c != NULL) {
		c->from = from;
		c->at = r;
		c->valid = true;
	}
	return r;
}

/* Up to three '?' in p[from..to): their indexes, 'to' for missing ones. */
static void
find_q3(const char *p, size_t from, size_t to, size_t q[3])
{
	int	k;

	for (k = 0; k < 3; k++) {
		const char *x = from < to ? memchr(p + from, '?', to - from) :
		    NULL;

		q[k] = x != NULL ? (size_t)(x - p) : to;
		from = x != NULL ? q[k] + 1 : to;
	}
}

/* One encoded word, once recognised. */
struct ew {
	const char	*charset;	/* without "*language" */
	size_t		 charset_len;
	size_t		 end;		/* input index just past it */
};

/* email._header_value_parser.get_encoded_word on p[at..len): 1 and *ew
 * filled when it is one (decoded bytes appended to bytes), 0 when there
 * is no "?=" at all (HeaderParseError: plain text), -1 when it is
 * malformed (_InvalidEwError: plain text, and no splitting of the word
 * around it). */
static int
parse_ew(const char *p, size_t at, size_t len, struct ew *ew,
    struct buf *bytes, unsigned *defects, struct qe_cache *qc, size_t window)
{
	size_t	 tok = at + 2, tok_end, rest, q1, q2, q3, i, blen, q[3];
	size_t	 lim = window < len - at ? at + window : len;
	unsigned d = 0;
	char	 cte;

	tok_end = find_qe_c(p, tok, lim, qc);
	if (tok_end >= lim)
		return 0;
	rest = tok_end + 2;
	/* "=?x?q?=41...": the "?=" found was the Q text's own "=XX". */
	if (len - rest > 1 && is_hex((unsigned char)p[rest]) &&
	    is_hex((unsigned char)p[rest + 1])) {
		find_q3(p, tok, tok_end, q);
		if (q[1] >= tok_end) {
			tok_end = find_qe_c(p, rest, lim, qc);
			if (tok_end >= lim)
				tok_end = len;
			rest = tok_end < len ? tok_end + 2 : len;
		}
	}
	/* _ew.decode: exactly charset?cte?text. */
	find_q3(p, tok, tok_end, q);
	q1 = q[0];
	q2 = q[1];
	q3 = q[2];
	if (q1 >= tok_end || q2 >= tok_end || q3 < tok_end || q2 != q1 + 2)
		return -1;
	cte = p[q1 + 1];
	if (cte != 'q' && cte != 'Q' && cte != 'b' && cte != 'B')
		return -1;
	for (i = q2 + 1; i < tok_end; i++)
		if (is_ws((unsigned char)p[i])) {
			d |= RFC2047_DEFECT_SPACE_INSIDE;
			break;
		}
	ew->charset = p + tok;
	ew->charset_len = q1 - tok;
	{
		const char *star = memchr(ew->charset, '*', ew->charset_len);

		if (star != NULL)
			ew->charset_len = (size_t)(star - ew->charset);
	}
	blen = bytes->len;
	if (cte == 'q' || cte == 'Q') {
		if (qp_decode_q(p + q2 + 1, tok_end - (q2 + 1), bytes,
		    NULL) == -1)
			d |= RFC2047_DEFECT_TOO_BIG;
	} else {
		unsigned bd = 0;

		if (base64_decode(p + q2 + 1, tok_end - (q2 + 1), bytes, &bd,
		    NULL) == -1)
			d |= RFC2047_DEFECT_TOO_BIG;
		if (bd & ~BASE64_DEFECT_TOO_BIG)
			d |= RFC2047_DEFECT_BASE64;
	}
	(void)blen;
	ew->end = rest;
	if (rest < len && !is_wsp((unsigned char)p[rest]))
		d |= RFC2047_DEFECT_NO_SPACE;
	*defects |= d;
	return 1;
}

/* Python decodes each word on its own, keeping undecodable bytes with
 * surrogateescape; that fails for bytes below 0x80 (a broken ISO-2022-JP
 * escape) and the word then stays as written. */
static bool
python_decodable(const struct ew *ew, const struct buf *word)
{
	char		cs[64];
	struct buf	tmp;
	int		r;

	if (ew->charset_len >= sizeof(cs))
		return true;
	memcpy(cs, ew->charset, ew->charset_len);
	cs[ew->charset_len] = '\0';
	if (charset_is_utf8(cs) || !charset_known(cs))
		return true;
	buf_init(&tmp, LIMIT_HEADER_BLOCK);
	r = charset_to_utf8(cs, word->data != NULL ? word->data : "", word->len,
	    &tmp, CHARSET_F_RAW_INVALID | CHARSET_F_REJECT_ASCII, NULL);
	buf_clear(&tmp);
	return r != 1;
}

/* The decoder's state: raw holds the result before the final UTF-8
 * sanitising (Python's _sanitize), pend the bytes of encoded words not
 * converted yet (adjacent words of one charset are joined first). */
struct dec {
	struct buf	*raw;
	struct buf	 pend;
	char		 pend_cs[64];
	bool		 pend_on;
	bool		 pend_long;	/* charset name too long for pend_cs */
	unsigned	 defects;
	unsigned	 flags;		/* enum rfc2047_flag */
	int		 err;
};

static void
dec_emit(struct dec *d, const char *p, size_t n)
{
	if (d->err == 0 && buf_append(d->raw, p, n) == -1)
		d->err = -1;
}

/* Plain text: as it is, or with U+FFFD per 8-bit byte (PER_BYTE). */
static void
dec_text(struct dec *d, const char *p, size_t n)
{
	size_t	i, s = 0;

	if (!(d->flags & RFC2047_F_PER_BYTE)) {
		dec_emit(d, p, n);
		return;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80) {
			dec_emit(d, p + s, i - s);
			dec_emit(d, "\xef\xbf\xbd", 3);
			s = i + 1;
		}
	dec_emit(d, p + s, n - s);
}

static void
dec_flush(struct dec *d)
{
	enum charset_result r;

	if (!d->pend_on)
		return;
	/* Python decodes with the charset; undecodable bytes stay as raw
	 * bytes (surrogateescape) until the whole header is sanitised. */
	if (charset_to_utf8(d->pend_long ? "\x01" : d->pend_cs, d->pend.data,
	    d->pend.len, d->raw, (d->flags & RFC2047_F_PER_BYTE) ?
	    CHARSET_F_PER_BYTE : CHARSET_F_RAW_INVALID, &r) == -1)
		d->err = -1;
	if (r == CHARSET_RET_UNKNOWN) {
		if (!slice_eq_ci(d->pend_cs, strlen(d->pend_cs),
		    "unknown-8bit"))
			d->defects |= RFC2047_DEFECT_CHARSET;
	} else if (r != CHARSET_RET_OK)
		d->defects |= RFC2047_DEFECT_UNDECODABLE;
	buf_reset(&d->pend);
	d->pend_on = false;
}

static bool
same_charset(const struct dec *d, const struct ew *ew)
{
	return d->pend_on && !d->pend_long &&
	    slice_eq_ci(ew->charset, ew->charset_len, d->pend_cs);
}

static void
dec_start(struct dec *d, const struct ew *ew)
{
	d->pend_on = true;
	d->pend_long = ew->charset_len >= sizeof(d->pend_cs);
	if (!d->pend_long) {
		memcpy(d->pend_cs, ew->charset, ew->charset_len);
		d->pend_cs[ew->charset_len] = '\0';
	} else
		d->pend_cs[0] = '\0';
}

/* email._header_value_parser.get_unstructured, token by token. */
static void
decode_default(struct dec *d, const char *p, size_t len)
{
	size_t	i = 0, ws_at = 0, ws_len = 0;
	bool	ws_pending = false;	/* whitespace after an encoded word */
	bool	last_ew = false, any = false, last_fws = false;
	struct buf word;
	struct qe_cache qc = { 0, 0, false };

	buf_init(&word, LIMIT_HEADER_BLOCK);
	while (i < len && d->err == 0) {
		bool	valid_ew = true;
		size_t	j;

		if (is_wsp((unsigned char)p[i])) {
			for (j = i; j < len && is_ws((unsigned char)p[j]); j++)
				;
			if (last_ew) {
				ws_pending = true;
				ws_at = i;
				ws_len = j - i;
			} else {
				dec_flush(d);
				dec_emit(d, p + i, j - i);
			}
			i = j;
			any = true;
			last_fws = true;
			continue;
		}
		if (i + 1 < len && p[i] == '=' && p[i + 1] == '?') {
			struct ew ew;
			int	r;

			buf_reset(&word);
			r = parse_ew(p, i, len, &ew, &word, &d->defects,
			    &qc, SIZE_MAX);
			if (r == 1 && !python_decodable(&ew, &word))
				r = -1;
			if (r == 1) {
				if (any && !last_fws)
					d->defects |= RFC2047_DEFECT_NO_SPACE;
				/* Whitespace between two encoded words goes
				 * (RFC 2047 6.2); a word straight after one
				 * joins it too. */
				if (!(last_ew && same_charset(d, &ew))) {
					dec_flush(d);
					if (ws_pending && !last_ew)
						dec_emit(d, p + ws_at, ws_len);
					dec_start(d, &ew);
				}
				ws_pending = false;
				if (buf_append(&d->pend, word.data,
				    word.len) == -1)
					d->err = -1;
				i = ew.end;
				any = true;
				last_ew = true;
				last_fws = false;
				continue;
			}
			if (r == -1) {
				valid_ew = false;
				d->defects |= RFC2047_DEFECT_MALFORMED;
			}
		}
		/* A run of non-whitespace; an encoded word inside it splits
		 * it (Python decodes "foo=?utf-8?q?bar?=" too). */
		for (j = i; j < len && !is_wsp((unsigned char)p[j]); j++)
			;
		if (valid_ew && matcher(p + i, j - i)) {
			const char *eq = p + i;
			size_t k;

			for (k = i; k + 1 < j; k++)
				if (p[k] == '=' && p[k + 1] == '?')
					break;
			(void)eq;
			j = k;
		}
		dec_flush(d);
		if (ws_pending) {
			dec_emit(d, p + ws_at, ws_len);
			ws_pending = false;
		}
		for (size_t k = i; k < j; k++)
			if ((unsigned char)p[k] >= 0x80) {
				d->defects |= RFC2047_DEFECT_8BIT;
				break;
			}
		dec_text(d, p + i, j - i);
		i = j;
		any = true;
		last_ew = false;
		last_fws = false;
	}
	dec_flush(d);
	if (ws_pending)
		dec_emit(d, p + ws_at, ws_len);
	buf_clear(&word);
}

int
rfc2047_decode(const char *in, size_t len, struct buf *out, unsigned flags,
    unsigned *defects_r)
{
	struct dec	d;
	struct buf	raw, line;
	const char	*p = in;
	size_t		i;
	bool		changed;

	/* Fast path: nothing encoded, nothing folded (most headers). */
	if (!rfc2047_maybe_encoded(in, len) &&
	    memchr(in, '\n', len) == NULL && memchr(in, '\r', len) == NULL) {
		unsigned fd = 0;
		int r;

		for (i = 0; i < len; i++)
			if ((unsigned char)in[i] >= 0x80) {
				fd |= RFC2047_DEFECT_8BIT;
				break;
			}
		if (fd == 0)
			r = buf_append(out, in, len);
		else if (flags & RFC2047_F_PER_BYTE)
			r = charset_to_utf8("us-ascii", in, len, out, 0, NULL);
		else
			r = charset_utf8_sanitize(in, len, out, NULL);
		if (r == -1)
			fd |= RFC2047_DEFECT_TOO_BIG;
		if (defects_r != NULL)
			*defects_r = fd;
		return r;
	}
	buf_init(&raw, out->max);
	buf_init(&line, LIMIT_HEADER_BLOCK);
	/* Python's header_fetch_parse drops CR and LF (unfolding that keeps
	 * the whitespace after them). */
	if (memchr(in, '\n', len) != NULL || memchr(in, '\r', len) != NULL) {
		for (i = 0; i < len;) {
			size_t j = i;

			while (j < len && in[j] != '\r' && in[j] != '\n')
				j++;
			if (buf_append(&line, in + i, j - i) == -1)
				break;
			i = j + 1;
		}
		p = line.data != NULL ? line.data : "";
		len = line.len;
	}
	memset(&d, 0, sizeof(d));
	d.raw = &raw;
	d.flags = flags;
	buf_init(&d.pend, LIMIT_HEADER_BLOCK);
	decode_default(&d, p, len);
	if (charset_utf8_sanitize(raw.data != NULL ? raw.data : "", raw.len,
	    out, &changed) == -1)
		d.err = -1;
	if (d.err != 0)
		d.defects |= RFC2047_DEFECT_TOO_BIG;
	buf_clear(&d.pend);
	buf_clear(&raw);
	buf_clear(&line);
	if (defects_r != NULL)
		*defects_r = d.defects;
	return d.err;
}

char *
rfc2047_decode_str(const char *in, size_t len, unsigned flags,
    unsigned *defects_r)
{
	struct buf out;

	buf_init(&out, LIMIT_HEADER_BLOCK);
	(void)rfc2047_decode(in, len, &out, flags, defects_r);
	return buf_steal(&out);
}

size_t
rfc2047_decode_word(const char *in, size_t len, struct buf *raw,
    unsigned *defects_r)
{
	struct dec	d;
	struct ew	ew;
	struct buf	word;
	unsigned	defects = 0;
	size_t		used = 0;

	if (len < 2 || in[0] != '=' || in[1] != '?')
		return 0;
	buf_init(&word, LIMIT_HEADER_BLOCK);
	/* A quoted parameter gets one call per "=?": bound the search so
	 * hostile input stays linear (Python has no bound; no real word is
	 * anywhere near this long). */
	if (parse_ew(in, 0, len, &ew, &word, &defects, NULL, 1024) == 1 &&
	    python_decodable(&ew, &word)) {
		memset(&d, 0, sizeof(d));
		d.raw = raw;
		buf_init(&d.pend, LIMIT_HEADER_BLOCK);
		dec_start(&d, &ew);
		if (buf_append(&d.pend, word.data, word.len) == -1)
			d.err = -1;
		dec_flush(&d);
		buf_clear(&d.pend);
		defects |= d.defects;
		if (d.err != 0)
			defects |= RFC2047_DEFECT_TOO_BIG;
		used = ew.end;
	}
	buf_clear(&word);
	if (defects_r != NULL)
		*defects_r = defects;
	return used;
}

bool
rfc2047_maybe_encoded(const char *in, size_t len)
{
	const char *p = in, *end = in + len;

	while (p + 1 < end) {
		const char *q = memchr(p, '=', (size_t)(end - p) - 1);

		if (q == NULL)
			return false;
		if (q[1] == '?')
			return true;
		p = q + 1;
	}
	return false;
}

const char *
rfc2047_defect_name(unsigned bit)
{
	switch (bit) {
	case RFC2047_DEFECT_MALFORMED:
		return "malformed encoded word kept as written";
	case RFC2047_DEFECT_CHARSET:
		return "unknown charset in encoded word";
	case RFC2047_DEFECT_BASE64:
		return "bad base64 in encoded word";
	case RFC2047_DEFECT_UNDECODABLE:
		return "encoded word has bytes not valid in its charset";
	case RFC2047_DEFECT_NO_SPACE:
		return "encoded word not separated by whitespace";
	case RFC2047_DEFECT_SPACE_INSIDE:
		return "whitespace inside encoded word";
	case RFC2047_DEFECT_8BIT:
		return "raw 8-bit bytes in header";
	case RFC2047_DEFECT_TOO_BIG:
		return "decoded header too big";
	}
	return "unknown";
}

const char *
rfc2047_defect_id(unsigned bit)
{
	switch (bit) {
	case RFC2047_DEFECT_MALFORMED:
		return "rfc2047-malformed";
	case RFC2047_DEFECT_CHARSET:
		return "rfc2047-unknown-charset";
	case RFC2047_DEFECT_BASE64:
		return "rfc2047-bad-base64";
	case RFC2047_DEFECT_UNDECODABLE:
		return "rfc2047-undecodable";
	case RFC2047_DEFECT_NO_SPACE:
		return "rfc2047-no-space";
	case RFC2047_DEFECT_SPACE_INSIDE:
		return "rfc2047-space-inside";
	case RFC2047_DEFECT_8BIT:
		return "rfc2047-8bit";
	case RFC2047_DEFECT_TOO_BIG:
		return "rfc2047-too-big";
	}
	return "unknown";
}

/* RFC 2047 2: an encoded word is at most 75 characters; "=?UTF-8?B?"
 * and "?=" leave 63, so 15 base64 quads: 45 bytes of text. */
#define EW_BYTES	45

int
rfc2047_encode(const char *in, size_t len, struct buf *out)
{
	size_t	i = 0;

	while (i < len) {
		size_t n = len - i < EW_BYTES ? len - i : EW_BYTES;

		/* Never split a UTF-8 character across words. */
		if (i + n < len)
			while (n > 1 &&
			    ((unsigned char)in[i + n] & 0xc0) == 0x80)
				n--;
		if ((i > 0 && buf_append(out, "\r\n ", 3) == -1) ||
		    buf_append_str(out, "=?UTF-8?B?") == -1 ||
		    base64_encode(in + i, n, out) == -1 ||
		    buf_append(out, "?=", 2) == -1)
			return -1;
		i += n;
	}
	return 0;
}
