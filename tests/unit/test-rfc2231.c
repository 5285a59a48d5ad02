/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/rfc2231.c: MIME parameters read as Python does. */
#include <stdlib.h>
#include <string.h>

#include "proto/charset.h"
#include "proto/rfc2231.h"
#include "tests/unit/harness.h"
#include "tests/unit/pycompat-rfc2231.h"

/* Content-Type values: the type Python reports, one parameter's value,
 * defects that must be set. */
static const struct {
	const char	*in;
	const char	*value;		/* v.value */
	const char	*type;		/* v.type, NULL for none */
	const char	*subtype;
	const char	*param;
	const char	*want;		/* NULL: parameter absent */
	unsigned	 defects;
} ct_cases[] = {
	/* RFC 2231 3: continuations, plain sections. */
	{ "message/external-body; access-type=URL; URL*0=\"ftp://\"; "
	    "URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
	    "message/external-body", "message", "external-body", "url",
	    "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar", 0 },
	/* RFC 2231 4: charset and language. */
	{ "application/x-stuff; "
	    "title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A",
	    "application/x-stuff", "application", "x-stuff", "title",
	    "This is ***fun***", 0 },
	/* RFC 2231 4.1: encoded and plain sections mixed. */
	{ "application/x-stuff; "
	    "title*0*=us-ascii'en'This%20is%20even%20more%20; "
	    "title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
	    "application/x-stuff", "application", "x-stuff", "title",
	    "This is even more ***fun*** isn't it!", 0 },
	/* RFC 2045 5.1: a comment after a value. */
	{ "text/plain; charset=us-ascii (Plain text)", "text/plain", "text",
	    "plain", "charset", "us-ascii", 0 },
	/* Names are case-insensitive; values keep their case; the type is
	 * lower-cased. */
	{ "Text/HTML; CharSet=UTF-8", "text/html", "text", "html", "charset",
	    "UTF-8", 0 },
	/* A parameter given twice: the first wins (Python). */
	{ "text/plain; charset=a; charset=b", "text/plain", "text", "plain",
	    "charset", "a", RFC2231_DEFECT_DUPLICATE },
	/* A missing ';': no parameters at all (Python), the whole thing is
	 * the value (so Python's content type is text/plain by default). */
	{ "text/plain charset=utf-8", "text/plain charset=utf-8", "text",
	    "plain", "charset", NULL, RFC2231_DEFECT_JUNK },
	/* Folded. */
	{ "text/plain;\r\n charset=utf-8", "text/plain", "text", "plain",
	    "charset", "utf-8", 0 },
	/* Quoted boundary with '=' inside. */
	{ "multipart/mixed; boundary=\"----=_Part_0\"", "multipart/mixed",
	    "multipart", "mixed", "boundary", "----=_Part_0", 0 },
	/* Whitespace and comments around the '/'. */
	{ "text (c) / (d) plain", "text (c) / (d) plain", "text", "plain",
	    "charset", NULL, 0 },
	{ "text (c) / (d) plain (e); charset=x", "text (c) / (d) plain (e)",
	    "text", "plain", "charset", "x", 0 },
	/* No type at all. */
	{ "", "", NULL, NULL, "charset", NULL, RFC2231_DEFECT_NO_TYPE },
	{ "; charset=x", "", NULL, NULL, "charset", "x",
	    RFC2231_DEFECT_NO_TYPE },
	/* An empty parameter between two ';'. */
	{ "text/plain;; charset=x", "text/plain", "text", "plain", "charset",
	    "x", 0 },
	/* After an encoded word inside quotes, whitespace before something
	 * that only looks like one stays (Python: 'a  =?x y'; it came out
	 * as "a" and a NUL before base/buf's asserts found it). */
	{ "text/plain; name=\"=?utf-8?q?a?=  =?x y\"", "text/plain", "text",
	    "plain", "name", "a  =?x y", RFC2231_DEFECT_ENCODED_WORD },
	/* A parameter without '=' has an empty value. */
	{ "text/plain; flowed; charset=x", "text/plain", "text", "plain",
	    "flowed", "", RFC2231_DEFECT_NO_VALUE },
};

