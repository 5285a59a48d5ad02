/* SPDX-License-Identifier: MIT */
/* Inside the session: the hub's struct (session.c: events, the FIFO,
 * output, TLS), the table of operations each protocol gives it (pop3.c,
 * smtp.c) and the one each workbench action gives it (action-starttls.c,
 * action-auth.c, action-load.c, action-send.c). Not for the driver: use
 * proto/session.h. */
#ifndef PROTO_SESSION_INT_H
#define PROTO_SESSION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "proto/caps.h"
#include "proto/command.h"
#include "proto/event.h"
#include "proto/facts.h"
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
	/* ORIGIN_ACTION: the run of the action that sent it (s->run then);
	 * a reply to an earlier run's command is stale and not acted on. */
	uint64_t		 run;
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

struct session;
struct explain_cmd;

/* A protocol, as the hub sees it (curl's struct pingpong callbacks and
 * struct SASLproto, tig's struct view_ops). Its state machine and private
 * state (s->pstate, made by init) are its own; the hub calls these and
 * names no protocol. A third protocol joins with one more table. */
struct session_proto_ops {
	const char	*name;		/* "POP3": "not a POP3 reply" */
	const char	*starttls_verb;	/* "STLS", "STARTTLS" */
	const char	*starttls_ok;	/* the reply that starts TLS: "+OK" */
	const char	*starttls_rfc;	/* "RFC 2595 4": the upgrade's rule */
	const char	*tls_restart_rfc; /* "RFC 3207 4.2": forget at TLS */
	const char	*implicit_tls;	/* "pop3s://, 995" */
	const char	*caps_verb;	/* "CAPA", "EHLO": asks capabilities */
	const char	*sasl_rfc;	/* "5034": RFC of AUTH's "*" cancel */
	/* /auth's refusal when the login would go out in the clear and the
	 * capabilities offer the upgrade instead. */
	const char	*auth_cleartext_why;
	/* The workbench actions this protocol offers, NULL-terminated. */
	const struct session_action_ops *const *actions;

	/* Private state: made at session_new, freed (wiped) at the end. */
	void		*(*init)(struct session *);
	void		 (*free)(void *);
	/* The state (its own enum) and its name. */
	int		 (*state)(const struct session *);
	const char	*(*state_name)(const struct session *);
	/* PEV_F_POSITIVE/TRANSIENT/NEGATIVE for a reply line; with
	 * continuation, also PEV_F_CONTINUE when the line asks for more
	 * (334, 354, "+ "). */
	unsigned	 (*reply_flags)(const struct reply_line *,
			    bool continuation);
	/* The reply to STARTTLS/STLS starts TLS; a refusal (not a reply that
	 * no correct server gives); the reply's short form ("-ERR", "454"). */
	bool		 (*starttls_positive)(const struct reply_line *);
	bool		 (*refusal)(const struct reply_line *);
	void		 (*reply_code)(const struct reply_line *, char *,
			    size_t);
	/* The greeting, a complete final reply (head NULL: unsolicited),
	 * the lines of a multi-line body and its end (NULL when the
	 * protocol has none). The reply's lines are in s->reply. */
	void		 (*greeting)(struct session *,
			    const struct reply_line *);
	void		 (*reply)(struct session *, struct pending *head,
			    const struct reply_line *);
	void		 (*body_line)(struct session *,
			    const struct reader_item *);
	void		 (*body_end)(struct session *);
	/* A line the user typed is about to go out (NULL: nothing to say). */
	void		 (*typed)(struct session *, const struct command *);
	/* A command went out (NULL: nothing to note). */
	void		 (*sent)(struct session *, const struct command *);
	/* A typed line in message mode (after a data continuation). */
	int		 (*message_line)(struct session *, const char *, size_t,
			    const char **errstr_r);
	/* TLS is on: reset what the protocol says starts over. */
	void		 (*tls_done)(struct session *);
	/* The peer closed after the session ended normally. */
	void		 (*closed)(struct session *);
	/* A hello (EHLO) must come before anything else now. */
	bool		 (*hello_needed)(const struct session *);
	/* Ask for capabilities (EHLO, CAPA) as the current action's command
	 * with tag. */
	void		 (*caps_request)(struct session *, uint64_t tag);
	/* The capabilities offer the STARTTLS/STLS upgrade. */
	bool		 (*offers_starttls)(const struct caps *);
	/* A login may start now (POP3: AUTHORIZATION state). */
	bool		 (*login_allowed)(const struct session *);
	/* The mechanism exists in this protocol (APOP and USER: POP3). */
	bool		 (*mech_allowed)(enum sasl_mech);
	/* AUTH may carry an initial response now (RFC 4954 4, RFC 5034 4). */
	bool		 (*sasl_initial_response)(const struct session *);
	/* The greeting's APOP <timestamp> (RFC 1939 7), or NULL. */
	const char	*(*apop_timestamp)(const struct session *);
	/* DELE marks QUIT would make final now. */
	size_t		 (*pending_deletions)(const struct session *);
	/* One line of a capability reply -> the capability's text ("250-SIZE
	 * 1" -> "SIZE 1"); false skips the line. NULL: lines are bare. */
	bool		 (*caps_line)(const char **, size_t *);
	/* The "= " meaning of a complete reply (proto/explain-int.h). */
	int		 (*explain)(const struct session_facts *,
			    const struct explain_cmd *,
			    const struct reply_line *, const char *, size_t,
			    struct buf *);
	/* Fill the protocol's part of the facts (state, its counters). */
	void		 (*facts)(const struct session *,
			    struct session_facts *);
};

