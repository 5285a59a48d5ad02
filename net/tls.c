/* SPDX-License-Identifier: MIT */
/* OpenSSL client contexts, verification and handshake summaries. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "net/tls.h"
#include "base/buf.h"
#include "base/util.h"

const char *
tls_last_error_code(unsigned long *code_r)
{
	static char msg[256];
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	*code_r = last;
	if (last == 0)
		return "unknown error";
	ERR_error_string_n(last, msg, sizeof(msg));
	return msg;
}

const char *
tls_last_error(void)
{
	unsigned long code;

	return tls_last_error_code(&code);
}

/* The SSL ex_data slot holding the depth (+1) of the first certificate
 * that failed verification; made once. */
static int depth_idx = -1;

/* Verification goes on as OpenSSL decides (ok is returned unchanged, so
 * the first error still ends it); this only notes where it failed, which
 * SSL_get_verify_result does not tell. */
static int
verify_note(int ok, X509_STORE_CTX *x)
{
	SSL *ssl;

	if (ok || depth_idx < 0)
		return ok;
	ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl != NULL && SSL_get_ex_data(ssl, depth_idx) == NULL)
		SSL_set_ex_data(ssl, depth_idx,
		    (void *)(intptr_t)(X509_STORE_CTX_get_error_depth(x) + 1));
	return ok;
}

enum tls_verify
tls_verify_class(long code)
{
	/* x509_vfy.c and X509_verify_cert_error_string(3) name them. */
	switch (code) {
	case X509_V_OK:
		return TLS_VERIFY_OK;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return TLS_VERIFY_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return TLS_VERIFY_NOT_YET_VALID;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
	case X509_V_ERR_EMAIL_MISMATCH:
		return TLS_VERIFY_NAME_MISMATCH;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return TLS_VERIFY_SELF_SIGNED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
		return TLS_VERIFY_UNKNOWN_ISSUER;
	case X509_V_ERR_CERT_REVOKED:
		return TLS_VERIFY_REVOKED;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_INVALID_PURPOSE:
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
	case X509_V_ERR_INVALID_NON_CA:
		return TLS_VERIFY_BAD_CA;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return TLS_VERIFY_BAD_SIGNATURE;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return TLS_VERIFY_WEAK;
	default:
		return TLS_VERIFY_OTHER;
	}
}

SSL_CTX *
tls_client_ctx(const char *cafile, const char **errstr_r)
{
	SSL_CTX *ctx;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		*errstr_r = tls_last_error();
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Verification happens during the handshake but never aborts it:
	 * the result is read afterwards (tls_verify_ok) so that --insecure
	 * can go on and the summary can say why it failed. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
			*errstr_r = tls_last_error();
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		*errstr_r = tls_last_error();
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	    SSL_MODE_ENABLE_PARTIAL_WRITE);
	return ctx;
}

static bool
is_ip_literal(const char *host)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1;
}

int
tls_client_setup(SSL *ssl, const char *host)
{
	X509_VERIFY_PARAM *vp;

	if (depth_idx < 0)
		depth_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	/* Still SSL_VERIFY_NONE: the result is read after the handshake. */
	SSL_set_verify(ssl, SSL_VERIFY_NONE, verify_note);
	if (host == NULL || *host == '\0')
		return 0;
	if (is_ip_literal(host)) {
		/* RFC 6066 3: literal IP addresses are not sent as SNI. */
		vp = SSL_get0_param(ssl);
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, host) != 1)
			return -1;
		return 0;
	}
	if (SSL_set_tlsext_host_name(ssl, host) != 1)
		return -1;
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (SSL_set1_host(ssl, host) != 1)
		return -1;
	return 0;
}

bool
tls_verify_ok(SSL *ssl, long *code_r, const char **reason_r)
{
	X509 *peer = SSL_get1_peer_certificate(ssl);
	long code;

	if (peer == NULL) {
		*code_r = X509_V_ERR_UNSPECIFIED;
		*reason_r = "no peer certificate";
		return false;
	}
	X509_free(peer);
	code = SSL_get_verify_result(ssl);
	*code_r = code;
	*reason_r = code == X509_V_OK ? "ok" : X509_verify_cert_error_string(code);
	return code == X509_V_OK;
}

static char *
name_text(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s;
	long n;

	if (b == NULL)
		return xstrdup("?");
	X509_NAME_print_ex(b, name, 0,
	    (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT);
	n = BIO_get_mem_data(b, &p);
	s = xstrndup(p, n > 0 ? (size_t)n : 0);
	BIO_free(b);
	return s;
}

static long long
time_epoch(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (long long)timegm(&tm);
}

static char *
cn_text(X509 *x)
{
	const X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_ENTRY *e;
	unsigned char *u = NULL;
	char *s;
	int i, n;

	i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0 || (e = X509_NAME_get_entry(name, i)) == NULL)
		return xstrdup("");
	n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return xstrdup("");
	s = xstrndup((const char *)u, (size_t)n);
	OPENSSL_free(u);
	return s;
}

