/* SPDX-License-Identifier: MIT */
/* The explainer: (facts, command, reply) -> the "= " meaning of a reply,
 * read in the context of the command it answers and of what the session
 * knew when it arrived (STYLE.md §2, "What the session knows"). Pure and
 * table-driven; the tables live in explain-pop3.c and explain-smtp.c. */
#ifndef PROTO_EXPLAIN_H
#define PROTO_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "proto/facts.h"
#include "proto/reply.h"

/* The command a reply answers. */
struct explain_cmd {
	/* Upper-case verb ("RETR", "MAIL", "." for the end of a message);
	 * "" for the greeting or a line answering a SASL challenge; NULL
	 * when no command was waiting (an unsolicited reply). */
	const char	*verb;
	/* What followed the verb and one space, as the user typed it: an
	 * empty string (arg_len 0) when nothing did, NULL only for a secret
	 * (PASS, APOP, AUTH with an initial response: never kept) and for
	 * the greeting. Not NUL-terminated. */
	const char	*arg;
	size_t		 arg_len;
};

/* Append the text of the "= " line (without "= ") for a complete reply
 * whose first line is r; whole holds all its lines joined by "\n" (POP3:
 * the status line only). facts are what the session knew before the reply
 * took effect (QUIT's reply is read knowing the pending deletions). The
 * text decodes numbers, states the effect, and for a negative reply gives
 * the likely cause and the next step. It may quote short pieces of the
 * server's text (a queue id); the transcript escapes every "= " line.
 * Returns 0, or -1 if out is full. */
int	explain_reply(const struct session_facts *, const struct explain_cmd *,
	    const struct reply_line *r, const char *whole, size_t whole_len,
	    struct buf *out);

/* True when an SMTP greeting's text (after "220 ") is all asterisks, as
 * Cisco PIX/ASA SMTP inspection masks it: the engine keeps it as a fact. */
bool	explain_smtp_banner_masked(const char *text, size_t len);

#endif
