/*
 * sema_build_project.c - Model builders for the project-wide objects:
 * environments (with protection rules and quotas), the project block,
 * policies and secret rules.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "sema_build_int.h"
#include "util.h"

/* ------------------------------------------------------------ environments */

static void build_protect(builder *b, const sema_item *env_it, const opsc_block *pb, opsc_protect *p)
{
	sema_item it = { pb, env_it->scope, env_it->file };
	const opsc_expr *e;
	int64_t v;
	p->present = true;
	p->span = pb->type_span;
	if ((e = sema_item_attr(b, &it, "reviewers")))
		sema_strings(b->s, e, it.scope, &p->reviewers);
	if ((e = sema_item_attr(b, &it, "branches")))
		sema_strings(b->s, e, it.scope, &p->branches);
	if ((e = sema_item_attr(b, &it, "approvals")) && sema_int(b->s, e, it.scope, &v)) {
		p->approvals = (int)v;
		p->approvals_span = e->span;
	}
	if ((e = sema_item_attr(b, &it, "wait")) && sema_duration(b->s, e, it.scope, &v)) {
		p->wait_s = v;
		p->wait_span = e->span;
	}
	if ((e = sema_item_attr(b, &it, "protected_branches")))
		sema_bool(b->s, e, it.scope, &p->protected_branches);
	if ((e = sema_item_attr(b, &it, "prevent_self_review"))) {
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
		const opsc_stmt *a = sema_attr_given(b->s, qb, quota_resources[i].attr, env_it->scope);
		opsc_quota_entry *en = &q->hard[q->nhard];
		if (a && sema_quantity(b->s, a->attr.value, env_it->scope, &en->value)) {
			en->resource = (opsc_str){ quota_resources[i].resource, a->attr.name_span };
			q->nhard++;
		}
	}
	const opsc_block *lb = sema_child_block(qb, "limits", NULL);
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
		const opsc_stmt *a = sema_attr_given(b->s, lb, fields[i].name, env_it->scope);
		if (a)
			sema_quantity(b->s, a->attr.value, env_it->scope, fields[i].out);
	}
}

void sema_build_env(builder *b, const sema_item *it, opsc_env *env)
{
	env->span = it->block->type_span;
	env->name = sema_item_str(b, it);
	sema_item_string(b, it, "cluster", &env->cluster);
	env->namespace_ = env->name;
	sema_item_string(b, it, "namespace", &env->namespace_);
	if (env->namespace_.s && !opsc_units_dns_label(env->namespace_.s))
		opsc_diag_error(&b->s->ctx->diags, "bad-name", env->namespace_.span,
				"\"%s\" is not a valid namespace name: lowercase letters, digits and `-`, at most 63", env->namespace_.s);
	env->production = strcmp(env->name.s, "production") == 0;
	const opsc_expr *e = sema_item_attr(b, it, "production");
	if (e)
		sema_bool(b->s, e, it->scope, &env->production);
	if ((e = sema_item_attr(b, it, "labels")))
		sema_map(b->s, e, it->scope, &env->labels);
	const opsc_block *pb = sema_child_block(it->block, "protect", NULL);
	if (pb) {
		build_protect(b, it, pb, &env->protect);
		check_protect(b, &env->protect);
	}
	const opsc_block *qb = sema_child_block(it->block, "quota", NULL);
	if (qb)
		build_quota(b, it, qb, &env->quota);
}


/* ------------------------------------------------------ policies, secrets */

static opsc_severity level_of(builder *b, const sema_item *it, opsc_severity def)
{
	const opsc_expr *e = sema_item_attr(b, it, "severity");
	if (!e)
		return def;
	e = sema_resolve(b->s, e, it->scope);
	const char *w = e->kind == OPSC_EXPR_IDENT ? e->ident : "";
	return strcmp(w, "note") == 0 ? OPSC_SEV_NOTE : strcmp(w, "warning") == 0 ? OPSC_SEV_WARNING : OPSC_SEV_ERROR;
}

void sema_build_policy(builder *b, const sema_item *it, opsc_policy *p)
{
	p->span = it->block->type_span;
	p->name = sema_item_str(b, it);
	p->severity = level_of(b, it, OPSC_SEV_ERROR);
	sema_item_string(b, it, "description", &p->description);
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

void sema_build_secret(builder *b, const sema_item *it, opsc_secret_rule *r)
{
	r->span = it->block->type_span;
	r->id = sema_item_str(b, it);
	r->severity = level_of(b, it, OPSC_SEV_ERROR);
	sema_item_string(b, it, "description", &r->description);
	sema_item_string(b, it, "pattern", &r->pattern);
	const opsc_expr *e;
	int64_t g;
	if ((e = sema_item_attr(b, it, "group")) && sema_int(b->s, e, it->scope, &g))
		r->group = (uint32_t)g;
	if ((e = sema_item_attr(b, it, "entropy")))
		sema_number(b->s, e, it->scope, &r->entropy);
	if ((e = sema_item_attr(b, it, "assigned")))
		sema_bool(b->s, e, it->scope, &r->assigned);
	sema_item_string(b, it, "example", &r->example);
	sema_item_string(b, it, "ignores", &r->ignores);
	check_pattern(b, r);
	struct { const char *name; opsc_strs *out; } lists[] = {
		{ "keywords", &r->keywords }, { "paths", &r->paths }, { "allow_paths", &r->allow_paths }, { "allow_values", &r->allow_values },
	};
	for (size_t i = 0; i < 4; i++)
		if ((e = sema_item_attr(b, it, lists[i].name)))
			sema_strings(b->s, e, it->scope, lists[i].out);
}

void sema_build_project(builder *b, const sema_item *it, opsc_project *p)
{
	p->span = it->block->type_span;
	p->name = sema_item_str(b, it);
	sema_item_string(b, it, "repo", &p->repo);
	sema_item_string(b, it, "output", &p->output);
	sema_item_string(b, it, "timezone", &p->timezone);
	sema_item_string(b, it, "break_glass", &p->break_glass);
	sema_item_string(b, it, "runbooks", &p->runbooks);
	sema_item_string(b, it, "runbook_url", &p->runbook_url);
	sema_item_string(b, it, "flux_source", &p->flux_source);
	sema_item_string(b, it, "flux_velero", &p->flux_velero);
	sema_item_string(b, it, "flux_monitoring", &p->flux_monitoring);
	if (p->repo.s && (!strchr(p->repo.s, '/') || strchr(p->repo.s, '/') != strrchr(p->repo.s, '/')))
		opsc_diag_error(&b->s->ctx->diags, "bad-repo", p->repo.span, "`repo` is a GitHub \"owner/name\", found \"%s\"", p->repo.s);
	const opsc_expr *e = sema_item_attr(b, it, "reviewers");
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
	const opsc_block *rb = sema_child_block(it->block, "rules", NULL);
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
void sema_check_reviewer_ids(builder *b)
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
