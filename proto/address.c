/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.4 / 4.4 address lists, parsed into mailboxes the way Python's headerregistry sees them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto/address.h"
#include "base/buf.h"
#include "proto/charset.h"
#include "proto/limits.h"
#include "proto/rfc2047.h"
#include "proto/rfc5322-lex.h"
#include "base/util.h"

enum tk {
	TK_WORD,	/* atext run, dots included (obs-phrase) */
	TK_EWORD,	/* an RFC 2047 encoded word */
	TK_QSTR,	/* quoted string: text is the content, unescaped */
	TK_DLIT,	/* [domain literal] as written */
	TK_WS,		/* white space or a comment (RFC 5322 CFWS) */
	TK_SPECIAL	/* one of < > @ , ; : */
};

struct token {
	enum tk	 kind;
	char	*text;
	size_t	 len;
	char	 c;	/* TK_SPECIAL */
};

struct toks {
	struct token	*v;
	size_t		 n, cap;
};

static void
push(struct toks *t, enum tk k, const char *p, size_t n, char c)
{
	if (k == TK_WS && t->n > 0 && t->v[t->n - 1].kind == TK_WS)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].kind = k;
	t->v[t->n].text = p ? xstrndup(p, n) : NULL;
	t->v[t->n].len = p ? n : 0;
	t->v[t->n].c = c;
	t->n++;
}

/* Length of an RFC 2047 encoded word at s ("=?cs?X?text?="), or 0. Like
 * Python's get_atom, a word starting with "=?" is taken whole up to its
 * "?=", specials and all. */
static size_t
encoded_word(const char *s, size_t len)
{
	size_t	i = 2, q = 0;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	for (; i < len && q < 2; i++) {
		if (s[i] == '?')
			q++;
		else if (s[i] == '\r' || s[i] == '\n')
			return 0;
	}
	if (q < 2 || i < 6 || (s[i - 2] != 'b' && s[i - 2] != 'B' &&
	    s[i - 2] != 'q' && s[i - 2] != 'Q') || s[i - 3] != '?')
		return 0;
	for (; i + 1 < len; i++)
		if (s[i] == '?' && s[i + 1] == '=')
			return i + 2;
	return 0;
}

/* RFC 5322 3.2 tokens through proto/rfc5322-lex.c; an encoded word is
 * taken whole before the specials inside it could split it. */
static void
tokenize(const char *s, size_t len, struct toks *t)
{
	size_t	i = 0;

	while (i < len) {
		char c = s[i];
		size_t n;

		if (rfc5322_is_fws(c)) {
			i = rfc5322_fws_end(s, len, i);
			push(t, TK_WS, NULL, 0, 0);
		} else if (c == '(') {
			i = rfc5322_comment_end(s, len, i, NULL);
			push(t, TK_WS, NULL, 0, 0);
		} else if (c == '"') {
			struct buf b;

			buf_init(&b, len + 1);
			i = rfc5322_quoted_end(s, len, i, &b, NULL);
			push(t, TK_QSTR, b.data ? b.data : "", b.len, 0);
			buf_clear(&b);
		} else if (c == '[') {
			size_t st = i;

			i = rfc5322_dlit_end(s, len, i);
			push(t, TK_DLIT, s + st, i - st, 0);
		} else if (strchr("<>@,;:", c) != NULL && c != '\0') {
			push(t, TK_SPECIAL, NULL, 0, c);
			i++;
		} else if ((n = encoded_word(s + i, len - i)) > 0) {
			push(t, TK_EWORD, s + i, n, 0);
			i += n;
		} else {
			size_t st = i;

			i = rfc5322_word_end(s, len, i, "()<>@,;:\"[");
			if (i == st)	/* a lone ')' or ']' */
				i++;
			push(t, TK_WORD, s + st, i - st, 0);
		}
	}
}

static void
toks_free(struct toks *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
}

static bool
is_special(const struct token *k, char c)
{
	return k->kind == TK_SPECIAL && k->c == c;
}

/* Append a word's text: encoded words decoded one by one (Python keeps
 * the space between adjacent encoded words in a phrase). */
