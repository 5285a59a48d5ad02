/* SPDX-License-Identifier: MIT */
/* One session over either engine: bytes in, typed lines in, bytes and
 * events out; the FIFO of commands awaiting replies; /auth and /starttls. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dot.h"
#include "proto/explain.h"
#include "proto/limits.h"
#include "proto/outcome.h"
#include "proto/pop3.h"
#include "proto/session-int.h"
#include "proto/smtp.h"
#include "proto/transcript.h"
#include "base/util.h"

static void	auth_begin(struct session *);
static void	report_dropped(struct session *);

struct session *
session_new(enum reply_proto proto, const struct session_options *opts)
{
	struct session	*s = xcalloc(1, sizeof(*s));

	s->proto = proto;
	if (opts != NULL) {
		s->tls = opts->tls;
		s->tls_required = opts->tls || opts->starttls;
		if (opts->user != NULL)
			s->user = xstrdup(opts->user);
		if (opts->ehlo_domain != NULL)
			s->ehlo_domain = xstrdup(opts->ehlo_domain);
		s->now = opts->now;
		s->max_response = opts->max_response;
	}
	if (s->max_response == 0)
		s->max_response = LIMIT_RESPONSE_DEFAULT;
	if (s->ehlo_domain == NULL)
		s->ehlo_domain = xstrdup("localhost");
	s->reader = reader_new(proto);
	buf_init(&s->out, LIMIT_OUTPUT);
	buf_init(&s->reply, LIMIT_REPLY_TOTAL + LIMIT_REPLY_LINE);
	buf_init(&s->secret, LIMIT_COMMAND_LINE);
	buf_init(&s->send_body, LIMIT_MESSAGE);
	caps_init(&s->caps);
	caps_init(&s->caps_plain);
	s->state = 0;	/* POP3_STATE_GREETING == SMTP_STATE_GREETING */
	return s;
}

static void	evq_free(struct session *);

static void
qevent_clear(struct qevent *q)
{
	if (q->text != NULL && (q->ev.flags & PEV_F_SECRET))
		explicit_bzero(q->text, q->len);
	if (q->text_owned)
		free(q->text);
	free(q->reply);
	free(q->arg);
	memset(q, 0, sizeof(*q));
}

static void
pending_clear(struct pending *p)
{
	free(p->arg);
	p->arg = NULL;
}

void
session_free(struct session *s)
{
	size_t	i;

	if (s == NULL)
		return;
	qevent_clear(&s->cur);
	evq_free(s);
	for (i = 0; i < s->fifo_len; i++)
		pending_clear(&s->fifo[(s->fifo_head + i) % s->fifo_cap]);
	free(s->fifo);
	reader_free(s->reader);
	if (s->out.data != NULL)
		explicit_bzero(s->out.data, s->out.cap);
	buf_clear(&s->out);
	buf_clear(&s->reply);
	buf_clear(&s->body);
	buf_wipe(&s->secret);
	buf_wipe(&s->send_body);
	caps_clear(&s->caps);
	caps_clear(&s->caps_plain);
	free(s->login_user);
	free(s->user);
	free(s->ehlo_domain);
	free(s->apop_ts);
	free(s->dele);
	free(s->auth_user);
	free(s->prompt);
	load_clear(s);
	send_clear(s);
	free(s);
}

enum reply_proto
session_proto(const struct session *s)
{
	return s->proto;
}

/* ---- events ---- */

/* Events wait in blocks of QBLOCK with an arena for their texts: queueing
 * copies a line once and moves nothing after, and drained blocks are
 * reused, so a burst of events (a 16 KiB read is hundreds of lines)
 * costs neither a malloc per line nor a copy of the queue as it grows. */
#define QBLOCK		64
#define QBLOCK_TEXT	(6 * 1024)

struct qblock {
	struct qblock	*next;
	size_t		 head, tail;	/* events [head, tail) wait */
	size_t		 used;		/* of text */
	struct qevent	 q[QBLOCK];
	char		 text[QBLOCK_TEXT];
};

static void
evq_free(struct session *s)
{
	struct qblock	*b, *next;
	size_t		 i;

	for (b = s->evq_head; b != NULL; b = next) {
		next = b->next;
		for (i = b->head; i < b->tail; i++)
			qevent_clear(&b->q[i]);
		free(b);
	}
	free(s->evq_spare);
	s->evq_head = s->evq_tail = s->evq_spare = NULL;
	s->evq_len = 0;
}

/* A block whose events were all handed out, once the last of them is no
 * longer current: kept as the one spare, or freed. */
static void
evq_recycle(struct session *s)
{
	struct qblock	*b;

	while ((b = s->evq_head) != NULL && b->head == b->tail) {
		if (b->next == NULL) {
			/* The only block: empty it in place. */
			b->head = b->tail = b->used = 0;
			break;
		}
		s->evq_head = b->next;
		if (s->evq_spare == NULL) {
			b->next = NULL;
			b->head = b->tail = b->used = 0;
			s->evq_spare = b;
		} else
			free(b);
	}
}

struct qevent *
session_emit(struct session *s, enum proto_event_kind kind, unsigned flags,
    const char *text, size_t len, uint64_t seq)
{
	struct qevent	*q;
	struct qblock	*b;
	char		*copy;

	q = session_emit_owned(s, kind, flags, NULL, len, seq);
	b = s->evq_tail;
	if (len < QBLOCK_TEXT - b->used) {
		copy = b->text + b->used;
		b->used += len + 1;
	} else {
		copy = xmalloc(len + 1);
		q->text_owned = true;
	}
	if (len > 0)
		memcpy(copy, text, len);
	copy[len] = '\0';
	q->text = copy;
	return q;
}

struct qevent *
session_emit_owned(struct session *s, enum proto_event_kind kind,
    unsigned flags, char *text, size_t len, uint64_t seq)
{
	struct qevent	*q;
	struct qblock	*b = s->evq_tail;

	if (b == NULL || b->tail == QBLOCK) {
		if ((b = s->evq_spare) != NULL)
			s->evq_spare = NULL;
		else {
			b = xmalloc(sizeof(*b));
			b->head = b->tail = b->used = 0;
		}
		b->next = NULL;
		if (s->evq_tail != NULL)
			s->evq_tail->next = b;
		else
			s->evq_head = b;
		s->evq_tail = b;
	}
	q = &b->q[b->tail++];
	s->evq_len++;
	memset(q, 0, sizeof(*q));
	q->ev.kind = kind;
	q->ev.flags = flags;
	q->ev.seq = seq;
	q->text = text;
	q->text_owned = text != NULL;
	q->len = len;
	return q;
}

void
session_info(struct session *s, unsigned flags, const char *fmt, ...)
{
	struct buf	b;
	va_list		ap;

	/* Room for a typed word (a user name) inside the sentence. */
	buf_init(&b, LIMIT_REPLY_LINE + LIMIT_COMMAND_LINE);
	va_start(ap, fmt);
	(void)buf_vprintf(&b, fmt, ap);
	va_end(ap);
	session_emit(s, PEV_INFO, flags, b.data != NULL ? b.data : "", b.len,
	    0);
	buf_clear(&b);
}

int
session_event(struct session *s, struct proto_event *ev_r)
{
	struct qevent	*q;
	struct qblock	*b;

	/* The current event's text may sit in a drained block: only now,
	 * with it released, may that block be reused. */
	qevent_clear(&s->cur);
	evq_recycle(s);
	if (s->evq_len == 0)
		return 0;
	b = s->evq_head;
	s->cur = b->q[b->head++];
	s->evq_len--;
	q = &s->cur;
	memset(ev_r, 0, sizeof(*ev_r));
	ev_r->kind = q->ev.kind;
	ev_r->flags = q->ev.flags;
	ev_r->text = q->text;
	ev_r->len = q->len;
	ev_r->secret_keep = q->ev.secret_keep;
	ev_r->seq = q->ev.seq;
	ev_r->total = q->ev.total;
	ev_r->verb = q->verb;
	ev_r->arg = q->arg;
	ev_r->arg_len = q->ev.arg_len;
	/* The reply's text points into our own copy of the line. */
	ev_r->reply = q->reply;
	ev_r->code = q->ev.code;
	ev_r->pop3 = q->ev.pop3;
	ev_r->sent_ms = q->ev.sent_ms;
	ev_r->state = q->ev.state;
	if (q->ev.kind == PEV_STATE)
		ev_r->state_name = q->state_name;
	ev_r->fail = q->ev.fail;
	return 1;
}

