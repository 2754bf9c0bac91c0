#include "testutil.h"

#include <string.h>

#include "load.h"
#include "sema.h"

typedef struct {
	opsc_ctx ctx;
	opsc_model m;
} fixture;

static const opsc_model *compile(fixture *f, const char *text)
{
	opsc_program prog;
	opsc_ctx_init(&f->ctx);
	assert_int_equal(opsc_load_text(&prog, &f->ctx, "t.ops", text, strlen(text)), 0);
	assert_int_equal(opsc_sema_check(&f->m, &f->ctx, &prog), 0);
	opsc_diags_sort(&f->ctx.diags);
	opsc_diags_dedupe(&f->ctx.diags);
	return &f->m;
}

static void done(fixture *f) { opsc_ctx_dispose(&f->ctx); }

static const char *const seed004 =
	"project \"vmshift\" { repo = \"acme/vmshift\"  reviewers = { \"alice\" = 1001, \"@acme/platform\" = 42 } }\n"
	"environment \"dev\" { cluster = \"lke\"  namespace = \"vmshift-dev\" }\n"
	"environment \"staging\" { cluster = \"lke\"  protect { reviewers = [\"alice\"]  branches = [\"develop\"] } }\n"
	"environment \"production\" {\n  cluster = \"lke\"\n"
	"  protect { reviewers = [\"alice\", \"@acme/platform\"]  approvals = 2  wait = 5m  branches = [\"main\"]  prevent_self_review = true }\n"
	"  quota { cpu = 20  memory = 64Gi  pods = 100  limits { cpu = 500m } }\n}\n"
	"role \"ci-deployer\" { allow { groups = [\"apps\"]  resources = [\"deployments\"]  verbs = [get, patch] } }\n"
	"bind role.ci-deployer { to = [service_account(\"ci-cd-deployer\", \"ci\")]  in = [env.staging, env.production] }\n"
	"receiver \"slack\" { slack { channel = \"#alerts\"  api_url = secret(\"slack\", \"url\") } }\n"
	"route { to = receiver.slack  group_by = [alertname, cluster]  when severity == critical && team != \"db\" { to = receiver.slack  continue = true } }\n";

static void test_sema__seed004_model(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f, seed004);
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_true(m->has_project);
	assert_string_equal(m->project.repo.s, "acme/vmshift");
	assert_int_equal(m->project.nreviewers, 2);
	assert_int_equal(m->project.reviewers[1].id, 42);
	assert_true(m->project.reviewers[1].team);
	assert_int_equal(m->nenvs, 3);
	assert_string_equal(m->envs[0].namespace_.s, "vmshift-dev");
	assert_string_equal(m->envs[1].namespace_.s, "staging"); /* defaults to the name */
	assert_false(m->envs[1].production);
	const opsc_env *prod = &m->envs[2];
	assert_true(prod->production);
	assert_int_equal(prod->protect.approvals, 2);
	assert_int_equal(prod->protect.wait_s, 300);
	assert_true(prod->protect.prevent_self_review);
	assert_string_equal(prod->protect.branches.items[0].s, "main");
	assert_int_equal(m->envs[1].protect.approvals, 1); /* a reviewer list means one approval */
	assert_int_equal(prod->quota.nhard, 3);
	assert_string_equal(prod->quota.hard[1].resource.s, "requests.memory");
	assert_string_equal(prod->quota.hard[1].value.text, "64Gi");
	assert_true(prod->quota.limits.present);
	assert_true(prod->quota.limits.default_cpu.milli == 500.0);
	assert_int_equal(m->nbindings, 1);
	const opsc_binding *b = &m->bindings[0];
	assert_ptr_equal(b->role, &m->roles[0]);
	assert_int_equal(b->nenvs, 2);
	assert_ptr_equal(b->envs[1], prod);
	assert_int_equal(b->subjects[0].kind, OPSC_SUBJECT_SERVICE_ACCOUNT);
	assert_string_equal(b->subjects[0].namespace_.s, "ci");
	assert_string_equal(b->name.s, "ci-deployer-ci-cd-deployer");
	assert_string_equal(m->roles[0].rules[0].verbs.items[1].s, "patch");
	assert_true(m->has_route);
	assert_ptr_equal(m->route.receiver, &m->receivers[0]);
	assert_int_equal(m->route.nchildren, 1);
	const opsc_route *child = &m->route.children[0];
	assert_int_equal(child->nmatchers, 2);
	assert_string_equal(child->matchers[0].label.s, "severity");
	assert_string_equal(child->matchers[0].value.s, "critical");
	assert_int_equal(child->matchers[1].op, OPSC_MATCH_NE);
	assert_true(child->continue_);
	assert_string_equal(m->receivers[0].notifiers[0].api_url.name.s, "slack");
	assert_string_equal(m->receivers[0].notifiers[0].api_url.key.s, "url");
	done(&f);
}

