/* SPDX-License-Identifier: MIT */
/* Atomic, confined file saving (openat + linkat against a directory fd). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "front/savefile.h"
#include "front/width.h"

/* Names stay well under NAME_MAX (255 bytes on Linux file systems). */
#define NAME_MAX_BYTES	120
/* The longest extension kept apart when a name is shortened. */
#define EXT_MAX_BYTES	16

/* Length of the extension at the end of c (".pdf": a dot and 1..16 ASCII
 * letters or digits), or 0 when there is none. */
static size_t
extension_len(const char *c, size_t n)
{
	size_t i = n, k = 0;

	while (i > 0 && k <= EXT_MAX_BYTES &&
	    ((c[i - 1] >= 'a' && c[i - 1] <= 'z') ||
	    (c[i - 1] >= 'A' && c[i - 1] <= 'Z') ||
	    (c[i - 1] >= '0' && c[i - 1] <= '9'))) {
		i--;
		k++;
	}
	if (k == 0 || k > EXT_MAX_BYTES || i == 0 || c[i - 1] != '.')
		return 0;
	return k + 1;
}

/* Drop leading and trailing dots and underscores: no hidden file, no
 * "..", no "name_." left by a cut. */
static void
trim_ends(const char **p, size_t *n)
{
	while (*n > 0 && (**p == '.' || **p == '_')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == '.' || (*p)[*n - 1] == '_'))
		(*n)--;
}

