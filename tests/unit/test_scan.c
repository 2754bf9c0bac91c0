#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "glob.h"
#include "scan.h"
#include "scan_int.h"
#include "scan_prefilter.h"

/* ------------------------------------------------------------ rule helper */

typedef struct {
	const char *id, *pattern;
	uint32_t group;
	const char *kw[4];
	double entropy;
	const char *paths[2], *allow_paths[2], *allow_values[2];
} rule_def;

static opsc_strs strs(const char *const *v, uint32_t max)
{
	opsc_strs out = { opsc_calloc(max, sizeof(opsc_str)), 0 };
	for (uint32_t i = 0; i < max && v[i]; i++)
		out.items[out.len++] = (opsc_str){ v[i], OPSC_NO_SPAN };
	return out;
}

static opsc_scanner *scanner_of(const rule_def *defs, uint32_t n, opsc_diags *diags)
{
	opsc_secret_rule *rules = opsc_calloc(n ? n : 1, sizeof *rules);
	for (uint32_t i = 0; i < n; i++) {
		opsc_secret_rule *r = &rules[i];
		r->span = OPSC_NO_SPAN;
		r->id = (opsc_str){ defs[i].id, OPSC_NO_SPAN };
		r->pattern = (opsc_str){ defs[i].pattern, OPSC_NO_SPAN };
		r->group = defs[i].group;
		r->keywords = strs(defs[i].kw, 4);
		r->entropy = defs[i].entropy;
		r->severity = OPSC_SEV_ERROR;
		r->paths = strs(defs[i].paths, 2);
		r->allow_paths = strs(defs[i].allow_paths, 2);
		r->allow_values = strs(defs[i].allow_values, 2);
	}
	opsc_scanner *sc = NULL;
	assert_int_equal(opsc_scanner_new(&sc, rules, n, diags), 0);
	for (uint32_t i = 0; i < n; i++) {
		opsc_free(rules[i].keywords.items);
		opsc_free(rules[i].paths.items);
		opsc_free(rules[i].allow_paths.items);
		opsc_free(rules[i].allow_values.items);
	}
	opsc_free(rules);
	return sc;
}

static const rule_def base_rules[] = {
	{ "github-pat", "\\b(ghp_[A-Za-z0-9]{36})\\b", 1, { "ghp_" }, 3.0, { 0 }, { 0 }, { 0 } },
	{ "aws-access-key-id", "\\b((?:AKIA|ASIA)[A-Z0-9]{16})\\b", 1, { "akia", "asia" }, 3.0, { 0 }, { 0 }, { 0 } },
	{ "generic-credential",
	  "(?i)[\\w.-]*(?:password|secret|token|api_?key)[\"']?\\s*[:=]\\s*[\"']?([^\\s\"'`;,]{8,})",
	  1, { "password", "secret", "token", "key" }, 3.0, { 0 }, { 0 }, { 0 } },
	{ "only-tf", "\\b(tfonly_[a-z0-9]{20})\\b", 1, { "tfonly_" }, 0, { "*.tf" }, { "modules/**" }, { 0 } },
	{ "allowlisted", "\\b(allow_[a-z0-9]{20})\\b", 1, { "allow_" }, 0, { 0 }, { 0 }, { "^allow_0" } },
};
#define NBASE (sizeof base_rules / sizeof *base_rules)

/* ------------------------------------------------------------ hit helper */

typedef struct {
	char rule[48];
	uint32_t line, col, unreasoned_col;
	char secret[256];
} got_hit;

typedef struct {
	got_hit hits[32];
	uint32_t n;
	const char *data;
} hits;

static int on_hit(void *user, const opsc_scan_hit *h)
{
	hits *hs = user;
	if (hs->n == 32)
		return 1;
	got_hit *g = &hs->hits[hs->n++];
	snprintf(g->rule, sizeof g->rule, "%s", h->rule_id);
	g->line = h->line;
	g->col = h->col;
	g->unreasoned_col = h->unreasoned_col;
	snprintf(g->secret, sizeof g->secret, "%.*s", (int)h->len, hs->data + h->offset);
	return 0;
}

static hits scan_with(const opsc_scanner *sc, const char *path, const char *text)
{
	opsc_scan_state *st = NULL;
	hits hs = { .data = text };
	assert_int_equal(opsc_scan_state_new(&st, sc), 0);
	assert_int_equal(opsc_scan_buffer(st, path, text, strlen(text), on_hit, &hs), 0);
	opsc_scan_state_free(st);
	return hs;
}

