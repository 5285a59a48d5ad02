/* SPDX-License-Identifier: MIT */
/* The incremental MIME parser: lines in, a tree of parts with byte ranges out (RFC 2045, 2046). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/base64.h"
#include "proto/charset.h"
#include "proto/limits.h"
#include "proto/mime.h"
#include "proto/qp.h"
#include "proto/rfc2231.h"
#include "base/util.h"
#include "proto/uu.h"

/*
 * The parser follows the structure of Python's email.feedparser (which is
 * what most tools agree with on broken mail), flattened into a stack of
 * frames so that it can stop between any two bytes:
 *  - a line is first checked against the boundaries of the enclosing
 *    multiparts (RFC 2046 5.1.2: an outer boundary ends every inner part);
 *  - then the frame on top consumes it according to its state.
 */
enum fstate {
	F_HEADERS,		/* collecting the header block */
	F_LEAF,			/* body of a leaf */
	F_PREAMBLE,		/* multipart: before the first boundary */
	F_AFTER_BOUNDARY,	/* multipart: a boundary line was seen */
	F_CHILD,		/* multipart: a body part is being parsed */
	F_BETWEEN,		/* multipart: that body part ended */
	F_SKIP,			/* multipart: part limit reached */
	F_EPILOGUE,		/* multipart: after the close delimiter */
	F_MESSAGE,		/* message/ *: the enclosed message is open */
	F_DSN_CHILD,		/* message/delivery-status: a field group */
	F_DSN_SKIP,		/* ... the blank line after a group */
	F_DSN_NEXT,		/* ... anything else starts the next group */
};

struct frame {
	struct mime_part	*part;
	enum fstate		 st;
	bool			 close_seen;
	bool			 line_defect;
};

struct mime_parser {
	struct mime_limits	 lim;
	struct mime_part	*root;
	struct frame		*stack;
	size_t			 depth;	/* frames in use */
	size_t			 cap;
	struct mime_part	*last;	/* the part created last */
	size_t			 off;	/* offset of the next line */
	struct buf		 line;	/* a line not yet complete */
	bool			 in_long;	/* inside a line past the limit */
	size_t			 nparts;
	bool			 finished;
	bool			 parts_defect;
	bool			 slow;	/* lone CRs seen: line by line */
};

static const char *const defect_names[MIME_DEFECT_COUNT] = {
	[MIME_DEFECT_NO_HEADER_SEPARATOR] = "missing-header-body-separator",
	[MIME_DEFECT_FIRST_LINE_CONTINUATION] = "first-header-line-is-continuation",
	[MIME_DEFECT_MISSING_HEADER_NAME] = "missing-header-name",
	[MIME_DEFECT_MISPLACED_FROM_] = "misplaced-envelope-header",
	[MIME_DEFECT_NO_BOUNDARY] = "no-boundary-in-multipart",
	[MIME_DEFECT_START_BOUNDARY_NOT_FOUND] = "start-boundary-not-found",
	[MIME_DEFECT_CLOSE_BOUNDARY_NOT_FOUND] = "close-boundary-not-found",
	[MIME_DEFECT_MULTIPART_BAD_CTE] = "invalid-multipart-transfer-encoding",
	[MIME_DEFECT_BAD_CONTENT_TYPE] = "invalid-content-type",
	[MIME_DEFECT_UNKNOWN_CTE] = "unknown-transfer-encoding",
	[MIME_DEFECT_BASE64_PADDING] = "base64-padding",
	[MIME_DEFECT_BASE64_CHARACTERS] = "base64-characters",
	[MIME_DEFECT_BASE64_LENGTH] = "base64-length",
	[MIME_DEFECT_UU_NO_BEGIN] = "uuencode-no-begin",
	[MIME_DEFECT_CHARSET_UNKNOWN] = "charset-unknown",
	[MIME_DEFECT_CHARSET_INVALID] = "charset-invalid-bytes",
	[MIME_DEFECT_DEPTH_LIMIT] = "depth-limit",
	[MIME_DEFECT_PARTS_LIMIT] = "parts-limit",
	[MIME_DEFECT_HEADER_LIMIT] = "header-limit",
	[MIME_DEFECT_LINE_LIMIT] = "line-limit",
	[MIME_DEFECT_NUL] = "nul-in-header",
	[MIME_DEFECT_BOUNDARY_UNQUOTED] = "unquoted-boundary-with-equals",
};

const char *
mime_defect_name(enum mime_defect_kind k)
{
	if ((unsigned)k >= MIME_DEFECT_COUNT || defect_names[k] == NULL)
		return "unknown";
	return defect_names[k];
}

