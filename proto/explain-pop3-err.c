/* SPDX-License-Identifier: MIT */
/* POP3 -ERR replies explained by command, state and the server's own text:
 * the likely cause and the next step. RFC 1939 gives no reasons, only
 * -ERR and free text, so the rows below read the texts real servers send
 * (collected from Dovecot 2.3 and the lab; others from public transcripts,
 * cited per row); RFC 2449/3206 response codes come from pop3-codes.c. */
#include <string.h>

#include "proto/explain-pop3-int.h"
#include "proto/pop3-codes.h"
#include "base/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define DOT		" \xc2\xb7 "

/* When a row applies, from the facts before the reply. */
#define W_AUTHZ		0x01	/* not logged in (AUTHORIZATION) */
#define W_TRANS		0x02	/* logged in (TRANSACTION) */
#define W_NO_USER	0x04	/* no USER got +OK */
#define W_PLAIN		0x08	/* the connection is not TLS */
#define W_TLS		0x10	/* the connection is TLS */
#define W_NOCODE	0x20	/* no registered response code: the
				 * code's own words come first */
#define W_NOSTLS	0x40	/* CAPA was seen and lists no STLS */
#define W_NOAPOP	0x80	/* the greeting had no APOP timestamp */

/* Verb groups. "(greeting)" is the greeting, "(sasl)" a line answering a
 * SASL challenge. */
#define V_MSG	"LIST UIDL TOP RETR DELE"
#define V_TXN	"(transaction)"	/* VERB_TRANSACTION in proto/verbs.c */
#define V_LOGIN	"(login) (sasl)"	/* VERB_LOGIN there, and SASL lines */

struct err_row {
	const char	*verbs;		/* NULL: any command */
	const char	*needles;	/* "|"-separated, any case; NULL: any */
	unsigned	 when;		/* W_* all of which must hold */
	const char	*what;		/* cause; {msg} {stat} {verb} expand */
	const char	*next;		/* next step, or NULL */
};

