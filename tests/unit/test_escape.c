/*
 * test_escape.c - untrusted strings in every output format: a resource
 * named with a newline and a forged `::error` workflow command, a file name
 * with an OSC 8 hyperlink, C1 controls, DEL, a bidirectional override and
 * bytes that are not UTF-8, through text, github, markdown, JSON and SARIF
 * and the diagnostics renderer; exact output each time.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "escape.h"
#include "report.h"

/* The attacker's strings. */
#define FORGED "x\n::error file=forged.yaml,line=1::pwned"
#define OSC_PATH "deploy/a\033]8;;http://evil\033\\b.yaml"

typedef void (*writer)(FILE *out, const char *s);

static char *capture(writer w, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	w(out, s);
	fclose(out);
	return buf;
}

static void want(writer w, const char *in, const char *expected)
{
	char *got = capture(w, in);
	assert_string_equal(got, expected);
	free(got);
}

static void text_str(FILE *out, const char *s) { opsc_esc_text_str(out, s); }
static void text_line(FILE *out, const char *s) { opsc_esc_text_line(out, s); }
static void gh_message(FILE *out, const char *s) { opsc_esc_github(out, s, false); }
static void gh_property(FILE *out, const char *s) { opsc_esc_github(out, s, true); }
static void markdown(FILE *out, const char *s) { opsc_esc_markdown(out, s); }

/* ------------------------------------------------------------- helpers */

static void test_escape__text_controls_visible(void **state)
{
	(void)state;
	want(text_str, FORGED, "x\\n::error file=forged.yaml,line=1::pwned");
	want(text_str, OSC_PATH, "deploy/a\\x1b]8;;http://evil\\x1b\\b.yaml");
	want(text_str, "a\tb\rc\x7f" "d\x01", "a\\tb\\rc\\x7fd\\x01");
	/* C1 CSI as UTF-8 (U+009B), and the raw byte 0x9B (not UTF-8) */
	want(text_str, "\xc2\x9b" "2J|\x9b" "2J", "\\u009b2J|\\x9b2J");
	/* a right-to-left override, an overlong '/', a surrogate, and é kept */
	want(text_str, "\xe2\x80\xae" "cod|\xc0\xaf|\xed\xa0\x80|\xc3\xa9",
	     "\\u202ecod|\\xc0\\xaf|\\xed\\xa0\\x80|\xc3\xa9");
	/* a truncated sequence at the end */
	want(text_str, "ok\xe2\x80", "ok\\xe2\\x80");
}

static void test_escape__line_start_never_reads_as_a_command(void **state)
{
	(void)state;
	want(text_line, "::error file=x::y.yaml", "\\x3a\\x3aerror file=x::y.yaml");
	want(text_line, " \t::warning::z", " \\t\\x3a\\x3awarning::z");
	want(text_line, "deploy/a::b.yaml", "deploy/a::b.yaml");
}

static void test_escape__printf_escapes_every_string(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_esc_printf(out, "%s: %u %zu%% [%-4s] %.3s\n%s\n", "::a\nb", 7u, (size_t)9, "\033", "ab\033cd", ":x");
	fclose(out);
	assert_string_equal(buf, "\\x3a\\x3aa\\nb: 7 9% [\\x1b   ] ab\\x1b\n\\x3ax\n");
	free(buf);
}

static void test_escape__github_escapes_esc_too(void **state)
{
	(void)state;
	want(gh_message, "100% " FORGED "\r\033[2J", "100%25 x%0A::error file=forged.yaml,line=1::pwned%0D\\x1b[2J");
	want(gh_property, OSC_PATH "\n,x:y", "deploy/a\\x1b]8;;http%3A//evil\\x1b\\b.yaml%0A%2Cx%3Ay");
}

static void test_escape__markdown_cell(void **state)
{
	(void)state;
	want(markdown, "a|b `c` *d* <img src=x> [l](u) $x$ \\ \n\033",
	     "a\\|b \\`c\\` \\*d\\* \\<img src=x\\> \\[l\\](u) \\$x\\$ \\\\ \\n\\x1b");
}

static void test_escape__utf8_and_uri(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	assert_true(opsc_esc_is_utf8("caf\xc3\xa9", 5));
	assert_false(opsc_esc_is_utf8("bad\xffname", 8));
	const char *ok = "caf\xc3\xa9";
	assert_ptr_equal(opsc_esc_utf8(a, ok), ok);
	assert_string_equal(opsc_esc_utf8(a, "bad\xff" "caf\xc3\xa9"), "bad\\xff" "caf\xc3\xa9");
	assert_string_equal(opsc_esc_uri(a, "dir/bad\xffname 1%.yaml"), "dir/bad%FFname%201%25.yaml");
	opsc_arena_free(a);
}

