/* SPDX-License-Identifier: MIT */
/* libFuzzer target: x-uuencode bodies. Never a crash; only known defect
 * bits; at most 45 bytes per line of two or more bytes (a line's length
 * character rules, and a short line is padded with zero bytes, as
 * Python's binascii.a2b_uu does). */
#include <stdint.h>
#include <stdlib.h>

#include "proto/uu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	unsigned defects = 0;
	char *name = NULL;

	buf_init(&out, 1 << 20);
	if (uu_decode((const char *)data, size, &out, &defects, &name) == 0 &&
	    out.len > 45 * (size / 2 + 1))
		__builtin_trap();
	if (defects >= (1u << UU_DEFECT_COUNT))
		__builtin_trap();
	free(name);
	buf_clear(&out);
	return 0;
}
