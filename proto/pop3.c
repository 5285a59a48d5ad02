/* SPDX-License-Identifier: MIT */
/* POP3 engine: RFC 1939 states, one handler per complete reply; the table
 * of operations the session hub calls (pop3_ops). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/explain-int.h"
#include "proto/limits.h"
#include "proto/pop3.h"
#include "proto/reader.h"
#include "proto/sasl.h"
#include "proto/session-int.h"
#include "base/util.h"

/* What only POP3 knows of a session (s->pstate). */
struct pop3 {
	enum pop3_state	 state;
	char		*apop_ts;	/* greeting <timestamp> */
	uint64_t	*dele;		/* numbers with DELE +OK */
	size_t		 ndele, dele_cap;
	bool		 user_accepted;
	bool		 stat_known;
	uint64_t	 stat_count, stat_octets;
	/* The multi-line body being read: what is kept of it (never all of
	 * a RETR: the front-end gets it line by line), how much may be, and
	 * the whole payload's length so far. */
	unsigned	 body_flags;	/* flags of the status line */
	struct buf	 body;
	size_t		 body_keep;	/* bytes to keep at most */
	bool		 body_header_only; /* RETR: keep the header */
	bool		 body_header_done; /* its blank line seen */
	bool		 body_partial;	/* something was not kept */
	uint64_t	 body_total;
};

static const char *const pop3_names[POP3_STATE_COUNT] = {
	[POP3_STATE_GREETING] = "GREETING",
	[POP3_STATE_AUTHORIZATION] = "AUTHORIZATION",
	[POP3_STATE_TRANSACTION] = "TRANSACTION",
	[POP3_STATE_UPDATE] = "UPDATE",
	[POP3_STATE_CLOSED] = "CLOSED",
};

static struct pop3 *
pop3_of(const struct session *s)
{
	assert(s->ops == &pop3_ops && s->pstate != NULL);
	return s->pstate;
}

const char *
pop3_state_name(enum pop3_state st)
{
	return (unsigned)st < POP3_STATE_COUNT ? pop3_names[st] : "?";
}

enum pop3_state
pop3_state(const struct session *s)
{
	return pop3_of(s)->state;
}

/* The one place the POP3 state changes: recorded as "A -> B". */
static void
pop3_set_state(struct session *s, enum pop3_state st)
{
	struct pop3	*p = pop3_of(s);
	const char	*from = pop3_state_name(p->state);

	assert((unsigned)st < POP3_STATE_COUNT);
	if (st == p->state)
		return;
	p->state = st;
	session_state_event(s, from, pop3_state_name(st), (int)st);
}

static void
dele_mark(struct session *s, const struct pending *h)
{
	struct pop3	*p = pop3_of(s);
	uint64_t	 n;
	size_t		 i, len = 0;

	if (h->arg == NULL)
		return;
	while (len < h->arg_len && h->arg[len] != ' ')
		len++;
	if (parse_uint(h->arg, len, UINT64_MAX, &n) == -1)
		return;
	for (i = 0; i < p->ndele; i++)
		if (p->dele[i] == n)
			return;
	if (p->ndele == p->dele_cap) {
		p->dele_cap = p->dele_cap ? p->dele_cap * 2 : 16;
		p->dele = xrealloc(p->dele, p->dele_cap * sizeof(*p->dele));
	}
	p->dele[p->ndele++] = n;
}

/* Does a -ERR refuse for want of TLS? RFC 3206 [AUTH] alone means the
 * credentials; Dovecot's "[AUTH] Plaintext authentication disallowed on
 * non-secure (SSL/TLS) connections." and the like name the cause. */
static bool
tls_wanted(const struct reply_line *rl)
{
	static const char *const words[] = { "plaintext", "ssl", "tls",
	    "stls", "secure connection", "encrypt" };
	size_t	i, j, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		for (j = 0; j + n <= rl->text_len; j++)
			if (slice_eq_ci(rl->text + j, n, words[i]))
				return true;
	}
	return false;
}

/* Two decimal numbers at the start of text ("29 15939 ..." after STAT or
 * LIST n): 0, or -1 when they are not there. */
static int
two_numbers(const char *p, size_t len, uint64_t *a_r, uint64_t *b_r)
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

