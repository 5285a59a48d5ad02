/* SPDX-License-Identifier: MIT */
/* The driver: joins a net/ connection to a proto/ session engine, runs the
 * workbench's own / commands and reports lines and status to a front-end. */
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/conn.h"
#include "net/loop.h"
#include "net/tls.h"
#include "proto/diagnose.h"
#include "proto/hint.h"
#include "proto/lesson.h"
#include "proto/limits.h"
#include "proto/mailbox.h"
#include "proto/session.h"
#include "proto/transcript.h"
#include "base/util.h"
#include "front/driver.h"
#include "front/lesson-run.h"
#include "front/modes.h"
#include "front/savefile.h"
#include "front/spool.h"
#include "front/url.h"
#include "front/wbcmd.h"

/* The whole transcript kept for /save, in a spool file (on disk, not in
 * memory): room for a session that retrieved a few messages as large as
 * --max-message allows, a bound on the disk a session can fill. */
#define DRIVER_SAVED_MAX	(4ull * 1024 * 1024 * 1024)
/* Bytes queued for the peer above which driver_busy() says wait. */
#define DRIVER_OUTPUT_HIGH	(1024 * 1024)
/* Bytes read from a spool at a time (/save). */
#define DRIVER_COPY_CHUNK	(1024 * 1024)
/* A password read from --password-file or MAILBENCH_PASSWORD. */
#define DRIVER_PASSWORD_MAX	4096


enum driver_phase {
	DRIVER_IDLE,		/* never connected, or closed */
	DRIVER_CONNECTING,	/* TCP connect under way */
	DRIVER_TLS,		/* TLS handshake under way */
	DRIVER_OPEN,		/* session running */
	DRIVER_REPLAY,		/* fed from a saved transcript, no peer */
};

struct driver {
	struct loop		*loop;
	struct driver_options	 opts;		/* this connection's */
	struct driver_options	 base;		/* the command line's */
	char			*conn_cafile;	/* /connect --cafile FILE */
	char			*last_connect;	/* "[options] URL" typed */
	/* TLS: the last chain seen (for /cert), and the leaf certificates
	 * the user chose to trust with /cert trust, by SHA-256. */
	struct tls_summary	 last_tls;
	bool			 have_last_tls;
	char			**trust;
	size_t			 ntrust;
	const struct driver_ops	*ops;
	void			*arg;

	struct url		 url;
	bool			 have_url;
	char			*replay;	/* replay: the file's name */
	struct lesson_run	*lesson;	/* /lesson under way, or NULL */
	unsigned		 lesson_serial;	/* lessons started */
	char			*lab_pop3, *lab_smtp;	/* for lessons */
	enum reply_proto	 replay_proto;
	enum driver_phase	 phase;
	struct conn		*conn;
	struct session		*sess;
	struct mailbox		*mb;
	SSL_CTX			*ctx;
	struct loop_timer	*timer;		/* reply timeout */
	struct loop_timer	*deadline;	/* --reply-deadline */
	uint64_t		 deadline_seq;	/* the reply it runs for */
	struct loop_timer	*hint_timer;	/* "no greeting yet" */
	bool			 data_seen;	/* a byte came since connect */
	struct buf		 diag;		/* cause/next lines that follow
						 * the failure line */
	double			 connect_ms;	/* when connecting started */
	double			 last_reply_at;	/* when the last reply came */
	bool			 starttls_sent;	/* --starttls done */
	bool			 upgrading;	/* STARTTLS handshake */

	double			 greet_since;	/* when the greeting became
						 * due (connected), 0 if none */

	bool			 negative;	/* a command got a negative reply */
	bool			 failed;	/* connection/TLS/timeout/protocol */
	bool			 finish;	/* end after this pump */
	char			 finish_why[512];
	bool			 pumping;
	bool			 rearm;		/* lines came: re-arm the reply
						 * timer once the batch is in */
	bool			 saved_full;

	char			*password;
	size_t			 password_len;
	bool			 password_loaded;

	int			 tfd;		/* --transcript, -1 if none */
	struct spool		*saved;		/* every line, for /save; NULL
						 * when no temporary file */
	uint64_t		 saved_len;
	const char		*saved_err;	/* why there is none */
	struct buf		 line;		/* scratch */

	/* Retrieved messages (spool_messages): each RETR's payload goes to
	 * the spool line by line as it arrives; body_off is where the one
	 * under way started, body_seq its command. */
	struct spool		*msgs;
	uint64_t		 body_seq;
	uint64_t		 body_off;
	bool			 body_on;
	bool			 body_warned;

	struct driver_status	 st;
	uint64_t		 session_id;	/* driver_connect count */
	char			 st_host[300];
	char			 st_tls[64];
	char			 st_verify[600];
	char			 st_expects[256];
	char			 st_state[64];
	char			 st_prompt[256];
};

static void	pump(struct driver *);
static void	lesson_proto_check(struct driver *);
static void	finish_now(struct driver *);
static void	verify_facts(struct driver *, const struct tls_summary *,
		    struct diag_facts *, char **);

static const struct conn_ops driver_conn_ops;

static double
timeout_ms(const struct driver *d)
{
	return (d->opts.timeout > 0 ? d->opts.timeout : 30.0) * 1000.0;
}

/* Append a line to the /save spool; past the bound (or a write error,
 * a full disk) say once that the rest is not kept. */
static void
keep_line(struct driver *d, const char *prefix, const char *text, size_t len)
{
	static const char full[] = "* (transcript too long: the rest was "
	    "not kept for /save)\n";
	const char *err = NULL;

	if (d->saved_len + len + 4 + sizeof(full) > DRIVER_SAVED_MAX ||
	    spool_write(d->saved, prefix, strlen(prefix), &err) == -1 ||
	    spool_write(d->saved, text, len, &err) == -1 ||
	    spool_write(d->saved, "\n", 1, &err) == -1) {
		d->saved_full = true;
		(void)spool_write(d->saved, full, sizeof(full) - 1, &err);
	}
	d->saved_len = spool_size(d->saved);
}

/* Report one line to the front-end, the transcript file and the /save
 * buffer. text is already safe (escaped, redacted). */
static void
emit(struct driver *d, enum driver_line_kind kind, unsigned flags,
    uint64_t seq, const char *text, size_t len)
{
	static const char *const prefix[] = { "C: ", "S: ", "* ", "= " };
	struct driver_line l = { kind, flags, text, len, seq, DRIVER_NOT_KEPT };

	if (!(flags & DRIVER_LF_TIMING)) {
		/* Keep room for the note that says the rest is missing. */
		if (d->saved != NULL && !d->saved_full) {
			l.kept_off = d->saved_len;
			keep_line(d, prefix[kind], text, len);
			if (d->saved_full)
				l.kept_off = DRIVER_NOT_KEPT;
		}
		if (d->tfd != -1) {
			char nl = '\n';

			if (write(d->tfd, prefix[kind], strlen(prefix[kind])) == -1 ||
			    write(d->tfd, text, len) == -1 ||
			    write(d->tfd, &nl, 1) == -1) {
				close(d->tfd);
				d->tfd = -1;
			}
		}
	}
	if (d->ops->line != NULL)
		d->ops->line(d->arg, &l);
}

/* A "* " line from a printf format; the format's arguments must be
 * trusted text (peer bytes go through event_escaped). */
static void
event(struct driver *d, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
event(struct driver *d, unsigned flags, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, LIMIT_REPLY_TOTAL);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* Our own text can still hold a peer's bytes (host names, OpenSSL
	 * reasons); escape it all the same. */
	buf_reset(&d->line);
	transcript_escape(b.data != NULL ? b.data : "", b.len, &d->line);
	emit(d, DRIVER_LINE_EVENT, flags, 0, d->line.data ? d->line.data : "",
	    d->line.len);
	buf_clear(&b);
}

/* The diagnosis lines waiting for their failure line, one "* " each. */
static void
diag_flush(struct driver *d)
{
	char *p, *nl;

	if (d->diag.len == 0)
		return;
	p = d->diag.data;
	while ((nl = strchr(p, '\n')) != NULL) {
		*nl = '\0';
		event(d, DRIVER_LF_WARNING, "%s", p);
		p = nl + 1;
	}
	buf_reset(&d->diag);
}

static void
update_status(struct driver *d)
{
	struct driver_status *s = &d->st;
	const char *p = NULL;
	const struct tls_summary *ts;
	double last = s->last_reply_ms;
	bool piped = s->last_reply_pipelined, slow = s->last_reply_slow;

	memset(s, 0, sizeof(*s));
	s->last_reply_ms = last;
	s->last_reply_pipelined = piped;
	s->last_reply_slow = slow;
	s->session_id = d->session_id;
	s->connected = d->phase != DRIVER_IDLE;
	if (d->replay != NULL) {
		snprintf(d->st_host, sizeof(d->st_host), "replay of %s",
		    d->replay);
		s->host = s->connected ? d->st_host : NULL;
		s->proto = d->replay_proto == REPLY_POP3 ? "POP3" : "SMTP";
	} else if (d->have_url) {
		url_hostport(&d->url, d->st_host, sizeof(d->st_host));
		s->host = s->connected ? d->st_host : NULL;
		s->proto = d->url.proto == REPLY_POP3 ? "POP3" : "SMTP";
	}
	ts = d->conn != NULL ? conn_tls_summary(d->conn) : NULL;
	if (ts != NULL && conn_tls_active(d->conn)) {
		snprintf(d->st_tls, sizeof(d->st_tls), "%s", ts->protocol);
		s->tls = d->st_tls;
		if (ts->verified)
			snprintf(d->st_verify, sizeof(d->st_verify),
			    "verified");
		else if (ts->trusted)
			snprintf(d->st_verify, sizeof(d->st_verify),
			    "TRUSTED BY SHA-256, NOT VERIFIED: %s",
			    ts->verify_result);
		else
			snprintf(d->st_verify, sizeof(d->st_verify),
			    "INSECURE: %s", ts->verify_result);
		s->verify = d->st_verify;
	}
	if (d->sess != NULL) {
		struct session_facts f;

		session_facts(d->sess, &f);
		snprintf(d->st_state, sizeof(d->st_state), "%s",
		    session_state_name(d->sess));
		s->state = d->st_state;
		snprintf(d->st_expects, sizeof(d->st_expects), "%s",
		    hint_expects(&f));
		s->expects = d->st_expects;
		s->message_mode = session_message_mode(d->sess);
		s->secret_wanted = session_wants_secret(d->sess, &p);
		if (!s->secret_wanted)
			(void)session_prompting(d->sess, &p);
		if (p != NULL) {
			snprintf(d->st_prompt, sizeof(d->st_prompt), "%s", p);
			s->secret_prompt = d->st_prompt;
		}
		/* Marks of a session that is over are not pending. */
		s->pending_deletions = d->phase != DRIVER_IDLE ?
		    session_pending_deletions(d->sess) : 0;
		session_progress(d->sess, &s->progress_done,
		    &s->progress_total);
		s->busy = s->progress_total > 0;
	} else
		s->progress_done = s->progress_total = 0;
	if (d->ops->status != NULL)
		d->ops->status(d->arg, s);
}

