/* SPDX-License-Identifier: MIT */
/* getaddrinfo in a detached thread that wakes the loop through a pipe, so
 * a slow resolver never freezes it. */
#ifndef NET_RESOLVE_H
#define NET_RESOLVE_H

struct addrinfo;
struct loop;
struct resolve;

/* Called from the loop once the lookup is over: rc is getaddrinfo's
 * result, err the errno that goes with EAI_SYSTEM, ai the addresses
 * (NULL unless rc is 0; the callee frees them with freeaddrinfo). The
 * handle is gone by then: do not cancel it. */
typedef void	resolve_cb(void *arg, int rc, int err, struct addrinfo *ai);

/* Look host:port up with hints (copied) in a detached thread; done runs
 * on the loop when it finishes. NULL when no thread (or pipe) could be
 * had: the caller resolves inline. */
struct resolve	*resolve_start(struct loop *, const char *host,
		    const char *port, const struct addrinfo *hints,
		    resolve_cb *done, void *arg);
/* Stop waiting (the caller closed or timed out): done is not called;
 * the thread finishes alone and frees what it found. NULL is fine. */
void		 resolve_cancel(struct resolve *);

#endif