/* What a final reply to h changes (RFC 1939 4-6). */
static void
pop3_after(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool pos)
{
	struct pop3	*p = pop3_of(s);

	if (!pos && !s->tls && tls_wanted(rl))
		s->tls_demanded = true;
	if (pending_is(h, "USER") && p->state == POP3_STATE_AUTHORIZATION) {
		p->user_accepted = pos;
		if (pos && h->arg != NULL) {
			free(s->login_user);
			s->login_user = xstrndup(h->arg, h->arg_len);
		}
	} else if (pending_is(h, "PASS") && !pos)
		/* RFC 1939 7: after a failed PASS, USER must come again. */
		p->user_accepted = false;
	else if (pending_is(h, "STAT") && pos)
		p->stat_known = two_numbers(rl->text, rl->text_len,
		    &p->stat_count, &p->stat_octets) == 0;
	/* A bare AUTH (multi-line: the mechanism list) logs nobody in. */
	if (pos && p->state == POP3_STATE_AUTHORIZATION &&
	    (pending_is(h, "PASS") || pending_is(h, "APOP") ||
	    (pending_is(h, "AUTH") && h->shape != COMMAND_MULTI_LINE))) {
		p->ndele = 0;
		s->authed = true;
		pop3_set_state(s, POP3_STATE_TRANSACTION);
	} else if (pos && pending_is(h, "DELE"))
		dele_mark(s, h);
	else if (pos && pending_is(h, "RSET"))
		p->ndele = 0;
	else if (pending_is(h, "QUIT")) {
		s->over = true;
		if (p->state == POP3_STATE_TRANSACTION) {
			/* RFC 1939 6: QUIT in TRANSACTION enters UPDATE and
			 * removes the marked messages; -ERR means some
			 * could not be removed. */
			pop3_set_state(s, POP3_STATE_UPDATE);
			if (pos && p->ndele > 0)
				session_info(s, 0, "%zu deletion(s) made final",
				    p->ndele);
			else if (!pos)
				session_info(s, PEV_F_WARNING, "QUIT got -ERR: "
				    "some marked messages may not have been "
				    "removed (RFC 1939 6)");
		} else
			pop3_set_state(s, POP3_STATE_CLOSED);
		p->ndele = 0;
		session_emit(s, PEV_CLOSED, 0, "the server answered QUIT", 24,
		    h->seq);
	} else if (h->starttls)
		session_starttls_reply(s, rl);
}

static void
final(struct session *s, const struct reply_line *rl, bool pos,
    unsigned flags)
{
	struct pending	 h;

	session_take(s, &h);
	session_emit_reply(s, &h, flags);
	pop3_after(s, &h, rl, pos);
	if (h.origin == ORIGIN_ACTION)
		session_action_reply(s, &h, rl, pos);
	free(h.arg);
}

/* A multi-line body for h starts: decide what of it the engine keeps.
 * Nothing of a message beyond its header: the front-end gets every line
 * as it arrives and stores (spools) what it wants, so a RETR of any size
 * costs a line of memory here. */
static void
body_begin(struct session *s, const struct pending *h)
{
	struct pop3	*p = pop3_of(s);

	buf_clear(&p->body);
	p->body_total = 0;
	p->body_partial = false;
	p->body_header_done = false;
	p->body_header_only = pending_is(h, "RETR");
	if (pending_is(h, "RETR"))
		p->body_keep = LIMIT_HEADER_BLOCK;
	else if (pending_is(h, "TOP"))
		p->body_keep = LIMIT_HEADER_BLOCK + LIMIT_PREVIEW;
	else
		p->body_keep = LIMIT_LISTING;
	buf_init(&p->body, p->body_keep);
}

/* One line of the multi-line body under way: a PEV_RECEIVED PEV_F_BODY
 * event, the part kept for the engine (LIST, CAPA, a RETR's header), and
 * the --max-message bound (past it the session fails). */
static void
pop3_body_line(struct session *s, const struct reader_item *it)
{
	struct pop3	*p = pop3_of(s);
	struct pending	*head = session_head(s);
	struct qevent	*q;
	size_t		 n = it->data_len + 2;
	char		 why[256];

	q = session_emit(s, PEV_RECEIVED, PEV_F_BODY | (it->stuffed ?
	    PEV_F_STUFFED : 0), it->line, it->len, head != NULL ? head->seq :
	    0);
	if (head != NULL)
		memcpy(q->verb, head->verb, sizeof(q->verb));
	p->body_total += n;
	if (p->body_total > s->max_response) {
		/* Not the size of real mail (that is what the bound is set
		 * for) but a response that does not end: stop reading. */
		snprintf(why, sizeof(why), "%s response longer than "
		    "--max-message (%llu MiB): stopped reading it (raise "
		    "--max-message to retrieve it)", head != NULL ?
		    head->verb : "multi-line", (unsigned long long)
		    (s->max_response >> 20));
		session_fail(s, FAIL_PROTOCOL, why);
		return;
	}
	if (p->body_header_only && p->body_header_done) {
		p->body_partial = true;
		return;
	}
	if (p->body.len + n > p->body_keep) {
		p->body_partial = true;
		p->body_header_done = true;
		return;
	}
	(void)buf_append(&p->body, it->data, it->data_len);
	(void)buf_append(&p->body, "\r\n", 2);
	/* RFC 5322 2.1: the header ends at the first empty line. */
	if (it->data_len == 0)
		p->body_header_done = true;
}

