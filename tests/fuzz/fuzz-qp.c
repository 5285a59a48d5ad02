/* SPDX-License-Identifier: MIT */
/* libFuzzer target: qp_decode, qp_decode_q; qp encode-decode round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/qp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	out, enc;
	unsigned	d;

	buf_init(&out, 1 << 20);
	(void)qp_decode((const char *)data, size, &out, &d);
	buf_reset(&out);
	(void)qp_decode_q((const char *)data, size, &out, &d);
	buf_reset(&out);
	/* The encoder writes line breaks as CRLF: compare inputs with none. */
	buf_init(&enc, 1 << 22);
	if (memchr(data, '\n', size) == NULL &&
	    memchr(data, '\r', size) == NULL &&
	    qp_encode(data, size, &enc) == 0 &&
	    qp_decode(enc.data ? enc.data : "", enc.len, &out, &d) == 0 &&
	    (out.len != size ||
	    memcmp(out.data ? out.data : "", data, size) != 0))
		abort();
	buf_clear(&enc);
	buf_clear(&out);
	return 0;
}
