/*
 * lint.c - the `opsc lint` pipeline: open the targets, compile the rules,
 * run each finder over each target, then filter and sort.
 *
 * A finder turns one target (a repository, or a directory outside any) into
 * findings of one kind. Secrets are found here, reading whichever source
 * the mode names; drift and policy finders join the table below. What the
 * finders ask of the run (changed files, shown paths) is in lint_changes.c.
 */
#define _GNU_SOURCE
#include "lint_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "front.h"

static int fail(lint_run *run, const char *what, const char *detail)
{
	run->error = opsc_arena_printf(run->out->arena, "%s: %s", what, detail);
	return -1;
}

/* ------------------------------------------------------------------- rules */

/* The embedded policies/ set, each file compiled on its own so its rules
 * keep their policies/NAME.ops location; its policies are kept for the
 * policy finder. */
typedef opsc_array(opsc_secret_rule) rule_list;

static void builtin_secret_rules(lint_run *run, rule_list *out)
{
	for (const opsc_embedded *e = opsc_builtin_policies; e->name; e++) {
		opsc_program prog = { 0 };
		opsc_model model = { 0 };
		char *path = opsc_arena_printf(run->ctx->arena, "%s.ops", e->name);
		if (opsc_load_text(&prog, run->ctx, path, e->text, e->len) != 0 ||
		    opsc_sema_check(&model, run->ctx, &prog) != 0)
			continue;
		opsc_rules_add_model(run->rules, &model);
		for (uint32_t i = 0; i < model.npolicies; i++)
			opsc_array_push(&run->builtin_policies, model.policies[i]);
		for (uint32_t i = 0; i < model.nsecret_rules; i++)
			opsc_array_push(out, model.secret_rules[i]);
	}
}

static bool defined_by_user(const opsc_model *user, const char *id)
{
	for (uint32_t i = 0; i < user->nsecret_rules; i++)
		if (strcmp(user->secret_rules[i].id.s, id) == 0)
			return true;
	return false;
}

/* The top of the working tree holding `path` (the nearest directory with a
 * .git entry), ending in '/', or "" when there is none. Found by hand
 * rather than through libgit2 so the rules can compile while libgit2
 * initialises (see start_rules). */
