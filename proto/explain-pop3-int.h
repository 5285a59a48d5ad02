/* SPDX-License-Identifier: MIT */
/* Inside the POP3 explainer: the reply being explained with what the
 * session knew, shared by explain-pop3.c (positive replies, challenges)
 * and explain-pop3-err.c (-ERR by command, state and text). */
#ifndef PROTO_EXPLAIN_POP3_INT_H
#define PROTO_EXPLAIN_POP3_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/explain-int.h"

struct px {
	const struct session_facts *f;
	const struct reply_line	*r;
	const char		*verb;	/* upper case; "" greeting or SASL
					 * line; "?" unsolicited */
	const char		*arg;	/* may be NULL */
	size_t			 arg_len;
	bool			 have_n;	/* the first argument is a number */
	uint64_t		 n;
};

/* Append a -ERR reply's explanation: "-ERR [CODE] what · next: step". */
int	pop3_explain_err(const struct px *, struct buf *);

/* "15,939 octets (15.6 KiB)" */
int	pop3_put_octets(struct buf *, uint64_t);
/* "15,939" */
int	pop3_put_count(struct buf *, uint64_t);
/* True when the verb is one of the space-separated words in list, or in a
 * group of the verb table named there: "(transaction)", "(login)". */
bool	pop3_verb_in(const char *list, const char *verb);

#endif