/* A workbench action (/starttls, /auth, /load, /send) as the hub sees it:
 * one runs at a time; its private state is s->apriv (made by begin's
 * caller through new, freed when the next action begins or the session
 * ends, so it stays readable after the action ended). Hooks are called
 * only while it is the current action, and replies only for commands of
 * the current run. NULL hooks do nothing. */
struct session_action_ops {
	const char	*verb;		/* "LOAD": what /load parses to */
	enum facts_action fact;
	/* Said when the protocol does not offer it. */
	const char	*wrong_proto;
	/* Said when the user cancels while a secret / a form answer is
	 * wanted. */
	const char	*cancelled_secret, *cancelled_prompt;
	void		*(*new)(void);
	void		 (*free)(void *);
	/* Start: 0, or -1 with *errstr_r (said by the hub, nothing sent). */
	int		 (*begin)(struct session *, const char *arg, size_t len,
			    const char **errstr_r);
	/* The greeting arrived and the action waited for it. */
	void		 (*greeted)(struct session *);
	/* The secret asked for arrived (in s->secret), after the greeting. */
	void		 (*secret)(struct session *);
	/* A line answering the action's PEV_PROMPT. */
	int		 (*answer)(struct session *, const char *, size_t,
			    const char **errstr_r);
	/* A final reply to one of the run's commands. */
	void		 (*on_reply)(struct session *, const struct pending *,
			    const struct reply_line *, bool positive);
	/* A challenge (334, "+ ") to the run's AUTH: true when answered. */
	bool		 (*on_continuation)(struct session *, struct pending *,
			    const char *, size_t);
	/* A multi-line body for the run's command h. */
	void		 (*on_body)(struct session *, const struct pending *,
			    const char *, size_t);
	/* The run's DATA got its 354: send the message. */
	void		 (*on_data)(struct session *);
	/* The TLS handshake is done. */
	void		 (*tls_done)(struct session *);
	/* /cancel with no secret, form or SASL challenge open. */
	void		 (*cancel)(struct session *);
	bool		 (*cancellable)(const struct session *);
	/* Progress (replies in / planned). */
	void		 (*progress)(const struct session *, size_t *,
			    size_t *);
};

struct session {
	enum reply_proto	 proto;
	const struct session_proto_ops *ops;
	void			*pstate;	/* the protocol's own */
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

	bool			 greeted, failed, over;
	bool			 tls, tls_pending;
	bool			 tls_required;	/* implicit, --starttls or
						 * /starttls: TLS or nothing */
	size_t			 tls_dropped;	/* bytes dropped around STARTTLS */
	bool			 message_mode;	/* after 354: lines are text */
	struct caps		 caps;
	bool			 caps_known;
	struct caps		 caps_plain;	/* the last ones before TLS */
	bool			 caps_plain_known;
	bool			 starttls_refused;
	bool			 tls_demanded;
	bool			 authed;	/* POP3 TRANSACTION, SMTP 235 */
	char			*login_user;	/* USER +OK or /auth name */

	/* The reply being read: its lines joined by "\n". */
	struct buf		 reply;
	bool			 in_body;	/* multi-line body after +OK */
	uint64_t		 max_response;	/* --max-message */

	/* A typed AUTH got 334 / "+ ": the next typed line answers it. */
	bool			 sasl_open;

