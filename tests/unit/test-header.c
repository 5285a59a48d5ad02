/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/header.c: header blocks, unfolding, lookup, summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/header.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*block;
	const char	*name;		/* field looked up */
	const char	*value;		/* its first value, unfolded */
	size_t		 count;		/* fields with that name */
	size_t		 fields;	/* fields in the block */
	size_t		 used;		/* bytes header_parse used (0: all) */
} cases[] = {
	/* plain CRLF block, the blank line is used too */
	{ "Subject: hi\r\nFrom: a@b\r\n\r\nbody", "subject", "hi", 1, 2, 26 },
	/* LF-only lines */
	{ "Subject: hi\nFrom: a@b\n\nbody", "from", "a@b", 1, 2, 23 },
	/* CR-only lines (old Macintosh files) */
	{ "Subject: hi\rFrom: a@b\r\rbody", "from", "a@b", 1, 2, 23 },
	/* names are case-insensitive */
	{ "SUBJECT: x\n\n", "Subject", "x", 1, 1, 0 },
	/* RFC 5322 2.2.3: unfolding removes CRLF, keeps the white space */
	{ "Subject: a\r\n b\r\n\tc\r\n\r\n", "subject", "a b\tc", 1, 1, 0 },
	/* duplicated fields are all kept, in order */
	{ "To: a\nTo: b\nTo: c\n\n", "to", "a", 3, 3, 0 },
	/* a header block with no body and no final line end */
	{ "Subject: end", "subject", "end", 1, 1, 0 },
	/* no space after the colon, empty value */
	{ "X:\nY:v\n\n", "y", "v", 1, 2, 0 },
	/* leading white space of the value is dropped, trailing kept */
	{ "Subject: \t  v  \n\n", "subject", "v  ", 1, 1, 0 },
	/* a "From " envelope line first is not a field */
	{ "From a@b Sat Jan  3 01:05:34 1996\nSubject: s\n\n", "subject", "s",
	  1, 1, 0 },
	/* a line that is no field ends the block (no separator) */
	{ "Subject: s\nthis is body\n", "subject", "s", 1, 1, 11 },
	/* raw 8-bit UTF-8 (RFC 6532) is kept as it is */
	{ "Subject: caf\xc3\xa9\n\n", "subject", "caf\xc3\xa9", 1, 1, 0 },
	/* a first line that is a continuation is dropped, with a defect */
	{ " lost\nSubject: s\n\n", "subject", "s", 1, 1, 0 },
};

static void
test_blocks(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct header h;
		const struct header_field *f;
		size_t len = strlen(cases[i].block), used;

		header_init(&h, 0);
		used = header_parse(&h, cases[i].block, len);
		CHECK_INT(used, cases[i].used ? cases[i].used : len);
		CHECK_INT(h.count, cases[i].fields);
		CHECK_INT(header_count(&h, cases[i].name), cases[i].count);
		f = header_get(&h, cases[i].name);
		CHECK(f != NULL);
		if (f != NULL)
			CHECK_STR(f->value, cases[i].value);
		header_clear(&h);
	}
}

/* Fields come back in order and header_next walks duplicates. */
static void
test_order(void)
{
	static const char b[] = "Received: 1\nX: a\nReceived: 2\n"
	    "received: 3\n\n";
	struct header h;
	const struct header_field *f = NULL;
	const char *want[] = { "1", "2", "3" };
	size_t	n = 0;

	header_init(&h, 0);
	header_parse(&h, b, sizeof(b) - 1);
	while ((f = header_next(&h, f, "received")) != NULL && n < 3)
		CHECK_STR(f->value, want[n++]);
	CHECK_INT(n, 3);
	CHECK_STR(h.fields[1].name, "X");
	CHECK_INT(h.fields[2].offset, 17);
	header_clear(&h);
}

