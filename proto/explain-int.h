/* SPDX-License-Identifier: MIT */
/* Inside the explainer: one entry per protocol, called by explain.c. */
#ifndef PROTO_EXPLAIN_INT_H
#define PROTO_EXPLAIN_INT_H

#include "proto/explain.h"

/* POP3 replies (explain-pop3.c), SMTP replies (explain-smtp.c); same
 * contract as explain_reply(). */
int	explain_pop3(const struct session_facts *, const struct explain_cmd *,
	    const struct reply_line *, const char *, size_t, struct buf *);
int	explain_smtp(const struct session_facts *, const struct explain_cmd *,
	    const struct reply_line *, const char *, size_t, struct buf *);

#endif
