/*
 * lint_drift.c - the drift finder of `opsc lint`: the user's .ops emitted
 * in memory as `opsc build` would write them, compared with what the
 * repository holds under the output directory (drift.h).
 *
 *   working tree (default)  the files on disk
 *   --staged                the index: what the next commit holds
 *   --base REV              the files on disk, reporting only drift in
 *                           generated files the change touches, or whose
 *                           .ops source it touches (drift it causes)
 *   --history               not checked: drift is about one revision
 *
 * Every finding points at the generated file (at the first differing
 * field for drift-edited) with the .ops line of the object as a related
 * location.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "drift.h"
#include "util.h"
#include "lint_int.h"
#include "model.h"

typedef struct {
	lint_run *run;
	opsc_arena *scratch; /* committed bytes and comparison trees */
	const char *root; /* repository workdir (or project dir), ending in '/' */
	opsc_drift_expect expect;
	opsc_array(opsc_drift_file) files;
} drift_job;

static const char *const rule_ids[] = {
	[OPSC_DRIFT_MISSING] = "drift-missing",
	[OPSC_DRIFT_EDITED] = "drift-edited",
	[OPSC_DRIFT_STALE] = "drift-stale",
};

/* ----------------------------------------------------------- emitting */

/* Emitter warnings are `opsc build`'s to report: lint keeps its own
 * diagnostics to the .ops problems it found itself. */
static int expect(drift_job *j)
{
	opsc_ctx *ctx = j->run->ctx;
	opsc_diags saved = ctx->diags;
	opsc_diags_init(&ctx->diags, ctx->arena);
	int rc = opsc_drift_expect_init(&j->expect, ctx, &j->run->user, j->run->policies, j->root);
	bool broken = ctx->diags.errors > 0;
	opsc_diags_dispose(&ctx->diags);
	ctx->diags = saved;
	if (rc == 0 && broken) {
		opsc_lint_note n = { opsc_arena_strdup(j->run->out->arena, j->run->policies),
				     "drift not checked: the .ops files do not build (run `opsc build`)" };
		opsc_array_push(&j->run->out->notes, n);
		return 1;
	}
	return rc;
}

/* ------------------------------------------------------------ reading */

static int on_index_blob(void *user, const opsc_repo_blob *blob)
{
	drift_job *j = user;
	if (!blob->data)
		return 0; /* a symlink or binary entry is no manifest opsc wrote */
	size_t skip = strlen(j->expect.out_rel);
	opsc_drift_file f = { opsc_arena_strdup(j->scratch, blob->path + skip + (skip ? 1 : 0)),
			      opsc_arena_strndup(j->scratch, blob->data, blob->len), blob->len };
	opsc_array_push(&j->files, f);
	return 0;
}

