/* SPDX-License-Identifier: MIT */
/* The lab server object: listeners on the loop, one session per accepted
 * connection (line splitting, limits, delays, timeouts, TLS upgrades),
 * accounts and the Maildir root. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "lab/lab-int.h"
#include "net/conn.h"
#include "net/loop.h"
#include "net/tls-server.h"
#include "proto/limits.h"
#include "base/util.h"

/* Stop handling lines while this much output waits (a client that
 * pipelines RETRs without reading). */
#define OUT_HIGH_WATER	(1024 * 1024)
/* Unprocessed input kept per session before reading pauses. */
#define IN_HIGH_WATER	(256 * 1024)
#define TLS_HANDSHAKE_MS 30000

static const char *const service_name[LAB_SERVICE_COUNT] = {
	"POP3", "POP3S", "SMTP", "SMTPS",
};

void
lab_options_init(struct lab_options *o)
{
	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1";
	o->port[LAB_POP3] = 1110;
	o->port[LAB_POP3S] = 1995;
	o->port[LAB_SMTP] = 2525;
	o->port[LAB_SMTPS] = 1465;
	o->pop3_idle = 600;
	o->smtp_idle = 300;
	o->log = stdout;
}

void
lab_options_init_ephemeral(struct lab_options *o)
{
	lab_options_init(o);
	o->port[LAB_POP3] = o->port[LAB_POP3S] = 0;
	o->port[LAB_SMTP] = o->port[LAB_SMTPS] = 0;
	o->log = NULL;
}

void
lab_log(struct lab *lab, const char *fmt, ...)
{
	va_list ap;
	char clock[16];
	time_t now;
	struct tm tm;

	if (lab->log == NULL)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	va_start(ap, fmt);
	fprintf(lab->log, "%s lab: ", clock);
	vfprintf(lab->log, fmt, ap);
	fputc('\n', lab->log);
	fflush(lab->log);
	va_end(ap);
}

static bool
is_pop3(const struct lab_sess *s)
{
	return s->svc == LAB_POP3 || s->svc == LAB_POP3S;
}

void
lab_write(struct lab_sess *s, const void *p, size_t len)
{
	if (s->closing)
		return;
	if (s->detached) {
		if (buf_append(&s->out, p, len) == -1)
			s->want_close = true;
		return;
	}
	if (s->conn == NULL)
		return;
	if (conn_write(s->conn, p, len) == -1) {
		/* Over LIMIT_OUTPUT: a client that never reads. */
		s->want_close = true;
	}
}

void
lab_reply(struct lab_sess *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	class_capture(s, line, (size_t)n);
	line[n++] = '\r';
	line[n++] = '\n';
	lab_write(s, line, (size_t)n);
}

/* Output queued and not yet written. */
static size_t
pending(const struct lab_sess *s)
{
	return s->detached ? s->out.len : conn_pending(s->conn);
}

/* Close once the replies queued so far are written. */
static void
close_after_flush(struct lab_sess *s)
{
	s->closing = true;
	loop_timer_stop(s->delay);
	if (!s->detached)
		conn_close_after_flush(s->conn);
}

static void
sess_free(struct lab_sess *s)
{
	struct lab *lab = s->lab;

	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		lab->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	lab->nsessions--;
	class_sess_free(s);
	pop3d_free(s->pop3);
	smtpd_free(s->smtp);
	loop_timer_del(s->idle);
	loop_timer_del(s->delay);
	conn_free(s->conn);
	buf_wipe(&s->in);
	buf_wipe(&s->out);
	free(s);
}

static void
idle_reset(struct lab_sess *s)
{
	unsigned secs = is_pop3(s) ? s->lab->opt.pop3_idle :
	    s->lab->opt.smtp_idle;

	if (secs > 0)
		loop_timer_reset(s->idle, secs * 1000.0);
}

/* Drop the first n bytes of in, zeroing the stale copies buf_consume()
 * leaves past the new end: a line may have been PASS or an AUTH answer. */