static void
word(const struct token *k, struct buf *out)
{
	/* Python decodes encoded words inside quoted strings as well */
	if (k->kind == TK_EWORD || (k->kind == TK_QSTR &&
	    rfc2047_maybe_encoded(k->text, k->len))) {
		(void)rfc2047_decode(k->text, k->len, out, 0, NULL);
		return;
	}
	(void)buf_append(out, k->text, k->len);
}

/* A display name: words joined by one space where CFWS stood (Python's
 * DisplayName.display_name), raw 8-bit text taken as UTF-8. */
static char *
phrase(const struct toks *t, size_t a, size_t b)
{
	struct buf raw, out;
	size_t	i;
	bool	sp = false;

	buf_init(&raw, LIMIT_HEADER_BLOCK);
	for (i = a; i < b; i++) {
		const struct token *k = &t->v[i];

		if (k->kind == TK_WS || k->kind == TK_SPECIAL) {
			sp = raw.len > 0;
			continue;
		}
		if (sp)
			(void)buf_append_byte(&raw, ' ');
		sp = false;
		word(k, &raw);
	}
	buf_init(&out, LIMIT_HEADER_BLOCK * 3);
	(void)charset_utf8_sanitize(raw.data ? raw.data : "", raw.len, &out,
	    NULL);
	buf_clear(&raw);
	return out.data ? buf_steal(&out) : xstrdup("");
}

/* addr-spec from tokens: CFWS dropped, local part re-quoted when it holds
 * specials (Python's Address.addr_spec). */
static char *
addr_spec(const struct toks *t, size_t a, size_t b)
{
	struct buf lp, dom, out;
	size_t	i, at = b;
	bool	quote = false;
	char	*r;

	buf_init(&lp, LIMIT_HEADER_BLOCK);
	buf_init(&dom, LIMIT_HEADER_BLOCK);
	buf_init(&out, LIMIT_HEADER_BLOCK);
	for (i = a; i < b; i++)
		if (is_special(&t->v[i], '@')) {
			at = i;
			break;
		}
	for (i = a; i < at; i++) {
		const struct token *k = &t->v[i];

		if (k->kind == TK_WS) {
			/* Python's LocalPart: CFWS is dropped at the ends
			 * and around dots, one space elsewhere */
			if (lp.len > 0 && lp.data[lp.len - 1] != '.' &&
			    i + 1 < at && t->v[i + 1].kind != TK_SPECIAL &&
			    t->v[i + 1].len > 0 && t->v[i + 1].text[0] != '.')
				(void)buf_append_byte(&lp, ' ');
			continue;
		}
		if (k->kind == TK_SPECIAL) {
			(void)buf_append_byte(&lp, k->c);
			continue;
		}
		/* RFC 2047 5 (3): no encoded word in an addr-spec */
		(void)buf_append(&lp, k->text, k->len);
	}
	for (i = at + 1; i < b; i++) {
		const struct token *k = &t->v[i];

		if (k->kind == TK_WS)
			continue;
		if (k->kind == TK_SPECIAL) {
			(void)buf_append_byte(&dom, k->c);
			continue;
		}
		(void)buf_append(&dom, k->text, k->len);
	}
	for (i = 0; i < lp.len; i++)
		if (strchr("()<>@,:;\\\"[] \t", lp.data[i]) != NULL &&
		    lp.data[i] != '\0')
			quote = true;
	if (quote) {
		(void)buf_append_byte(&out, '"');
		for (i = 0; i < lp.len; i++) {
			if (lp.data[i] == '\\' || lp.data[i] == '"')
				(void)buf_append_byte(&out, '\\');
			(void)buf_append_byte(&out, lp.data[i]);
		}
		(void)buf_append_byte(&out, '"');
	} else if (lp.len > 0)
		(void)buf_append(&out, lp.data, lp.len);
	if (dom.len > 0) {
		(void)buf_append_byte(&out, '@');
		(void)buf_append(&out, dom.data, dom.len);
	} else if (lp.len == 0)
		(void)buf_append_str(&out, at < b ? "@" : "<>");
	buf_clear(&lp);
	buf_clear(&dom);
	r = out.data ? buf_steal(&out) : xstrdup("");
	buf_clear(&out);
	/* the raw bytes may hold invalid UTF-8: RFC 6532 or garbage */
	{
		struct buf sb;

		buf_init(&sb, LIMIT_HEADER_BLOCK * 3);
		(void)charset_utf8_sanitize(r, strlen(r), &sb, NULL);
		free(r);
		r = sb.data ? buf_steal(&sb) : xstrdup("");
		buf_clear(&sb);
	}
	return r;
}

