/* SPDX-License-Identifier: MIT */
/* The incremental MIME parser (RFC 2045, 2046, 5322): message bytes in, in
 * any number of pieces, a tree of parts with byte ranges, decoded headers,
 * content type, parameters and defects out; leaves decoded on demand. */
#ifndef PROTO_MIME_H
#define PROTO_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "proto/header.h"

/* Caps for one parse; zero fields take the defaults of proto/limits.h. */
struct mime_limits {
	unsigned	depth;		/* LIMIT_MIME_DEPTH */
	size_t		parts;		/* LIMIT_MIME_PARTS */
	size_t		header_block;	/* LIMIT_HEADER_BLOCK */
	size_t		line;		/* LIMIT_BODY_LINE: longer lines are
					 * body text, never boundaries */
};

enum mime_cte {
	MIME_CTE_NONE,		/* no Content-Transfer-Encoding: 7bit */
	MIME_CTE_7BIT,
	MIME_CTE_8BIT,
	MIME_CTE_BINARY,
	MIME_CTE_QP,
	MIME_CTE_BASE64,
	MIME_CTE_UUENCODE,	/* x-uuencode, uuencode, x-uue, uue */
	MIME_CTE_UNKNOWN	/* taken as binary, with a defect */
};

enum mime_defect_kind {
	MIME_DEFECT_NO_HEADER_SEPARATOR,   /* body began without blank line */
	MIME_DEFECT_FIRST_LINE_CONTINUATION,
	MIME_DEFECT_MISSING_HEADER_NAME,
	MIME_DEFECT_MISPLACED_FROM_,
	MIME_DEFECT_NO_BOUNDARY,	   /* multipart without boundary= */
	MIME_DEFECT_START_BOUNDARY_NOT_FOUND,
	MIME_DEFECT_CLOSE_BOUNDARY_NOT_FOUND,
	MIME_DEFECT_MULTIPART_BAD_CTE,	   /* RFC 2045 6.4: not 7bit/8bit/binary */
	MIME_DEFECT_BAD_CONTENT_TYPE,	   /* not type/subtype: text/plain used */
	MIME_DEFECT_UNKNOWN_CTE,
	MIME_DEFECT_BASE64_PADDING,
	MIME_DEFECT_BASE64_CHARACTERS,
	MIME_DEFECT_BASE64_LENGTH,
	MIME_DEFECT_UU_NO_BEGIN,
	MIME_DEFECT_CHARSET_UNKNOWN,
	MIME_DEFECT_CHARSET_INVALID,	   /* bytes not valid in the charset */
	MIME_DEFECT_DEPTH_LIMIT,	   /* LIMIT_MIME_DEPTH reached */
	MIME_DEFECT_PARTS_LIMIT,	   /* LIMIT_MIME_PARTS reached */
	MIME_DEFECT_HEADER_LIMIT,	   /* LIMIT_HEADER_BLOCK reached */
	MIME_DEFECT_LINE_LIMIT,		   /* a line longer than the limit */
	MIME_DEFECT_NUL,		   /* NUL byte in a header */
	MIME_DEFECT_BOUNDARY_UNQUOTED,	   /* boundary=a=b unquoted: taken
					    * whole, not cut at '=' */
	MIME_DEFECT_COUNT
};

struct mime_defect {
	enum mime_defect_kind	kind;
	size_t			offset;	/* byte offset in the whole message */
};

/* One parameter of Content-Type or Content-Disposition after RFC 2231
 * (continuations joined, charset'lang'%XX decoded) and RFC 2047 decoding,
 * as UTF-8. */
struct mime_param {
	char	*name;		/* lower case */
	char	*value;
	bool	 extended;	/* came from name*= (RFC 2231) */
};

struct mime_part {
	struct mime_part	*parent;
	struct mime_part	*first_child;
	struct mime_part	*last_child;
	struct mime_part	*next;		/* sibling */
	size_t			 nchildren;
	unsigned		 depth;		/* 0 for the message */
	unsigned		 index;		/* 1-based among siblings */

	/* Byte ranges in the original message bytes. */
	size_t			 start;		/* first header byte */
	size_t			 body_start;	/* first body byte */
	size_t			 body_end;	/* end of body (the line end
						 * before a boundary excluded,
						 * RFC 2046 5.1.1) */
	size_t			 end;		/* end of the part */

