/* SPDX-License-Identifier: MIT */
/* SMTP replies explained by command, reply class and session facts. */
#include <stdbool.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/caps.h"
#include "proto/explain-int.h"
#include "proto/meaning.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Conditions on the facts a rule needs (all of them). */
#define W_TLS		0x0001	/* the connection is TLS */
#define W_PLAIN		0x0002	/* it is not */
#define W_MAIL		0x0004	/* a MAIL was accepted: transaction open */
#define W_NOMAIL	0x0008	/* no MAIL accepted */
#define W_NORCPT	0x0010	/* no RCPT accepted in this transaction */
#define W_AUTHED	0x0020	/* AUTH got 235 */
#define W_NOAUTH	0x0040	/* not logged in */
#define W_NOEHLO	0x0080	/* no EHLO/HELO accepted since TLS */
#define W_MASKED	0x0100	/* the greeting was masked by a firewall */

/* What the explainer adds to a rule's text. */
#define X_NOENH		0x0001	/* the text says it all: the enhanced code
				 * alone, not its registered reading */
#define X_RCPTN		0x0002	/* "(N accepted so far)" */
#define X_REFUSED	0x0004	/* "(N refused)" */
#define X_QUEUEID	0x0008	/* the queue id the server gave */

/*
 * One reading of a reply. verbs: NULL for any command (the greeting and an
 * unsolicited reply too), else space-separated upper-case verbs, "" the
 * greeting, "." the end of the message (DATA's final reply, BDAT LAST).
 * Codes lo..hi; the enhanced code when ecls != 0 (esub/edlo/edhi -1 any);
 * match: case-insensitive substrings of the whole reply separated by "|",
 * one of which must occur (NULL: any text). The first rule that fits
 * wins, so vendor rules come before the generic ones.
 */
struct smtp_rule {
	const char	*verbs;
	int		 lo, hi;
	int		 ecls, esub, edlo, edhi;
	const char	*match;
	unsigned	 when;
	unsigned	 flags;
	const char	*text;
};

#define ANYENH		0, -1, -1, -1
#define ENH(c, s, d)	c, s, d, d

