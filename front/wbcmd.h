/* SPDX-License-Identifier: MIT */
/* The workbench's / commands, one table: name, argument synopsis, one line
 * of help, where they work. The driver dispatches from it, /help and the
 * F1 screen list it, Tab completes from it. */
#ifndef FRONT_WBCMD_H
#define FRONT_WBCMD_H

#include <stdbool.h>
#include <stddef.h>

/* One per command, in the order /help lists them; the driver's handlers
 * are indexed by it. */
enum wbcmd_id {
	WBCMD_CONNECT,
	WBCMD_CERT,
	WBCMD_STARTTLS,
	WBCMD_AUTH,
	WBCMD_LOAD,
	WBCMD_SEND,
	WBCMD_SAVE,
	WBCMD_CANCEL,
	WBCMD_EXPLAIN,
	WBCMD_LESSON,
	WBCMD_HELP,
	WBCMD_QUIT,
	WBCMD_COUNT
};

/* Where a command works. */
#define WBCMD_F_ANYTIME	0x01	/* the front-end runs it, connected or not */
#define WBCMD_F_REPLAY	0x02	/* in mailbench replay too (no server) */
#define WBCMD_F_SESSION	0x04	/* the session engine runs it: needs a
				 * connection ("not connected" without) */

struct wbcmd {
	enum wbcmd_id	 id;
	const char	*name;		/* "/auth" */
	const char	*alias;		/* another spelling ("/save!"), or NULL */
	const char	*args;		/* "MECH [USER]", "" for none */
	const char	*help;		/* one line: what it does */
	unsigned	 flags;		/* WBCMD_F_* */
};

/* The commands, WBCMD_COUNT of them, in /help's order (table[i].id == i). */
const struct wbcmd	*wbcmd_table(void);
/* The command a typed line starts with, as the driver reads it: the first
 * word (up to a space) is a name or alias in any case; *rest_r points
 * after the word. NULL when the line names none. */
const struct wbcmd	*wbcmd_find(const char *line, size_t len,
			    const char **rest_r);
/* The command whose name (not alias) the line's first word is exactly,
 * case and all (the screen's own keys and hints), or NULL. */
const struct wbcmd	*wbcmd_named(const char *line, size_t len);
/* The names, NULL-terminated, for Tab completion. */
const char *const	*wbcmd_names(void);
/* "/auth MECH [USER]": the name and its arguments, in out (size outsz). */
void			 wbcmd_synopsis(const struct wbcmd *, char *out,
			    size_t outsz);

#endif
