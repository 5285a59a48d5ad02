/* SPDX-License-Identifier: MIT */
/* Unit tests for the screen's curses-free helpers: UTF-8 widths
 * (front/width.c), the transcript line
 * store (front/store.c), safe saving (front/savefile.c), history
 * (front/history.c), part I/O (front/partio.c) and the spool
 * (front/spool.c), linked from libfront.a. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/util.h"
#include "front/history.h"
#include "front/partio.h"
#include "front/savefile.h"
#include "front/spool.h"
#include "front/store.h"
#include "proto/transcript.h"
#include "front/width.h"

#include "tests/unit/harness.h"

static void
utf8_locale(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
}

static const struct {
	const char	*in;
	size_t		 len;
	size_t		 used;
	uint32_t	 cp;
	bool		 bad;
} decode_cases[] = {
	{ "A", 1, 1, 0x41, false },			/* ASCII */
	{ "\xc3\xa9", 2, 2, 0xe9, false },		/* é, two bytes */
	{ "\xe2\x80\xae", 3, 3, 0x202e, false },	/* RLO, three */
	{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600, false },	/* emoji, four */
	{ "\xc0\x80", 2, 1, 0xfffd, true },		/* overlong NUL */
	{ "\xed\xa0\x80", 3, 1, 0xfffd, true },		/* surrogate */
	{ "\xf4\x90\x80\x80", 4, 1, 0xfffd, true },	/* > U+10FFFF */
	{ "\xe2\x82", 2, 1, 0xfffd, true },		/* truncated */
	{ "\x80", 1, 1, 0xfffd, true },			/* lone continuation */
	{ "\xff", 1, 1, 0xfffd, true },			/* never valid */
};

/* Decoding follows RFC 3629: invalid forms use one byte and give U+FFFD. */
static void
test_decode(void)
{
	size_t i, used;
	uint32_t cp;
	bool bad;

	for (i = 0; i < sizeof(decode_cases) / sizeof(*decode_cases); i++) {
		used = width_decode(decode_cases[i].in, decode_cases[i].len,
		    &cp, &bad);
		CHECK_INT(used, decode_cases[i].used);
		CHECK_INT(cp, decode_cases[i].cp);
		CHECK_INT(bad, decode_cases[i].bad);
	}
}

static const struct {
	const char	*in;
	size_t		 cols;
} width_cases[] = {
	{ "abc", 3 },					/* ASCII */
	{ "\xe6\x97\xa5\xe6\x9c\xac", 4 },		/* 日本: wide */
	{ "e\xcc\x81", 1 },				/* e + combining acute */
	{ "\x1b", 4 },					/* ESC shown as \x1b */
	{ "\xe2\x80\xae", 8 },				/* RLO shown as \u{202E} */
	{ "\xc2\x85", 8 },				/* C1 NEL shown as \u{0085} */
	{ "\xe2\x80\x8b", 8 },				/* ZWSP as \u{200B} */
	{ "\xef\xbb\xbf", 8 },				/* BOM as \u{FEFF} */
	{ "\xc2\xad", 8 },				/* soft hyphen \u{00AD} */
	{ "\xf3\xa0\x81\x81", 9 },			/* tag as \u{E0041} */
	{ "\xff", 4 },					/* bad byte as \xff */
	{ "", 0 },					/* nothing */
};

/* Widths come from wcwidth on decoded text; unsafe code points count as
 * the escapes that replace them on screen. */
static void
test_width(void)
{
	size_t i;

	utf8_locale();
	for (i = 0; i < sizeof(width_cases) / sizeof(*width_cases); i++)
		CHECK_INT(width_str(width_cases[i].in,
		    strlen(width_cases[i].in)), width_cases[i].cols);
	CHECK(width_unsafe(0x1b));
	CHECK(width_unsafe(0x2066));
	CHECK(!width_unsafe(0xe9));
	/* The whole Cf class, through the transcript's one table. */
	CHECK(width_unsafe(0x200b) && width_unsafe(0xfeff));
	CHECK(width_unsafe(0xad) && width_unsafe(0x2064));
	CHECK(width_unsafe(0xe0001) && width_unsafe(0xe007f));
	CHECK(!width_unsafe(0x2065) && !width_unsafe(0xe0080));
}

