/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/meaning.c: "= " lines, codes in context, enhanced
 * codes known and unregistered, POP3 response codes, explain. */
#include <stdio.h>

#include "proto/meaning.h"
#include "proto/reply.h"
#include "tests/unit/harness.h"

static const struct {
	enum reply_proto proto;
	const char	*line;
	const char	*verb;
	const char	*want;
} reply_cases[] = {
	/* SPEC.md, exactly: the greeting. */
	{ REPLY_SMTP, "220 lab.example ESMTP mailbench-lab", "",
	    "220 service ready" },
	/* SPEC.md, exactly: MAIL FROM accepted, with the middle dot. */
	{ REPLY_SMTP, "250 2.1.0 Ok", "MAIL",
	    "250 requested action completed \xc2\xb7 2.1.0 other address "
	    "status: sender address valid" },
	/* 250 means the same whatever the command. */
	{ REPLY_SMTP, "250 2.1.5 Ok", "RCPT",
	    "250 requested action completed \xc2\xb7 2.1.5 destination "
	    "address valid: recipient address valid" },
	/* 550 after RCPT: the recipient. */
	{ REPLY_SMTP, "550 5.1.1 <x@y>: Recipient address rejected", "RCPT",
	    "550 recipient rejected: mailbox unknown or unavailable, or "
	    "relaying denied by policy \xc2\xb7 5.1.1 bad destination mailbox "
	    "address: the mailbox does not exist: the part left of \"@\" is "
	    "wrong" },
	/* 550 after MAIL: the sender. */
	{ REPLY_SMTP, "550 sender blocked", "MAIL",
	    "550 sender rejected: the address or the sending host refused by "
	    "policy" },
	/* 550 after the end of data: the message. */
	{ REPLY_SMTP, "550 spam", ".",
	    "550 message rejected: its content or a policy check refused it" },
	/* ... and the same when the engine tags it DATA. */
	{ REPLY_SMTP, "550 spam", "DATA",
	    "550 message rejected: its content or a policy check refused it" },
	/* 550 with no known command: RFC 5321's words. */
	{ REPLY_SMTP, "550 no", NULL,
	    "550 requested action not taken: mailbox unavailable" },
	/* 451 after RCPT hints at greylisting (the lab's scenario). */
	{ REPLY_SMTP, "451 4.7.1 try later", "RCPT",
	    "451 recipient deferred: local error, or greylisting (retrying "
	    "after a few minutes usually succeeds) \xc2\xb7 4.7.1 delivery not "
	    "authorized, message refused: with class 4 a temporary policy "
	    "refusal (greylisting, a rate limit): a deferral; try again later, "
	    "normally after a few minutes" },
	/* 354: how to end the message. */
	{ REPLY_SMTP, "354 End data with <CR><LF>.<CR><LF>", "DATA",
	    "354 start mail input; end with <CRLF>.<CRLF>" },
	/* 334: a SASL challenge. */
	{ REPLY_SMTP, "334 VXNlcm5hbWU6", "AUTH",
	    "334 server challenge: send the next SASL response in base64, or "
	    "\"*\" to cancel (RFC 4954)" },
	/* 535 answering a continuation (verb "") still reads as AUTH. */
	{ REPLY_SMTP, "535 5.7.8 Error: authentication failed", "",
	    "535 authentication credentials invalid (RFC 4954) \xc2\xb7 5.7.8 "
	    "authentication credentials invalid: user name or password (or "
	    "token) wrong; ask the user again" },
	/* 220 after STARTTLS: the handshake starts. */
	{ REPLY_SMTP, "220 2.0.0 Ready to start TLS", "STARTTLS",
	    "220 ready to start TLS: the handshake begins now (RFC 3207) "
	    "\xc2\xb7 2.0.0 other undefined status: no further detail is "
	    "given" },
	/* The lab's mailbox-full scenario. */
	{ REPLY_SMTP, "452 4.2.2 Mailbox full", "RCPT",
	    "452 recipient not accepted now: too many recipients or "
	    "insufficient storage; send the rest in a later transaction "
	    "(RFC 5321 4.5.3.1.10) \xc2\xb7 4.2.2 mailbox full: the recipient "
	    "is over quota; deleting mail there frees room" },
	/* The lab's tls-required scenario. */
	{ REPLY_SMTP, "530 5.7.0 Must issue a STARTTLS command first", "MAIL",
	    "530 access denied: authentication required, or STARTTLS must "
	    "come first (RFC 4954, RFC 3207) \xc2\xb7 5.7.0 other or undefined "
	    "security status: a security or policy condition caused this" },
	/* An unregistered code is described from its digits. */
	{ REPLY_SMTP, "599 odd", "RCPT",
	    "599 unregistered code: permanent failure" },
	{ REPLY_SMTP, "432 x", NULL,
	    "432 a password transition is needed (RFC 4954)" },
	/* Unregistered enhanced detail: subject named, detail flagged. */
	{ REPLY_SMTP, "550 5.7.99 x", "RCPT",
	    "550 recipient rejected: mailbox unknown or unavailable, or "
	    "relaying denied by policy \xc2\xb7 5.7.99 security or policy "
	    "status: detail 99 is not registered" },
	/* Unregistered subject. */
	{ REPLY_SMTP, "450 4.9.1 x", NULL,
	    "450 requested mail action not taken: mailbox unavailable (busy "
	    "or temporarily blocked); try again later \xc2\xb7 4.9.1 "
	    "unregistered subject 9 and detail 1" },

	/* POP3: plain +OK. */
	{ REPLY_POP3, "+OK Dovecot ready.", "", "+OK positive reply" },
	/* POP3: -ERR alone. */
	{ REPLY_POP3, "-ERR no such message", "RETR", "-ERR negative reply" },
	/* POP3: the brief's example with RFC 2449 8.1.2. */
	{ REPLY_POP3, "-ERR [IN-USE] Mailbox is locked", "PASS",
	    "-ERR negative reply \xc2\xb7 [IN-USE] mailbox locked: another "
	    "client (or a stale session the server has not timed out yet) "
	    "holds this maildrop; the credentials were accepted (RFC 2449 "
	    "8.1.2)" },
	/* POP3: RFC 3206. */
	{ REPLY_POP3, "-ERR [AUTH] Authentication failed.", "PASS",
	    "-ERR negative reply \xc2\xb7 [AUTH] login refused because of "
	    "the credentials (wrong user name or password, or this account "
	    "may not log in here), not a system problem (RFC 3206 5)" },
	/* POP3: unknown sub-level falls back to its parent. */
	{ REPLY_POP3, "-ERR [SYS/WEIRD] x", "RETR",
	    "-ERR negative reply \xc2\xb7 [SYS/WEIRD] a problem on the "
	    "server's side, not the user's credentials (RFC 3206 4); the "
	    "sub-code after SYS/ is not registered" },
	/* POP3: an unknown code is said to be unknown. */
	{ REPLY_POP3, "-ERR [FROB] x", "RETR",
	    "-ERR negative reply \xc2\xb7 [FROB] unknown response code" },
	/* POP3: SASL continuation. */
	{ REPLY_POP3, "+ ", "AUTH",
	    "+ server challenge: send the next SASL response in base64, or "
	    "\"*\" to cancel (RFC 5034)" },
};

