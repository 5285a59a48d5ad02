/* SPDX-License-Identifier: MIT */
/* Unit tests for the POP3 explainer (proto/explain-pop3*.c): real servers'
 * replies run through scripted sessions, so the "= " line is read with the
 * facts the engine really has; each row says what it proves. Replies from
 * Dovecot 2.3.19 and the lab were captured by hand (helper ex-pop3, USER,
 * PASS, AUTH, APOP, STAT ... in each state); others are from public
 * transcripts, cited per row. */
#include <string.h>

#include "proto/explain.h"
#include "proto/meaning.h"
#include "tests/unit/engine-script.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* A Dovecot greeting with its APOP timestamp, and a login. */
#define GREET	"S +OK mailbench test Dovecot ready. <c51.4.6b15f479." \
		"1pba9NxzZW07OdDEvJcSOQ==@vm>\n"
#define LOGIN	GREET "U USER mbuser\nS +OK\nU PASS secret\nS +OK Logged in.\n"

struct row {
	const char	*what;		/* what the row proves */
	const char	*script;	/* "S line", "U line", "T" (TLS done) */
	const char	*want[5];	/* in the last "= +"/"= -" line */
	const char	*reject;	/* must not be in it, or NULL */
	bool		 tls;
};

static const struct row rows[] = {
	/* Greeting: the state and the APOP timestamp. */
	{ "greeting with <timestamp> offers APOP", GREET,
	    { "= +OK ready: log in", "the <...> in the greeting means APOP is "
	      "offered" }, NULL, false },
	{ "greeting without a timestamp says nothing of APOP",
	    "S +OK POP3 server ready\n",
	    { "= +OK ready: log in with USER and PASS" }, "APOP", false },
	/* hostile.sh's peer and RFC 3206: a refusal in the greeting. */
	{ "greeting -ERR [SYS/TEMP]: server side, try later",
	    "S -ERR [SYS/TEMP] Try again later\n",
	    { "= -ERR [SYS/TEMP] temporary system problem", "next: try again" },
	    NULL, false },
	{ "greeting -ERR without a code: refused session",
	    "S -ERR go away\n",
	    { "refuses this session", "next: try again later" }, NULL, false },
	/* Dovecot's login process says "Unknown command." to STAT. */
	{ "STAT before login (Dovecot): not logged in",
	    GREET "U STAT\nS -ERR Unknown command.\n",
	    { "= -ERR not logged in", "STAT is only valid in TRANSACTION",
	      "next: log in first" }, "does not know", false },
	{ "DELE before login (lab): not logged in",
	    "S +OK lab ready\nU DELE 1\nS -ERR Not logged in (command only "
	    "valid in TRANSACTION state)\n",
	    { "= -ERR not logged in", "DELE" }, NULL, false },
	{ "PASS before USER (Dovecot \"No username given.\")",
	    GREET "U PASS x\nS -ERR No username given.\n",
	    { "PASS before USER", "next: send USER name first" }, NULL,
	    false },
	{ "PASS before USER with a bare -ERR: read from the facts",
	    GREET "U PASS x\nS -ERR\n",
	    { "PASS before USER" }, NULL, false },
	{ "USER +OK: PASS comes next, a wrong name shows at PASS",
	    GREET "U USER nosuchuser\nS +OK\n",
	    { "= +OK user name taken", "now send PASS", "only shows at PASS" },
	    NULL, false },
	/* Wrong credentials, by server. */
	{ "Dovecot wrong password: [AUTH] means the credentials",
	    GREET "U USER mbuser\nS +OK\nU PASS wrong\nS -ERR [AUTH] "
	    "Authentication failed.\n",
	    { "= -ERR [AUTH] login refused because of the credentials",
	      "RFC 3206", "next: check the user name and password" },
	    "TLS required", false },
	/* github.com/mattnenterprise/rust-pop3/issues/17 */
	{ "Exchange/M365 \"Logon failure\" without a code",
	    GREET "U USER a@example.com\nS +OK\nU PASS x\nS -ERR Logon "
	    "failure: unknown user name or bad password.\n",
	    { "= -ERR login refused: wrong user name or password",
	      "next: check both" }, NULL, false },
	/* Courier (a public courier-pop 0.53 telnet transcript). */
	{ "Courier \"Login failed.\"",
	    "S +OK Hello there.\nU USER u\nS +OK Password required.\nU PASS x\n"
	    "S -ERR Login failed.\n",
	    { "wrong user name or password" }, NULL, false },
	{ "Courier authdaemon down: temporary, not the password",
	    "S +OK Hello there.\nU USER u\nS +OK Password required.\nU PASS x\n"
	    "S -ERR Temporary problem, please try again later\n",
	    { "temporary problem on the server", "next: try again" },
	    "wrong", false },
	{ "an unregistered code is named so, the command still explained",
	    LOGIN "U RETR 1\nS -ERR [FROB] x\n",
	    { "message 1 cannot be used", "[FROB] is not a registered "
	      "response code" }, NULL, false },
	/* The brief's Gmail text. */
	{ "Gmail \"Username and password not accepted\"",
	    GREET "U USER a@gmail.com\nS +OK send PASS\nU PASS x\nS -ERR "
	    "[AUTH] Username and password not accepted.\n",
	    { "-ERR [AUTH] login refused", "credentials" }, NULL, false },
	/* github.com/mailman/mailman/issues/50 */
	{ "Gmail app password required",
	    GREET "U USER a@gmail.com\nS +OK\nU PASS x\nS -ERR [AUTH] "
	    "Application-specific password required: http://support.google."
	    "com/accounts/bin/answer.py?answer=185833\n",
	    { "app password", "next: create an app password" },
	    "wrong user name", false },
	/* Dovecot, disable_plaintext_auth = yes, client not on the
	 * server's own address: captured on 127.0.0.2. */
	{ "Dovecot [AUTH] plaintext disallowed: TLS, not the password",
	    GREET "U USER mbuser\nS -ERR [AUTH] Plaintext authentication "
	    "disallowed on non-secure (SSL/TLS) connections.\n",
	    { "= -ERR [AUTH] TLS required", "not a wrong password",
	      "/starttls", "pop3s://" }, "credentials", false },
	{ "plaintext disallowed where CAPA offers no STLS: pop3s://",
	    GREET "U CAPA\nS +OK\nS USER\nS .\nU USER mbuser\nS -ERR [AUTH] "
	    "Plaintext authentication disallowed on non-secure (SSL/TLS) "
	    "connections.\n",
	    { "TLS required", "next: connect to pop3s://", "offers no STLS" },
	    "/starttls", false },
	{ "Dovecot AUTH PLAIN \"Plaintext authentication disabled.\"",
	    GREET "U AUTH PLAIN\nS -ERR [AUTH] Plaintext authentication "
	    "disabled.\n",
	    { "TLS required", "/starttls" }, NULL, false },
	{ "lab tls-required scenario",
	    "S +OK lab <1.2@lab>\nU USER student\nS -ERR [AUTH] Plaintext "
	    "authentication disallowed on non-secure connections: use STLS "
	    "first\n",
	    { "TLS required" }, "credentials", false },
	/* RFC 2449 8.1 codes. */
	{ "Dovecot [IN-USE]: locked by another client, close it or wait",
	    GREET "U USER mbuser\nS +OK\nU PASS pw\nS -ERR [IN-USE] Mailbox "
	    "is locked by another POP3 session.\n",
	    { "= -ERR [IN-USE] mailbox locked", "another client",
	      "stale session", "next: close the other mail client",
	      "wait" }, "wrong", false },
	/* github.com/horms/perdition/issues/4 */
	{ "perdition's [IN-USE] text",
	    GREET "U USER u\nS +OK\nU PASS pw\nS -ERR [IN-USE] mailbox "
	    "already in use by pid 12345\n",
	    { "mailbox locked" }, NULL, false },
	{ "lab [LOGIN-DELAY]: too soon, not a wrong password",
	    "S +OK lab\nU USER student\nS +OK Send PASS\nU PASS pw\nS -ERR "
	    "[LOGIN-DELAY] Minimum time between logins is 60 seconds; try "
	    "again later\n",
	    { "[LOGIN-DELAY] logged in again too soon", "not a wrong "
	      "password", "next: wait" }, NULL, false },
	{ "[SYS/PERM]: tell the administrator",
	    GREET "U USER u\nS +OK\nU PASS pw\nS -ERR [SYS/PERM] Mailbox "
	    "corrupt\n",
	    { "[SYS/PERM] permanent system problem", "administrator" }, NULL,
	    false },
	{ "an unregistered sub-code falls back to its first level",
	    GREET "U USER u\nS +OK\nU PASS pw\nS -ERR [SYS/FOO] oops\n",
	    { "[SYS/FOO] a problem on the server's side",
	      "not registered" }, NULL, false },
	/* Logins that work. */
	{ "lab PASS +OK: the counts in its text decoded",
	    "S +OK lab\nU USER student\nS +OK Send PASS\nU PASS student\n"
	    "S +OK Logged in as student: 8 messages (9186 octets)\n",
	    { "= +OK logged in", "TRANSACTION", "8 messages",
	      "9,186 octets (9.0 KiB)" }, NULL, false },
	/* Mailbox commands, Dovecot's texts. */
	{ "STAT numbers decoded",
	    LOGIN "U STAT\nS +OK 29 15939\n",
	    { "= +OK 29 messages, 15,939 octets (15.6 KiB)" },
	    "marked", false },
	{ "STAT after DELE: the marked one is not counted",
	    LOGIN "U DELE 1\nS +OK Marked to be deleted.\nU STAT\n"
	    "S +OK 4 1606\n",
	    { "4 messages, 1,606 octets (1.6 KiB)",
	      "not counting the 1 marked for deletion" }, NULL, false },
	{ "LIST: scan listing",
	    LOGIN "U LIST\nS +OK 5 messages:\nS 1 344\nS .\n",
	    { "= +OK scan listing follows", "5 messages" }, NULL, false },
	{ "LIST n decoded",
	    LOGIN "U LIST 2\nS +OK 2 366\n",
	    { "= +OK message 2 is 366 octets" }, NULL, false },
	{ "LIST 99: no such message, with STAT's count",
	    LOGIN "U STAT\nS +OK 5 1950\nU LIST 99\n"
	    "S -ERR There's no message 99.\n",
	    { "= -ERR there is no message 99", "last STAT counted 5 "
	      "messages", "next: use a number LIST shows" }, NULL, false },
	{ "LIST abc: not a message number",
	    LOGIN "U LIST abc\nS -ERR Invalid message number: abc\n",
	    { "not a message number", "next: LIST n" }, NULL, false },
	{ "UIDL listing",
	    LOGIN "U UIDL\nS +OK\nS 1 000000016b15f47e\nS .\n",
	    { "= +OK unique-id listing", "same across sessions" }, NULL,
	    false },
	{ "UIDL n: the id quoted",
	    LOGIN "U UIDL 2\nS +OK 2 000000026b15f47e\n",
	    { "message 2 has the unique id \"000000026b15f47e\"" }, NULL,
	    false },
	{ "TOP n 0: headers only",
	    LOGIN "U TOP 2 0\nS +OK\nS Subject: x\nS \nS .\n",
	    { "= +OK the headers of message 2", "no body lines",
	      "nothing is marked" }, NULL, false },
	{ "TOP n 5: five body lines",
	    LOGIN "U TOP 2 5\nS +OK\nS Subject: x\nS .\n",
	    { "first 5 body lines" }, NULL, false },
	{ "TOP without the line count (Dovecot \"Noise after\")",
	    LOGIN "U TOP 2\nS -ERR Noise after message number: \n",
	    { "TOP takes two numbers", "TOP n 0" }, NULL, false },
	{ "RETR: the size from the status line",
	    LOGIN "U RETR 2\nS +OK 366 octets\nS Subject: x\nS \nS body\n"
	    "S .\n",
	    { "= +OK message 2 follows, 366 octets",
	      "does not delete it" }, NULL, false },
	{ "RETR 99",
	    LOGIN "U RETR 99\nS -ERR There's no message 99.\n",
	    { "no message 99" }, "last STAT", false },
	{ "DELE only marks; the count of marks from the facts",
	    LOGIN "U DELE 1\nS +OK Marked to be deleted.\nU DELE 2\n"
	    "S +OK Marked to be deleted.\n",
	    { "= +OK message 2 is only marked for deletion",
	      "when QUIT ends the session", "RSET unmarks",
	      "2 messages marked now" }, NULL, false },
	{ "DELE twice: already deleted",
	    LOGIN "U DELE 1\nS +OK Marked to be deleted.\nU DELE 1\n"
	    "S -ERR Message is deleted.\n",
	    { "= -ERR message 1 is already marked for deletion",
	      "next: RSET unmarks" }, NULL, false },
	{ "RETR of a marked message (lab text)",
	    "S +OK lab\nU USER student\nS +OK\nU PASS s\nS +OK\nU DELE 3\n"
	    "S +OK Message 3 marked for deletion (removed at QUIT)\n"
	    "U RETR 3\nS -ERR Message 3 is deleted\n",
	    { "message 3 is already marked" }, NULL, false },
	{ "RSET says what it unmarked",
	    LOGIN "U DELE 1\nS +OK\nU DELE 4\nS +OK\nU RSET\nS +OK\n",
	    { "= +OK deletion marks removed: 2 messages unmarked" }, NULL,
	    false },
	{ "RSET with nothing marked",
	    LOGIN "U RSET\nS +OK\n",
	    { "nothing was marked" }, NULL, false },
	{ "NOOP", LOGIN "U NOOP\nS +OK\n",
	    { "= +OK the server is alive" }, NULL, false },
	{ "QUIT makes the marks final",
	    LOGIN "U DELE 1\nS +OK\nU DELE 2\nS +OK\nU QUIT\n"
	    "S +OK Logging out, messages deleted.\n",
	    { "= +OK session over", "2 deletions made final" }, NULL,
	    false },
	{ "QUIT with nothing marked",
	    LOGIN "U QUIT\nS +OK Logging out.\n",
	    { "nothing was marked, nothing deleted" }, NULL, false },
	{ "QUIT in AUTHORIZATION just closes",
	    GREET "U QUIT\nS +OK Logging out\n",
	    { "= +OK session closed before logging in" }, "deletion", false },
	{ "QUIT -ERR (lab): marked messages not removed",
	    LOGIN "U DELE 1\nS +OK\nU QUIT\nS -ERR [SYS/TEMP] 1 deleted "
	    "message could not be removed\n",
	    { "= -ERR [SYS/TEMP] some messages marked for deletion could "
	      "not be removed" }, NULL, false },
	/* STLS and CAPA. */
	{ "STLS +OK",
	    GREET "U STLS\nS +OK Begin TLS negotiation now.\n",
	    { "= +OK start TLS now", "asked again" }, NULL, false },
	{ "STLS after login (Dovecot \"Unknown command: STLS\")",
	    LOGIN "U STLS\nS -ERR Unknown command: STLS\n",
	    { "already logged in", "STLS" }, NULL, false },
	{ "STLS not offered (RFC 1939 server)",
	    "S +OK old server\nU STLS\nS -ERR unknown command\n",
	    { "STLS is not offered", "pop3s://" }, NULL, false },
	{ "CAPA +OK", GREET "U CAPA\nS +OK\nS TOP\nS .\n",
	    { "= +OK capability list follows" }, NULL, false },
	{ "CAPA -ERR: an RFC 1939 server",
	    "S +OK old\nU CAPA\nS -ERR unrecognized command\n",
	    { "CAPA is not supported" }, NULL, false },
	/* AUTH and its challenges, Dovecot's. */
	{ "bare AUTH lists mechanisms and logs nobody in",
	    GREET "U AUTH\nS +OK\nS PLAIN\nS .\nU QUIT\nS +OK Logging out\n",
	    { "session closed before logging in" }, NULL, false },
	{ "bare AUTH +OK explained as the list",
	    GREET "U AUTH\nS +OK\nS PLAIN\nS .\n",
	    { "= +OK the SASL mechanisms" }, NULL, false },
	{ "AUTH LOGIN: \"Username:\" decoded",
	    GREET "U AUTH LOGIN\nS + VXNlcm5hbWU6\n",
	    { "= + the server asks \"Username:\"", "decoded from base64" },
	    NULL, false },
	{ "AUTH LOGIN: \"Password:\" decoded, no secret shown",
	    GREET "U AUTH LOGIN\nS + VXNlcm5hbWU6\nU bWJ1c2Vy\n"
	    "S + UGFzc3dvcmQ6\n",
	    { "the server asks \"Password:\"" }, "mbuser", false },
	{ "AUTH CRAM-MD5 challenge decoded",
	    GREET "U AUTH CRAM-MD5\nS + PDQxMjAxNzc2MTE1ODIzNjguMTc5NjYwMD"
	    "k2NEB2bT4=\n",
	    { "challenge \"<4120177611582368.1796600964@vm>\"",
	      "HMAC-MD5" }, NULL, false },
	{ "AUTH PLAIN empty challenge",
	    GREET "U AUTH PLAIN\nS + \n",
	    { "= + empty challenge" }, NULL, false },
	{ "AUTH PLAIN then +OK: logged in",
	    GREET "U AUTH PLAIN\nS + \nU AGEAYg==\nS +OK Logged in.\n",
	    { "= +OK logged in" }, NULL, false },
	{ "AUTH cancelled with *",
	    GREET "U AUTH CRAM-MD5\nS + PDE+\nU *\n"
	    "S -ERR Authentication aborted by client.\n",
	    { "= -ERR the authentication exchange was cancelled" }, NULL,
	    false },
	{ "AUTH answer not base64 (Dovecot uses [AUTH] here too)",
	    GREET "U AUTH PLAIN\nS + \nU !!x\nS -ERR [AUTH] Invalid base64 in "
	    "response\n",
	    { "not valid base64" }, "wrong user", false },
	{ "AUTH of a mechanism not offered",
	    GREET "U AUTH FOO\nS -ERR [AUTH] Unsupported authentication "
	    "mechanism.\n",
	    { "not offered", "CAPA's SASL line" }, NULL, false },
	{ "APOP without arguments (Dovecot \"Invalid parameters.\")",
	    GREET "U APOP\nS -ERR Invalid parameters.\n",
	    { "APOP takes a user name and a 32-hex-digit" }, NULL, false },
	{ "APOP where the greeting had no timestamp",
	    "S +OK POP3 ready\nU APOP u 0123456789abcdef0123456789abcdef\n"
	    "S -ERR [AUTH] Authentication failed.\n",
	    { "APOP is not offered: the greeting had no <timestamp>" }, NULL,
	    false },
	/* Other failures. */
	{ "unknown command in TRANSACTION",
	    LOGIN "U FOO\nS -ERR Unknown command: FOO\n",
	    { "= -ERR the server does not know FOO" }, NULL, false },
	{ "USER after login (Dovecot)",
	    LOGIN "U USER x\nS -ERR Unknown command: USER\n",
	    { "already logged in: USER is only valid in AUTHORIZATION" },
	    NULL, false },
	{ "line too long (Dovecot, logged in)",
	    LOGIN "U NOOP\nS -ERR Input line too long.\n",
	    { "= -ERR line too long", "255 octets" }, NULL, false },
	{ "line too long (Dovecot, before login)",
	    GREET "U NOOP\nS -ERR Input buffer full, aborting\n",
	    { "line too long" }, NULL, false },
	{ "too many bad commands (Dovecot)",
	    GREET "U FOO\nS -ERR Too many invalid bad commands.\n",
	    { "too many bad commands", "closing" }, NULL, false },
};

