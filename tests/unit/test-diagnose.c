/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/diagnose.c: failure facts -> what, cause and next
 * step, one row per case, checked by the substrings each line must hold. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto/diagnose.h"
#include "tests/unit/harness.h"

/* 2026-12-01 00:00:00 UTC, the "now" of every row. */
#define NOW		1796083200LL
#define DAY		86400LL

static const struct {
	struct diag_facts	 f;
	const char		*what;	/* substrings; NULL: not checked */
	const char		*cause;
	const char		*next;
	const char		*absent; /* in no line */
} cases[] = {
	/* Expired server certificate: since when (UTC) and how long ago,
	 * OpenSSL's words kept in parentheses, and what fixes it. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_EXPIRED,
	    .host = "mail.example", .port = 995, .implicit_tls = true,
	    .subject = "CN=mail.example", .issuer = "CN=CA",
	    .not_after = NOW - 3 * DAY, .now = NOW,
	    .raw = "certificate has expired" },
	    "has expired (OpenSSL: certificate has expired)",
	    "expired on 2026-11-28 00:00:00 UTC, 3 days ago",
	    "must renew it", "--cafile" },
	/* An expired CA above the server's certificate says so. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_EXPIRED,
	    .depth = 1, .host = "h", .port = 995, .subject = "CN=Old CA",
	    .not_after = NOW - 800 * DAY, .now = NOW },
	    "a CA certificate in the server's chain has expired",
	    "the CA certificate (CN=Old CA) expired on", NULL, NULL },
	/* Years, not days, for an old one. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_EXPIRED,
	    .host = "h", .port = 995, .not_after = NOW - 800 * DAY,
	    .now = NOW },
	    NULL, "2 years ago", NULL, NULL },
	/* Not yet valid: from when, and the clock to check. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_NOT_YET_VALID,
	    .host = "h", .port = 995, .subject = "CN=h",
	    .not_before = NOW + 2 * 3600, .now = NOW },
	    "not valid yet", "valid only from 2026-12-01 02:00:00 UTC, in 2 "
	    "hours", "clock", NULL },
	/* Name mismatch: the certificate's names against the host, and a
	 * URL with the first of them. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_NAME_MISMATCH,
	    .host = "127.0.0.1", .port = 1995, .implicit_tls = true,
	    .names = "DNS:lab.example, DNS:mail.lab.example, IP:10.0.0.1",
	    .cn = "lab.example", .raw = "IP address mismatch" },
	    "not for this name (OpenSSL: IP address mismatch)",
	    "for lab.example, mail.lab.example, 10.0.0.1; you connected to "
	    "127.0.0.1",
	    "connect with one of those names (pop3s://lab.example:1995), or "
	    "--insecure to look anyway", "DNS:" },
	/* No subjectAltName: the CN stands in (RFC 6125 6.4.4). */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_NAME_MISMATCH,
	    .smtp = true, .host = "localhost", .port = 465,
	    .implicit_tls = true, .names = "", .cn = "old.example" },
	    NULL, "the certificate is for old.example; you connected to "
	    "localhost", "smtps://old.example:465", NULL },
	/* A wildcard name is listed but not offered as a URL. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_NAME_MISMATCH,
	    .host = "a.b.example", .port = 995, .implicit_tls = true,
	    .names = "DNS:*.example" },
	    NULL, "*.example", "connect with one of those names, or",
	    "pop3s://*" },
	/* Self-signed: the fingerprint, and the lab's way to trust it. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_SELF_SIGNED,
	    .host = "127.0.0.1", .port = 1995, .subject = "CN=lab",
	    .sha256 = "AB:CD", .raw = "self-signed certificate" },
	    "is self-signed", "signed its own certificate", "--cert-out FILE"
	    ") and pass --cafile FILE", NULL },
	/* Self-signed with a --cafile that does not hold it. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_SELF_SIGNED,
	    .host = "h", .port = 995, .cafile = "ca.pem", .sha256 = "AB" },
	    NULL, "--cafile ca.pem does not hold it; its SHA-256 fingerprint "
	    "is AB", NULL, NULL },
	/* Unknown issuer, no --cafile: who issued it, pass that CA. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_UNKNOWN_ISSUER,
	    .host = "h", .port = 995, .subject = "CN=h",
	    .issuer = "CN=Corp CA,O=Corp",
	    .raw = "unable to get local issuer certificate" },
	    "issued by a CA we do not trust (OpenSSL: unable to get local "
	    "issuer certificate)", "was issued by CN=Corp CA,O=Corp, which "
	    "is not in this system's CA store",
	    "pass that CA with --cafile FILE", "wrong --cafile" },
	/* Unknown issuer with a --cafile: the wrong file, what it holds. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_UNKNOWN_ISSUER,
	    .host = "h", .port = 995, .subject = "CN=h", .issuer = "CN=Real",
	    .cafile = "other.pem", .cafile_names = "CN=Other" },
	    "wrong --cafile: other.pem does not contain the issuer CN=Real",
	    "other.pem holds CN=Other", "certificate of CN=Real with --cafile",
	    NULL },
	/* Revoked: no --insecure advice for a withdrawn certificate. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_REVOKED,
	    .host = "h", .port = 995, .raw = "certificate revoked" },
	    "has been revoked (OpenSSL: certificate revoked)", "withdrew",
	    "do not trust", "--insecure" },
	/* Anything else: OpenSSL's words in parentheses, plus who. */
	{ { .kind = DIAG_TLS_VERIFY, .verify = DIAG_VERIFY_OTHER,
	    .host = "h", .port = 995, .subject = "CN=h", .issuer = "CN=I",
	    .raw = "unsupported certificate purpose" },
	    "not accepted (OpenSSL: unsupported certificate purpose)",
	    "(CN=h), issued by CN=I", NULL, NULL },
	/* Implicit TLS to a plain POP3 port: its greeting is quoted. */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_NOT_TLS,
	    .host = "127.0.0.1", .port = 110, .implicit_tls = true,
	    .first = "+OK Dovecot ready.\r\n", .first_len = 20,
	    .raw = "wrong version number" },
	    "the server spoke plain POP3 (\"+OK Dovecot ready.\") (OpenSSL: "
	    "wrong version number)", "port 110 speaks plain POP3",
	    "use pop3://127.0.0.1:110, with --starttls to upgrade", "\r" },
	/* smtps:// to a plain SMTP port (587: submission://). */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_NOT_TLS,
	    .smtp = true, .host = "mx", .port = 587, .implicit_tls = true,
	    .first = "220 mx ESMTP\r\n", .first_len = 14 },
	    "plain SMTP (\"220 mx ESMTP\")", NULL,
	    "use submission://mx:587, with --starttls", NULL },
	/* Not TLS, no greeting heard: a plain port or another service. */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_NOT_TLS,
	    .host = "h", .port = 8080, .implicit_tls = true,
	    .raw = "packet length too long" },
	    "the server's answer is not TLS (OpenSSL: packet length too "
	    "long)", "does not speak TLS from the first byte",
	    "pop3://h:8080 with --starttls", NULL },
	/* STLS accepted, then no TLS: something in between. */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_NOT_TLS,
	    .host = "h", .port = 110, .upgrade = true,
	    .first = "+OK", .first_len = 3 },
	    "did not switch to TLS", "said yes to STLS", "pop3s://h:995",
	    NULL },
	/* The server's alert, translated. */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_ALERT,
	    .alert = 70, .host = "h", .port = 995,
	    .raw = "tlsv1 alert protocol version" },
	    "refused it (TLS alert 70) (OpenSSL: tlsv1 alert protocol "
	    "version)", "TLS versions we offer", "openssl s_client -connect "
	    "h:995", NULL },
	/* The server hung up during the handshake. */
	{ { .kind = DIAG_TLS_HANDSHAKE, .handshake = DIAG_HS_CLOSED,
	    .host = "::1", .port = 995 },
	    "closed the connection", "hung up", "-connect [::1]:995", NULL },
	/* Handshake timeout on a direct connection. */
	{ { .kind = DIAG_TLS_TIMEOUT, .host = "h", .port = 995,
	    .implicit_tls = true, .timeout_s = 5 },
	    "timeout: the TLS handshake with h:995 did not finish in 5 s",
	    "sent no TLS answer", "pop3://h:995", NULL },
	/* Refused: nothing listens; the lab's ports. */
	{ { .kind = DIAG_CONNECT, .sys_errno = ECONNREFUSED,
	    .host = "127.0.0.1", .port = 2525, .raw = "Connection refused" },
	    "cannot connect to 127.0.0.1:2525: connection refused",
	    "nothing listens on that port",
	    "the mailbench lab prints its ports", "(Connection refused)" },
	/* Network unreachable. */
	{ { .kind = DIAG_CONNECT, .sys_errno = ENETUNREACH, .host = "2001:db8::1",
	    .port = 110, .raw = "Network is unreachable" },
	    "[2001:db8::1]:110: network unreachable (Network is unreachable)",
	    "no route to that network", "-4", NULL },
	/* An errno without a row: its words, a generic next step. */
	{ { .kind = DIAG_CONNECT, .sys_errno = EMFILE, .host = "h",
	    .port = 25, .raw = "Too many open files" },
	    "cannot connect to h:25 (Too many open files)", NULL, "check",
	    NULL },
	/* Unresolvable name: typo, or use the IP. */
	{ { .kind = DIAG_RESOLVE, .resolve = DIAG_RESOLVE_NONAME,
	    .host = "mial.example", .port = 110,
	    .raw = "Name or service not known" },
	    "cannot find the address of mial.example (Name or service not "
	    "known)", "a typo", "IP address", NULL },
	/* A DNS server that does not answer. */
	{ { .kind = DIAG_RESOLVE, .resolve = DIAG_RESOLVE_AGAIN,
	    .host = "x", .port = 110 },
	    NULL, "did not answer", "resolv.conf", NULL },
	/* Connect timeout: a firewall that drops. */
	{ { .kind = DIAG_CONNECT_TIMEOUT, .host = "h", .port = 25,
	    .timeout_s = 10 },
	    "timeout: no answer from h:25 within 10 s", "firewall dropping",
	    "--timeout SECONDS", NULL },
	/* Name lookup timeout. */
	{ { .kind = DIAG_RESOLVE_TIMEOUT, .host = "slow.example", .port = 25,
	    .timeout_s = 10 },
	    "looking up slow.example took longer than 10 s", "DNS", "IP",
	    NULL },
	/* The early hint on an implicit-TLS port, one line. */
	{ { .kind = DIAG_GREETING_SLOW, .host = "h", .port = 995,
	    .timeout_s = 30, .waited_s = 3 },
	    "no greeting yet after 3 s (waiting up to 30 s): is this an "
	    "implicit-TLS port? try pop3s://h:995", NULL, NULL, NULL },
	/* The early hint elsewhere still names the possibility. */
	{ { .kind = DIAG_GREETING_SLOW, .smtp = true, .host = "h",
	    .port = 2526, .timeout_s = 4, .waited_s = 2 },
	    "if it is an implicit-TLS port, try smtps://h:2526", NULL, NULL,
	    NULL },
	/* No greeting at the timeout, on the lab's implicit-TLS port. */
	{ { .kind = DIAG_NO_GREETING, .host = "127.0.0.1", .port = 1995,
	    .timeout_s = 30 },
	    "timeout: no greeting after 30 s", "port 1995 is an implicit-TLS "
	    "port", "try pop3s://127.0.0.1:1995", NULL },
	/* A TLS alert record where the greeting was due. */
	{ { .kind = DIAG_TLS_ON_PLAIN, .host = "h", .port = 465, .smtp = true,
	    .first = "\x15\x03\x03\x00\x02", .first_len = 5 },
	    "answered with TLS, not a plain-text greeting (a TLS alert "
	    "record)", "port 465 expects TLS", "use smtps://h:465", NULL },
	/* No reply to a command: which, and how long. */
	{ { .kind = DIAG_NO_REPLY, .host = "h", .port = 110,
	    .command = "RETR 1", .waited_s = 30.04, .timeout_s = 30 },
	    "timeout: no reply to RETR 1 after 30.0 s", "busy or stuck",
	    "reconnect", NULL },
	/* The final dot: the server may still be filtering. */
	{ { .kind = DIAG_NO_REPLY, .smtp = true, .host = "h", .port = 25,
	    .command = ".", .waited_s = 10, .timeout_s = 10 },
	    "no reply to . after 10.0 s", "checking the message", NULL,
	    NULL },
};

