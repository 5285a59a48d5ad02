/* SPDX-License-Identifier: MIT */
/* libFuzzer target: rfc2047_decode (every flag), the compat32 emulation of
 * the tests (tests/unit/rfc2047-compat32.c) and charset_to_utf8; all
 * output is UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/charset.h"
#include "proto/rfc2047.h"
#include "tests/unit/rfc2047-compat32.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;
	struct buf	 out;
	unsigned	 d, f;
	char		 name[32];
	size_t		 n;

	buf_init(&out, 1 << 20);
	for (f = 0; f <= RFC2047_F_PER_BYTE; f += RFC2047_F_PER_BYTE) {
		buf_reset(&out);
		if (rfc2047_decode(p, size, &out, f, &d) == 0 &&
		    !charset_utf8_valid(out.data ? out.data : "", out.len))
			abort();
	}
	buf_reset(&out);
	if (rfc2047_compat32_decode(p, size, &out, &d) == 0 &&
	    !charset_utf8_valid(out.data ? out.data : "", out.len))
		abort();
	/* First line: a charset name; the rest: text in it. */
	n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, p, n);
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
	n = strlen(name) + 1 < size ? strlen(name) + 1 : size;
	buf_reset(&out);
	if (charset_to_utf8(name, p + n, size - n, &out, 0, NULL) == 0 &&
	    !charset_utf8_valid(out.data ? out.data : "", out.len))
		abort();
	buf_clear(&out);
	return 0;
}