/* What is awaited first: the greeting (seq 0) until it came, else the
 * engine's FIFO head (STYLE.md §2: one FIFO, timing and timeouts read
 * it). False when nothing is awaited. */
static bool
awaited(const struct driver *d, uint64_t *seq_r, char *what, size_t whatsz,
    double *since_r)
{
	struct session_facts f;

	if (d->sess == NULL)
		return false;
	session_facts(d->sess, &f);
	if (!f.greeted && !f.over) {
		*seq_r = 0;
		snprintf(what, whatsz, "the greeting");
		*since_r = d->greet_since;
		return true;
	}
	/* A SASL challenge waits for our answer (RFC 4954 4): the server is
	 * not the one to wait for. */
	if (f.sasl_open)
		return false;
	if (!session_awaited(d->sess, seq_r, what, whatsz, since_r))
		return false;
	if (*since_r == 0)
		*since_r = loop_now_ms();
	return true;
}

static void
arm_timer(struct driver *d)
{
	uint64_t	seq;
	char		what[8];
	double		since;

	if (d->phase == DRIVER_OPEN && awaited(d, &seq, what, sizeof(what),
	    &since)) {
		loop_timer_reset(d->timer, timeout_ms(d));
		/* The deadline runs from when this reply became the one
		 * awaited; lines arriving do not extend it, so a server
		 * dripping a line at a time cannot hold us for ever. */
		if (d->opts.reply_deadline > 0 &&
		    (!loop_timer_armed(d->deadline) ||
		    d->deadline_seq != seq)) {
			d->deadline_seq = seq;
			loop_timer_reset(d->deadline,
			    d->opts.reply_deadline * 1000.0);
		}
	} else if (d->phase == DRIVER_OPEN) {
		loop_timer_stop(d->timer);
		loop_timer_stop(d->deadline);
	}
}

static void
end_session(struct driver *d, bool failure, const char *why)
{
	if (failure)
		d->failed = true;
	if (!d->finish) {
		d->finish = true;
		snprintf(d->finish_why, sizeof(d->finish_why), "%s", why);
	}
}

/* Fail the session with a reason; the engine reports it as a PEV_FAIL
 * line. Used from callbacks outside pump. */
static void
fail_session(struct driver *d, enum proto_fail f, const char *why)
{
	d->failed = true;
	if (d->sess != NULL && !session_over(d->sess)) {
		session_fail(d->sess, f, why);
		/* Inside pump, the PEV_FAIL is drained by the outer loop,
		 * which then finishes. */
		if (d->pumping) {
			end_session(d, true, why);
			return;
		}
		pump(d);
	}
	if (!d->finish) {
		event(d, DRIVER_LF_WARNING, "%s", why);
		diag_flush(d);
		end_session(d, true, why);
	}
	buf_reset(&d->diag);
	if (!d->pumping)
		finish_now(d);
}

/* The facts every diagnosis shares: where we connect and how. */
static void
diag_facts_init(struct driver *d, struct diag_facts *f, enum diag_kind k)
{
	uint64_t port = 0;

	memset(f, 0, sizeof(*f));
	f->kind = k;
	f->smtp = d->url.proto == REPLY_SMTP;
	f->host = d->url.host;
	(void)parse_uint(d->url.port, strlen(d->url.port), 65535, &port);
	f->port = (unsigned)port;
	f->implicit_tls = d->url.implicit_tls;
	f->upgrade = d->upgrading;
	f->cafile = d->opts.cafile;
	f->timeout_s = d->opts.timeout > 0 ? d->opts.timeout : 30.0;
	f->now = (long long)time(NULL);
}

/* Fail the session with a diagnosis: its first line is the failure line,
 * the cause and the next step follow it as "* " lines. */
static void
fail_diagnosed_also(struct driver *d, enum proto_fail pf,
    const struct diag_facts *f, const char *also)
{
	struct diagnosis dg;

	diagnosis_init(&dg);
	if (diagnose(f, &dg) == -1)
		buf_append_str(&dg.what, "session failed");
	buf_reset(&d->diag);
	if (dg.cause.len > 0)
		buf_printf(&d->diag, "cause: %s\n", dg.cause.data);
	if (dg.next.len > 0)
		buf_printf(&d->diag, "next: %s\n", dg.next.data);
	if (also != NULL)
		buf_printf(&d->diag, "%s\n", also);
	fail_session(d, pf, dg.what.data != NULL ? dg.what.data : "");
	diagnosis_clear(&dg);
}

static void
fail_diagnosed(struct driver *d, enum proto_fail pf,
    const struct diag_facts *f)
{
	fail_diagnosed_also(d, pf, f, NULL);
}

static unsigned
line_flags(const struct proto_event *ev)
{
	unsigned f = 0;

	if (ev->flags & PEV_F_POSITIVE)
		f |= DRIVER_LF_POSITIVE;
	if (ev->flags & PEV_F_TRANSIENT)
		f |= DRIVER_LF_TRANSIENT;
	if (ev->flags & PEV_F_NEGATIVE)
		f |= DRIVER_LF_NEGATIVE;
	if (ev->flags & PEV_F_SECRET)
		f |= DRIVER_LF_SECRET;
	if (ev->flags & PEV_F_WARNING)
		f |= DRIVER_LF_WARNING;
	if (ev->flags & PEV_F_BODY)
		f |= DRIVER_LF_BODY;
	if (ev->kind == PEV_FAIL)
		f |= DRIVER_LF_WARNING;
	return f;
}

static void
emit_event_line(struct driver *d, const struct proto_event *ev)
{
	enum driver_line_kind kind;

	switch (ev->kind) {
	case PEV_SENT:
		kind = DRIVER_LINE_SENT;
		break;
	case PEV_RECEIVED:
		kind = DRIVER_LINE_RECEIVED;
		break;
	case PEV_MEANING:
		kind = DRIVER_LINE_MEANING;
		break;
	default:
		kind = DRIVER_LINE_EVENT;
		break;
	}
	buf_reset(&d->line);
	if (transcript_text(ev, false, &d->line) != 1 && d->line.len == 0)
		return;
	emit(d, kind, line_flags(ev), ev->seq,
	    d->line.data != NULL ? d->line.data : "", d->line.len);
}

static bool
load_password(struct driver *d)
{
	const char *env;
	char tmp[DRIVER_PASSWORD_MAX + 2];
	size_t n = 0;
	ssize_t r;
	int fd;

	if (d->password_loaded)
		return d->password != NULL;
	d->password_loaded = true;
	if (d->opts.password_file != NULL) {
		if ((fd = open(d->opts.password_file, O_RDONLY | O_CLOEXEC)) ==
		    -1)
			return false;
		while (n < sizeof(tmp) - 1 &&
		    (r = read(fd, tmp + n, sizeof(tmp) - 1 - n)) > 0)
			n += (size_t)r;
		close(fd);
		/* The first line is the password. */
		for (size_t i = 0; i < n; i++)
			if (tmp[i] == '\n' || tmp[i] == '\r') {
				n = i;
				break;
			}
		if (n > DRIVER_PASSWORD_MAX)
			n = DRIVER_PASSWORD_MAX;
		d->password = xstrndup(tmp, n);
		d->password_len = n;
		explicit_bzero(tmp, sizeof(tmp));
		return true;
	}
	env = getenv("MAILBENCH_PASSWORD");
	if (env != NULL) {
		n = strnlen(env, DRIVER_PASSWORD_MAX);
		d->password = xstrndup(env, n);
		d->password_len = n;
		return true;
	}
	return false;
}

static void
start_tls(struct driver *d, bool upgrade)
{
	const char *err = NULL;

	if (d->ctx == NULL &&
	    (d->ctx = tls_client_ctx(d->opts.cafile, &err)) == NULL) {
		char why[512];

		snprintf(why, sizeof(why), "TLS set-up failed: %s", err);
		fail_session(d, FAIL_TLS, why);
		return;
	}
	d->upgrading = upgrade;
	d->phase = DRIVER_TLS;
	loop_timer_stop(d->timer);
	for (size_t i = 0; i < d->ntrust; i++)
		conn_tls_trust(d->conn, d->trust[i]);
	if (conn_tls_client(d->conn, d->ctx, d->url.host, d->opts.insecure,
	    timeout_ms(d)) == -1) {
		fail_session(d, FAIL_TLS, "TLS set-up failed: cannot start "
		    "the handshake");
		return;
	}
}

/* One line of a RETR under way goes to the message spool, unstuffed and
 * ending in CRLF: the stored message is the message's own bytes, read back
 * by range (driver_message_read), never held in memory. */
