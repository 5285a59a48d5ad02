/* SPDX-License-Identifier: MIT */
/* The table of the workbench's / commands and the lookups on it. */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "front/wbcmd.h"

#define ANY	WBCMD_F_ANYTIME
#define REPLAY	WBCMD_F_REPLAY
#define SESSION	WBCMD_F_SESSION

static const struct wbcmd table[WBCMD_COUNT] = {
	{ WBCMD_CONNECT, "/connect", NULL,
	    "[--starttls] [--cafile FILE] [--insecure] URL",
	    "connect (pop3:// pop3s:// smtp:// smtps:// submission://); "
	    "asks first when deletions are pending", ANY },
	{ WBCMD_CERT, "/cert", NULL, "[save FILE | trust]",
	    "the server's certificates; save the chain as PEM (for "
	    "--cafile); trust one that did not verify, by SHA-256, for this "
	    "run (marked TRUSTED)", ANY },
	{ WBCMD_STARTTLS, "/starttls", NULL, "",
	    "upgrade this connection to TLS (STLS/STARTTLS)", SESSION },
	{ WBCMD_AUTH, "/auth", NULL, "MECH [USER]",
	    "log in: PLAIN LOGIN CRAM-MD5 XOAUTH2 APOP USER; asks for the "
	    "secret, never shows it", SESSION },
	{ WBCMD_LOAD, "/load", NULL, "",
	    "fill the mailbox: STAT, LIST, UIDL, TOP n 0 (pipelined when "
	    "offered)", SESSION },
	{ WBCMD_SEND, "/send", NULL, "",
	    "guided SMTP send: asks for sender, recipients, subject, text",
	    SESSION },
	{ WBCMD_SAVE, "/save", "/save!", "FILE",
	    "save the transcript (secrets redacted); never over a file: "
	    "/save! FILE replaces one; in the workbench /save alone picks a "
	    "dated name", ANY | REPLAY },
	{ WBCMD_CANCEL, "/cancel", NULL, "",
	    "abandon a running /auth, /load or /send (Esc does it too)", SESSION },
	{ WBCMD_EXPLAIN, "/explain", NULL, "CODE...",
	    "what a reply code means: 550 5.7.1, -ERR [IN-USE], 4.2.2 (as "
	    "mailbench explain)", ANY | REPLAY },
	{ WBCMD_LESSON, "/lesson", NULL, "[NAME|FILE|stop]",
	    "list the lessons, start one (a panel walks you through it), or "
	    "stop", ANY | REPLAY },
	{ WBCMD_HELP, "/help", NULL, "",
	    "this list (in the workbench: every key too)", ANY | REPLAY },
	{ WBCMD_QUIT, "/quit", NULL, "",
	    "QUIT and leave (asks when deletions are pending)",
	    ANY | REPLAY },
};

const struct wbcmd *
wbcmd_table(void)
{
	return table;
}

/* Length of the line's first word (up to a space). */
static size_t
word(const char *line, size_t len)
{
	size_t w = 0;

	while (w < len && line[w] != ' ')
		w++;
	return w;
}

const struct wbcmd *
wbcmd_find(const char *line, size_t len, const char **rest_r)
{
	size_t i, w = word(line, len);

	for (i = 0; i < WBCMD_COUNT; i++)
		if (slice_eq_ci(line, w, table[i].name) ||
		    (table[i].alias != NULL &&
		    slice_eq_ci(line, w, table[i].alias))) {
			*rest_r = line + w;
			return &table[i];
		}
	return NULL;
}

const struct wbcmd *
wbcmd_named(const char *line, size_t len)
{
	size_t i, w = word(line, len);

	for (i = 0; i < WBCMD_COUNT; i++)
		if (strlen(table[i].name) == w &&
		    strncmp(table[i].name, line, w) == 0)
			return &table[i];
	return NULL;
}

const char *const *
wbcmd_names(void)
{
	static const char *names[WBCMD_COUNT + 1];
	size_t i;

	if (names[0] == NULL)
		for (i = 0; i < WBCMD_COUNT; i++)
			names[i] = table[i].name;
	return names;
}

void
wbcmd_synopsis(const struct wbcmd *c, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s", c->name, c->args[0] != '\0' ? " " : "",
	    c->args);
}
