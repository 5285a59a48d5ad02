/* SPDX-License-Identifier: MIT */
/* The status bar (session, TLS, state, pending deletions, timings; the
 * least important dropped first when narrow) and the hint line. */

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/caps.h"
#include "proto/hint.h"
#include "proto/session.h"
#include "base/util.h"
#include "front/driver.h"
#include "ui/layout.h"
#include "ui/pane-composer.h"
#include "front/wbcmd.h"
#include "ui/screen-int.h"
#include "ui/width.h"
#include "version.h"

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

void
status_draw(struct screen *s)
{
	const struct driver_status *st = screen_status(s);
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

void
status_draw_hint(struct screen *s)
{
	const struct driver_status *st = screen_status(s);
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
	} else if (screen_send_prompt(s) != NULL) {
		snprintf(b, sizeof(b), " /send asks: %s  (Enter answers; Esc "
		    "or /cancel stops the guided send)", screen_send_prompt(s));
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

		hint_line(screen_facts(s, &f), line, len, &h);
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
			    hint_expects(screen_facts(s, &f)));
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
		    hint_expects(screen_facts(s, &f)));
	}
	width_trim(b);
	used = width_draw(w, b, strlen(b), (size_t)cols, a);
	width_pad(w, (size_t)cols - used, a);
	wnoutrefresh(w);
}