static hits scan(const char *path, const char *text)
{
	opsc_arena *arena = opsc_arena_new();
	opsc_diags diags;
	opsc_diags_init(&diags, arena);
	opsc_scanner *sc = scanner_of(base_rules, NBASE, &diags);
	assert_int_equal(diags.errors, 0);
	hits hs = scan_with(sc, path, text);
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
	return hs;
}

#define GHP "ghp_R4nd0mT0k3nV4lu3Abcdefghij0123456789"

/* ------------------------------------------------------------------ glob */

static void test_scan__glob(void **state)
{
	(void)state;
	assert_true(opsc_glob_match("*.tfvars", "envs/prod/terraform.tfvars"));
	assert_true(opsc_glob_match("*.tfvars", "terraform.tfvars"));
	assert_false(opsc_glob_match("*.tfvars", "terraform.tfvars.json"));
	assert_true(opsc_glob_match("docs/**", "docs/a/b.md"));
	assert_false(opsc_glob_match("docs/**", "src/docs/a.md"));
	assert_true(opsc_glob_match("**/docs/*.md", "docs/a.md"));
	assert_true(opsc_glob_match("**/docs/*.md", "x/y/docs/a.md"));
	assert_false(opsc_glob_match("**/docs/*.md", "x/docs/y/a.md"));
	assert_true(opsc_glob_match("a/**/b", "a/b"));
	assert_true(opsc_glob_match("a/**/b", "a/x/y/b"));
	assert_true(opsc_glob_match("**/.env.*", "svc/.env.production"));
	assert_true(opsc_glob_match("file?.[ch]", "src/file1.c"));
	assert_false(opsc_glob_match("file?.[!ch]", "src/file1.c"));
	assert_false(opsc_glob_match("src/*.c", "src/a/b.c"));
}

/* ------------------------------------------------------------- prefilter */

typedef struct {
	uint32_t kw[16];
	size_t end[16];
	uint32_t n;
} pf_hits;

static int pf_hit(void *user, uint32_t kw, size_t end)
{
	pf_hits *h = user;
	h->kw[h->n] = kw;
	h->end[h->n++] = end;
	return h->n == 16;
}

static void test_scan__prefilter_overlapping_case_insensitive(void **state)
{
	(void)state;
	const char *kws[] = { "he", "she", "his", "hers", "AKIA" };
	opsc_prefilter pf;
	assert_int_equal(opsc_prefilter_init(&pf, kws, 5), 0);
	pf_hits h = { 0 };
	const char *text = "uSHErs x akia";
	opsc_prefilter_run(&pf, text, strlen(text), pf_hit, &h);
	/* "SHE" ends at 4 (she, he), "HERs" at 6 (hers), "akia" at 13 */
	assert_int_equal(h.n, 4);
	assert_int_equal(h.kw[0], 1);
	assert_int_equal(h.end[0], 4);
	assert_int_equal(h.kw[1], 0);
	assert_int_equal(h.end[1], 4);
	assert_int_equal(h.kw[2], 3);
	assert_int_equal(h.end[2], 6);
	assert_int_equal(h.kw[3], 4);
	assert_int_equal(h.end[3], 13);
	opsc_prefilter_dispose(&pf);
}

static void test_scan__entropy(void **state)
{
	(void)state;
	assert_true(opsc_scan_entropy("aaaa", 4) == 0.0);
	assert_true(opsc_scan_entropy("abcd", 4) == 2.0);
	assert_true(opsc_scan_entropy("aabb", 4) == 1.0);
}

/* ---------------------------------------------------------------- rules */

static void test_scan__finds_token_with_position(void **state)
{
	(void)state;
	hits hs = scan("ci/deploy.sh", "#!/bin/sh\nexport GH=" GHP "\n");
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.hits[0].rule, "github-pat");
	assert_int_equal(hs.hits[0].line, 2);
	assert_int_equal(hs.hits[0].col, 11);
	assert_string_equal(hs.hits[0].secret, GHP);
}

