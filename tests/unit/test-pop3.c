/* SPDX-License-Identifier: MIT */
/* Unit tests for the POP3 engine (proto/pop3.c through proto/session.c)
 * and proto/mailbox.c, driven by scripted server bytes. Every script is
 * also fed byte by byte and in random splits with identical results. */
#include <stdlib.h>

#include "proto/limits.h"
#include "proto/mailbox.h"
#include "tests/unit/engine-script.h"

#define GREETING "+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n"

/* USER/PASS typed by hand: PASS redacted, state change, QUIT. */
static void
test_login(void)
{
	static const struct step steps[] = {
		{ 'S', GREETING },
		{ 'U', "USER student" },
		{ 'S', "+OK\r\n" },
		{ 'U', "PASS student" },
		{ 'S', "+OK logged in\r\n" },
		{ 'U', "QUIT" },
		{ 'S', "+OK bye\r\n" },
		{ 'E', NULL },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: USER student\n"
	    "S: +OK\n"
	    "C: PASS ********\n"
	    "S: +OK logged in\n"
	    "* AUTHORIZATION -> TRANSACTION\n"
	    "C: QUIT\n"
	    "S: +OK bye\n"
	    "* TRANSACTION -> UPDATE\n"
	    "* the server answered QUIT\n"
	    "* UPDATE -> CLOSED\n"
	    "* connection closed by the server\n",
	    "USER student\r\nPASS student\r\nQUIT\r\n");
}

/* RFC 1939 7 example: APOP digest for "tanstaaf", redacted. */
static void
test_apop(void)
{
	static const struct step steps[] = {
		{ 'S', GREETING },
		{ 'U', "/auth APOP mrose" },
		{ 'P', "tanstaaf" },
		{ 'S', "+OK mrose's maildrop has 2 messages (320 octets)\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* APOP shared secret for mrose (APOP):\n"
	    "* sending credentials over a connection that is not encrypted\n"
	    "C: APOP mrose ********\n"
	    "S: +OK mrose's maildrop has 2 messages (320 octets)\n"
	    "* AUTHORIZATION -> TRANSACTION\n"
	    "* authenticated as mrose (APOP)\n",
	    "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
}

/* APOP refused when the greeting has no timestamp. */
static void
test_apop_no_timestamp(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "/auth APOP mrose" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* /auth APOP: the greeting had no <timestamp>, so the server "
	    "does not offer APOP (RFC 1939 7)\n", "");
}

/* /auth USER: USER then PASS from the secret; the user from the options. */
static void
test_auth_user(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "/auth user" },
		{ 'P', "pass word" },
		{ 'S', "+OK\r\n" },
		{ 'S', "-ERR [AUTH] invalid password\r\n" },
	};
	struct session_options	opts = { .user = "student" };

	script_check(REPLY_POP3, &opts, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* password for student (USER):\n"
	    "* sending credentials over a connection that is not encrypted\n"
	    "C: USER student\n"
	    "S: +OK\n"
	    "C: PASS ********\n"
	    "S: -ERR [AUTH] invalid password\n"
	    "* authentication failed as student (USER), -ERR [AUTH]: wrong "
	    "user name or password (or the account may not log in); check "
	    "both and /auth again\n",
	    "USER student\r\nPASS pass word\r\n");
}

/* CAPA lists STLS but neither USER nor SASL on a plain connection: /auth
 * USER is refused before asking for the password (RFC 2595 2); a server
 * whose CAPA lists USER gets it as before. */
static void
test_auth_cleartext_refused(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nSTLS\r\nTOP\r\n.\r\n" },
		{ 'U', "/auth USER tim" },
	};
	static const struct step sasl[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nSASL CRAM-MD5\r\nSTLS\r\n.\r\n" },
		{ 'U', "/auth PLAIN tim" },
		{ 'U', "/auth CRAM-MD5 tim" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: STLS\n"
	    "S: TOP\n"
	    "S: .\n"
	    "* /auth: not sent: on this unencrypted connection CAPA lists "
	    "STLS, not this login; /starttls first; a password in the clear "
	    "can be read on the way (RFC 2595 2, RFC 4616 1)\n",
	    "CAPA\r\n");
	/* SASL offered, but not PLAIN (Dovecot before STLS): PLAIN is
	 * refused, CRAM-MD5 (no password on the wire) is asked for. */
	script_check(REPLY_POP3, NULL, sasl, NSTEPS(sasl),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: SASL CRAM-MD5\n"
	    "S: STLS\n"
	    "S: .\n"
	    "* /auth: not sent: on this unencrypted connection CAPA lists "
	    "STLS, not this login; /starttls first; a password in the clear "
	    "can be read on the way (RFC 2595 2, RFC 4616 1)\n"
	    "* password for tim (CRAM-MD5):\n",
	    "CAPA\r\n");
}

/* AUTH PLAIN with no SASL in CAPA: no initial response, "+ " then the
 * payload (RFC 5034 4); over TLS no warning. */
