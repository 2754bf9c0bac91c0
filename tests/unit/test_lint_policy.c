/*
 * test_lint_policy.c - the policy finder of `opsc lint` on fixture
 * repositories built with libgit2: the built-in policies on the declared
 * Model (policies/shop.ops) and on the manifests under clusters/, the
 * contradiction checks between the two, unparseable YAML, --staged and the
 * project's re-levelling. Every test asserts the exact findings.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "gitfix.h"
#include "lintfix.h"
#include "lint.h"

/* The policy finder alone on the fixture; `base` for OPSC_LINT_BASE, and
 * `read_all` to parse every manifest of a change of workloads. */
static void lint_change(lint_out *o, const gitfix *f, opsc_lint_mode mode, const char *base, bool read_all)
{
	const char *path = f->dir;
	opsc_lint_opts opts = { .mode = mode, .base = base, .kinds = { [OPSC_FINDING_POLICY] = true },
				.paths = &path, .npaths = 1, .threads = 1, .read_all = read_all };
	lintfix_run(o, &opts);
}

static void lint(lint_out *o, const gitfix *f, opsc_lint_mode mode)
{
	lint_change(o, f, mode, NULL, false);
}

static void done(lint_out *o)
{
	lintfix_done(o);
}

/* "path:line:col severity rule; ..." of the findings of `rule` (NULL:
 * all). */
static const char *found_rule(const lint_out *o, const char *rule)
{
	static char buf[4096];
	static const char *const sev[] = { "note", "warning", "error" };
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < o->res.findings.len; i++) {
		const opsc_finding *f = &o->res.findings.items[i];
		assert_int_equal(f->kind, OPSC_FINDING_POLICY);
		if (!rule || strcmp(f->rule, rule) == 0)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%u:%u %s %s", n ? "; " : "", f->where.path,
					      f->where.line, f->where.col, sev[f->severity], f->rule);
	}
	return buf;
}

static const char *found(const lint_out *o)
{
	return found_rule(o, NULL);
}

static const opsc_finding *finding(const lint_out *o, const char *rule)
{
	for (uint32_t i = 0; i < o->res.findings.len; i++)
		if (strcmp(o->res.findings.items[i].rule, rule) == 0)
			return &o->res.findings.items[i];
	fail_msg("no %s finding", rule);
	return NULL;
}

/* ------------------------------------------------------------ fixture */

/* The declared side: staging on its own cluster, production on another,
 * one role bound in production, a baseline network policy and a daily
 * backup everywhere. `project_extra` goes inside the project block and
 * `approvals` is production's; `before_production` on the lines above
 * production's block. */
static void write_ops_with(gitfix *f, const char *project_extra, int approvals, const char *before_production)
{
	char ops[2048];
	snprintf(ops, sizeof ops,
		 "project \"shop\" {\n"
		 "  repo = \"acme/shop\"\n"
		 "  reviewers = { \"alice\" = 1001, \"bob\" = 1002 }\n"
		 "%s"
		 "}\n"
		 "\n"
		 "environment \"staging\" {\n"
		 "  cluster = \"lab\"\n"
		 "  namespace = \"shop-staging\"\n"
		 "  protect {\n"
		 "    reviewers = [\"alice\"]\n"
		 "    approvals = 1\n"
		 "    prevent_self_review = true\n"
		 "  }\n"
		 "}\n"
		 "\n"
		 "%s"
		 "environment \"production\" {\n"
		 "  cluster = \"main\"\n"
		 "  namespace = \"shop\"  pod_security = baseline\n"
		 "  protect {\n"
		 "    reviewers = [\"alice\", \"bob\"]\n"
		 "    approvals = %d\n"
		 "    wait = 5m\n"
		 "    branches = [\"main\"]\n"
		 "    prevent_self_review = true\n"
		 "  }\n"
		 "}\n"
		 "\n"
		 "role \"app-developer\" {\n"
		 "  allow {\n"
		 "    groups = [\"apps\"]\n"
		 "    resources = [\"deployments\"]\n"
		 "    verbs = [get, list, watch]\n"
		 "  }\n"
		 "}\n"
		 "\n"
		 "bind role.app-developer {\n"
		 "  to = [group(\"developers\")]\n"
		 "  in = [env.production]\n"
		 "}\n"
		 "\n"
		 "network \"baseline\" {\n"
		 "  in = all\n"
		 "  deny = [ingress, egress]\n"
		 "  allow egress \"dns\" {\n"
		 "    to = [namespace(\"kube-system\")]\n"
		 "    ports = [53/udp, 53/tcp]\n"
		 "  }\n"
		 "}\n"
		 "\n"
		 "backup \"daily\" {\n"
		 "  schedule = \"0 2 * * *\"\n"
		 "  retain = 7d\n"
		 "  in = all\n"
		 "}\n",
		 project_extra, before_production, approvals);
	gitfix_write(f, "policies/shop.ops", ops);
}

static void write_ops(gitfix *f, const char *project_extra, int approvals)
{
	write_ops_with(f, project_extra, approvals, "");
}

static const char namespace_yaml[] = "apiVersion: v1\n"
				     "kind: Namespace\n"
				     "metadata:\n"
				     "  name: %s\n"
				     "  labels:\n"
				     "    opsc.dev/tier: %s\n"
				     "    pod-security.kubernetes.io/enforce: baseline\n";

