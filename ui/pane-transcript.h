/* SPDX-License-Identifier: MIT */
/* The transcript pane: every C:, S:, * and = line from the store, coloured by
 * direction and reply class, with follow mode, scrollback, search, a
 * pairing gutter, reply timings and foldable TLS details. */
#ifndef UI_PANE_TRANSCRIPT_H
#define UI_PANE_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "front/action.h"

struct _win_st;
struct store;
struct pane_transcript;

/* A pane over store (not owned). */
struct pane_transcript *pane_transcript_new(struct store *);
void		 pane_transcript_free(struct pane_transcript *);
/* Add a line (already escaped and redacted by the driver). Returns the
 * store index. */
size_t		 pane_transcript_append(struct pane_transcript *, unsigned kind,
		    unsigned flags, uint64_t seq, const char *text, size_t len);
/* Reads up to len bytes at off of the transcript kept on disk (the
 * driver's, see driver_line.kept_off): bytes read, 0 at the end, -1. */
typedef ssize_t	(*pane_transcript_read_fn)(void *arg, uint64_t off, void *,
		    size_t len);
/* Let the pane fold long bodies: past the first 200 body lines of one
 * response, lines appended with a kept_off are not stored but read back
 * through fn when the fold is opened (Enter) or searched. */
void		 pane_transcript_set_reader(struct pane_transcript *,
		    pane_transcript_read_fn fn, void *arg);
/* pane_transcript_append for a line the driver kept on disk at kept_off
 * (DRIVER_NOT_KEPT: not kept); returns the store index of the line or of
 * the fold it went into. */
size_t		 pane_transcript_append_kept(struct pane_transcript *,
		    unsigned kind, unsigned flags, uint64_t seq,
		    const char *text, size_t len, uint64_t kept_off);
/* Scrolling and pane actions; rows is the pane's text height. True when
 * something changed. */
bool		 pane_transcript_action(struct pane_transcript *, enum action,
		    int rows);
/* Search for needle (case-insensitive, width_fold(): also Latin, Greek
 * and Cyrillic) from the cursor: dir < 0 older lines, > 0 newer, wrapping
 * once. 0 found (cursor moved), -1 not. */
int		 pane_transcript_search(struct pane_transcript *,
		    const char *needle, int dir);
/* How many shown lines hold needle; *nth_r gets the cursor line's place
 * among them (1-based), 0 when it holds none. */
size_t		 pane_transcript_matches(const struct pane_transcript *,
		    const char *needle, size_t *nth_r);
/* Draw into w (title row first). */
void		 pane_transcript_draw(struct pane_transcript *,
		    struct _win_st *, bool focused);
/* Lines shown / stored. */
size_t		 pane_transcript_lines(const struct pane_transcript *);
/* Append the whole transcript as text ("C: ..." lines with "\n") to out;
 * -1 when out is full. */
int		 pane_transcript_text(const struct pane_transcript *,
		    struct buf *out);
/* True while following new lines. */
bool		 pane_transcript_following(const struct pane_transcript *);

#endif
