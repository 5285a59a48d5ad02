/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/hint.c: syntax hints, expectations, order warnings. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "proto/command.h"
#include "proto/hint.h"
#include "proto/session.h"
#include "tests/unit/harness.h"

/* The hints read only the engine's facts: these tests drive a real
 * session (typed lines in, server bytes in) and ask the hints about it. */
struct sess {
	struct session		*s;
	struct session_facts	 f;
};

static void
drain(struct session *s)
{
	struct proto_event	 ev;
	struct buf		*w = session_output(s);

	while (session_event(s, &ev) == 1)
		;
	buf_consume(w, w->len);
}

static const struct session_facts *
start(struct sess *x, enum reply_proto p, const char *greeting)
{
	x->s = session_new(p, NULL);
	session_input(x->s, greeting, strlen(greeting));
	drain(x->s);
	session_facts(x->s, &x->f);
	return &x->f;
}

/* Type line (NULL: nothing), then the server answers reply. */
static const struct session_facts *
step(struct sess *x, const char *line, const char *reply)
{
	if (line != NULL)
		session_submit(x->s, line, strlen(line), NULL);
	drain(x->s);
	if (reply != NULL)
		session_input(x->s, reply, strlen(reply));
	drain(x->s);
	session_facts(x->s, &x->f);
	return &x->f;
}

static const char *
warn(const struct session_facts *f, const char *line)
{
	struct hint h;

	hint_line(f, line, strlen(line), &h);
	return h.warning;
}

/* POP3: PASS before USER warns; after USER +OK it does not; TRANSACTION
 * commands warn before login and not after. */
static void
test_pop3_order(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_POP3,
	    "+OK ready <1.2@x>\r\n");

	CHECK(f->greeted);
	CHECK(warn(f, "PASS secret") != NULL);
	CHECK(warn(f, "STAT") != NULL);
	CHECK(warn(f, "USER student") == NULL);
	CHECK_STR(hint_expects(f), "USER name, APOP, AUTH, CAPA or STLS");
	f = step(&x, "USER student", "+OK send PASS\r\n");
	CHECK(warn(f, "PASS secret") == NULL);
	CHECK_STR(hint_expects(f), "PASS password");
	f = step(&x, "PASS secret", "+OK 2 messages\r\n");
	CHECK(f->authed);
	/* spelled out: "TOP n l" read as a letter, not a line count */
	CHECK_STR(hint_expects(f), "STAT, LIST, UIDL, TOP n lines, RETR n, "
	    "DELE n, RSET, NOOP or QUIT");
	CHECK(warn(f, "STAT") == NULL);
	CHECK(warn(f, "RETR 1") == NULL);
	CHECK(warn(f, "RETR") != NULL);		/* needs a number */
	CHECK(warn(f, "TOP 1") != NULL);	/* needs a line count */
	CHECK(warn(f, "TOP 1 0") == NULL);
	CHECK(warn(f, "USER again") != NULL);	/* already logged in */
	CHECK(warn(f, "STLS") != NULL);		/* only in AUTHORIZATION */
	session_free(x.s);
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
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_POP3, "+OK ready\r\n");
	size_t i;

	CHECK(warn(f, "USER") != NULL);		/* needs a name */
	CHECK(warn(f, "USER   ") != NULL);
	CHECK(warn(f, "USER bob") == NULL);
	CHECK(warn(f, "USER bob smith") != NULL);
	step(&x, "USER bob", "+OK\r\n");
	f = step(&x, "PASS x", "+OK in\r\n");
	for (i = 0; i < sizeof(pop3_args) / sizeof(*pop3_args); i++) {
		const char *w = warn(f, pop3_args[i].line);

		if ((w != NULL) != pop3_args[i].warns)
			fprintf(stderr, "  %s: %s\n", pop3_args[i].line,
			    w ? w : "(no warning)");
		CHECK((w != NULL) == pop3_args[i].warns);
	}
	session_free(x.s);
}

/* POP3: a failed PASS sends the user back to USER (RFC 1939 7); no APOP
 * is offered without a greeting timestamp. */
static void
test_pop3_failed_pass(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_POP3, "+OK hi\r\n");

	CHECK_STR(hint_expects(f), "USER name, AUTH, CAPA or STLS");
	step(&x, "USER a", "+OK\r\n");
	f = step(&x, "PASS b", "-ERR no\r\n");
	CHECK(!f->authed);
	CHECK(warn(f, "PASS x") != NULL);
	session_free(x.s);
}

