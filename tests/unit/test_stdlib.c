#include "testutil.h"

#include <string.h>

#include "load.h"
#include "sema.h"

/* Every template of the standard library, used with its defaults (and the
 * parameters it needs), checks clean and builds what its comment promises. */
static const char *const uses =
	"import \"std/alerts\"\nimport \"std/backup\"\nimport \"std/quota\"\n"
	"import \"std/rbac\"\nimport \"std/network\"\n"
	"use std.rbac.roles {}\n"
	"use std.network.baseline {}\n"
	"use std.network.internet-egress { envs = [env.production] }\n"
	"use std.network.storage-access { envs = [env.production, env.staging] }\n"
	"use std.quota.small { env_name = \"dev\"  cluster = \"air\"  namespace = \"app-dev\" }\n"
	"use std.quota.medium { env_name = \"staging\"  cluster = \"pro\"  namespace = \"app-staging\" }\n"
	"use std.quota.large { env_name = \"production\"  cluster = \"studio\"  namespace = \"app\"\n"
	"  labels = { tier = \"critical\" } }\n"
	"use std.backup.tiers { critical = [env.production] }\n"
	"use std.alerts.infrastructure { runbook_base = \"https://r\" }\n"
	"use std.alerts.applications { runbook_base = \"https://r\"  error_rate = 10% }\n"
	"use std.alerts.platform { runbook_base = \"https://r\" }\n"
	"use std.alerts.storage { runbook_base = \"https://r\" }\n";

static void test_stdlib__every_template(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_program prog;
	opsc_model m;
	opsc_ctx_init(&ctx);
	assert_int_equal(opsc_load_text(&prog, &ctx, "t.ops", uses, strlen(uses)), 0);
	assert_int_equal(opsc_sema_check(&m, &ctx, &prog), 0);
	assert_int_equal(ctx.diags.errors, 0);
	assert_int_equal(ctx.diags.warnings, 0);
	assert_int_equal(m.nenvs, 3);
	assert_string_equal(m.envs[2].quota.limits.default_memory.text, "4Gi");
	assert_string_equal(m.envs[2].namespace_.s, "app");
	assert_string_equal(m.envs[2].labels.items[0].value.s, "critical");
	assert_int_equal(m.envs[0].labels.len, 0);
	assert_int_equal(m.nbackups, 3);
	assert_int_equal(m.backups[2].retain_s, 90 * 86400);
	assert_int_equal(m.backups[2].nenvs, 1);
	assert_string_equal(m.backups[2].select.items[0].value.s, "critical");
	assert_int_equal(m.nalerts, 15);
	assert_int_equal(m.nroles, 5);
	for (uint32_t r = 0; r < m.nroles; r++) /* least privilege: no wildcard */
		for (uint32_t k = 0; k < m.roles[r].nrules; k++) {
			const opsc_rbac_rule *rule = &m.roles[r].rules[k];
			const opsc_strs *lists[] = { &rule->api_groups, &rule->resources, &rule->verbs };
			for (int l = 0; l < 3; l++)
				for (uint32_t i = 0; i < lists[l]->len; i++)
					assert_null(strchr(lists[l]->items[i].s, '*'));
		}
	assert_int_equal(m.nnetpols, 6);
	assert_true(m.netpols[0].deny_ingress && m.netpols[0].deny_egress && m.netpols[0].all_envs);
	assert_int_equal(m.netpols[1].rules[0].nports, 2);
	assert_string_equal(m.netpols[1].rules[0].ports[0].protocol, "UDP");
	assert_int_equal(m.netpols[4].rules[0].peers[0].except.len, 4);
	assert_int_equal(m.netpols[5].nenvs, 2);
	for (uint32_t i = 0; i < m.nalerts; i++) {
		const opsc_alert *a = &m.alerts[i];
		assert_non_null(a->summary.s);
		assert_non_null(a->description.s);
		assert_true(strncmp(a->runbook.s, "https://r/", 10) == 0);
		assert_true(strcmp(a->severity.s, "critical") == 0 || strcmp(a->severity.s, "warning") == 0);
		assert_null(strstr(a->expr.s, "${"));
	}
	assert_string_equal(m.alerts[0].name.s, "HighCPUUsage");
	assert_non_null(strstr(m.alerts[0].expr.s, "> 80"));
	assert_string_equal(m.alerts[0].group.s, "infrastructure");
	assert_string_equal(m.alerts[14].group.s, "storage");
	const opsc_alert *err = NULL;
	for (uint32_t i = 0; i < m.nalerts; i++)
		if (strcmp(m.alerts[i].name.s, "HighErrorRate") == 0)
			err = &m.alerts[i];
	assert_non_null(err);
	assert_non_null(strstr(err->expr.s, "> 10 / 100"));
	assert_string_equal(err->summary.s, "More than 10% errors on {{ $labels.service }}");
	opsc_ctx_dispose(&ctx);
}

/* The backup tiers one at a time, the ingress-controller policy and the
 * monitoring quota. */
static const char *const one_by_one =
	"import \"std/backup\"\nimport \"std/network\"\nimport \"std/quota\"\n"
	"use std.quota.monitoring { env_name = \"monitoring\"  cluster = \"pro\"  namespace = \"monitoring\" }\n"
	"environment \"web\" { cluster = \"pro\" }\n"
	"use std.backup.daily { envs = [env.web]  storage = \"minio\" }\n"
	"use std.backup.weekly { retention = 60d }\n"
	"use std.backup.monthly { critical = [env.web]  select = { app = \"db\" } }\n"
	"use std.network.ingress-controller { envs = [env.web]  ports = [8080/tcp] }\n";

static void test_stdlib__one_tier_at_a_time(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_program prog;
	opsc_model m;
	opsc_ctx_init(&ctx);
	assert_int_equal(opsc_load_text(&prog, &ctx, "t.ops", one_by_one, strlen(one_by_one)), 0);
	assert_int_equal(opsc_sema_check(&m, &ctx, &prog), 0);
	assert_int_equal(ctx.diags.errors, 0);
	assert_int_equal(ctx.diags.warnings, 0);
	assert_int_equal(m.nenvs, 2);
	assert_string_equal(m.envs[0].quota.limits.max_memory.text, "16Gi");
	assert_int_equal(m.nbackups, 3);
	assert_string_equal(m.backups[0].schedule.s, "0 2 * * *");
	assert_string_equal(m.backups[0].storage.s, "minio");
	assert_int_equal(m.backups[0].nenvs, 1);
	assert_false(m.backups[0].all_envs);
	assert_string_equal(m.backups[1].schedule.s, "0 3 * * 0");
	assert_int_equal(m.backups[1].retain_s, 60 * 86400);
	assert_true(m.backups[1].all_envs);
	assert_string_equal(m.backups[1].storage.s, "default");
	assert_string_equal(m.backups[2].schedule.s, "0 4 1 * *");
	assert_string_equal(m.backups[2].select.items[0].key.s, "app");
	assert_int_equal(m.nnetpols, 1);
	assert_string_equal(m.netpols[0].name.s, "allow-ingress-controller");
	assert_string_equal(m.netpols[0].rules[0].peers[0].name.s, "ingress-nginx");
	assert_int_equal(m.netpols[0].rules[0].ports[0].port, 8080);
	opsc_ctx_dispose(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdlib__every_template),
		cmocka_unit_test(test_stdlib__one_tier_at_a_time),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
