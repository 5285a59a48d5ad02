/* SPDX-License-Identifier: MIT */
/* RFC 2047 encoded words ("=?charset?B?...?=") in headers, to UTF-8. */
#ifndef PROTO_RFC2047_H
#define PROTO_RFC2047_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Things wrong with encoded words in a header, as a bitmask. */
enum rfc2047_defect {
	RFC2047_DEFECT_MALFORMED	= 1 << 0, /* something like an encoded
						   * word that is not one: kept
						   * as written */
	RFC2047_DEFECT_CHARSET		= 1 << 1, /* unknown charset: decoded as
						   * ASCII, 8-bit bytes as UTF-8
						   * if valid (Python) */
	RFC2047_DEFECT_BASE64		= 1 << 2, /* bad base64 in a B word */
	RFC2047_DEFECT_UNDECODABLE	= 1 << 3, /* bytes not valid in the
						   * charset: U+FFFD */
	RFC2047_DEFECT_NO_SPACE		= 1 << 4, /* no whitespace before or
						   * after an encoded word */
	RFC2047_DEFECT_SPACE_INSIDE	= 1 << 5, /* whitespace inside an
						   * encoded word */
	RFC2047_DEFECT_8BIT		= 1 << 6, /* raw bytes >= 0x80 outside
						   * encoded words (kept if
						   * UTF-8, else U+FFFD) */
	RFC2047_DEFECT_TOO_BIG		= 1 << 7, /* output cap reached */
};
#define RFC2047_DEFECT_COUNT	8

/* Flags for rfc2047_decode(). */
enum rfc2047_flag {
	/* Raw 8-bit bytes and bytes that do not convert become one U+FFFD
	 * each instead of being read as UTF-8: what Python's address parser
	 * leaves in Address.display_name (it is not sanitised like a
	 * whole header's str()). */
	RFC2047_F_PER_BYTE	= 1 << 1,
};

/* Decode the encoded words in an unstructured header value or a display
 * name (in, len: unfolded or not; CR and LF are dropped, as Python does)
 * and append UTF-8 to out, as Python's email policy.default does: B and Q,
 * "charset*language" accepted (RFC 2231 5), whitespace between adjacent
 * encoded words dropped, words not preceded by whitespace still decoded,
 * malformed ones left as written, adjacent words in the same charset
 * joined before conversion (a multibyte character split across words
 * survives), bytes that do not convert as U+FFFD, raw 8-bit UTF-8 kept.
 * The output is always valid UTF-8. *defects_r (may be NULL) gets enum
 * rfc2047_defect bits. Returns 0, or -1 past out's cap. */
int	rfc2047_decode(const char *in, size_t len, struct buf *out,
	    unsigned flags, unsigned *defects_r);
/* Same, as a NUL-terminated string the caller frees (never NULL; the
 * cap is LIMIT_HEADER_BLOCK). */
char	*rfc2047_decode_str(const char *in, size_t len, unsigned flags,
	    unsigned *defects_r);
/* True when in contains "=?", where an encoded word could start:
 * without it rfc2047_decode() only unfolds and checks UTF-8. */
bool	rfc2047_maybe_encoded(const char *in, size_t len);
/* Decode the one encoded word at the start of in, as Python's
 * get_encoded_word() does inside a quoted parameter value (rfc2231.c):
 * returns how many input bytes it took, 0 when in does not start with a
 * valid encoded word. Its text goes to raw as UTF-8, bytes that do not
 * convert kept as they are: run charset_utf8_sanitize() on the result. */
size_t	rfc2047_decode_word(const char *in, size_t len, struct buf *raw,
	    unsigned *defects_r);
/* Name of one defect bit; "unknown" otherwise. */
const char *rfc2047_defect_name(unsigned bit);
/* Short identifier of one defect bit ("rfc2047-malformed", ...). */
const char *rfc2047_defect_id(unsigned bit);

/* Append len bytes of UTF-8 text to out as one or more "=?UTF-8?B?...?="
 * words (RFC 2047 2: at most 75 characters each, never splitting a
 * character), separated by CRLF SP, for composing headers. Returns 0/-1. */
int	rfc2047_encode(const char *in, size_t len, struct buf *out);

#endif