static const struct smtp_rule rules[] = {
	/*
	 * Microsoft 365 / Exchange Online, "Fix NDR error codes 5.7.700
	 * through 5.7.750" (learn.microsoft.com, Exchange mail-flow best
	 * practices), "Fix error code 451 5.7.500-699 (ASxxx)", and the
	 * sample replies collected at https://smtp.codes/exchangeonline:
	 *   550 5.7.708 Service unavailable. Access denied, traffic not
	 *       accepted from this IP.
	 *   451 4.7.500 Server busy. Please try again later from [x.x.x.x].
	 *   550 5.4.1 [a@b]: Recipient address rejected: Access denied
	 *   550 5.7.1 Service unavailable, Client host [..] blocked using
	 *       Spamhaus.
	 */
	{ NULL, 500, 599, ENH(5, 7, 708), NULL, 0, X_NOENH,
	    "Microsoft 365 refuses traffic from this sending IP (poor "
	    "reputation, typical of a new or trial tenant or a compromised "
	    "account): an admin can ask for delisting at sender.office.com" },
	{ NULL, 500, 599, 5, 7, 606, 649, NULL, 0, X_NOENH,
	    "Microsoft 365 has banned this sending IP (its block list): an "
	    "admin can ask for delisting at sender.office.com" },
	{ NULL, 500, 599, ENH(5, 7, 511), NULL, 0, X_NOENH,
	    "Microsoft 365 has banned this sending IP: the bounce must be "
	    "sent to Microsoft's delisting service to lift it" },
	{ NULL, 400, 499, 4, 7, 500, 699, NULL, 0, X_NOENH,
	    "Microsoft 365 throttles this sending IP (new, or sending far "
	    "more than before; a form of greylisting): try again later, "
	    "acceptance ramps up over days" },
	{ NULL, 500, 599, ENH(5, 7, 57), NULL, 0, X_NOENH,
	    "Exchange/Microsoft 365: the client is not authenticated and this "
	    "server takes mail only after login: /auth first (for Microsoft "
	    "365: smtp.office365.com port 587, STARTTLS, then AUTH LOGIN)" },
	{ NULL, 500, 599, ANYENH, "send as this sender", 0, X_NOENH,
	    "Exchange: the logged-in account may not send as this sender "
	    "address: use its own address in MAIL FROM and From:, or ask "
	    "for Send As rights" },
	{ NULL, 500, 599, ENH(5, 7, 60), NULL, 0, X_NOENH,
	    "Exchange: the logged-in account may not send as this sender "
	    "address: use its own address in MAIL FROM and From:, or ask "
	    "for Send As rights" },
	{ NULL, 500, 599, ENH(5, 4, 1), "access denied", 0, X_NOENH,
	    "Microsoft 365 Directory-Based Edge Blocking: that recipient "
	    "does not exist in the organisation (or its domain is not set up "
	    "there): check the address" },
	{ NULL, 400, 599, ANYENH, "queue.expired|message expired", 0, 0,
	    "the message expired: it waited in a queue too long without "
	    "reaching the next server (X.4.7, RFC 3463): nothing more will "
	    "be tried" },
	{ NULL, 400, 599, ENH(4, 4, 7), NULL, 0, X_NOENH,
	    "the message expired: it waited in a queue too long without "
	    "reaching the next server (4.4.7, RFC 3463): nothing more will "
	    "be tried" },
	{ NULL, 500, 599, ENH(5, 7, 54), NULL, 0, X_NOENH,
	    "Exchange: relaying denied, that domain is not one this server "
	    "accepts mail for: authenticate (/auth) or send to one of its "
	    "own addresses" },
	{ NULL, 500, 599, ANYENH, "blocked using|spamhaus|spamcop|dnsbl|"
	    "blocklist|blacklist", 0, X_NOENH,
	    "the sending IP (or name) is on a DNS block list the server "
	    "checks: nothing is accepted from it until the listing is "
	    "removed" },
	/* Exchange's 535 5.7.139 and 5.7.3 (on-premises): */
	{ "AUTH", 535, 535, ANYENH, "smtpclientauthentication is disabled|"
	    "basic authentication is disabled", 0, 0,
	    "SMTP AUTH is switched off for this Microsoft 365 tenant or "
	    "mailbox: the password may be right; an admin must enable "
	    "authenticated SMTP (or the client must use OAuth)" },

	/*
	 * Gmail, "Gmail SMTP errors and codes" (support.google.com/a/answer/
	 * 3726730), and public transcripts:
	 *   535-5.7.8 Username and Password not accepted. ... - gsmtp
	 *   534-5.7.9 Application-specific password required.
	 *   530-5.7.0 Must issue a STARTTLS command first.
	 *   550-5.7.26 This mail has been blocked because the sender is
	 *       unauthenticated. ... DMARC ...
	 *   550-5.7.1 ... likely unsolicited mail ...
	 *   552-5.2.2 The email account that you tried to reach is over quota
	 *   421-4.7.0 Try again later, closing connection.
	 */
	{ NULL, 550, 550, ENH(5, 7, 26), NULL, 0, X_NOENH,
	    "Gmail: the message is unauthenticated (the sender's domain fails "
	    "SPF, DKIM or DMARC): the domain's owner must publish SPF and "
	    "sign with DKIM; nothing was delivered" },
	{ NULL, 550, 554, ANYENH, "does not have authentication information|"
	    "unauthenticated", 0, X_NOENH,
	    "the message is unauthenticated (no passing SPF or DKIM for the "
	    "sender's domain): the domain's owner must set up SPF and DKIM; "
	    "nothing was delivered" },
	{ NULL, 550, 554, ANYENH, "likely unsolicited|unsolicited mail|"
	    "spam", 0, X_NOENH,
	    "refused as probable spam: the server's filter judged the content "
	    "or the sender's reputation; nothing was delivered" },
	{ "AUTH", 534, 534, ANYENH, "application-specific password", 0,
	    X_NOENH,
	    "this account uses 2-Step Verification (Gmail: \"application-"
	    "specific password required\"): create an app password and log "
	    "in with it; the normal password is refused for SMTP" },
	{ "AUTH", 534, 534, ANYENH, "web browser|weblogin", 0, 0,
	    "the provider blocked this sign-in as suspicious: log in once in "
	    "a web browser, then try again" },
	{ "AUTH", 535, 535, ANYENH, "username and password not accepted",
	    0, 0,
	    "Gmail refuses this user name and password: a wrong password, or "
	    "an account with 2-Step Verification that needs an app password" },
	{ NULL, 421, 421, ENH(4, 7, 0), "gsmtp", 0, 0,
	    "Gmail refuses mail from this connection for now (an unusual rate "
	    "or a suspicious sending IP, e.g. no reverse DNS) and closes it: "
	    "try again later, and check the sending IP's PTR record and "
	    "reputation" },

	/* Any server: policy replies whose text decides (Postfix, the lab,
	 * Gmail, Exchange all say "STARTTLS" and "greylist" this way). */
	{ NULL, 530, 530, ANYENH, "starttls", 0, 0,
	    "TLS required: this server takes nothing more before the session "
	    "is encrypted: /starttls, then EHLO again (RFC 3207)" },
	{ NULL, 530, 530, ANYENH, "authenticat", W_NOAUTH, 0,
	    "authentication required: this server takes mail only after "
	    "login: /auth first (RFC 4954)" },
	{ NULL, 400, 499, ANYENH, "greylist", 0, X_NOENH,
	    "greylisted: a deferral, not a refusal; try again later, normally "
	    "after a few minutes (a mail server retries by itself)" },
	{ NULL, 452, 452, ENH(4, 2, 2), NULL, 0, X_NOENH,
	    "mailbox full: the recipient is over quota for now; it takes mail "
	    "again when they delete some, so try later" },
	{ NULL, 500, 599, ENH(5, 2, 2), NULL, 0, X_NOENH,
	    "mailbox full: the recipient is over quota; the message cannot "
	    "be delivered until they delete mail" },
	{ NULL, 421, 421, ENH(4, 4, 2), NULL, 0, 0,
	    "closing the connection: the session was idle too long; "
	    "reconnect" },
	{ NULL, 421, 421, ANYENH, "too many errors|too many bad", 0, 0,
	    "closing the connection after too many bad commands in this "
	    "session; reconnect and check the commands" },

	/* The greeting. */
	{ "", 220, 220, ANYENH, NULL, 0, 0,
	    "service ready: the server greets you; say EHLO your.name next" },

	/* EHLO, HELO: 250 is summarised by ehlo_summary(). */
	{ "EHLO", 500, 502, ANYENH, NULL, W_MASKED, 0,
	    "EHLO refused after a masked greeting: a firewall (Cisco ASA SMTP "
	    "inspection) seems to rewrite this session; HELO still works, "
	    "but there will be no STARTTLS" },
	{ "EHLO", 500, 502, ANYENH, NULL, 0, 0,
	    "EHLO not recognized: an old RFC 821 server, or a firewall "
	    "rewriting the session: use HELO (no extensions, no STARTTLS)" },

	/* STARTTLS, RFC 3207. */
	{ "STARTTLS", 220, 220, ANYENH, NULL, 0, 0,
	    "ready to start TLS: the handshake begins now; what EHLO listed "
	    "is forgotten after it, so EHLO again (RFC 3207 4.2)" },
	{ "STARTTLS", 500, 599, ANYENH, NULL, W_TLS, X_NOENH,
	    "TLS already active: this connection is encrypted already, so a "
	    "second STARTTLS is refused (RFC 3207 4.2); nothing changed" },
	{ "STARTTLS", 500, 502, ANYENH, NULL, W_MASKED, 0,
	    "STARTTLS not recognized, after a masked greeting: a firewall "
	    "(Cisco ASA SMTP inspection) seems to strip STARTTLS from this "
	    "session; the connection stays unencrypted" },
	{ "STARTTLS", 500, 502, ANYENH, NULL, 0, 0,
	    "STARTTLS is not supported here: the connection stays "
	    "unencrypted; use the implicit-TLS port (smtps://, 465) if there "
	    "is one" },

	/* AUTH, RFC 4954 (334 is decoded by challenge()). */
	{ "AUTH", 235, 235, ANYENH, NULL, 0, 0,
	    "authenticated (RFC 4954): the server knows who you are now, and "
	    "may relay your mail to other domains" },
	{ "AUTH", 535, 535, ANYENH, NULL, 0, 0,
	    "authentication failed: the user name or the password is wrong "
	    "(RFC 4954); check both, and whether the user name is the full "
	    "address" },
	{ "AUTH", 538, 538, ANYENH, NULL, W_PLAIN, 0,
	    "this mechanism needs an encrypted connection: /starttls first, "
	    "then /auth (RFC 4954 6)" },
	{ "AUTH", 503, 503, ANYENH, NULL, W_AUTHED, X_NOENH,
	    "already authenticated: AUTH is allowed once per session "
	    "(RFC 4954 4)" },
	{ "AUTH", 503, 503, ANYENH, NULL, W_MAIL, X_NOENH,
	    "AUTH is not allowed inside a mail transaction: RSET first, then "
	    "AUTH (RFC 4954 4)" },
	{ "AUTH", 503, 503, ANYENH, NULL, W_NOEHLO, X_NOENH,
	    "say EHLO first: AUTH belongs to an EHLO session (RFC 4954 4)" },
	{ "AUTH", 504, 504, ANYENH, NULL, 0, 0,
	    "this mechanism is not offered: pick one listed after AUTH in "
	    "the EHLO reply (RFC 4954 4)" },

	/* MAIL, RFC 5321 4.1.1.2 and 4.1.4. */
	{ "MAIL", 250, 250, ANYENH, NULL, 0, 0,
	    "sender accepted: a mail transaction is open; next RCPT "
	    "TO:<recipient>" },
	{ "MAIL", 503, 503, ANYENH, NULL, W_MAIL, X_NOENH,
	    "a transaction is in progress: RSET first (or go on with RCPT "
	    "TO); MAIL comes once per message (RFC 5321 4.1.4)" },
	{ "MAIL", 503, 503, ANYENH, NULL, W_NOEHLO, X_NOENH,
	    "say EHLO (or HELO) first (RFC 5321 4.1.4)" },
	{ "MAIL", 550, 554, ENH(5, 7, 1), NULL, 0, X_NOENH,
	    "sender refused by policy: this server does not take mail from "
	    "this address or client (not yours to use, or blocked)" },

	/* RCPT, RFC 5321 4.1.1.3. */
	{ "RCPT", 250, 251, ANYENH, NULL, 0, X_RCPTN,
	    "recipient accepted" },
	{ "RCPT", 503, 503, ANYENH, NULL, W_NOMAIL, X_NOENH,
	    "RCPT before an accepted MAIL: send MAIL FROM:<address> first "
	    "(RFC 5321 4.1.4)" },
	{ "RCPT", 450, 451, ENH(4, 7, 1), NULL, 0, 0,
	    "recipient deferred by a policy check, typically greylisting: "
	    "try again later, normally after a few minutes" },
	{ "RCPT", 550, 554, ANYENH, "relay", W_NOAUTH, X_NOENH,
	    "relaying denied: a client that is not logged in may send here "
	    "only to the server's own domains; authenticate (/auth) or send "
	    "to a local address" },
	{ "RCPT", 550, 554, ANYENH, "relay", W_AUTHED, X_NOENH,
	    "relaying denied although logged in: this account may not send "
	    "to that domain through this server (check the port, usually "
	    "587, and the account's rights)" },
	{ "RCPT", 550, 554, ENH(5, 7, 1), NULL, W_NOAUTH, 0,
	    "recipient refused by policy, often relaying denied: "
	    "authenticate (/auth) or send to a local address" },
	{ "RCPT", 550, 550, ENH(5, 1, 1), NULL, 0, 0,
	    "no such mailbox: the recipient is unknown there; check the "
	    "part left of \"@\"" },

	/* DATA, RFC 5321 4.1.1.4 and 3.3. */
	{ "DATA", 354, 354, ANYENH, NULL, 0, 0,
	    "go ahead: send the message (headers, an empty line, the body), "
	    "ended by a line holding only \".\"" },
	{ "DATA BDAT", 503, 554, ANYENH, NULL, W_NOMAIL, X_NOENH,
	    "DATA before an accepted MAIL: send MAIL FROM and RCPT TO first "
	    "(RFC 5321 4.1.4)" },
	{ "DATA BDAT", 503, 554, ANYENH, NULL, W_NORCPT, X_NOENH | X_REFUSED,
	    "no recipient was accepted, so there is nobody to deliver to: "
	    "DATA needs at least one accepted RCPT (RFC 5321 3.3); RSET, "
	    "then MAIL and RCPT again" },

	/* The end of the message: the moment the server takes it over. */
	{ ".", 250, 250, ANYENH, NULL, 0, X_QUEUEID | X_NOENH,
	    "message accepted: the server is now responsible for delivering "
	    "it, or for returning a bounce (RFC 5321 4.1.1.4, 6.1)" },
	{ ".", 552, 552, ANYENH, NULL, 0, 0,
	    "message refused after all of it was sent: too large for the "
	    "server, or the mailbox is over its quota; nothing was "
	    "delivered" },
	{ ".", 400, 499, ANYENH, NULL, 0, 0,
	    "message deferred after all of it was sent: nothing was "
	    "delivered; send it again later" },
	{ ".", 500, 599, ANYENH, NULL, 0, 0,
	    "message refused after all of it was sent: nothing was "
	    "delivered" },

	/* VRFY and EXPN, RFC 5321 3.5 and 7.3. */
	{ "VRFY", 250, 250, ANYENH, NULL, 0, 0,
	    "the server confirms this mailbox (RFC 5321 3.5.1)" },
	{ "VRFY", 252, 252, ANYENH, NULL, 0, 0,
	    "cannot verify but will accept: the server does not say whether "
	    "the user exists (many answer 252 to every VRFY so as not to "
	    "reveal their users, RFC 5321 3.5.3); a message would be tried" },
	{ "VRFY", 550, 550, ANYENH, NULL, 0, 0,
	    "no such user here (RFC 5321 3.5.1)" },
	{ "VRFY EXPN", 500, 502, ANYENH, NULL, 0, 0,
	    "disabled or unknown here: many servers turn VRFY and EXPN off "
	    "so as not to reveal their users (RFC 5321 7.3); nothing changed" },
	{ "EXPN", 250, 250, ANYENH, NULL, 0, 0,
	    "the members of that mailing list, one a line (RFC 5321 3.5.2)" },
	{ "EXPN", 550, 550, ANYENH, NULL, 0, 0,
	    "no such mailing list, or expanding it is refused (RFC 5321 "
	    "3.5.2)" },

	/* ETRN (RFC 1985), HELP, TURN, VERB, NOOP, RSET, QUIT. */
	{ "ETRN", 250, 250, ANYENH, NULL, 0, 0,
	    "queue run started: the server now tries to deliver the mail it "
	    "holds for that domain (RFC 1985)" },
	{ "ETRN", 500, 502, ANYENH, NULL, 0, 0,
	    "ETRN (remote queue start, RFC 1985) is not supported here" },
	{ "HELP", 211, 214, ANYENH, NULL, 0, X_NOENH,
	    "help text for a human (RFC 5321 4.1.1.8); nothing changed" },
	{ "HELP", 500, 502, ANYENH, NULL, 0, 0,
	    "HELP is not implemented here (RFC 5321 4.1.1.8 allows that); "
	    "nothing changed" },
	{ "TURN", 250, 250, ANYENH, NULL, 0, 0,
	    "roles reversed: the server now acts as the client (RFC 821 "
	    "TURN, which anyone could abuse)" },
	{ "TURN", 500, 599, ANYENH, NULL, 0, 0,
	    "TURN is disabled: it let anyone collect a domain's mail, so RFC "
	    "2821 dropped it (ATRN, RFC 2645, needs authentication)" },
	{ "VERB", 250, 250, ANYENH, NULL, 0, 0,
	    "verbose mode on (a Sendmail extension): the server shows "
	    "delivery steps" },
	{ "VERB", 500, 599, ANYENH, NULL, 0, 0,
	    "VERB (verbose mode) is a Sendmail extension, not supported "
	    "here; nothing changed" },
	{ "NOOP", 250, 250, ANYENH, NULL, 0, X_NOENH,
	    "the server is alive; nothing changed (RFC 5321 4.1.1.9)" },
	{ "RSET", 250, 250, ANYENH, NULL, W_MAIL, X_NOENH,
	    "transaction discarded: sender and recipients forgotten; EHLO, "
	    "TLS and login stay (RFC 5321 4.1.1.5)" },
	{ "RSET", 250, 250, ANYENH, NULL, 0, X_NOENH,
	    "reset: no transaction was open; EHLO, TLS and login stay "
	    "(RFC 5321 4.1.1.5)" },
	{ "QUIT", 221, 221, ANYENH, NULL, W_MAIL, X_NOENH,
	    "the server closes the connection; the open transaction was "
	    "discarded, no message was sent in it (RFC 5321 4.1.1.10)" },
	{ "QUIT", 221, 221, ANYENH, NULL, 0, X_NOENH,
	    "the server closes the connection: the session is over "
	    "(RFC 5321 4.1.1.10)" },

	/* Any command: 421 closes (RFC 5321 3.8). */
	{ NULL, 421, 421, ANYENH, NULL, 0, 0,
	    "service not available: the server is closing the connection "
	    "(RFC 5321 3.8); reconnect later" },
};

