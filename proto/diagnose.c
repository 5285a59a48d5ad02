/* SPDX-License-Identifier: MIT */
/* Diagnoses of failures that end or block a session, from their facts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "proto/diagnose.h"

/* Each line is one transcript line; the facts may carry long certificate
 * names, and what does not fit is cut, never grown without bound. */
#define DIAG_LINE_MAX	2048

/* Ports where a client must start TLS at once (RFC 8314 3.3 for 995 and
 * 465; 993 IMAPS, 443 HTTPS, 636 LDAPS, 990 FTPS, 853 DNS over TLS,
 * 5223 XMPP over TLS), and the lab's implicit-TLS defaults (SPEC.md). */
static const unsigned tls_ports[] = {
	995, 465, 1995, 1465, 993, 443, 636, 990, 853, 5223, 8443,
};

bool
diag_tls_port(unsigned port)
{
	size_t i;

	for (i = 0; i < sizeof(tls_ports) / sizeof(tls_ports[0]); i++)
		if (tls_ports[i] == port)
			return true;
	return false;
}

bool
diag_is_tls_record(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;

	/* RFC 8446 5.1: ContentType (21 alert, 22 handshake), then the
	 * legacy version 0x03 0x0N. A text greeting never starts so. */
	return len >= 3 && (u[0] == 0x15 || u[0] == 0x16) && u[1] == 0x03 &&
	    u[2] <= 0x04;
}

void
diagnosis_init(struct diagnosis *d)
{
	buf_init(&d->what, DIAG_LINE_MAX);
	buf_init(&d->cause, DIAG_LINE_MAX);
	buf_init(&d->next, DIAG_LINE_MAX);
}

void
diagnosis_clear(struct diagnosis *d)
{
	buf_clear(&d->what);
	buf_clear(&d->cause);
	buf_clear(&d->next);
}

static const char *
str(const char *s)
{
	return s != NULL && *s != '\0' ? s : "?";
}

/* "host:port", "[::1]:port" */
static void
hostport(const struct diag_facts *f, struct buf *b)
{
	const char *h = str(f->host);

	if (strchr(h, ':') != NULL)
		buf_printf(b, "[%s]:%u", h, f->port);
	else
		buf_printf(b, "%s:%u", h, f->port);
}

/* The URL for the same host with or without implicit TLS. */
static void
url(const struct diag_facts *f, bool tls, unsigned port, struct buf *b)
{
	const char *scheme;

	if (!f->smtp)
		scheme = tls ? "pop3s" : "pop3";
	else if (tls)
		scheme = "smtps";
	else
		scheme = port == 587 ? "submission" : "smtp";
	buf_printf(b, "%s://", scheme);
	if (strchr(str(f->host), ':') != NULL)
		buf_printf(b, "[%s]:%u", str(f->host), port);
	else
		buf_printf(b, "%s:%u", str(f->host), port);
}

static const char *
proto_name(const struct diag_facts *f)
{
	return f->smtp ? "SMTP" : "POP3";
}

/* " (OpenSSL: certificate has expired)": the library's words kept. */
static void
raw(const struct diag_facts *f, const char *who, struct buf *b)
{
	if (f->raw != NULL && *f->raw != '\0')
		buf_printf(b, " (%s%s)", who, f->raw);
}

/* "3 days": a span in the largest unit that keeps it readable. */
static void
span(long long s, struct buf *b)
{
	static const struct {
		long long	 below;
		long long	 unit;
		const char	*name;
	} units[] = {
		{ 120, 1, "second" },
		{ 120 * 60, 60, "minute" },
		{ 48 * 3600, 3600, "hour" },
		{ 60 * 86400LL, 86400, "day" },
		{ 730 * 86400LL, 30 * 86400LL, "month" },
		{ 0, 365 * 86400LL, "year" },
	};
	size_t i;
	long long n;

	if (s < 0)
		s = -s;
	for (i = 0; units[i].below != 0 && s >= units[i].below; i++)
		;
	n = s / units[i].unit;
	buf_printf(b, "%lld %s%s", n, units[i].name, n == 1 ? "" : "s");
}

