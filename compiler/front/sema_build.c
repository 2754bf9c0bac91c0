/*
 * sema_build.c - the Model from checked blocks.
 *
 * Two passes: first every named object is placed (so references can point
 * at objects declared later, in any file) and duplicates are reported with
 * both locations; then each object's attributes are read and references
 * resolved with "did you mean". The per-object builders live in
 * sema_build_project.c and sema_build_ops.c; the item readers they share
 * in sema_item.c.
 */
#include <string.h>

#include "sema_build_int.h"

/* ---------------------------------------------------------------- helpers */

/* Notes at the `use` lines an object came through, innermost first: when a
 * template is used twice, its objects collide inside it, and only the uses
 * tell the two apart. */
static void note_uses(builder *b, uint32_t d, const sema_scope *sc, const char *msg)
{
	for (; sc; sc = sc->caller)
		opsc_diag_add_note(&b->s->ctx->diags, d, sc->use, "%s `use`", msg);
}

static bool same_span(opsc_span a, opsc_span b)
{
	return a.file == b.file && a.start == b.start && a.end == b.end;
}

/* Places a named object; a second one with the same name is an error.
 * placed[slot] is the item already in each slot. */
static bool place(builder *b, opsc_strindex *ix, const sema_item *it, uint32_t slot, const char *what,
		  const sema_item *const *placed)
{
	const char *name = sema_item_name(b, it);
	uint32_t prev = opsc_strindex_put(ix, name, slot);
	if (prev == UINT32_MAX)
		return true;
	const sema_item *first = placed[prev];
	opsc_span at = it->block->labels[0].span, first_at = first->block->labels[0].span;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", at, "%s `%s` is declared twice", what, name);
	note_uses(b, d, it->scope, "declared again through this");
	if (!same_span(at, first_at))
		opsc_diag_add_note(&b->s->ctx->diags, d, first_at, "first declared here");
	note_uses(b, d, first->scope, "first declared through this");
	if (same_span(at, first_at))
		opsc_diag_help(&b->s->ctx->diags, d, "a template used twice needs a parameter in the name, like \"%s-${name}\"",
			       name);
	return false;
}

/* ------------------------------------------------------------------ driver */

typedef enum { K_PROJECT, K_ENV, K_ROLE, K_BIND, K_NETWORK, K_BACKUP, K_ALERT, K_RECEIVER, K_ROUTE, K_POLICY, K_SECRET, K_SLO, K_COUNT } kind_t;

static const char *const kind_types[K_COUNT] = {
	"project", "environment", "role", "bind", "network", "backup", "alert", "receiver", "route", "policy", "secret", "slo",
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
	opsc_strindex other[K_COUNT];
	const sema_item **placed[K_COUNT];
	for (int k = 0; k < K_COUNT; k++) {
		placed[k] = opsc_calloc(count[k] + 1, sizeof *placed[k]);
		opsc_strindex_init(&other[k], count[k]);
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
		opsc_strindex *ix = k == K_ENV ? &b->envs : k == K_ROLE ? &b->roles : k == K_RECEIVER ? &b->receivers : &other[k];
		placed[k][next[k]] = it;
		if (place(b, ix, it, next[k], kind_types[k], placed[k]))
			slot[0][i] = next[k]++;
	}
	for (int k = 0; k < K_COUNT; k++) {
		opsc_free(placed[k]);
		opsc_strindex_free(&other[k]);
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
	/* two alerts per SLO (page, ticket) and per backup (RPO, restore test) */
	m->alerts = opsc_arena_alloc(a, (count[K_ALERT] + 2 * count[K_SLO] + 2 * count[K_BACKUP] + 1) * sizeof *m->alerts);
	m->slos = opsc_arena_alloc(a, (count[K_SLO] + 1) * sizeof *m->slos);
	m->policies = opsc_arena_alloc(a, (count[K_POLICY] + 1) * sizeof *m->policies);
	m->secret_rules = opsc_arena_alloc(a, (count[K_SECRET] + 1) * sizeof *m->secret_rules);
	/* environments first: the others refer to them */
	for (uint32_t i = 0; i < b->n; i++)
		if (kind_of(b->items[i].block) == K_ENV && slot[i] != UINT32_MAX) {
			sema_build_env(b, &b->items[i], &m->envs[slot[i]]);
			m->nenvs = m->nenvs > slot[i] + 1 ? m->nenvs : slot[i] + 1;
		}
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		kind_t k = kind_of(it->block);
		bool placed = slot[i] != UINT32_MAX;
		if (k == K_ROLE && placed) {
			sema_build_role(b, it, &m->roles[slot[i]]);
			m->nroles = m->nroles > slot[i] + 1 ? m->nroles : slot[i] + 1;
		} else if (k == K_RECEIVER && placed) {
			sema_build_receiver(b, it, &m->receivers[slot[i]]);
			m->nreceivers = m->nreceivers > slot[i] + 1 ? m->nreceivers : slot[i] + 1;
		} else if (k == K_PROJECT && placed) {
			if (m->has_project) {
				uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", it->block->type_span, "there can be only one project block");
				opsc_diag_add_note(&b->s->ctx->diags, d, m->project.span, "the first one is here");
			} else {
				sema_build_project(b, it, &m->project);
				m->has_project = true;
			}
		}
	}
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		switch (kind_of(it->block)) {
		case K_BIND: sema_build_binding(b, it, &m->bindings[m->nbindings++]); break;
		case K_NETWORK: if (slot[i] != UINT32_MAX) sema_build_network(b, it, &m->netpols[m->nnetpols++]); break;
		case K_BACKUP: if (slot[i] != UINT32_MAX) sema_build_backup(b, it, &m->backups[m->nbackups++]); break;
		case K_ALERT: if (slot[i] != UINT32_MAX) sema_build_alert(b, it, &m->alerts[m->nalerts++]); break;
		case K_POLICY: if (slot[i] != UINT32_MAX) sema_build_policy(b, it, &m->policies[m->npolicies++]); break;
		case K_SECRET: if (slot[i] != UINT32_MAX) sema_build_secret(b, it, &m->secret_rules[m->nsecret_rules++]); break;
		case K_SLO: if (slot[i] != UINT32_MAX) sema_build_slo(b, it, &m->slos[m->nslos++]); break;
		case K_ROUTE:
			if (m->has_route) {
				uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", it->block->type_span,
							     "there can be only one top-level route; nest the others with `when`");
				opsc_diag_add_note(&b->s->ctx->diags, d, m->route.span, "the first one is here");
				break;
			}
			sema_build_route(b, it, &it->block->body, NULL, &m->route);
			m->has_route = true;
			break;
		default: break;
		}
	}
	/* SLO and backup alerts fill the slots sized for them above; the
	 * rotation alerts grow the list; then every alert gets its runbook */
	sema_slo_alerts(b);
	sema_build_secrets(b);
	sema_runbook_links(b);
	sema_check_reviewer_ids(b);
	sema_check_paths(b);
	opsc_free(slot);
}

void sema_build_items(sema *s, const sema_item *items, uint32_t n)
{
	builder b = { s, items, n, { 0 }, { 0 }, { 0 } };
	opsc_strindex_init(&b.envs, n);
	opsc_strindex_init(&b.roles, n);
	opsc_strindex_init(&b.receivers, n);
	build_all(&b);
	opsc_strindex_free(&b.envs);
	opsc_strindex_free(&b.roles);
	opsc_strindex_free(&b.receivers);
}
