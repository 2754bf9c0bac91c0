/*
 * cmd_render.c - `opsc __render [--root ROOT] DIR`: the objects the
 * kustomization in DIR renders to, as `opsc lint` reads them, written as a
 * YAML stream (kind, namespace, name order). Not a command a user runs:
 * it is what tests/oracle/kustomize_oracle.py holds against `kustomize
 * build`, so `opsc --help`, the completions and the man pages leave it out.
 *
 * ROOT is the tree the kustomization may reach (`../base`); by default the
 * Git working tree holding DIR, else DIR itself.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lint.h"
#include "repo.h"

enum { OPT_ROOT = 1 };

static const opsc_option render_options[] = {
	{ OPT_ROOT, 0, "root", "ROOT", "the tree the kustomization may reach (default: its Git working tree)", NULL,
	  NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_render = {
	.name = "__render",
	.summary = "print what a kustomization renders to",
	.synopsis = "[--root ROOT] DIR",
	.description = "Print the objects the kustomization in DIR renders to, as opsc lint reads them,\n"
		       "as a YAML stream in kind, namespace, name order.\n",
	.options = render_options,
	.operand = OPSC_OPERAND_DIR,
	.exit_status = "0 rendered, 1 problems in the kustomization, 2 usage or internal error.",
	.run = opsc_cmd_render,
};

/* The working tree holding `dir`, else `dir`; into `real` (PATH_MAX). */
static bool default_root(const char *dir, char *real)
{
	opsc_repo *repo = NULL;
	bool ok = opsc_repo_open(&repo, dir) == 0 && repo;
	ok = ok ? realpath(opsc_repo_workdir(repo), real) != NULL : realpath(dir, real) != NULL;
	opsc_repo_free(repo);
	return ok;
}

int opsc_cmd_render(int argc, char **argv)
{
	const char *root = NULL, *dir = NULL;
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_render, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR)
			return id == OPSC_CLI_HELP ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
		if (id == OPT_ROOT)
			root = p.value;
		else if (dir)
			return opsc_cli_usage_error(&opsc_command_render, "one DIR only, not also '%s'", p.value);
		else
			dir = p.value;
	}
	if (!dir)
		return opsc_cli_usage_error(&opsc_command_render, "%s", "a DIR is needed");
	char real_root[PATH_MAX], real_dir[PATH_MAX];
	if (!(root ? realpath(root, real_root) != NULL : default_root(dir, real_root)) || !realpath(dir, real_dir)) {
		fprintf(stderr, "opsc __render: cannot resolve %s\n", root && !realpath(root, real_root) ? root : dir);
		return OPSC_EXIT_USAGE;
	}
	size_t n = strlen(real_root);
	const char *rel = strncmp(real_dir, real_root, n) == 0 && (real_dir[n] == '/' || !real_dir[n])
				  ? real_dir + n + (real_dir[n] == '/')
				  : NULL;
	if (strcmp(real_root, "/") == 0)
		rel = real_dir + 1;
	if (!rel) {
		fprintf(stderr, "opsc __render: %s is not under %s\n", dir, real_root);
		return OPSC_EXIT_USAGE;
	}
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	const char *error = NULL;
	int rc = opsc_lint_render(stdout, &ctx, real_root, rel, &error);
	opsc_render_opts ro = { opsc_diag_want_color(stderr) };
	opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	if (rc < 0)
		fprintf(stderr, "opsc __render: %s\n", error ? error : "cannot render");
	int exit = rc < 0 ? OPSC_EXIT_USAGE : ctx.diags.errors ? OPSC_EXIT_FINDINGS : OPSC_EXIT_OK;
	opsc_ctx_dispose(&ctx);
	return exit;
}
