#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "policy.h"

/*
 * Policies are parsed from .ops text; the Model is built by hand with every
 * node's span pointing into a manifest (manifests/cluster.yaml), the way the
 * actual Model read from YAML is: findings must land on those lines.
 */
static const char manifest[] =
	"kind: Namespace # staging\n"		  /* 1 */
	"kind: Namespace # production\n"	  /* 2 */
	"kind: ClusterRole # app-developer\n"	  /* 3 */
	"kind: ClusterRole # admin\n"		  /* 4 */
	"kind: ClusterRole # ops\n"		  /* 5 */
	"kind: ClusterRoleBinding # bob-admin\n"  /* 6 */
	"kind: Schedule # daily\n"		  /* 7 */
	"kind: PrometheusRule # HighErrorRate\n" /* 8 */
	"kind: PrometheusRule # NoRunbook\n";	  /* 9 */

typedef struct {
	opsc_ctx ctx;
	opsc_program prog;
	uint32_t yaml;
	opsc_model model;
	opsc_policy policies[16];
	uint32_t npolicies;
	char *out; /* findings, one per line */
	size_t outlen;
	FILE *f;
} fixture;

static opsc_span line_span(fixture *fx, uint32_t line)
{
	const opsc_source *src = opsc_sources_get(&fx->ctx.sources, fx->yaml);
	uint32_t start = src->line_starts[line - 1], end = start;
	while (end < src->len && src->text[end] != '\n')
		end++;
	return opsc_source_span(&fx->ctx.sources, fx->yaml, start, end);
}

static opsc_str S(const char *s) { return (opsc_str){ s, OPSC_NO_SPAN }; }

static opsc_strs strs(fixture *fx, const char *const *items, uint32_t n)
{
	opsc_str *out = opsc_arena_alloc(fx->ctx.arena, (n ? n : 1) * sizeof *out);
	for (uint32_t i = 0; i < n; i++)
		out[i] = S(items[i]);
	return (opsc_strs){ out, n };
}

#define STRS(fx, ...) strs(fx, (const char *const[]){ __VA_ARGS__ }, sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

static void build_envs(fixture *fx, opsc_model *m)
{
	m->nenvs = 2;
	m->envs = opsc_arena_alloc(fx->ctx.arena, 2 * sizeof *m->envs);
	opsc_env *st = &m->envs[0], *pr = &m->envs[1];
	*st = (opsc_env){ .span = line_span(fx, 1), .name = S("staging"), .namespace_ = S("vmshift-staging") };
	st->protect = (opsc_protect){ .present = true, .approvals = 1, .reviewers = STRS(fx, "@acme/platform"),
				      .branches = STRS(fx, "develop") };
	*pr = (opsc_env){ .span = line_span(fx, 2), .name = S("production"), .production = true };
	pr->protect = (opsc_protect){ .present = true, .approvals = 1, .wait_s = 300,
				      .branches = STRS(fx, "main", "release/*") };
}

static void build_rbac(fixture *fx, opsc_model *m)
{
	static const char *const names[] = { "app-developer", "admin", "ops" };
	m->nroles = 3;
	m->roles = opsc_arena_alloc(fx->ctx.arena, 3 * sizeof *m->roles);
	for (uint32_t i = 0; i < 3; i++) {
		opsc_rbac_rule *r = opsc_arena_alloc(fx->ctx.arena, sizeof *r);
		r->api_groups = STRS(fx, "apps", "");
		r->resources = i == 1 ? STRS(fx, "*") : STRS(fx, "deployments", "pods");
		r->verbs = i == 0 ? STRS(fx, "get", "list") : i == 1 ? STRS(fx, "*") : STRS(fx, "get", "*");
		m->roles[i] = (opsc_role){ .span = line_span(fx, 3 + i), .name = S(names[i]), .cluster = true,
					   .rules = r, .nrules = 1 };
	}
	opsc_subject *bob = opsc_arena_alloc(fx->ctx.arena, sizeof *bob);
	*bob = (opsc_subject){ .kind = OPSC_SUBJECT_USER, .name = S("bob") };
	m->nbindings = 1;
	m->bindings = opsc_arena_alloc(fx->ctx.arena, sizeof *m->bindings);
	m->bindings[0] = (opsc_binding){ .span = line_span(fx, 6), .name = S("bob-admin"),
					 .role_name = S("cluster-admin"), .subjects = bob, .nsubjects = 1 };
}

