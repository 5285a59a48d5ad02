/* SPDX-License-Identifier: MIT */
/* Drawing and navigating the transcript from the line store. Only the rows
 * on screen are touched per redraw, so a million lines cost nothing. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "front/driver.h"
#include "ui/layout.h"
#include "ui/pane-transcript.h"
#include "front/store.h"
#include "ui/width.h"

#define SENT_SLOTS	4096	/* pending commands remembered for timing */
/* Body lines of one response stored as lines; the rest of a long body (a
 * 256 MiB RETR is millions of lines) becomes one fold line whose lines are
 * read back from the transcript the driver keeps on disk when shown or
 * searched, so memory does not grow with the message. */
#define FOLD_HEAD	200
#define FOLD_STEP	1024	/* lines between offsets remembered in an
				 * open fold */
#define FOLD_CHUNK	(256 * 1024)
/* A kept line: 1 MiB body line escaped (4 bytes a byte) and a prefix. */
#define FOLD_LINE_MAX	(4u * 1024 * 1024 + 64)
#define FOLD_TEXT	"\xe2\x80\xa6 more lines of this response, kept on disk " \
			"(Enter shows them; Ctrl-F searches them too)"

/* A run of body lines not stored: [start, end) of the kept transcript. */
struct fold {
	size_t		 idx;		/* its store line */
	uint64_t	 start, end;
	uint64_t	 lines;
};

/* Reads a folded run back, line by line. */
struct fold_iter {
	struct pane_transcript	*p;
	uint64_t		 off, end;
	char			*chunk;
	size_t			 have, pos;
	struct buf		 line;
};

/* The shown lines' index grows a block at a time: never copied, and no
 * doubling left half empty in a long session. */
#define VIS_BLOCK	4096
#define VIS(p, i)	((p)->visb[(i) / VIS_BLOCK][(i) % VIS_BLOCK])

struct sent_slot {
	uint64_t	seq;
	uint64_t	t_us;
	bool		answered;
};

struct pane_transcript {
	struct store	*store;
	uint32_t	**visb;		/* store indexes of shown lines, in
					 * blocks of VIS_BLOCK (VIS(p, i)) */
	size_t		 nvis, capvis;
	bool		 tls_expanded;
	bool		 show_timing;	/* "* 0.5 ms" lines (the S: line shows
					 * the time anyway) */
	size_t		 top;		/* first line shown (index in vis) */
	size_t		 sub;		/* rows of the top line scrolled off
					 * above (wrap mode) */
	size_t		 cursor;	/* selected row (index in vis) */
	bool		 follow;
	size_t		 hscroll;
	bool		 pairs;
	bool		 wrap;		/* long lines take several rows */
	int		 rows;		/* last drawn text height */
	int		 cols;		/* last drawn width */
	bool		 last_tls;	/* previous line was a TLS line */
	struct sent_slot sent[SENT_SLOTS];

	pane_transcript_read_fn read;	/* the kept transcript, or NULL */
	void		*read_arg;
	uint64_t	 body_seq;	/* the response whose body comes */
	uint64_t	 body_lines;
	bool		 fold_cur;	/* the last fold is still growing */
	struct fold	*folds;
	size_t		 nfolds, capfolds;
	/* The fold viewer: one fold's lines, paged from disk. */
	bool		 fv;
	size_t		 fv_fold;
	uint64_t	*fv_marks;	/* offset of every FOLD_STEP-th line */
	size_t		 fv_nmarks;
	uint64_t	 fv_top, fv_cur;
	/* Texts of STORE_LF_KEPT lines read back from disk: a few at once
	 * (a redraw uses one line, with a second for the row count). */
	struct {
		uint64_t	 kept;
		bool		 valid;
		struct buf	 b;
	}		 lt[4];
	unsigned	 lt_next;
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct pane_transcript *
pane_transcript_new(struct store *s)
{
	struct pane_transcript *p = xcalloc(1, sizeof(*p));

	p->store = s;
	p->follow = true;
	p->pairs = true;
	/* Meanings and capability lines run long: at 80 columns they would
	 * be cut mid-sentence. w cuts them again (Left/Right scroll). */
	p->wrap = true;
	return p;
}

void
pane_transcript_free(struct pane_transcript *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->capvis / VIS_BLOCK; i++)
		free(p->visb[i]);
	free(p->visb);
	free(p->folds);
	free(p->fv_marks);
	for (size_t i = 0; i < sizeof(p->lt) / sizeof(p->lt[0]); i++)
		buf_clear(&p->lt[i].b);
	free(p);
}

/* A line's text: in memory, or read back from the kept transcript (past
 * its "S: " or "= " prefix). Valid until four other kept lines were
 * read. */
/* Bytes before a kept line's text: "C: " and "S: ", or "* " and "= "
 * (front/driver.c writes them so). */
static size_t
kept_prefix(unsigned kind)
{
	return kind == DRIVER_LINE_SENT || kind == DRIVER_LINE_RECEIVED ? 3 :
	    2;
}

