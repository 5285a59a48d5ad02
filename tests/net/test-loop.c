/* SPDX-License-Identifier: MIT */
/* Tests for net/loop.c: timers, watchers, the hook, signals, loop_break. */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "net/loop.h"
#include "tests/unit/harness.h"

static int	 fired[4];
static struct loop *L;

static void
count0(void *arg)
{
	(void)arg;
	fired[0]++;
}

static void
count1(void *arg)
{
	struct loop_timer **t = arg;

	if (++fired[1] == 3) {
		loop_timer_del(*t);	/* deleting itself from its callback */
		*t = NULL;
	}
}

/* A one-shot timer fires once; a repeating one until it deletes itself;
 * then loop_run returns because nothing is left to wait for. */
static void
test_timers(void)
{
	struct loop_timer *one, *rep;
	double t0 = loop_now_ms();

	L = loop_new();
	fired[0] = fired[1] = 0;
	one = loop_timer_add(L, 5, false, count0, NULL);
	rep = loop_timer_add(L, 2, true, count1, &rep);
	CHECK_INT(loop_run(L), 0);
	CHECK_INT(fired[0], 1);
	CHECK_INT(fired[1], 3);
	CHECK(rep == NULL);
	CHECK(!loop_timer_armed(one));
	CHECK(loop_now_ms() - t0 >= 5);
	loop_timer_del(one);
	loop_free(L);
}

static int	 order[3], norder;

static void
rec(void *arg)
{
	order[norder++] = (int)(long)arg;
}

/* Timers fire in deadline order, not creation order. */
static void
test_timer_order(void)
{
	L = loop_new();
	norder = 0;
	loop_timer_add(L, 30, false, rec, (void *)3L);
	loop_timer_add(L, 1, false, rec, (void *)1L);
	loop_timer_add(L, 15, false, rec, (void *)2L);
	loop_run(L);
	CHECK_INT(norder, 3);
	CHECK_INT(order[0], 1);
	CHECK_INT(order[1], 2);
	CHECK_INT(order[2], 3);
	loop_free(L);
}

static int	 hooks;
static struct loop_watch *W;

static void
hook(void *arg)
{
	(void)arg;
	hooks++;
}

static void
readable(int fd, short rev, void *arg)
{
	char c;

	(void)arg;
	CHECK(rev & POLLIN);
	CHECK_INT(read(fd, &c, 1), 1);
	fired[2]++;
	loop_watch_del(W);	/* deleting a watcher inside its callback */
}

static void
writer(void *arg)
{
	int *fd = arg;

	CHECK_INT(write(*fd, "x", 1), 1);
}

/* A watcher sees a pipe become readable; the hook runs before each poll;
 * a deleted watcher no longer keeps the loop alive. */
static void
test_watch_hook(void)
{
	int p[2];

	CHECK_INT(pipe(p), 0);
	L = loop_new();
	fired[2] = 0;
	hooks = 0;
	W = loop_watch_add(L, p[0], POLLIN, readable, NULL);
	loop_timer_add(L, 3, false, writer, &p[1]);
	loop_set_hook(L, hook, NULL);
	CHECK_INT(loop_run(L), 0);
	CHECK_INT(fired[2], 1);
	CHECK(hooks >= 1);
	loop_free(L);
	close(p[0]);
	close(p[1]);
}

static void
breaker(void *arg)
{
	loop_break(arg);
}

/* loop_break stops loop_run although a repeating timer stays armed. */
static void
test_break(void)
{
	L = loop_new();
	fired[0] = 0;
	loop_timer_add(L, 1, true, count0, NULL);
	loop_timer_add(L, 10, false, breaker, L);
	CHECK_INT(loop_run(L), 0);
	CHECK(loop_broken(L));
	CHECK(fired[0] >= 2);
	loop_free(L);
}

static void
on_sig(void *arg)
{
	fired[3]++;
	loop_break(arg);
}

static void
raiser(void *arg)
{
	(void)arg;
	raise(SIGUSR1);
}

/* A signal is delivered as a callback from the loop, not the handler. */
static void
test_signal(void)
{
	L = loop_new();
	fired[3] = 0;
	CHECK_INT(loop_signal(L, SIGUSR1, on_sig, L), 0);
	loop_timer_add(L, 1, false, raiser, NULL);
	loop_timer_add(L, 2000, false, breaker, L);	/* bound */
	loop_run(L);
	CHECK_INT(fired[3], 1);
	loop_free(L);
	signal(SIGUSR1, SIG_DFL);
}

static const struct test tests[] = {
	{ "loop_timers", test_timers },
	{ "loop_timer_order", test_timer_order },
	{ "loop_watch_hook", test_watch_hook },
	{ "loop_break", test_break },
	{ "loop_signal", test_signal },
};

TEST_MAIN("loop", tests)