static void
test_content_type(void)
{
	size_t	i;

	for (i = 0; i < sizeof(ct_cases) / sizeof(ct_cases[0]); i++) {
		struct rfc2231_value v;
		const char *got;

		CHECK_INT(rfc2231_parse(ct_cases[i].in, strlen(ct_cases[i].in),
		    &v), 0);
		CHECK_STR(v.value, ct_cases[i].value);
		if (ct_cases[i].type == NULL)
			CHECK(v.type == NULL);
		else {
			CHECK_STR(v.type, ct_cases[i].type);
			CHECK_STR(v.subtype, ct_cases[i].subtype);
		}
		got = rfc2231_get(&v, ct_cases[i].param);
		if (ct_cases[i].want == NULL)
			CHECK(got == NULL);
		else
			CHECK_STR(got, ct_cases[i].want);
		CHECK_INT(v.defects & ct_cases[i].defects, ct_cases[i].defects);
		rfc2231_value_clear(&v);
	}
}

/* Content-Disposition values and the file name Python's get_filename()
 * gives (with "application/pdf; name=doc.pdf" as the Content-Type). */
static const struct {
	const char	*cd;
	const char	*filename;
	unsigned	 defects;
} cd_cases[] = {
	/* Quoted-string escapes. */
	{ "attachment; filename=\"a\\\"b.txt\"", "a\"b.txt", 0 },
	/* RFC 2047 words inside a quoted value: decoded (RFC 2047 5 says
	 * they must not be there, but real clients write them). */
	{ "attachment; filename=\"=?utf-8?B?w6lsw6h2ZS5wZGY=?=\"",
	    "\xc3\xa9l\xc3\xa8ve.pdf", RFC2231_DEFECT_ENCODED_WORD },
	{ "attachment; filename=\"=?utf-8?q?a?= =?utf-8?q?b?=.txt\"",
	    "ab.txt", RFC2231_DEFECT_ENCODED_WORD },
	/* Unquoted, '=' cannot start a value: Python drops the parameter and
	 * falls back to the Content-Type name. */
	{ "attachment; filename==?utf-8?q?x.txt?=", "doc.pdf", 0 },
	/* A quote left open runs to the end. */
	{ "attachment; filename=\"foo.txt", "foo.txt",
	    RFC2231_DEFECT_UNTERMINATED },
	/* A parameter without a value does not disturb the next. */
	{ "attachment; foo; filename=a.txt", "a.txt", RFC2231_DEFECT_NO_VALUE },
	/* Comments anywhere. */
	{ "attachment (yes) ; filename=(c)\"x.txt\"(d)", "x.txt", 0 },
	/* RFC 2231: an encoded section then a plain one. */
	{ "attachment; filename*0*=utf-8''%C3%A9; filename*1=\".txt\"",
	    "\xc3\xa9.txt", 0 },
	/* Sections out of order are sorted. */
	{ "attachment; filename*1=\"b\"; filename*0=\"a\"", "ab", 0 },
	/* A UTF-8 character split across encoded sections. */
	{ "attachment; filename*0*=utf-8''%C3; filename*1*=%A9", "\xc3\xa9",
	    0 },
	/* Unknown charset: the bytes, read as UTF-8 (Python). */
	{ "attachment; filename*=x-bogus''caf%C3%A9", "caf\xc3\xa9",
	    RFC2231_DEFECT_CHARSET },
	{ "attachment; filename*=iso-8859-1''%E9t%E9", "\xc3\xa9t\xc3\xa9", 0 },
	/* An empty charset is us-ascii. */
	{ "attachment; filename*=''a%20b", "a b", 0 },
	/* Bytes not valid in the charset: U+FFFD. */
	{ "attachment; filename*=utf-8''%E9t%C3%A9", "\xef\xbf\xbdt\xc3\xa9",
	    RFC2231_DEFECT_CHARSET },
	/* Quotes around an extended value (common, invalid) are tolerated. */
	{ "attachment; filename*=\"utf-8''%C3%A9.txt\"", "\xc3\xa9.txt", 0 },
	/* "filename=x" where the type belongs: Python finds it. */
	{ "filename=x.txt", "x.txt", RFC2231_DEFECT_NO_TYPE },
	/* get_filename() unquotes once more: <x> and "x" lose their marks,
	 * and surrounding whitespace goes. */
	{ "attachment; filename=\"<x>\"", "x", 0 },
	{ "attachment; filename=\"\\\"q\\\"\"", "q", 0 },
	{ "attachment; filename=\"  a.txt \"", "a.txt", 0 },
	/* First wins, whatever the case of the name, plain or encoded. */
	{ "attachment; FILENAME=\"a\"; filename=\"b\"", "a", 0 },
	{ "attachment; filename=\"a\"; filename*=utf-8''b", "a",
	    RFC2231_DEFECT_DUPLICATE },
	{ "attachment; filename*=utf-8''b; filename=\"a\"", "b",
	    RFC2231_DEFECT_DUPLICATE },
	/* An unquoted value ends at whitespace (Python keeps "a"). */
	{ "attachment; filename=a b.txt", "a", RFC2231_DEFECT_JUNK },
	/* An encoded value with nothing after charset'': dropped. */
	{ "attachment; filename*=utf-8''", "doc.pdf", 0 },
	/* No disposition parameters: the Content-Type name. */
	{ "attachment", "doc.pdf", 0 },
	/* Raw UTF-8 in a quoted value is kept. */
	{ "attachment; filename=\"\xc3\xa9.txt\"", "\xc3\xa9.txt", 0 },
	/* Raw Latin-1 is not UTF-8: U+FFFD. */
	{ "attachment; filename=\"\xe9.txt\"", "\xef\xbf\xbd.txt", 0 },
};

