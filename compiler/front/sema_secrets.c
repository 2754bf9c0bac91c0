/*
 * sema_secrets.c - what a secret(...) reference says beyond its name and
 * key, and the blocks that give it meaning:
 *
 *   secret("db", "password", { kind = password, rotate = 180d, store = store.vault,
 *                              remote = "apps/db", property = "password", refresh = 1h })
 *   secret_store "vault" { provider = "vault"  spec = { ... }  refresh = 1h }
 *   project "x" { secret_store = store.vault  rotation { api_token = 90d  password = 180d } }
 *   environment "production" { secrets = [secret(..)]  pod_security = restricted }
 *
 * The options are checked twice, as every value is (once when the block is
 * checked, once when it is read); diagnostics are deduplicated. Stores are
 * resolved after every block was read (sema_rotation.c), so a reference
 * may name a store declared later or in another file.
 */
#include <string.h>

#include "sema_build_int.h"
#include "util.h"

/* ---------------------------------------------------------------- options */

typedef enum { O_KIND, O_ROTATE, O_STORE, O_REMOTE, O_PROPERTY, O_REFRESH, O_COUNT } option_t;

static const char *const option_names[O_COUNT] = {
	[O_KIND] = "kind", [O_ROTATE] = "rotate", [O_STORE] = "store",
	[O_REMOTE] = "remote", [O_PROPERTY] = "property", [O_REFRESH] = "refresh",
};

static option_t option_find(const char *key)
{
	for (int i = 0; i < O_COUNT; i++)
		if (strcmp(option_names[i], key) == 0)
			return (option_t)i;
	return O_COUNT;
}

static void unknown_option(sema *s, const opsc_pair *p)
{
	uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-secret-option", p->key_span,
				     "secret(...) takes no option `%s`", p->key);
	const char *best = opsc_suggest(p->key, option_names, O_COUNT);
	if (best)
		opsc_diag_help(&s->ctx->diags, d, "did you mean `%s`?", best);
	else
		opsc_diag_help(&s->ctx->diags, d, "options: kind, rotate, store, remote, property, refresh");
}

/* A bare word or a string: `kind = api_token`, `kind = "api_token"`. */
static bool word(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind == OPSC_EXPR_IDENT) {
		*out = (opsc_str){ r->ident, r->span };
		return true;
	}
	return sema_string(s, e, scope, out);
}

/* store.NAME: the name, located at NAME. Resolved later. */
static bool store_ref(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind != OPSC_EXPR_MEMBER || r->member.object->kind != OPSC_EXPR_IDENT ||
	    strcmp(r->member.object->ident, "store") != 0) {
		opsc_diag_error(&s->ctx->diags, "type-mismatch", r->span, "expected a secret store like store.vault, found %s",
				sema_describe(r));
		return false;
	}
	*out = (opsc_str){ r->member.name, r->member.name_span };
	return true;
}

static bool read_option(sema *s, option_t o, const opsc_expr *v, const sema_scope *scope, opsc_secret_ref *out)
{
	switch (o) {
	case O_KIND: return word(s, v, scope, &out->kind);
	case O_ROTATE:
		out->rotate_span = sema_resolve(s, v, scope)->span;
		return sema_duration(s, v, scope, &out->rotate_s);
	case O_STORE: return store_ref(s, v, scope, &out->store_name);
	case O_REMOTE: return sema_string(s, v, scope, &out->remote);
	case O_PROPERTY: return sema_string(s, v, scope, &out->property);
	case O_REFRESH: return sema_duration(s, v, scope, &out->refresh_s);
	case O_COUNT: break;
	}
	return false;
}

bool sema_secret_options(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_secret_ref *out)
{
	opsc_secret_ref scratch = { 0 };
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind != OPSC_EXPR_MAP) {
		opsc_diag_error(&s->ctx->diags, "type-mismatch", r->span,
				"expected the options of a secret like { kind = api_token, rotate = 90d }, found %s",
				sema_describe(r));
		return false;
	}
	const sema_scope *in = r == e ? scope : NULL; /* values written in a template may name its parameters */
	bool ok = true;
	for (uint32_t i = 0; i < r->map.len; i++) {
		const opsc_pair *p = &r->map.pairs[i];
		option_t o = option_find(p->key);
		if (o == O_COUNT) {
			unknown_option(s, p);
			ok = false;
			continue;
		}
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(r->map.pairs[k].key, p->key) == 0) {
				uint32_t d = opsc_diag_error(&s->ctx->diags, "duplicate-key", p->key_span,
							     "duplicate key `%s` in the map", p->key);
				opsc_diag_add_note(&s->ctx->diags, d, r->map.pairs[k].key_span, "first given here");
				ok = false;
			}
		if (sema_is_null(s, p->value, in))
			continue;
		ok &= read_option(s, o, p->value, in, out ? out : &scratch);
	}
	return ok;
}

