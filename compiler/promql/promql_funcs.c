/*
 * promql_funcs.c - the PromQL function table of functions.go (v2.42.0).
 *
 * variadic: 0 = exactly nargs arguments; n > 0 = the last argument type is
 * optional up to n times (nargs - 1 .. nargs - 1 + n arguments); -1 = the
 * last argument type repeats without limit.
 */
#include <string.h>

#include "promql_int.h"

#define S OPSC_PROMQL_SCALAR
#define V OPSC_PROMQL_VECTOR
#define M OPSC_PROMQL_MATRIX
#define STR OPSC_PROMQL_STRING

static const promql_func funcs[] = {
	{ "abs", 1, 0, { V }, V },
	{ "absent", 1, 0, { V }, V },
	{ "absent_over_time", 1, 0, { M }, V },
	{ "acos", 1, 0, { V }, V },
	{ "acosh", 1, 0, { V }, V },
	{ "asin", 1, 0, { V }, V },
	{ "asinh", 1, 0, { V }, V },
	{ "atan", 1, 0, { V }, V },
	{ "atanh", 1, 0, { V }, V },
	{ "avg_over_time", 1, 0, { M }, V },
	{ "ceil", 1, 0, { V }, V },
	{ "changes", 1, 0, { M }, V },
	{ "clamp", 3, 0, { V, S, S }, V },
	{ "clamp_max", 2, 0, { V, S }, V },
	{ "clamp_min", 2, 0, { V, S }, V },
	{ "cos", 1, 0, { V }, V },
	{ "cosh", 1, 0, { V }, V },
	{ "count_over_time", 1, 0, { M }, V },
	{ "day_of_month", 1, 1, { V }, V },
	{ "day_of_week", 1, 1, { V }, V },
	{ "day_of_year", 1, 1, { V }, V },
	{ "days_in_month", 1, 1, { V }, V },
	{ "deg", 1, 0, { V }, V },
	{ "delta", 1, 0, { M }, V },
	{ "deriv", 1, 0, { M }, V },
	{ "exp", 1, 0, { V }, V },
	{ "floor", 1, 0, { V }, V },
	{ "histogram_count", 1, 0, { V }, V },
	{ "histogram_fraction", 3, 0, { S, S, V }, V },
	{ "histogram_quantile", 2, 0, { S, V }, V },
	{ "histogram_sum", 1, 0, { V }, V },
	{ "holt_winters", 3, 0, { M, S, S }, V },
	{ "hour", 1, 1, { V }, V },
	{ "idelta", 1, 0, { M }, V },
	{ "increase", 1, 0, { M }, V },
	{ "irate", 1, 0, { M }, V },
	{ "label_join", 4, -1, { V, STR, STR, STR }, V },
	{ "label_replace", 5, 0, { V, STR, STR, STR, STR }, V },
	{ "last_over_time", 1, 0, { M }, V },
	{ "ln", 1, 0, { V }, V },
	{ "log10", 1, 0, { V }, V },
	{ "log2", 1, 0, { V }, V },
	{ "max_over_time", 1, 0, { M }, V },
	{ "min_over_time", 1, 0, { M }, V },
	{ "minute", 1, 1, { V }, V },
	{ "month", 1, 1, { V }, V },
	{ "pi", 0, 0, { 0 }, S },
	{ "predict_linear", 2, 0, { M, S }, V },
	{ "present_over_time", 1, 0, { M }, V },
	{ "quantile_over_time", 2, 0, { S, M }, V },
	{ "rad", 1, 0, { V }, V },
	{ "rate", 1, 0, { M }, V },
	{ "resets", 1, 0, { M }, V },
	{ "round", 2, 1, { V, S }, V },
	{ "scalar", 1, 0, { V }, S },
	{ "sgn", 1, 0, { V }, V },
	{ "sin", 1, 0, { V }, V },
	{ "sinh", 1, 0, { V }, V },
	{ "sort", 1, 0, { V }, V },
	{ "sort_desc", 1, 0, { V }, V },
	{ "sqrt", 1, 0, { V }, V },
	{ "stddev_over_time", 1, 0, { M }, V },
	{ "stdvar_over_time", 1, 0, { M }, V },
	{ "sum_over_time", 1, 0, { M }, V },
	{ "tan", 1, 0, { V }, V },
	{ "tanh", 1, 0, { V }, V },
	{ "time", 0, 0, { 0 }, S },
	{ "timestamp", 1, 0, { V }, V },
	{ "vector", 1, 0, { S }, V },
	{ "year", 1, 1, { V }, V },
};

const promql_func *promql_func_find(const char *name, uint32_t n)
{
	for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++)
		if (strlen(funcs[i].name) == n && memcmp(funcs[i].name, name, n) == 0)
			return &funcs[i];
	return NULL;
}