static const char *worktree_top(opsc_arena *arena, const char *path)
{
	struct stat st;
	char *dir = realpath(path, NULL);
	const char *top = "";
	if (dir && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		*strrchr(dir, '/') = '\0';
	for (char *end = dir ? dir + strlen(dir) : NULL; end; end = strrchr(dir, '/')) {
		*end = '\0';
		const char *git = opsc_arena_printf(arena, "%s/.git", dir);
		if (lstat(git, &st) == 0) {
			top = opsc_arena_printf(arena, "%s/", dir);
			break;
		}
		if (end == dir)
			break;
	}
	free(dir); /* realpath's, from the C library */
	return top;
}

/* The user's policies: an explicit --policies, else policies/ at the top
 * of the working tree holding the first PATH (or of the current directory
 * outside any repository). */
static const char *user_policies(lint_run *run)
{
	struct stat st;
	if (run->opts->policies)
		return run->opts->policies;
	const char *first = run->opts->npaths ? run->opts->paths[0] : ".";
	const char *dir = opsc_arena_printf(run->ctx->arena, "%spolicies", worktree_top(run->ctx->arena, first));
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

/* Registry and scanner: the user's rules first, so a user rule with a
 * built-in's id replaces it. Touches only the ctx, the rules and the
 * scanner, so it may run beside open_targets; a failure is recorded in
 * rules_error (a static string). */
static int load_rules(lint_run *run)
{
	rule_list all = { 0 };
	const char *policies = run->policies = user_policies(run);
	opsc_rules_init(run->rules);
	if (policies && opsc_compile(&run->user, run->ctx, &policies, 1) < 0) {
		run->rules_error = "cannot compile the .ops files";
		return -1;
	}
	opsc_rules_add_model(run->rules, &run->user);
	for (uint32_t i = 0; i < run->user.nsecret_rules; i++)
		opsc_array_push(&all, run->user.secret_rules[i]);
	uint32_t nuser = all.len;
	builtin_secret_rules(run, &all);
	uint32_t kept = nuser;
	for (uint32_t i = nuser; i < all.len; i++)
		if (!defined_by_user(&run->user, all.items[i].id.s))
			all.items[kept++] = all.items[i];
	/* also without a project: the readiness rules are warnings then */
	opsc_rules_apply_project(run->rules, run->user.has_project ? &run->user.project : NULL, &run->ctx->diags);
	/* with errors in the .ops nothing is scanned (lint_check.c), and the
	 * scanner would report sema's pattern errors again; an inlined secret
	 * alone still lets the secret finder run */
	if (run->ctx->diags.errors && !opsc_diags_only_errors(&run->ctx->diags, "inline-secret")) {
		opsc_array_free(&all);
		return 0;
	}
	int rc = opsc_scanner_new(&run->scanner, all.items, kept, &run->ctx->diags);
	opsc_array_free(&all);
	if (rc < 0)
		run->rules_error = "cannot compile the secret rules";
	return rc;
}

static void *rules_thread(void *arg)
{
	lint_run *run = arg;
	run->rules_rc = load_rules(run);
	return NULL;
}

/* Compiling the rules and initialising libgit2 (which loads the system's
 * certificates) each take several milliseconds: on a pre-commit hook that
 * is most of the run, so they overlap. Without a thread, the rules are
 * compiled in finish_rules. */
static void start_rules(lint_run *run)
{
	run->rules_threaded = pthread_create(&run->rules_tid, NULL, rules_thread, run) == 0;
}

static int finish_rules(lint_run *run)
{
	if (run->rules_threaded)
		pthread_join(run->rules_tid, NULL);
	else
		run->rules_rc = load_rules(run);
	run->rules_threaded = false;
	if (run->rules_rc < 0)
		return fail(run, "rules", run->rules_error);
	return 0;
}

/* ---------------------------------------------------------------- findings */

/* How a path is shown: repository-relative in a repository; outside one,
 * joined to the PATH given (so it can be opened from where lint ran). */
static const char *display_path(lint_run *run, const char *rel)
{
	const char *given = run->t->path;
	size_t n = strlen(given);
	if (run->t->repo || strcmp(given, ".") == 0 || strcmp(given, rel) == 0)
		return opsc_arena_strdup(run->out->arena, rel);
	while (n > 1 && given[n - 1] == '/')
		n--;
	return opsc_arena_printf(run->out->arena, "%.*s/%s", (int)n, given, rel);
}

static void add_note(lint_run *run, const char *rel, const char *reason)
{
	opsc_lint_note n = { display_path(run, rel), opsc_arena_strdup(run->out->arena, reason) };
	opsc_array_push(&run->out->notes, n);
}

static void describe_commit(lint_run *run, opsc_finding *f)
{
	opsc_arena *a = run->out->arena;
	if (!run->commit)
		return;
	f->commit = opsc_arena_strdup(a, run->commit->id);
	f->author = opsc_arena_strdup(a, run->commit->author);
	f->date = opsc_arena_strdup(a, run->commit->date);
}

static void add_secret(lint_run *run, const char *rel, const opsc_scan_hit *hit, const char *secret)
{
	const opsc_rule *rule = opsc_rules_find(run->rules, hit->rule_id);
	if ((rule && rule->disabled) ||
	    (run->opts->mode == OPSC_LINT_BASE && !opsc_repo_changes_added(&run->changes, rel, hit->line)))
		return;
	opsc_arena *a = run->out->arena;
	opsc_finding f = {
		.kind = OPSC_FINDING_SECRET,
		.rule = opsc_arena_strdup(a, hit->rule_id),
		.severity = rule ? rule->level : hit->severity,
		.where = { display_path(run, rel), hit->line, hit->col, hit->end_line, hit->end_col, NULL },
		.message = opsc_arena_strdup(a, hit->description ? hit->description : hit->rule_id),
		.help = rule && rule->fix ? opsc_arena_strdup(a, rule->fix) : NULL,
		.redacted = opsc_esc_redact(a, secret, hit->len),
	};
	opsc_baseline_fingerprint_secret(f.fingerprint, secret, hit->len);
	describe_commit(run, &f);
	opsc_array_push(&run->out->findings, f);
	opsc_finding *u = hit->unreasoned_col ? opsc_lint_add_unreasoned(run, hit->rule_id, f.where.path, hit->line,
									 hit->unreasoned_col)
					      : NULL;
	if (u)
		describe_commit(run, u);
}

/* A secret inlined in the .ops where secret() is expected is a finding of
 * its own, redacted like any other, so it reaches every format. */
static void add_inline_secrets(lint_run *run)
{
	opsc_arena *a = run->out->arena;
	const opsc_diags *diags = &run->ctx->diags;
	for (uint32_t i = 0; i < diags->items.len; i++) {
		const opsc_diag *d = &diags->items.items[i];
		const opsc_source *src = opsc_sources_get(&run->ctx->sources, d->span.file);
		if (!d->redact || !src)
			continue;
		const char *path = opsc_lint_tree_path(run, src->path);
		opsc_finding f = {
			.kind = OPSC_FINDING_SECRET, .rule = "inline-secret", .severity = OPSC_SEV_ERROR,
			.where = { opsc_arena_strdup(a, path), d->span.line, d->span.col, d->span.end_line,
				   d->span.end_col, NULL },
			.message = opsc_arena_strdup(a, d->message),
			.help = d->help ? opsc_arena_strdup(a, d->help) : NULL,
			.redacted = opsc_diag_redacted(a, &run->ctx->sources, &d->span),
		};
		opsc_baseline_fingerprint_secret(f.fingerprint, src->text + d->span.start, d->span.end - d->span.start);
		opsc_array_push(&run->out->findings, f);
	}
}

/* ------------------------------------------------------ secrets: files */

static int on_file(void *user, const opsc_scan_file_result *r)
{
	lint_run *run = user;
	if (r->status != OPSC_SCAN_FILE_SCANNED) {
		add_note(run, r->path, r->reason);
		return 0;
	}
	run->out->files++;
	for (uint32_t i = 0; i < r->nhits; i++)
		add_secret(run, r->path, &r->hits[i], r->secrets[i]);
	return 0;
}

static int scan_files(lint_run *run, const opsc_repo_files *files, const char *root)
{
	for (uint32_t i = 0; i < files->skipped.len; i++)
		add_note(run, files->skipped.items[i].path, files->skipped.items[i].reason);
	opsc_scan_files_opts so = { run->opts->threads, run->opts->max_size };
	int rc = opsc_scan_files_ex(run->scanner, (const char *const *)files->paths.items, root,
				    files->paths.len, &so, on_file, run);
	return rc < 0 ? fail(run, root ? root : ".", "cannot scan the files") : 0;
}

static int secrets_worktree(lint_run *run)
{
	const opsc_repo_files *files;
	const target *t = run->t;
	int rc = opsc_lint_worktree(run, &files);
	if (rc < 0)
		rc = fail(run, t->path, opsc_repo_error());
	struct stat st;
	bool single = !t->repo && stat(t->path, &st) == 0 && !S_ISDIR(st.st_mode);
	if (rc == 0)
		rc = scan_files(run, files, t->repo ? opsc_repo_workdir(t->repo) : single ? NULL : t->path);
	return rc;
}

static int secrets_base(lint_run *run)
{
	opsc_repo_files files = { 0 };
	int rc = opsc_lint_base_changes(run);
	for (uint32_t i = 0; rc == 0 && i < run->changes.files.len; i++)
		opsc_array_push(&files.paths, opsc_strdup(run->changes.files.items[i].path));
	if (rc == 0)
		rc = scan_files(run, &files, opsc_repo_workdir(run->t->repo));
	opsc_repo_files_dispose(&files);
	return rc;
}

/* ------------------------------------------------------ secrets: blobs */

typedef struct {
	lint_run *run;
	const char *path;
	const char *data;
} blob_scan;

static int on_blob_hit(void *user, const opsc_scan_hit *hit)
{
	blob_scan *b = user;
	char *secret = opsc_strndup(b->data + hit->offset, hit->len);
	add_secret(b->run, b->path, hit, secret);
	opsc_free(secret);
	return 0;
}

static int on_blob(void *user, const opsc_repo_blob *blob)
{
	lint_run *run = user;
	if (blob->skip) {
		add_note(run, blob->path, blob->skip);
		return 0;
	}
	if (!run->state && opsc_scan_state_new(&run->state, run->scanner) < 0)
		return fail(run, blob->path, "cannot start the scanner");
	run->commit = blob->commit;
	run->out->files++;
	blob_scan b = { run, blob->path, blob->data };
	if (opsc_scan_buffer(run->state, blob->path, blob->data, blob->len, on_blob_hit, &b) < 0)
		add_note(run, blob->path, "too large to scan");
	run->commit = NULL;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
	FILE *out;
	double start, last;
} progress;

/* At most ten updates a second, on one line that the next overwrites. */
static int on_progress(void *user, uint32_t commits, uint32_t blobs)
{
	progress *p = user;
	double t = now_seconds();
	if (t - p->last < 0.1)
		return 0;
	p->last = t;
	fprintf(p->out, "\r\033[Khistory: %u commits, %u blobs, %.0f commits/s", commits, blobs,
		commits / (t - p->start > 1e-9 ? t - p->start : 1e-9));
	fflush(p->out);
	return 0;
}

static int secrets_history(lint_run *run)
{
	progress p = { run->opts->progress, now_seconds(), 0 };
	opsc_repo_history_opts ho = { .since = run->opts->since, .max_size = run->opts->max_size };
	opsc_repo_history_stats st;
	if (!ho.max_size)
		ho.max_size = OPSC_SCAN_MAX_FILE_SIZE;
	if (p.out) {
		ho.progress = on_progress;
		ho.user = &p;
	}
	int rc = opsc_repo_each_history(run->t->repo, &ho, &st, on_blob, run);
	if (rc < 0 && !run->error)
		rc = fail(run, "--history", opsc_repo_error());
	if (rc == 0 && st.shallow) {
		run->out->shallow_commits = st.commits ? st.commits : 1;
		if (run->opts->require_full_history)
			rc = fail(run, "--require-full-history",
				  opsc_arena_printf(run->out->arena,
						    "the repository is a shallow clone (%u commit%s reachable); "
						    "fetch the whole history (git fetch --unshallow, or "
						    "fetch-depth: 0 in actions/checkout)",
						    st.commits, st.commits == 1 ? "" : "s"));
	}
	if (p.out) {
		double secs = now_seconds() - p.start;
		fprintf(p.out, "\r\033[Khistory: %u commits, %u blobs in %.2f s (%.0f commits/s)\n", st.commits,
			st.blobs, secs, st.commits / (secs > 1e-9 ? secs : 1e-9));
	}
	return rc;
}

static int secrets_staged(lint_run *run)
{
	uint64_t max = run->opts->max_size ? run->opts->max_size : OPSC_SCAN_MAX_FILE_SIZE;
	int rc = opsc_repo_each_staged(run->t->repo, max, on_blob, run);
	return rc < 0 && !run->error ? fail(run, "--staged", opsc_repo_error()) : rc;
}

static int find_secrets(lint_run *run)
{
	static int (*const by_mode[])(lint_run *) = {
		[OPSC_LINT_WORKTREE] = secrets_worktree,
		[OPSC_LINT_STAGED] = secrets_staged,
		[OPSC_LINT_BASE] = secrets_base,
		[OPSC_LINT_HISTORY] = secrets_history,
	};
	return by_mode[run->opts->mode](run);
}

/* ------------------------------------------------------------------ pipeline */

static const struct {
	opsc_finding_kind kind;
	int (*run)(lint_run *run);
} finders[] = {
	{ OPSC_FINDING_SECRET, find_secrets },
	{ OPSC_FINDING_DRIFT, opsc_lint_find_drift },
	{ OPSC_FINDING_POLICY, opsc_lint_find_policy },
};

static const char *const mode_flags[] = { "", "--staged", "--base", "--history" };

static int open_targets(lint_run *run, target *targets, uint32_t n, const char *const *paths)
{
	for (uint32_t i = 0; i < n; i++) {
		targets[i].path = paths[i];
		if (opsc_repo_open(&targets[i].repo, paths[i]) < 0) {
			run->error = opsc_arena_strdup(run->out->arena, opsc_repo_error()); /* it names the path */
			return -1;
		}
		if (!targets[i].repo && run->opts->mode != OPSC_LINT_WORKTREE)
			return fail(run, paths[i],
				    opsc_arena_printf(run->out->arena, "not in a git repository (%s needs one)",
						      mode_flags[run->opts->mode]));
	}
	return 0;
}

/* Targets outer, finders inner: a target's --base diff is computed once
 * (opsc_lint_base_changes) and serves every finder. */
/* With secrets_only (the .ops files inline a secret, so there is no Model
 * to compare or evaluate) only the secret finder runs. */
static int run_finders(lint_run *run, const target *targets, uint32_t n, bool secrets_only)
{
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < n; i++) {
		run->t = &targets[i];
		for (size_t k = 0; rc == 0 && k < sizeof finders / sizeof *finders; k++)
			if (run->opts->kinds[finders[k].kind] && (!secrets_only || finders[k].kind == OPSC_FINDING_SECRET))
				rc = finders[k].run(run);
		opsc_repo_changes_dispose(&run->changes);
		run->have_changes = false;
		opsc_array_free(&run->changed); /* its strings live in the result's arena */
		run->have_changed = false;
		opsc_repo_files_dispose(&run->files);
		run->files = (opsc_repo_files){ 0 };
		run->have_files = false;
	}
	return rc;
}

/* An entry past its date is a finding at its line of the baseline file. */
static void on_expired(void *user, const opsc_baseline_entry *e)
{
	lint_run *run = user;
	const opsc_rule *r = opsc_rules_find(run->rules, "baseline-expired");
	if (r && r->disabled)
		return;
	opsc_arena *a = run->out->arena;
	opsc_finding f = { .kind = OPSC_FINDING_POLICY, .rule = "baseline-expired",
			   .severity = r ? r->level : OPSC_SEV_ERROR,
			   .where = { opsc_arena_strdup(a, run->opts->baseline), e->line, e->line ? 1 : 0, e->line,
				      e->line ? 1 : 0, NULL } };
	f.message = opsc_arena_printf(a, "the baseline entry for %s in %s expired on %s (owner: %s; reason: %s)",
				      e->rule, e->path, e->expires_text, e->owner ? e->owner : "none given",
				      e->reason ? e->reason : "none given");
	opsc_array_push(&run->out->findings, f);
}

static int apply_baseline(lint_run *run)
{
	opsc_baseline b = { 0 };
	char *msg = NULL;
	if (opsc_baseline_load(&b, run->opts->baseline, &msg) < 0) {
		run->error = opsc_arena_strdup(run->out->arena, msg);
		opsc_free(msg);
		opsc_baseline_dispose(&b);
		return -1;
	}
	uint32_t kept = 0;
	for (uint32_t i = 0; i < run->out->findings.len; i++) {
		opsc_finding *f = &run->out->findings.items[i];
		if (opsc_baseline_has(&b, f))
			run->out->baselined++;
		else
			run->out->findings.items[kept++] = *f;
	}
	run->out->findings.len = kept;
	opsc_baseline_each_expired(&b, (int64_t)time(NULL), on_expired, run);
	opsc_baseline_dispose(&b);
	return 0;
}

int opsc_lint_run(opsc_lint_result *out, opsc_rules *rules, opsc_ctx *ctx, const opsc_lint_opts *opts,
		  const char **error)
{
	static const char *const here[] = { "." };
	const char *const *paths = opts->npaths ? opts->paths : here;
	uint32_t n = opts->npaths ? opts->npaths : 1;
	lint_run run = { .out = out, .ctx = ctx, .opts = opts, .rules = rules };
	target *targets = opsc_calloc(n, sizeof *targets);
	start_rules(&run);
	int rc = open_targets(&run, targets, n, paths);
	/* the first target's --base diff needs only its repository: it runs
	 * while the rules compile (failures are reported once they are done) */
	int base_rc = 0;
	if (rc == 0 && opts->mode == OPSC_LINT_BASE && targets[0].repo) {
		run.t = &targets[0];
		base_rc = opsc_repo_diff_base(targets[0].repo, opts->base, &run.changes);
		run.have_changes = base_rc == 0;
	}
	int rules_rc = finish_rules(&run);
	if (rc == 0 && base_rc < 0)
		rc = fail(&run, "--base", opsc_repo_error());
	if (rc == 0)
		rc = rules_rc;
	run.t = &targets[0];
	/* a secret inlined in the .ops is redacted and reported as a secret
	 * finding; the secret finder still runs, since no Model is needed */
	bool inlined = opsc_diags_only_errors(&ctx->diags, "inline-secret");
	if (rc == 0)
		add_inline_secrets(&run);
	out->secrets_only = inlined;
	/* with other errors in the .ops there is no Model to check the
	 * repository against: the errors are the findings */
	if (rc == 0 && (!opsc_lint_add_checks(&run) || inlined))
		rc = run_finders(&run, targets, n, inlined);
	if (rc == 0 && opts->baseline)
		rc = apply_baseline(&run);
	opsc_lint_result_sort(out);
	opsc_repo_changes_dispose(&run.changes);
	opsc_array_free(&run.changed);
	opsc_repo_files_dispose(&run.files);
	for (uint32_t i = 0; i < n; i++)
		opsc_repo_free(targets[i].repo);
	opsc_free(targets);
	opsc_scan_state_free(run.state);
	opsc_scanner_free(run.scanner);
	opsc_array_free(&run.builtin_policies);
	*error = run.error;
	return rc;
}

/* ------------------------------------------------------------------ dates */

/* "+01:00", "-0530", "Z" or "": seconds east of UTC. */
static bool parse_offset(const char *s, int64_t *out)
{
	int h = 0, m = 0;
	*out = 0;
	if (*s == '\0' || strcmp(s, "Z") == 0)
		return true;
	if ((*s != '+' && *s != '-') ||
	    (sscanf(s + 1, "%2d:%2d", &h, &m) != 2 && sscanf(s + 1, "%2d%2d", &h, &m) != 2))
		return false;
	*out = (int64_t)(h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return true;
}

bool opsc_lint_parse_date(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	int64_t off = 0;
	const char *rest = strptime(s, "%Y-%m-%d", &tm);
	if (rest && *rest == 'T')
		rest = strptime(rest + 1, "%H:%M:%S", &tm);
	if (!rest || !parse_offset(rest, &off))
		return false;
	*out = (int64_t)timegm(&tm) - off;
	return true;
}
