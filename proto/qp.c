/* SPDX-License-Identifier: MIT */
/* Quoted-printable and "Q" decoding as Python does it, and encoding. */
#include <stdbool.h>
#include <string.h>

#include "proto/qp.h"
#include "base/sink.h"

/* Hex digit values, 0xff for anything else. */
static const unsigned char qp_hex[256] = {
#define X 0xff
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, X, X, X, X, X, X,
	X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

/* CPython's binascii.a2b_qp, which quopri.decodestring() and so the email
 * package's get_payload(decode=True) use: copying runs without '=' goes
 * through memchr so plain text costs little. */
int
qp_decode(const char *in, size_t len, struct buf *out, unsigned *defects_r)
{
	const unsigned char *p = (const unsigned char *)in;
	struct sink	s;
	size_t		i = 0;
	unsigned	defects = 0;

	sink_init(&s, out);
	while (i < len) {
		const unsigned char *eq = memchr(p + i, '=', len - i);
		size_t run = eq == NULL ? len - i : (size_t)(eq - (p + i));
		unsigned char c;

		sink_write(&s, (const char *)p + i, run);
		i += run;
		if (i >= len)
			break;
		i++;		/* the '=' */
		if (i >= len) {
			/* A2b_qp drops a final lone '='. */
			defects |= QP_DEFECT_TRAILING_EQ;
			break;
		}
		c = p[i];
		if (c == '\n' || c == '\r') {
			/* RFC 2045 6.7 (5): soft line break. After a CR,
			 * Python skips to the next LF whatever lies between. */
			if (c != '\n')
				while (i < len && p[i] != '\n')
					i++;
			if (i < len)
				i++;
		} else if (c == '=') {
			/* "==": Python's own old encoder wrote these. */
			sink_put(&s, '=');
			defects |= QP_DEFECT_BAD_ESCAPE;
			i++;
		} else if (i + 1 < len && qp_hex[c] != 0xff &&
		    qp_hex[p[i + 1]] != 0xff) {
			if ((c >= 'a' && c <= 'f') ||
			    (p[i + 1] >= 'a' && p[i + 1] <= 'f'))
				defects |= QP_DEFECT_LOWER_HEX;
			sink_put(&s, (char)(qp_hex[c] << 4 | qp_hex[p[i + 1]]));
			i += 2;
		} else {
			/* RFC 2045 6.7 note (2): keep a bad escape as written
			 * (the character after '=' is copied next round). */
			sink_put(&s, '=');
			defects |= QP_DEFECT_BAD_ESCAPE;
		}
	}
	sink_flush(&s);
	if (s.err != 0)
		defects |= QP_DEFECT_TOO_BIG;
	if (defects_r != NULL)
		*defects_r = defects;
	return s.err;
}

/* email._encoded_words.decode_q: '_' to space, then =XX (any case). */
int
qp_decode_q(const char *in, size_t len, struct buf *out, unsigned *defects_r)
{
	const unsigned char *p = (const unsigned char *)in;
	struct sink	s;
	size_t		i;
	unsigned	defects = 0;

	sink_init(&s, out);
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '_')
			sink_put(&s, ' ');
		else if (c == '=' && i + 2 < len && qp_hex[p[i + 1]] != 0xff &&
		    qp_hex[p[i + 2]] != 0xff) {
			sink_put(&s,
			    (char)(qp_hex[p[i + 1]] << 4 | qp_hex[p[i + 2]]));
			i += 2;
		} else {
			if (c == '=')
				defects |= QP_DEFECT_BAD_ESCAPE;
			sink_put(&s, (char)c);
		}
	}
	sink_flush(&s);
	if (s.err != 0)
		defects |= QP_DEFECT_TOO_BIG;
	if (defects_r != NULL)
		*defects_r = defects;
	return s.err;
}

const char *
qp_defect_name(unsigned bit)
{
	switch (bit) {
	case QP_DEFECT_BAD_ESCAPE:
		return "bad quoted-printable escape kept as written";
	case QP_DEFECT_TRAILING_EQ:
		return "lone '=' at the end of quoted-printable text";
	case QP_DEFECT_LOWER_HEX:
		return "lower-case hex in quoted-printable escape";
	case QP_DEFECT_TOO_BIG:
		return "decoded quoted-printable too big";
	}
	return "unknown";
}

const char *
qp_defect_id(unsigned bit)
{
	switch (bit) {
	case QP_DEFECT_BAD_ESCAPE:
		return "qp-bad-escape";
	case QP_DEFECT_TRAILING_EQ:
		return "qp-trailing-equals";
	case QP_DEFECT_LOWER_HEX:
		return "qp-lower-hex";
	case QP_DEFECT_TOO_BIG:
		return "qp-too-big";
	}
	return "unknown";
}

/* RFC 2045 6.7 rule (5): encoded lines are at most 76 characters, so a
 * soft break ("=") goes in before the 76th. */
#define QP_LINE	76

int
qp_encode(const void *in, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = in;
	struct sink	s;
	size_t		i, col = 0;

	sink_init(&s, out);
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		bool	lit, eol_next;
		size_t	w;

		if (c == '\n' ||
		    (c == '\r' && i + 1 < len && p[i + 1] == '\n')) {
			if (c == '\r')
				i++;
			sink_put(&s, '\r');
			sink_put(&s, '\n');
			col = 0;
			continue;
		}
		eol_next = i + 1 == len || p[i + 1] == '\n' ||
		    (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n');
		/* Rule (3): whitespace at a line end must be encoded. */
		lit = (c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !eol_next);
		w = lit ? 1 : 3;
		if (col + w > QP_LINE - 1 &&
		    !(eol_next && col + w <= QP_LINE)) {
			sink_put(&s, '=');
			sink_put(&s, '\r');
			sink_put(&s, '\n');
			col = 0;
		}
		if (lit)
			sink_put(&s, (char)c);
		else {
			sink_put(&s, '=');
			sink_put(&s, hex[c >> 4]);
			sink_put(&s, hex[c & 15]);
		}
		col += w;
	}
	sink_flush(&s);
	return s.err;
}
