/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the session engines: hostile server bytes, mixed
 * with typed commands and workbench commands picked by control bytes. No
 * input may crash, hang or put a raw ESC into a transcript line. */
#include <stdint.h>
#include <string.h>

#include "proto/mailbox.h"
#include "proto/session.h"
#include "proto/transcript.h"

static const char *const typed[] = {
	"USER a", "PASS b", "STAT", "LIST", "UIDL", "TOP 1 0", "RETR 1",
	"DELE 1", "RSET", "CAPA", "STLS", "QUIT", "/load", "/auth plain u",
	"/auth login u", "/auth cram-md5 u", "/auth apop u", "/auth user u",
	"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", ".x", ".",
	"/starttls", "/send", "a@b", "", "AUTH LOGIN", "secret",
	"AUTH PLAIN", "/auth xoauth2 u", "*",
};

static void
drain(struct session *s, struct mailbox *mb)
{
	struct proto_event	ev;
	struct buf		b;

	buf_init(&b, 1 << 26);
	while (session_event(s, &ev) == 1) {
		mailbox_apply(mb, &ev);
		buf_reset(&b);
		if (transcript_format(&ev, false, &b) == 1 &&
		    memchr(b.data, 0x1b, b.len) != NULL)
			__builtin_trap();
	}
	buf_clear(&b);
	buf_consume(session_output(s), session_output(s)->len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session	*s;
	struct mailbox	*mb;
	size_t		 i = 1, n;

	if (size < 1)
		return 0;
	mb = mailbox_new();
	s = session_new((data[0] & 1) ? REPLY_POP3 : REPLY_SMTP, NULL);
	while (i < size) {
		/* 0xff k: submit typed[k]; 0xfe: TLS done; 0xfd: the user
		 * cancels (Esc); else bytes up to the next control byte. */
		if (data[i] == 0xff && i + 1 < size) {
			const char *t = typed[data[i + 1] %
			    (sizeof(typed) / sizeof(typed[0]))];

			session_submit(s, t, strlen(t), NULL);
			i += 2;
		} else if (data[i] >= 0xfd) {
			if (data[i] == 0xfe)
				session_tls_done(s);
			else if (data[i] == 0xfd)
				session_cancel(s);
			i++;
		} else {
			for (n = i; n < size && data[n] < 0xfd; n++)
				;
			session_input(s, (const char *)data + i, n - i);
			i = n;
		}
		drain(s, mb);
	}
	session_eof(s);
	drain(s, mb);
	session_free(s);
	mailbox_free(mb);
	return 0;
}
