/* SPDX-License-Identifier: MIT */
/* The lesson format's parser and the check of a step against a reply. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "proto/lesson.h"
#include "base/util.h"

#define LESSON_MAX_FILE	(1024 * 1024)
#define LESSON_MAX_LINE	4096
#define LESSON_MAX_STEPS 200

/* Append text to *field, a new line when it already has one. */
static void
append(char **field, const char *p, size_t n)
{
	size_t	old = *field != NULL ? strlen(*field) : 0;
	char	*s = xmalloc(old + n + 2);

	if (old > 0) {
		memcpy(s, *field, old);
		s[old++] = '\n';
	}
	memcpy(s + old, p, n);
	s[old + n] = '\0';
	free(*field);
	*field = s;
}

static void
step_clear(struct lesson_step *st)
{
	free(st->title);
	free(st->say);
	free(st->type);
	free(st->pattern);
	free(st->expect);
	free(st->then);
	free(st->ask);
}

void
lesson_free(struct lesson *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nsteps; i++)
		step_clear(&l->steps[i]);
	free(l->steps);
	free(l->name);
	free(l->title);
	free(l->intro);
	free(l);
}

/* A reply class as the "expect" field writes it. */
static bool
expect_valid(const char *e)
{
	size_t	n = strlen(e);

	if (strcmp(e, "any") == 0 || strcmp(e, "+OK") == 0 ||
	    strcmp(e, "-ERR") == 0 || strcmp(e, "+") == 0)
		return true;
	return n == 3 && e[0] >= '2' && e[0] <= '5' &&
	    ((e[1] == 'x' && e[2] == 'x') || (e[1] >= '0' && e[1] <= '9' &&
	    e[2] >= '0' && e[2] <= '9'));
}

/* The pattern a step's "type" line implies: its verb, then anything. */
static char *
pattern_of(const char *type)
{
	size_t	v = strcspn(type, " ");
	char	*p = xmalloc(v + 3);

	memcpy(p, type, v);
	if (type[v] != '\0') {
		memcpy(p + v, " *", 3);
	} else
		p[v] = '\0';
	return p;
}

static const char *
bad(char *err, size_t errsz, size_t lineno, const char *why)
{
	snprintf(err, errsz, "line %zu: %s", lineno, why);
	return err;
}

/* Finish the step being read: derive the pattern, check what it needs. */
static const char *
close_step(struct lesson *l, char *err, size_t errsz, size_t lineno)
{
	struct lesson_step	*st;

	if (l->nsteps == 0)
		return NULL;
	st = &l->steps[l->nsteps - 1];
	if (st->pattern == NULL && st->type != NULL)
		st->pattern = pattern_of(st->type);
	if (st->pattern == NULL)
		return bad(err, errsz, lineno, "a step needs \"command\" (or "
		    "\"type\") before the next step or the end");
	if (st->expect == NULL)
		st->expect = xstrdup("any");
	return NULL;
}

