/* SPDX-License-Identifier: MIT */
/* Tests for net/conn.c and net/tls.c against in-process loopback
 * listeners: plain echo, refused connect, reply silence, TLS verified,
 * wrong CA, --insecure, name mismatch, STARTTLS upgrade, handshake timeout,
 * input cap, close after flush, IPv6. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/conn.h"
#include "net/loop.h"
#include "net/tls-server.h"
#include "net/tls.h"
#include "tests/unit/harness.h"

/* One side of a test connection and what happened to it. */
struct side {
	struct conn	*c;
	char		 got[65536];
	size_t		 ngot;
	size_t		 total;		/* every byte, beyond got's cap */
	bool		 connected, tls, closed;
	enum conn_fail	 fail;
	char		 reason[512];
	char		 peer[80];
	char		 verify[256];
	bool		 insecure, verified;
	char		 subject[256];
	char		 protocol[32];
	int		 echo;		/* server: echo back what arrives */
	int		 starttls;	/* server: "STARTTLS" -> 220 + TLS */
	bool		 consume;	/* consume input (default) */
	bool		 eof;		/* the peer ended its sending side */
};

static struct loop	*L;
static SSL_CTX		*server_ctx, *other_ctx;
static char		 cafile[64], wrongca[64];
static struct side	 cli, srv;
static int		 lfd = -1;
static struct loop_watch *lw;
static bool		 accept_silent;	/* accept, never answer */
static int		 silent_fd = -1;

static void
side_reset(struct side *s)
{
	memset(s, 0, sizeof(*s));
	s->consume = true;
}

static void
on_connected(void *arg, const char *peer, double ms)
{
	struct side *s = arg;

	(void)ms;
	s->connected = true;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
}

static void
on_data(void *arg, struct buf *in)
{
	struct side *s = arg;
	size_t n = in->len;

	if (!s->consume)
		return;
	s->total += in->len;
	if (n > sizeof(s->got) - 1 - s->ngot)
		n = sizeof(s->got) - 1 - s->ngot;
	memcpy(s->got + s->ngot, in->data, n);
	s->ngot += n;
	s->got[s->ngot] = '\0';
	if (s->echo)
		conn_write(s->c, in->data, in->len);
	if (s->starttls && strstr(s->got, "STARTTLS\r\n") != NULL) {
		conn_write(s->c, "220 go ahead\r\n", 14);
		CHECK_INT(conn_tls_server(s->c, server_ctx, 5000), 0);
		s->starttls = 0;
		s->echo = 1;
	}
	buf_consume(in, in->len);
}

static void
on_tls(void *arg, const struct tls_summary *t, double ms)
{
	struct side *s = arg;

	(void)ms;
	s->tls = true;
	s->insecure = t->insecure;
	s->verified = t->verified;
	snprintf(s->verify, sizeof(s->verify), "%s", t->verify_result);
	snprintf(s->protocol, sizeof(s->protocol), "%s", t->protocol);
	if (t->ncerts > 0)
		snprintf(s->subject, sizeof(s->subject), "%s",
		    t->certs[0].subject);
}

static void
on_closed(void *arg, enum conn_fail f, const char *reason)
{
	struct side *s = arg;

	s->closed = true;
	s->fail = f;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	if (s == &cli)
		loop_break(L);
}

/* The caps the client and the lab give their conns. */
static const struct conn_caps caps = {
	.input_max = 256 * 1024,
	.output_max = 16 * 1024 * 1024,
};

static const struct conn_ops ops = {
	on_connected, on_data, on_tls, on_closed, NULL, NULL,
};

/* Server with an eof callback: answer "bye" to the client's EOF, close. */
static void
on_eof(void *arg)
{
	struct side *s = arg;

	s->eof = true;
	conn_write(s->c, "bye\r\n", 5);
	conn_close_after_flush(s->c);
}

static const struct conn_ops half_ops = {
	on_connected, on_data, on_tls, on_closed, NULL, on_eof,
};
static bool	srv_half;	/* the server uses half_ops */

