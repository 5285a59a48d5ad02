/* SPDX-License-Identifier: MIT */
/* Incremental reply reader: lines, SMTP multi-line grouping, POP3 bodies. */
#include <stdlib.h>
#include <string.h>

#include "proto/dot.h"
#include "proto/limits.h"
#include "proto/reader.h"
#include "base/util.h"

struct reader {
	enum reply_proto proto;
	struct buf	 in;		/* received, not yet returned from off */
	size_t		 off;
	bool		 in_body;	/* inside a POP3 multi-line body */
	bool		 in_reply;	/* SMTP reply started, last line not seen */
	int		 reply_code;
	size_t		 reply_total;
	const char	*err;		/* set once failed */
	size_t		 bad_off;	/* the line that failed the reader */
	size_t		 bad_len;
	bool		 has_bad;
};

struct reader *
reader_new(enum reply_proto proto)
{
	struct reader	*r = xcalloc(1, sizeof(*r));

	r->proto = proto;
	/* One read chunk on top of the longest line we accept. */
	buf_init(&r->in, LIMIT_BODY_LINE + LIMIT_OUTPUT);
	return r;
}

void
reader_free(struct reader *r)
{
	if (r == NULL)
		return;
	buf_clear(&r->in);
	free(r);
}

static int
fail(struct reader *r, const char *why)
{
	r->err = why;
	return -1;
}

/* Fail on the line at [off, off + len) of the input buffer, remembered for
 * reader_partial. */
static int
fail_line(struct reader *r, size_t off, size_t len, const char *why)
{
	r->bad_off = off;
	r->bad_len = len;
	r->has_bad = true;
	return fail(r, why);
}

int
reader_feed(struct reader *r, const char *p, size_t len)
{
	if (r->err != NULL)
		return -1;
	/* Items handed out before this call are no longer in use: compact. */
	if (r->off > 0) {
		buf_consume(&r->in, r->off);
		r->off = 0;
	}
	if (buf_append(&r->in, p, len) == -1)
		return fail_line(r, r->off, r->in.len - r->off,
		    "peer sent too much without a line end");
	return 0;
}

static int
smtp_line(struct reader *r, struct reader_item *it)
{
	struct reply_line	 rl;
	const char		*err;

	/* The one SMTP reply-line grammar is reply.c's (RFC 5321 4.2). */
	if (reply_parse_line(REPLY_SMTP, it->line, it->len, &rl, &err) == -1)
		return fail(r, err);
	it->code = rl.code;
	/* RFC 5321 4.2.1: only the last line has a space (or nothing)
	 * after the code; every line of a reply has the same code. */
	it->last = rl.last;
	if (r->in_reply && it->code != r->reply_code)
		return fail(r, "reply code changed inside a multi-line reply");
	r->reply_code = it->code;
	r->reply_total += it->len + 2;
	if (r->reply_total > LIMIT_REPLY_TOTAL)
		return fail(r, "multi-line reply longer than 64 KiB");
	r->in_reply = !it->last;
	if (it->last)
		r->reply_total = 0;
	return 1;
}

int
reader_next(struct reader *r, struct reader_item *it, const char **errstr_r)
{
	const char	*start, *nl;
	size_t		 avail, limit, len, skip;

	memset(it, 0, sizeof(*it));
	if (r->err != NULL)
		goto err;
	start = r->in.data + r->off;
	avail = r->in.len - r->off;
	limit = r->in_body ? LIMIT_BODY_LINE : LIMIT_REPLY_LINE;
	nl = avail > 0 ? memchr(start, '\n', avail) : NULL;
	if (nl == NULL) {
		if (avail > limit + 1) {
			fail_line(r, r->off, avail, r->in_body ?
			    "body line longer than 1 MiB" :
			    "reply line longer than 4096 bytes");
			goto err;
		}
		return 0;
	}
	len = (size_t)(nl - start);
	r->off += len + 1;
	/* RFC 5321 2.3.8 / RFC 1939 3 want CRLF; a bare LF is tolerated. */
	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (len > limit) {
		fail_line(r, (size_t)(start - r->in.data), len, r->in_body ?
		    "body line longer than 1 MiB" :
		    "reply line longer than 4096 bytes");
		goto err;
	}
	it->line = start;
	it->len = len;

	if (r->in_body) {
		if (dot_is_terminator(start, len)) {
			it->kind = READER_BODY_END;
			r->in_body = false;
			return 1;
		}
		/* The body is not kept here: each line is handed out as it
		 * comes, so a message of any size costs one line of memory.
		 * The consumer decides what to keep (or spool). */
		it->kind = READER_BODY_LINE;
		skip = dot_unstuff_skip(start, len);
		it->stuffed = skip > 0;
		it->data = start + skip;
		it->data_len = len - skip;
		return 1;
	}

	it->kind = READER_LINE;
	/* A NUL inside a reply line has no meaning in either protocol and
	 * is a classic way to truncate what a C string shows: refuse. */
	if (memchr(start, '\0', len) != NULL) {
		fail_line(r, (size_t)(start - r->in.data), len,
		    "NUL byte in a reply line");
		goto err;
	}
	if (r->proto == REPLY_SMTP) {
		if (smtp_line(r, it) == -1) {
			fail_line(r, (size_t)(start - r->in.data), len,
			    r->err);
			goto err;
		}
		return 1;
	}
	it->last = true;
	return 1;
err:
	if (errstr_r != NULL)
		*errstr_r = r->err;
	return -1;
}

void
reader_expect_body(struct reader *r)
{
	r->in_body = true;
}

size_t
reader_pending(const struct reader *r)
{
	return r->in.len - r->off;
}

size_t
reader_discard(struct reader *r)
{
	size_t	n = r->in.len - r->off;

	buf_reset(&r->in);
	r->off = 0;
	return n;
}

bool
reader_mid_reply(const struct reader *r)
{
	return r->in.len > r->off || r->in_reply || r->in_body;
}

const char *
reader_partial(const struct reader *r, size_t *len_r)
{
	if (r->has_bad) {
		*len_r = r->bad_len;
		return r->in.data + r->bad_off;
	}
	*len_r = r->in.len - r->off;
	return *len_r > 0 ? r->in.data + r->off : "";
}
