/*
 * policy_fields.c - what a policy can read from the Model: the collections
 * and, for each record kind, its fields with their types and getters.
 *
 * One table serves both the type checker (name -> type) and the evaluator
 * (name -> getter). Field names follow the attribute names of the language
 * (docs/language.md), so `e.protect.approvals` reads what `approvals = 2`
 * wrote; the Model reference in docs/language.md lists them.
 */
#include "policy.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Every record struct starts with its span: opsc_policy_record_span relies
 * on it for any kind. */
#define SPAN_FIRST(T) _Static_assert(offsetof(T, span) == 0, #T " must start with its span")
SPAN_FIRST(opsc_project);
SPAN_FIRST(opsc_env);
SPAN_FIRST(opsc_protect);
SPAN_FIRST(opsc_quota);
SPAN_FIRST(opsc_role);
SPAN_FIRST(opsc_rbac_rule);
SPAN_FIRST(opsc_binding);
SPAN_FIRST(opsc_subject);
SPAN_FIRST(opsc_netpol);
SPAN_FIRST(opsc_net_rule);
SPAN_FIRST(opsc_peer);
SPAN_FIRST(opsc_port);
SPAN_FIRST(opsc_backup);
SPAN_FIRST(opsc_alert);
SPAN_FIRST(opsc_receiver);
SPAN_FIRST(opsc_workload);
SPAN_FIRST(opsc_container);
SPAN_FIRST(opsc_volume);
SPAN_FIRST(opsc_secret);
SPAN_FIRST(opsc_secret_store);
SPAN_FIRST(opsc_slo);

static const char *const record_names[OPSC_REC_COUNT] = {
	[OPSC_REC_PROJECT] = "project",	    [OPSC_REC_ENV] = "environment",
	[OPSC_REC_PROTECT] = "protect",	    [OPSC_REC_QUOTA] = "quota",
	[OPSC_REC_ROLE] = "role",	    [OPSC_REC_RBAC_RULE] = "rule",
	[OPSC_REC_BINDING] = "binding",	    [OPSC_REC_SUBJECT] = "subject",
	[OPSC_REC_NETWORK] = "network",	    [OPSC_REC_NET_RULE] = "network rule",
	[OPSC_REC_PEER] = "peer",	    [OPSC_REC_PORT] = "port",
	[OPSC_REC_BACKUP] = "backup",	    [OPSC_REC_ALERT] = "alert",
	[OPSC_REC_RECEIVER] = "receiver",   [OPSC_REC_WORKLOAD] = "workload",
	[OPSC_REC_CONTAINER] = "container", [OPSC_REC_VOLUME] = "volume",
	[OPSC_REC_SECRET] = "secret",	    [OPSC_REC_SECRET_STORE] = "secret store",
	[OPSC_REC_SLO] = "slo",
};

const char *opsc_policy_record_name(opsc_record_kind record)
{
	return record < OPSC_REC_COUNT ? record_names[record] : "record";
}

/* ------------------------------------------------------------ value makers */

static opsc_value v_str(const char *s)
{
	return s ? (opsc_value){ .type = OPSC_PT_STRING, .str = s } : (opsc_value){ .type = OPSC_PT_NULL };
}

static opsc_value v_rec(opsc_record_kind kind, const void *node)
{
	return (opsc_value){ .type = OPSC_PT_RECORD, .rec = { kind, node } };
}

static opsc_value v_num(opsc_ptype type, double n)
{
	return (opsc_value){ .type = type, .num = n };
}

static opsc_value v_list(opsc_value *items, uint32_t len)
{
	return (opsc_value){ .type = OPSC_PT_LIST, .list = { items, len } };
}

/* A list of records laid out in an array of `size`-byte structs. */
static opsc_value rec_array(opsc_arena *a, opsc_record_kind kind, const void *base, uint32_t n,
			    size_t size)
{
	opsc_value *items = n ? opsc_arena_alloc(a, n * sizeof *items) : NULL;
	for (uint32_t i = 0; i < n; i++)
		items[i] = v_rec(kind, (const char *)base + i * size);
	return v_list(items, n);
}

#define AT(node, f, T) ((const T *)((const char *)(node) + (f)->off))

/* ---------------------------------------------------------- generic getters */

static opsc_value get_str(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return v_str(AT(n, f, opsc_str)->s);
}

