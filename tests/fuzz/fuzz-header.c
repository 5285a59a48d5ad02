/* SPDX-License-Identifier: MIT */
/* libFuzzer target: header blocks, the mailbox summary, address lists and dates. */
#include <stdint.h>
#include <stdlib.h>

#include "proto/address.h"
#include "proto/date.h"
#include "proto/header.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct header h;
	struct header_summary sum;
	struct address_list al;
	struct date_value d;
	size_t	i;

	header_init(&h, 4096);
	(void)header_parse(&h, s, size);
	address_list_init(&al);
	for (i = 0; i < h.count; i++) {
		struct buf b;

		buf_init(&b, 1 << 16);
		(void)header_decode_unstructured(h.fields[i].value,
		    h.fields[i].value_len, &b);
		buf_clear(&b);
		(void)address_parse(h.fields[i].value, h.fields[i].value_len,
		    &al);
		if (date_parse(h.fields[i].value, h.fields[i].value_len,
		    &d) == 0) {
			buf_init(&b, 64);
			(void)date_iso(&d, &b);
			buf_clear(&b);
		}
	}
	address_list_clear(&al);
	header_clear(&h);
	(void)header_summary(s, size, &sum);
	header_summary_clear(&sum);
	return 0;
}
