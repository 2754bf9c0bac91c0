/*
 * test_report.c - every output format, exactly: text, GitHub workflow
 * commands (with their escaping), JSON, the SARIF structure, the summary
 * line, the job summary table, and redaction.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* ------------------------------------------------------------ fixture */

static void fill(opsc_lint_result *r)
{
	opsc_lint_result_init(r);
	opsc_finding policy = {
		.kind = OPSC_FINDING_POLICY, .rule = "no-wildcard-rbac", .severity = OPSC_SEV_WARNING,
		.where = { "clusters/a,b:c.yaml", 3, 1, 3, 12, NULL },
		.message = "ClusterRole grants verbs [\"*\"] to 100% of resources",
		.related = { { "policies/rbac.ops", 7, 3, 7, 20, "declared here" } }, .nrelated = 1,
	};
	strcpy(policy.fingerprint, "1111111111111111111111111111111111111111111111111111111111111111");
	opsc_finding secret = {
		.kind = OPSC_FINDING_SECRET, .rule = "github-pat", .severity = OPSC_SEV_ERROR,
		.where = { "deploy/app.yaml", 12, 15, 12, 55, NULL },
		.message = "GitHub personal access token (classic)",
		.help = "Rotate it.\nThen remove it.",
		.redacted = opsc_esc_redact(r->arena, "ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5", 40), /* opsc:ignore a test fixture, not a credential */
	};
	strcpy(secret.fingerprint, "2222222222222222222222222222222222222222222222222222222222222222");
	opsc_finding old = {
		.kind = OPSC_FINDING_SECRET, .rule = "slack-webhook", .severity = OPSC_SEV_NOTE,
		.where = { "deploy/app.yaml", 2, 1, 2, 80, NULL },
		.message = "Slack webhook URL",
		.redacted = opsc_esc_redact(r->arena, "https://hooks.slack.com/services/T0/B0/XXXX", 43),
		.commit = "0123456789abcdef0123456789abcdef01234567", .author = "Alice <alice@example.com>",
		.date = "2024-03-01T10:00:00+01:00",
	};
	opsc_array_push(&r->findings, policy);
	opsc_array_push(&r->findings, secret);
	opsc_array_push(&r->findings, old);
	opsc_lint_note note = { "logo.png", "binary file" };
	opsc_array_push(&r->notes, note);
	r->files = 120;
	opsc_lint_result_sort(r);
}

/* Renders into a string (the caller frees it with free()). */
static char *render(const opsc_lint_result *r, opsc_format format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_report_opts o = { .format = format };
	assert_int_equal(opsc_report_write(out, r, &o), 0);
	fclose(out);
	return buf;
}

/* ------------------------------------------------------------ redaction */

static void test_report__redact_shows_at_most_four_characters(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	assert_string_equal(opsc_esc_redact(a, "AKIAZ7VRSQ5TJN2XVD4K", 20), "AKIA\u2026 (20 chars)"); /* opsc:ignore a test fixture, not a credential */
	assert_string_equal(opsc_esc_redact(a, "hunter2pass", 11), "hu\u2026 (11 chars)");
	assert_string_equal(opsc_esc_redact(a, "abc", 3), "\u2026 (3 chars)");
	assert_string_equal(opsc_esc_redact(a, "ab\ncdefghijklmnopq", 18), "ab\u2026 (18 chars)");
	opsc_arena_free(a);
}

/* ------------------------------------------------------------ formats */

static void test_report__text_exact(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_TEXT);
	assert_string_equal(got,
		"clusters/a,b:c.yaml:3:1: warning[no-wildcard-rbac]: ClusterRole grants verbs [\"*\"] to 100% of resources\n"
		"  note: policies/rbac.ops:7:3: declared here\n"
		"deploy/app.yaml:2:1: note[slack-webhook]: Slack webhook URL\n"
		"  secret: http\u2026 (43 chars)\n"
		"  introduced in 0123456 by Alice <alice@example.com> on 2024-03-01T10:00:00+01:00\n"
		"deploy/app.yaml:12:15: error[github-pat]: GitHub personal access token (classic)\n"
		"  secret: ghp_\u2026 (40 chars)\n" /* opsc:ignore a test fixture, not a credential */
		"  = help: Rotate it.\n"
		"          Then remove it.\n");
	free(got);
	opsc_lint_result_dispose(&r);
}

