/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/caps.c: a real Postfix EHLO and a real Dovecot CAPA,
 * derived flags, the obsolete AUTH= form, explanations, hostile lines. */
#include <stdio.h>

#include "proto/caps.h"
#include "tests/unit/harness.h"

/* Postfix 3.x (scripts/postfix-start) answering EHLO, after the first line
 * (the domain), which is the caller's to skip. */
static const char *const postfix_ehlo[] = {
	"PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS",
	"ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING",
};

/* Dovecot 2.3 (scripts/dovecot-start) answering CAPA before login. */
static const char *const dovecot_capa[] = {
	"CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
	"STLS", "USER", "SASL PLAIN LOGIN CRAM-MD5",
};

static void
add_all(struct caps *c, enum reply_proto p, const char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		CHECK_INT(caps_add_line(c, p, v[i], strlen(v[i])), 0);
}

/* Postfix: every derived SMTP flag it offers is set, POP3 ones are not. */
static void
test_postfix(void)
{
	struct caps c;

	caps_init(&c);
	add_all(&c, REPLY_SMTP, postfix_ehlo,
	    sizeof(postfix_ehlo) / sizeof(postfix_ehlo[0]));
	CHECK_INT(c.n, 10);
	CHECK(c.pipelining && c.starttls && c.enhanced && c.eightbitmime &&
	    c.smtputf8);
	CHECK(!c.stls && !c.top && !c.uidl && !c.user && !c.resp_codes);
	CHECK(c.size == 10240000);
	CHECK(c.auth == NULL);
	CHECK_STR(c.v[1].keyword, "SIZE");
	CHECK_STR(c.v[1].params, "10240000");
	CHECK_STR(c.v[0].params, "");
	caps_clear(&c);
	CHECK_INT(c.n, 0);
	CHECK(c.v == NULL && !c.pipelining);
}

/* Dovecot: POP3 flags and the SASL list become auth. */
static void
test_dovecot(void)
{
	struct caps c;

	caps_init(&c);
	add_all(&c, REPLY_POP3, dovecot_capa,
	    sizeof(dovecot_capa) / sizeof(dovecot_capa[0]));
	CHECK(c.top && c.uidl && c.resp_codes && c.pipelining && c.stls &&
	    c.user);
	CHECK(!c.starttls && !c.smtputf8 && c.size == 0);
	CHECK_STR(c.auth, "PLAIN LOGIN CRAM-MD5");
	caps_clear(&c);
}

/* AUTH and the obsolete AUTH= line merge, upper-cased, without
 * duplicates; lower-case keywords are upper-cased. */
static void
test_auth_forms(void)
{
	struct caps c;
	static const char *const lines[] = { "auth login plain",
	    "AUTH=LOGIN PLAIN XOAUTH2", "Auth  CRAM-MD5   " };

	caps_init(&c);
	add_all(&c, REPLY_SMTP, lines, 3);
	CHECK_STR(c.auth, "LOGIN PLAIN XOAUTH2 CRAM-MD5");
	CHECK_STR(c.v[0].keyword, "AUTH");
	CHECK_STR(c.v[1].keyword, "AUTH=");
	CHECK_STR(c.v[1].params, "LOGIN PLAIN XOAUTH2");
	CHECK_STR(c.v[2].params, "CRAM-MD5");
	/* Whole words only: "LOGIN" is listed, "LOG" and "MD5" are not. */
	CHECK(caps_has_mech(&c, "LOGIN", 5));
	CHECK(caps_has_mech(&c, "CRAM-MD5", 8));
	CHECK(!caps_has_mech(&c, "LOG", 3));
	CHECK(!caps_has_mech(&c, "MD5", 3));
	caps_clear(&c);
	CHECK(!caps_has_mech(&c, "PLAIN", 5));
}

/* SIZE without a number, or with 0, or malformed, means no limit known. */
static void
test_size_forms(void)
{
	static const struct {
		const char	*line;
		uint64_t	 size;
	} cases[] = {
		{ "SIZE", 0 },			/* RFC 1870: value optional */
		{ "SIZE 0", 0 },		/* 0: no fixed maximum */
		{ "SIZE 52428800", 52428800 },	/* plain */
		{ "SIZE -1", 0 },		/* malformed: ignored */
		{ "SIZE 99999999999999999999999", 0 },	/* overflow */
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct caps c;

		caps_init(&c);
		CHECK_INT(caps_add_line(&c, REPLY_SMTP, cases[i].line,
		    strlen(cases[i].line)), 0);
		CHECK(c.size == cases[i].size);
		caps_clear(&c);
	}
}

