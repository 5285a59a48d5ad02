/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/rfc2047.c: encoded words decoded as Python does. */
#include <stdlib.h>
#include <string.h>

#include "proto/charset.h"
#include "proto/rfc2047.h"
#include "tests/unit/harness.h"
#include "tests/unit/pycompat-rfc2047.h"
#include "tests/unit/rfc2047-compat32.h"

#define FFFD	"\xef\xbf\xbd"

/* NeoMutt-style table: input, expected UTF-8, defects that must be set. */
static const struct {
	const char	*in;
	const char	*out;
	unsigned	 defects;
} cases[] = {
	/* RFC 2047 8, the examples at the end, in order. */
	{ "(=?ISO-8859-1?Q?a?=)", "(a)", RFC2047_DEFECT_NO_SPACE },
	{ "(=?ISO-8859-1?Q?a?= b)", "(a b)", RFC2047_DEFECT_NO_SPACE },
	/* RFC 2047 6.2: whitespace between adjacent encoded words goes... */
	{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)",
	    RFC2047_DEFECT_NO_SPACE },
	{ "(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)",
	    RFC2047_DEFECT_NO_SPACE },
	/* ...folding whitespace included (CR LF dropped as Python does). */
	{ "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)",
	    RFC2047_DEFECT_NO_SPACE },
	/* RFC 2047 4.2 (2): '_' is a space. */
	{ "(=?ISO-8859-1?Q?a_b?=)", "(a b)", RFC2047_DEFECT_NO_SPACE },
	/* ...and a space encoded in the second word survives. */
	{ "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)",
	    RFC2047_DEFECT_NO_SPACE },
	/* RFC 2047 8, the message header examples. */
	{ "=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>",
	    "Keith Moore <moore@cs.utk.edu>", 0 },
	{ "=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld J\xc3\xb8rn Simonsen",
	    0 },
	{ "=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xc3\xa9 Pirard", 0 },
	{ "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	    " =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
	    "If you can read this you understand the example.", 0 },
	/* RFC 2231 5: a language after the charset is accepted. */
	{ "=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore", 0 },
	/* Malformed words are left as written: bad encoding letter, no
	 * end, too many '?'. */
	{ "=?utf-8?x?abc?=", "=?utf-8?x?abc?=", RFC2047_DEFECT_MALFORMED },
	{ "=?utf-8?q?abc", "=?utf-8?q?abc", 0 },
	{ "=?utf-8?q?a?b?=", "=?utf-8?q?a?b?=", RFC2047_DEFECT_MALFORMED },
	/* A UTF-8 character split across two words is put back together
	 * (Python gets the same through its surrogateescape round trip). */
	{ "=?utf-8?B?4g==?= =?utf-8?B?gqw=?=", "\xe2\x82\xac", 0 },
	/* So is a Shift_JIS one: we join words of one charset before
	 * converting (Python gives two U+FFFD here). */
	{ "=?shift_jis?B?kw==?= =?shift_jis?B?+g==?=", "\xe6\x97\xa5", 0 },
	/* An encoded word glued to text is still decoded (Python). */
	{ "foo=?utf-8?q?bar?=", "foobar", RFC2047_DEFECT_NO_SPACE },
	{ "a =?utf-8?q?b?=c", "a bc", RFC2047_DEFECT_NO_SPACE },
	{ "=?utf-8?Q?a?==?utf-8?Q?b?=", "ab", RFC2047_DEFECT_NO_SPACE },
	/* Raw 8-bit UTF-8 is kept; other raw bytes become U+FFFD. */
	{ "caf\xc3\xa9", "caf\xc3\xa9", RFC2047_DEFECT_8BIT },
	{ "caf\xe9", "caf" FFFD, RFC2047_DEFECT_8BIT },
	/* Unknown charset: the bytes are read as UTF-8 if they are (Python
	 * decodes them as ASCII with surrogateescape, then sanitizes). */
	{ "=?x-bogus?q?caf=C3=A9?=", "caf\xc3\xa9", RFC2047_DEFECT_CHARSET },
	{ "=?unknown-8bit?q?=E9?=", FFFD, 0 },
	/* Whitespace inside a word is tolerated. */
	{ "=?utf-8?q?a b?=", "a b", RFC2047_DEFECT_SPACE_INSIDE },
	/* B with missing padding decodes (and is reported). */
	{ "=?utf-8?b?YWI?=", "ab", RFC2047_DEFECT_BASE64 },
	{ "=?utf-8?b?w6k?= x", "\xc3\xa9 x", RFC2047_DEFECT_BASE64 },
	/* Bytes invalid in the charset: U+FFFD. */
	{ "=?utf-8?q?=FF?=", FFFD, RFC2047_DEFECT_UNDECODABLE },
	/* Whitespace after a word before plain text is kept as it is. */
	{ "=?utf-8?q?a?=  b", "a  b", 0 },
	{ "  lead and trail  ", "  lead and trail  ", 0 },
	/* Unfolding: CR and LF go, the whitespace after them stays. */
	{ "a\r\n b", "a b", 0 },
	/* "=?utf-8?q?=41?=": the first "?=" is the Q text's own "=41". */
	{ "=?utf-8?q?=41?=", "A", 0 },
	/* ISO-2022-JP, the usual Japanese header charset. */
	{ "=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0 },
	{ "=?iso-2022-jp?b?GyRCRnw=?=", "\xe6\x97\xa5", 0 },
	/* A broken ISO-2022-JP escape: Python leaves the word as written. */
	{ "=?iso-2022-jp?Q?=1B=24bF?=", "=?iso-2022-jp?Q?=1B=24bF?=",
	    RFC2047_DEFECT_MALFORMED },
	/* Different charsets next to each other. */
	{ "=?UTF-8?q?x?= =?iso-8859-1?q?=E9?=", "x\xc3\xa9", 0 },
	/* Empty text and empty charset (read as ASCII). */
	{ "=?utf-8?q?" "?=", "", 0 },
	{ "=?" "?q?abc?=", "abc", 0 },
	/* Nothing encoded: nothing changes. */
	{ "plain subject", "plain subject", 0 },
	{ "", "", 0 },
};

