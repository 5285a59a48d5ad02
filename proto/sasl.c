/* SPDX-License-Identifier: MIT */
/* Client payloads for /auth: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, APOP. */
#include <string.h>

#include "proto/md5.h"
#include "proto/sasl.h"
#include "proto/util.h"

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

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Written here rather than taken from base64.c: SASL wants the strict
 * RFC 4648 alphabet with no tolerance (RFC 4954 4: a malformed challenge
 * is answered with "*"), while base64.c is tolerant like MIME readers. */
int
sasl_base64_encode(const void *in, size_t len, struct buf *out)
{
	const unsigned char	*p = in;
	size_t			 i, old = out->len;
	char			 q[4];
	uint32_t		 v;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? b64[v & 63] : '=';
		if (buf_append(out, q, 4) == -1) {
			out->len = old;
			return -1;
		}
	}
	return 0;
}

static int
b64_value(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

int
sasl_base64_decode(const char *in, size_t len, struct buf *out)
{
	uint32_t	v = 0;
	size_t		i, n = 0, pad = 0, old = out->len;
	int		d;
	char		c;

	for (i = 0; i < len; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (d = b64_value(in[i])) == -1)
			goto bad;
		v = (v << 6) | (uint32_t)d;
		if (++n % 4 == 0) {
			c = (char)(v >> 16);
			if (buf_append_byte(out, c) == -1)
				goto bad;
			c = (char)(v >> 8);
			if (buf_append_byte(out, c) == -1)
				goto bad;
			c = (char)v;
			if (buf_append_byte(out, c) == -1)
				goto bad;
			v = 0;
		}
	}
	/* Trailing group: 2 or 3 characters give 1 or 2 bytes. */
	switch (n % 4) {
	case 0:
		break;
	case 2:
		if (buf_append_byte(out, (char)(v >> 4)) == -1)
			goto bad;
		break;
	case 3:
		if (buf_append_byte(out, (char)(v >> 10)) == -1 ||
		    buf_append_byte(out, (char)(v >> 2)) == -1)
			goto bad;
		break;
	default:
		goto bad;
	}
	if (pad > 2 || (pad > 0 && (n + pad) % 4 != 0))
		goto bad;
	return 0;
bad:
	if (out->data != NULL)
		explicit_bzero(out->data + old, out->len - old);
	out->len = old;
	return -1;
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
	    buf_append(&raw, secret, secret_len) == -1 ||
	    sasl_base64_encode(raw.data, raw.len, out) == -1) ? -1 : 0;
	buf_wipe(&raw);
	return r;
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
	    buf_append(&raw, "\001\001", 2) == -1 ||
	    sasl_base64_encode(raw.data, raw.len, out) == -1) ? -1 : 0;
	buf_wipe(&raw);
	return r;
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
	r = (buf_printf(&raw, "%s %s", user, hex) == -1 ||
	    sasl_base64_encode(raw.data, raw.len, out) == -1) ? -1 : 0;
	if (r == -1)
		*errstr_r = "CRAM-MD5 response too long";
	buf_wipe(&raw);
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
