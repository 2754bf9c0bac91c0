/*
 * sema_build.c - the Model from checked blocks.
 *
 * Two passes: first every named object is placed (so references can point
 * at objects declared later, in any file) and duplicates are reported with
 * both locations; then each object's attributes are read and references
 * resolved with "did you mean".
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "sema_int.h"
#include "suggest.h"
#include "units.h"

enum { MAX_CANDIDATES = 4096 };

/* ------------------------------------------------------------- name index */

typedef struct {
	const char **keys;
	uint32_t *vals;
	uint32_t cap, len;
} index_t;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void index_init(index_t *ix, uint32_t n)
{
	ix->cap = 16;
	while (ix->cap < n * 2 + 2)
		ix->cap *= 2;
	ix->keys = opsc_calloc(ix->cap, sizeof *ix->keys);
	ix->vals = opsc_calloc(ix->cap, sizeof *ix->vals);
	ix->len = 0;
}

static void index_free(index_t *ix)
{
	opsc_free(ix->keys);
	opsc_free(ix->vals);
}

/* Inserts or finds: returns the existing value, or UINT32_MAX after insert. */
static uint32_t index_put(index_t *ix, const char *key, uint32_t val)
{
	uint32_t i = hash(key) & (ix->cap - 1);
	while (ix->keys[i]) {
		if (strcmp(ix->keys[i], key) == 0)
			return ix->vals[i];
		i = (i + 1) & (ix->cap - 1);
	}
	ix->keys[i] = key;
	ix->vals[i] = val;
	ix->len++;
	return UINT32_MAX;
}

static uint32_t index_get(const index_t *ix, const char *key)
{
	uint32_t i = hash(key) & (ix->cap - 1);
	while (ix->keys[i]) {
		if (strcmp(ix->keys[i], key) == 0)
			return ix->vals[i];
		i = (i + 1) & (ix->cap - 1);
	}
	return UINT32_MAX;
}

/* ---------------------------------------------------------------- builder */

typedef struct {
	sema *s;
	const sema_item *items;
	uint32_t n;
	index_t envs, roles, receivers;
} builder;

typedef struct {
	const char *kind; /* "environment" */
	index_t *index;
} kind_index;

static const char *item_name(builder *b, const sema_item *it)
{
	return it->block->nlabels ? sema_label(b->s, &it->block->labels[0], it->scope) : "";
}

static opsc_str item_str(builder *b, const sema_item *it)
{
	opsc_str s = { item_name(b, it), it->block->nlabels ? it->block->labels[0].span : it->block->type_span };
	return s;
}

static const opsc_expr *attr(const sema_item *it, const char *name)
{
	const opsc_stmt *a = sema_attr_find(it->block, name);
	return a ? a->attr.value : NULL;
}

static const opsc_block *child(const opsc_block *b, const char *type, uint32_t *from)
{
	for (uint32_t i = from ? *from : 0; i < b->body.len; i++) {
		const opsc_stmt *st = &b->body.items[i];
		if (st->kind == OPSC_STMT_BLOCK && strcmp(st->block->type, type) == 0) {
			if (from)
				*from = i + 1;
			return st->block;
		}
	}
	if (from)
		*from = b->body.len;
	return NULL;
}

/* Places a named object; a second one with the same name is an error. */
static bool place(builder *b, index_t *ix, const sema_item *it, uint32_t slot, const char *what,
		  const opsc_span *spans)
{
	const char *name = item_name(b, it);
	uint32_t prev = index_put(ix, name, slot);
	if (prev == UINT32_MAX)
		return true;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", it->block->labels[0].span,
				     "%s `%s` is declared twice", what, name);
	opsc_diag_add_note(&b->s->ctx->diags, d, spans[prev], "first declared here");
	return false;
}

/* env.NAME / role.NAME / receiver.NAME -> index, with did-you-mean. */
static uint32_t resolve(builder *b, const index_t *ix, const opsc_expr *e, const char *what)
{
	const char *name = e->kind == OPSC_EXPR_MEMBER ? e->member.name : e->kind == OPSC_EXPR_IDENT ? e->ident : "";
	uint32_t v = index_get(ix, name);
	if (v != UINT32_MAX)
		return v;
	opsc_span at = e->kind == OPSC_EXPR_MEMBER ? e->member.name_span : e->span;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "unknown-reference", at, "there is no %s `%s`", what, name);
	const char **cands = opsc_malloc(MAX_CANDIDATES * sizeof *cands);
	uint32_t n = 0;
	for (uint32_t i = 0; i < ix->cap && n < MAX_CANDIDATES; i++)
		if (ix->keys[i])
			cands[n++] = ix->keys[i];
	const char *best = opsc_suggest(name, cands, n);
	if (best)
		opsc_diag_help(&b->s->ctx->diags, d, "did you mean `%s`?", best);
	opsc_free(cands);
	return UINT32_MAX;
}

static void env_list(builder *b, const sema_item *it, const opsc_expr *e, const opsc_env ***out, uint32_t *n,
		     bool *all)
{
	*n = 0;
	*out = NULL;
	if (!e)
		return;
	const opsc_expr *r = sema_resolve(b->s, e, it->scope);
	if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0) {
		if (all)
			*all = true;
		*n = b->s->model->nenvs;
		*out = opsc_arena_alloc(b->s->ctx->arena, (*n + 1) * sizeof **out);
		for (uint32_t i = 0; i < *n; i++)
			(*out)[i] = &b->s->model->envs[i];
		return;
	}
	uint32_t cnt;
	const opsc_expr *const *xs = sema_items(b->s, r, it->scope, &cnt);
	*out = opsc_arena_alloc(b->s->ctx->arena, (cnt + 1) * sizeof **out);
	for (uint32_t i = 0; i < cnt; i++) {
		const opsc_expr *x = sema_resolve(b->s, xs[i], r == e ? it->scope : NULL);
		if (x->kind != OPSC_EXPR_MEMBER)
			continue;
		uint32_t k = resolve(b, &b->envs, x, "environment");
		if (k != UINT32_MAX)
			(*out)[(*n)++] = &b->s->model->envs[k];
	}
}

