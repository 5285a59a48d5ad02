/* SPDX-License-Identifier: MIT */
/* Rendering a message: header block, MIME tree and decoded part, wrapped
 * to the pane width once per change and then only scrolled. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/header.h"
#include "proto/limits.h"
#include "proto/meaning.h"
#include "proto/mime.h"
#include "proto/transcript.h"
#include "base/util.h"
#include "ui/layout.h"
#include "ui/pane-message.h"
#include "front/partio.h"
#include "front/savefile.h"
#include "ui/width.h"

#define DECODE_MAX	(64u * 1024 * 1024)
/* A message up to this size is read into memory to be shown; a larger one
 * stays where the driver stored it and is read by range (partio). */
#define MSG_IN_MEMORY	(16u * 1024 * 1024)
/* Of a large message: the bytes of a text part decoded for reading, and
 * of the raw source shown (saving always takes the whole). */
#define BIG_TEXT_MAX	(4u * 1024 * 1024)
#define BIG_RAW_MAX	(4u * 1024 * 1024)
/* One displayed (escaped) line: \\xNN makes bytes four times wider. */
#define MSG_LINE_MAX	(8u * 1024 * 1024)

struct doc_line {
	char		*text;
	uint32_t	 len;
	uint8_t		 role;	/* enum layout_role */
};

struct doc {
	struct doc_line	*l;
	size_t		 n, cap;
};

enum msg_view { VIEW_DECODED, VIEW_RAW, VIEW_SPLIT, VIEW_COUNT };

struct pane_message {
	uint64_t	   number;
	char		  *raw;		/* NULL for a large message (big) */
	size_t		   rawlen;
	bool		   big;		/* read by range from src */
	struct partio_src  src;
	bool		   save_whole;	/* what pane_message_save_prepare chose */
	size_t		   save_sel;
	bool		   complete;
	char		  *preview;	/* TOP body lines, "\n"-separated */
	size_t		   preview_len;
	uint64_t	   preview_lines;	/* the lines asked for (TOP n lines) */
	struct mime_part  *root;
	struct mime_part **parts;
	size_t		   nparts, sel;
	size_t		  *dsize;	/* decoded size per part, -1 unknown */
	bool		   all_headers;
	enum msg_view	   view;
	struct doc	   left, right;
	int		   doc_width;
	bool		   doc_valid;
	size_t		   scroll;
	size_t		   part_line;	/* doc line where the part starts */
	size_t		   raw_part_line; /* the same in the raw view */
	bool		   jump_to_part;
	char		   label[256];
};

struct pane_message *
pane_message_new(void)
{
	return xcalloc(1, sizeof(struct pane_message));
}

static void
doc_clear(struct doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->l[i].text);
	d->n = 0;
}

static void
doc_push(struct doc *d, const char *s, size_t len, enum layout_role role)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->l = xrealloc(d->l, d->cap * sizeof(*d->l));
	}
	d->l[d->n].text = xstrndup(s, len);
	d->l[d->n].len = (uint32_t)len;
	d->l[d->n].role = (uint8_t)role;
	d->n++;
}

void
pane_message_close(struct pane_message *p)
{
	free(p->raw);
	p->raw = NULL;
	p->rawlen = 0;
	p->big = false;
	free(p->preview);
	p->preview = NULL;
	p->preview_len = 0;
	mime_part_free(p->root);
	p->root = NULL;
	free(p->parts);
	p->parts = NULL;
	free(p->dsize);
	p->dsize = NULL;
	p->nparts = p->sel = 0;
	p->number = 0;
	doc_clear(&p->left);
	doc_clear(&p->right);
	p->doc_valid = false;
	p->scroll = 0;
}

void
pane_message_preview(struct pane_message *p, const char *text, size_t len,
    uint64_t lines)
{
	if (p->number == 0 || p->complete)
		return;
	free(p->preview);
	p->preview = xmalloc(len + 1);
	memcpy(p->preview, text, len);
	p->preview[len] = '\0';
	p->preview_len = len;
	p->preview_lines = lines;
	p->doc_valid = false;
}

void
pane_message_free(struct pane_message *p)
{
	if (p == NULL)
		return;
	pane_message_close(p);
	free(p->left.l);
	free(p->right.l);
	free(p);
}

static bool
is_text_leaf(const struct mime_part *m)
{
	return !m->is_multipart && !m->is_message && m->type != NULL &&
	    strcmp(m->type, "text") == 0;
}