static void
test_auth_plain_continuation(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "/auth plain tim" },
		{ 'P', "tanstaaf" },
		{ 'S', "+ \r\n" },
		{ 'S', "+OK\r\n" },
	};
	struct session_options	opts = { .tls = true };

	script_check(REPLY_POP3, &opts, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* password for tim (PLAIN):\n"
	    "C: AUTH PLAIN\n"
	    "S: + \n"
	    "C: ********\n"
	    "S: +OK\n"
	    "* AUTHORIZATION -> TRANSACTION\n"
	    "* authenticated as tim (PLAIN)\n",
	    "AUTH PLAIN\r\nAHRpbQB0YW5zdGFhZg==\r\n");
}

/* With SASL in CAPA, POP3 AUTH PLAIN carries the initial response. */
static void
test_auth_plain_ir(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nSASL PLAIN\r\n.\r\n" },
		{ 'U', "/auth plain tim" },
		{ 'P', "tanstaaf" },
		{ 'S', "+OK\r\n" },
	};
	struct session_options	opts = { .tls = true };

	script_check(REPLY_POP3, &opts, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: SASL PLAIN\n"
	    "S: .\n"
	    "* password for tim (PLAIN):\n"
	    "C: AUTH PLAIN ********\n"
	    "S: +OK\n"
	    "* AUTHORIZATION -> TRANSACTION\n"
	    "* authenticated as tim (PLAIN)\n",
	    "CAPA\r\nAUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n");
}

/* A typed AUTH LOGIN: the user answers each "+ " and is redacted. */
static void
test_typed_auth_login(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "AUTH LOGIN" },
		{ 'S', "+ VXNlcm5hbWU6\r\n" },
		{ 'U', "dGlt" },
		{ 'S', "+ UGFzc3dvcmQ6\r\n" },
		{ 'U', "c2VjcmV0" },
		{ 'S', "+OK\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: AUTH LOGIN\n"
	    "S: + VXNlcm5hbWU6\n"
	    "* the server waits for a SASL response: type it (base64), or * "
	    "to cancel; it is shown as ********\n"
	    "C: ********\n"
	    "S: + UGFzc3dvcmQ6\n"
	    "* the server waits for a SASL response: type it (base64), or * "
	    "to cancel; it is shown as ********\n"
	    "C: ********\n"
	    "S: +OK\n"
	    "* AUTHORIZATION -> TRANSACTION\n",
	    "AUTH LOGIN\r\ndGlt\r\nc2VjcmV0\r\n");
}

/* RFC 5034 4: Esc on a typed AUTH's "+ " challenge sends "*" (shown, not
 * redacted) and says so; a /auth USER cancelled after USER went out never
 * sends PASS. */
static void
test_auth_cancel(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "AUTH LOGIN" },
		{ 'S', "+ VXNlcm5hbWU6\r\n" },
		{ 'C', "" },
		{ 'S', "-ERR cancelled\r\n" },
		{ 'U', "/auth user tim" },
		{ 'P', "secret" },
		{ 'C', "" },
		{ 'S', "+OK\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: AUTH LOGIN\n"
	    "S: + VXNlcm5hbWU6\n"
	    "* the server waits for a SASL response: type it (base64), or * "
	    "to cancel; it is shown as ********\n"
	    "* cancelling the AUTH exchange: \"*\" answers the challenge "
	    "(RFC 5034 4)\n"
	    "C: *\n"
	    "S: -ERR cancelled\n"
	    "* password for tim (USER):\n"
	    "* sending credentials over a connection that is not encrypted\n"
	    "C: USER tim\n"
	    "* /auth cancelled before anything secret was sent\n"
	    "S: +OK\n",
	    "AUTH LOGIN\r\n*\r\nUSER tim\r\n");
}

/* The typed /cancel does what Esc does: while a typed AUTH waits for the
 * user's answer it sends "*" (never "/cancel" as a SASL response); with
 * nothing under way it is refused and says so. */
static void
test_slash_cancel(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "/cancel" },
		{ 'U', "AUTH PLAIN" },
		{ 'S', "+ \r\n" },
		{ 'U', "/cancel" },
		{ 'S', "-ERR cancelled\r\n" },
	};
	struct session	*s = session_new(REPLY_POP3, NULL);

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* /cancel: nothing to cancel\n"
	    "C: AUTH PLAIN\n"
	    "S: + \n"
	    "* the server waits for a SASL response: type it (base64), or * "
	    "to cancel; it is shown as ********\n"
	    "* cancelling the AUTH exchange: \"*\" answers the challenge "
	    "(RFC 5034 4)\n"
	    "C: *\n"
	    "S: -ERR cancelled\n",
	    "AUTH PLAIN\r\n*\r\n");
	CHECK(!session_cancellable(s));
	session_input(s, "+OK\r\n", 5);
	session_submit(s, "AUTH PLAIN", 10, NULL);
	CHECK(session_cancellable(s));
	session_free(s);
}

/* --max-message: a RETR body fed past the bound (8 MiB here) in 1 MiB
 * pieces ends the session with one clear FAIL_PROTOCOL naming the option
 * once the bound is crossed, not before; the piece is one buffer reused,
 * events drained as they come. */