static char *
time_text(const ASN1_TIME *t)
{
	struct tm tm;
	char out[64];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return xstrdup("?");
	strftime(out, sizeof(out), "%Y-%m-%d %H:%M:%S UTC", &tm);
	return xstrdup(out);
}

static char *
sans_text(X509 *x)
{
	GENERAL_NAMES *gens;
	struct buf b;
	int i;
	char ip[INET6_ADDRSTRLEN];

	buf_init(&b, 64 * 1024);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const char *sep = b.len > 0 ? ", " : "";

		if (g->type == GEN_DNS) {
			buf_printf(&b, "%sDNS:", sep);
			buf_append(&b, ASN1_STRING_get0_data(g->d.dNSName),
			    (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_EMAIL) {
			buf_printf(&b, "%semail:", sep);
			buf_append(&b, ASN1_STRING_get0_data(g->d.rfc822Name),
			    (size_t)ASN1_STRING_length(g->d.rfc822Name));
		} else if (g->type == GEN_IPADD) {
			int len = ASN1_STRING_length(g->d.iPAddress);
			const unsigned char *d =
			    ASN1_STRING_get0_data(g->d.iPAddress);

			if (len == 4)
				inet_ntop(AF_INET, d, ip, sizeof(ip));
			else if (len == 16)
				inet_ntop(AF_INET6, d, ip, sizeof(ip));
			else
				snprintf(ip, sizeof(ip), "?");
			buf_printf(&b, "%sIP:%s", sep, ip);
		} else if (g->type == GEN_URI) {
			buf_printf(&b, "%sURI:", sep);
			buf_append(&b,
			    ASN1_STRING_get0_data(g->d.uniformResourceIdentifier),
			    (size_t)ASN1_STRING_length(
			    g->d.uniformResourceIdentifier));
		} else
			buf_printf(&b, "%sother", sep);
	}
	GENERAL_NAMES_free(gens);
	return buf_steal(&b);
}

static char *
fingerprint_text(X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	struct buf b;

	buf_init(&b, 256);
	if (X509_digest(x, EVP_sha256(), md, &n) != 1)
		return xstrdup("?");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%02X", i > 0 ? ":" : "", md[i]);
	return buf_steal(&b);
}

/* The chain as PEM blocks, leaf first (RFC 7468 5), for --cafile. */
static void
chain_pem(STACK_OF(X509) *chain, struct tls_summary *s)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < sk_X509_num(chain); i++)
		if (PEM_write_bio_X509(b, sk_X509_value(chain, i)) != 1)
			break;
	n = BIO_get_mem_data(b, &p);
	if (n > 0) {
		s->chain_pem = xmalloc((size_t)n + 1);
		memcpy(s->chain_pem, p, (size_t)n);
		s->chain_pem[n] = '\0';
		s->chain_pem_len = (size_t)n;
	}
	BIO_free(b);
}

static void
cert_fill(X509 *x, struct tls_cert_info *c)
{
	c->subject = name_text(X509_get_subject_name(x));
	c->issuer = name_text(X509_get_issuer_name(x));
	c->cn = cn_text(x);
	c->not_before = time_text(X509_get0_notBefore(x));
	c->not_after = time_text(X509_get0_notAfter(x));
	c->not_before_t = time_epoch(X509_get0_notBefore(x));
	c->not_after_t = time_epoch(X509_get0_notAfter(x));
	c->self_signed = X509_check_issued(x, x) == X509_V_OK;
	c->sans = sans_text(x);
	c->sha256 = fingerprint_text(x);
}

/* Which certificate failed, and its details: from the chain that
 * verification built (which holds CA certificates from the CA file too),
 * else from what the peer sent. */
static void
failed_fill(SSL *ssl, struct tls_summary *s)
{
	STACK_OF(X509) *vc;
	intptr_t d;

	s->verify_depth = 0;
	if (s->verified)
		return;
	d = depth_idx >= 0 ? (intptr_t)SSL_get_ex_data(ssl, depth_idx) : 0;
	if (d > 0)
		s->verify_depth = (int)(d - 1);
	vc = SSL_get0_verified_chain(ssl);
	if (vc != NULL && s->verify_depth < sk_X509_num(vc))
		cert_fill(sk_X509_value(vc, s->verify_depth), &s->failed);
	else if ((size_t)s->verify_depth < s->ncerts) {
		X509 *x = sk_X509_value(SSL_get_peer_cert_chain(ssl),
		    s->verify_depth);

		if (x != NULL)
			cert_fill(x, &s->failed);
	}
}

