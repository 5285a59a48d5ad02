/* SPDX-License-Identifier: MIT */
/* The full-screen workbench's life: its command line, curses start and
 * end, the driver's callbacks (lines, status, mailbox, close) and the
 * before-poll hook that draws the dirty panes once per loop pass
 * (wnoutrefresh each, doupdate once). Its pieces share ui/screen-int.h;
 * protocol knowledge stays in proto/. */

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net/loop.h"
#include "proto/command.h"
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
#include "front/store.h"
#include "front/url.h"
#include "ui/screen.h"
#include "ui/screen-int.h"
#include "ui/width.h"
#include "version.h"

static struct screen *the_screen;	/* for the fatal hook */

static void
fatal_hook(void)
{
	if (!isendwin())
		endwin();
}

void
screen_mark(struct screen *s, unsigned d)
{
	s->dirty |= d;
}

void
screen_notice(struct screen *s, enum layout_role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->notice, sizeof(s->notice), fmt, ap);
	va_end(ap);
	width_trim(s->notice);		/* a long file name may be cut */
	s->notice_role = role;
	screen_mark(s, D_HINT);
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
	screen_mark(s, D_TRANSCRIPT);
}

const struct driver_status *
screen_status(const struct screen *s)
{
	return s->drv != NULL ? driver_status(s->drv) : NULL;
}

size_t
screen_pending_deletions(const struct screen *s)
{
	const struct driver_status *st = screen_status(s);

	return st != NULL && st->connected ? st->pending_deletions : 0;
}

bool
screen_connected(const struct screen *s)
{
	const struct driver_status *st = screen_status(s);

	return st != NULL && st->connected;
}

/* The guided /send question being asked, or NULL. */
const char *
screen_send_prompt(const struct screen *s)
{
	struct session *sess = s->drv ? driver_session(s->drv) : NULL;
	const char *pr = NULL;

	if (sess == NULL || !screen_connected(s) ||
	    !session_prompting(sess, &pr))
		return NULL;
	return pr != NULL ? pr : "answer";
}

/* A long body's lines are read back from the transcript the driver keeps
 * on disk (the pane folds them). */
ssize_t
screen_kept_read(void *arg, uint64_t off, void *p, size_t len)
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
	screen_mark(s, D_TRANSCRIPT | D_HINT);
	lesson_panel_prefill(s);
}

/* What the session knows now (the engine's facts, proto/facts.h), or NULL
 * when no session is open: the hint line reads nothing else. */
const struct session_facts *
screen_facts(struct screen *s, struct session_facts *f)
{
	struct session *sess = s->drv != NULL ? driver_session(s->drv) : NULL;

	if (sess == NULL || !s->was_connected)
		return NULL;
	session_facts(sess, f);
	return f;
}

/* Does a typed line carry a secret (not echoed, not kept in history)?
 * The engine's one classifier decides (proto/command.h). */
bool
screen_line_is_secret(struct screen *s, const char *line, size_t len,
    size_t *keep_r)
{
	struct session_facts f;

	*keep_r = 0;
	if (screen_facts(s, &f) == NULL)
		return false;
	return command_is_secret(f.proto, f.sasl_open, line, len, keep_r);
}

/* The protocol of the open session, or -1. */
int
screen_proto_now(struct screen *s)
{
	struct session_facts f;

	return screen_facts(s, &f) != NULL ? (int)f.proto : -1;
}