/* Fitting never splits a sequence or a wide character. */
static void
test_fit(void)
{
	const char *s = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";	/* 日本語 */
	size_t cols, n;

	utf8_locale();
	n = width_fit(s, 9, 3, &cols);
	CHECK_INT(n, 3);
	CHECK_INT(cols, 2);
	n = width_fit(s, 9, 1, &cols);
	CHECK_INT(n, 0);
	CHECK_INT(width_skip(s, 9, 2), 3);
	/* A combining mark stays with its base when skipping. */
	CHECK_INT(width_skip("ae\xcc\x81z", 5, 2), 4);
	CHECK_INT(width_prev(s, 6), 3);
	CHECK_INT(width_next(s, 9, 3), 6);
	CHECK_INT(width_prev("a\x80", 2), 1);	/* bad byte steps one */
}

/* Encode and decode agree on every scalar value class. */
static const struct {
	const char	*in;
	size_t		 max;
	size_t		 utf8;	/* transcript_cut: whole UTF-8 sequences */
	size_t		 cut;	/* width_cut: whole graphemes too */
} cut_cases[] = {
	{ "abc", 2, 2, 2 },				/* ASCII: any byte */
	{ "abc", 9, 3, 3 },				/* max past the end */
	{ "\xe6\x97\xa5\xe6\x9c\xac", 4, 3, 3 },	/* inside 本 */
	{ "\xe6\x97\xa5\xe6\x9c\xac", 5, 3, 3 },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 6, 6, 6 },
	{ "\xf0\x9f\x98\x80", 3, 0, 0 },		/* inside an emoji */
	{ "\xf0\x9f\x98\x80", 4, 4, 4 },
	/* e + U+0301: cut inside the mark: no stray \xcc, and the e
	 * goes with its accent. */
	{ "abcde\xcc\x81" "f", 6, 5, 4 },
	/* Cut just before the mark: the base goes too. */
	{ "abcde\xcc\x81" "f", 5, 5, 4 },
	{ "abcde\xcc\x81" "f", 7, 7, 7 },		/* after the pair */
	/* Two marks on one base (e + U+0323 + U+0302). */
	{ "xe\xcc\xa3\xcc\x82y", 4, 4, 1 },
	/* Invalid bytes stand alone: a cut between them is whole. */
	{ "a\x80\x80\x80\x80", 3, 3, 3 },
	{ "a\xff\xfe", 2, 2, 2 },
	/* A lead byte with its continuation missing at the very end (what
	 * a truncating snprintf leaves): dropped. */
	{ "ab\xe6\x97", 99, 2, 2 },
	{ "ab\xcc", 99, 2, 2 },
};

/* Cutting to a byte budget keeps whole characters and graphemes. */
static void
test_cut(void)
{
	size_t i, n;
	char t[16];

	utf8_locale();
	for (i = 0; i < sizeof(cut_cases) / sizeof(*cut_cases); i++) {
		n = strlen(cut_cases[i].in);
		CHECK_INT(transcript_cut(cut_cases[i].in, n, cut_cases[i].max),
		    cut_cases[i].utf8);
		CHECK_INT(width_cut(cut_cases[i].in, n, cut_cases[i].max),
		    cut_cases[i].cut);
	}
	/* What snprintf leaves in a short buffer is trimmed to whole
	 * characters: "Résumé" decomposed, cut inside the last accent. */
	memcpy(t, "Re\xcc\x81sume\xcc", 10);
	width_trim(t);
	CHECK_STR(t, "Re\xcc\x81sume");
}