static const char *
ltext(struct pane_transcript *p, const struct store_line *l, size_t *len_r)
{
	size_t i, n = sizeof(p->lt) / sizeof(p->lt[0]), len = l->len, got = 0;
	ssize_t r;

	if (!(l->flags & STORE_LF_KEPT)) {
		*len_r = l->len;
		return l->text;
	}
	for (i = 0; i < n; i++)
		if (p->lt[i].valid && p->lt[i].kept == l->kept) {
			*len_r = p->lt[i].b.len;
			return p->lt[i].b.data != NULL ? p->lt[i].b.data : "";
		}
	i = p->lt_next++ % n;
	if (len > FOLD_LINE_MAX)
		len = FOLD_LINE_MAX;
	if (p->lt[i].b.max == 0)
		buf_init(&p->lt[i].b, FOLD_LINE_MAX);
	buf_reset(&p->lt[i].b);
	while (got < len && p->read != NULL) {
		char tmp[8192];
		size_t want = len - got < sizeof(tmp) ? len - got :
		    sizeof(tmp);

		r = p->read(p->read_arg, l->kept + kept_prefix(l->kind) + got,
		    tmp, want);
		if (r <= 0 || buf_append(&p->lt[i].b, tmp, (size_t)r) == -1)
			break;
		got += (size_t)r;
	}
	p->lt[i].kept = l->kept;
	p->lt[i].valid = true;
	*len_r = got;
	return p->lt[i].b.data != NULL ? p->lt[i].b.data : "";
}

void
pane_transcript_set_reader(struct pane_transcript *p,
    pane_transcript_read_fn fn, void *arg)
{
	p->read = fn;
	p->read_arg = arg;
}

