/*
 * kubernetes.c - Namespaces, RBAC, NetworkPolicies, ResourceQuotas and
 * LimitRanges (v1, rbac.authorization.k8s.io/v1, networking.k8s.io/v1).
 *
 * Per environment:
 *   <cluster>/<env>/namespace/namespace.yaml
 *   <cluster>/<env>/policy/rbac.yaml              Roles and RoleBindings
 *   <cluster>/<env>/policy/network-policies.yaml
 *   <cluster>/<env>/policy/quota.yaml             ResourceQuota, LimitRange
 * Per cluster:
 *   <cluster>/cluster/rbac.yaml                   ClusterRoles, ClusterRoleBindings
 *
 * A namespaced role is written only where a binding uses it: a Role nobody
 * is bound to grants nothing and would only be noise in every namespace.
 */
#include <string.h>

#include "emit.h"
#include "yamlw.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"
#define RBAC_API RBAC_GROUP "/v1"

typedef struct {
	opsc_emit *em;
	opsc_yw w;
	opsc_srcs srcs;
	bool any; /* a document was written */
} k8s_file;

static void file_open(k8s_file *f, opsc_emit *em)
{
	memset(f, 0, sizeof(*f));
	f->em = em;
	opsc_yw_open(&f->w, NULL);
}

/* Starts a document: apiVersion, kind, metadata (name, namespace, labels). */
static void object(k8s_file *f, opsc_span span, const char *api, const char *kind,
		   const char *name, const char *ns)
{
	opsc_srcs_add(&f->srcs, span);
	f->any = true;
	opsc_emit_object(&f->w, span, api, kind, name, ns);
}

static void object_end(k8s_file *f)
{
	opsc_emit_object_end(&f->w);
}

/* Closes the writer; adds the file when it holds at least one object. */
static int file_close(k8s_file *f, const char *path)
{
	int rc = 0;
	if (f->any)
		rc = opsc_emit_yaml(f->em, &f->w, path, &f->srcs);
	else
		opsc_yw_discard(&f->w);
	opsc_srcs_free(&f->srcs);
	return rc;
}

static void labels(opsc_yw *w, const char *key, opsc_kvs kvs)
{
	opsc_yw_key_map(w, key);
	for (uint32_t i = 0; i < kvs.len; i++)
		opsc_yw_kv(w, kvs.items[i].key.s, kvs.items[i].value.s);
	opsc_yw_end(w);
}

static void strs(opsc_yw *w, const char *key, opsc_strs list)
{
	if (!list.len)
		return;
	opsc_yw_key_seq(w, key);
	for (uint32_t i = 0; i < list.len; i++)
		opsc_yw_str(w, list.items[i].s);
	opsc_yw_end(w);
}

/* ---------------------------------------------------------------- namespace */

static int emit_namespace(opsc_emit *em, const opsc_env *env)
{
	k8s_file f;
	file_open(&f, em);
	opsc_srcs_add(&f.srcs, env->span);
	f.any = true;
	opsc_yw *w = &f.w;
	opsc_yw_doc_at(w, env->span);
	opsc_yw_map(w);
	opsc_yw_kv(w, "apiVersion", "v1");
	opsc_yw_kv(w, "kind", "Namespace");
	opsc_yw_key_map(w, "metadata");
	opsc_yw_kv(w, "name", env->namespace_.s);
	opsc_yw_key_map(w, "labels");
	opsc_yw_kv(w, "app.kubernetes.io/managed-by", "opsc");
	opsc_yw_kv(w, "opsc.dev/environment", env->name.s);
	if (env->production)
		opsc_yw_kv(w, "opsc.dev/tier", "production");
	for (uint32_t i = 0; i < env->labels.len; i++)
		opsc_yw_kv(w, env->labels.items[i].key.s, env->labels.items[i].value.s);
	opsc_yw_end(w);
	opsc_yw_end(w);
	object_end(&f);
	return file_close(&f, opsc_emit_env_path(em, env, "namespace", "namespace.yaml"));
}