static SSL_CTX	*implicit_ctx;	/* server: TLS right after accept */

static void
on_accept(int fd, short rev, void *arg)
{
	int s;

	(void)rev;
	(void)arg;
	s = accept(fd, NULL, NULL);
	if (s == -1)
		return;
	if (accept_silent) {
		silent_fd = s;
		return;
	}
	srv.c = conn_from_fd(L, s, &caps, srv_half ? &half_ops : &ops, &srv);
	if (implicit_ctx != NULL)
		conn_tls_server(srv.c, implicit_ctx, 5000);
}

/* A loopback listener on an ephemeral port; returns the port. */
static int
listen_on(int family)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(lfd, 8) == -1) {
		close(lfd);
		lfd = -1;
		return -1;
	}
	getsockname(lfd, (struct sockaddr *)&ss, &sl);
	lw = loop_watch_add(L, lfd, POLLIN, on_accept, NULL);
	return ntohs(family == 6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
}

static void
bound(void *arg)
{
	(void)arg;
	cli.closed = true;
	snprintf(cli.reason, sizeof(cli.reason), "TEST TIMED OUT");
	loop_break(L);
}

/* Set up the loop, a listener and a 10 s bound on the whole test. */
static int
setup(int family)
{
	int port;

	L = loop_new();
	side_reset(&cli);
	side_reset(&srv);
	accept_silent = false;
	srv_half = false;
	implicit_ctx = NULL;
	port = listen_on(family);
	loop_timer_add(L, 10000, false, bound, NULL);
	return port;
}

static void
teardown(void)
{
	conn_free(cli.c);
	conn_free(srv.c);
	cli.c = srv.c = NULL;
	loop_watch_del(lw);
	lw = NULL;
	if (lfd != -1)
		close(lfd);
	lfd = -1;
	if (silent_fd != -1)
		close(silent_fd);
	silent_fd = -1;
	loop_free(L);
	L = NULL;
}

static struct conn *
client(int port, int family, double tmo)
{
	char p[16];

	snprintf(p, sizeof(p), "%d", port);
	cli.c = conn_connect(L, family == 6 ? "::1" : "127.0.0.1", p, family,
	    tmo, &caps, &ops, &cli);
	return cli.c;
}

static void
quit_on_echo(void *arg)
{
	(void)arg;
	if (strstr(cli.got, "\r\n") != NULL)
		conn_close_after_flush(cli.c);
}

/* Plain: connect, the peer address is reported, bytes echo back, a close
 * after flush reaches the server as a clean EOF. */
static void
test_echo(void)
{
	int port = setup(4);
	struct loop_timer *t;
	char want[32];

	srv.echo = 1;
	client(port, 4, 2000);
	conn_write(cli.c, "hello\r\n", 7);
	t = loop_timer_add(L, 5, true, quit_on_echo, NULL);
	loop_run(L);
	CHECK(cli.connected);
	snprintf(want, sizeof(want), "127.0.0.1:%d", port);
	CHECK_STR(cli.peer, want);
	CHECK_STR(cli.got, "hello\r\n");
	CHECK_STR(srv.got, "hello\r\n");
	CHECK_INT(cli.fail, CONN_FAIL_NONE);
	loop_timer_del(t);
	/* The server then sees EOF. */
	loop_run_once(L, 200);
	loop_run_once(L, 50);
	CHECK(srv.closed);
	CHECK_INT(srv.fail, CONN_FAIL_NONE);
	teardown();
}

/* The same over IPv6 loopback, when the host has it. */
static void
test_echo6(void)
{
	int port = setup(6);

	if (port == -1) {
		fprintf(stderr, "no IPv6 loopback: skipped\n");
		teardown();
		return;
	}
	srv.echo = 1;
	client(port, 6, 2000);
	conn_write(cli.c, "six\r\n", 5);
	while (!cli.closed && strstr(cli.got, "\r\n") == NULL)
		loop_run_once(L, 100);
	CHECK(cli.peer[0] == '[');
	CHECK_STR(cli.got, "six\r\n");
	teardown();
}

