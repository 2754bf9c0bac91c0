/*
 * policy_expr.c - expressions of policies: literals, names, fields,
 * operators, functions and quantifiers.
 *
 * Names resolve innermost first: variables bound by `for` and quantifiers,
 * then the Model's collections (`environments`, ...), then `project`; any
 * other bare identifier is a symbol and evaluates to its own name, as
 * enumeration words do in blocks (`a.severity == critical`).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define NUMERIC(t) ((t) == OPSC_PT_NUMBER || (t) == OPSC_PT_DURATION || (t) == OPSC_PT_PERCENT || (t) == OPSC_PT_QUANTITY)

static opsc_value v_bool(bool b) { return (opsc_value){ .type = OPSC_PT_BOOL, .b = b }; }
static opsc_value v_num(opsc_ptype t, double n) { return (opsc_value){ .type = t, .num = n }; }
static opsc_value v_str(const char *s) { return (opsc_value){ .type = OPSC_PT_STRING, .str = s }; }

void opsc_eval_bind(opsc_eval *ev, const char *name, opsc_value value)
{
	opsc_array_push(&ev->scope, ((opsc_eval_binding){ name, value }));
}

static bool expect(opsc_eval *ev, const opsc_expr *e, opsc_value *out, opsc_ptype type, const char *what)
{
	if (!opsc_eval_expr(ev, e, out))
		return false;
	if (out->type == type)
		return true;
	return opsc_eval_fail(ev, e, "expected %s, found %s", what, opsc_eval_type_name(out));
}

bool opsc_eval_bool(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	return expect(ev, e, out, OPSC_PT_BOOL, "a condition (bool)");
}

bool opsc_eval_list(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	return expect(ev, e, out, OPSC_PT_LIST, "a collection or list");
}

/* ------------------------------------------------------------------ units */

static const struct {
	const char *suffix;
	double milli;
} qty_units[] = {
	{ "m", 1 },	    { "", 1e3 },	  { "k", 1e6 },		{ "M", 1e9 },
	{ "G", 1e12 },	    { "T", 1e15 },	  { "P", 1e18 },	{ "E", 1e21 },
	{ "Ki", 1024e3 },   { "Mi", 1048576e3 }, { "Gi", 1073741824e3 }, { "Ti", 1099511627776e3 },
	{ "Pi", 1125899906842624e3 }, { "Ei", 1152921504606846976e3 },
};

static const struct {
	char unit;
	double seconds;
} dur_units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };

/* "1h30m" -> 5400; false when the text is not a duration. */
static bool parse_duration(const char *t, double *out)
{
	double total = 0;
	while (*t) {
		char *end;
		double n = strtod(t, &end);
		size_t i = 0;
		while (i < sizeof dur_units / sizeof *dur_units && (end == t || dur_units[i].unit != *end))
			i++;
		if (i == sizeof dur_units / sizeof *dur_units)
			return false;
		total += n * dur_units[i].seconds;
		t = end + 1;
	}
	*out = total;
	return true;
}

/* `5m` is 300 seconds or 5 milli-units: kept both ways until compared. */
static opsc_value unit_literal(const opsc_expr *e)
{
	opsc_value v = { .type = OPSC_PT_UNIT };
	v.unit.text = e->num.text;
	v.unit.milli = NAN;
	for (size_t i = 0; i < sizeof qty_units / sizeof *qty_units; i++)
		if (strcmp(qty_units[i].suffix, e->num.unit) == 0)
			v.unit.milli = e->num.value * qty_units[i].milli;
	v.unit.is_dur = parse_duration(e->num.text, &v.unit.seconds);
	return v;
}

/* Fixes the meaning of a unit literal by the other operand; false when it
 * cannot mean that. */
