/*
 * sema.c - checking a program and building the Model.
 *
 *   templates:  register every `template` of every module
 *   items:      the top-level blocks of the user's files, and the blocks of
 *               every `use`d template with its parameters in scope
 *   check:      each block against its schema (sema_schema.c)
 *   build:      the Model from the checked blocks (sema_build.c)
 */
#include "sema.h"

#include <string.h>

#include "util.h"
#include "sema_int.h"

enum { MAX_USE_DEPTH = 16, MAX_CANDIDATES = 64 };

typedef struct {
	const char *name; /* "std.alerts.kubernetes", or "local" for a root's own */
	const opsc_block *block;
	uint32_t file;
} template_def;

typedef struct {
	sema s;
	const opsc_program *program;
	opsc_array(template_def) templates;
	opsc_array(sema_item) items;
} checker;

static void check_block(checker *c, const opsc_block *b, const char *parent, const sema_scope *scope);

/* ---------------------------------------------------------------- helpers */

static void suggest_help(checker *c, uint32_t d, const char *word, const char *const *cands, uint32_t n)
{
	const char *best = opsc_suggest(word, cands, n);
	if (best)
		opsc_diag_help(&c->s.ctx->diags, d, "did you mean `%s`?", best);
}

static const char *join(checker *c, const char *const *words, uint32_t n)
{
	char *out = "";
	for (uint32_t i = 0; i < n; i++)
		out = opsc_arena_printf(c->s.ctx->arena, "%s%s`%s`", out, i ? ", " : "", words[i]);
	return out;
}

/* -------------------------------------------------------------- templates */

static const char *template_key(checker *c, const opsc_module *m, const char *name)
{
	return m->name[0] ? opsc_arena_printf(c->s.ctx->arena, "%s.%s", m->name, name) : name;
}

static void register_templates(checker *c)
{
	for (uint32_t i = 0; i < c->program->len; i++) {
		const opsc_module *m = &c->program->modules[i];
		for (uint32_t k = 0; k < m->ast.body.len; k++) {
			const opsc_stmt *st = &m->ast.body.items[k];
			if (st->kind != OPSC_STMT_BLOCK || strcmp(st->block->type, "template") != 0 || st->block->nlabels != 1)
				continue;
			const char *key = template_key(c, m, st->block->labels[0].text);
			for (uint32_t t = 0; t < c->templates.len; t++) {
				if (strcmp(c->templates.items[t].name, key) == 0) {
					uint32_t d = opsc_diag_error(&c->s.ctx->diags, "duplicate", st->block->labels[0].span,
								     "template `%s` is defined twice", key);
					opsc_diag_add_note(&c->s.ctx->diags, d, c->templates.items[t].block->labels[0].span,
							   "first defined here");
				}
			}
			template_def def = { key, st->block, m->file };
			opsc_array_push(&c->templates, def);
		}
	}
}

static const template_def *find_template(checker *c, const opsc_label *l)
{
	for (uint32_t t = 0; t < c->templates.len; t++)
		if (strcmp(c->templates.items[t].name, l->text) == 0)
			return &c->templates.items[t];
	const char *cands[MAX_CANDIDATES];
	uint32_t n = 0;
	for (uint32_t t = 0; t < c->templates.len && n < MAX_CANDIDATES; t++)
		cands[n++] = c->templates.items[t].name;
	uint32_t d = opsc_diag_error(&c->s.ctx->diags, "unknown-template", l->span, "there is no template `%s`", l->text);
	if (opsc_suggest(l->text, cands, n))
		suggest_help(c, d, l->text, cands, n);
	else if (n)
		opsc_diag_help(&c->s.ctx->diags, d, "templates in scope: %s (did you import the module?)", join(c, cands, n));
	else
		opsc_diag_help(&c->s.ctx->diags, d, "import the module that defines it, like `import \"std/alerts\"`");
	return NULL;
}

static void add_items(checker *c, const opsc_body *body, uint32_t file, const sema_scope *scope, int depth);

/* A default may name an earlier parameter (`param b = a`): it is resolved
 * in the scope built so far, which holds exactly the earlier ones. Naming a
 * later one is an error rather than a silent bare word. Interpolations
 * (`"${a}-x"`) need nothing here: strings are rendered in the template's
 * scope. */
