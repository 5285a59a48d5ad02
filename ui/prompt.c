/* SPDX-License-Identifier: MIT */
/* The composer line and its prompts: the label before the text, the
 * drawing, the keys of the y/n and text prompts (quit, connect, overwrite,
 * search, save path) and the transcript search they start. */

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/reply.h"
#include "front/driver.h"
#include "front/history.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/pane-message.h"
#include "ui/pane-transcript.h"
#include "ui/screen-int.h"
#include "ui/width.h"

static const char *
prompt_label(struct screen *s)
{
	const struct driver_status *st = screen_status(s);

	switch (s->prompt) {
	case PROMPT_SEARCH:
		return "Search: ";
	case PROMPT_SAVE:
		return "Save to: ";
	case PROMPT_OVERWRITE:
		return "Replace the file? (y/n) ";
	case PROMPT_QUIT:
		return "Leave? y: QUIT  n: no QUIT  Esc: stay ";
	case PROMPT_QUIT_CMD:
		return "Send QUIT (deletions become permanent)? (y/n) ";
	case PROMPT_CONNECT:
		return "Connect? y: QUIT first  n: no QUIT  Esc: stay ";
	default:
		break;
	}
	if (composer_secret(s->comp)) {
		static char b[160];
		size_t n;

		/* The driver's prompt, ending in exactly one ": ". */
		snprintf(b, sizeof(b), "%s", st && st->secret_prompt ?
		    st->secret_prompt : "secret");
		n = strlen(b);
		while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == ':'))
			b[--n] = '\0';
		snprintf(b + n, sizeof(b) - n, ": ");
		return b;
	}
	if (st != NULL && st->connected && st->message_mode)
		return "message> ";
	if (screen_send_prompt(s) != NULL) {
		static char b[160];
		size_t n;

		snprintf(b, sizeof(b), "%s", screen_send_prompt(s));
		n = strlen(b);
		while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == ':'))
			b[--n] = '\0';
		snprintf(b + n, sizeof(b) - n, ": ");
		return b;
	}
	switch (screen_proto_now(s)) {
	case REPLY_POP3:
		return "pop3> ";
	case REPLY_SMTP:
		return "smtp> ";
	default:
		return "> ";
	}
}

void
prompt_draw(struct screen *s)
{
	WINDOW *w = s->win[LAYOUT_COMPOSER];
	const struct driver_status *st = screen_status(s);
	bool text_prompt = s->prompt == PROMPT_SEARCH ||
	    s->prompt == PROMPT_SAVE;
	bool yn = s->prompt != PROMPT_NONE && !text_prompt;
	unsigned long pa = A_BOLD;
	const char *label = prompt_label(s);
	int col;

	if (st != NULL && st->connected && st->message_mode)
		pa = layout_attr(ROLE_MESSAGE_MODE);
	if (yn)
		pa = layout_attr(ROLE_WARNING);
	if (!text_prompt && !yn) {
		const char *line;
		size_t len, keep;

		line = composer_text(s->comp, &len);
		if (!(st != NULL && st->message_mode) &&
		    screen_line_is_secret(s, line, len, &keep))
			composer_set_hidden_from(s->comp, keep);
		else
			composer_set_hidden_from(s->comp, (size_t)-1);
	}
	if (yn) {
		size_t used;

		wmove(w, 0, 0);
		used = width_draw(w, label, strlen(label), (size_t)COLS, pa);
		width_pad(w, (size_t)getmaxx(w) - used, A_NORMAL);
		col = (int)used < getmaxx(w) ? (int)used : getmaxx(w) - 1;
	} else
		col = composer_draw(text_prompt ? s->pcomp : s->comp, w, 0,
		    label, pa, A_NORMAL);
	wmove(w, 0, col);
	wnoutrefresh(w);
}

void
prompt_search(struct screen *s, int dir)
{
	if (s->search[0] == '\0') {
		s->prompt = PROMPT_SEARCH;
		composer_clear(s->pcomp);
		screen_mark(s, D_COMPOSER | D_HINT);
		return;
	}
	if (pane_transcript_search(s->pt, s->search, dir) == 0) {
		size_t nth, total = pane_transcript_matches(s->pt, s->search,
		    &nth);

		s->focus = LAYOUT_TRANSCRIPT;
		/* Counted from the oldest line: n goes to older matches. */
		screen_notice(s, ROLE_HINT,
		    "found \"%s\": match %zu of %zu lines "
		    "(n: older, N: newer, End: follow again)", s->search, nth,
		    total);
	} else
		screen_notice(s, ROLE_WARNING,
		    "\"%s\" not found (0 matches; case "
		    "is ignored)", s->search);
	screen_mark(s, D_TRANSCRIPT | D_COMPOSER);
}

