/* SPDX-License-Identifier: MIT */
/* Composer history: a list of typed lines per protocol, kept across runs
 * in $XDG_STATE_HOME/mailbench/history-<proto> (or ~/.local/state/...).
 * Callers never add secrets; history_add refuses lines marked secret. */
#ifndef UI_HISTORY_H
#define UI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

struct history;

/* A history for proto ("pop3", "smtp", "none"); loads the saved file
 * when persist is true (missing or unreadable files are ignored). */
struct history	*history_new(const char *proto, bool persist);
void		 history_free(struct history *);
/* Switch to another protocol's list (after /connect), saving nothing. */
void		 history_switch(struct history *, const char *proto);
/* Add a line (not a secret!); consecutive duplicates and empty lines are
 * skipped. Appends to the file when persisting. */
void		 history_add(struct history *, const char *line, size_t len);
size_t		 history_count(const struct history *);
/* Entry i, 0 = oldest; NULL past the end. */
const char	*history_get(const struct history *, size_t i);
/* The directory used ($XDG_STATE_HOME/mailbench); NULL if unknown. The
 * string is static. */
const char	*history_dir(void);

#endif
