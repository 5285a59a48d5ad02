/* SPDX-License-Identifier: MIT */
/* The message pane: decoded headers (all of them one key away), the MIME
 * tree from the message engine, the selected part decoded to UTF-8 and
 * wrapped; raw source as a toggle or side by side; saving a part or the
 * whole message. */
#ifndef UI_PANE_MESSAGE_H
#define UI_PANE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "front/action.h"
#include "front/partio.h"

struct _win_st;
struct pane_message;

struct pane_message *pane_message_new(void);
void		 pane_message_free(struct pane_message *);
/* Show message number from raw bytes (copied); complete is false when
 * only the header (TOP n 0) is known. */
void		 pane_message_open(struct pane_message *, uint64_t number,
		    const char *raw, size_t len, bool complete);
/* Show a retrieved message read from where it is stored: one up to 16 MiB
 * is read into memory, a larger one stays there and is read by byte range
 * (its tree parsed a chunk at a time, the raw view and a text part shown
 * from their first 4 MiB, saving streamed). The source must stay readable
 * while shown. 0, or -1 when it cannot be read. */
int		 pane_message_open_source(struct pane_message *, uint64_t number,
		    const struct partio_src *);
/* The same taking raw (malloc'd, NUL-terminated at len): no copy. */
void		 pane_message_open_owned(struct pane_message *, uint64_t number,
		    char *raw, size_t len, bool complete);
/* Give a header-only message the body lines of its TOP preview (raw
 * message bytes, CRLF or LF lines; escaped when drawn), shown under a label
 * saying that only the first lines (TOP n lines) are here. */
void		 pane_message_preview(struct pane_message *, const char *text,
		    size_t len, uint64_t lines);
/* Forget the message shown. */
void		 pane_message_close(struct pane_message *);
/* The message number shown (0 if none) and whether it is complete. */
uint64_t	 pane_message_number(const struct pane_message *,
		    bool *complete_r);
/* Scrolling, part selection, header and raw toggles. True on change. */
bool		 pane_message_action(struct pane_message *, enum action,
		    int rows);
/* Draw with a title row. */
void		 pane_message_draw(struct pane_message *, struct _win_st *,
		    bool focused);
/* Choose what to save: the selected part (transfer-decoded) or the whole
 * message; name gets a suggested safe file name. -1 when there is nothing
 * (no message, or only its header). */
int		 pane_message_save_prepare(struct pane_message *, bool whole,
		    char *name, size_t namesz);
/* Hand the bytes chosen by pane_message_save_prepare to put, a chunk at a
 * time (a large message is read from its store, never whole). 0, or -1
 * when reading, decoding or put failed. */
int		 pane_message_save_write(struct pane_message *, partio_put,
		    void *arg);
/* A one-line summary of the selected part for the status line. */
const char	*pane_message_part_label(struct pane_message *);

#endif
