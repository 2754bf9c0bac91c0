#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "emitutil.h"
#include "verify.h"

/* Seed 004 (examples/saas/policies): the project and its environments. */
static const char seed004[] =
	"project \"vmshift\" {\n"
	"  repo = \"ilearn-code/vmshift\"\n"
	"  reviewers = { \"satyam\" = 5001, \"priya\" = 5002, \"@ilearn-code/platform\" = 77 }\n"
	"}\n"
	"environment \"dev\" {\n"
	"  cluster = \"lke-vmshift-dev\"\n"
	"  namespace = \"vmshift-dev\"\n"
	"}\n"
	"environment \"staging\" {\n"
	"  cluster = \"lke-vmshift-staging\"\n"
	"  namespace = \"vmshift-staging\"\n"
	"  protect {\n"
	"    reviewers = [\"@ilearn-code/platform\"]\n"
	"    approvals = 1\n"
	"    branches = [\"develop\"]\n"
	"  }\n"
	"}\n"
	"environment \"production\" {\n"
	"  cluster = \"lke-vmshift-production\"\n"
	"  namespace = \"vmshift-production\"\n"
	"  protect {\n"
	"    reviewers = [\"satyam\", \"priya\", \"@ilearn-code/platform\"]\n"
	"    approvals = 2\n"
	"    wait = 5m\n"
	"    branches = [\"main\"]\n"
	"    prevent_self_review = true\n"
	"  }\n"
	"}\n";

/* A project with three users and a team, then one environment whose
 * protect block is `protect` (line 3 of t.ops). */
static const char *one_env(const char *protect)
{
	static char text[1024];
	snprintf(text, sizeof text,
		 "project \"p\" { repo = \"o/r\"  reviewers = { \"a\" = 1, \"b\" = 2, \"c\" = 3, \"@o/t\" = 9 } }\n"
		 "environment \"production\" { cluster = \"k\"  namespace = \"ns\"\n"
		 "  protect { %s }\n"
		 "}\n",
		 protect);
	return text;
}

/* Every diagnostic as "line:col severity: message", with notes and help. */
static const char *diags_text(const opsc_emit_fixture *f)
{
	static char buf[4096];
	static const char *const sev[] = { "note", "warning", "error" };
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < f->ctx.diags.items.len; i++) {
		const opsc_diag *d = &f->ctx.diags.items.items[i];
		n += snprintf(buf + n, sizeof buf - n, "%u:%u %s: %s\n", d->span.line, d->span.col,
			      sev[d->severity], d->message);
		for (uint32_t k = 0; k < d->notes.len; k++)
			n += snprintf(buf + n, sizeof buf - n, "  note %u:%u: %s\n", d->notes.items[k].span.line,
				      d->notes.items[k].span.col, d->notes.items[k].message);
		if (d->help)
			n += snprintf(buf + n, sizeof buf - n, "  help: %s\n", d->help);
	}
	return buf;
}

/* Compiles `text`, expects it rejected with exactly `expected` and no file. */
static void assert_rejected(const char *text, const char *expected)
{
	opsc_emit_fixture f;
	assert_int_not_equal(opsc_test_emit(&f, &opsc_emit_github, text), 0);
	assert_string_equal(diags_text(&f), expected);
	assert_int_equal(f.out.files.len, 0);
	opsc_test_emit_done(&f);
}

/* --------------------------------------------------------------- seed 004 */

/* Production: three reviewers by id, 5 minutes, `main` only, no self-review;
 * the second approval comes from the ruleset on `main`. */
