/* SPDX-License-Identifier: MIT */
/* Guided /send: prompts for sender, recipients, subject and body, then
 * issues EHLO if needed, MAIL, RCPT..., DATA and the message as ordinary
 * wire commands (pipelined per RFC 2920 when the server offers it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto/limits.h"
#include "proto/rfc2047.h"
#include "proto/session-int.h"
#include "proto/smtp.h"
#include "proto/util.h"

enum send_field {
	FIELD_FROM,
	FIELD_TO,
	FIELD_SUBJECT,
	FIELD_BODY,
};

enum send_tag {
	SEND_NONE,
	SEND_EHLO,
	SEND_MAIL,
	SEND_RCPT,
	SEND_DATA,
	SEND_RSET,
};

void
send_clear(struct session *s)
{
	size_t	i;

	free(s->send_from);
	s->send_from = NULL;
	free(s->send_from_name);
	s->send_from_name = NULL;
	for (i = 0; i < s->send_nrcpt; i++)
		free(s->send_rcpt[i]);
	free(s->send_rcpt);
	s->send_rcpt = NULL;
	s->send_nrcpt = s->send_rcpt_ok = s->send_rcpt_answered = 0;
	free(s->send_subject);
	s->send_subject = NULL;
	buf_wipe(&s->send_body);
	buf_init(&s->send_body, LIMIT_MESSAGE);
	s->prompting = false;
}

static void
prompt(struct session *s, const char *text)
{
	free(s->prompt);
	s->prompt = xstrdup(text);
	s->prompting = true;
	session_emit(s, PEV_PROMPT, 0, text, strlen(text), 0);
}

int
send_start(struct session *s, const char **errstr_r)
{
	if (!s->greeted) {
		*errstr_r = "/send: wait for the server's greeting";
		return -1;
	}
	if (s->over) {
		*errstr_r = "/send: the session is over";
		return -1;
	}
	if (s->state == SMTP_STATE_MAIL || s->state == SMTP_STATE_RCPT ||
	    s->state == SMTP_STATE_DATA || s->message_mode) {
		*errstr_r = "/send: a mail transaction is open; finish it or "
		    "type RSET";
		return -1;
	}
	send_clear(s);
	s->send_field = FIELD_FROM;
	prompt(s, "From (sender address):");
	return 0;
}

/* "<a@b>", "a@b" or "Name <a@b>" -> "a@b" (trimmed): the text inside
 * the last <...> when there is one, as in an RFC 5322 3.4 name-addr. */
static char *
address(const char *p, size_t len)
{
	const char	*lt, *gt;

	while (len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len >= 2 && p[len - 1] == '>') {
		gt = p + len - 1;
		lt = gt;
		while (lt > p && lt[-1] != '<' && lt[-1] != '>')
			lt--;
		if (lt > p && lt[-1] == '<')
			return xstrndup(lt, (size_t)(gt - lt));
	}
	return xstrndup(p, len);
}

/* Length of the next recipient in a "To" answer: up to a ',' or ';'
 * outside double quotes and <...> (RFC 5322 3.4 address-list). */
static size_t
address_item(const char *p, size_t len)
{
	size_t	i;
	bool	quoted = false, angle = false;

	for (i = 0; i < len; i++) {
		if (quoted) {
			if (p[i] == '\\' && i + 1 < len)
				i++;
			else if (p[i] == '"')
				quoted = false;
		} else if (p[i] == '"')
			quoted = true;
		else if (p[i] == '<')
			angle = true;
		else if (p[i] == '>')
			angle = false;
		else if (!angle && (p[i] == ',' || p[i] == ';'))
			break;
	}
	return i;
}

/* Why a recipient cannot go into RCPT TO:<...>, or NULL when it can. */
static const char *
address_bad(const char *a)
{
	if (a[0] == '\0')
		return "empty";
	if (strchr(a, ' ') != NULL || strchr(a, '\t') != NULL)
		return "it holds a space: type an address such as "
		    "user@example.org (several: separate them with commas)";
	if (strpbrk(a, "<>") != NULL)
		return "it holds < or >";
	return NULL;
}

static bool
ascii(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return false;
	return true;
}

