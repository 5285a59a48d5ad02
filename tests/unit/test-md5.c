/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/md5.c: RFC 1321 A.5 and RFC 2104/2202 vectors. */
#include <string.h>

#include "proto/md5.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*in;
	const char	*hex;
} md5_cases[] = {
	/* RFC 1321 A.5 test suite, every entry. */
	{ "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	    "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890123456789012345678901234567890123456789012345678901234"
	  "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
};

/* Every RFC 1321 vector, hashed whole and fed one byte at a time. */
static void
test_md5_vectors(void)
{
	size_t	i, j;

	for (i = 0; i < sizeof(md5_cases) / sizeof(md5_cases[0]); i++) {
		unsigned char	d[MD5_DIGEST_LEN];
		char		hex[33];
		struct md5	ctx;
		const char	*in = md5_cases[i].in;

		md5_digest(in, strlen(in), d);
		md5_hex(d, hex);
		CHECK_STR(hex, md5_cases[i].hex);
		md5_init(&ctx);
		for (j = 0; j < strlen(in); j++)
			md5_update(&ctx, in + j, 1);
		md5_final(&ctx, d);
		md5_hex(d, hex);
		CHECK_STR(hex, md5_cases[i].hex);
	}
}

/* Padding edges: 55, 56, 63, 64 and 65 bytes cross the length field. */
static void
test_md5_edges(void)
{
	static const struct {
		size_t		 n;
		const char	*hex;
	} c[] = {
		{ 55, "ef1772b6dff9a122358552954ad0df65" },
		{ 56, "3b0c8ac703f828b04c6c197006d17218" },
		{ 64, "014842d480b571495a4a0363793f7367" },
		{ 65, "c743a45e0d2e6a95cb859adae0248435" },
	};
	char	buf[65];
	size_t	i;

	memset(buf, 'a', sizeof(buf));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unsigned char	d[MD5_DIGEST_LEN];
		char		hex[33];

		md5_digest(buf, c[i].n, d);
		md5_hex(d, hex);
		CHECK_STR(hex, c[i].hex);
	}
}

/* HMAC-MD5: RFC 2104 appendix / RFC 2202 2 test cases 1-3, 6 (long key). */
static void
test_hmac(void)
{
	unsigned char	key[80], data[50], d[MD5_DIGEST_LEN];
	char		hex[33];

	memset(key, 0x0b, 16);
	md5_hmac(key, 16, "Hi There", 8, d);
	md5_hex(d, hex);
	CHECK_STR(hex, "9294727a3638bb1c13f48ef8158bfc9d");

	md5_hmac("Jefe", 4, "what do ya want for nothing?", 28, d);
	md5_hex(d, hex);
	CHECK_STR(hex, "750c783e6ab0b503eaa86e310a5db738");

	memset(key, 0xaa, 16);
	memset(data, 0xdd, 50);
	md5_hmac(key, 16, data, 50, d);
	md5_hex(d, hex);
	CHECK_STR(hex, "56be34521d144c88dbb8c733f0e8b3f6");

	memset(key, 0xaa, 80);
	md5_hmac(key, 80, "Test Using Larger Than Block-Size Key - Hash Key "
	    "First", 54, d);
	md5_hex(d, hex);
	CHECK_STR(hex, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");

	/* RFC 2195 2: the CRAM-MD5 example digest. */
	md5_hmac("tanstaaftanstaaf", 16,
	    "<1896.697170952@postoffice.reston.mci.net>", 42, d);
	md5_hex(d, hex);
	CHECK_STR(hex, "b913a602c7eda7a495b4e6e7334d3890");
}

static const struct test tests[] = {
	{ "md5 RFC 1321 vectors", test_md5_vectors },
	{ "md5 padding edges", test_md5_edges },
	{ "hmac-md5 RFC 2104/2202/2195", test_hmac },
};

TEST_MAIN("md5", tests)
