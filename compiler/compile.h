/*
 * compile.h - the front end in one call: load -> parse -> sema -> Model.
 */
#ifndef OPSC_COMPILE_H
#define OPSC_COMPILE_H

#include "ctx.h"
#include "model.h"

/* Returns 0 when the front end ran (look at ctx->diags.errors for problems
 * in the input), negative on an internal failure. */
int opsc_compile(opsc_model *out, opsc_ctx *ctx, const char *const *paths, uint32_t npaths);

#endif
