/* SPDX-License-Identifier: MIT */
/* Per-protocol command history saved in the XDG state directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "front/history.h"

#define HISTORY_MAX	1000
#define HISTORY_LINE	1024

struct history {
	char	**lines;
	size_t	  n;
	char	  proto[16];
	bool	  persist;
};

const char *
history_dir(void)
{
	static char dir[PATH_MAX];
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	/* XDG Base Directory: a relative $XDG_STATE_HOME is invalid. */
	if (x != NULL && x[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/mailbench", x);
	else if (home != NULL && home[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/.local/state/mailbench",
		    home);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sizeof(dir))
		return NULL;
	return dir;
}

/* mkdir -p with mode 0700 for the parts we create. */
static int
make_dirs(const char *path)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
			return -1;
		tmp[i] = path[i];
	}
	return 0;
}

static int
file_path(const struct history *h, char *out, size_t size)
{
	const char *d = history_dir();
	int n;

	if (d == NULL)
		return -1;
	n = snprintf(out, size, "%s/history-%s", d, h->proto);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static bool
line_ok(const char *line, size_t len)
{
	size_t i;

	if (len == 0 || len > HISTORY_LINE)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return false;
	return true;
}

static void
push(struct history *h, const char *line, size_t len)
{
	if (h->n > 0 && strlen(h->lines[h->n - 1]) == len &&
	    memcmp(h->lines[h->n - 1], line, len) == 0)
		return;
	if (h->n == HISTORY_MAX) {
		free(h->lines[0]);
		memmove(h->lines, h->lines + 1,
		    (HISTORY_MAX - 1) * sizeof(*h->lines));
		h->n--;
	}
	h->lines[h->n++] = xstrndup(line, len);
}

static void
clear_lines(struct history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->lines[i]);
	h->n = 0;
}

/* Rewrite the file with what is in memory (after trimming), atomically. */
static void
rewrite(struct history *h)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	FILE *f;
	size_t i;
	int fd;

	if (file_path(h, path, sizeof(path)) == -1 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) < 0)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	for (i = 0; i < h->n; i++)
		fprintf(f, "%s\n", h->lines[i]);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		unlink(tmp);
		return;
	}
	fclose(f);
	if (rename(tmp, path) == -1)
		unlink(tmp);
}

static void
load(struct history *h)
{
	char path[PATH_MAX], line[HISTORY_LINE + 2];
	size_t total = 0, len;
	FILE *f;

	clear_lines(h);
	if (!h->persist || file_path(h, path, sizeof(path)) == -1)
		return;
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		total++;
		if (line_ok(line, len))
			push(h, line, len);
	}
	fclose(f);
	if (total > 2 * HISTORY_MAX)
		rewrite(h);
}

struct history *
history_new(const char *proto, bool persist)
{
	struct history *h = xcalloc(1, sizeof(*h));

	h->lines = xcalloc(HISTORY_MAX, sizeof(*h->lines));
	h->persist = persist;
	snprintf(h->proto, sizeof(h->proto), "%s", proto);
	load(h);
	return h;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	clear_lines(h);
	free(h->lines);
	free(h);
}

void
history_switch(struct history *h, const char *proto)
{
	if (strcmp(h->proto, proto) == 0)
		return;
	snprintf(h->proto, sizeof(h->proto), "%s", proto);
	load(h);
}

void
history_add(struct history *h, const char *line, size_t len)
{
	char path[PATH_MAX];
	int fd;

	if (!line_ok(line, len))
		return;
	if (h->n > 0 && strlen(h->lines[h->n - 1]) == len &&
	    memcmp(h->lines[h->n - 1], line, len) == 0)
		return;
	push(h, line, len);
	if (!h->persist || history_dir() == NULL ||
	    make_dirs(history_dir()) == -1 ||
	    file_path(h, path, sizeof(path)) == -1)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
	if (fd == -1)
		return;
	/* One write: lines from two running workbenches do not interleave. */
	{
		char *rec = xmalloc(len + 1);
		ssize_t w;

		memcpy(rec, line, len);
		rec[len] = '\n';
		w = write(fd, rec, len + 1);
		(void)w;
		free(rec);
	}
	close(fd);
}

size_t
history_count(const struct history *h)
{
	return h->n;
}

const char *
history_get(const struct history *h, size_t i)
{
	return i < h->n ? h->lines[i] : NULL;
}
