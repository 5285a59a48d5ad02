/* SPDX-License-Identifier: MIT */
/* Chunked arena of transcript lines: text in 1 MiB slabs, records in blocks
 * of 4096, so appending never moves what was stored; body lines kept on
 * disk go into runs of 4 bytes a line. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "front/store.h"

#define SLAB_SIZE	(1024 * 1024)
#define BLOCK_LINES	4096
#define LINE_MAX_LEN	STORE_LINE_MAX

/* Consecutive lines kept on disk (store_append_kept) of one response:
 * same kind, flags and seq, each starting where the one before ended in
 * the kept transcript, so a line costs only its offset from the first
 * (its length is the gap to the next). A 200-line RETR body is 800 bytes
 * instead of 6400 of records. */
struct run {
	size_t		 first;		/* its first line */
	size_t		 before;	/* lines in runs before it */
	size_t		 off0;		/* its first offset in offs */
	uint64_t	 kept0;		/* where its first line is kept */
	uint64_t	 seq;
	uint32_t	 n;		/* lines */
	uint32_t	 last_len;
	uint32_t	 t_ms;
	uint16_t	 flags;
	uint8_t		 kind;
};

#define RUN_PREFIX	3	/* "S: " before the kept text */
#define SCRATCH		16	/* records of run lines handed out at once */
#define OFFS_BLOCK	1024
#define OFF(s, i)	(&(s)->offblocks[(i) / OFFS_BLOCK][(i) % OFFS_BLOCK])

struct store {
	char			**slabs;
	size_t			  nslabs, slabs_cap;
	size_t			  slab_used;	/* in the last slab */
	struct store_line	**blocks;
	size_t			  nblocks, blocks_cap;
	size_t			  count;	/* lines */
	size_t			  nrec;		/* lines with a record */
	size_t			  bytes;
	struct timespec		  t0;
	struct run		 *runs;
	size_t			  nruns, runs_cap;
	uint32_t		**offblocks;	/* OFFS_BLOCK offsets each */
	size_t			  offblocks_cap, noffs, offs_cap;
	struct store_line	  scratch[SCRATCH];
	unsigned		  scratch_next;
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
	free(s->runs);
	for (i = 0; i < s->offs_cap / OFFS_BLOCK; i++)
		free(s->offblocks[i]);
	free(s->offblocks);
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

static uint32_t
now_ms(const struct store *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint32_t)((now.tv_sec - s->t0.tv_sec) * 1000 +
	    (now.tv_nsec - s->t0.tv_nsec) / 1000000);
}

size_t
store_append(struct store *s, unsigned kind, unsigned flags, uint64_t seq,
    const char *text, size_t len)
{
	struct store_line *l;
	size_t b = s->nrec / BLOCK_LINES;

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
	l = &s->blocks[b][s->nrec % BLOCK_LINES];
	s->nrec++;
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
	l->t_ms = now_ms(s);
	return s->count++;
}

/* The line goes on the newest run if it is the line before it, of the
 * same response, and follows it in the kept transcript. */
static bool
run_extends(const struct store *s, unsigned kind, unsigned flags,
    uint64_t seq, uint64_t kept)
{
	const struct run *r;
	uint64_t next;

	if (s->nruns == 0)
		return false;
	r = &s->runs[s->nruns - 1];
	if (r->first + r->n != s->count || r->kind != kind ||
	    r->flags != flags || r->seq != seq || r->n == UINT32_MAX)
		return false;
	next = r->kept0 + *OFF(s, r->off0 + r->n - 1) + RUN_PREFIX +
	    r->last_len + 1;
	return kept == next && kept - r->kept0 <= UINT32_MAX;
}

size_t
store_append_kept(struct store *s, unsigned kind, unsigned flags,
    uint64_t seq, uint64_t kept, size_t len)
{
	struct run *r;

	flags |= STORE_LF_KEPT;
	if (len > UINT32_MAX)
		len = UINT32_MAX;
	if (!run_extends(s, kind, flags, seq, kept)) {
		if (s->nruns == s->runs_cap) {
			s->runs_cap = s->runs_cap ? s->runs_cap * 2 : 16;
			s->runs = xrealloc(s->runs,
			    s->runs_cap * sizeof(*s->runs));
		}
		r = &s->runs[s->nruns];
		memset(r, 0, sizeof(*r));
		r->first = s->count;
		r->before = s->nruns > 0 ? r[-1].before + r[-1].n : 0;
		r->off0 = s->noffs;
		r->kept0 = kept;
		r->seq = seq;
		r->flags = (uint16_t)flags;
		r->kind = (uint8_t)kind;
		r->t_ms = now_ms(s);
		s->nruns++;
	}
	r = &s->runs[s->nruns - 1];
	if (s->noffs == s->offs_cap) {
		/* Blocks that never move: no copy, no hole left behind. */
		if (s->noffs / OFFS_BLOCK == s->offblocks_cap) {
			s->offblocks_cap = s->offblocks_cap ?
			    s->offblocks_cap * 2 : 16;
			s->offblocks = xrealloc(s->offblocks,
			    s->offblocks_cap * sizeof(*s->offblocks));
		}
		s->offblocks[s->noffs / OFFS_BLOCK] =
		    xmalloc(OFFS_BLOCK * sizeof(uint32_t));
		s->offs_cap += OFFS_BLOCK;
	}
	*OFF(s, s->noffs) = (uint32_t)(kept - r->kept0);
	s->noffs++;
	r->n++;
	r->last_len = (uint32_t)len;
	return s->count++;
}

size_t
store_count(const struct store *s)
{
	return s->count;
}

/* The newest run starting at or before line i, or NULL. */
static const struct run *
run_before(const struct store *s, size_t i)
{
	size_t lo = 0, hi = s->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->runs[mid].first <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 ? &s->runs[lo - 1] : NULL;
}

struct store_line *
store_at(struct store *s, size_t i)
{
	const struct run *r = run_before(s, i);
	struct store_line *l;
	size_t k, rec = i;

	if (r != NULL && i < r->first + r->n) {
		/* A run's line: made up in one of a few scratch records. */
		k = i - r->first;
		l = &s->scratch[s->scratch_next++ % SCRATCH];
		memset(l, 0, sizeof(*l));
		l->kept = r->kept0 + *OFF(s, r->off0 + k);
		l->len = k + 1 < r->n ? *OFF(s, r->off0 + k + 1) -
		    *OFF(s, r->off0 + k) - RUN_PREFIX - 1 : r->last_len;
		l->kind = r->kind;
		l->flags = r->flags;
		l->seq = r->seq;
		l->t_ms = r->t_ms;
		return l;
	}
	if (r != NULL)
		rec = i - (r->before + r->n);
	return &s->blocks[rec / BLOCK_LINES][rec % BLOCK_LINES];
}

size_t
store_bytes(const struct store *s)
{
	return s->bytes + s->runs_cap * sizeof(*s->runs) +
	    s->offs_cap * sizeof(uint32_t);
}