/* -------------------------------------------------------- report formats */

static void fill(opsc_lint_result *r)
{
	opsc_lint_result_init(r);
	opsc_finding role = {
		.kind = OPSC_FINDING_POLICY, .rule = "no-wildcard-rbac", .severity = OPSC_SEV_ERROR,
		.where = { "::error file=f.yaml::x.yaml", 1, 1, 0, 0, NULL },
		.message = "role " FORGED " grants every verb",
	};
	opsc_finding secret = {
		.kind = OPSC_FINDING_SECRET, .rule = "github-pat", .severity = OPSC_SEV_ERROR,
		.where = { OSC_PATH, 2, 3, 0, 0, NULL },
		.message = "token",
		.commit = "0123456789abcdef0123456789abcdef01234567",
		.author = "Mallory\n::error::x <m\033]0;t\007@x>", .date = "2024-03-01",
	};
	opsc_finding bytes = {
		.kind = OPSC_FINDING_SECRET, .rule = "github-pat", .severity = OPSC_SEV_ERROR,
		.where = { "bad\xffname.yaml", 4, 5, 4, 9, NULL },
		.message = "in bad\xffname.yaml",
	};
	opsc_array_push(&r->findings, role);
	opsc_array_push(&r->findings, secret);
	opsc_array_push(&r->findings, bytes);
	opsc_lint_note note = { "logo\033[2J.png", "binary file" };
	opsc_array_push(&r->notes, note);
	r->files = 3;
}

static char *render(const opsc_lint_result *r, opsc_format format)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_report_opts o = { .format = format };
	assert_int_equal(opsc_report_write(out, r, &o), 0);
	if (format == OPSC_FORMAT_TEXT)
		opsc_report_notes(out, r, &o);
	fclose(out);
	return buf;
}

static void test_escape__report_text(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_TEXT);
	assert_string_equal(got,
		"\\x3a\\x3aerror file=f.yaml::x.yaml:1:1: error[no-wildcard-rbac]: role x\\n::error "
		"file=forged.yaml,line=1::pwned grants every verb\n"
		"deploy/a\\x1b]8;;http://evil\\x1b\\b.yaml:2:3: error[github-pat]: token\n"
		"  introduced in 0123456 by Mallory\\n::error::x <m\\x1b]0;t\\x07@x> on 2024-03-01\n"
		"bad\\xffname.yaml:4:5: error[github-pat]: in bad\\xffname.yaml\n"
		"logo\\x1b[2J.png: note: skipped: binary file\n");
	/* no line of the output is a workflow command, no byte is a control */
	for (const char *p = got; *p; p++)
		assert_true(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f));
	assert_null(strstr(got, "\n::"));
	free(got);
	opsc_lint_result_dispose(&r);
}

static void test_escape__report_github(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_GITHUB);
	assert_string_equal(got,
		"::error file=%3A%3Aerror file=f.yaml%3A%3Ax.yaml,line=1,col=1,title=no-wildcard-rbac::role "
		"x%0A::error file=forged.yaml,line=1::pwned grants every verb\n"
		"::error file=deploy/a\\x1b]8;;http%3A//evil\\x1b\\b.yaml,line=2,col=3,title=github-pat::token"
		"%0Aintroduced in 0123456 by Mallory%0A::error::x <m\\x1b]0;t\\x07@x> on 2024-03-01\n"
		"::error file=bad\\xffname.yaml,line=4,col=5,endLine=4,endColumn=9,title=github-pat::"
		"in bad\\xffname.yaml\n");
	free(got);
	opsc_lint_result_dispose(&r);
}

/* JSON keeps the position of a finding in a file whose name is not UTF-8
 * (jansson refuses such a string): "path" is the SARIF URI of it. */
