/* SPDX-License-Identifier: MIT */
/* The workbench's private header: struct screen, its dirty flags and
 * prompts, and the functions its files (screen*.c, status.c, prompt.c,
 * lesson-panel.c) share; nothing outside ui/ includes it. */
#ifndef UI_SCREEN_INT_H
#define UI_SCREEN_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "front/options.h"
#include "ui/layout.h"

struct composer;		/* ui/pane-composer.h */
struct driver;			/* front/driver.h */
struct driver_status;
struct history;			/* front/history.h */
struct loop;			/* net/loop.h */
struct loop_timer;
struct mailbox_entry;		/* proto/mailbox.h */
struct pane_mailbox;		/* ui/pane-mailbox.h */
struct pane_message;		/* ui/pane-message.h */
struct pane_transcript;		/* ui/pane-transcript.h */
struct replay;			/* front/replay.h */
struct screen_lab;		/* ui/screen.h */
struct session_facts;		/* proto/facts.h */
struct store;			/* front/store.h */

#define QUIT_WAIT_MS	3000	/* how long QUIT may take before we go */
#define SYNC_EVERY_MS	100	/* mailbox re-sync while /load runs */
#define BENCH_MAX	100000	/* --bench: keystrokes timed at most */

/* What the next redraw draws (tmux's redraw flags): handlers only mark. */
enum dirty {
	D_STATUS	= 1 << 0,
	D_TRANSCRIPT	= 1 << 1,
	D_MAILBOX	= 1 << 2,
	D_MESSAGE	= 1 << 3,
	D_COMPOSER	= 1 << 4,
	D_HINT		= 1 << 5,
	D_HELP		= 1 << 6,
	D_LAYOUT	= 1 << 7,	/* windows must be made again */
	D_ALL		= 0xff,
};

/* The question the composer line asks instead of taking a command. */
enum prompt {
	PROMPT_NONE,
	PROMPT_SEARCH,		/* text: what to look for */
	PROMPT_SAVE,		/* text: path for the part/message */
	PROMPT_OVERWRITE,	/* y/n: the file exists */
	PROMPT_QUIT,		/* y/n/Esc: deletions pending, leaving */
	PROMPT_QUIT_CMD,	/* y/n: a typed QUIT with deletions pending */
	PROMPT_CONNECT,		/* y/n/Esc: /connect with deletions pending */
};

/* The workbench: one per run (screen_new .. screen_free). */
struct screen {
	struct options		 opts;
	SCREEN			*term;
	struct loop		*loop;
	struct driver		*drv;
	const struct screen_lab	*lab;		/* --lab: main.c's lab, or NULL */
	struct store		*store;
	struct pane_transcript	*pt;
	struct pane_mailbox	*pm;
	struct pane_message	*pmsg;
	struct composer		*comp;
	struct composer		*pcomp;		/* prompts */
	struct history		*hist;
	struct layout		 lay;
	WINDOW			*win[LAYOUT_PANE_COUNT];
	WINDOW			*wstatus, *whint, *whelp;
	enum layout_pane	 focus, zoom;
	unsigned		 dirty;
	bool			 help;
	int			 help_scroll;
	bool			 mouse;

	enum prompt		 prompt;
	char			 search[256];
	struct buf		 save_data;
	char			 save_dir[1024], save_name[256];
	char			*quit_line;	/* the typed QUIT, kept */
	char			*connect_line;	/* /connect after QUIT */
	bool			 empty_armed;	/* Enter on an empty line once */
	struct loop_timer	*connect_timer;

	char			 notice[512];
	enum layout_role	 notice_role;
	char			 matches[256];

	char			 proto_name[8];
	bool			 was_connected;
	uint64_t		 session_id;	/* the driver's, last seen */

	/* /lesson: the panel carved out of the transcript, and the step the
	 * composer was last pre-filled for */
	struct layout_rect	 lesson_rect;
	WINDOW			*wlesson;
	bool			 lesson_shown;
	unsigned		 lesson_gen;
	bool			 projector;	/* F2, --projector */

	/* mailbench replay FILE: a saved transcript stepped into the driver */
	struct replay		*replay;
	const char		*replay_name;

	bool			 mailbox_changed;
	double			 last_sync_ms;
	struct loop_timer	*sync_timer;
	uint64_t		 want_open;	/* open when it arrives */
	bool			 want_header;	/* a TOP preview is enough */
	uint64_t		 shown_number;	/* the stored message shown, and */
	uint64_t		 shown_ref;	/* its mailbox_entry.stored */

	bool			 quitting;
	struct loop_timer	*quit_timer;
	int			 exit_code;

	/* From the command line, for screen_run */
	const char		*target;	/* the URL to connect to */
	const char		*lesson_name;	/* --lesson NAME|FILE */

	/* --bench: keystroke-to-redraw times */
	bool			 bench;
	double			*bench_ms;
	int			*bench_key;
	size_t			 bench_n;
	double			 key_t0;
	int			 key_last;
};

/* screen.c: helpers every piece uses */

/* Mark parts of the screen to draw again at the next redraw. */
void		 screen_mark(struct screen *, unsigned);
/* Show a one-line notice in the hint line, in role's colour; cut to the
 * screen's width. */
