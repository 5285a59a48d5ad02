/* SPDX-License-Identifier: MIT */
/* Non-blocking TCP connections with optional TLS, driven by the loop. */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "net/conn.h"
#include "net/loop.h"
#include "net/resolve.h"
#include "base/util.h"

/* Reads (of up to 16 KiB) per wake-up before yielding to the loop. */
#define CONN_READ_BUDGET	64

enum conn_state {
	CONN_STATE_RESOLVE,	/* waiting for the deferred getaddrinfo */
	CONN_STATE_CONNECTING,
	CONN_STATE_OPEN,
	CONN_STATE_HANDSHAKE,
	CONN_STATE_CLOSED,
};

struct conn {
	bool			 first_consumed; /* failure.first holds bytes
						 * OpenSSL read (not peeked) */
	struct loop		*loop;
	const struct conn_ops	*ops;
	void			*arg;
	enum conn_state		 state;
	int			 fd;
	struct loop_watch	*watch;
	struct loop_timer	*timer;		/* connect / handshake bound */
	struct loop_timer	*kick;		/* deferred work */
	/* Connecting. */
	char			*host;
	char			*port;
	int			 family;
	struct addrinfo		*ai, *ai_next;
	struct resolve		*job;		/* resolving in a thread */
	double			 start_ms;
	double			 timeout_ms;	/* whole connect, <= 0: none */
	size_t			 naddr;
	int			 last_errno;
	char			 peer[INET6_ADDRSTRLEN + 16];
	/* Data. */
	struct buf		 in;
	struct buf		 out;
	size_t			 plain_left;	/* head of out to send before TLS */
	bool			 paused;
	bool			 read_eof;	/* peer half-closed; owner has eof */
	bool			 close_after_flush;
	/* TLS. */
	SSL_CTX			*ctx;
	SSL			*ssl;
	bool			 tls_server;
	bool			 tls_insecure;
	char			*tls_trust;	/* "\nAB:..\nCD:..\n" or NULL */
	bool			 tls_active;
	short			 hs_want;	/* POLLIN or POLLOUT */
	bool			 read_wants_write;
	bool			 write_wants_read;
	double			 hs_start_ms;
	struct tls_summary	 summary;
	/* Failure to report from the loop. */
	bool			 fail_pending;
	bool			 delivering;
	enum conn_fail		 fail;
	char			 reason[512];
	struct conn_failure	 failure;
	/* Reentrancy: callbacks may free us. */
	int			 busy;
	bool			 dying;
};

static void	conn_io(int, short, void *);
static void	conn_kick(void *);
static void	conn_timeout(void *);
static void	update_events(struct conn *);
static void	resolve_drop(struct conn *);

const char *
conn_fail_name(enum conn_fail f)
{
	switch (f) {
	case CONN_FAIL_NONE:
		return "closed";
	case CONN_FAIL_RESOLVE:
		return "name resolution failed";
	case CONN_FAIL_CONNECT:
		return "connection failed";
	case CONN_FAIL_TIMEOUT:
		return "timeout";
	case CONN_FAIL_TLS:
		return "TLS failure";
	case CONN_FAIL_IO:
		return "I/O error";
	case CONN_FAIL_LIMIT:
		return "size limit reached";
	}
	return "?";
}

static struct conn *
conn_alloc(struct loop *l, const struct conn_caps *caps,
    const struct conn_ops *ops, void *arg)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	/* OpenSSL writes to the socket with write(2), which raises SIGPIPE
	 * on a reset connection; an error return is what we want. */
	signal(SIGPIPE, SIG_IGN);
	c->loop = l;
	c->ops = ops;
	c->arg = arg;
	c->fd = -1;
	buf_init(&c->in, caps->input_max);
	buf_init(&c->out, caps->output_max);
	c->kick = loop_timer_add(l, 0, false, conn_kick, c);
	loop_timer_stop(c->kick);
	c->timer = loop_timer_add(l, 0, false, conn_timeout, c);
	loop_timer_stop(c->timer);
	return c;
}