/* A group of status fields inside message/delivery-status (RFC 3464
 * 2.1): the parser gives each group as a part with fields and no body. */
static bool
is_dsn_group(const struct mime_part *m)
{
	return m->parent != NULL && m->parent->content_type != NULL &&
	    strcmp(m->parent->content_type, "message/delivery-status") == 0;
}

/* The enhanced status code a Status: field holds ("5.1.1"), parsed into
 * its three numbers; false when there is none. */
static bool
dsn_status(const struct mime_part *m, int *cls_r, int *subj_r, int *det_r)
{
	const struct header_field *f = header_get(&m->headers, "status");
	char v[32];
	size_t n;

	if (f == NULL)
		return false;
	n = f->value_len < sizeof(v) - 1 ? f->value_len : sizeof(v) - 1;
	memcpy(v, f->value, n);
	v[n] = '\0';
	return sscanf(v, " %1d.%3d.%3d", cls_r, subj_r, det_r) == 3 &&
	    (*cls_r == 2 || *cls_r == 4 || *cls_r == 5);
}

void
pane_message_open(struct pane_message *p, uint64_t number, const char *raw,
    size_t len, bool complete)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, raw, len);
	copy[len] = '\0';
	pane_message_open_owned(p, number, copy, len, complete);
}

static void	index_parts(struct pane_message *, bool complete);

void
pane_message_open_owned(struct pane_message *p, uint64_t number, char *raw,
    size_t len, bool complete)
{
	pane_message_close(p);
	p->number = number;
	p->raw = raw;
	p->rawlen = len;
	p->complete = complete;
	p->root = mime_parse(p->raw, p->rawlen, NULL);
	index_parts(p, complete);
}

/* Counts decoded bytes without keeping them. */
static int
count_put(void *arg, const char *s, size_t n)
{
	(void)s;
	*(size_t *)arg += n;
	return 0;
}

int
pane_message_open_source(struct pane_message *p, uint64_t number,
    const struct partio_src *src)
{
	struct buf b;

	if (src->len <= MSG_IN_MEMORY) {
		buf_init(&b, MSG_IN_MEMORY + 1);
		if (partio_copy(src, 0, src->len, &b) == -1 ||
		    b.len != src->len) {
			buf_clear(&b);
			return -1;
		}
		pane_message_open_owned(p, number, buf_steal(&b),
		    (size_t)src->len, true);
		return 0;
	}
	pane_message_close(p);
	/* Too large to hold: the tree comes from the incremental parser
	 * fed a chunk at a time, each part is read by its byte range. */
	p->root = partio_parse(src);
	if (p->root == NULL)
		return -1;
	p->number = number;
	p->big = true;
	p->src = *src;
	p->rawlen = (size_t)src->len;
	p->complete = true;
	index_parts(p, true);
	return 0;
}

static void
index_parts(struct pane_message *p, bool complete)
{
	struct mime_part *m;
	size_t i, best = (size_t)-1;
	struct buf b;

	for (m = p->root; m != NULL; m = mime_part_walk(p->root, m))
		p->nparts++;
	p->parts = xcalloc(p->nparts + 1, sizeof(*p->parts));
	p->dsize = xcalloc(p->nparts + 1, sizeof(*p->dsize));
	i = 0;
	for (m = p->root; m != NULL && i < p->nparts;
	    m = mime_part_walk(p->root, m))
		p->parts[i++] = m;
	buf_init(&b, DECODE_MAX);
	for (i = 0; i < p->nparts; i++) {
		m = p->parts[i];
		p->dsize[i] = (size_t)-1;
		if (m->is_multipart || m->is_message || !complete)
			continue;
		buf_reset(&b);
		if (p->big) {
			size_t n = 0;

			if (partio_decode(&p->src, m, count_put, &n) == 0)
				p->dsize[i] = n;
		} else if (mime_part_decode(m, p->raw, p->rawlen, &b) == 0)
			p->dsize[i] = b.len;
		/* The first text/plain leaf is what a reader wants first;
		 * else the first text leaf, else the first leaf. */
		if (best == (size_t)-1 && is_text_leaf(m) && m->subtype &&
		    strcmp(m->subtype, "plain") == 0)
			best = i;
	}
	buf_clear(&b);
	if (best == (size_t)-1)
		for (i = 0; i < p->nparts; i++)
			if (is_text_leaf(p->parts[i])) {
				best = i;
				break;
			}
	if (best == (size_t)-1)
		for (i = 0; i < p->nparts; i++)
			if (!p->parts[i]->is_multipart &&
			    !p->parts[i]->is_message) {
				best = i;
				break;
			}
	p->sel = best == (size_t)-1 ? 0 : best;
	p->doc_valid = false;
}