static const opsc_expr *default_value(checker *c, const opsc_body *tb, uint32_t at, const sema_scope *sc)
{
	const opsc_stmt *p = &tb->items[at];
	const opsc_expr *v = p->param.default_value;
	if (!v)
		return NULL;
	v = sema_resolve(&c->s, v, sc);
	if (v->kind != OPSC_EXPR_IDENT)
		return v;
	for (uint32_t i = at; i < tb->len; i++) {
		const opsc_stmt *later = &tb->items[i];
		if (later->kind != OPSC_STMT_PARAM || strcmp(later->param.name, v->ident) != 0)
			continue;
		if (i == at) {
			opsc_diag_error(&c->s.ctx->diags, "param-order", v->span, "the default of `%s` names itself",
					p->param.name);
			return v;
		}
		uint32_t d = opsc_diag_error(&c->s.ctx->diags, "param-order", v->span,
					     "the default of `%s` names `%s`, which is declared after it", p->param.name, v->ident);
		opsc_diag_add_note(&c->s.ctx->diags, d, later->param.name_span, "declare it before `%s`", p->param.name);
		/* its own default, so the value is not reported again as a bare word */
		return later->param.default_value ? later->param.default_value : v;
	}
	return v;
}

/* use MODULE.TEMPLATE { param = value ... } */
static void instantiate(checker *c, const opsc_block *use, const sema_scope *scope, int depth)
{
	if (use->nlabels != 1)
		return; /* reported by the schema check */
	const template_def *t = find_template(c, &use->labels[0]);
	if (!t)
		return;
	if (depth >= MAX_USE_DEPTH) {
		opsc_diag_error(&c->s.ctx->diags, "use-too-deep", use->labels[0].span,
				"templates use each other more than %d levels deep", MAX_USE_DEPTH);
		return;
	}
	const opsc_body *tb = &t->block->body;
	sema_scope *sc = opsc_arena_alloc(c->s.ctx->arena, sizeof *sc);
	sc->outer = NULL;
	sc->origin = t->name;
	sc->use = use->labels[0].span;
	sc->caller = scope;
	sc->names = opsc_arena_alloc(c->s.ctx->arena, (tb->len + 1) * sizeof *sc->names);
	sc->values = opsc_arena_alloc(c->s.ctx->arena, (tb->len + 1) * sizeof *sc->values);
	const char *pnames[MAX_CANDIDATES];
	uint32_t np = 0;
	for (uint32_t i = 0; i < tb->len; i++) {
		const opsc_stmt *p = &tb->items[i];
		if (p->kind != OPSC_STMT_PARAM)
			continue;
		if (np < MAX_CANDIDATES)
			pnames[np++] = p->param.name;
		const opsc_stmt *given = sema_attr_find(use, p->param.name);
		const opsc_expr *v = given ? sema_resolve(&c->s, given->attr.value, scope) : default_value(c, tb, i, sc);
		if (!v) {
			uint32_t d = opsc_diag_error(&c->s.ctx->diags, "missing-param", use->labels[0].span,
						     "template `%s` needs the parameter `%s`", t->name, p->param.name);
			opsc_diag_add_note(&c->s.ctx->diags, d, p->param.name_span, "declared here without a default");
			continue;
		}
		sema_param_check(&c->s, p, v);
		sc->names[sc->len] = p->param.name;
		sc->values[sc->len++] = v;
	}
	for (uint32_t i = 0; i < use->body.len; i++) {
		const opsc_stmt *a = &use->body.items[i];
		if (a->kind != OPSC_STMT_ATTR)
			continue;
		bool known = false;
		for (uint32_t k = 0; k < np && !known; k++)
			known = strcmp(pnames[k], a->attr.name) == 0;
		if (!known) {
			uint32_t d = opsc_diag_error(&c->s.ctx->diags, "unknown-param", a->attr.name_span,
						     "template `%s` has no parameter `%s`", t->name, a->attr.name);
			if (opsc_suggest(a->attr.name, pnames, np))
				suggest_help(c, d, a->attr.name, pnames, np);
			else if (np)
				opsc_diag_help(&c->s.ctx->diags, d, "its parameters are %s", join(c, pnames, np));
		}
	}
	add_items(c, tb, t->file, sc, depth + 1);
}

static void add_items(checker *c, const opsc_body *body, uint32_t file, const sema_scope *scope, int depth)
{
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind != OPSC_STMT_BLOCK)
			continue;
		const opsc_block *b = st->block;
		if (strcmp(b->type, "template") == 0) {
			check_block(c, b, NULL, scope);
			continue;
		}
		if (strcmp(b->type, "use") == 0) {
			check_block(c, b, NULL, scope);
			instantiate(c, b, scope, depth);
			continue;
		}
		check_block(c, b, NULL, scope);
		sema_item it = { b, scope, file };
		opsc_array_push(&c->items, it);
	}
}

