/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 2045 6.8, RFC 4648): tolerant decoding, strict encoding. */
#ifndef PROTO_BASE64_H
#define PROTO_BASE64_H

#include <stddef.h>

#include "base/buf.h"

/* Things wrong with a base64 body, as a bitmask (decoding carries on). */
enum base64_defect {
	BASE64_DEFECT_JUNK	= 1 << 0, /* characters outside the alphabet
					   * (not CR/LF) were skipped */
	BASE64_DEFECT_PADDING	= 1 << 1, /* '=' padding missing or wrong */
	BASE64_DEFECT_AFTER_PAD	= 1 << 2, /* data after the padding ignored */
	BASE64_DEFECT_LENGTH	= 1 << 3, /* one lone character left over:
					   * cannot be decoded, so returned
					   * as it stands (as Python) */
	BASE64_DEFECT_TOO_BIG	= 1 << 4, /* output cap of the buf reached */
};
#define BASE64_DEFECT_COUNT	5

/* Python's email package defect classes (get_payload(decode=True) through
 * email._encoded_words.decode_b), for comparison with its answers. */
enum base64_pydefect {
	BASE64_PY_PADDING	= 1 << 0, /* InvalidBase64PaddingDefect */
	BASE64_PY_CHARACTERS	= 1 << 1, /* InvalidBase64CharactersDefect */
	BASE64_PY_LENGTH	= 1 << 2, /* InvalidBase64LengthDefect */
};

/* Decode a whole base64 body (line breaks anywhere) and append the bytes
 * to out. The result equals Python's get_payload(decode=True): non-alphabet
 * bytes skipped, decoding stops at proper padding, missing padding
 * supplied, and with one character too many the input (without CR/LF) is
 * returned unchanged. *defects_r (may be NULL) gets enum base64_defect bits
 * and *pydefects_r (may be NULL) the enum base64_pydefect bits Python
 * would register. Returns 0, or -1 when out's cap was reached (what fitted
 * is kept, BASE64_DEFECT_TOO_BIG set). */
int	base64_decode(const char *in, size_t len, struct buf *out,
	    unsigned *defects_r, unsigned *pydefects_r);
/* Name of one defect bit ("junk characters", ...); "unknown" otherwise. */
const char *base64_defect_name(unsigned bit);
/* Short identifier of one defect bit ("base64-junk", ...), for JSON. */
const char *base64_defect_id(unsigned bit);
/* Python's class name for one enum base64_pydefect bit. */
const char *base64_pydefect_name(unsigned bit);

/* Append the base64 encoding of len bytes to out, padded, with no line
 * breaks (SASL, RFC 4954). Returns 0, or -1 past out's cap. */
int	base64_encode(const void *in, size_t len, struct buf *out);
/* Same, with a CRLF after every line_len output characters (76 for MIME
 * bodies, RFC 2045 6.8) and after the last line. line_len is rounded down
 * to a multiple of 4; 0 means no line breaks. Returns 0 or -1. */
int	base64_encode_lines(const void *in, size_t len, size_t line_len,
	    struct buf *out);
/* Exact length base64_encode() produces for len bytes. */
size_t	base64_encoded_len(size_t len);

#endif
