/* SPDX-License-Identifier: MIT */
/* Growable, capped byte buffers. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"

/* The invariants every function keeps (STYLE.md §4: broken ones are
 * assert()s): no storage means nothing in it; with storage, the bytes and
 * their terminating NUL fit. max may be lowered below len by an owner
 * (conn_set_input_max); appends then fail, so len <= max is not one. */
static void
buf_check(const struct buf *b)
{
	if (b->data == NULL)
		assert(b->len == 0 && b->cap == 0);
	else
		assert(b->len < b->cap && b->data[b->len] == '\0');
}

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
buf_clear(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_clear(b);
}

void
buf_reset(struct buf *b)
{
	buf_check(b);
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
reserve(struct buf *b, size_t extra)
{
	size_t	need, ncap;

	buf_check(b);
	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	assert(ncap >= need);
	b->data = xrealloc(b->data, ncap);
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	buf_check(b);
	return 0;
}

int
buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_append_byte(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || reserve(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	buf_check(b);
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void
buf_truncate(struct buf *b, size_t len)
{
	buf_check(b);
	assert(len <= b->len);
	if (b->data == NULL)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void
buf_consume(struct buf *b, size_t n)
{
	buf_check(b);
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *
buf_steal(struct buf *b)
{
	char	*s;

	buf_check(b);
	if (b->data == NULL)
		return xstrdup("");
	s = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}
