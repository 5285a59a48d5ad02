/* SPDX-License-Identifier: MIT */
/* Python compat32's make_header(decode_header()) over RFC 2047 words: the
 * reference mime_ref.py used for file names, emulated so the tests and the
 * fuzzer can hold proto/rfc2047.c's helpers (qp, base64, charset) to
 * Python's answers; no part of mailbench uses it (moved out of proto/ by
 * issue 13). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "proto/base64.h"
#include "proto/charset.h"
#include "proto/limits.h"
#include "proto/qp.h"
#include "proto/rfc2047.h"
#include "tests/unit/rfc2047-compat32.h"

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

/* One word of Python compat32's email.header.decode_header(): plain
 * text or an encoded word. */
struct cword {
	size_t		 at, len;	/* plain: the input slice */
	bool		 enc;
	char		 cte;		/* 'q' or 'b' */
	size_t		 cs_at, cs_len;	/* charset slice, for encoded */
	size_t		 txt_at, txt_len;
};

/* email.header.ecre on line p[a..b): the leftmost match from a. */
static bool
ecre(const char *p, size_t a, size_t b, struct cword *w, size_t *end_r)
{
	size_t	k, q, e;

	for (k = a; k + 1 < b; k++) {
		if (p[k] != '=' || p[k + 1] != '?')
			continue;
		for (q = k + 2; q < b && p[q] != '?'; q++)
			;
		if (q + 2 >= b || p[q + 2] != '?' || (p[q + 1] != 'q' &&
		    p[q + 1] != 'Q' && p[q + 1] != 'b' && p[q + 1] != 'B'))
			continue;
		e = find_qe(p, q + 3, b);
		if (e >= b)
			continue;
		w->at = k;
		w->enc = true;
		w->cte = (char)(p[q + 1] | 0x20);
		w->cs_at = k + 2;
		w->cs_len = q - (k + 2);
		w->txt_at = q + 3;
		w->txt_len = e - (q + 3);
		w->len = e + 2 - k;
		*end_r = e + 2;
		return true;
	}
	return false;
}

static bool
py_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* str.splitlines() boundaries among ASCII. */
static bool
is_linebreak(unsigned char c)
{
	return c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	    (c >= 0x1c && c <= 0x1e);
}

/* One chunk of the Header: text (UTF-8) and its Charset, named as
 * email.charset.Charset compares them (lower case, ALIASES applied;
 * plain text is "us-ascii"). */
struct chunk {
	struct buf	text;
	char		cs[64];
};

static bool
ascii_cs(const char *cs)
{
	return strcmp(cs, "us-ascii") == 0;
}

/* email.charset.ALIASES. */
static void
charset_key(const char *cs, char key[64])
{
	static const char *const al[][2] = {
		{ "latin_1", "iso-8859-1" }, { "latin-1", "iso-8859-1" },
		{ "latin_2", "iso-8859-2" }, { "latin-2", "iso-8859-2" },
		{ "latin_3", "iso-8859-3" }, { "latin-3", "iso-8859-3" },
		{ "latin_4", "iso-8859-4" }, { "latin-4", "iso-8859-4" },
		{ "latin_5", "iso-8859-9" }, { "latin-5", "iso-8859-9" },
		{ "latin_6", "iso-8859-10" }, { "latin-6", "iso-8859-10" },
		{ "latin_7", "iso-8859-13" }, { "latin-7", "iso-8859-13" },
		{ "latin_8", "iso-8859-14" }, { "latin-8", "iso-8859-14" },
		{ "latin_9", "iso-8859-15" }, { "latin-9", "iso-8859-15" },
		{ "latin_10", "iso-8859-16" }, { "latin-10", "iso-8859-16" },
		{ "cp949", "ks_c_5601-1987" }, { "euc_jp", "euc-jp" },
		{ "euc_kr", "euc-kr" }, { "ascii", "us-ascii" },
	};
	size_t	i;

	for (i = 0; i < sizeof(al) / sizeof(al[0]); i++)
		if (strcmp(cs, al[i][0]) == 0) {
			snprintf(key, 64, "%s", al[i][1]);
			return;
		}
	snprintf(key, 64, "%s", cs);
}

/* Header.__str__'s _nonctext() on one end of a chunk. */
static bool
nonctext(char c)
{
	return py_isspace((unsigned char)c) || c == '(' || c == ')' ||
	    c == '\\';
}

/* Charset names as decode_header() compares them: lower-cased. */
static bool
same_name(const char *a, size_t an, const char *b, size_t bn)
{
	size_t	i;

	if (an != bn)
		return false;
	for (i = 0; i < an; i++) {
		char x = a[i], y = b[i];

		if ((x >= 'A' && x <= 'Z' ? x | 0x20 : x) !=
		    (y >= 'A' && y <= 'Z' ? y | 0x20 : y))
			return false;
	}
	return true;
}