static void build_ops(fixture *fx, opsc_model *m)
{
	const struct opsc_env **in = opsc_arena_alloc(fx->ctx.arena, sizeof *in);
	in[0] = &m->envs[0];
	m->nbackups = 1;
	m->backups = opsc_arena_alloc(fx->ctx.arena, sizeof *m->backups);
	m->backups[0] = (opsc_backup){ .span = line_span(fx, 7), .name = S("daily"), .schedule = S("0 2 * * *"),
				       .retain_s = 7 * 86400, .envs = in, .nenvs = 1 };
	m->nalerts = 2;
	m->alerts = opsc_arena_alloc(fx->ctx.arena, 2 * sizeof *m->alerts);
	m->alerts[0] = (opsc_alert){ .span = line_span(fx, 8), .name = S("HighErrorRate"), .for_s = 300,
				     .severity = S("warning"), .summary = S("High error rate"),
				     .runbook = S("https://runbooks.example/high-error-rate") };
	m->alerts[1] = (opsc_alert){ .span = line_span(fx, 9), .name = S("NoRunbook"), .severity = S("critical"),
				     .summary = S("Something") };
	m->has_project = true;
	m->project = (opsc_project){ .name = S("vmshift"), .break_glass = S("emergency-admin") };
}

static opsc_severity severity_of(const opsc_block *b)
{
	for (uint32_t i = 0; i < b->body.len; i++) {
		const opsc_stmt *s = &b->body.items[i];
		if (s->kind == OPSC_STMT_ATTR && strcmp(s->attr.name, "severity") == 0)
			return strcmp(s->attr.value->ident, "warning") == 0 ? OPSC_SEV_WARNING
			     : strcmp(s->attr.value->ident, "note") == 0  ? OPSC_SEV_NOTE
									   : OPSC_SEV_ERROR;
	}
	return OPSC_SEV_ERROR;
}

/* The policies of `ops` as sema would record them: name, severity, body. */
static void setup(fixture *fx, const char *ops)
{
	memset(fx, 0, sizeof *fx);
	opsc_ctx_init(&fx->ctx);
	assert_int_equal(opsc_load_text(&fx->prog, &fx->ctx, "policies/t.ops", ops, strlen(ops)), 0);
	assert_int_equal(fx->ctx.diags.errors, 0);
	fx->yaml = opsc_sources_add(&fx->ctx.sources, "manifests/cluster.yaml", manifest, strlen(manifest), false);
	const opsc_body *body = &fx->prog.modules[0].ast.body;
	for (uint32_t i = 0; i < body->len; i++) {
		const opsc_stmt *s = &body->items[i];
		if (s->kind != OPSC_STMT_BLOCK || strcmp(s->block->type, "policy") != 0)
			continue;
		fx->policies[fx->npolicies++] = (opsc_policy){
			.span = s->span, .name = { s->block->labels[0].text, s->block->labels[0].span },
			.severity = severity_of(s->block), .body = s->block->body.items, .nbody = s->block->body.len,
		};
	}
	build_envs(fx, &fx->model);
	build_rbac(fx, &fx->model);
	build_ops(fx, &fx->model);
	fx->model.policies = fx->policies;
	fx->model.npolicies = fx->npolicies;
	fx->f = open_memstream(&fx->out, &fx->outlen);
}

static void teardown(fixture *fx)
{
	if (fx->f)
		fclose(fx->f);
	free(fx->out);
	opsc_ctx_dispose(&fx->ctx);
}

static const char *const sev_names[] = { "note", "warning", "error" };

/* "rule severity file:line:col: message [stmt line:col]" */
static int collect(void *user, const opsc_policy_finding *f)
{
	fixture *fx = user;
	const opsc_source *src = opsc_sources_get(&fx->ctx.sources, f->where.file);
	fprintf(fx->f, "%s %s %s:%u:%u: %s [%u:%u]\n", f->rule, sev_names[f->severity], src ? src->path : "-",
		f->where.line, f->where.col, f->message, f->stmt.line, f->stmt.col);
	return 0;
}

static const char *findings(fixture *fx)
{
	fflush(fx->f);
	return fx->out ? fx->out : "";
}

static void eval_all_policies(fixture *fx)
{
	for (uint32_t i = 0; i < fx->npolicies; i++)
		assert_int_equal(opsc_policy_eval(&fx->ctx, &fx->model, &fx->policies[i], collect, fx), 0);
}

/* ------------------------------------------------------------------ tests */