/* The display name before "<addr>" ("Ann" of "Ann <a@b>", quotes
 * taken off), or NULL when there is none. */
static char *
display_name(const char *p, size_t len)
{
	const char	*lt = memchr(p, '<', len);
	size_t		 n;

	if (lt == NULL)
		return NULL;
	n = (size_t)(lt - p);
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	return n > 0 ? xstrndup(p, n) : NULL;
}

/* RFC 5322 3.2.3 atext, and space: a phrase that needs no quotes. */
static bool
phrase_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s == ' ' || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("!#$%&'*+-/=?^_`{|}~", *s) != NULL))
			return false;
	return true;
}

/* Append "From: " with the name as typed: plain, quoted (RFC 5322 3.2.4),
 * or as encoded words when it is not ASCII (RFC 2047 5 (3)). */
static void
from_header(struct session *s, struct buf *b)
{
	const char	*n = s->send_from_name, *c;

	buf_append_str(b, "From: ");
	if (n != NULL && !ascii(n, strlen(n)))
		(void)rfc2047_encode(n, strlen(n), b);
	else if (n != NULL && phrase_plain(n))
		buf_append_str(b, n);
	else if (n != NULL) {
		buf_append_byte(b, '"');
		for (c = n; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				buf_append_byte(b, '\\');
			buf_append_byte(b, *c);
		}
		buf_append_byte(b, '"');
	}
	buf_printf(b, "%s<%s>", n != NULL ? " " : "", s->send_from);
}

static void
send_go(struct session *s);

/* The answer to a "To" prompt: one recipient or a comma-separated list;
 * an empty answer ends the list once there is a recipient. Every usable
 * address is kept (and echoed) even when another one in the line is not. */
static int
send_recipients(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	const char	*why;
	char		*a;
	size_t		 n, off = 0;
	bool		 bad = false, any = false;

	while (off < len) {
		n = address_item(line + off, len - off);
		a = address(line + off, n);
		off += n + (off + n < len);
		if (a[0] == '\0') {
			free(a);
			continue;
		}
		any = true;
		why = s->send_nrcpt >= 1000 ? "too many recipients" :
		    address_bad(a);
		if (why != NULL) {
			session_info(s, PEV_F_WARNING, "not a usable recipient "
			    "address \"%s\": %s", a, why);
			free(a);
			bad = true;
			continue;
		}
		s->send_rcpt = xrealloc(s->send_rcpt, (s->send_nrcpt + 1) *
		    sizeof(*s->send_rcpt));
		s->send_rcpt[s->send_nrcpt++] = a;
		session_info(s, 0, "/send: recipient <%s>", a);
	}
	if (!any && s->send_nrcpt > 0) {
		s->send_field = FIELD_SUBJECT;
		prompt(s, "Subject:");
		return 0;
	}
	if (!any) {
		*errstr_r = "at least one recipient is needed";
		session_info(s, PEV_F_WARNING, "%s", *errstr_r);
	} else if (bad)
		*errstr_r = "not a usable recipient address";
	prompt(s, s->send_nrcpt == 0 ? "To (recipient address):" :
	    "To (another recipient, empty line ends):");
	return bad || !any ? -1 : 0;
}

