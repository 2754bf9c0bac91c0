#include "units.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	char unit;
	int64_t seconds;
} duration_units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };

bool opsc_units_duration(const char *t, int64_t *out, const char **why)
{
	int64_t total = 0;
	if (!*t) {
		*why = "empty duration";
		return false;
	}
	while (*t) {
		if (!isdigit((unsigned char)*t)) {
			*why = "a duration is a number followed by s, m, h, d or w, like 5m or 1h30m";
			return false;
		}
		int64_t n = 0;
		while (isdigit((unsigned char)*t)) {
			if (n > INT64_MAX / 10 - 10) {
				*why = "the duration is too large";
				return false;
			}
			n = n * 10 + (*t++ - '0');
		}
		size_t u = 0;
		while (u < sizeof duration_units / sizeof *duration_units && duration_units[u].unit != *t)
			u++;
		if (u == sizeof duration_units / sizeof *duration_units || (t[0] == 'm' && t[1] == 's')) {
			*why = "unknown duration unit: use s, m, h, d or w";
			return false;
		}
		t++;
		if (n > (INT64_MAX - total) / duration_units[u].seconds) {
			*why = "the duration is too large";
			return false;
		}
		total += n * duration_units[u].seconds;
	}
	*out = total;
	return true;
}

/* Each suffix's factor, and the same as powers of 10 and 2 for the exact
 * range check. */
static const struct {
	const char *suffix;
	double factor;
	int e10, e2;
} quantity_suffixes[] = {
	{ "m", 1e-3, -3, 0 }, { "", 1, 0, 0 }, { "k", 1e3, 3, 0 }, { "M", 1e6, 6, 0 },
	{ "G", 1e9, 9, 0 }, { "T", 1e12, 12, 0 }, { "P", 1e15, 15, 0 }, { "E", 1e18, 18, 0 },
	{ "Ki", 1024.0, 0, 10 }, { "Mi", 1048576.0, 0, 20 }, { "Gi", 1073741824.0, 0, 30 },
	{ "Ti", 1099511627776.0, 0, 40 }, { "Pi", 1125899906842624.0, 0, 50 },
	{ "Ei", 1152921504606846976.0, 0, 60 },
};

bool opsc_units_quantity(const char *t, double *out, const char **why)
{
	char *end;
	if (!isdigit((unsigned char)*t)) {
		*why = "a quantity is a number with an optional suffix, like 500m, 2 or 64Gi";
		return false;
	}
	double v = strtod(t, &end);
	for (size_t i = 0; i < sizeof quantity_suffixes / sizeof *quantity_suffixes; i++) {
		if (strcmp(end, quantity_suffixes[i].suffix) == 0) {
			if (!opsc_units_quantity_in_range(t, (size_t)(end - t), quantity_suffixes[i].e10,
							  quantity_suffixes[i].e2, why))
				return false;
			*out = v * quantity_suffixes[i].factor * 1000.0;
			return true;
		}
	}
	*why = "unknown quantity suffix: use m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi or Ei";
	return false;
}

/* A computed quantity (a sum of requests) as a person writes one: the
 * largest binary suffix that divides it (1280Mi), else a decimal suffix
 * (1.5G), else the number (2.1, 500m under 1). */
void opsc_units_quantity_format(char *buf, size_t cap, double milli)
{
	double base = milli / 1000.0;
	if (base == 0 || !isfinite(base)) {
		snprintf(buf, cap, "%g", base);
		return;
	}
	if (fabs(base) < 1 && fmod(milli, 1.0) == 0) {
		snprintf(buf, cap, "%.0fm", milli);
		return;
	}
	for (int i = (int)(sizeof quantity_suffixes / sizeof *quantity_suffixes) - 1; i >= 0; i--) {
		double f = quantity_suffixes[i].factor;
		if (quantity_suffixes[i].e2 && fabs(base) >= f && fmod(base, f) == 0) {
			snprintf(buf, cap, "%.0f%s", base / f, quantity_suffixes[i].suffix);
			return;
		}
	}
	for (int i = (int)(sizeof quantity_suffixes / sizeof *quantity_suffixes) - 1; i >= 0; i--) {
		double f = quantity_suffixes[i].factor;
		if (!quantity_suffixes[i].e2 && quantity_suffixes[i].e10 >= 3 && fabs(base) >= f) {
			snprintf(buf, cap, "%.6g%s", base / f, quantity_suffixes[i].suffix);
			return;
		}
	}
	snprintf(buf, cap, "%.6g", base);
}

