/*
 * lsp_hover.c - what the thing under the cursor is.
 *
 *   a reference or a name    -> its definition: kind, where, its first line
 *   a block type             -> the schema: labels, attributes, nested blocks,
 *                               and the block's prose from docs/language.md
 *   an attribute name        -> its type from the schema, whether required,
 *                               and its description (the schema's, as in
 *                               opsc-language(5))
 *   a value                  -> the type expected there and what a unit
 *                               literal means (5m is 300 seconds)
 *
 * docs/language.md is embedded in the binary (opsc_lsp_docs) so the hover
 * text is the reference's own words and cannot drift from it.
 */
#include <stdio.h>
#include <string.h>

#include "front.h"
#include "lsp_int.h"
#include "util.h"

extern const opsc_embedded opsc_lsp_docs[];

typedef opsc_array(char) buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	opsc_array_reserve(b, (uint32_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->items + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (uint32_t)n;
}

static json_t *markdown(buf *b)
{
	json_t *j = json_pack("{s:{s:s, s:s%}}", "contents", "kind", "markdown", "value", b->items, (size_t)b->len);
	opsc_array_free(b);
	return j;
}

/* -------------------------------------------------------- language.md */

static const char *language_md(size_t *len)
{
	const opsc_embedded *e = opsc_embed_find(opsc_lsp_docs, "docs/language");
	*len = e ? e->len : 0;
	return e ? e->text : "";
}

/* Compares the first word of `s` with `type`. */
static bool first_word_is(const char *s, const char *type)
{
	size_t n = strlen(type);
	return strncmp(s, type, n) == 0 && (s[n] == ' ' || s[n] == '{');
}

/* The prose after the example of the "### TYPE..." section. */
static void block_doc(buf *b, const char *type)
{
	size_t len;
	const char *md = language_md(&len);
	const char *p = md;
	while ((p = strstr(p, "\n### "))) {
		p += 5;
		if (!first_word_is(p, type) && !strstr(p, type))
			continue;
		const char *eol = strchr(p, '\n');
		if (!eol || !(strstr(p, type) < eol))
			continue;
		const char *fence = strstr(eol, "\n```\n"), *close = fence ? strstr(fence + 5, "\n```\n") : NULL;
		const char *next = strstr(eol, "\n#");
		if (!close || (next && next < close))
			return;
		const char *text = close + 5;
		while (*text == '\n')
			text++;
		const char *stop = strstr(text, "\n\n");
		if (text[0] != '#' && text[0] != '`' && stop && (!next || text < next))
			put(b, "\n\n%.*s", (int)(stop - text), text);
		return;
	}
}

/* ------------------------------------------------------------ hovers */

static void def_hover(buf *b, const lsp_analysis *a, const lsp_def *d)
{
	const opsc_source *src = opsc_sources_get(&a->ctx.sources, d->whole.file);
	put(b, "**%s** `%s`", lsp_sym_kind_name(d->kind), d->name);
	if (!src)
		return;
	if (d->kind != LSP_SYM_MODULE) {
		uint32_t n;
		const char *line = opsc_source_line(src, d->whole.line, &n);
		put(b, "\n\n```ops\n%.*s\n```", (int)n, line);
	}
	put(b, "\n\ndefined in %s:%u", src->path, d->whole.line ? d->whole.line : 1);
}

static void schema_hover(buf *b, const char *type, const char *parent)
{
	const sema_schema *sc = sema_schema_find(type, parent);
	if (!sc) {
		put(b, "`%s`: not a block %s%s", type, parent ? "of " : "at the top level", parent ? parent : "");
		return;
	}
	put(b, "**block** `%s`%s%s", type, parent ? " in `" : "", parent ? parent : "");
	if (parent)
		put(b, "`");
	if (sc->max_labels)
		put(b, "\n\nlabel%s: %s", sc->max_labels > 1 ? "s" : "", sc->labels_hint);
	if (sc->attrs && sc->attrs->name) {
		put(b, "\n\nattributes:");
		for (const sema_attr *at = sc->attrs; at->name; at++)
			put(b, " `%s`%s", at->name, at->required ? " (required)" : "");
	}
	const char *kids[32];
	uint32_t n = sema_schema_children(type, kids, 32);
	if (n) {
		put(b, "\n\nblocks:");
		for (uint32_t i = 0; i < n; i++)
			put(b, " `%s`", kids[i]);
	}
	block_doc(b, type);
}

static void attr_hover(buf *b, const lsp_place *pl, const char *name)
{
	const sema_schema *sc = pl->type ? sema_schema_find(pl->type, pl->parent) : NULL;
	const sema_attr *at = sc ? sema_schema_attr(sc, name) : NULL;
	if (!at) {
		put(b, "`%s`", name);
		if (pl->type && strcmp(pl->type, "use") == 0)
			put(b, ": a parameter of the template");
		return;
	}
	put(b, "**attribute** `%s` of `%s`: %s%s", name, pl->type, sema_type_name(at->type),
	    at->required ? " (required)" : "");
	if (at->doc) /* the schema's own line, as opsc-language(5) shows it */
		put(b, "\n\n%s", at->doc);
}

/* What a literal with a unit means where it is. */
static void value_hover(buf *b, const lsp_place *pl, const opsc_stmt *attr, const opsc_expr *e)
{
	const sema_schema *sc = pl->type ? sema_schema_find(pl->type, pl->parent) : NULL;
	const sema_attr *at = sc ? sema_schema_attr(sc, attr->attr.name) : NULL;
	if (at)
		put(b, "`%s` expects %s", attr->attr.name, sema_type_name(at->type));
	int64_t secs;
	double milli;
	const char *why;
	if (e->kind == OPSC_EXPR_UNIT && (!at || at->type == A_DURATION) && opsc_units_duration(e->num.text, &secs, &why))
		put(b, "\n\nduration `%s` = %lld seconds", e->num.text, (long long)secs);
	else if ((e->kind == OPSC_EXPR_UNIT || e->kind == OPSC_EXPR_NUMBER) && at && at->type == A_QUANTITY &&
		 opsc_units_quantity(e->num.text, &milli, &why))
		put(b, "\n\nquantity `%s` = %g (%g milli-units)", e->num.text, milli / 1000, milli);
	else if (e->kind == OPSC_EXPR_PERCENT)
		put(b, "\n\npercentage `%s` (interpolates as %g)", e->num.text, e->num.value);
	else if (e->kind == OPSC_EXPR_PORT && e->port.to != e->port.from)
		put(b, "\n\nports %u to %u, %s", e->port.from, e->port.to, e->port.protocol);
	else if (e->kind == OPSC_EXPR_PORT)
		put(b, "\n\nport %u, %s", e->port.from, e->port.protocol);
}

/* The literal of `e` holding `off`, descending into lists. */
static const opsc_expr *expr_at(const opsc_expr *e, uint32_t off)
{
	if (e && e->kind == OPSC_EXPR_LIST)
		for (uint32_t i = 0; i < e->list.len; i++)
			if (lsp_span_has(e->list.items[i]->span, off))
				return expr_at(e->list.items[i], off);
	return e;
}

json_t *lsp_hover(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	if (!lsp_cursor_get(s, params, &c))
		return NULL;
	buf b = { 0 };
	opsc_span at;
	uint32_t d = lsp_index_at(&c.a->index, c.file, c.off, &at);
	const opsc_module *m = lsp_module_of(c.a, c.file);
	lsp_place pl;
	if (d != UINT32_MAX) {
		def_hover(&b, c.a, &c.a->index.defs.items[d]);
		return markdown(&b);
	}
	if (!m)
		return NULL;
	lsp_place_find(&pl, &m->ast.body, c.off);
	const opsc_stmt *st = pl.stmt;
	if (st && st->kind == OPSC_STMT_BLOCK && lsp_span_has(st->block->type_span, c.off))
		schema_hover(&b, st->block->type, pl.type);
	else if (st && st->kind == OPSC_STMT_ATTR && lsp_span_has(st->attr.name_span, c.off))
		attr_hover(&b, &pl, st->attr.name);
	else if (st && st->kind == OPSC_STMT_ATTR && st->attr.value && lsp_span_has(st->attr.value->span, c.off))
		value_hover(&b, &pl, st, expr_at(st->attr.value, c.off));
	if (!b.len) {
		opsc_array_free(&b);
		return NULL;
	}
	return markdown(&b);
}
