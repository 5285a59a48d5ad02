/* SPDX-License-Identifier: MIT */
/* The /load planner: CAPA if needed, STAT and LIST, then UIDL and TOP n 0
 * (or RETR) for every listed message, pipelined when the server offers
 * PIPELINING (RFC 2449 6.6), one at a time otherwise. /cancel stops it:
 * nothing more goes out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/limits.h"
#include "proto/pop3.h"
#include "proto/session-int.h"
#include "base/util.h"

/* One run of /load (s->apriv). */
struct load {
	uint64_t	*load_nums;
	size_t		 load_n, load_next, load_total, load_done,
			 load_inflight;
	bool		 load_pipelining, load_top, load_uidl;
};

enum load_tag {
	LOAD_CAPA,
	LOAD_STAT,
	LOAD_LIST,
	LOAD_ITEM,
};

/* Commands in flight at once when pipelining: one write for any usual
 * mailbox, and a bound so a huge one does not fill both socket buffers
 * (RFC 2920 3.1 warns of that deadlock for SMTP; POP3 is no different). */
#define LOAD_WINDOW	1000

static struct load *
load_of(const struct session *s)
{
	return s->apriv;
}

static bool
loading(const struct session *s)
{
	return session_action_is(s, &action_load_ops);
}

static void *
load_new(void)
{
	return xcalloc(1, sizeof(struct load));
}

static void
load_free(void *v)
{
	struct load	*l = v;

	if (l == NULL)
		return;
	free(l->load_nums);
	free(l);
}

static void
phase_stat(struct session *s)
{
	struct load	*l = load_of(s);

	l->load_pipelining = s->caps_known && s->caps.pipelining;
	l->load_top = !s->caps_known || s->caps.top;
	l->load_uidl = !s->caps_known || s->caps.uidl;
	l->load_total = 2;
	session_send_action(s, "STAT", 4, LOAD_STAT);
	if (l->load_pipelining && loading(s))
		session_send_action(s, "LIST", 4, LOAD_LIST);
}

static int
load_start(struct session *s, const char **errstr_r)
{
	if (pop3_state(s) != POP3_STATE_TRANSACTION) {
		*errstr_r = "/load: log in first (/auth USER name)";
		return -1;
	}
	session_info(s, 0, "/load: building the mailbox view");
	if (!s->caps_known)
		session_send_action(s, "CAPA", 4, LOAD_CAPA);
	else
		phase_stat(s);
	return 0;
}

static void
pump(struct session *s)
{
	struct load	*l = load_of(s);
	size_t	window = l->load_pipelining ? LOAD_WINDOW : 1;
	size_t	nitems = l->load_n + (l->load_uidl ? 1 : 0);
	size_t	i;
	char	line[64];
	int	n;

	while (loading(s) && l->load_inflight < window &&
	    l->load_next < nitems) {
		i = l->load_next++;
		if (l->load_uidl && i == 0)
			n = snprintf(line, sizeof(line), "UIDL");
		else {
			uint64_t num = l->load_nums[i - (l->load_uidl ? 1 : 0)];

			n = snprintf(line, sizeof(line), l->load_top ?
			    "TOP %llu 0" : "RETR %llu",
			    (unsigned long long)num);
		}
		l->load_inflight++;
		session_send_action(s, line, (size_t)n, LOAD_ITEM);
	}
}

