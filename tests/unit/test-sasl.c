/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/sasl.c: base64, PLAIN, CRAM-MD5, XOAUTH2, APOP. */
#include <string.h>

#include "proto/sasl.h"
#include "tests/unit/harness.h"

/* RFC 4648 10 test vectors, both ways (sasl_encode is base64_encode). */
static void
test_base64(void)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf	b;

		buf_init(&b, 64);
		CHECK_INT(sasl_encode(v[i][0], strlen(v[i][0]), &b), 0);
		CHECK_STR(b.data != NULL ? b.data : "", v[i][1]);
		buf_reset(&b);
		CHECK_INT(sasl_base64_decode(v[i][1], strlen(v[i][1]), &b), 0);
		CHECK(b.len == strlen(v[i][0]) &&
		    (b.len == 0 || memcmp(b.data, v[i][0], b.len) == 0));
		buf_clear(&b);
	}
}

/* Strict decoding: junk, misplaced padding, a lone character refused. */
static void
test_base64_bad(void)
{
	static const char *const bad[] = {
		"Zm9v!", "Zg=a", "Z", "Zg===", "Zm 9v",
		"Zm9vZ",	/* a lone character in the last group */
		"Zg=",		/* padding that does not complete a group */
		"Zm9v=",	/* padding after a whole group */
		"=",		/* RFC 4954's empty response is the caller's */
		"Zm9v\r\n",	/* no line breaks in SASL */
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf	b;

		buf_init(&b, 64);
		CHECK_INT(sasl_base64_decode(bad[i], strlen(bad[i]), &b), -1);
		CHECK_INT(b.len, 0);
		buf_clear(&b);
	}
}

/* RFC 4616 PLAIN, RFC 2195 CRAM-MD5 and RFC 1939 APOP examples. */
static void
test_mechs(void)
{
	struct buf	 b;
	const char	*err, *ts;
	char		 hex[33];
	size_t		 tslen;
	enum sasl_mech	 m;

	buf_init(&b, 1024);
	CHECK_INT(sasl_plain("tim", "tanstaaf", 8, &b), 0);
	CHECK_STR(b.data, "AHRpbQB0YW5zdGFhZg==");
	buf_reset(&b);
	CHECK_INT(sasl_cram_md5("tim", "tanstaaftanstaaf", 16,
	    "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", 56,
	    &b, &err), 0);
	CHECK_STR(b.data, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	buf_reset(&b);
	CHECK_INT(sasl_cram_md5("tim", "x", 1, "!!", 2, &b, &err), -1);
	buf_reset(&b);
	CHECK_INT(sasl_xoauth2("a@b", "tok", 3, &b), 0);
	/* base64("user=a@b\1auth=Bearer tok\1\1") */
	CHECK_STR(b.data, "dXNlcj1hQGIBYXV0aD1CZWFyZXIgdG9rAQE=");
	buf_clear(&b);
	CHECK_INT(sasl_apop_timestamp("POP3 ready <1896.697170952@dbc."
	    "mtview.ca.us>", 44, &ts, &tslen), 0);
	CHECK_INT(tslen, 33);
	sasl_apop_digest(ts, tslen, "tanstaaf", 8, hex);
	CHECK_STR(hex, "c4c9334bac560ecc979e58001b3e22fb");
	/* No "@": not an RFC 1939 timestamp. */
	CHECK_INT(sasl_apop_timestamp("ready <abc>", 11, &ts, &tslen), -1);
	CHECK_INT(sasl_mech_parse("cram-md5", 8, &m), 0);
	CHECK_INT(m, SASL_CRAM_MD5);
	CHECK_INT(sasl_mech_parse("USER/PASS", 9, &m), 0);
	CHECK_INT(m, SASL_USER);
	CHECK_INT(sasl_mech_parse("GSSAPI", 6, &m), -1);
}

/* Padding is optional (RFC 4954 4 servers differ); a failed decode or an
 * encode past the cap leaves what the buffer held before, and wipes. */
static void
test_base64_edges(void)
{
	struct buf	b;

	buf_init(&b, 64);
	CHECK_INT(sasl_base64_decode("Zm9vYg", 6, &b), 0);
	CHECK_STR(b.data, "foob");
	CHECK_INT(sasl_base64_decode("Zm9v!", 5, &b), -1);
	CHECK_INT(b.len, 4);
	CHECK_STR(b.data, "foob");
	buf_clear(&b);
	buf_init(&b, 10);
	CHECK_INT(buf_append(&b, "ab", 2), 0);
	/* 6 bytes encode to 8 characters: 2 + 8 fits, 2 + 12 does not. */
	CHECK_INT(sasl_encode("secret", 6, &b), 0);
	CHECK_STR(b.data, "abc2VjcmV0");
	buf_reset(&b);
	CHECK_INT(buf_append(&b, "ab", 2), 0);
	CHECK_INT(sasl_encode("secret!!", 8, &b), -1);
	CHECK_INT(b.len, 2);
	CHECK_STR(b.data, "ab");
	buf_clear(&b);
}

static const struct test tests[] = {
	{ "base64 RFC 4648 vectors", test_base64 },
	{ "base64 padding optional; failures leave out as it was",
	    test_base64_edges },
	{ "base64 strict refusals", test_base64_bad },
	{ "sasl PLAIN/CRAM-MD5/XOAUTH2/APOP", test_mechs },
};

TEST_MAIN("sasl", tests)
