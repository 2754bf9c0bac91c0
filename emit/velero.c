/*
 * velero.c - Velero Schedules (velero.io/v1).
 *
 * One file per cluster, <cluster>/velero/schedules.yaml, with one Schedule
 * per backup block that covers at least one environment of that cluster.
 * Schedules live in the `velero` namespace, where the Velero server reads
 * them; the namespaces they back up are the covered environments' own.
 *
 * Before writing, each backup's schedule is checked against what it
 * promises: the longest gap between two runs must not exceed the declared
 * RPO, and a backup must outlive that gap (or a restore point is missing
 * until the next run).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "util.h"
#include "verify.h"
#include "yamlw.h"


/* Velero's TTL is a Go time.Duration: "720h0m0s", "30m0s", "0s". */
static const char *go_duration(opsc_emit *em, int64_t s)
{
	int64_t h = s / 3600, m = s % 3600 / 60, sec = s % 60;
	if (h)
		return opsc_arena_printf(em->ctx->arena, "%" PRId64 "h%" PRId64 "m%" PRId64 "s", h, m, sec);
	if (m)
		return opsc_arena_printf(em->ctx->arena, "%" PRId64 "m%" PRId64 "s", m, sec);
	return opsc_arena_printf(em->ctx->arena, "%" PRId64 "s", sec);
}

/* ------------------------------------------------------------- warnings */

static void check_rpo(opsc_emit *em, const opsc_backup *bk, int64_t gap)
{
	if (!bk->rpo_s || gap <= bk->rpo_s)
		return;
	uint32_t d = opsc_diag_warning(&em->ctx->diags, "backup-rpo", bk->rpo_span,
				       "backup `%s` can go %s without running, longer than its rpo of %s",
				       bk->name.s, opsc_emit_duration(em, gap), opsc_emit_duration(em, bk->rpo_s));
	opsc_diag_add_note(&em->ctx->diags, d, bk->schedule.span, "the schedule is \"%s\"",
			   bk->schedule.s);
	opsc_diag_help(&em->ctx->diags, d, "run it at least every %s, or raise `rpo`",
		       opsc_emit_duration(em, bk->rpo_s));
}

static void check_retention(opsc_emit *em, const opsc_backup *bk, int64_t gap)
{
	if (!bk->retain_s || bk->retain_s >= gap)
		return;
	uint32_t d = opsc_diag_warning(&em->ctx->diags, "backup-retention", bk->retain_span,
				       "backup `%s` keeps each backup %s but can go %s between runs: "
				       "for a while no backup exists",
				       bk->name.s, opsc_emit_duration(em, bk->retain_s),
				       opsc_emit_duration(em, gap));
	opsc_diag_add_note(&em->ctx->diags, d, bk->schedule.span, "the schedule is \"%s\"",
			   bk->schedule.s);
	opsc_diag_help(&em->ctx->diags, d, "retain backups for at least %s",
		       opsc_emit_duration(em, gap));
}

/* Once per backup, not once per cluster it lands on: part of the
 * compile-time verification (verify.c), not of emission. */
void opsc_velero_check(opsc_emit *em)
{
	for (uint32_t i = 0; i < em->model->nbackups; i++) {
		const opsc_backup *bk = &em->model->backups[i];
		if (!bk->schedule.s)
			continue;
		int64_t gap = opsc_units_cron_max_interval(bk->schedule.s);
		if (gap == 0)
			continue; /* fires at most once: there is no interval to judge */
		check_rpo(em, bk, gap);
		check_retention(em, bk, gap);
	}
}

/* ------------------------------------------------------------ schedules */



/* The namespaces `bk` backs up on `cluster`, sorted and distinct; NULL-ended.
 * Returns how many. */
uint32_t opsc_velero_namespaces(opsc_emit *em, const opsc_backup *bk, const char *cluster,
				const char ***out)
{
	/* the backup's own environments, or all of them: not every environment
	 * for every backup, which would cost backups x environments */
	const opsc_model *m = em->model;
	bool all = bk->all_envs || bk->nenvs == 0;
	uint32_t cand = all ? m->nenvs : bk->nenvs;
	const char **ns = opsc_arena_alloc(em->ctx->arena, (cand + 1) * sizeof(*ns));
	uint32_t n = 0;
	for (uint32_t i = 0; i < cand; i++) {
		const opsc_env *env = all ? &m->envs[i] : bk->envs[i];
		if (strcmp(env->cluster.s, cluster) != 0 || !env->namespace_.s)
			continue;
		ns[n++] = env->namespace_.s;
	}
	qsort(ns, n, sizeof(*ns), opsc_cmp_str);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		if (k == 0 || strcmp(ns[k - 1], ns[i]) != 0)
			ns[k++] = ns[i];
	ns[k] = NULL;
	*out = ns;
	return k;
}

