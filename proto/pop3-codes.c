/* SPDX-License-Identifier: MIT */
/* The POP3 response codes registered with IANA: RFC 2449 8.1 (LOGIN-DELAY,
 * IN-USE), RFC 3206 (SYS/TEMP, SYS/PERM, AUTH), RFC 6856 (UTF8), each with
 * what it means and the next step. */
#include <string.h>

#include "proto/pop3-codes.h"
#include "base/util.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const struct pop3_code codes[] = {
	/* RFC 2449 8.1.2. Seen from Dovecot ("Mailbox is locked by another
	 * POP3 session."), the lab, and perdition in front of a POP3
	 * server ("mailbox already in use by pid 12345",
	 * github.com/horms/perdition/issues/4). */
	{ "IN-USE", "mailbox locked: another client (or a stale session "
	    "the server has not timed out yet) holds this maildrop; the "
	    "credentials were accepted (RFC 2449 8.1.2)",
	    "close the other mail client or session, or wait a few minutes "
	    "for the old one to time out, then log in again" },
	/* RFC 2449 8.1.1: the server enforces the delay CAPA's
	 * LOGIN-DELAY names. */
	{ "LOGIN-DELAY", "logged in again too soon: the server allows one "
	    "login per LOGIN-DELAY period (CAPA shows the seconds); not a "
	    "wrong password (RFC 2449 8.1.1)",
	    "wait for the delay to pass, then log in again" },
	{ "SYS", "a problem on the server's side, not the user's "
	    "credentials (RFC 3206 4)",
	    "try again later; if it persists, tell the server's "
	    "administrator" },
	/* Seen as "-ERR [SYS/TEMP] Temporary system problem. Please try
	 * again later." (github.com/frappe/frappe/pull/1133). */
	{ "SYS/TEMP", "temporary system problem on the server, not the "
	    "user's credentials (RFC 3206 4)",
	    "try again in a few minutes" },
	{ "SYS/PERM", "permanent system problem on the server, not the "
	    "user's credentials (RFC 3206 4)",
	    "trying again will not help: tell the server's administrator" },
	/* RFC 3206 5: the credentials, not the system. Gmail: "-ERR [AUTH]
	 * Username and password not accepted."; Dovecot: "Authentication
	 * failed.". Dovecot also sends it for "Plaintext authentication
	 * disallowed", which explain-pop3 reads from the text first. */
	{ "AUTH", "login refused because of the credentials (wrong user "
	    "name or password, or this account may not log in here), not "
	    "a system problem (RFC 3206 5)",
	    "check the user name and password; read the server's text too: "
	    "some servers also say [AUTH] when a plaintext login needs TLS "
	    "first" },
	{ "UTF8", "the message needs UTF-8 mode (UTF-8 headers) (RFC 6856)",
	    "send the UTF8 command first, if CAPA lists UTF8" },
};

const struct pop3_code *
pop3_code_lookup(const char *code)
{
	size_t	i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < nitems(codes); i++)
		if (slice_eq_ci(code, strlen(code), codes[i].code))
			return &codes[i];
	return NULL;
}

const struct pop3_code *
pop3_code_find(const char *code, int *sub_r)
{
	const struct pop3_code	*c;
	const char		*slash;
	size_t			 i;

	if (sub_r != NULL)
		*sub_r = 0;
	if (code == NULL)
		return NULL;
	if ((c = pop3_code_lookup(code)) != NULL)
		return c;
	/* RFC 2449 8: codes are hierarchical, "/" separates the levels. */
	if ((slash = strchr(code, '/')) == NULL)
		return NULL;
	for (i = 0; i < nitems(codes); i++)
		if (slice_eq_ci(code, (size_t)(slash - code), codes[i].code)) {
			if (sub_r != NULL)
				*sub_r = 1;
			return &codes[i];
		}
	return NULL;
}