	/* Workbench action under way (one at a time), its run and state. */
	const struct session_action_ops *action;
	uint64_t		 run;
	void			*apriv;
	const struct session_action_ops *apriv_ops;
	bool			 wait_greeting;	/* start when greeted */
	/* What the action asks the user for: a secret or a form line. */
	struct buf		 secret;
	bool			 secret_wanted;
	bool			 prompting;
	char			*prompt;
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
/* Record a protocol's state change "from -> to" as PEV_STATE (the
 * protocol's one set_state function calls it). */
void		 session_state_event(struct session *, const char *from,
		    const char *to, int state);
/* Name of the current state. */
const char	*session_state_name(const struct session *);
/* The session is damaged: PEV_FAIL and no more input. */
void		 session_fail(struct session *, enum proto_fail, const char *);
/* Send a command line (classified by command_parse) and queue it on the
 * FIFO; ORIGIN_ACTION commands carry the current run. 0, or -1 with
 * *errstr_r. */
int		 session_send(struct session *, const char *, size_t,
		    enum session_origin, uint64_t tag, const char **errstr_r);
/* Send a workbench action's command (ORIGIN_ACTION, tag); when it cannot
 * go out, end the action with the reason. */
void		 session_send_action(struct session *, const char *, size_t,
		    uint64_t tag);
/* Send a line that answers a continuation (no FIFO entry). */
int		 session_send_continuation(struct session *, const char *,
		    size_t, bool secret);
/* Write one line plus CRLF to the output (secret: wipe it later). 0, or
 * -1 when the output buffer is full. */
int		 session_out_line(struct session *, const char *, size_t,
		    bool secret);
/* Queue a pending entry for a line already written (a message's final
 * "."): seq, verb, shape; an action's run when the current action sent
 * it. */
void		 session_push(struct session *, uint64_t seq, const char *verb,
		    enum command_shape, bool action);
/* The FIFO head, or NULL. */
struct pending	*session_head(struct session *);
/* The i-th command awaited (0: the head); i below s->fifo_len. */
struct pending	*session_fifo_at(const struct session *, size_t i);
/* Remove the head and free what it owns. */
void		 session_pop(struct session *);
/* Move the head (there must be one) into *h_r and remove it from the
 * FIFO; the caller frees h_r->arg. For a final reply: the command is no
 * longer awaited while its reply is handled. */
void		 session_take(struct session *, struct pending *h_r);
/* Drop every command still awaited (they will get no reply). */
void		 session_drop_all(struct session *);
/* True when the command h is verb (upper case, e.g. "QUIT"). */
bool		 pending_is(const struct pending *h, const char *verb);
/* True when h was sent by the current run of the current action. */
bool		 session_action_owns(const struct session *,
		    const struct pending *h);
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
/* Greeting arrived: start an action that waited for it. */
void		 session_greeted(struct session *);
/* A final reply h to an action's command: to the action when it is the
 * current run's (a stale one is ignored). */
void		 session_action_reply(struct session *, const struct pending *,
		    const struct reply_line *, bool positive);
/* A continuation (334 / "+ ") for the head AUTH command; text is the
 * continuation's text (base64 challenge). */
void		 session_continuation(struct session *, struct pending *,
		    const char *text, size_t len);
/* Parse capabilities from lines (joined by "\n") and explain each one;
 * skip_first for EHLO's domain line. */
void		 session_caps_from(struct session *, const char *, size_t,
		    bool skip_first, uint64_t seq);
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
/* True while ops is the action under way. */
bool		 session_action_is(const struct session *,
		    const struct session_action_ops *);
/* Ask the user for a secret (PEV_NEED_SECRET) / a form line (PEV_PROMPT)
 * with this prompt. */
void		 session_ask_secret(struct session *, const char *prompt);
void		 session_ask(struct session *, const char *prompt);

/* The actions (action-*.c). */
extern const struct session_action_ops action_starttls_ops;
extern const struct session_action_ops action_auth_ops;
extern const struct session_action_ops action_load_ops;
extern const struct session_action_ops action_send_ops;

/* action-auth.c: the client side of a login, shared by /auth and the
 * AUTH of /send. */
struct auth_login {
	enum sasl_mech	 mech;
	char		*user;
	int		 step;
};
/* Free what l holds (not l). */
void		 auth_login_clear(struct auth_login *);
/* Send the first command of the login l with the secret in s->secret
 * (USER, APOP, AUTH mech [initial response]); ends the action when it
 * must not or cannot go out. */
void		 auth_login_begin(struct session *, struct auth_login *);
/* Answer the challenge text to head, the run's AUTH. */
void		 auth_login_continue(struct session *, struct auth_login *,
		    struct pending *head, const char *, size_t);

#endif