static void
spool_body_line(struct driver *d, const struct proto_event *ev)
{
	const char *err = NULL, *p;
	size_t n;

	if (ev->verb == NULL || strcmp(ev->verb, "RETR") != 0)
		return;
	if (ev->flags & PEV_F_TERMINATOR)
		return;
	if (d->body_seq == ev->seq && !d->body_on)
		return;		/* storing this one failed already */
	if (!d->body_on || d->body_seq != ev->seq) {
		d->body_seq = ev->seq;
		if (d->msgs == NULL &&
		    (d->msgs = spool_new(0, &err)) == NULL) {
			if (!d->body_warned)
				event(d, DRIVER_LF_WARNING, "messages cannot be "
				    "stored for viewing (temporary file: %s)",
				    err);
			d->body_warned = true;
			return;
		}
		d->body_on = true;
		d->body_seq = ev->seq;
		d->body_off = spool_size(d->msgs);
	}
	/* RFC 1939 3: a line starting with "." had one added. */
	p = ev->text + ((ev->flags & PEV_F_STUFFED) ? 1 : 0);
	n = ev->len - ((ev->flags & PEV_F_STUFFED) ? 1 : 0);
	if (spool_write(d->msgs, p, n, &err) == -1 ||
	    spool_write(d->msgs, "\r\n", 2, &err) == -1) {
		event(d, DRIVER_LF_WARNING, "message not stored for viewing: "
		    "%s", err);
		d->body_on = false;
	}
}

/* The RETR's body ended: tell the mailbox where its message is (or that
 * it is stored nowhere, when the spool failed), and free the space of the
 * copy it replaces (one copy of a message at most). */
static void
spool_body_end(struct driver *d, const struct proto_event *ev)
{
	uint64_t old, old_len = 0, ref = 0;
	const char *err = NULL;

	if (ev->verb == NULL || strcmp(ev->verb, "RETR") != 0)
		return;
	if (d->body_on && d->body_seq == ev->seq &&
	    spool_size(d->msgs) - d->body_off == ev->total)
		ref = d->body_off + 1;	/* 0 means "not stored" */
	else if (!d->body_on && ev->total == 0 && (d->msgs != NULL ||
	    (d->msgs = spool_new(0, &err)) != NULL))
		ref = spool_size(d->msgs) + 1;	/* an empty message */
	d->body_on = false;
	old = mailbox_stored(d->mb, ev, ref, &old_len);
	if (old != 0 && d->msgs != NULL)
		spool_release(d->msgs, old - 1, old_len);
}

static void
handle_event(struct driver *d, const struct proto_event *ev)
{
	double sent;

	switch (ev->kind) {
	case PEV_SENT:
		emit_event_line(d, ev);
		break;
	case PEV_RECEIVED:
		emit_event_line(d, ev);
		if ((ev->flags & PEV_F_BODY) && d->opts.spool_messages)
			spool_body_line(d, ev);
		/* A long body is progress: keep the reply timeout from
		 * firing in the middle of a big RETR. Once for all the
		 * lines of a read (pump), not for each: the clock and the
		 * engine's facts cost more than the line. */
		d->rearm = true;
		break;
	case PEV_REPLY:
		/* The engine's FIFO kept when its command went out. */
		sent = ev->sent_ms > 0 ? ev->sent_ms : -1;
		if (!(ev->flags & PEV_F_CONTINUE))
			arm_timer(d);
		/* A replay has no clock of its own to show. */
		if (sent >= 0 && d->phase != DRIVER_REPLAY) {
			double now = loop_now_ms(), ms = now - sent, own = ms;
			char t[128];
			int n;
			bool piped = d->last_reply_at > sent;

			/* Pipelined (/load): the server could start on this
			 * command only once it had answered the one before,
			 * so its own time runs from that reply; the time
			 * since sending grows with the queue ahead of it. */
			if (piped)
				own = now - d->last_reply_at;
			d->last_reply_at = now;
			d->st.last_reply_ms = own;
			d->st.last_reply_pipelined = piped;
			d->st.last_reply_slow = own >= DRIVER_SLOW_MS;
			if (piped)
				n = snprintf(t, sizeof(t), "%.1f ms after the "
				    "previous reply (%.1f ms since sent)%s", own,
				    ms, own >= DRIVER_SLOW_MS ? ": slow server" :
				    "");
			else
				n = snprintf(t, sizeof(t), "%.1f ms%s", ms,
				    ms >= DRIVER_SLOW_MS ? ": slow server" : "");
			/* A slow reply shows even with timing lines off. */
			emit(d, DRIVER_LINE_EVENT, DRIVER_LF_TIMING |
			    (own >= DRIVER_SLOW_MS ? DRIVER_LF_WARNING : 0),
			    ev->seq, t, (size_t)n);
		}
		if ((ev->flags & (PEV_F_NEGATIVE | PEV_F_TRANSIENT)) &&
		    !(ev->flags & PEV_F_CONTINUE))
			d->negative = true;
		/* A front-end without a mailbox view (batch) keeps no table:
		 * a long session's memory stays flat. */
		if (d->ops->mailbox != NULL && mailbox_apply(d->mb, ev) == 1)
			d->ops->mailbox(d->arg);
		if (d->lesson != NULL && ev->reply != NULL)
			lesson_run_reply(d->lesson, ev->verb != NULL ? ev->verb :
			    "", ev->arg, ev->arg_len, ev->reply);
		/* --starttls: upgrade right after a positive greeting. */
		if (ev->seq == 0 && d->opts.starttls && !d->starttls_sent &&
		    !d->url.implicit_tls) {
			const char *err = NULL;

			d->starttls_sent = true;
			if (!(ev->flags & PEV_F_POSITIVE))
				break;
			if (session_submit(d->sess, "/starttls", 9, &err) == -1)
				event(d, DRIVER_LF_WARNING, "--starttls: %s",
				    err != NULL ? err : "refused");
			/* starttls_refused() ends the session if nothing
			 * went out. */
		}
		break;
	case PEV_BODY:
		if (d->opts.spool_messages)
			spool_body_end(d, ev);
		if (d->ops->mailbox != NULL && mailbox_apply(d->mb, ev) == 1)
			d->ops->mailbox(d->arg);
		break;
	case PEV_TLS_UPGRADE:
		emit_event_line(d, ev);
		if (d->conn != NULL)
			start_tls(d, true);
		else if (d->phase == DRIVER_REPLAY)
			/* The saved handshake lines follow as they were. */
			session_tls_done(d->sess);
		break;
	case PEV_NEED_SECRET:
		emit_event_line(d, ev);
		if (load_password(d)) {
			event(d, 0, "answered from %s",
			    d->opts.password_file != NULL ?
			    "--password-file" : "MAILBENCH_PASSWORD");
			session_secret(d->sess, d->password, d->password_len);
		}
		break;
	case PEV_FAIL:
		emit_event_line(d, ev);
		diag_flush(d);
		buf_reset(&d->line);
		transcript_escape(ev->text, ev->len, &d->line);
		end_session(d, true, d->line.data != NULL ? d->line.data :
		    "session failed");
		break;
	case PEV_CLOSED:
		emit_event_line(d, ev);
		/* The engine says why ("the server answered QUIT"); the
		 * front-end prefixes "session closed". */
		buf_reset(&d->line);
		transcript_escape(ev->text, ev->len, &d->line);
		end_session(d, false, d->line.len > 0 ? d->line.data :
		    "the session is over");
		break;
	case PEV_INFO:
		/* A workbench action that failed (/auth not sent, /send
		 * with no recipient accepted) counts as a negative reply
		 * for batch's exit code. */
		if (ev->flags & PEV_F_NEGATIVE)
			d->negative = true;
		emit_event_line(d, ev);
		break;
	default:
		emit_event_line(d, ev);
		break;
	}
}

/* --starttls asked for TLS before anything else: once the greeting was
 * answered and nothing is waiting any more, TLS must be on. A refused
 * STLS/STARTTLS (or one never offered) ends the session instead of going
 * on in plaintext (RFC 3207 4.1, RFC 2595 2.2: the client decides). */
static bool
starttls_refused(struct driver *d)
{
	if (!d->opts.starttls || d->url.implicit_tls || !d->starttls_sent ||
	    d->phase != DRIVER_OPEN || d->upgrading || d->conn == NULL)
		return false;
	if (conn_tls_active(d->conn))
		return false;
	return !session_waiting(d->sess);
}

/* Drain events and output until the engine is quiet. */
static void
pump(struct driver *d)
{
	struct proto_event ev;
	struct buf *out;
	bool again = true;

	if (d->pumping || d->sess == NULL)
		return;
	d->pumping = true;
	while (again) {
		again = false;
		while (d->sess != NULL && session_event(d->sess, &ev) == 1) {
			handle_event(d, &ev);
			again = true;
		}
		if (d->sess == NULL)
			break;
		if (d->rearm) {
			d->rearm = false;
			arm_timer(d);
		}
		out = session_output(d->sess);
		/* While connecting or during a handshake the bytes wait in
		 * the session: nothing typed early may leave in plaintext
		 * ahead of an implicit or STARTTLS handshake. */
		if (out->len > 0 && (d->phase == DRIVER_OPEN ||
		    d->phase == DRIVER_REPLAY ||
		    d->phase == DRIVER_IDLE || d->finish)) {
			if (d->phase == DRIVER_OPEN && d->conn != NULL &&
			    !d->finish &&
			    conn_write(d->conn, out->data, out->len) == -1) {
				d->pumping = false;
				fail_session(d, FAIL_INTERNAL,
				    "more output queued than the limit");
				return;
			}
			explicit_bzero(out->data, out->len);
			buf_consume(out, out->len);
			/* What went out is awaited from now: the engine's
			 * FIFO keeps the time, and the reply timers run. */
			session_stamp(d->sess, loop_now_ms());
			arm_timer(d);
			again = true;
		}
	}
	d->pumping = false;
	/* The engine may end a session by itself (a greeting that refuses
	 * service): nothing more can be said on this connection. */
	if (!d->finish && d->sess != NULL && session_over(d->sess) &&
	    d->phase != DRIVER_IDLE)
		end_session(d, false, "the session is over");
	if (!d->finish && starttls_refused(d))
		fail_session(d, FAIL_TLS, "--starttls: the server did not start "
		    "TLS; nothing is sent in plaintext");
	if (d->finish)
		finish_now(d);
	else
		update_status(d);
}

