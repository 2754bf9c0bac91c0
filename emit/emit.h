/*
 * emit.h - the one interface every target emitter implements.
 *
 * An emitter reads the Model and appends generated files to an opsc_outputs
 * list: a path relative to the output directory, the bytes, and the .ops file
 * the content came from (named in the header every file starts with). The
 * core only walks the registry; it never learns which target it is feeding.
 * Emitters may also report diagnostics (e.g. a GitHub API limit exceeded) at
 * Model spans. Output must be byte-for-byte deterministic.
 */
#ifndef OPSC_EMIT_H
#define OPSC_EMIT_H

#include "ctx.h"
#include "model.h"

typedef struct {
	const char *path; /* "studio/vmshift-production/rbac.yaml", '/'-separated */
	const char *data; /* file contents, header included */
	size_t len;
	const char *source; /* the .ops file that produced it (display path) */
} opsc_output;

typedef struct {
	opsc_array(opsc_output) files; /* data and paths live in ctx's arena */
} opsc_outputs;

typedef struct {
	const char *name; /* "kubernetes", "velero", ... */
	int (*emit)(opsc_outputs *out, opsc_ctx *ctx, const opsc_model *model);
} opsc_emitter;

/* The registry, in the order emitters run; ends with a NULL name. */
extern const opsc_emitter opsc_emitters[];

/* Runs every emitter, then sorts outputs by path. Returns 0 or negative. */
int opsc_emit_all(opsc_outputs *out, opsc_ctx *ctx, const opsc_model *model);
void opsc_outputs_dispose(opsc_outputs *outputs);

#endif
