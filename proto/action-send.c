/* SPDX-License-Identifier: MIT */
/* Guided /send: prompts for the AUTH user (when it can be used), sender,
 * recipients, subject and body, then issues EHLO if needed, STARTTLS and
 * AUTH when the server offers them, MAIL, RCPT..., DATA and the message as
 * ordinary wire commands (pipelined per RFC 2920 when the server offers
 * it), and ends with one "* " line that says what really happened. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proto/address.h"
#include "proto/limits.h"
#include "proto/outcome.h"
#include "proto/rfc2047.h"
#include "proto/session-int.h"
#include "proto/smtp.h"
#include "base/util.h"

/* One run of /send (s->apriv): the form, the envelope's fate, the login. */
struct send_run {
	int		 send_field;
	char		*send_from;
	char		*send_from_name; /* "Ann" of "Ann <a@b>", or NULL */
	char		**send_rcpt;
	char		**send_rcpt_name; /* display names, or NULL */
	size_t		 send_nrcpt, send_rcpt_ok, send_rcpt_answered;
	char		*send_subject;
	struct buf	 send_body;
	bool		 send_pipelining;
	char		*send_user;	/* AUTH user from the form */
	bool		 send_tls_tried, send_auth_tried;
	bool		 send_mail_refused; /* pipelined MAIL refused */
	char		*send_refused;	/* "b@x refused: 550 5.1.1, ..." */
	char		*send_first;	/* first refusal's code, cause and
					 * next step */
	char		*send_final;	/* the outcome line, said when the
					 * RSET after it is answered */
	struct auth_login send_login;	/* the AUTH before MAIL */
};

enum send_field {
	FIELD_USER,
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
	SEND_STARTTLS,
};

static struct send_run *
run_of(const struct session *s)
{
	return s->apriv;
}

static bool
sending(const struct session *s)
{
	return session_action_is(s, &action_send_ops);
}

static void *
send_new(void)
{
	struct send_run	*r = xcalloc(1, sizeof(*r));

	buf_init(&r->send_body, LIMIT_MESSAGE);
	return r;
}

static void
send_free(void *v)
{
	struct send_run	*r = v;
	size_t		 i;

	if (r == NULL)
		return;
	free(r->send_from);
	free(r->send_from_name);
	for (i = 0; i < r->send_nrcpt; i++) {
		free(r->send_rcpt[i]);
		free(r->send_rcpt_name[i]);
	}
	free(r->send_rcpt);
	free(r->send_rcpt_name);
	free(r->send_user);
	free(r->send_refused);
	free(r->send_first);
	free(r->send_final);
	free(r->send_subject);
	buf_wipe(&r->send_body);
	auth_login_clear(&r->send_login);
	free(r);
}

