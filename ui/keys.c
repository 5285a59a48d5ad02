/* SPDX-License-Identifier: MIT */
/* The key table (tig's keymaps): context, key, action. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <term.h>

#include "ui/keys.h"

#define FN(k)	(KEYS_FN | (k))
#define META(k)	(KEYS_META | (k))
#define C(c)	KEYS_CTRL(c)

/* Filled by keys_init from terminfo; 0 when the terminal has none. */
static int key_ctrl_left, key_ctrl_right;

struct binding {
	enum keys_ctx	ctx;
	int		key;
	enum action	action;
};

static struct binding bindings[] = {
	{ KEYS_GLOBAL, FN(KEY_F(1)), ACT_HELP },
	{ KEYS_GLOBAL, C('q'), ACT_QUIT },
	{ KEYS_GLOBAL, FN(KEY_F(10)), ACT_QUIT },
	{ KEYS_GLOBAL, FN(KEY_BTAB), ACT_FOCUS_PREV },
	{ KEYS_GLOBAL, FN(KEY_F(6)), ACT_FOCUS_NEXT },
	{ KEYS_GLOBAL, C('o'), ACT_FOCUS_NEXT },
	{ KEYS_GLOBAL, FN(KEY_F(5)), ACT_ZOOM },
	{ KEYS_GLOBAL, FN(KEY_F(2)), ACT_PROJECTOR },
	{ KEYS_GLOBAL, C('l'), ACT_REDRAW },
	{ KEYS_GLOBAL, C('f'), ACT_SEARCH },
	{ KEYS_GLOBAL, FN(KEY_F(3)), ACT_SEARCH_NEXT },
	{ KEYS_GLOBAL, 27, ACT_FOCUS_COMPOSER },
	{ KEYS_GLOBAL, FN(KEY_PPAGE), ACT_PAGE_UP },
	{ KEYS_GLOBAL, FN(KEY_NPAGE), ACT_PAGE_DOWN },
	{ KEYS_GLOBAL, FN(KEY_F(9)), ACT_LOAD },

	{ KEYS_COMPOSER, FN(KEY_LEFT), ACT_ED_LEFT },
	{ KEYS_COMPOSER, C('b'), ACT_ED_LEFT },
	{ KEYS_COMPOSER, FN(KEY_RIGHT), ACT_ED_RIGHT },
	{ KEYS_COMPOSER, FN(KEY_HOME), ACT_ED_HOME },
	{ KEYS_COMPOSER, C('a'), ACT_ED_HOME },
	{ KEYS_COMPOSER, FN(KEY_END), ACT_ED_END },
	{ KEYS_COMPOSER, C('e'), ACT_ED_END },
	{ KEYS_COMPOSER, META('b'), ACT_ED_WORD_LEFT },
	{ KEYS_COMPOSER, META('f'), ACT_ED_WORD_RIGHT },
	{ KEYS_COMPOSER, FN(KEY_BACKSPACE), ACT_ED_BACKSPACE },
	{ KEYS_COMPOSER, 127, ACT_ED_BACKSPACE },
	{ KEYS_COMPOSER, C('h'), ACT_ED_BACKSPACE },
	{ KEYS_COMPOSER, FN(KEY_DC), ACT_ED_DELETE },
	{ KEYS_COMPOSER, C('d'), ACT_ED_DELETE },
	{ KEYS_COMPOSER, C('k'), ACT_ED_KILL_END },
	{ KEYS_COMPOSER, C('u'), ACT_ED_KILL_START },
	{ KEYS_COMPOSER, C('w'), ACT_ED_KILL_WORD },
	{ KEYS_COMPOSER, META(127), ACT_ED_KILL_WORD },
	{ KEYS_COMPOSER, C('y'), ACT_ED_YANK },
	{ KEYS_COMPOSER, FN(KEY_UP), ACT_ED_HIST_PREV },
	{ KEYS_COMPOSER, C('p'), ACT_ED_HIST_PREV },
	{ KEYS_COMPOSER, FN(KEY_DOWN), ACT_ED_HIST_NEXT },
	{ KEYS_COMPOSER, C('n'), ACT_ED_HIST_NEXT },
	{ KEYS_COMPOSER, '\t', ACT_ED_COMPLETE },
	{ KEYS_COMPOSER, '\r', ACT_ED_SUBMIT },
	{ KEYS_COMPOSER, '\n', ACT_ED_SUBMIT },
	{ KEYS_COMPOSER, FN(KEY_ENTER), ACT_ED_SUBMIT },
	{ KEYS_COMPOSER, C('c'), ACT_ED_CANCEL },

