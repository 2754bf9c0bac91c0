/*
 * test_emit_slo.c - SLOs and the alerts opsc generates: the recording
 * rules per cluster, the page and ticket alerts in the routing proof, the
 * backup alerts, and the restore-test manifests.
 */
#include "testutil.h"

#include <string.h>

#include "alertproof.h"
#include "emitutil.h"
#include "verify.h"

static const char *const slo_src =
	"environment \"prod\" { cluster = \"c1\"  namespace = \"shop\" }\n"
	"environment \"dev\" { cluster = \"c2\"  namespace = \"shop\" }\n"
	"slo \"availability\" {\n"
	"  service = \"api\"\n"
	"  objective = 99.5%\n"
	"  window = 28d\n"
	"  errors = `sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))`\n"
	"  total = `sum(rate(http_requests_total[{{.window}}]))`\n"
	"  in = [env.prod]\n"
	"}\n";

/* Sloth's records in Sloth's order, only where the SLO is deployed. */
static void test_emit_slo__records(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_slo, slo_src), 0);
	assert_int_equal(f.out.files.len, 2);
	assert_null(opsc_test_file(&f, "c2/monitoring/slo-rules.yaml"));
	const char *plain = opsc_test_file(&f, "prometheus/c1.slo.rules.yaml");
	assert_non_null(plain);
	static const char *const records[] = {
		"slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate30m", "slo:sli_error:ratio_rate1h",
		"slo:sli_error:ratio_rate2h", "slo:sli_error:ratio_rate6h", "slo:sli_error:ratio_rate1d",
		"slo:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate28d", "slo:objective:ratio",
		"slo:error_budget:ratio", "slo:time_period:days", "slo:current_burn_rate:ratio",
		"slo:period_burn_rate:ratio", "slo:period_error_budget_remaining:ratio", "sloth_slo_info",
	};
	const char *at = plain;
	for (size_t i = 0; i < sizeof records / sizeof *records; i++) {
		char line[128];
		snprintf(line, sizeof line, "- record: %s\n", records[i]);
		const char *next = strstr(at, line);
		assert_non_null(next);
		at = next + strlen(line);
	}
	assert_non_null(strstr(plain, "  - record: slo:error_budget:ratio\n    expr: vector(0.005)\n"));
	assert_non_null(strstr(plain, "  - record: slo:time_period:days\n    expr: vector(28)\n"));
	assert_non_null(strstr(plain, "[28d])\n      / ignoring (sloth_window)\n"));
	assert_non_null(strstr(plain, "      sloth_id: api-availability\n"));
	opsc_test_emit_done(&f);
}

/* The 28-day factors (672h x share / long window) and both alerts in the
 * Model, told apart by severity and sloth_severity. */
static void test_emit_slo__alerts(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_prometheus, slo_src), 0);
	assert_int_equal(f.model.nalerts, 2);
	const opsc_alert *page = &f.model.alerts[0], *ticket = &f.model.alerts[1];
	assert_string_equal(page->name.s, "ApiAvailabilityErrorBudgetBurn");
	assert_string_equal(page->severity.s, "critical");
	assert_string_equal(ticket->severity.s, "warning");
	assert_non_null(strstr(page->expr.s, "ratio_rate5m{sloth_id=\"api-availability\", sloth_service=\"api\", "
					     "sloth_slo=\"availability\"} > (13.44 * 0.005)) without (sloth_window)"));
	assert_non_null(strstr(page->expr.s, "ratio_rate6h{sloth_id=\"api-availability\", sloth_service=\"api\", "
					     "sloth_slo=\"availability\"} > (5.6 * 0.005))"));
	assert_non_null(strstr(ticket->expr.s, "ratio_rate1d{sloth_id=\"api-availability\", sloth_service=\"api\", "
					       "sloth_slo=\"availability\"} > (2.8 * 0.005))"));
	assert_non_null(strstr(ticket->expr.s, "> (0.933333333333 * 0.005))"));
	assert_string_equal(ticket->labels.items[ticket->labels.len - 1].value.s, "ticket");
	const char *rules = opsc_test_file(&f, "prometheus/c1.rules.yaml");
	assert_non_null(rules);
	assert_non_null(strstr(rules, "- name: slo-alerts-api-availability\n"));
	assert_null(opsc_test_file(&f, "prometheus/c2.rules.yaml"));
	opsc_test_emit_done(&f);
}

/* The routing proof walks the generated alerts: a route only the page
 * alert reaches is not dead, and each alert reaches its receivers. */
