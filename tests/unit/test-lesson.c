/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/lesson.c: the format's parser (good and bad files),
 * glob patterns, and every built-in lesson walked to its end against a
 * scripted session, its replies checked as the workbench checks them. */
#include <string.h>

#include "proto/lesson.h"
#include "proto/session.h"
#include "tests/unit/harness.h"

/* Every built-in lesson parses, has steps, a protocol and a title. */
static void
test_builtins_parse(void)
{
	const char *const *n = lesson_builtin_names();
	struct lesson *l;
	size_t i;

	for (i = 0; n[i] != NULL; i++) {
		l = lesson_builtin(n[i]);
		CHECK(l != NULL);
		if (l == NULL)
			continue;
		CHECK_STR(l->name, n[i]);
		CHECK(l->nsteps >= 5);
		CHECK(l->proto_set);
		CHECK_STR(l->title, lesson_builtin_titles()[i]);
		lesson_free(l);
	}
	CHECK(i >= 6);
	CHECK(lesson_builtin("no-such-lesson") == NULL);
}

static const struct {
	const char	*text;
	const char	*err;	/* substring of the error, NULL: parses */
} files[] = {
	/* the smallest lesson: a name and one step with a command */
	{ "lesson x\nstep s\ncommand NOOP\n", NULL },
	/* the pattern may come from "type"; comments and blanks skipped */
	{ "# c\n\nlesson x\nstep s\ntype RETR 1\n", NULL },
	{ "", "empty" },
	{ "step s\n", "line 1: a lesson starts" },
	{ "lesson x\n", "no \"step\"" },
	{ "lesson x\nsay hi\n", "line 2: a step field before" },
	{ "lesson x\nstep s\nsay hi\n", "needs \"command\"" },
	{ "lesson x\nstep s\ncommand A\nexpect 6xx\n", "line 4: expect is" },
	{ "lesson x\nstep s\ncommand A\nfrobnicate\n", "unknown keyword" },
	{ "lesson x\nprotocol imap\n", "pop3 or smtp" },
	{ "lesson x\nlesson y\n", "a second" },
	{ "lesson x\nstep s\ncommand A\ncommand B\n", "one type, command" },
};

/* Bad files are refused with the line that is wrong. */
static void
test_parse_errors(void)
{
	const char *err;
	struct lesson *l;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		err = NULL;
		l = lesson_parse(files[i].text, strlen(files[i].text), &err);
		if (files[i].err == NULL) {
			CHECK(l != NULL);
		} else {
			CHECK(l == NULL);
			CHECK(err != NULL && strstr(err, files[i].err) != NULL);
		}
		lesson_free(l);
	}
	/* "type RETR 1" means the pattern "RETR *". */
	l = lesson_parse(files[1].text, strlen(files[1].text), &err);
	CHECK_STR(l->steps[0].pattern, "RETR *");
	CHECK_STR(l->steps[0].expect, "any");
	lesson_free(l);
}

static const struct {
	const char	*pat, *line;
	bool		 match;
} globs[] = {
	{ "USER *", "user student", true },	/* case ignored */
	{ "USER *", "USER", false },		/* the space is needed */
	{ "RETR ?", "RETR 7", true },
	{ "RETR ?", "RETR 17", false },
	{ "MAIL FROM:*", "MAIL FROM:<a@b> SIZE=1", true },
	{ "*", "", true },
	{ "TOP * 0", "TOP 3 0", true },
	{ "TOP * 0", "TOP 3 10", false },
	{ "a*b*c", "aXXbYYc", true },
	{ "a*b*c", "aXXbYY", false },
};

static void
test_match(void)
{
	size_t i;

	for (i = 0; i < sizeof(globs) / sizeof(globs[0]); i++)
		CHECK_INT(lesson_match(globs[i].pat, globs[i].line,
		    strlen(globs[i].line)), globs[i].match);
}

/* A learner's session: typed lines and what the server answers. The
 * replies go through the engine, and each PEV_REPLY is checked against
 * the current step as the workbench does. */
struct walk {
	const char	*typed;		/* NULL: nothing typed */
	const char	*server;	/* bytes the server sends */
};

