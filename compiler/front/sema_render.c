/*
 * sema_render.c - a string value rendered with its template parameters
 * substituted, remembering where each rendered byte came from, so that a
 * checker of the rendered text (PromQL, Go templates) reports a problem
 * where the user can fix it.
 *
 * A literal part maps back into the string as written (escapes and `$${`
 * taken into account, across lines); an interpolated value maps to the
 * value itself, at the `use` that passed it, with a note at the `${...}`
 * it landed in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "sema_int.h"

/* The rendered text of one interpolation, as sema_string renders it. */
static bool render_part(sema *s, const opsc_str_part *p, const sema_scope *scope, opsc_str *out)
{
	opsc_expr one = { .kind = OPSC_EXPR_STRING, .span = p->span };
	one.str.parts = (opsc_str_part *)p;
	one.str.nparts = 1;
	return sema_string(s, &one, scope, out);
}

bool sema_render(sema *s, const opsc_expr *e, const sema_scope *scope, sema_rendered *out)
{
	memset(out, 0, sizeof *out);
	out->expr = sema_resolve(s, e, scope);
	out->scope = scope;
	if (!sema_string(s, out->expr, scope, &out->str) || out->expr->kind != OPSC_EXPR_STRING)
		return false;
	opsc_array(sema_segment) segs = { 0 };
	opsc_array(char) text = { 0 };
	bool ok = true;
	for (uint32_t i = 0; i < out->expr->str.nparts && ok; i++) {
		const opsc_str_part *p = &out->expr->str.parts[i];
		opsc_str v = { p->text, p->span };
		uint32_t n = p->len;
		if (p->expr) {
			ok = render_part(s, p, scope, &v);
			n = ok ? (uint32_t)strlen(v.s) : 0;
		}
		sema_segment g = { text.len, n, p };
		opsc_array_push(&segs, g);
		opsc_array_reserve(&text, n + 1);
		memcpy(text.items + text.len, v.s, n);
		text.len += n;
	}
	opsc_array_push(&text, '\0');
	out->text = text.items;
	out->len = text.len - 1;
	out->segs = segs.items;
	out->nsegs = segs.len;
	return ok;
}

void sema_rendered_free(sema_rendered *r)
{
	opsc_free(r->text);
	opsc_free(r->segs);
	r->text = NULL;
	r->segs = NULL;
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

bool sema_reported(const sema *s, opsc_span span)
{
	const opsc_diags *d = &s->ctx->diags;
	for (uint32_t i = 0; i < d->items.len; i++) {
		const opsc_diag *x = &d->items.items[i];
		if (x->severity == OPSC_SEV_ERROR && x->span.file == span.file && x->span.start == span.start)
			return true;
	}
	return false;
}

uint32_t sema_rendered_error(sema *s, const sema_rendered *r, uint32_t start, uint32_t end, const char *code,
			     const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const sema_segment *g = NULL;
	for (uint32_t i = 0; i < r->nsegs; i++)
		if (start >= r->segs[i].off && start < r->segs[i].off + r->segs[i].len)
			g = &r->segs[i];
	opsc_diags *d = &s->ctx->diags;
	const opsc_expr *e = r->expr;
	if (!g) { /* at the end of the text: the closing quote */
		opsc_span at = opsc_source_span(&s->ctx->sources, e->span.file, e->span.end - 1, e->span.end);
		return opsc_diag_error(d, code, at, "%s", msg);
	}
	if (g->part->expr) {
		const opsc_expr *v = sema_resolve(s, g->part->expr, r->scope);
		if (sema_reported(s, v->span)) /* a parameter of the wrong type, say */
			return UINT32_MAX;
		uint32_t k = opsc_diag_error(d, code, v->span, "%s", msg);
		if (v != g->part->expr)
			opsc_diag_add_note(d, k, g->part->span, "the value lands in the %s here", r->what ? r->what : "text");
		return k;
	}
	const opsc_source *file = opsc_sources_get(&s->ctx->sources, g->part->span.file);
	uint32_t stop = end < g->off + g->len ? end : g->off + g->len;
	uint32_t a = literal_offset(file, g->part->span.start, start - g->off, e->str.raw);
	uint32_t b = literal_offset(file, g->part->span.start, stop - g->off, e->str.raw);
	return opsc_diag_error(d, code, opsc_source_span(&s->ctx->sources, g->part->span.file, a, b > a ? b : a + 1),
			       "%s", msg);
}