static void get_str(builder *b, const sema_item *it, const char *name, opsc_str *out)
{
	const opsc_expr *e = attr(it, name);
	if (e)
		sema_string(b->s, e, it->scope, out);
}

/* ------------------------------------------------------------ environments */

static void build_protect(builder *b, const sema_item *env_it, const opsc_block *pb, opsc_protect *p)
{
	sema_item it = { pb, env_it->scope, env_it->file };
	const opsc_expr *e;
	int64_t v;
	p->present = true;
	p->span = pb->type_span;
	if ((e = attr(&it, "reviewers")))
		sema_strings(b->s, e, it.scope, &p->reviewers);
	if ((e = attr(&it, "branches")))
		sema_strings(b->s, e, it.scope, &p->branches);
	if ((e = attr(&it, "approvals")) && sema_int(b->s, e, it.scope, &v)) {
		p->approvals = (int)v;
		p->approvals_span = e->span;
	}
	if ((e = attr(&it, "wait")) && sema_duration(b->s, e, it.scope, &v)) {
		p->wait_s = v;
		p->wait_span = e->span;
	}
	if ((e = attr(&it, "protected_branches")))
		sema_bool(b->s, e, it.scope, &p->protected_branches);
	if ((e = attr(&it, "prevent_self_review"))) {
		sema_bool(b->s, e, it.scope, &p->prevent_self_review);
		p->prevent_self_review_span = e->span;
	}
	if (p->approvals == 0 && p->reviewers.len > 0)
		p->approvals = 1;
}

/* More approvals than reviewers: a team may hold enough people (a warning),
 * users alone never can (an error: the deployment could never proceed). */
static void check_approvers(opsc_diags *d, const opsc_protect *p)
{
	bool team = false;
	for (uint32_t i = 0; i < p->reviewers.len && !team; i++)
		team = p->reviewers.items[i].s[0] == '@';
	if (team)
		opsc_diag_warning(d, "approvals", p->approvals_span,
				  "%d approvals are required but only %u reviewers are listed", p->approvals, p->reviewers.len);
	else
		opsc_diag_error(d, "approvals", p->approvals_span,
				"%d approvals are required but only %u reviewer%s can approve: list more people or a team",
				p->approvals, p->reviewers.len, p->reviewers.len == 1 ? "" : "s");
}

/* GitHub's own limits, checked here so nothing fails half-applied with 422. */
static void check_protect(builder *b, const opsc_protect *p)
{
	opsc_diags *d = &b->s->ctx->diags;
	if (p->reviewers.len > 6)
		opsc_diag_error(d, "github-limit", p->reviewers.items[6].span,
				"GitHub allows at most 6 reviewers per environment; %u are listed", p->reviewers.len);
	if (p->wait_s > 43200 * 60)
		opsc_diag_error(d, "github-limit", p->wait_span, "GitHub's wait timer is at most 30 days (43,200 minutes)");
	if (p->wait_s % 60)
		opsc_diag_error(d, "github-limit", p->wait_span, "GitHub's wait timer counts whole minutes");
	if (p->prevent_self_review && p->reviewers.len == 0)
		opsc_diag_error(d, "github-limit", p->prevent_self_review_span,
				"`prevent_self_review` needs at least one reviewer");
	if (p->protected_branches && p->branches.len)
		opsc_diag_error(d, "github-limit", p->branches.items[0].span,
				"GitHub accepts either `protected_branches = true` or custom `branches`, not both");
	if (p->approvals > 0 && (uint32_t)p->approvals > p->reviewers.len && p->reviewers.len)
		check_approvers(d, p);
}

static const struct {
	const char *attr, *resource;
} quota_resources[] = {
	{ "cpu", "requests.cpu" }, { "memory", "requests.memory" }, { "limits_cpu", "limits.cpu" },
	{ "limits_memory", "limits.memory" }, { "pods", "pods" }, { "services", "services" },
	{ "pvcs", "persistentvolumeclaims" }, { "storage", "requests.storage" },
	{ "configmaps", "configmaps" }, { "secrets", "secrets" },
};

static void build_quota(builder *b, const sema_item *env_it, const opsc_block *qb, opsc_quota *q)
{
	size_t nres = sizeof quota_resources / sizeof *quota_resources;
	q->present = true;
	q->span = qb->type_span;
	q->hard = opsc_arena_alloc(b->s->ctx->arena, nres * sizeof *q->hard);
	for (size_t i = 0; i < nres; i++) {
		const opsc_stmt *a = sema_attr_find(qb, quota_resources[i].attr);
		opsc_quota_entry *en = &q->hard[q->nhard];
		if (a && sema_quantity(b->s, a->attr.value, env_it->scope, &en->value)) {
			en->resource = (opsc_str){ quota_resources[i].resource, a->attr.name_span };
			q->nhard++;
		}
	}
	const opsc_block *lb = child(qb, "limits", NULL);
	if (!lb)
		return;
	opsc_limits *l = &q->limits;
	struct { const char *name; opsc_qty *out; } fields[] = {
		{ "cpu", &l->default_cpu }, { "memory", &l->default_memory }, { "request_cpu", &l->request_cpu },
		{ "request_memory", &l->request_memory }, { "max_cpu", &l->max_cpu }, { "max_memory", &l->max_memory },
	};
	l->present = true;
	l->span = lb->type_span;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		const opsc_stmt *a = sema_attr_find(lb, fields[i].name);
		if (a)
			sema_quantity(b->s, a->attr.value, env_it->scope, fields[i].out);
	}
}

