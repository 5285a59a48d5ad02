/* SPDX-License-Identifier: MIT */
/* Reads a negative reply for the outcome line of /auth and /send: its kind
 * (from the code, the enhanced code, the POP3 response code and, where a
 * code alone misleads, the server's own words), the cause and the next
 * step. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "proto/outcome.h"

/* Case-insensitive search for the NUL-terminated needle in p[0..len). */
static bool
has(const char *p, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (strncasecmp(p + i, needle, n) == 0)
			return true;
	return false;
}

static bool
verb_is(const char *verb, const char *v)
{
	return verb != NULL && strcmp(verb, v) == 0;
}

/* A login command: its -ERR without a clearer reading is the
 * credentials (RFC 1939 7: "-ERR invalid password"). */
static bool
login_verb(const char *verb)
{
	return verb_is(verb, "PASS") || verb_is(verb, "APOP") ||
	    verb_is(verb, "AUTH") || verb_is(verb, "");
}

/* The server's words that say TLS must come first: RFC 3207 4 ("530 Must
 * issue a STARTTLS command first"), RFC 4954 6 ("538 5.7.11 Encryption
 * required for requested authentication mechanism"), Dovecot's "-ERR
 * [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS)
 * connections" and the lab's "... use STLS first". */
static bool
says_tls(const char *p, size_t len)
{
	return has(p, len, "STARTTLS") || has(p, len, "STLS") ||
	    has(p, len, "TLS") || has(p, len, "plaintext") ||
	    has(p, len, "encryption required") || has(p, len, "non-secure") ||
	    has(p, len, "insecure") || has(p, len, "SSL");
}

static enum outcome
read_pop3(const char *verb, const struct reply_line *r, const char *p,
    size_t len)
{
	const char	*rc = r->resp_code;

	if (r->pop3 != REPLY_POP3_ERR)
		return OUTCOME_OK;
	/* RFC 2449 8.1.2: the login was right, the maildrop is in use. */
	if (strcasecmp(rc, "IN-USE") == 0)
		return OUTCOME_IN_USE;
	/* RFC 2449 8.1.1: logged in too recently. */
	if (strcasecmp(rc, "LOGIN-DELAY") == 0)
		return OUTCOME_LOGIN_DELAY;
	/* RFC 3206 4: a temporary problem on the server. */
	if (strcasecmp(rc, "SYS/TEMP") == 0)
		return OUTCOME_TEMPORARY;
	if (strcasecmp(rc, "SYS/PERM") == 0)
		return OUTCOME_PERMANENT;
	/* RFC 3206 5: [AUTH] is "the credentials", but Dovecot uses it for
	 * "plaintext authentication disallowed" too: the words decide. */
	if (says_tls(p, len) && (login_verb(verb) || verb_is(verb, "USER")) &&
	    (rc[0] == '\0' || strcasecmp(rc, "AUTH") == 0))
		return OUTCOME_TLS_REQUIRED;
	/* RFC 5034 4: an AUTH the server does not support; Dovecot
	 * "-ERR Unsupported authentication mechanism." */
	if (verb_is(verb, "AUTH") && (has(p, len, "unsupported") ||
	    has(p, len, "mechanism") || has(p, len, "unrecognized")))
		return OUTCOME_MECH;
	if (strcasecmp(rc, "AUTH") == 0 || login_verb(verb))
		return OUTCOME_CREDENTIALS;
	return OUTCOME_PERMANENT;
}