static void
test_reply(void)
{
	size_t	i;

	for (i = 0; i < sizeof(reply_cases) / sizeof(reply_cases[0]); i++) {
		struct reply_line r;
		struct buf b;
		const char *l = reply_cases[i].line;

		CHECK_INT(reply_parse_line(reply_cases[i].proto, l, strlen(l),
		    &r, NULL), 0);
		buf_init(&b, 4096);
		CHECK_INT(meaning_reply(reply_cases[i].proto, &r,
		    reply_cases[i].verb, &b), 0);
		CHECK_STR(b.data, reply_cases[i].want);
		buf_clear(&b);
	}
}

/* Every basic code of RFC 5321 4.2.2-4.2.3 and the AUTH/STARTTLS ones
 * has its own meaning, not one made up from the digits. */
static void
test_all_smtp_codes_known(void)
{
	static const int codes[] = { 211, 214, 220, 221, 235, 250, 251, 252,
	    334, 354, 421, 432, 450, 451, 452, 454, 455, 500, 501, 502, 503,
	    504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556 };
	size_t	i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *m = meaning_smtp_code(codes[i], NULL);

		CHECK(m != NULL && strstr(m, "unregistered") == NULL);
	}
	/* A lower-case verb is matched too; an over-long one is unknown. */
	CHECK_STR(meaning_smtp_code(550, "rcpt"), meaning_smtp_code(550,
	    "RCPT"));
	CHECK_STR(meaning_smtp_code(550, "RCPTRCPTRCPTRCPTRCPT"),
	    meaning_smtp_code(550, NULL));
	/* Out of range never returns NULL. */
	CHECK(meaning_smtp_code(0, NULL) != NULL);
	CHECK(meaning_smtp_code(999, "RCPT") != NULL);
	CHECK(meaning_smtp_code(560, NULL) != NULL);
}