/* Lines that are not capabilities are refused and leave nothing. */
static void
test_bad_lines(void)
{
	struct caps c;
	static const char nul[] = "PIPE\0LINING";

	caps_init(&c);
	CHECK_INT(caps_add_line(&c, REPLY_SMTP, "", 0), -1);
	CHECK_INT(caps_add_line(&c, REPLY_SMTP, "   ", 3), -1);
	CHECK_INT(caps_add_line(&c, REPLY_SMTP, nul, sizeof(nul) - 1), -1);
	CHECK_INT(caps_add_line(&c, REPLY_POP3, "X\x1b[2J", 5), -1);
	CHECK_INT(caps_add_line(&c, REPLY_POP3, NULL, 0), -1);
	CHECK_INT(c.n, 0);
	CHECK(!c.pipelining);
	/* A trailing CR (a sloppy caller) is trimmed, not kept. */
	CHECK_INT(caps_add_line(&c, REPLY_SMTP, "STARTTLS\r", 9), 0);
	CHECK_STR(c.v[0].keyword, "STARTTLS");
	CHECK(c.starttls);
	caps_clear(&c);
}

/* A hostile server cannot grow the list without bound. */
static void
test_limit(void)
{
	struct caps c;
	size_t	i;
	int	last = 0;

	caps_init(&c);
	for (i = 0; i < 5000; i++)
		last = caps_add_line(&c, REPLY_SMTP, "X-JUNK", 6);
	CHECK_INT(last, -1);
	CHECK(c.n < 5000);
	caps_clear(&c);
}

static const struct {
	enum reply_proto proto;
	const char	*line;
	const char	*want;
} explain_cases[] = {
	/* The brief's example: human size plus exact bytes. */
	{ REPLY_SMTP, "SIZE 35882577", "SIZE: maximum message size 34.2 MiB "
	    "(35882577 bytes), RFC 1870" },
	/* Postfix's default. */
	{ REPLY_SMTP, "SIZE 10240000", "SIZE: maximum message size 9.8 MiB "
	    "(10240000 bytes), RFC 1870" },
	/* SIZE with no value. */
	{ REPLY_SMTP, "SIZE", "SIZE: SIZE declarations accepted, no fixed "
	    "maximum announced, RFC 1870" },
	{ REPLY_SMTP, "PIPELINING", "PIPELINING: commands may be sent in "
	    "batches without waiting for each reply, RFC 2920" },
	{ REPLY_SMTP, "STARTTLS", "STARTTLS: the connection can be upgraded "
	    "to TLS with STARTTLS, RFC 3207" },
	/* Each mechanism explained. */
	{ REPLY_SMTP, "AUTH PLAIN XOAUTH2 FOO", "AUTH: SASL authentication, "
	    "RFC 4954; mechanisms: PLAIN = user name and password in one "
	    "base64 message, clear text: use it only over TLS (RFC 4616); "
	    "XOAUTH2 = OAuth 2.0 bearer token, Google/Microsoft's "
	    "pre-standard form; FOO = unknown mechanism" },
	{ REPLY_SMTP, "AUTH=LOGIN", "AUTH=: obsolete pre-standard form of "
	    "AUTH (for old Outlook clients); mechanisms: LOGIN = user name, "
	    "then password, each in base64, clear text, obsolete "
	    "(draft-murchison-sasl-login)" },
	/* Postfix's proxy extension, with parameters kept. */
	{ REPLY_SMTP, "XCLIENT NAME ADDR", "XCLIENT: Postfix extension: a "
	    "trusted proxy may override client attributes (NAME, ADDR, "
	    "HELO...) (parameters: NAME ADDR)" },
	/* Unknown X keyword: a vendor extension, never dropped. */
	{ REPLY_SMTP, "X-FROB 1", "X-FROB: vendor extension (registered "
	    "keywords never start with X, RFC 5321 2.2.2) (parameters: 1)" },
	/* Unknown keyword. */
	{ REPLY_SMTP, "FROB a b", "FROB: unknown extension (parameters: a "
	    "b)" },
	{ REPLY_SMTP, "FROB", "FROB: unknown extension" },
	/* A POP3 tag is not an EHLO keyword. */
	{ REPLY_SMTP, "STLS", "STLS: unknown extension" },
	/* POP3 tags. */
	{ REPLY_POP3, "LOGIN-DELAY 900", "LOGIN-DELAY: at least 15 minutes "
	    "(900 s) between logins, RFC 2449 6.5" },
	{ REPLY_POP3, "EXPIRE NEVER", "EXPIRE: messages are never deleted by "
	    "the server, RFC 2449 6.7" },
	{ REPLY_POP3, "EXPIRE 0", "EXPIRE: messages are deleted once "
	    "retrieved: leaving mail on the server is not allowed, "
	    "RFC 2449 6.7" },
	{ REPLY_POP3, "EXPIRE 30 USER", "EXPIRE: messages may be deleted 30 "
	    "days after they were first retrieved; USER: the value may "
	    "differ per user, ask CAPA again after login, RFC 2449 6.7" },
	{ REPLY_POP3, "SASL PLAIN", "SASL: SASL authentication with AUTH, "
	    "RFC 5034; mechanisms: PLAIN = user name and password in one "
	    "base64 message, clear text: use it only over TLS (RFC 4616)" },
	{ REPLY_POP3, "STLS", "STLS: the connection can be upgraded to TLS "
	    "with STLS, RFC 2595 4" },
	{ REPLY_POP3, "AUTH-RESP-CODE", "AUTH-RESP-CODE: a failed login says "
	    "[AUTH] when the credentials are wrong, RFC 3206" },
	{ REPLY_POP3, "UTF8 USER", "UTF8: UTF8 command switches to UTF-8 "
	    "mode, RFC 6856 2; UTF-8 user names and passwords accepted too" },
	/* Peer text is echoed escaped. */
	{ REPLY_POP3, "IMPLEMENTATION Evil\x1b[2J", "IMPLEMENTATION: server "
	    "software: Evil\\x1b[2J, RFC 2449 6.9" },
	{ REPLY_POP3, "X\x07Y", "X\\x07Y: vendor extension (registered tags "
	    "never start with X, RFC 2449 9)" },
};

