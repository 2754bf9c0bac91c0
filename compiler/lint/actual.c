/*
 * actual.c - the actual-state Model from manifests: the driver, namespaces,
 * quotas and RBAC (see actual.h). The field readers every kind reader uses
 * are in actual_fields.c.
 */
#include "actual_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define NONE ((opsc_str){ NULL, OPSC_NO_SPAN })

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