static void
defect(struct mime_part *p, enum mime_defect_kind k, size_t off)
{
	if (p->ndefects >= LIMIT_DEFECTS)
		return;
	if ((p->ndefects & (p->ndefects - 1)) == 0)	/* doubling */
		p->defects = xrealloc(p->defects, (p->ndefects ?
		    p->ndefects * 2 : 1) * sizeof(*p->defects));
	p->defects[p->ndefects].kind = k;
	p->defects[p->ndefects].offset = off;
	p->ndefects++;
}

static struct mime_part *
part_new(struct mime_parser *mp, struct mime_part *parent, size_t at)
{
	struct mime_part *p = xcalloc(1, sizeof(*p));

	p->parent = parent;
	p->start = p->body_start = p->body_end = p->end = at;
	header_init(&p->headers, mp->lim.header_block);
	if (parent != NULL) {
		p->depth = parent->depth + 1;
		if (parent->last_child != NULL)
			parent->last_child->next = p;
		else
			parent->first_child = p;
		parent->last_child = p;
		p->index = (unsigned)++parent->nchildren;
	}
	mp->nparts++;
	mp->last = p;
	return p;
}

static void
push(struct mime_parser *mp, struct mime_part *p, enum fstate st)
{
	if (mp->depth == mp->cap) {
		mp->cap = mp->cap ? mp->cap * 2 : 8;
		mp->stack = xrealloc(mp->stack, mp->cap * sizeof(*mp->stack));
	}
	memset(&mp->stack[mp->depth], 0, sizeof(mp->stack[0]));
	mp->stack[mp->depth].part = p;
	mp->stack[mp->depth].st = st;
	mp->depth++;
}

struct mime_parser *
mime_parser_new(const struct mime_limits *lim)
{
	struct mime_parser *mp = xcalloc(1, sizeof(*mp));

	if (lim != NULL)
		mp->lim = *lim;
	if (mp->lim.depth == 0)
		mp->lim.depth = LIMIT_MIME_DEPTH;
	if (mp->lim.parts == 0)
		mp->lim.parts = LIMIT_MIME_PARTS;
	if (mp->lim.header_block == 0)
		mp->lim.header_block = LIMIT_HEADER_BLOCK;
	if (mp->lim.line == 0)
		mp->lim.line = LIMIT_BODY_LINE;
	buf_init(&mp->line, mp->lim.line + 2);
	mp->root = part_new(mp, NULL, 0);
	push(mp, mp->root, F_HEADERS);
	return mp;
}

void
mime_parser_free(struct mime_parser *mp)
{
	if (mp == NULL)
		return;
	if (!mp->finished)
		mime_part_free(mp->root);
	buf_clear(&mp->line);
	free(mp->stack);
	free(mp);
}

static void
params_free(struct mime_param *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void
mime_part_free(struct mime_part *p)
{
	struct mime_part *c, *next;

	if (p == NULL)
		return;
	for (c = p->first_child; c != NULL; c = next) {
		next = c->next;
		mime_part_free(c);
	}
	header_clear(&p->headers);
	free(p->content_type);
	free(p->type);
	free(p->subtype);
	params_free(p->params, p->nparams);
	params_free(p->dparams, p->ndparams);
	free(p->charset);
	free(p->filename);
	free(p->disposition);
	free(p->cte_name);
	free(p->boundary);
	free(p->boundary_whole);
	free(p->defects);
	free(p);
}

static bool
is_multipart_type(const struct mime_part *p)
{
	return p->type != NULL && strcmp(p->type, "multipart") == 0;
}

static void
copy_params(const struct rfc2231_value *v, struct mime_param **out_r,
    size_t *n_r)
{
	size_t	i;

	*n_r = v->nparams;
	*out_r = v->nparams ? xcalloc(v->nparams, sizeof(**out_r)) : NULL;
	for (i = 0; i < v->nparams; i++) {
		(*out_r)[i].name = xstrdup(v->params[i].name);
		(*out_r)[i].value = xstrdup(v->params[i].value ?
		    v->params[i].value : "");
		(*out_r)[i].extended = (v->params[i].flags &
		    RFC2231_PARAM_EXTENDED) != 0;
	}
}

static char *
lower_dup(const char *s, size_t n)
{
	char	*r = xstrndup(s, n);
	size_t	 i;

	for (i = 0; i < n; i++)
		if (r[i] >= 'A' && r[i] <= 'Z')
			r[i] += 'a' - 'A';
	return r;
}

static enum mime_cte
cte_kind(const char *s)
{
	static const struct {
		const char	*name;
		enum mime_cte	 cte;
	} t[] = {
		{ "7bit", MIME_CTE_7BIT }, { "8bit", MIME_CTE_8BIT },
		{ "binary", MIME_CTE_BINARY },
		{ "quoted-printable", MIME_CTE_QP },
		{ "base64", MIME_CTE_BASE64 },
		{ "x-uuencode", MIME_CTE_UUENCODE },
		{ "uuencode", MIME_CTE_UUENCODE },
		{ "x-uue", MIME_CTE_UUENCODE }, { "uue", MIME_CTE_UUENCODE },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].cte;
	return MIME_CTE_UNKNOWN;
}

/* RFC 2045 5.1: '=' is a tspecial, so boundary=----=_NextPart_x must be
 * quoted; Python cuts the unquoted value at '=' ("----"). Outlook sends it
 * unquoted, and Thunderbird and mutt read the whole token. Return that
 * token when it is longer than the cut value it starts with, else NULL. */
static char *
boundary_token(const struct header_field *f, const char *cut)
{
	const char	*v = f->value, *e = f->value + f->value_len, *q;
	size_t		 cl = strlen(cut);

	for (; v + 9 <= e; v++) {
		if (strncasecmp(v, "boundary", 8) != 0 || (v > f->value &&
		    v[-1] != ';' && v[-1] != ' ' && v[-1] != '\t' &&
		    v[-1] != '\n'))
			continue;
		q = v + 8;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= e || *q != '=')
			continue;
		q++;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= e || *q == '"')
			return NULL;
		v = q;
		while (q < e && *q != ';' && *q != ' ' && *q != '\t' &&
		    *q != '\r' && *q != '\n' && *q != '"')
			q++;
		if ((size_t)(q - v) > cl && memcmp(v, cut, cl) == 0 &&
		    memchr(v + cl, '=', (size_t)(q - v) - cl) != NULL)
			return xstrndup(v, (size_t)(q - v));
		return NULL;
	}
	return NULL;
}