/* --------------------------------------------------------------------- RBAC */

/* Which roles are ClusterRoles, and a scratch mark per role, computed once:
 * asking every binding about every role in every namespace would cost
 * envs x roles x bindings. */
typedef struct {
	bool *cluster; /* declared so, or bound cluster-wide */
	uint32_t *mark; /* == gen: used in the namespace or cluster at hand */
	uint32_t gen;
	/* environment e's bindings, in declaration order:
	 * env_bindings[env_start[e] .. env_start[e + 1]) */
	uint32_t *env_start, *env_bindings;
	uint32_t *roles; /* scratch: the roles of one namespace */
} rbac_index;

static uint32_t role_index(const opsc_model *m, const opsc_role *role)
{
	return role && role >= m->roles && role < m->roles + m->nroles ? (uint32_t)(role - m->roles)
									: UINT32_MAX;
}

static void rbac_index_init(rbac_index *ix, opsc_emit *em)
{
	const opsc_model *m = em->model;
	ix->cluster = opsc_arena_alloc(em->ctx->arena, (m->nroles + 1) * sizeof(bool));
	ix->mark = opsc_arena_alloc(em->ctx->arena, (m->nroles + 1) * sizeof(uint32_t));
	ix->gen = 0;
	for (uint32_t i = 0; i < m->nroles; i++)
		ix->cluster[i] = m->roles[i].cluster;
	for (uint32_t i = 0; i < m->nbindings; i++) {
		uint32_t r = role_index(m, m->bindings[i].role);
		if (r != UINT32_MAX && m->bindings[i].nenvs == 0)
			ix->cluster[r] = true;
	}
	ix->roles = opsc_arena_alloc(em->ctx->arena, (m->nroles + 1) * sizeof(uint32_t));
	ix->env_start = opsc_arena_alloc(em->ctx->arena, (m->nenvs + 2) * sizeof(uint32_t));
	uint32_t total = 0;
	for (uint32_t i = 0; i < m->nbindings; i++)
		for (uint32_t j = 0; j < m->bindings[i].nenvs; j++)
			ix->env_start[m->bindings[i].envs[j] - m->envs + 2]++;
	for (uint32_t e = 0; e <= m->nenvs; e++) /* counts -> starts, shifted by one */
		ix->env_start[e + 1] += ix->env_start[e];
	total = ix->env_start[m->nenvs + 1];
	ix->env_bindings = opsc_arena_alloc(em->ctx->arena, (total + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < m->nbindings; i++)
		for (uint32_t j = 0; j < m->bindings[i].nenvs; j++)
			ix->env_bindings[ix->env_start[m->bindings[i].envs[j] - m->envs + 1]++] = i;
}

static bool binding_on(const opsc_binding *b, const char *cluster)
{
	if (b->nenvs == 0)
		return true;
	for (uint32_t j = 0; j < b->nenvs; j++)
		if (strcmp(b->envs[j]->cluster.s, cluster) == 0)
			return true;
	return false;
}

static void role_rules(opsc_yw *w, const opsc_role *role)
{
	opsc_yw_key_seq(w, "rules");
	for (uint32_t i = 0; i < role->nrules; i++) {
		const opsc_rbac_rule *r = &role->rules[i];
		opsc_yw_map(w);
		if (r->non_resource_urls.len == 0) {
			/* apiGroups is required with resources, even when only core. */
			opsc_yw_key_seq(w, "apiGroups");
			for (uint32_t j = 0; j < r->api_groups.len; j++)
				opsc_yw_str(w, r->api_groups.items[j].s);
			if (r->api_groups.len == 0)
				opsc_yw_str(w, "");
			opsc_yw_end(w);
		}
		strs(w, "resources", r->resources);
		strs(w, "resourceNames", r->resource_names);
		strs(w, "nonResourceURLs", r->non_resource_urls);
		strs(w, "verbs", r->verbs);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void role_object(k8s_file *f, const opsc_role *role, const char *ns)
{
	object(f, role->span, RBAC_API, ns ? "Role" : "ClusterRole", role->name.s, ns);
	opsc_srcs_add(&f->srcs, role->used_at);
	role_rules(&f->w, role);
	object_end(f);
}

static void binding_object(k8s_file *f, const rbac_index *ix, const opsc_model *m,
			   const opsc_binding *b, const char *ns)
{
	uint32_t r = role_index(m, b->role);
	bool cluster_role = r == UINT32_MAX || ix->cluster[r];
	object(f, b->span, RBAC_API, ns ? "RoleBinding" : "ClusterRoleBinding", b->name.s, ns);
	opsc_yw *w = &f->w;
	opsc_yw_key_map(w, "roleRef");
	opsc_yw_kv(w, "apiGroup", RBAC_GROUP);
	opsc_yw_kv(w, "kind", cluster_role ? "ClusterRole" : "Role");
	opsc_yw_kv(w, "name", b->role_name.s);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "subjects");
	for (uint32_t i = 0; i < b->nsubjects; i++) {
		const opsc_subject *s = &b->subjects[i];
		opsc_yw_map(w);
		if (s->kind == OPSC_SUBJECT_SERVICE_ACCOUNT) {
			opsc_yw_kv(w, "kind", "ServiceAccount");
			opsc_yw_kv(w, "name", s->name.s);
			opsc_yw_kv(w, "namespace", s->namespace_.s ? s->namespace_.s : ns ? ns : "default");
		} else {
			opsc_yw_kv(w, "apiGroup", RBAC_GROUP);
			opsc_yw_kv(w, "kind", s->kind == OPSC_SUBJECT_USER ? "User" : "Group");
			opsc_yw_kv(w, "name", s->name.s);
		}
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
	object_end(f);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int emit_env_rbac(opsc_emit *em, rbac_index *ix, const opsc_env *env)
{
	const opsc_model *m = em->model;
	uint32_t e = (uint32_t)(env - m->envs), from = ix->env_start[e], to = ix->env_start[e + 1];
	uint32_t nroles = 0;
	ix->gen++;
	for (uint32_t j = from; j < to; j++) {
		uint32_t r = role_index(m, m->bindings[ix->env_bindings[j]].role);
		if (r != UINT32_MAX && !ix->cluster[r] && ix->mark[r] != ix->gen) {
			ix->mark[r] = ix->gen;
			ix->roles[nroles++] = r;
		}
	}
	if (nroles > 1) /* in declaration order, as the rest of the output */
		qsort(ix->roles, nroles, sizeof(uint32_t), cmp_u32);
	k8s_file f;
	file_open(&f, em);
	for (uint32_t i = 0; i < nroles; i++)
		role_object(&f, &m->roles[ix->roles[i]], env->namespace_.s);
	for (uint32_t j = from; j < to; j++)
		binding_object(&f, ix, m, &m->bindings[ix->env_bindings[j]], env->namespace_.s);
	return file_close(&f, opsc_emit_env_path(em, env, "policy", "rbac.yaml"));
}

static int emit_cluster_rbac(opsc_emit *em, rbac_index *ix, const char *cluster)
{
	const opsc_model *m = em->model;
	ix->gen++;
	for (uint32_t i = 0; i < m->nbindings; i++) {
		uint32_t r = role_index(m, m->bindings[i].role);
		if (r != UINT32_MAX && binding_on(&m->bindings[i], cluster))
			ix->mark[r] = ix->gen;
	}
	k8s_file f;
	file_open(&f, em);
	for (uint32_t i = 0; i < m->nroles; i++)
		if (ix->cluster[i] && ix->mark[i] == ix->gen)
			role_object(&f, &m->roles[i], NULL);
	for (uint32_t i = 0; i < m->nbindings; i++)
		if (m->bindings[i].nenvs == 0)
			binding_object(&f, ix, m, &m->bindings[i], NULL);
	return file_close(&f, opsc_arena_printf(em->ctx->arena, "%s/cluster/rbac.yaml", cluster));
}

/* ---------------------------------------------------------- network policy */

static void peer(opsc_yw *w, const opsc_peer *p)
{
	opsc_yw_map(w);
	switch (p->kind) {
	case OPSC_PEER_CIDR:
		opsc_yw_key_map(w, "ipBlock");
		opsc_yw_kv(w, "cidr", p->name.s);
		strs(w, "except", p->except);
		opsc_yw_end(w);
		break;
	case OPSC_PEER_NAMESPACE:
	case OPSC_PEER_ALL_NAMESPACES:
		opsc_yw_key_map(w, "namespaceSelector");
		if (p->kind == OPSC_PEER_NAMESPACE) {
			opsc_yw_key_map(w, "matchLabels");
			opsc_yw_kv(w, "kubernetes.io/metadata.name", p->name.s);
			opsc_yw_end(w);
		}
		opsc_yw_end(w);
		if (p->selector.len) {
			opsc_yw_key_map(w, "podSelector");
			labels(w, "matchLabels", p->selector);
			opsc_yw_end(w);
		}
		break;
	case OPSC_PEER_POD:
	case OPSC_PEER_SAME_NAMESPACE:
		opsc_yw_key_map(w, "podSelector");
		if (p->selector.len)
			labels(w, "matchLabels", p->selector);
		opsc_yw_end(w);
		break;
	}
	opsc_yw_end(w);
}

static void ports(opsc_yw *w, const opsc_net_rule *r)
{
	if (!r->nports)
		return;
	opsc_yw_key_seq(w, "ports");
	for (uint32_t i = 0; i < r->nports; i++) {
		const opsc_port *p = &r->ports[i];
		opsc_yw_map(w);
		opsc_yw_kv(w, "protocol", p->protocol);
		if (p->port)
			opsc_yw_kvi(w, "port", p->port);
		if (p->end_port && p->end_port != p->port)
			opsc_yw_kvi(w, "endPort", p->end_port);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static bool has_rules(const opsc_netpol *np, opsc_direction dir)
{
	for (uint32_t i = 0; i < np->nrules; i++)
		if (np->rules[i].direction == dir)
			return true;
	return false;
}

static void net_rules(opsc_yw *w, const opsc_netpol *np, opsc_direction dir)
{
	if (!has_rules(np, dir))
		return;
	opsc_yw_key_seq(w, dir == OPSC_INGRESS ? "ingress" : "egress");
	for (uint32_t i = 0; i < np->nrules; i++) {
		const opsc_net_rule *r = &np->rules[i];
		if (r->direction != dir)
			continue;
		opsc_yw_map(w);
		if (r->npeers) {
			opsc_yw_key_seq(w, dir == OPSC_INGRESS ? "from" : "to");
			for (uint32_t j = 0; j < r->npeers; j++)
				peer(w, &r->peers[j]);
			opsc_yw_end(w);
		}
		ports(w, r);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void netpol_object(k8s_file *f, const opsc_netpol *np, const char *ns)
{
	object(f, np->span, "networking.k8s.io/v1", "NetworkPolicy", np->name.s, ns);
	opsc_srcs_add(&f->srcs, np->used_at);
	opsc_yw *w = &f->w;
	opsc_yw_key_map(w, "spec");
	opsc_yw_key_map(w, "podSelector");
	if (np->pod_selector.len)
		labels(w, "matchLabels", np->pod_selector);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "policyTypes");
	if (np->deny_ingress || has_rules(np, OPSC_INGRESS))
		opsc_yw_str(w, "Ingress");
	if (np->deny_egress || has_rules(np, OPSC_EGRESS))
		opsc_yw_str(w, "Egress");
	opsc_yw_end(w);
	net_rules(w, np, OPSC_INGRESS);
	net_rules(w, np, OPSC_EGRESS);
	opsc_yw_end(w);
	object_end(f);
}

static int emit_env_network(opsc_emit *em, const opsc_env *env)
{
	k8s_file f;
	file_open(&f, em);
	for (uint32_t i = 0; i < em->model->nnetpols; i++) {
		const opsc_netpol *np = &em->model->netpols[i];
		if (opsc_emit_env_in(np->envs, np->nenvs, np->all_envs, env))
			netpol_object(&f, np, env->namespace_.s);
	}
	return file_close(&f, opsc_emit_env_path(em, env, "policy", "network-policies.yaml"));
}

/* ------------------------------------------------------------------- quotas */

static void qty(opsc_yw *w, const char *key, const opsc_qty *q)
{
	if (q->text)
		opsc_yw_kv(w, key, q->text);
}

static void limit_block(opsc_yw *w, const char *key, const opsc_qty *cpu, const opsc_qty *mem)
{
	if (!cpu->text && !mem->text)
		return;
	opsc_yw_key_map(w, key);
	qty(w, "cpu", cpu);
	qty(w, "memory", mem);
	opsc_yw_end(w);
}

static int emit_env_quota(opsc_emit *em, const opsc_env *env)
{
	const opsc_quota *q = &env->quota;
	if (!q->present)
		return 0;
	k8s_file f;
	file_open(&f, em);
	opsc_yw *w = &f.w;
	const char *ns = env->namespace_.s;
	if (q->nhard) {
		object(&f, q->span, "v1", "ResourceQuota", "opsc-quota", ns);
		opsc_yw_key_map(w, "spec");
		opsc_yw_key_map(w, "hard");
		for (uint32_t i = 0; i < q->nhard; i++)
			qty(w, q->hard[i].resource.s, &q->hard[i].value);
		opsc_yw_end(w);
		opsc_yw_end(w);
		object_end(&f);
	}
	const opsc_limits *l = &q->limits;
	if (l->present) {
		object(&f, l->span, "v1", "LimitRange", "opsc-limits", ns);
		opsc_yw_key_map(w, "spec");
		opsc_yw_key_seq(w, "limits");
		opsc_yw_map(w);
		opsc_yw_kv(w, "type", "Container");
		limit_block(w, "default", &l->default_cpu, &l->default_memory);
		limit_block(w, "defaultRequest", &l->request_cpu, &l->request_memory);
		limit_block(w, "max", &l->max_cpu, &l->max_memory);
		opsc_yw_end(w);
		opsc_yw_end(w);
		opsc_yw_end(w);
		object_end(&f);
	}
	return file_close(&f, opsc_emit_env_path(em, env, "policy", "quota.yaml"));
}

/* ------------------------------------------------------------------ emitter */

static int emit_kubernetes(opsc_emit *em)
{
	typedef int (*env_part)(opsc_emit *, const opsc_env *);
	static const env_part parts[] = { emit_namespace, emit_env_network, emit_env_quota };
	rbac_index ix;
	rbac_index_init(&ix, em);
	for (uint32_t i = 0; i < em->model->nenvs; i++) {
		const opsc_env *env = &em->model->envs[i];
		if (emit_env_rbac(em, &ix, env) < 0)
			return -1;
		for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
			if (parts[p](em, env) < 0)
				return -1;
	}
	uint32_t nclusters;
	const char **clusters = opsc_emit_clusters(em, &nclusters);
	for (uint32_t i = 0; i < nclusters; i++)
		if (emit_cluster_rbac(em, &ix, clusters[i]) < 0)
			return -1;
	return 0;
}

const opsc_emitter opsc_emit_kubernetes = { "kubernetes", emit_kubernetes };
