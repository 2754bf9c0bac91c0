#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "actual.h"

static const char RBAC[] =
	"apiVersion: v1\n"
	"kind: Namespace\n"
	"metadata:\n"
	"  name: shop\n"
	"  labels:\n"
	"    tier: production\n"
	"---\n"
	"apiVersion: rbac.authorization.k8s.io/v1\n"
	"kind: Role\n"
	"metadata: {name: reader, namespace: shop}\n"
	"rules:\n"
	"  - apiGroups: [\"\"]\n"
	"    resources: [pods, services]\n"
	"    verbs: [get, list]\n"
	"---\n"
	"apiVersion: rbac.authorization.k8s.io/v1\n"
	"kind: RoleBinding\n"
	"metadata: {name: read-pods, namespace: shop}\n"
	"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
	"subjects:\n"
	"  - {kind: User, name: alice}\n"
	"  - {kind: ServiceAccount, name: ci, namespace: tools}\n"
	"  - {kind: Robot, name: r2}\n"
	"---\n"
	"apiVersion: rbac.authorization.k8s.io/v1\n"
	"kind: ClusterRoleBinding\n"
	"metadata: {name: admins}\n"
	"roleRef: {kind: ClusterRole, name: cluster-admin}\n"
	"subjects: [{kind: Group, name: ops}]\n"
	"---\n"
	"# a Helm values document: no kind, skipped\n"
	"replicas: 3\n";

static const char NETPOL[] =
	"apiVersion: networking.k8s.io/v1\n"
	"kind: NetworkPolicy\n"
	"metadata: {name: default-deny, namespace: shop}\n"
	"spec:\n"
	"  podSelector: {}\n"
	"  policyTypes: [Ingress, Egress]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\n"
	"kind: NetworkPolicy\n"
	"metadata: {name: web, namespace: shop}\n"
	"spec:\n"
	"  podSelector: {matchLabels: {app: web}}\n"
	"  ingress:\n"
	"    - from:\n"
	"        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: edge}}\n"
	"        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n"
	"        - podSelector: {}\n"
	"      ports:\n"
	"        - {port: 8080}\n"
	"        - {port: 9000, endPort: 9100, protocol: udp}\n"
	"        - {port: http}\n";

static const char OPS[] =
	"apiVersion: v1\n"
	"kind: ResourceQuota\n"
	"metadata: {name: q, namespace: shop}\n"
	"spec:\n"
	"  hard: {requests.cpu: \"4\", limits.memory: 8Gi, pods: lots}\n"
	"---\n"
	"apiVersion: velero.io/v1\n"
	"kind: Schedule\n"
	"metadata: {name: nightly, namespace: velero}\n"
	"spec:\n"
	"  schedule: CRON_TZ=Europe/Lisbon 0 2 * * *\n"
	"  template:\n"
	"    ttl: 720h0m0s\n"
	"    includedNamespaces: [shop, staging]\n"
	"    snapshotVolumes: false\n"
	"    storageLocation: s3\n"
	"---\n"
	"apiVersion: monitoring.coreos.com/v1\n"
	"kind: PrometheusRule\n"
	"metadata: {name: shop-alerts, namespace: shop}\n"
	"spec:\n"
	"  groups:\n"
	"    - name: shop\n"
	"      rules:\n"
	"        - record: job:up:sum\n"
	"          expr: sum(up)\n"
	"        - alert: ShopDown\n"
	"          expr: up{job=\"shop\"} == 0\n"
	"          for: 5m\n"
	"          labels: {severity: critical, team: web}\n"
	"          annotations: {summary: Shop is down, runbook_url: \"https://runbooks/shop\"}\n";

static const char BROKEN[] =
	"apiVersion: v1\n"
	"kind: Namespace\n"
	"metadata: {name: a}\n"
	"kind: Namespace\n";

/* "path:line:col: code: message" per diagnostic, one a line. */
static void assert_diags(const opsc_ctx *ctx, const char *want)
{
	char buf[4096] = "";
	size_t used = 0;
	for (uint32_t i = 0; i < ctx->diags.items.len; i++) {
		const opsc_diag *d = &ctx->diags.items.items[i];
		const opsc_source *src = opsc_sources_get(&ctx->sources, d->span.file);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s:%u:%u: %s: %s\n",
					 src ? src->path : "-", d->span.line, d->span.col, d->code,
					 d->message);
	}
	assert_string_equal(buf, want);
}

