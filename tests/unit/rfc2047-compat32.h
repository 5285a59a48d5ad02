/* SPDX-License-Identifier: MIT */
/* Python compat32's make_header(decode_header()), for tests and fuzzing. */
#ifndef TESTS_UNIT_RFC2047_COMPAT32_H
#define TESTS_UNIT_RFC2047_COMPAT32_H

#include <stddef.h>

#include "base/buf.h"

/* Python compat32's make_header(decode_header()), as mime_ref.py uses it:
 * words found by email.header.ecre, whitespace-only runs between them
 * dropped, a space added between encoded and plain chunks, strict
 * conversion; where Python raises (unknown charset, bad bytes, bad
 * base64) the value comes back as it stands, 8-bit bytes as U+FFFD.
 * Appends UTF-8 to out; *defects_r (may be NULL) gets enum
 * rfc2047_defect bits. Returns 0, or -1 past out's cap. */
int	rfc2047_compat32_decode(const char *in, size_t len, struct buf *out,
	    unsigned *defects_r);
/* Same, as a string the caller frees (cap LIMIT_HEADER_BLOCK). */
char	*rfc2047_compat32_decode_str(const char *in, size_t len,
	    unsigned *defects_r);

#endif
