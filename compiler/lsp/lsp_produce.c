/*
 * lsp_produce.c - formatting, and what a block produces.
 *
 *   textDocument/formatting   `opsc fmt` of the buffer, as one edit
 *   textDocument/codeAction   "opsc: what does this produce" on a block
 *   opsc.produces URI LINE COL  the generated documents a top-level block
 *                             makes: the Model is emitted in memory as
 *                             `opsc diff` does, and each output's source map
 *                             (the Model span behind each YAML document)
 *                             is matched against the block
 *   opsc.source URI LINE      the other way: the .ops line behind a line of
 *                             a generated file
 *   opsc.stdlib URI           the text of a read-only standard-library
 *                             document (opsc-std:///std/NAME.ops)
 */
#include <string.h>

#include "drift.h"
#include "front.h"
#include "lsp_int.h"

json_t *lsp_formatting(lsp_server *s, json_t *params)
{
	const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
	const lsp_doc *d = lsp_docs_find(&s->docs, uri);
	if (!d || d->readonly)
		return NULL;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	uint32_t file = opsc_sources_add(&ctx.sources, d->path ? d->path : d->uri, d->text, d->len, false);
	char *text = NULL;
	size_t len = 0;
	json_t *edits = NULL;
	int rc = opsc_fmt_format(&text, &len, &ctx, file);
	if (rc == OPSC_FMT_OK) {
		edits = json_array();
		if (len != d->len || memcmp(text, d->text, len) != 0)
			json_array_append_new(edits, json_pack("{s:o, s:s%}", "range",
							       lsp_range(d->text, d->len, 0, d->len, s->utf8),
							       "newText", text, len));
	}
	opsc_free(text);
	opsc_ctx_dispose(&ctx);
	return edits;
}

/* ------------------------------------------------------------- emitting */

typedef struct {
	opsc_drift_expect e;
	uint32_t ndiags, errors, warnings;
} emitted;

/* Emits the analysis's Model; what the emitters report is not kept, so
 * the published diagnostics stay those of `opsc check`. */
static int emit(lsp_analysis *a, emitted *em)
{
	em->ndiags = a->ctx.diags.items.len;
	em->errors = a->ctx.diags.errors;
	em->warnings = a->ctx.diags.warnings;
	int rc = a->ctx.diags.errors ? -1 : opsc_drift_expect_init(&em->e, &a->ctx, &a->model, a->dir, NULL);
	a->ctx.diags.items.len = em->ndiags;
	a->ctx.diags.errors = em->errors;
	a->ctx.diags.warnings = em->warnings;
	return rc;
}

/* Whether the line starting at byte `i` of `o` is a `---` separator. */
static bool separator(const opsc_output *o, size_t i)
{
	return i + 3 <= o->len && strncmp(o->data + i, "---", 3) == 0 && (i + 3 == o->len || o->data[i + 3] == '\n');
}

/* 1-based line where document `k` of `o` starts (after its `---`). */
static uint32_t doc_line(const opsc_output *o, uint32_t k)
{
	uint32_t line = 1, seen = 0;
	for (size_t i = 0; i < o->len && seen < k; i++) {
		if (o->data[i] != '\n')
			continue;
		line++;
		if (separator(o, i + 1) && ++seen == k)
			return line + 1;
	}
	return line;
}

static json_t *output_item(const emitted *em, const opsc_output *o, uint32_t k)
{
	char *abs = opsc_malloc(strlen(em->e.out_dir) + strlen(o->path) + 2);
	sprintf(abs, "%s/%s", em->e.out_dir, o->path);
	char *uri = lsp_path_to_uri(abs);
	json_t *j = json_pack("{s:s, s:s, s:i, s:i}", "path", o->path, "uri", uri, "document", (json_int_t)k, "line",
			      (json_int_t)doc_line(o, k));
	opsc_free(uri);
	opsc_free(abs);
	return j;
}

/* opsc.produces: [{path, uri, document, line}] of the top-level block at
 * the position. */
static json_t *produces(lsp_server *s, json_t *args)
{
	json_t *p = json_pack("{s:{s:O}, s:{s:O, s:O}}", "textDocument", "uri", json_array_get(args, 0), "position",
			      "line", json_array_get(args, 1), "character", json_array_get(args, 2));
	lsp_cursor c;
	bool ok = lsp_cursor_get(s, p, &c);
	json_decref(p);
	const opsc_module *m = ok ? lsp_module_of(c.a, c.file) : NULL;
	lsp_place pl;
	if (!m)
		return NULL;
	lsp_place_find(&pl, &m->ast.body, c.off);
	const opsc_stmt *top = pl.top ? pl.top : pl.stmt;
	emitted em;
	if (!top || emit(c.a, &em) < 0)
		return json_array();
	json_t *out = json_array();
	for (uint32_t i = 0; i < em.e.outputs.files.len; i++) {
		const opsc_output *o = &em.e.outputs.files.items[i];
		for (uint32_t k = 0; k < o->ndocs; k++) {
			opsc_span sp = o->doc_spans[k];
			if (sp.file == c.file && sp.start >= top->span.start && sp.end <= top->span.end)
				json_array_append_new(out, output_item(&em, o, k));
		}
	}
	opsc_drift_expect_dispose(&em.e);
	return out;
}