/* Case-insensitive: does needle occur in p[0..len)? */
static bool
ci_has(const char *p, size_t len, const char *needle, size_t n)
{
	size_t	i, j;

	if (n == 0 || n > len)
		return n == 0;
	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n; j++) {
			char a = p[i + j], b = needle[j];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (j == n)
			return true;
	}
	return false;
}

/* One of the "|"-separated alternatives occurs in the reply. */
static bool
text_matches(const char *alts, const char *whole, size_t len)
{
	const char *p = alts, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if (ci_has(whole, len, p, bar != NULL ? (size_t)(bar - p) :
		    strlen(p)))
			return true;
		if (bar == NULL)
			return false;
		p = bar + 1;
	}
}

static bool
verb_in(const char *verbs, const char *verb)
{
	size_t	n = strlen(verb);
	const char *p = verbs;

	if (*verbs == '\0' || n == 0)
		return *verbs == '\0' && n == 0;
	for (;;) {
		const char *e = strchr(p, ' ');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);

		if (l == n && memcmp(p, verb, n) == 0)
			return true;
		if (e == NULL)
			return false;
		p = e + 1;
	}
}

static bool
facts_hold(const struct session_facts *f, unsigned w)
{
	if ((w & W_TLS) && !f->tls)
		return false;
	if ((w & W_PLAIN) && f->tls)
		return false;
	if ((w & W_MAIL) && !f->mail_accepted)
		return false;
	if ((w & W_NOMAIL) && f->mail_accepted)
		return false;
	if ((w & W_NORCPT) && f->rcpt_accepted > 0)
		return false;
	if ((w & W_AUTHED) && !f->authed)
		return false;
	if ((w & W_NOAUTH) && f->authed)
		return false;
	if ((w & W_NOEHLO) && f->ehlo_done)
		return false;
	if ((w & W_MASKED) && !f->greeting_masked)
		return false;
	return true;
}

