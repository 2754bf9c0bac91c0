/*
 * lsp_nav.c - go to definition, find references, rename, document symbols.
 *
 * All four read the analysis index (lsp_index.c): the symbol under the
 * cursor is a reference or a definition; its uses are the references that
 * resolved to the same definition.
 */
#include <string.h>

#include "lsp_int.h"

#define NONE UINT32_MAX

typedef opsc_array(opsc_span) span_list;

static json_t *jget_line(json_t *params)
{
	return json_object_get(json_object_get(params, "position"), "line");
}

static uint32_t def_at(lsp_server *s, json_t *params, lsp_cursor *c, opsc_span *at)
{
	if (!lsp_cursor_get(s, params, c))
		return NONE;
	return lsp_index_at(&c->a->index, c->file, c->off, at);
}

/* In a generated file (an editor may attach the server to YAML too), the
 * definition of any line is the .ops that produced it. */
json_t *lsp_definition(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	opsc_span at;
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	char *path = uri ? lsp_uri_to_path(uri) : NULL;
	bool generated = path && !lsp_is_ops(path);
	opsc_free(path);
	if (generated)
		return lsp_source_of(s, uri, (uint32_t)json_integer_value(jget_line(params)));
	uint32_t d = def_at(s, params, &c, &at);
	if (d == NONE)
		return NULL;
	return lsp_span_location(s, &c.a->ctx.sources, c.a->index.defs.items[d].span);
}

/* The spans naming def `d`: its definition (when asked) and every reference. */
static void uses(const lsp_index *ix, uint32_t d, bool with_def, span_list *out)
{
	if (with_def && ix->defs.items[d].kind != LSP_SYM_MODULE)
		opsc_array_push(out, ix->defs.items[d].span);
	for (uint32_t i = 0; i < ix->refs.len; i++)
		if (ix->refs.items[i].def == d)
			opsc_array_push(out, ix->refs.items[i].span);
}

json_t *lsp_references(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	opsc_span at;
	uint32_t d = def_at(s, params, &c, &at);
	if (d == NONE)
		return json_array();
	json_t *ctx = json_object_get(params, "context");
	bool with_def = json_is_true(json_object_get(ctx, "includeDeclaration"));
	span_list spans = { 0 };
	uses(&c.a->index, d, with_def, &spans);
	json_t *out = json_array();
	for (uint32_t i = 0; i < spans.len; i++) {
		json_t *loc = lsp_span_location(s, &c.a->ctx.sources, spans.items[i]);
		if (loc)
			json_array_append_new(out, loc);
	}
	opsc_array_free(&spans);
	return out;
}

/* ------------------------------------------------------------------ rename */

/* What a label or reference name may be: what `env.NAME` can spell. */
static bool valid_name(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') || *n == '_' ||
		      *n == '-'))
			return false;
	return true;
}

/* Only what is written literally, by the user, can be renamed everywhere. */
static bool renamable(const lsp_analysis *a, uint32_t d)
{
	const lsp_def *def = &a->index.defs.items[d];
	if (!def->renamable)
		return false;
	for (uint32_t i = 0; i < a->index.refs.len; i++) {
		const lsp_ref *r = &a->index.refs.items[i];
		const opsc_source *src = opsc_sources_get(&a->ctx.sources, r->span.file);
		if (r->def == d && (!src || src->embedded))
			return false;
	}
	return true;
}

json_t *lsp_prepare_rename(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	opsc_span at;
	uint32_t d = def_at(s, params, &c, &at);
	if (d == NONE || !renamable(c.a, d))
		return NULL;
	return json_pack("{s:o, s:s}", "range", lsp_span_range(s, &c.a->ctx.sources, at), "placeholder",
			 c.a->index.defs.items[d].name);
}