static void
test_encode_roundtrip(void)
{
	static const uint32_t cps[] = { 0x24, 0xa2, 0x939, 0x20ac, 0xd55c,
	    0x10348, 0x10ffff };
	char b[4];
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < sizeof(cps) / sizeof(*cps); i++) {
		n = width_encode(cps[i], b);
		CHECK_INT(width_decode(b, n, &cp, NULL), n);
		CHECK_INT(cp, cps[i]);
	}
	n = width_encode(0xd800, b);			/* surrogate */
	width_decode(b, n, &cp, NULL);
	CHECK_INT(cp, 0xfffd);
}

/* A million lines: every line comes back by index, intact, and memory
 * stays near the text size (no per-line malloc). */
static void
test_store_million(void)
{
	struct store *s = store_new();
	char b[64];
	size_t i, n;
	unsigned seed = 7;

	for (i = 0; i < 1000000; i++) {
		n = (size_t)snprintf(b, sizeof(b), "line %zu", i);
		CHECK_INT(store_append(s, i % 4, (unsigned)(i & 0x3f), i, b,
		    n), i);
	}
	CHECK_INT(store_count(s), 1000000);
	for (i = 0; i < 1000; i++) {
		size_t k = harness_rand(&seed) % 1000000;
		struct store_line *l = store_at(s, k);

		n = (size_t)snprintf(b, sizeof(b), "line %zu", k);
		CHECK_INT(l->len, n);
		CHECK(memcmp(l->text, b, n) == 0);
		CHECK_INT(l->seq, k);
		CHECK_INT(l->kind, k % 4);
	}
	/* 1M short lines: ~40 MB of records and text, not hundreds. */
	CHECK(store_bytes(s) < 64u * 1024 * 1024);
	store_free(s);
}

/* Kept body lines in runs: each line reads back its own kept offset,
 * length, kind, flags and seq whether it extends a run or starts one (a
 * gap in the kept transcript, another seq, a record in between), and
 * records around runs keep their text; 200 kept lines cost a few bytes
 * each, not a 32-byte record. */
static void
test_store_runs(void)
{
	struct store *s = store_new();
	struct { size_t idx; uint64_t kept; size_t len; uint64_t seq;
	    const char *text; } want[700];
	size_t i, n = 0, before, k;
	uint64_t off = 1000;
	unsigned seed = 3;
	char b[32];

	for (i = 0; i < 700; i++) {
		unsigned r = harness_rand(&seed) % 10;

		if (r == 0) {
			/* A record between runs ("C: ..." or a meaning). */
			k = (size_t)snprintf(b, sizeof(b), "rec %zu", i);
			want[n].idx = store_append(s, 0, 0, i / 50, b, k);
			want[n].text = "rec";
			want[n].len = k;
			want[n].seq = i / 50;
			want[n++].kept = 0;
			off += 3 + k + 1;	/* kept too, as the driver does */
			continue;
		}
		if (r == 1)
			off += 7;	/* a line kept that the store did not get */
		k = harness_rand(&seed) % 90;
		want[n].idx = store_append_kept(s, 1, 0x20, i / 50, off, k);
		want[n].text = NULL;
		want[n].len = k;
		want[n].seq = i / 50;
		want[n++].kept = off;
		off += 3 + k + 1;
	}
	CHECK_INT(store_count(s), n);
	for (i = 0; i < n; i++) {
		struct store_line *l = store_at(s, want[i].idx);

		CHECK_INT(want[i].idx, i);
		CHECK_INT(l->len, want[i].len);
		CHECK_INT(l->seq, want[i].seq);
		if (want[i].text != NULL) {
			CHECK(!(l->flags & STORE_LF_KEPT));
			CHECK(memcmp(l->text, "rec ", 4) == 0);
		} else {
			CHECK_INT(l->flags, 0x20 | STORE_LF_KEPT);
			CHECK_INT(l->kind, 1);
			CHECK_INT(l->kept, want[i].kept);
		}
	}
	/* Records stay writable (dt_us of a reply's first line). */
	for (i = 0; i < n && want[i].text == NULL; i++)
		;
	store_at(s, i)->dt_us = 77;
	CHECK_INT(store_at(s, i)->dt_us, 77);
	store_free(s);
	/* 200 body lines of one response: offsets, not records. */
	s = store_new();
	before = store_bytes(s);
	for (i = 0, off = 0; i < 200; i++) {
		store_append_kept(s, 1, 0x20, 9, off, 60);
		off += 3 + 60 + 1;
	}
	CHECK(store_bytes(s) - before < 200 * sizeof(struct store_line));
	CHECK_INT(store_at(s, 199)->kept, 199 * 64);
	CHECK_INT(store_at(s, 199)->len, 60);
	store_free(s);
}