void
savefile_sanitize(const char *s, size_t len, const char *fallback, char *out,
    size_t outsz)
{
	size_t off = 0, o = 0, l, k, extn, stemn, room;
	const char *stem, *ext;
	uint32_t cp;
	bool bad, last_us = false;
	char *c;

	if (outsz == 0)
		return;
	/* Clean the whole name first, so that shortening it later can keep
	 * its extension: a cleaned name is never longer than the input. */
	c = xmalloc(len + 1);
	while (off < len) {
		l = width_decode(s + off, len - off, &cp, &bad);
		if (!bad && cp < 0x80 && ((cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
		    cp == '.' || cp == '-' || cp == '+' || cp == '=' ||
		    cp == '_')) {
			c[o++] = (char)cp;
			last_us = cp == '_';
		} else if (!bad && cp >= 0xa0 && !width_unsafe(cp) &&
		    cp != 0xfffd && (width_cp(cp, false) > 0 ||
		    (cp >= 0x300 && o > 0 && !last_us &&
		    width_cp(cp, false) == 0))) {
			/* Printable, or a combining mark on a kept base (a
			 * decomposed "e\u0301" as macOS writes names). */
			for (k = 0; k < l; k++)
				c[o++] = s[off + k];
			last_us = false;
		} else if (o > 0 && !last_us) {
			c[o++] = '_';
			last_us = true;
		}
		off += l;
	}
	extn = extension_len(c, o);
	ext = c + o - extn;
	stem = c;
	stemn = o - extn;
	trim_ends(&stem, &stemn);
	/* Only an extension (".pdf"): the fallback's stem with it. */
	if (stemn == 0 && extn > 0) {
		stem = fallback;
		stemn = strlen(fallback);
		stemn -= extension_len(fallback, stemn);
	}
	room = (outsz - 1 < NAME_MAX_BYTES ? outsz - 1 : NAME_MAX_BYTES);
	if (stemn == 0 || extn + 1 > room) {
		snprintf(out, outsz, "%s", fallback);
		free(c);
		return;
	}
	/* Shorten the stem, never the extension, on a whole character. */
	if (stemn + extn > room) {
		stemn = width_cut(stem, stemn, room - extn);
		trim_ends(&stem, &stemn);
		if (stemn == 0) {
			snprintf(out, outsz, "%s", fallback);
			free(c);
			return;
		}
	}
	memcpy(out, stem, stemn);
	memcpy(out + stemn, ext, extn);
	out[stemn + extn] = '\0';
	free(c);
}

int
savefile_split(const char *path, char *dir, size_t dirsz, char *name,
    size_t namesz)
{
	const char *slash = strrchr(path, '/');
	const char *n = slash ? slash + 1 : path;
	int r;

	if (*n == '\0' || strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
		return -1;
	if (slash == NULL)
		r = snprintf(dir, dirsz, ".");
	else if (slash == path)
		r = snprintf(dir, dirsz, "/");
	else
		r = snprintf(dir, dirsz, "%.*s", (int)(slash - path), path);
	if (r < 0 || (size_t)r >= dirsz)
		return -1;
	r = snprintf(name, namesz, "%s", n);
	return r < 0 || (size_t)r >= namesz ? -1 : 0;
}

/* Write all of p to fd; 0, or -1 with *errstr_r. */
static int
write_all(int fd, const char *p, size_t len, const char **errstr_r)
{
	size_t done = 0;
	ssize_t w;

	while (done < len) {
		w = write(fd, p + done, len - done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			*errstr_r = w == -1 ? strerror(errno) : "short write";
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

struct fd_sink {
	int		 fd;
	const char	*err;
	uint64_t	 bytes;
};

static int
fd_put(void *arg, const char *p, size_t len)
{
	struct fd_sink *s = arg;

	if (write_all(s->fd, p, len, &s->err) == -1)
		return -1;
	s->bytes += len;
	return 0;
}

struct mem_src {
	const char	*p;
	size_t		 len;
};

static int
mem_produce(void *arg, savefile_put put, void *put_arg)
{
	struct mem_src *m = arg;

	return put(put_arg, m->p, m->len);
}

int
savefile_write(const char *dir, const char *name, const void *data,
    size_t len, bool overwrite, mode_t mode, const char **errstr_r)
{
	struct mem_src m = { data, len };

	return savefile_write_fn(dir, name, mem_produce, &m, overwrite, mode,
	    NULL, errstr_r);
}

int
savefile_write_fn(const char *dir, const char *name, savefile_produce produce,
    void *arg, bool overwrite, mode_t mode, uint64_t *bytes_r,
    const char **errstr_r)
{
	char tmp[64];
	struct stat st;
	struct fd_sink sink;
	int dfd, fd = -1, ret = -1, attempt;

	if (strchr(name, '/') != NULL || name[0] == '\0' ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		*errstr_r = "not a plain file name";
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		*errstr_r = strerror(errno);
		return -1;
	}
	if (!overwrite && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(dfd);
		return 1;
	}
	for (attempt = 0; attempt < 100 && fd == -1; attempt++) {
		snprintf(tmp, sizeof(tmp), ".mailbench-save.%ld.%d",
		    (long)getpid(), attempt);
		/* The kernel applies the user's umask to mode: under
		 * umask 077 a saved part is 0600, as the user asked. */
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		*errstr_r = strerror(errno);
		close(dfd);
		return -1;
	}
	memset(&sink, 0, sizeof(sink));
	sink.fd = fd;
	if (produce(arg, fd_put, &sink) == -1) {
		*errstr_r = sink.err != NULL ? sink.err :
		    "the data could not be read or decoded";
		goto fail;
	}
	if (bytes_r != NULL)
		*bytes_r = sink.bytes;
	if (fsync(fd) == -1) {
		*errstr_r = strerror(errno);
		goto fail;
	}
	close(fd);
	fd = -1;
	if (overwrite) {
		if (renameat(dfd, tmp, dfd, name) == -1) {
			*errstr_r = strerror(errno);
			goto fail;
		}
	} else {
		/* linkat fails with EEXIST if the name appeared meanwhile
		 * (even as a dangling symlink): never clobber. */
		if (linkat(dfd, tmp, dfd, name, 0) == -1) {
			int e = errno;

			unlinkat(dfd, tmp, 0);
			close(dfd);
			if (e == EEXIST)
				return 1;
			*errstr_r = strerror(e);
			return -1;
		}
		unlinkat(dfd, tmp, 0);
	}
	fsync(dfd);
	ret = 0;
	close(dfd);
	return ret;
fail:
	if (fd != -1)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}