static opsc_value get_bool(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return (opsc_value){ .type = OPSC_PT_BOOL, .b = *AT(n, f, bool) };
}

static opsc_value get_int(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return v_num(OPSC_PT_NUMBER, *AT(n, f, int));
}

static opsc_value get_u32(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return v_num(OPSC_PT_NUMBER, *AT(n, f, uint32_t));
}

static opsc_value get_dur(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return v_num(OPSC_PT_DURATION, (double)*AT(n, f, int64_t));
}

static opsc_value get_map(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return (opsc_value){ .type = OPSC_PT_MAP, .map = AT(n, f, opsc_kvs) };
}

static opsc_value strs_value(opsc_arena *a, const opsc_strs *s)
{
	opsc_value *items = s->len ? opsc_arena_alloc(a, s->len * sizeof *items) : NULL;
	for (uint32_t i = 0; i < s->len; i++)
		items[i] = v_str(s->items[i].s ? s->items[i].s : "");
	return v_list(items, s->len);
}

static opsc_value get_strs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m;
	return strs_value(a, AT(n, f, opsc_strs));
}

/* An embedded struct (env.protect, env.quota) as a record of the field's type. */
static opsc_value get_sub(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	return v_rec((opsc_record_kind)f->type.record, AT(n, f, char));
}

/* A string, flag, number or quantity of a workload, located where it was
 * written: null when the manifest leaves it out. */
static opsc_value located(opsc_value v, const opsc_span *at)
{
	v.at = at;
	return v;
}

static opsc_value get_str_at(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	const opsc_str *s = AT(n, f, opsc_str);
	return located(v_str(s->s), &s->span);
}

static opsc_value get_strs_at(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	const opsc_strs *s = AT(n, f, opsc_strs);
	opsc_value v = get_strs(a, m, n, f);
	for (uint32_t i = 0; i < v.list.len; i++)
		((opsc_value *)v.list.items)[i].at = &s->items[i].span;
	return v;
}

static opsc_value get_flag(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	const opsc_flag *fl = AT(n, f, opsc_flag);
	opsc_value v = { .type = OPSC_PT_BOOL, .b = fl->value };
	return located(fl->set ? v : (opsc_value){ .type = OPSC_PT_NULL }, &fl->span);
}

static opsc_value get_number(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	const opsc_number *num = AT(n, f, opsc_number);
	return located(num->set ? v_num(OPSC_PT_NUMBER, num->value) : (opsc_value){ .type = OPSC_PT_NULL },
		       &num->span);
}

static opsc_value get_qty(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	const opsc_qty *q = AT(n, f, opsc_qty);
	opsc_value v = { .type = OPSC_PT_QUANTITY, .num = q->milli, .text = q->text };
	return located(q->text ? v : (opsc_value){ .type = OPSC_PT_NULL }, &q->span);
}

/* --------------------------------------------------------- specific getters */

static opsc_value get_quota(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	const opsc_quota *q = n;
	for (uint32_t i = 0; i < q->nhard; i++)
		if (q->hard[i].resource.s && strcmp(q->hard[i].resource.s, f->arg) == 0)
			return located((opsc_value){ .type = OPSC_PT_QUANTITY, .num = q->hard[i].value.milli,
						     .text = q->hard[i].value.text },
				       &q->hard[i].value.span);
	return (opsc_value){ .type = OPSC_PT_NULL };
}

/* Environments a node applies to: its own list, or every one when all_envs. */
static opsc_value env_list(opsc_arena *a, const opsc_model *m, const opsc_env *const *envs, uint32_t n,
			   bool all)
{
	if (all)
		return rec_array(a, OPSC_REC_ENV, m->envs, m->nenvs, sizeof *m->envs);
	opsc_value *items = n ? opsc_arena_alloc(a, n * sizeof *items) : NULL;
	for (uint32_t i = 0; i < n; i++)
		items[i] = v_rec(OPSC_REC_ENV, envs[i]);
	return v_list(items, n);
}

static opsc_value get_binding_envs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)f;
	const opsc_binding *b = n;
	return env_list(a, m, b->envs, b->nenvs, false);
}

static opsc_value get_network_envs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)f;
	const opsc_netpol *p = n;
	return env_list(a, m, p->envs, p->nenvs, p->all_envs);
}