static void
consume(struct buf *in, size_t n)
{
	size_t old = in->len;

	if (old == 0)
		return;
	buf_consume(in, n);
	explicit_bzero(in->data + in->len, old - in->len);
}

/* The handshake finished: the handler forgets what it knew before TLS. */
static void
tls_done(struct lab_sess *s)
{
	bool greets = s->svc == LAB_POP3S || s->svc == LAB_SMTPS;

	s->tls = true;
	idle_reset(s);
	if (greets)
		class_greet_begin(s);
	if (s->pop3 != NULL)
		pop3d_tls_done(s->pop3);
	else
		smtpd_tls_done(s->smtp);
	if (greets)
		class_cmd_end(s);
}

/* Act on what the handler asked for after a line: upgrade or close. */
static void
after(struct lab_sess *s)
{
	if (s->closing)
		return;
	if (s->want_close) {
		close_after_flush(s);
		return;
	}
	if (s->want_tls && s->eof) {
		/* The 220 is queued; no handshake can follow an ended input. */
		close_after_flush(s);
		return;
	}
	if (s->want_tls) {
		s->want_tls = false;
		if (s->in.len > 0) {
			/* RFC 3207 4.2 / RFC 2595 4: what came after the
			 * command is not trusted; never obey it after TLS. */
			lab_log(s->lab, "%s #%llu %s: discarded %zu bytes sent "
			    "after STARTTLS/STLS", service_name[s->svc],
			    (unsigned long long)s->id, s->peer, s->in.len);
			consume(&s->in, s->in.len);
		}
		if (s->detached) {
			tls_done(s);
			return;
		}
		if (conn_tls_server(s->conn, s->lab->tls,
		    TLS_HANDSHAKE_MS) == -1) {
			s->closing = true;
			conn_close_after_flush(s->conn);
		}
	}
}

static size_t
line_max(struct lab_sess *s)
{
	return s->smtp != NULL ? smtpd_line_max(s->smtp) : LAB_POP3_LINE;
}

/* Handle every complete line we may handle now. */
static void early_talker(struct lab_sess *);

static void
run(struct lab_sess *s)
{
	if (s->greet_pending && s->in.len > 0 && !is_pop3(s) &&
	    !s->closing && (s->lab->scenarios & LAB_SC_EARLY_TALKER)) {
		early_talker(s);
		return;
	}
	while (!s->closing && !s->want_close && !s->want_tls &&
	    !s->greet_pending && s->in.len > 0 &&
	    !loop_timer_armed(s->delay) &&
	    pending(s) < OUT_HIGH_WATER) {
		const char *nl = memchr(s->in.data, '\n', s->in.len);
		size_t len;
		unsigned ms;

		if (s->skipping) {
			if (nl == NULL) {
				consume(&s->in, s->in.len);
				break;
			}
			consume(&s->in, (size_t)(nl - s->in.data) + 1);
			s->skipping = false;
			if (s->pop3 != NULL)
				pop3d_too_long(s->pop3);
			else
				smtpd_too_long(s->smtp);
			continue;
		}
		if (nl == NULL) {
			if (s->in.len > line_max(s)) {
				s->skipping = true;
				continue;
			}
			break;
		}
		len = (size_t)(nl - s->in.data);
		if (len > line_max(s)) {
			s->skipping = true;
			continue;
		}
		ms = s->pop3 != NULL ? pop3d_delay(s->pop3, s->in.data, len) :
		    smtpd_delay(s->smtp, s->in.data, len);
		if (ms > 0 && !s->delayed) {
			s->delayed = true;
			loop_timer_reset(s->delay, ms);
			break;
		}
		s->delayed = false;
		class_cmd_begin(s, s->in.data, len);
		if (s->pop3 != NULL)
			pop3d_line(s->pop3, s->in.data, len);
		else
			smtpd_line(s->smtp, s->in.data, len);
		class_cmd_end(s);
		consume(&s->in, len + 1);
	}
	after(s);
	if (s->closing)
		return;
	if (!s->detached)
		conn_pause_read(s->conn, s->in.len > IN_HIGH_WATER);
	/* The client ended its input (`printf ... | nc -q`): like Postfix
	 * and Dovecot, answer every complete line it sent first; the loop
	 * above only stops early to wait (a delay, TLS, full output), and
	 * each of those comes back here. A last line without its LF is not
	 * a command (Postfix's smtp_get() refuses data cut by EOF). */
	if (s->eof && !s->want_tls && !s->greet_pending &&
	    !loop_timer_armed(s->delay) && pending(s) < OUT_HIGH_WATER) {
		lab_log(s->lab, "%s #%llu %s: end of input%s",
		    service_name[s->svc], (unsigned long long)s->id, s->peer,
		    s->in.len > 0 || s->skipping ? " (an unfinished line "
		    "dropped)" : "");
		consume(&s->in, s->in.len);
		close_after_flush(s);
	}
}