static bool resolve_unit(opsc_value *v, const opsc_value *other)
{
	if (v->type != OPSC_PT_UNIT)
		return true;
	bool as_dur = other->type == OPSC_PT_DURATION ||
		      (other->type == OPSC_PT_UNIT && v->unit.is_dur && other->unit.is_dur);
	if (as_dur) {
		if (!v->unit.is_dur)
			return false;
		*v = v_num(OPSC_PT_DURATION, v->unit.seconds);
		return true;
	}
	if (isnan(v->unit.milli))
		return false;
	const char *text = v->unit.text;
	*v = v_num(OPSC_PT_QUANTITY, v->unit.milli);
	v->text = text;
	return true;
}

/* A unit literal scaled by a number (`2 * 1h`): a duration when it reads
 * as one, else a quantity. */
static void resolve_alone(opsc_value *v)
{
	opsc_value dur = { .type = OPSC_PT_DURATION };
	resolve_unit(v, v->unit.is_dur ? &dur : v);
}

/* Brings two numeric values to one scale: same type, a number against a
 * percentage (80% is 80) or against a quantity (2 is 2000 milli). */
static bool numeric_pair(opsc_value *a, opsc_value *b)
{
	if (!resolve_unit(a, b) || !resolve_unit(b, a))
		return false;
	if (!NUMERIC(a->type) || !NUMERIC(b->type))
		return false;
	if (a->type == b->type)
		return true;
	opsc_value *num = a->type == OPSC_PT_NUMBER ? a : b->type == OPSC_PT_NUMBER ? b : NULL;
	opsc_value *other = num == a ? b : a;
	if (!num || other->type == OPSC_PT_DURATION)
		return false;
	if (other->type == OPSC_PT_QUANTITY)
		num->num *= 1000;
	num->type = other->type;
	return true;
}

/* ---------------------------------------------------------------- equality */

/* 1 equal, 0 different, -1 not comparable. null equals only null. */
static int values_equal(opsc_value a, opsc_value b)
{
	if (a.type == OPSC_PT_NULL || b.type == OPSC_PT_NULL)
		return a.type == b.type;
	if (NUMERIC(a.type) || NUMERIC(b.type) || a.type == OPSC_PT_UNIT || b.type == OPSC_PT_UNIT)
		return numeric_pair(&a, &b) ? a.num == b.num : -1;
	if (a.type != b.type)
		return -1;
	switch (a.type) {
	case OPSC_PT_BOOL: return a.b == b.b;
	case OPSC_PT_STRING: return strcmp(a.str, b.str) == 0;
	case OPSC_PT_RECORD: return a.rec.node == b.rec.node;
	case OPSC_PT_MAP: return a.map == b.map;
	case OPSC_PT_LIST:
		if (a.list.len != b.list.len)
			return 0;
		for (uint32_t i = 0; i < a.list.len; i++)
			if (values_equal(a.list.items[i], b.list.items[i]) != 1)
				return 0;
		return 1;
	default: return -1;
	}
}

/* --------------------------------------------------------------- operators */

static bool compare(opsc_eval *ev, const opsc_expr *e, opsc_value a, opsc_value b, opsc_value *out)
{
	opsc_op op = e->binary.op;
	int c;
	if (a.type == OPSC_PT_STRING && b.type == OPSC_PT_STRING) {
		c = strcmp(a.str, b.str);
	} else if (numeric_pair(&a, &b)) {
		c = a.num < b.num ? -1 : a.num > b.num;
	} else {
		return opsc_eval_fail(ev, e, "cannot compare %s with %s", opsc_eval_type_name(&a),
				      opsc_eval_type_name(&b));
	}
	bool r = op == OPSC_OP_LT ? c < 0 : op == OPSC_OP_LE ? c <= 0 : op == OPSC_OP_GT ? c > 0 : c >= 0;
	*out = v_bool(r);
	return true;
}

static bool equality(opsc_eval *ev, const opsc_expr *e, opsc_value a, opsc_value b, opsc_value *out)
{
	int eq = values_equal(a, b);
	if (eq < 0)
		return opsc_eval_fail(ev, e, "cannot compare %s with %s", opsc_eval_type_name(&a),
				      opsc_eval_type_name(&b));
	*out = v_bool((eq == 1) == (e->binary.op == OPSC_OP_EQ));
	return true;
}

