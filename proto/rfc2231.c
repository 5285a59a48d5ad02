/* SPDX-License-Identifier: MIT */
/* MIME parameters (RFC 2045 5.1, RFC 2231) read as Python's email does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "proto/charset.h"
#include "proto/limits.h"
#include "proto/rfc2047.h"
#include "proto/rfc2231.h"
#include "proto/rfc5322-lex.h"
#include "base/util.h"

/* Character classes of email._header_value_parser. */
#define C_ATTR_END	0x01	/* ATTRIBUTE_ENDS: \t sp "%'()*,/:;<=>?@[\] */
#define C_XATTR_END	0x02	/* EXTENDED_ATTRIBUTE_ENDS: the same but '%' */
#define C_TOKEN_END	0x04	/* TOKEN_ENDS: \t sp "(),/:;<=>?@[\] */
#define C_WS		0x08	/* what str.lstrip() removes (ASCII part) */

static unsigned char cls[256];

static void
cls_init(void)
{
	const char	*a = "\t \"%'()*,/:;<=>?@[\\]";
	const char	*t = "\t \"(),/:;<=>?@[\\]";
	const char	*w = " \t\n\r\v\f\x1c\x1d\x1e\x1f";

	if (cls['\t'] != 0)
		return;
	for (; *a != '\0'; a++) {
		cls[(unsigned char)*a] |= C_ATTR_END;
		if (*a != '%')
			cls[(unsigned char)*a] |= C_XATTR_END;
	}
	for (; *t != '\0'; t++)
		cls[(unsigned char)*t] |= C_TOKEN_END;
	for (; *w != '\0'; w++)
		cls[(unsigned char)*w] |= C_WS;
}

/* The header value being parsed (CR and LF removed, as Python does). */
struct in {
	const char	*s;
	size_t		 n;
	unsigned	*defects;
	size_t		 ews;		/* encoded words decoded so far */
};

/* get_fws: whitespace run (str.lstrip()). */
static size_t
skip_fws(struct in *in, size_t p)
{
	while (p < in->n && (cls[(unsigned char)in->s[p]] & C_WS))
		p++;
	return p;
}

/* get_comment: nested, backslash escapes, may run to the end. */
static size_t
skip_comment(struct in *in, size_t p)
{
	bool	closed;

	p = rfc5322_comment_end(in->s, in->n, p, &closed);
	if (!closed)
		*in->defects |= RFC2231_DEFECT_UNTERMINATED;
	return p;
}

/* get_cfws: whitespace and comments. */
static size_t
skip_cfws(struct in *in, size_t p)
{
	while (p < in->n && (rfc5322_is_wsp(in->s[p]) || in->s[p] == '(')) {
		if (in->s[p] == '(')
			p = skip_comment(in, p);
		else
			p = skip_fws(in, p);
	}
	return p;
}

/* get_bare_quoted_string at in->s[p] == '"': the content goes to out
 * (escapes undone, encoded words decoded, whitespace between two of them
 * dropped); returns the index after the closing quote. */
static size_t
bare_quoted(struct in *in, size_t p, struct buf *out)
{
	size_t	fws_at = 0;
	bool	last_ew = false, fws_after_ew = false;

	p++;
	while (p < in->n && in->s[p] != '"') {
		const char *s = in->s;

		if (rfc5322_is_wsp(s[p])) {
			size_t e = skip_fws(in, p);

			fws_after_ew = last_ew;
			fws_at = out->len;
			(void)buf_append(out, s + p, e - p);
			p = e;
			last_ew = false;
			continue;
		}
		if (p + 1 < in->n && s[p] == '=' && s[p + 1] == '?') {
			struct buf w;
			size_t	 used;
			unsigned d = 0;

			/* Decoded aside: the whitespace before it goes only
			 * if it is a word (Python keeps it otherwise). */
			buf_init(&w, out->max);
			used = rfc2047_decode_word(s + p, in->n - p, &w, &d);
			if (used > 0) {
				if (fws_after_ew) {
					/* Collapse whitespace between two
					 * words. */
					buf_truncate(out, fws_at);
				}
				(void)buf_append(out, w.data ? w.data : "",
				    w.len);
				buf_clear(&w);
				*in->defects |= RFC2231_DEFECT_ENCODED_WORD;
				in->ews++;
				p += used;
				last_ew = true;
				fws_after_ew = false;
				continue;
			}
			buf_clear(&w);
		}
		/* get_qcontent: up to a quote, within one whitespace-free
		 * fragment; backslash escapes the next character. */
		{
			bool esc = false;

			for (; p < in->n && !rfc5322_is_wsp(s[p]); p++) {
				if (s[p] == '\\' && !esc) {
					esc = true;
					continue;
				}
				if (!esc && s[p] == '"')
					break;
				esc = false;
				(void)buf_append_byte(out, s[p]);
			}
		}
		last_ew = false;
		fws_after_ew = false;
	}
	if (p >= in->n) {
		*in->defects |= RFC2231_DEFECT_UNTERMINATED;
		return in->n;
	}
	return p + 1;
}

