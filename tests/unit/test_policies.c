#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "embed.h"
#include "load.h"
#include "policy.h"
#include "sema.h"

/*
 * The built-in policy set (every policies/NAME.ops, as embedded in the binary): every
 * file checks clean on its own, both examples satisfy every rule, and each
 * rule finds exactly the offenders of a small policy written to break it.
 */

typedef struct {
	opsc_ctx ctx;
	opsc_model builtin[16]; /* one Model per embedded policy file */
	uint32_t nbuiltin;
	opsc_model user;
	char *out; /* findings, one per line */
	size_t outlen;
	FILE *f;
} fixture;

static void load_builtin(fixture *fx)
{
	for (const opsc_embedded *e = opsc_builtin_policies; e->name; e++) {
		opsc_program prog = { 0 };
		char *path = opsc_arena_printf(fx->ctx.arena, "%s.ops", e->name);
		assert_true(fx->nbuiltin < sizeof fx->builtin / sizeof *fx->builtin);
		assert_int_equal(opsc_load_text(&prog, &fx->ctx, path, e->text, e->len), 0);
		assert_int_equal(opsc_sema_check(&fx->builtin[fx->nbuiltin++], &fx->ctx, &prog), 0);
	}
	assert_int_equal(fx->ctx.diags.errors, 0);
	assert_int_equal(fx->ctx.diags.warnings, 0);
}

static void setup(fixture *fx)
{
	memset(fx, 0, sizeof *fx);
	opsc_ctx_init(&fx->ctx);
	load_builtin(fx);
	fx->f = open_memstream(&fx->out, &fx->outlen);
}

static void teardown(fixture *fx)
{
	if (fx->f)
		fclose(fx->f);
	free(fx->out);
	opsc_ctx_dispose(&fx->ctx);
}

/* "rule file:line: message" */
static int collect(void *user, const opsc_policy_finding *f)
{
	fixture *fx = user;
	const opsc_source *src = opsc_sources_get(&fx->ctx.sources, f->where.file);
	fprintf(fx->f, "%s %s:%u: %s\n", f->rule, src ? src->path : "-", f->where.line, f->message);
	return 0;
}

/* Every built-in policy, then the user's own, over the user's Model; the
 * findings as text. */
static const char *eval(fixture *fx)
{
	for (uint32_t m = 0; m < fx->nbuiltin; m++)
		for (uint32_t p = 0; p < fx->builtin[m].npolicies; p++)
			assert_int_equal(opsc_policy_eval(&fx->ctx, &fx->user, &fx->builtin[m].policies[p], collect, fx), 0);
	for (uint32_t p = 0; p < fx->user.npolicies; p++)
		assert_int_equal(opsc_policy_eval(&fx->ctx, &fx->user, &fx->user.policies[p], collect, fx), 0);
	if (fx->ctx.diags.errors)
		opsc_diag_render_text(stderr, &fx->ctx.sources, &fx->ctx.diags, &(opsc_render_opts){ 0 });
	assert_int_equal(fx->ctx.diags.errors, 0); /* no runtime error in any rule */
	fflush(fx->f);
	if (getenv("OPSC_TEST_VERBOSE"))
		fputs(fx->out ? fx->out : "", stderr);
	return fx->out ? fx->out : "";
}

static const char *eval_text(fixture *fx, const char *ops)
{
	opsc_program prog = { 0 };
	assert_int_equal(opsc_load_text(&prog, &fx->ctx, "t.ops", ops, strlen(ops)), 0);
	assert_int_equal(opsc_sema_check(&fx->user, &fx->ctx, &prog), 0);
	assert_int_equal(fx->ctx.diags.errors, 0);
	return eval(fx);
}

static const char *eval_dir(fixture *fx, const char *dir)
{
	assert_int_equal(opsc_compile(&fx->user, &fx->ctx, &dir, 1), 0);
	assert_int_equal(fx->ctx.diags.errors, 0);
	assert_int_equal(fx->ctx.diags.warnings, 0);
	return eval(fx);
}

/* ------------------------------------------------------------------ tests */

