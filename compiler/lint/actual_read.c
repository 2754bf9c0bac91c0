/*
 * actual_read.c - one manifest into the actual-state Model: the reader of
 * each kind (see actual.h), with namespaces, quotas and RBAC here and the
 * other kinds in actual_kinds.c, actual_workloads.c and actual_secrets.c.
 * Called for each object as written or as rendered (actual_render.c).
 */
#include "actual_int.h"

#include <string.h>

/* ------------------------------------------------------------ environments */

/* Namespace -> env. Its labels say whether it is production: tier,
 * environment or opsc.dev/tier (what emit/kubernetes.c writes) =
 * production. */
static void read_namespace(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_str name = opsc_actual_str(a, doc, "metadata.name");
	if (!name.s) {
		opsc_actual_invalid(a, doc, "a Namespace needs metadata.name");
		return;
	}
	opsc_kvs labels = opsc_actual_kvs(a, doc, "metadata.labels");
	/* a restore test's scratch namespace (emit/restoretest.c) holds
	 * restored copies, no workload: like `velero`, not an environment */
	for (uint32_t l = 0; l < labels.len; l++)
		if (strcmp(labels.items[l].key.s, "opsc.dev/restore-test") == 0)
			return;
	uint32_t i = opsc_actual_env(a, name); /* may grow envs: index first */
	a->has_manifest.items[i] = true;
	opsc_env *e = &a->envs.items[i];
	e->span = opsc_actual_span(a, doc);
	e->name = e->namespace_ = name;
	e->labels = labels;
	for (uint32_t l = 0; l < e->labels.len; l++) {
		const opsc_kv *kv = &e->labels.items[l];
		if ((strcmp(kv->key.s, "tier") == 0 || strcmp(kv->key.s, "environment") == 0 ||
		     strcmp(kv->key.s, "opsc.dev/tier") == 0) &&
		    strcmp(kv->value.s, "production") == 0)
			e->production = true;
	}
}

/* ResourceQuota -> the quota of its namespace. Several quotas in one
 * namespace all apply, so their entries add up in one list. */
static void read_quota(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	actual_envs where = opsc_actual_doc_envs(a, doc);
	if (!where.n) {
		opsc_actual_invalid(a, doc, "a ResourceQuota needs metadata.namespace");
		return;
	}
	opsc_quota *q = &a->envs.items[where.idx[0]].quota;
	opsc_array(opsc_quota_entry) entries = { 0 };
	for (uint32_t i = 0; i < q->nhard; i++)
		opsc_array_push(&entries, q->hard[i]);
	opsc_kvs kvs = opsc_actual_kvs(a, doc, "spec.hard");
	for (uint32_t i = 0; i < kvs.len; i++) {
		opsc_quota_entry e = { kvs.items[i].key, { kvs.items[i].value.s, 0, kvs.items[i].value.span } };
		const char *why = NULL;
		if (opsc_units_quantity(e.value.text, &e.value.milli, &why))
			opsc_array_push(&entries, e);
		else
			opsc_diag_error(&a->ctx->diags, "invalid-manifest", e.value.span,
					"quota `%s`: %s", e.resource.s, why);
	}
	if (!q->present)
		q->span = opsc_actual_span(a, doc);
	q->present = true;
	q->nhard = entries.len;
	q->hard = opsc_array_to_arena(a->ctx->arena, &entries);
}

/* -------------------------------------------------------------------- RBAC */

/* rules: [{apiGroups, resources, verbs, resourceNames, nonResourceURLs}] */
static void read_role(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_role r = { .span = opsc_actual_span(a, doc) };
	r.name = opsc_actual_str(a, doc, "metadata.name");
	r.cluster = strcmp(opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind")), "ClusterRole") == 0;
	const opsc_yamldoc_node *rules = opsc_actual_seq(a, doc, "rules");
	uint32_t n = rules ? rules->sequence.len : 0;
	r.rules = n ? opsc_arena_alloc(a->ctx->arena, n * sizeof *r.rules) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		const opsc_yamldoc_node *rule = rules->sequence.items[i];
		opsc_rbac_rule *out = &r.rules[r.nrules++];
		out->span = opsc_actual_span(a, rule);
		out->api_groups = opsc_actual_strs(a, rule, "apiGroups");
		out->resources = opsc_actual_strs(a, rule, "resources");
		out->verbs = opsc_actual_strs(a, rule, "verbs");
		out->resource_names = opsc_actual_strs(a, rule, "resourceNames");
		out->non_resource_urls = opsc_actual_strs(a, rule, "nonResourceURLs");
	}
	opsc_array_push(&a->roles, r);
}

static const struct {
	const char *kind;
	opsc_subject_kind subject;
} subject_kinds[] = {
	{ "User", OPSC_SUBJECT_USER },
	{ "Group", OPSC_SUBJECT_GROUP },
	{ "ServiceAccount", OPSC_SUBJECT_SERVICE_ACCOUNT },
};

