/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/mime.c: the MIME tree, byte ranges, defects, decoding, limits, incremental feeding. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/limits.h"
#include "proto/mime.h"
#include "tests/unit/harness.h"

#define DATA	"tests/unit/data/"

static char *
slurp(const char *path, size_t *len_r)
{
	FILE	*f = fopen(path, "rb");
	char	*b;
	long	 n;

	if (f == NULL) {
		harness_fail(__FILE__, __LINE__, path);
		*len_r = 0;
		return calloc(1, 1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len_r = fread(b, 1, (size_t)n, f);
	fclose(f);
	return b;
}

/* One line per part: path, type, charset, filename, disposition, cte,
 * ranges, decoded size, defects: what "same tree" means below. */
static void
describe(struct mime_part *root, const char *msg, size_t len, struct buf *out)
{
	struct mime_part *p;

	for (p = root; p != NULL; p = mime_part_walk(root, p)) {
		struct buf d;
		size_t	i;

		(void)buf_append_str(out, "[");
		(void)mime_part_path(p, out);
		(void)buf_printf(out, "] %s cs=%s fn=%s disp=%s cte=%s "
		    "%zu/%zu/%zu/%zu", p->content_type,
		    p->charset ? p->charset : "-",
		    p->filename ? p->filename : "-",
		    p->disposition ? p->disposition : "-",
		    p->cte_name ? p->cte_name : "-", p->start, p->body_start,
		    p->body_end, p->end);
		buf_init(&d, 1 << 20);
		if (mime_part_decode(p, msg, len, &d) == 0)
			(void)buf_printf(out, " size=%zu", d.len);
		buf_clear(&d);
		for (i = 0; i < p->ndefects; i++)
			(void)buf_printf(out, " !%s@%zu",
			    mime_defect_name(p->defects[i].kind),
			    p->defects[i].offset);
		(void)buf_append_str(out, "\n");
	}
}

static char *
tree_whole(const char *msg, size_t len, const struct mime_limits *lim)
{
	struct mime_part *t = mime_parse(msg, len, lim);
	struct buf b;

	buf_init(&b, 1 << 22);
	describe(t, msg, len, &b);
	mime_part_free(t);
	return buf_steal(&b);
}

/* Feed the message in pieces: step 0 means random sizes from seed. */
static char *
tree_split(const char *msg, size_t len, size_t step, unsigned seed)
{
	struct mime_parser *mp = mime_parser_new(NULL);
	struct mime_part *t;
	struct buf b;
	size_t	off = 0;

	while (off < len) {
		size_t n = step ? step : 1 + harness_rand(&seed) % 40;

		if (n > len - off)
			n = len - off;
		mime_parser_feed(mp, msg + off, n);
		off += n;
	}
	t = mime_parser_finish(mp);
	mime_parser_free(mp);
	buf_init(&b, 1 << 22);
	describe(t, msg, len, &b);
	mime_part_free(t);
	return buf_steal(&b);
}

static const struct {
	const char	*file;
	const char	*tree;
} files[] = {
	/* preamble, QP soft break, boundary with trailing white space,
	 * a nested multipart whose close delimiter is missing (the outer
	 * boundary ends it: RFC 2046 5.1.2), message/rfc822 parsed
	 * recursively, RFC 2231 filename, epilogue */
	{ "nested.eml",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/201/847/847\n"
	  "[1] text/plain cs=iso-8859-1 fn=- disp=- cte=quoted-printable "
	  "233/326/346/348 size=15\n"
	  "[2] multipart/alternative cs=- fn=- disp=- cte=- 359/414/588/588 "
	  "!close-boundary-not-found@588\n"
	  "[2.1] text/html cs=utf-8 fn=- disp=- cte=base64 423/500/512/514 "
	  "size=9\n"
	  "[2.2] text/plain cs=- fn=- disp=- cte=- 523/551/586/588 size=35\n"
	  "[3] message/rfc822 cs=- fn=r\xc3\xa9sum\xc3\xa9.eml disp=attachment "
	  "cte=- 597/701/821/821\n"
	  "[3.1] application/octet-stream cs=- fn=x.bin disp=- cte=base64 "
	  "701/811/819/821 size=4\n" },
	/* RFC 2046 5.1.5: in a digest the default type is message/rfc822 */
	{ "digest.eml",
	  "[] multipart/digest cs=- fn=- disp=- cte=- 0/60/135/135\n"
	  "[1] message/rfc822 cs=- fn=- disp=- cte=- 64/65/85/85\n"
	  "[1.1] text/plain cs=- fn=- disp=- cte=- 65/79/84/85 size=5\n"
	  "[2] text/plain cs=- fn=- disp=- cte=- 89/115/128/129 size=13\n" },
	/* CR-only line ends */
	{ "cr-only.eml",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/60/114/114\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 64/90/107/108 size=17\n" },
	/* multipart without boundary: a leaf, with a defect */
	{ "no-boundary.eml",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/52/91/91 size=39 "
	  "!no-boundary-in-multipart@52\n" },
	/* a header block with no body */
	{ "headers-only.eml",
	  "[] text/plain cs=- fn=- disp=- cte=- 0/22/22/22 size=0\n" },
};

/* Fed at once, byte by byte and in random splits: the same tree. */
static void
test_files(void)
{
	size_t	i;
	unsigned seed;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char	path[256], *msg, *whole, *other;
		size_t	len;

		snprintf(path, sizeof(path), DATA "%s", files[i].file);
		msg = slurp(path, &len);
		whole = tree_whole(msg, len, NULL);
		CHECK_STR(whole, files[i].tree);
		other = tree_split(msg, len, 1, 0);
		CHECK_STR(other, whole);
		free(other);
		for (seed = 1; seed <= 50; seed++) {
			other = tree_split(msg, len, 0, seed);
			CHECK_STR(other, whole);
			free(other);
		}
		free(whole);
		free(msg);
	}
}

/* Decoding: QP soft breaks, base64, charset conversion to UTF-8. */
static void
test_decode(void)
{
	char	*msg;
	size_t	 len;
	struct mime_part *t, *p;
	struct buf b;

	msg = slurp(DATA "nested.eml", &len);
	t = mime_parse(msg, len, NULL);
	p = t->first_child;
	buf_init(&b, 4096);
	CHECK_INT(mime_part_decode(p, msg, len, &b), 0);
	CHECK(b.len == 15 && memcmp(b.data, "caf\xe9 soft break", 15) == 0);
	buf_reset(&b);
	CHECK_INT(mime_part_decode_text(p, msg, len, &b), 1);
	CHECK_STR(b.data, "caf\xc3\xa9 soft break");
	buf_reset(&b);
	p = p->next->first_child;
	CHECK_INT(mime_part_decode_text(p, msg, len, &b), 1);
	CHECK_STR(b.data, "<p>hi</p>");
	buf_reset(&b);
	/* containers have no body of their own */
	CHECK_INT(mime_part_decode(t, msg, len, &b), -1);
	p = t->last_child->first_child;
	CHECK_INT(mime_part_decode(p, msg, len, &b), 0);
	CHECK(b.len == 4 && memcmp(b.data, "\x00\x01\x02\xff", 4) == 0);
	CHECK_STR(header_get(&p->headers, "subject")->value, "enclosed");
	buf_clear(&b);
	mime_part_free(t);
	free(msg);
	/* an encoded message/rfc822 decodes to the enclosed message */
	{
		static const char m[] = "Content-Type: message/rfc822\n"
		    "Content-Transfer-Encoding: base64\n\n"
		    "U3ViamVjdDogeAoKYm9keQo=\n";

		t = mime_parse(m, sizeof(m) - 1, NULL);
		CHECK(t->is_message);
		buf_init(&b, 4096);
		CHECK_INT(mime_part_decode(t, m, sizeof(m) - 1, &b), 0);
		CHECK_STR(b.data, "Subject: x\n\nbody\n");
		buf_clear(&b);
		mime_part_free(t);
	}
}

static const struct {
	const char	*msg;
	const char	*tree;
} inline_cases[] = {
	/* the empty message */
	{ "", "[] text/plain cs=- fn=- disp=- cte=- 0/0/0/0 size=0\n" },
	/* no blank line after the header: the body starts anyway */
	{ "Subject: x\nbody\n", "[] text/plain cs=- fn=- disp=- cte=- "
	  "0/11/16/16 size=5 !missing-header-body-separator@11\n" },
	/* no start boundary: the body is the payload */
	{ "Content-Type: multipart/mixed; boundary=b\n\nno parts\n",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/43/52/52 size=9 "
	  "!start-boundary-not-found@52\n" },
	/* RFC 2045 5.2: a broken Content-Type means text/plain */
	{ "Content-Type: garbage\n\nx", "[] text/plain cs=- fn=- disp=- "
	  "cte=- 0/23/24/24 size=1 !invalid-content-type@0\n" },
	/* "--b--x" is no delimiter; "--b  " is one */
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b  \n\na\n--b--x\n"
	  "--b--\n",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/43/65/65\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 49/50/58/59 size=8\n" },
	/* RFC 6532 3.7: message/global is parsed like message/rfc822 */
	{ "Content-Type: message/global\n\nSubject: caf\xc3\xa9\n\nbody\n",
	  "[] message/global cs=- fn=- disp=- cte=- 0/30/51/51\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 30/46/51/51 size=5\n" },
	/* RFC 3464: delivery-status is groups of fields, one part each */
	{ "Content-Type: message/delivery-status\n\nReporting-MTA: dns; x"
	  "\n\nFinal-Recipient: rfc822; a@b\nAction: failed\n",
	  "[] message/delivery-status cs=- fn=- disp=- cte=- 0/39/106/106\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 39/61/61/61 size=0\n"
	  "[2] text/plain cs=- fn=- disp=- cte=- 62/106/106/106 size=0\n" },
	/* RFC 2045 5.1: an unquoted boundary=----=_NextPart_1 is cut at
	 * '=' by Python ("----"), which matches no line; the whole token
	 * does, so it is taken (as Thunderbird and mutt do), with a defect */
	{ "Content-Type: multipart/alternative;\n\tboundary=----=_NextPart_1"
	  "\n\n------=_NextPart_1\n\na\n------=_NextPart_1--\n",
	  "[] multipart/alternative cs=- fn=- disp=- cte=- 0/65/108/108 "
	  "!unquoted-boundary-with-equals@65\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 84/85/86/87 size=1\n" },
	/* ...but when the cut boundary ("--") does match a line, Python's
	 * reading stays */
	{ "Content-Type: multipart/mixed; boundary=--=x\n\n----\n\na\n"
	  "------\n",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/46/61/61\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 51/52/53/54 size=1\n" },
	/* quoted, '=' is part of the boundary with no defect */
	{ "Content-Type: multipart/mixed; boundary=\"--=x\"\n\n----=x\n\n"
	  "a\n----=x--\n",
	  "[] multipart/mixed cs=- fn=- disp=- cte=- 0/48/67/67\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 55/56/57/58 size=1\n" },
	/* base64 on a multipart is a defect (RFC 2045 6.4) */
	{ "Content-Type: multipart/mixed; boundary=b\n"
	  "Content-Transfer-Encoding: base64\n\n--b\n\nx\n--b--\n",
	  "[] multipart/mixed cs=- fn=- disp=- cte=base64 0/77/90/90 "
	  "!invalid-multipart-transfer-encoding@77\n"
	  "[1] text/plain cs=- fn=- disp=- cte=- 81/82/83/84 size=1\n" },
};

static void
test_inline(void)
{
	size_t	i;

	for (i = 0; i < sizeof(inline_cases) / sizeof(inline_cases[0]); i++) {
		const char *m = inline_cases[i].msg;
		size_t	len = strlen(m);
		char	*whole = tree_whole(m, len, NULL), *other;

		CHECK_STR(whole, inline_cases[i].tree);
		other = tree_split(m, len, 1, 0);
		CHECK_STR(other, whole);
		free(other);
		free(whole);
	}
}

/* LIMIT_MIME_DEPTH: nesting stops with a defect, never a crash. */
static void
test_depth_limit(void)
{
	struct buf m;
	struct mime_part *t, *p;
	struct mime_limits lim = { .depth = 10 };
	size_t	i, deepest = 0;
	bool	found = false;

	buf_init(&m, 1 << 20);
	for (i = 0; i < 500; i++)
		(void)buf_append_str(&m, "Content-Type: message/rfc822\n\n");
	(void)buf_append_str(&m, "Subject: bottom\n\nhi\n");
	t = mime_parse(m.data, m.len, &lim);
	for (p = t; p != NULL; p = mime_part_walk(t, p)) {
		size_t k;

		if (p->depth > deepest)
			deepest = p->depth;
		for (k = 0; k < p->ndefects; k++)
			if (p->defects[k].kind == MIME_DEFECT_DEPTH_LIMIT)
				found = true;
	}
	CHECK(found);
	CHECK(deepest < 10);
	mime_part_free(t);
	/* the default limit holds too, with the whole depth of 500 */
	t = mime_parse(m.data, m.len, NULL);
	deepest = 0;
	for (p = t; p != NULL; p = mime_part_walk(t, p))
		if (p->depth > deepest)
			deepest = p->depth;
	CHECK(deepest < LIMIT_MIME_DEPTH);
	mime_part_free(t);
	buf_clear(&m);
}

/* LIMIT_MIME_PARTS: further parts are skipped with one defect. */
static void
test_parts_limit(void)
{
	struct buf m;
	struct mime_part *t;
	struct mime_limits lim = { .parts = 5 };
	size_t	i;

	buf_init(&m, 1 << 20);
	(void)buf_append_str(&m, "Content-Type: multipart/mixed; "
	    "boundary=b\n\n");
	for (i = 0; i < 100; i++)
		(void)buf_append_str(&m, "--b\n\npart\n");
	(void)buf_append_str(&m, "--b--\n");
	t = mime_parse(m.data, m.len, &lim);
	CHECK_INT(t->nchildren, 4);
	CHECK_INT(t->ndefects, 1);
	CHECK_INT(t->defects[0].kind, MIME_DEFECT_PARTS_LIMIT);
	CHECK_INT(t->end, m.len);
	mime_part_free(t);
	buf_clear(&m);
}

/* LIMIT_HEADER_BLOCK and the line limit: defects, the parse goes on. */
static void
test_header_and_line_limit(void)
{
	struct buf m;
	struct mime_part *t;
	struct mime_limits lim = { .header_block = 64, .line = 32 };
	size_t	i;
	bool	hdr = false, line = false;

	buf_init(&m, 1 << 20);
	for (i = 0; i < 10; i++)
		(void)buf_append_str(&m, "X-Filler: 0123456789\n");
	(void)buf_append_str(&m, "X-Long: ");
	for (i = 0; i < 100; i++)
		(void)buf_append_str(&m, "y");
	(void)buf_append_str(&m, "\n\nbody\n");
	t = mime_parse(m.data, m.len, &lim);
	for (i = 0; i < t->ndefects; i++) {
		if (t->defects[i].kind == MIME_DEFECT_HEADER_LIMIT)
			hdr = true;
		if (t->defects[i].kind == MIME_DEFECT_LINE_LIMIT)
			line = true;
	}
	CHECK(hdr);
	CHECK(line);
	CHECK(t->headers.count <= 3);
	CHECK_INT(t->body_end - t->body_start, 5);
	mime_part_free(t);
	buf_clear(&m);
}

/* A boundary-looking line past the line limit is body text. */
static void
test_long_line(void)
{
	struct buf m;
	struct mime_part *t;
	struct mime_limits lim = { .line = 48 };
	char	*a, *b;

	buf_init(&m, 1 << 20);
	(void)buf_append_str(&m, "Content-Type: multipart/mixed; boundary=b"
	    "\n\n--b\n\n--b\n");
	/* a delimiter line, but 51 bytes long: past the limit */
	(void)buf_append_str(&m, "--b                                    "
	    "           \nz\n--b--\n");
	t = mime_parse(m.data, m.len, &lim);
	/* two parts, not three: the long line started no part; it was
	 * skipped as a header line and "z" is the second part's body */
	CHECK_INT(t->nchildren, 2);
	if (t->nchildren == 2)
		CHECK_INT(t->last_child->body_end -
		    t->last_child->body_start, 1);
	mime_part_free(t);
	/* and fed in pieces the same */
	a = tree_whole(m.data, m.len, &lim);
	{
		struct mime_parser *mp = mime_parser_new(&lim);
		struct buf d;
		size_t i;

		for (i = 0; i < m.len; i++)
			mime_parser_feed(mp, m.data + i, 1);
		t = mime_parser_finish(mp);
		mime_parser_free(mp);
		buf_init(&d, 1 << 20);
		describe(t, m.data, m.len, &d);
		b = buf_steal(&d);
		mime_part_free(t);
	}
	CHECK_STR(b, a);
	free(a);
	free(b);
	buf_clear(&m);
}

/* Parameters and paths. */
static void
test_params(void)
{
	static const char m[] = "Content-Type: text/plain; CHARSET=\"UTF-8\"; "
	    "format=flowed\nContent-Disposition: inline; filename=\"a b.txt\""
	    "\n\nx";
	struct mime_part *t = mime_parse(m, sizeof(m) - 1, NULL);
	struct buf b;

	CHECK_STR(mime_part_param(t, "charset", false), "UTF-8");
	CHECK_STR(mime_part_param(t, "Format", false), "flowed");
	CHECK(mime_part_param(t, "nope", false) == NULL);
	CHECK_STR(mime_part_param(t, "filename", true), "a b.txt");
	CHECK_STR(t->charset, "utf-8");
	CHECK_STR(t->disposition, "inline");
	CHECK_STR(t->filename, "a b.txt");
	buf_init(&b, 64);
	CHECK_INT(mime_part_path(t, &b), 0);
	CHECK_STR(b.data, "");
	buf_clear(&b);
	CHECK_STR(mime_defect_name(MIME_DEFECT_PARTS_LIMIT), "parts-limit");
	mime_part_free(t);
}

/* Every message of the shared corpus (when it is there: ../shared from
 * the repository) gives the same tree fed whole, in random pieces and,
 * for the smaller ones, one byte at a time. */
static void
test_corpus_splits(void)
{
	const char *dir = "../shared/corpus/messages";
	DIR	*d = opendir(dir);
	struct dirent *e;
	unsigned seed = 7, nfiles = 0;

	if (d == NULL) {
		fprintf(stderr, "  note: %s absent, corpus splits not run\n",
		    dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char	path[1024], *msg, *whole, *other;
		size_t	len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		msg = slurp(path, &len);
		whole = tree_whole(msg, len, NULL);
		other = tree_split(msg, len, 0, seed++);
		if (strcmp(whole, other) != 0)
			harness_fail(__FILE__, __LINE__, path);
		free(other);
		if (len < 20000) {
			other = tree_split(msg, len, 1, 0);
			if (strcmp(whole, other) != 0)
				harness_fail(__FILE__, __LINE__, path);
			free(other);
		}
		free(whole);
		free(msg);
		nfiles++;
	}
	closedir(d);
	fprintf(stderr, "  corpus splits: %u files\n", nfiles);
}

static const struct test tests[] = {
	{ "corpus_splits", test_corpus_splits },
	{ "files", test_files },
	{ "decode", test_decode },
	{ "inline", test_inline },
	{ "depth_limit", test_depth_limit },
	{ "parts_limit", test_parts_limit },
	{ "header_and_line_limit", test_header_and_line_limit },
	{ "long_line", test_long_line },
	{ "params", test_params },
};

TEST_MAIN("mime", tests)