static void build_env(builder *b, const sema_item *it, opsc_env *env)
{
	env->span = it->block->type_span;
	env->name = item_str(b, it);
	get_str(b, it, "cluster", &env->cluster);
	env->namespace_ = env->name;
	get_str(b, it, "namespace", &env->namespace_);
	if (env->namespace_.s && !opsc_units_dns_label(env->namespace_.s))
		opsc_diag_error(&b->s->ctx->diags, "bad-name", env->namespace_.span,
				"\"%s\" is not a valid namespace name: lowercase letters, digits and `-`, at most 63", env->namespace_.s);
	env->production = strcmp(env->name.s, "production") == 0;
	const opsc_expr *e = attr(it, "production");
	if (e)
		sema_bool(b->s, e, it->scope, &env->production);
	if ((e = attr(it, "labels")))
		sema_map(b->s, e, it->scope, &env->labels);
	const opsc_block *pb = child(it->block, "protect", NULL);
	if (pb) {
		build_protect(b, it, pb, &env->protect);
		check_protect(b, &env->protect);
	}
	const opsc_block *qb = child(it->block, "quota", NULL);
	if (qb)
		build_quota(b, it, qb, &env->quota);
}

/* -------------------------------------------------------------------- rbac */

static void build_role(builder *b, const sema_item *it, opsc_role *role)
{
	role->span = it->block->type_span;
	role->name = item_str(b, it);
	role->origin = it->scope ? it->scope->origin : NULL;
	const opsc_expr *e = attr(it, "cluster");
	if (e)
		sema_bool(b->s, e, it->scope, &role->cluster);
	opsc_array(opsc_rbac_rule) rules = { 0 };
	uint32_t from = 0;
	for (const opsc_block *ab; (ab = child(it->block, "allow", &from));) {
		sema_item a = { ab, it->scope, it->file };
		opsc_rbac_rule r = { 0 };
		r.span = ab->type_span;
		struct { const char *name; opsc_strs *out; } lists[] = {
			{ "groups", &r.api_groups }, { "resources", &r.resources }, { "verbs", &r.verbs },
			{ "names", &r.resource_names }, { "urls", &r.non_resource_urls },
		};
		for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
			if ((e = attr(&a, lists[i].name)))
				sema_strings(b->s, e, it->scope, lists[i].out);
		opsc_array_push(&rules, r);
	}
	role->nrules = rules.len;
	role->rules = opsc_array_to_arena(b->s->ctx->arena, &rules);
}

static const char *const builtin_roles[] = { "cluster-admin", "admin", "edit", "view" };

static void build_subject(builder *b, const sema_item *it, const opsc_expr *x, opsc_subject *sub)
{
	static const char *const kinds[] = { "user", "group", "service_account" };
	sub->span = x->span;
	for (int k = 0; k < 3; k++)
		if (strcmp(x->call.name, kinds[k]) == 0)
			sub->kind = (opsc_subject_kind)k;
	if (x->call.nargs < 1 || x->call.nargs > (sub->kind == OPSC_SUBJECT_SERVICE_ACCOUNT ? 2u : 1u)) {
		opsc_diag_error(&b->s->ctx->diags, "bad-arguments", x->span, "%s() takes %s", x->call.name,
				sub->kind == OPSC_SUBJECT_SERVICE_ACCOUNT ? "a name and an optional namespace" : "one name");
		return;
	}
	sema_string(b->s, x->call.args[0], it->scope, &sub->name);
	if (x->call.nargs == 2)
		sema_string(b->s, x->call.args[1], it->scope, &sub->namespace_);
}

static void build_binding(builder *b, const sema_item *it, opsc_binding *bd)
{
	bd->span = it->block->type_span;
	if (it->block->nlabels != 1)
		return;
	const opsc_label *l = &it->block->labels[0];
	bd->role_name = (opsc_str){ l->kind == OPSC_LABEL_REF ? l->expr->member.name : l->text, l->span };
	if (l->kind == OPSC_LABEL_REF && l->expr->member.object->kind == OPSC_EXPR_IDENT &&
	    strcmp(l->expr->member.object->ident, "role") == 0) {
		uint32_t k = resolve(b, &b->roles, l->expr, "role");
		if (k != UINT32_MAX)
			bd->role = &b->s->model->roles[k];
	} else {
		bool known = false;
		for (size_t i = 0; i < 4; i++)
			known |= strcmp(l->text, builtin_roles[i]) == 0;
		if (!known) {
			uint32_t d = opsc_diag_error(&b->s->ctx->diags, "unknown-reference", l->span,
						     "`%s` is neither role.NAME nor a built-in role", l->text);
			const char *best = opsc_suggest(l->text, builtin_roles, 4);
			opsc_diag_help(&b->s->ctx->diags, d, best ? "did you mean `%s`?" : "built-in roles: cluster-admin, admin, edit, view%s",
				       best ? best : "");
		}
	}
	const opsc_expr *to = attr(it, "to");
	if (to) {
		uint32_t n;
		const opsc_expr *const *xs = sema_items(b->s, to, it->scope, &n);
		bd->subjects = opsc_arena_alloc(b->s->ctx->arena, (n + 1) * sizeof *bd->subjects);
		for (uint32_t i = 0; i < n; i++)
			if (xs[i]->kind == OPSC_EXPR_CALL)
				build_subject(b, it, xs[i], &bd->subjects[bd->nsubjects++]);
	}
	env_list(b, it, attr(it, "in"), &bd->envs, &bd->nenvs, NULL);
	opsc_str name = { NULL, bd->span };
	get_str(b, it, "name", &name);
	if (!name.s)
		name.s = opsc_arena_printf(b->s->ctx->arena, "%s-%s", bd->role_name.s,
					   bd->nsubjects ? bd->subjects[0].name.s : "none");
	bd->name = name;
}