/* "localhost" may resolve to ::1 first: with a listener on 127.0.0.1
 * only, the next address is tried and the connection succeeds. */
static void
test_next_address(void)
{
	int port = setup(4);
	char p[16];

	srv.echo = 1;
	snprintf(p, sizeof(p), "%d", port);
	cli.c = conn_connect(L, "localhost", p, 0, 2000, &caps, &ops, &cli);
	conn_write(cli.c, "hi\r\n", 4);
	while (!cli.closed && strstr(cli.got, "\r\n") == NULL)
		loop_run_once(L, 100);
	CHECK(cli.connected);
	CHECK(strncmp(cli.peer, "127.0.0.1:", 10) == 0);
	CHECK_STR(cli.got, "hi\r\n");
	teardown();
}

/* Nothing listens: every address refuses, CONN_FAIL_CONNECT with errno
 * text. */
static void
test_refused(void)
{
	int port = setup(4);

	close(lfd);
	loop_watch_del(lw);
	lw = NULL;
	lfd = -1;
	client(port, 4, 2000);
	loop_run(L);
	CHECK(!cli.connected);
	CHECK_INT(cli.fail, CONN_FAIL_CONNECT);
	CHECK(strstr(cli.reason, "refused") != NULL);
	/* The facts a diagnosis reads: where and which errno. */
	CHECK_INT(conn_failure(cli.c)->phase, CONN_PHASE_CONNECT);
	CHECK_INT(conn_failure(cli.c)->sys_errno, ECONNREFUSED);
	CHECK_STR(conn_failure(cli.c)->detail, strerror(ECONNREFUSED));
	teardown();
}

/* A listener whose accept queue is full drops new SYNs (Linux), so the
 * connect never completes: the connect timeout ends it. Loopback only. */
