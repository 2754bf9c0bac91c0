/*
 * lint_ignore.h - inline suppressions: a comment
 *
 *   # opsc:ignore[rule-id, other-id] why this is accepted
 *
 * on the line of a finding or on the line above it (a secret: its own
 * line) silences those rules there, in YAML, .ops and any other text file. The reason is required: a
 * suppression without one silences nothing and is a finding of its own
 * (`ignore-without-reason`), for every finder: policies, drift and
 * secrets. `opsc:ignore` without brackets names every rule (the secret
 * scanner's older form). What closes a C or HTML comment after it is
 * not a reason.
 */
#ifndef OPSC_LINT_IGNORE_H
#define OPSC_LINT_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

typedef enum {
	OPSC_IGNORE_NONE, /* no suppression of this rule here */
	OPSC_IGNORE_REASONED, /* suppressed */
	OPSC_IGNORE_UNREASONED, /* names the rule but gives no reason */
} opsc_ignore_kind;

/* What `line` (len bytes) says about `rule`; *col is the 1-based column of
 * `opsc:ignore` when there is one. */
opsc_ignore_kind opsc_lint_ignore_line(const char *line, size_t len, const char *rule, uint32_t *col);

/* The suppression of `rule` at `line` of `src`: on the line, else on the
 * line above. *at_line and *col say where it is written. */
opsc_ignore_kind opsc_lint_ignore_find(const opsc_source *src, uint32_t line, const char *rule,
				       uint32_t *at_line, uint32_t *col);

/* The same in a buffer of `len` bytes (a file not among the sources). */
opsc_ignore_kind opsc_lint_ignore_find_text(const char *text, size_t len, uint32_t line, const char *rule,
					    uint32_t *at_line, uint32_t *col);

#endif
