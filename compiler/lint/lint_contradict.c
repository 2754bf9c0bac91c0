/*
 * lint_contradict.c - what the manifests grant or leave open against what
 * the .ops declare, checked without policy text:
 *
 *   undeclared-cluster-admin        a binding to cluster-admin in the
 *                                   manifests that no .ops declares (the
 *                                   project's break_glass excepted)
 *   role-exceeds-declared           a Role/ClusterRole granting a verb,
 *                                   resource or group beyond the declared
 *                                   role of the same name
 *   namespace-without-default-deny  a namespace the .ops manage whose
 *                                   manifests do not deny ingress and
 *                                   egress by default and allow DNS
 *                                   (namespaces the manifests mention)
 *   external-secret-differs         an ExternalSecret contradicting the
 *                                   store the .ops fill its Secret from
 *                                   (lint_contradict_secrets.c)
 *
 * Findings point into the manifests, with the declaring .ops node as the
 * related location.
 */
#include "lint_policy_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static opsc_place in_actual(opsc_span span)
{
	return (opsc_place){ span, OPSC_IN_ACTUAL };
}

static opsc_place in_declared(opsc_span span)
{
	return (opsc_place){ span, OPSC_IN_DECLARED };
}

static const char *printf_(policy_pass *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *printf_(policy_pass *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = opsc_arena_vprintf(p->run->out->arena, fmt, ap);
	va_end(ap);
	return s;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static const opsc_role *find_role(const opsc_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->nroles; i++)
		if (same(m->roles[i].name.s, name))
			return &m->roles[i];
	return NULL;
}

/* The actual Model has one environment per namespace. */
static const opsc_env *find_namespace(const opsc_model *m, const char *ns)
{
	for (uint32_t i = 0; i < m->nenvs; i++)
		if (same(m->envs[i].namespace_.s, ns))
			return &m->envs[i];
	return NULL;
}

/* ------------------------------------------------ undeclared-cluster-admin */

static bool declared_binding(const opsc_model *m, const char *name, const char *role)
{
	for (uint32_t i = 0; i < m->nbindings; i++)
		if (same(m->bindings[i].name.s, name) && same(m->bindings[i].role_name.s, role))
			return true;
	return false;
}

static void undeclared_cluster_admin(policy_pass *p)
{
	const opsc_project *project = p->declared->has_project ? &p->declared->project : NULL;
	const char *glass = project ? project->break_glass.s : NULL;
	for (uint32_t i = 0; i < p->actual->nbindings; i++) {
		const opsc_binding *b = &p->actual->bindings[i];
		if (!same(b->role_name.s, "cluster-admin") || same(b->name.s, glass) ||
		    declared_binding(p->declared, b->name.s, "cluster-admin"))
			continue;
		const char *who = b->nsubjects && b->subjects[0].name.s ? b->subjects[0].name.s : "nobody";
		opsc_lint_policy_add(p, "undeclared-cluster-admin", in_actual(b->span), in_declared(OPSC_NO_SPAN), NULL,
				     printf_(p, "binding %s grants cluster-admin to %s%s, but no .ops file declares it",
					     b->name.s ? b->name.s : "(unnamed)", who, b->nsubjects > 1 ? " and others" : ""));
	}
}

/* --------------------------------------------------- role-exceeds-declared */

static bool has(const opsc_strs *s, const char *x)
{
	for (uint32_t i = 0; i < s->len; i++)
		if (same(s->items[i].s, x) || same(s->items[i].s, "*"))
			return true;
	return false;
}

/* Whether every resource name of `want` is allowed by `by` (none: all). */
static bool names_within(const opsc_strs *want, const opsc_strs *by)
{
	if (!by->len)
		return true;
	if (!want->len)
		return false;
	for (uint32_t i = 0; i < want->len; i++)
		if (!has(by, want->items[i].s))
			return false;
	return true;
}

/* What one (group, resource or URL, verb) of an actual rule is. */
typedef struct {
	const char *group, *resource, *url, *verb;
	const opsc_strs *names;
} grant;

static bool rule_allows(const opsc_rbac_rule *r, const grant *g)
{
	if (!has(&r->verbs, g->verb))
		return false;
	if (g->url)
		return has(&r->non_resource_urls, g->url);
	/* a declared rule without groups is the core group's, as opsc emits it */
	bool group = r->api_groups.len ? has(&r->api_groups, g->group) : strcmp(g->group, "") == 0;
	return group && has(&r->resources, g->resource) && names_within(g->names, &r->resource_names);
}

static bool role_allows(const opsc_role *role, const grant *g)
{
	for (uint32_t i = 0; i < role->nrules; i++)
		if (rule_allows(&role->rules[i], g))
			return true;
	return false;
}

static const char *grant_text(policy_pass *p, const grant *g)
{
	if (g->url)
		return printf_(p, "`%s` on URL %s", g->verb, g->url);
	if (!*g->group)
		return printf_(p, "`%s` on %s", g->verb, g->resource);
	return printf_(p, "`%s` on %s in API group %s", g->verb, g->resource, g->group);
}

/* The first grant of `r` that `declared` does not allow, into *out. An
 * empty apiGroups is the core group, as Kubernetes reads it. */
static bool first_excess(const opsc_rbac_rule *r, const opsc_role *declared, grant *out)
{
	static const opsc_str core = { "", { 0 } };
	const opsc_strs groups = r->api_groups.len ? r->api_groups : (opsc_strs){ (opsc_str *)&core, 1 };
	for (uint32_t v = 0; v < r->verbs.len; v++) {
		*out = (grant){ .verb = r->verbs.items[v].s, .names = &r->resource_names };
		for (uint32_t u = 0; u < r->non_resource_urls.len; u++) {
			out->url = r->non_resource_urls.items[u].s;
			if (!role_allows(declared, out))
				return true;
		}
		out->url = NULL;
		for (uint32_t gi = 0; gi < groups.len; gi++)
			for (uint32_t x = 0; x < r->resources.len; x++) {
				out->group = groups.items[gi].s;
				out->resource = r->resources.items[x].s;
				if (!role_allows(declared, out))
					return true;
			}
	}
	return false;
}

static void role_exceeds_declared(policy_pass *p)
{
	for (uint32_t i = 0; i < p->actual->nroles; i++) {
		const opsc_role *r = &p->actual->roles[i];
		const opsc_role *d = find_role(p->declared, r->name.s);
		for (uint32_t k = 0; d && k < r->nrules; k++) {
			grant g;
			if (!first_excess(&r->rules[k], d, &g))
				continue;
			opsc_lint_policy_add(p, "role-exceeds-declared", in_actual(r->rules[k].span), in_declared(d->span),
					     "the declared role",
					     printf_(p, "%s %s grants %s, which the declared role %s does not",
						     r->cluster ? "ClusterRole" : "Role", r->name.s, grant_text(p, &g), d->name.s));
		}
	}
}

/* ------------------------------------------- namespace-without-default-deny */

static bool applies_in(const opsc_netpol *n, const char *ns)
{
	for (uint32_t i = 0; i < n->nenvs; i++)
		if (same(n->envs[i]->namespace_.s, ns))
			return true;
	return false;
}

static bool allows_dns(const opsc_netpol *n)
{
	for (uint32_t i = 0; i < n->nrules; i++) {
		const opsc_net_rule *r = &n->rules[i];
		if (r->direction != OPSC_EGRESS)
			continue;
		if (!r->nports)
			return true;
		for (uint32_t k = 0; k < r->nports; k++)
			if (r->ports[k].port == 0 || (r->ports[k].port <= 53 && 53 <= r->ports[k].end_port))
				return true;
	}
	return false;
}

enum { DENY_INGRESS = 1, DENY_EGRESS = 2, DNS = 4, ALL = 7 };

static unsigned namespace_has(const opsc_model *m, const char *ns)
{
	unsigned got = 0;
	for (uint32_t i = 0; i < m->nnetpols; i++) {
		const opsc_netpol *n = &m->netpols[i];
		if (!applies_in(n, ns))
			continue;
		bool all_pods = n->pod_selector.len == 0;
		got |= (all_pods && n->deny_ingress ? DENY_INGRESS : 0) | (all_pods && n->deny_egress ? DENY_EGRESS : 0) |
		       (allows_dns(n) ? DNS : 0);
	}
	return got;
}

/* "no default-deny ingress policy, no DNS egress" */
static const char *missing_text(policy_pass *p, unsigned missing)
{
	static const struct {
		unsigned bit;
		const char *text;
	} parts[] = {
		{ DENY_INGRESS, "no default-deny ingress policy" },
		{ DENY_EGRESS, "no default-deny egress policy" },
		{ DNS, "no egress to DNS (port 53)" },
	};
	const char *out = "";
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (missing & parts[i].bit)
			out = printf_(p, "%s%s%s", out, *out ? ", " : "", parts[i].text);
	return out;
}

/* Namespaces the manifests mention (a Namespace object, or an object in
 * it): one they never mention is not applied from this target at all,
 * which is drift-missing's to report, and a PATH below the top of the
 * repository would otherwise report every namespace outside it. The
 * finding is at the Namespace object, or the first object naming it. */
static void namespace_without_default_deny(policy_pass *p)
{
	for (uint32_t i = 0; i < p->declared->nenvs; i++) {
		const opsc_env *e = &p->declared->envs[i];
		const opsc_env *seen = find_namespace(p->actual, e->namespace_.s);
		unsigned missing = seen ? ALL & ~namespace_has(p->actual, e->namespace_.s) : 0;
		if (!missing)
			continue;
		opsc_lint_policy_add(p, "namespace-without-default-deny", in_actual(seen->span), in_declared(e->span),
				     "the environment managing it",
				     printf_(p, "namespace %s (environment %s) has, in the manifests, %s",
					     e->namespace_.s, e->name.s, missing_text(p, missing)));
	}
}

void opsc_lint_contradictions(policy_pass *p)
{
	undeclared_cluster_admin(p);
	role_exceeds_declared(p);
	namespace_without_default_deny(p);
	opsc_lint_contradict_secrets(p);
}