static bool match(opsc_eval *ev, const opsc_expr *e, opsc_value a, opsc_value b, opsc_value *out)
{
	if (a.type != OPSC_PT_STRING || b.type != OPSC_PT_STRING)
		return opsc_eval_fail(ev, e, "`=~` and `!~` need strings, found %s and %s",
				      opsc_eval_type_name(&a), opsc_eval_type_name(&b));
	bool m;
	if (!opsc_eval_regex(ev, e->binary.right, b.str, a.str, &m))
		return false;
	*out = v_bool(m == (e->binary.op == OPSC_OP_MATCH));
	return true;
}

/* + - * /: numbers of one kind; a duration, percentage or quantity scaled
 * by a number; strings joined with +. */
static bool arith(opsc_eval *ev, const opsc_expr *e, opsc_value a, opsc_value b, opsc_value *out)
{
	opsc_op op = e->binary.op;
	if (op == OPSC_OP_ADD && a.type == OPSC_PT_STRING && b.type == OPSC_PT_STRING) {
		*out = v_str(opsc_arena_printf(ev->scratch, "%s%s", a.str, b.str));
		return true;
	}
	if (a.type == OPSC_PT_UNIT && b.type == OPSC_PT_NUMBER)
		resolve_alone(&a);
	if (b.type == OPSC_PT_UNIT && a.type == OPSC_PT_NUMBER)
		resolve_alone(&b);
	bool scale = (op == OPSC_OP_MUL || op == OPSC_OP_DIV) && b.type == OPSC_PT_NUMBER && NUMERIC(a.type);
	bool scale_left = op == OPSC_OP_MUL && a.type == OPSC_PT_NUMBER && NUMERIC(b.type);
	opsc_ptype type = scale ? a.type : scale_left ? b.type : OPSC_PT_NULL;
	if (!scale && !scale_left) {
		if (!numeric_pair(&a, &b))
			return opsc_eval_fail(ev, e, "cannot apply `%s` to %s and %s",
					      op == OPSC_OP_ADD ? "+" : op == OPSC_OP_SUB ? "-" : op == OPSC_OP_MUL ? "*" : "/",
					      opsc_eval_type_name(&a), opsc_eval_type_name(&b));
		type = op == OPSC_OP_DIV ? OPSC_PT_NUMBER : a.type;
	}
	if (op == OPSC_OP_DIV && b.num == 0)
		return opsc_eval_fail(ev, e, "division by zero");
	double r = op == OPSC_OP_ADD ? a.num + b.num : op == OPSC_OP_SUB ? a.num - b.num
		 : op == OPSC_OP_MUL ? a.num * b.num : a.num / b.num;
	*out = v_num(type, r);
	return true;
}

/* `&&` and `||` evaluate the right side only when needed. */
static bool logic(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (!opsc_eval_bool(ev, e->binary.left, out))
		return false;
	if (out->b == (e->binary.op == OPSC_OP_OR))
		return true;
	return opsc_eval_bool(ev, e->binary.right, out);
}

static bool binary(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (e->binary.op == OPSC_OP_AND || e->binary.op == OPSC_OP_OR)
		return logic(ev, e, out);
	opsc_value a, b;
	if (!opsc_eval_expr(ev, e->binary.left, &a) || !opsc_eval_expr(ev, e->binary.right, &b))
		return false;
	switch (e->binary.op) {
	case OPSC_OP_EQ:
	case OPSC_OP_NE: return equality(ev, e, a, b, out);
	case OPSC_OP_LT:
	case OPSC_OP_LE:
	case OPSC_OP_GT:
	case OPSC_OP_GE: return compare(ev, e, a, b, out);
	case OPSC_OP_MATCH:
	case OPSC_OP_NMATCH: return match(ev, e, a, b, out);
	default: return arith(ev, e, a, b, out);
	}
}

