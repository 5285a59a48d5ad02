/* SPDX-License-Identifier: MIT */
/* The lab's ESMTP session (RFC 5321, 3207, 4954, 1870, 2920, 6152, 2034,
 * 6531): one line in, replies with RFC 3463 enhanced codes out; accepted
 * mail goes to local Maildirs. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab-int.h"
#include "proto/dot.h"
#include "proto/limits.h"
#include "base/util.h"

enum smtpd_state {
	SMTPD_INIT,	/* no EHLO/HELO yet */
	SMTPD_READY,	/* greeted, no transaction */
	SMTPD_MAIL,	/* MAIL accepted */
	SMTPD_DATA,	/* after 354, reading the message */
};

struct smtpd {
	struct lab_sess		*s;
	struct lab		*lab;
	enum smtpd_state	 state;
	bool			 esmtp;
	char			 helo[128];	/* sanitized */
	bool			 authed;
	char			 auth_user[72];
	bool			 in_sasl;
	struct labsasl		 sasl;
	char			*from;
	bool			 utf8;
	char			**rcpt_user;
	char			**rcpt_addr;
	size_t			 nrcpt;
	struct buf		 data;
	bool			 too_big;
	bool			 prev_crlf;
	unsigned		 errors;
};

struct smtpd *
smtpd_new(struct lab_sess *s)
{
	struct smtpd *d = xcalloc(1, sizeof(*d));

	d->s = s;
	d->lab = s->lab;
	buf_init(&d->data, LAB_MAX_MESSAGE + 4096);
	return d;
}

static void
reset(struct smtpd *d)
{
	size_t i;

	for (i = 0; i < d->nrcpt; i++) {
		free(d->rcpt_user[i]);
		free(d->rcpt_addr[i]);
	}
	free(d->rcpt_user);
	free(d->rcpt_addr);
	free(d->from);
	d->rcpt_user = d->rcpt_addr = NULL;
	d->from = NULL;
	d->nrcpt = 0;
	d->utf8 = false;
	d->too_big = false;
	buf_clear(&d->data);
	if (d->state != SMTPD_INIT)
		d->state = SMTPD_READY;
}

void
smtpd_free(struct smtpd *d)
{
	if (d == NULL)
		return;
	reset(d);
	labsasl_clear(&d->sasl);
	free(d);
}

/* The firewall scenario inspects the plain SMTP port only: it cannot read
 * inside implicit TLS (smtps). */
static bool
firewalled(struct smtpd *d)
{
	return (d->lab->scenarios & LAB_SC_FIREWALL) && d->s->svc == LAB_SMTP;
}

void
smtpd_greet(struct smtpd *d)
{
	char text[128];
	size_t i;

	snprintf(text, sizeof(text), "%s ESMTP %s", LAB_DOMAIN, LAB_SOFTWARE);
	if (firewalled(d)) {
		/* Cisco PIX "fixup protocol smtp" (mailguard) and ASA "inspect
		 * esmtp" mask-banner: every character but "2", "0" and the
		 * space becomes "*" (Cisco's PIX mailguard notes; ASA CLI
		 * configuration guide, "Defaults for ESMTP Inspection"). */
		for (i = 0; text[i] != '\0'; i++)
			if (text[i] != '2' && text[i] != '0' && text[i] != ' ')
				text[i] = '*';
	}
	lab_reply(d->s, "220 %s", text);
}

unsigned
smtpd_delay(struct smtpd *d, const char *line, size_t len)
{
	if (!(d->lab->scenarios & LAB_SC_SLOW))
		return 0;
	/* Inside DATA only the final dot gets a (slow) reply. */
	if (d->state == SMTPD_DATA && !(len == 2 && line[0] == '.' &&
	    line[1] == '\r'))
		return 0;
	return LAB_SLOW_MS;
}

size_t
smtpd_line_max(struct smtpd *d)
{
	return d->state == SMTPD_DATA ? LAB_DATA_LINE : LAB_SMTP_LINE;
}

