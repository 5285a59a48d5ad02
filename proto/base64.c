/* SPDX-License-Identifier: MIT */
/* Base64 decoding as Python's email package does it, and encoding. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proto/base64.h"
#include "base/sink.h"

/* Alphabet values; 64 marks '=', 0xfe CR and LF (not part of the data at
 * all: Python joins the lines first), 0xff everything else (junk). */
#define B64_PAD		64
#define B64_EOL		0xfe
#define B64_JUNK	0xff

static const unsigned char b64_val[256] = {
#define J B64_JUNK
	J, J, J, J, J, J, J, J, J, J, B64_EOL, J, J, B64_EOL, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, 62, J, J, J, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, J, J, J, B64_PAD, J, J,
	J, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, J, J, J, J, J,
	J, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
#undef J
};

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* What one pass over the input found. */
struct scan {
	bool		 junk;		/* saw a non-alphabet character */
	bool		 stopped;	/* stopped at complete padding */
	bool		 after;		/* non-EOL bytes after the stop */
	size_t		 count;		/* characters once CR/LF are removed */
};

/* The state of CPython 3.11's binascii.a2b_base64 loop. */
struct a2b_state {
	unsigned	quad, pads, left;
	bool		padding;	/* a '=' was seen (strict mode cares) */
	bool		strict;
	size_t		count;		/* characters seen, CR/LF excluded */
};

enum { STEP_GO, STEP_STOP, STEP_FAIL };

/* One character (CR/LF already skipped) through the a2b_base64 loop. */
static inline int
step(struct a2b_state *st, unsigned v, struct sink *s, struct scan *sc)
{
	st->count++;
	if (v == B64_PAD) {
		st->padding = true;
		/* CPython 3.11 strict mode refuses only a leading '='; later
		 * ones at a quad start are ignored. */
		if (st->strict && st->count == 1)
			return STEP_FAIL;
		if (st->quad >= 2 && st->quad + ++st->pads >= 4)
			return STEP_STOP;
		return STEP_GO;
	}
	if (v == B64_JUNK) {
		sc->junk = true;
		return st->strict ? STEP_FAIL : STEP_GO;
	}
	if (st->strict && st->padding)
		return STEP_FAIL;
	st->pads = 0;
	switch (st->quad) {
	case 0:
		st->left = v;
		st->quad = 1;
		break;
	case 1:
		sink_put(s, (char)((st->left << 2) | (v >> 4)));
		st->left = v & 0x0f;
		st->quad = 2;
		break;
	case 2:
		sink_put(s, (char)((st->left << 4) | (v >> 2)));
		st->left = v & 0x03;
		st->quad = 3;
		break;
	default:
		sink_put(s, (char)((st->left << 6) | v));
		st->quad = 0;
		break;
	}
	return STEP_GO;
}

/* Padding Python appends before its strict attempt: enough to make the
 * length a multiple of 4 ("===" for one character too many). */
static size_t
pad_for(size_t n)
{
	return n % 4 == 0 ? 0 : n % 4 == 1 ? 3 : 4 - n % 4;
}

/* One pass of binascii.a2b_base64 over the input with CR and LF removed
 * (Python's splitlines+join), then padding: strict mode appends what
 * pad_for() says, lenient mode npad characters. True when CPython would
 * succeed. Output goes to s from its start. */
static bool
a2b(const unsigned char *in, size_t len, size_t npad, bool strict,
    struct sink *s, struct scan *sc)
{
	struct a2b_state st;
	size_t		i = 0, j;
	int		r = STEP_GO;

	s->n = 0;
	s->err = 0;
	if (s->out->len > s->start) {
		s->out->len = s->start;
		s->out->data[s->start] = '\0';
	}
	memset(sc, 0, sizeof(*sc));
	memset(&st, 0, sizeof(st));
	st.strict = strict;
	while (i < len) {
		unsigned v;

		/* Fast path: whole quads of alphabet characters, with the
		 * output position and count in registers. */
		if (st.quad == 0 && !st.padding) {
			char		*o = s->chunk + s->n;
			char		*oe = s->chunk + sizeof(s->chunk) - 3;
			size_t		 i0 = i;

			while (i + 4 <= len) {
				unsigned a = b64_val[in[i]];
				unsigned b = b64_val[in[i + 1]];
				unsigned c = b64_val[in[i + 2]];
				unsigned d = b64_val[in[i + 3]];
				uint32_t w;

				if ((a | b | c | d) >= 64)
					break;
				if (o > oe) {
					s->n = (size_t)(o - s->chunk);
					sink_flush(s);
					o = s->chunk;
				}
				w = a << 18 | b << 12 | c << 6 | d;
				o[0] = (char)(w >> 16);
				o[1] = (char)(w >> 8);
				o[2] = (char)w;
				o += 3;
				i += 4;
			}
			s->n = (size_t)(o - s->chunk);
			st.count += i - i0;
			if (i >= len)
				break;
		}
		v = b64_val[in[i++]];
		if (v == B64_EOL)
			continue;
		r = step(&st, v, s, sc);
		if (r != STEP_GO)
			break;
	}
	if (r == STEP_FAIL)
		return false;
	if (r == STEP_STOP) {
		for (j = i; j < len; j++)
			if (b64_val[in[j]] != B64_EOL) {
				sc->after = true;
				break;
			}
		sc->stopped = true;
		sc->count = st.count;
		/* Strict: nothing may follow the padding, not even the
		 * padding Python would have appended. */
		return !strict || (!sc->after && pad_for(st.count) == 0);
	}
	if (strict)
		npad = pad_for(st.count);
	sc->count = st.count;
	for (j = 0; j < npad; j++) {
		r = step(&st, B64_PAD, s, sc);
		if (r == STEP_STOP) {
			sc->stopped = true;
			return !strict || j + 1 == npad;
		}
	}
	return st.quad == 0;
}

