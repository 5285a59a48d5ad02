/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/mbox.c: splitting mbox files at From_ lines. */
#include <stdlib.h>
#include <string.h>

#include "proto/mbox.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*line;
	bool		 from;
} lines[] = {
	/* RFC 4155 envelope line */
	{ "From a@b Sat Jan  3 01:05:34 1996\n", true },
	{ "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\r\n", true },
	/* body text that merely starts with "From " */
	{ "From the past, nothing\n", false },
	{ "From \n", false },
	{ ">From a@b Sat Jan  3 01:05:34 1996\n", false },
	{ "from a@b Sat Jan  3 01:05:34 1996\n", false },
};

static void
test_from_line(void)
{
	size_t	i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_INT(mbox_is_from_line(lines[i].line,
		    strlen(lines[i].line)), lines[i].from);
}

/* Two messages; the blank line before the second From_ line is no part
 * of the first message; ">From" lines stay. */
static void
test_split(void)
{
	static const char m[] =
	    "From a@b Sat Jan  3 01:05:34 1996\nSubject: first\n\nbody 1\n"
	    ">From the past\n\nFrom b@c Sat Jan  3 01:06:00 1996\n"
	    "Subject: second\n\nbody 2\n";
	struct mbox_msg *v;
	size_t	n = mbox_split(m, sizeof(m) - 1, &v);

	CHECK_INT(n, 2);
	CHECK_INT(v[0].from_line, 0);
	CHECK_INT(v[0].start, 34);
	CHECK(v[0].len == 38 && memcmp(m + v[0].start, "Subject: first\n\n"
	    "body 1\n>From the past\n", 38) == 0);
	CHECK(memcmp(m + v[1].start, "Subject: second\n", 16) == 0);
	CHECK_INT(v[1].start + v[1].len, sizeof(m) - 1);
	free(v);
}

/* A file that is one message (with or without a From_ line) is kept
 * whole, so a saved message parses as it would alone. */
static void
test_single(void)
{
	static const char a[] = "Subject: x\n\nFrom a@b Sat Jan  3 01:05:34 "
	    "1996 in the body, after a blank line\n";
	static const char b[] = "From a@b Sat Jan  3 01:05:34 1996\n"
	    "Subject: x\n\nbody\n";
	struct mbox_msg *v;

	CHECK_INT(mbox_split(a, sizeof(a) - 1, &v), 1);
	CHECK_INT(v[0].start, 0);
	CHECK_INT(v[0].len, sizeof(a) - 1);
	free(v);
	CHECK_INT(mbox_split(b, sizeof(b) - 1, &v), 1);
	CHECK_INT(v[0].start, 0);
	CHECK_INT(v[0].len, sizeof(b) - 1);
	free(v);
	CHECK_INT(mbox_split("", 0, &v), 1);
	CHECK_INT(v[0].len, 0);
	free(v);
}

static const struct test tests[] = {
	{ "from_line", test_from_line },
	{ "split", test_split },
	{ "single", test_single },
};

TEST_MAIN("mbox", tests)
