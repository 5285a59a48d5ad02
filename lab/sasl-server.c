/* SPDX-License-Identifier: MIT */
/* Server side of SASL PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195) for
 * the lab's POP3 AUTH (RFC 5034) and SMTP AUTH (RFC 4954). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab-int.h"
#include "proto/base64.h"
#include "proto/md5.h"
#include "proto/sasl.h"
#include "base/util.h"

enum { M_NONE, M_PLAIN, M_LOGIN, M_CRAM };

bool
labsasl_hex_equal(const char *hex, const char *given)
{
	unsigned char	diff = 0;
	size_t		i;

	/* Every byte compared, whatever differs first (no timing oracle);
	 * the peer may use either case for hex digits. */
	for (i = 0; i < 32; i++)
		diff |= (unsigned char)(hex[i] ^ (given[i] | 0x20));
	return diff == 0;
}

void
labsasl_clear(struct labsasl *s)
{
	explicit_bzero(s, sizeof(*s));
}

static enum labsasl_step
check(struct labsasl *s, struct lab *lab, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	char name[128];

	s->acct = lab_user_check(lab, user, ulen, pass, plen);
	snprintf(name, sizeof(name), "%.*s", (int)(ulen > 100 ? 100 : ulen),
	    user);
	memcpy(s->user, name, sizeof(s->user));
	s->mech = M_NONE;
	return s->acct != NULL ? LABSASL_OK : LABSASL_FAIL;
}

static enum labsasl_step
plain(struct labsasl *s, struct lab *lab, const char *p, size_t len)
{
	const char *z1, *z2;
	size_t authz_len, user_len;

	/* RFC 4616 2: [authzid] NUL authcid NUL passwd */
	if ((z1 = memchr(p, '\0', len)) == NULL)
		return LABSASL_BAD;
	if ((z2 = memchr(z1 + 1, '\0', len - (size_t)(z1 + 1 - p))) == NULL)
		return LABSASL_BAD;
	authz_len = (size_t)(z1 - p);
	user_len = (size_t)(z2 - z1 - 1);
	/* We only let users act as themselves. */
	if (authz_len > 0 && (authz_len != user_len ||
	    memcmp(p, z1 + 1, user_len) != 0))
		return check(s, lab, "", 0, "", 0);
	return check(s, lab, z1 + 1, user_len, z2 + 1,
	    len - (size_t)(z2 + 1 - p));
}

static enum labsasl_step
cram(struct labsasl *s, struct lab *lab, const char *p, size_t len)
{
	const char *sp = NULL;
	struct lab_account *a;
	unsigned char d[MD5_DIGEST_LEN];
	char hex[33];
	size_t i;
	bool ok;

	/* RFC 2195 2: "user SP hex-digest" with the digest last. */
	for (i = len; i > 0; i--)
		if (p[i - 1] == ' ') {
			sp = p + i - 1;
			break;
		}
	if (sp == NULL || (size_t)(p + len - sp - 1) != 32)
		return LABSASL_BAD;
	snprintf(s->user, sizeof(s->user), "%.*s", (int)((size_t)(sp - p) >
	    100 ? 100 : (size_t)(sp - p)), p);
	s->mech = M_NONE;
	a = lab_user_find(lab, p, (size_t)(sp - p));
	if (a == NULL || ((lab->scenarios | a->scenarios) & LAB_SC_AUTH_FAIL))
		return LABSASL_FAIL;
	md5_hmac(a->pass, strlen(a->pass), s->challenge,
	    strlen(s->challenge), d);
	md5_hex(d, hex);
	explicit_bzero(d, sizeof(d));
	ok = labsasl_hex_equal(hex, sp + 1);
	explicit_bzero(hex, sizeof(hex));
	if (!ok)
		return LABSASL_FAIL;
	s->acct = a;
	return LABSASL_OK;
}

/* Decode one client response and act on it in the current step. */
static enum labsasl_step
respond(struct labsasl *s, struct lab *lab, const char *p, size_t len,
    struct buf *out)
{
	struct buf dec;
	enum labsasl_step r = LABSASL_BAD;

	if (len == 1 && p[0] == '*') {
		labsasl_clear(s);
		return LABSASL_CANCEL;
	}
	buf_init(&dec, 16384);
	/* RFC 4954 4: "=" is the empty response. */
	if (!(len == 1 && p[0] == '=') &&
	    sasl_base64_decode(p, len, &dec) == -1) {
		buf_wipe(&dec);
		s->mech = M_NONE;
		return LABSASL_BAD;
	}
	switch (s->mech) {
	case M_PLAIN:
		r = plain(s, lab, dec.data ? dec.data : "", dec.len);
		break;
	case M_LOGIN:
		if (s->step == 0) {
			/* A user name with a NUL in it is no user name. */
			if (dec.len > 0 && memchr(dec.data, '\0', dec.len) !=
			    NULL) {
				r = LABSASL_BAD;
				break;
			}
			snprintf(s->user, sizeof(s->user), "%.*s",
			    (int)(dec.len > 100 ? 100 : dec.len),
			    dec.data ? dec.data : "");
			s->step = 1;
			(void)base64_encode("Password:", 9, out);
			r = LABSASL_CONTINUE;
		} else
			r = check(s, lab, s->user, strlen(s->user),
			    dec.data ? dec.data : "", dec.len);
		break;
	case M_CRAM:
		r = cram(s, lab, dec.data ? dec.data : "", dec.len);
		break;
	}
	buf_wipe(&dec);
	if (r == LABSASL_BAD)
		s->mech = M_NONE;
	return r;
}

enum labsasl_step
labsasl_start(struct labsasl *s, struct lab *lab, const char *mech,
    size_t mech_len, const char *ir, size_t ir_len, bool *unknown_r,
    struct buf *out)
{
	labsasl_clear(s);
	*unknown_r = false;
	if (slice_eq_ci(mech, mech_len, "PLAIN"))
		s->mech = M_PLAIN;
	else if (slice_eq_ci(mech, mech_len, "LOGIN"))
		s->mech = M_LOGIN;
	else if (slice_eq_ci(mech, mech_len, "CRAM-MD5"))
		s->mech = M_CRAM;
	else {
		*unknown_r = true;
		return LABSASL_FAIL;
	}
	if (s->mech == M_CRAM) {
		/* RFC 2195 2: a challenge in msg-id form, unique per use. */
		unsigned char rnd[8];
		FILE *f = fopen("/dev/urandom", "re");

		memset(rnd, 0, sizeof(rnd));
		if (f != NULL) {
			if (fread(rnd, 1, sizeof(rnd), f) != sizeof(rnd))
				memset(rnd, 0x5a, sizeof(rnd));
			fclose(f);
		}
		snprintf(s->challenge, sizeof(s->challenge),
		    "<%u.%02x%02x%02x%02x%02x%02x.%lld@%s>", (unsigned)getpid(),
		    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
		    (long long)time(NULL), LAB_DOMAIN);
		if (ir != NULL)
			return respond(s, lab, ir, ir_len, out);
		(void)base64_encode(s->challenge, strlen(s->challenge), out);
		return LABSASL_CONTINUE;
	}
	if (ir != NULL)
		return respond(s, lab, ir, ir_len, out);
	if (s->mech == M_LOGIN)
		(void)base64_encode("Username:", 9, out);
	return LABSASL_CONTINUE;
}

enum labsasl_step
labsasl_next(struct labsasl *s, struct lab *lab, const char *p, size_t len,
    struct buf *out)
{
	if (s->mech == M_NONE)
		return LABSASL_BAD;
	return respond(s, lab, p, len, out);
}