/* Default deny both ways (line 1), then DNS egress (line 10). */
static const char network_yaml[] = "apiVersion: networking.k8s.io/v1\n"
				   "kind: NetworkPolicy\n"
				   "metadata:\n"
				   "  name: default-deny-all\n"
				   "  namespace: %s\n"
				   "spec:\n"
				   "  podSelector: {}\n"
				   "  policyTypes: [Ingress, Egress]\n"
				   "---\n"
				   "apiVersion: networking.k8s.io/v1\n"
				   "kind: NetworkPolicy\n"
				   "metadata:\n"
				   "  name: allow-dns\n"
				   "  namespace: %s\n"
				   "spec:\n"
				   "  podSelector: {}\n"
				   "  policyTypes: [Egress]\n"
				   "  egress:\n"
				   "    - to:\n"
				   "        - namespaceSelector:\n"
				   "            matchLabels:\n"
				   "              kubernetes.io/metadata.name: kube-system\n"
				   "      ports:\n"
				   "        - port: 53\n"
				   "          protocol: UDP\n";

static const char backup_yaml[] = "apiVersion: velero.io/v1\n"
				  "kind: Schedule\n"
				  "metadata:\n"
				  "  name: daily-%s\n"
				  "  namespace: velero\n"
				  "spec:\n"
				  "  schedule: \"0 2 * * *\"\n"
				  "  template:\n"
				  "    includedNamespaces: [%s]\n"
				  "    ttl: 168h0m0s\n";

/* clusters/CLUSTER/NS/{namespace,network,backup}.yaml */
static void write_namespace(gitfix *f, const char *cluster, const char *ns, const char *tier, bool network)
{
	char path[256], text[2048];
	snprintf(path, sizeof path, "clusters/%s/%s/namespace.yaml", cluster, ns);
	snprintf(text, sizeof text, namespace_yaml, ns, tier);
	gitfix_write(f, path, text);
	if (network) {
		snprintf(path, sizeof path, "clusters/%s/%s/network.yaml", cluster, ns);
		snprintf(text, sizeof text, network_yaml, ns, ns);
		gitfix_write(f, path, text);
	}
	snprintf(path, sizeof path, "clusters/%s/%s/backup.yaml", cluster, ns);
	snprintf(text, sizeof text, backup_yaml, ns, ns);
	gitfix_write(f, path, text);
}

/* The Role the .ops declare, as `opsc build` writes it. */
static const char role_yaml[] = "apiVersion: rbac.authorization.k8s.io/v1\n"
				"kind: ClusterRole\n"
				"metadata:\n"
				"  name: app-developer\n"
				"rules:\n"
				"  - apiGroups: [apps]\n"
				"    resources: [deployments]\n"
				"    verbs: [get, list, watch]\n";

/* Seed 002: "overly permissive RBAC policies (`*` permissions)". */
static const char wildcard_role_yaml[] = "apiVersion: rbac.authorization.k8s.io/v1\n"
					 "kind: ClusterRole\n"
					 "metadata:\n"
					 "  name: app-developer\n"
					 "rules:\n"
					 "  - apiGroups: [apps]\n"
					 "    resources: [deployments]\n"
					 "    verbs: [get, list, watch]\n"
					 "  - apiGroups: [\"\"]\n"
					 "    resources: [secrets]\n"
					 "    verbs: [\"*\"]\n";

static const char cluster_admin_yaml[] = "apiVersion: rbac.authorization.k8s.io/v1\n"
					 "kind: ClusterRoleBinding\n"
					 "metadata:\n"
					 "  name: ops-admin\n"
					 "roleRef:\n"
					 "  apiGroup: rbac.authorization.k8s.io\n"
					 "  kind: ClusterRole\n"
					 "  name: cluster-admin\n"
					 "subjects:\n"
					 "  - kind: Group\n"
					 "    name: ops\n"
					 "    apiGroup: rbac.authorization.k8s.io\n";

static void clean_repository(gitfix *f)
{
	gitfix_init(f);
	write_ops(f, "", 2);
	write_namespace(f, "lab", "shop-staging", "staging", true);
	write_namespace(f, "main", "shop", "production", true);
	gitfix_write(f, "clusters/main/rbac.yaml", role_yaml);
	/* YAML that is not a Kubernetes object is skipped quietly */
	gitfix_write(f, ".github/workflows/ci.yml", "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n");
	gitfix_write(f, "clusters/main/values.yaml", "replicas: 2\n");
}

/* -------------------------------------------------------------- tests */

static void test_lint_policy__clean_repository(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "");
	assert_int_equal(o.res.notes.len, 0);
	done(&o);
	gitfix_dispose(&f);
}

/* Seed 002: a wildcard ClusterRole and a namespace without network
 * policies. The wildcard is found twice: by the built-in policy on the
 * manifests (at the role) and against the declared role (at the rule). */
