/* SPDX-License-Identifier: MIT */
/* /starttls: EHLO first when the protocol needs it (RFC 3207 4), then
 * STARTTLS/STLS; after the handshake, capabilities asked again (RFC 3207
 * 4.2, RFC 2595 4). From here on TLS is required: a refusal ends the
 * session (the hub's session_starttls_reply). */
#include <stdlib.h>
#include <string.h>

#include "proto/session-int.h"
#include "base/util.h"

enum starttls_step {
	STARTTLS_WAIT,		/* for the greeting */
	STARTTLS_HELLO,		/* EHLO out */
	STARTTLS_UPGRADE,	/* STARTTLS/STLS out */
	STARTTLS_REFRESH,	/* capabilities asked again over TLS */
};

struct starttls_run {
	enum starttls_step	 step;
	bool			 refresh_after_tls;
};

static struct starttls_run *
run_of(const struct session *s)
{
	return s->apriv;
}

static void *
starttls_new(void)
{
	return xcalloc(1, sizeof(struct starttls_run));
}

static void
starttls_free(void *v)
{
	free(v);
}

static void
starttls_go(struct session *s)
{
	struct starttls_run	*r = run_of(s);
	const char		*verb = s->ops->starttls_verb;

	if (s->ops->hello_needed(s) && r->step == STARTTLS_WAIT) {
		/* RFC 3207 4: STARTTLS follows EHLO; ask for capabilities
		 * first so we can see STARTTLS is offered. */
		r->step = STARTTLS_HELLO;
		s->ops->caps_request(s, 0);
		return;
	}
	if (s->caps_known && !s->ops->offers_starttls(&s->caps))
		session_info(s, PEV_F_WARNING, "the server did not advertise "
		    "%s; trying anyway", verb);
	r->step = STARTTLS_UPGRADE;
	r->refresh_after_tls = true;
	session_send_action(s, verb, strlen(verb), 0);
}

static int
starttls_begin(struct session *s, const char *arg, size_t len,
    const char **errstr_r)
{
	(void)arg;
	(void)len;
	if (s->tls) {
		*errstr_r = "/starttls: the connection is already TLS";
		return -1;
	}
	s->tls_required = true;
	if (!s->greeted) {
		s->wait_greeting = true;
		session_info(s, 0, "/starttls: waiting for the greeting");
		return 0;
	}
	starttls_go(s);
	return 0;
}

static void
starttls_greeted(struct session *s)
{
	if (run_of(s)->step == STARTTLS_WAIT)
		starttls_go(s);
}

static void
starttls_reply(struct session *s, const struct pending *h,
    const struct reply_line *rl, bool positive)
{
	struct starttls_run	*r = run_of(s);

	(void)h;
	(void)rl;
	if (r->step == STARTTLS_HELLO) {
		if (!positive)
			session_fail(s, FAIL_TLS, "TLS was asked for and the "
			    "server refused EHLO, so STARTTLS cannot follow: "
			    "the session ends here and nothing more is sent in "
			    "plain text");
		else
			starttls_go(s);
	} else if (r->step == STARTTLS_REFRESH)
		session_action_end(s, 0, NULL);
}

static void
starttls_tls_done(struct session *s)
{
	struct starttls_run	*r = run_of(s);

	if (!r->refresh_after_tls)
		return;
	r->refresh_after_tls = false;
	r->step = STARTTLS_REFRESH;
	s->ops->caps_request(s, 0);
}

const struct session_action_ops action_starttls_ops = {
	.verb = "STARTTLS",
	.fact = FACTS_ACTION_STARTTLS,
	.wrong_proto = "/starttls is not offered here",
	.new = starttls_new,
	.free = starttls_free,
	.begin = starttls_begin,
	.greeted = starttls_greeted,
	.on_reply = starttls_reply,
	.tls_done = starttls_tls_done,
};