/* The fold whose store line is idx, or NULL. */
static struct fold *
fold_at(const struct pane_transcript *p, size_t idx)
{
	size_t lo = 0, hi = p->nfolds, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (p->folds[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nfolds && p->folds[lo].idx == idx ? &p->folds[lo] :
	    NULL;
}

static void
iter_init(struct fold_iter *it, struct pane_transcript *p, uint64_t off,
    uint64_t end)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->off = off;
	it->end = end;
	it->chunk = xmalloc(FOLD_CHUNK);
	buf_init(&it->line, FOLD_LINE_MAX);
}

static void
iter_clear(struct fold_iter *it)
{
	free(it->chunk);
	buf_clear(&it->line);
}

/* The next kept line, without its "\n"; false at the end or on a read
 * error. The text is the transcript line as shown ("S: ..."). */
static bool
iter_next(struct fold_iter *it, const char **s_r, size_t *n_r)
{
	const char *nl;
	ssize_t got;
	size_t want;

	buf_reset(&it->line);
	for (;;) {
		if (it->pos == it->have) {
			if (it->off >= it->end)
				break;
			want = it->end - it->off < FOLD_CHUNK ?
			    (size_t)(it->end - it->off) : FOLD_CHUNK;
			got = it->p->read(it->p->read_arg, it->off, it->chunk,
			    want);
			if (got <= 0)
				return false;
			it->off += (uint64_t)got;
			it->have = (size_t)got;
			it->pos = 0;
		}
		nl = memchr(it->chunk + it->pos, '\n', it->have - it->pos);
		if (nl != NULL) {
			size_t n = (size_t)(nl - (it->chunk + it->pos));

			(void)buf_append(&it->line, it->chunk + it->pos, n);
			it->pos += n + 1;
			*s_r = it->line.data != NULL ? it->line.data : "";
			*n_r = it->line.len;
			return true;
		}
		(void)buf_append(&it->line, it->chunk + it->pos,
		    it->have - it->pos);
		it->pos = it->have;
	}
	if (it->line.len == 0)
		return false;
	*s_r = it->line.data;
	*n_r = it->line.len;
	return true;
}

/* An iterator at line n of the open fold. */
static void
fv_seek(struct pane_transcript *p, uint64_t n, struct fold_iter *it)
{
	const struct fold *f = &p->folds[p->fv_fold];
	size_t m = (size_t)(n / FOLD_STEP);
	const char *s;
	size_t len;
	uint64_t k;

	if (m >= p->fv_nmarks)
		m = p->fv_nmarks - 1;
	iter_init(it, p, p->fv_marks[m], f->end);
	for (k = (uint64_t)m * FOLD_STEP; k < n; k++)
		if (!iter_next(it, &s, &len))
			break;
}

/* Open the viewer on fold fi at line at: one pass over its lines
 * remembers where every FOLD_STEP-th starts. */
static void
fv_open(struct pane_transcript *p, size_t fi, uint64_t at)
{
	const struct fold *f = &p->folds[fi];
	struct fold_iter it;
	const char *s;
	size_t len, cap;
	uint64_t n = 0;

	free(p->fv_marks);
	cap = (size_t)(f->lines / FOLD_STEP) + 2;
	p->fv_marks = xcalloc(cap, sizeof(*p->fv_marks));
	p->fv_marks[0] = f->start;
	p->fv_nmarks = 1;
	iter_init(&it, p, f->start, f->end);
	while (iter_next(&it, &s, &len)) {
		n++;
		if (n % FOLD_STEP == 0 && p->fv_nmarks < cap)
			p->fv_marks[p->fv_nmarks++] = it.off - it.have +
			    it.pos;
	}
	iter_clear(&it);
	p->fv = true;
	p->fv_fold = fi;
	p->fv_cur = at < f->lines ? at : f->lines ? f->lines - 1 : 0;
	p->fv_top = p->fv_cur;
	p->follow = false;
}

static void
fv_close(struct pane_transcript *p)
{
	p->fv = false;
	free(p->fv_marks);
	p->fv_marks = NULL;
	p->fv_nmarks = 0;
}

/* Search fold fi for the needle: the first match after line from (dir >
 * 0; from -1 starts at the top) or the last before it (dir < 0). */
static bool
fold_find(struct pane_transcript *p, size_t fi, const uint32_t *nd,
    size_t nn, int64_t from, int dir, uint64_t *at_r)
{
	const struct fold *f = &p->folds[fi];
	struct fold_iter it;
	const char *s;
	size_t len;
	int64_t n = 0;
	bool found = false;

	if (p->read == NULL)
		return false;
	iter_init(&it, p, f->start, f->end);
	for (; iter_next(&it, &s, &len); n++) {
		if (dir < 0 && n >= from)
			break;
		if (dir > 0 && n <= from)
			continue;
		if (width_has_folded(s, len, nd, nn)) {
			*at_r = (uint64_t)n;
			found = true;
			if (dir > 0)
				break;
		}
	}
	iter_clear(&it);
	return found;
}

static void
vis_push(struct pane_transcript *p, size_t i)
{
	if (p->nvis == p->capvis) {
		size_t b = p->capvis / VIS_BLOCK;

		if ((b & (b - 1)) == 0)
			p->visb = xrealloc(p->visb, (b ? b * 2 : 1) *
			    sizeof(*p->visb));
		p->visb[b] = xmalloc(VIS_BLOCK * sizeof(**p->visb));
		p->capvis += VIS_BLOCK;
	}
	VIS(p, p->nvis) = (uint32_t)i;
	p->nvis++;
}

/* Lines hidden by the current folds. */
static bool
hidden(const struct pane_transcript *p, const struct store_line *l)
{
	if (!p->tls_expanded && (l->flags & STORE_LF_TLSDETAIL))
		return true;
	if (!p->show_timing && (l->flags & DRIVER_LF_TIMING) &&
	    l->kind == DRIVER_LINE_EVENT && !(l->flags & DRIVER_LF_WARNING))
		return true;
	return false;
}

static void
vis_rebuild(struct pane_transcript *p)
{
	size_t i, n = store_count(p->store), keep;
	uint32_t cur_line = p->nvis ? VIS(p, p->cursor) : 0;

	p->nvis = 0;
	keep = 0;
	for (i = 0; i < n; i++) {
		if (hidden(p, store_at(p->store, i)))
			continue;
		if (i <= cur_line)
			keep = p->nvis;
		vis_push(p, i);
	}
	p->cursor = keep;
	if (p->top > p->cursor)
		p->top = p->cursor;
	p->sub = 0;
}

size_t
pane_transcript_append(struct pane_transcript *p, unsigned kind,
    unsigned flags, uint64_t seq, const char *text, size_t len)
{
	return pane_transcript_append_kept(p, kind, flags, seq, text, len,
	    DRIVER_NOT_KEPT);
}

size_t
pane_transcript_append_kept(struct pane_transcript *p, unsigned kind,
    unsigned flags, uint64_t seq, const char *text, size_t len,
    uint64_t kept_off)
{
	bool tls = (flags & DRIVER_LF_TLS) != 0;
	struct sent_slot *slot = &p->sent[seq % SENT_SLOTS];
	struct store_line *l;
	size_t i;

	if (kind == DRIVER_LINE_RECEIVED && (flags & DRIVER_LF_BODY) &&
	    p->read != NULL) {
		/* The lone "." ending the body (RFC 1939 3) is never folded:
		 * a body line "." arrives stuffed as "..". */
		bool end = len == 1 && text[0] == '.';

		if (seq != p->body_seq) {
			p->body_seq = seq;
			p->body_lines = 0;
			p->fold_cur = false;
		}
		if (!end && p->body_lines++ >= FOLD_HEAD &&
		    kept_off != DRIVER_NOT_KEPT) {
			struct fold *f;

			if (!p->fold_cur) {
				if (p->nfolds == p->capfolds) {
					p->capfolds = p->capfolds ?
					    p->capfolds * 2 : 16;
					p->folds = xrealloc(p->folds,
					    p->capfolds * sizeof(*p->folds));
				}
				f = &p->folds[p->nfolds++];
				f->idx = store_append(p->store,
				    DRIVER_LINE_EVENT, STORE_LF_FOLD, seq,
				    FOLD_TEXT, strlen(FOLD_TEXT));
				f->start = f->end = kept_off;
				f->lines = 0;
				p->fold_cur = true;
				vis_push(p, f->idx);
				if (p->follow)
					p->cursor = p->nvis - 1;
			}
			f = &p->folds[p->nfolds - 1];
			f->end = kept_off + 3 + len + 1;
			f->lines++;
			p->last_tls = false;
			return f->idx;
		}
		if (end)
			p->fold_cur = false;
		/* The first lines are shown as lines, their text left on
		 * disk too: a long session holds 32 bytes a body line. */
		if (kept_off != DRIVER_NOT_KEPT) {
			p->last_tls = false;
			i = store_append_kept(p->store, kind, flags, seq,
			    kept_off, len);
			l = store_at(p->store, i);
			goto stored;
		}
	}
	/* A run of TLS lines folds under its first one; a warning (not
	 * verified, INSECURE, trusted by fingerprint) never hides. */
	if (tls && p->last_tls && kind == DRIVER_LINE_EVENT &&
	    !(flags & DRIVER_LF_WARNING))
		flags |= STORE_LF_TLSDETAIL;
	p->last_tls = tls && kind == DRIVER_LINE_EVENT;
	if (kept_off != DRIVER_NOT_KEPT && p->read != NULL) {
		/* Kept on disk by the driver: only the record stays in
		 * memory, so a long session's lines cost 32 bytes each (the
		 * rows on screen are read back, a few at a time). */
		i = store_append(p->store, kind, flags | STORE_LF_KEPT, seq,
		    "", 0);
		l = store_at(p->store, i);
		l->kept = kept_off;
		l->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		goto stored;
	}
	i = store_append(p->store, kind, flags, seq, text, len);
	l = store_at(p->store, i);
stored:
	if (seq != 0 && kind == DRIVER_LINE_SENT && slot->seq != seq) {
		slot->seq = seq;
		slot->t_us = now_us();
		slot->answered = false;
	} else if (seq != 0 && kind == DRIVER_LINE_RECEIVED &&
	    slot->seq == seq && !slot->answered) {
		uint64_t dt = now_us() - slot->t_us;

		l->dt_us = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
		if (l->dt_us == 0)
			l->dt_us = 1;
		slot->answered = true;
	}
	if (!hidden(p, l))
		vis_push(p, i);
	if (p->follow && p->nvis > 0)
		p->cursor = p->nvis - 1;
	return i;
}

bool
pane_transcript_following(const struct pane_transcript *p)
{
	return p->follow;
}

size_t
pane_transcript_lines(const struct pane_transcript *p)
{
	return store_count(p->store);
}

static size_t vrows(struct pane_transcript *, size_t);
static void view_max(struct pane_transcript *, size_t *, size_t *);
static void scroll_down(struct pane_transcript *, size_t);
static void scroll_up(struct pane_transcript *, size_t);

static void
move_cursor(struct pane_transcript *p, long delta)
{
	long c = (long)p->cursor + delta;

	if (p->nvis == 0)
		return;
	if (c < 0)
		c = 0;
	if (c >= (long)p->nvis)
		c = (long)p->nvis - 1;
	p->cursor = (size_t)c;
	p->follow = p->cursor == p->nvis - 1 && delta > 0;
}

/* Keys while a fold's lines are shown: they page through them. */
static bool
fv_action(struct pane_transcript *p, enum action a, int rows)
{
	uint64_t n = p->folds[p->fv_fold].lines, page = rows > 1 ?
	    (uint64_t)rows : 1, c = p->fv_cur;

	switch (a) {
	case ACT_UP:
		c = c > 0 ? c - 1 : 0;
		break;
	case ACT_DOWN:
		c++;
		break;
	case ACT_PAGE_UP:
		c = c > page ? c - page : 0;
		break;
	case ACT_PAGE_DOWN:
		c += page;
		break;
	case ACT_TOP:
		c = 0;
		break;
	case ACT_BOTTOM:
	case ACT_FOLLOW:
		c = n;
		break;
	case ACT_EXPAND:
		fv_close(p);
		return true;
	case ACT_LEFT:
		p->hscroll = p->hscroll > 20 ? p->hscroll - 20 : 0;
		return true;
	case ACT_RIGHT:
		p->hscroll += 20;
		return true;
	default:
		return false;
	}
	if (n == 0)
		c = 0;
	else if (c >= n)
		c = n - 1;
	p->fv_cur = c;
	return true;
}

bool
pane_transcript_action(struct pane_transcript *p, enum action a, int rows)
{
	size_t page = rows > 1 ? (size_t)rows : 1, mt, ms, lr;
	struct store_line *l;
	const struct fold *f;

	if (p->fv)
		return fv_action(p, a, rows);

	if (p->nvis > 0 && p->top >= p->nvis) {
		p->top = p->nvis - 1;
		p->sub = 0;
	}
	switch (a) {
	case ACT_UP:
		/* A line taller than the pane scrolls a row at a time. */
		if (p->cursor == p->top && p->sub > 0 && !p->follow) {
			p->sub--;
			break;
		}
		move_cursor(p, -1);
		if (p->cursor < p->top) {
			/* Reveal the line above, its last rows if it is
			 * taller than the pane (Up then scrolls it). */
			p->top = p->cursor;
			lr = vrows(p, p->cursor);
			p->sub = lr > page ? lr - page : 0;
		}
		break;
	case ACT_DOWN:
		if (!p->follow && p->wrap && p->cursor >= p->top && p->nvis) {
			size_t before = 0, i;

			for (i = p->top; i < p->cursor &&
			    before <= page + p->sub; i++)
				before += vrows(p, i);
			lr = vrows(p, p->cursor);
			if (before + lr > page + p->sub) {
				/* The cursor line starts at the top and
				 * runs past the bottom: scroll a row. */
				scroll_down(p, 1);
				break;
			}
		}
		move_cursor(p, 1);
		break;
	case ACT_PAGE_UP:
		/* A page is the pane's height in screen rows, so wrapped
		 * lines are neither skipped nor repeated. */
		if (p->follow)
			view_max(p, &p->top, &p->sub);
		scroll_up(p, page);
		p->cursor = p->top;
		p->follow = false;
		break;
	case ACT_PAGE_DOWN:
		if (p->nvis == 0)
			break;
		if (p->follow)
			view_max(p, &p->top, &p->sub);
		scroll_down(p, page);
		view_max(p, &mt, &ms);
		if (p->top > mt || (p->top == mt && p->sub >= ms)) {
			/* The end is on screen: the last line, following. */
			p->cursor = p->nvis - 1;
			p->follow = true;
		} else {
			p->cursor = p->top;
			p->follow = false;
		}
		break;
	case ACT_TOP:
		p->cursor = 0;
		p->top = 0;
		p->sub = 0;
		p->follow = false;
		break;
	case ACT_BOTTOM:
	case ACT_FOLLOW:
		p->cursor = p->nvis ? p->nvis - 1 : 0;
		p->follow = true;
		p->hscroll = 0;
		break;
	case ACT_LEFT:
		p->hscroll = p->hscroll > 20 ? p->hscroll - 20 : 0;
		break;
	case ACT_RIGHT:
		p->hscroll += 20;
		p->wrap = false;	/* scrolling right means cut lines */
		p->sub = 0;
		break;
	case ACT_PAIRS:
		p->pairs = !p->pairs;
		break;
	case ACT_WRAP:
		p->wrap = !p->wrap;
		p->hscroll = 0;
		p->sub = 0;
		break;
	case ACT_TIMING:
		p->show_timing = !p->show_timing;
		vis_rebuild(p);
		break;
	case ACT_EXPAND:
		if (p->nvis == 0)
			return false;
		l = store_at(p->store, VIS(p, p->cursor));
		if ((l->flags & STORE_LF_FOLD) && p->read != NULL &&
		    (f = fold_at(p, VIS(p, p->cursor))) != NULL) {
			fv_open(p, (size_t)(f - p->folds), 0);
			break;
		}
		if (!(l->flags & DRIVER_LF_TLS))
			return false;
		p->tls_expanded = !p->tls_expanded;
		vis_rebuild(p);
		break;
	default:
		return false;
	}
	return true;
}

#define NEEDLE_MAX	256	/* code points of a search compared */

int
pane_transcript_search(struct pane_transcript *p, const char *needle,
    int dir)
{
	uint32_t nd[NEEDLE_MAX];
	size_t nn, i, n = p->nvis, idx;

	uint64_t at;
	const struct fold *f;
	const char *t;
	size_t tlen;

	nn = width_fold_str(needle, strlen(needle), nd, NEEDLE_MAX);
	if (nn == 0 || n == 0)
		return -1;
	/* Inside an open fold: its lines, from the cursor on. */
	if (p->fv) {
		if (!fold_find(p, p->fv_fold, nd, nn, (int64_t)p->fv_cur, dir,
		    &at))
			return -1;
		p->fv_cur = at;
		return 0;
	}
	for (i = 1; i <= n; i++) {
		const struct store_line *l;

		if (dir < 0)
			idx = (p->cursor + n - i) % n;
		else
			idx = (p->cursor + i) % n;
		l = store_at(p->store, VIS(p, idx));
		/* A fold's lines are searched on disk and shown open. */
		if ((l->flags & STORE_LF_FOLD) &&
		    (f = fold_at(p, VIS(p, idx))) != NULL) {
			if (fold_find(p, (size_t)(f - p->folds), nd, nn,
			    dir > 0 ? -1 : (int64_t)f->lines, dir, &at)) {
				p->cursor = idx;
				p->follow = false;
				fv_open(p, (size_t)(f - p->folds), at);
				return 0;
			}
			continue;
		}
		t = ltext(p, l, &tlen);
		if (width_has_folded(t, tlen, nd, nn)) {
			p->cursor = idx;
			p->follow = false;
			return 0;
		}
	}
	return -1;
}

size_t
pane_transcript_matches(const struct pane_transcript *p, const char *needle,
    size_t *nth_r)
{
	uint32_t nd[NEEDLE_MAX];
	size_t nn, i, count = 0;

	*nth_r = 0;
	nn = width_fold_str(needle, strlen(needle), nd, NEEDLE_MAX);
	if (nn == 0)
		return 0;
	if (p->fv) {
		/* Matches among the open fold's lines. */
		struct fold_iter it;
		const char *s;
		size_t len;
		uint64_t k = 0;

		iter_init(&it, (struct pane_transcript *)p,
		    p->folds[p->fv_fold].start, p->folds[p->fv_fold].end);
		for (; iter_next(&it, &s, &len); k++)
			if (width_has_folded(s, len, nd, nn)) {
				count++;
				if (k == p->fv_cur)
					*nth_r = count;
			}
		iter_clear(&it);
		return count;
	}
	for (i = 0; i < p->nvis; i++) {
		const struct store_line *l = store_at(p->store, VIS(p, i));
		size_t tlen;
		const char *t = ltext((struct pane_transcript *)p, l, &tlen);

		if (width_has_folded(t, tlen, nd, nn)) {
			count++;
			if (i == p->cursor)
				*nth_r = count;
		}
	}
	return count;
}

static enum layout_role
line_role(const struct store_line *l)
{
	if (l->flags & DRIVER_LF_WARNING)
		return ROLE_WARNING;
	switch (l->kind) {
	case DRIVER_LINE_SENT:
		return ROLE_SENT;
	case DRIVER_LINE_RECEIVED:
		if (l->flags & DRIVER_LF_NEGATIVE)
			return ROLE_NEGATIVE;
		if (l->flags & DRIVER_LF_TRANSIENT)
			return ROLE_TRANSIENT;
		if (l->flags & DRIVER_LF_POSITIVE)
			return ROLE_POSITIVE;
		return ROLE_RECEIVED;
	case DRIVER_LINE_MEANING:
		return ROLE_MEANING;
	default:
		return (l->flags & DRIVER_LF_TLS) ? ROLE_TLS : ROLE_EVENT;
	}
}

static const char *
prefix(unsigned kind)
{
	switch (kind) {
	case DRIVER_LINE_SENT:
		return "C: ";
	case DRIVER_LINE_RECEIVED:
		return "S: ";
	case DRIVER_LINE_MEANING:
		return "= ";
	default:
		return "* ";
	}
}

/* How many detail lines fold under the TLS line at store index i. */
static size_t
tls_details(struct pane_transcript *p, size_t i)
{
	size_t n = store_count(p->store), k = 0;

	while (i + 1 + k < n &&
	    (store_at(p->store, i + 1 + k)->flags & STORE_LF_TLSDETAIL) &&
	    k < 1000)
		k++;
	return k;
}

/* " [+N lines]" after a fold line into t; its length (0: no fold). */
static size_t
fold_note(const struct pane_transcript *p, size_t idx, char *t, size_t tsz)
{
	const struct fold *f = fold_at(p, idx);

	if (f == NULL) {
		t[0] = '\0';
		return 0;
	}
	return (size_t)snprintf(t, tsz, " [+%llu lines, %.1f MiB]",
	    (unsigned long long)f->lines, (double)(f->end - f->start) /
	    (1024.0 * 1024.0));
}

/* Columns the notes of visible line vi take on its first row. */
static size_t
notes_cols(struct pane_transcript *p, size_t vi)
{
	const struct store_line *l = store_at(p->store, VIS(p, vi));
	size_t n = 0, d;
	char t[64];

	if (l->dt_us != 0)
		n += (size_t)snprintf(t, sizeof(t), " %.1f ms",
		    l->dt_us / 1000.0);
	if ((l->flags & DRIVER_LF_TLS) && l->kind == DRIVER_LINE_EVENT &&
	    !(l->flags & STORE_LF_TLSDETAIL) && (d = tls_details(p,
	    VIS(p, vi))) > 0)
		n += (size_t)snprintf(t, sizeof(t), " [+%zu, Enter shows]", d);
	n += fold_note(p, VIS(p, vi), t, sizeof(t));
	return n;
}

static void
draw_title(struct pane_transcript *p, WINDOW *w, bool focused)
{
	char t[160];
	int cols = getmaxx(w);
	size_t used;

	snprintf(t, sizeof(t), " Transcript  %zu lines%s%s%s%s", store_count(
	    p->store), p->follow ? "  [follow]" : "  [scrolled: End follows]",
	    p->tls_expanded ? "  [TLS details shown]" : "",
	    p->hscroll ? "  [scrolled right]" : "",
	    p->wrap ? "  [wrap: w cuts]" : "");
	wmove(w, 0, 0);
	used = width_draw(w, t, strlen(t), (size_t)cols, layout_attr(focused ?
	    ROLE_TITLE_FOCUS : ROLE_TITLE));
	width_pad(w, (size_t)cols - used, layout_attr(focused ?
	    ROLE_TITLE_FOCUS : ROLE_TITLE));
}

/* Columns before a line's text: the pairing gutter and "C: ". */
static size_t
text_col(const struct pane_transcript *p, int cols)
{
	return (p->pairs && cols > 30 ? 5 : 0) + 3;
}

/* Bytes of s for one wrapped row of cols columns: at least one code
 * point, broken after a space when one is in the second half. */
static size_t
wrap_fit(const char *s, size_t n, size_t cols)
{
	size_t fit = width_fit(s, n, cols, NULL), k;

	if (fit == 0 && n > 0)
		fit = width_next(s, n, 0);
	if (fit < n) {
		for (k = fit; k > fit / 2; k--)
			if (s[k - 1] == ' ')
				break;
		if (k > fit / 2)
			fit = k;
	}
	return fit;
}

/* Text columns of a wrapped line's first row: what the notes (timing,
 * TLS count, reserve columns) leave. */
static size_t
first_cols(const struct pane_transcript *p, int cols, size_t reserve)
{
	size_t tc = text_col(p, cols);

	if ((size_t)cols <= tc)
		return 1;
	if ((size_t)cols - tc > reserve + 8)
		return (size_t)cols - tc - reserve;
	return (size_t)cols - tc;
}

/* Rows a line takes: 1, or more in wrap mode. */
static size_t
line_rows(struct pane_transcript *p, const struct store_line *l,
    int cols, size_t reserve)
{
	size_t tc = text_col(p, cols), off, n = 1, len;
	const char *t;

	if (!p->wrap || (size_t)cols <= tc + 8)
		return 1;
	t = ltext(p, l, &len);
	off = wrap_fit(t, len, first_cols(p, cols, reserve));
	while (off < len) {
		off += wrap_fit(t + off, len - off, (size_t)cols - tc);
		n++;
	}
	return n;
}

/* Rows visible line vi takes at the last drawn width. */
static size_t
vrows(struct pane_transcript *p, size_t vi)
{
	return line_rows(p, store_at(p->store, VIS(p, vi)), p->cols,
	    notes_cols(p, vi));
}

/* The furthest view: the last line's last row on the pane's last row.
 * Walks back at most a pane of lines. */
static void
view_max(struct pane_transcript *p, size_t *top_r, size_t *sub_r)
{
	size_t rows = p->rows > 0 ? (size_t)p->rows : 1, have = 0, i, lr;

	*top_r = 0;
	*sub_r = 0;
	if (p->nvis == 0)
		return;
	for (i = p->nvis; i-- > 0;) {
		lr = vrows(p, i);
		if (have + lr >= rows) {
			*top_r = i;
			*sub_r = have + lr - rows;
			return;
		}
		have += lr;
	}
}

/* Move the view n screen rows down, no further than view_max(). */
static void
scroll_down(struct pane_transcript *p, size_t n)
{
	size_t mt, ms, lr;

	view_max(p, &mt, &ms);
	while (n > 0 && (p->top < mt || (p->top == mt && p->sub < ms))) {
		lr = vrows(p, p->top);
		if (p->sub + 1 < lr) {
			p->sub++;
		} else {
			p->top++;
			p->sub = 0;
		}
		n--;
	}
	if (p->top > mt || (p->top == mt && p->sub > ms)) {
		p->top = mt;
		p->sub = ms;
	}
}

/* Move the view n screen rows up, no further than the first row. */
static void
scroll_up(struct pane_transcript *p, size_t n)
{
	size_t k;

	while (n > 0) {
		if (p->sub == 0) {
			if (p->top == 0)
				break;
			p->top--;
			p->sub = vrows(p, p->top);
		}
		k = p->sub < n ? p->sub : n;
		p->sub -= k;
		n -= k;
	}
}

/* The rest of a line's first row: the TLS note, padding, the timing at
 * the right edge. */
static void
draw_notes(WINDOW *w, int cols, size_t used, size_t tl, size_t ml,
    const char *tm, const char *more, bool sel, unsigned long attr)
{
	if (ml > 0)
		used += width_draw(w, more, ml, (size_t)cols - used,
		    layout_attr(ROLE_DIM) | (sel ? A_REVERSE : 0));
	if ((size_t)cols > used + tl)
		width_pad(w, (size_t)cols - used - tl, sel ? attr : A_NORMAL);
	if (tl > 0 && (size_t)cols >= used + tl)
		width_draw(w, tm, tl, tl, layout_attr(ROLE_DIM) |
		    (sel ? A_REVERSE : 0));
}

/* An open fold: its lines read back from disk, one a row, cut to the
 * width (Left/Right scroll), the cursor line highlighted. */
static void
fv_draw(struct pane_transcript *p, WINDOW *w, bool focused, int rows,
    int cols)
{
	const struct fold *f = &p->folds[p->fv_fold];
	struct fold_iter it;
	unsigned long attr;
	const char *s;
	size_t len, used, off;
	char t[200];
	int r;

	if (p->fv_cur < p->fv_top)
		p->fv_top = p->fv_cur;
	if (p->fv_cur >= p->fv_top + (uint64_t)rows)
		p->fv_top = p->fv_cur - (uint64_t)rows + 1;
	snprintf(t, sizeof(t), " Transcript  folded body: line %llu of %llu"
	    "  [Enter closes · Ctrl-F searches · kept on disk]",
	    (unsigned long long)(f->lines ? p->fv_cur + 1 : 0),
	    (unsigned long long)f->lines);
	wmove(w, 0, 0);
	used = width_draw(w, t, strlen(t), (size_t)cols, layout_attr(focused ?
	    ROLE_TITLE_FOCUS : ROLE_TITLE));
	width_pad(w, (size_t)cols - used, layout_attr(focused ?
	    ROLE_TITLE_FOCUS : ROLE_TITLE));
	fv_seek(p, p->fv_top, &it);
	for (r = 0; r < rows; r++) {
		wmove(w, r + 1, 0);
		if (!iter_next(&it, &s, &len)) {
			wattrset(w, A_NORMAL);
			wclrtoeol(w);
			continue;
		}
		attr = layout_attr(ROLE_RECEIVED);
		if (focused && p->fv_top + (uint64_t)r == p->fv_cur)
			attr |= A_REVERSE;
		/* The kept line is the escaped transcript line, prefix and
		 * all: safe to draw as it is. */
		off = width_skip(s, len, p->hscroll);
		used = width_draw(w, s + off, len - off, (size_t)cols, attr);
		if ((size_t)cols > used)
			width_pad(w, (size_t)cols - used, attr);
	}
	iter_clear(&it);
}

void
pane_transcript_draw(struct pane_transcript *p, WINDOW *w, bool focused)
{
	int rows = getmaxy(w) - 1, cols = getmaxx(w), r;
	uint64_t cur_seq = 0;
	char gut[16], tm[24], more[64];
	size_t rowi;

	if (rows < 1)
		rows = 1;
	p->rows = rows;
	if (p->fv) {
		p->cols = cols;
		fv_draw(p, w, focused, rows, cols);
		return;
	}
	draw_title(p, w, focused);
	p->cols = cols;
	if (p->follow && p->nvis > 0) {
		p->cursor = p->nvis - 1;
		view_max(p, &p->top, &p->sub);
	}
	/* Keep the cursor on screen. */
	if (p->cursor < p->top) {
		p->top = p->cursor;
		p->sub = 0;
	}
	if (p->cursor >= p->top + (size_t)rows) {
		p->top = p->cursor - (size_t)rows + 1;
		p->sub = 0;
	}
	if (!p->wrap)
		p->sub = 0;
	if (p->wrap && p->nvis > 0) {
		/* The cursor's line must end on screen (or, taller than
		 * the pane, start at its top): scroll by rows. */
		size_t before = 0, lr, i;

		if (p->top < p->nvis && p->sub >= vrows(p, p->top))
			p->sub = vrows(p, p->top) - 1;
		for (i = p->top; i < p->cursor; i++)
			before += vrows(p, i);
		lr = vrows(p, p->cursor);
		if (before > p->sub && before + lr > p->sub + (size_t)rows) {
			if (lr >= (size_t)rows) {
				p->top = p->cursor;
				p->sub = 0;
			} else {
				scroll_down(p, before + lr - p->sub -
				    (size_t)rows);
			}
		}
	}
	if (p->nvis > 0)
		cur_seq = store_at(p->store, VIS(p, p->cursor))->seq;
	for (r = 0, rowi = p->top; r < rows; rowi++) {
		size_t row = rowi, used = 0, avail, off, tl, ml, seg;
		size_t skip = rowi == p->top ? p->sub : 0, ltl;
		struct store_line *l;
		const char *lt;
		unsigned long attr;
		bool sel, paired;

		wmove(w, r + 1, 0);
		if (row >= p->nvis) {
			wattrset(w, A_NORMAL);
			wclrtoeol(w);
			r++;
			continue;
		}
		l = store_at(p->store, VIS(p, row));
		sel = focused && row == p->cursor;
		paired = cur_seq != 0 && l->seq == cur_seq;
		attr = layout_attr(line_role(l));
		if (sel)
			attr |= A_REVERSE;
		if (skip > 0) {
			/* The first rows are scrolled off: only the layout
			 * of the line counts. */
			used = (p->pairs && cols > 30 ? 5 : 0) +
			    strlen(prefix(l->kind));
			if (used > (size_t)cols)
				used = (size_t)cols;
		} else if (p->pairs && cols > 30) {
			const struct sent_slot *ss = &p->sent[l->seq %
			    SENT_SLOTS];
			/* A command still waiting for its reply: "…". */
			bool waiting = l->kind == DRIVER_LINE_SENT &&
			    ss->seq == l->seq && !ss->answered;

			if (l->seq != 0)
				snprintf(gut, sizeof(gut), "%4llu%s",
				    (unsigned long long)(l->seq % 10000),
				    paired ? ">" : waiting ? "\xe2\x80\xa6" :
				    " ");
			else
				snprintf(gut, sizeof(gut), "     ");
			used += width_draw(w, gut, strlen(gut), 5,
			    layout_attr(paired ? ROLE_SELECTED : ROLE_DIM));
		}
		if (skip == 0)
			used += width_draw(w, prefix(l->kind),
			    strlen(prefix(l->kind)), (size_t)cols - used, attr);
		tm[0] = more[0] = '\0';
		if (l->dt_us != 0)
			snprintf(tm, sizeof(tm), " %.1f ms",
			    l->dt_us / 1000.0);
		if ((l->flags & DRIVER_LF_TLS) && l->kind ==
		    DRIVER_LINE_EVENT && !(l->flags & STORE_LF_TLSDETAIL)) {
			size_t d = tls_details(p, VIS(p, row));

			if (d > 0)
				snprintf(more, sizeof(more), p->tls_expanded ?
				    " [-%zu, Enter folds]" :
				    " [+%zu, Enter shows]", d);
		}
		if (l->flags & STORE_LF_FOLD)
			fold_note(p, VIS(p, row), more, sizeof(more));
		ml = strlen(more);
		tl = strlen(tm);
		avail = (size_t)cols > used ? (size_t)cols - used : 0;
		if (avail > tl + ml)
			avail -= tl + ml;
		else
			tl = ml = 0;
		lt = ltext(p, l, &ltl);
		off = width_skip(lt, ltl, p->wrap ? 0 : p->hscroll);
		if (p->wrap && line_rows(p, l, cols, tl + ml) > 1) {
			/* The first row leaves room for the notes; the rest
			 * of the text follows on rows of its own, indented
			 * under the text. */
			size_t tc = text_col(p, cols), fit, k;

			if (avail > first_cols(p, cols, tl + ml))
				avail = first_cols(p, cols, tl + ml);
			fit = wrap_fit(lt, ltl, avail);
			if (skip == 0) {
				used += width_draw(w, lt, fit, avail,
				    attr);
				draw_notes(w, cols, used, tl, ml, tm, more,
				    sel, attr);
				r++;
			}
			off = fit;
			for (seg = 1; off < ltl && r < rows; seg++) {
				fit = wrap_fit(lt + off, ltl - off,
				    (size_t)cols - tc);
				if (seg >= skip) {
					wmove(w, r + 1, 0);
					width_pad(w, tc, A_NORMAL);
					k = width_draw(w, lt + off, fit,
					    (size_t)cols - tc, attr);
					if ((size_t)cols > tc + k)
						width_pad(w, (size_t)cols -
						    tc - k, sel ? attr :
						    A_NORMAL);
					r++;
				}
				off += fit;
			}
			continue;
		}
		used += width_draw(w, lt + off, ltl - off, avail, attr);
		draw_notes(w, cols, used, tl, ml, tm, more, sel, attr);
		r++;
	}
}

int
pane_transcript_text(const struct pane_transcript *p, struct buf *out)
{
	size_t i, n = store_count(p->store), len;

	for (i = 0; i < n; i++) {
		const struct store_line *l = store_at(p->store, i);
		const char *t = ltext((struct pane_transcript *)p, l, &len);

		if (buf_append_str(out, prefix(l->kind)) == -1 ||
		    buf_append(out, t, len) == -1 ||
		    buf_append_byte(out, '\n') == -1)
			return -1;
	}
	return 0;
}