static void
utc(long long t, struct buf *b)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[40];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		buf_append_str(b, "?");
	else
		buf_append_str(b, s);
}

/* The certificate's names without "DNS:"/"IP:" (its CN when it has no
 * subjectAltName: RFC 6125 6.4.4 lets clients fall back to it). */
static void
cert_names(const struct diag_facts *f, struct buf *b)
{
	const char *p = f->names, *e;
	size_t start = b->len;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (strncmp(p, "DNS:", 4) == 0)
			p += 4;
		else if (strncmp(p, "IP:", 3) == 0)
			p += 3;
		else if (strncmp(p, "email:", 6) == 0 ||
		    strncmp(p, "URI:", 4) == 0 || strncmp(p, "other", 5) == 0) {
			p = e;
			continue;
		}
		buf_printf(b, "%s%.*s", b->len > start ? ", " : "",
		    (int)(e - p), p);
		p = e;
	}
	if (b->len == start)
		buf_append_str(b, f->cn != NULL && *f->cn != '\0' ? f->cn :
		    "no usable name at all");
}

/* The first name of the certificate, for a URL to try ("" if none). */
static void
first_name(const struct diag_facts *f, struct buf *b)
{
	struct buf all;
	const char *c;

	buf_init(&all, DIAG_LINE_MAX);
	cert_names(f, &all);
	if (all.data != NULL &&
	    strcmp(all.data, "no usable name at all") != 0 &&
	    strchr(all.data, '*') == NULL) {
		c = strchr(all.data, ',');
		buf_append(b, all.data, c != NULL ? (size_t)(c - all.data) :
		    all.len);
	}
	buf_clear(&all);
}

/* Which plain-text protocol the peer's first bytes are a greeting of:
 * "POP3" (RFC 1939 4: "+OK"/"-ERR"), "SMTP" (RFC 5321 4.2: three
 * digits and a space or hyphen), or NULL. */
static const char *
plain_greeting(const char *p, size_t len)
{
	if ((len >= 3 && memcmp(p, "+OK", 3) == 0) ||
	    (len >= 4 && memcmp(p, "-ERR", 4) == 0))
		return "POP3";
	if (len >= 4 && p[0] >= '1' && p[0] <= '5' && p[1] >= '0' &&
	    p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
	    (p[3] == ' ' || p[3] == '-'))
		return "SMTP";
	return NULL;
}

/* The greeting's first line, as far as it came (the caller escapes). */
static void
greeting_text(const struct diag_facts *f, struct buf *b)
{
	size_t n = 0;

	while (n < f->first_len && n < 60 && f->first[n] != '\r' &&
	    f->first[n] != '\n')
		n++;
	buf_append(b, f->first, n);
}

/* ---- connection ---- */

/* connect(2) errors: what each means and what to check (connect(2),
 * tcp(7); RFC 1122 4.2.3.9: ICMP unreachables end the attempt). */
static const struct {
	int		 err;
	const char	*what;
	const char	*cause;
	const char	*next;
} connect_table[] = {
	{ ECONNREFUSED, "connection refused",
	    "the host answered, but nothing listens on that port (or a "
	    "firewall rejects with a reset)",
	    "check the port (POP3 110, POP3S 995, SMTP 25, submission 587, "
	    "SMTPS 465) and that the server runs; the mailbench lab prints "
	    "its ports when it starts (1110, 1995, 2525, 1465 by default)" },
	{ ENETUNREACH, "network unreachable",
	    "this machine has no route to that network (no default route, or "
	    "an IPv6 address without IPv6 connectivity)",
	    "check this machine's network connection; if the name has an "
	    "IPv6 address, try -4" },
	{ EHOSTUNREACH, "host unreachable",
	    "no route to the host: it is down, or a router or firewall "
	    "reports it unreachable",
	    "check the address, whether the host is up, and whether a "
	    "firewall blocks the way" },
	{ ETIMEDOUT, "no answer",
	    "the connection attempt got no answer at all: a firewall dropping "
	    "the packets (a closed port would refuse at once), a wrong "
	    "address, or a host that is down",
	    "check the address and the port, and whether a firewall lets "
	    "the port through" },
	{ EACCES, "connection not permitted",
	    "a firewall rule on this machine refused it",
	    "check this machine's firewall rules for that port" },
	{ EPERM, "connection not permitted",
	    "a firewall rule on this machine refused it",
	    "check this machine's firewall rules for that port" },
	{ EADDRNOTAVAIL, "address not usable",
	    "this machine cannot use that kind of address",
	    "try -4 or -6, or the server's other address" },
	{ EAFNOSUPPORT, "address family not supported",
	    "this machine has no IPv4 or IPv6 support for that address",
	    "try -4 or -6" },
};