static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned d = 0;
		char *s = rfc2047_decode_str(cases[i].in, strlen(cases[i].in),
		    0, &d);

		CHECK_STR(s, cases[i].out);
		CHECK_INT(d & cases[i].defects, cases[i].defects);
		CHECK(charset_utf8_valid(s, strlen(s)));
		free(s);
	}
}

/* rfc2047_compat32_decode (tests/unit/rfc2047-compat32.c): Python's
 * make_header(decode_header()) (mime_ref.py uses it for file names and
 * when policy.default fails). */
static const struct {
	const char	*in;
	const char	*out;
} c32_cases[] = {
	/* A space between an encoded word and the text glued to it. */
	{ "=?utf-8?q?a?=b", "a b" },
	{ "a =?utf-8?q?b?=", "a b" },
	/* Whitespace between encoded words still goes. */
	{ "=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab" },
	/* Comment characters count as space. */
	{ "(=?utf-8?q?a?=)", "(a)" },
	/* Unknown charset, or bytes the charset refuses: Python raises and
	 * the value is shown as it stands. */
	{ "=?x-bogus?q?a?=", "=?x-bogus?q?a?=" },
	{ "=?utf-8?q?=FF?=", "=?utf-8?q?=FF?=" },
	/* Padding is supplied; an impossible length raises. */
	{ "=?utf-8?b?w6k?=", "\xc3\xa9" },
	{ "=?utf-8?b?w?=", "=?utf-8?b?w?=" },
	/* An us-ascii word and plain text are one Charset: joined with a
	 * space by Header._normalize(). */
	{ "=?us-ascii?q?a?=b", "a b" },
	/* Nothing encoded: unchanged; raw 8-bit bytes are U+FFFD each. */
	{ "plain", "plain" },
	{ "caf\xc3\xa9", "caf" FFFD FFFD },
};

static void
test_compat32(void)
{
	size_t	i;

	for (i = 0; i < sizeof(c32_cases) / sizeof(c32_cases[0]); i++) {
		char *s = rfc2047_compat32_decode_str(c32_cases[i].in,
		    strlen(c32_cases[i].in), NULL);

		CHECK_STR(s, c32_cases[i].out);
		CHECK(charset_utf8_valid(s, strlen(s)));
		free(s);
	}
	/* A NUL inside a charset name (found by fuzzing: the words were
	 * never grouped and the chunk array overflowed). */
	{
		static const char in[] = "=?a\0b?q?x?= =?a\0b?q?y?=";
		struct buf b;

		buf_init(&b, 1000);
		CHECK_INT(rfc2047_compat32_decode(in, sizeof(in) - 1, &b,
		    NULL), 0);
		CHECK(charset_utf8_valid(b.data, b.len));
		buf_clear(&b);
	}
}

/* RFC2047_F_PER_BYTE: Python's Address.display_name keeps raw and
 * undecodable bytes as surrogates (U+FFFD each in mime_ref.py). */