/* ------------------------------------------------------------------ network */

static void build_peer(builder *b, const sema_item *it, const opsc_expr *x, opsc_peer *p)
{
	p->span = x->span;
	if (x->kind == OPSC_EXPR_IDENT) {
		p->kind = OPSC_PEER_ALL_NAMESPACES;
		return;
	}
	const char *fn = x->call.name;
	uint32_t n = x->call.nargs;
	if (strcmp(fn, "namespace") == 0 && n >= 1) {
		p->kind = OPSC_PEER_NAMESPACE;
		sema_string(b->s, x->call.args[0], it->scope, &p->name);
		if (n >= 2)
			sema_map(b->s, x->call.args[1], it->scope, &p->selector);
	} else if (strcmp(fn, "namespaces") == 0 && n == 1) {
		p->kind = OPSC_PEER_ALL_NAMESPACES;
		sema_map(b->s, x->call.args[0], it->scope, &p->selector);
	} else if (strcmp(fn, "pods") == 0 && n == 1) {
		p->kind = OPSC_PEER_POD;
		sema_map(b->s, x->call.args[0], it->scope, &p->selector);
	} else if (strcmp(fn, "cidr") == 0 && n >= 1) {
		p->kind = OPSC_PEER_CIDR;
		sema_string(b->s, x->call.args[0], it->scope, &p->name);
		if (n >= 2)
			sema_strings(b->s, x->call.args[1], it->scope, &p->except);
	} else {
		opsc_diag_error(&b->s->ctx->diags, "bad-arguments", x->span, "wrong arguments for %s()", fn);
	}
}

static void build_net_rule(builder *b, const sema_item *it, const opsc_block *ab, opsc_net_rule *r)
{
	r->span = ab->type_span;
	if (ab->nlabels != 2)
		return;
	r->direction = strcmp(ab->labels[0].text, "egress") == 0 ? OPSC_EGRESS : OPSC_INGRESS;
	if (strcmp(ab->labels[0].text, "ingress") != 0 && strcmp(ab->labels[0].text, "egress") != 0)
		opsc_diag_error(&b->s->ctx->diags, "bad-labels", ab->labels[0].span, "expected ingress or egress, found `%s`", ab->labels[0].text);
	r->name = (opsc_str){ sema_label(b->s, &ab->labels[1], it->scope), ab->labels[1].span };
	const opsc_stmt *peers = sema_attr_find(ab, r->direction == OPSC_EGRESS ? "to" : "from");
	const opsc_stmt *wrong = sema_attr_find(ab, r->direction == OPSC_EGRESS ? "from" : "to");
	if (wrong)
		opsc_diag_error(&b->s->ctx->diags, "bad-direction", wrong->attr.name_span, "an %s rule takes `%s`, not `%s`",
				r->direction == OPSC_EGRESS ? "egress" : "ingress", r->direction == OPSC_EGRESS ? "to" : "from",
				wrong->attr.name);
	if (peers) {
		uint32_t n;
		const opsc_expr *const *xs = sema_items(b->s, peers->attr.value, it->scope, &n);
		r->peers = opsc_arena_alloc(b->s->ctx->arena, (n + 1) * sizeof *r->peers);
		for (uint32_t i = 0; i < n; i++) {
			const opsc_expr *x = sema_resolve(b->s, xs[i], it->scope);
			if (x->kind == OPSC_EXPR_CALL || (x->kind == OPSC_EXPR_IDENT && strcmp(x->ident, "all") == 0))
				build_peer(b, it, x, &r->peers[r->npeers++]);
		}
	}
	const opsc_stmt *ports = sema_attr_find(ab, "ports");
	if (ports) {
		uint32_t n;
		const opsc_expr *const *xs = sema_items(b->s, ports->attr.value, it->scope, &n);
		r->ports = opsc_arena_alloc(b->s->ctx->arena, (n + 1) * sizeof *r->ports);
		for (uint32_t i = 0; i < n; i++) {
			const opsc_expr *x = sema_resolve(b->s, xs[i], it->scope);
			const char *proto = x->kind == OPSC_EXPR_PORT ? opsc_units_protocol(x->port.protocol) : NULL;
			if (proto)
				r->ports[r->nports++] = (opsc_port){ x->span, x->port.from, x->port.to, proto };
		}
	}
}