static void test_policy_eval__for_where_require_interpolated(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"production-review\" {\n"
		   "  severity = warning\n"
		   "  for e in environments where e.production {\n"
		   "    require e.protect.approvals >= 2 : \"${e.name} needs two approvals, has ${e.protect.approvals}\"\n"
		   "    require e.protect.wait >= 5m\n"
		   "    require e.protect.wait >= 10m\n"
		   "  }\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "production-review warning manifests/cluster.yaml:2:1: production needs two approvals, has 1 [4:5]\n"
			    "production-review warning manifests/cluster.yaml:2:1: requirement not met: "
			    "`e.protect.wait >= 10m` (environment `production`) [6:5]\n");
	assert_int_equal(fx.ctx.diags.errors, 0);
	teardown(&fx);
}

static void test_policy_eval__deny_any_reports_each_offender(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"no-wildcard-rbac\" {\n"
		   "  deny any(r in roles : contains(r.verbs, \"*\")) : \"role ${r.name} grants every verb: ${r.verbs}\"\n"
		   "  require !any(r in roles where r.cluster : contains(r.resources, \"*\"))\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "no-wildcard-rbac error manifests/cluster.yaml:4:1: role admin grants every verb: [*] [2:3]\n"
			    "no-wildcard-rbac error manifests/cluster.yaml:5:1: role ops grants every verb: [get, *] [2:3]\n"
			    "no-wildcard-rbac error manifests/cluster.yaml:4:1: requirement not met: "
			    "`!any(r in roles where r.cluster : contains(r.resources, \"*\"))` (role `admin`) [3:3]\n");
	teardown(&fx);
}

static void test_policy_eval__all_none_count_and_project(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"alert-runbook\" {\n"
		   "  require all(a in alerts where a.severity == critical : a.runbook != null) : \"alert ${a.name} has no runbook\"\n"
		   "  require all(a in alerts : a.summary != null)\n"
		   "}\n"
		   "policy \"cluster-admin\" {\n"
		   "  require none(b in bindings : b.role_name == \"cluster-admin\" && b.name != project.break_glass)"
		   " : \"${b.name} binds cluster-admin to ${b.to[0].kind} ${b.to[0].name}\"\n"
		   "}\n"
		   "policy \"counts\" {\n"
		   "  require count(r in roles where contains(r.verbs, \"get\")) == 3 : \"three roles can get\"\n"
		   "  require count(r in roles where contains(r.verbs, \"get\") : r.name != \"admin\") == 2\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "alert-runbook error manifests/cluster.yaml:9:1: alert NoRunbook has no runbook [2:3]\n"
			    "cluster-admin error manifests/cluster.yaml:6:1: bob-admin binds cluster-admin to user bob [6:3]\n"
			    "counts error policies/t.ops:9:3: three roles can get [9:3]\n");
	assert_int_equal(fx.ctx.diags.errors, 0);
	teardown(&fx);
}

static void test_policy_eval__nested_for_and_record_equality(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"backup-coverage\" {\n"
		   "  for e in environments {\n"
		   "    require count(b in backups where contains(b.envs, e)) >= 1 : \"${e.name} is not backed up\"\n"
		   "    for b in backups where contains(b.envs, e) {\n"
		   "      require b.retain >= 14d : \"${b.name} keeps ${e.name} for ${b.retain} only\"\n"
		   "    }\n"
		   "  }\n"
		   "  require contains(backup.daily.envs, env.staging) : \"references\"\n"
		   "  deny contains(backup.daily.envs, env.production) : \"references\"\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "backup-coverage error manifests/cluster.yaml:7:1: daily keeps staging for 7d only [5:7]\n"
			    "backup-coverage error manifests/cluster.yaml:2:1: production is not backed up [3:5]\n");
	teardown(&fx);
}

static void test_policy_eval__strings_functions_and_elements(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"branches\" {\n"
		   "  for e in environments {\n"
		   "    require all(br in e.protect.branches : br == \"main\" || startswith(br, \"release/\"))"
		   " : \"${e.name} deploys from ${br}\"\n"
		   "    require endswith(e.name, \"ion\") && len(e.name) == 10 : \"name ${e.name}\"\n"
		   "  }\n"
		   "  deny any(r in roles : r.name =~ \"^adm\" && !(r.name !~ \"min$\")) : \"regex ${r.name}\"\n"
		   "  require contains(\"vmshift-staging\", \"staging\") && len(roles) == 3 : \"never\"\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "branches error manifests/cluster.yaml:1:1: staging deploys from develop [3:5]\n"
			    "branches error manifests/cluster.yaml:1:1: name staging [4:5]\n"
			    "branches error manifests/cluster.yaml:4:1: regex admin [6:3]\n");
	teardown(&fx);
}

