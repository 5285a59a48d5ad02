/* SPDX-License-Identifier: MIT */
/* The POP3 engine (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH):
 * states and the handling of each complete reply, as the table of
 * operations pop3_ops (proto/session-int.h) the session hub calls. */
#ifndef PROTO_POP3_H
#define PROTO_POP3_H

#include <stdint.h>

#include "proto/reply.h"

/* RFC 1939 3-6, plus the wait for the greeting and the end. */
enum pop3_state {
	POP3_STATE_GREETING,		/* connected, no greeting yet */
	POP3_STATE_AUTHORIZATION,	/* +OK greeting: USER/PASS, APOP, AUTH */
	POP3_STATE_TRANSACTION,		/* logged in: STAT, LIST, RETR, DELE... */
	POP3_STATE_UPDATE,		/* QUIT in TRANSACTION: deletions final */
	POP3_STATE_CLOSED,		/* QUIT answered (or greeting refused) */
	POP3_STATE_COUNT
};

struct session;
struct session_proto_ops;

/* The operations the hub calls for a POP3 session. */
extern const struct session_proto_ops pop3_ops;

/* Name of a state ("TRANSACTION"). */
const char	*pop3_state_name(enum pop3_state);
/* The state of a POP3 session (for POP3 actions such as /load). */
enum pop3_state	 pop3_state(const struct session *);

#endif
