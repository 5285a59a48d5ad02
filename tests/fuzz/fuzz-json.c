/* SPDX-License-Identifier: MIT */
/* libFuzzer target: whatever the input makes proto/json.c write must be
 * valid JSON in valid UTF-8, read back by the independent parser of
 * json-check.h, and each string or key of valid UTF-8 must read back as
 * the very bytes given. Each input byte picks a call; strings take the
 * bytes up to the next 0xff. */
#include <stdint.h>
#include <string.h>

#include "proto/json.h"
#include "tests/fuzz/json-check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NSTR	1024
static struct jc	 jc;
static struct {
	const char	*p;
	size_t		 len;
	bool		 utf8;
} want[NSTR];
static size_t	nwant, ngot;

static void
got(void *arg, const char *s, size_t len)
{
	(void)arg;
	if (ngot < nwant && ngot < NSTR && want[ngot].utf8 && (len != want[ngot].len ||
	    memcmp(s, want[ngot].p, len) != 0))
		__builtin_trap();
	ngot++;
}

static bool
utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n;

	for (; p < end; p += n)
		if ((n = jc_utf8(p, end)) == 0)
			return false;
	return true;
}

/* The next string of the input, up to 0xff. */
static size_t
piece(const uint8_t *d, size_t size, size_t *i, const char **p_r)
{
	size_t n = *i;

	while (n < size && d[n] != 0xff)
		n++;
	*p_r = (const char *)d + *i;
	n -= *i;
	*i += n + (*i + n < size);
	return n;
}

/* A string the output must give back (when it is valid UTF-8). */
static void
expect(const char *p, size_t n)
{
	if (nwant < NSTR) {
		want[nwant].p = p;
		want[nwant].len = n;
		want[nwant].utf8 = utf8(p, n);
	}
	nwant++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out;
	struct json j;
	bool obj[64];
	unsigned d = 0;
	size_t i = 1, n;
	const char *p;
	char key[256];

	buf_init(&out, 1 << 24);
	json_init(&j, &out, size > 0 && (data[0] & 1));
	nwant = ngot = 0;
	json_array_begin(&j);
	obj[0] = false;
	while (i < size) {
		unsigned op = data[i++] % 8;

		if (op == 2) {			/* close the innermost */
			if (d > 0) {
				if (obj[d])
					json_object_end(&j);
				else
					json_array_end(&j);
				d--;
			}
			continue;
		}
		if (obj[d]) {			/* a member: key first */
			n = piece(data, size, &i, &p);
			n = strnlen(p, n < sizeof(key) - 1 ? n : sizeof(key) - 1);
			memcpy(key, p, n);
			key[n] = '\0';
			expect(p, n);
			json_key(&j, key);
		}
		switch (op) {
		case 0:
		case 1:
			if (d + 1 < sizeof(obj)) {
				obj[++d] = op == 0;
				if (op == 0)
					json_object_begin(&j);
				else
					json_array_begin(&j);
			} else
				json_null(&j);
			break;
		case 3:
			n = piece(data, size, &i, &p);
			expect(p, n);
			json_string(&j, p, n);
			break;
		case 4:
			json_int(&j, i + 8 <= size ? (int64_t)((uint64_t)
			    data[i] << 56 | (uint64_t)data[i + 1] << 48 |
			    (uint64_t)data[i + 7] << 8 | data[i + 2]) : -1);
			i += 8;
			break;
		case 5:
			json_bool(&j, i & 1);
			break;
		case 6:
			json_null(&j);
			break;
		default:
			json_str(&j, NULL);
			break;
		}
	}
	while (d > 0)
		if (obj[d--])
			json_object_end(&j);
		else
			json_array_end(&j);
	json_array_end(&j);
	if (json_status(&j) == 0 && (!json_check(&jc, out.data, out.len, got,
	    NULL) || (nwant <= NSTR && ngot != nwant)))
		__builtin_trap();
	buf_clear(&out);
	return 0;
}
