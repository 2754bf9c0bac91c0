#include "testutil.h"

#include <string.h>

#include "actual_kust.h"

/* ------------------------------------------------------------ helpers */

static opsc_yamldoc_node *parse(opsc_arena *arena, const char *text)
{
	opsc_yamldoc_stream s;
	assert_int_equal(opsc_yamldoc_parse(&s, arena, "t.yaml", text, strlen(text), 1 << 20), 0);
	assert_int_equal(s.nerrors, 0);
	assert_int_equal(s.ndocs, 1);
	return s.docs[0];
}

static const char *at(const opsc_yamldoc_node *n, const char *path)
{
	const char *s = opsc_yamldoc_str(opsc_yamldoc_path(n, path));
	return s ? s : "(none)";
}

/* The Model of in-memory files (path, text, path, text, ..., NULL). */
static void render(opsc_ctx *ctx, opsc_model *m, opsc_actual_origins *origins, const char *const *files)
{
	opsc_ctx_init(ctx);
	opsc_actual *a = opsc_actual_new(ctx);
	for (const char *const *f = files; *f; f += 2)
		assert_int_equal(opsc_actual_add_text(a, f[0], f[1], strlen(f[1])), 0);
	opsc_actual_render(a, origins);
	opsc_actual_finish(a, m);
}

typedef struct {
	const opsc_yamldoc_node *docs[16];
	uint32_t n;
} objects;

static void collect(void *user, const opsc_yamldoc_node *doc)
{
	objects *o = user;
	assert_true(o->n < 16);
	o->docs[o->n++] = doc;
}

/* The objects the kustomization in `dir` renders to (opsc __render). */
static int render_dir(opsc_ctx *ctx, const char *dir, objects *out, const char *const *files)
{
	opsc_ctx_init(ctx);
	opsc_actual *a = opsc_actual_new(ctx);
	for (const char *const *f = files; *f; f += 2)
		assert_int_equal(opsc_actual_add_text(a, f[0], f[1], strlen(f[1])), 0);
	out->n = 0;
	int n = opsc_actual_render_dir(a, dir, collect, out);
	if (n >= 0)
		assert_int_equal(n, (int)out->n);
	opsc_actual_free(a);
	return n;
}

static const opsc_yamldoc_node *of_kind(const objects *o, const char *kind)
{
	for (uint32_t i = 0; i < o->n; i++)
		if (strcmp(at(o->docs[i], "kind"), kind) == 0)
			return o->docs[i];
	return NULL;
}

static const opsc_env *env_named(const opsc_model *m, const char *ns)
{
	for (uint32_t i = 0; i < m->nenvs; i++)
		if (strcmp(m->envs[i].namespace_.s, ns) == 0)
			return &m->envs[i];
	return NULL;
}

static const char *diag_codes(const opsc_ctx *ctx)
{
	static char buf[1024];
	size_t used = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < ctx->diags.items.len; i++) {
		const opsc_diag *d = &ctx->diags.items.items[i];
		const opsc_source *src = opsc_sources_get(&ctx->sources, d->span.file);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s:%u %s: %s\n", src ? src->path : "-",
					 d->span.line, d->code, d->message);
	}
	return buf;
}

/* -------------------------------------------------------------- paths */

static void test_actual_kust__join(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	assert_string_equal(opsc_kust_join(arena, "apps/prod", "../base/./deploy.yaml"), "apps/base/deploy.yaml");
	assert_string_equal(opsc_kust_join(arena, "", "./a/b/"), "a/b");
	assert_string_equal(opsc_kust_join(arena, "a", "/top.yaml"), "top.yaml");
	assert_null(opsc_kust_join(arena, "a", "../../out.yaml")); /* out of the tree */
	assert_string_equal(opsc_kust_dir(arena, "a/b/kustomization.yaml"), "a/b");
	assert_string_equal(opsc_kust_dir(arena, "kustomization.yaml"), "");
	opsc_arena_free(arena);
}

/* ------------------------------------------------------------ patches */