static bool unary(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (e->unary.op == OPSC_OP_NOT) {
		if (!opsc_eval_bool(ev, e->unary.operand, out))
			return false;
		out->b = !out->b;
		return true;
	}
	if (!opsc_eval_expr(ev, e->unary.operand, out))
		return false;
	if (out->type == OPSC_PT_UNIT)
		resolve_alone(out);
	if (!NUMERIC(out->type))
		return opsc_eval_fail(ev, e, "cannot negate a %s", opsc_eval_type_name(out));
	out->num = -out->num;
	out->text = NULL;
	return true;
}

/* ------------------------------------------------------------------- names */

static bool ident(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	for (uint32_t i = ev->scope.len; i-- > 0;)
		if (strcmp(ev->scope.items[i].name, e->ident) == 0) {
			*out = ev->scope.items[i].value;
			return true;
		}
	int c = opsc_policy_collection_find(e->ident);
	if (c >= 0)
		*out = opsc_policy_collection(ev->scratch, ev->model, c);
	else if (strcmp(e->ident, "project") == 0)
		*out = ev->project ? (opsc_value){ .type = OPSC_PT_RECORD, .rec = { OPSC_REC_PROJECT, ev->project } }
				   : (opsc_value){ .type = OPSC_PT_NULL };
	else
		*out = v_str(e->ident);
	return true;
}

static bool bound(const opsc_eval *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->scope.len; i++)
		if (strcmp(ev->scope.items[i].name, name) == 0)
			return true;
	return false;
}

/* References as in blocks: env.production, role.app-developer. */
static const struct {
	const char *prefix, *collection;
} refs[] = {
	{ "env", "environments" }, { "role", "roles" },	   { "network", "networks" },
	{ "backup", "backups" },   { "alert", "alerts" }, { "receiver", "receivers" },
};

/* 1 when `e` is a reference (resolved into *out), 0 when it is not one,
 * -1 on a reference to nothing. */
static int reference(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	const opsc_expr *o = e->member.object;
	if (o->kind != OPSC_EXPR_IDENT || bound(ev, o->ident))
		return 0;
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
		if (strcmp(refs[i].prefix, o->ident) != 0)
			continue;
		opsc_value all = opsc_policy_collection(ev->scratch, ev->model, opsc_policy_collection_find(refs[i].collection));
		for (uint32_t k = 0; k < all.list.len; k++) {
			const char *label = opsc_policy_record_label(&all.list.items[k]);
			if (label && strcmp(label, e->member.name) == 0) {
				*out = all.list.items[k];
				return 1;
			}
		}
		opsc_eval_fail(ev, e, "no %s named `%s` in this Model", refs[i].collection, e->member.name);
		return -1;
	}
	return 0;
}

static opsc_value map_get(const opsc_kvs *map, const char *key)
{
	for (uint32_t i = 0; i < map->len; i++)
		if (map->items[i].key.s && strcmp(map->items[i].key.s, key) == 0)
			return v_str(map->items[i].value.s ? map->items[i].value.s : "");
	return (opsc_value){ .type = OPSC_PT_NULL };
}

static bool member(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	int r = reference(ev, e, out);
	if (r != 0)
		return r > 0;
	opsc_value o;
	if (!opsc_eval_expr(ev, e->member.object, &o))
		return false;
	if (o.type == OPSC_PT_MAP) {
		*out = map_get(o.map, e->member.name);
		return true;
	}
	if (o.type != OPSC_PT_RECORD)
		return opsc_eval_fail(ev, e, "a %s has no field `%s`", opsc_eval_type_name(&o), e->member.name);
	const opsc_policy_field *f = opsc_policy_field_find(o.rec.kind, e->member.name);
	if (!f)
		return opsc_eval_fail(ev, e, "%s has no field `%s`", opsc_policy_record_name(o.rec.kind),
				      e->member.name);
	*out = f->get(ev->scratch, ev->model, o.rec.node, f);
	return true;
}

