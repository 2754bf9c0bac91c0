/*
 * prometheus.c - alert rules, twice per cluster:
 *
 *   <cluster>/monitoring/prometheus-rules.yaml   a PrometheusRule
 *       (monitoring.coreos.com/v1) named opsc-alerts, for the Prometheus
 *       Operator that runs in the cluster;
 *   prometheus/<cluster>.rules.yaml              the same groups as a plain
 *       rule file, for a Prometheus outside the cluster and `promtool`.
 *
 * A cluster gets the alerts deployed to any of its environments (an alert
 * without `in` goes everywhere). Groups are sorted by name, the rules of a
 * group keep their declaration order.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "yamlw.h"




/* The alerts of one cluster, in declaration order, and their groups. */
typedef struct {
	const opsc_alert **alerts;
	uint32_t nalerts;
	const char **groups; /* sorted, distinct */
	uint32_t ngroups;
} cluster_rules;

/* An alert without `in` goes everywhere, and every cluster has an
 * environment (clusters are named by environments); one with `in` goes to
 * the clusters of those environments. */
static bool deployed_to(const opsc_alert *al, const char *cluster)
{
	if (al->nenvs == 0)
		return true;
	for (uint32_t i = 0; i < al->nenvs; i++)
		if (strcmp(al->envs[i]->cluster.s, cluster) == 0)
			return true;
	return false;
}

static void collect(opsc_emit *em, const char *cluster, cluster_rules *cr, opsc_srcs *srcs)
{
	const opsc_model *m = em->model;
	size_t size = (m->nalerts + 1) * sizeof(void *);
	cr->alerts = opsc_arena_alloc(em->ctx->arena, size);
	cr->groups = opsc_arena_alloc(em->ctx->arena, size);
	cr->nalerts = cr->ngroups = 0;
	for (uint32_t i = 0; i < m->nalerts; i++) {
		const opsc_alert *al = &m->alerts[i];
		if (!deployed_to(al, cluster))
			continue;
		cr->alerts[cr->nalerts++] = al;
		cr->groups[cr->ngroups++] = al->group.s ? al->group.s : "opsc";
		opsc_srcs_add(srcs, al->span);
		opsc_srcs_add(srcs, al->used_at);
	}
	qsort(cr->groups, cr->ngroups, sizeof(*cr->groups), opsc_cmp_str);
	uint32_t k = 0;
	for (uint32_t i = 0; i < cr->ngroups; i++)
		if (k == 0 || strcmp(cr->groups[k - 1], cr->groups[i]) != 0)
			cr->groups[k++] = cr->groups[i];
	cr->ngroups = k;
}

/* severity, then the extra labels sorted by key; an extra label named
 * severity would contradict the attribute, which wins. */
static void write_labels(opsc_emit *em, opsc_yw *w, const opsc_alert *al)
{
	uint32_t n = al->labels.len, k = 0;
	opsc_kv *kvs = opsc_arena_alloc(em->ctx->arena, (n + 1) * sizeof(*kvs));
	for (uint32_t i = 0; i < n; i++)
		if (!al->severity.s || strcmp(al->labels.items[i].key.s, "severity") != 0)
			kvs[k++] = al->labels.items[i];
	if (k == 0 && !al->severity.s)
		return;
	qsort(kvs, k, sizeof(*kvs), opsc_cmp_str);
	opsc_yw_key_map(w, "labels");
	opsc_yw_kv(w, "severity", al->severity.s);
	for (uint32_t i = 0; i < k; i++)
		opsc_yw_kv(w, kvs[i].key.s, kvs[i].value.s);
	opsc_yw_end(w);
}

static void write_annotations(opsc_yw *w, const opsc_alert *al)
{
	const struct {
		const char *key;
		const char *value;
	} notes[] = {
		{ "summary", al->summary.s },
		{ "description", al->description.s },
		{ "runbook_url", al->runbook.s },
	};
	bool any = false;
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
		any |= notes[i].value != NULL;
	if (!any)
		return;
	opsc_yw_key_map(w, "annotations");
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
		if (!notes[i].value)
			continue;
		opsc_yw_str(w, notes[i].key);
		opsc_yw_text(w, notes[i].value);
	}
	opsc_yw_end(w);
}

