/* SPDX-License-Identifier: MIT */
/* libFuzzer target for proto/reader.c: the first byte picks the protocol
 * and the split size; a body is expected after every "+OK" when bit 1 is
 * set. Whole-input and split feeding must yield the same items. */
#include <stdint.h>
#include <string.h>

#include "proto/reader.h"

static uint64_t
drive(enum reply_proto proto, bool bodies, const uint8_t *p, size_t len,
    size_t split)
{
	struct reader		*r = reader_new(proto);
	struct reader_item	 it;
	const char		*err;
	uint64_t		 h = 1469598103934665603ull;
	size_t			 off = 0, n, i;
	int			 ret;

	while (off < len) {
		n = len - off < split ? len - off : split;
		if (reader_feed(r, (const char *)p + off, n) == -1)
			break;
		off += n;
		while ((ret = reader_next(r, &it, &err)) == 1) {
			h = (h ^ (uint64_t)it.kind) * 1099511628211ull;
			for (i = 0; i < it.len; i++)
				h = (h ^ (uint8_t)it.line[i]) *
				    1099511628211ull;
			if (it.kind == READER_BODY_LINE)
				h = (h ^ it.data_len) * 1099511628211ull;
			if (bodies && it.kind == READER_LINE && it.len >= 3 &&
			    memcmp(it.line, "+OK", 3) == 0)
				reader_expect_body(r);
		}
		if (ret == -1) {
			h ^= 0xdead;
			break;
		}
	}
	(void)reader_pending(r);
	(void)reader_mid_reply(r);
	reader_free(r);
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum reply_proto	proto;
	bool			bodies;
	size_t			split;
	uint64_t		a, b;

	if (size < 1)
		return 0;
	proto = (data[0] & 1) ? REPLY_POP3 : REPLY_SMTP;
	bodies = (data[0] & 2) != 0;
	split = 1 + (data[0] >> 2);
	a = drive(proto, bodies, data + 1, size - 1, size);
	b = drive(proto, bodies, data + 1, size - 1, split);
	if (a != b)
		__builtin_trap();
	return 0;
}