static void
test_message_limit(void)
{
	static const char	 login[] = "+OK ready\r\n+OK\r\n+OK\r\n";
	const size_t		 piece = 1024 * 1024, line = 1024;
	const uint64_t		 bound = 8u << 20;
	struct session_options	 so = { .max_response = bound };
	struct session		*s = session_new(REPLY_POP3, &so);
	struct proto_event	 ev;
	char			*p = malloc(piece);
	size_t			 i, fed = 0, fails = 0;
	int			 r = 0;
	bool			 ok = true;

	CHECK(p != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < piece; i++)
		p[i] = i % line == line - 2 ? '\r' : i % line == line - 1 ?
		    '\n' : 'x';
	session_submit(s, "USER a", 6, NULL);
	session_submit(s, "PASS b", 6, NULL);
	session_input(s, login, sizeof(login) - 1);
	session_submit(s, "RETR 1", 6, NULL);
	session_input(s, "+OK\r\n", 5);
	while (session_event(s, &ev) == 1)
		;
	while (r == 0 && fed <= bound + piece) {
		r = session_input(s, p, piece);
		fed += piece;
		while (session_event(s, &ev) == 1) {
			if (ev.kind != PEV_FAIL)
				continue;
			fails++;
			ok = ok && ev.fail == FAIL_PROTOCOL &&
			    strstr(ev.text, "RETR response longer than "
			    "--max-message (8 MiB)") != NULL;
		}
	}
	CHECK_INT(r, -1);
	CHECK_INT(fails, 1);
	CHECK(ok);
	/* Failed on the piece that crossed the bound. */
	CHECK(fed > bound && fed <= bound + piece);
	CHECK(session_over(s));
	CHECK_INT(session_input(s, "+OK\r\n", 5), -1);
	session_free(s);
	free(p);
}

/* A well-formed RETR larger than the old 64 MiB cap (80 MiB) is read
 * whole under the default bound: every line comes out as a body event with
 * the verb, and the engine keeps only the header (PEV_F_PARTIAL) with the
 * whole length in total -- memory does not grow with the message. */
static void
test_message_big(void)
{
	static const char	 login[] = "+OK ready\r\n+OK\r\n+OK\r\n";
	static const char	 hdr[] = "Subject: big\r\n\r\n";
	const size_t		 piece = 1024 * 1024, line = 1024;
	const size_t		 npieces = 80;
	struct session		*s = session_new(REPLY_POP3, NULL);
	struct proto_event	 ev;
	char			*p = malloc(piece);
	size_t			 i, lines = 0, bodies = 0, fails = 0;
	uint64_t		 total = 0;
	bool			 ok = true;

	CHECK(p != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < piece; i++)
		p[i] = i % line == line - 2 ? '\r' : i % line == line - 1 ?
		    '\n' : 'x';
	session_submit(s, "USER a", 6, NULL);
	session_submit(s, "PASS b", 6, NULL);
	session_input(s, login, sizeof(login) - 1);
	session_submit(s, "RETR 1", 6, NULL);
	session_input(s, "+OK\r\n", 5);
	session_input(s, hdr, sizeof(hdr) - 1);
	for (i = 0; i <= npieces; i++) {
		if (i == npieces)
			session_input(s, ".\r\n", 3);
		else
			session_input(s, p, piece);
		while (session_event(s, &ev) == 1) {
			if (ev.kind == PEV_FAIL)
				fails++;
			if (ev.kind == PEV_RECEIVED &&
			    (ev.flags & PEV_F_BODY) &&
			    !(ev.flags & PEV_F_TERMINATOR)) {
				lines++;
				ok = ok && strcmp(ev.verb, "RETR") == 0;
			}
			if (ev.kind == PEV_BODY) {
				bodies++;
				total = ev.total;
				ok = ok && (ev.flags & PEV_F_PARTIAL) &&
				    ev.len == sizeof(hdr) - 1 &&
				    memcmp(ev.text, hdr, ev.len) == 0;
			}
		}
	}
	CHECK_INT(fails, 0);
	CHECK_INT(bodies, 1);
	CHECK(ok);
	CHECK_INT(lines, 2 + npieces * (piece / line));
	CHECK_INT(total, sizeof(hdr) - 1 + (uint64_t)npieces * piece);
	CHECK(!session_over(s));
	session_free(s);
	free(p);
}

#define LOGGED_IN \
	{ 'S', "+OK ready\r\n" }, \
	{ 'U', "USER a" }, \
	{ 'U', "PASS b" }, \
	{ 'S', "+OK\r\n+OK\r\n" }

#define LOGGED_IN_T \
	"S: +OK ready\n" \
	"* GREETING -> AUTHORIZATION\n" \
	"C: USER a\n" \
	"C: PASS ********\n" \
	"S: +OK\n" \
	"S: +OK\n" \
	"* AUTHORIZATION -> TRANSACTION\n"

/* STAT, LIST, UIDL, TOP, RETR typed by hand with dot-unstuffing, and the
 * mailbox built from them. */
