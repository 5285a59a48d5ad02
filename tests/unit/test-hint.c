/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/hint.c: syntax hints, expectations, order warnings. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "proto/hint.h"
#include "tests/unit/harness.h"

/* Feed a scripted session: "verb|S: line" pairs. */
struct step {
	const char	*verb;
	const char	*line;
};

static void
feed(struct hint_ctx *c, const struct step *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hint_received(c, s[i].verb, s[i].line, strlen(s[i].line));
}

static const char *
warn(const struct hint_ctx *c, const char *line)
{
	struct hint h;

	hint_line(c, line, strlen(line), &h);
	return h.warning;
}

/* POP3: PASS before USER warns; after USER +OK it does not; TRANSACTION
 * commands warn before login and not after. */
static void
test_pop3_order(void)
{
	struct hint_ctx c;
	static const struct step greet[] = { { "", "+OK ready <1.2@x>" } };
	static const struct step user[] = { { "USER", "+OK send PASS" } };
	static const struct step pass[] = { { "PASS", "+OK 2 messages" } };

	hint_init(&c, HINT_POP3);
	feed(&c, greet, 1);
	CHECK(c.greeted);
	CHECK(warn(&c, "PASS secret") != NULL);
	CHECK(warn(&c, "STAT") != NULL);
	CHECK(warn(&c, "USER student") == NULL);
	CHECK_STR(hint_expects(&c), "USER name, APOP, AUTH, CAPA or STLS");
	feed(&c, user, 1);
	CHECK(warn(&c, "PASS secret") == NULL);
	CHECK_STR(hint_expects(&c), "PASS password");
	feed(&c, pass, 1);
	CHECK(c.authed);
	/* spelled out: "TOP n l" read as a letter, not a line count */
	CHECK_STR(hint_expects(&c), "STAT, LIST, UIDL, TOP n lines, RETR n, "
	    "DELE n, RSET, NOOP or QUIT");
	CHECK(warn(&c, "STAT") == NULL);
	CHECK(warn(&c, "RETR 1") == NULL);
	CHECK(warn(&c, "RETR") != NULL);	/* needs a number */
	CHECK(warn(&c, "TOP 1") != NULL);	/* needs a line count */
	CHECK(warn(&c, "TOP 1 0") == NULL);
	CHECK(warn(&c, "USER again") != NULL);	/* already logged in */
	CHECK(warn(&c, "STLS") != NULL);	/* only in AUTHORIZATION */
}

/* RFC 1939 argument syntax: each line, and whether it warns. */
static const struct {
	const char	*line;
	bool		 warns;
} pop3_args[] = {
	{ "LIST", false },		/* every message */
	{ "LIST 2", false },		/* one */
	{ "LIST abc", true },		/* not a number */
	{ "LIST 1 2", true },		/* one at a time */
	{ "RETR 0", true },		/* messages start at 1 */
	{ "RETR 00", true },		/* still zero */
	{ "RETR 12", false },
	{ "RETR -1", true },
	{ "DELE 1 2", true },		/* one message a command */
	{ "DELE 3", false },
	{ "TOP 1 0", false },
	{ "TOP 1 x", true },		/* the count is a number */
	{ "TOP 0 5", true },
	{ "TOP 1 2 3", true },
	{ "UIDL x", true },
	{ "STAT 1", true },		/* takes no argument */
	{ "NOOP", false },
};

static void
test_pop3_args(void)
{
	struct hint_ctx c;
	static const struct step greet[] = { { "", "+OK ready" } };
	static const struct step user[] = { { "USER", "+OK" } };
	static const struct step pass[] = { { "PASS", "+OK in" } };
	size_t i;

	hint_init(&c, HINT_POP3);
	feed(&c, greet, 1);
	CHECK(warn(&c, "USER") != NULL);	/* needs a name */
	CHECK(warn(&c, "USER   ") != NULL);
	CHECK(warn(&c, "USER bob") == NULL);
	CHECK(warn(&c, "USER bob smith") != NULL);
	feed(&c, user, 1);
	feed(&c, pass, 1);
	for (i = 0; i < sizeof(pop3_args) / sizeof(*pop3_args); i++) {
		const char *w = warn(&c, pop3_args[i].line);

		if ((w != NULL) != pop3_args[i].warns)
			fprintf(stderr, "  %s: %s\n", pop3_args[i].line,
			    w ? w : "(no warning)");
		CHECK((w != NULL) == pop3_args[i].warns);
	}
}