/* One parameter as get_parameter() leaves it. */
struct rparam {
	size_t		 name, name_len;	/* attrtext as written */
	unsigned	 section;
	bool		 sectioned, extended, quoted, has_ew;
	struct buf	 value;			/* param_value, raw bytes */
	char		*charset;		/* RFC 2231 charset or NULL */
	char		*lang;
};

/* Run of characters whose class lacks mask, from p. */
static size_t
run(struct in *in, size_t p, unsigned char mask)
{
	while (p < in->n && !(cls[(unsigned char)in->s[p]] & mask))
		p++;
	return p;
}

/* get_value: [CFWS] (quoted-string / extended attribute) [CFWS]; the
 * stripped value goes to out. -1 when there is none. */
static int
get_value(struct in *in, size_t *pp, struct buf *out, bool *quoted_r,
    bool *ew_r)
{
	size_t	p = skip_cfws(in, *pp), e;

	if (p >= in->n)
		return -1;
	if (in->s[p] == '"') {
		size_t before = in->ews;

		p = bare_quoted(in, p, out);
		if (quoted_r != NULL)
			*quoted_r = true;
		if (ew_r != NULL && in->ews != before)
			*ew_r = true;
	} else {
		e = run(in, p, C_XATTR_END);
		if (e == p)
			return -1;
		(void)buf_append(out, in->s + p, e - p);
		p = e;
	}
	*pp = skip_cfws(in, p);
	return 0;
}

/* Python's get_parameter(); 0 with *rp filled, -1 (HeaderParseError). */
static int
get_parameter(struct in *in, size_t *pp, struct rparam *rp)
{
	const char *s = in->s;
	size_t	p = skip_cfws(in, *pp), e, rem = 0;
	bool	have_rem = false;
	struct in inner = { NULL, 0, in->defects, 0 };
	struct buf ibuf;
	int	rc = -1;

	buf_init(&ibuf, LIMIT_HEADER_BLOCK);
	e = run(in, p, C_ATTR_END);
	if (e == p)
		goto out;
	rp->name = p;
	rp->name_len = e - p;
	p = skip_cfws(in, e);
	if (p >= in->n || s[p] == ';') {
		*in->defects |= RFC2231_DEFECT_NO_VALUE;
		*pp = p;
		rc = 0;
		goto out;
	}
	if (s[p] == '*') {
		if (p + 1 < in->n && s[p + 1] >= '0' && s[p + 1] <= '9') {
			uint64_t v = 0;

			p++;
			while (p < in->n && s[p] >= '0' && s[p] <= '9') {
				if (v < 1000000)
					v = v * 10 + (uint64_t)(s[p] - '0');
				p++;
			}
			rp->section = (unsigned)v;
			rp->sectioned = true;
		}
		if (p >= in->n)
			goto out;
		if (s[p] == '*') {
			rp->extended = true;
			p++;
		}
	}
	if (p >= in->n || s[p] != '=')
		goto out;
	p = skip_cfws(in, p + 1);
	/* "Serious hackery" for double quotes around an extended value:
	 * filename*="utf-8''%E9.txt" is read as if unquoted. */
	if (rp->extended && p < in->n && s[p] == '"') {
		size_t	r = skip_cfws(in, bare_quoted(in, p, &ibuf));
		bool	semi = false;

		inner.s = ibuf.data != NULL ? ibuf.data : "";
		inner.n = ibuf.len;
		if (rp->section == 0) {
			if (inner.n > 0 && inner.s[0] == '\'')
				semi = true;
			else {
				size_t k = run(&inner, 0, C_ATTR_END);

				if (k == 0)
					goto out; /* get_attrtext raises */
				semi = k < inner.n && inner.s[k] == '\'';
			}
		} else
			semi = inner.n > 0 &&
			    run(&inner, 0, C_XATTR_END) == inner.n;
		if (semi) {
			have_rem = true;
			rem = r;
			in = &inner;
			s = inner.s;
			p = 0;
		}
	}
	if (!(p < in->n && s[p] == '\'')) {
		if (get_value(in, &p, &rp->value, &rp->quoted,
		    &rp->has_ew) == -1)
			goto out;
		if (!rp->extended || rp->section > 0) {
			if (p >= in->n || s[p] != '\'') {
				*pp = have_rem ? rem : p;
				rc = 0;
				goto out;
			}
		}
		if (p >= in->n) {
			/* Missing charset'lang': the token is the value. */
			*pp = have_rem ? rem : p;
			rc = 0;
			goto out;
		}
		/* What was read is the charset. */
		rp->charset = xstrndup(rp->value.data != NULL ?
		    rp->value.data : "", rp->value.len);
		buf_reset(&rp->value);
		rp->quoted = false;
	}
	if (p >= in->n || s[p] != '\'')
		goto out;
	p++;
	if (p < in->n && s[p] != '\'') {
		e = run(in, p, C_ATTR_END);
		if (e == p)
			goto out;
		rp->lang = xstrndup(s + p, e - p);
		p = e;
		if (p >= in->n || s[p] != '\'')
			goto out;
	}
	p++;
	if (have_rem) {
		/* The rest of the quoted text is the value, as it stands. */
		(void)buf_append(&rp->value, s + p, in->n - p);
		*pp = rem;
		rc = 0;
		goto out;
	}
	if (get_value(in, &p, &rp->value, NULL, NULL) == -1)
		goto out;
	*pp = p;
	rc = 0;
out:
	buf_clear(&ibuf);
	return rc;
}

