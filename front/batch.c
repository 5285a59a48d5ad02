/* SPDX-License-Identifier: MIT */
/* `mailbench batch`: commands from a file or stdin, one per line, the
 * annotated transcript on stdout and nothing else (diagnostics on stderr).
 *
 * Each line waits for the replies to the previous one (a /load pipelines
 * by itself). After 354 the lines are message text. At the end of the
 * input nothing more is sent: no QUIT is added (a POP3 session that did
 * not QUIT keeps its messages, as RFC 1939 6 says), the connection is
 * closed and a "* end of input" line says so. The session also ends when
 * the server closes the connection or on --timeout. Blank lines outside
 * message text and prompts are skipped. A secret asked for (/auth) comes
 * from --password-file or MAILBENCH_PASSWORD, else it is the next input
 * line (redacted like any secret; a note on stderr says so). SIGINT or
 * SIGTERM closes the connection (no QUIT sent) with a last "* interrupted"
 * line and exit code 3; lines are only ever written whole, from the loop,
 * never from the signal handler. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/loop.h"
#include "base/buf.h"
#include "proto/limits.h"
#include "proto/session.h"
#include "base/util.h"
#include "front/driver.h"
#include "front/modes.h"
#include "front/options.h"
#include "version.h"

struct batch {
	struct loop		*loop;
	struct driver		*drv;
	struct options		 opts;
	int			 infd;
	const char		*inname;
	struct buf		 in;
	struct loop_watch	*inw;
	bool			 in_eof;
	bool			 closed;
	bool			 told_secret;
	bool			 no_secret;	/* an /auth had no password */
	int			 exit_code;
	bool			 usage_error;
	int			 interrupted;	/* SIGINT or SIGTERM seen, or 0 */
};

static void
usage(FILE *f)
{
	fputs("usage: mailbench batch [options] URL [FILE]\n"
	    "\n"
	    "Runs the commands of FILE (or stdin), one a line, and prints the\n"
	    "annotated transcript on stdout: C: sent, S: received, * events,\n"
	    "= meanings. Each command waits for its reply; /load pipelines.\n"
	    "After a 354 reply the lines are message text (a lone . ends it).\n"
	    "Lines starting with / are workbench commands (/help lists them).\n"
	    "At the end of input nothing more is sent (no QUIT is added).\n"
	    "\n"
	    "URL: pop3://[user@]host[:port] (110)  pop3s:// (995)  smtp:// (25)\n"
	    "     smtps:// (465)  submission:// (587); IPv6 as [::1]\n"
	    "\n"
	    "options:\n", f);
	options_usage(f);
	fputs("  --timing              also print the time of each reply "
	    "(\"* 12.3 ms\")\n"
	    "\n"
	    "exit: 0 success, 1 a command got a negative reply, 2 usage error,\n"
	    "      3 connection, TLS or timeout failure, or interrupted "
	    "(SIGINT, SIGTERM)\n", f);
}

static void
on_line(void *arg, const struct driver_line *l)
{
	static const char *const prefix[] = { "C: ", "S: ", "* ", "= " };
	struct batch *b = arg;

	if ((l->flags & DRIVER_LF_TIMING) && !b->opts.timing)
		return;
	fputs(prefix[l->kind], stdout);
	fwrite(l->text, 1, l->len, stdout);
	putchar('\n');
}

static void
on_status(void *arg, const struct driver_status *s)
{
	struct batch *b = arg;

	(void)b;
	(void)s;
}

/* A secret is wanted and nothing can give it: batch has no one to ask,
 * and taking the next input line would send a command (or worse, a
 * password written into a command file) as the secret. Cancel the
 * action, say why, and count it as a failed command (exit 1). */
