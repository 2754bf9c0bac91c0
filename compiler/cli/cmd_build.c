/*
 * cmd_build.c - `opsc build`: the product's main job.
 *
 *   compile (Model) -> emit (outputs in memory) -> plan against the output
 *   directory -> apply (one atomic swap) -> one-line summary
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "cli.h"
#include "front.h"
#include "util.h"
#include "model.h"
#include "repo.h"

enum { OPT_OUT = 1, OPT_DRY_RUN, OPT_CHECK, OPT_FORCE, OPT_WAIT, OPT_QUIET };

static const opsc_option build_options[] = {
	{ OPT_OUT, 'o', "out", "DIR", "write to DIR instead of the project's output directory", NULL, NULL },
	{ OPT_DRY_RUN, 'n', "dry-run", NULL, "list what would change; write nothing", NULL, NULL },
	{ OPT_CHECK, 0, "check", NULL, "write nothing; exit 1 when the output is not current", NULL, NULL },
	{ OPT_FORCE, 0, "force", NULL, "overwrite or remove generated files edited by hand", NULL, NULL },
	{ OPT_WAIT, 0, "wait", NULL,
	  "wait for another opsc build in the repository to finish (without it, such a build is refused at once)",
	  NULL, NULL },
	{ OPT_QUIET, 'q', "quiet", NULL, "print nothing but problems", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_build = {
	.name = "build",
	.summary = "write the manifests the .ops files describe",
	.synopsis = "[options] [PATH...]",
	.description =
		"Compile the .ops files and write every manifest they describe: Kubernetes\n"
		"namespaces, RBAC, network policies and quotas, Velero schedules and\n"
		"restore tests, PrometheusRules (alerts and SLO rules) and\n"
		"AlertmanagerConfigs (with plain Prometheus and Alertmanager files),\n"
		"External Secrets (ClusterSecretStores and ExternalSecrets), GitHub\n"
		"environment settings and Flux Kustomizations.\n"
		"The policies run as in `opsc check`; an error among them, as any error\n"
		"of the .ops, writes nothing.\n"
		"\n"
		"PATH is a .ops file or a directory of them (default: ./policies if it\n"
		"exists, else .). The output goes to the project's `output` directory\n"
		"(default \"clusters\"), relative to the project directory: the parent of\n"
		"policies/, else the directory of PATH. It must be inside a Git repository.\n"
		"\n"
		"The new tree replaces the old one in a single rename: an interrupted build\n"
		"leaves the previous tree whole. Files opsc wrote before and no longer\n"
		"writes are removed (they are listed, with hashes, in .opsc-manifest.json);\n"
		"files opsc did not write are never touched; a generated file edited by\n"
		"hand is not overwritten without --force. One build writes at a time: a\n"
		"build holds a lock (.git/opsc-build.lock, released when it ends) from\n"
		"before it reads the output directory until the new tree is in place.\n"
		"\n"
		"With the project's `runbooks` directory, a Markdown skeleton is written\n"
		"for each alert whose runbook file is missing (listed as `runbook PATH`);\n"
		"a runbook that exists is never written to, --force or not.\n",
	.options = build_options,
	.operand = OPSC_OPERAND_FILE,
	.exit_status = "0 built (or current), 1 errors in the input, refused files (with --dry-run too), or "
		       "(--check) output not current, 2 usage or internal error, or another opsc build is "
		       "writing in the same repository.",
	.run = opsc_cmd_build,
};

typedef struct {
	const char *out;
	bool dry_run, check, force, quiet, wait;
	opsc_array(const char *) paths;
} build_args;

static int parse_args(build_args *a, int argc, char **argv)
{
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_build, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		switch (id) {
		case OPSC_CLI_HELP: return 1;
		case OPSC_CLI_ERROR: return -1;
		case OPT_OUT: a->out = p.value; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_CHECK: a->check = true; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_WAIT: a->wait = true; break;
		case OPT_QUIET: a->quiet = true; break;
		default: opsc_array_push(&a->paths, p.value); break;
		}
	}
	if (a->paths.len == 0) {
		struct stat st;
		opsc_array_push(&a->paths, stat("policies", &st) == 0 && S_ISDIR(st.st_mode) ? "policies" : ".");
	}
	return 0;
}

/* The output directory must be inside the repository, below its root, and
 * reached without a symlink: otherwise a build could write anywhere. */
