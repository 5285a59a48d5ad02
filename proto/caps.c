/* SPDX-License-Identifier: MIT */
/* EHLO keywords (RFC 5321 4.1.1.1 and registered extensions) and POP3 CAPA
 * tags (RFC 2449 and later): kept per line, derived flags, explanations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/caps.h"
#include "proto/limits.h"
#include "base/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Peer text echoed in an explanation is cut here, and a mechanism list
 * stops after about this much text: a "= " line stays one screen line
 * or two, whatever the server sends. */
#define CAPS_ECHO_MAX		200
#define CAPS_EXPLAIN_MAX	1500

void
caps_init(struct caps *c)
{
	memset(c, 0, sizeof(*c));
}

void
caps_clear(struct caps *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].keyword);
		free(c->v[i].params);
	}
	free(c->v);
	free(c->auth);
	caps_init(c);
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static char
upper(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

/* Split a capability line into keyword [kp, kl) and parameters [pp, pl),
 * both trimmed. The obsolete "AUTH=LOGIN PLAIN" form (sent by servers for
 * old Outlook clients) gives keyword "AUTH=" and parameters "LOGIN PLAIN".
 * Returns -1 for an empty line or a control byte (NUL included). */
static int
split(const char *line, size_t len, bool strict, size_t *ks_r, size_t *kl_r,
    size_t *ps_r, size_t *pl_r)
{
	size_t	i = 0, k, p;

	while (len > 0 && (is_space(line[len - 1]) || line[len - 1] == '\r'))
		len--;
	while (i < len && is_space(line[i]))
		i++;
	if (i == len)
		return -1;
	for (k = i; strict && k < len; k++)
		if ((unsigned char)line[k] < 0x20 && !is_space(line[k]))
			return -1;
		else if (line[k] == 0x7f)
			return -1;
	for (k = i; k < len && !is_space(line[k]); k++)
		if (k - i == 4 && line[k] == '=' && slice_eq_ci(line + i, 4,
		    "AUTH")) {
			k++;
			break;
		}
	p = k;
	while (p < len && is_space(line[p]))
		p++;
	*ks_r = i;
	*kl_r = k - i;
	*ps_r = p;
	*pl_r = len - p;
	return 0;
}

bool
caps_has_mech(const struct caps *c, const char *mech, size_t n)
{
	const char	*q = c->auth, *e;
	size_t		 l;

	while (q != NULL && *q != '\0') {
		e = strchr(q, ' ');
		l = e != NULL ? (size_t)(e - q) : strlen(q);
		if (l == n && memcmp(q, mech, n) == 0)
			return true;
		q = e != NULL ? e + 1 : q + l;
	}
	return false;
}

/* Add each space-separated mechanism of params to c->auth, upper-cased,
 * once each. */
static void
add_mechs(struct caps *c, const char *p, size_t len)
{
	size_t	i = 0;

	while (i < len) {
		size_t s, n, have;
		char *m;

		while (i < len && is_space(p[i]))
			i++;
		s = i;
		while (i < len && !is_space(p[i]))
			i++;
		n = i - s;
		if (n == 0)
			break;
		m = xstrndup(p + s, n);
		for (size_t j = 0; j < n; j++)
			m[j] = upper(m[j]);
		if (caps_has_mech(c, m, n)) {
			free(m);
			continue;
		}
		if (c->auth != NULL) {
			have = strlen(c->auth);
			c->auth = xrealloc(c->auth, have + 1 + n + 1);
			c->auth[have] = ' ';
			memcpy(c->auth + have + 1, m, n + 1);
			free(m);
		} else
			c->auth = m;
	}
}

int
caps_add_line(struct caps *c, enum reply_proto proto, const char *line,
    size_t len)
{
	size_t	 ks, kl, ps, pl, i;
	struct cap *cap;
	char	*kw;

	if (line == NULL || split(line, len, true, &ks, &kl, &ps, &pl) < 0)
		return -1;
	if (c->n >= LIMIT_CAPS)
		return -1;
	kw = xstrndup(line + ks, kl);
	for (i = 0; i < kl; i++)
		kw[i] = upper(kw[i]);
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	cap = &c->v[c->n++];
	cap->keyword = kw;
	cap->params = xstrndup(line + ps, pl);

	if (strcmp(kw, "PIPELINING") == 0)
		c->pipelining = true;	/* RFC 2920; RFC 2449 6.6 */
	if (proto == REPLY_SMTP) {
		if (strcmp(kw, "STARTTLS") == 0)
			c->starttls = true;
		else if (strcmp(kw, "SMTPUTF8") == 0)
			c->smtputf8 = true;
		else if (strcmp(kw, "8BITMIME") == 0)
			c->eightbitmime = true;
		else if (strcmp(kw, "ENHANCEDSTATUSCODES") == 0)
			c->enhanced = true;
		else if (strcmp(kw, "SIZE") == 0) {
			uint64_t v;
			size_t n = 0;

			/* RFC 1870: "SIZE" [SP number]; 0 or none: no
			 * fixed limit. */
			while (n < pl && !is_space(line[ps + n]))
				n++;
			if (parse_uint(line + ps, n, UINT64_MAX, &v) == 0)
				c->size = v;
			else
				c->size = 0;
		} else if (strcmp(kw, "AUTH") == 0 ||
		    strcmp(kw, "AUTH=") == 0)
			add_mechs(c, line + ps, pl);
	} else {
		if (strcmp(kw, "STLS") == 0)
			c->stls = true;
		else if (strcmp(kw, "TOP") == 0)
			c->top = true;
		else if (strcmp(kw, "UIDL") == 0)
			c->uidl = true;
		else if (strcmp(kw, "USER") == 0)
			c->user = true;
		else if (strcmp(kw, "RESP-CODES") == 0)
			c->resp_codes = true;
		else if (strcmp(kw, "SASL") == 0)
			add_mechs(c, line + ps, pl);
	}
	return 0;
}

/* Echo peer bytes: printable ASCII as is, anything else \xNN; long text
 * is cut with "...". */
static int
echo(struct buf *out, const char *p, size_t len)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < len && i < CAPS_ECHO_MAX; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f)
			rc |= buf_append_byte(out, (char)ch);
		else
			rc |= buf_printf(out, "\\x%02x", ch);
	}
	if (len > CAPS_ECHO_MAX)
		rc |= buf_append_str(out, "...");
	return rc;
}

