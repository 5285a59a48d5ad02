/* SPDX-License-Identifier: MIT */
/* POP3 response codes (RFC 2449 8, RFC 3206, RFC 6856): one table of what
 * each means and what to do next, shared by the "= " explainer
 * (explain-pop3.c) and `mailbench explain` (meaning.c). */
#ifndef PROTO_POP3_CODES_H
#define PROTO_POP3_CODES_H

struct pop3_code {
	const char	*code;		/* "IN-USE", "SYS/TEMP" */
	const char	*text;		/* what it means, with the RFC */
	const char	*next;		/* the next step, or NULL */
};

/* The entry for code (case-insensitive, whole code), or NULL. */
const struct pop3_code	*pop3_code_lookup(const char *code);

/* The entry for code, or for its first level when the sub-code is not
 * registered ("SYS/FOO" -> "SYS"; *sub_r set true then), or NULL. sub_r
 * may be NULL. */
const struct pop3_code	*pop3_code_find(const char *code, int *sub_r);

#endif
