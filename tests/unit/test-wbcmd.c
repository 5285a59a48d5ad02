/* SPDX-License-Identifier: MIT */
/* Unit tests for front/wbcmd.c, the one table of / commands: every entry
 * is whole (name, help, where it works), the lookups find each name and
 * alias, and the driver's /help (run unconnected) lists every entry with
 * its help text. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "front/driver.h"
#include "front/wbcmd.h"
#include "net/loop.h"
#include "tests/unit/harness.h"

/* Every entry: at its own index, a "/name" of lower-case letters used by
 * no other entry, a synopsis of arguments, one line of help, and one
 * place it runs (the front-end or the session engine); replay only for
 * what the front-end runs. */
static void
test_entries(void)
{
	const struct wbcmd *t = wbcmd_table();
	size_t i, k;

	for (i = 0; i < WBCMD_COUNT; i++) {
		const char *n = t[i].name;

		CHECK_INT(t[i].id, (long long)i);
		CHECK(n != NULL && n[0] == '/' && strlen(n) >= 2);
		CHECK(strspn(n + 1, "abcdefghijklmnopqrstuvwxyz") ==
		    strlen(n) - 1);
		CHECK(t[i].args != NULL);
		CHECK(t[i].help != NULL && strlen(t[i].help) >= 10);
		CHECK(strchr(t[i].help, '\n') == NULL);
		CHECK(((t[i].flags & WBCMD_F_ANYTIME) != 0) !=
		    ((t[i].flags & WBCMD_F_SESSION) != 0));
		if (t[i].flags & WBCMD_F_REPLAY)
			CHECK(t[i].flags & WBCMD_F_ANYTIME);
		for (k = 0; k < i; k++) {
			CHECK(strcmp(t[k].name, n) != 0);
			if (t[k].alias != NULL)
				CHECK(strcmp(t[k].alias, n) != 0);
		}
	}
	CHECK(wbcmd_names()[WBCMD_COUNT] == NULL);
	for (i = 0; i < WBCMD_COUNT; i++)
		CHECK_STR(wbcmd_names()[i], t[i].name);
}

/* The driver's reading: first word, any case, name or alias, a space or
 * the end after it; the screen's: the exact name. */
static void
test_find(void)
{
	const struct wbcmd *t = wbcmd_table(), *c;
	const char *rest = NULL;
	char line[64];
	size_t i, j;

	for (i = 0; i < WBCMD_COUNT; i++) {
		snprintf(line, sizeof(line), "%s arg", t[i].name);
		c = wbcmd_find(line, strlen(line), &rest);
		CHECK(c == &t[i]);
		CHECK(c != NULL && rest == line + strlen(t[i].name));
		CHECK(wbcmd_named(line, strlen(line)) == &t[i]);
		for (j = 0; line[j] != '\0'; j++)
			if (line[j] >= 'a' && line[j] <= 'z')
				line[j] = (char)(line[j] - 'a' + 'A');
		CHECK(wbcmd_find(line, strlen(line), &rest) == &t[i]);
		CHECK(wbcmd_named(line, strlen(line)) == NULL);
		/* A longer word is another command. */
		snprintf(line, sizeof(line), "%sx", t[i].name);
		CHECK(wbcmd_find(line, strlen(line), &rest) == NULL);
		CHECK(wbcmd_named(line, strlen(line)) == NULL);
	}
	c = wbcmd_find("/save! f", 8, &rest);
	CHECK(c != NULL && c->id == WBCMD_SAVE && rest[0] == ' ');
	CHECK(wbcmd_named("/save! f", 8) == NULL);
	CHECK(wbcmd_find("/frobnicate", 11, &rest) == NULL);
	CHECK(wbcmd_find("/", 1, &rest) == NULL);
	CHECK(wbcmd_find("QUIT", 4, &rest) == NULL);
}

static struct buf	 out;

static void
d_line(void *arg, const struct driver_line *l)
{
	(void)arg;
	buf_append(&out, l->text, l->len);
	buf_append_byte(&out, '\n');
}

static void
d_status(void *arg, const struct driver_status *st)
{
	(void)arg;
	(void)st;
}

static void
d_closed(void *arg, int code, const char *why)
{
	(void)arg;
	(void)code;
	(void)why;
}

/* The text of the help lines with the layout taken out: every run of
 * blanks and line ends one space. */
static void
squeeze(const char *in, char *o, size_t osz)
{
	size_t n = 0;

	for (; *in != '\0' && n + 1 < osz; in++) {
		bool blank = *in == ' ' || *in == '\n';

		if (blank && (n == 0 || o[n - 1] == ' '))
			continue;
		o[n++] = blank ? ' ' : *in;
	}
	o[n] = '\0';
}

/* /help, unconnected, lists every entry: its synopsis and its whole help
 * text, in table order. */
static void
test_help_lists_all(void)
{
	static const struct driver_ops ops = { d_line, d_status, NULL,
	    d_closed };
	static char flat[16384];
	struct driver_options o;
	struct loop *l = loop_new();
	struct driver *d;
	const struct wbcmd *t = wbcmd_table();
	const char *at = flat, *p;
	char syn[128];
	size_t i;

	memset(&o, 0, sizeof(o));
	o.timeout = 5;
	buf_init(&out, 1 << 20);
	d = driver_new(l, &o, &ops, NULL);
	CHECK_INT(driver_submit(d, "/help", 5), 0);
	CHECK(out.data != NULL);
	squeeze(out.data != NULL ? out.data : "", flat, sizeof(flat));
	for (i = 0; i < WBCMD_COUNT; i++) {
		wbcmd_synopsis(&t[i], syn, sizeof(syn));
		p = strstr(at, syn);
		CHECK(p != NULL);
		if (p == NULL)
			break;
		at = p + strlen(syn);
		p = strstr(at, t[i].help);
		CHECK(p != NULL);
		if (p == NULL)
			break;
		/* the help follows its own synopsis, not a later one */
		CHECK(p == at + 1);
		at = p + strlen(t[i].help);
	}
	/* Unconnected, a session command says so; a word no entry has is
	 * unknown. */
	buf_reset(&out);
	CHECK_INT(driver_submit(d, "/load", 5), -1);
	CHECK(out.data != NULL && strstr(out.data, "not connected") != NULL);
	buf_reset(&out);
	CHECK_INT(driver_submit(d, "/frob", 5), -1);
	CHECK(out.data != NULL &&
	    strstr(out.data, "unknown command /frob") != NULL);
	driver_free(d);
	loop_free(l);
	buf_clear(&out);
}

static const struct test tests[] = {
	{ "table entries are whole", test_entries },
	{ "lookups by name and alias", test_find },
	{ "/help lists every entry", test_help_lists_all },
};

TEST_MAIN("wbcmd", tests)