/* The session ends with DELE marks and no answer to QUIT: RFC 1939 6
 * removes messages only in the UPDATE state, which only a QUIT answered
 * in TRANSACTION enters. Say so, and clear the marks, so that no view
 * shows a deletion that will not happen. */
static void
keep_marks(struct driver *d)
{
	size_t n;

	if (d->sess == NULL || session_pending_deletions(d->sess) == 0 ||
	    mailbox_deleted(d->mb) == 0)
		return;
	n = mailbox_keep(d->mb);
	event(d, DRIVER_LF_WARNING, "the server keeps the %zu message%s "
	    "marked for deletion: no QUIT was answered, and only QUIT makes "
	    "DELE final (RFC 1939 6); the marks are cleared", n,
	    n == 1 ? "" : "s");
	if (d->ops->mailbox != NULL)
		d->ops->mailbox(d->arg);
}

/* Tear down the connection and tell the front-end. */
static void
finish_now(struct driver *d)
{
	int code;

	if (!d->finish || d->phase == DRIVER_IDLE)
		return;
	keep_marks(d);
	conn_free(d->conn);
	d->conn = NULL;
	d->phase = DRIVER_IDLE;
	loop_timer_stop(d->timer);
	loop_timer_stop(d->deadline);
	loop_timer_stop(d->hint_timer);
	code = d->failed ? 3 : d->negative ? 1 : 0;
	update_status(d);
	if (d->ops->closed != NULL)
		d->ops->closed(d->arg, code, d->finish_why);
}

/* The greeting is awaited from now (connected, or TLS up for an
 * implicit-TLS URL). */
static void
greeting_wait(struct driver *d)
{
	double t = timeout_ms(d);

	d->greet_since = loop_now_ms();
	/* A greeting comes at once (RFC 1939 4, RFC 5321 3.1); a few
	 * seconds of silence already says something. */
	loop_timer_reset(d->hint_timer, t / 2 < 3000 ? t / 2 : 3000);
	arm_timer(d);
}

static void
on_connected(void *arg, const char *peer, double ms)
{
	struct driver *d = arg;

	event(d, 0, "connected to %s (%s) in %.1f ms", peer,
	    d->url.implicit_tls ? "implicit TLS" : "plain", ms);
	if (d->url.implicit_tls) {
		start_tls(d, false);
		return;
	}
	d->phase = DRIVER_OPEN;
	greeting_wait(d);
	pump(d);
	update_status(d);
}

static void
on_data(void *arg, struct buf *in)
{
	struct driver *d = arg;

	if (d->sess == NULL || d->finish) {
		buf_consume(in, in->len);
		return;
	}
	/* A TLS record where a text greeting was due: the port expects
	 * TLS first. Said now; the engine would only see a bad line. */
	if (!d->data_seen && in->len > 0 && !conn_tls_active(d->conn)) {
		uint64_t seq;
		char what[8];
		double since;

		d->data_seen = true;
		if (awaited(d, &seq, what, sizeof(what), &since) && seq == 0 &&
		    diag_is_tls_record(in->data, in->len)) {
			struct diag_facts f;
			char first[8];

			diag_facts_init(d, &f, DIAG_TLS_ON_PLAIN);
			f.first_len = in->len < sizeof(first) ? in->len :
			    sizeof(first);
			memcpy(first, in->data, f.first_len);
			f.first = first;
			buf_consume(in, in->len);
			fail_diagnosed(d, FAIL_PROTOCOL, &f);
			return;
		}
	}
	d->data_seen = true;
	session_input(d->sess, in->data, in->len);
	buf_consume(in, in->len);
	pump(d);
}

/* Certificate details, each field escaped: they are the peer's bytes. */
static void
cert_line(struct driver *d, const char *label, const char *value)
{
	buf_reset(&d->line);
	buf_append_str(&d->line, label);
	transcript_escape(value, strlen(value), &d->line);
	emit(d, DRIVER_LINE_EVENT, DRIVER_LF_TLS, 0, d->line.data,
	    d->line.len);
}

static void
report_tls(struct driver *d, const struct tls_summary *s, double ms,
    bool done)
{
	size_t i;
	char label[64];

	if (s != &d->last_tls) {
		tls_summary_copy(&d->last_tls, s);
		d->have_last_tls = true;
	}
	if (done)
		event(d, DRIVER_LF_TLS, "TLS handshake done in %.1f ms: %s, %s",
		    ms, s->protocol, s->cipher);
	else
		event(d, DRIVER_LF_TLS, "TLS handshake: %s, %s", s->protocol,
		    s->cipher);
	for (i = 0; i < s->ncerts; i++) {
		const struct tls_cert_info *c = &s->certs[i];

		snprintf(label, sizeof(label), "certificate %zu%s: subject ",
		    i, i == 0 ? " (server)" : "");
		cert_line(d, label, c->subject);
		cert_line(d, "  issuer ", c->issuer);
		buf_reset(&d->line);
		buf_printf(&d->line, "  valid from %s to %s", c->not_before,
		    c->not_after);
		emit(d, DRIVER_LINE_EVENT, DRIVER_LF_TLS, 0, d->line.data,
		    d->line.len);
		if (c->sans[0] != '\0')
			cert_line(d, "  names ", c->sans);
		cert_line(d, "  SHA-256 ", c->sha256);
	}
	if (!done)
		return;		/* the failure line follows */
	if (s->verified)
		event(d, DRIVER_LF_TLS, "certificate verified for %s",
		    s->hostname != NULL ? s->hostname : "?");
	else if (s->trusted)
		event(d, DRIVER_LF_TLS | DRIVER_LF_WARNING,
		    "NOT VERIFIED (%s), TRUSTED BY YOUR CHOICE: certificate "
		    "SHA-256 %s was trusted with /cert trust for this run of "
		    "mailbench; whoever holds its key can read this connection",
		    s->verify_result, s->ncerts > 0 ? s->certs[0].sha256 : "?");
	else if (s->insecure) {
		struct diag_facts f;
		struct diagnosis dg;
		char *names = NULL;

		event(d, DRIVER_LF_TLS | DRIVER_LF_WARNING,
		    "INSECURE: certificate NOT verified (%s); continuing only "
		    "because of --insecure: this connection may be "
		    "intercepted", s->verify_result);
		verify_facts(d, s, &f, &names);
		diagnosis_init(&dg);
		if (diagnose(&f, &dg) == 0 && dg.cause.len > 0)
			event(d, DRIVER_LF_TLS | DRIVER_LF_WARNING,
			    "cause: %s", dg.cause.data);
		diagnosis_clear(&dg);
		free(names);
	}
	else
		event(d, DRIVER_LF_TLS | DRIVER_LF_WARNING,
		    "certificate verification failed: %s", s->verify_result);
}

static void
on_tls_done(void *arg, const struct tls_summary *s, double ms)
{
	struct driver *d = arg;

	report_tls(d, s, ms, true);
	d->phase = DRIVER_OPEN;
	if (d->upgrading) {
		d->upgrading = false;
		session_tls_done(d->sess);
		pump(d);
	} else {
		greeting_wait(d);
		pump(d);
	}
	update_status(d);
}

static enum diag_handshake
handshake_kind(enum conn_tls_fail t)
{
	switch (t) {
	case CONN_TLS_NOT_TLS:
		return DIAG_HS_NOT_TLS;
	case CONN_TLS_CLOSED:
		return DIAG_HS_CLOSED;
	case CONN_TLS_ALERT:
		return DIAG_HS_ALERT;
	case CONN_TLS_NO_COMMON:
		return DIAG_HS_NO_COMMON;
	default:
		return DIAG_HS_OTHER;
	}
}

/* The facts of a certificate that did not verify. *names_r (the CA
 * file's subjects) is the caller's to free. */
static void
verify_facts(struct driver *d, const struct tls_summary *s,
    struct diag_facts *f, char **names_r)
{
	static const enum diag_verify map[] = {
		[TLS_VERIFY_OK] = DIAG_VERIFY_OTHER,
		[TLS_VERIFY_OTHER] = DIAG_VERIFY_OTHER,
		[TLS_VERIFY_EXPIRED] = DIAG_VERIFY_EXPIRED,
		[TLS_VERIFY_NOT_YET_VALID] = DIAG_VERIFY_NOT_YET_VALID,
		[TLS_VERIFY_NAME_MISMATCH] = DIAG_VERIFY_NAME_MISMATCH,
		[TLS_VERIFY_SELF_SIGNED] = DIAG_VERIFY_SELF_SIGNED,
		[TLS_VERIFY_UNKNOWN_ISSUER] = DIAG_VERIFY_UNKNOWN_ISSUER,
		[TLS_VERIFY_REVOKED] = DIAG_VERIFY_REVOKED,
		[TLS_VERIFY_BAD_CA] = DIAG_VERIFY_BAD_CA,
		[TLS_VERIFY_BAD_SIGNATURE] = DIAG_VERIFY_BAD_SIGNATURE,
		[TLS_VERIFY_WEAK] = DIAG_VERIFY_WEAK,
		[TLS_VERIFY_NO_CERT] = DIAG_VERIFY_NO_CERT,
	};
	const struct tls_cert_info *c = s->failed.subject != NULL ?
	    &s->failed : s->ncerts > 0 ? &s->certs[0] : NULL;

	diag_facts_init(d, f, DIAG_TLS_VERIFY);
	f->raw = s->verify_result;
	f->verify = (size_t)s->verify_class < sizeof(map) / sizeof(map[0]) ?
	    map[s->verify_class] : DIAG_VERIFY_OTHER;
	f->depth = s->verify_depth;
	if (c != NULL) {
		f->subject = c->subject;
		f->issuer = c->issuer;
		f->not_before = c->not_before_t;
		f->not_after = c->not_after_t;
	}
	if (s->ncerts > 0) {
		f->names = s->certs[0].sans;
		f->cn = s->certs[0].cn;
		f->sha256 = s->certs[0].sha256;
	}
	*names_r = NULL;
	if (d->opts.cafile != NULL && d->ctx != NULL)
		f->cafile_names = *names_r = tls_ctx_ca_names(d->ctx);
}

