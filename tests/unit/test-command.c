/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/command.c: verb, reply shape, secrecy, refusals. */
#include <string.h>

#include "proto/command.h"
#include "tests/unit/harness.h"

static const struct {
	enum reply_proto	 proto;
	const char		*line;
	int			 ret;
	const char		*verb;
	enum command_shape	 shape;
	int			 secret;	/* -1: not secret, else keep */
	const char		*arg;
} cases[] = {
	/* POP3 RFC 1939 shapes. */
	{ REPLY_POP3, "STAT", 0, "STAT", COMMAND_ONE_REPLY, -1, "" },
	{ REPLY_POP3, "list", 0, "LIST", COMMAND_MULTI_LINE, -1, "" },
	{ REPLY_POP3, "LIST 3", 0, "LIST", COMMAND_ONE_REPLY, -1, "3" },
	/* A trailing space is no argument: still the listing. */
	{ REPLY_POP3, "UIDL ", 0, "UIDL", COMMAND_MULTI_LINE, -1, "" },
	{ REPLY_POP3, "UIDL 1", 0, "UIDL", COMMAND_ONE_REPLY, -1, "1" },
	{ REPLY_POP3, "RETR 1", 0, "RETR", COMMAND_MULTI_LINE, -1, "1" },
	{ REPLY_POP3, "TOP 1 0", 0, "TOP", COMMAND_MULTI_LINE, -1, "1 0" },
	{ REPLY_POP3, "CAPA", 0, "CAPA", COMMAND_MULTI_LINE, -1, "" },
	/* AUTH without mechanism lists them (multi-line). */
	{ REPLY_POP3, "AUTH", 0, "AUTH", COMMAND_MULTI_LINE, -1, "" },
	{ REPLY_POP3, "AUTH PLAIN", 0, "AUTH", COMMAND_SASL, -1, "PLAIN" },
	/* AUTH with an initial response: the response is the secret. */
	{ REPLY_POP3, "AUTH PLAIN AGZvbwBiYXI=", 0, "AUTH", COMMAND_SASL, 11,
	  "PLAIN AGZvbwBiYXI=" },
	/* PASS: everything after "PASS " is secret, spaces included. */
	{ REPLY_POP3, "PASS my secret", 0, "PASS", COMMAND_ONE_REPLY, 5,
	  "my secret" },
	/* APOP name digest: the digest is secret. */
	{ REPLY_POP3, "APOP mrose c4c9334bac560ecc979e58001b3e22fb", 0,
	  "APOP", COMMAND_ONE_REPLY, 11,
	  "mrose c4c9334bac560ecc979e58001b3e22fb" },
	/* USER is no secret. */
	{ REPLY_POP3, "USER mrose", 0, "USER", COMMAND_ONE_REPLY, -1,
	  "mrose" },
	/* SMTP: DATA enters message mode, AUTH continues, EHLO one reply. */
	{ REPLY_SMTP, "DATA", 0, "DATA", COMMAND_DATA, -1, "" },
	{ REPLY_SMTP, "ehlo x", 0, "EHLO", COMMAND_ONE_REPLY, -1, "x" },
	{ REPLY_SMTP, "AUTH LOGIN", 0, "AUTH", COMMAND_SASL, -1, "LOGIN" },
	{ REPLY_SMTP, "AUTH PLAIN AHRpbQ==", 0, "AUTH", COMMAND_SASL, 11,
	  "PLAIN AHRpbQ==" },
	/* SMTP has no multi-line LIST: one reply. */
	{ REPLY_SMTP, "LIST", 0, "LIST", COMMAND_ONE_REPLY, -1, "" },
	/* PASS is not an SMTP command, so not classified secret there. */
	{ REPLY_SMTP, "PASS x", 0, "PASS", COMMAND_ONE_REPLY, -1, "x" },
	/* Workbench commands. */
	{ REPLY_SMTP, "/auth plain tim", 0, "AUTH", COMMAND_ONE_REPLY, -1,
	  "plain tim" },
	/* Empty line: no verb. */
	{ REPLY_SMTP, "", 0, "", COMMAND_ONE_REPLY, -1, "" },
	/* Over-long verbs are cut, the line still classified. */
	{ REPLY_SMTP, "ABCDEFGHIJKLMNOPQRSTU x", 0, "ABCDEFGHIJKLMNO",
	  COMMAND_ONE_REPLY, -1, "x" },
	/* CR or LF inside a line would smuggle a command: refused. */
	{ REPLY_SMTP, "NOOP\r\nQUIT", -1, NULL, 0, 0, NULL },
	{ REPLY_POP3, "NOOP\nQUIT", -1, NULL, 0, 0, NULL },
};

/* Every case: return, verb, shape, secret and kept prefix, argument. */
static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct command	 c;
		const char	*err = NULL;
		int		 r = command_parse(cases[i].proto, cases[i].line,
		    strlen(cases[i].line), &c, &err);

		CHECK_INT(r, cases[i].ret);
		if (r == -1) {
			CHECK(err != NULL);
			continue;
		}
		CHECK_STR(c.verb, cases[i].verb);
		CHECK_INT(c.shape, cases[i].shape);
		CHECK_INT(c.secret, cases[i].secret >= 0);
		if (cases[i].secret >= 0)
			CHECK_INT(c.secret_keep, cases[i].secret);
		CHECK(c.arg_len == strlen(cases[i].arg) &&
		    memcmp(c.arg, cases[i].arg, c.arg_len) == 0);
	}
}

/* NUL refused; STARTTLS/STLS/QUIT flags; continuation lines. */
static void
test_flags(void)
{
	struct command	 c;
	const char	*err;

	CHECK_INT(command_parse(REPLY_SMTP, "NO\0OP", 5, &c, &err), -1);
	CHECK_STR(err, "line contains a NUL byte");
	CHECK_INT(command_parse(REPLY_SMTP, "STARTTLS", 8, &c, &err), 0);
	CHECK(c.starttls);
	CHECK_INT(command_parse(REPLY_POP3, "STARTTLS", 8, &c, &err), 0);
	CHECK(!c.starttls);
	CHECK_INT(command_parse(REPLY_POP3, "stls", 4, &c, &err), 0);
	CHECK(c.starttls);
	CHECK_INT(command_parse(REPLY_POP3, "quit", 4, &c, &err), 0);
	CHECK(c.quit);
	CHECK_INT(command_parse(REPLY_SMTP, "/load", 5, &c, &err), 0);
	CHECK(c.workbench);
	command_continuation("dGlt", 4, &c);
	CHECK(c.secret && c.secret_keep == 0);
	command_continuation("*", 1, &c);
	CHECK(!c.secret);
}

static const struct test tests[] = {
	{ "command table", test_table },
	{ "command flags and continuations", test_flags },
};

TEST_MAIN("command", tests)
