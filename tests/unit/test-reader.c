/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/reader.c, each case fed whole, byte by byte and in
 * random splits, which must all give the same items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "proto/limits.h"
#include "proto/reader.h"
#include "tests/unit/harness.h"

/* Render every item the reader gives into out: "L<code><last>:text|",
 * "B[s]:text|", "E:body|", "X:error|". bodies is a string of 'm'/'1', one
 * per POP3 +OK line: 'm' means a body follows (the engine's decision). */
static void
run(enum reply_proto proto, const char *in, size_t inlen, const char *bodies,
    int mode, unsigned seed, struct buf *out)
{
	struct reader		*r = reader_new(proto);
	struct reader_item	 it;
	const char		*err;
	size_t			 off = 0, n, nb = 0;
	int			 ret = 0;
	struct buf		 body;

	buf_init(&body, 1 << 20);
	while (off < inlen || ret == 1) {
		if (ret != 1) {
			n = mode == 0 ? inlen - off : mode == 1 ? 1 :
			    1 + harness_rand(&seed) % 7;
			if (n > inlen - off)
				n = inlen - off;
			if (reader_feed(r, in + off, n) == -1) {
				buf_append_str(out, "X:feed|");
				break;
			}
			off += n;
		}
		ret = reader_next(r, &it, &err);
		if (ret == -1) {
			buf_printf(out, "X:%s|", err);
			break;
		}
		if (ret == 0)
			continue;
		switch (it.kind) {
		case READER_LINE:
			buf_printf(out, "L%d%c:", it.code, it.last ? '.' : '-');
			buf_append(out, it.line, it.len);
			buf_append_str(out, "|");
			if (proto == REPLY_POP3 && it.len >= 3 &&
			    memcmp(it.line, "+OK", 3) == 0 &&
			    bodies[nb] != '\0' && bodies[nb++] == 'm')
				reader_expect_body(r);
			break;
		case READER_BODY_LINE:
			buf_printf(out, "B%s:", it.stuffed ? "s" : "");
			buf_append(out, it.line, it.len);
			buf_append_str(out, "|");
			/* The reader keeps no body: join the unstuffed lines
			 * here, as a consumer would. */
			CHECK(it.data == it.line + (it.stuffed ? 1 : 0));
			buf_append(&body, it.data, it.data_len);
			buf_append_str(&body, "\r\n");
			break;
		case READER_BODY_END:
			buf_append_str(out, "E:");
			buf_append(out, body.data != NULL ? body.data : "",
			    body.len);
			buf_append_str(out, "|");
			buf_reset(&body);
			break;
		}
	}
	if (reader_mid_reply(r))
		buf_append_str(out, "MID");
	reader_free(r);
	buf_clear(&body);
}

