/* SPDX-License-Identifier: MIT */
/* libFuzzer target for proto/command.c and transcript_escape(): any typed
 * line is classified without reading past it, and a secret's kept prefix
 * never covers more than the line. */
#include <stdint.h>
#include <string.h>

#include "proto/command.h"
#include "proto/transcript.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command	 c;
	const char	*err;
	struct buf	 b;
	int		 p;

	for (p = 0; p < 2; p++) {
		if (command_parse(p ? REPLY_POP3 : REPLY_SMTP,
		    (const char *)data, size, &c, &err) == 0) {
			if (c.secret_keep > size || c.arg < (const char *)data ||
			    c.arg + c.arg_len > (const char *)data + size)
				__builtin_trap();
		}
	}
	command_continuation((const char *)data, size, &c);
	buf_init(&b, 16 * size + 16);
	if (transcript_escape((const char *)data, size, &b) == 0 &&
	    b.data != NULL && memchr(b.data, 0x1b, b.len) != NULL)
		__builtin_trap();
	buf_clear(&b);
	return 0;
}
