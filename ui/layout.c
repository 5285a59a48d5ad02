/* SPDX-License-Identifier: MIT */
/* Pane geometry for any terminal size, and the attribute table. */
#include <curses.h>

#include "ui/layout.h"

static unsigned long attrs[ROLE_COUNT];
static bool has_color;	/* colour pairs are set up */

void
layout_compute(struct layout *l, int rows, int cols, bool show_mailbox,
    bool mailbox_empty, bool show_message, enum layout_pane zoomed)
{
	int mid, top = 1, i, th, mh, gh;

	for (i = 0; i < LAYOUT_PANE_COUNT; i++)
		l->pane[i] = (struct layout_rect){ 0, 0, 0, 0 };
	if (rows < 4)
		rows = 4;
	if (cols < 10)
		cols = 10;
	l->status = (struct layout_rect){ 0, 0, 1, cols };
	l->pane[LAYOUT_COMPOSER] = (struct layout_rect){ rows - 1, 0, 1, cols };
	l->hint = (struct layout_rect){ rows - 2, 0, 1, cols };
	mid = rows - 3;
	if (mid < 1)
		mid = 1;
	if (zoomed < LAYOUT_COMPOSER) {
		l->pane[zoomed] = (struct layout_rect){ top, 0, mid, cols };
		return;
	}
	if (!show_mailbox && !show_message) {
		l->pane[LAYOUT_TRANSCRIPT] = (struct layout_rect){ top, 0, mid,
		    cols };
		return;
	}
	if (cols >= 150 && mid >= 10) {
		/* Wide: transcript on the left, mailbox over message right. */
		int lw = cols * 9 / 20, rw = cols - lw;

		l->pane[LAYOUT_TRANSCRIPT] = (struct layout_rect){ top, 0, mid,
		    lw };
		if (show_mailbox && show_message) {
			gh = mid * 2 / 5;
			l->pane[LAYOUT_MAILBOX] = (struct layout_rect){ top, lw,
			    gh, rw };
			l->pane[LAYOUT_MESSAGE] = (struct layout_rect){ top + gh,
			    lw, mid - gh, rw };
		} else
			l->pane[show_mailbox ? LAYOUT_MAILBOX : LAYOUT_MESSAGE] =
			    (struct layout_rect){ top, lw, mid, rw };
		return;
	}
	/* Narrow: stacked. The transcript keeps at least a third. */
	if (show_mailbox && show_message) {
		th = mid * 3 / 10;
		gh = mid * 3 / 10;
		if (th < 3)
			th = 3;
		mh = mid - th - gh;
		if (mh < 3) {
			gh = mid - th - 3;
			mh = 3;
		}
	} else if (show_mailbox && mailbox_empty && mid >= 8) {
		/* An empty table: title, column header, one line of help. */
		th = mid - 3;
		gh = mh = 3;
	} else {
		th = mid * 45 / 100;
		gh = mid - th;
		mh = gh;
	}
	if (th >= mid)
		th = mid - 1;
	l->pane[LAYOUT_TRANSCRIPT] = (struct layout_rect){ top, 0, th, cols };
	if (show_mailbox && show_message) {
		l->pane[LAYOUT_MAILBOX] = (struct layout_rect){ top + th, 0, gh,
		    cols };
		l->pane[LAYOUT_MESSAGE] = (struct layout_rect){ top + th + gh,
		    0, mid - th - gh, cols };
	} else
		l->pane[show_mailbox ? LAYOUT_MAILBOX : LAYOUT_MESSAGE] =
		    (struct layout_rect){ top + th, 0, mid - th, cols };
	(void)mh;
}

void
layout_lesson(struct layout_rect *t, bool projector,
    struct layout_rect *lesson_r)
{
	int w, h;

