/*
 * sema_promql.c - an alert's `expr`: its text with template parameters
 * substituted (sema_render.c), parsed as PromQL (promql/promql.h), and a
 * problem reported at the bytes of the raw string, or at the value a `use`
 * passed, with a note at the `${...}` it landed in. A string-valued
 * expression parses but cannot alert: refused too.
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
	opsc_promql_type type = OPSC_PROMQL_NONE;
	if (ok && !opsc_promql_check(r.text, r.len, &err, &type)) {
		sema_rendered_error(s, &r, err.start, err.end, "promql", "invalid PromQL: %s", err.message);
		ok = false;
	} else if (ok && type == OPSC_PROMQL_STRING) {
		/* promtool accepts it; every evaluation of the rule fails */
		opsc_diag_error(&s->ctx->diags, "promql", r.expr->span,
				"an alert expression is an instant vector or a scalar, not a string: "
				"Prometheus fails to evaluate the rule every time");
		ok = false;
	}
	sema_rendered_free(&r);
	return ok;
}