	{ KEYS_TRANSCRIPT, FN(KEY_UP), ACT_UP },
	{ KEYS_TRANSCRIPT, 'k', ACT_UP },
	{ KEYS_TRANSCRIPT, FN(KEY_DOWN), ACT_DOWN },
	{ KEYS_TRANSCRIPT, 'j', ACT_DOWN },
	{ KEYS_TRANSCRIPT, FN(KEY_HOME), ACT_TOP },
	{ KEYS_TRANSCRIPT, 'g', ACT_TOP },
	{ KEYS_TRANSCRIPT, FN(KEY_END), ACT_BOTTOM },
	{ KEYS_TRANSCRIPT, 'G', ACT_BOTTOM },
	{ KEYS_TRANSCRIPT, FN(KEY_LEFT), ACT_LEFT },
	{ KEYS_TRANSCRIPT, FN(KEY_RIGHT), ACT_RIGHT },
	{ KEYS_TRANSCRIPT, 'f', ACT_FOLLOW },
	{ KEYS_TRANSCRIPT, '\r', ACT_EXPAND },
	{ KEYS_TRANSCRIPT, ' ', ACT_PAGE_DOWN },
	{ KEYS_TRANSCRIPT, '#', ACT_PAIRS },
	{ KEYS_TRANSCRIPT, 'T', ACT_TIMING },
	{ KEYS_TRANSCRIPT, 'w', ACT_WRAP },
	{ KEYS_TRANSCRIPT, '/', ACT_SEARCH },
	{ KEYS_TRANSCRIPT, 'n', ACT_SEARCH_NEXT },
	{ KEYS_TRANSCRIPT, 'N', ACT_SEARCH_PREV },
	{ KEYS_TRANSCRIPT, 'z', ACT_ZOOM },
	{ KEYS_TRANSCRIPT, '\t', ACT_FOCUS_NEXT },
	{ KEYS_TRANSCRIPT, 'q', ACT_FOCUS_COMPOSER },
	{ KEYS_TRANSCRIPT, '?', ACT_HELP },

	{ KEYS_MAILBOX, FN(KEY_UP), ACT_UP },
	{ KEYS_MAILBOX, 'k', ACT_UP },
	{ KEYS_MAILBOX, FN(KEY_DOWN), ACT_DOWN },
	{ KEYS_MAILBOX, 'j', ACT_DOWN },
	{ KEYS_MAILBOX, FN(KEY_HOME), ACT_TOP },
	{ KEYS_MAILBOX, 'g', ACT_TOP },
	{ KEYS_MAILBOX, FN(KEY_END), ACT_BOTTOM },
	{ KEYS_MAILBOX, 'G', ACT_BOTTOM },
	{ KEYS_MAILBOX, '\r', ACT_EXPAND },
	{ KEYS_MAILBOX, 't', ACT_MB_TOP },
	{ KEYS_MAILBOX, 'r', ACT_MB_RETR },
	{ KEYS_MAILBOX, 'd', ACT_MB_DELE },
	{ KEYS_MAILBOX, FN(KEY_DC), ACT_MB_DELE },
	{ KEYS_MAILBOX, 'u', ACT_MB_RSET },
	{ KEYS_MAILBOX, 's', ACT_MB_SORT },
	{ KEYS_MAILBOX, 'S', ACT_MB_REVERSE },
	{ KEYS_MAILBOX, 'l', ACT_LOAD },
	{ KEYS_MAILBOX, 'z', ACT_ZOOM },
	{ KEYS_MAILBOX, '\t', ACT_FOCUS_NEXT },
	{ KEYS_MAILBOX, 'q', ACT_FOCUS_COMPOSER },
	{ KEYS_MAILBOX, '?', ACT_HELP },

	{ KEYS_MESSAGE, FN(KEY_UP), ACT_UP },
	{ KEYS_MESSAGE, 'k', ACT_UP },
	{ KEYS_MESSAGE, FN(KEY_DOWN), ACT_DOWN },
	{ KEYS_MESSAGE, 'j', ACT_DOWN },
	{ KEYS_MESSAGE, ' ', ACT_PAGE_DOWN },
	{ KEYS_MESSAGE, FN(KEY_HOME), ACT_TOP },
	{ KEYS_MESSAGE, 'g', ACT_TOP },
	{ KEYS_MESSAGE, FN(KEY_END), ACT_BOTTOM },
	{ KEYS_MESSAGE, 'G', ACT_BOTTOM },
	{ KEYS_MESSAGE, 'h', ACT_MSG_HEADERS },
	{ KEYS_MESSAGE, 'v', ACT_MSG_RAW },
	{ KEYS_MESSAGE, ']', ACT_MSG_PART_NEXT },
	{ KEYS_MESSAGE, FN(KEY_RIGHT), ACT_MSG_PART_NEXT },
	{ KEYS_MESSAGE, '[', ACT_MSG_PART_PREV },
	{ KEYS_MESSAGE, FN(KEY_LEFT), ACT_MSG_PART_PREV },
	{ KEYS_MESSAGE, 'w', ACT_MSG_SAVE_PART },
	{ KEYS_MESSAGE, 'W', ACT_MSG_SAVE_MSG },
	{ KEYS_MESSAGE, 'z', ACT_ZOOM },
	{ KEYS_MESSAGE, '\t', ACT_FOCUS_NEXT },
	{ KEYS_MESSAGE, 'q', ACT_FOCUS_COMPOSER },
	{ KEYS_MESSAGE, '?', ACT_HELP },
	/* Filled in by keys_init when the terminal knows them. */
	{ KEYS_COMPOSER, -1, ACT_ED_WORD_LEFT },
	{ KEYS_COMPOSER, -1, ACT_ED_WORD_RIGHT },
};

