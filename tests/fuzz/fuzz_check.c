/*
 * fuzz_check.c - libFuzzer target over the front end and the emitters:
 * load -> parse -> sema -> emit (when the input checks clean) -> render.
 * Any crash, leak, sanitizer report or timeout is a bug.
 */
#include <stdint.h>
#include <stdio.h>

#include "emit.h"
#include "load.h"
#include "sema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_program program = { 0 };
	opsc_model model;
	if (opsc_load_text(&program, &ctx, "fuzz.ops", (const char *)data, size) == 0 &&
	    opsc_sema_check(&model, &ctx, &program) == 0 && ctx.diags.errors == 0) {
		opsc_outputs out = { 0 };
		opsc_emit_all(&out, &ctx, &model, NULL, NULL);
		opsc_outputs_dispose(&out);
	}
	opsc_diags_sort(&ctx.diags);
	opsc_diags_dedupe(&ctx.diags);
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		opsc_render_opts ro = { false };
		opsc_diag_render_text(null, &ctx.sources, &ctx.diags, &ro);
		fclose(null);
	}
	opsc_ctx_dispose(&ctx);
	return 0;
}
