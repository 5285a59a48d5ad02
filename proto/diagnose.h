/* SPDX-License-Identifier: MIT */
/* Diagnoses of what ends or blocks a session (a refused connection, an
 * unknown name, a certificate that does not verify, TLS spoken to a plain
 * port, a timeout): facts in, three lines out (what, cause, next step). */
#ifndef PROTO_DIAGNOSE_H
#define PROTO_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* What happened; each kind reads the facts it names below. */
enum diag_kind {
	DIAG_RESOLVE,		/* the host name did not resolve: resolve */
	DIAG_CONNECT,		/* TCP connect failed: sys_errno */
	DIAG_RESOLVE_TIMEOUT,	/* the name lookup took too long */
	DIAG_CONNECT_TIMEOUT,	/* no answer to the TCP connect */
	DIAG_TLS_HANDSHAKE,	/* handshake broke off: handshake, first */
	DIAG_TLS_TIMEOUT,	/* handshake did not finish in time */
	DIAG_TLS_VERIFY,	/* the certificate did not verify: verify.. */
	DIAG_GREETING_SLOW,	/* connected, no greeting yet (a hint only) */
	DIAG_NO_GREETING,	/* connected, no greeting within --timeout */
	DIAG_TLS_ON_PLAIN,	/* a TLS record came where a greeting was due */
	DIAG_NO_REPLY,		/* a command got no reply within --timeout */
	DIAG_KIND_COUNT,
};

/* Why a name did not resolve (getaddrinfo's classes, named here). */
enum diag_resolve {
	DIAG_RESOLVE_NONAME,	/* no such name */
	DIAG_RESOLVE_AGAIN,	/* temporary: the DNS server did not answer */
	DIAG_RESOLVE_NOADDR,	/* the name has no address of that family */
	DIAG_RESOLVE_FAIL,	/* the resolver failed */
};

/* How a TLS handshake broke off. */
enum diag_handshake {
	DIAG_HS_OTHER,
	DIAG_HS_NOT_TLS,	/* the peer's bytes are not TLS records */
	DIAG_HS_CLOSED,		/* the peer closed the connection */
	DIAG_HS_ALERT,		/* the peer sent a TLS alert: alert */
	DIAG_HS_NO_COMMON,	/* no protocol version or cipher in common */
};

/* Why a certificate did not verify (the first reason found). */
enum diag_verify {
	DIAG_VERIFY_OTHER,
	DIAG_VERIFY_EXPIRED,
	DIAG_VERIFY_NOT_YET_VALID,
	DIAG_VERIFY_NAME_MISMATCH,
	DIAG_VERIFY_SELF_SIGNED,	/* the server's own certificate */
	DIAG_VERIFY_UNKNOWN_ISSUER,	/* no trusted CA signs the chain */
	DIAG_VERIFY_REVOKED,
	DIAG_VERIFY_BAD_CA,		/* a chain member may not sign */
	DIAG_VERIFY_BAD_SIGNATURE,
	DIAG_VERIFY_WEAK,		/* key or digest too weak */
	DIAG_VERIFY_NO_CERT,
};

/* The facts of one failure. Strings may be NULL (unknown); they may hold
 * the peer's bytes (certificate names, a greeting): the caller escapes
 * the lines before showing them. Times are seconds since the epoch. */
struct diag_facts {
	enum diag_kind		 kind;
	bool			 smtp;		/* else POP3 */
	const char		*host;		/* as the user gave it */
	unsigned		 port;
	bool			 implicit_tls;	/* pop3s:// smtps:// */
	bool			 upgrade;	/* handshake after STLS/STARTTLS */
	const char		*cafile;	/* --cafile, or NULL */
	const char		*cafile_names;	/* subjects in it, "; " apart */
	double			 timeout_s;	/* --timeout in effect */
	double			 waited_s;	/* how long we waited */
	const char		*raw;		/* the library's own words */

	enum diag_resolve	 resolve;
	int			 sys_errno;	/* DIAG_CONNECT */

	enum diag_handshake	 handshake;
	int			 alert;		/* DIAG_HS_ALERT: RFC 8446 6 */
	const char		*first;		/* first bytes the peer sent */
	size_t			 first_len;

	enum diag_verify	 verify;
	int			 depth;		/* failing cert: 0 the server's */
	const char		*subject;	/* of the failing certificate */
	const char		*issuer;
	const char		*names;		/* server cert: "DNS:a, IP:b" */
	const char		*cn;		/* server cert's common name */
	const char		*sha256;	/* server cert's fingerprint */
	long long		 not_before;
	long long		 not_after;
	long long		 now;

	const char		*command;	/* DIAG_NO_REPLY: "RETR 1" */
};

/* A diagnosis: one line each; cause and next may be empty. */
struct diagnosis {
	struct buf	what;
	struct buf	cause;
	struct buf	next;
};

/* Set up an empty diagnosis; free it with diagnosis_clear. */
void	diagnosis_init(struct diagnosis *);
void	diagnosis_clear(struct diagnosis *);
/* Explain f into d (emptied first): what happened, the likely cause from
 * the facts, and the next step that fits. 0, or -1 for an unknown kind. */
int	diagnose(const struct diag_facts *f, struct diagnosis *d);
/* Does p (the first bytes of a plain connection) start with a TLS record
 * header (handshake 0x16 or alert 0x15, version 0x03 0x00-0x04)? */
bool	diag_is_tls_record(const char *p, size_t len);
/* Is port one where implicit TLS is the convention (995, 465, the lab's
 * 1995 and 1465, 993, 443...)? */
bool	diag_tls_port(unsigned port);

#endif
