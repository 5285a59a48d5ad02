/* SPDX-License-Identifier: MIT */
/* The one poll(2) event loop: watchers, timers, signals, a before-poll hook. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/loop.h"
#include "base/util.h"

struct loop_watch {
	struct loop		*loop;
	int			 fd;
	short			 events;
	bool			 dead;
	loop_fd_cb		*cb;
	void			*arg;
	struct loop_watch	*next;
};

struct loop_timer {
	struct loop		*loop;
	double			 when;	/* absolute, loop_now_ms() */
	double			 interval;
	bool			 repeat;
	bool			 armed;
	bool			 dead;
	loop_cb			*cb;
	void			*arg;
	struct loop_timer	*next;
};

#define LOOP_NSIG	65

struct loop {
	struct loop_watch	*watches;
	struct loop_timer	*timers;
	bool			 broken;
	int			 dispatching;	/* nesting depth */
	bool			 garbage;
	loop_cb			*hook;
	void			*hook_arg;
	struct pollfd		*pfd;
	struct loop_watch	**pw;
	size_t			 npfd_cap;
	/* Signals: a self-pipe, written by the handler. */
	int			 sigpipe[2];
	struct loop_watch	*sigwatch;
	loop_cb			*sigcb[LOOP_NSIG];
	void			*sigarg[LOOP_NSIG];
};

/* Only one loop owns the signal pipe: handlers cannot carry a pointer. */
static volatile int	 loop_sigfd = -1;

double
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->sigpipe[0] = l->sigpipe[1] = -1;
	return l;
}

static void
collect(struct loop *l)
{
	struct loop_watch **wp, *w;
	struct loop_timer **tp, *t;

	if (!l->garbage || l->dispatching > 0)
		return;
	for (wp = &l->watches; (w = *wp) != NULL;) {
		if (w->dead) {
			*wp = w->next;
			free(w);
		} else
			wp = &w->next;
	}
	for (tp = &l->timers; (t = *tp) != NULL;) {
		if (t->dead) {
			*tp = t->next;
			free(t);
		} else
			tp = &t->next;
	}
	l->garbage = false;
}

void
loop_free(struct loop *l)
{
	struct loop_watch *w, *wn;
	struct loop_timer *t, *tn;
	int i;

	if (l == NULL)
		return;
	for (w = l->watches; w != NULL; w = wn) {
		wn = w->next;
		free(w);
	}
	for (t = l->timers; t != NULL; t = tn) {
		tn = t->next;
		free(t);
	}
	for (i = 1; i < LOOP_NSIG; i++)
		if (l->sigcb[i] != NULL)
			signal(i, SIG_DFL);
	if (l->sigpipe[0] != -1) {
		if (loop_sigfd == l->sigpipe[1])
			loop_sigfd = -1;
		close(l->sigpipe[0]);
		close(l->sigpipe[1]);
	}
	free(l->pfd);
	free(l->pw);
	free(l);
}

struct loop_watch *
loop_watch_add(struct loop *l, int fd, short events, loop_fd_cb *cb,
    void *arg)
{
	struct loop_watch *w = xcalloc(1, sizeof(*w));

	w->loop = l;
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	w->next = l->watches;
	l->watches = w;
	return w;
}

void
loop_watch_set(struct loop_watch *w, short events)
{
	w->events = events;
}

short
loop_watch_events(const struct loop_watch *w)
{
	return w->events;
}

void
loop_watch_del(struct loop_watch *w)
{
	if (w == NULL)
		return;
	w->dead = true;
	w->events = 0;
	w->loop->garbage = true;
	collect(w->loop);
}

struct loop_timer *
loop_timer_add(struct loop *l, double ms, bool repeat, loop_cb *cb, void *arg)
{
	struct loop_timer *t = xcalloc(1, sizeof(*t));

	t->loop = l;
	t->cb = cb;
	t->arg = arg;
	t->repeat = repeat;
	t->next = l->timers;
	l->timers = t;
	loop_timer_reset(t, ms);
	return t;
}

void
loop_timer_reset(struct loop_timer *t, double ms)
{
	if (ms < 0)
		ms = 0;
	t->interval = ms;
	t->when = loop_now_ms() + ms;
	t->armed = !t->dead;
}

void
loop_timer_stop(struct loop_timer *t)
{
	t->armed = false;
}

bool
loop_timer_armed(const struct loop_timer *t)
{
	return t->armed;
}

void
loop_timer_del(struct loop_timer *t)
{
	if (t == NULL)
		return;
	t->dead = true;
	t->armed = false;
	t->loop->garbage = true;
	collect(t->loop);
}

static void
sig_handler(int signo)
{
	int saved = errno;
	unsigned char c = (unsigned char)signo;

	if (loop_sigfd != -1)
		(void)!write(loop_sigfd, &c, 1);
	errno = saved;
}