/* Content type, parameters, charset, disposition, filename, encoding:
 * Python's Message.get_content_type() and friends. */
static void
setup(struct mime_part *p)
{
	const struct header_field *f;
	struct rfc2231_value ct, cd;
	bool	have_ct = false, have_cd = false;
	const char *v;

	memset(&ct, 0, sizeof(ct));
	memset(&cd, 0, sizeof(cd));
	if ((f = header_get(&p->headers, "content-type")) != NULL) {
		const char *slash;

		rfc2231_parse(f->value, f->value_len, &ct);
		have_ct = true;
		p->type_explicit = true;
		v = ct.value ? ct.value : "";
		slash = strchr(v, '/');
		if (slash != NULL && strchr(slash + 1, '/') == NULL) {
			p->content_type = xstrdup(v);
		} else {
			p->content_type = xstrdup("text/plain");
			defect(p, MIME_DEFECT_BAD_CONTENT_TYPE, p->start +
			    f->offset);
		}
		copy_params(&ct, &p->params, &p->nparams);
	} else if (p->parent != NULL && p->parent->content_type != NULL &&
	    strcmp(p->parent->content_type, "multipart/digest") == 0)
		p->content_type = xstrdup("message/rfc822");	/* 2046 5.1.5 */
	else
		p->content_type = xstrdup("text/plain");	/* 2045 5.2 */
	{
		const char *slash = strchr(p->content_type, '/');

		p->type = xstrndup(p->content_type,
		    (size_t)(slash - p->content_type));
		p->subtype = xstrdup(slash + 1);
	}
	if (have_ct && (v = rfc2231_get(&ct, "charset")) != NULL) {
		size_t i, n = strlen(v);
		bool ascii = true;

		for (i = 0; i < n; i++)
			if ((unsigned char)v[i] >= 0x80)
				ascii = false;
		if (ascii)
			p->charset = lower_dup(v, n);
	}
	if (have_ct && (v = rfc2231_get(&ct, "boundary")) != NULL) {
		size_t n = strlen(v);

		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
		    v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == '\f' ||
		    v[n - 1] == '\v'))
			n--;
		p->boundary = xstrndup(v, n);
		p->boundary_whole = boundary_token(f, p->boundary);
	}
	if ((f = header_get(&p->headers, "content-disposition")) != NULL) {
		rfc2231_parse(f->value, f->value_len, &cd);
		have_cd = true;
		p->disposition = xstrdup(cd.value ? cd.value : "");
		copy_params(&cd, &p->dparams, &p->ndparams);
	}
	p->filename = rfc2231_filename(have_cd ? &cd : NULL,
	    have_ct ? &ct : NULL);
	if ((f = header_get(&p->headers, "content-transfer-encoding")) !=
	    NULL) {
		const char *s = f->value;
		size_t n = f->value_len;

		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		p->cte_name = lower_dup(s, n);
		p->cte = cte_kind(p->cte_name);
		if (p->cte == MIME_CTE_UNKNOWN)
			defect(p, MIME_DEFECT_UNKNOWN_CTE, p->start + f->offset);
	} else
		p->cte = MIME_CTE_NONE;
	if (have_ct)
		rfc2231_value_clear(&ct);
	if (have_cd)
		rfc2231_value_clear(&cd);
}