static void
test_connect_timeout(void)
{
	int port = setup(4), extra[4], i, n = 0;
	struct sockaddr_in sin;

	/* Re-listen with the smallest backlog and never accept. */
	loop_watch_del(lw);
	lw = NULL;
	listen(lfd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	for (i = 0; i < 4; i++) {
		extra[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(extra[i], (struct sockaddr *)&sin, sizeof(sin));
		n++;
	}
	usleep(50000);
	client(port, 4, 300);
	loop_run(L);
	if (cli.connected) {
		fprintf(stderr, "backlog not full on this kernel: skipped\n");
	} else {
		CHECK_INT(cli.fail, CONN_FAIL_TIMEOUT);
		CHECK(strstr(cli.reason, "timed out") != NULL);
		CHECK_INT(conn_failure(cli.c)->phase, CONN_PHASE_CONNECT);
		CHECK_INT(conn_failure(cli.c)->sys_errno, ETIMEDOUT);
	}
	for (i = 0; i < n; i++)
		close(extra[i]);
	teardown();
}

/* A server that accepts and never speaks TLS: the handshake times out. */
static void
test_tls_timeout(void)
{
	int port = setup(4);
	SSL_CTX *ctx;
	const char *err;

	accept_silent = true;
	ctx = tls_client_ctx(cafile, &err);
	client(port, 4, 2000);
	while (!cli.connected && !cli.closed)
		loop_run_once(L, 100);
	CHECK_INT(conn_tls_client(cli.c, ctx, "127.0.0.1", false, 150), 0);
	loop_run(L);
	CHECK_INT(cli.fail, CONN_FAIL_TIMEOUT);
	CHECK(strstr(cli.reason, "timed out") != NULL);
	CHECK_INT(conn_failure(cli.c)->phase, CONN_PHASE_HANDSHAKE);
	SSL_CTX_free(ctx);
	teardown();
}

/* Implicit TLS to the in-process server: verification against host with
 * the right CA, wrong CA, wrong name, and --insecure. */
static void
tls_case(const char *ca, const char *host, bool insecure)
{
	int port = setup(4);
	SSL_CTX *ctx;
	const char *err = NULL;

	implicit_ctx = server_ctx;
	srv.echo = 1;
	ctx = tls_client_ctx(ca, &err);
	CHECK(ctx != NULL);
	client(port, 4, 2000);
	while (!cli.connected && !cli.closed)
		loop_run_once(L, 100);
	CHECK_INT(conn_tls_client(cli.c, ctx, host, insecure, 2000), 0);
	SSL_CTX_free(ctx);	/* the conn holds its own reference */
	while (!cli.tls && !cli.closed)
		loop_run_once(L, 100);
	if (cli.tls) {
		conn_write(cli.c, "over tls\r\n", 10);
		while (!cli.closed && strstr(cli.got, "\r\n") == NULL)
			loop_run_once(L, 100);
	}
}

static void
test_tls_verified(void)
{
	tls_case(cafile, "127.0.0.1", false);
	CHECK(cli.tls);
	CHECK(cli.verified);
	CHECK(!cli.insecure);
	CHECK_STR(cli.verify, "ok");
	CHECK(strncmp(cli.protocol, "TLSv1.", 6) == 0);
	CHECK(strstr(cli.subject, "CN=") != NULL);
	CHECK_STR(cli.got, "over tls\r\n");
	CHECK_STR(srv.got, "over tls\r\n");
	teardown();
	/* The certificate has DNS:localhost too. */
	tls_case(cafile, "localhost", false);
	CHECK(cli.verified);
	teardown();
}

static void
test_tls_wrong_ca(void)
{
	tls_case(wrongca, "127.0.0.1", false);
	CHECK(!cli.tls);
	CHECK_INT(cli.fail, CONN_FAIL_TLS);
	CHECK(strstr(cli.reason, "certificate verification failed") != NULL);
	fprintf(stderr, "wrong CA: %s\n", cli.reason);
	/* The test servers' certificates sign themselves: sorted as such,
	 * with the failing certificate's details kept. */
	CHECK_INT(conn_failure(cli.c)->tls, CONN_TLS_VERIFY);
	CHECK_INT(conn_failure(cli.c)->phase, CONN_PHASE_HANDSHAKE);
	{
		const struct tls_summary *t = conn_tls_summary(cli.c);

		CHECK(t != NULL);
		if (t != NULL) {
			CHECK_INT(t->verify_class, TLS_VERIFY_SELF_SIGNED);
			CHECK_INT(t->verify_depth, 0);
			CHECK(t->failed.subject != NULL);
			CHECK(t->failed.self_signed);
			CHECK(t->ncerts > 0 && t->certs[0].self_signed);
			CHECK(t->failed.not_after_t > t->failed.not_before_t);
			CHECK(t->failed.not_before_t > 1700000000LL);
		}
	}
	teardown();
}

static void
test_tls_wrong_name(void)
{
	tls_case(cafile, "mail.example.org", false);
	CHECK(!cli.tls);
	CHECK_INT(cli.fail, CONN_FAIL_TLS);
	CHECK(strstr(cli.reason, "mismatch") != NULL);
	fprintf(stderr, "wrong name: %s\n", cli.reason);
	{
		const struct tls_summary *t = conn_tls_summary(cli.c);

		CHECK(t != NULL);
		if (t != NULL) {
			CHECK_INT(t->verify_class, TLS_VERIFY_NAME_MISMATCH);
			CHECK_INT(t->verify_depth, 0);
			CHECK(t->ncerts > 0 &&
			    strstr(t->certs[0].sans, "IP:127.0.0.1") != NULL);
		}
	}
	teardown();
	/* An IP literal is checked as an address, not a name. */
	tls_case(cafile, "127.0.0.2", false);
	CHECK_INT(cli.fail, CONN_FAIL_TLS);
	CHECK(strstr(cli.reason, "IP address mismatch") != NULL);
	teardown();
}

static void
test_tls_insecure(void)
{
	tls_case(wrongca, "127.0.0.1", true);
	CHECK(cli.tls);
	CHECK(!cli.verified);
	CHECK(cli.insecure);
	CHECK(strcmp(cli.verify, "ok") != 0);
	CHECK_STR(cli.got, "over tls\r\n");
	teardown();
}

/* STARTTLS: plain command, plain 220, then TLS on the same conn and
 * data over it; the server's 220 was written in plain before its
 * handshake. */
static void
test_starttls(void)
{
	int port = setup(4);
	SSL_CTX *ctx;
	const char *err;

	srv.starttls = 1;
	ctx = tls_client_ctx(cafile, &err);
	client(port, 4, 2000);
	conn_write(cli.c, "STARTTLS\r\n", 10);
	while (!cli.closed && strstr(cli.got, "220 go ahead\r\n") == NULL)
		loop_run_once(L, 100);
	CHECK_INT(conn_tls_client(cli.c, ctx, "127.0.0.1", false, 2000), 0);
	CHECK_INT(conn_tls_client(cli.c, ctx, "127.0.0.1", false, 2000), -1);
	while (!cli.tls && !cli.closed)
		loop_run_once(L, 100);
	CHECK(cli.tls);
	CHECK(conn_tls_active(cli.c));
	cli.ngot = 0;
	conn_write(cli.c, "secret\r\n", 8);
	while (!cli.closed && strstr(cli.got, "secret\r\n") == NULL)
		loop_run_once(L, 100);
	CHECK_STR(cli.got, "secret\r\n");
	CHECK(conn_tls_active(srv.c));
	SSL_CTX_free(ctx);
	teardown();
}

static void
blast(void *arg)
{
	static char big[200000];

	(void)arg;
	memset(big, 'A', sizeof(big));
	conn_write(srv.c, big, sizeof(big));
	conn_close_after_flush(srv.c);
}

/* A peer sending more than the input cap without a consumer: LIMIT. */
static void
test_input_limit(void)
{
	int port = setup(4);

	client(port, 4, 2000);
	cli.consume = false;
	conn_set_input_max(cli.c, 1000);
	while (srv.c == NULL && !cli.closed)
		loop_run_once(L, 100);
	loop_timer_add(L, 1, false, blast, NULL);
	loop_run(L);
	CHECK_INT(cli.fail, CONN_FAIL_LIMIT);
	teardown();
}

/* Everything written before close_after_flush arrives, then EOF. */
static void
test_flush_close(void)
{
	int port = setup(4);

	client(port, 4, 2000);
	while (srv.c == NULL && !cli.closed)
		loop_run_once(L, 100);
	loop_timer_add(L, 1, false, blast, NULL);
	loop_run(L);
	CHECK_INT(cli.fail, CONN_FAIL_NONE);
	CHECK_INT(cli.ngot, sizeof(cli.got) - 1);	/* capped copy */
	teardown();
}

/* A client that ends its sending side (shutdown(SHUT_WR), as `printf |
 * nc -q` does) talking to a conn with an eof callback: what it sent
 * arrives first, then the eof, and the conn still writes: the reply
 * reaches the client before the close. */
static void
test_half_close(void)
{
	int port = setup(4), fd;
	struct sockaddr_in sin;
	char buf[64];
	size_t n = 0;
	ssize_t r;

	srv_half = true;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	CHECK_INT(write(fd, "a\r\nb\r\n", 6), 6);
	shutdown(fd, SHUT_WR);
	while (!srv.closed && !cli.closed)	/* cli.closed: the 10 s bound */
		loop_run_once(L, 100);
	CHECK(srv.eof);
	CHECK_STR(srv.got, "a\r\nb\r\n");
	CHECK_INT(srv.fail, CONN_FAIL_NONE);
	while (n < sizeof(buf) - 1 &&
	    (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	CHECK_STR(buf, "bye\r\n");
	close(fd);
	teardown();
}

static void
blast_tls(void *arg)
{
	static char big[3 * 1024 * 1024 + 7];
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	conn_write(srv.c, big, sizeof(big));
	conn_close_after_flush(srv.c);
}

/* Megabytes over TLS both ways (partial writes, many records), then a
 * close after flush: every byte arrives, then a clean EOF. */
static void
test_tls_bulk(void)
{
	static char up[1024 * 1024];
	int port = setup(4);
	SSL_CTX *ctx;
	const char *err;

	implicit_ctx = server_ctx;
	ctx = tls_client_ctx(cafile, &err);
	client(port, 4, 2000);
	while (!cli.connected && !cli.closed)
		loop_run_once(L, 100);
	CHECK_INT(conn_tls_client(cli.c, ctx, "127.0.0.1", false, 2000), 0);
	SSL_CTX_free(ctx);
	while ((!cli.tls || srv.c == NULL || !conn_tls_active(srv.c)) &&
	    !cli.closed)
		loop_run_once(L, 100);
	memset(up, 'u', sizeof(up));
	CHECK_INT(conn_write(cli.c, up, sizeof(up)), 0);
	while (srv.total < sizeof(up) && !cli.closed)
		loop_run_once(L, 100);
	CHECK_INT(srv.total, sizeof(up));
	loop_timer_add(L, 1, false, blast_tls, NULL);
	loop_run(L);
	CHECK_INT(cli.fail, CONN_FAIL_NONE);
	CHECK_INT(cli.total, 3 * 1024 * 1024 + 7);
	teardown();
}

static void
setup_certs(void)
{
	char fp[128];
	const char *err = NULL;

	snprintf(cafile, sizeof(cafile), "/tmp/mb-test-conn-%d-ca.pem",
	    (int)getpid());
	snprintf(wrongca, sizeof(wrongca), "/tmp/mb-test-conn-%d-other.pem",
	    (int)getpid());
	unlink(cafile);
	unlink(wrongca);
	server_ctx = tls_server_ctx_new(NULL, NULL, "127.0.0.1", fp,
	    sizeof(fp), &err);
	other_ctx = tls_server_ctx_new(NULL, NULL, "127.0.0.1", fp,
	    sizeof(fp), &err);
	if (server_ctx == NULL || other_ctx == NULL ||
	    tls_server_write_cert(server_ctx, cafile) == -1 ||
	    tls_server_write_cert(other_ctx, wrongca) == -1) {
		fprintf(stderr, "cannot make test certificates: %s\n",
		    err ? err : "?");
		exit(1);
	}
}

/* "localhost" with -4 is resolved (in the resolver thread) to 127.0.0.1
 * only, and the connection works like an IP literal's. */
static void
test_resolve_family4(void)
{
	int port = setup(4);
	char p[16];

	srv.echo = 1;
	snprintf(p, sizeof(p), "%d", port);
	cli.c = conn_connect(L, "localhost", p, 4, 2000, &caps, &ops, &cli);
	/* conn_connect returns before anything is resolved or connected. */
	CHECK(!cli.connected && !cli.closed);
	conn_write(cli.c, "four\r\n", 6);
	while (!cli.closed && strstr(cli.got, "\r\n") == NULL)
		loop_run_once(L, 100);
	CHECK(cli.connected);
	CHECK(strncmp(cli.peer, "127.0.0.1:", 10) == 0);
	CHECK_STR(cli.got, "four\r\n");
	teardown();
}

/* "localhost" with -6 reaches the ::1 listener (when the host has IPv6
 * loopback and "localhost" names ::1). */
static void
test_resolve_family6(void)
{
	int port = setup(6);
	char p[16];

	if (port == -1) {
		fprintf(stderr, "no IPv6 loopback: skipped\n");
		teardown();
		return;
	}
	srv.echo = 1;
	snprintf(p, sizeof(p), "%d", port);
	cli.c = conn_connect(L, "localhost", p, 6, 2000, &caps, &ops, &cli);
	conn_write(cli.c, "six\r\n", 5);
	while (!cli.closed && strstr(cli.got, "\r\n") == NULL)
		loop_run_once(L, 100);
	if (cli.fail == CONN_FAIL_RESOLVE) {
		fprintf(stderr, "localhost has no ::1 here: skipped\n");
		teardown();
		return;
	}
	CHECK(cli.connected);
	CHECK(cli.peer[0] == '[');
	CHECK_STR(cli.got, "six\r\n");
	teardown();
}

/* Freed while the resolver thread runs: no callback ever comes, the
 * thread's result is dropped and freed (LeakSanitizer checks at exit),
 * and the loop keeps running without the conn. */
static void
test_resolve_free_early(void)
{
	int port = setup(4), i;
	char p[16];

	/* Nothing is accepted, but the port stays open: a connection that
	 * got as far as connecting before its conn was freed must not be
	 * refused (a refusal is a legitimate close callback, and under load
	 * it used to come before conn_free and fail the test). */
	loop_watch_del(lw);
	lw = NULL;
	snprintf(p, sizeof(p), "%d", port);
	for (i = 0; i < 20; i++) {
		cli.c = conn_connect(L, "localhost", p, 0, 2000, &caps, &ops, &cli);
		/* Start the resolution, then let go of the conn at once or
		 * after a little while. */
		loop_run_once(L, 0);
		if (i % 2)
			loop_run_once(L, 1);
		conn_free(cli.c);
		cli.c = NULL;
	}
	/* Give the threads time to finish and free their jobs. */
	for (i = 0; i < 10; i++)
		loop_run_once(L, 20);
	usleep(200 * 1000);
	CHECK(!cli.closed);
	teardown();
}

/* An IPv4 literal with -6 is not an IPv6 address: a resolution failure,
 * at once and without any lookup. */
static void
test_resolve_literal_family(void)
{
	int port = setup(4);

	client(port, 4, 2000);
	conn_free(cli.c);
	cli.c = conn_connect(L, "127.0.0.1", "110", 6, 2000, &caps, &ops, &cli);
	loop_run(L);
	CHECK(cli.closed);
	CHECK_INT(cli.fail, CONN_FAIL_RESOLVE);
	CHECK(strstr(cli.reason, "cannot resolve 127.0.0.1") != NULL);
	CHECK_INT(conn_failure(cli.c)->phase, CONN_PHASE_RESOLVE);
	CHECK(conn_failure(cli.c)->resolve != CONN_RESOLVE_NONE);
	teardown();
}

static const struct test tests[] = {
	{ "conn_echo", test_echo },
	{ "conn_echo_ipv6", test_echo6 },
	{ "conn_refused", test_refused },
	{ "conn_next_address", test_next_address },
	{ "conn_resolve_family4", test_resolve_family4 },
	{ "conn_resolve_family6", test_resolve_family6 },
	{ "conn_resolve_free_early", test_resolve_free_early },
	{ "conn_resolve_literal_family", test_resolve_literal_family },
	{ "conn_connect_timeout", test_connect_timeout },
	{ "conn_tls_timeout", test_tls_timeout },
	{ "conn_tls_verified", test_tls_verified },
	{ "conn_tls_wrong_ca", test_tls_wrong_ca },
	{ "conn_tls_wrong_name", test_tls_wrong_name },
	{ "conn_tls_insecure", test_tls_insecure },
	{ "conn_starttls", test_starttls },
	{ "conn_tls_bulk", test_tls_bulk },
	{ "conn_input_limit", test_input_limit },
	{ "conn_flush_close", test_flush_close },
	{ "conn_half_close", test_half_close },
};

int
main(void)
{
	int rc;

	setup_certs();
	rc = harness_run("conn", tests, sizeof(tests) / sizeof(tests[0]));
	unlink(cafile);
	unlink(wrongca);
	SSL_CTX_free(server_ctx);
	SSL_CTX_free(other_ctx);
	return rc;
}