/* get_invalid_parameter and junk after a parameter: up to the next ';'
 * outside quoted strings and comments. */
static size_t
skip_junk(struct in *in, size_t p)
{
	struct buf scratch;

	buf_init(&scratch, LIMIT_HEADER_BLOCK);
	while (p < in->n && in->s[p] != ';') {
		if (in->s[p] == '"')
			p = bare_quoted(in, p, &scratch);
		else if (in->s[p] == '(')
			p = skip_comment(in, p);
		else
			p++;
		buf_reset(&scratch);
	}
	buf_clear(&scratch);
	return p;
}

static void
rparam_clear(struct rparam *rp)
{
	buf_clear(&rp->value);
	free(rp->charset);
	free(rp->lang);
}

/* urllib.parse.unquote_to_bytes, then decode in the charset keeping bad
 * bytes raw (surrogateescape); unknown charset: as ASCII. A value with
 * raw 8-bit bytes takes Python's other branch: %XX as Latin-1. */
static void
extended_value(const struct rparam *rp, const char *charset, struct buf *raw,
    unsigned *defects)
{
	const char *v = rp->value.data != NULL ? rp->value.data : "";
	size_t	n = rp->value.len, i;
	bool	eight = false;
	struct buf bytes;
	enum charset_result r;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] >= 0x80)
			eight = true;
	buf_init(&bytes, LIMIT_HEADER_BLOCK);
	for (i = 0; i < n; i++) {
		int hi, lo;

		if (v[i] == '%' && i + 2 < n && (hi = util_hexval(v[i + 1])) >= 0 &&
		    (lo = util_hexval(v[i + 2])) >= 0) {
			unsigned char c = (unsigned char)(hi << 4 | lo);

			if (eight && c >= 0x80) {
				char u[2] = { (char)(0xc0 | c >> 6),
				    (char)(0x80 | (c & 0x3f)) };

				(void)buf_append(raw, u, 2);
			} else if (eight)
				(void)buf_append_byte(raw, (char)c);
			else
				(void)buf_append_byte(&bytes, (char)c);
			i += 2;
			continue;
		}
		if (v[i] == '%')
			*defects |= RFC2231_DEFECT_PERCENT;
		(void)buf_append_byte(eight ? raw : &bytes, v[i]);
	}
	if (!eight) {
		(void)charset_to_utf8(charset, bytes.data != NULL ? bytes.data :
		    "", bytes.len, raw, CHARSET_F_RAW_INVALID, &r);
		if (r != CHARSET_RET_OK)
			*defects |= RFC2231_DEFECT_CHARSET;
	}
	buf_clear(&bytes);
}