/* Header-block defects become part defects, at message offsets. */
static void
end_headers(struct mime_part *p)
{
	size_t	i;

	header_end(&p->headers);
	for (i = 0; i < p->headers.ndefects; i++) {
		static const enum mime_defect_kind map[HEADER_DEFECT_COUNT] = {
			[HEADER_DEFECT_FIRST_LINE_CONTINUATION] =
			    MIME_DEFECT_FIRST_LINE_CONTINUATION,
			[HEADER_DEFECT_MISSING_NAME] =
			    MIME_DEFECT_MISSING_HEADER_NAME,
			[HEADER_DEFECT_MISPLACED_FROM_] =
			    MIME_DEFECT_MISPLACED_FROM_,
			[HEADER_DEFECT_NO_SEPARATOR] =
			    MIME_DEFECT_NO_HEADER_SEPARATOR,
			[HEADER_DEFECT_TOO_LONG] = MIME_DEFECT_HEADER_LIMIT,
		};
		defect(p, map[p->headers.defects[i].kind],
		    p->start + p->headers.defects[i].offset);
	}
	setup(p);
}

static struct frame *
top(struct mime_parser *mp)
{
	return &mp->stack[mp->depth - 1];
}

/* Start a child part at offset at; false when the part limit says no. */
static bool
child(struct mime_parser *mp, struct mime_part *parent, size_t at)
{
	struct mime_part *c;

	if (mp->nparts >= mp->lim.parts) {
		if (!mp->parts_defect)
			defect(parent, MIME_DEFECT_PARTS_LIMIT, at);
		mp->parts_defect = true;
		return false;
	}
	c = part_new(mp, parent, at);
	push(mp, c, F_HEADERS);
	return true;
}

/* The header block of the top part ended; its body starts at 'at'. */
static void
begin_body(struct mime_parser *mp, size_t at)
{
	struct frame *f = top(mp);
	struct mime_part *p = f->part;

	end_headers(p);
	p->body_start = p->body_end = at;
	p->tail_eol = 0;
	f->st = F_LEAF;
	if (is_multipart_type(p)) {
		if (p->boundary == NULL) {
			defect(p, MIME_DEFECT_NO_BOUNDARY, at);
			return;
		}
		if (p->depth + 1 >= mp->lim.depth) {
			defect(p, MIME_DEFECT_DEPTH_LIMIT, at);
			return;
		}
		if (p->cte_name != NULL && strcmp(p->cte_name, "7bit") != 0 &&
		    strcmp(p->cte_name, "8bit") != 0 &&
		    strcmp(p->cte_name, "binary") != 0)
			defect(p, MIME_DEFECT_MULTIPART_BAD_CTE, at);
		p->is_multipart = true;
		f->st = F_PREAMBLE;
		return;
	}
	if (strcmp(p->type, "message") != 0)
		return;
	if (p->depth + 1 >= mp->lim.depth) {
		defect(p, MIME_DEFECT_DEPTH_LIMIT, at);
		return;
	}
	if (strcmp(p->content_type, "message/delivery-status") == 0)
		f->st = F_DSN_CHILD;
	else
		f->st = F_MESSAGE;
	if (!child(mp, p, at)) {
		top(mp)->st = F_LEAF;
		return;
	}
	p->is_message = true;
}

/* RFC 2046 5.1.1: the line end before a boundary belongs to it. */
static void
strip_last(struct mime_parser *mp)
{
	struct mime_part *l = mp->last;

	if (l == NULL || l->is_multipart || l->is_message ||
	    is_multipart_type(l))
		return;
	if (l->tail_eol > 0 && l->body_end - l->body_start >= l->tail_eol) {
		l->body_end -= l->tail_eol;
		l->tail_eol = 0;
	}
}

/* Pop the top frame (its part ends at 'at') and tell its parent. */
static void
pop(struct mime_parser *mp, size_t at)
{
	struct frame *pf;

	for (;;) {
		struct mime_part *p = top(mp)->part;

		p->end = at;
		if (p->is_multipart || p->is_message)
			p->body_end = at;	/* a container's body is all */
		mp->depth--;
		if (mp->depth == 0)
			return;
		pf = top(mp);
		switch (pf->st) {
		case F_CHILD:
			strip_last(mp);
			mp->last = pf->part;
			pf->st = F_BETWEEN;
			return;
		case F_DSN_CHILD:
			pf->st = F_DSN_SKIP;
			return;
		case F_MESSAGE:
			continue;	/* the enclosing message/ * ends too */
		default:
			return;
		}
	}
}

