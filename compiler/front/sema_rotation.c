/*
 * sema_rotation.c - every Kubernetes Secret the policy references, once:
 * model->secrets, and for each one with a rotation period an alert on its
 * age, appended to model->alerts so the rule files, the routing proof and
 * the policies see it like any other alert.
 *
 * A reference in a receiver names a Secret of the `monitoring` namespace
 * (where the Alertmanager reads it), on every cluster; one in an
 * environment's `secrets` a Secret of that environment's namespace.
 * kube-state-metrics' kube_secret_created is the Secret's creation time:
 * the alert fires when the Secret is older than its period.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "promql.h"
#include "sema_build_int.h"
#include "util.h"

#define ROTATION_ALERT "SecretRotationDue"
#define ROTATION_GROUP "secret-rotation"
#define DEFAULT_REFRESH_S 3600

/* One reference and where its Secret lives. */
typedef struct {
	opsc_secret_ref *ref;
	const opsc_env *env; /* NULL: monitoring, every cluster */
	const char *cluster; /* "" for monitoring */
	const char *ns;
	uint32_t order; /* declaration order, to keep the sort stable */
} use_t;

typedef opsc_array(use_t) use_list;

/* A Secret's name is a DNS-1123 subdomain: the API server refuses others,
 * and the alert's selector could not quote them. */
static bool dns_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && ((c != '-' && c != '.') || i == 0 || i == n - 1))
			return false;
	}
	return true;
}

static const opsc_secret_store *find_store(builder *b, const opsc_str *name)
{
	const opsc_model *m = b->s->model;
	for (uint32_t i = 0; i < m->nstores; i++)
		if (strcmp(m->stores[i].name.s, name->s) == 0)
			return &m->stores[i];
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "unknown-reference", name->span, "there is no secret_store `%s`",
				     name->s);
	const char **names = opsc_malloc((m->nstores + 1) * sizeof *names);
	for (uint32_t i = 0; i < m->nstores; i++)
		names[i] = m->stores[i].name.s;
	const char *best = opsc_suggest(name->s, names, m->nstores);
	if (best)
		opsc_diag_help(&b->s->ctx->diags, d, "did you mean `%s`?", best);
	else if (m->nstores == 0)
		opsc_diag_help(&b->s->ctx->diags, d, "declare it: secret_store \"%s\" { provider = \"vault\" ... }", name->s);
	opsc_free(names);
	return NULL;
}

/* The project's period for the reference's kind, or a warning at the
 * reference: every Secret needs a period. */
static void rotation_of(builder *b, opsc_secret_ref *ref)
{
	const opsc_project *p = &b->s->model->project;
	for (uint32_t i = 0; !ref->rotate_s && ref->kind.s && i < p->nrotation; i++)
		if (strcmp(p->rotation[i].key.s, ref->kind.s) == 0) {
			ref->rotate_s = p->rotation_s[i];
			ref->rotate_span = p->rotation[i].value.span;
		}
	if (ref->rotate_s)
		return;
	uint32_t d = opsc_diag_warning(&b->s->ctx->diags, "secret-rotation", ref->span,
				       "secret `%s` key `%s` has no rotation period", ref->name.s, ref->key.s);
	if (!ref->kind.s) {
		opsc_diag_help(&b->s->ctx->diags, d, "give it one: secret(\"%s\", \"%s\", { rotate = 90d }), or a kind "
				"with a period in the project's rotation { }", ref->name.s, ref->key.s);
		return;
	}
	const char **kinds = opsc_malloc((p->nrotation + 1) * sizeof *kinds);
	for (uint32_t i = 0; i < p->nrotation; i++)
		kinds[i] = p->rotation[i].key.s;
	const char *best = opsc_suggest(ref->kind.s, kinds, p->nrotation);
	if (best)
		opsc_diag_help(&b->s->ctx->diags, d, "the project's rotation { } has no kind `%s`: did you mean `%s`?",
			       ref->kind.s, best);
	else
		opsc_diag_help(&b->s->ctx->diags, d, "add `%s = 90d` to the project's rotation { }, or rotate = 90d here",
			       ref->kind.s);
	opsc_free(kinds);
}

static void resolve(builder *b, use_t *u)
{
	opsc_secret_ref *ref = u->ref;
	if (!dns_subdomain(ref->name.s))
		opsc_diag_error(&b->s->ctx->diags, "bad-name", ref->name.span,
				"\"%s\" is not a valid Secret name: lowercase letters, digits, `-` and `.`, at most 253",
				ref->name.s);
	if (!ref->store_name.s)
		ref->store_name = b->s->model->project.secret_store;
	if (ref->store_name.s)
		ref->store = find_store(b, &ref->store_name);
	if (ref->store && ref->store->provider.s && strcmp(ref->store->provider.s, "github") == 0) {
		uint32_t d = opsc_diag_error(&b->s->ctx->diags, "secret-store-write-only", ref->store_name.span,
					     "secret_store `%s` (provider github) cannot fill secret `%s`: External Secrets "
					     "only pushes to GitHub (PushSecret), it never reads from it", ref->store->name.s,
					     ref->name.s);
		opsc_diag_add_note(&b->s->ctx->diags, d, ref->store->provider.span, "the provider is here");
		ref->store = NULL;
	}
	rotation_of(b, ref);
}

