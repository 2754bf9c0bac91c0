/*
 * lsp_index.c - every definition and reference of an analysis.
 *
 * Environments, roles and receivers are taken from the Model, so names a
 * template declares (std.rbac.roles, std.quota.small) resolve into the
 * standard library; templates, their parameters and modules from the
 * program's syntax trees. References are found by one walk over every
 * module's AST, the standard library's included:
 *
 *   env.NAME  role.NAME  receiver.NAME   member expressions, block labels
 *   use MODULE.NAME { param = ... }      the template and its parameters
 *   NAME (inside a template)             a parameter of that template
 *   import "PATH"                        the module loaded for it
 */
#include <string.h>

#include "lsp_int.h"

#define NONE UINT32_MAX

static const char *const kind_names[LSP_SYM_KIND_COUNT] = {
	[LSP_SYM_ENV] = "environment", [LSP_SYM_ROLE] = "role", [LSP_SYM_RECEIVER] = "receiver",
	[LSP_SYM_STORE] = "secret_store",
	[LSP_SYM_TEMPLATE] = "template", [LSP_SYM_PARAM] = "parameter", [LSP_SYM_MODULE] = "module",
};

const char *lsp_sym_kind_name(lsp_sym_kind k) { return kind_names[k]; }

bool lsp_span_has(opsc_span s, uint32_t off) { return s.start <= off && off <= s.end; }

typedef struct {
	lsp_index *ix;
	lsp_analysis *a;
	uint32_t *module_def; /* per module: its MODULE def */
	uint32_t tmpl; /* the template being walked, or NONE */
} walker;

/* A label's name without its quotes; renamable when written as is. */
static opsc_span name_span(const opsc_sources *sources, opsc_span sp, const char *name, bool *literal)
{
	const opsc_source *src = opsc_sources_get(sources, sp.file);
	*literal = false;
	if (!src || sp.end > src->len)
		return sp;
	uint32_t n = sp.end - sp.start;
	if (n >= 2 && src->text[sp.start] == '"' && src->text[sp.end - 1] == '"')
		sp = opsc_source_span(sources, sp.file, sp.start + 1, sp.end - 1);
	*literal = !src->embedded && sp.end - sp.start == strlen(name) &&
		   memcmp(src->text + sp.start, name, sp.end - sp.start) == 0;
	return sp;
}

static uint32_t add_def(walker *w, lsp_sym_kind k, const char *name, opsc_span at, opsc_span whole, uint32_t owner)
{
	lsp_def d = { k, name, at, whole, owner, false };
	d.span = name_span(&w->a->ctx.sources, at, name, &d.renamable);
	opsc_array_push(&w->ix->defs, d);
	return w->ix->defs.len - 1;
}

static uint32_t find_def(const lsp_index *ix, lsp_sym_kind k, const char *name, uint32_t owner)
{
	for (uint32_t i = 0; i < ix->defs.len; i++) {
		const lsp_def *d = &ix->defs.items[i];
		if (d->kind == k && d->owner == owner && strcmp(d->name, name) == 0)
			return i;
	}
	return NONE;
}

static void add_ref(walker *w, uint32_t def, opsc_span at)
{
	lsp_ref r = { def, at };
	if (at.file != OPSC_NO_FILE)
		opsc_array_push(&w->ix->refs, r);
}

/* ------------------------------------------------------------ definitions */