/* ---- state ---- */

const char *
session_state_name(const struct session *s)
{
	return s->proto == REPLY_POP3 ?
	    pop3_state_name((enum pop3_state)s->state) :
	    smtp_state_name((enum smtp_state)s->state);
}

void
session_set_state(struct session *s, int state)
{
	struct qevent	*q;
	struct buf	 b;
	const char	*from = session_state_name(s);

	if (state == s->state)
		return;
	buf_init(&b, 256);
	s->state = state;
	buf_printf(&b, "%s -> %s", from, session_state_name(s));
	q = session_emit(s, PEV_STATE, 0, b.data, b.len, 0);
	q->ev.state = state;
	q->state_name = session_state_name(s);	/* a static table's */
	buf_clear(&b);
}

void
session_fail(struct session *s, enum proto_fail fail, const char *why)
{
	struct qevent	*q;

	if (s->failed)
		return;
	report_dropped(s);
	s->failed = true;
	s->over = true;
	s->message_mode = false;
	s->secret_wanted = false;
	s->prompting = false;
	buf_wipe(&s->secret);
	q = session_emit(s, PEV_FAIL, PEV_F_NEGATIVE, why, strlen(why), 0);
	q->ev.fail = fail;
}

/* ---- FIFO ---- */

struct pending *
session_head(struct session *s)
{
	return s->fifo_len > 0 ? &s->fifo[s->fifo_head] : NULL;
}

void
session_pop(struct session *s)
{
	if (s->fifo_len == 0)
		return;
	pending_clear(&s->fifo[s->fifo_head]);
	s->fifo_head = (s->fifo_head + 1) % s->fifo_cap;
	s->fifo_len--;
}

void
session_take(struct session *s, struct pending *h_r)
{
	struct pending	*head = session_head(s);

	*h_r = *head;
	head->arg = NULL;
	session_pop(s);
}

bool
pending_is(const struct pending *h, const char *verb)
{
	return strcmp(h->verb, verb) == 0;
}

static struct pending *
fifo_push(struct session *s)
{
	struct pending	*np;
	size_t		 i, ncap;

	if (s->fifo_len == s->fifo_cap) {
		ncap = s->fifo_cap ? s->fifo_cap * 2 : 16;
		np = xcalloc(ncap, sizeof(*np));
		for (i = 0; i < s->fifo_len; i++)
			np[i] = s->fifo[(s->fifo_head + i) % s->fifo_cap];
		free(s->fifo);
		s->fifo = np;
		s->fifo_cap = ncap;
		s->fifo_head = 0;
	}
	np = &s->fifo[(s->fifo_head + s->fifo_len++) % s->fifo_cap];
	memset(np, 0, sizeof(*np));
	return np;
}

/* ---- output ---- */

/* The user asked for TLS and it is not on (yet, or the upgrade failed):
 * a password, digest or AUTH exchange must not leave in the clear (RFC
 * 3207 4.1, RFC 2595 2.2: the client decides; Poddebniak et al. 2021,
 * curl CVE-2021-22946). */
static const char secret_blocked_why[] = "not sent: TLS was asked for and "
    "is not active; a login never goes out in plain text";

static bool
secret_blocked(const struct session *s)
{
	return s->tls_required && !s->tls;
}

static int
out_line(struct session *s, const char *line, size_t len, bool secret)
{
	if (s->out.len + len + 2 > s->out.max)
		return -1;
	buf_append(&s->out, line, len);
	buf_append(&s->out, "\r\n", 2);
	if (secret)
		s->out_secret = true;
	return 0;
}

/* Does a MAIL FROM argument declare 8-bit content: BODY=8BITMIME (RFC
 * 6152 2) or SMTPUTF8 (RFC 6531 3.4)? Parameters follow the path. */
static bool
mail_declares_8bit(const char *arg, size_t len)
{
	size_t	i = 0, w;

	while (i < len) {
		while (i < len && arg[i] == ' ')
			i++;
		for (w = i; w < len && arg[w] != ' '; w++)
			;
		if ((w - i == 13 && slice_eq_ci(arg + i, 13, "BODY=8BITMIME")) ||
		    (w - i == 8 && slice_eq_ci(arg + i, 8, "SMTPUTF8")))
			return true;
		i = w;
	}
	return false;
}

int
session_send(struct session *s, const char *line, size_t len,
    enum session_origin origin, uint64_t tag, const char **errstr_r)
{
	struct command	 cmd;
	struct pending	*p;
	struct qevent	*q;

	if (command_parse(s->proto, line, len, &cmd, errstr_r) == -1)
		return -1;
	if ((cmd.secret || cmd.shape == COMMAND_SASL) && secret_blocked(s)) {
		*errstr_r = secret_blocked_why;
		return -1;
	}
	if (s->fifo_len >= LIMIT_PENDING) {
		*errstr_r = "too many commands waiting for a reply";
		return -1;
	}
	if (out_line(s, line, len, cmd.secret) == -1) {
		*errstr_r = "output buffer full";
		return -1;
	}
	p = fifo_push(s);
	p->seq = ++s->seq;
	memcpy(p->verb, cmd.verb, sizeof(p->verb));
	if (!cmd.secret) {
		p->arg = xstrndup(cmd.arg, cmd.arg_len);
		p->arg_len = cmd.arg_len;
	}
	p->shape = cmd.shape;
	p->starttls = cmd.starttls;
	p->quit = cmd.quit;
	if (s->proto == REPLY_SMTP && strcmp(p->verb, "MAIL") == 0)
		s->mail_8bit = mail_declares_8bit(cmd.arg, cmd.arg_len);
	p->origin = origin;
	p->tag = tag;
	q = session_emit(s, PEV_SENT, cmd.secret ? PEV_F_SECRET : 0, line, len,
	    p->seq);
	q->ev.secret_keep = cmd.secret_keep;
	memcpy(q->verb, p->verb, sizeof(q->verb));
	if (p->arg != NULL) {
		q->arg = xstrndup(p->arg, p->arg_len);
		q->ev.arg_len = p->arg_len;
	}
	return 0;
}

void
session_send_action(struct session *s, const char *line, size_t len,
    uint64_t tag)
{
	const char	*err;

	if (session_send(s, line, len, ORIGIN_ACTION, tag, &err) == -1)
		session_action_end(s, PEV_F_NEGATIVE, err);
}

void
session_send_ehlo(struct session *s, uint64_t tag)
{
	struct buf	b;

	buf_init(&b, LIMIT_COMMAND_LINE);
	if (buf_printf(&b, "EHLO %s", s->ehlo_domain) == -1)
		session_action_end(s, PEV_F_NEGATIVE, "the EHLO domain is "
		    "too long");
	else
		session_send_action(s, b.data, b.len, tag);
	buf_clear(&b);
}

int
session_send_continuation(struct session *s, const char *line, size_t len,
    bool secret)
{
	struct pending	*head = session_head(s);
	struct qevent	*q;

	if (secret && secret_blocked(s))
		return -1;
	if (out_line(s, line, len, secret) == -1)
		return -1;
	q = session_emit(s, PEV_SENT, PEV_F_CONTINUE |
	    (secret ? PEV_F_SECRET : 0), line, len, head != NULL ? head->seq :
	    0);
	q->ev.secret_keep = 0;
	return 0;
}

