/*
 * ctx.h - one compilation: its arena, its sources and its diagnostics.
 *
 * Passed explicitly to every stage (no hidden globals). The ctx owns the
 * arena and the sources; opsc_ctx_dispose releases everything at once.
 */
#ifndef OPSC_CTX_H
#define OPSC_CTX_H

#include "alloc.h"
#include "diag.h"
#include "source.h"

typedef struct {
	opsc_arena *arena;
	opsc_sources sources;
	opsc_diags diags;
} opsc_ctx;

void opsc_ctx_init(opsc_ctx *ctx);
void opsc_ctx_dispose(opsc_ctx *ctx);

#endif
