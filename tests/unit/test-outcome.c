/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/outcome.c (the reading of a refusal) and for the
 * one "* " outcome line of /auth and /send in scripted sessions: each
 * refusal the issue names (wrong credentials, [IN-USE], [LOGIN-DELAY], TLS
 * required, mechanism not offered, temporary failure; MAIL refused with
 * 530, greylisted, relay denied, one of two recipients refused, STARTTLS
 * refused, AUTH not possible) gives its cause and next step. */
#include <stdlib.h>

#include "proto/outcome.h"
#include "tests/unit/engine-script.h"

/* Replies as real servers and the lab send them. */
static void
test_read(void)
{
	static const struct {
		enum reply_proto	 proto;
		const char		*verb, *line;
		enum outcome		 want;
	} cases[] = {
		/* Dovecot 2.3 */
		{ REPLY_POP3, "PASS", "-ERR [AUTH] Authentication failed.",
		    OUTCOME_CREDENTIALS },
		{ REPLY_POP3, "USER", "-ERR [AUTH] Plaintext authentication "
		    "disallowed on non-secure (SSL/TLS) connections.",
		    OUTCOME_TLS_REQUIRED },
		{ REPLY_POP3, "AUTH", "-ERR Unsupported authentication "
		    "mechanism.", OUTCOME_MECH },
		{ REPLY_POP3, "PASS", "-ERR [IN-USE] Internal error occurred. "
		    "Refer to server log for more information.",
		    OUTCOME_IN_USE },
		/* the lab */
		{ REPLY_POP3, "PASS", "-ERR [LOGIN-DELAY] Minimum time between "
		    "logins is 30 seconds; try again later",
		    OUTCOME_LOGIN_DELAY },
		{ REPLY_POP3, "PASS", "-ERR [SYS/TEMP] Cannot open the mailbox",
		    OUTCOME_TEMPORARY },
		{ REPLY_POP3, "PASS", "-ERR invalid password",
		    OUTCOME_CREDENTIALS },
		{ REPLY_POP3, "RETR", "-ERR no such message",
		    OUTCOME_PERMANENT },
		{ REPLY_POP3, "PASS", "+OK Logged in.", OUTCOME_OK },
		/* Postfix */
		{ REPLY_SMTP, "MAIL", "530 5.7.0 Must issue a STARTTLS command "
		    "first", OUTCOME_TLS_REQUIRED },
		{ REPLY_SMTP, "MAIL", "530 5.7.0 Authentication required",
		    OUTCOME_AUTH_REQUIRED },
		{ REPLY_SMTP, "AUTH", "535 5.7.8 Error: authentication failed: "
		    "authentication failure", OUTCOME_CREDENTIALS },
		{ REPLY_SMTP, "AUTH", "504 5.5.4 Unrecognized authentication "
		    "type", OUTCOME_MECH },
		{ REPLY_SMTP, "AUTH", "538 5.7.11 Encryption required for "
		    "requested authentication mechanism", OUTCOME_TLS_REQUIRED },
		{ REPLY_SMTP, "AUTH", "454 4.7.0 Temporary authentication "
		    "failure", OUTCOME_TEMPORARY },
		{ REPLY_SMTP, "RCPT", "554 5.7.1 <x@elsewhere.example>: Relay "
		    "access denied", OUTCOME_RELAY_DENIED },
		{ REPLY_SMTP, "RCPT", "550 5.1.1 <nobody@lab.example>: Recipient "
		    "address rejected: User unknown in local recipient table",
		    OUTCOME_NO_MAILBOX },
		{ REPLY_SMTP, "RCPT", "450 4.2.0 <b@x>: Recipient address "
		    "rejected: Greylisted, see http://postgrey.schweikert.ch/",
		    OUTCOME_GREYLISTED },
		{ REPLY_SMTP, "RCPT", "451 4.7.1 Greylisted: please try again "
		    "later", OUTCOME_GREYLISTED },
		{ REPLY_SMTP, "RCPT", "452 4.2.2 Mailbox full: over quota",
		    OUTCOME_MAILBOX_FULL },
		/* Microsoft 365 / Exchange */
		{ REPLY_SMTP, "RCPT", "550 5.7.54 SMTP; Unable to relay "
		    "recipient in non-accepted domain", OUTCOME_RELAY_DENIED },
		{ REPLY_SMTP, "RCPT", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
		    "Recipient not found by SMTP address lookup",
		    OUTCOME_NO_MAILBOX },
		{ REPLY_SMTP, "AUTH", "535 5.7.139 Authentication unsuccessful, "
		    "SmtpClientAuthentication is disabled for the Tenant.",
		    OUTCOME_CREDENTIALS },
		{ REPLY_SMTP, "MAIL", "501 5.5.4 Syntax: MAIL FROM:<address>",
		    OUTCOME_PERMANENT },
		{ REPLY_SMTP, ".", "250 2.0.0 Ok: queued as 4XyZ", OUTCOME_OK },
	};
	struct session_facts	f;
	struct reply_line	r;
	size_t			i;
	enum outcome		got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.proto = cases[i].proto;
		CHECK(reply_parse_line(cases[i].proto, cases[i].line,
		    strlen(cases[i].line), &r, NULL) == 0);
		got = outcome_read(&f, cases[i].verb, &r, cases[i].line,
		    strlen(cases[i].line));
		if (got != cases[i].want)
			fprintf(stderr, "%s -> %d, wanted %d\n", cases[i].line,
			    (int)got, (int)cases[i].want);
		CHECK(got == cases[i].want);
	}
}