static bool
no_secret_source(struct batch *b)
{
	const struct driver_status *st = driver_status(b->drv);
	const char *p;
	int n;

	if (!st->secret_wanted || b->opts.drv.password_file != NULL ||
	    getenv("MAILBENCH_PASSWORD") != NULL)
		return false;
	/* The prompt ("password for bob (USER):") without its colon. */
	p = st->secret_prompt != NULL ? st->secret_prompt : "a secret";
	n = (int)strnlen(p, 200);
	while (n > 0 && (p[n - 1] == ':' || p[n - 1] == ' '))
		n--;
	if (!b->told_secret)
		fprintf(stderr, "mailbench batch: %.*s wanted, and no password "
		    "source: give --password-file FILE or set "
		    "MAILBENCH_PASSWORD (batch never takes an input line as "
		    "the password)\n", n, p);
	b->told_secret = true;
	b->no_secret = true;
	driver_cancel(b->drv);
	return true;
}

static void
on_closed(void *arg, int code, const char *why)
{
	struct batch *b = arg;

	(void)why;
	b->closed = true;
	b->exit_code = code;
	loop_break(b->loop);
}

/* SIGINT/SIGTERM, run by the loop (not in the handler): end the session
 * with a whole "* interrupted" line; the exit code becomes 3. */
static void
on_signal(struct batch *b, int signo)
{
	char why[128];

	if (b->interrupted != 0)
		return;
	b->interrupted = signo;
	snprintf(why, sizeof(why), "interrupted (%s): closing the connection "
	    "(no QUIT sent)", signo == SIGINT ? "SIGINT" : "SIGTERM");
	if (!b->closed)
		driver_close(b->drv, why);
	if (!b->closed) {
		/* No connection to close (the driver said nothing). */
		fprintf(stdout, "* %s\n", why);
		b->closed = true;
	}
	loop_break(b->loop);
}

static void
on_sigint(void *arg)
{
	on_signal(arg, SIGINT);
}

static void
on_sigterm(void *arg)
{
	on_signal(arg, SIGTERM);
}

static const struct driver_ops batch_ops = {
	.line = on_line,
	.status = on_status,
	.closed = on_closed,
};

static void
input_readable(int fd, short revents, void *arg)
{
	struct batch *b = arg;
	char tmp[65536];
	size_t room = b->in.max - b->in.len;
	ssize_t n;

	(void)revents;
	if (room > sizeof(tmp))
		room = sizeof(tmp);
	if (room == 0) {
		loop_watch_set(b->inw, 0);
		return;
	}
	n = read(fd, tmp, room);
	if (n > 0)
		buf_append(&b->in, tmp, (size_t)n);
	else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		if (n == -1)
			fprintf(stderr, "mailbench batch: reading %s: %s\n",
			    b->inname, strerror(errno));
		b->in_eof = true;
		loop_watch_set(b->inw, 0);
	}
}

/* Is an empty line meaningful now (message text, a prompt, a secret)? */
static bool
wants_text(struct batch *b)
{
	const struct driver_status *st = driver_status(b->drv);
	struct session *s = driver_session(b->drv);

	return st->message_mode || st->secret_wanted ||
	    (s != NULL && (session_message_mode(s) ||
	    session_prompting(s, NULL) || session_wants_secret(s, NULL)));
}

/* Feed lines while the driver waits for nothing. Runs before each poll. */
static void
advance(void *arg)
{
	struct batch *b = arg;
	const char *nl;
	size_t len, take;

	fflush(stdout);
	while (!b->closed && !driver_busy(b->drv)) {
		if (no_secret_source(b))
			continue;
		nl = b->in.len > 0 ? memchr(b->in.data, '\n', b->in.len) : NULL;
		if (nl == NULL && !b->in_eof) {
			if (b->in.len >= b->in.max) {
				fprintf(stderr, "mailbench batch: %s: line "
				    "longer than %zu bytes\n", b->inname,
				    b->in.max);
				b->usage_error = true;
				driver_close(b->drv, "input line too long: "
				    "closing the connection");
				break;
			}
			loop_watch_set(b->inw, POLLIN);
			break;
		}
		if (nl == NULL && b->in.len == 0) {
			driver_close(b->drv, "end of input: closing the "
			    "connection (no QUIT sent)");
			break;
		}
		take = nl != NULL ? (size_t)(nl - b->in.data) + 1 : b->in.len;
		len = nl != NULL ? take - 1 : take;
		if (len > 0 && b->in.data[len - 1] == '\r')
			len--;
		/* A blank line outside message text and prompts would go
		 * out as an empty command; it is more likely a blank line
		 * at the end of a file. */
		if (len == 0 && !wants_text(b)) {
			buf_consume(&b->in, take);
			continue;
		}
		/* Submit a copy: the driver may read input again. */
		{
			char *line = xmalloc(len + 1);

			memcpy(line, b->in.data, len);
			line[len] = '\0';
			buf_consume(&b->in, take);
			driver_submit(b->drv, line, len);
			explicit_bzero(line, len);
			free(line);
		}
	}
	if (!b->closed && driver_busy(b->drv) && b->inw != NULL)
		loop_watch_set(b->inw, 0);
	fflush(stdout);
}