int
base64_decode(const char *in, size_t len, struct buf *out,
    unsigned *defects_r, unsigned *pydefects_r)
{
	const unsigned char *p = (const unsigned char *)in;
	struct sink	s;
	struct scan	sc;
	size_t		i;
	unsigned	defects = 0, py = 0;

	sink_init(&s, out);
	/* email._encoded_words.decode_b: first a strict decode with the
	 * padding the length asks for... */
	if (a2b(p, len, 0, true, &s, &sc)) {
		if (pad_for(sc.count) > 0) {
			defects |= BASE64_DEFECT_PADDING;
			py |= BASE64_PY_PADDING;
		}
		goto done;
	}
	/* ...then a lenient one as it stands, then with "==" added... */
	py |= BASE64_PY_CHARACTERS;
	if (a2b(p, len, 0, false, &s, &sc))
		goto lenient;
	if (a2b(p, len, 2, false, &s, &sc)) {
		py |= BASE64_PY_PADDING;
		defects |= BASE64_DEFECT_PADDING;
		goto lenient;
	}
	/* ...and with one character too many, Python gives the input back. */
	s.n = 0;
	s.err = 0;
	out->len = s.start;
	if (out->data != NULL)
		out->data[s.start] = '\0';
	py = BASE64_PY_LENGTH;
	defects |= BASE64_DEFECT_LENGTH;
	for (i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			sink_put(&s, p[i]);
	if (sc.junk)
		defects |= BASE64_DEFECT_JUNK;
	goto done;
lenient:
	if (sc.junk)
		defects |= BASE64_DEFECT_JUNK;
	if (sc.after)
		defects |= BASE64_DEFECT_AFTER_PAD;
	if (!(defects & (BASE64_DEFECT_JUNK | BASE64_DEFECT_AFTER_PAD)))
		defects |= BASE64_DEFECT_PADDING;
done:
	sink_flush(&s);
	if (s.err != 0)
		defects |= BASE64_DEFECT_TOO_BIG;
	if (defects_r != NULL)
		*defects_r = defects;
	if (pydefects_r != NULL)
		*pydefects_r = py;
	return s.err;
}

const char *
base64_defect_name(unsigned bit)
{
	switch (bit) {
	case BASE64_DEFECT_JUNK:
		return "characters outside the base64 alphabet skipped";
	case BASE64_DEFECT_PADDING:
		return "base64 padding missing or wrong";
	case BASE64_DEFECT_AFTER_PAD:
		return "data after base64 padding ignored";
	case BASE64_DEFECT_LENGTH:
		return "base64 length impossible: kept undecoded";
	case BASE64_DEFECT_TOO_BIG:
		return "decoded base64 too big";
	}
	return "unknown";
}

const char *
base64_defect_id(unsigned bit)
{
	switch (bit) {
	case BASE64_DEFECT_JUNK:
		return "base64-junk";
	case BASE64_DEFECT_PADDING:
		return "base64-padding";
	case BASE64_DEFECT_AFTER_PAD:
		return "base64-after-padding";
	case BASE64_DEFECT_LENGTH:
		return "base64-length";
	case BASE64_DEFECT_TOO_BIG:
		return "base64-too-big";
	}
	return "unknown";
}

const char *
base64_pydefect_name(unsigned bit)
{
	switch (bit) {
	case BASE64_PY_PADDING:
		return "InvalidBase64PaddingDefect";
	case BASE64_PY_CHARACTERS:
		return "InvalidBase64CharactersDefect";
	case BASE64_PY_LENGTH:
		return "InvalidBase64LengthDefect";
	}
	return "unknown";
}

size_t
base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

int
base64_encode_lines(const void *in, size_t len, size_t line_len,
    struct buf *out)
{
	const unsigned char *p = in;
	struct sink	s;
	size_t		i, col = 0;

	sink_init(&s, out);
	line_len -= line_len % 4;
	for (i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			w |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			w |= p[i + 2];
		if (s.n + 6 > sizeof(s.chunk))
			sink_flush(&s);
		s.chunk[s.n++] = b64_chars[w >> 18 & 63];
		s.chunk[s.n++] = b64_chars[w >> 12 & 63];
		s.chunk[s.n++] = i + 1 < len ? b64_chars[w >> 6 & 63] : '=';
		s.chunk[s.n++] = i + 2 < len ? b64_chars[w & 63] : '=';
		col += 4;
		if (line_len > 0 && col >= line_len) {
			s.chunk[s.n++] = '\r';
			s.chunk[s.n++] = '\n';
			col = 0;
		}
	}
	if (line_len > 0 && col > 0) {
		sink_put(&s, '\r');
		sink_put(&s, '\n');
	}
	sink_flush(&s);
	return s.err;
}

int
base64_encode(const void *in, size_t len, struct buf *out)
{
	return base64_encode_lines(in, len, 0, out);
}
