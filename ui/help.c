/* SPDX-License-Identifier: MIT */
/* Help text generated from the key table, so it cannot drift from it. */
#include <curses.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ui/help.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/width.h"

static const struct help_cmd cmds[] = {
	{ "/connect", "/connect [--starttls] [--cafile FILE] [--insecure] URL",
	    "connect (pop3:// pop3s:// smtp:// smtps:// submission://); "
	    "asks first when deletions are pending" },
	{ "/cert", "/cert [save FILE | trust]", "the server's certificates; "
	    "save the chain as PEM (for --cafile); trust one that did not "
	    "verify, by SHA-256, for this run (marked TRUSTED)" },
	{ "/starttls", "/starttls", "upgrade this connection to TLS "
	    "(STLS/STARTTLS)" },
	{ "/auth", "/auth MECH [USER]", "log in: PLAIN LOGIN CRAM-MD5 XOAUTH2 "
	    "APOP USER; asks for the secret, never shows it" },
	{ "/load", "/load", "fill the mailbox: STAT, LIST, UIDL, TOP n 0 "
	    "(pipelined when offered)" },
	{ "/send", "/send", "guided SMTP send: asks for sender, recipients, "
	    "subject, text" },
	{ "/save", "/save [FILE]", "save the transcript (secrets redacted); "
	    "never over a file: /save! FILE replaces one" },
	{ "/cancel", "/cancel", "abandon a running /auth, /load or /send "
	    "(Esc does it too)" },
	{ "/explain", "/explain CODE...", "what a reply code means: 550 5.7.1, "
	    "-ERR [IN-USE], 4.2.2 (as mailbench explain)" },
	{ "/lesson", "/lesson [NAME|FILE|stop]", "list the lessons, start one "
	    "(a panel walks you through it), or stop" },
	{ "/help", "/help", "this screen" },
	{ "/quit", "/quit", "QUIT and leave (asks when deletions are "
	    "pending)" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static char	**lines;
static int	  nlines;

const struct help_cmd *
help_commands(size_t *n_r)
{
	*n_r = NCMDS;
	return cmds;
}

const char *const *
help_command_names(size_t *n_r)
{
	static const char *names[NCMDS + 1];
	size_t i;

	for (i = 0; i < NCMDS; i++)
		names[i] = cmds[i].name;
	names[NCMDS] = NULL;
	*n_r = NCMDS;
	return names;
}

const struct help_cmd *
help_find(const char *line, size_t len)
{
	size_t i, w = 0;

	while (w < len && line[w] != ' ')
		w++;
	for (i = 0; i < NCMDS; i++)
		if (strlen(cmds[i].name) == w &&
		    strncmp(cmds[i].name, line, w) == 0)
			return &cmds[i];
	return NULL;
}

static void
add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
add(const char *fmt, ...)
{
	char b[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	lines = xrealloc(lines, ((size_t)nlines + 1) * sizeof(*lines));
	lines[nlines++] = xstrdup(b);
}

/* Is name already in the ", "-separated list? */
static bool
has_name(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ',' ||
		    p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* What an action does in one context, when it differs by pane. */
static const char *
action_text(enum keys_ctx c, enum action a)
{
	if (c == KEYS_MAILBOX && a == ACT_EXPAND)
		return "open the message (sends RETR when not yet fetched)";
	if (c == KEYS_TRANSCRIPT && a == ACT_EXPAND)
		return "show/fold the TLS handshake and certificate details";
	if (c == KEYS_MESSAGE && (a == ACT_UP || a == ACT_DOWN))
		return a == ACT_UP ? "scroll up" : "scroll down";
	if (c == KEYS_TRANSCRIPT && (a == ACT_LEFT || a == ACT_RIGHT))
		return a == ACT_LEFT ? "scroll left" : "scroll right";
	return keys_action_help(a);
}

static void
build(void)
{
	enum keys_ctx ctx, c;
	enum action a;
	size_t i, k;
	int key;
	char kn[32], keysbuf[128];
	bool listed[ACT_COUNT];

	add("mailbench workbench: help   (Esc or q closes, arrows/PgUp/PgDn "
	    "scroll)");
	add("%s", "");
	add("Lines typed in the composer go to the server exactly as typed "
	    "(plus CRLF).");
	add("Lines starting with / are the workbench's own commands:");
	for (i = 0; i < NCMDS; i++)
		add("  %-20s %s", cmds[i].syntax, cmds[i].about);
	add("%s", "");
	add("After DATA gets 354 the composer is in MESSAGE MODE: every line "
	    "is message");
	add("text, a line starting with \".\" is sent dot-stuffed, a lone "
	    "\".\" ends it.");
	add("Secrets (PASS, AUTH answers) are never shown nor kept in "
	    "history.");
	for (c = 0; c < KEYS_CTX_COUNT; c++) {
		add("%s", "");
		add("Keys: %s", keys_ctx_name(c));
		memset(listed, 0, sizeof(listed));
		for (i = 0; keys_binding(i, &ctx, &key, &a); i++) {
			if (ctx != c || listed[a] || key == -1)
				continue;
			listed[a] = true;
			keysbuf[0] = '\0';
			/* All keys bound to this action in this context. */
			for (k = i; keys_binding(k, &ctx, &key, &a); k++) {
				enum action a0;
				enum keys_ctx c0;
				int key0;

				keys_binding(i, &c0, &key0, &a0);
				if (ctx != c || a != a0 || key == -1)
					continue;
				keys_name(key, kn, sizeof(kn));
				if (has_name(keysbuf, kn))
					continue;
				if (strlen(keysbuf) + strlen(kn) + 3 <
				    sizeof(keysbuf))
					snprintf(keysbuf + strlen(keysbuf),
					    sizeof(keysbuf) - strlen(keysbuf),
					    "%s%s", keysbuf[0] ? ", " : "", kn);
			}
			keys_binding(i, &ctx, &key, &a);
			add("  %-24s %s", keysbuf, action_text(c, a));
		}
	}
	add("%s", "");
	add("Mailbox marks (first column): * fetched (RETR), D marked for "
	    "deletion (removed when QUIT is answered), X deleted by QUIT.");
	add("Message title: \"part 1.2 (3 of 5 parts; ] [ move)\" is the "
	    "selected MIME part's path, its place in the tree and the type.");
	add("Mouse (start with --mouse): click a pane to focus it; the wheel "
	    "scrolls.");
	add("History is kept per protocol in $XDG_STATE_HOME/mailbench "
	    "(~/.local/state/mailbench).");
	add("NO_COLOR or --no-color turns colours off.");
}

/* Wrapped rows of help line i at width cols: how many, and the byte
 * ranges; continuation rows are indented under the description. */
#define HELP_INDENT	27

static int
wrap_rows(const char *l, int cols, size_t *starts, int max)
{
	size_t len = strlen(l), off = 0, fit, k;
	int n = 0, avail;

	if (cols < HELP_INDENT + 10)
		avail = cols;
	while (n < max) {
		avail = n == 0 || cols < HELP_INDENT + 10 ? cols :
		    cols - HELP_INDENT;
		starts[n++] = off;
		if (off >= len)
			break;
		fit = width_fit(l + off, len - off, (size_t)avail, NULL);
		if (fit == 0)
			fit = width_next(l, len, off) - off;
		if (off + fit >= len)
			break;
		for (k = fit; k > fit / 2 && l[off + k - 1] != ' '; k--)
			;
		if (k > fit / 2)
			fit = k;
		off += fit;
	}
	starts[n] = len;
	return n;
}

int
help_line_count(void)
{
	if (lines == NULL)
		build();
	return nlines;
}

int
help_draw(WINDOW *w, int scroll)
{
	int rows = getmaxy(w), cols = getmaxx(w), r = 0, i, k, n, total = 0;
	size_t starts[32], used;

	if (lines == NULL)
		build();
	for (i = 0; i < nlines; i++)
		total += wrap_rows(lines[i], cols, starts, 30);
	if (scroll > total - rows)
		scroll = total - rows;
	if (scroll < 0)
		scroll = 0;
	k = 0;
	for (i = 0; i < nlines && r < rows; i++) {
		unsigned long attr = i == 0 ? layout_attr(ROLE_TITLE_FOCUS) :
		    strncmp(lines[i], "Keys:", 5) == 0 ? A_BOLD : A_NORMAL;
		int j;

		n = wrap_rows(lines[i], cols, starts, 30);
		for (j = 0; j < n && r < rows; j++, k++) {
			if (k < scroll)
				continue;
			wmove(w, r++, 0);
			used = 0;
			if (j > 0 && cols >= HELP_INDENT + 10) {
				width_pad(w, HELP_INDENT, attr);
				used = HELP_INDENT;
			}
			used += width_draw(w, lines[i] + starts[j],
			    starts[j + 1] - starts[j], (size_t)cols - used,
			    attr);
			width_pad(w, (size_t)cols - used, attr);
		}
	}
	for (; r < rows; r++) {
		wmove(w, r, 0);
		wattrset(w, A_NORMAL);
		wclrtoeol(w);
	}
	return scroll;
}
