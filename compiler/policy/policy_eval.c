/*
 * policy_eval.c - an interpreter for `policy` blocks over a Model.
 *
 *   for x in C [where F] { ... }     binds x to each record of C passing F
 *   require E : "msg"                 a finding when E is false
 *   deny E : "msg"                    a finding when E is true
 *
 * A finding is located at the record bound by the innermost `for` or
 * quantifier. When the condition is a quantifier that is decided by
 * particular elements (`deny any(r in roles : P)`, `require all(...)`,
 * `require none(...)`, possibly under `!`), each offending element is a
 * finding of its own, located at that element, with the quantifier's
 * variable bound while the message is interpolated.
 *
 * Values live in a scratch arena freed when the evaluation ends; runtime
 * errors are diagnostics in ctx, once per expression. Expressions are
 * evaluated by policy_expr.c; errors, formatting and regexes are in
 * policy_value.c, below both.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "policy_int.h"
#include "report.h"

/* ------------------------------------------------------------- statements */

static void exec_stmts(opsc_eval *ev, const opsc_stmt *items, uint32_t n);

/* The condition's text as written, for default messages. */
static const char *source_text(opsc_eval *ev, opsc_span span)
{
	const opsc_source *src = opsc_sources_get(&ev->ctx->sources, span.file);
	if (!src || span.end > src->len || span.end < span.start)
		return "condition";
	return opsc_arena_strndup(ev->scratch, src->text + span.start, span.end - span.start);
}

static const char *message_of(opsc_eval *ev, const opsc_stmt *s)
{
	opsc_value v;
	if (s->check.message && opsc_eval_expr(ev, s->check.message, &v))
		return opsc_eval_format(ev, &v);
	const char *what = s->kind == OPSC_STMT_DENY ? "denied" : "requirement not met";
	return opsc_arena_printf(ev->scratch, "%s: `%s`%s", what, source_text(ev, s->check.condition->span),
				 opsc_eval_record_suffix(ev));
}

/* A field the manifest leaves out has a zeroed place: file 0 is a real
 * file, so a place needs a line too. */
static bool has_place(const opsc_span *at)
{
	return at && at->file != OPSC_NO_FILE && at->line > 0;
}

/* A finding about a value the manifest wrote (workload fields carry
 * where) is located at that value: the condition's leftmost operand
 * (`deny c.privileged && ...`), else a value bound inside the innermost
 * record (`x` of `deny any(x in c.capabilities_add : ...)`). NULL: the
 * record. */
static const opsc_span *value_place(opsc_eval *ev, const opsc_stmt *s)
{
	const opsc_expr *c = s->check.condition;
	while ((c->kind == OPSC_EXPR_UNARY && c->unary.op == OPSC_OP_NOT) || c->kind == OPSC_EXPR_BINARY)
		c = c->kind == OPSC_EXPR_UNARY ? c->unary.operand : c->binary.left;
	opsc_value v;
	if (c->kind == OPSC_EXPR_MEMBER && opsc_eval_expr(ev, c, &v) && has_place(v.at))
		return v.at;
	for (uint32_t i = ev->scope.len; i-- > 0;) {
		const opsc_value *b = &ev->scope.items[i].value;
		if (b->type == OPSC_PT_RECORD)
			break;
		if (has_place(b->at))
			return b->at;
	}
	return NULL;
}

static void report(opsc_eval *ev, const opsc_stmt *s)
{
	const opsc_value *r = opsc_eval_record(ev);
	const opsc_span *at = value_place(ev, s);
	opsc_policy_finding f = {
		.rule = ev->policy->name.s,
		.severity = ev->severity,
		.message = message_of(ev, s),
		.where = at ? *at : r ? opsc_policy_record_span(r) : s->span,
		.stmt = s->span,
		.kind = r ? r->rec.kind : OPSC_REC_COUNT,
		.node = r ? r->rec.node : NULL,
	};
	if (ev->cb(ev->user, &f))
		ev->stopped = 1;
}

/* Whether the quantifier `kind` is decided by particular elements when the
 * statement reports on a quantifier value of `want`. */
static bool per_element(opsc_quant kind, bool want)
{
	return kind == OPSC_QUANT_ANY ? want : kind != OPSC_QUANT_COUNT && !want;
}

/* One finding per element passing the filter whose predicate is `want_pred`. */
static void exec_each(opsc_eval *ev, const opsc_stmt *s, const opsc_expr *q, bool want_pred)
{
	opsc_value coll;
	if (!opsc_eval_list(ev, q->quant.collection, &coll))
		return;
	opsc_arena_pos pos = opsc_arena_tell(ev->scratch); /* an element's values die with it */
	for (uint32_t i = 0; i < coll.list.len && opsc_eval_going(ev); i++) {
		bool selected, pred;
		opsc_eval_bind(ev, q->quant.var, coll.list.items[i]);
		if (opsc_eval_element(ev, q, &selected, &pred) && selected && pred == want_pred)
			report(ev, s);
		ev->scope.len--;
		opsc_arena_rewind(ev->scratch, pos);
	}
}