/* A bare "530 5.7.0" is read from what the session knows: STARTTLS
 * offered on a plain connection means TLS first. */
static void
test_read_facts(void)
{
	struct session_facts	f;
	struct caps		c;
	struct reply_line	r;
	const char		*l = "530 5.7.0 Access denied";

	caps_init(&c);
	memset(&f, 0, sizeof(f));
	f.proto = REPLY_SMTP;
	f.caps = &c;
	CHECK(reply_parse_line(REPLY_SMTP, l, strlen(l), &r, NULL) == 0);
	CHECK(outcome_read(&f, "MAIL", &r, l, strlen(l)) ==
	    OUTCOME_AUTH_REQUIRED);
	CHECK(caps_add_line(&c, REPLY_SMTP, "STARTTLS", 8) == 0);
	CHECK(outcome_read(&f, "MAIL", &r, l, strlen(l)) ==
	    OUTCOME_TLS_REQUIRED);
	caps_clear(&c);
}

static void
test_queue_id(void)
{
	static const struct {
		const char	*line, *want;
	} cases[] = {
		{ "250 2.0.0 Ok: queued as 4Xyz9ABC12", "4Xyz9ABC12" },
		{ "250 OK id=1qXyZ4-0004aB-Cd", "1qXyZ4-0004aB-Cd" },
		{ "250 2.0.0 OK  1700000000 a1si123.45 - gsmtp", NULL },
		{ "250 queued as \x1b[31m", NULL },
	};
	struct buf	b;
	size_t		i;
	int		r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 256);
		r = outcome_queue_id(cases[i].line, strlen(cases[i].line), &b);
		CHECK(r == (cases[i].want != NULL ? 1 : 0));
		if (cases[i].want != NULL)
			CHECK(b.data != NULL && strcmp(b.data,
			    cases[i].want) == 0);
		buf_clear(&b);
	}
}

#define MAXSTEPS	32

/* A scripted session and the "* " outcome line it must contain, and what
 * the wire must and must not hold. */
struct scase {
	const char		*name;
	enum reply_proto	 proto;
	bool			 tls;
	const char		*user;
	struct step		 steps[MAXSTEPS];
	const char		*want, *wire, *not_wire;
};

