/*
 * sema_alerts.c - the alerts of backups, and the runbook link of every
 * alert that has none.
 *
 * A backup with `rpo` gets an alert when its last successful backup is
 * older than the RPO (Velero's velero_backup_last_successful_timestamp);
 * one with `restore_test` gets an alert when the restore test has not
 * succeeded within its interval (kube-state-metrics' view of the CronJob).
 * With the project's `runbooks`, an alert without `runbook` links to
 * <runbook_url>/<alert-name> or <runbooks>/<alert-name>.md, the file
 * `opsc build` writes.
 */
#include <string.h>

#include "model.h"
#include "promql.h"
#include "sema_build_int.h"
#include "util.h"

typedef struct {
	const char *name, *severity, *summary, *description;
	const char *causes[4], *checks[4];
} alert_text;

static const alert_text rpo_text = {
	"VeleroBackupTooOld", "critical",
	"The last successful backup of {{ $labels.schedule }} is older than its RPO of %s",
	"velero_backup_last_successful_timestamp of schedule %s is more than %s ago: a restore now would lose more than the recovery point objective allows.",
	{ "backups of the schedule fail or end PartiallyFailed (see BackupFailed)",
	  "the Velero server is down or the schedule is paused",
	  "the backup storage location is unavailable or full" },
	{ "`velero schedule describe <schedule>` and `velero backup get --selector velero.io/schedule-name=<schedule>`",
	  "`velero backup logs <latest backup>` for the first error",
	  "`velero backup-location get`: is the location Available" },
};

static const alert_text restore_text = {
	"VeleroRestoreTestFailing", "warning",
	"The restore test of {{ $labels.cronjob }} has not succeeded within %s",
	"The CronJob %s restores the latest backup of schedule %s into a scratch namespace; it has not succeeded for %s, so the backups may not be restorable.",
	{ "the latest backup is incomplete (PartiallyFailed) or missing",
	  "the restore fails: a missing CRD, a storage class or snapshot class absent in the cluster",
	  "the restore took longer than its timeout" },
	{ "`kubectl -n velero logs job/<latest restore-test job>`",
	  "`velero restore describe <restore> --details` for the failing items",
	  "`kubectl -n velero get cronjob <cronjob>`: is it suspended, when did it last run" },
};

/* The entries of a fixed-size table column up to the first NULL. */
static uint32_t count_of(const char *const *v, uint32_t max)
{
	uint32_t n = 0;
	while (n < max && v[n])
		n++;
	return n;
}

static opsc_alert *add_alert(builder *b, const opsc_backup *bk, const alert_text *t, const char *expr,
			     const char *origin)
{
	opsc_model *m = b->s->model;
	opsc_arena *a = b->s->ctx->arena;
	opsc_alert *al = &m->alerts[m->nalerts++];
	memset(al, 0, sizeof *al);
	al->span = bk->span;
	al->used_at = bk->used_at;
	al->name = (opsc_str){ t->name, bk->name.span };
	al->group = (opsc_str){ "backups", bk->span };
	al->expr = (opsc_str){ expr, bk->span };
	al->severity = (opsc_str){ t->severity, bk->span };
	al->origin = origin;
	al->causes = sema_strs_of(a, t->causes, count_of(t->causes, 4), bk->span);
	al->checks = sema_strs_of(a, t->checks, count_of(t->checks, 4), bk->span);
	al->labels.items = opsc_arena_alloc(a, sizeof *al->labels.items);
	al->labels.items[0] = (opsc_kv){ { "schedule", bk->name.span }, { bk->name.s, bk->name.span } };
	al->labels.len = 1;
	if (!bk->all_envs) { /* every environment is every cluster: no `in` */
		al->envs = bk->envs;
		al->nenvs = bk->nenvs;
	}
	opsc_promql_error err;
	if (!opsc_promql_check(expr, (uint32_t)strlen(expr), &err, NULL))
		opsc_diag_error(&b->s->ctx->diags, "promql", bk->name.span,
				"the %s alert of backup `%s` is not PromQL: %s", origin, bk->name.s, err.message);
	return al;
}