static void model_defs(walker *w)
{
	const opsc_model *m = &w->a->model;
	for (uint32_t i = 0; i < m->nenvs; i++)
		if (m->envs[i].name.s && find_def(w->ix, LSP_SYM_ENV, m->envs[i].name.s, NONE) == NONE)
			add_def(w, LSP_SYM_ENV, m->envs[i].name.s, m->envs[i].name.span, m->envs[i].span, NONE);
	for (uint32_t i = 0; i < m->nroles; i++)
		if (m->roles[i].name.s && find_def(w->ix, LSP_SYM_ROLE, m->roles[i].name.s, NONE) == NONE)
			add_def(w, LSP_SYM_ROLE, m->roles[i].name.s, m->roles[i].name.span, m->roles[i].span, NONE);
	for (uint32_t i = 0; i < m->nreceivers; i++)
		if (m->receivers[i].name.s && find_def(w->ix, LSP_SYM_RECEIVER, m->receivers[i].name.s, NONE) == NONE)
			add_def(w, LSP_SYM_RECEIVER, m->receivers[i].name.s, m->receivers[i].name.span,
				m->receivers[i].span, NONE);
	for (uint32_t i = 0; i < m->nstores; i++)
		if (m->stores[i].name.s && find_def(w->ix, LSP_SYM_STORE, m->stores[i].name.s, NONE) == NONE)
			add_def(w, LSP_SYM_STORE, m->stores[i].name.s, m->stores[i].name.span, m->stores[i].span, NONE);
}

/* A module's templates are `use`d as MODULE.NAME, a root file's as NAME. */
static void template_defs(walker *w, const opsc_module *m)
{
	for (uint32_t k = 0; k < m->ast.body.len; k++) {
		const opsc_stmt *st = &m->ast.body.items[k];
		if (st->kind != OPSC_STMT_BLOCK || strcmp(st->block->type, "template") != 0 || st->block->nlabels != 1)
			continue;
		const opsc_label *l = &st->block->labels[0];
		const char *name = m->name[0] ? opsc_arena_printf(w->a->ctx.arena, "%s.%s", m->name, l->text) : l->text;
		uint32_t t = add_def(w, LSP_SYM_TEMPLATE, name, l->span, st->span, NONE);
		w->ix->defs.items[t].renamable = false; /* its users name it through the module */
		const opsc_body *b = &st->block->body;
		for (uint32_t i = 0; i < b->len; i++)
			if (b->items[i].kind == OPSC_STMT_PARAM)
				add_def(w, LSP_SYM_PARAM, b->items[i].param.name, b->items[i].param.name_span,
					b->items[i].span, t);
	}
}

static void module_defs(walker *w)
{
	const opsc_program *p = &w->a->program;
	w->module_def = opsc_calloc(p->len ? p->len : 1, sizeof *w->module_def);
	for (uint32_t i = 0; i < p->len; i++) {
		const opsc_module *m = &p->modules[i];
		const opsc_source *src = opsc_sources_get(&w->a->ctx.sources, m->file);
		opsc_span top = opsc_source_span(&w->a->ctx.sources, m->file, 0, 0);
		opsc_span all = opsc_source_span(&w->a->ctx.sources, m->file, 0, src ? src->len : 0);
		w->module_def[i] = add_def(w, LSP_SYM_MODULE, m->name[0] ? m->name : src->path, top, all, NONE);
		template_defs(w, m);
	}
}

/* ------------------------------------------------------------- references */

static void walk_expr(walker *w, const opsc_expr *e);
static void walk_body(walker *w, const opsc_body *b);

static const struct {
	const char *object;
	lsp_sym_kind kind;
} ref_kinds[] = { { "env", LSP_SYM_ENV }, { "role", LSP_SYM_ROLE }, { "receiver", LSP_SYM_RECEIVER },
		   { "store", LSP_SYM_STORE } };

static void walk_member(walker *w, const opsc_expr *e)
{
	const opsc_expr *o = e->member.object;
	if (o && o->kind == OPSC_EXPR_IDENT) {
		for (size_t i = 0; i < sizeof ref_kinds / sizeof *ref_kinds; i++)
			if (strcmp(o->ident, ref_kinds[i].object) == 0) {
				add_ref(w, find_def(w->ix, ref_kinds[i].kind, e->member.name, NONE), e->member.name_span);
				return;
			}
	}
	walk_expr(w, o);
}

static void walk_list(walker *w, opsc_expr *const *items, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		walk_expr(w, items[i]);
}