uint64_t
pane_message_number(const struct pane_message *p, bool *complete_r)
{
	if (complete_r != NULL)
		*complete_r = p->complete;
	return p->number;
}

/* Wrap one line into d: peer text is escaped (tabs expanded) first;
 * text already escaped (the transcript's) only wrapped. */
static void
add_wrapped_x(struct doc *d, const char *s, size_t len, int width,
    enum layout_role role, size_t indent, bool escaped)
{
	struct buf e, t;
	size_t off = 0, fit, cw, k, i;
	char pad[64];

	if (width < 8)
		width = 8;
	if (indent > sizeof(pad) - 1)
		indent = sizeof(pad) - 1;
	if (indent + 8 > (size_t)width)
		indent = 0;
	memset(pad, ' ', indent);
	buf_init(&t, MSG_LINE_MAX);
	buf_init(&e, MSG_LINE_MAX);
	if (escaped) {
		buf_append(&e, s, width_cut(s, len, MSG_LINE_MAX));
		len = 0;
	}
	/* Tabs to spaces first: transcript_escape would show them as \t. */
	/* At most an eighth: a tab grows to 8 bytes, and the cut falls on a
	 * whole character (a byte cut shows a stray "\\xcc"). */
	len = width_cut(s, len, MSG_LINE_MAX / 8);
	for (i = 0; i < len; i++) {
		if (s[i] == '\t') {
			do
				buf_append_byte(&t, ' ');
			while (t.len % 8 != 0);
		} else
			buf_append_byte(&t, s[i]);
	}
	if (!escaped)
		transcript_escape(t.data ? t.data : "", t.len, &e);
	buf_clear(&t);
	if (e.len == 0) {
		doc_push(d, "", 0, role);
		buf_clear(&e);
		return;
	}
	while (off < e.len) {
		size_t avail = (size_t)width - (off ? indent : 0);

		fit = width_fit(e.data + off, e.len - off, avail, &cw);
		if (fit == 0)
			fit = width_next(e.data, e.len, off) - off;
		if (off + fit < e.len) {
			/* Prefer to break after a space. */
			for (k = fit; k > fit / 2; k--)
				if (e.data[off + k - 1] == ' ')
					break;
			if (k > fit / 2)
				fit = k;
		}
		if (off == 0)
			doc_push(d, e.data, fit, role);
		else {
			char *tmp = xmalloc(indent + fit);

			memcpy(tmp, pad, indent);
			memcpy(tmp + indent, e.data + off, fit);
			doc_push(d, tmp, indent + fit, role);
			free(tmp);
		}
		off += fit;
	}
	buf_clear(&e);
}

/* Escape one line of peer text (tabs expanded) and wrap it into d. */
static void
add_wrapped(struct doc *d, const char *s, size_t len, int width,
    enum layout_role role, size_t indent)
{
	add_wrapped_x(d, s, len, width, role, indent, false);
}

/* Our own text (not peer bytes), wrapped without escaping needs. */
static void
add_text(struct doc *d, const char *s, int width, enum layout_role role)
{
	add_wrapped(d, s, strlen(s), width, role, 2);
}

/* Split text on line ends and add each line. */
static bool
has_8bit(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return true;
	return false;
}

static void
add_lines(struct doc *d, const char *s, size_t len, int width,
    enum layout_role role, size_t max_lines)
{
	size_t off = 0, n = 0;

	while (off < len && n < max_lines) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (s + off)) : len - off;
		size_t show = l;

		if (show > 0 && s[off + show - 1] == '\r')
			show--;
		add_wrapped(d, s + off, show, width, role, 0);
		off += l + (nl ? 1 : 0);
		n++;
	}
	if (off < len) {
		char m[96];

		snprintf(m, sizeof(m), "... (%zu more bytes not shown)",
		    len - off);
		add_text(d, m, width, ROLE_DIM);
	}
}