static void test_escape__report_json_non_utf8_path(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_JSON);
	json_error_t err;
	json_t *root = json_loads(got, 0, &err);
	assert_non_null(root);
	json_t *f = json_array_get(json_object_get(root, "findings"), 2);
	assert_string_equal(json_string_value(json_object_get(f, "path")), "bad%FFname.yaml");
	assert_string_equal(json_string_value(json_object_get(f, "path_encoding")), "uri");
	assert_int_equal(json_integer_value(json_object_get(f, "line")), 4);
	assert_int_equal(json_integer_value(json_object_get(f, "column")), 5);
	assert_string_equal(json_string_value(json_object_get(f, "message")), "in bad\\xffname.yaml");
	json_t *first = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "path")), "::error file=f.yaml::x.yaml");
	assert_null(json_object_get(first, "path_encoding"));
	/* jansson escapes the controls: ESC is \u001B in the text */
	assert_non_null(strstr(got, "\"deploy/a\\u001B]8;;http://evil\\u001B\\\\b.yaml\""));
	json_decref(root);
	free(got);
	opsc_lint_result_dispose(&r);
}

static void test_escape__report_sarif_same_uri(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char *got = render(&r, OPSC_FORMAT_SARIF);
	json_error_t err;
	json_t *root = json_loads(got, 0, &err);
	assert_non_null(root);
	json_t *results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	assert_int_equal(json_array_size(results), 3);
	json_t *loc = json_object_get(json_array_get(json_object_get(json_array_get(results, 2), "locations"), 0),
				      "physicalLocation");
	assert_string_equal(json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
			    "bad%FFname.yaml");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 4);
	json_decref(root);
	free(got);
	opsc_lint_result_dispose(&r);
}

static void test_escape__step_summary(void **state)
{
	(void)state;
	opsc_lint_result r;
	fill(&r);
	char path[] = "/tmp/opsc-escape-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(opsc_report_step_summary(path, &r), 0);
	FILE *in = fopen(path, "r");
	char got[2048] = { 0 };
	assert_true(fread(got, 1, sizeof got - 1, in) > 0);
	fclose(in);
	unlink(path);
	assert_string_equal(got,
		"### opsc lint: 3 findings (3 errors) in 3 files\n\n"
		"| Severity | Rule | Location | Finding |\n| --- | --- | --- | --- |\n"
		"| error | no-wildcard-rbac | ::error file=f.yaml::x.yaml:1 | role x\\n::error "
		"file=forged.yaml,line=1::pwned grants every verb |\n"
		"| error | github-pat | deploy/a\\x1b\\]8;;http://evil\\x1b\\\\b.yaml:2 | token |\n"
		"| error | github-pat | bad\\xffname.yaml:4 | in bad\\xffname.yaml |\n\n");
	opsc_lint_result_dispose(&r);
}

/* --------------------------------------------------------- diagnostics */

static void test_escape__diagnostic_snippet_and_path(void **state)
{
	(void)state;
	opsc_arena *a = opsc_arena_new();
	opsc_sources src;
	opsc_diags d;
	opsc_sources_init(&src);
	opsc_diags_init(&d, a);
	const char text[] = "role \"a\033]8;;x\" { bad = 1 }\n";
	uint32_t f = opsc_sources_add(&src, "::p\nq.ops", text, sizeof text - 1, false);
	const char *at = strstr(text, "bad");
	opsc_span span = opsc_source_span(&src, f, (uint32_t)(at - text), (uint32_t)(at - text + 3));
	uint32_t i = opsc_diag_error(&d, "unknown-attribute", span, "unknown attribute in role \"a\033]8;;x\"");
	opsc_diag_help(&d, i, "rename \"a\nb\"");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_diag_render_text(out, &src, &d, &(opsc_render_opts){ .color = false });
	fclose(out);
	assert_string_equal(buf,
		"\\x3a\\x3ap\\nq.ops:1:18: error: unknown attribute in role \"a\\x1b]8;;x\"\n"
		" 1 | role \"a\\x1b]8;;x\" { bad = 1 }\n"
		"   |                     ^~~\n"
		"  = help: rename \"a\\nb\"\n");
	free(buf);
	opsc_diags_dispose(&d);
	opsc_sources_dispose(&src);
	opsc_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape__text_controls_visible),
		cmocka_unit_test(test_escape__line_start_never_reads_as_a_command),
		cmocka_unit_test(test_escape__printf_escapes_every_string),
		cmocka_unit_test(test_escape__github_escapes_esc_too),
		cmocka_unit_test(test_escape__markdown_cell),
		cmocka_unit_test(test_escape__utf8_and_uri),
		cmocka_unit_test(test_escape__report_text),
		cmocka_unit_test(test_escape__report_github),
		cmocka_unit_test(test_escape__report_json_non_utf8_path),
		cmocka_unit_test(test_escape__report_sarif_same_uri),
		cmocka_unit_test(test_escape__step_summary),
		cmocka_unit_test(test_escape__diagnostic_snippet_and_path),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
