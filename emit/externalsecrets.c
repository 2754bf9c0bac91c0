/*
 * externalsecrets.c - External Secrets Operator objects (external-secrets.io/v1):
 *
 *   <cluster>/external-secrets/cluster-secret-stores.yaml
 *       every secret_store as a ClusterSecretStore, on each cluster that
 *       runs the operator (has an ExternalSecret): a store may also serve
 *       what opsc does not write, like a PushSecret to a write-only
 *       provider;
 *   <cluster>/external-secrets/external-secrets.yaml
 *       an ExternalSecret per Secret a receiver reads (in `monitoring`);
 *   <cluster>/<env>/external-secrets/external-secrets.yaml
 *       an ExternalSecret per Secret of the environment's `secrets`.
 *
 * v1, not v1beta1: the operator serves v1beta1 no more since v0.17.0;
 * the project's external_secrets_api = "v1beta1" is for operators before
 * v0.16.0, which have no v1 (the fields written here are the same in both).
 * One ExternalSecret writes one Secret (target.name, owned by it), one
 * data entry per key: remoteRef.key is the reference's `remote` (default:
 * the Secret's name), remoteRef.property its `property` (default: the key).
 * A Secret that names no store is left to whoever makes it.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "yamlw.h"

static const char *eso_api(const opsc_emit *em)
{
	const opsc_str *v = &em->model->project.external_secrets_api;
	return v->s && strcmp(v->s, "v1beta1") == 0 ? "external-secrets.io/v1beta1" : "external-secrets.io/v1";
}

static bool on_cluster(const opsc_secret *sec, const char *cluster)
{
	return sec->store && (!sec->env || strcmp(sec->env->cluster.s, cluster) == 0);
}

/* ---------------------------------------------------------- secret stores */

typedef struct {
	const opsc_kv *kv;
	bool raw;
} spec_entry;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const spec_entry *)a)->kv->key.s, ((const spec_entry *)b)->kv->key.s);
}

static void write_value(opsc_yw *w, const spec_entry *e, const char *key)
{
	opsc_yw_str(w, key);
	const char *v = e->kv->value.s;
	if (!e->raw)
		opsc_yw_str(w, v);
	else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
		opsc_yw_bool(w, v[0] == 't');
	else if (strspn(v, "-0123456789") == strlen(v))
		opsc_yw_int(w, strtoll(v, NULL, 10));
	else
		opsc_yw_str(w, v);
}

/* Entries [i, n) sorted by key whose keys start with the first `plen`
 * bytes of entries[i]'s: the rest up to a dot is a nested mapping.
 * Sorted keys that share a prefix are adjacent. Returns the next entry. */
static uint32_t write_tree(opsc_emit *em, opsc_yw *w, const spec_entry *es, uint32_t i, uint32_t n, size_t plen)
{
	const char *prefix = es[i].kv->key.s;
	while (i < n && strncmp(es[i].kv->key.s, prefix, plen) == 0) {
		const char *rest = es[i].kv->key.s + plen;
		const char *dot = strchr(rest, '.');
		if (!dot) {
			write_value(w, &es[i++], rest);
			continue;
		}
		opsc_yw_key_map(w, opsc_arena_strndup(em->ctx->arena, rest, (size_t)(dot - rest)));
		i = write_tree(em, w, es, i, n, plen + (size_t)(dot - rest) + 1);
		opsc_yw_end(w);
	}
	return i;
}

