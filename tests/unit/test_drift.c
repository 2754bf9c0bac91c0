/*
 * test_drift.c - drift between the .ops and the committed manifests, on
 * fixture repositories built with libgit2 whose generated files are what
 * opsc_emit_all writes: the lint finder in each mode, the semantic
 * comparison (order, quoting and layout are no drift), and the source map.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "drift.h"
#include "gitfix.h"
#include "lintfix.h"
#include "lint.h"

static const char app_ops[] =
	"project \"shop\" {\n" /* 1 */
	"  repo = \"o/r\"\n"
	"  output = \"clusters\"\n"
	"}\n"
	"\n"
	"environment \"prod\" {\n" /* 6 */
	"  cluster = \"home\"\n"
	"  namespace = \"shop\"\n"
	"}\n"
	"\n"
	"role \"reader\" {\n" /* 11 */
	"  allow {\n"
	"    groups = [\"\"]\n"
	"    resources = [\"pods\", \"services\"]\n"
	"    verbs = [get, list, watch]\n"
	"  }\n"
	"}\n"
	"\n"
	"bind role.reader {\n" /* 19 */
	"  to = [group(\"developers\")]\n"
	"  in = [env.prod]\n"
	"}\n";

#define RBAC "clusters/home/prod/policy/rbac.yaml"

/* What `opsc build` would write, written and committed by hand. */
static void build_and_commit(gitfix *f)
{
	lintfix_write_build(f, "policies/app.ops", app_ops);
	gitfix_commit(f, "build", "Alice", 1700000000, NULL);
}

static void lint(lint_out *o, const gitfix *f, opsc_lint_mode mode, const char *base)
{
	const char *path = f->dir;
	opsc_lint_opts opts = { .mode = mode, .base = base, .kinds = { false, true, false }, .paths = &path,
				.npaths = 1, .threads = 1 };
	lintfix_run(o, &opts);
}

static void done(lint_out *o)
{
	lintfix_done(o);
}

/* "path:line:col rule (related:line:col); ..." */
static const char *found(const lint_out *o)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < o->res.findings.len; i++) {
		const opsc_finding *f = &o->res.findings.items[i];
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%u:%u %s", i ? "; " : "", f->where.path,
				      f->where.line, f->where.col, f->rule);
		if (f->nrelated)
			n += (size_t)snprintf(buf + n, sizeof buf - n, " (%s:%u:%u)", f->related[0].path,
					      f->related[0].line, f->related[0].col);
	}
	return buf;
}

/* The committed file with `from` replaced by `to` (once). */
static void edit(gitfix *f, const char *path, const char *from, const char *to)
{
	FILE *in = fopen(gitfix_path(f, path), "rb");
	assert_non_null(in);
	static char text[8192], out[8192];
	size_t len = fread(text, 1, sizeof text - 1, in);
	fclose(in);
	text[len] = '\0';
	char *at = strstr(text, from);
	assert_non_null(at);
	snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	gitfix_write(f, path, out);
}

/* ------------------------------------------------------------------ tests */

static void test_drift__clean_repository_has_none(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "");
	done(&o);
	lint(&o, &f, OPSC_LINT_STAGED, NULL);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_dispose(&f);
}

static void test_drift__edit_is_reported_at_the_field(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  - delete\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":18:5 drift-edited (policies/app.ops:11:1)");
	const opsc_finding *d = &o.res.findings.items[0];
	assert_string_equal(d->message, "edited by hand: rules[0].verbs[1] is delete, opsc generates list");
	assert_int_equal(d->kind, OPSC_FINDING_DRIFT);
	assert_int_equal(d->severity, OPSC_SEV_ERROR);
	assert_string_equal(d->related[0].message, "produced here");
	done(&o);
	gitfix_dispose(&f);
}

/* The first differing field by position, in the second document: the
 * binding, whose .ops line is the `bind` block. */
static void test_drift__first_difference_and_its_document(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "  name: developers", "  name: admins");
	edit(&f, RBAC, "  kind: Group", "  kind: User");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":34:9 drift-edited (policies/app.ops:19:1)");
	assert_string_equal(o.res.findings.items[0].message,
			    "edited by hand: subjects[0].kind is User, opsc generates Group");
	done(&o);
	gitfix_dispose(&f);
}

