/*
 * build_runbook.h - runbooks as files of the project.
 *
 * With the project's `runbooks` directory, an alert's runbook link that
 * points under `runbook_url` (or is a relative path) names a file of the
 * project; the alert-runbook rule wants that file to exist, and
 * `opsc build` writes a Markdown skeleton for each one missing. A file
 * that exists is never written to: from its creation on, it is the
 * team's.
 */
#ifndef OPSC_BUILD_RUNBOOK_H
#define OPSC_BUILD_RUNBOOK_H

#include <stdio.h>

#include "util.h"
#include "model.h"

/* Sets runbook_file and runbook_found of every alert; `proj` is the
 * project directory (NULL: no link is checked). */
void opsc_runbook_resolve(opsc_model *model, opsc_ctx *ctx, const char *proj);

/* The runbook files a build writes: the first alert of each missing one
 * inside the project, as indices into model->alerts in *out (ctx arena);
 * returns how many. Marks every alert of those files found, so the
 * policies a build runs see them as the build leaves them. */
uint32_t opsc_runbook_pending(opsc_ctx *ctx, opsc_model *model, uint32_t **out);

/* Writes the skeleton of each pending runbook below `proj`, created
 * exclusively (an existing file, or one that appears meanwhile, is left
 * alone), and names each on `log` ("runbook    docs/runbooks/x.md");
 * with `dry_run` only names them. Returns how many, or -1 with errno set
 * when a file could not be written. */
int opsc_runbook_write(opsc_ctx *ctx, const opsc_model *model, const char *proj, const uint32_t *pending,
		       uint32_t npending, bool dry_run, FILE *log);

#endif
