/* SPDX-License-Identifier: MIT */
/* The commands of each protocol, one table per protocol: what command.c
 * reads from a typed line (the reply it expects, whether it carries a
 * secret), what hint.c shows (syntax, what it does, its arguments, the
 * state it belongs to) and the list the composer completes. */
#ifndef PROTO_VERBS_H
#define PROTO_VERBS_H

#include <stddef.h>

#include "proto/command.h"
#include "proto/reply.h"

enum verb_flag {
	VERB_STARTTLS = 1 << 0,	/* the TLS upgrade (STARTTLS, STLS) */
	VERB_QUIT = 1 << 1,	/* ends the session */
	/* Secrets (everything after the kept part shows as "********"): */
	VERB_SECRET_ARG = 1 << 2,	/* the whole argument (PASS) */
	VERB_SECRET_2ND = 1 << 3,	/* after the first word (APOP name) */
	VERB_SECRET_IR = 1 << 4,	/* an initial response after the
					 * mechanism, when there is one (AUTH) */
	/* POP3 states (RFC 1939 5, 7): */
	VERB_TRANSACTION = 1 << 5,	/* only once logged in */
	VERB_LOGIN = 1 << 6,		/* a login step: only before (USER,
					 * PASS, APOP, AUTH) */
};

struct verb {
	const char		*verb;		/* "RETR" */
	const char		*syntax;	/* "RETR msg" */
	const char		*about;		/* one line on what it does */
	/* POP3 arguments (RFC 1939): "" none, "m" a message number, "[m]"
	 * an optional one, "m n" message and count, "w" one word, "w w" two,
	 * "w..." one or more; NULL: not checked. */
	const char		*args;
	enum command_shape	 shape;	/* the reply it expects */
	enum command_shape	 shape_bare; /* ... when typed alone */
	unsigned		 flags;	/* enum verb_flag */
};

/* The command verb (any case, len bytes) of the protocol, or NULL. */
const struct verb *verb_find(enum reply_proto, const char *verb, size_t len);
/* The i-th command of the protocol (the order help and completion show),
 * NULL past the end. */
const struct verb *verb_at(enum reply_proto, size_t i);

#endif