static const struct {
	int		 c, s, d;
	const char	*want;
} enh_cases[] = {
	/* The example of meaning.h. */
	{ 2, 1, 0, "other address status: sender address valid" },
	/* Failure class uses the general text. */
	{ 5, 1, 0, "other address status: something about an address caused "
	    "this" },
	/* RFC 4954. */
	{ 5, 7, 8, "authentication credentials invalid: user name or "
	    "password (or token) wrong; ask the user again" },
	/* RFC 5248. */
	{ 5, 7, 13, "user account disabled: the credentials were right but "
	    "the account is disabled; contact the administrator" },
	/* RFC 7372. */
	{ 5, 7, 23, "SPF validation failed: the sending host is not allowed "
	    "by the sender domain's SPF record" },
	/* RFC 7505 null MX. */
	{ 5, 1, 10, "recipient address has null MX: the recipient's domain "
	    "publishes a null MX: it takes no mail" },
	/* RFC 8689, the last one registered. */
	{ 5, 7, 30, "REQUIRETLS support required: the message needs "
	    "REQUIRETLS, which the next hop lacks" },
	/* RFC 6531 EAI. */
	{ 5, 6, 7, "non-ASCII addresses not permitted for that "
	    "sender/recipient: the address needs SMTPUTF8, which is not "
	    "available" },
	/* Unregistered detail. */
	{ 4, 4, 8, "network and routing status: detail 8 is not registered" },
	/* Unregistered subject. */
	{ 5, 8, 0, "unregistered subject 8 and detail 0" },
};

static void
test_enhanced(void)
{
	size_t	i;

	for (i = 0; i < sizeof(enh_cases) / sizeof(enh_cases[0]); i++) {
		struct buf b;

		buf_init(&b, 4096);
		CHECK_INT(meaning_enhanced(enh_cases[i].c, enh_cases[i].s,
		    enh_cases[i].d, &b), 0);
		CHECK_STR(b.data, enh_cases[i].want);
		buf_clear(&b);
	}
}

/* Every code of the IANA registry has its own entry. */
static void
test_registry_complete(void)
{
	static const int max_detail[8] = { 0, 10, 4, 6, 7, 6, 10, 30 };
	int	s, d;

	for (s = 0; s < 8; s++)
		for (d = 0; d <= max_detail[s]; d++) {
			struct buf b;

			buf_init(&b, 4096);
			CHECK_INT(meaning_enhanced(5, s, d, &b), 0);
			CHECK(strstr(b.data, "not registered") == NULL);
			buf_clear(&b);
		}
}

/* A full buffer is reported, not overrun. */
static void
test_buffer_full(void)
{
	struct reply_line r;
	struct buf b;

	CHECK_INT(reply_parse_line(REPLY_SMTP, "550 5.7.1 x", 11, &r, NULL),
	    0);
	buf_init(&b, 16);
	CHECK_INT(meaning_reply(REPLY_SMTP, &r, "RCPT", &b), -1);
	CHECK(b.len <= 16);
	buf_clear(&b);
}