static void
on_data(void *arg, struct buf *in)
{
	struct lab_sess *s = arg;

	if (s->closing) {
		buf_reset(in);
		return;
	}
	idle_reset(s);
	if (buf_append(&s->in, in->data, in->len) == -1) {
		/* Cannot happen with pause at IN_HIGH_WATER; be safe. */
		buf_reset(in);
		s->want_close = true;
		after(s);
		return;
	}
	buf_reset(in);
	run(s);
}

static void
greet(struct lab_sess *s)
{
	s->greet_pending = false;
	class_greet_begin(s);
	if (s->pop3 != NULL)
		pop3d_greet(s->pop3);
	else
		smtpd_greet(s->smtp);
	class_cmd_end(s);
}

static void
on_tls_done(void *arg, const struct tls_summary *sum, double ms)
{
	struct lab_sess *s = arg;

	(void)ms;
	lab_log(s->lab, "%s #%llu %s: TLS %s %s", service_name[s->svc],
	    (unsigned long long)s->id, s->peer,
	    sum != NULL && sum->protocol ? sum->protocol : "?",
	    sum != NULL && sum->cipher ? sum->cipher : "?");
	tls_done(s);
	run(s);
}

static void
on_closed(void *arg, enum conn_fail fail, const char *reason)
{
	struct lab_sess *s = arg;

	lab_log(s->lab, "%s #%llu %s: closed (%s%s%s)", service_name[s->svc],
	    (unsigned long long)s->id, s->peer, conn_fail_name(fail),
	    reason ? ": " : "", reason ? reason : "");
	sess_free(s);
}

static void
on_drained(void *arg)
{
	struct lab_sess *s = arg;

	if (s->in.len > 0 || s->eof)
		run(s);
}

static void
on_eof(void *arg)
{
	struct lab_sess *s = arg;

	if (s->closing)
		return;
	s->eof = true;
	run(s);
}

static const struct conn_ops sess_ops = {
	.eof = on_eof,
	.data = on_data,
	.tls_done = on_tls_done,
	.closed = on_closed,
	.drained = on_drained,
};

static void
on_idle(void *arg)
{
	struct lab_sess *s = arg;

	if (s->closing)
		return;
	lab_log(s->lab, "%s #%llu %s: idle timeout", service_name[s->svc],
	    (unsigned long long)s->id, s->peer);
	if (!s->tls && (s->svc == LAB_POP3S || s->svc == LAB_SMTPS)) {
		s->closing = true;
		conn_close_after_flush(s->conn);
		return;
	}
	if (s->pop3 != NULL)
		pop3d_timeout(s->pop3);
	else
		smtpd_timeout(s->smtp);
	after(s);
}

static void
on_delay(void *arg)
{
	struct lab_sess *s = arg;

	if (s->closing)
		return;
	if (s->greet_pending) {
		greet(s);
		after(s);
	}
	run(s);
}

