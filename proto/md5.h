/* SPDX-License-Identifier: MIT */
/* MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for CRAM-MD5 (RFC 2195) and APOP
 * (RFC 1939): proto/ may not use OpenSSL, and the lab server reuses these. */
#ifndef PROTO_MD5_H
#define PROTO_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_DIGEST_LEN	16

struct md5 {
	uint32_t	 state[4];
	uint64_t	 count;		/* bytes hashed so far */
	unsigned char	 block[64];
};

/* Start a hash. */
void	md5_init(struct md5 *);
/* Hash more bytes. */
void	md5_update(struct md5 *, const void *, size_t);
/* Finish: write the 16-byte digest and wipe the context. */
void	md5_final(struct md5 *, unsigned char digest_r[MD5_DIGEST_LEN]);
/* One-shot MD5 of a buffer. */
void	md5_digest(const void *, size_t, unsigned char digest_r[MD5_DIGEST_LEN]);
/* HMAC-MD5 (RFC 2104) of msg under key; intermediate state is wiped. */
void	md5_hmac(const void *key, size_t key_len, const void *msg,
	    size_t msg_len, unsigned char digest_r[MD5_DIGEST_LEN]);
/* Lower-case hex of a digest, NUL-terminated (33 bytes). */
void	md5_hex(const unsigned char digest[MD5_DIGEST_LEN], char hex_r[33]);

#endif