static const char DEPLOY[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: web, labels: {app: web, old: x}}\n"
	"spec:\n"
	"  replicas: 1\n"
	"  template:\n"
	"    spec:\n"
	"      containers:\n"
	"        - {name: web, image: web:1, args: [--a]}\n"
	"        - {name: side, image: side:1}\n";

static void test_actual_kust__strategic_merge(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_yamldoc_node *base = opsc_kn_copy(arena, parse(arena, DEPLOY), 0);
	const opsc_yamldoc_node *patch = parse(arena,
		"metadata: {labels: {old: null, new: y}}\n"
		"spec:\n"
		"  template:\n"
		"    spec:\n"
		"      containers:\n"
		"        - {name: web, image: web:2, args: [--b]}\n"
		"        - {name: side, $patch: delete}\n"
		"        - {name: extra, image: extra:1}\n");
	opsc_yamldoc_node *out = opsc_kn_merge(arena, base, patch, 0);
	assert_string_equal(at(out, "metadata.labels.app"), "web");
	assert_string_equal(at(out, "metadata.labels.new"), "y");
	assert_null(opsc_yamldoc_path(out, "metadata.labels.old")); /* `key: null` removes it */
	const opsc_yamldoc_node *cs = opsc_yamldoc_path(out, "spec.template.spec.containers");
	assert_int_equal(cs->sequence.len, 2); /* merged by name, side deleted, extra added */
	assert_string_equal(at(cs, "0.image"), "web:2");
	assert_string_equal(at(cs, "0.args.0"), "--b"); /* a list without a merge key is replaced */
	assert_int_equal(opsc_yamldoc_path(cs, "0.args")->sequence.len, 1);
	assert_string_equal(at(cs, "1.name"), "extra");
	assert_string_equal(at(out, "spec.replicas"), "1");
	/* the tree as written is untouched */
	assert_string_equal(at(parse(arena, DEPLOY), "spec.template.spec.containers.0.image"), "web:1");
	assert_null(opsc_kn_merge(arena, out, parse(arena, "$patch: delete\n"), 0));
	opsc_arena_free(arena);
}

static void test_actual_kust__json6902(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_yamldoc_node *doc = opsc_kn_copy(arena, parse(arena, DEPLOY), 0);
	const opsc_yamldoc_node *bad = NULL;
	const char *err = opsc_kn_json6902(arena, &doc, parse(arena,
		"- {op: add, path: /spec/template/spec/containers/0/args/-, value: --c}\n"
		"- {op: replace, path: /spec/replicas, value: 3}\n"
		"- {op: remove, path: /spec/template/spec/containers/1}\n"
		"- {op: copy, from: /metadata/name, path: /metadata/labels/copied}\n"
		"- {op: move, from: /metadata/labels/old, path: /metadata/labels/moved}\n"
		"- {op: add, path: /metadata/labels/a~1b, value: slash}\n"
		"- {op: test, path: /spec/replicas, value: 3}\n"), &bad);
	assert_null(err);
	assert_string_equal(at(doc, "spec.template.spec.containers.0.args.1"), "--c");
	assert_string_equal(at(doc, "spec.replicas"), "3");
	assert_int_equal(opsc_yamldoc_path(doc, "spec.template.spec.containers")->sequence.len, 1);
	assert_string_equal(at(doc, "metadata.labels.copied"), "web");
	assert_string_equal(at(doc, "metadata.labels.moved"), "x");
	assert_null(opsc_yamldoc_path(doc, "metadata.labels.old"));
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_get(opsc_yamldoc_path(doc, "metadata.labels"), "a/b")), "slash");
	const opsc_yamldoc_node *ops = parse(arena, "- {op: add, path: /spec/x, value: 1}\n"
						    "- {op: replace, path: /spec/nope, value: 1}\n");
	assert_string_equal(opsc_kn_json6902(arena, &doc, ops, &bad), "the path does not exist");
	assert_ptr_equal(bad, ops->sequence.items[1]);
	assert_string_equal(opsc_kn_json6902(arena, &doc, parse(arena, "- {op: test, path: /spec/replicas, value: 4}\n"), &bad),
			    "the test does not hold");
	assert_string_equal(opsc_kn_json6902(arena, &doc, parse(arena, "- {op: add, path: spec, value: 4}\n"), &bad),
			    "`path` is not a JSON pointer (it starts with /)");
	opsc_arena_free(arena);
}

