/* SPDX-License-Identifier: MIT */
/* Unit tests for the SMTP engine (proto/smtp.c through proto/session.c),
 * driven by scripted server bytes; each script is also fed byte by byte
 * and in random splits with identical results. */
#include "proto/limits.h"
#include "tests/unit/engine-script.h"

#define EHLO_REPLY \
	"250-lab.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n" \
	"250 AUTH PLAIN LOGIN CRAM-MD5\r\n"
#define EHLO_T \
	"C: EHLO x\n" \
	"S: 250-lab.example\n" \
	"S: 250-PIPELINING\n" \
	"S: 250-STARTTLS\n" \
	"S: 250 AUTH PLAIN LOGIN CRAM-MD5\n" \
	"* EHLO -> READY\n"

/* A hand-typed transaction: states, message mode, dot-stuffing shown as
 * it went on the wire, "." ends it. */
static void
test_transaction(void)
{
	static const struct step steps[] = {
		{ 'S', "220 lab.example ESMTP\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', EHLO_REPLY },
		{ 'U', "MAIL FROM:<a@example.org>" },
		{ 'S', "250 2.1.0 Ok\r\n" },
		{ 'U', "RCPT TO:<b@example.org>" },
		{ 'S', "250 2.1.5 Ok\r\n" },
		{ 'U', "DATA" },
		{ 'S', "354 End data with <CR><LF>.<CR><LF>\r\n" },
		{ 'U', "Subject: hi" },
		{ 'U', "" },
		{ 'U', ".leading dot" },
		{ 'U', ".." },
		{ 'U', "." },
		{ 'S', "250 2.0.0 Ok: queued\r\n" },
		{ 'U', "QUIT" },
		{ 'S', "221 2.0.0 Bye\r\n" },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 lab.example ESMTP\n"
	    "* GREETING -> EHLO\n"
	    EHLO_T
	    "C: MAIL FROM:<a@example.org>\n"
	    "S: 250 2.1.0 Ok\n"
	    "* READY -> MAIL\n"
	    "C: RCPT TO:<b@example.org>\n"
	    "S: 250 2.1.5 Ok\n"
	    "* MAIL -> RCPT\n"
	    "C: DATA\n"
	    "S: 354 End data with <CR><LF>.<CR><LF>\n"
	    "* RCPT -> DATA\n"
	    "* message mode: type the message; lines are dot-stuffed, a lone "
	    ". ends it\n"
	    "C: Subject: hi\n"
	    "C: \n"
	    "C: ..leading dot\n"
	    "C: ...\n"
	    "C: .\n"
	    "S: 250 2.0.0 Ok: queued\n"
	    "* DATA -> READY\n"
	    "C: QUIT\n"
	    "S: 221 2.0.0 Bye\n"
	    "* READY -> CLOSED\n"
	    "* the server answered QUIT\n",
	    "EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "DATA\r\nSubject: hi\r\n\r\n..leading dot\r\n...\r\n.\r\n"
	    "QUIT\r\n");
}

/* Message mode flags and the session's view while in it. */
static void
test_message_mode(void)
{
	struct session		*s = session_new(REPLY_SMTP, NULL);
	struct proto_event	 ev;
	unsigned		 flags = 0;

	session_input(s, "220 x\r\n", 7);
	session_submit(s, "DATA", 4, NULL);
	session_input(s, "354 go\r\n", 8);
	CHECK(session_message_mode(s));
	{
		struct session_facts f;

		session_facts(s, &f);
		CHECK(f.message_mode);
	}
	while (session_event(s, &ev) == 1)
		;
	session_submit(s, ".x", 2, NULL);
	while (session_event(s, &ev) == 1)
		if (ev.kind == PEV_SENT)
			flags = ev.flags;
	CHECK(flags & PEV_F_STUFFED);
	CHECK(flags & PEV_F_BODY);
	session_submit(s, ".", 1, NULL);
	CHECK(!session_message_mode(s));
	CHECK(session_waiting(s));
	session_free(s);
}

/* /starttls: EHLO first, STARTTLS, injected bytes dropped and reported,
 * capabilities forgotten, EHLO again over TLS. */
static void
test_starttls(void)
{
	static const struct step steps[] = {
		{ 'U', "/starttls" },
		{ 'S', "220 lab.example ESMTP\r\n" },
		{ 'S', EHLO_REPLY },
		{ 'S', "220 2.0.0 Ready to start TLS\r\n250 injected\r\n" },
		{ 'T', NULL },
		{ 'S', "250-lab.example\r\n250 AUTH PLAIN\r\n" },
	};
	struct session_options	opts = { .ehlo_domain = "x" };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "* /starttls: waiting for the greeting\n"
	    "S: 220 lab.example ESMTP\n"
	    "* GREETING -> EHLO\n"
	    EHLO_T
	    "C: STARTTLS\n"
	    "S: 220 2.0.0 Ready to start TLS\n"
	    "* starting TLS handshake\n"
	    "* discarded 14 bytes the server sent after the STARTTLS reply "
	    "and before TLS (possible injection; never obeyed)\n"
	    "* capabilities forgotten after TLS (RFC 3207 4.2); ask again "
	    "with EHLO\n"
	    "* READY -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250-lab.example\n"
	    "S: 250 AUTH PLAIN\n"
	    "* EHLO -> READY\n",
	    "EHLO x\r\nSTARTTLS\r\nEHLO x\r\n");
}