static const char *schedule_text(opsc_emit *em, const opsc_backup *bk)
{
	const char *tz = bk->timezone.s;
	if (!tz && em->model->has_project)
		tz = em->model->project.timezone.s;
	if (!tz)
		return bk->schedule.s;
	return opsc_arena_printf(em->ctx->arena, "CRON_TZ=%s %s", tz, bk->schedule.s);
}

static void write_selector(opsc_emit *em, opsc_yw *w, const opsc_kvs *select)
{
	if (select->len == 0)
		return;
	opsc_kv *kvs = opsc_arena_alloc(em->ctx->arena, select->len * sizeof(*kvs));
	memcpy(kvs, select->items, select->len * sizeof(*kvs));
	qsort(kvs, select->len, sizeof(*kvs), opsc_cmp_str);
	opsc_yw_key_map(w, "labelSelector");
	opsc_yw_key_map(w, "matchLabels");
	for (uint32_t i = 0; i < select->len; i++)
		opsc_yw_kv(w, kvs[i].key.s, kvs[i].value.s);
	opsc_yw_end(w);
	opsc_yw_end(w);
}

/* spec.template: Velero's BackupSpec. */
static void write_template(opsc_emit *em, opsc_yw *w, const opsc_backup *bk,
			   const char *const *ns)
{
	opsc_yw_key_map(w, "template");
	opsc_yw_kv(w, "ttl", go_duration(em, bk->retain_s));
	opsc_yw_key_seq(w, "includedNamespaces");
	for (; *ns; ns++)
		opsc_yw_str(w, *ns);
	opsc_yw_end(w);
	write_selector(em, w, &bk->select);
	opsc_yw_kv(w, "storageLocation", bk->storage.s);
	if (bk->snapshot_volumes_set) /* unset: Velero's own default applies */
		opsc_yw_kvb(w, "snapshotVolumes", bk->snapshot_volumes);
	opsc_yw_end(w);
}

static void write_schedule(opsc_emit *em, opsc_yw *w, const opsc_backup *bk,
			   const char *const *ns)
{
	opsc_emit_object(w, bk->span, "velero.io/v1", "Schedule", bk->name.s, "velero");
	opsc_yw_key_map(w, "spec");
	opsc_yw_kv(w, "schedule", schedule_text(em, bk));
	write_template(em, w, bk, ns);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

/* The backups that cover `cluster`, in declaration order, with the
 * namespaces each backs up there. */
typedef struct {
	const opsc_backup *backup;
	const char **namespaces;
} cluster_schedule;

static int emit_cluster(opsc_emit *em, const char *cluster)
{
	int rc = 0;
	opsc_array(cluster_schedule) scheds = { 0 };
	opsc_srcs srcs = { 0 };
	for (uint32_t i = 0; i < em->model->nbackups; i++) {
		cluster_schedule s = { &em->model->backups[i], NULL };
		if (opsc_velero_namespaces(em, s.backup, cluster, &s.namespaces) == 0)
			continue;
		opsc_array_push(&scheds, s);
		opsc_srcs_add(&srcs, s.backup->span);
		opsc_srcs_add(&srcs, s.backup->used_at);
	}
	if (scheds.len == 0)
		goto done;
	opsc_yw w;
	opsc_yw_open(&w, opsc_emit_header(em, &srcs));
	for (uint32_t i = 0; i < scheds.len; i++)
		write_schedule(em, &w, scheds.items[i].backup, scheds.items[i].namespaces);
	rc = opsc_emit_yaml(em, &w, opsc_arena_printf(em->ctx->arena, "%s/velero/schedules.yaml", cluster),
			    &srcs);
done:
	opsc_srcs_free(&srcs);
	opsc_array_free(&scheds);
	return rc;
}

static int emit_velero(opsc_emit *em)
{
	return opsc_emit_per_cluster(em, emit_cluster);
}

const opsc_emitter opsc_emit_velero = { "velero", emit_velero };
