/* SPDX-License-Identifier: MIT */
/* The help screen (F1, ?, /help): every key binding from the key table and
 * every / command from front/wbcmd.h's table. */
#ifndef UI_HELP_H
#define UI_HELP_H

#include <stddef.h>

struct _win_st;

/* Draw the help text into w from line scroll (clamped; the clamped value
 * is returned). */
int	help_draw(struct _win_st *, int scroll);
/* Number of help lines (for paging). */
int	help_line_count(void);

#endif