/* ------------------------------------------------------------ block check */

static void unknown_block(checker *c, const opsc_block *b, const char *parent)
{
	const char *cands[MAX_CANDIDATES];
	uint32_t n = sema_schema_children(parent, cands, MAX_CANDIDATES);
	uint32_t d = parent
		? opsc_diag_error(&c->s.ctx->diags, "unknown-block", b->type_span, "`%s` is not a block of `%s`", b->type, parent)
		: opsc_diag_error(&c->s.ctx->diags, "unknown-block", b->type_span, "unknown block type `%s`", b->type);
	if (opsc_suggest(b->type, cands, n))
		suggest_help(c, d, b->type, cands, n);
	else if (n)
		opsc_diag_help(&c->s.ctx->diags, d, "expected one of %s", join(c, cands, n));
	else
		opsc_diag_help(&c->s.ctx->diags, d, "`%s` takes no nested blocks", parent);
}

static void check_labels(checker *c, const opsc_block *b, const sema_schema *sc)
{
	if (b->nlabels >= sc->min_labels && b->nlabels <= sc->max_labels)
		return;
	opsc_span at = b->nlabels > sc->max_labels ? b->labels[sc->max_labels].span : b->type_span;
	uint32_t d;
	if (sc->max_labels == 0)
		d = opsc_diag_error(&c->s.ctx->diags, "bad-labels", at, "`%s` takes no label", b->type);
	else
		d = opsc_diag_error(&c->s.ctx->diags, "bad-labels", at, "`%s` takes %u label%s: %s", b->type,
				    sc->max_labels, sc->max_labels == 1 ? "" : "s", sc->labels_hint);
	(void)d;
}

/* Returns the attribute the user probably meant, or NULL. */
static const char *unknown_attr(checker *c, const opsc_stmt *a, const opsc_block *b, const sema_schema *sc)
{
	const char *cands[MAX_CANDIDATES];
	uint32_t n = 0;
	for (const sema_attr *x = sc->attrs; x && x->name && n < MAX_CANDIDATES; x++)
		cands[n++] = x->name;
	uint32_t d = opsc_diag_error(&c->s.ctx->diags, "unknown-attribute", a->attr.name_span,
				     "`%s` has no attribute `%s`", b->type, a->attr.name);
	const char *best = opsc_suggest(a->attr.name, cands, n);
	if (best)
		suggest_help(c, d, a->attr.name, cands, n);
	else if (n)
		opsc_diag_help(&c->s.ctx->diags, d, "its attributes are %s", join(c, cands, n));
	return best;
}

/* `null` omits an attribute, which a required one cannot be. */
static void required_null(checker *c, const opsc_block *b, const opsc_stmt *a, const sema_scope *scope)
{
	uint32_t d = opsc_diag_error(&c->s.ctx->diags, "missing-attribute", a->attr.name_span,
				     "`%s` needs `%s`: null would omit it", b->type, a->attr.name);
	const opsc_expr *r = sema_resolve(&c->s, a->attr.value, scope);
	if (r != a->attr.value)
		opsc_diag_add_note(&c->s.ctx->diags, d, r->span, "the null comes from here");
}

