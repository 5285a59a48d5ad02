/* SPDX-License-Identifier: MIT */
/* Everything a key can do on the screen, as one enum (tig's enum request):
 * the key table, the help screen and the panes share this vocabulary. */
#ifndef UI_ACTION_H
#define UI_ACTION_H

/* X(name, help text) */
#define ACTION_LIST(X)							\
	X(NONE,		"")						\
	X(QUIT,		"quit (asks first when deletions are pending)")	\
	X(HELP,		"show this help")				\
	X(FOCUS_NEXT,	"move focus to the next pane")			\
	X(FOCUS_PREV,	"move focus to the previous pane")		\
	X(FOCUS_COMPOSER, "back to the composer (closes help/prompts)")	\
	X(ZOOM,		"zoom the focused pane / unzoom")		\
	X(PROJECTOR,	"projector layout: transcript and lesson, "	\
			"meanings in bold, no mailbox; again: the "	\
			"usual layout")					\
	X(REDRAW,	"redraw the whole screen")			\
	X(SEARCH,	"search the transcript (case ignored)")	\
	X(SEARCH_NEXT,	"next search match (older)")			\
	X(SEARCH_PREV,	"previous search match (newer)")		\
	X(PAGE_UP,	"scroll up a page (the pane's height in rows)") \
	X(PAGE_DOWN,	"scroll down a page (the pane's height in rows)") \
	X(UP,		"move up a line")				\
	X(DOWN,		"move down a line")				\
	X(TOP,		"go to the first line")				\
	X(BOTTOM,	"go to the last line")				\
	X(LEFT,		"scroll left / previous")			\
	X(RIGHT,	"scroll right / next")				\
	X(FOLLOW,	"follow new transcript lines")			\
	X(EXPAND,	"expand/collapse TLS details; open message")	\
	X(PAIRS,	"show/hide command numbers pairing replies")	\
	X(TIMING,	"show/hide the separate timing lines")		\
	X(WRAP,		"wrap long lines / cut them (Left/Right scroll)") \
	X(LOAD,		"/load: fill the mailbox")			\
	X(MB_TOP,	"TOP-preview the selected message (10 lines)") \
	X(MB_RETR,	"RETR the selected message")			\
	X(MB_DELE,	"DELE the selected message")			\
	X(MB_RSET,	"RSET: unmark all deletions")			\
	X(MB_SORT,	"sort by number, date, size, sender")		\
	X(MB_REVERSE,	"reverse the sort order")			\
	X(MSG_HEADERS,	"all headers / the usual ones")			\
	X(MSG_RAW,	"decoded / raw source / side by side")		\
	X(MSG_PART_NEXT, "next MIME part")				\
	X(MSG_PART_PREV, "previous MIME part")				\
	X(MSG_SAVE_PART, "save the selected part to a file")		\
	X(MSG_SAVE_MSG,	"save the whole message to a file")		\
	X(ED_LEFT,	"cursor left")					\
	X(ED_RIGHT,	"cursor right")					\
	X(ED_HOME,	"start of line")				\
	X(ED_END,	"end of line")					\
	X(ED_WORD_LEFT,	"word left")					\
	X(ED_WORD_RIGHT, "word right")					\
	X(ED_BACKSPACE,	"delete before the cursor")			\
	X(ED_DELETE,	"delete under the cursor")			\
	X(ED_KILL_END,	"delete to end of line")			\
	X(ED_KILL_START, "delete to start of line")			\
	X(ED_KILL_WORD,	"delete the word before the cursor")		\
	X(ED_YANK,	"paste what was deleted last")			\
	X(ED_HIST_PREV,	"previous line from history")			\
	X(ED_HIST_NEXT,	"next line from history")			\
	X(ED_COMPLETE,	"complete a command or / command")		\
	X(ED_SUBMIT,	"send the line")				\
	X(ED_CANCEL,	"clear the line (Ctrl-C on an empty line quits)")

enum action {
#define ACTION_ENUM(n, h) ACT_##n,
	ACTION_LIST(ACTION_ENUM)
#undef ACTION_ENUM
	ACT_COUNT
};

#endif
