/* SPDX-License-Identifier: MIT */
/* JSON output with string escaping that never lets invalid UTF-8 through. */
#include <inttypes.h>
#include <string.h>

#include "proto/json.h"
#include "proto/transcript.h"
#include "base/utf8.h"

void
json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	j->first[0] = true;
}

static void
put(struct json *j, const char *s, size_t n)
{
	if (buf_append(j->out, s, n) == -1)
		j->failed = true;
}

static void
indent(struct json *j)
{
	unsigned i;

	if (!j->pretty)
		return;
	put(j, "\n", 1);
	for (i = 0; i < j->depth; i++)
		put(j, " ", 1);
}

/* Separator before a value (or a key). */
static void
pre(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			put(j, ",", 1);
		j->first[j->depth] = false;
		indent(j);
	}
}

static void
open_(struct json *j, char c)
{
	pre(j);
	put(j, &c, 1);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	j->depth++;
	j->first[j->depth] = true;
}

static void
close_(struct json *j, char c)
{
	bool empty;

	if (j->depth == 0) {
		j->failed = true;
		return;
	}
	empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		indent(j);
	put(j, &c, 1);
}

void
json_object_begin(struct json *j)
{
	open_(j, '{');
}

void
json_object_end(struct json *j)
{
	close_(j, '}');
}

void
json_array_begin(struct json *j)
{
	open_(j, '[');
}

void
json_array_end(struct json *j)
{
	close_(j, ']');
}

int
json_escape(const char *in, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t	i = 0, run = 0;

	while (i < len) {
		unsigned c = s[i];
		uint32_t cp;
		size_t	 n;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run > 0 && buf_append(out, in + i - run, run) == -1)
			return -1;
		run = 0;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			if (buf_append(out, e, 2) == -1)
				return -1;
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			const char *e = NULL;

			switch (c) {
			case '\n': e = "\\n"; break;
			case '\r': e = "\\r"; break;
			case '\t': e = "\\t"; break;
			}
			if ((e ? buf_append_str(out, e) :
			    buf_printf(out, "\\u%04x", c)) == -1)
				return -1;
			i++;
		} else if (utf8_decode(in + i, len - i, &cp, &n) == 1) {
			/* C1 and the Unicode Cf class (transcript_cp_unsafe,
			 * the one table) as \u escapes: the same string to a
			 * JSON parser, nothing a terminal acts on or hides
			 * when the JSON is printed (RFC 8259 7: a code point
			 * past U+FFFF as a surrogate pair). */
			if (transcript_cp_unsafe(cp) && cp > 0xffff) {
				cp -= 0x10000;
				if (buf_printf(out, "\\u%04x\\u%04x",
				    (unsigned)(0xd800 | (cp >> 10)),
				    (unsigned)(0xdc00 | (cp & 0x3ff))) == -1)
					return -1;
			} else if (transcript_cp_unsafe(cp)) {
				if (buf_printf(out, "\\u%04x", (unsigned)cp) == -1)
					return -1;
			} else if (buf_append(out, in + i, n) == -1)
				return -1;
			i += n;
		} else {
			if (buf_append_str(out, "\xef\xbf\xbd") == -1)
				return -1;
			i++;
		}
	}
	if (run > 0 && buf_append(out, in + i - run, run) == -1)
		return -1;
	return 0;
}

void
json_key(struct json *j, const char *k)
{
	pre(j);
	put(j, "\"", 1);
	if (json_escape(k, strlen(k), j->out) == -1)
		j->failed = true;
	put(j, j->pretty ? "\": " : "\":", j->pretty ? 3 : 2);
	j->after_key = true;
}

void
json_string(struct json *j, const char *s, size_t n)
{
	pre(j);
	put(j, "\"", 1);
	if (json_escape(s, n, j->out) == -1)
		j->failed = true;
	put(j, "\"", 1);
}

void
json_str(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_string(j, s, strlen(s));
}

void
json_int(struct json *j, int64_t v)
{
	pre(j);
	if (buf_printf(j->out, "%" PRId64, v) == -1)
		j->failed = true;
}

void
json_bool(struct json *j, bool v)
{
	pre(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	pre(j);
	put(j, "null", 4);
}

int
json_status(const struct json *j)
{
	return j->failed ? -1 : 0;
}