/* The top frame reached the end of its input (the real end, or a
 * boundary of an enclosing multipart): finish it and whatever it opens. */
static void
frame_eof(struct mime_parser *mp, size_t at)
{
	size_t	target = mp->depth - 1;

	while (mp->depth > target) {
		struct frame *f = top(mp);
		struct mime_part *p = f->part;

		switch (f->st) {
		case F_HEADERS: {
			size_t idx = mp->depth - 1;

			begin_body(mp, at);
			f = &mp->stack[idx];	/* the stack may have moved */
			if (f->st == F_PREAMBLE) {
				defect(p,
				    MIME_DEFECT_START_BOUNDARY_NOT_FOUND, at);
				p->is_multipart = false;
				f->st = F_LEAF;
			}
			if (f->st == F_LEAF)
				pop(mp, at);
			break;
		}
		case F_PREAMBLE:
			defect(p, MIME_DEFECT_START_BOUNDARY_NOT_FOUND, at);
			p->is_multipart = false;	/* payload: the preamble */
			pop(mp, at);
			break;
		case F_AFTER_BOUNDARY:
			/* set the state first: child() may move the stack */
			f->st = F_CHILD;
			if (!child(mp, p, at))
				top(mp)->st = F_SKIP;
			break;
		case F_BETWEEN:
		case F_SKIP:
			if (!f->close_seen)
				defect(p, MIME_DEFECT_CLOSE_BOUNDARY_NOT_FOUND,
				    at);
			pop(mp, at);
			break;
		case F_DSN_SKIP:
		case F_DSN_NEXT:
		case F_LEAF:
		case F_EPILOGUE:
			pop(mp, at);
			break;
		case F_CHILD:
		case F_MESSAGE:
		case F_DSN_CHILD:
			/* the child frame above was popped without telling
			 * us: cannot happen */
			pop(mp, at);
			break;
		}
	}
}

/* Python's boundarymatch: "--" boundary ["--"] [ \t]* line end. Returns 0
 * no, 1 a delimiter, 2 the close delimiter. */
static int
bmatch_str(const char *b, const char *s, size_t len)
{
	size_t	bl = strlen(b), i;
	int	r = 1;

	if (len < bl + 2 || s[0] != '-' || s[1] != '-' ||
	    memcmp(s + 2, b, bl) != 0)
		return 0;
	i = bl + 2;
	if (i + 1 < len && s[i] == '-' && s[i + 1] == '-') {
		r = 2;
		i += 2;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len || (s[i] == '\n' && i + 1 == len) ||
	    (s[i] == '\r' && i + 1 == len) ||
	    (s[i] == '\r' && i + 2 == len && s[i + 1] == '\n'))
		return r;
	if (r == 2) {
		/* "--b--x": maybe "--b" then "--x"? never a match */
		return 0;
	}
	return 0;
}

static int
bmatch(const struct mime_part *p, const char *s, size_t len)
{
	return bmatch_str(p->boundary, s, len);
}

/* In the preamble: a delimiter of the boundary cut at '=' (Python's), or
 * else of the whole unquoted token, which then becomes the boundary (the
 * cut one has matched no line before the first part). */
static int
bmatch_preamble(struct mime_part *p, const char *s, size_t len, size_t off)
{
	int	m = bmatch(p, s, len);

	if (m != 0 || p->boundary_whole == NULL)
		return m;
	if ((m = bmatch_str(p->boundary_whole, s, len)) != 0) {
		free(p->boundary);
		p->boundary = p->boundary_whole;
		p->boundary_whole = NULL;
		defect(p, MIME_DEFECT_BOUNDARY_UNQUOTED, off);
	}
	return m;
}

/* Does the line end the input of the top frame (a boundary of an
 * enclosing multipart, or the blank line ending a delivery-status
 * group)? */
static bool
ancestor_match(struct mime_parser *mp, const char *s, size_t len,
    size_t eol)
{
	size_t	i;

	for (i = mp->depth - 1; i-- > 0;) {
		const struct frame *f = &mp->stack[i];

		if (f->st == F_CHILD && len >= 2 && s[0] == '-' &&
		    s[1] == '-' && bmatch(f->part, s, len))
			return true;
		if (f->st == F_DSN_CHILD && len == eol && len > 0)
			return true;
	}
	return false;
}

