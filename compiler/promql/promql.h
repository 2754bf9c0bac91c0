/*
 * promql.h - PromQL parsed and type-checked the way promtool 2.42 does.
 *
 * opsc writes alert expressions into PrometheusRule objects; this module
 * refuses, at compile time, what Prometheus would refuse at load time:
 * syntax (selectors, matchers, strings, numbers, durations, operators,
 * aggregations, modifiers, subqueries) and types (a range vector where
 * rate() wants one, scalars compared without `bool`, ...). The grammar and
 * the checks follow upstream's generated_parser.y, lex.go, functions.go and
 * parse.go of v2.42.0, the version Debian ships as promtool.
 *
 * No allocation: the parser walks the text once and keeps only the type and
 * extent of each subexpression on the C stack (depth bounded).
 */
#ifndef OPSC_PROMQL_H
#define OPSC_PROMQL_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	OPSC_PROMQL_NONE,
	OPSC_PROMQL_SCALAR,
	OPSC_PROMQL_VECTOR, /* instant vector */
	OPSC_PROMQL_MATRIX, /* range vector */
	OPSC_PROMQL_STRING,
} opsc_promql_type;

/* The first problem found: bytes [start, end) of the text, and a message
 * that says what was expected. */
typedef struct {
	uint32_t start, end;
	char message[200];
} opsc_promql_error;

/* Whether `text` (len bytes, need not be NUL-terminated) is an expression
 * promtool accepts. On false, *err says where and why; *type (may be NULL)
 * receives the expression's type on true. */
bool opsc_promql_check(const char *text, uint32_t len, opsc_promql_error *err, opsc_promql_type *type);

/* "scalar", "instant vector", "range vector", "string". */
const char *opsc_promql_type_name(opsc_promql_type t);

#endif
