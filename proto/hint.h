/* SPDX-License-Identifier: MIT */
/* Composer hints: the syntax of the command being typed, what the server
 * expects next, and warnings for commands typed out of order (they warn,
 * never block). Pure: fed with the lines the session showed. */
#ifndef PROTO_HINT_H
#define PROTO_HINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hint_proto {
	HINT_NONE,		/* not connected */
	HINT_POP3,
	HINT_SMTP,
};

/* What the hints know of the session so far (built by hint_* below). */
struct hint_ctx {
	enum hint_proto	 proto;
	bool		 greeted;	/* the greeting arrived */
	bool		 tls;		/* connection is TLS */
	bool		 starttls_offered; /* CAPA STLS / EHLO STARTTLS */
	bool		 auth_offered;	/* CAPA SASL / EHLO AUTH */
	bool		 caps_known;	/* a CAPA/EHLO reply was seen */
	bool		 tls_required;	/* a 530 5.7.0 (or similar) said so */
	bool		 auth_exchange;	/* 334 / "+ " outstanding */
	bool		 closed;	/* QUIT answered */
	/* POP3 */
	bool		 user_ok;	/* USER got +OK */
	bool		 authed;	/* TRANSACTION state (POP3), or AUTH
					 * succeeded (SMTP) */
	/* SMTP */
	bool		 helo;		/* EHLO/HELO got 250 */
	bool		 mail;		/* MAIL FROM got 250 */
	unsigned	 rcpts;		/* RCPT TO accepted in this mail */
	bool		 message_mode;	/* 354 seen, message not yet ended */
	bool		 ehlo_open;	/* inside a multi-line EHLO reply */
	bool		 data_open;	/* 354 seen, final reply not yet */
};

struct hint {
	const char	*syntax;	/* "RETR msg" or NULL if unknown */
	const char	*about;		/* one line on what it does, or NULL */
	const char	*warning;	/* out-of-order warning, or NULL */
};

/* Start afresh for a protocol (new connection). */
void	hint_init(struct hint_ctx *, enum hint_proto);
/* The protocol named "POP3" / "SMTP" (any case; NULL -> HINT_NONE). */
enum hint_proto hint_proto_named(const char *);
/* An S: line arrived (escaped text as shown), answering the command whose
 * verb is given ("" for the greeting or a SASL answer). Updates ctx. */
void	hint_received(struct hint_ctx *, const char *verb, const char *text,
	    size_t len);
/* The connection became TLS: capabilities are forgotten (RFC 3207 4.2,
 * RFC 2595 4) and SMTP must greet again. */
void	hint_tls(struct hint_ctx *);
/* Hints for a line being typed (not starting with "/"). r's strings are
 * constants. */
void	hint_line(const struct hint_ctx *, const char *line, size_t len,
	    struct hint *r);
/* What the server expects next, e.g. "PASS password"; a constant. */
const char *hint_expects(const struct hint_ctx *);
/* The i-th command name of the protocol (upper case), NULL past the end. */
const char *hint_command(enum hint_proto, size_t i);
/* True when a typed line must never be kept (history): PASS, APOP, AUTH
 * with an initial response, or any line while a SASL exchange runs. */
bool	hint_is_secret(const struct hint_ctx *, const char *line, size_t len);
/* How many leading bytes of a typed line may be echoed when the rest is a
 * secret (PASS x -> 5, APOP name digest -> after the name, AUTH MECH ir ->
 * after MECH, anything in a SASL exchange -> 0). False when the line holds
 * no secret. */
bool	hint_secret_keep(const struct hint_ctx *, const char *line, size_t len,
	    size_t *keep_r);
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
