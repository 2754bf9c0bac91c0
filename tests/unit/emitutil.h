/*
 * emitutil.h - emitter tests: compile .ops text, run one emitter, look up
 * the files it wrote.
 */
#ifndef OPSC_EMITUTIL_H
#define OPSC_EMITUTIL_H

#include "emit.h"

typedef struct {
	opsc_ctx ctx;
	opsc_model model;
	opsc_outputs out;
} opsc_emit_fixture;

/* Compiles `text` as t.ops and, when it has no errors, runs emitter `e`
 * (every emitter when e is NULL). Returns the number of errors reported by
 * the compiler and the emitter together; diagnostics stay in f->ctx. */
uint32_t opsc_test_emit(opsc_emit_fixture *f, const opsc_emitter *e, const char *text);
/* The contents of output `path` (NUL-terminated), or NULL when not written. */
const char *opsc_test_file(const opsc_emit_fixture *f, const char *path);
/* The message of the first diagnostic, or "" when there is none. */
const char *opsc_test_first_message(const opsc_emit_fixture *f);
void opsc_test_emit_done(opsc_emit_fixture *f);

#endif