static void test_emit_github__seed004_production(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, seed004), 0);
	assert_string_equal(opsc_test_file(&f, "github/environments/production.json"),
			    "{\n"
			    "  \"wait_timer\": 5,\n"
			    "  \"prevent_self_review\": true,\n"
			    "  \"reviewers\": [\n"
			    "    {\n"
			    "      \"type\": \"User\",\n"
			    "      \"id\": 5001\n"
			    "    },\n"
			    "    {\n"
			    "      \"type\": \"User\",\n"
			    "      \"id\": 5002\n"
			    "    },\n"
			    "    {\n"
			    "      \"type\": \"Team\",\n"
			    "      \"id\": 77\n"
			    "    }\n"
			    "  ],\n"
			    "  \"deployment_branch_policy\": {\n"
			    "    \"protected_branches\": false,\n"
			    "    \"custom_branch_policies\": true\n"
			    "  }\n"
			    "}\n");
	assert_string_equal(opsc_test_file(&f, "github/environments/production.branch-policies.json"),
			    "[\n"
			    "  {\n"
			    "    \"name\": \"main\",\n"
			    "    \"type\": \"branch\"\n"
			    "  }\n"
			    "]\n");
	assert_string_equal(opsc_test_file(&f, "github-rulesets/production.json"),
			    "{\n"
			    "  \"name\": \"opsc-production-approvals\",\n"
			    "  \"target\": \"branch\",\n"
			    "  \"enforcement\": \"active\",\n"
			    "  \"conditions\": {\n"
			    "    \"ref_name\": {\n"
			    "      \"include\": [\n"
			    "        \"refs/heads/main\"\n"
			    "      ],\n"
			    "      \"exclude\": []\n"
			    "    }\n"
			    "  },\n"
			    "  \"rules\": [\n"
			    "    {\n"
			    "      \"type\": \"pull_request\",\n"
			    "      \"parameters\": {\n"
			    "        \"required_approving_review_count\": 2,\n"
			    "        \"dismiss_stale_reviews_on_push\": true,\n"
			    "        \"require_code_owner_review\": false,\n"
			    "        \"require_last_push_approval\": true,\n"
			    "        \"required_review_thread_resolution\": false\n"
			    "      }\n"
			    "    }\n"
			    "  ]\n"
			    "}\n");
	opsc_test_emit_done(&f);
}

/* Staging: one team, `develop` only; one approval needs no ruleset. */
static void test_emit_github__seed004_staging(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, seed004), 0);
	assert_string_equal(opsc_test_file(&f, "github/environments/staging.json"),
			    "{\n"
			    "  \"wait_timer\": 0,\n"
			    "  \"prevent_self_review\": false,\n"
			    "  \"reviewers\": [\n"
			    "    {\n"
			    "      \"type\": \"Team\",\n"
			    "      \"id\": 77\n"
			    "    }\n"
			    "  ],\n"
			    "  \"deployment_branch_policy\": {\n"
			    "    \"protected_branches\": false,\n"
			    "    \"custom_branch_policies\": true\n"
			    "  }\n"
			    "}\n");
	assert_string_equal(opsc_test_file(&f, "github/environments/staging.branch-policies.json"),
			    "[\n"
			    "  {\n"
			    "    \"name\": \"develop\",\n"
			    "    \"type\": \"branch\"\n"
			    "  }\n"
			    "]\n");
	assert_null(opsc_test_file(&f, "github-rulesets/staging.json"));
	opsc_test_emit_done(&f);
}

/* Dev: no protect block, yet a full body, so a PUT clears old protection. */
static void test_emit_github__seed004_dev(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, seed004), 0);
	assert_string_equal(opsc_test_file(&f, "github/environments/dev.json"),
			    "{\n"
			    "  \"wait_timer\": 0,\n"
			    "  \"prevent_self_review\": false,\n"
			    "  \"reviewers\": [],\n"
			    "  \"deployment_branch_policy\": null\n"
			    "}\n");
	assert_null(opsc_test_file(&f, "github/environments/dev.branch-policies.json"));
	assert_null(opsc_test_file(&f, "github-rulesets/dev.json"));
	opsc_test_emit_done(&f);
}

/* Six files in environment order, each naming the .ops it came from. */
static void test_emit_github__seed004_files(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"github/environments/dev.json",
		"github/environments/staging.json",
		"github/environments/staging.branch-policies.json",
		"github/environments/production.json",
		"github/environments/production.branch-policies.json",
		"github-rulesets/production.json",
	};
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, seed004), 0);
	assert_int_equal(f.out.files.len, 6);
	for (uint32_t i = 0; i < 6; i++) {
		assert_string_equal(f.out.files.items[i].path, paths[i]);
		assert_string_equal(f.out.files.items[i].source, "t.ops");
		assert_int_equal(f.out.files.items[i].len, strlen(f.out.files.items[i].data));
	}
	opsc_test_emit_done(&f);
}

/* ------------------------------------------------------------ other shapes */

