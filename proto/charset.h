/* SPDX-License-Identifier: MIT */
/* Text in any charset real mail uses, converted to UTF-8 (iconv). */
#ifndef PROTO_CHARSET_H
#define PROTO_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* How a conversion went (Dovecot's charset_result). */
enum charset_result {
	CHARSET_RET_OK = 0,	/* every byte converted */
	CHARSET_RET_INCOMPLETE,	/* input ended inside a character: U+FFFD
				 * appended for the tail */
	CHARSET_RET_INVALID,	/* some bytes were not valid in the charset:
				 * U+FFFD in their place */
	CHARSET_RET_UNKNOWN,	/* the charset name is unknown: converted as
				 * us-ascii (U+FFFD per byte >= 0x80) */
};

/* Flags for charset_to_utf8(). */
enum charset_flag {
	/* U+FFFD for each bad byte rather than each bad sequence (Python's
	 * errors="surrogateescape" as email headers see it). Bodies decode like
	 * Python's errors="replace": one U+FFFD per maximal bad subpart in
	 * UTF-8, per bad byte with iconv. */
	CHARSET_F_PER_BYTE	= 1 << 0,
	/* Keep bytes that do not convert as they are instead of U+FFFD (the
	 * output is then not valid UTF-8 until charset_utf8_sanitize()):
	 * Python's surrogateescape, used by rfc2047.c. */
	CHARSET_F_RAW_INVALID	= 1 << 1,
	/* Give up (nothing appended, return 1) when a byte below 0x80 does
	 * not convert or an ISO-2022 escape is unknown (glibc would pass it
	 * through): Python's surrogateescape cannot keep those, and its
	 * email package then leaves the encoded word undecoded. */
	CHARSET_F_REJECT_ASCII	= 1 << 2,
	/* No superset where the named charset fails (gb2312 read strictly,
	 * not as GBK/GB18030; euc-kr not as CP949): Python's narrow codecs. */
	CHARSET_F_NARROW	= 1 << 3,
};

/* Convert len bytes in the charset called name (NULL or "" means us-ascii;
 * case, '-', '_' and aliases as real mail writes them: latin1, utf8,
 * cp1252, x-sjis, ks_c_5601-1987, gb2312 read as GBK, ...) to UTF-8,
 * appended to out. Bytes that do not convert become U+FFFD (see flags,
 * enum charset_flag). *result_r (may be NULL) says how it went. us-ascii
 * and UTF-8 are handled without iconv; iconv handles are cached per charset
 * (process-wide, not thread-safe). Returns 0, or -1 when out's cap was
 * reached (what fitted is kept), or 1 when CHARSET_F_REJECT_ASCII gave up. */
int	charset_to_utf8(const char *name, const char *in, size_t len,
	    struct buf *out, unsigned flags, enum charset_result *result_r);
/* True when name is a charset we can convert (known alias or iconv knows
 * it). "unknown-8bit" and "x-unknown" are not known. */
bool	charset_known(const char *name);
/* Canonical display name of a charset ("ISO-8859-1" for "latin1",
 * "windows-1252" for "cp1252"): a static string, or NULL when unknown. */
const char *charset_canonical(const char *name);
/* True when name means UTF-8 (or us-ascii, its subset): no conversion. */
bool	charset_is_utf8(const char *name);
/* True when len bytes are valid UTF-8 (no overlongs, surrogates or code
 * points past U+10FFFF). */
bool	charset_utf8_valid(const char *in, size_t len);
/* Append len bytes to out, each maximal invalid UTF-8 subpart replaced by
 * one U+FFFD (Python's bytes.decode("utf-8", "replace")). Returns 0 or -1
 * past out's cap. *changed_r (may be NULL) tells whether any was replaced. */
int	charset_utf8_sanitize(const char *in, size_t len, struct buf *out,
	    bool *changed_r);
/* Name of a result ("ok", "incomplete", "invalid", "unknown charset"). */
const char *charset_result_name(enum charset_result);
/* Close the cached iconv handles (at exit, or in tests for leak checks). */
void	charset_cache_free(void);

#endif