/* The kind a reference has when it gives none: what the field holds. */
static const char *default_kind(const char *attr)
{
	static const struct {
		const char *attr, *kind;
	} kinds[] = {
		{ "api_url", "api_token" }, { "routing_key", "api_token" }, { "url", "api_token" },
		{ "password", "password" },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].attr, attr) == 0)
			return kinds[i].kind;
	return NULL;
}

void sema_secret_lower(sema *s, const opsc_expr *call, const sema_scope *scope, const char *attr,
		       opsc_secret_ref *out)
{
	out->span = call->span;
	sema_string(s, call->call.args[0], scope, &out->name);
	sema_string(s, call->call.args[1], scope, &out->key);
	if (call->call.nargs == 3)
		sema_secret_options(s, call->call.args[2], scope, out);
	const char *kind = default_kind(attr);
	if (!out->kind.s && kind)
		out->kind = (opsc_str){ kind, call->span };
}

/* ----------------------------------------------------------------- stores */

/* A dotted spec key nests: "auth.tokenSecretRef.name". Empty segments, and
 * a key that is also the parent of another ("auth" and "auth.x"), have no
 * YAML to become. */
static bool spec_key_ok(sema *s, const opsc_kvs *spec, uint32_t i)
{
	const opsc_str *key = &spec->items[i].key;
	size_t n = strlen(key->s);
	if (n == 0 || key->s[0] == '.' || key->s[n - 1] == '.' || strstr(key->s, "..")) {
		opsc_diag_error(&s->ctx->diags, "bad-store-spec", key->span,
				"`%s` is not a spec path: names joined with single dots, like auth.tokenSecretRef.name", key->s);
		return false;
	}
	for (uint32_t k = 0; k < spec->len; k++) {
		const char *other = spec->items[k].key.s;
		if (k != i && strncmp(other, key->s, n) == 0 && other[n] == '.') {
			uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-store-spec", key->span,
						     "`%s` is a value here and a mapping in `%s`", key->s, other);
			opsc_diag_add_note(&s->ctx->diags, d, spec->items[k].key.span, "the mapping is here");
			return false;
		}
	}
	return true;
}

/* The providers of ClusterSecretStore spec.provider in the CRD
 * external-secrets.io/v1 (tests/schemas/README.md), in its order. */
static const char *const providers[] = {
	"akeyless", "aws", "azurekv", "barbican", "beyondtrust", "beyondtrustworkloadcredentials",
	"bitwardensecretsmanager", "chef", "cloudrusm", "conjur", "crd", "delinea", "doppler", "dvls",
	"fake", "fortanix", "gcpsm", "github", "gitlab", "ibm", "infisical", "keepersecurity",
	"kubernetes", "nebiusmysterybox", "ngrok", "onboardbase", "onepassword", "onepasswordSDK",
	"openBao", "oracle", "ovh", "passbolt", "passworddepot", "previder", "pulumi", "scaleway",
	"secretserver", "senhasegura", "vault", "volcengine", "webhook", "yandexcertificatemanager",
	"yandexlockbox",
};

/* Any provider name is taken (the operator may be newer than this list);
 * one it does not know is a warning, with the likely one. */
static void check_provider(sema *s, const opsc_str *p)
{
	size_t n = sizeof providers / sizeof *providers;
	for (size_t i = 0; i < n; i++)
		if (strcmp(providers[i], p->s) == 0)
			return;
	const char *best = opsc_suggest(p->s, providers, n);
	if (!best && strcmp(p->s, "1password") == 0)
		best = "onepassword";
	uint32_t d = opsc_diag_warning(&s->ctx->diags, "unknown-secret-provider", p->span,
				       "External Secrets Operator v1 has no provider `%s`", p->s);
	if (best)
		opsc_diag_help(&s->ctx->diags, d, "did you mean `%s`?", best);
}

