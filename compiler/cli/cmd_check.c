/*
 * cmd_check.c - `opsc check`: the front end on its own.
 *
 *   load -> parse -> sema (Model) -> diagnostics
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "front.h"

enum { OPT_QUIET = 1 };

static const opsc_option check_options[] = {
	{ OPT_QUIET, 'q', "quiet", NULL, "print nothing when there is no problem", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_check = {
	.name = "check",
	.summary = "check .ops files and report every problem",
	.synopsis = "[options] [PATH...]",
	.description =
		"Check .ops files and report every problem: syntax, unknown blocks and\n"
		"attributes, wrong types and units, unresolved references, duplicates,\n"
		"import cycles, ill-typed policies. Then the built-in policies (policies/,\n"
		"those yours do not replace) and yours run on what the .ops declare, at\n"
		"the levels `opsc lint` reports them (readiness rules are warnings until\n"
		"`rules { readiness = error }`): a clean check is a clean lint of a fresh\n"
		"build.\n"
		"\n"
		"PATH is a .ops file or a directory whose *.ops files are read (not\n"
		"recursively); a directory with a policies/ directory stands for it.\n"
		"Without PATH: ./policies if it exists, else the current directory.\n"
		"Imports are followed from there.\n"
		"\n"
		"Diagnostics go to standard error as `file:line:col: error: message`,\n"
		"with the source line and notes; colour only on a terminal, never when\n"
		"NO_COLOR is set.\n",
	.options = check_options,
	.operand = OPSC_OPERAND_FILE,
	.exit_status = "0 no errors (warnings allowed), 1 errors in the input, 2 usage or internal error.",
	.run = opsc_cmd_check,
};

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
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_check, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR) {
			opsc_array_free(&paths);
			return id == OPSC_CLI_HELP ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
		}
		if (id == OPT_QUIET)
			quiet = true;
		else
			opsc_array_push(&paths, p.value);
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
