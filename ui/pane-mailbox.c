/* SPDX-License-Identifier: MIT */
/* Mailbox rows: decoded once per change, sorted, drawn a screenful at a
 * time (10,000 messages cost the same to redraw as ten). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "proto/header.h"
#include "proto/mailbox.h"
#include "proto/transcript.h"
#include "base/util.h"
#include "ui/layout.h"
#include "ui/pane-mailbox.h"
#include "ui/width.h"

enum mb_sort {
	SORT_NUMBER,
	SORT_DATE,
	SORT_SIZE,
	SORT_FROM,
	SORT_COUNT
};

static const char *const sort_names[SORT_COUNT] = {
	"number", "date", "size", "sender",
};

struct mb_row {
	uint64_t	 number;
	uint64_t	 size;
	bool		 size_known;
	bool		 deleted;
	bool		 expunged;
	bool		 retrieved;
	bool		 has_header;
	bool		 has_date;
	int64_t		 date;
	char		*from;		/* escaped, "" if unknown */
	char		*subject;	/* escaped, "" if unknown */
	const char	*hdr_seen;	/* header pointer decoded last */
	size_t		 hdr_len_seen;
};

struct pane_mailbox {
	struct mb_row	*rows;		/* by index; row i is message i+1 */
	size_t		 n, cap;
	size_t		*order;		/* sorted indexes into rows */
	size_t		 norder;
	bool		 need_sort;
	enum mb_sort	 sort;
	bool		 reverse;
	size_t		 cursor;	/* position in order */
	size_t		 top;
	uint64_t	 gen;		/* mailbox generation synced */
	uint64_t	 stat_count, stat_size;
	bool		 have_stat;
	uint64_t	 retrieved_last;
};

struct pane_mailbox *
pane_mailbox_new(void)
{
	return xcalloc(1, sizeof(struct pane_mailbox));
}

static void
row_clear(struct mb_row *r)
{
	free(r->from);
	free(r->subject);
	memset(r, 0, sizeof(*r));
}

void
pane_mailbox_free(struct pane_mailbox *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		row_clear(&p->rows[i]);
	free(p->rows);
	free(p->order);
	free(p);
}

static char *
escaped(const char *s, size_t len)
{
	struct buf b;

	buf_init(&b, 4096);
	/* On a whole character: a byte cut would leave a stray "\\xcc". */
	len = width_cut(s, len, 1000);
	transcript_escape(s, len, &b);
	return buf_steal(&b);
}

static struct mb_row *
row_for(struct pane_mailbox *p, uint64_t number)
{
	size_t i;

	if (number == 0 || number > 10000000)
		return NULL;
	if (number > p->n) {
		if (number > p->cap) {
			size_t nc = p->cap ? p->cap : 64;

			while (nc < number)
				nc *= 2;
			p->rows = xrealloc(p->rows, nc * sizeof(*p->rows));
			p->order = xrealloc(p->order, nc * sizeof(*p->order));
			p->cap = nc;
		}
		for (i = p->n; i < number; i++) {
			memset(&p->rows[i], 0, sizeof(p->rows[i]));
			p->rows[i].number = i + 1;
			p->rows[i].from = xstrdup("");
			p->rows[i].subject = xstrdup("");
		}
		p->n = number;
		p->need_sort = true;
	}
	return &p->rows[number - 1];
}

void
pane_mailbox_put(struct pane_mailbox *p, uint64_t number, uint64_t size,
    int64_t date, const char *from, const char *subject, bool deleted)
{
	struct mb_row *r = row_for(p, number);

	if (r == NULL)
		return;
	free(r->from);
	free(r->subject);
	r->from = escaped(from, strlen(from));
	r->subject = escaped(subject, strlen(subject));
	r->size = size;
	r->size_known = true;
	r->date = date;
	r->has_date = true;
	r->deleted = deleted;
	p->need_sort = true;
}

void
pane_mailbox_set_stat(struct pane_mailbox *p, uint64_t count, uint64_t size)
{
	p->have_stat = true;
	p->stat_count = count;
	p->stat_size = size;
}