/* Over-long lines are cut, empty lines are fine. */
static void
test_store_edges(void)
{
	struct store *s = store_new();
	char *big = xmalloc(200000);

	memset(big, 'x', 200000);
	store_append(s, 0, 0, 0, "", 0);
	store_append(s, 1, 0, 0, big, 200000);
	CHECK_INT(store_at(s, 0)->len, 0);
	CHECK_INT(store_at(s, 1)->len, STORE_LINE_MAX);
	free(big);
	store_free(s);
}

static const struct {
	const char	*in;
	const char	*out;
} name_cases[] = {
	{ "report.pdf", "report.pdf" },				/* kept */
	{ "../../etc/passwd", "etc_passwd" },			/* no climbing */
	{ "/abs/path.txt", "abs_path.txt" },			/* no root */
	{ ".bashrc", "fallback.bashrc" },			/* not hidden */
	/* Only an extension: the fallback's stem keeps it (issue 12). */
	{ ".pdf", "fallback.pdf" },
	{ "..pdf", "fallback.pdf" },
	{ "_.pdf", "fallback.pdf" },
	{ "report.tar.gz", "report.tar.gz" },			/* last one */
	{ "notes.", "notes" },					/* no ext */
	{ "a.b_c", "a.b_c" },					/* not an ext */
	{ "a\\b:c", "a_b_c" },					/* separators */
	{ "evil\xe2\x80\xaegpj.exe", "evil_gpj.exe" },		/* no RLO */
	{ "r\xc3\xa9sum\xc3\xa9 2026.pdf", "r\xc3\xa9sum\xc3\xa9_2026.pdf" },
	{ "\x1b[31m.txt", "31m.txt" },				/* no ESC */
	{ "...", "fallback" },					/* nothing left */
	{ "", "fallback" },					/* empty */
	{ "a\xff" "b", "a_b" },					/* bad UTF-8 */
};

/* Names from a message become one plain component. */
static void
test_sanitize(void)
{
	char out[256];
	size_t i;

	utf8_locale();
	for (i = 0; i < sizeof(name_cases) / sizeof(*name_cases); i++) {
		savefile_sanitize(name_cases[i].in, strlen(name_cases[i].in),
		    "fallback", out, sizeof(out));
		CHECK_STR(out, name_cases[i].out);
	}
	{
		char longname[600];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		savefile_sanitize(longname, strlen(longname), "f", out,
		    sizeof(out));
		CHECK(strlen(out) <= 124);
	}
	/* A fallback with an extension lends only its stem. */
	savefile_sanitize(".pdf", 4, "message-3-part-2.bin", out, sizeof(out));
	CHECK_STR(out, "message-3-part-2.pdf");
}

/* Long names are shortened on whole characters and keep their
 * extension: a 300-byte UTF-8 name, a 10,000-byte name, decomposed
 * accents at the cut. The result is exactly the name written, and the
 * prompt's "dir/name" splits back into it (issue 12). */