#define NBINDINGS (sizeof(bindings) / sizeof(bindings[0]))

/* ncurses names the modified cursor keys kLFT5/kRIT5 (xterm); their codes
 * are assigned at run time. */
static int
extended_key(const char *name)
{
	char *s = tigetstr(name);

	if (s == NULL || s == (char *)-1)
		return 0;
	return key_defined(s) > 0 ? key_defined(s) : 0;
}

void
keys_init(void)
{
	key_ctrl_left = extended_key("kLFT5");
	key_ctrl_right = extended_key("kRIT5");
	if (key_ctrl_left > 0)
		bindings[NBINDINGS - 2].key = FN(key_ctrl_left);
	if (key_ctrl_right > 0)
		bindings[NBINDINGS - 1].key = FN(key_ctrl_right);
}

enum action
keys_lookup(enum keys_ctx ctx, int key)
{
	size_t i;

	for (i = 0; i < NBINDINGS; i++)
		if (bindings[i].ctx == ctx && bindings[i].key == key)
			return bindings[i].action;
	if (ctx != KEYS_GLOBAL)
		for (i = 0; i < NBINDINGS; i++)
			if (bindings[i].ctx == KEYS_GLOBAL &&
			    bindings[i].key == key)
				return bindings[i].action;
	return ACT_NONE;
}

const char *
keys_name(int key, char *buf, size_t size)
{
	int k = key & ~(KEYS_FN | KEYS_META);

	if (key & KEYS_META) {
		snprintf(buf, size, "Alt-%s", k == 127 ? "Backspace" :
		    (char[]){ (char)k, '\0' });
		return buf;
	}
	if (key & KEYS_FN) {
		if (k >= KEY_F(1) && k <= KEY_F(12)) {
			snprintf(buf, size, "F%d", k - KEY_F0);
			return buf;
		}
		if (k == key_ctrl_left && k != 0)
			return snprintf(buf, size, "Ctrl-Left"), buf;
		if (k == key_ctrl_right && k != 0)
			return snprintf(buf, size, "Ctrl-Right"), buf;
		switch (k) {
		case KEY_UP: snprintf(buf, size, "Up"); break;
		case KEY_DOWN: snprintf(buf, size, "Down"); break;
		case KEY_LEFT: snprintf(buf, size, "Left"); break;
		case KEY_RIGHT: snprintf(buf, size, "Right"); break;
		case KEY_HOME: snprintf(buf, size, "Home"); break;
		case KEY_END: snprintf(buf, size, "End"); break;
		case KEY_PPAGE: snprintf(buf, size, "PgUp"); break;
		case KEY_NPAGE: snprintf(buf, size, "PgDn"); break;
		case KEY_DC: snprintf(buf, size, "Delete"); break;
		case KEY_BACKSPACE: snprintf(buf, size, "Backspace"); break;
		case KEY_BTAB: snprintf(buf, size, "Shift-Tab"); break;
		case KEY_ENTER: snprintf(buf, size, "Enter"); break;
		default: snprintf(buf, size, "key-%d", k); break;
		}
		return buf;
	}
	switch (key) {
	case '\t': snprintf(buf, size, "Tab"); break;
	case '\r': case '\n': snprintf(buf, size, "Enter"); break;
	case 27: snprintf(buf, size, "Esc"); break;
	case 127: snprintf(buf, size, "Backspace"); break;
	case ' ': snprintf(buf, size, "Space"); break;
	default:
		if (key > 0 && key < 32)
			snprintf(buf, size, "Ctrl-%c", key + 'A' - 1);
		else
			snprintf(buf, size, "%lc", (wint_t)key);
	}
	return buf;
}

int
keys_binding(size_t i, enum keys_ctx *ctx_r, int *key_r,
    enum action *action_r)
{
	if (i >= NBINDINGS)
		return 0;
	*ctx_r = bindings[i].ctx;
	*key_r = bindings[i].key;
	*action_r = bindings[i].action;
	return 1;
}

const char *
keys_ctx_name(enum keys_ctx ctx)
{
	static const char *names[KEYS_CTX_COUNT] = {
		"anywhere", "composer", "transcript pane", "mailbox pane",
		"message pane",
	};

	return ctx < KEYS_CTX_COUNT ? names[ctx] : "?";
}

const char *
keys_action_help(enum action a)
{
	static const char *help[ACT_COUNT] = {
#define ACTION_HELP(n, h) h,
		ACTION_LIST(ACTION_HELP)
#undef ACTION_HELP
	};

	return a < ACT_COUNT ? help[a] : "";
}