static void add_use(use_list *uses, opsc_secret_ref *ref, const opsc_env *env)
{
	if (!ref->name.s || !ref->key.s)
		return;
	use_t u = { ref, env, env ? env->cluster.s : "", env ? env->namespace_.s : "monitoring", uses->len };
	if (!u.cluster)
		u.cluster = "";
	if (u.ns)
		opsc_array_push(uses, u);
}

static void collect(builder *b, use_list *uses)
{
	opsc_model *m = b->s->model;
	for (uint32_t i = 0; i < m->nreceivers; i++)
		for (uint32_t k = 0; k < m->receivers[i].nnotifiers; k++) {
			opsc_notifier *n = &m->receivers[i].notifiers[k];
			opsc_secret_ref *refs[] = { &n->api_url, &n->routing_key, &n->url, &n->auth_password };
			for (size_t r = 0; r < sizeof refs / sizeof *refs; r++)
				add_use(uses, refs[r], NULL);
		}
	for (uint32_t i = 0; i < m->nenvs; i++)
		for (uint32_t k = 0; k < m->envs[i].nsecrets; k++)
			add_use(uses, &m->envs[i].secrets[k], &m->envs[i]);
}

static int cmp_use(const void *pa, const void *pb)
{
	const use_t *a = pa, *b = pb;
	int c = strcmp(a->cluster, b->cluster);
	if (!c)
		c = strcmp(a->ns, b->ns);
	if (!c)
		c = strcmp(a->ref->name.s, b->ref->name.s);
	return c ? c : (a->order > b->order) - (a->order < b->order);
}

static bool same_secret(const use_t *a, const use_t *b)
{
	return strcmp(a->cluster, b->cluster) == 0 && strcmp(a->ns, b->ns) == 0 &&
	       strcmp(a->ref->name.s, b->ref->name.s) == 0;
}

/* Two references to one Secret filled from two stores would need two
 * ExternalSecrets writing one Secret. */
static void merge_store(builder *b, opsc_secret *sec, const opsc_secret_ref **first, const opsc_secret_ref *ref)
{
	if (!ref->store)
		return;
	if (!sec->store) {
		sec->store = ref->store;
		sec->store_name = ref->store->name;
		*first = ref;
		return;
	}
	if (sec->store == ref->store)
		return;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "secret-store-conflict", ref->store_name.span,
				     "secret `%s` is filled from secret_store `%s` here and from `%s` elsewhere",
				     ref->name.s, ref->store->name.s, sec->store->name.s);
	opsc_diag_add_note(&b->s->ctx->diags, d, (*first)->store_name.span, "the other store is named here");
}

static void build_secret(builder *b, const use_t *us, uint32_t n, opsc_secret *sec)
{
	opsc_arena *a = b->s->ctx->arena;
	*sec = (opsc_secret){ .span = us[0].ref->span, .name = us[0].ref->name, .namespace_ = us[0].ns, .env = us[0].env };
	sec->refs = opsc_arena_alloc(a, (n + 1) * sizeof *sec->refs);
	const opsc_secret_ref *store_from = NULL;
	for (uint32_t i = 0; i < n; i++) {
		const opsc_secret_ref *ref = us[i].ref;
		bool seen = false;
		for (uint32_t k = 0; k < sec->nrefs && !seen; k++)
			seen = strcmp(sec->refs[k]->key.s, ref->key.s) == 0;
		if (!seen)
			sec->refs[sec->nrefs++] = ref;
		merge_store(b, sec, &store_from, ref);
		if (!sec->refresh_s)
			sec->refresh_s = ref->refresh_s;
		if (!sec->kind.s)
			sec->kind = ref->kind;
		if (ref->rotate_s && (!sec->rotate_s || ref->rotate_s < sec->rotate_s))
			sec->rotate_s = ref->rotate_s;
	}
	if (!sec->refresh_s)
		sec->refresh_s = sec->store && sec->store->refresh_s ? sec->store->refresh_s : DEFAULT_REFRESH_S;
}

/* ------------------------------------------------------------------ alerts */

static const char *days_text(opsc_arena *a, int64_t s)
{
	if (s % 86400 == 0)
		return opsc_arena_printf(a, "%" PRId64 "d", s / 86400);
	if (s % 3600 == 0)
		return opsc_arena_printf(a, "%" PRId64 "h", s / 3600);
	return opsc_arena_printf(a, "%" PRId64 "s", s);
}

