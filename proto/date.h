/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.3 dates (and the obsolete forms of 4.3) to a timestamp with the zone kept. */
#ifndef PROTO_DATE_H
#define PROTO_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct date_value {
	int	 year, month, day;	/* as written (2-digit years widened) */
	int	 hour, minute, second;
	bool	 has_zone;	/* false for -0000 and unknown zone names
				 * (RFC 5322 3.3: no information) */
	int	 zone;		/* minutes east of UTC */
	int64_t	 timestamp;	/* seconds since 1970 UTC (local time as
				 * UTC when there is no zone) */
};

/* Parse a Date value the way Python's email.utils.parsedate_to_datetime
 * does (tolerant: day name optional, RFC 850 dates, obsolete zone names,
 * '.' as time separator, 2-digit years). 0, or -1 when it is not a date
 * or names an impossible time. */
int	date_parse(const char *, size_t, struct date_value *d_r);
/* Append the date as ISO 8601 like Python's datetime.isoformat():
 * "2001-04-20T20:18:00-04:00", without the offset when has_zone is false.
 * 0 or -1 (out full). */
int	date_iso(const struct date_value *, struct buf *out);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	date_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