int
batch_main(int argc, char **argv)
{
	struct batch b;
	char err[256];
	const char *errstr = NULL;
	struct stat sb;
	int rc;

	memset(&b, 0, sizeof(b));
	if (options_parse(argc, argv, NULL, &b.opts, err, sizeof(err)) == -1) {
		fprintf(stderr, "mailbench batch: %s\n", err);
		usage(stderr);
		return 2;
	}
	if (b.opts.help) {
		usage(stdout);
		options_clear(&b.opts);
		return 0;
	}
	if (b.opts.version) {
		printf("mailbench %s\n", MAILBENCH_VERSION);
		options_clear(&b.opts);
		return 0;
	}
	if (b.opts.nargs < 1 || b.opts.nargs > 2) {
		fprintf(stderr, "mailbench batch: %s\n", b.opts.nargs < 1 ?
		    "a URL is needed" : "too many arguments");
		usage(stderr);
		options_clear(&b.opts);
		return 2;
	}
	b.infd = 0;
	b.inname = "stdin";
	if (b.opts.nargs == 2 && strcmp(b.opts.args[1], "-") != 0) {
		b.inname = b.opts.args[1];
		b.infd = open(b.inname, O_RDONLY | O_CLOEXEC);
		if (b.infd != -1 && fstat(b.infd, &sb) == 0 &&
		    S_ISDIR(sb.st_mode)) {
			close(b.infd);
			b.infd = -1;
			errno = EISDIR;
		}
		if (b.infd == -1) {
			fprintf(stderr, "mailbench batch: %s: %s\n", b.inname,
			    strerror(errno));
			options_clear(&b.opts);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	buf_init(&b.in, LIMIT_BODY_LINE + 2);
	b.loop = loop_new();
	b.drv = driver_new(b.loop, &b.opts.drv, &batch_ops, &b);
	if (driver_connect(b.drv, b.opts.args[0], &errstr) == -1) {
		fprintf(stderr, "mailbench batch: %s: %s\n", b.opts.args[0],
		    errstr);
		rc = 2;
		goto out;
	}
	b.inw = loop_watch_add(b.loop, b.infd, 0, input_readable, &b);
	loop_set_hook(b.loop, advance, &b);
	if (loop_signal(b.loop, SIGINT, on_sigint, &b) == -1 ||
	    loop_signal(b.loop, SIGTERM, on_sigterm, &b) == -1)
		fprintf(stderr, "mailbench batch: cannot catch SIGINT/SIGTERM: "
		    "%s\n", strerror(errno));
	/* Bounded polls: even if nothing were left to wait for, the loop
	 * would come back to check instead of blocking for ever. */
	while (!b.closed)
		if (loop_run_once(b.loop, 1000) == -1) {
			fprintf(stderr, "mailbench batch: poll: %s\n",
			    strerror(errno));
			b.exit_code = 3;
			break;
		}
	fflush(stdout);
	rc = b.usage_error ? 2 : b.interrupted != 0 ? 3 : b.exit_code;
	if (rc == 0 && b.no_secret)
		rc = 1;
	if (b.interrupted != 0) {
		sigset_t set;

		/* The session is over and says so: a repeated signal (timeout(1)
		 * sends one to the pid and one to the group) must not turn exit
		 * 3 into death by signal once loop_free restores SIG_DFL. */
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
out:
	driver_free(b.drv);
	loop_watch_del(b.inw);
	loop_free(b.loop);
	buf_wipe(&b.in);
	if (b.infd > 0)
		close(b.infd);
	options_clear(&b.opts);
	return rc;
}