static void
connect_failed(const struct diag_facts *f, struct diagnosis *d)
{
	size_t i, n = sizeof(connect_table) / sizeof(connect_table[0]);

	for (i = 0; i < n && connect_table[i].err != f->sys_errno; i++)
		;
	buf_printf(&d->what, "cannot connect to ");
	hostport(f, &d->what);
	if (i == n) {
		raw(f, "", &d->what);
		buf_printf(&d->cause, "the operating system refused the "
		    "connection");
		buf_printf(&d->next, "check the address, the port and this "
		    "machine's network");
		return;
	}
	buf_printf(&d->what, ": %s", connect_table[i].what);
	/* strerror's words, unless they only repeat ours. */
	if (f->raw == NULL || strcasecmp(f->raw, connect_table[i].what) != 0)
		raw(f, "", &d->what);
	buf_append_str(&d->cause, connect_table[i].cause);
	buf_append_str(&d->next, connect_table[i].next);
}

/* getaddrinfo(3) classes. */
static const struct {
	enum diag_resolve	 r;
	const char		*cause;
	const char		*next;
} resolve_table[] = {
	{ DIAG_RESOLVE_NONAME,
	    "no DNS record or /etc/hosts line has that name: a typo, or a "
	    "name known only inside another network",
	    "check the spelling; try the server's IP address instead" },
	{ DIAG_RESOLVE_AGAIN,
	    "the DNS server did not answer (a temporary failure)",
	    "check the network and /etc/resolv.conf, then try again; or use "
	    "the IP address" },
	{ DIAG_RESOLVE_NOADDR,
	    "the name exists but has no address of the family asked for",
	    "drop -4/-6, or use the other one" },
	{ DIAG_RESOLVE_FAIL,
	    "the resolver failed",
	    "check /etc/resolv.conf and the network; or use the IP address" },
};

static void
resolve_failed(const struct diag_facts *f, struct diagnosis *d)
{
	size_t i, n = sizeof(resolve_table) / sizeof(resolve_table[0]);

	for (i = 0; i < n - 1 && resolve_table[i].r != f->resolve; i++)
		;
	buf_printf(&d->what, "cannot find the address of %s", str(f->host));
	raw(f, "", &d->what);
	buf_append_str(&d->cause, resolve_table[i].cause);
	buf_append_str(&d->next, resolve_table[i].next);
}

/* ---- TLS handshake ---- */

/* TLS alerts a server sends to refuse a handshake (RFC 8446 6.2, RFC
 * 5246 7.2.2). */
static const struct {
	int		 alert;
	const char	*cause;
	const char	*next;
} alert_table[] = {
	{ 40, "the server found nothing in common with us (handshake_failure:"
	    " no shared cipher or TLS version)",
	    "the server may offer only old TLS (mailbench needs TLS 1.2 or "
	    "later)" },
	{ 70, "the server does not speak the TLS versions we offer (1.2, "
	    "1.3) (protocol_version)",
	    "the server needs an update to TLS 1.2 or later" },
	{ 71, "the server wants stronger security than we offered "
	    "(insufficient_security)",
	    "the server's administrator decides what it requires" },
	{ 112, "the server does not know the name we asked for "
	    "(unrecognized_name, from SNI)",
	    "connect with the server's own name, not an alias or an "
	    "address" },
	{ 116, "the server wants a client certificate (certificate_required),"
	    " which mailbench does not send",
	    "use a port that does not require client certificates" },
	{ 80, "the server had an internal error (internal_error)",
	    "look at the server's log; try again later" },
};