static int
send_begin(struct session *s, const char *arg, size_t len,
    const char **errstr_r)
{
	struct send_run	*r = run_of(s);
	enum smtp_state	 st = smtp_state(s);

	(void)arg;
	(void)len;
	if (!s->greeted) {
		*errstr_r = "/send: wait for the server's greeting";
		return -1;
	}
	if (s->over) {
		*errstr_r = "/send: the session is over";
		return -1;
	}
	if (st == SMTP_STATE_MAIL || st == SMTP_STATE_RCPT ||
	    st == SMTP_STATE_DATA || s->message_mode) {
		*errstr_r = "/send: a mail transaction is open; finish it or "
		    "type RSET";
		return -1;
	}
	/* The AUTH user, asked only when there is none and EHLO showed AUTH
	 * (or STARTTLS, after which servers commonly offer it: RFC 3207 4.2,
	 * Postfix smtpd_tls_auth_only). */
	if (s->user == NULL && !s->authed && s->caps_known &&
	    (s->caps.auth != NULL || (!s->tls && s->caps.starttls))) {
		r->send_field = FIELD_USER;
		session_ask(s, "AUTH user (empty: send without logging in):");
		return 0;
	}
	r->send_field = FIELD_FROM;
	session_ask(s, "From (sender address):");
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

/* Is a a mailbox RCPT TO can name? RFC 5321 4.1.2: a Forward-path is a
 * Mailbox, Local-part "@" Domain (4.1.1.3 also allows the bare
 * "Postmaster"). proto/address.c's parser must find exactly one mailbox
 * with both halves non-empty, so "." or "QUIT" typed at the To prompt is
 * not taken for a recipient. */
static bool
address_is_mailbox(const char *a)
{
	struct address_list	 l;
	const char		*m, *at;
	bool			 ok = false;

	if (slice_eq_ci(a, strlen(a), "postmaster"))
		return true;
	address_list_init(&l);
	if (address_parse(a, strlen(a), &l) == 1) {
		m = l.items[0].addr;
		at = strrchr(m, '@');
		/* An "@" in the local part only inside quotes. */
		ok = at != NULL && at != m && at[1] != '\0' &&
		    (strchr(m, '@') == at || m[0] == '"');
	}
	address_list_clear(&l);
	return ok;
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
	if (!address_is_mailbox(a))
		return "not an address (user@domain): type one such as "
		    "user@example.org, or /cancel to leave the form";
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

/* Append "name <addr>" with the name as typed: plain, quoted (RFC 5322
 * 3.2.4), or as encoded words when it is not ASCII (RFC 2047 5 (3));
 * just "<addr>" without a name. */
static void
name_addr(struct buf *b, const char *n, const char *addr)
{
	const char	*c;

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
	buf_printf(b, "%s<%s>", n != NULL ? " " : "", addr);
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
	struct send_run	*r = run_of(s);
	const char	*why;
	char		*a, *name;
	size_t		 n, off = 0;
	bool		 bad = false, any = false;

	while (off < len) {
		n = address_item(line + off, len - off);
		a = address(line + off, n);
		name = display_name(line + off, n);
		off += n + (off + n < len);
		if (a[0] == '\0') {
			free(a);
			free(name);
			continue;
		}
		any = true;
		why = r->send_nrcpt >= 1000 ? "too many recipients" :
		    address_bad(a);
		if (why != NULL) {
			session_info(s, PEV_F_WARNING, "not a usable recipient "
			    "address \"%s\": %s", a, why);
			free(a);
			free(name);
			bad = true;
			continue;
		}
		r->send_rcpt = xrealloc(r->send_rcpt, (r->send_nrcpt + 1) *
		    sizeof(*r->send_rcpt));
		r->send_rcpt_name = xrealloc(r->send_rcpt_name,
		    (r->send_nrcpt + 1) * sizeof(*r->send_rcpt_name));
		r->send_rcpt_name[r->send_nrcpt] = name;
		r->send_rcpt[r->send_nrcpt++] = a;
		session_info(s, 0, "/send: recipient <%s>", a);
	}
	if (!any && r->send_nrcpt > 0) {
		r->send_field = FIELD_SUBJECT;
		session_ask(s, "Subject:");
		return 0;
	}
	if (!any) {
		*errstr_r = "at least one recipient is needed";
		session_info(s, PEV_F_WARNING, "%s", *errstr_r);
	} else if (bad)
		*errstr_r = "not a usable recipient address";
	session_ask(s, r->send_nrcpt == 0 ? "To (recipient address):" :
	    "To (another recipient, empty line ends):");
	return bad || !any ? -1 : 0;
}

static int
send_answer(struct session *s, const char *line, size_t len,
    const char **errstr_r)
{
	struct send_run	*r = run_of(s);
	char	*a;

	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL ||
	    memchr(line, '\0', len) != NULL) {
		*errstr_r = "line contains CR, LF or NUL";
		session_info(s, PEV_F_WARNING, "%s", *errstr_r);
		return -1;
	}
	switch ((enum send_field)r->send_field) {
	case FIELD_USER:
		while (len > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		while (len > 0 && (line[len - 1] == ' ' ||
		    line[len - 1] == '\t'))
			len--;
		if (len > 0) {
			r->send_user = xstrndup(line, len);
			session_info(s, 0, "/send: AUTH user %s",
			    r->send_user);
		}
		r->send_field = FIELD_FROM;
		session_ask(s, "From (sender address):");
		return 0;
	case FIELD_FROM:
		a = address(line, len);
		if (a[0] == '\0' && !(len >= 2 && memchr(line, '<', len))) {
			free(a);
			*errstr_r = "a sender address is needed (<> for none)";
			session_info(s, PEV_F_WARNING, "%s", *errstr_r);
			session_ask(s, "From (sender address):");
			return -1;
		}
		if (strpbrk(a, "<> ") != NULL) {
			free(a);
			*errstr_r = "an address may not hold <, > or spaces";
			session_info(s, PEV_F_WARNING, "%s", *errstr_r);
			session_ask(s, "From (sender address):");
			return -1;
		}
		r->send_from = a;
		r->send_from_name = display_name(line, len);
		session_info(s, 0, "/send: sender <%s>", a);
		r->send_field = FIELD_TO;
		session_ask(s, "To (recipient address):");
		return 0;
	case FIELD_TO:
		return send_recipients(s, line, len, errstr_r);
	case FIELD_SUBJECT:
		r->send_subject = xstrndup(line, len);
		session_info(s, 0, "/send: subject \"%s\"", r->send_subject);
		r->send_field = FIELD_BODY;
		session_ask(s, "Body (a lone . ends the message):");
		return 0;
	case FIELD_BODY:
		if (len == 1 && line[0] == '.') {
			s->prompting = false;
			send_go(s);
			return 0;
		}
		if (buf_append(&r->send_body, line, len) == -1 ||
		    buf_append_byte(&r->send_body, '\n') == -1) {
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
	struct send_run	*r = run_of(s);
	struct buf	b;

	buf_init(&b, LIMIT_COMMAND_LINE);
	if (buf_printf(&b, "RCPT TO:<%s>", r->send_rcpt[i]) == -1)
		session_action_end(s, PEV_F_NEGATIVE, TOO_LONG);
	else
		session_send_action(s, b.data, b.len, SEND_RCPT);
	buf_clear(&b);
}

static void
send_mail(struct session *s)
{
	struct send_run	*r = run_of(s);
	struct buf	b;
	bool		utf8 = !ascii(r->send_from, strlen(r->send_from));
	size_t		i;

	for (i = 0; i < r->send_nrcpt; i++)
		if (!ascii(r->send_rcpt[i], strlen(r->send_rcpt[i])))
			utf8 = true;
	r->send_pipelining = s->caps_known && s->caps.pipelining;
	buf_init(&b, LIMIT_COMMAND_LINE);
	/* RFC 6152 / RFC 6531: declare 8-bit bodies and UTF-8 addresses
	 * when the server offers them. */
	if (buf_printf(&b, "MAIL FROM:<%s>%s%s", r->send_from,
	    !ascii(r->send_body.data != NULL ? r->send_body.data : "",
	    r->send_body.len) && s->caps.eightbitmime ? " BODY=8BITMIME" : "",
	    utf8 && s->caps.smtputf8 ? " SMTPUTF8" : "") == -1) {
		session_action_end(s, PEV_F_NEGATIVE, TOO_LONG);
		buf_clear(&b);
		return;
	}
	session_send_action(s, b.data, b.len, SEND_MAIL);
	buf_clear(&b);
	if (r->send_pipelining) {
		/* RFC 2920 3.1: MAIL, RCPT... and DATA may go in one group,
		 * DATA last. */
		for (i = 0; i < r->send_nrcpt && sending(s); i++)
			send_rcpt(s, i);
		if (sending(s))
			session_send_action(s, "DATA", 4, SEND_DATA);
	}
}

/* The first of the mechanisms mailbench speaks that the server offers,
 * PLAIN first (over TLS it shows the password to no one on the way,
 * RFC 4616 1), or -1. */
static int
send_mech(const struct session *s, enum sasl_mech *m_r)
{
	static const enum sasl_mech	 pref[] = {
		SASL_PLAIN, SASL_LOGIN, SASL_CRAM_MD5,
	};
	const char			*name;
	size_t				 i;

	for (i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
		name = sasl_mech_name(pref[i]);
		if (caps_has_mech(&s->caps, name, strlen(name))) {
			*m_r = pref[i];
			return 0;
		}
	}
	return -1;
}

/* AUTH before MAIL when the server offers it and a user is known, over
 * TLS only; otherwise say why the mail goes unauthenticated. True when an
 * AUTH is under way (its password asked for with PEV_NEED_SECRET, so
 * --password-file and MAILBENCH_PASSWORD answer it). */
static bool
send_auth(struct session *s)
{
	struct send_run	*r = run_of(s);
	const char	*user = r->send_user != NULL ? r->send_user : s->user;
	enum sasl_mech	 m;
	struct buf	 b;

	if (r->send_auth_tried)
		return false;
	r->send_auth_tried = true;
	if (s->authed) {
		session_info(s, 0, "/send: already authenticated%s%s",
		    s->login_user != NULL ? " as " : "",
		    s->login_user != NULL ? s->login_user : "");
		return false;
	}
	if (!s->caps_known) {
		session_info(s, 0, "/send: no EHLO capabilities known (HELO "
		    "was used): sending unauthenticated");
		return false;
	}
	if (s->caps.auth == NULL) {
		session_info(s, 0, "/send: no AUTH offered: sending "
		    "unauthenticated");
		return false;
	}
	if (user == NULL) {
		session_info(s, 0, "/send: the server offers AUTH (%.200s) but "
		    "no user given: sending unauthenticated (give one in the "
		    "URL, smtp://user@host, or answer the AUTH user prompt)",
		    s->caps.auth);
		return false;
	}
	if (!s->tls) {
		session_info(s, PEV_F_WARNING, "/send: the server offers AUTH "
		    "but not STARTTLS: no password goes out in the clear "
		    "(RFC 4616 1); sending unauthenticated");
		return false;
	}
	if (send_mech(s, &m) == -1) {
		session_info(s, 0, "/send: AUTH offers no mechanism mailbench "
		    "speaks (%.200s; it speaks PLAIN, LOGIN, CRAM-MD5): "
		    "sending unauthenticated", s->caps.auth);
		return false;
	}
	r->send_login.mech = m;
	free(r->send_login.user);
	r->send_login.user = xstrdup(user);
	buf_init(&b, LIMIT_COMMAND_LINE + 64);
	(void)buf_printf(&b, "password for %s (AUTH %s, for /send):", user,
	    sasl_mech_name(m));
	session_ask_secret(s, b.data);
	buf_clear(&b);
	return true;
}

/* After EHLO: STARTTLS when the server offers it on a plain connection
 * (RFC 3207), then AUTH (RFC 4954), then the envelope. */
static void
send_secure(struct session *s)
{
	struct send_run	*r = run_of(s);

	if (!s->tls && s->caps_known && s->caps.starttls &&
	    !r->send_tls_tried) {
		r->send_tls_tried = true;
		session_info(s, 0, "/send: the server offers STARTTLS and the "
		    "connection is plain: starting TLS first (RFC 3207)");
		session_send_action(s, "STARTTLS", 8, SEND_STARTTLS);
		return;
	}
	if (send_auth(s))
		return;
	send_mail(s);
}

static void
send_go(struct session *s)
{
	if (smtp_state(s) == SMTP_STATE_EHLO) {
		s->ops->caps_request(s, SEND_EHLO);
		return;
	}
	send_secure(s);
}

static void
send_tls_done(struct session *s)
{
	/* RFC 3207 4.2: the client must discard what it knew and should
	 * send EHLO again. */
	session_info(s, 0, "/send: TLS is on; asking EHLO again");
	s->ops->caps_request(s, SEND_EHLO);
}

/* The outcome line of a refused step: "/send: not sent: " what, then the
 * reading of the reply rl to h ("<code>: <cause>; <next step>"). */
static char *
fail_text(struct session *s, const struct pending *h,
    const struct reply_line *rl, const char *what)
{
	struct buf	b;

	buf_init(&b, LIMIT_REPLY_LINE * 2);
	(void)buf_printf(&b, "/send: not sent: %s, ", what);
	(void)session_outcome(s, h, rl, "/send", &b);
	return buf_steal(&b);
}

/* End the /send with that line. */
static void
send_fail(struct session *s, const struct pending *h,
    const struct reply_line *rl, const char *what)
{
	char	*t = fail_text(s, h, rl, what);

	session_action_end(s, PEV_F_NEGATIVE, t);
	free(t);
}

/* Room for the list of refused recipients in the outcome line; past it
 * the list ends with "..." (the counts stay exact). */
#define REFUSED_SHOWN	1024

/* A refused RCPT: kept for the outcome line ("b@x refused: 550 5.1.1"),
 * and the first one's cause and next step. */
static void
rcpt_refused(struct session *s, const struct pending *h,
    const struct reply_line *rl, size_t i)
{
	struct send_run	*r = run_of(s);
	struct buf	b;

	if (r->send_refused == NULL || strlen(r->send_refused) <
	    REFUSED_SHOWN) {
		buf_init(&b, REFUSED_SHOWN + LIMIT_COMMAND_LINE + 64);
		if (r->send_refused != NULL)
			(void)buf_printf(&b, "%s, ", r->send_refused);
		if (b.len >= REFUSED_SHOWN)
			(void)buf_append_str(&b, "...");
		else {
			(void)buf_printf(&b, "%s refused: ", i < r->send_nrcpt ?
			    r->send_rcpt[i] : "?");
			(void)outcome_code(rl, &b);
		}
		free(r->send_refused);
		r->send_refused = buf_steal(&b);
	}
	if (r->send_first == NULL) {
		buf_init(&b, LIMIT_REPLY_LINE * 2);
		(void)session_outcome(s, h, rl, "/send", &b);
		r->send_first = buf_steal(&b);
	}
}

/* The outcome when no recipient was accepted. */
static char *
no_recipient(struct session *s)
{
	struct send_run	*r = run_of(s);
	struct buf	b;

	buf_init(&b, REFUSED_SHOWN + LIMIT_REPLY_LINE * 4);
	if (r->send_nrcpt == 1)
		(void)buf_printf(&b, "/send: not sent: the recipient %s was "
		    "refused, %s", r->send_rcpt[0], r->send_first != NULL ?
		    r->send_first : "");
	else
		(void)buf_printf(&b, "/send: not sent: all %zu recipients were "
		    "refused (%s); the first: %s", r->send_nrcpt,
		    r->send_refused != NULL ? r->send_refused : "",
		    r->send_first != NULL ? r->send_first : "");
	return buf_steal(&b);
}

/* End with r->send_final, after an RSET when the transaction is open
 * (RFC 5321 4.1.1.5), so the session is ready for the next mail. */
static void
send_finish(struct session *s)
{
	struct send_run	*r = run_of(s);
	enum smtp_state	 st = smtp_state(s);

	if (st == SMTP_STATE_MAIL || st == SMTP_STATE_RCPT) {
		session_send_action(s, "RSET", 4, SEND_RSET);
		return;
	}
	session_action_end(s, PEV_F_NEGATIVE, r->send_final);
}

/* The final 250 to the message: for how many recipients, which were
 * refused and why, and the queue id from the reply's text. */
static void
send_accepted(struct session *s)
{
	struct send_run	*r = run_of(s);
	struct buf	b, id;

	buf_init(&id, 128);
	buf_init(&b, REFUSED_SHOWN + LIMIT_REPLY_LINE * 2);
	if (r->send_rcpt_ok < r->send_nrcpt)
		(void)buf_printf(&b, "/send: message accepted for %zu of %zu "
		    "recipients (%s)", r->send_rcpt_ok, r->send_nrcpt,
		    r->send_refused != NULL ? r->send_refused : "");
	else
		(void)buf_printf(&b, "/send: message accepted for %zu "
		    "recipient%s", r->send_rcpt_ok, r->send_rcpt_ok == 1 ? "" :
		    "s");
	if (outcome_queue_id(s->reply.data != NULL ? s->reply.data : "",
	    s->reply.len, &id) == 1)
		(void)buf_printf(&b, "; queued as %s", id.data);
	else
		/* RFC 5321 6.1: after the 250 the server is responsible. */
		(void)buf_append_str(&b, "; the server is now responsible "
		    "for delivering it (no queue id given)");
	session_action_end(s, PEV_F_POSITIVE, b.data);
	buf_clear(&id);
	buf_clear(&b);
}

static void
send_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	struct send_run	*r = run_of(s);
	struct buf	b;

	/* A reply to an earlier, cancelled /send's command never gets
	 * here (its run is not this one): the form is complete. */
	assert(!s->prompting && r->send_from != NULL);
	if (strcmp(h->verb, ".") == 0) {
		if (positive)
			send_accepted(s);
		else
			send_fail(s, h, rl, "the server refused the message "
			    "after its text");
		return;
	}
	if (pending_is(h, "AUTH")) {
		buf_wipe(&s->secret);
		if (h->cancelled && !positive) {
			session_action_end(s, 0, "/send cancelled during AUTH: "
			    "nothing was sent");
			return;
		}
		if (!positive) {
			buf_init(&b, LIMIT_COMMAND_LINE);
			(void)buf_printf(&b, "AUTH %s as %s was refused",
			    sasl_mech_name(r->send_login.mech),
			    r->send_login.user);
			send_fail(s, h, rl, b.data);
			buf_clear(&b);
			return;
		}
		free(s->login_user);
		s->login_user = xstrdup(r->send_login.user);
		session_info(s, PEV_F_POSITIVE, "/send: authenticated as %s "
		    "(%s)", r->send_login.user,
		    sasl_mech_name(r->send_login.mech));
		send_mail(s);
		return;
	}
	switch ((enum send_tag)h->tag) {
	case SEND_EHLO:
		if (positive)
			send_secure(s);
		else
			send_fail(s, h, rl, "EHLO was refused");
		break;
	case SEND_STARTTLS:
		/* RFC 3207 4: only 220 starts TLS. The engine has said what
		 * happened to the connection; the /send stops rather than
		 * log in or send mail in the clear. */
		if (rl->code == 220)
			break;
		buf_init(&b, LIMIT_REPLY_LINE);
		(void)buf_append_str(&b, "/send: not sent: STARTTLS was "
		    "refused (");
		(void)outcome_code(rl, &b);
		(void)buf_append_str(&b, rl->code >= 400 ? ")" : ", not 220, "
		    "which starts TLS: RFC 3207 4)");
		(void)buf_append_str(&b, "; no login and no mail go out on "
		    "this unencrypted connection: try /send again later, or "
		    "use the implicit-TLS port (smtps://, 465)");
		session_action_end(s, PEV_F_NEGATIVE, b.data);
		buf_clear(&b);
		break;
	case SEND_MAIL:
		if (positive) {
			if (!r->send_pipelining)
				send_rcpt(s, 0);
			break;
		}
		buf_init(&b, LIMIT_COMMAND_LINE);
		(void)buf_printf(&b, "MAIL FROM:<%s> was refused",
		    r->send_from);
		if (!r->send_pipelining)
			send_fail(s, h, rl, b.data);
		else {
			/* RCPT and DATA are on the way; they will be
			 * refused too (503). Said once DATA is answered. */
			r->send_mail_refused = true;
			free(r->send_final);
			r->send_final = fail_text(s, h, rl, b.data);
		}
		buf_clear(&b);
		break;
	case SEND_RCPT:
		if (r->send_mail_refused) {
			r->send_rcpt_answered++;
			break;
		}
		if (positive)
			r->send_rcpt_ok++;
		else
			rcpt_refused(s, h, rl, r->send_rcpt_answered);
		r->send_rcpt_answered++;
		if (r->send_pipelining)
			break;
		if (r->send_rcpt_answered < r->send_nrcpt)
			send_rcpt(s, r->send_rcpt_answered);
		else if (r->send_rcpt_ok > 0)
			session_send_action(s, "DATA", 4, SEND_DATA);
		else {
			free(r->send_final);
			r->send_final = no_recipient(s);
			send_finish(s);
		}
		break;
	case SEND_DATA:
		/* 354 is handled by the engine (send_message); this is a
		 * final refusal. */
		if (!r->send_mail_refused) {
			free(r->send_final);
			if (r->send_rcpt_ok == 0)
				r->send_final = no_recipient(s);
			else
				r->send_final = fail_text(s, h, rl,
				    "DATA was refused");
		}
		send_finish(s);
		break;
	case SEND_RSET:
		session_action_end(s, PEV_F_NEGATIVE, r->send_final);
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
		if (!sending(s))
			return;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (nl < end && n > 0 && p[n - 1] == '\r')
			n--;
		if (smtp_message_line(s, p, n, &err) == -1) {
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

static void
send_message(struct session *s)
{
	struct send_run	*r = run_of(s);
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
	buf_append_str(&b, "From: ");
	name_addr(&b, r->send_from_name, r->send_from);
	header(s, &b);
	buf_append_str(&b, "To: ");
	for (i = 0; i < r->send_nrcpt; i++) {
		if (i > 0)
			buf_append_str(&b, ",\n ");
		name_addr(&b, r->send_rcpt_name[i], r->send_rcpt[i]);
	}
	header(s, &b);
	buf_append_str(&b, "Subject: ");
	if (ascii(r->send_subject, strlen(r->send_subject)))
		buf_append_str(&b, r->send_subject);
	else
		(void)rfc2047_encode(r->send_subject, strlen(r->send_subject),
		    &b);
	header(s, &b);
	at = strchr(r->send_from, '@');
	buf_printf(&b, "Message-ID: <%lld.%ld.%llu.mailbench@%s>", (long long)t,
	    s->now != 0 ? 0L : (long)getpid(),
	    (unsigned long long)smtp_data_seq(s),
	    at != NULL && at[1] != '\0' ? at + 1 : s->ehlo_domain);
	header(s, &b);
	eight = !ascii(r->send_body.data != NULL ? r->send_body.data : "",
	    r->send_body.len);
	buf_append_str(&b, "MIME-Version: 1.0");
	header(s, &b);
	buf_append_str(&b, "Content-Type: text/plain; charset=UTF-8");
	header(s, &b);
	buf_printf(&b, "Content-Transfer-Encoding: %s", eight ? "8bit" : "7bit");
	header(s, &b);
	header(s, &b);	/* the empty line before the body */
	buf_clear(&b);
	if (r->send_body.len > 0)
		send_lines(s, r->send_body.data, r->send_body.len);
	if (sending(s) && smtp_message_line(s, ".", 1, &err) == -1)
		session_action_end(s, PEV_F_NEGATIVE, err);
}

/* The password for the AUTH before MAIL is here. */
static void
send_secret(struct session *s)
{
	auth_login_begin(s, &run_of(s)->send_login);
}

static bool
send_continuation(struct session *s, struct pending *head, const char *text,
    size_t len)
{
	auth_login_continue(s, &run_of(s)->send_login, head, text, len);
	return true;
}

const struct session_action_ops action_send_ops = {
	.verb = "SEND",
	.fact = FACTS_ACTION_SEND,
	.wrong_proto = "/send is for SMTP sessions",
	.cancelled_secret = "/send cancelled: nothing was sent",
	.cancelled_prompt = "/send cancelled",
	.new = send_new,
	.free = send_free,
	.begin = send_begin,
	.secret = send_secret,
	.answer = send_answer,
	.on_reply = send_reply,
	.on_continuation = send_continuation,
	.on_data = send_message,
	.tls_done = send_tls_done,
};
