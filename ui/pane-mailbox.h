/* SPDX-License-Identifier: MIT */
/* The mailbox pane: one row per message (number, size, date, from, decoded
 * subject, deletion mark) built from the session's mailbox table, sorted
 * by number, date, size or sender, with a cursor. */
#ifndef UI_PANE_MAILBOX_H
#define UI_PANE_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "front/action.h"

struct _win_st;
struct mailbox;
struct pane_mailbox;

struct pane_mailbox *pane_mailbox_new(void);
void		 pane_mailbox_free(struct pane_mailbox *);
/* Bring the rows up to date with mb (incremental: only changed entries
 * are decoded again). True when anything changed. mb may be NULL. */
bool		 pane_mailbox_sync(struct pane_mailbox *,
		    const struct mailbox *);
/* Add or replace a row directly (benchmark and tests); strings are
 * UTF-8 and are escaped here. */
void		 pane_mailbox_put(struct pane_mailbox *, uint64_t number,
		    uint64_t size, int64_t date, const char *from,
		    const char *subject, bool deleted);
/* Navigation and sorting (ACT_UP/DOWN/PAGE/TOP/BOTTOM, ACT_MB_SORT,
 * ACT_MB_REVERSE); true when something changed. */
bool		 pane_mailbox_action(struct pane_mailbox *, enum action,
		    int rows);
/* The message number under the cursor, 0 if none. */
uint64_t	 pane_mailbox_selected(const struct pane_mailbox *);
/* Select the row of a message number (after a click or RETR). */
void		 pane_mailbox_select(struct pane_mailbox *, uint64_t number);
/* The number of the message whose RETR completed last (0: none since the
 * last call); reading it resets it. */
uint64_t	 pane_mailbox_take_retrieved(struct pane_mailbox *);
/* Rows whose header (TOP n 0 or RETR) has arrived. */
size_t		 pane_mailbox_headers(const struct pane_mailbox *);
/* Messages the maildrop holds: STAT's count when seen, else the rows. */
size_t		 pane_mailbox_expected(const struct pane_mailbox *);
/* Rows known. */
size_t		 pane_mailbox_count(const struct pane_mailbox *);
/* Select the row drawn at window row y (mouse); true if one was there. */
bool		 pane_mailbox_click(struct pane_mailbox *, int y);
/* Draw with a title; progress (may be NULL) is shown in the title. */
void		 pane_mailbox_draw(struct pane_mailbox *, struct _win_st *,
		    bool focused, const char *progress);
/* Set the count from STAT when more messages exist than rows known. */
void		 pane_mailbox_set_stat(struct pane_mailbox *, uint64_t count,
		    uint64_t size);

#endif