static void
add_header(struct doc *d, const struct header_field *f, int width)
{
	struct buf b;

	buf_init(&b, MSG_LINE_MAX);
	buf_append(&b, f->name, f->name_len);
	buf_append_str(&b, ": ");
	header_decode_unstructured(f->value, f->value_len, &b);
	add_wrapped(d, b.data, b.len, width, ROLE_NORMAL, 4);
	buf_clear(&b);
}

static void
describe_part(struct pane_message *p, size_t i, struct buf *b)
{
	const struct mime_part *m = p->parts[i];
	struct buf path;

	buf_init(&path, 256);
	mime_part_path(m, &path);
	buf_printf(b, "%*s%s %s  %s", (int)(m->depth * 2), "",
	    i == p->sel ? ">" : " ", path.len ? path.data : "message",
	    m->content_type ? m->content_type : "?");
	buf_clear(&path);
	if (is_dsn_group(m)) {
		int c, sj, dt;

		/* Not text/plain: fields, per message first (3464 2.2),
		 * then per recipient (2.3). */
		buf_reset(b);
		buf_init(&path, 256);
		mime_part_path(m, &path);
		buf_printf(b, "%*s%s %s  %s", (int)(m->depth * 2), "",
		    i == p->sel ? ">" : " ", path.data ? path.data : "?",
		    m->index == 1 ? "per-message status fields" :
		    "per-recipient status fields");
		buf_clear(&path);
		if (dsn_status(m, &c, &sj, &dt))
			buf_printf(b, " · Status %d.%d.%d", c, sj, dt);
		return;
	}
	if (m->charset != NULL)
		buf_printf(b, "; charset=%s", m->charset);
	if (m->cte_name != NULL)
		buf_printf(b, " · %s", m->cte_name);
	if (m->disposition != NULL)
		buf_printf(b, " · %s", m->disposition);
	if (m->filename != NULL)
		buf_printf(b, " · \"%s\"", m->filename);
	if (p->dsize[i] != (size_t)-1)
		buf_printf(b, " · %zu bytes", p->dsize[i]);
	if (m->ndefects > 0) {
		size_t k;

		buf_append_str(b, " · defects:");
		for (k = 0; k < m->ndefects && k < 4; k++)
			buf_printf(b, " %s", mime_defect_name(
			    m->defects[k].kind));
	}
}

/* The usual header fields (From, To, Cc, Date, Subject, Reply-To) in that
 * order, or all of them as they come. */
static void
render_headers(struct doc *d, const struct header *h, bool all, int width)
{
	static const char *const usual[] = { "From", "To", "Cc", "Date",
	    "Subject", "Reply-To", NULL };
	size_t i, k;

	if (all) {
		for (i = 0; i < h->count; i++)
			add_header(d, &h->fields[i], width);
		return;
	}
	for (k = 0; usual[k] != NULL; k++) {
		const struct header_field *f = NULL;

		while ((f = header_next(h, f, usual[k])) != NULL)
			add_header(d, f, width);
	}
}

/* One group of delivery-status fields, and what its Status code means. */
static void
render_fields(struct doc *d, const struct mime_part *g, int width)
{
	struct buf b;
	int c, sj, dt;

	doc_push(d, "", 0, ROLE_NORMAL);
	render_headers(d, &g->headers, true, width);
	if (!dsn_status(g, &c, &sj, &dt))
		return;
	buf_init(&b, MSG_LINE_MAX);
	buf_printf(&b, "= %d.%d.%d ", c, sj, dt);
	meaning_enhanced(c, sj, dt, &b);
	add_wrapped(d, b.data, b.len, width, ROLE_MEANING, 4);
	buf_clear(&b);
}