/* A session's state, linked into the lab; no socket yet. */
static struct lab_sess *
sess_alloc(struct lab *lab, enum lab_service svc)
{
	struct lab_sess *s = xcalloc(1, sizeof(*s));

	s->lab = lab;
	s->svc = svc;
	s->id = ++lab->next_id;
	buf_init(&s->in, IN_HIGH_WATER + LAB_DATA_LINE + 65536);
	buf_init(&s->out, LIMIT_OUTPUT);
	s->idle = loop_timer_add(lab->loop, 1000, false, on_idle, s);
	s->delay = loop_timer_add(lab->loop, 1000, false, on_delay, s);
	loop_timer_stop(s->delay);
	s->next = lab->sessions;
	if (lab->sessions != NULL)
		lab->sessions->prev = s;
	lab->sessions = s;
	lab->nsessions++;
	if (is_pop3(s))
		s->pop3 = pop3d_new(s);
	else
		s->smtp = smtpd_new(s);
	return s;
}

/* Greet now, or after the slow, tarpit or early-talker scenario's
 * delay (tarpit and early-talker: SMTP only). */
static void
start(struct lab_sess *s)
{
	unsigned sc = s->lab->scenarios, ms = 0;

	if (sc & LAB_SC_SLOW)
		ms = LAB_SLOW_MS;
	if (!is_pop3(s) && (sc & LAB_SC_EARLY_TALKER))
		ms = LAB_PREGREET_MS;
	if (!is_pop3(s) && (sc & LAB_SC_TARPIT))
		ms = LAB_TARPIT_MS;
	if (ms > 0) {
		s->greet_pending = true;
		loop_timer_reset(s->delay, ms);
		return;
	}
	greet(s);
}

/* early-talker: the client sent before the greeting. Postfix postscreen's
 * pregreet test (postscreen(8), "Pregreet test") answers such a client
 * with 521 5.5.1 (drop) or 550 5.5.1 later (enforce); the lab answers at
 * once in place of the greeting with 554, "no SMTP service here" (RFC
 * 5321 3.1), and closes. */
static void
early_talker(struct lab_sess *s)
{
	loop_timer_stop(s->delay);
	s->greet_pending = false;
	class_greet_begin(s);
	lab_reply(s, "554 5.5.1 %s Protocol error: you talked before the "
	    "greeting (pregreet)", LAB_DOMAIN);
	class_cmd_end(s);	/* the console line */
	consume(&s->in, s->in.len);
	close_after_flush(s);
}

/* A client's bytes not yet consumed: commands are taken a line at a time
 * and DATA as it comes, so a few replies' worth is plenty. */
static const struct conn_caps sess_caps = {
	.input_max = LIMIT_REPLY_TOTAL * 4,
	.output_max = LIMIT_OUTPUT,
};

static void
sess_new(struct lab *lab, enum lab_service svc, int fd)
{
	struct lab_sess *s = sess_alloc(lab, svc);

	s->conn = conn_from_fd(lab->loop, fd, &sess_caps, &sess_ops, s);
	snprintf(s->peer, sizeof(s->peer), "%s", conn_peer(s->conn));
	lab_log(lab, "%s #%llu %s: connected", service_name[svc],
	    (unsigned long long)s->id, s->peer);
	idle_reset(s);
	if (svc == LAB_POP3S || svc == LAB_SMTPS) {
		/* Implicit TLS: the greeting comes after the handshake. */
		if (conn_tls_server(s->conn, lab->tls, TLS_HANDSHAKE_MS) == -1) {
			s->closing = true;
			conn_close_after_flush(s->conn);
		}
		return;
	}
	start(s);
}

struct lab_sess *
lab_sess_detached(struct lab *lab, enum lab_service svc)
{
	struct lab_sess *s = sess_alloc(lab, svc);

	s->detached = true;
	snprintf(s->peer, sizeof(s->peer), "detached");
	if (svc == LAB_POP3S || svc == LAB_SMTPS)
		tls_done(s);	/* greets */
	else
		start(s);
	after(s);
	return s;
}