static void test_lint_policy__seed_002_wildcard_role_and_open_namespace(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/rbac.yaml", wildcard_role_yaml);
	gitfix_remove(&f, "clusters/lab/shop-staging/network.yaml");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	/* the wildcard is a danger, an error; default-deny is readiness, a
	 * warning until the project opts in (rules_adopt.c) */
	assert_string_equal(found(&o), "clusters/lab/shop-staging/namespace.yaml:1:1 warning namespace-without-default-deny; "
				       "clusters/lab/shop-staging/namespace.yaml:1:1 warning network-default-deny; "
				       "clusters/lab/shop-staging/namespace.yaml:1:1 warning network-default-deny; "
				       "clusters/main/rbac.yaml:1:1 error no-wildcard-rbac; "
				       "clusters/main/rbac.yaml:9:5 error role-exceeds-declared");
	const opsc_finding *ns = finding(&o, "namespace-without-default-deny");
	assert_string_equal(ns->message, "namespace shop-staging (environment staging) has, in the manifests, no "
					 "default-deny ingress policy, no default-deny egress policy, no egress to DNS "
					 "(port 53)");
	assert_int_equal(ns->nrelated, 1);
	assert_string_equal(ns->related[0].path, "policies/shop.ops");
	assert_int_equal(ns->related[0].line, 6);
	const opsc_finding *role = finding(&o, "role-exceeds-declared");
	assert_string_equal(role->message,
			    "ClusterRole app-developer grants `*` on secrets, which the declared role app-developer does not");
	assert_string_equal(role->related[0].path, "policies/shop.ops");
	assert_int_equal(role->related[0].line, 28);
	assert_string_equal(finding(&o, "no-wildcard-rbac")->message,
			    "role app-developer grants every verb (`*`): list the verbs it needs, e.g. [get, list, watch]");
	done(&o);
	gitfix_dispose(&f);
}

/* Seed 004: "using cluster-admin everywhere". A binding the .ops do not
 * declare; as the project's break_glass it is allowed. */
static void test_lint_policy__cluster_admin_binding(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/admin.yaml", cluster_admin_yaml);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "clusters/main/admin.yaml:1:1 error no-cluster-admin-binding; "
				       "clusters/main/admin.yaml:1:1 error undeclared-cluster-admin");
	assert_string_equal(finding(&o, "undeclared-cluster-admin")->message,
			    "binding ops-admin grants cluster-admin to ops, but no .ops file declares it");
	done(&o);

	write_ops(&f, "  break_glass = \"ops-admin\"\n", 2);
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_dispose(&f);
}

/* Seed 004: "production can be deployed without review" - one approval. */
static void test_lint_policy__seed_004_production_with_one_approval(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	write_ops(&f, "", 1);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "policies/shop.ops:16:1 warning production-protection"); /* readiness */
	done(&o);
	write_ops(&f, "  rules { readiness = error }\n", 1); /* the project opts in */
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "policies/shop.ops:17:1 error production-protection"); /* a line lower */
	assert_string_equal(o.res.findings.items[0].message,
			    "production environment production needs at least 2 approvals, has 1");
	assert_int_equal(o.res.findings.items[0].nrelated, 0); /* a built-in: no statement in the repository */
	done(&o);
	gitfix_dispose(&f);
}

/* A finding in the .ops is suppressed by an `opsc:ignore[rule] reason`
 * comment above the block it is about, as in YAML; without a reason the
 * finding stays and the comment is reported. */
static void test_lint_policy__ops_inline_suppression(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	write_ops_with(&f, "", 1, "# opsc:ignore[production-protection] a demo cluster, no customer data\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "");
	done(&o);

	write_ops_with(&f, "", 1, "# opsc:ignore[network-default-deny] not the rule of this finding\n");
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "policies/shop.ops:17:1 warning production-protection");
	done(&o);

	write_ops_with(&f, "", 1, "  # opsc:ignore[production-protection]\n");
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "policies/shop.ops:16:5 warning ignore-without-reason; "
				       "policies/shop.ops:17:1 warning production-protection");
	assert_string_equal(finding(&o, "ignore-without-reason")->message,
			    "`opsc:ignore[production-protection]` gives no reason: it suppresses nothing");
	done(&o);
	gitfix_dispose(&f);
}

/* The project re-levels and disables rules of every kind of source. */
static void test_lint_policy__project_relevels(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/admin.yaml", cluster_admin_yaml);
	write_ops(&f, "  rules { no-cluster-admin-binding = warning  undeclared-cluster-admin = off }\n", 2);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "clusters/main/admin.yaml:1:1 warning no-cluster-admin-binding");
	done(&o);
	gitfix_dispose(&f);
}