static void build_network(builder *b, const sema_item *it, opsc_netpol *np)
{
	np->span = it->block->type_span;
	np->name = item_str(b, it);
	env_list(b, it, attr(it, "in"), &np->envs, &np->nenvs, &np->all_envs);
	const opsc_expr *e;
	if ((e = attr(it, "select")))
		sema_map(b->s, e, it->scope, &np->pod_selector);
	if ((e = attr(it, "deny"))) {
		uint32_t n;
		const opsc_expr *const *xs = sema_items(b->s, e, it->scope, &n);
		for (uint32_t i = 0; i < n; i++) {
			const opsc_expr *x = sema_resolve(b->s, xs[i], it->scope);
			if (x->kind == OPSC_EXPR_IDENT) {
				np->deny_ingress |= strcmp(x->ident, "ingress") == 0;
				np->deny_egress |= strcmp(x->ident, "egress") == 0;
			}
		}
	}
	opsc_array(opsc_net_rule) rules = { 0 };
	uint32_t from = 0;
	for (const opsc_block *ab; (ab = child(it->block, "allow", &from));) {
		opsc_net_rule r = { 0 };
		build_net_rule(b, it, ab, &r);
		opsc_array_push(&rules, r);
	}
	np->nrules = rules.len;
	np->rules = opsc_array_to_arena(b->s->ctx->arena, &rules);
}

/* ------------------------------------------------------ backups and alerts */

static void build_backup(builder *b, const sema_item *it, opsc_backup *bk)
{
	bk->span = it->block->type_span;
	bk->name = item_str(b, it);
	get_str(b, it, "schedule", &bk->schedule);
	get_str(b, it, "timezone", &bk->timezone);
	get_str(b, it, "storage", &bk->storage);
	const opsc_expr *e;
	if ((e = attr(it, "retain")) && sema_duration(b->s, e, it->scope, &bk->retain_s))
		bk->retain_span = e->span;
	if ((e = attr(it, "rpo")) && sema_duration(b->s, e, it->scope, &bk->rpo_s))
		bk->rpo_span = e->span;
	if ((e = attr(it, "select")))
		sema_map(b->s, e, it->scope, &bk->select);
	if ((e = attr(it, "snapshot_volumes")))
		sema_bool(b->s, e, it->scope, &bk->snapshot_volumes);
	env_list(b, it, attr(it, "in"), &bk->envs, &bk->nenvs, &bk->all_envs);
}

static void build_alert(builder *b, const sema_item *it, opsc_alert *al)
{
	al->span = it->block->type_span;
	al->name = item_str(b, it);
	get_str(b, it, "expr", &al->expr);
	const opsc_expr *e = attr(it, "severity");
	if (e) {
		e = sema_resolve(b->s, e, it->scope);
		if (e->kind == OPSC_EXPR_IDENT)
			al->severity = (opsc_str){ e->ident, e->span };
		else if (e->kind == OPSC_EXPR_STRING)
			sema_string(b->s, e, NULL, &al->severity);
	}
	get_str(b, it, "summary", &al->summary);
	get_str(b, it, "description", &al->description);
	get_str(b, it, "runbook", &al->runbook);
	al->group = (opsc_str){ it->scope && it->scope->origin ? it->scope->origin : "opsc", al->span };
	get_str(b, it, "group", &al->group);
	if ((e = attr(it, "for")))
		sema_duration(b->s, e, it->scope, &al->for_s);
	if ((e = attr(it, "labels")))
		sema_map(b->s, e, it->scope, &al->labels);
	env_list(b, it, attr(it, "in"), &al->envs, &al->nenvs, NULL);
}

/* ------------------------------------------------------ receivers, routes */

static void secret_ref(builder *b, const sema_item *it, const opsc_block *nb, const char *name, opsc_secret_ref *out)
{
	const opsc_stmt *a = sema_attr_find(nb, name);
	if (!a)
		return;
	const opsc_expr *x = sema_resolve(b->s, a->attr.value, it->scope);
	if (x->kind != OPSC_EXPR_CALL || x->call.nargs != 2)
		return;
	out->span = x->span;
	sema_string(b->s, x->call.args[0], it->scope, &out->name);
	sema_string(b->s, x->call.args[1], it->scope, &out->key);
}

static void build_receiver(builder *b, const sema_item *it, opsc_receiver *rc)
{
	static const char *const kinds[] = { "slack", "pagerduty", "webhook", "email" };
	rc->span = it->block->type_span;
	rc->name = item_str(b, it);
	opsc_array(opsc_notifier) ns = { 0 };
	for (uint32_t i = 0; i < it->block->body.len; i++) {
		const opsc_stmt *st = &it->block->body.items[i];
		if (st->kind != OPSC_STMT_BLOCK)
			continue;
		const opsc_block *nb = st->block;
		sema_item ni = { nb, it->scope, it->file };
		opsc_notifier n = { 0 };
		n.span = nb->type_span;
		for (int k = 0; k < 4; k++)
			if (strcmp(nb->type, kinds[k]) == 0)
				n.kind = (opsc_receiver_kind)k;
		get_str(b, &ni, "channel", &n.channel);
		get_str(b, &ni, "to", &n.to);
		get_str(b, &ni, "from", &n.from);
		get_str(b, &ni, "smarthost", &n.smarthost);
		secret_ref(b, it, nb, "api_url", &n.api_url);
		secret_ref(b, it, nb, "routing_key", &n.routing_key);
		secret_ref(b, it, nb, "url", &n.url);
		secret_ref(b, it, nb, "password", &n.auth_password);
		const opsc_expr *e = attr(&ni, "send_resolved");
		if (e)
			sema_bool(b->s, e, it->scope, &n.send_resolved);
		opsc_array_push(&ns, n);
	}
	if (ns.len == 0 && !it->block->body.incomplete)
		opsc_diag_error(&b->s->ctx->diags, "empty-receiver", rc->name.span,
				"receiver `%s` sends nowhere: add slack { }, pagerduty { }, webhook { } or email { }", rc->name.s);
	rc->nnotifiers = ns.len;
	rc->notifiers = opsc_array_to_arena(b->s->ctx->arena, &ns);
}