static const struct smtp_rule *
rule_find(const struct session_facts *f, const char *verb,
    const struct reply_line *r, const char *whole, size_t whole_len)
{
	size_t	i;

	for (i = 0; i < nitems(rules); i++) {
		const struct smtp_rule *u = &rules[i];

		if (u->text == NULL)
			continue;
		if (r->code < u->lo || r->code > u->hi)
			continue;
		if (u->verbs != NULL && (verb == NULL ||
		    !verb_in(u->verbs, verb)))
			continue;
		if (u->ecls != 0 && (r->enh_class != u->ecls ||
		    (u->esub >= 0 && r->enh_subject != u->esub) ||
		    (u->edlo >= 0 && (r->enh_detail < u->edlo ||
		    r->enh_detail > u->edhi))))
			continue;
		if (u->match != NULL && !text_matches(u->match, whole,
		    whole_len))
			continue;
		if (!facts_hold(f, u->when))
			continue;
		return u;
	}
	return NULL;
}

bool
explain_smtp_banner_masked(const char *text, size_t len)
{
	size_t	i, stars = 0;

	/* Cisco PIX/ASA SMTP inspection ("fixup smtp", "inspect esmtp"
	 * mask-banner) turns every character of the greeting but the code
	 * into "*" (Cisco ASA configuration guide, "SMTP and Extended SMTP
	 * Inspection"). */
	for (i = 0; i < len; i++) {
		if (text[i] == '*')
			stars++;
		else if (text[i] != ' ' && text[i] != '\t')
			return false;
	}
	return stars >= 3;
}

