/* SPDX-License-Identifier: MIT */
/* The registry of protocols: enum reply_proto -> table of operations. */
#include <assert.h>
#include <stddef.h>

#include "proto/protocols.h"
#include "proto/session-int.h"

extern const struct session_proto_ops pop3_ops;
extern const struct session_proto_ops smtp_ops;

const struct session_proto_ops *
session_proto_ops(enum reply_proto proto)
{
	static const struct session_proto_ops *const table[] = {
		[REPLY_SMTP] = &smtp_ops,
		[REPLY_POP3] = &pop3_ops,
	};

	assert((size_t)proto < sizeof(table) / sizeof(table[0]) &&
	    table[proto] != NULL);
	return table[proto];
}
