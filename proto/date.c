/* SPDX-License-Identifier: MIT */
/* RFC 5322 3.3 / 4.3 dates, parsed as tolerantly as Python's email.utils. */
#include <stdio.h>
#include <string.h>

#include "proto/date.h"

struct tok {
	const char	*p;
	size_t		 n;
};

#define MAXTOK	8

static const char *const months[24] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
	"nov", "dec", "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december",
};
static const char *const days[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun",
};
/* RFC 5322 4.3 obsolete zones, as Python's _parseaddr knows them. */
static const struct {
	const char	*name;
	int		 hhmm;
} zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
	{ "ast", -400 }, { "adt", -300 }, { "est", -500 }, { "edt", -400 },
	{ "cst", -600 }, { "cdt", -500 }, { "mst", -700 }, { "mdt", -600 },
	{ "pst", -800 }, { "pdt", -700 },
};

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f' || (c >= 0x1c && c <= 0x1f);
}

static bool
eq_ci(struct tok t, const char *s)
{
	size_t	i, n = strlen(s);

	if (t.n != n)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != (unsigned char)s[i])
			return false;
	}
	return true;
}

static int
month_of(struct tok t)
{
	int	i;

	for (i = 0; i < 24; i++)
		if (eq_ci(t, months[i]))
			return i + 1;
	return 0;
}

/* Python's int(): optional sign, digits with single '_' between them. */
static bool
py_int(struct tok t, long long *v_r)
{
	size_t	i = 0;
	long long v = 0;
	bool	neg = false, digit = false;

	if (t.n > 0 && (t.p[0] == '+' || t.p[0] == '-')) {
		neg = t.p[0] == '-';
		i = 1;
	}
	for (; i < t.n; i++) {
		char c = t.p[i];

		if (c == '_' && digit && i + 1 < t.n && t.p[i + 1] >= '0' &&
		    t.p[i + 1] <= '9')
			continue;
		if (c < '0' || c > '9')
			return false;
		if (v > 100000000000LL)
			return false;
		v = v * 10 + (c - '0');
		digit = true;
	}
	if (!digit)
		return false;
	*v_r = neg ? -v : v;
	return true;
}