int
send_answer(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	char	*a;

	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL ||
	    memchr(line, '\0', len) != NULL) {
		*errstr_r = "line contains CR, LF or NUL";
		session_info(s, PEV_F_WARNING, "%s", *errstr_r);
		return -1;
	}
	switch ((enum send_field)s->send_field) {
	case FIELD_FROM:
		a = address(line, len);
		if (a[0] == '\0' && !(len >= 2 && memchr(line, '<', len))) {
			free(a);
			*errstr_r = "a sender address is needed (<> for none)";
			session_info(s, PEV_F_WARNING, "%s", *errstr_r);
			prompt(s, "From (sender address):");
			return -1;
		}
		if (strpbrk(a, "<> ") != NULL) {
			free(a);
			*errstr_r = "an address may not hold <, > or spaces";
			session_info(s, PEV_F_WARNING, "%s", *errstr_r);
			prompt(s, "From (sender address):");
			return -1;
		}
		s->send_from = a;
		s->send_from_name = display_name(line, len);
		session_info(s, 0, "/send: sender <%s>", a);
		s->send_field = FIELD_TO;
		prompt(s, "To (recipient address):");
		return 0;
	case FIELD_TO:
		return send_recipients(s, line, len, errstr_r);
	case FIELD_SUBJECT:
		s->send_subject = xstrndup(line, len);
		session_info(s, 0, "/send: subject \"%s\"", s->send_subject);
		s->send_field = FIELD_BODY;
		prompt(s, "Body (a lone . ends the message):");
		return 0;
	case FIELD_BODY:
		if (len == 1 && line[0] == '.') {
			s->prompting = false;
			send_go(s);
			return 0;
		}
		if (buf_append(&s->send_body, line, len) == -1 ||
		    buf_append_byte(&s->send_body, '\n') == -1) {
			*errstr_r = "message too large";
			session_info(s, PEV_F_WARNING, "%s", *errstr_r);
			return -1;
		}
		return 0;
	}
	return -1;
}

#define TOO_LONG	"/send: an address does not fit in a command line"

static void
send_rcpt(struct session *s, size_t i)
{
	struct buf	b;

	buf_init(&b, LIMIT_COMMAND_LINE);
	if (buf_printf(&b, "RCPT TO:<%s>", s->send_rcpt[i]) == -1)
		session_action_end(s, PEV_F_NEGATIVE, TOO_LONG);
	else
		session_send_action(s, b.data, b.len, SEND_RCPT);
	buf_clear(&b);
}

static void
send_mail(struct session *s)
{
	struct buf	b;
	bool		utf8 = !ascii(s->send_from, strlen(s->send_from));
	size_t		i;

	for (i = 0; i < s->send_nrcpt; i++)
		if (!ascii(s->send_rcpt[i], strlen(s->send_rcpt[i])))
			utf8 = true;
	s->send_pipelining = s->caps_known && s->caps.pipelining;
	buf_init(&b, LIMIT_COMMAND_LINE);
	/* RFC 6152 / RFC 6531: declare 8-bit bodies and UTF-8 addresses
	 * when the server offers them. */
	if (buf_printf(&b, "MAIL FROM:<%s>%s%s", s->send_from,
	    !ascii(s->send_body.data != NULL ? s->send_body.data : "",
	    s->send_body.len) && s->caps.eightbitmime ? " BODY=8BITMIME" : "",
	    utf8 && s->caps.smtputf8 ? " SMTPUTF8" : "") == -1) {
		session_action_end(s, PEV_F_NEGATIVE, TOO_LONG);
		buf_clear(&b);
		return;
	}
	session_send_action(s, b.data, b.len, SEND_MAIL);
	buf_clear(&b);
	if (s->send_pipelining) {
		/* RFC 2920 3.1: MAIL, RCPT... and DATA may go in one group,
		 * DATA last. */
		for (i = 0; i < s->send_nrcpt && s->action == ACTION_SEND; i++)
			send_rcpt(s, i);
		if (s->action == ACTION_SEND)
			session_send_action(s, "DATA", 4, SEND_DATA);
	}
}

static void
send_go(struct session *s)
{
	if (s->state == SMTP_STATE_EHLO) {
		session_send_ehlo(s, SEND_EHLO);
		return;
	}
	send_mail(s);
}

