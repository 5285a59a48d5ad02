/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/qp.c: quoted-printable and "Q" as Python, encoder. */
#include <string.h>

#include "proto/qp.h"
#include "tests/unit/harness.h"

#define S(x)	x, sizeof(x) - 1

static const struct {
	const char	*in;
	size_t		 in_len;
	const char	*out;
	size_t		 out_len;
	unsigned	 defects;
} dec_cases[] = {
	/* Plain text passes through. */
	{ S("hello, world"), S("hello, world"), 0 },
	/* RFC 2045 6.7 (1): =XX is the byte XX. */
	{ S("a=3Db"), S("a=b"), 0 },
	{ S("caf=C3=A9"), S("caf\xc3\xa9"), 0 },
	/* Lower-case hex is accepted (RFC says upper), and noted. */
	{ S("a=3db"), S("a=b"), QP_DEFECT_LOWER_HEX },
	/* RFC 2045 6.7 (5): '=' at a line end is a soft line break. */
	{ S("soft=\r\nbreak"), S("softbreak"), 0 },
	{ S("soft=\nbreak"), S("softbreak"), 0 },
	/* Python skips from "=\r" to the next LF whatever lies between. */
	{ S("a=\r junk\nb"), S("ab"), 0 },
	/* Hard line breaks are kept as they are, CRLF or LF. */
	{ S("a\r\nb\nc"), S("a\r\nb\nc"), 0 },
	/* Trailing whitespace is kept (Python's a2b_qp does not strip
	 * it, so decoded sizes agree with Python). */
	{ S("a  \r\nb"), S("a  \r\nb"), 0 },
	/* "= " is not a soft break: a bad escape, kept as written. */
	{ S("a= \nb"), S("a= \nb"), QP_DEFECT_BAD_ESCAPE },
	/* RFC 2045 6.7 note (2): a bad escape is kept as written. */
	{ S("a=ZZb"), S("a=ZZb"), QP_DEFECT_BAD_ESCAPE },
	{ S("100%=4"), S("100%=4"), QP_DEFECT_BAD_ESCAPE },
	{ S("=G1"), S("=G1"), QP_DEFECT_BAD_ESCAPE },
	/* "==" gives one '=' (Python's old encoder wrote these). */
	{ S("a==41"), S("a=41"), QP_DEFECT_BAD_ESCAPE },
	/* A lone '=' at the very end is dropped (Python). */
	{ S("end="), S("end"), QP_DEFECT_TRAILING_EQ },
	/* '_' is only a space in the "Q" encoding, not in bodies. */
	{ S("a_b"), S("a_b"), 0 },
	/* NUL and 8-bit bytes pass through untouched. */
	{ S("a\0b\xff"), S("a\0b\xff"), 0 },
	/* Escapes that make NUL and CR. */
	{ S("=00=0D=0A"), S("\0\r\n"), 0 },
};

static void
test_decode(void)
{
	size_t	i;

	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		struct buf b;
		unsigned d = 99;

		buf_init(&b, 1 << 20);
		CHECK_INT(qp_decode(dec_cases[i].in, dec_cases[i].in_len, &b,
		    &d), 0);
		CHECK_INT(b.len, dec_cases[i].out_len);
		CHECK(b.len == dec_cases[i].out_len && (b.len == 0 ||
		    memcmp(b.data, dec_cases[i].out, b.len) == 0));
		CHECK_INT(d, dec_cases[i].defects);
		buf_clear(&b);
	}
}

static const struct {
	const char	*in;
	const char	*out;
	unsigned	 defects;
} q_cases[] = {
	/* RFC 2047 4.2 (2): '_' is a space. */
	{ "a_b", "a b", 0 },
	/* RFC 2047 4.2 (1): =XX, either case (Python accepts both). */
	{ "=3F=3f", "??", 0 },
	{ "Keld_J=F8rn", "Keld J\xf8rn", 0 },
	/* A '=' not starting an escape stays (Python's decode_q). */
	{ "a=b", "a=b", QP_DEFECT_BAD_ESCAPE },
	{ "=", "=", QP_DEFECT_BAD_ESCAPE },
	{ "x=4", "x=4", QP_DEFECT_BAD_ESCAPE },
	/* No soft line breaks in encoded words. */
	{ "a=\r\nb", "a=\r\nb", QP_DEFECT_BAD_ESCAPE },
	/* "=5F" is a literal underscore, not a space. */
	{ "=5F", "_", 0 },
};