static void
handshake_failed(const struct diag_facts *f, struct diagnosis *d)
{
	struct buf hp;
	const char *heard = NULL;
	size_t i, n = sizeof(alert_table) / sizeof(alert_table[0]);

	buf_init(&hp, 512);
	hostport(f, &hp);
	if (f->first != NULL)
		heard = plain_greeting(f->first, f->first_len);
	buf_append_str(&d->what, "TLS handshake failed");
	if (f->upgrade && (f->handshake == DIAG_HS_NOT_TLS || heard != NULL)) {
		buf_append_str(&d->what, ": the server did not switch to TLS "
		    "after accepting it");
		raw(f, "OpenSSL: ", &d->what);
		buf_printf(&d->cause, "the server said yes to %s but then did "
		    "not speak TLS: a broken server, or something in between "
		    "(a firewall's %s inspection) rewriting the session",
		    f->smtp ? "STARTTLS" : "STLS", proto_name(f));
		buf_append_str(&d->next, "try the implicit-TLS port (");
		url(f, true, f->smtp ? 465 : 995, &d->next);
		buf_append_str(&d->next, ") or another network");
	} else if (heard != NULL) {
		buf_printf(&d->what, ": the server spoke plain %s (\"", heard);
		greeting_text(f, &d->what);
		buf_append_str(&d->what, "\")");
		raw(f, "OpenSSL: ", &d->what);
		buf_printf(&d->cause, "port %u speaks plain %s: it sends its "
		    "greeting at once instead of waiting for a TLS handshake",
		    f->port, heard);
		buf_append_str(&d->next, "this port speaks plain ");
		buf_printf(&d->next, "%s: use ", heard);
		if (strcmp(heard, "SMTP") == 0 && f->smtp)
			url(f, false, f->port, &d->next);
		else if (strcmp(heard, "SMTP") == 0)
			buf_printf(&d->next, "smtp://%s", hp.data);
		else if (!f->smtp)
			url(f, false, f->port, &d->next);
		else
			buf_printf(&d->next, "pop3://%s", hp.data);
		buf_append_str(&d->next, ", with --starttls to upgrade");
	} else if (f->handshake == DIAG_HS_NOT_TLS) {
		buf_append_str(&d->what, ": the server's answer is not TLS");
		raw(f, "OpenSSL: ", &d->what);
		buf_printf(&d->cause, "port %u does not speak TLS from the "
		    "first byte: a plain-text port, or another service",
		    f->port);
		buf_append_str(&d->next, "for plain text use ");
		url(f, false, f->port, &d->next);
		buf_append_str(&d->next, " with --starttls; for implicit TLS "
		    "the usual port is ");
		url(f, true, f->smtp ? 465 : 995, &d->next);
	} else if (f->handshake == DIAG_HS_ALERT) {
		for (i = 0; i < n && alert_table[i].alert != f->alert; i++)
			;
		buf_printf(&d->what, ": the server refused it (TLS alert %d)",
		    f->alert);
		raw(f, "OpenSSL: ", &d->what);
		if (i < n) {
			buf_append_str(&d->cause, alert_table[i].cause);
			buf_printf(&d->next, "%s; `openssl s_client -connect "
			    "%s` shows what the server offers",
			    alert_table[i].next, hp.data);
		} else {
			buf_append_str(&d->cause, "the server ended the "
			    "handshake with an alert");
			buf_printf(&d->next, "look at the server's log; "
			    "`openssl s_client -connect %s` shows its side",
			    hp.data);
		}
	} else if (f->handshake == DIAG_HS_NO_COMMON) {
		buf_append_str(&d->what, ": no TLS version or cipher in "
		    "common");
		raw(f, "OpenSSL: ", &d->what);
		buf_append_str(&d->cause, "the server offers only what we do "
		    "not accept (TLS 1.0/1.1, or old ciphers)");
		buf_printf(&d->next, "the server needs TLS 1.2 or later; "
		    "`openssl s_client -connect %s` shows what it offers",
		    hp.data);
	} else if (f->handshake == DIAG_HS_CLOSED) {
		buf_append_str(&d->what, ": the server closed the connection");
		raw(f, "", &d->what);
		buf_printf(&d->cause, "the server hung up instead of answering "
		    "our TLS hello: it refuses our TLS versions or the name we "
		    "sent, or port %u is not a TLS port", f->port);
		buf_printf(&d->next, "check the port; `openssl s_client "
		    "-connect %s` shows what the server does", hp.data);
	} else {
		raw(f, "OpenSSL: ", &d->what);
		buf_append_str(&d->cause, "the handshake broke off");
		buf_printf(&d->next, "`openssl s_client -connect %s` shows the "
		    "server's side", hp.data);
	}
	buf_clear(&hp);
}