static void walk_expr(walker *w, const opsc_expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case OPSC_EXPR_STRING:
		for (uint32_t i = 0; i < e->str.nparts; i++)
			walk_expr(w, e->str.parts[i].expr);
		break;
	case OPSC_EXPR_IDENT:
		if (w->tmpl != NONE) {
			uint32_t p = find_def(w->ix, LSP_SYM_PARAM, e->ident, w->tmpl);
			if (p != NONE)
				add_ref(w, p, e->span);
		}
		break;
	case OPSC_EXPR_MEMBER: walk_member(w, e); break;
	case OPSC_EXPR_INDEX: walk_expr(w, e->index.object); walk_expr(w, e->index.index); break;
	case OPSC_EXPR_CALL: walk_list(w, e->call.args, e->call.nargs); break;
	case OPSC_EXPR_LIST: walk_list(w, e->list.items, e->list.len); break;
	case OPSC_EXPR_MAP:
		for (uint32_t i = 0; i < e->map.len; i++)
			walk_expr(w, e->map.pairs[i].value);
		break;
	case OPSC_EXPR_UNARY: walk_expr(w, e->unary.operand); break;
	case OPSC_EXPR_BINARY: walk_expr(w, e->binary.left); walk_expr(w, e->binary.right); break;
	case OPSC_EXPR_QUANT:
		walk_expr(w, e->quant.collection);
		walk_expr(w, e->quant.filter);
		walk_expr(w, e->quant.predicate);
		break;
	default: break;
	}
}

/* use MODULE.NAME { p = v }: the template (its last segment is the name)
 * and each attribute as one of its parameters. */
static void walk_use(walker *w, const opsc_block *b)
{
	if (b->nlabels != 1)
		return;
	const opsc_label *l = &b->labels[0];
	uint32_t t = find_def(w->ix, LSP_SYM_TEMPLATE, l->text, NONE);
	opsc_span at = l->expr && l->expr->kind == OPSC_EXPR_MEMBER ? l->expr->member.name_span : l->span;
	add_ref(w, t, at);
	for (uint32_t i = 0; i < b->body.len; i++) {
		const opsc_stmt *a = &b->body.items[i];
		if (a->kind != OPSC_STMT_ATTR)
			continue;
		if (t != NONE)
			add_ref(w, find_def(w->ix, LSP_SYM_PARAM, a->attr.name, t), a->attr.name_span);
		walk_expr(w, a->attr.value);
	}
}

static void walk_block(walker *w, const opsc_block *b)
{
	if (strcmp(b->type, "use") == 0) {
		walk_use(w, b);
		return;
	}
	for (uint32_t i = 0; i < b->nlabels; i++)
		if (b->labels[i].kind != OPSC_LABEL_IDENT)
			walk_expr(w, b->labels[i].expr);
	walk_body(w, &b->body);
}

static void walk_stmt(walker *w, const opsc_stmt *s)
{
	switch (s->kind) {
	case OPSC_STMT_ATTR: walk_expr(w, s->attr.value); break;
	case OPSC_STMT_BLOCK: walk_block(w, s->block); break;
	case OPSC_STMT_PARAM: walk_expr(w, s->param.default_value); break;
	case OPSC_STMT_WHEN: walk_expr(w, s->when.condition); walk_body(w, &s->when.body); break;
	case OPSC_STMT_FOR:
		walk_expr(w, s->loop.collection);
		walk_expr(w, s->loop.filter);
		walk_body(w, &s->loop.body);
		break;
	case OPSC_STMT_REQUIRE:
	case OPSC_STMT_DENY: walk_expr(w, s->check.condition); walk_expr(w, s->check.message); break;
	default: break;
	}
}

static void walk_body(walker *w, const opsc_body *b)
{
	for (uint32_t i = 0; i < b->len; i++)
		walk_stmt(w, &b->items[i]);
}

