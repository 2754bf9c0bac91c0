/*
 * test_secrets.c - secret(...) references with their rotation periods and
 * stores, environments' Pod Security levels: the Model sema builds, the
 * rotation alerts it adds (each one valid PromQL), the External Secrets
 * objects the emitter writes, the Model read back from ExternalSecret
 * manifests, policies over both, and lint's drift and contradiction
 * findings on a fixture repository.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actual.h"
#include "compile.h"
#include "drift.h"
#include "emitutil.h"
#include "gitfix.h"
#include "lintfix.h"
#include "load.h"
#include "policy.h"
#include "promql.h"
#include "sema.h"
#include "verify.h"

static const char ops[] =
	"project \"p\" {\n" /* 1 */
	"  repo = \"o/r\"\n"
	"  output = \"clusters\"\n"
	"  secret_store = store.vault\n"
	"  rotation { api_token = 90d  password = 180d  runbook = \"https://rb.example/rotate\" }\n" /* 5 */
	"}\n"
	"secret_store \"vault\" {\n"
	"  provider = \"vault\"\n"
	"  spec = { server = \"https://v:8200\", version = \"v2\", \"auth.tokenSecretRef.name\" = \"vt\", \"auth.tokenSecretRef.key\" = \"token\" }\n"
	"  refresh = 2h\n" /* 10 */
	"}\n"
	"secret_store \"op\" { provider = \"onepassword\"  spec = { connectHost = \"http://c:8080\", \"vaults.ops\" = 1 } }\n"
	"environment \"production\" {\n"
	"  cluster = \"studio\"  namespace = \"app\"  pod_security = restricted  pod_security_version = \"v1.30\"\n"
	"  secrets = [\n" /* 15 */
	"    secret(\"db\", \"password\", { kind = password, store = store.op, remote = \"prod-db\" }),\n"
	"    secret(\"db\", \"user\", { kind = password, store = store.op, property = \"username\" }),\n"
	"    secret(\"kube\", \"config\", { kind = kubeconfig, rotate = 30d, refresh = 15m }),\n"
	"  ]\n"
	"}\n" /* 20 */
	"environment \"staging\" { cluster = \"lab\"  pod_security = baseline }\n"
	"receiver \"pager\" { pagerduty { routing_key = secret(\"pd\", \"key\") } }\n"
	"route { to = receiver.pager }\n";

/* ------------------------------------------------------------------ Model */

static void test_secrets__model(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets, ops), 0);
	assert_int_equal(f.ctx.diags.items.len, 0);
	const opsc_model *m = &f.model;
	assert_int_equal(m->nstores, 2);
	assert_int_equal(m->nsecrets, 3);
	/* receivers' Secrets (every cluster) first, then by cluster, namespace, name */
	const opsc_secret *pd = &m->secrets[0], *db = &m->secrets[1], *kube = &m->secrets[2];
	assert_string_equal(pd->namespace_, "monitoring");
	assert_null(pd->env);
	assert_ptr_equal(pd->store, &m->stores[0]); /* the project's default */
	assert_int_equal(pd->refresh_s, 7200); /* the store's */
	assert_string_equal(pd->kind.s, "api_token"); /* a receiver's routing key */
	assert_int_equal(pd->rotate_s, 90 * 86400);
	assert_string_equal(db->name.s, "db");
	assert_ptr_equal(db->env, &m->envs[0]);
	assert_ptr_equal(db->store, &m->stores[1]);
	assert_int_equal(db->nrefs, 2);
	assert_string_equal(db->refs[1]->property.s, "username");
	assert_int_equal(db->refresh_s, 3600); /* neither reference nor store says */
	assert_int_equal(db->rotate_s, 180 * 86400);
	assert_int_equal(kube->rotate_s, 30 * 86400);
	assert_int_equal(kube->refresh_s, 900);
	assert_int_equal(kube->refs[0]->rotate_span.line, 18);
	assert_int_equal(db->refs[0]->rotate_span.line, 5); /* the project's rotation */
	opsc_test_emit_done(&f);
}

