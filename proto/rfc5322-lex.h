/* SPDX-License-Identifier: MIT */
/* The lexical layer of RFC 5322 3.2 (white space, comments, quoted strings,
 * domain literals, atoms) that the address and parameter parsers share. */
#ifndef PROTO_RFC5322_LEX_H
#define PROTO_RFC5322_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* RFC 5234 WSP: space or horizontal tab. */
bool	rfc5322_is_wsp(char c);
/* WSP, CR or LF: folding white space in a value not yet unfolded. */
bool	rfc5322_is_fws(char c);
/* The index just past the run of FWS characters starting at at (at
 * itself when there is none). */
size_t	rfc5322_fws_end(const char *s, size_t len, size_t at);
/* s[at] is '(': the index just past the comment that starts there (RFC
 * 5322 3.2.2: comments nest, a backslash quotes the next character). A
 * comment the input ends inside runs to len and sets *closed_r false;
 * else *closed_r is true. closed_r may be NULL. */
size_t	rfc5322_comment_end(const char *s, size_t len, size_t at,
	    bool *closed_r);
/* The index just past a run of FWS and comments starting at at (CFWS);
 * *closed_r (may be NULL) false when a comment was not closed. */
size_t	rfc5322_cfws_end(const char *s, size_t len, size_t at,
	    bool *closed_r);
/* s[at] is '"': the index just past the closing quote, or len with
 * *closed_r false when there is none (closed_r may be NULL). When
 * content is not NULL the text between the quotes is appended to it with
 * each quoted-pair undone and CR and LF dropped (RFC 5322 3.2.4: folding
 * inside a quoted string is not part of it); a backslash that ends the
 * input is kept. Appends past content's cap are dropped. */
size_t	rfc5322_quoted_end(const char *s, size_t len, size_t at,
	    struct buf *content, bool *closed_r);
/* s[at] is '[': the index just past the ']' of the domain literal, or
 * len when there is none (RFC 5322 3.4.1). */
size_t	rfc5322_dlit_end(const char *s, size_t len, size_t at);
/* The index after a run of characters that are neither FWS nor NUL nor
 * one of stops (an atom, or a dot-atom when stops lacks '.'); at itself
 * when s[at] stops it. */
size_t	rfc5322_word_end(const char *s, size_t len, size_t at,
	    const char *stops);

#endif
