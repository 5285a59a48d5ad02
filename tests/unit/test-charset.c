/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/charset.c: aliases, conversions, U+FFFD, flags. */
#include <stdio.h>
#include <string.h>

#include "proto/charset.h"
#include "tests/unit/harness.h"

#define S(x)	x, sizeof(x) - 1
#define FFFD	"\xef\xbf\xbd"

static const struct {
	const char	*name;
	const char	*canon;		/* NULL: unknown */
} alias_cases[] = {
	/* us-ascii and the names that mean it; NULL/"" default to it. */
	{ "us-ascii", "us-ascii" },
	{ "US-ASCII", "us-ascii" },
	{ "ascii", "us-ascii" },
	{ "ANSI_X3.4-1968", "us-ascii" },
	{ "", "us-ascii" },
	/* UTF-8 as mail writes it. */
	{ "utf-8", "UTF-8" },
	{ "UTF8", "UTF-8" },
	{ "utf_8", "UTF-8" },
	{ "unicode-1-1-utf-8", "UTF-8" },
	{ "utf-7", "UTF-7" },
	{ "unicode-1-1-utf-7", "UTF-7" },
	{ "utf-16le", "UTF-16LE" },
	/* Latin-1 in all its spellings. */
	{ "iso-8859-1", "ISO-8859-1" },
	{ "ISO8859-1", "ISO-8859-1" },
	{ "iso_8859-1", "ISO-8859-1" },
	{ "iso-8859-1:1987", "ISO-8859-1" },
	{ "latin1", "ISO-8859-1" },
	{ "latin-1", "ISO-8859-1" },
	{ "l1", "ISO-8859-1" },
	{ "iso-8859-15", "ISO-8859-15" },
	{ "latin9", "ISO-8859-15" },
	{ "iso-8859-2", "ISO-8859-2" },
	{ "iso-8859-8-i", "ISO-8859-8" },
	/* Windows code pages, both spellings. */
	{ "cp1252", "windows-1252" },
	{ "windows-1252", "windows-1252" },
	{ "x-cp1252", "windows-1252" },
	{ "windows-1251", "windows-1251" },
	{ "cp1250", "windows-1250" },
	/* Cyrillic. */
	{ "koi8-r", "KOI8-R" },
	{ "KOI8-U", "KOI8-U" },
	/* Japanese. */
	{ "shift_jis", "Shift_JIS" },
	{ "shift-jis", "Shift_JIS" },
	{ "x-sjis", "Shift_JIS" },
	{ "sjis", "Shift_JIS" },
	{ "cp932", "windows-31j" },
	{ "euc-jp", "EUC-JP" },
	{ "iso-2022-jp", "ISO-2022-JP" },
	/* Korean: Outlook's ks_c_5601-1987 is CP949. */
	{ "ks_c_5601-1987", "KS_C_5601-1987" },
	{ "euc-kr", "EUC-KR" },
	{ "cp949", "CP949" },
	/* Chinese. */
	{ "gb2312", "GB2312" },
	{ "GBK", "GBK" },
	{ "cp936", "GBK" },
	{ "gb18030", "GB18030" },
	{ "big5", "Big5" },
	{ "Big5-HKSCS", "Big5-HKSCS" },
	/* IBM PC code page, with Python's bare number. */
	{ "437", "IBM437" },
	/* Names for "we don't know" are not known charsets. */
	{ "unknown-8bit", NULL },
	{ "x-unknown", NULL },
	{ "unknown", NULL },
	/* Junk names seen in the wild. */
	{ "fakescii", NULL },
	{ "charset=us-ascii", NULL },
	{ "utf-8-purple", NULL },
	{ "windows-1252http-equivContent-Type", NULL },
	/* A name iconv knows that our table does not: known, upper case. */
	{ "armscii-8", "ARMSCII-8" },
	{ "ISO-8859-4", "ISO-8859-4" },
	{ "CP850", "IBM850" },
};

/* Every key of the alias table in proto/charset.c (normalised spelling),
 * so a typo there or an iconv that lacks a charset shows up here. */
