/* SPDX-License-Identifier: MIT */
/* libFuzzer target: proto/hint.c fed lines as received replies (with a verb
 * taken from the input) and as typed lines; nothing may crash or read past
 * a line, and the strings it returns are always printable constants. */
#include <stdint.h>
#include <string.h>

#include "proto/hint.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const verbs[] = { "", "USER", "PASS", "AUTH", "CAPA",
	    "EHLO", "MAIL", "RCPT", "DATA", "RSET", "QUIT", "STLS" };
	const char *p = (const char *)data, *end = p + size, *nl;
	struct hint_ctx c;
	struct hint h;
	size_t len, keep;

	hint_init(&c, size > 0 && (data[0] & 1) ? HINT_SMTP : HINT_POP3);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && (p[0] & 0x80))
			hint_line(&c, p + 1, len - 1, &h);
		else
			hint_received(&c, verbs[len % (sizeof(verbs) /
			    sizeof(*verbs))], p, len);
		(void)hint_secret_keep(&c, p, len, &keep);
		(void)hint_is_secret(&c, p, len);
		(void)hint_expects(&c);
		if (c.rcpts > 1000000 || keep > len)
			__builtin_trap();
		if ((p[0] & 0x40) && len > 0)
			hint_tls(&c);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}
