/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the MIME parser, fed whole and in two pieces (the trees must match), and leaf decoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
same(const struct mime_part *a, const struct mime_part *b)
{
	const struct mime_part *x, *y;

	if (a->start != b->start || a->body_start != b->body_start ||
	    a->body_end != b->body_end || a->end != b->end ||
	    a->nchildren != b->nchildren || a->ndefects != b->ndefects ||
	    strcmp(a->content_type, b->content_type) != 0)
		return false;
	for (x = a->first_child, y = b->first_child; x && y;
	    x = x->next, y = y->next)
		if (!same(x, y))
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct mime_limits lim = { .depth = 20, .parts = 200,
	    .header_block = 8192, .line = 4096 };
	struct mime_part *whole, *split, *p;
	struct mime_parser *mp;
	size_t	cut = size ? (data[0] * 257u + data[size - 1]) % size : 0;

	whole = mime_parse(s, size, &lim);
	/* the same bytes in pieces give the same tree */
	mp = mime_parser_new(&lim);
	(void)mime_parser_feed(mp, s, cut);
	(void)mime_parser_feed(mp, s + cut, size - cut);
	split = mime_parser_finish(mp);
	mime_parser_free(mp);
	if (!same(whole, split))
		abort();
	for (p = whole; p != NULL; p = mime_part_walk(whole, p)) {
		struct buf b;

		buf_init(&b, 1 << 20);
		(void)mime_part_decode_defects(p, s, size, &b);
		buf_reset(&b);
		(void)mime_part_decode_text(p, s, size, &b);
		buf_clear(&b);
	}
	mime_part_free(whole);
	mime_part_free(split);
	return 0;
}