/* when LABEL OP VALUE && ... */
typedef opsc_array(opsc_matcher) matcher_list;

static void matchers(builder *b, const opsc_expr *cond, matcher_list *out)
{
	static const struct { opsc_op op; opsc_match_op m; } ops[] = {
		{ OPSC_OP_EQ, OPSC_MATCH_EQ }, { OPSC_OP_NE, OPSC_MATCH_NE },
		{ OPSC_OP_MATCH, OPSC_MATCH_RE }, { OPSC_OP_NMATCH, OPSC_MATCH_NRE },
	};
	if (cond->kind == OPSC_EXPR_BINARY && cond->binary.op == OPSC_OP_AND) {
		matchers(b, cond->binary.left, out);
		matchers(b, cond->binary.right, out);
		return;
	}
	if (cond->kind == OPSC_EXPR_BINARY && cond->binary.left->kind == OPSC_EXPR_IDENT) {
		const opsc_expr *v = cond->binary.right;
		const char *val = v->kind == OPSC_EXPR_IDENT ? v->ident : v->kind == OPSC_EXPR_STRING ? v->str.value : NULL;
		for (size_t i = 0; i < 4 && val; i++) {
			if (ops[i].op != cond->binary.op)
				continue;
			opsc_matcher m = { cond->span, { cond->binary.left->ident, cond->binary.left->span }, { val, v->span }, ops[i].m };
			opsc_array_push(out, m);
			return;
		}
	}
	opsc_diag_error(&b->s->ctx->diags, "bad-condition", cond->span,
			"a route condition is `label == value` (or !=, =~, !~), joined with &&");
}

static void build_route(builder *b, const sema_item *it, const opsc_body *body, const opsc_expr *cond, opsc_route *r)
{
	opsc_block blk = { "route", it->block->type_span, NULL, 0, *body };
	sema_item ri = { &blk, it->scope, it->file };
	r->span = cond ? cond->span : it->block->type_span;
	const opsc_expr *e = attr(&ri, "to");
	if (e) {
		e = sema_resolve(b->s, e, it->scope);
		r->receiver_name = (opsc_str){ e->kind == OPSC_EXPR_MEMBER ? e->member.name : "", e->span };
		uint32_t k = e->kind == OPSC_EXPR_MEMBER ? resolve(b, &b->receivers, e, "receiver") : UINT32_MAX;
		if (k != UINT32_MAX)
			r->receiver = &b->s->model->receivers[k];
	}
	if ((e = attr(&ri, "group_by")))
		sema_strings(b->s, e, it->scope, &r->group_by);
	struct { const char *name; int64_t *out; } durs[] = {
		{ "group_wait", &r->group_wait_s }, { "group_interval", &r->group_interval_s }, { "repeat_interval", &r->repeat_interval_s },
	};
	for (size_t i = 0; i < 3; i++)
		if ((e = attr(&ri, durs[i].name)))
			sema_duration(b->s, e, it->scope, durs[i].out);
	if ((e = attr(&ri, "continue")))
		sema_bool(b->s, e, it->scope, &r->continue_);
	matcher_list ms = { 0 };
	if (cond)
		matchers(b, cond, &ms);
	r->nmatchers = ms.len;
	r->matchers = opsc_array_to_arena(b->s->ctx->arena, &ms);
	opsc_array(opsc_route) kids = { 0 };
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *st = &body->items[i];
		if (st->kind != OPSC_STMT_WHEN)
			continue;
		opsc_route kid = { 0 };
		build_route(b, it, &st->when.body, st->when.condition, &kid);
		opsc_array_push(&kids, kid);
	}
	r->nchildren = kids.len;
	r->children = opsc_array_to_arena(b->s->ctx->arena, &kids);
}

/* ------------------------------------------------------ policies, secrets */

static opsc_severity level_of(builder *b, const sema_item *it, opsc_severity def)
{
	const opsc_expr *e = attr(it, "severity");
	if (!e)
		return def;
	e = sema_resolve(b->s, e, it->scope);
	const char *w = e->kind == OPSC_EXPR_IDENT ? e->ident : "";
	return strcmp(w, "note") == 0 ? OPSC_SEV_NOTE : strcmp(w, "warning") == 0 ? OPSC_SEV_WARNING : OPSC_SEV_ERROR;
}

static void build_policy(builder *b, const sema_item *it, opsc_policy *p)
{
	p->span = it->block->type_span;
	p->name = item_str(b, it);
	p->severity = level_of(b, it, OPSC_SEV_ERROR);
	get_str(b, it, "description", &p->description);
	p->body = it->block->body.items;
	p->nbody = it->block->body.len;
}

/* The pattern must compile, and the secret's group must exist in it. */
static void check_pattern(builder *b, const opsc_secret_rule *r)
{
	int err;
	PCRE2_SIZE off;
	if (!r->pattern.s)
		return;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->pattern.s, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(err, msg, sizeof msg);
		opsc_diag_error(&b->s->ctx->diags, "secret-pattern", r->pattern.span,
				"the pattern does not compile: %s (at offset %zu)", (const char *)msg, (size_t)off);
		return;
	}
	uint32_t groups = 0;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
	if (r->group > groups)
		opsc_diag_error(&b->s->ctx->diags, "secret-group", r->span,
				"`group = %u`, but the pattern has %u capture group%s", r->group, groups, groups == 1 ? "" : "s");
	pcre2_code_free(re);
}

