/* SPDX-License-Identifier: MIT */
/* Name resolution off the loop thread: one detached thread per lookup. */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "net/loop.h"
#include "net/resolve.h"

/* Shared by the thread and the caller, freed by whichever lets go last
 * (the caller may cancel first: the thread's result is then dropped). */
struct resolve {
	pthread_mutex_t		 lock;
	int			 refs;		/* caller + thread */
	int			 pipe[2];	/* thread writes one byte when done */
	char			*host;
	char			*port;
	struct addrinfo		 hints;
	struct addrinfo		*ai;		/* result, until taken */
	int			 rc;
	int			 err;		/* errno for EAI_SYSTEM */
	/* The caller's side, touched only on the loop thread. */
	struct loop_watch	*watch;		/* pipe[0] */
	resolve_cb		*done;
	void			*arg;
};

static void
release(struct resolve *j)
{
	int refs;

	pthread_mutex_lock(&j->lock);
	refs = --j->refs;
	pthread_mutex_unlock(&j->lock);
	if (refs > 0)
		return;
	pthread_mutex_destroy(&j->lock);
	if (j->ai != NULL)
		freeaddrinfo(j->ai);
	close(j->pipe[0]);
	close(j->pipe[1]);
	free(j->host);
	free(j->port);
	free(j);
}

/* The thread: getaddrinfo, store the result, wake the loop. */
static void *
resolve_thread(void *arg)
{
	struct resolve *j = arg;
	struct addrinfo *ai = NULL;
	int rc, err;
	ssize_t n;

	rc = getaddrinfo(j->host, j->port, &j->hints, &ai);
	err = errno;
	pthread_mutex_lock(&j->lock);
	j->ai = rc == 0 ? ai : NULL;
	j->rc = rc;
	j->err = err;
	pthread_mutex_unlock(&j->lock);
	/* One byte into an empty non-blocking pipe: cannot block; both ends
	 * stay open until the last reference goes. */
	do
		n = write(j->pipe[1], "r", 1);
	while (n == -1 && errno == EINTR);
	release(j);
	return NULL;
}

void
resolve_cancel(struct resolve *j)
{
	if (j == NULL)
		return;
	loop_watch_del(j->watch);
	j->watch = NULL;
	release(j);
}

/* The thread is done: take its result and hand it over. */
static void
resolve_io(int fd, short revents, void *arg)
{
	struct resolve *j = arg;
	struct addrinfo *ai;
	resolve_cb *done = j->done;
	void *done_arg = j->arg;
	int rc, err;
	char b;

	(void)revents;
	if (read(fd, &b, 1) != 1)
		return;		/* spurious wake-up: wait for the byte */
	pthread_mutex_lock(&j->lock);
	ai = j->ai;
	j->ai = NULL;
	rc = j->rc;
	err = j->err;
	pthread_mutex_unlock(&j->lock);
	resolve_cancel(j);
	done(done_arg, rc, err, ai);
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

struct resolve *
resolve_start(struct loop *l, const char *host, const char *port,
    const struct addrinfo *hints, resolve_cb *done, void *arg)
{
	struct resolve *j = xcalloc(1, sizeof(*j));
	pthread_attr_t attr;
	pthread_t tid;
	sigset_t all, old;
	int rc;

	if (pipe(j->pipe) == -1) {
		free(j);
		return NULL;
	}
	set_nonblock(j->pipe[0]);
	set_nonblock(j->pipe[1]);
	pthread_mutex_init(&j->lock, NULL);
	j->refs = 2;
	j->host = xstrdup(host);
	j->port = xstrdup(port);
	j->hints = *hints;
	j->done = done;
	j->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals (SIGINT, SIGTERM, SIGWINCH) stay with the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, &attr, resolve_thread, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		j->refs = 1;
		release(j);
		return NULL;
	}
	j->watch = loop_watch_add(l, j->pipe[0], POLLIN, resolve_io, j);
	return j;
}
