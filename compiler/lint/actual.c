/*
 * actual.c - the actual-state Model from manifests: the driver (see
 * actual.h). Files are parsed and kept (actual_render.c), rendered, and
 * each object read by its kind's reader (actual_read.c); _finish resolves
 * names and hands the Model over.
 */
#include "actual_int.h"

#include <string.h>

/* ------------------------------------------------------------------ driver */

static void add_stream(opsc_actual *a, const opsc_yamldoc_stream *s)
{
	for (uint32_t i = 0; i < s->nerrors; i++) {
		uint32_t off = s->errors[i].offset;
		opsc_diag_error(&a->ctx->diags, "invalid-yaml",
				opsc_source_span(&a->ctx->sources, a->file, off, off), "%s",
				s->errors[i].message);
	}
	opsc_actual_stash(a, s); /* read by opsc_actual_render */
}

int opsc_actual_add_text(opsc_actual *a, const char *path, const char *text, size_t len)
{
	opsc_yamldoc_stream s;
	size_t keep = len > OPSC_YAMLDOC_DEFAULT_MAX_BYTES ? 0 : len; /* no copy of what is refused */
	a->file = opsc_sources_add(&a->ctx->sources, path, text, keep, false);
	const opsc_source *src = opsc_sources_get(&a->ctx->sources, a->file);
	int rc = opsc_yamldoc_parse(&s, a->ctx->arena, src->path, keep == len ? src->text : text,
				    len, OPSC_YAMLDOC_DEFAULT_MAX_BYTES);
	if (rc == 0)
		add_stream(a, &s);
	return rc;
}

int opsc_actual_add_file(opsc_actual *a, const char *path, const char *shown)
{
	opsc_yamldoc_stream s;
	int rc = opsc_yamldoc_read_file(&s, a->ctx->arena, path, OPSC_YAMLDOC_DEFAULT_MAX_BYTES);
	shown = shown ? shown : path;
	a->file = opsc_sources_add(&a->ctx->sources, shown, s.text ? s.text : "", s.text ? s.len : 0,
				   false);
	if (rc < 0) {
		a->ctx->sources.files.items[a->file]->unreadable = true;
		opsc_span whole = { a->file, 0, 0, 0, 0, 0, 0 }; /* line 0: the file, not a place */
		opsc_diag_error(&a->ctx->diags, "cannot-read", whole, "cannot read %s: %s", shown,
				opsc_file_strerror(rc));
		return rc;
	}
	add_stream(a, &s);
	return 0;
}

opsc_actual *opsc_actual_new(opsc_ctx *ctx)
{
	opsc_actual *a = opsc_calloc(1, sizeof *a);
	a->ctx = ctx;
	a->file = OPSC_NO_FILE;
	return a;
}

void opsc_actual_free(opsc_actual *a)
{
	if (!a)
		return;
	opsc_array_free(&a->envs);
	opsc_array_free(&a->has_manifest);
	opsc_array_free(&a->roles);
	opsc_array_free(&a->bindings);
	opsc_array_free(&a->binding_envs);
	opsc_array_free(&a->netpols);
	opsc_array_free(&a->netpol_envs);
	opsc_array_free(&a->backups);
	opsc_array_free(&a->backup_envs);
	opsc_array_free(&a->alerts);
	opsc_array_free(&a->alert_envs);
	opsc_array_free(&a->workloads);
	opsc_array_free(&a->workload_envs);
	opsc_array_free(&a->secrets);
	opsc_array_free(&a->secret_envs);
	opsc_array_free(&a->stores);
	opsc_actual_kust_free(a);
	opsc_free(a);
}

bool opsc_actual_only_workloads(const opsc_actual *a)
{
	for (uint32_t i = 0; i < a->envs.len; i++)
		if (a->has_manifest.items[i] || a->envs.items[i].quota.present)
			return false;
	return !a->roles.len && !a->bindings.len && !a->netpols.len && !a->backups.len && !a->alerts.len &&
	       !a->secrets.len && !a->stores.len;
}

uint32_t opsc_actual_namespaces(const opsc_actual *a, const char ***out)
{
	*out = a->envs.len ? opsc_arena_alloc(a->ctx->arena, a->envs.len * sizeof **out) : NULL;
	for (uint32_t i = 0; i < a->envs.len; i++)
		(*out)[i] = a->envs.items[i].namespace_.s;
	return a->envs.len;
}

/* ------------------------------------------------------------------ finish */

static const opsc_env **env_ptrs(opsc_arena *arena, const opsc_model *m, actual_envs e)
{
	if (!e.n)
		return NULL;
	const opsc_env **out = opsc_arena_alloc(arena, e.n * sizeof *out);
	for (uint32_t i = 0; i < e.n; i++)
		out[i] = &m->envs[e.idx[i]];
	return out;
}

