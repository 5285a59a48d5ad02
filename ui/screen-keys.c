/* SPDX-License-Identifier: MIT */
/* Keys and the mouse: read from the terminal, mapped to actions
 * (ui/keys.c), and the actions dispatched to the workbench, the focused
 * pane or the composer. */

#include <curses.h>
#include <poll.h>
#include <string.h>

#include "net/loop.h"
#include "proto/hint.h"
#include "proto/mailbox.h"
#include "proto/session.h"
#include "front/driver.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/pane-mailbox.h"
#include "ui/pane-message.h"
#include "ui/pane-transcript.h"
#include "ui/screen-int.h"

static void
focus_cycle(struct screen *s, int dir)
{
	int i, f = s->focus;
	struct layout l;

	if (s->zoom != LAYOUT_PANE_COUNT) {
		s->zoom = LAYOUT_PANE_COUNT;
		screen_mark(s, D_LAYOUT);
	}
	/* Not s->lay: it is stale until the redraw when a zoom (or this
	 * unzoom) is pending. */
	screen_windows_layout(s, &l);
	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		f = (f + dir + LAYOUT_PANE_COUNT) % LAYOUT_PANE_COUNT;
		if (f == LAYOUT_COMPOSER || l.pane[f].h > 0)
			break;
	}
	s->focus = (enum layout_pane)f;
	screen_mark(s, D_ALL & ~D_LAYOUT);
}

static int
pane_rows(struct screen *s, enum layout_pane p)
{
	return s->lay.pane[p].h > 2 ? s->lay.pane[p].h - 2 : 1;
}

/* The transcript's text rows: its window less the title row (a page). */
static int
transcript_rows(struct screen *s)
{
	return s->lay.pane[LAYOUT_TRANSCRIPT].h > 1 ?
	    s->lay.pane[LAYOUT_TRANSCRIPT].h - 1 : 1;
}

static void
mailbox_command(struct screen *s, enum hint_mb_action a, bool open,
    bool header)
{
	uint64_t n = pane_mailbox_selected(s->pm);
	char line[64];

	if (n == 0) {
		screen_notice(s, ROLE_HINT,
		    "no message selected (/load fills the "
		    "mailbox)");
		return;
	}
	if (a == HINT_MB_DELE && s->drv != NULL) {
		const struct mailbox_entry *e = mailbox_find(
		    driver_mailbox(s->drv), n);

		/* RFC 1939 5: DELE of a marked message is an error, and
		 * POP3 can only unmark them all (RSET). */
		if (e != NULL && e->deleted) {
			screen_notice(s, ROLE_HINT,
			    "message %llu is already marked "
			    "for deletion; u sends RSET, which unmarks all "
			    "(POP3 has no undelete for one message)",
			    (unsigned long long)n);
			return;
		}
	}
	hint_mailbox_line(a, n, line, sizeof(line));
	if (open) {
		s->want_open = n;
		s->want_header = header;
	}
	screen_submit_line(s, line, strlen(line), false);
}

static void
open_selected(struct screen *s)
{
	const struct mailbox *mb = s->drv ? driver_mailbox(s->drv) : NULL;
	uint64_t n = pane_mailbox_selected(s->pm);
	const struct mailbox_entry *e;

	if (n == 0)
		return;
	e = mb != NULL ? mailbox_find(mb, n) : NULL;
	if (e != NULL && screen_open_stored(s, n, e)) {
		s->focus = LAYOUT_MESSAGE;
		screen_mark(s, D_LAYOUT);
		return;
	}
	mailbox_command(s, HINT_MB_RETR, true, false);
}

