/* SPDX-License-Identifier: MIT */
/* Inside the session: the struct shared by session.c (common machinery and
 * /auth, /starttls), pop3.c, smtp.c, load.c (/load) and send.c (/send).
 * Not for the driver: use proto/session.h. */
#ifndef PROTO_SESSION_INT_H
#define PROTO_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "proto/caps.h"
#include "proto/command.h"
#include "proto/event.h"
#include "proto/reader.h"
#include "proto/sasl.h"
#include "proto/session.h"

/* Who sent a command: typed by the user, or part of a workbench action. */
enum session_origin {
	ORIGIN_USER,
	ORIGIN_ACTION,
};

/* A command waiting for its reply (the FIFO, STYLE.md §2). */
struct pending {
	uint64_t		 seq;
	char			 verb[16];
	char			*arg;		/* copy; NULL when secret */
	size_t			 arg_len;
	enum command_shape	 shape;
	bool			 starttls, quit;
	enum session_origin	 origin;
	uint64_t		 tag;		/* action-specific */
	/* When the driver wrote it (session_stamp), its clock's ms; 0 while
	 * it has not gone out yet. */
	double			 sent_ms;
	/* AUTH only: the user cancelled; "*" answers the next challenge
	 * (RFC 4954 4, RFC 5034 4) and cancelled says it went out. */
	bool			 cancel, cancelled;
};

/* The fields of struct proto_event an emitter sets; session_event() adds
 * the pointers. Small, because a 16 KiB read can queue a thousand. */
struct qevent_fields {
	enum proto_event_kind	 kind;
	unsigned		 flags;
	size_t			 secret_keep;
	uint64_t		 seq;
	uint64_t		 total;
	size_t			 arg_len;
	double			 sent_ms;
	int			 code;
	enum reply_pop3_status	 pop3;
	int			 state;
	enum proto_fail		 fail;
};

/* An event waiting in the queue; owns its bytes (text in its block's
 * arena or malloc'd, see session.c). */
struct qevent {
	struct qevent_fields	 ev;
	char			*text;
	size_t			 len;
	char			*arg;
	char			 verb[16];
	struct reply_line	*reply;		/* PEV_REPLY, parsed, or NULL */
	const char		*state_name;	/* PEV_STATE: a static name */
	bool			 text_owned;	/* text is malloc'd */
};
struct qblock;

enum session_action {
	ACTION_NONE,
	ACTION_STARTTLS,
	ACTION_AUTH,
	ACTION_LOAD,
	ACTION_SEND,
};

struct session {
	enum reply_proto	 proto;
	char			*user;
	char			*ehlo_domain;
	time_t			 now;
	struct reader		*reader;
	struct buf		 out;
	bool			 out_secret;	/* wipe freed output space */

	struct qblock		*evq_head, *evq_tail, *evq_spare;
	size_t			 evq_len;
	struct qevent		 cur;		/* last returned, until next */

	struct pending		*fifo;
	size_t			 fifo_head, fifo_len, fifo_cap;
	uint64_t		 seq;

	int			 state;
	bool			 greeted, failed, over;
	bool			 tls, tls_pending;
	bool			 tls_required;	/* implicit, --starttls or
						 * /starttls: TLS or nothing */
	size_t			 tls_dropped;	/* bytes dropped around STARTTLS */
	bool			 message_mode;
	bool			 mail_8bit;	/* the last MAIL FROM declared
						 * BODY=8BITMIME or SMTPUTF8 */
	bool			 warned_8bit;	/* said once per message */
	struct caps		 caps;
	bool			 caps_known;
	struct caps		 caps_plain;	/* the last ones before TLS */
	bool			 caps_plain_known;
	bool			 starttls_refused;
	bool			 tls_demanded;
	bool			 authed;	/* POP3 TRANSACTION, SMTP 235 */
	char			*login_user;	/* USER +OK or /auth name */
	bool			 user_accepted;
	bool			 stat_known;
	uint64_t		 stat_count, stat_octets;
	bool			 mail_accepted;
	size_t			 rcpt_accepted, rcpt_refused;

