/*
 * policy_internal.h - shared by the policy evaluator's files:
 * policy_eval.c (statements, findings, formatting) and policy_expr.c
 * (expressions, operators, functions, quantifiers).
 */
#ifndef OPSC_POLICY_INTERNAL_H
#define OPSC_POLICY_INTERNAL_H

#include "model.h"
#include "policy.h"

typedef struct pcre2_real_code_8 opsc_pcre2_code;

typedef struct {
	const char *name;
	opsc_value value;
} opsc_eval_binding;

typedef struct {
	const char *pattern;
	opsc_pcre2_code *code;
} opsc_eval_regex_entry;

/* One evaluation of one policy over one Model. */
typedef struct {
	opsc_ctx *ctx; /* diagnostics and sources */
	opsc_arena *scratch; /* values and messages; freed when the evaluation ends */
	const opsc_model *model;
	const opsc_project *project; /* `project` in policies; may be NULL */
	const opsc_policy *policy;
	opsc_severity severity; /* after the project's re-levelling */
	opsc_policy_cb cb;
	void *user;
	opsc_array(opsc_eval_binding) scope; /* innermost last */
	opsc_array(const opsc_expr *) reported; /* runtime errors already reported */
	opsc_array(opsc_eval_regex_entry) regexes;
	int stopped; /* the callback asked to stop */
	uint64_t steps; /* expressions evaluated so far */
	bool exhausted; /* steps went past OPSC_POLICY_STEP_BUDGET: stop, reported once */
} opsc_eval;

/* Whether to go on: the callback did not stop it, the budget is not spent. */
static inline bool opsc_eval_going(const opsc_eval *ev)
{
	return !ev->stopped && !ev->exhausted;
}

bool opsc_eval_expr(opsc_eval *ev, const opsc_expr *e, opsc_value *out);
bool opsc_eval_bool(opsc_eval *ev, const opsc_expr *e, opsc_value *out);
bool opsc_eval_list(opsc_eval *ev, const opsc_expr *e, opsc_value *out);
bool opsc_eval_string(opsc_eval *ev, const opsc_expr *e, opsc_value *out);
/* With the quantifier's variable bound: *selected = the filter holds,
 * *pred = the predicate (true when there is none). */
bool opsc_eval_element(opsc_eval *ev, const opsc_expr *q, bool *selected, bool *pred);
void opsc_eval_bind(opsc_eval *ev, const char *name, opsc_value value);

/* The innermost bound record with a location, or NULL; and " (environment
 * `staging`)" for it, or "". */
const opsc_value *opsc_eval_record(const opsc_eval *ev);
const char *opsc_eval_record_suffix(opsc_eval *ev);

/* Reports a runtime error at `e` (once per expression); returns false. */
bool opsc_eval_fail(opsc_eval *ev, const opsc_expr *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *opsc_eval_type_name(const opsc_value *v);
const char *opsc_eval_format(opsc_eval *ev, const opsc_value *v);
bool opsc_eval_regex(opsc_eval *ev, const opsc_expr *at, const char *pattern, const char *subject,
		     bool *out);

#endif