static bool
has(const struct buf *b, const char *want)
{
	return want == NULL || (b->data != NULL && strstr(b->data, want));
}

static void
test_cases(void)
{
	struct diagnosis d;
	size_t i;

	diagnosis_init(&d);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = diagnose(&cases[i].f, &d);
		bool ok = rc == 0 && d.what.len > 0 && has(&d.what,
		    cases[i].what) && has(&d.cause, cases[i].cause) &&
		    has(&d.next, cases[i].next);

		if (ok && cases[i].absent != NULL)
			ok = !has(&d.what, cases[i].absent) &&
			    !has(&d.cause, cases[i].absent) &&
			    !has(&d.next, cases[i].absent);
		if (!ok)
			fprintf(stderr, "row %zu:\n  what: %s\n  cause: %s\n  "
			    "next: %s\n", i, d.what.data ? d.what.data : "",
			    d.cause.data ? d.cause.data : "",
			    d.next.data ? d.next.data : "");
		CHECK(ok);
	}
	diagnosis_clear(&d);
}

/* Every kind, with nothing known, still says something and never
 * crashes on the NULL strings; lines stay single lines. */
static void
test_every_kind_bare(void)
{
	struct diagnosis d;
	struct diag_facts f;
	int k, v;

	diagnosis_init(&d);
	for (k = 0; k < DIAG_KIND_COUNT; k++)
		for (v = 0; v <= DIAG_VERIFY_NO_CERT; v++) {
			memset(&f, 0, sizeof(f));
			f.kind = (enum diag_kind)k;
			f.verify = (enum diag_verify)v;
			f.handshake = (enum diag_handshake)(v % 5);
			CHECK_INT(diagnose(&f, &d), 0);
			CHECK(d.what.len > 0);
			CHECK(d.what.data != NULL &&
			    strchr(d.what.data, '\n') == NULL);
			CHECK(d.cause.len == 0 ||
			    strchr(d.cause.data, '\n') == NULL);
		}
	memset(&f, 0, sizeof(f));
	f.kind = DIAG_KIND_COUNT;
	CHECK_INT(diagnose(&f, &d), -1);
	diagnosis_clear(&d);
}