/* /starttls refused when already TLS; STARTTLS refusal keeps plain. */
static void
test_starttls_refused(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250 x\r\n" },
		{ 'U', "/starttls" },
		{ 'S', "454 4.7.0 TLS not available\r\n" },
	};
	struct session_options	tls = { .tls = true };
	struct session		*s;
	const char		*err = NULL;

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250 x\n"
	    "* EHLO -> READY\n"
	    "* the server did not advertise STARTTLS; trying anyway\n"
	    "C: STARTTLS\n"
	    "S: 454 4.7.0 TLS not available\n"
	    "* TLS was asked for and the server refused STARTTLS (454): the "
	    "connection is not encrypted, so the session ends here and nothing "
	    "more is sent in plain text; try again later, or use the "
	    "implicit-TLS port (smtps://, 465)\n", NULL);
	s = session_new(REPLY_SMTP, &tls);
	CHECK_INT(session_submit(s, "/starttls", 9, &err), -1);
	CHECK_STR(err, "/starttls: the connection is already TLS");
	session_free(s);
}

/* STARTTLS stripping (Poddebniak et al. 2021, curl CVE-2021-22946): with
 * TLS asked for, a STARTTLS answered with 250 or 354 fails the session
 * (FAIL_TLS) and nothing typed afterwards reaches the wire; typed by hand
 * without --starttls, the same answers only warn and keep the connection
 * plain (no upgrade either way). */
static void
test_starttls_stripped(void)
{
	static const char *const answers[] = { "250 2.0.0 ok\r\n",
	    "354 go on\r\n", "454 4.7.0 later\r\n" };
	struct session_options	 req = { .starttls = true };
	struct script_out	 o;
	struct session		*s;
	size_t			 i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		struct step steps[] = {
			{ 'S', "220 x\r\n" },
			{ 'U', "/starttls" },
			{ 'S', "250-x\r\n250 STARTTLS\r\n" },
			{ 'S', answers[i] },
			{ 'U', "AUTH PLAIN AGFhAGI=" },
			{ 'U', "MAIL FROM:<a@b>" },
		};

		s = script_run(REPLY_SMTP, &req, steps, NSTEPS(steps), 0, 0,
		    &o, false);
		CHECK_INT(o.fails, 1);
		CHECK(strchr(o.kinds.data, 'U') == NULL);	/* no upgrade */
		CHECK_STR(o.wire.data, "EHLO localhost\r\nSTARTTLS\r\n");
		CHECK(!session_tls(s));
		session_free(s);
		script_out_clear(&o);
	}
	{
		/* Typed STARTTLS, TLS not required: a warning, plain on. */
		static const struct step steps[] = {
			{ 'S', "220 x\r\n" },
			{ 'U', "STARTTLS" },
			{ 'S', "250 2.0.0 ok\r\n" },
			{ 'U', "NOOP" },
		};

		script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
		    "S: 220 x\n"
		    "* GREETING -> EHLO\n"
		    "C: STARTTLS\n"
		    "S: 250 2.0.0 ok\n"
		    "* STARTTLS answered with 250, not 220 (RFC 3207 4): no "
		    "TLS, the connection stays in plain text\n"
		    "C: NOOP\n", "STARTTLS\r\nNOOP\r\n");
	}
}

/* With --starttls, nothing carrying a secret leaves before TLS: a typed
 * AUTH (and its answers) or /auth is refused, not sent. */
static void
test_secret_before_tls(void)
{
	struct session_options	 req = { .starttls = true };
	struct session		*s = session_new(REPLY_SMTP, &req);
	const char		*err = NULL;
	struct script_out	 o;
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250 AUTH PLAIN\r\n" },
		{ 'U', "AUTH PLAIN AGFhAGI=" },
		{ 'U', "AUTH LOGIN" },
		{ 'U', "NOOP" },
	};

	CHECK_INT(session_submit(s, "AUTH PLAIN AGFhAGI=", 19, &err), -1);
	CHECK(err != NULL && strstr(err, "TLS was asked for") != NULL);
	session_free(s);
	s = script_run(REPLY_SMTP, &req, steps, NSTEPS(steps), 0, 0, &o,
	    false);
	CHECK_STR(o.wire.data, "EHLO x\r\nNOOP\r\n");
	session_free(s);
	script_out_clear(&o);
}

/* /auth PLAIN over TLS: initial response, redacted. */
static void
test_auth_plain(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', EHLO_REPLY },
		{ 'U', "/auth PLAIN tim" },
		{ 'P', "tanstaaf" },
		{ 'S', "235 2.7.0 Authentication successful\r\n" },
	};
	struct session_options	opts = { .tls = true };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    EHLO_T
	    "* password for tim (PLAIN):\n"
	    "C: AUTH PLAIN ********\n"
	    "S: 235 2.7.0 Authentication successful\n"
	    "* authenticated as tim (PLAIN)\n",
	    "EHLO x\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n");
}

/* /auth on a plain connection whose EHLO lists STARTTLS but no AUTH: the
 * password is never sent (refused before it is asked for, or, when the
 * EHLO comes from /auth itself, after); a typed AUTH still goes out. */