static const struct {
	const char	*name;
	const char	*canon;
} table_cases[] = {
	{ "usascii", "us-ascii" },
	{ "ascii", "us-ascii" },
	{ "us", "us-ascii" },
	{ "iso646us", "us-ascii" },
	{ "ansix341968", "us-ascii" },
	{ "ansix341986", "us-ascii" },
	{ "cp367", "us-ascii" },
	{ "ibm367", "us-ascii" },
	{ "csascii", "us-ascii" },
	{ "646", "us-ascii" },
	{ "437", "IBM437" },
	{ "utf8", "UTF-8" },
	{ "u8", "UTF-8" },
	{ "utf", "UTF-8" },
	{ "cp65001", "UTF-8" },
	{ "unicode11utf8", "UTF-8" },
	{ "xunicode20utf8", "UTF-8" },
	{ "utf7", "UTF-7" },
	{ "unicode11utf7", "UTF-7" },
	{ "utf16", "UTF-16" },
	{ "utf16le", "UTF-16LE" },
	{ "utf16be", "UTF-16BE" },
	{ "utf32", "UTF-32" },
	{ "utf32le", "UTF-32LE" },
	{ "utf32be", "UTF-32BE" },
	{ "iso88591", "ISO-8859-1" },
	{ "iso885911987", "ISO-8859-1" },
	{ "latin1", "ISO-8859-1" },
	{ "latin", "ISO-8859-1" },
	{ "l1", "ISO-8859-1" },
	{ "cp819", "ISO-8859-1" },
	{ "ibm819", "ISO-8859-1" },
	{ "isoir100", "ISO-8859-1" },
	{ "csisolatin1", "ISO-8859-1" },
	{ "8859", "ISO-8859-1" },
	{ "iso88592", "ISO-8859-2" },
	{ "latin2", "ISO-8859-2" },
	{ "l2", "ISO-8859-2" },
	{ "iso88593", "ISO-8859-3" },
	{ "latin3", "ISO-8859-3" },
	{ "l3", "ISO-8859-3" },
	{ "iso88594", "ISO-8859-4" },
	{ "latin4", "ISO-8859-4" },
	{ "l4", "ISO-8859-4" },
	{ "iso88595", "ISO-8859-5" },
	{ "cyrillic", "ISO-8859-5" },
	{ "iso88596", "ISO-8859-6" },
	{ "arabic", "ISO-8859-6" },
	{ "iso88597", "ISO-8859-7" },
	{ "greek", "ISO-8859-7" },
	{ "iso88598", "ISO-8859-8" },
	{ "iso88598i", "ISO-8859-8" },
	{ "hebrew", "ISO-8859-8" },
	{ "iso88599", "ISO-8859-9" },
	{ "latin5", "ISO-8859-9" },
	{ "l5", "ISO-8859-9" },
	{ "iso885910", "ISO-8859-10" },
	{ "latin6", "ISO-8859-10" },
	{ "l6", "ISO-8859-10" },
	{ "iso885911", "ISO-8859-11" },
	{ "iso885913", "ISO-8859-13" },
	{ "latin7", "ISO-8859-13" },
	{ "l7", "ISO-8859-13" },
	{ "iso885914", "ISO-8859-14" },
	{ "latin8", "ISO-8859-14" },
	{ "l8", "ISO-8859-14" },
	{ "iso885915", "ISO-8859-15" },
	{ "latin9", "ISO-8859-15" },
	{ "latin0", "ISO-8859-15" },
	{ "l9", "ISO-8859-15" },
	{ "iso885916", "ISO-8859-16" },
	{ "latin10", "ISO-8859-16" },
	{ "l10", "ISO-8859-16" },
	{ "windows1250", "windows-1250" },
	{ "cp1250", "windows-1250" },
	{ "xcp1250", "windows-1250" },
	{ "windows1251", "windows-1251" },
	{ "cp1251", "windows-1251" },
	{ "xcp1251", "windows-1251" },
	{ "windows1252", "windows-1252" },
	{ "cp1252", "windows-1252" },
	{ "xcp1252", "windows-1252" },
	{ "windows1253", "windows-1253" },
	{ "cp1253", "windows-1253" },
	{ "windows1254", "windows-1254" },
	{ "cp1254", "windows-1254" },
	{ "windows1255", "windows-1255" },
	{ "cp1255", "windows-1255" },
	{ "windows1256", "windows-1256" },
	{ "cp1256", "windows-1256" },
	{ "windows1257", "windows-1257" },
	{ "cp1257", "windows-1257" },
	{ "windows1258", "windows-1258" },
	{ "cp1258", "windows-1258" },
	{ "windows874", "windows-874" },
	{ "cp874", "windows-874" },
	{ "tis620", "TIS-620" },
	{ "koi8r", "KOI8-R" },
	{ "koi8u", "KOI8-U" },
	{ "koi8ru", "KOI8-RU" },
	{ "koi8t", "KOI8-T" },
	{ "cp437", "IBM437" },
	{ "ibm437", "IBM437" },
	{ "cp850", "IBM850" },
	{ "ibm850", "IBM850" },
	{ "cp852", "IBM852" },
	{ "ibm852", "IBM852" },
	{ "cp866", "IBM866" },
	{ "ibm866", "IBM866" },
	{ "macintosh", "macintosh" },
	{ "macroman", "macintosh" },
	{ "mac", "macintosh" },
	{ "xmacroman", "macintosh" },
	{ "shiftjis", "Shift_JIS" },
	{ "sjis", "Shift_JIS" },
	{ "xsjis", "Shift_JIS" },
	{ "sjis", "Shift_JIS" },
	{ "csshiftjis", "Shift_JIS" },
	{ "mskanji", "Shift_JIS" },
	{ "cp932", "windows-31j" },
	{ "windows31j", "windows-31j" },
	{ "ms932", "windows-31j" },
	{ "eucjp", "EUC-JP" },
	{ "xeucjp", "EUC-JP" },
	{ "ujis", "EUC-JP" },
	{ "iso2022jp", "ISO-2022-JP" },
	{ "csiso2022jp", "ISO-2022-JP" },
	{ "iso2022jp1", "ISO-2022-JP-1" },
	{ "iso2022jp2", "ISO-2022-JP-2" },
	{ "iso2022jp3", "ISO-2022-JP-3" },
	{ "ksc56011987", "KS_C_5601-1987" },
	{ "ksc5601", "KS_C_5601-1987" },
	{ "ksc56011989", "KS_C_5601-1987" },
	{ "ksx1001", "KS_C_5601-1987" },
	{ "euckr", "EUC-KR" },
	{ "xeuckr", "EUC-KR" },
	{ "cseuckr", "EUC-KR" },
	{ "korean", "EUC-KR" },
	{ "cp949", "CP949" },
	{ "uhc", "CP949" },
	{ "ms949", "CP949" },
	{ "windows949", "CP949" },
	{ "iso2022kr", "ISO-2022-KR" },
	{ "gb2312", "GB2312" },
	{ "csgb2312", "GB2312" },
	{ "gb231280", "GB2312" },
	{ "euccn", "GB2312" },
	{ "xeuccn", "GB2312" },
	{ "chinese", "GB2312" },
	{ "gbk", "GBK" },
	{ "cp936", "GBK" },
	{ "ms936", "GBK" },
	{ "windows936", "GBK" },
	{ "xgbk", "GBK" },
	{ "gb18030", "GB18030" },
	{ "big5", "Big5" },
	{ "big5tw", "Big5" },
	{ "csbig5", "Big5" },
	{ "xxbig5", "Big5" },
	{ "cnbig5", "Big5" },
	{ "big5hkscs", "Big5-HKSCS" },
	{ "cp950", "Big5" },
	{ "ms950", "Big5" },
	{ "viscii", "VISCII" },
	{ "unknown8bit", NULL },
	{ "xunknown", NULL },
	{ "unknown", NULL },
	{ "xuserdefined", NULL },
};

