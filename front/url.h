/* SPDX-License-Identifier: MIT */
/* Parsing of mailbench URLs: pop3:// pop3s:// smtp:// smtps://
 * submission:// with [user@]host[:port], IPv6 literals in brackets. */
#ifndef UI_URL_H
#define UI_URL_H

#include <stdbool.h>

#include "proto/reply.h"

enum url_scheme {
	URL_POP3,		/* 110 */
	URL_POP3S,		/* 995, implicit TLS */
	URL_SMTP,		/* 25 */
	URL_SMTPS,		/* 465, implicit TLS */
	URL_SUBMISSION,		/* 587 */
};

struct url {
	enum url_scheme	 scheme;
	enum reply_proto proto;		/* REPLY_POP3 or REPLY_SMTP */
	bool		 implicit_tls;
	char		*user;		/* percent-decoded, or NULL */
	char		*host;		/* without brackets: "::1" */
	char		 port[8];	/* decimal, 1..65535 */
	bool		 ipv6;		/* host was a bracketed literal */
};

/* Parse s into *url_r (zeroed first). 0, or -1 with *errstr_r (a
 * constant) for a malformed URL; nothing to free on failure. A path of
 * "/" after the authority is accepted; anything else after it is not. */
int		 url_parse(const char *s, struct url *url_r,
		    const char **errstr_r);
/* Free what url_parse allocated; the struct is zeroed. */
void		 url_clear(struct url *);
/* "pop3", "pop3s", "smtp", "smtps", "submission". */
const char	*url_scheme_name(enum url_scheme);
/* "127.0.0.1:110" or "[::1]:110" into out (size n). */
void		 url_hostport(const struct url *, char *out, size_t n);

#endif