static void build_secret(builder *b, const sema_item *it, opsc_secret_rule *r)
{
	r->span = it->block->type_span;
	r->id = item_str(b, it);
	r->severity = level_of(b, it, OPSC_SEV_ERROR);
	get_str(b, it, "description", &r->description);
	get_str(b, it, "pattern", &r->pattern);
	const opsc_expr *e;
	int64_t g;
	if ((e = attr(it, "group")) && sema_int(b->s, e, it->scope, &g))
		r->group = (uint32_t)g;
	if ((e = attr(it, "entropy")))
		sema_number(b->s, e, it->scope, &r->entropy);
	check_pattern(b, r);
	struct { const char *name; opsc_strs *out; } lists[] = {
		{ "keywords", &r->keywords }, { "paths", &r->paths }, { "allow_paths", &r->allow_paths }, { "allow_values", &r->allow_values },
	};
	for (size_t i = 0; i < 4; i++)
		if ((e = attr(it, lists[i].name)))
			sema_strings(b->s, e, it->scope, lists[i].out);
}

static void build_project(builder *b, const sema_item *it, opsc_project *p)
{
	p->span = it->block->type_span;
	p->name = item_str(b, it);
	get_str(b, it, "repo", &p->repo);
	get_str(b, it, "output", &p->output);
	get_str(b, it, "timezone", &p->timezone);
	get_str(b, it, "break_glass", &p->break_glass);
	get_str(b, it, "flux_source", &p->flux_source);
	get_str(b, it, "flux_velero", &p->flux_velero);
	get_str(b, it, "flux_monitoring", &p->flux_monitoring);
	if (p->repo.s && (!strchr(p->repo.s, '/') || strchr(p->repo.s, '/') != strrchr(p->repo.s, '/')))
		opsc_diag_error(&b->s->ctx->diags, "bad-repo", p->repo.span, "`repo` is a GitHub \"owner/name\", found \"%s\"", p->repo.s);
	const opsc_expr *e = attr(it, "reviewers");
	if (e && (e = sema_resolve(b->s, e, it->scope))->kind == OPSC_EXPR_MAP) {
		p->reviewers = opsc_arena_alloc(b->s->ctx->arena, (e->map.len + 1) * sizeof *p->reviewers);
		for (uint32_t i = 0; i < e->map.len; i++) {
			int64_t id;
			if (!sema_int(b->s, e->map.pairs[i].value, it->scope, &id))
				continue;
			const char *h = e->map.pairs[i].key;
			p->reviewers[p->nreviewers++] = (opsc_reviewer){ { h, e->map.pairs[i].key_span }, id, h[0] == '@' };
		}
	}
	const opsc_block *rb = child(it->block, "rules", NULL);
	if (!rb)
		return;
	p->rules = opsc_arena_alloc(b->s->ctx->arena, (rb->body.len + 1) * sizeof *p->rules);
	for (uint32_t i = 0; i < rb->body.len; i++) {
		const opsc_stmt *a = &rb->body.items[i];
		if (a->kind != OPSC_STMT_ATTR || a->attr.value->kind != OPSC_EXPR_IDENT)
			continue;
		const char *w = a->attr.value->ident;
		opsc_rule_setting *rs = &p->rules[p->nrules++];
		rs->rule = (opsc_str){ a->attr.name, a->attr.name_span };
		rs->disabled = strcmp(w, "off") == 0;
		rs->severity = strcmp(w, "note") == 0 ? OPSC_SEV_NOTE : strcmp(w, "warning") == 0 ? OPSC_SEV_WARNING : OPSC_SEV_ERROR;
	}
}

/* Every reviewer handle needs a numeric id for GitHub's API. */
static void check_reviewer_ids(builder *b)
{
	opsc_model *m = b->s->model;
	for (uint32_t i = 0; i < m->nenvs; i++) {
		const opsc_strs *rv = &m->envs[i].protect.reviewers;
		for (uint32_t k = 0; k < rv->len; k++) {
			bool found = false;
			for (uint32_t p = 0; p < m->project.nreviewers && !found; p++)
				found = strcmp(m->project.reviewers[p].handle.s, rv->items[k].s) == 0;
			if (found)
				continue;
			uint32_t d = opsc_diag_error(&b->s->ctx->diags, "reviewer-id", rv->items[k].span,
						     "reviewer `%s` has no GitHub id: GitHub's API takes numeric ids", rv->items[k].s);
			if (m->has_project)
				opsc_diag_add_note(&b->s->ctx->diags, d, m->project.span, "map it in the project block");
			opsc_diag_help(&b->s->ctx->diags, d, "add it to project: reviewers = { \"%s\" = <id> }", rv->items[k].s);
		}
	}
}

/* ------------------------------------------------------------------ driver */

typedef enum { K_PROJECT, K_ENV, K_ROLE, K_BIND, K_NETWORK, K_BACKUP, K_ALERT, K_RECEIVER, K_ROUTE, K_POLICY, K_SECRET, K_COUNT } kind_t;

static const char *const kind_types[K_COUNT] = {
	"project", "environment", "role", "bind", "network", "backup", "alert", "receiver", "route", "policy", "secret",
};

static kind_t kind_of(const opsc_block *blk)
{
	for (int k = 0; k < K_COUNT; k++)
		if (strcmp(blk->type, kind_types[k]) == 0)
			return (kind_t)k;
	return K_COUNT;
}