bool
prompt_key(struct screen *s, int key)
{
	enum action a;

	switch (s->prompt) {
	case PROMPT_QUIT:
		if (key == 'y' || key == 'Y')
			screen_leave(s, true);
		else if (key == 'n' || key == 'N')
			screen_leave(s, false);
		else if (key != 27)
			return true;
		s->prompt = PROMPT_NONE;
		if (key == 27)
			s->notice[0] = '\0';
		screen_mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_QUIT_CMD:
		s->prompt = PROMPT_NONE;
		s->notice[0] = '\0';
		if (key == 'y' || key == 'Y') {
			/* Confirmed: straight to the driver, no second ask. */
			history_add(s->hist, s->quit_line,
			    strlen(s->quit_line));
			if (s->drv != NULL)
				driver_submit(s->drv, s->quit_line,
				    strlen(s->quit_line));
		} else
			composer_set(s->comp, s->quit_line,
			    strlen(s->quit_line));
		free(s->quit_line);
		s->quit_line = NULL;
		screen_mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_CONNECT:
		if (key != 'y' && key != 'Y' && key != 'n' && key != 'N' &&
		    key != 27)
			return true;
		s->prompt = PROMPT_NONE;
		s->notice[0] = '\0';
		if (key == 27) {
			free(s->connect_line);
			s->connect_line = NULL;
		} else if ((key == 'y' || key == 'Y') && screen_connected(s)) {
			/* QUIT now; the /connect follows its answer (or the
			 * reply timeout), from on_closed. */
			driver_submit(s->drv, "QUIT", 4);
			screen_notice(s, ROLE_HINT,
			    "QUIT sent; connecting when the "
			    "server answers");
		} else {
			char *l = s->connect_line;

			s->connect_line = NULL;
			pane_message_close(s->pmsg);
			s->want_open = 0;
			driver_submit(s->drv, l, strlen(l));
			free(l);
			screen_mark(s, D_LAYOUT);
		}
		screen_mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_OVERWRITE:
		s->notice[0] = '\0';
		if (key == 'y' || key == 'Y')
			screen_save_write(s, true);
		else if (key == 27) {
			s->prompt = PROMPT_NONE;
			screen_notice(s, ROLE_HINT, "not saved");
			buf_clear(&s->save_data);
		} else {
			/* Back to the path, to pick another name. */
			char path[1400];

			snprintf(path, sizeof(path), "%s/%s", s->save_dir,
			    s->save_name);
			composer_set(s->pcomp, path, strlen(path));
			s->prompt = PROMPT_SAVE;
			screen_notice(s, ROLE_HINT,
			    "not replaced: edit the name, "
			    "Enter saves, Esc cancels");
		}
		screen_mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_SEARCH:
	case PROMPT_SAVE:
		a = keys_lookup(KEYS_COMPOSER, key);
		if (key == 27 || a == ACT_ED_CANCEL) {
			s->prompt = PROMPT_NONE;
			buf_clear(&s->save_data);
		} else if (a == ACT_ED_SUBMIT) {
			enum prompt p = s->prompt;

			s->prompt = PROMPT_NONE;
			if (p == PROMPT_SEARCH) {
				snprintf(s->search, sizeof(s->search), "%s",
				    composer_text(s->pcomp, NULL));
				if (s->search[0] != '\0')
					prompt_search(s, -1);
			} else
				screen_save_path_entered(s);
		} else if (a != ACT_NONE && a != ACT_ED_HIST_PREV &&
		    a != ACT_ED_HIST_NEXT && a != ACT_ED_COMPLETE)
			composer_action(s->pcomp, a);
		else if (!(key & (KEYS_FN | KEYS_META)))
			composer_insert(s->pcomp, (unsigned)key);
		screen_mark(s, D_COMPOSER | D_HINT);
		return true;
	default:
		return false;
	}
}
