/* SPDX-License-Identifier: MIT */
/* The /load planner: CAPA if needed, STAT and LIST, then UIDL and TOP n 0
 * (or RETR) for every listed message, pipelined when the server offers
 * PIPELINING (RFC 2449 6.6), one at a time otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/limits.h"
#include "proto/pop3.h"
#include "proto/session-int.h"
#include "base/util.h"

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

void
load_clear(struct session *s)
{
	free(s->load_nums);
	s->load_nums = NULL;
	s->load_n = s->load_next = s->load_total = s->load_done = 0;
	s->load_inflight = 0;
}

static void
phase_stat(struct session *s)
{
	s->load_pipelining = s->caps_known && s->caps.pipelining;
	s->load_top = !s->caps_known || s->caps.top;
	s->load_uidl = !s->caps_known || s->caps.uidl;
	s->load_total = 2;
	session_send_action(s, "STAT", 4, LOAD_STAT);
	if (s->load_pipelining && s->action == ACTION_LOAD)
		session_send_action(s, "LIST", 4, LOAD_LIST);
}

int
load_start(struct session *s, const char **errstr_r)
{
	if (s->state != POP3_STATE_TRANSACTION) {
		*errstr_r = "/load: log in first (/auth USER name)";
		return -1;
	}
	load_clear(s);
	s->load_early = false;
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
	size_t	window = s->load_pipelining ? LOAD_WINDOW : 1;
	size_t	nitems = s->load_n + (s->load_uidl ? 1 : 0);
	size_t	i;
	char	line[64];
	int	n;

	while (s->action == ACTION_LOAD && s->load_inflight < window &&
	    s->load_next < nitems) {
		i = s->load_next++;
		if (s->load_uidl && i == 0)
			n = snprintf(line, sizeof(line), "UIDL");
		else {
			uint64_t num = s->load_nums[i - (s->load_uidl ? 1 : 0)];

			n = snprintf(line, sizeof(line), s->load_top ?
			    "TOP %llu 0" : "RETR %llu",
			    (unsigned long long)num);
		}
		s->load_inflight++;
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
	size_t	 u = s->load_uidl ? 1 : 0;
	size_t	 sent = s->load_next > u ? s->load_next - u : 0;
	size_t	 i, k;
	uint64_t *plan;

	for (i = 0; i < n && i < s->load_n && nums[i] == i + 1; i++)
		;
	if (i == n && n == s->load_n) {
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
	free(s->load_nums);
	s->load_nums = plan;
	s->load_n = sent + (n - k);
	s->load_total = 2 + u + s->load_n;
	session_info(s, PEV_F_WARNING, "/load: LIST numbers the messages "
	    "otherwise than STAT's count said; following LIST");
}

void
load_body(struct session *s, const struct pending *h, const char *body,
    size_t len)
{
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
	if (s->load_early) {
		early_list(s, nums, cnt);
		return;
	}
	free(s->load_nums);
	s->load_nums = nums;
	s->load_n = cnt;
}

/* What the items will be, said before the first goes out. */
static void
plan_said(struct session *s)
{
	if (!s->load_uidl)
		session_info(s, 0, "/load: CAPA does not list UIDL; "
		    "skipping unique ids");
	if (!s->load_top)
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
	const char	*t = rl->text;
	size_t		 n = 0, i;
	uint64_t	 count;

	if (!s->load_pipelining || s->ndele > 0 || t == NULL)
		return;
	while (n < rl->text_len && t[n] >= '0' && t[n] <= '9')
		n++;
	if (parse_uint(t, n, LIMIT_PENDING / 2, &count) == -1 || count == 0)
		return;
	free(s->load_nums);
	s->load_nums = xmalloc((size_t)count * sizeof(*s->load_nums));
	for (i = 0; i < (size_t)count; i++)
		s->load_nums[i] = i + 1;
	s->load_n = (size_t)count;
	s->load_early = true;
	s->load_total += s->load_n + (s->load_uidl ? 1 : 0);
	plan_said(s);
	pump(s);
}

void
load_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	switch ((enum load_tag)h->tag) {
	case LOAD_CAPA:
		if (!positive)
			session_info(s, PEV_F_WARNING, "/load: no CAPA; "
			    "sending one command at a time");
		phase_stat(s);
		break;
	case LOAD_STAT:
		s->load_done++;
		if (!positive) {
			session_action_end(s, PEV_F_NEGATIVE, "/load: STAT "
			    "failed");
			break;
		}
		if (!s->load_pipelining)
			session_send_action(s, "LIST", 4, LOAD_LIST);
		else
			early_stat(s, rl);
		break;
	case LOAD_LIST:
		s->load_done++;
		if (!positive) {
			session_action_end(s, PEV_F_NEGATIVE, "/load: LIST "
			    "failed");
			break;
		}
		if (s->load_n == 0) {
			session_action_end(s, 0, "/load: the mailbox is empty");
			break;
		}
		/* Early, the plan was said and counted at STAT. */
		if (!s->load_early) {
			plan_said(s);
			s->load_total += s->load_n + (s->load_uidl ? 1 : 0);
		}
		pump(s);
		break;
	case LOAD_ITEM:
		s->load_done++;
		if (s->load_inflight > 0)
			s->load_inflight--;
		pump(s);
		if (s->action == ACTION_LOAD && s->load_done >= s->load_total) {
			char	msg[128];

			snprintf(msg, sizeof(msg), "/load: done, %zu "
			    "message(s) in %zu replies", s->load_n,
			    s->load_done);
			session_action_end(s, PEV_F_POSITIVE, msg);
		}
		break;
	}
}