static opsc_value get_backup_envs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)f;
	const opsc_backup *b = n;
	return env_list(a, m, b->envs, b->nenvs, b->all_envs);
}

/* An alert without `in` is deployed to every environment. */
static opsc_value get_alert_envs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)f;
	const opsc_alert *al = n;
	return env_list(a, m, al->envs, al->nenvs, al->nenvs == 0);
}

/* An SLO without `in` is deployed to every environment. */
static opsc_value get_slo_envs(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)f;
	const opsc_slo *slo = n;
	return env_list(a, m, slo->envs, slo->nenvs, slo->nenvs == 0);
}

static opsc_value get_objective(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	return v_num(OPSC_PT_PERCENT, ((const opsc_slo *)n)->objective);
}

static opsc_value get_cluster_wide(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	return (opsc_value){ .type = OPSC_PT_BOOL, .b = ((const opsc_binding *)n)->nenvs == 0 };
}

static opsc_value get_role_rules(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_role *r = n;
	return rec_array(a, OPSC_REC_RBAC_RULE, r->rules, r->nrules, sizeof *r->rules);
}

/* role.verbs, role.resources, role.groups: the union over its rules, in
 * order, so `contains(r.verbs, "*")` needs no nested quantifier. */
static opsc_value get_role_union(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m;
	const opsc_role *r = n;
	uint32_t total = 0;
	for (uint32_t i = 0; i < r->nrules; i++)
		total += ((const opsc_strs *)((const char *)&r->rules[i] + f->off))->len;
	opsc_value *items = total ? opsc_arena_alloc(a, total * sizeof *items) : NULL;
	uint32_t k = 0;
	for (uint32_t i = 0; i < r->nrules; i++) {
		const opsc_strs *s = (const opsc_strs *)((const char *)&r->rules[i] + f->off);
		for (uint32_t j = 0; j < s->len; j++)
			items[k++] = v_str(s->items[j].s ? s->items[j].s : "");
	}
	return v_list(items, total);
}

static opsc_value get_subjects(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_binding *b = n;
	return rec_array(a, OPSC_REC_SUBJECT, b->subjects, b->nsubjects, sizeof *b->subjects);
}

static opsc_value get_binding_role(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_binding *b = n;
	return b->role ? v_rec(OPSC_REC_ROLE, b->role) : (opsc_value){ .type = OPSC_PT_NULL };
}

static opsc_value get_subject_kind(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	static const char *const kinds[] = { "user", "group", "service_account" };
	return v_str(kinds[((const opsc_subject *)n)->kind]);
}

static opsc_value get_net_rules(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_netpol *p = n;
	return rec_array(a, OPSC_REC_NET_RULE, p->rules, p->nrules, sizeof *p->rules);
}

static opsc_value get_direction(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	return v_str(((const opsc_net_rule *)n)->direction == OPSC_INGRESS ? "ingress" : "egress");
}

static opsc_value get_peers(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_net_rule *r = n;
	return rec_array(a, OPSC_REC_PEER, r->peers, r->npeers, sizeof *r->peers);
}

static opsc_value get_ports(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_net_rule *r = n;
	return rec_array(a, OPSC_REC_PORT, r->ports, r->nports, sizeof *r->ports);
}

static opsc_value get_peer_kind(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	static const char *const kinds[] = { "namespace", "pods", "cidr", "namespaces", "same_namespace" };
	return v_str(kinds[((const opsc_peer *)n)->kind]);
}

static opsc_value get_protocol(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	return v_str(((const opsc_port *)n)->protocol);
}

static opsc_value get_receiver_kinds(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	static const char *const kinds[] = { "slack", "pagerduty", "webhook", "email" };
	const opsc_receiver *r = n;
	opsc_value *items = r->nnotifiers ? opsc_arena_alloc(a, r->nnotifiers * sizeof *items) : NULL;
	for (uint32_t i = 0; i < r->nnotifiers; i++)
		items[i] = v_str(kinds[r->notifiers[i].kind]);
	return v_list(items, r->nnotifiers);
}

/* The Pod Security Admission level a namespace enforces, from its
 * pod-security.kubernetes.io/enforce label; null when it declares none. */
static opsc_value get_pod_security(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_env *e = n;
	for (uint32_t i = 0; i < e->labels.len; i++)
		if (strcmp(e->labels.items[i].key.s, "pod-security.kubernetes.io/enforce") == 0)
			return located(v_str(e->labels.items[i].value.s), &e->labels.items[i].value.span);
	return (opsc_value){ .type = OPSC_PT_NULL };
}

