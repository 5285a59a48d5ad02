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
	bool		 load_early;	/* TOPs went out from STAT's count
					 * before LIST answered */
};

enum load_tag {
	LOAD_CAPA,
	LOAD_STAT,
	LOAD_LIST,
	LOAD_ITEM,
};

/* Commands in flight at once when pipelining. With 1000, a client kept
 * from reading for a moment (a busy machine) found the server had answered
 * all of them and sat idle; 2048 TOP replies are more than the socket
 * buffers hold, so the server stops on a full buffer, not for want of a
 * command. Larger windows only grow the FIFO (80 bytes a command). The
 * deadlock RFC 2920 3.1 warns of is a client that blocks writing while
 * the server blocks writing its replies; the loop reads whenever it can. */
#define LOAD_WINDOW	2048

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

/* LIST answered after the TOPs went out from STAT's count (1..count): if
 * it lists other numbers (a server that numbers otherwise), the items not
 * yet sent follow its list, past the highest number already asked for;
 * a TOP already sent for a number LIST lacks gets its -ERR like any. */
static void
early_list(struct session *s, uint64_t *nums, size_t n)
{
	struct load	*l = load_of(s);
	size_t	 u = l->load_uidl ? 1 : 0;
	size_t	 sent = l->load_next > u ? l->load_next - u : 0;
	size_t	 count = l->load_n;	/* STAT's, planned as 1..count */
	size_t	 i, k;
	uint64_t *plan;

	for (i = 0; i < n && i < l->load_n && nums[i] == i + 1; i++)
		;
	if (i == n && n == l->load_n) {
		free(nums);	/* as planned: 1..count */
		return;
	}
	/* pump() takes load_nums[load_next - u]: numbers 1..sent went out,
	 * LIST's numbers above them follow. */
	for (k = 0; k < n && nums[k] <= sent; k++)
		;
	plan = xmalloc((sent + (n - k) + 1) * sizeof(*plan));
	for (i = 0; i < sent; i++)
		plan[i] = i + 1;
	if (n > k)
		memcpy(plan + sent, nums + k, (n - k) * sizeof(*plan));
	free(nums);
	free(l->load_nums);
	l->load_nums = plan;
	l->load_n = sent + (n - k);
	l->load_total = 2 + u + l->load_n;
	session_info(s, PEV_F_WARNING, "/load: LIST does not number the "
	    "messages 1 to %zu as STAT's count implied; the TOPs still to "
	    "send follow LIST (one already sent for a missing number gets "
	    "-ERR)", count);
}

static void
load_body(struct session *s, const struct pending *h, const char *body,
    size_t len)
{
	struct load	*l = load_of(s);
	const char	*p = body, *end = body + len, *nl;
	size_t		 n, cnt = 0;
	uint64_t	 num, *nums = NULL;

	if (h->tag != LOAD_LIST)
		return;
	/* RFC 1939 5: "scan listing": message number, space, size. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = 0;
		while (p + n < end && p[n] >= '0' && p[n] <= '9')
			n++;
		if (parse_uint(p, n, UINT64_MAX, &num) == 0 &&
		    cnt < LIMIT_PENDING / 2) {
			if ((cnt & (cnt - 1)) == 0)
				nums = xrealloc(nums, (cnt ? cnt * 2 : 1) *
				    sizeof(*nums));
			nums[cnt++] = num;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (l->load_early) {
		early_list(s, nums, cnt);
		return;
	}
	free(l->load_nums);
	l->load_nums = nums;
	l->load_n = cnt;
}

/* What the items will be, said before the first goes out. */
static void
plan_said(struct session *s)
{
	struct load	*l = load_of(s);
	if (!l->load_uidl)
		session_info(s, 0, "/load: CAPA does not list UIDL; "
		    "skipping unique ids");
	if (!l->load_top)
		session_info(s, PEV_F_WARNING, "/load: CAPA does not "
		    "list TOP, so whole messages are fetched with RETR");
}

/* STAT's count, when the TOPs may go out before LIST answers: with
 * PIPELINING, and no DELE marked in this session, the messages are
 * numbered 1..count (RFC 1939 5: deleted messages are the only ones
 * LIST and STAT leave out), so the server never waits for the client to
 * read the whole scan listing before its next command arrives. */
static void
early_stat(struct session *s, const struct reply_line *rl)
{
	struct load	*l = load_of(s);
	const char	*t = rl->text;
	size_t		 n = 0, i;
	uint64_t	 count;

	if (!l->load_pipelining || s->ops->pending_deletions(s) > 0 ||
	    t == NULL)
		return;
	while (n < rl->text_len && t[n] >= '0' && t[n] <= '9')
		n++;
	if (parse_uint(t, n, LIMIT_PENDING / 2, &count) == -1 || count == 0)
		return;
	free(l->load_nums);
	l->load_nums = xmalloc((size_t)count * sizeof(*l->load_nums));
	for (i = 0; i < (size_t)count; i++)
		l->load_nums[i] = i + 1;
	l->load_n = (size_t)count;
	l->load_early = true;
	l->load_total += l->load_n + (l->load_uidl ? 1 : 0);
	plan_said(s);
	pump(s);
}

static void
load_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	struct load	*l = load_of(s);

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
		else
			early_stat(s, rl);
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
		/* Early, the plan was said and counted at STAT. */
		if (!l->load_early) {
			plan_said(s);
			l->load_total += l->load_n + (l->load_uidl ? 1 : 0);
		}
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
	char		 msg[200];

	snprintf(msg, sizeof(msg), "/load cancelled after %zu of %zu "
	    "replies: nothing more is sent; the %zu command(s) already sent "
	    "still get their replies",
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
