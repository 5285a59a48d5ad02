/* SPDX-License-Identifier: MIT */
/* The protocols' size caps, each with the reason for its value; the caps
 * that are no protocol's (queues, typed lines) are in base/limits.h. */
#ifndef PROTO_LIMITS_H
#define PROTO_LIMITS_H

#include "base/limits.h"

/* RFC 5321 4.5.3.1.5 allows 512 octets per reply line; real servers send
 * longer banners and EHLO lines, so allow 4 KiB before calling it hostile. */
#define LIMIT_REPLY_LINE	4096
/* A whole multi-line SMTP reply (EHLO, HELP): 64 KiB is far beyond any
 * real server and small enough that a hostile one cannot exhaust memory. */
#define LIMIT_REPLY_TOTAL	(64 * 1024)
/* Lines inside a RETR/TOP body: real mail ignores the 998-octet rule of
 * RFC 5322 2.1.1, so give them far more room. */
#define LIMIT_BODY_LINE		(1024 * 1024)
/* One message the lab server stores and serves, and one /send message: both
 * are held in memory whole (a RETR the client reads is not: it is
 * streamed, bounded only by LIMIT_RESPONSE_DEFAULT / --max-message). */
#define LIMIT_MESSAGE		(64 * 1024 * 1024)
/* Default bound on one multi-line response (RETR, TOP, LIST...) the
 * client reads, in unstuffed octets. Nothing of it is held in memory (it
 * is streamed and, in the workbench, spooled to disk), so the bound is
 * about disk space and a reply that never ends, not memory: 1 GiB is
 * several times the largest mail real services accept (Exchange Online
 * 150 MB, Gmail 25 MB, base64 adding a third). --max-message changes it. */
#define LIMIT_RESPONSE_DEFAULT	(1024ull * 1024 * 1024)
/* The part of a non-message multi-line response (LIST, UIDL, CAPA, a
 * typed extension) the engine keeps to read it: a LIST of the largest
 * maildrop the mailbox table takes (100 000 lines) is under 2 MiB. Past
 * this the lines are still shown, only no longer read. */
#define LIMIT_LISTING		(32 * 1024 * 1024)
/* Body lines of a TOP n m (m > 0) kept as the message preview. */
#define LIMIT_PREVIEW		(1024 * 1024)
/* A header block (Dovecot's default is similar). */
#define LIMIT_HEADER_BLOCK	(1024 * 1024)
/* MIME nesting depth and part count: Dovecot's defaults. */
#define LIMIT_MIME_DEPTH	100
#define LIMIT_MIME_PARTS	10000
/* Commands waiting for a reply (pipelined /load of a big mailbox). */
#define LIMIT_PENDING		100000

/* Capability lines kept from one EHLO/CAPA reply: real servers send
 * fewer than 30; the whole reply is already capped by LIMIT_REPLY_TOTAL. */
#define LIMIT_CAPS		1000

/* Defects recorded per header block or MIME part: a hostile message can
 * hold one a line; past this many the rest are not worth listing. */
#define LIMIT_DEFECTS		1000

#endif
