/* SPDX-License-Identifier: MIT */
/* The full-screen workbench: owns curses, the windows and the focus; maps
 * keys to actions and actions to driver calls; redraws dirty panes once
 * per loop pass (wnoutrefresh each, doupdate once). Draws only what the
 * driver reports; protocol knowledge stays in proto/. */
#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "net/loop.h"
#include "proto/caps.h"
#include "proto/command.h"
#include "proto/hint.h"
#include "proto/lesson.h"
#include "proto/mailbox.h"
#include "proto/session.h"
#include "base/util.h"
#include "front/driver.h"
#include "ui/help.h"
#include "front/lesson-run.h"
#include "front/history.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "front/options.h"
#include "ui/pane-composer.h"
#include "ui/pane-mailbox.h"
#include "ui/pane-message.h"
#include "ui/pane-transcript.h"
#include "front/replay.h"
#include "front/savefile.h"
#include "front/store.h"
#include "front/url.h"
#include "front/wbcmd.h"
#include "ui/screen.h"
#include "ui/width.h"
#include "version.h"

#define QUIT_WAIT_MS	3000	/* how long QUIT may take before we go */
#define SYNC_EVERY_MS	100	/* mailbox re-sync while /load runs */
#define BENCH_MAX	100000

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

enum prompt {
	PROMPT_NONE,
	PROMPT_SEARCH,		/* text: what to look for */
	PROMPT_SAVE,		/* text: path for the part/message */
	PROMPT_OVERWRITE,	/* y/n: the file exists */
	PROMPT_QUIT,		/* y/n/Esc: deletions pending, leaving */
	PROMPT_QUIT_CMD,	/* y/n: a typed QUIT with deletions pending */
	PROMPT_CONNECT,		/* y/n/Esc: /connect with deletions pending */
};

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

static struct screen *the_screen;	/* for the fatal hook */

static void	redraw(void *);
static void	relayout(struct screen *);
static void	submit_line(struct screen *, const char *, size_t, bool);
static void	lesson_prefill(struct screen *);

static void
fatal_hook(void)
{
	if (!isendwin())
		endwin();
}

static void
mark(struct screen *s, unsigned d)
{
	s->dirty |= d;
}

static void
notice(struct screen *s, enum layout_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
notice(struct screen *s, enum layout_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->notice, sizeof(s->notice), fmt, ap);
	va_end(ap);
	width_trim(s->notice);		/* a long file name may be cut */
	s->notice_role = role;
	mark(s, D_HINT);
}

/* A "* " line of our own (never peer bytes) in the transcript. */
static void
ui_event(struct screen *s, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ui_event(struct screen *s, unsigned flags, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	width_trim(b);
	pane_transcript_append(s->pt, DRIVER_LINE_EVENT, flags, 0, b,
	    strlen(b));
	mark(s, D_TRANSCRIPT);
}

static const struct driver_status *
status(const struct screen *s)
{
	return s->drv != NULL ? driver_status(s->drv) : NULL;
}

static size_t
pending_deletions(const struct screen *s)
{
	const struct driver_status *st = status(s);

	return st != NULL && st->connected ? st->pending_deletions : 0;
}

static bool
connected(const struct screen *s)
{
	const struct driver_status *st = status(s);

	return st != NULL && st->connected;
}

/* The guided /send question being asked, or NULL. */
static const char *
send_prompt(const struct screen *s)
{
	struct session *sess = s->drv ? driver_session(s->drv) : NULL;
	const char *pr = NULL;

	if (sess == NULL || !connected(s) || !session_prompting(sess, &pr))
		return NULL;
	return pr != NULL ? pr : "answer";
}

/* ---- driver callbacks ---------------------------------------------- */

/* A long body's lines are read back from the transcript the driver keeps
 * on disk (the pane folds them). */
static ssize_t
kept_read(void *arg, uint64_t off, void *p, size_t len)
{
	struct screen *s = arg;

	return s->drv != NULL ? driver_transcript_read(s->drv, off, p, len) :
	    -1;
}

static void
on_line(void *arg, const struct driver_line *l)
{
	struct screen *s = arg;
	size_t i;

	i = pane_transcript_append_kept(s->pt, l->kind, l->flags, l->seq,
	    l->text, l->len, l->kept_off);
	/* A replay has no clock: the pane would time a replayed reply
	 * against its command, microseconds apart. The file's own timing
	 * lines (batch --timing) are shown as they were (front/replay.c). */
	if (s->replay != NULL && i < store_count(s->store))
		store_at(s->store, i)->dt_us = 0;
	mark(s, D_TRANSCRIPT | D_HINT);
	lesson_prefill(s);
}

/* What the session knows now (the engine's facts, proto/facts.h), or NULL
 * when no session is open: the hint line reads nothing else. */
static const struct session_facts *
facts(struct screen *s, struct session_facts *f)
{
	struct session *sess = s->drv != NULL ? driver_session(s->drv) : NULL;

	if (sess == NULL || !s->was_connected)
		return NULL;
	session_facts(sess, f);
	return f;
}

/* Does a typed line carry a secret (not echoed, not kept in history)?
 * The engine's one classifier decides (proto/command.h). */
static bool
line_is_secret(struct screen *s, const char *line, size_t len,
    size_t *keep_r)
{
	struct session_facts f;

	*keep_r = 0;
	if (facts(s, &f) == NULL)
		return false;
	return command_is_secret(f.proto, f.sasl_open, line, len, keep_r);
}

/* The protocol of the open session, or -1. */
static int
session_proto_now(struct screen *s)
{
	struct session_facts f;

	return facts(s, &f) != NULL ? (int)f.proto : -1;
}

static void
apply_secret_mode(struct screen *s)
{
	const struct driver_status *st = status(s);
	bool want = st != NULL && st->secret_wanted;

	if (want != composer_secret(s->comp)) {
		composer_set_secret(s->comp, want);
		if (want) {
			s->focus = LAYOUT_COMPOSER;
			mark(s, D_ALL & ~D_LAYOUT);
		}
	}
}

static void
on_status(void *arg, const struct driver_status *st)
{
	struct screen *s = arg;

	if (st->connected && (!s->was_connected ||
	    st->session_id != s->session_id)) {
		/* A new session (also a /connect that left a live one):
		 * the history follows it. */
		s->session_id = st->session_id;
		snprintf(s->proto_name, sizeof(s->proto_name), "%s",
		    st->proto != NULL && strcmp(st->proto, "POP3") == 0 ?
		    "pop3" : st->proto != NULL && strcmp(st->proto, "SMTP") ==
		    0 ? "smtp" : "none");
		history_switch(s->hist, s->proto_name);
		composer_set_history(s->comp, s->hist);
	}
	s->was_connected = st->connected;
	lesson_prefill(s);
	apply_secret_mode(s);
	if (st->busy && st->progress_total > 0)
		mark(s, D_MAILBOX);
	mark(s, D_STATUS | D_HINT | D_COMPOSER);
}

/* The stored message the pane shows is read through the driver. */
static ssize_t
stored_read(void *arg, uint64_t off, void *p, size_t len)
{
	struct screen *s = arg;
	const struct mailbox *mb = s->drv ? driver_mailbox(s->drv) : NULL;
	const struct mailbox_entry *e;

	if (mb == NULL || (e = mailbox_find(mb, s->shown_number)) == NULL ||
	    e->stored != s->shown_ref)
		return -1;
	return driver_message_read(s->drv, e, off, p, len);
}

/* Open a retrieved message: read back from the driver's spool, where it
 * went line by line as it arrived (the mailbox table holds no body; a
 * large message is never read whole). */
static bool
open_stored(struct screen *s, uint64_t n, const struct mailbox_entry *e)
{
	struct partio_src src;

	if (e == NULL || e->stored == 0 || s->drv == NULL)
		return false;
	s->shown_number = n;
	s->shown_ref = e->stored;
	src.read = stored_read;
	src.arg = s;
	src.len = e->message_len;
	if (pane_message_open_source(s->pmsg, n, &src) == -1) {
		notice(s, ROLE_WARNING, "message %llu could not be read back "
		    "from its temporary file", (unsigned long long)n);
		return false;
	}
	return true;
}

static void
sync_mailbox(struct screen *s)
{
	const struct mailbox *mb = s->drv ? driver_mailbox(s->drv) : NULL;
	const struct mailbox_entry *e;
	bool had = pane_mailbox_count(s->pm) > 0;
	uint64_t r;

	s->mailbox_changed = false;
	s->last_sync_ms = loop_now_ms();
	/* Even when no row changed (a TOP of a message whose header the
	 * list already had), a message asked for may have arrived. */
	if (pane_mailbox_sync(s->pm, mb)) {
		mark(s, D_MAILBOX | D_STATUS);
		/* The pane's height follows whether it is empty. */
		if (had != (pane_mailbox_count(s->pm) > 0))
			mark(s, D_LAYOUT);
	} else if (s->want_open == 0) {
		return;
	}
	r = pane_mailbox_take_retrieved(s->pm);
	if (s->want_open != 0 && mb != NULL &&
	    (e = mailbox_find(mb, s->want_open)) != NULL &&
	    (e->stored != 0 || (s->want_header && e->header != NULL))) {
		bool full = open_stored(s, s->want_open, e);

		if (!full)
			pane_message_open(s->pmsg, s->want_open, e->header,
			    e->header_len, false);
		if (!full && e->preview != NULL)
			pane_message_preview(s->pmsg, e->preview,
			    e->preview_len, e->preview_lines);
		pane_mailbox_select(s->pm, s->want_open);
		s->want_open = 0;
		mark(s, D_LAYOUT);
	} else if (r != 0 && mb != NULL && (e = mailbox_find(mb, r)) != NULL &&
	    e->stored != 0) {
		/* A RETR typed by hand opens what it fetched. */
		open_stored(s, r, e);
		pane_mailbox_select(s->pm, r);
		mark(s, D_LAYOUT);
	}
}

static void
on_sync_timer(void *arg)
{
	struct screen *s = arg;

	if (s->mailbox_changed)
		sync_mailbox(s);
}

static void
on_mailbox(void *arg)
{
	struct screen *s = arg;

	s->mailbox_changed = true;
	/* While /load pours in replies, decode at most every 100 ms so the
	 * screen stays responsive; the timer catches the last change. */
	if (loop_now_ms() - s->last_sync_ms >= SYNC_EVERY_MS)
		sync_mailbox(s);
	else if (!loop_timer_armed(s->sync_timer))
		loop_timer_reset(s->sync_timer, SYNC_EVERY_MS);
}

static void
on_closed(void *arg, int exit_code, const char *why)
{
	struct screen *s = arg;

	s->exit_code = exit_code;
	s->was_connected = false;
	composer_set_secret(s->comp, false);
	notice(s, exit_code == 3 ? ROLE_WARNING : ROLE_HINT,
	    "session closed: %s", why != NULL ? why : "");
	if (s->quitting)
		loop_break(s->loop);
	else if (s->connect_line != NULL) {
		pane_message_close(s->pmsg);
		s->want_open = 0;
		loop_timer_reset(s->connect_timer, 0);
		mark(s, D_LAYOUT);
	}
	mark(s, D_ALL & ~D_LAYOUT);
}

static const struct driver_ops screen_ops = {
	.line = on_line,
	.status = on_status,
	.mailbox = on_mailbox,
	.closed = on_closed,
};

/* ---- quitting ---------------------------------------------------------- */

static void
on_quit_timer(void *arg)
{
	struct screen *s = arg;

	loop_break(s->loop);
}

/* Leave: politely QUIT when nothing would be deleted, else as chosen. */
static void
leave(struct screen *s, bool send_quit)
{
	const struct driver_status *st = status(s);

	s->quitting = true;
	/* In message mode or at a secret prompt, "QUIT" would be taken as
	 * message text or as the secret: close instead. */
	if (st != NULL && (st->message_mode || st->secret_wanted))
		send_quit = false;
	if (s->replay != NULL) {
		loop_break(s->loop);
		return;
	}
	if (connected(s) && send_quit) {
		driver_submit(s->drv, "QUIT", 4);
		loop_timer_reset(s->quit_timer, QUIT_WAIT_MS);
		notice(s, ROLE_HINT, "QUIT sent; leaving when the server "
		    "answers");
		return;
	}
	/* With marks pending, the driver adds that the server keeps them. */
	if (connected(s))
		driver_close(s->drv, "closed without QUIT");
	loop_break(s->loop);
}

/* The /connect asked for with "y" once QUIT was answered; from a timer,
 * not from inside the driver's close callback. */
static void
on_connect_timer(void *arg)
{
	struct screen *s = arg;
	char *line = s->connect_line;

	s->connect_line = NULL;
	if (line == NULL || s->quitting)
		return;
	s->notice[0] = '\0';
	if (s->drv != NULL)
		driver_submit(s->drv, line, strlen(line));
	free(line);
	mark(s, D_ALL);
}

/* /connect leaves this session: with DELE marks pending, ask first
 * (SPEC: every way out asks), as QUIT does. */
static void
ask_connect(struct screen *s, const char *line, size_t len)
{
	size_t n = pending_deletions(s);

	free(s->connect_line);
	s->connect_line = xstrndup(line, len);
	s->prompt = PROMPT_CONNECT;
	notice(s, ROLE_WARNING, "%zu message%s marked for deletion.  y: QUIT "
	    "first (deletions become PERMANENT), then connect  n: connect "
	    "without QUIT (the server keeps them)  Esc: stay", n,
	    n == 1 ? "" : "s");
}

static void
ask_quit(struct screen *s)
{
	size_t n = pending_deletions(s);

	/* A replay has no server: nothing to QUIT, nothing to lose. */
	if (n == 0 || s->replay != NULL) {
		leave(s, true);
		return;
	}
	s->prompt = PROMPT_QUIT;
	notice(s, ROLE_WARNING, "%zu message%s marked for deletion: QUIT makes "
	    "%s PERMANENT.  y: QUIT (delete)  n: leave without QUIT (keep "
	    "all)  Esc: stay", n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
}

/* ---- layout and drawing ---------------------------------------------- */

static void
free_windows(struct screen *s)
{
	int i;

	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		if (s->win[i] != NULL)
			delwin(s->win[i]);
		s->win[i] = NULL;
	}
	if (s->wlesson)
		delwin(s->wlesson);
	s->wlesson = NULL;
	if (s->wstatus)
		delwin(s->wstatus);
	if (s->whint)
		delwin(s->whint);
	if (s->whelp)
		delwin(s->whelp);
	s->wstatus = s->whint = s->whelp = NULL;
}

static WINDOW *
make_win(const struct layout_rect *r)
{
	WINDOW *w;

	if (r->h <= 0 || r->w <= 0)
		return NULL;
	w = newwin(r->h, r->w, r->y, r->x);
	if (w != NULL) {
		keypad(w, TRUE);
		leaveok(w, TRUE);
	}
	return w;
}

/* A lesson's panel is carved out of the transcript (layout_lesson). */
static void
lesson_carve(struct screen *s, struct layout_rect *t)
{
	s->lesson_rect = (struct layout_rect){ 0, 0, 0, 0 };
	s->lesson_shown = s->drv != NULL && driver_lesson(s->drv) != NULL;
	if (s->lesson_shown)
		layout_lesson(t, s->projector, &s->lesson_rect);
}

/* Draw text wrapped at spaces into w from row *y, at most to row max. */
static void
lesson_wrap(WINDOW *w, int *y, int max, const char *text, unsigned long a)
{
	const char *p = text, *nl;
	size_t n, k, cols = (size_t)getmaxx(w) - 2, sp;

	while (text != NULL && *p != '\0' && *y < max) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		do {
			k = width_fit(p, n, cols, NULL);
			if (k < n) {
				for (sp = k; sp > 0 && p[sp] != ' '; sp--)
					;
				if (sp > 0)
					k = sp;
			}
			wmove(w, (*y)++, 1);
			width_draw(w, p, k, cols, a);
			while (k < n && p[k] == ' ')
				k++;
			p += k;
			n -= k;
		} while (n > 0 && *y < max);
		p = nl != NULL ? nl + 1 : p + n;
		if (nl == NULL)
			break;
	}
}