/* A printable token of at most max bytes at p: its length, or 0. */
static size_t
token(const char *p, size_t len, size_t max)
{
	size_t	n = 0;

	while (n < len && p[n] > ' ' && p[n] < 0x7f)
		n++;
	return n > 0 && n <= max ? n : 0;
}

/* Where needle (case-insensitive) starts in p[0..len), or NULL. */
static const char *
ci_find(const char *p, size_t len, const char *needle)
{
	size_t	n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (ci_has(p + i, n, needle, n))
			return p + i;
	return NULL;
}

/*
 * The id a server gives an accepted message, from its 250 to ".":
 *   Postfix   250 2.0.0 Ok: queued as 4F2XK3Z1qKz9v
 *   Exchange  250 2.6.0 <id@host> [InternalId=123, Hostname=...] Queued
 *             mail for delivery
 *   Gmail     250 2.0.0 OK  1700000000 x12si123.456 - gsmtp
 *   Exim      250 OK id=1nyzAH-000Asi-Tc
 *   Sendmail  250 2.0.0 0B7NmSxL012345 Message accepted for delivery
 */
static int
queue_id(const struct reply_line *r, struct buf *out)
{
	const char *t = r->text, *p;
	size_t	 len = r->text_len, n;

	if ((p = ci_find(t, len, "queued as ")) != NULL) {
		p += 10;
		n = token(p, len - (size_t)(p - t), 64);
		if (n > 0)
			return buf_printf(out, "; queue id %.*s", (int)n, p);
	}
	if ((p = ci_find(t, len, " - gsmtp")) != NULL) {
		const char *e = p;

		while (p > t && p[-1] != ' ')
			p--;
		n = (size_t)(e - p);
		if (n > 0 && n <= 64 && token(p, n, 64) == n)
			return buf_printf(out, "; Gmail's id %.*s", (int)n, p);
	}
	if (len > 0 && t[0] == '<' && ci_has(t, len, "queued mail for "
	    "delivery", 24)) {
		n = token(t, len, 128);
		if (n > 0 && t[n - 1] == '>')
			(void)buf_printf(out, "; Exchange gives its "
			    "Message-ID %.*s", (int)n, t);
		if ((p = ci_find(t, len, "internalid=")) != NULL) {
			p += 11;
			for (n = 0; p + n < t + len && p[n] >= '0' &&
			    p[n] <= '9' && n < 20; n++)
				;
			if (n > 0)
				return buf_printf(out, ", internal id %.*s",
				    (int)n, p);
		}
		return 0;
	}
	if ((p = ci_find(t, len, "id=")) != NULL) {
		p += 3;
		n = token(p, len - (size_t)(p - t), 64);
		if (n > 0)
			return buf_printf(out, "; queue id %.*s", (int)n, p);
	}
	if ((p = ci_find(t, len, " message accepted for delivery")) != NULL &&
	    (n = token(t, (size_t)(p - t), 64)) == (size_t)(p - t))
		return buf_printf(out, "; queue id %.*s", (int)n, t);
	return 0;
}

