/* SPDX-License-Identifier: MIT */
/* Unit tests for base/utf8.c: a table of sequences fed whole and byte by byte. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "tests/unit/harness.h"

/* What decoding a string gives, step by step: a valid code point as hex
 * ("E9"), an invalid maximal subpart as "!n", an unfinished sequence at
 * the end of the input as "?n"; steps joined by spaces. */
static const struct {
	const char	*in;
	size_t		 len;
	const char	*steps;
} cases[] = {
	/* Valid sequences of each length, at the edges of each range. */
	{ "A", 1, "41" },
	{ "\x7f", 1, "7F" },
	{ "\0", 1, "0" },			/* NUL is a character */
	{ "\xc2\x80", 2, "80" },		/* smallest 2-byte */
	{ "\xc3\xa9", 2, "E9" },
	{ "\xdf\xbf", 2, "7FF" },		/* largest 2-byte */
	{ "\xe0\xa0\x80", 3, "800" },		/* smallest 3-byte */
	{ "\xe2\x82\xac", 3, "20AC" },
	{ "\xed\x9f\xbf", 3, "D7FF" },		/* just below the surrogates */
	{ "\xee\x80\x80", 3, "E000" },		/* just above them */
	{ "\xef\xbf\xbf", 3, "FFFF" },
	{ "\xf0\x90\x80\x80", 4, "10000" },	/* smallest 4-byte */
	{ "\xf0\x9f\x98\x80", 4, "1F600" },
	{ "\xf4\x8f\xbf\xbf", 4, "10FFFF" },	/* largest code point */
	{ "a\xc3\xa9z", 4, "61 E9 7A" },
	/* Overlong forms (RFC 3629 3): the lead byte alone is the subpart. */
	{ "\xc0\x80", 2, "!1 !1" },
	{ "\xc1\xbf", 2, "!1 !1" },
	{ "\xe0\x80\x80", 3, "!1 !1 !1" },
	{ "\xe0\x9f\xbf", 3, "!1 !1 !1" },
	{ "\xf0\x80\x80\x80", 4, "!1 !1 !1 !1" },
	{ "\xf0\x8f\xbf\xbf", 4, "!1 !1 !1 !1" },
	/* UTF-16 surrogates are not characters. */
	{ "\xed\xa0\x80", 3, "!1 !1 !1" },	/* U+D800 */
	{ "\xed\xbf\xbf", 3, "!1 !1 !1" },	/* U+DFFF */
	{ "\xed\xa0\xbd\xed\xb8\x80", 6, "!1 !1 !1 !1 !1 !1" },	/* CESU-8 */
	/* Past U+10FFFF. */
	{ "\xf4\x90\x80\x80", 4, "!1 !1 !1 !1" },	/* U+110000 */
	{ "\xf5\x80\x80\x80", 4, "!1 !1 !1 !1" },
	{ "\xf7\xbf\xbf\xbf", 4, "!1 !1 !1 !1" },
	{ "\xf8\x88\x80\x80\x80", 5, "!1 !1 !1 !1 !1" },	/* old 5-byte */
	{ "\xff", 1, "!1" },
	{ "\xfe", 1, "!1" },
	/* A continuation byte with no lead. */
	{ "\x80", 1, "!1" },
	{ "\xbf" "A", 2, "!1 41" },
	/* Truncated: a valid start ended by another character (invalid,
	 * one U+FFFD for the whole subpart) or by the end (unfinished). */
	{ "\xc3" "A", 2, "!1 41" },
	{ "\xe2\x82" "A", 3, "!2 41" },
	{ "\xf0\x9f\x98" "A", 4, "!3 41" },
	{ "\xe2\x82\xe2\x82\xac", 5, "!2 20AC" },
	{ "\xc3", 1, "?1" },
	{ "\xe2\x82", 2, "?2" },
	{ "\xf0\x9f\x98", 3, "?3" },
	{ "A\xf0\x9f", 3, "41 ?2" },
	/* A second byte out of range for its lead stops the subpart at 1. */
	{ "\xe0\x80" "A", 3, "!1 !1 41" },
	{ "\xf4\x90" "A", 3, "!1 !1 41" },
};

static void
step(struct buf *b, int r, uint32_t cp, size_t len)
{
	if (b->len > 0)
		buf_append_byte(b, ' ');
	if (r == 1)
		buf_printf(b, "%X", (unsigned)cp);
	else
		buf_printf(b, "%c%zu", r == 0 ? '?' : '!', len);
}

/* The whole input at once. */
static void
decode_whole(const char *s, size_t n, struct buf *b)
{
	size_t	off = 0, len;
	uint32_t cp;
	int	r;

	while (off < n) {
		r = utf8_decode(s + off, n - off, &cp, &len);
		CHECK(len >= 1 && len <= n - off);
		CHECK(r == 1 || cp == 0xfffd);
		step(b, r, cp, len);
		off += len;
	}
}

/* One byte at a time: an unfinished sequence waits for the next byte,
 * as a reader of a socket would do; at the end it is reported. */
static void
decode_bytes(const char *s, size_t n, struct buf *b)
{
	size_t	have = 0, start = 0, len;
	uint32_t cp;
	int	r;

	for (have = 1; have <= n; have++) {
		while (start < have) {
			r = utf8_decode(s + start, have - start, &cp, &len);
			if (r == 0 && have < n)
				break;
			step(b, r, cp, len);
			start += len;
		}
	}
}

static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf whole, bytes;

		buf_init(&whole, 1024);
		buf_init(&bytes, 1024);
		decode_whole(cases[i].in, cases[i].len, &whole);
		decode_bytes(cases[i].in, cases[i].len, &bytes);
		CHECK_STR(whole.data, cases[i].steps);
		CHECK_STR(bytes.data, cases[i].steps);
		buf_clear(&whole);
		buf_clear(&bytes);
	}
}

/* Every scalar value encodes and decodes back to itself; the encoder
 * writes U+FFFD for what is not one. */
static void
test_round_trip(void)
{
	char	out[4];
	uint32_t cp, got;
	size_t	n, len;
	unsigned bad = 0;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = utf8_encode(cp, out);
		if (utf8_decode(out, n, &got, &len) != 1 || got != cp ||
		    len != n || n != (cp < 0x80 ? 1u : cp < 0x800 ? 2u :
		    cp < 0x10000 ? 3u : 4u))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(utf8_encode(0xd800, out), 3);
	CHECK(memcmp(out, "\xef\xbf\xbd", 3) == 0);
	CHECK_INT(utf8_encode(0x110000, out), 3);
	CHECK(memcmp(out, "\xef\xbf\xbd", 3) == 0);
}

static const struct test tests[] = {
	{ "table", test_table },
	{ "round_trip", test_round_trip },
};

TEST_MAIN("utf8", tests)
