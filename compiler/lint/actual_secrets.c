/*
 * actual_secrets.c - External Secrets Operator objects read into the
 * actual-state Model: each ExternalSecret (external-secrets.io) is one
 * Secret of model->secrets, each ClusterSecretStore one of model->stores,
 * the same records the .ops side fills (sema_rotation.c), so policies and
 * drift read both alike. What an ExternalSecret does not say (a rotation
 * period, a kind) is left empty.
 */
#include "actual_int.h"

#include <string.h>

#include "util.h"

/* spec.data[]: secretKey, remoteRef.key, remoteRef.property. */
static void read_data(opsc_actual *a, const opsc_yamldoc_node *doc, opsc_secret *sec)
{
	const opsc_yamldoc_node *data = opsc_actual_seq(a, doc, "spec.data");
	uint32_t n = data ? data->sequence.len : 0;
	sec->refs = opsc_arena_alloc(a->ctx->arena, (n + 1) * sizeof *sec->refs);
	for (uint32_t i = 0; i < n; i++) {
		const opsc_yamldoc_node *d = data->sequence.items[i];
		opsc_secret_ref *ref = opsc_arena_alloc(a->ctx->arena, sizeof *ref);
		*ref = (opsc_secret_ref){ .span = opsc_actual_span(a, d), .name = sec->name };
		ref->key = opsc_actual_str(a, d, "secretKey");
		ref->remote = opsc_actual_str(a, d, "remoteRef.key");
		ref->property = opsc_actual_str(a, d, "remoteRef.property");
		ref->store_name = sec->store_name;
		if (!ref->key.s)
			opsc_actual_invalid(a, d, "a data entry needs secretKey");
		else
			sec->refs[sec->nrefs++] = ref;
	}
}

void opsc_actual_external_secret(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_secret sec = { .span = opsc_actual_span(a, doc) };
	opsc_str meta = opsc_actual_str(a, doc, "metadata.name");
	sec.name = opsc_actual_str(a, doc, "spec.target.name");
	if (!sec.name.s)
		sec.name = meta; /* the operator's default */
	sec.namespace_ = opsc_actual_str(a, doc, "metadata.namespace").s;
	sec.store_name = opsc_actual_str(a, doc, "spec.secretStoreRef.name");
	opsc_str refresh = opsc_actual_str(a, doc, "spec.refreshInterval");
	const char *why = NULL;
	if (refresh.s && !opsc_units_duration(refresh.s, &sec.refresh_s, &why))
		opsc_diag_error(&a->ctx->diags, "invalid-manifest", refresh.span, "`refreshInterval: %s`: %s", refresh.s, why);
	if (!sec.name.s)
		opsc_actual_invalid(a, doc, "an ExternalSecret needs metadata.name");
	read_data(a, doc, &sec);
	actual_envs envs = opsc_actual_doc_envs(a, doc);
	opsc_array_push(&a->secrets, sec);
	opsc_array_push(&a->secret_envs, envs);
}

/* spec.provider has one key, the provider's name. */
void opsc_actual_secret_store(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_secret_store st = { .span = opsc_actual_span(a, doc) };
	st.name = opsc_actual_str(a, doc, "metadata.name");
	const opsc_yamldoc_node *prov = opsc_yamldoc_path(doc, "spec.provider");
	if (prov && prov->kind == OPSC_YAMLDOC_MAPPING && prov->mapping.len == 1) {
		const opsc_yamldoc_node *key = prov->mapping.pairs[0].key;
		st.provider = (opsc_str){ opsc_yamldoc_str(key), opsc_actual_span(a, key) };
	} else {
		opsc_actual_invalid(a, doc, "a ClusterSecretStore needs spec.provider with one provider");
	}
	opsc_array_push(&a->stores, st);
}

void opsc_actual_secrets_finish(opsc_actual *a, opsc_model *out)
{
	opsc_arena *arena = a->ctx->arena;
	out->nstores = a->stores.len;
	out->stores = opsc_array_to_arena(arena, &a->stores);
	out->nsecrets = a->secrets.len;
	out->secrets = opsc_array_to_arena(arena, &a->secrets);
	for (uint32_t i = 0; i < out->nsecrets; i++) {
		opsc_secret *sec = &out->secrets[i];
		const actual_envs *e = &a->secret_envs.items[i];
		/* only a namespace a Namespace manifest declares is an environment */
		sec->env = e->n && e->idx[0] < out->nenvs ? &out->envs[e->idx[0]] : NULL;
		for (uint32_t k = 0; sec->store_name.s && k < out->nstores; k++)
			if (out->stores[k].name.s && strcmp(out->stores[k].name.s, sec->store_name.s) == 0)
				sec->store = &out->stores[k];
	}
	opsc_array_free(&a->secret_envs);
}