/* ---------------------------------------------------------- rendering */

static void test_actual_kust__namespace_prefix_refs(void **state)
{
	(void)state;
	static const char *const files[] = {
		"app/kustomization.yaml",
		"namespace: prod\n"
		"namePrefix: p-\n"
		"resources: [ns.yaml, rbac.yaml]\n",
		"app/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: _}\n",
		"app/rbac.yaml",
		"apiVersion: rbac.authorization.k8s.io/v1\n"
		"kind: Role\n"
		"metadata: {name: reader}\n"
		"rules: [{apiGroups: [\"\"], resources: [pods], verbs: [get]}]\n"
		"---\n"
		"apiVersion: rbac.authorization.k8s.io/v1\n"
		"kind: RoleBinding\n"
		"metadata: {name: read}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
		"subjects: [{kind: ServiceAccount, name: default}, {kind: ServiceAccount, name: bot, namespace: dev},\n"
		"           {kind: ServiceAccount, name: other, namespace: dev}]\n"
		"---\n"
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: bot}\n",
		"loose.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: loose}\n",
		NULL,
	};
	opsc_ctx ctx;
	opsc_model m;
	opsc_actual_origins og;
	render(&ctx, &m, &og, files);
	assert_string_equal(diag_codes(&ctx), "");
	assert_int_equal(m.nenvs, 2); /* `_` renamed to prod (not prefixed), loose as written */
	const opsc_env *prod = env_named(&m, "prod");
	assert_non_null(prod);
	assert_non_null(env_named(&m, "loose"));
	assert_string_equal(opsc_sources_get(&ctx.sources, prod->span.file)->path, "app/ns.yaml");
	assert_int_equal(prod->span.line, 1); /* where the object is written */
	assert_int_equal(m.nbindings, 1);
	assert_string_equal(m.bindings[0].name.s, "p-read");
	assert_string_equal(m.bindings[0].role_name.s, "p-reader"); /* roleRef renamed with the Role */
	assert_non_null(m.bindings[0].role);
	assert_ptr_equal(m.bindings[0].envs[0], prod);
	assert_string_equal(m.bindings[0].subjects[0].namespace_.s, "prod"); /* `default` follows */
	assert_string_equal(m.bindings[0].subjects[1].namespace_.s, "prod"); /* an account it holds follows */
	assert_string_equal(m.bindings[0].subjects[1].name.s, "p-bot"); /* renamed with it */
	assert_string_equal(m.bindings[0].subjects[2].namespace_.s, "dev"); /* not one of its objects */
	assert_string_equal(m.bindings[0].subjects[2].name.s, "other");
	/* the binding's document: rendered by the kustomization's namespace line */
	const opsc_actual_origin *o[4];
	assert_int_equal(opsc_actual_origins_at(&og, m.bindings[0].span, o, 4), 1);
	assert_string_equal(o[0]->what, "namespace, namePrefix/nameSuffix, references renamed");
	assert_string_equal(opsc_sources_get(&ctx.sources, o[0]->by.file)->path, "app/kustomization.yaml");
	assert_int_equal(o[0]->by.line, 1);
	assert_int_equal(opsc_actual_origins_at(&og, env_named(&m, "loose")->span, o, 4), 0);
	opsc_ctx_dispose(&ctx);
}

