/*
 * sema_promql.c - an alert's `expr`: its text with template parameters
 * substituted, parsed as PromQL (promql/promql.h), and a problem reported
 * where the user can fix it.
 *
 * The expression is rendered part by part, remembering where each rendered
 * byte came from: a literal part maps back into the raw string (escapes and
 * `$${` taken into account, across lines), an interpolated value to the
 * value itself, at the `use` that passed it, with a note at the `${...}` in
 * the template it landed in.
 */
#include <string.h>

#include "array.h"
#include "promql.h"
#include "sema_int.h"

typedef struct {
	uint32_t off, len; /* in the rendered text */
	const opsc_str_part *part;
} segment;

typedef opsc_array(segment) segment_list;
typedef opsc_array(char) text_buf;

/* The rendered text of one interpolation, as sema_string renders it. */
static bool render_part(sema *s, const opsc_str_part *p, const sema_scope *scope, opsc_str *out)
{
	opsc_expr one = { .kind = OPSC_EXPR_STRING, .span = p->span };
	one.str.parts = (opsc_str_part *)p;
	one.str.nparts = 1;
	return sema_string(s, &one, scope, out);
}

/* Source offset of byte `k` of a literal part that starts at `src`. */
static uint32_t literal_offset(const opsc_source *file, uint32_t src, uint32_t k, bool raw)
{
	const char *t = file->text;
	for (uint32_t done = 0; done < k && src < file->len;) {
		if (t[src] == '$' && src + 2 < file->len && t[src + 1] == '$' && t[src + 2] == '{') {
			src++; /* `$${` renders as `${` */
		} else if (t[src] == '\\' && !raw && src + 1 < file->len) {
			if (t[src + 1] == 'u') {
				while (src < file->len && t[src] != '}')
					src++;
				src++;
			} else {
				src += 2;
			}
			done++;
		} else {
			src++;
			done++;
		}
	}
	return src;
}

static void report(sema *s, const opsc_expr *e, const sema_scope *scope, const segment_list *segs,
		   const opsc_promql_error *err)
{
	const segment *g = NULL;
	for (uint32_t i = 0; i < segs->len; i++)
		if (err->start >= segs->items[i].off && err->start < segs->items[i].off + segs->items[i].len)
			g = &segs->items[i];
	opsc_diags *d = &s->ctx->diags;
	if (!g) { /* at the end of the expression: the closing quote */
		opsc_span at = opsc_source_span(&s->ctx->sources, e->span.file, e->span.end - 1, e->span.end);
		opsc_diag_error(d, "promql", at, "invalid PromQL: %s", err->message);
		return;
	}
	if (g->part->expr) {
		const opsc_expr *v = sema_resolve(s, g->part->expr, scope);
		uint32_t k = opsc_diag_error(d, "promql", v->span, "invalid PromQL: %s", err->message);
		if (v != g->part->expr)
			opsc_diag_add_note(d, k, g->part->span, "the value lands in the PromQL expression here");
		return;
	}
	const opsc_source *file = opsc_sources_get(&s->ctx->sources, g->part->span.file);
	uint32_t end = err->end < g->off + g->len ? err->end : g->off + g->len;
	uint32_t a = literal_offset(file, g->part->span.start, err->start - g->off, e->str.raw);
	uint32_t b = literal_offset(file, g->part->span.start, end - g->off, e->str.raw);
	opsc_diag_error(d, "promql", opsc_source_span(&s->ctx->sources, g->part->span.file, a, b > a ? b : a + 1),
			"invalid PromQL: %s", err->message);
}

bool sema_promql(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_STRING || !sema_string(s, e, scope, out))
		return e->kind == OPSC_EXPR_STRING ? false : sema_string(s, e, scope, out);
	segment_list segs = { 0 };
	text_buf text = { 0 };
	bool ok = true;
	for (uint32_t i = 0; i < e->str.nparts && ok; i++) {
		const opsc_str_part *p = &e->str.parts[i];
		opsc_str v = { p->text, p->span };
		uint32_t n = p->len;
		if (p->expr) {
			ok = render_part(s, p, scope, &v);
			n = ok ? (uint32_t)strlen(v.s) : 0;
		}
		segment g = { text.len, n, p };
		opsc_array_push(&segs, g);
		opsc_array_reserve(&text, n);
		memcpy(text.items + text.len, v.s, n);
		text.len += n;
	}
	opsc_promql_error err;
	if (ok && !opsc_promql_check(text.items ? text.items : "", text.len, &err, NULL)) {
		report(s, e, scope, &segs, &err);
		ok = false;
	}
	opsc_array_free(&segs);
	opsc_array_free(&text);
	return ok;
}
