/* SPDX-License-Identifier: MIT */
/* Session-order warnings and syntax checks for the composer; the commands
 * themselves are the protocol's table (proto/verbs.h). */
#include <stdio.h>
#include <string.h>

#include "proto/facts.h"
#include "proto/hint.h"
#include "proto/verbs.h"
#include "base/util.h"

static bool
starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && slice_eq_ci(s, n, prefix);
}

/* Length of the first word of s. */
static size_t
word_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] != ' ')
		i++;
	return i;
}

/* The session's capabilities offer STLS/STARTTLS, or AUTH/SASL. */
static bool
offers_tls(const struct session_facts *f)
{
	return f->caps_known && (f->proto == REPLY_POP3 ? f->caps->stls :
	    f->caps->starttls);
}

static bool
offers_auth(const struct session_facts *f)
{
	return f->caps_known && f->caps->auth != NULL;
}

/* Is the slice a decimal number (no sign, no space)? */
static bool
is_number(const char *p, size_t len, bool nonzero)
{
	size_t i;
	bool z = true;

	if (len == 0 || len > 19)
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (p[i] != '0')
			z = false;
	}
	return !nonzero || !z;
}

/* The arguments of a POP3 command against RFC 1939's syntax: how many
 * words, and which are message numbers (1-based, "msg") or counts. */
static const char *
pop3_syntax(const struct verb *v, const char *arg, size_t al)
{
	const char *w[3], *a = v->args;
	size_t wl[3], n = 0, p = 0;

	if (a == NULL)
		return NULL;
	while (p < al && n < 3) {
		while (p < al && arg[p] == ' ')
			p++;
		if (p == al)
			break;
		w[n] = arg + p;
		wl[n] = word_len(arg + p, al - p);
		p += wl[n++];
	}
	while (p < al && arg[p] == ' ')
		p++;
	if (strcmp(a, "w...") == 0)
		return n == 0 ? "needs an argument (RFC 1939 7)" : NULL;
	if (n == 3 || p < al || (strcmp(a, "") == 0 && n > 0) ||
	    ((strcmp(a, "m") == 0 || strcmp(a, "w") == 0 ||
	    strcmp(a, "[m]") == 0) && n > 1))
		return *a == '\0' ? "takes no argument (RFC 1939)" :
		    "too many arguments: one at a time (RFC 1939)";
	if (strcmp(a, "w") == 0 && n == 0)
		return "needs a name (RFC 1939 7)";
	if (strcmp(a, "w w") == 0 && n < 2)
		return "needs a name and a digest (RFC 1939 7)";
	if ((strcmp(a, "m") == 0 || strcmp(a, "m n") == 0) && n == 0)
		return strcmp(a, "m n") == 0 ? "TOP needs a message number "
		    "and a line count" : "needs a message number";
	if (a[0] == 'm' || (a[0] == '[' && n == 1)) {
		if (!is_number(w[0], wl[0], false))
			return "the message number must be a number "
			    "(RFC 1939 5)";
		if (!is_number(w[0], wl[0], true))
			return "messages are numbered from 1: 0 is never one "
			    "(RFC 1939 5)";
	}
	if (strcmp(a, "m n") == 0) {
		if (n < 2)
			return "TOP needs a message number and a line count";
		if (!is_number(w[1], wl[1], false))
			return "the line count must be a number (0 or more, "
			    "RFC 1939 7)";
	}
	return NULL;
}

static const char *
pop3_warning(const struct session_facts *c, const struct verb *vb,
    const char *v, size_t vl, const char *arg, size_t al)
{
	if (c->over)
		return "the session is over";
	if (c->sasl_open)
		return "a SASL exchange is open: this line is its answer";
	if ((vb->flags & VERB_TRANSACTION) && !c->authed)
		return "not logged in yet: only valid in TRANSACTION "
		    "state (RFC 1939 5)";
	if (slice_eq_ci(v, vl, "PASS")) {
		if (c->authed)
			return "already logged in (TRANSACTION state)";
		if (!c->user_accepted)
			return "PASS before an accepted USER: the server "
			    "expects USER name first (RFC 1939 7)";
	}
	if ((vb->flags & VERB_LOGIN) && c->authed)
		return "already logged in: only valid in AUTHORIZATION "
		    "state (RFC 1939 7)";
	if (slice_eq_ci(v, vl, "STLS")) {
		if (c->tls)
			return "the connection is already TLS";
		if (c->authed)
			return "STLS is only allowed in AUTHORIZATION state "
			    "(RFC 2595 4)";
		if (c->caps_known && !c->caps->stls)
			return "the server did not offer STLS in CAPA";
	}
	if ((slice_eq_ci(v, vl, "USER") || slice_eq_ci(v, vl, "PASS") ||
	    slice_eq_ci(v, vl, "AUTH")) && !c->tls && offers_tls(c))
		return "credentials in clear text: the server offers STLS";
	return pop3_syntax(vb, arg, al);
}