static void
test_commands(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "STAT" },
		{ 'S', "+OK 2 320\r\n" },
		{ 'U', "LIST" },
		{ 'S', "+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n" },
		{ 'U', "UIDL 2" },
		{ 'S', "+OK 2 QhdPYR:00WBw1Ph7x7\r\n" },
		{ 'U', "TOP 1 0" },
		{ 'S', "+OK\r\nSubject: one\r\n\r\n.\r\n" },
		{ 'U', "RETR 2" },
		{ 'S', "+OK 200 octets\r\nSubject: two\r\n\r\n..hidden\r\n"
		    "body\r\n.\r\n" },
		{ 'U', "RETR 9" },
		{ 'S', "-ERR no such message\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "C: STAT\n"
	    "S: +OK 2 320\n"
	    "C: LIST\n"
	    "S: +OK 2 messages\n"
	    "S: 1 120\n"
	    "S: 2 200\n"
	    "S: .\n"
	    "C: UIDL 2\n"
	    "S: +OK 2 QhdPYR:00WBw1Ph7x7\n"
	    "C: TOP 1 0\n"
	    "S: +OK\n"
	    "S: Subject: one\n"
	    "S: \n"
	    "S: .\n"
	    "C: RETR 2\n"
	    "S: +OK 200 octets\n"
	    "S: Subject: two\n"
	    "S: \n"
	    "S: ..hidden\n"
	    "S: body\n"
	    "S: .\n"
	    "C: RETR 9\n"
	    "S: -ERR no such message\n", NULL);
}

/* The mailbox table from the same session, built event by event. */
static void
test_mailbox(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "STAT" },
		{ 'U', "LIST" },
		{ 'U', "UIDL" },
		{ 'U', "TOP 1 0" },
		{ 'U', "RETR 2" },
		{ 'U', "DELE 1" },
		{ 'S', "+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n"
		    "+OK\r\n1 whqtsw\r\n2 QhdPYR\r\n.\r\n"
		    "+OK\r\nSubject: one\r\n\r\n.\r\n"
		    "+OK\r\nSubject: two\r\n\r\n..hidden\r\n.\r\n"
		    "+OK marked\r\n" },
	};
	struct session		*s = session_new(REPLY_POP3, NULL);
	struct mailbox		*mb = mailbox_new();
	struct proto_event	 ev;
	const struct mailbox_entry *e;
	uint64_t		 count, size;
	size_t			 i;
	struct buf		 retr;

	buf_init(&retr, 4096);
	for (i = 0; i < NSTEPS(steps); i++) {
		if (steps[i].op == 'S')
			session_input(s, steps[i].text, strlen(steps[i].text));
		else
			session_submit(s, steps[i].text, strlen(steps[i].text),
			    NULL);
		while (session_event(s, &ev) == 1) {
			/* The RETR's payload as a front-end gets it: line
			 * by line, unstuffed (RFC 1939 3). */
			if (ev.kind == PEV_RECEIVED &&
			    (ev.flags & PEV_F_BODY) &&
			    !(ev.flags & PEV_F_TERMINATOR) &&
			    strcmp(ev.verb, "RETR") == 0) {
				size_t k = (ev.flags & PEV_F_STUFFED) ? 1 : 0;

				buf_append(&retr, ev.text + k, ev.len - k);
				buf_append_str(&retr, "\r\n");
			}
			mailbox_apply(mb, &ev);
		}
	}
	CHECK(mailbox_stat(mb, &count, &size));
	CHECK_INT(count, 2);
	CHECK_INT(size, 320);
	CHECK_INT(mailbox_count(mb), 2);
	e = mailbox_find(mb, 1);
	CHECK(e != NULL && e->size_known && e->size == 120);
	CHECK_STR(e->uid, "whqtsw");
	CHECK_STR(e->header, "Subject: one\r\n\r\n");
	CHECK(!e->retrieved);
	CHECK(e->deleted && !e->expunged);
	e = mailbox_find(mb, 2);
	CHECK_STR(e->uid, "QhdPYR");
	CHECK(e->retrieved);
	CHECK_STR(retr.data, "Subject: two\r\n\r\n.hidden\r\n");
	CHECK_INT(e->message_len, retr.len);
	buf_clear(&retr);
	CHECK_STR(e->header, "Subject: two\r\n\r\n");
	CHECK_INT(mailbox_deleted(mb), 1);
	CHECK_INT(session_pending_deletions(s), 1);
	/* RSET clears the marks. */
	session_submit(s, "RSET", 4, NULL);
	session_input(s, "+OK\r\n", 5);
	while (session_event(s, &ev) == 1)
		mailbox_apply(mb, &ev);
	CHECK_INT(mailbox_deleted(mb), 0);
	CHECK_INT(session_pending_deletions(s), 0);
	/* DELE again, then QUIT makes it final. */
	session_submit(s, "DELE 2", 6, NULL);
	session_submit(s, "QUIT", 4, NULL);
	session_input(s, "+OK\r\n+OK bye\r\n", 14);
	while (session_event(s, &ev) == 1)
		mailbox_apply(mb, &ev);
	CHECK(mailbox_find(mb, 2)->expunged);
	CHECK_INT(mailbox_deleted(mb), 0);
	CHECK_STR(session_state_name(s), "UPDATE");
	mailbox_free(mb);
	session_free(s);
}

