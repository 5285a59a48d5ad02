/* SPDX-License-Identifier: MIT */
/* mailbench replay FILE in the workbench: stepping a saved transcript
 * into the driver with Space/n, p, End and Home. */

#include <curses.h>

#include "front/replay.h"
#include "front/store.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/pane-message.h"
#include "ui/pane-transcript.h"
#include "ui/screen-int.h"

/* Step a replay to event target and say where it is. */
void
screen_replay_to(struct screen *s, size_t target)
{
	if (target < replay_pos(s->replay)) {
		/* Going back replays afresh: a message retrieved after the
		 * target is not there yet (it opens again when its RETR
		 * is replayed). */
		pane_message_close(s->pmsg);
		s->want_open = 0;
		s->shown_number = 0;
		/* And the transcript shows the events up to the target only
		 * (a fresh pane: its view settings start over). */
		pane_transcript_free(s->pt);
		store_free(s->store);
		s->store = store_new();
		s->pt = pane_transcript_new(s->store);
		pane_transcript_set_reader(s->pt, screen_kept_read, s);
		screen_mark(s, D_LAYOUT);
	}
	replay_seek(s->replay, s->drv, target, s->replay_name);
	screen_notice(s, ROLE_HINT,
	    "replay: event %zu of %zu   Space/n next  p back  "
	    "End all  Home start  (meanings re-derived; nothing is sent)",
	    replay_pos(s->replay), replay_total(s->replay));
	screen_mark(s, D_ALL & ~D_LAYOUT);
}

/* Replay keys, taken when the composer has the focus and is empty (so
 * /explain and /save can still be typed). True when the key was one. */
bool
screen_replay_key(struct screen *s, int key)
{
	size_t len, pos;

	if (s->replay == NULL || s->focus != LAYOUT_COMPOSER ||
	    s->prompt != PROMPT_NONE)
		return false;
	composer_text(s->comp, &len);
	if (len > 0)
		return false;
	pos = replay_pos(s->replay);
	if (key == ' ' || key == 'n')
		screen_replay_to(s, pos + 1);
	else if (key == 'p')
		screen_replay_to(s, pos > 0 ? pos - 1 : 0);
	else if (key == (KEYS_FN | KEY_END))
		screen_replay_to(s, replay_total(s->replay));
	else if (key == (KEYS_FN | KEY_HOME))
		screen_replay_to(s, 0);
	else
		return false;
	return true;
}