static enum outcome
read_smtp(const struct session_facts *f, const char *verb,
    const struct reply_line *r, const char *p, size_t len)
{
	int	c = r->code;
	bool	authv = verb_is(verb, "AUTH") || verb_is(verb, "");

	if (c < 400)
		return OUTCOME_OK;
	/* RFC 4954 6: 538 5.7.11 encryption required for the mechanism. */
	if (c == 538 || strcmp(r->enh, "5.7.11") == 0)
		return OUTCOME_TLS_REQUIRED;
	/* 530 5.7.0 is both "Must issue a STARTTLS command first" (RFC 3207
	 * 4) and "Authentication required" (RFC 4954 6): the words decide,
	 * then what the session knows. */
	if (c == 530) {
		if (has(p, len, "auth") && !has(p, len, "TLS"))
			return OUTCOME_AUTH_REQUIRED;
		if (says_tls(p, len))
			return OUTCOME_TLS_REQUIRED;
		if (f != NULL && !f->tls && f->caps != NULL &&
		    f->caps->starttls)
			return OUTCOME_TLS_REQUIRED;
		return OUTCOME_AUTH_REQUIRED;
	}
	/* RFC 4954 6: 535 5.7.8 authentication credentials invalid. */
	if (c == 535 || strcmp(r->enh, "5.7.8") == 0)
		return OUTCOME_CREDENTIALS;
	/* RFC 4954 4 and 6: 504 5.5.4 unrecognized authentication type,
	 * 534 5.7.9 mechanism too weak (only for AUTH: 501 5.5.4 is a
	 * syntax error elsewhere). */
	if (authv && (c == 504 || c == 534 || strcmp(r->enh, "5.5.4") == 0 ||
	    strcmp(r->enh, "5.7.9") == 0))
		return OUTCOME_MECH;
	/* RFC 6647 2: greylisting defers with a 4yz; Postfix+postgrey says
	 * "450 4.2.0 ... Greylisted", others "451 4.7.1 ... greylisted". A
	 * 4.7.1 deferral of a recipient is the same practice. */
	if (c >= 400 && c < 500 && (has(p, len, "greylist") ||
	    has(p, len, "graylist") || (strcmp(r->enh, "4.7.1") == 0 &&
	    verb_is(verb, "RCPT"))))
		return OUTCOME_GREYLISTED;
	/* RFC 3463 3.3: X.2.2 mailbox full (the lab: 452 4.2.2). */
	if (c >= 400 && c < 500 && (strcmp(r->enh, "4.2.2") == 0 ||
	    has(p, len, "mailbox full") || has(p, len, "over quota")))
		return OUTCOME_MAILBOX_FULL;
	/* RFC 4954 6: 454 4.7.0 temporary authentication failure; any other
	 * 4yz is transient too (RFC 5321 4.2.1). */
	if (c >= 400 && c < 500)
		return OUTCOME_TEMPORARY;
	/* Postfix "554 5.7.1 <x>: Relay access denied"; Exchange "550 5.7.54
	 * SMTP; Unable to relay recipient in non-accepted domain". */
	if (has(p, len, "relay"))
		return OUTCOME_RELAY_DENIED;
	/* RFC 3463 3.2: X.1.1 bad destination mailbox address; M365 5.1.10
	 * "Recipient not found by SMTP address lookup". */
	if (verb_is(verb, "RCPT") && (strcmp(r->enh, "5.1.1") == 0 ||
	    strcmp(r->enh, "5.1.10") == 0 || has(p, len, "user unknown") ||
	    has(p, len, "no such user") || has(p, len, "does not exist")))
		return OUTCOME_NO_MAILBOX;
	/* RFC 3463 3.3: X.2.2 mailbox full. */
	if (strcmp(r->enh, "5.2.2") == 0 || (c == 552 && has(p, len, "full")))
		return OUTCOME_MAILBOX_FULL;
	return OUTCOME_PERMANENT;
}

enum outcome
outcome_read(const struct session_facts *f, const char *verb,
    const struct reply_line *r, const char *whole, size_t whole_len)
{
	if (whole == NULL)
		whole_len = 0;
	if (f != NULL && f->proto == REPLY_POP3)
		return read_pop3(verb, r, whole, whole_len);
	if (f == NULL && r->code == 0)
		return read_pop3(verb, r, whole, whole_len);
	return read_smtp(f, verb, r, whole, whole_len);
}

int
outcome_code(const struct reply_line *r, struct buf *out)
{
	if (r->code == 0) {
		if (buf_append_str(out, r->pop3 == REPLY_POP3_OK ? "+OK" :
		    "-ERR") == -1)
			return -1;
		if (r->resp_code[0] != '\0')
			return buf_printf(out, " [%s]", r->resp_code);
		return 0;
	}
	if (buf_printf(out, "%d", r->code) == -1)
		return -1;
	if (r->enh_class != 0)
		return buf_printf(out, " %s", r->enh);
	return 0;
}

/* The cause of each kind and the next step; '@' in next stands for the
 * action ("/auth", "/send"). */
