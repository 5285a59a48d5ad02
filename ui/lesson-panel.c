/* SPDX-License-Identifier: MIT */
/* The /lesson panel: carved out of the transcript, the step's text
 * wrapped in it, the composer pre-filled with the step's command. */

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "proto/lesson.h"
#include "front/driver.h"
#include "front/lesson-run.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "ui/screen-int.h"
#include "ui/width.h"

/* A lesson's panel is carved out of the transcript (layout_lesson). */
void
lesson_panel_carve(struct screen *s, struct layout_rect *t)
{
	s->lesson_rect = (struct layout_rect){ 0, 0, 0, 0 };
	s->lesson_shown = s->drv != NULL && driver_lesson(s->drv) != NULL;
	if (s->lesson_shown)
		layout_lesson(t, s->projector, &s->lesson_rect);
}

/* Draw text wrapped at spaces into w from row *y, at most to row max. */
static void
lesson_wrap(WINDOW *w, int *y, int max, const char *text, unsigned long a)
{
	const char *p = text, *nl;
	size_t n, k, cols = (size_t)getmaxx(w) - 2, sp;

	while (text != NULL && *p != '\0' && *y < max) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		do {
			k = width_fit(p, n, cols, NULL);
			if (k < n) {
				for (sp = k; sp > 0 && p[sp] != ' '; sp--)
					;
				if (sp > 0)
					k = sp;
			}
			wmove(w, (*y)++, 1);
			width_draw(w, p, k, cols, a);
			while (k < n && p[k] == ' ')
				k++;
			p += k;
			n -= k;
		} while (n > 0 && *y < max);
		p = nl != NULL ? nl + 1 : p + n;
		if (nl == NULL)
			break;
	}
}

void
lesson_panel_draw(struct screen *s)
{
	const struct lesson_run *r = driver_lesson(s->drv);
	const struct lesson *l;
	const struct lesson_step *st;
	WINDOW *w = s->wlesson;
	int y = 1, max = getmaxy(w);
	char b[256];
	size_t k;
	const char *fb;

	werase(w);
	if (r == NULL) {
		wnoutrefresh(w);
		return;
	}
	l = lesson_run_lesson(r);
	k = lesson_run_step(r);
	snprintf(b, sizeof(b), " Lesson %s  step %zu of %zu ", l->name,
	    k < l->nsteps ? k + 1 : l->nsteps, l->nsteps);
	wmove(w, 0, 0);
	width_pad(w, (size_t)getmaxx(w), layout_attr(ROLE_TITLE));
	wmove(w, 0, 0);
	width_draw(w, b, strlen(b), (size_t)getmaxx(w),
	    layout_attr(ROLE_TITLE_FOCUS));
	if (k < l->nsteps) {
		st = &l->steps[k];
		lesson_wrap(w, &y, max, st->title, A_BOLD);
		lesson_wrap(w, &y, max, st->say, A_NORMAL);
		if (lesson_run_prefill(r) != NULL) {
			snprintf(b, sizeof(b), "type: %s", lesson_run_prefill(r));
			lesson_wrap(w, &y, max, b, layout_attr(ROLE_SENT));
		}
	}
	fb = lesson_run_feedback(r);
	if (fb != NULL && *fb != '\0' && y < max)
		lesson_wrap(w, &y, max, fb, strncmp(fb, "not yet", 7) == 0 ?
		    layout_attr(ROLE_WARNING) : layout_attr(ROLE_POSITIVE));
	wnoutrefresh(w);
}

/* A new lesson step: pre-fill the composer with its command once (the
 * learner may edit it; a wrong command is a lesson too). */
void
lesson_panel_prefill(struct screen *s)
{
	const struct lesson_run *r = s->drv != NULL ? driver_lesson(s->drv) :
	    NULL;
	const char *t;
	size_t len;

	if ((r != NULL) != s->lesson_shown)
		screen_mark(s, D_LAYOUT);
	if (r == NULL || lesson_run_generation(r) == s->lesson_gen)
		return;
	s->lesson_gen = lesson_run_generation(r);
	composer_text(s->comp, &len);
	if ((t = lesson_run_prefill(r)) != NULL && len == 0 &&
	    !composer_secret(s->comp)) {
		composer_set(s->comp, t, strlen(t));
		screen_mark(s, D_COMPOSER | D_HINT);
	}
	screen_mark(s, D_TRANSCRIPT);
}
