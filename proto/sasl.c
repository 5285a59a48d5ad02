/* SPDX-License-Identifier: MIT */
/* Client payloads for /auth: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, APOP. */
#include <stdint.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/md5.h"
#include "proto/sasl.h"
#include "base/util.h"

static const char *const sasl_names[SASL_MECH_COUNT] = {
	[SASL_PLAIN] = "PLAIN",
	[SASL_LOGIN] = "LOGIN",
	[SASL_CRAM_MD5] = "CRAM-MD5",
	[SASL_XOAUTH2] = "XOAUTH2",
	[SASL_APOP] = "APOP",
	[SASL_USER] = "USER",
};

int
sasl_mech_parse(const char *s, size_t len, enum sasl_mech *mech_r)
{
	size_t	i;

	if (slice_eq_ci(s, len, "USER/PASS") || slice_eq_ci(s, len, "PASS")) {
		*mech_r = SASL_USER;
		return 0;
	}
	for (i = 0; i < SASL_MECH_COUNT; i++) {
		if (slice_eq_ci(s, len, sasl_names[i])) {
			*mech_r = (enum sasl_mech)i;
			return 0;
		}
	}
	return -1;
}

const char *
sasl_mech_name(enum sasl_mech m)
{
	return (unsigned)m < SASL_MECH_COUNT ? sasl_names[m] : "?";
}

/* RFC 4648 4 alphabet values; -1 for everything else ('=' included). */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Put out back to old, wiping what was appended past it. */
static void
undo(struct buf *out, size_t old)
{
	if (out->data != NULL)
		explicit_bzero(out->data + old, out->len - old);
	out->len = old;
	if (out->data != NULL)
		out->data[old] = '\0';
}

/* Not base64.c's decoder: that one is tolerant like MIME readers, and SASL
 * wants no tolerance (RFC 4954 4: a malformed challenge is answered with
 * "*", a malformed response refused with 501). */
int
sasl_base64_decode(const char *in, size_t len, struct buf *out)
{
	uint32_t	v = 0;
	size_t		i, bits = 0, pad = 0, old = out->len;
	int		d;

	for (i = 0; i < len; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (d = b64_value((unsigned char)in[i])) == -1)
			goto bad;
		v = (v << 6 | (uint32_t)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_append_byte(out, (char)(v >> bits)) == -1)
				goto bad;
		}
	}
	/* A lone character in the last group carries no whole byte; padding
	 * only completes a group of 4 and is at most "==". */
	if (bits == 6 || pad > 2 || (pad > 0 && len % 4 != 0))
		goto bad;
	return 0;
bad:
	undo(out, old);
	return -1;
}

int
sasl_encode(const void *in, size_t len, struct buf *out)
{
	size_t	old = out->len;

	if (base64_encode(in, len, out) == -1) {
		undo(out, old);
		return -1;
	}
	return 0;
}

/* Encode raw (when built is 0) onto out, then wipe raw. 0 or -1. */
static int
encode_wipe(struct buf *raw, int built, struct buf *out)
{
	int	r = built == 0 ? sasl_encode(raw->data, raw->len, out) : -1;

	buf_wipe(raw);
	return r;
}

int
sasl_plain(const char *user, const char *secret, size_t secret_len,
    struct buf *out)
{
	struct buf	raw;
	int		r;

	/* RFC 4616 2: [authzid] NUL authcid NUL passwd. */
	buf_init(&raw, 64 * 1024);
	r = (buf_append_byte(&raw, '\0') == -1 ||
	    buf_append_str(&raw, user) == -1 ||
	    buf_append_byte(&raw, '\0') == -1 ||
	    buf_append(&raw, secret, secret_len) == -1) ? -1 : 0;
	return encode_wipe(&raw, r, out);
}

int
sasl_xoauth2(const char *user, const char *token, size_t token_len,
    struct buf *out)
{
	struct buf	raw;
	int		r;

	/* Google's XOAUTH2: "user=" U ^A "auth=Bearer " T ^A ^A. */
	buf_init(&raw, 64 * 1024);
	r = (buf_printf(&raw, "user=%s\001auth=Bearer ", user) == -1 ||
	    buf_append(&raw, token, token_len) == -1 ||
	    buf_append(&raw, "\001\001", 2) == -1) ? -1 : 0;
	return encode_wipe(&raw, r, out);
}

int
sasl_cram_md5(const char *user, const char *secret, size_t secret_len,
    const char *challenge, size_t challenge_len, struct buf *out,
    const char **errstr_r)
{
	struct buf	chal, raw;
	unsigned char	d[MD5_DIGEST_LEN];
	char		hex[33];
	int		r;

	buf_init(&chal, 64 * 1024);
	if (sasl_base64_decode(challenge, challenge_len, &chal) == -1) {
		buf_clear(&chal);
		*errstr_r = "CRAM-MD5 challenge is not valid base64";
		return -1;
	}
	/* RFC 2195 2: digest = HMAC-MD5(secret, challenge) in lower-case
	 * hex; response = base64(user SP digest). */
	md5_hmac(secret, secret_len, chal.data != NULL ? chal.data : "",
	    chal.len, d);
	md5_hex(d, hex);
	buf_init(&raw, 64 * 1024);
	r = encode_wipe(&raw, buf_printf(&raw, "%s %s", user, hex), out);
	if (r == -1)
		*errstr_r = "CRAM-MD5 response too long";
	buf_clear(&chal);
	explicit_bzero(d, sizeof(d));
	explicit_bzero(hex, sizeof(hex));
	return r;
}

void
sasl_apop_digest(const char *timestamp, size_t timestamp_len,
    const char *secret, size_t secret_len, char hex_r[33])
{
	struct md5	ctx;
	unsigned char	d[MD5_DIGEST_LEN];

	/* RFC 1939 7: MD5(timestamp || shared secret), lower-case hex. */
	md5_init(&ctx);
	md5_update(&ctx, timestamp, timestamp_len);
	md5_update(&ctx, secret, secret_len);
	md5_final(&ctx, d);
	md5_hex(d, hex_r);
	explicit_bzero(d, sizeof(d));
}

int
sasl_apop_timestamp(const char *text, size_t len, const char **ts_r,
    size_t *len_r)
{
	const char	*lt, *gt, *at;

	/* RFC 1939 7: a msg-id, "<" ... "@" ... ">", in the greeting. */
	lt = memchr(text, '<', len);
	while (lt != NULL) {
		gt = memchr(lt, '>', len - (size_t)(lt - text));
		if (gt == NULL)
			return -1;
		at = memchr(lt, '@', (size_t)(gt - lt));
		if (at != NULL && memchr(lt + 1, '<', (size_t)(gt - lt - 1)) ==
		    NULL) {
			*ts_r = lt;
			*len_r = (size_t)(gt - lt) + 1;
			return 0;
		}
		lt = memchr(lt + 1, '<', len - (size_t)(lt + 1 - text));
	}
	return -1;
}
