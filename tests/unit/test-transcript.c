/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/transcript.c: escaping and redaction. */
#include <string.h>

#include "proto/transcript.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*in;
	size_t		 len;	/* 0: strlen */
	const char	*out;
} esc_cases[] = {
	/* Printable ASCII passes. */
	{ "250 ok", 0, "250 ok" },
	/* ESC (terminal escape sequences) is made visible. */
	{ "\x1b[31mred", 0, "\\x1b[31mred" },
	/* CR, LF, TAB by name. */
	{ "a\rb\nc\td", 0, "a\\rb\\nc\\td" },
	/* Backslash is doubled so nothing can forge an escape. */
	{ "C:\\x1b", 0, "C:\\\\x1b" },
	/* DEL and other C0. */
	{ "\x7f\x01", 0, "\\x7f\\x01" },
	/* NUL inside (length given). */
	{ "a\0b", 3, "a\\x00b" },
	/* Valid UTF-8 passes. */
	{ "Gr\xc3\xbc\xc3\x9f""e \xe2\x82\xac \xf0\x9f\x98\x80", 0,
	  "Gr\xc3\xbc\xc3\x9f""e \xe2\x82\xac \xf0\x9f\x98\x80" },
	/* C1 control U+009B (CSI) as a code point. */
	{ "\xc2\x9b""2J", 0, "\\u{009B}2J" },
	/* Bidi override and isolate (Trojan Source). */
	{ "\xe2\x80\xae""abc\xe2\x81\xa6", 0, "\\u{202E}abc\\u{2066}" },
	/* The rest of the Unicode Cf class is invisible too (issue 12):
	 * zero width space, BOM/ZWNBSP, soft hyphen, word joiner, ZWJ,
	 * interlinear annotation, deprecated format chars, tags, and the
	 * Arabic, Mongolian, hieroglyph and musical format controls. */
	{ "pay\xe2\x80\x8bpal", 0, "pay\\u{200B}pal" },
	{ "\xef\xbb\xbf""From", 0, "\\u{FEFF}From" },
	{ "in\xc2\xad""voice", 0, "in\\u{00AD}voice" },
	{ "a\xe2\x81\xa0""b\xe2\x80\x8d""c", 0, "a\\u{2060}b\\u{200D}c" },
	{ "\xef\xbf\xb9x\xef\xbf\xbb", 0, "\\u{FFF9}x\\u{FFFB}" },
	{ "\xe2\x81\xaa\xe2\x81\xaf", 0, "\\u{206A}\\u{206F}" },
	{ "\xf3\xa0\x80\x81\xf3\xa0\x81\x81\xf3\xa0\x81\xbf", 0,
	  "\\u{E0001}\\u{E0041}\\u{E007F}" },
	{ "\xd8\x80\xdb\x9d\xe1\xa0\x8e", 0, "\\u{0600}\\u{06DD}\\u{180E}" },
	{ "\xf0\x93\x90\xb0\xf0\x93\x90\xbf\xf0\x9d\x85\xb3", 0,
	  "\\u{13430}\\u{1343F}\\u{1D173}" },
	/* Neighbours of Cf ranges are ordinary text: U+00AC, U+00AE,
	 * U+FFFC (object replacement), U+E0080 (unassigned). */
	{ "\xc2\xac\xc2\xae\xef\xbf\xbc\xf3\xa0\x82\x80", 0,
	  "\xc2\xac\xc2\xae\xef\xbf\xbc\xf3\xa0\x82\x80" },
	/* Invalid UTF-8: lone continuation, truncated, overlong,
	 * surrogate, beyond U+10FFFF: every byte shown. */
	{ "\x80", 0, "\\x80" },
	{ "\xe2\x82", 0, "\\xe2\\x82" },
	{ "\xc0\xaf", 0, "\\xc0\\xaf" },
	{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },
	{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" },
	/* Latin-1 byte in otherwise ASCII text. */
	{ "caf\xe9", 0, "caf\\xe9" },
};

static void
test_escape(void)
{
	size_t	i;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		struct buf	b;
		size_t		len = esc_cases[i].len ? esc_cases[i].len :
		    strlen(esc_cases[i].in);

		buf_init(&b, 1024);
		CHECK_INT(transcript_escape(esc_cases[i].in, len, &b), 0);
		CHECK_STR(b.data != NULL ? b.data : "", esc_cases[i].out);
		buf_clear(&b);
	}
}

