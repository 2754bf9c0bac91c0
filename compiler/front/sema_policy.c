/*
 * sema_policy.c - type checking of policy blocks, before anything runs.
 *
 * Types come from the same field table the evaluator reads
 * (policy_fields.c): a field that does not exist, a comparison between a
 * duration and a string, a `require` that is not a condition are errors at
 * compile time, with the fields of the record as suggestions.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "sema_int.h"
#include "util.h"

typedef struct {
	bool known;
	opsc_policy_type t;
} ptype;

typedef struct var {
	const char *name;
	ptype type;
	const struct var *outer;
} var;

typedef struct {
	sema *s;
} pcheck;

static const ptype ANY = { false, { 0 } };

static ptype of(opsc_ptype base)
{
	ptype t = { true, { base, OPSC_PT_NULL, 0 } };
	return t;
}

static ptype record(opsc_record_kind k)
{
	ptype t = { true, { OPSC_PT_RECORD, OPSC_PT_NULL, k } };
	return t;
}

static const char *type_name(ptype t)
{
	static const char *const names[] = {
		[OPSC_PT_NULL] = "null", [OPSC_PT_BOOL] = "a condition (bool)", [OPSC_PT_NUMBER] = "a number",
		[OPSC_PT_STRING] = "a string", [OPSC_PT_DURATION] = "a duration", [OPSC_PT_PERCENT] = "a percentage",
		[OPSC_PT_QUANTITY] = "a quantity", [OPSC_PT_UNIT] = "a number with a unit", [OPSC_PT_MAP] = "a map",
		[OPSC_PT_LIST] = "a list", [OPSC_PT_RECORD] = "a record",
	};
	if (t.t.base == OPSC_PT_RECORD)
		return opsc_policy_record_name(t.t.record);
	return names[t.t.base];
}

static ptype check_expr(pcheck *c, const opsc_expr *e, const var *vars);

static void expect_bool(pcheck *c, const opsc_expr *e, ptype t, const char *what)
{
	if (t.known && t.t.base != OPSC_PT_BOOL)
		opsc_diag_error(&c->s->ctx->diags, "policy-type", e->span, "%s must be a condition, found %s", what, type_name(t));
}

static bool numeric(opsc_ptype b)
{
	return b == OPSC_PT_NUMBER || b == OPSC_PT_PERCENT || b == OPSC_PT_QUANTITY || b == OPSC_PT_UNIT ||
	       b == OPSC_PT_DURATION;
}

static bool comparable(ptype a, ptype b)
{
	if (!a.known || !b.known || a.t.base == OPSC_PT_NULL || b.t.base == OPSC_PT_NULL)
		return true;
	opsc_ptype x = a.t.base, y = b.t.base;
	if (x == y)
		return x != OPSC_PT_RECORD || a.t.record == b.t.record;
	if (x == OPSC_PT_UNIT || y == OPSC_PT_UNIT) /* 5m: a duration or a quantity */
		return numeric(x) && numeric(y) && x != OPSC_PT_PERCENT && y != OPSC_PT_PERCENT;
	if (x == OPSC_PT_NUMBER || y == OPSC_PT_NUMBER)
		return numeric(x) && numeric(y) && x != OPSC_PT_DURATION && y != OPSC_PT_DURATION;
	return false;
}

static ptype field_type(pcheck *c, const opsc_expr *e, ptype obj)
{
	if (!obj.known)
		return ANY;
	if (obj.t.base != OPSC_PT_RECORD) {
		opsc_diag_error(&c->s->ctx->diags, "policy-type", e->member.name_span, "%s has no field `%s`",
				type_name(obj), e->member.name);
		return ANY;
	}
	const opsc_policy_field *f = opsc_policy_field_find(obj.t.record, e->member.name);
	if (f)
		return (ptype){ true, f->type };
	uint32_t n, k = 0;
	const opsc_policy_field *all = opsc_policy_fields(&n);
	const char *cands[128];
	for (uint32_t i = 0; i < n && k < 128; i++)
		if (all[i].record == obj.t.record)
			cands[k++] = all[i].name;
	uint32_t d = opsc_diag_error(&c->s->ctx->diags, "unknown-field", e->member.name_span, "%s has no field `%s`",
				     opsc_policy_record_name(obj.t.record), e->member.name);
	const char *best = opsc_suggest(e->member.name, cands, k);
	if (best)
		opsc_diag_help(&c->s->ctx->diags, d, "did you mean `%s`?", best);
	return ANY;
}

