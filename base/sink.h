/* SPDX-License-Identifier: MIT */
/* Output through a stack chunk into a capped struct buf, so the decoders'
 * hot loops store bytes without a function call each (base64, qp, charset). */
#ifndef PROTO_SINK_H
#define PROTO_SINK_H

#include <stddef.h>
#include <string.h>

#include "base/buf.h"

struct sink {
	struct buf	*out;
	size_t		 start;	/* out->len when the sink was set up */
	size_t		 n;	/* bytes waiting in chunk */
	int		 err;	/* -1 once out's cap was reached */
	char		 chunk[8192];
};

/* Start collecting into out (appended after what it holds). */
static inline void
sink_init(struct sink *s, struct buf *out)
{
	s->out = out;
	s->start = out->len;
	s->n = 0;
	s->err = 0;
}

/* Move the waiting bytes into out; records -1 in err past its cap. */
static inline void
sink_flush(struct sink *s)
{
	if (s->n > 0 && s->err == 0 && buf_append(s->out, s->chunk, s->n) == -1)
		s->err = -1;
	s->n = 0;
}

/* Make room for n more bytes in the chunk (n <= sizeof chunk). */
static inline void
sink_reserve(struct sink *s, size_t n)
{
	if (s->n + n > sizeof(s->chunk))
		sink_flush(s);
}

static inline void
sink_put(struct sink *s, char c)
{
	if (s->n == sizeof(s->chunk))
		sink_flush(s);
	s->chunk[s->n++] = c;
}

/* Append n bytes; long runs go straight to out. */
static inline void
sink_write(struct sink *s, const char *p, size_t n)
{
	if (n >= sizeof(s->chunk) / 2) {
		sink_flush(s);
		if (s->err == 0 && buf_append(s->out, p, n) == -1)
			s->err = -1;
		return;
	}
	sink_reserve(s, n);
	memcpy(s->chunk + s->n, p, n);
	s->n += n;
}

#endif