static const char *
smtp_warning(const struct session_facts *c, const char *v, size_t vl,
    const char *arg, size_t al)
{
	if (c->over)
		return "the session is over";
	if (c->sasl_open)
		return "a SASL exchange is open: this line is its answer";
	if (slice_eq_ci(v, vl, "MAIL")) {
		if (!c->ehlo_done)
			return "MAIL before EHLO/HELO: greet first "
			    "(RFC 5321 4.1.4)";
		if (c->mail_accepted)
			return "a transaction is already open: RSET first "
			    "(RFC 5321 4.1.1.2)";
		if (!starts_ci(arg, al, "FROM:"))
			return "MAIL needs FROM:<address>";
		if (c->tls_demanded)
			return "the server requires STARTTLS first";
	}
	if (slice_eq_ci(v, vl, "RCPT")) {
		if (!c->mail_accepted)
			return "RCPT before an accepted MAIL FROM "
			    "(RFC 5321 4.1.1.3)";
		if (!starts_ci(arg, al, "TO:"))
			return "RCPT needs TO:<address>";
	}
	if (slice_eq_ci(v, vl, "DATA")) {
		if (!c->mail_accepted)
			return "DATA before MAIL FROM: expect 503 "
			    "(RFC 5321 4.1.1.4)";
		if (c->rcpt_accepted == 0)
			return "DATA before any accepted RCPT: expect 503 or "
			    "554 (RFC 5321 3.3)";
	}
	if (slice_eq_ci(v, vl, "AUTH")) {
		if (c->authed)
			return "already authenticated (RFC 4954 4)";
		if (!c->ehlo_done)
			return "AUTH before EHLO (RFC 4954 4)";
		if (!c->tls && (c->tls_demanded || (offers_tls(c) &&
		    !offers_auth(c))))
			return "AUTH before STARTTLS: this server offers AUTH "
			    "only over TLS (RFC 3207, RFC 4954 4)";
		if (c->caps_known && !offers_auth(c))
			return "the server's EHLO lists no AUTH (RFC 4954 3)";
		if (c->mail_accepted)
			return "AUTH inside a mail transaction (RFC 4954 4)";
		if (!c->tls)
			return "credentials in clear text: STARTTLS first?";
	}
	if (slice_eq_ci(v, vl, "STARTTLS")) {
		if (c->tls)
			return "the connection is already TLS (RFC 3207 4.2)";
		if (!c->ehlo_done)
			return "STARTTLS before EHLO: RFC 3207 expects EHLO "
			    "first";
		if (c->caps_known && !c->caps->starttls)
			return "the server did not offer STARTTLS";
	}
	if ((slice_eq_ci(v, vl, "EHLO") || slice_eq_ci(v, vl, "HELO")) &&
	    al == 0)
		return "EHLO/HELO needs a domain name (RFC 5321 4.1.1.1)";
	return NULL;
}

void
hint_line(const struct session_facts *c, const char *line, size_t len,
    struct hint *r)
{
	const struct verb *cmd;
	const char *arg;
	size_t vl, al;

	memset(r, 0, sizeof(*r));
	if (c != NULL && c->message_mode) {
		if (len == 1 && line[0] == '.')
			r->about = "ends the message";
		else if (hint_dot_stuffed(line, len))
			r->about = "starts with \".\": sent dot-stuffed as "
			    "\"..\" (RFC 5321 4.5.2)";
		else
			r->about = "message text";
		return;
	}
	if (c != NULL && c->sasl_open) {
		r->about = "SASL answer (base64), or * to cancel";
		return;
	}
	vl = word_len(line, len);
	if (vl == 0)
		return;
	arg = line + vl;
	al = len - vl;
	while (al > 0 && *arg == ' ') {
		arg++;
		al--;
	}
	if (c == NULL)
		return;
	cmd = verb_find(c->proto, line, vl);
	if (cmd == NULL) {
		if (vl == len)
			return;
		r->warning = "not a command of this protocol (sent "
		    "anyway)";
		return;
	}
	r->syntax = cmd->syntax;
	r->about = cmd->about;
	if (c->proto == REPLY_POP3)
		r->warning = pop3_warning(c, cmd, line, vl, arg, al);
	else
		r->warning = smtp_warning(c, line, vl, arg, al);
}