/* A file that does not parse is one finding; the others are still read. */
static void test_lint_policy__invalid_yaml_is_a_finding_per_file(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/broken.yaml", "a: [1, 2\nb: c\n");
	gitfix_write(&f, "clusters/main/tabs.yml", "a:\n\tb: c\n");
	gitfix_write(&f, "clusters/main/rbac.yaml", wildcard_role_yaml);
	/* a Helm template is YAML only once rendered: a note, not a finding */
	gitfix_write(&f, "charts/app/templates/deploy.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
		     "spec:\n  {{- if .Values.replicas }}\n  replicas: {{ .Values.replicas }}\n  {{- end }}\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_int_equal(o.res.notes.len, 1);
	assert_string_equal(o.res.notes.items[0].path, "charts/app/templates/deploy.yaml");
	assert_string_equal(found(&o), "clusters/main/broken.yaml:2:2 error invalid-yaml; "
				       "clusters/main/rbac.yaml:1:1 error no-wildcard-rbac; "
				       "clusters/main/rbac.yaml:9:5 error role-exceeds-declared; "
				       "clusters/main/tabs.yml:2:1 error invalid-yaml");
	assert_string_equal(finding(&o, "invalid-yaml")->message,
			    "not valid YAML: syntax error: did not find expected ',' or ']' (while parsing a flow "
			    "sequence that started at line 1)");
	done(&o);
	gitfix_dispose(&f);
}

/* network-selector-matches on the manifests: a namespaceSelector whose
 * labels no Namespace has. */
static void test_lint_policy__selector_matching_no_namespace(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/shop/monitoring.yaml",
		     "apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata:\n"
		     "  name: allow-monitoring\n"
		     "  namespace: shop\n"
		     "spec:\n"
		     "  podSelector: {}\n"
		     "  ingress:\n"
		     "    - from:\n"
		     "        - namespaceSelector:\n"
		     "            matchLabels:\n"
		     "              opsc.dev/tier: production\n"
		     "        - namespaceSelector:\n"
		     "            matchLabels:\n"
		     "              team: monitoring\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "clusters/main/shop/monitoring.yaml:13:11 warning network-selector-matches");
	assert_string_equal(o.res.findings.items[0].message, "network policy allow-monitoring (ingress) selects "
							     "namespaces labelled { team = monitoring }, which no environment has");
	done(&o);
	gitfix_dispose(&f);
}

/* --staged reads every manifest of the index, not only the changed ones,
 * and none of the working tree. */
static void test_lint_policy__staged_reads_the_whole_index(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	const char *paths[] = { "policies/shop.ops", "clusters/lab/shop-staging/namespace.yaml",
				"clusters/lab/shop-staging/network.yaml", "clusters/lab/shop-staging/backup.yaml",
				"clusters/main/shop/namespace.yaml", "clusters/main/shop/network.yaml",
				"clusters/main/shop/backup.yaml", "clusters/main/rbac.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	gitfix_commit(&f, "shop", "Alice", 1700000000, NULL);
	gitfix_write(&f, "clusters/main/admin.yaml", cluster_admin_yaml); /* not staged */
	gitfix_write(&f, "clusters/main/rbac.yaml", wildcard_role_yaml);
	gitfix_add(&f, "clusters/main/rbac.yaml");
	lint_out o;
	lint(&o, &f, OPSC_LINT_STAGED);
	assert_string_equal(found(&o), "clusters/main/rbac.yaml:1:1 error no-wildcard-rbac; "
				       "clusters/main/rbac.yaml:9:5 error role-exceeds-declared");
	done(&o);
	gitfix_dispose(&f);
}

/* --staged reports what the commit brings: a violation committed earlier
 * is not the author's to fix, and a commit of files no policy reads (a
 * ConfigMap) does not need the index read at all. */
static void test_lint_policy__staged_reports_only_the_commit(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/rbac.yaml", wildcard_role_yaml);
	const char *paths[] = { "policies/shop.ops", "clusters/lab/shop-staging/namespace.yaml",
				"clusters/lab/shop-staging/network.yaml", "clusters/lab/shop-staging/backup.yaml",
				"clusters/main/shop/namespace.yaml", "clusters/main/shop/network.yaml",
				"clusters/main/shop/backup.yaml", "clusters/main/rbac.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	gitfix_commit(&f, "shop, with a wildcard role", "Alice", 1700000000, NULL);
	gitfix_write(&f, "clusters/main/config.yaml",
		     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n");
	gitfix_add(&f, "clusters/main/config.yaml");
	lint_out o;
	lint(&o, &f, OPSC_LINT_STAGED);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_write(&f, "clusters/main/admin.yaml", cluster_admin_yaml);
	gitfix_add(&f, "clusters/main/admin.yaml");
	lint(&o, &f, OPSC_LINT_STAGED);
	assert_string_equal(found(&o), "clusters/main/admin.yaml:1:1 error no-cluster-admin-binding; "
				       "clusters/main/admin.yaml:1:1 error undeclared-cluster-admin");
	done(&o);
	gitfix_dispose(&f);
}

/* A change of workloads only is checked on the manifests naming their
 * namespaces, unless a policy compares workloads with each other: this
 * one needs the Deployment of another namespace, committed before. */
static const char web_yaml[] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: %s\n"
			       "spec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
			       "          image: nginx:1.27\n";

static void test_lint_policy__workload_change_with_a_policy_across_namespaces(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "policies/unique.ops",
		     "policy \"unique-workload-names\" {\n"
		     "  severity = error\n"
		     "  for w in workloads {\n"
		     "    require count(x in workloads where x.name == w.name) == 1 : \"${w.name} is not unique\"\n"
		     "  }\n"
		     "}\n");
	char text[512], base[41];
	snprintf(text, sizeof text, web_yaml, "shop");
	gitfix_write(&f, "clusters/main/shop/web.yaml", text);
	const char *paths[] = { "policies/shop.ops", "policies/unique.ops", "clusters/lab/shop-staging/namespace.yaml",
				"clusters/lab/shop-staging/network.yaml", "clusters/lab/shop-staging/backup.yaml",
				"clusters/main/shop/namespace.yaml", "clusters/main/shop/network.yaml",
				"clusters/main/shop/backup.yaml", "clusters/main/rbac.yaml", "clusters/main/shop/web.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	gitfix_commit(&f, "shop", "Alice", 1700000000, base);
	snprintf(text, sizeof text, web_yaml, "shop-staging");
	gitfix_write(&f, "clusters/lab/shop-staging/web.yaml", text);
	gitfix_add(&f, "clusters/lab/shop-staging/web.yaml");
	const char *path = f.dir;
	opsc_lint_opts opts = { .mode = OPSC_LINT_STAGED, .kinds = { [OPSC_FINDING_POLICY] = true },
				.paths = &path, .npaths = 1, .threads = 1 };
	for (int mode = 0; mode < 2; mode++) {
		opts.mode = mode ? OPSC_LINT_BASE : OPSC_LINT_STAGED;
		opts.base = mode ? base : NULL;
		lint_out o;
		lintfix_run(&o, &opts);
		const opsc_finding *u = finding(&o, "unique-workload-names");
		assert_string_equal(u->where.path, "clusters/lab/shop-staging/web.yaml");
		assert_int_equal(u->where.line, 1);
		assert_string_equal(u->message, "web is not unique");
		done(&o);
	}
	gitfix_dispose(&f);
}

/* A kustomization gives the changed Deployment its namespace, whose Pod
 * Security level allows privileged pods: --base must read it, though the
 * Deployment does not name the namespace. */
static void test_lint_policy__workload_change_under_a_kustomization(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "agents/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nodes\n  labels:\n"
						 "    pod-security.kubernetes.io/enforce: privileged\n");
	gitfix_write(&f, "agents/kustomization.yaml", "namespace: nodes\nresources:\n  - namespace.yaml\n  - agent.yaml\n");
	const char *agent = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n"
			    "    spec:\n      containers:\n        - name: agent\n          image: agent:1.0\n%s";
	char text[512], base[41];
	snprintf(text, sizeof text, agent, "");
	gitfix_write(&f, "agents/agent.yaml", text);
	const char *paths[] = { "policies/shop.ops", "agents/namespace.yaml", "agents/kustomization.yaml",
				"agents/agent.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	gitfix_commit(&f, "agents", "Alice", 1700000000, base);
	snprintf(text, sizeof text, agent, "          securityContext:\n            privileged: true\n");
	gitfix_write(&f, "agents/agent.yaml", text);
	gitfix_add(&f, "agents/agent.yaml");
	const char *path = f.dir;
	opsc_lint_opts opts = { .mode = OPSC_LINT_BASE, .base = base, .kinds = { [OPSC_FINDING_POLICY] = true },
				.paths = &path, .npaths = 1, .threads = 1 };
	lint_out o;
	lintfix_run(&o, &opts);
	assert_null(strstr(found(&o), "workload-privileged"));
	done(&o);
	gitfix_dispose(&f);
}

/* A policy the .ops breaks is reported at the .ops line, not again in the
 * manifest opsc generated from it; the same breach hand-written is kept. */
static void test_lint_policy__generated_files_do_not_repeat_the_ops(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "policies/wide.ops",
		     "role \"wide\" {\n  cluster = true\n  allow { resources = [\"secrets\"]  verbs = [\"*\"] }\n}\n");
	static const char wide_yaml[] = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
					"metadata:\n  name: wide\nrules:\n- apiGroups: [\"\"]\n"
					"  resources: [secrets]\n  verbs: [\"*\"]\n";
	char generated[512];
	snprintf(generated, sizeof generated, "# Generated by opsc from policies/wide.ops.\n%s", wide_yaml);
	gitfix_write(&f, "clusters/main/cluster/rbac.yaml", generated);
	gitfix_write(&f, "manual/wide.yaml", wide_yaml);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "manual/wide.yaml:1:1 error no-wildcard-rbac; "
				       "policies/wide.ops:1:1 error no-wildcard-rbac");
	done(&o);
	gitfix_dispose(&f);
}

/* Workloads: each finding at the line of the value it is about; an
 * `opsc:ignore[rule] reason` silences its rule on the line below, one
 * without a reason silences nothing and is reported itself. */
static const char workload_yaml[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: web\n"
	"  namespace: apps\n"
	"spec:\n"
	"  template:\n"
	"    spec:\n"
	"      serviceAccountName: web\n"
	"      # opsc:ignore[workload-host-namespaces] the ingress binds the node's ports\n"
	"      hostNetwork: true\n"
	"      containers:\n"
	"        - name: nginx\n"
	"          image: nginx:latest\n"
	"          securityContext:\n"
	"            privileged: true  # opsc:ignore[workload-privileged]\n"
	"            allowPrivilegeEscalation: false\n"
	"            runAsNonRoot: true\n"
	"            capabilities:\n"
	"              add: [NET_ADMIN, CHOWN]\n"
	"          resources:\n"
	"            requests: {cpu: 100m, memory: 64Mi}\n"
	"            limits: {cpu: 200m, memory: 128Mi}\n"
	"          livenessProbe: {tcpSocket: {port: 80}}\n"
	"          readinessProbe: {tcpSocket: {port: 80}}\n"
	"      volumes:\n"
	"        - name: host\n"
	"          hostPath: {path: /var/run}\n";

static void test_lint_policy__workloads_located_and_suppressed(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/web.yaml", workload_yaml);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	assert_string_equal(found(&o), "clusters/main/web.yaml:14:18 error workload-image-tag; "
				       "clusters/main/web.yaml:16:25 error workload-privileged; "
				       "clusters/main/web.yaml:16:33 warning ignore-without-reason; "
				       "clusters/main/web.yaml:20:21 error workload-capabilities; "
				       "clusters/main/web.yaml:28:28 error workload-host-path");
	assert_string_equal(finding(&o, "workload-capabilities")->message,
			    "Deployment web: container nginx adds capability NET_ADMIN");
	done(&o);
	gitfix_dispose(&f);
}

/* In a namespace enforcing Pod Security `privileged` the baseline-level
 * rules are silent; a `restricted` one forbids even CHOWN. Requests over
 * the namespace's quota are a finding at the quota (first) and at the
 * requests. */
static void test_lint_policy__workloads_pod_security_and_quota(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/apps.yaml",
		     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels:\n"
		     "    pod-security.kubernetes.io/enforce: privileged\n---\n"
		     "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\n  namespace: apps\n"
		     "spec:\n  hard:\n    requests.cpu: 50m\n");
	gitfix_write(&f, "clusters/main/web.yaml", workload_yaml);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE);
	const char *got = found(&o);
	assert_null(strstr(got, "workload-privileged"));
	assert_null(strstr(got, "workload-capabilities"));
	assert_null(strstr(got, "workload-host-path"));
	assert_non_null(strstr(got, "clusters/main/web.yaml:14:18 error workload-image-tag"));
	assert_string_equal(finding(&o, "workload-quota")->message,
			    "namespace apps: workloads request 100m CPU, the quota allows 50m");
	done(&o);
	gitfix_dispose(&f);
}

/* A quota breach is reported at the quota and at every line of the
 * namespace's workloads that adds to the sum, so that --base of a change
 * adding a workload, or raising one's replicas, reports the breach at the
 * lines it adds; the workload already there is not the change's. */
static const char quota_yaml[] = "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\n"
				 "  namespace: shop\nspec:\n  hard:\n    requests.cpu: 300m\n";
static const char api_yaml[] = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\n"
			       "spec:\n  replicas: %d\n  template:\n    spec:\n      containers:\n        - name: api\n"
			       "          image: api:1.0\n          resources:\n            requests: {cpu: 100m}\n";

static void test_lint_policy__quota_at_the_workloads_that_raise_it(void **state)
{
	(void)state;
	gitfix f;
	clean_repository(&f);
	gitfix_write(&f, "clusters/main/shop/quota.yaml", quota_yaml);
	char text[512], base[41];
	snprintf(text, sizeof text, api_yaml, 2); /* 200m of 300m */
	gitfix_write(&f, "clusters/main/shop/api.yaml", text);
	const char *paths[] = { "policies/shop.ops", "clusters/lab/shop-staging/namespace.yaml",
				"clusters/lab/shop-staging/network.yaml", "clusters/lab/shop-staging/backup.yaml",
				"clusters/main/shop/namespace.yaml", "clusters/main/shop/network.yaml",
				"clusters/main/shop/backup.yaml", "clusters/main/rbac.yaml", "clusters/main/shop/quota.yaml",
				"clusters/main/shop/api.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	gitfix_commit(&f, "shop", "Alice", 1700000000, base);
	lint_out o;
	lint_change(&o, &f, OPSC_LINT_WORKTREE, NULL, false);
	assert_string_equal(found_rule(&o, "workload-quota"), "");
	done(&o);

	/* a Deployment added: 200m + 200m */
	snprintf(text, sizeof text, api_yaml, 2);
	char *web = strstr(text, "name: api"), *c = strstr(text, "- name: api");
	memcpy(web, "name: web", 9);
	memcpy(c, "- name: web", 11);
	gitfix_write(&f, "clusters/main/shop/web.yaml", text);
	gitfix_add(&f, "clusters/main/shop/web.yaml");
	lint_change(&o, &f, OPSC_LINT_WORKTREE, NULL, false);
	assert_string_equal(found_rule(&o, "workload-quota"),
			    "clusters/main/shop/api.yaml:7:13 warning workload-quota; "
			    "clusters/main/shop/api.yaml:14:29 warning workload-quota; "
			    "clusters/main/shop/quota.yaml:8:19 warning workload-quota; "
			    "clusters/main/shop/web.yaml:7:13 warning workload-quota; "
			    "clusters/main/shop/web.yaml:14:29 warning workload-quota");
	assert_string_equal(finding(&o, "workload-quota")->message,
			    "Deployment api: 2 replicas; in namespace shop workloads request 400m CPU, the quota allows 300m");
	done(&o);
	lint_change(&o, &f, OPSC_LINT_BASE, base, false);
	assert_string_equal(found_rule(&o, "workload-quota"), "clusters/main/shop/web.yaml:7:13 warning workload-quota; "
							      "clusters/main/shop/web.yaml:14:29 warning workload-quota");
	assert_string_equal(finding(&o, "workload-quota")->message,
			    "Deployment web: 2 replicas; in namespace shop workloads request 400m CPU, the quota allows 300m");
	done(&o);

	/* instead, the Deployment there scaled: 400m, at the replica count */
	gitfix_remove(&f, "clusters/main/shop/web.yaml");
	snprintf(text, sizeof text, api_yaml, 4);
	gitfix_write(&f, "clusters/main/shop/api.yaml", text);
	gitfix_add(&f, "clusters/main/shop/api.yaml");
	lint_change(&o, &f, OPSC_LINT_BASE, base, false);
	assert_string_equal(found_rule(&o, "workload-quota"), "clusters/main/shop/api.yaml:7:13 warning workload-quota");
	done(&o);
	lint_change(&o, &f, OPSC_LINT_WORKTREE, NULL, false);
	assert_string_equal(found_rule(&o, "workload-quota"),
			    "clusters/main/shop/api.yaml:7:13 warning workload-quota; "
			    "clusters/main/shop/api.yaml:14:29 warning workload-quota; "
			    "clusters/main/shop/quota.yaml:8:19 warning workload-quota");
	done(&o);
	gitfix_dispose(&f);
}

/* Findings, their related locations and messages as one string, to
 * compare two runs. */
static const char *described(const lint_out *o)
{
	static char buf[8192];
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < o->res.findings.len && n < sizeof buf; i++) {
		const opsc_finding *f = &o->res.findings.items[i];
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s:%u:%u %s %s", f->where.path, f->where.line,
				      f->where.col, f->rule, f->message);
		for (uint32_t r = 0; r < f->nrelated && n < sizeof buf; r++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " [%s:%u %s]", f->related[r].path,
					      f->related[r].line, f->related[r].message ? f->related[r].message : "");
		if (n < sizeof buf)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\n");
	}
	return buf;
}

