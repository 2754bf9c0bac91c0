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
 * errors are diagnostics in ctx, once per expression.
 */
#include "policy.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ast.h"
#include "policy_internal.h"
#include "rules.h"

/* ------------------------------------------------------------ diagnostics */

/* The innermost bound record with a location, or NULL. */
static const opsc_value *innermost_record(const opsc_eval *ev)
{
	for (uint32_t i = ev->scope.len; i-- > 0;) {
		const opsc_value *v = &ev->scope.items[i].value;
		if (v->type == OPSC_PT_RECORD && opsc_policy_record_span(v).file != OPSC_NO_FILE)
			return v;
	}
	return NULL;
}

/* " (environment `staging`)" for the innermost record, or "". */
static const char *record_suffix(opsc_eval *ev)
{
	const opsc_value *r = innermost_record(ev);
	const char *label = r ? opsc_policy_record_label(r) : NULL;
	if (!r)
		return "";
	if (!label)
		return opsc_arena_printf(ev->scratch, " (%s)", opsc_policy_record_name(r->rec.kind));
	return opsc_arena_printf(ev->scratch, " (%s `%s`)", opsc_policy_record_name(r->rec.kind), label);
}

bool opsc_eval_fail(opsc_eval *ev, const opsc_expr *e, const char *fmt, ...)
{
	for (uint32_t i = 0; i < ev->reported.len; i++)
		if (ev->reported.items[i] == e)
			return false;
	opsc_array_push(&ev->reported, e);
	va_list ap;
	va_start(ap, fmt);
	char *msg = opsc_arena_vprintf(ev->scratch, fmt, ap);
	va_end(ap);
	uint32_t d = opsc_diag_error(&ev->ctx->diags, "policy-eval", e->span, "%s", msg);
	opsc_diag_add_note(&ev->ctx->diags, d, ev->policy->span, "while evaluating policy `%s`%s",
			   ev->policy->name.s, record_suffix(ev));
	return false;
}

/* --------------------------------------------------------------- formatting */

static const char *type_names[] = {
	[OPSC_PT_NULL] = "null",	 [OPSC_PT_BOOL] = "bool",	  [OPSC_PT_NUMBER] = "number",
	[OPSC_PT_STRING] = "string",	 [OPSC_PT_DURATION] = "duration", [OPSC_PT_PERCENT] = "percentage",
	[OPSC_PT_QUANTITY] = "quantity", [OPSC_PT_UNIT] = "unit literal", [OPSC_PT_MAP] = "map",
	[OPSC_PT_LIST] = "list",	 [OPSC_PT_RECORD] = "record",
};

const char *opsc_eval_type_name(const opsc_value *v)
{
	return v->type == OPSC_PT_RECORD ? opsc_policy_record_name(v->rec.kind) : type_names[v->type];
}

typedef opsc_array(char) text_buf;