static bool read_subject(opsc_actual *a, const opsc_yamldoc_node *n, opsc_subject *out)
{
	opsc_str kind = opsc_actual_str(a, n, "kind");
	size_t k = 0;
	while (k < sizeof subject_kinds / sizeof *subject_kinds &&
	       (!kind.s || strcmp(kind.s, subject_kinds[k].kind) != 0))
		k++;
	if (k == sizeof subject_kinds / sizeof *subject_kinds) {
		opsc_actual_invalid(a, n, "a subject's kind must be User, Group or ServiceAccount");
		return false;
	}
	*out = (opsc_subject){ .span = opsc_actual_span(a, n), .kind = subject_kinds[k].subject };
	out->name = opsc_actual_str(a, n, "name");
	out->namespace_ = opsc_actual_str(a, n, "namespace");
	return true;
}

/* A RoleBinding applies in its namespace; a ClusterRoleBinding everywhere. */
static void read_binding(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_binding b = { .span = opsc_actual_span(a, doc) };
	b.name = opsc_actual_str(a, doc, "metadata.name");
	b.role_name = opsc_actual_str(a, doc, "roleRef.name");
	if (!b.role_name.s)
		opsc_actual_invalid(a, doc, "a binding needs roleRef.name");
	const opsc_yamldoc_node *subjects = opsc_actual_seq(a, doc, "subjects");
	uint32_t n = subjects ? subjects->sequence.len : 0;
	b.subjects = n ? opsc_arena_alloc(a->ctx->arena, n * sizeof *b.subjects) : NULL;
	for (uint32_t i = 0; i < n; i++)
		b.nsubjects += read_subject(a, subjects->sequence.items[i], &b.subjects[b.nsubjects]);
	bool cluster = strcmp(opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind")), "ClusterRoleBinding") == 0;
	actual_envs envs = cluster ? (actual_envs){ 0 } : opsc_actual_doc_envs(a, doc);
	opsc_array_push(&a->bindings, b);
	opsc_array_push(&a->binding_envs, envs);
}

/* ------------------------------------------------------------------ driver */

typedef void (*kind_reader)(opsc_actual *a, const opsc_yamldoc_node *doc);

/* kind, and the apiVersion it must have (a prefix: any version of the group) */
static const struct {
	const char *kind;
	const char *api;
	kind_reader read;
} readers[] = {
	{ "Namespace", "v1", read_namespace },
	{ "ResourceQuota", "v1", read_quota },
	{ "Role", "rbac.authorization.k8s.io/", read_role },
	{ "ClusterRole", "rbac.authorization.k8s.io/", read_role },
	{ "RoleBinding", "rbac.authorization.k8s.io/", read_binding },
	{ "ClusterRoleBinding", "rbac.authorization.k8s.io/", read_binding },
	{ "NetworkPolicy", "networking.k8s.io/", opsc_actual_netpol },
	{ "Schedule", "velero.io/", opsc_actual_backup },
	{ "PrometheusRule", "monitoring.coreos.com/", opsc_actual_alerts },
	{ "Pod", "v1", opsc_actual_workload },
	{ "Deployment", "apps/", opsc_actual_workload },
	{ "StatefulSet", "apps/", opsc_actual_workload },
	{ "ReplicaSet", "apps/", opsc_actual_workload },
	{ "DaemonSet", "apps/", opsc_actual_workload },
	{ "Job", "batch/", opsc_actual_workload },
	{ "CronJob", "batch/", opsc_actual_workload },
	{ "HelmRelease", "helm.toolkit.fluxcd.io/", opsc_actual_helm_release },
	{ "ExternalSecret", "external-secrets.io/", opsc_actual_external_secret },
	{ "ClusterSecretStore", "external-secrets.io/", opsc_actual_secret_store },
};

bool opsc_actual_reads_kind(const char *kind, size_t len)
{
	if (len == 4 && memcmp(kind, "List", 4) == 0)
		return true; /* it may hold any of them */
	/* kustomize's and Flux's: they change what the others are applied as */
	if ((len == 13 && memcmp(kind, "Kustomization", 13) == 0) || (len == 9 && memcmp(kind, "Component", 9) == 0))
		return true;
	for (size_t i = 0; i < sizeof readers / sizeof *readers; i++)
		if (strlen(readers[i].kind) == len && memcmp(kind, readers[i].kind, len) == 0)
			return true;
	return false;
}

/* Documents without kind and apiVersion (Helm values, Kustomizations'
 * patches, empty documents) are not objects: they are skipped quietly. */
void opsc_actual_read_doc(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion"));
	if (!kind || !api)
		return;
	if (strcmp(kind, "List") == 0) {
		const opsc_yamldoc_node *items = opsc_actual_seq(a, doc, "items");
		for (uint32_t i = 0; items && i < items->sequence.len; i++)
			opsc_actual_read_doc(a, items->sequence.items[i]);
		return;
	}
	for (size_t i = 0; i < sizeof readers / sizeof *readers; i++)
		if (strcmp(kind, readers[i].kind) == 0 &&
		    strncmp(api, readers[i].api, strlen(readers[i].api)) == 0) {
			readers[i].read(a, doc);
			return;
		}
}
