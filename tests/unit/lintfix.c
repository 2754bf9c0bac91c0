#include "testutil.h"

#include "lintfix.h"

void lintfix_run(lint_out *o, const opsc_lint_opts *opts)
{
	opsc_ctx_init(&o->ctx);
	opsc_lint_result_init(&o->res);
	o->rules = (opsc_rules){ 0 };
	o->rc = opsc_lint_run(&o->res, &o->rules, &o->ctx, opts, &o->error);
	if (o->rc < 0)
		fail_msg("lint: %s", o->error);
	assert_int_equal(o->ctx.diags.errors, 0);
}

void lintfix_done(lint_out *o)
{
	opsc_lint_result_dispose(&o->res);
	opsc_rules_dispose(&o->rules);
	opsc_ctx_dispose(&o->ctx);
}
