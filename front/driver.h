/* SPDX-License-Identifier: MIT */
/* The driver: moves bytes between a net/ connection and a proto/ engine,
 * runs the workbench's own / commands, and reports what happened to a
 * front-end (batch on stdout, or the screen) through callbacks.
 * Front-ends only draw what the driver reports. */
#ifndef UI_DRIVER_H
#define UI_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "proto/reply.h"

struct loop;		/* net/loop.h */
struct mailbox;		/* proto/mailbox.h */
struct mailbox_entry;	/* proto/mailbox.h */
struct session;		/* proto/session.h */

/* One transcript line, already escaped (transcript_escape) and redacted:
 * safe to put on a terminal as it is. */
enum driver_line_kind {
	DRIVER_LINE_SENT,	/* "C: " */
	DRIVER_LINE_RECEIVED,	/* "S: " */
	DRIVER_LINE_EVENT,	/* "* " */
	DRIVER_LINE_MEANING,	/* "= " */
};

#define DRIVER_LF_POSITIVE	0x01	/* reply class 2xx/3xx, +OK */
#define DRIVER_LF_TRANSIENT	0x02	/* 4xx */
#define DRIVER_LF_NEGATIVE	0x04	/* 5xx, -ERR */
#define DRIVER_LF_SECRET	0x08	/* text was redacted */
#define DRIVER_LF_TLS		0x10	/* TLS handshake/certificate detail */
#define DRIVER_LF_WARNING	0x20	/* insecure, discarded bytes, timeouts */
/* Per-step timing: after each complete reply the driver reports a "* "
 * line "12.3 ms" with DRIVER_LF_TIMING and the command's seq; the screen
 * may show it beside the reply, batch prints it only with --timing (so
 * the default transcript is deterministic). Connect and TLS handshake
 * times are always in their own "* " lines (without this flag). */
#define DRIVER_LF_TIMING	0x40	/* per-step timing event */
#define DRIVER_LF_BODY		0x80	/* line inside a RETR/TOP body or a
					 * message after 354 (may be folded) */

struct driver_line {
	enum driver_line_kind	 kind;
	unsigned		 flags;
	const char		*text;	/* without prefix, no newline */
	size_t			 len;
	/* Pairing: the sequence number of the command this line belongs to
	 * (C: lines and the S:/= lines of its reply share it), 0 if none. */
	uint64_t		 seq;
	/* Where the line ("S: text\n", prefix included) starts in the
	 * transcript the driver keeps on disk for /save (read it back with
	 * driver_transcript_read), DRIVER_NOT_KEPT when it is not there. A
	 * front-end may drop the text of a long body and read it back. */
	uint64_t		 kept_off;
};

#define DRIVER_NOT_KEPT		UINT64_MAX

/* What the status bar shows. Strings are owned by the driver. */
/* A reply that takes this long marks the server as slow. Dovecot and
 * Postfix on loopback answer in well under 10 ms; a second is what the
 * lab's "slow" scenario and an overloaded or tarpitting server cost. */
#define DRIVER_SLOW_MS	1000.0

struct driver_status {
	const char	*host;		/* "127.0.0.1:1110" or NULL when closed */
	const char	*proto;		/* "POP3", "SMTP" */
	const char	*tls;		/* NULL plain, else "TLSv1.3" */
	const char	*verify;	/* "verified", "INSECURE: <reason>", ... */
	const char	*state;		/* engine state name: "AUTHORIZATION" */
	const char	*expects;	/* hint: what the server expects next */
	bool		 message_mode;	/* after 354: lines are message text */
	bool		 secret_wanted;	/* next submitted line is a secret */
	const char	*secret_prompt;
	size_t		 pending_deletions;
	double		 last_reply_ms;	/* how long the last reply took, -1 if
					 * none: since its command was sent,
					 * or, pipelined, since the reply
					 * before it */
	bool		 last_reply_pipelined; /* ...the latter */
	bool		 last_reply_slow; /* >= DRIVER_SLOW_MS */
	bool		 connected;
	bool		 busy;		/* /load or similar under way */
	size_t		 progress_done, progress_total;
	uint64_t	 session_id;	/* moves with every driver_connect: a
					 * front-end restarts its per-session
					 * views (hints, history) then */
};

/* Callbacks may call driver_submit, driver_connect and driver_close, but
 * never driver_free. */
struct driver_ops {
	/* A transcript line to show or print. */
	void	(*line)(void *arg, const struct driver_line *);
	/* Status changed (state, TLS, deletions, progress...). */
	void	(*status)(void *arg, const struct driver_status *);
	/* The mailbox table changed (see driver_mailbox()). NULL: the
	 * front-end shows no mailbox, and the driver keeps no table. */
	void	(*mailbox)(void *arg);
	/* The session ended; exit_code as SPEC.md: 0, 1, 3. */
	void	(*closed)(void *arg, int exit_code, const char *why);
};

