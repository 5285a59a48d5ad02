/* SPDX-License-Identifier: MIT */
/* One table of commands per protocol (proto/verbs.h). */
#include <stddef.h>

#include "proto/verbs.h"
#include "base/util.h"

#define ONE	COMMAND_ONE_REPLY
#define MULTI	COMMAND_MULTI_LINE

/* RFC 1939 (POP3), RFC 2449 (CAPA), RFC 2595 (STLS), RFC 5034 (AUTH). LIST
 * and UIDL give one line for one message, a listing without argument;
 * AUTH without a mechanism lists mechanisms (a common extension that RFC
 * 5034 leaves in place). */
static const struct verb pop3_verbs[] = {
	{ "USER", "USER name", "names the mailbox (RFC 1939 7)", "w", ONE,
	    ONE, VERB_LOGIN },
	/* RFC 1939 7: everything after "PASS " is the password, spaces
	 * included. */
	{ "PASS", "PASS password", "the password after USER (sent as typed)",
	    "w...", ONE, ONE, VERB_SECRET_ARG | VERB_LOGIN },
	/* APOP name digest: the digest is replayable for this greeting
	 * only, but still a credential. */
	{ "APOP", "APOP name digest", "MD5 login with the banner timestamp",
	    "w w", ONE, ONE, VERB_SECRET_2ND | VERB_LOGIN },
	{ "AUTH", "AUTH mechanism [initial-response]", "SASL login (RFC 5034)",
	    NULL, COMMAND_SASL, MULTI, VERB_SECRET_IR | VERB_LOGIN },
	{ "CAPA", "CAPA", "list the server's capabilities (RFC 2449)", "",
	    MULTI, MULTI, 0 },
	{ "STLS", "STLS", "start TLS now (RFC 2595)", "", ONE, ONE,
	    VERB_STARTTLS },
	{ "STAT", "STAT", "count and total size of the maildrop", "", ONE,
	    ONE, VERB_TRANSACTION },
	{ "LIST", "LIST [msg]", "size of every message, or of one", "[m]",
	    ONE, MULTI, VERB_TRANSACTION },
	{ "UIDL", "UIDL [msg]", "unique id of every message, or of one",
	    "[m]", ONE, MULTI, VERB_TRANSACTION },
	{ "TOP", "TOP msg lines", "headers and the first lines of a message",
	    "m n", MULTI, MULTI, VERB_TRANSACTION },
	{ "RETR", "RETR msg", "the whole message", "m", MULTI, MULTI,
	    VERB_TRANSACTION },
	{ "DELE", "DELE msg", "mark a message deleted (final at QUIT)", "m",
	    ONE, ONE, VERB_TRANSACTION },
	{ "RSET", "RSET", "unmark every deletion", "", ONE, ONE,
	    VERB_TRANSACTION },
	{ "NOOP", "NOOP", "do nothing; keeps the session alive", "", ONE, ONE,
	    VERB_TRANSACTION },
	{ "QUIT", "QUIT", "end; makes deletions permanent", "", ONE, ONE,
	    VERB_QUIT },
};

/* RFC 5321, RFC 3207 (STARTTLS), RFC 4954 (AUTH). */
static const struct verb smtp_verbs[] = {
	{ "EHLO", "EHLO domain", "greet and ask for extensions", NULL, ONE,
	    ONE, 0 },
	{ "HELO", "HELO domain", "greet without extensions", NULL, ONE, ONE,
	    0 },
	{ "STARTTLS", "STARTTLS", "start TLS now (RFC 3207)", NULL, ONE, ONE,
	    VERB_STARTTLS },
	{ "AUTH", "AUTH mechanism [initial-response]", "SASL login (RFC 4954)",
	    NULL, COMMAND_SASL, ONE, VERB_SECRET_IR },
	{ "MAIL", "MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME]",
	    "start a transaction: the envelope sender", NULL, ONE, ONE, 0 },
	{ "RCPT", "RCPT TO:<address>", "one envelope recipient", NULL, ONE,
	    ONE, 0 },
	/* RFC 5321 4.1.1.4: 354, then the message. */
	{ "DATA", "DATA", "send the message; a lone . ends it", NULL,
	    COMMAND_DATA, COMMAND_DATA, 0 },
	{ "RSET", "RSET", "abort the transaction", NULL, ONE, ONE, 0 },
	{ "VRFY", "VRFY name", "ask whether a user exists", NULL, ONE, ONE,
	    0 },
	{ "EXPN", "EXPN list", "expand a mailing list", NULL, ONE, ONE, 0 },
	{ "HELP", "HELP [topic]", "the server's help", NULL, ONE, ONE, 0 },
	{ "NOOP", "NOOP", "do nothing", NULL, ONE, ONE, 0 },
	{ "QUIT", "QUIT", "end the session", NULL, ONE, ONE, VERB_QUIT },
};

static const struct verb *
table(enum reply_proto p, size_t *n_r)
{
	if (p == REPLY_POP3) {
		*n_r = sizeof(pop3_verbs) / sizeof(pop3_verbs[0]);
		return pop3_verbs;
	}
	*n_r = sizeof(smtp_verbs) / sizeof(smtp_verbs[0]);
	return smtp_verbs;
}

const struct verb *
verb_find(enum reply_proto p, const char *verb, size_t len)
{
	const struct verb	*t;
	size_t			 i, n;

	t = table(p, &n);
	for (i = 0; i < n; i++)
		if (slice_eq_ci(verb, len, t[i].verb))
			return &t[i];
	return NULL;
}

const struct verb *
verb_at(enum reply_proto p, size_t i)
{
	const struct verb	*t;
	size_t			 n;

	t = table(p, &n);
	return i < n ? &t[i] : NULL;
}
