/* SPDX-License-Identifier: MIT */
/* Saved transcripts read back and stepped into a driver (mailbench replay). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "front/driver.h"
#include "front/replay.h"

/* A transcript larger than this is refused: replay holds it in memory. */
#define REPLAY_MAX_FILE	(512u * 1024 * 1024)

struct rline {
	char		 kind;		/* 'C', 'S' or '*' */
	size_t		 off, len;	/* text after the prefix */
	size_t		 event;		/* the event it belongs to */
};

struct replay {
	char		*data;
	size_t		 size;
	struct rline	*v;
	size_t		 n, cap;
	size_t		 events, pos;
	enum reply_proto proto;
};

/* A reply's timing line, as batch --timing prints it after the reply:
 * "12.3 ms", "0.1 ms after the previous reply (0.5 ms since sent)", either
 * with ": slow server". */
static bool
timing_line(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
		i++;
	if (i == 0 || len - i < 3 || memcmp(p + i, " ms", 3) != 0)
		return false;
	i += 3;
	return i == len || p[i] == ' ' || p[i] == ':';
}

/* "* " lines the driver wrote about the connection itself: the engine
 * cannot re-derive them, so they are shown as they were. Everything else
 * the original session said ("* " states, "= " meanings) is re-derived.
 * The time a reply took is not re-derived either: a replay has no clock,
 * so a recorded timing line is shown as it was and nothing else times the
 * replayed replies (ui/screen.c). */
static bool
kept_event(const char *p, size_t len)
{
	static const char *const keep[] = { "connected to ", "TLS ",
	    "certificate", "  ", "INSECURE", "cannot connect", "timeout",
	    "interrupted", "end of input", "leaving " };
	size_t	i, n;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		n = strlen(keep[i]);
		if (len >= n && memcmp(p, keep[i], n) == 0)
			return true;
	}
	return false;
}

static void
add(struct replay *r, char kind, size_t off, size_t len, bool new_event)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	if (new_event || r->n == 0)
		r->events++;
	r->v[r->n].kind = kind;
	r->v[r->n].off = off;
	r->v[r->n].len = len;
	r->v[r->n].event = r->events;
	r->n++;
}

static int
parse(struct replay *r, const char **errstr_r)
{
	static char	 err[256];
	const char	*p = r->data, *end = r->data + r->size, *nl;
	size_t		 lineno = 0, len, pre;
	char		 last = 0, kind;
	bool		 have_server = false;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		/* "C: " and "S: " (an editor may strip the space of an empty
		 * message line), "* " and "= ". */
		kind = p[0];
		if ((kind == 'C' || kind == 'S') && len >= 2 && p[1] == ':' &&
		    (len == 2 || p[2] == ' '))
			pre = len == 2 ? 2 : 3;
		else if ((kind == '*' || kind == '=') && len >= 2 &&
		    p[1] == ' ')
			pre = 2;
		else {
			snprintf(err, sizeof(err), "line %zu is not a transcript "
			    "line (each starts with \"C: \", \"S: \", \"* \" or "
			    "\"= \")", lineno);
			*errstr_r = err;
			return -1;
		}
		if (kind == '=') {
			last = 0;	/* a meaning ends a reply */
			continue;
		}
		if (kind == '*' && timing_line(p + pre, len - pre)) {
			/* Part of the reply it times, not a step of its own. */
			add(r, kind, (size_t)(p - r->data) + pre, len - pre,
			    false);
			last = 0;
			continue;
		}
		if (kind == '*' && !kept_event(p + pre, len - pre)) {
			last = 0;
			continue;
		}
		if (kind == 'S' && !have_server) {
			have_server = true;
			r->proto = len > pre && (p[pre] == '+' ||
			    p[pre] == '-') ? REPLY_POP3 : REPLY_SMTP;
		}
		add(r, kind, (size_t)(p - r->data) + pre, len - pre,
		    kind != last || kind == '*');
		last = kind;
	}
	if (!have_server) {
		*errstr_r = "no server line (\"S: \") in it: nothing to replay";
		return -1;
	}
	return 0;
}

struct replay *
replay_open(const char *path, const char **errstr_r)
{
	static char	 err[512];
	struct replay	*r;
	FILE		*f;
	size_t		 got;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		*errstr_r = err;
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->data = xmalloc(1024 * 1024);
	for (;;) {
		got = fread(r->data + r->size, 1, 1024 * 1024, f);
		r->size += got;
		if (got < 1024 * 1024)
			break;
		if (r->size >= REPLAY_MAX_FILE) {
			*errstr_r = "larger than 512 MiB: too large to replay";
			goto fail;
		}
		r->data = xrealloc(r->data, r->size + 1024 * 1024);
	}
	if (ferror(f)) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		*errstr_r = err;
		goto fail;
	}
	fclose(f);
	f = NULL;
	if (parse(r, errstr_r) == -1)
		goto fail;
	return r;
fail:
	if (f != NULL)
		fclose(f);
	replay_free(r);
	return NULL;
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r->v);
	free(r);
}

enum reply_proto
replay_proto(const struct replay *r)
{
	return r->proto;
}

size_t
replay_total(const struct replay *r)
{
	return r->events;
}

size_t
replay_pos(const struct replay *r)
{
	return r->pos;
}

void
replay_seek(struct replay *r, struct driver *d, size_t target,
    const char *name)
{
	size_t	i;

	if (target > r->events)
		target = r->events;
	if (target < r->pos || r->pos == 0) {
		driver_replay_begin(d, r->proto, name);
		r->pos = 0;
	}
	/* Lines of events pos+1 .. target, in order. */
	for (i = 0; i < r->n && r->v[i].event <= target; i++)
		if (r->v[i].event > r->pos)
			driver_replay_line(d, r->v[i].kind, r->data +
			    r->v[i].off, r->v[i].len);
	r->pos = target;
}
