/* SPDX-License-Identifier: MIT */
/* The registry of protocols the session speaks: one table of operations
 * each (proto/session-int.h), found by the reply grammar. A third
 * protocol (IMAP) joins by adding files, not branches: imap.c with
 * imap_ops (its enum imap_state ending in IMAP_STATE_COUNT, a name table,
 * imap_set_state, private state from init), its reply grammar in reply.c
 * and reader.c, its verb table in verbs.c, explain_imap for the meanings,
 * the actions it offers in imap_ops.actions, and one line here. */
#ifndef PROTO_PROTOCOLS_H
#define PROTO_PROTOCOLS_H

#include "proto/reply.h"

struct session_proto_ops;

/* The operations of proto; never NULL (an unknown one is a bug). */
const struct session_proto_ops *session_proto_ops(enum reply_proto proto);

#endif