static void
test_auth_cleartext_refused(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250 STARTTLS\r\n" },
		{ 'U', "/auth PLAIN tim" },
	};
	static const struct step late[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "/auth PLAIN tim" },
		{ 'P', "tanstaaf" },
		{ 'S', "250-x\r\n250 STARTTLS\r\n" },
		{ 'U', "NOOP" },
	};
	struct session_options	opts = { .ehlo_domain = "x" };

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250 STARTTLS\n"
	    "* EHLO -> READY\n"
	    "* /auth: not sent: on this unencrypted connection the server's "
	    "EHLO lists STARTTLS, not AUTH with this mechanism; /starttls "
	    "first (then EHLO shows AUTH); a password in the clear can be "
	    "read on the way (RFC 4616 1, RFC 3207 4)\n",
	    "EHLO x\r\n");
	script_check(REPLY_SMTP, &opts, late, NSTEPS(late),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "* password for tim (PLAIN):\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250 STARTTLS\n"
	    "* EHLO -> READY\n"
	    "* /auth: not sent: on this unencrypted connection the server's "
	    "EHLO lists STARTTLS, not AUTH with this mechanism; /starttls "
	    "first (then EHLO shows AUTH); a password in the clear can be "
	    "read on the way (RFC 4616 1, RFC 3207 4)\n"
	    "C: NOOP\n",
	    "EHLO x\r\nNOOP\r\n");
}

/* /auth LOGIN: two 334 continuations, both answers redacted; the user is
 * sent as base64 of the name, the password as base64 of the secret. EHLO
 * is sent first when it has not been. */
static void
test_auth_login(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "/auth login tim" },
		{ 'P', "secret" },
		{ 'S', "250-x\r\n250 AUTH LOGIN\r\n" },
		{ 'S', "334 VXNlcm5hbWU6\r\n" },
		{ 'S', "334 UGFzc3dvcmQ6\r\n" },
		{ 'S', "535 5.7.8 bad credentials\r\n" },
	};
	struct session_options	opts = { .ehlo_domain = "x" };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "* password for tim (LOGIN):\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250 AUTH LOGIN\n"
	    "* EHLO -> READY\n"
	    "* sending credentials over a connection that is not encrypted\n"
	    "C: AUTH LOGIN\n"
	    "S: 334 VXNlcm5hbWU6\n"
	    "C: ********\n"
	    "S: 334 UGFzc3dvcmQ6\n"
	    "C: ********\n"
	    "S: 535 5.7.8 bad credentials\n"
	    "* authentication failed as tim (LOGIN), 535 5.7.8: wrong user "
	    "name or password (or the account may not log in); check both "
	    "and /auth again\n",
	    "EHLO x\r\nAUTH LOGIN\r\ndGlt\r\nc2VjcmV0\r\n");
}

/* RFC 4954 4: Esc while AUTH LOGIN waits for its first 334 says so at
 * once; "*" (not secret) answers the challenge when it comes, and the
 * 501 that follows ends /auth as cancelled, not as a failed login. The
 * password never goes out. */
static void
test_auth_cancel(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250 AUTH LOGIN\r\n" },
		{ 'U', "/auth login tim" },
		{ 'P', "secret" },
		{ 'C', "" },
		{ 'C', "" },
		{ 'S', "334 VXNlcm5hbWU6\r\n" },
		{ 'S', "501 5.0.0 Authentication cancelled\r\n" },
	};
	struct session_options	opts = { .ehlo_domain = "x", .tls = true };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250 AUTH LOGIN\n"
	    "* EHLO -> READY\n"
	    "* password for tim (LOGIN):\n"
	    "C: AUTH LOGIN\n"
	    "* cancel requested: \"*\" answers the server's next challenge "
	    "(RFC 4954 4)\n"
	    "S: 334 VXNlcm5hbWU6\n"
	    "* cancelling the AUTH exchange: \"*\" answers the challenge "
	    "(RFC 4954 4)\n"
	    "C: *\n"
	    "S: 501 5.0.0 Authentication cancelled\n"
	    "* /auth cancelled\n",
	    "EHLO x\r\nAUTH LOGIN\r\n*\r\n");
}

/* A cancel that comes too late: the server answers AUTH PLAIN's initial
 * response at once, so no "*" is sent and the outcome is reported. */
static void
test_auth_cancel_late(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "/auth plain tim" },
		{ 'P', "tanstaaf" },
		{ 'S', "250-x\r\n250 AUTH PLAIN\r\n" },
		{ 'C', "" },
		{ 'S', "235 2.7.0 ok\r\n" },
		{ 'C', "" },
	};
	struct session_options	opts = { .ehlo_domain = "x", .tls = true };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "* password for tim (PLAIN):\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250 AUTH PLAIN\n"
	    "* EHLO -> READY\n"
	    "C: AUTH PLAIN ********\n"
	    "* cancel requested: \"*\" answers the server's next challenge "
	    "(RFC 4954 4)\n"
	    "S: 235 2.7.0 ok\n"
	    "* the server answered AUTH before a challenge came, so the "
	    "cancel was not sent\n"
	    "* authenticated as tim (PLAIN)\n",
	    "EHLO x\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n");
}

/* EHLO lines read through reply.c: an enhanced code in front of each
 * keyword (some servers send one) does not hide the keyword. */