	*lesson_r = (struct layout_rect){ 0, 0, 0, 0 };
	if (t->h < 4)
		return;
	if (t->w >= 100) {
		w = t->w * 2 / 5 > 60 ? 60 : t->w * 2 / 5;
		*lesson_r = (struct layout_rect){ t->y, t->x + t->w - w, t->h,
		    w };
		t->w -= w;
		return;
	}
	/* At 80x24 the projector's panel gets 8 rows (title, step, two or
	 * three lines of why, the command, the feedback), the transcript
	 * the 13 above it. */
	h = projector ? t->h * 2 / 5 : t->h / 2;
	if (h > (projector ? 10 : 9))
		h = projector ? 10 : 9;
	*lesson_r = (struct layout_rect){ t->y, t->x, h, t->w };
	if (projector)
		lesson_r->y = t->y + t->h - h;
	else
		t->y += h;
	t->h -= h;
}

static void	set_attrs(bool);

void
layout_colors_init(bool want_color)
{
	bool color = want_color && has_colors();

	has_color = color;
	if (color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_CYAN, -1);
		init_pair(2, COLOR_GREEN, -1);
		init_pair(3, COLOR_YELLOW, -1);
		init_pair(4, COLOR_RED, -1);
		init_pair(5, COLOR_MAGENTA, -1);
		init_pair(6, COLOR_BLUE, -1);
		init_pair(7, COLOR_BLACK, COLOR_CYAN);
		init_pair(8, COLOR_WHITE, COLOR_BLUE);
		init_pair(9, COLOR_BLACK, COLOR_YELLOW);
		init_pair(10, COLOR_WHITE, COLOR_RED);
	}
	set_attrs(color);
}

/* The usual attribute of each role. */
static void
set_attrs(bool color)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		attrs[i] = A_NORMAL;
	/* Without colour the roles still differ by weight and reverse. */
	attrs[ROLE_SENT] = A_BOLD | (color ? COLOR_PAIR(1) : 0);
	attrs[ROLE_POSITIVE] = color ? COLOR_PAIR(2) : A_NORMAL;
	attrs[ROLE_TRANSIENT] = color ? COLOR_PAIR(3) | A_BOLD : A_BOLD;
	attrs[ROLE_NEGATIVE] = color ? COLOR_PAIR(4) | A_BOLD :
	    A_BOLD | A_UNDERLINE;
	attrs[ROLE_RECEIVED] = A_NORMAL;
	attrs[ROLE_EVENT] = color ? COLOR_PAIR(5) : A_NORMAL;
	attrs[ROLE_MEANING] = color ? COLOR_PAIR(6) : A_DIM;
	attrs[ROLE_WARNING] = color ? COLOR_PAIR(10) | A_BOLD :
	    A_BOLD | A_REVERSE;
	attrs[ROLE_TLS] = color ? COLOR_PAIR(5) : A_NORMAL;
	attrs[ROLE_TITLE] = color ? COLOR_PAIR(8) : A_REVERSE;
	attrs[ROLE_TITLE_FOCUS] = color ? COLOR_PAIR(7) | A_BOLD :
	    A_REVERSE | A_BOLD;
	attrs[ROLE_STATUS] = color ? COLOR_PAIR(8) : A_REVERSE;
	attrs[ROLE_MESSAGE_MODE] = color ? COLOR_PAIR(9) | A_BOLD :
	    A_REVERSE | A_BOLD;
	attrs[ROLE_DIM] = A_DIM;
	attrs[ROLE_SELECTED] = A_REVERSE;
	attrs[ROLE_DELETED] = color ? COLOR_PAIR(4) | A_DIM : A_DIM;
	attrs[ROLE_HINT] = A_DIM;
}

void
layout_projector(bool on)
{
	set_attrs(has_color);
	if (!on)
		return;
	/* The terminal's own foreground in bold is the brightest text it
	 * has, on a light or a dark theme. Without colour the commands give
	 * up their bold, so that the meanings are what stands out. */
	attrs[ROLE_MEANING] = A_BOLD;
	if (!has_color)
		attrs[ROLE_SENT] = A_NORMAL;
	attrs[ROLE_DIM] = A_NORMAL;
	attrs[ROLE_HINT] = A_NORMAL;
	attrs[ROLE_DELETED] = has_color ? COLOR_PAIR(4) : A_NORMAL;
}

unsigned long
layout_attr(enum layout_role r)
{
	return r < ROLE_COUNT ? attrs[r] : A_NORMAL;
}
