/* SPDX-License-Identifier: MIT */
/* The SMTP engine (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 2920
 * PIPELINING): states and the handling of each complete reply, as the
 * table of operations smtp_ops (proto/session-int.h) the session hub
 * calls. */
#ifndef PROTO_SMTP_H
#define PROTO_SMTP_H

#include <stddef.h>
#include <stdint.h>

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
struct session_proto_ops;

/* The operations the hub calls for an SMTP session. */
extern const struct session_proto_ops smtp_ops;

/* Name of a state ("READY"). */
const char	*smtp_state_name(enum smtp_state);
/* The state of an SMTP session (for SMTP actions such as /send). */
enum smtp_state	 smtp_state(const struct session *);
/* The sequence number of the message being written after 354. */
uint64_t	 smtp_data_seq(const struct session *);
/* Send one message line after 354 (dot-stuffed) or the final "." that
 * ends the message. 0, or -1 with *errstr_r. */
int		 smtp_message_line(struct session *, const char *, size_t,
		    const char **errstr_r);

#endif