/* Run a row's script with meanings; the last "= +", "= -" or "= + " line. */
static void
check_row(const struct row *w)
{
	struct step		 steps[64];
	static char		 sbuf[64][512];
	size_t			 n = 0, i, len;
	struct script_out	 o, o2;
	struct session		*s;
	struct session_options	 opts = { .tls = w->tls };
	const char		*last = NULL, *p, *nl, *line;
	char			 got[2048];

	for (line = w->script; *line != '\0' && n < 64; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line) - 1;
		len = (size_t)(nl - line);
		steps[n].op = line[0];
		if (line[0] == 'S')
			snprintf(sbuf[n], sizeof(sbuf[n]), "%.*s\r\n",
			    (int)(len > 2 ? len - 2 : 0), line + 2);
		else
			snprintf(sbuf[n], sizeof(sbuf[n]), "%.*s",
			    (int)(len > 2 ? len - 2 : 0), line + 2);
		steps[n].text = sbuf[n];
		n++;
	}
	s = script_run(REPLY_POP3, &opts, steps, n, 0, 0, &o, true);
	for (p = o.transcript.data; p != NULL && *p != '\0';
	    p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, "= +", 3) == 0 || strncmp(p, "= -", 3) == 0)
			last = p;
		if (nl == NULL)
			break;
	}
	got[0] = '\0';
	if (last != NULL) {
		nl = strchr(last, '\n');
		snprintf(got, sizeof(got), "%.*s", nl != NULL ?
		    (int)(nl - last) : (int)strlen(last), last);
	}
	for (i = 0; i < nitems(w->want) && w->want[i] != NULL; i++)
		if (strstr(got, w->want[i]) == NULL) {
			fprintf(stderr, "%s:\n  got  %s\n  want %s\n", w->what,
			    got, w->want[i]);
			CHECK(!"explanation lacks a wanted piece");
		}
	if (w->reject != NULL && strstr(got, w->reject) != NULL) {
		fprintf(stderr, "%s:\n  got  %s\n  must not have %s\n",
		    w->what, got, w->reject);
		CHECK(!"explanation has a rejected piece");
	}
	/* No secret typed in the script reaches the "= " lines. */
	CHECK(strstr(o.transcript.data, "secret") == NULL);
	session_free(s);
	/* Fed byte by byte, the same lines and meanings. */
	s = script_run(REPLY_POP3, &opts, steps, n, 1, 0, &o2, true);
	CHECK(o2.transcript.len == o.transcript.len &&
	    memcmp(o2.transcript.data, o.transcript.data, o.transcript.len) ==
	    0);
	session_free(s);
	script_out_clear(&o2);
	script_out_clear(&o);
}