bool
pane_mailbox_sync(struct pane_mailbox *p, const struct mailbox *mb)
{
	size_t i, n;
	bool changed = false;
	uint64_t c, s;

	if (mb == NULL) {
		if (p->n == 0)
			return false;
		for (i = 0; i < p->n; i++)
			row_clear(&p->rows[i]);
		p->n = p->norder = p->cursor = p->top = 0;
		p->have_stat = false;
		return true;
	}
	if (mailbox_generation(mb) == p->gen && p->n == mailbox_count(mb))
		return false;
	p->gen = mailbox_generation(mb);
	/* The model moved: whatever moved it (a STAT that only gave the
	 * count, a UIDL, new empty rows) is news for the pane. */
	changed = true;
	if (mailbox_stat(mb, &c, &s))
		pane_mailbox_set_stat(p, c, s);
	else
		p->have_stat = false;	/* a new session: no stale count */
	n = mailbox_count(mb);
	if (n < p->n) {
		/* A new session: start over. */
		for (i = 0; i < p->n; i++)
			row_clear(&p->rows[i]);
		p->n = p->norder = p->cursor = p->top = 0;
		changed = true;
	}
	for (i = 0; i < n; i++) {
		const struct mailbox_entry *e = mailbox_entry(mb, i);
		struct mb_row *r;

		if (e == NULL)
			continue;
		r = row_for(p, e->number ? e->number : i + 1);
		if (r == NULL)
			continue;
		if (r->size_known != e->size_known || r->size != e->size ||
		    r->deleted != e->deleted || r->expunged != e->expunged ||
		    r->retrieved != e->retrieved) {
			r->size_known = e->size_known;
			r->size = e->size;
			r->deleted = e->deleted;
			r->expunged = e->expunged;
			if (!r->retrieved && e->retrieved)
				p->retrieved_last = r->number;
			r->retrieved = e->retrieved;
			changed = p->need_sort = true;
		}
		r->has_header = e->header != NULL;
		if (e->header != NULL && (e->header != r->hdr_seen ||
		    e->header_len != r->hdr_len_seen)) {
			struct header_summary hs;

			memset(&hs, 0, sizeof(hs));
			header_summary(e->header, e->header_len, &hs);
			free(r->from);
			free(r->subject);
			r->from = escaped(hs.from, strlen(hs.from));
			r->subject = escaped(hs.subject, strlen(hs.subject));
			r->has_date = hs.has_date;
			r->date = hs.date;
			header_summary_clear(&hs);
			r->hdr_seen = e->header;
			r->hdr_len_seen = e->header_len;
			changed = p->need_sort = true;
		}
	}
	return changed;
}

static const struct mb_row *sort_rows;
static enum mb_sort sort_key;

static int
cmp_rows(const void *a, const void *b)
{
	const struct mb_row *x = &sort_rows[*(const size_t *)a];
	const struct mb_row *y = &sort_rows[*(const size_t *)b];
	int c = 0;

	switch (sort_key) {
	case SORT_DATE:
		if (x->has_date != y->has_date)
			c = x->has_date ? 1 : -1;
		else if (x->date != y->date)
			c = x->date < y->date ? -1 : 1;
		break;
	case SORT_SIZE:
		if (x->size != y->size)
			c = x->size < y->size ? -1 : 1;
		break;
	case SORT_FROM:
		c = strcasecmp(x->from, y->from);
		break;
	default:
		break;
	}
	if (c == 0 && x->number != y->number)
		c = x->number < y->number ? -1 : 1;
	return c;
}

static void
resort(struct pane_mailbox *p)
{
	uint64_t sel = pane_mailbox_selected(p);
	size_t i;

	if (!p->need_sort)
		return;
	p->need_sort = false;
	for (i = 0; i < p->n; i++)
		p->order[i] = i;
	p->norder = p->n;
	if (p->sort != SORT_NUMBER) {
		sort_rows = p->rows;
		sort_key = p->sort;
		qsort(p->order, p->norder, sizeof(*p->order), cmp_rows);
	}
	if (p->reverse)
		for (i = 0; i < p->norder / 2; i++) {
			size_t t = p->order[i];

			p->order[i] = p->order[p->norder - 1 - i];
			p->order[p->norder - 1 - i] = t;
		}
	if (sel != 0)
		pane_mailbox_select(p, sel);
}