static void
load_body(struct session *s, const struct pending *h, const char *body,
    size_t len)
{
	struct load	*l = load_of(s);
	const char	*p = body, *end = body + len, *nl;
	size_t		 n;
	uint64_t	 num;

	if (h->tag != LOAD_LIST)
		return;
	free(l->load_nums);
	l->load_nums = NULL;
	l->load_n = 0;
	/* RFC 1939 5: "scan listing": message number, space, size. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = 0;
		while (p + n < end && p[n] >= '0' && p[n] <= '9')
			n++;
		if (parse_uint(p, n, UINT64_MAX, &num) == 0 &&
		    l->load_n < LIMIT_PENDING / 2) {
			if ((l->load_n & (l->load_n - 1)) == 0)
				l->load_nums = xrealloc(l->load_nums,
				    (l->load_n ? l->load_n * 2 : 1) *
				    sizeof(*l->load_nums));
			l->load_nums[l->load_n++] = num;
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

static void
load_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	struct load	*l = load_of(s);

	(void)rl;
	switch ((enum load_tag)h->tag) {
	case LOAD_CAPA:
		if (!positive)
			session_info(s, PEV_F_WARNING, "/load: no CAPA; "
			    "sending one command at a time");
		phase_stat(s);
		break;
	case LOAD_STAT:
		l->load_done++;
		if (!positive) {
			session_action_end(s, PEV_F_NEGATIVE, "/load: STAT "
			    "failed");
			break;
		}
		if (!l->load_pipelining)
			session_send_action(s, "LIST", 4, LOAD_LIST);
		break;
	case LOAD_LIST:
		l->load_done++;
		if (!positive) {
			session_action_end(s, PEV_F_NEGATIVE, "/load: LIST "
			    "failed");
			break;
		}
		if (l->load_n == 0) {
			session_action_end(s, 0, "/load: the mailbox is empty");
			break;
		}
		if (!l->load_uidl)
			session_info(s, 0, "/load: CAPA does not list UIDL; "
			    "skipping unique ids");
		if (!l->load_top)
			session_info(s, PEV_F_WARNING, "/load: CAPA does not "
			    "list TOP, so whole messages are fetched with "
			    "RETR");
		l->load_total += l->load_n + (l->load_uidl ? 1 : 0);
		pump(s);
		break;
	case LOAD_ITEM:
		l->load_done++;
		if (l->load_inflight > 0)
			l->load_inflight--;
		pump(s);
		if (loading(s) && l->load_done >= l->load_total) {
			char	msg[128];

			snprintf(msg, sizeof(msg), "/load: done, %zu "
			    "message(s) in %zu replies", l->load_n,
			    l->load_done);
			session_action_end(s, PEV_F_POSITIVE, msg);
		}
		break;
	}
}

static int
load_begin(struct session *s, const char *arg, size_t len,
    const char **errstr_r)
{
	(void)arg;
	(void)len;
	if (!s->greeted) {
		s->wait_greeting = true;
		return 0;
	}
	return load_start(s, errstr_r);
}

static void
load_greeted(struct session *s)
{
	const char	*err;

	if (load_start(s, &err) == -1)
		session_action_end(s, PEV_F_NEGATIVE, err);
}

/* /cancel: nothing more goes out; the replies to what is already on the
 * way still come and are shown, but belong to no /load any more. */
static void
load_cancel(struct session *s)
{
	struct load	*l = load_of(s);
	char		 msg[160];

	snprintf(msg, sizeof(msg), "/load cancelled after %zu of %zu "
	    "replies; %zu command(s) already sent still get theirs",
	    l->load_done, l->load_total, s->fifo_len);
	session_action_end(s, 0, msg);
}

static bool
load_cancellable(const struct session *s)
{
	(void)s;
	return true;
}

static void
load_progress(const struct session *s, size_t *done_r, size_t *total_r)
{
	const struct load *l = load_of(s);

	*done_r = l->load_done;
	*total_r = l->load_total;
}

const struct session_action_ops action_load_ops = {
	.verb = "LOAD",
	.fact = FACTS_ACTION_LOAD,
	.wrong_proto = "/load is for POP3 sessions",
	.new = load_new,
	.free = load_free,
	.begin = load_begin,
	.greeted = load_greeted,
	.on_reply = load_reply,
	.on_body = load_body,
	.cancel = load_cancel,
	.cancellable = load_cancellable,
	.progress = load_progress,
};