static void
on_closed(void *arg, enum conn_fail cfail, const char *reason)
{
	struct driver *d = arg;
	const struct tls_summary *s;
	const struct conn_failure *cf;
	struct diag_facts f;
	char why[700], *names = NULL;

	if (d->phase == DRIVER_IDLE)
		return;
	switch (cfail) {
	case CONN_FAIL_NONE:
		if (d->sess != NULL && !session_over(d->sess)) {
			session_eof(d->sess);
			pump(d);
		}
		if (!d->finish) {
			event(d, 0, "connection closed by the server");
			end_session(d, false, "connection closed by the server");
		}
		finish_now(d);
		return;
	case CONN_FAIL_TLS:
		s = d->conn != NULL ? conn_tls_summary(d->conn) : NULL;
		cf = d->conn != NULL ? conn_failure(d->conn) : NULL;
		if (s != NULL && !s->verified)
			report_tls(d, s, 0, false);
		/* A bad record later in the session is no handshake
		 * failure: OpenSSL's words are all there is. */
		if (cf == NULL || (cf->phase != CONN_PHASE_HANDSHAKE &&
		    cf->tls != CONN_TLS_VERIFY)) {
			fail_session(d, FAIL_TLS, reason);
			return;
		}
		if (cf->tls == CONN_TLS_VERIFY && s != NULL) {
			char also[512];

			verify_facts(d, s, &f, &names);
			/* From inside the workbench, too (issue 9 item 4). */
			snprintf(also, sizeof(also), "or, from here: /cert save "
			    "FILE writes the chain as PEM for /connect --cafile "
			    "FILE URL, once you have checked SHA-256 %s; /cert "
			    "trust trusts this certificate for the rest of this "
			    "run", s->ncerts > 0 ? s->certs[0].sha256 : "?");
			fail_diagnosed_also(d, FAIL_TLS, &f, also);
			free(names);
			return;
		}
		diag_facts_init(d, &f, DIAG_TLS_HANDSHAKE);
		f.raw = cf->detail;
		f.first = cf->first;
		f.first_len = cf->first_len;
		f.handshake = handshake_kind(cf->tls);
		f.alert = cf->alert;
		fail_diagnosed(d, FAIL_TLS, &f);
		return;
	case CONN_FAIL_TIMEOUT:
		cf = d->conn != NULL ? conn_failure(d->conn) : NULL;
		diag_facts_init(d, &f, cf == NULL ? DIAG_CONNECT_TIMEOUT :
		    cf->phase == CONN_PHASE_RESOLVE ? DIAG_RESOLVE_TIMEOUT :
		    cf->phase == CONN_PHASE_HANDSHAKE ? DIAG_TLS_TIMEOUT :
		    DIAG_CONNECT_TIMEOUT);
		f.raw = reason;
		fail_diagnosed(d, FAIL_TIMEOUT, &f);
		return;
	case CONN_FAIL_RESOLVE:
		cf = d->conn != NULL ? conn_failure(d->conn) : NULL;
		diag_facts_init(d, &f, DIAG_RESOLVE);
		f.raw = cf != NULL ? cf->detail : reason;
		f.resolve = cf == NULL ? DIAG_RESOLVE_FAIL :
		    cf->resolve == CONN_RESOLVE_NONAME ? DIAG_RESOLVE_NONAME :
		    cf->resolve == CONN_RESOLVE_AGAIN ? DIAG_RESOLVE_AGAIN :
		    cf->resolve == CONN_RESOLVE_NOADDR ? DIAG_RESOLVE_NOADDR :
		    DIAG_RESOLVE_FAIL;
		fail_diagnosed(d, FAIL_CONNECT, &f);
		return;
	case CONN_FAIL_CONNECT:
		cf = d->conn != NULL ? conn_failure(d->conn) : NULL;
		diag_facts_init(d, &f, DIAG_CONNECT);
		f.raw = cf != NULL ? cf->detail : reason;
		f.sys_errno = cf != NULL ? cf->sys_errno : 0;
		fail_diagnosed(d, FAIL_CONNECT, &f);
		return;
	case CONN_FAIL_IO:
	case CONN_FAIL_LIMIT:
		snprintf(why, sizeof(why), "connection lost: %s", reason);
		fail_session(d, cfail == CONN_FAIL_LIMIT ? FAIL_PROTOCOL :
		    FAIL_CONNECT, why);
		return;
	}
}

static void
on_timeout(void *arg)
{
	struct driver *d = arg;
	struct diag_facts f;
	uint64_t seq;
	char what[256];
	double since;

	if (d->phase != DRIVER_OPEN || !awaited(d, &seq, what, sizeof(what),
	    &since))
		return;
	diag_facts_init(d, &f, seq == 0 ? DIAG_NO_GREETING : DIAG_NO_REPLY);
	f.command = what;
	f.waited_s = (loop_now_ms() - since) / 1000.0;
	loop_timer_stop(d->hint_timer);
	fail_diagnosed(d, FAIL_TIMEOUT, &f);
}

/* Still no greeting a few seconds after connecting: say what that may
 * mean now rather than only at the timeout (a plain connection to an
 * implicit-TLS port waits for ever: both sides wait for the other). */
static void
on_hint(void *arg)
{
	struct driver *d = arg;
	struct diag_facts f;
	struct diagnosis dg;
	uint64_t seq;
	char what[16];
	double since;

	if (d->phase != DRIVER_OPEN || d->finish || d->data_seen ||
	    !awaited(d, &seq, what, sizeof(what), &since) || seq != 0)
		return;
	diag_facts_init(d, &f, DIAG_GREETING_SLOW);
	f.waited_s = (loop_now_ms() - since) / 1000.0;
	f.waited_s = (double)(long)(f.waited_s * 10 + 0.5) / 10;
	diagnosis_init(&dg);
	if (diagnose(&f, &dg) == 0 && dg.what.len > 0)
		event(d, DRIVER_LF_WARNING, "%s", dg.what.data);
	diagnosis_clear(&dg);
}

/* --reply-deadline: a reply still arriving (or not begun) that long
 * after it became the one awaited ends the session, exit 3. */
static void
on_deadline(void *arg)
{
	struct driver *d = arg;
	char why[512], what[256];
	uint64_t seq;
	double since;

	if (d->phase != DRIVER_OPEN || !awaited(d, &seq, what, sizeof(what),
	    &since))
		return;
	snprintf(why, sizeof(why), "deadline: %s%s was not complete after "
	    "%g s (--reply-deadline %g bounds a whole reply, --timeout %g "
	    "each silence)", seq == 0 ? "" : "the reply to ", what,
	    d->opts.reply_deadline, d->opts.reply_deadline,
	    d->opts.timeout > 0 ? d->opts.timeout : 30.0);
	fail_session(d, FAIL_TIMEOUT, why);
}

/* Room for a few whole replies not yet consumed (the engine takes every
 * complete line at once), and the output queue of any conn. */
static const struct conn_caps driver_conn_caps = {
	.input_max = LIMIT_REPLY_TOTAL * 4,
	.output_max = LIMIT_OUTPUT,
};

static const struct conn_ops driver_conn_ops = {
	.connected = on_connected,
	.data = on_data,
	.tls_done = on_tls_done,
	.closed = on_closed,
};

struct driver *
driver_new(struct loop *loop, const struct driver_options *opts,
    const struct driver_ops *ops, void *arg)
{
	struct driver *d = xcalloc(1, sizeof(*d));

	d->loop = loop;
	d->opts = *opts;
	d->opts.cafile = opts->cafile ? xstrdup(opts->cafile) : NULL;
	d->opts.transcript = opts->transcript ? xstrdup(opts->transcript) :
	    NULL;
	d->opts.password_file = opts->password_file ?
	    xstrdup(opts->password_file) : NULL;
	d->base = d->opts;
	d->ops = ops;
	d->arg = arg;
	d->tfd = -1;
	d->mb = mailbox_new();
	d->timer = loop_timer_add(loop, 0, false, on_timeout, d);
	loop_timer_stop(d->timer);
	d->deadline = loop_timer_add(loop, 0, false, on_deadline, d);
	loop_timer_stop(d->deadline);
	d->hint_timer = loop_timer_add(loop, 0, false, on_hint, d);
	loop_timer_stop(d->hint_timer);
	buf_init(&d->diag, 8192);
	/* The transcript for /save goes to disk: a 256 MiB RETR must not
	 * stay in memory as escaped lines. */
	d->saved = spool_new(0, &d->saved_err);
	buf_init(&d->line, LIMIT_BODY_LINE * 8);
	d->st.last_reply_ms = -1;
	return d;
}

void
driver_free(struct driver *d)
{
	if (d == NULL)
		return;
	conn_free(d->conn);
	session_free(d->sess);
	mailbox_free(d->mb);
	free(d->replay);
	if (d->ctx != NULL)
		SSL_CTX_free(d->ctx);
	loop_timer_del(d->timer);
	loop_timer_del(d->deadline);
	loop_timer_del(d->hint_timer);
	buf_clear(&d->diag);
	url_clear(&d->url);
	if (d->password != NULL) {
		explicit_bzero(d->password, d->password_len);
		free(d->password);
	}
	if (d->tfd != -1)
		close(d->tfd);
	spool_free(d->saved);
	spool_free(d->msgs);
	buf_wipe(&d->line);
	free((char *)d->base.cafile);
	free((char *)d->opts.transcript);
	free((char *)d->opts.password_file);
	lesson_run_free(d->lesson);
	free(d->lab_pop3);
	free(d->lab_smtp);
	free(d->conn_cafile);
	free(d->last_connect);
	tls_summary_clear(&d->last_tls);
	for (size_t i = 0; i < d->ntrust; i++)
		free(d->trust[i]);
	free(d->trust);
	free(d);
}

