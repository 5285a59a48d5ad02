/* SPDX-License-Identifier: MIT */
/* Ways out of a session: leaving the workbench (QUIT or close) and
 * /connect from an open session, asking first when DELE marks are pending
 * (SPEC: every way out asks). */

#include <stdlib.h>
#include <string.h>

#include "net/loop.h"
#include "base/util.h"
#include "front/driver.h"
#include "ui/layout.h"
#include "ui/screen-int.h"

void
screen_leave_quit_timer(void *arg)
{
	struct screen *s = arg;

	loop_break(s->loop);
}

/* Leave: politely QUIT when nothing would be deleted, else as chosen. */
void
screen_leave(struct screen *s, bool send_quit)
{
	const struct driver_status *st = screen_status(s);

	s->quitting = true;
	/* In message mode or at a secret prompt, "QUIT" would be taken as
	 * message text or as the secret: close instead. */
	if (st != NULL && (st->message_mode || st->secret_wanted))
		send_quit = false;
	if (s->replay != NULL) {
		loop_break(s->loop);
		return;
	}
	if (screen_connected(s) && send_quit) {
		driver_submit(s->drv, "QUIT", 4);
		loop_timer_reset(s->quit_timer, QUIT_WAIT_MS);
		screen_notice(s, ROLE_HINT,
		    "QUIT sent; leaving when the server "
		    "answers");
		return;
	}
	/* With marks pending, the driver adds that the server keeps them. */
	if (screen_connected(s))
		driver_close(s->drv, "closed without QUIT");
	loop_break(s->loop);
}

/* The /connect asked for with "y" once QUIT was answered; from a timer,
 * not from inside the driver's close callback. */
void
screen_leave_connect_timer(void *arg)
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
	screen_mark(s, D_ALL);
}

/* /connect leaves this session: with DELE marks pending, ask first
 * (SPEC: every way out asks), as QUIT does. */
void
screen_leave_ask_connect(struct screen *s, const char *line, size_t len)
{
	size_t n = screen_pending_deletions(s);

	free(s->connect_line);
	s->connect_line = xstrndup(line, len);
	s->prompt = PROMPT_CONNECT;
	screen_notice(s, ROLE_WARNING,
	    "%zu message%s marked for deletion.  y: QUIT "
	    "first (deletions become PERMANENT), then connect  n: connect "
	    "without QUIT (the server keeps them)  Esc: stay", n,
	    n == 1 ? "" : "s");
}

void
screen_leave_ask_quit(struct screen *s)
{
	size_t n = screen_pending_deletions(s);

	/* A replay has no server: nothing to QUIT, nothing to lose. */
	if (n == 0 || s->replay != NULL) {
		screen_leave(s, true);
		return;
	}
	s->prompt = PROMPT_QUIT;
	screen_notice(s, ROLE_WARNING,
	    "%zu message%s marked for deletion: QUIT makes "
	    "%s PERMANENT.  y: QUIT (delete)  n: leave without QUIT (keep "
	    "all)  Esc: stay", n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
}