static void test_drift__order_quoting_and_layout_are_no_drift(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n",
	     "kind: 'Role'   # reordered\napiVersion: \"rbac.authorization.k8s.io/v1\"\n");
	edit(&f, RBAC, "  namespace: shop\n", "  namespace: \"shop\"\n");
	edit(&f, RBAC, "  verbs:\n  - get\n  - list\n  - watch\n", "  verbs: [get, 'list', \"watch\"]\n");
	edit(&f, RBAC, "# Do not edit", "# Really, do not edit");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_dispose(&f);
}

/* Quoting that changes the type is drift: "true" is a string, true is not. */
static void test_drift__unquoting_that_changes_the_type_is_drift(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "- apiGroups:\n  - \"\"\n", "- apiGroups:\n  - ~\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":12:5 drift-edited (policies/app.ops:11:1)");
	assert_string_equal(o.res.findings.items[0].message,
			    "edited by hand: rules[0].apiGroups[0] is null, opsc generates \"\"");
	done(&o);
	gitfix_dispose(&f);
}

static void test_drift__deleted_and_stale_files(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	gitfix_remove(&f, "clusters/home/prod/namespace/namespace.yaml");
	gitfix_write(&f, "clusters/home/old/rbac.yaml", "# Generated by opsc from policies/app.ops.\nkind: Role\n");
	gitfix_write(&f, "clusters/home/notes.yaml", "kind: ConfigMap\n"); /* not opsc's */
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "clusters/home/old/rbac.yaml:0:0 drift-stale; "
				       "clusters/home/prod/namespace/namespace.yaml:0:0 drift-missing "
				       "(policies/app.ops:6:1)");
	assert_string_equal(o.res.findings.items[1].message,
			    "generated file missing: `opsc build` writes it from policies/app.ops");
	done(&o);
	gitfix_dispose(&f);
}

/* A deliberate hand edit says why with `opsc:ignore[drift-edited] reason`
 * on its line or the line above (a comment is no drift); a file left out
 * on purpose says it above the .ops block that produces it. Without a
 * reason the finding stays and the comment is reported. */
static void test_drift__inline_suppression(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	lint_out o;
	edit(&f, RBAC, "  - list\n", "  - delete # opsc:ignore[drift-edited] INC-42, until the role is widened\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "");
	done(&o);

	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  # opsc:ignore[drift-edited] INC-42, until the role is widened\n  - delete\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "");
	done(&o);

	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  - delete # opsc:ignore[drift-missing] the wrong rule\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":18:5 drift-edited (policies/app.ops:11:1)");
	done(&o);

	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  - delete # opsc:ignore[drift-edited]\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":18:5 drift-edited (policies/app.ops:11:1); "
				       RBAC ":18:14 ignore-without-reason");
	assert_string_equal(o.res.findings.items[1].message,
			    "`opsc:ignore[drift-edited]` gives no reason: it suppresses nothing");
	done(&o);

	build_and_commit(&f);
	gitfix_remove(&f, "clusters/home/prod/namespace/namespace.yaml");
	char ops[sizeof app_ops + 128];
	const char *env = strstr(app_ops, "environment");
	snprintf(ops, sizeof ops, "%.*s# opsc:ignore[drift-missing] the cluster's bootstrap creates it\n%s",
		 (int)(env - app_ops), app_ops, env);
	gitfix_write(&f, "policies/app.ops", ops);
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_dispose(&f);
}

/* --staged reads the index: an edit not staged is not what the commit
 * holds; once staged, it is. */
static void test_drift__staged_reads_the_index(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  - delete\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_STAGED, NULL);
	assert_string_equal(found(&o), "");
	done(&o);
	gitfix_add(&f, RBAC);
	lint(&o, &f, OPSC_LINT_STAGED, NULL);
	assert_string_equal(found(&o), RBAC ":18:5 drift-edited (policies/app.ops:11:1)");
	done(&o);
	gitfix_dispose(&f);
}

