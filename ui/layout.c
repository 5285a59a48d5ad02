/* SPDX-License-Identifier: MIT */
/* Pane geometry for any terminal size, and the attribute table. */
#include <curses.h>

#include "ui/layout.h"

static unsigned long attrs[ROLE_COUNT];

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
layout_colors_init(bool want_color)
{
	bool color = want_color && has_colors();
	int i;

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

unsigned long
layout_attr(enum layout_role r)
{
	return r < ROLE_COUNT ? attrs[r] : A_NORMAL;
}
