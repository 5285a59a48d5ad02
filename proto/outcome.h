/* SPDX-License-Identifier: MIT */
/* The reading of a negative reply for the "* " outcome line of a workbench
 * action (/auth, /send): which kind of refusal it is, its cause and the
 * next step. Pure, table-driven, shared by /auth and /send (STYLE.md §2). */
#ifndef PROTO_OUTCOME_H
#define PROTO_OUTCOME_H

#include <stddef.h>

#include "base/buf.h"
#include "proto/facts.h"
#include "proto/reply.h"

enum outcome {
	OUTCOME_OK,		/* positive */
	OUTCOME_CREDENTIALS,	/* wrong user name or password */
	OUTCOME_IN_USE,		/* POP3 [IN-USE]: the maildrop is locked */
	OUTCOME_LOGIN_DELAY,	/* POP3 [LOGIN-DELAY] */
	OUTCOME_TLS_REQUIRED,	/* 530/538 TLS first, [AUTH] plaintext */
	OUTCOME_AUTH_REQUIRED,	/* 530 5.7.0 Auth. required */
	OUTCOME_MECH,		/* 504 5.5.4, 534 5.7.9, -ERR unsupported */
	OUTCOME_TEMPORARY,	/* [SYS/TEMP], 454 4.7.0, any 4yz */
	OUTCOME_GREYLISTED,	/* 451 4.7.1 Greylisted, 450 ... greylisted */
	OUTCOME_RELAY_DENIED,	/* 550/554 5.7.1 Relay access denied */
	OUTCOME_NO_MAILBOX,	/* 550 5.1.1 user unknown */
	OUTCOME_MAILBOX_FULL,	/* 452 4.2.2, 552 5.2.2 */
	OUTCOME_PERMANENT,	/* any other refusal */
};

/* What kind of answer the complete reply is (first line r, all lines in
 * whole, joined by "\n") to the command verb (upper case: "AUTH", "PASS",
 * "MAIL", "RCPT", "DATA", "." ...), with what the session knew (f may be
 * NULL). Positive replies are OUTCOME_OK. */
enum outcome	outcome_read(const struct session_facts *f, const char *verb,
		    const struct reply_line *r, const char *whole,
		    size_t whole_len);
/* Append the reply's short code: "550 5.1.1", "530", "-ERR [IN-USE]",
 * "-ERR". Returns 0, or -1 if out is full. */
int		outcome_code(const struct reply_line *r, struct buf *out);
/* Append "<cause>; <next step>" for kind (never OUTCOME_OK), with facts
 * for what they add (the mechanisms the server offers, its LOGIN-DELAY);
 * action is "/auth" or "/send", named in the next step ("/starttls, then
 * /send again"). Server text quoted is cut short; the transcript escapes
 * every "* " line. Returns 0, or -1 if out is full. */
int		outcome_explain(const struct session_facts *f, enum outcome kind,
		    const char *action, struct buf *out);
/* Append the queue id a final 250 to the message names ("queued as X",
 * "id=X", Postfix and Exim), printable letters, digits, '.', '-' and '_'
 * only; nothing when there is none. Returns 1 when one was found, 0 when
 * not, -1 if out is full. */
int		outcome_queue_id(const char *whole, size_t whole_len,
		    struct buf *out);

#endif