int
session_send_message_line(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	struct pending	*p;
	struct qevent	*q;
	size_t		 old = s->out.len;
	unsigned	 flags = PEV_F_BODY;

	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL ||
	    memchr(line, '\0', len) != NULL) {
		*errstr_r = "message line contains CR, LF or NUL";
		return -1;
	}
	if (dot_is_terminator(line, len)) {
		if (out_line(s, ".", 1, false) == -1) {
			*errstr_r = "output buffer full";
			return -1;
		}
		p = fifo_push(s);
		p->seq = s->data_seq;
		memcpy(p->verb, ".", 2);
		p->shape = COMMAND_ONE_REPLY;
		p->origin = s->action == ACTION_SEND ? ORIGIN_ACTION :
		    ORIGIN_USER;
		s->message_mode = false;
		q = session_emit(s, PEV_SENT, PEV_F_BODY | PEV_F_TERMINATOR,
		    ".", 1, s->data_seq);
		memcpy(q->verb, ".", 2);
		return 0;
	}
	if (len > LIMIT_BODY_LINE || dot_stuff_line(line, len, &s->out) == -1) {
		*errstr_r = "message line too long or output buffer full";
		return -1;
	}
	if (dot_needs_stuffing(line, len))
		flags |= PEV_F_STUFFED;
	/* The C: line shows what went on the wire, stuffing included. */
	session_emit(s, PEV_SENT, flags, s->out.data + old,
	    s->out.len - old - 2, s->data_seq);
	/* RFC 6152 3: 8-bit text needs BODY=8BITMIME on MAIL FROM (and a
	 * header in raw UTF-8 needs SMTPUTF8, RFC 6531/6532). */
	if (!s->mail_8bit && !s->warned_8bit) {
		size_t	i;

		for (i = 0; i < len && (unsigned char)line[i] < 0x80; i++)
			;
		if (i < len) {
			s->warned_8bit = true;
			session_info(s, PEV_F_WARNING, "8-bit text, but MAIL "
			    "FROM did not declare BODY=8BITMIME (RFC 6152 3) "
			    "or SMTPUTF8: a relay may mangle it; declare it, or "
			    "encode (quoted-printable, RFC 2047 in headers)");
		}
	}
	/* RFC 5321 4.5.3.1.6: 998 octets plus CRLF per text line. */
	if (len > 998)
		session_info(s, PEV_F_WARNING, "line of %zu octets is longer "
		    "than the 998 allowed (RFC 5321 4.5.3.1.6); servers may "
		    "refuse it", len);
	return 0;
}

struct buf *
session_output(struct session *s)
{
	/* buf_consume() moves bytes down and leaves copies beyond len:
	 * zero them when a secret went through. */
	if (s->out_secret && s->out.data != NULL) {
		explicit_bzero(s->out.data + s->out.len, s->out.cap - s->out.len);
		if (s->out.len == 0)
			s->out_secret = false;
	}
	return &s->out;
}

/* ---- replies ---- */

unsigned
session_reply_flags(const struct session *s, const struct reply_line *rl)
{
	if (s->proto == REPLY_POP3)
		return rl->pop3 == REPLY_POP3_ERR ? PEV_F_NEGATIVE :
		    PEV_F_POSITIVE;
	if (rl->code >= 500)
		return PEV_F_NEGATIVE;
	if (rl->code >= 400)
		return PEV_F_TRANSIENT;
	return PEV_F_POSITIVE;
}

void
session_emit_reply(struct session *s, const struct pending *head,
    unsigned flags)
{
	struct qevent	*q;
	const char	*err, *nl;
	size_t		 first;

	q = session_emit(s, PEV_REPLY, flags, s->reply.data != NULL ?
	    s->reply.data : "", s->reply.len, head != NULL ? head->seq : 0);
	nl = memchr(q->text, '\n', q->len);
	first = nl != NULL ? (size_t)(nl - q->text) : q->len;
	q->reply = xmalloc(sizeof(*q->reply));
	if (reply_parse_line(s->proto, q->text, first, q->reply, &err) == 0) {
		q->ev.code = q->reply->code;
		q->ev.pop3 = q->reply->pop3;
	} else {
		free(q->reply);
		q->reply = NULL;
	}
	if (head != NULL && head->cancel && !(flags & PEV_F_CONTINUE))
		session_info(s, 0, "the server answered AUTH before a challenge "
		    "came, so the cancel was not sent");
	if (head != NULL) {
		q->ev.sent_ms = head->sent_ms;
		memcpy(q->verb, head->verb, sizeof(q->verb));
		if (head->arg != NULL) {
			q->arg = xstrndup(head->arg, head->arg_len);
			q->ev.arg_len = head->arg_len;
		}
	}
}

void
session_caps_from(struct session *s, const char *p, size_t len,
    bool skip_first, bool smtp_prefix, uint64_t seq)
{
	const char	*end = p + len, *nl, *l;
	size_t		 n, lines = 0;
	struct buf	 m;

	caps_clear(&s->caps);
	caps_init(&s->caps);
	s->caps_known = true;
	buf_init(&m, LIMIT_REPLY_LINE * 2);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		l = p;
		p = nl != NULL ? nl + 1 : end;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (lines++ == 0 && skip_first)
			continue;
		if (smtp_prefix) {
			/* "250-SIZE 100" -> "SIZE 100" (an enhanced code some
			 * servers put first goes too). */
			struct reply_line rl;

			if (reply_parse_line(REPLY_SMTP, l, n, &rl, NULL) == -1)
				continue;
			l = rl.text;
			n = rl.text_len;
		}
		if (n == 0 || lines > LIMIT_CAPS + 1)
			continue;
		(void)caps_add_line(&s->caps, s->proto, l, n);
		buf_reset(&m);
		if (caps_explain_line(s->proto, l, n, &m) == 0 && m.len > 0)
			session_emit(s, PEV_MEANING, PEV_F_CAPS, m.data, m.len,
			    seq);
	}
	buf_clear(&m);
}

void
session_tls_upgrade(struct session *s)
{
	/* RFC 3207 4.2 / RFC 2595 4 (curl: "Pipelining in response is
	 * forbidden"): anything after the reply came before TLS and could
	 * be an injected command reply; never obey it. It is counted here
	 * and with what arrives until the handshake, and reported once. */
	s->tls_dropped = reader_discard(s->reader);
	if (s->fifo_len > 0) {
		session_info(s, PEV_F_WARNING, "%zu command(s) sent after %s "
		    "will get no reply: they went out before TLS", s->fifo_len,
		    s->proto == REPLY_POP3 ? "STLS" : "STARTTLS");
		while (s->fifo_len > 0)
			session_pop(s);
	}
	s->tls_pending = true;
	session_emit(s, PEV_TLS_UPGRADE, 0, "starting TLS handshake", 22, 0);
}

void
session_starttls_reply(struct session *s, const struct reply_line *rl)
{
	const char	*verb = s->proto == REPLY_POP3 ? "STLS" : "STARTTLS";
	char		 got[16];
	bool		 refusal;
	struct buf	 why;

	/* RFC 3207 4: only 220 starts TLS (454 and 501 refuse it); RFC 2595
	 * 4: only +OK does. A 250 or a 354 is no answer to STARTTLS. */
	if (s->proto == REPLY_POP3 ? rl->pop3 == REPLY_POP3_OK :
	    rl->code == 220) {
		session_tls_upgrade(s);
		return;
	}
	if (s->tls) {
		/* A second STARTTLS/STLS refused ("TLS already active"): the
		 * connection is still encrypted, nothing changed. */
		session_info(s, 0, "TLS stays active: the server refused a "
		    "second %s (%s)", verb, s->proto == REPLY_POP3 ?
		    "RFC 2595 4" : "RFC 3207 4.2");
		return;
	}
	s->starttls_refused = true;
	if (s->proto == REPLY_POP3) {
		refusal = rl->pop3 == REPLY_POP3_ERR;
		snprintf(got, sizeof(got), "%s", refusal ? "-ERR" : "\"+ \"");
	} else {
		refusal = rl->code >= 400;
		snprintf(got, sizeof(got), "%d", rl->code);
	}
	if (s->tls_required) {
		buf_init(&why, 512);
		if (refusal)
			(void)buf_printf(&why, "TLS was asked for and the server "
			    "refused %s (%s): the connection is not encrypted, so "
			    "the session ends here and nothing more is sent in "
			    "plain text; try again later, or use the implicit-TLS "
			    "port (%s)", verb, got, s->proto == REPLY_POP3 ?
			    "pop3s://, 995" : "smtps://, 465");
		else
			(void)buf_printf(&why, "TLS was asked for and the server "
			    "answered %s with %s instead of %s, which no correct "
			    "server does (a middlebox rewriting the session, or "
			    "an attack): the connection is not encrypted, so the "
			    "session ends here and nothing more is sent in plain "
			    "text", verb, got, s->proto == REPLY_POP3 ? "+OK" :
			    "220");
		session_fail(s, FAIL_TLS, why.data);
		buf_clear(&why);
	} else if (!refusal)
		session_info(s, PEV_F_WARNING, "%s answered with %s, not %s "
		    "(%s): no TLS, the connection stays in plain text", verb,
		    got, s->proto == REPLY_POP3 ? "+OK" : "220",
		    s->proto == REPLY_POP3 ? "RFC 2595 4" : "RFC 3207 4");
	else
		session_info(s, 0, "no TLS: the connection stays in plain "
		    "text");
}

