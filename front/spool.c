/* SPDX-License-Identifier: MIT */
/* The spool: one unlinked temporary file, a write buffer, reads by range. */
/* fallocate(2) and FALLOC_FL_PUNCH_HOLE are Linux extensions. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "front/spool.h"

/* Bytes gathered before one write(2): a RETR arrives a line at a time. */
#define SPOOL_WBUF	(64 * 1024)

struct spool {
	int		 fd;
	uint64_t	 flushed;	/* bytes in the file */
	uint64_t	 max;
	char		*wbuf;
	size_t		 wlen;
	bool		 failed;
	int		 err;		/* errno of the failed write */
};

struct spool *
spool_new(uint64_t max, const char **errstr_r)
{
	struct spool	*sp;
	const char	*dir = getenv("TMPDIR");
	char		 path[4096];
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/mailbench-spool-XXXXXX",
	    dir) >= sizeof(path)) {
		*errstr_r = "TMPDIR is too long";
		return NULL;
	}
	/* mkstemp makes the file 0600, readable by no one else. */
	if ((fd = mkstemp(path)) == -1) {
		*errstr_r = strerror(errno);
		return NULL;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Unlinked at once: the open descriptor is the only way in, and the
	 * space is freed when the process ends, however it ends. */
	(void)unlink(path);
	sp = xcalloc(1, sizeof(*sp));
	sp->fd = fd;
	sp->max = max;
	sp->wbuf = xmalloc(SPOOL_WBUF);
	return sp;
}

void
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return;
	close(sp->fd);
	free(sp->wbuf);
	free(sp);
}

static int
flush(struct spool *sp)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < sp->wlen) {
		n = pwrite(sp->fd, sp->wbuf + off, sp->wlen - off,
		    (off_t)(sp->flushed + off));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			sp->failed = true;
			sp->err = n == -1 ? errno : ENOSPC;
			sp->wlen = 0;
			return -1;
		}
		off += (size_t)n;
	}
	sp->flushed += sp->wlen;
	sp->wlen = 0;
	return 0;
}

int
spool_write(struct spool *sp, const void *p, size_t len,
    const char **errstr_r)
{
	if (sp->failed) {
		*errstr_r = strerror(sp->err);
		return -1;
	}
	if (sp->max != 0 && spool_size(sp) + len > sp->max) {
		*errstr_r = "the spool's size bound was reached";
		return -1;
	}
	if (sp->wlen + len > SPOOL_WBUF && flush(sp) == -1) {
		*errstr_r = strerror(sp->err);
		return -1;
	}
	if (len >= SPOOL_WBUF) {
		while (len > 0) {
			size_t n = len < SPOOL_WBUF ? len : SPOOL_WBUF;

			memcpy(sp->wbuf, p, n);
			sp->wlen = n;
			if (flush(sp) == -1) {
				*errstr_r = strerror(sp->err);
				return -1;
			}
			p = (const char *)p + n;
			len -= n;
		}
		return 0;
	}
	memcpy(sp->wbuf + sp->wlen, p, len);
	sp->wlen += len;
	return 0;
}

uint64_t
spool_size(const struct spool *sp)
{
	return sp->flushed + sp->wlen;
}

ssize_t
spool_read(struct spool *sp, uint64_t off, void *p, size_t len)
{
	ssize_t	n;

	if (off >= spool_size(sp) || len == 0)
		return 0;
	if (off + len > sp->flushed && sp->wlen > 0 && flush(sp) == -1)
		return -1;
	do
		n = pread(sp->fd, p, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	return n;
}

void
spool_release(struct spool *sp, uint64_t off, uint64_t len)
{
#ifdef FALLOC_FL_PUNCH_HOLE
	if (len > 0 && off + len <= sp->flushed)
		(void)fallocate(sp->fd, FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len);
#else
	(void)sp;
	(void)off;
	(void)len;
#endif
}

void
spool_truncate(struct spool *sp)
{
	sp->wlen = 0;
	sp->flushed = 0;
	sp->failed = false;
	(void)ftruncate(sp->fd, 0);
}