/* Defects are named and placed. */
static void
test_defects(void)
{
	static const char b[] = " cont\n:novalue\nA: 1\nFrom x\n\n";
	struct header h;

	header_init(&h, 0);
	header_parse(&h, b, sizeof(b) - 1);
	CHECK_INT(h.count, 1);
	CHECK_INT(h.ndefects, 3);
	CHECK_INT(h.defects[0].kind, HEADER_DEFECT_FIRST_LINE_CONTINUATION);
	CHECK_INT(h.defects[0].offset, 0);
	CHECK_INT(h.defects[1].kind, HEADER_DEFECT_MISSING_NAME);
	CHECK_INT(h.defects[1].offset, 6);
	CHECK_INT(h.defects[2].kind, HEADER_DEFECT_MISPLACED_FROM_);
	CHECK_STR(header_defect_name(HEADER_DEFECT_MISSING_NAME),
	    "missing-header-name");
	header_clear(&h);
}

/* The block limit is a defect, never an overflow. */
static void
test_limit(void)
{
	struct header h;
	char	line[64];
	int	i, r = 0;

	header_init(&h, 100);
	for (i = 0; i < 20 && r == 0; i++) {
		snprintf(line, sizeof(line), "X-%d: 0123456789\n", i);
		r = header_add_line(&h, line, strlen(line));
	}
	header_end(&h);
	CHECK_INT(r, -1);
	CHECK(h.truncated);
	CHECK(h.count < 20);
	CHECK_INT(h.defects[h.ndefects - 1].kind, HEADER_DEFECT_TOO_LONG);
	header_clear(&h);
}

static const struct {
	const char	*in;
	const char	*out;
} unstructured[] = {
	/* plain text passes */
	{ "hello world", "hello world" },
	/* RFC 2047 Q and B */
	{ "=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9" },
	{ "=?UTF-8?B?w6k=?=", "\xc3\xa9" },
	/* RFC 2047 6.2: white space between adjacent encoded words goes */
	{ "=?utf-8?q?a?= =?utf-8?q?b?=", "ab" },
	/* ... but not between an encoded word and text */
	{ "x =?utf-8?q?a?= y", "x a y" },
};

static void
test_unstructured(void)
{
	size_t	i;

	for (i = 0; i < sizeof(unstructured) / sizeof(unstructured[0]); i++) {
		struct buf b;

		buf_init(&b, 1024);
		CHECK_INT(header_decode_unstructured(unstructured[i].in,
		    strlen(unstructured[i].in), &b), 0);
		CHECK_STR(b.data ? b.data : "", unstructured[i].out);
		buf_clear(&b);
	}
}

/* The mailbox view's summary: decoded subject, from display, date. */
static void
test_summary(void)
{
	static const char b[] =
	    "From: =?utf-8?q?J=C3=B6rg?= <j@example.org>\r\n"
	    "Subject: =?utf-8?b?R3LDvMOfZQ==?=\r\n"
	    "Date: Fri, 20 Apr 2001 20:18:00 -0400 (EDT)\r\n"
	    "\r\n"
	    "Subject: not this one\r\n";
	struct header_summary s;

	CHECK_INT(header_summary(b, sizeof(b) - 1, &s), 0);
	CHECK_STR(s.subject, "Gr\xc3\xbc\xc3\x9f" "e");
	CHECK_STR(s.from, "J\xc3\xb6rg");
	CHECK_STR(s.from_addr, "j@example.org");
	CHECK(s.has_date);
	CHECK_INT(s.date, 987812280);
	CHECK_INT(s.date_zone, -240);
	header_summary_clear(&s);
	/* nothing known: empty strings, no date */
	CHECK_INT(header_summary("X: y\n", 5, &s), 0);
	CHECK_STR(s.subject, "");
	CHECK_STR(s.from, "");
	CHECK(!s.has_date);
	header_summary_clear(&s);
	/* a From without a display name shows the address */
	CHECK_INT(header_summary("From: a@b.c\n\n", 13, &s), 0);
	CHECK_STR(s.from, "a@b.c");
	header_summary_clear(&s);
}

static const struct test tests[] = {
	{ "blocks", test_blocks },
	{ "order", test_order },
	{ "defects", test_defects },
	{ "limit", test_limit },
	{ "unstructured", test_unstructured },
	{ "summary", test_summary },
};

TEST_MAIN("header", tests)