/* Report the bytes dropped between the STARTTLS/STLS reply and TLS. */
static void
report_dropped(struct session *s)
{
	if (s->tls_dropped > 0)
		session_info(s, PEV_F_WARNING, "discarded %zu bytes the server "
		    "sent after the %s reply and before TLS (possible "
		    "injection; never obeyed)", s->tls_dropped,
		    s->proto == REPLY_POP3 ? "STLS" : "STARTTLS");
	s->tls_dropped = 0;
}

static void
on_line(struct session *s, const struct reader_item *it)
{
	struct pending		*head = session_head(s);
	struct reply_line	 rl;
	unsigned		 flags = 0;

	/* A line that is no reply gets no colour; finish_reply fails the
	 * session on it once the reply is complete. */
	if (reply_parse_line(s->proto, it->line, it->len, &rl, NULL) == 0) {
		flags = session_reply_flags(s, &rl);
		if (rl.code == 334 || rl.code == 354 ||
		    (s->proto == REPLY_POP3 && rl.pop3 == REPLY_POP3_CONT))
			flags |= PEV_F_CONTINUE;
	}
	session_emit(s, PEV_RECEIVED, flags, it->line, it->len,
	    s->greeted && head != NULL ? head->seq : 0);
	if (s->reply.len > 0)
		buf_append_byte(&s->reply, '\n');
	buf_append(&s->reply, it->line, it->len);
}

static void
finish_reply(struct session *s)
{
	struct pending		*head = session_head(s);
	struct reply_line	 rl;
	const char		*err, *nl;
	size_t			 first;
	struct buf		 m;
	uint64_t		 seq;
	struct session_facts	 facts;
	struct explain_cmd	 cmd = { NULL, NULL, 0 };

	nl = memchr(s->reply.data, '\n', s->reply.len);
	first = nl != NULL ? (size_t)(nl - s->reply.data) : s->reply.len;
	if (reply_parse_line(s->proto, s->reply.data, first, &rl, &err) == -1) {
		struct buf why;

		buf_init(&why, 512);
		buf_printf(&why, "not a %s reply: %s",
		    s->proto == REPLY_POP3 ? "POP3" : "SMTP", err);
		session_fail(s, FAIL_PROTOCOL, why.data);
		buf_clear(&why);
		return;
	}
	if (!s->greeted) {
		cmd.verb = "";
		head = NULL;
	} else if (head != NULL) {
		cmd.verb = head->verb;
		cmd.arg = head->arg;
		cmd.arg_len = head->arg_len;
	}
	seq = head != NULL ? head->seq : 0;
	buf_init(&m, LIMIT_REPLY_LINE * 4);
	/* Read with what the session knew before this reply took effect. */
	session_facts(s, &facts);
	if (explain_reply(&facts, &cmd, &rl, s->reply.data, s->reply.len,
	    &m) == 0 && m.len > 0)
		session_emit(s, PEV_MEANING, session_reply_flags(s, &rl),
		    m.data, m.len, seq);
	buf_clear(&m);
	if (s->greeted && head == NULL)
		session_info(s, PEV_F_WARNING, "unsolicited reply: no command "
		    "was waiting for it");
	if (s->proto == REPLY_POP3)
		pop3_reply(s, head, &rl);
	else
		smtp_reply(s, head, &rl);
}

/* Show the line the reply stream broke on (cut by a close, over-long,
 * holding a NUL, refused) as an "S: " line: its first LIMIT_CUT_SHOWN bytes
 * (escaped like every S: line when formatted), "…" and a bracketed note
 * saying why and how much was shown. Nothing when no bytes are pending. */
static void
show_cut(struct session *s, const char *why)
{
	struct buf	 b;
	const char	*p;
	size_t		 len, shown;

	p = reader_partial(s->reader, &len);
	if (len == 0)
		return;
	/* On a whole character: no stray lead byte before the "…". */
	shown = transcript_cut(p, len, LIMIT_CUT_SHOWN);
	buf_init(&b, LIMIT_CUT_SHOWN + 512);
	(void)buf_append(&b, p, shown);
	if (shown < len)
		(void)buf_printf(&b, "\xe2\x80\xa6 [cut: %s; first %zu bytes "
		    "shown]", why, shown);
	else
		(void)buf_printf(&b, "\xe2\x80\xa6 [cut: %s; %zu bytes]", why, len);
	session_emit(s, PEV_RECEIVED, PEV_F_WARNING | PEV_F_NEGATIVE,
	    b.data != NULL ? b.data : "", b.len,
	    session_head(s) != NULL ? session_head(s)->seq : 0);
	buf_clear(&b);
}

int
session_input(struct session *s, const char *p, size_t len)
{
	struct reader_item	 it;
	const char		*err;
	int			 r;

	if (s->failed)
		return -1;
	if (s->tls_pending) {
		/* The handshake owns the connection now: plain bytes read
		 * before it started are dropped like the buffered ones. */
		s->tls_dropped += len;
		return 0;
	}
	if (reader_feed(s->reader, p, len) == -1) {
		show_cut(s, "too much without a line end");
		session_fail(s, FAIL_PROTOCOL, "peer sent too much data");
		return -1;
	}
	while (!s->failed && !s->tls_pending &&
	    (r = reader_next(s->reader, &it, &err)) != 0) {
		if (r == -1) {
			show_cut(s, err);
			session_fail(s, FAIL_PROTOCOL, err);
			break;
		}
		switch (it.kind) {
		case READER_LINE:
			if (s->in_body)
				break;
			on_line(s, &it);
			if (it.last) {
				finish_reply(s);
				if (!s->in_body)
					buf_reset(&s->reply);
			}
			break;
		case READER_BODY_LINE:
			/* Streamed: pop3.c keeps only what it reads. */
			pop3_body_line(s, &it);
			break;
		case READER_BODY_END:
			session_emit(s, PEV_RECEIVED, PEV_F_BODY |
			    PEV_F_TERMINATOR, it.line, it.len,
			    session_head(s) != NULL ? session_head(s)->seq : 0);
			s->in_body = false;
			pop3_body_end(s);
			buf_reset(&s->reply);
			break;
		}
	}
	return s->failed ? -1 : 0;
}

void
session_eof(struct session *s)
{
	struct pending	*head = session_head(s);
	struct buf	 why;

	if (s->failed)
		return;
	if (s->over && s->fifo_len == 0) {
		if (s->proto == REPLY_POP3 &&
		    s->state == POP3_STATE_UPDATE)
			session_set_state(s, POP3_STATE_CLOSED);
		session_info(s, 0, "connection closed by the server");
		return;
	}
	show_cut(s, "connection closed mid-line");
	buf_init(&why, 512);
	if (s->in_body && head != NULL)
		buf_printf(&why, "connection closed in the middle of the %s "
		    "response", head->verb);
	else if (reader_mid_reply(s->reader))
		buf_printf(&why, "connection closed in the middle of a reply");
	else if (!s->greeted)
		buf_printf(&why, "connection closed before the greeting");
	else if (head != NULL)
		buf_printf(&why, "connection closed while %zu command(s) "
		    "waited for a reply (first: %s)", s->fifo_len, head->verb);
	else
		buf_printf(&why, "connection closed by the server");
	session_fail(s, FAIL_PROTOCOL, why.data);
	buf_clear(&why);
}

/* ---- typed lines ---- */

static const char *const driver_cmds[] = {
	"CONNECT", "SAVE", "QUIT", "HELP",
};

static int
refuse(struct session *s, const char *why, const char **errstr_r)
{
	session_info(s, PEV_F_WARNING | PEV_F_NEGATIVE, "%s", why);
	if (errstr_r != NULL)
		*errstr_r = why;
	return -1;
}