bool
lab_sess_feed(struct lab_sess *s, const void *p, size_t len)
{
	if (s->closing)
		return false;
	if (len == 0)
		s->eof = true;
	else if (buf_append(&s->in, p, len) == -1) {
		s->want_close = true;
		after(s);
		return false;
	}
	run(s);
	return !s->closing;
}

struct buf *
lab_sess_output(struct lab_sess *s)
{
	return &s->out;
}

void
lab_sess_free(struct lab_sess *s)
{
	if (s != NULL)
		sess_free(s);
}

static void
on_accept(int fd, short revents, void *arg)
{
	struct lab *lab = arg;
	enum lab_service svc;
	int i;

	(void)revents;
	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++)
		if (lab->lfd[svc] == fd)
			break;
	if (svc == LAB_SERVICE_COUNT)
		return;
	/* Take a bounded batch per pass so one port cannot starve others. */
	for (i = 0; i < 64; i++) {
		int cfd = accept(fd, NULL, NULL);

		if (cfd != -1)
			fcntl(cfd, F_SETFD, FD_CLOEXEC);
		if (cfd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: the listener stays
				 * readable, so stop watching it for a moment
				 * instead of spinning. */
				lab_log(lab, "accept: %s; pausing 200 ms",
				    strerror(errno));
				for (svc = 0; svc < LAB_SERVICE_COUNT; svc++)
					if (lab->lwatch[svc] != NULL)
						loop_watch_set(lab->lwatch[svc],
						    0);
				loop_timer_reset(lab->accept_pause, 200);
			}
			return;
		}
		if (lab->nsessions >= LAB_MAX_SESSIONS) {
			static const char pop[] = "-ERR [SYS/TEMP] Too many "
			    "sessions; try again later\r\n";
			static const char smtp[] = "421 4.7.0 " LAB_DOMAIN
			    " Too many sessions; try again later\r\n";
			ssize_t r;

			if (svc == LAB_POP3)
				r = send(cfd, pop, sizeof(pop) - 1,
				    MSG_NOSIGNAL);
			else if (svc == LAB_SMTP)
				r = send(cfd, smtp, sizeof(smtp) - 1,
				    MSG_NOSIGNAL);
			else
				r = 0;
			(void)r;
			close(cfd);
			continue;
		}
		sess_new(lab, svc, cfd);
	}
}

static void
on_accept_pause(void *arg)
{
	struct lab *lab = arg;
	int svc;

	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++)
		if (lab->lwatch[svc] != NULL)
			loop_watch_set(lab->lwatch[svc], POLLIN);
}

/* A classroom needs more descriptors than the usual soft limit of 1024. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
	    rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
listen_on(struct lab *lab, enum lab_service svc)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd, one = 1, family;
	const char *addr = lab->listen;
	char host[64];
	size_t alen = strlen(addr);

	/* Accept "[::1]" as well as "::1". */
	if (alen >= 2 && addr[0] == '[' && addr[alen - 1] == ']') {
		snprintf(host, sizeof(host), "%.*s", (int)(alen - 2), addr + 1);
		addr = host;
	}
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		family = AF_INET;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)lab->opt.port[svc]);
		sl = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		family = AF_INET6;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)lab->opt.port[svc]);
		sl = sizeof(*sin6);
	} else {
		snprintf(lab->errbuf, sizeof(lab->errbuf),
		    "--listen: \"%.60s\" is not an IPv4 or IPv6 address",
		    lab->listen);
		return -1;
	}
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, 1024) == -1) {
		close(fd);
		goto fail;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		close(fd);
		goto fail;
	}
	lab->port[svc] = ntohs(family == AF_INET ? sin->sin_port :
	    sin6->sin6_port);
	lab->lfd[svc] = fd;
	lab->lwatch[svc] = loop_watch_add(lab->loop, fd, POLLIN, on_accept,
	    lab);
	return 0;
fail:
	snprintf(lab->errbuf, sizeof(lab->errbuf), "%s port %d on %.60s: %s",
	    service_name[svc], lab->opt.port[svc], lab->listen,
	    strerror(errno));
	return -1;
}