const char *opsc_units_protocol(const char *t)
{
	static const char *const protocols[] = { "TCP", "UDP", "SCTP" };
	for (size_t i = 0; i < 3; i++)
		if (strcasecmp(t, protocols[i]) == 0)
			return protocols[i];
	return NULL;
}

/* ------------------------------------------------------------------- cron */

typedef struct {
	const char *name;
	int lo, hi;
	const char *const *names; /* JAN.., SUN.. */
} cron_field;

static const char *const months[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL };
static const char *const days[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL };

static const cron_field cron_fields[5] = {
	{ "minute", 0, 59, NULL }, { "hour", 0, 23, NULL }, { "day-of-month", 1, 31, NULL },
	{ "month", 1, 12, months }, { "day-of-week", 0, 7, days },
};

static const struct {
	const char *macro, *expansion;
} cron_macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
	{ "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

static bool cron_value(const cron_field *f, const char **p, int *out)
{
	if (isdigit((unsigned char)**p)) {
		long v = strtol(*p, (char **)p, 10);
		if (v < f->lo || v > f->hi)
			return false;
		*out = (int)v;
		return true;
	}
	for (int i = 0; f->names && f->names[i]; i++) {
		if (strncasecmp(*p, f->names[i], 3) == 0) {
			*p += 3;
			*out = i + f->lo;
			return true;
		}
	}
	return false;
}

/* Parses one field into a bitmap of allowed values. */
static bool cron_parse_field(const cron_field *f, const char *s, size_t len, uint64_t *bits)
{
	char buf[64];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*bits = 0;
	for (char *save = NULL, *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		const char *p = part;
		int lo = f->lo, hi = f->hi, step = 1;
		if (*p == '*') {
			p++;
		} else {
			if (!cron_value(f, &p, &lo))
				return false;
			hi = lo;
			if (*p == '-') {
				p++;
				if (!cron_value(f, &p, &hi) || hi < lo)
					return false;
			}
		}
		if (*p == '/') {
			char *end;
			step = (int)strtol(p + 1, &end, 10);
			if (step < 1 || end == p + 1)
				return false;
			p = end;
			if (hi == lo && part[0] != '*')
				hi = f->hi;
		}
		if (*p)
			return false;
		for (int v = lo; v <= hi; v += step)
			*bits |= 1ull << v;
	}
	return true;
}

typedef struct {
	uint64_t bits[5];
} cron_spec;

static const char *cron_expand(const char *text)
{
	for (size_t i = 0; i < sizeof cron_macros / sizeof *cron_macros; i++)
		if (strcmp(text, cron_macros[i].macro) == 0)
			return cron_macros[i].expansion;
	return text;
}

static bool cron_parse(const char *text, cron_spec *spec, char *why, size_t whylen)
{
	const char *p = cron_expand(text);
	if (strncmp(p, "CRON_TZ=", 8) == 0 || strncmp(p, "TZ=", 3) == 0) {
		snprintf(why, whylen, "give the time zone with `timezone = \"...\"`, not in the schedule");
		return false;
	}
	for (int i = 0; i < 5; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p == start) {
			snprintf(why, whylen, "a cron schedule has 5 fields (minute hour day-of-month month day-of-week); the %s field is missing", cron_fields[i].name);
			return false;
		}
		if (!cron_parse_field(&cron_fields[i], start, (size_t)(p - start), &spec->bits[i])) {
			snprintf(why, whylen, "%s field `%.*s` is not valid: use numbers %d-%d, `*`, ranges a-b, steps */n or lists a,b",
				 cron_fields[i].name, (int)(p - start), start, cron_fields[i].lo, cron_fields[i].hi);
			return false;
		}
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p) {
		snprintf(why, whylen, "a cron schedule has 5 fields (minute hour day-of-month month day-of-week); `%s` is one too many", p);
		return false;
	}
	if (spec->bits[4] & (1ull << 7))
		spec->bits[4] |= 1; /* 7 is Sunday too */
	return true;
}