static int
cmp_section(const void *a, const void *b)
{
	const struct rparam *const *x = a, *const *y = b;

	if ((*x)->section != (*y)->section)
		return (*x)->section < (*y)->section ? -1 : 1;
	/* Stable, like Python's sorted(). */
	return *x < *y ? -1 : *x > *y;
}

static char *
lower_sanitized(const char *s, size_t n)
{
	struct buf	out;
	size_t		i;

	buf_init(&out, LIMIT_HEADER_BLOCK);
	(void)charset_utf8_sanitize(s, n, &out, NULL);
	for (i = 0; i < out.len; i++)
		if (out.data[i] >= 'A' && out.data[i] <= 'Z')
			out.data[i] = (char)(out.data[i] - 'A' + 'a');
	return buf_steal(&out);
}

/* Python's get_params() also reads the segment before the first ';'
 * (where the type is) as a parameter when it holds '=': "filename=x"
 * alone gives get_filename() "x". */
static void
type_param(const char *s, size_t end, struct rfc2231_value *v)
{
	const char	*eq = memchr(s, '=', end);
	size_t		 a = 0, b, c, e = end;
	struct rfc2231_param *out;
	struct buf	 val;

	if (eq == NULL)
		return;
	b = (size_t)(eq - s);
	c = b + 1;
	while (a < b && (cls[(unsigned char)s[a]] & C_WS))
		a++;
	while (b > a && (cls[(unsigned char)s[b - 1]] & C_WS))
		b--;
	while (c < e && (cls[(unsigned char)s[c]] & C_WS))
		c++;
	while (e > c && (cls[(unsigned char)s[e - 1]] & C_WS))
		e--;
	buf_init(&val, LIMIT_HEADER_BLOCK);
	/* email.utils.unquote */
	if (e - c > 1 && s[c] == '"' && s[e - 1] == '"') {
		size_t i;

		for (i = c + 1; i + 1 < e; i++) {
			if (s[i] == '\\' && i + 2 < e &&
			    (s[i + 1] == '\\' || s[i + 1] == '"'))
				i++;
			(void)buf_append_byte(&val, s[i]);
		}
	} else if (e - c > 1 && s[c] == '<' && s[e - 1] == '>')
		(void)buf_append(&val, s + c + 1, e - c - 2);
	else
		(void)buf_append(&val, s + c, e - c);
	out = &v->params[v->nparams++];
	out->name = lower_sanitized(s + a, b - a);
	{
		struct buf clean;

		buf_init(&clean, LIMIT_HEADER_BLOCK);
		(void)charset_utf8_sanitize(val.data != NULL ? val.data : "",
		    val.len, &clean, NULL);
		out->value = buf_steal(&clean);
	}
	out->flags = RFC2231_PARAM_IN_TYPE;
	buf_clear(&val);
}

/* Python reads the text before the first ';' from str(header), where
 * encoded words in a malformed type ("inline ="=?..?="") are decoded. */
static void
type_seg(const char *s, size_t n, struct rfc2231_value *v,
    void (*fn)(const char *, size_t, struct rfc2231_value *))
{
	struct buf	dec;

	if (!rfc2047_maybe_encoded(s, n)) {
		fn(s, n, v);
		return;
	}
	buf_init(&dec, LIMIT_HEADER_BLOCK);
	(void)rfc2047_decode(s, n, &dec, 0, NULL);
	fn(dec.data != NULL ? dec.data : "", dec.len, v);
	buf_clear(&dec);
}

static void
type_value(const char *s, size_t n, struct rfc2231_value *v)
{
	const char	*semi = memchr(s, ';', n);
	size_t		 a = 0, b = semi != NULL ? (size_t)(semi - s) : n;

	while (a < b && (cls[(unsigned char)s[a]] & C_WS))
		a++;
	while (b > a && (cls[(unsigned char)s[b - 1]] & C_WS))
		b--;
	v->value = lower_sanitized(s + a, b - a);
}

/* MimeParameters.params: group by name (as written) in order of first
 * appearance, sort sections, drop duplicates, join and decode. */
/* Parameters sorted by name as written, then by position: groups of one
 * name in O(n log n), whatever a hostile header holds. */
struct byname {
	const char	*name;
	size_t		 len, idx;
};

