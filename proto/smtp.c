/* SPDX-License-Identifier: MIT */
/* SMTP engine: RFC 5321 states, one handler per complete reply. */
#include <stdlib.h>
#include <string.h>

#include "proto/explain.h"
#include "proto/session-int.h"
#include "proto/smtp.h"
#include "base/util.h"

static const char *const smtp_names[SMTP_STATE_COUNT] = {
	[SMTP_STATE_GREETING] = "GREETING",
	[SMTP_STATE_EHLO] = "EHLO",
	[SMTP_STATE_READY] = "READY",
	[SMTP_STATE_MAIL] = "MAIL",
	[SMTP_STATE_RCPT] = "RCPT",
	[SMTP_STATE_DATA] = "DATA",
	[SMTP_STATE_QUIT] = "CLOSED",	/* not "QUIT": the session is over */
};

const char *
smtp_state_name(enum smtp_state st)
{
	return (unsigned)st < SMTP_STATE_COUNT ? smtp_names[st] : "?";
}

/* RFC 5321 3.8: 421 may come at any time; the server then closes. */
static void
closing(struct session *s, uint64_t seq)
{
	s->over = true;
	s->message_mode = false;
	session_set_state(s, SMTP_STATE_QUIT);
	session_emit(s, PEV_CLOSED, 0, "the server is closing the connection",
	    36, seq);
}

/* RFC 5321 4.1.4: EHLO, RSET and the end of a message end a mail
 * transaction; the facts about its envelope go with it. */
static void
transaction_reset(struct session *s)
{
	s->mail_accepted = false;
	s->rcpt_accepted = s->rcpt_refused = 0;
}

/* What a final reply with code to h changes (RFC 5321 4.1.1, 4.1.4). */
static void
smtp_after(struct session *s, const struct pending *h,
    const struct reply_line *rl)
{
	int	code = rl->code;
	bool	pos = code >= 200 && code < 300;

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
			    true, h->seq);
		s->ehlo_done = true;
		session_set_state(s, SMTP_STATE_READY);
		transaction_reset(s);
	} else if (pending_is(h, "MAIL")) {
		/* An accepted MAIL starts a new transaction; a refused one
		 * (503 nested MAIL) leaves an open one as it was. */
		if (pos) {
			transaction_reset(s);
			s->mail_accepted = true;
			session_set_state(s, SMTP_STATE_MAIL);
		}
	} else if (pending_is(h, "RCPT")) {
		if (pos)
			s->rcpt_accepted++;
		else
			s->rcpt_refused++;
		if (pos && (s->state == SMTP_STATE_MAIL ||
		    s->state == SMTP_STATE_RCPT))
			session_set_state(s, SMTP_STATE_RCPT);
	} else if (pending_is(h, "AUTH") && code == 235)
		s->authed = true;
	else if (pending_is(h, ".")) {
		transaction_reset(s);
		/* RFC 5321 4.1.1.4: after the final reply to the message
		 * the transaction is over, whatever the code. */
		session_set_state(s, s->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	} else if (pending_is(h, "RSET") && pos &&
	    s->state != SMTP_STATE_GREETING) {
		transaction_reset(s);
		session_set_state(s, s->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	}
	else if (pending_is(h, "QUIT")) {
		s->over = true;
		session_set_state(s, SMTP_STATE_QUIT);
		session_emit(s, PEV_CLOSED, 0, "the server answered QUIT", 24,
		    h->seq);
	}
}

void
smtp_reply(struct session *s, struct pending *head, const struct reply_line *rl)
{
	unsigned	 flags = session_reply_flags(s, rl);
	struct pending	 h;

	if (!s->greeted) {
		s->greeted = true;
		s->greeting_masked = explain_smtp_banner_masked(rl->text,
		    rl->text_len);
		session_emit_reply(s, NULL, flags);
		if (rl->code == 220) {
			session_set_state(s, SMTP_STATE_EHLO);
			session_greeted(s);
		} else if (rl->code == 421)
			closing(s, 0);
		else {
			/* RFC 5321 3.1: a 554 greeting refuses service but
			 * waits for QUIT. */
			session_set_state(s, SMTP_STATE_EHLO);
			session_info(s, PEV_F_NEGATIVE, "the server refuses "
			    "service; only QUIT is useful now");
			session_action_end(s, 0, NULL);
		}
		return;
	}
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
			while (s->fifo_len > 0)
				session_pop(s);
		}
		s->data_seq = ++s->seq;
		s->message_mode = true;
		s->warned_8bit = false;
		session_set_state(s, SMTP_STATE_DATA);
		if (h.origin == ORIGIN_ACTION && s->action == ACTION_SEND)
			send_message(s);
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
