/*
 * verify.h - what the emitters know about their targets, checked at compile
 * time: the routing proof, RPO and retention gaps, GitHub's limits, names
 * that become directories, what the plain Alertmanager file cannot say.
 *
 * opsc_compile runs opsc_emit_verify after sema, so `opsc check` (and the
 * language server), `opsc lint` and `opsc build` all find the same
 * problems; the emitters themselves only write.
 */
#ifndef OPSC_VERIFY_H
#define OPSC_VERIFY_H

#include "emit.h"

/* Appends what the checks find to ctx->diags. Run on a Model without
 * errors (a partial Model would give false warnings). Returns 0, or
 * negative when an allocation failed. */
int opsc_emit_verify(opsc_ctx *ctx, const opsc_model *model);

/* The checks, one per target; each reads em->model and reports to
 * em->ctx->diags. */
void opsc_emit_check_names(opsc_emit *em);
void opsc_velero_check(opsc_emit *em);
void opsc_github_check(opsc_emit *em);
void opsc_alertmanager_check(opsc_emit *em);

#endif
