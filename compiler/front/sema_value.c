/*
 * sema_value.c - reading attribute values: template parameters substituted,
 * units checked, and a located error in the user's terms when a value does
 * not fit what the attribute expects.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sema_int.h"

const char *sema_describe(const opsc_expr *e)
{
	switch (e->kind) {
	case OPSC_EXPR_STRING: return e->str.raw ? "a raw string" : "a string";
	case OPSC_EXPR_NUMBER: return "a number";
	case OPSC_EXPR_UNIT: return "a number with a unit";
	case OPSC_EXPR_PERCENT: return "a percentage";
	case OPSC_EXPR_PORT: return "a port";
	case OPSC_EXPR_BOOL: return "a boolean";
	case OPSC_EXPR_NULL: return "null";
	case OPSC_EXPR_IDENT: return "a name";
	case OPSC_EXPR_MEMBER: return "a reference";
	case OPSC_EXPR_CALL: return "a call";
	case OPSC_EXPR_LIST: return "a list";
	case OPSC_EXPR_MAP: return "a map";
	default: return "an expression";
	}
}

static bool mismatch(sema *s, const opsc_expr *e, const char *expected)
{
	opsc_diag_error(&s->ctx->diags, "type-mismatch", e->span, "expected %s, found %s", expected, sema_describe(e));
	return false;
}

const opsc_expr *sema_resolve(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	(void)s;
	for (int guard = 0; e && e->kind == OPSC_EXPR_IDENT && guard < 32; guard++) {
		const opsc_expr *found = NULL;
		for (const sema_scope *sc = scope; sc && !found; sc = sc->outer)
			for (uint32_t i = 0; i < sc->len && !found; i++)
				if (strcmp(sc->names[i], e->ident) == 0)
					found = sc->values[i];
		if (!found)
			break;
		e = found;
		scope = NULL; /* values were resolved at the use site */
	}
	return e;
}

/* Text of a value interpolated into a string: what the user wrote, with
 * percentages as their number (`${cpu}` in PromQL gives 80). */
typedef opsc_array(char) char_buf;

static bool render(sema *s, const opsc_expr *e, const sema_scope *scope, char_buf *buf)
{
	e = sema_resolve(s, e, scope);
	const char *t = NULL;
	char num[64];
	switch (e->kind) {
	case OPSC_EXPR_STRING: {
		opsc_str str;
		if (!sema_string(s, e, NULL, &str))
			return false;
		t = str.s;
		break;
	}
	case OPSC_EXPR_NUMBER:
	case OPSC_EXPR_PERCENT:
		snprintf(num, sizeof num, "%.15g", e->num.value);
		t = num;
		break;
	case OPSC_EXPR_UNIT: t = e->num.text; break;
	case OPSC_EXPR_BOOL: t = e->boolean ? "true" : "false"; break;
	case OPSC_EXPR_IDENT: t = e->ident; break;
	default:
		opsc_diag_error(&s->ctx->diags, "bad-interpolation", e->span,
				"only template parameters and literals can be interpolated here");
		return false;
	}
	size_t n = strlen(t);
	opsc_array_reserve(buf, (uint32_t)n);
	memcpy(buf->items + buf->len, t, n);
	buf->len += (uint32_t)n;
	return true;
}

bool sema_string(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_STRING)
		return mismatch(s, e, "a string");
	out->span = e->span;
	if (e->str.value) {
		out->s = e->str.value;
		return true;
	}
	char_buf buf = { 0 };
	bool ok = true;
	for (uint32_t i = 0; i < e->str.nparts && ok; i++) {
		const opsc_str_part *p = &e->str.parts[i];
		if (p->expr) {
			ok = render(s, p->expr, scope, &buf);
		} else {
			opsc_array_reserve(&buf, p->len);
			memcpy(buf.items + buf.len, p->text, p->len);
			buf.len += p->len;
		}
	}
	out->s = opsc_arena_strndup(s->ctx->arena, buf.items ? buf.items : "", buf.len);
	opsc_array_free(&buf);
	return ok;
}

bool sema_number(sema *s, const opsc_expr *e, const sema_scope *scope, double *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_NUMBER)
		return mismatch(s, e, "a number");
	*out = e->num.value;
	return true;
}

bool sema_int(sema *s, const opsc_expr *e, const sema_scope *scope, int64_t *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_NUMBER || e->num.value != floor(e->num.value) || e->num.value > 1e15)
		return mismatch(s, e, "a whole number");
	*out = (int64_t)e->num.value;
	return true;
}

bool sema_bool(sema *s, const opsc_expr *e, const sema_scope *scope, bool *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_BOOL)
		return mismatch(s, e, "true or false");
	*out = e->boolean;
	return true;
}

