/* SPDX-License-Identifier: MIT */
/* Tables: SMTP codes (in the context of the command they answer), RFC 3463
 * and IANA-registered enhanced codes, POP3 +OK/-ERR and RFC 2449/3206
 * response codes. */
#ifndef PROTO_MEANING_H
#define PROTO_MEANING_H

#include "base/buf.h"
#include "proto/reply.h"

/* Meaning of an SMTP basic code as a reply to verb (upper-case command
 * word such as "RCPT", "DATA", "" for the greeting, NULL if unknown).
 * The reply to the end of message data may be tagged "." or "DATA"
 * (both read as a message rejection for 4xx/5xx); "" with an AUTH code
 * (a SASL continuation answer) reads as AUTH. Never NULL: an unknown
 * code gets a meaning from its digits. Static storage. */
const char	*meaning_smtp_code(int code, const char *verb);

/* Append the meaning of enhanced code class.subject.detail to out, e.g.
 * "other address status: sender address valid" for 2.1.0. Unregistered
 * codes are described from class and subject and said to be unregistered.
 * Class 4 is read as temporary where the registered text sounds permanent
 * (4.7.1 is greylisting, not "relaying denied").
 * Returns 0, -1 if the buffer is full. */
int		 meaning_enhanced(int cls, int subject, int detail,
		    struct buf *out);

/* Meaning of an RFC 2449/3206 POP3 response code ("IN-USE", "SYS/TEMP"),
 * or NULL when unknown. */
const char	*meaning_pop3_resp_code(const char *code);

/* Append the whole "= " line text (without "= ") for a complete reply
 * whose first line is r, e.g. "250 requested action completed · 2.1.0
 * other address status: sender address valid" or "-ERR negative reply ·
 * [IN-USE] mailbox locked by another session (RFC 2449)". Form: "<code>
 * <meaning in context>[ · <enh> <title>: <detail>]"; POP3 "+OK positive
 * reply" / "-ERR negative reply"[ · [CODE] <meaning>]. UTF-8 (the middle
 * dot U+00B7), no peer text. verb as for meaning_smtp_code. Returns 0, or
 * -1 if out is full. */
int		 meaning_reply(enum reply_proto, const struct reply_line *r,
		    const char *verb, struct buf *out);

/* Explain a code as typed by a user for `mailbench explain`: "550",
 * "550 5.7.1", "5.7.1", "-ERR [IN-USE]", "+OK", "354", "[SYS/TEMP]", or a
 * pasted reply line ("550-5.7.1 Relaying denied": its text is ignored).
 * Appends lines ending in "\n", printable ASCII only: the code's meaning,
 * its class, and for a basic code one line per command context ("after
 * RCPT: ..."). Returns 0, or -1 with *errstr_r (a constant) when it is
 * not a code; errstr_r may be NULL. */
int		 meaning_explain(const char *arg, struct buf *out,
		    const char **errstr_r);

#endif