static void
test_per_byte(void)
{
	char *s;

	s = rfc2047_decode_str("J\xc3\xbcrgen =?utf-8?q?=FF=C3=A9?=", 29,
	    RFC2047_F_PER_BYTE, NULL);
	CHECK_STR(s, "J" FFFD FFFD "rgen " FFFD "\xc3\xa9");
	free(s);
	s = rfc2047_decode_str("J\xc3\xbcrgen", 8, RFC2047_F_PER_BYTE, NULL);
	CHECK_STR(s, "J" FFFD FFFD "rgen");
	free(s);
	/* Without the flag the same bytes read as UTF-8. */
	s = rfc2047_decode_str("J\xc3\xbcrgen", 8, 0, NULL);
	CHECK_STR(s, "J\xc3\xbcrgen");
	free(s);
}

/* Random headers (ewgen: encoded words in many charsets, cut, glued,
 * broken) with Python's own answers, both modes. */
static void
test_python_generated(void)
{
	size_t	i;

	for (i = 0; i < sizeof(py_default_cases) / sizeof(py_default_cases[0]);
	    i++) {
		char *s = rfc2047_decode_str(py_default_cases[i].in,
		    strlen(py_default_cases[i].in), 0, NULL);

		CHECK_STR(s, py_default_cases[i].out);
		free(s);
	}
	for (i = 0; i < sizeof(py_compat32_cases) /
	    sizeof(py_compat32_cases[0]); i++) {
		char *s = rfc2047_compat32_decode_str(py_compat32_cases[i].in,
		    strlen(py_compat32_cases[i].in), NULL);

		CHECK_STR(s, py_compat32_cases[i].out);
		free(s);
	}
}

/* Decoding appends to what the buffer holds, and stops at its cap. */
static void
test_buf(void)
{
	struct buf b;
	unsigned d;

	buf_init(&b, 100);
	buf_append_str(&b, "Subject: ");
	CHECK_INT(rfc2047_decode("=?utf-8?q?hi?=", 14, &b, 0, NULL), 0);
	CHECK_STR(b.data, "Subject: hi");
	buf_clear(&b);
	buf_init(&b, 4);
	CHECK_INT(rfc2047_decode("=?utf-8?q?hello?=", 17, &b, 0, &d), -1);
	CHECK(d & RFC2047_DEFECT_TOO_BIG);
	buf_clear(&b);
}

/* One word at a time, as rfc2231.c uses it. */
static void
test_word(void)
{
	struct buf b;

	buf_init(&b, 100);
	CHECK_INT(rfc2047_decode_word("=?utf-8?q?a?=.txt", 17, &b, NULL), 13);
	CHECK_STR(b.data, "a");
	CHECK_INT(rfc2047_decode_word("=?utf-8?x?a?=", 13, &b, NULL), 0);
	CHECK_INT(rfc2047_decode_word("plain", 5, &b, NULL), 0);
	CHECK_STR(b.data, "a");
	buf_clear(&b);
}

static void
test_maybe(void)
{
	CHECK(rfc2047_maybe_encoded("x =?", 4));
	CHECK(!rfc2047_maybe_encoded("x = ?", 5));
	CHECK(!rfc2047_maybe_encoded("=", 1));
	CHECK(!rfc2047_maybe_encoded("", 0));
}

/* What we encode decodes back; words stay within 75 characters and never
 * split a UTF-8 character. */
static void
test_encode(void)
{
	const char *in = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xe2\x82\xac "
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac"
	    "\xe8\xaa\x9e \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e end";
	struct buf b;
	char *s;
	size_t i, w = 0;

	buf_init(&b, 4096);
	CHECK_INT(rfc2047_encode(in, strlen(in), &b), 0);
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '\r' || b.data[i] == '\n' ||
		    b.data[i] == ' ') {
			w = 0;
			continue;
		}
		CHECK(++w <= 75);
	}
	CHECK(memchr(b.data, '\n', b.len) != NULL);
	s = rfc2047_decode_str(b.data, b.len, 0, NULL);
	CHECK_STR(s, in);
	free(s);
	buf_clear(&b);
}

static void
test_names(void)
{
	unsigned bit;

	for (bit = 1; bit < 1u << RFC2047_DEFECT_COUNT; bit <<= 1) {
		CHECK(strcmp(rfc2047_defect_name(bit), "unknown") != 0);
		CHECK(strcmp(rfc2047_defect_id(bit), "unknown") != 0);
	}
	CHECK_STR(rfc2047_defect_name(0), "unknown");
	charset_cache_free();
}

static const struct test tests[] = {
	{ "decode table (RFC 2047 8 and Python)", test_table },
	{ "compat32 table (make_header(decode_header()))", test_compat32 },
	{ "per-byte replacement (display names)", test_per_byte },
	{ "Python-generated cases (both modes)", test_python_generated },
	{ "buffer append and cap", test_buf },
	{ "single word", test_word },
	{ "maybe encoded", test_maybe },
	{ "encode round trip", test_encode },
	{ "defect names", test_names },
};

TEST_MAIN("rfc2047", tests)