/* POP3: a failed PASS sends the user back to USER (RFC 1939 7). */
static void
test_pop3_failed_pass(void)
{
	struct hint_ctx c;
	static const struct step s[] = {
		{ "", "+OK hi" }, { "USER", "+OK" }, { "PASS", "-ERR no" },
	};

	hint_init(&c, HINT_POP3);
	feed(&c, s, 3);
	CHECK(!c.authed);
	CHECK(warn(&c, "PASS x") != NULL);
}

/* POP3 CAPA body lines set the STLS offer; credentials in clear warn. */
static void
test_pop3_capa(void)
{
	struct hint_ctx c;
	static const struct step s[] = {
		{ "", "+OK hi" }, { "CAPA", "+OK caps" }, { "CAPA", "USER" },
		{ "CAPA", "STLS" }, { "CAPA", "SASL PLAIN" }, { "CAPA", "." },
	};

	hint_init(&c, HINT_POP3);
	feed(&c, s, sizeof(s) / sizeof(*s));
	CHECK(c.starttls_offered);
	CHECK(c.auth_offered);
	CHECK(warn(&c, "USER bob") != NULL);	/* clear text, STLS offered */
	CHECK(warn(&c, "STLS") == NULL);
	hint_tls(&c);
	CHECK(warn(&c, "USER bob") == NULL);
	CHECK(warn(&c, "STLS") != NULL);	/* already TLS */
}

/* SMTP: MAIL before EHLO, RCPT before MAIL, DATA before RCPT all warn;
 * in the right order nothing warns and expectations follow. */
static void
test_smtp_order(void)
{
	struct hint_ctx c;
	static const struct step greet[] = { { "", "220 lab ESMTP" } };
	static const struct step ehlo[] = {
		{ "EHLO", "250-lab hello" }, { "EHLO", "250-PIPELINING" },
		{ "EHLO", "250-STARTTLS" }, { "EHLO", "250 SIZE 1000" },
	};
	static const struct step mail[] = { { "MAIL", "250 2.1.0 Ok" } };
	static const struct step rcpt[] = { { "RCPT", "250 2.1.5 Ok" } };
	static const struct step data[] = { { "DATA", "354 go ahead" } };
	static const struct step end[] = { { "DATA", "250 2.0.0 queued" } };

	hint_init(&c, HINT_SMTP);
	feed(&c, greet, 1);
	CHECK_STR(hint_expects(&c), "EHLO domain (or HELO)");
	CHECK(warn(&c, "MAIL FROM:<a@b>") != NULL);
	CHECK(warn(&c, "EHLO") != NULL);	/* needs a domain */
	feed(&c, ehlo, 4);
	CHECK(c.helo);
	CHECK(c.starttls_offered);
	CHECK(!c.auth_offered);
	/* AUTH offered only after TLS: AUTH before STARTTLS warns. */
	CHECK(warn(&c, "AUTH PLAIN") != NULL);
	CHECK(warn(&c, "RCPT TO:<x@y>") != NULL);
	CHECK(warn(&c, "DATA") != NULL);
	CHECK(warn(&c, "MAIL FROM:<a@b>") == NULL);
	CHECK(warn(&c, "MAIL <a@b>") != NULL);	/* FROM: missing */
	feed(&c, mail, 1);
	CHECK_STR(hint_expects(&c), "RCPT TO:<address>");
	CHECK(warn(&c, "DATA") != NULL);	/* no RCPT accepted yet */
	CHECK(warn(&c, "RCPT TO:<x@y>") == NULL);
	feed(&c, rcpt, 1);
	CHECK(warn(&c, "DATA") == NULL);
	feed(&c, data, 1);
	CHECK(c.message_mode);
	CHECK_STR(hint_expects(&c), "message text; a lone . ends it");
	feed(&c, end, 1);
	CHECK(!c.message_mode);
	CHECK(!c.mail);
	CHECK(warn(&c, "DATA") != NULL);
	/* The front-end may learn that message mode ended (from the engine)
	 * before the final reply: the transaction still ends with it. */
	feed(&c, mail, 1);
	feed(&c, rcpt, 1);
	feed(&c, data, 1);
	c.message_mode = false;
	/* The reply may come paired with the message's first line. */
	hint_received(&c, "SUBJECT:", "250 2.0.0 queued", 16);
	CHECK(!c.mail);
	CHECK_STR(hint_expects(&c), "MAIL FROM:<address> (or STARTTLS, AUTH)");
}

