/* SPDX-License-Identifier: MIT */
/* Charset names, aliases, conversion to UTF-8: the only user of iconv. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/charset.h"
#include "base/sink.h"
#include "base/utf8.h"
#include "base/util.h"

/* How a charset is converted. */
enum kind {
	K_ASCII,	/* us-ascii: bytes >= 0x80 are invalid */
	K_UTF8,		/* validated, never through iconv */
	K_ICONV,	/* iconv; single-byte ones get a table at first use */
	K_UNKNOWN,	/* a name mail uses for "we don't know" */
};

struct alias {
	const char	*key;	/* lower case, letters and digits only */
	const char	*canon;	/* display name */
	const char	*iconv;	/* name for iconv_open(), NULL for fast paths */
	enum kind	 kind;
	const char	*iconv2; /* superset tried where iconv fails, or NULL */
};

/* Names real mail writes, normalised by norm(). Where a superset is in
 * common use under the narrower name (Outlook's ks_c_5601-1987 is CP949,
 * gb2312 mail is GBK, shift_jis mail often CP932) the superset converts. */
static const struct alias aliases[] = {
	{ "", "us-ascii", NULL, K_ASCII, NULL },
	{ "usascii", "us-ascii", NULL, K_ASCII, NULL },
	{ "ascii", "us-ascii", NULL, K_ASCII, NULL },
	{ "us", "us-ascii", NULL, K_ASCII, NULL },
	{ "iso646us", "us-ascii", NULL, K_ASCII, NULL },
	{ "ansix341968", "us-ascii", NULL, K_ASCII, NULL },
	{ "ansix341986", "us-ascii", NULL, K_ASCII, NULL },
	{ "cp367", "us-ascii", NULL, K_ASCII, NULL },
	{ "ibm367", "us-ascii", NULL, K_ASCII, NULL },
	{ "csascii", "us-ascii", NULL, K_ASCII, NULL },
	{ "646", "us-ascii", NULL, K_ASCII, NULL },
	{ "437", "IBM437", "CP437", K_ICONV, NULL },
	{ "utf8", "UTF-8", NULL, K_UTF8, NULL },
	{ "u8", "UTF-8", NULL, K_UTF8, NULL },
	{ "utf", "UTF-8", NULL, K_UTF8, NULL },
	{ "cp65001", "UTF-8", NULL, K_UTF8, NULL },
	{ "unicode11utf8", "UTF-8", NULL, K_UTF8, NULL },
	{ "xunicode20utf8", "UTF-8", NULL, K_UTF8, NULL },
	{ "utf7", "UTF-7", "UTF-7", K_ICONV, NULL },
	{ "unicode11utf7", "UTF-7", "UTF-7", K_ICONV, NULL },
	{ "utf16", "UTF-16", "UTF-16", K_ICONV, NULL },
	{ "utf16le", "UTF-16LE", "UTF-16LE", K_ICONV, NULL },
	{ "utf16be", "UTF-16BE", "UTF-16BE", K_ICONV, NULL },
	{ "utf32", "UTF-32", "UTF-32", K_ICONV, NULL },
	{ "utf32le", "UTF-32LE", "UTF-32LE", K_ICONV, NULL },
	{ "utf32be", "UTF-32BE", "UTF-32BE", K_ICONV, NULL },
	{ "iso88591", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "iso885911987", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "latin1", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "latin", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "l1", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "cp819", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "ibm819", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "isoir100", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "csisolatin1", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "8859", "ISO-8859-1", "ISO-8859-1", K_ICONV, NULL },
	{ "iso88592", "ISO-8859-2", "ISO-8859-2", K_ICONV, NULL },
	{ "latin2", "ISO-8859-2", "ISO-8859-2", K_ICONV, NULL },
	{ "l2", "ISO-8859-2", "ISO-8859-2", K_ICONV, NULL },
	{ "iso88593", "ISO-8859-3", "ISO-8859-3", K_ICONV, NULL },
	{ "latin3", "ISO-8859-3", "ISO-8859-3", K_ICONV, NULL },
	{ "l3", "ISO-8859-3", "ISO-8859-3", K_ICONV, NULL },
	{ "iso88594", "ISO-8859-4", "ISO-8859-4", K_ICONV, NULL },
	{ "latin4", "ISO-8859-4", "ISO-8859-4", K_ICONV, NULL },
	{ "l4", "ISO-8859-4", "ISO-8859-4", K_ICONV, NULL },
	{ "iso88595", "ISO-8859-5", "ISO-8859-5", K_ICONV, NULL },
	{ "cyrillic", "ISO-8859-5", "ISO-8859-5", K_ICONV, NULL },
	{ "iso88596", "ISO-8859-6", "ISO-8859-6", K_ICONV, NULL },
	{ "arabic", "ISO-8859-6", "ISO-8859-6", K_ICONV, NULL },
	{ "iso88597", "ISO-8859-7", "ISO-8859-7", K_ICONV, NULL },
	{ "greek", "ISO-8859-7", "ISO-8859-7", K_ICONV, NULL },
	{ "iso88598", "ISO-8859-8", "ISO-8859-8", K_ICONV, NULL },
	{ "iso88598i", "ISO-8859-8", "ISO-8859-8", K_ICONV, NULL },
	{ "hebrew", "ISO-8859-8", "ISO-8859-8", K_ICONV, NULL },
	{ "iso88599", "ISO-8859-9", "ISO-8859-9", K_ICONV, NULL },
	{ "latin5", "ISO-8859-9", "ISO-8859-9", K_ICONV, NULL },
	{ "l5", "ISO-8859-9", "ISO-8859-9", K_ICONV, NULL },
	{ "iso885910", "ISO-8859-10", "ISO-8859-10", K_ICONV, NULL },
	{ "latin6", "ISO-8859-10", "ISO-8859-10", K_ICONV, NULL },
	{ "l6", "ISO-8859-10", "ISO-8859-10", K_ICONV, NULL },
	{ "iso885911", "ISO-8859-11", "ISO-8859-11", K_ICONV, NULL },
	{ "iso885913", "ISO-8859-13", "ISO-8859-13", K_ICONV, NULL },
	{ "latin7", "ISO-8859-13", "ISO-8859-13", K_ICONV, NULL },
	{ "l7", "ISO-8859-13", "ISO-8859-13", K_ICONV, NULL },
	{ "iso885914", "ISO-8859-14", "ISO-8859-14", K_ICONV, NULL },
	{ "latin8", "ISO-8859-14", "ISO-8859-14", K_ICONV, NULL },
	{ "l8", "ISO-8859-14", "ISO-8859-14", K_ICONV, NULL },
	{ "iso885915", "ISO-8859-15", "ISO-8859-15", K_ICONV, NULL },
	{ "latin9", "ISO-8859-15", "ISO-8859-15", K_ICONV, NULL },
	{ "latin0", "ISO-8859-15", "ISO-8859-15", K_ICONV, NULL },
	{ "l9", "ISO-8859-15", "ISO-8859-15", K_ICONV, NULL },
	{ "iso885916", "ISO-8859-16", "ISO-8859-16", K_ICONV, NULL },
	{ "latin10", "ISO-8859-16", "ISO-8859-16", K_ICONV, NULL },
	{ "l10", "ISO-8859-16", "ISO-8859-16", K_ICONV, NULL },
	{ "windows1250", "windows-1250", "CP1250", K_ICONV, NULL },
	{ "cp1250", "windows-1250", "CP1250", K_ICONV, NULL },
	{ "xcp1250", "windows-1250", "CP1250", K_ICONV, NULL },
	{ "windows1251", "windows-1251", "CP1251", K_ICONV, NULL },
	{ "cp1251", "windows-1251", "CP1251", K_ICONV, NULL },
	{ "xcp1251", "windows-1251", "CP1251", K_ICONV, NULL },
	{ "windows1252", "windows-1252", "CP1252", K_ICONV, NULL },
	{ "cp1252", "windows-1252", "CP1252", K_ICONV, NULL },
	{ "xcp1252", "windows-1252", "CP1252", K_ICONV, NULL },
	{ "windows1253", "windows-1253", "CP1253", K_ICONV, NULL },
	{ "cp1253", "windows-1253", "CP1253", K_ICONV, NULL },
	{ "windows1254", "windows-1254", "CP1254", K_ICONV, NULL },
	{ "cp1254", "windows-1254", "CP1254", K_ICONV, NULL },
	{ "windows1255", "windows-1255", "CP1255", K_ICONV, NULL },
	{ "cp1255", "windows-1255", "CP1255", K_ICONV, NULL },
	{ "windows1256", "windows-1256", "CP1256", K_ICONV, NULL },
	{ "cp1256", "windows-1256", "CP1256", K_ICONV, NULL },
	{ "windows1257", "windows-1257", "CP1257", K_ICONV, NULL },
	{ "cp1257", "windows-1257", "CP1257", K_ICONV, NULL },
	{ "windows1258", "windows-1258", "CP1258", K_ICONV, NULL },
	{ "cp1258", "windows-1258", "CP1258", K_ICONV, NULL },
	{ "windows874", "windows-874", "CP874", K_ICONV, NULL },
	{ "cp874", "windows-874", "CP874", K_ICONV, NULL },
	{ "tis620", "TIS-620", "TIS-620", K_ICONV, NULL },
	{ "koi8r", "KOI8-R", "KOI8-R", K_ICONV, NULL },
	{ "koi8u", "KOI8-U", "KOI8-U", K_ICONV, NULL },
	{ "koi8ru", "KOI8-RU", "KOI8-RU", K_ICONV, NULL },
	{ "koi8t", "KOI8-T", "KOI8-T", K_ICONV, NULL },
	{ "cp437", "IBM437", "CP437", K_ICONV, NULL },
	{ "ibm437", "IBM437", "CP437", K_ICONV, NULL },
	{ "cp850", "IBM850", "CP850", K_ICONV, NULL },
	{ "ibm850", "IBM850", "CP850", K_ICONV, NULL },
	{ "cp852", "IBM852", "CP852", K_ICONV, NULL },
	{ "ibm852", "IBM852", "CP852", K_ICONV, NULL },
	{ "cp866", "IBM866", "CP866", K_ICONV, NULL },
	{ "ibm866", "IBM866", "CP866", K_ICONV, NULL },
	{ "macintosh", "macintosh", "MACINTOSH", K_ICONV, NULL },
	{ "macroman", "macintosh", "MACINTOSH", K_ICONV, NULL },
	{ "mac", "macintosh", "MACINTOSH", K_ICONV, NULL },
	{ "xmacroman", "macintosh", "MACINTOSH", K_ICONV, NULL },
	{ "shiftjis", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "sjis", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "xsjis", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "sjis", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "csshiftjis", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "mskanji", "Shift_JIS", "CP932", K_ICONV, NULL },
	{ "cp932", "windows-31j", "CP932", K_ICONV, NULL },
	{ "windows31j", "windows-31j", "CP932", K_ICONV, NULL },
	{ "ms932", "windows-31j", "CP932", K_ICONV, NULL },
	{ "eucjp", "EUC-JP", "EUC-JP", K_ICONV, NULL },
	{ "xeucjp", "EUC-JP", "EUC-JP", K_ICONV, NULL },
	{ "ujis", "EUC-JP", "EUC-JP", K_ICONV, NULL },
	{ "iso2022jp", "ISO-2022-JP", "ISO-2022-JP-2", K_ICONV, NULL },
	{ "csiso2022jp", "ISO-2022-JP", "ISO-2022-JP-2", K_ICONV, NULL },
	{ "iso2022jp1", "ISO-2022-JP-1", "ISO-2022-JP-2", K_ICONV, NULL },
	{ "iso2022jp2", "ISO-2022-JP-2", "ISO-2022-JP-2", K_ICONV, NULL },
	{ "iso2022jp3", "ISO-2022-JP-3", "ISO-2022-JP-3", K_ICONV, NULL },
	{ "ksc56011987", "KS_C_5601-1987", "CP949", K_ICONV, NULL },
	{ "ksc5601", "KS_C_5601-1987", "CP949", K_ICONV, NULL },
	{ "ksc56011989", "KS_C_5601-1987", "CP949", K_ICONV, NULL },
	{ "ksx1001", "KS_C_5601-1987", "CP949", K_ICONV, NULL },
	{ "euckr", "EUC-KR", "EUC-KR", K_ICONV, "CP949" },
	{ "xeuckr", "EUC-KR", "EUC-KR", K_ICONV, "CP949" },
	{ "cseuckr", "EUC-KR", "EUC-KR", K_ICONV, "CP949" },
	{ "korean", "EUC-KR", "EUC-KR", K_ICONV, "CP949" },
	{ "cp949", "CP949", "CP949", K_ICONV, NULL },
	{ "uhc", "CP949", "CP949", K_ICONV, NULL },
	{ "ms949", "CP949", "CP949", K_ICONV, NULL },
	{ "windows949", "CP949", "CP949", K_ICONV, NULL },
	{ "iso2022kr", "ISO-2022-KR", "ISO-2022-KR", K_ICONV, NULL },
	{ "gb2312", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "csgb2312", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "gb231280", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "euccn", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "xeuccn", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "chinese", "GB2312", "GB2312", K_ICONV, "GB18030" },
	{ "gbk", "GBK", "GBK", K_ICONV, "GB18030" },
	{ "cp936", "GBK", "GBK", K_ICONV, "GB18030" },
	{ "ms936", "GBK", "GBK", K_ICONV, "GB18030" },
	{ "windows936", "GBK", "GBK", K_ICONV, "GB18030" },
	{ "xgbk", "GBK", "GBK", K_ICONV, "GB18030" },
	{ "gb18030", "GB18030", "GB18030", K_ICONV, NULL },
	{ "big5", "Big5", "BIG5", K_ICONV, NULL },
	{ "big5tw", "Big5", "BIG5", K_ICONV, NULL },
	{ "csbig5", "Big5", "BIG5", K_ICONV, NULL },
	{ "xxbig5", "Big5", "BIG5", K_ICONV, NULL },
	{ "cnbig5", "Big5", "BIG5", K_ICONV, NULL },
	{ "big5hkscs", "Big5-HKSCS", "BIG5-HKSCS", K_ICONV, NULL },
	{ "cp950", "Big5", "CP950", K_ICONV, NULL },
	{ "ms950", "Big5", "CP950", K_ICONV, NULL },
	{ "viscii", "VISCII", "VISCII", K_ICONV, NULL },
	{ "unknown8bit", "unknown-8bit", NULL, K_UNKNOWN, NULL },
	{ "xunknown", "unknown-8bit", NULL, K_UNKNOWN, NULL },
	{ "unknown", "unknown-8bit", NULL, K_UNKNOWN, NULL },
	{ "xuserdefined", "unknown-8bit", NULL, K_UNKNOWN, NULL },
};