static void
test_rows(void)
{
	size_t	i;

	(void)script_check;	/* engine-script.h's; the rows check more */
	for (i = 0; i < nitems(rows); i++)
		check_row(&rows[i]);
}

/* Cases the engine would not send (STLS over TLS) or that need facts a
 * script cannot set up cheaply: explain_reply() with hand-made facts. */
static void
test_facts(void)
{
	struct session_facts	 f;
	struct explain_cmd	 cmd = { "STLS", "", 0 };
	struct reply_line	 r;
	struct buf		 out;
	static const char	 l1[] = "-ERR Command not permitted when TLS "
				    "active";
	static const char	 l2[] = "-ERR";

	memset(&f, 0, sizeof(f));
	f.proto = REPLY_POP3;
	f.greeted = true;
	f.tls = true;
	buf_init(&out, 4096);
	/* lab: STLS over TLS. */
	CHECK(reply_parse_line(REPLY_POP3, l1, strlen(l1), &r, NULL) == 0);
	CHECK(explain_reply(&f, &cmd, &r, l1, strlen(l1), &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "TLS is already active") !=
	    NULL);
	/* A bare -ERR to STLS over TLS: the facts alone say why. */
	buf_reset(&out);
	CHECK(reply_parse_line(REPLY_POP3, l2, strlen(l2), &r, NULL) == 0);
	CHECK(explain_reply(&f, &cmd, &r, l2, strlen(l2), &out) == 0);
	CHECK(out.data != NULL && strstr(out.data, "TLS is already active") !=
	    NULL);
	/* Over TLS, "plaintext disabled" is no TLS problem. */
	buf_reset(&out);
	cmd.verb = "USER";
	{
		static const char l3[] = "-ERR [AUTH] Plaintext "
		    "authentication disabled.";

		CHECK(reply_parse_line(REPLY_POP3, l3, strlen(l3), &r,
		    NULL) == 0);
		CHECK(explain_reply(&f, &cmd, &r, l3, strlen(l3), &out) == 0);
		CHECK(out.data != NULL && strstr(out.data, "TLS required") ==
		    NULL && strstr(out.data, "disabled on this server") !=
		    NULL);
	}
	buf_clear(&out);
}