uint64_t
pane_mailbox_selected(const struct pane_mailbox *p)
{
	if (p->norder == 0 || p->cursor >= p->norder)
		return 0;
	return p->rows[p->order[p->cursor]].number;
}

void
pane_mailbox_select(struct pane_mailbox *p, uint64_t number)
{
	size_t i;

	for (i = 0; i < p->norder; i++)
		if (p->rows[p->order[i]].number == number) {
			p->cursor = i;
			return;
		}
}

uint64_t
pane_mailbox_take_retrieved(struct pane_mailbox *p)
{
	uint64_t n = p->retrieved_last;

	p->retrieved_last = 0;
	return n;
}

size_t
pane_mailbox_headers(const struct pane_mailbox *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		if (p->rows[i].has_header)
			n++;
	return n;
}

size_t
pane_mailbox_expected(const struct pane_mailbox *p)
{
	return p->have_stat && p->stat_count > p->n ? (size_t)p->stat_count :
	    p->n;
}

size_t
pane_mailbox_count(const struct pane_mailbox *p)
{
	return p->n;
}

bool
pane_mailbox_action(struct pane_mailbox *p, enum action a, int rows)
{
	long c = (long)p->cursor, page = rows > 2 ? rows - 1 : 1;

	resort(p);
	switch (a) {
	case ACT_UP:
		c--;
		break;
	case ACT_DOWN:
		c++;
		break;
	case ACT_PAGE_UP:
		c -= page;
		break;
	case ACT_PAGE_DOWN:
		c += page;
		break;
	case ACT_TOP:
		c = 0;
		break;
	case ACT_BOTTOM:
		c = (long)p->norder - 1;
		break;
	case ACT_MB_SORT:
		p->sort = (p->sort + 1) % SORT_COUNT;
		p->need_sort = true;
		resort(p);
		return true;
	case ACT_MB_REVERSE:
		p->reverse = !p->reverse;
		p->need_sort = true;
		resort(p);
		return true;
	default:
		return false;
	}
	if (c >= (long)p->norder)
		c = (long)p->norder - 1;
	if (c < 0)
		c = 0;
	if ((size_t)c == p->cursor)
		return false;
	p->cursor = (size_t)c;
	return true;
}

bool
pane_mailbox_click(struct pane_mailbox *p, int y)
{
	size_t i;

	if (y < 2)
		return false;
	i = p->top + (size_t)(y - 2);
	if (i >= p->norder)
		return false;
	p->cursor = i;
	return true;
}

static void
fmt_size(uint64_t s, bool known, char *out, size_t n)
{
	if (!known)
		snprintf(out, n, "?");
	else if (s < 10000)
		snprintf(out, n, "%llu", (unsigned long long)s);
	else if (s < 10000 * 1024)
		snprintf(out, n, "%lluK", (unsigned long long)(s + 512) / 1024);
	else
		snprintf(out, n, "%lluM", (unsigned long long)
		    (s + 512 * 1024) / (1024 * 1024));
}

/* Draw s in exactly cols columns (cut or padded), then one space. */
static void
cell(WINDOW *w, const char *s, size_t cols, unsigned long attr, bool right)
{
	size_t sw = width_str(s, strlen(s)), used;

	if (right && sw < cols)
		width_pad(w, cols - sw, attr);
	used = width_draw(w, s, strlen(s), cols, attr);
	if (!right || sw > cols)
		width_pad(w, cols - used, attr);
	width_pad(w, 1, attr);
}

