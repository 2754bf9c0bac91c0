/*
 * actual.h - the actual state: an opsc_model built from Kubernetes
 * manifests, for drift and policy checks against the intended one.
 *
 *   opsc_actual *a = opsc_actual_new(ctx);
 *   opsc_actual_add_file(a, "deploy/rbac.yaml", NULL); (any number of files)
 *   opsc_actual_finish(a, &model);                   (frees a)
 *
 * Each file is registered in ctx->sources, so every span of the Model
 * points into the manifest it came from. YAML problems and manifests that
 * do not have the shape Kubernetes requires become diagnostics in
 * ctx->diags; the rest of the file is still read.
 *
 * What is read:
 *   Namespace                      -> env (name = namespace, cluster "")
 *   ResourceQuota                  -> the quota of its namespace's env
 *   Role, ClusterRole              -> role with its rules
 *   RoleBinding, ClusterRoleBinding-> binding (role resolved by name)
 *   NetworkPolicy                  -> netpol (deny flags from policyTypes)
 *   velero.io Schedule             -> backup
 *   monitoring.coreos.com PrometheusRule -> one alert per alerting rule
 *   Pod, Deployment, StatefulSet, ReplicaSet, DaemonSet, Job, CronJob,
 *   helm.toolkit.fluxcd.io HelmRelease (spec.values) -> workload
 *                                  (actual_workloads.c, workload.h)
 * A namespace named by any of these without a Namespace manifest still
 * gets an env (spanning the first metadata.namespace that named it).
 *
 * The Model lives in ctx->arena; the builder itself is heap memory.
 */
#ifndef OPSC_ACTUAL_H
#define OPSC_ACTUAL_H

#include <stddef.h>

#include "util.h"
#include "model.h"

typedef struct opsc_actual opsc_actual;

opsc_actual *opsc_actual_new(opsc_ctx *ctx);
/* Frees a builder that was not finished; accepts NULL. */
void opsc_actual_free(opsc_actual *a);

/* Reads `path` (up to OPSC_YAMLDOC_DEFAULT_MAX_BYTES: a larger file is
 * refused from its size, never read whole), registered as source `shown`
 * (NULL: `path`). Returns 0, or -errno when it cannot be read (also
 * reported as a diagnostic). */
int opsc_actual_add_file(opsc_actual *a, const char *path, const char *shown);
/* Adds manifests held in memory, registered as source `path`. */
int opsc_actual_add_text(opsc_actual *a, const char *path, const char *text, size_t len);

/* Whether the builder reads manifests of `kind` (len bytes), or renders
 * them (Kustomization, Component): what a change must touch to change the
 * actual Model. */
bool opsc_actual_reads_kind(const char *kind, size_t len);

/* Whether everything read so far is workloads (no Namespace, quota, RBAC,
 * network policy, backup, alert, ExternalSecret or secret store): then
 * only the manifests naming their namespaces can change what the policies
 * find in them. */
bool opsc_actual_only_workloads(const opsc_actual *a);
/* The namespaces named so far: *out (in ctx's arena) and the count. */
uint32_t opsc_actual_namespaces(const opsc_actual *a, const char ***out);
/* What rendered an object: the object written at bytes [start, end) of
 * source `file` is applied as the kustomization (or Flux Kustomization)
 * field at `by` changed it; `what` says how ("namespace, namePrefix"). */
typedef struct {
	uint32_t file, start, end;
	opsc_span by;
	const char *what;
} opsc_actual_origin;

typedef struct {
	const opsc_actual_origin *items; /* by file, then start */
	uint32_t len;
} opsc_actual_origins;

/*
 * Reads the files added so far into the Model as Flux applies them
 * (actual_render.c): the directories Flux Kustomizations point at and the
 * kustomizations no other one includes are rendered (actual_kust.h), and
 * their objects read as rendered; every other file is read as written.
 * Problems of a kustomization are `invalid-kustomization` diagnostics,
 * what cannot be rendered (a remote base, a chart) `kustomize-note`
 * notes. Fills *origins when not NULL (in the ctx arena). opsc_actual_finish
 * renders first when this was not called.
 */
void opsc_actual_render(opsc_actual *a, opsc_actual_origins *origins);
/* Renders only the kustomization in directory `dir` (a path as the files
 * were registered, "" for the top) as `kustomize build` would, handing
 * each object it produces to `fn` in the order kustomize accumulates
 * them. Returns how many, or -1 when `dir` holds no kustomization. Used
 * instead of opsc_actual_render: nothing is read into the Model. */
typedef void (*opsc_actual_object_fn)(void *user, const opsc_yamldoc_node *doc);
int opsc_actual_render_dir(opsc_actual *a, const char *dir, opsc_actual_object_fn fn, void *user);
/* The origins of the object whose text holds `span`: up to `max` of them
 * into `out`; returns how many. */
uint32_t opsc_actual_origins_at(const opsc_actual_origins *o, opsc_span span, const opsc_actual_origin **out,
				uint32_t max);

/* When only some of the repository's manifests are added (the files a
 * change needs): every manifest's path, sorted, so that a Flux
 * Kustomization whose spec.path holds none of those added is noted as
 * pointing out of the repository only when the repository has none
 * there either. The paths must outlive the render. */
void opsc_actual_set_tree(opsc_actual *a, const char *const *paths, uint32_t n);

/* Resolves names (binding roles, namespaces), fills *out and frees `a`. */
void opsc_actual_finish(opsc_actual *a, opsc_model *out);

#endif