static void
render_decoded(struct pane_message *p, struct doc *d, int width)
{
	const struct header *h = p->root ? &p->root->headers : NULL;
	const struct mime_part *m;
	struct buf b;
	size_t i;

	if (h != NULL) {
		render_headers(d, h, p->all_headers, width);
		{
			char m2[96];

			snprintf(m2, sizeof(m2), "(%zu header fields; h shows "
			    "%s)", h->count, p->all_headers ? "the usual ones"
			    : "all");
			add_text(d, m2, width, ROLE_DIM);
		}
	}
	doc_push(d, "", 0, ROLE_NORMAL);
	if (!p->complete && p->preview != NULL) {
		char lab[128];
		size_t off = 0, e;

		snprintf(lab, sizeof(lab), "preview: first %llu lines (TOP); "
		    "Enter/r retrieves the whole message",
		    (unsigned long long)p->preview_lines);
		add_text(d, lab, width, ROLE_WARNING);
		doc_push(d, "", 0, ROLE_NORMAL);
		while (off < p->preview_len) {
			const char *nl = memchr(p->preview + off, '\n',
			    p->preview_len - off);

			size_t ll;

			e = nl ? (size_t)(nl - p->preview) : p->preview_len;
			ll = e - off;
			if (ll > 0 && p->preview[off + ll - 1] == '\r')
				ll--;		/* CRLF from the wire */
			if (ll == 0)
				doc_push(d, "", 0, ROLE_NORMAL);
			else	/* message bytes: escaped when wrapped */
				add_wrapped(d, p->preview + off, ll, width,
				    ROLE_NORMAL, 0);
			off = e + 1;
		}
		doc_push(d, "", 0, ROLE_NORMAL);
		add_text(d, "-- end of preview: Enter/r retrieves the whole "
		    "message --", width, ROLE_DIM);
		return;
	}
	if (!p->complete) {
		add_text(d, "Headers only (TOP). Press r in the mailbox to "
		    "RETR the whole message.", width, ROLE_WARNING);
		return;
	}
	add_text(d, "MIME structure  (] next part, [ previous, w saves the "
	    "part, W the message)", width, ROLE_DIM);
	buf_init(&b, MSG_LINE_MAX);
	for (i = 0; i < p->nparts; i++) {
		buf_reset(&b);
		describe_part(p, i, &b);
		add_wrapped(d, b.data, b.len, width, i == p->sel ?
		    ROLE_SELECTED : ROLE_TLS, 6);
	}
	doc_push(d, "", 0, ROLE_NORMAL);
	p->part_line = d->n;
	m = p->nparts ? p->parts[p->sel] : NULL;
	if (m == NULL) {
		buf_clear(&b);
		return;
	}
	buf_reset(&b);
	buf_append_str(&b, "-- part ");
	mime_part_path(m, &b);
	if (b.len == 8)
		buf_append_str(&b, "(body)");
	buf_printf(&b, " %s --", m->content_type ? m->content_type : "?");
	add_wrapped(d, b.data, b.len, width, ROLE_MEANING, 0);
	buf_reset(&b);
	b.max = DECODE_MAX;
	if (m->is_message && m->first_child != NULL &&
	    strcmp(m->content_type, "message/delivery-status") == 0) {
		/* RFC 3464: the report's fields are what a reader wants. */
		const struct mime_part *g;

		add_text(d, "Delivery status (RFC 3464): ] selects each group",
		    width, ROLE_DIM);
		for (g = m->first_child; g != NULL; g = g->next)
			render_fields(d, g, width);
	} else if (m->is_message && m->first_child != NULL) {
		/* RFC 2046 5.2.1: a whole message inside; its headers here,
		 * its parts in the tree. */
		add_text(d, "Enclosed message (] selects its parts):", width,
		    ROLE_DIM);
		render_headers(d, &m->first_child->headers, false, width);
	} else if (m->is_multipart || m->is_message)
		add_text(d, "(a container: ] selects the parts inside)", width,
		    ROLE_DIM);
	else if (is_dsn_group(m))
		render_fields(d, m, width);
	else if (is_text_leaf(m) && p->big) {
		/* Its first BIG_TEXT_MAX encoded bytes, cut at a line end,
		 * decoded from a copy whose offsets start at the body. */
		struct mime_part tmp = *m;
		struct buf win;
		size_t n = m->body_end - m->body_start;
		bool cut = n > BIG_TEXT_MAX;
		char note[160];

		buf_init(&win, BIG_TEXT_MAX);
		if (partio_copy(&p->src, m->body_start, cut ? BIG_TEXT_MAX : n,
		    &win) == 0) {
			while (cut && win.len > 0 &&
			    win.data[win.len - 1] != '\n')
				win.len--;
			tmp.start = tmp.body_start = 0;
			tmp.body_end = tmp.end = win.len;
			if (mime_part_decode_text(&tmp, win.data ? win.data :
			    "", win.len, &b) == 0)
				add_text(d, "(unknown charset: shown as UTF-8, "
				    "bad bytes as U+FFFD)", width,
				    ROLE_WARNING);
			add_lines(d, b.data ? b.data : "", b.len, width,
			    ROLE_NORMAL, 200000);
		}
		if (cut) {
			snprintf(note, sizeof(note), "(the first %u MiB of "
			    "%zu bytes are shown: w saves the whole part)",
			    BIG_TEXT_MAX >> 20, n);
			add_text(d, note, width, ROLE_DIM);
		}
		buf_clear(&win);
	} else if (is_text_leaf(m) && mime_part_param(m, "charset",
	    false) == NULL && mime_part_decode(m, p->raw, p->rawlen, &b) !=
	    -1 && has_8bit(b.data, b.len)) {
		/* RFC 2045 5.2 says us-ascii, but 8-bit bytes are there:
		 * show them as the transcript does (UTF-8 where valid, \xNN
		 * otherwise), not as a row of U+FFFD. */
		add_text(d, "(no charset declared, yet 8-bit bytes: shown as "
		    "in the transcript, UTF-8 where valid, \\xNN otherwise)",
		    width, ROLE_WARNING);
		add_lines(d, b.data, b.len, width, ROLE_NORMAL, 200000);
	} else if (is_text_leaf(m)) {
		int r;

		buf_reset(&b);
		r = mime_part_decode_text(m, p->raw, p->rawlen, &b);
		if (r == 0)
			add_text(d, "(unknown charset: shown as UTF-8, bad "
			    "bytes as U+FFFD)", width, ROLE_WARNING);
		add_lines(d, b.data ? b.data : "", b.len, width, ROLE_NORMAL,
		    200000);
	} else {
		char m2[160];

		snprintf(m2, sizeof(m2), "(%s part of %zu bytes: w saves it "
		    "to a file)", m->type ? m->type : "binary",
		    p->dsize[p->sel] == (size_t)-1 ? (size_t)0 :
		    p->dsize[p->sel]);
		add_text(d, m2, width, ROLE_DIM);
	}
	buf_clear(&b);
}

