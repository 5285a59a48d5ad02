/* SPDX-License-Identifier: MIT */
/* Unit tests for base/buf.c and base/util.c. */
#include <stdint.h>

#include "base/buf.h"
#include "base/util.h"
#include "tests/unit/harness.h"

/* The cap is hard: an append past max fails and leaves the buffer as it was. */
static void
test_buf_cap(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK_INT(buf_append(&b, "12345", 5), 0);
	CHECK_INT(buf_append(&b, "6789", 4), -1);
	CHECK_INT(b.len, 5);
	CHECK_INT(buf_printf(&b, "%d", 678), 0);
	CHECK_STR(b.data, "12345678");
	CHECK_INT(buf_printf(&b, "x"), -1);
	buf_consume(&b, 3);
	CHECK_STR(b.data, "45678");
	buf_truncate(&b, 2);
	CHECK_INT(b.len, 2);
	CHECK_STR(b.data, "45");
	CHECK_INT(buf_append(&b, "9", 1), 0);
	CHECK_STR(b.data, "459");
	buf_wipe(&b);
	CHECK(b.data == NULL);
}

static const struct {
	const char	*in;
	uint64_t	 max;
	int		 ret;
	uint64_t	 v;
} uint_cases[] = {
	{ "0", 10, 0, 0 },			/* zero is a number */
	{ "42", 100, 0, 42 },			/* plain */
	{ "", 100, -1, 0 },			/* empty is not */
	{ "4a", 100, -1, 0 },			/* no trailing junk */
	{ "-1", 100, -1, 0 },			/* no sign */
	{ "101", 100, -1, 0 },			/* above max */
	{ "5", 3, -1, 0 },			/* single digit above max */
	{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
	{ "18446744073709551616", UINT64_MAX, -1, 0 },	/* overflow */
};

static void
test_parse_uint(void)
{
	size_t	i;

	for (i = 0; i < sizeof(uint_cases) / sizeof(uint_cases[0]); i++) {
		uint64_t v = 0;
		int r = parse_uint(uint_cases[i].in, strlen(uint_cases[i].in),
		    uint_cases[i].max, &v);

		CHECK_INT(r, uint_cases[i].ret);
		if (r == 0)
			CHECK(v == uint_cases[i].v);
	}
}

static const struct test tests[] = {
	{ "buf_cap", test_buf_cap },
	{ "parse_uint", test_parse_uint },
};

TEST_MAIN("util", tests)
