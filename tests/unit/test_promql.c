#include "testutil.h"

#include <string.h>

#include "promql.h"

#define SCALAR OPSC_PROMQL_SCALAR
#define VECTOR OPSC_PROMQL_VECTOR
#define MATRIX OPSC_PROMQL_MATRIX
#define STRING OPSC_PROMQL_STRING

/* Accepted, with type `want`. */
static void ok(const char *text, opsc_promql_type want)
{
	opsc_promql_error err;
	opsc_promql_type type = OPSC_PROMQL_NONE;
	if (!opsc_promql_check(text, (uint32_t)strlen(text), &err, &type))
		fail_msg("%s: refused at %u: %s", text, err.start, err.message);
	if (type != want)
		fail_msg("%s: %s, expected %s", text, opsc_promql_type_name(type), opsc_promql_type_name(want));
}

/* Refused with `message`, at bytes [start, end) of `text` (the column of
 * the error is start + 1). */
static void bad(const char *text, uint32_t start, uint32_t end, const char *message)
{
	opsc_promql_error err;
	if (opsc_promql_check(text, (uint32_t)strlen(text), &err, NULL))
		fail_msg("%s: accepted", text);
	assert_string_equal(err.message, message);
	assert_int_equal(err.start, start);
	assert_int_equal(err.end, end);
}

static void test_promql__selectors(void **state)
{
	(void)state;
	ok("up", VECTOR);
	ok("job:errors:rate5m", VECTOR);
	ok("{job=\"api\"}", VECTOR);
	ok("{__name__=\"up\"}", VECTOR);
	ok("up{}", VECTOR);
	ok("up{job=\"a\",}", VECTOR); /* a trailing comma is fine in braces */
	ok("sum", VECTOR); /* an aggregator not followed by ( names a metric */
	ok("offset + end", VECTOR);
	bad("{job=\"\"}", 0, 8, "a selector needs a metric name or a matcher that does not match the empty string");
	bad("{}", 0, 2, "a selector needs a metric name or a matcher that does not match the empty string");
	bad("up{__name__=\"x\"}", 3, 15, "metric name must not be set twice: before the braces and as __name__");
	bad("up{job=\"a\" instance=\"b\"}", 11, 19, "unexpected identifier `instance`: expected `,` or `}`");
	bad("up{job=\"a\"", 10, 10, "unexpected end of input inside braces: expected `}`");
}

static void test_promql__matchers(void **state)
{
	(void)state;
	ok("up{job!=\"a\", instance=~\"h.+:9100\", mode!~'idle|iowait'}", VECTOR);
	ok("up{job=`raw\\d`}", VECTOR);
	ok("{job=~\".+\"}", VECTOR);
	bad("{job=~\".*\"}", 0, 11, "a selector needs a metric name or a matcher that does not match the empty string");
	bad("up{job=~\"(a\"}", 8, 12, "invalid regular expression: missing closing parenthesis");
	bad("up{job=~\"a{1001}\"}", 8, 17, "invalid repeat count: RE2 allows at most 1000");
	bad("up{job=\"a\\q\"}", 9, 11, "unknown escape sequence `\\q`");
	bad("up{job=\"\\x4", 8, 11, "escape sequence not terminated"); /* never past the end */
	bad("up{job=\"\\\x01\"}", 8, 10, "unknown escape sequence: `\\` before U+0001");
}

static void test_promql__durations(void **state)
{
	(void)state;
	ok("x[5m]", MATRIX);
	ok("x[1h30m]", MATRIX);
	ok("x[100ms]", MATRIX);
	ok("x[1y]", MATRIX);
	bad("x[5]", 2, 3, "missing unit in duration: expected a duration like 5m");
	bad("x[5m1h]", 2, 6, "not a valid duration: use whole numbers with units y, w, d, h, m, s, ms, largest first");
	bad("x[0s]", 2, 4, "duration must be greater than 0");
	bad("x > 5m", 4, 6, "unexpected duration `5m`: expected a number: PromQL takes a duration only in a range "
			    "`[5m]`, a subquery or after `offset`");
	bad("x[5m][1m]", 5, 9, "a range `[...]` is only allowed after a selector; for an expression use a subquery `[5m:1m]`");
}

static void test_promql__functions(void **state)
{
	(void)state;
	ok("rate(x[5m])", VECTOR);
	ok("time()", SCALAR);
	ok("vector(1)", VECTOR);
	ok("scalar(x)", SCALAR);
	ok("round(x)", VECTOR);
	ok("round(x, 5)", VECTOR);
	ok("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))", VECTOR);
	ok("label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")", VECTOR);
	ok("label_join(x, \"a\", \",\", \"b\", \"c\")", VECTOR); /* repeated trailing argument */
	ok("predict_linear(x[1h], 3600)", VECTOR);
	ok("absent_over_time(x[5m])", VECTOR);
	bad("rate(x)", 5, 6, "expected a range vector for argument 1 of rate(), got instant vector");
	bad("histogram_quantile(x, 0.9)", 19, 20,
	    "expected a scalar for argument 1 of histogram_quantile(), got instant vector");
	bad("abs(x[5m])", 4, 9, "expected an instant vector for argument 1 of abs(), got range vector");
	bad("rate(x[5m], 1)", 0, 14, "rate() takes 1 argument, got 2");
	bad("round(x, 5, 6)", 0, 14, "round() takes at most 2 arguments, got 3");
	bad("label_replace(x)", 0, 16, "label_replace() takes 5 arguments, got 1");
	bad("foo(x)", 0, 3, "unknown function: expected one of PromQL's functions");
	bad("abs(x,)", 5, 6, "trailing commas are not allowed in function call arguments");
}

