/* SPDX-License-Identifier: MIT */
/* One SMTP or POP3 reply line -> fields: code, enhanced code, [RESP-CODE], text.
 * Pure: never looks at session state (STYLE.md §2). */
#ifndef PROTO_REPLY_H
#define PROTO_REPLY_H

#include <stdbool.h>
#include <stddef.h>

enum reply_proto {
	REPLY_SMTP,
	REPLY_POP3,
};

enum reply_pop3_status {
	REPLY_POP3_OK,		/* +OK */
	REPLY_POP3_ERR,		/* -ERR */
	REPLY_POP3_CONT,	/* "+ " SASL continuation (RFC 5034) */
};

struct reply_line {
	/* SMTP: the three-digit code 200..599 (RFC 5321 4.2). POP3: 0. */
	int		 code;
	/* SMTP: true when this is the last line of the reply (space or end of
	 * line after the code, RFC 5321 4.2.1); POP3: always true. */
	bool		 last;
	enum reply_pop3_status pop3;
	/* RFC 3463 enhanced status code, when present: class.subject.detail
	 * (class 2, 4 or 5) and its text form "5.7.1"; enh_class 0 if none. */
	int		 enh_class, enh_subject, enh_detail;
	char		 enh[16];
	/* POP3 RFC 2449 response code between brackets, without them
	 * ("IN-USE", "SYS/TEMP"); "" if none. */
	char		 resp_code[64];
	/* Remaining text (after code, enhanced code, response code and one
	 * separating space); points into the caller's line. */
	const char	*text;
	size_t		 text_len;
};

/* Parse one reply line (without CRLF) of the given protocol.
 * SMTP: three digits 200..599 then " ", "-" or the end; an enhanced code
 * is recognised only on 2xx/4xx/5xx with the same class digit and a space
 * or the end after it (else it stays in text). POP3: "+OK", "-ERR" (any
 * case: lenient, though RFC 1939 says upper case) then a space or the
 * end; "+ " or a bare "+" is a SASL continuation. r->text points into
 * line. errstr_r may be NULL. Returns 0, or -1 with *errstr_r set (a
 * constant: bad code, not a reply). */
int	reply_parse_line(enum reply_proto, const char *line, size_t len,
	    struct reply_line *r, const char **errstr_r);

#endif
