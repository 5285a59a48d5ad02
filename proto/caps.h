/* SPDX-License-Identifier: MIT */
/* EHLO keywords (RFC 5321 4.1.1.1 and extensions) and POP3 CAPA tags
 * (RFC 2449): parsed from a finished reply, then explained. */
#ifndef PROTO_CAPS_H
#define PROTO_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "proto/reply.h"

struct cap {
	char	*keyword;	/* upper-cased */
	char	*params;	/* rest of the line, "" if none */
};

struct caps {
	struct cap	*v;
	size_t		 n;
	/* Derived facts the engines and /load need. */
	bool		 pipelining, starttls, stls, top, uidl, user,
			 resp_codes, smtputf8, eightbitmime, enhanced;
	uint64_t	 size;		/* SMTP SIZE limit, 0 if none */
	char		*auth;		/* space-separated SASL mechanisms, or NULL */
};

void	caps_init(struct caps *);
void	caps_clear(struct caps *);
/* Add one capability line: for SMTP an EHLO line's text after "250-"/"250 "
 * (the first EHLO line, the domain, is the caller's to skip); for POP3 a
 * CAPA line. The keyword is upper-cased; the obsolete "AUTH=LOGIN PLAIN"
 * gives keyword "AUTH=" and its mechanisms join auth like AUTH's. Returns
 * 0, -1 on a line that is not a capability (empty, a control byte or NUL)
 * or past LIMIT_CAPS lines. */
int	caps_add_line(struct caps *, enum reply_proto, const char *, size_t);
/* True when mech (upper case, e.g. "CRAM-MD5") is one of the SASL
 * mechanisms listed in c->auth. */
bool	caps_has_mech(const struct caps *, const char *mech, size_t len);
/* Append the explanation of one capability line (keyword and parameters,
 * e.g. "SIZE 35882577" -> "SIZE: maximum message size 34.2 MiB (35882577
 * bytes), RFC 1870"); unknown keywords are said to be unknown, never
 * dropped. Peer bytes echoed are printable ASCII or \xNN, and cut, so the
 * text is bounded (about 2 KiB) and safe to print. Returns 0, -1 if out is
 * full. */
int	caps_explain_line(enum reply_proto, const char *, size_t,
	    struct buf *out);

#endif