/* The raw source of a large message: a window of BIG_RAW_MAX bytes from
 * the selected part's start (the right half of the split view, or the
 * whole pane), read from the store. */
static void
render_big_raw(struct pane_message *p, struct doc *d, int w)
{
	size_t at = p->nparts > 0 ? p->parts[p->sel]->start : 0;
	struct buf win;
	char note[200];

	buf_init(&win, BIG_RAW_MAX);
	if (at > 0) {
		snprintf(note, sizeof(note), "(raw source from byte %zu, the "
		    "selected part; ] [ move between parts)", at);
		add_text(d, note, w, ROLE_DIM);
	}
	p->raw_part_line = d->n;
	if (partio_copy(&p->src, at, BIG_RAW_MAX, &win) == 0 || win.len > 0)
		add_lines(d, win.data ? win.data : "", win.len, w, ROLE_NORMAL,
		    1000000);
	if (at + win.len < p->rawlen) {
		snprintf(note, sizeof(note), "(raw view shows %zu of %zu "
		    "bytes: W saves the whole message)", win.len, p->rawlen);
		add_text(d, note, w, ROLE_DIM);
	}
	buf_clear(&win);
}

static void
render(struct pane_message *p, int width)
{
	int lw = width;

	doc_clear(&p->left);
	doc_clear(&p->right);
	if (p->view == VIEW_SPLIT)
		lw = (width - 1) / 2;
	if (p->big && p->view != VIEW_DECODED) {
		if (p->view == VIEW_SPLIT)
			render_big_raw(p, &p->right, width - lw - 1);
		else
			render_big_raw(p, &p->left, lw);
		if (p->view == VIEW_SPLIT)
			render_decoded(p, &p->left, lw);
	} else if (p->view == VIEW_RAW) {
		/* Split at the selected part's first header line (a line
		 * start), so v and ] can show where that part's bytes are. */
		size_t at = p->nparts > 0 ? p->parts[p->sel]->start : 0;

		if (at > p->rawlen)
			at = p->rawlen;
		add_lines(&p->left, p->raw, at, lw, ROLE_NORMAL, 1000000);
		p->raw_part_line = p->left.n;
		add_lines(&p->left, p->raw + at, p->rawlen - at, lw,
		    ROLE_NORMAL, 1000000);
	} else
		render_decoded(p, &p->left, lw);
	if (p->view == VIEW_SPLIT && !p->big)
		add_lines(&p->right, p->raw, p->rawlen, width - lw - 1,
		    ROLE_DIM, 1000000);
	p->doc_width = width;
	p->doc_valid = true;
}

