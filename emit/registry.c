/*
 * registry.c - the emitters and the driver that runs them (on two threads,
 * merged in a fixed order). Emitters use the shared helpers of emit.c and
 * never the registry, so the arrows run one way: registry -> emitters ->
 * emit.c.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

const opsc_emitter *const opsc_emitters[] = {
	&opsc_emit_kubernetes,
	&opsc_emit_velero,
	&opsc_emit_prometheus,
	&opsc_emit_slo,
	&opsc_emit_restoretest,
	&opsc_emit_alertmanager,
	&opsc_emit_github,
	&opsc_emit_external_secrets,
	&opsc_emit_flux, /* last: it lists what the others wrote */
	NULL,
};

/* The guard behind that check: a Model that did not pass it (one built
 * without opsc_compile) is not emitted at all. */
static bool names_safe(const opsc_model *m)
{
	for (uint32_t i = 0; i < m->nenvs; i++)
		if (!opsc_emit_safe_segment(m->envs[i].cluster.s) || !opsc_emit_safe_segment(m->envs[i].name.s))
			return false;
	return true;
}

/* Source names relative to the repository root, independent of the cwd. */
static const char **source_names(opsc_ctx *ctx, const char *root)
{
	uint32_t n = ctx->sources.files.len;
	const char **names = opsc_arena_alloc(ctx->arena, (n + 1) * sizeof(*names));
	size_t rlen = root ? strlen(root) : 0;
	for (uint32_t i = 0; i < n; i++) {
		const opsc_source *src = ctx->sources.files.items[i];
		names[i] = src->path;
		char real[PATH_MAX];
		if (src->embedded && strncmp(src->path, "<stdlib>/", 9) == 0) {
			/* "<stdlib>/rbac.ops" is imported as "std/rbac" */
			size_t len = strlen(src->path + 9);
			if (len > 4 && strcmp(src->path + 9 + len - 4, ".ops") == 0)
				len -= 4;
			names[i] = opsc_arena_printf(ctx->arena, "std/%.*s", (int)len, src->path + 9);
			continue;
		}
		if (src->embedded || !root || !realpath(src->path, real))
			continue;
		if (strncmp(real, root, rlen) == 0 && real[rlen] == '/')
			names[i] = opsc_arena_strdup(ctx->arena, real + rlen + 1);
	}
	return names;
}

static opsc_emit emit_init(opsc_outputs *out, opsc_ctx *ctx, const opsc_model *model,
			   const char *root, const char *out_rel)
{
	const char *dir = out_rel ? out_rel : opsc_project_output(model);
	opsc_emit em = { out, ctx, model, source_names(ctx, root), dir };
	return em;
}

int opsc_emit_one(const opsc_emitter *e, opsc_outputs *out, opsc_ctx *ctx,
		  const opsc_model *model, const char *root)
{
	if (!names_safe(model))
		return -1;
	opsc_emit em = emit_init(out, ctx, model, root, NULL);
	return e->emit(&em);
}

/* One thread's share of the emitters, [first, end) of the registry. */
typedef struct {
	opsc_emit em;
	const opsc_emitter *const *first, *const *end;
	int rc;
} emit_job;

static void *run_emitters(void *arg)
{
	emit_job *j = arg;
	for (const opsc_emitter *const *e = j->first; j->rc >= 0 && e < j->end; e++)
		j->rc = (*e)->emit(&j->em);
	return NULL;
}

/* Moves what a worker made (its arena, its outputs and its diagnostics)
 * into the main context, after the main thread's own. */
static void merge_job(opsc_emit *main, opsc_ctx *wctx, opsc_outputs *wout)
{
	opsc_arena_adopt(main->ctx->arena, wctx->arena);
	wctx->arena = NULL;
	for (uint32_t i = 0; i < wout->files.len; i++)
		opsc_array_push(&main->out->files, wout->files.items[i]);
	opsc_diags *d = &main->ctx->diags;
	for (uint32_t i = 0; i < wctx->diags.items.len; i++) {
		opsc_array_push(&d->items, wctx->diags.items.items[i]); /* notes move with it */
		d->errors += wctx->diags.items.items[i].severity == OPSC_SEV_ERROR;
		d->warnings += wctx->diags.items.items[i].severity == OPSC_SEV_WARNING;
	}
	opsc_array_free(&wctx->diags.items);
	opsc_outputs_dispose(wout);
	opsc_sources_dispose(&wctx->sources);
}

/* Kubernetes (most of the files) on the main thread, the other emitters
 * but Flux on a second one, each into its own arena, outputs and
 * diagnostics, merged in registry order; Flux last, over everything. The
 * output is sorted afterwards, so it does not depend on the threads. */
int opsc_emit_all(opsc_outputs *out, opsc_ctx *ctx, const opsc_model *model, const char *root,
		  const char *out_rel)
{
	if (!names_safe(model))
		return -1;
	opsc_emit em = emit_init(out, ctx, model, root, out_rel);
	const opsc_emitter *const *all = opsc_emitters, *const *last = all;
	while (last[1])
		last++; /* Flux */
	opsc_ctx wctx = { .arena = opsc_arena_new() };
	opsc_sources_init(&wctx.sources);
	opsc_diags_init(&wctx.diags, wctx.arena);
	opsc_outputs wout = { 0 };
	emit_job jobs[2] = { { em, all, all + 1, 0 }, { em, all + 1, last, 0 } };
	jobs[1].em.ctx = &wctx;
	jobs[1].em.out = &wout;
	opsc_run_pair(run_emitters, &jobs[0], &jobs[1], false);
	merge_job(&em, &wctx, &wout);
	int rc = jobs[0].rc < 0 ? jobs[0].rc : jobs[1].rc;
	if (rc >= 0)
		rc = (*last)->emit(&em);
	if (rc < 0)
		return rc;
	if (out->files.len)
		qsort(out->files.items, out->files.len, sizeof(opsc_output), opsc_cmp_str);
	for (uint32_t i = 1; i < out->files.len; i++)
		if (strcmp(out->files.items[i - 1].path, out->files.items[i].path) == 0)
			return -1; /* two emitters claim one file: a bug, not bad input */
	return 0;
}