/* Rows read from the server's text: first match wins. */
static const struct err_row by_text[] = {
	/* Dovecot: "Input line too long." (logged in), "Input buffer full,
	 * aborting" (before login); lab: "Line too long (at most N
	 * octets)", "Authentication line too long; exchange cancelled". */
	{ NULL, "too long|buffer full", 0,
	    "line too long: the command was longer than the server accepts "
	    "(RFC 2449 4 allows 255 octets)",
	    "send a shorter line; many servers close the connection after "
	    "this" },
	/* Dovecot: "Too many invalid bad commands."; lab: "Too many
	 * failures, closing." */
	{ NULL, "too many", 0,
	    "too many bad commands or failed logins: the server is closing "
	    "the connection",
	    "reconnect and check each command (or the password) before "
	    "sending it" },
	/* Dovecot with disable_plaintext_auth = yes on a plain connection:
	 * "-ERR [AUTH] Plaintext authentication disallowed on non-secure
	 * (SSL/TLS) connections." to USER and PASS, "-ERR [AUTH] Plaintext
	 * authentication disabled." to AUTH PLAIN; lab (tls-required):
	 * "... disallowed on non-secure connections: use STLS first". The
	 * resp-code [AUTH] alone would say "wrong password": it is not. */
	{ V_LOGIN, "plaintext|cleartext|plain text|non-secure|insecure|"
	    "use stls|requires tls|tls required|ssl required",
	    W_PLAIN | W_NOSTLS,
	    "TLS required: the server refuses a password on an unencrypted "
	    "connection; this is not a wrong password",
	    "connect to pop3s:// (port 995): this server's CAPA offers no "
	    "STLS" },
	{ V_LOGIN, "plaintext|cleartext|plain text|non-secure|insecure|"
	    "use stls|requires tls|tls required|ssl required", W_PLAIN,
	    "TLS required: the server refuses a password on an unencrypted "
	    "connection; this is not a wrong password",
	    "/starttls (STLS) first and log in again, or connect to "
	    "pop3s:// (port 995)" },
	{ V_LOGIN, "plaintext|cleartext|plain text", W_TLS,
	    "this login method is disabled on this server even over TLS",
	    "use a SASL mechanism CAPA's SASL line lists (/auth MECH)" },
	/* Gmail: "-ERR [AUTH] Application-specific password required:
	 * http://support.google.com/accounts/bin/answer.py?answer=185833"
	 * (github.com/mailman/mailman/issues/50). */
	{ V_LOGIN, "application-specific password|app password", 0,
	    "this account needs an app password: with 2-step verification "
	    "on, the normal password is refused to mail programs",
	    "create an app password in the account's security settings and "
	    "log in with it" },
	/* Google: "[ALERT] Please log in via your web browser: ..."
	 * (github.com/thunderbird/thunderbird-android/issues/2381);
	 * "Web login required". */
	{ V_LOGIN, "web login|web browser|log in via|login via", 0,
	    "the provider wants a sign-in on its web page first (a security "
	    "check), not a wrong password",
	    "sign in once with a web browser, then log in here again" },
	/* Dovecot: "No username given."; lab: "No USER given; send USER
	 * first". */
	{ "PASS", "no username|no user|user first|username first", 0,
	    "PASS before USER: the server has no user name for this "
	    "password (RFC 1939 7)",
	    "send USER name first, then PASS" },
	/* Dovecot: "[AUTH] Invalid base64 in response"; lab: "Invalid
	 * base64 or SASL response". */
	{ "AUTH (sasl)", "base64", 0,
	    "the SASL answer was not valid base64 (RFC 5034 4): the "
	    "exchange is over, not logged in",
	    "start AUTH again and answer in base64 (/auth MECH does it)" },
	/* Dovecot: "Authentication aborted by client."; lab:
	 * "Authentication cancelled". */
	{ "AUTH (sasl)", "abort|cancel", 0,
	    "the authentication exchange was cancelled (a \"*\" answer, "
	    "RFC 5034 4): not logged in",
	    "start again with AUTH MECH, or log in with USER and PASS" },
	/* lab: "Unsupported authentication mechanism". */
	{ "AUTH", "mechanism", 0,
	    "this SASL mechanism is not offered by the server",
	    "pick one CAPA's SASL line lists (AUTH alone lists them too)" },
	/* Dovecot: "Message is deleted."; lab: "Message N is deleted". */
	{ V_MSG, "deleted", 0,
	    "{msg} is already marked for deletion in this session: it "
	    "cannot be read, listed or marked again (RFC 1939 5)",
	    "RSET unmarks every message; or leave it, QUIT deletes it" },
	/* Dovecot and the lab: "There's no message 99."; others: "no such
	 * message". */
	{ V_MSG, "no message|no such message|not found|does not exist|"
	    "out of range|no such", 0,
	    "there is no {msg} in the maildrop{stat}",
	    "use a number LIST shows (they run from 1 to the count STAT "
	    "gives)" },
	/* Dovecot: "Noise after message number: " (TOP 2), lab "Syntax:
	 * TOP msg lines". */
	{ "TOP", "noise|syntax|invalid|number", 0,
	    "TOP takes two numbers: the message and how many body lines "
	    "(RFC 1939 7)",
	    "TOP n 0 for the headers only" },
	/* Dovecot: "Invalid message number: abc", "Invalid message number:
	 * " (RETR alone); lab: "Invalid message number", "Syntax: RETR
	 * msg". */
	{ V_MSG, "invalid|syntax|noise|number", 0,
	    "the argument is not a message number this command takes",
	    "{verb} n, with n a number LIST shows" },
	/* RFC 1939 7: APOP needs the greeting's <timestamp>; without one
	 * the server cannot check a digest. */
	{ "APOP", NULL, W_AUTHZ | W_NOAPOP,
	    "APOP is not offered: the greeting had no <timestamp> to digest "
	    "(RFC 1939 7)",
	    "log in with USER and PASS (over TLS), or AUTH" },
	/* Dovecot: "Invalid parameters." (APOP alone); lab: "Syntax: APOP
	 * name digest". */
	{ "APOP", "invalid|syntax|parameter", 0,
	    "APOP takes a user name and a 32-hex-digit MD5 digest of the "
	    "greeting's <timestamp> and the password (RFC 1939 7)",
	    "/auth APOP user computes the digest" },
	{ "USER", "syntax|invalid|parameter", 0,
	    "USER takes the user name (RFC 1939 7)",
	    "USER name" },
	/* Exchange and Microsoft 365: "-ERR Logon failure: unknown user
	 * name or bad password." (github.com/mattnenterprise/rust-pop3/
	 * issues/17, github.com/ditesh/node-poplib/issues/34); Courier
	 * "-ERR Login failed."; Gmail "-ERR [AUTH] Username and password
	 * not accepted."; Dovecot and the lab "-ERR [AUTH] Authentication
	 * failed.". Microsoft 365 also answers so once basic
	 * authentication is turned off for the tenant (since 2022), where
	 * only OAuth logins work. Courier's "-ERR Login failed." is in a
	 * public courier-pop 0.53 telnet transcript ("+OK Hello there." ...
	 * "+OK Password required."). */
	{ V_LOGIN, "logon failure|bad password|not accepted|authentication "
	    "failed|login failed|invalid login|invalid password|incorrect|"
	    "invalid credentials|wrong password", W_NOCODE,
	    "login refused: wrong user name or password (or this account "
	    "may not log in here)",
	    "check both (user names are often the whole address); after a "
	    "few failures servers delay or disconnect" },
	/* Courier's authdaemon down: "-ERR Temporary problem, please try
	 * again later" (courier-imap pop3login.c); with [SYS/TEMP] the code
	 * says the same. */
	{ V_LOGIN, "temporary|try again later", W_NOCODE,
	    "a temporary problem on the server (its login service), not the "
	    "credentials",
	    "try again in a few minutes" },
	/* lab: "Not logged in (command only valid in TRANSACTION ...)". */
	{ NULL, "not logged in|not authenticated|log in first|login first|"
	    "authenticate first|only valid in transaction", 0,
	    "not logged in: {verb} is only valid in TRANSACTION, after a "
	    "login (RFC 1939 3)",
	    "log in first: USER name then PASS (or /auth)" },
	/* lab: "Command not permitted when TLS active". */
	{ "STLS", "tls active|already|tls is active", W_TLS,
	    "TLS is already active: STLS is allowed once (RFC 2595 4)",
	    "nothing to do: the connection is encrypted" },
	/* lab: "Already logged in (command only valid in AUTHORIZATION
	 * ...)". */
	{ NULL, "already logged|already authenticated|only valid in "
	    "authorization", 0,
	    "already logged in: {verb} is only valid in AUTHORIZATION, "
	    "before the login (RFC 1939 3)",
	    "nothing to do: this session is logged in" },
	/* Dovecot answers "-ERR Unknown command." to STAT, LIST, RETR ...
	 * before login (its login process knows no maildrop commands) and
	 * "-ERR Unknown command: USER" to USER, PASS, AUTH, APOP and STLS
	 * after it. */
	{ V_TXN, "unknown|unrecognized|not implemented|invalid command|"
	    "bad command", W_AUTHZ,
	    "not logged in: {verb} is only valid in TRANSACTION, after a "
	    "login, so the server does not take it yet (RFC 1939 3)",
	    "log in first: USER name then PASS (or /auth)" },
	{ "USER PASS APOP AUTH STLS", "unknown|unrecognized|"
	    "not implemented|invalid command|bad command", W_TRANS,
	    "already logged in: {verb} is only valid in AUTHORIZATION, "
	    "before the login (RFC 1939 3, RFC 2595 4)",
	    "nothing to do: this session is logged in" },
	{ "STLS", "unknown|unrecognized|not implemented|not available|"
	    "not supported", 0,
	    "STLS is not offered by this server (CAPA would list STLS)",
	    "connect to pop3s:// (port 995) for TLS, or go on in plain "
	    "text knowing the password would be readable" },
	{ "CAPA", "unknown|unrecognized|not implemented", 0,
	    "CAPA is not supported: an RFC 1939 server without the RFC 2449 "
	    "extensions",
	    "try the commands themselves (TOP and UIDL may still work)" },
	{ "AUTH", "unknown|unrecognized|not implemented", 0,
	    "AUTH is not supported here (RFC 5034 is optional)",
	    "log in with USER and PASS, or APOP" },
	/* RFC 1939 6: -ERR to QUIT in TRANSACTION; lab: "[SYS/TEMP] 1
	 * deleted message could not be removed". */
	{ "QUIT", NULL, W_TRANS,
	    "some messages marked for deletion could not be removed "
	    "(RFC 1939 6); the session ends anyway",
	    "reconnect and check with STAT and LIST" },
	{ NULL, "unknown|unrecognized|not implemented|invalid command|"
	    "bad command|empty command", 0,
	    "the server does not know {verb}: unknown command, or disabled "
	    "here",
	    "check the spelling; CAPA lists the optional commands" },
};