/* A byte count for humans: "34.2 MiB". */
static int
human_size(struct buf *out, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	double	d = (double)v;
	size_t	u = 0;

	if (v < 1024)
		return buf_printf(out, "%llu bytes", (unsigned long long)v);
	d /= 1024;
	while (d >= 1024 && u + 1 < nitems(units)) {
		d /= 1024;
		u++;
	}
	return buf_printf(out, "%.1f %s", d, units[u]);
}

/* A duration for humans: "15 minutes". */
static int
human_seconds(struct buf *out, uint64_t s)
{
	if (s < 60)
		return buf_printf(out, "%llu second%s", (unsigned long long)s,
		    s == 1 ? "" : "s");
	if (s < 3600 && s % 60 == 0)
		return buf_printf(out, "%llu minute%s",
		    (unsigned long long)(s / 60), s == 60 ? "" : "s");
	if (s < 3600)
		return buf_printf(out, "%llu min %llu s",
		    (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	if (s < 86400)
		return buf_printf(out, "%.1f hours", (double)s / 3600);
	return buf_printf(out, "%.1f days", (double)s / 86400);
}

static const struct {
	const char	*name;
	const char	*text;
} mechs[] = {
	{ "PLAIN", "user name and password in one base64 message, clear "
	    "text: use it only over TLS (RFC 4616)" },
	{ "LOGIN", "user name, then password, each in base64, clear text, "
	    "obsolete (draft-murchison-sasl-login)" },
	{ "CRAM-MD5", "challenge-response with an HMAC-MD5 of the password, "
	    "weak by today's standards (RFC 2195)" },
	{ "DIGEST-MD5", "challenge-response digest, historic (RFC 2831, "
	    "RFC 6331)" },
	{ "SCRAM-SHA-1", "salted challenge-response, password never sent "
	    "(RFC 5802)" },
	{ "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1 bound to the TLS channel "
	    "(RFC 5802)" },
	{ "SCRAM-SHA-256", "salted challenge-response with SHA-256 "
	    "(RFC 7677)" },
	{ "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256 bound to the TLS channel "
	    "(RFC 7677)" },
	{ "SCRAM-SHA-512", "salted challenge-response with SHA-512 "
	    "(draft-melnikov-scram-sha-512)" },
	{ "GSSAPI", "Kerberos V5 through GSS-API (RFC 4752)" },
	{ "GS2-KRB5", "Kerberos V5 through the GS2 family (RFC 5801)" },
	{ "EXTERNAL", "identity from outside SASL, e.g. the TLS client "
	    "certificate (RFC 4422 appendix A)" },
	{ "ANONYMOUS", "no credentials, a trace string only (RFC 4505)" },
	{ "OAUTHBEARER", "OAuth 2.0 bearer token (RFC 7628)" },
	{ "XOAUTH2", "OAuth 2.0 bearer token, Google/Microsoft's "
	    "pre-standard form" },
	{ "NTLM", "Microsoft NTLM challenge-response (proprietary)" },
	{ "OTP", "one-time password (RFC 2444)" },
	{ "SKEY", "S/KEY one-time password, obsolete" },
	{ "APOP", "APOP-style MD5 digest (non-standard as a SASL name)" },
};

static int
explain_mechs(struct buf *out, const char *p, size_t len)
{
	size_t	i = 0, j, n = 0, start = out->len;
	int	rc = 0;

	while (i < len) {
		size_t s;

		while (i < len && is_space(p[i]))
			i++;
		s = i;
		while (i < len && !is_space(p[i]))
			i++;
		if (i == s)
			break;
		if (out->len - start > CAPS_EXPLAIN_MAX) {
			rc |= buf_append_str(out, "; ...");
			break;
		}
		rc |= buf_append_str(out, n++ == 0 ? " " : "; ");
		rc |= echo(out, p + s, i - s < 64 ? i - s : 64);
		for (j = 0; j < nitems(mechs); j++)
			if (slice_eq_ci(p + s, i - s, mechs[j].name))
				break;
		rc |= buf_printf(out, " = %s", j < nitems(mechs) ?
		    mechs[j].text : "unknown mechanism");
	}
	if (n == 0)
		rc |= buf_append_str(out, " (no mechanism listed)");
	return rc;
}

enum kw_kind {
	KW_PLAIN,	/* text alone; parameters shown if any */
	KW_SIZE,
	KW_AUTH,
	KW_AUTH_OLD,
	KW_DELIVERBY,
	KW_LOGIN_DELAY,
	KW_EXPIRE,
	KW_SASL,
	KW_IMPL,
	KW_USER_ARG,	/* optional "USER" argument (RFC 6856 UTF8) */
};

#define P_SMTP	1
#define P_POP3	2
#define P_BOTH	3

static const struct {
	const char	*kw;
	int		 protos;
	enum kw_kind	 kind;
	const char	*text;
} keywords[] = {
	/* ESMTP: RFC 5321 and the IANA "SMTP Service Extensions" registry. */
	{ "SIZE", P_SMTP, KW_SIZE, NULL },
	{ "PIPELINING", P_SMTP, KW_PLAIN, "commands may be sent in batches "
	    "without waiting for each reply, RFC 2920" },
	{ "8BITMIME", P_SMTP, KW_PLAIN, "8-bit message bodies accepted "
	    "(MAIL ... BODY=8BITMIME), RFC 6152" },
	{ "DSN", P_SMTP, KW_PLAIN, "delivery status notifications on "
	    "request (NOTIFY=, RET=, ENVID=, ORCPT=), RFC 3461" },
	{ "ENHANCEDSTATUSCODES", P_SMTP, KW_PLAIN, "replies carry enhanced "
	    "status codes such as 5.7.1, RFC 2034" },
	{ "STARTTLS", P_SMTP, KW_PLAIN, "the connection can be upgraded to "
	    "TLS with STARTTLS, RFC 3207" },
	{ "AUTH", P_SMTP, KW_AUTH, NULL },
	{ "AUTH=", P_SMTP, KW_AUTH_OLD, NULL },
	{ "SMTPUTF8", P_SMTP, KW_PLAIN, "UTF-8 addresses and headers "
	    "accepted (MAIL ... SMTPUTF8), RFC 6531" },
	{ "CHUNKING", P_SMTP, KW_PLAIN, "message data may be sent in "
	    "chunks with BDAT instead of DATA, RFC 3030" },
	{ "BINARYMIME", P_SMTP, KW_PLAIN, "binary MIME bodies accepted "
	    "(BODY=BINARYMIME, needs CHUNKING), RFC 3030" },
	{ "ETRN", P_SMTP, KW_PLAIN, "remote queue start: ETRN asks the "
	    "server to send mail queued for a domain, RFC 1985" },
	{ "ATRN", P_SMTP, KW_PLAIN, "authenticated TURN for on-demand mail "
	    "relay, RFC 2645" },
	{ "TURN", P_SMTP, KW_PLAIN, "swap client and server roles; "
	    "obsolete and unsafe, RFC 821" },
	{ "VRFY", P_SMTP, KW_PLAIN, "VRFY verifies a user name or mailbox, "
	    "RFC 5321 3.5" },
	{ "EXPN", P_SMTP, KW_PLAIN, "EXPN expands a mailing list, "
	    "RFC 5321 3.5" },
	{ "HELP", P_SMTP, KW_PLAIN, "HELP gives help text, RFC 5321 4.1.1.8" },
	{ "DELIVERBY", P_SMTP, KW_DELIVERBY, NULL },
	{ "MT-PRIORITY", P_SMTP, KW_PLAIN, "message transfer priorities "
	    "(MAIL ... MT-PRIORITY=n), RFC 6710" },
	{ "REQUIRETLS", P_SMTP, KW_PLAIN, "messages may demand TLS on every "
	    "hop (MAIL ... REQUIRETLS), RFC 8689" },
	{ "LIMITS", P_SMTP, KW_PLAIN, "the server announces its limits "
	    "(RCPTMAX, MAILMAX, RCPTDOMAINMAX), RFC 9422" },
	{ "BURL", P_SMTP, KW_PLAIN, "message data by reference to an IMAP "
	    "URL (BURL), RFC 4468" },
	{ "FUTURERELEASE", P_SMTP, KW_PLAIN, "delivery may be held until a "
	    "given time (HOLDFOR/HOLDUNTIL), RFC 4865" },
	{ "NO-SOLICITING", P_SMTP, KW_PLAIN, "solicitation classes the "
	    "server refuses, RFC 3865" },
	{ "MTRK", P_SMTP, KW_PLAIN, "message tracking (MTRK), RFC 3885" },
	{ "CONNEG", P_SMTP, KW_PLAIN, "content negotiation, RFC 4141" },
	{ "CONPERM", P_SMTP, KW_PLAIN, "content conversion permission, "
	    "RFC 4141" },
	{ "RRVS", P_SMTP, KW_PLAIN, "require-recipient-valid-since checks "
	    "(RCPT ... RRVS=), RFC 7293" },
	{ "SUBMITTER", P_SMTP, KW_PLAIN, "responsible submitter "
	    "(MAIL ... SUBMITTER=), RFC 4405" },
	{ "CHECKPOINT", P_SMTP, KW_PLAIN, "checkpoint/restart of "
	    "interrupted transfers, RFC 1845" },
	{ "UTF8SMTP", P_SMTP, KW_PLAIN, "experimental predecessor of "
	    "SMTPUTF8, obsolete, RFC 5336" },
	{ "SEND", P_SMTP, KW_PLAIN, "SEND to a terminal, obsolete, "
	    "RFC 821" },
	{ "SOML", P_SMTP, KW_PLAIN, "send or mail, obsolete, RFC 821" },
	{ "SAML", P_SMTP, KW_PLAIN, "send and mail, obsolete, RFC 821" },
	{ "VERB", P_SMTP, KW_PLAIN, "verbose mode, a Sendmail extension" },
	{ "ONEX", P_SMTP, KW_PLAIN, "one message per connection, a Sendmail "
	    "extension" },
	{ "PRDR", P_SMTP, KW_PLAIN, "per-recipient replies after the data "
	    "(draft-hall-prdr, Exim)" },
	{ "XCLIENT", P_SMTP, KW_PLAIN, "Postfix extension: a trusted proxy "
	    "may override client attributes (NAME, ADDR, HELO...)" },
	{ "XFORWARD", P_SMTP, KW_PLAIN, "Postfix extension: a trusted "
	    "filter may forward the original client's attributes" },
	{ "XVERP", P_SMTP, KW_PLAIN, "variable envelope return paths, a "
	    "Postfix/qmail extension" },
	/* Microsoft Exchange's own verbs: KB 812455 "Definitions of
	 * XEXCH50, X-LINK2STATE, and X-EXPS", "SMTP Protocol Extensions for
	 * Exchange Server 2007" (TechNet dd535395), "Understanding Shadow
	 * Redundancy" (XSHADOW). They serve Exchange servers among
	 * themselves; a person at a terminal has no use for them. */
	{ "X-EXPS", P_SMTP, KW_PLAIN, "Microsoft Exchange extension: "
	    "Exchange's own AUTH between Exchange servers, with Windows "
	    "logons (GSSAPI = Kerberos, NTLM) that cannot be typed" },
	{ "XEXCH50", P_SMTP, KW_PLAIN, "Microsoft Exchange extension: "
	    "transfer of Exchange message properties" },
	{ "X-LINK2STATE", P_SMTP, KW_PLAIN, "Microsoft Exchange extension: "
	    "link state routing between Exchange servers" },
	{ "XRDST", P_SMTP, KW_PLAIN, "Microsoft Exchange extension: "
	    "redirect destination" },
	{ "XSHADOW", P_SMTP, KW_PLAIN, "Microsoft Exchange extension: "
	    "shadow redundancy (the sending server keeps a copy until "
	    "delivery is confirmed)" },
	{ "X-ANONYMOUSTLS", P_SMTP, KW_PLAIN, "Microsoft Exchange "
	    "extension: anonymous TLS between Exchange servers" },

	/* POP3: RFC 2449 6 and the IANA "POP3 Extension Mechanism"
	 * registry. */
	{ "CAPA", P_POP3, KW_PLAIN, "CAPA lists the capabilities, "
	    "RFC 2449 5" },
	{ "TOP", P_POP3, KW_PLAIN, "TOP n lines shows a message's headers "
	    "and first lines, RFC 2449 6.1" },
	{ "USER", P_POP3, KW_PLAIN, "USER/PASS login with a clear-text "
	    "password, RFC 2449 6.2" },
	{ "SASL", P_POP3, KW_SASL, NULL },
	{ "RESP-CODES", P_POP3, KW_PLAIN, "-ERR replies may carry "
	    "[RESP-CODES] such as [IN-USE], RFC 2449 6.4" },
	{ "LOGIN-DELAY", P_POP3, KW_LOGIN_DELAY, NULL },
	{ "PIPELINING", P_POP3, KW_PLAIN, "commands may be sent in batches "
	    "without waiting for each reply, RFC 2449 6.6" },
	{ "EXPIRE", P_POP3, KW_EXPIRE, NULL },
	{ "UIDL", P_POP3, KW_PLAIN, "UIDL gives each message a unique id "
	    "that survives sessions, RFC 2449 6.8" },
	{ "IMPLEMENTATION", P_POP3, KW_IMPL, NULL },
	{ "STLS", P_POP3, KW_PLAIN, "the connection can be upgraded to TLS "
	    "with STLS, RFC 2595 4" },
	{ "AUTH-RESP-CODE", P_POP3, KW_PLAIN, "a failed login says [AUTH] "
	    "when the credentials are wrong, RFC 3206" },
	{ "UTF8", P_POP3, KW_USER_ARG, "UTF8 command switches to UTF-8 "
	    "mode, RFC 6856 2" },
	{ "LANG", P_POP3, KW_PLAIN, "LANG chooses the language of reply "
	    "texts, RFC 6856 3" },
	{ "APOP", P_POP3, KW_PLAIN, "APOP login with an MD5 digest "
	    "(RFC 1939 7; not a registered CAPA tag)" },
};

int
caps_explain_line(enum reply_proto proto, const char *line, size_t len,
    struct buf *out)
{
	size_t	 ks, kl, ps, pl, i;
	const char *kw, *par;
	int	 want = proto == REPLY_SMTP ? P_SMTP : P_POP3, rc = 0;
	uint64_t v;

	if (line == NULL || split(line, len, false, &ks, &kl, &ps, &pl) < 0)
		return buf_append_str(out, "empty capability line");
	kw = line + ks;
	par = line + ps;
	for (i = 0; i < kl && i < 64; i++) {
		unsigned char ch = (unsigned char)kw[i];

		if (ch > 0x20 && ch < 0x7f)
			rc |= buf_append_byte(out, upper(kw[i]));
		else
			rc |= buf_printf(out, "\\x%02x", ch);
	}
	if (kl > 64)
		rc |= buf_append_str(out, "...");
	rc |= buf_append_str(out, ":");
	for (i = 0; i < nitems(keywords); i++)
		if ((keywords[i].protos & want) &&
		    slice_eq_ci(kw, kl, keywords[i].kw))
			break;
	if (i == nitems(keywords)) {
		if (kl > 1 && upper(kw[0]) == 'X')
			rc |= buf_append_str(out, proto == REPLY_SMTP ?
			    " vendor extension (registered keywords never "
			    "start with X, RFC 5321 2.2.2)" :
			    " vendor extension (registered tags never start "
			    "with X, RFC 2449 9)");
		else
			rc |= buf_append_str(out, " unknown extension");
		if (pl > 0) {
			rc |= buf_append_str(out, " (parameters: ");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, ")");
		}
		return rc ? -1 : 0;
	}
	switch (keywords[i].kind) {
	case KW_PLAIN:
	case KW_USER_ARG:
		rc |= buf_printf(out, " %s", keywords[i].text);
		if (keywords[i].kind == KW_USER_ARG &&
		    slice_eq_ci(par, pl, "USER"))
			rc |= buf_append_str(out, "; UTF-8 user names and "
			    "passwords accepted too");
		else if (pl > 0) {
			rc |= buf_append_str(out, " (parameters: ");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, ")");
		}
		break;
	case KW_SIZE:
		if (pl == 0)
			rc |= buf_append_str(out, " SIZE declarations "
			    "accepted, no fixed maximum announced, RFC 1870");
		else if (parse_uint(par, pl, UINT64_MAX, &v) < 0) {
			rc |= buf_append_str(out, " malformed size \"");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, "\" (RFC 1870 wants a "
			    "number of bytes)");
		} else if (v == 0)
			rc |= buf_append_str(out, " no fixed maximum message "
			    "size, RFC 1870");
		else {
			rc |= buf_append_str(out, " maximum message size ");
			rc |= human_size(out, v);
			if (v >= 1024)
				rc |= buf_printf(out, " (%llu bytes)",
				    (unsigned long long)v);
			rc |= buf_append_str(out, ", RFC 1870");
		}
		break;
	case KW_AUTH:
	case KW_SASL:
		rc |= buf_append_str(out, keywords[i].kind == KW_AUTH ?
		    " SASL authentication, RFC 4954; mechanisms:" :
		    " SASL authentication with AUTH, RFC 5034; mechanisms:");
		rc |= explain_mechs(out, par, pl);
		break;
	case KW_AUTH_OLD:
		rc |= buf_append_str(out, " obsolete pre-standard form of AUTH "
		    "(for old Outlook clients); mechanisms:");
		rc |= explain_mechs(out, par, pl);
		break;
	case KW_DELIVERBY:
		rc |= buf_append_str(out, " delivery deadlines "
		    "(MAIL ... BY=), RFC 2852");
		if (pl > 0 && parse_uint(par, pl, UINT64_MAX, &v) == 0) {
			rc |= buf_append_str(out, "; minimum by-time ");
			rc |= human_seconds(out, v);
		} else if (pl > 0) {
			rc |= buf_append_str(out, " (parameters: ");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, ")");
		}
		break;
	case KW_LOGIN_DELAY: {
		size_t n = 0;

		while (n < pl && !is_space(par[n]))
			n++;
		if (parse_uint(par, n, UINT64_MAX, &v) < 0) {
			rc |= buf_append_str(out, " minimum time between "
			    "logins, malformed value \"");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, "\", RFC 2449 6.5");
			break;
		}
		rc |= buf_append_str(out, " at least ");
		rc |= human_seconds(out, v);
		if (v >= 60)
			rc |= buf_printf(out, " (%llu s)",
			    (unsigned long long)v);
		rc |= buf_append_str(out, " between logins");
		if (n < pl)
			rc |= buf_append_str(out, "; USER: the value may "
			    "differ per user, ask CAPA again after login");
		rc |= buf_append_str(out, ", RFC 2449 6.5");
		break;
	}
	case KW_EXPIRE: {
		size_t n = 0;

		while (n < pl && !is_space(par[n]))
			n++;
		if (slice_eq_ci(par, n, "NEVER"))
			rc |= buf_append_str(out, " messages are never deleted "
			    "by the server");
		else if (parse_uint(par, n, UINT64_MAX, &v) < 0) {
			rc |= buf_append_str(out, " retention policy, "
			    "malformed value \"");
			rc |= echo(out, par, pl);
			rc |= buf_append_str(out, "\"");
		} else if (v == 0)
			rc |= buf_append_str(out, " messages are deleted once "
			    "retrieved: leaving mail on the server is not "
			    "allowed");
		else
			rc |= buf_printf(out, " messages may be deleted %llu "
			    "day%s after they were first retrieved",
			    (unsigned long long)v, v == 1 ? "" : "s");
		if (n < pl)
			rc |= buf_append_str(out, "; USER: the value may "
			    "differ per user, ask CAPA again after login");
		rc |= buf_append_str(out, ", RFC 2449 6.7");
		break;
	}
	case KW_IMPL:
		rc |= buf_append_str(out, " server software: ");
		rc |= echo(out, par, pl);
		rc |= buf_append_str(out, ", RFC 2449 6.9");
		break;
	}
	return rc ? -1 : 0;
}