/* One cached charset: its iconv handle, and for single-byte charsets a
 * table of each byte's UTF-8 form (length 0: the byte is invalid). */
struct entry {
	char			 key[48];
	const struct alias	*alias;		/* NULL: iconv knows the name */
	enum kind		 kind;
	bool			 known;
	iconv_t			 cd;
	iconv_t			 cd2;		/* superset, or (iconv_t)-1 */
	bool			 iso2022;	/* escapes checked by us */
	bool			 table_tried;
	unsigned char		(*table)[4];	/* 256 entries or NULL */
	unsigned char		*tlen;		/* 256 lengths */
	char			*canon;		/* for names iconv knows */
};

#define CACHE_MAX	64
static struct entry	cache[CACHE_MAX];
static size_t		ncache;
static struct entry	uncached;	/* when the cache is full */

static const unsigned char lower_alnum[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
};

/* Lower case, letters and digits only: "ISO_8859-1" and "iso8859-1"
 * meet at "iso88591". False when the name is too long to be one. */
static bool
norm(const char *name, char *key, size_t keysz)
{
	size_t	n = 0;

	for (; *name != '\0'; name++) {
		unsigned char c = lower_alnum[(unsigned char)*name];

		if (c == 0)
			continue;
		if (n + 1 >= keysz)
			return false;
		key[n++] = (char)c;
	}
	key[n] = '\0';
	return true;
}