/* The selector's value: secret=~"NAME", dots escaped, is secret="NAME".
 * Written as a match because `secret="postgresql"` reads, to every
 * secret scanner (generic-credential here), as a hard-coded credential. */
static const char *name_regex(opsc_arena *a, const char *name)
{
	size_t n = strlen(name), k = 0;
	char *out = opsc_arena_alloc(a, 3 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '.') {
			out[k++] = '\\';
			out[k++] = '\\';
		}
		out[k++] = name[i];
	}
	out[k] = '\0';
	return out;
}

static void rotation_alert(builder *b, const opsc_secret *sec, opsc_alert *al)
{
	opsc_arena *a = b->s->ctx->arena;
	const char *period = days_text(a, sec->rotate_s);
	const char *kind = sec->kind.s ? sec->kind.s : "secret";
	*al = (opsc_alert){ 0 };
	al->span = sec->span;
	al->used_at = OPSC_NO_SPAN;
	al->name = (opsc_str){ ROTATION_ALERT, sec->span };
	al->group = (opsc_str){ ROTATION_GROUP, sec->span };
	al->expr = (opsc_str){ opsc_arena_printf(a, "time() - kube_secret_created{namespace=\"%s\",secret=~\"%s\"} > %" PRId64,
						 sec->namespace_, name_regex(a, sec->name.s), sec->rotate_s), sec->span };
	al->severity = (opsc_str){ "warning", sec->span };
	al->summary = (opsc_str){ opsc_arena_printf(a, "Secret %s/%s is older than its rotation period (%s)",
						    sec->namespace_, sec->name.s, period), sec->span };
	al->description = (opsc_str){ opsc_arena_printf(a,
		"Rotate the %s in %s/%s: the Secret was created more than %s ago (kube_secret_created). "
		"Changing its data in place keeps the creation time: replace the Secret%s.", kind, sec->namespace_,
		sec->name.s, period, sec->store ? " (delete it; the ExternalSecret writes it again from the store)" : ""),
		sec->span };
	al->runbook = b->s->model->project.rotation_runbook;
	if (sec->kind.s) {
		opsc_kv *kv = opsc_arena_alloc(a, sizeof *kv);
		*kv = (opsc_kv){ { "secret_kind", sec->span }, { sec->kind.s, sec->span } };
		al->labels = (opsc_kvs){ kv, 1 };
	}
	if (sec->env) {
		const opsc_env **envs = opsc_arena_alloc(a, sizeof *envs);
		envs[0] = sec->env;
		al->envs = envs;
		al->nenvs = 1;
	}
	opsc_promql_error err;
	if (!opsc_promql_check(al->expr.s, (uint32_t)strlen(al->expr.s), &err, NULL))
		opsc_diag_error(&b->s->ctx->diags, "promql", sec->span, "the rotation alert's expression does not parse: %s",
				err.message);
}

static void add_alerts(builder *b)
{
	opsc_model *m = b->s->model;
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->nsecrets; i++)
		n += m->secrets[i].rotate_s > 0 && dns_subdomain(m->secrets[i].name.s);
	if (n == 0)
		return;
	opsc_alert *alerts = opsc_arena_alloc(b->s->ctx->arena, (m->nalerts + n + 1) * sizeof *alerts);
	memcpy(alerts, m->alerts, m->nalerts * sizeof *alerts);
	for (uint32_t i = 0; i < m->nsecrets; i++)
		if (m->secrets[i].rotate_s > 0 && dns_subdomain(m->secrets[i].name.s))
			rotation_alert(b, &m->secrets[i], &alerts[m->nalerts++]);
	m->alerts = alerts;
}

void sema_rotation_build(builder *b)
{
	opsc_model *m = b->s->model;
	use_list uses = { 0 };
	if (m->project.secret_store.s) /* checked even when no reference uses it */
		find_store(b, &m->project.secret_store);
	collect(b, &uses);
	for (uint32_t i = 0; i < uses.len; i++)
		resolve(b, &uses.items[i]);
	if (uses.len > 1)
		qsort(uses.items, uses.len, sizeof *uses.items, cmp_use);
	m->secrets = opsc_arena_alloc(b->s->ctx->arena, (uses.len + 1) * sizeof *m->secrets);
	m->nsecrets = 0;
	for (uint32_t i = 0; i < uses.len;) {
		uint32_t j = i + 1;
		while (j < uses.len && same_secret(&uses.items[i], &uses.items[j]))
			j++;
		build_secret(b, &uses.items[i], j - i, &m->secrets[m->nsecrets++]);
		i = j;
	}
	opsc_array_free(&uses);
	add_alerts(b);
}
