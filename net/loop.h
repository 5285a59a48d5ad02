/* SPDX-License-Identifier: MIT */
/* The one poll(2) event loop: fd watchers, monotonic timers, signals
 * through a self-pipe, and a hook run just before poll blocks. */
#ifndef NET_LOOP_H
#define NET_LOOP_H

#include <stdbool.h>

struct loop;
struct loop_watch;
struct loop_timer;

/* Called with the poll revents (POLLIN, POLLOUT, POLLERR, POLLHUP...). */
typedef void	loop_fd_cb(int fd, short revents, void *arg);
/* Called when a timer fires or a watched signal arrived. */
typedef void	loop_cb(void *arg);

/* A new, empty loop; never NULL (allocation failure is fatal). */
struct loop	*loop_new(void);
/* Free the loop and every watcher, timer and signal still registered
 * (their callbacks are not called). NULL is fine. */
void		 loop_free(struct loop *);

/* Watch fd for events (POLLIN and/or POLLOUT; 0 keeps it registered but
 * idle). The watcher belongs to the loop; free it with loop_watch_del. */
struct loop_watch *loop_watch_add(struct loop *, int fd, short events,
		    loop_fd_cb *, void *arg);
/* Change the events a watcher waits for. */
void		 loop_watch_set(struct loop_watch *, short events);
/* The events a watcher waits for now. */
short		 loop_watch_events(const struct loop_watch *);
/* Stop watching and free the watcher; safe inside any callback, even its
 * own. Does not close the fd. NULL is fine. */
void		 loop_watch_del(struct loop_watch *);

/* A timer firing after ms milliseconds (0: on the next pass, before
 * blocking), once or every ms if repeat. Free with loop_timer_del (a
 * one-shot timer stays allocated, disarmed, after it fires). */
struct loop_timer *loop_timer_add(struct loop *, double ms, bool repeat,
		    loop_cb *, void *arg);
/* Re-arm a timer to fire ms milliseconds from now. */
void		 loop_timer_reset(struct loop_timer *, double ms);
/* Disarm a timer without freeing it. */
void		 loop_timer_stop(struct loop_timer *);
/* True while the timer is armed. */
bool		 loop_timer_armed(const struct loop_timer *);
/* Disarm and free a timer; safe inside any callback. NULL is fine. */
void		 loop_timer_del(struct loop_timer *);

/* Call cb from the loop (not from the signal handler) each time signo
 * arrives (SIGWINCH, SIGINT, SIGTERM...). One callback per signal; 0 or -1. */
int		 loop_signal(struct loop *, int signo, loop_cb *, void *arg);

/* The hook run once per pass just before poll may block (the screen
 * redraws here). NULL removes it. */
void		 loop_set_hook(struct loop *, loop_cb *, void *arg);

/* Run until loop_break() or until nothing is left to wait for (no
 * watcher with events and no armed timer). 0, or -1 if poll failed. */
int		 loop_run(struct loop *);
/* One pass: run the hook, poll at most max_ms (-1: until something
 * happens, 0: don't block), dispatch. 0, or -1 if poll failed. */
int		 loop_run_once(struct loop *, int max_ms);
/* Make loop_run return after the current pass. */
void		 loop_break(struct loop *);
/* True once loop_break was called (reset by loop_run). */
bool		 loop_broken(const struct loop *);

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC). */
double		 loop_now_ms(void);

#endif