/* Protected branches only: the flag, and no branch-policy file. */
static void test_emit_github__protected_branches(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github,
					one_env("reviewers = [\"a\"]  protected_branches = true  wait = 30d")),
			 0);
	assert_string_equal(opsc_test_file(&f, "github/environments/production.json"),
			    "{\n"
			    "  \"wait_timer\": 43200,\n"
			    "  \"prevent_self_review\": false,\n"
			    "  \"reviewers\": [\n"
			    "    {\n"
			    "      \"type\": \"User\",\n"
			    "      \"id\": 1\n"
			    "    }\n"
			    "  ],\n"
			    "  \"deployment_branch_policy\": {\n"
			    "    \"protected_branches\": true,\n"
			    "    \"custom_branch_policies\": false\n"
			    "  }\n"
			    "}\n");
	assert_int_equal(f.out.files.len, 1);
	opsc_test_emit_done(&f);
}

/* Several patterns: one POST body each, one ref per pattern in the ruleset;
 * without prevent_self_review the last push needs no other approver. */
static void test_emit_github__several_branches(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github,
					one_env("reviewers = [\"a\", \"b\", \"c\"]  approvals = 3  "
						"branches = [\"main\", \"release/*\"]")),
			 0);
	assert_string_equal(opsc_test_file(&f, "github/environments/production.branch-policies.json"),
			    "[\n"
			    "  {\n"
			    "    \"name\": \"main\",\n"
			    "    \"type\": \"branch\"\n"
			    "  },\n"
			    "  {\n"
			    "    \"name\": \"release/*\",\n"
			    "    \"type\": \"branch\"\n"
			    "  }\n"
			    "]\n");
	const char *rs = opsc_test_file(&f, "github-rulesets/production.json");
	assert_non_null(rs);
	assert_non_null(strstr(rs, "      \"include\": [\n"
				   "        \"refs/heads/main\",\n"
				   "        \"refs/heads/release/*\"\n"
				   "      ],\n"));
	assert_non_null(strstr(rs, "        \"required_approving_review_count\": 3,\n"));
	assert_non_null(strstr(rs, "        \"require_last_push_approval\": false,\n"));
	opsc_test_emit_done(&f);
}

/* A team may hold more people than approvals: a warning, and the files. */
static void test_emit_github__team_approvals_warn(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github,
					one_env("reviewers = [\"@o/t\"]  approvals = 3  branches = [\"main\"]")),
			 0);
	assert_string_equal(diags_text(&f), "3:47 warning: 3 approvals are required but only 1 reviewers are listed\n");
	assert_int_equal(f.out.files.len, 3);
	opsc_test_emit_done(&f);
}

/* Without a project, or a project without a repository, nothing to protect. */
static void test_emit_github__no_repository(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"environment \"x\" { cluster = \"k\"  namespace = \"x\"\n  protect { protected_branches = true } }\n",
		"project \"p\" { output = \"out\" }\n"
		"environment \"x\" { cluster = \"k\"  namespace = \"x\" }\n",
		/* the ruleset's limits are not checked either: there is no ruleset */
		"project \"p\" { reviewers = { \"@o/t\" = 9 } }\n"
		"environment \"x\" { cluster = \"k\"  namespace = \"x\"\n"
		"  protect { reviewers = [\"@o/t\"]  approvals = 11 } }\n",
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		opsc_emit_fixture f;
		assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, texts[i]), 0);
		assert_int_equal(f.out.files.len, 0);
		opsc_test_emit_done(&f);
	}
}

/* --------------------------------------------------------------- rejected */

static void test_emit_github__reviewer_without_id(void **state)
{
	(void)state;
	assert_rejected(one_env("reviewers = [\"a\", \"dora\"]"),
			"3:31 error: reviewer `dora` has no GitHub id: GitHub's API takes numeric ids\n"
			"  note 1:1: map it in the project block\n"
			"  help: add it to project: reviewers = { \"dora\" = <id> }\n");
}

/* Sema rejects that first, the compile-time check again; a Model that
 * skipped both is still not written. */
static void test_emit_github__unmapped_handle_in_model(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_github, one_env("reviewers = [\"a\", \"b\"]")), 0);
	f.out.files.len = 0;
	f.model.project.nreviewers = 1; /* only "a" keeps its id */
	assert_int_equal(opsc_emit_verify(&f.ctx, &f.model), 0);
	assert_string_equal(diags_text(&f), "3:31 error: reviewer `b` has no GitHub id: add it to the project's reviewers map\n"
					    "  note 1:1: the project is here\n");
	assert_int_equal(opsc_emit_one(&opsc_emit_github, &f.out, &f.ctx, &f.model, NULL), -1);
	assert_int_equal(f.out.files.len, 0);
	opsc_test_emit_done(&f);
}

