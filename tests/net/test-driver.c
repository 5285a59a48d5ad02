/* SPDX-License-Identifier: MIT */
/* Tests for front/driver.c (linked from libfront.a, through its public API
 * alone; no curses) against a scripted POP3/SMTP server on loopback, run in
 * the same loop: transcript lines, redaction, exit codes, reply timeout,
 * secrets from MAILBENCH_PASSWORD, /save, /help, STLS with certificate
 * lines, --starttls refused, connection refused. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/conn.h"
#include "net/loop.h"
#include "net/tls-server.h"
#include "tests/unit/harness.h"
#include "front/driver.h"

/* A scripted server: for each line received, the next step's reply.
 * "" as expect matches anything; a reply of NULL means stay silent;
 * "<TLS>" as reply starts server TLS after sending the line before. */
struct step {
	const char	*expect;	/* prefix of the client line */
	const char	*reply;		/* CRLF-separated lines, no final CRLF */
};

static struct loop	*L;
static int		 lfd = -1;
static struct loop_watch *lw;
static struct conn	*sc;
static const struct step *script;
static size_t		 nstep, stepi;
static const char	*greeting;
static bool		 tls_after;	/* next reply, then TLS */
static SSL_CTX		*sctx;
static char		 cafile[64];
static char		 mismatch[256];

static struct buf	 out;		/* what the driver reported */
static const char	*early;		/* submitted before the connection */
static int		 exit_code = -1;
static char		 why[512];
static bool		 closed;

static void
srv_send(const char *text)
{
	conn_write(sc, text, strlen(text));
	conn_write(sc, "\r\n", 2);
}

static void
srv_data(void *arg, struct buf *in)
{
	const char *nl;
	size_t len;

	(void)arg;
	while ((nl = memchr(in->data, '\n', in->len)) != NULL) {
		len = (size_t)(nl - in->data);
		if (len > 0 && in->data[len - 1] == '\r')
			len--;
		if (stepi < nstep) {
			const struct step *s = &script[stepi++];

			if (strncmp(in->data, s->expect, strlen(s->expect)) != 0 &&
			    mismatch[0] == '\0')
				snprintf(mismatch, sizeof(mismatch),
				    "step %zu: got '%.*s', expected '%s'",
				    stepi, (int)len, in->data, s->expect);
			if (s->reply != NULL) {
				srv_send(s->reply);
				if (strstr(s->reply, "begin TLS") != NULL ||
				    strncmp(s->reply, "220 2.0.0 Ready", 15) == 0)
					tls_after = true;
			}
		}
		buf_consume(in, (size_t)(nl - in->data) + 1);
		if (tls_after) {
			tls_after = false;
			conn_tls_server(sc, sctx, 5000);
			return;
		}
	}
}

static void
srv_closed(void *arg, enum conn_fail f, const char *reason)
{
	(void)arg;
	(void)f;
	(void)reason;
}

static const struct conn_ops srv_ops = {
	.data = srv_data,
	.closed = srv_closed,
};

/* The scripted server's conn: room for any line the tests send. */
static const struct conn_caps srv_caps = {
	.input_max = 256 * 1024,
	.output_max = 16 * 1024 * 1024,
};

static void
on_accept(int fd, short rev, void *arg)
{
	int s = accept(fd, NULL, NULL);

	(void)rev;
	(void)arg;
	if (s == -1)
		return;
	sc = conn_from_fd(L, s, &srv_caps, &srv_ops, NULL);
	if (greeting != NULL)
		srv_send(greeting);
}

static int
listen_any(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&sin, sl) == -1 ||
	    listen(lfd, 4) == -1)
		return -1;
	getsockname(lfd, (struct sockaddr *)&sin, &sl);
	lw = loop_watch_add(L, lfd, POLLIN, on_accept, NULL);
	return ntohs(sin.sin_port);
}

static void
d_line(void *arg, const struct driver_line *l)
{
	static const char *const prefix[] = { "C: ", "S: ", "* ", "= " };

	(void)arg;
	if (l->flags & DRIVER_LF_TIMING)
		return;
	buf_append_str(&out, prefix[l->kind]);
	buf_append(&out, l->text, l->len);
	buf_append_byte(&out, '\n');
}

static void
d_closed(void *arg, int code, const char *w)
{
	(void)arg;
	exit_code = code;
	snprintf(why, sizeof(why), "%s", w);
	closed = true;
	loop_break(L);
}

static const struct driver_ops dops = {
	.line = d_line,
	.closed = d_closed,
};

static void
bound(void *arg)
{
	(void)arg;
	snprintf(why, sizeof(why), "TEST TIMED OUT");
	loop_break(L);
}