bool
pane_message_action(struct pane_message *p, enum action a, int rows)
{
	long page = rows > 2 ? rows - 1 : 1, s = (long)p->scroll;

	if (p->number == 0)
		return false;
	switch (a) {
	case ACT_UP:
		s--;
		break;
	case ACT_DOWN:
		s++;
		break;
	case ACT_PAGE_UP:
		s -= page;
		break;
	case ACT_PAGE_DOWN:
		s += page;
		break;
	case ACT_TOP:
		s = 0;
		break;
	case ACT_BOTTOM:
		s = (long)p->left.n;
		break;
	case ACT_MSG_HEADERS:
		p->all_headers = !p->all_headers;
		p->doc_valid = false;
		return true;
	case ACT_MSG_RAW:
		p->view = (p->view + 1) % VIEW_COUNT;
		p->doc_valid = false;
		p->scroll = 0;
		p->jump_to_part = true;
		return true;
	case ACT_MSG_PART_NEXT:
	case ACT_MSG_PART_PREV:
		if (p->nparts == 0)
			return false;
		if (a == ACT_MSG_PART_NEXT)
			p->sel = (p->sel + 1) % p->nparts;
		else
			p->sel = (p->sel + p->nparts - 1) % p->nparts;
		p->doc_valid = false;
		p->jump_to_part = true;
		return true;
	default:
		return false;
	}
	if (s < 0)
		s = 0;
	p->scroll = (size_t)s;
	return true;
}

static void
draw_doc_line(WINDOW *w, const struct doc *d, size_t i, size_t cols)
{
	size_t used = 0;

	if (i < d->n) {
		unsigned long attr = layout_attr(d->l[i].role);

		used = width_draw(w, d->l[i].text, d->l[i].len, cols, attr);
	}
	width_pad(w, cols - used, A_NORMAL);
}

const char *
pane_message_part_label(struct pane_message *p)
{
	struct buf b;

	if (p->number == 0 || p->nparts == 0)
		return "";
	const char *ct = p->parts[p->sel]->content_type;
	struct buf e;

	buf_init(&b, sizeof(p->label) - 1);
	buf_init(&e, sizeof(p->label) - 1);
	mime_part_path(p->parts[p->sel], &b);
	/* The type comes from the message: escaped like any peer text. */
	transcript_escape(ct ? ct : "?", ct ? strlen(ct) : 1, &e);
	snprintf(p->label, sizeof(p->label), "part %s (%zu of %zu parts; "
	    "] [ move) %s",
	    b.len ? b.data : "body", p->sel + 1, p->nparts,
	    e.data ? e.data : "?");
	width_trim(p->label);
	buf_clear(&b);
	buf_clear(&e);
	return p->label;
}

void
pane_message_draw(struct pane_message *p, WINDOW *w, bool focused)
{
	int rows = getmaxy(w) - 1, cols = getmaxx(w), r, lw;
	unsigned long ta = layout_attr(focused ? ROLE_TITLE_FOCUS : ROLE_TITLE);
	static const char *const views[VIEW_COUNT] = { "decoded", "raw source",
	    "decoded | raw" };
	char t[400];
	size_t used, maxs;

	if (p->number == 0)
		snprintf(t, sizeof(t), " Message  (Enter or r on a mailbox row "
		    "opens one)");
	else
		snprintf(t, sizeof(t), " Message %llu%s  %s  [%s: v switches]",
		    (unsigned long long)p->number, p->complete ? "" :
		    p->preview != NULL ? "  (TOP preview)" : "  (headers only)", pane_message_part_label(p),
		    views[p->view]);
	width_trim(t);
	wmove(w, 0, 0);
	used = width_draw(w, t, strlen(t), (size_t)cols, ta);
	width_pad(w, (size_t)cols - used, ta);
	if (rows < 1)
		return;
	if (p->number != 0 && (!p->doc_valid || p->doc_width != cols))
		render(p, cols);
	if (p->jump_to_part) {
		p->jump_to_part = false;
		if (p->view == VIEW_RAW)
			p->scroll = p->raw_part_line;
		else if (p->part_line > 0 &&
		    (p->part_line < p->scroll ||
		    p->part_line >= p->scroll + (size_t)rows))
			p->scroll = p->part_line > 2 ? p->part_line - 2 : 0;
	}
	maxs = p->left.n > p->right.n ? p->left.n : p->right.n;
	if (maxs > (size_t)rows && p->scroll > maxs - (size_t)rows)
		p->scroll = maxs - (size_t)rows;
	if (maxs <= (size_t)rows)
		p->scroll = 0;
	lw = p->view == VIEW_SPLIT ? (cols - 1) / 2 : cols;
	for (r = 0; r < rows; r++) {
		size_t i = p->scroll + (size_t)r;

		wmove(w, r + 1, 0);
		if (p->number == 0) {
			wattrset(w, A_NORMAL);
			wclrtoeol(w);
			continue;
		}
		draw_doc_line(w, &p->left, i, (size_t)lw);
		if (p->view == VIEW_SPLIT) {
			width_draw(w, "|", 1, 1, layout_attr(ROLE_DIM));
			draw_doc_line(w, &p->right, i, (size_t)(cols - lw - 1));
		}
	}
}

