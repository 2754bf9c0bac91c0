/*
 * emit.c - the emitter registry and what every emitter shares: headers,
 * the output layout, the list of clusters.
 *
 * Layout of the output directory (see docs/targets.md):
 *
 *   <cluster>/<env>/namespace/   Namespace
 *   <cluster>/<env>/policy/      Roles, bindings, network policies, quotas
 *   <cluster>/cluster/           ClusterRoles and ClusterRoleBindings
 *   <cluster>/velero/            Velero Schedules
 *   <cluster>/monitoring/        PrometheusRule, AlertmanagerConfig
 *   <cluster>/flux/              Flux Kustomizations for all of the above
 *   prometheus/, alertmanager/   plain rule files and alertmanager.yml
 *   github/                      GitHub REST request bodies
 *   github-rulesets/             GitHub repository rulesets (see docs/targets-github.md)
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "pair.h"
#include "project.h"

const opsc_emitter *const opsc_emitters[] = {
	&opsc_emit_kubernetes,
	&opsc_emit_velero,
	&opsc_emit_prometheus,
	&opsc_emit_alertmanager,
	&opsc_emit_github,
	&opsc_emit_external_secrets,
	&opsc_emit_flux, /* last: it lists what the others wrote */
	NULL,
};

void opsc_srcs_add(opsc_srcs *srcs, opsc_span span)
{
	if (span.file == OPSC_NO_FILE)
		return;
	for (uint32_t i = 0; i < srcs->files.len; i++)
		if (srcs->files.items[i] == span.file)
			return;
	opsc_array_push(&srcs->files, span.file);
}

void opsc_srcs_free(opsc_srcs *srcs)
{
	opsc_array_free(&srcs->files);
}


bool opsc_emit_is_generated(const char *data, size_t len)
{
	size_t n = sizeof(OPSC_EMIT_MARK) - 1;
	return data && len >= n && memcmp(data, OPSC_EMIT_MARK, n) == 0;
}

const char *opsc_emit_header(opsc_emit *em, const opsc_srcs *srcs)
{
	uint32_t n = srcs ? srcs->files.len : 0;
	const char **names = opsc_arena_alloc(em->ctx->arena, (n + 1) * sizeof(*names));
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		names[k++] = em->src_names[srcs->files.items[i]];
	qsort(names, k, sizeof(*names), opsc_cmp_str);
	const char *from = "";
	for (uint32_t i = 0; i < k; i++)
		from = opsc_arena_printf(em->ctx->arena, "%s%s%s", from, i ? ", " : "", names[i]);
	return opsc_arena_printf(em->ctx->arena,
				 OPSC_EMIT_MARK " from %s.\n"
				 "# Do not edit: change the .ops source and run `opsc build`.\n",
				 k ? from : "the project's policies");
}

void opsc_emit_add(opsc_emit *em, const char *path, const char *data, size_t len,
		   const opsc_srcs *srcs)
{
	opsc_emit_add_docs(em, path, data, len, srcs, NULL, 0);
}

void opsc_emit_add_docs(opsc_emit *em, const char *path, const char *data, size_t len,
			const opsc_srcs *srcs, const opsc_span *spans, uint32_t ndocs)
{
	const char *source = srcs && srcs->files.len ? em->src_names[srcs->files.items[0]] : "";
	opsc_output o = { path, data, len, source, spans, ndocs };
	opsc_array_push(&em->out->files, o);
}

void opsc_emit_object(opsc_yw *w, opsc_span span, const char *api, const char *kind,
		      const char *name, const char *ns)
{
	opsc_yw_doc_at(w, span);
	opsc_yw_map(w);
	opsc_yw_kv(w, "apiVersion", api);
	opsc_yw_kv(w, "kind", kind);
	opsc_yw_key_map(w, "metadata");
	opsc_yw_kv(w, "name", name);
	opsc_yw_kv(w, "namespace", ns);
	opsc_yw_key_map(w, "labels");
	opsc_yw_kv(w, "app.kubernetes.io/managed-by", "opsc");
	opsc_yw_end(w);
	opsc_yw_end(w);
}

