/* SPDX-License-Identifier: MIT */
/* libFuzzer target: splitting mbox files (RFC 4155). At least one message,
 * in order, inside the input, never overlapping. */
#include <stdint.h>
#include <stdlib.h>

#include "proto/mbox.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbox_msg *m;
	size_t i, n, end = 0;

	n = mbox_split((const char *)data, size, &m);
	if (n < 1 || m == NULL)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if (m[i].from_line > m[i].start || m[i].start > size ||
		    m[i].len > size - m[i].start || (i > 0 &&
		    m[i].from_line < end))
			__builtin_trap();
		end = m[i].start + m[i].len;
	}
	free(m);
	(void)mbox_is_from_line((const char *)data, size);
	return 0;
}