static void
draw_lesson(struct screen *s)
{
	const struct lesson_run *r = driver_lesson(s->drv);
	const struct lesson *l;
	const struct lesson_step *st;
	WINDOW *w = s->wlesson;
	int y = 1, max = getmaxy(w);
	char b[256];
	size_t k;
	const char *fb;

	werase(w);
	if (r == NULL) {
		wnoutrefresh(w);
		return;
	}
	l = lesson_run_lesson(r);
	k = lesson_run_step(r);
	snprintf(b, sizeof(b), " Lesson %s  step %zu of %zu ", l->name,
	    k < l->nsteps ? k + 1 : l->nsteps, l->nsteps);
	wmove(w, 0, 0);
	width_pad(w, (size_t)getmaxx(w), layout_attr(ROLE_TITLE));
	wmove(w, 0, 0);
	width_draw(w, b, strlen(b), (size_t)getmaxx(w),
	    layout_attr(ROLE_TITLE_FOCUS));
	if (k < l->nsteps) {
		st = &l->steps[k];
		lesson_wrap(w, &y, max, st->title, A_BOLD);
		lesson_wrap(w, &y, max, st->say, A_NORMAL);
		if (lesson_run_prefill(r) != NULL) {
			snprintf(b, sizeof(b), "type: %s", lesson_run_prefill(r));
			lesson_wrap(w, &y, max, b, layout_attr(ROLE_SENT));
		}
	}
	fb = lesson_run_feedback(r);
	if (fb != NULL && *fb != '\0' && y < max)
		lesson_wrap(w, &y, max, fb, strncmp(fb, "not yet", 7) == 0 ?
		    layout_attr(ROLE_WARNING) : layout_attr(ROLE_POSITIVE));
	wnoutrefresh(w);
}

/* A new lesson step: pre-fill the composer with its command once (the
 * learner may edit it; a wrong command is a lesson too). */
static void
lesson_prefill(struct screen *s)
{
	const struct lesson_run *r = s->drv != NULL ? driver_lesson(s->drv) :
	    NULL;
	const char *t;
	size_t len;

	if ((r != NULL) != s->lesson_shown)
		mark(s, D_LAYOUT);
	if (r == NULL || lesson_run_generation(r) == s->lesson_gen)
		return;
	s->lesson_gen = lesson_run_generation(r);
	composer_text(s->comp, &len);
	if ((t = lesson_run_prefill(r)) != NULL && len == 0 &&
	    !composer_secret(s->comp)) {
		composer_set(s->comp, t, strlen(t));
		mark(s, D_COMPOSER | D_HINT);
	}
	mark(s, D_TRANSCRIPT);
}

/* The layout the screen has now (zoom, panes shown), computed at once:
 * keys that arrive together are handled before the next redraw. */
static void
layout_now(struct screen *s, struct layout *l)
{
	bool show_mb = pane_mailbox_count(s->pm) > 0 ||
	    s->focus == LAYOUT_MAILBOX || session_proto_now(s) == REPLY_POP3;
	bool show_msg = pane_message_number(s->pmsg, NULL) != 0 ||
	    s->focus == LAYOUT_MESSAGE;

	/* The projector shows the transcript and the lesson only. */
	if (s->projector)
		show_mb = show_msg = false;

	/* A zoomed pane that has nothing to show any more (the message was
	 * closed by /load or a new connection) must not hide the
	 * transcript behind an empty pane. */
	if ((s->zoom == LAYOUT_MESSAGE && !show_msg) ||
	    (s->zoom == LAYOUT_MAILBOX && !show_mb))
		s->zoom = LAYOUT_PANE_COUNT;
	layout_compute(l, LINES, COLS, show_mb, pane_mailbox_count(s->pm) ==
	    0, show_msg, s->zoom);
	lesson_carve(s, &l->pane[LAYOUT_TRANSCRIPT]);
}

