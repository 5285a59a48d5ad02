/* SPDX-License-Identifier: MIT */
/* The registry of protocols the session speaks: one table of operations
 * each (proto/session-int.h), found by the reply grammar. A third
 * protocol adds its table here and nowhere else in the hub. */
#ifndef PROTO_PROTOCOLS_H
#define PROTO_PROTOCOLS_H

#include "proto/reply.h"

struct session_proto_ops;

/* The operations of proto; never NULL (an unknown one is a bug). */
const struct session_proto_ops *session_proto_ops(enum reply_proto proto);

#endif
