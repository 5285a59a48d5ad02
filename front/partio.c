/* SPDX-License-Identifier: MIT */
/* Reading a stored message by range: parse, copy and decode in chunks. */
#include <stdlib.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/qp.h"
#include "base/util.h"
#include "front/partio.h"

/* A uuencoded body is decoded whole (rare and old); past this, refused. */
#define PARTIO_UU_MAX	(64u * 1024 * 1024)

struct mime_part *
partio_parse(const struct partio_src *src)
{
	struct mime_parser	*mp = mime_parser_new(NULL);
	struct mime_part	*root;
	char			*chunk = xmalloc(PARTIO_CHUNK);
	uint64_t		 off = 0;
	ssize_t			 n;

	while (off < src->len) {
		n = src->read(src->arg, off, chunk, PARTIO_CHUNK);
		if (n <= 0)
			break;
		mime_parser_feed(mp, chunk, (size_t)n);
		off += (uint64_t)n;
	}
	free(chunk);
	root = mime_parser_finish(mp);
	mime_parser_free(mp);
	if (off < src->len) {
		mime_part_free(root);
		return NULL;
	}
	return root;
}

int
partio_range(const struct partio_src *src, uint64_t off, uint64_t len,
    partio_put put, void *arg)
{
	char		*chunk = xmalloc(PARTIO_CHUNK);
	ssize_t		 n;
	size_t		 want;
	int		 r = 0;

	if (off > src->len)
		off = src->len;
	if (len > src->len - off)
		len = src->len - off;
	while (len > 0 && r == 0) {
		want = len < PARTIO_CHUNK ? (size_t)len : PARTIO_CHUNK;
		n = src->read(src->arg, off, chunk, want);
		if (n <= 0) {
			r = -1;
			break;
		}
		r = put(arg, chunk, (size_t)n);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(chunk);
	return r;
}

static int
put_buf(void *arg, const char *p, size_t n)
{
	return buf_append(arg, p, n);
}

int
partio_copy(const struct partio_src *src, uint64_t off, uint64_t len,
    struct buf *out)
{
	return partio_range(src, off, len, put_buf, out);
}

/* Base64 a chunk at a time: the alphabet characters are gathered and
 * decoded four at a time, the rest (a quantum cut by the chunk) carried
 * to the next chunk; the last piece gets base64_decode's whole treatment
 * (padding, a lone character). Non-alphabet bytes are skipped, as
 * base64_decode skips them. */
struct b64 {
	partio_put	 put;
	void		*arg;
	char		*clean;		/* alphabet characters waiting */
	size_t		 n;
	bool		 ended;		/* '=' seen: decoding stopped */
	struct buf	 out;
};

static bool
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

static int
b64_flush(struct b64 *b, size_t upto, bool last)
{
	int r;

	buf_reset(&b->out);
	if (base64_decode(b->clean, upto, &b->out, NULL, NULL) == -1 && !last)
		return -1;
	r = b->out.len > 0 ? b->put(b->arg, b->out.data, b->out.len) : 0;
	memmove(b->clean, b->clean + upto, b->n - upto);
	b->n -= upto;
	return r;
}

static int
b64_put(void *arg, const char *p, size_t len)
{
	struct b64	*b = arg;
	size_t		 i;

	if (b->ended)
		return 0;
	for (i = 0; i < len; i++) {
		if (!b64_char((unsigned char)p[i]))
			continue;
		b->clean[b->n++] = p[i];
		if (p[i] == '=') {
			/* Padding ends the data: the rest is decoded at the
			 * end, as one piece, and anything after ignored. */
			b->ended = true;
			return 0;
		}
	}
	/* Decode whole quanta now; keep the remainder. */
	if (b->n >= 4 && b->n - b->n % 4 > 0)
		return b64_flush(b, b->n - b->n % 4, false);
	return 0;
}

static int
decode_b64(const struct partio_src *src, const struct mime_part *m,
    partio_put put, void *arg)
{
	struct b64	b;
	int		r;

	memset(&b, 0, sizeof(b));
	b.put = put;
	b.arg = arg;
	/* A chunk's characters plus the carried remainder fit. */
	b.clean = xmalloc(PARTIO_CHUNK + 8);
	buf_init(&b.out, PARTIO_CHUNK);
	r = partio_range(src, m->body_start,
	    m->body_end - m->body_start, b64_put, &b);
	if (r == 0)
		r = b64_flush(&b, b.n, true);
	free(b.clean);
	buf_clear(&b.out);
	return r;
}

/* Quoted-printable a line at a time: a chunk is decoded up to its last
 * line end (soft breaks and =XX never straddle that), the rest carried. */
struct qp {
	partio_put	 put;
	void		*arg;
	struct buf	 carry;
	struct buf	 out;
};

static int
qp_run(struct qp *q, const char *p, size_t n)
{
	buf_reset(&q->out);
	if (qp_decode(p, n, &q->out, NULL) == -1)
		return -1;
	return q->out.len > 0 ? q->put(q->arg, q->out.data, q->out.len) : 0;
}

static int
qp_put(void *arg, const char *p, size_t len)
{
	struct qp	*q = arg;
	const char	*nl = NULL;
	size_t		 k;
	int		 r;

	for (k = len; k > 0; k--)
		if (p[k - 1] == '\n') {
			nl = p + k - 1;
			break;
		}
	if (nl == NULL)
		return buf_append(&q->carry, p, len);
	k = (size_t)(nl - p) + 1;
	if (buf_append(&q->carry, p, k) == -1)
		return -1;
	r = qp_run(q, q->carry.data, q->carry.len);
	buf_reset(&q->carry);
	if (r == 0 && k < len)
		r = buf_append(&q->carry, p + k, len - k);
	return r;
}

static int
decode_qp(const struct partio_src *src, const struct mime_part *m,
    partio_put put, void *arg)
{
	struct qp	q;
	int		r;

	memset(&q, 0, sizeof(q));
	q.put = put;
	q.arg = arg;
	/* A body line may be as long as the reader allows (1 MiB), twice
	 * for the chunk it shares. */
	buf_init(&q.carry, 4 * PARTIO_CHUNK);
	buf_init(&q.out, 8 * PARTIO_CHUNK);
	r = partio_range(src, m->body_start, m->body_end - m->body_start,
	    qp_put, &q);
	if (r == 0 && q.carry.len > 0)
		r = qp_run(&q, q.carry.data, q.carry.len);
	buf_clear(&q.carry);
	buf_clear(&q.out);
	return r;
}

int
partio_decode(const struct partio_src *src, const struct mime_part *m,
    partio_put put, void *arg)
{
	struct mime_part	 tmp;
	struct buf		 raw, out;
	int			 r;

	if (m->is_multipart || (m->is_message && m->cte != MIME_CTE_BASE64 &&
	    m->cte != MIME_CTE_QP && m->cte != MIME_CTE_UUENCODE))
		return -1;
	if (m->body_end < m->body_start)
		return 0;
	switch (m->cte) {
	case MIME_CTE_BASE64:
		return decode_b64(src, m, put, arg);
	case MIME_CTE_QP:
		return decode_qp(src, m, put, arg);
	case MIME_CTE_UUENCODE:
		/* Decoded whole by mime.c, from a copy of the body alone:
		 * the part's offsets moved to the copy's start. */
		if (m->body_end - m->body_start > PARTIO_UU_MAX)
			return -1;
		buf_init(&raw, PARTIO_UU_MAX);
		buf_init(&out, PARTIO_UU_MAX);
		tmp = *m;
		tmp.start = tmp.body_start = 0;
		tmp.body_end = tmp.end = m->body_end - m->body_start;
		r = partio_copy(src, m->body_start, tmp.body_end, &raw);
		if (r == 0)
			r = mime_part_decode(&tmp, raw.data ? raw.data : "",
			    raw.len, &out);
		if (r == 0 && out.len > 0)
			r = put(arg, out.data, out.len);
		buf_clear(&raw);
		buf_clear(&out);
		return r;
	default:
		return partio_range(src, m->body_start,
		    m->body_end - m->body_start, put, arg);
	}
}
