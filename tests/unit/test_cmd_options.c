/*
 * test_cmd_options.c - the option parser every command uses (opsc_cli_next)
 * and the --help it prints from the same table: values after a space, an
 * '=' or glued to a short option, flags, operands, "--", "-", and each usage
 * error; the help's layout, column and wrapping.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_OUT = 1, OPT_CHECK, OPT_LONG };

static const opsc_option options[] = {
	{ OPT_OUT, 'o', "out", "DIR", "write to DIR", NULL, NULL },
	{ OPT_CHECK, 'c', "check", NULL, "write nothing", NULL, NULL },
	{ OPT_LONG, 0, "a-rather-long-option", "VALUE",
	  "an option whose name is too long for the column and whose help is long enough to be wrapped "
	  "over two lines", NULL, "more" },
	OPSC_OPTION_HELP,
	{ 0 },
};

static const opsc_command cmd = {
	.name = "demo",
	.summary = "a demonstration",
	.synopsis = "[options] [PATH...]\n--other",
	.description = "A paragraph.\n",
	.options = options,
	.exit_status = "0 fine, 2 usage error.",
};

/* The ids and values opsc_cli_next gives for argv, as "id=value ...". */
static char *parse(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_cli p;
	opsc_cli_init(&p, &cmd, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		fprintf(out, "%d", id);
		if (id == OPSC_CLI_OPERAND || id == OPT_OUT || id == OPT_LONG)
			fprintf(out, "=%s", p.value);
		fputc(' ', out);
		if (id == OPSC_CLI_ERROR || id == OPSC_CLI_HELP)
			break;
	}
	fclose(out);
	return buf;
}

#define ARGV(...) (sizeof((char *[]){ "demo", __VA_ARGS__ }) / sizeof(char *)), (char *[]){ "demo", __VA_ARGS__ }

static void want(int argc, char **argv, const char *expected)
{
	char *got = parse(argc, argv);
	assert_string_equal(got, expected);
	free(got);
}

static void test_cmd_options__values_and_flags(void **state)
{
	(void)state;
	want(ARGV("-o", "x", "--out", "y", "--out=z", "-ow"), "1=x 1=y 1=z 1=w ");
	want(ARGV("--check", "-c", "a", "--a-rather-long-option", "v"), "2 2 -1=a 3=v ");
	want(ARGV("--out="), "1= ");
}

static void test_cmd_options__operands(void **state)
{
	(void)state;
	want(ARGV("-", "a", "--", "--check", "-o"), "-1=- -1=a -1=--check -1=-o ");
	want(ARGV("--", "--"), "-1=-- ");
}

static void test_cmd_options__usage_errors(void **state)
{
	(void)state;
	want(ARGV("--bogus"), "-2 ");
	want(ARGV("-x"), "-2 ");
	want(ARGV("-cc"), "-2 ");     /* flags are not glued together */
	want(ARGV("--check=1"), "-2 "); /* a flag takes no value */
	want(ARGV("--out"), "-2 ");     /* the value is missing */
	want(ARGV("a", "-o"), "-1=a -2 ");
	want(ARGV("--ou", "x"), "-2 "); /* no abbreviations */
}

static void test_cmd_options__help(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_cli_help(out, &cmd);
	fclose(out);
	assert_string_equal(buf,
		"usage: opsc demo [options] [PATH...]\n"
		"       opsc demo --other\n"
		"\n"
		"A paragraph.\n"
		"\n"
		"options:\n"
		"  -o, --out DIR  write to DIR\n"
		"  -c, --check    write nothing\n"
		"\n"
		"more:\n"
		"      --a-rather-long-option VALUE\n"
		"                 an option whose name is too long for the column and whose\n"
		"                 help is long enough to be wrapped over two lines\n"
		"  -h, --help     show this help\n"
		"\n"
		"exit status: 0 fine, 2 usage error.\n");
	free(buf);
	want(ARGV("-h", "--bogus"), "-3 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmd_options__values_and_flags),
		cmocka_unit_test(test_cmd_options__operands),
		cmocka_unit_test(test_cmd_options__usage_errors),
		cmocka_unit_test(test_cmd_options__help),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