bool sema_duration(sema *s, const opsc_expr *e, const sema_scope *scope, int64_t *out)
{
	e = sema_resolve(s, e, scope);
	const char *why = NULL;
	if (e->kind == OPSC_EXPR_NUMBER && e->num.value == 0) {
		*out = 0;
		return true;
	}
	if (e->kind != OPSC_EXPR_UNIT)
		return mismatch(s, e, "a duration like `5m`");
	if (!opsc_units_duration(e->num.text, out, &why)) {
		opsc_diag_error(&s->ctx->diags, "bad-duration", e->span, "`%s` is not a duration: %s", e->num.text, why);
		return false;
	}
	return true;
}

bool sema_quantity(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_qty *out)
{
	e = sema_resolve(s, e, scope);
	const char *why = NULL;
	if (e->kind != OPSC_EXPR_UNIT && e->kind != OPSC_EXPR_NUMBER)
		return mismatch(s, e, "a quantity like `500m` or `64Gi`");
	if (!opsc_units_quantity(e->num.text, &out->milli, &why)) {
		opsc_diag_error(&s->ctx->diags, "bad-quantity", e->span, "`%s` is not a quantity: %s", e->num.text, why);
		return false;
	}
	out->text = e->num.text;
	out->span = e->span;
	return true;
}

const opsc_expr *const *sema_items(sema *s, const opsc_expr *e, const sema_scope *scope, uint32_t *n)
{
	e = sema_resolve(s, e, scope);
	if (e->kind == OPSC_EXPR_LIST) {
		*n = e->list.len;
		return (const opsc_expr *const *)e->list.items;
	}
	const opsc_expr **one = opsc_arena_alloc(s->ctx->arena, sizeof *one);
	one[0] = e;
	*n = 1;
	return one;
}

/* A word in a list of strings: a string, or a bare name (verbs, labels). */
static bool word(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind == OPSC_EXPR_IDENT) {
		*out = (opsc_str){ e->ident, e->span };
		return true;
	}
	if (e->kind != OPSC_EXPR_STRING)
		return mismatch(s, e, "a string or a name");
	return sema_string(s, e, scope, out);
}

bool sema_strings(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_strs *out)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind != OPSC_EXPR_LIST)
		return mismatch(s, r, "a list of strings");
	out->len = 0;
	out->items = opsc_arena_alloc(s->ctx->arena, (r->list.len + 1) * sizeof *out->items);
	bool ok = true;
	for (uint32_t i = 0; i < r->list.len; i++)
		if (word(s, r->list.items[i], scope, &out->items[out->len]))
			out->len++;
		else
			ok = false;
	return ok;
}

bool sema_map(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_kvs *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_MAP)
		return mismatch(s, e, "a map like { key = \"value\" }");
	out->len = 0;
	out->items = opsc_arena_alloc(s->ctx->arena, (e->map.len + 1) * sizeof *out->items);
	bool ok = true;
	for (uint32_t i = 0; i < e->map.len; i++) {
		const opsc_pair *p = &e->map.pairs[i];
		for (uint32_t k = 0; k < i; k++) {
			if (strcmp(e->map.pairs[k].key, p->key) == 0) {
				uint32_t d = opsc_diag_error(&s->ctx->diags, "duplicate-key", p->key_span,
							     "duplicate key `%s` in the map", p->key);
				opsc_diag_add_note(&s->ctx->diags, d, e->map.pairs[k].key_span, "first given here");
				ok = false;
			}
		}
		opsc_kv *kv = &out->items[out->len];
		kv->key = (opsc_str){ p->key, p->key_span };
		const opsc_expr *v = sema_resolve(s, p->value, scope);
		if (v->kind == OPSC_EXPR_NUMBER || v->kind == OPSC_EXPR_BOOL || v->kind == OPSC_EXPR_IDENT) {
			char_buf buf = { 0 };
			render(s, v, NULL, &buf);
			kv->value = (opsc_str){ opsc_arena_strndup(s->ctx->arena, buf.items, buf.len), v->span };
			opsc_array_free(&buf);
			out->len++;
		} else if (word(s, v, scope, &kv->value)) {
			out->len++;
		} else {
			ok = false;
		}
	}
	return ok;
}

const opsc_stmt *sema_attr_find(const opsc_block *b, const char *name)
{
	for (uint32_t i = 0; i < b->body.len; i++)
		if (b->body.items[i].kind == OPSC_STMT_ATTR && strcmp(b->body.items[i].attr.name, name) == 0)
			return &b->body.items[i];
	return NULL;
}

bool sema_is_null(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	return sema_resolve(s, e, scope)->kind == OPSC_EXPR_NULL;
}

const opsc_stmt *sema_attr_given(sema *s, const opsc_block *b, const char *name, const sema_scope *scope)
{
	const opsc_stmt *a = sema_attr_find(b, name);
	return a && !sema_is_null(s, a->attr.value, scope) ? a : NULL;
}