static void exec_check(opsc_eval *ev, const opsc_stmt *s)
{
	bool deny = s->kind == OPSC_STMT_DENY, negated = false;
	const opsc_expr *c = s->check.condition;
	while (c->kind == OPSC_EXPR_UNARY && c->unary.op == OPSC_OP_NOT) {
		negated = !negated;
		c = c->unary.operand;
	}
	bool want = deny != negated; /* the quantifier value that is a finding */
	if (c->kind == OPSC_EXPR_QUANT && per_element(c->quant.kind, want)) {
		exec_each(ev, s, c, c->quant.kind != OPSC_QUANT_ALL);
		return;
	}
	opsc_value v;
	if (opsc_eval_bool(ev, s->check.condition, &v) && v.b == deny)
		report(ev, s);
}

static void exec_for(opsc_eval *ev, const opsc_stmt *s)
{
	opsc_value coll;
	if (!opsc_eval_list(ev, s->loop.collection, &coll))
		return;
	opsc_arena_pos pos = opsc_arena_tell(ev->scratch);
	for (uint32_t i = 0; i < coll.list.len && opsc_eval_going(ev); i++) {
		opsc_eval_bind(ev, s->loop.var, coll.list.items[i]);
		opsc_value keep = { .type = OPSC_PT_BOOL, .b = true };
		if (!s->loop.filter || opsc_eval_bool(ev, s->loop.filter, &keep))
			if (keep.b)
				exec_stmts(ev, s->loop.body.items, s->loop.body.len);
		ev->scope.len--;
		opsc_arena_rewind(ev->scratch, pos);
	}
}

/* Attributes of the policy block (severity, description) are not statements
 * to run. */
static void exec_stmts(opsc_eval *ev, const opsc_stmt *items, uint32_t n)
{
	for (uint32_t i = 0; i < n && opsc_eval_going(ev); i++) {
		if (items[i].kind == OPSC_STMT_FOR)
			exec_for(ev, &items[i]);
		else if (items[i].kind == OPSC_STMT_REQUIRE || items[i].kind == OPSC_STMT_DENY)
			exec_check(ev, &items[i]);
	}
}

/* ------------------------------------------------------------------ driver */

/* The budget is spent: one error at the policy, saying how to make it
 * cheaper. Its findings so far were reported; the next policy runs. */
static void over_budget(opsc_eval *ev)
{
	uint32_t d = opsc_diag_error(&ev->ctx->diags, "policy-budget", ev->policy->span,
				     "policy `%s` stopped after %u evaluation steps, its budget: nested "
				     "quantifiers multiply (four over 300 environments are 8.1e9 elements)",
				     ev->policy->name.s, OPSC_POLICY_STEP_BUDGET);
	opsc_diag_help(&ev->ctx->diags, d, "narrow the outer collections with `where` before nesting, "
			"compare with a `for` loop and one quantifier instead of quantifiers inside "
			"quantifiers, or split the policy");
}

static int run(opsc_ctx *ctx, const opsc_model *model, const opsc_project *project,
	       const opsc_policy *policy, opsc_severity severity, opsc_policy_cb cb, void *user)
{
	opsc_eval ev = {
		.ctx = ctx, .scratch = opsc_arena_new(), .model = model, .project = project,
		.policy = policy, .severity = severity, .cb = cb, .user = user,
	};
	exec_stmts(&ev, policy->body, policy->nbody);
	if (ev.exhausted)
		over_budget(&ev);
	for (uint32_t i = 0; i < ev.regexes.len; i++) {
		pcre2_code_free(ev.regexes.items[i].code);
		opsc_free((char *)ev.regexes.items[i].pattern);
	}
	opsc_array_free(&ev.regexes);
	opsc_array_free(&ev.scope);
	opsc_array_free(&ev.reported);
	opsc_arena_free(ev.scratch);
	return ev.stopped;
}

int opsc_policy_eval(opsc_ctx *ctx, const opsc_model *model, const opsc_policy *policy,
		     opsc_policy_cb cb, void *user)
{
	const opsc_project *project = model->has_project ? &model->project : NULL;
	return run(ctx, model, project, policy, policy->severity, cb, user);
}

int opsc_policy_eval_all(opsc_ctx *ctx, const opsc_model *declared, const opsc_model *target,
			 opsc_policy_cb cb, void *user)
{
	const opsc_project *project = declared->has_project ? &declared->project : NULL;
	for (uint32_t i = 0; i < declared->npolicies; i++) {
		const opsc_policy *p = &declared->policies[i];
		opsc_severity sev;
		if (!opsc_rules_level(project, p->name.s, p->severity, &sev))
			continue;
		if (run(ctx, target, project, p, sev, cb, user))
			return 1;
	}
	return 0;
}
