/*
 * rules.h - the registry of lint rules: every id `opsc lint` can report,
 * with its kind, default severity, explanation and how to fix it.
 *
 * Four sources: the built-in checks written in C (drift rules, the
 * structural secret checks of scan.h), the checks of the .ops sources
 * (every diagnostic id of `opsc check`), and the `policy` and `secret`
 * blocks of a compiled Model (the built-in policies/ set and the user's
 * own). The project block re-levels or disables any but the checks:
 *
 *   project "x" { rules { no-wildcard-rbac = warning  alert-runbook = off } }
 *
 * Ownership: an opsc_rules owns its array; the strings it points to are
 * static or belong to the Model's arena, which must outlive it.
 */
#ifndef OPSC_RULES_H
#define OPSC_RULES_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"
#include "model.h"

/* CHECK: a diagnostic of the .ops sources (rules_check.c), the same for
 * check, lint and build; it cannot be re-levelled. */
typedef enum { OPSC_RULE_SECRET, OPSC_RULE_DRIFT, OPSC_RULE_POLICY, OPSC_RULE_CHECK } opsc_rule_kind;

typedef struct {
	const char *id; /* "drift-edited", "github-pat", "no-wildcard-rbac" */
	opsc_rule_kind kind;
	opsc_severity severity; /* default */
	const char *summary; /* one line */
	const char *explanation; /* one paragraph */
	const char *fix; /* how to fix it, NULL when the explanation says it */
	opsc_span defined; /* the .ops block defining it; NO_SPAN for built-ins */
	/* After opsc_rules_apply_project: */
	opsc_severity level; /* the effective severity */
	bool disabled;
	bool relevelled; /* the project set level or disabled it */
	const char *example; /* secret rules: text the rule finds, NULL: none given */
	const char *ignores; /* and text it deliberately leaves alone */
} opsc_rule;

typedef struct {
	opsc_array(opsc_rule) items; /* ids are unique */
	uint32_t sorted; /* items[0, sorted) are sorted by id: binary search */
} opsc_rules;

/* The built-in C checks. */
void opsc_rules_init(opsc_rules *rules);
/* Adds the policies and secret rules of a compiled Model (the built-in
 * policies/ set, the user's own). A rule whose id is already present is
 * left out: the first definition wins. */
void opsc_rules_add_model(opsc_rules *rules, const opsc_model *model);
void opsc_rules_dispose(opsc_rules *rules);

const opsc_rule *opsc_rules_find(const opsc_rules *rules, const char *id);
/* The id closest to `id` (edit distance at most a third of its length,
 * at least 2), or NULL. */
const char *opsc_rules_suggest(const opsc_rules *rules, const char *id);

/* Applies the project's `rules { id = level|off }`; an unknown id is an
 * error at the setting, with "did you mean". project may be NULL. */
void opsc_rules_apply_project(opsc_rules *rules, const opsc_project *project, opsc_diags *diags);

/* The effective severity of rule `id` whose default is `def` under the
 * project's settings: false when the project disables it. project may be
 * NULL. For callers without a registry (the policy evaluator). */
bool opsc_rules_level(const opsc_project *project, const char *id, opsc_severity def, opsc_severity *out);

/* rules_adopt.c: the readiness group, warnings until the project sets
 * `rules { readiness = error }` (any level, or off). */
#define OPSC_RULES_READINESS "readiness"
bool opsc_rules_is_readiness(const char *id);
/* The level of rule `id` (default `def`) under the project's group
 * setting, before its own: false when the group is off. */
bool opsc_rules_adopted_level(const opsc_project *project, const char *id, opsc_severity def, opsc_severity *out);

const char *opsc_rule_kind_name(opsc_rule_kind kind);
const char *opsc_severity_name(opsc_severity severity);

/* `opsc explain ID`: the rule's id, kind, severity, explanation, fix, and
 * for .ops rules the file:line defining it (sources may be NULL). */
void opsc_rules_explain(FILE *out, const opsc_rule *rule, const opsc_sources *sources);
/* `opsc explain --list`: one line per rule, or a markdown reference. */
void opsc_rules_list(FILE *out, const opsc_rules *rules, bool markdown);

/* The built-in C checks (drift rules, structural secret checks). */
const opsc_rule *opsc_rules_builtin(uint32_t *out_len);
/* The checks of the .ops sources, by diagnostic id (rules_check.c). */
const opsc_rule *opsc_rules_checks(uint32_t *out_len);

#endif