static const struct alias *
alias_find(const char *key)
{
	size_t	i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].key, key) == 0)
			return &aliases[i];
	return NULL;
}

/* Names iconv may know that our table doesn't: only letters, digits and
 * - _ . : (so nothing odd reaches iconv_open). */
static bool
plausible(const char *name)
{
	size_t	n = 0;

	for (; *name != '\0'; name++, n++) {
		unsigned char c = (unsigned char)*name;

		if (lower_alnum[c] == 0 && c != '-' && c != '_' && c != '.' &&
		    c != ':')
			return false;
	}
	return n > 0 && n < 40;
}

static void
entry_fill(struct entry *e, const char *name)
{
	e->alias = alias_find(e->key);
	e->cd = (iconv_t)-1;
	e->cd2 = (iconv_t)-1;
	e->table = NULL;
	e->tlen = NULL;
	e->table_tried = false;
	e->canon = NULL;
	if (e->alias != NULL) {
		e->kind = e->alias->kind;
		e->known = e->kind != K_UNKNOWN;
		if (e->kind == K_ICONV) {
			e->cd = iconv_open("UTF-8", e->alias->iconv);
			if (e->cd == (iconv_t)-1) {
				e->kind = K_UNKNOWN;
				e->known = false;
			} else if (e->alias->iconv2 != NULL)
				e->cd2 = iconv_open("UTF-8", e->alias->iconv2);
			e->iso2022 =
			    strncmp(e->alias->iconv, "ISO-2022-", 9) == 0;
		}
		return;
	}
	e->kind = K_UNKNOWN;
	e->known = false;
	if (!plausible(name))
		return;
	e->cd = iconv_open("UTF-8", name);
	if (e->cd != (iconv_t)-1) {
		size_t i, n = strlen(name);

		e->kind = K_ICONV;
		e->known = true;
		e->canon = xstrdup(name);
		for (i = 0; i < n; i++)
			if (e->canon[i] >= 'a' && e->canon[i] <= 'z')
				e->canon[i] = (char)(e->canon[i] - 'a' + 'A');
	}
}