/* SMTP: a 530 marks TLS as required; STARTTLS after TLS warns; TLS makes
 * the client greet again. */
static void
test_smtp_tls(void)
{
	struct hint_ctx c;
	static const struct step s[] = {
		{ "", "220 x" }, { "EHLO", "250-x" }, { "EHLO", "250 AUTH PLAIN" },
		{ "MAIL", "530 5.7.0 Must issue a STARTTLS command first" },
	};

	hint_init(&c, HINT_SMTP);
	feed(&c, s, 4);
	CHECK(c.auth_offered);
	CHECK(c.tls_required);
	CHECK(warn(&c, "AUTH PLAIN") != NULL);
	hint_tls(&c);
	CHECK(!c.helo);
	CHECK(warn(&c, "STARTTLS") != NULL);
	CHECK(warn(&c, "MAIL FROM:<a@b>") != NULL);	/* EHLO again first */
}

/* SMTP: a 334 opens a SASL exchange: lines are secrets until it ends. */
static void
test_sasl_secret(void)
{
	struct hint_ctx c;
	static const struct step s[] = {
		{ "", "220 x" }, { "EHLO", "250 x" }, { "AUTH", "334 VXNlcm5hbWU6" },
	};
	static const struct step done[] = { { "", "235 2.7.0 ok" } };

	hint_init(&c, HINT_SMTP);
	feed(&c, s, 3);
	CHECK(c.auth_exchange);
	CHECK(hint_is_secret(&c, "c3R1ZGVudA==", 12));
	feed(&c, done, 1);
	CHECK(!c.auth_exchange);
	CHECK(c.authed);
	CHECK(!hint_is_secret(&c, "NOOP", 4));
}

static const struct {
	const char	*line;
	bool		 secret;
} secret_cases[] = {
	{ "PASS hunter2", true },		/* the password */
	{ "pass hunter2", true },		/* any case */
	{ "APOP bob 0123abcd", true },		/* digest counts as secret */
	{ "AUTH PLAIN AGJvYgBwdw==", true },	/* initial response */
	{ "AUTH PLAIN", false },		/* no payload yet */
	{ "AUTH", false },			/* list mechanisms */
	{ "USER bob", false },			/* a name is no secret */
	{ "PASSWORD", false },			/* not the PASS verb */
};

/* History never keeps the lines hint_is_secret flags. */
static void
test_secret_lines(void)
{
	struct hint_ctx c;
	size_t i;

	hint_init(&c, HINT_POP3);
	for (i = 0; i < sizeof(secret_cases) / sizeof(*secret_cases); i++)
		CHECK_INT(hint_is_secret(&c, secret_cases[i].line,
		    strlen(secret_cases[i].line)), secret_cases[i].secret);
}

