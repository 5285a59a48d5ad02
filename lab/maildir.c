/* SPDX-License-Identifier: MIT */
/* Maildir for the lab: atomic delivery (tmp/ -> fsync -> new/), scanning
 * for POP3 with stable UIDs, reading and removing; every path is opened
 * relative to the root without following symlinks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab-int.h"
#include "proto/limits.h"
#include "base/util.h"

#define DIRFLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* tmp/, new/ and cur/ must be real directories: paths like "new/NAME"
 * are then opened without passing through a symlink. */
static bool
subdirs_ok(int ufd)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	struct stat st;
	size_t i;

	for (i = 0; i < 3; i++)
		if (fstatat(ufd, sub[i], &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode)) {
			errno = ELOOP;
			return false;
		}
	return true;
}

/* Open root/user as a directory fd, refusing symlinks on the way. */
static int
open_user(const char *root, const char *user)
{
	int rfd, ufd;

	if (!lab_user_name_ok(user, strlen(user))) {
		errno = EINVAL;
		return -1;
	}
	rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd == -1)
		return -1;
	ufd = openat(rfd, user, DIRFLAGS);
	close(rfd);
	if (ufd != -1 && !subdirs_ok(ufd)) {
		close(ufd);
		return -1;
	}
	return ufd;
}

/* The Maildir convention: a file left in tmp/ for more than 36 hours is
 * from a delivery that died; remove it. */
static void
clean_tmp(int ufd)
{
	int dfd = openat(ufd, "tmp", DIRFLAGS);
	time_t now = time(NULL);
	struct dirent *e;
	DIR *d;

	if (dfd == -1)
		return;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
		    && S_ISREG(st.st_mode) && now - st.st_mtime > 36 * 3600)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int
maildir_prepare(const char *root, const char *user, bool *fresh_r)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	int rfd, ufd;
	size_t i;

	*fresh_r = false;
	if (!lab_user_name_ok(user, strlen(user)))
		return -1;
	if (mkdir(root, 0700) == -1 && errno != EEXIST)
		return -1;
	rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd == -1)
		return -1;
	if (mkdirat(rfd, user, 0700) == 0)
		*fresh_r = true;
	else if (errno != EEXIST) {
		close(rfd);
		return -1;
	}
	ufd = openat(rfd, user, DIRFLAGS);
	close(rfd);
	if (ufd == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if (mkdirat(ufd, sub[i], 0700) == -1 && errno != EEXIST) {
			close(ufd);
			return -1;
		}
	}
	if (!subdirs_ok(ufd)) {
		close(ufd);
		return -1;
	}
	clean_tmp(ufd);
	close(ufd);
	return 0;
}

/* A unique name per the Maildir convention: time.M<usec>P<pid>Q<n>.host;
 * the fixed-width fields make names sort in delivery order. */
static void
unique_name(char *name, size_t size)
{
	static unsigned counter;
	struct timeval tv;

	gettimeofday(&tv, NULL);
	snprintf(name, size, "%010lld.M%06ldP%dQ%u.lab", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (int)getpid(), ++counter);
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Store with LF line ends (the Maildir convention); POP3 puts CRs back. */
static int
write_lf(int fd, const char *msg, size_t len)
{
	char out[65536];
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
			continue;
		out[o++] = msg[i];
		if (o == sizeof(out)) {
			if (write_all(fd, out, o) == -1)
				return -1;
			o = 0;
		}
	}
	return write_all(fd, out, o);
}

struct pending {
	int	 ufd;
	char	 name[96];
	bool	 in_tmp, in_new;
};

int
maildir_deliver(const char *root, const char *const *users, size_t nusers,
    const char *msg, size_t len, char *id_r, size_t id_size)
{
	struct pending *p = xcalloc(nusers ? nusers : 1, sizeof(*p));
	size_t i;
	int ok = -1, saved;

	for (i = 0; i < nusers; i++)
		p[i].ufd = -1;
	for (i = 0; i < nusers; i++) {
		char tpath[128];
		int fd;

		if ((p[i].ufd = open_user(root, users[i])) == -1)
			goto out;
		unique_name(p[i].name, sizeof(p[i].name));
		snprintf(tpath, sizeof(tpath), "tmp/%s", p[i].name);
		fd = openat(p[i].ufd, tpath, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd == -1)
			goto out;
		p[i].in_tmp = true;
		/* RFC 5321 6.1: a 250 after the final dot is a promise; the
		 * bytes are on disk before we make it. */
		if (write_lf(fd, msg, len) == -1 || fsync(fd) == -1) {
			close(fd);
			goto out;
		}
		if (close(fd) == -1)
			goto out;
	}
	for (i = 0; i < nusers; i++) {
		char tpath[128], npath[128];
		int dfd;

		snprintf(tpath, sizeof(tpath), "tmp/%s", p[i].name);
		snprintf(npath, sizeof(npath), "new/%s", p[i].name);
		/* link(2) never replaces an existing name, unlike rename. */
		if (linkat(p[i].ufd, tpath, p[i].ufd, npath, 0) == -1)
			goto out;
		p[i].in_new = true;
		unlinkat(p[i].ufd, tpath, 0);
		p[i].in_tmp = false;
		dfd = openat(p[i].ufd, "new", DIRFLAGS);
		if (dfd == -1 || fsync(dfd) == -1) {
			if (dfd != -1)
				close(dfd);
			goto out;
		}
		close(dfd);
	}
	if (id_size > 0)
		snprintf(id_r, id_size, "%s", nusers > 0 ? p[0].name : "none");
	ok = 0;
out:
	saved = errno;
	for (i = 0; i < nusers; i++) {
		char path[128];

		if (ok == -1 && p[i].in_tmp) {
			snprintf(path, sizeof(path), "tmp/%s", p[i].name);
			unlinkat(p[i].ufd, path, 0);
		}
		if (ok == -1 && p[i].in_new) {
			snprintf(path, sizeof(path), "new/%s", p[i].name);
			unlinkat(p[i].ufd, path, 0);
		}
		if (p[i].ufd != -1)
			close(p[i].ufd);
	}
	free(p);
	errno = saved;
	return ok;
}

