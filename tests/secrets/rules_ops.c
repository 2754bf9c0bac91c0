#include "rules_ops.h"

#include <string.h>

#include "ast.h"
#include "load.h"

static opsc_str str_of(const opsc_expr *e)
{
	if (e && e->kind == OPSC_EXPR_STRING && e->str.value)
		return (opsc_str){ e->str.value, e->span };
	return (opsc_str){ NULL, e ? e->span : OPSC_NO_SPAN };
}

static opsc_strs strs_of(opsc_ctx *ctx, const opsc_expr *e)
{
	opsc_strs out = { 0 };
	if (!e || e->kind != OPSC_EXPR_LIST)
		return out;
	out.items = opsc_arena_alloc(ctx->arena, (e->list.len + 1) * sizeof(opsc_str));
	for (uint32_t i = 0; i < e->list.len; i++)
		out.items[out.len++] = str_of(e->list.items[i]);
	return out;
}

static opsc_severity severity_of(const opsc_expr *e)
{
	const char *s = e && e->kind == OPSC_EXPR_IDENT ? e->ident : "error";
	return strcmp(s, "warning") == 0 ? OPSC_SEV_WARNING : strcmp(s, "note") == 0 ? OPSC_SEV_NOTE : OPSC_SEV_ERROR;
}

static void set_attr(opsc_ctx *ctx, opsc_secret_rule *r, const char *name, const opsc_expr *v)
{
	if (strcmp(name, "description") == 0)
		r->description = str_of(v);
	else if (strcmp(name, "pattern") == 0)
		r->pattern = str_of(v);
	else if (strcmp(name, "group") == 0)
		r->group = (uint32_t)v->num.value;
	else if (strcmp(name, "entropy") == 0)
		r->entropy = v->num.value;
	else if (strcmp(name, "severity") == 0)
		r->severity = severity_of(v);
	else if (strcmp(name, "keywords") == 0)
		r->keywords = strs_of(ctx, v);
	else if (strcmp(name, "paths") == 0)
		r->paths = strs_of(ctx, v);
	else if (strcmp(name, "allow_paths") == 0)
		r->allow_paths = strs_of(ctx, v);
	else if (strcmp(name, "allow_values") == 0)
		r->allow_values = strs_of(ctx, v);
	else if (strcmp(name, "assigned") == 0)
		r->assigned = v->kind == OPSC_EXPR_BOOL && v->boolean;
	else if (strcmp(name, "example") == 0)
		r->example = str_of(v);
	else if (strcmp(name, "ignores") == 0)
		r->ignores = str_of(v);
}

int opsc_test_secret_rules(opsc_ctx *ctx, const char *path, opsc_secret_rule **out, uint32_t *n)
{
	opsc_program prog = { 0 };
	if (opsc_load(&prog, ctx, &path, 1) < 0 || ctx->diags.errors)
		return -1;
	opsc_array(opsc_secret_rule) rules = { 0 };
	const opsc_body *body = &prog.modules[0].ast.body;
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind != OPSC_STMT_BLOCK || strcmp(st->block->type, "secret") || !st->block->nlabels)
			continue;
		opsc_secret_rule r = { .span = st->span, .severity = OPSC_SEV_ERROR };
		r.id = (opsc_str){ st->block->labels[0].text, st->block->labels[0].span };
		for (uint32_t k = 0; k < st->block->body.len; k++) {
			const opsc_stmt *a = &st->block->body.items[k];
			if (a->kind == OPSC_STMT_ATTR)
				set_attr(ctx, &r, a->attr.name, a->attr.value);
		}
		opsc_array_push(&rules, r);
	}
	*n = rules.len;
	*out = opsc_array_to_arena(ctx->arena, &rules);
	return 0;
}