static void
bad(struct smtpd *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
bad(struct smtpd *d, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lab_reply(d->s, "%s", text);
	if (++d->errors >= LAB_MAX_ERRORS) {
		lab_reply(d->s, "421 4.7.0 %s Error: too many errors",
		    LAB_DOMAIN);
		d->s->want_close = true;
	}
}

void
smtpd_too_long(struct smtpd *d)
{
	if (d->state == SMTPD_DATA)
		d->too_big = true;
	else if (d->in_sasl) {
		/* RFC 4954 4: the exchange is over. */
		d->in_sasl = false;
		labsasl_clear(&d->sasl);
		bad(d, "500 5.5.6 Authentication Exchange line is too long");
	} else
		/* RFC 5321 4.5.3.1.4 */
		bad(d, "500 5.5.2 Error: line too long");
}

void
smtpd_timeout(struct smtpd *d)
{
	/* RFC 5321 4.5.3.2.7 and 3.8: 421, then close. */
	lab_reply(d->s, "421 4.4.2 %s Error: timeout exceeded", LAB_DOMAIN);
	d->s->want_close = true;
}

void
smtpd_tls_done(struct smtpd *d)
{
	/* RFC 3207 4.2: forget everything learnt before TLS; the client
	 * must send EHLO again. */
	reset(d);
	d->state = SMTPD_INIT;
	d->authed = false;
	d->esmtp = false;
	if (d->s->svc == LAB_SMTPS)
		smtpd_greet(d);
}

static bool
auth_offered(struct smtpd *d)
{
	return d->s->tls || (d->lab->opt.smtp_auth_plaintext &&
	    !(lab_sess_scenarios(d->s) & LAB_SC_TLS_REQUIRED));
}

static void
sanitize(char *dst, size_t size, const char *p, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < size; i++)
		dst[o++] = (p[i] > 0x20 && p[i] < 0x7f) ? p[i] : '?';
	dst[o] = '\0';
}

static void
ehlo(struct smtpd *d, bool is_ehlo, const char *arg, size_t alen)
{
	struct lab_sess *s = d->s;
	char ip[80];
	const char *colon;

	if (alen == 0 || memchr(arg, ' ', alen) != NULL) {
		bad(d, "501 5.5.4 Syntax: %s hostname", is_ehlo ? "EHLO" :
		    "HELO");
		return;
	}
	/* RFC 5321 4.1.4: EHLO/HELO resets any transaction. */
	reset(d);
	d->state = SMTPD_READY;
	d->esmtp = is_ehlo;
	sanitize(d->helo, sizeof(d->helo), arg, alen);
	snprintf(ip, sizeof(ip), "%s", s->peer);
	if ((colon = strrchr(ip, ':')) != NULL)
		ip[colon - ip] = '\0';
	if (!is_ehlo) {
		lab_reply(s, "250 %s Hello %s [%s]", LAB_DOMAIN, d->helo, ip);
		return;
	}
	lab_reply(s, "250-%s Hello %s [%s]", LAB_DOMAIN, d->helo, ip);
	lab_reply(s, "250-PIPELINING");
	lab_reply(s, "250-SIZE %d", LAB_MAX_MESSAGE);
	lab_reply(s, "250-8BITMIME");
	lab_reply(s, "250-ENHANCEDSTATUSCODES");
	lab_reply(s, "250-SMTPUTF8");
	if (!s->tls && s->svc == LAB_SMTP && d->lab->tls != NULL)
		lab_reply(s, "250-STARTTLS");
	if (auth_offered(d))
		lab_reply(s, "250-AUTH %s", LABSASL_MECHS);
	lab_reply(s, "250 HELP");
}

/* Parse "<path> params" after "FROM:"/"TO:". On success *addr_r is the
 * path without brackets (malloc'd) and *params_r what follows. */
static int
parse_path(const char *p, size_t len, char **addr_r, const char **params_r,
    size_t *plen_r)
{
	size_t i = 0, start;
	bool quoted = false;

	while (i < len && p[i] == ' ')
		i++;	/* not RFC 5321, but common */
	if (i == len || p[i] != '<')
		return -1;
	start = ++i;
	for (; i < len; i++) {
		if (p[i] == '"' && (i == start || p[i - 1] != '\\'))
			quoted = !quoted;
		else if (p[i] == '>' && !quoted)
			break;
		else if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == ' ' && !quoted))
			return -1;
	}
	if (i == len || i - start > 256)	/* RFC 5321 4.5.3.1.3 */
		return -1;
	/* A source route "@a,@b:user@d" is accepted and ignored (RFC 5321
	 * 4.1.2 / C). */
	if (i > start && p[start] == '@') {
		const char *c = memchr(p + start, ':', i - start);

		if (c == NULL)
			return -1;
		start = (size_t)(c - p) + 1;
	}
	*addr_r = xstrndup(p + start, i - start);
	i++;
	while (i < len && p[i] == ' ')
		i++;
	*params_r = p + i;
	*plen_r = len - i;
	return 0;
}

