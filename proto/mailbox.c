/* SPDX-License-Identifier: MIT */
/* The mailbox table, built from the replies a POP3 session has seen. */
#include <stdlib.h>
#include <string.h>

#include "proto/mailbox.h"
#include "base/util.h"

/* Message numbers above this are ignored: the table is dense, so a hostile
 * "1 5" ... "99999 5" listing costs at most this many entries (~8 MiB).
 * A hundred thousand messages is beyond any maildrop read over POP3. */
#define MAILBOX_MAX_NUMBER	100000
/* RFC 1939 7: a unique-id is 1 to 70 characters; keep a little more. */
#define MAILBOX_MAX_UID		256

struct mailbox {
	struct mailbox_entry	*v;
	size_t			 n, cap;
	bool			 stat_known;
	uint64_t		 stat_count, stat_size;
	uint64_t		 gen;
};

struct mailbox *
mailbox_new(void)
{
	return xcalloc(1, sizeof(struct mailbox));
}

static void
entry_clear(struct mailbox_entry *e)
{
	free(e->uid);
	free(e->header);
	free(e->preview);
}

void
mailbox_reset(struct mailbox *mb)
{
	size_t	i;

	for (i = 0; i < mb->n; i++)
		entry_clear(&mb->v[i]);
	free(mb->v);
	mb->v = NULL;
	mb->n = mb->cap = 0;
	mb->stat_known = false;
	mb->stat_count = mb->stat_size = 0;
	mb->gen++;
}

void
mailbox_free(struct mailbox *mb)
{
	if (mb == NULL)
		return;
	mailbox_reset(mb);
	free(mb);
}

static struct mailbox_entry *
entry(struct mailbox *mb, uint64_t num)
{
	size_t	ncap;

	if (num == 0 || num > MAILBOX_MAX_NUMBER)
		return NULL;
	if (num > mb->cap) {
		ncap = mb->cap ? mb->cap : 16;
		while (ncap < num)
			ncap *= 2;
		mb->v = xrealloc(mb->v, ncap * sizeof(*mb->v));
		memset(mb->v + mb->cap, 0, (ncap - mb->cap) * sizeof(*mb->v));
		mb->cap = ncap;
	}
	while (mb->n < num) {
		mb->v[mb->n].number = mb->n + 1;
		mb->n++;
	}
	return &mb->v[num - 1];
}

/* Split "n rest" into the number and the rest (one space). */
static int
num_rest(const char *p, size_t len, uint64_t *num_r, const char **rest_r,
    size_t *rest_len_r)
{
	size_t	n = 0;

	while (n < len && p[n] == ' ')
		n++;
	p += n;
	len -= n;
	n = 0;
	while (n < len && p[n] >= '0' && p[n] <= '9')
		n++;
	if (parse_uint(p, n, UINT64_MAX, num_r) == -1)
		return -1;
	while (n < len && p[n] == ' ')
		n++;
	*rest_r = p + n;
	*rest_len_r = len - n;
	/* Only the first word of the rest counts (RFC 1939 5, 7). */
	for (n = 0; n < *rest_len_r && (*rest_r)[n] != ' ' &&
	    (*rest_r)[n] != '\r'; n++)
		;
	*rest_len_r = n;
	return 0;
}

static int
set_size(struct mailbox *mb, const char *p, size_t len)
{
	struct mailbox_entry	*e;
	uint64_t		 num, size;
	const char		*rest;
	size_t			 rlen;

	if (num_rest(p, len, &num, &rest, &rlen) == -1 ||
	    parse_uint(rest, rlen, UINT64_MAX, &size) == -1 ||
	    (e = entry(mb, num)) == NULL)
		return -1;
	e->size = size;
	e->size_known = true;
	return 0;
}

static int
set_uid(struct mailbox *mb, const char *p, size_t len)
{
	struct mailbox_entry	*e;
	uint64_t		 num;
	const char		*rest;
	size_t			 rlen;

	if (num_rest(p, len, &num, &rest, &rlen) == -1 || rlen == 0 ||
	    (e = entry(mb, num)) == NULL)
		return -1;
	free(e->uid);
	e->uid = xstrndup(rest, rlen < MAILBOX_MAX_UID ? rlen :
	    MAILBOX_MAX_UID);
	return 0;
}