int64_t
date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(long long y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

int
date_parse(const char *s, size_t len, struct date_value *d_r)
{
	struct date_value *r = d_r;
	struct tok t[MAXTOK + 2], dd, mm, yy, tm, tz, parts[3];
	size_t	nt = 0, i = 0, np;
	long long y, d, hh, mi, ss = 0, off = 0;
	bool	has_off = false;
	int	mon;

	memset(r, 0, sizeof(*r));
	while (i < len) {
		size_t st;

		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		st = i;
		while (i < len && !is_space((unsigned char)s[i]))
			i++;
		if (nt < MAXTOK) {
			t[nt].p = s + st;
			t[nt].n = i - st;
		}
		nt++;
	}
	if (nt == 0)
		return -1;
	/* A day name (or anything ending in ',') is skipped. */
	{
		struct tok d0 = t[0];
		bool dayname = false;
		size_t k;

		for (k = 0; k < 7; k++)
			if (eq_ci(d0, days[k]))
				dayname = true;
		if (d0.p[d0.n - 1] == ',' || dayname) {
			memmove(t, t + 1, (MAXTOK - 1) * sizeof(t[0]));
			nt--;
		} else {
			for (k = d0.n; k > 0; k--)
				if (d0.p[k - 1] == ',') {
					t[0].p += k;
					t[0].n -= k;
					break;
				}
		}
	}
	if (nt == 3) {
		/* RFC 850: 20-Apr-01 */
		struct tok a = t[0], sp[4];
		size_t k, ns = 0, st = 0;

		for (k = 0; k <= a.n && ns < 4; k++)
			if (k == a.n || a.p[k] == '-') {
				sp[ns].p = a.p + st;
				sp[ns].n = k - st;
				ns++;
				st = k + 1;
			}
		if (ns == 3) {
			t[4] = t[2];
			t[3] = t[1];
			t[0] = sp[0];
			t[1] = sp[1];
			t[2] = sp[2];
			nt = 5;
		}
	}
	if (nt == 4) {
		struct tok z = t[3];
		size_t k, at = 0;

		for (k = 0; k < z.n; k++)
			if (z.p[k] == '+') {
				at = k;
				break;
			}
		if (k == z.n) {
			at = 0;
			for (k = 0; k < z.n; k++)
				if (z.p[k] == '-') {
					at = k;
					break;
				}
		}
		if (at > 0) {
			t[3].n = at;
			t[4].p = z.p + at;
			t[4].n = z.n - at;
		} else {
			t[4].p = "";
			t[4].n = 0;
		}
		nt = 5;
	}
	if (nt < 5)
		return -1;
	dd = t[0];
	mm = t[1];
	yy = t[2];
	tm = t[3];
	tz = t[4];
	if (dd.n == 0 || mm.n == 0 || yy.n == 0)
		return -1;
	if ((mon = month_of(mm)) == 0) {
		struct tok x = dd;

		dd = mm;
		mm = x;
		if ((mon = month_of(mm)) == 0)
			return -1;
	}
	if (mon > 12)
		mon -= 12;
	if (dd.p[dd.n - 1] == ',')
		dd.n--;
	if (memchr(yy.p, ':', yy.n) != NULL && yy.p[0] != ':') {
		struct tok x = yy;

		yy = tm;
		tm = x;
	}
	if (yy.n > 0 && yy.p[yy.n - 1] == ',') {
		yy.n--;
		if (yy.n == 0)
			return -1;
	}
	if (yy.n == 0 || yy.p[0] < '0' || yy.p[0] > '9') {
		struct tok x = yy;

		yy = tz;
		tz = x;
	}
	if (tm.n > 0 && tm.p[tm.n - 1] == ',')
		tm.n--;
	/* hh:mm[:ss], or hh.mm[.ss] from some MUAs */
	{
		char sep = memchr(tm.p, ':', tm.n) ? ':' : '.';
		size_t k, st = 0;

		np = 0;
		for (k = 0; k <= tm.n; k++)
			if (k == tm.n || tm.p[k] == sep) {
				if (np < 3) {
					parts[np].p = tm.p + st;
					parts[np].n = k - st;
				}
				np++;
				st = k + 1;
			}
		if (sep == '.' && np == 1)
			return -1;
		if (np != 2 && np != 3)
			return -1;
	}
	if (!py_int(yy, &y) || !py_int(dd, &d) || !py_int(parts[0], &hh) ||
	    !py_int(parts[1], &mi))
		return -1;
	if (np == 3 && !py_int(parts[2], &ss))
		return -1;
	if (y < 100)
		y += y > 68 ? 1900 : 2000;
	{
		size_t k;
		bool named = false;

		for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
			if (eq_ci(tz, zones[k].name)) {
				off = zones[k].hhmm;
				has_off = true;
				named = true;
			}
		if (!named && py_int(tz, &off)) {
			has_off = true;
			if (off == 0 && tz.p[0] == '-')
				has_off = false;	/* RFC 5322 3.3 -0000 */
		}
		if (has_off && off != 0) {
			long long a = off < 0 ? -off : off;

			if (a > 100000000)
				return -1;
			a = (a / 100) * 3600 + (a % 100) * 60;
			off = off < 0 ? -a : a;
		}
	}
	/* datetime() refuses impossible values: so do we. */
	if (y < 1 || y > 9999 || d < 1 || d > mdays(y, mon) || hh < 0 ||
	    hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return -1;
	if (has_off && (off <= -86400 || off >= 86400))
		return -1;
	r->year = (int)y;
	r->month = mon;
	r->day = (int)d;
	r->hour = (int)hh;
	r->minute = (int)mi;
	r->second = (int)ss;
	r->has_zone = has_off;
	r->zone = has_off ? (int)(off / 60) : 0;
	r->timestamp = date_days_from_civil(y, (unsigned)mon, (unsigned)d) *
	    86400 + hh * 3600 + mi * 60 + ss - (has_off ? off : 0);
	return 0;
}

int
date_iso(const struct date_value *d, struct buf *out)
{
	if (buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02d", d->year,
	    d->month, d->day, d->hour, d->minute, d->second) == -1)
		return -1;
	if (d->has_zone) {
		int z = d->zone < 0 ? -d->zone : d->zone;

		return buf_printf(out, "%c%02d:%02d", d->zone < 0 ? '-' : '+',
		    z / 60, z % 60);
	}
	return 0;
}