static void write_rule(opsc_emit *em, opsc_yw *w, const opsc_alert *al)
{
	opsc_yw_map(w);
	opsc_yw_kv(w, "alert", al->name.s);
	opsc_yw_str(w, "expr");
	opsc_yw_text(w, al->expr.s ? al->expr.s : "");
	if (al->for_s > 0)
		opsc_yw_kv(w, "for", opsc_emit_duration(em, al->for_s));
	write_labels(em, w, al);
	write_annotations(w, al);
	opsc_yw_end(w);
}

/* `groups:` as both file shapes have it. */
static void write_groups(opsc_emit *em, opsc_yw *w, const cluster_rules *cr)
{
	opsc_yw_key_seq(w, "groups");
	for (uint32_t g = 0; g < cr->ngroups; g++) {
		opsc_yw_map(w);
		opsc_yw_kv(w, "name", cr->groups[g]);
		opsc_yw_key_seq(w, "rules");
		for (uint32_t i = 0; i < cr->nalerts; i++) {
			const char *group = cr->alerts[i]->group.s ? cr->alerts[i]->group.s : "opsc";
			if (strcmp(group, cr->groups[g]) == 0)
				write_rule(em, w, cr->alerts[i]);
		}
		opsc_yw_end(w);
		opsc_yw_end(w);
	}
	opsc_yw_end(w);
}

/* A rule file holds every alert of a cluster: its documents point at the
 * first one. */
static opsc_span first_alert(const cluster_rules *cr)
{
	return cr->nalerts ? cr->alerts[0]->span : OPSC_NO_SPAN;
}

static void write_prometheus_rule(opsc_emit *em, opsc_yw *w, const cluster_rules *cr)
{
	opsc_emit_object(w, first_alert(cr), "monitoring.coreos.com/v1", "PrometheusRule", "opsc-alerts",
			 "monitoring");
	opsc_yw_key_map(w, "spec");
	write_groups(em, w, cr);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

static void write_rule_file(opsc_emit *em, opsc_yw *w, const cluster_rules *cr)
{
	opsc_yw_doc_at(w, first_alert(cr));
	opsc_yw_map(w);
	write_groups(em, w, cr);
	opsc_yw_end(w);
	opsc_yw_end(w);
}

typedef void (*write_fn)(opsc_emit *em, opsc_yw *w, const cluster_rules *cr);

static int write_file(opsc_emit *em, const char *path, write_fn write, const cluster_rules *cr,
		      const opsc_srcs *srcs)
{
	opsc_yw w;
	opsc_yw_open(&w, opsc_emit_header(em, srcs));
	write(em, &w, cr);
	return opsc_emit_yaml(em, &w, path, srcs);
}

static int emit_cluster(opsc_emit *em, const char *cluster)
{
	opsc_srcs srcs = { 0 };
	cluster_rules cr;
	collect(em, cluster, &cr, &srcs);
	int rc = 0;
	if (cr.nalerts == 0)
		goto done;
	opsc_arena *a = em->ctx->arena;
	rc = write_file(em, opsc_arena_printf(a, "%s/monitoring/prometheus-rules.yaml", cluster),
			write_prometheus_rule, &cr, &srcs);
	if (rc == 0)
		rc = write_file(em, opsc_arena_printf(a, "prometheus/%s.rules.yaml", cluster),
				write_rule_file, &cr, &srcs);
done:
	opsc_srcs_free(&srcs);
	return rc;
}

static int emit_prometheus(opsc_emit *em)
{
	return opsc_emit_per_cluster(em, emit_cluster);
}

const opsc_emitter opsc_emit_prometheus = { "prometheus", emit_prometheus };