static void
handshake_timeout(const struct diag_facts *f, struct diagnosis *d)
{
	buf_printf(&d->what, "timeout: the TLS handshake with ");
	hostport(f, &d->what);
	buf_printf(&d->what, " did not finish in %g s", f->timeout_s);
	if (f->upgrade) {
		buf_printf(&d->cause, "the server said yes to %s, then never "
		    "answered the handshake", f->smtp ? "STARTTLS" : "STLS");
		buf_append_str(&d->next, "try the implicit-TLS port (");
		url(f, true, f->smtp ? 465 : 995, &d->next);
		buf_append_str(&d->next, "), or look at the server's log");
		return;
	}
	buf_printf(&d->cause, "the server accepted the connection but sent "
	    "no TLS answer: a plain port whose server waits for the client "
	    "to speak first, or a stuck server");
	buf_printf(&d->next, "check that %u is an implicit-TLS port; for a "
	    "plain port use ", f->port);
	url(f, false, f->port, &d->next);
	buf_append_str(&d->next, " (--starttls to upgrade)");
}

/* ---- certificates ---- */

/* The headline of each verification failure. */
static const struct {
	enum diag_verify	 v;
	const char		*leaf;	/* the server's certificate */
	const char		*chain;	/* a CA certificate above it */
} verify_table[] = {
	{ DIAG_VERIFY_OTHER, "the server's certificate was not accepted",
	    "a certificate in the server's chain was not accepted" },
	{ DIAG_VERIFY_EXPIRED, "the server's certificate has expired",
	    "a CA certificate in the server's chain has expired" },
	{ DIAG_VERIFY_NOT_YET_VALID, "the server's certificate is not valid "
	    "yet", "a CA certificate in the server's chain is not valid yet" },
	{ DIAG_VERIFY_NAME_MISMATCH, "the server's certificate is not for "
	    "this name", "the server's certificate is not for this name" },
	{ DIAG_VERIFY_SELF_SIGNED, "the server's certificate is self-signed",
	    "the server's certificate is self-signed" },
	{ DIAG_VERIFY_UNKNOWN_ISSUER, "the server's certificate is issued by "
	    "a CA we do not trust", "the server's chain ends at a CA we do "
	    "not trust" },
	{ DIAG_VERIFY_REVOKED, "the server's certificate has been revoked",
	    "a CA certificate in the server's chain has been revoked" },
	{ DIAG_VERIFY_BAD_CA, "a certificate in the server's chain may not "
	    "sign certificates", "a certificate in the server's chain may not "
	    "sign certificates" },
	{ DIAG_VERIFY_BAD_SIGNATURE, "a signature in the server's "
	    "certificate does not verify", "a signature in the server's "
	    "certificate chain does not verify" },
	{ DIAG_VERIFY_WEAK, "the server's certificate uses a key or digest "
	    "too weak to trust", "a certificate in the server's chain uses a "
	    "key or digest too weak to trust" },
	{ DIAG_VERIFY_NO_CERT, "the server sent no certificate",
	    "the server sent no certificate" },
};

