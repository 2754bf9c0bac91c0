/*
 * test_scan_plausible.c - the built-in rules (policies/secrets.ops) on the
 * classes of values real repositories hold: what is found (credentials
 * the generic and structural rules used to miss) and what is deliberately
 * left alone (references, templates, structure, names, prose, words with
 * digits, public values), and every rule's own `example` and `ignores`.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "rules_ops.h"
#include "scan.h"
#include "scan_plausible.h"

typedef struct {
	const char *path, *text;
	const char *rule; /* expected rule, NULL: nothing may be found */
	const char *secret; /* the bytes it must report */
} sample;

typedef struct {
	opsc_ctx ctx;
	opsc_secret_rule *rules;
	uint32_t nrules;
	opsc_scanner *sc;
} fixture;

typedef struct {
	char rules[512];
	char secrets[1024];
	uint32_t n;
	const char *data;
} found;

static int on_hit(void *user, const opsc_scan_hit *h)
{
	found *f = user;
	size_t r = strlen(f->rules), s = strlen(f->secrets);
	snprintf(f->rules + r, sizeof f->rules - r, "%s ", h->rule_id);
	snprintf(f->secrets + s, sizeof f->secrets - s, "[%.*s]", (int)h->len, f->data + h->offset);
	f->n++;
	return 0;
}

static int setup(void **state)
{
	fixture *fx = test_calloc(1, sizeof *fx);
	opsc_ctx_init(&fx->ctx);
	assert_int_equal(opsc_test_secret_rules(&fx->ctx, "policies/secrets.ops", &fx->rules, &fx->nrules), 0);
	assert_int_equal(opsc_scanner_new(&fx->sc, fx->rules, fx->nrules, &fx->ctx.diags), 0);
	assert_int_equal(fx->ctx.diags.errors, 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	opsc_scanner_free(fx->sc);
	opsc_ctx_dispose(&fx->ctx);
	test_free(fx);
	return 0;
}

static found scan_text(const fixture *fx, const char *path, const char *text)
{
	opsc_scan_state *st = NULL;
	found f = { .data = text };
	assert_int_equal(opsc_scan_state_new(&st, fx->sc), 0);
	assert_int_equal(opsc_scan_buffer(st, path, text, strlen(text), on_hit, &f), 0);
	opsc_scan_state_free(st);
	return f;
}

static void check_samples(const fixture *fx, const sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		found f = scan_text(fx, s[i].path, s[i].text);
		if (!s[i].rule && f.n)
			fail_msg("%s: expected nothing, got %s%s", s[i].path, f.rules, f.secrets);
		if (!s[i].rule)
			continue;
		char want[256];
		snprintf(want, sizeof want, "[%s]", s[i].secret);
		/* a state file is also reported as a whole (terraform-state) */
		uint32_t whole = strncmp(f.rules, "terraform-state ", 16) == 0;
		if (f.n != 1 + whole || strncmp(f.rules + 16 * whole, s[i].rule, strlen(s[i].rule)) ||
		    !strstr(f.secrets, want))
			fail_msg("%s: expected %s %s, got %u: %s%s", s[i].path, s[i].rule, want, f.n, f.rules,
				 f.secrets);
	}
}

/* ------------------------------------------------- the misses, now found */