/* One alert per Secret, appended after the declared ones, deployed where
 * the Secret is, and every expression parses as PromQL. */
static void test_secrets__rotation_alerts(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets, ops), 0);
	const opsc_model *m = &f.model;
	assert_int_equal(m->nalerts, 3);
	static const char *const exprs[] = {
		"time() - kube_secret_created{namespace=\"monitoring\",secret=~\"pd\"} > 7776000",
		"time() - kube_secret_created{namespace=\"app\",secret=~\"db\"} > 15552000",
		"time() - kube_secret_created{namespace=\"app\",secret=~\"kube\"} > 2592000",
	};
	for (uint32_t i = 0; i < 3; i++) {
		const opsc_alert *al = &m->alerts[i];
		assert_string_equal(al->name.s, "SecretRotationDue");
		assert_string_equal(al->group.s, "secret-rotation");
		assert_string_equal(al->severity.s, "warning");
		assert_string_equal(al->runbook.s, "https://rb.example/rotate");
		assert_string_equal(al->expr.s, exprs[i]);
		opsc_promql_error err;
		assert_true(opsc_promql_check(al->expr.s, (uint32_t)strlen(al->expr.s), &err, NULL));
	}
	assert_int_equal(m->alerts[0].nenvs, 0);
	assert_int_equal(m->alerts[1].nenvs, 1);
	assert_ptr_equal(m->alerts[1].envs[0], &m->envs[0]);
	assert_string_equal(m->alerts[1].labels.items[0].value.s, "password");
	assert_string_equal(m->alerts[1].summary.s, "Secret app/db is older than its rotation period (180d)");
	opsc_test_emit_done(&f);
}

/* A dotted name escapes its dots: the match is the name and only it. */
static void test_secrets__dotted_name_is_escaped(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets,
					"environment \"e\" { cluster = \"c\"  secrets = [secret(\"app.tls\", \"key\", { rotate = 1d })] }\n"),
			 0);
	assert_string_equal(f.model.alerts[0].expr.s,
			    "time() - kube_secret_created{namespace=\"e\",secret=~\"app\\\\.tls\"} > 86400");
	opsc_promql_error err;
	assert_true(opsc_promql_check(f.model.alerts[0].expr.s, (uint32_t)strlen(f.model.alerts[0].expr.s), &err, NULL));
	opsc_test_emit_done(&f);
}

static void test_secrets__pod_security_labels(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_kubernetes, ops), 0);
	const char *ns = opsc_test_file(&f, "studio/production/namespace/namespace.yaml");
	assert_non_null(ns);
	assert_non_null(strstr(ns, "    pod-security.kubernetes.io/enforce: restricted\n"
				   "    pod-security.kubernetes.io/enforce-version: v1.30\n"
				   "    pod-security.kubernetes.io/audit: restricted\n"
				   "    pod-security.kubernetes.io/audit-version: v1.30\n"
				   "    pod-security.kubernetes.io/warn: restricted\n"
				   "    pod-security.kubernetes.io/warn-version: v1.30\n"));
	ns = opsc_test_file(&f, "lab/staging/namespace/namespace.yaml");
	assert_non_null(strstr(ns, "    pod-security.kubernetes.io/warn: baseline\n"
				   "    pod-security.kubernetes.io/warn-version: latest\n"));
	assert_string_equal(f.model.envs[1].pod_security.s, "baseline");
	opsc_test_emit_done(&f);
}

/* Every reference without a period is a warning at the reference; one
 * whose kind has a period is not. */