void
send_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	(void)rl;
	if (strcmp(h->verb, ".") == 0) {
		session_action_end(s, positive ? PEV_F_POSITIVE :
		    PEV_F_NEGATIVE, positive ? "/send: the message was "
		    "accepted" : "/send: the message was refused");
		return;
	}
	switch ((enum send_tag)h->tag) {
	case SEND_EHLO:
		if (positive)
			send_mail(s);
		else
			session_action_end(s, PEV_F_NEGATIVE, "/send: EHLO "
			    "was refused");
		break;
	case SEND_MAIL:
		if (!positive && !s->send_pipelining)
			session_action_end(s, PEV_F_NEGATIVE, "/send: the "
			    "sender was refused");
		else if (!s->send_pipelining)
			send_rcpt(s, 0);
		break;
	case SEND_RCPT:
		s->send_rcpt_answered++;
		if (positive)
			s->send_rcpt_ok++;
		if (s->send_pipelining)
			break;
		if (s->send_rcpt_answered < s->send_nrcpt)
			send_rcpt(s, s->send_rcpt_answered);
		else if (s->send_rcpt_ok > 0)
			session_send_action(s, "DATA", 4, SEND_DATA);
		else {
			session_send_action(s, "RSET", 4, SEND_RSET);
			session_info(s, PEV_F_NEGATIVE, "/send: no recipient "
			    "was accepted");
		}
		break;
	case SEND_DATA:
		/* 354 is handled by the engine (send_message); this is a
		 * final refusal. */
		session_action_end(s, PEV_F_NEGATIVE, "/send: DATA was "
		    "refused");
		break;
	case SEND_RSET:
		session_action_end(s, 0, NULL);
		break;
	case SEND_NONE:
		break;
	}
}

/* Send the lines of p (ended by LF or CRLF) as message text, dot-stuffed
 * by session_send_message_line; an empty p is one empty line. Stops,
 * ending the /send, at the first line that cannot go out. */
static void
send_lines(struct session *s, const char *p, size_t len)
{
	const char	*err, *end = p + len, *nl;
	size_t		 n;

	do {
		if (s->action != ACTION_SEND)
			return;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (nl < end && n > 0 && p[n - 1] == '\r')
			n--;
		if (session_send_message_line(s, p, n, &err) == -1) {
			session_action_end(s, PEV_F_NEGATIVE, err);
			return;
		}
		p = nl < end ? nl + 1 : end;
	} while (p < end);
}

/* Send one header field (folded lines joined with "\n"), or the empty
 * line that ends the header when b is empty; then empty b. */
static void
header(struct session *s, struct buf *b)
{
	send_lines(s, b->data != NULL ? b->data : "", b->len);
	buf_reset(b);
}

void
send_message(struct session *s)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec",
	};
	struct buf	 b;
	struct tm	 tm;
	time_t		 t = s->now != 0 ? s->now : time(NULL);
	const char	*err, *at;
	size_t		 i;
	bool		 eight;

	buf_init(&b, LIMIT_BODY_LINE);
	gmtime_r(&t, &tm);
	/* RFC 5322 3.3 date-time, in UTC. */
	buf_printf(&b, "Date: %s, %d %s %d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	header(s, &b);
	from_header(s, &b);
	header(s, &b);
	buf_append_str(&b, "To: ");
	for (i = 0; i < s->send_nrcpt; i++)
		buf_printf(&b, "%s<%s>", i > 0 ? ",\n " : "", s->send_rcpt[i]);
	header(s, &b);
	buf_append_str(&b, "Subject: ");
	if (ascii(s->send_subject, strlen(s->send_subject)))
		buf_append_str(&b, s->send_subject);
	else
		(void)rfc2047_encode(s->send_subject, strlen(s->send_subject),
		    &b);
	header(s, &b);
	at = strchr(s->send_from, '@');
	buf_printf(&b, "Message-ID: <%lld.%ld.%llu.mailbench@%s>", (long long)t,
	    s->now != 0 ? 0L : (long)getpid(), (unsigned long long)s->data_seq,
	    at != NULL && at[1] != '\0' ? at + 1 : s->ehlo_domain);
	header(s, &b);
	eight = !ascii(s->send_body.data != NULL ? s->send_body.data : "",
	    s->send_body.len);
	buf_append_str(&b, "MIME-Version: 1.0");
	header(s, &b);
	buf_append_str(&b, "Content-Type: text/plain; charset=UTF-8");
	header(s, &b);
	buf_printf(&b, "Content-Transfer-Encoding: %s", eight ? "8bit" : "7bit");
	header(s, &b);
	header(s, &b);	/* the empty line before the body */
	buf_clear(&b);
	if (s->send_body.len > 0)
		send_lines(s, s->send_body.data, s->send_body.len);
	if (s->action == ACTION_SEND &&
	    session_send_message_line(s, ".", 1, &err) == -1)
		session_action_end(s, PEV_F_NEGATIVE, err);
}
