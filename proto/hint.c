/* SPDX-License-Identifier: MIT */
/* Command syntax tables and session-order warnings for the composer. */
#include <stdio.h>
#include <string.h>

#include "proto/hint.h"
#include "proto/util.h"

struct cmd {
	const char	*verb;
	const char	*syntax;
	const char	*about;
};

/* RFC 1939 (POP3), RFC 2449 (CAPA), RFC 2595 (STLS), RFC 5034 (AUTH). */
static const struct cmd pop3_cmds[] = {
	{ "USER", "USER name", "names the mailbox (RFC 1939 7)" },
	{ "PASS", "PASS password", "the password after USER (sent as typed)" },
	{ "APOP", "APOP name digest", "MD5 login with the banner timestamp" },
	{ "AUTH", "AUTH mechanism [initial-response]", "SASL login (RFC 5034)" },
	{ "CAPA", "CAPA", "list the server's capabilities (RFC 2449)" },
	{ "STLS", "STLS", "start TLS now (RFC 2595)" },
	{ "STAT", "STAT", "count and total size of the maildrop" },
	{ "LIST", "LIST [msg]", "size of every message, or of one" },
	{ "UIDL", "UIDL [msg]", "unique id of every message, or of one" },
	{ "TOP", "TOP msg lines", "headers and the first lines of a message" },
	{ "RETR", "RETR msg", "the whole message" },
	{ "DELE", "DELE msg", "mark a message deleted (final at QUIT)" },
	{ "RSET", "RSET", "unmark every deletion" },
	{ "NOOP", "NOOP", "do nothing; keeps the session alive" },
	{ "QUIT", "QUIT", "end; makes deletions permanent" },
};

/* RFC 5321, RFC 3207 (STARTTLS), RFC 4954 (AUTH). */
static const struct cmd smtp_cmds[] = {
	{ "EHLO", "EHLO domain", "greet and ask for extensions" },
	{ "HELO", "HELO domain", "greet without extensions" },
	{ "STARTTLS", "STARTTLS", "start TLS now (RFC 3207)" },
	{ "AUTH", "AUTH mechanism [initial-response]", "SASL login (RFC 4954)" },
	{ "MAIL", "MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME]",
	    "start a transaction: the envelope sender" },
	{ "RCPT", "RCPT TO:<address>", "one envelope recipient" },
	{ "DATA", "DATA", "send the message; a lone . ends it" },
	{ "RSET", "RSET", "abort the transaction" },
	{ "VRFY", "VRFY name", "ask whether a user exists" },
	{ "EXPN", "EXPN list", "expand a mailing list" },
	{ "HELP", "HELP [topic]", "the server's help" },
	{ "NOOP", "NOOP", "do nothing" },
	{ "QUIT", "QUIT", "end the session" },
};

void
hint_init(struct hint_ctx *c, enum hint_proto p)
{
	memset(c, 0, sizeof(*c));
	c->proto = p;
}

enum hint_proto
hint_proto_named(const char *name)
{
	if (name == NULL)
		return HINT_NONE;
	if (slice_eq_ci(name, strlen(name), "POP3"))
		return HINT_POP3;
	if (slice_eq_ci(name, strlen(name), "SMTP"))
		return HINT_SMTP;
	return HINT_NONE;
}

static bool
starts_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && slice_eq_ci(s, n, prefix);
}

/* First word of s as a slice. */
static size_t
word_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] != ' ')
		i++;
	return i;
}

static bool
verb_is(const char *verb, const char *name)
{
	return verb != NULL && slice_eq_ci(verb, strlen(verb), name);
}

/* A capability line: EHLO "250-STARTTLS" or CAPA body "STLS". */
static void
caps_line(struct hint_ctx *c, const char *kw, size_t len)
{
	size_t w = word_len(kw, len);

	if (slice_eq_ci(kw, w, "STARTTLS") || slice_eq_ci(kw, w, "STLS"))
		c->starttls_offered = true;
	else if (slice_eq_ci(kw, w, "AUTH") || slice_eq_ci(kw, w, "SASL"))
		c->auth_offered = true;
}

