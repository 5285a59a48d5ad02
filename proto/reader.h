/* SPDX-License-Identifier: MIT */
/* Pure incremental reply reader: bytes from the peer in any split in,
 * complete reply lines and POP3 multi-line bodies out. It never looks at
 * session state: the engine tells it, after a +OK status line, whether a
 * dot-terminated body follows. */
#ifndef PROTO_READER_H
#define PROTO_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "proto/reply.h"

enum reader_kind {
	READER_LINE,		/* a reply line (SMTP line or POP3 status) */
	READER_BODY_LINE,	/* one line of a POP3 multi-line body, as on
				 * the wire (still stuffed) */
	READER_BODY_END,	/* the lone "." ending the body */
};

struct reader_item {
	enum reader_kind kind;
	/* The line without its line end (CRLF or bare LF), as received. May
	 * hold NUL bytes only if the reader was told to allow them. */
	const char	*line;
	size_t		 len;
	/* READER_LINE, SMTP: the code (100..599 digits checked) and whether
	 * this is the last line of the reply (RFC 5321 4.2.1). POP3: code 0,
	 * last always true. */
	int		 code;
	bool		 last;
	/* READER_BODY_LINE: the line carried a stuffing "." (removed in
	 * data). */
	bool		 stuffed;
	/* READER_BODY_LINE: the line dot-unstuffed (RFC 1939 3), without its
	 * line end; points into line. The reader keeps no body: a consumer
	 * that wants the payload joins these lines with CRLF itself. */
	const char	*data;
	size_t		 data_len;
};

struct reader;

/* A reader for one protocol. Never NULL. */
struct reader	*reader_new(enum reply_proto);
void		 reader_free(struct reader *);
/* Buffer more bytes from the peer; 0, or -1 when more than LIMIT_BODY_LINE
 * bytes are waiting without a line end (the reader is then failed). */
int		 reader_feed(struct reader *, const char *, size_t);
/* Next complete item: 1 and *item_r filled (pointers valid until the next
 * reader call), 0 when more bytes are needed, -1 with *errstr_r (constant)
 * on a protocol violation: line longer than LIMIT_REPLY_LINE (body lines:
 * LIMIT_BODY_LINE), reply over LIMIT_REPLY_TOTAL, NUL byte in a reply line, SMTP line without a 3-digit code or with a
 * code different from the reply's first line. After -1 the reader stays
 * failed. NUL bytes inside a body line are kept (messages may carry them;
 * the transcript escapes them as \x00); in a reply line they are an error. */
int		 reader_next(struct reader *, struct reader_item *item_r,
		    const char **errstr_r);
/* Told by the engine right after a READER_LINE "+OK": a dot-terminated
 * body follows (RETR, TOP, LIST, UIDL, CAPA...). */
void		 reader_expect_body(struct reader *);
/* Bytes received but not yet returned as items. */
size_t		 reader_pending(const struct reader *);
/* Drop what is buffered (bytes injected after a STARTTLS/STLS reply);
 * returns how many bytes were dropped. */
size_t		 reader_discard(struct reader *);
/* The bytes a technician needs to see when the reply stream broke: after
 * reader_next or reader_feed failed on a line (too long, NUL byte, bad
 * SMTP code), that line as received (without its line end); otherwise the
 * bytes of an unfinished line (what a close mid-line cuts). Length in
 * *len_r (0: nothing); valid until the next reader call. Never NULL. */
const char	*reader_partial(const struct reader *, size_t *len_r);
/* True in the middle of a reply: part of a line, an SMTP reply before its
 * last line, or a POP3 body before its ".". */
bool		 reader_mid_reply(const struct reader *);

#endif
