/*
 * sema_gotmpl.h - Go text/template, parsed the way Prometheus and
 * Alertmanager parse the texts opsc writes into their configuration.
 *
 * Prometheus expands an alert's annotations and labels as Go templates
 * (and `promtool check rules` refuses a rule whose templates do not
 * parse); Alertmanager expands a receiver's texts (a Slack title, an email
 * subject) when it sends a notification, so a broken one fails every
 * notification of that receiver. This module refuses at compile time what
 * Go's text/template/parse (Go 1.19, the toolchain of Debian's promtool
 * 2.42 and amtool 0.25) refuses at parse time, with the function table and
 * the predefined variables of each program:
 *
 *   actions {{ }} and trim markers {{- -}}, comments, pipelines,
 *   declarations and assignments, if/else/else if/range/with/end,
 *   define/template/block, break/continue inside range, fields (.a.b),
 *   variables ($, $x, $labels.x), strings, raw strings, characters,
 *   numbers, true/false/nil, parenthesised pipelines.
 *
 * No allocation beyond a token array freed before returning; nesting is
 * bounded (OPSC_GOTMPL_MAX_DEPTH) so no input exhausts the C stack.
 */
#ifndef OPSC_SEMA_GOTMPL_H
#define OPSC_SEMA_GOTMPL_H

#include <stdbool.h>
#include <stdint.h>

#define OPSC_GOTMPL_MAX_DEPTH 100

typedef enum {
	/* alert annotations and labels: Prometheus 2.42's template functions,
	 * with $labels, $externalLabels, $externalURL and $value defined */
	OPSC_GOTMPL_PROMETHEUS,
	/* receiver texts: Alertmanager 0.25's functions, no variable but $ */
	OPSC_GOTMPL_ALERTMANAGER,
} opsc_gotmpl_dialect;

/* The first problem found: bytes [start, end) of the text, a message that
 * says what was expected, and for an unknown function the closest known
 * one (empty when none is close). */
typedef struct {
	uint32_t start, end;
	char message[200];
	char hint[32];
} opsc_gotmpl_error;

/* Whether `text` (len bytes, need not be NUL-terminated) parses as a Go
 * template of `dialect`. On false, *err says where and why. */
bool opsc_gotmpl_check(const char *text, uint32_t len, opsc_gotmpl_dialect dialect, opsc_gotmpl_error *err);

/* "Prometheus alert templates", "Alertmanager notification templates". */
const char *opsc_gotmpl_dialect_name(opsc_gotmpl_dialect dialect);

#endif