static void walk_module(walker *w, uint32_t mi)
{
	const opsc_module *m = &w->a->program.modules[mi];
	for (uint32_t i = 0; i < m->ast.body.len; i++) {
		const opsc_stmt *st = &m->ast.body.items[i];
		if (st->kind == OPSC_STMT_IMPORT) {
			uint32_t t = m->imports ? m->imports[i] : NONE;
			bool literal;
			opsc_span at = name_span(&w->a->ctx.sources, st->import.path_span, st->import.path, &literal);
			add_ref(w, t == NONE ? NONE : w->module_def[t], at);
			continue;
		}
		bool tmpl = st->kind == OPSC_STMT_BLOCK && strcmp(st->block->type, "template") == 0;
		w->tmpl = NONE;
		if (tmpl && st->block->nlabels == 1) {
			const char *l = st->block->labels[0].text;
			const char *name = m->name[0] ? opsc_arena_printf(w->a->ctx.arena, "%s.%s", m->name, l) : l;
			w->tmpl = find_def(w->ix, LSP_SYM_TEMPLATE, name, NONE);
		}
		walk_stmt(w, st);
	}
	w->tmpl = NONE;
}

void lsp_index_build(lsp_index *ix, lsp_analysis *a)
{
	memset(ix, 0, sizeof *ix);
	walker w = { ix, a, NULL, NONE };
	model_defs(&w);
	module_defs(&w);
	for (uint32_t i = 0; i < a->program.len; i++)
		walk_module(&w, i);
	opsc_free(w.module_def);
}

void lsp_index_dispose(lsp_index *ix)
{
	opsc_array_free(&ix->defs);
	opsc_array_free(&ix->refs);
}

uint32_t lsp_index_at(const lsp_index *ix, uint32_t file, uint32_t off, opsc_span *at)
{
	for (uint32_t i = 0; i < ix->refs.len; i++) {
		const lsp_ref *r = &ix->refs.items[i];
		if (r->span.file == file && lsp_span_has(r->span, off)) {
			*at = r->span;
			return r->def;
		}
	}
	for (uint32_t i = 0; i < ix->defs.len; i++) {
		const lsp_def *d = &ix->defs.items[i];
		if (d->kind != LSP_SYM_MODULE && d->span.file == file && lsp_span_has(d->span, off)) {
			*at = d->span;
			return i;
		}
	}
	return NONE;
}

/* ----------------------------------------------------------------- places */

static void place_in(lsp_place *out, const opsc_body *body, const char *type, uint32_t off)
{
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (!lsp_span_has(st->span, off))
			continue;
		out->stmt = st;
		const opsc_body *inner = st->kind == OPSC_STMT_BLOCK ? &st->block->body
					 : st->kind == OPSC_STMT_WHEN ? &st->when.body : NULL;
		if (!inner || !inner->open.line || off <= inner->open.start || (inner->close.line && off >= inner->close.end))
			return;
		if (!out->top)
			out->top = st;
		out->parent = type;
		out->type = st->kind == OPSC_STMT_BLOCK ? st->block->type : "when";
		out->block = st->kind == OPSC_STMT_BLOCK ? st->block : NULL;
		out->stmt = NULL;
		/* a template's blocks are top-level blocks once used */
		place_in(out, inner, strcmp(out->type, "template") == 0 ? NULL : out->type, off);
		return;
	}
}

void lsp_place_find(lsp_place *out, const opsc_body *file_body, uint32_t off)
{
	memset(out, 0, sizeof *out);
	place_in(out, file_body, NULL, off);
}

bool lsp_cursor_get(lsp_server *s, json_t *params, lsp_cursor *out)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	json_t *pos = json_object_get(params, "position");
	if (!uri)
		return false;
	char *path = lsp_uri_source_path(uri);
	if (!path)
		return false;
	memset(out, 0, sizeof *out);
	out->a = lsp_analysis_for(s, path, &out->file);
	opsc_free(path);
	if (!out->a)
		return false;
	out->src = opsc_sources_get(&out->a->ctx.sources, out->file);
	uint32_t line = (uint32_t)json_integer_value(json_object_get(pos, "line"));
	uint32_t ch = (uint32_t)json_integer_value(json_object_get(pos, "character"));
	out->off = lsp_offset(out->src->text, out->src->len, line, ch, s->utf8);
	return true;
}

/* The module whose file is `file`, or NULL. */
const opsc_module *lsp_module_of(const lsp_analysis *a, uint32_t file)
{
	for (uint32_t i = 0; i < a->program.len; i++)
		if (a->program.modules[i].file == file)
			return &a->program.modules[i];
	return NULL;
}