static void
test_pop3_codes(void)
{
	/* Registered codes, any case (RFC 2449 8). */
	CHECK(meaning_pop3_resp_code("IN-USE") != NULL);
	CHECK(meaning_pop3_resp_code("in-use") != NULL);
	CHECK(meaning_pop3_resp_code("LOGIN-DELAY") != NULL);
	CHECK(meaning_pop3_resp_code("SYS/TEMP") != NULL);
	CHECK(meaning_pop3_resp_code("SYS/PERM") != NULL);
	CHECK(meaning_pop3_resp_code("AUTH") != NULL);
	CHECK(meaning_pop3_resp_code("UTF8") != NULL);
	/* Unknown: NULL, for the caller to say so. */
	CHECK(meaning_pop3_resp_code("FROB") == NULL);
	CHECK(meaning_pop3_resp_code("") == NULL);
	CHECK(meaning_pop3_resp_code(NULL) == NULL);
}

static const struct {
	const char	*arg;
	int		 ret;
	const char	*must;		/* substring of the output */
	const char	*must2;
} explain_cases[] = {
	/* SPEC.md's examples. */
	{ "550 5.7.1", 0, "after RCPT: recipient rejected",
	    "5.7.1 delivery not authorized" },
	{ "4.2.2", 0, "4.2.2 mailbox full", "class 4: persistent transient" },
	{ "-ERR [IN-USE]", 0, "-ERR negative reply",
	    "[IN-USE] mailbox locked: another client" },
	/* The next step, from the table the "= " lines use too. */
	{ "-ERR [IN-USE]", 0, "[IN-USE] mailbox locked",
	    "next: close the other mail client" },
	{ "354", 0, "354 start mail input; end with <CRLF>.<CRLF>",
	    "positive intermediate" },
	/* A bare code lists each context. */
	{ "550", 0, "after MAIL: sender rejected",
	    "after DATA, the final \".\" of the message or BDAT: message "
	    "rejected" },
	{ "5.7.1", 0, "subject 7: security or policy status", "(RFC 3463)" },
	{ "+OK", 0, "+OK positive reply", "RFC 1939" },
	{ "[SYS/TEMP]", 0, "[SYS/TEMP] temporary system problem",
	    "RFC 3206" },
	{ "[login-delay]", 0, "[LOGIN-DELAY] logged in again too soon",
	    "RFC 2449" },
	/* A pasted reply line. */
	{ "550-5.7.1 Relaying denied", 0, "550 requested action not taken",
	    "5.7.1 delivery" },
	/* Surrounding spaces are fine. */
	{ "  451 4.7.1 ", 0, "after RCPT: recipient deferred", "4.7.1" },
	/* Mismatched classes are explained, with a note. */
	{ "250 5.7.1", 0, "250 requested action completed",
	    "note: the enhanced code's class 5" },
	/* Unregistered ones are said to be so. */
	{ "5.7.99", 0, "detail 99: not in the IANA registry", "class 5" },
	{ "[FROB]", 0, "[FROB] unknown response code", "IN-USE" },
	/* Not codes. */
	{ "hello", -1, NULL, NULL },
	{ "", -1, NULL, NULL },
	{ "55", -1, NULL, NULL },
	{ "5500", -1, NULL, NULL },
	{ "199", -1, NULL, NULL },
	{ "600", -1, NULL, NULL },
	{ "3.1.1", -1, NULL, NULL },	/* class 3 is not registered */
	{ "5.7", -1, NULL, NULL },
	{ "550 5.7", -1, NULL, NULL },	/* a typo, not reply text */
	{ "550 5.7.1.2", -1, NULL, NULL },
	{ "5.1000.1", -1, NULL, NULL },
	{ "[]", -1, NULL, NULL },
	{ "[IN-USE", -1, NULL, NULL },
	{ "[IN-USE] x", -1, NULL, NULL },
	{ "-ERRx", -1, NULL, NULL },
	{ "-ERR [IN-USE", -1, NULL, NULL },
};