static void
process_line(struct mime_parser *mp, const char *s, size_t len, size_t eol,
    bool frag)
{
	size_t	off = mp->off;
	struct frame *f;
	struct mime_part *p;
	int	m;

again:
	if (mp->depth == 0)
		return;
	f = top(mp);
	p = f->part;
	if (!frag && mp->depth > 1 && ancestor_match(mp, s, len, eol)) {
		frame_eof(mp, off);
		goto again;
	}
	switch (f->st) {
	case F_HEADERS:
		if (frag) {
			if (!f->line_defect)
				defect(p, MIME_DEFECT_LINE_LIMIT, off);
			f->line_defect = true;
			return;
		}
		if (len == eol && len > 0) {
			begin_body(mp, off + len);
			return;
		}
		if (header_line_is_field(s, len)) {
			if (memchr(s, '\0', len) != NULL && !f->line_defect) {
				defect(p, MIME_DEFECT_NUL, off);
				f->line_defect = true;
			}
			(void)header_add_line(&p->headers, s, len);
			return;
		}
		defect(p, MIME_DEFECT_NO_HEADER_SEPARATOR, off);
		begin_body(mp, off);
		goto again;
	case F_LEAF:
		p->body_end = off + len;
		p->tail_eol = (unsigned char)eol;
		return;
	case F_PREAMBLE:
		if (!frag && (m = bmatch_preamble(p, s, len, off)) != 0) {
			if (m == 2) {
				/* a close delimiter and no part: the preamble
				 * is the payload (as Python has it) */
				defect(p, MIME_DEFECT_START_BOUNDARY_NOT_FOUND,
				    off);
				p->is_multipart = false;
				f->close_seen = true;
				f->st = F_EPILOGUE;
			} else
				f->st = F_AFTER_BOUNDARY;
			return;
		}
		p->body_end = off + len;
		p->tail_eol = (unsigned char)eol;
		return;
	case F_AFTER_BOUNDARY:
		/* Python skips repeated boundary lines here. */
		if (!frag && bmatch(p, s, len) != 0)
			return;
		f->st = F_CHILD;
		if (!child(mp, p, off))
			top(mp)->st = F_SKIP;
		goto again;
	case F_BETWEEN:
	case F_SKIP:
		if (!frag && (m = bmatch(p, s, len)) != 0) {
			if (m == 2) {
				f->close_seen = true;
				f->st = F_EPILOGUE;
			} else if (f->st == F_BETWEEN)
				f->st = F_AFTER_BOUNDARY;
		}
		return;
	case F_EPILOGUE:
		return;
	case F_DSN_SKIP:
		f->st = F_DSN_NEXT;
		return;
	case F_DSN_NEXT:
		f->st = F_DSN_CHILD;
		if (!child(mp, p, off)) {
			top(mp)->st = F_EPILOGUE;
			return;
		}
		goto again;
	case F_CHILD:
	case F_MESSAGE:
	case F_DSN_CHILD:
		return;		/* never on top */
	}
}

/* Can lines go straight into the body of the top part, looking only for
 * "--" at their start? Yes in a leaf whose ancestors only watch for
 * boundaries (a delivery-status group ends at a blank line). */
static bool
fast_leaf(struct mime_parser *mp)
{
	size_t	i;

	if (top(mp)->st != F_LEAF)
		return false;
	for (i = 0; i + 1 < mp->depth; i++)
		if (mp->stack[i].st == F_DSN_CHILD)
			return false;
	return true;
}

/* The first k with s[k] == '\n' and s[k + 1] == '-', or a lone CR (then
 * *lone_r is set), or n - 1 when neither. 64-byte blocks are tested
 * without branches first, which the compiler turns into vector code. */
static size_t
find_dashes(const char *s, size_t n, bool *lone_r)
{
	size_t	k = 0, j;

	*lone_r = false;
	while (k + 65 <= n) {
		unsigned char hit = 0;	/* a char: 16 lanes a vector */

		for (j = 0; j < 64; j++)
			hit |= (unsigned char)(((s[k + j] == '\n') &
			    (s[k + j + 1] == '-')) | ((s[k + j] == '\r') &
			    (s[k + j + 1] != '\n')));
		if (hit)
			break;
		k += 64;
	}
	for (; k + 1 < n; k++) {
		if (s[k] == '\r' && s[k + 1] != '\n') {
			*lone_r = true;
			return k;
		}
		if (s[k] == '\n' && s[k + 1] == '-')
			return k;
	}
	return n ? n - 1 : 0;
}

/* Bytes at the start of s made of whole lines that cannot be boundary
 * lines (they do not start with '-'): large bodies are skipped a block
 * at a time instead of line by line. A lone CR (a line end too) sends
 * the rest of the message down the line-by-line path. */
static size_t
skip_body(struct mime_parser *mp, const char *s, size_t n)
{
	size_t	k, end;
	bool	lone;

	if (n == 0 || s[0] == '-')
		return 0;
	k = find_dashes(s, n, &lone);
	if (lone) {
		mp->slow = true;
		return 0;
	}
	if (k + 1 < n)
		return k + 1;	/* up to the line starting with '-' */
	/* up to the last complete line */
	for (end = n; end > 0 && s[end - 1] != '\n'; end--)
		;
	return end;
}