/* Run a session: the driver connects to the scripted server and submits
 * each of lines whenever it is not busy; returns the driver (freed by
 * the caller with finish()). */
static struct driver *
run(const char *scheme, const char *greet, const struct step *st, size_t n,
    const char *const *lines, struct driver_options *o)
{
	struct driver *d;
	char url[128];
	const char *err = NULL;
	size_t li = 0;
	int port;

	L = loop_new();
	buf_init(&out, 1 << 20);
	script = st;
	nstep = n;
	stepi = 0;
	greeting = greet;
	mismatch[0] = '\0';
	closed = false;
	exit_code = -1;
	why[0] = '\0';
	port = listen_any();
	loop_timer_add(L, 8000, false, bound, NULL);
	d = driver_new(L, o, &dops, NULL);
	snprintf(url, sizeof(url), "%s://u@127.0.0.1:%d", scheme, port);
	CHECK_INT(driver_connect(d, url, &err), 0);
	if (early != NULL)
		driver_submit(d, early, strlen(early));
	while (!closed && strcmp(why, "TEST TIMED OUT") != 0) {
		if (!driver_busy(d) && driver_status(d)->connected &&
		    lines != NULL && lines[li] != NULL) {
			driver_submit(d, lines[li], strlen(lines[li]));
			li++;
			continue;
		}
		if (!driver_busy(d) && lines != NULL && lines[li] == NULL &&
		    driver_status(d)->connected && !closed)
			driver_close(d, "end of input");
		loop_run_once(L, 100);
	}
	return d;
}

static void
finish(struct driver *d)
{
	driver_free(d);
	conn_free(sc);
	sc = NULL;
	loop_watch_del(lw);
	close(lfd);
	loop_free(L);
	buf_clear(&out);
	if (mismatch[0] != '\0')
		fprintf(stderr, "script: %s\n", mismatch);
	CHECK(mismatch[0] == '\0');
}

static bool
has(const char *s)
{
	return out.data != NULL && strstr(out.data, s) != NULL;
}

static struct driver_options
opts(double timeout)
{
	struct driver_options o;

	memset(&o, 0, sizeof(o));
	o.timeout = timeout;
	return o;
}

/* A plain POP3 session: lines in order, PASS redacted, ESC escaped,
 * QUIT ends with exit 0. */
static void
test_pop3_plain(void)
{
	static const struct step st[] = {
		{ "USER u", "+OK" },
		{ "PASS ", "+OK logged in" },
		{ "STAT", "+OK 1 5" },
		{ "QUIT", "+OK bye" },
	};
	static const char *const lines[] = {
		"USER u", "PASS hunter2", "STAT", "QUIT", NULL,
	};
	struct driver_options o = opts(5);
	struct driver *d = run("pop3", "+OK \x1b[2J hi", st, 4, lines, &o);

	if (!has("S: +OK \\x1b[2J hi\n"))
		fprintf(stderr, "%s", out.data);
	CHECK(has("* connected to 127.0.0.1:"));
	CHECK(has("(plain) in "));
	CHECK(has("S: +OK \\x1b[2J hi\n"));
	CHECK(has("C: USER u\n"));
	CHECK(has("C: PASS ********\n"));
	CHECK(!has("hunter2"));
	CHECK(has("S: +OK 1 5\n"));
	CHECK(has("\n= "));
	CHECK_INT(exit_code, 0);
	finish(d);
}

/* A line typed while still connecting waits for the connection and the
 * greeting, and is paired with its own reply. */
