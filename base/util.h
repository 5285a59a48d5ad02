/* SPDX-License-Identifier: MIT */
/* Fatal-on-failure allocation and checked number parsing. */
#ifndef PROTO_UTIL_H
#define PROTO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is fatal: the hook (set by main.c to end curses
 * first) is called, then the process exits with status 3. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Called before exiting on allocation failure; may be NULL. */
extern void (*util_fatal_hook)(void);

/* Parse len bytes of decimal digits (nothing else) into *v_r, which must
 * not exceed max. 0 on success, -1 on empty input, a non-digit or overflow. */
int	parse_uint(const char *, size_t len, uint64_t max, uint64_t *v_r);
/* Value of one hexadecimal digit (either case), or -1. */
int	util_hexval(char);
/* ASCII case-insensitive comparison of a slice with a C string. */
bool	slice_eq_ci(const char *, size_t, const char *);

#endif