static char *check_out_dir(const char *out, const char *workdir)
{
	size_t wlen = strlen(workdir); /* ends in '/' */
	if (strncmp(out, workdir, wlen) != 0 || !out[wlen]) {
		opsc_esc_printf(stderr, "opsc build: %s is outside the repository %s (or is its root): "
				"the output must be a directory inside it\n", out, workdir);
		return NULL;
	}
	char *probe = opsc_strdup(out);
	for (char *s = probe + wlen;; s++) {
		if (*s && *s != '/')
			continue;
		char save = *s;
		*s = '\0';
		struct stat st;
		if (lstat(probe, &st) == 0 && (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))) {
			opsc_esc_printf(stderr, "opsc build: %s is %s; opsc writes only into real directories "
					"inside the repository\n", probe,
				S_ISLNK(st.st_mode) ? "a symbolic link" : "not a directory");
			opsc_free(probe);
			return NULL;
		}
		*s = save;
		if (!save)
			break;
	}
	return probe;
}

/* A build replaces the whole output directory: it must not hold the .ops
 * sources or be in a git directory (`output` is checked lexically when the
 * program is; this sees the resolved directory, and --out). */
static bool out_dir_unsafe(const char *out, const char *proj, const opsc_ctx *ctx)
{
	size_t n = strlen(out);
	if (strstr(out, "/.git/") || (n >= 5 && strcmp(out + n - 5, "/.git") == 0)) {
		opsc_esc_printf(stderr, "opsc build: %s is in a git directory; the output must be a directory "
				"of the working tree\n", out);
		return true;
	}
	for (uint32_t i = 0; i < ctx->sources.files.len; i++) {
		const opsc_source *src = ctx->sources.files.items[i];
		char real[PATH_MAX];
		if (src->embedded || src->unreadable || !realpath(src->path, real))
			continue;
		if (strncmp(real, out, n) == 0 && real[n] == '/') {
			opsc_esc_printf(stderr, "opsc build: %s holds the source %s; the output must be a "
					"directory of its own\n", out, src->path);
			return true;
		}
		/* below policies/ (a source's directory other than the project's) */
		char *slash = strrchr(real, '/');
		size_t dn = (size_t)(slash - real);
		if (strcmp(slash, "/") != 0 && (strlen(proj) != dn || strncmp(real, proj, dn) != 0) &&
		    strncmp(out, real, dn) == 0 && out[dn] == '/') {
			*slash = '\0';
			opsc_esc_printf(stderr, "opsc build: %s is in %s, with the source %s; the output must be "
					"a directory of its own\n", out, real, src->path);
			return true;
		}
	}
	return false;
}

/* The repository's build lock, or why not (another build holds it). */
static int take_lock(int *fd, const char *gitdir, bool wait)
{
	int rc = opsc_build_lock(fd, gitdir, false);
	if (rc == OPSC_BUILD_LOCK_BUSY && wait) {
		opsc_esc_printf(stderr, "opsc build: waiting for another opsc build in this repository "
				"(it holds %s%s)\n", gitdir, OPSC_BUILD_LOCK);
		rc = opsc_build_lock(fd, gitdir, true);
	}
	if (rc == OPSC_BUILD_LOCK_BUSY)
		opsc_esc_printf(stderr, "opsc build: another opsc build is writing in this repository (it holds "
				"%s%s); nothing done: run again when it has finished, or use --wait\n",
			gitdir, OPSC_BUILD_LOCK);
	else if (rc < 0)
		opsc_esc_printf(stderr, "opsc build: %s\n", opsc_build_error());
	return rc == 0 ? 0 : -1;
}