static void
handle_mouse(struct screen *s)
{
	MEVENT me;
	int i;

	if (getmouse(&me) != OK)
		return;
	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		const struct layout_rect *r = &s->lay.pane[i];

		if (r->h == 0 || me.y < r->y || me.y >= r->y + r->h ||
		    me.x < r->x || me.x >= r->x + r->w)
			continue;
		s->focus = (enum layout_pane)i;
		if (me.bstate & BUTTON4_PRESSED) {
			if (i == LAYOUT_TRANSCRIPT)
				pane_transcript_action(s->pt, ACT_PAGE_UP, 6);
			else if (i == LAYOUT_MESSAGE)
				pane_message_action(s->pmsg, ACT_PAGE_UP, 6);
			else if (i == LAYOUT_MAILBOX)
				pane_mailbox_action(s->pm, ACT_PAGE_UP, 6);
		} else if (me.bstate & BUTTON5_PRESSED) {
			if (i == LAYOUT_TRANSCRIPT)
				pane_transcript_action(s->pt, ACT_PAGE_DOWN, 6);
			else if (i == LAYOUT_MESSAGE)
				pane_message_action(s->pmsg, ACT_PAGE_DOWN, 6);
			else if (i == LAYOUT_MAILBOX)
				pane_mailbox_action(s->pm, ACT_PAGE_DOWN, 6);
		} else if (i == LAYOUT_MAILBOX)
			pane_mailbox_click(s->pm, me.y - r->y);
		screen_mark(s, D_ALL & ~D_LAYOUT);
		return;
	}
}

static void
global_action(struct screen *s, enum action a)
{
	switch (a) {
	case ACT_QUIT:
		screen_leave_ask_quit(s);
		break;
	case ACT_HELP:
		s->help = true;
		s->help_scroll = 0;
		break;
	case ACT_FOCUS_NEXT:
		focus_cycle(s, 1);
		break;
	case ACT_FOCUS_PREV:
		focus_cycle(s, -1);
		break;
	case ACT_FOCUS_COMPOSER:
		s->focus = LAYOUT_COMPOSER;
		if (composer_secret(s->comp) && s->drv != NULL &&
		    driver_session(s->drv) != NULL) {
			/* Esc abandons a secret request (never sends an empty
			 * secret). */
			driver_cancel(s->drv);
			composer_set_secret(s->comp, false);
			screen_notice(s, ROLE_HINT,
			    "secret request cancelled: nothing "
			    "was sent");
		} else if (s->drv != NULL && driver_session(s->drv) != NULL &&
		    (screen_send_prompt(s) != NULL ||
		    session_cancellable(driver_session(s->drv))))
			/* Esc also stops a running /send or /auth exchange. */
			driver_cancel(s->drv);
		if (s->zoom != LAYOUT_PANE_COUNT) {
			s->zoom = LAYOUT_PANE_COUNT;
			screen_mark(s, D_LAYOUT);
		}
		break;
	case ACT_ZOOM:
		/* From the composer, zoom the transcript but keep the focus:
		 * what is being typed stays a command (a "/" typed next is
		 * not a transcript search). */
		s->zoom = s->zoom != LAYOUT_PANE_COUNT ? LAYOUT_PANE_COUNT :
		    s->focus == LAYOUT_COMPOSER ? LAYOUT_TRANSCRIPT : s->focus;
		screen_mark(s, D_LAYOUT);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		screen_mark(s, D_LAYOUT);
		break;
	case ACT_PROJECTOR:
		s->projector = !s->projector;
		layout_projector(s->projector);
		s->zoom = LAYOUT_PANE_COUNT;
		if (s->focus == LAYOUT_MAILBOX || s->focus == LAYOUT_MESSAGE)
			s->focus = LAYOUT_COMPOSER;
		screen_notice(s, ROLE_HINT, s->projector ? "projector layout: "
		    "meanings in bold, no mailbox (F2: the usual layout)" :
		    "the usual layout (F2: the projector layout)");
		screen_mark(s, D_LAYOUT);
		break;
	case ACT_SEARCH:
		/* A fresh line; n, N and F3 repeat the last search. */
		s->prompt = PROMPT_SEARCH;
		composer_clear(s->pcomp);
		break;
	case ACT_SEARCH_NEXT:
		prompt_search(s, -1);
		break;
	case ACT_SEARCH_PREV:
		prompt_search(s, 1);
		break;
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
		if (s->focus == LAYOUT_MAILBOX)
			pane_mailbox_action(s->pm, a, pane_rows(s,
			    LAYOUT_MAILBOX) - 1);
		else if (s->focus == LAYOUT_MESSAGE)
			pane_message_action(s->pmsg, a, pane_rows(s,
			    LAYOUT_MESSAGE));
		else
			pane_transcript_action(s->pt, a,
			    transcript_rows(s));
		break;
	case ACT_LOAD:
		screen_submit_line(s, "/load", 5, false);
		break;
	default:
		return;
	}
	screen_mark(s, D_ALL & ~D_LAYOUT);
}