static const struct {
	enum outcome	 kind;
	const char	*cause, *next;
} table[] = {
	{ OUTCOME_CREDENTIALS, "wrong user name or password (or the account "
	    "may not log in)", "check both and @ again" },
	{ OUTCOME_IN_USE, "the login itself was accepted, but another "
	    "session holds the mailbox lock (RFC 2449 8.1.2)", "close the "
	    "other mail client or wait until its session ends, then @ "
	    "again" },
	{ OUTCOME_LOGIN_DELAY, "the login came too soon after the previous "
	    "one: the server enforces a minimum time between logins (RFC "
	    "2449 8.1.1)", "wait, then @ again" },
	{ OUTCOME_TLS_REQUIRED, "the server accepts this only over an "
	    "encrypted connection", "/starttls first, then @ again" },
	{ OUTCOME_AUTH_REQUIRED, "the server wants the client to "
	    "authenticate first (RFC 4954 6)", "/auth first, then @ again" },
	{ OUTCOME_MECH, "the server does not take this authentication "
	    "mechanism", "@ with one it offers" },
	{ OUTCOME_TEMPORARY, "a temporary failure at the server", "try @ "
	    "again in a little while" },
	{ OUTCOME_GREYLISTED, "greylisted: the server defers mail from a "
	    "sender and recipient pair it has not seen before (RFC 6647)",
	    "retry in a few minutes (@ again); a mail server would retry by "
	    "itself" },
	{ OUTCOME_RELAY_DENIED, "relaying denied: the server takes mail for "
	    "other domains only from authenticated clients",
	    "authenticate (/auth) or send to a local address, then @ again" },
	{ OUTCOME_NO_MAILBOX, "no such mailbox at this server", "check the "
	    "address" },
	{ OUTCOME_MAILBOX_FULL, "the recipient's mailbox is full", "try later "
	    "or write to the recipient another way" },
	{ OUTCOME_PERMANENT, "refused for good: read the server's words "
	    "above", "retrying the same @ will not help" },
};

/* The LOGIN-DELAY seconds from CAPA (RFC 2449 6.5), or NULL. */
static const char *
login_delay(const struct session_facts *f, size_t *len_r)
{
	const struct caps	*c;
	const char		*p;
	size_t			 i;

	c = f != NULL ? f->caps : NULL;
	for (i = 0; c != NULL && i < c->n; i++)
		if (strcmp(c->v[i].keyword, "LOGIN-DELAY") == 0) {
			p = c->v[i].params;
			*len_r = strspn(p, "0123456789");
			if (*len_r > 0 && *len_r < 10)
				return p;
		}
	return NULL;
}

int
outcome_explain(const struct session_facts *f, enum outcome kind,
    const char *action, struct buf *out)
{
	const struct caps	*c = f != NULL ? f->caps : NULL;
	const char		*d;
	size_t			 i, n;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].kind == kind)
			break;
	if (i == sizeof(table) / sizeof(table[0]))
		return buf_printf(out, "done");
	if (buf_printf(out, "%s; ", table[i].cause) == -1)
		return -1;
	if (kind == OUTCOME_LOGIN_DELAY && (d = login_delay(f, &n)) != NULL)
		return buf_printf(out, "wait %.*s seconds (CAPA LOGIN-DELAY), "
		    "then %s again", (int)n, d, action);
	if (kind == OUTCOME_MECH) {
		if (c != NULL && c->auth != NULL && c->auth[0] != '\0')
			return buf_printf(out, "it offers: %.200s; %s with one "
			    "of those", c->auth, action);
		if (f != NULL && f->caps_known)
			return buf_printf(out, "its %s lists no AUTH "
			    "mechanism", f->proto == REPLY_POP3 ? "CAPA" :
			    "EHLO");
		return buf_printf(out, "ask with %s which ones it offers, "
		    "then %s with one of those", f != NULL &&
		    f->proto == REPLY_POP3 ? "CAPA" : "EHLO", action);
	}
	for (d = table[i].next; *d != '\0'; d++)
		if ((*d == '@' ? buf_append_str(out, action) :
		    buf_append_byte(out, *d)) == -1)
			return -1;
	return 0;
}

int
outcome_queue_id(const char *p, size_t len, struct buf *out)
{
	static const char	*const marks[] = { "queued as ", "id=" };
	size_t			 i, k, n, m;

	for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
		m = strlen(marks[k]);
		for (i = 0; m <= len && i <= len - m; i++) {
			if (strncasecmp(p + i, marks[k], m) != 0)
				continue;
			for (n = 0; i + m + n < len && n < 64 &&
			    (strchr("._-", p[i + m + n]) != NULL ||
			    (p[i + m + n] >= '0' && p[i + m + n] <= '9') ||
			    (p[i + m + n] >= 'A' && p[i + m + n] <= 'Z') ||
			    (p[i + m + n] >= 'a' && p[i + m + n] <= 'z')) &&
			    p[i + m + n] != '\0'; n++)
				;
			if (n == 0)
				continue;
			return buf_append(out, p + i + m, n) == -1 ? -1 : 1;
		}
	}
	return 0;
}