static const struct {
	const char *name;
	opsc_record_kind kind;
} references[] = { { "env", OPSC_REC_ENV }, { "role", OPSC_REC_ROLE }, { "backup", OPSC_REC_BACKUP },
		   { "alert", OPSC_REC_ALERT }, { "receiver", OPSC_REC_RECEIVER } };

static ptype ident_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	(void)c;
	for (const var *v = vars; v; v = v->outer)
		if (strcmp(v->name, e->ident) == 0)
			return v->type;
	int coll = opsc_policy_collection_find(e->ident);
	if (coll >= 0) {
		ptype t = { true, { OPSC_PT_LIST, OPSC_PT_RECORD, opsc_policy_collection_kind(coll) } };
		return t;
	}
	if (strcmp(e->ident, "project") == 0)
		return record(OPSC_REC_PROJECT);
	for (size_t i = 0; i < sizeof references / sizeof *references; i++)
		if (strcmp(e->ident, references[i].name) == 0)
			return ANY; /* env.production: resolved when the policy runs */
	/* a bare word compared with a string field (`severity == critical`),
	 * or a misspelt collection, reported by check_collections */
	return ANY;
}

static ptype member_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	const opsc_expr *o = e->member.object;
	if (o->kind == OPSC_EXPR_IDENT) {
		bool bound = false;
		for (const var *v = vars; v && !bound; v = v->outer)
			bound = strcmp(v->name, o->ident) == 0;
		for (size_t i = 0; i < sizeof references / sizeof *references && !bound; i++)
			if (strcmp(o->ident, references[i].name) == 0)
				return record(references[i].kind);
	}
	return field_type(c, e, check_expr(c, o, vars));
}

/* Argument checks of the policy functions: `wrong` when the type is known
 * and not one of the accepted ones (a mask of TY() bits). */
#define TY(base) (1u << OPSC_PT_##base)

static bool wrong(ptype t, unsigned accepted)
{
	return t.known && !(accepted & (1u << t.t.base));
}

static bool is(ptype t, opsc_ptype base)
{
	return t.known && t.t.base == base;
}

static void type_error(pcheck *c, const opsc_expr *at, const char *what, ptype found)
{
	opsc_diag_error(&c->s->ctx->diags, "policy-type", at->span, "%s, found %s", what, type_name(found));
}

/* contains(list, x), contains(map, key), contains(string, substring) */
static void check_contains(pcheck *c, const opsc_expr *e, const ptype *args)
{
	if (wrong(args[0], TY(LIST) | TY(MAP) | TY(STRING)))
		type_error(c, e->call.args[0], "contains() looks in a list, a map or a string", args[0]);
	else if (is(args[0], OPSC_PT_STRING) && wrong(args[1], TY(STRING)))
		type_error(c, e->call.args[1], "contains() looks for a substring in a string", args[1]);
	else if (is(args[0], OPSC_PT_MAP) && wrong(args[1], TY(STRING)))
		type_error(c, e->call.args[1], "contains() looks for a key (a string) in a map", args[1]);
}

static void check_len(pcheck *c, const opsc_expr *e, const ptype *args)
{
	if (wrong(args[0], TY(LIST) | TY(MAP) | TY(STRING)))
		type_error(c, e->call.args[0], "len() counts a list, a map or a string", args[0]);
}

static void check_strings(pcheck *c, const opsc_expr *e, const ptype *args)
{
	char what[64];
	snprintf(what, sizeof what, "%s() compares strings", e->call.name);
	for (int a = 0; a < 2; a++)
		if (wrong(args[a], TY(STRING)))
			type_error(c, e->call.args[a], what, args[a]);
}

/* matches(selector, labels) */
static void check_maps(pcheck *c, const opsc_expr *e, const ptype *args)
{
	for (int a = 0; a < 2; a++)
		if (wrong(args[a], TY(MAP)))
			type_error(c, e->call.args[a], "matches() takes two maps, a selector and labels", args[a]);
}

/* Kept in step with the evaluator's table (policy_expr.c). */
static const struct {
	const char *name;
	uint32_t nargs;
	opsc_ptype result;
	void (*check)(pcheck *c, const opsc_expr *e, const ptype *args);
} functions[] = {
	{ "contains", 2, OPSC_PT_BOOL, check_contains },
	{ "len", 1, OPSC_PT_NUMBER, check_len },
	{ "startswith", 2, OPSC_PT_BOOL, check_strings },
	{ "endswith", 2, OPSC_PT_BOOL, check_strings },
	{ "matches", 2, OPSC_PT_BOOL, check_maps },
};

enum { NFUNCTIONS = sizeof functions / sizeof *functions };

