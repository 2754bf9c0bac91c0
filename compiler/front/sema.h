/*
 * sema.h - checking a loaded program against the block schemas and building
 * the typed Model.
 *
 * Checks: attribute names and types per block schema, units, cron fields,
 * references with "did you mean", duplicates with both locations, templates
 * and `use`, policy type-checking. Every problem is a diagnostic; the Model
 * is still built from what was valid so later stages can run on it.
 */
#ifndef OPSC_SEMA_H
#define OPSC_SEMA_H

#include "util.h"
#include "load.h"
#include "model.h"

int opsc_sema_check(opsc_model *out, opsc_ctx *ctx, const opsc_program *program);

#endif
