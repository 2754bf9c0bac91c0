#define _GNU_SOURCE
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "drift.h"
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

void lintfix_write_build(gitfix *f, const char *ops_path, const char *ops)
{
	char top[PATH_MAX];
	assert_non_null(realpath(f->dir, top));
	strcat(top, "/");
	gitfix_write(f, ops_path, ops);
	gitfix_add(f, ops_path);
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_model model = { 0 };
	const char *policies = gitfix_path(f, "policies");
	assert_int_equal(opsc_compile(&model, &ctx, &policies, 1), 0);
	assert_int_equal(ctx.diags.errors, 0);
	opsc_drift_expect e;
	assert_int_equal(opsc_drift_expect_init(&e, &ctx, &model, gitfix_path(f, "policies"), top), 0);
	assert_string_equal(e.out_rel, "clusters");
	for (uint32_t i = 0; i < e.outputs.files.len; i++) {
		char path[512];
		snprintf(path, sizeof path, "clusters/%s", e.outputs.files.items[i].path);
		gitfix_write(f, path, e.outputs.files.items[i].data);
		gitfix_add(f, path);
	}
	opsc_drift_expect_dispose(&e);
	opsc_ctx_dispose(&ctx);
}