static const struct {
	enum reply_proto proto;
	const char	*in;
	const char	*bodies;
	const char	*want;
} cases[] = {
	/* SMTP greeting, one line. */
	{ REPLY_SMTP, "220 lab.example ESMTP\r\n", "",
	  "L220.:220 lab.example ESMTP|" },
	/* RFC 5321 4.2.1: multi-line EHLO, only the last has a space. */
	{ REPLY_SMTP, "250-lab.example\r\n250-SIZE 1000\r\n250 STARTTLS\r\n", "",
	  "L250-:250-lab.example|L250-:250-SIZE 1000|L250.:250 STARTTLS|" },
	/* A bare code with nothing after it is a last line; bare LF ok. */
	{ REPLY_SMTP, "250\n", "", "L250.:250|" },
	/* A reply cut in half: the first line comes, then we wait. */
	{ REPLY_SMTP, "250-a\r\n250 b", "", "L250-:250-a|MID" },
	/* Changing the code inside a reply is a protocol error. */
	{ REPLY_SMTP, "250-a\r\n251 b\r\n", "",
	  "L250-:250-a|X:reply code changed inside a multi-line reply|MID" },
	/* No code at all (the grammar is reply.c's). */
	{ REPLY_SMTP, "hello\r\n", "",
	  "X:reply does not start with a three-digit code|" },
	/* A fourth character other than SP or "-". */
	{ REPLY_SMTP, "250x\r\n", "",
	  "X:no space or hyphen after the reply code|" },
	/* RFC 5321 4.2: SMTP has no 1yz replies. */
	{ REPLY_SMTP, "150 go on\r\n", "",
	  "X:reply code outside 200..599|" },
	/* NUL inside a reply line is refused. */
	{ REPLY_SMTP, "250 a\\0b\r\n", "", "X:NUL byte in a reply line|" },
	/* CR inside a line is kept (the transcript escapes it). */
	{ REPLY_SMTP, "250 a\rb\r\n", "", "L250.:250 a\rb|" },
	/* POP3 status lines. */
	{ REPLY_POP3, "+OK ready <1.2@x>\r\n-ERR no\r\n", "1",
	  "L0.:+OK ready <1.2@x>|L0.:-ERR no|" },
	/* POP3 multi-line body with RFC 1939 3 dot-unstuffing. */
	{ REPLY_POP3, "+OK 2 msgs\r\n1 10\r\n..dot\r\n.\r\n", "m",
	  "L0.:+OK 2 msgs|B:1 10|Bs:..dot|E:1 10\r\n.dot\r\n|" },
	/* Body with bare LF lines comes out with CRLF. */
	{ REPLY_POP3, "+OK\nSubject: x\n\nbody\n.\n", "m",
	  "L0.:+OK|B:Subject: x|B:|B:body|E:Subject: x\r\n\r\nbody\r\n|" },
	/* Empty body. */
	{ REPLY_POP3, "+OK\r\n.\r\n", "m", "L0.:+OK|E:|" },
	/* A one-line +OK followed by a multi-line one: the engine decides. */
	{ REPLY_POP3, "+OK 1 5\r\n+OK\r\nx\r\n.\r\n", "1m",
	  "L0.:+OK 1 5|L0.:+OK|B:x|E:x\r\n|" },
	/* Body cut before its terminator: mid-reply. */
	{ REPLY_POP3, "+OK\r\nline\r\n", "m", "L0.:+OK|B:line|MID" },
	/* NUL bytes inside a body line are kept (messages may hold them). */
	{ REPLY_POP3, "+OK\r\na\\0b\r\n.\r\n", "m", "L0.:+OK|B:a\\0b|E:a\\0b\r\n|" },
	/* "..." unstuffs to "..", a lone ".." to ".". */
	{ REPLY_POP3, "+OK\r\n...\r\n..\r\n.\r\n", "m",
	  "L0.:+OK|Bs:...|Bs:..|E:..\r\n.\r\n|" },
};

/* Table strings spell a NUL byte as "\\0" (backslash, zero). */
static size_t
unnul(const char *s, char *out)
{
	size_t	n = 0;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == '0') {
			out[n++] = '\0';
			s += 2;
		} else
			out[n++] = *s++;
	}
	return n;
}

/* Every case gives its expected items fed whole, then the same fed byte
 * by byte and in 19 random splits. */
static void
test_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char		in[512], want[512];
		size_t		inlen = unnul(cases[i].in, in);
		size_t		wantlen = unnul(cases[i].want, want);
		struct buf	whole, other;
		unsigned	seed;

		buf_init(&whole, 1 << 20);
		run(cases[i].proto, in, inlen, cases[i].bodies, 0, 0, &whole);
		if (whole.len != wantlen ||
		    memcmp(whole.data, want, wantlen) != 0) {
			fprintf(stderr, "case %zu: got [", i);
			fwrite(whole.data, 1, whole.len, stderr);
			fprintf(stderr, "]\n");
			CHECK(!"case output differs");
		}
		for (seed = 0; seed < 20; seed++) {
			buf_init(&other, 1 << 20);
			run(cases[i].proto, in, inlen, cases[i].bodies,
			    seed == 0 ? 1 : 2, seed, &other);
			if (other.len != whole.len ||
			    memcmp(other.data, whole.data, whole.len) != 0) {
				fprintf(stderr, "case %zu seed %u differs\n", i,
				    seed);
				CHECK(!"split output differs");
			}
			buf_clear(&other);
		}
		buf_clear(&whole);
	}
}

/* A reply line one byte over the limit fails, at the limit passes, and a
 * line with no end at all fails as soon as it is too long to be one. */
static void
test_limits(void)
{
	struct buf		 out;
	char			*line = malloc(LIMIT_REPLY_LINE + 16);
	struct reader		*r;
	struct reader_item	 it;
	const char		*err = NULL;

	memset(line, 'a', LIMIT_REPLY_LINE + 16);
	memcpy(line, "250 ", 4);
	memcpy(line + LIMIT_REPLY_LINE, "\r\n", 2);
	buf_init(&out, 1 << 20);
	run(REPLY_SMTP, line, LIMIT_REPLY_LINE + 2, "", 0, 0, &out);
	CHECK(out.len > 0 && out.data[0] == 'L');
	buf_reset(&out);
	memcpy(line + LIMIT_REPLY_LINE, "a\r\n", 3);
	run(REPLY_SMTP, line, LIMIT_REPLY_LINE + 3, "", 2, 7, &out);
	CHECK_STR(out.data, "X:reply line longer than 4096 bytes|");
	buf_clear(&out);

	r = reader_new(REPLY_SMTP);
	CHECK_INT(reader_feed(r, line, LIMIT_REPLY_LINE + 2), 0);
	CHECK_INT(reader_next(r, &it, &err), -1);
	CHECK_STR(err, "reply line longer than 4096 bytes");
	/* Failed stays failed. */
	CHECK_INT(reader_next(r, &it, &err), -1);
	reader_free(r);
	free(line);
}