static void
test_sanitize_long(void)
{
	static const char *const exts[] = { ".pdf", ".docx", ".tar.gz" };
	char in[10100], out[256], dir[] = "/tmp/mb-test-ui.XXXXXX";
	char prompt[1400], sdir[1024], sname[256];
	const char *unit[] = { "\xd0\x96", "\xe6\x97\xa5", "e\xcc\x81",
	    "\xf0\x9f\x98\x80", "x" };
	const char *err = NULL;
	size_t i, u, n, target[] = { 300, 10000 };
	DIR *d;
	struct dirent *e;
	bool found;

	utf8_locale();
	CHECK(mkdtemp(dir) != NULL);
	for (u = 0; u < sizeof(unit) / sizeof(*unit); u++)
	for (i = 0; i < sizeof(exts) / sizeof(*exts); i++)
	for (n = 0; n < 2; n++) {
		size_t len = 0, ul = strlen(unit[u]), el = strlen(exts[i]);
		const char *tail = strrchr(exts[i], '.');

		while (len + ul + el < target[n]) {
			memcpy(in + len, unit[u], ul);
			len += ul;
		}
		memcpy(in + len, exts[i], el);
		len += el;
		savefile_sanitize(in, len, "fallback", out, sizeof(out));
		/* Short, whole characters, the extension kept. */
		CHECK(strlen(out) <= 120 && strlen(out) > strlen(tail));
		CHECK_STR(out + strlen(out) - strlen(tail), tail);
		CHECK_INT(transcript_cut(out, strlen(out), strlen(out)),
		    strlen(out));
		CHECK_INT(width_cut(out, strlen(out) - strlen(tail),
		    strlen(out)), strlen(out) - strlen(tail));
		/* The accent stays on its e: the stem ends with the pair. */
		if (u == 2)
			CHECK(strlen(out) - strlen(tail) >= 3 &&
			    memcmp(out + strlen(out) - strlen(tail) - 3,
			    "e\xcc\x81", 3) == 0);
		/* What the prompt shows is what is written. */
		snprintf(prompt, sizeof(prompt), "%s/%s", dir, out);
		CHECK_INT(savefile_split(prompt, sdir, sizeof(sdir), sname,
		    sizeof(sname)), 0);
		CHECK_STR(sname, out);
		CHECK_INT(savefile_write(sdir, sname, "x", 1, true, 0666,
		    &err), 0);
		found = false;
		if ((d = opendir(dir)) != NULL) {
			while ((e = readdir(d)) != NULL)
				if (strcmp(e->d_name, out) == 0)
					found = true;
			closedir(d);
		}
		CHECK(found);
		snprintf(prompt, sizeof(prompt), "%s/%s", dir, out);
		unlink(prompt);
	}
	rmdir(dir);
}

/* Saved parts honour the umask (issue 12): 0600 under 077, 0640 under
 * 027, 0644 under 022; the transcript's 0600 stays 0600. */
static void
test_savefile_mode(void)
{
	static const struct {
		mode_t	umask, mode, want;
	} cases[] = {
		{ 077, 0666, 0600 },
		{ 027, 0666, 0640 },
		{ 022, 0666, 0644 },
		{ 022, 0600, 0600 },
	};
	char dir[] = "/tmp/mb-test-ui.XXXXXX", path[128];
	const char *err = NULL;
	struct stat st;
	mode_t old;
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/m.txt", dir);
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		old = umask(cases[i].umask);
		CHECK_INT(savefile_write(dir, "m.txt", "x", 1, true,
		    cases[i].mode, &err), 0);
		umask(old);
		CHECK_INT(stat(path, &st), 0);
		CHECK_INT(st.st_mode & 0777, cases[i].want);
	}
	unlink(path);
	rmdir(dir);
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Saving: never over an existing file unless asked, never through a
 * symlink, never a path, no temporary file left behind. */
