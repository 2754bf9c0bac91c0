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

static void test_sema__null_omits_an_attribute(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f,
		"environment \"prod\" { cluster = \"c\"  namespace = null  production = null }\n"
		"environment \"dev\" { cluster = \"c\" }\n"
		"template \"app\" {\n  param name\n  param runbook = null\n  param envs = null\n"
		"  alert \"Down-${name}\" { expr = \"up == 0\"  severity = warning  summary = \"down\"\n"
		"    runbook = runbook  in = envs  for = null  labels = null }\n}\n"
		"use app { name = \"web\" }\n"
		"use app { name = \"db\"  runbook = \"https://rb/db\"  envs = [env.prod] }\n"
		"network \"n\" { in = all  allow egress \"dns\" { to = namespace(\"kube-system\")  from = null  ports = null } }\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_string_equal(m->envs[0].namespace_.s, "prod"); /* the default, as if not written */
	assert_false(m->envs[0].production);
	assert_int_equal(m->nalerts, 2);
	assert_string_equal(m->alerts[0].name.s, "Down-web");
	assert_null(m->alerts[0].runbook.s);
	assert_int_equal(m->alerts[0].for_s, 0);
	assert_int_equal(m->alerts[0].nenvs, 0); /* omitted `in`: every environment */
	assert_string_equal(m->alerts[1].runbook.s, "https://rb/db");
	assert_int_equal(m->alerts[1].nenvs, 1);
	assert_int_equal(m->netpols[0].rules[0].npeers, 1);
	assert_int_equal(m->netpols[0].rules[0].nports, 0);
	done(&f);
}

static void test_sema__null_cannot_omit_a_required_attribute(void **state)
{
	(void)state;
	fixture f;
	compile(&f,
		"environment \"prod\" { cluster = null }\n"
		"template \"t\" {\n  param c = null\n  environment \"x\" { cluster = c }\n}\n"
		"use t { }\n");
	assert_int_equal(f.ctx.diags.errors, 2);
	const opsc_diag *d = f.ctx.diags.items.items;
	assert_string_equal(d[0].code, "missing-attribute");
	assert_string_equal(d[0].message, "`environment` needs `cluster`: null would omit it");
	assert_int_equal(d[0].notes.len, 0);
	assert_string_equal(d[1].message, "`environment` needs `cluster`: null would omit it");
	assert_int_equal(d[1].span.line, 4);
	assert_int_equal(d[1].notes.len, 1);
	assert_int_equal(d[1].notes.items[0].span.line, 3); /* the param's default */
	done(&f);
}

static void test_sema__param_defaults_name_earlier_params(void **state)
{
	(void)state;
	fixture f;
	const opsc_model *m = compile(&f,
		"environment \"prod\" { cluster = \"c\" }\n"
		"template \"app\" {\n  param name\n  param summary = name\n  param runbook = \"https://rb/${name}\"\n"
		"  param wait = 5m\n  param for_ = wait\n"
		"  alert \"Down-${name}\" { expr = \"up == 0\"  severity = warning  summary = summary  runbook = runbook  for = for_ }\n}\n"
		"use app { name = \"web\" }\n"
		"use app { name = \"db\"  summary = \"database\"  wait = 1h }\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_int_equal(m->nalerts, 2);
	assert_string_equal(m->alerts[0].summary.s, "web");
	assert_string_equal(m->alerts[0].runbook.s, "https://rb/web");
	assert_int_equal(m->alerts[0].for_s, 300);
	assert_string_equal(m->alerts[1].summary.s, "database");
	assert_string_equal(m->alerts[1].runbook.s, "https://rb/db");
	assert_int_equal(m->alerts[1].for_s, 3600);
	done(&f);
}

static void test_sema__param_default_naming_a_later_param(void **state)
{
	(void)state;
	fixture f;
	compile(&f,
		"template \"t\" {\n  param sev = level\n  param level = warning\n  param x = x\n"
		"  alert \"A\" { expr = \"up\"  severity = sev  summary = x }\n}\n"
		"use t { }\n");
	assert_int_equal(f.ctx.diags.errors, 3);
	const opsc_diag *d = f.ctx.diags.items.items;
	assert_string_equal(d[0].code, "param-order");
	assert_string_equal(d[0].message, "the default of `sev` names `level`, which is declared after it");
	assert_int_equal(d[0].notes.items[0].span.line, 3);
	assert_string_equal(d[1].message, "the default of `x` names itself");
	assert_string_equal(d[2].message, "expected a string, found a name"); /* x stays a bare word */
	done(&f);
}

static void test_sema__duplicates_through_use_point_at_the_uses(void **state)
{
	(void)state;
	fixture f;
	compile(&f,
		"template \"t\" {\n  param n\n  backup \"daily\" { schedule = \"0 2 * * *\"  retain = 7d  in = all  storage = n }\n}\n"
		"template \"outer\" {\n  use t { n = \"b\" }\n}\n"
		"use t { n = \"a\" }\n"
		"use outer { }\n"
		"backup \"weekly\" { schedule = \"0 3 * * 0\"  retain = 7d  in = all }\n"
		"template \"w\" {\n  backup \"weekly\" { schedule = \"0 4 * * 0\"  retain = 7d  in = all }\n}\n"
		"use w { }\n");
	assert_int_equal(f.ctx.diags.errors, 2);
	const opsc_diag *d = f.ctx.diags.items.items;
	/* the same template line twice: only the uses tell them apart */
	assert_string_equal(d[0].message, "backup `daily` is declared twice");
	assert_int_equal(d[0].span.line, 3);
	assert_int_equal(d[0].notes.len, 3);
	assert_string_equal(d[0].notes.items[0].message, "declared again through this `use`");
	assert_int_equal(d[0].notes.items[0].span.line, 6); /* inside outer */
	assert_int_equal(d[0].notes.items[1].span.line, 9); /* use outer */
	assert_string_equal(d[0].notes.items[2].message, "first declared through this `use`");
	assert_int_equal(d[0].notes.items[2].span.line, 8);
	assert_string_equal(d[0].help, "a template used twice needs a parameter in the name, like \"daily-${name}\"");
	/* a template's object against one written at the top level */
	assert_string_equal(d[1].message, "backup `weekly` is declared twice");
	assert_int_equal(d[1].span.line, 12);
	assert_int_equal(d[1].notes.len, 2);
	assert_int_equal(d[1].notes.items[0].span.line, 14);
	assert_string_equal(d[1].notes.items[1].message, "first declared here");
	assert_int_equal(d[1].notes.items[1].span.line, 10);
	assert_null(d[1].help);
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
		cmocka_unit_test(test_sema__null_omits_an_attribute),
		cmocka_unit_test(test_sema__null_cannot_omit_a_required_attribute),
		cmocka_unit_test(test_sema__param_defaults_name_earlier_params),
		cmocka_unit_test(test_sema__param_default_naming_a_later_param),
		cmocka_unit_test(test_sema__duplicates_through_use_point_at_the_uses),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
