/* SPDX-License-Identifier: MIT */
/* A non-blocking TCP connection on the loop: connect by name (IPv4/IPv6)
 * or adopt an accepted fd, read into a capped buffer, write from an output
 * buffer, and run TLS on it, from the start or as an in-place upgrade, as
 * client or server. Its only protocol word is "upgrade". */
#ifndef NET_CONN_H
#define NET_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "net/tls.h"
#include "base/buf.h"

struct loop;
struct conn;

/* Why a connection ended (the failure classes of STYLE.md §2, net part). */
enum conn_fail {
	CONN_FAIL_NONE,		/* the peer closed cleanly (EOF) */
	CONN_FAIL_RESOLVE,	/* getaddrinfo failed */
	CONN_FAIL_CONNECT,	/* every address refused or unreachable */
	CONN_FAIL_TIMEOUT,	/* connect or TLS handshake took too long */
	CONN_FAIL_TLS,		/* handshake or verification failed, bad record */
	CONN_FAIL_IO,		/* read/write error (ECONNRESET, EPIPE...) */
	CONN_FAIL_LIMIT,	/* input or output buffer cap reached */
};

/* Where the connection was when it failed. */
enum conn_phase {
	CONN_PHASE_RESOLVE,	/* looking the name up */
	CONN_PHASE_CONNECT,	/* TCP connect */
	CONN_PHASE_HANDSHAKE,	/* TLS handshake (implicit or upgrade) */
	CONN_PHASE_OPEN,	/* exchanging data */
};

/* Why a name did not resolve (getaddrinfo's classes). */
enum conn_resolve {
	CONN_RESOLVE_NONE,
	CONN_RESOLVE_NONAME,	/* EAI_NONAME: no such name */
	CONN_RESOLVE_AGAIN,	/* EAI_AGAIN: the DNS server did not answer */
	CONN_RESOLVE_NOADDR,	/* EAI_NODATA/ADDRFAMILY: none of that family */
	CONN_RESOLVE_FAIL,	/* anything else */
};

/* How a TLS handshake broke off. */
enum conn_tls_fail {
	CONN_TLS_NONE,
	CONN_TLS_OTHER,
	CONN_TLS_NOT_TLS,	/* the peer's bytes are not TLS records */
	CONN_TLS_CLOSED,	/* the peer closed or reset the connection */
	CONN_TLS_ALERT,		/* the peer sent an alert (alert) */
	CONN_TLS_NO_COMMON,	/* no version or cipher in common */
	CONN_TLS_VERIFY,	/* done, but the certificate did not verify
				 * (the summary says why) */
};

/* The facts of the last failure, for a diagnosis: net's own words, no
 * advice. first holds the peer's raw bytes: escape before showing. */
struct conn_failure {
	enum conn_phase		 phase;
	int			 sys_errno;	/* connect/IO errno, or 0 */
	enum conn_resolve	 resolve;
	enum conn_tls_fail	 tls;
	int			 alert;		/* CONN_TLS_ALERT: its number */
	char			 detail[256];	/* the library's words */
	char			 first[64];	/* first bytes the peer sent in a
						 * client handshake */
	size_t			 first_len;
};

/* Callbacks; any may be NULL. They may call conn_write, conn_tls_*,
 * conn_close (also conn_free) freely. */
struct conn_ops {
	/* TCP connected (client side): peer "127.0.0.1:110" or "[::1]:110",
	 * and the time since conn_connect in ms. */
	void	(*connected)(void *arg, const char *peer, double ms);
	/* New bytes in *in (plaintext after TLS). Consume what you use with
	 * buf_consume; what is left stays for the next call. */
	void	(*data)(void *arg, struct buf *in);
	/* The TLS handshake finished (and, client side, verification passed
	 * or --insecure accepted it); the summary lives until the next
	 * handshake or conn_free; ms is the handshake time. */
	void	(*tls_done)(void *arg, const struct tls_summary *, double ms);
	/* The connection is over: fail says why, reason is readable text
	 * ("Connection refused", "certificate has expired"). The conn is
	 * closed but not freed: call conn_free (also from here). */
	void	(*closed)(void *arg, enum conn_fail fail, const char *reason);
	/* Everything queued was written (output buffer empty). */
	void	(*drained)(void *arg);
	/* The peer ended its sending side (EOF, a TCP half-close, or a TLS
	 * close_notify) after everything it sent went to data. When set,
	 * the conn stays open for writing and reads no more: the owner
	 * answers what it still holds and then calls conn_close_after_flush
	 * (a server facing `printf ... | nc -q`). When NULL, EOF ends the
	 * conn with closed(CONN_FAIL_NONE) at once, unsent output dropped. */
	void	(*eof)(void *arg);
};