/* Rows by command and state alone, when neither the text nor a response
 * code told more. */
static const struct err_row by_state[] = {
	{ "(greeting)", NULL, 0,
	    "the server refuses this session in its greeting (overloaded, "
	    "in maintenance, or this address is blocked)",
	    "try again later; if it persists, ask the administrator" },
	{ "PASS", NULL, W_AUTHZ | W_NO_USER,
	    "PASS before USER: no user name was accepted yet (RFC 1939 7)",
	    "send USER name first, then PASS" },
	{ V_TXN, NULL, W_AUTHZ,
	    "not logged in: {verb} is only valid in TRANSACTION, after a "
	    "login (RFC 1939 3)",
	    "log in first: USER name then PASS (or /auth)" },
	{ "PASS APOP AUTH (sasl)", NULL, 0,
	    "login refused; the server's text says why (wrong password, "
	    "account locked or disabled)",
	    "check the user name and password" },
	{ "USER", NULL, W_AUTHZ,
	    "user name refused: unknown user, or USER/PASS logins are not "
	    "allowed here (CAPA lists USER when they are)",
	    "check the name, or log in with AUTH or APOP" },
	{ "STLS", NULL, W_TLS,
	    "TLS is already active: STLS is allowed once (RFC 2595 4)",
	    "nothing to do: the connection is encrypted" },
	{ "STLS", NULL, W_TRANS,
	    "STLS is only allowed before the login (RFC 2595 4)",
	    "reconnect and send STLS first" },
	{ "STLS", NULL, 0,
	    "TLS refused: the connection stays in plain text",
	    "connect to pop3s:// (port 995), or try later" },
	{ V_MSG, NULL, 0,
	    "{msg} cannot be used: no such message, or already marked for "
	    "deletion{stat}",
	    "LIST shows the numbers that exist; RSET unmarks" },
	{ NULL, NULL, 0,
	    "{verb} failed; the server's text says why",
	    NULL },
};

