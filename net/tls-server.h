/* SPDX-License-Identifier: MIT */
/* Server-side TLS for the lab: an SSL_CTX from a PEM certificate and key, or
 * from a self-signed certificate made at start, and its fingerprint. */
#ifndef NET_TLS_SERVER_H
#define NET_TLS_SERVER_H

#include <stddef.h>

#include <openssl/ssl.h>

/* Build a server context (TLS 1.2 or newer). With cert_file and key_file
 * NULL, generate an EC P-256 key and a self-signed certificate valid for
 * 30 days with subject CN=host and SAN DNS:localhost, DNS:host,
 * IP:127.0.0.1, IP:::1. Writes the SHA-256 fingerprint of the certificate
 * ("AB:CD:...") to fp_r (at least 96 bytes). Returns the context (the
 * caller frees it with SSL_CTX_free) or NULL with *errstr_r set to a
 * constant. */
SSL_CTX	*tls_server_ctx_new(const char *cert_file, const char *key_file,
	    const char *host, char *fp_r, size_t fp_size,
	    const char **errstr_r);

/* Write the certificate of ctx as PEM to path (created 0644, never over an
 * existing file), so tests can pass it as --cafile. 0 or -1. */
int	tls_server_write_cert(SSL_CTX *ctx, const char *path);

#endif
