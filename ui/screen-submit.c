/* SPDX-License-Identifier: MIT */
/* A line finished in the composer: Enter (the screen's own / commands,
 * QUIT with deletions pending asked first, the rest to the driver) and
 * Tab completion. */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/hint.h"
#include "base/util.h"
#include "front/driver.h"
#include "front/history.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/pane-message.h"
#include "ui/pane-transcript.h"
#include "front/wbcmd.h"
#include "ui/screen.h"
#include "ui/screen-int.h"

/* The user pressed Enter on the composer (or a key sent a command). */
void
screen_submit_line(struct screen *s, const char *line, size_t len, bool typed)
{
	const struct driver_status *st = screen_status(s);
	bool message_mode = st != NULL && st->connected && st->message_mode;
	bool secret = composer_secret(s->comp);
	size_t keep;

	s->matches[0] = '\0';
	if (secret) {
		if (s->drv != NULL)
			driver_submit(s->drv, line, len);
		composer_clear(s->comp);
		return;
	}
	if (!message_mode && len > 0 && line[0] == '/') {
		/* The commands the screen runs itself, by their exact name;
		 * the rest go to the driver. */
		const struct wbcmd *wc = wbcmd_named(line, len);
		enum wbcmd_id id = wc != NULL ? wc->id : WBCMD_COUNT;

		if (typed)
			history_add(s->hist, line, len);
		if (id == WBCMD_HELP) {
			s->help = true;
			s->help_scroll = 0;
			screen_mark(s, D_ALL & ~D_LAYOUT);
			return;
		}
		if (id == WBCMD_QUIT) {
			screen_leave_ask_quit(s);
			return;
		}
		if (id == WBCMD_SAVE && len <= 6) {
			char name[96];
			time_t now = time(NULL);
			struct tm tm;

			localtime_r(&now, &tm);
			strftime(name, sizeof(name),
			    "/save mailbench-%Y%m%d-%H%M%S.txt", &tm);
			if (s->drv != NULL)
				driver_submit(s->drv, name, strlen(name));
			return;
		}
		if (id == WBCMD_CONNECT && screen_pending_deletions(s) > 0) {
			screen_leave_ask_connect(s, line, len);
			return;
		}
		if (id == WBCMD_CONNECT) {
			pane_message_close(s->pmsg);
			s->want_open = 0;
			screen_mark(s, D_LAYOUT);
		}
		if (s->drv != NULL)
			driver_submit(s->drv, line, len);
		return;
	}
	if (!message_mode) {
		if (hint_is_quit(line, len) &&
		    screen_pending_deletions(s) > 0) {
			free(s->quit_line);
			s->quit_line = xstrndup(line, len);
			s->prompt = PROMPT_QUIT_CMD;
			screen_notice(s, ROLE_WARNING,
			    "QUIT makes %zu deletion%s "
			    "PERMANENT (RFC 1939 6). Send it? y: yes  n: no",
			    screen_pending_deletions(s),
			    screen_pending_deletions(s) == 1 ? "" : "s");
			return;
		}
		if (typed && !screen_line_is_secret(s, line, len, &keep) &&
		    screen_send_prompt(s) == NULL)
			history_add(s->hist, line, len);
	}
	if (s->drv != NULL)
		driver_submit(s->drv, line, len);
}

void
screen_submit_composer(struct screen *s)
{
	size_t len;
	const char *t = composer_text(s->comp, &len);
	const struct driver_status *st = screen_status(s);
	char *copy;

	/* An empty line outside message text, a secret or a /send question
	 * is most likely a stray Enter; on the wire it is a bare CRLF that
	 * servers answer with an error. Send it only when Enter is pressed
	 * again. */
	if (len == 0 && screen_connected(s) && !st->message_mode &&
	    !composer_secret(s->comp) && screen_send_prompt(s) == NULL) {
		if (!s->empty_armed) {
			s->empty_armed = true;
			screen_notice(s, ROLE_HINT,
			    "an empty line is not sent: press "
			    "Enter again to send a bare CRLF");
			return;
		}
	}
	s->empty_armed = false;
	copy = xstrndup(t, len);
	composer_clear(s->comp);
	/* Whoever sends a command wants to see its reply: follow the
	 * transcript, and unzoom a pane that hides it. */
	if (!pane_transcript_following(s->pt))
		pane_transcript_action(s->pt, ACT_FOLLOW, 1);
	if (s->zoom != LAYOUT_PANE_COUNT && s->zoom != LAYOUT_TRANSCRIPT) {
		s->zoom = LAYOUT_PANE_COUNT;
		screen_mark(s, D_LAYOUT);
	}
	screen_submit_line(s, copy, len, true);
	explicit_bzero(copy, len);
	free(copy);
	screen_mark(s, D_COMPOSER | D_HINT);
}

void
screen_submit_complete(struct screen *s)
{
	const char *line;
	size_t len, n = 0, i;
	const char *cands[64];

	const char *const *list = NULL;
	bool first = true;

	line = composer_text(s->comp, &len);
	for (i = 0; i < len; i++)
		if (line[i] == ' ')
			first = false;
	if (first && len > 0 && line[0] == '/') {
		const char *const *names = wbcmd_names();

		for (n = 0; names[n] != NULL && n < 64; n++)
			cands[n] = names[n];
	} else if (first) {
		const char *c;

		int p = screen_proto_now(s);

		while (p != -1 && n < 64 &&
		    (c = hint_command((enum reply_proto)p, n)) != NULL)
			cands[n++] = c;
	} else if (len >= 6 && strncmp(line, "/auth ", 6) == 0 &&
	    memchr(line + 6, ' ', len - 6) == NULL)
		list = hint_auth_mechs();
	else if (len >= 9 && strncmp(line, "/connect ", 9) == 0 &&
	    memchr(line + 9, ' ', len - 9) == NULL)
		list = hint_url_schemes();
	for (i = 0; list != NULL && list[i] != NULL; i++)
		cands[n++] = list[i];
	/* The lab's own URLs complete too: nobody retypes a port. */
	for (i = 0; list == hint_url_schemes() && s->lab != NULL &&
	    i < SCREEN_LAB_URLS; i++)
		if (s->lab->complete[i] != NULL)
			cands[n++] = s->lab->complete[i];
	if (n == 0)
		return;
	if (composer_complete(s->comp, cands, n, s->matches,
	    sizeof(s->matches)) <= 1)
		s->matches[0] = '\0';
}