static int
cmp_byname(const void *a, const void *b)
{
	const struct byname *x = a, *y = b;
	size_t	n = x->len < y->len ? x->len : y->len;
	int	c = memcmp(x->name, y->name, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct group {
	size_t	first, start, n;	/* first index; slice of byname */
};

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static void
assemble(struct in *in, struct rparam *rps, size_t nrp, size_t type_end,
    struct rfc2231_value *v)
{
	struct rparam	**parts = xcalloc(nrp ? nrp : 1, sizeof(*parts));
	struct byname	 *bn = xcalloc(nrp ? nrp : 1, sizeof(*bn));
	struct group	 *gr = xcalloc(nrp ? nrp : 1, sizeof(*gr));
	size_t		 i, j, ng = 0;

	v->params = xcalloc(nrp + 1, sizeof(*v->params));
	type_seg(in->s, type_end, v, type_param);
	for (i = 0; i < nrp; i++) {
		bn[i].name = in->s + rps[i].name;
		bn[i].len = rps[i].name_len;
		bn[i].idx = i;
	}
	qsort(bn, nrp, sizeof(*bn), cmp_byname);
	for (i = 0; i < nrp; i = j) {
		for (j = i + 1; j < nrp && bn[j].len == bn[i].len &&
		    memcmp(bn[j].name, bn[i].name, bn[i].len) == 0; j++)
			;
		gr[ng].first = bn[i].idx;
		gr[ng].start = i;
		gr[ng].n = j - i;
		ng++;
	}
	/* MimeParameters.params yields names in order of first appearance. */
	qsort(gr, ng, sizeof(*gr), cmp_group);
	for (i = 0; i < ng; i++) {
		struct rfc2231_param *out;
		struct buf	 raw;
		size_t		 np = gr[i].n, k, sec = 0;
		const char	*charset;

		for (k = 0; k < np; k++)
			parts[k] = &rps[bn[gr[i].start + k].idx];
		qsort(parts, np, sizeof(*parts), cmp_section);
		charset = parts[0]->extended && parts[0]->charset != NULL ?
		    parts[0]->charset : "us-ascii";
		if (!parts[0]->extended && np > 1 && parts[1]->section == 0) {
			v->defects |= RFC2231_DEFECT_DUPLICATE;
			np = 1;
		}
		out = &v->params[v->nparams++];
		buf_init(&raw, LIMIT_HEADER_BLOCK);
		for (k = 0; k < np; k++) {
			struct rparam *rp = parts[k];

			if (rp->section != sec) {
				v->defects |= rp->extended ?
				    RFC2231_DEFECT_CONTINUATION :
				    RFC2231_DEFECT_DUPLICATE;
				if (!rp->extended)
					continue;
			}
			sec++;
			if (rp->extended)
				extended_value(rp, charset, &raw, &v->defects);
			else
				(void)buf_append(&raw, rp->value.data != NULL ?
				    rp->value.data : "", rp->value.len);
			if (rp->sectioned)
				out->flags |= RFC2231_PARAM_CONTINUED;
		}
		out->name = lower_sanitized(in->s + parts[0]->name,
		    parts[0]->name_len);
		{
			struct buf val;

			buf_init(&val, LIMIT_HEADER_BLOCK);
			(void)charset_utf8_sanitize(raw.data != NULL ?
			    raw.data : "", raw.len, &val, NULL);
			out->value = buf_steal(&val);
		}
		buf_clear(&raw);
		if (parts[0]->extended) {
			out->flags |= RFC2231_PARAM_EXTENDED;
			if (parts[0]->charset != NULL)
				out->charset = xstrdup(parts[0]->charset);
			if (parts[0]->lang != NULL)
				out->language = xstrdup(parts[0]->lang);
		}
		if (parts[0]->quoted)
			out->flags |= RFC2231_PARAM_QUOTED;
		if (parts[0]->has_ew)
			out->flags |= RFC2231_PARAM_RFC2047;
	}
	free(parts);
	free(bn);
	free(gr);
}

/* "type/subtype" (or a disposition token) from the start: cleaned and
 * lower cased; NULL type when it is not one. */
static void
parse_type(struct in *in, struct rfc2231_value *v)
{
	size_t	p = skip_cfws(in, 0), a, b, c, d;

	a = p;
	p = run(in, p, C_TOKEN_END);
	b = p;
	p = skip_cfws(in, p);
	if (b == a || p >= in->n || in->s[p] != '/') {
		if (b > a && (skip_cfws(in, p) >= in->n ||
		    in->s[skip_cfws(in, p)] == ';')) {
			/* A lone token: a disposition ("attachment"). */
			v->type = lower_sanitized(in->s + a, b - a);
		}
		return;
	}
	p = skip_cfws(in, p + 1);
	c = p;
	p = run(in, p, C_TOKEN_END);
	d = p;
	if (d == c)
		return;
	v->type = lower_sanitized(in->s + a, b - a);
	v->subtype = lower_sanitized(in->s + c, d - c);
}

/* Where email.message._parseparam ends the first segment: the first ';'
 * with an even number of '"' (not counting '\\"') before it. */
static size_t
quote_semi(const struct in *in)
{
	size_t	i, q = 0;

	for (i = 0; i < in->n; i++) {
		if (in->s[i] == '"' && !(i > 0 && in->s[i - 1] == '\\'))
			q++;
		else if (in->s[i] == ';' && q % 2 == 0)
			return i;
	}
	return in->n;
}

int
rfc2231_parse(const char *src, size_t len, struct rfc2231_value *v_r)
{
	struct buf	 line;
	struct in	 in;
	struct rparam	*rps = NULL;
	size_t		 nrp = 0, cap = 0, p, type_end;

	cls_init();
	memset(v_r, 0, sizeof(*v_r));
	buf_init(&line, LIMIT_HEADER_BLOCK);
	in.s = src;
	in.n = len;
	if (memchr(src, '\n', len) != NULL || memchr(src, '\r', len) != NULL) {
		/* Unfold as Python does: CR and LF go, the rest stays. */
		for (p = 0; p < len;) {
			size_t q = p;

			while (q < len && src[q] != '\r' && src[q] != '\n')
				q++;
			(void)buf_append(&line, src + p, q - p);
			p = q + 1;
		}
		in.s = line.data != NULL ? line.data : "";
		in.n = line.len;
	}
	in.defects = &v_r->defects;
	in.ews = 0;

	/* Message.get_content_type(): _splitparam(str(header))[0]. */
	{
		const char *semi = memchr(in.s, ';', in.n);

		type_seg(in.s, semi != NULL ? (size_t)(semi - in.s) : in.n, v_r,
		    type_value);
	}
	parse_type(&in, v_r);
	if (v_r->type == NULL)
		v_r->defects |= RFC2231_DEFECT_NO_TYPE;

	/* Parameters start after the first ';' outside quotes/comments. */
	p = skip_junk(&in, 0);
	type_end = quote_semi(&in);
	if (skip_cfws(&in, 0) < p && v_r->type != NULL) {
		size_t q = skip_cfws(&in, 0);

		/* Anything between the type and ';' is junk. */
		q = skip_cfws(&in, run(&in, q, C_TOKEN_END));
		if (q < in.n && in.s[q] == '/')
			q = run(&in, skip_cfws(&in, q + 1), C_TOKEN_END);
		if (skip_cfws(&in, q) != p)
			v_r->defects |= RFC2231_DEFECT_JUNK;
	}
	while (p < in.n) {
		struct rparam rp;
		size_t start;

		p++;	/* the ';' */
		if (p >= in.n)
			break;
		memset(&rp, 0, sizeof(rp));
		buf_init(&rp.value, LIMIT_HEADER_BLOCK);
		start = p;
		if (get_parameter(&in, &p, &rp) == 0) {
			if (nrp == cap) {
				cap = cap ? cap * 2 : 8;
				rps = xrealloc(rps, cap * sizeof(*rps));
			}
			rps[nrp++] = rp;
			if (p < in.n && in.s[p] != ';') {
				v_r->defects |= RFC2231_DEFECT_JUNK;
				p = skip_junk(&in, p);
			}
			continue;
		}
		rparam_clear(&rp);
		p = skip_cfws(&in, start);
		if (p >= in.n)
			break;
		if (in.s[p] != ';') {
			v_r->defects |= RFC2231_DEFECT_JUNK;
			p = skip_junk(&in, p);
		}
	}
	assemble(&in, rps, nrp, type_end, v_r);
	for (p = 0; p < nrp; p++)
		rparam_clear(&rps[p]);
	free(rps);
	buf_clear(&line);
	return 0;
}

void
rfc2231_value_clear(struct rfc2231_value *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nparams; i++) {
		free(v->params[i].name);
		free(v->params[i].value);
		free(v->params[i].charset);
		free(v->params[i].language);
	}
	free(v->params);
	free(v->value);
	free(v->type);
	free(v->subtype);
	memset(v, 0, sizeof(*v));
}

const struct rfc2231_param *
rfc2231_find(const struct rfc2231_value *v, const char *name)
{
	size_t	i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < v->nparams; i++)
		if (slice_eq_ci(v->params[i].name, strlen(v->params[i].name),
		    name))
			return &v->params[i];
	return NULL;
}