static void test_policy_eval__substrings_and_label_selectors(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"labels\" {\n"
		   "  for e in environments {\n"
		   "    require contains(e.name, \"tag\") : \"${e.name}: name\"\n"
		   "    require matches({ team = \"core\" }, e.labels) : \"${e.name} is not core\"\n"
		   "    deny matches({}, e.labels) && len(e.labels) == 0 : \"${e.name} has no labels\"\n"
		   "  }\n"
		   "  require matches({ team = core, tier = \"web\" }, env.staging.labels) : \"two labels\"\n"
		   "  require matches(env.staging.labels, { tier = \"web\", team = \"core\" }) : \"never\"\n"
		   "  require matches({ team = \"core\" }, { team = \"Core\" }) : \"case matters\"\n"
		   "}\n");
	opsc_kv *kv = opsc_arena_alloc(fx.ctx.arena, sizeof *kv);
	*kv = (opsc_kv){ S("team"), S("core") };
	fx.model.envs[0].labels = (opsc_kvs){ kv, 1 };
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "labels error manifests/cluster.yaml:2:1: production: name [3:5]\n"
			    "labels error manifests/cluster.yaml:2:1: production is not core [4:5]\n"
			    "labels error manifests/cluster.yaml:2:1: production has no labels [5:5]\n"
			    "labels error policies/t.ops:7:3: two labels [7:3]\n"
			    "labels error policies/t.ops:9:3: case matters [9:3]\n");
	assert_int_equal(fx.ctx.diags.errors, 0);
	teardown(&fx);
}

static void test_policy_eval__matches_needs_maps(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"bad\" {\n"
		   "  require matches(env.staging.name, env.staging.labels)\n"
		   "  require matches({ n = 5 }, env.staging.labels)\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx), "");
	assert_int_equal(fx.ctx.diags.errors, 2);
	assert_string_equal(fx.ctx.diags.items.items[0].message, "matches() needs maps, found a string");
	assert_string_equal(fx.ctx.diags.items.items[1].message, "a label value is a string, found a number");
	teardown(&fx);
}

static void test_policy_eval__units_percentages_and_arithmetic(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"units\" {\n"
		   "  require 80% > 75% && 1h30m == 90m && 64Gi > 500m && 2 == 2000m && 0.5 * 100 == 50%\n"
		   "  require env.production.protect.wait * 2 == 10m && env.production.protect.wait + 1m == 360s\n"
		   "  require -5m < 0s && 7d / 1d == 7 && 1w == 7d\n"
		   "  deny 1h30m == 90m : \"${1h30m} is ${90m}\"\n"
		   "  deny 2 * 1h > 1h : \"two hours: ${2 * 1h}, ${80%} ${64Gi}\"\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx),
			    "units error policies/t.ops:5:3: 1h30m is 90m [5:3]\n"
			    "units error policies/t.ops:6:3: two hours: 2h, 80 64Gi [6:3]\n");
	assert_int_equal(fx.ctx.diags.errors, 0);
	teardown(&fx);
}

static char *render(fixture *fx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_render_opts ro = { false };
	opsc_diag_render_text(out, &fx->ctx.sources, &fx->ctx.diags, &ro);
	fclose(out);
	return buf;
}

