/* SPDX-License-Identifier: MIT */
/* A lesson being followed in a session: which step the learner is on,
 * what to say as steps are done or missed, and what to pre-fill in the
 * composer. Curses-free: the driver feeds it replies and prints what it
 * says as "* " lines; the screen draws its panel from the getters. */
#ifndef UI_LESSON_RUN_H
#define UI_LESSON_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/reply.h"

struct lesson;
struct lesson_run;

/* What the run says: one line of text (no newline) at a time. */
typedef void	(*lesson_say_fn)(void *arg, bool warning, const char *text);

/* Start following l (the run takes it and frees it). vars fill the
 * "type" lines' {user}, {pop3} and {smtp}; NULL values leave them as
 * they are. gen0 starts lesson_run_generation (give each run its own
 * range, so a new run is never taken for the old one). Says the title,
 * the introduction and the first step. */
struct lesson_run *lesson_run_new(struct lesson *l, const char *user,
		    const char *pop3_url, const char *smtp_url, unsigned gen0,
		    lesson_say_fn say, void *arg);
void		 lesson_run_free(struct lesson_run *);

/* A reply to a command arrived (verb, arg as the engine reports them;
 * arg NULL for a secret): checks the current step, says "done" and the
 * next step, or why this reply is not what the step wants. */
void		 lesson_run_reply(struct lesson_run *, const char *verb,
		    const char *arg, size_t arg_len, const struct reply_line *);

/* The lesson followed. */
const struct lesson *lesson_run_lesson(const struct lesson_run *);
/* Index of the current step (0-based); equals the number of steps once
 * the lesson is complete. */
size_t		 lesson_run_step(const struct lesson_run *);
/* The current step's "type" line with {user}/{pop3}/{smtp} filled in, or
 * NULL (no step left, or the step has none). Valid until the next call. */
const char	*lesson_run_prefill(const struct lesson_run *);
/* Grows by one each time the step changes (the screen pre-fills once). */
unsigned	 lesson_run_generation(const struct lesson_run *);
/* The last thing said about the learner's progress ("step 2 of 9 done",
 * "not yet: ..."), for the panel. */
const char	*lesson_run_feedback(const struct lesson_run *);

#endif