static void
test_alias_table(void)
{
	size_t	i;

	for (i = 0; i < sizeof(table_cases) / sizeof(table_cases[0]); i++) {
		const char *c = charset_canonical(table_cases[i].name);
		struct buf b;
		enum charset_result r;

		if (table_cases[i].canon == NULL) {
			CHECK(c == NULL);
			continue;
		}
		CHECK_STR(c, table_cases[i].canon);
		/* ASCII letters convert to themselves in every one but the
		 * UTF-16/32 family. */
		if (strncmp(table_cases[i].name, "utf16", 5) == 0 ||
		    strncmp(table_cases[i].name, "utf32", 5) == 0)
			continue;
		buf_init(&b, 100);
		CHECK_INT(charset_to_utf8(table_cases[i].name, "Mail", 4, &b, 0,
		    &r), 0);
		CHECK_STR(b.data, "Mail");
		CHECK_INT(r, CHARSET_RET_OK);
		buf_clear(&b);
	}
}

static void
test_aliases(void)
{
	size_t	i;

	for (i = 0; i < sizeof(alias_cases) / sizeof(alias_cases[0]); i++) {
		const char *c = charset_canonical(alias_cases[i].name);

		if (alias_cases[i].canon == NULL) {
			CHECK(c == NULL);
			CHECK(!charset_known(alias_cases[i].name));
		} else {
			CHECK_STR(c, alias_cases[i].canon);
			CHECK(charset_known(alias_cases[i].name));
		}
	}
	CHECK_STR(charset_canonical(NULL), "us-ascii");
	CHECK(charset_is_utf8("utf8"));
	CHECK(charset_is_utf8("us-ascii"));
	CHECK(!charset_is_utf8("latin1"));
}