static void
test_ehlo_enhanced(void)
{
	static const char	 r[] = "250-2.0.0 mx.example\r\n"
	    "250-2.0.0 PIPELINING\r\n250 2.0.0 SIZE 1000\r\n";
	struct session		*s = session_new(REPLY_SMTP, NULL);

	session_input(s, "220 x\r\n", 7);
	session_submit(s, "EHLO x", 6, NULL);
	session_input(s, r, sizeof(r) - 1);
	CHECK(session_caps_known(s));
	CHECK(session_caps(s)->pipelining);
	CHECK_INT(session_caps(s)->size, 1000);
	session_free(s);
}

/* An EHLO domain longer than any fixed line buffer still goes out whole
 * (it once was cut at 300 bytes and read past the buffer). */
static void
test_long_ehlo_domain(void)
{
	char			 dom[401];
	struct session_options	 opts = { .ehlo_domain = dom };
	struct session		*s;
	struct buf		*w;

	memset(dom, 'd', sizeof(dom) - 1);
	dom[sizeof(dom) - 1] = '\0';
	s = session_new(REPLY_SMTP, &opts);
	session_input(s, "220 x\r\n", 7);
	CHECK_INT(session_submit(s, "/starttls", 9, NULL), 0);
	w = session_output(s);
	CHECK_INT(w->len, 5 + 400 + 2);
	CHECK(w->len > 5 && memcmp(w->data, "EHLO ", 5) == 0 &&
	    memcmp(w->data + 5, dom, 400) == 0);
	session_free(s);
}

/* /auth CRAM-MD5 with the RFC 2195 2 example challenge and answer. */
static void
test_auth_cram(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', EHLO_REPLY },
		{ 'U', "/auth CRAM-MD5 tim" },
		{ 'P', "tanstaaftanstaaf" },
		{ 'S', "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5u"
		    "ZXQ+\r\n" },
		{ 'S', "235 Ok\r\n" },
	};
	struct session_options	opts = { .tls = true };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    EHLO_T
	    "* password for tim (CRAM-MD5):\n"
	    "C: AUTH CRAM-MD5\n"
	    "S: 334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n"
	    "C: ********\n"
	    "S: 235 Ok\n"
	    "* authenticated as tim (CRAM-MD5)\n",
	    "EHLO x\r\nAUTH CRAM-MD5\r\n"
	    "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
}

/* Typed AUTH PLAIN with an initial response is redacted after the
 * mechanism; a typed 334 answer is redacted whole; "*" is not. */
static void
test_typed_auth(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "AUTH PLAIN AHRpbQB0YW5zdGFhZg==" },
		{ 'S', "535 no\r\n" },
		{ 'U', "AUTH LOGIN" },
		{ 'S', "334 VXNlcm5hbWU6\r\n" },
		{ 'U', "*" },
		{ 'S', "501 cancelled\r\n" },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: AUTH PLAIN ********\n"
	    "S: 535 no\n"
	    "C: AUTH LOGIN\n"
	    "S: 334 VXNlcm5hbWU6\n"
	    "* the server waits for a SASL response: type it (base64), or * "
	    "to cancel; it is shown as ********\n"
	    "C: *\n"
	    "S: 501 cancelled\n", NULL);
}

/* /send on a plain connection to a server offering STARTTLS and AUTH:
 * STARTTLS, EHLO again, AUTH PLAIN as the URL's user (the password asked
 * with PEV_NEED_SECRET), then MAIL, RCPT... and DATA pipelined (RFC 2920);
 * display names kept in To:; one of two recipients refused; the outcome
 * line says so, with the queue id from the final 250. */
