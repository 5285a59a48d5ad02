/* SPDX-License-Identifier: MIT */
/* Event -> one transcript line ("C: " / "S: " / "* " / "= "), with peer
 * bytes escaped and secrets redacted. The one escaping function lives here. */
#ifndef PROTO_TRANSCRIPT_H
#define PROTO_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "proto/event.h"

/* The redaction text shown for every secret. */
#define TRANSCRIPT_REDACTED	"********"

/* Append bytes to out made safe for a terminal: printable ASCII and valid
 * UTF-8 printable characters pass; everything else becomes visible: "\r",
 * "\n", "\t", "\xNN" for other C0 controls, DEL and every byte of invalid
 * UTF-8 (overlong, surrogate, truncated), and "\u{XXXX}" for every valid
 * code point transcript_cp_unsafe() names: C1 controls ("\u{0085}"), the
 * whole Unicode Cf class (bidi controls "\u{202E}", U+200B "\u{200B}",
 * U+FEFF, U+00AD, tags "\u{E0041}"...) and U+2028/U+2029. A backslash is
 * doubled ("\\") so the escaping is reversible and a peer cannot forge an
 * escape. Returns 0, or -1 when out is full (what fitted is kept). */
int	transcript_escape(const char *, size_t, struct buf *out);

/* The inverse of transcript_escape, for a saved transcript read back
 * (mailbench replay): "\\", "\r", "\n", "\t", "\xNN" and "\u{X..}" become
 * the bytes they stand for; anything else is kept as it is. The result is
 * peer bytes again: escape it before it reaches a terminal. Returns 0, or
 * -1 when out is full. */
int	transcript_unescape(const char *, size_t, struct buf *out);

/* True for a code point never written raw to a terminal: C0, DEL, C1,
 * U+2028/U+2029 and the Unicode format characters (general category Cf,
 * Unicode 15.1). The screen's widths (front/width.c) use the same test. */
bool	transcript_cp_unsafe(uint32_t cp);

/* The longest prefix of s (len bytes) of at most max bytes that does not
 * end inside a UTF-8 sequence: a multi-byte character the cut (or the
 * end of s) falls inside is dropped whole. Invalid bytes count as one
 * character each. max >= len trims only an incomplete sequence at the end
 * (left by a truncating snprintf). Returns the prefix length. */
size_t	transcript_cut(const char *s, size_t len, size_t max);

/* The prefix for an event kind: "C: ", "S: ", "= ", "* ", or NULL for
 * kinds that are no transcript line (PEV_REPLY, PEV_BODY). */
const char *transcript_prefix(enum proto_event_kind);

/* Append the full line for ev (prefix + escaped text, no newline) to out;
 * secrets (PEV_F_SECRET) show as their first secret_keep bytes then
 * "********" unless reveal. Returns 1 when a line was written, 0 when the
 * event is no transcript line, -1 when out is full. */
int	transcript_format(const struct proto_event *, bool reveal,
	    struct buf *out);

/* Same without the prefix (for front-ends that draw prefixes themselves). */
int	transcript_text(const struct proto_event *, bool reveal,
	    struct buf *out);

#endif
