/*
 * restoretest.c - restore tests of backups with `restore_test`, one file
 * per cluster, <cluster>/velero/restore-tests.yaml:
 *
 *   Namespace     the scratch namespace restores go into
 *   ServiceAccount, Role, RoleBinding in velero: get/list backups,
 *                 create/get restores (velero.io), nothing else
 *   Role, RoleBinding in the scratch namespace: list what was restored
 *   CronJob       restores the latest Completed backup of the schedule
 *
 * The job maps the backed-up namespaces onto the scratch one, leaves pods
 * and workload controllers out (a restored copy must not run beside
 * production and talk to its services), waits for the Restore and exits
 * non-zero unless it Completed with items restored. Its result is the
 * exit status, which kube-state-metrics exposes for the CronJob
 * (kube_cronjob_status_last_successful_time: the alert of sema_alerts.c),
 * and Velero's own velero_restore_success_total / _failed_total.
 */
#include <string.h>

#include "emit.h"
#include "yamlw.h"

#define IMAGE "docker.io/alpine/k8s:1.31.4"

/* Kinds a restore test does not bring back. */
static const char *const excluded[] = {
	"pods", "replicasets", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs",
};

static const char *name_of(opsc_emit *em, const opsc_backup *bk)
{
	return opsc_arena_printf(em->ctx->arena, "restore-test-%s", bk->name.s);
}

static void write_rule(opsc_yw *w, const char *group, const char *const *res, size_t nres,
		       const char *const *verbs, size_t nverbs)
{
	opsc_yw_map(w);
	opsc_yw_key_seq(w, "apiGroups");
	opsc_yw_str(w, group);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "resources");
	for (size_t i = 0; i < nres; i++)
		opsc_yw_str(w, res[i]);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "verbs");
	for (size_t i = 0; i < nverbs; i++)
		opsc_yw_str(w, verbs[i]);
	opsc_yw_end(w);
	opsc_yw_end(w);
}

#define N(a) (sizeof(a) / sizeof(*(a)))

static void write_rbac(opsc_emit *em, opsc_yw *w, const opsc_backup *bk)
{
	const char *name = name_of(em, bk), *scratch = bk->restore_namespace.s;
	static const char *const backups[] = { "backups" }, *const restores[] = { "restores" };
	static const char *const read[] = { "get", "list" }, *const make[] = { "create", "get" };
	static const char *const restored[] = { "configmaps", "persistentvolumeclaims", "serviceaccounts", "services" };
	static const char *const list[] = { "list" };

	/* labelled so that lint does not take it for an environment */
	opsc_yw_doc_at(w, bk->span);
	opsc_yw_map(w);
	opsc_yw_kv(w, "apiVersion", "v1");
	opsc_yw_kv(w, "kind", "Namespace");
	opsc_yw_key_map(w, "metadata");
	opsc_yw_kv(w, "name", scratch);
	opsc_yw_key_map(w, "labels");
	opsc_yw_kv(w, "app.kubernetes.io/managed-by", "opsc");
	opsc_yw_kv(w, "opsc.dev/restore-test", bk->name.s);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
	opsc_emit_object(w, bk->span, "v1", "ServiceAccount", name, "velero");
	opsc_emit_object_end(w);
	const char *ns[2] = { "velero", scratch };
	for (int k = 0; k < 2; k++) {
		opsc_emit_object(w, bk->span, "rbac.authorization.k8s.io/v1", "Role", name, ns[k]);
		opsc_yw_key_seq(w, "rules");
		if (k == 0) {
			write_rule(w, "velero.io", backups, N(backups), read, N(read));
			write_rule(w, "velero.io", restores, N(restores), make, N(make));
		} else {
			write_rule(w, "", restored, N(restored), list, N(list));
		}
		opsc_yw_end(w);
		opsc_emit_object_end(w);
		opsc_emit_object(w, bk->span, "rbac.authorization.k8s.io/v1", "RoleBinding", name, ns[k]);
		opsc_yw_key_map(w, "roleRef");
		opsc_yw_kv(w, "apiGroup", "rbac.authorization.k8s.io");
		opsc_yw_kv(w, "kind", "Role");
		opsc_yw_kv(w, "name", name);
		opsc_yw_end(w);
		opsc_yw_key_seq(w, "subjects");
		opsc_yw_map(w);
		opsc_yw_kv(w, "kind", "ServiceAccount");
		opsc_yw_kv(w, "name", name);
		opsc_yw_kv(w, "namespace", "velero");
		opsc_yw_end(w);
		opsc_yw_end(w);
		opsc_emit_object_end(w);
	}
}