/* Pipelined /load with PIPELINING and TOP: STAT+LIST in one write, then
 * UIDL and every TOP in one write as soon as STAT gave the count (no DELE
 * marked: messages 1..count), before LIST answers; replies pair in
 * order. */
static void
test_load_pipelined(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nPIPELINING\r\nTOP\r\nUIDL\r\n.\r\n" },
		{ 'U', "/load" },
		{ 'S', "+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n" },
		{ 'S', "+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\nSubject: 1\r\n\r\n.\r\n"
		    "-ERR gone\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: PIPELINING\n"
	    "S: TOP\n"
	    "S: UIDL\n"
	    "S: .\n"
	    "* /load: building the mailbox view\n"
	    "C: STAT\n"
	    "C: LIST\n"
	    "S: +OK 2 320\n"
	    "C: UIDL\n"
	    "C: TOP 1 0\n"
	    "C: TOP 2 0\n"
	    "S: +OK\n"
	    "S: 1 120\n"
	    "S: 2 200\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: 1 a\n"
	    "S: 2 b\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: Subject: 1\n"
	    "S: \n"
	    "S: .\n"
	    "S: -ERR gone\n"
	    "* /load: done, 2 message(s) in 5 replies\n",
	    "USER a\r\nPASS b\r\nCAPA\r\nSTAT\r\nLIST\r\nUIDL\r\nTOP 1 0\r\n"
	    "TOP 2 0\r\n");
}

/* TOPs sent from STAT's count, but LIST numbers otherwise (a server's
 * own numbering): the numbers above those asked for follow LIST, and the
 * count of replies awaited follows too. */
static void
test_load_list_differs(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nPIPELINING\r\nTOP\r\n.\r\n" },
		{ 'U', "/load" },
		{ 'S', "+OK 2 320\r\n" },
		{ 'S', "+OK\r\n1 120\r\n2 100\r\n5 200\r\n.\r\n" },
		{ 'S', "+OK\r\nA: 1\r\n.\r\n+OK\r\nA: 2\r\n.\r\n"
		    "+OK\r\nA: 5\r\n.\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: PIPELINING\n"
	    "S: TOP\n"
	    "S: .\n"
	    "* /load: building the mailbox view\n"
	    "C: STAT\n"
	    "C: LIST\n"
	    "S: +OK 2 320\n"
	    "* /load: CAPA does not list UIDL; skipping unique ids\n"
	    "C: TOP 1 0\n"
	    "C: TOP 2 0\n"
	    "S: +OK\n"
	    "S: 1 120\n"
	    "S: 2 100\n"
	    "S: 5 200\n"
	    "S: .\n"
	    "* /load: LIST does not number the messages 1 to 2 as STAT's "
	    "count implied; the TOPs still to send follow LIST (one already "
	    "sent for a missing number gets -ERR)\n"
	    "C: TOP 5 0\n"
	    "S: +OK\n"
	    "S: A: 1\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: A: 2\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: A: 5\n"
	    "S: .\n"
	    "* /load: done, 3 message(s) in 5 replies\n",
	    "USER a\r\nPASS b\r\nCAPA\r\nSTAT\r\nLIST\r\nTOP 1 0\r\n"
	    "TOP 2 0\r\nTOP 5 0\r\n");
}

/* A DELE marked in this session: message numbers are no longer 1..count
 * (RFC 1939 5), so the TOPs wait for LIST. */
static void
test_load_after_dele(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nPIPELINING\r\nTOP\r\n.\r\n" },
		{ 'U', "DELE 1" },
		{ 'S', "+OK\r\n" },
		{ 'U', "/load" },
		{ 'S', "+OK 1 200\r\n" },
		{ 'S', "+OK\r\n2 200\r\n.\r\n" },
		{ 'S', "+OK\r\nA: 2\r\n.\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: PIPELINING\n"
	    "S: TOP\n"
	    "S: .\n"
	    "C: DELE 1\n"
	    "S: +OK\n"
	    "* /load: building the mailbox view\n"
	    "C: STAT\n"
	    "C: LIST\n"
	    "S: +OK 1 200\n"
	    "S: +OK\n"
	    "S: 2 200\n"
	    "S: .\n"
	    "* /load: CAPA does not list UIDL; skipping unique ids\n"
	    "C: TOP 2 0\n"
	    "S: +OK\n"
	    "S: A: 2\n"
	    "S: .\n"
	    "* /load: done, 1 message(s) in 3 replies\n",
	    "USER a\r\nPASS b\r\nCAPA\r\nDELE 1\r\nSTAT\r\nLIST\r\n"
	    "TOP 2 0\r\n");
}

/* /load without PIPELINING and without TOP: one command at a time, RETR
 * instead of TOP, and the reason said. */
