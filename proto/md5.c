/* SPDX-License-Identifier: MIT */
/* MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), written from the RFCs. */
#include <string.h>

#include "proto/md5.h"

/* RFC 1321 3.4: per-round shift amounts. */
static const unsigned md5_s[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

/* RFC 1321 3.4: T[i] = floor(2^32 * abs(sin(i + 1))). */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static uint32_t
rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

static void
md5_block(uint32_t st[4], const unsigned char *p)
{
	uint32_t	m[16], a, b, c, d, f, tmp;
	unsigned	i, g;

	/* RFC 1321 3.4: words are little-endian. */
	for (i = 0; i < 16; i++)
		m[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 |
		    (uint32_t)p[i * 4 + 2] << 16 | (uint32_t)p[i * 4 + 3] << 24;
	a = st[0];
	b = st[1];
	c = st[2];
	d = st[3];
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (b & d) | (c & ~d);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		tmp = d;
		d = c;
		c = b;
		b = b + rol(a + f + md5_t[i] + m[g], md5_s[i]);
		a = tmp;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	memset(m, 0, sizeof(m));
}

void
md5_init(struct md5 *ctx)
{
	ctx->state[0] = 0x67452301;
	ctx->state[1] = 0xefcdab89;
	ctx->state[2] = 0x98badcfe;
	ctx->state[3] = 0x10325476;
	ctx->count = 0;
}

void
md5_update(struct md5 *ctx, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 have = ctx->count % 64, take;

	ctx->count += len;
	if (have > 0) {
		take = 64 - have < len ? 64 - have : len;
		memcpy(ctx->block + have, p, take);
		p += take;
		len -= take;
		if (have + take < 64)
			return;
		md5_block(ctx->state, ctx->block);
	}
	while (len >= 64) {
		md5_block(ctx->state, p);
		p += 64;
		len -= 64;
	}
	if (len > 0)
		memcpy(ctx->block, p, len);
}

void
md5_final(struct md5 *ctx, unsigned char digest_r[MD5_DIGEST_LEN])
{
	unsigned char	pad[72];
	uint64_t	bits = ctx->count * 8;
	size_t		padlen, i;

	/* RFC 1321 3.1-3.2: 0x80, zeros to 56 mod 64, then the bit length. */
	padlen = (ctx->count % 64 < 56) ? 56 - ctx->count % 64 :
	    120 - ctx->count % 64;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (8 * i));
	md5_update(ctx, pad, padlen + 8);
	for (i = 0; i < 4; i++) {
		digest_r[i * 4] = (unsigned char)ctx->state[i];
		digest_r[i * 4 + 1] = (unsigned char)(ctx->state[i] >> 8);
		digest_r[i * 4 + 2] = (unsigned char)(ctx->state[i] >> 16);
		digest_r[i * 4 + 3] = (unsigned char)(ctx->state[i] >> 24);
	}
	explicit_bzero(ctx, sizeof(*ctx));
}

void
md5_digest(const void *p, size_t len, unsigned char digest_r[MD5_DIGEST_LEN])
{
	struct md5	ctx;

	md5_init(&ctx);
	md5_update(&ctx, p, len);
	md5_final(&ctx, digest_r);
}

void
md5_hmac(const void *key, size_t key_len, const void *msg, size_t msg_len,
    unsigned char digest_r[MD5_DIGEST_LEN])
{
	unsigned char	k[64], pad[64], inner[MD5_DIGEST_LEN];
	struct md5	ctx;
	size_t		i;

	/* RFC 2104 2: keys longer than the block are hashed first. */
	memset(k, 0, sizeof(k));
	if (key_len > 64)
		md5_digest(key, key_len, k);
	else if (key_len > 0)
		memcpy(k, key, key_len);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	md5_init(&ctx);
	md5_update(&ctx, pad, 64);
	md5_update(&ctx, msg, msg_len);
	md5_final(&ctx, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	md5_init(&ctx);
	md5_update(&ctx, pad, 64);
	md5_update(&ctx, inner, sizeof(inner));
	md5_final(&ctx, digest_r);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}

void
md5_hex(const unsigned char digest[MD5_DIGEST_LEN], char hex_r[33])
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < MD5_DIGEST_LEN; i++) {
		hex_r[i * 2] = hex[digest[i] >> 4];
		hex_r[i * 2 + 1] = hex[digest[i] & 0x0f];
	}
	hex_r[32] = '\0';
}