/* Syntax of the command being typed, and dot-stuffing in message mode. */
static void
test_syntax_and_dots(void)
{
	struct hint_ctx c;
	struct hint h;

	hint_init(&c, HINT_POP3);
	hint_line(&c, "top 3", 5, &h);
	CHECK_STR(h.syntax, "TOP msg lines");
	hint_line(&c, "XYZZY 1", 7, &h);
	CHECK(h.syntax == NULL);
	CHECK(h.warning != NULL);
	CHECK(hint_dot_stuffed(".hidden", 7));
	CHECK(!hint_dot_stuffed(".", 1));
	CHECK(!hint_dot_stuffed("a.b", 3));
	hint_init(&c, HINT_SMTP);
	c.message_mode = true;
	hint_line(&c, ".x", 2, &h);
	CHECK(h.about != NULL && strstr(h.about, "..") != NULL);
	CHECK_STR(hint_command(HINT_SMTP, 0), "EHLO");
	CHECK(hint_command(HINT_NONE, 0) == NULL);
	CHECK_INT(hint_proto_named("pop3"), HINT_POP3);
}

static const struct {
	const char	*line;
	bool		 secret;
	size_t		 keep;
} keep_cases[] = {
	{ "PASS hunter2", true, 5 },		/* "PASS " shown */
	{ "PASS", true, 4 },			/* still typing */
	{ "APOP bob abcdef", true, 9 },		/* "APOP bob " shown */
	{ "AUTH PLAIN AGJvYg==", true, 11 },	/* "AUTH PLAIN " shown */
	{ "USER bob", false, 0 },		/* nothing hidden */
};

/* The composer hides exactly the secret part of what is being typed. */
static void
test_secret_keep(void)
{
	struct hint_ctx c;
	size_t i, keep;

	hint_init(&c, HINT_POP3);
	for (i = 0; i < sizeof(keep_cases) / sizeof(*keep_cases); i++) {
		CHECK_INT(hint_secret_keep(&c, keep_cases[i].line,
		    strlen(keep_cases[i].line), &keep), keep_cases[i].secret);
		CHECK_INT(keep, keep_cases[i].keep);
	}
	c.auth_exchange = true;
	CHECK(hint_secret_keep(&c, "dXNlcg==", 8, &keep));
	CHECK_INT(keep, 0);
}

/* Mailbox keys send the real POP3 commands; QUIT is recognised in any
 * case; completion lists end with NULL. */
static void
test_mailbox_lines(void)
{
	char b[32];

	hint_mailbox_line(HINT_MB_TOP, 3, b, sizeof(b));
	CHECK_STR(b, "TOP 3 10");
	hint_mailbox_line(HINT_MB_RETR, 12, b, sizeof(b));
	CHECK_STR(b, "RETR 12");
	hint_mailbox_line(HINT_MB_DELE, 1, b, sizeof(b));
	CHECK_STR(b, "DELE 1");
	hint_mailbox_line(HINT_MB_RSET, 0, b, sizeof(b));
	CHECK_STR(b, "RSET");
	CHECK(hint_is_quit("quit", 4));
	CHECK(hint_is_quit("QUIT  ", 6));
	CHECK(!hint_is_quit("", 0));
	CHECK(!hint_is_quit("QUITE", 5));
	CHECK(hint_is_quit("QUIT now", 8));	/* still a QUIT: ask */
	CHECK_STR(hint_auth_mechs()[0], "PLAIN");
	CHECK_STR(hint_url_schemes()[0], "pop3://");
}

static const struct test tests[] = {
	{ "mailbox lines", test_mailbox_lines },
	{ "secret keep", test_secret_keep },
	{ "pop3 order", test_pop3_order },
	{ "pop3 arguments", test_pop3_args },
	{ "pop3 failed pass", test_pop3_failed_pass },
	{ "pop3 capa", test_pop3_capa },
	{ "smtp order", test_smtp_order },
	{ "smtp tls", test_smtp_tls },
	{ "sasl secret", test_sasl_secret },
	{ "secret lines", test_secret_lines },
	{ "syntax and dots", test_syntax_and_dots },
};

TEST_MAIN("hint", tests)