static void
test_load_sequential(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "/load" },
		{ 'S', "+OK\r\nUSER\r\n.\r\n" },
		{ 'S', "+OK 1 5\r\n" },
		{ 'S', "+OK\r\n1 5\r\n.\r\n" },
		{ 'S', "+OK\r\nx: y\r\n.\r\n" },
	};
	struct script_out	 o;
	struct session		*s;
	size_t			 done, total;

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "* /load: building the mailbox view\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: USER\n"
	    "S: .\n"
	    "C: STAT\n"
	    "S: +OK 1 5\n"
	    "C: LIST\n"
	    "S: +OK\n"
	    "S: 1 5\n"
	    "S: .\n"
	    "* /load: CAPA does not list UIDL; skipping unique ids\n"
	    "* /load: CAPA does not list TOP, so whole messages are fetched "
	    "with RETR\n"
	    "C: RETR 1\n"
	    "S: +OK\n"
	    "S: x: y\n"
	    "S: .\n"
	    "* /load: done, 1 message(s) in 3 replies\n", NULL);
	/* Progress while under way: after STAT, 1 of 2 planned. */
	s = script_run(REPLY_POP3, NULL, steps, 7, 0, 0, &o, false);
	session_progress(s, &done, &total);
	CHECK_INT(done, 1);
	CHECK_INT(total, 2);
	CHECK(session_waiting(s));
	session_free(s);
	script_out_clear(&o);
}

/* /cancel stops a /load: nothing more goes out, and the replies to what
 * is already on the way are shown but not acted on. A /load started at
 * once is a new run: the earlier run's STAT and LIST replies, still on
 * the way, are stale and do not count for it (without run ids they would
 * be taken as its own, and its own as a second listing). */
static void
test_load_cancel(void)
{
	static const struct step steps[] = {
		LOGGED_IN,
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nPIPELINING\r\nTOP\r\nUIDL\r\n.\r\n" },
		{ 'U', "/load" },
		{ 'U', "/cancel" },
		{ 'U', "/load" },
		{ 'S', "+OK 1 120\r\n+OK\r\n1 120\r\n.\r\n" },
		{ 'S', "+OK 2 320\r\n+OK\r\n1 120\r\n2 200\r\n.\r\n" },
		{ 'S', "+OK\r\n1 a\r\n2 b\r\n.\r\n+OK\r\nSubject: 1\r\n\r\n"
		    ".\r\n+OK\r\nSubject: 2\r\n\r\n.\r\n" },
	};
	static const struct step stop[] = {
		LOGGED_IN,
		{ 'U', "/load" },
		{ 'U', "/cancel" },
		{ 'S', "+OK\r\nPIPELINING\r\nTOP\r\nUIDL\r\n.\r\n" },
		{ 'U', "/cancel" },
	};
	struct script_out	 o;
	struct session		*s;
	size_t			 done, total;

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    LOGGED_IN_T
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: PIPELINING\n"
	    "S: TOP\n"
	    "S: UIDL\n"
	    "S: .\n"
	    "* /load: building the mailbox view\n"
	    "C: STAT\n"
	    "C: LIST\n"
	    "* /load cancelled after 0 of 2 replies: nothing more is sent; "
	    "the 2 command(s) already sent still get their replies\n"
	    "* /load: building the mailbox view\n"
	    "C: STAT\n"
	    "C: LIST\n"
	    "S: +OK 1 120\n"
	    "S: +OK\n"
	    "S: 1 120\n"
	    "S: .\n"
	    "S: +OK 2 320\n"
	    "C: UIDL\n"
	    "C: TOP 1 0\n"
	    "C: TOP 2 0\n"
	    "S: +OK\n"
	    "S: 1 120\n"
	    "S: 2 200\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: 1 a\n"
	    "S: 2 b\n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: Subject: 1\n"
	    "S: \n"
	    "S: .\n"
	    "S: +OK\n"
	    "S: Subject: 2\n"
	    "S: \n"
	    "S: .\n"
	    "* /load: done, 2 message(s) in 5 replies\n",
	    "USER a\r\nPASS b\r\nCAPA\r\nSTAT\r\nLIST\r\nSTAT\r\nLIST\r\n"
	    "UIDL\r\nTOP 1 0\r\nTOP 2 0\r\n");
	/* Cancelled while its CAPA was out: the CAPA reply starts nothing,
	 * and a second /cancel has nothing to cancel. */
	script_check(REPLY_POP3, NULL, stop, NSTEPS(stop),
	    LOGGED_IN_T
	    "* /load: building the mailbox view\n"
	    "C: CAPA\n"
	    "* /load cancelled after 0 of 0 replies: nothing more is sent; "
	    "the 1 command(s) already sent still get their replies\n"
	    "S: +OK\n"
	    "S: PIPELINING\n"
	    "S: TOP\n"
	    "S: UIDL\n"
	    "S: .\n"
	    "* /cancel: nothing to cancel\n",
	    "USER a\r\nPASS b\r\nCAPA\r\n");
	/* While it runs, /load is cancellable (Esc offers it); after the
	 * /cancel, no progress and nothing under way. */
	s = script_run(REPLY_POP3, NULL, stop, 5, 0, 0, &o, false);
	CHECK(session_cancellable(s));
	session_free(s);
	script_out_clear(&o);
	s = script_run(REPLY_POP3, NULL, stop, 6, 0, 0, &o, false);
	CHECK(!session_cancellable(s));
	session_progress(s, &done, &total);
	CHECK_INT(total, 0);
	CHECK(session_waiting(s));	/* the CAPA is still awaited */
	session_free(s);
	script_out_clear(&o);
}