const char *
hint_expects(const struct session_facts *c)
{
	if (c == NULL)
		return "not connected: /connect URL";
	if (c->over)
		return "nothing: the session is over";
	if (c->tls_pending)
		return "the TLS handshake";
	if (!c->greeted)
		return "waiting for the greeting";
	if (c->sasl_open)
		return "the SASL answer (base64), or * to cancel";
	if (c->proto == REPLY_POP3) {
		if (c->authed)
			return "STAT, LIST, UIDL, TOP n lines, RETR n, DELE n, "
			    "RSET, NOOP or QUIT";
		if (c->user_accepted)
			return "PASS password";
		/* RFC 2595 4: STLS only on a plain connection; RFC 1939 7:
		 * APOP only with a timestamp in the greeting. */
		if (c->tls)
			return c->apop_timestamp ? "USER name, APOP, AUTH or "
			    "CAPA" : "USER name, AUTH or CAPA";
		if (c->caps_known && !c->caps->stls)
			return c->apop_timestamp ? "USER name, APOP, AUTH or "
			    "CAPA (no STLS offered)" : "USER name, AUTH or "
			    "CAPA (no STLS offered)";
		return c->apop_timestamp ? "USER name, APOP, AUTH, CAPA or "
		    "STLS" : "USER name, AUTH, CAPA or STLS";
	}
	if (c->message_mode)
		return "message text; a lone . ends it";
	if (!c->ehlo_done)
		return "EHLO domain (or HELO)";
	if (!c->mail_accepted) {
		bool tls_ok = !c->tls && (!c->caps_known || c->caps->starttls);
		bool auth_ok = !c->authed && (!c->caps_known ||
		    c->caps->auth != NULL);

		if (c->tls_demanded && tls_ok)
			return "STARTTLS (the server requires it)";
		if (tls_ok && auth_ok)
			return "MAIL FROM:<address> (or STARTTLS, AUTH)";
		if (tls_ok)
			return "MAIL FROM:<address> (or STARTTLS)";
		if (auth_ok)
			return "MAIL FROM:<address> (or AUTH)";
		return "MAIL FROM:<address>";
	}
	if (c->rcpt_accepted == 0)
		return "RCPT TO:<address>";
	return "another RCPT TO:<address>, or DATA";
}

const char *
hint_command(enum reply_proto p, size_t i)
{
	const struct verb *v = verb_at(p, i);

	return v != NULL ? v->verb : NULL;
}

bool
hint_dot_stuffed(const char *line, size_t len)
{
	return len > 1 && line[0] == '.';
}

/* RFC 1939 7: TOP msg n; ten lines make a preview without the whole
 * message. */

void
hint_mailbox_line(enum hint_mb_action a, uint64_t n, char *out, size_t outsz)
{
	unsigned long long m = (unsigned long long)n;

	switch (a) {
	case HINT_MB_TOP:
		snprintf(out, outsz, "TOP %llu %d", m, HINT_TOP_PREVIEW_LINES);
		break;
	case HINT_MB_RETR:
		snprintf(out, outsz, "RETR %llu", m);
		break;
	case HINT_MB_DELE:
		snprintf(out, outsz, "DELE %llu", m);
		break;
	default:
		snprintf(out, outsz, "RSET");
		break;
	}
}

bool
hint_is_quit(const char *line, size_t len)
{
	/* Any QUIT the server may accept counts: ask rather than lose
	 * messages ("QUIT now" is still a QUIT to a lenient server). */
	return slice_eq_ci(line, word_len(line, len), "QUIT");
}

const char *const *
hint_auth_mechs(void)
{
	static const char *const mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5",
	    "XOAUTH2", "APOP", "USER", NULL };

	return mechs;
}

const char *const *
hint_url_schemes(void)
{
	static const char *const schemes[] = { "pop3://", "pop3s://",
	    "smtp://", "smtps://", "submission://", NULL };

	return schemes;
}
