/* SPDX-License-Identifier: MIT */
/* The SMTP engine (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 2920
 * PIPELINING): states and the handling of each complete reply. Driven by
 * session.c. */
#ifndef PROTO_SMTP_H
#define PROTO_SMTP_H

#include "proto/reply.h"

enum smtp_state {
	SMTP_STATE_GREETING,	/* connected, no 220 yet */
	SMTP_STATE_EHLO,	/* greeted (or after TLS): say EHLO */
	SMTP_STATE_READY,	/* EHLO/HELO accepted: MAIL, AUTH, STARTTLS */
	SMTP_STATE_MAIL,	/* MAIL FROM accepted: RCPT TO */
	SMTP_STATE_RCPT,	/* a recipient accepted: more RCPT or DATA */
	SMTP_STATE_DATA,	/* 354: message text, a lone "." ends it */
	SMTP_STATE_QUIT,	/* 221 (or 421): the server closes */
	SMTP_STATE_COUNT
};

struct session;
struct pending;

/* Name of a state ("READY"). */
const char	*smtp_state_name(enum smtp_state);
/* A complete reply (all lines in s's reply buffer; rl is its first line
 * parsed) for head (NULL: greeting or unsolicited). */
void		 smtp_reply(struct session *, struct pending *head,
		    const struct reply_line *rl);

#endif