struct lesson *
lesson_parse(const char *text, size_t len, const char **errstr_r)
{
	static char		 err[256];
	static const char *const step_keys[] = { "say", "type", "command",
	    "expect", "then", "ask" };
	struct lesson		*l;
	struct lesson_step	*st = NULL;
	const char		*p = text, *end = text + len, *nl, *kw, *arg;
	size_t			 lineno = 0, n, kwlen, arglen, k;
	const char		*why = NULL;

	if (len > LESSON_MAX_FILE) {
		*errstr_r = "larger than 1 MiB: not a lesson";
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	for (; p < end && why == NULL; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		lineno++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > LESSON_MAX_LINE) {
			why = bad(err, sizeof(err), lineno, "line longer than "
			    "4 KiB");
			break;
		}
		if (memchr(p, '\0', n) != NULL) {
			why = bad(err, sizeof(err), lineno, "NUL byte");
			break;
		}
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0 || *p == '#')
			continue;
		kw = p;
		for (kwlen = 0; kwlen < n && p[kwlen] != ' ' &&
		    p[kwlen] != '\t'; kwlen++)
			;
		arg = kw + kwlen;
		arglen = n - kwlen;
		while (arglen > 0 && (*arg == ' ' || *arg == '\t')) {
			arg++;
			arglen--;
		}
		while (arglen > 0 && (arg[arglen - 1] == ' ' ||
		    arg[arglen - 1] == '\t'))
			arglen--;
#define KW(s)	(kwlen == strlen(s) && memcmp(kw, s, kwlen) == 0)
		if (KW("lesson")) {
			if (l->name != NULL)
				why = bad(err, sizeof(err), lineno, "a second "
				    "\"lesson\" line");
			else if (arglen == 0)
				why = bad(err, sizeof(err), lineno, "\"lesson\" "
				    "needs a name");
			else
				l->name = xstrndup(arg, arglen);
			continue;
		}
		if (l->name == NULL) {
			why = bad(err, sizeof(err), lineno, "a lesson starts "
			    "with \"lesson NAME\"");
			break;
		}
		if (KW("title") && st == NULL) {
			append(&l->title, arg, arglen);
			continue;
		}
		if (KW("intro") && st == NULL) {
			append(&l->intro, arg, arglen);
			continue;
		}
		if (KW("protocol") && st == NULL) {
			if (arglen == 4 && slice_eq_ci(arg, 4, "pop3"))
				l->proto = REPLY_POP3;
			else if (arglen == 4 && slice_eq_ci(arg, 4, "smtp"))
				l->proto = REPLY_SMTP;
			else {
				why = bad(err, sizeof(err), lineno,
				    "\"protocol\" is pop3 or smtp");
				break;
			}
			l->proto_set = true;
			continue;
		}
		if (KW("step")) {
			if ((why = close_step(l, err, sizeof(err),
			    lineno)) != NULL)
				break;
			if (l->nsteps == LESSON_MAX_STEPS) {
				why = bad(err, sizeof(err), lineno, "more than "
				    "200 steps");
				break;
			}
			l->steps = xrealloc(l->steps, (l->nsteps + 1) *
			    sizeof(*l->steps));
			st = &l->steps[l->nsteps++];
			memset(st, 0, sizeof(*st));
			st->title = xstrndup(arg, arglen);
			continue;
		}
		for (k = 0; k < sizeof(step_keys) / sizeof(step_keys[0]); k++)
			if (KW(step_keys[k]))
				break;
		if (k == sizeof(step_keys) / sizeof(step_keys[0])) {
			why = bad(err, sizeof(err), lineno, "unknown keyword "
			    "(lesson title protocol intro step say type command "
			    "expect then ask)");
			break;
		}
		if (st == NULL) {
			why = bad(err, sizeof(err), lineno, "a step field "
			    "before the first \"step\"");
			break;
		}
		if (KW("say"))
			append(&st->say, arg, arglen);
		else if (KW("then"))
			append(&st->then, arg, arglen);
		else if (KW("ask"))
			append(&st->ask, arg, arglen);
		else if (KW("type") || KW("command") || KW("expect")) {
			char **f = KW("type") ? &st->type : KW("command") ?
			    &st->pattern : &st->expect;

			if (*f != NULL) {
				why = bad(err, sizeof(err), lineno, "a step has "
				    "one type, command and expect");
				break;
			}
			if (arglen == 0) {
				why = bad(err, sizeof(err), lineno, "empty "
				    "value");
				break;
			}
			*f = xstrndup(arg, arglen);
			if (KW("expect") && !expect_valid(*f))
				why = bad(err, sizeof(err), lineno, "expect is "
				    "+OK, -ERR, +, 2xx..5xx, a code like 250, "
				    "or any");
		}
#undef KW
	}
	if (why == NULL)
		why = close_step(l, err, sizeof(err), lineno);
	if (why == NULL && l->name == NULL)
		why = "empty: a lesson starts with \"lesson NAME\"";
	if (why == NULL && l->nsteps == 0)
		why = "no \"step\" in it";
	if (why != NULL) {
		*errstr_r = why;
		lesson_free(l);
		return NULL;
	}
	return l;
}

bool
lesson_match(const char *pat, const char *s, size_t len)
{
	size_t		 i = 0, star_p = (size_t)-1, star_i = 0;
	const char	*p = pat;
	size_t		 pi = 0, plen = strlen(pat);

	/* Iterative glob with one backtrack point (the last "*"). */
	while (i < len) {
		if (pi < plen && (p[pi] == '?' ||
		    tolower((unsigned char)p[pi]) ==
		    tolower((unsigned char)s[i]))) {
			pi++;
			i++;
		} else if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_i = i;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			i = ++star_i;
		} else
			return false;
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* Does the reply fit the class the step expects? */
static bool
reply_fits(const char *e, const struct reply_line *r)
{
	int	c = r->code;

	if (strcmp(e, "any") == 0)
		return true;
	if (strcmp(e, "+OK") == 0)
		return r->pop3 == REPLY_POP3_OK;
	if (strcmp(e, "-ERR") == 0)
		return r->pop3 == REPLY_POP3_ERR;
	if (strcmp(e, "+") == 0)
		return r->pop3 == REPLY_POP3_CONT;
	if (c == 0)
		return false;
	if (e[1] == 'x')
		return c / 100 == e[0] - '0';
	return c == (e[0] - '0') * 100 + (e[1] - '0') * 10 + (e[2] - '0');
}

enum lesson_check
lesson_check(const struct lesson_step *st, const char *verb, const char *arg,
    size_t arg_len, const struct reply_line *r)
{
	struct buf	line;
	size_t		vlen = strcspn(st->pattern, " ");
	bool		ok;

	/* "(greeting)": the server's first reply (a step that connects). */
	if (strcmp(st->pattern, "(greeting)") == 0) {
		if (verb[0] != '\0')
			return LESSON_OTHER;
		return reply_fits(st->expect, r) ? LESSON_DONE :
		    LESSON_UNEXPECTED;
	}
	buf_init(&line, LESSON_MAX_LINE * 2);
	(void)buf_append_str(&line, verb);
	if (arg != NULL && arg_len > 0) {
		(void)buf_append_byte(&line, ' ');
		(void)buf_append(&line, arg, arg_len);
	}
	if (arg == NULL && st->pattern[vlen] != '\0')
		/* A secret's argument is not known: the verb decides. */
		ok = strlen(verb) == vlen && strncasecmp(verb, st->pattern,
		    vlen) == 0;
	else
		ok = lesson_match(st->pattern, line.data != NULL ? line.data :
		    "", line.len);
	buf_clear(&line);
	if (!ok)
		return LESSON_OTHER;
	return reply_fits(st->expect, r) ? LESSON_DONE : LESSON_UNEXPECTED;
}