static void test_secrets__rotation_warning(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	opsc_test_emit(&f, &opsc_emit_external_secrets,
		       "project \"p\" { repo = \"o/r\"  rotation { password = 180d } }\n"
		       "environment \"e\" { cluster = \"c\"  secrets = [secret(\"a\", \"k\"), secret(\"b\", \"k\", { kind = password })] }\n"
		       "receiver \"r\" { pagerduty { routing_key = secret(\"hook\", \"url\") } }\n"
		       "route { to = receiver.r }\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_int_equal(f.ctx.diags.warnings, 2);
	const opsc_diag *d = &f.ctx.diags.items.items[0];
	assert_string_equal(d->code, "secret-rotation");
	assert_string_equal(d->message, "secret `a` key `k` has no rotation period");
	assert_int_equal(d->span.line, 2);
	assert_int_equal(d->span.col, 45);
	d = &f.ctx.diags.items.items[1];
	assert_string_equal(d->message, "secret `hook` key `url` has no rotation period");
	assert_int_equal(d->span.line, 3);
	assert_int_equal(f.model.nalerts, 1); /* b's */
	opsc_test_emit_done(&f);
}

/* The routing proof walks the rotation alerts: a route for warnings is
 * dead without them and reached with them; with no route for them they
 * are unrouted, reported at the reference. */
static void test_secrets__routing_proof(void **state)
{
	(void)state;
	static const char *const base =
		"receiver \"pager\" { pagerduty { routing_key = secret(\"pd\", \"key\"%s) } }\n"
		"receiver \"mail\" { email { to = \"ops@example.com\"  smarthost = \"smtp:587\"  from = \"a@example.com\" } }\n"
		"alert \"Down\" { expr = `up == 0`  severity = critical  summary = \"down\" }\n"
		"route { to = receiver.pager  when severity == warning { to = receiver.mail } }\n";
	char text[1024];
	opsc_emit_fixture f;
	snprintf(text, sizeof text, base, "");
	opsc_test_emit(&f, &opsc_emit_alertmanager, text);
	bool dead = false;
	for (uint32_t i = 0; i < f.ctx.diags.items.len; i++)
		dead |= strcmp(f.ctx.diags.items.items[i].code, "dead-route") == 0;
	assert_true(dead);
	opsc_test_emit_done(&f);
	snprintf(text, sizeof text, base, ", { rotate = 30d }");
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_alertmanager, text), 0);
	assert_int_equal(f.ctx.diags.items.len, 0);
	opsc_test_emit_done(&f);
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_alertmanager,
					"receiver \"pager\" { pagerduty { routing_key = secret(\"pd\", \"key\", { rotate = 30d }) } }\n"
					"route { to = receiver.pager }\n"),
			 0);
	f.model.route.receiver = NULL;
	f.model.route.receiver_name.s = NULL;
	assert_int_equal(opsc_emit_verify(&f.ctx, &f.model), 0);
	assert_int_equal(f.ctx.diags.items.len, 2); /* and the receiver no route uses now */
	const opsc_diag *d = &f.ctx.diags.items.items[1];
	assert_string_equal(d->code, "unrouted-alert");
	assert_string_equal(d->message, "alert `SecretRotationDue` reaches no receiver: it matches no route with `to`, "
					"and the root route has none");
	assert_int_equal(d->span.line, 1);
	assert_int_equal(d->span.col, 46);
	opsc_test_emit_done(&f);
}

/* ----------------------------------------------------------------- emitter */

static const char *const production_secrets =
	"# Generated by opsc from t.ops.\n"
	"# Do not edit: change the .ops source and run `opsc build`.\n"
	"apiVersion: external-secrets.io/v1\n"
	"kind: ExternalSecret\n"
	"metadata:\n"
	"  name: db\n"
	"  namespace: app\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: opsc\n"
	"spec:\n"
	"  refreshInterval: 1h\n"
	"  secretStoreRef:\n"
	"    kind: ClusterSecretStore\n"
	"    name: op\n"
	"  target:\n"
	"    name: db\n"
	"    creationPolicy: Owner\n"
	"  data:\n"
	"  - secretKey: password\n"
	"    remoteRef:\n"
	"      key: prod-db\n"
	"      property: password\n"
	"  - secretKey: user\n"
	"    remoteRef:\n"
	"      key: db\n"
	"      property: username\n"
	"---\n"
	"apiVersion: external-secrets.io/v1\n"
	"kind: ExternalSecret\n"
	"metadata:\n"
	"  name: kube\n"
	"  namespace: app\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: opsc\n"
	"spec:\n"
	"  refreshInterval: 15m\n"
	"  secretStoreRef:\n"
	"    kind: ClusterSecretStore\n"
	"    name: vault\n"
	"  target:\n"
	"    name: kube\n"
	"    creationPolicy: Owner\n"
	"  data:\n"
	"  - secretKey: config\n"
	"    remoteRef:\n"
	"      key: kube\n"
	"      property: config\n";