static int
starttls_start(struct session *s, const char **errstr_r)
{
	if (s->tls)
		return refuse(s, "/starttls: the connection is already TLS",
		    errstr_r);
	s->tls_required = true;
	s->action = ACTION_STARTTLS;
	s->step = 0;
	if (!s->greeted) {
		s->wait_greeting = true;
		session_info(s, 0, "/starttls: waiting for the greeting");
		return 0;
	}
	session_greeted(s);
	return 0;
}

static void
starttls_go(struct session *s)
{
	if (s->proto == REPLY_SMTP && s->state == SMTP_STATE_EHLO &&
	    s->step == 0) {
		/* RFC 3207 4: STARTTLS follows EHLO; ask for capabilities
		 * first so we can see STARTTLS is offered. */
		s->step = 1;
		session_send_ehlo(s, 0);
		return;
	}
	if (s->caps_known && !(s->proto == REPLY_POP3 ? s->caps.stls :
	    s->caps.starttls))
		session_info(s, PEV_F_WARNING, "the server did not advertise "
		    "%s; trying anyway", s->proto == REPLY_POP3 ? "STLS" :
		    "STARTTLS");
	s->step = 2;
	s->refresh_after_tls = true;
	session_send_action(s, s->proto == REPLY_POP3 ? "STLS" : "STARTTLS",
	    s->proto == REPLY_POP3 ? 4 : 8, 0);
}

/* Why /auth must not send the secret now, or NULL: the connection is in
 * the clear, the mechanism shows the password to anyone on the way
 * (USER/PASS, PLAIN, LOGIN, XOAUTH2), the server does not offer it here
 * but offers STARTTLS/STLS, after which it usually will. Sending anyway
 * puts a reusable password on the wire for nothing (RFC 4616 1, RFC 3207
 * 4, RFC 2595 2). CRAM-MD5 and APOP send no password; a typed AUTH or
 * PASS still goes out as typed. */
static bool
mech_offered(const struct session *);

static const char *
auth_cleartext_refusal(const struct session *s)
{
	bool	offered;

	if (s->tls || !s->caps_known || s->mech == SASL_APOP ||
	    s->mech == SASL_CRAM_MD5)
		return NULL;
	offered = s->mech == SASL_USER ? s->caps.user : mech_offered(s);
	if (offered)
		return NULL;
	if (s->proto == REPLY_SMTP && s->caps.starttls)
		return "/auth: not sent: on this unencrypted connection the "
		    "server's EHLO lists STARTTLS, not AUTH with this "
		    "mechanism; /starttls first (then EHLO shows AUTH); a "
		    "password in the clear can be read on the way (RFC 4616 1, "
		    "RFC 3207 4)";
	if (s->proto == REPLY_POP3 && s->caps.stls)
		return "/auth: not sent: on this unencrypted connection CAPA "
		    "lists STLS, not this login; /starttls first; a password "
		    "in the clear can be read on the way (RFC 2595 2, RFC "
		    "4616 1)";
	return NULL;
}

static int
auth_start(struct session *s, const char *arg, size_t len,
    const char **errstr_r)
{
	const char	*p = arg, *end = arg + len, *w;
	size_t		 n;
	struct buf	 b;

	while (p < end && *p == ' ')
		p++;
	w = p;
	while (p < end && *p != ' ')
		p++;
	if (p == w)
		return refuse(s, "usage: /auth MECH [USER] (PLAIN, LOGIN, "
		    "CRAM-MD5, XOAUTH2, APOP, USER)", errstr_r);
	if (sasl_mech_parse(w, (size_t)(p - w), &s->mech) == -1)
		return refuse(s, "/auth: unknown mechanism (PLAIN, LOGIN, "
		    "CRAM-MD5, XOAUTH2, APOP, USER)", errstr_r);
	while (p < end && *p == ' ')
		p++;
	w = p;
	while (p < end && *p != ' ')
		p++;
	n = (size_t)(p - w);
	free(s->auth_user);
	s->auth_user = NULL;
	if (n > 0)
		s->auth_user = xstrndup(w, n);
	else if (s->user != NULL)
		s->auth_user = xstrdup(s->user);
	else
		return refuse(s, "/auth: no user (type /auth MECH USER)",
		    errstr_r);
	if (s->proto == REPLY_SMTP && (s->mech == SASL_APOP ||
	    s->mech == SASL_USER))
		return refuse(s, "/auth: APOP and USER are POP3 only",
		    errstr_r);
	if (s->proto == REPLY_POP3 && s->greeted &&
	    s->state != POP3_STATE_AUTHORIZATION)
		return refuse(s, "/auth: only in the AUTHORIZATION state",
		    errstr_r);
	if (s->mech == SASL_APOP && s->greeted && s->apop_ts == NULL)
		return refuse(s, "/auth APOP: the greeting had no <timestamp>, "
		    "so the server does not offer APOP (RFC 1939 7)", errstr_r);
	if (auth_cleartext_refusal(s) != NULL)
		return refuse(s, auth_cleartext_refusal(s), errstr_r);
	s->action = ACTION_AUTH;
	s->step = 0;
	s->secret_wanted = true;
	free(s->prompt);
	buf_init(&b, LIMIT_COMMAND_LINE + 64);
	(void)buf_printf(&b, "%s for %s (%s):", s->mech == SASL_XOAUTH2 ?
	    "OAuth2 access token" : s->mech == SASL_APOP ?
	    "APOP shared secret" : "password", s->auth_user,
	    sasl_mech_name(s->mech));
	s->prompt = buf_steal(&b);
	session_emit(s, PEV_NEED_SECRET, 0, s->prompt, strlen(s->prompt), 0);
	return 0;
}

int
session_secret(struct session *s, const char *p, size_t len)
{
	if (!s->secret_wanted)
		return -1;
	s->secret_wanted = false;
	buf_wipe(&s->secret);
	if (buf_append(&s->secret, p, len) == -1) {
		session_action_end(s, PEV_F_NEGATIVE, "secret too long");
		return -1;
	}
	if (!s->greeted) {
		s->wait_greeting = true;
		return 0;
	}
	auth_begin(s);
	return 0;
}

static bool
mech_offered(const struct session *s)
{
	const char	*name = sasl_mech_name(s->mech);

	return caps_has_mech(&s->caps, name, strlen(name));
}

/* Send "VERB payload" or just the verb, the payload marked secret. */
static void
auth_send(struct session *s, const char *verb, const struct buf *payload)
{
	struct buf	line;
	const char	*err;

	buf_init(&line, LIMIT_COMMAND_LINE);
	if (buf_append_str(&line, verb) == -1 || (payload != NULL &&
	    (buf_append_byte(&line, ' ') == -1 ||
	    buf_append(&line, payload->data, payload->len) == -1)) ||
	    session_send(s, line.data, line.len, ORIGIN_ACTION, 0, &err) == -1)
		session_action_end(s, PEV_F_NEGATIVE,
		    "/auth: the command does not fit in a line");
	buf_wipe(&line);
}

/* The response for step s->step of the exchange (1: the first one) in
 * mechanism s->mech; nothing for a step the mechanism does not have.
 * 0, or -1 with *errstr_r. */
static int
auth_response(struct session *s, const char *chal, size_t chal_len,
    struct buf *p, const char **errstr_r)
{
	const char	*sec = s->secret.data != NULL ? s->secret.data : "";
	int		 r = 0;

	switch (s->mech) {
	case SASL_PLAIN:
		if (s->step == 1)
			r = sasl_plain(s->auth_user, sec, s->secret.len, p);
		break;
	case SASL_XOAUTH2:
		if (s->step == 1)
			r = sasl_xoauth2(s->auth_user, sec, s->secret.len, p);
		break;
	case SASL_LOGIN:
		/* The "Username:" and "Password:" challenges, in order. */
		if (s->step == 1)
			r = sasl_encode(s->auth_user, strlen(s->auth_user), p);
		else if (s->step == 2)
			r = sasl_encode(sec, s->secret.len, p);
		break;
	case SASL_CRAM_MD5:
		if (s->step == 1)
			r = sasl_cram_md5(s->auth_user, sec, s->secret.len,
			    chal, chal_len, p, errstr_r);
		break;
	default:
		break;
	}
	if (r == -1 && s->mech != SASL_CRAM_MD5)
		*errstr_r = "/auth: the secret is too long";
	return r;
}

