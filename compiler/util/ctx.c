#include "ctx.h"

void opsc_ctx_init(opsc_ctx *ctx)
{
	ctx->arena = opsc_arena_new();
	opsc_sources_init(&ctx->sources);
	opsc_diags_init(&ctx->diags, ctx->arena);
}

void opsc_ctx_dispose(opsc_ctx *ctx)
{
	opsc_diags_dispose(&ctx->diags);
	opsc_sources_dispose(&ctx->sources);
	opsc_arena_free(ctx->arena);
	ctx->arena = NULL;
}