static void
test_savefile(void)
{
	char dir[] = "/tmp/mb-test-ui.XXXXXX", path[128], b[16];
	const char *err = NULL;
	FILE *f;
	size_t n;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(savefile_write(dir, "a.txt", "one", 3, false, 0666, &err), 0);
	CHECK_INT(savefile_write(dir, "a.txt", "two", 3, false, 0666, &err), 1);
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	n = f ? fread(b, 1, sizeof(b), f) : 0;
	if (f)
		fclose(f);
	CHECK(n == 3 && memcmp(b, "one", 3) == 0);
	CHECK_INT(savefile_write(dir, "a.txt", "three", 5, true, 0666, &err), 0);
	f = fopen(path, "r");
	n = f ? fread(b, 1, sizeof(b), f) : 0;
	if (f)
		fclose(f);
	CHECK(n == 5 && memcmp(b, "three", 5) == 0);
	CHECK_INT(savefile_write(dir, "../x", "x", 1, false, 0666, &err), -1);
	CHECK_INT(savefile_write(dir, "..", "x", 1, false, 0666, &err), -1);
	/* A dangling symlink counts as existing: nothing is written
	 * through it. */
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK_INT(symlink("/tmp/mb-test-ui-should-not-exist", path), 0);
	CHECK_INT(savefile_write(dir, "link", "x", 1, false, 0666, &err), 1);
	CHECK(access("/tmp/mb-test-ui-should-not-exist", F_OK) != 0);
	CHECK_INT(count_entries(dir), 2);		/* a.txt and link */
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	unlink(path);
	rmdir(dir);
}

static const struct {
	const char	*in;
	int		 ret;
	const char	*dir;
	const char	*name;
} split_cases[] = {
	{ "x.txt", 0, ".", "x.txt" },			/* current directory */
	{ "a/b/x.txt", 0, "a/b", "x.txt" },		/* a directory */
	{ "/x.txt", 0, "/", "x.txt" },			/* the root */
	{ "a/", -1, "", "" },				/* no name */
	{ "a/..", -1, "", "" },				/* not a name */
};

/* What the user types at "Save to:" splits into directory and name. */
static void
test_split(void)
{
	char dir[64], name[64];
	size_t i;

	for (i = 0; i < sizeof(split_cases) / sizeof(*split_cases); i++) {
		CHECK_INT(savefile_split(split_cases[i].in, dir, sizeof(dir),
		    name, sizeof(name)), split_cases[i].ret);
		if (split_cases[i].ret == 0) {
			CHECK_STR(dir, split_cases[i].dir);
			CHECK_STR(name, split_cases[i].name);
		}
	}
}

/* History persists per protocol, skips duplicates and control bytes,
 * and its file is private. */