static void unknown_function(pcheck *c, const opsc_expr *e)
{
	const char *names[NFUNCTIONS];
	for (size_t f = 0; f < NFUNCTIONS; f++)
		names[f] = functions[f].name;
	uint32_t d = opsc_diag_error(&c->s->ctx->diags, "unknown-function", e->call.name_span,
				     "unknown function `%s` in a policy", e->call.name);
	const char *best = opsc_suggest(e->call.name, names, NFUNCTIONS);
	opsc_diag_help(&c->s->ctx->diags, d,
		       best ? "did you mean `%s`?" : "policies can call contains, len, startswith, endswith and matches%s",
		       best ? best : "");
}

static ptype call_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	ptype args[2] = { ANY, ANY };
	for (uint32_t i = 0; i < e->call.nargs; i++) {
		ptype t = check_expr(c, e->call.args[i], vars);
		if (i < 2)
			args[i] = t;
	}
	for (size_t f = 0; f < NFUNCTIONS; f++) {
		if (strcmp(e->call.name, functions[f].name) != 0)
			continue;
		if (e->call.nargs != functions[f].nargs) {
			opsc_diag_error(&c->s->ctx->diags, "policy-arity", e->span, "%s() takes %u argument%s",
					functions[f].name, functions[f].nargs, functions[f].nargs == 1 ? "" : "s");
			return ANY;
		}
		functions[f].check(c, e, args);
		return of(functions[f].result);
	}
	unknown_function(c, e);
	return ANY;
}

/* A map literal (`matches({ app = "web" }, e.labels)`): string values. */
static ptype map_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	for (uint32_t i = 0; i < e->map.len; i++) {
		ptype t = check_expr(c, e->map.pairs[i].value, vars);
		if (wrong(t, TY(STRING)))
			type_error(c, e->map.pairs[i].value, "a label value is a string", t);
	}
	return of(OPSC_PT_MAP);
}

static ptype binary_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	ptype l = check_expr(c, e->binary.left, vars), r = check_expr(c, e->binary.right, vars);
	switch (e->binary.op) {
	case OPSC_OP_AND:
	case OPSC_OP_OR:
		expect_bool(c, e->binary.left, l, "each side of && and ||");
		expect_bool(c, e->binary.right, r, "each side of && and ||");
		return of(OPSC_PT_BOOL);
	case OPSC_OP_MATCH:
	case OPSC_OP_NMATCH:
		if ((l.known && l.t.base != OPSC_PT_STRING) || (r.known && r.t.base != OPSC_PT_STRING))
			opsc_diag_error(&c->s->ctx->diags, "policy-type", e->binary.op_span,
					"=~ matches a string against a pattern string");
		return of(OPSC_PT_BOOL);
	case OPSC_OP_ADD:
	case OPSC_OP_SUB:
	case OPSC_OP_MUL:
	case OPSC_OP_DIV:
		if ((l.known && !numeric(l.t.base)) || (r.known && !numeric(r.t.base))) {
			opsc_diag_error(&c->s->ctx->diags, "policy-type", e->binary.op_span, "arithmetic needs numbers, found %s and %s",
					l.known ? type_name(l) : "a value", r.known ? type_name(r) : "a value");
			return ANY;
		}
		return l.known ? l : r;
	default:
		if (!comparable(l, r))
			opsc_diag_error(&c->s->ctx->diags, "policy-type", e->binary.op_span, "cannot compare %s with %s",
					type_name(l), type_name(r));
		return of(OPSC_PT_BOOL);
	}
}

static ptype quant_type(pcheck *c, const opsc_expr *e, const var *vars)
{
	ptype coll = check_expr(c, e->quant.collection, vars);
	ptype elem = ANY;
	if (coll.known && coll.t.base != OPSC_PT_LIST)
		opsc_diag_error(&c->s->ctx->diags, "policy-type", e->quant.collection->span,
				"a quantifier ranges over a list, found %s", type_name(coll));
	else if (coll.known)
		elem = (ptype){ true, { coll.t.elem, OPSC_PT_NULL, coll.t.record } };
	var v = { e->quant.var, elem, vars };
	if (e->quant.filter)
		expect_bool(c, e->quant.filter, check_expr(c, e->quant.filter, &v), "a `where` filter");
	if (e->quant.predicate)
		expect_bool(c, e->quant.predicate, check_expr(c, e->quant.predicate, &v), "a quantifier's predicate");
	return of(e->quant.kind == OPSC_QUANT_COUNT ? OPSC_PT_NUMBER : OPSC_PT_BOOL);
}

