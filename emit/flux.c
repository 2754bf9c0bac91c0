/*
 * flux.c - what Flux needs to apply the rest, in order.
 *
 * Runs after every other emitter and reads the files they wrote:
 *   - every directory of objects gets a kustomization.yaml listing its files
 *     (kustomize.config.k8s.io/v1beta1), so Flux applies exactly those;
 *   - every cluster gets <cluster>/flux/kustomizations.yaml: one Flux
 *     Kustomization (kustomize.toolkit.fluxcd.io/v1) per directory, whose
 *     dependsOn orders them: namespaces, then cluster RBAC, then each
 *     environment's RBAC, network policies and quotas; Velero Schedules and
 *     monitoring objects wait for the Kustomizations that install their
 *     operators (their CRDs must exist first).
 * Point the cluster's Flux at <output>/<cluster>/flux (docs/targets.md).
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "yamlw.h"

#define FLUX_NS "flux-system"

/* One directory of objects and the Flux Kustomization that applies it. */
typedef struct {
	const char *dir; /* "studio/production/policy" */
	const char *cluster;
	const char *name; /* Flux Kustomization name */
	const char *deps[4];
	opsc_array(const char *) files; /* base names */
	opsc_srcs srcs;
} flux_dir;

typedef opsc_array(flux_dir) flux_dirs;

/* The directory part of an output path with objects Flux applies, or NULL
 * for files that are not Kubernetes objects (prometheus/, github/, ...). */
static const char *object_dir(opsc_emit *em, const char *path, const char *const *clusters,
			      uint32_t nclusters, const char **cluster)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	for (uint32_t i = 0; i < nclusters; i++) {
		size_t n = strlen(clusters[i]);
		if (strncmp(path, clusters[i], n) == 0 && path[n] == '/') {
			*cluster = clusters[i];
			return opsc_arena_strndup(em->ctx->arena, path, (size_t)(slash - path));
		}
	}
	return NULL;
}

static const char *str_or(opsc_str s, const char *fallback)
{
	return s.s ? s.s : fallback;
}

/* dirs is in path order (see collect). */
static bool has_dir(const flux_dirs *dirs, const char *dir)
{
	return opsc_find_str(dirs->items, dirs->len, sizeof(flux_dir), dir) != NULL;
}

/* Names each directory's Kustomization and what it waits for. */
static void order(opsc_emit *em, flux_dirs *dirs)
{
	const opsc_project *p = &em->model->project;
	opsc_arena *a = em->ctx->arena;
	for (uint32_t i = 0; i < dirs->len; i++) {
		flux_dir *d = &dirs->items[i];
		const char *rest = d->dir + strlen(d->cluster) + 1; /* "production/policy", "velero" */
		const char *cluster_dir = opsc_arena_printf(a, "%s/cluster", d->cluster);
		uint32_t n = 0;
		if (strcmp(rest, "velero") == 0) {
			d->name = opsc_arena_printf(a, "opsc-%s-velero", d->cluster);
			d->deps[n++] = str_or(p->flux_velero, "velero");
		} else if (strcmp(rest, "monitoring") == 0) {
			d->name = opsc_arena_printf(a, "opsc-%s-monitoring", d->cluster);
			d->deps[n++] = str_or(p->flux_monitoring, "kube-prometheus-stack");
		} else if (strcmp(rest, "cluster") == 0) {
			d->name = opsc_arena_printf(a, "opsc-%s-cluster", d->cluster);
		} else if (strcmp(rest, "external-secrets") == 0) {
			/* the stores and the monitoring Secrets' ExternalSecrets */
			d->name = opsc_arena_printf(a, "opsc-%s-external-secrets", d->cluster);
			d->deps[n++] = str_or(p->flux_external_secrets, "external-secrets");
		} else {
			const char *slash = strrchr(rest, '/');
			const char *env = opsc_arena_strndup(a, rest, (size_t)(slash - rest));
			d->name = opsc_arena_printf(a, "opsc-%s-%s", env, slash + 1);
			if (strcmp(slash + 1, "policy") == 0) {
				d->deps[n++] = opsc_arena_printf(a, "opsc-%s-namespace", env);
				if (has_dir(dirs, cluster_dir))
					d->deps[n++] = opsc_arena_printf(a, "opsc-%s-cluster", d->cluster);
			} else if (strcmp(slash + 1, "external-secrets") == 0) {
				/* their namespace, and their stores */
				d->deps[n++] = opsc_arena_printf(a, "opsc-%s-namespace", env);
				d->deps[n++] = opsc_arena_printf(a, "opsc-%s-external-secrets", d->cluster);
			}
		}
	}
}

/* Flux objects follow from the layout, which the project block decides. */
static opsc_span project_span(const opsc_emit *em)
{
	return em->model->has_project ? em->model->project.span : OPSC_NO_SPAN;
}

static int kustomization_file(opsc_emit *em, const flux_dir *d)
{
	opsc_yw w;
	opsc_yw_open(&w, NULL);
	opsc_yw_doc_at(&w, project_span(em));
	opsc_yw_map(&w);
	opsc_yw_kv(&w, "apiVersion", "kustomize.config.k8s.io/v1beta1");
	opsc_yw_kv(&w, "kind", "Kustomization");
	opsc_yw_key_seq(&w, "resources");
	for (uint32_t i = 0; i < d->files.len; i++)
		opsc_yw_str(&w, d->files.items[i]);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	return opsc_emit_yaml(em, &w, opsc_arena_printf(em->ctx->arena, "%s/kustomization.yaml", d->dir),
			&d->srcs);
}