static bool has_note(const lint_out *o, const char *path)
{
	for (uint32_t i = 0; i < o->res.notes.len; i++)
		if (strcmp(o->res.notes.items[i].path, path) == 0)
			return true;
	return false;
}

/* A tree applied as Flux applies it: a Flux Kustomization at apps/ with
 * postBuild substitution, apps/kustomization.yaml over two teams, each
 * setting its namespace; team a's quota and workloads name no namespace. */
static void write_flux_tree(gitfix *f, const char *web_cpu)
{
	gitfix_write(f, "clusters/flux/apps.yaml",
		     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n"
		     "  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n"
		     "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
		     "  postBuild:\n    substitute:\n      TAG: latest\n---\n"
		     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: infra\n"
		     "  namespace: flux-system\nspec:\n  path: ./infra\n  sourceRef:\n    kind: GitRepository\n"
		     "    name: flux-system\n");
	gitfix_write(f, "infra/ingress.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress\n"
					      "  namespace: ingress\nspec:\n  template:\n    spec:\n      containers:\n"
					      "        - name: ingress\n          image: ingress:latest\n");
	gitfix_write(f, "apps/kustomization.yaml", "resources:\n  - team-a\n  - team-b\n");
	gitfix_write(f, "apps/replicas.yaml", "- op: replace\n  path: /spec/replicas\n  value: 2\n");
	gitfix_write(f, "apps/team-a/kustomization.yaml",
		     "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\n"
		     "commonLabels:\n  team: a\npatches:\n  - path: ../replicas.yaml\n    target:\n      kind: Deployment\n"
		     "resources:\n  - namespace.yaml\n  - quota.yaml\n  - web.yaml\n  - api.yaml\n");
	gitfix_write(f, "apps/team-a/namespace.yaml",
		     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n"
		     "    pod-security.kubernetes.io/enforce: baseline\n");
	gitfix_write(f, "apps/team-a/quota.yaml",
		     "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\nspec:\n  hard:\n    requests.cpu: 300m\n");
	const char *deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: 1\n"
			     "  template:\n    spec:\n      serviceAccountName: %s\n      securityContext: {runAsUser: 0}\n"
			     "      containers:\n        - name: %s\n          image: registry.example.com/%s:${TAG}\n"
			     "          resources:\n            requests: {cpu: %s}\n";
	char text[1024];
	snprintf(text, sizeof text, deploy, "web", "web", "web", "web", web_cpu);
	gitfix_write(f, "apps/team-a/web.yaml", text);
	snprintf(text, sizeof text, deploy, "api", "api", "api", "api", "50m");
	gitfix_write(f, "apps/team-a/api.yaml", text);
	gitfix_write(f, "apps/team-b/kustomization.yaml", "namespace: other\npatches:\n  - path: ../replicas.yaml\n"
							 "    target:\n      kind: Deployment\n"
							 "resources:\n  - db.yaml\n  - chart.yaml\n");
	snprintf(text, sizeof text, deploy, "db", "db", "db", "db", "50m");
	gitfix_write(f, "apps/team-b/db.yaml", text);
	/* a template: a note when parsed */
	gitfix_write(f, "apps/team-b/chart.yaml", "apiVersion: v1\nkind: ConfigMap\n{{ include \"db.labels\" . }}\n");
}

