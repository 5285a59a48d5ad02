/* SPDX-License-Identifier: MIT */
/* One SMTP (RFC 5321 4.2) or POP3 (RFC 1939, 2449, 5034) reply -> fields.
 * Lenient where RFC 1939 is strict: "+ok" is read as "+OK". */
#include <string.h>

#include "proto/reply.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
reply_reset(struct reply_line *r)
{
	memset(r, 0, sizeof(*r));
	r->last = true;
	r->text = "";
}

/*
 * RFC 3463 2: status-code = class "." subject "." detail, class "2"/"4"/"5",
 * subject and detail 1*3digit. It must be followed by a space or the end of
 * the line (RFC 2034 4). Returns the bytes consumed, 0 when there is none.
 */
static size_t
parse_enhanced(const char *p, size_t len, int want_class, struct reply_line *r)
{
	size_t	i = 0, n;
	int	v[3], k;

	for (k = 0; k < 3; k++) {
		if (k > 0) {
			if (i >= len || p[i] != '.')
				return 0;
			i++;
		}
		v[k] = 0;
		for (n = 0; i < len && is_digit(p[i]) && n < 4; n++, i++)
			v[k] = v[k] * 10 + (p[i] - '0');
		if (n == 0 || n > 3)
			return 0;
		if (k == 0 && n != 1)
			return 0;
	}
	if (i < len && p[i] != ' ')
		return 0;
	if (v[0] != want_class)
		return 0;
	r->enh_class = v[0];
	r->enh_subject = v[1];
	r->enh_detail = v[2];
	memcpy(r->enh, p, i);
	r->enh[i] = '\0';
	return i;
}

static int
parse_smtp(const char *line, size_t len, struct reply_line *r,
    const char **errstr_r)
{
	size_t	i, n;

	if (len < 3 || !is_digit(line[0]) || !is_digit(line[1]) ||
	    !is_digit(line[2])) {
		*errstr_r = "reply does not start with a three-digit code";
		return -1;
	}
	/* RFC 5321 4.2: the first digit is 2..5; 1yz is not used in SMTP. */
	if (line[0] < '2' || line[0] > '5') {
		*errstr_r = "reply code outside 200..599";
		return -1;
	}
	r->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
	    (line[2] - '0');
	/* RFC 5321 4.2.1: "250-" continues, "250 " or a bare "250" ends. */
	if (len == 3) {
		r->last = true;
		r->text = line + 3;
		r->text_len = 0;
		return 0;
	}
	if (line[3] == '-')
		r->last = false;
	else if (line[3] == ' ')
		r->last = true;
	else {
		*errstr_r = is_digit(line[3]) ? "reply code longer than three "
		    "digits" : "no space or hyphen after the reply code";
		return -1;
	}
	i = 4;
	/* RFC 2034 4 / RFC 3463: the enhanced code follows the basic code on
	 * every line of 2xx/4xx/5xx replies, with the same class digit. */
	if (r->code / 100 != 3) {
		n = parse_enhanced(line + i, len - i, r->code / 100, r);
		if (n > 0) {
			i += n;
			if (i < len)
				i++;	/* the separating space */
		}
	}
	r->text = line + i;
	r->text_len = len - i;
	return 0;
}

/* RFC 2449 8: resp-code = "[" resp-level *("/" resp-level) "]", resp-level
 * = 1*rchar, rchar = printable ASCII except "/" and "]". */
static size_t
parse_resp_code(const char *p, size_t len, struct reply_line *r)
{
	size_t	i, lvl = 0;

	if (len < 3 || p[0] != '[')
		return 0;
	for (i = 1; i < len && p[i] != ']'; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '/') {
			if (lvl == 0)
				return 0;
			lvl = 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e)
			return 0;
		lvl++;
	}
	if (i >= len || lvl == 0 || i - 1 >= sizeof(r->resp_code))
		return 0;
	memcpy(r->resp_code, p + 1, i - 1);
	r->resp_code[i - 1] = '\0';
	return i + 1;
}

/* Does line start with word, ending there or followed by a space?
 * Case-insensitive: RFC 1939 3 says the indicators are upper case, but a
 * workbench should still classify a lenient server's "+ok" correctly. */
static bool
status_word(const char *line, size_t len, const char *word, size_t *end_r)
{
	size_t	n = strlen(word), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++) {
		char c = line[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != word[i])
			return false;
	}
	if (len > n && line[n] != ' ')
		return false;
	*end_r = n;
	return true;
}

static int
parse_pop3(const char *line, size_t len, struct reply_line *r,
    const char **errstr_r)
{
	size_t	i, n;

	if (status_word(line, len, "+OK", &i))
		r->pop3 = REPLY_POP3_OK;
	else if (status_word(line, len, "-ERR", &i))
		r->pop3 = REPLY_POP3_ERR;
	else if (len >= 1 && line[0] == '+' && (len == 1 || line[1] == ' ')) {
		/* RFC 5034 4: "+" SP [base64]; a bare "+" is tolerated. */
		r->pop3 = REPLY_POP3_CONT;
		i = len > 1 ? 2 : 1;
		r->text = line + i;
		r->text_len = len - i;
		return 0;
	} else {
		*errstr_r = "reply does not start with +OK, -ERR or \"+ \"";
		return -1;
	}
	if (i < len)
		i++;
	/* RFC 2449 8: the response code, if any, comes first in the text. */
	n = parse_resp_code(line + i, len - i, r);
	if (n > 0) {
		i += n;
		if (i < len && line[i] == ' ')
			i++;
	}
	r->text = line + i;
	r->text_len = len - i;
	return 0;
}

int
reply_parse_line(enum reply_proto proto, const char *line, size_t len,
    struct reply_line *r, const char **errstr_r)
{
	const char	*dummy;

	if (errstr_r == NULL)
		errstr_r = &dummy;
	reply_reset(r);
	if (line == NULL) {
		*errstr_r = "no reply line";
		return -1;
	}
	if (proto == REPLY_SMTP)
		return parse_smtp(line, len, r, errstr_r);
	return parse_pop3(line, len, r, errstr_r);
}
