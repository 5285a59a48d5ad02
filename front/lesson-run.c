/* SPDX-License-Identifier: MIT */
/* A lesson followed step by step against the live session's replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "proto/lesson.h"
#include "base/util.h"
#include "front/lesson-run.h"

struct lesson_run {
	struct lesson	*l;
	size_t		 step;
	unsigned	 gen;
	char		*vars[3];	/* user, pop3, smtp */
	struct buf	 prefill;
	char		 feedback[512];
	lesson_say_fn	 say;
	void		*arg;
};

/* Say each line of a multi-line text with a prefix. */
static void
say_lines(struct lesson_run *r, bool warning, const char *prefix,
    const char *text)
{
	const char	*p = text, *nl;
	struct buf	 b;

	if (text == NULL)
		return;
	buf_init(&b, 8192);
	for (; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		buf_reset(&b);
		(void)buf_printf(&b, "%s%.*s", prefix, nl != NULL ?
		    (int)(nl - p) : (int)strlen(p), p);
		r->say(r->arg, warning, b.data);
	}
	buf_clear(&b);
}

/* The current step's type line with the variables filled in. */
static void
fill(struct lesson_run *r)
{
	static const char *const names[] = { "{user}", "{pop3}", "{smtp}" };
	const char	*t, *p;
	size_t		 k, n;

	buf_reset(&r->prefill);
	if (r->step >= r->l->nsteps || r->l->steps[r->step].type == NULL)
		return;
	t = r->l->steps[r->step].type;
	for (p = t; *p != '\0';) {
		for (k = 0; k < 3; k++) {
			n = strlen(names[k]);
			if (r->vars[k] != NULL && strncmp(p, names[k], n) == 0)
				break;
		}
		if (k < 3) {
			(void)buf_append_str(&r->prefill, r->vars[k]);
			p += strlen(names[k]);
		} else
			(void)buf_append_byte(&r->prefill, *p++);
	}
	/* "type PASS" for "command PASS *": leave the cursor after a space,
	 * ready for the argument the learner types. */
	if (memchr(r->prefill.data, ' ', r->prefill.len) == NULL &&
	    strchr(r->l->steps[r->step].pattern, ' ') != NULL)
		(void)buf_append_byte(&r->prefill, ' ');
}

/* Say the current step: where the learner is, why, what to type. */
static void
announce(struct lesson_run *r)
{
	const struct lesson_step *st;
	char			 b[1024];

	fill(r);
	r->gen++;
	if (r->step >= r->l->nsteps) {
		snprintf(r->feedback, sizeof(r->feedback), "lesson complete: "
		    "%zu of %zu steps done", r->l->nsteps, r->l->nsteps);
		r->say(r->arg, false, r->feedback);
		return;
	}
	st = &r->l->steps[r->step];
	snprintf(b, sizeof(b), "lesson step %zu of %zu: %s", r->step + 1,
	    r->l->nsteps, st->title);
	r->say(r->arg, false, b);
	say_lines(r, false, "  ", st->say);
	if (r->prefill.len > 0) {
		snprintf(b, sizeof(b), "  type: %.*s (the composer has it; "
		    "edit it if you like)", (int)r->prefill.len,
		    r->prefill.data);
		r->say(r->arg, false, b);
	}
}

struct lesson_run *
lesson_run_new(struct lesson *l, const char *user, const char *pop3_url,
    const char *smtp_url, unsigned gen0, lesson_say_fn say, void *arg)
{
	struct lesson_run	*r = xcalloc(1, sizeof(*r));
	char			 b[1024];

	r->l = l;
	r->gen = gen0;
	r->vars[0] = user != NULL ? xstrdup(user) : NULL;
	r->vars[1] = pop3_url != NULL ? xstrdup(pop3_url) : NULL;
	r->vars[2] = smtp_url != NULL ? xstrdup(smtp_url) : NULL;
	r->say = say;
	r->arg = arg;
	buf_init(&r->prefill, 8192);
	snprintf(b, sizeof(b), "lesson %s: %s (%zu steps; /lesson stop ends "
	    "it)", l->name, l->title != NULL ? l->title : "", l->nsteps);
	say(arg, false, b);
	say_lines(r, false, "  ", l->intro);
	snprintf(r->feedback, sizeof(r->feedback), "step 1 of %zu",
	    l->nsteps);
	announce(r);
	return r;
}

void
lesson_run_free(struct lesson_run *r)
{
	size_t	i;

	if (r == NULL)
		return;
	lesson_free(r->l);
	for (i = 0; i < 3; i++)
		free(r->vars[i]);
	buf_clear(&r->prefill);
	free(r);
}

void
lesson_run_reply(struct lesson_run *r, const char *verb, const char *arg,
    size_t arg_len, const struct reply_line *rl)
{
	const struct lesson_step *st;
	char			 b[1024];

	if (r->step >= r->l->nsteps)
		return;
	st = &r->l->steps[r->step];
	switch (lesson_check(st, verb, arg, arg_len, rl)) {
	case LESSON_DONE:
		snprintf(r->feedback, sizeof(r->feedback), "step %zu of %zu "
		    "done", r->step + 1, r->l->nsteps);
		snprintf(b, sizeof(b), "lesson: %s: %s", r->feedback,
		    st->title);
		r->say(r->arg, false, b);
		say_lines(r, false, "  ", st->then);
		say_lines(r, false, "  question: ", st->ask);
		r->step++;
		announce(r);
		break;
	case LESSON_UNEXPECTED:
		/* A wrong turn is a lesson too: the "= " line above says
		 * what the reply means. */
		snprintf(r->feedback, sizeof(r->feedback), "not yet: step %zu "
		    "wants %s to be answered %s; read the = line above, then "
		    "try again", r->step + 1, st->pattern, st->expect);
		snprintf(b, sizeof(b), "lesson: %s", r->feedback);
		r->say(r->arg, true, b);
		break;
	case LESSON_OTHER:
		break;
	}
}

const struct lesson *
lesson_run_lesson(const struct lesson_run *r)
{
	return r->l;
}

size_t
lesson_run_step(const struct lesson_run *r)
{
	return r->step;
}

const char *
lesson_run_prefill(const struct lesson_run *r)
{
	return r->prefill.len > 0 ? r->prefill.data : NULL;
}

unsigned
lesson_run_generation(const struct lesson_run *r)
{
	return r->gen;
}

const char *
lesson_run_feedback(const struct lesson_run *r)
{
	return r->feedback;
}
