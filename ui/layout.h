/* SPDX-License-Identifier: MIT */
/* Screen geometry (status bar, panes, hint and composer rows, zoom) and
 * the colour/attribute scheme, with NO_COLOR / --no-color honoured. */
#ifndef UI_LAYOUT_H
#define UI_LAYOUT_H

#include <stdbool.h>

enum layout_pane {
	LAYOUT_TRANSCRIPT,
	LAYOUT_MAILBOX,
	LAYOUT_MESSAGE,
	LAYOUT_COMPOSER,
	LAYOUT_PANE_COUNT
};

struct layout_rect {
	int	y, x, h, w;	/* h == 0: not shown */
};

struct layout {
	struct layout_rect	status;		/* top row */
	struct layout_rect	pane[LAYOUT_PANE_COUNT]; /* composer: 1 row */
	struct layout_rect	hint;		/* row above the composer */
};

/* Lay out a screen of rows x cols. show_mailbox / show_message say which
 * optional panes have something to show; zoomed (LAYOUT_PANE_COUNT for
 * none) takes the whole middle. mailbox_empty: the mailbox is shown but
 * has no rows yet, so it gets only the rows its title, column header and
 * one line of help need, and the transcript the rest. */
void	layout_compute(struct layout *, int rows, int cols, bool show_mailbox,
	    bool mailbox_empty, bool show_message, enum layout_pane zoomed);
/* Carve a lesson panel out of the transcript rect t into *lesson_r (h 0:
 * none, when t is too small): beside the transcript when it is wide
 * enough, else above it, or under it in the projector layout (next to
 * the composer, where the class looks). */
void	layout_lesson(struct layout_rect *t, bool projector,
	    struct layout_rect *lesson_r);

/* Roles for attributes. */
enum layout_role {
	ROLE_NORMAL,
	ROLE_SENT,		/* C: */
	ROLE_POSITIVE,		/* S: +OK, 2xx, 3xx */
	ROLE_TRANSIENT,		/* S: 4xx */
	ROLE_NEGATIVE,		/* S: -ERR, 5xx */
	ROLE_RECEIVED,		/* S: other (bodies) */
	ROLE_EVENT,		/* * */
	ROLE_MEANING,		/* = */
	ROLE_WARNING,
	ROLE_TLS,
	ROLE_TITLE,		/* pane title, unfocused */
	ROLE_TITLE_FOCUS,
	ROLE_STATUS,
	ROLE_MESSAGE_MODE,	/* the banner after 354 */
	ROLE_DIM,
	ROLE_SELECTED,
	ROLE_DELETED,
	ROLE_HINT,
	ROLE_COUNT
};

/* Set up colour pairs (after initscr); colour is used only when wanted
 * and the terminal has it. */
void		layout_colors_init(bool want_color);
/* The projector layout's attributes (on) or the usual ones (off): the
 * meanings ("= " lines) in bold, and nothing dim, which a projector
 * washes out; bold, not colour, so NO_COLOR keeps the emphasis. */
void		layout_projector(bool on);
/* The curses attribute for a role. */
unsigned long	layout_attr(enum layout_role);

#endif