const char *
rfc2231_get(const struct rfc2231_value *v, const char *name)
{
	const struct rfc2231_param *p = rfc2231_find(v, name);

	return p != NULL ? p->value : NULL;
}

/* Python's str.strip() whitespace, ASCII part. */
static bool
py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

char *
rfc2231_filename(const struct rfc2231_value *cd,
    const struct rfc2231_value *ct)
{
	const char	*f = NULL;
	size_t		 n;

	if (cd != NULL)
		f = rfc2231_get(cd, "filename");
	if (f == NULL && ct != NULL)
		f = rfc2231_get(ct, "name");
	if (f == NULL)
		return NULL;
	n = strlen(f);
	/* collapse_rfc2231_value() unquotes once more (email.utils.unquote). */
	if (n > 1 && f[0] == '"' && f[n - 1] == '"') {
		struct buf b;
		size_t i;

		buf_init(&b, LIMIT_HEADER_BLOCK);
		for (i = 1; i + 1 < n; i++) {
			if (f[i] == '\\' && i + 2 < n &&
			    (f[i + 1] == '\\' || f[i + 1] == '"'))
				i++;
			(void)buf_append_byte(&b, f[i]);
		}
		{
			char *s = buf_steal(&b), *r;
			size_t a = 0, e = strlen(s);

			while (a < e && py_space((unsigned char)s[a]))
				a++;
			while (e > a && py_space((unsigned char)s[e - 1]))
				e--;
			r = xstrndup(s + a, e - a);
			free(s);
			return r;
		}
	}
	if (n > 1 && f[0] == '<' && f[n - 1] == '>') {
		f++;
		n -= 2;
	}
	while (n > 0 && py_space((unsigned char)f[0])) {
		f++;
		n--;
	}
	while (n > 0 && py_space((unsigned char)f[n - 1]))
		n--;
	return xstrndup(f, n);
}