static void
test_explain(void)
{
	size_t	i;

	for (i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]);
	    i++) {
		struct buf b;
		const char *l = explain_cases[i].line;

		buf_init(&b, 4096);
		CHECK_INT(caps_explain_line(explain_cases[i].proto, l,
		    strlen(l), &b), 0);
		CHECK_STR(b.data, explain_cases[i].want);
		buf_clear(&b);
	}
}

/* Every keyword of the real servers above has an explanation of its own. */
static void
test_real_servers_known(void)
{
	size_t	i;

	for (i = 0; i < sizeof(postfix_ehlo) / sizeof(postfix_ehlo[0]); i++) {
		struct buf b;

		buf_init(&b, 4096);
		CHECK_INT(caps_explain_line(REPLY_SMTP, postfix_ehlo[i],
		    strlen(postfix_ehlo[i]), &b), 0);
		CHECK(strstr(b.data, "unknown") == NULL);
		buf_clear(&b);
	}
	for (i = 0; i < sizeof(dovecot_capa) / sizeof(dovecot_capa[0]); i++) {
		struct buf b;

		buf_init(&b, 4096);
		CHECK_INT(caps_explain_line(REPLY_POP3, dovecot_capa[i],
		    strlen(dovecot_capa[i]), &b), 0);
		CHECK(strstr(b.data, "unknown") == NULL);
		buf_clear(&b);
	}
}

/* Long peer text is cut, and a full buffer is reported. */
static void
test_explain_long(void)
{
	char	line[2000];
	struct buf b;

	memset(line, 'a', sizeof(line));
	memcpy(line, "FROB ", 5);
	buf_init(&b, 4096);
	CHECK_INT(caps_explain_line(REPLY_SMTP, line, sizeof(line), &b), 0);
	CHECK(b.len < 400);
	buf_clear(&b);
	buf_init(&b, 10);
	CHECK_INT(caps_explain_line(REPLY_SMTP, "PIPELINING", 10, &b), -1);
	buf_clear(&b);
}

/* A hostile 4 KiB AUTH line or keyword still gives one bounded
 * explanation that fits the engine's 8 KiB buffer (never dropped). */
static void
test_explain_hostile(void)
{
	char	line[4096];
	size_t	i;
	struct buf b;

	memcpy(line, "AUTH", 4);
	for (i = 4; i + 1 < sizeof(line); i += 2) {
		line[i] = ' ';
		line[i + 1] = (char)('A' + i % 26);
	}
	buf_init(&b, 8192);
	CHECK_INT(caps_explain_line(REPLY_SMTP, line, sizeof(line) - 1, &b),
	    0);
	CHECK(b.len < 2500);
	CHECK(strstr(b.data, "; ...") != NULL);
	buf_clear(&b);
	memset(line, 'K', sizeof(line));
	buf_init(&b, 8192);
	CHECK_INT(caps_explain_line(REPLY_SMTP, line, sizeof(line), &b), 0);
	CHECK(b.len < 200);
	buf_clear(&b);
}

static const struct test tests[] = {
	{ "caps_postfix", test_postfix },
	{ "caps_dovecot", test_dovecot },
	{ "caps_auth_forms", test_auth_forms },
	{ "caps_size_forms", test_size_forms },
	{ "caps_bad_lines", test_bad_lines },
	{ "caps_limit", test_limit },
	{ "caps_explain", test_explain },
	{ "caps_real_servers_known", test_real_servers_known },
	{ "caps_explain_long", test_explain_long },
	{ "caps_explain_hostile", test_explain_hostile },
};

TEST_MAIN("caps", tests)