static const char *const stores =
	"# Generated by opsc from t.ops.\n"
	"# Do not edit: change the .ops source and run `opsc build`.\n"
	"apiVersion: external-secrets.io/v1\n"
	"kind: ClusterSecretStore\n"
	"metadata:\n"
	"  name: vault\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: opsc\n"
	"spec:\n"
	"  provider:\n"
	"    vault:\n"
	"      auth:\n"
	"        tokenSecretRef:\n"
	"          key: token\n"
	"          name: vt\n"
	"      server: https://v:8200\n"
	"      version: v2\n"
	"---\n"
	"apiVersion: external-secrets.io/v1\n"
	"kind: ClusterSecretStore\n"
	"metadata:\n"
	"  name: op\n"
	"  labels:\n"
	"    app.kubernetes.io/managed-by: opsc\n"
	"spec:\n"
	"  provider:\n"
	"    onepassword:\n"
	"      connectHost: http://c:8080\n"
	"      vaults:\n"
	"        ops: 1\n";

static void test_secrets__emitted(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets, ops), 0);
	/* the receiver's Secret on both clusters, the environment's on its own */
	assert_int_equal(f.out.files.len, 5);
	assert_string_equal(opsc_test_file(&f, "studio/production/external-secrets/external-secrets.yaml"),
			    production_secrets);
	assert_string_equal(opsc_test_file(&f, "studio/external-secrets/cluster-secret-stores.yaml"), stores);
	assert_string_equal(opsc_test_file(&f, "lab/external-secrets/cluster-secret-stores.yaml"), stores);
	const char *mon = opsc_test_file(&f, "lab/external-secrets/external-secrets.yaml");
	assert_non_null(mon);
	assert_non_null(strstr(mon, "  name: pd\n  namespace: monitoring\n"));
	assert_non_null(strstr(mon, "  refreshInterval: 2h\n"));
	assert_null(opsc_test_file(&f, "lab/staging/external-secrets/external-secrets.yaml"));
	opsc_test_emit_done(&f);
}

/* external_secrets_api = "v1beta1" writes every object in that version. */
static void test_secrets__v1beta1(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	char text[4096];
	const char *at = strstr(ops, "  output = ");
	assert_non_null(at);
	snprintf(text, sizeof text, "%.*s  external_secrets_api = \"v1beta1\"\n%s", (int)(at - ops), ops, at + 22);
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets, text), 0);
	assert_int_equal(f.out.files.len, 5);
	for (uint32_t i = 0; i < f.out.files.len; i++) {
		const char *data = f.out.files.items[i].data;
		assert_null(strstr(data, "apiVersion: external-secrets.io/v1\n"));
		assert_non_null(strstr(data, "apiVersion: external-secrets.io/v1beta1\n"));
	}
	opsc_test_emit_done(&f);
}

/* Without a store a Secret gets its rotation alert and no ExternalSecret. */
static void test_secrets__no_store_no_external_secret(void **state)
{
	(void)state;
	opsc_emit_fixture f;
	assert_int_equal(opsc_test_emit(&f, &opsc_emit_external_secrets,
					"environment \"e\" { cluster = \"c\"  secrets = [secret(\"a\", \"k\", { rotate = 30d })] }\n"),
			 0);
	assert_int_equal(f.out.files.len, 0);
	assert_int_equal(f.model.nalerts, 1);
	assert_null(f.model.secrets[0].store);
	opsc_test_emit_done(&f);
}

