/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/json.c: structure and string escaping. */
#include <string.h>

#include "proto/json.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*in;
	size_t		 len;
	const char	*out;
} esc[] = {
	/* plain ASCII passes */
	{ "abc", 3, "abc" },
	/* quote and backslash */
	{ "a\"b\\c", 5, "a\\\"b\\\\c" },
	/* controls: the short forms and \u00XX, NUL included */
	{ "\n\r\t\x01\x1f\x7f", 6, "\\n\\r\\t\\u0001\\u001f\\u007f" },
	{ "a\0b", 3, "a\\u0000b" },
	/* valid UTF-8 is kept as it is */
	{ "caf\xc3\xa9 \xe2\x98\xba \xf0\x9f\x91\x89", 14,
	  "caf\xc3\xa9 \xe2\x98\xba \xf0\x9f\x91\x89" },
	/* C1 controls and Unicode format characters (Cf) as \u escapes:
	 * the same string to a parser, nothing raw on a terminal (issue
	 * 12); a tag past U+FFFF as a surrogate pair */
	{ "\xc2\x9b\xe2\x80\xae\xe2\x80\x8b\xef\xbb\xbf", 11,
	  "\\u009b\\u202e\\u200b\\ufeff" },
	{ "a\xf3\xa0\x81\x81z", 6, "a\\udb40\\udc41z" },
	/* each invalid byte becomes U+FFFD: lone continuation, truncated
	 * sequence, overlong, surrogate, past U+10FFFF */
	{ "\x80", 1, "\xef\xbf\xbd" },
	{ "\xc3", 1, "\xef\xbf\xbd" },
	{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	{ "\xf4\x90\x80\x80", 4,
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
};

static void
test_escape(void)
{
	size_t	i;

	for (i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		struct buf b;

		buf_init(&b, 1024);
		CHECK_INT(json_escape(esc[i].in, esc[i].len, &b), 0);
		CHECK_STR(b.data ? b.data : "", esc[i].out);
		buf_clear(&b);
	}
}

/* Objects, arrays, separators, null and numbers; compact and pretty. */
static void
test_structure(void)
{
	struct buf b;
	struct json j;

	buf_init(&b, 1024);
	json_init(&j, &b, false);
	json_object_begin(&j);
	json_key(&j, "a");
	json_int(&j, -5);
	json_key(&j, "b");
	json_array_begin(&j);
	json_str(&j, "x");
	json_null(&j);
	json_bool(&j, true);
	json_array_end(&j);
	json_key(&j, "c");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "d");
	json_str(&j, NULL);
	json_object_end(&j);
	CHECK_INT(json_status(&j), 0);
	CHECK_STR(b.data, "{\"a\":-5,\"b\":[\"x\",null,true],\"c\":{},\"d\":null}");
	buf_reset(&b);
	json_init(&j, &b, true);
	json_object_begin(&j);
	json_key(&j, "k");
	json_array_begin(&j);
	json_int(&j, 1);
	json_array_end(&j);
	json_object_end(&j);
	CHECK_STR(b.data, "{\n \"k\": [\n  1\n ]\n}");
	buf_clear(&b);
}

/* A full buffer is reported, never overrun. */
static void
test_full(void)
{
	struct buf b;
	struct json j;

	buf_init(&b, 8);
	json_init(&j, &b, false);
	json_str(&j, "far too long for the buffer");
	CHECK_INT(json_status(&j), -1);
	CHECK(b.len <= 8);
	buf_clear(&b);
}

static const struct test tests[] = {
	{ "escape", test_escape },
	{ "structure", test_structure },
	{ "full", test_full },
};

TEST_MAIN("json", tests)
