/* SPDX-License-Identifier: MIT */
/* Chunked arena of transcript lines: text in 1 MiB slabs, records in blocks
 * of 4096, so appending never moves what was stored. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "front/store.h"

#define SLAB_SIZE	(1024 * 1024)
#define BLOCK_LINES	4096
#define LINE_MAX_LEN	STORE_LINE_MAX

struct store {
	char			**slabs;
	size_t			  nslabs, slabs_cap;
	size_t			  slab_used;	/* in the last slab */
	struct store_line	**blocks;
	size_t			  nblocks, blocks_cap;
	size_t			  count;
	size_t			  bytes;
	struct timespec		  t0;
};

struct store *
store_new(void)
{
	struct store *s = xcalloc(1, sizeof(*s));

	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	return s;
}

void
store_free(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nslabs; i++)
		free(s->slabs[i]);
	for (i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	free(s->slabs);
	free(s->blocks);
	free(s);
}

static char *
arena_alloc(struct store *s, size_t len)
{
	if (s->nslabs == 0 || s->slab_used + len > SLAB_SIZE) {
		if (s->nslabs == s->slabs_cap) {
			s->slabs_cap = s->slabs_cap ? s->slabs_cap * 2 : 16;
			s->slabs = xrealloc(s->slabs,
			    s->slabs_cap * sizeof(*s->slabs));
		}
		s->slabs[s->nslabs++] = xmalloc(SLAB_SIZE);
		s->slab_used = 0;
		s->bytes += SLAB_SIZE;
	}
	s->slab_used += len;
	return s->slabs[s->nslabs - 1] + s->slab_used - len;
}

size_t
store_append(struct store *s, unsigned kind, unsigned flags, uint64_t seq,
    const char *text, size_t len)
{
	struct store_line *l;
	struct timespec now;
	size_t b = s->count / BLOCK_LINES;

	if (len > LINE_MAX_LEN)
		len = LINE_MAX_LEN;
	if (b == s->nblocks) {
		if (s->nblocks == s->blocks_cap) {
			s->blocks_cap = s->blocks_cap ? s->blocks_cap * 2 : 64;
			s->blocks = xrealloc(s->blocks,
			    s->blocks_cap * sizeof(*s->blocks));
		}
		s->blocks[s->nblocks++] =
		    xmalloc(BLOCK_LINES * sizeof(struct store_line));
		s->bytes += BLOCK_LINES * sizeof(struct store_line);
	}
	l = &s->blocks[b][s->count % BLOCK_LINES];
	memset(l, 0, sizeof(*l));
	if (len > 0) {
		char *p = arena_alloc(s, len);

		memcpy(p, text, len);
		l->text = p;
	} else
		l->text = "";
	l->len = (uint32_t)len;
	l->kind = (uint8_t)kind;
	l->flags = (uint16_t)flags;
	l->seq = seq;
	clock_gettime(CLOCK_MONOTONIC, &now);
	l->t_ms = (uint32_t)((now.tv_sec - s->t0.tv_sec) * 1000 +
	    (now.tv_nsec - s->t0.tv_nsec) / 1000000);
	return s->count++;
}

size_t
store_append_kept(struct store *s, unsigned kind, unsigned flags,
    uint64_t seq, uint64_t kept, size_t len)
{
	size_t i = store_append(s, kind, flags | STORE_LF_KEPT, seq, "", 0);
	struct store_line *l = store_at(s, i);

	l->kept = kept;
	l->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	return i;
}

size_t
store_count(const struct store *s)
{
	return s->count;
}

struct store_line *
store_at(struct store *s, size_t i)
{
	return &s->blocks[i / BLOCK_LINES][i % BLOCK_LINES];
}

size_t
store_bytes(const struct store *s)
{
	return s->bytes;
}
