/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/uu.c: x-uuencode bodies decoded as Python does. */
#include <stdlib.h>
#include <string.h>

#include "proto/uu.h"
#include "tests/unit/harness.h"

#define S(x)	x, sizeof(x) - 1

static const struct {
	const char	*in;
	size_t		 in_len;
	const char	*out;
	size_t		 out_len;
	unsigned	 defects;
	const char	*name;
} cases[] = {
	/* The classic: "Cat" with a '`' (zero) length line before end. */
	{ S("begin 644 cat.txt\n#0V%T\n`\nend\n"), S("Cat"), 0, "cat.txt" },
	/* Space as the zero character, CRLF line ends. */
	{ S("begin 644 cat.txt\r\n#0V%T\r\n \r\nend\r\n"), S("Cat"), 0,
	    "cat.txt" },
	/* Lines before "begin" are skipped (a MIME preamble, a note). */
	{ S("hello\r\nbegin 600 x\n#0V%T\nend\n"), S("Cat"), 0, "x" },
	/* "begin" needs an octal mode: the first one is not a begin line. */
	{ S("begin 6x4 a\nbegin 644 b\n#0V%T\nend\n"), S("Cat"), 0, "b" },
	/* No begin line at all: the body is returned as it stands. */
	{ S("#0V%T\nend\n"), S("#0V%T\nend\n"), UU_DEFECT_NO_BEGIN, NULL },
	/* No end line: what was decoded is kept (Python 3.11). */
	{ S("begin 644 f\n#0V%T\n"), S("Cat"), UU_DEFECT_NO_END, "f" },
	/* "end" with whitespace around it still ends the data. */
	{ S("begin 644 f\n#0V%T\n end \t\nignored\n"), S("Cat"), 0, "f" },
	/* Garbage after a line's data: the line is cut to the length its
	 * first character gives (Fredrik Lundh's workaround). */
	{ S("begin 644 f\n#0V%Tjunk\nend\n"), S("Cat"), UU_DEFECT_BAD_LINE,
	    "f" },
	/* A line shorter than its length: zeros fill it (binascii). */
	{ S("begin 644 f\n#0V\nend\n"), S("C`\0"), 0, "f" },
	/* An empty line inside the data: Python gives up and returns the
	 * body undecoded. */
	{ S("begin 644 f\n#0V%T\n\nend\n"), S("begin 644 f\n#0V%T\n\nend\n"),
	    UU_DEFECT_BAD_LINE, "f" },
	/* A begin line without a file name is still a begin line. */
	{ S("begin 644\n#0V%T\nend\n"), S("Cat"), 0, NULL },
};

static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b;
		unsigned d = 99;
		char *name = (char *)1;

		buf_init(&b, 1 << 16);
		CHECK_INT(uu_decode(cases[i].in, cases[i].in_len, &b, &d,
		    &name), 0);
		CHECK_INT(b.len, cases[i].out_len);
		CHECK(b.len == cases[i].out_len && (b.len == 0 ||
		    memcmp(b.data, cases[i].out, b.len) == 0));
		CHECK_INT(d, cases[i].defects);
		if (cases[i].name == NULL)
			CHECK(name == NULL);
		else
			CHECK_STR(name, cases[i].name);
		free(name);
		buf_clear(&b);
	}
}

/* A whole 45-byte line, the standard length. */
static void
test_full_line(void)
{
	const char *in = "begin 644 a\n"
	    "M86)C9&5F9VAI:FML;6YO<'%R<W1U=G=X>7HP,3(S-#4V-S@Y04)#1$5&1TA)\n"
	    "`\nend\n";
	struct buf b;

	buf_init(&b, 1000);
	CHECK_INT(uu_decode(in, strlen(in), &b, NULL, NULL), 0);
	CHECK_INT(b.len, 45);
	CHECK(memcmp(b.data, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHI",
	    45) == 0);
	buf_clear(&b);
}

static void
test_names(void)
{
	unsigned bit;

	for (bit = 1; bit < 1u << UU_DEFECT_COUNT; bit <<= 1)
		CHECK(strcmp(uu_defect_name(bit), "unknown") != 0);
	CHECK_STR(uu_defect_name(0), "unknown");
}

static const struct test tests[] = {
	{ "decode table", test_table },
	{ "full 45-byte line", test_full_line },
	{ "defect names", test_names },
};

TEST_MAIN("uu", tests)
