/* SPDX-License-Identifier: MIT */
/* Key bindings: a key code in a context maps to one enum action, from one
 * table that the help screen lists. */
#ifndef UI_KEYS_H
#define UI_KEYS_H

#include <stddef.h>

#include "front/action.h"

/* Key codes: a character is its code point; a curses function key is
 * KEYS_FN | KEY_xxx; Alt+key (ESC then key) is KEYS_META | key. */
#define KEYS_FN		0x20000000
#define KEYS_META	0x40000000
#define KEYS_CTRL(c)	((c) & 0x1f)

enum keys_ctx {
	KEYS_GLOBAL,		/* anywhere */
	KEYS_COMPOSER,
	KEYS_TRANSCRIPT,
	KEYS_MAILBOX,
	KEYS_MESSAGE,
	KEYS_CTX_COUNT
};

/* Find the terminal's codes for Ctrl-Left/Right and the like (after
 * initscr). */
void		 keys_init(void);
/* The action for key in ctx (the context's own table first, then the
 * global one); ACT_NONE when unbound. */
enum action	 keys_lookup(enum keys_ctx, int key);
/* Human name of a key ("Ctrl-F", "PgUp", "F1", "Alt-b") into buf. */
const char	*keys_name(int key, char *buf, size_t size);
/* Walk the table: the i-th binding (0..) into ctx/key/action; 0 past the
 * end, else 1. */
int		 keys_binding(size_t i, enum keys_ctx *ctx_r, int *key_r,
		    enum action *action_r);
/* Name of a context ("composer") and help text of an action. */
const char	*keys_ctx_name(enum keys_ctx);
const char	*keys_action_help(enum action);

#endif