static void
auth_begin(struct session *s)
{
	struct buf	 p;
	const char	*err, *verb;
	char		 hex[33];
	bool		 ir;
	int		 r;

	if (s->proto == REPLY_SMTP && s->state == SMTP_STATE_EHLO) {
		s->step = -1;
		session_send_ehlo(s, 0);
		return;
	}
	if (auth_cleartext_refusal(s) != NULL) {
		/* Capabilities learnt from the EHLO sent for /auth; the
		 * secret is wiped by session_action_end. */
		session_action_end(s, PEV_F_NEGATIVE,
		    auth_cleartext_refusal(s));
		return;
	}
	if (!s->tls)
		session_info(s, PEV_F_WARNING, "sending credentials over a "
		    "connection that is not encrypted");
	if (s->mech == SASL_USER) {
		if (s->caps_known && !s->caps.user)
			session_info(s, PEV_F_WARNING, "CAPA did not list USER");
	} else if (s->mech != SASL_APOP && s->caps_known && !mech_offered(s))
		session_info(s, PEV_F_WARNING, "the server did not advertise "
		    "AUTH %s", sasl_mech_name(s->mech));
	s->step = 0;
	buf_init(&p, LIMIT_COMMAND_LINE);
	/* RFC 4954 4: SMTP may always send an initial response; RFC 5034 4
	 * allows it for POP3, and servers that list SASL in CAPA take it. */
	ir = s->proto == REPLY_SMTP || (s->caps_known && s->caps.auth != NULL);
	switch (s->mech) {
	case SASL_USER:
		if (buf_printf(&p, "USER %s", s->auth_user) == -1)
			session_action_end(s, PEV_F_NEGATIVE, "/auth: the user "
			    "name is too long");
		else
			session_send_action(s, p.data, p.len, 0);
		break;
	case SASL_APOP:
		if (s->apop_ts == NULL) {
			session_action_end(s, PEV_F_NEGATIVE, "/auth APOP: the "
			    "greeting had no <timestamp> (RFC 1939 7)");
			break;
		}
		sasl_apop_digest(s->apop_ts, strlen(s->apop_ts),
		    s->secret.data != NULL ? s->secret.data : "", s->secret.len,
		    hex);
		r = buf_printf(&p, "APOP %s %s", s->auth_user, hex);
		explicit_bzero(hex, sizeof(hex));
		if (r == -1)
			session_action_end(s, PEV_F_NEGATIVE, "/auth: the user "
			    "name is too long");
		else
			session_send_action(s, p.data, p.len, 0);
		break;
	case SASL_PLAIN:
	case SASL_XOAUTH2:
		verb = s->mech == SASL_PLAIN ? "AUTH PLAIN" : "AUTH XOAUTH2";
		if (!ir) {
			auth_send(s, verb, NULL);
			break;
		}
		s->step = 1;
		if (auth_response(s, NULL, 0, &p, &err) == -1) {
			session_action_end(s, PEV_F_NEGATIVE, err);
			break;
		}
		auth_send(s, verb, &p);
		break;
	case SASL_LOGIN:
		auth_send(s, "AUTH LOGIN", NULL);
		break;
	case SASL_CRAM_MD5:
		auth_send(s, "AUTH CRAM-MD5", NULL);
		break;
	case SASL_MECH_COUNT:
		break;
	}
	buf_wipe(&p);
}

void
session_continuation(struct session *s, struct pending *head,
    const char *text, size_t len)
{
	struct buf	 p;
	const char	*err = NULL;
	int		 r;

	if (head->cancel) {
		/* RFC 4954 4, RFC 5034 4: "*" answers a challenge to cancel;
		 * the server then replies 501 / -ERR. */
		head->cancel = false;
		head->cancelled = true;
		session_info(s, 0, "cancelling the AUTH exchange: \"*\" "
		    "answers the challenge (RFC %s 4)", s->proto == REPLY_POP3 ?
		    "5034" : "4954");
		session_send_continuation(s, "*", 1, false);
		return;
	}
	if (head->origin != ORIGIN_ACTION || (s->action != ACTION_AUTH &&
	    s->action != ACTION_SEND)) {
		/* A typed AUTH: the user answers the continuation. */
		s->sasl_open = true;
		session_info(s, 0, "the server waits for a SASL response: "
		    "type it (base64), or * to cancel; it is shown as %s",
		    "********");
		return;
	}
	buf_init(&p, LIMIT_COMMAND_LINE);
	s->step++;
	if (s->mech == SASL_XOAUTH2 && s->step == 2) {
		/* After a failed token the server sends a 334 with an error
		 * JSON; the client answers with an empty line. */
		session_send_continuation(s, "", 0, false);
	} else if ((r = auth_response(s, text, len, &p, &err)) == 0 &&
	    p.len > 0)
		session_send_continuation(s, p.data, p.len, true);
	else {
		/* RFC 4954 4 / RFC 5034 4: "*" cancels an exchange we cannot
		 * continue. */
		session_info(s, PEV_F_WARNING, "%s; cancelling the exchange",
		    r == -1 ? err : "unexpected continuation");
		head->cancelled = true;
		session_send_continuation(s, "*", 1, false);
	}
	buf_wipe(&p);
}

void
session_action_end(struct session *s, unsigned flags, const char *why)
{
	if (why != NULL)
		session_info(s, flags, "%s", why);
	/* /auth and the AUTH of a /send hold a secret. */
	buf_wipe(&s->secret);
	if (s->action == ACTION_LOAD)
		load_clear(s);
	if (s->action == ACTION_SEND)
		send_clear(s);
	s->action = ACTION_NONE;
	s->secret_wanted = false;
	s->prompting = false;
	s->wait_greeting = false;
	s->step = 0;
}

void
session_greeted(struct session *s)
{
	const char	*err;

	if (!s->wait_greeting && s->action != ACTION_STARTTLS)
		return;
	s->wait_greeting = false;
	switch (s->action) {
	case ACTION_STARTTLS:
		if (s->step == 0)
			starttls_go(s);
		break;
	case ACTION_AUTH:
		if (s->proto == REPLY_POP3 &&
		    s->state != POP3_STATE_AUTHORIZATION)
			session_action_end(s, PEV_F_NEGATIVE, "/auth: the "
			    "server did not greet with +OK");
		else if (!s->secret_wanted)
			auth_begin(s);
		break;
	case ACTION_LOAD:
		if (load_start(s, &err) == -1)
			session_action_end(s, PEV_F_NEGATIVE, err);
		break;
	default:
		break;
	}
}

int
session_outcome(struct session *s, const struct pending *head,
    const struct reply_line *rl, const char *action, struct buf *out)
{
	struct session_facts	f;
	enum outcome		k;

	session_facts(s, &f);
	k = outcome_read(&f, head->verb, rl, s->reply.data, s->reply.len);
	if (k == OUTCOME_OK)
		k = OUTCOME_PERMANENT;
	if (outcome_code(rl, out) == -1 || buf_append_str(out, ": ") == -1 ||
	    outcome_explain(&f, k, action, out) == -1)
		return -1;
	return 0;
}

/* The one "* " line of a refused /auth: what failed, the code, the cause
 * read from the reply (wrong credentials, mailbox locked, login delay,
 * TLS required, mechanism not offered, temporary failure) and the next
 * step; then the action ends. what names the step when it is not the
 * login itself ("USER was refused"). */
static void
auth_failed(struct session *s, const struct pending *head,
    const struct reply_line *rl, const char *what)
{
	struct buf	b;

	buf_init(&b, LIMIT_REPLY_LINE);
	(void)buf_printf(&b, "authentication failed as %s (%s)%s%s, ",
	    s->auth_user, sasl_mech_name(s->mech), what != NULL ? ": " : "",
	    what != NULL ? what : "");
	(void)session_outcome(s, head, rl, "/auth", &b);
	session_action_end(s, PEV_F_NEGATIVE, b.data);
	buf_clear(&b);
}