/* 334: the server's challenge decoded (RFC 4954 4). A prompt such as
 * "Username:" is shown; a challenge is never a secret (the answer is). */
static int
challenge(const struct reply_line *r, struct buf *out)
{
	struct buf d;
	size_t	 i;
	bool	 printable = true;
	int	 rc = 0;

	if (r->text_len == 0)
		return buf_append_str(out, "334 the server waits for your SASL "
		    "response in base64 (PLAIN: \\0user\\0password), or \"*\" "
		    "to cancel (RFC 4954 4)");
	buf_init(&d, 512);
	(void)base64_decode(r->text, r->text_len, &d, NULL, NULL);
	for (i = 0; i < d.len; i++)
		if ((unsigned char)d.data[i] < 0x20 ||
		    (unsigned char)d.data[i] > 0x7e)
			printable = false;
	if (d.len == 0 || !printable)
		rc = buf_printf(out, "334 a binary SASL challenge (%zu bytes, "
		    "e.g. NTLM or GSSAPI): answer in base64, or \"*\" to "
		    "cancel (RFC 4954 4)", d.len);
	else if (d.data[0] == '<' && d.data[d.len - 1] == '>')
		rc = buf_printf(out, "334 a CRAM-MD5 challenge \"%.*s\" "
		    "(decoded): answer with the user name and the HMAC-MD5 of "
		    "it keyed with the password, in base64 (RFC 2195); /auth "
		    "does it", (int)(d.len > 80 ? 80 : d.len), d.data);
	else
		rc = buf_printf(out, "334 the server asks for \"%.*s%s\" "
		    "(base64 decoded): answer in base64, or \"*\" to cancel "
		    "(RFC 4954 4)", (int)(d.len > 60 ? 60 : d.len), d.data,
		    d.len > 60 ? "\xe2\x80\xa6" : "");
	buf_clear(&d);
	return rc;
}

