/* SPDX-License-Identifier: MIT */
/* libFuzzer target: base64_decode, uu_decode; base64 encode-decode round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/uu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	out, enc;
	unsigned	d, pd;
	char		*name;

	buf_init(&out, 1 << 20);
	(void)base64_decode((const char *)data, size, &out, &d, &pd);
	buf_reset(&out);
	(void)uu_decode((const char *)data, size, &out, &d, &name);
	free(name);
	buf_reset(&out);
	buf_init(&enc, 1 << 22);
	if (base64_encode_lines(data, size, 76, &enc) == 0 &&
	    base64_decode(enc.data ? enc.data : "", enc.len, &out, &d,
	    &pd) == 0 &&
	    (d != 0 || out.len != size || memcmp(out.data ? out.data : "", data,
	    size) != 0))
		abort();
	buf_clear(&enc);
	buf_clear(&out);
	return 0;
}