static void test_policy_eval__runtime_errors_are_diagnostics(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"broken\" {\n"
		   "  for e in environments {\n"
		   "    require e.protect.branches[2] == \"main\"\n"
		   "    require len(roles) / 0 > 1\n"
		   "    require e.protect.wait > 3\n"
		   "    require e.colour == \"red\"\n"
		   "  }\n"
		   "}\n");
	eval_all_policies(&fx);
	assert_string_equal(findings(&fx), "");
	assert_int_equal(fx.ctx.diags.errors, 4);
	char *text = render(&fx);
	assert_string_equal(text,
			    "policies/t.ops:3:32: error: index 2 is out of range: the list has 1 item\n"
			    " 3 |     require e.protect.branches[2] == \"main\"\n"
			    "   |                                ^\n"
			    "policies/t.ops:1:1: note: while evaluating policy `broken` (environment `staging`)\n"
			    " 1 | policy \"broken\" {\n"
			    "   | ^\n"
			    "policies/t.ops:4:13: error: division by zero\n"
			    " 4 |     require len(roles) / 0 > 1\n"
			    "   |             ^~~~~~~~~~~~~~\n"
			    "policies/t.ops:1:1: note: while evaluating policy `broken` (environment `staging`)\n"
			    " 1 | policy \"broken\" {\n"
			    "   | ^\n"
			    "policies/t.ops:5:13: error: cannot compare duration with number\n"
			    " 5 |     require e.protect.wait > 3\n"
			    "   |             ^~~~~~~~~~~~~~~~~~\n"
			    "policies/t.ops:1:1: note: while evaluating policy `broken` (environment `staging`)\n"
			    " 1 | policy \"broken\" {\n"
			    "   | ^\n"
			    "policies/t.ops:6:13: error: environment has no field `colour`\n"
			    " 6 |     require e.colour == \"red\"\n"
			    "   |             ^~~~~~~~\n"
			    "policies/t.ops:1:1: note: while evaluating policy `broken` (environment `staging`)\n"
			    " 1 | policy \"broken\" {\n"
			    "   | ^\n");
	free(text);
	teardown(&fx);
}

static void test_policy_eval__project_relevels_and_disables(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"production-review\" {\n"
		   "  severity = error\n"
		   "  for e in environments where e.production { require e.protect.approvals >= 2 : \"two\" }\n"
		   "}\n"
		   "policy \"no-wildcard-rbac\" {\n"
		   "  deny any(r in roles : contains(r.verbs, \"*\")) : \"wildcard\"\n"
		   "}\n"
		   "policy \"alert-runbook\" {\n"
		   "  severity = warning\n"
		   "  require all(a in alerts : a.runbook != null) : \"runbook\"\n"
		   "}\n");
	opsc_rule_setting settings[] = {
		{ .rule = S("production-review"), .severity = OPSC_SEV_NOTE },
		{ .rule = S("no-wildcard-rbac"), .disabled = true },
	};
	fx.model.project.rules = settings;
	fx.model.project.nrules = 2;
	/* The actual Model (from manifests) has no project: the declared one's rules apply. */
	opsc_model actual = fx.model;
	actual.has_project = false;
	actual.policies = NULL;
	actual.npolicies = 0;
	assert_int_equal(opsc_policy_eval_all(&fx.ctx, &fx.model, &actual, collect, &fx), 0);
	assert_string_equal(findings(&fx),
			    "production-review note manifests/cluster.yaml:2:1: two [3:46]\n"
			    "alert-runbook warning manifests/cluster.yaml:9:1: runbook [10:3]\n");
	teardown(&fx);
}

static int stop_after_one(void *user, const opsc_policy_finding *f)
{
	(void)f;
	(*(int *)user)++;
	return 1;
}

static void test_policy_eval__callback_stops(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"p\" {\n"
		   "  for r in roles { deny true : \"x\" }\n"
		   "}\n");
	int calls = 0;
	assert_int_equal(opsc_policy_eval(&fx.ctx, &fx.model, &fx.policies[0], stop_after_one, &calls), 1);
	assert_int_equal(calls, 1);
	teardown(&fx);
}

static void test_policy_eval__field_table(void **state)
{
	(void)state;
	const opsc_policy_field *f = opsc_policy_field_find(OPSC_REC_PROTECT, "wait");
	assert_non_null(f);
	assert_int_equal(f->type.base, OPSC_PT_DURATION);
	f = opsc_policy_field_find(OPSC_REC_BACKUP, "envs");
	assert_int_equal(f->type.base, OPSC_PT_LIST);
	assert_int_equal(f->type.elem, OPSC_PT_RECORD);
	assert_int_equal(f->type.record, OPSC_REC_ENV);
	assert_null(opsc_policy_field_find(OPSC_REC_ENV, "colour"));
	assert_int_equal(opsc_policy_collection_find("networks"), 3);
	assert_int_equal(opsc_policy_collection_find("network"), -1);
	uint32_t n;
	const opsc_policy_field *all = opsc_policy_fields(&n);
	for (uint32_t i = 0; i < n; i++) {
		assert_non_null(all[i].get);
		if (all[i].type.base == OPSC_PT_RECORD || all[i].type.elem == OPSC_PT_RECORD)
			assert_true(all[i].type.record < OPSC_REC_COUNT);
		/* the lookup (a binary search) finds every field as itself: no
		 * record has two fields of one name */
		assert_ptr_equal(opsc_policy_field_find(all[i].record, all[i].name), &all[i]);
	}
}

