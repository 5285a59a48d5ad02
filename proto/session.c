/* SPDX-License-Identifier: MIT */
/* The session hub: bytes in, typed lines in, bytes and events out; the
 * FIFO of commands awaiting replies, output, TLS upgrade. It names no
 * protocol and no action: it calls the protocol's table of operations
 * (pop3.c, smtp.c) and the current action's (action-*.c). */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/explain.h"
#include "proto/limits.h"
#include "proto/outcome.h"
#include "proto/protocols.h"
#include "proto/session-int.h"
#include "proto/transcript.h"
#include "base/util.h"

/* Every workbench action, whichever protocols offer it. */
static const struct session_action_ops *const all_actions[] = {
	&action_starttls_ops, &action_auth_ops, &action_load_ops,
	&action_send_ops,
};

static void	report_dropped(struct session *);

struct session *
session_new(enum reply_proto proto, const struct session_options *opts)
{
	struct session	*s = xcalloc(1, sizeof(*s));

	s->proto = proto;
	s->ops = session_proto_ops(proto);
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
	caps_init(&s->caps);
	caps_init(&s->caps_plain);
	s->pstate = s->ops->init(s);
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

/* Free the state of the last action (current or ended). */
static void
action_free(struct session *s)
{
	if (s->apriv_ops != NULL)
		s->apriv_ops->free(s->apriv);
	s->apriv = NULL;
	s->apriv_ops = NULL;
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
	buf_wipe(&s->secret);
	caps_clear(&s->caps);
	caps_clear(&s->caps_plain);
	free(s->login_user);
	free(s->user);
	free(s->ehlo_domain);
	free(s->prompt);
	action_free(s);
	s->ops->free(s->pstate);
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
	return s->ops->state_name(s);
}

void
session_state_event(struct session *s, const char *from, const char *to,
    int state)
{
	struct qevent	*q;
	struct buf	 b;

	buf_init(&b, 256);
	buf_printf(&b, "%s -> %s", from, to);
	q = session_emit(s, PEV_STATE, 0, b.data, b.len, 0);
	q->ev.state = state;
	q->state_name = to;	/* a protocol's static name table */
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

struct pending *
session_fifo_at(const struct session *s, size_t i)
{
	assert(i < s->fifo_len);
	return &s->fifo[(s->fifo_head + i) % s->fifo_cap];
}

void
session_pop(struct session *s)
{
	assert(s->fifo_len > 0);
	assert(s->fifo_head < s->fifo_cap);
	pending_clear(&s->fifo[s->fifo_head]);
	s->fifo_head = (s->fifo_head + 1) % s->fifo_cap;
	s->fifo_len--;
}

void
session_take(struct session *s, struct pending *h_r)
{
	struct pending	*head = session_head(s);

	assert(head != NULL);
	*h_r = *head;
	head->arg = NULL;
	session_pop(s);
}

void
session_drop_all(struct session *s)
{
	while (s->fifo_len > 0)
		session_pop(s);
}

bool
pending_is(const struct pending *h, const char *verb)
{
	return strcmp(h->verb, verb) == 0;
}

bool
session_action_owns(const struct session *s, const struct pending *h)
{
	return h->origin == ORIGIN_ACTION && s->action != NULL &&
	    h->run == s->run;
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

void
session_push(struct session *s, uint64_t seq, const char *verb,
    enum command_shape shape, bool action)
{
	struct pending	*p = fifo_push(s);

	p->seq = seq;
	snprintf(p->verb, sizeof(p->verb), "%s", verb);
	p->shape = shape;
	if (action && s->action != NULL) {
		p->origin = ORIGIN_ACTION;
		p->run = s->run;
	}
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

int
session_out_line(struct session *s, const char *line, size_t len,
    bool secret)
{
	if (s->out.len + len + 2 > s->out.max)
		return -1;
	buf_append(&s->out, line, len);
	buf_append(&s->out, "\r\n", 2);
	if (secret)
		s->out_secret = true;
	return 0;
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
	if (session_out_line(s, line, len, cmd.secret) == -1) {
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
	if (s->ops->sent != NULL)
		s->ops->sent(s, &cmd);
	p->origin = origin;
	if (origin == ORIGIN_ACTION) {
		assert(s->action != NULL);
		p->run = s->run;
	}
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

int
session_send_continuation(struct session *s, const char *line, size_t len,
    bool secret)
{
	struct pending	*head = session_head(s);
	struct qevent	*q;

	if (secret && secret_blocked(s))
		return -1;
	if (session_out_line(s, line, len, secret) == -1)
		return -1;
	q = session_emit(s, PEV_SENT, PEV_F_CONTINUE |
	    (secret ? PEV_F_SECRET : 0), line, len, head != NULL ? head->seq :
	    0);
	q->ev.secret_keep = 0;
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
	return s->ops->reply_flags(rl, false);
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
    bool skip_first, uint64_t seq)
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
		/* "250-SIZE 100" -> "SIZE 100" for a protocol whose lines
		 * carry a reply code. */
		if (s->ops->caps_line != NULL && !s->ops->caps_line(&l, &n))
			continue;
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
		    s->ops->starttls_verb);
		session_drop_all(s);
	}
	s->tls_pending = true;
	session_emit(s, PEV_TLS_UPGRADE, 0, "starting TLS handshake", 22, 0);
}

void
session_starttls_reply(struct session *s, const struct reply_line *rl)
{
	const char	*verb = s->ops->starttls_verb;
	char		 got[16];
	bool		 refusal;
	struct buf	 why;

	/* RFC 3207 4: only 220 starts TLS (454 and 501 refuse it); RFC 2595
	 * 4: only +OK does. A 250 or a 354 is no answer to STARTTLS. */
	if (s->ops->starttls_positive(rl)) {
		session_tls_upgrade(s);
		return;
	}
	if (s->tls) {
		/* A second STARTTLS/STLS refused ("TLS already active"): the
		 * connection is still encrypted, nothing changed. */
		session_info(s, 0, "TLS stays active: the server refused a "
		    "second %s (%s)", verb, s->ops->tls_restart_rfc);
		return;
	}
	s->starttls_refused = true;
	refusal = s->ops->refusal(rl);
	s->ops->reply_code(rl, got, sizeof(got));
	if (s->tls_required) {
		buf_init(&why, 512);
		if (refusal)
			(void)buf_printf(&why, "TLS was asked for and the server "
			    "refused %s (%s): the connection is not encrypted, so "
			    "the session ends here and nothing more is sent in "
			    "plain text; try again later, or use the implicit-TLS "
			    "port (%s)", verb, got, s->ops->implicit_tls);
		else
			(void)buf_printf(&why, "TLS was asked for and the server "
			    "answered %s with %s instead of %s, which no correct "
			    "server does (a middlebox rewriting the session, or "
			    "an attack): the connection is not encrypted, so the "
			    "session ends here and nothing more is sent in plain "
			    "text", verb, got, s->ops->starttls_ok);
		session_fail(s, FAIL_TLS, why.data);
		buf_clear(&why);
	} else if (!refusal)
		session_info(s, PEV_F_WARNING, "%s answered with %s, not %s "
		    "(%s): no TLS, the connection stays in plain text", verb,
		    got, s->ops->starttls_ok, s->ops->starttls_rfc);
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
		    s->ops->starttls_verb);
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
	if (reply_parse_line(s->proto, it->line, it->len, &rl, NULL) == 0)
		flags = s->ops->reply_flags(&rl, true);
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
		buf_printf(&why, "not a %s reply: %s", s->ops->name, err);
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
	if (s->ops->explain(&facts, &cmd, &rl, s->reply.data, s->reply.len,
	    &m) == 0 && m.len > 0)
		session_emit(s, PEV_MEANING, session_reply_flags(s, &rl),
		    m.data, m.len, seq);
	buf_clear(&m);
	if (s->greeted && head == NULL)
		session_info(s, PEV_F_WARNING, "unsolicited reply: no command "
		    "was waiting for it");
	if (!s->greeted) {
		s->greeted = true;
		s->ops->greeting(s, &rl);
	} else
		s->ops->reply(s, head, &rl);
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
			/* Streamed: the protocol keeps only what it reads. */
			assert(s->ops->body_line != NULL);
			s->ops->body_line(s, &it);
			break;
		case READER_BODY_END:
			assert(s->ops->body_end != NULL);
			session_emit(s, PEV_RECEIVED, PEV_F_BODY |
			    PEV_F_TERMINATOR, it.line, it.len,
			    session_head(s) != NULL ? session_head(s)->seq : 0);
			s->in_body = false;
			s->ops->body_end(s);
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
		if (s->ops->closed != NULL)
			s->ops->closed(s);
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

/* ---- actions ---- */

bool
session_action_is(const struct session *s,
    const struct session_action_ops *ops)
{
	return s->action == ops;
}

void
session_action_end(struct session *s, unsigned flags, const char *why)
{
	if (why != NULL)
		session_info(s, flags, "%s", why);
	/* /auth and the AUTH of a /send hold a secret. Its own state stays
	 * (readable by a hook still running) until the next action. */
	buf_wipe(&s->secret);
	s->action = NULL;
	s->secret_wanted = false;
	s->prompting = false;
	s->wait_greeting = false;
}

void
session_ask_secret(struct session *s, const char *text)
{
	free(s->prompt);
	s->prompt = xstrdup(text);
	s->secret_wanted = true;
	session_emit(s, PEV_NEED_SECRET, 0, text, strlen(text), 0);
}

void
session_ask(struct session *s, const char *text)
{
	free(s->prompt);
	s->prompt = xstrdup(text);
	s->prompting = true;
	session_emit(s, PEV_PROMPT, 0, text, strlen(text), 0);
}

void
session_greeted(struct session *s)
{
	if (!s->wait_greeting)
		return;
	s->wait_greeting = false;
	if (s->action != NULL && s->action->greeted != NULL)
		s->action->greeted(s);
}

void
session_action_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	if (s->failed || !session_action_owns(s, h))
		return;
	if (s->action->on_reply != NULL)
		s->action->on_reply(s, h, rl, positive);
}

void
session_continuation(struct session *s, struct pending *head,
    const char *text, size_t len)
{
	if (head->cancel) {
		/* RFC 4954 4, RFC 5034 4: "*" answers a challenge to cancel;
		 * the server then replies 501 / -ERR. */
		head->cancel = false;
		head->cancelled = true;
		session_info(s, 0, "cancelling the AUTH exchange: \"*\" "
		    "answers the challenge (RFC %s 4)", s->ops->sasl_rfc);
		session_send_continuation(s, "*", 1, false);
		return;
	}
	if (session_action_owns(s, head) &&
	    s->action->on_continuation != NULL &&
	    s->action->on_continuation(s, head, text, len))
		return;
	/* A typed AUTH: the user answers the continuation. */
	s->sasl_open = true;
	session_info(s, 0, "the server waits for a SASL response: "
	    "type it (base64), or * to cancel; it is shown as %s",
	    "********");
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

void
session_tls_done(struct session *s)
{
	/* Only a handshake the engine asked for (PEV_TLS_UPGRADE) ends
	 * here; anything else would start the session over under a running
	 * action (the session fuzzer had /send answer an EHLO of its own
	 * while its form was still open). */
	if (!s->tls_pending)
		return;
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
	    "with %s", s->ops->tls_restart_rfc, s->ops->caps_verb);
	/* RFC 3207 4.2: the session starts over after TLS. */
	s->authed = false;
	s->ops->tls_done(s);
	if (s->action != NULL && s->action->tls_done != NULL)
		s->action->tls_done(s);
}

/* ---- typed lines ---- */

static int
refuse(struct session *s, const char *why, const char **errstr_r)
{
	session_info(s, PEV_F_WARNING | PEV_F_NEGATIVE, "%s", why);
	if (errstr_r != NULL)
		*errstr_r = why;
	return -1;
}

/* The action typed as /verb, or NULL. */
static const struct session_action_ops *
action_find(const char *verb)
{
	size_t	i;

	for (i = 0; i < sizeof(all_actions) / sizeof(all_actions[0]); i++)
		if (strcmp(verb, all_actions[i]->verb) == 0)
			return all_actions[i];
	return NULL;
}

/* The protocol offers this action. */
static bool
action_offered(const struct session *s, const struct session_action_ops *a)
{
	const struct session_action_ops *const *p;

	for (p = s->ops->actions; *p != NULL; p++)
		if (*p == a)
			return true;
	return false;
}

/* Start a run of the action a. */
static int
action_begin(struct session *s, const struct session_action_ops *a,
    const char *arg, size_t len, const char **errstr_r)
{
	action_free(s);
	s->apriv = a->new();
	s->apriv_ops = a;
	s->action = a;
	s->run++;
	if (a->begin(s, arg, len, errstr_r) == -1) {
		s->action = NULL;
		return refuse(s, *errstr_r, errstr_r);
	}
	return 0;
}

static int
workbench(struct session *s, const struct command *cmd,
    const char **errstr_r)
{
	const struct session_action_ops	*a;

	/* Only the actions and /cancel are the engine's; the front-end's
	 * command table (front/wbcmd.c) keeps the rest and never passes
	 * them here. */
	a = action_find(cmd->verb);
	if (s->action != NULL && a != NULL)
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
	if (a != NULL) {
		if (!action_offered(s, a))
			return refuse(s, a->wrong_proto, errstr_r);
		return action_begin(s, a, cmd->arg, cmd->arg_len, errstr_r);
	}
	session_info(s, PEV_F_WARNING | PEV_F_NEGATIVE, "unknown command /%s "
	    "(/help lists them)", cmd->verb);
	if (errstr_r != NULL)
		*errstr_r = "unknown command";
	return -1;
}

int
session_secret(struct session *s, const char *p, size_t len)
{
	if (!s->secret_wanted)
		return -1;
	assert(s->action != NULL);
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
	if (s->action->secret != NULL)
		s->action->secret(s);
	return 0;
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
		/* The one way out of a guided form (/send) from the
		 * composer. */
		if (len == 7 && memcmp(line, "/cancel", 7) == 0) {
			session_cancel(s);
			return 0;
		}
		assert(s->action != NULL && s->action->answer != NULL);
		return s->action->answer(s, line, len, errstr_r);
	}
	if (s->failed)
		return refuse(s, "the session has failed; /connect again",
		    errstr_r);
	if (s->tls_pending)
		return refuse(s, "the TLS handshake is under way", errstr_r);
	if (s->message_mode) {
		assert(s->ops->message_line != NULL);
		if (s->ops->message_line(s, line, len, errstr_r) == -1)
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
	if (s->ops->typed != NULL)
		s->ops->typed(s, &cmd);
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

void
session_cancel(struct session *s)
{
	struct pending	*p;

	if (s->secret_wanted) {
		session_action_end(s, 0, s->action->cancelled_secret);
		return;
	}
	if (s->prompting) {
		session_action_end(s, 0, s->action->cancelled_prompt);
		return;
	}
	if (s->sasl_open) {
		/* A typed AUTH whose challenge the user was to answer. */
		s->sasl_open = false;
		session_info(s, 0, "cancelling the AUTH exchange: \"*\" "
		    "answers the challenge (RFC %s 4)", s->ops->sasl_rfc);
		session_send_continuation(s, "*", 1, false);
		return;
	}
	if ((p = sasl_pending(s)) != NULL) {
		/* The AUTH is out and its challenge not here yet: a client
		 * may only send "*" in answer to one. */
		if (!p->cancel)
			session_info(s, 0, "cancel requested: \"*\" answers "
			    "the server's next challenge (RFC %s 4)",
			    s->ops->sasl_rfc);
		p->cancel = true;
		return;
	}
	if (s->action != NULL && s->action->cancel != NULL)
		s->action->cancel(s);
}

bool
session_cancellable(const struct session *s)
{
	return s->secret_wanted || s->prompting || s->sasl_open ||
	    sasl_pending(s) != NULL || (s->action != NULL &&
	    s->action->cancellable != NULL && s->action->cancellable(s));
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
	return s->ops->pending_deletions != NULL ?
	    s->ops->pending_deletions(s) : 0;
}

bool
session_waiting(const struct session *s)
{
	return s->fifo_len > 0 || s->action != NULL;
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
	*done_r = *total_r = 0;
	if (s->action != NULL && s->action->progress != NULL)
		s->action->progress(s, done_r, total_r);
}

bool
session_over(const struct session *s)
{
	return s->over;
}

void
session_facts(const struct session *s, struct session_facts *r)
{
	memset(r, 0, sizeof(*r));
	r->proto = s->proto;
	r->state_name = session_state_name(s);
	r->greeted = s->greeted;
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
	r->authed = s->authed;
	r->user = s->login_user;
	r->sasl_open = s->sasl_open;
	r->message_mode = s->message_mode;
	r->waiting = s->fifo_len;
	r->action = s->action != NULL ? s->action->fact : FACTS_ACTION_NONE;
	/* State, login steps, maildrop or transaction. */
	s->ops->facts(s, r);
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
