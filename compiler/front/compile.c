#include "compile.h"

#include "util.h"
#include "build.h"
#include "load.h"
#include "model.h"
#include "sema.h"
#include "emit.h"

int opsc_compile(opsc_model *out, opsc_ctx *ctx, const char *const *paths, uint32_t npaths)
{
	opsc_program program = { 0 };
	int rc = opsc_load(&program, ctx, paths, npaths);
	if (rc < 0 && program.len == 0)
		return 0; /* nothing readable: already a diagnostic */
	rc = opsc_sema_check(out, ctx, &program);
	/* runbook links into the project, for the alert-runbook rule */
	char *proj = npaths ? opsc_project_dir(paths[0]) : NULL;
	opsc_runbook_resolve(out, ctx, proj);
	opsc_free(proj);
	/* what the emitters would refuse or warn about, found here so check,
	 * lint and build give one verdict (on a whole Model only) */
	if (rc == 0 && ctx->diags.errors == 0)
		rc = opsc_emit_verify(ctx, out);
	opsc_diags_sort(&ctx->diags);
	opsc_diags_dedupe(&ctx->diags);
	return rc;
}