const char *sema_label(sema *s, const opsc_label *l, const sema_scope *scope)
{
	if (l->kind != OPSC_LABEL_STRING || !l->expr || l->expr->str.value)
		return l->text;
	opsc_str out;
	return sema_string(s, l->expr, scope, &out) ? out.s : l->text;
}

/* --------------------------------------------------------- type checking */

static bool one_of(sema *s, const opsc_expr *e, const sema_scope *scope, const char *const *words,
		   const char *expected)
{
	e = sema_resolve(s, e, scope);
	const char *w = e->kind == OPSC_EXPR_IDENT ? e->ident : e->kind == OPSC_EXPR_STRING ? e->str.value : NULL;
	for (uint32_t i = 0; w && words[i]; i++)
		if (strcmp(words[i], w) == 0)
			return true;
	if (w)
		opsc_diag_error(&s->ctx->diags, "bad-value", e->span, "expected %s, found `%s`", expected, w);
	else
		mismatch(s, e, expected);
	return false;
}

static bool check_cron(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	opsc_str str;
	char why[200];
	if (!sema_string(s, e, scope, &str))
		return false;
	if (opsc_units_cron(str.s, why, sizeof why))
		return sema_cron_fires(s, &str);
	opsc_diag_error(&s->ctx->diags, "bad-cron", str.span, "invalid cron schedule \"%s\": %s", str.s, why);
	return false;
}

static bool check_secret(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	e = sema_resolve(s, e, scope);
	if (e->kind == OPSC_EXPR_STRING) {
		uint32_t d = opsc_diag_error(&s->ctx->diags, "inline-secret", e->span,
					     "secrets are referenced, never inlined");
		s->ctx->diags.items.items[d].redact = true;
		opsc_diag_help(&s->ctx->diags, d, "use secret(\"name\", \"key\"): a key of a Kubernetes Secret");
		return false;
	}
	if (e->kind != OPSC_EXPR_CALL || strcmp(e->call.name, "secret") != 0 || e->call.nargs < 2 || e->call.nargs > 3)
		return mismatch(s, e, "secret(\"name\", \"key\") or secret(\"name\", \"key\", { options })");
	opsc_str a, b;
	/* both read, so both report their errors */
	bool ok_a = sema_string(s, e->call.args[0], scope, &a);
	bool ok_b = sema_string(s, e->call.args[1], scope, &b);
	bool ok = ok_a && ok_b;
	return (e->call.nargs < 3 || sema_secret_options(s, e->call.args[2], scope, NULL)) && ok;
}

static bool check_ref(sema *s, const opsc_expr *e, const sema_scope *scope, const char *kind, const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_MEMBER || e->member.object->kind != OPSC_EXPR_IDENT ||
	    strcmp(e->member.object->ident, kind) != 0)
		return mismatch(s, e, expected);
	return true;
}

static bool check_list(sema *s, const opsc_expr *e, const sema_scope *scope, bool (*each)(sema *, const opsc_expr *, const sema_scope *),
		       const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_LIST) /* one item needs no brackets */
		return each(s, e, scope);
	(void)expected;
	bool ok = true;
	for (uint32_t i = 0; i < e->list.len; i++)
		ok &= each(s, e->list.items[i], scope);
	return ok;
}

static bool env_ref(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	return check_ref(s, e, scope, "env", "an environment like env.production");
}

static bool port(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_PORT)
		return mismatch(s, e, "a port like 443/tcp");
	if (!opsc_units_protocol(e->port.protocol)) {
		opsc_diag_error(&s->ctx->diags, "bad-port", e->span, "unknown protocol `%s`: use tcp, udp or sctp", e->port.protocol);
		return false;
	}
	if (e->port.from < 1 || e->port.to > 65535 || e->port.to < e->port.from) {
		opsc_diag_error(&s->ctx->diags, "bad-port", e->span, "ports are 1-65535, with the smaller first in a range");
		return false;
	}
	return true;
}

static const char *const peer_calls[] = { "namespace", "namespaces", "pods", "cidr", NULL };
static const char *const subject_calls[] = { "user", "group", "service_account", NULL };

static bool call_of(sema *s, const opsc_expr *e, const sema_scope *scope, const char *const *names, const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_CALL)
		return mismatch(s, e, expected);
	for (uint32_t i = 0; names[i]; i++)
		if (strcmp(names[i], e->call.name) == 0)
			return true;
	opsc_diag_error(&s->ctx->diags, "unknown-function", e->call.name_span, "unknown function `%s` here: expected %s",
			e->call.name, expected);
	return false;
}

