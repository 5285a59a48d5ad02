/* SPDX-License-Identifier: MIT */
/* Drawing and navigating the transcript from the line store. Only the rows
 * on screen are touched per redraw, so a million lines cost nothing. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/util.h"
#include "ui/driver.h"
#include "ui/layout.h"
#include "ui/pane-transcript.h"
#include "ui/store.h"
#include "ui/width.h"

#define SENT_SLOTS	4096	/* pending commands remembered for timing */

struct sent_slot {
	uint64_t	seq;
	uint64_t	t_us;
	bool		answered;
};

struct pane_transcript {
	struct store	*store;
	uint32_t	*vis;		/* store indexes of shown lines */
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
	free(p->vis);
	free(p);
}

static void
vis_push(struct pane_transcript *p, size_t i)
{
	if (p->nvis == p->capvis) {
		p->capvis = p->capvis ? p->capvis * 2 : 4096;
		p->vis = xrealloc(p->vis, p->capvis * sizeof(*p->vis));
	}
	p->vis[p->nvis++] = (uint32_t)i;
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
	uint32_t cur_line = p->nvis ? p->vis[p->cursor] : 0;

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
	bool tls = (flags & DRIVER_LF_TLS) != 0;
	struct sent_slot *slot = &p->sent[seq % SENT_SLOTS];
	struct store_line *l;
	size_t i;

	/* A run of TLS lines folds under its first one; a warning (not
	 * verified, INSECURE, trusted by fingerprint) never hides. */
	if (tls && p->last_tls && kind == DRIVER_LINE_EVENT &&
	    !(flags & DRIVER_LF_WARNING))
		flags |= STORE_LF_TLSDETAIL;
	p->last_tls = tls && kind == DRIVER_LINE_EVENT;
	i = store_append(p->store, kind, flags, seq, text, len);
	l = store_at(p->store, i);
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

bool
pane_transcript_action(struct pane_transcript *p, enum action a, int rows)
{
	size_t page = rows > 1 ? (size_t)rows : 1, mt, ms, lr;
	struct store_line *l;

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
		l = store_at(p->store, p->vis[p->cursor]);
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

	nn = width_fold_str(needle, strlen(needle), nd, NEEDLE_MAX);
	if (nn == 0 || n == 0)
		return -1;
	for (i = 1; i <= n; i++) {
		const struct store_line *l;

		if (dir < 0)
			idx = (p->cursor + n - i) % n;
		else
			idx = (p->cursor + i) % n;
		l = store_at(p->store, p->vis[idx]);
		if (width_has_folded(l->text, l->len, nd, nn)) {
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
	for (i = 0; i < p->nvis; i++) {
		const struct store_line *l = store_at(p->store, p->vis[i]);

		if (width_has_folded(l->text, l->len, nd, nn)) {
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

/* Columns the notes of visible line vi take on its first row. */
static size_t
notes_cols(struct pane_transcript *p, size_t vi)
{
	const struct store_line *l = store_at(p->store, p->vis[vi]);
	size_t n = 0, d;
	char t[32];

	if (l->dt_us != 0)
		n += (size_t)snprintf(t, sizeof(t), " %.1f ms",
		    l->dt_us / 1000.0);
	if ((l->flags & DRIVER_LF_TLS) && l->kind == DRIVER_LINE_EVENT &&
	    !(l->flags & STORE_LF_TLSDETAIL) && (d = tls_details(p,
	    p->vis[vi])) > 0)
		n += (size_t)snprintf(t, sizeof(t), " [+%zu, Enter shows]", d);
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
line_rows(const struct pane_transcript *p, const struct store_line *l,
    int cols, size_t reserve)
{
	size_t tc = text_col(p, cols), off, n = 1;

	if (!p->wrap || (size_t)cols <= tc + 8)
		return 1;
	off = wrap_fit(l->text, l->len, first_cols(p, cols, reserve));
	while (off < l->len) {
		off += wrap_fit(l->text + off, l->len - off,
		    (size_t)cols - tc);
		n++;
	}
	return n;
}

/* Rows visible line vi takes at the last drawn width. */
static size_t
vrows(struct pane_transcript *p, size_t vi)
{
	return line_rows(p, store_at(p->store, p->vis[vi]), p->cols,
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

void
pane_transcript_draw(struct pane_transcript *p, WINDOW *w, bool focused)
{
	int rows = getmaxy(w) - 1, cols = getmaxx(w), r;
	uint64_t cur_seq = 0;
	char gut[16], tm[24], more[32];
	size_t rowi;

	if (rows < 1)
		rows = 1;
	p->rows = rows;
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
		cur_seq = store_at(p->store, p->vis[p->cursor])->seq;
	for (r = 0, rowi = p->top; r < rows; rowi++) {
		size_t row = rowi, used = 0, avail, off, tl, ml, seg;
		size_t skip = rowi == p->top ? p->sub : 0;
		struct store_line *l;
		unsigned long attr;
		bool sel, paired;

		wmove(w, r + 1, 0);
		if (row >= p->nvis) {
			wattrset(w, A_NORMAL);
			wclrtoeol(w);
			r++;
			continue;
		}
		l = store_at(p->store, p->vis[row]);
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
			size_t d = tls_details(p, p->vis[row]);

			if (d > 0)
				snprintf(more, sizeof(more), p->tls_expanded ?
				    " [-%zu, Enter folds]" :
				    " [+%zu, Enter shows]", d);
		}
		ml = strlen(more);
		tl = strlen(tm);
		avail = (size_t)cols > used ? (size_t)cols - used : 0;
		if (avail > tl + ml)
			avail -= tl + ml;
		else
			tl = ml = 0;
		off = width_skip(l->text, l->len, p->wrap ? 0 : p->hscroll);
		if (p->wrap && line_rows(p, l, cols, tl + ml) > 1) {
			/* The first row leaves room for the notes; the rest
			 * of the text follows on rows of its own, indented
			 * under the text. */
			size_t tc = text_col(p, cols), fit, k;

			if (avail > first_cols(p, cols, tl + ml))
				avail = first_cols(p, cols, tl + ml);
			fit = wrap_fit(l->text, l->len, avail);
			if (skip == 0) {
				used += width_draw(w, l->text, fit, avail,
				    attr);
				draw_notes(w, cols, used, tl, ml, tm, more,
				    sel, attr);
				r++;
			}
			off = fit;
			for (seg = 1; off < l->len && r < rows; seg++) {
				fit = wrap_fit(l->text + off, l->len - off,
				    (size_t)cols - tc);
				if (seg >= skip) {
					wmove(w, r + 1, 0);
					width_pad(w, tc, A_NORMAL);
					k = width_draw(w, l->text + off, fit,
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
		used += width_draw(w, l->text + off, l->len - off, avail, attr);
		draw_notes(w, cols, used, tl, ml, tm, more, sel, attr);
		r++;
	}
}

int
pane_transcript_text(const struct pane_transcript *p, struct buf *out)
{
	size_t i, n = store_count(p->store);

	for (i = 0; i < n; i++) {
		const struct store_line *l = store_at(p->store, i);

		if (buf_append_str(out, prefix(l->kind)) == -1 ||
		    buf_append(out, l->text, l->len) == -1 ||
		    buf_append_byte(out, '\n') == -1)
			return -1;
	}
	return 0;
}
