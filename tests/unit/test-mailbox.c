/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/mailbox.c, fed with synthetic session events. */
#include <string.h>

#include "proto/mailbox.h"
#include "tests/unit/harness.h"

/* Build a PEV_REPLY for a POP3 status line. */
static void
reply(struct mailbox *mb, const char *verb, const char *arg, const char *line,
    int want)
{
	struct proto_event	ev;
	struct reply_line	rl;
	const char		*err;

	memset(&ev, 0, sizeof(ev));
	CHECK_INT(reply_parse_line(REPLY_POP3, line, strlen(line), &rl, &err),
	    0);
	ev.kind = PEV_REPLY;
	ev.text = line;
	ev.len = strlen(line);
	ev.verb = verb;
	ev.arg = arg;
	ev.arg_len = arg != NULL ? strlen(arg) : 0;
	ev.reply = &rl;
	ev.pop3 = rl.pop3;
	CHECK_INT(mailbox_apply(mb, &ev), want);
}

static void
body(struct mailbox *mb, const char *verb, const char *arg, const char *text,
    int want)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = PEV_BODY;
	ev.text = text;
	ev.len = strlen(text);
	ev.verb = verb;
	ev.arg = arg;
	ev.arg_len = arg != NULL ? strlen(arg) : 0;
	ev.total = ev.len;
	CHECK_INT(mailbox_apply(mb, &ev), want);
}

/* A RETR's PEV_BODY as the engine sends it: only the header kept
 * (PEV_F_PARTIAL), total the whole message's length. */
static struct proto_event
retr_body(const char *arg, const char *header, uint64_t total)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = PEV_BODY;
	ev.flags = PEV_F_PARTIAL;
	ev.text = header;
	ev.len = strlen(header);
	ev.verb = "RETR";
	ev.arg = arg;
	ev.arg_len = strlen(arg);
	ev.total = total;
	return ev;
}

/* STAT, LIST, UIDL (both forms), TOP, RETR fill the table. */
static void
test_fill(void)
{
	struct mailbox			*mb = mailbox_new();
	const struct mailbox_entry	*e;
	uint64_t			 c, s, gen;

	CHECK(!mailbox_stat(mb, NULL, NULL));
	reply(mb, "STAT", "", "+OK 3 600", 1);
	CHECK(mailbox_stat(mb, &c, &s));
	CHECK_INT(c, 3);
	CHECK_INT(s, 600);
	/* STAT creates rows 1..count so the view has them at once. */
	CHECK_INT(mailbox_count(mb), 3);
	body(mb, "LIST", "", "1 100\r\n2 200\r\n3 300\r\n", 1);
	CHECK_INT(mailbox_find(mb, 3)->size, 300);
	reply(mb, "LIST", "2", "+OK 2 222", 1);
	CHECK_INT(mailbox_find(mb, 2)->size, 222);
	body(mb, "UIDL", "", "1 aaa\r\n3 ccc\r\n", 1);
	reply(mb, "UIDL", "2", "+OK 2 bbb", 1);
	CHECK_STR(mailbox_find(mb, 1)->uid, "aaa");
	CHECK_STR(mailbox_find(mb, 2)->uid, "bbb");
	CHECK_STR(mailbox_find(mb, 3)->uid, "ccc");
	gen = mailbox_generation(mb);
	body(mb, "TOP", "1 0", "Subject: a\r\nFrom: b\r\n\r\n", 1);
	CHECK(mailbox_generation(mb) > gen);
	e = mailbox_find(mb, 1);
	CHECK_STR(e->header, "Subject: a\r\nFrom: b\r\n\r\n");
	CHECK(!e->retrieved);
	CHECK(e->preview == NULL);		/* TOP n 0 has no preview */
	/* TOP n m keeps the m body lines after the header as the preview. */
	body(mb, "TOP", "1 2", "Subject: a\r\nFrom: b\r\n\r\none\r\n.two\r\n",
	    1);
	e = mailbox_find(mb, 1);
	CHECK_STR(e->header, "Subject: a\r\nFrom: b\r\n\r\n");
	CHECK_STR(e->preview, "one\r\n.two\r\n");
	CHECK_INT(e->preview_lines, 2);
	/* RETR keeps its header part and the message's length, never the
	 * body: the front-end stores that and says where. */
	body(mb, "RETR", "3", "Subject: c\r\n\r\nbody\r\n", 1);
	e = mailbox_find(mb, 3);
	CHECK(e->retrieved);
	CHECK_INT(e->message_len, 20);
	CHECK_STR(e->header, "Subject: c\r\n\r\n");
	CHECK_INT(e->stored, 0);
	/* A 200 MiB RETR: header kept, size from total; storing it under a
	 * handle gives back the one it replaces, with that one's length. */
	{
		struct proto_event	 ev = retr_body("3",
		    "Subject: big\r\n\r\n", 200u << 20);
		uint64_t		 old_len = 7;

		CHECK_INT(mailbox_stored(mb, &ev, 11, &old_len), 0);
		CHECK_INT(old_len, 20);
		CHECK_INT(mailbox_apply(mb, &ev), 1);
		e = mailbox_find(mb, 3);
		CHECK_INT(e->message_len, 200u << 20);
		CHECK_STR(e->header, "Subject: big\r\n\r\n");
		CHECK_INT(mailbox_stored(mb, &ev, 99, &old_len), 11);
		CHECK_INT(old_len, 200u << 20);
		CHECK_INT(e->stored, 99);
		/* Not a RETR: nothing stored. */
		ev.verb = "TOP";
		CHECK_INT(mailbox_stored(mb, &ev, 5, &old_len), 0);
		CHECK_INT(e->stored, 99);
	}
	/* A header-only message (no empty line) is all header. */
	body(mb, "TOP", "2 0", "Subject: b\r\n", 1);
	CHECK_STR(mailbox_find(mb, 2)->header, "Subject: b\r\n");
	/* Entries by index match numbers. */
	CHECK_INT(mailbox_entry(mb, 0)->number, 1);
	CHECK(mailbox_entry(mb, 3) == NULL);
	mailbox_free(mb);
}

