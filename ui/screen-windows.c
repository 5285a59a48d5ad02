/* SPDX-License-Identifier: MIT */
/* The workbench's windows: the layout it has now (zoom, panes shown, the
 * lesson panel carved out) and the curses windows made from it. */

#include <curses.h>

#include "proto/reply.h"
#include "ui/layout.h"
#include "ui/pane-mailbox.h"
#include "ui/pane-message.h"
#include "ui/screen-int.h"

void
screen_windows_free(struct screen *s)
{
	int i;

	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		if (s->win[i] != NULL)
			delwin(s->win[i]);
		s->win[i] = NULL;
	}
	if (s->wlesson)
		delwin(s->wlesson);
	s->wlesson = NULL;
	if (s->wstatus)
		delwin(s->wstatus);
	if (s->whint)
		delwin(s->whint);
	if (s->whelp)
		delwin(s->whelp);
	s->wstatus = s->whint = s->whelp = NULL;
}

static WINDOW *
make_win(const struct layout_rect *r)
{
	WINDOW *w;

	if (r->h <= 0 || r->w <= 0)
		return NULL;
	w = newwin(r->h, r->w, r->y, r->x);
	if (w != NULL) {
		keypad(w, TRUE);
		leaveok(w, TRUE);
	}
	return w;
}

/* The layout the screen has now (zoom, panes shown), computed at once:
 * keys that arrive together are handled before the next redraw. */
void
screen_windows_layout(struct screen *s, struct layout *l)
{
	bool show_mb = pane_mailbox_count(s->pm) > 0 ||
	    s->focus == LAYOUT_MAILBOX || screen_proto_now(s) == REPLY_POP3;
	bool show_msg = pane_message_number(s->pmsg, NULL) != 0 ||
	    s->focus == LAYOUT_MESSAGE;

	/* The projector shows the transcript and the lesson only. */
	if (s->projector)
		show_mb = show_msg = false;

	/* A zoomed pane that has nothing to show any more (the message was
	 * closed by /load or a new connection) must not hide the
	 * transcript behind an empty pane. */
	if ((s->zoom == LAYOUT_MESSAGE && !show_msg) ||
	    (s->zoom == LAYOUT_MAILBOX && !show_mb))
		s->zoom = LAYOUT_PANE_COUNT;
	layout_compute(l, LINES, COLS, show_mb, pane_mailbox_count(s->pm) ==
	    0, show_msg, s->zoom);
	lesson_panel_carve(s, &l->pane[LAYOUT_TRANSCRIPT]);
}

void
screen_windows_make(struct screen *s)
{
	int i;

	screen_windows_free(s);
	screen_windows_layout(s, &s->lay);
	for (i = 0; i < LAYOUT_PANE_COUNT; i++)
		s->win[i] = make_win(&s->lay.pane[i]);
	if (s->win[LAYOUT_COMPOSER] != NULL)
		leaveok(s->win[LAYOUT_COMPOSER], FALSE);
	s->wstatus = make_win(&s->lay.status);
	s->whint = make_win(&s->lay.hint);
	s->wlesson = make_win(&s->lesson_rect);
	if (LINES > 2)
		s->whelp = newwin(LINES - 2, COLS, 1, 0);
	if (s->focus != LAYOUT_COMPOSER && s->win[s->focus] == NULL)
		s->focus = LAYOUT_COMPOSER;
	s->dirty = D_ALL & ~D_LAYOUT;
	wnoutrefresh(stdscr);
}
