/*
 * cmd_check.c - `opsc check`: the front end on its own.
 *
 *   load -> parse -> sema (Model) -> diagnostics
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "compile.h"
#include "policy.h"

static const char check_help[] =
	"usage: opsc check [PATH...]\n"
	"\n"
	"Check .ops files and report every problem: syntax, unknown blocks and\n"
	"attributes, wrong types and units, unresolved references, duplicates,\n"
	"import cycles, ill-typed policies. Then the built-in policies (policies/,\n"
	"those yours do not replace) and yours run on what the .ops declare, at\n"
	"the levels `opsc lint` reports them (readiness rules are warnings until\n"
	"`rules { readiness = error }`): a clean check is a clean lint of a fresh\n"
	"build.\n"
	"\n"
	"PATH is a .ops file or a directory whose *.ops files are read (not\n"
	"recursively). Without PATH: ./policies if it exists, else the current\n"
	"directory. Imports are followed from there.\n"
	"\n"
	"Diagnostics go to standard error as `file:line:col: error: message`,\n"
	"with the source line and notes; colour only on a terminal, never when\n"
	"NO_COLOR is set.\n"
	"\n"
	"options:\n"
	"  -q, --quiet   print nothing when there is no problem\n"
	"  -h, --help    show this help\n"
	"\n"
	"exit status: 0 no errors (warnings allowed), 1 errors in the input,\n"
	"2 usage or internal error.\n";

/* The default input: the repository's policies/ directory, else ".". */
static const char *default_path(void)
{
	struct stat st;
	return stat("policies", &st) == 0 && S_ISDIR(st.st_mode) ? "policies" : ".";
}

int opsc_cmd_check(int argc, char **argv)
{
	bool quiet = false;
	opsc_array(const char *) paths = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(check_help, stdout);
			opsc_array_free(&paths);
			return OPSC_EXIT_OK;
		} else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			quiet = true;
		} else if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
			fprintf(stderr, "opsc check: unknown option '%s'\n\n%s", argv[i], check_help);
			opsc_array_free(&paths);
			return OPSC_EXIT_USAGE;
		} else if (strcmp(argv[i], "--") != 0) {
			opsc_array_push(&paths, argv[i]);
		}
	}
	if (paths.len == 0)
		opsc_array_push(&paths, default_path());

	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_model model = { 0 };
	int rc = opsc_compile(&model, &ctx, paths.items, paths.len);
	if (rc == 0 && !ctx.diags.errors) /* what lint would say about the .ops */
		opsc_policy_check_declared(&ctx, &model);
	opsc_render_opts ro = { opsc_diag_want_color(stderr) };
	opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	uint32_t nfiles = 0;
	for (uint32_t i = 0; i < ctx.sources.files.len; i++)
		nfiles += !ctx.sources.files.items[i]->embedded && !ctx.sources.files.items[i]->unreadable;
	if (rc < 0)
		fprintf(stderr, "opsc check: internal error (%d)\n", rc);
	else if (ctx.diags.errors || ctx.diags.warnings || !quiet)
		fprintf(stderr, "opsc check: %u file%s checked: %u error%s, %u warning%s\n", nfiles,
			nfiles == 1 ? "" : "s", ctx.diags.errors, ctx.diags.errors == 1 ? "" : "s",
			ctx.diags.warnings, ctx.diags.warnings == 1 ? "" : "s");
	int exit = rc < 0 ? OPSC_EXIT_USAGE : ctx.diags.errors ? OPSC_EXIT_FINDINGS : OPSC_EXIT_OK;
	opsc_ctx_dispose(&ctx);
	opsc_array_free(&paths);
	return exit;
}