static void
sig_readable(int fd, short revents, void *arg)
{
	struct loop *l = arg;
	unsigned char c[64];
	ssize_t n, i;

	(void)revents;
	while ((n = read(fd, c, sizeof(c))) > 0)
		for (i = 0; i < n; i++)
			if (c[i] < LOOP_NSIG && l->sigcb[c[i]] != NULL)
				l->sigcb[c[i]](l->sigarg[c[i]]);
}

int
loop_signal(struct loop *l, int signo, loop_cb *cb, void *arg)
{
	struct sigaction sa;
	int i;

	if (signo <= 0 || signo >= LOOP_NSIG)
		return -1;
	if (l->sigpipe[0] == -1) {
		if (pipe(l->sigpipe) == -1)
			return -1;
		for (i = 0; i < 2; i++) {
			fcntl(l->sigpipe[i], F_SETFL,
			    fcntl(l->sigpipe[i], F_GETFL) | O_NONBLOCK);
			fcntl(l->sigpipe[i], F_SETFD, FD_CLOEXEC);
		}
		l->sigwatch = loop_watch_add(l, l->sigpipe[0], POLLIN,
		    sig_readable, l);
		loop_sigfd = l->sigpipe[1];
	}
	l->sigcb[signo] = cb;
	l->sigarg[signo] = arg;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cb != NULL ? sig_handler : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

void
loop_set_hook(struct loop *l, loop_cb *cb, void *arg)
{
	l->hook = cb;
	l->hook_arg = arg;
}

void
loop_break(struct loop *l)
{
	l->broken = true;
}

bool
loop_broken(const struct loop *l)
{
	return l->broken;
}

/* Fire every armed timer that is due; true if one fired. */
static bool
run_timers(struct loop *l)
{
	struct loop_timer *t;
	double now = loop_now_ms();
	bool fired = false;

	/* New timers are pushed at the head, so walking from the head
	 * while callbacks add timers never visits a new one twice. */
	for (t = l->timers; t != NULL; t = t->next) {
		if (!t->armed || t->dead || t->when > now)
			continue;
		if (t->repeat) {
			t->when += t->interval > 0 ? t->interval : 1;
			if (t->when < now)
				t->when = now + t->interval;
		} else
			t->armed = false;
		fired = true;
		t->cb(t->arg);
		if (l->broken)
			break;
	}
	return fired;
}

/* Milliseconds until the next timer, -1 if none. */
static int
next_timeout(struct loop *l)
{
	struct loop_timer *t;
	double now = loop_now_ms(), best = -1, d;

	for (t = l->timers; t != NULL; t = t->next) {
		if (!t->armed || t->dead)
			continue;
		d = t->when - now;
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	if (best < 0)
		return -1;
	if (best > 1e9)
		return 1000000000;
	return (int)ceil(best);
}

int
loop_run_once(struct loop *l, int max_ms)
{
	struct loop_watch *w;
	size_t n = 0, i;
	int timeout, rc;

	l->dispatching++;
	run_timers(l);
	if (l->hook != NULL && !l->broken)
		l->hook(l->hook_arg);
	for (w = l->watches; w != NULL; w = w->next)
		if (!w->dead)
			n++;
	if (n > l->npfd_cap) {
		l->npfd_cap = n + 16;
		l->pfd = xrealloc(l->pfd, l->npfd_cap * sizeof(*l->pfd));
		l->pw = xrealloc(l->pw, l->npfd_cap * sizeof(*l->pw));
	}
	n = 0;
	for (w = l->watches; w != NULL; w = w->next) {
		if (w->dead)
			continue;
		l->pfd[n].fd = w->events != 0 ? w->fd : -1;
		l->pfd[n].events = w->events;
		l->pfd[n].revents = 0;
		l->pw[n++] = w;
	}
	timeout = next_timeout(l);
	if (max_ms >= 0 && (timeout < 0 || timeout > max_ms))
		timeout = max_ms;
	if (l->broken)
		timeout = 0;
	rc = poll(l->pfd, n, timeout);
	if (rc == -1) {
		l->dispatching--;
		if (errno == EINTR)
			return 0;
		return -1;
	}
	for (i = 0; i < n && rc > 0; i++) {
		w = l->pw[i];
		if (l->pfd[i].revents == 0)
			continue;
		rc--;
		if (w->dead)
			continue;
		w->cb(w->fd, l->pfd[i].revents, w->arg);
	}
	run_timers(l);
	l->dispatching--;
	collect(l);
	return 0;
}

/* Anything left that can wake us up? */
static bool
alive(struct loop *l)
{
	struct loop_watch *w;
	struct loop_timer *t;

	for (t = l->timers; t != NULL; t = t->next)
		if (t->armed && !t->dead)
			return true;
	for (w = l->watches; w != NULL; w = w->next)
		if (!w->dead && w->events != 0 && w != l->sigwatch)
			return true;
	return false;
}

int
loop_run(struct loop *l)
{
	l->broken = false;
	while (!l->broken && alive(l))
		if (loop_run_once(l, -1) == -1)
			return -1;
	return 0;
}