/* The job's shell script: POSIX sh and kubectl only. */
static const char *script(opsc_emit *em, const opsc_backup *bk, const char *const *ns)
{
	opsc_arena *a = em->ctx->arena;
	const char *scratch = bk->restore_namespace.s, *include = "", *mapping = "", *excl = "";
	for (uint32_t i = 0; ns[i]; i++) {
		include = opsc_arena_printf(a, "%s%s%s", include, i ? ", " : "", ns[i]);
		mapping = opsc_arena_printf(a, "%s    %s: %s\n", mapping, ns[i], scratch);
	}
	for (size_t i = 0; i < N(excluded); i++)
		excl = opsc_arena_printf(a, "%s%s%s", excl, i ? ", " : "", excluded[i]);
	return opsc_arena_printf(a,
		"set -eu\n"
		"schedule='%s'\n"
		"scratch='%s'\n"
		"backup=$(kubectl -n velero get backups.velero.io -l velero.io/schedule-name=\"$schedule\" \\\n"
		"  -o jsonpath='{range .items[?(@.status.phase==\"Completed\")]}{.status.completionTimestamp}{\" \"}{.metadata.name}{\"\\n\"}{end}' \\\n"
		"  | sort | tail -n 1 | cut -d ' ' -f 2)\n"
		"if [ -z \"$backup\" ]; then echo \"no Completed backup of schedule $schedule\"; exit 1; fi\n"
		"restore=\"$scratch-$(date -u +%%Y%%m%%d%%H%%M%%S)\"\n"
		"kubectl -n velero create -f - <<EOF\n"
		"apiVersion: velero.io/v1\n"
		"kind: Restore\n"
		"metadata:\n"
		"  name: $restore\n"
		"  namespace: velero\n"
		"  labels:\n"
		"    app.kubernetes.io/managed-by: opsc\n"
		"    opsc.dev/restore-test: $schedule\n"
		"spec:\n"
		"  backupName: $backup\n"
		"  includedNamespaces: [%s]\n"
		"  namespaceMapping:\n"
		"%s"
		"  excludedResources: [%s]\n"
		"  existingResourcePolicy: update\n"
		"  restorePVs: true\n"
		"EOF\n"
		"phase=\n"
		"deadline=$(( $(date +%%s) + %lld ))\n"
		"while [ \"$(date +%%s)\" -lt \"$deadline\" ]; do\n"
		"  phase=$(kubectl -n velero get restores.velero.io \"$restore\" -o jsonpath='{.status.phase}')\n"
		"  case \"$phase\" in\n"
		"  Completed) break ;;\n"
		"  Failed|PartiallyFailed|FailedValidation) echo \"restore $restore of $backup: $phase\"; exit 1 ;;\n"
		"  esac\n"
		"  sleep 10\n"
		"done\n"
		"if [ \"$phase\" != Completed ]; then echo \"restore $restore of $backup did not finish in time\"; exit 1; fi\n"
		"items=$(kubectl -n velero get restores.velero.io \"$restore\" -o jsonpath='{.status.progress.itemsRestored}')\n"
		"found=$(kubectl -n \"$scratch\" get configmaps,persistentvolumeclaims,serviceaccounts,services -o name | wc -l)\n"
		"echo \"restore $restore of $backup: Completed, ${items:-0} items restored, $found objects in $scratch\"\n"
		"[ \"${items:-0}\" -gt 0 ] && [ \"$found\" -gt 0 ]\n",
		bk->name.s, scratch, include, mapping, excl, (long long)bk->restore_timeout_s);
}