/* "; --insecure to look anyway" */
static void
look_anyway(struct buf *b)
{
	buf_append_str(b, "; --insecure to look anyway (never with a real "
	    "password)");
}

static void
verify_failed(const struct diag_facts *f, struct diagnosis *d)
{
	size_t i, n = sizeof(verify_table) / sizeof(verify_table[0]);
	struct buf nm;
	const char *who = f->depth > 0 ? "the CA certificate" :
	    "the server's certificate";

	for (i = 0; i < n && verify_table[i].v != f->verify; i++)
		;
	if (i == n)
		i = 0;
	if (f->verify == DIAG_VERIFY_UNKNOWN_ISSUER && f->cafile != NULL)
		buf_printf(&d->what, "wrong --cafile: %s does not contain the "
		    "issuer %s", f->cafile, str(f->issuer));
	else
		buf_append_str(&d->what, f->depth > 0 ? verify_table[i].chain :
		    verify_table[i].leaf);
	raw(f, "OpenSSL: ", &d->what);

	switch (f->verify) {
	case DIAG_VERIFY_EXPIRED:
		buf_printf(&d->cause, "%s (%s) expired on ", who,
		    str(f->subject));
		utc(f->not_after, &d->cause);
		buf_append_str(&d->cause, ", ");
		span(f->now - f->not_after, &d->cause);
		buf_append_str(&d->cause, " ago (this machine's clock says ");
		utc(f->now, &d->cause);
		buf_append_str(&d->cause, ")");
		buf_append_str(&d->next, "the server's administrator must "
		    "renew it; if the date above is wrong, fix this machine's "
		    "clock");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_NOT_YET_VALID:
		buf_printf(&d->cause, "%s (%s) is valid only from ", who,
		    str(f->subject));
		utc(f->not_before, &d->cause);
		buf_append_str(&d->cause, ", in ");
		span(f->not_before - f->now, &d->cause);
		buf_append_str(&d->cause, " (this machine's clock says ");
		utc(f->now, &d->cause);
		buf_append_str(&d->cause, ")");
		buf_append_str(&d->next, "check this machine's clock and the "
		    "server's; a certificate made just now on a server whose "
		    "clock runs fast does this");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_NAME_MISMATCH:
		buf_append_str(&d->cause, "the certificate is for ");
		cert_names(f, &d->cause);
		buf_printf(&d->cause, "; you connected to %s", str(f->host));
		buf_init(&nm, 512);
		first_name(f, &nm);
		buf_append_str(&d->next, "connect with one of those names");
		if (nm.len > 0) {
			struct diag_facts g = *f;

			g.host = nm.data;
			buf_append_str(&d->next, " (");
			url(&g, f->implicit_tls, f->port, &d->next);
			buf_append_str(&d->next, ")");
		}
		buf_append_str(&d->next, ", or --insecure to look anyway");
		buf_clear(&nm);
		break;
	case DIAG_VERIFY_SELF_SIGNED:
		buf_printf(&d->cause, "%s signed its own certificate, so no CA "
		    "vouches for it (a lab or test server, or someone "
		    "intercepting)", str(f->subject));
		if (f->cafile != NULL)
			buf_printf(&d->cause, ", and --cafile %s does not hold "
			    "it", f->cafile);
		if (f->sha256 != NULL)
			buf_printf(&d->cause, "; its SHA-256 fingerprint is %s",
			    f->sha256);
		buf_append_str(&d->next, "if it is the mailbench lab: the lab "
		    "prints its certificate's fingerprint at start; if it "
		    "matches, save the certificate (mailbench lab --cert-out "
		    "FILE) and pass --cafile FILE");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_UNKNOWN_ISSUER:
		buf_printf(&d->cause, "%s (%s) was issued by %s", who,
		    str(f->subject), str(f->issuer));
		if (f->cafile != NULL) {
			buf_printf(&d->cause, "; %s holds ", f->cafile);
			buf_append_str(&d->cause, f->cafile_names != NULL &&
			    *f->cafile_names != '\0' ? f->cafile_names :
			    "no CA certificate");
			buf_printf(&d->next, "pass the certificate of %s with "
			    "--cafile FILE (ask the server's administrator for "
			    "it)", str(f->issuer));
		} else {
			buf_append_str(&d->cause, ", which is not in this "
			    "system's CA store (a private or company CA, or a "
			    "server that does not send its intermediate "
			    "certificate)");
			buf_printf(&d->next, "pass that CA with --cafile FILE; "
			    "if it is a public CA, the server must send its "
			    "intermediate certificates");
		}
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_REVOKED:
		buf_printf(&d->cause, "the CA withdrew %s (%s): its key was "
		    "compromised or it was replaced", who, str(f->subject));
		buf_append_str(&d->next, "do not trust this server until its "
		    "administrator installs a new certificate");
		break;
	case DIAG_VERIFY_BAD_CA:
		buf_printf(&d->cause, "%s is used as a CA but is not one, or "
		    "not for this purpose", str(f->subject));
		buf_append_str(&d->next, "the server's certificate chain is "
		    "set up wrong: its administrator must fix it");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_BAD_SIGNATURE:
		buf_printf(&d->cause, "%s does not carry a valid signature of "
		    "%s: altered, or a different CA with the same name",
		    str(f->subject), str(f->issuer));
		buf_append_str(&d->next, f->cafile != NULL ? "check that "
		    "--cafile holds the very CA that issued it" :
		    "the server's administrator must check its chain");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_WEAK:
		buf_printf(&d->cause, "%s uses a key or signature digest below "
		    "this system's security level (e.g. RSA under 2048 bits, "
		    "SHA-1)", str(f->subject));
		buf_append_str(&d->next, "the server's administrator must "
		    "reissue it (RSA 2048 or more, SHA-256)");
		look_anyway(&d->next);
		break;
	case DIAG_VERIFY_NO_CERT:
		buf_append_str(&d->cause, "without a certificate, nothing "
		    "shows who the server is");
		buf_append_str(&d->next, "the server must be set up with a "
		    "certificate");
		break;
	case DIAG_VERIFY_OTHER:
		buf_printf(&d->cause, "%s (%s), issued by %s", who,
		    str(f->subject), str(f->issuer));
		buf_append_str(&d->next, "the reason in parentheses is "
		    "OpenSSL's");
		look_anyway(&d->next);
		break;
	}
}