static void test_promql__binary_operators(void **state)
{
	(void)state;
	ok("x + y", VECTOR);
	ok("x * 2", VECTOR);
	ok("1 + 2 * 3", SCALAR);
	ok("2 ^ 3 ^ 2", SCALAR);
	ok("x atan2 y", VECTOR);
	ok("1 > bool 1", SCALAR);
	ok("x > bool 1", VECTOR);
	ok("x == bool y", VECTOR);
	ok("x and y or z unless w", VECTOR);
	ok("x + on(a) y", VECTOR);
	ok("x + ignoring(a) group_left(b) y", VECTOR);
	ok("x / on(a, b) group_right y", VECTOR);
	ok("x and on(a) y", VECTOR);
	ok("-x", VECTOR);
	ok("- - x", VECTOR);
	bad("1 > 1", 2, 3, "comparisons between scalars must use `bool`: write `>` bool");
	bad("x and 1", 2, 5, "set operator `and` needs instant vectors on both sides, not a scalar");
	bad("x and on(a) group_left y", 2, 5, "no grouping (group_left/group_right) allowed for `and`");
	bad("x + on(a) group_left(b) 1", 0, 25, "vector matching (on/ignoring) is only allowed between instant vectors");
	bad("x + group_left y", 4, 14,
	    "unexpected `group_left`: expected an expression: a number, a string, a selector, a function call or `(`");
	bad("\"a\" + 1", 0, 3, "expected a scalar or an instant vector left of `+`, got a string");
	bad("x[5m] > 0", 0, 5, "expected a scalar or an instant vector left of `>`, got a range vector");
}

static void test_promql__aggregations(void **state)
{
	(void)state;
	ok("sum(x)", VECTOR);
	ok("sum(x) by (a)", VECTOR);
	ok("sum by (a) (x)", VECTOR);
	ok("avg without (a, b) (x)", VECTOR);
	ok("count by () (x)", VECTOR);
	ok("topk(5, x)", VECTOR);
	ok("quantile(0.5, x)", VECTOR);
	ok("count_values(\"v\", x)", VECTOR);
	ok("group(x) by (job)", VECTOR);
	bad("sum(x) by (a) by (b)", 14, 16, "unexpected `by`: expected an operator or the end of the expression");
	bad("topk(x)", 5, 6, "expected a scalar as the parameter of topk, got instant vector");
	bad("topk(\"a\", x)", 5, 8, "expected a scalar as the parameter of topk, got string");
	bad("count_values(1, x)", 13, 14, "expected a string as the parameter of count_values, got scalar");
	bad("sum(x, y)", 0, 9, "sum takes 1 argument (an instant vector), got 2");
	bad("sum by (a)", 10, 10, "unexpected end of input: expected `(`");
}

static void test_promql__subqueries_offsets_at(void **state)
{
	(void)state;
	ok("x[5m:1m]", MATRIX);
	ok("x[5m:]", MATRIX);
	ok("max_over_time(rate(x[5m])[1h:5m])", VECTOR);
	ok("x offset 5m", VECTOR);
	ok("x offset -5m", VECTOR);
	ok("x[5m] offset 1h", MATRIX);
	ok("x @ 1609746000", VECTOR);
	ok("x @ start()", VECTOR);
	ok("x @ end()", VECTOR);
	ok("x[5m:1m] offset 1h @ 100", MATRIX);
	bad("1[5m:]", 0, 6, "a subquery needs an instant vector, got a scalar");
	bad("rate(x[5m]) offset 1h", 12, 21, "offset must follow a selector, a range or a subquery");
	bad("x offset 5m offset 1m", 12, 21, "offset may not be set twice");
	bad("x @ 1 @ 2", 6, 9, "@ may not be set twice");
	bad("sum(x) @ 1", 7, 10, "@ must follow a selector, a range or a subquery");
}

static void test_promql__literals_and_structure(void **state)
{
	(void)state;
	ok("1e3 + 0x1F + Inf + NaN", SCALAR);
	ok("\"a string\"", STRING);
	ok("(x)", VECTOR);
	ok("x # a comment", VECTOR);
	ok("sum(\n  rate(x[5m])\n)", VECTOR);
	bad("(x", 2, 2, "unclosed `(`: expected `)`");
	bad("x)", 1, 2, "unexpected `)`: no `(` to close");
	bad("  ", 0, 2, "empty expression: expected a PromQL expression");
	bad("up and", 6, 6, "unexpected end of input: expected an expression");
}

/* Only len bytes are read: the text need not end in NUL. */
static void test_promql__length(void **state)
{
	(void)state;
	opsc_promql_error err;
	assert_true(opsc_promql_check("up > 1 and", 6, &err, NULL));
	assert_false(opsc_promql_check("up > 1 and", 10, &err, NULL));
	assert_int_equal(err.start, 10);
	assert_string_equal(opsc_promql_type_name(MATRIX), "range vector");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_promql__selectors),
		cmocka_unit_test(test_promql__matchers),
		cmocka_unit_test(test_promql__durations),
		cmocka_unit_test(test_promql__functions),
		cmocka_unit_test(test_promql__binary_operators),
		cmocka_unit_test(test_promql__aggregations),
		cmocka_unit_test(test_promql__subqueries_offsets_at),
		cmocka_unit_test(test_promql__literals_and_structure),
		cmocka_unit_test(test_promql__length),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