/* ---------------------------------------------------------------- policies */

typedef struct {
	char buf[2048];
	size_t n;
	const opsc_ctx *ctx;
} findings;

static int collect(void *user, const opsc_policy_finding *pf)
{
	findings *fs = user;
	fs->n += (size_t)snprintf(fs->buf + fs->n, sizeof fs->buf - fs->n, "%u: %s\n", pf->where.line, pf->message);
	return 0;
}

/* The policy's findings over `m`, one "line: message" per line. */
static const char *run_policy(opsc_ctx *ctx, const opsc_model *m, const opsc_policy *p, findings *fs)
{
	fs->n = 0;
	fs->buf[0] = '\0';
	assert_int_equal(opsc_policy_eval(ctx, m, p, collect, fs), 0);
	assert_int_equal(ctx->diags.errors, 0);
	return fs->buf;
}

static void test_secrets__policy_on_declared(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	char text[4096];
	snprintf(text, sizeof text, "%s%s", ops,
		 "policy \"stores\" {\n" /* 24 */
		 "  for s in secrets where s.env != null {\n"
		 "    require s.provider == \"vault\" && s.rotate <= 90d : \"${s.namespace}/${s.name} is read from ${s.store}\"\n"
		 "  }\n"
		 "  require count(st in secret_stores where st.refresh == 2h) == 1 : \"one store refreshes every 2h\"\n"
		 "}\n");
	opsc_program prog = { 0 };
	assert_int_equal(opsc_load_text(&prog, &ctx, "t.ops", text, strlen(text)), 0);
	opsc_model m;
	assert_int_equal(opsc_sema_check(&m, &ctx, &prog), 0);
	assert_int_equal(ctx.diags.errors, 0);
	findings fs;
	assert_string_equal(run_policy(&ctx, &m, &m.policies[0], &fs), "16: app/db is read from op\n");
	opsc_ctx_dispose(&ctx);
}

static const char external_yaml[] =
	"apiVersion: v1\n"
	"kind: Namespace\n"
	"metadata: {name: app}\n"
	"---\n"
	"apiVersion: external-secrets.io/v1\n" /* 5 */
	"kind: ExternalSecret\n"
	"metadata: {name: db-sync, namespace: app}\n"
	"spec:\n"
	"  refreshInterval: 30m\n"
	"  secretStoreRef: {kind: ClusterSecretStore, name: op}\n" /* 10 */
	"  target: {name: db}\n"
	"  data:\n"
	"    - secretKey: password\n"
	"      remoteRef: {key: other-db, property: password}\n"
	"---\n" /* 15 */
	"apiVersion: external-secrets.io/v1\n"
	"kind: ClusterSecretStore\n"
	"metadata: {name: op}\n"
	"spec:\n"
	"  provider:\n" /* 20 */
	"    onepassword: {connectHost: 'http://c:8080'}\n";

/* The Model read from manifests: an ExternalSecret is the Secret it
 * writes, its store resolved among the ClusterSecretStores. */
static void test_secrets__actual(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_actual *a = opsc_actual_new(&ctx);
	assert_int_equal(opsc_actual_add_text(a, "es.yaml", external_yaml, strlen(external_yaml)), 0);
	opsc_model m;
	opsc_actual_finish(a, &m);
	assert_int_equal(ctx.diags.items.len, 0);
	assert_int_equal(m.nsecrets, 1);
	assert_int_equal(m.nstores, 1);
	const opsc_secret *s = &m.secrets[0];
	assert_string_equal(s->name.s, "db"); /* target.name, not metadata.name */
	assert_string_equal(s->namespace_, "app");
	assert_ptr_equal(s->env, &m.envs[0]);
	assert_ptr_equal(s->store, &m.stores[0]);
	assert_string_equal(m.stores[0].provider.s, "onepassword");
	assert_int_equal(s->refresh_s, 1800);
	assert_int_equal(s->nrefs, 1);
	assert_string_equal(s->refs[0]->remote.s, "other-db");
	assert_int_equal(s->refs[0]->span.line, 13);
	assert_int_equal(s->rotate_s, 0);
	opsc_ctx_dispose(&ctx);
}

