/*
 * drift.h - what is committed against what `opsc build` would write.
 *
 *   expect:  compile (done by the caller) -> emit in memory, with the
 *            output directory found as `opsc build` finds it
 *   read:    the committed files under that directory (working tree or
 *            index, by the caller)
 *   check:   per file, missing / edited / stale; edited files compared
 *            semantically (yamldoc trees: key order, quoting, comments and
 *            layout ignored; `"true"` and `true` still differ)
 *
 * Each difference carries the source map of the generated file: the Model
 * span of the document it is in, so a finding can point at the .ops line.
 *
 * Ownership: every string and array of a difference lives in the arena
 * passed in; an opsc_drifts owns only its heap array.
 */
#ifndef OPSC_DRIFT_H
#define OPSC_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "emit.h"

typedef enum {
	OPSC_DRIFT_MISSING, /* generated, not committed */
	OPSC_DRIFT_EDITED, /* committed, differs from what opsc writes */
	OPSC_DRIFT_STALE, /* committed by an earlier build, no longer generated */
} opsc_drift_kind;

/* A committed file, relative to the output directory. */
typedef struct {
	const char *path;
	const char *data;
	size_t len;
} opsc_drift_file;

typedef struct {
	opsc_drift_kind kind;
	const char *path; /* relative to the output directory */
	/* EDITED: the field ("spec.rules[0].verbs[1]", "" for a whole
	 * document) and both values as YAML shows them ("get", "\"true\"",
	 * "a mapping", "nothing"); or, for a document-level difference, a
	 * sentence in `problem` and NULL values. */
	const char *field, *want, *found, *problem;
	uint32_t line, col; /* in the committed file; 0 when none */
	const opsc_output *output; /* what opsc writes; NULL when stale */
	opsc_span span; /* the Model object behind the document, or OPSC_NO_SPAN */
} opsc_drift;

typedef struct {
	opsc_array(opsc_drift) items;
} opsc_drifts;

void opsc_drifts_dispose(opsc_drifts *d);

/* The outputs `opsc build` would write for `model`, and where. */
typedef struct {
	char *proj; /* the project directory, absolute */
	char *out_dir; /* the output directory, absolute */
	const char *out_rel; /* out_dir relative to `root` (in the ctx arena) */
	opsc_outputs outputs;
} opsc_drift_expect;

/* Emits `model` (compiled from `policies`) as `opsc build` would, its
 * output directory taken relative to `root` (the repository's working
 * tree, ending in '/'; NULL: the project directory). Emitter diagnostics
 * go to ctx->diags. Returns 0, or -1 when `policies` does not exist or
 * emitting failed. */
int opsc_drift_expect_init(opsc_drift_expect *e, opsc_ctx *ctx, const opsc_model *model,
			   const char *policies, const char *root);
void opsc_drift_expect_dispose(opsc_drift_expect *e);

/* Reads every regular file under `dir` (absolute) into the arena, sorted
 * by path; a directory that does not exist holds nothing. Returns 0 or
 * -1 when a file cannot be read. */
int opsc_drift_read_dir(opsc_arena *arena, const char *dir, opsc_drift_file **files,
			uint32_t *nfiles);

/* Compares the outputs (sorted by path, as opsc_emit_all leaves them) with
 * the committed files (sorted by path): one difference per file (its first
 * by position), or every difference with `all`. A committed file is stale
 * when opsc wrote it (its header, or the build manifest, says so) and no
 * output has its path. */
void opsc_drift_check(opsc_drifts *out, opsc_arena *arena, const opsc_outputs *outputs,
		      const opsc_drift_file *files, uint32_t nfiles, bool all);

/* Compares one output with the committed bytes of its path, appending the
 * differences (the first by position only, unless `all`). */
void opsc_drift_compare(opsc_drifts *out, opsc_arena *arena, const opsc_output *want,
			const char *data, size_t len, bool all);

#endif