static int
prepare_maildir(struct lab *lab)
{
	size_t i;

	if (lab->opt.maildir != NULL) {
		lab->maildir = xstrdup(lab->opt.maildir);
		if (mkdir(lab->maildir, 0700) == -1 && errno != EEXIST) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "--maildir %.100s: %s", lab->maildir,
			    strerror(errno));
			return -1;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		char path[512];

		snprintf(path, sizeof(path), "%s/mailbench-lab-XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if (mkdtemp(path) == NULL) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "cannot make a temporary Maildir: %s",
			    strerror(errno));
			return -1;
		}
		lab->maildir = xstrdup(path);
		lab->maildir_tmp = true;
	}
	for (i = 0; i < lab->nacct; i++) {
		bool fresh;

		if (maildir_prepare(lab->maildir, lab->acct[i].user,
		    &fresh) == -1 || (fresh && lab_samples_deliver(
		    lab->maildir, lab->acct[i].user) == -1)) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "Maildir for %s under %.100s: %s",
			    lab->acct[i].user, lab->maildir, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Is path a file of PEM certificates only (what --cert-out wrote on an
 * earlier run), which --cert-out may replace? */
static bool
our_cert_file(const char *path)
{
	char text[16384];
	size_t n;
	FILE *f = fopen(path, "re");
	bool ok;

	if (f == NULL)
		return false;
	n = fread(text, 1, sizeof(text) - 1, f);
	ok = !ferror(f) && feof(f);
	fclose(f);
	text[n] = '\0';
	return ok && strncmp(text, "-----BEGIN CERTIFICATE-----", 27) == 0 &&
	    strstr(text, "PRIVATE KEY") == NULL && strlen(text) == n;
}

/* --cert-out: write the certificate next to path and rename it over path,
 * which may only be a certificate file already (an earlier run's). */
static int
cert_out(struct lab *lab, const char *path)
{
	char tmp[1100];
	struct stat st;

	if (lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) ||
	    !our_cert_file(path))) {
		snprintf(lab->errbuf, sizeof(lab->errbuf), "--cert-out %.100s: "
		    "exists and is not a certificate file; not replaced",
		    path);
		return -1;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	unlink(tmp);
	if (tls_server_write_cert(lab->tls, tmp) == -1 ||
	    rename(tmp, path) == -1) {
		snprintf(lab->errbuf, sizeof(lab->errbuf), "--cert-out %.100s: "
		    "%s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* --cert FILE --key FILE naming files that do not exist yet: make a
 * self-signed pair and keep it there, so every later start serves the
 * same certificate (one fingerprint for the class to trust). */
static int
make_cert_files(struct lab *lab, const char **errstr_r)
{
	EVP_PKEY *key;
	FILE *f;
	int fd, ok;

	lab->tls = tls_server_ctx_new(NULL, NULL, LAB_DOMAIN, lab->fp,
	    sizeof(lab->fp), errstr_r);
	if (lab->tls == NULL)
		return -1;
	key = SSL_CTX_get0_privatekey(lab->tls);
	fd = open(lab->opt.key_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (key == NULL || fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		*errstr_r = "cannot create the --key file";
		return -1;
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	if (fclose(f) != 0 || !ok ||
	    tls_server_write_cert(lab->tls, lab->opt.cert_file) == -1) {
		unlink(lab->opt.key_file);
		*errstr_r = "cannot write the --cert and --key files";
		return -1;
	}
	lab->cert_made = true;
	return 0;
}

/* 127.0.0.0/8 or ::1 */
static bool
loopback(const char *a)
{
	return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strcmp(a, "[::1]") == 0 || strcmp(a, "localhost") == 0;
}

static void
banner(struct lab *lab)
{
	static const char *const how[LAB_SERVICE_COUNT] = {
		"plain, STLS offered", "implicit TLS",
		"plain, STARTTLS offered", "implicit TLS",
	};
	FILE *f = lab->log;
	bool v6 = strchr(lab->listen, ':') != NULL &&
	    lab->listen[0] != '[';
	size_t i;
	int svc;

	if (f == NULL)
		return;
	fprintf(f, "mailbench lab server (%s)\n", LAB_SOFTWARE);
	if (loopback(lab->listen))
		fprintf(f, "  listening on loopback only: only this machine can "
		    "connect; for a class on\n  other machines use --listen "
		    "0.0.0.0 (or this machine's address)\n");
	else
		fprintf(f, "  listening on %s: other machines can connect; "
		    "practice passwords are\n  weak: use --users on a "
		    "shared network\n", lab->listen);
	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++) {
		if (lab->port[svc] < 0)
			continue;
		fprintf(f, "  %-6s %s%s%s:%d  (%s)\n", service_name[svc],
		    v6 ? "[" : "", lab->listen, v6 ? "]" : "", lab->port[svc],
		    how[svc]);
	}
	fprintf(f, "  Maildir %s%s\n", lab->maildir,
	    lab->maildir_tmp ? "  (temporary, removed at exit)" : "");
	fprintf(f, "  TLS certificate %s%s, SHA-256 fingerprint\n    %s\n",
	    lab->opt.cert_file != NULL ? lab->opt.cert_file :
	    "self-signed (made at start)", lab->cert_made ? " (self-signed, "
	    "made now and kept: later starts reuse it)" : "", lab->fp);
	fprintf(f, "  SMTP AUTH %s\n", lab->opt.smtp_auth_plaintext ?
	    "offered with and without TLS" : "offered after STARTTLS only");
	fprintf(f, "  scenario %s\n", lab->scenario_text[0] != '\0' ?
	    lab->scenario_text : "none");
	fprintf(f, "  accounts (user/password, mail to user@%s):\n",
	    LAB_DOMAIN);
	for (i = 0; i < lab->nacct; i++) {
		if (lab->opt.users_file != NULL)
			fprintf(f, "    %s  (password from %s)\n",
			    lab->acct[i].user, lab->opt.users_file);
		else
			fprintf(f, "    %s/%s\n", lab->acct[i].user,
			    lab->acct[i].pass);
		if (i == 19 && lab->nacct > 21) {
			fprintf(f, "    ... and %zu more\n", lab->nacct - 20);
			break;
		}
	}
	fprintf(f, "ready\n");
	fflush(f);
}

struct lab *
lab_start(struct loop *loop, const struct lab_options *opt,
    const char **errstr_r)
{
	static char err[256];
	struct lab *lab = xcalloc(1, sizeof(*lab));
	int svc;

	lab->loop = loop;
	lab->opt = *opt;
	lab->log = opt->log;
	lab->listen = xstrdup(opt->listen != NULL ? opt->listen : "127.0.0.1");
	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++) {
		lab->lfd[svc] = -1;
		lab->port[svc] = -1;
	}
	/* A peer that closes while we write must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	lab->accept_pause = loop_timer_add(loop, 200, false, on_accept_pause,
	    lab);
	loop_timer_stop(lab->accept_pause);
	if (lab_users_load(lab) == -1 ||
	    lab_scenarios_parse(lab, opt->scenario) == -1 ||
	    prepare_maildir(lab) == -1)
		goto fail;
	class_init(lab);
	if (opt->cert_file != NULL && opt->key_file != NULL &&
	    access(opt->cert_file, F_OK) == -1 && errno == ENOENT &&
	    access(opt->key_file, F_OK) == -1 && errno == ENOENT) {
		if (make_cert_files(lab, errstr_r) == -1) {
			snprintf(lab->errbuf, sizeof(lab->errbuf), "%s",
			    *errstr_r);
			goto fail;
		}
	} else
		lab->tls = tls_server_ctx_new(opt->cert_file, opt->key_file,
		    LAB_DOMAIN, lab->fp, sizeof(lab->fp), errstr_r);
	if (lab->tls == NULL) {
		snprintf(lab->errbuf, sizeof(lab->errbuf), "%s", *errstr_r);
		goto fail;
	}
	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++) {
		if (opt->port[svc] < 0)
			continue;
		if (opt->port[svc] > 65535) {
			snprintf(lab->errbuf, sizeof(lab->errbuf),
			    "%s port %d: out of range", service_name[svc],
			    opt->port[svc]);
			goto fail;
		}
		if (listen_on(lab, svc) == -1)
			goto fail;
	}
	if (opt->cert_out != NULL && cert_out(lab, opt->cert_out) == -1)
		goto fail;
	/* The first report now: a path that cannot be written is said at
	 * start, not found out after the class. */
	if (opt->report != NULL && class_report_write(lab) == -1) {
		snprintf(lab->errbuf, sizeof(lab->errbuf), "--report %.100s: %s",
		    opt->report, strerror(errno));
		goto fail;
	}
	banner(lab);
	return lab;
fail:
	snprintf(err, sizeof(err), "%s", lab->errbuf);
	*errstr_r = err;
	lab_free(lab);
	return NULL;
}

void
lab_free(struct lab *lab)
{
	size_t i;
	int svc;

	if (lab == NULL)
		return;
	while (lab->sessions != NULL)
		sess_free(lab->sessions);
	if (lab->lessons != NULL && class_report_write(lab) == -1)
		lab_log(lab, "--report %s: cannot write it", lab->opt.report);
	class_free(lab);
	for (svc = 0; svc < LAB_SERVICE_COUNT; svc++) {
		loop_watch_del(lab->lwatch[svc]);
		if (lab->lfd[svc] != -1)
			close(lab->lfd[svc]);
	}
	loop_timer_del(lab->accept_pause);
	if (lab->tls != NULL)
		SSL_CTX_free(lab->tls);
	if (lab->maildir_tmp && lab->maildir != NULL)
		maildir_rmtree(lab->maildir);
	for (i = 0; i < lab->ngrey; i++)
		free(lab->grey[i]);
	free(lab->grey);
	free(lab->popb4);
	lab_users_free(lab);
	free(lab->maildir);
	free(lab->listen);
	free(lab);
}

int
lab_port(const struct lab *lab, enum lab_service svc)
{
	return svc < LAB_SERVICE_COUNT ? lab->port[svc] : -1;
}

const char *
lab_address(const struct lab *lab)
{
	return lab->listen;
}

const char *
lab_user(const struct lab *lab)
{
	return lab->nacct > 0 ? lab->acct[0].user : "";
}

const char *
lab_password(const struct lab *lab)
{
	return lab->nacct > 0 ? lab->acct[0].pass : "";
}

const char *
lab_maildir(const struct lab *lab)
{
	return lab->maildir;
}

const char *
lab_fingerprint(const struct lab *lab)
{
	return lab->fp;
}

unsigned
lab_session_count(const struct lab *lab)
{
	return lab->nsessions;
}

int
lab_write_cert(const struct lab *lab, const char *path)
{
	return tls_server_write_cert(lab->tls, path);
}

void
lab_set_log(struct lab *lab, FILE *f)
{
	lab->log = f;
}

int
lab_set_scenarios(struct lab *lab, const char *spec, const char **errstr_r)
{
	if (lab_scenarios_parse(lab, spec) == -1) {
		*errstr_r = lab->errbuf;
		return -1;
	}
	lab_log(lab, "scenario now %s", lab->scenario_text[0] != '\0' ?
	    lab->scenario_text : "none");
	return 0;
}

const char *
lab_scenarios_text(const struct lab *lab)
{
	return lab->scenario_text;
}

bool
lab_maildir_is_temp(const struct lab *lab)
{
	return lab->maildir_tmp;
}

void
lab_board(struct lab *lab, FILE *f)
{
	class_board(lab, f);
}

int
lab_report(struct lab *lab)
{
	return class_report_write(lab);
}
