/* SPDX-License-Identifier: MIT */
/* /auth MECH [USER]: asks for the secret (PEV_NEED_SECRET), then logs in
 * with USER/PASS, APOP or AUTH (PLAIN, LOGIN, CRAM-MD5, XOAUTH2), answers
 * the challenges, and ends with one "* " line. The login itself
 * (auth_login_*) is shared with the AUTH of /send. */
#include <stdlib.h>
#include <string.h>

#include "proto/limits.h"
#include "proto/session-int.h"
#include "base/util.h"

struct auth_run {
	struct auth_login	 login;
	bool			 hello;	/* EHLO out before the login */
};

static struct auth_run *
run_of(const struct session *s)
{
	return s->apriv;
}

void
auth_login_clear(struct auth_login *l)
{
	free(l->user);
	l->user = NULL;
}

static bool
mech_offered(const struct session *s, const struct auth_login *l)
{
	const char	*name = sasl_mech_name(l->mech);

	return caps_has_mech(&s->caps, name, strlen(name));
}

/* Why the login must not send the secret now, or NULL: the connection is
 * in the clear, the mechanism shows the password to anyone on the way
 * (USER/PASS, PLAIN, LOGIN, XOAUTH2), the server does not offer it here
 * but offers STARTTLS/STLS, after which it usually will. Sending anyway
 * puts a reusable password on the wire for nothing (RFC 4616 1, RFC 3207
 * 4, RFC 2595 2). CRAM-MD5 and APOP send no password; a typed AUTH or
 * PASS still goes out as typed. */