/* Apply fn to each line of a multi-line body. */
static int
each_line(struct mailbox *mb, const char *p, size_t len,
    int (*fn)(struct mailbox *, const char *, size_t))
{
	const char	*end = p + len, *nl;
	size_t		 n;
	int		 changed = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (fn(mb, p, n) == 0)
			changed = 1;
		p = nl != NULL ? nl + 1 : end;
	}
	return changed;
}

/* Bytes of the header block, through the empty line that ends it (or all
 * of it when there is none, as with a TOP of a header-only message). */
static size_t
header_len(const char *p, size_t len)
{
	size_t	i;

	if (len >= 2 && p[0] == '\r' && p[1] == '\n')
		return 2;
	for (i = 0; i + 3 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			return i + 4;
	return len;
}

static uint64_t
arg_number(const struct proto_event *ev, bool *ok_r)
{
	uint64_t	 num;
	const char	*rest;
	size_t		 rlen;

	*ok_r = ev->arg != NULL && num_rest(ev->arg, ev->arg_len, &num, &rest,
	    &rlen) == 0;
	return *ok_r ? num : 0;
}

/* The m of "TOP n m" (RFC 1939 7), 0 when absent or not a number. */
static uint64_t
top_lines(const struct proto_event *ev)
{
	uint64_t	 num, m;
	const char	*rest;
	size_t		 rlen;

	if (ev->arg == NULL || num_rest(ev->arg, ev->arg_len, &num, &rest,
	    &rlen) == -1 || parse_uint(rest, rlen, UINT64_MAX, &m) == -1)
		return 0;
	return m;
}

static int
apply_body(struct mailbox *mb, const struct proto_event *ev)
{
	struct mailbox_entry	*e;
	bool			 ok;
	uint64_t		 num, m;
	size_t			 hl;

	if (strcmp(ev->verb, "LIST") == 0 && ev->arg_len == 0)
		return each_line(mb, ev->text, ev->len, set_size);
	if (strcmp(ev->verb, "UIDL") == 0 && ev->arg_len == 0)
		return each_line(mb, ev->text, ev->len, set_uid);
	if (strcmp(ev->verb, "TOP") != 0 && strcmp(ev->verb, "RETR") != 0)
		return 0;
	num = arg_number(ev, &ok);
	if (!ok || (e = entry(mb, num)) == NULL)
		return -1;
	/* The text is the whole body, or (PEV_F_PARTIAL) its beginning
	 * through the header's blank line at least. */
	hl = header_len(ev->text, ev->len);
	free(e->header);
	e->header = xmalloc(hl + 1);
	memcpy(e->header, ev->text, hl);
	e->header[hl] = '\0';
	e->header_len = hl;
	if (strcmp(ev->verb, "TOP") == 0 && (m = top_lines(ev)) > 0) {
		free(e->preview);
		e->preview = xmalloc(ev->len - hl + 1);
		memcpy(e->preview, ev->text + hl, ev->len - hl);
		e->preview[ev->len - hl] = '\0';
		e->preview_len = ev->len - hl;
		e->preview_lines = m;
	}
	if (strcmp(ev->verb, "RETR") == 0) {
		/* The engine kept only the header; the front-end has the
		 * rest (mailbox_stored). */
		e->retrieved = true;
		e->message_len = ev->total;
		if (!e->size_known) {
			e->size = ev->total;
			e->size_known = true;
		}
	}
	return 1;
}

static int
apply_reply(struct mailbox *mb, const struct proto_event *ev)
{
	const struct reply_line	*r = ev->reply;
	struct mailbox_entry	*e;
	uint64_t		 count, size, num;
	const char		*rest;
	size_t			 rlen, i;
	bool			 ok, changed = false;

	if (r->pop3 != REPLY_POP3_OK)
		return 0;
	if (strcmp(ev->verb, "QUIT") == 0) {
		/* RFC 1939 6: +OK to QUIT in TRANSACTION means the UPDATE
		 * state removed the marked messages; -ERR says some were
		 * not, without saying which, so the marks stay marks. */
		for (i = 0; i < mb->n; i++)
			if (mb->v[i].deleted && !mb->v[i].expunged) {
				mb->v[i].expunged = true;
				changed = true;
			}
		return changed;
	}
	if (strcmp(ev->verb, "STAT") == 0) {
		/* RFC 1939 5: "+OK nn mm", count and size in octets. */
		if (num_rest(r->text, r->text_len, &count, &rest, &rlen) == -1 ||
		    parse_uint(rest, rlen, UINT64_MAX, &size) == -1)
			return -1;
		mb->stat_known = true;
		mb->stat_count = count;
		mb->stat_size = size;
		if (mb->n == 0 && count > 0)
			(void)entry(mb, count);
		return 1;
	}
	if (strcmp(ev->verb, "LIST") == 0 && ev->arg_len > 0)
		return set_size(mb, r->text, r->text_len) == 0 ? 1 : -1;
	if (strcmp(ev->verb, "UIDL") == 0 && ev->arg_len > 0)
		return set_uid(mb, r->text, r->text_len) == 0 ? 1 : -1;
	if (strcmp(ev->verb, "DELE") == 0) {
		num = arg_number(ev, &ok);
		if (!ok || (e = entry(mb, num)) == NULL)
			return -1;
		e->deleted = true;
		return 1;
	}
	if (strcmp(ev->verb, "RSET") == 0) {
		for (i = 0; i < mb->n; i++)
			if (mb->v[i].deleted && !mb->v[i].expunged) {
				mb->v[i].deleted = false;
				changed = true;
			}
		return changed;
	}
	return 0;
}

int
mailbox_apply(struct mailbox *mb, const struct proto_event *ev)
{
	int	r;

	if (ev->verb == NULL)
		return 0;
	if (ev->kind == PEV_BODY)
		r = apply_body(mb, ev);
	else if (ev->kind == PEV_REPLY && ev->reply != NULL &&
	    ev->reply->code == 0 && !(ev->flags & PEV_F_CONTINUE))
		r = apply_reply(mb, ev);
	else
		return 0;
	if (r == 1)
		mb->gen++;
	return r;
}

uint64_t
mailbox_stored(struct mailbox *mb, const struct proto_event *ev, uint64_t ref,
    uint64_t *old_len_r)
{
	struct mailbox_entry	*e;
	uint64_t		 num, old;
	bool			 ok;

	if (ev->kind != PEV_BODY || ev->verb == NULL ||
	    strcmp(ev->verb, "RETR") != 0)
		return 0;
	num = arg_number(ev, &ok);
	if (!ok || (e = entry(mb, num)) == NULL)
		return 0;
	old = e->stored;
	*old_len_r = e->message_len;
	e->stored = ref;
	e->message_len = ev->total;
	mb->gen++;
	return old;
}

size_t
mailbox_count(const struct mailbox *mb)
{
	return mb->n;
}

const struct mailbox_entry *
mailbox_entry(const struct mailbox *mb, size_t i)
{
	return i < mb->n ? &mb->v[i] : NULL;
}

const struct mailbox_entry *
mailbox_find(const struct mailbox *mb, uint64_t number)
{
	return number >= 1 && number <= mb->n ? &mb->v[number - 1] : NULL;
}

bool
mailbox_stat(const struct mailbox *mb, uint64_t *count_r, uint64_t *size_r)
{
	if (count_r != NULL)
		*count_r = mb->stat_count;
	if (size_r != NULL)
		*size_r = mb->stat_size;
	return mb->stat_known;
}

size_t
mailbox_deleted(const struct mailbox *mb)
{
	size_t	i, n = 0;

	for (i = 0; i < mb->n; i++)
		if (mb->v[i].deleted && !mb->v[i].expunged)
			n++;
	return n;
}

size_t
mailbox_keep(struct mailbox *mb)
{
	size_t	i, n = 0;

	for (i = 0; i < mb->n; i++)
		if (mb->v[i].deleted && !mb->v[i].expunged) {
			mb->v[i].deleted = false;
			n++;
		}
	if (n > 0)
		mb->gen++;
	return n;
}

uint64_t
mailbox_generation(const struct mailbox *mb)
{
	return mb->gen;
}