/* RFC 1939 7: a unique-id is 1 to 70 characters in 0x21..0x7E. Our own
 * names qualify; a foreign file name that does not gets a hash. */
static void
make_uid(const char *name, char *uid, size_t size)
{
	size_t len = strcspn(name, ":"), i;
	bool ok = len > 0 && len <= 70;
	uint64_t h = 1469598103934665603ULL;

	for (i = 0; i < len && ok; i++)
		if ((unsigned char)name[i] < 0x21 ||
		    (unsigned char)name[i] > 0x7e)
			ok = false;
	if (ok) {
		snprintf(uid, size, "%.*s", (int)len, name);
		return;
	}
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)name[i];
		h *= 1099511628211ULL;
	}
	snprintf(uid, size, "x%016llx", (unsigned long long)h);
}

/* Size as RETR sends it: bare LF becomes CRLF, a last line without an end
 * gets one. -1 if unreadable or too big. */
static long long
wire_size(int dfd, const char *name)
{
	char b[65536];
	long long size = 0;
	char last = '\n', prev = '\0';
	int fd;
	ssize_t n;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while ((n = read(fd, b, sizeof(b))) > 0) {
		ssize_t i;

		for (i = 0; i < n; i++) {
			if (b[i] == '\n' && prev != '\r')
				size++;
			prev = b[i];
		}
		size += n;
		last = b[n - 1];
		if (size > LIMIT_MESSAGE) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (n == -1)
		return -1;
	if (size > 0 && last != '\n')
		size += 2;
	return size;
}

static int
cmp_msg(const void *a, const void *b)
{
	const struct maildir_msg *x = a, *y = b;

	return strcmp(x->uid, y->uid);
}

int
maildir_scan(const char *root, const char *user, struct maildir_msg **msgs_r,
    size_t *n_r)
{
	static const char *const sub[] = { "cur", "new" };
	struct maildir_msg *v = NULL;
	size_t n = 0, i;
	int ufd;

	*msgs_r = NULL;
	*n_r = 0;
	if ((ufd = open_user(root, user)) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		int dfd = openat(ufd, sub[i], DIRFLAGS);
		DIR *d;
		struct dirent *e;

		if (dfd == -1)
			continue;
		if ((d = fdopendir(dfd)) == NULL) {
			close(dfd);
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			struct stat st;
			long long size;
			char path[400];

			if (e->d_name[0] == '.' || strlen(e->d_name) > 255)
				continue;
			if (fstatat(dirfd(d), e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
				continue;
			if ((size = wire_size(dirfd(d), e->d_name)) < 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", sub[i],
			    e->d_name);
			v = xrealloc(v, (n + 1) * sizeof(*v));
			memset(&v[n], 0, sizeof(v[n]));
			v[n].path = xstrdup(path);
			make_uid(e->d_name, v[n].uid, sizeof(v[n].uid));
			v[n].size = (size_t)size;
			n++;
		}
		closedir(d);
	}
	close(ufd);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_msg);
	*msgs_r = v;
	*n_r = n;
	return 0;
}

void
maildir_msgs_free(struct maildir_msg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

int
maildir_read(const char *root, const char *user, const struct maildir_msg *m,
    struct buf *out)
{
	char b[65536];
	ssize_t n;
	int ufd, fd;

	if ((ufd = open_user(root, user)) == -1)
		return -1;
	fd = openat(ufd, m->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(ufd);
	if (fd == -1)
		return -1;
	while ((n = read(fd, b, sizeof(b))) > 0) {
		if (buf_append(out, b, (size_t)n) == -1) {
			n = -1;
			break;
		}
	}
	close(fd);
	return n == -1 ? -1 : 0;
}

int
maildir_remove(const char *root, const char *user, const struct maildir_msg *m)
{
	int ufd, r;

	if ((ufd = open_user(root, user)) == -1)
		return -1;
	r = unlinkat(ufd, m->path, 0);
	close(ufd);
	return r == -1 && errno != ENOENT ? -1 : 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		{
		rmdir(path);
		return 0;
	}
	unlink(path);
	return 0;
}

int
maildir_rmtree(const char *root)
{
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
maildir_lock(const char *root, const char *user)
{
	int ufd, fd;

	if ((ufd = open_user(root, user)) == -1)
		return -1;
	fd = openat(ufd, "mailbench.lock", O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	close(ufd);
	if (fd == -1)
		return -1;
	/* flock: released by the kernel if the process dies, so a crash
	 * never leaves a stale lock. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -2;
	}
	return fd;
}