/* env.requests_cpu and friends: the sum over the regular containers of the
 * workloads in the namespace, times their replicas (f->off is the
 * opsc_sum_kind); null when no workload there says any. The actual Model
 * holds them added up once; another is added up on each read. */
static opsc_value get_env_sum(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	const opsc_env *e = n;
	if (!m->nenvs || e < m->envs || e >= m->envs + m->nenvs)
		return (opsc_value){ .type = OPSC_PT_NULL };
	const opsc_env_sums *sums = m->env_sums;
	if (!sums) {
		opsc_env_sums *own = opsc_arena_alloc(a, m->nenvs * sizeof *own);
		opsc_model_sum_workloads(m, own);
		sums = own;
	}
	const opsc_env_sums *s = &sums[e - m->envs];
	return s->set[f->off] ? (opsc_value){ .type = OPSC_PT_QUANTITY, .num = s->milli[f->off] }
			      : (opsc_value){ .type = OPSC_PT_NULL };
}

/* spec.replicas, located when the manifest writes it (1 otherwise). */
static opsc_value get_replicas(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_workload *w = n;
	return located(v_num(OPSC_PT_NUMBER, w->replicas), &w->replicas_span);
}

static opsc_value get_workload_env(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_workload *w = n;
	return w->env ? v_rec(OPSC_REC_ENV, w->env) : (opsc_value){ .type = OPSC_PT_NULL };
}

static opsc_value get_containers(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_workload *w = n;
	return rec_array(a, OPSC_REC_CONTAINER, w->containers, w->ncontainers, sizeof *w->containers);
}

static opsc_value get_volumes(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_workload *w = n;
	return rec_array(a, OPSC_REC_VOLUME, w->volumes, w->nvolumes, sizeof *w->volumes);
}

static opsc_value get_container_ports(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_container *c = n;
	return rec_array(a, OPSC_REC_PORT, c->ports, c->nports, sizeof *c->ports);
}

/* A duration that is unset when 0 (a rotation period, a refresh interval). */
static opsc_value get_dur_set(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m;
	int64_t s = *AT(n, f, int64_t);
	return s ? v_num(OPSC_PT_DURATION, (double)s) : (opsc_value){ .type = OPSC_PT_NULL };
}

static opsc_value get_secret_namespace(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	return v_str(((const opsc_secret *)n)->namespace_);
}

static opsc_value get_secret_env(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_secret *s = n;
	return s->env ? v_rec(OPSC_REC_ENV, s->env) : (opsc_value){ .type = OPSC_PT_NULL };
}

static opsc_value get_secret_provider(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)a, (void)m, (void)f;
	const opsc_secret *s = n;
	return v_str(s->store ? s->store->provider.s : NULL);
}

static opsc_value get_secret_keys(opsc_arena *a, const opsc_model *m, const void *n, const opsc_policy_field *f)
{
	(void)m, (void)f;
	const opsc_secret *s = n;
	opsc_value *items = s->nrefs ? opsc_arena_alloc(a, s->nrefs * sizeof *items) : NULL;
	for (uint32_t i = 0; i < s->nrefs; i++)
		items[i] = v_str(s->refs[i]->key.s ? s->refs[i]->key.s : "");
	return v_list(items, s->nrefs);
}

/* ------------------------------------------------------------------- table */

#define T(base) { OPSC_PT_##base, OPSC_PT_NULL, OPSC_REC_COUNT }
#define TLIST(elem) { OPSC_PT_LIST, OPSC_PT_##elem, OPSC_REC_COUNT }
#define TREC(kind) { OPSC_PT_RECORD, OPSC_PT_NULL, OPSC_REC_##kind }
#define TRECS(kind) { OPSC_PT_LIST, OPSC_PT_RECORD, OPSC_REC_##kind }
#define F(rec, name, type, get, S, member) { OPSC_REC_##rec, name, type, get, offsetof(S, member), NULL }
#define FX(rec, name, type, get) { OPSC_REC_##rec, name, type, get, 0, NULL }
#define FS(name, kind) { OPSC_REC_ENV, name, T(QUANTITY), get_env_sum, kind, NULL }
#define FQ(name, resource) { OPSC_REC_QUOTA, name, T(QUANTITY), get_quota, 0, resource }