static void test_report__github_exact_and_escaped(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_GITHUB);
	assert_string_equal(got,
		"::warning file=clusters/a%2Cb%3Ac.yaml,line=3,col=1,endLine=3,endColumn=12,title=no-wildcard-rbac::"
		"ClusterRole grants verbs [\"*\"] to 100%25 of resources%0Anote: policies/rbac.ops:7: declared here\n"
		"::notice file=deploy/app.yaml,line=2,col=1,endLine=2,endColumn=80,title=slack-webhook::"
		"Slack webhook URL (http\u2026 (43 chars))%0Aintroduced in 0123456 by Alice <alice@example.com> on "
		"2024-03-01T10:00:00+01:00\n"
		"::error file=deploy/app.yaml,line=12,col=15,endLine=12,endColumn=55,title=github-pat::"
		"GitHub personal access token (classic) (ghp_\u2026 (40 chars))%0ARotate it.%0AThen remove it.\n");
	free(got);
	opsc_lint_result_dispose(&r);
}

static void test_report__json_exact(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	r.findings.len = 1; /* the policy finding: related locations, no secret */
	char *got = render(&r, OPSC_FORMAT_JSON);
	assert_string_equal(got,
		"{\n"
		"  \"version\": 1,\n"
		"  \"findings\": [\n"
		"    {\n"
		"      \"kind\": \"policy\",\n"
		"      \"rule\": \"no-wildcard-rbac\",\n"
		"      \"severity\": \"warning\",\n"
		"      \"path\": \"clusters/a,b:c.yaml\",\n"
		"      \"line\": 3,\n"
		"      \"column\": 1,\n"
		"      \"end_line\": 3,\n"
		"      \"end_column\": 12,\n"
		"      \"message\": \"ClusterRole grants verbs [\\\"*\\\"] to 100% of resources\",\n"
		"      \"fingerprint\": \"1111111111111111111111111111111111111111111111111111111111111111\",\n"
		"      \"related\": [\n"
		"        {\n"
		"          \"path\": \"policies/rbac.ops\",\n"
		"          \"line\": 7,\n"
		"          \"column\": 3,\n"
		"          \"end_line\": 7,\n"
		"          \"end_column\": 20,\n"
		"          \"message\": \"declared here\"\n"
		"        }\n"
		"      ]\n"
		"    }\n"
		"  ],\n"
		"  \"skipped\": [\n"
		"    {\n"
		"      \"path\": \"logo.png\",\n"
		"      \"reason\": \"binary file\"\n"
		"    }\n"
		"  ],\n"
		"  \"summary\": {\n"
		"    \"files\": 120,\n"
		"    \"findings\": 1,\n"
		"    \"errors\": 0,\n"
		"    \"warnings\": 1,\n"
		"    \"notes\": 0,\n"
		"    \"skipped\": 1,\n"
		"    \"baselined\": 0\n"
		"  }\n"
		"}\n");
	free(got);
	opsc_lint_result_dispose(&r);
}

/* ------------------------------------------------------------ SARIF */