static void
pop3_greeting(struct session *s, const struct reply_line *rl)
{
	struct pop3	*p = pop3_of(s);
	bool		 pos = rl->pop3 != REPLY_POP3_ERR;
	const char	*ts;
	size_t		 tslen;

	session_emit_reply(s, NULL, session_reply_flags(s, rl));
	if (!pos) {
		session_info(s, PEV_F_NEGATIVE, "the server refused "
		    "the session in its greeting");
		pop3_set_state(s, POP3_STATE_CLOSED);
		s->over = true;
		session_action_end(s, 0, NULL);
		return;
	}
	if (sasl_apop_timestamp(rl->text, rl->text_len, &ts, &tslen) == 0) {
		free(p->apop_ts);
		p->apop_ts = xstrndup(ts, tslen);
	}
	pop3_set_state(s, POP3_STATE_AUTHORIZATION);
	session_greeted(s);
}

static void
pop3_reply(struct session *s, struct pending *head,
    const struct reply_line *rl)
{
	bool		 pos = rl->pop3 != REPLY_POP3_ERR;
	unsigned	 flags = session_reply_flags(s, rl);

	if (head == NULL) {
		session_emit_reply(s, NULL, flags);
		return;
	}
	if (rl->pop3 == REPLY_POP3_CONT) {
		if (head->shape == COMMAND_SASL) {
			session_emit_reply(s, head, flags | PEV_F_CONTINUE);
			session_continuation(s, head, rl->text, rl->text_len);
			return;
		}
		/* STLS decides for itself (session_starttls_reply). */
		if (!head->starttls)
			session_info(s, PEV_F_WARNING, "a \"+ \" continuation "
			    "answers %s, which expects none; taken as +OK",
			    head->verb);
	}
	if (head->shape == COMMAND_MULTI_LINE && pos) {
		/* RFC 1939 3: after +OK a multi-line response follows, up
		 * to a line holding a lone "."; -ERR never has one. */
		reader_expect_body(s->reader);
		s->in_body = true;
		pop3_of(s)->body_flags = flags;
		body_begin(s, head);
		return;
	}
	final(s, rl, pos, flags);
}

/* A multi-line body for the head ended: PEV_BODY with what was kept,
 * capabilities, the action's share, then the final reply. */
static void
pop3_body_end(struct session *s)
{
	struct pop3		*p = pop3_of(s);
	struct pending		*head = session_head(s);
	struct reply_line	 rl;
	struct qevent		*q;
	const char		*err, *nl;
	char			*body;
	size_t			 first, len = p->body.len;

	if (head == NULL) {
		buf_clear(&p->body);
		return;
	}
	body = buf_steal(&p->body);
	q = session_emit_owned(s, PEV_BODY, p->body_flags |
	    (p->body_partial ? PEV_F_PARTIAL : 0), body, len, head->seq);
	q->ev.total = p->body_total;
	memcpy(q->verb, head->verb, sizeof(q->verb));
	if (head->arg != NULL) {
		q->arg = xstrndup(head->arg, head->arg_len);
		q->ev.arg_len = head->arg_len;
	}
	/* RFC 2449 5: one capability per line of the CAPA response. */
	if (pending_is(head, "CAPA"))
		session_caps_from(s, body, len, false, head->seq);
	if (session_action_owns(s, head) && s->action->on_body != NULL)
		s->action->on_body(s, head, body, len);
	nl = memchr(s->reply.data, '\n', s->reply.len);
	first = nl != NULL ? (size_t)(nl - s->reply.data) : s->reply.len;
	if (reply_parse_line(REPLY_POP3, s->reply.data, first, &rl, &err) == -1)
		return;
	final(s, &rl, true, p->body_flags);
}

/* ---- the table ---- */

static void *
pop3_init(struct session *s)
{
	struct pop3	*p = xcalloc(1, sizeof(*p));

	(void)s;
	p->state = POP3_STATE_GREETING;
	return p;
}

static void
pop3_free(void *v)
{
	struct pop3	*p = v;

	if (p == NULL)
		return;
	free(p->apop_ts);
	free(p->dele);
	buf_clear(&p->body);
	free(p);
}

static int
pop3_state_int(const struct session *s)
{
	return (int)pop3_of(s)->state;
}

static const char *
pop3_state_name_of(const struct session *s)
{
	return pop3_state_name(pop3_of(s)->state);
}