static bool
eq_ci(const char *a, const char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		char ca = a[i], cb = b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca = (char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (char)(cb - 'A' + 'a');
		if (ca != cb)
			return false;
	}
	return true;
}

/* ASCII case-insensitive: does text hold one of the "|"-separated
 * needles? */
static bool
text_has(const char *text, size_t len, const char *needles)
{
	const char	*n = needles;
	size_t		 nl, i;

	while (*n != '\0') {
		nl = strcspn(n, "|");
		for (i = 0; nl > 0 && i + nl <= len; i++)
			if (eq_ci(text + i, n, nl))
				return true;
		n += nl;
		if (*n == '|')
			n++;
	}
	return false;
}

static bool
row_applies(const struct px *x, const char *v, const struct err_row *e)
{
	const struct session_facts *f = x->f;

	if (e->verbs != NULL && !pop3_verb_in(e->verbs, v))
		return false;
	if ((e->when & W_AUTHZ) && (f->authed || !f->greeted))
		return false;
	if ((e->when & W_TRANS) && !f->authed)
		return false;
	if ((e->when & W_NO_USER) && f->user_accepted)
		return false;
	if ((e->when & W_PLAIN) && f->tls)
		return false;
	if ((e->when & W_TLS) && !f->tls)
		return false;
	if ((e->when & W_NOAPOP) && f->apop_timestamp)
		return false;
	if ((e->when & W_NOSTLS) && (!f->caps_known || f->caps->stls))
		return false;
	if ((e->when & W_NOCODE) && pop3_code_find(x->r->resp_code,
	    NULL) != NULL)
		return false;
	return e->needles == NULL || text_has(x->r->text, x->r->text_len,
	    e->needles);
}