/* A change of one workload in that tree reads team a's chain and files
 * only (team b's and infra/ are not parsed: no note for team b's template,
 * nor one saying Flux's infra/ is not in the repository), and finds what
 * reading every manifest finds, with --staged and with --base: the quota
 * only the kustomization puts in the namespace, the tag only Flux's
 * substitution writes, the root user the namespace's level allows. */
static void test_lint_policy__workload_change_through_kustomizations(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	write_flux_tree(&f, "50m"); /* (50m + 50m) x 2 replicas, of 300m */
	static const char *const paths[] = { "clusters/flux/apps.yaml", "infra/ingress.yaml", "apps/kustomization.yaml",
					     "apps/replicas.yaml",
					     "apps/team-a/kustomization.yaml", "apps/team-a/namespace.yaml",
					     "apps/team-a/quota.yaml", "apps/team-a/web.yaml", "apps/team-a/api.yaml",
					     "apps/team-b/kustomization.yaml", "apps/team-b/db.yaml",
					     "apps/team-b/chart.yaml" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	char base[41];
	gitfix_commit(&f, "apps", "Alice", 1700000000, base);
	write_flux_tree(&f, "150m"); /* (150m + 50m) x 2: over */
	gitfix_add(&f, "apps/team-a/web.yaml");
	static const char *const want[2] = {
		"apps/team-a/web.yaml:13:18 workload-image-tag; apps/team-a/web.yaml:15:29 workload-quota",
		"apps/team-a/web.yaml:15:29 workload-quota",
	};
	for (int m = 0; m < 2; m++) {
		opsc_lint_mode mode = m ? OPSC_LINT_BASE : OPSC_LINT_STAGED;
		lint_out part, all;
		lint_change(&part, &f, mode, m ? base : NULL, false);
		lint_change(&all, &f, mode, m ? base : NULL, true);
		char *got = opsc_strdup(described(&part));
		assert_string_equal(got, described(&all));
		opsc_free(got);
		char rules[512] = "";
		for (uint32_t i = 0; i < part.res.findings.len; i++) {
			const opsc_finding *x = &part.res.findings.items[i];
			if (strcmp(x->rule, "workload-image-tag") == 0 || strcmp(x->rule, "workload-quota") == 0 ||
			    strcmp(x->rule, "workload-run-as-root") == 0)
				snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%s%s:%u:%u %s",
					 rules[0] ? "; " : "", x->where.path, x->where.line, x->where.col, x->rule);
		}
		assert_string_equal(rules, want[m]);
		assert_false(has_note(&part, "apps/team-b/chart.yaml"));
		assert_false(has_note(&part, "clusters/flux/apps.yaml"));
		assert_true(has_note(&all, "apps/team-b/chart.yaml"));
		done(&part);
		done(&all);
	}
	gitfix_dispose(&f);
}