static void
test_send_pipelined(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "/send" },
		{ 'U', "a@example.org" },
		{ 'U', "Bob <b@example.org>" },
		{ 'U', "c@example.org" },
		{ 'U', "" },
		{ 'U', "Hello" },
		{ 'U', "line one" },
		{ 'U', ".dot" },
		{ 'U', "." },
		{ 'S', EHLO_REPLY },
		{ 'S', "220 2.0.0 Ready to start TLS\r\n" },
		{ 'T', NULL },
		{ 'S', EHLO_REPLY },
		{ 'P', "secret" },
		{ 'S', "235 2.7.0 Authentication successful\r\n" },
		{ 'S', "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 unknown\r\n"
		    "354 go\r\n" },
		{ 'S', "250 2.0.0 Ok: queued as 4Xyz9ABC12\r\n" },
	};
	struct session_options	opts = { .ehlo_domain = "x",
	    .now = 1700000000, .user = "tim" };

	script_check(REPLY_SMTP, &opts, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "* From (sender address):\n"
	    "* /send: sender <a@example.org>\n"
	    "* To (recipient address):\n"
	    "* /send: recipient <b@example.org>\n"
	    "* To (another recipient, empty line ends):\n"
	    "* /send: recipient <c@example.org>\n"
	    "* To (another recipient, empty line ends):\n"
	    "* Subject:\n"
	    "* /send: subject \"Hello\"\n"
	    "* Body (a lone . ends the message):\n"
	    EHLO_T
	    "* /send: the server offers STARTTLS and the connection is "
	    "plain: starting TLS first (RFC 3207)\n"
	    "C: STARTTLS\n"
	    "S: 220 2.0.0 Ready to start TLS\n"
	    "* starting TLS handshake\n"
	    "* capabilities forgotten after TLS (RFC 3207 4.2); ask again "
	    "with EHLO\n"
	    "* READY -> EHLO\n"
	    "* /send: TLS is on; asking EHLO again\n"
	    "C: EHLO x\n"
	    "S: 250-lab.example\n"
	    "S: 250-PIPELINING\n"
	    "S: 250-STARTTLS\n"
	    "S: 250 AUTH PLAIN LOGIN CRAM-MD5\n"
	    "* EHLO -> READY\n"
	    "* password for tim (AUTH PLAIN, for /send):\n"
	    "C: AUTH PLAIN ********\n"
	    "S: 235 2.7.0 Authentication successful\n"
	    "* /send: authenticated as tim (PLAIN)\n"
	    "C: MAIL FROM:<a@example.org>\n"
	    "C: RCPT TO:<b@example.org>\n"
	    "C: RCPT TO:<c@example.org>\n"
	    "C: DATA\n"
	    "S: 250 2.1.0 Ok\n"
	    "* READY -> MAIL\n"
	    "S: 250 2.1.5 Ok\n"
	    "* MAIL -> RCPT\n"
	    "S: 550 5.1.1 unknown\n"
	    "S: 354 go\n"
	    "* RCPT -> DATA\n"
	    "C: Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
	    "C: From: <a@example.org>\n"
	    "C: To: Bob <b@example.org>,\n"
	    "C:  <c@example.org>\n"
	    "C: Subject: Hello\n"
	    "C: Message-ID: <1700000000.0.9.mailbench@example.org>\n"
	    "C: MIME-Version: 1.0\n"
	    "C: Content-Type: text/plain; charset=UTF-8\n"
	    "C: Content-Transfer-Encoding: 7bit\n"
	    "C: \n"
	    "C: line one\n"
	    "C: ..dot\n"
	    "C: .\n"
	    "S: 250 2.0.0 Ok: queued as 4Xyz9ABC12\n"
	    "* DATA -> READY\n"
	    "* /send: message accepted for 1 of 2 recipients "
	    "(c@example.org refused: 550 5.1.1); queued as 4Xyz9ABC12\n", NULL);
}

/* /send without PIPELINING: one command at a time; all recipients
 * refused -> RSET and no DATA. */
static void
test_send_sequential(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250 x\r\n" },
		{ 'U', "/send" },
		{ 'U', "a@example.org" },
		{ 'U', "b@example.org" },
		{ 'U', "" },
		{ 'U', "s" },
		{ 'U', "." },
		{ 'S', "250 Ok\r\n" },
		{ 'S', "550 no\r\n" },
		{ 'S', "250 reset\r\n" },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250 x\n"
	    "* EHLO -> READY\n"
	    "* From (sender address):\n"
	    "* /send: sender <a@example.org>\n"
	    "* To (recipient address):\n"
	    "* /send: recipient <b@example.org>\n"
	    "* To (another recipient, empty line ends):\n"
	    "* Subject:\n"
	    "* /send: subject \"s\"\n"
	    "* Body (a lone . ends the message):\n"
	    "* /send: no AUTH offered: sending unauthenticated\n"
	    "C: MAIL FROM:<a@example.org>\n"
	    "S: 250 Ok\n"
	    "* READY -> MAIL\n"
	    "C: RCPT TO:<b@example.org>\n"
	    "S: 550 no\n"
	    "C: RSET\n"
	    "S: 250 reset\n"
	    "* MAIL -> READY\n"
	    "* /send: not sent: the recipient b@example.org was refused, 550: "
	    "refused for good: read the server's words above; retrying the "
	    "same /send will not help\n",
	    "EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
	    "RSET\r\n");
}

/* /send recipients: a comma-separated list (a quoted name with a comma
 * and Name <addr> forms included) gives one RCPT each; a line with a
 * space is refused with the reason, and while no recipient is accepted
 * the prompt still asks for the first one (not "another"). */
static void
test_send_recipient_list(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250 x\r\n" },
		{ 'U', "/send" },
		{ 'U', "Ann <a@example.org>" },
		{ 'U', "Hello there" },
		{ 'U', "b@example.org, \"Doe, J\" <c@example.org>;d@example.org" },
		{ 'U', "" },
		{ 'U', "s" },
		{ 'U', "." },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250 x\n"
	    "* EHLO -> READY\n"
	    "* From (sender address):\n"
	    "* /send: sender <a@example.org>\n"
	    "* To (recipient address):\n"
	    "* not a usable recipient address \"Hello there\": it holds a "
	    "space: type an address such as user@example.org (several: "
	    "separate them with commas)\n"
	    "* To (recipient address):\n"
	    "* /send: recipient <b@example.org>\n"
	    "* /send: recipient <c@example.org>\n"
	    "* /send: recipient <d@example.org>\n"
	    "* To (another recipient, empty line ends):\n"
	    "* Subject:\n"
	    "* /send: subject \"s\"\n"
	    "* Body (a lone . ends the message):\n"
	    "* /send: no AUTH offered: sending unauthenticated\n"
	    "C: MAIL FROM:<a@example.org>\n",
	    "EHLO x\r\nMAIL FROM:<a@example.org>\r\n");
}