static void
test_filename(void)
{
	struct rfc2231_value ct;
	size_t	i;

	rfc2231_parse("application/pdf; name=doc.pdf", 29, &ct);
	for (i = 0; i < sizeof(cd_cases) / sizeof(cd_cases[0]); i++) {
		struct rfc2231_value cd;
		char *f;

		CHECK_INT(rfc2231_parse(cd_cases[i].cd, strlen(cd_cases[i].cd),
		    &cd), 0);
		f = rfc2231_filename(&cd, &ct);
		CHECK_STR(f, cd_cases[i].filename);
		CHECK(f == NULL || charset_utf8_valid(f, strlen(f)));
		CHECK_INT(cd.defects & cd_cases[i].defects,
		    cd_cases[i].defects);
		free(f);
		rfc2231_value_clear(&cd);
	}
	/* Neither header: no file name. */
	CHECK(rfc2231_filename(NULL, NULL) == NULL);
	rfc2231_value_clear(&ct);
}

/* The parameter list itself: Python's order, flags, charset, language. */
static void
test_params(void)
{
	struct rfc2231_value v;
	const struct rfc2231_param *p;
	const char *in = "attachment; Title*1*=%20b; size=3; "
	    "title*0*=utf-8'fr'a; name=\"=?utf-8?q?x?=\"";

	rfc2231_parse(in, strlen(in), &v);
	CHECK_STR(v.value, "attachment");
	CHECK_STR(v.type, "attachment");
	CHECK(v.subtype == NULL);
	/* Grouped by name as written: "Title" and "title" are two. */
	CHECK_INT(v.nparams, 4);
	CHECK_STR(v.params[0].name, "title");
	CHECK_STR(v.params[1].name, "size");
	p = rfc2231_find(&v, "size");
	CHECK(p != NULL && p->flags == 0);
	p = &v.params[2];
	CHECK_STR(p->value, "a");
	CHECK_STR(p->charset, "utf-8");
	CHECK_STR(p->language, "fr");
	CHECK(p->flags & RFC2231_PARAM_EXTENDED);
	CHECK(p->flags & RFC2231_PARAM_CONTINUED);
	p = rfc2231_find(&v, "NAME");
	CHECK(p != NULL && (p->flags & RFC2231_PARAM_RFC2047) &&
	    (p->flags & RFC2231_PARAM_QUOTED));
	CHECK_STR(p->value, "x");
	CHECK(rfc2231_find(&v, "nothing") == NULL);
	CHECK(rfc2231_get(NULL, "x") == NULL);
	rfc2231_value_clear(&v);
	CHECK(v.params == NULL && v.nparams == 0);
	/* Clearing twice is harmless. */
	rfc2231_value_clear(&v);
}