static json_t *get(json_t *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		o = key[0] >= '0' && key[0] <= '9' ? json_array_get(o, (size_t)atoi(key)) : json_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

static void want_str(json_t *root, const char *path, const char *want)
{
	json_t *v = get(root, path);
	if (!json_is_string(v))
		fail_msg("%s: not a string", path);
	assert_string_equal(json_string_value(v), want);
}

static void want_int(json_t *root, const char *path, json_int_t want)
{
	json_t *v = get(root, path);
	if (!json_is_integer(v))
		fail_msg("%s: not an integer", path);
	assert_int_equal(json_integer_value(v), want);
}

/* Every property SARIF 2.1.0 requires of what we emit (sarifLog: version,
 * runs; run: tool; tool: driver; toolComponent: name; reportingDescriptor:
 * id; result: message; message: text; invocation: executionSuccessful;
 * notification: message), the level enums, and the values. */
static void test_report__sarif_structure(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_SARIF);
	json_error_t err;
	json_t *root = json_loads(got, 0, &err);
	assert_non_null(root);
	want_str(root, "version", "2.1.0");
	want_str(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	assert_int_equal(json_array_size(get(root, "runs")), 1);
	want_str(root, "runs.0.tool.driver.name", "opsc");
	json_t *rules = get(root, "runs.0.tool.driver.rules");
	assert_int_equal(json_array_size(rules), 3);
	want_str(rules, "0.id", "no-wildcard-rbac");
	want_str(rules, "1.id", "slack-webhook");
	want_str(rules, "2.id", "github-pat");
	want_str(rules, "2.shortDescription.text", "GitHub personal access token (classic)");
	want_str(rules, "2.fullDescription.text", "GitHub personal access token (classic)");
	want_str(rules, "2.help.text", "GitHub personal access token (classic)\n\nHow to fix: Rotate it.\nThen remove it.");
	want_str(rules, "2.defaultConfiguration.level", "error");
	want_str(rules, "0.defaultConfiguration.level", "warning");
	want_str(rules, "1.defaultConfiguration.level", "note");
	want_str(rules, "2.properties.tags.0", "secret");

	json_t *results = get(root, "runs.0.results");
	assert_int_equal(json_array_size(results), 3);
	want_str(results, "2.ruleId", "github-pat");
	want_int(results, "2.ruleIndex", 2);
	want_str(results, "2.level", "error");
	want_str(results, "2.message.text", "GitHub personal access token (classic): ghp_\u2026 (40 chars)");
	want_str(results, "2.locations.0.physicalLocation.artifactLocation.uri", "deploy/app.yaml");
	want_str(results, "2.locations.0.physicalLocation.artifactLocation.uriBaseId", "%SRCROOT%");
	want_int(results, "2.locations.0.physicalLocation.region.startLine", 12);
	want_int(results, "2.locations.0.physicalLocation.region.startColumn", 15);
	want_int(results, "2.locations.0.physicalLocation.region.endLine", 12);
	want_int(results, "2.locations.0.physicalLocation.region.endColumn", 55);
	want_str(results, "2.partialFingerprints.opsc/v1",
		 "2222222222222222222222222222222222222222222222222222222222222222");
	/* a URI reference: ',' and ':' (which would read as a scheme) escaped */
	want_str(results, "0.locations.0.physicalLocation.artifactLocation.uri", "clusters/a%2Cb%3Ac.yaml");
	want_str(results, "0.relatedLocations.0.physicalLocation.artifactLocation.uri", "policies/rbac.ops");
	want_int(results, "0.relatedLocations.0.id", 0);
	want_str(results, "0.relatedLocations.0.message.text", "declared here");
	want_str(results, "1.properties.commit", "0123456789abcdef0123456789abcdef01234567");
	want_str(results, "1.level", "note");

	json_t *inv = get(root, "runs.0.invocations.0");
	assert_true(json_is_true(get(inv, "executionSuccessful")));
	want_str(inv, "toolExecutionNotifications.0.message.text", "skipped: binary file");
	want_str(inv, "toolExecutionNotifications.0.level", "note");
	json_decref(root);
	free(got);
	opsc_lint_result_dispose(&r);
}

/* ------------------------------------------------------------ summaries */

static void test_report__summary_line(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_report_summary(out, &r);
	r.findings.len = 1;
	r.files = 1;
	r.baselined = 2;
	opsc_report_summary(out, &r);
	r.findings.len = 0;
	opsc_report_summary(out, &r);
	fclose(out);
	assert_string_equal(buf, "opsc lint: 3 findings (1 error, 1 warning, 1 note) in 120 files\n"
				 "opsc lint: 1 finding (1 warning) in 1 file; 2 known findings in the baseline\n"
				 "opsc lint: 0 findings in 1 file; 2 known findings in the baseline\n");
	free(buf);
	opsc_lint_result_dispose(&r);
}

static void test_report__step_summary_table(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char path[] = "/tmp/opsc-summary-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "earlier step\n", 13), 13);
	close(fd);
	assert_int_equal(opsc_report_step_summary(path, &r), 0);
	FILE *in = fopen(path, "r");
	char got[2048] = { 0 };
	assert_true(fread(got, 1, sizeof got - 1, in) > 0);
	fclose(in);
	unlink(path);
	assert_string_equal(got,
		"earlier step\n"
		"### opsc lint: 3 findings (1 error, 1 warning, 1 note) in 120 files\n\n"
		"| Severity | Rule | Location | Finding |\n| --- | --- | --- | --- |\n"
		"| warning | no-wildcard-rbac | clusters/a,b:c.yaml:3 | ClusterRole grants verbs \\[\"\\*\"\\] to 100% of resources |\n"
		"| note | slack-webhook | deploy/app.yaml:2 | Slack webhook URL (http\u2026 (43 chars)) |\n"
		"| error | github-pat | deploy/app.yaml:12 | GitHub personal access token (classic) (ghp\\_\u2026 (40 chars)) |\n\n");
	opsc_lint_result_dispose(&r);
}

static void test_report__format_names(void **state)
{
	(void)state;
	opsc_format f;
	assert_true(opsc_report_format_parse("sarif", &f));
	assert_int_equal(f, OPSC_FORMAT_SARIF);
	assert_true(opsc_report_format_parse("github", &f));
	assert_int_equal(f, OPSC_FORMAT_GITHUB);
	assert_false(opsc_report_format_parse("xml", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report__redact_shows_at_most_four_characters),
		cmocka_unit_test(test_report__text_exact),
		cmocka_unit_test(test_report__github_exact_and_escaped),
		cmocka_unit_test(test_report__json_exact),
		cmocka_unit_test(test_report__sarif_structure),
		cmocka_unit_test(test_report__summary_line),
		cmocka_unit_test(test_report__step_summary_table),
		cmocka_unit_test(test_report__format_names),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
