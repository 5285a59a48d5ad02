/* SPDX-License-Identifier: MIT */
/* POP3 engine: RFC 1939 states, one handler per complete reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/limits.h"
#include "proto/pop3.h"
#include "proto/reader.h"
#include "proto/sasl.h"
#include "proto/session-int.h"
#include "base/util.h"

static const char *const pop3_names[POP3_STATE_COUNT] = {
	[POP3_STATE_GREETING] = "GREETING",
	[POP3_STATE_AUTHORIZATION] = "AUTHORIZATION",
	[POP3_STATE_TRANSACTION] = "TRANSACTION",
	[POP3_STATE_UPDATE] = "UPDATE",
	[POP3_STATE_CLOSED] = "CLOSED",
};

const char *
pop3_state_name(enum pop3_state st)
{
	return (unsigned)st < POP3_STATE_COUNT ? pop3_names[st] : "?";
}

static void
dele_mark(struct session *s, const struct pending *h)
{
	uint64_t	n;
	size_t		i, len = 0;

	if (h->arg == NULL)
		return;
	while (len < h->arg_len && h->arg[len] != ' ')
		len++;
	if (parse_uint(h->arg, len, UINT64_MAX, &n) == -1)
		return;
	for (i = 0; i < s->ndele; i++)
		if (s->dele[i] == n)
			return;
	if (s->ndele == s->dele_cap) {
		s->dele_cap = s->dele_cap ? s->dele_cap * 2 : 16;
		s->dele = xrealloc(s->dele, s->dele_cap * sizeof(*s->dele));
	}
	s->dele[s->ndele++] = n;
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

/* What a final reply to h changes (RFC 1939 4-6). */
static void
pop3_after(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool pos)
{
	if (!pos && !s->tls && tls_wanted(rl))
		s->tls_demanded = true;
	if (pending_is(h, "USER") && s->state == POP3_STATE_AUTHORIZATION) {
		s->user_accepted = pos;
		if (pos && h->arg != NULL) {
			free(s->login_user);
			s->login_user = xstrndup(h->arg, h->arg_len);
		}
	} else if (pending_is(h, "PASS") && !pos)
		/* RFC 1939 7: after a failed PASS, USER must come again. */
		s->user_accepted = false;
	else if (pending_is(h, "STAT") && pos)
		s->stat_known = session_two_numbers(rl->text, rl->text_len,
		    &s->stat_count, &s->stat_octets) == 0;
	/* A bare AUTH (multi-line: the mechanism list) logs nobody in. */
	if (pos && s->state == POP3_STATE_AUTHORIZATION &&
	    (pending_is(h, "PASS") || pending_is(h, "APOP") ||
	    (pending_is(h, "AUTH") && h->shape != COMMAND_MULTI_LINE))) {
		s->ndele = 0;
		s->authed = true;
		session_set_state(s, POP3_STATE_TRANSACTION);
	} else if (pos && pending_is(h, "DELE"))
		dele_mark(s, h);
	else if (pos && pending_is(h, "RSET"))
		s->ndele = 0;
	else if (pending_is(h, "QUIT")) {
		s->over = true;
		if (s->state == POP3_STATE_TRANSACTION) {
			/* RFC 1939 6: QUIT in TRANSACTION enters UPDATE and
			 * removes the marked messages; -ERR means some
			 * could not be removed. */
			session_set_state(s, POP3_STATE_UPDATE);
			if (pos && s->ndele > 0)
				session_info(s, 0, "%zu deletion(s) made final",
				    s->ndele);
			else if (!pos)
				session_info(s, PEV_F_WARNING, "QUIT got -ERR: "
				    "some marked messages may not have been "
				    "removed (RFC 1939 6)");
		} else
			session_set_state(s, POP3_STATE_CLOSED);
		s->ndele = 0;
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
	buf_clear(&s->body);
	s->body_total = 0;
	s->body_partial = false;
	s->body_header_done = false;
	s->body_header_only = pending_is(h, "RETR");
	if (pending_is(h, "RETR"))
		s->body_keep = LIMIT_HEADER_BLOCK;
	else if (pending_is(h, "TOP"))
		s->body_keep = LIMIT_HEADER_BLOCK + LIMIT_PREVIEW;
	else
		s->body_keep = LIMIT_LISTING;
	buf_init(&s->body, s->body_keep);
}

void
pop3_body_line(struct session *s, const struct reader_item *it)
{
	struct pending	*head = session_head(s);
	struct qevent	*q;
	size_t		 n = it->data_len + 2;
	char		 why[256];

	q = session_emit(s, PEV_RECEIVED, PEV_F_BODY | (it->stuffed ?
	    PEV_F_STUFFED : 0), it->line, it->len, head != NULL ? head->seq :
	    0);
	if (head != NULL)
		memcpy(q->verb, head->verb, sizeof(q->verb));
	s->body_total += n;
	if (s->body_total > s->max_response) {
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
	if (s->body_header_only && s->body_header_done) {
		s->body_partial = true;
		return;
	}
	if (s->body.len + n > s->body_keep) {
		s->body_partial = true;
		s->body_header_done = true;
		return;
	}
	(void)buf_append(&s->body, it->data, it->data_len);
	(void)buf_append(&s->body, "\r\n", 2);
	/* RFC 5322 2.1: the header ends at the first empty line. */
	if (it->data_len == 0)
		s->body_header_done = true;
}

void
pop3_reply(struct session *s, struct pending *head, const struct reply_line *rl)
{
	bool		 pos = rl->pop3 != REPLY_POP3_ERR;
	unsigned	 flags = session_reply_flags(s, rl);
	const char	*ts;
	size_t		 tslen;

	if (!s->greeted) {
		s->greeted = true;
		session_emit_reply(s, NULL, flags);
		if (!pos) {
			session_info(s, PEV_F_NEGATIVE, "the server refused "
			    "the session in its greeting");
			session_set_state(s, POP3_STATE_CLOSED);
			s->over = true;
			session_action_end(s, 0, NULL);
			return;
		}
		if (sasl_apop_timestamp(rl->text, rl->text_len, &ts,
		    &tslen) == 0) {
			free(s->apop_ts);
			s->apop_ts = xstrndup(ts, tslen);
		}
		session_set_state(s, POP3_STATE_AUTHORIZATION);
		session_greeted(s);
		return;
	}
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
		s->body_flags = (int)flags;
		body_begin(s, head);
		return;
	}
	final(s, rl, pos, flags);
}

void
pop3_body_end(struct session *s)
{
	struct pending		*head = session_head(s);
	struct reply_line	 rl;
	struct qevent		*q;
	const char		*err, *nl;
	char			*body;
	size_t			 first, len = s->body.len;

	if (head == NULL) {
		buf_clear(&s->body);
		return;
	}
	body = buf_steal(&s->body);
	q = session_emit_owned(s, PEV_BODY, (unsigned)s->body_flags |
	    (s->body_partial ? PEV_F_PARTIAL : 0), body, len, head->seq);
	q->ev.total = s->body_total;
	memcpy(q->verb, head->verb, sizeof(q->verb));
	if (head->arg != NULL) {
		q->arg = xstrndup(head->arg, head->arg_len);
		q->ev.arg_len = head->arg_len;
	}
	/* RFC 2449 5: one capability per line of the CAPA response. */
	if (pending_is(head, "CAPA"))
		session_caps_from(s, body, len, false, false, head->seq);
	if (head->origin == ORIGIN_ACTION && s->action == ACTION_LOAD)
		load_body(s, head, body, len);
	nl = memchr(s->reply.data, '\n', s->reply.len);
	first = nl != NULL ? (size_t)(nl - s->reply.data) : s->reply.len;
	if (reply_parse_line(REPLY_POP3, s->reply.data, first, &rl, &err) == -1)
		return;
	final(s, &rl, true, (unsigned)s->body_flags);
}