	/* The reply being read: its lines joined by "\n". */
	struct buf		 reply;
	bool			 in_body;	/* POP3 body after +OK */
	int			 body_flags;	/* flags of the status line */
	/* What is kept of the body being read (never all of a RETR: the
	 * front-end gets it line by line), how much may be, and the
	 * whole payload's length so far. */
	struct buf		 body;
	size_t			 body_keep;	/* bytes to keep at most */
	bool			 body_header_only; /* RETR: keep the header */
	bool			 body_header_done; /* its blank line seen */
	bool			 body_partial;	/* something was not kept */
	uint64_t		 body_total;
	uint64_t		 max_response;	/* --max-message */

	/* POP3 */
	char			*apop_ts;	/* greeting <timestamp> */
	uint64_t		*dele;		/* numbers with DELE +OK */
	size_t			 ndele, dele_cap;

	/* SMTP */
	uint64_t		 data_seq;	/* seq of the message after 354 */
	bool			 ehlo_done;	/* EHLO/HELO accepted since TLS */
	bool			 greeting_masked; /* greeting all "*" (firewall) */

	/* A typed AUTH got 334 / "+ ": the next typed line answers it. */
	bool			 sasl_open;

	/* Workbench action under way (one at a time). */
	enum session_action	 action;
	int			 step;
	bool			 wait_greeting;	/* start when greeted */
	bool			 refresh_after_tls;
	/* /auth */
	enum sasl_mech		 mech;
	char			*auth_user;
	struct buf		 secret;
	bool			 secret_wanted;
	char			*prompt;
	/* /load */
	uint64_t		*load_nums;
	size_t			 load_n, load_next, load_total, load_done,
				 load_inflight, load_items_per;
	bool			 load_pipelining, load_top, load_uidl;
	bool			 load_early;	/* TOPs went out from STAT's
						 * count before LIST answered */
	/* /send */
	bool			 prompting;
	int			 send_field;
	char			*send_from;
	char			*send_from_name; /* "Ann" of "Ann <a@b>", or NULL */
	char			**send_rcpt;
	char			**send_rcpt_name; /* display names, or NULL */
	size_t			 send_nrcpt, send_rcpt_ok, send_rcpt_answered;
	char			*send_subject;
	struct buf		 send_body;
	bool			 send_pipelining;
	char			*send_user;	/* AUTH user from the form */
	bool			 send_tls_tried, send_auth_tried;
	bool			 send_mail_refused; /* pipelined MAIL refused */
	char			*send_refused;	/* "b@x refused: 550 5.1.1, ..." */
	char			*send_first;	/* first refusal's code, cause
						 * and next step */
	char			*send_final;	/* the outcome line, said when
						 * the RSET after it is answered */
};

/* Queue an event with a copy of text; returns it for more fields. */
struct qevent	*session_emit(struct session *, enum proto_event_kind,
		    unsigned flags, const char *text, size_t len, uint64_t seq);
/* The same taking text (malloc'd, NUL-terminated at len) instead of a
 * copy. */
struct qevent	*session_emit_owned(struct session *, enum proto_event_kind,
		    unsigned flags, char *text, size_t len, uint64_t seq);