static void test_emit_slo__routing_proof(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof text, "%s%s", slo_src,
		 "receiver \"slack\" { slack { api_url = secret(\"s\", \"u\", { rotate = 90d }) } }\n"
		 "receiver \"pager\" { pagerduty { routing_key = secret(\"pd\", \"k\", { rotate = 90d }) } }\n"
		 "route {\n  to = receiver.slack\n  when sloth_severity == page { to = receiver.pager }\n}\n");
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_alertmanager, text), 0);
	assert_string_equal(opsc_test_first_message(&f), "");
	opsc_emit em = { .ctx = &f.ctx, .model = &f.model };
	const char *recv[4];
	assert_int_equal(opsc_alertproof_receivers(&em, &f.model.alerts[0], recv, 4), 1);
	assert_string_equal(recv[0], "pager");
	assert_int_equal(opsc_alertproof_receivers(&em, &f.model.alerts[1], recv, 4), 1);
	assert_string_equal(recv[0], "slack");
	/* without a receiver at the root, the ticket alert is lost: at the slo */
	f.model.route.receiver = NULL;
	f.model.route.receiver_name.s = NULL;
	assert_int_equal(opsc_emit_verify(&f.ctx, &f.model), 0);
	uint32_t unrouted = 0;
	for (uint32_t i = 0; i < f.ctx.diags.items.len; i++) {
		const opsc_diag *d = &f.ctx.diags.items.items[i];
		if (strcmp(d->code, "unrouted-alert") != 0 || !strstr(d->message, "ApiAvailability"))
			continue; /* the Secrets' rotation alerts are lost as well */
		unrouted++;
		assert_string_equal(d->message, "alert `ApiAvailabilityErrorBudgetBurn` reaches no receiver: it matches "
						"no route with `to`, and the root route has none");
		assert_int_equal(d->span.line, 3);
	}
	assert_int_equal(unrouted, 1); /* the ticket; the page has its route */
	opsc_test_emit_done(&f);
}

static const char *const backup_src =
	"project \"p\" { timezone = \"Europe/Lisbon\" }\n"
	"environment \"prod\" { cluster = \"c1\"  namespace = \"shop\" }\n"
	"environment \"db\" { cluster = \"c1\"  namespace = \"data\" }\n"
	"environment \"dev\" { cluster = \"c2\"  namespace = \"dev\" }\n"
	"backup \"nightly\" {\n"
	"  schedule = \"0 1 * * *\"\n"
	"  retain = 7d\n"
	"  rpo = 26h\n"
	"  in = [env.prod, env.db]\n"
	"  restore_test = \"0 5 * * 1\"\n"
	"  restore_timeout = 30m\n"
	"}\n"
	"backup \"plain\" { schedule = \"0 2 * * *\"  retain = 7d  in = all }\n";

/* RPO and restore-test alerts, only for the backup that asks for them. */
static void test_emit_slo__backup_alerts(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_prometheus, backup_src), 0);
	assert_int_equal(f.model.nalerts, 2);
	assert_string_equal(f.model.alerts[0].name.s, "VeleroBackupTooOld");
	assert_string_equal(f.model.alerts[0].expr.s,
			    "time() - velero_backup_last_successful_timestamp{schedule=\"nightly\"} > 93600");
	assert_string_equal(f.model.alerts[1].name.s, "VeleroRestoreTestFailing");
	/* a week between runs plus the 30 minute timeout */
	assert_non_null(strstr(f.model.alerts[1].expr.s, "cronjob=\"restore-test-nightly\"} > 606600\n"));
	assert_null(opsc_test_file(&f, "prometheus/c2.rules.yaml"));
	opsc_test_emit_done(&f);
}

/* The restore test: namespace, least-privilege RBAC, the CronJob. */
static void test_emit_slo__restore_test(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_restoretest, backup_src), 0);
	assert_int_equal(f.out.files.len, 1);
	const char *y = opsc_test_file(&f, "c1/velero/restore-tests.yaml");
	assert_non_null(y);
	assert_non_null(strstr(y, "kind: Namespace\nmetadata:\n  name: restore-test-nightly\n  labels:\n"
				  "    app.kubernetes.io/managed-by: opsc\n    opsc.dev/restore-test: nightly\n"));
	assert_non_null(strstr(y, "  namespace: velero\n  labels:\n    app.kubernetes.io/managed-by: opsc\nrules:\n"
				  "- apiGroups:\n  - velero.io\n  resources:\n  - backups\n  verbs:\n  - get\n  - list\n"
				  "- apiGroups:\n  - velero.io\n  resources:\n  - restores\n  verbs:\n  - create\n  - get\n---\n"));
	assert_non_null(strstr(y, "  namespace: restore-test-nightly\n  labels:\n    app.kubernetes.io/managed-by: opsc\n"
				  "rules:\n- apiGroups:\n  - \"\"\n  resources:\n  - configmaps\n  - persistentvolumeclaims\n"
				  "  - serviceaccounts\n  - services\n  verbs:\n  - list\n---\n"));
	assert_null(strstr(y, "delete"));
	assert_non_null(strstr(y, "  schedule: 0 5 * * 1\n  timeZone: Europe/Lisbon\n  concurrencyPolicy: Forbid\n"));
	assert_non_null(strstr(y, "      activeDeadlineSeconds: 2100\n"));
	assert_non_null(strstr(y, "  includedNamespaces: [data, shop]\n"));
	assert_non_null(strstr(y, "    data: restore-test-nightly\n"));
	assert_non_null(strstr(y, "    shop: restore-test-nightly\n"));
	assert_null(strstr(y, "restore-test-plain"));
	opsc_test_emit_done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_slo__records),
		cmocka_unit_test(test_emit_slo__alerts),
		cmocka_unit_test(test_emit_slo__routing_proof),
		cmocka_unit_test(test_emit_slo__backup_alerts),
		cmocka_unit_test(test_emit_slo__restore_test),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
