#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "rules.h"
#include "scan.h"

static char *capture_explain(const opsc_rule *r, const opsc_sources *sources)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_rules_explain(out, r, sources);
	fclose(out);
	return buf;
}

static char *capture_list(const opsc_rules *rules, bool markdown)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_rules_list(out, rules, markdown);
	fclose(out);
	return buf;
}

/* A Model with one policy and one secret rule defined in policies/rbac.ops. */
typedef struct {
	opsc_ctx ctx;
	opsc_model model;
	opsc_policy policy;
	opsc_secret_rule secret;
} fixture;

static const char rbac_ops[] = "# RBAC hygiene\n"
			       "\n"
			       "policy \"no-wildcard-rbac\" {\n"
			       "  severity = error\n"
			       "}\n"
			       "secret \"github-pat\" { }\n";

static void setup(fixture *f)
{
	memset(f, 0, sizeof *f);
	opsc_ctx_init(&f->ctx);
	uint32_t file = opsc_sources_add(&f->ctx.sources, "policies/rbac.ops", rbac_ops, strlen(rbac_ops), false);
	f->policy = (opsc_policy){
		.span = opsc_source_span(&f->ctx.sources, file, 16, 64),
		.name = { "no-wildcard-rbac", OPSC_NO_SPAN },
		.severity = OPSC_SEV_ERROR,
		.description = { "Roles must not grant `*` verbs, resources or API groups.", OPSC_NO_SPAN },
	};
	f->secret = (opsc_secret_rule){
		.span = opsc_source_span(&f->ctx.sources, file, 65, 88),
		.id = { "github-pat", OPSC_NO_SPAN },
		.description = { "GitHub personal access token (classic)", OPSC_NO_SPAN },
		.severity = OPSC_SEV_ERROR,
	};
	f->model = (opsc_model){ .policies = &f->policy, .npolicies = 1, .secret_rules = &f->secret, .nsecret_rules = 1 };
}

static void test_rules__builtins_match_the_scanner(void **state)
{
	(void)state;
	opsc_rules rules;
	opsc_rules_init(&rules);
	const opsc_scan_builtin *scan;
	uint32_t n = opsc_scan_builtins(&scan);
	assert_true(n > 0);
	for (uint32_t i = 0; i < n; i++) {
		const opsc_rule *r = opsc_rules_find(&rules, scan[i].id);
		assert_non_null(r);
		assert_int_equal(r->kind, OPSC_RULE_SECRET);
		assert_int_equal(r->severity, scan[i].severity);
		assert_string_equal(r->summary, scan[i].description);
		assert_non_null(r->explanation);
		assert_non_null(r->fix);
	}
	const char *drift[] = { "drift-edited", "drift-missing", "drift-stale" };
	for (int i = 0; i < 3; i++)
		assert_int_equal(opsc_rules_find(&rules, drift[i])->kind, OPSC_RULE_DRIFT);
	const char *policy[] = { "invalid-yaml", "namespace-without-default-deny", "role-exceeds-declared",
				 "undeclared-cluster-admin", "ignore-without-reason", "baseline-expired",
				 "external-secret-differs" };
	for (int i = 0; i < 7; i++)
		assert_int_equal(opsc_rules_find(&rules, policy[i])->kind, OPSC_RULE_POLICY);
	assert_int_equal(opsc_rules_find(&rules, "inline-secret")->kind, OPSC_RULE_SECRET);
	uint32_t nchecks;
	const opsc_rule *checks = opsc_rules_checks(&nchecks);
	for (uint32_t i = 0; i < nchecks; i++) {
		assert_int_equal(opsc_rules_find(&rules, checks[i].id)->kind, OPSC_RULE_CHECK);
		assert_non_null(checks[i].explanation);
	}
	assert_int_equal(rules.items.len, n + 12 + nchecks);
	for (uint32_t i = 1; i < rules.items.len; i++)
		assert_true(strcmp(rules.items.items[i - 1].id, rules.items.items[i].id) < 0);
	opsc_rules_dispose(&rules);
}