/* Keywords a firewall masked: "XXXXXXXA", all X but maybe the last. */
static bool
masked_keyword(const char *k)
{
	size_t	n = strlen(k), i;

	if (n < 3)
		return false;
	for (i = 0; i + 1 < n; i++)
		if (k[i] != 'X')
			return false;
	return true;
}

/* Does the space-separated list have a mechanism other than those? */
static bool
has_typeable_mech(const char *mechs)
{
	const char *p = mechs;

	while (*p != '\0') {
		const char *e = strchr(p, ' ');
		size_t	l = e != NULL ? (size_t)(e - p) : strlen(p);

		if (l > 0 && !(l == 4 && memcmp(p, "NTLM", 4) == 0) &&
		    !(l == 6 && memcmp(p, "GSSAPI", 6) == 0))
			return true;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return false;
}

/*
 * 250 to EHLO: what the session can do now. The capabilities are parsed
 * from this reply (the facts still hold the previous ones); caps_plain
 * holds those seen before TLS, to tell what STARTTLS unlocked. Exchange's
 * X- verbs (KB 812455, "SMTP Protocol Extensions for Exchange Server
 * 2007") and AUTH NTLM/GSSAPI (integrated Windows logons) are named; a
 * masked banner or keywords of X (Cisco ASA "inspect esmtp": mask-banner,
 * "no allow-tls" removes STARTTLS, "ehlo-reply-parameter others mask")
 * point at a firewall rewriting the session.
 */
static int
ehlo_summary(const struct session_facts *f, const char *whole, size_t len,
    struct buf *out)
{
	struct caps	 c;
	const char	*p = whole, *e, *end = whole + len;
	size_t		 i, masked = 0, xverbs = 0;
	bool		 first = true;
	int		 rc = 0;

	caps_init(&c);
	while (p < end) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (!first && e - p > 4)
			(void)caps_add_line(&c, REPLY_SMTP, p + 4,
			    (size_t)(e - p - 4));
		first = false;
		p = e + 1;
	}
	for (i = 0; i < c.n; i++) {
		if (masked_keyword(c.v[i].keyword))
			masked++;
		else if (c.v[i].keyword[0] == 'X')
			xverbs++;
	}
	rc |= buf_printf(out, "250 EHLO accepted: %zu extension%s listed",
	    c.n, c.n == 1 ? "" : "s");
	if (!f->tls && c.starttls && f->tls_required)
		rc |= buf_append_str(out, "; STARTTLS offered: TLS starts "
		    "next, as asked");
	else if (!f->tls && c.starttls)
		rc |= buf_append_str(out, c.auth != NULL ? "; STARTTLS "
		    "offered: /starttls before AUTH, so the password is "
		    "encrypted" : "; STARTTLS offered: /starttls to encrypt "
		    "the session");
	else if (!f->tls && (f->greeting_masked || masked > 0))
		rc |= buf_append_str(out, "; no STARTTLS, and the greeting or "
		    "keywords are masked: a firewall (Cisco ASA SMTP "
		    "inspection) seems to rewrite this session and strips "
		    "STARTTLS");
	else if (!f->tls)
		rc |= buf_append_str(out, "; no STARTTLS: this session cannot "
		    "be encrypted (try smtps://, port 465)");
	if (f->tls && c.auth != NULL && f->caps_plain != NULL &&
	    f->caps_plain->auth == NULL)
		rc |= buf_printf(out, "; AUTH %.60s appeared after STARTTLS, "
		    "as servers usually do: /auth now", c.auth);
	else if (c.auth != NULL && (f->tls || !c.starttls))
		rc |= buf_printf(out, "; AUTH %.60s: /auth to log in%s",
		    c.auth, f->tls ? "" : " (in clear text: no TLS here)");
	else if (f->tls && c.auth == NULL)
		rc |= buf_append_str(out, "; no AUTH offered");
	if (c.auth != NULL && (caps_has_mech(&c, "NTLM", 4) ||
	    caps_has_mech(&c, "GSSAPI", 6)))
		rc |= buf_append_str(out, has_typeable_mech(c.auth) ?
		    "; NTLM/GSSAPI are Windows logons (Exchange) that cannot "
		    "be typed: use LOGIN or PLAIN" : "; only NTLM/GSSAPI: "
		    "Windows logons (Exchange) that cannot be typed; test with "
		    "LOGIN/PLAIN after STARTTLS, if offered then");
	if (xverbs > 0)
		rc |= buf_append_str(out, "; X- keywords are private "
		    "extensions (Exchange's are for Exchange servers among "
		    "themselves)");
	if (masked > 0 && (f->tls || c.starttls))
		rc |= buf_append_str(out, "; keywords masked with X: a "
		    "firewall (Cisco ASA SMTP inspection) seems to rewrite this "
		    "session");
	caps_clear(&c);
	return rc;
}

