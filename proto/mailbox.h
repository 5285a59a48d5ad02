/* SPDX-License-Identifier: MIT */
/* The mailbox table: what a POP3 session has seen of the maildrop (STAT,
 * LIST, UIDL, TOP n 0, RETR, DELE, RSET, QUIT), built from session events,
 * the same whether the commands were typed by hand or sent by /load. */
#ifndef PROTO_MAILBOX_H
#define PROTO_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/event.h"

struct mailbox_entry {
	uint64_t	 number;	/* message number, 1-based */
	bool		 size_known;
	uint64_t	 size;		/* octets, from LIST (or RETR length) */
	char		*uid;		/* UIDL id (NUL-terminated), NULL if
					 * unknown; peer bytes: escape them */
	char		*header;	/* raw header bytes from TOP n 0 or the
					 * header part of RETR; NULL if unknown */
	size_t		 header_len;
	bool		 retrieved;	/* a RETR of it ended (+OK, body) */
	uint64_t	 message_len;	/* octets of the last RETR's message
					 * (unstuffed, CRLF lines) */
	uint64_t	 stored;	/* where the front-end stored that
					 * message (its own handle, set by
					 * mailbox_stored), 0 if nowhere: the
					 * table never holds a body */
	char		*preview;	/* body lines of the newest TOP n m with
					 * m > 0 (after the header, unstuffed,
					 * CRLF); NULL if none */
	size_t		 preview_len;
	uint64_t	 preview_lines;	/* the m asked for */
	bool		 deleted;	/* DELE got +OK (cleared by RSET) */
	bool		 expunged;	/* QUIT +OK made the deletion final */
};

struct mailbox;

/* An empty table. Never NULL. */
struct mailbox	*mailbox_new(void);
void		 mailbox_free(struct mailbox *);
/* Forget everything (new connection). */
void		 mailbox_reset(struct mailbox *);

/* Update from one session event (PEV_REPLY and PEV_BODY of a POP3
 * session; everything else is ignored). Returns 1 when the table changed,
 * 0 when not, -1 on a reply it could not make sense of (ignored). */
int		 mailbox_apply(struct mailbox *, const struct proto_event *);

/* The front-end stored the message of a RETR PEV_BODY ev under handle
 * ref (nonzero; 0 forgets). Returns the handle it replaces (0 if none) and
 * that message's length in *old_len_r, so the front-end can free that
 * storage; 0 when ev names no message. */
uint64_t	 mailbox_stored(struct mailbox *, const struct proto_event *ev,
		    uint64_t ref, uint64_t *old_len_r);
/* The session ended with no answer to QUIT (a dropped connection, a
 * close, a new /connect): RFC 1939 6 removes marked messages only in the
 * UPDATE state, so every mark that was not made final is cleared.
 * Returns how many marks were cleared. */
size_t		 mailbox_keep(struct mailbox *);

/* Number of entries (messages known, numbered 1..n, some maybe unknown
 * beyond their number). */
size_t		 mailbox_count(const struct mailbox *);
/* Entry by index 0..count-1 (entry i is message i+1), NULL past the end. */
const struct mailbox_entry *mailbox_entry(const struct mailbox *, size_t i);
/* Entry by message number, NULL if unknown. */
const struct mailbox_entry *mailbox_find(const struct mailbox *,
		    uint64_t number);
/* STAT result: true and the values when a STAT +OK was seen. */
bool		 mailbox_stat(const struct mailbox *, uint64_t *count_r,
		    uint64_t *size_r);
/* Messages marked deleted and not yet expunged. */
size_t		 mailbox_deleted(const struct mailbox *);
/* Incremented on every change (front-ends redraw when it moves). */
uint64_t	 mailbox_generation(const struct mailbox *);

#endif
