/*
 * sema_value.c - reading attribute values: template parameters substituted,
 * units checked, and a located error in the user's terms when a value does
 * not fit what the reader expects. Every checker and builder reads values
 * through these; they call nothing else of sema (the checks of a value
 * against its attribute's type are sema_check.c's).
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

bool sema_mismatch(sema *s, const opsc_expr *e, const char *expected)
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
		return sema_mismatch(s, e, "a string");
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
		return sema_mismatch(s, e, "a number");
	*out = e->num.value;
	return true;
}

bool sema_int(sema *s, const opsc_expr *e, const sema_scope *scope, int64_t *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_NUMBER || e->num.value != floor(e->num.value) || e->num.value > 1e15)
		return sema_mismatch(s, e, "a whole number");
	*out = (int64_t)e->num.value;
	return true;
}

bool sema_bool(sema *s, const opsc_expr *e, const sema_scope *scope, bool *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_BOOL)
		return sema_mismatch(s, e, "true or false");
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
		return sema_mismatch(s, e, "a duration like `5m`");
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
		return sema_mismatch(s, e, "a quantity like `500m` or `64Gi`");
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
		return sema_mismatch(s, e, "a string or a name");
	return sema_string(s, e, scope, out);
}

bool sema_strings(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_strs *out)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind != OPSC_EXPR_LIST)
		return sema_mismatch(s, r, "a list of strings");
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
		return sema_mismatch(s, e, "a map like { key = \"value\" }");
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