static void entry_free(struct entry *);

static struct entry *
lookup(const char *name)
{
	char	key[48];
	size_t	i;

	if (name == NULL)
		name = "";
	if (!norm(name, key, sizeof(key))) {
		/* Too long for any charset name. */
		entry_free(&uncached);
		uncached.kind = K_UNKNOWN;
		return &uncached;
	}
	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].key, key) == 0)
			return &cache[i];
	if (ncache < CACHE_MAX) {
		struct entry *e = &cache[ncache++];

		memcpy(e->key, key, sizeof(key));
		entry_fill(e, name);
		return e;
	}
	entry_free(&uncached);
	memcpy(uncached.key, key, sizeof(key));
	entry_fill(&uncached, name);
	return &uncached;
}

/* A single-byte charset gets a 256-entry table built through iconv once,
 * so bodies in latin-1, windows-125x, koi8-r... never go through iconv.
 * Stateful or multibyte charsets show themselves by failing on a lone
 * byte that must be ASCII in any single-byte charset mail uses ('+' in
 * UTF-7, ESC in ISO-2022, '~' in HZ) or on a byte that is incomplete. */
static void
table_build(struct entry *e)
{
	unsigned char	(*t)[4];
	unsigned char	*tl;
	unsigned	c;

	e->table_tried = true;
	t = xcalloc(256, sizeof(*t));
	tl = xcalloc(256, 1);
	for (c = 0; c < 256; c++) {
		char	inb[1] = { (char)c }, outb[16];
		char	*ip = inb, *op = outb;
		size_t	il = 1, ol = sizeof(outb), r;

		iconv(e->cd, NULL, NULL, NULL, NULL);
		r = iconv(e->cd, &ip, &il, &op, &ol);
		if (r == (size_t)-1 && errno == EILSEQ) {
			if (c < 0x80)
				goto multi;
			continue;
		}
		if (r == (size_t)-1 || il != 0 ||
		    (size_t)(op - outb) > 4 || op == outb)
			goto multi;
		if (c < 0x80 && (op - outb != 1 || (unsigned char)outb[0] != c))
			goto multi;
		memcpy(t[c], outb, (size_t)(op - outb));
		tl[c] = (unsigned char)(op - outb);
	}
	iconv(e->cd, NULL, NULL, NULL, NULL);
	e->table = t;
	e->tlen = tl;
	return;
multi:
	iconv(e->cd, NULL, NULL, NULL, NULL);
	free(t);
	free(tl);
}

