/*
 * sema_item.c - reading a lowered block as an item: its attributes, child
 * blocks, references to other items and lists of environments, and the
 * lists of fixed strings generated objects carry. Every builder
 * (sema_build_ops.c, sema_build_project.c, sema_slo.c, sema_alerts.c)
 * calls these; the driver in sema_build.c calls the builders.
 */
#include "sema_build_int.h"

#include <string.h>

enum { MAX_CANDIDATES = 4096 }; /* names offered to "did you mean" */

const char *sema_item_name(builder *b, const sema_item *it)
{
	return it->block->nlabels ? sema_label(b->s, &it->block->labels[0], it->scope) : "";
}

opsc_str sema_item_str(builder *b, const sema_item *it)
{
	opsc_str s = { sema_item_name(b, it), it->block->nlabels ? it->block->labels[0].span : it->block->type_span };
	return s;
}

const opsc_expr *sema_item_attr(builder *b, const sema_item *it, const char *name)
{
	const opsc_stmt *a = sema_attr_given(b->s, it->block, name, it->scope);
	return a ? a->attr.value : NULL;
}

const opsc_block *sema_child_block(const opsc_block *b, const char *type, uint32_t *from)
{
	for (uint32_t i = from ? *from : 0; i < b->body.len; i++) {
		const opsc_stmt *st = &b->body.items[i];
		if (st->kind == OPSC_STMT_BLOCK && strcmp(st->block->type, type) == 0) {
			if (from)
				*from = i + 1;
			return st->block;
		}
	}
	if (from)
		*from = b->body.len;
	return NULL;
}

/* env.NAME / role.NAME / receiver.NAME -> index, with did-you-mean. */
uint32_t sema_resolve_ref(builder *b, const opsc_strindex *ix, const opsc_expr *e, const char *what)
{
	const char *name = e->kind == OPSC_EXPR_MEMBER ? e->member.name : e->kind == OPSC_EXPR_IDENT ? e->ident : "";
	uint32_t v = opsc_strindex_get(ix, name);
	if (v != UINT32_MAX)
		return v;
	opsc_span at = e->kind == OPSC_EXPR_MEMBER ? e->member.name_span : e->span;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "unknown-reference", at, "there is no %s `%s`", what, name);
	const char **cands = opsc_malloc(MAX_CANDIDATES * sizeof *cands);
	uint32_t n = 0;
	for (uint32_t i = 0; i < ix->cap && n < MAX_CANDIDATES; i++)
		if (ix->keys[i])
			cands[n++] = ix->keys[i];
	const char *best = opsc_suggest(name, cands, n);
	if (best)
		opsc_diag_help(&b->s->ctx->diags, d, "did you mean `%s`?", best);
	opsc_free(cands);
	return UINT32_MAX;
}

void sema_env_list(builder *b, const sema_item *it, const opsc_expr *e, const opsc_env ***out, uint32_t *n,
		   bool *all)
{
	*n = 0;
	*out = NULL;
	if (!e)
		return;
	const opsc_expr *r = sema_resolve(b->s, e, it->scope);
	if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0) {
		if (all)
			*all = true;
		*n = b->s->model->nenvs;
		*out = opsc_arena_alloc(b->s->ctx->arena, (*n + 1) * sizeof **out);
		for (uint32_t i = 0; i < *n; i++)
			(*out)[i] = &b->s->model->envs[i];
		return;
	}
	uint32_t cnt;
	const opsc_expr *const *xs = sema_items(b->s, r, it->scope, &cnt);
	*out = opsc_arena_alloc(b->s->ctx->arena, (cnt + 1) * sizeof **out);
	for (uint32_t i = 0; i < cnt; i++) {
		const opsc_expr *x = sema_resolve(b->s, xs[i], r == e ? it->scope : NULL);
		if (x->kind != OPSC_EXPR_MEMBER)
			continue;
		uint32_t k = sema_resolve_ref(b, &b->envs, x, "environment");
		if (k != UINT32_MAX)
			(*out)[(*n)++] = &b->s->model->envs[k];
	}
}

void sema_item_string(builder *b, const sema_item *it, const char *name, opsc_str *out)
{
	const opsc_expr *e = sema_item_attr(b, it, name);
	if (e)
		sema_string(b->s, e, it->scope, out);
}

void sema_item_text(builder *b, const sema_item *it, const char *name, opsc_gotmpl_dialect d, opsc_str *out)
{
	const opsc_expr *e = sema_item_attr(b, it, name);
	if (e)
		sema_go_template(b->s, e, it->scope, d, out);
}

opsc_strs sema_strs_of(opsc_arena *a, const char *const *v, uint32_t n, opsc_span span)
{
	opsc_strs out = { opsc_arena_alloc(a, (n + 1) * sizeof *out.items), n };
	for (uint32_t i = 0; i < n; i++)
		out.items[i] = (opsc_str){ v[i], span };
	return out;
}
