/* SPDX-License-Identifier: MIT */
/* x-uuencode bodies ("begin 644 name" ... "end"): tolerant decoding. */
#ifndef PROTO_UU_H
#define PROTO_UU_H

#include <stddef.h>

#include "base/buf.h"

/* Things wrong with a uuencoded body, as a bitmask. */
enum uu_defect {
	UU_DEFECT_NO_BEGIN	= 1 << 0, /* no "begin MODE NAME" line: the
					   * input is returned as it stands */
	UU_DEFECT_NO_END	= 1 << 1, /* input ended before "end": what was
					   * decoded is kept (Python 3.11) */
	UU_DEFECT_BAD_LINE	= 1 << 2, /* garbage after a line's data: the
					   * line is cut to its length (Python);
					   * an empty or undecodable line: the
					   * input is returned as it stands */
	UU_DEFECT_TOO_BIG	= 1 << 3, /* output cap of the buf reached */
};
#define UU_DEFECT_COUNT		4

/* Decode a uuencoded body and append the bytes to out, as Python's email
 * package does for Content-Transfer-Encoding x-uuencode: lines before
 * "begin" are skipped, each line's length character decides its byte
 * count, '`' counts as zero, decoding ends at "end" (or the input's end);
 * with no begin line, or an empty or undecodable line, the input is
 * appended unchanged (Python 3.11's email.message._decode_uu).
 * If name_r is not NULL it gets
 * the file name from the begin line (malloc'd, caller frees) or NULL.
 * Returns 0, or -1 past out's cap. */
int	uu_decode(const char *in, size_t len, struct buf *out,
	    unsigned *defects_r, char **name_r);
/* Name of one defect bit; "unknown" otherwise. */
const char *uu_defect_name(unsigned bit);

#endif