static void
pane_action(struct screen *s, enum action a)
{
	switch (s->focus) {
	case LAYOUT_TRANSCRIPT:
		if (!pane_transcript_action(s->pt, a,
		    transcript_rows(s)))
			global_action(s, a);
		screen_mark(s, D_TRANSCRIPT);
		break;
	case LAYOUT_MAILBOX:
		switch (a) {
		case ACT_EXPAND:
			open_selected(s);
			break;
		case ACT_MB_TOP:
			mailbox_command(s, HINT_MB_TOP, true, true);
			break;
		case ACT_MB_RETR:
			mailbox_command(s, HINT_MB_RETR, true, false);
			break;
		case ACT_MB_DELE:
			mailbox_command(s, HINT_MB_DELE, false, false);
			break;
		case ACT_MB_RSET: {
			char line[16];

			hint_mailbox_line(HINT_MB_RSET, 0, line, sizeof(line));
			screen_submit_line(s, line, strlen(line), false);
			break;
		}
		default:
			if (!pane_mailbox_action(s->pm, a, pane_rows(s,
			    LAYOUT_MAILBOX) - 1))
				global_action(s, a);
		}
		screen_mark(s, D_MAILBOX);
		break;
	case LAYOUT_MESSAGE:
		if (a == ACT_MSG_SAVE_PART || a == ACT_MSG_SAVE_MSG)
			screen_save_start(s, a == ACT_MSG_SAVE_MSG);
		else if (!pane_message_action(s->pmsg, a, pane_rows(s,
		    LAYOUT_MESSAGE)))
			global_action(s, a);
		screen_mark(s, D_MESSAGE);
		break;
	default:
		global_action(s, a);
	}
}

static void
composer_key(struct screen *s, int key, enum action a)
{
	if (a == ACT_ED_SUBMIT) {
		screen_submit_composer(s);
		return;
	}
	if (a == ACT_ED_COMPLETE) {
		screen_submit_complete(s);
		screen_mark(s, D_COMPOSER | D_HINT);
		return;
	}
	if (a == ACT_ED_CANCEL) {
		size_t len;

		composer_text(s->comp, &len);
		if (composer_secret(s->comp)) {
			global_action(s, ACT_FOCUS_COMPOSER);
			return;
		}
		if (len == 0) {
			screen_leave_ask_quit(s);
			return;
		}
	}
	if (a >= ACT_ED_LEFT && a <= ACT_ED_CANCEL)
		composer_action(s->comp, a);
	else if (a != ACT_NONE) {
		global_action(s, a);
		return;
	} else if (!(key & (KEYS_FN | KEYS_META)))
		composer_insert(s->comp, (unsigned)key);
	s->matches[0] = '\0';
	screen_mark(s, D_COMPOSER | D_HINT);
}

