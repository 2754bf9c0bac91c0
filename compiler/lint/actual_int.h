/*
 * actual_int.h - shared by actual.c (the driver), actual_read.c (the
 * readers by kind: namespaces, RBAC), actual_kinds.c (network policies,
 * backups, alerts), actual_workloads.c, actual_secrets.c and the renderer.
 */
#ifndef OPSC_ACTUAL_INTERNAL_H
#define OPSC_ACTUAL_INTERNAL_H

#include "actual.h"
#include "util.h"

/* Environments by index while the envs array still grows; turned into
 * pointers by opsc_actual_finish. Indices live in the ctx arena. */
typedef struct {
	uint32_t *idx;
	uint32_t n;
	bool all; /* "*" */
} actual_envs;

struct opsc_actual {
	opsc_ctx *ctx;
	uint32_t file; /* the source being read */
	opsc_array(opsc_env) envs;
	opsc_array(bool) has_manifest; /* per env: a Namespace manifest declares it */
	opsc_array(opsc_role) roles;
	opsc_array(opsc_binding) bindings;
	opsc_array(actual_envs) binding_envs;
	opsc_array(opsc_netpol) netpols;
	opsc_array(actual_envs) netpol_envs;
	opsc_array(opsc_backup) backups;
	opsc_array(actual_envs) backup_envs;
	opsc_array(opsc_alert) alerts;
	opsc_array(actual_envs) alert_envs;
	opsc_array(opsc_workload) workloads;
	opsc_array(actual_envs) workload_envs;
	opsc_array(opsc_secret) secrets;
	opsc_array(actual_envs) secret_envs;
	opsc_array(opsc_secret_store) stores;
	struct kctx *kust; /* files read, until rendered (actual_render.c) */
	bool rendered;
	bool helm_noted; /* the note that charts are not rendered is given */
	const char *const *tree; /* opsc_actual_set_tree's, or NULL */
	uint32_t ntree;
};

/* Where a node is: its first byte, or a plain scalar's whole text. */
opsc_span opsc_actual_span(const opsc_actual *a, const opsc_yamldoc_node *n);

/* The scalar at `path` under `node`; {NULL, NO_SPAN} when absent. A
 * mapping or sequence there is reported and reads as absent. */
opsc_str opsc_actual_str(opsc_actual *a, const opsc_yamldoc_node *node, const char *path);
/* A sequence of scalars at `path`. */
opsc_strs opsc_actual_strs(opsc_actual *a, const opsc_yamldoc_node *node, const char *path);
/* A mapping of scalars at `path` (labels, matchLabels). */
opsc_kvs opsc_actual_kvs(opsc_actual *a, const opsc_yamldoc_node *node, const char *path);
/* The node at `path` if it is a sequence (reported otherwise); NULL if absent. */
const opsc_yamldoc_node *opsc_actual_seq(opsc_actual *a, const opsc_yamldoc_node *node,
					  const char *path);

/* The env of namespace `ns`, added (spanning `ns`) if not seen yet. */
uint32_t opsc_actual_env(opsc_actual *a, opsc_str ns);
/* The env of a namespaced resource's metadata.namespace (none: empty). */
actual_envs opsc_actual_doc_envs(opsc_actual *a, const opsc_yamldoc_node *doc);

void opsc_actual_invalid(opsc_actual *a, const opsc_yamldoc_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* actual_render.c: keeps a parsed file until opsc_actual_render. */
void opsc_actual_stash(opsc_actual *a, const opsc_yamldoc_stream *s);
void opsc_actual_kust_free(opsc_actual *a);
/* actual_read.c: one document into the Model, its spans in source a->file. */
void opsc_actual_read_doc(opsc_actual *a, const opsc_yamldoc_node *doc);

void opsc_actual_netpol(opsc_actual *a, const opsc_yamldoc_node *doc);
void opsc_actual_backup(opsc_actual *a, const opsc_yamldoc_node *doc);
void opsc_actual_alerts(opsc_actual *a, const opsc_yamldoc_node *doc);
/* actual_workloads.c: the pod kinds, and HelmRelease spec.values */
void opsc_actual_workload(opsc_actual *a, const opsc_yamldoc_node *doc);
void opsc_actual_helm_release(opsc_actual *a, const opsc_yamldoc_node *doc);
/* actual_secrets.c: ExternalSecret and ClusterSecretStore; _finish moves
 * them into the Model once its environments are in place. */
void opsc_actual_external_secret(opsc_actual *a, const opsc_yamldoc_node *doc);
void opsc_actual_secret_store(opsc_actual *a, const opsc_yamldoc_node *doc);
void opsc_actual_secrets_finish(opsc_actual *a, opsc_model *out);

#endif
