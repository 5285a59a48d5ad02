/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer: objects, arrays, and strings escaped so that any bytes give valid UTF-8 JSON. */
#ifndef PROTO_JSON_H
#define PROTO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define JSON_MAX_DEPTH	256

struct json {
	struct buf	*out;
	unsigned	 depth;
	bool		 pretty;	/* newline + one space per level */
	bool		 after_key;
	bool		 first[JSON_MAX_DEPTH];
	bool		 failed;	/* out filled up or depth passed */
};

/* Write into out (appended); pretty gives one member per line. */
void	json_init(struct json *, struct buf *out, bool pretty);
void	json_object_begin(struct json *);
void	json_object_end(struct json *);
void	json_array_begin(struct json *);
void	json_array_end(struct json *);
/* A member name inside an object; the next value is its value. */
void	json_key(struct json *, const char *);
/* A string from len bytes: valid UTF-8 is kept, each invalid byte becomes
 * U+FFFD, controls, '"' and '\\' are escaped. */
void	json_string(struct json *, const char *, size_t);
/* Same for a NUL-terminated string; NULL writes null. */
void	json_str(struct json *, const char *);
void	json_int(struct json *, int64_t);
void	json_bool(struct json *, bool);
void	json_null(struct json *);
/* Append the escaped form of len bytes (without quotes) to out: '"', '\\'
 * and C0 controls escaped, C1 controls and Unicode format characters (Cf:
 * bidi controls, U+200B, U+FEFF, tags...) as \uXXXX (a surrogate pair past
 * U+FFFF), invalid UTF-8 as U+FFFD. 0 or -1. */
int	json_escape(const char *, size_t, struct buf *out);
/* 0, or -1 when something did not fit. */
int	json_status(const struct json *);

#endif
