/*
 * lint.h - `opsc lint` as one call: rules -> sources -> findings.
 *
 *   rules:    built-in checks + built-in policies/ (embedded) + the user's
 *             .ops (their own secret rules, policies, and the project's
 *             re-levelling), compiled into the rule registry and a scanner
 *   sources:  the working tree | the index (--staged) | the lines added
 *             since a merge base (--base) | every blob of the history
 *   findings: one kind after another (the finders table in lint.c), then
 *             the --base line filter, the baseline, and one sort
 *
 * Ownership: the result owns every string of its findings; the rule
 * registry (which SARIF reads for rule metadata) is filled into `rules`,
 * whose strings live in `ctx`'s arena: dispose the result and the rules
 * before the ctx.
 */
#ifndef OPSC_LINT_H
#define OPSC_LINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"
#include "report.h"

typedef enum {
	OPSC_LINT_WORKTREE, /* default: the files of the working tree */
	OPSC_LINT_STAGED, /* --staged */
	OPSC_LINT_BASE, /* --base REV */
	OPSC_LINT_HISTORY, /* --history */
} opsc_lint_mode;

typedef struct {
	opsc_lint_mode mode;
	const char *base; /* OPSC_LINT_BASE: the revision */
	int64_t since; /* OPSC_LINT_HISTORY: oldest committer time; 0 none */
	bool kinds[3]; /* indexed by opsc_finding_kind: which finders run */
	const char *const *paths; /* where to look; none means "." */
	uint32_t npaths;
	const char *policies; /* the user's .ops; NULL: <root>/policies if present */
	const char *baseline; /* suppress the findings it records; may be NULL */
	unsigned threads; /* 0: one per CPU */
	uint64_t max_size; /* 0: OPSC_SCAN_MAX_FILE_SIZE */
	FILE *progress; /* history progress and rate, NULL for none */
	bool require_full_history; /* OPSC_LINT_HISTORY: a shallow clone is a failure */
	/* The caller shows no fingerprint (a text or GitHub report, no
	 * --write-baseline): the findings other than secrets get none, which
	 * saves a SHA-256 per finding. A baseline to read computes them anyway. */
	bool no_fingerprints;
	/* --base, --staged: parse every manifest, not only those a change of
	 * workloads needs (the findings are the same: tests compare both) */
	bool read_all;
} opsc_lint_opts;

/*
 * Runs lint. Problems in the user's .ops are diagnostics in ctx->diags
 * (lint stops before reading sources when there are errors). Returns 0, or
 * negative with a message in *error (in out's arena) for an operational
 * failure: no repository for --staged/--base/--history, a revision that
 * does not resolve, an unreadable baseline, a libgit2 error.
 */
int opsc_lint_run(opsc_lint_result *out, opsc_rules *rules, opsc_ctx *ctx, const opsc_lint_opts *opts,
		  const char **error);

/* Parses --since: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SS with Z
 * or an offset (+01:00). Returns false when `s` is neither. */
bool opsc_lint_parse_date(const char *s, int64_t *out);

/* Writes the objects the kustomization in directory `dir` (relative to
 * `root`, "" for root itself) renders to, as the policies read them, as a
 * YAML stream in a stable order (kind, namespace, name), every file under
 * `root` readable to it: `opsc __render`, held against `kustomize build`
 * by tests/oracle/kustomize_oracle.py (lint_render.c). Problems of the
 * kustomization are diagnostics in ctx->diags. Returns 0, or -1 with a
 * message in *error (ctx's arena): `root` unreadable, no kustomization. */
int opsc_lint_render(FILE *out, opsc_ctx *ctx, const char *root, const char *dir, const char **error);

/* the rest of the interface */
#include "baseline.h"

#endif