static const char *
auth_cleartext_refusal(const struct session *s, const struct auth_login *l)
{
	bool	offered;

	if (s->tls || !s->caps_known || l->mech == SASL_APOP ||
	    l->mech == SASL_CRAM_MD5)
		return NULL;
	offered = l->mech == SASL_USER ? s->caps.user : mech_offered(s, l);
	if (offered)
		return NULL;
	if (s->ops->offers_starttls(&s->caps))
		return s->ops->auth_cleartext_why;
	return NULL;
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

/* The response for step l->step of the exchange (1: the first one) in
 * mechanism l->mech; nothing for a step the mechanism does not have.
 * 0, or -1 with *errstr_r. */
static int
auth_response(struct session *s, const struct auth_login *l,
    const char *chal, size_t chal_len, struct buf *p, const char **errstr_r)
{
	const char	*sec = s->secret.data != NULL ? s->secret.data : "";
	int		 r = 0;

	switch (l->mech) {
	case SASL_PLAIN:
		if (l->step == 1)
			r = sasl_plain(l->user, sec, s->secret.len, p);
		break;
	case SASL_XOAUTH2:
		if (l->step == 1)
			r = sasl_xoauth2(l->user, sec, s->secret.len, p);
		break;
	case SASL_LOGIN:
		/* The "Username:" and "Password:" challenges, in order. */
		if (l->step == 1)
			r = sasl_encode(l->user, strlen(l->user), p);
		else if (l->step == 2)
			r = sasl_encode(sec, s->secret.len, p);
		break;
	case SASL_CRAM_MD5:
		if (l->step == 1)
			r = sasl_cram_md5(l->user, sec, s->secret.len,
			    chal, chal_len, p, errstr_r);
		break;
	default:
		break;
	}
	if (r == -1 && l->mech != SASL_CRAM_MD5)
		*errstr_r = "/auth: the secret is too long";
	return r;
}

void
auth_login_begin(struct session *s, struct auth_login *l)
{
	struct buf	 p;
	const char	*err, *verb, *ts;
	char		 hex[33];
	bool		 ir;
	int		 r;

	if (auth_cleartext_refusal(s, l) != NULL) {
		/* Capabilities learnt from the EHLO sent for /auth; the
		 * secret is wiped by session_action_end. */
		session_action_end(s, PEV_F_NEGATIVE,
		    auth_cleartext_refusal(s, l));
		return;
	}
	if (!s->tls)
		session_info(s, PEV_F_WARNING, "sending credentials over a "
		    "connection that is not encrypted");
	if (l->mech == SASL_USER) {
		if (s->caps_known && !s->caps.user)
			session_info(s, PEV_F_WARNING, "CAPA did not list USER");
	} else if (l->mech != SASL_APOP && s->caps_known &&
	    !mech_offered(s, l))
		session_info(s, PEV_F_WARNING, "the server did not advertise "
		    "AUTH %s", sasl_mech_name(l->mech));
	l->step = 0;
	buf_init(&p, LIMIT_COMMAND_LINE);
	ir = s->ops->sasl_initial_response(s);
	switch (l->mech) {
	case SASL_USER:
		if (buf_printf(&p, "USER %s", l->user) == -1)
			session_action_end(s, PEV_F_NEGATIVE, "/auth: the user "
			    "name is too long");
		else
			session_send_action(s, p.data, p.len, 0);
		break;
	case SASL_APOP:
		if ((ts = s->ops->apop_timestamp(s)) == NULL) {
			session_action_end(s, PEV_F_NEGATIVE, "/auth APOP: the "
			    "greeting had no <timestamp> (RFC 1939 7)");
			break;
		}
		sasl_apop_digest(ts, strlen(ts), s->secret.data != NULL ?
		    s->secret.data : "", s->secret.len, hex);
		r = buf_printf(&p, "APOP %s %s", l->user, hex);
		explicit_bzero(hex, sizeof(hex));
		if (r == -1)
			session_action_end(s, PEV_F_NEGATIVE, "/auth: the user "
			    "name is too long");
		else
			session_send_action(s, p.data, p.len, 0);
		break;
	case SASL_PLAIN:
	case SASL_XOAUTH2:
		verb = l->mech == SASL_PLAIN ? "AUTH PLAIN" : "AUTH XOAUTH2";
		if (!ir) {
			auth_send(s, verb, NULL);
			break;
		}
		l->step = 1;
		if (auth_response(s, l, NULL, 0, &p, &err) == -1) {
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
auth_login_continue(struct session *s, struct auth_login *l,
    struct pending *head, const char *text, size_t len)
{
	struct buf	 p;
	const char	*err = NULL;
	int		 r;

	buf_init(&p, LIMIT_COMMAND_LINE);
	l->step++;
	if (l->mech == SASL_XOAUTH2 && l->step == 2) {
		/* After a failed token the server sends a 334 with an error
		 * JSON; the client answers with an empty line. */
		session_send_continuation(s, "", 0, false);
	} else if ((r = auth_response(s, l, text, len, &p, &err)) == 0 &&
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

/* ---- /auth ---- */

static void *
auth_new(void)
{
	return xcalloc(1, sizeof(struct auth_run));
}

static void
auth_free(void *v)
{
	struct auth_run	*r = v;

	if (r == NULL)
		return;
	auth_login_clear(&r->login);
	free(r);
}

static int
auth_begin(struct session *s, const char *arg, size_t len,
    const char **errstr_r)
{
	struct auth_login *l = &run_of(s)->login;
	const char	*p = arg, *end = arg + len, *w;
	size_t		 n;
	struct buf	 b;

	while (p < end && *p == ' ')
		p++;
	w = p;
	while (p < end && *p != ' ')
		p++;
	if (p == w) {
		*errstr_r = "usage: /auth MECH [USER] (PLAIN, LOGIN, "
		    "CRAM-MD5, XOAUTH2, APOP, USER)";
		return -1;
	}
	if (sasl_mech_parse(w, (size_t)(p - w), &l->mech) == -1) {
		*errstr_r = "/auth: unknown mechanism (PLAIN, LOGIN, "
		    "CRAM-MD5, XOAUTH2, APOP, USER)";
		return -1;
	}
	while (p < end && *p == ' ')
		p++;
	w = p;
	while (p < end && *p != ' ')
		p++;
	n = (size_t)(p - w);
	if (n > 0)
		l->user = xstrndup(w, n);
	else if (s->user != NULL)
		l->user = xstrdup(s->user);
	else {
		*errstr_r = "/auth: no user (type /auth MECH USER)";
		return -1;
	}
	if (!s->ops->mech_allowed(l->mech)) {
		*errstr_r = "/auth: APOP and USER are POP3 only";
		return -1;
	}
	if (s->greeted && !s->ops->login_allowed(s)) {
		*errstr_r = "/auth: only in the AUTHORIZATION state";
		return -1;
	}
	if (l->mech == SASL_APOP && s->greeted &&
	    s->ops->apop_timestamp(s) == NULL) {
		*errstr_r = "/auth APOP: the greeting had no <timestamp>, so "
		    "the server does not offer APOP (RFC 1939 7)";
		return -1;
	}
	if (auth_cleartext_refusal(s, l) != NULL) {
		*errstr_r = auth_cleartext_refusal(s, l);
		return -1;
	}
	buf_init(&b, LIMIT_COMMAND_LINE + 64);
	(void)buf_printf(&b, "%s for %s (%s):", l->mech == SASL_XOAUTH2 ?
	    "OAuth2 access token" : l->mech == SASL_APOP ?
	    "APOP shared secret" : "password", l->user,
	    sasl_mech_name(l->mech));
	session_ask_secret(s, b.data);
	buf_clear(&b);
	return 0;
}

/* The secret is here and the server greeted: EHLO first when the
 * protocol needs it, then the login. */
static void
auth_go(struct session *s)
{
	struct auth_run	*r = run_of(s);

	if (s->ops->hello_needed(s)) {
		r->hello = true;
		s->ops->caps_request(s, 0);
		return;
	}
	auth_login_begin(s, &r->login);
}

static void
auth_greeted(struct session *s)
{
	if (!s->ops->login_allowed(s))
		session_action_end(s, PEV_F_NEGATIVE, "/auth: the server did "
		    "not greet with +OK");
	else if (!s->secret_wanted)
		auth_go(s);
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
	struct auth_login *l = &run_of(s)->login;
	struct buf	 b;

	buf_init(&b, LIMIT_REPLY_LINE);
	(void)buf_printf(&b, "authentication failed as %s (%s)%s%s, ",
	    l->user, sasl_mech_name(l->mech), what != NULL ? ": " : "",
	    what != NULL ? what : "");
	(void)session_outcome(s, head, rl, "/auth", &b);
	session_action_end(s, PEV_F_NEGATIVE, b.data);
	buf_clear(&b);
}

static void
auth_reply(struct session *s, const struct pending *head,
    const struct reply_line *rl, bool positive)
{
	struct auth_run	*r = run_of(s);
	struct auth_login *l = &r->login;
	struct buf	 p;

	if (r->hello) {
		r->hello = false;
		if (positive)
			auth_go(s);
		else
			session_action_end(s, PEV_F_NEGATIVE,
			    "/auth: EHLO was refused");
		return;
	}
	if (l->mech == SASL_USER && pending_is(head, "USER")) {
		if (!positive) {
			auth_failed(s, head, rl, "USER was refused");
			return;
		}
		buf_init(&p, LIMIT_COMMAND_LINE);
		if (buf_append_str(&p, "PASS ") == -1 ||
		    buf_append(&p, s->secret.data != NULL ? s->secret.data :
		    "", s->secret.len) == -1)
			session_action_end(s, PEV_F_NEGATIVE,
			    "/auth: the secret is too long");
		else
			session_send_action(s, p.data, p.len, 0);
		buf_wipe(&p);
		return;
	}
	if (head->cancelled && !positive) {
		session_action_end(s, 0, "/auth cancelled");
		return;
	}
	if (!positive) {
		auth_failed(s, head, rl, NULL);
		return;
	}
	free(s->login_user);
	s->login_user = xstrdup(l->user);
	session_info(s, PEV_F_POSITIVE, "authenticated as %s (%s)", l->user,
	    sasl_mech_name(l->mech));
	session_action_end(s, 0, NULL);
}

static void
auth_secret(struct session *s)
{
	auth_go(s);
}

static bool
auth_continuation(struct session *s, struct pending *head, const char *text,
    size_t len)
{
	auth_login_continue(s, &run_of(s)->login, head, text, len);
	return true;
}

/* True when the FIFO holds a command of this run that carried the
 * credential itself (PASS, APOP): past the point where cancelling means
 * anything. */
static bool
credential_sent(const struct session *s)
{
	const struct pending	*p;
	size_t			 i;

	for (i = 0; i < s->fifo_len; i++) {
		p = session_fifo_at(s, i);
		if (session_action_owns(s, p) && (pending_is(p, "PASS") ||
		    pending_is(p, "APOP")))
			return true;
	}
	return false;
}

static void
auth_cancel(struct session *s)
{
	if (credential_sent(s))
		session_info(s, PEV_F_WARNING, "/auth: the credentials are "
		    "already sent; nothing left to cancel");
	else
		session_action_end(s, 0, "/auth cancelled before anything "
		    "secret was sent");
}

static bool
auth_cancellable(const struct session *s)
{
	return !credential_sent(s);
}

const struct session_action_ops action_auth_ops = {
	.verb = "AUTH",
	.fact = FACTS_ACTION_AUTH,
	.wrong_proto = "/auth is not offered here",
	.cancelled_secret = "/auth cancelled",
	.new = auth_new,
	.free = auth_free,
	.begin = auth_begin,
	.greeted = auth_greeted,
	.secret = auth_secret,
	.on_reply = auth_reply,
	.on_continuation = auth_continuation,
	.cancel = auth_cancel,
	.cancellable = auth_cancellable,
};