static int read_committed(drift_job *j)
{
	if (j->run->opts->mode == OPSC_LINT_STAGED) {
		int rc = opsc_repo_each_index(j->run->t->repo, j->expect.out_rel, 0, on_index_blob, j);
		if (rc < 0)
			j->run->error = opsc_arena_printf(j->run->out->arena, "--staged: %s", opsc_repo_error());
		return rc;
	}
	opsc_drift_file *files;
	uint32_t n;
	if (opsc_drift_read_dir(j->scratch, j->expect.out_dir, &files, &n) < 0) {
		j->run->error = opsc_arena_printf(j->run->out->arena, "%s: cannot read the generated files",
						  j->expect.out_dir);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		opsc_array_push(&j->files, files[i]);
	return 0;
}

/* ----------------------------------------------------------- findings */

/* A .ops source's path relative to the root ("policies/app.ops"). */
static const char *source_path(drift_job *j, uint32_t file)
{
	const opsc_source *src = opsc_sources_get(&j->run->ctx->sources, file);
	char real[PATH_MAX];
	if (!src)
		return NULL;
	size_t n = strlen(j->root);
	if (!src->embedded && realpath(src->path, real) && strncmp(real, j->root, n) == 0)
		return opsc_arena_strdup(j->run->out->arena, real + n);
	return opsc_arena_strdup(j->run->out->arena, src->path);
}

static const char *repo_path(drift_job *j, const char *rel)
{
	const char *dir = j->expect.out_rel;
	return opsc_arena_printf(j->run->out->arena, "%s%s%s", dir, *dir ? "/" : "", rel);
}

static const char *message(drift_job *j, const opsc_drift *d)
{
	opsc_arena *a = j->run->out->arena;
	switch (d->kind) {
	case OPSC_DRIFT_MISSING:
		return opsc_arena_printf(a, "generated file missing: `opsc build` writes it from %s",
					 d->output->source[0] ? d->output->source : "the project's policies");
	case OPSC_DRIFT_STALE:
		return "opsc no longer generates this file: an earlier `opsc build` wrote it";
	default:
		break;
	}
	if (d->problem)
		return opsc_arena_printf(a, "edited by hand: %s", d->problem);
	return opsc_arena_printf(a, "edited by hand: %s is %s, opsc generates %s", *d->field ? d->field : "the document",
				 d->found, d->want);
}

/* --base: drift in a file the change touches, or caused by an .ops file
 * it touches. */
static bool in_change(drift_job *j, const char *path, const opsc_finding *f)
{
	if (j->run->opts->mode != OPSC_LINT_BASE)
		return true;
	if (opsc_repo_changes_find(&j->run->changes, path))
		return true;
	return f->nrelated && opsc_repo_changes_find(&j->run->changes, f->related[0].path);
}

static bool under_prefix(drift_job *j, const opsc_finding *f)
{
	const char *prefix = j->run->t->repo ? opsc_repo_prefix(j->run->t->repo) : "";
	size_t n = strlen(prefix);
	return !n || strncmp(f->where.path, prefix, n) == 0 ||
	       (f->nrelated && strncmp(f->related[0].path, prefix, n) == 0);
}

/* The object's span; for one the standard library declares (a Role of
 * std/rbac), the first document of the file the user's .ops produce (the
 * binding that brings it in), which a reviewer can change. */
static opsc_span related_span(drift_job *j, const opsc_drift *d)
{
	const opsc_sources *srcs = &j->run->ctx->sources;
	const opsc_source *src = d->span.file != OPSC_NO_FILE ? opsc_sources_get(srcs, d->span.file) : NULL;
	for (uint32_t i = 0; src && src->embedded && d->output && i < d->output->ndocs; i++) {
		opsc_span s = d->output->doc_spans[i];
		const opsc_source *other = s.file != OPSC_NO_FILE ? opsc_sources_get(srcs, s.file) : NULL;
		if (other && !other->embedded)
			return s;
	}
	return d->span;
}

static const opsc_drift_file *committed(const drift_job *j, const char *path)
{
	for (uint32_t i = 0; i < j->files.len; i++)
		if (strcmp(j->files.items[i].path, path) == 0)
			return &j->files.items[i];
	return NULL;
}

/* An inline `opsc:ignore[drift-...] reason`: in the generated file, on the
 * differing line or the one above (a comment is no drift, so a deliberate
 * hand edit can say why it is there), or in the .ops above the object
 * that produces the file (a file left out on purpose). One without a
 * reason suppresses nothing and is reported. */
static bool suppressed(drift_job *j, const opsc_drift *d, const opsc_finding *f, opsc_span related)
{
	uint32_t line = 0, col = 0;
	const char *at = f->where.path;
	const opsc_drift_file *file = d->line ? committed(j, d->path) : NULL;
	opsc_ignore_kind k = file ? opsc_lint_ignore_find_text(file->data, file->len, d->line, f->rule, &line, &col)
				  : OPSC_IGNORE_NONE;
	const opsc_source *src = related.file != OPSC_NO_FILE ? opsc_sources_get(&j->run->ctx->sources, related.file)
							      : NULL;
	if (k == OPSC_IGNORE_NONE && f->nrelated && src && !src->embedded) {
		k = opsc_lint_ignore_find(src, related.line, f->rule, &line, &col);
		at = f->related[0].path;
	}
	if (k == OPSC_IGNORE_UNREASONED)
		opsc_lint_add_unreasoned(j->run, f->rule, at, line, col);
	return k == OPSC_IGNORE_REASONED;
}

static void add_finding(drift_job *j, const opsc_drift *d)
{
	const opsc_rule *rule = opsc_rules_find(j->run->rules, rule_ids[d->kind]);
	if (rule && rule->disabled)
		return;
	opsc_finding f = {
		.kind = OPSC_FINDING_DRIFT,
		.rule = rule_ids[d->kind],
		.severity = rule ? rule->level : OPSC_SEV_ERROR,
		.where = { repo_path(j, d->path), d->line, d->col, d->line, d->col, NULL },
		.message = message(j, d),
		.help = rule && rule->fix ? opsc_arena_strdup(j->run->out->arena, rule->fix) : NULL,
	};
	opsc_span span = related_span(j, d);
	if (span.file != OPSC_NO_FILE) {
		f.related[0] = (opsc_location){ source_path(j, span.file), span.line, span.col, span.line,
						span.col, "produced here" };
		f.nrelated = 1;
	}
	if (!in_change(j, f.where.path, &f) || !under_prefix(j, &f) || suppressed(j, d, &f, span))
		return;
	opsc_baseline_fingerprint_text(f.fingerprint, f.rule, f.where.path, f.message);
	opsc_array_push(&j->run->out->findings, f);
}

/* ------------------------------------------------------------ the finder */

/* A change can cause drift only through the .ops sources or the generated
 * files (YAML with opsc's header, the build manifest, the GitHub bodies):
 * a commit or pull request touching neither is left alone, without
 * compiling and emitting (pre-commit speed). */
static bool may_drift(const char *path, const char *data, size_t len)
{
	size_t n = strlen(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return (n > 4 && strcmp(path + n - 4, ".ops") == 0) || strcmp(base, ".opsc-manifest.json") == 0 ||
	       opsc_emit_is_generated(data, len) ||
	       strstr(path, "github/environments/") || strstr(path, "github-rulesets/");
}

static int check(drift_job *j)
{
	lint_run *run = j->run;
	if (run->opts->mode == OPSC_LINT_BASE || run->opts->mode == OPSC_LINT_STAGED) {
		if (opsc_lint_changed(run) < 0)
			return -1;
		if (!opsc_lint_changes_any(run, may_drift))
			return 0;
	}
	int rc = expect(j);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (read_committed(j) < 0)
		return -1;
	opsc_drifts drifts = { 0 };
	opsc_drift_check(&drifts, j->scratch, &j->expect.outputs, j->files.items, j->files.len, false);
	for (uint32_t i = 0; i < drifts.items.len; i++)
		add_finding(j, &drifts.items.items[i]);
	opsc_drifts_dispose(&drifts);
	return 0;
}

int opsc_lint_find_drift(lint_run *run)
{
	if (!run->policies || run->opts->mode == OPSC_LINT_HISTORY)
		return 0;
	drift_job j = { .run = run, .scratch = opsc_arena_new() };
	char *proj = NULL;
	if (run->t->repo) {
		j.root = opsc_repo_workdir(run->t->repo);
	} else if ((proj = opsc_project_dir(run->policies))) {
		j.root = opsc_arena_printf(j.scratch, "%s/", proj);
		opsc_free(proj);
	} else {
		j.root = "";
	}
	int rc = check(&j);
	if (rc < 0 && !run->error)
		run->error = opsc_arena_printf(run->out->arena, "%s: cannot emit the manifests to compare", run->policies);
	opsc_drift_expect_dispose(&j.expect);
	opsc_array_free(&j.files);
	opsc_arena_free(j.scratch);
	return rc;
}