const char *
rfc2231_defect_name(unsigned bit)
{
	switch (bit) {
	case RFC2231_DEFECT_NO_TYPE:
		return "no type/subtype";
	case RFC2231_DEFECT_NO_VALUE:
		return "parameter without a value";
	case RFC2231_DEFECT_UNTERMINATED:
		return "quoted string or comment not closed";
	case RFC2231_DEFECT_CONTINUATION:
		return "RFC 2231 continuations missing or out of order";
	case RFC2231_DEFECT_CHARSET:
		return "RFC 2231 value not valid in its charset";
	case RFC2231_DEFECT_PERCENT:
		return "bad %-escape in RFC 2231 value";
	case RFC2231_DEFECT_ENCODED_WORD:
		return "RFC 2047 encoded word in a parameter";
	case RFC2231_DEFECT_DUPLICATE:
		return "parameter given twice: the first wins";
	case RFC2231_DEFECT_JUNK:
		return "junk in parameter list";
	}
	return "unknown";
}

const char *
rfc2231_defect_id(unsigned bit)
{
	switch (bit) {
	case RFC2231_DEFECT_NO_TYPE:
		return "rfc2231-no-type";
	case RFC2231_DEFECT_NO_VALUE:
		return "rfc2231-no-value";
	case RFC2231_DEFECT_UNTERMINATED:
		return "rfc2231-unterminated";
	case RFC2231_DEFECT_CONTINUATION:
		return "rfc2231-continuation";
	case RFC2231_DEFECT_CHARSET:
		return "rfc2231-charset";
	case RFC2231_DEFECT_PERCENT:
		return "rfc2231-percent";
	case RFC2231_DEFECT_ENCODED_WORD:
		return "rfc2231-encoded-word";
	case RFC2231_DEFECT_DUPLICATE:
		return "rfc2231-duplicate";
	case RFC2231_DEFECT_JUNK:
		return "rfc2231-junk";
	}
	return "unknown";
}
