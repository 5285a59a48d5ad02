/* SPDX-License-Identifier: MIT */
/* libFuzzer target: proto/hint.c asked about typed lines while a session
 * is fed server bytes and typed lines from the input (the hints read only
 * the engine's facts); nothing may crash or read past a line, and the
 * strings it returns are always constants. */
#include <stdint.h>
#include <string.h>

#include "proto/command.h"
#include "proto/hint.h"
#include "proto/session.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	enum reply_proto proto = size > 0 && (data[0] & 1) ? REPLY_SMTP :
	    REPLY_POP3;
	struct session *s = session_new(proto, NULL);
	struct session_facts f;
	struct proto_event ev;
	struct buf *w;
	struct hint h;
	size_t len, keep;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && (p[0] & 0x80))
			session_submit(s, p + 1, len - 1, NULL);
		else {
			session_input(s, p, len);
			session_input(s, "\r\n", 2);
		}
		if (len > 0 && (p[0] & 0x40))
			session_tls_done(s);
		while (session_event(s, &ev) == 1)
			;
		w = session_output(s);
		buf_consume(w, w->len);
		session_facts(s, &f);
		hint_line(&f, p, len, &h);
		(void)hint_expects(&f);
		if (command_is_secret(f.proto, f.sasl_open, p, len, &keep) &&
		    keep > len)
			__builtin_trap();
		p += len + (nl ? 1 : 0);
	}
	session_free(s);
	return 0;
}