static const opsc_policy_field fields[] = {
	F(PROJECT, "name", T(STRING), get_str, opsc_project, name),
	F(PROJECT, "repo", T(STRING), get_str, opsc_project, repo),
	F(PROJECT, "output", T(STRING), get_str, opsc_project, output),
	F(PROJECT, "timezone", T(STRING), get_str, opsc_project, timezone),
	F(PROJECT, "break_glass", T(STRING), get_str, opsc_project, break_glass),

	F(ENV, "name", T(STRING), get_str, opsc_env, name),
	F(ENV, "cluster", T(STRING), get_str, opsc_env, cluster),
	F(ENV, "namespace", T(STRING), get_str, opsc_env, namespace_),
	F(ENV, "production", T(BOOL), get_bool, opsc_env, production),
	F(ENV, "labels", T(MAP), get_map, opsc_env, labels),
	F(ENV, "protect", TREC(PROTECT), get_sub, opsc_env, protect),
	F(ENV, "quota", TREC(QUOTA), get_sub, opsc_env, quota),
	FX(ENV, "pod_security", T(STRING), get_pod_security),
	FS("requests_cpu", OPSC_SUM_REQUESTS_CPU),
	FS("requests_memory", OPSC_SUM_REQUESTS_MEMORY),
	FS("limits_cpu", OPSC_SUM_LIMITS_CPU),
	FS("limits_memory", OPSC_SUM_LIMITS_MEMORY),

	F(PROTECT, "present", T(BOOL), get_bool, opsc_protect, present),
	F(PROTECT, "reviewers", TLIST(STRING), get_strs, opsc_protect, reviewers),
	F(PROTECT, "approvals", T(NUMBER), get_int, opsc_protect, approvals),
	F(PROTECT, "wait", T(DURATION), get_dur, opsc_protect, wait_s),
	F(PROTECT, "branches", TLIST(STRING), get_strs, opsc_protect, branches),
	F(PROTECT, "protected_branches", T(BOOL), get_bool, opsc_protect, protected_branches),
	F(PROTECT, "prevent_self_review", T(BOOL), get_bool, opsc_protect, prevent_self_review),

	F(QUOTA, "present", T(BOOL), get_bool, opsc_quota, present),
	FQ("cpu", "requests.cpu"),
	FQ("memory", "requests.memory"),
	FQ("limits_cpu", "limits.cpu"),
	FQ("limits_memory", "limits.memory"),
	FQ("pods", "pods"),
	FQ("services", "services"),
	FQ("pvcs", "persistentvolumeclaims"),
	FQ("storage", "requests.storage"),
	FQ("configmaps", "configmaps"),
	FQ("secrets", "secrets"),

	F(ROLE, "name", T(STRING), get_str, opsc_role, name),
	F(ROLE, "cluster", T(BOOL), get_bool, opsc_role, cluster),
	FX(ROLE, "rules", TRECS(RBAC_RULE), get_role_rules),
	F(ROLE, "groups", TLIST(STRING), get_role_union, opsc_rbac_rule, api_groups),
	F(ROLE, "resources", TLIST(STRING), get_role_union, opsc_rbac_rule, resources),
	F(ROLE, "verbs", TLIST(STRING), get_role_union, opsc_rbac_rule, verbs),

	F(RBAC_RULE, "groups", TLIST(STRING), get_strs, opsc_rbac_rule, api_groups),
	F(RBAC_RULE, "resources", TLIST(STRING), get_strs, opsc_rbac_rule, resources),
	F(RBAC_RULE, "verbs", TLIST(STRING), get_strs, opsc_rbac_rule, verbs),
	F(RBAC_RULE, "names", TLIST(STRING), get_strs, opsc_rbac_rule, resource_names),
	F(RBAC_RULE, "urls", TLIST(STRING), get_strs, opsc_rbac_rule, non_resource_urls),

	F(BINDING, "name", T(STRING), get_str, opsc_binding, name),
	F(BINDING, "role_name", T(STRING), get_str, opsc_binding, role_name),
	FX(BINDING, "role", TREC(ROLE), get_binding_role),
	FX(BINDING, "to", TRECS(SUBJECT), get_subjects),
	FX(BINDING, "envs", TRECS(ENV), get_binding_envs),
	FX(BINDING, "cluster_wide", T(BOOL), get_cluster_wide),

	FX(SUBJECT, "kind", T(STRING), get_subject_kind),
	F(SUBJECT, "name", T(STRING), get_str, opsc_subject, name),
	F(SUBJECT, "namespace", T(STRING), get_str, opsc_subject, namespace_),

	F(NETWORK, "name", T(STRING), get_str, opsc_netpol, name),
	FX(NETWORK, "envs", TRECS(ENV), get_network_envs),
	F(NETWORK, "select", T(MAP), get_map, opsc_netpol, pod_selector),
	F(NETWORK, "deny_ingress", T(BOOL), get_bool, opsc_netpol, deny_ingress),
	F(NETWORK, "deny_egress", T(BOOL), get_bool, opsc_netpol, deny_egress),
	FX(NETWORK, "rules", TRECS(NET_RULE), get_net_rules),

	F(NET_RULE, "name", T(STRING), get_str, opsc_net_rule, name),
	FX(NET_RULE, "direction", T(STRING), get_direction),
	FX(NET_RULE, "peers", TRECS(PEER), get_peers),
	FX(NET_RULE, "ports", TRECS(PORT), get_ports),

	FX(PEER, "kind", T(STRING), get_peer_kind),
	F(PEER, "name", T(STRING), get_str, opsc_peer, name),
	F(PEER, "selector", T(MAP), get_map, opsc_peer, selector),

	F(PORT, "port", T(NUMBER), get_u32, opsc_port, port),
	F(PORT, "end_port", T(NUMBER), get_u32, opsc_port, end_port),
	FX(PORT, "protocol", T(STRING), get_protocol),

	F(BACKUP, "name", T(STRING), get_str, opsc_backup, name),
	F(BACKUP, "schedule", T(STRING), get_str, opsc_backup, schedule),
	F(BACKUP, "timezone", T(STRING), get_str, opsc_backup, timezone),
	F(BACKUP, "retain", T(DURATION), get_dur, opsc_backup, retain_s),
	F(BACKUP, "rpo", T(DURATION), get_dur, opsc_backup, rpo_s),
	FX(BACKUP, "envs", TRECS(ENV), get_backup_envs),
	F(BACKUP, "select", T(MAP), get_map, opsc_backup, select),
	F(BACKUP, "storage", T(STRING), get_str, opsc_backup, storage),
	F(BACKUP, "snapshot_volumes", T(BOOL), get_bool, opsc_backup, snapshot_volumes),
	F(BACKUP, "restore_test", T(STRING), get_str_at, opsc_backup, restore_test),
	F(BACKUP, "restore_namespace", T(STRING), get_str, opsc_backup, restore_namespace),

	F(ALERT, "name", T(STRING), get_str, opsc_alert, name),
	F(ALERT, "group", T(STRING), get_str, opsc_alert, group),
	F(ALERT, "expr", T(STRING), get_str, opsc_alert, expr),
	F(ALERT, "for", T(DURATION), get_dur, opsc_alert, for_s),
	F(ALERT, "severity", T(STRING), get_str, opsc_alert, severity),
	F(ALERT, "summary", T(STRING), get_str, opsc_alert, summary),
	F(ALERT, "description", T(STRING), get_str, opsc_alert, description),
	F(ALERT, "runbook", T(STRING), get_str, opsc_alert, runbook),
	F(ALERT, "runbook_file", T(STRING), get_str_at, opsc_alert, runbook_file),
	F(ALERT, "runbook_found", T(BOOL), get_bool, opsc_alert, runbook_found),
	F(ALERT, "labels", T(MAP), get_map, opsc_alert, labels),
	FX(ALERT, "envs", TRECS(ENV), get_alert_envs),

	F(SLO, "name", T(STRING), get_str, opsc_slo, name),
	F(SLO, "service", T(STRING), get_str, opsc_slo, service),
	FX(SLO, "objective", T(PERCENT), get_objective),
	F(SLO, "window", T(DURATION), get_dur, opsc_slo, window_s),
	F(SLO, "alert", T(STRING), get_str, opsc_slo, alert),
	F(SLO, "page", T(STRING), get_str, opsc_slo, page),
	F(SLO, "ticket", T(STRING), get_str, opsc_slo, ticket),
	F(SLO, "labels", T(MAP), get_map, opsc_slo, labels),
	FX(SLO, "envs", TRECS(ENV), get_slo_envs),

	F(RECEIVER, "name", T(STRING), get_str, opsc_receiver, name),
	FX(RECEIVER, "kinds", TLIST(STRING), get_receiver_kinds),

	F(WORKLOAD, "kind", T(STRING), get_str, opsc_workload, kind),
	F(WORKLOAD, "name", T(STRING), get_str, opsc_workload, name),
	F(WORKLOAD, "namespace", T(STRING), get_str, opsc_workload, namespace_),
	FX(WORKLOAD, "env", TREC(ENV), get_workload_env),
	FX(WORKLOAD, "replicas", T(NUMBER), get_replicas),
	F(WORKLOAD, "from_values", T(BOOL), get_bool, opsc_workload, from_values),
	F(WORKLOAD, "service_account", T(STRING), get_str_at, opsc_workload, service_account),
	F(WORKLOAD, "automount_token", T(BOOL), get_flag, opsc_workload, automount_token),
	F(WORKLOAD, "host_network", T(BOOL), get_flag, opsc_workload, host_network),
	F(WORKLOAD, "host_pid", T(BOOL), get_flag, opsc_workload, host_pid),
	F(WORKLOAD, "host_ipc", T(BOOL), get_flag, opsc_workload, host_ipc),
	FX(WORKLOAD, "containers", TRECS(CONTAINER), get_containers),
	FX(WORKLOAD, "volumes", TRECS(VOLUME), get_volumes),

	F(CONTAINER, "name", T(STRING), get_str, opsc_container, name),
	F(CONTAINER, "init", T(BOOL), get_bool, opsc_container, init),
	F(CONTAINER, "image", T(STRING), get_str_at, opsc_container, image),
	F(CONTAINER, "tag", T(STRING), get_str_at, opsc_container, tag),
	F(CONTAINER, "digest", T(STRING), get_str_at, opsc_container, digest),
	F(CONTAINER, "privileged", T(BOOL), get_flag, opsc_container, privileged),
	F(CONTAINER, "allow_privilege_escalation", T(BOOL), get_flag, opsc_container, allow_privilege_escalation),
	F(CONTAINER, "run_as_non_root", T(BOOL), get_flag, opsc_container, run_as_non_root),
	F(CONTAINER, "run_as_user", T(NUMBER), get_number, opsc_container, run_as_user),
	F(CONTAINER, "read_only_root_filesystem", T(BOOL), get_flag, opsc_container, read_only_root),
	F(CONTAINER, "capabilities_add", TLIST(STRING), get_strs_at, opsc_container, cap_add),
	F(CONTAINER, "capabilities_drop", TLIST(STRING), get_strs_at, opsc_container, cap_drop),
	F(CONTAINER, "requests_cpu", T(QUANTITY), get_qty, opsc_container, req_cpu),
	F(CONTAINER, "requests_memory", T(QUANTITY), get_qty, opsc_container, req_memory),
	F(CONTAINER, "limits_cpu", T(QUANTITY), get_qty, opsc_container, lim_cpu),
	F(CONTAINER, "limits_memory", T(QUANTITY), get_qty, opsc_container, lim_memory),
	F(CONTAINER, "liveness", T(BOOL), get_flag, opsc_container, liveness),
	F(CONTAINER, "readiness", T(BOOL), get_flag, opsc_container, readiness),
	F(CONTAINER, "declares_resources", T(BOOL), get_bool, opsc_container, declares_resources),
	F(CONTAINER, "declares_probes", T(BOOL), get_bool, opsc_container, declares_probes),
	FX(CONTAINER, "ports", TRECS(PORT), get_container_ports),
	F(CONTAINER, "env", T(MAP), get_map, opsc_container, env),

	F(VOLUME, "name", T(STRING), get_str, opsc_volume, name),
	F(VOLUME, "host_path", T(STRING), get_str_at, opsc_volume, host_path),

	F(SECRET, "name", T(STRING), get_str, opsc_secret, name),
	FX(SECRET, "namespace", T(STRING), get_secret_namespace),
	FX(SECRET, "env", TREC(ENV), get_secret_env),
	FX(SECRET, "keys", TLIST(STRING), get_secret_keys),
	F(SECRET, "store", T(STRING), get_str, opsc_secret, store_name),
	FX(SECRET, "provider", T(STRING), get_secret_provider),
	F(SECRET, "refresh", T(DURATION), get_dur_set, opsc_secret, refresh_s),
	F(SECRET, "kind", T(STRING), get_str, opsc_secret, kind),
	F(SECRET, "rotate", T(DURATION), get_dur_set, opsc_secret, rotate_s),

	F(SECRET_STORE, "name", T(STRING), get_str, opsc_secret_store, name),
	F(SECRET_STORE, "provider", T(STRING), get_str, opsc_secret_store, provider),
	F(SECRET_STORE, "refresh", T(DURATION), get_dur_set, opsc_secret_store, refresh_s),
};