void
tls_summary_fill(SSL *ssl, bool server, const char *hostname,
    struct tls_summary *s)
{
	STACK_OF(X509) *chain;
	X509 *leaf;
	const char *reason;
	int i, n;

	memset(s, 0, sizeof(*s));
	s->server = server;
	s->protocol = xstrdup(SSL_get_version(ssl));
	s->cipher = xstrdup(SSL_get_cipher_name(ssl));
	s->hostname = hostname != NULL ? xstrdup(hostname) : NULL;
	/* Client side the chain includes the leaf; server side it doesn't. */
	chain = SSL_get_peer_cert_chain(ssl);
	n = chain != NULL ? sk_X509_num(chain) : 0;
	if (server) {
		leaf = SSL_get1_peer_certificate(ssl);
		if (leaf != NULL) {
			s->certs = xcalloc((size_t)n + 1, sizeof(*s->certs));
			cert_fill(leaf, &s->certs[s->ncerts++]);
			X509_free(leaf);
			for (i = 0; i < n; i++)
				cert_fill(sk_X509_value(chain, i),
				    &s->certs[s->ncerts++]);
		}
	} else if (n > 0) {
		s->certs = xcalloc((size_t)n, sizeof(*s->certs));
		for (i = 0; i < n; i++)
			cert_fill(sk_X509_value(chain, i),
			    &s->certs[s->ncerts++]);
		chain_pem(chain, s);
	}
	if (!server) {
		s->verified = tls_verify_ok(ssl, &s->verify_code, &reason);
		s->verify_result = xstrdup(reason);
		s->verify_class = tls_verify_class(s->verify_code);
		if (s->ncerts == 0 && !s->verified)
			s->verify_class = TLS_VERIFY_NO_CERT;
		failed_fill(ssl, s);
	} else
		s->verify_result = xstrdup("not checked (server side)");
}

static void
cert_clear(struct tls_cert_info *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->cn);
	free(c->not_before);
	free(c->not_after);
	free(c->sans);
	free(c->sha256);
	memset(c, 0, sizeof(*c));
}

char *
tls_ctx_ca_names(SSL_CTX *ctx)
{
	STACK_OF(X509_OBJECT) *objs;
	struct buf b;
	int i;

	buf_init(&b, 4096);
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		X509 *x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
		char *n;

		if (x == NULL)
			continue;
		n = name_text(X509_get_subject_name(x));
		/* Past the cap the list just ends: it is a hint. */
		(void)buf_printf(&b, "%s%s", b.len > 0 ? "; " : "", n);
		free(n);
	}
	return buf_steal(&b);
}

void
tls_summary_clear(struct tls_summary *s)
{
	size_t i;

	for (i = 0; i < s->ncerts; i++)
		cert_clear(&s->certs[i]);
	cert_clear(&s->failed);
	free(s->certs);
	free(s->protocol);
	free(s->cipher);
	free(s->verify_result);
	free(s->hostname);
	free(s->chain_pem);
	memset(s, 0, sizeof(*s));
}

static char *
dup_or_null(const char *p)
{
	return p != NULL ? xstrdup(p) : NULL;
}

/* A deep copy of a certificate's details (every string its own). */
static void
cert_copy(struct tls_cert_info *dst, const struct tls_cert_info *src)
{
	*dst = *src;
	dst->subject = dup_or_null(src->subject);
	dst->issuer = dup_or_null(src->issuer);
	dst->cn = dup_or_null(src->cn);
	dst->not_before = dup_or_null(src->not_before);
	dst->not_after = dup_or_null(src->not_after);
	dst->sans = dup_or_null(src->sans);
	dst->sha256 = dup_or_null(src->sha256);
}

void
tls_summary_copy(struct tls_summary *dst, const struct tls_summary *src)
{
	size_t i;

	tls_summary_clear(dst);
	*dst = *src;
	dst->protocol = dup_or_null(src->protocol);
	dst->cipher = dup_or_null(src->cipher);
	dst->verify_result = dup_or_null(src->verify_result);
	dst->hostname = dup_or_null(src->hostname);
	dst->certs = src->ncerts > 0 ? xcalloc(src->ncerts,
	    sizeof(*dst->certs)) : NULL;
	for (i = 0; i < src->ncerts; i++)
		cert_copy(&dst->certs[i], &src->certs[i]);
	cert_copy(&dst->failed, &src->failed);
	dst->chain_pem = NULL;
	if (src->chain_pem != NULL) {
		dst->chain_pem = xmalloc(src->chain_pem_len + 1);
		memcpy(dst->chain_pem, src->chain_pem, src->chain_pem_len);
		dst->chain_pem[src->chain_pem_len] = '\0';
	}
}