/* Append s with {msg}, {stat} and {verb} expanded. */
static int
expand(const struct px *x, const char *s, struct buf *out)
{
	const char	*b;
	int		 rc = 0;

	while ((b = strchr(s, '{')) != NULL) {
		rc |= buf_append(out, s, (size_t)(b - s));
		if (strncmp(b, "{msg}", 5) == 0) {
			rc |= x->have_n ? buf_printf(out, "message %llu",
			    (unsigned long long)x->n) :
			    buf_append_str(out, "such message");
			s = b + 5;
		} else if (strncmp(b, "{stat}", 6) == 0) {
			if (x->f->stat_known) {
				rc |= buf_append_str(out, " (the last STAT "
				    "counted ");
				rc |= pop3_put_count(out, x->f->stat_count);
				rc |= buf_append_str(out, x->f->stat_count ==
				    1 ? " message)" : " messages)");
			}
			s = b + 6;
		} else if (strncmp(b, "{verb}", 6) == 0) {
			rc |= buf_append_str(out, x->verb[0] != '\0' ? x->verb :
			    "the SASL answer");
			s = b + 6;
		} else {
			rc |= buf_append_byte(out, '{');
			s = b + 1;
		}
	}
	return rc | buf_append_str(out, s);
}

static int
put_row(const struct px *x, const struct err_row *e, struct buf *out)
{
	int	rc = 0;

	rc |= expand(x, e->what, out);
	if (e->next != NULL) {
		rc |= buf_append_str(out, DOT "next: ");
		rc |= expand(x, e->next, out);
	}
	return rc;
}

int
pop3_explain_err(const struct px *x, struct buf *out)
{
	const struct pop3_code	*c;
	const char		*v;
	size_t			 i;
	int			 sub, rc = 0;

	v = !x->f->greeted ? "(greeting)" : x->verb[0] == '\0' ? "(sasl)" :
	    x->verb;
	rc |= buf_append_str(out, "-ERR ");
	if (x->r->resp_code[0] != '\0')
		rc |= buf_printf(out, "[%s] ", x->r->resp_code);
	for (i = 0; i < nitems(by_text); i++)
		if (row_applies(x, v, &by_text[i]))
			return rc | put_row(x, &by_text[i], out);
	/* RFC 2449 8 / RFC 3206: the code says what the text may not. */
	if ((c = pop3_code_find(x->r->resp_code, &sub)) != NULL) {
		rc |= buf_append_str(out, c->text);
		if (sub)
			rc |= buf_append_str(out, " (its sub-code is not "
			    "registered)");
		if (c->next != NULL)
			rc |= buf_printf(out, DOT "next: %s", c->next);
		return rc;
	}
	for (i = 0; i < nitems(by_state); i++)
		if (row_applies(x, v, &by_state[i])) {
			rc |= put_row(x, &by_state[i], out);
			break;
		}
	if (x->r->resp_code[0] != '\0')
		rc |= buf_printf(out, DOT "[%s] is not a registered response "
		    "code (RFC 2449 8)", x->r->resp_code);
	return rc;
}
