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
	char		*subject;
	char		*issuer;
	char		*cn;		/* subject's commonName, or "" */
	char		*not_before;	/* "2026-11-28 21:00:00 UTC" */
	char		*not_after;
	long long	 not_before_t;	/* seconds since the epoch */
	long long	 not_after_t;
	bool		 self_signed;	/* issued by itself */
	char		*sans;		/* "DNS:a.example, IP:127.0.0.1" or "" */
	char		*sha256;	/* "AB:CD:..." */
};

/* Why verification failed, in net's words (OpenSSL's X509_V_ERR codes
 * sorted into what a user can act on). */
enum tls_verify {
	TLS_VERIFY_OK,
	TLS_VERIFY_OTHER,
	TLS_VERIFY_EXPIRED,
	TLS_VERIFY_NOT_YET_VALID,
	TLS_VERIFY_NAME_MISMATCH,
	TLS_VERIFY_SELF_SIGNED,		/* the server's own, self-signed */
	TLS_VERIFY_UNKNOWN_ISSUER,	/* no trusted CA for the chain */
	TLS_VERIFY_REVOKED,
	TLS_VERIFY_BAD_CA,		/* not a CA, wrong purpose, path len */
	TLS_VERIFY_BAD_SIGNATURE,	/* signature or encoding broken */
	TLS_VERIFY_WEAK,		/* key or digest below security level */
	TLS_VERIFY_NO_CERT,
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
	enum tls_verify		 verify_class;	/* verify_code, sorted */
	int			 verify_depth;	/* failing cert, 0 = server's */
	struct tls_cert_info	 failed;	/* that certificate, when known
						 * (may come from the CA file);
						 * subject NULL if not */
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
/* Sort an X509_V_ERR code into a tls_verify class. */
enum tls_verify	 tls_verify_class(long code);
/* The subjects of the CA certificates ctx trusts (meant for a --cafile
 * context: the system store would list hundreds), "; " apart; the caller
 * frees. */
char		*tls_ctx_ca_names(SSL_CTX *);
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
/* As tls_last_error, and the packed error code (ERR_get_error's, 0 when
 * the queue was empty) in *code_r. */
const char	*tls_last_error_code(unsigned long *code_r);

#endif