/* -ERR changes nothing; DELE marks, RSET clears, QUIT makes final. */
static void
test_marks(void)
{
	struct mailbox	*mb = mailbox_new();

	reply(mb, "STAT", "", "+OK 2 10", 1);
	reply(mb, "DELE", "1", "-ERR no such message", 0);
	CHECK_INT(mailbox_deleted(mb), 0);
	reply(mb, "DELE", "1", "+OK marked", 1);
	reply(mb, "DELE", "2", "+OK marked", 1);
	CHECK_INT(mailbox_deleted(mb), 2);
	reply(mb, "RSET", "", "+OK", 1);
	CHECK_INT(mailbox_deleted(mb), 0);
	reply(mb, "DELE", "2", "+OK", 1);
	reply(mb, "QUIT", "", "+OK bye", 1);
	CHECK(mailbox_find(mb, 2)->deleted);
	CHECK(mailbox_find(mb, 2)->expunged);
	CHECK(!mailbox_find(mb, 1)->expunged);
	CHECK_INT(mailbox_deleted(mb), 0);
	/* RSET after QUIT cannot bring an expunged message back. */
	reply(mb, "RSET", "", "+OK", 0);
	mailbox_reset(mb);
	/* RFC 1939 6: QUIT answered -ERR removed some marked messages, or
	 * none, and does not say which: nothing is shown as removed. */
	reply(mb, "STAT", "", "+OK 2 10", 1);
	reply(mb, "DELE", "1", "+OK marked", 1);
	reply(mb, "QUIT", "", "-ERR some deleted messages not removed", 0);
	CHECK(mailbox_find(mb, 1)->deleted);
	CHECK(!mailbox_find(mb, 1)->expunged);
	CHECK_INT(mailbox_deleted(mb), 1);
	mailbox_reset(mb);
	CHECK_INT(mailbox_count(mb), 0);
	/* A session that ends with no QUIT answered keeps the mail: the
	 * marks are cleared, a QUIT-final one stays expunged. */
	reply(mb, "STAT", "", "+OK 3 10", 1);
	reply(mb, "DELE", "1", "+OK marked", 1);
	reply(mb, "QUIT", "", "+OK bye", 1);
	reply(mb, "DELE", "2", "+OK marked", 1);
	reply(mb, "DELE", "3", "+OK marked", 1);
	CHECK_INT(mailbox_keep(mb), 2);
	CHECK_INT(mailbox_deleted(mb), 0);
	CHECK(!mailbox_find(mb, 2)->deleted);
	CHECK(mailbox_find(mb, 1)->expunged);
	CHECK_INT(mailbox_keep(mb), 0);
	mailbox_free(mb);
}

/* Hostile listings: huge numbers, junk lines, a STAT without numbers;
 * nothing is allocated per number beyond the cap. */
static void
test_hostile(void)
{
	struct mailbox	*mb = mailbox_new();

	body(mb, "LIST", "", "99999999999 1\r\nxx\r\n\r\n 1 5\r\n", 1);
	CHECK_INT(mailbox_count(mb), 1);
	CHECK_INT(mailbox_find(mb, 1)->size, 5);
	reply(mb, "STAT", "", "+OK lots", -1);
	body(mb, "RETR", "abc", "x\r\n", -1);
	body(mb, "TOP", "0 0", "x\r\n", -1);
	reply(mb, "STAT", "", "+OK 18446744073709551615 1", 1);
	CHECK_INT(mailbox_count(mb), 1);
	/* SMTP replies are not mailbox business. */
	{
		struct proto_event	ev;
		struct reply_line	rl;
		const char		*err;

		memset(&ev, 0, sizeof(ev));
		reply_parse_line(REPLY_SMTP, "250 ok", 6, &rl, &err);
		ev.kind = PEV_REPLY;
		ev.verb = "RSET";
		ev.reply = &rl;
		CHECK_INT(mailbox_apply(mb, &ev), 0);
	}
	mailbox_free(mb);
}

static const struct test tests[] = {
	{ "mailbox fill from STAT/LIST/UIDL/TOP/RETR", test_fill },
	{ "mailbox DELE/RSET/QUIT marks", test_marks },
	{ "mailbox hostile listings", test_hostile },
};

TEST_MAIN("mailbox", tests)