static const struct {
	const char		*cs;
	const char		*in;
	size_t			 in_len;
	const char		*out;
	enum charset_result	 res;
} conv_cases[] = {
	/* us-ascii: ASCII passes, each byte >= 0x80 is one U+FFFD (Python's
	 * errors="replace"). */
	{ "us-ascii", S("plain"), "plain", CHARSET_RET_OK },
	{ "us-ascii", S("caf\xc3\xa9"), "caf" FFFD FFFD, CHARSET_RET_INVALID },
	{ NULL, S("\xff"), FFFD, CHARSET_RET_INVALID },
	/* UTF-8: valid passes; bad sequences are replaced by maximal
	 * subpart (Unicode 3.9, Python): a truncated sequence is one... */
	{ "utf-8", S("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac",
	    CHARSET_RET_OK },
	{ "utf-8", S("a\xe2\x82" "b"), "a" FFFD "b", CHARSET_RET_INVALID },
	{ "utf-8", S("a\xe2\x82"), "a" FFFD, CHARSET_RET_INCOMPLETE },
	/* ...a surrogate or an overlong form is one per byte. */
	{ "utf-8", S("\xed\xa0\x80"), FFFD FFFD FFFD, CHARSET_RET_INVALID },
	{ "utf-8", S("\xc0\xaf"), FFFD FFFD, CHARSET_RET_INVALID },
	{ "utf-8", S("\xf4\x90\x80\x80"), FFFD FFFD FFFD FFFD,
	    CHARSET_RET_INVALID },
	/* A NUL is a character like any other. */
	{ "utf-8", S("a\0b"), NULL, CHARSET_RET_OK },
	/* Single-byte charsets (table fast path). */
	{ "latin1", S("caf\xe9"), "caf\xc3\xa9", CHARSET_RET_OK },
	{ "iso-8859-15", S("\xa4"), "\xe2\x82\xac", CHARSET_RET_OK },
	{ "cp1252", S("\x80 \x93q\x94"),
	    "\xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d", CHARSET_RET_OK },
	/* cp1252 0x81 is undefined, in Python and in iconv. */
	{ "windows-1252", S("a\x81" "b"), "a" FFFD "b", CHARSET_RET_INVALID },
	{ "koi8-r", S("\xf0\xd2\xc9\xd7\xc5\xd4"),
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
	    CHARSET_RET_OK },
	{ "windows-1251", S("\xcf\xf0\xe8"), "\xd0\x9f\xd1\x80\xd0\xb8",
	    CHARSET_RET_OK },
	/* Multibyte charsets through iconv. */
	{ "shift_jis", S("\x93\xfa\x96\x7b"), "\xe6\x97\xa5\xe6\x9c\xac",
	    CHARSET_RET_OK },
	{ "x-sjis", S("\x93\xfa"), "\xe6\x97\xa5", CHARSET_RET_OK },
	{ "euc-jp", S("\xc6\xfc\xcb\xdc"), "\xe6\x97\xa5\xe6\x9c\xac",
	    CHARSET_RET_OK },
	{ "iso-2022-jp", S("\x1b$BF|K\\\x1b(B"), "\xe6\x97\xa5\xe6\x9c\xac",
	    CHARSET_RET_OK },
	{ "ks_c_5601-1987", S("\xc7\xd1"), "\xed\x95\x9c", CHARSET_RET_OK },
	{ "euc-kr", S("\xc7\xd1"), "\xed\x95\x9c", CHARSET_RET_OK },
	{ "gb2312", S("\xd6\xd0"), "\xe4\xb8\xad", CHARSET_RET_OK },
	/* gb2312 mail holds GBK characters: they convert. */
	{ "gb2312", S("\x81\x40"), "\xe4\xb8\x82", CHARSET_RET_OK },
	{ "gbk", S("\x81\x40"), "\xe4\xb8\x82", CHARSET_RET_OK },
	{ "gb18030", S("\xd6\xd0"), "\xe4\xb8\xad", CHARSET_RET_OK },
	{ "big5", S("\xa4\xa4"), "\xe4\xb8\xad", CHARSET_RET_OK },
	{ "utf-7", S("+ZeVnLIqe-"), "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    CHARSET_RET_OK },
	{ "utf-16le", S("A\0\xac\x20"), "A\xe2\x82\xac", CHARSET_RET_OK },
	/* A multibyte character cut at the end. */
	{ "shift_jis", S("a\x93"), "a" FFFD, CHARSET_RET_INCOMPLETE },
	/* Unknown names: ASCII with U+FFFD per 8-bit byte, and said so. */
	{ "x-unknown", S("a\xe9"), "a" FFFD, CHARSET_RET_UNKNOWN },
	{ "fakescii", S("abc"), "abc", CHARSET_RET_UNKNOWN },
};

static void
test_convert(void)
{
	size_t	i;

	for (i = 0; i < sizeof(conv_cases) / sizeof(conv_cases[0]); i++) {
		struct buf b;
		enum charset_result r = CHARSET_RET_UNKNOWN + 1;
		const char *want = conv_cases[i].out;
		size_t wl = want != NULL ? strlen(want) : conv_cases[i].in_len;

		if (want == NULL)
			want = conv_cases[i].in;
		buf_init(&b, 1 << 16);
		CHECK_INT(charset_to_utf8(conv_cases[i].cs, conv_cases[i].in,
		    conv_cases[i].in_len, &b, 0, &r), 0);
		if (b.len != wl || memcmp(b.data, want, wl) != 0)
			fprintf(stderr, "  case %zu (%s)\n", i,
			    conv_cases[i].cs ? conv_cases[i].cs : "NULL");
		CHECK_INT(b.len, wl);
		CHECK(b.len == wl && memcmp(b.data, want, wl) == 0);
		CHECK_INT(r, conv_cases[i].res);
		CHECK(charset_utf8_valid(b.data, b.len));
		buf_clear(&b);
	}
}

/* The flags: U+FFFD per byte, raw bytes kept, rejection of bad ASCII. */
static void
test_flags(void)
{
	struct buf b;
	enum charset_result r;

	buf_init(&b, 1000);
	CHECK_INT(charset_to_utf8("utf-8", "a\xe2\x82", 3, &b,
	    CHARSET_F_PER_BYTE, &r), 0);
	CHECK_STR(b.data, "a" FFFD FFFD);
	buf_reset(&b);
	CHECK_INT(charset_to_utf8("utf-8", "a\xe2\x82", 3, &b,
	    CHARSET_F_RAW_INVALID, &r), 0);
	CHECK_STR(b.data, "a\xe2\x82");
	buf_reset(&b);
	CHECK_INT(charset_to_utf8("latin1", "\xe9", 1, &b,
	    CHARSET_F_RAW_INVALID, &r), 0);
	CHECK_STR(b.data, "\xc3\xa9");
	buf_reset(&b);
	/* A broken ISO-2022-JP escape: Python's surrogateescape cannot keep
	 * ESC, so the whole conversion is refused, nothing appended. */
	buf_append_str(&b, "x");
	CHECK_INT(charset_to_utf8("iso-2022-jp", "\x1b$BF", 4, &b,
	    CHARSET_F_RAW_INVALID | CHARSET_F_REJECT_ASCII, &r), 1);
	CHECK_STR(b.data, "x");
	/* A bad byte >= 0x80 is kept raw even with REJECT_ASCII. */
	CHECK_INT(charset_to_utf8("shift_jis", "\xff", 1, &b,
	    CHARSET_F_RAW_INVALID | CHARSET_F_REJECT_ASCII, &r), 0);
	CHECK_STR(b.data, "x\xff");
	buf_reset(&b);
	/* NARROW: gb2312 as Python reads it, no GBK superset. */
	CHECK_INT(charset_to_utf8("gb2312", "\x81\x40", 2, &b, CHARSET_F_NARROW,
	    &r), 0);
	CHECK_INT(r, CHARSET_RET_INVALID);
	CHECK(strstr(b.data, "\xe4\xb8\x82") == NULL);
	buf_clear(&b);
}

/* charset_utf8_sanitize and charset_utf8_valid agree on every 2-byte
 * sequence, and sanitizing gives valid UTF-8. */
static void
test_sanitize(void)
{
	unsigned a, c;

	for (a = 0x80; a < 0x100; a++)
		for (c = 0; c < 0x100; c += 5) {
			char in[2] = { (char)a, (char)c };
			struct buf b;
			bool changed;

			buf_init(&b, 100);
			CHECK_INT(charset_utf8_sanitize(in, 2, &b, &changed),
			    0);
			CHECK(charset_utf8_valid(b.data, b.len));
			CHECK(changed == !charset_utf8_valid(in, 2));
			buf_clear(&b);
		}
}

/* Inputs longer than the output chunk, through every path. */
static void
test_long(void)
{
	static char	in[30000];
	const char	*cs[] = { "us-ascii", "utf-8", "latin1", "shift_jis",
			    "utf-16le" };
	size_t		i, k;

	for (k = 0; k < sizeof(cs) / sizeof(cs[0]); k++) {
		struct buf b;
		enum charset_result r;

		for (i = 0; i < sizeof(in); i++)
			in[i] = (char)('a' + i % 26);
		buf_init(&b, 1 << 20);
		CHECK_INT(charset_to_utf8(cs[k], in, sizeof(in), &b, 0, &r), 0);
		CHECK_INT(r, CHARSET_RET_OK);
		CHECK_INT(b.len, strcmp(cs[k], "utf-16le") == 0 ?
		    sizeof(in) / 2 * 3 : sizeof(in));
		buf_clear(&b);
		/* A small cap gives -1, never an overflow. */
		buf_init(&b, 100);
		CHECK_INT(charset_to_utf8(cs[k], in, sizeof(in), &b, 0, &r),
		    -1);
		CHECK(b.len <= 100);
		buf_clear(&b);
	}
}

/* More names than the cache holds still convert, and every handle is
 * closed by charset_cache_free() (LeakSanitizer checks). */
static void
test_cache(void)
{
	char	name[32];
	int	i;

	for (i = 0; i < 100; i++) {
		struct buf b;
		enum charset_result r;

		snprintf(name, sizeof(name),
		    i % 2 ? "x-junk-%d" : "ISO-8859-%d", i % 16 + 1);
		if (i >= 50)
			snprintf(name, sizeof(name), "junk%d", i);
		buf_init(&b, 100);
		CHECK_INT(charset_to_utf8(name, "ab", 2, &b, 0, &r), 0);
		CHECK_STR(b.data, "ab");
		buf_clear(&b);
	}
	CHECK(charset_known("latin1"));
	charset_cache_free();
	CHECK(charset_known("latin1"));
	charset_cache_free();
}

static void
test_names(void)
{
	CHECK_STR(charset_result_name(CHARSET_RET_OK), "ok");
	CHECK_STR(charset_result_name(CHARSET_RET_INCOMPLETE), "incomplete");
	CHECK_STR(charset_result_name(CHARSET_RET_INVALID), "invalid");
	CHECK_STR(charset_result_name(CHARSET_RET_UNKNOWN), "unknown charset");
}

static const struct test tests[] = {
	{ "aliases and canonical names", test_aliases },
	{ "every alias in the table", test_alias_table },
	{ "conversion table", test_convert },
	{ "flags", test_flags },
	{ "UTF-8 sanitize", test_sanitize },
	{ "long inputs and caps", test_long },
	{ "cache", test_cache },
	{ "result names", test_names },
};

TEST_MAIN("charset", tests)