/* `mailbench explain "-ERR [IN-USE]"` and the "= " line share words. */
static void
test_shared_words(void)
{
	static const char *const codes[] = { "IN-USE", "LOGIN-DELAY",
	    "SYS/TEMP", "SYS/PERM", "AUTH" };
	struct buf	 a, b;
	size_t		 i;
	char		 q[64], line[128];

	for (i = 0; i < nitems(codes); i++) {
		struct session_facts	 f;
		struct explain_cmd	 cmd = { "PASS", NULL, 0 };
		struct reply_line	 r;
		const char		*m = meaning_pop3_resp_code(codes[i]);

		memset(&f, 0, sizeof(f));
		f.proto = REPLY_POP3;
		f.greeted = true;
		f.user_accepted = true;
		buf_init(&a, 8192);
		buf_init(&b, 8192);
		snprintf(q, sizeof(q), "-ERR [%s]", codes[i]);
		CHECK(meaning_explain(q, &a, NULL) == 0);
		snprintf(line, sizeof(line), "-ERR [%s] x", codes[i]);
		CHECK(reply_parse_line(REPLY_POP3, line, strlen(line), &r,
		    NULL) == 0);
		CHECK(explain_reply(&f, &cmd, &r, line, strlen(line), &b) ==
		    0);
		CHECK(m != NULL);
		CHECK(a.data != NULL && m != NULL && strstr(a.data, m) != NULL);
		CHECK(b.data != NULL && m != NULL && strstr(b.data, m) != NULL);
		buf_clear(&a);
		buf_clear(&b);
	}
}

static const struct test tests[] = {
	{ "explain-pop3 real replies through the engine", test_rows },
	{ "explain-pop3 hand-made facts", test_facts },
	{ "explain-pop3 response codes share meaning_explain's words",
	    test_shared_words },
};

TEST_MAIN("explain-pop3", tests)
