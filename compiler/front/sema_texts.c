/*
 * sema_texts.c - the texts Prometheus and Alertmanager expand as Go
 * templates: an alert's annotations and labels, a receiver's title, text,
 * description and subject. Each is rendered with its template parameters
 * (sema_render.c) and parsed as the program that expands it parses it
 * (sema_gotmpl.h), so a text Prometheus would refuse to load, or
 * Alertmanager would fail to send, is an error at its .ops location.
 */
#include "sema_gotmpl.h"
#include "sema_int.h"

bool sema_go_template(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_gotmpl_dialect d, opsc_str *out)
{
	sema_rendered r;
	bool ok = sema_render(s, e, scope, &r);
	*out = r.str;
	r.what = "template text";
	opsc_gotmpl_error err;
	if (ok && !opsc_gotmpl_check(r.text, r.len, d, &err)) {
		uint32_t k = sema_rendered_error(s, &r, err.start, err.end, "go-template", "invalid Go template: %s",
						 err.message);
		if (k != UINT32_MAX && err.hint[0])
			opsc_diag_help(&s->ctx->diags, k, "did you mean `%s`?", err.hint);
		ok = false;
	}
	sema_rendered_free(&r);
	return ok;
}

void sema_go_template_map(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_gotmpl_dialect d)
{
	e = sema_resolve(s, e, scope);
	for (uint32_t i = 0; e->kind == OPSC_EXPR_MAP && i < e->map.len; i++) {
		const opsc_expr *v = sema_resolve(s, e->map.pairs[i].value, scope);
		opsc_str ignored;
		if (v->kind == OPSC_EXPR_STRING)
			sema_go_template(s, v, scope, d, &ignored);
	}
}
