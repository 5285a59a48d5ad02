/* SPDX-License-Identifier: MIT */
/* libFuzzer target: lesson files are a learner's or a trainer's input:
 * lesson_parse on any bytes, then every step checked against a reply and
 * every pattern matched against the input; nothing may crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/lesson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*err, *p = (const char *)data;
	struct lesson		*l = lesson_parse(p, size, &err);
	struct reply_line	 r;
	size_t			 i;

	if (l == NULL)
		return 0;
	if (reply_parse_line(REPLY_SMTP, "250 2.0.0 ok", 12, &r, &err) != 0)
		__builtin_trap();
	for (i = 0; i < l->nsteps; i++) {
		(void)lesson_check(&l->steps[i], "MAIL", p, size > 64 ? 64 :
		    size, &r);
		(void)lesson_check(&l->steps[i], "PASS", NULL, 0, &r);
		(void)lesson_match(l->steps[i].pattern, p, size);
	}
	lesson_free(l);
	return 0;
}