/* STLS: bytes injected after +OK are dropped and reported, then
 * PEV_TLS_UPGRADE; after the handshake capabilities are forgotten. */
static void
test_stls_injection(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "CAPA" },
		{ 'S', "+OK\r\nSTLS\r\n.\r\n" },
		{ 'U', "STLS" },
		{ 'S', "+OK begin TLS\r\n+OK injected\r\n" },
		{ 'T', NULL },
	};
	struct script_out	 o;
	struct session		*s;

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: STLS\n"
	    "S: .\n"
	    "C: STLS\n"
	    "S: +OK begin TLS\n"
	    "* starting TLS handshake\n"
	    "* discarded 14 bytes the server sent after the STLS reply and "
	    "before TLS (possible injection; never obeyed)\n"
	    "* capabilities forgotten after TLS (RFC 2595 4); ask again with "
	    "CAPA\n", "CAPA\r\nSTLS\r\n");
	s = script_run(REPLY_POP3, NULL, steps, NSTEPS(steps), 0, 0, &o,
	    false);
	CHECK(strchr(o.kinds.data, 'U') != NULL);	/* PEV_TLS_UPGRADE */
	CHECK(!session_caps_known(s));
	CHECK(session_tls(s));
	session_free(s);
	script_out_clear(&o);
}

/* /starttls over POP3 re-asks CAPA after the handshake. */
static void
test_slash_starttls(void)
{
	static const struct step steps[] = {
		{ 'U', "/starttls" },
		{ 'S', "+OK ready\r\n" },
		{ 'S', "+OK go\r\n" },
		{ 'T', NULL },
		{ 'S', "+OK\r\nUSER\r\n.\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "* /starttls: waiting for the greeting\n"
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "C: STLS\n"
	    "S: +OK go\n"
	    "* starting TLS handshake\n"
	    "* capabilities forgotten after TLS (RFC 2595 4); ask again with "
	    "CAPA\n"
	    "C: CAPA\n"
	    "S: +OK\n"
	    "S: USER\n"
	    "S: .\n", "STLS\r\nCAPA\r\n");
}

/* Hostile peers: over-long line, NUL, garbage status, close mid-RETR. */
static void
test_hostile(void)
{
	static const struct step nul[] = {
		{ 'S', "+OK a\0b\r\n" },
	};
	static const struct step garbage[] = {
		{ 'S', "HELLO\r\n" },
	};
	static const struct step cut[] = {
		LOGGED_IN,
		{ 'U', "RETR 1" },
		{ 'S', "+OK\r\nSubject: x\r\n" },
		{ 'E', NULL },
	};
	struct script_out	 o;
	struct session		*s;
	char			*big;

	/* strlen stops at the NUL: feed by hand. */
	s = session_new(REPLY_POP3, NULL);
	CHECK_INT(session_input(s, "+OK a\0b\r\n", 9), -1);
	CHECK(session_over(s));
	session_free(s);
	(void)nul;
	/* The reason's wording is reply.c's; ours is the prefix. */
	s = script_run(REPLY_POP3, NULL, garbage, NSTEPS(garbage), 0, 0, &o,
	    false);
	CHECK(strstr(o.transcript.data, "S: HELLO\n* not a POP3 reply: ") ==
	    o.transcript.data);
	CHECK_INT(o.fails, 1);
	session_free(s);
	script_out_clear(&o);
	s = script_run(REPLY_POP3, NULL, cut, NSTEPS(cut), 0, 0, &o, false);
	CHECK(strstr(o.transcript.data, "* connection closed in the middle "
	    "of the RETR response\n") != NULL);
	CHECK_INT(o.fails, 1);
	session_free(s);
	script_out_clear(&o);

	big = malloc(10000);
	memset(big, 'x', 9999);
	big[9999] = '\0';
	memcpy(big, "+OK ", 4);
	{
		const struct step longline[] = { { 'S', big } };

		char want[512];

		/* The first 200 bytes, marked as cut (SPEC: S: prefix). */
		snprintf(want, sizeof(want), "S: %.200s\xe2\x80\xa6 [cut: "
		    "reply line longer than 4096 bytes; first 200 bytes "
		    "shown]\n* reply line longer than 4096 bytes\n", big);
		script_check(REPLY_POP3, NULL, longline, 1, want, "");
	}
	free(big);
}

/* Escape bytes from the peer are shown escaped, never raw. */
static void
test_escaping(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK \x1b[2J\xe2\x80\xae evil\r\n" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK \\x1b[2J\\u{202E} evil\n"
	    "* GREETING -> AUTHORIZATION\n", "");
}

/* Typed lines with CR/LF are refused; unknown /commands give a * line. */
static void
test_refusals(void)
{
	static const struct step steps[] = {
		{ 'S', "+OK ready\r\n" },
		{ 'U', "/frobnicate" },
		{ 'U', "/load" },
		{ 'U', "/send" },
		{ 'U', "/auth" },
		{ 'U', "/auth rot13 x" },
	};

	script_check(REPLY_POP3, NULL, steps, NSTEPS(steps),
	    "S: +OK ready\n"
	    "* GREETING -> AUTHORIZATION\n"
	    "* unknown command /FROBNICATE (/help lists them)\n"
	    "* /load: log in first (/auth USER name)\n"
	    "* /send is for SMTP sessions\n"
	    "* usage: /auth MECH [USER] (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, "
	    "APOP, USER)\n"
	    "* /auth: unknown mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, "
	    "APOP, USER)\n", "");
	{
		struct session	*s = session_new(REPLY_POP3, NULL);
		const char	*err = NULL;

		CHECK_INT(session_submit(s, "NOOP\r\nDELE 1", 12, &err), -1);
		CHECK_STR(err, "line contains CR or LF");
		CHECK_INT(session_output(s)->len, 0);
		CHECK_INT(session_submit(s, "/connect x", 10, &err), -1);
		session_free(s);
	}
}

/* STLS with TLS asked for (--starttls, /starttls): "+ " or -ERR is no
 * upgrade; the session fails and no USER/PASS reaches the wire. */
static void
test_stls_stripped(void)
{
	static const char *const answers[] = { "+ go on\r\n",
	    "-ERR not now\r\n" };
	struct session_options	 req = { .starttls = true };
	struct script_out	 o;
	struct session		*s;
	size_t			 i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		struct step steps[] = {
			{ 'S', "+OK ready\r\n" },
			{ 'U', "/starttls" },
			{ 'S', answers[i] },
			{ 'U', "USER u" },
			{ 'U', "PASS secret" },
		};

		s = script_run(REPLY_POP3, &req, steps, NSTEPS(steps), 0, 0,
		    &o, false);
		CHECK_INT(o.fails, 1);
		CHECK(strchr(o.kinds.data, 'U') == NULL);
		CHECK_STR(o.wire.data, "STLS\r\n");
		session_free(s);
		script_out_clear(&o);
	}
	/* Before the upgrade a typed PASS is refused, USER is not. */
	{
		static const struct step steps[] = {
			{ 'S', "+OK ready\r\n" },
			{ 'U', "USER u" },
			{ 'S', "+OK\r\n" },
			{ 'U', "PASS secret" },
		};

		s = script_run(REPLY_POP3, &req, steps, NSTEPS(steps), 0, 0,
		    &o, false);
		CHECK_STR(o.wire.data, "USER u\r\n");
		session_free(s);
		script_out_clear(&o);
	}
}