static const sample misses[] = {
	{ "inventory/hosts.ini",
	  "[web]\nweb1 ansible_host=10.0.0.5 ansible_user=deploy ansible_password=Qm7vR2xLp9Tz\n",
	  "generic-credential", "Qm7vR2xLp9Tz" },
	{ "inventory/hosts", "[db]\ndb1 ansible_host=10.0.0.6 ansible_become_pass=Zx8kQ2mWv4Rb\n",
	  "generic-credential", "Zx8kQ2mWv4Rb" },
	{ "redis/redis.conf", "bind 0.0.0.0\nport 6379\nrequirepass 9fK2mQx7LpZ3vR8w\n",
	  "redis-password", "9fK2mQx7LpZ3vR8w" },
	{ "grafana/datasources.yaml",
	  "datasources:\n  - name: Loki\n    type: loki\n    secureJsonData:\n"
	  "      httpHeaderValue1: Bearer-Kq2mZx7LpW9vT4\n",
	  "grafana-secure-json-data", "Bearer-Kq2mZx7LpW9vT4" },
	{ "charts/grafana/values.yaml", "grafana:\n  adminUser: admin\n  adminPassword: Gr4fXq9mZ7vL\n",
	  "generic-credential", "Gr4fXq9mZ7vL" },
	{ "infra/main.tf",
	  "resource \"aws_db_instance\" \"db\" {\n  username = \"app\"\n  password = \"P9x#kLm2Qz7v\"\n}\n",
	  "terraform-literal-credential", "P9x#kLm2Qz7v" },
	{ "infra/provider.tf",
	  "provider \"aws\" {\n  region     = \"eu-west-1\"\n"
	  "  secret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Kq2mZx7\"\n}\n",
	  "terraform-literal-credential", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Kq2mZx7" },
	{ "terraform.tfstate",
	  "{\n  \"resources\": [\n    {\n      \"type\": \"random_password\",\n      \"instances\": [\n"
	  "        {\n          \"attributes\": {\n            \"length\": 24,\n"
	  "            \"result\": \"Xk2#9fLq0vR7mZ2pQw8YeN4b\",\n",
	  "terraform-state-secret", "Xk2#9fLq0vR7mZ2pQw8YeN4b" },
	{ "envs/prod/terraform.tfstate",
	  "{\n  \"resources\": [\n    {\n      \"type\": \"azurerm_kubernetes_cluster\",\n"
	  "            \"kube_config_raw\": \"apiVersion: v1\\nusers:\\n- name: admin\\n  user:\\n"
	  "    token: 8f3Kq2LmZx7vW9pT4yR1nB6c7Hd0\\n\",\n",
	  "generic-credential", "8f3Kq2LmZx7vW9pT4yR1nB6c7Hd0" },
	{ "keys/deploy_key",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
	  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	  "QyNTUxOQAAACDo2ixTC6d4pMsUkWYE3Np2E5dI5zYb7gB1jqW0Zb2HRAAAAJiWq2yQlqts\n"
	  "-----END OPENSSH PRIVATE KEY-----\n",
	  "private-key", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" },
	{ "scripts/alert.sh",
	  "curl -X POST https://events.pagerduty.com/v2/enqueue \\\n"
	  "  -d '{\"routing_key\":\"e93facc04764012d7bfb002500d5d1a6\",\"event_action\":\"trigger\"}'\n",
	  "pagerduty-key", "e93facc04764012d7bfb002500d5d1a6" },
	{ "scripts/page.sh", "ROUTING_KEY=\"${PAGERDUTY_ROUTING_KEY:-e93facc04764012d7bfb002500d5d1a6}\"\n",
	  "pagerduty-key", "e93facc04764012d7bfb002500d5d1a6" },
	{ "src/pager.js",
	  "const routingKey = process.env.PD_ROUTING_KEY || \"e93facc04764012d7bfb002500d5d1a6\";\n",
	  "pagerduty-key", "e93facc04764012d7bfb002500d5d1a6" },
	{ "app/settings.py", "DEBUG = False\nSECRET_KEY = 'django-insecure-8k#2m!x7lp(z3v)r8w$q1n@f5t^y0u&b'\n",
	  "django-secret-key", "django-insecure-8k#2m!x7lp(z3v)r8w$q1n@f5t^y0u&b" },
	{ "minio/values.yaml", "s3:\n  accessKeyId: minio-reader\n  secretKey: Xk29fLq0vR7mZ2pQw8YeN4bT\n",
	  "object-storage-secret-key", "Xk29fLq0vR7mZ2pQw8YeN4bT" },
	{ "backup/restic.env", "MINIO_SECRET_KEY=Xk29fLq0vR7mZ2pQw8YeN4bT\n", "object-storage-secret-key",
	  "Xk29fLq0vR7mZ2pQw8YeN4bT" },
	{ "alertmanager.yaml", "global:\n  opsgenie_api_key: 0f8fad5b-d9cb-469f-a165-70867728950e\n",
	  "opsgenie-api-key", "0f8fad5b-d9cb-469f-a165-70867728950e" },
	{ "app/config.yaml", "cache:\n  url: redis://:Xk29fLq0vR7m@redis-master:6379/0\n",
	  "database-url-password", "Xk29fLq0vR7m" },
	/* base64 of a random password is still one */
	{ "ops/values.yaml", "auth:\n  password: WGsyOWZMcTB2UjdtWjJwUQ==\n", "generic-credential",
	  "WGsyOWZMcTB2UjdtWjJwUQ==" },
};

static void test_scan_plausible__misses_are_found(void **state)
{
	check_samples(*state, misses, sizeof misses / sizeof *misses);
}

/* ------------------------------------------------ references, templates */

static const sample references[] = {
	{ "a.yaml", "password: op://vault/item/field\n", NULL, NULL },
	{ "b.yaml", "token: vault:secret/data/app#token\n", NULL, NULL },
	{ "c.yaml", "api_key: ref+vault://secret/app#/api_key\n", NULL, NULL },
	{ "d.yaml", "env:\n  API_TOKEN: ${{ secrets.API_TOKEN }}\n", NULL, NULL },
	{ "e.yaml", "mqtt:\n  password: '{FRIGATE_MQTT_PASSWORD}'\n", NULL, NULL },
	{ "f.yaml", "password: ${DB_PASSWORD_FROM_ENV}\ntoken: $(SERVICE_TOKEN_VALUE)\n", NULL, NULL },
	{ "g.tf", "client_secret = lookup(module.onepassword.fields, \"client_secret\")\n", NULL, NULL },
	{ "h.yaml", "password: <your-database-password>\n", NULL, NULL },
	{ "i.yaml", "jwt_secret: \"{{ .RESET_PASSWORD_JWT }}\"\nsession_secret: {{ .Values.s }}\n", NULL, NULL },
	{ "j.yaml", "password: ENC[AES256_GCM,data:q3Zk9w==,iv:abc,tag:def,type:str]\n", NULL, NULL },
	{ "k.yaml", "secret: AGE-ENCRYPTED-FILE-Xk29fLq0vR7mZ2pQw8\n", NULL, NULL },
	{ "l.yaml", "ansible_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n", NULL, NULL },
	{ "m.tf", "password = random_password.db_admin.result\nsecret = base64encode(random_password.t.result)\n",
	  NULL, NULL },
	{ "n.py", "self.api_token = config.get('digital_ocean', 'api_token')\n", NULL, NULL },
	{ "o.go", "gitea_password := os.Getenv(\"GITEA_PASSWORD\")\nnewSecret := &v1.Secret{\n", NULL, NULL },
	{ "p.yaml", "db_password: ((db-password-var))\n", NULL, NULL },
};

static void test_scan_plausible__references_are_not_secrets(void **state)
{
	check_samples(*state, references, sizeof references / sizeof *references);
}

/* ----------------------------------------------- structure, names, prose */

static const sample structure[] = {
	{ "a.yaml", "env:\n  - name: DB\n    password:\n      valueFrom:\n        secretKeyRef:\n          name: db\n",
	  NULL, NULL },
	{ "b.yaml", "auth:\n  usernameSecretRef:\n    name: smtp-credentials\n    key: username\n", NULL, NULL },
	{ "c.yaml", "tls:\n  secretName: *name\n", NULL, NULL },
	{ "d.yaml", "app:\n  existingSecret: app-token-secret\n  secretName: forgejo-signing-key\n", NULL, NULL },
	{ "e.yaml", "# secret: ExternalSecret to sync (required)\nsecret: ExternalSecret to sync (required)\n", NULL,
	  NULL },
	{ "f.env", "SESSION_SECRET=ingress-627\nAPP_SECRET=deployment57\n", NULL, NULL },
	{ "g.yaml", "env:\n  SESSION_SECRET: ingress-627\n  APP_SECRET: deployment57\n", NULL, NULL },
	{ "h.yaml", "k3s_token: some-SUPER-DEDEUPER-secret-password\n", NULL, NULL },
	{ "i.yaml", "password: aaaaaaaaaaaa\n", NULL, NULL },
	{ "j.yaml", "objectStore:\n  accessKeyId:\n    name: minio\n    key: id\n", NULL, NULL },
	{ "k.yaml", "extra:\n  input_cost_per_token: 1.25e-07\n  apiToken: 87654321-432104321-4321-210987654321\n",
	  NULL, NULL },
	{ "l.yaml", "runner:\n  githubConfigSecret: k8s-homelab-runner-secret\n", NULL, NULL },
	{ "m.yaml", "repo_secrets: |\n  GPG_PRIVATE_KEY=helm-chart-signing-key:private_key\n", NULL, NULL },
	{ "n.md", "kubectl create secret generic x --from-literal=access_key=[AWS_ACCESS_KEY_ID]\n", NULL, NULL },
	{ "o.yaml", "service:\n  jwtsecret: \"myVeryComplexJWTSecret\"\n", NULL, NULL },
	{ "p.go", "config.JWTSecret = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\"\n", NULL, NULL },
	/* a UUID is an identifier unless a rule asks for one */
	{ "s.yaml", "auth:\n  client_secret_id: 0f8fad5b-d9cb-469f-a165-70867728950e\n", NULL, NULL },
	/* base64 of words: "password", "sCaleio123", "test-api-key\n" */
	{ "q2.yaml", "data:\n  api-key: dGVzdC1hcGkta2V5Cg== # test-api-key\n", NULL, NULL },
	{ "q.yaml", "data:\n  node.session.auth.password: cGFzc3dvcmQ=\n  apiPassword: c0NhbGVpbzEyMw==\n", NULL, NULL },
	{ "r.yaml", "#    secret_key: 1234567890abcdefghifjkl\naccess_key: 8312341g-5678-abcd-4a2b2c-33bcsd655\n", NULL,
	  NULL },
};

static void test_scan_plausible__structure_names_words_are_not_secrets(void **state)
{
	check_samples(*state, structure, sizeof structure / sizeof *structure);
}

/* ---------------------------------------------------- Kubernetes Secrets */

/* What kubeseal writes: base64 of a 2-byte key length, the RSA-wrapped
 * session key and the AES-GCM ciphertext. */
#define SEALED "AgBEqV8ib8HDy88YtDtXbiufMdI8X2Y4rUmer/BH3M1XS0DRdJuPnBIKpi99lSi0tcL21pffWQJEeNajnez0LHtfROUrWW6XnI3EM3HMRb1OcWrhQ7TTJ+chcVG6MOwUxOVHMWndqNCIEPx3mnPQC4vkRB5ICpeyOxJRkSq1LI7S1L10e0tza93Ce6KRDiKpFfez3gb9pvMEc0goRqG9hTCzppvEJqa+ZgIFI2g8Pahqfpgi9el+OuOjSXXMUHyQ2pqaWkwfV6Wf3gV/O116cFBIj2C2qdPVHp7pWnOna8sEXflmWwdRpdo9KMleEnmhPxjExF6YGVYS"

static const sample kube[] = {
	{ "secret.yaml",
	  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  username: billimek\n"
	  "  hostname: postgres-rw.database.svc\n  CLUSTER_NAME: staging\n  port: \"5432\"\n"
	  "  ca.crt: \"-----BEGIN CERTIFICATE-----MIIBkTCB+wIJAKHBfpegPjMCMA0\"\n"
	  "  id_ed25519.pub: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB6v bot@host\n"
	  "  known_hosts: github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	  "  password: op://kubernetes/ghcr/password\n",
	  NULL, NULL },
	{ "secret2.yaml",
	  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  username: app\n"
	  "  password: Xk2#9fLq0vR7mZ2p\n",
	  "kubernetes-secret", "Xk2#9fLq0vR7mZ2p" },
	/* a key whose name says nothing: only a random value is a finding */
	{ "secret3.yaml",
	  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  MODE: production\n"
	  "  SIGNING: 8f3Kq2LmZx7vW9pT4yR1nB6c\n",
	  "kubernetes-secret", "8f3Kq2LmZx7vW9pT4yR1nB6c" },
	/* a multi-line config: only its credential line */
	{ "secret5.yaml",
	  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  config.yaml: |\n"
	  "    host: db.internal\n    user: app\n    log_level: debug\n    api_token: op://infra/app/token\n"
	  "    db_password: Xk2#9fLq0vR7mZ2p\n",
	  "kubernetes-secret", "Xk2#9fLq0vR7mZ2p" },
	/* sealed-secrets ciphertext is not plaintext, even outside a SealedSecret */
	{ "values.yaml", "sealed:\n  password: " SEALED "\n", NULL, NULL },
	/* base64: judged by the plaintext */
	{ "secret4.yaml",
	  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  user: YWRtaW5pc3RyYXRvcg==\n"
	  "  CLUSTER_NAME: c3RhZ2luZw==\n",
	  NULL, NULL },
};

static void test_scan_plausible__kubernetes_secret_values(void **state)
{
	check_samples(*state, kube, sizeof kube / sizeof *kube);
}

/* ------------------------------------------------------- public values */

static const sample public_values[] = {
	{ "docs/auth.md",
	  "Authorization: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
	  "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n",
	  NULL, NULL },
	{ "web/config.js", "const stripe = Stripe('pk_live_51HxQ2mKq8Lz3vT9wR4yB6nC1');\n", NULL, NULL },
};

/* A rule's own example in a .ops file is no leak; the same line elsewhere is. */
static void test_scan_plausible__rule_examples_in_ops_files(void **state)
{
	const char *text = "secret \"mine\" {\n  example = \"token: ghp_R4nd0mT0k3nV4lu3Abcdefghij0123456789\"\n}\n";
	assert_int_equal(scan_text(*state, "policies/mine.ops", text).n, 0);
	assert_int_equal(scan_text(*state, "policies/mine.txt", text).n, 1);
}

static void test_scan_plausible__public_values(void **state)
{
	check_samples(*state, public_values, sizeof public_values / sizeof *public_values);
}

/* ------------------------------------------------------ the shape tests */

static void test_scan_plausible__shapes(void **state)
{
	(void)state;
	assert_non_null(opsc_scan_reference("op://a/b/c", 10));
	assert_non_null(opsc_scan_reference("*anchor", 7));
	assert_null(opsc_scan_reference("*!I2B2K%zUG", 11)); /* a password starting with '*' */
	assert_true(opsc_scan_non_secret_key("existingSecretPasswordKey", 25));
	assert_true(opsc_scan_non_secret_key("DB_USERNAME", 11));
	assert_false(opsc_scan_non_secret_key("DB_PASSWORD", 11));
	assert_false(opsc_scan_non_secret_key("secret_id", 9));
	assert_true(opsc_scan_random_token("8f3Kq2LmZx7vW9pT4yR1nB6c", 24));
	assert_false(opsc_scan_random_token("production-cluster-01", 21));
	assert_false(opsc_scan_random_token("postgres-rw.database.svc", 24));
	assert_true(opsc_scan_public_material("ssh-rsa AAAAB3NzaC1yc2E", 23));
}

/* ---------------------------------------- every rule's example, ignores */

/* Whether the space-separated list `rules` holds `id`. */
static bool has_rule(const char *rules, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = strstr(rules, id); p; p = strstr(p + 1, id))
		if ((p == rules || p[-1] == ' ') && p[n] == ' ')
			return true;
	return false;
}

static void test_scan_plausible__rule_examples(void **state)
{
	const fixture *fx = *state;
	uint32_t wrong = 0;
	for (uint32_t i = 0; i < fx->nrules; i++) {
		const opsc_secret_rule *r = &fx->rules[i];
		if (!r->example.s || !r->ignores.s) {
			print_error("rule %s: no example or ignores\n", r->id.s);
			wrong++;
			continue;
		}
		const char *path = r->paths.len ? r->paths.items[0].s : "example.yaml";
		char p[128]; /* a path the rule's first glob matches */
		snprintf(p, sizeof p, "%s", path);
		for (char *c = p; *c; c++)
			*c = *c == '*' ? 'x' : *c;
		found f = scan_text(fx, p, r->example.s);
		if (!has_rule(f.rules, r->id.s)) {
			print_error("rule %s does not find its example (got %s)\n", r->id.s, f.rules);
			wrong++;
		}
		found g = scan_text(fx, p, r->ignores.s);
		if (has_rule(g.rules, r->id.s)) {
			print_error("rule %s finds what it ignores: %s\n", r->id.s, g.secrets);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_plausible__misses_are_found),
		cmocka_unit_test(test_scan_plausible__references_are_not_secrets),
		cmocka_unit_test(test_scan_plausible__structure_names_words_are_not_secrets),
		cmocka_unit_test(test_scan_plausible__kubernetes_secret_values),
		cmocka_unit_test(test_scan_plausible__public_values),
		cmocka_unit_test(test_scan_plausible__rule_examples_in_ops_files),
		cmocka_unit_test(test_scan_plausible__shapes),
		cmocka_unit_test(test_scan_plausible__rule_examples),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
