/* SPDX-License-Identifier: MIT */
/* `mailbench mime [--json] FILE...`: decoded headers and the MIME tree of message files. */
/*
 * The JSON carries the fields ../shared/corpus/mime_ref.py documents (with
 * the same meanings, so mime_compare.py can check them against Python's
 * email package) and ours beside them: "range" (start, body_start,
 * body_end, end: byte offsets of each part in the message), "defects"
 * (our names, each with its byte offset), "timestamp" (the Date as seconds
 * since 1970 UTC), "field_count", "group" on addresses from a group, and
 * "message" (1-based) for the messages of an mbox file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/address.h"
#include "base/buf.h"
#include "proto/date.h"
#include "proto/header.h"
#include "proto/json.h"
#include "proto/limits.h"
#include "proto/mbox.h"
#include "proto/mime.h"
#include "proto/rfc2047.h"
#include "proto/transcript.h"
#include "base/util.h"
#include "front/modes.h"

/* mime_ref.py gives "text" only up to 16 KiB of UTF-8. */
#define TEXT_LIMIT	(16 * 1024)

static int
read_file(const char *path, struct buf *b)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	 tmp[65536];
	size_t	 n;

	if (f == NULL)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (buf_append(b, tmp, n) == -1) {
			if (f != stdin)
				fclose(f);
			errno = EFBIG;
			return -1;
		}
	if (ferror(f)) {
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static void
json_field_str(struct json *j, const char *k, const char *v, size_t n)
{
	json_key(j, k);
	if (v == NULL)
		json_null(j);
	else
		json_string(j, v, n);
}

static void
json_decoded(struct json *j, const char *k, const struct header_field *f)
{
	struct buf b;

	json_key(j, k);
	if (f == NULL) {
		json_null(j);
		return;
	}
	/* a buffer, not a C string: a decoded word may hold U+0000 */
	buf_init(&b, LIMIT_HEADER_BLOCK * 4);
	(void)rfc2047_decode(f->value, f->value_len, &b, 0, NULL);
	json_string(j, b.data ? b.data : "", b.len);
	buf_clear(&b);
}

static void
json_addresses(struct json *j, const struct header *h, const char *name)
{
	const struct header_field *f = NULL;
	struct address_list al;
	size_t	i;

	address_list_init(&al);
	while ((f = header_next(h, f, name)) != NULL)
		address_parse(f->value, f->value_len, &al);
	json_array_begin(j);
	for (i = 0; i < al.count; i++) {
		json_object_begin(j);
		json_key(j, "name");
		json_str(j, al.items[i].name);
		json_key(j, "addr");
		json_str(j, al.items[i].addr);
		if (al.items[i].group[0] != '\0') {
			json_key(j, "group");
			json_str(j, al.items[i].group);
		}
		json_object_end(j);
	}
	json_array_end(j);
	address_list_clear(&al);
}

static void
json_headers(struct json *j, const struct header *h)
{
	static const char *const dup_fields[] = { "subject", "from", "to",
	    "cc", "date", "message-id" };
	const struct header_field *f;
	struct date_value d;
	size_t	i;

	json_object_begin(j);
	json_decoded(j, "subject", header_get(h, "subject"));
	json_decoded(j, "from", header_get(h, "from"));
	json_decoded(j, "to", header_get(h, "to"));
	json_decoded(j, "cc", header_get(h, "cc"));
	f = header_get(h, "date");
	json_field_str(j, "date", f ? f->value : NULL, f ? f->value_len : 0);
	f = header_get(h, "message-id");
	json_field_str(j, "message_id", f ? f->value : NULL,
	    f ? f->value_len : 0);
	f = header_get(h, "date");
	{
		size_t n = f ? f->value_len : 0;
		const char *v = f ? f->value : NULL;

		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		json_field_str(j, "date_raw", v, n);
	}
	json_key(j, "date_iso");
	if (f != NULL && date_parse(f->value, f->value_len, &d) == 0) {
		struct buf b;

		buf_init(&b, 64);
		(void)date_iso(&d, &b);
		json_string(j, b.data, b.len);
		json_key(j, "timestamp");
		json_int(j, d.timestamp);
		buf_clear(&b);
	} else
		json_null(j);
	json_key(j, "from_addresses");
	json_addresses(j, h, "from");
	json_key(j, "to_addresses");
	json_addresses(j, h, "to");
	json_key(j, "duplicates");
	json_object_begin(j);
	for (i = 0; i < sizeof(dup_fields) / sizeof(dup_fields[0]); i++) {
		size_t n = header_count(h, dup_fields[i]);

		if (n > 1) {
			json_key(j, dup_fields[i]);
			json_int(j, (int64_t)n);
		}
	}
	json_object_end(j);
	json_key(j, "field_count");
	json_int(j, (int64_t)h->count);
	json_object_end(j);
}

/* Code points in valid UTF-8 (Python's len() of the text). */
static size_t
utf8_chars(const char *s, size_t n)
{
	size_t	i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static bool
is_text(const struct mime_part *p)
{
	return strcmp(p->type, "text") == 0;
}

static void
json_defects(struct json *j, const struct mime_part *p)
{
	size_t	i;

	json_array_begin(j);
	for (i = 0; i < p->ndefects; i++) {
		json_object_begin(j);
		json_key(j, "defect");
		json_str(j, mime_defect_name(p->defects[i].kind));
		json_key(j, "offset");
		json_int(j, (int64_t)p->defects[i].offset);
		json_object_end(j);
	}
	json_array_end(j);
}

static void
json_part(struct json *j, struct mime_part *p, const char *msg, size_t len)
{
	struct buf b;
	struct mime_part *c;

	json_object_begin(j);
	buf_init(&b, 1024);
	(void)mime_part_path(p, &b);
	json_key(j, "path");
	json_string(j, b.data ? b.data : "", b.len);
	buf_clear(&b);
	json_key(j, "content_type");
	json_str(j, p->content_type);
	json_key(j, "charset");
	json_str(j, p->charset);
	json_key(j, "filename");
	json_str(j, p->filename);
	json_key(j, "disposition");
	json_str(j, p->disposition);
	json_key(j, "transfer_encoding");
	json_str(j, p->cte_name);
	json_key(j, "decoded_size");
	if (p->is_multipart || p->is_message)
		json_null(j);
	else {
		buf_init(&b, LIMIT_MESSAGE * 2);
		(void)mime_part_decode_defects(p, msg, len, &b);
		json_int(j, (int64_t)b.len);
		buf_clear(&b);
		if (is_text(p)) {
			int r;

			buf_init(&b, LIMIT_MESSAGE * 4);
			r = mime_part_decode_text(p, msg, len, &b);
			if (r == 0) {
				json_key(j, "text_error");
				json_str(j, "unknown charset");
			}
			json_key(j, "text_length");	/* characters */
			json_int(j, (int64_t)utf8_chars(b.data, b.len));
			json_key(j, "text");
			if (r == -1 || b.len > TEXT_LIMIT)
				json_null(j);
			else
				json_string(j, b.data ? b.data : "", b.len);
			buf_clear(&b);
		}
	}
	json_key(j, "range");
	json_object_begin(j);
	json_key(j, "start");
	json_int(j, (int64_t)p->start);
	json_key(j, "body_start");
	json_int(j, (int64_t)p->body_start);
	json_key(j, "body_end");
	json_int(j, (int64_t)p->body_end);
	json_key(j, "end");
	json_int(j, (int64_t)p->end);
	json_object_end(j);
	json_key(j, "defects");
	json_defects(j, p);
	if (p->parent != NULL && p->parent->is_message) {
		json_key(j, "headers");
		json_headers(j, &p->headers);
	}
	json_key(j, "children");
	json_array_begin(j);
	for (c = p->first_child; c != NULL; c = c->next)
		json_part(j, c, msg, len);
	json_array_end(j);
	json_object_end(j);
}

static int
emit_json(const char *name, const char *msg, size_t len, size_t index,
    size_t count)
{
	struct mime_part *root = mime_parse(msg, len, NULL), *p;
	struct buf out;
	struct json j;
	size_t	i;

	buf_init(&out, (size_t)LIMIT_MESSAGE * 8);
	json_init(&j, &out, true);
	json_object_begin(&j);
	json_key(&j, "file");
	json_str(&j, name);
	if (count > 1) {
		json_key(&j, "message");
		json_int(&j, (int64_t)index + 1);
	}
	json_key(&j, "size");
	json_int(&j, (int64_t)len);
	json_key(&j, "headers");
	json_headers(&j, &root->headers);
	json_key(&j, "tree");
	json_part(&j, root, msg, len);
	json_key(&j, "defects");
	json_array_begin(&j);
	for (p = root; p != NULL; p = mime_part_walk(root, p)) {
		struct buf path;

		buf_init(&path, 1024);
		(void)mime_part_path(p, &path);
		for (i = 0; i < p->ndefects; i++) {
			json_object_begin(&j);
			json_key(&j, "path");
			json_string(&j, path.data ? path.data : "", path.len);
			json_key(&j, "defect");
			json_str(&j, mime_defect_name(p->defects[i].kind));
			json_key(&j, "offset");
			json_int(&j, (int64_t)p->defects[i].offset);
			json_object_end(&j);
		}
		buf_clear(&path);
	}
	json_array_end(&j);
	json_object_end(&j);
	(void)buf_append_byte(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	buf_clear(&out);
	mime_part_free(root);
	return json_status(&j);
}

/* Peer text through the one escaping function before the terminal. */
static void
put_escaped(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b, n * 12 + 16);
	(void)transcript_escape(s, n, &b);
	if (b.data != NULL)
		fwrite(b.data, 1, b.len, stdout);
	buf_clear(&b);
}

static void
put_header(const struct header *h, const char *name, const char *label,
    bool decode)
{
	const struct header_field *f = NULL;

	while ((f = header_next(h, f, name)) != NULL) {
		fputs(label, stdout);
		fputs(": ", stdout);
		if (decode) {
			struct buf b;

			buf_init(&b, LIMIT_HEADER_BLOCK * 4);
			(void)rfc2047_decode(f->value, f->value_len, &b, 0,
			    NULL);
			put_escaped(b.data ? b.data : "", b.len);
			buf_clear(&b);
		} else
			put_escaped(f->value, f->value_len);
		fputc('\n', stdout);
	}
}

static int
emit_text(const char *name, const char *msg, size_t len, size_t index,
    size_t count)
{
	struct mime_part *root = mime_parse(msg, len, NULL), *p;
	const struct header_field *f;
	struct date_value d;

	fputs("== ", stdout);
	put_escaped(name, strlen(name));
	if (count > 1)
		printf(" (message %zu of %zu)", index + 1, count);
	printf(", %zu bytes\n", len);
	put_header(&root->headers, "date", "Date", false);
	if ((f = header_get(&root->headers, "date")) != NULL &&
	    date_parse(f->value, f->value_len, &d) == 0) {
		struct buf b;

		buf_init(&b, 64);
		(void)date_iso(&d, &b);
		printf("  (%s)\n", b.data);
		buf_clear(&b);
	}
	put_header(&root->headers, "from", "From", true);
	put_header(&root->headers, "to", "To", true);
	put_header(&root->headers, "cc", "Cc", true);
	put_header(&root->headers, "subject", "Subject", true);
	put_header(&root->headers, "message-id", "Message-ID", false);
	fputs("parts:\n", stdout);
	for (p = root; p != NULL; p = mime_part_walk(root, p)) {
		struct buf b;
		unsigned i;
		size_t k;

		buf_init(&b, 1024);
		(void)mime_part_path(p, &b);
		for (i = 0; i < p->depth + 1; i++)
			fputs("  ", stdout);
		printf("%s ", b.len ? b.data : "-");
		buf_clear(&b);
		if (p->parent != NULL && p->parent->content_type != NULL &&
		    strcmp(p->parent->content_type,
		    "message/delivery-status") == 0) {
			/* RFC 3464 2.1: a group of fields, not a text part
			 * (the JSON keeps Python's text/plain). */
			static const char *const dsn[] = { "final-recipient",
			    "action", "status", "diagnostic-code", NULL };

			fputs(p->index == 1 ? "per-message status fields" :
			    "per-recipient status fields", stdout);
			for (k = 0; dsn[k] != NULL; k++) {
				if ((f = header_get(&p->headers, dsn[k])) ==
				    NULL)
					continue;
				printf(" %s=\"", dsn[k]);
				put_escaped(f->value, f->value_len);
				fputc('"', stdout);
			}
			fputc('\n', stdout);
			continue;
		}
		put_escaped(p->content_type, strlen(p->content_type));
		if (p->charset != NULL) {
			fputs(" charset=", stdout);
			put_escaped(p->charset, strlen(p->charset));
		}
		if (p->cte_name != NULL) {
			fputs(" encoding=", stdout);
			put_escaped(p->cte_name, strlen(p->cte_name));
		}
		if (p->disposition != NULL && *p->disposition != '\0') {
			fputc(' ', stdout);
			put_escaped(p->disposition, strlen(p->disposition));
		}
		if (p->filename != NULL) {
			fputs(" filename=\"", stdout);
			put_escaped(p->filename, strlen(p->filename));
			fputc('"', stdout);
		}
		if (p->parent != NULL && p->parent->is_message &&
		    (f = header_get(&p->headers, "subject")) != NULL) {
			/* an enclosed message: say which one */
			buf_init(&b, LIMIT_HEADER_BLOCK * 4);
			(void)rfc2047_decode(f->value, f->value_len, &b, 0,
			    NULL);
			fputs(" subject=\"", stdout);
			put_escaped(b.data ? b.data : "", b.len);
			fputc('"', stdout);
			buf_clear(&b);
		}
		if (!p->is_multipart && !p->is_message) {
			buf_init(&b, LIMIT_MESSAGE * 2);
			(void)mime_part_decode_defects(p, msg, len, &b);
			printf(" %zu bytes", b.len);
			buf_clear(&b);
		}
		for (k = 0; k < p->ndefects; k++)
			printf(" [%s@%zu]", mime_defect_name(p->defects[k].kind),
			    p->defects[k].offset);
		fputc('\n', stdout);
	}
	mime_part_free(root);
	return 0;
}

static void
usage(FILE *f)
{
	fputs("usage: mailbench mime [--json] FILE...\n"
	    "  Show the decoded headers and the MIME tree of each message "
	    "file\n  (an mbox file gives one result per message; - reads "
	    "standard input).\n"
	    "  --json   one JSON document per message\n"
	    "exit: 0 every file read, 1 a file could not be read (the others "
	    "are shown),\n      2 usage error\n", f);
}

int
mime_main(int argc, char **argv)
{
	bool	json = false;
	int	i, first = 0, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--") == 0) {
			first = first ? first : i + 1;
			break;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "mailbench mime: unknown option %s\n",
			    argv[i]);
			usage(stderr);
			return 2;
		} else if (first == 0)
			first = i;
	}
	if (first == 0 || first >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = first; i < argc; i++) {
		struct buf b;
		struct mbox_msg *msgs;
		size_t n, k;
		const char *name;

		if (argv[i][0] == '-' && argv[i][1] != '\0' &&
		    strcmp(argv[i - 1], "--") != 0 && i > first - 0 &&
		    strcmp(argv[i], "--json") == 0)
			continue;
		buf_init(&b, LIMIT_MESSAGE * 4);
		if (read_file(argv[i], &b) == -1) {
			fprintf(stderr, "mailbench mime: %s: %s\n", argv[i],
			    strerror(errno));
			buf_clear(&b);
			rc = 1;
			continue;
		}
		name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 :
		    argv[i];
		n = mbox_split(b.data ? b.data : "", b.len, &msgs);
		for (k = 0; k < n; k++) {
			const char *m = (b.data ? b.data : "") + msgs[k].start;

			if (json)
				(void)emit_json(name, m, msgs[k].len, k, n);
			else
				(void)emit_text(name, m, msgs[k].len, k, n);
		}
		free(msgs);
		buf_clear(&b);
	}
	fflush(stdout);
	return rc;
}