static void
apply_secret_mode(struct screen *s)
{
	const struct driver_status *st = screen_status(s);
	bool want = st != NULL && st->secret_wanted;

	if (want != composer_secret(s->comp)) {
		composer_set_secret(s->comp, want);
		if (want) {
			s->focus = LAYOUT_COMPOSER;
			screen_mark(s, D_ALL & ~D_LAYOUT);
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
	lesson_panel_prefill(s);
	apply_secret_mode(s);
	if (st->busy && st->progress_total > 0)
		screen_mark(s, D_MAILBOX);
	screen_mark(s, D_STATUS | D_HINT | D_COMPOSER);
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
bool
screen_open_stored(struct screen *s, uint64_t n, const struct mailbox_entry *e)
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
		screen_notice(s, ROLE_WARNING,
		    "message %llu could not be read back "
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
		screen_mark(s, D_MAILBOX | D_STATUS);
		/* The pane's height follows whether it is empty. */
		if (had != (pane_mailbox_count(s->pm) > 0))
			screen_mark(s, D_LAYOUT);
	} else if (s->want_open == 0) {
		return;
	}
	r = pane_mailbox_take_retrieved(s->pm);
	if (s->want_open != 0 && mb != NULL &&
	    (e = mailbox_find(mb, s->want_open)) != NULL &&
	    (e->stored != 0 || (s->want_header && e->header != NULL))) {
		bool full = screen_open_stored(s, s->want_open, e);

		if (!full)
			pane_message_open(s->pmsg, s->want_open, e->header,
			    e->header_len, false);
		if (!full && e->preview != NULL)
			pane_message_preview(s->pmsg, e->preview,
			    e->preview_len, e->preview_lines);
		pane_mailbox_select(s->pm, s->want_open);
		s->want_open = 0;
		screen_mark(s, D_LAYOUT);
	} else if (r != 0 && mb != NULL && (e = mailbox_find(mb, r)) != NULL &&
	    e->stored != 0) {
		/* A RETR typed by hand opens what it fetched. */
		screen_open_stored(s, r, e);
		pane_mailbox_select(s->pm, r);
		screen_mark(s, D_LAYOUT);
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
	screen_notice(s, exit_code == 3 ? ROLE_WARNING : ROLE_HINT,
	    "session closed: %s", why != NULL ? why : "");
	if (s->quitting)
		loop_break(s->loop);
	else if (s->connect_line != NULL) {
		pane_message_close(s->pmsg);
		s->want_open = 0;
		loop_timer_reset(s->connect_timer, 0);
		screen_mark(s, D_LAYOUT);
	}
	screen_mark(s, D_ALL & ~D_LAYOUT);
}

static const struct driver_ops screen_ops = {
	.line = on_line,
	.status = on_status,
	.mailbox = on_mailbox,
	.closed = on_closed,
};

static void
draw_panes(struct screen *s)
{
	const struct driver_status *st = screen_status(s);
	char prog[96];

	if ((s->dirty & D_TRANSCRIPT) && s->win[LAYOUT_TRANSCRIPT]) {
		pane_transcript_draw(s->pt, s->win[LAYOUT_TRANSCRIPT],
		    s->focus == LAYOUT_TRANSCRIPT);
		wnoutrefresh(s->win[LAYOUT_TRANSCRIPT]);
	}
	if ((s->dirty & D_TRANSCRIPT) && s->wlesson != NULL)
		lesson_panel_draw(s);
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
		screen_windows_make(s);
	if (s->help && s->whelp != NULL) {
		if (s->dirty & D_STATUS)
			status_draw(s);
		s->help_scroll = help_draw(s->whelp, s->help_scroll);
		wnoutrefresh(s->whelp);
		status_draw_hint(s);
		curs_set(0);
		doupdate();
		s->dirty = 0;
		return;
	}
	if (s->dirty & D_STATUS)
		status_draw(s);
	draw_panes(s);
	if (s->dirty & D_HINT)
		status_draw_hint(s);
	cursor = s->focus == LAYOUT_COMPOSER || s->prompt != PROMPT_NONE;
	/* The composer goes last so the terminal cursor ends there. */
	if (s->win[LAYOUT_COMPOSER] != NULL)
		prompt_draw(s);
	curs_set(cursor ? 1 : 0);
	doupdate();
	s->dirty = 0;
	if (s->bench && s->key_t0 > 0 && s->bench_n < BENCH_MAX) {
		s->bench_key[s->bench_n] = s->key_last;
		s->bench_ms[s->bench_n++] = loop_now_ms() - s->key_t0;
		s->key_t0 = 0;
	}
}

void
screen_on_winch(void *arg)
{
	struct screen *s = arg;
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	screen_mark(s, D_ALL);
}

static void
on_term(void *arg)
{
	struct screen *s = arg;

	s->quitting = true;
	if (screen_connected(s))
		driver_close(s->drv, "terminated by a signal; no QUIT sent");
	loop_break(s->loop);
}

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
	    screen_leave_quit_timer, s);
	loop_timer_stop(s->quit_timer);
	/* Retrieved messages are viewed: the driver spools them. */
	s->opts.drv.spool_messages = true;
	s->connect_timer = loop_timer_add(s->loop, 0, false,
	    screen_leave_connect_timer, s);
	loop_timer_stop(s->connect_timer);
	s->drv = driver_new(s->loop, &s->opts.drv, &screen_ops, s);
	pane_transcript_set_reader(s->pt, screen_kept_read, s);
	if (s->bench)
		screen_bench_fill(s);

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
	loop_watch_add(s->loop, STDIN_FILENO, POLLIN, screen_keys_on_stdin, s);
	loop_signal(s->loop, SIGWINCH, screen_on_winch, s);
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
		screen_replay_to(s, 1);
	else if (target != NULL) {
		if (driver_connect(s->drv, target, &e) == -1)
			screen_notice(s, ROLE_WARNING,
			    "cannot connect to %s: %s",
			    target, e ? e : "bad URL");
	} else
		screen_notice(s, ROLE_HINT, "not connected: type /connect "
		    "pop3://user@host (F1 help, Ctrl-Q quit)");
	if (first_run && s->replay == NULL)
		screen_notice(s, ROLE_MESSAGE_MODE,
		    "Welcome! F1 or /help shows every "
		    "key and command, Tab completes, Ctrl-O moves between "
		    "panes, Ctrl-Q quits.");
	rc = loop_run(s->loop);
	endwin();
	if (rc == -1)
		fprintf(stderr, "mailbench: poll: %s\n", strerror(errno));
	if (s->bench)
		screen_bench_report(s);
	loop_set_hook(s->loop, NULL, NULL);
	driver_free(s->drv);
	s->drv = NULL;
	loop_timer_del(s->sync_timer);
	loop_timer_del(s->quit_timer);
	loop_timer_del(s->connect_timer);
	screen_windows_free(s);
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
