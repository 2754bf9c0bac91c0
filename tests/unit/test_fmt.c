#include "testutil.h"

#include <string.h>

#include "fmt.h"

static char *format(const char *in, int *status)
{
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	uint32_t file = opsc_sources_add(&ctx.sources, "t.ops", in, strlen(in), false);
	char *out = NULL;
	size_t len = 0;
	*status = opsc_fmt_format(&out, &len, &ctx, file);
	opsc_ctx_dispose(&ctx);
	return out;
}

static void assert_fmt(const char *in, const char *want)
{
	int st;
	char *got = format(in, &st);
	assert_int_equal(st, OPSC_FMT_OK);
	assert_string_equal(got, want);
	char *again = format(got, &st); /* idempotent */
	assert_string_equal(again, want);
	opsc_free(again);
	opsc_free(got);
}

static void test_fmt__one_statement_per_line(void **state)
{
	(void)state;
	assert_fmt("environment   \"x\" {cluster=\"pro\"  namespace = \"x\" protect{approvals=2}}",
		   "environment \"x\" {\n  cluster = \"pro\"\n  namespace = \"x\"\n  protect {\n    approvals = 2\n  }\n}\n");
}

static void test_fmt__comments_and_blank_lines_kept(void **state)
{
	(void)state;
	assert_fmt("# head\nrole \"r\" {   # trailing\n\n\n  cluster = true # why\n  // own line\n  allow {}\n}\nbind role.r { to = [group(\"g\")] }\n",
		   "# head\nrole \"r\" {\n  # trailing\n\n  cluster = true # why\n  // own line\n  allow {}\n}\n\nbind role.r {\n  to = [group(\"g\")]\n}\n");
}

static void test_fmt__lists_maps_and_expressions(void **state)
{
	(void)state;
	assert_fmt("x {\n  a = [ 1,2 ,3 ]\n  b = {k=\"v\",l = 1}\n  c = [\n    get,\n    list\n  ]\n  d = 1+2*3\n  e = all( r in roles where r.cluster:!x )\n}\n",
		   "x {\n  a = [1, 2, 3]\n  b = { k = \"v\", l = 1 }\n  c = [\n    get,\n    list,\n  ]\n  d = 1 + 2 * 3\n  e = all(r in roles where r.cluster : !x)\n}\n");
}

static void test_fmt__strings_copied_and_crlf(void **state)
{
	(void)state;
	assert_fmt("a {\r\n  e = `rate(x[5m])\r\n   >  ${y}`\r\n  s = \"  two  spaces \\n\"\r\n}\r\n",
		   "a {\n  e = `rate(x[5m])\r\n   >  ${y}`\n  s = \"  two  spaces \\n\"\n}\n");
}

static void test_fmt__syntax_errors_left_alone(void **state)
{
	(void)state;
	int st;
	char *out = format("a { b = }\n", &st);
	assert_int_equal(st, OPSC_FMT_SYNTAX_ERROR);
	assert_null(out);
	out = format("", &st);
	assert_int_equal(st, OPSC_FMT_OK);
	assert_string_equal(out, "");
	opsc_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt__one_statement_per_line),
		cmocka_unit_test(test_fmt__comments_and_blank_lines_kept),
		cmocka_unit_test(test_fmt__lists_maps_and_expressions),
		cmocka_unit_test(test_fmt__strings_copied_and_crlf),
		cmocka_unit_test(test_fmt__syntax_errors_left_alone),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