/* --base: drift already on the base branch is not the change's; an edit
 * to the .ops that leaves the outputs behind is. */
static void test_drift__base_reports_what_the_change_touches(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	edit(&f, RBAC, "  - list\n", "  - delete\n");
	gitfix_add(&f, RBAC);
	char base[41];
	gitfix_commit(&f, "hand edit", "Alice", 1700000100, base);
	gitfix_ref(&f, "refs/heads/main", base);
	lint_out o;
	lint(&o, &f, OPSC_LINT_BASE, "main");
	assert_string_equal(found(&o), "");
	done(&o);
	edit(&f, "policies/app.ops", "namespace = \"shop\"", "namespace = \"store\"");
	lint(&o, &f, OPSC_LINT_BASE, "main");
	assert_string_equal(found(&o), "clusters/home/prod/namespace/namespace.yaml:6:9 drift-edited "
				       "(policies/app.ops:6:1); " RBAC ":7:14 drift-edited (policies/app.ops:11:1)");
	assert_string_equal(o.res.findings.items[1].message,
			    "edited by hand: metadata.namespace is shop, opsc generates store");
	done(&o);
	gitfix_dispose(&f);
}

/* A credential pasted into a generated file is never printed in full by the
 * drift message (the secret finder reports it, redacted, on its own). */
static void test_drift__pasted_secret_is_redacted(void **state)
{
	(void)state;
	static const char token[] = "ghp_Zx81QmT4vKp0LrWa93NcYs7EuHb25DfJgOi6";
	gitfix f;
	gitfix_init(&f);
	build_and_commit(&f);
	char line[128];
	snprintf(line, sizeof line, "  - %s\n", token);
	edit(&f, RBAC, "  - list\n", line);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL);
	assert_string_equal(found(&o), RBAC ":18:5 drift-edited (policies/app.ops:11:1)");
	assert_string_equal(o.res.findings.items[0].message,
			    "edited by hand: rules[0].verbs[1] is ghp_\u2026 (40 chars), opsc generates list");
	assert_null(strstr(o.res.findings.items[0].message, token));
	done(&o);
	gitfix_dispose(&f);
}

/* The source map: each document of a generated file knows its object. */
static void test_drift__documents_carry_their_spans(void **state)
{
	(void)state;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_model model = { 0 };
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "policies/app.ops", app_ops);
	const char *policies = gitfix_path(&f, "policies");
	assert_int_equal(opsc_compile(&model, &ctx, &policies, 1), 0);
	opsc_drift_expect e;
	assert_int_equal(opsc_drift_expect_init(&e, &ctx, &model, gitfix_path(&f, "policies"), NULL), 0);
	const opsc_output *rbac = NULL;
	for (uint32_t i = 0; i < e.outputs.files.len; i++)
		if (strcmp(e.outputs.files.items[i].path, "home/prod/policy/rbac.yaml") == 0)
			rbac = &e.outputs.files.items[i];
	assert_non_null(rbac);
	assert_int_equal(rbac->ndocs, 2);
	assert_int_equal(rbac->doc_spans[0].line, 11);
	assert_int_equal(rbac->doc_spans[1].line, 19);
	opsc_drift_expect_dispose(&e);
	opsc_ctx_dispose(&ctx);
	gitfix_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drift__clean_repository_has_none),
		cmocka_unit_test(test_drift__edit_is_reported_at_the_field),
		cmocka_unit_test(test_drift__pasted_secret_is_redacted),
		cmocka_unit_test(test_drift__first_difference_and_its_document),
		cmocka_unit_test(test_drift__order_quoting_and_layout_are_no_drift),
		cmocka_unit_test(test_drift__unquoting_that_changes_the_type_is_drift),
		cmocka_unit_test(test_drift__deleted_and_stale_files),
		cmocka_unit_test(test_drift__staged_reads_the_index),
		cmocka_unit_test(test_drift__inline_suppression),
		cmocka_unit_test(test_drift__base_reports_what_the_change_touches),
		cmocka_unit_test(test_drift__documents_carry_their_spans),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