/* A To answer that is not an address ("." meant for the body, "QUIT" meant
 * for the server, a name with no @domain) is refused with the reason and
 * the prompt asked again; "Postmaster" alone is an address (RFC 5321
 * 4.1.1.3). */
static void
test_send_recipient_not_address(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250 x\r\n" },
		{ 'U', "/send" },
		{ 'U', "a@example.org" },
		{ 'U', "." },
		{ 'U', "QUIT" },
		{ 'U', "b@, @c, d@e@f" },
		{ 'U', "Postmaster" },
		{ 'U', "" },
		{ 'U', "s" },
		{ 'U', "." },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250 x\n"
	    "* EHLO -> READY\n"
	    "* From (sender address):\n"
	    "* /send: sender <a@example.org>\n"
	    "* To (recipient address):\n"
	    "* not a usable recipient address \".\": not an address "
	    "(user@domain): type one such as user@example.org, or /cancel to "
	    "leave the form\n"
	    "* To (recipient address):\n"
	    "* not a usable recipient address \"QUIT\": not an address "
	    "(user@domain): type one such as user@example.org, or /cancel to "
	    "leave the form\n"
	    "* To (recipient address):\n"
	    "* not a usable recipient address \"b@\": not an address "
	    "(user@domain): type one such as user@example.org, or /cancel to "
	    "leave the form\n"
	    "* not a usable recipient address \"@c\": not an address "
	    "(user@domain): type one such as user@example.org, or /cancel to "
	    "leave the form\n"
	    "* not a usable recipient address \"d@e@f\": not an address "
	    "(user@domain): type one such as user@example.org, or /cancel to "
	    "leave the form\n"
	    "* To (recipient address):\n"
	    "* /send: recipient <Postmaster>\n"
	    "* To (another recipient, empty line ends):\n"
	    "* Subject:\n"
	    "* /send: subject \"s\"\n"
	    "* Body (a lone . ends the message):\n"
	    "* /send: no AUTH offered: sending unauthenticated\n"
	    "C: MAIL FROM:<a@example.org>\n",
	    "EHLO x\r\nMAIL FROM:<a@example.org>\r\n");
}

/* 8-bit message text after a MAIL FROM without BODY=8BITMIME or SMTPUTF8
 * is pointed out once per message (RFC 6152 3); declared, it is not. */
static void
test_8bit_undeclared(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "MAIL FROM:<a@b>" },
		{ 'S', "250 ok\r\n" },
		{ 'U', "RCPT TO:<c@d>" },
		{ 'S', "250 ok\r\n" },
		{ 'U', "DATA" },
		{ 'S', "354 go\r\n" },
		{ 'U', "caf\xc3\xa9" },
		{ 'U', "\xc3\xa9t\xc3\xa9" },
		{ 'U', "." },
		{ 'S', "250 queued\r\n" },
		{ 'U', "MAIL FROM:<a@b> body=8bitmime" },
		{ 'S', "250 ok\r\n" },
		{ 'U', "RCPT TO:<c@d>" },
		{ 'S', "250 ok\r\n" },
		{ 'U', "DATA" },
		{ 'S', "354 go\r\n" },
		{ 'U', "caf\xc3\xa9" },
		{ 'U', "." },
	};
	struct script_out	 o;
	struct session		*s;
	const char		*w = "* 8-bit text, but MAIL FROM did not declare "
	    "BODY=8BITMIME (RFC 6152 3) or SMTPUTF8";
	const char		*first;

	s = script_run(REPLY_SMTP, NULL, steps, NSTEPS(steps), 0, 0, &o,
	    false);
	first = strstr(o.transcript.data, w);
	CHECK(first != NULL);
	/* once: not for the second 8-bit line, not after BODY=8BITMIME */
	CHECK(first != NULL && strstr(first + 1, w) == NULL);
	CHECK(first != NULL && strstr(o.transcript.data, "C: caf\xc3\xa9\n") <
	    first);
	session_free(s);
	script_out_clear(&o);
}

/* /send keeps the sender's display name in From: as typed when it is an
 * RFC 5322 phrase, quoted when it holds specials, RFC 2047 encoded when
 * it is not ASCII; MAIL FROM gets the address alone. */
static void
test_send_from_name(void)
{
	static const struct {
		const char	*typed, *header;
	} cases[] = {
		{ "Ann Smith <a@example.org>", "C: From: Ann Smith <a@example.org>\n" },
		{ "\"Doe, J.\" <a@example.org>", "C: From: \"Doe, J.\" <a@example.org>\n" },
		{ "Ren\xc3\xa9" "e <a@example.org>",
		  "C: From: =?UTF-8?B?UmVuw6ll?= <a@example.org>\n" },
		{ "a@example.org", "C: From: <a@example.org>\n" },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct step steps[] = {
			{ 'S', "220 x\r\n" },
			{ 'U', "EHLO x" },
			{ 'S', "250-x\r\n250 PIPELINING\r\n" },
			{ 'U', "/send" },
			{ 'U', cases[i].typed },
			{ 'U', "b@example.org" },
			{ 'U', "" },
			{ 'U', "s" },
			{ 'U', "." },
			{ 'S', "250 ok\r\n250 ok\r\n354 go\r\n" },
		};
		struct script_out	 o;
		struct session		*s;

		s = script_run(REPLY_SMTP, NULL, steps, NSTEPS(steps), 0, 0,
		    &o, false);
		CHECK(strstr(o.transcript.data, cases[i].header) != NULL);
		CHECK(strstr(o.transcript.data,
		    "C: MAIL FROM:<a@example.org>") != NULL);
		if (strstr(o.transcript.data, cases[i].header) == NULL)
			fprintf(stderr, "%s", o.transcript.data);
		session_free(s);
		script_out_clear(&o);
	}
}