void		 screen_notice(struct screen *, enum layout_role, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
/* The driver's status, or NULL before the driver exists. */
const struct driver_status *screen_status(const struct screen *);
/* DELE marks pending in the open session (0 when not connected). */
size_t		 screen_pending_deletions(const struct screen *);
/* Is a session open? */
bool		 screen_connected(const struct screen *);
/* The guided /send question being asked, or NULL. */
const char	*screen_send_prompt(const struct screen *);
/* Fill f with what the session knows now and return it, or NULL when no
 * session is open. */
const struct session_facts *screen_facts(struct screen *,
		    struct session_facts *f);
/* Does a typed line carry a secret (not echoed, not kept in history)?
 * *keep_r: how many bytes of it may be shown. */
bool		 screen_line_is_secret(struct screen *, const char *, size_t,
		    size_t *keep_r);
/* The protocol of the open session (enum reply_proto), or -1. */
int		 screen_proto_now(struct screen *);
/* The pane's reader of long bodies kept on disk by the driver. */
ssize_t		 screen_kept_read(void *, uint64_t, void *, size_t);
/* Open stored message n (entry e) in the message pane from the driver's
 * spool; false when it is not stored or cannot be read back. */
bool		 screen_open_stored(struct screen *, uint64_t,
		    const struct mailbox_entry *);
/* The terminal changed size (SIGWINCH or KEY_RESIZE): draw it all. */
void		 screen_on_winch(void *);

/* screen-windows.c */

/* The layout the screen has now (zoom, panes shown), computed at once. */
void		 screen_windows_layout(struct screen *, struct layout *);
/* Compute the layout and make every window again; marks all dirty. */
void		 screen_windows_make(struct screen *);
/* Delete every window (NULL ones too). */
void		 screen_windows_free(struct screen *);

/* screen-leave.c */

/* Leave the workbench: QUIT first when send_quit and a session is open
 * (unless the line would be taken as text), else close and stop. */
void		 screen_leave(struct screen *, bool send_quit);
/* Leave, asking first when DELE marks are pending. */
void		 screen_leave_ask_quit(struct screen *);
/* /connect (line) from an open session with DELE marks pending: ask
 * whether to QUIT first. */
void		 screen_leave_ask_connect(struct screen *, const char *,
		    size_t);
/* Timer: QUIT took too long, stop the loop. */
void		 screen_leave_quit_timer(void *);
/* Timer: run the /connect kept by screen_leave_ask_connect. */
void		 screen_leave_connect_timer(void *);

/* lesson-panel.c */

/* Carve the lesson panel (when a lesson runs) out of the transcript's
 * rectangle t into s->lesson_rect. */
void		 lesson_panel_carve(struct screen *, struct layout_rect *t);
/* Draw the lesson panel: the step, its text, the feedback. */
void		 lesson_panel_draw(struct screen *);
/* On a new lesson step, pre-fill an empty composer with its command. */
void		 lesson_panel_prefill(struct screen *);

/* status.c */

/* Draw the status bar. */
void		 status_draw(struct screen *);
/* Draw the hint line: a notice, the prompt's help, or what the typed
 * line means and what the session expects. */
void		 status_draw_hint(struct screen *);

/* prompt.c */

/* Draw the composer line with its prompt; the cursor ends there. */
void		 prompt_draw(struct screen *);
/* A key while a prompt (y/n or text) is open; false when none is. */
bool		 prompt_key(struct screen *, int);
/* Find the last search again (dir -1 older, 1 newer), or open the search
 * prompt when there is none. */
void		 prompt_search(struct screen *, int dir);

/* screen-save.c */

/* Propose a path for saving the shown part (whole: the message) and open
 * the save prompt; a notice when there is nothing to save. */
void		 screen_save_start(struct screen *, bool whole);
/* Write the file at s->save_dir/s->save_name; asks before replacing one
 * unless overwrite. */
void		 screen_save_write(struct screen *, bool overwrite);
/* The save prompt's path was entered: split it and save. */
void		 screen_save_path_entered(struct screen *);

/* screen-submit.c */

/* Run a line: the screen's own / commands, a QUIT with deletions pending
 * asked first, the rest to the driver; typed lines go to history. */
void		 screen_submit_line(struct screen *, const char *, size_t,
		    bool typed);
/* Enter on the composer: submit its line (an empty one only on a second
 * Enter). */
void		 screen_submit_composer(struct screen *);
/* Tab on the composer: complete the word, list the candidates. */
void		 screen_submit_complete(struct screen *);

/* screen-keys.c */

/* The loop's stdin watcher: read keys and handle each. */
void		 screen_keys_on_stdin(int, short, void *);

/* screen-replay.c */

/* Step the replay to event target (back: replayed afresh). */
void		 screen_replay_to(struct screen *, size_t target);
/* A replay key (composer focused and empty); false when it was not one. */
bool		 screen_replay_key(struct screen *, int);

/* screen-bench.c */

/* --bench: fill the transcript and the mailbox with generated lines. */
void		 screen_bench_fill(struct screen *);
/* --bench: write the keystroke-to-redraw times to $MAILBENCH_BENCH_LOG. */
void		 screen_bench_report(struct screen *);

#endif