/* ---------------------------------------------------------------- lint */

/* What `opsc build` writes, committed, with `extra` beside it. */
static void build_and_commit(gitfix *f, const char *extra_path, const char *extra)
{
	lintfix_write_build(f, "policies/t.ops", ops);
	if (extra) {
		gitfix_write(f, extra_path, extra);
		gitfix_add(f, extra_path);
	}
	gitfix_commit(f, "build", "Alice", 1700000000, NULL);
}

static const char *found(const lint_out *o, const char *rule)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < o->res.findings.len; i++) {
		const opsc_finding *f = &o->res.findings.items[i];
		if (rule && strcmp(f->rule, rule) != 0)
			continue;
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%u:%u %s", n ? "; " : "", f->where.path,
				      f->where.line, f->where.col, f->message);
		if (f->nrelated)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " (%s:%u)", f->related[0].path, f->related[0].line);
	}
	return buf;
}

static void lint(lint_out *o, const gitfix *f, bool drift, bool policy)
{
	const char *path = f->dir;
	opsc_lint_opts opts = { .mode = OPSC_LINT_WORKTREE, .kinds = { false, drift, policy }, .paths = &path,
				.npaths = 1, .threads = 1 };
	lintfix_run(o, &opts);
}

#define PROD_ES "clusters/studio/production/external-secrets/external-secrets.yaml"

/* A hand edit of a generated ExternalSecret is drift, at the field, with
 * the reference that produces it. */
static void test_secrets__drift_edited(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f, NULL, NULL);
	lint_out o;
	lint(&o, &f, true, false);
	assert_string_equal(found(&o, NULL), "");
	lintfix_done(&o);
	FILE *out = fopen(gitfix_path(&f, PROD_ES), "w");
	assert_non_null(out);
	char *edited = strdup(production_secrets);
	char *at = strstr(edited, "key: prod-db");
	memcpy(at, "key: dev--db", 12);
	fputs(edited, out);
	fclose(out);
	free(edited);
	lint(&o, &f, true, false);
	assert_string_equal(found(&o, NULL), PROD_ES ":21:12 edited by hand: spec.data[0].remoteRef.key is dev--db, "
					     "opsc generates prod-db (policies/t.ops:16)");
	lintfix_done(&o);
	gitfix_dispose(&f);
}

/* A hand-written ExternalSecret for a Secret the .ops fill from another
 * remote key: found in the manifest, with the declaring reference. */
static void test_secrets__external_secret_differs(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f, "manual/db.yaml", external_yaml);
	lint_out o;
	lint(&o, &f, false, true);
	assert_string_equal(found(&o, "external-secret-differs"),
			    "manual/db.yaml:5:1 ExternalSecret for app/db has no key user, which the .ops declare "
			    "(policies/t.ops:16); manual/db.yaml:13:7 ExternalSecret for app/db reads key password from "
			    "other-db/password; the .ops declare prod-db/password (policies/t.ops:16)");
	lintfix_done(&o);
	gitfix_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secrets__model),
		cmocka_unit_test(test_secrets__rotation_alerts),
		cmocka_unit_test(test_secrets__dotted_name_is_escaped),
		cmocka_unit_test(test_secrets__pod_security_labels),
		cmocka_unit_test(test_secrets__rotation_warning),
		cmocka_unit_test(test_secrets__routing_proof),
		cmocka_unit_test(test_secrets__emitted),
		cmocka_unit_test(test_secrets__v1beta1),
		cmocka_unit_test(test_secrets__no_store_no_external_secret),
		cmocka_unit_test(test_secrets__policy_on_declared),
		cmocka_unit_test(test_secrets__actual),
		cmocka_unit_test(test_secrets__drift_edited),
		cmocka_unit_test(test_secrets__external_secret_differs),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