static void check_attrs(checker *c, const opsc_block *b, const sema_schema *sc, const sema_scope *scope)
{
	const char *meant[8];
	uint32_t nmeant = 0;
	for (uint32_t i = 0; i < b->body.len; i++) {
		const opsc_stmt *a = &b->body.items[i];
		if (a->kind != OPSC_STMT_ATTR)
			continue;
		for (uint32_t k = 0; k < i; k++) {
			const opsc_stmt *p = &b->body.items[k];
			if (p->kind == OPSC_STMT_ATTR && strcmp(p->attr.name, a->attr.name) == 0) {
				uint32_t d = opsc_diag_error(&c->s.ctx->diags, "duplicate-attribute", a->attr.name_span,
							     "`%s` is set twice", a->attr.name);
				opsc_diag_add_note(&c->s.ctx->diags, d, p->attr.name_span, "first set here");
				break;
			}
		}
		bool null = sema_is_null(&c->s, a->attr.value, scope);
		if (!sc->attrs) {
			if (strcmp(b->type, "rules") == 0 && !null) {
				sema_attr level = { a->attr.name, A_LEVEL_OR_OFF, false, NULL };
				sema_check_value(&c->s, &level, a->attr.value, scope);
			} else if (strcmp(b->type, "rotation") == 0 && !null) {
				bool runbook = strcmp(a->attr.name, "runbook") == 0;
				sema_attr period = { a->attr.name, runbook ? A_STRING : A_DURATION, false, NULL };
				sema_check_value(&c->s, &period, a->attr.value, scope);
			}
			continue; /* use: checked against the template */
		}
		const sema_attr *at = sema_schema_attr(sc, a->attr.name);
		if (at && null) {
			if (at->required)
				required_null(c, b, a, scope);
			continue;
		}
		if (at) {
			sema_check_value(&c->s, at, a->attr.value, scope);
			continue;
		}
		const char *best = unknown_attr(c, a, b, sc);
		if (best && nmeant < 8)
			meant[nmeant++] = best;
	}
	if (b->body.incomplete)
		return; /* a syntax error may have eaten the attribute */
	for (const sema_attr *at = sc->attrs; at && at->name; at++) {
		bool misspelt = false; /* `clustr`: already told, with the fix */
		for (uint32_t k = 0; k < nmeant; k++)
			misspelt |= strcmp(meant[k], at->name) == 0;
		if (!at->required || misspelt || sema_attr_find(b, at->name))
			continue;
		opsc_span where = b->nlabels ? b->labels[0].span : b->type_span;
		uint32_t d = opsc_diag_error(&c->s.ctx->diags, "missing-attribute", where, "`%s` needs `%s` (%s)",
					     b->type, at->name, sema_type_name(at->type));
		if (b->body.open.line)
			opsc_diag_add_note(&c->s.ctx->diags, d, b->body.open, "add it in this block");
	}
}

static void check_statements(checker *c, const opsc_block *b, const sema_schema *sc, const sema_scope *scope)
{
	for (uint32_t i = 0; i < b->body.len; i++) {
		const opsc_stmt *st = &b->body.items[i];
		switch (st->kind) {
		case OPSC_STMT_BLOCK:
			check_block(c, st->block, b->type, scope);
			break;
		case OPSC_STMT_PARAM:
			if (strcmp(b->type, "template") != 0)
				opsc_diag_error(&c->s.ctx->diags, "misplaced", st->span, "`param` belongs in a `template` block");
			break;
		case OPSC_STMT_WHEN:
		case OPSC_STMT_FOR:
		case OPSC_STMT_REQUIRE:
		case OPSC_STMT_DENY:
			if (!sc->statements)
				opsc_diag_error(&c->s.ctx->diags, "misplaced", st->span,
						"`%s` statements belong in %s", st->kind == OPSC_STMT_WHEN ? "when" : st->kind == OPSC_STMT_FOR ? "for" : st->kind == OPSC_STMT_REQUIRE ? "require" : "deny",
						st->kind == OPSC_STMT_WHEN ? "a `route` block" : "a `policy` block");
			else if (st->kind == OPSC_STMT_WHEN && !st->when.body.incomplete) {
				opsc_block w = { "when", st->span, NULL, 0, st->when.body };
				check_block(c, &w, b->type, scope);
			}
			break;
		default:
			break;
		}
	}
}

static void check_block(checker *c, const opsc_block *b, const char *parent, const sema_scope *scope)
{
	if (strcmp(b->type, "template") == 0 && !parent) {
		check_labels(c, b, sema_schema_find("template", NULL));
		return; /* checked where it is used, with its parameters */
	}
	const sema_schema *sc = sema_schema_find(b->type, parent);
	if (!sc) {
		unknown_block(c, b, parent);
		return;
	}
	check_labels(c, b, sc);
	check_attrs(c, b, sc, scope);
	check_statements(c, b, sc, scope);
	if (strcmp(b->type, "policy") == 0)
		sema_policy_check(&c->s, b, scope);
}

/* ------------------------------------------------------------------ entry */

int opsc_sema_check(opsc_model *out, opsc_ctx *ctx, const opsc_program *program)
{
	checker c = { { ctx, out }, program, { 0 }, { 0 } };
	memset(out, 0, sizeof *out);
	register_templates(&c);
	for (uint32_t i = 0; i < program->len; i++) {
		const opsc_module *m = &program->modules[i];
		if (!m->std)
			add_items(&c, &m->ast.body, m->file, NULL, 0);
	}
	sema_build_items(&c.s, c.items.items, c.items.len);
	sema_limits_model(&c.s);
	opsc_array_free(&c.items);
	opsc_array_free(&c.templates);
	return 0;
}