/* docs/language.md's Model reference lists every field of the table in
 * its record's row. */
static void test_policy_eval__model_reference_documented(void **state)
{
	(void)state;
	FILE *doc = fopen("docs/language.md", "rb");
	assert_non_null(doc);
	char line[4096];
	uint32_t n, found = 0;
	const opsc_policy_field *all = opsc_policy_fields(&n);
	while (fgets(line, sizeof line, doc)) {
		for (uint32_t i = 0; i < n; i++) {
			char head[64], name[64];
			snprintf(head, sizeof head, "| %s | ", opsc_policy_record_name(all[i].record));
			snprintf(name, sizeof name, "`%s` ", all[i].name);
			found += strncmp(line, head, strlen(head)) == 0 && strstr(line, name) != NULL;
		}
	}
	fclose(doc);
	assert_int_equal(found, n);
}

/* env.requests_cpu and friends: the regular containers' requests times
 * the replicas, per namespace; the same whether the Model holds them added
 * up (the actual Model does) or they are added up on each read. */
static void test_policy_eval__namespace_sums(void **state)
{
	(void)state;
	fixture fx;
	setup(&fx, "policy \"sums\" {\n"
		   "  for e in environments where e.requests_cpu != null {\n"
		   "    deny true : \"${e.name}: ${e.requests_cpu} CPU, limits ${e.limits_cpu}, ${e.limits_memory}\"\n"
		   "  }\n"
		   "}\n");
	opsc_container *c = opsc_arena_alloc(fx.ctx.arena, 3 * sizeof *c);
	c[0] = (opsc_container){ .name = S("app"), .req_cpu = { "250m", 250, OPSC_NO_SPAN },
				 .lim_cpu = { "500m", 500, OPSC_NO_SPAN } };
	c[1] = (opsc_container){ .name = S("init"), .init = true, .req_cpu = { "4", 4000, OPSC_NO_SPAN } };
	c[2] = (opsc_container){ .name = S("side"), .req_cpu = { "50m", 50, OPSC_NO_SPAN } };
	opsc_workload *w = opsc_arena_alloc(fx.ctx.arena, 2 * sizeof *w);
	w[0] = (opsc_workload){ .kind = S("Deployment"), .name = S("web"), .env = &fx.model.envs[1], .replicas = 3,
				.containers = c, .ncontainers = 2 };
	w[1] = (opsc_workload){ .kind = S("Deployment"), .name = S("api"), .env = &fx.model.envs[1], .replicas = 1,
				.containers = &c[2], .ncontainers = 1 };
	fx.model.workloads = w;
	fx.model.nworkloads = 2;
	eval_all_policies(&fx);
	const char *want = "sums error manifests/cluster.yaml:2:1: production: 800m CPU, limits 1.5, null [3:5]\n";
	assert_string_equal(findings(&fx), want);
	opsc_env_sums sums[2];
	opsc_model_sum_workloads(&fx.model, sums);
	assert_false(sums[0].set[OPSC_SUM_REQUESTS_CPU]);
	assert_true(sums[1].set[OPSC_SUM_REQUESTS_CPU]);
	fx.model.env_sums = sums;
	eval_all_policies(&fx);
	char twice[256];
	snprintf(twice, sizeof twice, "%s%s", want, want);
	assert_string_equal(findings(&fx), twice);
	teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_eval__for_where_require_interpolated),
		cmocka_unit_test(test_policy_eval__deny_any_reports_each_offender),
		cmocka_unit_test(test_policy_eval__all_none_count_and_project),
		cmocka_unit_test(test_policy_eval__nested_for_and_record_equality),
		cmocka_unit_test(test_policy_eval__strings_functions_and_elements),
		cmocka_unit_test(test_policy_eval__substrings_and_label_selectors),
		cmocka_unit_test(test_policy_eval__matches_needs_maps),
		cmocka_unit_test(test_policy_eval__units_percentages_and_arithmetic),
		cmocka_unit_test(test_policy_eval__runtime_errors_are_diagnostics),
		cmocka_unit_test(test_policy_eval__project_relevels_and_disables),
		cmocka_unit_test(test_policy_eval__callback_stops),
		cmocka_unit_test(test_policy_eval__field_table),
		cmocka_unit_test(test_policy_eval__model_reference_documented),
		cmocka_unit_test(test_policy_eval__namespace_sums),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