static bool peer(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
		return true;
	if (!call_of(s, r, NULL, peer_calls, "namespace(..), namespaces(..), pods(..) or cidr(..)"))
		return false;
	if (strcmp(r->call.name, "cidr") == 0 && r->call.nargs >= 1) {
		opsc_str c;
		if (sema_string(s, r->call.args[0], scope, &c) && !opsc_units_cidr(c.s)) {
			opsc_diag_error(&s->ctx->diags, "bad-cidr", c.span, "\"%s\" is not a CIDR like \"10.0.0.0/8\"", c.s);
			return false;
		}
	}
	return true;
}

static bool subject(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	return call_of(s, e, scope, subject_calls, "user(..), group(..) or service_account(..)");
}

static bool direction(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	static const char *const dirs[] = { "ingress", "egress", NULL };
	return one_of(s, e, scope, dirs, "ingress or egress");
}

bool sema_check_value(sema *s, const sema_attr *a, const opsc_expr *e, const sema_scope *scope)
{
	static const char *const severities[] = { "critical", "warning", "info", NULL };
	static const char *const levels[] = { "error", "warning", "note", NULL };
	static const char *const levels_off[] = { "error", "warning", "note", "off", NULL };
	static const char *const pod_security_levels[] = { "restricted", "baseline", "privileged", NULL };
	opsc_str str;
	int64_t i64;
	double d;
	bool b;
	opsc_qty q;
	opsc_strs strs;
	opsc_kvs kvs;
	const opsc_expr *r = sema_resolve(s, e, scope);
	/* items of a list written in a template may name its parameters */
	const sema_scope *in = r == e ? scope : NULL;
	switch (a->type) {
	case A_STRING: return sema_string(s, e, scope, &str);
	case A_PATTERN: return sema_string(s, e, scope, &str);
	case A_INT: return sema_int(s, e, scope, &i64);
	case A_NUMBER: return sema_number(s, e, scope, &d);
	case A_BOOL: return sema_bool(s, e, scope, &b);
	case A_DURATION: return sema_duration(s, e, scope, &i64);
	case A_QUANTITY: return sema_quantity(s, e, scope, &q);
	case A_PERCENT: return r->kind == OPSC_EXPR_PERCENT || mismatch(s, r, "a percentage like `80%`");
	case A_COUNT: return sema_count(s, e, scope);
	case A_CRON: return check_cron(s, e, scope);
	case A_STRINGS: return sema_strings(s, e, scope, &strs);
	case A_ENV_REFS:
		if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
			return true;
		return check_list(s, r, in, env_ref, "`all` or a list of environments like [env.production]");
	case A_RECEIVER: return check_ref(s, e, scope, "receiver", "a receiver like receiver.slack");
	case A_SECRET: return check_secret(s, e, scope);
	case A_SECRETS: return check_list(s, r, in, check_secret, sema_type_name(A_SECRETS));
	case A_STORE: return check_ref(s, e, scope, "store", sema_type_name(A_STORE));
	case A_POD_SECURITY: return one_of(s, e, scope, pod_security_levels, sema_type_name(A_POD_SECURITY));
	case A_MAP: return sema_map(s, e, scope, &kvs);
	case A_ALERT_SEVERITY: return one_of(s, e, scope, severities, "critical, warning or info");
	case A_LEVEL: return one_of(s, e, scope, levels, "error, warning or note");
	case A_LEVEL_OR_OFF: return one_of(s, e, scope, levels_off, "error, warning, note or off");
	case A_PEERS:
		if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
			return true;
		return check_list(s, r, in, peer, sema_type_name(A_PEERS));
	case A_PORTS: return check_list(s, r, in, port, sema_type_name(A_PORTS));
	case A_SUBJECTS: return check_list(s, r, in, subject, sema_type_name(A_SUBJECTS));
	case A_DIRECTIONS: return check_list(s, r, in, direction, sema_type_name(A_DIRECTIONS));
	case A_ID_MAP:
		if (r->kind != OPSC_EXPR_MAP)
			return mismatch(s, r, sema_type_name(A_ID_MAP));
		for (uint32_t k = 0; k < r->map.len; k++)
			if (!sema_int(s, r->map.pairs[k].value, in, &i64))
				return false;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------- counts */

/* A quota of `pods = 1.5` is refused by the API server: counts are whole. */
bool sema_count(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	opsc_qty q;
	if (!sema_quantity(s, e, scope, &q))
		return false;
	if (fmod(q.milli, 1000.0) == 0 && q.milli >= 0)
		return true;
	opsc_diag_error(&s->ctx->diags, "bad-integer", q.span,
			"`%s` is not a whole number: Kubernetes counts objects in whole numbers", q.text);
	return false;
}

/* --------------------------------------------------------------- cron */

bool sema_cron_fires(sema *s, const opsc_str *schedule)
{
	char why[200];
	if (!opsc_units_cron_never(schedule->s, why, sizeof why))
		return true;
	opsc_diag_error(&s->ctx->diags, "cron-never-fires", schedule->span,
			"cron schedule \"%s\" never runs: %s", schedule->s, why);
	return false;
}
