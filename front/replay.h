/* SPDX-License-Identifier: MIT */
/* mailbench replay: a saved transcript (/save, --transcript, batch stdout)
 * read back and stepped event by event into a driver with no server, so
 * that today's engine re-derives meanings, states, mailbox and messages.
 * No curses here: the screen only draws what the driver reports. */
#ifndef UI_REPLAY_H
#define UI_REPLAY_H

#include <stddef.h>

#include "proto/reply.h"

struct driver;
struct replay;

/* Read a transcript file. NULL with *errstr_r (static storage; says which
 * line is wrong) when it cannot be read or is not a mailbench transcript
 * (every line "C: ", "S: ", "* " or "= "; at least one server line). */
struct replay	*replay_open(const char *path, const char **errstr_r);
void		 replay_free(struct replay *);
/* The protocol, told by the first server line (+OK/-ERR or a code). */
enum reply_proto replay_proto(const struct replay *);
/* Events in the file: a run of "C: " lines, a reply ("S: " lines up to
 * the next "= " or other line), or a kept "* " line (connection, TLS,
 * certificate). */
size_t		 replay_total(const struct replay *);
/* Events applied so far. */
size_t		 replay_pos(const struct replay *);
/* Apply events until target have been applied (capped at the total);
 * going back starts the driver's replay afresh and applies them again.
 * name labels the status bar. */
void		 replay_seek(struct replay *, struct driver *, size_t target,
		    const char *name);

#endif
