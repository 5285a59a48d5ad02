/* SPDX-License-Identifier: MIT */
/* The transcript line store: millions of lines cheaply, in a chunked text
 * arena with a chunked index, O(1) append and O(1) lookup by line number. */
#ifndef UI_STORE_H
#define UI_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store_line {
	union {
		const char *text; /* not NUL-terminated; valid until
				   * store_free */
		uint64_t kept;	/* STORE_LF_KEPT: where the line ("S: "
				 * and text) is in the transcript kept on
				 * disk; the text is not in memory */
	};
	uint32_t	 len;
	uint16_t	 flags;	/* DRIVER_LF_* and STORE_LF_* */
	uint8_t		 kind;	/* enum driver_line_kind */
	uint8_t		 pad;
	uint32_t	 dt_us;	/* reply time since its command, 0 if none */
	uint32_t	 t_ms;	/* arrival, ms since the store was made */
	uint64_t	 seq;	/* pairing with a command, 0 if none */
};

/* The longest line kept; a longer one is cut to this many bytes. */
#define STORE_LINE_MAX		(64 * 1024)

/* Store-private flags above the driver's. */
#define STORE_LF_TLSDETAIL	0x100	/* folded into the TLS line above */
#define STORE_LF_FOLD		0x200	/* stands for body lines kept on disk
					 * (pane-transcript.c) */
#define STORE_LF_KEPT		0x400	/* text on disk at kept, len bytes
					 * after a 3-byte prefix */

struct store;

/* A new, empty store; store_free() releases it and all its text. */
struct store	*store_new(void);
void		 store_free(struct store *);
/* Copy a line in; returns its index, or (size_t)-1 if the line was longer
 * than the store accepts (it is cut to 64 KiB first, so never in
 * practice). The returned record may be changed through store_at(). */
size_t		 store_append(struct store *, unsigned kind, unsigned flags,
		    uint64_t seq, const char *text, size_t len);
/* A line whose text stays on disk (a message body line the driver kept,
 * kept being where its 3-byte prefix starts): consecutive such lines of
 * one response, each kept right after the one before, share one record
 * and cost 4 bytes each. Returns its index. */
size_t		 store_append_kept(struct store *, unsigned kind,
		    unsigned flags, uint64_t seq, uint64_t kept, size_t len);
size_t		 store_count(const struct store *);
/* The record of line i (< store_count), writable for dt_us and flags
 * except for a kept line (store_append_kept): that one is made up in a
 * scratch record, valid until 16 more store_at calls, and writes to it
 * are lost. */
struct store_line *store_at(struct store *, size_t i);
/* Bytes held (text and index), for the status of a huge transcript. */
size_t		 store_bytes(const struct store *);

#endif