static void test_actual_kust__errors(void **state)
{
	(void)state;
	static const char *const files[] = {
		"a/kustomization.yaml", "resources: [missing.yaml, ../b]\n",
		"b/kustomization.yaml", "resources: [../a]\n",
		"c/kustomization.yaml", "resources: [https://github.com/x/y//base]\npatches: [{path: nope.yaml}]\n",
		NULL,
	};
	opsc_ctx ctx;
	opsc_model m;
	render(&ctx, &m, NULL, files);
	assert_string_equal(diag_codes(&ctx),
			    "c/kustomization.yaml:1 kustomize-note: remote resource https://github.com/x/y//base is not fetched: its objects are not checked\n"
			    "c/kustomization.yaml:2 invalid-kustomization: patch `nope.yaml` not found\n"
			    "a/kustomization.yaml:1 invalid-kustomization: resource `missing.yaml` not found: no such YAML file, nor a directory with a kustomization\n"
			    "b/kustomization.yaml:1 invalid-kustomization: kustomization cycle: a/kustomization.yaml is already being rendered\n");
	opsc_ctx_dispose(&ctx);
}

static void test_actual_kust__flux_substitution(void **state)
{
	(void)state;
	static const char *const files[] = {
		"clusters/ks.yaml",
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
		"kind: Kustomization\n"
		"metadata: {name: apps, namespace: flux-system}\n"
		"spec:\n"
		"  path: ./apps\n"
		"  targetNamespace: team\n"
		"  postBuild:\n"
		"    substitute: {ROLE: admin, EMPTY: \"\"}\n"
		"    substituteFrom: [{kind: ConfigMap, name: vars}, {kind: Secret, name: sec}]\n",
		"clusters/vars.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars}\ndata: {ROLE: view, SUFFIX: x}\n",
		"clusters/sec.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: sec}\ndata: {SUFFIX: eQ==}\n",
		"apps/rbac.yaml",
		"apiVersion: rbac.authorization.k8s.io/v1\n"
		"kind: RoleBinding\n"
		"metadata: {name: \"b-${SUFFIX}-${EMPTY:-d}-${EMPTY-e}-${UNSET:=u}-${UNSET}-$${LIT}\"}\n"
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: \"${ROLE}\"}\n"
		"subjects: [{kind: Group, name: g}]\n",
		NULL,
	};
	opsc_ctx ctx;
	opsc_model m;
	opsc_actual_origins og;
	render(&ctx, &m, &og, files);
	assert_string_equal(diag_codes(&ctx), "");
	assert_int_equal(m.nbindings, 1);
	/* the Secret's base64 `y` over the ConfigMap's x: later sources win */
	assert_string_equal(m.bindings[0].name.s, "b-y-d--u--${LIT}");
	assert_string_equal(m.bindings[0].role_name.s, "admin"); /* substitute over substituteFrom */
	assert_string_equal(m.bindings[0].envs[0]->namespace_.s, "team");
	const opsc_actual_origin *o[4];
	assert_int_equal(opsc_actual_origins_at(&og, m.bindings[0].span, o, 4), 1);
	assert_string_equal(o[0]->what, "postBuild substitution, targetNamespace");
	opsc_ctx_dispose(&ctx);
}

/* A substituteFrom source that is not in the repository: a note, and what
 * it may set stays as written. */
static void test_actual_kust__flux_missing_source(void **state)
{
	(void)state;
	static const char *const files[] = {
		"ks.yaml",
		"apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
		"kind: Kustomization\n"
		"metadata: {name: apps}\n"
		"spec:\n"
		"  path: ./apps\n"
		"  postBuild: {substituteFrom: [{kind: Secret, name: cluster-secrets}]}\n",
		"apps/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"${NS}\"}\n",
		"apps/nested/kustomization.yaml", "namespace: inner\nresources: [ns.yaml]\n",
		"apps/nested/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"${X:=x}\"}\n",
		NULL,
	};
	opsc_ctx ctx;
	opsc_model m;
	render(&ctx, &m, NULL, files);
	assert_string_equal(diag_codes(&ctx),
			    "ks.yaml:1 kustomize-note: postBuild.substituteFrom Secret cluster-secrets is not in the repository: "
			    "the variables it may set are left as written\n");
	assert_non_null(env_named(&m, "${NS}"));
	assert_non_null(env_named(&m, "inner")); /* the sub-directory's kustomization, then substitution */
	assert_int_equal(m.nenvs, 2);
	opsc_ctx_dispose(&ctx);
}

