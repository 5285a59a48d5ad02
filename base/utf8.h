/* SPDX-License-Identifier: MIT */
/* The one UTF-8 decoder (RFC 3629) and encoder every layer uses. */
#ifndef BASE_UTF8_H
#define BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the sequence at the start of s (n > 0 bytes). Returns 1 for a
 * valid sequence: *len_r its length (1..4), *cp_r its code point. Returns
 * -1 for an invalid one (RFC 3629 3: overlong forms, surrogates, code
 * points past U+10FFFF, a bad lead or continuation byte): *len_r is the
 * length of its maximal subpart (1..3, Unicode 15 3.9 D93b: what one
 * U+FFFD replaces) and *cp_r is U+FFFD. Returns 0 when s is a valid but
 * unfinished start of a sequence cut off by the end of the input (more
 * bytes may complete it): *len_r is n, *cp_r is U+FFFD. */
int	utf8_decode(const char *s, size_t n, uint32_t *cp_r, size_t *len_r);
/* Encode cp as UTF-8 into out (room for 4 bytes); a surrogate or a value
 * past U+10FFFF is written as U+FFFD. Returns the length (1..4). */
size_t	utf8_encode(uint32_t cp, char *out);

#endif