/* What the set cannot follow (a generator reading a file) makes every
 * manifest read: the note for team b's template is there. */
static void test_lint_policy__workload_change_under_a_generator_reads_all(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	write_flux_tree(&f, "50m");
	gitfix_write(&f, "apps/team-b/kustomization.yaml",
		     "namespace: other\nresources:\n  - db.yaml\nconfigMapGenerator:\n  - name: db\n    files: [db.conf]\n");
	gitfix_write(&f, "apps/team-b/db.conf", "max_connections = 10\n");
	static const char *const paths[] = { "clusters/flux/apps.yaml", "infra/ingress.yaml", "apps/kustomization.yaml",
					     "apps/replicas.yaml",
					     "apps/team-a/kustomization.yaml", "apps/team-a/namespace.yaml",
					     "apps/team-a/quota.yaml", "apps/team-a/web.yaml", "apps/team-a/api.yaml",
					     "apps/team-b/kustomization.yaml", "apps/team-b/db.yaml",
					     "apps/team-b/chart.yaml", "apps/team-b/db.conf" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
		gitfix_add(&f, paths[i]);
	char base[41];
	gitfix_commit(&f, "apps", "Alice", 1700000000, base);
	gitfix_write(&f, "apps/team-a/web.yaml",
		     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
		     "      containers:\n        - name: web\n          image: web:latest\n");
	gitfix_add(&f, "apps/team-a/web.yaml");
	lint_out o;
	lint_change(&o, &f, OPSC_LINT_STAGED, NULL, false);
	assert_true(has_note(&o, "apps/team-b/chart.yaml"));
	assert_non_null(strstr(found_rule(&o, "workload-image-tag"), "apps/team-a/web.yaml:10:18 error workload-image-tag"));
	done(&o);
	gitfix_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_policy__generated_files_do_not_repeat_the_ops),
		cmocka_unit_test(test_lint_policy__staged_reports_only_the_commit),
		cmocka_unit_test(test_lint_policy__workload_change_with_a_policy_across_namespaces),
		cmocka_unit_test(test_lint_policy__workload_change_under_a_kustomization),
		cmocka_unit_test(test_lint_policy__clean_repository),
		cmocka_unit_test(test_lint_policy__seed_002_wildcard_role_and_open_namespace),
		cmocka_unit_test(test_lint_policy__cluster_admin_binding),
		cmocka_unit_test(test_lint_policy__seed_004_production_with_one_approval),
		cmocka_unit_test(test_lint_policy__project_relevels),
		cmocka_unit_test(test_lint_policy__ops_inline_suppression),
		cmocka_unit_test(test_lint_policy__invalid_yaml_is_a_finding_per_file),
		cmocka_unit_test(test_lint_policy__selector_matching_no_namespace),
		cmocka_unit_test(test_lint_policy__staged_reads_the_whole_index),
		cmocka_unit_test(test_lint_policy__workloads_located_and_suppressed),
		cmocka_unit_test(test_lint_policy__workloads_pod_security_and_quota),
		cmocka_unit_test(test_lint_policy__quota_at_the_workloads_that_raise_it),
		cmocka_unit_test(test_lint_policy__workload_change_through_kustomizations),
		cmocka_unit_test(test_lint_policy__workload_change_under_a_generator_reads_all),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