static bool
has_8bit(const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char)*a >= 0x80)
			return true;
	return false;
}

static bool
addr_ok(const char *a)
{
	const char *at = strrchr(a, '@');

	return at != NULL && at != a && at[1] != '\0' &&
	    strchr(at + 1, '"') == NULL;
}

static bool
local_domain(const char *dom)
{
	static const char *const local[] = {
		LAB_DOMAIN, "localhost", "localhost.localdomain",
		"[127.0.0.1]", "[IPv6:::1]",
	};
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strcasecmp(dom, local[i]) == 0)
			return true;
	return false;
}

/* The local account an address names (user, user+detail, at the lab's
 * domain), or NULL. */
static struct lab_account *
local_account(struct smtpd *d, const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t llen = strcspn(addr, "+@");
	char local[80];
	size_t i;

	if (at == NULL || !local_domain(at + 1) || llen >= sizeof(local))
		return NULL;
	for (i = 0; i < llen; i++)
		local[i] = (char)tolower((unsigned char)addr[i]);
	local[llen] = '\0';
	return lab_user_name_ok(local, llen) ? lab_user_find(d->lab, local,
	    llen) : NULL;
}

static void
mail(struct smtpd *d, const char *arg, size_t alen)
{
	char *addr;
	const char *params;
	size_t plen;
	bool utf8 = false;

	if (d->state == SMTPD_INIT) {
		bad(d, "503 5.5.1 Error: send HELO/EHLO first");
		return;
	}
	if (d->state != SMTPD_READY) {
		bad(d, "503 5.5.1 Error: nested MAIL command");
		return;
	}
	if ((lab_sess_scenarios(d->s) & LAB_SC_TLS_REQUIRED) && !d->s->tls) {
		bad(d, "530 5.7.0 Must issue a STARTTLS command first");
		return;
	}
	if (alen < 5 || strncasecmp(arg, "FROM:", 5) != 0 ||
	    parse_path(arg + 5, alen - 5, &addr, &params, &plen) == -1) {
		bad(d, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	if (*addr != '\0' && !addr_ok(addr)) {
		free(addr);
		bad(d, "553 5.1.7 Bad sender address syntax");
		return;
	}
	/* Not logged in: the session is the local sender's (the trainer's
	 * view; lab/class.c). */
	class_attribute(d->s, local_account(d, addr));
	/* ESMTP parameters: RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8,
	 * RFC 4954 5 AUTH. */
	while (plen > 0) {
		const char *sp = memchr(params, ' ', plen);
		size_t n = sp ? (size_t)(sp - params) : plen;
		uint64_t size;

		if (n == 0) {
			params++;
			plen--;
			continue;
		}
		if (!d->esmtp) {
			free(addr);
			bad(d, "555 5.5.4 Parameters need EHLO, not HELO");
			return;
		}
		if (n > 5 && strncasecmp(params, "SIZE=", 5) == 0) {
			if (parse_uint(params + 5, n - 5, UINT64_MAX / 2,
			    &size) == -1) {
				free(addr);
				bad(d, "501 5.5.4 Bad SIZE parameter");
				return;
			}
			if (size > LAB_MAX_MESSAGE) {
				free(addr);
				bad(d, "552 5.3.4 Message size exceeds fixed "
				    "maximum message size (%d)",
				    LAB_MAX_MESSAGE);
				return;
			}
		} else if (n > 5 && strncasecmp(params, "BODY=", 5) == 0) {
			if (!slice_eq_ci(params + 5, n - 5, "7BIT") &&
			    !slice_eq_ci(params + 5, n - 5, "8BITMIME")) {
				free(addr);
				bad(d, "501 5.5.4 Bad BODY parameter");
				return;
			}
		} else if (slice_eq_ci(params, n, "SMTPUTF8")) {
			utf8 = true;
		} else if (n > 5 && strncasecmp(params, "AUTH=", 5) == 0) {
			/* accepted, ignored */
		} else {
			free(addr);
			bad(d, "555 5.5.4 Unsupported parameter");
			return;
		}
		params += n;
		plen -= n;
	}
	if (has_8bit(addr) && !utf8) {
		free(addr);
		/* RFC 6531 3.7.1 */
		bad(d, "553 5.6.7 Non-ASCII address needs the SMTPUTF8 "
		    "parameter");
		return;
	}
	d->from = addr;
	d->utf8 = utf8;
	d->state = SMTPD_MAIL;
	lab_reply(d->s, "250 2.1.0 Ok");
}

static bool
greylisted(struct smtpd *d, const char *rcpt)
{
	struct lab *lab = d->lab;
	size_t i, n = strlen(d->from) + strlen(rcpt) + 2;
	char *key = xmalloc(n);

	snprintf(key, n, "%s\n%s", d->from, rcpt);
	for (i = 0; i < lab->ngrey; i++)
		if (strcasecmp(lab->grey[i], key) == 0) {
			free(key);
			return false;
		}
	if (lab->ngrey == LAB_GREYLIST_MAX) {
		for (i = 0; i < lab->ngrey; i++)
			free(lab->grey[i]);
		lab->ngrey = 0;
	}
	lab->grey = xrealloc(lab->grey, (lab->ngrey + 1) * sizeof(char *));
	lab->grey[lab->ngrey++] = key;
	return true;
}

/* Octets stored for an account now (as RETR sends them). */
static size_t
mailbox_usage(struct smtpd *d, const struct lab_account *a)
{
	struct maildir_msg *m;
	size_t n, i, sum = 0;

	if (maildir_scan(d->lab->maildir, a->user, &m, &n) == -1)
		return 0;
	for (i = 0; i < n; i++)
		sum += m[i].size;
	maildir_msgs_free(m, n);
	return sum;
}

/* RCPT for another domain: the lab relays only in the relay-denied
 * scenario after AUTH and in pop-before-smtp after a POP3 login from the
 * same address (and then sends nothing out: it is an isolated lab). */
static void
relay(struct smtpd *d, char *addr)
{
	unsigned sc = lab_sess_scenarios(d->s);

	if (!((sc & LAB_SC_RELAY_DENIED) && d->authed) &&
	    !((sc & LAB_SC_POP_BEFORE_SMTP) && lab_popb4_recent(d->s))) {
		free(addr);
		/* Postfix reject_unauth_destination: 554 5.7.1 by default
		 * (relay_domains_reject_code), 550 where set so. */
		if (sc & LAB_SC_RELAY_DENIED)
			bad(d, "550 5.7.1 Relay access denied: authenticate "
			    "first (mail to @%s needs no login)", LAB_DOMAIN);
		else if (sc & LAB_SC_POP_BEFORE_SMTP)
			bad(d, "550 5.7.1 Relay access denied: log in with "
			    "POP3 from this address first (POP-before-SMTP)");
		else
			bad(d, "550 5.7.1 Relay access denied: this server "
			    "only takes mail for @%s", LAB_DOMAIN);
		return;
	}
	if (d->nrcpt >= LAB_MAX_RCPT) {
		free(addr);
		lab_reply(d->s, "452 4.5.3 Error: too many recipients");
		return;
	}
	d->rcpt_user = xrealloc(d->rcpt_user, (d->nrcpt + 1) * sizeof(char *));
	d->rcpt_addr = xrealloc(d->rcpt_addr, (d->nrcpt + 1) * sizeof(char *));
	d->rcpt_user[d->nrcpt] = NULL;	/* remote: accepted, not sent */
	d->rcpt_addr[d->nrcpt] = addr;
	d->nrcpt++;
	lab_reply(d->s, "250 2.1.5 Ok");
}

static void
rcpt(struct smtpd *d, const char *arg, size_t alen)
{
	char *addr, *at, local[80];
	const char *params;
	size_t plen, llen, usage;
	struct lab_account *a = NULL;

	if (d->state != SMTPD_MAIL) {
		bad(d, "503 5.5.1 Error: need MAIL command");
		return;
	}
	if (alen < 3 || strncasecmp(arg, "TO:", 3) != 0 ||
	    parse_path(arg + 3, alen - 3, &addr, &params, &plen) == -1) {
		bad(d, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	if (plen > 0) {
		free(addr);
		bad(d, "555 5.5.4 Unsupported parameter");
		return;
	}
	if (has_8bit(addr) && !d->utf8) {
		free(addr);
		bad(d, "553 5.6.7 Non-ASCII address needs SMTPUTF8 in MAIL");
		return;
	}
	/* RFC 5321 4.5.1: <postmaster> without a domain must work. */
	if (strcasecmp(addr, "postmaster") == 0) {
		a = &d->lab->acct[0];
	} else if (!addr_ok(addr)) {
		free(addr);
		bad(d, "501 5.1.3 Bad recipient address syntax");
		return;
	} else {
		at = strrchr(addr, '@');
		if (!local_domain(at + 1)) {
			relay(d, addr);
			return;
		}
		/* user+detail@ delivers to user (subaddressing). */
		llen = strcspn(addr, "+@");
		if (llen < sizeof(local)) {
			size_t i;

			for (i = 0; i < llen; i++)
				local[i] = (char)tolower((unsigned char)addr[i]);
			local[llen] = '\0';
			if (strcmp(local, "postmaster") == 0)
				a = &d->lab->acct[0];
			else if (lab_user_name_ok(local, llen))
				a = lab_user_find(d->lab, local, llen);
		}
		if (a == NULL) {
			free(addr);
			bad(d, "550 5.1.1 Recipient address rejected: user "
			    "unknown in %s", LAB_DOMAIN);
			return;
		}
	}
	/* No login and no local sender: the first local recipient's. */
	class_attribute(d->s, a);
	if (((d->lab->scenarios | a->scenarios) & LAB_SC_MAILBOX_FULL) &&
	    (usage = mailbox_usage(d, a)) >= LAB_QUOTA) {
		free(addr);
		/* RFC 3463 4.2.2 mailbox full; temporary, as Dovecot's
		 * quota_full_tempfail: deleting mail makes room. */
		lab_reply(d->s, "452 4.2.2 Mailbox full: %s uses %zu of %d "
		    "octets; delete messages (POP3 DELE, then QUIT) to make "
		    "room", a->user, usage, LAB_QUOTA);
		return;
	}
	if (d->nrcpt >= LAB_MAX_RCPT) {
		free(addr);
		lab_reply(d->s, "452 4.5.3 Error: too many recipients");
		return;
	}
	if (((d->lab->scenarios | a->scenarios) & LAB_SC_GREYLIST) &&
	    greylisted(d, addr)) {
		free(addr);
		lab_reply(d->s, "451 4.7.1 Greylisted: please try again later");
		return;
	}
	d->rcpt_user = xrealloc(d->rcpt_user, (d->nrcpt + 1) * sizeof(char *));
	d->rcpt_addr = xrealloc(d->rcpt_addr, (d->nrcpt + 1) * sizeof(char *));
	d->rcpt_user[d->nrcpt] = xstrdup(a->user);
	d->rcpt_addr[d->nrcpt] = addr;
	d->nrcpt++;
	lab_reply(d->s, "250 2.1.5 Ok");
}

static void
deliver(struct smtpd *d)
{
	struct buf msg;
	char date[64], id[128], ip[80], from[300], *colon;
	const char *with, **local;
	time_t now = time(NULL);
	struct tm tm;
	struct lab_account *full = NULL;
	size_t i, nlocal = 0;
	int r;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	snprintf(ip, sizeof(ip), "%s", d->s->peer);
	if ((colon = strrchr(ip, ':')) != NULL)
		ip[colon - ip] = '\0';
	/* RFC 3848 and RFC 6531 3.7.3 "with" protocol types. */
	if (d->utf8)
		with = d->s->tls ? (d->authed ? "UTF8SMTPSA" : "UTF8SMTPS") :
		    (d->authed ? "UTF8SMTPA" : "UTF8SMTP");
	else if (!d->esmtp)
		with = "SMTP";
	else
		with = d->s->tls ? (d->authed ? "ESMTPSA" : "ESMTPS") :
		    (d->authed ? "ESMTPA" : "ESMTP");
	sanitize(from, sizeof(from), d->from, strlen(d->from));
	buf_init(&msg, LAB_MAX_MESSAGE + 8192);
	/* RFC 5321 4.4: Return-Path at final delivery, and a Received
	 * line in front of whatever the message had. */
	buf_printf(&msg, "Return-Path: <%s>\r\n", d->utf8 ? d->from : from);
	buf_printf(&msg, "Received: from %s ([%s])\r\n\tby %s (%s) with %s "
	    "id L%llu\r\n\tfor <%s>; %s\r\n", d->helo, ip, LAB_DOMAIN,
	    LAB_SOFTWARE, with, (unsigned long long)d->s->id,
	    d->nrcpt == 1 ? d->rcpt_addr[0] : "multiple recipients", date);
	buf_append(&msg, d->data.data ? d->data.data : "", d->data.len);
	/* Local recipients get the message; remote ones (relayed in the
	 * relay-denied and pop-before-smtp scenarios) are logged only. */
	local = xcalloc(d->nrcpt + 1, sizeof(*local));
	for (i = 0; i < d->nrcpt; i++) {
		struct lab_account *a;

		if (d->rcpt_user[i] == NULL) {
			lab_log(d->lab, "smtp #%llu %s: relay to a remote "
			    "address accepted (the lab sends nothing out)",
			    (unsigned long long)d->s->id, d->s->peer);
			continue;
		}
		a = lab_user_find(d->lab, d->rcpt_user[i],
		    strlen(d->rcpt_user[i]));
		if (a != NULL && ((d->lab->scenarios | a->scenarios) &
		    LAB_SC_MAILBOX_FULL) && full == NULL &&
		    mailbox_usage(d, a) + msg.len > LAB_QUOTA)
			full = a;
		local[nlocal++] = d->rcpt_user[i];
	}
	if (full != NULL) {
		/* RFC 5321 4.2.2 552 (exceeded storage allocation), RFC 3463
		 * 5.2.2 mailbox full, as Dovecot's LMTP says over quota. */
		lab_reply(d->s, "552 5.2.2 Mailbox full: the message does "
		    "not fit in the %d-octet quota of %s", LAB_QUOTA,
		    full->user);
		buf_clear(&msg);
		free(local);
		reset(d);
		return;
	}
	if (nlocal == 0) {
		snprintf(id, sizeof(id), "L%llu.%lld",
		    (unsigned long long)d->s->id, (long long)now);
		r = 0;
	} else
		r = maildir_deliver(d->lab->maildir, local, nlocal, msg.data,
		    msg.len, id, sizeof(id));
	buf_clear(&msg);
	free(local);
	if (r == -1 && (errno == ENOSPC || errno == EDQUOT)) {
		/* RFC 5321 4.2.2 and RFC 3463 4.3.1 */
		lab_reply(d->s, "452 4.3.1 Insufficient system storage");
		lab_log(d->lab, "smtp #%llu %s: delivery failed: disk full",
		    (unsigned long long)d->s->id, d->s->peer);
	} else if (r == -1) {
		lab_reply(d->s, "451 4.3.0 Error: local delivery failed; "
		    "try again later");
		lab_log(d->lab, "smtp #%llu %s: delivery FAILED",
		    (unsigned long long)d->s->id, d->s->peer);
	} else {
		class_delivered(d->s, d->rcpt_user, d->nrcpt);
		lab_reply(d->s, "250 2.0.0 Ok: queued as %s", id);
		lab_log(d->lab, "smtp #%llu %s: delivered %zu bytes to %zu "
		    "recipient%s (first: %s)", (unsigned long long)d->s->id,
		    d->s->peer, d->data.len, d->nrcpt, d->nrcpt == 1 ? "" :
		    "s", d->rcpt_user[0] != NULL ? d->rcpt_user[0] :
		    "remote");
	}
	reset(d);
}

static void
data_line(struct smtpd *d, const char *line, size_t len)
{
	bool crlf = len > 0 && line[len - 1] == '\r';
	size_t skip;

	if (crlf)
		len--;
	/* RFC 5321 4.1.1.4: only CRLF "." CRLF ends the data; a dot line
	 * with a bare LF does not (SMTP smuggling). */
	if (crlf && d->prev_crlf && dot_is_terminator(line, len)) {
		if (d->too_big) {
			lab_reply(d->s, "552 5.3.4 Error: message exceeds "
			    "fixed maximum message size (%d)",
			    LAB_MAX_MESSAGE);
			reset(d);
		} else
			deliver(d);
		return;
	}
	d->prev_crlf = crlf;
	if (d->too_big)
		return;
	skip = dot_unstuff_skip(line, len);
	if (buf_append(&d->data, line + skip, len - skip) == -1 ||
	    buf_append(&d->data, "\r\n", 2) == -1 ||
	    d->data.len > LAB_MAX_MESSAGE) {
		d->too_big = true;
		buf_clear(&d->data);
	}
}

/* Answer what one step of the SASL exchange gave (the AUTH line with its
 * initial response, or a continuation line). */
static void
sasl_result(struct smtpd *d, enum labsasl_step r, struct buf *out)
{
	switch (r) {
	case LABSASL_CONTINUE:
		/* RFC 4954 4: 334 SP base64 challenge. */
		d->in_sasl = true;
		lab_reply(d->s, "334 %s", out->data ? out->data : "");
		return;
	case LABSASL_OK:
		d->authed = true;
		snprintf(d->auth_user, sizeof(d->auth_user), "%s",
		    d->sasl.acct->user);
		class_login(d->s, d->sasl.acct);
		lab_reply(d->s, "235 2.7.0 Authentication successful");
		lab_log(d->lab, "smtp #%llu %s: %s authenticated",
		    (unsigned long long)d->s->id, d->s->peer, d->auth_user);
		break;
	case LABSASL_FAIL:
		class_login_failed(d->s, d->sasl.user, strlen(d->sasl.user));
		bad(d, "535 5.7.8 Authentication credentials invalid");
		break;
	case LABSASL_BAD:
		bad(d, "501 5.5.2 Cannot decode response");
		break;
	case LABSASL_CANCEL:
		bad(d, "501 5.0.0 Authentication cancelled");
		break;
	}
	d->in_sasl = false;
	labsasl_clear(&d->sasl);
}

static void
auth(struct smtpd *d, const char *arg, size_t alen)
{
	const char *sp;
	struct buf out;
	bool unknown;
	enum labsasl_step r;

	if (d->state == SMTPD_INIT || !d->esmtp) {
		bad(d, "503 5.5.1 Error: send EHLO first");
		return;
	}
	if (d->authed) {
		bad(d, "503 5.5.1 Error: already authenticated");
		return;
	}
	if (d->state != SMTPD_READY) {
		bad(d, "503 5.5.1 Error: AUTH not allowed during a mail "
		    "transaction");
		return;
	}
	if ((lab_sess_scenarios(d->s) & LAB_SC_TLS_REQUIRED) && !d->s->tls) {
		bad(d, "530 5.7.0 Must issue a STARTTLS command first");
		return;
	}
	if (!auth_offered(d)) {
		/* RFC 4954 6 */
		bad(d, "538 5.7.11 Encryption required for requested "
		    "authentication mechanism");
		return;
	}
	if (alen == 0) {
		bad(d, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
		return;
	}
	sp = memchr(arg, ' ', alen);
	buf_init(&out, 4096);
	r = labsasl_start(&d->sasl, d->lab, arg, sp ? (size_t)(sp - arg) :
	    alen, sp ? sp + 1 : NULL, sp ? alen - (size_t)(sp + 1 - arg) : 0,
	    &unknown, &out);
	if (unknown)
		bad(d, "504 5.5.4 Unrecognized authentication type");
	else
		sasl_result(d, r, &out);
	buf_clear(&out);
}

static void
sasl_line(struct smtpd *d, const char *line, size_t len)
{
	struct buf out;

	buf_init(&out, 4096);
	sasl_result(d, labsasl_next(&d->sasl, d->lab, line, len, &out), &out);
	buf_clear(&out);
}
static void
vrfy(struct smtpd *d, const char *arg, size_t alen)
{
	char name[80];
	size_t n, i;
	const char *p = arg;

	if (alen == 0) {
		bad(d, "501 5.5.4 Syntax: VRFY address");
		return;
	}
	if (p[0] == '<' && alen > 2 && p[alen - 1] == '>') {
		p++;
		alen -= 2;
	}
	n = 0;
	while (n < alen && p[n] != '@' && p[n] != '+')
		n++;
	if (n < alen && p[n] == '@') {
		char dom[256];

		sanitize(dom, sizeof(dom), p + n + 1, alen - n - 1);
		if (!local_domain(dom)) {
			/* RFC 5321 3.5.3 */
			lab_reply(d->s, "252 2.1.5 Cannot VRFY a remote "
			    "address; send the message and see");
			return;
		}
	}
	if (n == 0 || n >= sizeof(name)) {
		bad(d, "501 5.1.3 Bad address syntax");
		return;
	}
	for (i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)p[i]);
	name[n] = '\0';
	if (lab_user_name_ok(name, n) && lab_user_find(d->lab, name, n))
		lab_reply(d->s, "250 2.1.5 <%s@%s>", name, LAB_DOMAIN);
	else
		bad(d, "550 5.1.1 User unknown in %s", LAB_DOMAIN);
}

void
smtpd_line(struct smtpd *d, const char *line, size_t len)
{
	const char *sp, *arg;
	size_t vlen, alen;

	if (d->state == SMTPD_DATA) {
		data_line(d, line, len);
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (d->in_sasl) {
		sasl_line(d, line, len);
		return;
	}
	if (memchr(line, '\0', len) != NULL) {
		bad(d, "500 5.5.2 Error: NUL byte in command");
		return;
	}
	sp = memchr(line, ' ', len);
	vlen = sp != NULL ? (size_t)(sp - line) : len;
	arg = sp != NULL ? sp + 1 : "";
	alen = sp != NULL ? len - vlen - 1 : 0;
	while (alen > 0 && arg[alen - 1] == ' ')
		alen--;
	if (firewalled(d) && !slice_eq_ci(line, vlen, "HELO") &&
	    !slice_eq_ci(line, vlen, "MAIL") &&
	    !slice_eq_ci(line, vlen, "RCPT") &&
	    !slice_eq_ci(line, vlen, "DATA") &&
	    !slice_eq_ci(line, vlen, "RSET") &&
	    !slice_eq_ci(line, vlen, "NOOP") &&
	    !slice_eq_ci(line, vlen, "QUIT")) {
		/* PIX mailguard passes only the minimum commands of RFC 821
		 * 4.5.1 (RFC 5321 4.5.1); EHLO, STARTTLS, AUTH and the rest
		 * are refused, so the client falls back to HELO and plain
		 * text (RFC 5321 3.2: after 500 to EHLO, try HELO). */
		bad(d, "500 5.5.1 Command unrecognized");
		return;
	}
	if (slice_eq_ci(line, vlen, "EHLO"))
		ehlo(d, true, arg, alen);
	else if (slice_eq_ci(line, vlen, "HELO"))
		ehlo(d, false, arg, alen);
	else if (slice_eq_ci(line, vlen, "MAIL"))
		mail(d, arg, alen);
	else if (slice_eq_ci(line, vlen, "RCPT"))
		rcpt(d, arg, alen);
	else if (slice_eq_ci(line, vlen, "DATA")) {
		if (alen > 0)
			bad(d, "501 5.5.4 Syntax: DATA takes no argument");
		else if (d->state != SMTPD_MAIL)
			bad(d, "503 5.5.1 Error: need MAIL command");
		else if (d->nrcpt == 0)
			/* RFC 5321 3.3 */
			bad(d, "554 5.5.1 Error: no valid recipients");
		else {
			d->state = SMTPD_DATA;
			d->prev_crlf = true;
			d->too_big = false;
			buf_reset(&d->data);
			lab_reply(d->s, "354 End data with <CR><LF>.<CR><LF>");
		}
	} else if (slice_eq_ci(line, vlen, "RSET")) {
		if (alen > 0)
			bad(d, "501 5.5.4 Syntax: RSET takes no argument");
		else {
			reset(d);
			lab_reply(d->s, "250 2.0.0 Ok");
		}
	} else if (slice_eq_ci(line, vlen, "NOOP"))
		lab_reply(d->s, "250 2.0.0 Ok");
	else if (slice_eq_ci(line, vlen, "QUIT")) {
		lab_reply(d->s, "221 2.0.0 Bye");
		d->s->want_close = true;
	} else if (slice_eq_ci(line, vlen, "VRFY"))
		vrfy(d, arg, alen);
	else if (slice_eq_ci(line, vlen, "EXPN"))
		bad(d, "502 5.5.1 EXPN not implemented");
	else if (slice_eq_ci(line, vlen, "HELP")) {
		lab_reply(d->s, "214-2.0.0 %s commands:", LAB_SOFTWARE);
		lab_reply(d->s, "214-2.0.0   EHLO HELO STARTTLS AUTH MAIL RCPT"
		    " DATA");
		lab_reply(d->s, "214-2.0.0   RSET VRFY NOOP HELP QUIT");
		lab_reply(d->s, "214 2.0.0 See RFC 5321");
	} else if (slice_eq_ci(line, vlen, "STARTTLS")) {
		if (d->s->tls)
			bad(d, "503 5.5.1 Error: TLS already active");
		else if (d->s->svc != LAB_SMTP || d->lab->tls == NULL)
			bad(d, "454 4.7.0 TLS not available");
		else if (alen > 0)
			bad(d, "501 5.5.4 Syntax: STARTTLS takes no argument");
		else {
			lab_reply(d->s, "220 2.0.0 Ready to start TLS");
			d->s->want_tls = true;
		}
	} else if (slice_eq_ci(line, vlen, "AUTH"))
		auth(d, arg, alen);
	else if (vlen == 0)
		bad(d, "500 5.5.2 Error: bad syntax");
	else
		bad(d, "500 5.5.2 Error: command not recognized");
}
