/* SPDX-License-Identifier: MIT */
/* libFuzzer target: mailbench URLs (front/url.c). A URL that parses has a
 * host and a port 1..65535, and prints back as host:port. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/reply.h"
#include "base/util.h"
#include "front/url.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), hp[600];
	struct url u;
	const char *err;
	uint64_t port;

	memcpy(s, data, size);
	s[size] = '\0';
	if (url_parse(s, &u, &err) == 0) {
		if (u.host == NULL || parse_uint(u.port, strlen(u.port), 65535,
		    &port) != 0 || port == 0)
			__builtin_trap();
		url_hostport(&u, hp, sizeof(hp));
		url_clear(&u);
	}
	free(s);
	return 0;
}