static void
add(struct address_list *l, char *name, char *addr, const char *group)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->count].name = name;
	l->items[l->count].addr = addr;
	l->items[l->count].group = xstrdup(group);
	l->count++;
}

static bool
only_ws(const struct toks *t, size_t a, size_t b)
{
	for (; a < b; a++)
		if (t->v[a].kind != TK_WS)
			return false;
	return true;
}

/* One mailbox in tokens [a, b). */
static void
mailbox(const struct toks *t, size_t a, size_t b, struct address_list *l,
    const char *group)
{
	size_t	i, lt = b, gt;

	if (only_ws(t, a, b))
		return;
	for (i = a; i < b; i++)
		if (is_special(&t->v[i], '<')) {
			lt = i;
			break;
		}
	if (lt < b) {
		/* "a@b <c@d>": Python reads the addr-spec a@b and drops
		 * the rest as junk */
		for (i = a; i < lt; i++)
			if (is_special(&t->v[i], '@'))
				break;
		if (i < lt) {
			add(l, xstrdup(""), addr_spec(t, a, lt), group);
			return;
		}
	}
	if (lt == b) {
		add(l, xstrdup(""), addr_spec(t, a, b), group);
		return;
	}
	for (gt = lt + 1; gt < b; gt++)
		if (is_special(&t->v[gt], '>'))
			break;
	i = lt + 1;
	/* RFC 5322 4.4 obs-route: "@a,@b:" before the addr-spec */
	while (i < gt && t->v[i].kind == TK_WS)
		i++;
	if (i < gt && is_special(&t->v[i], '@')) {
		size_t k;

		for (k = i; k < gt; k++)
			if (is_special(&t->v[k], ':')) {
				i = k + 1;
				break;
			}
	}
	add(l, phrase(t, a, lt), addr_spec(t, i, gt), group);
}

size_t
address_parse(const char *s, size_t len, struct address_list *l)
{
	struct toks t = { 0 };
	size_t	i = 0, before = l->count;

	tokenize(s, len, &t);
	while (i < t.n) {
		size_t st = i, k;
		bool group = false, angle = false;

		/* find the end of this address: a top-level ',' or the ':'
		 * of a group (only before any '<' or '@') */
		for (k = i; k < t.n; k++) {
			const struct token *x = &t.v[k];

			if (is_special(x, '<'))
				angle = true;
			if (is_special(x, '>'))
				angle = false;
			if (angle)
				continue;
			if (is_special(x, ','))
				break;
			if (is_special(x, ':') && !group) {
				size_t m;
				bool plain = true;

				for (m = st; m < k; m++)
					if (t.v[m].kind == TK_SPECIAL ||
					    t.v[m].kind == TK_DLIT)
						plain = false;
				if (plain) {
					group = true;
					break;
				}
			}
		}
		if (group) {
			char *gname = phrase(&t, st, k);
			size_t m = k + 1, ms = m;

			angle = false;
			for (; m < t.n; m++) {
				const struct token *x = &t.v[m];

				if (is_special(x, '<'))
					angle = true;
				if (is_special(x, '>'))
					angle = false;
				if (angle)
					continue;
				if (is_special(x, ',') || is_special(x, ';')) {
					mailbox(&t, ms, m, l, gname);
					ms = m + 1;
					if (is_special(x, ';'))
						break;
				}
			}
			if (m >= t.n)
				mailbox(&t, ms, m, l, gname);
			free(gname);
			i = m + 1;
			/* skip to the next ',' after the group */
			while (i < t.n && !is_special(&t.v[i], ','))
				i++;
			i++;
			continue;
		}
		mailbox(&t, st, k, l, "");
		i = k + 1;
	}
	toks_free(&t);
	return l->count - before;
}

void
address_list_init(struct address_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
address_list_clear(struct address_list *l)
{
	size_t	i;

	for (i = 0; i < l->count; i++) {
		free(l->items[i].name);
		free(l->items[i].addr);
		free(l->items[i].group);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