static void test_scan__keyword_gates_the_pattern(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_diags diags;
	opsc_diags_init(&diags, arena);
	/* the pattern matches, but its keyword is elsewhere in no line */
	rule_def r = { "gated", "(q[0-9]{10})", 1, { "zzkey" }, 0, { 0 }, { 0 }, { 0 } };
	opsc_scanner *sc = scanner_of(&r, 1, &diags);
	assert_int_equal(scan_with(sc, "a", "q0123456789\n").n, 0);
	assert_int_equal(scan_with(sc, "a", "ZZKEY q0123456789\n").n, 1);
	assert_int_equal(scan_with(sc, "a", "zzkey\nq0123456789\n").n, 1); /* the next line too */
	assert_int_equal(scan_with(sc, "a", "zzkey\n\nq0123456789\n").n, 0);
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
}

static void test_scan__entropy_floor(void **state)
{
	(void)state;
	assert_int_equal(scan("a.yaml", "password: aaaaaaaaaaaa\n").n, 0);
	hits hs = scan("a.yaml", "password: Xq8#vL2!pZ9m\n");
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.hits[0].secret, "Xq8#vL2!pZ9m");
}

static void test_scan__placeholders_and_references(void **state)
{
	(void)state;
	static const char *const traps[] = {
		"password: changeme-please\n", "token: <your-token-here>\n", "api_key: xxxxxxxxxxxxxxxx\n",
		"password: ${DB_PASSWORD}\n", "token: ${{ secrets.DEPLOY_TOKEN }}\n",
		"password: \"{{ .Values.db.password }}\"\n", "password = var.db_password\n",
		"token: $(cat /run/secrets/token)\n", "secret: your-api-key-goes-here\n",
		"password: /run/secrets/db-password\n", "token: GITHUB_TOKEN_VALUE\n",
		"api_key: 1234567890123\n",
	};
	for (size_t i = 0; i < sizeof traps / sizeof *traps; i++) {
		hits hs = scan("values.yaml", traps[i]);
		if (hs.n)
			fail_msg("reported %s in %s", hs.hits[0].secret, traps[i]);
	}
}