/* Names of every kind that others refer to or that must be unique. */
static void place_all(builder *b, uint32_t *count, uint32_t **slot)
{
	opsc_model *m = b->s->model;
	opsc_arena *a = b->s->ctx->arena;
	index_t other[K_COUNT];
	opsc_span *spans[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		spans[k] = opsc_calloc(count[k] + 1, sizeof(opsc_span));
		index_init(&other[k], count[k]);
	}
	m->envs = opsc_arena_alloc(a, (count[K_ENV] + 1) * sizeof *m->envs);
	m->roles = opsc_arena_alloc(a, (count[K_ROLE] + 1) * sizeof *m->roles);
	m->receivers = opsc_arena_alloc(a, (count[K_RECEIVER] + 1) * sizeof *m->receivers);
	uint32_t next[K_COUNT] = { 0 };
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		kind_t k = kind_of(it->block);
		slot[0][i] = UINT32_MAX;
		if (k == K_COUNT || k == K_ROUTE || k == K_BIND || it->block->nlabels != 1)
			continue;
		index_t *ix = k == K_ENV ? &b->envs : k == K_ROLE ? &b->roles : k == K_RECEIVER ? &b->receivers : &other[k];
		spans[k][next[k]] = it->block->labels[0].span;
		if (place(b, ix, it, next[k], kind_types[k], spans[k]))
			slot[0][i] = next[k]++;
	}
	for (int k = 0; k < K_COUNT; k++) {
		opsc_free(spans[k]);
		index_free(&other[k]);
	}
}

static void build_all(builder *b)
{
	opsc_model *m = b->s->model;
	opsc_arena *a = b->s->ctx->arena;
	uint32_t count[K_COUNT] = { 0 };
	for (uint32_t i = 0; i < b->n; i++) {
		kind_t k = kind_of(b->items[i].block);
		if (k != K_COUNT)
			count[k]++;
	}
	uint32_t *slot = opsc_calloc(b->n + 1, sizeof *slot);
	place_all(b, count, &slot);
	m->bindings = opsc_arena_alloc(a, (count[K_BIND] + 1) * sizeof *m->bindings);
	m->netpols = opsc_arena_alloc(a, (count[K_NETWORK] + 1) * sizeof *m->netpols);
	m->backups = opsc_arena_alloc(a, (count[K_BACKUP] + 1) * sizeof *m->backups);
	m->alerts = opsc_arena_alloc(a, (count[K_ALERT] + 1) * sizeof *m->alerts);
	m->policies = opsc_arena_alloc(a, (count[K_POLICY] + 1) * sizeof *m->policies);
	m->secret_rules = opsc_arena_alloc(a, (count[K_SECRET] + 1) * sizeof *m->secret_rules);
	/* environments first: the others refer to them */
	for (uint32_t i = 0; i < b->n; i++)
		if (kind_of(b->items[i].block) == K_ENV && slot[i] != UINT32_MAX) {
			build_env(b, &b->items[i], &m->envs[slot[i]]);
			m->nenvs = m->nenvs > slot[i] + 1 ? m->nenvs : slot[i] + 1;
		}
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		kind_t k = kind_of(it->block);
		bool placed = slot[i] != UINT32_MAX;
		if (k == K_ROLE && placed) {
			build_role(b, it, &m->roles[slot[i]]);
			m->nroles = m->nroles > slot[i] + 1 ? m->nroles : slot[i] + 1;
		} else if (k == K_RECEIVER && placed) {
			build_receiver(b, it, &m->receivers[slot[i]]);
			m->nreceivers = m->nreceivers > slot[i] + 1 ? m->nreceivers : slot[i] + 1;
		} else if (k == K_PROJECT && placed) {
			if (m->has_project) {
				uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", it->block->type_span, "there can be only one project block");
				opsc_diag_add_note(&b->s->ctx->diags, d, m->project.span, "the first one is here");
			} else {
				build_project(b, it, &m->project);
				m->has_project = true;
			}
		}
	}
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		switch (kind_of(it->block)) {
		case K_BIND: build_binding(b, it, &m->bindings[m->nbindings++]); break;
		case K_NETWORK: if (slot[i] != UINT32_MAX) build_network(b, it, &m->netpols[m->nnetpols++]); break;
		case K_BACKUP: if (slot[i] != UINT32_MAX) build_backup(b, it, &m->backups[m->nbackups++]); break;
		case K_ALERT: if (slot[i] != UINT32_MAX) build_alert(b, it, &m->alerts[m->nalerts++]); break;
		case K_POLICY: if (slot[i] != UINT32_MAX) build_policy(b, it, &m->policies[m->npolicies++]); break;
		case K_SECRET: if (slot[i] != UINT32_MAX) build_secret(b, it, &m->secret_rules[m->nsecret_rules++]); break;
		case K_ROUTE:
			if (m->has_route) {
				uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", it->block->type_span,
							     "there can be only one top-level route; nest the others with `when`");
				opsc_diag_add_note(&b->s->ctx->diags, d, m->route.span, "the first one is here");
				break;
			}
			build_route(b, it, &it->block->body, NULL, &m->route);
			m->has_route = true;
			break;
		default: break;
		}
	}
	check_reviewer_ids(b);
	opsc_free(slot);
}

void sema_build_items(sema *s, const sema_item *items, uint32_t n)
{
	builder b = { s, items, n, { 0 }, { 0 }, { 0 } };
	index_init(&b.envs, n);
	index_init(&b.roles, n);
	index_init(&b.receivers, n);
	build_all(&b);
	index_free(&b.envs);
	index_free(&b.roles);
	index_free(&b.receivers);
}