int
explain_smtp(const struct session_facts *f, const struct explain_cmd *cmd,
    const struct reply_line *r, const char *whole, size_t whole_len,
    struct buf *out)
{
	const struct smtp_rule *u;
	const char	*verb = cmd->verb;
	int		 rc = 0;

	/* BDAT ... LAST ends the message like DATA's "." (RFC 3030 2),
	 * once there is a transaction with a recipient. */
	if (verb != NULL && strcmp(verb, "BDAT") == 0 && cmd->arg != NULL &&
	    ci_has(cmd->arg, cmd->arg_len, " last", 5) && f->mail_accepted &&
	    f->rcpt_accepted > 0)
		verb = ".";
	if (verb != NULL && *verb == '\0' && r->code == 220 &&
	    explain_smtp_banner_masked(r->text, r->text_len) && !f->greeted)
		return buf_append_str(out, "220 service ready, but the "
		    "greeting is all asterisks: a firewall (Cisco ASA SMTP "
		    "inspection) seems to rewrite this session; expect EHLO "
		    "refused and no STARTTLS") ? -1 : 0;
	/* After the greeting, "" tags a line answering a SASL challenge:
	 * its reply is AUTH's (the next 334, or the final 235/535...). */
	if (verb != NULL && *verb == '\0' && f->greeted)
		verb = "AUTH";
	if (r->code == 334 && verb != NULL && strcmp(verb, "AUTH") == 0)
		return challenge(r, out) ? -1 : 0;
	if (r->code == 250 && verb != NULL && (strcmp(verb, "EHLO") == 0 ||
	    strcmp(verb, "LHLO") == 0))
		return ehlo_summary(f, whole, whole_len, out) ? -1 : 0;
	if (r->code == 250 && verb != NULL && strcmp(verb, "HELO") == 0)
		return buf_append_str(out, "250 HELO accepted: plain SMTP, no "
		    "extensions listed (EHLO would list STARTTLS, AUTH, "
		    "SIZE)") ? -1 : 0;
	u = rule_find(f, verb, r, whole, whole_len);
	if (u == NULL)
		return meaning_reply(REPLY_SMTP, r, verb, out);
	/* An X_NOENH rule's words say what the enhanced code means (its
	 * registered title may even mislead: Gmail's 5.7.9 is not "too
	 * weak"), so the code stands beside the reply code, as on the wire;
	 * x.0.0 adds nothing and is left out. */
	if ((u->flags & X_NOENH) && r->enh_class != 0 &&
	    !(r->enh_subject == 0 && r->enh_detail == 0))
		rc |= buf_printf(out, "%d %s %s", r->code, r->enh, u->text);
	else
		rc |= buf_printf(out, "%d %s", r->code, u->text);
	if (u->flags & X_RCPTN)
		rc |= buf_printf(out, " (%zu so far); more RCPT TO, or DATA",
		    f->rcpt_accepted + 1);
	if ((u->flags & X_REFUSED) && f->rcpt_refused > 0)
		rc |= buf_printf(out, " (%zu refused)", f->rcpt_refused);
	if (u->flags & X_QUEUEID)
		rc |= queue_id(r, out);
	if (r->enh_class != 0 && !(r->enh_subject == 0 && r->enh_detail == 0) &&
	    !(u->flags & X_NOENH)) {
		rc |= buf_printf(out, " \xc2\xb7 %s ", r->enh);
		rc |= meaning_enhanced(r->enh_class, r->enh_subject,
		    r->enh_detail, out);
	}
	return rc ? -1 : 0;
}