/* Handle one complete line (or the last piece of one past the limit). */
static void
line(struct mime_parser *mp, const char *s, size_t len, size_t eol)
{
	process_line(mp, s, len, eol, mp->in_long);
	mp->off += len;
	mp->in_long = false;
}

/* Keep an incomplete line; past the limit it goes on as body text that is
 * never a boundary or a header. */
static void
keep(struct mime_parser *mp, const char *s, size_t n)
{
	if (mp->in_long) {
		process_line(mp, s, n, 0, true);
		mp->off += n;
		return;
	}
	if (mp->line.len + n > mp->lim.line) {
		mp->in_long = true;
		if (mp->line.len > 0) {
			process_line(mp, mp->line.data, mp->line.len, 0, true);
			mp->off += mp->line.len;
			buf_reset(&mp->line);
		}
		process_line(mp, s, n, 0, true);
		mp->off += n;
		return;
	}
	(void)buf_append(&mp->line, s, n);
}

/* Finish the pending line with n more bytes (its end included). */
static void
complete(struct mime_parser *mp, const char *s, size_t n, size_t eol)
{
	if (mp->in_long || mp->line.len + n > mp->lim.line) {
		if (!mp->in_long) {
			mp->in_long = true;
			if (mp->line.len > 0) {
				process_line(mp, mp->line.data, mp->line.len,
				    0, true);
				mp->off += mp->line.len;
				buf_reset(&mp->line);
			}
		}
		if (n > eol) {
			process_line(mp, s, n - eol, 0, true);
			mp->off += n - eol;
		}
		line(mp, s + n - eol, eol, eol);
		return;
	}
	(void)buf_append(&mp->line, s, n);
	line(mp, mp->line.data, mp->line.len, eol);
	buf_reset(&mp->line);
}

int
mime_parser_feed(struct mime_parser *mp, const char *data, size_t len)
{
	size_t	i = 0, cr_at = 0;
	bool	cr_known = false, cr_none = false;

	if (mp->finished)
		return -1;
	if (len == 0)
		return 0;
	if (mp->line.len > 0 && mp->line.data[mp->line.len - 1] == '\r') {
		/* the last piece ended in CR: CRLF or a lone CR? */
		if (data[0] == '\n') {
			complete(mp, data, 1, 2);
			i = 1;
		} else {
			buf_truncate(&mp->line, mp->line.len - 1);
			complete(mp, "\r", 1, 1);
		}
	}
	while (i < len) {
		const char *s = data + i;
		size_t n = len - i, e, eol;

		if (mp->line.len == 0 && !mp->in_long && !mp->slow &&
		    fast_leaf(mp)) {
			size_t k = skip_body(mp, s, n);

			if (k > 0) {
				struct mime_part *p = top(mp)->part;

				p->body_end = mp->off + k;
				p->tail_eol = (k >= 2 && s[k - 2] == '\r') ? 2 : 1;
				mp->off += k;
				i += k;
				continue;
			}
		}
		const char *nl = memchr(s, '\n', n);
		size_t lim = nl ? (size_t)(nl - s) : n;

		/* find a CR before the LF; remember where the next CR is so
		 * that LF-only input is not scanned again for every line */
		if (!cr_none && (!cr_known || cr_at < i)) {
			const char *cr = memchr(s, '\r', n);

			cr_known = true;
			if (cr == NULL)
				cr_none = true;
			else
				cr_at = (size_t)(cr - data);
		}
		if (!cr_none && cr_at - i < lim) {
			if (cr_at + 1 == len)
				break;		/* CR at the end: wait */
			if (data[cr_at + 1] == '\n') {
				e = cr_at - i + 2;
				eol = 2;
			} else {
				e = cr_at - i + 1;
				eol = 1;
			}
		} else if (nl != NULL) {
			e = lim + 1;
			eol = 1;
		} else
			break;
		if (mp->line.len > 0 || mp->in_long)
			complete(mp, s, e, eol);
		else if (e > mp->lim.line) {
			mp->in_long = true;
			keep(mp, s, e - eol);
			line(mp, s + e - eol, eol, eol);
		} else
			line(mp, s, e, eol);
		i += e;
	}
	if (i < len)
		keep(mp, data + i, len - i);
	return 1;
}

struct mime_part *
mime_parser_finish(struct mime_parser *mp)
{
	if (mp->finished)
		return NULL;
	if (mp->line.len > 0) {
		size_t n = mp->line.len;

		line(mp, mp->line.data, n, mp->line.data[n - 1] == '\r');
		buf_reset(&mp->line);
	}
	while (mp->depth > 0)
		frame_eof(mp, mp->off);
	mp->finished = true;
	return mp->root;
}

