/* SPDX-License-Identifier: MIT */
/* Lessons: a plain-text format of steps (what to explain, the command to
 * type as a pattern, the reply it should get, what to say after, and
 * questions), its parser, and the check of one step against a command and
 * the reply it got. Pure: the front-end feeds it the session's replies. */
#ifndef PROTO_LESSON_H
#define PROTO_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/reply.h"

/* One step of a lesson. Strings are NUL-terminated and owned by the
 * lesson; texts may hold several lines joined by "\n"; NULL when absent. */
struct lesson_step {
	char		*title;		/* "Log in: name the mailbox" */
	char		*say;		/* explained before the command */
	char		*type;		/* pre-filled in the composer */
	char		*pattern;	/* the command expected ("USER *") */
	char		*expect;	/* the reply expected ("+OK", "250",
					 * "2xx", "354", "-ERR", "any") */
	char		*then;		/* said once the step is done */
	char		*ask;		/* questions for the learner */
};

struct lesson {
	char			*name;		/* "pop3-basics" */
	char			*title;
	char			*intro;
	enum reply_proto	 proto;
	bool			 proto_set;
	struct lesson_step	*steps;
	size_t			 nsteps;
};

/* Parse a lesson file (format in mailbench(1), "LESSONS"). NULL with
 * *errstr_r (static storage, names the line) on a bad file: an unknown
 * keyword, a step field before the first step, a step without a command
 * pattern, no steps, a line over 4 KiB or a file over 1 MiB. Free with
 * lesson_free. */
struct lesson	*lesson_parse(const char *text, size_t len,
		    const char **errstr_r);
void		 lesson_free(struct lesson *);

/* The names of the built-in lessons, NULL-terminated, and their titles
 * (same order). */
const char *const *lesson_builtin_names(void);
const char *const *lesson_builtin_titles(void);
/* A built-in lesson parsed, by name; NULL when there is none. Free with
 * lesson_free. */
struct lesson	*lesson_builtin(const char *name);

enum lesson_check {
	LESSON_OTHER,		/* not the command this step asks for */
	LESSON_DONE,		/* the command and the reply expected */
	LESSON_UNEXPECTED,	/* the command, but another reply */
};

/* Check step against a command (verb upper case, as the engine reports
 * it, "" for the greeting; arg what followed, NULL for a secret, whose
 * argument then counts as matching) and the reply it got (first line
 * parsed). The pattern "(greeting)" matches a server's greeting. */
enum lesson_check lesson_check(const struct lesson_step *, const char *verb,
		    const char *arg, size_t arg_len,
		    const struct reply_line *);

/* Does the glob pattern ("USER *", "RETR ?", "MAIL FROM:<*>") match the
 * line, ignoring case? "*" is any run of bytes, "?" one byte. */
bool		 lesson_match(const char *pattern, const char *line, size_t len);

#endif
