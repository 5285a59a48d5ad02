/* SPDX-License-Identifier: MIT */
/* The unit-test harness behind harness.h. */
#include <stdio.h>

#include "tests/unit/harness.h"

static int failures;

void
harness_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	failures++;
}

void
harness_fail_str(const char *file, int line, const char *what,
    const char *got, const char *want)
{
	fprintf(stderr, "  %s:%d: %s\n    got:  \"%s\"\n    want: \"%s\"\n",
	    file, line, what, got ? got : "(null)", want ? want : "(null)");
	failures++;
}

void
harness_fail_int(const char *file, int line, const char *what,
    long long got, long long want)
{
	fprintf(stderr, "  %s:%d: %s\n    got:  %lld\n    want: %lld\n",
	    file, line, what, got, want);
	failures++;
}

unsigned
harness_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

int
harness_run(const char *suite, const struct test *t, size_t n)
{
	size_t	i, passed = 0, failed = 0;

	for (i = 0; i < n; i++) {
		failures = 0;
		t[i].fn();
		if (failures == 0) {
			passed++;
			printf("PASS: %s: %s\n", suite, t[i].name);
		} else {
			failed++;
			printf("FAIL: %s: %s\n", suite, t[i].name);
		}
		fflush(stdout);
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
