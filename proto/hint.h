/* SPDX-License-Identifier: MIT */
/* Composer hints: the syntax of the command being typed, what the server
 * expects next, and warnings for commands typed out of order (they warn,
 * never block). Pure: a function of the session's facts (proto/facts.h). */
#ifndef PROTO_HINT_H
#define PROTO_HINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/reply.h"

struct session_facts;

struct hint {
	const char	*syntax;	/* "RETR msg" or NULL if unknown */
	const char	*about;		/* one line on what it does, or NULL */
	const char	*warning;	/* out-of-order warning, or NULL */
};

/* Hints for a line being typed (not starting with "/"), read from what
 * the session knows (f; NULL when not connected). r's strings are
 * constants. */
void	hint_line(const struct session_facts *f, const char *line, size_t len,
	    struct hint *r);
/* What the server expects next, only what is valid now (no STLS on a TLS
 * session, no AUTH when it is not offered), e.g. "PASS password"; f NULL
 * when not connected. A constant. */
const char *hint_expects(const struct session_facts *f);
/* The i-th command name of the protocol (upper case), NULL past the end. */
const char *hint_command(enum reply_proto, size_t i);
/* True when, in message mode, this line goes out with a "." added in
 * front (RFC 5321 4.5.2): it starts with "." and is not the lone ".". */
bool	hint_dot_stuffed(const char *line, size_t len);

/* What a mailbox-pane key asks of a POP3 server. */
enum hint_mb_action {
	HINT_MB_TOP,		/* a preview: headers and the first lines */
	HINT_MB_RETR,
	HINT_MB_DELE,
	HINT_MB_RSET,
};

/* The line a mailbox key sends for message n ("TOP 3 10", "RETR 3",
 * "DELE 3", "RSET") into out (NUL-terminated, cut to outsz). */
void	hint_mailbox_line(enum hint_mb_action, uint64_t n, char *out,
	    size_t outsz);
/* True when a typed line's verb is QUIT, which makes POP3 deletions final
 * (RFC 1939 6). */
bool	hint_is_quit(const char *line, size_t len);
/* The mechanisms /auth offers (for completion), NULL-terminated. */
const char *const *hint_auth_mechs(void);
/* The URL schemes /connect takes ("pop3://", ...), NULL-terminated. */
const char *const *hint_url_schemes(void);

/* Body lines a TOP preview asks for (t in the mailbox: TOP n 10). */
#define HINT_TOP_PREVIEW_LINES	10

#endif