static unsigned
pop3_reply_flags(const struct reply_line *rl, bool continuation)
{
	unsigned	f = rl->pop3 == REPLY_POP3_ERR ? PEV_F_NEGATIVE :
	    PEV_F_POSITIVE;

	if (continuation && rl->pop3 == REPLY_POP3_CONT)
		f |= PEV_F_CONTINUE;
	return f;
}

/* RFC 2595 4: only +OK starts TLS. */
static bool
pop3_starttls_positive(const struct reply_line *rl)
{
	return rl->pop3 == REPLY_POP3_OK;
}

static bool
pop3_refusal(const struct reply_line *rl)
{
	return rl->pop3 == REPLY_POP3_ERR;
}

static void
pop3_reply_code(const struct reply_line *rl, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", rl->pop3 == REPLY_POP3_ERR ? "-ERR" :
	    rl->pop3 == REPLY_POP3_OK ? "+OK" : "\"+ \"");
}

static void
pop3_tls_done(struct session *s)
{
	(void)s;
}

static void
pop3_closed(struct session *s)
{
	if (pop3_of(s)->state == POP3_STATE_UPDATE)
		pop3_set_state(s, POP3_STATE_CLOSED);
}

static bool
pop3_hello_needed(const struct session *s)
{
	(void)s;
	return false;
}

static void
pop3_caps_request(struct session *s, uint64_t tag)
{
	session_send_action(s, "CAPA", 4, tag);
}

static bool
pop3_offers_starttls(const struct caps *c)
{
	return c->stls;
}

static bool
pop3_login_allowed(const struct session *s)
{
	return pop3_of(s)->state == POP3_STATE_AUTHORIZATION;
}

static bool
pop3_mech_allowed(enum sasl_mech m)
{
	(void)m;
	return true;
}

/* RFC 5034 4 allows an initial response; servers that list SASL in CAPA
 * take it. */
static bool
pop3_sasl_ir(const struct session *s)
{
	return s->caps_known && s->caps.auth != NULL;
}

static const char *
pop3_apop_timestamp(const struct session *s)
{
	return pop3_of(s)->apop_ts;
}

static size_t
pop3_pending_deletions(const struct session *s)
{
	const struct pop3 *p = pop3_of(s);

	return p->state == POP3_STATE_TRANSACTION ? p->ndele : 0;
}

static void
pop3_facts(const struct session *s, struct session_facts *r)
{
	const struct pop3 *p = pop3_of(s);

	r->state = (int)p->state;
	r->authed = r->authed || p->state == POP3_STATE_TRANSACTION;
	r->user_accepted = p->user_accepted;
	r->apop_timestamp = p->apop_ts != NULL;
	r->pending_deletions = p->ndele;
	r->stat_known = p->stat_known;
	r->stat_count = p->stat_count;
	r->stat_octets = p->stat_octets;
}

static const struct session_action_ops *const pop3_actions[] = {
	&action_starttls_ops, &action_auth_ops, &action_load_ops, NULL,
};

const struct session_proto_ops pop3_ops = {
	.name = "POP3",
	.starttls_verb = "STLS",
	.starttls_ok = "+OK",
	.starttls_rfc = "RFC 2595 4",
	.tls_restart_rfc = "RFC 2595 4",
	.implicit_tls = "pop3s://, 995",
	.caps_verb = "CAPA",
	.sasl_rfc = "5034",
	.auth_cleartext_why = "/auth: not sent: on this unencrypted "
	    "connection CAPA lists STLS, not this login; /starttls first; a "
	    "password in the clear can be read on the way (RFC 2595 2, RFC "
	    "4616 1)",
	.actions = pop3_actions,
	.init = pop3_init,
	.free = pop3_free,
	.state = pop3_state_int,
	.state_name = pop3_state_name_of,
	.reply_flags = pop3_reply_flags,
	.starttls_positive = pop3_starttls_positive,
	.refusal = pop3_refusal,
	.reply_code = pop3_reply_code,
	.greeting = pop3_greeting,
	.reply = pop3_reply,
	.body_line = pop3_body_line,
	.body_end = pop3_body_end,
	.typed = NULL,
	.sent = NULL,
	.message_line = NULL,
	.tls_done = pop3_tls_done,
	.closed = pop3_closed,
	.hello_needed = pop3_hello_needed,
	.caps_request = pop3_caps_request,
	.offers_starttls = pop3_offers_starttls,
	.login_allowed = pop3_login_allowed,
	.mech_allowed = pop3_mech_allowed,
	.sasl_initial_response = pop3_sasl_ir,
	.apop_timestamp = pop3_apop_timestamp,
	.pending_deletions = pop3_pending_deletions,
	.caps_line = NULL,
	.explain = explain_pop3,
	.facts = pop3_facts,
};