/* Random parameter lists with Python's get_filename() and
 * get_param("charset"). */
static void
test_python_generated(void)
{
	size_t	i;

	for (i = 0; i < sizeof(py_param_cases) / sizeof(py_param_cases[0]);
	    i++) {
		struct rfc2231_value cd, ct;
		const char *cs;
		char *f;

		rfc2231_parse(py_param_cases[i].cd, strlen(py_param_cases[i].cd),
		    &cd);
		rfc2231_parse(py_param_cases[i].ct, strlen(py_param_cases[i].ct),
		    &ct);
		f = rfc2231_filename(&cd, &ct);
		if (py_param_cases[i].filename == NULL)
			CHECK(f == NULL);
		else
			CHECK_STR(f, py_param_cases[i].filename);
		cs = rfc2231_get(&ct, "charset");
		if (py_param_cases[i].charset == NULL)
			CHECK(cs == NULL);
		else
			CHECK_STR(cs, py_param_cases[i].charset);
		free(f);
		rfc2231_value_clear(&cd);
		rfc2231_value_clear(&ct);
	}
}

/* Junk and odd bytes never break it; every string out is UTF-8. */
static void
test_junk(void)
{
	static const char *const junk[] = {
		";;;;", "\"", "(", "((((", "=", "*", "a*=", "a*0*=''", "a*=\"",
		"text/plain; a=\"\\", "x; a*99999999999999999999=b",
		"x; a*0=1; a*0=2; a*2=3", "\xff\xfe; \xff=\xff",
		"x; a=\"=?utf-8?q?", "x; a=\"=?utf-8?b?w6k?=\"", "x; a*=\"'\"",
		"x; a\0b=c",
	};
	size_t	i, j;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct rfc2231_value v;
		size_t n = strlen(junk[i]);
		char *f;

		if (i == sizeof(junk) / sizeof(junk[0]) - 1)
			n = 8;
		CHECK_INT(rfc2231_parse(junk[i], n, &v), 0);
		CHECK(charset_utf8_valid(v.value, strlen(v.value)));
		for (j = 0; j < v.nparams; j++)
			CHECK(charset_utf8_valid(v.params[j].value,
			    strlen(v.params[j].value)));
		f = rfc2231_filename(&v, &v);
		free(f);
		rfc2231_value_clear(&v);
	}
}

static void
test_names(void)
{
	unsigned bit;

	for (bit = 1; bit < 1u << RFC2231_DEFECT_COUNT; bit <<= 1) {
		CHECK(strcmp(rfc2231_defect_name(bit), "unknown") != 0);
		CHECK(strcmp(rfc2231_defect_id(bit), "unknown") != 0);
	}
	CHECK_STR(rfc2231_defect_name(0), "unknown");
	charset_cache_free();
}

static const struct test tests[] = {
	{ "Content-Type table (RFC 2045, RFC 2231)", test_content_type },
	{ "Content-Disposition file names (Python get_filename)",
	    test_filename },
	{ "parameter list, flags, charset, language", test_params },
	{ "Python-generated cases", test_python_generated },
	{ "junk", test_junk },
	{ "defect names", test_names },
};

TEST_MAIN("rfc2231", tests)
