/* SPDX-License-Identifier: MIT */
/* The help screen (F1, ?, /help): every key binding from the key table and
 * every / command, and the / command list used for Tab completion. */
#ifndef UI_HELP_H
#define UI_HELP_H

#include <stddef.h>

struct _win_st;

struct help_cmd {
	const char	*name;		/* "/load" */
	const char	*syntax;	/* "/auth MECH [USER]" */
	const char	*about;
};

/* The / commands, in the order /help lists them. */
const struct help_cmd *help_commands(size_t *n_r);
/* Names only ("/load", ...), NULL-terminated, for completion. */
const char *const *help_command_names(size_t *n_r);
/* The syntax line of a / command the line starts with, or NULL. */
const struct help_cmd *help_find(const char *line, size_t len);
/* Draw the help text into w from line scroll (clamped; the clamped value
 * is returned). */
int	help_draw(struct _win_st *, int scroll);
/* Number of help lines (for paging). */
int	help_line_count(void);

#endif