static void
test_typed_early(void)
{
	static const struct step st[] = {
		{ "NOOP", "+OK noop" },
		{ "QUIT", "+OK bye" },
	};
	static const char *const lines[] = { "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d;

	early = "NOOP";
	d = run("pop3", "+OK hi", st, 2, lines, &o);
	early = NULL;
	CHECK(has("C: NOOP\n"));
	CHECK(has("S: +OK noop\n"));
	CHECK_INT(exit_code, 0);
	finish(d);
}

/* A -ERR makes the exit code 1; the session still ends normally. */
static void
test_pop3_negative(void)
{
	static const struct step st[] = {
		{ "USER u", "-ERR no such user" },
		{ "QUIT", "+OK bye" },
	};
	static const char *const lines[] = { "USER u", "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d = run("pop3", "+OK hi", st, 2, lines, &o);

	CHECK(has("S: -ERR no such user\n"));
	CHECK_INT(exit_code, 1);
	finish(d);
}

/* A server that stops answering: the reply timeout names the command and
 * the exit code is 3. */
static void
test_timeout(void)
{
	static const struct step st[] = {
		{ "USER u", "+OK" },
		{ "RETR 1", NULL },
	};
	static const char *const lines[] = { "USER u", "RETR 1", "QUIT", NULL };
	struct driver_options o = opts(0.3);
	double t0 = loop_now_ms();
	struct driver *d = run("pop3", "+OK hi", st, 2, lines, &o);

	CHECK(has("* timeout: no reply to RETR 1 after 0.3 s"));
	CHECK(has("* next: a late reply could be taken for the next "
	    "command's, so the session ends: reconnect"));
	CHECK(!has("C: QUIT"));
	CHECK_INT(exit_code, 3);
	CHECK(loop_now_ms() - t0 < 3000);
	finish(d);
}

/* No greeting at all: the same bound applies to the greeting. */
static void
test_no_greeting(void)
{
	struct driver_options o = opts(0.2);
	struct driver *d = run("smtp", NULL, NULL, 0, NULL, &o);

	CHECK(has("* timeout: no greeting after 0.2 s"));
	/* Said early (half the timeout), then diagnosed at the timeout. */
	CHECK(has("* no greeting yet after 0.1 s (waiting up to 0.2 s): if "
	    "it is an implicit-TLS port, try smtps://"));
	CHECK(has("* cause: the server accepted the connection but says "
	    "nothing"));
	CHECK(has("* next: if it is an implicit-TLS port, try smtps://"));
	CHECK_INT(exit_code, 3);
	finish(d);
}

/* Nothing listening: a "* " line with the reason and exit 3. */
static void
test_refused(void)
{
	struct driver_options o = opts(2);
	struct driver *d;
	const char *err;
	int port;

	L = loop_new();
	buf_init(&out, 1 << 20);
	closed = false;
	port = listen_any();
	loop_watch_del(lw);
	close(lfd);
	d = driver_new(L, &o, &dops, NULL);
	{
		char url[64];

		snprintf(url, sizeof(url), "pop3://127.0.0.1:%d", port);
		CHECK_INT(driver_connect(d, url, &err), 0);
	}
	loop_timer_add(L, 5000, false, bound, NULL);
	while (!closed && strcmp(why, "TEST TIMED OUT") != 0)
		loop_run_once(L, 100);
	CHECK(has("refused"));
	CHECK_INT(exit_code, 3);
	driver_free(d);
	loop_free(L);
	buf_clear(&out);
	lfd = -1;
}

/* /auth USER takes the password from MAILBENCH_PASSWORD; it never shows. */
static void
test_env_password(void)
{
	static const struct step st[] = {
		{ "USER u", "+OK" },
		{ "PASS s3cr3t-env", "+OK in" },
		{ "QUIT", "+OK bye" },
	};
	static const char *const lines[] = { "/auth USER", "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d;

	setenv("MAILBENCH_PASSWORD", "s3cr3t-env", 1);
	d = run("pop3", "+OK hi", st, 3, lines, &o);
	unsetenv("MAILBENCH_PASSWORD");
	CHECK(has("C: PASS ********\n"));
	CHECK(has("MAILBENCH_PASSWORD"));
	CHECK(!has("s3cr3t-env"));
	CHECK_INT(exit_code, 0);
	finish(d);
}

/* /help lists every workbench command; /save writes the transcript so
 * far (redacted) and refuses to overwrite. */
static void
test_help_save(void)
{
	static const struct step st[] = {
		{ "PASS ", "+OK" },
		{ "QUIT", "+OK bye" },
	};
	char path[64], cmd[96], buf[4096];
	const char *lines[] = { "/help", "PASS topsecret", cmd, cmd, "QUIT",
		NULL };
	struct driver_options o = opts(5);
	struct driver *d;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/tmp/mb-test-driver-%d.txt",
	    (int)getpid());
	unlink(path);
	snprintf(cmd, sizeof(cmd), "/save %s", path);
	d = run("pop3", "+OK hi", st, 2, lines, &o);
	CHECK(has("/connect [--starttls] [--cafile FILE] [--insecure] URL"));
	CHECK(has("/cert "));
	CHECK(has("/starttls"));
	CHECK(has("/auth MECH"));
	CHECK(has("/load"));
	CHECK(has("/send"));
	CHECK(has("/save FILE"));
	CHECK(has("/quit"));
	CHECK(has("* transcript saved to "));
	CHECK(has("the file exists"));
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		CHECK(strstr(buf, "S: +OK hi\n") != NULL);
		CHECK(strstr(buf, "C: PASS ********\n") != NULL);
		CHECK(strstr(buf, "topsecret") == NULL);
	}
	unlink(path);
	finish(d);
}

/* STLS: the certificate lines and verification, then the session goes
 * on over TLS. */
static void
test_stls(void)
{
	static const struct step st[] = {
		{ "STLS", "+OK begin TLS" },
		{ "NOOP", "+OK over tls" },
		{ "QUIT", "+OK bye" },
	};
	static const char *const lines[] = { "STLS", "NOOP", "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d;

	o.cafile = cafile;
	d = run("pop3", "+OK hi", st, 3, lines, &o);
	if (!has("certificate verified"))
		fprintf(stderr, "%s", out.data);
	CHECK(has("* TLS handshake done in "));
	CHECK(has("* certificate 0 (server): subject CN=127.0.0.1"));
	CHECK(has("*   SHA-256 "));
	CHECK(has("* certificate verified for 127.0.0.1"));
	CHECK(has("S: +OK over tls"));
	CHECK(driver_status(d)->tls == NULL);	/* closed by now */
	CHECK_INT(exit_code, 0);
	finish(d);
}

/* --starttls against a server that refuses STLS: no plaintext commands,
 * exit 3. */
static void
test_starttls_refused(void)
{
	static const struct step st[] = {
		{ "STLS", "-ERR not today" },
	};
	static const char *const lines[] = { "USER u", "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d;

	o.starttls = true;
	d = run("pop3", "+OK hi", st, 1, lines, &o);
	CHECK(has("C: STLS\n"));
	CHECK(!has("C: USER"));
	CHECK(has("TLS was asked for and the server refused STLS"));
	CHECK_INT(exit_code, 3);
	finish(d);
}

/* A wrong CA: the certificate is shown, the reason given, exit 3. */
static void
test_wrong_ca(void)
{
	static const struct step st[] = {
		{ "STLS", "+OK begin TLS" },
	};
	static const char *const lines[] = { "STLS", "QUIT", NULL };
	struct driver_options o = opts(5);
	struct driver *d = run("pop3", "+OK hi", st, 1, lines, &o);

	CHECK(has("* certificate 0 (server)"));
	CHECK(has("self-signed certificate") || has("self signed"));
	CHECK(!has("C: QUIT"));
	CHECK_INT(exit_code, 3);
	finish(d);
}

/* Not connected: an unknown /command is named as unknown (not "not
 * connected"); a known one that needs a session says to /connect. */
static void
test_unconnected_commands(void)
{
	struct driver_options o = opts(2);
	struct driver *d;

	L = loop_new();
	buf_init(&out, 1 << 20);
	d = driver_new(L, &o, &dops, NULL);
	CHECK_INT(driver_submit(d, "/frobnicate now", 15), -1);
	CHECK(has("* unknown command /frobnicate (/help lists them)\n"));
	CHECK_INT(driver_submit(d, "/load", 5), -1);
	CHECK(has("* not connected: /connect URL first\n"));
	CHECK_INT(driver_submit(d, "STAT", 4), -1);
	CHECK(!has("unknown command STAT"));
	driver_free(d);
	loop_free(L);
	buf_clear(&out);
}

static const struct test tests[] = {
	{ "driver_pop3_plain", test_pop3_plain },
	{ "driver_pop3_negative", test_pop3_negative },
	{ "driver_typed_early", test_typed_early },
	{ "driver_timeout", test_timeout },
	{ "driver_no_greeting", test_no_greeting },
	{ "driver_refused", test_refused },
	{ "driver_env_password", test_env_password },
	{ "driver_help_save", test_help_save },
	{ "driver_stls", test_stls },
	{ "driver_starttls_refused", test_starttls_refused },
	{ "driver_wrong_ca", test_wrong_ca },
	{ "driver_unconnected_commands", test_unconnected_commands },
};

int
main(void)
{
	char fp[128];
	const char *err = NULL;
	int rc;

	unsetenv("MAILBENCH_PASSWORD");
	snprintf(cafile, sizeof(cafile), "/tmp/mb-test-driver-%d-ca.pem",
	    (int)getpid());
	unlink(cafile);
	sctx = tls_server_ctx_new(NULL, NULL, "127.0.0.1", fp, sizeof(fp),
	    &err);
	if (sctx == NULL || tls_server_write_cert(sctx, cafile) == -1) {
		fprintf(stderr, "cannot make a test certificate: %s\n",
		    err ? err : "?");
		return 1;
	}
	rc = harness_run("driver", tests, sizeof(tests) / sizeof(tests[0]));
	unlink(cafile);
	SSL_CTX_free(sctx);
	return rc;
}