static void
test_history(void)
{
	char dir[] = "/tmp/mb-test-hist.XXXXXX", path[160];
	struct history *h;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	setenv("XDG_STATE_HOME", dir, 1);
	h = history_new("pop3", true);
	CHECK_INT(history_count(h), 0);
	history_add(h, "USER bob", 8);
	history_add(h, "USER bob", 8);		/* duplicate: once */
	history_add(h, "bad\x1b", 4);		/* control byte: never */
	history_add(h, "STAT", 4);
	CHECK_INT(history_count(h), 2);
	history_free(h);
	h = history_new("pop3", true);
	CHECK_INT(history_count(h), 2);
	CHECK_STR(history_get(h, 0), "USER bob");
	CHECK_STR(history_get(h, 1), "STAT");
	history_switch(h, "smtp");
	CHECK_INT(history_count(h), 0);
	history_free(h);
	snprintf(path, sizeof(path), "%s/mailbench/history-pop3", dir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	unlink(path);
	snprintf(path, sizeof(path), "%s/mailbench", dir);
	rmdir(path);
	rmdir(dir);
}

static const struct {
	const char	*text;
	const char	*needle;
	bool		 found;
} fold_cases[] = {
	{ "S: +OK Greeting", "greeting", true },		/* ASCII */
	{ "S: +OK greeting", "GREETING", true },		/* needle folds too */
	{ "\xc3\x89" "cole", "\xc3\xa9" "COLE", true },	/* É / é */
	{ "Stra\xc3\x9f" "e", "STRA\xc3\x9f" "E", true },	/* ß stays */
	{ "\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x82\xc3\x93" "D\xc5\xb9",
	    true },					/* Ł ó ź (Latin Ext-A) */
	{ "\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3",
	    "\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x82",
	    true },		/* ΣΊΣΥΦΟΣ / σίσυφος (final sigma, tonos) */
	{ "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
	    "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", true },	/* МОСКВА */
	{ "\xd0\x81\xd0\x96", "\xd1\x91\xd0\xb6", true },	/* Ё Ж (U+0400 row) */
	{ "cole", "\xc3\xa9" "cole", false },		/* no accent, no match */
	{ "abc", "abcd", false },			/* needle longer */
	{ "ab\xff" "cd", "cd", true },			/* after a bad byte */
	{ "aab", "ab", true },				/* restart after a partial */
	{ "", "", true },				/* empty needle */
	{ "x", "", true },				/* empty needle */
};

/* Case-insensitive search folds non-ASCII letters too. */
static void
test_fold(void)
{
	size_t i;

	utf8_locale();
	for (i = 0; i < sizeof(fold_cases) / sizeof(fold_cases[0]); i++) {
		uint32_t nd[64];
		size_t nn = width_fold_str(fold_cases[i].needle,
		    strlen(fold_cases[i].needle), nd, 64);

		CHECK(width_has_folded(fold_cases[i].text,
		    strlen(fold_cases[i].text), nd, nn) ==
		    fold_cases[i].found);
	}
	CHECK(width_fold('Q') == 'q');
	CHECK(width_fold(0xd7) == 0xd7);		/* × is not a letter */
	CHECK(width_fold(0x178) == 0xff);		/* Ÿ */
	CHECK(width_fold(0x3c2) == 0x3c3);		/* ς */
	CHECK(width_fold(0x1e9e) == 0x1e9e || width_fold(0x1e9e) == 0xdf);
}

/* A message in memory read through partio at most max bytes a call, so
 * that every chunk boundary partio must cope with occurs. */
struct piece_src {
	const char	*msg;
	size_t		 len, max;
};

static ssize_t
piece_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct piece_src *ps = arg;

	if (off >= ps->len)
		return 0;
	if (len > ps->max)
		len = ps->max;
	if (len > ps->len - off)
		len = ps->len - (size_t)off;
	memcpy(buf, ps->msg + off, len);
	return (ssize_t)len;
}

static int
put_into(void *arg, const char *p, size_t n)
{
	return buf_append(arg, p, n);
}

/* partio: the tree parsed from chunks and each leaf decoded a chunk at a
 * time give what mime_parse and mime_part_decode give on the whole
 * message: base64 cut anywhere (with junk and a padded end), quoted-
 * printable with soft breaks and =XX split across reads, plain text. */
