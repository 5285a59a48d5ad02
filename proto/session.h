/* SPDX-License-Identifier: MIT */
/* One interface over the POP3 and SMTP engines: what the driver uses.
 * Bytes in (session_input), lines typed in (session_submit), bytes out
 * (session_output) and events out (session_event); no sockets, no TLS. */
#ifndef PROTO_SESSION_H
#define PROTO_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/buf.h"
#include "proto/caps.h"
#include "proto/event.h"
#include "proto/facts.h"
#include "proto/reply.h"

struct session;

struct session_options {
	/* Connection is already TLS (pop3s://, smtps://): /starttls is
	 * refused. */
	bool		 tls;
	/* --starttls: the user asked for TLS before anything else. Until the
	 * upgrade is done nothing carrying a secret is sent, and a STARTTLS/
	 * STLS answered with anything but the upgrade ends the session. */
	bool		 starttls;
	/* Default user for /auth when none is typed (from the URL); NULL. */
	const char	*user;
	/* EHLO argument used by /starttls, /send and /load; NULL means
	 * "localhost". */
	const char	*ehlo_domain;
	/* Fixed clock for the Date: and Message-ID: of /send (tests);
	 * 0 means time(NULL). */
	time_t		 now;
	/* Largest multi-line response read (unstuffed octets); past it the
	 * session fails with a message naming --max-message. 0 means
	 * LIMIT_RESPONSE_DEFAULT. */
	uint64_t	 max_response;
};

/* A new session of the given protocol; opts may be NULL. The session
 * waits for the greeting (seq 0). Never NULL; free with session_free. */
struct session	*session_new(enum reply_proto, const struct session_options *);
/* Free everything, wiping secrets first. NULL is fine. */
void		 session_free(struct session *);
enum reply_proto session_proto(const struct session *);

/* Bytes from the peer, in any split. Returns 0, or -1 once the session has
 * failed (a PEV_FAIL event explains; further input is ignored). */
int		 session_input(struct session *, const char *, size_t);
/* The peer closed the connection (read returned 0). After the QUIT reply
 * (PEV_CLOSED already sent) this only adds a "* connection closed by the
 * server" line; otherwise a PEV_FAIL FAIL_PROTOCOL names what was still
 * awaited ("connection closed in the middle of the RETR response"). */
void		 session_eof(struct session *);

/* A line the user typed, without CRLF. In order of precedence:
 * - while a secret is wanted (PEV_NEED_SECRET), the line IS the secret,
 *   exactly as session_secret();
 * - while a /send prompt is open (PEV_PROMPT), the line answers it
 *   ("/cancel" abandons the /send; it also cancels an AUTH exchange,
 *   see session_cancel);
 * - in message mode (after 354) the line is message text: dot-stuffed and
 *   sent; a lone "." ends the message;
 * - a line starting with "/" is a workbench command handled here:
 *   /starttls, /auth MECH [USER], /load, /send (unknown ones, and the
 *   driver's own /connect /save /quit /help, give -1 and *errstr_r so
 *   the driver can handle them first);
 * - anything else goes on the wire exactly as typed plus CRLF (even while
 *   commands are still waiting: that is pipelining by hand).
 * Returns 0, or -1 with *errstr_r (a constant) when the line was refused
 * (CR/LF/NUL inside, too long, /starttls on TLS, session failed...);
 * errstr_r may be NULL. Events and output are queued in either case. */
int		 session_submit(struct session *, const char *, size_t,
		    const char **errstr_r);
/* Answer a PEV_NEED_SECRET. The bytes are copied, used and wiped; the
 * caller wipes its own copy. Returns 0, -1 if no secret was wanted. */
int		 session_secret(struct session *, const char *, size_t);
/* Abandon a pending secret request or /send prompt (user pressed Escape,
 * or typed /cancel). An AUTH exchange under way is cancelled with "*"
 * (RFC 4954 4, RFC 5034 4): at once when a challenge waits for the user's
 * answer, else in answer to the server's next challenge; an /auth that
 * has not sent its secret yet (USER, EHLO first) just stops; a /load
 * stops sending (the replies to what it sent are still shown, but belong
 * to no action: a reply to an earlier, cancelled run is never taken as
 * the next run's). Each case says what it did in a "* " line. */