/* POP3 CAPA lines set the STLS offer; credentials in clear warn; after
 * TLS nothing offers STLS any more. */
static void
test_pop3_capa(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_POP3, "+OK hi\r\n");

	f = step(&x, "CAPA", "+OK caps\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.\r\n");
	CHECK(f->caps->stls);
	CHECK(f->caps->auth != NULL);
	CHECK(warn(f, "USER bob") != NULL);	/* clear text, STLS offered */
	CHECK(warn(f, "STLS") == NULL);
	f = step(&x, "STLS", "+OK begin\r\n");
	session_tls_done(x.s);
	f = step(&x, NULL, NULL);
	CHECK(warn(f, "USER bob") == NULL);
	CHECK(warn(f, "STLS") != NULL);		/* already TLS */
	CHECK_STR(hint_expects(f), "USER name, AUTH or CAPA");
	session_free(x.s);
}

/* SMTP: MAIL before EHLO, RCPT before MAIL, DATA before RCPT all warn;
 * in the right order nothing warns and expectations follow. */
static void
test_smtp_order(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_SMTP,
	    "220 lab ESMTP\r\n");

	CHECK_STR(hint_expects(f), "EHLO domain (or HELO)");
	CHECK(warn(f, "MAIL FROM:<a@b>") != NULL);
	CHECK(warn(f, "EHLO") != NULL);		/* needs a domain */
	f = step(&x, "EHLO x", "250-lab hello\r\n250-PIPELINING\r\n"
	    "250-STARTTLS\r\n250 SIZE 1000\r\n");
	CHECK(f->ehlo_done);
	CHECK(f->caps->starttls);
	CHECK(f->caps->auth == NULL);
	/* AUTH offered only after TLS: AUTH before STARTTLS warns, and the
	 * expectation does not offer AUTH. */
	CHECK(warn(f, "AUTH PLAIN") != NULL);
	CHECK_STR(hint_expects(f), "MAIL FROM:<address> (or STARTTLS)");
	CHECK(warn(f, "RCPT TO:<x@y>") != NULL);
	CHECK(warn(f, "DATA") != NULL);
	CHECK(warn(f, "MAIL FROM:<a@b>") == NULL);
	CHECK(warn(f, "MAIL <a@b>") != NULL);	/* FROM: missing */
	f = step(&x, "MAIL FROM:<a@b>", "250 2.1.0 Ok\r\n");
	CHECK_STR(hint_expects(f), "RCPT TO:<address>");
	CHECK(warn(f, "DATA") != NULL);		/* no RCPT accepted yet */
	CHECK(warn(f, "RCPT TO:<x@y>") == NULL);
	f = step(&x, "RCPT TO:<x@y>", "250 2.1.5 Ok\r\n");
	CHECK(warn(f, "DATA") == NULL);
	f = step(&x, "DATA", "354 go ahead\r\n");
	CHECK(f->message_mode);
	CHECK_STR(hint_expects(f), "message text; a lone . ends it");
	step(&x, "Subject: x", NULL);
	f = step(&x, ".", "250 2.0.0 queued\r\n");
	CHECK(!f->message_mode);
	CHECK(!f->mail_accepted);
	CHECK(warn(f, "DATA") != NULL);
	CHECK_STR(hint_expects(f), "MAIL FROM:<address> (or STARTTLS)");
	session_free(x.s);
}

/* SMTP: a 530 says TLS is required; STARTTLS after TLS warns; TLS makes
 * the client greet again. */
static void
test_smtp_tls(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_SMTP, "220 x\r\n");

	f = step(&x, "EHLO x", "250-x\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n");
	CHECK(f->caps->auth != NULL);
	CHECK_STR(hint_expects(f), "MAIL FROM:<address> (or STARTTLS, AUTH)");
	f = step(&x, "MAIL FROM:<a@b>", "530 5.7.0 Must issue a STARTTLS "
	    "command first\r\n");
	CHECK(f->tls_demanded);
	CHECK(warn(f, "AUTH PLAIN") != NULL);
	CHECK(warn(f, "MAIL FROM:<a@b>") != NULL);
	CHECK_STR(hint_expects(f), "STARTTLS (the server requires it)");
	f = step(&x, "STARTTLS", "220 go\r\n");
	session_tls_done(x.s);
	f = step(&x, NULL, NULL);
	CHECK(!f->ehlo_done);
	CHECK(!f->tls_demanded);
	CHECK(warn(f, "STARTTLS") != NULL);
	CHECK(warn(f, "MAIL FROM:<a@b>") != NULL);	/* EHLO again first */
	session_free(x.s);
}

