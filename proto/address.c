/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.4 / 4.4 address lists, parsed into mailboxes the way Python's headerregistry sees them. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto/address.h"
#include "proto/buf.h"
#include "proto/limits.h"
#include "proto/rfc2047.h"
#include "proto/util.h"

enum tk {
	TK_WORD,	/* atext run, dots included (obs-phrase) */
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

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
tokenize(const char *s, size_t len, struct toks *t)
{
	size_t	i = 0;

	while (i < len) {
		char c = s[i];

		if (is_ws(c)) {
			while (i < len && is_ws(s[i]))
				i++;
			push(t, TK_WS, NULL, 0, 0);
		} else if (c == '(') {
			int depth = 0;

			/* RFC 5322 3.2.2: comments nest, quoted-pair inside */
			for (; i < len; i++) {
				if (s[i] == '\\') {
					i++;
					continue;
				}
				if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0) {
					i++;
					break;
				}
			}
			push(t, TK_WS, NULL, 0, 0);
		} else if (c == '"') {
			struct buf b;

			buf_init(&b, len + 1);
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				if (s[i] == '\r' || s[i] == '\n')
					continue;
				(void)buf_append_byte(&b, s[i]);
			}
			if (i < len)
				i++;
			push(t, TK_QSTR, b.data ? b.data : "", b.len, 0);
			buf_clear(&b);
		} else if (c == '[') {
			size_t st = i;

			while (i < len && s[i] != ']')
				i++;
			if (i < len)
				i++;
			push(t, TK_DLIT, s + st, i - st, 0);
		} else if (strchr("<>@,;:", c) != NULL && c != '\0') {
			push(t, TK_SPECIAL, NULL, 0, c);
			i++;
		} else {
			size_t st = i;

			while (i < len && !is_ws(s[i]) &&
			    strchr("()<>@,;:\"[", s[i]) == NULL)
				i++;
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

/* A display name: words joined by one space where CFWS stood, encoded
 * words decoded (Python's DisplayName.display_name). */
static char *
phrase(const struct toks *t, size_t a, size_t b)
{
	struct buf raw;
	size_t	i;
	bool	sp = false;
	char	*r;

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
		(void)buf_append(&raw, k->text, k->len);
	}
	r = rfc2047_decode_str(raw.data ? raw.data : "", raw.len, 0, NULL);
	buf_clear(&raw);
	return r;
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

		if (k->kind == TK_WS)
			continue;
		if (k->kind == TK_SPECIAL) {
			(void)buf_append_byte(&lp, k->c);
			continue;
		}
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
		struct buf s;

		buf_init(&s, LIMIT_HEADER_BLOCK * 3);
		(void)rfc2047_decode(r, strlen(r), &s, 0, NULL);
		if (s.data != NULL && !rfc2047_maybe_encoded(r, strlen(r))) {
			free(r);
			r = buf_steal(&s);
		}
		buf_clear(&s);
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