static void test_rules__model_rules_and_suggestions(void **state)
{
	(void)state;
	fixture f;
	setup(&f);
	opsc_rules rules;
	opsc_rules_init(&rules);
	opsc_rules_add_model(&rules, &f.model);
	opsc_rules_add_model(&rules, &f.model); /* the first definition wins */
	uint32_t nchecks;
	opsc_rules_checks(&nchecks);
	assert_int_equal(rules.items.len, 19 + nchecks);
	const opsc_rule *r = opsc_rules_find(&rules, "no-wildcard-rbac");
	assert_int_equal(r->kind, OPSC_RULE_POLICY);
	assert_int_equal(r->defined.line, 3);
	assert_string_equal(opsc_rules_suggest(&rules, "no-wildcard-rabc"), "no-wildcard-rbac");
	assert_string_equal(opsc_rules_suggest(&rules, "drift-edit"), "drift-edited");
	assert_string_equal(opsc_rules_suggest(&rules, "terraform-stat"), "terraform-state");
	assert_null(opsc_rules_suggest(&rules, "cpu-limits"));
	assert_null(opsc_rules_find(&rules, "drift"));
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&f.ctx);
}

static void test_rules__project_relevels_with_did_you_mean(void **state)
{
	(void)state;
	fixture f;
	setup(&f);
	const char ops[] = "project \"p\" {\n  rules { drift-stale = warning  github-pat = off  no-wildcard-rabc = note }\n}\n";
	uint32_t file = opsc_sources_add(&f.ctx.sources, "t.ops", ops, strlen(ops), false);
	opsc_rule_setting settings[] = {
		{ { "drift-stale", opsc_source_span(&f.ctx.sources, file, 24, 35) }, OPSC_SEV_WARNING, false },
		{ { "github-pat", opsc_source_span(&f.ctx.sources, file, 47, 57) }, OPSC_SEV_ERROR, true },
		{ { "no-wildcard-rabc", opsc_source_span(&f.ctx.sources, file, 65, 81) }, OPSC_SEV_NOTE, false },
	};
	opsc_project project = { .rules = settings, .nrules = 3 };
	opsc_rules rules;
	opsc_rules_init(&rules);
	opsc_rules_add_model(&rules, &f.model);
	opsc_rules_apply_project(&rules, &project, &f.ctx.diags);

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_render_opts ro = { false };
	opsc_diag_render_text(out, &f.ctx.sources, &f.ctx.diags, &ro);
	fclose(out);
	assert_string_equal(buf, "t.ops:2:52: error: unknown lint rule `no-wildcard-rabc`\n"
				 " 2 |   rules { drift-stale = warning  github-pat = off  no-wildcard-rabc = note }\n"
				 "   |                                                    ^~~~~~~~~~~~~~~~\n"
				 "  = help: did you mean `no-wildcard-rbac`?\n");
	free(buf);

	const opsc_rule *stale = opsc_rules_find(&rules, "drift-stale");
	assert_int_equal(stale->level, OPSC_SEV_WARNING);
	assert_int_equal(stale->severity, OPSC_SEV_ERROR);
	assert_true(opsc_rules_find(&rules, "github-pat")->disabled);

	opsc_severity sev;
	assert_true(opsc_rules_level(&project, "drift-stale", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_WARNING);
	assert_false(opsc_rules_level(&project, "github-pat", OPSC_SEV_ERROR, &sev));
	assert_true(opsc_rules_level(&project, "drift-edited", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_ERROR);
	assert_true(opsc_rules_level(NULL, "drift-edited", OPSC_SEV_NOTE, &sev));
	assert_int_equal(sev, OPSC_SEV_NOTE);

	char *text = capture_explain(stale, &f.ctx.sources);
	assert_string_equal(text,
			    "drift-stale: a generated file the .ops sources no longer produce\n"
			    "\n"
			    "kind:      drift\n"
			    "severity:  warning (set by the project; default error)\n"
			    "\n"
			    "The file was written by an earlier `opsc build` (its header or the build manifest says "
			    "so), but the .ops sources no longer produce it: an environment, role or backup was removed "
			    "or renamed and the old output stayed. Flux keeps applying an object the policy no longer "
			    "declares.\n"
			    "\n"
			    "How to fix: Run `opsc build` (it removes the files it recorded writing) or delete the file, "
			    "and commit the result with the .ops change.\n"
			    "\n"
			    "Re-level or disable it in the project block:\n"
			    "  project \"NAME\" { rules { drift-stale = warning } }   # error, warning, note or off\n");
	free(text);
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&f.ctx);
}

/* A check of the .ops sources is the verdict check and build give too:
 * the project cannot re-level it for lint alone. */
static void test_rules__checks_cannot_be_relevelled(void **state)
{
	(void)state;
	fixture f;
	setup(&f);
	const char ops[] = "project \"p\" { rules { dead-route = off } }\n";
	uint32_t file = opsc_sources_add(&f.ctx.sources, "t.ops", ops, strlen(ops), false);
	opsc_rule_setting settings[] = {
		{ { "dead-route", opsc_source_span(&f.ctx.sources, file, 22, 32) }, OPSC_SEV_ERROR, true },
	};
	opsc_project project = { .rules = settings, .nrules = 1 };
	opsc_rules rules;
	opsc_rules_init(&rules);
	opsc_rules_apply_project(&rules, &project, &f.ctx.diags);
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_string_equal(f.ctx.diags.items.items[0].message,
			    "`dead-route` is a check of the .ops sources, enforced alike by check, lint and build: "
			    "it cannot be re-levelled");
	const opsc_rule *r = opsc_rules_find(&rules, "dead-route");
	assert_false(r->disabled);
	char *text = capture_explain(r, NULL);
	assert_non_null(strstr(text, "kind:      check\nseverity:  warning\n"));
	assert_non_null(strstr(text, "it cannot be re-levelled.\n"));
	assert_null(strstr(text, "project \"NAME\""));
	free(text);
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&f.ctx);
}