static void build_store(builder *b, const sema_item *it, opsc_secret_store *st)
{
	st->span = it->block->type_span;
	st->name = sema_item_str(b, it);
	sema_item_string(b, it, "provider", &st->provider);
	if (st->provider.s)
		check_provider(b->s, &st->provider);
	const opsc_expr *e = sema_item_attr(b, it, "spec");
	if (e && sema_map(b->s, e, it->scope, &st->spec)) {
		const opsc_expr *r = sema_resolve(b->s, e, it->scope);
		st->spec_raw = opsc_arena_alloc(b->s->ctx->arena, (st->spec.len + 1) * sizeof *st->spec_raw);
		for (uint32_t i = 0; i < st->spec.len; i++) {
			spec_key_ok(b->s, &st->spec, i);
			const opsc_expr *v = sema_resolve(b->s, r->map.pairs[i].value, r == e ? it->scope : NULL);
			st->spec_raw[i] = v->kind == OPSC_EXPR_NUMBER || v->kind == OPSC_EXPR_BOOL;
		}
	}
	if ((e = sema_item_attr(b, it, "refresh"))) {
		st->refresh_span = sema_resolve(b->s, e, it->scope)->span;
		sema_duration(b->s, e, it->scope, &st->refresh_s);
	}
}

static void build_stores(builder *b)
{
	opsc_model *m = b->s->model;
	opsc_array(opsc_secret_store) stores = { 0 };
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		if (strcmp(it->block->type, "secret_store") != 0 || it->block->nlabels != 1)
			continue;
		opsc_secret_store st = { 0 };
		build_store(b, it, &st);
		const opsc_secret_store *first = NULL;
		for (uint32_t k = 0; k < stores.len && !first; k++)
			if (strcmp(stores.items[k].name.s, st.name.s) == 0)
				first = &stores.items[k];
		if (!first) {
			opsc_array_push(&stores, st);
			continue;
		}
		uint32_t d = opsc_diag_error(&b->s->ctx->diags, "duplicate", st.name.span,
					     "secret_store `%s` is declared twice", st.name.s);
		opsc_diag_add_note(&b->s->ctx->diags, d, first->name.span, "first declared here");
	}
	m->nstores = stores.len;
	m->stores = opsc_array_to_arena(b->s->ctx->arena, &stores);
}

/* ---------------------------------------------------------------- project */

/* rotation { KIND = PERIOD ... runbook = "..." }: `runbook` is the page
 * the rotation alerts link to, every other entry a kind's period. */
static void read_rotation(builder *b, const sema_item *it, const opsc_block *rot, opsc_project *p)
{
	p->rotation = opsc_arena_alloc(b->s->ctx->arena, (rot->body.len + 1) * sizeof *p->rotation);
	p->rotation_s = opsc_arena_alloc(b->s->ctx->arena, (rot->body.len + 1) * sizeof *p->rotation_s);
	for (uint32_t i = 0; i < rot->body.len; i++) {
		const opsc_stmt *st = &rot->body.items[i];
		if (st->kind != OPSC_STMT_ATTR || sema_is_null(b->s, st->attr.value, it->scope))
			continue;
		if (strcmp(st->attr.name, "runbook") == 0) {
			sema_string(b->s, st->attr.value, it->scope, &p->rotation_runbook);
			continue;
		}
		opsc_kv *kv = &p->rotation[p->nrotation];
		kv->key = (opsc_str){ st->attr.name, st->attr.name_span };
		kv->value.span = sema_resolve(b->s, st->attr.value, it->scope)->span;
		if (sema_duration(b->s, st->attr.value, it->scope, &p->rotation_s[p->nrotation]))
			p->nrotation++;
	}
}

static void read_project(builder *b)
{
	opsc_project *p = &b->s->model->project;
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		if (strcmp(it->block->type, "project") != 0 || it->block->type_span.start != p->span.start ||
		    it->block->type_span.file != p->span.file)
			continue;
		const opsc_expr *e = sema_item_attr(b, it, "secret_store");
		if (e)
			store_ref(b->s, e, it->scope, &p->secret_store);
		sema_item_string(b, it, "flux_external_secrets", &p->flux_external_secrets);
		sema_item_string(b, it, "external_secrets_api", &p->external_secrets_api);
		const opsc_str *api = &p->external_secrets_api;
		if (api->s && strcmp(api->s, "v1") != 0 && strcmp(api->s, "v1beta1") != 0)
			opsc_diag_error(&b->s->ctx->diags, "bad-value", api->span,
					"external_secrets_api is \"v1\" or \"v1beta1\" (External Secrets Operator before v0.16.0), not \"%s\"",
					api->s);
		const opsc_block *rot = sema_child_block(it->block, "rotation", NULL);
		if (rot)
			read_rotation(b, it, rot, p);
		return;
	}
}