static bool index_(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	opsc_value o, i;
	if (!opsc_eval_expr(ev, e->index.object, &o) || !opsc_eval_expr(ev, e->index.index, &i))
		return false;
	if (o.type == OPSC_PT_MAP && i.type == OPSC_PT_STRING) {
		*out = map_get(o.map, i.str);
		return true;
	}
	if (o.type != OPSC_PT_LIST || i.type != OPSC_PT_NUMBER)
		return opsc_eval_fail(ev, e, "cannot index a %s with a %s", opsc_eval_type_name(&o),
				      opsc_eval_type_name(&i));
	if (i.num != floor(i.num) || i.num < 0 || i.num >= o.list.len)
		return opsc_eval_fail(ev, e->index.index, "index %g is out of range: the list has %u item%s",
				      i.num, o.list.len, o.list.len == 1 ? "" : "s");
	*out = o.list.items[(uint32_t)i.num];
	return true;
}

/* --------------------------------------------------------------- functions */

static bool fn_contains(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out)
{
	if (a[0].type == OPSC_PT_STRING && a[1].type == OPSC_PT_STRING) {
		*out = v_bool(strstr(a[0].str, a[1].str) != NULL);
		return true;
	}
	if (a[0].type == OPSC_PT_MAP && a[1].type == OPSC_PT_STRING) {
		*out = v_bool(map_get(a[0].map, a[1].str).type != OPSC_PT_NULL);
		return true;
	}
	if (a[0].type != OPSC_PT_LIST)
		return opsc_eval_fail(ev, e->call.args[0], "contains() needs a list, a map or a string, found %s",
				      opsc_eval_type_name(&a[0]));
	bool found = false;
	for (uint32_t i = 0; i < a[0].list.len && !found; i++)
		found = values_equal(a[0].list.items[i], a[1]) == 1;
	*out = v_bool(found);
	return true;
}

static bool fn_len(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out)
{
	double n = a[0].type == OPSC_PT_LIST	 ? (double)a[0].list.len
		 : a[0].type == OPSC_PT_STRING ? (double)strlen(a[0].str)
		 : a[0].type == OPSC_PT_MAP	 ? (double)a[0].map->len
						 : -1;
	if (n < 0)
		return opsc_eval_fail(ev, e->call.args[0], "len() needs a list, a map or a string, found %s",
				      opsc_eval_type_name(&a[0]));
	*out = v_num(OPSC_PT_NUMBER, n);
	return true;
}

static bool affix(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out, bool suffix)
{
	for (int i = 0; i < 2; i++)
		if (a[i].type != OPSC_PT_STRING)
			return opsc_eval_fail(ev, e->call.args[i], "%s() needs strings, found %s", e->call.name,
					      opsc_eval_type_name(&a[i]));
	size_t n = strlen(a[0].str), k = strlen(a[1].str);
	*out = v_bool(k <= n && memcmp(a[0].str + (suffix ? n - k : 0), a[1].str, k) == 0);
	return true;
}

static bool fn_startswith(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out)
{
	return affix(ev, e, a, out, false);
}

static bool fn_endswith(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out)
{
	return affix(ev, e, a, out, true);
}

/* Every key/value of the selector is among the labels, as Kubernetes
 * matchLabels selects: an empty selector matches everything. */
static bool fn_matches(opsc_eval *ev, const opsc_expr *e, const opsc_value *a, opsc_value *out)
{
	for (int i = 0; i < 2; i++)
		if (a[i].type != OPSC_PT_MAP)
			return opsc_eval_fail(ev, e->call.args[i], "matches() needs maps, found a %s",
					      opsc_eval_type_name(&a[i]));
	bool all = true;
	for (uint32_t i = 0; i < a[0].map->len && all; i++) {
		const opsc_kv *kv = &a[0].map->items[i];
		opsc_value v = map_get(a[1].map, kv->key.s);
		all = v.type == OPSC_PT_STRING && strcmp(v.str, kv->value.s ? kv->value.s : "") == 0;
	}
	*out = v_bool(all);
	return true;
}