/* Pipelined by hand: three commands, replies pair in order (seq). */
static void
test_pairing(void)
{
	struct session		*s = session_new(REPLY_SMTP, NULL);
	struct proto_event	 ev;
	uint64_t		 sent[3], got[3];
	size_t			 ns = 0, ng = 0;

	session_input(s, "220 x\r\n", 7);
	session_submit(s, "NOOP", 4, NULL);
	session_submit(s, "VRFY a", 6, NULL);
	session_submit(s, "NOOP", 4, NULL);
	session_input(s, "250 a\r\n252 b\r\n250 c\r\n", 21);
	while (session_event(s, &ev) == 1) {
		if (ev.kind == PEV_SENT && ns < 3)
			sent[ns++] = ev.seq;
		if (ev.kind == PEV_REPLY && ev.seq != 0 && ng < 3) {
			got[ng] = ev.seq;
			if (ng == 1) {
				CHECK_STR(ev.verb, "VRFY");
				CHECK_INT(ev.code, 252);
				CHECK(ev.arg_len == 1 && ev.arg[0] == 'a');
			}
			ng++;
		}
	}
	CHECK_INT(ns, 3);
	CHECK_INT(ng, 3);
	CHECK(sent[0] == got[0] && sent[1] == got[1] && sent[2] == got[2]);
	CHECK(sent[0] != sent[1]);
	CHECK(!session_waiting(s));
	session_free(s);
}

/* Hostile: code change inside a reply, 421 unsolicited, close
 * mid-reply, unsolicited reply with nothing waiting. */
static void
test_hostile(void)
{
	static const struct step change[] = {
		{ 'S', "220-a\r\n250 b\r\n" },
	};
	static const struct step shutdown[] = {
		{ 'S', "220 x\r\n" },
		{ 'S', "421 4.3.2 shutting down\r\n" },
	};
	static const struct step cut[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250-SIZE" },
		{ 'E', NULL },
	};

	script_check(REPLY_SMTP, NULL, change, NSTEPS(change),
	    "S: 220-a\n"
	    "S: 250 b\xe2\x80\xa6 [cut: reply code changed inside a multi-line "
	    "reply; 5 bytes]\n"
	    "* reply code changed inside a multi-line reply\n", "");
	script_check(REPLY_SMTP, NULL, shutdown, NSTEPS(shutdown),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "S: 421 4.3.2 shutting down\n"
	    "* unsolicited reply: no command was waiting for it\n"
	    "* EHLO -> CLOSED\n"
	    "* the server is closing the connection\n", "");
	script_check(REPLY_SMTP, NULL, cut, NSTEPS(cut),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "C: EHLO x\n"
	    "S: 250-x\n"
	    "S: 250-SIZE\xe2\x80\xa6 [cut: connection closed mid-line; 8 bytes]\n"
	    "* connection closed in the middle of a reply\n", NULL);
}

/* EHLO capabilities are parsed and each explained on a "= " line; TLS
 * forgets them. */
static void
test_caps(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', EHLO_REPLY },
	};
	struct script_out	 o;
	struct session		*s;
	const struct caps	*c;
	size_t			 i, caps_lines = 0;

	s = script_run(REPLY_SMTP, NULL, steps, NSTEPS(steps), 0, 0, &o, true);
	CHECK(session_caps_known(s));
	c = session_caps(s);
	CHECK(c->pipelining);
	CHECK(c->starttls);
	CHECK(c->auth != NULL && strstr(c->auth, "CRAM-MD5") != NULL);
	/* One "= " line for the reply, then one per capability (3). */
	for (i = 0; i < o.kinds.len; i++)
		if (o.kinds.data[i] == 'M')
			caps_lines++;
	CHECK_INT(caps_lines, 1 + 1 + 3);
	session_free(s);
	script_out_clear(&o);
}

/* "/cancel" abandons a guided /send; nothing goes on the wire. */
static void
test_send_cancel(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "/send" },
		{ 'U', "a@example.org" },
		{ 'U', "/cancel" },
		{ 'U', "NOOP" },
	};

	script_check(REPLY_SMTP, NULL, steps, NSTEPS(steps),
	    "S: 220 x\n"
	    "* GREETING -> EHLO\n"
	    "* From (sender address):\n"
	    "* /send: sender <a@example.org>\n"
	    "* To (recipient address):\n"
	    "* /send cancelled\n"
	    "C: NOOP\n", "NOOP\r\n");
}

/* A /send that ended with its pipelined MAIL still out (the recipient
 * does not fit in a RCPT line), then a new /send: the MAIL reply belongs
 * to the earlier run, so it is shown but not acted on while the new form
 * is open (before run ids, the new /send took it as its own and sent a
 * RCPT for a recipient it did not have: the session fuzzer's NULL
 * strlen). */
