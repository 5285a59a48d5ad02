/* SPDX-License-Identifier: MIT */
/* Saving the shown message or one of its parts to a file: the path
 * proposed, the write, the question before replacing a file. */

#include <stdio.h>
#include <string.h>

#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/pane-message.h"
#include "front/savefile.h"
#include "ui/screen-int.h"

void
screen_save_start(struct screen *s, bool whole)
{
	char path[1400];

	if (pane_message_save_prepare(s->pmsg, whole, s->save_name,
	    sizeof(s->save_name)) == -1) {
		screen_notice(s, ROLE_WARNING, "nothing to save%s",
		    pane_message_number(s->pmsg, NULL) ? " (only the header "
		    "is here: retrieve the message)" : ": open a message first");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", s->save_dir, s->save_name);
	composer_set(s->pcomp, path, strlen(path));
	s->prompt = PROMPT_SAVE;
	screen_mark(s, D_COMPOSER | D_HINT);
}

/* The message pane hands what is saved a chunk at a time: a part of a
 * large message is decoded from its store straight into the file. */
static int
save_produce(void *arg, savefile_put put, void *put_arg)
{
	struct screen *s = arg;

	return pane_message_save_write(s->pmsg, put, put_arg);
}

void
screen_save_write(struct screen *s, bool overwrite)
{
	const char *err = NULL;
	uint64_t bytes = 0;
	int r;

	r = savefile_write_fn(s->save_dir, s->save_name, save_produce, s,
	    overwrite, SAVEFILE_MODE, &bytes, &err);
	if (r == 1) {
		s->prompt = PROMPT_OVERWRITE;
		screen_notice(s, ROLE_WARNING,
		    "%s/%s exists: y replaces it, n lets "
		    "you change the name", s->save_dir, s->save_name);
		return;
	}
	s->prompt = PROMPT_NONE;
	if (r == 0)
		screen_notice(s, ROLE_HINT, "saved %llu bytes to %s/%s",
		    (unsigned long long)bytes, s->save_dir, s->save_name);
	else
		screen_notice(s, ROLE_WARNING, "could not save %s/%s: %s",
		    s->save_dir, s->save_name, err);
}

void
screen_save_path_entered(struct screen *s)
{
	const char *p = composer_text(s->pcomp, NULL);
	char dir[1024], name[256];

	if (savefile_split(p, dir, sizeof(dir), name, sizeof(name)) == -1) {
		screen_notice(s, ROLE_WARNING, "not a file name: %s", p);
		return;
	}
	snprintf(s->save_dir, sizeof(s->save_dir), "%s", dir);
	snprintf(s->save_name, sizeof(s->save_name), "%s", name);
	screen_save_write(s, false);
}
