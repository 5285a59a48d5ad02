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

/* Commands in flight at once when pipelining: one write for any usual
 * mailbox, and a bound so a huge one does not fill both socket buffers
 * (RFC 2920 3.1 warns of that deadlock for SMTP; POP3 is no different). */
#define LOAD_WINDOW	1000

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

void
load_body(struct session *s, const struct pending *h, const char *body,
    size_t len)
{
	const char	*p = body, *end = body + len, *nl;
	size_t		 n;
	uint64_t	 num;

	if (h->tag != LOAD_LIST)
		return;
	free(s->load_nums);
	s->load_nums = NULL;
	s->load_n = 0;
	/* RFC 1939 5: "scan listing": message number, space, size. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = 0;
		while (p + n < end && p[n] >= '0' && p[n] <= '9')
			n++;
		if (parse_uint(p, n, UINT64_MAX, &num) == 0 &&
		    s->load_n < LIMIT_PENDING / 2) {
			if ((s->load_n & (s->load_n - 1)) == 0)
				s->load_nums = xrealloc(s->load_nums,
				    (s->load_n ? s->load_n * 2 : 1) *
				    sizeof(*s->load_nums));
			s->load_nums[s->load_n++] = num;
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

void
load_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	(void)rl;
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
		if (!s->load_uidl)
			session_info(s, 0, "/load: CAPA does not list UIDL; "
			    "skipping unique ids");
		if (!s->load_top)
			session_info(s, PEV_F_WARNING, "/load: CAPA does not "
			    "list TOP, so whole messages are fetched with "
			    "RETR");
		s->load_total += s->load_n + (s->load_uidl ? 1 : 0);
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
