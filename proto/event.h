/* SPDX-License-Identifier: MIT */
/* struct proto_event: the one record both session engines (pop3.c, smtp.c,
 * through session.c) emit; the driver turns them into transcript lines,
 * status changes and mailbox updates. */
#ifndef PROTO_EVENT_H
#define PROTO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/reply.h"

enum proto_event_kind {
	PEV_SENT,		/* "C: " bytes put on the wire (without CRLF) */
	PEV_RECEIVED,		/* "S: " one line from the peer (without CRLF) */
	PEV_MEANING,		/* "= " the meaning of the reply above, or of
				 * one capability line */
	PEV_INFO,		/* "* " a workbench remark (warnings carry
				 * PEV_F_WARNING) */
	PEV_STATE,		/* "* " state change "AUTHORIZATION -> TRANSACTION";
				 * state/state_name say where we are now */
	PEV_TLS_UPGRADE,	/* "* " the driver must start the TLS handshake on
				 * this connection now, then call
				 * session_tls_done() (or session_fail on error);
				 * bytes the peer sent after the STARTTLS/STLS
				 * reply are dropped and reported (a warning *
				 * line) when the handshake ends either way */
	PEV_REPLY,		/* a complete reply paired with its command (no
				 * transcript line of its own) */
	PEV_BODY,		/* a POP3 multi-line reply ended: what the engine
				 * kept of its dot-unstuffed payload (no
				 * transcript line); the payload itself comes
				 * line by line as PEV_RECEIVED PEV_F_BODY */
	PEV_NEED_SECRET,	/* "* " ask the user for a secret; text is the
				 * prompt; answer with session_secret() */
	PEV_PROMPT,		/* "* " guided /send asks for the next field; text
				 * is the prompt; the next session_submit() line
				 * answers it */
	PEV_FAIL,		/* "* " the session is damaged and must be closed;
				 * fail says why, text is the reason */
	PEV_CLOSED,		/* "* " the server answered QUIT (POP3 +OK or
				 * -ERR, SMTP 221) or announced it is closing
				 * (SMTP 421): the driver may close the
				 * connection */
	PEV_KIND_COUNT
};

/* What ended or damaged a session (OpenSMTPD's failure classes). The engine
 * only raises FAIL_PROTOCOL and FAIL_INTERNAL; the others are the driver's
 * words, kept here so every front-end shares one vocabulary. */
enum proto_fail {
	FAIL_NONE,
	FAIL_INTERNAL,
	FAIL_CONNECT,
	FAIL_TLS,
	FAIL_TIMEOUT,
	FAIL_PROTOCOL,		/* over-long line, NUL byte, bad code, ... */
};

#define PEV_F_SECRET	0x0001	/* text holds a secret after secret_keep
				 * bytes: show "********" instead */
#define PEV_F_POSITIVE	0x0002	/* 2xx/3xx, +OK, "+ " continuation */
#define PEV_F_TRANSIENT	0x0004	/* 4xx */
#define PEV_F_NEGATIVE	0x0008	/* 5xx, -ERR */
#define PEV_F_WARNING	0x0010	/* dropped bytes, missing capability, ... */
#define PEV_F_BODY	0x0020	/* S: line inside a POP3 multi-line body,
				 * or C: line of a message after 354 (a front
				 * end may fold these) */
#define PEV_F_STUFFED	0x0040	/* C:/S: line carries a dot-stuffing "."
				 * (RFC 5321 4.5.2, RFC 1939 3): the text is
				 * what went on the wire */
#define PEV_F_CONTINUE	0x0080	/* PEV_RECEIVED/PEV_REPLY: an intermediate
				 * 334 / "+ " / 354; PEV_SENT: a line answering
				 * a 334 / "+ " (no reply of its own: the next
				 * reply to the same seq answers it) */
#define PEV_F_CAPS	0x0100	/* "= " line explaining one capability */
#define PEV_F_TERMINATOR 0x0200	/* the lone "." ending a body or message */
#define PEV_F_PARTIAL	0x0400	/* PEV_BODY: text is only the beginning of
				 * the payload (a RETR's header block, a TOP's
				 * header and first LIMIT_PREVIEW bytes, the
				 * first LIMIT_LISTING of a listing); total
				 * says how long the whole was */

struct proto_event {
	enum proto_event_kind	 kind;
	unsigned		 flags;
	/* The line or payload; NOT NUL-terminated in general, may contain
	 * any byte (peer data): pass it through transcript_escape().
	 * PEV_REPLY: the whole reply as received, lines joined by "\n"
	 * without CR (POP3: the status line only). PEV_BODY: the unstuffed
	 * payload kept (see PEV_F_PARTIAL), every line ending in CRLF.
	 * PEV_RECEIVED with PEV_F_BODY: one body line as on the wire; the
	 * payload line is text + 1 when PEV_F_STUFFED, else text.
	 * Valid until the next session_event() call on the same session. */
	const char		*text;
	size_t			 len;
	/* With PEV_F_SECRET: how many leading bytes of text may be shown
	 * ("PASS " = 5, 0 for a bare continuation payload). */
	size_t			 secret_keep;
	/* Pairs a command with its reply: C: lines, the S:/= lines of its
	 * reply, PEV_REPLY and PEV_BODY carry the number the command got
	 * (1, 2, ...). 0: not tied to a command (greeting, * lines). */
	uint64_t		 seq;

	/* PEV_BODY: octets of the whole unstuffed payload (CRLF lines),
	 * kept or not. */
	uint64_t		 total;

	/* PEV_REPLY, PEV_BODY (and PEV_SENT, and PEV_RECEIVED body lines,
	 * which carry the verb only): the command answered. verb is
	 * upper-case, NUL-terminated ("RETR", "" for the greeting or a
	 * SASL continuation answer); arg is what followed the verb and one
	 * space, unescaped user bytes (NULL/0 if none). */
	const char		*verb;
	const char		*arg;
	size_t			 arg_len;

	/* PEV_REPLY: the reply's first line parsed (text points into the
	 * event's buffers, same lifetime); NULL otherwise. code is the SMTP
	 * code (0 for POP3) and pop3 the POP3 status, copied for ease. */
	const struct reply_line	*reply;
	int			 code;
	enum reply_pop3_status	 pop3;

	/* PEV_REPLY: when the command it answers went out (the driver's
	 * clock, session_stamp), 0 if unknown; timing reads it. */
	double			 sent_ms;

	/* PEV_STATE: the state entered (engine enum value) and its name. */
	int			 state;
	const char		*state_name;

	/* PEV_FAIL */
	enum proto_fail		 fail;
};

#endif
