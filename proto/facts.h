/* SPDX-License-Identifier: MIT */
/* What the session knows, as one read-only record: the engine fills it and
 * everything that explains (the "= " meaning of a reply, hints of what
 * comes next, warnings, the outcome of an action) reads it instead of
 * re-parsing transcript text (STYLE.md §2, "What the session knows"). */
#ifndef PROTO_FACTS_H
#define PROTO_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/caps.h"
#include "proto/reply.h"

/* The workbench action under way, one at a time. */
enum facts_action {
	FACTS_ACTION_NONE,
	FACTS_ACTION_STARTTLS,
	FACTS_ACTION_AUTH,
	FACTS_ACTION_LOAD,
	FACTS_ACTION_SEND,
};

struct session_facts {
	enum reply_proto	 proto;
	int			 state;		/* enum pop3_state or smtp_state */
	const char		*state_name;	/* "AUTHORIZATION", "READY" ... */
	bool			 greeted;	/* the greeting arrived */
	bool			 greeting_masked; /* SMTP greeting all "*": a
						 * firewall rewrites the session */
	bool			 over;		/* QUIT answered, refused or failed */
	bool			 failed;

	/* TLS */
	bool			 tls;		/* the connection is TLS now */
	bool			 tls_required;	/* implicit, --starttls, /starttls */
	bool			 tls_pending;	/* STARTTLS/STLS accepted, handshake
						 * not finished */
	bool			 starttls_refused; /* a STARTTLS/STLS was answered
						 * with anything but the upgrade */
	bool			 tls_demanded;	/* the server refused something for
						 * want of TLS (530, 538, X.7.11,
						 * POP3 "plaintext ... disallowed") */

	/* Capabilities from the last EHLO/CAPA since connect or TLS (RFC
	 * 3207 4.2, RFC 2595 4 forget them at TLS); caps_plain keeps the
	 * last ones seen before TLS (NULL when none were), so the explainer
	 * can say "AUTH appeared after STARTTLS". Never NULL: caps. */
	const struct caps	*caps;
	bool			 caps_known;
	const struct caps	*caps_plain;

	/* Login */
	bool			 authed;	/* POP3 TRANSACTION; SMTP 235 */
	const char		*user;		/* USER / AUTH name last sent (POP3
						 * USER +OK or /auth), or NULL */
	bool			 user_accepted;	/* POP3 USER got +OK */
	bool			 sasl_open;	/* a 334 / "+ " waits for an answer */
	bool			 apop_timestamp; /* greeting offered APOP */

	/* POP3 maildrop */
	size_t			 pending_deletions; /* DELE +OK, final at QUIT */
	bool			 stat_known;	/* a STAT +OK was seen */
	uint64_t		 stat_count, stat_octets;

	/* SMTP transaction */
	bool			 ehlo_done;	/* EHLO/HELO accepted since TLS */
	bool			 mail_accepted;	/* MAIL FROM got 250 */
	size_t			 rcpt_accepted, rcpt_refused; /* this mail */
	bool			 message_mode;	/* after 354 */

	/* Commands and actions */
	size_t			 waiting;	/* commands awaiting a reply */
	enum facts_action	 action;
};

#endif