static void test_sema__templates_substitute_params(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f,
		"environment \"prod\" { cluster = \"c\" }\n"
		"template \"cpu\" {\n  param threshold = 80%\n  param wait = 10m\n"
		"  alert \"HighCPU\" { expr = `cpu > ${threshold}`  for = wait  severity = warning  summary = \"above ${threshold}%\" }\n}\n"
		"use cpu { threshold = 90% }\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_int_equal(m->nalerts, 1);
	assert_string_equal(m->alerts[0].expr.s, "cpu > 90");
	assert_string_equal(m->alerts[0].summary.s, "above 90%");
	assert_int_equal(m->alerts[0].for_s, 600);
	assert_string_equal(m->alerts[0].severity.s, "warning");
	assert_string_equal(m->alerts[0].group.s, "cpu");
	done(&f);
}

static void test_sema__errors_are_located_and_the_rest_is_built(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f,
		"environment \"a\" { cluster = \"x\"  clustr = \"y\" }\n"
		"environment \"b\" { cluster = 5 }\n"
		"environment \"a\" { cluster = \"z\" }\n"
		"backup \"daily\" { schedule = \"0 2 * * *\"  retain = 7d  in = [env.c] }\n");
	assert_int_equal(f.ctx.diags.errors, 4);
	const opsc_diag *d = f.ctx.diags.items.items;
	assert_string_equal(d[0].code, "unknown-attribute");
	assert_int_equal(d[0].span.col, 34);
	assert_string_equal(d[0].help, "did you mean `cluster`?");
	assert_string_equal(d[1].code, "type-mismatch");
	assert_string_equal(d[1].message, "expected a string, found a number");
	assert_string_equal(d[2].code, "duplicate");
	assert_int_equal(d[2].notes.len, 1);
	assert_int_equal(d[2].notes.items[0].span.line, 1);
	assert_string_equal(d[3].message, "there is no environment `c`");
	assert_string_equal(d[3].help, "did you mean `a`?");
	/* what was valid is in the Model */
	assert_int_equal(m->nenvs, 2);
	assert_int_equal(m->nbackups, 1);
	assert_int_equal(m->backups[0].retain_s, 7 * 86400);
	done(&f);
}

static void test_sema__policies_type_checked(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f,
		"policy \"p\" {\n  severity = warning\n  for e in environments where e.production {\n"
		"    require e.protect.approvals >= 2 && e.protect.wait >= 5m\n"
		"    require all(r in roles : !contains(r.verbs, \"*\"))\n  }\n}\n"
		"policy \"bad\" { for b in backups { require b.retain >= \"7d\"  require len(b.name) } }\n");
	assert_int_equal(m->npolicies, 2);
	assert_int_equal(m->policies[0].severity, OPSC_SEV_WARNING);
	assert_int_equal(f.ctx.diags.errors, 2);
	assert_string_equal(f.ctx.diags.items.items[0].message, "cannot compare a duration with a string");
	assert_string_equal(f.ctx.diags.items.items[1].message, "what `require` checks must be a condition, found a number");
	done(&f);
}

static void test_sema__policy_functions_typed(void **state)
{
	(void)state;
	fixture f;
	compile(&f,
		"policy \"p\" {\n  for e in environments {\n"
		"    require contains(e.namespace, \"stag\") && contains(e.labels, \"team\") && contains(e.protect.reviewers, \"a\")\n"
		"    require matches({ team = core }, e.labels) && matches(e.labels, {})\n"
		"    require contains(e.protect.approvals, 1) || contains(e.labels, 2)\n"
		"    require matches(e.labels, e.name) || len(e.production) > 0\n"
		"    require match(e.labels, {})\n  }\n}\n");
	assert_int_equal(f.ctx.diags.errors, 5);
	const opsc_diag *d = f.ctx.diags.items.items;
	assert_string_equal(d[0].message, "contains() looks in a list, a map or a string, found a number");
	assert_string_equal(d[1].message, "contains() looks for a key (a string) in a map, found a number");
	assert_string_equal(d[2].message, "matches() takes two maps, a selector and labels, found a string");
	assert_int_equal(d[2].span.col, 31);
	assert_string_equal(d[3].message, "len() counts a list, a map or a string, found a condition (bool)");
	assert_string_equal(d[4].message, "unknown function `match` in a policy");
	assert_string_equal(d[4].help, "did you mean `matches`?");
	done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sema__seed004_model),
		cmocka_unit_test(test_sema__templates_substitute_params),
		cmocka_unit_test(test_sema__errors_are_located_and_the_rest_is_built),
		cmocka_unit_test(test_sema__policies_type_checked),
		cmocka_unit_test(test_sema__policy_functions_typed),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
