/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the strict SASL base64 decoder (what it accepts
 * re-encodes to the same text, padding and pad bits aside), the APOP
 * timestamp finder
 * and CRAM-MD5 over a hostile challenge. */
#include <stdint.h>
#include <string.h>

#include "proto/base64.h"
#include "proto/sasl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *ts, *err;
	struct buf dec, enc;
	size_t n, tl;
	enum sasl_mech m;

	buf_init(&dec, 1 << 20);
	buf_init(&enc, 1 << 21);
	if (sasl_base64_decode(s, size, &dec) == 0) {
		n = size;
		while (n > 0 && s[n - 1] == '=')
			n--;
		if (base64_encode(dec.data, dec.len, &enc) != 0)
			__builtin_trap();
		while (enc.len > 0 && enc.data[enc.len - 1] == '=')
			buf_truncate(&enc, enc.len - 1);
		/* RFC 4648 3.5: the pad bits of the last character need not
		 * be zero, so only that character may differ. */
		if (enc.len != n || (n > 1 && memcmp(enc.data, s, n - 1) != 0))
			__builtin_trap();
	}
	buf_reset(&enc);
	if (sasl_apop_timestamp(s, size, &ts, &tl) == 0 && (ts < s ||
	    ts + tl > s + size || tl < 2 || ts[0] != '<' || ts[tl - 1] != '>'))
		__builtin_trap();
	(void)sasl_cram_md5("u", "p", 1, s, size, &enc, &err);
	(void)sasl_mech_parse(s, size, &m);
	buf_wipe(&dec);
	buf_wipe(&enc);
	return 0;
}