/* One offender (or more) for every rule. */
static const char bad[] =
	"project \"acme\" { repo = \"acme/app\"  reviewers = { \"alice\" = 1, \"bob\" = 2, \"carol\" = 3 }  break_glass = \"emergency\" }\n" /* 1 */
	"environment \"dev\" { cluster = \"shared\" }\n" /* 2 */
	"environment \"staging\" {\n" /* 3 */
	"  cluster = \"staging\"\n" /* 4 */
	"  protect { reviewers = [\"alice\", \"bob\", \"carol\"]  approvals = 3  wait = 10m  branches = [\"develop\"] }\n" /* 5 */
	"}\n" /* 6 */
	"environment \"production\" {\n" /* 7 */
	"  cluster = \"shared\"\n" /* 8 */
	"  protect { reviewers = [\"alice\"]  approvals = 1  branches = [\"main\", \"release/*\"] }\n" /* 9 */
	"}\n" /* 10 */
	"role \"ops\" { allow { groups = [\"*\"]  resources = [\"pods/*\", \"services\"]  verbs = [get, escalate] } }\n" /* 11 */
	"bind cluster-admin { to = [user(\"bob\")] }\n" /* 12 */
	"bind cluster-admin { to = [user(\"carol\")]  name = \"emergency\" }\n" /* 13 */
	"network \"closed\" { in = [env.staging]  deny = [ingress, egress] }\n" /* 14 */
	"network \"web-only\" { in = [env.production]  select = { app = \"web\" }  deny = [ingress, egress] }\n" /* 15 */
	"network \"nowhere\" { in = [] }\n" /* 16 */
	"backup \"staging\" { schedule = \"0 2 * * *\"  retain = 30d  in = [env.staging] }\n" /* 17 */
	"backup \"crit\" { schedule = \"0 4 * * *\"  retain = 7d  in = [env.production]  select = { tier = \"critical\" } }\n" /* 18 */
	"alert \"Quiet\" { expr = `up == 0`  for = 5m  severity = warning  summary = \"down\"  in = [env.staging] }\n" /* 19 */
	"alert \"Loud\" { expr = `up == 0`  severity = critical  summary = \"\" }\n" /* 20 */
	"role \"all\" { allow { groups = [\"\"]  resources = [\"*\"]  verbs = [\"*\"] } }\n" /* 21 */;

static void test_policies__offenders(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx);
	assert_string_equal(eval_text(&fx, bad),
			    "production-pod-security t.ops:7: production environment production enforces no Pod Security level above privileged: set pod_security = baseline or restricted\n"
			    "alert-summary t.ops:20: alert Loud needs a summary\n"
			    "alert-runbook t.ops:19: alert Quiet needs a runbook link\n"
			    "alert-runbook t.ops:20: alert Loud needs a runbook link\n"
			    "backup-coverage t.ops:2: environment dev (namespace dev) is not covered by a backup schedule with a retention\n"
			    "production-backup-whole-namespace t.ops:7: production namespace production (production) has no backup schedule that takes the whole namespace\n"
			    "network-default-deny t.ops:2: namespace dev (dev) has no default-deny ingress policy\n"
			    "network-default-deny t.ops:2: namespace dev (dev) has no default-deny egress policy\n"
			    "network-default-deny t.ops:7: namespace production (production) has no default-deny ingress policy\n"
			    "network-default-deny t.ops:7: namespace production (production) has no default-deny egress policy\n"
			    "network-dns-egress t.ops:3: namespace staging (staging) denies egress but allows no DNS (53/udp)\n"
			    "network-dns-egress t.ops:7: namespace production (production) denies egress but allows no DNS (53/udp)\n"
			    "network-selector-matches t.ops:16: network policy nowhere applies to no declared environment\n"
			    "production-protection t.ops:7: production environment production needs at least 2 approvals, has 1\n"
			    "production-protection t.ops:7: production environment production needs a wait timer of at least 5m\n"
			    "production-protection t.ops:7: production environment production must deploy from `main` only: set branches = [\"main\"]\n"
			    "production-protection t.ops:7: production environment production must set prevent_self_review = true\n"
			    "production-cluster-review t.ops:2: dev deploys to production cluster shared without required reviewers\n"
			    "production-cluster-review t.ops:2: dev deploys to production cluster shared: set prevent_self_review = true\n"
			    "production-cluster-review t.ops:7: production deploys to production cluster shared: set prevent_self_review = true\n"
			    "production-stricter-than-staging t.ops:7: production environment production needs at least as many approvals as staging (3), has 1\n"
			    "production-stricter-than-staging t.ops:7: production environment production waits less than staging before deploying\n"
			    "production-stricter-than-staging t.ops:17: production environment production keeps backups for less time than staging\n"
			    "production-stricter-than-staging t.ops:19: alert Quiet watches staging but not production environment production\n"
			    "no-wildcard-rbac t.ops:11: role ops grants every resource (`*`): list the resources it needs\n"
			    "no-wildcard-rbac t.ops:11: role ops grants every API group (`*`): list the groups it needs (\"\" is the core group)\n"
			    "no-wildcard-rbac t.ops:21: role all grants every verb (`*`): list the verbs it needs, e.g. [get, list, watch]\n"
			    "no-wildcard-rbac t.ops:21: role all grants every resource (`*`): list the resources it needs\n"
			    "no-cluster-admin-binding t.ops:12: binding cluster-admin-bob grants cluster-admin: bind a least-privilege role, or name it as the project's break_glass if it is the emergency binding\n"
			    "no-privilege-escalation t.ops:11: role ops grants escalate: it can raise its own privileges\n");
	teardown(&fx);
}