/* 5400 -> "1h30m", 0 -> "0s". */
static void format_duration(text_buf *buf, double seconds)
{
	static const struct {
		char unit;
		int64_t s;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	int64_t left = (int64_t)seconds;
	char tmp[32];
	if (left <= 0) {
		snprintf(tmp, sizeof tmp, "%llds", (long long)left);
		for (const char *p = tmp; *p; p++)
			opsc_array_push(buf, *p);
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (left < units[i].s)
			continue;
		int n = snprintf(tmp, sizeof tmp, "%lld%c", (long long)(left / units[i].s), units[i].unit);
		for (int k = 0; k < n; k++)
			opsc_array_push(buf, tmp[k]);
		left %= units[i].s;
	}
}

static void append(text_buf *buf, const char *s, size_t len)
{
	opsc_array_reserve(buf, (uint32_t)len);
	memcpy(buf->items + buf->len, s, len);
	buf->len += (uint32_t)len;
}

static void append_s(text_buf *buf, const char *s) { append(buf, s, strlen(s)); }

static void format_into(text_buf *buf, const opsc_value *v)
{
	char tmp[64];
	switch (v->type) {
	case OPSC_PT_NULL: append_s(buf, "null"); break;
	case OPSC_PT_BOOL: append_s(buf, v->b ? "true" : "false"); break;
	case OPSC_PT_NUMBER:
	case OPSC_PT_PERCENT: snprintf(tmp, sizeof tmp, "%g", v->num), append_s(buf, tmp); break;
	case OPSC_PT_QUANTITY:
		if (!v->text)
			snprintf(tmp, sizeof tmp, "%g", v->num / 1000);
		append_s(buf, v->text ? v->text : tmp);
		break;
	case OPSC_PT_DURATION: format_duration(buf, v->num); break;
	case OPSC_PT_UNIT: append_s(buf, v->unit.text); break;
	case OPSC_PT_STRING: append_s(buf, v->str); break;
	case OPSC_PT_RECORD: {
		const char *label = opsc_policy_record_label(v);
		append_s(buf, label ? label : opsc_policy_record_name(v->rec.kind));
		break;
	}
	case OPSC_PT_LIST:
		append_s(buf, "[");
		for (uint32_t i = 0; i < v->list.len; i++) {
			if (i)
				append_s(buf, ", ");
			format_into(buf, &v->list.items[i]);
		}
		append_s(buf, "]");
		break;
	case OPSC_PT_MAP:
		append_s(buf, "{");
		for (uint32_t i = 0; i < v->map->len; i++) {
			append_s(buf, i ? ", " : " ");
			append_s(buf, v->map->items[i].key.s);
			append_s(buf, " = ");
			append_s(buf, v->map->items[i].value.s);
		}
		append_s(buf, v->map->len ? " }" : "}");
		break;
	}
}

const char *opsc_eval_format(opsc_eval *ev, const opsc_value *v)
{
	if (v->type == OPSC_PT_STRING)
		return v->str;
	text_buf buf = { 0 };
	format_into(&buf, v);
	char *s = opsc_arena_strndup(ev->scratch, buf.items ? buf.items : "", buf.len);
	opsc_array_free(&buf);
	return s;
}

/* "a ${x} b": literal parts and formatted interpolations. */
bool opsc_eval_string(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (e->str.value) {
		*out = (opsc_value){ .type = OPSC_PT_STRING, .str = e->str.value };
		return true;
	}
	text_buf buf = { 0 };
	bool ok = true;
	for (uint32_t i = 0; ok && i < e->str.nparts; i++) {
		const opsc_str_part *p = &e->str.parts[i];
		opsc_value v;
		if (!p->expr)
			append(&buf, p->text, p->len);
		else if ((ok = opsc_eval_expr(ev, p->expr, &v)))
			format_into(&buf, &v);
	}
	if (ok)
		*out = (opsc_value){ .type = OPSC_PT_STRING,
				     .str = opsc_arena_strndup(ev->scratch, buf.items ? buf.items : "", buf.len) };
	opsc_array_free(&buf);
	return ok;
}

/* ------------------------------------------------------------------ regexes */

/* Compiled once per pattern and evaluation. Unanchored, like grep: write
 * ^...$ for a whole-string match. */
bool opsc_eval_regex(opsc_eval *ev, const opsc_expr *at, const char *pattern, const char *subject,
		     bool *out)
{
	pcre2_code *code = NULL;
	for (uint32_t i = 0; i < ev->regexes.len && !code; i++)
		if (strcmp(ev->regexes.items[i].pattern, pattern) == 0)
			code = ev->regexes.items[i].code;
	if (!code) {
		int err;
		PCRE2_SIZE off;
		code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
		if (!code) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(err, msg, sizeof msg);
			return opsc_eval_fail(ev, at, "invalid regular expression at offset %zu: %s", (size_t)off,
					      (const char *)msg);
		}
		/* a copy: the pattern may be a value freed with its element */
		opsc_array_push(&ev->regexes, ((opsc_eval_regex_entry){ opsc_strdup(pattern), code }));
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = pcre2_match(code, (PCRE2_SPTR)subject, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return opsc_eval_fail(ev, at, "regular expression failed to run (PCRE2 error %d)", rc);
	*out = rc >= 0;
	return true;
}

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
				 record_suffix(ev));
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
	const opsc_value *r = innermost_record(ev);
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
