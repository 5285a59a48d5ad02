/* SPDX-License-Identifier: MIT */
/* libFuzzer target: reply_parse_line, meaning_reply, caps_add_line and
 * caps_explain_line on one input line, both protocols; meaning_explain. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/caps.h"
#include "proto/meaning.h"
#include "proto/reply.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *err;
	enum reply_proto pr;
	char	*s;
	struct buf e;

	for (pr = REPLY_SMTP; pr <= REPLY_POP3; pr++) {
		struct reply_line r;
		struct caps c;
		struct buf b;

		buf_init(&b, 1 << 16);
		if (reply_parse_line(pr, p, size, &r, &err) == 0)
			(void)meaning_reply(pr, &r, "RCPT", &b);
		caps_init(&c);
		(void)caps_add_line(&c, pr, p, size);
		(void)caps_explain_line(pr, p, size, &b);
		caps_clear(&c);
		buf_clear(&b);
	}
	/* meaning_explain takes a C string typed by the user. */
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	buf_init(&e, 1 << 16);
	(void)meaning_explain(s, &e, &err);
	buf_clear(&e);
	free(s);
	return 0;
}
