/* SPDX-License-Identifier: MIT */
/* OpenSSL client contexts, certificate verification and the summary of a
 * finished handshake. Server contexts are made in net/tls-server.c. */
#ifndef NET_TLS_H
#define NET_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

/* One certificate of the peer's chain, as text (UTF-8, from OpenSSL's
 * one-line RFC 2253 printing; may still hold peer-chosen bytes, so escape
 * before showing). */
struct tls_cert_info {
	char	*subject;
	char	*issuer;
	char	*not_before;	/* "2026-11-28 21:00:00 UTC" */
	char	*not_after;
	char	*sans;		/* "DNS:a.example, IP:127.0.0.1" or "" */
	char	*sha256;	/* "AB:CD:..." */
};

/* What a finished handshake looked like. */
struct tls_summary {
	bool			 server;	/* we were the server side */
	char			*protocol;	/* "TLSv1.3" */
	char			*cipher;	/* "TLS_AES_256_GCM_SHA384" */
	size_t			 ncerts;	/* peer chain, leaf first */
	struct tls_cert_info	*certs;
	bool			 verified;	/* chain and name verified */
	long			 verify_code;	/* X509_V_OK or an error */
	char			*verify_result;	/* "ok" or OpenSSL's reason */
	bool			 insecure;	/* failed, but --insecure went on */
	bool			 trusted;	/* failed, but the leaf's SHA-256
						 * was one the user chose to
						 * trust (conn_tls_trust) */
	char			*hostname;	/* name checked, or NULL */
	char			*chain_pem;	/* client side: the chain the
						 * peer sent, as PEM (what
						 * --cafile reads); NULL if
						 * none */
	size_t			 chain_pem_len;
};

/* A client context: TLS 1.2 minimum, the system CA store, or only cafile
 * when it is not NULL. NULL with *errstr_r (OpenSSL's reason, static
 * storage) on failure. Free with SSL_CTX_free. */
SSL_CTX		*tls_client_ctx(const char *cafile, const char **errstr_r);
/* Prepare ssl for a client handshake with host: SNI (not for IP literals)
 * and hostname verification (SSL_set1_host, or the IP address check for
 * literals). 0 or -1. */
int		 tls_client_setup(SSL *, const char *host);
/* After a client handshake: did the chain and the name verify? Fills
 * *code_r and a static reason (X509_verify_cert_error_string, or "no
 * peer certificate"). */
bool		 tls_verify_ok(SSL *, long *code_r, const char **reason_r);
/* Fill a summary from a finished handshake (s is zeroed first). Free it
 * with tls_summary_clear. */
void		 tls_summary_fill(SSL *, bool server, const char *hostname,
		    struct tls_summary *s);
/* Copy a summary (all strings duplicated) into *dst, which is cleared
 * first. */
void		 tls_summary_copy(struct tls_summary *dst,
		    const struct tls_summary *src);
/* Free what a summary holds; it is zeroed and reusable. */
void		 tls_summary_clear(struct tls_summary *);
/* The most recent OpenSSL error as text (drains OpenSSL's error queue),
 * in a static buffer; "unknown error" when the queue is empty. */
const char	*tls_last_error(void);

#endif