static void test_scan__documentation_keys_digests_shas_uuids(void **state)
{
	(void)state;
	assert_int_equal(scan("docs/aws.md", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n").n, 0);
	assert_int_equal(scan("a.yaml", "secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").n, 0);
	assert_int_equal(scan("a.yaml", "token: sha256:3f1c9a8e2b7d4c6f0a1e5b9d8c7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f\n").n, 0);
	assert_int_equal(scan("a.yml", "token: 9fceb02d0ae598e95dc970b74767f19372d61af8 # commit\n").n, 0);
	assert_int_equal(scan("a.yml", "api_key: 5f0c8a9e-3b1d-4c7a-9e2f-8d6b4a1c3e5f\n").n, 0);
	/* the same 40-hex value with no git around it is a token */
	assert_int_equal(scan("a.yml", "token: 9fceb02d0ae598e95dc970b74767f19372d61af8\n").n, 1);
}

static void test_scan__lockfiles_sops_sealed(void **state)
{
	(void)state;
	assert_int_equal(scan("web/package-lock.json", "\"token\": \"" GHP "\"\n").n, 0);
	assert_int_equal(scan("secrets.enc.yaml",
			      "password: ENC[AES256_GCM,data:q8w9e7r6t5y4,iv:abc,tag:def,type:str]\n").n, 0);
	assert_int_equal(scan("s.yaml", "token: " GHP "\nsops:\n    mac: ENC[x]\n").n, 0);
	const char *sealed = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nspec:\n"
			     "  encryptedData:\n    token: AgBy8hCi4Lq2Vz0pXw9Tn3KmRb7Yc5UdJe1Hf6Ng8Os2Pt4Qv\n";
	assert_int_equal(scan("sealed.yaml", sealed).n, 0);
}

static void test_scan__inline_ignore(void **state)
{
	(void)state;
	assert_int_equal(scan("a.sh", "GH=" GHP " # opsc:ignore a test fixture\n").n, 0);
	assert_int_equal(scan("a.sh", "GH=" GHP " # opsc:ignore[github-pat] a test fixture\n").n, 0);
	hits other = scan("a.sh", "GH=" GHP " # opsc:ignore[aws-access-key-id, other] not this one\n");
	assert_int_equal(other.n, 1);
	assert_int_equal(other.hits[0].unreasoned_col, 0);
	/* without a reason the secret is still reported, with the comment's column */
	hits bare = scan("a.sh", "GH=" GHP " # opsc:ignore\n");
	assert_int_equal(bare.n, 1);
	assert_int_equal(bare.hits[0].unreasoned_col, 47);
	hits named = scan("a.sh", "GH=" GHP " # opsc:ignore[github-pat]\n");
	assert_int_equal(named.n, 1);
	assert_int_equal(named.hits[0].unreasoned_col, 47);
	/* the end of a C comment is no reason */
	assert_int_equal(scan("a.c", "GH=\"" GHP "\"; /* opsc:ignore */\n").hits[0].unreasoned_col, 51);
	assert_int_equal(scan("a.c", "GH=\"" GHP "\"; /* opsc:ignore a test fixture */\n").n, 0);
	assert_int_equal(scan("a.md", "GH=" GHP " <!-- opsc:ignore[github-pat] -->\n").hits[0].unreasoned_col, 50);
	assert_int_equal(scan("a.md", "GH=" GHP " <!-- opsc:ignore[github-pat] the docs' sample -->\n").n, 0);
}

static void test_scan__paths_and_allow_values(void **state)
{
	(void)state;
	const char *tf = "x = \"tfonly_abcdefghij0123456789\"\n";
	assert_int_equal(scan("main.tf", tf).n, 1);
	assert_int_equal(scan("main.yaml", tf).n, 0);
	assert_int_equal(scan("modules/net/main.tf", tf).n, 0);
	assert_int_equal(scan("a", "allow_0bcdefghij0123456789\n").n, 0);
	assert_int_equal(scan("a", "allow_1bcdefghij0123456789\n").n, 1);
}

static void test_scan__specific_rule_outranks_generic(void **state)
{
	(void)state;
	hits hs = scan("a.env", "GITHUB_TOKEN=" GHP "\n");
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.hits[0].rule, "github-pat");
}

/* ------------------------------------------------------------- structural */

static void test_scan__kubernetes_env_pair(void **state)
{
	(void)state;
	const char *y = "spec:\n  containers:\n    - name: api\n      env:\n"
			"        - name: DB_PASSWORD\n          value: hunt3r2-Re4l-s3cret\n"
			"        - name: DB_USER\n          value: app-service-user\n"
			"        - value: Tr0ub4dor-and-3\n          name: API_TOKEN\n"
			"        - name: SECRET_NAME\n          value: app-credentials\n"
			"        - name: JWT_SECRET\n          valueFrom:\n            secretKeyRef: {name: a, key: b}\n";
	hits hs = scan("deploy.yaml", y);
	assert_int_equal(hs.n, 2);
	assert_string_equal(hs.hits[0].rule, "kubernetes-env-secret");
	assert_int_equal(hs.hits[0].line, 6);
	assert_int_equal(hs.hits[0].col, 18);
	assert_string_equal(hs.hits[0].secret, "hunt3r2-Re4l-s3cret");
	assert_int_equal(hs.hits[1].line, 9);
	assert_string_equal(hs.hits[1].secret, "Tr0ub4dor-and-3");
}

static void test_scan__kubernetes_secret_manifest(void **state)
{
	(void)state;
	/* cGFzc3dvcmQtUzNjcjN0IQ== is "password-S3cr3t!", Y2hhbmdlbWU= "changeme" */
	const char *y = "apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: production-mode\n---\n"
			"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
			"  password: cGFzc3dvcmQtUzNjcjN0IQ==\n  placeholder: Y2hhbmdlbWU=\n"
			"stringData:\n  token: \"redis-Xk29fLq0\"\n---\nkind: SecretStore\ndata:\n  x: cGFzc3dvcmQtUzNjcjN0IQ==\n";
	hits hs = scan("db-secret.yaml", y);
	assert_int_equal(hs.n, 2);
	assert_string_equal(hs.hits[0].rule, "kubernetes-secret");
	assert_int_equal(hs.hits[0].line, 11);
	assert_string_equal(hs.hits[0].secret, "cGFzc3dvcmQtUzNjcjN0IQ==");
	assert_int_equal(hs.hits[1].line, 14);
	assert_string_equal(hs.hits[1].secret, "redis-Xk29fLq0");
}

static void test_scan__kubeconfig_users(void **state)
{
	(void)state;
	const char *y = "apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n"
			"    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n"
			"users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlF\n"
			"- name: ci\n  user:\n    token: kq8Zt2VbN5mWx4Lp7Rj9Hs3\n";
	hits hs = scan("kubeconfig", y);
	assert_int_equal(hs.n, 2);
	assert_string_equal(hs.hits[0].rule, "kubeconfig-credential");
	assert_int_equal(hs.hits[0].line, 10);
	assert_int_equal(hs.hits[1].line, 13);
	assert_string_equal(hs.hits[1].secret, "kq8Zt2VbN5mWx4Lp7Rj9Hs3");
}

static void test_scan__terraform_state(void **state)
{
	(void)state;
	const char *j = "{\n  \"version\": 4,\n  \"outputs\": {\n    \"db_password\": {\n"
			"      \"value\": \"Zr8pQ2-xLm4Tn7Ks\",\n      \"type\": \"string\",\n"
			"      \"sensitive\": true\n    }\n  },\n  \"resources\": [{\n"
			"    \"attributes\": { \"id\": \"12\" },\n      \"root_token\": \"a9Fk2Lq8Zm3Xv7Bn\"\n  }]\n}\n";
	hits hs = scan("infra/terraform.tfstate", j);
	assert_int_equal(hs.n, 3);
	assert_string_equal(hs.hits[0].rule, "terraform-state");
	assert_int_equal(hs.hits[0].line, 1);
	assert_string_equal(hs.hits[1].rule, "terraform-state-secret");
	assert_int_equal(hs.hits[1].line, 5);
	assert_string_equal(hs.hits[1].secret, "Zr8pQ2-xLm4Tn7Ks");
	assert_int_equal(hs.hits[2].line, 12);
	/* the same text elsewhere is not a state file */
	assert_int_equal(scan("infra/state.json", "{ \"version\": 4 }\n").n, 0);
	assert_int_equal(scan("terraform.tfstate.1712.backup", "{}\n").n, 1);
}

/* ---------------------------------------------------------------- limits */

static void test_scan__bad_patterns_are_diagnostics(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_diags diags;
	opsc_diags_init(&diags, arena);
	rule_def r[] = {
		{ "broken", "(ghp_[a-z]+", 1, { "ghp_" }, 0, { 0 }, { 0 }, { 0 } },
		{ "no-group", "ghp_[a-z]+", 2, { "ghp_" }, 0, { 0 }, { 0 }, { 0 } },
		{ "fine", "(ghp_[a-z]+)", 1, { "ghp_" }, 0, { 0 }, { 0 }, { 0 } },
	};
	opsc_scanner *sc = scanner_of(r, 3, &diags);
	assert_int_equal(diags.errors, 2);
	assert_string_equal(diags.items.items[0].message,
			    "secret rule `broken`: the pattern does not compile: missing closing "
			    "parenthesis (at offset 11)");
	assert_string_equal(diags.items.items[1].message,
			    "secret rule `no-group`: group = 2, but the pattern has 0 capture groups");
	hits hs = scan_with(sc, "a", "ghp_abcdefgh\n");
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.hits[0].rule, "fine");
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
}