static inline void
sink_fffd(struct sink *s)
{
	sink_reserve(s, 3);
	s->chunk[s->n++] = (char)0xef;
	s->chunk[s->n++] = (char)0xbf;
	s->chunk[s->n++] = (char)0xbd;
}

/* One bad byte (or sequence) in the output: U+FFFD, or the byte itself
 * when the caller keeps raw bytes. */
static inline void
sink_bad(struct sink *s, unsigned char c, unsigned flags)
{
	if (flags & CHARSET_F_RAW_INVALID) {
		sink_reserve(s, 1);
		s->chunk[s->n++] = (char)c;
	} else
		sink_fffd(s);
}

/* Length of the run of ASCII bytes at p, eight at a time. */
static size_t
ascii_run(const unsigned char *p, size_t len)
{
	size_t	i = 0;

	while (i + 8 <= len) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		i += 8;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if invalid; *bad_r
 * gets the length of its maximal invalid subpart (Unicode 3.9 / Python). */
static size_t
utf8_seq(const unsigned char *p, size_t len, size_t *bad_r)
{
	uint32_t	cp;
	size_t		n;
	int		r;

	r = utf8_decode((const char *)p, len, &cp, &n);
	*bad_r = r == 1 ? 0 : n;
	return r == 1 ? n : 0;
}

bool
charset_utf8_valid(const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t	i = 0, bad;

	while (i < len) {
		size_t n;

		i += ascii_run(p + i, len - i);
		if (i >= len)
			break;
		n = utf8_seq(p + i, len - i, &bad);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* UTF-8 in, UTF-8 out: valid runs copied, bad subparts replaced. Sets
 * *invalid_r / *incomplete_r (a bad subpart that ends the input). */
static void
utf8_copy(struct sink *s, const unsigned char *p, size_t len, unsigned flags,
    bool *invalid_r, bool *incomplete_r)
{
	size_t	i = 0, start = 0, bad;

	while (i < len) {
		size_t n;

		i += ascii_run(p + i, len - i);
		if (i >= len)
			break;
		n = utf8_seq(p + i, len - i, &bad);
		if (n > 0) {
			i += n;
			continue;
		}
		sink_write(s, (const char *)p + start, i - start);
		if (i + bad >= len && bad > 1 && p[i] >= 0xc2 && p[i] <= 0xf4)
			*incomplete_r = true;
		else
			*invalid_r = true;
		if (flags & (CHARSET_F_PER_BYTE | CHARSET_F_RAW_INVALID)) {
			size_t k;

			for (k = 0; k < bad; k++)
				sink_bad(s, p[i + k], flags);
		} else
			sink_fffd(s);
		i += bad;
		start = i;
	}
	sink_write(s, (const char *)p + start, len - start);
}

int
charset_utf8_sanitize(const char *in, size_t len, struct buf *out,
    bool *changed_r)
{
	struct sink	s;
	bool		invalid = false, incomplete = false;

	sink_init(&s, out);
	utf8_copy(&s, (const unsigned char *)in, len, 0, &invalid, &incomplete);
	sink_flush(&s);
	if (changed_r != NULL)
		*changed_r = invalid || incomplete;
	return s.err;
}

static void
ascii_copy(struct sink *s, const unsigned char *p, size_t len, unsigned flags,
    bool *invalid_r)
{
	size_t	i = 0;

	while (i < len) {
		size_t n = ascii_run(p + i, len - i);

		sink_write(s, (const char *)p + i, n);
		i += n;
		while (i < len && p[i] >= 0x80) {
			*invalid_r = true;
			sink_bad(s, p[i], flags);
			i++;
		}
	}
}

static void
table_copy(struct sink *s, const struct entry *e, const unsigned char *p,
    size_t len, unsigned flags, bool *invalid_r)
{
	size_t	i = 0;

	while (i < len) {
		size_t n = ascii_run(p + i, len - i);

		sink_write(s, (const char *)p + i, n);
		i += n;
		for (; i < len && p[i] >= 0x80; i++) {
			unsigned char c = p[i], l = e->tlen[c];

			if (l == 0) {
				*invalid_r = true;
				sink_bad(s, c, flags);
				continue;
			}
			sink_reserve(s, 4);
			memcpy(s->chunk + s->n, e->table[c], 4);
			s->n += l;
		}
	}
}

static bool
superset_char(struct sink *s, iconv_t cd2, char **ip_r, size_t *il_r)
{
	char	*ip = *ip_r, *op;
	size_t	 il = *il_r < 4 ? *il_r : 4, ol, used;

	sink_reserve(s, 16);
	op = s->chunk + s->n;
	ol = 16;
	iconv(cd2, NULL, NULL, NULL, NULL);
	(void)iconv(cd2, &ip, &il, &op, &ol);
	used = (size_t)(ip - *ip_r);
	if (used == 0)
		return false;
	s->n = (size_t)(op - s->chunk);
	*ip_r = ip;
	*il_r -= used;
	return true;
}

/* glibc passes unknown ISO-2022 escape sequences through; Python's codec
 * refuses them. True when every ESC starts a designation ISO-2022-JP-2
 * or ISO-2022-KR (RFC 1468, RFC 1554, RFC 1557) knows. */
static bool
iso2022_ok(const unsigned char *p, size_t len)
{
	static const char *const seq[] = { "(B", "(J", "(I", "$@", "$B", "$A",
	    "$(C", "$(D", "$)C", ".A", ".F", "N" };
	const unsigned char *e = p + len;

	while ((p = memchr(p, 0x1b, (size_t)(e - p))) != NULL) {
		size_t i, n = 0;

		p++;
		for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			n = strlen(seq[i]);
			if ((size_t)(e - p) >= n && memcmp(p, seq[i], n) == 0)
				break;
		}
		if (i == sizeof(seq) / sizeof(seq[0]))
			return false;
		p += n;
	}
	return true;
}

static void
iconv_copy(struct sink *s, const struct entry *e, const unsigned char *p,
    size_t len, unsigned flags, bool *invalid_r, bool *incomplete_r,
    bool *reject_r)
{
	char	*ip = (char *)(uintptr_t)p;
	size_t	 il = len;

	if ((flags & CHARSET_F_REJECT_ASCII) && e->iso2022 &&
	    !iso2022_ok(p, len)) {
		*reject_r = true;
		return;
	}
	iconv(e->cd, NULL, NULL, NULL, NULL);
	while (il > 0 && s->err == 0) {
		char	*op = s->chunk + s->n;
		size_t	 ol = sizeof(s->chunk) - s->n, r;

		r = iconv(e->cd, &ip, &il, &op, &ol);
		s->n = (size_t)(op - s->chunk);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			sink_flush(s);
			continue;
		}
		if (errno == EINVAL) {
			/* The input ends inside a character. */
			*incomplete_r = true;
			if (flags & CHARSET_F_REJECT_ASCII) {
				size_t k;

				for (k = 0; k < il; k++)
					if ((unsigned char)ip[k] < 0x80) {
						*reject_r = true;
						return;
					}
			}
			if (flags & (CHARSET_F_PER_BYTE |
			    CHARSET_F_RAW_INVALID))
				for (; il > 0; il--)
					sink_bad(s, (unsigned char)*ip++,
					    flags);
			else
				sink_fffd(s);
			break;
		}
		/* EILSEQ: Python's narrow table (shift_jis, euc-kr, gb2312)
		 * first, so the answers agree; then the superset real mail
		 * means (CP932, CP949, GB18030), one character of it. */
		if (e->cd2 != (iconv_t)-1 && !(flags & CHARSET_F_NARROW) &&
		    superset_char(s, e->cd2, &ip, &il))
			continue;
		*invalid_r = true;
		if ((flags & CHARSET_F_REJECT_ASCII) &&
		    (unsigned char)*ip < 0x80) {
			*reject_r = true;
			return;
		}
		sink_bad(s, (unsigned char)*ip, flags);
		ip++;
		il--;
	}
	/* Flush a stateful encoder's pending shift state. */
	if (s->err == 0) {
		char	*op;
		size_t	 ol;

		sink_reserve(s, 64);
		op = s->chunk + s->n;
		ol = sizeof(s->chunk) - s->n;
		iconv(e->cd, NULL, NULL, &op, &ol);
		s->n = (size_t)(op - s->chunk);
	}
}

int
charset_to_utf8(const char *name, const char *in, size_t len,
    struct buf *out, unsigned flags, enum charset_result *result_r)
{
	const unsigned char *p = (const unsigned char *)in;
	struct entry	*e = lookup(name);
	struct sink	 s;
	bool		 invalid = false, incomplete = false, reject = false;
	size_t		 start = out->len;
	enum charset_result res;

	sink_init(&s, out);
	switch (e->kind) {
	case K_UTF8:
		/* Valid UTF-8 (the usual case) is appended in one go. */
		if (charset_utf8_valid(in, len) &&
		    buf_append(out, in, len) == 0)
			break;
		/* Invalid, or too big in one piece: what fits goes in. */
		utf8_copy(&s, p, len, flags, &invalid, &incomplete);
		break;
	case K_ICONV:
		/* The table costs 256 iconv calls: only for cached entries. */
		if (!e->table_tried && e != &uncached)
			table_build(e);
		if (e->table != NULL)
			table_copy(&s, e, p, len, flags, &invalid);
		else
			iconv_copy(&s, e, p, len, flags, &invalid, &incomplete,
			    &reject);
		break;
	case K_ASCII:
	case K_UNKNOWN:
		ascii_copy(&s, p, len, flags, &invalid);
		break;
	}
	if (reject) {
		if (out->len > start) {
			out->len = start;
			out->data[start] = '\0';
		}
		if (result_r != NULL)
			*result_r = CHARSET_RET_INVALID;
		return 1;
	}
	sink_flush(&s);
	if (e->kind == K_UNKNOWN)
		res = CHARSET_RET_UNKNOWN;
	else if (invalid)
		res = CHARSET_RET_INVALID;
	else if (incomplete)
		res = CHARSET_RET_INCOMPLETE;
	else
		res = CHARSET_RET_OK;
	if (result_r != NULL)
		*result_r = res;
	return s.err;
}

bool
charset_known(const char *name)
{
	return lookup(name)->known;
}

const char *
charset_canonical(const char *name)
{
	struct entry *e = lookup(name);

	if (!e->known)
		return NULL;
	return e->alias != NULL ? e->alias->canon : e->canon;
}

bool
charset_is_utf8(const char *name)
{
	enum kind k = lookup(name)->kind;

	return k == K_UTF8 || k == K_ASCII;
}

const char *
charset_result_name(enum charset_result r)
{
	switch (r) {
	case CHARSET_RET_OK:
		return "ok";
	case CHARSET_RET_INCOMPLETE:
		return "incomplete";
	case CHARSET_RET_INVALID:
		return "invalid";
	case CHARSET_RET_UNKNOWN:
		return "unknown charset";
	}
	return "unknown";
}

static void
entry_free(struct entry *e)
{
	if (e->cd != (iconv_t)-1 && e->kind == K_ICONV)
		iconv_close(e->cd);
	if (e->cd2 != (iconv_t)-1 && e->kind == K_ICONV)
		iconv_close(e->cd2);
	free(e->table);
	free(e->tlen);
	free(e->canon);
	memset(e, 0, sizeof(*e));
	e->cd = e->cd2 = (iconv_t)-1;
}

void
charset_cache_free(void)
{
	size_t	i;

	for (i = 0; i < ncache; i++)
		entry_free(&cache[i]);
	ncache = 0;
	entry_free(&uncached);
}