static void
test_partio(void)
{
	struct buf msg, want, got;
	struct mime_part *whole, *part, *m, *n;
	size_t i, maxes[] = { 1, 3, 7, 64, 1000, PARTIO_CHUNK };
	unsigned k;

	buf_init(&msg, 8u << 20);
	buf_append_str(&msg, "Subject: t\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	for (i = 0; i < 2000; i++)
		buf_printf(&msg, "caf=C3=A9 line %zu, soft=\r\nbreak =3D end\r\n",
		    i);
	buf_append_str(&msg, "--b\r\nContent-Type: application/octet-stream\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < 3000; i++)
		buf_append_str(&msg, i % 500 == 7 ? "AAEC Aw!QFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm\r\n" :
		    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp\r\n");
	buf_append_str(&msg, "AAE=\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	    "plain\r\n.dot\r\n--b--\r\n");
	whole = mime_parse(msg.data, msg.len, NULL);
	for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
		struct piece_src ps = { msg.data, msg.len, maxes[k] };
		struct partio_src src = { piece_read, &ps, msg.len };

		/* The byte-at-a-time parse is slow: only the decoders. */
		part = maxes[k] >= 64 ? partio_parse(&src) : NULL;
		if (part != NULL) {
			for (m = whole, n = part; m != NULL && n != NULL;
			    m = mime_part_walk(whole, m),
			    n = mime_part_walk(part, n))
				CHECK(m->start == n->start &&
				    m->body_start == n->body_start &&
				    m->body_end == n->body_end &&
				    m->cte == n->cte);
			CHECK(m == NULL && n == NULL);
			mime_part_free(part);
		}
		for (m = whole; m != NULL; m = mime_part_walk(whole, m)) {
			if (m->is_multipart)
				continue;
			buf_init(&want, 8u << 20);
			buf_init(&got, 8u << 20);
			CHECK_INT(mime_part_decode(m, msg.data, msg.len,
			    &want), 0);
			CHECK_INT(partio_decode(&src, m, put_into, &got), 0);
			CHECK(want.len == got.len && (want.len == 0 ||
			    memcmp(want.data, got.data, want.len) == 0));
			buf_clear(&want);
			buf_clear(&got);
		}
	}
	mime_part_free(whole);
	buf_clear(&msg);
}

/* spool: appended bytes read back from any offset, across the write
 * buffer and the file; the bound refuses more; a released range reads
 * as zeros where the file system makes holes, and keeps its length. */
static void
test_spool(void)
{
	const char *err = NULL;
	struct spool *sp = spool_new(1u << 20, &err);
	char big[100000], back[100000];
	size_t i;

	CHECK(sp != NULL);
	if (sp == NULL)
		return;
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	for (i = 0; i < 10; i++)
		CHECK_INT(spool_write(sp, big, sizeof(big), &err), 0);
	CHECK_INT(spool_write(sp, "x", 1, &err), 0);
	CHECK_INT(spool_size(sp), 1000001);
	CHECK_INT(spool_read(sp, 1000000, back, 10), 1);
	CHECK(back[0] == 'x');
	CHECK_INT(spool_read(sp, 250000, back, sizeof(back)), sizeof(back));
	CHECK(memcmp(back, big + 50000, 50000) == 0 &&
	    memcmp(back + 50000, big, 50000) == 0);
	/* Past the 1 MiB bound: refused, nothing added. */
	CHECK_INT(spool_write(sp, big, sizeof(big), &err), -1);
	CHECK_INT(spool_size(sp), 1000001);
	spool_release(sp, 0, 100000);
	CHECK_INT(spool_read(sp, 100000, back, 10), 10);
	CHECK(memcmp(back, big, 10) == 0);
	spool_truncate(sp);
	CHECK_INT(spool_size(sp), 0);
	CHECK_INT(spool_read(sp, 0, back, 10), 0);
	spool_free(sp);
}

static const struct test tests[] = {
	{ "partio decode by chunks", test_partio },
	{ "spool", test_spool },
	{ "utf-8 decode", test_decode },
	{ "widths", test_width },
	{ "fit and skip", test_fit },
	{ "encode roundtrip", test_encode_roundtrip },
	{ "store million lines", test_store_million },
	{ "store edges", test_store_edges },
	{ "store runs of kept lines", test_store_runs },
	{ "sanitize names", test_sanitize },
	{ "sanitize long names", test_sanitize_long },
	{ "saved files honour the umask", test_savefile_mode },
	{ "safe save", test_savefile },
	{ "cut on whole characters", test_cut },
	{ "save path split", test_split },
	{ "history", test_history },
	{ "case fold search", test_fold },
};

TEST_MAIN("ui", tests)
