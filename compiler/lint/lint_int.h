/*
 * lint_int.h - what lint.c shares with the finders in other files
 * (lint_drift.c, lint_policy.c): one run's state and the finder signature.
 */
#ifndef OPSC_LINT_INT_H
#define OPSC_LINT_INT_H

#include <pthread.h>

#include "lint.h"
#include "model.h"
#include "repo.h"
#include "scan.h"

/* One PATH of the command line. */
typedef struct {
	const char *path;
	opsc_repo *repo; /* NULL outside a repository */
} target;

/* A file the change touches: its path and the start of its content. */
typedef struct {
	const char *path; /* repository-relative */
	const char *head; /* the first 64 KiB; NULL when it cannot be read */
	size_t len;
	bool whole; /* head is the whole file */
} lint_changed;

typedef struct lint_run {
	opsc_lint_result *out;
	opsc_ctx *ctx;
	const opsc_lint_opts *opts;
	opsc_rules *rules;
	opsc_model user; /* the user's .ops, when there are any */
	const char *policies; /* where they are: a file or directory, NULL for none */
	opsc_array(opsc_policy) builtin_policies; /* of policies/, in ctx's arena */
	opsc_scanner *scanner;
	opsc_scan_state *state; /* for blobs, made on first use */
	const target *t;
	opsc_repo_changes changes; /* OPSC_LINT_BASE */
	bool have_changes; /* changes computed for the current target */
	opsc_array(lint_changed) changed; /* opsc_lint_changed's, for the current target */
	bool have_changed;
	opsc_repo_files files; /* opsc_lint_worktree's, for the current target */
	bool have_files;
	const opsc_repo_commit *commit; /* the blob being read, history only */
	const char *error;
	pthread_t rules_tid; /* load_rules, while the targets open */
	bool rules_threaded;
	int rules_rc;
	const char *rules_error;
} lint_run;

/* Finders: each turns run->t (one target) into findings of its kind,
 * appended to run->out. Return 0, or negative with run->error set. */
int opsc_lint_find_drift(lint_run *run);

/* --base: fills run->changes for the current target, once. Returns 0, or
 * -1 with run->error set. */
int opsc_lint_base_changes(lint_run *run);
/* --staged and --base: the files the change touches, read once per target
 * (the index entries that differ from HEAD; the files with lines added since
 * the merge base, as the working tree has them), sorted by path. Returns 0,
 * or -1 with run->error set. */
int opsc_lint_changed(lint_run *run);
/* The files of the current target's working tree (PATH's outside a
 * repository), listed once for every finder. Returns 0, or negative on a
 * failure (opsc_repo_error says which). */
int opsc_lint_worktree(lint_run *run, const opsc_repo_files **out);
/* Whether `fn` is true of a changed file (opsc_lint_changed must have run).
 * The finders use it to stay out of a change that cannot concern them. */
bool opsc_lint_changes_any(lint_run *run, bool (*fn)(const char *path, const char *data, size_t len));
/* Whether the change touches `path`. */
bool opsc_lint_changes_has(const lint_run *run, const char *path);
int opsc_lint_find_policy(lint_run *run);
/* The `ignore-without-reason` finding for a suppression of `rule` written
 * at path:line:col (lint_suppress.c): fills *out, false when the project
 * disables the rule. */
bool opsc_lint_unreasoned(lint_run *run, const char *rule, const char *path, uint32_t line, uint32_t col,
			  opsc_finding *out);
/* Adds it to the run's findings unless it is there already; the finding
 * added, else NULL. */
opsc_finding *opsc_lint_add_unreasoned(lint_run *run, const char *rule, const char *path, uint32_t line,
				       uint32_t col);
/* By name: a YAML file (.yaml, .yml); a .ops source is opsc_source_is_ops. */
bool opsc_lint_is_yaml(const char *path);

/* The manifests a change of workloads needs (lint_workset.c): when every
 * changed manifest of --base or --staged declares workloads only, the
 * policies can find nothing new outside them, and what they read of the
 * rest (a namespace's Pod Security level and quota, the other workloads
 * counted against that quota) is in the manifests naming their
 * namespaces, and in the kustomizations rendering any of these with what
 * those render. Not active otherwise: every manifest is read. */
typedef struct {
	bool active;
	const char **names; /* the namespaces the changed workloads are in */
	uint32_t nnames;
	bool planned; /* needed is the set (opsc_lint_workset_plan) */
	const char **needed; /* sorted paths */
	uint32_t nneeded;
} lint_workset;

/* A manifest of the target, held whole in memory. */
typedef struct {
	const char *path; /* repository-relative */
	const char *data; /* NULL: it cannot be read */
	size_t len;
} lint_file;

/* Whether a file is a kustomization or holds one (kustomize's, Flux's). */
bool opsc_lint_kustomize_file(const char *path, const char *data, size_t len);
/* Fills *ws from run->changed (opsc_lint_changed must have run). */
void opsc_lint_workset_make(lint_run *run, lint_workset *ws);
/* From every manifest of the target (`files`, sorted by path): the set of
 * those the change needs, through the kustomizations that render them.
 * Leaves ws inactive when a kustomization does something the set cannot
 * follow (generators reading files, replacements, substituteFrom, ...). */
void opsc_lint_workset_plan(lint_run *run, lint_workset *ws, const lint_file *files, uint32_t n);
/* Whether a manifest of the target must be read: always when the set is
 * not active or `path` is changed; else when planned, whether it is in
 * the set; else whether `data` names one of the namespaces. */
bool opsc_lint_workset_wants(const lint_run *run, const lint_workset *ws, const char *path,
			     const char *data, size_t len);
/* Turns the diagnostics of compiling the user's .ops (run->ctx->diags)
 * into findings of kind `check` and empties the list (lint_check.c).
 * Returns whether any was an error. */
bool opsc_lint_add_checks(lint_run *run);
/* The user's .ops are compiled from an absolute path inside the working
 * tree: `path` relative to it (a suffix of `path`, not a copy), else
 * `path` itself. */
const char *opsc_lint_tree_path(const lint_run *run, const char *path);

#endif
