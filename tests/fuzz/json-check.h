/* SPDX-License-Identifier: MIT */
/* A strict RFC 8259 JSON parser for the fuzzers, written apart from
 * proto/json.c so that it can judge the writer: json_check() says whether
 * a text is one valid JSON value in valid UTF-8 (RFC 8259 8.1), and hands
 * the decoded bytes of each string to a callback. */
#ifndef TESTS_FUZZ_JSON_CHECK_H
#define TESTS_FUZZ_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct jc {
	const unsigned char	*p, *end;
	unsigned		 depth;
	void			(*on_string)(void *, const char *, size_t);
	void			*arg;
	char			 s[1 << 17];	/* the string being decoded */
	size_t			 slen;
};

/* Length of the UTF-8 sequence at p (RFC 3629 4), 0 if invalid. */
static size_t
jc_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp, n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static void
jc_ws(struct jc *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static void
jc_put(struct jc *j, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80)
		b[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)),
		    n = 2;
	else if (cp < 0x10000)
		b[0] = (char)(0xe0 | cp >> 12),
		    b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
		    b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		b[0] = (char)(0xf0 | cp >> 18),
		    b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
		    b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)),
		    b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	if (j->slen + n <= sizeof(j->s))
		memcpy(j->s + j->slen, b, n);
	j->slen += n;
}

static int
jc_hex4(struct jc *j, unsigned *v)
{
	int i;

	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (c | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return 0;
}

static int
jc_string(struct jc *j)
{
	j->p++;		/* '"' */
	j->slen = 0;
	while (j->p < j->end) {
		unsigned c = *j->p, cp, lo;
		size_t n;

		if (c == '"') {
			j->p++;
			if (j->on_string != NULL && j->slen <= sizeof(j->s))
				j->on_string(j->arg, j->s, j->slen);
			return 0;
		}
		if (c < 0x20)
			return -1;	/* RFC 8259 7: controls must be escaped */
		if (c != '\\') {
			if ((n = jc_utf8(j->p, j->end)) == 0)
				return -1;
			if (j->slen + n <= sizeof(j->s))
				memcpy(j->s + j->slen, j->p, n);
			j->slen += n;
			j->p += n;
			continue;
		}
		if (++j->p >= j->end)
			return -1;
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/': jc_put(j, c); break;
		case 'b': jc_put(j, '\b'); break;
		case 'f': jc_put(j, '\f'); break;
		case 'n': jc_put(j, '\n'); break;
		case 'r': jc_put(j, '\r'); break;
		case 't': jc_put(j, '\t'); break;
		case 'u':
			if (jc_hex4(j, &cp) == -1)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;	/* a lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->end - j->p < 6 || j->p[0] != '\\' ||
				    j->p[1] != 'u')
					return -1;
				j->p += 2;
				if (jc_hex4(j, &lo) == -1 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			jc_put(j, cp);
			break;
		default:
			return -1;
		}
	}
	return -1;
}

static int
jc_number(struct jc *j)
{
	const unsigned char *q = j->p;

	if (q < j->end && *q == '-')
		q++;
	if (q >= j->end)
		return -1;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	else
		return -1;
	if (q < j->end && *q == '.') {
		if (++q >= j->end || *q < '0' || *q > '9')
			return -1;
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < j->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= j->end || *q < '0' || *q > '9')
			return -1;
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	j->p = q;
	return 0;
}

static int
jc_word(struct jc *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
jc_value(struct jc *j)
{
	int first = 1;
	unsigned char close;

	jc_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '"':
		return jc_string(j);
	case 't':
		return jc_word(j, "true");
	case 'f':
		return jc_word(j, "false");
	case 'n':
		return jc_word(j, "null");
	case '{':
	case '[':
		break;
	default:
		return jc_number(j);
	}
	if (++j->depth > 1000)
		return -1;
	close = *j->p == '{' ? '}' : ']';
	j->p++;
	for (;;) {
		jc_ws(j);
		if (j->p < j->end && *j->p == close && first) {
			j->p++;
			break;
		}
		if (!first) {
			if (j->p >= j->end)
				return -1;
			if (*j->p == close) {
				j->p++;
				break;
			}
			if (*j->p++ != ',')
				return -1;
			jc_ws(j);
		}
		first = 0;
		if (close == '}') {
			if (j->p >= j->end || *j->p != '"' || jc_string(j) == -1)
				return -1;
			jc_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
		}
		if (jc_value(j) == -1)
			return -1;
	}
	j->depth--;
	return 0;
}

/* True when text is exactly one JSON value (whitespace around allowed).
 * on_string (may be NULL) gets each decoded string, keys included. */
static bool
json_check(struct jc *j, const char *text, size_t len,
    void (*on_string)(void *, const char *, size_t), void *arg)
{
	j->p = (const unsigned char *)text;
	j->end = j->p + len;
	j->depth = 0;
	j->on_string = on_string;
	j->arg = arg;
	if (jc_value(j) == -1)
		return false;
	jc_ws(j);
	return j->p == j->end;
}

#endif