void
session_action_reply(struct session *s, const struct pending *head,
    const struct reply_line *rl, bool positive)
{
	struct buf	p;

	if (s->failed)
		return;
	switch (s->action) {
	case ACTION_STARTTLS:
		if (s->step == 1) {
			if (!positive)
				session_fail(s, FAIL_TLS, "TLS was asked for "
				    "and the server refused EHLO, so STARTTLS "
				    "cannot follow: the session ends here and "
				    "nothing more is sent in plain text");
			else
				starttls_go(s);
		} else if (s->step == 3)
			session_action_end(s, 0, NULL);
		break;
	case ACTION_AUTH:
		if (s->step == -1) {
			if (positive)
				auth_begin(s);
			else
				session_action_end(s, PEV_F_NEGATIVE,
				    "/auth: EHLO was refused");
			break;
		}
		if (s->mech == SASL_USER && pending_is(head, "USER")) {
			if (!positive) {
				auth_failed(s, head, rl, "USER was refused");
				break;
			}
			buf_init(&p, LIMIT_COMMAND_LINE);
			if (buf_append_str(&p, "PASS ") == -1 ||
			    buf_append(&p, s->secret.data != NULL ?
			    s->secret.data : "", s->secret.len) == -1)
				session_action_end(s, PEV_F_NEGATIVE,
				    "/auth: the secret is too long");
			else
				session_send_action(s, p.data, p.len, 0);
			buf_wipe(&p);
			break;
		}
		if (head->cancelled && !positive) {
			session_action_end(s, 0, "/auth cancelled");
			break;
		}
		if (!positive) {
			auth_failed(s, head, rl, NULL);
			break;
		}
		free(s->login_user);
		s->login_user = xstrdup(s->auth_user);
		session_info(s, PEV_F_POSITIVE, "authenticated as %s (%s)",
		    s->auth_user, sasl_mech_name(s->mech));
		session_action_end(s, 0, NULL);
		break;
	case ACTION_LOAD:
		load_reply(s, head, rl, positive);
		break;
	case ACTION_SEND:
		send_reply(s, head, rl, positive);
		break;
	case ACTION_NONE:
		break;
	}
}

void
session_tls_done(struct session *s)
{
	report_dropped(s);
	s->tls = true;
	s->tls_pending = false;
	/* Kept so that what TLS changed can be explained ("AUTH PLAIN is
	 * offered now, it was not before"). */
	caps_clear(&s->caps_plain);
	s->caps_plain = s->caps;
	s->caps_plain_known = s->caps_known;
	caps_init(&s->caps);
	s->caps_known = false;
	session_info(s, 0, "capabilities forgotten after TLS (%s); ask again "
	    "with %s", s->proto == REPLY_POP3 ? "RFC 2595 4" : "RFC 3207 4.2",
	    s->proto == REPLY_POP3 ? "CAPA" : "EHLO");
	s->ehlo_done = false;
	/* RFC 3207 4.2: the SMTP session starts over after TLS. */
	s->authed = false;
	s->mail_accepted = false;
	s->rcpt_accepted = s->rcpt_refused = 0;
	if (s->proto == REPLY_SMTP && s->greeted)
		session_set_state(s, SMTP_STATE_EHLO);
	if (s->action == ACTION_SEND) {
		send_tls_done(s);
		return;
	}
	if (s->action == ACTION_STARTTLS && s->refresh_after_tls) {
		s->refresh_after_tls = false;
		s->step = 3;
		if (s->proto == REPLY_SMTP)
			session_send_ehlo(s, 0);
		else
			session_send_action(s, "CAPA", 4, 0);
	}
}

static int
workbench(struct session *s, const struct command *cmd,
    const char **errstr_r)
{
	size_t	i;

	for (i = 0; i < sizeof(driver_cmds) / sizeof(driver_cmds[0]); i++)
		if (strcmp(cmd->verb, driver_cmds[i]) == 0) {
			if (errstr_r != NULL)
				*errstr_r = "a driver command, not the session's";
			return -1;
		}
	if (s->action != ACTION_NONE &&
	    (strcmp(cmd->verb, "STARTTLS") == 0 ||
	    strcmp(cmd->verb, "AUTH") == 0 || strcmp(cmd->verb, "LOAD") == 0 ||
	    strcmp(cmd->verb, "SEND") == 0))
		return refuse(s, "another workbench command is under way",
		    errstr_r);
	if (strcmp(cmd->verb, "CANCEL") == 0) {
		if (!session_cancellable(s))
			return refuse(s, "/cancel: nothing to cancel", errstr_r);
		session_cancel(s);
		return 0;
	}
	if (s->over)
		return refuse(s, "the session is over", errstr_r);
	if (strcmp(cmd->verb, "STARTTLS") == 0)
		return starttls_start(s, errstr_r);
	if (strcmp(cmd->verb, "AUTH") == 0)
		return auth_start(s, cmd->arg, cmd->arg_len, errstr_r);
	if (strcmp(cmd->verb, "LOAD") == 0) {
		if (s->proto != REPLY_POP3)
			return refuse(s, "/load is for POP3 sessions",
			    errstr_r);
		s->action = ACTION_LOAD;
		if (!s->greeted) {
			s->wait_greeting = true;
			return 0;
		}
		if (load_start(s, errstr_r) == -1) {
			s->action = ACTION_NONE;
			return refuse(s, *errstr_r, errstr_r);
		}
		return 0;
	}
	if (strcmp(cmd->verb, "SEND") == 0) {
		if (s->proto != REPLY_SMTP)
			return refuse(s, "/send is for SMTP sessions",
			    errstr_r);
		s->action = ACTION_SEND;
		if (send_start(s, errstr_r) == -1) {
			s->action = ACTION_NONE;
			return refuse(s, *errstr_r, errstr_r);
		}
		return 0;
	}
	session_info(s, PEV_F_WARNING | PEV_F_NEGATIVE, "unknown command /%s "
	    "(/help lists them)", cmd->verb);
	if (errstr_r != NULL)
		*errstr_r = "unknown command";
	return -1;
}

/* True when a DATA command is in the FIFO (its 354 not yet seen). */
static bool
data_waiting(const struct session *s)
{
	size_t	i;

	for (i = 0; i < s->fifo_len; i++)
		if (s->fifo[(s->fifo_head + i) % s->fifo_cap].shape ==
		    COMMAND_DATA)
			return true;
	return false;
}

int
session_submit(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	struct command	 cmd;
	const char	*err = NULL;

	if (errstr_r == NULL)
		errstr_r = &err;
	if (s->secret_wanted)
		return session_secret(s, line, len);
	if (s->prompting) {
		/* The one way out of the guided /send from the composer. */
		if (len == 7 && memcmp(line, "/cancel", 7) == 0) {
			session_cancel(s);
			return 0;
		}
		return send_answer(s, line, len, errstr_r);
	}
	if (s->failed)
		return refuse(s, "the session has failed; /connect again",
		    errstr_r);
	if (s->tls_pending)
		return refuse(s, "the TLS handshake is under way", errstr_r);
	if (s->message_mode) {
		if (session_send_message_line(s, line, len, errstr_r) == -1)
			return refuse(s, *errstr_r, errstr_r);
		return 0;
	}
	if (s->sasl_open) {
		/* RFC 4954 4: the line answers the 334; "*" cancels, and so
		 * does the workbench's own /cancel. */
		if (len == 7 && memcmp(line, "/cancel", 7) == 0) {
			session_cancel(s);
			return 0;
		}
		s->sasl_open = false;
		if (memchr(line, '\r', len) != NULL ||
		    memchr(line, '\n', len) != NULL ||
		    memchr(line, '\0', len) != NULL)
			return refuse(s, "line contains CR, LF or NUL",
			    errstr_r);
		command_continuation(line, len, &cmd);
		if (session_send_continuation(s, line, len, cmd.secret) == -1)
			return refuse(s, "output buffer full", errstr_r);
		return 0;
	}
	if (command_parse(s->proto, line, len, &cmd, errstr_r) == -1) {
		session_info(s, PEV_F_WARNING | PEV_F_NEGATIVE, "not sent: %s",
		    *errstr_r);
		return -1;
	}
	if (cmd.workbench)
		return workbench(s, &cmd, errstr_r);
	if (s->over)
		return refuse(s, "the session is over", errstr_r);
	if (data_waiting(s))
		session_info(s, PEV_F_WARNING, "DATA is still waiting for its "
		    "354: after it the server reads this line as message text "
		    "(RFC 2920 3.1: DATA ends a pipelined group)");
	if (session_send(s, line, len, ORIGIN_USER, 0, errstr_r) == -1)
		return refuse(s, *errstr_r, errstr_r);
	return 0;
}

