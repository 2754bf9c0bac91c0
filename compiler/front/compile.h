/*
 * compile.h - the front end in one call: load -> parse -> sema -> Model.
 */
#ifndef OPSC_COMPILE_H
#define OPSC_COMPILE_H

#include "util.h"
#include "model.h"

/* Returns 0 when the front end ran (look at ctx->diags.errors for problems
 * in the input), negative on an internal failure. */
int opsc_compile(opsc_model *out, opsc_ctx *ctx, const char *const *paths, uint32_t npaths);

/* policy_check.c: the built-in policies (policies/, those the user's do
 * not replace) and the user's over `model` itself, their findings
 * diagnostics in ctx->diags at the project's levels (`opsc check`). */
void opsc_policy_check_declared(opsc_ctx *ctx, const opsc_model *model);

#endif