/* printf-style PEV_INFO line. */
void		 session_info(struct session *, unsigned flags, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
/* The one place a state changes: records "A -> B" as PEV_STATE. */
void		 session_set_state(struct session *, int state);
/* Name of the current state. */
const char	*session_state_name(const struct session *);
/* The session is damaged: PEV_FAIL and no more input. */
void		 session_fail(struct session *, enum proto_fail, const char *);
/* Send a command line (classified by command_parse) and queue it on the
 * FIFO. 0, or -1 with *errstr_r. */
int		 session_send(struct session *, const char *, size_t,
		    enum session_origin, uint64_t tag, const char **errstr_r);
/* Send a workbench action's command (ORIGIN_ACTION, tag); when it cannot
 * go out, end the action with the reason. */
void		 session_send_action(struct session *, const char *, size_t,
		    uint64_t tag);
/* The same for "EHLO <ehlo_domain>". */
void		 session_send_ehlo(struct session *, uint64_t tag);
/* Send a line that answers a continuation (no FIFO entry). */
int		 session_send_continuation(struct session *, const char *,
		    size_t, bool secret);
/* Send one message line after 354 (dot-stuffed) or the final ".". */
int		 session_send_message_line(struct session *, const char *,
		    size_t, const char **errstr_r);
/* The FIFO head, or NULL. */
struct pending	*session_head(struct session *);
/* Remove the head and free what it owns. */
void		 session_pop(struct session *);
/* Move the head (there must be one) into *h_r and remove it from the
 * FIFO; the caller frees h_r->arg. For a final reply: the command is no
 * longer awaited while its reply is handled. */
void		 session_take(struct session *, struct pending *h_r);
/* True when the command h is verb (upper case, e.g. "QUIT"). */
bool		 pending_is(const struct pending *h, const char *verb);
/* PEV_REPLY for head (NULL: none) from the reply buffer, with flags. */
void		 session_emit_reply(struct session *, const struct pending *,
		    unsigned flags);
/* Flags for a parsed reply: POSITIVE/TRANSIENT/NEGATIVE. */
unsigned	 session_reply_flags(const struct session *,
		    const struct reply_line *);
/* A positive STARTTLS/STLS reply: drop buffered bytes, PEV_TLS_UPGRADE. */
void		 session_tls_upgrade(struct session *);
/* The final reply rl to a STARTTLS/STLS command: upgrade, or say why
 * not; when TLS was required, anything but the upgrade fails the session
 * (FAIL_TLS). */
void		 session_starttls_reply(struct session *,
		    const struct reply_line *rl);
/* Two decimal numbers at the start of text ("29 15939 ..." after STAT or
 * LIST n): 0, or -1 when they are not there. */
int		 session_two_numbers(const char *text, size_t len,
		    uint64_t *a_r, uint64_t *b_r);
/* Greeting arrived: start an action that waited for it. */
void		 session_greeted(struct session *);
/* A final reply to an action's command (positive or not). */
void		 session_action_reply(struct session *, const struct pending *,
		    const struct reply_line *, bool positive);
/* A continuation (334 / "+ ") for the head AUTH command; text is the
 * continuation's text (base64 challenge). */
void		 session_continuation(struct session *, struct pending *,
		    const char *text, size_t len);
/* Parse capabilities from lines (joined by "\n") and explain each one;
 * skip_first for EHLO's domain line. */
void		 session_caps_from(struct session *, const char *, size_t,
		    bool skip_first, bool smtp_prefix, uint64_t seq);
/* Append "<code>: <cause>; <next step>" for the negative final reply rl
 * (the whole reply in the reply buffer) to the action's command head;
 * action names the action in the next step ("/send"). 0, or -1 if out is
 * full. */
int		 session_outcome(struct session *, const struct pending *head,
		    const struct reply_line *rl, const char *action,
		    struct buf *out);
/* End the action; say why in a * line when why != NULL. */
void		 session_action_end(struct session *, unsigned flags,
		    const char *why);

/* load.c: /load */
int		 load_start(struct session *, const char **errstr_r);
void		 load_reply(struct session *, const struct pending *,
		    const struct reply_line *, bool positive);
void		 load_body(struct session *, const struct pending *,
		    const char *, size_t);
void		 load_clear(struct session *);

/* send.c: /send */
int		 send_start(struct session *, const char **errstr_r);
int		 send_answer(struct session *, const char *, size_t,
		    const char **errstr_r);
void		 send_reply(struct session *, const struct pending *,
		    const struct reply_line *, bool positive);
void		 send_message(struct session *);
void		 send_clear(struct session *);
/* The TLS handshake a /send asked for is done: EHLO again. */
void		 send_tls_done(struct session *);

#endif