/* The newest AUTH waiting for its challenge or final reply, or NULL. */
static struct pending *
sasl_pending(const struct session *s)
{
	struct pending	*p;
	size_t		 i;

	for (i = s->fifo_len; i > 0; i--) {
		p = &s->fifo[(s->fifo_head + i - 1) % s->fifo_cap];
		if (p->shape == COMMAND_SASL)
			return p->cancelled ? NULL : p;
	}
	return NULL;
}

/* True when the FIFO holds an /auth command that carried the credential
 * itself (PASS, APOP): past the point where cancelling means anything. */
static bool
credential_sent(const struct session *s)
{
	const struct pending	*p;
	size_t			 i;

	for (i = 0; i < s->fifo_len; i++) {
		p = &s->fifo[(s->fifo_head + i) % s->fifo_cap];
		if (p->origin == ORIGIN_ACTION && (strcmp(p->verb, "PASS") ==
		    0 || strcmp(p->verb, "APOP") == 0))
			return true;
	}
	return false;
}

void
session_cancel(struct session *s)
{
	struct pending	*p;

	if (s->secret_wanted) {
		session_action_end(s, 0, s->action == ACTION_SEND ?
		    "/send cancelled: nothing was sent" : "/auth cancelled");
		return;
	}
	if (s->prompting) {
		session_action_end(s, 0, "/send cancelled");
		return;
	}
	if (s->sasl_open) {
		/* A typed AUTH whose challenge the user was to answer. */
		s->sasl_open = false;
		session_info(s, 0, "cancelling the AUTH exchange: \"*\" "
		    "answers the challenge (RFC %s 4)", s->proto == REPLY_POP3 ?
		    "5034" : "4954");
		session_send_continuation(s, "*", 1, false);
		return;
	}
	if ((p = sasl_pending(s)) != NULL) {
		/* The AUTH is out and its challenge not here yet: a client
		 * may only send "*" in answer to one. */
		if (!p->cancel)
			session_info(s, 0, "cancel requested: \"*\" answers "
			    "the server's next challenge (RFC %s 4)",
			    s->proto == REPLY_POP3 ? "5034" : "4954");
		p->cancel = true;
		return;
	}
	if (s->action == ACTION_AUTH) {
		if (credential_sent(s))
			session_info(s, PEV_F_WARNING, "/auth: the credentials "
			    "are already sent; nothing left to cancel");
		else
			session_action_end(s, 0, "/auth cancelled before "
			    "anything secret was sent");
	}
}

bool
session_cancellable(const struct session *s)
{
	return s->secret_wanted || s->prompting || s->sasl_open ||
	    sasl_pending(s) != NULL ||
	    (s->action == ACTION_AUTH && !credential_sent(s));
}

/* ---- queries ---- */

const struct caps *
session_caps(const struct session *s)
{
	return &s->caps;
}

bool
session_caps_known(const struct session *s)
{
	return s->caps_known;
}

size_t
session_pending_deletions(const struct session *s)
{
	return s->proto == REPLY_POP3 && s->state == POP3_STATE_TRANSACTION ?
	    s->ndele : 0;
}

bool
session_waiting(const struct session *s)
{
	return s->fifo_len > 0 || s->action != ACTION_NONE;
}

bool
session_message_mode(const struct session *s)
{
	return s->message_mode;
}

bool
session_wants_secret(const struct session *s, const char **prompt_r)
{
	if (prompt_r != NULL)
		*prompt_r = s->secret_wanted ? s->prompt : NULL;
	return s->secret_wanted;
}

bool
session_prompting(const struct session *s, const char **prompt_r)
{
	if (prompt_r != NULL)
		*prompt_r = s->prompting ? s->prompt : NULL;
	return s->prompting;
}

void
session_progress(const struct session *s, size_t *done_r, size_t *total_r)
{
	*done_r = s->action == ACTION_LOAD ? s->load_done : 0;
	*total_r = s->action == ACTION_LOAD ? s->load_total : 0;
}

bool
session_over(const struct session *s)
{
	return s->over;
}

int
session_two_numbers(const char *p, size_t len, uint64_t *a_r, uint64_t *b_r)
{
	size_t	i = 0, w;

	for (w = i; w < len && p[w] >= '0' && p[w] <= '9'; w++)
		;
	if (w == i || w >= len || p[w] != ' ' ||
	    parse_uint(p, w, UINT64_MAX, a_r) == -1)
		return -1;
	i = w + 1;
	for (w = i; w < len && p[w] >= '0' && p[w] <= '9'; w++)
		;
	if (w == i || (w < len && p[w] != ' ') ||
	    parse_uint(p + i, w - i, UINT64_MAX, b_r) == -1)
		return -1;
	return 0;
}

void
session_facts(const struct session *s, struct session_facts *r)
{
	static const enum facts_action actions[] = {
		[ACTION_NONE] = FACTS_ACTION_NONE,
		[ACTION_STARTTLS] = FACTS_ACTION_STARTTLS,
		[ACTION_AUTH] = FACTS_ACTION_AUTH,
		[ACTION_LOAD] = FACTS_ACTION_LOAD,
		[ACTION_SEND] = FACTS_ACTION_SEND,
	};

	memset(r, 0, sizeof(*r));
	r->proto = s->proto;
	r->state = s->state;
	r->state_name = session_state_name(s);
	r->greeted = s->greeted;
	r->greeting_masked = s->greeting_masked;
	r->over = s->over;
	r->failed = s->failed;
	r->tls = s->tls;
	r->tls_required = s->tls_required;
	r->tls_pending = s->tls_pending;
	r->starttls_refused = s->starttls_refused;
	r->tls_demanded = s->tls_demanded && !s->tls;
	r->caps = &s->caps;
	r->caps_known = s->caps_known;
	r->caps_plain = s->caps_plain_known ? &s->caps_plain : NULL;
	r->authed = s->authed || (s->proto == REPLY_POP3 &&
	    s->state == POP3_STATE_TRANSACTION);
	r->user = s->login_user;
	r->user_accepted = s->user_accepted;
	r->sasl_open = s->sasl_open;
	r->apop_timestamp = s->apop_ts != NULL;
	r->pending_deletions = s->ndele;
	r->stat_known = s->stat_known;
	r->stat_count = s->stat_count;
	r->stat_octets = s->stat_octets;
	r->ehlo_done = s->ehlo_done;
	r->mail_accepted = s->mail_accepted;
	r->rcpt_accepted = s->rcpt_accepted;
	r->rcpt_refused = s->rcpt_refused;
	r->message_mode = s->message_mode;
	r->waiting = s->fifo_len;
	r->action = actions[s->action];
}

void
session_stamp(struct session *s, double now_ms)
{
	size_t	i;
	struct pending *p;

	/* Newest first: the stamped ones are all older. */
	for (i = s->fifo_len; i > 0; i--) {
		p = &s->fifo[(s->fifo_head + i - 1) % s->fifo_cap];
		if (p->sent_ms != 0)
			break;
		p->sent_ms = now_ms;
	}
}

size_t
session_waiting_count(const struct session *s)
{
	return s->fifo_len;
}

bool
session_awaited(const struct session *s, uint64_t *seq_r, char *what,
    size_t whatsz, double *sent_ms_r)
{
	const struct pending	*p;
	int			 n;

	if (s->fifo_len == 0)
		return false;
	p = &s->fifo[s->fifo_head];
	*seq_r = p->seq;
	*sent_ms_r = p->sent_ms;
	if (whatsz > 0) {
		/* "RETR 1": a secret's argument was never kept. */
		n = snprintf(what, whatsz, "%s%s%.*s", p->verb, p->arg != NULL &&
		    p->arg_len > 0 ? " " : "", p->arg != NULL ?
		    (int)(p->arg_len > 200 ? 200 : p->arg_len) : 0,
		    p->arg != NULL ? p->arg : "");
		if (n < 0)
			what[0] = '\0';
	}
	return true;
}

bool
session_tls_required(const struct session *s)
{
	return s->tls_required;
}

bool
session_tls(const struct session *s)
{
	return s->tls;
}
