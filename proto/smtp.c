/* SPDX-License-Identifier: MIT */
/* SMTP engine: RFC 5321 states, one handler per complete reply, message
 * mode after 354; the table of operations the session hub calls
 * (smtp_ops). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dot.h"
#include "proto/explain.h"
#include "proto/explain-int.h"
#include "proto/limits.h"
#include "proto/session-int.h"
#include "proto/smtp.h"
#include "base/util.h"

/* What only SMTP knows of a session (s->pstate). */
struct smtp {
	enum smtp_state	 state;
	uint64_t	 data_seq;	/* seq of the message after 354 */
	bool		 ehlo_done;	/* EHLO/HELO accepted since TLS */
	bool		 greeting_masked; /* greeting all "*" (firewall) */
	bool		 mail_8bit;	/* the last MAIL FROM declared
					 * BODY=8BITMIME or SMTPUTF8 */
	bool		 warned_8bit;	/* said once per message */
	bool		 data_action;	/* the action under way wrote the
					 * message: its "." is the action's */
	bool		 mail_accepted;
	size_t		 rcpt_accepted, rcpt_refused;
};

static const char *const smtp_names[SMTP_STATE_COUNT] = {
	[SMTP_STATE_GREETING] = "GREETING",
	[SMTP_STATE_EHLO] = "EHLO",
	[SMTP_STATE_READY] = "READY",
	[SMTP_STATE_MAIL] = "MAIL",
	[SMTP_STATE_RCPT] = "RCPT",
	[SMTP_STATE_DATA] = "DATA",
	[SMTP_STATE_QUIT] = "CLOSED",	/* not "QUIT": the session is over */
};

static struct smtp *
smtp_of(const struct session *s)
{
	assert(s->ops == &smtp_ops && s->pstate != NULL);
	return s->pstate;
}

const char *
smtp_state_name(enum smtp_state st)
{
	return (unsigned)st < SMTP_STATE_COUNT ? smtp_names[st] : "?";
}

enum smtp_state
smtp_state(const struct session *s)
{
	return smtp_of(s)->state;
}

uint64_t
smtp_data_seq(const struct session *s)
{
	return smtp_of(s)->data_seq;
}

/* The one place the SMTP state changes: recorded as "A -> B". */
static void
smtp_set_state(struct session *s, enum smtp_state st)
{
	struct smtp	*m = smtp_of(s);
	const char	*from = smtp_state_name(m->state);

	assert((unsigned)st < SMTP_STATE_COUNT);
	if (st == m->state)
		return;
	m->state = st;
	session_state_event(s, from, smtp_state_name(st), (int)st);
}

/* RFC 5321 3.8: 421 may come at any time; the server then closes. */
static void
closing(struct session *s, uint64_t seq)
{
	s->over = true;
	s->message_mode = false;
	smtp_set_state(s, SMTP_STATE_QUIT);
	session_emit(s, PEV_CLOSED, 0, "the server is closing the connection",
	    36, seq);
}

/* RFC 5321 4.1.4: EHLO, RSET and the end of a message end a mail
 * transaction; the facts about its envelope go with it. */
static void
transaction_reset(struct session *s)
{
	struct smtp	*m = smtp_of(s);

	m->mail_accepted = false;
	m->rcpt_accepted = m->rcpt_refused = 0;
}