static void test_policies__every_rule_documented(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx);
	uint32_t n = 0;
	for (uint32_t m = 0; m < fx.nbuiltin; m++)
		for (uint32_t p = 0; p < fx.builtin[m].npolicies; p++, n++) {
			const opsc_policy *pol = &fx.builtin[m].policies[p];
			assert_non_null(pol->description.s);
			assert_true(strlen(pol->description.s) > 120); /* a paragraph, not a title */
		}
	assert_true(n >= 12);
	teardown(&fx);
}

static void test_policies__homelab_clean(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx);
	assert_string_equal(eval_dir(&fx, "examples/homelab/policies"), "");
	teardown(&fx);
}

static void test_policies__saas_clean(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx);
	assert_string_equal(eval_dir(&fx, "examples/saas/policies"), "");
	teardown(&fx);
}

/* Severity is checked by sema in .ops; manifests can carry anything. A
 * project without break_glass allows no cluster-admin binding at all. */
static void test_policies__manifest_values(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx);
	opsc_program prog = { 0 };
	const char *ops = "alert \"A\" { expr = `up == 0`  severity = info  summary = \"s\"  runbook = \"r\" }\n"
			  "alert \"B\" { expr = `up == 0`  severity = info  summary = \"s\"  runbook = \"r\" }\n"
			  "bind cluster-admin { to = [user(\"bob\")]  name = \"emergency\" }\n";
	assert_int_equal(opsc_load_text(&prog, &fx.ctx, "m.ops", ops, strlen(ops)), 0);
	assert_int_equal(opsc_sema_check(&fx.user, &fx.ctx, &prog), 0);
	fx.user.alerts[0].severity.s = "page";
	fx.user.alerts[1].severity.s = NULL;
	assert_string_equal(eval(&fx), "alert-severity m.ops:1: alert A needs a severity of critical, warning or info\n"
				       "alert-severity m.ops:2: alert B needs a severity of critical, warning or info\n"
				       "no-cluster-admin-binding m.ops:3: binding emergency grants cluster-admin: bind a "
				       "least-privilege role, or name it as the project's break_glass if it is the emergency binding\n");
	teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policies__every_rule_documented),
		cmocka_unit_test(test_policies__homelab_clean),
		cmocka_unit_test(test_policies__saas_clean),
		cmocka_unit_test(test_policies__offenders),
		cmocka_unit_test(test_policies__manifest_values),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