static void assert_span(opsc_span s, uint32_t file, uint32_t line, uint32_t col)
{
	assert_int_equal(s.file, file);
	assert_int_equal(s.line, line);
	assert_int_equal(s.col, col);
}

static void build(opsc_ctx *ctx, opsc_model *m)
{
	opsc_ctx_init(ctx);
	opsc_actual *a = opsc_actual_new(ctx);
	assert_int_equal(opsc_actual_add_text(a, "rbac.yaml", RBAC, strlen(RBAC)), 0);
	assert_int_equal(opsc_actual_add_text(a, "netpol.yaml", NETPOL, strlen(NETPOL)), 0);
	assert_int_equal(opsc_actual_add_text(a, "ops.yaml", OPS, strlen(OPS)), 0);
	assert_int_equal(opsc_actual_add_text(a, "broken.yaml", BROKEN, strlen(BROKEN)), 0);
	assert_int_equal(opsc_actual_add_file(a, "/nonexistent/x.yaml", NULL), -ENOENT);
	opsc_actual_finish(a, m);
}

static void test_actual__diagnostics(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_model m;
	build(&ctx, &m);
	/* syntax and reading as each file is added; the manifests' shapes once
	 * every file is in and the kustomizations are rendered */
	assert_diags(&ctx,
		     "broken.yaml:4:1: invalid-yaml: duplicate key `kind` (first at line 2)\n"
		     "/nonexistent/x.yaml:0:0: cannot-read: cannot read /nonexistent/x.yaml: No such file or directory\n"
		     "rbac.yaml:23:5: invalid-manifest: a subject's kind must be User, Group or ServiceAccount\n"
		     "netpol.yaml:21:18: unsupported-manifest: named port `http` cannot be checked; it reads as all ports\n"
		     "ops.yaml:5:55: invalid-manifest: quota `pods`: a quantity is a number with an optional suffix, like 500m, 2 or 64Gi\n");
	opsc_ctx_dispose(&ctx);
}

static void test_actual__envs_and_rbac(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_model m;
	build(&ctx, &m);
	/* shop and a (broken.yaml) have Namespace manifests; staging is only
	 * named by the Schedule: kept just past nenvs, for the Schedule to
	 * point at, but not one of the Model's environments */
	assert_int_equal(m.nenvs, 2);
	assert_string_equal(m.envs[1].name.s, "a");
	const opsc_env *shop = &m.envs[0];
	assert_string_equal(shop->name.s, "shop");
	assert_string_equal(shop->namespace_.s, "shop");
	assert_string_equal(shop->cluster.s, "");
	assert_true(shop->production);
	assert_span(shop->span, 0, 1, 1);
	assert_span(shop->name.span, 0, 4, 9);
	assert_string_equal(m.envs[2].name.s, "staging");
	assert_false(m.envs[2].production);
	assert_span(m.envs[2].span, 2, 14, 32);

	assert_int_equal(m.nroles, 1);
	const opsc_role *r = &m.roles[0];
	assert_string_equal(r->name.s, "reader");
	assert_false(r->cluster);
	assert_span(r->span, 0, 8, 1);
	assert_int_equal(r->nrules, 1);
	assert_span(r->rules[0].span, 0, 12, 5);
	assert_int_equal(r->rules[0].api_groups.len, 1);
	assert_string_equal(r->rules[0].api_groups.items[0].s, "");
	assert_string_equal(r->rules[0].resources.items[1].s, "services");
	assert_span(r->rules[0].verbs.items[1].span, 0, 14, 18);

	assert_int_equal(m.nbindings, 2);
	const opsc_binding *b = &m.bindings[0];
	assert_string_equal(b->role_name.s, "reader");
	assert_ptr_equal(b->role, r);
	assert_int_equal(b->nsubjects, 2); /* the Robot is reported, not kept */
	assert_int_equal(b->subjects[1].kind, OPSC_SUBJECT_SERVICE_ACCOUNT);
	assert_string_equal(b->subjects[1].namespace_.s, "tools");
	assert_int_equal(b->nenvs, 1);
	assert_ptr_equal(b->envs[0], shop);
	const opsc_binding *admins = &m.bindings[1];
	assert_string_equal(admins->role_name.s, "cluster-admin");
	assert_null(admins->role);
	assert_int_equal(admins->nenvs, 0);
	assert_int_equal(admins->subjects[0].kind, OPSC_SUBJECT_GROUP);

	assert_true(shop->quota.present);
	assert_int_equal(shop->quota.nhard, 2);
	assert_string_equal(shop->quota.hard[1].resource.s, "limits.memory");
	assert_true(shop->quota.hard[1].value.milli == 8.0 * 1073741824.0 * 1000.0);
	assert_span(shop->quota.hard[0].value.span, 2, 5, 24);
	opsc_ctx_dispose(&ctx);
}