/* Kept in step with the type checker's table (sema_policy.c). */
static const struct {
	const char *name;
	uint32_t nargs;
	bool (*run)(opsc_eval *ev, const opsc_expr *e, const opsc_value *args, opsc_value *out);
} functions[] = {
	{ "contains", 2, fn_contains },
	{ "len", 1, fn_len },
	{ "startswith", 2, fn_startswith },
	{ "endswith", 2, fn_endswith },
	{ "matches", 2, fn_matches },
};

static bool call(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	size_t i = 0;
	while (i < sizeof functions / sizeof *functions && strcmp(functions[i].name, e->call.name) != 0)
		i++;
	if (i == sizeof functions / sizeof *functions)
		return opsc_eval_fail(ev, e, "unknown function `%s`", e->call.name);
	if (e->call.nargs != functions[i].nargs)
		return opsc_eval_fail(ev, e, "%s() takes %u argument%s, found %u", e->call.name,
				      functions[i].nargs, functions[i].nargs == 1 ? "" : "s", e->call.nargs);
	opsc_value args[2];
	for (uint32_t k = 0; k < e->call.nargs; k++)
		if (!opsc_eval_expr(ev, e->call.args[k], &args[k]))
			return false;
	return functions[i].run(ev, e, args, out);
}

/* ------------------------------------------------------------- quantifiers */

bool opsc_eval_element(opsc_eval *ev, const opsc_expr *q, bool *selected, bool *pred)
{
	opsc_value v = v_bool(true);
	*pred = true;
	if (q->quant.filter && !opsc_eval_bool(ev, q->quant.filter, &v))
		return false;
	*selected = v.b;
	if (!v.b || !q->quant.predicate)
		return true;
	if (!opsc_eval_bool(ev, q->quant.predicate, &v))
		return false;
	*pred = v.b;
	return true;
}

/* all: every selected element satisfies; any: one does; none: none does;
 * count: how many selected elements satisfy. */
static bool quantifier(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	opsc_value coll;
	if (!opsc_eval_list(ev, e->quant.collection, &coll))
		return false;
	uint32_t hits = 0, failures = 0;
	bool ok = true;
	opsc_arena_pos pos = opsc_arena_tell(ev->scratch); /* an element's values die with it */
	for (uint32_t i = 0; ok && i < coll.list.len; i++) {
		bool selected, pred;
		opsc_eval_bind(ev, e->quant.var, coll.list.items[i]);
		ok = opsc_eval_element(ev, e, &selected, &pred);
		ev->scope.len--;
		opsc_arena_rewind(ev->scratch, pos);
		hits += ok && selected && pred;
		failures += ok && selected && !pred;
	}
	switch (e->quant.kind) {
	case OPSC_QUANT_ALL: *out = v_bool(failures == 0); break;
	case OPSC_QUANT_ANY: *out = v_bool(hits > 0); break;
	case OPSC_QUANT_NONE: *out = v_bool(hits == 0); break;
	case OPSC_QUANT_COUNT: *out = v_num(OPSC_PT_NUMBER, hits); break;
	}
	return ok;
}

/* ------------------------------------------------------------- expressions */

static bool list(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	opsc_value *items = e->list.len ? opsc_arena_alloc(ev->scratch, e->list.len * sizeof *items) : NULL;
	for (uint32_t i = 0; i < e->list.len; i++)
		if (!opsc_eval_expr(ev, e->list.items[i], &items[i]))
			return false;
	*out = (opsc_value){ .type = OPSC_PT_LIST, .list = { items, e->list.len } };
	return true;
}