/* ---- waiting ---- */

static void
no_greeting(const struct diag_facts *f, struct diagnosis *d, bool hint)
{
	bool tlsport = !f->implicit_tls && diag_tls_port(f->port);

	if (hint)
		buf_printf(&d->what, "no greeting yet after %g s (waiting up "
		    "to %g s)", f->waited_s, f->timeout_s);
	else
		buf_printf(&d->what, "timeout: no greeting after %g s",
		    f->timeout_s);
	if (f->implicit_tls) {
		buf_append_str(&d->cause, "the TLS handshake worked, but the "
		    "server says nothing inside it: a stuck or overloaded "
		    "server");
		buf_append_str(&d->next, "look at the server's log; "
		    "--timeout SECONDS waits longer");
	} else if (tlsport) {
		buf_printf(&d->cause, "port %u is an implicit-TLS port: the "
		    "server waits for a TLS handshake while we wait for its "
		    "greeting", f->port);
		buf_append_str(&d->next, "is this an implicit-TLS port? try ");
		url(f, true, f->port, &d->next);
	} else {
		buf_append_str(&d->cause, "the server accepted the connection "
		    "but says nothing: a slow or stuck server, a firewall or "
		    "proxy holding the connection, or a port that expects TLS "
		    "first");
		buf_append_str(&d->next, "if it is an implicit-TLS port, try ");
		url(f, true, f->port, &d->next);
		buf_append_str(&d->next, hint ? "" : "; otherwise look at the "
		    "server, or wait longer with --timeout SECONDS");
	}
	if (hint) {
		/* A hint stays one line: what and what to try. */
		buf_append_str(&d->what, ": ");
		buf_append(&d->what, d->next.data, d->next.len);
		buf_reset(&d->cause);
		buf_reset(&d->next);
	}
}

