/* SPDX-License-Identifier: MIT */
/* SMTP engine: RFC 5321 states, one handler per complete reply. */
#include <stdlib.h>
#include <string.h>

#include "proto/session-int.h"
#include "proto/smtp.h"
#include "proto/util.h"

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

/* What a final reply with code to h changes (RFC 5321 4.1.1, 4.1.4). */
static void
smtp_after(struct session *s, const struct pending *h, int code)
{
	bool	pos = code >= 200 && code < 300;

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
	} else if (pending_is(h, "MAIL") && pos)
		session_set_state(s, SMTP_STATE_MAIL);
	else if (pending_is(h, "RCPT") && pos && (s->state == SMTP_STATE_MAIL ||
	    s->state == SMTP_STATE_RCPT))
		session_set_state(s, SMTP_STATE_RCPT);
	else if (pending_is(h, ".")) {
		/* RFC 5321 4.1.1.4: after the final reply to the message
		 * the transaction is over, whatever the code. */
		session_set_state(s, s->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	} else if (pending_is(h, "RSET") && pos &&
	    s->state != SMTP_STATE_GREETING)
		session_set_state(s, s->ehlo_done ? SMTP_STATE_READY :
		    SMTP_STATE_EHLO);
	else if (pending_is(h, "QUIT")) {
		s->over = true;
		session_set_state(s, SMTP_STATE_QUIT);
		session_emit(s, PEV_CLOSED, 0, "the server answered QUIT", 24,
		    h->seq);
	} else if (h->starttls && code == 220)
		session_tls_upgrade(s);
}

void
smtp_reply(struct session *s, struct pending *head, const struct reply_line *rl)
{
	unsigned	 flags = session_reply_flags(s, rl);
	struct pending	 h;

	if (!s->greeted) {
		s->greeted = true;
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
	smtp_after(s, &h, rl->code);
	if (h.origin == ORIGIN_ACTION)
		session_action_reply(s, &h, rl, rl->code >= 200 &&
		    rl->code < 400);
	free(h.arg);
}

const char *
smtp_expects(const struct session *s)
{
	switch ((enum smtp_state)s->state) {
	case SMTP_STATE_GREETING:
		return "the server's 220 greeting";
	case SMTP_STATE_EHLO:
		return "EHLO your.domain (or STARTTLS after it)";
	case SMTP_STATE_READY:
		return "MAIL FROM:<address> (or AUTH, STARTTLS, RSET, QUIT)";
	case SMTP_STATE_MAIL:
		return "RCPT TO:<address>";
	case SMTP_STATE_RCPT:
		return "more RCPT TO:<address>, or DATA";
	case SMTP_STATE_DATA:
		return "the final reply to the message";
	case SMTP_STATE_QUIT:
	case SMTP_STATE_COUNT:
		break;
	}
	return "nothing: the session is over";
}