static void
handle_key(struct screen *s, int key)
{
	enum keys_ctx ctx;
	enum action a;

	/* Only Enter twice in a row sends an empty line. */
	if (key != '\r' && key != '\n' && key != (KEYS_FN | KEY_ENTER))
		s->empty_armed = false;
	if (s->notice[0] != '\0' && s->prompt != PROMPT_QUIT &&
	    s->prompt != PROMPT_QUIT_CMD && s->prompt != PROMPT_OVERWRITE &&
	    s->prompt != PROMPT_CONNECT) {
		s->notice[0] = '\0';
		screen_mark(s, D_HINT);
	}
	if (key == (KEYS_FN | KEY_RESIZE)) {
		screen_on_winch(s);
		return;
	}
	if (key == (KEYS_FN | KEY_MOUSE)) {
		handle_mouse(s);
		return;
	}
	if (s->help) {
		a = keys_lookup(KEYS_TRANSCRIPT, key);
		if (key == 27 || key == 'q' || a == ACT_HELP ||
		    a == ACT_FOCUS_COMPOSER) {
			s->help = false;
			screen_mark(s, D_ALL & ~D_LAYOUT);
		} else if (a == ACT_QUIT) {
			s->help = false;
			screen_leave_ask_quit(s);
		} else if (a == ACT_UP || a == ACT_DOWN || a == ACT_PAGE_UP ||
		    a == ACT_PAGE_DOWN || a == ACT_TOP || a == ACT_BOTTOM) {
			int page = LINES > 6 ? LINES - 4 : 1;

			s->help_scroll += a == ACT_UP ? -1 : a == ACT_DOWN ? 1 :
			    a == ACT_PAGE_UP ? -page : a == ACT_PAGE_DOWN ?
			    page : a == ACT_TOP ? -100000 : 100000;
			screen_mark(s, D_HELP);
		}
		screen_mark(s, D_HELP);
		return;
	}
	if (prompt_key(s, key) || screen_replay_key(s, key))
		return;
	switch (s->focus) {
	case LAYOUT_TRANSCRIPT:
		ctx = KEYS_TRANSCRIPT;
		break;
	case LAYOUT_MAILBOX:
		ctx = KEYS_MAILBOX;
		break;
	case LAYOUT_MESSAGE:
		ctx = KEYS_MESSAGE;
		break;
	default:
		ctx = KEYS_COMPOSER;
	}
	a = keys_lookup(ctx, key);
	if (ctx == KEYS_COMPOSER) {
		composer_key(s, key, a);
		return;
	}
	if (a == ACT_NONE && key >= 0x20 && key != 0x7f &&
	    !(key & (KEYS_FN | KEYS_META))) {
		/* Typing in a pane goes to the composer. */
		s->focus = LAYOUT_COMPOSER;
		composer_insert(s->comp, (unsigned)key);
		screen_mark(s, D_ALL & ~D_LAYOUT);
		return;
	}
	pane_action(s, a);
}

void
screen_keys_on_stdin(int fd, short revents, void *arg)
{
	struct screen *s = arg;
	wint_t wc;
	int r, key, n = 0;

	(void)fd;
	(void)revents;
	while ((r = wget_wch(stdscr, &wc)) != ERR && n++ < 4096) {
		if (s->bench && s->key_t0 == 0)
			s->key_t0 = loop_now_ms();
		if (r == KEY_CODE_YES)
			key = KEYS_FN | (int)wc;
		else if (wc == 27) {
			wint_t w2;

			int r2 = wget_wch(stdscr, &w2);

			/* Alt+key arrives as ESC then the key; ESC then a
			 * control key or function key is two keys. */
			if (r2 == OK && w2 >= 0x20 && w2 != 27)
				key = KEYS_META | (int)w2;
			else {
				if (r2 == OK)
					unget_wch((wchar_t)w2);
				else if (r2 == KEY_CODE_YES)
					ungetch((int)w2);
				key = 27;
			}
		} else
			key = (int)wc;
		s->key_last = key;
		handle_key(s, key);
		if (loop_broken(s->loop))
			break;
	}
	if (r == ERR && n == 0 && (revents & (POLLHUP | POLLERR)) != 0) {
		/* The terminal went away: never send QUIT unasked. */
		s->quitting = true;
		if (screen_connected(s))
			driver_close(s->drv, "terminal closed");
		loop_break(s->loop);
	}
}
