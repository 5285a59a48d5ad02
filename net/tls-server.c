/* SPDX-License-Identifier: MIT */
/* Server SSL_CTX for the lab: PEM files or a self-signed certificate. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "net/tls-server.h"

static int
add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	if (X509_add_ext(cert, ext, -1) != 1) {
		X509_EXTENSION_free(ext);
		return -1;
	}
	X509_EXTENSION_free(ext);
	return 0;
}

static int
self_signed(SSL_CTX *sctx, const char *host)
{
	EVP_PKEY *key;
	X509 *cert = NULL;
	X509_NAME *name;
	ASN1_INTEGER *serial;
	unsigned char rnd[16];
	char san[512];
	int ok = -1;

	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (key == NULL)
		return -1;
	if ((cert = X509_new()) == NULL)
		goto out;
	X509_set_version(cert, 2);
	/* A random positive serial: browsers and OpenSSL dislike reuse. */
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	rnd[0] &= 0x7f;
	{
		BIGNUM *bn = BN_bin2bn(rnd, sizeof(rnd), NULL);

		if (bn == NULL)
			goto out;
		serial = X509_get_serialNumber(cert);
		if (BN_to_ASN1_INTEGER(bn, serial) == NULL) {
			BN_free(bn);
			goto out;
		}
		BN_free(bn);
	}
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 24 * 3600);
	if (X509_set_pubkey(cert, key) != 1)
		goto out;
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"mailbench lab", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)host, -1, -1, 0);
	X509_set_issuer_name(cert, name);
	snprintf(san, sizeof(san),
	    "DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1", host);
	if (add_ext(cert, NID_subject_alt_name, san) == -1 ||
	    add_ext(cert, NID_basic_constraints, "critical,CA:TRUE") == -1 ||
	    add_ext(cert, NID_key_usage,
	    "critical,digitalSignature,keyCertSign") == -1 ||
	    add_ext(cert, NID_ext_key_usage, "serverAuth") == -1 ||
	    add_ext(cert, NID_subject_key_identifier, "hash") == -1)
		goto out;
	if (X509_sign(cert, key, EVP_sha256()) == 0)
		goto out;
	if (SSL_CTX_use_certificate(sctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(sctx, key) != 1)
		goto out;
	ok = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return ok;
}

SSL_CTX *
tls_server_ctx_new(const char *cert_file, const char *key_file,
    const char *host, char *fp_r, size_t fp_size, const char **errstr_r)
{
	SSL_CTX *ctx;
	X509 *cert;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t off = 0;

	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		*errstr_r = "cannot create a TLS context";
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Sessions are short; no tickets or cache needed for a practice
	 * server, and this keeps memory flat with many clients. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (cert_file != NULL || key_file != NULL) {
		if (cert_file == NULL || key_file == NULL) {
			*errstr_r = "--cert and --key go together";
			goto fail;
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
			*errstr_r = "cannot load the certificate (--cert)";
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, key_file,
		    SSL_FILETYPE_PEM) != 1) {
			unsigned long e = ERR_peek_last_error();

			*errstr_r = ERR_GET_LIB(e) == ERR_LIB_X509 &&
			    ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH ?
			    "the key (--key) does not match the certificate" :
			    "cannot load the private key (--key)";
			goto fail;
		}
		if (SSL_CTX_check_private_key(ctx) != 1) {
			*errstr_r = "the key (--key) does not match the "
			    "certificate";
			goto fail;
		}
	} else if (self_signed(ctx, host) == -1) {
		*errstr_r = "cannot generate a self-signed certificate";
		goto fail;
	}
	cert = SSL_CTX_get0_certificate(ctx);
	if (cert == NULL || X509_digest(cert, EVP_sha256(), md, &mdlen) != 1) {
		*errstr_r = "cannot compute the certificate fingerprint";
		goto fail;
	}
	if (fp_size > 0)
		fp_r[0] = '\0';
	for (i = 0; i < mdlen && off + 4 <= fp_size; i++)
		off += (size_t)snprintf(fp_r + off, fp_size - off, "%s%02X",
		    i == 0 ? "" : ":", md[i]);
	return ctx;
fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

int
tls_server_write_cert(SSL_CTX *ctx, const char *path)
{
	X509 *cert = SSL_CTX_get0_certificate(ctx);
	FILE *f;
	int fd, ok;

	if (cert == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	ok = PEM_write_X509(f, cert) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}
