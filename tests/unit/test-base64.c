/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/base64.c: decoding as Python, defects, encoding. */
#include <stdint.h>
#include <string.h>

#include "proto/base64.h"
#include "tests/unit/harness.h"

#define S(x)	x, sizeof(x) - 1

static const struct {
	const char	*in;
	size_t		 in_len;
	const char	*out;
	size_t		 out_len;
	unsigned	 defects;	/* enum base64_defect */
	unsigned	 py;		/* enum base64_pydefect */
} dec_cases[] = {
	/* Empty input decodes to nothing, without complaint. */
	{ S(""), S(""), 0, 0 },
	/* RFC 4648 10 test vectors, one quantum each. */
	{ S("TWFu"), S("Man"), 0, 0 },
	{ S("TWE="), S("Ma"), 0, 0 },
	{ S("TQ=="), S("M"), 0, 0 },
	{ S("Zm9vYmFy"), S("foobar"), 0, 0 },
	/* RFC 2045 6.8: line breaks are not data, CRLF or bare LF. */
	{ S("Zm9v\r\nYmFy\r\n"), S("foobar"), 0, 0 },
	{ S("Zm9v\nYmFy\n"), S("foobar"), 0, 0 },
	/* RFC 2045 6.8: other characters are ignored, and reported. */
	{ S("Zm9v YmFy"), S("foobar"), BASE64_DEFECT_JUNK,
	    BASE64_PY_CHARACTERS },
	{ S("Z!m@9#v"), S("foo"), BASE64_DEFECT_JUNK, BASE64_PY_CHARACTERS },
	{ S("\xffZm9v"), S("foo"), BASE64_DEFECT_JUNK, BASE64_PY_CHARACTERS },
	/* A NUL byte is junk too, not the end of the input. */
	{ S("Zm\0" "9v"), S("foo"), BASE64_DEFECT_JUNK, BASE64_PY_CHARACTERS },
	/* Missing padding is supplied (Python's decode_b does the same). */
	{ S("TWE"), S("Ma"), BASE64_DEFECT_PADDING, BASE64_PY_PADDING },
	{ S("TQ"), S("M"), BASE64_DEFECT_PADDING, BASE64_PY_PADDING },
	{ S("TQ="), S("M"), BASE64_DEFECT_PADDING, BASE64_PY_PADDING },
	/* Decoding stops at complete padding; what follows is reported. */
	{ S("TQ==TWFu"), S("M"), BASE64_DEFECT_AFTER_PAD,
	    BASE64_PY_CHARACTERS },
	{ S("TQ==\r\n\r\n"), S("M"), 0, 0 },
	/* A leading '=' is not padding: skipped, the rest decodes. */
	{ S("=TWFu"), S("Man"), BASE64_DEFECT_PADDING, BASE64_PY_CHARACTERS },
	/* CPython 3.11 accepts '=' at a quantum boundary silently. */
	{ S("TWFu===="), S("Man"), 0, 0 },
	/* One character too many cannot be decoded: Python returns the
	 * input without its line breaks, and so do we. */
	{ S("TWFuT"), S("TWFuT"), BASE64_DEFECT_LENGTH, BASE64_PY_LENGTH },
	{ S("TWFu\r\nT\r\n"), S("TWFuT"), BASE64_DEFECT_LENGTH,
	    BASE64_PY_LENGTH },
	/* Junk and missing padding together. */
	{ S("T W E"), S("Ma"), BASE64_DEFECT_JUNK | BASE64_DEFECT_PADDING,
	    BASE64_PY_CHARACTERS | BASE64_PY_PADDING },
	/* Binary output, all bits. */
	{ S("AAD/"), S("\0\0\xff"), 0, 0 },
	{ S("+/+/"), S("\xfb\xff\xbf"), 0, 0 },
};

static void
test_decode(void)
{
	size_t	i;

	for (i = 0; i < sizeof(dec_cases) / sizeof(dec_cases[0]); i++) {
		struct buf b;
		unsigned d = 99, py = 99;

		buf_init(&b, 1 << 20);
		CHECK_INT(base64_decode(dec_cases[i].in, dec_cases[i].in_len,
		    &b, &d, &py), 0);
		CHECK_INT(b.len, dec_cases[i].out_len);
		CHECK(b.len == dec_cases[i].out_len && (b.len == 0 ||
		    memcmp(b.data, dec_cases[i].out, b.len) == 0));
		CHECK_INT(d, dec_cases[i].defects);
		CHECK_INT(py, dec_cases[i].py);
		buf_clear(&b);
	}
}