const opsc_policy_field *opsc_policy_fields(uint32_t *out_len)
{
	*out_len = sizeof fields / sizeof *fields;
	return fields;
}

/* Every member access of every policy over every record asks for its
 * field (hundreds of thousands on a large repository): the table sorted
 * once by record and name, then a binary search. */
#define NFIELDS (sizeof fields / sizeof *fields)
static const opsc_policy_field *sorted[NFIELDS];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int cmp_field(const opsc_policy_field *a, opsc_record_kind record, const char *name)
{
	if (a->record != record)
		return a->record < record ? -1 : 1;
	return strcmp(a->name, name);
}

static int by_record_name(const void *x, const void *y)
{
	const opsc_policy_field *b = *(const opsc_policy_field *const *)y;
	return cmp_field(*(const opsc_policy_field *const *)x, b->record, b->name);
}

static void sort_fields(void)
{
	for (size_t i = 0; i < NFIELDS; i++)
		sorted[i] = &fields[i];
	qsort(sorted, NFIELDS, sizeof *sorted, by_record_name);
}

const opsc_policy_field *opsc_policy_field_find(opsc_record_kind record, const char *name)
{
	pthread_once(&sorted_once, sort_fields);
	opsc_policy_field key = { .record = record, .name = name };
	const opsc_policy_field *k = &key, *const *found = bsearch(&k, sorted, NFIELDS, sizeof *sorted, by_record_name);
	return found ? *found : NULL;
}