static void write_container(opsc_emit *em, opsc_yw *w, const opsc_backup *bk, const char *const *ns)
{
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", "restore-test");
	opsc_yw_kv(w, "image", IMAGE);
	opsc_yw_key_seq(w, "command");
	opsc_yw_str(w, "/bin/sh");
	opsc_yw_str(w, "-c");
	opsc_yw_text(w, script(em, bk, ns));
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "env");
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", "HOME"); /* kubectl's cache, on the writable volume */
	opsc_yw_kv(w, "value", "/tmp");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_key_map(w, "resources");
	opsc_yw_key_map(w, "requests");
	opsc_yw_kv(w, "cpu", "10m");
	opsc_yw_kv(w, "memory", "64Mi");
	opsc_yw_end(w);
	opsc_yw_key_map(w, "limits");
	opsc_yw_kv(w, "cpu", "200m");
	opsc_yw_kv(w, "memory", "128Mi");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_key_map(w, "securityContext");
	opsc_yw_kvb(w, "allowPrivilegeEscalation", false);
	opsc_yw_kvb(w, "readOnlyRootFilesystem", true);
	opsc_yw_key_map(w, "capabilities");
	opsc_yw_key_seq(w, "drop");
	opsc_yw_str(w, "ALL");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "volumeMounts");
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", "tmp");
	opsc_yw_kv(w, "mountPath", "/tmp");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
}

static void write_pod(opsc_emit *em, opsc_yw *w, const opsc_backup *bk, const char *const *ns)
{
	opsc_yw_key_map(w, "template");
	opsc_yw_key_map(w, "spec");
	opsc_yw_kv(w, "serviceAccountName", name_of(em, bk));
	opsc_yw_kv(w, "restartPolicy", "Never");
	opsc_yw_key_map(w, "securityContext");
	opsc_yw_kvb(w, "runAsNonRoot", true);
	opsc_yw_kvi(w, "runAsUser", 65534);
	opsc_yw_key_map(w, "seccompProfile");
	opsc_yw_kv(w, "type", "RuntimeDefault");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "containers");
	write_container(em, w, bk, ns);
	opsc_yw_end(w);
	opsc_yw_key_seq(w, "volumes");
	opsc_yw_map(w);
	opsc_yw_kv(w, "name", "tmp");
	opsc_yw_key_map(w, "emptyDir");
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
}

static void write_cronjob(opsc_emit *em, opsc_yw *w, const opsc_backup *bk, const char *const *ns)
{
	const char *tz = bk->timezone.s;
	if (!tz && em->model->has_project)
		tz = em->model->project.timezone.s;
	opsc_emit_object(w, bk->span, "batch/v1", "CronJob", name_of(em, bk), "velero");
	opsc_yw_key_map(w, "spec");
	opsc_yw_kv(w, "schedule", bk->restore_test.s);
	opsc_yw_kv(w, "timeZone", tz);
	opsc_yw_kv(w, "concurrencyPolicy", "Forbid");
	opsc_yw_kvi(w, "successfulJobsHistoryLimit", 1);
	opsc_yw_kvi(w, "failedJobsHistoryLimit", 1);
	opsc_yw_key_map(w, "jobTemplate");
	opsc_yw_key_map(w, "spec");
	opsc_yw_kvi(w, "backoffLimit", 0);
	/* the script's own deadline, plus time to find the backup and report */
	opsc_yw_kvi(w, "activeDeadlineSeconds", bk->restore_timeout_s + 300);
	write_pod(em, w, bk, ns);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_yw_end(w);
	opsc_emit_object_end(w);
}

static int emit_cluster(opsc_emit *em, const char *cluster)
{
	int rc = 0;
	opsc_srcs srcs = { 0 };
	opsc_yw w;
	bool open = false;
	for (uint32_t i = 0; i < em->model->nbackups; i++) {
		const opsc_backup *bk = &em->model->backups[i];
		const char **ns;
		if (!bk->restore_test.s || opsc_velero_namespaces(em, bk, cluster, &ns) == 0)
			continue;
		if (!open)
			opsc_yw_open(&w, NULL);
		open = true;
		opsc_srcs_add(&srcs, bk->span);
		opsc_srcs_add(&srcs, bk->used_at);
		write_rbac(em, &w, bk);
		write_cronjob(em, &w, bk, ns);
	}
	if (open)
		rc = opsc_emit_yaml(em, &w, opsc_arena_printf(em->ctx->arena, "%s/velero/restore-tests.yaml", cluster),
				    &srcs);
	opsc_srcs_free(&srcs);
	return rc;
}

static int emit_restoretest(opsc_emit *em)
{
	return opsc_emit_per_cluster(em, emit_cluster);
}

const opsc_emitter opsc_emit_restoretest = { "restoretest", emit_restoretest };