/* "1d2h": durations as the messages show them. */
static const char *dur(opsc_arena *a, int64_t s)
{
	static const struct {
		int64_t n;
		char unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	const char *out = "";
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (s >= units[i].n) {
			out = opsc_arena_printf(a, "%s%lld%c", out, (long long)(s / units[i].n), units[i].unit);
			s %= units[i].n;
		}
	return *out ? out : "0s";
}

/* The scratch namespace is overwritten by every restore test: it must not
 * be an environment's. */
static void check_scratch(builder *b, opsc_backup *bk)
{
	if (!bk->restore_namespace.s)
		bk->restore_namespace = (opsc_str){ opsc_arena_printf(b->s->ctx->arena, "restore-test-%s", bk->name.s),
						    bk->restore_test.span };
	const opsc_model *m = b->s->model;
	for (uint32_t i = 0; i < m->nenvs; i++) {
		if (!m->envs[i].namespace_.s || strcmp(m->envs[i].namespace_.s, bk->restore_namespace.s) != 0)
			continue;
		uint32_t d = opsc_diag_error(&b->s->ctx->diags, "restore-namespace", bk->restore_namespace.span,
					     "the restore test of backup `%s` would restore into `%s`, the namespace of "
					     "environment `%s`", bk->name.s, bk->restore_namespace.s, m->envs[i].name.s);
		opsc_diag_add_note(&b->s->ctx->diags, d, m->envs[i].namespace_.span, "the environment's namespace");
		opsc_diag_help(&b->s->ctx->diags, d, "restore into a scratch namespace of its own, like \"restore-test-%s\"",
			       bk->name.s);
		return;
	}
}

static void backup_alerts(builder *b, opsc_backup *bk)
{
	opsc_arena *a = b->s->ctx->arena;
	if (bk->rpo_s > 0) {
		const char *expr = opsc_arena_printf(a, "time() - velero_backup_last_successful_timestamp{schedule=\"%s\"} > %lld",
						     bk->name.s, (long long)bk->rpo_s);
		opsc_alert *al = add_alert(b, bk, &rpo_text, expr, "backup");
		al->summary = (opsc_str){ opsc_arena_printf(a, rpo_text.summary, dur(a, bk->rpo_s)), bk->span };
		al->description = (opsc_str){ opsc_arena_printf(a, rpo_text.description, bk->name.s, dur(a, bk->rpo_s)), bk->span };
	}
	if (!bk->restore_test.s) {
		if (bk->restore_namespace.s) {
			uint32_t d = opsc_diag_error(&b->s->ctx->diags, "restore-namespace", bk->restore_namespace.span,
						     "backup `%s` has a `restore_namespace` but no `restore_test`", bk->name.s);
			opsc_diag_help(&b->s->ctx->diags, d, "add `restore_test = \"0 6 * * 1\"` (when to test), or drop it");
		}
		return;
	}
	check_scratch(b, bk);
	/* one missed run is allowed: a restore may start late and take its timeout */
	int64_t gap = opsc_units_cron_max_interval(bk->restore_test.s);
	int64_t late = (gap ? gap : 86400) + bk->restore_timeout_s;
	const char *cj = opsc_arena_printf(a, "restore-test-%s", bk->name.s);
	const char *expr = opsc_arena_printf(a,
					     "time() - kube_cronjob_status_last_successful_time{namespace=\"velero\", cronjob=\"%s\"} > %lld\n"
					     "or\n"
					     "kube_cronjob_status_last_schedule_time{namespace=\"velero\", cronjob=\"%s\"} < time() - %lld\n"
					     "unless on (cronjob) kube_cronjob_status_last_successful_time{namespace=\"velero\", cronjob=\"%s\"}\n",
					     cj, (long long)late, cj, (long long)late, cj);
	opsc_alert *al = add_alert(b, bk, &restore_text, expr, "restore-test");
	al->labels.items[0] = (opsc_kv){ { "cronjob", bk->restore_test.span }, { cj, bk->restore_test.span } };
	al->summary = (opsc_str){ opsc_arena_printf(a, restore_text.summary, dur(a, late)), bk->span };
	al->description = (opsc_str){ opsc_arena_printf(a, restore_text.description, cj, bk->name.s, dur(a, late)), bk->span };
}

/* ---------------------------------------------------------------- runbooks */

/* "HighCPUUsage" -> "high-cpu-usage": a dash where a word starts. */
static const char *slug(opsc_arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = opsc_arena_alloc(a, 2 * n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool up = c >= 'A' && c <= 'Z';
		bool prev_low = i > 0 && ((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= '0' && s[i - 1] <= '9'));
		bool next_low = i + 1 < n && s[i + 1] >= 'a' && s[i + 1] <= 'z';
		bool prev_up = i > 0 && s[i - 1] >= 'A' && s[i - 1] <= 'Z';
		if (up && (prev_low || (prev_up && next_low)))
			*o++ = '-';
		*o++ = up ? (char)(c - 'A' + 'a') : c == '_' ? '-' : c;
	}
	*o = '\0';
	return out;
}

/* `runbooks` is a directory of the project, which `opsc build` writes
 * into; `runbook_url` only says where it is served. */
static bool runbooks_ok(builder *b, const opsc_project *p)
{
	opsc_diags *d = &b->s->ctx->diags;
	if (!p->runbooks.s) {
		if (p->runbook_url.s) {
			uint32_t id = opsc_diag_error(d, "bad-runbooks", p->runbook_url.span,
						      "`runbook_url` says where the runbooks are served, but the project has no `runbooks` directory");
			opsc_diag_help(d, id, "add `runbooks = \"docs/runbooks\"`, the directory of the Markdown files");
		}
		return false;
	}
	if (opsc_project_inside(p->runbooks.s))
		return true;
	opsc_diag_error(d, "bad-runbooks", p->runbooks.span,
			"`runbooks` must be a directory inside the project, relative to it, found \"%s\"", p->runbooks.s);
	return false;
}

/* Under `runbook_url` a link names the page (documentation sites serve
 * docs/runbooks/x.md as <url>/x); without one it is the file's path. */
void sema_runbook_links(builder *b)
{
	opsc_model *m = b->s->model;
	if (!m->has_project || !runbooks_ok(b, &m->project))
		return;
	const opsc_str *url = &m->project.runbook_url, *base = url->s ? url : &m->project.runbooks;
	size_t n = strlen(base->s);
	const char *sep = n && base->s[n - 1] == '/' ? "" : "/";
	for (uint32_t i = 0; i < m->nalerts; i++) {
		opsc_alert *al = &m->alerts[i];
		if (al->runbook.s && *al->runbook.s)
			continue;
		al->runbook = (opsc_str){ opsc_arena_printf(b->s->ctx->arena, "%s%s%s%s", base->s, sep,
							    slug(b->s->ctx->arena, al->name.s), url->s ? "" : ".md"),
					  base->span };
	}
}

void sema_slo_alerts(builder *b)
{
	for (uint32_t i = 0; i < b->s->model->nslos; i++) {
		const opsc_slo *slo = &b->s->model->slos[i];
		if (slo->service.s && slo->objective > 0 && slo->window_s && slo->errors.s && slo->total.s)
			sema_slo_alert_pair(b, slo);
	}
	for (uint32_t i = 0; i < b->s->model->nbackups; i++)
		backup_alerts(b, &b->s->model->backups[i]);
}