static void
test_send_stale_reply(void)
{
	static char		 rcpt[LIMIT_COMMAND_LINE + 16];
	struct step		 steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250 PIPELINING\r\n" },
		{ 'U', "/send" },
		{ 'U', "a@example.org" },
		{ 'U', rcpt },
		{ 'U', "" },
		{ 'U', "hi" },
		{ 'U', "." },
		{ 'U', "/send" },
		{ 'S', "250 2.1.0 Ok\r\n" },
	};
	struct script_out	 o;
	struct session		*s;
	struct session_facts	 f;
	const char		*prompt;
	int			 mode;

	memset(rcpt, 'b', sizeof(rcpt) - 1);
	memcpy(rcpt + sizeof(rcpt) - 13, "@example.org", 12);
	rcpt[sizeof(rcpt) - 1] = '\0';
	for (mode = 0; mode < 2; mode++) {
		s = script_run(REPLY_SMTP, NULL, steps, NSTEPS(steps), mode, 0,
		    &o, false);
		CHECK(strstr(o.transcript.data, "* /send: an address does not "
		    "fit in a command line\n") != NULL);
		CHECK(strstr(o.transcript.data, "S: 250 2.1.0 Ok\n") != NULL);
		/* The wire: EHLO and the first run's MAIL, nothing after. */
		CHECK_INT(o.wire.len, strlen("EHLO x\r\n"
		    "MAIL FROM:<a@example.org>\r\n"));
		CHECK(memcmp(o.wire.data, "EHLO x\r\n"
		    "MAIL FROM:<a@example.org>\r\n", o.wire.len) == 0);
		/* The new form is still open at its first question. */
		CHECK(session_prompting(s, &prompt));
		CHECK_STR(prompt, "From (sender address):");
		session_facts(s, &f);
		CHECK_INT(f.action, FACTS_ACTION_SEND);
		CHECK(f.mail_accepted);
		session_free(s);
		script_out_clear(&o);
	}
}

/* session_tls_done with no upgrade asked for (no PEV_TLS_UPGRADE) is
 * ignored: the session does not start over under a running /send, whose
 * form stays open with nothing sent. The session fuzzer found /send
 * answering an EHLO of its own while its form was still open. */
static void
test_tls_done_unasked(void)
{
	static const struct step steps[] = {
		{ 'S', "220 x\r\n" },
		{ 'U', "EHLO x" },
		{ 'S', "250-x\r\n250 PIPELINING\r\n" },
		{ 'U', "/send" },
		{ 'T', NULL },
		{ 'S', "250 late\r\n" },
	};
	struct script_out	 o;
	struct session		*s;
	const char		*prompt;
	int			 mode;

	for (mode = 0; mode < 2; mode++) {
		s = script_run(REPLY_SMTP, NULL, steps, NSTEPS(steps), mode, 0,
		    &o, false);
		CHECK(!session_tls(s));
		CHECK_INT(o.wire.len, strlen("EHLO x\r\n"));
		CHECK(strstr(o.transcript.data, "capabilities forgotten") ==
		    NULL);
		CHECK(session_prompting(s, &prompt));
		CHECK_STR(prompt, "From (sender address):");
		session_free(s);
		script_out_clear(&o);
	}
}

static const struct test tests[] = {
	{ "smtp EHLO keywords after enhanced codes", test_ehlo_enhanced },
	{ "smtp EHLO with a 400-byte domain", test_long_ehlo_domain },
	{ "smtp /auth cancelled before the 334: * answers it",
	    test_auth_cancel },
	{ "smtp /auth cancel after the final reply is not sent",
	    test_auth_cancel_late },
	{ "smtp /send cancelled", test_send_cancel },
	{ "smtp a stale /send run's reply is not acted on",
	    test_send_stale_reply },
	{ "smtp TLS done with no upgrade asked for is ignored",
	    test_tls_done_unasked },
	{ "smtp EHLO capabilities", test_caps },
	{ "smtp typed transaction with message mode", test_transaction },
	{ "smtp message mode flags", test_message_mode },
	{ "smtp /starttls with injected bytes", test_starttls },
	{ "smtp /starttls refused", test_starttls_refused },
	{ "smtp STARTTLS answered with 250, 354 or 454 under --starttls",
	    test_starttls_stripped },
	{ "smtp no secret before TLS with --starttls", test_secret_before_tls },
	{ "smtp /auth PLAIN", test_auth_plain },
	{ "smtp /auth refused in the clear before STARTTLS",
	    test_auth_cleartext_refused },
	{ "smtp /auth LOGIN with EHLO first", test_auth_login },
	{ "smtp /auth CRAM-MD5 (RFC 2195)", test_auth_cram },
	{ "smtp typed AUTH redaction", test_typed_auth },
	{ "smtp /send pipelined", test_send_pipelined },
	{ "smtp /send sequential, all refused", test_send_sequential },
	{ "smtp /send recipient list and refusals", test_send_recipient_list },
	{ "smtp /send refuses a recipient that is no address",
	    test_send_recipient_not_address },
	{ "smtp 8-bit text without BODY=8BITMIME", test_8bit_undeclared },
	{ "smtp /send From: display name", test_send_from_name },
	{ "smtp pipelined pairing", test_pairing },
	{ "smtp hostile peer", test_hostile },
};

TEST_MAIN("smtp", tests)