static void
tls_on_plain(const struct diag_facts *f, struct diagnosis *d)
{
	buf_append_str(&d->what, "the server answered with TLS, not a "
	    "plain-text greeting");
	if (f->first_len >= 1 && (unsigned char)f->first[0] == 0x15)
		buf_append_str(&d->what, " (a TLS alert record)");
	buf_printf(&d->cause, "port %u expects TLS from the first byte "
	    "(implicit TLS)", f->port);
	buf_append_str(&d->next, "use ");
	url(f, true, f->port, &d->next);
}

static void
no_reply(const struct diag_facts *f, struct diagnosis *d)
{
	const char *cmd = str(f->command);

	buf_printf(&d->what, "timeout: no reply to %s after %.1f s", cmd,
	    f->waited_s);
	if (strcmp(cmd, ".") == 0)
		buf_append_str(&d->cause, "the server may still be checking "
		    "the message (content or virus filters), or the connection "
		    "was cut silently");
	else
		buf_append_str(&d->cause, "the server is busy or stuck, or the "
		    "connection was cut silently (a NAT or firewall forgot "
		    "it)");
	buf_printf(&d->next, "a late reply could be taken for the next "
	    "command's, so the session ends: reconnect; --timeout SECONDS "
	    "(now %g) waits longer", f->timeout_s);
}

int
diagnose(const struct diag_facts *f, struct diagnosis *d)
{
	buf_reset(&d->what);
	buf_reset(&d->cause);
	buf_reset(&d->next);
	switch (f->kind) {
	case DIAG_RESOLVE:
		resolve_failed(f, d);
		return 0;
	case DIAG_CONNECT:
		connect_failed(f, d);
		return 0;
	case DIAG_RESOLVE_TIMEOUT:
		buf_printf(&d->what, "timeout: looking up %s took longer than "
		    "%g s", str(f->host), f->timeout_s);
		buf_append_str(&d->cause, "the DNS server is slow or does not "
		    "answer");
		buf_append_str(&d->next, "try the server's IP address; check "
		    "/etc/resolv.conf and the network");
		return 0;
	case DIAG_CONNECT_TIMEOUT:
		buf_append_str(&d->what, "timeout: no answer from ");
		hostport(f, &d->what);
		buf_printf(&d->what, " within %g s", f->timeout_s);
		buf_append_str(&d->cause, "the connection attempt got no "
		    "answer at all: a firewall dropping the packets (a closed "
		    "port would refuse at once), a wrong address, or a host "
		    "that is down");
		buf_printf(&d->next, "check the address and port %u, and "
		    "whether a firewall lets it through; --timeout SECONDS "
		    "waits longer", f->port);
		return 0;
	case DIAG_TLS_HANDSHAKE:
		handshake_failed(f, d);
		return 0;
	case DIAG_TLS_TIMEOUT:
		handshake_timeout(f, d);
		return 0;
	case DIAG_TLS_VERIFY:
		verify_failed(f, d);
		return 0;
	case DIAG_GREETING_SLOW:
		no_greeting(f, d, true);
		return 0;
	case DIAG_NO_GREETING:
		no_greeting(f, d, false);
		return 0;
	case DIAG_TLS_ON_PLAIN:
		tls_on_plain(f, d);
		return 0;
	case DIAG_NO_REPLY:
		no_reply(f, d);
		return 0;
	case DIAG_KIND_COUNT:
		break;
	}
	return -1;
}
