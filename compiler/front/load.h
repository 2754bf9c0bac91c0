/*
 * load.h - reading a program: the files given, and everything they import.
 *
 * Root files are the ones named on the command line (or found in a
 * directory); imports are resolved relative to the importing file, or in the
 * embedded standard library for "std/..." paths. Cycles, missing files and
 * unknown modules are diagnostics at the import.
 */
#ifndef OPSC_LOAD_H
#define OPSC_LOAD_H

#include "model.h"
#include "util.h"

typedef struct {
	const char *name; /* "std.alerts", or the alias/stem of a local import; "" for roots */
	uint32_t file;
	opsc_ast_file ast;
	bool root; /* named by the user rather than imported */
	bool std; /* an embedded standard-library module */
	/* For each statement of ast.body that is an import: the index of the
	 * module it loaded, or UINT32_MAX when it failed (already reported). */
	uint32_t *imports;
} opsc_module;

typedef struct {
	opsc_module *modules; /* roots first, in the order given; then imports */
	uint32_t len;
} opsc_program;

/*
 * Loads `paths` (files, or directories whose *.ops files are read in sorted
 * order) and their imports. Returns 0, or negative when a root cannot be
 * read (reported as a diagnostic without a span as well).
 */
int opsc_load(opsc_program *out, opsc_ctx *ctx, const char *const *paths, uint32_t npaths);

/* Loads one in-memory source as the only root (tests, fuzzing, stdin). */
int opsc_load_text(opsc_program *out, opsc_ctx *ctx, const char *path, const char *text, size_t len);

#endif
