/* SPDX-License-Identifier: MIT */
/* RFC 5322 / 6532 header blocks: unfolding, fields kept in order, lookup, and
 * the decoded summary (subject, from, date) the mailbox view shows. */
#ifndef PROTO_HEADER_H
#define PROTO_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* One field as it stands in the block. Every string is NUL-terminated and
 * owned by the struct header; value bytes may hold NUL or raw 8-bit bytes
 * (RFC 6532 UTF-8 or worse), so use the lengths. */
struct header_field {
	char	*name;		/* as written (case kept), no colon */
	size_t	 name_len;
	char	*value;		/* after the colon, leading SP/HTAB dropped,
				 * unfolded: CR and LF removed, the white
				 * space of the fold kept (RFC 5322 2.2.3) */
	size_t	 value_len;
	size_t	 offset;	/* of the field's first byte in the block */
	size_t	 raw_len;	/* whole field with its folds and line ends */
};

/* Things wrong with a header block (where: offset in the block). */
enum header_defect_kind {
	HEADER_DEFECT_FIRST_LINE_CONTINUATION,	/* block starts with WSP */
	HEADER_DEFECT_MISSING_NAME,		/* ":value" */
	HEADER_DEFECT_MISPLACED_FROM_,		/* "From " line inside */
	HEADER_DEFECT_NO_SEPARATOR,		/* body began without blank line */
	HEADER_DEFECT_TOO_LONG,			/* block passed its limit */
	HEADER_DEFECT_COUNT
};

struct header_defect {
	enum header_defect_kind	kind;
	size_t			offset;
};

struct header {
	struct header_field	*fields;
	size_t			 count;
	size_t			 cap;
	struct header_defect	*defects;
	size_t			 ndefects;
	char			*unixfrom;	/* "From ..." envelope line or NULL */
	size_t			 bytes;		/* block bytes seen so far */
	size_t			 max;		/* cap on bytes (LIMIT_HEADER_BLOCK) */
	bool			 truncated;	/* max was reached */
	/* internal: the field being built from its lines */
	struct buf		 pending;
	size_t			 pending_offset;
	size_t			 pending_raw;
	size_t			 lines;
};

/* Set up an empty header block that accepts at most max bytes (0: the
 * default LIMIT_HEADER_BLOCK). */
void	header_init(struct header *, size_t max);
/* Free everything; the struct may be initialised again. */
void	header_clear(struct header *);
/* Name of a defect kind ("header-first-line-continuation", ...). */
const char *header_defect_name(enum header_defect_kind);

/* Is this line (with its line end) a header line in the sense of Python's
 * email.feedparser: "From ", a field name of printable ASCII then ':', or a
 * continuation starting with SP/HTAB? A blank line is not. */
bool	header_line_is_field(const char *line, size_t len);
/* Add one line (with its line end, if any) of a header block. Continuation
 * lines extend the previous field. 0, or -1 when the block passed its
 * limit (a HEADER_DEFECT_TOO_LONG defect is recorded once; later lines are
 * ignored). */
int	header_add_line(struct header *, const char *line, size_t len);
/* Finish the field being built; call once after the last line. */
void	header_end(struct header *);
/* Parse a whole header block (up to the blank line or the end of the
 * bytes; CRLF, LF-only and CR-only lines). Returns the number of bytes
 * used, including the blank line when there is one. */
size_t	header_parse(struct header *, const char *block, size_t len);

/* First field with this name (ASCII case-insensitive), or NULL. */
const struct header_field *header_get(const struct header *, const char *name);
/* Next field with this name after 'after' (NULL: the first), or NULL. */
const struct header_field *header_next(const struct header *,
	    const struct header_field *after, const char *name);
/* How many fields have this name. */
size_t	header_count(const struct header *, const char *name);

/* Decode an unstructured value (Subject, Comments, ...): RFC 2047 encoded
 * words become UTF-8, white space between adjacent encoded words is
 * dropped, raw 8-bit bytes are taken as UTF-8 (RFC 6532) and invalid ones
 * become U+FFFD. Appends to out; 0, or -1 when out is full. */
int	header_decode_unstructured(const char *, size_t, struct buf *out);

/* The decoded summary of a message's header block for the mailbox view. */
struct header_summary {
	char	*subject;	/* decoded UTF-8, "" when absent; never NULL */
	char	*from;		/* display name of the first From mailbox,
				 * or its address; decoded UTF-8; never NULL */
	char	*from_addr;	/* address of the first From mailbox or "" */
	bool	 has_date;	/* Date parsed */
	int64_t	 date;		/* seconds since the epoch (UTC) */
	int	 date_zone;	/* zone offset in minutes east of UTC */
};

/* Fill a summary from raw header bytes (a TOP n 0 answer or the start of a
 * RETR; anything after the blank line is ignored). 0 always; free with
 * header_summary_clear(). The strings are UTF-8 but still peer text:
 * escape control characters before showing them. */
int	header_summary(const char *raw, size_t len,
	    struct header_summary *sum_r);
void	header_summary_clear(struct header_summary *);

#endif