static void
really_free(struct conn *c)
{
	resolve_drop(c);
	loop_watch_del(c->watch);
	loop_timer_del(c->timer);
	loop_timer_del(c->kick);
	if (c->fd != -1)
		close(c->fd);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->ctx != NULL)
		SSL_CTX_free(c->ctx);
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	tls_summary_clear(&c->summary);
	buf_wipe(&c->in);
	buf_wipe(&c->out);
	free(c->host);
	free(c->port);
	free(c->tls_trust);
	free(c);
}

/* Leave a callback section: true if the conn is gone or going. */
static bool
leave(struct conn *c)
{
	c->busy--;
	if (c->dying) {
		if (c->busy == 0)
			really_free(c);
		return true;
	}
	return false;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	resolve_drop(c);
	if (c->watch != NULL) {
		loop_watch_del(c->watch);
		c->watch = NULL;
	}
	loop_timer_stop(c->timer);
	loop_timer_stop(c->kick);
	if (c->ssl != NULL && c->tls_active && c->fd != -1) {
		/* Best effort close_notify; never wait for the peer's. */
		SSL_shutdown(c->ssl);
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	c->state = CONN_STATE_CLOSED;
	c->fail_pending = false;
	buf_reset(&c->out);
	c->plain_left = 0;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	conn_close(c);
	c->dying = true;
	if (c->busy == 0)
		really_free(c);
}

static void
detail(struct conn *c, const char *text)
{
	snprintf(c->failure.detail, sizeof(c->failure.detail), "%s", text);
}

const struct conn_failure *
conn_failure(const struct conn *c)
{
	return &c->failure;
}

/* Close and tell the owner why. Callers must check leave() afterwards. */
static void
fail(struct conn *c, enum conn_fail f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
fail(struct conn *c, enum conn_fail f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	if (c->state != CONN_STATE_CLOSED)
		c->failure.phase = c->state == CONN_STATE_RESOLVE ?
		    CONN_PHASE_RESOLVE : c->state == CONN_STATE_CONNECTING ?
		    CONN_PHASE_CONNECT : c->state == CONN_STATE_HANDSHAKE ?
		    CONN_PHASE_HANDSHAKE : CONN_PHASE_OPEN;
	conn_close(c);
	if (c->ops->closed != NULL)
		c->ops->closed(c->arg, f, c->reason);
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Replies are small and written whole: don't let Nagle hold them back
 * behind the peer's delayed ACK (40 ms a line otherwise). */
static void
set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
format_peer(struct conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	unsigned port = 0;

	c->peer[0] = '\0';
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		snprintf(c->peer, sizeof(c->peer), "%s:%u", host, port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		snprintf(c->peer, sizeof(c->peer), "[%s]:%u", host, port);
	}
}

/* Try the next address; false when none is left (already failed). */
static bool
try_next(struct conn *c)
{
	struct addrinfo *ai;
	int fd;

	while ((ai = c->ai_next) != NULL) {
		c->ai_next = ai->ai_next;
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1) {
			c->last_errno = errno;
			continue;
		}
		set_nonblock(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			c->last_errno = errno;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->state = CONN_STATE_CONNECTING;
		c->watch = loop_watch_add(c->loop, fd, POLLOUT, conn_io, c);
		/* Each address gets its share of the time, so a black-holed
		 * first address (a broken IPv6 route) leaves time for the
		 * next; the whole stays within the timeout. */
		if (c->timeout_ms > 0 && c->naddr > 1) {
			double left = c->timeout_ms -
			    (loop_now_ms() - c->start_ms);
			double share = c->timeout_ms / (double)c->naddr;

			if (c->ai_next == NULL || share > left)
				share = left;
			loop_timer_reset(c->timer, share > 0 ? share : 0);
		}
		return true;
	}
	c->failure.sys_errno = c->last_errno ? c->last_errno : ECONNREFUSED;
	detail(c, strerror(c->failure.sys_errno));
	fail(c, CONN_FAIL_CONNECT, "cannot connect to %s port %s: %s",
	    c->host, c->port, c->failure.detail);
	return false;
}

/* Stop waiting for a resolution (conn closed, freed or timed out): the
 * thread finishes alone and frees what it found. */
static void
resolve_drop(struct conn *c)
{
	resolve_cancel(c->job);
	c->job = NULL;
}

static enum conn_resolve
resolve_class(int rc)
{
	switch (rc) {
	case EAI_NONAME:
		return CONN_RESOLVE_NONAME;
	case EAI_AGAIN:
		return CONN_RESOLVE_AGAIN;
#ifdef EAI_NODATA
	case EAI_NODATA:
		return CONN_RESOLVE_NOADDR;
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
		return CONN_RESOLVE_NOADDR;
#endif
	default:
		return CONN_RESOLVE_FAIL;
	}
}

/* Addresses in hand (c->ai): start connecting to the first. */
static void
resolved(struct conn *c, int rc, int err)
{
	struct addrinfo *ai;

	if (rc != 0) {
		c->ai = NULL;
		c->failure.resolve = resolve_class(rc);
		detail(c, rc == EAI_SYSTEM ? strerror(err) : gai_strerror(rc));
		fail(c, CONN_FAIL_RESOLVE, "cannot resolve %s: %s", c->host,
		    c->failure.detail);
		return;
	}
	c->ai_next = c->ai;
	for (ai = c->ai; ai != NULL; ai = ai->ai_next)
		c->naddr++;
	try_next(c);
}

/* The resolver thread is done: take its result. */
static void
resolve_done(void *arg, int rc, int err, struct addrinfo *ai)
{
	struct conn *c = arg;

	c->job = NULL;
	c->ai = ai;
	c->busy++;
	resolved(c, rc, err);
	leave(c);
}

/* True when host is an IPv4 or IPv6 literal (no lookup needed). */
static bool
is_ip_literal(const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

static void
start_resolve(struct conn *c)
{
	struct addrinfo hints;
	int rc;

	if (c->job != NULL)
		return;		/* already waiting for the thread */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = c->family == 4 ? AF_INET : c->family == 6 ?
	    AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if (is_ip_literal(c->host))
		hints.ai_flags |= AI_NUMERICHOST;
	else if ((c->job = resolve_start(c->loop, c->host, c->port, &hints,
	    resolve_done, c)) != NULL)
		return;
	/* An IP literal (no lookup), or no thread: resolve here. */
	rc = getaddrinfo(c->host, c->port, &hints, &c->ai);
	resolved(c, rc, errno);
}

struct conn *
conn_connect(struct loop *l, const char *host, const char *port, int family,
    double timeout_ms, const struct conn_caps *caps, const struct conn_ops *ops,
    void *arg)
{
	struct conn *c = conn_alloc(l, caps, ops, arg);

	c->host = xstrdup(host);
	c->port = xstrdup(port);
	c->family = family;
	memset(&c->failure, 0, sizeof(c->failure));
	c->state = CONN_STATE_RESOLVE;
	c->start_ms = loop_now_ms();
	c->timeout_ms = timeout_ms;
	if (timeout_ms > 0)
		loop_timer_reset(c->timer, timeout_ms);
	loop_timer_reset(c->kick, 0);
	return c;
}

struct conn *
conn_from_fd(struct loop *l, int fd, const struct conn_caps *caps,
    const struct conn_ops *ops, void *arg)
{
	struct conn *c = conn_alloc(l, caps, ops, arg);

	c->fd = fd;
	set_nonblock(fd);
	set_nodelay(fd);
	c->state = CONN_STATE_OPEN;
	format_peer(c);
	c->watch = loop_watch_add(l, fd, POLLIN, conn_io, c);
	return c;
}

void
conn_close_after_flush(struct conn *c)
{
	if (c->state == CONN_STATE_CLOSED)
		return;
	c->close_after_flush = true;
	loop_timer_reset(c->kick, 0);
}

int
conn_write(struct conn *c, const void *p, size_t len)
{
	if (c->state == CONN_STATE_CLOSED || c->close_after_flush)
		return -1;
	if (buf_append(&c->out, p, len) == -1)
		return -1;
	update_events(c);
	return 0;
}

size_t
conn_pending(const struct conn *c)
{
	return c->out.len;
}

void
conn_set_input_max(struct conn *c, size_t max)
{
	c->in.max = max;
}

void
conn_pause_read(struct conn *c, bool paused)
{
	c->paused = paused;
	update_events(c);
	if (!paused && c->in.len > 0)
		loop_timer_reset(c->kick, 0);
}

bool
conn_tls_active(const struct conn *c)
{
	return c->tls_active;
}

const struct tls_summary *
conn_tls_summary(const struct conn *c)
{
	return c->summary.protocol != NULL ? &c->summary : NULL;
}

const char *
conn_peer(const struct conn *c)
{
	return c->peer;
}

bool
conn_is_open(const struct conn *c)
{
	return c->state == CONN_STATE_OPEN || c->state == CONN_STATE_HANDSHAKE;
}

static void
update_events(struct conn *c)
{
	short ev = 0;

	if (c->watch == NULL)
		return;
	switch (c->state) {
	case CONN_STATE_CONNECTING:
		ev = POLLOUT;
		break;
	case CONN_STATE_HANDSHAKE:
		ev = c->plain_left > 0 ? POLLOUT : c->hs_want;
		break;
	case CONN_STATE_OPEN:
		if (!c->paused && !c->read_eof)
			ev |= POLLIN;
		if (c->out.len > 0 || c->read_wants_write)
			ev |= POLLOUT;
		if (c->write_wants_read)
			ev |= POLLIN;
		break;
	default:
		break;
	}
	loop_watch_set(c->watch, ev);
}

/* The first bytes OpenSSL reads on a client connection are kept too: a
 * MSG_PEEK before the handshake may come before a plain-text greeting
 * arrives, and then OpenSSL reads it inside the handshake ("wrong
 * version number"); the diagnosis still needs to quote it. */
static long
first_read_cb(BIO *b, int oper, const char *argp, size_t len, int argi,
    long argl, int ret, size_t *processed)
{
	struct conn	*c = (struct conn *)BIO_get_callback_arg(b);
	size_t		 n;

	(void)len;
	(void)argi;
	(void)argl;
	if (oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 && c != NULL &&
	    processed != NULL && argp != NULL && c->failure.first_len == 0) {
		n = *processed < sizeof(c->failure.first) ? *processed :
		    sizeof(c->failure.first);
		memcpy(c->failure.first, argp, n);
		c->failure.first_len = n;
		c->first_consumed = true;
	}
	return ret;
}

static int
tls_start(struct conn *c, SSL_CTX *ctx, const char *host, bool server,
    bool insecure, double timeout_ms)
{
	if (c->state != CONN_STATE_OPEN || c->ssl != NULL)
		return -1;
	ERR_clear_error();
	if ((c->ssl = SSL_new(ctx)) == NULL)
		return -1;
	SSL_CTX_up_ref(ctx);
	c->ctx = ctx;
	SSL_set_options(c->ssl, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_set_fd(c->ssl, c->fd) != 1) {
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	c->tls_server = server;
	c->tls_insecure = insecure;
	memset(&c->failure, 0, sizeof(c->failure));
	c->first_consumed = false;
	if (!server) {
		BIO_set_callback_arg(SSL_get_rbio(c->ssl), (char *)c);
		BIO_set_callback_ex(SSL_get_rbio(c->ssl), first_read_cb);
	}
	if (server)
		SSL_set_accept_state(c->ssl);
	else {
		SSL_set_connect_state(c->ssl);
		if (tls_client_setup(c->ssl, host) == -1) {
			SSL_free(c->ssl);
			c->ssl = NULL;
			return -1;
		}
		free(c->host);
		c->host = xstrdup(host != NULL ? host : "");
	}
	/* Bytes read before the upgrade and not consumed came before TLS;
	 * what is queued for writing is still sent in plain first (the
	 * server's "220 Ready to start TLS"). */
	if (!c->delivering)
		buf_reset(&c->in);
	c->plain_left = c->out.len;
	c->state = CONN_STATE_HANDSHAKE;
	c->hs_want = server ? POLLIN : POLLOUT;
	c->hs_start_ms = loop_now_ms();
	if (timeout_ms > 0)
		loop_timer_reset(c->timer, timeout_ms);
	update_events(c);
	loop_timer_reset(c->kick, 0);
	return 0;
}

void
conn_tls_trust(struct conn *c, const char *sha256)
{
	size_t n = c->tls_trust != NULL ? strlen(c->tls_trust) : 1;
	size_t m = strlen(sha256);

	c->tls_trust = xrealloc(c->tls_trust, n + m + 2);
	if (n == 1)
		c->tls_trust[0] = '\n';
	memcpy(c->tls_trust + n, sha256, m);
	c->tls_trust[n + m] = '\n';
	c->tls_trust[n + m + 1] = '\0';
}

/* Is the peer's leaf one of the certificates the user chose to trust? */
static bool
trusted(const struct conn *c)
{
	char want[256];

	if (c->tls_trust == NULL || c->summary.ncerts == 0 ||
	    c->summary.certs[0].sha256 == NULL)
		return false;
	if (snprintf(want, sizeof(want), "\n%s\n",
	    c->summary.certs[0].sha256) >= (int)sizeof(want))
		return false;
	return strstr(c->tls_trust, want) != NULL;
}

int
conn_tls_client(struct conn *c, SSL_CTX *ctx, const char *host,
    bool insecure, double timeout_ms)
{
	return tls_start(c, ctx, host, false, insecure, timeout_ms);
}

int
conn_tls_server(struct conn *c, SSL_CTX *ctx, double timeout_ms)
{
	return tls_start(c, ctx, NULL, true, false, timeout_ms);
}

/* Write the plain head of out (before a handshake); false on failure. */
static bool
write_plain(struct conn *c, size_t limit)
{
	ssize_t n;

	while (limit > 0) {
		n = send(c->fd, c->out.data, limit, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			fail(c, CONN_FAIL_IO, "write: %s", strerror(errno));
			return false;
		}
		buf_consume(&c->out, (size_t)n);
		limit -= (size_t)n;
		if (c->plain_left > 0)
			c->plain_left -= (size_t)n;
	}
	return true;
}

/* Write what is queued; false if the conn failed. */
static bool
do_write(struct conn *c)
{
	int n, err;

	c->read_wants_write = false;
	if (c->ssl == NULL || !c->tls_active)
		return write_plain(c, c->out.len);
	while (c->out.len > 0) {
		size_t chunk = c->out.len > 16384 ? 16384 : c->out.len;

		ERR_clear_error();
		n = SSL_write(c->ssl, c->out.data, (int)chunk);
		if (n > 0) {
			buf_consume(&c->out, (size_t)n);
			c->write_wants_read = false;
			continue;
		}
		err = SSL_get_error(c->ssl, n);
		if (err == SSL_ERROR_WANT_WRITE)
			return true;
		if (err == SSL_ERROR_WANT_READ) {
			c->write_wants_read = true;
			return true;
		}
		fail(c, err == SSL_ERROR_SYSCALL ? CONN_FAIL_IO : CONN_FAIL_TLS,
		    "TLS write: %s", err == SSL_ERROR_SYSCALL && errno ?
		    strerror(errno) : tls_last_error());
		return false;
	}
	return true;
}

/* Hand buffered input to the owner; false if the conn is gone/closed. */
static bool
deliver(struct conn *c)
{
	enum conn_state st = c->state;

	if (c->in.len == 0 || c->paused || c->ops->data == NULL)
		return true;
	c->busy++;
	c->delivering = true;
	c->ops->data(c->arg, &c->in);
	c->delivering = false;
	if (leave(c))
		return false;
	if (c->state == CONN_STATE_HANDSHAKE)
		buf_reset(&c->in);
	return c->state == st;
}

/* Read what is there; false if the conn failed, closed or changed state. */
static bool
do_read(struct conn *c)
{
	char tmp[16384];
	ssize_t n;
	size_t room, budget = CONN_READ_BUDGET;
	int r, err;
	bool eof = false;

	for (;;) {
		if (c->paused || c->read_eof)
			return true;
		/* A peer that floods must not keep us here: after the
		 * budget, let the loop run timers and other fds, and come
		 * back from a kick (TLS may hold decrypted bytes that poll
		 * cannot see). */
		if (budget-- == 0) {
			loop_timer_reset(c->kick, 0);
			return true;
		}
		if (c->in.len >= c->in.max) {
			fail(c, CONN_FAIL_LIMIT,
			    "more than %zu bytes received without a line end",
			    c->in.max);
			return false;
		}
		room = c->in.max - c->in.len;
		if (room > sizeof(tmp))
			room = sizeof(tmp);
		if (c->ssl != NULL && c->tls_active) {
			ERR_clear_error();
			r = SSL_read(c->ssl, tmp, (int)room);
			if (r > 0) {
				buf_append(&c->in, tmp, (size_t)r);
				c->read_wants_write = false;
				if (!deliver(c))
					return false;
				continue;
			}
			err = SSL_get_error(c->ssl, r);
			if (err == SSL_ERROR_WANT_READ)
				return true;
			if (err == SSL_ERROR_WANT_WRITE) {
				c->read_wants_write = true;
				return true;
			}
			if (err == SSL_ERROR_ZERO_RETURN) {
				eof = true;
				break;
			}
			if (err == SSL_ERROR_SYSCALL && errno != 0) {
				fail(c, CONN_FAIL_IO, "read: %s",
				    strerror(errno));
				return false;
			}
			fail(c, CONN_FAIL_TLS, "TLS read: %s", tls_last_error());
			return false;
		}
		n = recv(c->fd, tmp, room, 0);
		if (n > 0) {
			buf_append(&c->in, tmp, (size_t)n);
			if (!deliver(c))
				return false;
			continue;
		}
		if (n == 0) {
			eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return true;
		fail(c, CONN_FAIL_IO, "read: %s", strerror(errno));
		return false;
	}
	if (eof && c->ops->eof == NULL) {
		fail(c, CONN_FAIL_NONE, "connection closed by peer");
		return false;
	}
	if (eof) {
		c->read_eof = true;
		update_events(c);
		c->busy++;
		c->ops->eof(c->arg);
		if (leave(c) || c->state != CONN_STATE_OPEN)
			return false;
	}
	return true;
}

/* A TLS record header (RFC 8446 5.1: type 20-24, version 3.x)? */
static bool
looks_tls(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;

	return u[0] >= 20 && u[0] <= 24 && (len < 2 || u[1] == 3);
}

/* Sort OpenSSL's handshake error into what the diagnosis needs. */
static enum conn_tls_fail
handshake_class(unsigned long code)
{
	int r = ERR_GET_REASON(code);

	if (code == 0 || ERR_GET_LIB(code) != ERR_LIB_SSL)
		return CONN_TLS_OTHER;
	/* An alert from the peer: reason = SSL_AD_REASON_OFFSET + alert. */
	if (r >= SSL_AD_REASON_OFFSET && r < SSL_AD_REASON_OFFSET + 256)
		return CONN_TLS_ALERT;
	switch (r) {
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
	case SSL_R_HTTP_REQUEST:
	case SSL_R_HTTPS_PROXY_REQUEST:
	case SSL_R_UNKNOWN_PROTOCOL:
		return CONN_TLS_NOT_TLS;
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_NO_SHARED_CIPHER:
	case SSL_R_NO_CIPHERS_AVAILABLE:
	case SSL_R_VERSION_TOO_LOW:
		return CONN_TLS_NO_COMMON;
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
		return CONN_TLS_CLOSED;
	default:
		return CONN_TLS_OTHER;
	}
}

/* Step the handshake; false if it failed or finished with a state change
 * that the caller must not act on. */
static bool
do_handshake(struct conn *c)
{
	int r, err;
	double ms;

	if (c->plain_left > 0) {
		if (!write_plain(c, c->plain_left))
			return false;
		if (c->plain_left > 0) {
			update_events(c);
			return true;
		}
	}
	/* The peer's first bytes, looked at before OpenSSL reads any: a
	 * plain-text greeting here means a plain port (only for the
	 * diagnosis; OpenSSL still reads them itself). */
	if (!c->tls_server && c->failure.first_len == 0 &&
	    BIO_number_read(SSL_get_rbio(c->ssl)) == 0) {
		ssize_t n = recv(c->fd, c->failure.first,
		    sizeof(c->failure.first), MSG_PEEK | MSG_DONTWAIT);

		if (n > 0)
			c->failure.first_len = (size_t)n;
	}
	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(c->ssl);
	if (r != 1) {
		err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_WANT_READ) {
			c->hs_want = POLLIN;
			update_events(c);
			return true;
		}
		if (err == SSL_ERROR_WANT_WRITE) {
			c->hs_want = POLLOUT;
			update_events(c);
			return true;
		}
		if ((err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN) &&
		    ERR_peek_error() == 0) {
			c->failure.sys_errno = errno;
			c->failure.tls = CONN_TLS_CLOSED;
			detail(c, errno != 0 ? strerror(errno) :
			    "connection closed by peer");
		} else {
			unsigned long code;
			const char *full = tls_last_error_code(&code);
			const char *rs = code != 0 ?
			    ERR_reason_error_string(code) : NULL;

			/* "wrong version number", not the packed code. */
			detail(c, rs != NULL ? rs : full);
			c->failure.tls = handshake_class(code);
			if (c->failure.tls == CONN_TLS_ALERT)
				c->failure.alert = ERR_GET_REASON(code) -
				    SSL_AD_REASON_OFFSET;
		}
		/* OpenSSL read only a record header (5 bytes) of a plain
		 * greeting before it gave up: the rest is still in the
		 * socket, so the diagnosis can quote the whole line. */
		if (!c->tls_server && c->first_consumed &&
		    c->failure.first_len < sizeof(c->failure.first)) {
			ssize_t n = recv(c->fd, c->failure.first +
			    c->failure.first_len, sizeof(c->failure.first) -
			    c->failure.first_len, MSG_PEEK | MSG_DONTWAIT);

			if (n > 0)
				c->failure.first_len += (size_t)n;
		}
		if (c->failure.first_len >= 1 &&
		    !looks_tls(c->failure.first, c->failure.first_len))
			c->failure.tls = CONN_TLS_NOT_TLS;
		fail(c, CONN_FAIL_TLS, "TLS handshake: %s", c->failure.detail);
		return false;
	}
	ms = loop_now_ms() - c->hs_start_ms;
	loop_timer_stop(c->timer);
	tls_summary_clear(&c->summary);
	tls_summary_fill(c->ssl, c->tls_server, c->tls_server ? NULL : c->host,
	    &c->summary);
	if (!c->tls_server && !c->summary.verified && trusted(c)) {
		c->summary.trusted = true;
	} else if (!c->tls_server && !c->summary.verified) {
		if (!c->tls_insecure) {
			c->failure.tls = CONN_TLS_VERIFY;
			detail(c, c->summary.verify_result);
			fail(c, CONN_FAIL_TLS,
			    "certificate verification failed: %s",
			    c->summary.verify_result);
			return false;
		}
		c->summary.insecure = true;
	}
	c->tls_active = true;
	c->state = CONN_STATE_OPEN;
	update_events(c);
	if (c->ops->tls_done != NULL) {
		c->busy++;
		c->ops->tls_done(c->arg, &c->summary, ms);
		if (leave(c) || c->state != CONN_STATE_OPEN)
			return false;
	}
	/* Records may have arrived with the last handshake flight. */
	loop_timer_reset(c->kick, 0);
	return true;
}

static bool
check_connected(struct conn *c)
{
	int err = 0;
	socklen_t sl = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1)
		err = errno;
	if (err != 0) {
		c->last_errno = err;
		loop_watch_del(c->watch);
		c->watch = NULL;
		close(c->fd);
		c->fd = -1;
		return try_next(c);
	}
	c->state = CONN_STATE_OPEN;
	loop_timer_stop(c->timer);
	freeaddrinfo(c->ai);
	c->ai = c->ai_next = NULL;
	set_nodelay(c->fd);
	format_peer(c);
	update_events(c);
	if (c->ops->connected != NULL) {
		c->ops->connected(c->arg, c->peer, loop_now_ms() - c->start_ms);
		if (c->dying || c->state != CONN_STATE_OPEN)
			return false;
	}
	return true;
}

/* One round of work in the current state. */
static void
step(struct conn *c, short revents)
{
	bool retry_read;

	switch (c->state) {
	case CONN_STATE_RESOLVE:
		start_resolve(c);
		return;
	case CONN_STATE_CONNECTING:
		if (revents != 0)
			check_connected(c);
		return;
	case CONN_STATE_HANDSHAKE:
		do_handshake(c);
		return;
	case CONN_STATE_OPEN:
		break;
	case CONN_STATE_CLOSED:
		return;
	}
	retry_read = c->read_wants_write && (revents & POLLOUT);
	if ((revents & (POLLOUT | POLLERR | POLLHUP)) || c->out.len > 0)
		if (!do_write(c))
			return;
	if (c->close_after_flush && c->out.len == 0) {
		fail(c, CONN_FAIL_NONE, "closed");
		return;
	}
	/* Half-closed and now hung up too (poll reports POLLHUP whatever we
	 * ask for): nobody is left to write to. */
	if (c->read_eof && (revents & (POLLERR | POLLHUP))) {
		fail(c, CONN_FAIL_NONE, "connection closed by peer");
		return;
	}
	if (c->out.len == 0 && c->ops->drained != NULL &&
	    (revents & POLLOUT)) {
		c->ops->drained(c->arg);
		if (c->dying || c->state != CONN_STATE_OPEN)
			return;
	}
	if (revents & (POLLIN | POLLERR | POLLHUP) || revents == 0 ||
	    retry_read || (c->ssl != NULL && SSL_pending(c->ssl) > 0)) {
		if (c->in.len > 0 && !deliver(c))
			return;
		if (!do_read(c))
			return;
	}
	update_events(c);
}

static void
conn_io(int fd, short revents, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	c->busy++;
	step(c, revents);
	leave(c);
}

static void
conn_kick(void *arg)
{
	struct conn *c = arg;

	c->busy++;
	if (c->fail_pending) {
		c->fail_pending = false;
		fail(c, c->fail, "%s", c->reason);
	} else
		step(c, 0);
	leave(c);
}

static void
conn_timeout(void *arg)
{
	struct conn *c = arg;

	c->busy++;
	if (c->state == CONN_STATE_HANDSHAKE)
		fail(c, CONN_FAIL_TIMEOUT, "TLS handshake timed out");
	else if (c->state == CONN_STATE_CONNECTING && c->ai_next != NULL) {
		/* This address took its share: on to the next one. */
		c->last_errno = ETIMEDOUT;
		loop_watch_del(c->watch);
		c->watch = NULL;
		close(c->fd);
		c->fd = -1;
		try_next(c);
	} else if (c->state == CONN_STATE_CONNECTING ||
	    c->state == CONN_STATE_RESOLVE) {
		c->failure.sys_errno = ETIMEDOUT;
		fail(c, CONN_FAIL_TIMEOUT, "connecting to %s port %s timed out",
		    c->host, c->port);
	}
	leave(c);
}