/* A base whose aliases expand to 81,000 nodes, under twenty overlays with
 * a budget of a million nodes (OPSC_KUST_COPY_BUDGET is eight): the copies
 * stop at the budget with one error, and nothing crashes. */
static void test_actual_kust__copy_budget(void **state)
{
	(void)state;
	static const char base[] =
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n"
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: [*d, *d, *d, *d, *d, *d, *d]\n";
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_actual *a = opsc_actual_new(&ctx);
	assert_int_equal(opsc_actual_add_text(a, "base/big.yaml", base, strlen(base)), 0);
	assert_int_equal(opsc_actual_add_text(a, "base/kustomization.yaml", "resources: [big.yaml]\n", 22), 0);
	a->kust->budget = 1000 * 1000;
	for (int i = 0; i < 20; i++) {
		char path[64], text[64];
		snprintf(path, sizeof path, "o%d/kustomization.yaml", i);
		snprintf(text, sizeof text, "namespace: n%d\nresources: [../base]\n", i);
		assert_int_equal(opsc_actual_add_text(a, path, text, strlen(text)), 0);
	}
	opsc_model m;
	opsc_actual_finish(a, &m);
	uint32_t over = 0;
	for (uint32_t i = 0; i < ctx.diags.items.len; i++)
		over += strstr(ctx.diags.items.items[i].message, "rendering copies more than") != NULL;
	if (over != 1)
		fprintf(stderr, "%s", diag_codes(&ctx));
	assert_int_equal(over, 1);
	opsc_ctx_dispose(&ctx);
}

/* kubectl's own test vectors (pkg/kubectl/util/hash), which kustomize's
 * generators share: name "", the data as the object holds it. */
static void test_actual_kust__name_hash(void **state)
{
	(void)state;
	opsc_arena *arena = opsc_arena_new();
	opsc_kv one[] = { { { "one", OPSC_NO_SPAN }, { "", OPSC_NO_SPAN } } };
	opsc_kv three[] = { { { "two", OPSC_NO_SPAN }, { "2", OPSC_NO_SPAN } },
			    { { "one", OPSC_NO_SPAN }, { "", OPSC_NO_SPAN } },
			    { { "three", OPSC_NO_SPAN }, { "3", OPSC_NO_SPAN } } };
	assert_string_equal(opsc_kust_name_hash(arena, "ConfigMap", NULL, 0, NULL), "42745tchd9");
	assert_string_equal(opsc_kust_name_hash(arena, "ConfigMap", one, 1, NULL), "9g67k2htb6");
	assert_string_equal(opsc_kust_name_hash(arena, "ConfigMap", three, 3, NULL), "f5h7t85m9b");
	assert_string_equal(opsc_kust_name_hash(arena, "Secret", one, 1, "my-type"), "74bd68bm66");
	opsc_arena_free(arena);
}

/* The hash kustomize 5 appends (kubectl kustomize, v5.5): over the data
 * and an empty name, so the same under any prefix; a reference follows it. */
static void test_actual_kust__generated_name(void **state)
{
	(void)state;
	const char *const files[] = {
		"base/kustomization.yaml", "resources: [pod.yaml]\n"
		"configMapGenerator: [{name: web-config, literals: [LOG_LEVEL=info]}]\n",
		"base/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
		"spec: {containers: [{name: c, envFrom: [{configMapRef: {name: web-config}}]}]}\n",
		"prod/kustomization.yaml", "namePrefix: prod-\nresources: [../base]\n",
		NULL,
	};
	opsc_ctx ctx;
	objects o;
	render_dir(&ctx, "prod", &o, files);
	assert_int_equal(o.n, 2);
	assert_string_equal(at(of_kind(&o, "ConfigMap"), "metadata.name"), "prod-web-config-hf678c7m2b");
	assert_string_equal(at(of_kind(&o, "Pod"), "spec.containers.0.envFrom.0.configMapRef.name"),
			    "prod-web-config-hf678c7m2b");
	opsc_ctx_dispose(&ctx);
	render_dir(&ctx, "base", &o, files);
	assert_string_equal(at(of_kind(&o, "ConfigMap"), "metadata.name"), "web-config-hf678c7m2b");
	opsc_ctx_dispose(&ctx);
	assert_int_equal(render_dir(&ctx, "", &o, files), -1); /* no kustomization at the top */
	opsc_ctx_dispose(&ctx);
}