void opsc_emit_object_end(opsc_yw *w)
{
	opsc_yw_end(w); /* the object's mapping */
	opsc_yw_end(w); /* its document */
}

int opsc_emit_yaml(opsc_emit *em, opsc_yw *w, const char *path, const opsc_srcs *srcs)
{
	bool headed = w->headed;
	const char *data;
	size_t len;
	if (opsc_yw_close(w, em->ctx, &data, &len) < 0)
		return -1;
	if (!headed) {
		data = opsc_arena_printf(em->ctx->arena, "%s%s", opsc_emit_header(em, srcs), data);
		len = strlen(data);
	}
	opsc_emit_add_docs(em, path, data, len, srcs, w->doc_spans, w->docs);
	return 0;
}

const char *opsc_emit_duration(opsc_emit *em, int64_t s)
{
	static const struct {
		int64_t secs;
		char unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	const char *text = "";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s < units[i].secs)
			continue;
		text = opsc_arena_printf(em->ctx->arena, "%s%" PRId64 "%c", text, s / units[i].secs,
					 units[i].unit);
		s %= units[i].secs;
	}
	return *text ? text : "0s";
}

/* A cluster or environment name becomes a directory: it must stay one. */
static bool safe_segment(const char *s)
{
	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

const char *opsc_emit_env_path(opsc_emit *em, const opsc_env *env, const char *part,
			       const char *file)
{
	return opsc_arena_printf(em->ctx->arena, "%s/%s/%s/%s", env->cluster.s, env->name.s, part,
				 file);
}

bool opsc_emit_env_in(const struct opsc_env *const *envs, uint32_t nenvs, bool all,
		      const opsc_env *env)
{
	if (all || nenvs == 0)
		return true;
	for (uint32_t i = 0; i < nenvs; i++)
		if (envs[i] == env)
			return true;
	return false;
}

const char **opsc_emit_clusters(opsc_emit *em, uint32_t *n)
{
	const opsc_model *m = em->model;
	const char **names = opsc_arena_alloc(em->ctx->arena, (m->nenvs + 1) * sizeof(*names));
	uint32_t k = 0;
	for (uint32_t i = 0; i < m->nenvs; i++) {
		bool seen = false;
		for (uint32_t j = 0; j < k && !seen; j++)
			seen = strcmp(names[j], m->envs[i].cluster.s) == 0;
		if (!seen)
			names[k++] = m->envs[i].cluster.s;
	}
	qsort(names, k, sizeof(*names), opsc_cmp_str);
	*n = k;
	return names;
}

int opsc_emit_per_cluster(opsc_emit *em, int (*fn)(opsc_emit *em, const char *cluster))
{
	uint32_t n;
	const char **clusters = opsc_emit_clusters(em, &n);
	for (uint32_t i = 0; i < n; i++) {
		int rc = fn(em, clusters[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Every name that becomes a directory is checked once, at compile time
 * (verify.c), so no emitter can write outside the output directory. */
void opsc_emit_check_names(opsc_emit *em)
{
	for (uint32_t i = 0; i < em->model->nenvs; i++) {
		const opsc_env *env = &em->model->envs[i];
		const opsc_str *names[] = { &env->cluster, &env->name };
		for (size_t j = 0; j < 2; j++)
			if (!safe_segment(names[j]->s))
				opsc_diag_error(&em->ctx->diags, "bad-name", names[j]->span,
						"\"%s\" cannot name an output directory: no `/`, `\\`, `.` or `..`",
						names[j]->s ? names[j]->s : "");
	}
}

/* The guard behind that check: a Model that did not pass it (one built
 * without opsc_compile) is not emitted at all. */
static bool names_safe(const opsc_model *m)
{
	for (uint32_t i = 0; i < m->nenvs; i++)
		if (!safe_segment(m->envs[i].cluster.s) || !safe_segment(m->envs[i].name.s))
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

void opsc_outputs_dispose(opsc_outputs *outputs)
{
	opsc_array_free(&outputs->files);
}