static void test_scan__catastrophic_pattern_is_bounded(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_diags diags;
	opsc_diags_init(&diags, arena);
	rule_def r = { "evil", "((?:a|a)+)+$", 1, { "aaaa" }, 0, { 0 }, { 0 }, { 0 } };
	opsc_scanner *sc = scanner_of(&r, 1, &diags);
	size_t n = 200000;
	char *text = opsc_malloc(n + 2);
	memset(text, 'a', n);
	text[n] = '!';
	text[n + 1] = 0;
	/* Without the match and depth limits this pattern backtracks for
	 * longer than the universe lasts; returning at all (within meson's
	 * test timeout) is the check. No wall-clock assertion: it would
	 * fail under valgrind on a busy machine. */
	hits hs = scan_with(sc, "a", text);
	assert_int_equal(hs.n, 0);
	opsc_free(text);
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
}

/* ------------------------------------------------------------- many files */

typedef struct {
	uint32_t n, next_index, hits;
	opsc_scan_file_status status[8];
	char secret[64];
	char reason[8][64];
} files_seen;

static int on_file(void *user, const opsc_scan_file_result *r)
{
	files_seen *fs = user;
	assert_int_equal(r->index, fs->next_index++);
	if (fs->n < 8) {
		fs->status[fs->n] = r->status;
		snprintf(fs->reason[fs->n], sizeof fs->reason[0], "%s", r->reason ? r->reason : "");
	}
	fs->n++;
	fs->hits += r->nhits;
	if (r->nhits)
		snprintf(fs->secret, sizeof fs->secret, "%s", r->secrets[0]);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	int w = snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_true(w > 0 && (size_t)w < sizeof path);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void remove_tree(const char *dir, const char *const *names, uint32_t n)
{
	char path[512];
	for (uint32_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static opsc_scanner *base_scanner(opsc_arena **arena, opsc_diags *diags)
{
	*arena = opsc_arena_new();
	opsc_diags_init(diags, *arena);
	return scanner_of(base_rules, NBASE, diags);
}

static void test_scan__files_skips_and_order(void **state)
{
	(void)state;
	char dir[] = "/tmp/opsc-scan-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *text = "GH=" GHP "\n";
	write_file(dir, "a.sh", text, strlen(text));
	write_file(dir, "b.bin", "GH=\0" GHP, 44);
	char big[2048];
	memset(big, 'x', sizeof big);
	write_file(dir, "c.txt", big, sizeof big);
	const char *paths[] = { "a.sh", "b.bin", "c.txt", "missing.txt" };
	opsc_arena *arena;
	opsc_diags diags;
	opsc_scanner *sc = base_scanner(&arena, &diags);
	files_seen fs = { 0 };
	opsc_scan_files_opts opts = { .threads = 1, .max_size = 1024 };
	assert_int_equal(opsc_scan_files_ex(sc, paths, dir, 4, &opts, on_file, &fs), 0);
	assert_int_equal(fs.n, 4);
	assert_int_equal(fs.status[0], OPSC_SCAN_FILE_SCANNED);
	assert_int_equal(fs.hits, 1);
	assert_string_equal(fs.secret, GHP);
	assert_int_equal(fs.status[1], OPSC_SCAN_FILE_BINARY);
	assert_string_equal(fs.reason[1], "binary file");
	assert_int_equal(fs.status[2], OPSC_SCAN_FILE_TOO_BIG);
	assert_string_equal(fs.reason[2], "2.0 KiB, over the 1.0 KiB limit");
	assert_int_equal(fs.status[3], OPSC_SCAN_FILE_UNREADABLE);
	assert_string_equal(fs.reason[3], "No such file or directory");
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
	remove_tree(dir, paths, 3);
}

/* cmocka's allocator is not thread-safe: this test uses the C library's
 * and checks order and totals over many files on two threads. */
static void test_scan__files_threads_deliver_in_order(void **state)
{
	opsc_test_teardown_alloc(state);
	char dir[] = "/tmp/opsc-scan-XXXXXX";
	assert_non_null(mkdtemp(dir));
	enum { N = 300 };
	static char names[N][16];
	const char *paths[N];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "f%03d.sh", i);
		paths[i] = names[i];
		const char *text = i % 3 ? "echo nothing to see here\n" : "GH=" GHP "\n";
		write_file(dir, names[i], text, strlen(text));
	}
	opsc_arena *arena;
	opsc_diags diags;
	opsc_scanner *sc = base_scanner(&arena, &diags);
	files_seen fs = { 0 };
	assert_int_equal(opsc_scan_files(sc, paths, dir, N, 2, on_file, &fs), 0);
	assert_int_equal(fs.n, N);
	assert_int_equal(fs.hits, N / 3);
	opsc_scanner_free(sc);
	opsc_diags_dispose(&diags);
	opsc_arena_free(arena);
	remove_tree(dir, paths, N);
	opsc_test_setup_alloc(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan__glob),
		cmocka_unit_test(test_scan__prefilter_overlapping_case_insensitive),
		cmocka_unit_test(test_scan__entropy),
		cmocka_unit_test(test_scan__finds_token_with_position),
		cmocka_unit_test(test_scan__keyword_gates_the_pattern),
		cmocka_unit_test(test_scan__entropy_floor),
		cmocka_unit_test(test_scan__placeholders_and_references),
		cmocka_unit_test(test_scan__documentation_keys_digests_shas_uuids),
		cmocka_unit_test(test_scan__lockfiles_sops_sealed),
		cmocka_unit_test(test_scan__inline_ignore),
		cmocka_unit_test(test_scan__paths_and_allow_values),
		cmocka_unit_test(test_scan__specific_rule_outranks_generic),
		cmocka_unit_test(test_scan__kubernetes_env_pair),
		cmocka_unit_test(test_scan__kubernetes_secret_manifest),
		cmocka_unit_test(test_scan__kubeconfig_users),
		cmocka_unit_test(test_scan__terraform_state),
		cmocka_unit_test(test_scan__bad_patterns_are_diagnostics),
		cmocka_unit_test(test_scan__catastrophic_pattern_is_bounded),
		cmocka_unit_test(test_scan__files_skips_and_order),
		cmocka_unit_test(test_scan__files_threads_deliver_in_order),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