/* Decoding appends: what the buffer held stays in front. */
static void
test_decode_appends(void)
{
	struct buf b;

	buf_init(&b, 100);
	buf_append_str(&b, "x:");
	CHECK_INT(base64_decode("TWFu", 4, &b, NULL, NULL), 0);
	CHECK_STR(b.data, "x:Man");
	/* The LENGTH fallback replaces only its own output. */
	CHECK_INT(base64_decode("TWFuT", 5, &b, NULL, NULL), 0);
	CHECK_STR(b.data, "x:ManTWFuT");
	buf_clear(&b);
}

/* A full buffer is an error, reported as a defect, never an overflow. */
static void
test_decode_cap(void)
{
	struct buf b;
	unsigned d;

	buf_init(&b, 2);
	CHECK_INT(base64_decode("TWFu", 4, &b, &d, NULL), -1);
	CHECK(d & BASE64_DEFECT_TOO_BIG);
	buf_clear(&b);
}

static const struct {
	const char	*in;
	const char	*out;
} enc_cases[] = {
	/* RFC 4648 10. */
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
	/* RFC 4616 PLAIN: NULs are data. */
	{ "\0user\0pass", "AHVzZXIAcGFzcw==" },
};

static void
test_encode(void)
{
	size_t	i;

	for (i = 0; i < sizeof(enc_cases) / sizeof(enc_cases[0]); i++) {
		struct buf b;
		size_t n = strlen(enc_cases[i].in);

		if (i == sizeof(enc_cases) / sizeof(enc_cases[0]) - 1)
			n = 10;
		buf_init(&b, 100);
		CHECK_INT(base64_encode(enc_cases[i].in, n, &b), 0);
		CHECK_STR(b.data ? b.data : "", enc_cases[i].out);
		CHECK_INT(base64_encoded_len(n), b.len);
		buf_clear(&b);
	}
}

/* RFC 2045 6.8: 76-character lines ending in CRLF, the last one too. */
static void
test_encode_lines(void)
{
	unsigned char	in[58];
	struct buf	b;

	memset(in, 'a', sizeof(in));
	buf_init(&b, 1000);
	CHECK_INT(base64_encode_lines(in, 57, 76, &b), 0);
	CHECK_INT(b.len, 78);
	CHECK(b.data[76] == '\r' && b.data[77] == '\n');
	buf_reset(&b);
	CHECK_INT(base64_encode_lines(in, 58, 76, &b), 0);
	CHECK_INT(b.len, 78 + 6);
	CHECK(memcmp(b.data + 78, "YQ==\r\n", 6) == 0);
	buf_reset(&b);
	/* No data, no line. */
	CHECK_INT(base64_encode_lines(in, 0, 76, &b), 0);
	CHECK_INT(b.len, 0);
	buf_clear(&b);
}

/* Every byte value and every length modulo 3 survives a round trip, and
 * decoding what we encode never reports a defect. */
static void
test_roundtrip(void)
{
	unsigned char	in[300];
	size_t		i, n;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (n = 0; n < sizeof(in); n += 1 + n / 8) {
		struct buf e, d;
		unsigned df, py;

		buf_init(&e, 1 << 16);
		buf_init(&d, 1 << 16);
		CHECK_INT(base64_encode_lines(in, n, 76, &e), 0);
		CHECK_INT(base64_decode(e.data ? e.data : "", e.len, &d, &df,
		    &py), 0);
		CHECK_INT(d.len, n);
		CHECK(n == 0 || memcmp(d.data, in, n) == 0);
		CHECK_INT(df, 0);
		CHECK_INT(py, 0);
		buf_clear(&e);
		buf_clear(&d);
	}
}

/* Every defect bit has a name and an identifier. */
static void
test_names(void)
{
	unsigned bit;

	for (bit = 1; bit < 1u << BASE64_DEFECT_COUNT; bit <<= 1) {
		CHECK(strcmp(base64_defect_name(bit), "unknown") != 0);
		CHECK(strcmp(base64_defect_id(bit), "unknown") != 0);
	}
	CHECK_STR(base64_defect_name(1u << BASE64_DEFECT_COUNT), "unknown");
	CHECK_STR(base64_pydefect_name(BASE64_PY_PADDING),
	    "InvalidBase64PaddingDefect");
	CHECK_STR(base64_pydefect_name(BASE64_PY_CHARACTERS),
	    "InvalidBase64CharactersDefect");
	CHECK_STR(base64_pydefect_name(BASE64_PY_LENGTH),
	    "InvalidBase64LengthDefect");
}

static const struct test tests[] = {
	{ "decode table", test_decode },
	{ "decode appends", test_decode_appends },
	{ "decode cap", test_decode_cap },
	{ "encode RFC 4648 vectors", test_encode },
	{ "encode MIME lines", test_encode_lines },
	{ "round trip", test_roundtrip },
	{ "defect names", test_names },
};

TEST_MAIN("base64", tests)
