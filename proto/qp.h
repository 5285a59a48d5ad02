/* SPDX-License-Identifier: MIT */
/* Quoted-printable (RFC 2045 6.7) and RFC 2047 "Q": decoding, encoding. */
#ifndef PROTO_QP_H
#define PROTO_QP_H

#include <stddef.h>

#include "base/buf.h"

/* Things wrong with quoted-printable text, as a bitmask. */
enum qp_defect {
	QP_DEFECT_BAD_ESCAPE	= 1 << 0, /* '=' not followed by two hex digits
					   * or a line break: kept as written */
	QP_DEFECT_TRAILING_EQ	= 1 << 1, /* '=' at the very end: dropped */
	QP_DEFECT_LOWER_HEX	= 1 << 2, /* "=3d": accepted, RFC says upper */
	QP_DEFECT_TOO_BIG	= 1 << 3, /* output cap of the buf reached */
};
#define QP_DEFECT_COUNT		4

/* Decode a quoted-printable body and append the bytes to out, as Python's
 * quopri/binascii.a2b_qp does (so decoded sizes agree): "=XX" (either case)
 * is a byte, "=" before CR/LF is a soft line break (anything between '='
 * and LF after a CR is dropped too), "==" gives "=", a bad escape is kept
 * as written, line ends and trailing whitespace are kept as they are.
 * *defects_r (may be NULL) gets enum qp_defect bits. Returns 0, or -1 when
 * out's cap was reached. */
int	qp_decode(const char *in, size_t len, struct buf *out,
	    unsigned *defects_r);
/* Decode the RFC 2047 4.2 "Q" encoding of an encoded word's text: '_' is
 * a space, "=XX" a byte, anything else (a lone '=', too) as written.
 * Returns 0 or -1 past out's cap. */
int	qp_decode_q(const char *in, size_t len, struct buf *out,
	    unsigned *defects_r);
/* Name of one defect bit; "unknown" otherwise. */
const char *qp_defect_name(unsigned bit);
/* Short identifier of one defect bit ("qp-bad-escape", ...), for JSON. */
const char *qp_defect_id(unsigned bit);

/* Append the quoted-printable encoding of len bytes to out: CRLF and LF in
 * the input are line breaks (written as CRLF), lines are soft-broken at 76
 * characters, '=', controls, bytes >= 0x80 and whitespace before a line end
 * are escaped. Returns 0 or -1 past out's cap. */
int	qp_encode(const void *in, size_t len, struct buf *out);

#endif