/* A multi-line reply over LIMIT_REPLY_TOTAL fails. */
static void
test_total(void)
{
	struct reader		*r = reader_new(REPLY_SMTP);
	struct reader_item	 it;
	const char		*err = NULL;
	int			 ret = 1;
	size_t			 i;

	for (i = 0; i < LIMIT_REPLY_TOTAL / 10 + 2 && ret == 1; i++) {
		reader_feed(r, "250-xxxx\r\n", 10);
		ret = reader_next(r, &it, &err);
	}
	CHECK_INT(ret, -1);
	CHECK_STR(err, "multi-line reply longer than 64 KiB");
	reader_free(r);
}

/* STARTTLS: what follows the reply can be seen and discarded. */
static void
test_discard(void)
{
	struct reader		*r = reader_new(REPLY_SMTP);
	struct reader_item	 it;
	const char		*err;

	reader_feed(r, "220 go ahead\r\n250 injected\r\n", 28);
	CHECK_INT(reader_next(r, &it, &err), 1);
	CHECK_INT(reader_pending(r), 14);
	CHECK_INT(reader_discard(r), 14);
	CHECK_INT(reader_next(r, &it, &err), 0);
	CHECK(!reader_mid_reply(r));
	reader_free(r);
}

/* reader_partial: the bytes to show when the stream broke. */
static void
test_partial(void)
{
	struct reader		*r;
	struct reader_item	 it;
	const char		*err, *p;
	size_t			 len;
	char			*big;

	/* An unfinished line (what a close cuts), after a complete one. */
	r = reader_new(REPLY_POP3);
	reader_feed(r, "+OK hi\r\n+OK par", 15);
	p = reader_partial(r, &len);
	CHECK_INT(len, 15);
	CHECK_INT(reader_next(r, &it, &err), 1);
	CHECK_INT(reader_next(r, &it, &err), 0);
	p = reader_partial(r, &len);
	CHECK_INT(len, 7);
	CHECK(memcmp(p, "+OK par", 7) == 0);
	reader_free(r);

	/* Nothing pending: empty, never NULL. */
	r = reader_new(REPLY_POP3);
	p = reader_partial(r, &len);
	CHECK(p != NULL);
	CHECK_INT(len, 0);
	reader_free(r);

	/* A NUL line: the whole offending line (no line end), kept after
	 * the failure even though the reader consumed it. */
	r = reader_new(REPLY_POP3);
	reader_feed(r, "+OK a\0b\r\n", 9);
	CHECK_INT(reader_next(r, &it, &err), -1);
	p = reader_partial(r, &len);
	CHECK_INT(len, 7);
	CHECK(memcmp(p, "+OK a\0b", 7) == 0);
	reader_free(r);

	/* A bad SMTP line: that line, not what follows it. */
	r = reader_new(REPLY_SMTP);
	reader_feed(r, "2x0 x\r\n250 ok\r\n", 15);
	CHECK_INT(reader_next(r, &it, &err), -1);
	p = reader_partial(r, &len);
	CHECK_INT(len, 5);
	CHECK(memcmp(p, "2x0 x", 5) == 0);
	reader_free(r);

	/* Over-long without a line end: everything waiting. */
	big = malloc(LIMIT_REPLY_LINE + 10);
	memset(big, 'z', LIMIT_REPLY_LINE + 10);
	r = reader_new(REPLY_SMTP);
	reader_feed(r, big, LIMIT_REPLY_LINE + 10);
	CHECK_INT(reader_next(r, &it, &err), -1);
	p = reader_partial(r, &len);
	CHECK_INT(len, LIMIT_REPLY_LINE + 10);
	CHECK(p[0] == 'z');
	reader_free(r);
	free(big);
}

static const struct test tests[] = {
	{ "reader table, whole/bytes/random splits", test_table },
	{ "reader line limit", test_limits },
	{ "reader reply total limit", test_total },
	{ "reader discard after STARTTLS", test_discard },
	{ "reader partial line after a cut or failure", test_partial },
};

TEST_MAIN("reader", tests)
