/*
 * cmd_diff.c - `opsc diff`: what `opsc build` would change, field by field.
 *
 *   compile (Model) -> emit in memory -> read the output directory from the
 *   working tree -> compare semantically (drift.h) -> one line per difference
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "front.h"
#include "util.h"
#include "drift.h"
#include "repo.h"

static const opsc_option diff_options[] = {
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_diff = {
	.name = "diff",
	.summary = "show how the committed manifests differ from what build would write",
	.synopsis = "[PATH]",
	.description =
		"Compare what `opsc build` would write with the files in the working tree,\n"
		"field by field: key order, quoting, comments and layout do not count.\n"
		"One line per difference:\n"
		"\n"
		"  clusters/home/prod/policy/rbac.yaml:21: rules[0].verbs[2]: want watch, found list\n"
		"  clusters/home/prod/policy/quota.yaml: missing (opsc build writes it)\n"
		"  clusters/old/namespace.yaml: stale (opsc no longer generates it)\n"
		"\n"
		"PATH is a .ops file or a directory of them (default: ./policies if it\n"
		"exists, else .); the output directory is found as `opsc build` finds it.\n",
	.options = diff_options,
	.operand = OPSC_OPERAND_FILE,
	.exit_status = "0 no difference, 1 differences (or errors in the .ops files), 2 usage or internal error.",
	.run = opsc_cmd_diff,
};

static int parse_args(const char **path, int argc, char **argv)
{
	struct stat st;
	opsc_cli p;
	*path = NULL;
	opsc_cli_init(&p, &opsc_command_diff, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR)
			return id == OPSC_CLI_HELP ? 1 : -1;
		if (*path) {
			opsc_cli_usage_error(&opsc_command_diff, "unexpected argument '%s' (one PATH at most)", p.value);
			return -1;
		}
		*path = p.value;
	}
	if (!*path)
		*path = stat("policies", &st) == 0 && S_ISDIR(st.st_mode) ? "policies" : ".";
	return 0;
}

/* Shown relative to where opsc runs when the output is below it. */
static const char *shown(opsc_arena *a, const opsc_drift_expect *e, const char *cwd, const char *rel)
{
	size_t n = strlen(cwd);
	const char *dir = e->out_dir;
	if (strncmp(dir, cwd, n) == 0 && dir[n] == '/')
		dir += n + 1;
	else if (strcmp(dir, cwd) == 0)
		return rel;
	return opsc_arena_printf(a, "%s/%s", dir, rel);
}

static void print_drift(opsc_arena *a, const opsc_drift_expect *e, const char *cwd, const opsc_drift *d)
{
	/* the path starts the line; it and every value may come from the repository */
	opsc_esc_text_line(stdout, shown(a, e, cwd, d->path));
	if (d->kind == OPSC_DRIFT_MISSING)
		fputs(": missing (opsc build writes it)\n", stdout);
	else if (d->kind == OPSC_DRIFT_STALE)
		fputs(": stale (opsc no longer generates it)\n", stdout);
	else if (d->problem)
		opsc_esc_printf(stdout, ":%u: %s\n", d->line, d->problem);
	else
		opsc_esc_printf(stdout, ":%u: %s: want %s, found %s\n", d->line, *d->field ? d->field : "(document)",
				d->want, d->found);
}

static uint32_t count_files(const opsc_drifts *d)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < d->items.len; i++)
		n += i == 0 || strcmp(d->items.items[i].path, d->items.items[i - 1].path) != 0;
	return n;
}

static int run(const char *path, opsc_ctx *ctx)
{
	opsc_model model = { 0 };
	if (opsc_compile(&model, ctx, &path, 1) < 0)
		return OPSC_EXIT_USAGE;
	if (ctx->diags.errors)
		return OPSC_EXIT_FINDINGS;
	int exit = OPSC_EXIT_USAGE;
	opsc_repo *repo = NULL;
	opsc_drift_expect e = { 0 };
	opsc_drifts drifts = { 0 };
	opsc_drift_file *files;
	uint32_t nfiles;
	char cwd[4096];
	if (opsc_repo_open(&repo, path) < 0) {
		opsc_esc_printf(stderr, "opsc diff: %s\n", opsc_repo_error());
		goto done;
	}
	if (opsc_drift_expect_init(&e, ctx, &model, path, repo ? opsc_repo_workdir(repo) : NULL) < 0) {
		opsc_esc_printf(stderr, "opsc diff: %s: cannot emit the manifests\n", path);
		goto done;
	}
	if (ctx->diags.errors) {
		exit = OPSC_EXIT_FINDINGS;
		goto done;
	}
	if (opsc_drift_read_dir(ctx->arena, e.out_dir, &files, &nfiles) < 0) {
		opsc_esc_printf(stderr, "opsc diff: %s: cannot read the generated files\n", e.out_dir);
		goto done;
	}
	opsc_drift_check(&drifts, ctx->arena, &e.outputs, files, nfiles, true);
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	for (uint32_t i = 0; i < drifts.items.len; i++)
		print_drift(ctx->arena, &e, cwd, &drifts.items.items[i]);
	if (drifts.items.len)
		fprintf(stderr, "opsc diff: %u difference%s in %u file%s (run `opsc build` to apply them)\n",
			drifts.items.len, drifts.items.len == 1 ? "" : "s", count_files(&drifts),
			count_files(&drifts) == 1 ? "" : "s");
	exit = drifts.items.len ? OPSC_EXIT_FINDINGS : OPSC_EXIT_OK;
done:
	opsc_drifts_dispose(&drifts);
	opsc_drift_expect_dispose(&e);
	opsc_repo_free(repo);
	return exit;
}

int opsc_cmd_diff(int argc, char **argv)
{
	const char *path;
	int rc = parse_args(&path, argc, argv);
	if (rc != 0)
		return rc > 0 ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	int exit = run(path, &ctx);
	opsc_diags_sort(&ctx.diags);
	opsc_diags_dedupe(&ctx.diags);
	opsc_render_opts ro = { opsc_diag_want_color(stderr) };
	opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	opsc_ctx_dispose(&ctx);
	return exit;
}
