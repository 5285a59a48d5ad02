/* SPDX-License-Identifier: MIT */
/* The login mechanisms of /auth: SASL PLAIN (RFC 4616), LOGIN, CRAM-MD5
 * (RFC 2195), XOAUTH2, and POP3 APOP (RFC 1939) and USER/PASS. Builds the
 * client's payloads (the engines send them); the strict base64 decoder
 * and the APOP digest also serve the lab's server side. */
#ifndef PROTO_SASL_H
#define PROTO_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum sasl_mech {
	SASL_PLAIN,
	SASL_LOGIN,
	SASL_CRAM_MD5,
	SASL_XOAUTH2,
	SASL_APOP,		/* POP3 only, not SASL */
	SASL_USER,		/* POP3 USER/PASS, not SASL */
	SASL_MECH_COUNT
};

/* Mechanism by name, case-insensitive ("PLAIN", "cram-md5", "USER",
 * "USER/PASS", "APOP"). 0, or -1 if unknown. */
int		 sasl_mech_parse(const char *, size_t, enum sasl_mech *mech_r);
/* Canonical name ("CRAM-MD5"). */
const char	*sasl_mech_name(enum sasl_mech);

/* Strict base64 (RFC 4648 4) for SASL: decode text (no whitespace, no
 * junk, padding optional but only where it belongs) appending to out.
 * 0, or -1 on bad input or full out, with out as it was (the bytes
 * appended meanwhile wiped). RFC 4954 4 and RFC 5034 4: a malformed
 * challenge or response is refused, never repaired. Encoding is
 * base64_encode() from proto/base64.h. */
int	sasl_base64_decode(const char *, size_t, struct buf *out);
/* base64_encode() of len bytes, all or nothing: 0, or -1 past out's cap
 * with out as it was (what was appended meanwhile wiped). For payloads
 * that carry a secret, such as LOGIN's user name and password. */
int	sasl_encode(const void *, size_t, struct buf *out);

/* PLAIN response, base64 of "\0user\0secret" (RFC 4616 2, empty authzid).
 * Appends to out (a buffer the caller wipes). 0, or -1 with out as it
 * was (too long); the same holds for the other payload builders. */
int	sasl_plain(const char *user, const char *secret, size_t secret_len,
	    struct buf *out);
/* XOAUTH2 response, base64 of "user=U\1auth=Bearer TOKEN\1\1". 0 or -1. */
int	sasl_xoauth2(const char *user, const char *token, size_t token_len,
	    struct buf *out);
/* CRAM-MD5 response (RFC 2195 2): base64 of "user " + hex HMAC-MD5 of the
 * decoded challenge under the secret. challenge is the base64 text of the
 * 334 / "+ " line. 0, or -1 with *errstr_r (bad base64). */
int	sasl_cram_md5(const char *user, const char *secret, size_t secret_len,
	    const char *challenge, size_t challenge_len, struct buf *out,
	    const char **errstr_r);
/* APOP digest (RFC 1939 7): lower-case hex MD5 of timestamp (with its angle
 * brackets) followed by the secret; hex_r gets 33 bytes. */
void	sasl_apop_digest(const char *timestamp, size_t timestamp_len,
	    const char *secret, size_t secret_len, char hex_r[33]);
/* Find the APOP timestamp "<...@...>" in a POP3 greeting's text. Returns 0
 * with *ts_r and *len_r pointing into text (brackets included), -1 if none. */
int	sasl_apop_timestamp(const char *text, size_t len, const char **ts_r,
	    size_t *len_r);

#endif
