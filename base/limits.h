/* SPDX-License-Identifier: MIT */
/* Size caps that belong to no protocol, each with the reason for its value
 * (the protocols' own are in proto/limits.h). */
#ifndef BASE_LIMITS_H
#define BASE_LIMITS_H

/* Lines typed by the user or read from a batch file. */
#define LIMIT_COMMAND_LINE	8192
/* Bytes queued for the peer before we stop reading user input (the
 * output cap of a client or lab conn, net/conn.h struct conn_caps). */
#define LIMIT_OUTPUT		(16 * 1024 * 1024)
/* Bytes of a cut, over-long or refused peer line shown in the transcript. */
#define LIMIT_CUT_SHOWN		200

#endif