/* The sizes a conn may hold, chosen by its owner (the protocol's limits
 * are the owner's business, not net's). */
struct conn_caps {
	size_t	input_max;	/* bytes read and not yet consumed; a peer
				 * that fills it fails with CONN_FAIL_LIMIT */
	size_t	output_max;	/* bytes queued for the peer; conn_write
				 * fails past it */
};

/* Note: creating a conn sets SIGPIPE to SIG_IGN for the process (TLS
 * writes use write(2); a reset peer must give an error, not kill us). */

/* Start connecting to host:port (host a name or an IP literal without
 * brackets), family 0 (any), 4 or 6; tries each address in turn, each
 * with an equal share of timeout_ms (<= 0: no limit), so the whole stays
 * within it. A name is resolved (getaddrinfo) in a detached thread that
 * wakes the loop through a pipe, so a slow resolver never freezes it; the
 * timeout covers it too, and a conn freed meanwhile drops the result. IP
 * literals are converted at once, without a thread (net/resolve.h).
 * caps is copied. Never NULL: failures arrive through ops->closed from
 * the loop. */
struct conn	*conn_connect(struct loop *, const char *host, const char *port,
		    int family, double timeout_ms, const struct conn_caps *,
		    const struct conn_ops *, void *arg);
/* Wrap an accepted socket (server side); the conn owns fd from now on and
 * makes it non-blocking. caps as for conn_connect. Never NULL. */
struct conn	*conn_from_fd(struct loop *, int fd, const struct conn_caps *,
		    const struct conn_ops *, void *arg);
/* Close (if open) and free; safe inside the conn's own callbacks. No
 * callback is called afterwards. NULL is fine. */
void		 conn_free(struct conn *);
/* Close now, discarding unsent output; ops->closed is NOT called. */
void		 conn_close(struct conn *);
/* Close once everything queued is written (after a QUIT reply);
 * ops->closed(CONN_FAIL_NONE, "closed") follows. */
void		 conn_close_after_flush(struct conn *);

/* Queue bytes for the peer (through TLS when on). 0, or -1 when the
 * output would pass caps.output_max or the conn is closed. */
int		 conn_write(struct conn *, const void *, size_t);
/* Bytes queued and not yet written. */
size_t		 conn_pending(const struct conn *);
/* Change the cap of the input buffer (caps.input_max at first); a peer
 * that fills it without the data callback consuming fails with
 * CONN_FAIL_LIMIT. */
void		 conn_set_input_max(struct conn *, size_t max);
/* Stop or resume reading from the peer (back-pressure). */
void		 conn_pause_read(struct conn *, bool paused);

/* Start a client TLS handshake on this conn now (implicit TLS: call it
 * from ops->connected; STARTTLS: after the positive reply). host is used
 * for SNI and verification. Verification failure ends the conn with
 * CONN_FAIL_TLS unless insecure, in which case the summary says so. The
 * handshake is bounded by timeout_ms (<= 0: none). Bytes already read
 * and not consumed are dropped first (they came before TLS). 0 or -1
 * (already TLS, closed, or SSL_new failed). The conn holds a reference
 * to ctx. */
int		 conn_tls_client(struct conn *, SSL_CTX *, const char *host,
		    bool insecure, double timeout_ms);
/* Trust a certificate whose SHA-256 fingerprint ("AB:CD:..", as in
 * struct tls_cert_info) is sha256 when it is the leaf of a chain that
 * does not verify: the handshake goes on and the summary says trusted.
 * Call before conn_tls_client; may be called for several. */
void		 conn_tls_trust(struct conn *, const char *sha256);
/* Start a server TLS handshake with ctx (certificate and key loaded); as
 * above otherwise. */
int		 conn_tls_server(struct conn *, SSL_CTX *, double timeout_ms);
/* True once a handshake has finished and the conn runs over TLS. */
bool		 conn_tls_active(const struct conn *);
/* The last handshake's summary, or NULL. */
const struct tls_summary *conn_tls_summary(const struct conn *);

/* "127.0.0.1:110" / "[::1]:110" once connected (or accepted), else "". */
const char	*conn_peer(const struct conn *);
/* True between connection (or adoption) and close. */
bool		 conn_is_open(const struct conn *);
/* The facts of the failure reported to ops->closed; valid until
 * conn_free (or the next connect or handshake on this conn). */
const struct conn_failure *conn_failure(const struct conn *);
/* Readable name of a failure class ("timeout", "TLS failure"...). */
const char	*conn_fail_name(enum conn_fail);

#endif
