/* SPDX-License-Identifier: MIT */
/* What a typed line is: its verb, the shape of reply it expects for the
 * protocol, and whether it carries a secret (STYLE.md §2 "typed commands"). */
#ifndef PROTO_COMMAND_H
#define PROTO_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/reply.h"

enum command_shape {
	COMMAND_ONE_REPLY,	/* one reply: a POP3 status line, or one SMTP
				 * reply (possibly multi-line, RFC 5321 4.2.1) */
	COMMAND_MULTI_LINE,	/* POP3: +OK then a dot-terminated body (RETR,
				 * TOP, CAPA, LIST/UIDL without argument, AUTH
				 * without argument); -ERR has no body */
	COMMAND_DATA,		/* SMTP DATA: 354 then message mode */
	COMMAND_SASL,		/* AUTH MECH: 334 / "+ " continuations until a
				 * final reply */
};

struct command {
	/* First word, upper-cased, NUL-terminated; "" for an empty line.
	 * Longer words are cut (the line is still sent as typed). */
	char		 verb[16];
	/* What follows the verb and one space (may be empty); points into
	 * the caller's line. */
	const char	*arg;
	size_t		 arg_len;
	enum command_shape shape;
	/* The line carries a secret: everything after secret_keep bytes is
	 * shown as "********" (PASS x -> 5, APOP user d -> 5 + user + 1,
	 * AUTH PLAIN x -> 11). */
	bool		 secret;
	size_t		 secret_keep;
	bool		 starttls;	/* STARTTLS (SMTP) or STLS (POP3) */
	bool		 quit;		/* QUIT */
	bool		 workbench;	/* starts with "/": not a wire command */
};

/* Classify one typed line (without CRLF) for the protocol. Returns 0, or -1
 * with *errstr_r (a constant) when the line must not be sent: CR, LF or
 * NUL inside it, or longer than LIMIT_COMMAND_LINE. */
int	command_parse(enum reply_proto, const char *line, size_t len,
	    struct command *cmd_r, const char **errstr_r);

/* Classify a line answering a SASL continuation (334 / "+ "): always a
 * secret shown whole as "********", except "*" (the cancel, RFC 4954 4). */
void	command_continuation(const char *line, size_t len,
	    struct command *cmd_r);

/* The one secret classifier for a typed line, wherever it is shown or
 * kept (the wire's transcript, the composer's echo, the history): while
 * a SASL challenge waits for its answer (sasl_open) every line but "*" is
 * a secret; otherwise as command_parse (PASS, APOP, AUTH with an initial
 * response). *keep_r gets how many leading bytes may be shown. A /command
 * or a line command_parse refuses is no secret. */
bool	command_is_secret(enum reply_proto, bool sasl_open, const char *line,
	    size_t len, size_t *keep_r);

#endif