static void test_rules__explain_ops_rule_shows_definition(void **state)
{
	(void)state;
	fixture f;
	setup(&f);
	opsc_rules rules;
	opsc_rules_init(&rules);
	opsc_rules_add_model(&rules, &f.model);
	char *text = capture_explain(opsc_rules_find(&rules, "no-wildcard-rbac"), &f.ctx.sources);
	assert_string_equal(text,
			    "no-wildcard-rbac: Roles must not grant `*` verbs, resources or API groups.\n"
			    "\n"
			    "kind:      policy\n"
			    "severity:  error\n"
			    "defined:   policies/rbac.ops:3\n"
			    "\n"
			    "Roles must not grant `*` verbs, resources or API groups.\n"
			    "\n"
			    "Re-level or disable it in the project block:\n"
			    "  project \"NAME\" { rules { no-wildcard-rbac = warning } }   # error, warning, note or off\n");
	free(text);
	text = capture_explain(opsc_rules_find(&rules, "github-pat"), &f.ctx.sources);
	assert_non_null(strstr(text, "kind:      secret\nseverity:  error\ndefined:   policies/rbac.ops:6\n"));
	assert_non_null(strstr(text, "How to fix: Remove the value from the file"));
	free(text);
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&f.ctx);
}

static void test_rules__list(void **state)
{
	(void)state;
	opsc_rules rules;
	opsc_rules_init(&rules);
	char *text = capture_list(&rules, false);
	/* one line per rule, sorted, the name column as wide as the longest id */
	uint32_t lines = 0;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, rules.items.len);
	assert_non_null(strstr(text, "\ndrift-edited                    drift   error    a generated file was edited by hand\n"));
	assert_non_null(strstr(text, "\ndead-route                      check   warning  no declared alert reaches a route\n"));
	assert_non_null(strstr(text, "\nundeclared-cluster-admin        policy  error    a binding to cluster-admin that no .ops declares\n"));
	free(text);
	text = capture_list(&rules, true);
	assert_true(strncmp(text, "| id | kind | severity | summary |\n| --- | --- | --- | --- |\n",
			    strlen("| id | kind | severity | summary |\n| --- | --- | --- | --- |\n")) == 0);
	assert_non_null(strstr(text, "| [`drift-edited`](#drift-edited) | drift | error | a generated file was edited by hand |\n"));
	assert_non_null(strstr(text, "\n### terraform-state\n\nsecret, error by default. A Terraform state file"));
	free(text);
	opsc_rules_dispose(&rules);
}