int
driver_connect(struct driver *d, const char *urlstr, const char **errstr_r)
{
	struct url u;
	struct session_options so;
	static char err[512];
	const char *cerr = NULL;

	if (url_parse(urlstr, &u, errstr_r) == -1)
		return -1;
	if (d->last_connect == NULL)
		d->last_connect = xstrdup(urlstr);
	/* Each connection builds its context from its own --cafile. */
	if (d->ctx != NULL) {
		SSL_CTX_free(d->ctx);
		d->ctx = NULL;
	}
	if (d->opts.transcript != NULL && d->tfd == -1) {
		/* One rule with /save: never over an existing file unless
		 * the user says so (/save! in a session; for --transcript,
		 * by removing the file). */
		d->tfd = open(d->opts.transcript, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
		if (d->tfd == -1) {
			snprintf(err, sizeof(err), "--transcript %s: %s%s",
			    d->opts.transcript, strerror(errno), errno ==
			    EEXIST ? " (never written over, as with /save: "
			    "remove it or choose another name)" : "");
			*errstr_r = err;
			url_clear(&u);
			return -1;
		}
	}
	/* A CA file that cannot be used is a usage error, found now rather
	 * than at the first handshake. */
	if (d->opts.cafile != NULL && access(d->opts.cafile, R_OK) == -1) {
		snprintf(err, sizeof(err), "--cafile %s: %s", d->opts.cafile,
		    strerror(errno));
		*errstr_r = err;
		url_clear(&u);
		return -1;
	}
	if (d->opts.cafile != NULL && d->ctx == NULL &&
	    (d->ctx = tls_client_ctx(d->opts.cafile, &cerr)) == NULL) {
		snprintf(err, sizeof(err), "--cafile %s: %s", d->opts.cafile,
		    cerr);
		*errstr_r = err;
		url_clear(&u);
		return -1;
	}
	if (d->opts.password_file != NULL && !load_password(d)) {
		snprintf(err, sizeof(err), "cannot read %s: %s",
		    d->opts.password_file, strerror(errno));
		*errstr_r = err;
		url_clear(&u);
		return -1;
	}
	/* A new connection replaces the old one, without QUIT. */
	if (d->phase != DRIVER_IDLE) {
		event(d, 0, "leaving %s for a new connection, without QUIT",
		    d->st_host);
		keep_marks(d);
		conn_free(d->conn);
		d->conn = NULL;
		d->phase = DRIVER_IDLE;
	}
	session_free(d->sess);
	d->sess = NULL;
	conn_free(d->conn);
	d->conn = NULL;
	mailbox_reset(d->mb);
	if (d->ops->mailbox != NULL)
		d->ops->mailbox(d->arg);
	url_clear(&d->url);
	d->url = u;
	d->have_url = true;
	d->negative = d->failed = d->finish = false;
	d->starttls_sent = d->upgrading = false;
	d->data_seen = false;
	d->finish_why[0] = '\0';
	memset(&so, 0, sizeof(so));
	so.tls = u.implicit_tls;
	so.starttls = d->opts.starttls && !u.implicit_tls;
	so.user = u.user;
	so.max_response = d->opts.max_response;
	d->sess = session_new(u.proto, &so);
	/* The messages of the last connection are gone with its table. */
	if (d->msgs != NULL)
		spool_truncate(d->msgs);
	d->body_on = false;
	d->body_seq = 0;	/* the new session numbers from 1 again */
	d->session_id++;
	d->st.last_reply_ms = -1;
	d->st.last_reply_pipelined = d->st.last_reply_slow = false;
	d->last_reply_at = 0;
	d->phase = DRIVER_CONNECTING;
	lesson_proto_check(d);
	d->connect_ms = loop_now_ms();
	d->greet_since = d->connect_ms;
	d->conn = conn_connect(d->loop, u.host, u.port, d->opts.family,
	    timeout_ms(d), &driver_conn_caps, &driver_conn_ops, d);
	if (d->opts.insecure)
		event(d, DRIVER_LF_WARNING, "INSECURE mode (--insecure): "
		    "certificates that cannot be verified are accepted");
	update_status(d);
	return 0;
}

/* /connect [--starttls] [--cafile FILE] [--insecure] URL (SPEC.md): the
 * options given apply to this connection, in place of the command line's;
 * without any, the command line's apply. */
static int
connect_cmd(struct driver *d, const char *args)
{
	char *copy = xstrdup(args), *p = copy, *w, *url = NULL;
	const char *cafile = NULL, *err = NULL;
	bool starttls = false, insecure = false, given = false;
	int rc = -1;

	while ((w = strsep(&p, " ")) != NULL) {
		if (*w == '\0')
			continue;
		if (strcmp(w, "--starttls") == 0)
			starttls = given = true;
		else if (strcmp(w, "--insecure") == 0)
			insecure = given = true;
		else if (strcmp(w, "--cafile") == 0) {
			while (p != NULL && *p == ' ')
				p++;
			if ((cafile = strsep(&p, " ")) == NULL ||
			    *cafile == '\0') {
				err = "--cafile needs a FILE";
				goto out;
			}
			given = true;
		} else if (w[0] == '-' && w[1] == '-') {
			event(d, DRIVER_LF_WARNING, "/connect: unknown option "
			    "%.60s (usage: /connect [--starttls] [--cafile "
			    "FILE] [--insecure] URL)", w);
			goto done;
		} else if (url != NULL) {
			err = "one URL only (usage: /connect [--starttls] "
			    "[--cafile FILE] [--insecure] URL)";
			goto out;
		} else
			url = w;
	}
	if (url == NULL) {
		err = "which server? usage: /connect [--starttls] [--cafile "
		    "FILE] [--insecure] URL";
		goto out;
	}
	free(d->conn_cafile);
	d->conn_cafile = cafile != NULL ? xstrdup(cafile) : NULL;
	d->opts.starttls = given ? starttls : d->base.starttls;
	d->opts.insecure = given ? insecure : d->base.insecure;
	d->opts.cafile = given ? d->conn_cafile : d->base.cafile;
	free(d->last_connect);
	d->last_connect = xstrdup(args);
	rc = driver_connect(d, url, &err);
out:
	if (rc == -1 && err != NULL)
		event(d, DRIVER_LF_WARNING, "/connect: %s", err);
done:
	free(copy);
	return rc;
}

/* /cert: the last certificate chain seen; /cert save FILE writes it as
 * PEM (never over an existing file); /cert trust trusts its leaf, by
 * SHA-256, for the rest of this run after a failed verification. */
static void
cert_cmd(struct driver *d, const char *args)
{
	const struct tls_summary *s = &d->last_tls;
	const char *sha;
	int fd;
	size_t off = 0, i;
	ssize_t n;

	while (*args == ' ')
		args++;
	if (!d->have_last_tls || s->ncerts == 0) {
		event(d, DRIVER_LF_WARNING, "/cert: no server certificate seen "
		    "yet (connect with TLS: pop3s://, smtps://, /starttls)");
		return;
	}
	sha = s->certs[0].sha256;
	if (*args == '\0') {
		report_tls(d, s, 0, false);
		event(d, DRIVER_LF_TLS | (s->verified ? 0 : DRIVER_LF_WARNING),
		    "verification: %s%s", s->verified ?
		    "ok" : s->verify_result, s->trusted ? " (trusted by "
		    "SHA-256 with /cert trust)" : s->insecure ? " (accepted by "
		    "--insecure)" : "");
		return;
	}
	if (strncmp(args, "save", 4) == 0 && (args[4] == ' ' ||
	    args[4] == '\0')) {
		args += 4;
		while (*args == ' ')
			args++;
		if (*args == '\0' || s->chain_pem == NULL) {
			event(d, DRIVER_LF_WARNING, *args == '\0' ?
			    "/cert save needs a file name" :
			    "/cert save: the server sent no chain");
			return;
		}
		fd = open(args, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
		if (fd == -1) {
			event(d, DRIVER_LF_WARNING, "/cert save %s: %s%s", args,
			    strerror(errno), errno == EEXIST ? " (never "
			    "written over: choose another name)" : "");
			return;
		}
		while (off < s->chain_pem_len) {
			n = write(fd, s->chain_pem + off, s->chain_pem_len -
			    off);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		if (close(fd) == -1 || off < s->chain_pem_len) {
			event(d, DRIVER_LF_WARNING, "/cert save %s: %s", args,
			    strerror(errno));
			return;
		}
		event(d, DRIVER_LF_TLS, "the server's chain (%zu certificate%s,"
		    " leaf SHA-256 %s) saved as PEM to %s: check the "
		    "fingerprint with the server's owner, then /connect "
		    "--cafile %s URL", s->ncerts, s->ncerts == 1 ? "" : "s",
		    sha, args, args);
		return;
	}
	if (strcmp(args, "trust") == 0) {
		if (s->verified) {
			event(d, 0, "/cert trust: the certificate verified; "
			    "nothing to trust");
			return;
		}
		for (i = 0; i < d->ntrust; i++)
			if (strcmp(d->trust[i], sha) == 0)
				break;
		if (i == d->ntrust) {
			d->trust = xrealloc(d->trust, (d->ntrust + 1) *
			    sizeof(*d->trust));
			d->trust[d->ntrust++] = xstrdup(sha);
		}
		event(d, DRIVER_LF_TLS | DRIVER_LF_WARNING, "TRUSTING a "
		    "certificate that did NOT verify (%s), for the rest of "
		    "this run only: SHA-256 %s; every connection that shows it "
		    "is marked TRUSTED BY SHA-256%s%s", s->verify_result, sha,
		    d->phase == DRIVER_IDLE && d->last_connect != NULL ?
		    "; connect again: /connect " : "",
		    d->phase == DRIVER_IDLE && d->last_connect != NULL ?
		    d->last_connect : "");
		return;
	}
	event(d, DRIVER_LF_WARNING, "/cert: unknown subcommand (/cert, /cert "
	    "save FILE, /cert trust)");
}

/* Columns of /help's lines: the synopsis, then the help text from column
 * HELP_COL, wrapped to fit HELP_WIDTH (80 with the "* " in front: the
 * screen's transcript cuts long lines). */
#define HELP_COL	21
#define HELP_WIDTH	78

/* /help: every command of the table (front/wbcmd.c), one synopsis and its
 * help text wrapped under it. */
static void
help(struct driver *d)
{
	const struct wbcmd	*t = wbcmd_table();
	char			 syn[128];
	const char		*p;
	size_t			 i, n, room = HELP_WIDTH - HELP_COL;
	int			 col;

	event(d, 0, "workbench commands (everything else is sent as typed, "
	    "followed by CRLF):");
	for (i = 0; i < WBCMD_COUNT; i++) {
		wbcmd_synopsis(&t[i], syn, sizeof(syn));
		col = HELP_COL - 3;
		if (strlen(syn) > (size_t)col) {
			event(d, 0, "  %s", syn);
			syn[0] = '\0';
		}
		for (p = t[i].help; *p != '\0'; p += n) {
			while (*p == ' ')
				p++;
			n = strlen(p);
			if (n > room) {
				for (n = room; n > 0 && p[n] != ' '; n--)
					;
				if (n == 0)
					n = room;
			}
			event(d, 0, "  %-*s %.*s", col, syn, (int)n, p);
			syn[0] = '\0';
		}
	}
}

/* The spooled transcript, handed to savefile_write_fn a chunk at a time. */
static int
spool_produce(void *arg, savefile_put put, void *put_arg)
{
	char		*chunk = xmalloc(DRIVER_COPY_CHUNK);
	uint64_t	 off = 0;
	ssize_t		 got;
	int		 r = 0;

	while ((got = spool_read(arg, off, chunk, DRIVER_COPY_CHUNK)) > 0) {
		if (put(put_arg, chunk, (size_t)got) == -1) {
			r = -1;
			break;
		}
		off += (uint64_t)got;
	}
	free(chunk);
	return got == -1 ? -1 : r;
}

static void
save(struct driver *d, const char *path, bool replace)
{
	char dir[1024], name[256];
	const char *err = NULL;
	uint64_t bytes = 0;
	int r;

	while (*path == ' ')
		path++;
	if (*path == '\0') {
		event(d, DRIVER_LF_WARNING, "/save needs a file name");
		return;
	}
	if (d->saved == NULL) {
		event(d, DRIVER_LF_WARNING, "/save: no transcript was kept "
		    "(temporary file: %s)", d->saved_err != NULL ?
		    d->saved_err : "none");
		return;
	}
	if (savefile_split(path, dir, sizeof(dir), name, sizeof(name)) == -1) {
		event(d, DRIVER_LF_WARNING, "/save %s: not a file name", path);
		return;
	}
	/* The part/message save's code: a temporary file in the same
	 * directory, fsync, then a link (never over an existing file: the
	 * user may have meant another) or, for /save!, a rename over it, so
	 * a failure half-way leaves the old file whole. 0600 as before. The
	 * transcript comes from its spool a chunk at a time. */
	r = savefile_write_fn(dir, name, spool_produce, d->saved, replace,
	    0600, &bytes, &err);
	if (r == 1)
		event(d, DRIVER_LF_WARNING, "/save %s: the file exists "
		    "(/save! %s replaces it)", path, path);
	else if (r == -1)
		event(d, DRIVER_LF_WARNING, "/save %s: %s (nothing written)",
		    path, err);
	else
		event(d, 0, "transcript saved to %s (%llu bytes)", path,
		    (unsigned long long)bytes);
}

/* Emit each line of text (lines end in "\n") as a line of kind. */
static void
emit_lines(struct driver *d, enum driver_line_kind kind, unsigned flags,
    const struct buf *text)
{
	const char *p = text->data, *end = p + text->len, *nl;

	while (p != NULL && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p)
			emit(d, kind, flags, 0, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/* /explain CODE...: what `mailbench explain` prints, as "= " lines (a
 * meaning, not tied to a reply); a word that is no code is said so in a
 * "* " line. Works connected or not. 0, or -1 when nothing was a code. */
static int
explain(struct driver *d, char *args)
{
	const char	*words[64];
	size_t		 n = 0;
	char		*p = args;
	struct buf	 out, err;
	int		 rc;

	/* Words split on blanks, as the shell gives them to the command. */
	while (*p != '\0' && n < 64) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		words[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (n == 0) {
		event(d, DRIVER_LF_WARNING, "usage: /explain CODE... (e.g. "
		    "/explain 550 5.7.1, /explain -ERR [IN-USE])");
		return -1;
	}
	buf_init(&out, 1024 * 1024);
	buf_init(&err, 64 * 1024);
	rc = explain_words(n, words, &out, &err);
	event(d, 0, "/explain: what these codes mean");
	emit_lines(d, DRIVER_LINE_MEANING, 0, &out);
	emit_lines(d, DRIVER_LINE_EVENT, DRIVER_LF_WARNING, &err);
	buf_clear(&out);
	buf_clear(&err);
	return rc == 0 || out.len > 0 ? 0 : -1;
}

static void
lesson_say(void *arg, bool warning, const char *text)
{
	event(arg, warning ? DRIVER_LF_WARNING : 0, "%s", text);
}

/* A lesson for one protocol on a session of the other: say where to go
 * (the lab's URL when known). */
static void
lesson_proto_check(struct driver *d)
{
	const struct lesson	*l;
	const char		*lab;

	if (d->lesson == NULL || d->sess == NULL || d->phase == DRIVER_IDLE)
		return;
	l = lesson_run_lesson(d->lesson);
	if (!l->proto_set || session_proto(d->sess) == l->proto)
		return;
	lab = l->proto == REPLY_POP3 ? d->lab_pop3 : d->lab_smtp;
	event(d, DRIVER_LF_WARNING, "this lesson is for %s: /connect to a %s "
	    "server%s%s%s", l->proto == REPLY_POP3 ? "POP3" : "SMTP",
	    l->proto == REPLY_POP3 ? "POP3" : "SMTP", lab != NULL ?
	    " (the lab's: /connect " : "", lab != NULL ? lab : "",
	    lab != NULL ? ")" : "");
}

/* Read a user's lesson file (at most 1 MiB). NULL with a reason in err. */
static struct lesson *
lesson_load(const char *path, char *err, size_t errsz)
{
	struct lesson	*l;
	struct buf	 b;
	const char	*why = NULL;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 1024 * 1024);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			why = "larger than 1 MiB: not a lesson";
			break;
		}
	if (n == -1)
		why = strerror(errno);
	close(fd);
	l = why != NULL ? NULL : lesson_parse(b.data != NULL ? b.data : "",
	    b.len, &why);
	if (l == NULL)
		snprintf(err, errsz, "%s: %s", path, why);
	buf_clear(&b);
	return l;
}

/* /lesson lists the built-in lessons; /lesson NAME or FILE starts one;
 * /lesson stop ends it. Works connected or not. */
static int
lesson(struct driver *d, char *arg)
{
	const char *const	*names = lesson_builtin_names();
	const char *const	*titles = lesson_builtin_titles();
	struct lesson		*l;
	char			 err[512];
	size_t			 i;

	while (*arg == ' ')
		arg++;
	if (*arg == '\0') {
		event(d, 0, "lessons (/lesson NAME starts one, /lesson FILE "
		    "loads your own; mailbench(1) LESSONS has the format):");
		for (i = 0; names[i] != NULL; i++)
			event(d, 0, "  %-16s %s", names[i], titles[i]);
		return 0;
	}
	if (strcmp(arg, "stop") == 0) {
		if (d->lesson == NULL) {
			event(d, DRIVER_LF_WARNING, "/lesson stop: no lesson "
			    "is running");
			return -1;
		}
		event(d, 0, "lesson %s stopped at step %zu of %zu",
		    lesson_run_lesson(d->lesson)->name,
		    lesson_run_step(d->lesson) + 1,
		    lesson_run_lesson(d->lesson)->nsteps);
		lesson_run_free(d->lesson);
		d->lesson = NULL;
		update_status(d);
		return 0;
	}
	if ((l = lesson_builtin(arg)) == NULL &&
	    (strchr(arg, '/') != NULL || strchr(arg, '.') != NULL ||
	    access(arg, F_OK) == 0)) {
		if ((l = lesson_load(arg, err, sizeof(err))) == NULL) {
			event(d, DRIVER_LF_WARNING, "/lesson %s", err);
			return -1;
		}
	} else if (l == NULL) {
		event(d, DRIVER_LF_WARNING, "/lesson: no lesson named %s "
		    "(/lesson lists them; a file name needs a / or a .)", arg);
		return -1;
	}
	lesson_run_free(d->lesson);
	d->lesson = NULL;
	d->lesson = lesson_run_new(l, d->have_url && d->url.user != NULL ?
	    d->url.user : "student", d->lab_pop3, d->lab_smtp,
	    ++d->lesson_serial << 16, lesson_say, d);
	lesson_proto_check(d);
	update_status(d);
	return 0;
}

/* A command typed while /load has commands in flight goes out at once,
 * but the server answers in order (RFC 2449 6.6, RFC 1939 3): say where
 * it is in the queue and about when its reply comes, not leave it
 * silently behind the TOPs. */
static void
queued_note(struct driver *d, const char *line, size_t len, size_t ahead)
{
	size_t w = 0;

	while (w < len && w < 40 && line[w] != ' ')
		w++;
	/* The pace: the last reply's own time (pipelined, from the reply
	 * before it). */
	if (d->st.last_reply_ms > 0)
		event(d, 0, "%.*s is queued behind %zu command%s of /load still "
		    "waiting for replies: the server answers in order, so its "
		    "reply comes after theirs (about %.1f s at the current "
		    "pace)", (int)w, line, ahead,
		    ahead == 1 ? "" : "s", (double)ahead *
		    d->st.last_reply_ms / 1000.0);
	else
		event(d, 0, "%.*s is queued behind %zu command%s of /load still "
		    "waiting for replies: the server answers in order, so its "
		    "reply comes after theirs", (int)w,
		    line, ahead, ahead == 1 ? "" : "s");
}

/* The commands the front-end runs itself (WBCMD_F_ANYTIME), by table
 * id; args is what follows the command word, alias whether it was spelled
 * by its alias ("/save!"). */
static int
cmd_connect(struct driver *d, char *args, bool alias)
{
	(void)alias;
	return connect_cmd(d, args);
}

static int
cmd_cert(struct driver *d, char *args, bool alias)
{
	(void)alias;
	cert_cmd(d, args);
	return 0;
}

static int
cmd_save(struct driver *d, char *args, bool alias)
{
	save(d, args, alias);
	return 0;
}

static int
cmd_explain(struct driver *d, char *args, bool alias)
{
	(void)alias;
	return explain(d, args);
}

static int
cmd_lesson(struct driver *d, char *args, bool alias)
{
	(void)alias;
	return lesson(d, args);
}

static int
cmd_help(struct driver *d, char *args, bool alias)
{
	(void)args;
	(void)alias;
	help(d);
	return 0;
}

static int
cmd_quit(struct driver *d, char *args, bool alias)
{
	const char *err = NULL;

	(void)args;
	(void)alias;
	if (d->phase == DRIVER_OPEN && d->sess != NULL &&
	    !session_over(d->sess)) {
		session_submit(d->sess, "QUIT", 4, &err);
		pump(d);
		return 0;
	}
	driver_close(d, "quit");
	return 0;
}

static int (*const wbcmd_run[WBCMD_COUNT])(struct driver *, char *, bool) = {
	[WBCMD_CONNECT] = cmd_connect,
	[WBCMD_CERT] = cmd_cert,
	[WBCMD_SAVE] = cmd_save,
	[WBCMD_EXPLAIN] = cmd_explain,
	[WBCMD_LESSON] = cmd_lesson,
	[WBCMD_HELP] = cmd_help,
	[WBCMD_QUIT] = cmd_quit,
};

/* Run a WBCMD_F_ANYTIME command; rest points after its word in line. */
static int
run_wbcmd(struct driver *d, const struct wbcmd *c, const char *line,
    size_t len, const char *rest)
{
	char	*args;
	int	 rc;

	/* Every WBCMD_F_ANYTIME command of the table has its handler. */
	assert(wbcmd_run[c->id] != NULL);
	args = xstrndup(rest, len - (size_t)(rest - line));
	rc = wbcmd_run[c->id](d, args, (size_t)(rest - line) !=
	    strlen(c->name));
	free(args);
	return rc;
}

int
driver_submit(struct driver *d, const char *line, size_t len)
{
	const struct wbcmd *c;
	const char *rest, *err = NULL;
	int rc;
	size_t ahead, done, total;

	if (d->sess != NULL && d->phase != DRIVER_IDLE &&
	    session_wants_secret(d->sess, NULL)) {
		rc = session_secret(d->sess, line, len);
		pump(d);
		return rc;
	}
	if (len > 0 && line[0] == '/' && (d->sess == NULL ||
	    !session_message_mode(d->sess)) && (d->sess == NULL ||
	    !session_prompting(d->sess, NULL))) {
		if (memchr(line, '\0', len) != NULL)
			return -1;
		c = wbcmd_find(line, len, &rest);
		if (c != NULL && (c->flags & WBCMD_F_REPLAY))
			return run_wbcmd(d, c, line, len, rest);
		if (d->phase == DRIVER_REPLAY) {
			event(d, DRIVER_LF_WARNING, "replay: there is no server "
			    "here; /explain, /save, /help and /quit work");
			return -1;
		}
		if (c != NULL && (c->flags & WBCMD_F_ANYTIME))
			return run_wbcmd(d, c, line, len, rest);
	}
	/* The session engine runs the rest of the table's commands (and
	 * says "unknown command" of others): they need a connection. */
	if (d->sess == NULL || d->phase == DRIVER_IDLE) {
		if (len > 0 && line[0] == '/' &&
		    wbcmd_find(line, len, &rest) == NULL) {
			size_t w = 1;

			while (w < len && w < 40 && line[w] != ' ')
				w++;
			event(d, DRIVER_LF_WARNING, "unknown command %.*s "
			    "(/help lists them)", (int)w, line);
			return -1;
		}
		event(d, DRIVER_LF_WARNING, "not connected: /connect URL first");
		return -1;
	}
	if (d->phase == DRIVER_REPLAY) {
		event(d, DRIVER_LF_WARNING, "replay: there is no server here; "
		    "nothing is sent (/explain, /save, /help and /quit work)");
		return -1;
	}
	/* A refusal is reported by the session itself (one line, with its
	 * reason); it counts as a failed command for batch's exit code. */
	ahead = session_waiting_count(d->sess);
	session_progress(d->sess, &done, &total);
	rc = session_submit(d->sess, line, len, &err);
	if (rc == -1)
		d->negative = true;
	pump(d);
	if (rc == 0 && total > 0 && ahead > 0 &&
	    session_waiting_count(d->sess) > ahead &&
	    line[0] != '/' && d->phase == DRIVER_OPEN)
		queued_note(d, line, len, ahead);
	return rc;
}

void
driver_close(struct driver *d, const char *why)
{
	if (d->phase == DRIVER_IDLE)
		return;
	event(d, 0, "%s", why);
	end_session(d, false, why);
	if (!d->pumping)
		finish_now(d);
}

const struct mailbox *
driver_mailbox(const struct driver *d)
{
	return d->mb;
}

const struct driver_status *
driver_status(const struct driver *d)
{
	return &d->st;
}

bool
driver_busy(const struct driver *d)
{
	uint64_t seq;
	char what[8];
	double since;

	/* Back-pressure: a long message typed or fed from a file waits
	 * while the peer is slow to take what is queued. */
	if (d->conn != NULL && conn_pending(d->conn) > DRIVER_OUTPUT_HIGH)
		return true;
	return d->phase == DRIVER_CONNECTING || d->phase == DRIVER_TLS ||
	    (d->phase == DRIVER_OPEN && awaited(d, &seq, what, sizeof(what),
	    &since)) || d->upgrading || (d->opts.starttls &&
	    !d->url.implicit_tls && d->phase == DRIVER_OPEN &&
	    !d->starttls_sent);
}

ssize_t
driver_transcript_read(struct driver *d, uint64_t off, void *p, size_t len)
{
	if (d->saved == NULL)
		return -1;
	return spool_read(d->saved, off, p, len);
}

ssize_t
driver_message_read(struct driver *d, const struct mailbox_entry *e,
    uint64_t off, void *p, size_t len)
{
	if (d->msgs == NULL || e == NULL || e->stored == 0 ||
	    off >= e->message_len)
		return 0;
	if (len > e->message_len - off)
		len = (size_t)(e->message_len - off);
	return spool_read(d->msgs, e->stored - 1 + off, p, len);
}

struct session *
driver_session(const struct driver *d)
{
	return d->sess;
}

void
driver_cancel(struct driver *d)
{
	if (d->sess == NULL)
		return;
	session_cancel(d->sess);
	pump(d);
}

int
driver_replay_begin(struct driver *d, enum reply_proto proto,
    const char *name)
{
	if (d->phase != DRIVER_IDLE && d->phase != DRIVER_REPLAY)
		return -1;
	session_free(d->sess);
	mailbox_reset(d->mb);
	/* Stepping back replays from the start: the session numbers its
	 * commands from 1 again, so a RETR stored before must not look like
	 * one whose storing failed (spool_body_line), and its old copy is
	 * dropped with the table, as driver_connect does. */
	if (d->msgs != NULL)
		spool_truncate(d->msgs);
	d->body_on = false;
	d->body_seq = 0;
	if (d->ops->mailbox != NULL)
		d->ops->mailbox(d->arg);
	free(d->replay);
	d->replay = xstrdup(name);
	d->replay_proto = proto;
	d->negative = d->failed = d->finish = false;
	d->finish_why[0] = '\0';
	d->sess = session_new(proto, NULL);
	d->phase = DRIVER_REPLAY;
	update_status(d);
	return 0;
}

void
driver_replay_line(struct driver *d, char kind, const char *text,
    size_t len)
{
	struct buf raw;

	if (d->phase != DRIVER_REPLAY || d->sess == NULL)
		return;
	buf_init(&raw, 2 * LIMIT_REPLY_TOTAL + len);
	(void)transcript_unescape(text, len, &raw);
	switch (kind) {
	case 'S':
		(void)buf_append(&raw, "\r\n", 2);
		session_input(d->sess, raw.data, raw.len);
		break;
	case 'C':
		/* The wire had the dot-stuffed line; the engine stuffs the
		 * text it is given (RFC 5321 4.5.2). */
		if (session_message_mode(d->sess) && raw.len > 1 &&
		    raw.data[0] == '.')
			session_submit(d->sess, raw.data + 1, raw.len - 1,
			    NULL);
		else
			session_submit(d->sess, raw.data != NULL ? raw.data :
			    "", raw.len, NULL);
		break;
	default:
		/* A workbench line of the original session (connect, TLS,
		 * certificate): shown as it was, already escaped. */
		emit(d, DRIVER_LINE_EVENT, 0, 0, text, len);
		break;
	}
	buf_wipe(&raw);
	pump(d);
	/* A replay ends with its file, not with QUIT: the panes stay. */
	if (d->phase == DRIVER_IDLE) {
		d->phase = DRIVER_REPLAY;
		d->finish = false;
		update_status(d);
	}
}

void
driver_set_lab_urls(struct driver *d, const char *pop3, const char *smtp)
{
	free(d->lab_pop3);
	free(d->lab_smtp);
	d->lab_pop3 = pop3 != NULL ? xstrdup(pop3) : NULL;
	d->lab_smtp = smtp != NULL ? xstrdup(smtp) : NULL;
}

const struct lesson_run *
driver_lesson(const struct driver *d)
{
	return d->lesson;
}