static void
plain_byte(struct buf *b, unsigned char c)
{
	if (c >= 0x80)
		(void)buf_printf(b, "\\udc%02x", c);
	else
		(void)buf_append_byte(b, (char)c);
}

int
rfc2047_compat32_decode(const char *in, size_t len, struct buf *out,
    unsigned *defects_r)
{
	struct cword	*w = NULL;
	struct chunk	*ch = NULL;
	size_t		 nw = 0, cw = 0, nch = 0, i, j, a, k;
	unsigned	 defects = 0;
	bool		 any = false, fail = false;
	int		 rc = 0;
	struct cword	 probe;
	size_t		 end;

	/* No encoded word anywhere: the value as it stands. */
	any = ecre(in, 0, len, &probe, &end);
	if (!any)
		goto raw;
	/* Split into lines; in each, plain and encoded words. */
	for (a = 0; a < len;) {
		size_t b = a, next;
		bool first = true;

		while (b < len && !is_linebreak((unsigned char)in[b]))
			b++;
		next = b < len && in[b] == '\r' && b + 1 < len &&
		    in[b + 1] == '\n' ? b + 2 : b + 1;
		for (i = a; i <= b;) {
			struct cword m;
			bool found = ecre(in, i, b, &m, &end);
			size_t ue = found ? m.at : b, us = i;

			if (first) {
				while (us < ue &&
				    py_isspace((unsigned char)in[us]))
					us++;
				first = false;
			}
			if (nw + 2 > cw) {
				cw = cw ? cw * 2 : 16;
				w = xrealloc(w, cw * sizeof(*w));
			}
			if (ue > us) {
				memset(&w[nw], 0, sizeof(w[nw]));
				w[nw].at = us;
				w[nw].len = ue - us;
				nw++;
			}
			if (!found)
				break;
			w[nw++] = m;
			i = end;
		}
		a = next;
	}
	/* Whitespace-only plain words between two encoded ones go. */
	for (i = 0, j = 0; i < nw; i++) {
		bool ws = !w[i].enc && i > 0 && i + 1 < nw && w[i - 1].enc &&
		    w[i + 1].enc;

		for (k = 0; ws && k < w[i].len; k++)
			if (!py_isspace((unsigned char)in[w[i].at + k]))
				ws = false;
		if (!ws)
			w[j++] = w[i];
	}
	nw = j;
	/* Decode, collapse runs of one charset (plain ones joined by a
	 * space), convert each run strictly. */
	ch = xcalloc(nw ? nw : 1, sizeof(*ch));
	for (i = 0; i < nw && !fail; i = j) {
		char	cs[64] = "";
		struct buf bytes;
		enum charset_result r;

		if (w[i].enc) {
			if (w[i].cs_len >= sizeof(cs)) {
				fail = true;
				break;
			}
			for (k = 0; k < w[i].cs_len; k++) {
				char c = in[w[i].cs_at + k];

				cs[k] = c >= 'A' && c <= 'Z' ?
				    (char)(c | 0x20) : c;
			}
			cs[k] = '\0';
		}
		buf_init(&bytes, LIMIT_HEADER_BLOCK);
		for (j = i; j < nw && !fail; j++) {
			if (j > i && (w[j].enc != w[i].enc || (w[j].enc &&
			    !same_name(in + w[j].cs_at, w[j].cs_len,
			    in + w[i].cs_at, w[i].cs_len))))
				break;
			if (!w[j].enc) {
				if (j > i)
					(void)buf_append_byte(&bytes, ' ');
				/* raw-unicode-escape of surrogateescape'd
				 * bytes: \udcXX as text. */
				for (k = 0; k < w[j].len; k++)
					plain_byte(&bytes,
					    (unsigned char)in[w[j].at + k]);
			} else if (w[j].cte == 'q') {
				(void)qp_decode_q(in + w[j].txt_at,
				    w[j].txt_len, &bytes, NULL);
			} else {
				/* Missing padding supplied, then a lenient
				 * a2b_base64 that must succeed. */
				struct buf t;
				unsigned py = 0;
				size_t n = w[j].txt_len;

				buf_init(&t, LIMIT_HEADER_BLOCK);
				(void)buf_append(&t, in + w[j].txt_at, n);
				if (n % 4 != 0)
					(void)buf_append(&t, "===", 4 - n % 4);
				(void)base64_decode(t.data, t.len, &bytes, NULL,
				    &py);
				if ((py & BASE64_PY_LENGTH) ||
				    ((py & BASE64_PY_CHARACTERS) &&
				    (py & BASE64_PY_PADDING)))
					fail = true;
				buf_clear(&t);
				defects |= py ? RFC2047_DEFECT_BASE64 : 0;
			}
		}
		if (fail) {
			buf_clear(&bytes);
			break;
		}
		buf_init(&ch[nch].text, LIMIT_HEADER_BLOCK);
		charset_key(w[i].enc ? cs : "us-ascii", ch[nch].cs);
		if (w[i].enc && strcmp(cs, "us-ascii") == 0)
			cs[0] = '\0';	/* us-ascii: strict ASCII, below */
		if (strcmp(cs, "unknown-8bit") == 0) {
			/* Decoded as ASCII, U+FFFD per other byte. */
			(void)charset_to_utf8("us-ascii", bytes.data ?
			    bytes.data : "", bytes.len, &ch[nch].text, 0, &r);
		} else if ((!w[i].enc || strcmp(ch[nch].cs, "us-ascii") == 0 ||
		    w[i].cs_len == 0) ? charset_to_utf8("us-ascii", bytes.data ?
		    bytes.data : "", bytes.len, &ch[nch].text, 0, &r) == 0 &&
		    r == CHARSET_RET_OK : (charset_known(cs) &&
		    charset_to_utf8(cs, bytes.data ? bytes.data : "", bytes.len,
		    &ch[nch].text, CHARSET_F_NARROW | CHARSET_F_REJECT_ASCII,
		    &r) == 0 && r == CHARSET_RET_OK)) {
			/* Decoded strictly. */
		} else {
			/* Strict decoding failed or the charset is unknown:
			 * Python raises, and the value is shown raw. */
			defects |= charset_known(cs) ?
			    RFC2047_DEFECT_UNDECODABLE : RFC2047_DEFECT_CHARSET;
			fail = true;
		}
		nch++;
		buf_clear(&bytes);
	}
	if (fail)
		goto raw_free;
	/* Header._normalize(): neighbours with one Charset join with a
	 * space. */
	for (i = 0, j = 0; i < nch; i++) {
		if (j > 0 && strcmp(ch[j - 1].cs, ch[i].cs) == 0) {
			(void)buf_append_byte(&ch[j - 1].text, ' ');
			(void)buf_append(&ch[j - 1].text, ch[i].text.data ?
			    ch[i].text.data : "", ch[i].text.len);
			buf_clear(&ch[i].text);
			continue;
		}
		if (j != i) {
			ch[j] = ch[i];
			memset(&ch[i], 0, sizeof(ch[i]));
		}
		j++;
	}
	nch = j;
	/* Header.__str__: a space between encoded and plain chunks unless
	 * one side already has whitespace there. */
	{
		const char *lastcs = NULL;
		bool lastspace = false;

		for (i = 0; i < nch; i++) {
			struct buf *t = &ch[i].text;
			const char *nextcs = ch[i].cs;

			if (i > 0) {
				bool hasspace = t->len > 0 &&
				    nonctext(t->data[0]);

				if (!ascii_cs(lastcs)) {
					if (ascii_cs(nextcs) && !hasspace) {
						(void)buf_append_byte(out, ' ');
						nextcs = "us-ascii";
					}
				} else if (!ascii_cs(nextcs) && !lastspace)
					(void)buf_append_byte(out, ' ');
			}
			lastspace = t->len > 0 && nonctext(t->data[t->len - 1]);
			lastcs = nextcs;
			if (buf_append(out, t->data ? t->data : "",
			    t->len) == -1)
				rc = -1;
		}
	}
	goto done;
raw_free:
	for (i = 0; i < nch; i++)
		buf_clear(&ch[i].text);
	free(ch);
	ch = NULL;
	nch = 0;
raw:
	/* The value as Python holds it: 8-bit bytes were surrogates, which
	 * mime_ref.py shows as U+FFFD each. */
	if (charset_to_utf8("us-ascii", in, len, out, 0, NULL) == -1)
		rc = -1;
done:
	for (i = 0; i < nch; i++)
		buf_clear(&ch[i].text);
	free(ch);
	free(w);
	if (rc == -1)
		defects |= RFC2047_DEFECT_TOO_BIG;
	if (defects_r != NULL)
		*defects_r = defects;
	return rc;
}

char *
rfc2047_compat32_decode_str(const char *in, size_t len, unsigned *defects_r)
{
	struct buf	b;

	buf_init(&b, LIMIT_HEADER_BLOCK);
	(void)rfc2047_compat32_decode(in, len, &b, defects_r);
	return buf_steal(&b);
}