bool opsc_units_cron(const char *text, char *why, size_t whylen)
{
	cron_spec spec;
	return cron_parse(text, &spec, why, whylen);
}

static int days_in_month(int m, int y)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && y % 4 == 0 ? 29 : d[m - 1];
}

static const char *const month_names[] = { "January", "February", "March", "April", "May", "June", "July",
					    "August", "September", "October", "November", "December" };

/* A day of month is restricted only when day of week is not: with both
 * restricted cron runs on either, so a weekday always comes. Otherwise the
 * schedule runs when some month it names has some day it names (the 29th
 * of February in leap years). */
bool opsc_units_cron_never(const char *text, char *why, size_t whylen)
{
	cron_spec s;
	if (!cron_parse(text, &s, why, whylen))
		return false;
	bool dom_star = s.bits[2] == 0xFFFFFFFEull, dow_star = (s.bits[4] & 0x7F) == 0x7F;
	if (dom_star || !dow_star)
		return false;
	int first = 1;
	while (!(s.bits[2] >> first & 1))
		first++;
	size_t n = (size_t)snprintf(why, whylen, "day %d of the month never falls in", first);
	const char *sep = " ";
	for (int m = 1; m <= 12; m++) {
		if (!(s.bits[3] >> m & 1))
			continue;
		if (days_in_month(m, 0) >= first)
			return false;
		if (n < whylen)
			n += (size_t)snprintf(why + n, whylen - n, "%s%s", sep, month_names[m - 1]);
		sep = ", ";
	}
	return true;
}

/* Walks every minute of five years from a Monday, Jan 1st of a leap year,
 * so yearly and leap-day schedules see two firings; cron's day-of-month /
 * day-of-week OR rule applies when both are restricted. */
int64_t opsc_units_cron_max_interval(const char *text)
{
	cron_spec s;
	char why[8];
	if (!cron_parse(text, &s, why, sizeof why))
		return 0;
	/* The minutes of a day it fires at are the same every day: find them
	 * once, then walk days, not minutes. */
	int64_t day_first = -1, day_last = -1, gap = 0;
	for (int h = 0, prev = -1; h < 24; h++)
		for (int mi = 0; mi < 60; mi++) {
			if (!(s.bits[1] >> h & 1) || !(s.bits[0] >> mi & 1))
				continue;
			int at = h * 60 + mi;
			if (prev >= 0 && at - prev > gap)
				gap = at - prev;
			if (day_first < 0)
				day_first = at;
			day_last = prev = at;
		}
	if (day_first < 0)
		return 0;
	bool dom_star = s.bits[2] == 0xFFFFFFFEull, dow_star = (s.bits[4] & 0x7F) == 0x7F;
	int64_t day_start = 0, last = -1;
	int wday = 1;
	for (int y = 0; y < 5; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= days_in_month(m, y); d++, wday = (wday + 1) % 7, day_start += 1440) {
				bool dom = s.bits[2] >> d & 1, dow = s.bits[4] >> wday & 1;
				bool day = (dom_star || dow_star) ? (dom && dow) : (dom || dow);
				if (!(s.bits[3] >> m & 1) || !day)
					continue;
				if (last >= 0 && day_start + day_first - last > gap)
					gap = day_start + day_first - last;
				last = day_start + day_last;
			}
	if (last < 0)
		return 0;
	return gap * 60;
}

bool opsc_units_cidr(const char *text)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= sizeof buf)
		return false;
	memcpy(buf, text, (size_t)(slash - text));
	buf[slash - text] = '\0';
	unsigned char addr[16];
	int family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, buf, addr) != 1)
		return false;
	char *end;
	long bits = strtol(slash + 1, &end, 10);
	return *end == '\0' && end != slash + 1 && bits >= 0 && bits <= (family == AF_INET ? 32 : 128);
}

bool opsc_units_dns_label(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 63 || t[0] == '-' || t[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)t[i]) || isdigit((unsigned char)t[i]) || t[i] == '-'))
			return false;
	return true;
}
