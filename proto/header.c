/* SPDX-License-Identifier: MIT */
/* Header blocks (RFC 5322 2.2, RFC 6532): fields in order, unfolded, looked up by name. */
#include <stdlib.h>
#include <string.h>

#include "proto/address.h"
#include "proto/date.h"
#include "proto/header.h"
#include "proto/limits.h"
#include "proto/rfc2047.h"
#include "base/util.h"

static const char *const defect_names[HEADER_DEFECT_COUNT] = {
	[HEADER_DEFECT_FIRST_LINE_CONTINUATION] = "first-line-continuation",
	[HEADER_DEFECT_MISSING_NAME] = "missing-header-name",
	[HEADER_DEFECT_MISPLACED_FROM_] = "misplaced-envelope-from",
	[HEADER_DEFECT_NO_SEPARATOR] = "missing-header-body-separator",
	[HEADER_DEFECT_TOO_LONG] = "header-block-too-long",
};

const char *
header_defect_name(enum header_defect_kind k)
{
	if ((unsigned)k >= HEADER_DEFECT_COUNT)
		return "unknown";
	return defect_names[k];
}

void
header_init(struct header *h, size_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max ? max : LIMIT_HEADER_BLOCK;
	buf_init(&h->pending, h->max + 16);
}

void
header_clear(struct header *h)
{
	size_t	i;

	for (i = 0; i < h->count; i++) {
		free(h->fields[i].name);
		free(h->fields[i].value);
	}
	free(h->fields);
	free(h->defects);
	free(h->unixfrom);
	buf_clear(&h->pending);
	memset(h, 0, sizeof(*h));
}

static void
add_defect(struct header *h, enum header_defect_kind k, size_t off)
{
	if (h->ndefects >= LIMIT_DEFECTS)
		return;
	/* grow by doubling: a hostile block may hold a defect a line */
	if ((h->ndefects & (h->ndefects - 1)) == 0)
		h->defects = xrealloc(h->defects, (h->ndefects ?
		    h->ndefects * 2 : 1) * sizeof(*h->defects));
	h->defects[h->ndefects].kind = k;
	h->defects[h->ndefects].offset = off;
	h->ndefects++;
}

/* Python's feedparser headerRE: ^(From |[\041-\071\073-\176]*:|[\t ]). */
bool
header_line_is_field(const char *line, size_t len)
{
	size_t	i;

	if (len == 0)
		return false;
	if (line[0] == ' ' || line[0] == '\t')
		return true;
	if (len >= 5 && memcmp(line, "From ", 5) == 0)
		return true;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			return true;
		if (c < 041 || c > 0176)
			return false;
	}
	return false;
}

/* Close the field in h->pending: name up to the colon, value unfolded. */
static void
flush(struct header *h)
{
	struct header_field *f;
	const char *p = h->pending.data, *colon;
	size_t	 len = h->pending.len, i, vlen;
	char	*v;

	if (len == 0)
		return;
	colon = memchr(p, ':', len);
	if (colon == NULL) {
		buf_reset(&h->pending);
		return;
	}
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->fields = xrealloc(h->fields, h->cap * sizeof(*h->fields));
	}
	f = &h->fields[h->count++];
	f->name_len = (size_t)(colon - p);
	f->name = xstrndup(p, f->name_len);
	i = f->name_len + 1;
	/* Python's header_source_parse: lstrip(' \t') of the first line. */
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	v = xmalloc(len - i + 1);
	vlen = 0;
	for (; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			v[vlen++] = p[i];
	v[vlen] = '\0';
	f->value = v;
	f->value_len = vlen;
	f->offset = h->pending_offset;
	f->raw_len = h->pending_raw;
	buf_reset(&h->pending);
}