static void
relayout(struct screen *s)
{
	int i;

	free_windows(s);
	layout_now(s, &s->lay);
	for (i = 0; i < LAYOUT_PANE_COUNT; i++)
		s->win[i] = make_win(&s->lay.pane[i]);
	if (s->win[LAYOUT_COMPOSER] != NULL)
		leaveok(s->win[LAYOUT_COMPOSER], FALSE);
	s->wstatus = make_win(&s->lay.status);
	s->whint = make_win(&s->lay.hint);
	s->wlesson = make_win(&s->lesson_rect);
	if (LINES > 2)
		s->whelp = newwin(LINES - 2, COLS, 1, 0);
	if (s->focus != LAYOUT_COMPOSER && s->win[s->focus] == NULL)
		s->focus = LAYOUT_COMPOSER;
	s->dirty = D_ALL & ~D_LAYOUT;
	wnoutrefresh(stdscr);
}

/* One piece of the status bar; lower prio is dropped first when narrow. */
struct seg {
	char	text[200];
	int	prio;
};

static void
seg_add(struct seg *sg, size_t *n, int prio, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
seg_add(struct seg *sg, size_t *n, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sg[*n].text, sizeof(sg[*n].text), fmt, ap);
	va_end(ap);
	width_trim(sg[*n].text);
	sg[*n].prio = prio;
	(*n)++;
}

static void
draw_status(struct screen *s)
{
	const struct driver_status *st = status(s);
	WINDOW *w = s->wstatus;
	unsigned long a = layout_attr(ROLE_STATUS);
	struct seg sg[12];
	size_t n = 0, i, total, used = 0, rw;
	const char *right = " F1 help  Ctrl-Q quit ";
	int cols = getmaxx(w), drop;

	if (st == NULL || !st->connected || st->host == NULL) {
		seg_add(sg, &n, 9, " mailbench %s", MAILBENCH_VERSION);
		seg_add(sg, &n, 8, "not connected: /connect URL");
	} else {
		seg_add(sg, &n, 9, " %s %s", st->proto ? st->proto : "?",
		    st->host);
		if (st->tls != NULL)
			seg_add(sg, &n, 8, "%s%s%s", st->tls,
			    st->verify ? " " : "", st->verify ? st->verify : "");
		else
			seg_add(sg, &n, 8, "plain");
		seg_add(sg, &n, 9, "%s%s", st->state ? st->state : "?",
		    st->message_mode ? " (MESSAGE)" : "");
		if (st->pending_deletions > 0)
			seg_add(sg, &n, 10, "%zu DELETION%s PENDING",
			    st->pending_deletions,
			    st->pending_deletions == 1 ? "" : "S");
		if (st->busy && st->progress_total > 0)
			seg_add(sg, &n, 7, "loading %zu/%zu",
			    st->progress_done, st->progress_total);
		else if (st->busy)
			seg_add(sg, &n, 5, "waiting");
		if (st->last_reply_ms >= 0 && st->last_reply_slow)
			seg_add(sg, &n, 6, "last reply %.1f s%s: SLOW server",
			    st->last_reply_ms / 1000.0,
			    st->last_reply_pipelined ? " after the previous" :
			    "");
		else if (st->last_reply_ms >= 0)
			seg_add(sg, &n, 4, "last reply %.1f ms%s",
			    st->last_reply_ms, st->last_reply_pipelined ?
			    " after the previous" : "");
	}
	rw = (size_t)cols >= 60 ? strlen(right) : 0;
	/* Drop the least important pieces until the rest fits. */
	for (drop = 0; drop <= 10; drop++) {
		total = 0;
		for (i = 0; i < n; i++)
			if (sg[i].prio > drop || drop == 0)
				total += width_str(sg[i].text,
				    strlen(sg[i].text)) + 3;
		if (total + rw <= (size_t)cols)
			break;
		/* "F1 help  Ctrl-Q quit" is also in the hint line: it goes
		 * before the TLS state, the protocol or the session state. */
		if (drop >= 7 && rw > 0) {
			rw = 0;
			if (total <= (size_t)cols)
				break;
		}
	}
	wmove(w, 0, 0);
	for (i = 0; i < n; i++) {
		if (drop > 0 && sg[i].prio <= drop)
			continue;
		if (used > 0)
			used += width_draw(w, " | ", 3, (size_t)cols - used, a);
		used += width_draw(w, sg[i].text, strlen(sg[i].text),
		    (size_t)cols - used, a);
	}
	if ((size_t)cols > used + rw) {
		width_pad(w, (size_t)cols - used - rw, a);
		used = (size_t)cols - rw;
	}
	if (rw > 0 && used + rw <= (size_t)cols)
		used += width_draw(w, right, rw, rw, a | A_BOLD);
	width_pad(w, (size_t)cols - used, a);
	/* An insecure connection is said loudly (SPEC: --insecure). */
	if (st != NULL && st->connected && st->verify != NULL &&
	    strncmp(st->verify, "INSECURE", 8) == 0)
		mvwchgat(w, 0, 0, -1, (attr_t)layout_attr(ROLE_WARNING),
		    PAIR_NUMBER(layout_attr(ROLE_WARNING)), NULL);
	wnoutrefresh(w);
}

/* A verb the server advertised (EHLO keyword, CAPA tag) that our command
 * table does not know, such as ETRN after "250-ETRN": the engine's
 * capabilities say it is this server's command, not a stray word. */
static const char *
advertised(const struct screen *s, const char *line, size_t len)
{
	struct session *ss = s->drv != NULL ? driver_session(s->drv) : NULL;
	const struct caps *c;
	size_t i, w = 0;

	if (ss == NULL || !session_caps_known(ss))
		return NULL;
	while (w < len && line[w] != ' ')
		w++;
	c = session_caps(ss);
	for (i = 0; i < c->n; i++)
		if (w > 0 && slice_eq_ci(line, w, c->v[i].keyword))
			return c->v[i].keyword;
	return NULL;
}

static void
draw_hint(struct screen *s)
{
	const struct driver_status *st = status(s);
	WINDOW *w = s->whint;
	int cols = getmaxx(w);
	char b[1024];
	const char *line;
	size_t len, used;
	unsigned long a = layout_attr(ROLE_HINT);
	struct session_facts f;

	line = composer_text(s->comp, &len);
	wmove(w, 0, 0);
	b[0] = '\0';
	if (s->notice[0] != '\0') {
		snprintf(b, sizeof(b), " %s", s->notice);
		a = layout_attr(s->notice_role);
	} else if (s->prompt == PROMPT_SEARCH) {
		snprintf(b, sizeof(b), " search the transcript (case "
		    "ignored); Enter finds older lines, then n / N / F3");
	} else if (s->prompt == PROMPT_SAVE) {
		snprintf(b, sizeof(b), " save to this path (edit it; the name "
		    "was made safe); Enter saves, Esc cancels");
	} else if (st != NULL && st->connected && st->message_mode) {
		/* After 354: unmistakable. */
		snprintf(b, sizeof(b), " MESSAGE MODE: lines are message text,"
		    " dot-stuffed; a lone . ends it.%s",
		    hint_dot_stuffed(line, len) ? "  This line goes out as "
		    "\"..\" + the rest (RFC 5321 4.5.2)." : len == 1 &&
		    line[0] == '.' ? "  Enter ends the message." : "");
		a = layout_attr(ROLE_MESSAGE_MODE);
	} else if (composer_secret(s->comp)) {
		snprintf(b, sizeof(b), " SECRET: what you type is not shown, "
		    "not kept in history and redacted in the transcript; Enter "
		    "sends, Esc cancels");
		a = layout_attr(ROLE_MESSAGE_MODE);
	} else if (send_prompt(s) != NULL) {
		snprintf(b, sizeof(b), " /send asks: %s  (Enter answers; Esc "
		    "or /cancel stops the guided send)", send_prompt(s));
		a = layout_attr(ROLE_MESSAGE_MODE);
	} else if (s->matches[0] != '\0') {
		snprintf(b, sizeof(b), " completions: %s", s->matches);
	} else if (len > 0 && line[0] == '/') {
		const struct wbcmd *wc = wbcmd_named(line, len);
		char syn[128];

		if (wc != NULL) {
			wbcmd_synopsis(wc, syn, sizeof(syn));
			snprintf(b, sizeof(b), " %s  - %s", syn, wc->help);
		}
		else
			snprintf(b, sizeof(b), " workbench command (Tab "
			    "completes; /help lists them)");
	} else if (len > 0) {
		struct hint h;

		hint_line(facts(s, &f), line, len, &h);
		if (h.syntax == NULL && advertised(s, line, len) != NULL) {
			snprintf(b, sizeof(b), " %s: advertised by this server "
			    "(EHLO/CAPA), not in the base protocol; sent as "
			    "typed", advertised(s, line, len));
		} else if (h.warning != NULL) {
			snprintf(b, sizeof(b), " ! %s%s%s", h.warning,
			    h.syntax ? "   syntax: " : "",
			    h.syntax ? h.syntax : "");
			a = layout_attr(ROLE_WARNING);
		} else if (h.syntax != NULL)
			snprintf(b, sizeof(b), " %s  - %s", h.syntax,
			    h.about ? h.about : "");
		else if (h.about != NULL)
			snprintf(b, sizeof(b), " %s", h.about);
		else
			snprintf(b, sizeof(b), " expects: %s",
			    hint_expects(facts(s, &f)));
	} else if (s->focus == LAYOUT_TRANSCRIPT) {
		snprintf(b, sizeof(b), " transcript: Up/Down PgUp/PgDn move  "
		    "End follows  Ctrl-F n N search  Enter TLS details, folds  "
		    "w wrap  T timings  # pairs  z zoom  Esc composer");
	} else if (s->focus == LAYOUT_MAILBOX) {
		snprintf(b, sizeof(b), " mailbox: Enter open  t TOP  r RETR  "
		    "d DELE  u RSET  s S sort  l /load  z zoom  marks: * "
		    "fetched D to delete X deleted");
	} else if (s->focus == LAYOUT_MESSAGE) {
		snprintf(b, sizeof(b), " message: ] [ parts  h headers  v raw/"
		    "side by side  w save part  W save message  z zoom  "
		    "Esc composer");
	} else {
		snprintf(b, sizeof(b), " expects: %s   |  F1 or /help: help  "
		    "Tab: complete  Ctrl-O: next pane  Ctrl-Q: quit",
		    hint_expects(facts(s, &f)));
	}
	width_trim(b);
	used = width_draw(w, b, strlen(b), (size_t)cols, a);
	width_pad(w, (size_t)cols - used, a);
	wnoutrefresh(w);
}