/* -------------------------------------------------------------- collections */

static const struct {
	const char *name;
	opsc_record_kind kind;
	size_t items, len, size; /* offsets in opsc_model, element size */
} collections[] = {
#define C(name, kind, items, len, T) { name, OPSC_REC_##kind, offsetof(opsc_model, items), offsetof(opsc_model, len), sizeof(T) }
	C("environments", ENV, envs, nenvs, opsc_env),
	C("roles", ROLE, roles, nroles, opsc_role),
	C("bindings", BINDING, bindings, nbindings, opsc_binding),
	C("networks", NETWORK, netpols, nnetpols, opsc_netpol),
	C("backups", BACKUP, backups, nbackups, opsc_backup),
	C("alerts", ALERT, alerts, nalerts, opsc_alert),
	C("slos", SLO, slos, nslos, opsc_slo),
	C("receivers", RECEIVER, receivers, nreceivers, opsc_receiver),
	C("workloads", WORKLOAD, workloads, nworkloads, opsc_workload),
	C("secrets", SECRET, secrets, nsecrets, opsc_secret),
	C("secret_stores", SECRET_STORE, stores, nstores, opsc_secret_store),
#undef C
};

int opsc_policy_collection_find(const char *name)
{
	for (size_t i = 0; i < sizeof collections / sizeof *collections; i++)
		if (strcmp(collections[i].name, name) == 0)
			return (int)i;
	return -1;
}

opsc_record_kind opsc_policy_collection_kind(int collection)
{
	return collections[collection].kind;
}

opsc_value opsc_policy_collection(opsc_arena *arena, const opsc_model *model, int collection)
{
	const char *m = (const char *)model;
	const void *base = *(const void *const *)(m + collections[collection].items);
	uint32_t n = *(const uint32_t *)(m + collections[collection].len);
	return rec_array(arena, collections[collection].kind, base, n, collections[collection].size);
}

opsc_span opsc_policy_record_span(const opsc_value *record)
{
	return *(const opsc_span *)record->rec.node;
}

const char *opsc_policy_record_label(const opsc_value *record)
{
	const opsc_policy_field *f = opsc_policy_field_find(record->rec.kind, "name");
	return f ? AT(record->rec.node, f, opsc_str)->s : NULL;
}