struct mime_part *
mime_parse(const char *s, size_t len, const struct mime_limits *lim)
{
	struct mime_parser *mp = mime_parser_new(lim);
	struct mime_part *r;

	(void)mime_parser_feed(mp, s, len);
	r = mime_parser_finish(mp);
	mime_parser_free(mp);
	return r;
}

const char *
mime_part_param(const struct mime_part *p, const char *name, bool disp)
{
	const struct mime_param *v = disp ? p->dparams : p->params;
	size_t	n = disp ? p->ndparams : p->nparams, i;

	for (i = 0; i < n; i++)
		if (slice_eq_ci(v[i].name, strlen(v[i].name), name))
			return v[i].value;
	return NULL;
}

struct mime_part *
mime_part_walk(struct mime_part *root, struct mime_part *p)
{
	if (p == NULL)
		return root;
	if (p->first_child != NULL)
		return p->first_child;
	while (p != NULL && p != root) {
		if (p->next != NULL)
			return p->next;
		p = p->parent;
	}
	return NULL;
}

int
mime_part_path(const struct mime_part *p, struct buf *out)
{
	const struct mime_part *q;
	unsigned *idx;
	size_t	n = 0, k = 0;
	int	r = 0;

	for (q = p; q != NULL && q->parent != NULL; q = q->parent)
		n++;
	if (n == 0)
		return buf_append(out, "", 0);
	idx = xmalloc(n * sizeof(*idx));
	for (q = p; q != NULL && q->parent != NULL; q = q->parent)
		idx[k++] = q->index;
	while (n-- > 0 && r == 0)
		r = buf_printf(out, "%u%s", idx[n], n > 0 ? "." : "");
	free(idx);
	return r;
}

static int
decode(const struct mime_part *p, const char *msg, size_t msglen,
    struct buf *out, unsigned *b64_r)
{
	const char *s;
	size_t	n;
	unsigned d = 0, pyd = 0;

	*b64_r = 0;
	/* a container has children, not a body; but an encoded message/ *
	 * (RFC 6532 3.5 allows it for message/global; Outlook does it for
	 * message/rfc822) can be decoded so that it can be read */
	if (p->is_multipart || (p->is_message && p->cte != MIME_CTE_BASE64 &&
	    p->cte != MIME_CTE_QP && p->cte != MIME_CTE_UUENCODE))
		return -1;
	if (p->body_start > msglen)
		return 0;
	s = msg + p->body_start;
	n = (p->body_end < msglen ? p->body_end : msglen) - p->body_start;
	switch (p->cte) {
	case MIME_CTE_QP:
		return qp_decode(s, n, out, &d);
	case MIME_CTE_BASE64:
		if (base64_decode(s, n, out, &d, &pyd) == -1)
			return -1;
		*b64_r = pyd;
		return 0;
	case MIME_CTE_UUENCODE:
		return uu_decode(s, n, out, &d, NULL);
	default:
		return buf_append(out, s, n);
	}
}

int
mime_part_decode(const struct mime_part *p, const char *msg, size_t msglen,
    struct buf *out)
{
	unsigned d;

	return decode(p, msg, msglen, out, &d);
}

int
mime_part_decode_defects(struct mime_part *p, const char *msg,
    size_t msglen, struct buf *out)
{
	unsigned d;
	int	r = decode(p, msg, msglen, out, &d);

	if (d & BASE64_PY_CHARACTERS)
		defect(p, MIME_DEFECT_BASE64_CHARACTERS, p->body_start);
	if (d & BASE64_PY_PADDING)
		defect(p, MIME_DEFECT_BASE64_PADDING, p->body_start);
	if (d & BASE64_PY_LENGTH)
		defect(p, MIME_DEFECT_BASE64_LENGTH, p->body_start);
	return r;
}

int
mime_part_decode_text(const struct mime_part *p, const char *msg,
    size_t msglen, struct buf *out)
{
	struct buf raw;
	const char *cs = mime_part_param(p, "charset", false);
	enum charset_result res = CHARSET_RET_OK;
	int	r;

	buf_init(&raw, out->max);
	if (mime_part_decode(p, msg, msglen, &raw) == -1 && raw.len == 0 &&
	    (p->is_multipart || p->is_message)) {
		buf_clear(&raw);
		return -1;
	}
	if (cs != NULL) {
		/* Python strips the value: "utf-8 " is utf-8 */
		while (*cs == ' ' || *cs == '\t')
			cs++;
	}
	r = charset_to_utf8(cs && *cs ? cs : "us-ascii", raw.data ? raw.data :
	    "", raw.len, out, 0, &res);
	buf_clear(&raw);
	if (r == -1)
		return -1;
	return res == CHARSET_RET_UNKNOWN ? 0 : 1;
}
