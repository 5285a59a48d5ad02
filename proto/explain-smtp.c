/* SPDX-License-Identifier: MIT */
/* SMTP replies explained by command, reply class and session facts. */
#include "proto/explain-int.h"
#include "proto/meaning.h"

int
explain_smtp(const struct session_facts *f, const struct explain_cmd *cmd,
    const struct reply_line *r, const char *whole, size_t whole_len,
    struct buf *out)
{
	(void)f;
	(void)whole;
	(void)whole_len;
	return meaning_reply(REPLY_SMTP, r, cmd->verb, out);
}