static const struct {
	enum proto_event_kind	 kind;
	unsigned		 flags;
	const char		*text;
	size_t			 keep;
	bool			 reveal;
	const char		*out;
} fmt_cases[] = {
	/* The SPEC.md example lines. */
	{ PEV_RECEIVED, 0, "220 lab.example ESMTP mailbench-lab", 0, false,
	  "S: 220 lab.example ESMTP mailbench-lab" },
	{ PEV_SENT, 0, "MAIL FROM:<a@example.org>", 0, false,
	  "C: MAIL FROM:<a@example.org>" },
	{ PEV_MEANING, 0, "250 requested action completed", 0, false,
	  "= 250 requested action completed" },
	{ PEV_INFO, 0, "connected to 127.0.0.1:2525 (plain) in 0.4 ms", 0,
	  false, "* connected to 127.0.0.1:2525 (plain) in 0.4 ms" },
	/* Redaction keeps the verb (and mechanism / user). */
	{ PEV_SENT, PEV_F_SECRET, "PASS hunter2", 5, false,
	  "C: PASS ********" },
	{ PEV_SENT, PEV_F_SECRET, "AUTH PLAIN AHRpbQ==", 11, false,
	  "C: AUTH PLAIN ********" },
	{ PEV_SENT, PEV_F_SECRET, "APOP user c4c9334b", 10, false,
	  "C: APOP user ********" },
	{ PEV_SENT, PEV_F_SECRET, "dGlt", 0, false, "C: ********" },
	/* An empty secret still shows as redacted. */
	{ PEV_SENT, PEV_F_SECRET, "", 0, false, "C: ********" },
	/* reveal shows it (for a user who asked). */
	{ PEV_SENT, PEV_F_SECRET, "PASS hunter2", 5, true, "C: PASS hunter2" },
	/* State changes and failures are * lines. */
	{ PEV_STATE, 0, "AUTHORIZATION -> TRANSACTION", 0, false,
	  "* AUTHORIZATION -> TRANSACTION" },
	{ PEV_FAIL, 0, "reply line longer than 4096 bytes", 0, false,
	  "* reply line longer than 4096 bytes" },
	/* Peer bytes are escaped inside a line. */
	{ PEV_RECEIVED, 0, "250 \x1b]0;pwned\x07", 0, false,
	  "S: 250 \\x1b]0;pwned\\x07" },
};

static void
test_format(void)
{
	size_t	i;

	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		struct proto_event	ev;
		struct buf		b;

		memset(&ev, 0, sizeof(ev));
		ev.kind = fmt_cases[i].kind;
		ev.flags = fmt_cases[i].flags;
		ev.text = fmt_cases[i].text;
		ev.len = strlen(fmt_cases[i].text);
		ev.secret_keep = fmt_cases[i].keep;
		buf_init(&b, 1024);
		CHECK_INT(transcript_format(&ev, fmt_cases[i].reveal, &b), 1);
		CHECK_STR(b.data, fmt_cases[i].out);
		buf_clear(&b);
	}
}

/* PEV_REPLY and PEV_BODY are no transcript lines; a full buffer is -1. */
static void
test_no_line(void)
{
	struct proto_event	ev;
	struct buf		b;

	memset(&ev, 0, sizeof(ev));
	ev.kind = PEV_BODY;
	ev.text = "x";
	ev.len = 1;
	buf_init(&b, 4);
	CHECK_INT(transcript_format(&ev, false, &b), 0);
	CHECK(transcript_prefix(PEV_REPLY) == NULL);
	ev.kind = PEV_RECEIVED;
	ev.text = "0123456789";
	ev.len = 10;
	CHECK_INT(transcript_format(&ev, false, &b), -1);
	buf_clear(&b);
}

/* A saved transcript read back (mailbench replay): unescaping what
 * transcript_escape wrote gives the peer's bytes back exactly, for any
 * bytes (random, control bytes, invalid UTF-8, bidi controls, "\\x"
 * typed by a peer); what no escape wrote is kept as it is. */
static void
test_unescape(void)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "a\\x1bb", "a\x1b" "b" },
		{ "\\r\\n\\t", "\r\n\t" },
		{ "\\\\x41", "\\x41" },		/* a doubled backslash */
		{ "\\u{202E}", "\xe2\x80\xae" },	/* U+202E */
		{ "\\u{110000}", "\\u{110000}" },	/* no scalar value */
		{ "\\q", "\\q" },			/* not ours: kept */
		{ "end\\", "end\\" },
	};
	struct buf	 a, b;
	unsigned	 seed = 7;
	size_t		 i, k, n;
	char		 raw[64];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&a, 1024);
		CHECK_INT(transcript_unescape(cases[i].in,
		    strlen(cases[i].in), &a), 0);
		CHECK(a.len == strlen(cases[i].out) &&
		    memcmp(a.data, cases[i].out, a.len) == 0);
		buf_clear(&a);
	}
	for (k = 0; k < 2000; k++) {
		n = harness_rand(&seed) % sizeof(raw);
		for (i = 0; i < n; i++)
			raw[i] = (char)(harness_rand(&seed) & 0xff);
		buf_init(&a, 4096);
		buf_init(&b, 4096);
		CHECK_INT(transcript_escape(raw, n, &a), 0);
		CHECK_INT(transcript_unescape(a.data != NULL ? a.data : "",
		    a.len, &b), 0);
		CHECK(b.len == n && (n == 0 || memcmp(b.data, raw, n) == 0));
		buf_clear(&a);
		buf_clear(&b);
	}
}

static const struct test tests[] = {
	{ "transcript escaping", test_escape },
	{ "transcript format and redaction", test_format },
	{ "transcript non-lines and full buffer", test_no_line },
	{ "transcript unescape (replay)", test_unescape },
};

TEST_MAIN("transcript", tests)