void		 session_cancel(struct session *);
/* True when session_cancel would do something now (Esc could offer it). */
bool		 session_cancellable(const struct session *);

/* Bytes the driver should write to the peer; the driver removes what it
 * wrote with buf_consume(). Owned by the session, which wipes it (it may
 * hold secrets) when freed. */
struct buf	*session_output(struct session *);
/* Next event: 1 and *ev_r filled, 0 if none. Pointers in *ev_r stay valid
 * until the next session_event() or session_free(). */
int		 session_event(struct session *, struct proto_event *ev_r);

/* The TLS handshake after PEV_TLS_UPGRADE succeeded: forget capabilities
 * (RFC 3207 4.2, RFC 2595 4); for SMTP, EHLO again when /starttls (not a
 * typed STARTTLS) asked for it. Ignored when no upgrade was asked for. */
void		 session_tls_done(struct session *);
/* The driver gave up (TLS handshake failed, timeout, ...): the session is
 * failed from now on and says so with a PEV_FAIL of that kind. */
void		 session_fail(struct session *, enum proto_fail, const char *why);

/* Engine state name ("AUTHORIZATION", "TRANSACTION", "READY", ...). */
const char	*session_state_name(const struct session *);
/* Capabilities from the last EHLO/CAPA since connect or TLS; never NULL. */
const struct caps *session_caps(const struct session *);
/* True when a CAPA/EHLO reply has been seen since connect or TLS. */
bool		 session_caps_known(const struct session *);
/* DELE marks that QUIT would make final (POP3; 0 for SMTP). */
size_t		 session_pending_deletions(const struct session *);
/* True while commands are waiting for replies (the FIFO is not empty) or
 * a workbench command (/load, /send, /auth, /starttls) is under way. */
bool		 session_waiting(const struct session *);
/* True after 354: submitted lines are message text. */
bool		 session_message_mode(const struct session *);
/* True while a PEV_NEED_SECRET is unanswered; *prompt_r (may be NULL)
 * gets the prompt. */
bool		 session_wants_secret(const struct session *,
		    const char **prompt_r);
/* True while a /send PEV_PROMPT is open; *prompt_r as above. */
bool		 session_prompting(const struct session *, const char **prompt_r);
/* Progress of /load (replies received / commands planned); both 0 when no
 * /load is under way. */
void		 session_progress(const struct session *, size_t *done_r,
		    size_t *total_r);
/* True once PEV_FAIL was emitted or the QUIT reply arrived. */
bool		 session_over(const struct session *);
/* True when the connection is TLS (implicit, or after session_tls_done). */
bool		 session_tls(const struct session *);
/* Fill *r with what the session knows now (proto/facts.h). Pointers in
 * it stay valid until the next call into the session. */
void		 session_facts(const struct session *, struct session_facts *r);
/* The one FIFO of commands awaiting replies (STYLE.md §2): the driver
 * wrote the session's output at now_ms (its clock), and every command
 * sent since gets that time; PEV_REPLY carries it back as sent_ms. */
void		 session_stamp(struct session *, double now_ms);
/* Commands awaiting a reply. */
size_t		 session_waiting_count(const struct session *);
/* The command awaited first: false when none; else its seq, a short text
 * into what ("RETR 1", a secret's argument never shown; NUL-terminated,
 * cut to whatsz; peer-free but the user's bytes: escape it) and when it
 * went out (0: not written yet). */
bool		 session_awaited(const struct session *, uint64_t *seq_r,
		    char *what, size_t whatsz, double *sent_ms_r);
/* True when the user asked for TLS (implicit TLS, --starttls, /starttls):
 * secrets are then never sent before the upgrade is done. */
bool		 session_tls_required(const struct session *);

#endif
