/*
 * sema_promql.c - an alert's `expr`: its text with template parameters
 * substituted (sema_render.c), parsed as PromQL (promql/promql.h), and a
 * problem reported at the bytes of the raw string, or at the value a `use`
 * passed, with a note at the `${...}` it landed in.
 */
#include "promql.h"
#include "sema_int.h"

bool sema_promql(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	sema_rendered r;
	bool ok = sema_render(s, e, scope, &r);
	*out = r.str;
	if (r.expr->kind != OPSC_EXPR_STRING)
		return false;
	r.what = "PromQL expression";
	opsc_promql_error err;
	if (ok && !opsc_promql_check(r.text, r.len, &err, NULL)) {
		sema_rendered_error(s, &r, err.start, err.end, "promql", "invalid PromQL: %s", err.message);
		ok = false;
	}
	sema_rendered_free(&r);
	return ok;
}