static const struct test tests[] = {
	{ "pop3 STLS answered with + or -ERR under --starttls",
	    test_stls_stripped },
	{ "pop3 USER/PASS login and QUIT", test_login },
	{ "pop3 /auth APOP (RFC 1939 example)", test_apop },
	{ "pop3 /auth APOP without timestamp", test_apop_no_timestamp },
	{ "pop3 /auth USER", test_auth_user },
	{ "pop3 /auth refused in the clear before STLS",
	    test_auth_cleartext_refused },
	{ "pop3 /auth PLAIN via continuation", test_auth_plain_continuation },
	{ "pop3 /auth PLAIN initial response", test_auth_plain_ir },
	{ "pop3 typed AUTH LOGIN continuations", test_typed_auth_login },
	{ "pop3 cancel: * to a challenge, no PASS after USER",
	    test_auth_cancel },
	{ "pop3 typed /cancel", test_slash_cancel },
	{ "pop3 RETR body past --max-message fails clearly",
	    test_message_limit },
	{ "pop3 RETR of 80 MiB is streamed, header kept", test_message_big },
	{ "pop3 STAT/LIST/UIDL/TOP/RETR", test_commands },
	{ "pop3 mailbox table, DELE/RSET/QUIT", test_mailbox },
	{ "pop3 /load pipelined", test_load_pipelined },
	{ "pop3 /load LIST differs", test_load_list_differs },
	{ "pop3 /load after DELE", test_load_after_dele },
	{ "pop3 /load sequential, RETR fallback", test_load_sequential },
	{ "pop3 /cancel stops /load; a stale run's replies are ignored",
	    test_load_cancel },
	{ "pop3 STLS injection dropped", test_stls_injection },
	{ "pop3 /starttls then CAPA", test_slash_starttls },
	{ "pop3 hostile peer", test_hostile },
	{ "pop3 escaping of peer bytes", test_escaping },
	{ "pop3 refusals", test_refusals },
};

TEST_MAIN("pop3", tests)
