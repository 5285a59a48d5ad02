/* SPDX-License-Identifier: MIT */
/* Content-Type/-Disposition values: type, RFC 2231 parameters, UTF-8. */
#ifndef PROTO_RFC2231_H
#define PROTO_RFC2231_H

#include <stdbool.h>
#include <stddef.h>

/* Things wrong with a parameterised header value, as a bitmask. */
enum rfc2231_defect {
	RFC2231_DEFECT_NO_TYPE		= 1 << 0, /* value empty or not a single
						   * "type/subtype" */
	RFC2231_DEFECT_NO_VALUE		= 1 << 1, /* a parameter without '=' */
	RFC2231_DEFECT_UNTERMINATED	= 1 << 2, /* quoted string or comment
						   * not closed */
	RFC2231_DEFECT_CONTINUATION	= 1 << 3, /* missing, repeated or mixed
						   * name*N sections */
	RFC2231_DEFECT_CHARSET		= 1 << 4, /* unknown charset in name*=
						   * or bytes not valid in it */
	RFC2231_DEFECT_PERCENT		= 1 << 5, /* bad %XX in name*= */
	RFC2231_DEFECT_ENCODED_WORD	= 1 << 6, /* RFC 2047 encoded word in a
						   * parameter (RFC 2047 5
						   * forbids it; decoded) */
	RFC2231_DEFECT_DUPLICATE	= 1 << 7, /* a parameter given twice:
						   * the first wins */
	RFC2231_DEFECT_JUNK		= 1 << 8, /* junk: a missing ';', stray
						   * characters, bad names */
};
#define RFC2231_DEFECT_COUNT	9

/* Flags of one parameter (enum rfc2231_param_flag). */
enum rfc2231_param_flag {
	RFC2231_PARAM_EXTENDED	= 1 << 0, /* name*= or name*N*= */
	RFC2231_PARAM_CONTINUED	= 1 << 1, /* from name*0, name*1 ... */
	RFC2231_PARAM_QUOTED	= 1 << 2, /* (first section) was quoted */
	RFC2231_PARAM_RFC2047	= 1 << 3, /* encoded words were decoded */
	RFC2231_PARAM_IN_TYPE	= 1 << 4, /* "name=value" before the first ';'
					   * where the type belongs: Python's
					   * get_param() finds it there (and
					   * first), so we list it first */
};

struct rfc2231_param {
	char		*name;		/* lower case, no '*' or section */
	char		*value;		/* decoded, UTF-8, NUL-terminated */
	char		*charset;	/* RFC 2231 charset, or NULL */
	char		*language;	/* RFC 2231 language, or NULL */
	unsigned	 flags;		/* enum rfc2231_param_flag */
};

struct rfc2231_value {
	/* Python's Message.get_content_type()/get_content_disposition()
	 * view: the text before the first ';', unfolded, stripped and lower
	 * cased ("" when empty). */
	char			*value;
	/* value split at its '/' ("text", "plain"), comments and
	 * whitespace removed, lower case; for a lone token (a disposition)
	 * type is the token and subtype NULL; both NULL when neither
	 * (then RFC2231_DEFECT_NO_TYPE). For Python's answer use value. */
	char			*type;
	char			*subtype;
	/* Parameters in Python's get_params() order: plain ones as written,
	 * then the RFC 2231 ones (name*, name*N) assembled. */
	struct rfc2231_param	*params;
	size_t			 nparams;
	unsigned		 defects;	/* enum rfc2231_defect */
};

/* Parse a Content-Type or Content-Disposition value (in, len: as in the
 * file, folded or not) into *v_r, as Python's email package reads it:
 * parameters split at ';' outside quotes, names case-insensitive, quoted
 * values unquoted (backslash escapes), RFC 2231 continuations and
 * charset'language'%XX decoded to UTF-8, RFC 2047 encoded words inside
 * quoted values decoded, comments dropped. Never fails; problems are
 * recorded in v_r->defects. Free with rfc2231_value_clear(). Returns 0. */
int	rfc2231_parse(const char *in, size_t len, struct rfc2231_value *v_r);
/* Free everything in v (the struct itself is the caller's); v is then
 * empty and may be reused. */
void	rfc2231_value_clear(struct rfc2231_value *v);
/* The first parameter called name (case-insensitive), or NULL. */
const struct rfc2231_param *rfc2231_find(const struct rfc2231_value *v,
	    const char *name);
/* The value of the first parameter called name, or NULL. */
const char *rfc2231_get(const struct rfc2231_value *v, const char *name);
/* Python's Message.get_filename(): "filename" of the disposition (cd,
 * may be NULL), else "name" of the content type (ct, may be NULL), with
 * surrounding whitespace stripped; malloc'd (caller frees) or NULL. */
char	*rfc2231_filename(const struct rfc2231_value *cd,
	    const struct rfc2231_value *ct);
/* Name of one defect bit; "unknown" otherwise. */
const char *rfc2231_defect_name(unsigned bit);
/* Short identifier of one defect bit ("rfc2231-no-value", ...). */
const char *rfc2231_defect_id(unsigned bit);

#endif