/* An overlay's generator with `behavior: merge` or `replace` changes the
 * base's object; the names and hashes are kubectl kustomize's (v5.5.0). */
static void test_actual_kust__generator_behavior(void **state)
{
	(void)state;
	const char *const files[] = {
		"base/kustomization.yaml", "resources: [pod.yaml]\n"
		"configMapGenerator: [{name: web-config, literals: [LOG_LEVEL=info, MODE=a]}]\n"
		"secretGenerator: [{name: creds, literals: [k=v1]}]\n",
		"base/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n"
		"spec: {containers: [{name: c, envFrom: [{configMapRef: {name: web-config}}, {secretRef: {name: creds}}]}]}\n",
		"prod/kustomization.yaml", "namePrefix: prod-\nresources: [../base]\n"
		"configMapGenerator: [{name: web-config, behavior: merge, literals: [LOG_LEVEL=debug]}]\n"
		"secretGenerator: [{name: creds, behavior: replace, literals: [k=v2]}]\n",
		"bad/kustomization.yaml", "configMapGenerator: [{name: nothere, behavior: merge, literals: [a=b]}]\n",
		NULL,
	};
	opsc_ctx ctx;
	objects o;
	render_dir(&ctx, "prod", &o, files);
	assert_int_equal(o.n, 3);
	const opsc_yamldoc_node *cm = of_kind(&o, "ConfigMap"), *secret = of_kind(&o, "Secret");
	assert_string_equal(at(cm, "metadata.name"), "prod-web-config-hgg7hgc86c");
	assert_string_equal(at(cm, "data.LOG_LEVEL"), "debug");
	assert_string_equal(at(cm, "data.MODE"), "a");
	assert_string_equal(at(secret, "metadata.name"), "prod-creds-g92gf54fb5");
	assert_string_equal(at(secret, "data.k"), "djI=");
	assert_string_equal(at(secret, "type"), "Opaque");
	assert_string_equal(at(of_kind(&o, "Pod"), "spec.containers.0.envFrom.0.configMapRef.name"),
			    "prod-web-config-hgg7hgc86c");
	assert_string_equal(at(of_kind(&o, "Pod"), "spec.containers.0.envFrom.1.secretRef.name"), "prod-creds-g92gf54fb5");
	opsc_ctx_dispose(&ctx);
	render_dir(&ctx, "bad", &o, files);
	assert_int_equal(o.n, 0);
	assert_string_equal(diag_codes(&ctx), "bad/kustomization.yaml:1 invalid-kustomization: behavior `merge` needs a "
					      "ConfigMap `nothere` generated by a resource of this kustomization\n");
	opsc_ctx_dispose(&ctx);
}

/* A value an inline patch sets keeps its YAML type (`3` a number, as
 * kustomize writes it) while its span is a point at the patch. */
static void test_actual_kust__patch_types(void **state)
{
	(void)state;
	const char *const files[] = {
		"k/kustomization.yaml", "resources: [d.yaml]\npatches:\n- target: {kind: Deployment}\n  patch: |-\n"
		"    - op: replace\n      path: /spec/replicas\n      value: 3\n"
		"    - op: add\n      path: /spec/paused\n      value: \"true\"\n",
		"k/d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n",
		NULL,
	};
	opsc_ctx ctx;
	objects o;
	render_dir(&ctx, "k", &o, files);
	assert_int_equal(o.n, 1);
	const opsc_yamldoc_node *r = opsc_yamldoc_path(o.docs[0], "spec.replicas");
	assert_string_equal(opsc_yamldoc_str(r), "3");
	assert_int_equal(r->scalar.style, OPSC_YAMLDOC_PLAIN);
	assert_true(r->point);
	assert_int_equal(opsc_yamldoc_path(o.docs[0], "spec.paused")->scalar.style, OPSC_YAMLDOC_DOUBLE_QUOTED);
	opsc_ctx_dispose(&ctx);
}