/* A certificate name of 10 000 bytes is cut at the line cap, not grown
 * without bound. */
static void
test_long_names(void)
{
	static char big[10001];
	struct diagnosis d;
	struct diag_facts f = { .kind = DIAG_TLS_VERIFY,
	    .verify = DIAG_VERIFY_UNKNOWN_ISSUER, .host = "h", .port = 995 };

	memset(big, 'A', sizeof(big) - 1);
	f.subject = f.issuer = big;
	diagnosis_init(&d);
	CHECK_INT(diagnose(&f, &d), 0);
	CHECK(d.what.len > 0 && d.what.len < 4096);
	CHECK(d.cause.len < 4096);
	diagnosis_clear(&d);
}

static void
test_tls_record(void)
{
	/* An alert and a handshake record (RFC 8446 5.1). */
	CHECK(diag_is_tls_record("\x15\x03\x03\x00\x02", 5));
	CHECK(diag_is_tls_record("\x16\x03\x01", 3));
	/* Greetings and short input are not. */
	CHECK(!diag_is_tls_record("+OK ready\r\n", 11));
	CHECK(!diag_is_tls_record("220 mx\r\n", 8));
	CHECK(!diag_is_tls_record("\x15\x03", 2));
	CHECK(!diag_is_tls_record("\x17\x03\x03", 3));
	CHECK(!diag_is_tls_record("\x15\x03\x09", 3));
}

static void
test_tls_ports(void)
{
	/* RFC 8314's and the lab's implicit-TLS ports. */
	CHECK(diag_tls_port(995));
	CHECK(diag_tls_port(465));
	CHECK(diag_tls_port(1995));
	CHECK(diag_tls_port(1465));
	/* The plain ones are not. */
	CHECK(!diag_tls_port(110));
	CHECK(!diag_tls_port(25));
	CHECK(!diag_tls_port(587));
	CHECK(!diag_tls_port(2525));
	CHECK(!diag_tls_port(1110));
}

static const struct test tests[] = {
	{ "diagnose_cases", test_cases },
	{ "diagnose_every_kind_bare", test_every_kind_bare },
	{ "diagnose_long_names", test_long_names },
	{ "diagnose_tls_record", test_tls_record },
	{ "diagnose_tls_ports", test_tls_ports },
};

TEST_MAIN("diagnose", tests)