/* SMTP: a 334 opens a SASL exchange: lines are secrets until it ends. */
static void
test_sasl_secret(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_SMTP, "220 x\r\n");
	size_t keep;

	step(&x, "EHLO x", "250 x\r\n");
	f = step(&x, "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n");
	CHECK(f->sasl_open);
	CHECK(command_is_secret(f->proto, f->sasl_open, "c3R1ZGVudA==", 12,
	    &keep));
	CHECK_STR(hint_expects(f), "the SASL answer (base64), or * to cancel");
	f = step(&x, "c3R1ZGVudA==", "235 2.7.0 ok\r\n");
	CHECK(!f->sasl_open);
	CHECK(f->authed);
	CHECK(!command_is_secret(f->proto, f->sasl_open, "NOOP", 4, &keep));
	session_free(x.s);
}

static const struct {
	const char	*line;
	bool		 secret;
	size_t		 keep;
} secret_cases[] = {
	{ "PASS hunter2", true, 5 },		/* "PASS " shown */
	{ "pass hunter2", true, 5 },		/* any case */
	{ "PASS", true, 4 },			/* still typing */
	{ "APOP bob 0123abcd", true, 9 },	/* "APOP bob " shown */
	{ "AUTH PLAIN AGJvYgBwdw==", true, 11 },	/* "AUTH PLAIN " */
	{ "AUTH PLAIN", false, 0 },		/* no payload yet */
	{ "AUTH", false, 0 },			/* list mechanisms */
	{ "USER bob", false, 0 },		/* a name is no secret */
	{ "PASSWORD", false, 0 },		/* not the PASS verb */
	{ "/auth PLAIN bob", false, 0 },	/* the workbench asks */
};

/* The one classifier (proto/command.h) decides what the composer hides
 * and what history never keeps; in a SASL exchange everything is secret
 * but the "*" that cancels. */
static void
test_secret_lines(void)
{
	size_t i, keep;

	for (i = 0; i < sizeof(secret_cases) / sizeof(*secret_cases); i++) {
		CHECK_INT(command_is_secret(REPLY_POP3, false,
		    secret_cases[i].line, strlen(secret_cases[i].line), &keep),
		    secret_cases[i].secret);
		CHECK_INT(keep, secret_cases[i].keep);
	}
	CHECK(command_is_secret(REPLY_SMTP, true, "dXNlcg==", 8, &keep));
	CHECK_INT(keep, 0);
	CHECK(!command_is_secret(REPLY_SMTP, true, "*", 1, &keep));
}

/* Syntax of the command being typed, and dot-stuffing in message mode;
 * not connected, there is nothing to say but how to connect. */
static void
test_syntax_and_dots(void)
{
	struct sess x;
	const struct session_facts *f = start(&x, REPLY_POP3, "+OK hi\r\n");
	struct hint h;

	hint_line(f, "top 3", 5, &h);
	CHECK_STR(h.syntax, "TOP msg lines");
	hint_line(f, "XYZZY 1", 7, &h);
	CHECK(h.syntax == NULL);
	CHECK(h.warning != NULL);
	session_free(x.s);
	CHECK(hint_dot_stuffed(".hidden", 7));
	CHECK(!hint_dot_stuffed(".", 1));
	CHECK(!hint_dot_stuffed("a.b", 3));
	f = start(&x, REPLY_SMTP, "220 x\r\n");
	step(&x, "EHLO x", "250 x\r\n");
	step(&x, "MAIL FROM:<a@b>", "250 ok\r\n");
	step(&x, "RCPT TO:<c@d>", "250 ok\r\n");
	f = step(&x, "DATA", "354 go\r\n");
	hint_line(f, ".x", 2, &h);
	CHECK(h.about != NULL && strstr(h.about, "..") != NULL);
	session_free(x.s);
	CHECK_STR(hint_command(REPLY_SMTP, 0), "EHLO");
	hint_line(NULL, "STAT", 4, &h);
	CHECK(h.syntax == NULL && h.warning == NULL);
	CHECK_STR(hint_expects(NULL), "not connected: /connect URL");
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
