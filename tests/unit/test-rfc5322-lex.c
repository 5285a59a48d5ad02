/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/rfc5322-lex.c: each token kind, whole and cut short. */
#include <stdbool.h>
#include <string.h>

#include "base/buf.h"
#include "proto/rfc5322-lex.h"
#include "tests/unit/harness.h"

/* Comments (RFC 5322 3.2.2): where each ends, and whether it closed. */
static const struct {
	const char	*in;
	size_t		 end;
	bool		 closed;
} comments[] = {
	{ "()", 2, true },
	{ "(a) b", 3, true },
	{ "(a (nested) b) c", 14, true },		/* comments nest */
	{ "(a \\) b) c", 8, true },		/* a quoted ')' is text */
	{ "(a \\( b) c", 8, true },		/* so is a quoted '(' */
	{ "(\"(\") x", 7, false },		/* no quoted strings inside:
						 * the '(' in quotes opens */
	{ "(a (b) c", 8, false },		/* one level left open */
	{ "(abc", 4, false },
	{ "(a\\", 3, false },			/* a backslash at the end */
};

/* Quoted strings (3.2.4): end, closed, content with quoted-pairs undone
 * and folding removed. */
static const struct {
	const char	*in;
	size_t		 len;
	size_t		 end;
	bool		 closed;
	const char	*content;
} quoted[] = {
	{ "\"\"", 2, 2, true, "" },
	{ "\"a b\" c", 7, 5, true, "a b" },
	{ "\"a\\\"b\"", 6, 6, true, "a\"b" },	/* \" is a quote in it */
	{ "\"a\\\\\" x", 7, 5, true, "a\\" },	/* \\ a backslash */
	{ "\"a\r\n b\"", 7, 7, true, "a b" },	/* folding goes */
	{ "\"a\\\r\n\"", 6, 6, true, "a" },	/* quoted CR too */
	{ "\"(not a comment)\"", 17, 17, true, "(not a comment)" },
	{ "\"open", 5, 5, false, "open" },
	{ "\"end\\", 5, 5, false, "end\\" },	/* a lone final backslash */
	{ "\"a\0b\"", 5, 5, true, "a" },		/* NUL kept (C string cuts) */
};

/* Atoms up to specials, FWS or NUL, and CFWS runs. */
static const struct {
	const char	*in;
	size_t		 at;
	size_t		 word_end;	/* stops "()<>@,;:\"[" */
	size_t		 cfws_end;
	bool		 cfws_closed;
} words[] = {
	{ "john.doe@example", 0, 8, 0, true },
	{ "a b", 0, 1, 0, true },
	{ "a b", 1, 1, 2, true },
	{ " \t(c) (d)\r\n x", 0, 0, 12, true },
	{ " (open", 0, 0, 6, false },
	{ "x<y", 0, 1, 0, true },
	{ "x]y", 0, 3, 0, true },		/* ']' is no stop here */
	{ "[1.2.3.4]", 0, 0, 0, true },		/* '[' is */
};

static void
test_comments(void)
{
	size_t	i, cut;

	for (i = 0; i < sizeof(comments) / sizeof(comments[0]); i++) {
		const char *s = comments[i].in;
		size_t len = strlen(s);
		bool closed = !comments[i].closed;

		CHECK_INT(rfc5322_comment_end(s, len, 0, &closed),
		    comments[i].end);
		CHECK(closed == comments[i].closed);
		/* Cut before its end, a comment never closes. */
		for (cut = 1; cut < comments[i].end; cut++) {
			CHECK_INT(rfc5322_comment_end(s, cut, 0, &closed), cut);
			CHECK(!closed);
		}
	}
	CHECK_INT(rfc5322_comment_end("x(y)", 4, 1, NULL), 4);
}

static void
test_quoted(void)
{
	size_t	i, cut;

	for (i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
		const char *s = quoted[i].in;
		struct buf b;
		bool closed = !quoted[i].closed;

		buf_init(&b, 100);
		CHECK_INT(rfc5322_quoted_end(s, quoted[i].len, 0, &b, &closed),
		    quoted[i].end);
		CHECK(closed == quoted[i].closed);
		CHECK_STR(b.data != NULL ? b.data : "", quoted[i].content);
		buf_clear(&b);
		for (cut = 1; cut < quoted[i].end; cut++) {
			CHECK_INT(rfc5322_quoted_end(s, cut, 0, NULL, &closed),
			    cut);
			CHECK(!closed);
		}
	}
}

static void
test_words(void)
{
	size_t	i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *s = words[i].in;
		size_t len = strlen(s);
		bool closed = !words[i].cfws_closed;

		CHECK_INT(rfc5322_word_end(s, len, words[i].at,
		    "()<>@,;:\"["), words[i].word_end);
		CHECK_INT(rfc5322_cfws_end(s, len, words[i].at, &closed),
		    words[i].cfws_end);
		CHECK(closed == words[i].cfws_closed);
	}
	/* NUL ends a word whatever the stops. */
	CHECK_INT(rfc5322_word_end("ab\0c", 4, 0, ""), 2);
	CHECK_INT(rfc5322_fws_end(" \t\r\nx", 5, 0), 4);
	CHECK_INT(rfc5322_dlit_end("[1.2]x", 6, 0), 5);
	CHECK_INT(rfc5322_dlit_end("[1.2", 4, 0), 4);
	CHECK(rfc5322_is_wsp('\t') && !rfc5322_is_wsp('\n'));
	CHECK(rfc5322_is_fws('\n') && !rfc5322_is_fws('\v'));
}

static const struct test tests[] = {
	{ "comments", test_comments },
	{ "quoted", test_quoted },
	{ "words", test_words },
};

TEST_MAIN("rfc5322-lex", tests)