void
pane_mailbox_draw(struct pane_mailbox *p, WINDOW *w, bool focused,
    const char *progress)
{
	int rows = getmaxy(w) - 2, cols = getmaxx(w), r;
	size_t numw = 4, sizew = 6, datew, fromw, subjw, used;
	char t[256], num[24], sz[24], date[32];
	unsigned long ta = layout_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	size_t ndel = 0, i;

	resort(p);
	for (i = 0; i < p->n; i++)
		if (p->rows[i].deleted && !p->rows[i].expunged)
			ndel++;
	/* /load's progress first: at 80 columns the end of the title is
	 * cut, and the progress is what moves. */
	if (p->have_stat)
		snprintf(t, sizeof(t), " Mailbox  %s%s%llu messages, %llu octets"
		    "  %zu marked for deletion  sorted by %s%s",
		    progress ? progress : "", progress ? "  " : "",
		    (unsigned long long)p->stat_count,
		    (unsigned long long)p->stat_size, ndel,
		    sort_names[p->sort], p->reverse ? " (reversed)" : "");
	else
		snprintf(t, sizeof(t), " Mailbox  %s%s%zu messages  %zu marked "
		    "for deletion  sorted by %s%s", progress ? progress : "",
		    progress ? "  " : "", p->n, ndel, sort_names[p->sort],
		    p->reverse ? " (reversed)" : "");
	wmove(w, 0, 0);
	used = width_draw(w, t, strlen(t), (size_t)cols, ta);
	width_pad(w, (size_t)cols - used, ta);
	if (rows < 1)
		return;
	if (p->n > 0 && p->rows[p->n - 1].number >= 10000)
		numw = 6;
	datew = cols >= 110 ? 16 : 10;
	if (cols < 60)
		datew = 0;
	/* mark(2) num size date from subject, one space after each. */
	used = 2 + numw + 1 + sizew + 1 + (datew ? datew + 1 : 0);
	fromw = cols > (int)used + 20 ? ((size_t)cols - used) * 2 / 5 : 0;
	if (fromw > 28)
		fromw = 28;
	subjw = (size_t)cols > used + fromw + 1 ? (size_t)cols - used -
	    (fromw ? fromw + 1 : 0) : 0;
	wmove(w, 1, 0);
	{
		unsigned long ha = A_BOLD | A_UNDERLINE;

		cell(w, "D", 1, ha, false);
		cell(w, "No.", numw, ha, true);
		cell(w, "Size", sizew, ha, true);
		if (datew)
			cell(w, "Date", datew, ha, false);
		if (fromw)
			cell(w, "From", fromw, ha, false);
		if (subjw > 1)
			cell(w, "Subject", subjw - 1, ha, false);
		wattrset(w, A_NORMAL);
		wclrtoeol(w);
	}
	if (p->cursor >= p->norder && p->norder > 0)
		p->cursor = p->norder - 1;
	if (p->cursor < p->top)
		p->top = p->cursor;
	if (p->cursor >= p->top + (size_t)rows)
		p->top = p->cursor - (size_t)rows + 1;
	for (r = 0; r < rows; r++) {
		size_t oi = p->top + (size_t)r;
		const struct mb_row *row;
		unsigned long attr;

		wmove(w, r + 2, 0);
		if (oi >= p->norder) {
			wattrset(w, A_NORMAL);
			wclrtoeol(w);
			if (oi == 0 && r == 0) {
				const char *m = "empty: /load (or l here) "
				    "fills it; STAT, LIST, TOP n 0 typed by "
				    "hand do too";

				width_draw(w, m, strlen(m), (size_t)cols,
				    layout_attr(ROLE_DIM));
			}
			continue;
		}
		row = &p->rows[p->order[oi]];
		attr = row->deleted ? layout_attr(ROLE_DELETED) : A_NORMAL;
		if (oi == p->cursor)
			attr |= focused ? A_REVERSE : A_BOLD;
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)row->number);
		fmt_size(row->size, row->size_known, sz, sizeof(sz));
		date[0] = '\0';
		if (row->has_date) {
			time_t tt = (time_t)row->date;
			struct tm tm;

			if (localtime_r(&tt, &tm) != NULL)
				strftime(date, sizeof(date), datew > 10 ?
				    "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
		}
		cell(w, row->expunged ? "X" : row->deleted ? "D" :
		    row->retrieved ? "*" : " ", 1, attr, false);
		cell(w, num, numw, attr, true);
		cell(w, sz, sizew, attr, true);
		if (datew)
			cell(w, date, datew, attr, false);
		if (fromw)
			cell(w, row->from, fromw, attr, false);
		if (subjw > 1)
			cell(w, row->subject, subjw - 1, attr, false);
		wattrset(w, A_NORMAL);
		wclrtoeol(w);
	}
}