static void
smtp_received(struct hint_ctx *c, const char *verb, const char *t,
    size_t len)
{
	int code;
	bool final, ok;

	if (len < 3 || t[0] < '1' || t[0] > '5' || t[1] < '0' ||
	    t[1] > '9' || t[2] < '0' || t[2] > '9')
		return;
	code = (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
	/* RFC 5321 4.2.1: "250-" continues, "250 " or "250" ends. */
	final = len == 3 || t[3] != '-';
	ok = code >= 200 && code < 400;
	if (verb_is(verb, "EHLO") && code == 250) {
		/* The first line is the greeting, the rest keywords. */
		if (!c->ehlo_open) {
			c->starttls_offered = c->auth_offered = false;
			c->caps_known = true;
		} else if (len > 4)
			caps_line(c, t + 4, len - 4);
		c->ehlo_open = !final;
	}
	/* RFC 3207 4: 530 5.7.0 "Must issue a STARTTLS command first". */
	if (code == 530 && !c->tls)
		c->tls_required = true;
	if (!final)
		return;
	/* RFC 5321 4.1.1.4: after 354 the next reply answers the message,
	 * whatever the front-end paired it with (the message's own lines). */
	if (c->data_open && code != 354)
		goto end_message;
	if (verb == NULL || verb[0] == '\0') {
		if (c->auth_exchange) {
			c->auth_exchange = code == 334;
			if (code == 235)
				c->authed = true;
		} else if (code == 220 && !c->greeted)
			c->greeted = true;
		return;
	}
	if (verb_is(verb, "EHLO") || verb_is(verb, "HELO")) {
		if (ok) {
			c->helo = true;
			c->mail = false;
			c->rcpts = 0;
		}
	} else if (verb_is(verb, "MAIL")) {
		c->mail = ok;
		c->rcpts = 0;
	} else if (verb_is(verb, "RCPT")) {
		if (ok)
			c->rcpts++;
	} else if (verb_is(verb, "DATA")) {
		if (code == 354)
			c->message_mode = c->data_open = true;
	} else if (verb_is(verb, "RSET")) {
		if (ok) {
			c->mail = false;
			c->rcpts = 0;
		}
	} else if (verb_is(verb, "AUTH")) {
		c->auth_exchange = code == 334;
		if (code == 235)
			c->authed = true;
	} else if (verb_is(verb, "QUIT")) {
		if (code == 221)
			c->closed = true;
	}
	return;
end_message:
	/* RFC 5321 4.1.1.4: the reply after "." ends the transaction. */
	c->message_mode = c->data_open = false;
	c->mail = false;
	c->rcpts = 0;
}

static void
pop3_received(struct hint_ctx *c, const char *verb, const char *t,
    size_t len)
{
	bool ok = starts_ci(t, len, "+OK");
	bool err = starts_ci(t, len, "-ERR");
	bool cont = len >= 1 && t[0] == '+' && !ok;

	if (!ok && !err && !cont) {
		/* A body line; CAPA lists one capability per line. */
		if (verb_is(verb, "CAPA"))
			caps_line(c, t, len);
		return;
	}
	if (verb == NULL || verb[0] == '\0') {
		if (c->auth_exchange) {
			c->auth_exchange = cont;
			if (ok)
				c->authed = true;
		} else if (!c->greeted)
			c->greeted = true;
		return;
	}
	if (verb_is(verb, "CAPA") && ok) {
		c->caps_known = true;
		c->starttls_offered = c->auth_offered = false;
	} else if (verb_is(verb, "USER"))
		c->user_ok = ok;
	else if (verb_is(verb, "PASS") || verb_is(verb, "APOP")) {
		if (ok)
			c->authed = true;
		/* RFC 1939 7: after a failed PASS, USER must come again. */
		c->user_ok = false;
	} else if (verb_is(verb, "AUTH")) {
		c->auth_exchange = cont;
		if (ok)
			c->authed = true;
	} else if (verb_is(verb, "QUIT") && ok)
		c->closed = true;
}

void
hint_received(struct hint_ctx *c, const char *verb, const char *text,
    size_t len)
{
	if (c->proto == HINT_SMTP)
		smtp_received(c, verb, text, len);
	else if (c->proto == HINT_POP3)
		pop3_received(c, verb, text, len);
}

void
hint_tls(struct hint_ctx *c)
{
	c->tls = true;
	c->caps_known = c->starttls_offered = c->auth_offered = false;
	c->tls_required = false;
	if (c->proto == HINT_SMTP) {
		c->helo = c->mail = false;
		c->rcpts = 0;
	}
}

static const struct cmd *
find_cmd(enum hint_proto p, const char *verb, size_t len)
{
	const struct cmd *t = p == HINT_POP3 ? pop3_cmds : smtp_cmds;
	size_t n = p == HINT_POP3 ? sizeof(pop3_cmds) / sizeof(*t) :
	    sizeof(smtp_cmds) / sizeof(*t);
	size_t i;

	if (p == HINT_NONE)
		return NULL;
	for (i = 0; i < n; i++)
		if (slice_eq_ci(verb, len, t[i].verb))
			return &t[i];
	return NULL;
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
pop3_syntax(const char *v, size_t vl, const char *arg, size_t al)
{
	/* args: "" none, "m" one msg, "[m]" optional msg, "m n" msg and
	 * count, "w" one word, "w..." one word or more. */
	static const struct { const char *verb, *args; } t[] = {
		{ "USER", "w" }, { "PASS", "w..." }, { "APOP", "w w" },
		{ "STAT", "" }, { "LIST", "[m]" }, { "UIDL", "[m]" },
		{ "RETR", "m" }, { "DELE", "m" }, { "TOP", "m n" },
		{ "RSET", "" }, { "NOOP", "" }, { "QUIT", "" }, { "STLS", "" },
		{ "CAPA", "" },
	};
	const char *w[3], *a = NULL;
	size_t wl[3], n = 0, i, p = 0;

	for (i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (slice_eq_ci(v, vl, t[i].verb))
			a = t[i].args;
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
pop3_warning(const struct hint_ctx *c, const char *v, size_t vl,
    const char *arg, size_t al)
{
	static const char *const trans[] = { "STAT", "LIST", "UIDL", "TOP",
	    "RETR", "DELE", "RSET", "NOOP" };
	size_t i;

	if (c->closed)
		return "the session is over (QUIT was answered)";
	if (c->auth_exchange)
		return "a SASL exchange is open: this line is its answer";
	for (i = 0; i < sizeof(trans) / sizeof(*trans); i++)
		if (slice_eq_ci(v, vl, trans[i]) && !c->authed)
			return "not logged in yet: only valid in TRANSACTION "
			    "state (RFC 1939 5)";
	if (slice_eq_ci(v, vl, "PASS")) {
		if (c->authed)
			return "already logged in (TRANSACTION state)";
		if (!c->user_ok)
			return "PASS before an accepted USER: the server "
			    "expects USER name first (RFC 1939 7)";
	}
	if ((slice_eq_ci(v, vl, "USER") || slice_eq_ci(v, vl, "APOP") ||
	    slice_eq_ci(v, vl, "AUTH")) && c->authed)
		return "already logged in: only valid in AUTHORIZATION "
		    "state (RFC 1939 7)";
	if (slice_eq_ci(v, vl, "STLS")) {
		if (c->tls)
			return "the connection is already TLS";
		if (c->authed)
			return "STLS is only allowed in AUTHORIZATION state "
			    "(RFC 2595 4)";
		if (c->caps_known && !c->starttls_offered)
			return "the server did not offer STLS in CAPA";
	}
	if ((slice_eq_ci(v, vl, "USER") || slice_eq_ci(v, vl, "PASS") ||
	    slice_eq_ci(v, vl, "AUTH")) && !c->tls && c->starttls_offered)
		return "credentials in clear text: the server offers STLS";
	return pop3_syntax(v, vl, arg, al);
}

static const char *
smtp_warning(const struct hint_ctx *c, const char *v, size_t vl,
    const char *arg, size_t al)
{
	if (c->closed)
		return "the session is over (QUIT was answered)";
	if (c->auth_exchange)
		return "a SASL exchange is open: this line is its answer";
	if (slice_eq_ci(v, vl, "MAIL")) {
		if (!c->helo)
			return "MAIL before EHLO/HELO: greet first "
			    "(RFC 5321 4.1.4)";
		if (c->mail)
			return "a transaction is already open: RSET first "
			    "(RFC 5321 4.1.1.2)";
		if (!starts_ci(arg, al, "FROM:"))
			return "MAIL needs FROM:<address>";
		if (!c->tls && c->tls_required)
			return "the server requires STARTTLS first";
	}
	if (slice_eq_ci(v, vl, "RCPT")) {
		if (!c->mail)
			return "RCPT before an accepted MAIL FROM "
			    "(RFC 5321 4.1.1.3)";
		if (!starts_ci(arg, al, "TO:"))
			return "RCPT needs TO:<address>";
	}
	if (slice_eq_ci(v, vl, "DATA")) {
		if (!c->mail)
			return "DATA before MAIL FROM: expect 503 "
			    "(RFC 5321 4.1.1.4)";
		if (c->rcpts == 0)
			return "DATA before any accepted RCPT: expect 503 or "
			    "554 (RFC 5321 3.3)";
	}
	if (slice_eq_ci(v, vl, "AUTH")) {
		if (c->authed)
			return "already authenticated (RFC 4954 4)";
		if (!c->helo)
			return "AUTH before EHLO (RFC 4954 4)";
		if (!c->tls && (c->tls_required ||
		    (c->caps_known && c->starttls_offered &&
		    !c->auth_offered)))
			return "AUTH before STARTTLS: this server offers AUTH "
			    "only over TLS (RFC 3207, RFC 4954 4)";
		if (c->mail)
			return "AUTH inside a mail transaction (RFC 4954 4)";
		if (!c->tls)
			return "credentials in clear text: STARTTLS first?";
	}
	if (slice_eq_ci(v, vl, "STARTTLS")) {
		if (c->tls)
			return "the connection is already TLS (RFC 3207 4.2)";
		if (!c->helo)
			return "STARTTLS before EHLO: RFC 3207 expects EHLO "
			    "first";
		if (c->caps_known && !c->starttls_offered)
			return "the server did not offer STARTTLS";
	}
	if ((slice_eq_ci(v, vl, "EHLO") || slice_eq_ci(v, vl, "HELO")) &&
	    al == 0)
		return "EHLO/HELO needs a domain name (RFC 5321 4.1.1.1)";
	return NULL;
}

void
hint_line(const struct hint_ctx *c, const char *line, size_t len,
    struct hint *r)
{
	const struct cmd *cmd;
	const char *arg;
	size_t vl, al;

	memset(r, 0, sizeof(*r));
	if (c->message_mode) {
		if (len == 1 && line[0] == '.')
			r->about = "ends the message";
		else if (hint_dot_stuffed(line, len))
			r->about = "starts with \".\": sent dot-stuffed as "
			    "\"..\" (RFC 5321 4.5.2)";
		else
			r->about = "message text";
		return;
	}
	if (c->auth_exchange) {
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
	cmd = find_cmd(c->proto, line, vl);
	if (cmd == NULL) {
		if (c->proto != HINT_NONE && vl == len)
			return;
		if (c->proto != HINT_NONE)
			r->warning = "not a command of this protocol (sent "
			    "anyway)";
		return;
	}
	r->syntax = cmd->syntax;
	r->about = cmd->about;
	if (c->proto == HINT_POP3)
		r->warning = pop3_warning(c, line, vl, arg, al);
	else
		r->warning = smtp_warning(c, line, vl, arg, al);
}

const char *
hint_expects(const struct hint_ctx *c)
{
	if (c->proto == HINT_NONE)
		return "not connected: /connect URL";
	if (c->closed)
		return "nothing: the session is over";
	if (!c->greeted)
		return "waiting for the greeting";
	if (c->auth_exchange)
		return "the SASL answer (base64), or * to cancel";
	if (c->proto == HINT_POP3) {
		if (c->authed)
			return "STAT, LIST, UIDL, TOP n lines, RETR n, DELE n, "
			    "RSET, NOOP or QUIT";
		if (c->user_ok)
			return "PASS password";
		return "USER name, APOP, AUTH, CAPA or STLS";
	}
	if (c->message_mode)
		return "message text; a lone . ends it";
	if (!c->helo)
		return "EHLO domain (or HELO)";
	if (!c->mail)
		return c->tls || c->authed ?
		    "MAIL FROM:<address> (or AUTH)" :
		    "MAIL FROM:<address> (or STARTTLS, AUTH)";
	if (c->rcpts == 0)
		return "RCPT TO:<address>";
	return "another RCPT TO:<address>, or DATA";
}

const char *
hint_command(enum hint_proto p, size_t i)
{
	if (p == HINT_POP3)
		return i < sizeof(pop3_cmds) / sizeof(*pop3_cmds) ?
		    pop3_cmds[i].verb : NULL;
	if (p == HINT_SMTP)
		return i < sizeof(smtp_cmds) / sizeof(*smtp_cmds) ?
		    smtp_cmds[i].verb : NULL;
	return NULL;
}

bool
hint_is_secret(const struct hint_ctx *c, const char *line, size_t len)
{
	size_t vl = word_len(line, len), rest;

	if (c->auth_exchange)
		return true;
	if (slice_eq_ci(line, vl, "PASS") || slice_eq_ci(line, vl, "APOP"))
		return true;
	/* AUTH MECH initial-response (RFC 4954 4, RFC 5034 4). */
	if (slice_eq_ci(line, vl, "AUTH")) {
		rest = vl;
		while (rest < len && line[rest] == ' ')
			rest++;
		rest += word_len(line + rest, len - rest);
		while (rest < len && line[rest] == ' ')
			rest++;
		return rest < len;
	}
	return false;
}

bool
hint_secret_keep(const struct hint_ctx *c, const char *line, size_t len,
    size_t *keep_r)
{
	size_t vl = word_len(line, len), p;

	*keep_r = 0;
	if (c->auth_exchange)
		return true;
	if (slice_eq_ci(line, vl, "PASS")) {
		*keep_r = vl < len ? vl + 1 : vl;
		return true;
	}
	if (slice_eq_ci(line, vl, "APOP") || slice_eq_ci(line, vl, "AUTH")) {
		/* Keep the verb and the next word (user or mechanism). */
		p = vl;
		while (p < len && line[p] == ' ')
			p++;
		p += word_len(line + p, len - p);
		if (p < len)
			p++;
		*keep_r = p;
		return true;
	}
	return false;
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