static ptype check_expr(pcheck *c, const opsc_expr *e, const var *vars)
{
	if (!e)
		return ANY;
	switch (e->kind) {
	case OPSC_EXPR_STRING:
		for (uint32_t i = 0; i < e->str.nparts; i++)
			if (e->str.parts[i].expr)
				check_expr(c, e->str.parts[i].expr, vars);
		return of(OPSC_PT_STRING);
	case OPSC_EXPR_NUMBER: return of(OPSC_PT_NUMBER);
	case OPSC_EXPR_UNIT: return of(OPSC_PT_UNIT);
	case OPSC_EXPR_PERCENT: return of(OPSC_PT_PERCENT);
	case OPSC_EXPR_BOOL: return of(OPSC_PT_BOOL);
	case OPSC_EXPR_NULL: return of(OPSC_PT_NULL);
	case OPSC_EXPR_IDENT: return ident_type(c, e, vars);
	case OPSC_EXPR_MEMBER: return member_type(c, e, vars);
	case OPSC_EXPR_CALL: return call_type(c, e, vars);
	case OPSC_EXPR_LIST:
		for (uint32_t i = 0; i < e->list.len; i++)
			check_expr(c, e->list.items[i], vars);
		return of(OPSC_PT_LIST);
	case OPSC_EXPR_MAP: return map_type(c, e, vars);
	case OPSC_EXPR_UNARY: {
		ptype t = check_expr(c, e->unary.operand, vars);
		if (e->unary.op == OPSC_OP_NOT)
			expect_bool(c, e->unary.operand, t, "the operand of `not`");
		return e->unary.op == OPSC_OP_NOT ? of(OPSC_PT_BOOL) : t;
	}
	case OPSC_EXPR_BINARY: return binary_type(c, e, vars);
	case OPSC_EXPR_QUANT: return quant_type(c, e, vars);
	case OPSC_EXPR_INDEX: {
		ptype t = check_expr(c, e->index.object, vars);
		check_expr(c, e->index.index, vars);
		return t.known && t.t.base == OPSC_PT_LIST ? (ptype){ true, { t.t.elem, OPSC_PT_NULL, t.t.record } } : ANY;
	}
	default: return ANY;
	}
}

static void check_body(pcheck *c, const opsc_body *body, const var *vars)
{
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind == OPSC_STMT_REQUIRE || st->kind == OPSC_STMT_DENY) {
			expect_bool(c, st->check.condition, check_expr(c, st->check.condition, vars),
				    st->kind == OPSC_STMT_REQUIRE ? "what `require` checks" : "what `deny` checks");
			if (st->check.message)
				check_expr(c, st->check.message, vars);
		} else if (st->kind == OPSC_STMT_FOR) {
			ptype coll = check_expr(c, st->loop.collection, vars);
			ptype elem = ANY;
			if (coll.known && coll.t.base != OPSC_PT_LIST)
				opsc_diag_error(&c->s->ctx->diags, "policy-type", st->loop.collection->span,
						"`for` ranges over a list, found %s", type_name(coll));
			else if (coll.known)
				elem = (ptype){ true, { coll.t.elem, OPSC_PT_NULL, coll.t.record } };
			var v = { st->loop.var, elem, vars };
			if (st->loop.filter)
				expect_bool(c, st->loop.filter, check_expr(c, st->loop.filter, &v), "a `where` filter");
			check_body(c, &st->loop.body, &v);
		}
	}
}

/* Unknown collection names are caught here, where the user wrote them:
 * `for e in enviroments` would otherwise read as a bare word. */
static void check_collections(pcheck *c, const opsc_body *body)
{
	static const char *const names[] = { "environments", "roles", "bindings", "networks", "backups", "alerts", "receivers",
					     "workloads", "secrets", "secret_stores" };
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind != OPSC_STMT_FOR)
			continue;
		const opsc_expr *e = st->loop.collection;
		if (e->kind == OPSC_EXPR_IDENT && opsc_policy_collection_find(e->ident) < 0 && strcmp(e->ident, st->loop.var) != 0) {
			uint32_t d = opsc_diag_error(&c->s->ctx->diags, "unknown-collection", e->span,
						     "there is no collection `%s`", e->ident);
			const char *best = opsc_suggest(e->ident, names, sizeof names / sizeof *names);
			opsc_diag_help(&c->s->ctx->diags, d, best ? "did you mean `%s`?" : "collections: environments, roles, bindings, networks, backups, alerts, receivers, workloads, secrets, secret_stores%s",
				       best ? best : "");
		}
		check_collections(c, &st->loop.body);
	}
}

void sema_policy_check(sema *s, const opsc_block *b, const sema_scope *scope)
{
	(void)scope;
	pcheck c = { s };
	check_collections(&c, &b->body);
	check_body(&c, &b->body, NULL);
}