/* ------------------------------------------------------------ environments */

/* pod_security = LEVEL: the three Pod Security Admission modes at that
 * level, each with its version, as namespace labels. A label of the same
 * name written in `labels` would contradict it. */
static void pod_security(builder *b, const sema_item *it, opsc_env *env)
{
	static const char *const modes[] = { "enforce", "audit", "warn" };
	const opsc_expr *e = sema_item_attr(b, it, "pod_security");
	if (!e)
		return;
	static const char *const levels[] = { "restricted", "baseline", "privileged" };
	const opsc_expr *r = sema_resolve(b->s, e, it->scope);
	if (!word(b->s, e, it->scope, &env->pod_security))
		return;
	bool known = false;
	for (size_t i = 0; i < 3; i++)
		known |= strcmp(levels[i], env->pod_security.s) == 0;
	if (!known) { /* reported when the environment was checked */
		env->pod_security = (opsc_str){ 0 };
		return;
	}
	opsc_str version = { "latest", r->span };
	sema_item_string(b, it, "pod_security_version", &version);
	for (uint32_t i = 0; i < env->labels.len; i++)
		if (strncmp(env->labels.items[i].key.s, "pod-security.kubernetes.io/", 27) == 0) {
			uint32_t d = opsc_diag_error(&b->s->ctx->diags, "pod-security-conflict", env->labels.items[i].key.span,
						     "`%s` is set by `pod_security` already", env->labels.items[i].key.s);
			opsc_diag_add_note(&b->s->ctx->diags, d, r->span, "pod_security is set here");
			return;
		}
	opsc_arena *a = b->s->ctx->arena;
	opsc_kv *kvs = opsc_arena_alloc(a, (env->labels.len + 7) * sizeof *kvs);
	if (env->labels.len) /* items may be NULL when there are none */
		memcpy(kvs, env->labels.items, env->labels.len * sizeof *kvs);
	uint32_t n = env->labels.len;
	for (size_t m = 0; m < 3; m++) {
		const char *key = opsc_arena_printf(a, "pod-security.kubernetes.io/%s", modes[m]);
		kvs[n++] = (opsc_kv){ { key, r->span }, env->pod_security };
		kvs[n++] = (opsc_kv){ { opsc_arena_printf(a, "%s-version", key), version.span }, version };
	}
	env->labels = (opsc_kvs){ kvs, n };
}

static void env_secrets(builder *b, const sema_item *it, opsc_env *env)
{
	const opsc_expr *e = sema_item_attr(b, it, "secrets");
	if (!e)
		return;
	const opsc_expr *r = sema_resolve(b->s, e, it->scope);
	uint32_t n;
	const opsc_expr *const *xs = sema_items(b->s, r, it->scope, &n);
	env->secrets = opsc_arena_alloc(b->s->ctx->arena, (n + 1) * sizeof *env->secrets);
	for (uint32_t i = 0; i < n; i++) {
		const opsc_expr *x = sema_resolve(b->s, xs[i], r == e ? it->scope : NULL);
		if (x->kind != OPSC_EXPR_CALL || strcmp(x->call.name, "secret") != 0 || x->call.nargs < 2 ||
		    x->call.nargs > 3)
			continue; /* reported by the checker */
		opsc_secret_ref *ref = &env->secrets[env->nsecrets++];
		*ref = (opsc_secret_ref){ 0 };
		sema_secret_lower(b->s, x, r == e ? it->scope : NULL, "secrets", ref);
	}
}

static void read_envs(builder *b)
{
	opsc_model *m = b->s->model;
	for (uint32_t i = 0; i < b->n; i++) {
		const sema_item *it = &b->items[i];
		if (strcmp(it->block->type, "environment") != 0)
			continue;
		for (uint32_t k = 0; k < m->nenvs; k++) {
			opsc_env *env = &m->envs[k];
			if (env->span.file != it->block->type_span.file || env->span.start != it->block->type_span.start)
				continue;
			pod_security(b, it, env);
			env_secrets(b, it, env);
		}
	}
}

void sema_build_secrets(builder *b)
{
	if (b->s->model->has_project)
		read_project(b);
	build_stores(b);
	read_envs(b);
	sema_rotation_build(b);
}