static const char *const change_words[] = {
	[OPSC_CHANGE_ADD] = "add", [OPSC_CHANGE_UPDATE] = "update",
	[OPSC_CHANGE_UNCHANGED] = "unchanged", [OPSC_CHANGE_REMOVE] = "remove",
	[OPSC_CHANGE_EDITED] = "edited by hand", [OPSC_CHANGE_FOREIGN] = "not written by opsc",
	[OPSC_CHANGE_BLOCKED] = "symlink or not a file",
};

static void report_refused(const opsc_build_plan *plan, const char *shown)
{
	for (uint32_t i = 0; i < plan->changes.len; i++) {
		const opsc_change *c = &plan->changes.items[i];
		if (c->kind == OPSC_CHANGE_EDITED)
			opsc_esc_printf(stderr, "opsc build: %s/%s: edited by hand since opsc wrote it (drift); "
					"move the change into the .ops source, or run `opsc build --force` "
					"to %s it\n", shown, c->path, c->removal ? "remove" : "overwrite");
		else if (c->kind == OPSC_CHANGE_FOREIGN)
			opsc_esc_printf(stderr, "opsc build: %s/%s: exists and was not written by opsc; move it "
					"away, or run `opsc build --force` to replace it\n", shown, c->path);
		else if (c->kind == OPSC_CHANGE_BLOCKED)
			opsc_esc_printf(stderr, "opsc build: %s/%s: a symbolic link or not a regular file is in "
					"the way; opsc never writes through links\n", shown, c->path);
	}
}

static void list_changes(const opsc_build_plan *plan, const char *shown)
{
	for (uint32_t i = 0; i < plan->changes.len; i++) {
		const opsc_change *c = &plan->changes.items[i];
		if (c->kind != OPSC_CHANGE_UNCHANGED)
			opsc_esc_printf(stdout, "%-10s %s/%s\n", change_words[c->kind], shown, c->path);
	}
}

/* The output directory as the user would type it: relative to the cwd. */
static const char *shown_path(const char *abs)
{
	static char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return abs;
	size_t n = strlen(cwd);
	if (strncmp(abs, cwd, n) == 0 && abs[n] == '/')
		return abs + n + 1;
	return abs;
}