static const char *
prompt_label(struct screen *s)
{
	const struct driver_status *st = status(s);

	switch (s->prompt) {
	case PROMPT_SEARCH:
		return "Search: ";
	case PROMPT_SAVE:
		return "Save to: ";
	case PROMPT_OVERWRITE:
		return "Replace the file? (y/n) ";
	case PROMPT_QUIT:
		return "Leave? y: QUIT  n: no QUIT  Esc: stay ";
	case PROMPT_QUIT_CMD:
		return "Send QUIT (deletions become permanent)? (y/n) ";
	case PROMPT_CONNECT:
		return "Connect? y: QUIT first  n: no QUIT  Esc: stay ";
	default:
		break;
	}
	if (composer_secret(s->comp)) {
		static char b[160];
		size_t n;

		/* The driver's prompt, ending in exactly one ": ". */
		snprintf(b, sizeof(b), "%s", st && st->secret_prompt ?
		    st->secret_prompt : "secret");
		n = strlen(b);
		while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == ':'))
			b[--n] = '\0';
		snprintf(b + n, sizeof(b) - n, ": ");
		return b;
	}
	if (st != NULL && st->connected && st->message_mode)
		return "message> ";
	if (send_prompt(s) != NULL) {
		static char b[160];
		size_t n;

		snprintf(b, sizeof(b), "%s", send_prompt(s));
		n = strlen(b);
		while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == ':'))
			b[--n] = '\0';
		snprintf(b + n, sizeof(b) - n, ": ");
		return b;
	}
	switch (session_proto_now(s)) {
	case REPLY_POP3:
		return "pop3> ";
	case REPLY_SMTP:
		return "smtp> ";
	default:
		return "> ";
	}
}

static void
draw_composer(struct screen *s)
{
	WINDOW *w = s->win[LAYOUT_COMPOSER];
	const struct driver_status *st = status(s);
	bool text_prompt = s->prompt == PROMPT_SEARCH ||
	    s->prompt == PROMPT_SAVE;
	bool yn = s->prompt != PROMPT_NONE && !text_prompt;
	unsigned long pa = A_BOLD;
	const char *label = prompt_label(s);
	int col;

	if (st != NULL && st->connected && st->message_mode)
		pa = layout_attr(ROLE_MESSAGE_MODE);
	if (yn)
		pa = layout_attr(ROLE_WARNING);
	if (!text_prompt && !yn) {
		const char *line;
		size_t len, keep;

		line = composer_text(s->comp, &len);
		if (!(st != NULL && st->message_mode) &&
		    line_is_secret(s, line, len, &keep))
			composer_set_hidden_from(s->comp, keep);
		else
			composer_set_hidden_from(s->comp, (size_t)-1);
	}
	if (yn) {
		size_t used;

		wmove(w, 0, 0);
		used = width_draw(w, label, strlen(label), (size_t)COLS, pa);
		width_pad(w, (size_t)getmaxx(w) - used, A_NORMAL);
		col = (int)used < getmaxx(w) ? (int)used : getmaxx(w) - 1;
	} else
		col = composer_draw(text_prompt ? s->pcomp : s->comp, w, 0,
		    label, pa, A_NORMAL);
	wmove(w, 0, col);
	wnoutrefresh(w);
}

static void
draw_panes(struct screen *s)
{
	const struct driver_status *st = status(s);
	char prog[96];

	if ((s->dirty & D_TRANSCRIPT) && s->win[LAYOUT_TRANSCRIPT]) {
		pane_transcript_draw(s->pt, s->win[LAYOUT_TRANSCRIPT],
		    s->focus == LAYOUT_TRANSCRIPT);
		wnoutrefresh(s->win[LAYOUT_TRANSCRIPT]);
	}
	if ((s->dirty & D_TRANSCRIPT) && s->wlesson != NULL)
		draw_lesson(s);
	if ((s->dirty & D_MAILBOX) && s->win[LAYOUT_MAILBOX]) {
		prog[0] = '\0';
		if (st != NULL && st->busy && st->progress_total > 0)
			snprintf(prog, sizeof(prog), "[loading: %zu of %zu "
			    "headers]", pane_mailbox_headers(s->pm),
			    pane_mailbox_expected(s->pm));
		pane_mailbox_draw(s->pm, s->win[LAYOUT_MAILBOX],
		    s->focus == LAYOUT_MAILBOX, prog[0] ? prog : NULL);
		wnoutrefresh(s->win[LAYOUT_MAILBOX]);
	}
	if ((s->dirty & D_MESSAGE) && s->win[LAYOUT_MESSAGE]) {
		pane_message_draw(s->pmsg, s->win[LAYOUT_MESSAGE],
		    s->focus == LAYOUT_MESSAGE);
		wnoutrefresh(s->win[LAYOUT_MESSAGE]);
	}
}

/* The before-poll hook: draw what is dirty, one doupdate. */
static void
redraw(void *arg)
{
	struct screen *s = arg;
	bool cursor;

	if (s->dirty == 0)
		return;
	if (s->dirty & D_LAYOUT)
		relayout(s);
	if (s->help && s->whelp != NULL) {
		if (s->dirty & D_STATUS)
			draw_status(s);
		s->help_scroll = help_draw(s->whelp, s->help_scroll);
		wnoutrefresh(s->whelp);
		draw_hint(s);
		curs_set(0);
		doupdate();
		s->dirty = 0;
		return;
	}
	if (s->dirty & D_STATUS)
		draw_status(s);
	draw_panes(s);
	if (s->dirty & D_HINT)
		draw_hint(s);
	cursor = s->focus == LAYOUT_COMPOSER || s->prompt != PROMPT_NONE;
	/* The composer goes last so the terminal cursor ends there. */
	if (s->win[LAYOUT_COMPOSER] != NULL)
		draw_composer(s);
	curs_set(cursor ? 1 : 0);
	doupdate();
	s->dirty = 0;
	if (s->bench && s->key_t0 > 0 && s->bench_n < BENCH_MAX) {
		s->bench_key[s->bench_n] = s->key_last;
		s->bench_ms[s->bench_n++] = loop_now_ms() - s->key_t0;
		s->key_t0 = 0;
	}
}

static void
on_winch(void *arg)
{
	struct screen *s = arg;
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	mark(s, D_ALL);
}

/* ---- actions ---------------------------------------------------------- */

static void
focus_cycle(struct screen *s, int dir)
{
	int i, f = s->focus;
	struct layout l;

	if (s->zoom != LAYOUT_PANE_COUNT) {
		s->zoom = LAYOUT_PANE_COUNT;
		mark(s, D_LAYOUT);
	}
	/* Not s->lay: it is stale until the redraw when a zoom (or this
	 * unzoom) is pending. */
	layout_now(s, &l);
	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		f = (f + dir + LAYOUT_PANE_COUNT) % LAYOUT_PANE_COUNT;
		if (f == LAYOUT_COMPOSER || l.pane[f].h > 0)
			break;
	}
	s->focus = (enum layout_pane)f;
	mark(s, D_ALL & ~D_LAYOUT);
}

static int
pane_rows(struct screen *s, enum layout_pane p)
{
	return s->lay.pane[p].h > 2 ? s->lay.pane[p].h - 2 : 1;
}

/* The transcript's text rows: its window less the title row (a page). */
static int
transcript_rows(struct screen *s)
{
	return s->lay.pane[LAYOUT_TRANSCRIPT].h > 1 ?
	    s->lay.pane[LAYOUT_TRANSCRIPT].h - 1 : 1;
}

static void
mailbox_command(struct screen *s, enum hint_mb_action a, bool open,
    bool header)
{
	uint64_t n = pane_mailbox_selected(s->pm);
	char line[64];

	if (n == 0) {
		notice(s, ROLE_HINT, "no message selected (/load fills the "
		    "mailbox)");
		return;
	}
	if (a == HINT_MB_DELE && s->drv != NULL) {
		const struct mailbox_entry *e = mailbox_find(
		    driver_mailbox(s->drv), n);

		/* RFC 1939 5: DELE of a marked message is an error, and
		 * POP3 can only unmark them all (RSET). */
		if (e != NULL && e->deleted) {
			notice(s, ROLE_HINT, "message %llu is already marked "
			    "for deletion; u sends RSET, which unmarks all "
			    "(POP3 has no undelete for one message)",
			    (unsigned long long)n);
			return;
		}
	}
	hint_mailbox_line(a, n, line, sizeof(line));
	if (open) {
		s->want_open = n;
		s->want_header = header;
	}
	submit_line(s, line, strlen(line), false);
}

static void
open_selected(struct screen *s)
{
	const struct mailbox *mb = s->drv ? driver_mailbox(s->drv) : NULL;
	uint64_t n = pane_mailbox_selected(s->pm);
	const struct mailbox_entry *e;

	if (n == 0)
		return;
	e = mb != NULL ? mailbox_find(mb, n) : NULL;
	if (e != NULL && open_stored(s, n, e)) {
		s->focus = LAYOUT_MESSAGE;
		mark(s, D_LAYOUT);
		return;
	}
	mailbox_command(s, HINT_MB_RETR, true, false);
}

