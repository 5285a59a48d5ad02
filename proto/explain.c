/* SPDX-License-Identifier: MIT */
/* The explainer's entry: picks the protocol's tables. */
#include "proto/explain-int.h"

int
explain_reply(const struct session_facts *f, const struct explain_cmd *cmd,
    const struct reply_line *r, const char *whole, size_t whole_len,
    struct buf *out)
{
	if (f->proto == REPLY_POP3)
		return explain_pop3(f, cmd, r, whole, whole_len, out);
	return explain_smtp(f, cmd, r, whole, whole_len, out);
}
