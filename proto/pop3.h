/* SPDX-License-Identifier: MIT */
/* The POP3 engine (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH):
 * states and the handling of each complete reply. Driven by session.c. */
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
struct pending;
struct reader_item;

/* Name of a state ("TRANSACTION"). */
const char	*pop3_state_name(enum pop3_state);
/* A complete status reply rl (first line of s's reply buffer) for head
 * (NULL: greeting or unsolicited). Called by session.c. */
void		 pop3_reply(struct session *, struct pending *head,
		    const struct reply_line *rl);
/* One line of the multi-line body under way: a PEV_RECEIVED PEV_F_BODY
 * event, the part kept for the engine (LIST, CAPA, a RETR's header), and
 * the --max-message bound (past it the session fails). */
void		 pop3_body_line(struct session *, const struct reader_item *);
/* A multi-line body for head ended: PEV_BODY with what was kept,
 * capabilities, then the final reply. */
void		 pop3_body_end(struct session *);

#endif