/* Labels and annotations where kustomize's field specs put them: a pod
 * template's annotations too, a NetworkPolicy's empty podSelector left
 * alone (create: false); images only in containers; replicas only on kinds
 * that have them; a targeted strategic merge keeps the object's name. */
static void test_actual_kust__field_specs(void **state)
{
	(void)state;
	const char *const files[] = {
		"k/kustomization.yaml", "resources: [o.yaml]\ncommonLabels: {team: a}\ncommonAnnotations: {owner: b}\n"
		"images: [{name: nginx, newTag: \"2\"}]\nreplicas: [{name: web, count: 2}, {name: ds, count: 2}]\n"
		"patches:\n- target: {kind: Service}\n  patch: |-\n    kind: Service\n    metadata: {name: other}\n"
		"    spec: {type: NodePort}\n",
		"k/o.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
		"spec: {template: {spec: {containers: [{name: c, image: nginx}]}}}\n---\n"
		"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec: {template: {spec: {containers: []}}}\n---\n"
		"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {podSelector: {}}\n---\n"
		"apiVersion: v1\nkind: Service\nmetadata: {name: svc}\nspec: {ports: [{port: 80}]}\n---\n"
		"apiVersion: example.com/v1\nkind: App\nmetadata: {name: app}\nspec: {image: nginx}\n",
		NULL,
	};
	opsc_ctx ctx;
	objects o;
	render_dir(&ctx, "k", &o, files);
	assert_int_equal(o.n, 5);
	const opsc_yamldoc_node *d = of_kind(&o, "Deployment");
	assert_string_equal(at(d, "spec.template.metadata.annotations.owner"), "b");
	assert_string_equal(at(d, "spec.selector.matchLabels.team"), "a");
	assert_string_equal(at(d, "spec.template.spec.containers.0.image"), "nginx:2");
	assert_string_equal(at(d, "spec.replicas"), "2");
	assert_string_equal(at(of_kind(&o, "DaemonSet"), "spec.replicas"), "(none)");
	assert_string_equal(at(of_kind(&o, "NetworkPolicy"), "metadata.labels.team"), "a");
	assert_null(opsc_yamldoc_path(of_kind(&o, "NetworkPolicy"), "spec.podSelector.matchLabels"));
	assert_string_equal(at(of_kind(&o, "Service"), "metadata.name"), "svc");
	assert_string_equal(at(of_kind(&o, "Service"), "spec.type"), "NodePort");
	assert_string_equal(at(of_kind(&o, "Service"), "spec.selector.team"), "a");
	assert_string_equal(at(of_kind(&o, "App"), "spec.image"), "nginx");
	opsc_ctx_dispose(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actual_kust__join),
		cmocka_unit_test(test_actual_kust__name_hash),
		cmocka_unit_test(test_actual_kust__generated_name),
		cmocka_unit_test(test_actual_kust__generator_behavior),
		cmocka_unit_test(test_actual_kust__patch_types),
		cmocka_unit_test(test_actual_kust__field_specs),
		cmocka_unit_test(test_actual_kust__copy_budget),
		cmocka_unit_test(test_actual_kust__strategic_merge),
		cmocka_unit_test(test_actual_kust__json6902),
		cmocka_unit_test(test_actual_kust__namespace_prefix_refs),
		cmocka_unit_test(test_actual_kust__errors),
		cmocka_unit_test(test_actual_kust__flux_substitution),
		cmocka_unit_test(test_actual_kust__flux_missing_source),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
