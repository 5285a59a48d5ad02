/* SPDX-License-Identifier: MIT */
/* libFuzzer target: RFC 5322 dates. A date that parses names a possible
 * time, its timestamp agrees with its fields, and its ISO form is written. */
#include <stdint.h>

#include "proto/date.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct date_value d;
	struct buf b;
	int64_t t;

	if (date_parse((const char *)data, size, &d) != 0)
		return 0;
	if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 ||
	    d.hour < 0 || d.hour > 23 || d.minute < 0 || d.minute > 59 ||
	    d.second < 0 || d.second > 60 || d.zone < -24 * 60 ||
	    d.zone > 24 * 60)
		__builtin_trap();
	t = date_days_from_civil(d.year, (unsigned)d.month, (unsigned)d.day) *
	    86400 + d.hour * 3600 + d.minute * 60 + d.second -
	    (d.has_zone ? d.zone * 60 : 0);
	if (t != d.timestamp)
		__builtin_trap();
	buf_init(&b, 64);
	if (date_iso(&d, &b) != 0)
		__builtin_trap();
	buf_clear(&b);
	return 0;
}