/* A binding's roleRef names a role of the same kind of scope when there is
 * one; built-ins (cluster-admin, view) have none and stay NULL. */
static const opsc_role *find_role(const opsc_model *m, const char *name)
{
	for (uint32_t i = 0; name && i < m->nroles; i++)
		if (m->roles[i].name.s && strcmp(m->roles[i].name.s, name) == 0)
			return &m->roles[i];
	return NULL;
}

static void remap(actual_envs *lists, uint32_t n, const uint32_t *to)
{
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = 0; j < lists[i].n; j++)
			lists[i].idx[j] = to[lists[i].idx[j]];
}

/* Namespaces a Namespace manifest declares come first, and only they are
 * the Model's environments: a namespace merely named by an object (the
 * operators' `monitoring`, `velero`) is not managed here, and policies
 * over environments must not judge it. Objects in such a namespace still
 * point at its entry, kept in the same array just past nenvs. */
static uint32_t order_envs(opsc_actual *a)
{
	uint32_t n = a->envs.len, k = 0;
	uint32_t *to = opsc_malloc((n + 1) * sizeof *to);
	opsc_env *sorted = opsc_malloc((n + 1) * sizeof *sorted);
	for (int pass = 1; pass >= 0; pass--)
		for (uint32_t i = 0; i < n; i++)
			if (a->has_manifest.items[i] == (bool)pass) {
				to[i] = k;
				sorted[k++] = a->envs.items[i];
			}
	uint32_t declared = 0;
	for (uint32_t i = 0; i < n; i++)
		declared += a->has_manifest.items[i];
	if (n)
		memcpy(a->envs.items, sorted, n * sizeof *sorted);
	remap(a->binding_envs.items, a->binding_envs.len, to);
	remap(a->netpol_envs.items, a->netpol_envs.len, to);
	remap(a->backup_envs.items, a->backup_envs.len, to);
	remap(a->alert_envs.items, a->alert_envs.len, to);
	remap(a->workload_envs.items, a->workload_envs.len, to);
	remap(a->secret_envs.items, a->secret_envs.len, to);
	opsc_free(sorted);
	opsc_free(to);
	return declared;
}

void opsc_actual_finish(opsc_actual *a, opsc_model *out)
{
	opsc_arena *arena = a->ctx->arena;
	if (!a->rendered)
		opsc_actual_render(a, NULL);
	memset(out, 0, sizeof *out);
	out->nenvs = order_envs(a);
	out->envs = opsc_array_to_arena(arena, &a->envs);
	out->nroles = a->roles.len;
	out->roles = opsc_array_to_arena(arena, &a->roles);
	out->nbindings = a->bindings.len;
	out->bindings = opsc_array_to_arena(arena, &a->bindings);
	for (uint32_t i = 0; i < out->nbindings; i++) {
		opsc_binding *b = &out->bindings[i];
		b->role = find_role(out, b->role_name.s);
		b->nenvs = a->binding_envs.items[i].n;
		b->envs = env_ptrs(arena, out, a->binding_envs.items[i]);
	}
	out->nnetpols = a->netpols.len;
	out->netpols = opsc_array_to_arena(arena, &a->netpols);
	for (uint32_t i = 0; i < out->nnetpols; i++) {
		out->netpols[i].nenvs = a->netpol_envs.items[i].n;
		out->netpols[i].envs = env_ptrs(arena, out, a->netpol_envs.items[i]);
	}
	out->nbackups = a->backups.len;
	out->backups = opsc_array_to_arena(arena, &a->backups);
	for (uint32_t i = 0; i < out->nbackups; i++) {
		out->backups[i].all_envs = a->backup_envs.items[i].all;
		out->backups[i].nenvs = a->backup_envs.items[i].n;
		out->backups[i].envs = env_ptrs(arena, out, a->backup_envs.items[i]);
	}
	out->nalerts = a->alerts.len;
	out->alerts = opsc_array_to_arena(arena, &a->alerts);
	for (uint32_t i = 0; i < out->nalerts; i++) {
		out->alerts[i].nenvs = a->alert_envs.items[i].n;
		out->alerts[i].envs = env_ptrs(arena, out, a->alert_envs.items[i]);
	}
	out->nworkloads = a->workloads.len;
	out->workloads = opsc_array_to_arena(arena, &a->workloads);
	for (uint32_t i = 0; i < out->nworkloads; i++)
		if (a->workload_envs.items[i].n)
			out->workloads[i].env = &out->envs[a->workload_envs.items[i].idx[0]];
	opsc_env_sums *sums = out->nenvs ? opsc_arena_alloc(arena, out->nenvs * sizeof *sums) : NULL;
	if (sums) /* once: every workload of a namespace reads them (workload-quota) */
		opsc_model_sum_workloads(out, sums);
	out->env_sums = sums;
	opsc_actual_secrets_finish(a, out);
	opsc_actual_free(a);
}
