/*
 * rules_ops.h - secret rules read from .ops files for the accuracy test and
 * the scan benchmark, through the front end (load + parse), reading the
 * `secret` blocks' attributes as written.
 */
#ifndef OPSC_RULES_OPS_H
#define OPSC_RULES_OPS_H

#include "ctx.h"
#include "model.h"

/* Everything lives in ctx's arena. Returns 0, or negative when a file
 * cannot be loaded or has errors (reported in ctx->diags). */
int opsc_test_secret_rules(opsc_ctx *ctx, const char *path, opsc_secret_rule **out, uint32_t *n);

#endif