static void write_store(opsc_emit *em, opsc_yw *w, const opsc_secret_store *st)
{
	uint32_t n = st->spec.len;
	spec_entry *es = opsc_arena_alloc(em->ctx->arena, (n + 1) * sizeof *es);
	for (uint32_t i = 0; i < n; i++)
		es[i] = (spec_entry){ &st->spec.items[i], st->spec_raw && st->spec_raw[i] };
	qsort(es, n, sizeof *es, cmp_entry);
	opsc_emit_object(w, st->span, eso_api(em), "ClusterSecretStore", st->name.s, NULL);
	opsc_yw_key_map(w, "spec");
	opsc_yw_key_map(w, "provider");
	opsc_yw_key_map(w, st->provider.s);
	if (n)
		write_tree(em, w, es, 0, n, 0);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

static bool runs_operator(const opsc_model *m, const char *cluster)
{
	for (uint32_t i = 0; i < m->nsecrets; i++)
		if (on_cluster(&m->secrets[i], cluster))
			return true;
	return false;
}

/* --------------------------------------------------------- external secrets */

static void write_data(opsc_yw *w, const opsc_secret *sec)
{
	opsc_yw_key_seq(w, "data");
	for (uint32_t i = 0; i < sec->nrefs; i++) {
		const opsc_secret_ref *ref = sec->refs[i];
		opsc_yw_map(w);
		opsc_yw_kv(w, "secretKey", ref->key.s);
		opsc_yw_key_map(w, "remoteRef");
		opsc_yw_kv(w, "key", ref->remote.s ? ref->remote.s : sec->name.s);
		opsc_yw_kv(w, "property", ref->property.s ? ref->property.s : ref->key.s);
		opsc_yw_end(w);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

static void write_external_secret(opsc_emit *em, opsc_yw *w, const opsc_secret *sec)
{
	opsc_emit_object(w, sec->span, eso_api(em), "ExternalSecret", sec->name.s, sec->namespace_);
	opsc_yw_key_map(w, "spec");
	opsc_yw_kv(w, "refreshInterval", opsc_emit_duration(em, sec->refresh_s));
	opsc_yw_key_map(w, "secretStoreRef");
	opsc_yw_kv(w, "kind", "ClusterSecretStore");
	opsc_yw_kv(w, "name", sec->store->name.s);
	opsc_yw_end(w);
	opsc_yw_key_map(w, "target");
	opsc_yw_kv(w, "name", sec->name.s);
	opsc_yw_kv(w, "creationPolicy", "Owner");
	opsc_yw_end(w);
	write_data(w, sec);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

/* Adds the file when it holds `n` objects; a writer with none is dropped. */
static int finish(opsc_emit *em, opsc_yw *w, uint32_t n, const char *path, opsc_srcs *srcs)
{
	int rc = n ? opsc_emit_yaml(em, w, path, srcs) : 0;
	if (!n)
		opsc_yw_discard(w);
	opsc_srcs_free(srcs);
	return rc;
}

/* The ExternalSecrets of one environment (env) or of `monitoring` (NULL). */
static int write_secrets(opsc_emit *em, const char *cluster, const opsc_env *env, const char *path)
{
	const opsc_model *m = em->model;
	opsc_srcs srcs = { 0 };
	opsc_yw w;
	opsc_yw_open(&w, NULL);
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->nsecrets; i++) {
		const opsc_secret *sec = &m->secrets[i];
		if (!on_cluster(sec, cluster) || sec->env != env)
			continue;
		write_external_secret(em, &w, sec);
		opsc_srcs_add(&srcs, sec->span);
		opsc_srcs_add(&srcs, sec->store->span);
		n++;
	}
	return finish(em, &w, n, path, &srcs);
}

static int write_stores(opsc_emit *em, const char *cluster)
{
	const opsc_model *m = em->model;
	opsc_srcs srcs = { 0 };
	opsc_yw w;
	opsc_yw_open(&w, NULL);
	uint32_t n = 0;
	for (uint32_t i = 0; runs_operator(m, cluster) && i < m->nstores; i++) {
		write_store(em, &w, &m->stores[i]);
		opsc_srcs_add(&srcs, m->stores[i].span);
		n++;
	}
	return finish(em, &w, n, opsc_arena_printf(em->ctx->arena, "%s/external-secrets/cluster-secret-stores.yaml", cluster),
		      &srcs);
}

static int emit_cluster(opsc_emit *em, const char *cluster)
{
	const opsc_model *m = em->model;
	int rc = write_stores(em, cluster);
	if (rc == 0)
		rc = write_secrets(em, cluster, NULL,
				   opsc_arena_printf(em->ctx->arena, "%s/external-secrets/external-secrets.yaml", cluster));
	for (uint32_t i = 0; rc == 0 && i < m->nenvs; i++)
		if (strcmp(m->envs[i].cluster.s, cluster) == 0)
			rc = write_secrets(em, cluster, &m->envs[i],
					   opsc_emit_env_path(em, &m->envs[i], "external-secrets", "external-secrets.yaml"));
	return rc;
}

static int emit_external_secrets(opsc_emit *em)
{
	return opsc_emit_per_cluster(em, emit_cluster);
}

const opsc_emitter opsc_emit_external_secrets = { "external-secrets", emit_external_secrets };