int
header_add_line(struct header *h, const char *line, size_t len)
{
	size_t	off = h->bytes;

	if (h->truncated)
		return -1;
	if (len > h->max || h->bytes > h->max - len) {
		h->truncated = true;
		add_defect(h, HEADER_DEFECT_TOO_LONG, off);
		flush(h);
		return -1;
	}
	h->bytes += len;
	h->lines++;
	if (len == 0)
		return 0;
	if (line[0] == ' ' || line[0] == '\t') {
		if (h->pending.len == 0) {
			add_defect(h, HEADER_DEFECT_FIRST_LINE_CONTINUATION,
			    off);
			return 0;
		}
		(void)buf_append(&h->pending, line, len);
		h->pending_raw += len;
		return 0;
	}
	flush(h);
	if (len >= 5 && memcmp(line, "From ", 5) == 0) {
		if (h->lines == 1 && h->unixfrom == NULL) {
			size_t n = len;

			while (n > 0 && (line[n - 1] == '\n' ||
			    line[n - 1] == '\r'))
				n--;
			h->unixfrom = xstrndup(line, n);
		} else
			add_defect(h, HEADER_DEFECT_MISPLACED_FROM_, off);
		return 0;
	}
	if (memchr(line, ':', len) == NULL || line[0] == ':') {
		add_defect(h, HEADER_DEFECT_MISSING_NAME, off);
		return 0;
	}
	(void)buf_append(&h->pending, line, len);
	h->pending_offset = off;
	h->pending_raw = len;
	return 0;
}

void
header_end(struct header *h)
{
	flush(h);
}

/* Length of the line at p (with its CRLF, LF or CR end). */
static size_t
line_len(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			return i + 1;
		if (p[i] == '\r')
			return (i + 1 < len && p[i + 1] == '\n') ? i + 2 : i + 1;
	}
	return len;
}

size_t
header_parse(struct header *h, const char *block, size_t len)
{
	size_t	pos = 0;

	while (pos < len) {
		size_t n = line_len(block + pos, len - pos);

		if (block[pos] == '\r' || block[pos] == '\n') {
			pos += n;
			break;
		}
		if (!header_line_is_field(block + pos, n)) {
			add_defect(h, HEADER_DEFECT_NO_SEPARATOR, pos);
			break;
		}
		if (header_add_line(h, block + pos, n) == -1) {
			pos += n;
			break;
		}
		pos += n;
	}
	header_end(h);
	return pos;
}

const struct header_field *
header_next(const struct header *h, const struct header_field *after,
    const char *name)
{
	size_t	i = after ? (size_t)(after - h->fields) + 1 : 0;

	for (; i < h->count; i++)
		if (slice_eq_ci(h->fields[i].name, h->fields[i].name_len,
		    name))
			return &h->fields[i];
	return NULL;
}

const struct header_field *
header_get(const struct header *h, const char *name)
{
	return header_next(h, NULL, name);
}

size_t
header_count(const struct header *h, const char *name)
{
	const struct header_field *f = NULL;
	size_t	n = 0;

	while ((f = header_next(h, f, name)) != NULL)
		n++;
	return n;
}

int
header_decode_unstructured(const char *v, size_t len, struct buf *out)
{
	return rfc2047_decode(v, len, out, 0, NULL);
}

int
header_summary(const char *raw, size_t len, struct header_summary *sum_r)
{
	struct header_summary *r = sum_r;
	struct header		 h;
	const struct header_field *f;
	struct address_list	 al;

	memset(r, 0, sizeof(*r));
	header_init(&h, 0);
	header_parse(&h, raw, len);
	if ((f = header_get(&h, "subject")) != NULL)
		r->subject = rfc2047_decode_str(f->value, f->value_len, 0,
		    NULL);
	else
		r->subject = xstrdup("");
	r->from = NULL;
	r->from_addr = NULL;
	if ((f = header_get(&h, "from")) != NULL) {
		address_list_init(&al);
		address_parse(f->value, f->value_len, &al);
		if (al.count > 0) {
			r->from_addr = xstrdup(al.items[0].addr);
			r->from = xstrdup(al.items[0].name[0] != '\0' ?
			    al.items[0].name : al.items[0].addr);
		}
		address_list_clear(&al);
		if (r->from == NULL)
			r->from = rfc2047_decode_str(f->value, f->value_len,
			    0, NULL);
	}
	if (r->from == NULL)
		r->from = xstrdup("");
	if (r->from_addr == NULL)
		r->from_addr = xstrdup("");
	if ((f = header_get(&h, "date")) != NULL) {
		struct date_value d;

		if (date_parse(f->value, f->value_len, &d) == 0) {
			r->has_date = true;
			r->date = d.timestamp;
			r->date_zone = d.has_zone ? d.zone : 0;
		}
	}
	header_clear(&h);
	return 0;
}

void
header_summary_clear(struct header_summary *r)
{
	free(r->subject);
	free(r->from);
	free(r->from_addr);
	memset(r, 0, sizeof(*r));
}
