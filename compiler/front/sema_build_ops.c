/*
 * sema_build_ops.c - Model builders for what runs in the clusters: RBAC
 * roles and bindings, network policies, backups, alerts, receivers and the
 * alert route tree.
 */
#include <string.h>

#include "util.h"
#include "sema_build_int.h"

/* The user's outermost `use` behind an item from a template (what the
 * headers of generated files name, beside the template's own file);
 * OPSC_NO_SPAN for an item written directly. */
opsc_span sema_used_at(const sema_item *it)
{
	const sema_scope *sc = it->scope;
	while (sc && sc->caller)
		sc = sc->caller;
	return sc ? sc->use : OPSC_NO_SPAN;
}

/* -------------------------------------------------------------------- rbac */

void sema_build_role(builder *b, const sema_item *it, opsc_role *role)
{
	role->span = it->block->type_span;
	role->name = sema_item_str(b, it);
	role->origin = it->scope ? it->scope->origin : NULL;
	role->used_at = sema_used_at(it);
	const opsc_expr *e = sema_item_attr(b, it, "cluster");
	if (e)
		sema_bool(b->s, e, it->scope, &role->cluster);
	opsc_array(opsc_rbac_rule) rules = { 0 };
	uint32_t from = 0;
	for (const opsc_block *ab; (ab = sema_child_block(it->block, "allow", &from));) {
		sema_item a = { ab, it->scope, it->file };
		opsc_rbac_rule r = { 0 };
		r.span = ab->type_span;
		struct { const char *name; opsc_strs *out; } lists[] = {
			{ "groups", &r.api_groups }, { "resources", &r.resources }, { "verbs", &r.verbs },
			{ "names", &r.resource_names }, { "urls", &r.non_resource_urls },
		};
		for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
			if ((e = sema_item_attr(b, &a, lists[i].name)))
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

void sema_build_binding(builder *b, const sema_item *it, opsc_binding *bd)
{
	bd->span = it->block->type_span;
	if (it->block->nlabels != 1)
		return;
	const opsc_label *l = &it->block->labels[0];
	bd->role_name = (opsc_str){ l->kind == OPSC_LABEL_REF ? l->expr->member.name : l->text, l->span };
	if (l->kind == OPSC_LABEL_REF && l->expr->member.object->kind == OPSC_EXPR_IDENT &&
	    strcmp(l->expr->member.object->ident, "role") == 0) {
		uint32_t k = sema_resolve_ref(b, &b->roles, l->expr, "role");
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
	const opsc_expr *to = sema_item_attr(b, it, "to");
	if (to) {
		uint32_t n;
		const opsc_expr *const *xs = sema_items(b->s, to, it->scope, &n);
		bd->subjects = opsc_arena_alloc(b->s->ctx->arena, (n + 1) * sizeof *bd->subjects);
		for (uint32_t i = 0; i < n; i++)
			if (xs[i]->kind == OPSC_EXPR_CALL)
				build_subject(b, it, xs[i], &bd->subjects[bd->nsubjects++]);
	}
	sema_env_list(b, it, sema_item_attr(b, it, "in"), &bd->envs, &bd->nenvs, NULL);
	opsc_str name = { NULL, bd->span };
	sema_item_string(b, it, "name", &name);
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
	const opsc_stmt *peers = sema_attr_given(b->s, ab, r->direction == OPSC_EGRESS ? "to" : "from", it->scope);
	const opsc_stmt *wrong = sema_attr_given(b->s, ab, r->direction == OPSC_EGRESS ? "from" : "to", it->scope);
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
	const opsc_stmt *ports = sema_attr_given(b->s, ab, "ports", it->scope);
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

void sema_build_network(builder *b, const sema_item *it, opsc_netpol *np)
{
	np->span = it->block->type_span;
	np->used_at = sema_used_at(it);
	np->name = sema_item_str(b, it);
	sema_env_list(b, it, sema_item_attr(b, it, "in"), &np->envs, &np->nenvs, &np->all_envs);
	const opsc_expr *e;
	if ((e = sema_item_attr(b, it, "select")))
		sema_map(b->s, e, it->scope, &np->pod_selector);
	if ((e = sema_item_attr(b, it, "deny"))) {
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
	for (const opsc_block *ab; (ab = sema_child_block(it->block, "allow", &from));) {
		opsc_net_rule r = { 0 };
		build_net_rule(b, it, ab, &r);
		opsc_array_push(&rules, r);
	}
	np->nrules = rules.len;
	np->rules = opsc_array_to_arena(b->s->ctx->arena, &rules);
}

/* ------------------------------------------------------ backups and alerts */

void sema_build_backup(builder *b, const sema_item *it, opsc_backup *bk)
{
	bk->span = it->block->type_span;
	bk->used_at = sema_used_at(it);
	bk->name = sema_item_str(b, it);
	sema_item_string(b, it, "schedule", &bk->schedule);
	sema_item_string(b, it, "timezone", &bk->timezone);
	sema_item_string(b, it, "storage", &bk->storage);
	const opsc_expr *e;
	if ((e = sema_item_attr(b, it, "retain")) && sema_duration(b->s, e, it->scope, &bk->retain_s))
		bk->retain_span = e->span;
	if ((e = sema_item_attr(b, it, "rpo")) && sema_duration(b->s, e, it->scope, &bk->rpo_s))
		bk->rpo_span = e->span;
	if ((e = sema_item_attr(b, it, "select")))
		sema_map(b->s, e, it->scope, &bk->select);
	if ((e = sema_item_attr(b, it, "snapshot_volumes")))
		bk->snapshot_volumes_set = sema_bool(b->s, e, it->scope, &bk->snapshot_volumes);
	sema_env_list(b, it, sema_item_attr(b, it, "in"), &bk->envs, &bk->nenvs, &bk->all_envs);
	sema_item_string(b, it, "restore_test", &bk->restore_test);
	sema_item_string(b, it, "restore_namespace", &bk->restore_namespace);
	bk->restore_timeout_s = 3600;
	if ((e = sema_item_attr(b, it, "restore_timeout")))
		sema_duration(b->s, e, it->scope, &bk->restore_timeout_s);
}

void sema_item_severity(builder *b, const sema_item *it, const char *name, opsc_str *out)
{
	const opsc_expr *e = sema_item_attr(b, it, name);
	if (!e)
		return;
	e = sema_resolve(b->s, e, it->scope);
	if (e->kind == OPSC_EXPR_IDENT)
		*out = (opsc_str){ e->ident, e->span };
	else if (e->kind == OPSC_EXPR_STRING)
		sema_string(b->s, e, NULL, out);
}

void sema_build_alert(builder *b, const sema_item *it, opsc_alert *al)
{
	al->span = it->block->type_span;
	al->used_at = sema_used_at(it);
	al->name = sema_item_str(b, it);
	const opsc_expr *e = sema_item_attr(b, it, "expr");
	if (e)
		sema_promql(b->s, e, it->scope, &al->expr);
	sema_item_severity(b, it, "severity", &al->severity);
	sema_item_text(b, it, "summary", OPSC_GOTMPL_PROMETHEUS, &al->summary);
	sema_item_text(b, it, "description", OPSC_GOTMPL_PROMETHEUS, &al->description);
	sema_item_text(b, it, "runbook", OPSC_GOTMPL_PROMETHEUS, &al->runbook);
	al->group = (opsc_str){ it->scope && it->scope->origin ? it->scope->origin : "opsc", al->span };
	sema_item_string(b, it, "group", &al->group);
	if ((e = sema_item_attr(b, it, "for")))
		sema_duration(b->s, e, it->scope, &al->for_s);
	if ((e = sema_item_attr(b, it, "labels")) && sema_map(b->s, e, it->scope, &al->labels))
		sema_go_template_map(b->s, e, it->scope, OPSC_GOTMPL_PROMETHEUS);
	sema_env_list(b, it, sema_item_attr(b, it, "in"), &al->envs, &al->nenvs, NULL);
	if ((e = sema_item_attr(b, it, "causes")))
		sema_strings(b->s, e, it->scope, &al->causes);
	if ((e = sema_item_attr(b, it, "checks")))
		sema_strings(b->s, e, it->scope, &al->checks);
}

/* ------------------------------------------------------ receivers, routes */

static void secret_ref(builder *b, const sema_item *it, const opsc_block *nb, const char *name, opsc_secret_ref *out)
{
	const opsc_stmt *a = sema_attr_given(b->s, nb, name, it->scope);
	if (!a)
		return;
	const opsc_expr *x = sema_resolve(b->s, a->attr.value, it->scope);
	if (x->kind == OPSC_EXPR_CALL && (x->call.nargs == 2 || x->call.nargs == 3))
		sema_secret_lower(b->s, x, it->scope, name, out);
}

void sema_build_receiver(builder *b, const sema_item *it, opsc_receiver *rc)
{
	static const char *const kinds[] = { "slack", "pagerduty", "webhook", "email" };
	rc->span = it->block->type_span;
	rc->name = sema_item_str(b, it);
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
		sema_item_string(b, &ni, "channel", &n.channel);
		sema_item_string(b, &ni, "to", &n.to);
		sema_item_string(b, &ni, "from", &n.from);
		sema_item_string(b, &ni, "smarthost", &n.smarthost);
		sema_item_text(b, &ni, "title", OPSC_GOTMPL_ALERTMANAGER, &n.title);
		sema_item_text(b, &ni, "text", OPSC_GOTMPL_ALERTMANAGER, &n.text);
		sema_item_text(b, &ni, "description", OPSC_GOTMPL_ALERTMANAGER, &n.description);
		sema_item_text(b, &ni, "subject", OPSC_GOTMPL_ALERTMANAGER, &n.subject);
		secret_ref(b, it, nb, "api_url", &n.api_url);
		secret_ref(b, it, nb, "routing_key", &n.routing_key);
		secret_ref(b, it, nb, "url", &n.url);
		secret_ref(b, it, nb, "password", &n.auth_password);
		const opsc_expr *e = sema_item_attr(b, &ni, "send_resolved");
		if (e)
			n.send_resolved_set = sema_bool(b->s, e, it->scope, &n.send_resolved);
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

void sema_build_route(builder *b, const sema_item *it, const opsc_body *body, const opsc_expr *cond, opsc_route *r)
{
	opsc_block blk = { "route", it->block->type_span, NULL, 0, *body };
	sema_item ri = { &blk, it->scope, it->file };
	r->span = cond ? cond->span : it->block->type_span;
	const opsc_expr *e = sema_item_attr(b, &ri, "to");
	if (e) {
		e = sema_resolve(b->s, e, it->scope);
		r->receiver_name = (opsc_str){ e->kind == OPSC_EXPR_MEMBER ? e->member.name : "", e->span };
		uint32_t k = e->kind == OPSC_EXPR_MEMBER ? sema_resolve_ref(b, &b->receivers, e, "receiver") : UINT32_MAX;
		if (k != UINT32_MAX)
			r->receiver = &b->s->model->receivers[k];
	}
	if ((e = sema_item_attr(b, &ri, "group_by")))
		sema_strings(b->s, e, it->scope, &r->group_by);
	struct { const char *name; int64_t *out; } durs[] = {
		{ "group_wait", &r->group_wait_s }, { "group_interval", &r->group_interval_s }, { "repeat_interval", &r->repeat_interval_s },
	};
	for (size_t i = 0; i < 3; i++)
		if ((e = sema_item_attr(b, &ri, durs[i].name)))
			sema_duration(b->s, e, it->scope, durs[i].out);
	if ((e = sema_item_attr(b, &ri, "continue")))
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
		sema_build_route(b, it, &st->when.body, st->when.condition, &kid);
		opsc_array_push(&kids, kid);
	}
	r->nchildren = kids.len;
	r->children = opsc_array_to_arena(b->s->ctx->arena, &kids);
}