static void flux_kustomization(opsc_emit *em, opsc_yw *w, const flux_dir *d)
{
	const opsc_project *p = &em->model->project;
	opsc_emit_object(w, project_span(em), "kustomize.toolkit.fluxcd.io/v1", "Kustomization", d->name,
			 FLUX_NS);
	opsc_yw_key_map(w, "spec");
	if (d->deps[0]) {
		opsc_yw_key_seq(w, "dependsOn");
		for (size_t i = 0; i < 4 && d->deps[i]; i++) {
			opsc_yw_map(w);
			opsc_yw_kv(w, "name", d->deps[i]);
			opsc_yw_end(w);
		}
		opsc_yw_end(w);
	}
	opsc_yw_kv(w, "interval", "10m");
	opsc_yw_kv(w, "path", opsc_arena_printf(em->ctx->arena, "./%s/%s", em->output_dir, d->dir));
	opsc_yw_kvb(w, "prune", true);
	opsc_yw_key_map(w, "sourceRef");
	opsc_yw_kv(w, "kind", "GitRepository");
	opsc_yw_kv(w, "name", str_or(p->flux_source, FLUX_NS));
	opsc_yw_end(w);
	opsc_yw_kvb(w, "wait", true);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

static int cluster_files(opsc_emit *em, const flux_dirs *dirs, const char *cluster)
{
	opsc_yw w;
	opsc_yw_open(&w, NULL);
	opsc_srcs srcs = { 0 };
	for (uint32_t i = 0; i < dirs->len; i++) {
		if (strcmp(dirs->items[i].cluster, cluster) != 0)
			continue;
		flux_kustomization(em, &w, &dirs->items[i]);
		for (uint32_t j = 0; j < dirs->items[i].srcs.files.len; j++)
			opsc_srcs_add(&srcs, (opsc_span){ .file = dirs->items[i].srcs.files.items[j] });
	}
	int rc = opsc_emit_yaml(em, &w, opsc_arena_printf(em->ctx->arena, "%s/flux/kustomizations.yaml", cluster),
			  &srcs);
	flux_dir index = { .dir = opsc_arena_printf(em->ctx->arena, "%s/flux", cluster) };
	opsc_array_push(&index.files, "kustomizations.yaml");
	index.srcs = srcs;
	if (rc == 0)
		rc = kustomization_file(em, &index);
	opsc_array_free(&index.files);
	opsc_srcs_free(&srcs);
	return rc;
}

/* The sources of an output, recovered from the header's source name. */
static void add_source(opsc_emit *em, flux_dir *d, const opsc_output *o)
{
	for (uint32_t i = 0; i < em->ctx->sources.files.len; i++)
		if (strcmp(em->src_names[i], o->source) == 0)
			opsc_srcs_add(&d->srcs, (opsc_span){ .file = i });
}

static int cmp_output_path(const void *a, const void *b)
{
	return strcmp((*(const opsc_output *const *)a)->path, (*(const opsc_output *const *)b)->path);
}

/* The directories of objects, in path order, each with its files in order:
 * the outputs sorted by path group each directory's files together. */
static void collect(opsc_emit *em, flux_dirs *dirs, const char *const *clusters, uint32_t nclusters)
{
	uint32_t n = em->out->files.len;
	if (n == 0)
		return;
	const opsc_output **sorted = opsc_malloc(n * sizeof(*sorted));
	for (uint32_t i = 0; i < n; i++)
		sorted[i] = &em->out->files.items[i];
	qsort(sorted, n, sizeof(*sorted), cmp_output_path);
	for (uint32_t i = 0; i < n; i++) {
		const char *cluster = NULL;
		const char *dir = object_dir(em, sorted[i]->path, clusters, nclusters, &cluster);
		if (!dir)
			continue;
		if (dirs->len == 0 || strcmp(opsc_array_last(dirs)->dir, dir) != 0) {
			flux_dir d = { .dir = dir, .cluster = cluster };
			opsc_array_push(dirs, d);
		}
		flux_dir *d = opsc_array_last(dirs);
		opsc_array_push(&d->files, sorted[i]->path + strlen(dir) + 1);
		add_source(em, d, sorted[i]);
	}
	opsc_free(sorted);
}

static int emit_flux(opsc_emit *em)
{
	flux_dirs dirs = { 0 };
	uint32_t nclusters;
	const char **clusters = opsc_emit_clusters(em, &nclusters);
	collect(em, &dirs, clusters, nclusters);
	order(em, &dirs);
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < dirs.len; i++)
		rc = kustomization_file(em, &dirs.items[i]);
	for (uint32_t i = 0; rc == 0 && i < nclusters; i++)
		rc = cluster_files(em, &dirs, clusters[i]);
	for (uint32_t i = 0; i < dirs.len; i++) {
		opsc_array_free(&dirs.items[i].files);
		opsc_srcs_free(&dirs.items[i].srcs);
	}
	opsc_array_free(&dirs);
	return rc;
}

const opsc_emitter opsc_emit_flux = { "flux", emit_flux };
