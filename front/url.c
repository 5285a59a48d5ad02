/* SPDX-License-Identifier: MIT */
/* mailbench URL parsing ([user@]host[:port], IPv6 in brackets). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "front/url.h"

static const struct {
	const char	*name;
	enum url_scheme	 scheme;
	enum reply_proto proto;
	bool		 tls;
	const char	*port;
} schemes[] = {
	{ "pop3", URL_POP3, REPLY_POP3, false, "110" },
	{ "pop3s", URL_POP3S, REPLY_POP3, true, "995" },
	{ "smtp", URL_SMTP, REPLY_SMTP, false, "25" },
	{ "smtps", URL_SMTPS, REPLY_SMTP, true, "465" },
	{ "submission", URL_SUBMISSION, REPLY_SMTP, false, "587" },
};

const char *
url_scheme_name(enum url_scheme s)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (schemes[i].scheme == s)
			return schemes[i].name;
	return "?";
}

/* Percent-decode a user name; NULL if it holds a control byte or a bad
 * escape (a user name ends up on the wire in USER/AUTH). */
static char *
decode_user(const char *p, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= len)
				goto bad;
			h = util_hexval(p[i + 1]);
			l = util_hexval(p[i + 2]);
			if (h < 0 || l < 0)
				goto bad;
			c = (unsigned char)(h * 16 + l);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static bool
host_ok(const char *h, size_t len)
{
	size_t i;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c >= 0x80))
			return false;
	}
	return true;
}

int
url_parse(const char *s, struct url *u, const char **errstr_r)
{
	const char *p, *sep, *auth_end, *at, *hp, *hend, *port = NULL;
	size_t i, n;
	unsigned char a6[16];
	uint64_t pv;

	memset(u, 0, sizeof(*u));
	if ((sep = strstr(s, "://")) == NULL) {
		*errstr_r = "not a URL (pop3://, pop3s://, smtp://, smtps:// "
		    "or submission://)";
		return -1;
	}
	n = (size_t)(sep - s);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].name) == n &&
		    slice_eq_ci(s, n, schemes[i].name))
			break;
	if (i == sizeof(schemes) / sizeof(schemes[0])) {
		*errstr_r = "unknown scheme (pop3, pop3s, smtp, smtps or "
		    "submission)";
		return -1;
	}
	u->scheme = schemes[i].scheme;
	u->proto = schemes[i].proto;
	u->implicit_tls = schemes[i].tls;
	snprintf(u->port, sizeof(u->port), "%s", schemes[i].port);
	p = sep + 3;
	auth_end = p + strcspn(p, "/?#");
	if (*auth_end != '\0' && strcmp(auth_end, "/") != 0) {
		*errstr_r = "nothing may follow host[:port] in the URL";
		return -1;
	}
	/* The last '@' separates the user: user names may contain '@'
	 * (user@domain) even unescaped. */
	at = NULL;
	for (hp = p; hp < auth_end; hp++)
		if (*hp == '@')
			at = hp;
	if (at != NULL) {
		if (at == p) {
			*errstr_r = "empty user name before '@'";
			return -1;
		}
		if ((u->user = decode_user(p, (size_t)(at - p))) == NULL) {
			*errstr_r = "bad user name (control character or bad "
			    "%-escape)";
			return -1;
		}
		hp = at + 1;
	} else
		hp = p;
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(auth_end - hp));

		if (rb == NULL) {
			*errstr_r = "missing ']' after IPv6 address";
			goto fail;
		}
		u->host = xstrndup(hp + 1, (size_t)(rb - hp - 1));
		if (inet_pton(AF_INET6, u->host, a6) != 1) {
			*errstr_r = "bad IPv6 address in brackets";
			goto fail;
		}
		u->ipv6 = true;
		hend = rb + 1;
		if (hend < auth_end && *hend != ':') {
			*errstr_r = "unexpected text after ']'";
			goto fail;
		}
	} else {
		hend = memchr(hp, ':', (size_t)(auth_end - hp));
		if (hend == NULL)
			hend = auth_end;
		if (!host_ok(hp, (size_t)(hend - hp))) {
			*errstr_r = hend == hp ? "missing host" :
			    "bad host name (an IPv6 address needs brackets)";
			goto fail;
		}
		u->host = xstrndup(hp, (size_t)(hend - hp));
	}
	if (hend < auth_end) {
		port = hend + 1;
		if (parse_uint(port, (size_t)(auth_end - port), 65535,
		    &pv) == -1 || pv == 0) {
			*errstr_r = "bad port (1-65535)";
			goto fail;
		}
		snprintf(u->port, sizeof(u->port), "%u", (unsigned)pv);
	}
	return 0;
fail:
	url_clear(u);
	return -1;
}

void
url_clear(struct url *u)
{
	if (u->user != NULL)
		explicit_bzero(u->user, strlen(u->user));
	free(u->user);
	free(u->host);
	memset(u, 0, sizeof(*u));
}

void
url_hostport(const struct url *u, char *out, size_t n)
{
	if (u->ipv6)
		snprintf(out, n, "[%s]:%s", u->host, u->port);
	else
		snprintf(out, n, "%s:%s", u->host ? u->host : "", u->port);
}