static int run(build_args *a, opsc_ctx *ctx)
{
	opsc_model model = { 0 };
	if (opsc_compile(&model, ctx, a->paths.items, a->paths.len) < 0)
		return OPSC_EXIT_USAGE;
	if (ctx->diags.errors)
		return OPSC_EXIT_FINDINGS;
	int exit = OPSC_EXIT_USAGE;
	opsc_repo *repo = NULL;
	opsc_outputs outputs = { 0 };
	opsc_build_plan plan = { 0 };
	int lock = -1;
	char *proj = opsc_project_dir(a->paths.items[0]), *out = NULL, *want = NULL;
	if (!proj) {
		opsc_esc_printf(stderr, "opsc build: %s: %s\n", a->paths.items[0], strerror(errno));
		goto done;
	}
	if (opsc_repo_open(&repo, proj) < 0) {
		opsc_esc_printf(stderr, "opsc build: %s\n", opsc_repo_error());
		goto done;
	}
	if (!repo) {
		opsc_esc_printf(stderr, "opsc build: %s is not inside a Git repository; opsc build writes "
				"into one (run `git init` first)\n", proj);
		goto done;
	}
	char cwd[PATH_MAX];
	want = a->out ? opsc_project_resolve(getcwd(cwd, sizeof(cwd)) ? cwd : ".", a->out)
		      : opsc_project_out_dir(&model, proj);
	if (!(out = check_out_dir(want, opsc_repo_workdir(repo))) || out_dir_unsafe(out, proj, ctx))
		goto done;
	if (opsc_emit_all(&outputs, ctx, &model, proj, out + strlen(opsc_repo_workdir(repo))) < 0) {
		opsc_esc_printf(stderr, "opsc build: internal error while emitting\n");
		goto done;
	}
	/* the verdict of opsc check, policies included; after emitting, whose
	 * headers name the sources compiled so far, not the built-in policies */
	uint32_t *pending = NULL, npending = opsc_runbook_pending(ctx, &model, &pending);
	if (!ctx->diags.errors)
		opsc_policy_check_declared(ctx, &model);
	if (ctx->diags.errors) {
		exit = OPSC_EXIT_FINDINGS;
		goto done;
	}
	/* before the plan: a plan made while another build swaps trees is stale */
	if (!a->dry_run && !a->check && take_lock(&lock, opsc_repo_gitdir(repo), a->wait) < 0)
		goto done;
	if (opsc_build_plan_make(&plan, out, &outputs, a->force) < 0) {
		opsc_esc_printf(stderr, "opsc build: %s\n", opsc_build_error());
		goto done;
	}
	const char *shown = shown_path(out);
	report_refused(&plan, shown);
	int runbooks = 0;
	if (!plan.refused && (runbooks = opsc_runbook_write(ctx, &model, proj, pending, npending, a->dry_run || a->check,
							    a->quiet && !a->dry_run && !a->check ? NULL : stdout)) < 0) {
		opsc_esc_printf(stderr, "opsc build: cannot write a runbook: %s\n", strerror(errno));
		goto done;
	}
	uint32_t changed = plan.added + plan.updated + plan.removed;
	if (a->dry_run || a->check) {
		list_changes(&plan, shown);
		if (!a->quiet || changed || plan.refused)
			opsc_esc_printf(stderr, "opsc build: %s: %u to write, %u unchanged, %u to remove%s%s\n", shown,
				plan.added + plan.updated, plan.unchanged, plan.removed,
				plan.refused ? ", refused: a build would write nothing" : "",
				a->check && (changed || plan.refused) ? " (not current: run `opsc build`)" : "");
		/* a dry run says what the build would do: refused files fail both */
		exit = plan.refused || (a->check && changed) ? OPSC_EXIT_FINDINGS : OPSC_EXIT_OK;
		goto done;
	}
	if (plan.refused) {
		opsc_esc_printf(stderr, "opsc build: nothing written: %u file%s refused\n", plan.refused,
			plan.refused == 1 ? "" : "s");
		exit = OPSC_EXIT_FINDINGS;
		goto done;
	}
	if (changed && opsc_build_apply(&plan, out, &outputs) < 0) {
		opsc_esc_printf(stderr, "opsc build: %s; the previous output is unchanged\n", opsc_build_error());
		goto done;
	}
	if (!a->quiet)
		opsc_esc_printf(stderr, "opsc build: %s: %u written, %u unchanged, %u removed%s\n", shown,
			plan.added + plan.updated, plan.unchanged, plan.removed,
			runbooks ? opsc_arena_printf(ctx->arena, "; %d runbook skeleton%s written", runbooks,
						     runbooks == 1 ? "" : "s") : "");
	exit = OPSC_EXIT_OK;
done:
	opsc_build_unlock(lock);
	opsc_build_plan_dispose(&plan);
	opsc_outputs_dispose(&outputs);
	opsc_repo_free(repo);
	opsc_free(proj);
	opsc_free(out);
	opsc_free(want);
	return exit;
}

int opsc_cmd_build(int argc, char **argv)
{
	build_args a = { 0 };
	int rc = parse_args(&a, argc, argv);
	if (rc != 0) {
		opsc_array_free(&a.paths);
		return rc > 0 ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
	}
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	int exit = run(&a, &ctx);
	opsc_diags_sort(&ctx.diags);
	opsc_diags_dedupe(&ctx.diags);
	opsc_render_opts ro = { opsc_diag_want_color(stderr) };
	opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	if (ctx.diags.errors)
		opsc_esc_printf(stderr, "opsc build: %u error%s, nothing written\n", ctx.diags.errors,
			ctx.diags.errors == 1 ? "" : "s");
	opsc_ctx_dispose(&ctx);
	opsc_array_free(&a.paths);
	return exit;
}