static size_t
walk_lesson(const struct lesson *l, const struct walk *w, size_t n,
    size_t *unexpected_r)
{
	struct session *s = session_new(l->proto, NULL);
	struct proto_event ev;
	struct buf *out;
	size_t i, step = 0;

	*unexpected_r = 0;
	for (i = 0; i < n; i++) {
		if (w[i].typed != NULL)
			session_submit(s, w[i].typed, strlen(w[i].typed), NULL);
		if (w[i].server != NULL)
			session_input(s, w[i].server, strlen(w[i].server));
		while (session_event(s, &ev) == 1) {
			if (ev.kind != PEV_REPLY || step >= l->nsteps)
				continue;
			switch (lesson_check(&l->steps[step], ev.verb, ev.arg,
			    ev.arg_len, ev.reply)) {
			case LESSON_DONE:
				step++;
				break;
			case LESSON_UNEXPECTED:
				(*unexpected_r)++;
				break;
			case LESSON_OTHER:
				break;
			}
		}
		out = session_output(s);
		buf_consume(out, out->len);
	}
	session_free(s);
	return step;
}

/* pop3-basics walked with replies like the lab's: every step done, in
 * order; a wrong command (RETR 99 answered -ERR) is not a step. */
static void
test_walk_pop3(void)
{
	static const struct walk w[] = {
		{ NULL, "+OK ready <1.2@lab>\r\n" },
		{ "USER student", "+OK Send PASS\r\n" },
		{ "PASS student", "+OK Logged in\r\n" },
		{ "STAT", "+OK 2 300\r\n" },
		{ "LIST", "+OK\r\n1 100\r\n2 200\r\n.\r\n" },
		{ "TOP 1 0", "+OK\r\nSubject: x\r\n\r\n.\r\n" },
		{ "RETR 99", "-ERR There's no message 99.\r\n" },
		{ "RETR 1", "+OK\r\nSubject: x\r\n\r\nhi\r\n.\r\n" },
		{ "DELE 1", "+OK Marked\r\n" },
		{ "RSET", "+OK\r\n" },
		{ "QUIT", "+OK Bye\r\n" },
	};
	struct lesson *l = lesson_builtin("pop3-basics");
	size_t bad;

	CHECK_INT(walk_lesson(l, w, sizeof(w) / sizeof(w[0]), &bad),
	    l->nsteps);
	CHECK_INT(bad, 1);			/* RETR 99 got -ERR */
	lesson_free(l);
}

/* smtp-send: the message text, its dot-stuffed line and the final "."
 * whose 250 ends the step. */
static void
test_walk_smtp(void)
{
	static const struct walk w[] = {
		{ NULL, "220 lab ESMTP\r\n" },
		{ "EHLO client.example", "250-lab\r\n250 SIZE 1000\r\n" },
		{ "MAIL FROM:<student@lab.example>", "250 2.1.0 Ok\r\n" },
		{ "RCPT TO:<student@lab.example>", "250 2.1.5 Ok\r\n" },
		{ "DATA", "354 go ahead\r\n" },
		{ "Subject: hi", NULL },
		{ "", NULL },
		{ ".hidden", NULL },
		{ ".", "250 2.0.0 Ok: queued as 4F2X\r\n" },
		{ "QUIT", "221 2.0.0 Bye\r\n" },
	};
	struct lesson *l = lesson_builtin("smtp-send");
	size_t bad;

	CHECK_INT(walk_lesson(l, w, sizeof(w) / sizeof(w[0]), &bad),
	    l->nsteps);
	CHECK_INT(bad, 0);
	lesson_free(l);
}

/* A secret's argument is never seen: PASS * matches on the verb; an AUTH
 * by /auth counts for "AUTH *". */
static void
test_secret_step(void)
{
	struct lesson *l;
	const char *err;
	struct reply_line r;
	static const char text[] = "lesson t\nprotocol pop3\nstep s\n"
	    "command PASS *\nexpect +OK\n";

	l = lesson_parse(text, strlen(text), &err);
	CHECK(reply_parse_line(REPLY_POP3, "+OK in", 6, &r, &err) == 0);
	CHECK_INT(lesson_check(&l->steps[0], "PASS", NULL, 0, &r),
	    LESSON_DONE);
	CHECK_INT(lesson_check(&l->steps[0], "USER", "x", 1, &r),
	    LESSON_OTHER);
	CHECK(reply_parse_line(REPLY_POP3, "-ERR no", 7, &r, &err) == 0);
	CHECK_INT(lesson_check(&l->steps[0], "PASS", NULL, 0, &r),
	    LESSON_UNEXPECTED);
	lesson_free(l);
}

static const struct test tests[] = {
	{ "lesson built-ins parse", test_builtins_parse },
	{ "lesson parse errors", test_parse_errors },
	{ "lesson glob patterns", test_match },
	{ "lesson pop3-basics walked", test_walk_pop3 },
	{ "lesson smtp-send walked", test_walk_smtp },
	{ "lesson secret steps", test_secret_step },
};

TEST_MAIN("lesson", tests)
