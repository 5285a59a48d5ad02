/* SPDX-License-Identifier: MIT */
/* libFuzzer target: RFC 5322 address lists. Never a crash; every mailbox
 * comes back with its three strings present and valid UTF-8. */
#include <stdint.h>
#include <string.h>

#include "proto/address.h"
#include "proto/charset.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address_list al;
	size_t i, n;

	address_list_init(&al);
	n = address_parse((const char *)data, size, &al);
	if (n != al.count)
		__builtin_trap();
	for (i = 0; i < al.count; i++) {
		const struct address *a = &al.items[i];

		if (!charset_utf8_valid(a->name, strlen(a->name)) ||
		    !charset_utf8_valid(a->addr, strlen(a->addr)) ||
		    !charset_utf8_valid(a->group, strlen(a->group)))
			__builtin_trap();
	}
	address_list_clear(&al);
	return 0;
}