static void
test_decode_q(void)
{
	size_t	i;

	for (i = 0; i < sizeof(q_cases) / sizeof(q_cases[0]); i++) {
		struct buf b;
		unsigned d = 99;

		buf_init(&b, 1000);
		CHECK_INT(qp_decode_q(q_cases[i].in, strlen(q_cases[i].in), &b,
		    &d), 0);
		CHECK_STR(b.data ? b.data : "", q_cases[i].out);
		CHECK_INT(d, q_cases[i].defects);
		buf_clear(&b);
	}
}

/* Long runs of plain text go past the output chunk intact. */
static void
test_decode_long(void)
{
	static char	in[20000];
	struct buf	b;

	memset(in, 'x', sizeof(in));
	memcpy(in + 9000, "=41", 3);
	buf_init(&b, 1 << 20);
	CHECK_INT(qp_decode(in, sizeof(in), &b, NULL), 0);
	CHECK_INT(b.len, sizeof(in) - 2);
	CHECK(b.data[9000] == 'A' && b.data[8999] == 'x' &&
	    b.data[9001] == 'x');
	buf_clear(&b);
	/* The cap is an error, not an overflow. */
	buf_init(&b, 100);
	CHECK_INT(qp_decode(in, sizeof(in), &b, NULL), -1);
	buf_clear(&b);
}

static const struct {
	const char	*in;
	const char	*out;
} enc_cases[] = {
	/* Printable ASCII is itself. */
	{ "abc", "abc" },
	/* RFC 2045 6.7 (1): '=' must be escaped. */
	{ "a=b", "a=3Db" },
	/* Bytes >= 0x80 are escaped in upper-case hex. */
	{ "caf\xc3\xa9", "caf=C3=A9" },
	/* RFC 2045 6.7 (3): whitespace before a line end is escaped. */
	{ "tab\t\nx ", "tab=09\r\nx=20" },
	/* Line breaks become CRLF; CRLF stays CRLF. */
	{ "a\r\nb\nc", "a\r\nb\r\nc" },
};

static void
test_encode(void)
{
	size_t	i;

	for (i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		struct buf b;

		buf_init(&b, 1000);
		CHECK_INT(qp_encode(enc_cases[i].in, strlen(enc_cases[i].in),
		    &b), 0);
		CHECK_STR(b.data ? b.data : "", enc_cases[i].out);
		buf_clear(&b);
	}
}

/* RFC 2045 6.7 (5): no encoded line longer than 76, and what we encode
 * decodes back to the input (every byte value, long lines). */
static void
test_roundtrip(void)
{
	char		in[600];
	struct buf	e, d;
	size_t		i, col = 0;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)(i < 256 ? i : 'a' + i % 26);
	for (i = 0; i < sizeof(in); i++)
		if (in[i] == '\r' || in[i] == '\n')
			in[i] = '.';
	buf_init(&e, 1 << 16);
	buf_init(&d, 1 << 16);
	CHECK_INT(qp_encode(in, sizeof(in), &e), 0);
	for (i = 0; i < e.len; i++) {
		if (e.data[i] == '\r')
			continue;
		if (e.data[i] == '\n') {
			col = 0;
			continue;
		}
		col++;
		CHECK(col <= 76);
	}
	CHECK_INT(qp_decode(e.data, e.len, &d, NULL), 0);
	CHECK_INT(d.len, sizeof(in));
	CHECK(d.len == sizeof(in) && memcmp(d.data, in, sizeof(in)) == 0);
	buf_clear(&e);
	buf_clear(&d);
}

static void
test_names(void)
{
	unsigned bit;

	for (bit = 1; bit < 1u << QP_DEFECT_COUNT; bit <<= 1) {
		CHECK(strcmp(qp_defect_name(bit), "unknown") != 0);
		CHECK(strcmp(qp_defect_id(bit), "unknown") != 0);
	}
	CHECK_STR(qp_defect_name(0), "unknown");
}

static const struct test tests[] = {
	{ "decode table", test_decode },
	{ "decode Q table", test_decode_q },
	{ "decode long input, cap", test_decode_long },
	{ "encode table", test_encode },
	{ "encode line length, round trip", test_roundtrip },
	{ "defect names", test_names },
};

TEST_MAIN("qp", tests)