#define SMTP_GREET	{ 'S', "220 x ESMTP\r\n" }
#define POP3_GREET	{ 'S', "+OK ready\r\n" }
/* A /send form: from a@lab.example to one recipient. */
#define FORM1(to)							\
	{ 'U', "/send" }, { 'U', "a@lab.example" }, { 'U', to },	\
	{ 'U', "" }, { 'U', "s" }, { 'U', "hi" }, { 'U', "." }

static const struct scase scases[] = {
	/* ---- /auth ---- */
	{ "pop3 /auth: [IN-USE]", REPLY_POP3, false, "tim", {
	    POP3_GREET, { 'U', "/auth user" }, { 'P', "pw" },
	    { 'S', "+OK\r\n" },
	    { 'S', "-ERR [IN-USE] Mailbox is locked by another POP3 "
	    "session\r\n" } },
	    "* authentication failed as tim (USER), -ERR [IN-USE]: the login "
	    "itself was accepted, but another session holds the mailbox lock "
	    "(RFC 2449 8.1.2); close the other mail client or wait until its "
	    "session ends, then /auth again", NULL, NULL },
	{ "pop3 /auth: [LOGIN-DELAY] with CAPA LOGIN-DELAY", REPLY_POP3, false,
	    "tim", { POP3_GREET, { 'U', "CAPA" },
	    { 'S', "+OK\r\nUSER\r\nLOGIN-DELAY 30\r\n.\r\n" },
	    { 'U', "/auth user" }, { 'P', "pw" }, { 'S', "+OK\r\n" },
	    { 'S', "-ERR [LOGIN-DELAY] Minimum time between logins is 30 "
	    "seconds; try again later\r\n" } },
	    "-ERR [LOGIN-DELAY]: the login came too soon after the previous "
	    "one: the server enforces a minimum time between logins (RFC 2449 "
	    "8.1.1); wait 30 seconds (CAPA LOGIN-DELAY), then /auth again",
	    NULL, NULL },
	{ "pop3 /auth: wrong password", REPLY_POP3, false, "tim", {
	    POP3_GREET, { 'U', "/auth user" }, { 'P', "pw" },
	    { 'S', "+OK\r\n" },
	    { 'S', "-ERR [AUTH] Authentication failed.\r\n" } },
	    "-ERR [AUTH]: wrong user name or password", NULL, NULL },
	{ "pop3 /auth: Dovecot plaintext disallowed", REPLY_POP3, false, "tim", {
	    POP3_GREET, { 'U', "/auth user" }, { 'P', "pw" },
	    { 'S', "-ERR [AUTH] Plaintext authentication disallowed on "
	    "non-secure (SSL/TLS) connections.\r\n" } },
	    "* authentication failed as tim (USER): USER was refused, -ERR "
	    "[AUTH]: the server accepts this only over an encrypted "
	    "connection; /starttls first, then /auth again", NULL, "PASS" },
	{ "pop3 /auth: [SYS/TEMP]", REPLY_POP3, false, "tim", {
	    POP3_GREET, { 'U', "/auth user" }, { 'P', "pw" },
	    { 'S', "+OK\r\n" },
	    { 'S', "-ERR [SYS/TEMP] Cannot open the mailbox\r\n" } },
	    "-ERR [SYS/TEMP]: a temporary failure at the server; try /auth "
	    "again in a little while", NULL, NULL },
	{ "pop3 /auth: mechanism unsupported", REPLY_POP3, true, "tim", {
	    POP3_GREET, { 'U', "CAPA" },
	    { 'S', "+OK\r\nSASL PLAIN\r\n.\r\n" },
	    { 'U', "/auth cram-md5" }, { 'P', "pw" },
	    { 'S', "-ERR Unsupported authentication mechanism.\r\n" } },
	    "-ERR: the server does not take this authentication mechanism; it "
	    "offers: PLAIN; /auth with one of those", NULL, NULL },
	{ "smtp /auth: 535 5.7.8", REPLY_SMTP, true, "tim", {
	    SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 AUTH PLAIN\r\n" },
	    { 'U', "/auth plain" }, { 'P', "pw" },
	    { 'S', "535 5.7.8 Error: authentication failed\r\n" } },
	    "* authentication failed as tim (PLAIN), 535 5.7.8: wrong user "
	    "name or password", NULL, NULL },
	{ "smtp /auth: 530 5.7.0 STARTTLS first", REPLY_SMTP, false, "tim", {
	    SMTP_GREET, { 'U', "HELO x" }, { 'S', "250 x\r\n" },
	    { 'U', "/auth plain" }, { 'P', "pw" },
	    { 'S', "530 5.7.0 Must issue a STARTTLS command first\r\n" } },
	    "530 5.7.0: the server accepts this only over an encrypted "
	    "connection; /starttls first, then /auth again", NULL, NULL },
	{ "smtp /auth: 538 5.7.11", REPLY_SMTP, false, "tim", {
	    SMTP_GREET, { 'U', "HELO x" }, { 'S', "250 x\r\n" },
	    { 'U', "/auth cram-md5" }, { 'P', "pw" },
	    { 'S', "538 5.7.11 Encryption required for requested "
	    "authentication mechanism\r\n" } },
	    "538 5.7.11: the server accepts this only over an encrypted "
	    "connection; /starttls first", NULL, NULL },
	{ "smtp /auth: 504 5.5.4 lists what is offered", REPLY_SMTP, true,
	    "tim", { SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 AUTH PLAIN LOGIN\r\n" },
	    { 'U', "/auth cram-md5" }, { 'P', "pw" },
	    { 'S', "504 5.5.4 Unrecognized authentication type\r\n" } },
	    "504 5.5.4: the server does not take this authentication "
	    "mechanism; it offers: PLAIN LOGIN; /auth with one of those",
	    NULL, NULL },
	{ "smtp /auth: 454 4.7.0", REPLY_SMTP, true, "tim", {
	    SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 AUTH PLAIN\r\n" },
	    { 'U', "/auth plain" }, { 'P', "pw" },
	    { 'S', "454 4.7.0 Temporary authentication failure\r\n" } },
	    "454 4.7.0: a temporary failure at the server; try /auth again in "
	    "a little while", NULL, NULL },

	/* ---- /send ---- */
	{ "send: MAIL refused 530 (no STARTTLS offered)", REPLY_SMTP, false,
	    NULL, { SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 8BITMIME\r\n" }, FORM1("b@lab.example"),
	    { 'S', "530 5.7.0 Must issue a STARTTLS command first\r\n" } },
	    "* /send: not sent: MAIL FROM:<a@lab.example> was refused, 530 "
	    "5.7.0: the server accepts this only over an encrypted connection; "
	    "/starttls first, then /send again", NULL, "RCPT" },
	{ "send: pipelined MAIL refused, RCPT and DATA 503", REPLY_SMTP, false,
	    NULL, { SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 PIPELINING\r\n" }, FORM1("b@lab.example"),
	    { 'S', "530 5.7.0 Must issue a STARTTLS command first\r\n"
	    "503 5.5.1 Error: need MAIL command\r\n"
	    "503 5.5.1 Error: need RCPT command\r\n" } },
	    "* /send: not sent: MAIL FROM:<a@lab.example> was refused, 530 "
	    "5.7.0: the server accepts this only over an encrypted connection; "
	    "/starttls first, then /send again", "DATA\r\n", "RSET" },
	{ "send: greylisted", REPLY_SMTP, false, NULL, { SMTP_GREET,
	    { 'U', "EHLO x" }, { 'S', "250 x\r\n" }, FORM1("b@lab.example"),
	    { 'S', "250 2.1.0 Ok\r\n" },
	    { 'S', "451 4.7.1 Greylisted: please try again later\r\n" },
	    { 'S', "250 2.0.0 Ok\r\n" } },
	    "* /send: not sent: the recipient b@lab.example was refused, 451 "
	    "4.7.1: greylisted: the server defers mail from a sender and "
	    "recipient pair it has not seen before (RFC 6647); retry in a few "
	    "minutes (/send again)", "RSET\r\n", "DATA" },
	{ "send: relay denied, two recipients", REPLY_SMTP, false, NULL, {
	    SMTP_GREET, { 'U', "EHLO x" }, { 'S', "250 x\r\n" },
	    { 'U', "/send" }, { 'U', "a@lab.example" },
	    { 'U', "x@elsewhere.example, y@elsewhere.example" }, { 'U', "" },
	    { 'U', "s" }, { 'U', "." }, { 'S', "250 2.1.0 Ok\r\n" },
	    { 'S', "550 5.7.1 Relay access denied: authenticate first\r\n" },
	    { 'S', "554 5.7.1 <y@elsewhere.example>: Relay access denied\r\n" },
	    { 'S', "250 2.0.0 Ok\r\n" } },
	    "* /send: not sent: all 2 recipients were refused "
	    "(x@elsewhere.example refused: 550 5.7.1, y@elsewhere.example "
	    "refused: 554 5.7.1); the first: 550 5.7.1: relaying denied: the "
	    "server takes mail for other domains only from authenticated "
	    "clients; authenticate (/auth) or send to a local address, then "
	    "/send again", NULL, "DATA" },
	{ "send: STARTTLS refused stops before AUTH and MAIL", REPLY_SMTP,
	    false, "tim", { SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n" },
	    FORM1("b@lab.example"),
	    { 'S', "454 4.7.0 TLS not available due to local problem\r\n" } },
	    "* /send: not sent: STARTTLS was refused (454 4.7.0); no login "
	    "and no mail go out on this unencrypted connection", "STARTTLS\r\n",
	    "MAIL" },
	{ "send: AUTH offered, no user", REPLY_SMTP, true, NULL, {
	    SMTP_GREET, FORM1("b@lab.example"),
	    { 'S', "250-x\r\n250 AUTH PLAIN\r\n" } },
	    "* /send: the server offers AUTH (PLAIN) but no user given: "
	    "sending unauthenticated", "MAIL FROM:<a@lab.example>\r\n",
	    "AUTH" },
	{ "send: AUTH offered in the clear is not used", REPLY_SMTP, false,
	    "tim", { SMTP_GREET, FORM1("b@lab.example"),
	    { 'S', "250-x\r\n250 AUTH PLAIN\r\n" } },
	    "* /send: the server offers AUTH but not STARTTLS: no password "
	    "goes out in the clear (RFC 4616 1); sending unauthenticated",
	    "MAIL FROM:<a@lab.example>\r\n", "AUTH" },
	{ "send: the form asks the AUTH user; 535", REPLY_SMTP, true, NULL, {
	    SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 AUTH LOGIN PLAIN\r\n" }, { 'U', "/send" },
	    { 'U', " tim " }, { 'U', "a@lab.example" },
	    { 'U', "b@lab.example" }, { 'U', "" }, { 'U', "s" }, { 'U', "." },
	    { 'P', "pw" },
	    { 'S', "535 5.7.8 Error: authentication failed\r\n" } },
	    "* /send: not sent: AUTH PLAIN as tim was refused, 535 5.7.8: "
	    "wrong user name or password (or the account may not log in); "
	    "check both and /send again", "AUTH PLAIN AHRpbQBwdw==\r\n",
	    "MAIL" },
	{ "send: after /auth, no second AUTH", REPLY_SMTP, true, "tim", {
	    SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250-x\r\n250 AUTH PLAIN\r\n" },
	    { 'U', "/auth plain" }, { 'P', "pw" },
	    { 'S', "235 2.7.0 Authentication successful\r\n" },
	    FORM1("b@lab.example") },
	    "* /send: already authenticated as tim\n"
	    "C: MAIL FROM:<a@lab.example>", NULL, NULL },
	{ "send: all accepted, no queue id", REPLY_SMTP, false, NULL, {
	    SMTP_GREET, { 'U', "EHLO x" }, { 'S', "250 x\r\n" },
	    FORM1("b@lab.example"), { 'S', "250 2.1.0 Ok\r\n" },
	    { 'S', "250 2.1.5 Ok\r\n" }, { 'S', "354 go\r\n" },
	    { 'S', "250 2.0.0 OK  1700000000 a1si123 - gsmtp\r\n" } },
	    "* /send: message accepted for 1 recipient; the server is now "
	    "responsible for delivering it (no queue id given)", NULL, NULL },
	{ "send: message refused after its text", REPLY_SMTP, false, NULL, {
	    SMTP_GREET, { 'U', "EHLO x" }, { 'S', "250 x\r\n" },
	    FORM1("b@lab.example"), { 'S', "250 2.1.0 Ok\r\n" },
	    { 'S', "250 2.1.5 Ok\r\n" }, { 'S', "354 go\r\n" },
	    { 'S', "554 5.7.1 Message rejected as spam\r\n" } },
	    "* /send: not sent: the server refused the message after its "
	    "text, 554 5.7.1: refused for good", NULL, NULL },
	{ "send: display names in To:, encoded when not ASCII", REPLY_SMTP,
	    false, NULL, { SMTP_GREET, { 'U', "EHLO x" },
	    { 'S', "250 x\r\n" }, { 'U', "/send" }, { 'U', "a@lab.example" },
	    { 'U', "\"Doe, J.\" <b@lab.example>, Ren\xc3\xa9" "e <c@lab.example>" },
	    { 'U', "" }, { 'U', "s" }, { 'U', "." },
	    { 'S', "250 2.1.0 Ok\r\n" }, { 'S', "250 2.1.5 Ok\r\n" },
	    { 'S', "250 2.1.5 Ok\r\n" }, { 'S', "354 go\r\n" },
	    { 'S', "250 2.0.0 Ok: queued as 77AB\r\n" } },
	    "* /send: message accepted for 2 recipients; queued as 77AB",
	    "To: \"Doe, J.\" <b@lab.example>,\r\n =?UTF-8?B?UmVuw6ll?= "
	    "<c@lab.example>\r\n", NULL },
};

