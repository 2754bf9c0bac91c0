/*
 * slo.c - the recording rules of SLOs, twice per cluster like the alerts:
 *
 *   <cluster>/monitoring/slo-rules.yaml   a PrometheusRule named opsc-slos
 *   prometheus/<cluster>.slo.rules.yaml   the same groups as a plain rule file
 *
 * Two groups per SLO, as Sloth names them with its prefix dropped:
 * slo-sli-recordings-<id> (the error ratio per window) and
 * slo-meta-recordings-<id> (objective, budget, burn). The alerts on them
 * are Model alerts (sema_slo.c) and go out with the others
 * (prometheus.c). SLOs keep their declaration order.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "yamlw.h"

static bool deployed_to(const opsc_slo *slo, const char *cluster)
{
	if (slo->nenvs == 0)
		return true;
	for (uint32_t i = 0; i < slo->nenvs; i++)
		if (strcmp(slo->envs[i]->cluster.s, cluster) == 0)
			return true;
	return false;
}

/* The user's labels and the sloth_* ones, sorted by key; a user label
 * named like a sloth_* one loses. */
static void write_labels(opsc_emit *em, opsc_yw *w, const opsc_slo *slo, const opsc_slo_rule *r)
{
	opsc_arena *a = em->ctx->arena;
	opsc_kv *kvs = opsc_arena_alloc(a, (slo->labels.len + 5) * sizeof *kvs);
	uint32_t n = 0;
	for (uint32_t i = 0; i < slo->labels.len; i++)
		if (strncmp(slo->labels.items[i].key.s, "sloth_", 6) != 0)
			kvs[n++] = slo->labels.items[i];
	const char *own[][2] = {
		{ "sloth_id", slo->id },
		{ "sloth_service", slo->service.s },
		{ "sloth_slo", slo->name.s },
		{ "sloth_window", r->window },
		{ "sloth_objective", strcmp(r->record, "sloth_slo_info") == 0 ? slo->objective_text : NULL },
	};
	for (size_t i = 0; i < sizeof own / sizeof *own; i++)
		if (own[i][1])
			kvs[n++] = (opsc_kv){ { own[i][0], slo->span }, { own[i][1], slo->span } };
	qsort(kvs, n, sizeof *kvs, opsc_cmp_str);
	opsc_yw_key_map(w, "labels");
	for (uint32_t i = 0; i < n; i++)
		opsc_yw_kv(w, kvs[i].key.s, kvs[i].value.s);
	opsc_yw_end(w);
}

static void write_group(opsc_emit *em, opsc_yw *w, const opsc_slo *slo, const opsc_slo_rule *rules, uint32_t n,
			bool sli)
{
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", opsc_arena_printf(em->ctx->arena, "slo-%s-recordings-%s", sli ? "sli" : "meta",
						slo->id));
	opsc_yw_key_seq(w, "rules");
	for (uint32_t i = 0; i < n; i++) {
		if (rules[i].sli != sli)
			continue;
		opsc_yw_map(w);
		opsc_yw_kv(w, "record", rules[i].record);
		opsc_yw_str(w, "expr");
		opsc_yw_text(w, rules[i].expr);
		write_labels(em, w, slo, &rules[i]);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
	opsc_yw_end(w);
}

static void write_groups(opsc_emit *em, opsc_yw *w, const opsc_slo *const *slos, uint32_t n)
{
	opsc_yw_key_seq(w, "groups");
	for (uint32_t i = 0; i < n; i++) {
		const opsc_slo_rule *rules = slos[i]->rules;
		uint32_t nr = slos[i]->nrules;
		write_group(em, w, slos[i], rules, nr, true);
		write_group(em, w, slos[i], rules, nr, false);
	}
	opsc_yw_end(w);
}

static int emit_cluster(opsc_emit *em, const char *cluster)
{
	const opsc_model *m = em->model;
	opsc_arena *a = em->ctx->arena;
	const opsc_slo **slos = opsc_arena_alloc(a, (m->nslos + 1) * sizeof *slos);
	uint32_t n = 0;
	opsc_srcs srcs = { 0 };
	for (uint32_t i = 0; i < m->nslos; i++) {
		if (!deployed_to(&m->slos[i], cluster))
			continue;
		slos[n++] = &m->slos[i];
		opsc_srcs_add(&srcs, m->slos[i].span);
		opsc_srcs_add(&srcs, m->slos[i].used_at);
	}
	int rc = 0;
	if (n == 0)
		goto done;
	opsc_yw w;
	opsc_yw_open(&w, opsc_emit_header(em, &srcs));
	opsc_emit_object(&w, slos[0]->span, "monitoring.coreos.com/v1", "PrometheusRule", "opsc-slos", "monitoring");
	opsc_yw_key_map(&w, "spec");
	write_groups(em, &w, slos, n);
	opsc_yw_end(&w);
	opsc_emit_object_end(&w);
	rc = opsc_emit_yaml(em, &w, opsc_arena_printf(a, "%s/monitoring/slo-rules.yaml", cluster), &srcs);
	if (rc < 0)
		goto done;
	opsc_yw_open(&w, opsc_emit_header(em, &srcs));
	opsc_yw_doc_at(&w, slos[0]->span);
	opsc_yw_map(&w);
	write_groups(em, &w, slos, n);
	opsc_yw_end(&w);
	opsc_yw_end(&w);
	rc = opsc_emit_yaml(em, &w, opsc_arena_printf(a, "prometheus/%s.slo.rules.yaml", cluster), &srcs);
done:
	opsc_srcs_free(&srcs);
	return rc;
}

static int emit_slo(opsc_emit *em)
{
	return opsc_emit_per_cluster(em, emit_cluster);
}

const opsc_emitter opsc_emit_slo = { "slo", emit_slo };
