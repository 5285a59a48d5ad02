/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/date.c: RFC 5322 dates, obsolete forms, ISO 8601 output. */
#include <string.h>

#include "proto/date.h"
#include "tests/unit/harness.h"

static const struct {
	const char	*in;
	const char	*iso;		/* NULL: not a date */
	long long	 ts;
} cases[] = {
	/* RFC 5322 3.3, with a comment after the zone */
	{ "Fri, 20 Apr 2001 20:18:00 -0400 (EDT)", "2001-04-20T20:18:00-04:00",
	  987812280 },
	/* no day name, no seconds */
	{ "5 May 1995 03:57 +0100", "1995-05-05T03:57:00+01:00", 799642620 },
	/* RFC 5322 4.3 obsolete zone names */
	{ "Thu, 24 Oct 91 11:44:49 EDT", "1991-10-24T11:44:49-04:00",
	  688319089 },
	{ "Fri, 10 Jul 2016 15:29:52 GMT", "2016-07-10T15:29:52+00:00",
	  1468164592 },
	/* RFC 5322 3.3: -0000 says nothing about the zone */
	{ "1 Jan 2000 00:00:00 -0000", "2000-01-01T00:00:00", 946684800 },
	/* an unknown zone name is no zone either */
	{ "1 Jan 2000 00:00:00 XYZ", "2000-01-01T00:00:00", 946684800 },
	/* 2-digit years: 69..99 are 19xx, 00..68 are 20xx (RFC 5322 4.3) */
	{ "Mon, 09 Feb 04 23:17:44 GMT", "2004-02-09T23:17:44+00:00",
	  1076368664 },
	{ "1 Jan 69 00:00 +0000", "1969-01-01T00:00:00+00:00", -31536000 },
	/* RFC 850 style */
	{ "Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37+00:00",
	  784111777 },
	/* month and day swapped, full month name */
	{ "Wed, January 3 2001 10:00:00 +0000", "2001-01-03T10:00:00+00:00",
	  978516000 },
	/* zone glued to the time */
	{ "1 Jan 2000 10:00:00+0200", "2000-01-01T10:00:00+02:00",
	  946713600 },
	/* '.' as the time separator */
	{ "1 Jan 2000 10.30 +0000", "2000-01-01T10:30:00+00:00", 946722600 },
	/* not dates */
	{ "", NULL, 0 },
	{ "yesterday", NULL, 0 },
	{ "32 Jan 2000 10:00:00 +0000", NULL, 0 },	/* no such day */
	{ "29 Feb 2001 10:00:00 +0000", NULL, 0 },	/* not a leap year */
	{ "1 Foo 2000 10:00:00 +0000", NULL, 0 },	/* no such month */
	{ "1 Jan 2000 25:00:00 +0000", NULL, 0 },	/* no such hour */
	{ "1 Jan 2000 10:00:00 +9999", NULL, 0 },	/* zone past a day */
	{ "1 Jan 2000 10:00:60 +0000", NULL, 0 },	/* leap second */
};

static void
test_dates(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct date_value d;
		int r = date_parse(cases[i].in, strlen(cases[i].in), &d);

		if (cases[i].iso == NULL) {
			CHECK_INT(r, -1);
			continue;
		}
		CHECK_INT(r, 0);
		if (r == 0) {
			struct buf b;

			buf_init(&b, 64);
			CHECK_INT(date_iso(&d, &b), 0);
			CHECK_STR(b.data, cases[i].iso);
			CHECK_INT(d.timestamp, cases[i].ts);
			buf_clear(&b);
		}
	}
}

/* Day counting across leap years and before the epoch. */
static void
test_days(void)
{
	CHECK_INT(date_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(date_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(date_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(date_days_from_civil(1600, 2, 29), -135081);
}

/* Zones keep their sign and minutes. */
static void
test_zone(void)
{
	struct date_value d;

	CHECK_INT(date_parse("1 Jan 2000 00:00 -0930", 22, &d), 0);
	CHECK(d.has_zone);
	CHECK_INT(d.zone, -570);
	CHECK_INT(date_parse("1 Jan 2000 00:00 +0545", 22, &d), 0);
	CHECK_INT(d.zone, 345);
}

static const struct test tests[] = {
	{ "dates", test_dates },
	{ "days", test_days },
	{ "zone", test_zone },
};

TEST_MAIN("date", tests)
