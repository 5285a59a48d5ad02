/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/dot.c: dot-stuffing both ways. */
#include <string.h>

#include "proto/dot.h"
#include "tests/unit/harness.h"

/* RFC 5321 4.5.2 stuffing and RFC 1939 3 unstuffing. */
static void
test_dot(void)
{
	struct buf	b;

	buf_init(&b, 1024);
	CHECK(dot_is_terminator(".", 1));
	CHECK(!dot_is_terminator("..", 2));
	CHECK_INT(dot_stuff_line(".x", 2, &b), 0);
	CHECK_INT(dot_stuff_line("y", 1, &b), 0);
	CHECK_INT(dot_stuff_line("", 0, &b), 0);
	CHECK_STR(b.data, "..x\r\ny\r\n\r\n");
	CHECK_INT(dot_unstuff_skip("..x", 3), 1);
	CHECK_INT(dot_unstuff_skip("x.", 2), 0);
	buf_reset(&b);
	/* Bare LF ends become CRLF, the last line is completed, and the
	 * terminator appended. */
	CHECK_INT(dot_stuff_message("a\n.b\r\n.", 7, &b), 0);
	CHECK_STR(b.data, "a\r\n..b\r\n..\r\n.\r\n");
	buf_clear(&b);
	/* A full buffer leaves it as it was. */
	buf_init(&b, 4);
	CHECK_INT(dot_stuff_line("abcd", 4, &b), -1);
	CHECK_INT(b.len, 0);
	buf_clear(&b);
}

/* A message of many lines, stuffed whole: every line that begins with "."
 * gets one more, nothing else changes. */
static void
test_dot_message(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} c[] = {
		/* Empty message: just the terminator. */
		{ "", ".\r\n" },
		/* A lone "." line inside the message is stuffed. */
		{ "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n" },
		/* Dots elsewhere in a line are left alone. */
		{ "a.b\r\n x.\r\n", "a.b\r\n x.\r\n.\r\n" },
	};
	size_t	i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct buf	b;

		buf_init(&b, 1024);
		CHECK_INT(dot_stuff_message(c[i].in, strlen(c[i].in), &b), 0);
		CHECK_STR(b.data, c[i].out);
		buf_clear(&b);
	}
}

static const struct test tests[] = {
	{ "dot-stuffing lines", test_dot },
	{ "dot-stuffing messages", test_dot_message },
};

TEST_MAIN("dot", tests)
