/* SPDX-License-Identifier: MIT */
/* The composer: one edited line (UTF-8) with cursor moves, kill/yank,
 * history and Tab completion; drawn at the bottom of the screen. Secret
 * lines are never shown and are wiped when cleared. */
#ifndef UI_PANE_COMPOSER_H
#define UI_PANE_COMPOSER_H

#include <stdbool.h>
#include <stddef.h>

#include "front/action.h"

struct history;
struct _win_st;

struct composer;

/* A new empty composer using hist (may be NULL) for Up/Down. */
struct composer	*composer_new(struct history *);
/* Wipe and free. NULL is fine. */
void		 composer_free(struct composer *);
/* Apply an editing action (ACT_ED_*); true when the line or cursor
 * changed. ACT_ED_SUBMIT and ACT_ED_COMPLETE are the caller's. */
bool		 composer_action(struct composer *, enum action);
/* Insert one character at the cursor; false when the line is full or the
 * character is a control. */
bool		 composer_insert(struct composer *, unsigned cp);
/* The line (NUL-terminated) and its length. */
const char	*composer_text(const struct composer *, size_t *len_r);
/* Replace the line, cursor at the end. */
void		 composer_set(struct composer *, const char *, size_t);
/* Empty the line (wiping its bytes), leave history browsing. */
void		 composer_clear(struct composer *);
/* Secret mode: nothing typed is drawn, nothing goes to history. */
void		 composer_set_secret(struct composer *, bool);
bool		 composer_secret(const struct composer *);
/* Hide what follows the first keep bytes when drawing (a PASS typed on
 * the line); (size_t)-1 shows everything. */
void		 composer_set_hidden_from(struct composer *, size_t keep);
/* Complete the word before the cursor from cands (n names; the caller
 * picks them for the word's position). A unique match is inserted with a
 * space (not after a "/"); several extend to their common prefix. The
 * matches are listed into list (size listsz) for the hint line. Returns
 * the number of matches. Matching is ASCII case-insensitive; the case of
 * what was typed decides the case of the insertion for commands. */
size_t		 composer_complete(struct composer *, const char *const *cands,
		    size_t n, char *list, size_t listsz);
/* Draw prompt and line into w (one row, at row y), scrolled so the cursor
 * shows; returns the cursor column for the caller to place the cursor. */
int		 composer_draw(struct composer *, struct _win_st *, int y,
		    const char *prompt, unsigned long prompt_attr,
		    unsigned long attr);
/* Reset history browsing (after a protocol switch). */
void		 composer_set_history(struct composer *, struct history *);

#endif