static void
start_save(struct screen *s, bool whole)
{
	char path[1400];

	if (pane_message_save_prepare(s->pmsg, whole, s->save_name,
	    sizeof(s->save_name)) == -1) {
		notice(s, ROLE_WARNING, "nothing to save%s",
		    pane_message_number(s->pmsg, NULL) ? " (only the header "
		    "is here: retrieve the message)" : ": open a message first");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", s->save_dir, s->save_name);
	composer_set(s->pcomp, path, strlen(path));
	s->prompt = PROMPT_SAVE;
	mark(s, D_COMPOSER | D_HINT);
}

/* The message pane hands what is saved a chunk at a time: a part of a
 * large message is decoded from its store straight into the file. */
static int
save_produce(void *arg, savefile_put put, void *put_arg)
{
	struct screen *s = arg;

	return pane_message_save_write(s->pmsg, put, put_arg);
}

static void
do_save(struct screen *s, bool overwrite)
{
	const char *err = NULL;
	uint64_t bytes = 0;
	int r;

	r = savefile_write_fn(s->save_dir, s->save_name, save_produce, s,
	    overwrite, SAVEFILE_MODE, &bytes, &err);
	if (r == 1) {
		s->prompt = PROMPT_OVERWRITE;
		notice(s, ROLE_WARNING, "%s/%s exists: y replaces it, n lets "
		    "you change the name", s->save_dir, s->save_name);
		return;
	}
	s->prompt = PROMPT_NONE;
	if (r == 0)
		notice(s, ROLE_HINT, "saved %llu bytes to %s/%s",
		    (unsigned long long)bytes, s->save_dir, s->save_name);
	else
		notice(s, ROLE_WARNING, "could not save %s/%s: %s",
		    s->save_dir, s->save_name, err);
}

static void
save_path_entered(struct screen *s)
{
	const char *p = composer_text(s->pcomp, NULL);
	char dir[1024], name[256];

	if (savefile_split(p, dir, sizeof(dir), name, sizeof(name)) == -1) {
		notice(s, ROLE_WARNING, "not a file name: %s", p);
		return;
	}
	snprintf(s->save_dir, sizeof(s->save_dir), "%s", dir);
	snprintf(s->save_name, sizeof(s->save_name), "%s", name);
	do_save(s, false);
}

static void
search(struct screen *s, int dir)
{
	if (s->search[0] == '\0') {
		s->prompt = PROMPT_SEARCH;
		composer_clear(s->pcomp);
		mark(s, D_COMPOSER | D_HINT);
		return;
	}
	if (pane_transcript_search(s->pt, s->search, dir) == 0) {
		size_t nth, total = pane_transcript_matches(s->pt, s->search,
		    &nth);

		s->focus = LAYOUT_TRANSCRIPT;
		/* Counted from the oldest line: n goes to older matches. */
		notice(s, ROLE_HINT, "found \"%s\": match %zu of %zu lines "
		    "(n: older, N: newer, End: follow again)", s->search, nth,
		    total);
	} else
		notice(s, ROLE_WARNING, "\"%s\" not found (0 matches; case "
		    "is ignored)", s->search);
	mark(s, D_TRANSCRIPT | D_COMPOSER);
}

/* The user pressed Enter on the composer (or a key sent a command). */
static void
submit_line(struct screen *s, const char *line, size_t len, bool typed)
{
	const struct driver_status *st = status(s);
	bool message_mode = st != NULL && st->connected && st->message_mode;
	bool secret = composer_secret(s->comp);
	size_t keep;

	s->matches[0] = '\0';
	if (secret) {
		if (s->drv != NULL)
			driver_submit(s->drv, line, len);
		composer_clear(s->comp);
		return;
	}
	if (!message_mode && len > 0 && line[0] == '/') {
		/* The commands the screen runs itself, by their exact name;
		 * the rest go to the driver. */
		const struct wbcmd *wc = wbcmd_named(line, len);
		enum wbcmd_id id = wc != NULL ? wc->id : WBCMD_COUNT;

		if (typed)
			history_add(s->hist, line, len);
		if (id == WBCMD_HELP) {
			s->help = true;
			s->help_scroll = 0;
			mark(s, D_ALL & ~D_LAYOUT);
			return;
		}
		if (id == WBCMD_QUIT) {
			ask_quit(s);
			return;
		}
		if (id == WBCMD_SAVE && len <= 6) {
			char name[96];
			time_t now = time(NULL);
			struct tm tm;

			localtime_r(&now, &tm);
			strftime(name, sizeof(name),
			    "/save mailbench-%Y%m%d-%H%M%S.txt", &tm);
			if (s->drv != NULL)
				driver_submit(s->drv, name, strlen(name));
			return;
		}
		if (id == WBCMD_CONNECT && pending_deletions(s) > 0) {
			ask_connect(s, line, len);
			return;
		}
		if (id == WBCMD_CONNECT) {
			pane_message_close(s->pmsg);
			s->want_open = 0;
			mark(s, D_LAYOUT);
		}
		if (s->drv != NULL)
			driver_submit(s->drv, line, len);
		return;
	}
	if (!message_mode) {
		if (hint_is_quit(line, len) && pending_deletions(s) > 0) {
			free(s->quit_line);
			s->quit_line = xstrndup(line, len);
			s->prompt = PROMPT_QUIT_CMD;
			notice(s, ROLE_WARNING, "QUIT makes %zu deletion%s "
			    "PERMANENT (RFC 1939 6). Send it? y: yes  n: no",
			    pending_deletions(s),
			    pending_deletions(s) == 1 ? "" : "s");
			return;
		}
		if (typed && !line_is_secret(s, line, len, &keep) &&
		    send_prompt(s) == NULL)
			history_add(s->hist, line, len);
	}
	if (s->drv != NULL)
		driver_submit(s->drv, line, len);
}

static void
composer_submit(struct screen *s)
{
	size_t len;
	const char *t = composer_text(s->comp, &len);
	const struct driver_status *st = status(s);
	char *copy;

	/* An empty line outside message text, a secret or a /send question
	 * is most likely a stray Enter; on the wire it is a bare CRLF that
	 * servers answer with an error. Send it only when Enter is pressed
	 * again. */
	if (len == 0 && connected(s) && !st->message_mode &&
	    !composer_secret(s->comp) && send_prompt(s) == NULL) {
		if (!s->empty_armed) {
			s->empty_armed = true;
			notice(s, ROLE_HINT, "an empty line is not sent: press "
			    "Enter again to send a bare CRLF");
			return;
		}
	}
	s->empty_armed = false;
	copy = xstrndup(t, len);
	composer_clear(s->comp);
	/* Whoever sends a command wants to see its reply: follow the
	 * transcript, and unzoom a pane that hides it. */
	if (!pane_transcript_following(s->pt))
		pane_transcript_action(s->pt, ACT_FOLLOW, 1);
	if (s->zoom != LAYOUT_PANE_COUNT && s->zoom != LAYOUT_TRANSCRIPT) {
		s->zoom = LAYOUT_PANE_COUNT;
		mark(s, D_LAYOUT);
	}
	submit_line(s, copy, len, true);
	explicit_bzero(copy, len);
	free(copy);
	mark(s, D_COMPOSER | D_HINT);
}

static void
complete(struct screen *s)
{
	const char *line;
	size_t len, n = 0, i;
	const char *cands[64];

	const char *const *list = NULL;
	bool first = true;

	line = composer_text(s->comp, &len);
	for (i = 0; i < len; i++)
		if (line[i] == ' ')
			first = false;
	if (first && len > 0 && line[0] == '/') {
		const char *const *names = wbcmd_names();

		for (n = 0; names[n] != NULL && n < 64; n++)
			cands[n] = names[n];
	} else if (first) {
		const char *c;

		int p = session_proto_now(s);

		while (p != -1 && n < 64 &&
		    (c = hint_command((enum reply_proto)p, n)) != NULL)
			cands[n++] = c;
	} else if (len >= 6 && strncmp(line, "/auth ", 6) == 0 &&
	    memchr(line + 6, ' ', len - 6) == NULL)
		list = hint_auth_mechs();
	else if (len >= 9 && strncmp(line, "/connect ", 9) == 0 &&
	    memchr(line + 9, ' ', len - 9) == NULL)
		list = hint_url_schemes();
	for (i = 0; list != NULL && list[i] != NULL; i++)
		cands[n++] = list[i];
	/* The lab's own URLs complete too: nobody retypes a port. */
	for (i = 0; list == hint_url_schemes() && s->lab != NULL &&
	    i < SCREEN_LAB_URLS; i++)
		if (s->lab->complete[i] != NULL)
			cands[n++] = s->lab->complete[i];
	if (n == 0)
		return;
	if (composer_complete(s->comp, cands, n, s->matches,
	    sizeof(s->matches)) <= 1)
		s->matches[0] = '\0';
}

static bool
handle_prompt_key(struct screen *s, int key)
{
	enum action a;

	switch (s->prompt) {
	case PROMPT_QUIT:
		if (key == 'y' || key == 'Y')
			leave(s, true);
		else if (key == 'n' || key == 'N')
			leave(s, false);
		else if (key != 27)
			return true;
		s->prompt = PROMPT_NONE;
		if (key == 27)
			s->notice[0] = '\0';
		mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_QUIT_CMD:
		s->prompt = PROMPT_NONE;
		s->notice[0] = '\0';
		if (key == 'y' || key == 'Y') {
			/* Confirmed: straight to the driver, no second ask. */
			history_add(s->hist, s->quit_line,
			    strlen(s->quit_line));
			if (s->drv != NULL)
				driver_submit(s->drv, s->quit_line,
				    strlen(s->quit_line));
		} else
			composer_set(s->comp, s->quit_line,
			    strlen(s->quit_line));
		free(s->quit_line);
		s->quit_line = NULL;
		mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_CONNECT:
		if (key != 'y' && key != 'Y' && key != 'n' && key != 'N' &&
		    key != 27)
			return true;
		s->prompt = PROMPT_NONE;
		s->notice[0] = '\0';
		if (key == 27) {
			free(s->connect_line);
			s->connect_line = NULL;
		} else if ((key == 'y' || key == 'Y') && connected(s)) {
			/* QUIT now; the /connect follows its answer (or the
			 * reply timeout), from on_closed. */
			driver_submit(s->drv, "QUIT", 4);
			notice(s, ROLE_HINT, "QUIT sent; connecting when the "
			    "server answers");
		} else {
			char *l = s->connect_line;

			s->connect_line = NULL;
			pane_message_close(s->pmsg);
			s->want_open = 0;
			driver_submit(s->drv, l, strlen(l));
			free(l);
			mark(s, D_LAYOUT);
		}
		mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_OVERWRITE:
		s->notice[0] = '\0';
		if (key == 'y' || key == 'Y')
			do_save(s, true);
		else if (key == 27) {
			s->prompt = PROMPT_NONE;
			notice(s, ROLE_HINT, "not saved");
			buf_clear(&s->save_data);
		} else {
			/* Back to the path, to pick another name. */
			char path[1400];

			snprintf(path, sizeof(path), "%s/%s", s->save_dir,
			    s->save_name);
			composer_set(s->pcomp, path, strlen(path));
			s->prompt = PROMPT_SAVE;
			notice(s, ROLE_HINT, "not replaced: edit the name, "
			    "Enter saves, Esc cancels");
		}
		mark(s, D_COMPOSER | D_HINT);
		return true;
	case PROMPT_SEARCH:
	case PROMPT_SAVE:
		a = keys_lookup(KEYS_COMPOSER, key);
		if (key == 27 || a == ACT_ED_CANCEL) {
			s->prompt = PROMPT_NONE;
			buf_clear(&s->save_data);
		} else if (a == ACT_ED_SUBMIT) {
			enum prompt p = s->prompt;

			s->prompt = PROMPT_NONE;
			if (p == PROMPT_SEARCH) {
				snprintf(s->search, sizeof(s->search), "%s",
				    composer_text(s->pcomp, NULL));
				if (s->search[0] != '\0')
					search(s, -1);
			} else
				save_path_entered(s);
		} else if (a != ACT_NONE && a != ACT_ED_HIST_PREV &&
		    a != ACT_ED_HIST_NEXT && a != ACT_ED_COMPLETE)
			composer_action(s->pcomp, a);
		else if (!(key & (KEYS_FN | KEYS_META)))
			composer_insert(s->pcomp, (unsigned)key);
		mark(s, D_COMPOSER | D_HINT);
		return true;
	default:
		return false;
	}
}

static void
handle_mouse(struct screen *s)
{
	MEVENT me;
	int i;

	if (getmouse(&me) != OK)
		return;
	for (i = 0; i < LAYOUT_PANE_COUNT; i++) {
		const struct layout_rect *r = &s->lay.pane[i];

		if (r->h == 0 || me.y < r->y || me.y >= r->y + r->h ||
		    me.x < r->x || me.x >= r->x + r->w)
			continue;
		s->focus = (enum layout_pane)i;
		if (me.bstate & BUTTON4_PRESSED) {
			if (i == LAYOUT_TRANSCRIPT)
				pane_transcript_action(s->pt, ACT_PAGE_UP, 6);
			else if (i == LAYOUT_MESSAGE)
				pane_message_action(s->pmsg, ACT_PAGE_UP, 6);
			else if (i == LAYOUT_MAILBOX)
				pane_mailbox_action(s->pm, ACT_PAGE_UP, 6);
		} else if (me.bstate & BUTTON5_PRESSED) {
			if (i == LAYOUT_TRANSCRIPT)
				pane_transcript_action(s->pt, ACT_PAGE_DOWN, 6);
			else if (i == LAYOUT_MESSAGE)
				pane_message_action(s->pmsg, ACT_PAGE_DOWN, 6);
			else if (i == LAYOUT_MAILBOX)
				pane_mailbox_action(s->pm, ACT_PAGE_DOWN, 6);
		} else if (i == LAYOUT_MAILBOX)
			pane_mailbox_click(s->pm, me.y - r->y);
		mark(s, D_ALL & ~D_LAYOUT);
		return;
	}
}

static void
global_action(struct screen *s, enum action a)
{
	switch (a) {
	case ACT_QUIT:
		ask_quit(s);
		break;
	case ACT_HELP:
		s->help = true;
		s->help_scroll = 0;
		break;
	case ACT_FOCUS_NEXT:
		focus_cycle(s, 1);
		break;
	case ACT_FOCUS_PREV:
		focus_cycle(s, -1);
		break;
	case ACT_FOCUS_COMPOSER:
		s->focus = LAYOUT_COMPOSER;
		if (composer_secret(s->comp) && s->drv != NULL &&
		    driver_session(s->drv) != NULL) {
			/* Esc abandons a secret request (never sends an empty
			 * secret). */
			driver_cancel(s->drv);
			composer_set_secret(s->comp, false);
			notice(s, ROLE_HINT, "secret request cancelled: nothing "
			    "was sent");
		} else if (s->drv != NULL && driver_session(s->drv) != NULL &&
		    (send_prompt(s) != NULL ||
		    session_cancellable(driver_session(s->drv))))
			/* Esc also stops a running /send or /auth exchange. */
			driver_cancel(s->drv);
		if (s->zoom != LAYOUT_PANE_COUNT) {
			s->zoom = LAYOUT_PANE_COUNT;
			mark(s, D_LAYOUT);
		}
		break;
	case ACT_ZOOM:
		/* From the composer, zoom the transcript but keep the focus:
		 * what is being typed stays a command (a "/" typed next is
		 * not a transcript search). */
		s->zoom = s->zoom != LAYOUT_PANE_COUNT ? LAYOUT_PANE_COUNT :
		    s->focus == LAYOUT_COMPOSER ? LAYOUT_TRANSCRIPT : s->focus;
		mark(s, D_LAYOUT);
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		mark(s, D_LAYOUT);
		break;
	case ACT_PROJECTOR:
		s->projector = !s->projector;
		layout_projector(s->projector);
		s->zoom = LAYOUT_PANE_COUNT;
		if (s->focus == LAYOUT_MAILBOX || s->focus == LAYOUT_MESSAGE)
			s->focus = LAYOUT_COMPOSER;
		notice(s, ROLE_HINT, s->projector ? "projector layout: "
		    "meanings in bold, no mailbox (F2: the usual layout)" :
		    "the usual layout (F2: the projector layout)");
		mark(s, D_LAYOUT);
		break;
	case ACT_SEARCH:
		/* A fresh line; n, N and F3 repeat the last search. */
		s->prompt = PROMPT_SEARCH;
		composer_clear(s->pcomp);
		break;
	case ACT_SEARCH_NEXT:
		search(s, -1);
		break;
	case ACT_SEARCH_PREV:
		search(s, 1);
		break;
	case ACT_PAGE_UP:
	case ACT_PAGE_DOWN:
		if (s->focus == LAYOUT_MAILBOX)
			pane_mailbox_action(s->pm, a, pane_rows(s,
			    LAYOUT_MAILBOX) - 1);
		else if (s->focus == LAYOUT_MESSAGE)
			pane_message_action(s->pmsg, a, pane_rows(s,
			    LAYOUT_MESSAGE));
		else
			pane_transcript_action(s->pt, a,
			    transcript_rows(s));
		break;
	case ACT_LOAD:
		submit_line(s, "/load", 5, false);
		break;
	default:
		return;
	}
	mark(s, D_ALL & ~D_LAYOUT);
}

static void
pane_action(struct screen *s, enum action a)
{
	switch (s->focus) {
	case LAYOUT_TRANSCRIPT:
		if (!pane_transcript_action(s->pt, a,
		    transcript_rows(s)))
			global_action(s, a);
		mark(s, D_TRANSCRIPT);
		break;
	case LAYOUT_MAILBOX:
		switch (a) {
		case ACT_EXPAND:
			open_selected(s);
			break;
		case ACT_MB_TOP:
			mailbox_command(s, HINT_MB_TOP, true, true);
			break;
		case ACT_MB_RETR:
			mailbox_command(s, HINT_MB_RETR, true, false);
			break;
		case ACT_MB_DELE:
			mailbox_command(s, HINT_MB_DELE, false, false);
			break;
		case ACT_MB_RSET: {
			char line[16];

			hint_mailbox_line(HINT_MB_RSET, 0, line, sizeof(line));
			submit_line(s, line, strlen(line), false);
			break;
		}
		default:
			if (!pane_mailbox_action(s->pm, a, pane_rows(s,
			    LAYOUT_MAILBOX) - 1))
				global_action(s, a);
		}
		mark(s, D_MAILBOX);
		break;
	case LAYOUT_MESSAGE:
		if (a == ACT_MSG_SAVE_PART || a == ACT_MSG_SAVE_MSG)
			start_save(s, a == ACT_MSG_SAVE_MSG);
		else if (!pane_message_action(s->pmsg, a, pane_rows(s,
		    LAYOUT_MESSAGE)))
			global_action(s, a);
		mark(s, D_MESSAGE);
		break;
	default:
		global_action(s, a);
	}
}

static void
composer_key(struct screen *s, int key, enum action a)
{
	if (a == ACT_ED_SUBMIT) {
		composer_submit(s);
		return;
	}
	if (a == ACT_ED_COMPLETE) {
		complete(s);
		mark(s, D_COMPOSER | D_HINT);
		return;
	}
	if (a == ACT_ED_CANCEL) {
		size_t len;

		composer_text(s->comp, &len);
		if (composer_secret(s->comp)) {
			global_action(s, ACT_FOCUS_COMPOSER);
			return;
		}
		if (len == 0) {
			ask_quit(s);
			return;
		}
	}
	if (a >= ACT_ED_LEFT && a <= ACT_ED_CANCEL)
		composer_action(s->comp, a);
	else if (a != ACT_NONE) {
		global_action(s, a);
		return;
	} else if (!(key & (KEYS_FN | KEYS_META)))
		composer_insert(s->comp, (unsigned)key);
	s->matches[0] = '\0';
	mark(s, D_COMPOSER | D_HINT);
}

/* Step a replay to event target and say where it is. */
static void
replay_to(struct screen *s, size_t target)
{
	if (target < replay_pos(s->replay)) {
		/* Going back replays afresh: a message retrieved after the
		 * target is not there yet (it opens again when its RETR
		 * is replayed). */
		pane_message_close(s->pmsg);
		s->want_open = 0;
		s->shown_number = 0;
		/* And the transcript shows the events up to the target only
		 * (a fresh pane: its view settings start over). */
		pane_transcript_free(s->pt);
		store_free(s->store);
		s->store = store_new();
		s->pt = pane_transcript_new(s->store);
		pane_transcript_set_reader(s->pt, kept_read, s);
		mark(s, D_LAYOUT);
	}
	replay_seek(s->replay, s->drv, target, s->replay_name);
	notice(s, ROLE_HINT, "replay: event %zu of %zu   Space/n next  p back  "
	    "End all  Home start  (meanings re-derived; nothing is sent)",
	    replay_pos(s->replay), replay_total(s->replay));
	mark(s, D_ALL & ~D_LAYOUT);
}

/* Replay keys, taken when the composer has the focus and is empty (so
 * /explain and /save can still be typed). True when the key was one. */
static bool
replay_key(struct screen *s, int key)
{
	size_t len, pos;

	if (s->replay == NULL || s->focus != LAYOUT_COMPOSER ||
	    s->prompt != PROMPT_NONE)
		return false;
	composer_text(s->comp, &len);
	if (len > 0)
		return false;
	pos = replay_pos(s->replay);
	if (key == ' ' || key == 'n')
		replay_to(s, pos + 1);
	else if (key == 'p')
		replay_to(s, pos > 0 ? pos - 1 : 0);
	else if (key == (KEYS_FN | KEY_END))
		replay_to(s, replay_total(s->replay));
	else if (key == (KEYS_FN | KEY_HOME))
		replay_to(s, 0);
	else
		return false;
	return true;
}

static void
handle_key(struct screen *s, int key)
{
	enum keys_ctx ctx;
	enum action a;

	/* Only Enter twice in a row sends an empty line. */
	if (key != '\r' && key != '\n' && key != (KEYS_FN | KEY_ENTER))
		s->empty_armed = false;
	if (s->notice[0] != '\0' && s->prompt != PROMPT_QUIT &&
	    s->prompt != PROMPT_QUIT_CMD && s->prompt != PROMPT_OVERWRITE &&
	    s->prompt != PROMPT_CONNECT) {
		s->notice[0] = '\0';
		mark(s, D_HINT);
	}
	if (key == (KEYS_FN | KEY_RESIZE)) {
		on_winch(s);
		return;
	}
	if (key == (KEYS_FN | KEY_MOUSE)) {
		handle_mouse(s);
		return;
	}
	if (s->help) {
		a = keys_lookup(KEYS_TRANSCRIPT, key);
		if (key == 27 || key == 'q' || a == ACT_HELP ||
		    a == ACT_FOCUS_COMPOSER) {
			s->help = false;
			mark(s, D_ALL & ~D_LAYOUT);
		} else if (a == ACT_QUIT) {
			s->help = false;
			ask_quit(s);
		} else if (a == ACT_UP || a == ACT_DOWN || a == ACT_PAGE_UP ||
		    a == ACT_PAGE_DOWN || a == ACT_TOP || a == ACT_BOTTOM) {
			int page = LINES > 6 ? LINES - 4 : 1;

			s->help_scroll += a == ACT_UP ? -1 : a == ACT_DOWN ? 1 :
			    a == ACT_PAGE_UP ? -page : a == ACT_PAGE_DOWN ?
			    page : a == ACT_TOP ? -100000 : 100000;
			mark(s, D_HELP);
		}
		mark(s, D_HELP);
		return;
	}
	if (handle_prompt_key(s, key) || replay_key(s, key))
		return;
	switch (s->focus) {
	case LAYOUT_TRANSCRIPT:
		ctx = KEYS_TRANSCRIPT;
		break;
	case LAYOUT_MAILBOX:
		ctx = KEYS_MAILBOX;
		break;
	case LAYOUT_MESSAGE:
		ctx = KEYS_MESSAGE;
		break;
	default:
		ctx = KEYS_COMPOSER;
	}
	a = keys_lookup(ctx, key);
	if (ctx == KEYS_COMPOSER) {
		composer_key(s, key, a);
		return;
	}
	if (a == ACT_NONE && key >= 0x20 && key != 0x7f &&
	    !(key & (KEYS_FN | KEYS_META))) {
		/* Typing in a pane goes to the composer. */
		s->focus = LAYOUT_COMPOSER;
		composer_insert(s->comp, (unsigned)key);
		mark(s, D_ALL & ~D_LAYOUT);
		return;
	}
	pane_action(s, a);
}

static void
on_stdin(int fd, short revents, void *arg)
{
	struct screen *s = arg;
	wint_t wc;
	int r, key, n = 0;

	(void)fd;
	(void)revents;
	while ((r = wget_wch(stdscr, &wc)) != ERR && n++ < 4096) {
		if (s->bench && s->key_t0 == 0)
			s->key_t0 = loop_now_ms();
		if (r == KEY_CODE_YES)
			key = KEYS_FN | (int)wc;
		else if (wc == 27) {
			wint_t w2;

			int r2 = wget_wch(stdscr, &w2);

			/* Alt+key arrives as ESC then the key; ESC then a
			 * control key or function key is two keys. */
			if (r2 == OK && w2 >= 0x20 && w2 != 27)
				key = KEYS_META | (int)w2;
			else {
				if (r2 == OK)
					unget_wch((wchar_t)w2);
				else if (r2 == KEY_CODE_YES)
					ungetch((int)w2);
				key = 27;
			}
		} else
			key = (int)wc;
		s->key_last = key;
		handle_key(s, key);
		if (loop_broken(s->loop))
			break;
	}
	if (r == ERR && n == 0 && (revents & (POLLHUP | POLLERR)) != 0) {
		/* The terminal went away: never send QUIT unasked. */
		s->quitting = true;
		if (connected(s))
			driver_close(s->drv, "terminal closed");
		loop_break(s->loop);
	}
}

static void
on_term(void *arg)
{
	struct screen *s = arg;

	s->quitting = true;
	if (connected(s))
		driver_close(s->drv, "terminated by a signal; no QUIT sent");
	loop_break(s->loop);
}

/* ---- start-up ----------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f, "usage: mailbench [options] [URL]\n"
	    "       mailbench --lab [options]\n"
	    "Open the workbench; connect at once if URL is given. replay opens\n"
	    "a saved transcript (/save, --transcript, batch output) with no\n"
	    "server: Space/n next event, p back, End all, Home start.\n"
	    "URL: pop3://[user@]host[:port] pop3s:// smtp:// smtps:// "
	    "submission://\n\n"
	    "       mailbench replay FILE\n");
	screen_options_usage(f);
}

void
screen_options_usage(FILE *f)
{
	fprintf(f, "  --lab                 start the lab server on loopback "
	    "and connect to its POP3\n"
	    "  --mouse               click to focus panes, wheel scrolls\n"
	    "  --lesson NAME|FILE    start a lesson (/lesson lists them)\n"
	    "  --projector           open in the projector layout (F2 "
	    "toggles it): transcript\n"
	    "                        and lesson only, meanings in bold, "
	    "readable at 80x24\n"
	    "  --bench               redraw benchmark (make bench): generated "
	    "lines, times at exit\n"
	    "  with --lab: --scenario LIST, --accounts N, --users FILE,\n"
	    "    --pop3-port N, --pop3s-port N, --smtp-port N, --smtps-port N\n"
	    "    (as for mailbench lab; see mailbench lab --help)\n");
	options_usage(f);
	fprintf(f, "\nIn the workbench: /help lists the / commands, F1 every "
	    "key; see mailbench(1).\n");
}

static void
bench_fill(struct screen *s)
{
	const char *ev = getenv("MAILBENCH_BENCH_LINES");
	const char *em = getenv("MAILBENCH_BENCH_MESSAGES");
	unsigned long lines = ev ? strtoul(ev, NULL, 10) : 1000000;
	unsigned long msgs = em ? strtoul(em, NULL, 10) : 10000;
	unsigned long i;
	char b[160];

	for (i = 0; i < lines; i++) {
		int n;
		unsigned kind = (unsigned)(i % 4);

		n = snprintf(b, sizeof(b), kind == 0 ? "RETR %lu" : kind == 1 ?
		    "+OK %lu octets follow" : kind == 2 ?
		    "Subject: line %lu of a long session \xc3\xa9t\xc3\xa9" :
		    "positive reply %lu", i / 4 + 1);
		pane_transcript_append(s->pt, kind == 0 ? DRIVER_LINE_SENT :
		    kind == 3 ? DRIVER_LINE_MEANING : DRIVER_LINE_RECEIVED,
		    kind == 1 ? DRIVER_LF_POSITIVE : 0, i / 4 + 1, b,
		    (size_t)n);
	}
	for (i = 1; i <= msgs; i++) {
		char from[64], subj[96];

		snprintf(from, sizeof(from), "Sender %lu <s%lu@example.org>",
		    i % 97, i);
		snprintf(subj, sizeof(subj), "Message %lu: r\xc3\xa9sum\xc3\xa9 "
		    "\xe6\x97\xa5\xe6\x9c\xac", i);
		pane_mailbox_put(s->pm, i, 1000 + (i * 7919) % 100000,
		    1700000000 + (int64_t)((i * 104729) % 1000000), from, subj,
		    i % 50 == 0);
	}
	s->bench_ms = xcalloc(BENCH_MAX, sizeof(double));
	s->bench_key = xcalloc(BENCH_MAX, sizeof(int));
}

/* One line per keystroke, in order: "key-code milliseconds"; the bench
 * script groups them by phase. */
static void
bench_report(struct screen *s)
{
	const char *path = getenv("MAILBENCH_BENCH_LOG");
	FILE *f;
	size_t i;

	if (path == NULL)
		return;
	if ((f = fopen(path, "w")) == NULL)
		return;
	fprintf(f, "# lines %zu messages %zu store_bytes %zu\n",
	    pane_transcript_lines(s->pt), pane_mailbox_count(s->pm),
	    store_bytes(s->store));
	for (i = 0; i < s->bench_n; i++)
		fprintf(f, "%d %.3f\n", s->bench_key[i], s->bench_ms[i]);
	fclose(f);
}

struct screen *
screen_new(int argc, char **argv, const struct screen_lab_parse *lp,
    bool *lab_r, int *rc_r)
{
	static const char *const extra[] = { "--lab", "--mouse", "--bench",
	    "--lesson", "--projector", "--scenario", "--accounts", "--users",
	    "--pop3-port", "--pop3s-port", "--smtp-port", "--smtps-port", NULL };
	bool lab_opts = false;
	struct screen *s;
	char err[256];
	const char *target = NULL, *e = NULL;
	bool lab = false, replay = strcmp(argv[0], "replay") == 0;
	int i;

	*lab_r = false;
	*rc_r = 2;
	s = xcalloc(1, sizeof(*s));
	if (options_parse(argc, argv, extra, &s->opts, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "mailbench: %s\n", err);
		usage(stderr);
		free(s);
		return NULL;
	}
	if (s->opts.help) {
		usage(stdout);
		*rc_r = 0;
		return NULL;
	}
	if (s->opts.version) {
		printf("mailbench %s\n", MAILBENCH_VERSION);
		*rc_r = 0;
		return NULL;
	}
	if (s->opts.timing) {
		/* The shared parser knows it; only batch prints timing lines
		 * (the workbench shows them with T in the transcript). */
		fprintf(stderr, "mailbench: --timing is for batch mode; the "
		    "workbench shows reply times itself (T in the "
		    "transcript)\n");
		options_clear(&s->opts);
		free(s);
		return NULL;
	}
	for (i = 0; i < s->opts.nargs; i++) {
		const char *a = s->opts.args[i];

		if (strcmp(a, "--lab") == 0)
			lab = true;
		else if (strcmp(a, "--mouse") == 0)
			s->mouse = true;
		else if (strcmp(a, "--bench") == 0)
			s->bench = true;
		else if (strcmp(a, "--projector") == 0)
			s->projector = true;
		else if (strcmp(a, "--lesson") == 0) {
			if (i + 1 >= s->opts.nargs) {
				fprintf(stderr, "mailbench: --lesson needs a "
				    "NAME or FILE (mailbench --lab --lesson "
				    "pop3-basics)\n");
				options_clear(&s->opts);
				free(s);
				return NULL;
			}
			s->lesson_name = s->opts.args[++i];
		} else if (lp != NULL && lp->known(a)) {
			/* The lab's own options (mailbench lab --help). */
			if (i + 1 >= s->opts.nargs || lp->set(lp->arg, a,
			    s->opts.args[i + 1], err, sizeof(err)) == -1) {
				fprintf(stderr, "mailbench: %s\n", i + 1 >=
				    s->opts.nargs ? "a lab option needs a "
				    "value" : err);
				options_clear(&s->opts);
				free(s);
				return NULL;
			}
			i++;
			lab_opts = true;
		} else if (target == NULL)
			target = a;
		else {
			fprintf(stderr, "mailbench: one URL only ('%s')\n", a);
			options_clear(&s->opts);
			free(s);
			return NULL;
		}
	}
	if (replay && (lab || target == NULL)) {
		fprintf(stderr, "mailbench: usage: mailbench replay FILE\n");
		options_clear(&s->opts);
		free(s);
		return NULL;
	}
	if (replay) {
		if ((s->replay = replay_open(target, &e)) == NULL) {
			fprintf(stderr, "mailbench replay: %s: %s\n", target, e);
			options_clear(&s->opts);
			free(s);
			return NULL;
		}
		s->replay_name = target;
		target = NULL;
	}
	if (lab_opts && !lab) {
		fprintf(stderr, "mailbench: --scenario, --accounts, --users and "
		    "the port options go with --lab\n");
		options_clear(&s->opts);
		free(s);
		return NULL;
	}
	if (lab && target != NULL) {
		fprintf(stderr, "mailbench: --lab and a URL exclude each "
		    "other\n");
		return NULL;
	}
	/* A bad URL is a usage error before the screen opens. */
	if (target != NULL) {
		struct url u;

		if (url_parse(target, &u, &e) == -1) {
			fprintf(stderr, "mailbench: %s: %s\n", target, e);
			options_clear(&s->opts);
			free(s);
			return NULL;
		}
		url_clear(&u);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "mailbench: the workbench needs a terminal; "
		    "for scripts use 'mailbench batch URL'\n");
		return NULL;
	}
	s->target = target;
	s->loop = loop_new();
	*lab_r = lab;
	return s;
}

