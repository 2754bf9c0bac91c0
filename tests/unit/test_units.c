#include "testutil.h"

#include <string.h>

#include "suggest.h"
#include "units.h"

static void test_units__durations(void **state)
{
	(void)state;
	int64_t s;
	const char *why = NULL;
	assert_true(opsc_units_duration("30s", &s, &why));
	assert_int_equal(s, 30);
	assert_true(opsc_units_duration("5m", &s, &why));
	assert_int_equal(s, 300);
	assert_true(opsc_units_duration("1h30m", &s, &why));
	assert_int_equal(s, 5400);
	assert_true(opsc_units_duration("2w", &s, &why));
	assert_int_equal(s, 1209600);
	assert_false(opsc_units_duration("5x", &s, &why));
	assert_string_equal(why, "unknown duration unit: use s, m, h, d or w");
	assert_false(opsc_units_duration("500ms", &s, &why));
	assert_false(opsc_units_duration("m5", &s, &why));
	assert_false(opsc_units_duration("99999999999999999999d", &s, &why));
	assert_string_equal(why, "the duration is too large");
}

static void test_units__quantities(void **state)
{
	(void)state;
	double m;
	const char *why = NULL;
	assert_true(opsc_units_quantity("500m", &m, &why));
	assert_true(m == 500.0);
	assert_true(opsc_units_quantity("2", &m, &why));
	assert_true(m == 2000.0);
	assert_true(opsc_units_quantity("64Gi", &m, &why));
	assert_true(m == 64.0 * 1073741824.0 * 1000.0);
	assert_true(opsc_units_quantity("1.5G", &m, &why));
	assert_true(m == 1.5e12);
	assert_false(opsc_units_quantity("64GB", &m, &why));
	assert_false(opsc_units_quantity("Gi", &m, &why));
}

/* The API server caps a quantity over 2^63-1 (after its suffix) instead of
 * applying it: every one up to the limit passes, every one past it fails,
 * at the exact boundary in every form. */
static void test_units__quantity_format(void **state)
{
	(void)state;
	static const struct {
		double milli;
		const char *want;
	} cases[] = {
		{ 2100, "2.1" }, { 1000, "1" }, { 500, "500m" }, { 0, "0" },
		{ 1342177280000.0, "1280Mi" }, { 64.0 * 1073741824 * 1000, "64Gi" },
		{ 1e12, "1G" }, { 1.5e12, "1.5G" }, { 2048000, "2Ki" }, { 1e6, "1k" },
		{ 1234567e3, "1.23457M" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		opsc_units_quantity_format(buf, sizeof buf, cases[i].milli);
		assert_string_equal(buf, cases[i].want);
	}
	/* what it writes reads back as the same quantity, where exact */
	double m;
	const char *why;
	opsc_units_quantity_format(buf, sizeof buf, 1342177280000.0);
	assert_true(opsc_units_quantity(buf, &m, &why));
	assert_true(m == 1342177280000.0);
}

static void test_units__quantity_range(void **state)
{
	(void)state;
	double m;
	const char *why = NULL;
	static const char *const fit[] = {
		"9223372036854775807", "9223372036854775807.0", "9223372036854775.807k", "7Ei",
		"7.999999999999999999Ei", "8191Pi", "9.223372036854775807E", "9223372036854775807000m",
		"9223372036854775807e0", "92233720368547758.07e2", "0.000001Ei", "0.001", "0", "000000000000000000000001Ei",
	};
	static const char *const over[] = {
		"99999999999999999999Ei", "9223372036854775808", "9223372036854775807.1", "8Ei",
		"8192Pi", "9.223372036854775808E", "9223372036854775807001m", "1e19", "1e400",
		"9223372036854775807.0000000000000000000001", "100000000000000000000",
	};
	for (size_t i = 0; i < sizeof fit / sizeof *fit; i++) {
		why = NULL;
		if (!opsc_units_quantity(fit[i], &m, &why))
			fail_msg("%s: %s", fit[i], why);
	}
	for (size_t i = 0; i < sizeof over / sizeof *over; i++) {
		why = NULL;
		if (opsc_units_quantity(over[i], &m, &why))
			fail_msg("%s passed", over[i]);
		assert_non_null(strstr(why, "2^63-1"));
	}
	assert_false(opsc_units_quantity("0x10", &m, &why));
	assert_false(opsc_units_quantity("1.2.3", &m, &why));
}

static void test_units__cron(void **state)
{
	(void)state;
	char why[200];
	assert_true(opsc_units_cron("0 2 * * *", why, sizeof why));
	assert_true(opsc_units_cron("*/15 0-6,22 1 JAN-MAR mon-fri", why, sizeof why));
	assert_true(opsc_units_cron("@weekly", why, sizeof why));
	assert_false(opsc_units_cron("0 25 * * *", why, sizeof why));
	assert_non_null(strstr(why, "hour field `25`"));
	assert_false(opsc_units_cron("0 2 * *", why, sizeof why));
	assert_non_null(strstr(why, "day-of-week field is missing"));
	assert_false(opsc_units_cron("0 2 * * * *", why, sizeof why));
	assert_false(opsc_units_cron("0 2 31-1 * *", why, sizeof why));
	/* longest gap between firings, for the RPO check */
	assert_int_equal(opsc_units_cron_max_interval("0 2 * * *"), 86400);
	assert_int_equal(opsc_units_cron_max_interval("*/15 * * * *"), 900);
	assert_int_equal(opsc_units_cron_max_interval("0 3 * * 0"), 7 * 86400);
	assert_int_equal(opsc_units_cron_max_interval("0 4 1 * *"), 31 * 86400);
	assert_int_equal(opsc_units_cron_max_interval("@yearly"), 366 * 86400);
}

static void test_units__ports_cidrs_names(void **state)
{
	(void)state;
	assert_string_equal(opsc_units_protocol("udp"), "UDP");
	assert_string_equal(opsc_units_protocol("TCP"), "TCP");
	assert_null(opsc_units_protocol("icmp"));
	assert_true(opsc_units_cidr("10.0.0.0/8"));
	assert_true(opsc_units_cidr("fd00::/8"));
	assert_false(opsc_units_cidr("10.0.0.0/33"));
	assert_false(opsc_units_cidr("10.0.0.0"));
	assert_false(opsc_units_cidr("300.0.0.0/8"));
	assert_true(opsc_units_dns_label("vmshift-production"));
	assert_false(opsc_units_dns_label("My_Namespace"));
	assert_false(opsc_units_dns_label("-x"));
}

static void test_units__suggest(void **state)
{
	(void)state;
	const char *c[] = { "cluster", "namespace", "production", "labels" };
	assert_string_equal(opsc_suggest("clustr", c, 4), "cluster");
	assert_string_equal(opsc_suggest("namepsace", c, 4), "namespace");
	assert_string_equal(opsc_suggest("LABELS", c, 4), "labels");
	assert_null(opsc_suggest("zzzzzz", c, 4));
	assert_null(opsc_suggest("x", c, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units__durations),
		cmocka_unit_test(test_units__quantities),
		cmocka_unit_test(test_units__quantity_range),
		cmocka_unit_test(test_units__quantity_format),
		cmocka_unit_test(test_units__cron),
		cmocka_unit_test(test_units__ports_cidrs_names),
		cmocka_unit_test(test_units__suggest),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