/* A map literal: string values (symbols are their own text). */
static bool map(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	opsc_kvs *kvs = opsc_arena_alloc(ev->scratch, sizeof *kvs);
	kvs->items = opsc_arena_alloc(ev->scratch, (e->map.len + 1) * sizeof *kvs->items);
	kvs->len = e->map.len;
	for (uint32_t i = 0; i < e->map.len; i++) {
		const opsc_pair *p = &e->map.pairs[i];
		opsc_value v;
		if (!opsc_eval_expr(ev, p->value, &v))
			return false;
		if (v.type != OPSC_PT_STRING)
			return opsc_eval_fail(ev, p->value, "a label value is a string, found a %s", opsc_eval_type_name(&v));
		kvs->items[i] = (opsc_kv){ { p->key, p->key_span }, { v.str, p->value->span } };
	}
	*out = (opsc_value){ .type = OPSC_PT_MAP, .map = kvs };
	return true;
}

static opsc_value port(opsc_eval *ev, const opsc_expr *e)
{
	if (e->port.to != e->port.from)
		return v_str(opsc_arena_printf(ev->scratch, "%u-%u/%s", e->port.from, e->port.to, e->port.protocol));
	return v_str(opsc_arena_printf(ev->scratch, "%u/%s", e->port.from, e->port.protocol));
}

bool opsc_eval_expr(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (++ev->steps > OPSC_POLICY_STEP_BUDGET) {
		ev->exhausted = true; /* reported once, at the policy, when it ends */
		return false;
	}
	switch (e->kind) {
	case OPSC_EXPR_STRING: return opsc_eval_string(ev, e, out);
	case OPSC_EXPR_NUMBER: *out = v_num(OPSC_PT_NUMBER, e->num.value); return true;
	case OPSC_EXPR_PERCENT: *out = v_num(OPSC_PT_PERCENT, e->num.value); return true;
	case OPSC_EXPR_UNIT: *out = unit_literal(e); return true;
	case OPSC_EXPR_PORT: *out = port(ev, e); return true;
	case OPSC_EXPR_BOOL: *out = v_bool(e->boolean); return true;
	case OPSC_EXPR_NULL: *out = (opsc_value){ .type = OPSC_PT_NULL }; return true;
	case OPSC_EXPR_IDENT: return ident(ev, e, out);
	case OPSC_EXPR_MEMBER: return member(ev, e, out);
	case OPSC_EXPR_INDEX: return index_(ev, e, out);
	case OPSC_EXPR_CALL: return call(ev, e, out);
	case OPSC_EXPR_LIST: return list(ev, e, out);
	case OPSC_EXPR_UNARY: return unary(ev, e, out);
	case OPSC_EXPR_BINARY: return binary(ev, e, out);
	case OPSC_EXPR_QUANT: return quantifier(ev, e, out);
	case OPSC_EXPR_MAP: return map(ev, e, out);
	}
	return opsc_eval_fail(ev, e, "not a value in a policy condition");
}

/* "a ${x} b": literal parts and formatted interpolations. */
bool opsc_eval_string(opsc_eval *ev, const opsc_expr *e, opsc_value *out)
{
	if (e->str.value) {
		*out = (opsc_value){ .type = OPSC_PT_STRING, .str = e->str.value };
		return true;
	}
	opsc_array(char) buf = { 0 };
	bool ok = true;
	for (uint32_t i = 0; ok && i < e->str.nparts; i++) {
		const opsc_str_part *p = &e->str.parts[i];
		opsc_value v;
		if (!p->expr) {
			opsc_array_append(&buf, p->text, p->len);
		} else if ((ok = opsc_eval_expr(ev, p->expr, &v))) {
			const char *t = opsc_eval_format(ev, &v);
			opsc_array_append(&buf, t, strlen(t));
		}
	}
	if (ok)
		*out = (opsc_value){ .type = OPSC_PT_STRING,
				     .str = opsc_arena_strndup(ev->scratch, buf.items ? buf.items : "", buf.len) };
	opsc_array_free(&buf);
	return ok;
}