static void
test_scripted(void)
{
	const struct scase	*c;
	struct session_options	 opts;
	struct script_out	 o;
	struct session		*s;
	size_t			 i, n;
	bool			 ok;

	for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
		c = &scases[i];
		for (n = 0; n < MAXSTEPS && c->steps[n].op != '\0'; n++)
			;
		memset(&opts, 0, sizeof(opts));
		opts.tls = c->tls;
		opts.user = c->user;
		opts.ehlo_domain = "x";
		opts.now = 1700000000;
		s = script_run(c->proto, &opts, c->steps, n, 0, 0, &o, false);
		ok = o.transcript.data != NULL &&
		    strstr(o.transcript.data, c->want) != NULL &&
		    (c->wire == NULL || (o.wire.data != NULL &&
		    strstr(o.wire.data, c->wire) != NULL)) &&
		    (c->not_wire == NULL || o.wire.data == NULL ||
		    strstr(o.wire.data, c->not_wire) == NULL);
		if (!ok)
			fprintf(stderr, "%s:\n%s\n--- wire:\n%s\n--- wanted:\n"
			    "%s\n", c->name, o.transcript.data != NULL ?
			    o.transcript.data : "", o.wire.data != NULL ?
			    o.wire.data : "", c->want);
		CHECK(ok);
		session_free(s);
		script_out_clear(&o);
		/* The same fed byte by byte and in random splits. */
		script_check(c->proto, &opts, c->steps, n, NULL, NULL);
	}
}

static const struct test tests[] = {
	{ "outcome of real refusals", test_read },
	{ "outcome of a bare 530 from the facts", test_read_facts },
	{ "queue id from the final 250", test_queue_id },
	{ "/auth and /send outcome lines", test_scripted },
};

TEST_MAIN("outcome", tests)