struct loop *
screen_loop(struct screen *s)
{
	return s->loop;
}

bool
screen_has_cafile(const struct screen *s)
{
	return s->opts.drv.cafile != NULL;
}

int
screen_run(struct screen *s, const struct screen_lab *lab)
{
	const char *target = s->target, *e = NULL;
	bool first_run;
	int i, rc;

	s->lab = lab;
	if (lab != NULL) {
		target = lab->url;
		/* Trust exactly the lab's own certificate (unless --cafile
		 * says otherwise): TLS in the lab verifies like it should
		 * anywhere. */
		if (s->opts.drv.cafile == NULL)
			s->opts.drv.cafile = lab->cafile;
	}
	s->store = store_new();
	s->pt = pane_transcript_new(s->store);
	s->pm = pane_mailbox_new();
	s->pmsg = pane_message_new();
	/* No state directory yet: the first run gets a welcome line. */
	first_run = history_dir() != NULL && access(history_dir(), F_OK) != 0;
	s->hist = history_new("none", true);
	s->comp = composer_new(s->hist);
	s->pcomp = composer_new(NULL);
	s->focus = LAYOUT_COMPOSER;
	s->zoom = LAYOUT_PANE_COUNT;
	snprintf(s->save_dir, sizeof(s->save_dir), ".");
	buf_init(&s->save_data, 1);
	s->sync_timer = loop_timer_add(s->loop, SYNC_EVERY_MS, false,
	    on_sync_timer, s);
	loop_timer_stop(s->sync_timer);
	s->quit_timer = loop_timer_add(s->loop, QUIT_WAIT_MS, false,
	    on_quit_timer, s);
	loop_timer_stop(s->quit_timer);
	/* Retrieved messages are viewed: the driver spools them. */
	s->opts.drv.spool_messages = true;
	s->connect_timer = loop_timer_add(s->loop, 0, false,
	    on_connect_timer, s);
	loop_timer_stop(s->connect_timer);
	s->drv = driver_new(s->loop, &s->opts.drv, &screen_ops, s);
	pane_transcript_set_reader(s->pt, kept_read, s);
	if (s->bench)
		bench_fill(s);

	the_screen = s;
	util_fatal_hook = fatal_hook;
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	/* newterm, unlike initscr, returns instead of exiting on a terminal
	 * it does not know. */
	if ((s->term = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, "mailbench: cannot use the terminal '%s' "
		    "(TERM); try TERM=xterm-256color\n", getenv("TERM") ?
		    getenv("TERM") : "");
		driver_free(s->drv);
		s->drv = NULL;
		return 2;
	}
	set_term(s->term);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	keys_init();
	layout_colors_init(!s->opts.no_color);
	layout_projector(s->projector);
	if (s->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
		    BUTTON5_PRESSED, NULL);
	loop_watch_add(s->loop, STDIN_FILENO, POLLIN, on_stdin, s);
	loop_signal(s->loop, SIGWINCH, on_winch, s);
	loop_signal(s->loop, SIGTERM, on_term, s);
	loop_signal(s->loop, SIGHUP, on_term, s);
	loop_signal(s->loop, SIGINT, on_term, s);
	loop_set_hook(s->loop, redraw, s);
	s->dirty = D_ALL;
	ui_event(s, 0, "mailbench %s: F1 or /help shows every key and command; "
	    "Ctrl-Q quits", MAILBENCH_VERSION);
	if (lab != NULL) {
		for (i = 0; i < SCREEN_LAB_BANNER && lab->banner[i] != NULL;
		    i++)
			ui_event(s, 0, "%s", lab->banner[i]);
		driver_set_lab_urls(s->drv, lab->url, lab->smtp_url);
	}
	if (s->lesson_name != NULL) {
		char cmd[600];
		const struct lesson_run *lr;

		snprintf(cmd, sizeof(cmd), "/lesson %s", s->lesson_name);
		driver_submit(s->drv, cmd, strlen(cmd));
		/* --lab --lesson smtp-send: straight to the lab's SMTP. */
		if (lab != NULL && (lr = driver_lesson(s->drv)) != NULL &&
		    lesson_run_lesson(lr)->proto_set &&
		    lesson_run_lesson(lr)->proto == REPLY_SMTP)
			target = lab->smtp_url;
	}
	if (s->replay != NULL)
		replay_to(s, 1);
	else if (target != NULL) {
		if (driver_connect(s->drv, target, &e) == -1)
			notice(s, ROLE_WARNING, "cannot connect to %s: %s",
			    target, e ? e : "bad URL");
	} else
		notice(s, ROLE_HINT, "not connected: type /connect "
		    "pop3://user@host (F1 help, Ctrl-Q quit)");
	if (first_run && s->replay == NULL)
		notice(s, ROLE_MESSAGE_MODE, "Welcome! F1 or /help shows every "
		    "key and command, Tab completes, Ctrl-O moves between "
		    "panes, Ctrl-Q quits.");
	rc = loop_run(s->loop);
	endwin();
	if (rc == -1)
		fprintf(stderr, "mailbench: poll: %s\n", strerror(errno));
	if (s->bench)
		bench_report(s);
	loop_set_hook(s->loop, NULL, NULL);
	driver_free(s->drv);
	s->drv = NULL;
	loop_timer_del(s->sync_timer);
	loop_timer_del(s->quit_timer);
	loop_timer_del(s->connect_timer);
	free_windows(s);
	delscreen(s->term);
	pane_transcript_free(s->pt);
	replay_free(s->replay);
	s->replay = NULL;
	pane_mailbox_free(s->pm);
	pane_message_free(s->pmsg);
	composer_free(s->comp);
	composer_free(s->pcomp);
	history_free(s->hist);
	store_free(s->store);
	buf_clear(&s->save_data);
	free(s->quit_line);
	free(s->connect_line);
	free(s->bench_ms);
	free(s->bench_key);
	s->lab = NULL;
	return s->exit_code == 3 ? 3 : 0;
}

void
screen_free(struct screen *s)
{
	if (s == NULL)
		return;
	replay_free(s->replay);
	loop_free(s->loop);
	options_clear(&s->opts);
	free(s);
}
