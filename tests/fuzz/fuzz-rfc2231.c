/* SPDX-License-Identifier: MIT */
/* libFuzzer target: rfc2231_parse, lookups, rfc2231_filename; all output is UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/charset.h"
#include "proto/rfc2231.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
utf8(const char *s)
{
	if (s != NULL && !charset_utf8_valid(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfc2231_value v;
	char	*f;
	size_t	 i;

	(void)rfc2231_parse((const char *)data, size, &v);
	utf8(v.value);
	utf8(v.type);
	utf8(v.subtype);
	for (i = 0; i < v.nparams; i++) {
		utf8(v.params[i].name);
		utf8(v.params[i].value);
	}
	(void)rfc2231_get(&v, "charset");
	f = rfc2231_filename(&v, &v);
	utf8(f);
	free(f);
	rfc2231_value_clear(&v);
	return 0;
}