/* docs/rules.md documents every built-in check with its explanation. */
static void test_rules__documented(void **state)
{
	(void)state;
	FILE *doc = fopen("docs/rules.md", "rb");
	assert_non_null(doc);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, doc)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(out);
	fclose(doc);
	opsc_rules rules;
	opsc_rules_init(&rules);
	const opsc_rule *b = rules.items.items;
	for (uint32_t i = 0; i < rules.items.len; i++) {
		char heading[128];
		snprintf(heading, sizeof heading, "\n### %s\n", b[i].id);
		if (!strstr(text, heading) || !strstr(text, b[i].explanation))
			fail_msg("docs/rules.md does not document `%s` (regenerate it: opsc explain --list --markdown --builtin)",
				 b[i].id);
	}
	opsc_rules_dispose(&rules);
	free(text);
}

/* Readiness rules are warnings until the project opts in; a rule's own
 * setting wins over the group (rules_adopt.c). */
static void test_rules__readiness_levels(void **state)
{
	(void)state;
	opsc_rules rules;
	opsc_rules_init(&rules);
	opsc_diags diags;
	opsc_arena *arena = opsc_arena_new();
	opsc_diags_init(&diags, arena);
	opsc_rules_apply_project(&rules, NULL, &diags);
	const opsc_rule *ns = opsc_rules_find(&rules, "namespace-without-default-deny");
	assert_int_equal(ns->severity, OPSC_SEV_ERROR);
	assert_int_equal(ns->level, OPSC_SEV_WARNING);
	assert_int_equal(opsc_rules_find(&rules, "undeclared-cluster-admin")->level, OPSC_SEV_ERROR); /* a danger */
	opsc_severity sev;
	assert_true(opsc_rules_level(NULL, "backup-coverage", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_WARNING);
	assert_true(opsc_rules_level(NULL, "no-wildcard-rbac", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_ERROR);

	opsc_rule_setting set[2] = {
		{ .rule = { "namespace-without-default-deny", OPSC_NO_SPAN }, .severity = OPSC_SEV_NOTE },
		{ .rule = { OPSC_RULES_READINESS, OPSC_NO_SPAN }, .severity = OPSC_SEV_ERROR },
	};
	opsc_project project = { .rules = set, .nrules = 2 };
	opsc_rules_apply_project(&rules, &project, &diags);
	assert_int_equal(diags.items.len, 0); /* `readiness` is no unknown rule */
	assert_int_equal(ns->level, OPSC_SEV_NOTE); /* its own setting, though written first */
	assert_true(opsc_rules_level(&project, "backup-coverage", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_ERROR); /* opted in */
	assert_true(opsc_rules_level(&project, "namespace-without-default-deny", OPSC_SEV_ERROR, &sev));
	assert_int_equal(sev, OPSC_SEV_NOTE);
	set[1].disabled = true; /* readiness = off */
	assert_false(opsc_rules_level(&project, "backup-coverage", OPSC_SEV_ERROR, &sev));
	assert_true(opsc_rules_level(&project, "namespace-without-default-deny", OPSC_SEV_ERROR, &sev));
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
	opsc_rules_dispose(&rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules__builtins_match_the_scanner),
		cmocka_unit_test(test_rules__model_rules_and_suggestions),
		cmocka_unit_test(test_rules__project_relevels_with_did_you_mean),
		cmocka_unit_test(test_rules__checks_cannot_be_relevelled),
		cmocka_unit_test(test_rules__explain_ops_rule_shows_definition),
		cmocka_unit_test(test_rules__list),
		cmocka_unit_test(test_rules__documented),
		cmocka_unit_test(test_rules__readiness_levels),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