/* Document number of `line` (1-based) in a YAML stream. */
static uint32_t doc_of_line(const opsc_output *o, uint32_t line)
{
	uint32_t l = 1, k = 0;
	for (size_t i = 0; i < o->len && l < line; i++) {
		if (o->data[i] != '\n')
			continue;
		l++;
		k += separator(o, i + 1);
	}
	return k;
}

/* opsc.source: the Location of the .ops behind line LINE (0-based, as LSP
 * counts) of the generated file URI, or null. */
static json_t *source_of(lsp_server *s, json_t *args)
{
	const char *uri = json_string_value(json_array_get(args, 0));
	return uri ? lsp_source_of(s, uri, (uint32_t)json_integer_value(json_array_get(args, 1))) : NULL;
}

json_t *lsp_source_of(lsp_server *s, const char *uri, uint32_t line0)
{
	char *path = lsp_uri_to_path(uri);
	json_t *loc = NULL;
	uint32_t line = line0 + 1;
	for (uint32_t i = 0; path && !loc && i < s->analyses.len; i++) {
		lsp_analysis *a = s->analyses.items[i];
		emitted em;
		if (emit(a, &em) < 0)
			continue;
		size_t n = strlen(em.e.out_dir);
		for (uint32_t k = 0; !loc && k < em.e.outputs.files.len; k++) {
			const opsc_output *o = &em.e.outputs.files.items[k];
			if (strncmp(path, em.e.out_dir, n) != 0 || path[n] != '/' || strcmp(path + n + 1, o->path) != 0)
				continue;
			uint32_t d = doc_of_line(o, line);
			if (d < o->ndocs && o->doc_spans[d].file != OPSC_NO_FILE)
				loc = lsp_span_location(s, &a->ctx.sources, o->doc_spans[d]);
		}
		opsc_drift_expect_dispose(&em.e);
	}
	opsc_free(path);
	return loc;
}

static json_t *stdlib_text(lsp_server *s, json_t *args)
{
	(void)s;
	const char *uri = json_string_value(json_array_get(args, 0));
	size_t n = strlen(LSP_STD_SCHEME "/");
	if (!uri || strncmp(uri, LSP_STD_SCHEME "/", n) != 0)
		return NULL;
	char name[256];
	snprintf(name, sizeof name, "%s", uri + n);
	char *dot = strrchr(name, '.');
	if (dot && strcmp(dot, ".ops") == 0)
		*dot = '\0';
	const opsc_embedded *e = opsc_embed_find(opsc_stdlib, name);
	return e ? json_stringn(e->text, e->len) : NULL;
}

static const struct {
	const char *name;
	json_t *(*run)(lsp_server *s, json_t *args);
} commands[] = {
	{ "opsc.produces", produces },
	{ "opsc.source", source_of },
	{ "opsc.stdlib", stdlib_text },
};

json_t *lsp_execute_command(lsp_server *s, json_t *params)
{
	const char *name = json_string_value(json_object_get(params, "command"));
	json_t *args = json_object_get(params, "arguments");
	for (size_t i = 0; name && i < sizeof commands / sizeof *commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(s, args);
	return NULL;
}

/* One action on any top-level block: run opsc.produces there. */
json_t *lsp_code_action(lsp_server *s, json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	json_t *start = json_object_get(json_object_get(params, "range"), "start");
	json_t *p = json_pack("{s:O, s:O}", "textDocument", td, "position", start);
	lsp_cursor c;
	bool ok = lsp_cursor_get(s, p, &c);
	json_decref(p);
	const opsc_module *m = ok ? lsp_module_of(c.a, c.file) : NULL;
	if (!m)
		return json_array();
	lsp_place pl;
	lsp_place_find(&pl, &m->ast.body, c.off);
	const opsc_stmt *top = pl.top ? pl.top : pl.stmt;
	if (!top || top->kind != OPSC_STMT_BLOCK)
		return json_array();
	const opsc_block *b = top->block;
	char title[256];
	snprintf(title, sizeof title, "opsc: what does %s%s%s%s produce?", b->type, b->nlabels ? " \"" : "",
		 b->nlabels ? b->labels[0].text : "", b->nlabels ? "\"" : "");
	json_t *cmd = json_pack("{s:s, s:s, s:[O, O, O]}", "title", title, "command", "opsc.produces", "arguments",
				json_object_get(td, "uri"), json_object_get(start, "line"),
				json_object_get(start, "character"));
	return json_pack("[{s:s, s:s, s:o}]", "title", title, "kind", "source", "command", cmd);
}