static void
test_explain(void)
{
	size_t	i;

	for (i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]);
	    i++) {
		struct buf b;
		const char *err = NULL;
		int ret;

		buf_init(&b, 64 * 1024);
		ret = meaning_explain(explain_cases[i].arg, &b, &err);
		if (ret != explain_cases[i].ret)
			fprintf(stderr, "  explain \"%s\"\n",
			    explain_cases[i].arg);
		CHECK_INT(ret, explain_cases[i].ret);
		if (ret < 0)
			CHECK(err != NULL && *err != '\0');
		if (ret == 0 && explain_cases[i].must != NULL) {
			CHECK(b.data != NULL &&
			    strstr(b.data, explain_cases[i].must) != NULL);
			CHECK(strstr(b.data, explain_cases[i].must2) != NULL);
			if (b.data != NULL && (strstr(b.data,
			    explain_cases[i].must) == NULL || strstr(b.data,
			    explain_cases[i].must2) == NULL))
				fprintf(stderr, "  output of \"%s\":\n%s",
				    explain_cases[i].arg, b.data);
		}
		buf_clear(&b);
	}
}

/* Issue 8: "451 4.7.1" (greylisting) is a deferral, read with its class:
 * no line of the explanation says "relaying denied"; "550 5.7.1" still
 * may. */
static void
test_explain_class4(void)
{
	struct buf b;

	buf_init(&b, 64 * 1024);
	CHECK_INT(meaning_explain("451 4.7.1", &b, NULL), 0);
	CHECK(b.data != NULL && strstr(b.data, "relaying denied") == NULL);
	CHECK(b.data != NULL && strstr(b.data, "try again later") != NULL);
	buf_reset(&b);
	CHECK_INT(meaning_explain("4.7.1", &b, NULL), 0);
	CHECK(b.data != NULL && strstr(b.data, "relaying denied") == NULL);
	buf_reset(&b);
	CHECK_INT(meaning_explain("550 5.7.1", &b, NULL), 0);
	CHECK(b.data != NULL && strstr(b.data, "relaying denied") != NULL);
	buf_clear(&b);
}

/* Explanations are printable text: ASCII, newlines and the middle dot. */
static void
test_explain_printable(void)
{
	static const char *const args[] = { "550 5.7.1", "421", "5.6.9",
	    "-ERR [SYS/PERM]", "+", "[UTF8]" };
	size_t	i, j;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		struct buf b;

		buf_init(&b, 64 * 1024);
		CHECK_INT(meaning_explain(args[i], &b, NULL), 0);
		for (j = 0; j < b.len; j++)
			CHECK(b.data[j] == '\n' || (b.data[j] >= 0x20 &&
			    b.data[j] < 0x7f));
		buf_clear(&b);
	}
}

/* Every code 200..599 explains, and every contextual line has a label
 * (a verb in the table without one would print "  : ..."). */
static void
test_explain_every_code(void)
{
	char	arg[16];
	int	code;

	for (code = 200; code <= 599; code++) {
		struct buf b;

		snprintf(arg, sizeof(arg), "%d", code);
		buf_init(&b, 64 * 1024);
		CHECK_INT(meaning_explain(arg, &b, NULL), 0);
		CHECK(b.data != NULL && strstr(b.data, "\n  : ") == NULL);
		CHECK(b.data != NULL && strncmp(b.data, arg, 3) == 0);
		buf_clear(&b);
	}
}

static const struct test tests[] = {
	{ "meaning_reply", test_reply },
	{ "meaning_smtp_codes_known", test_all_smtp_codes_known },
	{ "meaning_enhanced", test_enhanced },
	{ "meaning_registry_complete", test_registry_complete },
	{ "meaning_buffer_full", test_buffer_full },
	{ "meaning_pop3_codes", test_pop3_codes },
	{ "meaning_explain", test_explain },
	{ "meaning_explain_printable", test_explain_printable },
	{ "meaning_explain 451 4.7.1 is a deferral", test_explain_class4 },
	{ "meaning_explain_every_code", test_explain_every_code },
};

TEST_MAIN("meaning", tests)