/* What a final reply with code to h changes (RFC 5321 4.1.1, 4.1.4). */
static void
smtp_after(struct session *s, const struct pending *h,
    const struct reply_line *rl)
{
	struct smtp	*m = smtp_of(s);
	int		 code = rl->code;
	bool		 pos = code >= 200 && code < 300;

	/* RFC 3207 4: 530 "Must issue a STARTTLS command first"; RFC 4954
	 * 6: 538 encryption required for the mechanism; RFC 3463 X.7.11
	 * (RFC 5248 registry) encryption required. */
	if (!s->tls && (code == 530 || code == 538 || (rl->enh_class >= 4 &&
	    rl->enh_subject == 7 && rl->enh_detail == 11)))
		s->tls_demanded = true;
	if (h->starttls && (code != 421 || s->tls_required)) {
		session_starttls_reply(s, rl);
		return;
	}
	if (code == 421) {
		closing(s, h->seq);
		return;
	}
	if ((pending_is(h, "EHLO") || pending_is(h, "HELO") ||
	    pending_is(h, "LHLO")) && pos) {
		/* RFC 5321 4.1.4: EHLO also resets any transaction. The
		 * first line is the domain; the others are keywords. */
		if (!pending_is(h, "HELO"))
			session_caps_from(s, s->reply.data, s->reply.len, true,
			    h->seq);
		m->ehlo_done = true;
		smtp_set_state(s, SMTP_STATE_READY);
		transaction_reset(s);
	} else if (pending_is(h, "MAIL")) {
		/* An accepted MAIL starts a new transaction; a refused one
		 * (503 nested MAIL) leaves an open one as it was. */
		if (pos) {
			transaction_reset(s);
			m->mail_accepted = true;
			smtp_set_state(s, SMTP_STATE_MAIL);
		}
	} else if (pending_is(h, "RCPT")) {
		if (pos)
			m->rcpt_accepted++;
		else
			m->rcpt_refused++;
		if (pos && (m->state == SMTP_STATE_MAIL ||
		    m->state == SMTP_STATE_RCPT))
			smtp_set_state(s, SMTP_STATE_RCPT);
	} else if (pending_is(h, "AUTH") && code == 235)
		s->authed = true;
	else if (pending_is(h, ".")) {
		transaction_reset(s);
		/* RFC 5321 4.1.1.4: after the final reply to the message
		 * the transaction is over, whatever the code. */
		smtp_set_state(s, m->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	} else if (pending_is(h, "RSET") && pos &&
	    m->state != SMTP_STATE_GREETING) {
		transaction_reset(s);
		smtp_set_state(s, m->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	}
	else if (pending_is(h, "QUIT")) {
		s->over = true;
		smtp_set_state(s, SMTP_STATE_QUIT);
		session_emit(s, PEV_CLOSED, 0, "the server answered QUIT", 24,
		    h->seq);
	}
}

static void
smtp_greeting(struct session *s, const struct reply_line *rl)
{
	smtp_of(s)->greeting_masked = explain_smtp_banner_masked(rl->text,
	    rl->text_len);
	session_emit_reply(s, NULL, session_reply_flags(s, rl));
	if (rl->code == 220) {
		smtp_set_state(s, SMTP_STATE_EHLO);
		session_greeted(s);
	} else if (rl->code == 421)
		closing(s, 0);
	else {
		/* RFC 5321 3.1: a 554 greeting refuses service but waits for
		 * QUIT. */
		smtp_set_state(s, SMTP_STATE_EHLO);
		session_info(s, PEV_F_NEGATIVE, "the server refuses service; "
		    "only QUIT is useful now");
		session_action_end(s, 0, NULL);
	}
}

static void
smtp_reply(struct session *s, struct pending *head,
    const struct reply_line *rl)
{
	struct smtp	*m = smtp_of(s);
	unsigned	 flags = session_reply_flags(s, rl);
	struct pending	 h;

	if (head == NULL) {
		session_emit_reply(s, NULL, flags);
		if (rl->code == 421)
			closing(s, 0);
		return;
	}
	if (rl->code == 334 && head->shape == COMMAND_SASL) {
		/* RFC 4954 4: a server challenge; the exchange goes on. */
		session_emit_reply(s, head, flags | PEV_F_CONTINUE);
		session_continuation(s, head, rl->text, rl->text_len);
		return;
	}
	session_take(s, &h);
	if (rl->code == 354 && h.shape == COMMAND_DATA) {
		/* RFC 5321 4.1.1.4: 354, then the message, ended by a lone
		 * "." whose reply pairs with a new sequence number. */
		session_emit_reply(s, &h, flags | PEV_F_CONTINUE);
		if (s->fifo_len > 0) {
			/* Lines sent after DATA, before its 354, are message
			 * text to the server: they will get no reply. */
			session_info(s, PEV_F_WARNING, "%zu line(s) sent after "
			    "DATA and before its 354 are part of the message "
			    "now (not dot-stuffed)", s->fifo_len);
			session_drop_all(s);
		}
		m->data_seq = ++s->seq;
		s->message_mode = true;
		m->warned_8bit = false;
		smtp_set_state(s, SMTP_STATE_DATA);
		m->data_action = session_action_owns(s, &h) &&
		    s->action->on_data != NULL;
		if (m->data_action)
			s->action->on_data(s);
		else
			session_info(s, 0, "message mode: type the message; "
			    "lines are dot-stuffed, a lone . ends it");
		free(h.arg);
		return;
	}
	session_emit_reply(s, &h, flags);
	smtp_after(s, &h, rl);
	if (h.origin == ORIGIN_ACTION)
		session_action_reply(s, &h, rl, rl->code >= 200 &&
		    rl->code < 400);
	free(h.arg);
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

/* True when a DATA command is in the FIFO (its 354 not yet seen). */
static bool
data_waiting(const struct session *s)
{
	size_t	i;

	for (i = 0; i < s->fifo_len; i++)
		if (session_fifo_at(s, i)->shape == COMMAND_DATA)
			return true;
	return false;
}

static void
smtp_typed(struct session *s, const struct command *cmd)
{
	(void)cmd;
	if (data_waiting(s))
		session_info(s, PEV_F_WARNING, "DATA is still waiting for its "
		    "354: after it the server reads this line as message text "
		    "(RFC 2920 3.1: DATA ends a pipelined group)");
}

static void
smtp_sent(struct session *s, const struct command *cmd)
{
	if (strcmp(cmd->verb, "MAIL") == 0)
		smtp_of(s)->mail_8bit = mail_declares_8bit(cmd->arg,
		    cmd->arg_len);
}

int
smtp_message_line(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	struct smtp	*m = smtp_of(s);
	struct qevent	*q;
	size_t		 old = s->out.len;
	unsigned	 flags = PEV_F_BODY;

	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL ||
	    memchr(line, '\0', len) != NULL) {
		*errstr_r = "message line contains CR, LF or NUL";
		return -1;
	}
	if (dot_is_terminator(line, len)) {
		if (session_out_line(s, ".", 1, false) == -1) {
			*errstr_r = "output buffer full";
			return -1;
		}
		/* The "." is the action's when the action wrote the
		 * message (/send). */
		session_push(s, m->data_seq, ".", COMMAND_ONE_REPLY,
		    m->data_action);
		m->data_action = false;
		s->message_mode = false;
		q = session_emit(s, PEV_SENT, PEV_F_BODY | PEV_F_TERMINATOR,
		    ".", 1, m->data_seq);
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
	    s->out.len - old - 2, m->data_seq);
	/* RFC 6152 3: 8-bit text needs BODY=8BITMIME on MAIL FROM (and a
	 * header in raw UTF-8 needs SMTPUTF8, RFC 6531/6532). */
	if (!m->mail_8bit && !m->warned_8bit) {
		size_t	i;

		for (i = 0; i < len && (unsigned char)line[i] < 0x80; i++)
			;
		if (i < len) {
			m->warned_8bit = true;
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

/* ---- the table ---- */

static void *
smtp_init(struct session *s)
{
	struct smtp	*m = xcalloc(1, sizeof(*m));

	(void)s;
	m->state = SMTP_STATE_GREETING;
	return m;
}

static void
smtp_free(void *v)
{
	free(v);
}

static int
smtp_state_int(const struct session *s)
{
	return (int)smtp_of(s)->state;
}

static const char *
smtp_state_name_of(const struct session *s)
{
	return smtp_state_name(smtp_of(s)->state);
}

static unsigned
smtp_reply_flags(const struct reply_line *rl, bool continuation)
{
	unsigned	f;

	if (rl->code >= 500)
		f = PEV_F_NEGATIVE;
	else if (rl->code >= 400)
		f = PEV_F_TRANSIENT;
	else
		f = PEV_F_POSITIVE;
	if (continuation && (rl->code == 334 || rl->code == 354))
		f |= PEV_F_CONTINUE;
	return f;
}

/* RFC 3207 4: only 220 starts TLS (454 and 501 refuse it). */
static bool
smtp_starttls_positive(const struct reply_line *rl)
{
	return rl->code == 220;
}

static bool
smtp_refusal(const struct reply_line *rl)
{
	return rl->code >= 400;
}

static void
smtp_reply_code(const struct reply_line *rl, char *out, size_t outsz)
{
	snprintf(out, outsz, "%d", rl->code);
}

static void
smtp_tls_done(struct session *s)
{
	smtp_of(s)->ehlo_done = false;
	transaction_reset(s);
	if (s->greeted)
		smtp_set_state(s, SMTP_STATE_EHLO);
}

/* RFC 3207 4: STARTTLS follows EHLO; so do AUTH and MAIL. */
static bool
smtp_hello_needed(const struct session *s)
{
	return smtp_of(s)->state == SMTP_STATE_EHLO;
}

static void
smtp_caps_request(struct session *s, uint64_t tag)
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

static bool
smtp_offers_starttls(const struct caps *c)
{
	return c->starttls;
}

static bool
smtp_login_allowed(const struct session *s)
{
	(void)s;
	return true;
}

/* APOP and USER are POP3's. */
static bool
smtp_mech_allowed(enum sasl_mech m)
{
	return m != SASL_APOP && m != SASL_USER;
}

/* RFC 4954 4: SMTP may always send an initial response. */
static bool
smtp_sasl_ir(const struct session *s)
{
	(void)s;
	return true;
}

static const char *
smtp_apop_timestamp(const struct session *s)
{
	(void)s;
	return NULL;
}

/* "250-SIZE 100" -> "SIZE 100" (an enhanced code some servers put first
 * goes too). */
static bool
smtp_caps_line(const char **l, size_t *n)
{
	struct reply_line rl;

	if (reply_parse_line(REPLY_SMTP, *l, *n, &rl, NULL) == -1)
		return false;
	*l = rl.text;
	*n = rl.text_len;
	return true;
}

static void
smtp_facts(const struct session *s, struct session_facts *r)
{
	const struct smtp *m = smtp_of(s);

	r->state = (int)m->state;
	r->greeting_masked = m->greeting_masked;
	r->ehlo_done = m->ehlo_done;
	r->mail_accepted = m->mail_accepted;
	r->rcpt_accepted = m->rcpt_accepted;
	r->rcpt_refused = m->rcpt_refused;
}

static const struct session_action_ops *const smtp_actions[] = {
	&action_starttls_ops, &action_auth_ops, &action_send_ops, NULL,
};

const struct session_proto_ops smtp_ops = {
	.name = "SMTP",
	.starttls_verb = "STARTTLS",
	.starttls_ok = "220",
	.starttls_rfc = "RFC 3207 4",
	.tls_restart_rfc = "RFC 3207 4.2",
	.implicit_tls = "smtps://, 465",
	.caps_verb = "EHLO",
	.sasl_rfc = "4954",
	.auth_cleartext_why = "/auth: not sent: on this unencrypted "
	    "connection the server's EHLO lists STARTTLS, not AUTH with this "
	    "mechanism; /starttls first (then EHLO shows AUTH); a password in "
	    "the clear can be read on the way (RFC 4616 1, RFC 3207 4)",
	.actions = smtp_actions,
	.init = smtp_init,
	.free = smtp_free,
	.state = smtp_state_int,
	.state_name = smtp_state_name_of,
	.reply_flags = smtp_reply_flags,
	.starttls_positive = smtp_starttls_positive,
	.refusal = smtp_refusal,
	.reply_code = smtp_reply_code,
	.greeting = smtp_greeting,
	.reply = smtp_reply,
	.body_line = NULL,
	.body_end = NULL,
	.typed = smtp_typed,
	.sent = smtp_sent,
	.message_line = smtp_message_line,
	.tls_done = smtp_tls_done,
	.closed = NULL,
	.hello_needed = smtp_hello_needed,
	.caps_request = smtp_caps_request,
	.offers_starttls = smtp_offers_starttls,
	.login_allowed = smtp_login_allowed,
	.mech_allowed = smtp_mech_allowed,
	.sasl_initial_response = smtp_sasl_ir,
	.apop_timestamp = smtp_apop_timestamp,
	.pending_deletions = NULL,
	.caps_line = smtp_caps_line,
	.explain = explain_smtp,
	.facts = smtp_facts,
};