static void test_emit_github__too_many_reviewers(void **state)
{
	(void)state;
	assert_rejected("project \"p\" { repo = \"o/r\"\n"
			"  reviewers = { \"a\" = 1, \"b\" = 2, \"c\" = 3, \"d\" = 4, \"e\" = 5, \"f\" = 6, \"g\" = 7 } }\n"
			"environment \"x\" { cluster = \"k\"  namespace = \"x\"\n"
			"  protect { reviewers = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\"] } }\n",
			"4:56 error: GitHub allows at most 6 reviewers per environment; 7 are listed\n");
}

static void test_emit_github__wait_timer(void **state)
{
	(void)state;
	assert_rejected(one_env("reviewers = [\"a\"]  wait = 43201m"),
			"3:39 error: GitHub's wait timer is at most 30 days (43,200 minutes)\n");
	assert_rejected(one_env("reviewers = [\"a\"]  wait = 90s"),
			"3:39 error: GitHub's wait timer counts whole minutes\n");
}

static void test_emit_github__self_review_without_reviewers(void **state)
{
	(void)state;
	assert_rejected(one_env("prevent_self_review = true"),
			"3:35 error: `prevent_self_review` needs at least one reviewer\n");
}

static void test_emit_github__approvals_nobody_can_give(void **state)
{
	(void)state;
	assert_rejected(one_env("reviewers = [\"a\", \"b\"]  approvals = 3  branches = [\"main\"]"),
			"3:49 error: 3 approvals are required but only 2 reviewers can approve: list more people or a team\n");
	assert_rejected(one_env("approvals = 1"),
			"3:25 error: 1 approval is required but no reviewers are listed: on GitHub only an environment's "
			"reviewers approve its deployments\n");
	assert_rejected(one_env("approvals = 2"),
			"3:25 error: 2 approvals are required but no reviewers are listed: on GitHub only an environment's "
			"reviewers approve its deployments\n");
}

static void test_emit_github__approvals_without_branches(void **state)
{
	(void)state;
	static const char expected[] =
		"3:49 error: 2 approvals need `branches`: GitHub enforces more than one approval with a ruleset "
		"on the deployment branches\n"
		"  help: deploy from named branches, e.g. branches = [\"main\"]\n";
	assert_rejected(one_env("reviewers = [\"a\", \"b\"]  approvals = 2"), expected);
	/* protected branches have no names a ruleset could list */
	assert_rejected(one_env("reviewers = [\"a\", \"b\"]  approvals = 2  protected_branches = true"), expected);
}

static void test_emit_github__approvals_above_ruleset_limit(void **state)
{
	(void)state;
	assert_rejected(one_env("reviewers = [\"@o/t\"]  approvals = 11  branches = [\"main\"]"),
			"3:47 warning: 11 approvals are required but only 1 reviewers are listed\n"
			"3:47 error: GitHub enforces at most 10 approvals (a ruleset's required reviews); 11 are required\n");
}

static void test_emit_github__branch_flags_together(void **state)
{
	(void)state;
	assert_rejected(one_env("reviewers = [\"a\"]  protected_branches = true  branches = [\"main\"]"),
			"3:71 error: GitHub accepts either `protected_branches = true` or custom `branches`, not both\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_github__seed004_production),
		cmocka_unit_test(test_emit_github__seed004_staging),
		cmocka_unit_test(test_emit_github__seed004_dev),
		cmocka_unit_test(test_emit_github__seed004_files),
		cmocka_unit_test(test_emit_github__protected_branches),
		cmocka_unit_test(test_emit_github__several_branches),
		cmocka_unit_test(test_emit_github__team_approvals_warn),
		cmocka_unit_test(test_emit_github__no_repository),
		cmocka_unit_test(test_emit_github__reviewer_without_id),
		cmocka_unit_test(test_emit_github__unmapped_handle_in_model),
		cmocka_unit_test(test_emit_github__too_many_reviewers),
		cmocka_unit_test(test_emit_github__wait_timer),
		cmocka_unit_test(test_emit_github__self_review_without_reviewers),
		cmocka_unit_test(test_emit_github__approvals_nobody_can_give),
		cmocka_unit_test(test_emit_github__approvals_without_branches),
		cmocka_unit_test(test_emit_github__approvals_above_ruleset_limit),
		cmocka_unit_test(test_emit_github__branch_flags_together),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