json_t *lsp_rename(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	opsc_span at;
	uint32_t d = def_at(s, params, &c, &at);
	const char *name = json_string_value(json_object_get(params, "newName"));
	if (d == NONE || !name || !valid_name(name) || !renamable(c.a, d))
		return NULL;
	span_list spans = { 0 };
	uses(&c.a->index, d, true, &spans);
	json_t *changes = json_object();
	for (uint32_t i = 0; i < spans.len; i++) {
		const opsc_source *src = opsc_sources_get(&c.a->ctx.sources, spans.items[i].file);
		char *uri = lsp_source_uri(s, src);
		json_t *list = json_object_get(changes, uri);
		if (!list) {
			list = json_array();
			json_object_set_new(changes, uri, list);
		}
		json_array_append_new(list, json_pack("{s:o, s:s}", "range",
						      lsp_span_range(s, &c.a->ctx.sources, spans.items[i]), "newText", name));
		opsc_free(uri);
	}
	opsc_array_free(&spans);
	return json_pack("{s:o}", "changes", changes);
}

/* --------------------------------------------------------- document symbols */

/* LSP SymbolKind per block type; Struct for the rest. */
static const struct {
	const char *type;
	int kind;
} symbol_kinds[] = {
	{ "project", 2 }, { "environment", 3 }, { "role", 5 }, { "bind", 6 }, { "network", 19 },
	{ "backup", 17 }, { "alert", 24 }, { "receiver", 11 }, { "route", 21 }, { "policy", 14 },
	{ "secret", 14 }, { "template", 12 }, { "use", 12 },
};

static int symbol_kind(const char *type)
{
	for (size_t i = 0; i < sizeof symbol_kinds / sizeof *symbol_kinds; i++)
		if (strcmp(symbol_kinds[i].type, type) == 0)
			return symbol_kinds[i].kind;
	return 23;
}

static json_t *symbols_of(lsp_server *s, const opsc_sources *sources, const opsc_body *body);

static json_t *block_symbol(lsp_server *s, const opsc_sources *sources, const opsc_stmt *st)
{
	const opsc_block *b = st->block;
	const char *name = b->nlabels ? b->labels[b->nlabels - 1].text : b->type;
	opsc_span sel = b->nlabels ? b->labels[b->nlabels - 1].span : b->type_span;
	size_t n = name ? strlen(name) : 0;
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"') { /* an interpolated label, as written */
		name++;
		n -= 2;
	}
	json_t *sym = json_pack("{s:s%, s:s, s:i, s:o, s:o}", "name", n ? name : b->type, n ? n : strlen(b->type), "detail",
				b->type, "kind", symbol_kind(b->type), "range", lsp_span_range(s, sources, st->span),
				"selectionRange", lsp_span_range(s, sources, sel));
	json_t *kids = symbols_of(s, sources, &b->body);
	if (json_array_size(kids))
		json_object_set_new(sym, "children", kids);
	else
		json_decref(kids);
	return sym;
}

static json_t *symbols_of(lsp_server *s, const opsc_sources *sources, const opsc_body *body)
{
	json_t *out = json_array();
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind == OPSC_STMT_BLOCK)
			json_array_append_new(out, block_symbol(s, sources, st));
		else if (st->kind == OPSC_STMT_PARAM)
			json_array_append_new(out, json_pack("{s:s, s:s, s:i, s:o, s:o}", "name", st->param.name,
							     "detail", "param", "kind", 13, "range",
							     lsp_span_range(s, sources, st->span), "selectionRange",
							     lsp_span_range(s, sources, st->param.name_span)));
	}
	return out;
}

json_t *lsp_symbols(lsp_server *s, json_t *params)
{
	json_t *pos = json_pack("{s:i, s:i}", "line", 0, "character", 0);
	json_t *p = json_pack("{s:O, s:o}", "textDocument", json_object_get(params, "textDocument"), "position", pos);
	lsp_cursor c;
	bool ok = lsp_cursor_get(s, p, &c);
	json_decref(p);
	const opsc_module *m = ok ? lsp_module_of(c.a, c.file) : NULL;
	return m ? symbols_of(s, &c.a->ctx.sources, &m->ast.body) : json_array();
}
