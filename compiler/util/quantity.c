/*
 * quantity.c - the range of a Kubernetes quantity, exactly as the API server
 * keeps it.
 *
 * k8s.io/apimachinery/pkg/api/resource/quantity.go: "No matter which of the
 * three exponent forms is used, no quantity may represent a number greater
 * than 2^63-1 in magnitude [...]. Numbers larger or more precise will be
 * capped or rounded up." ParseQuantity does not fail on such a number: it
 * caps it at maxAllowed, inf.NewDec((1<<63)-1, 0), after scaling by the
 * suffix. `99999999999999999999Ei` in quota.yaml is therefore applied as
 * 9223372036854775807, not as written: opsc refuses it instead.
 *
 * The number is checked as text, not as a double: the digits are shifted
 * by the decimal exponent (of the suffix, or of an `e` exponent), then
 * multiplied by the binary one in 128-bit arithmetic.
 */
#include "units.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INT64 9223372036854775807ull

/* Digits of the integer part with every leading zero removed, and of the
 * fraction with every trailing zero removed. */
typedef struct {
	char digits[64];
	int point; /* digits before the decimal point (may be < 0 or > len) */
	int len;
} decimal;

/* Appends the digits of `s` (no more than fit: a longer one is too large or
 * finer than any range, and is caught by the length checks). */
static void put(decimal *d, const char *s, size_t n, bool integer)
{
	for (size_t i = 0; i < n; i++) {
		if (integer && d->len == 0 && s[i] == '0') /* leading zero */
			continue;
		if (d->len < (int)sizeof d->digits - 1)
			d->digits[d->len++] = s[i];
		else if (!integer) /* a fraction this long is far below one unit */
			break;
		if (integer)
			d->point++;
	}
}

/* The digits of "I[.F][e[+-]X]" as `decimal`; false if not that form (a hex
 * number, "1.2.3", a bare "e"). */
static bool parse_number(const char *t, size_t n, decimal *d)
{
	size_t i = strspn(t, "0123456789");
	*d = (decimal){ .point = 0 };
	if (i == 0 || i > n)
		return false;
	put(d, t, i, true);
	if (i < n && t[i] == '.') {
		size_t f = strspn(t + i + 1, "0123456789");
		if (i + 1 + f > n)
			f = n - i - 1;
		size_t z = 0;
		if (d->len == 0) /* 0.001: the point moves left of the first digit */
			for (; z < f && t[i + 1 + z] == '0'; z++)
				d->point--;
		put(d, t + i + 1 + z, f - z, false);
		i += 1 + f;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		char *end;
		long x = strtol(t + i + 1, &end, 10);
		if (end == t + i + 1 || (size_t)(end - t) != n || x > 1000 || x < -1000)
			return false;
		d->point += (int)x;
		i = n;
	}
	while (d->len > 0 && d->digits[d->len - 1] == '0')
		d->len--;
	if (d->len == 0)
		d->point = 0;
	return i == n;
}

/* The integer part of d * 10^e10 * 2^e2 compared with 2^63-1: whether it
 * is greater (a fraction left over at exactly 2^63-1 also is). */
static bool over_max(const decimal *d, int e10, int e2)
{
	int point = d->point + e10;
	if (d->len == 0 || point <= 0)
		return false; /* zero, or below one unit: * 2^60 stays below 2^63 */
	if (point > 19 + 1)
		return true; /* at least 10^20 before the binary factor */
	/* integer part and fraction of d * 10^e10, as mantissa / 10^fd */
	unsigned __int128 m = 0, limit = (unsigned __int128)MAX_INT64;
	int fd = d->len > point ? d->len - point : 0;
	if (fd > 18)
		fd = 18; /* finer digits cannot lift a value over the limit by a unit */
	for (int k = 0; k < point + fd; k++)
		m = m * 10 + (unsigned)(k < d->len ? d->digits[k] - '0' : 0);
	unsigned __int128 scale = 1;
	for (int k = 0; k < fd; k++)
		scale *= 10;
	/* m * 2^e2 > limit * scale, without overflow: m < 10^38, e2 <= 60 */
	if (e2 && m > ((~(unsigned __int128)0) >> e2))
		return true;
	m <<= e2;
	/* digits beyond the 18 kept are a fraction that is not zero */
	return m > limit * scale || (m == limit * scale && d->len - point > fd);
}

bool opsc_units_quantity_in_range(const char *number, size_t len, int e10, int e2, const char **why)
{
	decimal d;
	if (!parse_number(number, len, &d)) {
		*why = "a quantity is decimal digits with an optional fraction, exponent (`e3`) or suffix";
		return false;
	}
	if (over_max(&d, e10, e2)) {
		*why = "over 2^63-1 (9223372036854775807) after its suffix, the largest quantity the "
		       "Kubernetes API keeps (it would cap the value, not apply it)";
		return false;
	}
	return true;
}