/* The message's bytes for partio when they are in memory. */
static ssize_t
mem_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct pane_message *p = arg;

	if (off >= p->rawlen)
		return 0;
	if (len > p->rawlen - off)
		len = p->rawlen - (size_t)off;
	memcpy(buf, p->raw + off, len);
	return (ssize_t)len;
}

int
pane_message_save_prepare(struct pane_message *p, bool whole, char *name,
    size_t namesz)
{
	const struct mime_part *m;
	const char *suggest = NULL;
	char fb[64];

	if (p->number == 0 || !p->complete)
		return -1;
	p->save_whole = whole || p->nparts == 0;
	p->save_sel = p->sel;
	if (p->save_whole) {
		struct header_summary hs;
		struct buf h;
		char base[160];

		/* The subject names the file: from the header block only. */
		buf_init(&h, LIMIT_HEADER_BLOCK);
		if (p->big)
			(void)partio_copy(&p->src, 0, p->root != NULL ?
			    p->root->body_start : 0, &h);
		else
			(void)buf_append(&h, p->raw, p->root != NULL &&
			    p->root->body_start <= p->rawlen ?
			    p->root->body_start : p->rawlen);
		memset(&hs, 0, sizeof(hs));
		header_summary(h.data ? h.data : "", h.len, &hs);
		buf_clear(&h);
		snprintf(fb, sizeof(fb), "message-%llu",
		    (unsigned long long)p->number);
		savefile_sanitize(hs.subject, strlen(hs.subject), fb, base,
		    sizeof(base) - 4);
		header_summary_clear(&hs);
		snprintf(name, namesz, "%s.eml", base);
		return 0;
	}
	m = p->parts[p->sel];
	if (m->is_multipart || m->is_message) {
		snprintf(fb, sizeof(fb), "message-%llu-part.eml",
		    (unsigned long long)p->number);
		savefile_sanitize(NULL, 0, fb, name, namesz);
		return 0;
	}
	suggest = m->filename;
	snprintf(fb, sizeof(fb), "message-%llu-part-%zu%s",
	    (unsigned long long)p->number, p->sel + 1,
	    is_text_leaf(m) ? ".txt" : ".bin");
	savefile_sanitize(suggest, suggest ? strlen(suggest) : 0, fb, name,
	    namesz);
	return 0;
}

int
pane_message_save_write(struct pane_message *p, partio_put put, void *arg)
{
	const struct mime_part *m;
	struct partio_src mem = { mem_read, p, p->rawlen };
	const struct partio_src *src = p->big ? &p->src : &mem;
	struct buf b;
	int r;

	if (p->number == 0 || (!p->save_whole && p->save_sel >= p->nparts))
		return -1;
	if (p->save_whole)
		return partio_range(src, 0, p->rawlen, put, arg);
	m = p->parts[p->save_sel];
	/* A container is saved as its bytes, headers included. */
	if (m->is_multipart || m->is_message)
		return partio_range(src, m->start, m->end - m->start, put, arg);
	if (p->big)
		return partio_decode(src, m, put, arg);
	buf_init(&b, DECODE_MAX);
	r = mime_part_decode(m, p->raw, p->rawlen, &b);
	if (r == 0 && b.len > 0)
		r = put(arg, b.data, b.len);
	buf_clear(&b);
	return r;
}