struct driver_options {
	bool		 starttls;	/* --starttls */
	bool		 insecure;	/* --insecure */
	const char	*cafile;	/* --cafile */
	int		 family;	/* 0, 4 or 6 */
	double		 timeout;	/* seconds for every wait */
	double		 reply_deadline; /* seconds for a whole reply, 0 none */
	const char	*transcript;	/* --transcript FILE */
	const char	*password_file;	/* --password-file */
	uint64_t	 max_response;	/* --max-message, 0: the default */
	/* Store each retrieved message in a private temporary file as it
	 * arrives (the workbench views them; batch only prints lines). */
	bool		 spool_messages;
};

struct driver	*driver_new(struct loop *, const struct driver_options *,
		    const struct driver_ops *, void *arg);
void		 driver_free(struct driver *);
/* Start connecting to URL (pop3:// smtp:// ...). 0, or -1 with *errstr_r
 * for a bad URL; connection failures arrive later through ops->closed. */
int		 driver_connect(struct driver *, const char *url,
		    const char **errstr_r);
/* A line the user typed, without line end: a protocol command sent as is,
 * a /command, a message line in message mode, or the secret asked for.
 * The driver itself runs the / commands front/wbcmd.h marks
 * WBCMD_F_ANYTIME (/connect URL, /save FILE never over an existing file
 * and /save! FILE replacing it, /help, /quit: QUIT if a session is open,
 * else close...); every other line goes to the session engine (the
 * WBCMD_F_SESSION ones, /starttls /auth /load /send /cancel, included). Secrets wanted by the engine
 * are answered at once from --password-file or MAILBENCH_PASSWORD when
 * given ("* answered from ..."), else by the next driver_submit.
 * With --starttls nothing but the upgrade is sent in plaintext: if the
 * server refuses or does not offer it, the session ends (exit 3).
 * Every wait (connect, TLS handshake, each reply) is bounded by
 * --timeout; a silent server ends the session with "* timeout: no reply
 * to RETR 1 after 10 s" (exit 3). --timeout is the idle limit: each line
 * that arrives restarts it. --reply-deadline bounds a whole reply (from
 * when it became the one awaited: the greeting from the connection, a
 * pipelined command from the previous reply) however it trickles in:
 * "* deadline: the reply to RETR 1 was not complete after 60 s" (exit 3).
 * Returns 0, or -1 when the line was
 * refused (a "* " line says why). */
int		 driver_submit(struct driver *, const char *line, size_t len);
/* The mailbox table built from what the session has seen (empty when
 * ops->mailbox is NULL). */
const struct mailbox *driver_mailbox(const struct driver *);
/* Current status, as last reported. */
const struct driver_status *driver_status(const struct driver *);
/* True while commands are waiting for a reply, while connecting or in a
 * TLS handshake, and while more than 1 MiB waits to be written (feed
 * the next line only when this is false). */
bool		 driver_busy(const struct driver *);
/* Close the connection now without sending anything more (batch at end
 * of input): a "* " line with why, then ops->closed. No-op when closed. */
void		 driver_close(struct driver *, const char *why);
/* Read up to len bytes at off of the kept transcript (see kept_off): bytes
 * read, 0 at its end, -1 on a read error or when none is kept. */
ssize_t		 driver_transcript_read(struct driver *, uint64_t off, void *,
		    size_t len);
/* Read up to len bytes at off of a retrieved message the driver stored
 * (e->stored, spool_messages): bytes read, 0 at its end or when it is not
 * stored, -1 on a read error. */
ssize_t		 driver_message_read(struct driver *,
		    const struct mailbox_entry *e, uint64_t off, void *,
		    size_t len);
/* The engine of the current connection, or NULL (read-only queries such
 * as session_caps() for the screen). */
struct session	*driver_session(const struct driver *);
/* Abandon a pending secret request, /send prompt or SASL exchange (the
 * engine reports it at once); no-op without a session. */
void		 driver_cancel(struct driver *);

/* The lab's URLs (mailbench --lab), for lessons that switch protocol
 * ({pop3}, {smtp} in a step's command); NULL when unknown. */
void		 driver_set_lab_urls(struct driver *, const char *pop3,
		    const char *smtp);
/* The lesson being followed (/lesson NAME), or NULL. */
struct lesson_run;
const struct lesson_run *driver_lesson(const struct driver *);

/* mailbench replay: a session with no connection, fed the lines of a
 * saved transcript so that the engine re-derives meanings, states and
 * the mailbox as it would live. Begin (or begin again) for the protocol;
 * name labels the status bar. 0, or -1 while a connection is open. */
int		 driver_replay_begin(struct driver *, enum reply_proto,
		    const char *name);
/* One saved line without its prefix, as saved (escaped): kind 'C' a line
 * sent (typed into the engine), 'S' a line received (fed to the engine),
 * '*' a workbench line of the original session, shown as it was. */
void		 driver_replay_line(struct driver *, char kind,
		    const char *text, size_t len);

#endif
