/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.2 lexical tokens: white space, comments, quoted strings. */
#include <string.h>

#include "proto/rfc5322-lex.h"

bool
rfc5322_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool
rfc5322_is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
rfc5322_fws_end(const char *s, size_t len, size_t at)
{
	while (at < len && rfc5322_is_fws(s[at]))
		at++;
	return at;
}

size_t
rfc5322_comment_end(const char *s, size_t len, size_t at, bool *closed_r)
{
	unsigned depth = 0;

	for (; at < len; at++) {
		if (s[at] == '\\') {
			at++;	/* quoted-pair: the next byte is text */
			continue;
		}
		if (s[at] == '(')
			depth++;
		else if (s[at] == ')' && --depth == 0) {
			if (closed_r != NULL)
				*closed_r = true;
			return at + 1;
		}
	}
	if (closed_r != NULL)
		*closed_r = false;
	return len;
}

size_t
rfc5322_cfws_end(const char *s, size_t len, size_t at, bool *closed_r)
{
	bool	closed = true, c;

	while (at < len && (rfc5322_is_fws(s[at]) || s[at] == '(')) {
		if (s[at] == '(') {
			at = rfc5322_comment_end(s, len, at, &c);
			closed = closed && c;
		} else
			at = rfc5322_fws_end(s, len, at);
	}
	if (closed_r != NULL)
		*closed_r = closed;
	return at;
}

size_t
rfc5322_quoted_end(const char *s, size_t len, size_t at, struct buf *content,
    bool *closed_r)
{
	for (at++; at < len && s[at] != '"'; at++) {
		if (s[at] == '\\' && at + 1 < len)
			at++;
		if (s[at] == '\r' || s[at] == '\n')
			continue;
		if (content != NULL)
			(void)buf_append_byte(content, s[at]);
	}
	if (closed_r != NULL)
		*closed_r = at < len;
	return at < len ? at + 1 : len;
}

size_t
rfc5322_dlit_end(const char *s, size_t len, size_t at)
{
	while (at < len && s[at] != ']')
		at++;
	return at < len ? at + 1 : len;
}

size_t
rfc5322_word_end(const char *s, size_t len, size_t at, const char *stops)
{
	while (at < len && s[at] != '\0' && !rfc5322_is_fws(s[at]) &&
	    strchr(stops, s[at]) == NULL)
		at++;
	return at;
}
