/* SPDX-License-Identifier: MIT */
/* A tiny test harness: table of tests, CHECK macros, "N passed, N failed". */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <stddef.h>
#include <string.h>

struct test {
	const char	*name;
	void		(*fn)(void);
};

void	harness_fail(const char *file, int line, const char *what);
/* Run every test; print "PASS: name" / "FAIL: name" lines, then
 * "N passed, N failed". Returns the exit status (0 when none failed). */
int	harness_run(const char *suite, const struct test *, size_t n);
/* Fill buf with a random split schedule: deterministic per seed. */
unsigned harness_rand(unsigned *seed);

#define CHECK(c) do {							\
	if (!(c))							\
		harness_fail(__FILE__, __LINE__, #c);			\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)		\
		harness_fail_str(__FILE__, __LINE__, #a, a_, b_);	\
} while (0)

#define CHECK_INT(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_)							\
		harness_fail_int(__FILE__, __LINE__, #a, a_, b_);	\
} while (0)

void	harness_fail_str(const char *, int, const char *, const char *,
	    const char *);
void	harness_fail_int(const char *, int, const char *, long long,
	    long long);

#define TEST_MAIN(suite, tests)						\
int									\
main(void)								\
{									\
	return harness_run(suite, tests, sizeof(tests) / sizeof(tests[0])); \
}

#endif