	struct header		 headers;	/* this part's (or the enclosed
						 * message's) header fields */
	char			*content_type;	/* "type/subtype", lower case,
						 * defaults applied */
	char			*type;		/* "text" */
	char			*subtype;	/* "plain" */
	bool			 type_explicit;	/* Content-Type was present */
	struct mime_param	*params;	/* Content-Type parameters */
	size_t			 nparams;
	struct mime_param	*dparams;	/* Content-Disposition ones */
	size_t			 ndparams;
	char			*charset;	/* lower case, NULL if absent */
	char			*filename;	/* disposition filename or
						 * type name, decoded UTF-8 */
	char			*disposition;	/* "inline"/"attachment"/...
						 * lower case, NULL if absent */
	char			*cte_name;	/* C-T-E value, trimmed, lower
						 * case, NULL if absent */
	enum mime_cte		 cte;
	char			*boundary;	/* multipart only */
	bool			 is_multipart;	/* children are body parts */
	bool			 is_message;	/* message/ *: one child, the
						 * enclosed message */

	struct mime_defect	*defects;
	size_t			 ndefects;

	/* internal to the parser */
	unsigned char		 tail_eol;	/* line end length at body_end */
	char			*boundary_whole; /* unquoted boundary=a=b as
						 * one token ("a=b"), when
						 * boundary holds only "a" */
};

struct mime_parser;

/* A parser for one message; limits may be NULL (defaults). Never NULL. */
struct mime_parser *mime_parser_new(const struct mime_limits *);
/* Free the parser; the tree it returned from finish survives it. */
void	mime_parser_free(struct mime_parser *);
/* Feed the next len bytes of the message. 1 progress, 0 nothing to do,
 * -1 only after finish. Limits reached are defects, not errors. */
int	mime_parser_feed(struct mime_parser *, const char *, size_t);
/* End of the message: returns the tree (the caller frees it with
 * mime_part_free); the parser may only be freed afterwards. */
struct mime_part *mime_parser_finish(struct mime_parser *);

/* Convenience: parse a whole message at once. */
struct mime_part *mime_parse(const char *, size_t, const struct mime_limits *);
/* Free a tree (NULL is fine). */
void	mime_part_free(struct mime_part *);

/* Parameter of a part's Content-Type (or, with disp, Content-Disposition)
 * by name (case-insensitive), NULL if absent. */
const char *mime_part_param(const struct mime_part *, const char *name,
	    bool disp);
/* Depth-first next part after p inside root, or NULL at the end. */
struct mime_part *mime_part_walk(struct mime_part *root, struct mime_part *p);
/* The part's tree path ("" top, "1", "1.2") into out; 0 or -1 (full). */
int	mime_part_path(const struct mime_part *, struct buf *out);
/* Name of a defect kind ("close-boundary-not-found", ...). */
const char *mime_defect_name(enum mime_defect_kind);

/* Decode a leaf's body (Content-Transfer-Encoding undone, bytes as they
 * are, no charset conversion) from the original message bytes msg and
 * append them to out. 0, or -1 when out is full or the part is a
 * container (multipart, message): those have children, not a body --
 * except a message/ * part with a base64, quoted-printable or uuencode
 * encoding (RFC 6532 3.5), which decodes to the enclosed message's bytes
 * (its children, as Python has them, are parsed from the raw body). */
int	mime_part_decode(const struct mime_part *, const char *msg,
	    size_t msglen, struct buf *out);
/* Same, and add what was wrong with the encoding (base64 padding or
 * characters, as Python counts them) to the part's defects. */
int	mime_part_decode_defects(struct mime_part *, const char *msg,
	    size_t msglen, struct buf *out);
/* Decode a text leaf to UTF-8: transfer decoding, then its charset
 * (default us-ascii) with U+FFFD for bytes that are not valid. 1 done,
 * 0 the charset is unknown (out gets the bytes as UTF-8 with U+FFFD for
 * invalid ones), -1 out full or not a leaf. */
int	mime_part_decode_text(const struct mime_part *, const char *msg,
	    size_t msglen, struct buf *out);

#endif