static void test_actual__netpols(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_model m;
	build(&ctx, &m);
	assert_int_equal(m.nnetpols, 2);
	const opsc_netpol *deny = &m.netpols[0], *web = &m.netpols[1];
	assert_true(deny->deny_ingress);
	assert_true(deny->deny_egress);
	assert_int_equal(deny->pod_selector.len, 0);
	assert_ptr_equal(deny->envs[0], &m.envs[0]);
	/* no policyTypes: ingress applies (and isolates the web pods: what the
	 * rule does not allow is denied); no egress rules: egress not governed */
	assert_true(web->deny_ingress);
	assert_false(web->deny_egress);
	assert_span(web->name.span, 1, 10, 18);
	assert_string_equal(web->pod_selector.items[0].value.s, "web");
	assert_int_equal(web->nrules, 1);
	const opsc_net_rule *rule = &web->rules[0];
	assert_int_equal(rule->direction, OPSC_INGRESS);
	assert_int_equal(rule->npeers, 3);
	assert_int_equal(rule->peers[0].kind, OPSC_PEER_NAMESPACE);
	assert_string_equal(rule->peers[0].name.s, "edge");
	assert_int_equal(rule->peers[1].kind, OPSC_PEER_CIDR);
	assert_string_equal(rule->peers[1].name.s, "10.0.0.0/8");
	assert_string_equal(rule->peers[1].except.items[0].s, "10.1.0.0/16");
	assert_int_equal(rule->peers[2].kind, OPSC_PEER_SAME_NAMESPACE);
	assert_int_equal(rule->nports, 3);
	assert_int_equal(rule->ports[0].port, 8080);
	assert_int_equal(rule->ports[0].end_port, 8080);
	assert_string_equal(rule->ports[0].protocol, "TCP");
	assert_int_equal(rule->ports[1].port, 9000);
	assert_int_equal(rule->ports[1].end_port, 9100);
	assert_string_equal(rule->ports[1].protocol, "UDP");
	assert_int_equal(rule->ports[2].port, 0);
	assert_span(rule->ports[2].span, 1, 21, 11);
	opsc_ctx_dispose(&ctx);
}

static void test_actual__backups_and_alerts(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_model m;
	build(&ctx, &m);
	assert_int_equal(m.nbackups, 1);
	const opsc_backup *b = &m.backups[0];
	assert_string_equal(b->name.s, "nightly");
	assert_string_equal(b->schedule.s, "0 2 * * *");
	assert_string_equal(b->timezone.s, "Europe/Lisbon");
	assert_int_equal(b->retain_s, 720 * 3600);
	assert_span(b->retain_span, 2, 13, 10);
	assert_false(b->snapshot_volumes);
	assert_string_equal(b->storage.s, "s3");
	assert_false(b->all_envs);
	assert_int_equal(b->nenvs, 2);
	assert_ptr_equal(b->envs[0], &m.envs[0]);
	assert_string_equal(b->envs[1]->name.s, "staging");

	assert_int_equal(m.nalerts, 1); /* the recording rule is not an alert */
	const opsc_alert *al = &m.alerts[0];
	assert_string_equal(al->name.s, "ShopDown");
	assert_string_equal(al->group.s, "shop");
	assert_string_equal(al->expr.s, "up{job=\"shop\"} == 0");
	assert_int_equal(al->for_s, 300);
	assert_string_equal(al->severity.s, "critical");
	assert_int_equal(al->labels.len, 1);
	assert_string_equal(al->labels.items[0].key.s, "team");
	assert_string_equal(al->summary.s, "Shop is down");
	assert_string_equal(al->runbook.s, "https://runbooks/shop");
	assert_null(al->description.s);
	assert_span(al->span, 2, 27, 11);
	assert_ptr_equal(al->envs[0], &m.envs[0]);
	opsc_ctx_dispose(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actual__diagnostics),
		cmocka_unit_test(test_actual__envs_and_rbac),
		cmocka_unit_test(test_actual__netpols),
		cmocka_unit_test(test_actual__backups_and_alerts),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
