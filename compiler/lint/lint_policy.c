/*
 * lint_policy.c - the policy finder of `opsc lint`.
 *
 * The built-in `policy` blocks (policies/) and the user's own (a user
 * policy with a built-in's name replaces it) run on two Models:
 *
 *   declared  the user's .ops (run->user), once per run, with the first
 *             target; findings point into .ops files
 *   actual    every *.yaml / *.yml manifest of the target (the working
 *             tree; the index with --staged), read by actual.h; findings
 *             point into the YAML files
 *
 * then the contradiction checks of lint_contradict.c compare the two. Both
 * add findings through lint_collect.c.
 * With --base the working tree is checked and only findings on added lines
 * are kept; --history checks no policies (it reads blobs, not states).
 * When a --base or --staged change touches workloads only, only the
 * manifests it needs are parsed: those naming their namespaces and the
 * kustomizations rendering them (lint_workset.c).
 *
 * Manifests carry no GitHub protection and do not say which cluster they
 * are applied to, so a policy reading an environment's `protect` or
 * `cluster` runs on the declared Model only: on the actual one every
 * namespace would look unprotected.
 */
#define _GNU_SOURCE /* memmem */
#include "lint_policy_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "emit.h"
#include "policy.h"

/* ------------------------------------------- policies manifests cannot feed */

/* Fields the actual Model cannot know (see the top of the file). */
static const struct {
	opsc_record_kind record;
	const char *field;
} declared_only[] = {
	{ OPSC_REC_ENV, "protect" },
	{ OPSC_REC_ENV, "cluster" },
};

/* A variable in scope and the record kind it ranges over. */
typedef struct var {
	const char *name;
	int kind; /* opsc_record_kind, or -1 */
	const struct var *outer;
} var;

typedef struct {
	bool found; /* a declared-only field is read */
	uint32_t workloads, others; /* times the `workloads` and other collections are named */
} reads;

static int expr_kind(reads *r, const opsc_expr *e, const var *vars);

static int ident_kind(const opsc_expr *e, const var *vars)
{
	for (const var *v = vars; v; v = v->outer)
		if (strcmp(v->name, e->ident) == 0)
			return v->kind;
	int c = opsc_policy_collection_find(e->ident);
	if (c >= 0)
		return (int)opsc_policy_collection_kind(c);
	return strcmp(e->ident, "project") == 0 ? OPSC_REC_PROJECT : -1;
}

static int collection_kind(reads *r, const opsc_expr *e, const var *vars)
{
	int k = ident_kind(e, vars);
	bool bound = false;
	for (const var *v = vars; v && !bound; v = v->outer)
		bound = strcmp(v->name, e->ident) == 0;
	if (!bound && opsc_policy_collection_find(e->ident) >= 0)
		*(strcmp(e->ident, "workloads") == 0 ? &r->workloads : &r->others) += 1;
	return k;
}

static int member_kind(reads *r, const opsc_expr *e, const var *vars)
{
	int k = expr_kind(r, e->member.object, vars);
	if (k < 0)
		return -1;
	for (size_t i = 0; i < sizeof declared_only / sizeof *declared_only; i++)
		if ((int)declared_only[i].record == k && strcmp(declared_only[i].field, e->member.name) == 0)
			r->found = true;
	const opsc_policy_field *f = opsc_policy_field_find((opsc_record_kind)k, e->member.name);
	return f && f->type.record != OPSC_REC_COUNT ? (int)f->type.record : -1;
}

static void quant_kind(reads *r, const opsc_expr *e, const var *vars)
{
	var v = { e->quant.var, expr_kind(r, e->quant.collection, vars), vars };
	if (e->quant.filter)
		expr_kind(r, e->quant.filter, &v);
	if (e->quant.predicate)
		expr_kind(r, e->quant.predicate, &v);
}

/* The record kind `e` is (or is a list of), -1 when none; sets r->found
 * on the way. */
static int expr_kind(reads *r, const opsc_expr *e, const var *vars)
{
	switch (e->kind) {
	case OPSC_EXPR_IDENT: return collection_kind(r, e, vars);
	case OPSC_EXPR_MEMBER: return member_kind(r, e, vars);
	case OPSC_EXPR_INDEX:
		expr_kind(r, e->index.index, vars);
		return expr_kind(r, e->index.object, vars);
	case OPSC_EXPR_STRING:
		for (uint32_t i = 0; i < e->str.nparts; i++)
			if (e->str.parts[i].expr)
				expr_kind(r, e->str.parts[i].expr, vars);
		return -1;
	case OPSC_EXPR_CALL:
		for (uint32_t i = 0; i < e->call.nargs; i++)
			expr_kind(r, e->call.args[i], vars);
		return -1;
	case OPSC_EXPR_LIST:
		for (uint32_t i = 0; i < e->list.len; i++)
			expr_kind(r, e->list.items[i], vars);
		return -1;
	case OPSC_EXPR_UNARY: expr_kind(r, e->unary.operand, vars); return -1;
	case OPSC_EXPR_BINARY:
		expr_kind(r, e->binary.left, vars);
		expr_kind(r, e->binary.right, vars);
		return -1;
	case OPSC_EXPR_QUANT: quant_kind(r, e, vars); return -1;
	default: return -1;
	}
}

static void stmts_read(reads *r, const opsc_stmt *s, uint32_t n, const var *vars)
{
	for (uint32_t i = 0; i < n; i++) {
		if (s[i].kind == OPSC_STMT_FOR) {
			var v = { s[i].loop.var, expr_kind(r, s[i].loop.collection, vars), vars };
			if (s[i].loop.filter)
				expr_kind(r, s[i].loop.filter, &v);
			stmts_read(r, s[i].loop.body.items, s[i].loop.body.len, &v);
		} else if (s[i].kind == OPSC_STMT_REQUIRE || s[i].kind == OPSC_STMT_DENY) {
			expr_kind(r, s[i].check.condition, vars);
			if (s[i].check.message)
				expr_kind(r, s[i].check.message, vars);
		}
	}
}

static bool reads_declared_only(const opsc_policy *policy)
{
	reads r = { false, 0, 0 };
	stmts_read(&r, policy->body, policy->nbody, NULL);
	return r.found;
}

/* `for w in workloads [where F] { ... }` naming no collection in F and the
 * body: each workload is judged on itself and its namespace (w.env and
 * its sums are the namespace's). */
static bool workload_loop(const opsc_stmt *s)
{
	if (s->kind != OPSC_STMT_FOR || s->loop.collection->kind != OPSC_EXPR_IDENT ||
	    strcmp(s->loop.collection->ident, "workloads") != 0)
		return false;
	reads r = { false, 0, 0 };
	var v = { s->loop.var, OPSC_REC_WORKLOAD, NULL };
	if (s->loop.filter)
		expr_kind(&r, s->loop.filter, &v);
	stmts_read(&r, s->loop.body.items, s->loop.body.len, &v);
	return r.workloads == 0 && r.others == 0;
}

/* Whether what the policy finds at a workload depends on that workload and
 * its namespace only: each statement is such a loop over the workloads or
 * does not name them. Then a change of workloads can be checked on the
 * manifests naming their namespaces (lint_workset.c); a policy comparing
 * workloads with each other, or with environments, needs them all. */
static bool local_to_workload(const opsc_policy *policy)
{
	for (uint32_t i = 0; i < policy->nbody; i++) {
		reads r = { false, 0, 0 };
		stmts_read(&r, &policy->body[i], 1, NULL);
		if (r.workloads && !workload_loop(&policy->body[i]))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ evaluation */

typedef opsc_array(opsc_policy) policy_list;

/* The user's policies, then the built-ins they do not replace. */
static void all_policies(const lint_run *run, policy_list *out)
{
	for (uint32_t i = 0; i < run->user.npolicies; i++)
		opsc_array_push(out, run->user.policies[i]);
	uint32_t nuser = out->len;
	for (uint32_t i = 0; i < run->builtin_policies.len; i++) {
		const opsc_policy *b = &run->builtin_policies.items[i];
		bool replaced = false;
		for (uint32_t k = 0; k < nuser && !replaced; k++)
			replaced = strcmp(out->items[k].name.s, b->name.s) == 0;
		if (!replaced)
			opsc_array_push(out, *b);
	}
}

static bool all_local_to_workloads(const lint_run *run)
{
	policy_list all = { 0 };
	all_policies(run, &all);
	bool local = true;
	for (uint32_t i = 0; local && i < all.len; i++)
		local = local_to_workload(&all.items[i]);
	opsc_array_free(&all);
	return local;
}

typedef struct {
	policy_pass *pass;
	opsc_model_side side;
} eval_target;

static bool user_policy(const lint_run *run, const char *name)
{
	for (uint32_t i = 0; i < run->user.npolicies; i++)
		if (strcmp(run->user.policies[i].name.s, name) == 0)
			return true;
	return false;
}

/* A finding bound to no record sits at the statement, in the .ops. The
 * statement is a related location for the user's policies; a built-in's
 * is in no file of the repository (`opsc explain ID` shows it). */
static int on_policy_finding(void *user, const opsc_policy_finding *f)
{
	eval_target *t = user;
	opsc_model_side side = f->node ? t->side : OPSC_IN_DECLARED;
	opsc_place stmt = { f->stmt, OPSC_IN_DECLARED };
	if (!user_policy(t->pass->run, f->rule))
		stmt.span = OPSC_NO_SPAN;
	opsc_lint_policy_add(t->pass, f->rule, (opsc_place){ f->where, side }, stmt, "required by this policy",
			     f->message);
	return 0;
}

/* Runs `policies` over `target` with the declared Model's project (its
 * re-levelling, and `project` in conditions). */
static void evaluate(policy_pass *p, const policy_list *policies, const opsc_model *target,
		     opsc_model_side side)
{
	opsc_model declared = *p->declared;
	declared.policies = policies->items;
	declared.npolicies = policies->len;
	eval_target t = { p, side };
	opsc_policy_eval_all(p->run->ctx, &declared, target, on_policy_finding, &t);
}

static bool generated_file(const policy_pass *p, const char *path)
{
	uint32_t file = opsc_sources_find(&p->actual_ctx->sources, path);
	const opsc_source *src = file == OPSC_NO_FILE ? NULL : opsc_sources_get(&p->actual_ctx->sources, file);
	return src && opsc_emit_is_generated(src->text, src->len);
}

/* A generated manifest says what its .ops says: a policy the .ops breaks is
 * reported there, at the line its author can fix, and not again in every
 * file opsc wrote from it. What only the manifest breaks (a hand edit) stays,
 * next to the drift finding of that edit. */
static void drop_generated_repeats(policy_pass *p, uint32_t first_actual)
{
	opsc_finding *f = p->run->out->findings.items;
	uint32_t kept = first_actual;
	for (uint32_t i = first_actual; i < p->run->out->findings.len; i++) {
		bool repeat = false;
		for (uint32_t j = p->first; j < first_actual && !repeat; j++)
			repeat = strcmp(f[j].rule, f[i].rule) == 0;
		if (!repeat || !generated_file(p, f[i].where.path))
			f[kept++] = f[i];
	}
	p->run->out->findings.len = kept;
}

static void run_policies(policy_pass *p, bool with_declared)
{
	policy_list all = { 0 }, manifest = { 0 };
	all_policies(p->run, &all);
	for (uint32_t i = 0; i < all.len; i++)
		if (!reads_declared_only(&all.items[i]))
			opsc_array_push(&manifest, all.items[i]);
	if (with_declared)
		evaluate(p, &all, p->declared, OPSC_IN_DECLARED);
	uint32_t first_actual = p->run->out->findings.len;
	evaluate(p, &manifest, p->actual, OPSC_IN_ACTUAL);
	drop_generated_repeats(p, first_actual);
	opsc_array_free(&all);
	opsc_array_free(&manifest);
}

/* ------------------------------------------------------------- manifests */

/* Paths as findings show them: repository-relative, or joined to the PATH
 * given outside a repository (as lint.c shows secrets). */
static const char *display(const lint_run *run, const char *rel)
{
	const char *given = run->t->path;
	size_t n = strlen(given);
	if (run->t->repo || strcmp(given, ".") == 0 || strcmp(given, rel) == 0)
		return rel;
	while (n > 1 && given[n - 1] == '/')
		n--;
	return opsc_arena_printf(run->out->arena, "%.*s/%s", (int)n, given, rel);
}

static void add_note(lint_run *run, const char *path, const char *reason)
{
	opsc_lint_note n = { opsc_arena_strdup(run->out->arena, path), opsc_arena_strdup(run->out->arena, reason) };
	opsc_array_push(&run->out->notes, n);
}

typedef struct {
	lint_run *run;
	opsc_actual *actual;
	lint_workset ws;
} reader;

static int on_blob(void *user, const opsc_repo_blob *blob)
{
	reader *r = user;
	if (!opsc_lint_is_yaml(blob->path) ||
	    (!blob->skip && !opsc_lint_workset_wants(r->run, &r->ws, blob->path, blob->data, blob->len)))
		return 0;
	if (blob->skip)
		add_note(r->run, blob->path, blob->skip);
	else if (opsc_actual_add_text(r->actual, blob->path, blob->data, blob->len) < 0)
		add_note(r->run, blob->path, "too large to check against the policies");
	return 0;
}

/* Reads a file and parses it, unless a change of workloads only does not
 * need it (lint_workset.c). False when it cannot be read: read_file then
 * says why. */
static bool read_bytes(reader *r, const char *full, const char *rel)
{
	char *buf;
	size_t len;
	int rc = opsc_file_read(&buf, &len, full, 0, OPSC_YAMLDOC_DEFAULT_MAX_BYTES);
	if (rc == -ENOENT && r->ws.active && !opsc_lint_changes_has(r->run, rel))
		return true; /* in the index, deleted from the working tree */
	if (rc < 0)
		return false;
	if (opsc_lint_workset_wants(r->run, &r->ws, rel, buf, len) &&
	    opsc_actual_add_text(r->actual, display(r->run, rel), buf, len) < 0)
		add_note(r->run, display(r->run, rel), "cannot be read");
	opsc_free(buf);
	return true;
}

/* A working-tree file, registered under the path findings show. A file
 * over the size limit is skipped with the secret scanner's note (one note,
 * no invalid-yaml finding: docs/integrations.md). */
static void read_file(reader *r, const char *root, const char *rel)
{
	const char *full = root ? opsc_arena_printf(r->run->out->arena, "%s%s%s", root,
						    root[strlen(root) - 1] == '/' ? "" : "/", rel)
				: rel;
	if (read_bytes(r, full, rel))
		return;
	struct stat st;
	if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > OPSC_YAMLDOC_DEFAULT_MAX_BYTES) {
		char reason[96];
		opsc_readfile_too_big(reason, sizeof reason, (uint64_t)st.st_size, OPSC_YAMLDOC_DEFAULT_MAX_BYTES);
		add_note(r->run, display(r->run, rel), reason);
		return;
	}
	/* the reason as the secret scanner gives it, so that the two notes
	 * of one unreadable file are one */
	int rc = opsc_actual_add_file(r->actual, full, display(r->run, rel));
	if (rc < 0)
		add_note(r->run, display(r->run, rel), opsc_file_strerror(rc));
}

static int read_worktree(reader *r)
{
	const target *t = r->run->t;
	const opsc_repo_files *files;
	int rc = opsc_lint_worktree(r->run, &files);
	bool single = rc == 0 && !t->repo && files->paths.len == 1 && strcmp(files->paths.items[0], t->path) == 0;
	const char *root = t->repo ? opsc_repo_workdir(t->repo) : single ? NULL : t->path;
	for (uint32_t i = 0; rc == 0 && i < files->paths.len; i++)
		if (opsc_lint_is_yaml(files->paths.items[i]))
			read_file(r, root, files->paths.items[i]);
	return rc;
}

/* ------------------------------------------------- a change of workloads */

/* Every manifest of the target, held in memory once, so that the set of
 * those a change needs (lint_workset.c) is made from their bytes and no
 * file is read twice. */
typedef struct {
	reader *r;
	opsc_array(lint_file) files;
} gathered;

static int gather_blob(void *user, const opsc_repo_blob *blob)
{
	gathered *g = user;
	if (!opsc_lint_is_yaml(blob->path))
		return 0;
	if (blob->skip) {
		add_note(g->r->run, blob->path, blob->skip);
		return 0;
	}
	char *copy = opsc_malloc(blob->len + 1);
	memcpy(copy, blob->data, blob->len);
	lint_file f = { opsc_arena_strdup(g->r->run->out->arena, blob->path), copy, blob->len };
	opsc_array_push(&g->files, f);
	return 0;
}

/* The tracked files of the working tree: a change of workloads reads few
 * of them, the status walk (a stat of every file, a read of every
 * directory) would cost more than they do, and --base counts no
 * untracked file. A file that cannot be read keeps no data: read_file
 * says why. */
static int gather_worktree(gathered *g)
{
	lint_run *run = g->r->run;
	opsc_repo_files own = { 0 };
	int rc = opsc_repo_list_index(run->t->repo, &own);
	const char *root = opsc_repo_workdir(run->t->repo);
	for (uint32_t i = 0; rc == 0 && i < own.paths.len; i++) {
		const char *rel = own.paths.items[i];
		if (!opsc_lint_is_yaml(rel))
			continue;
		char *buf = NULL;
		size_t len = 0;
		const char *full = opsc_arena_printf(run->out->arena, "%s%s", root, rel);
		int got = opsc_file_read(&buf, &len, full, 0, OPSC_YAMLDOC_DEFAULT_MAX_BYTES);
		if (got == -ENOENT && !opsc_lint_changes_has(run, rel))
			continue; /* in the index, deleted from the working tree */
		lint_file f = { opsc_arena_strdup(run->out->arena, rel), got < 0 ? NULL : buf, len };
		opsc_array_push(&g->files, f);
	}
	opsc_repo_files_dispose(&own);
	return rc;
}

static int read_workset(reader *r)
{
	lint_run *run = r->run;
	gathered g = { r, { 0 } };
	int rc = run->opts->mode == OPSC_LINT_STAGED
			 ? opsc_repo_each_index(run->t->repo, NULL, OPSC_YAMLDOC_DEFAULT_MAX_BYTES, gather_blob, &g)
			 : gather_worktree(&g);
	if (rc == 0)
		opsc_lint_workset_plan(run, &r->ws, g.files.items, g.files.len);
	if (rc == 0 && r->ws.planned) { /* Flux paths are judged against the whole tree */
		const char **tree = opsc_arena_alloc(run->out->arena, (g.files.len + 1) * sizeof *tree);
		for (uint32_t i = 0; i < g.files.len; i++)
			tree[i] = g.files.items[i].path;
		opsc_actual_set_tree(r->actual, tree, g.files.len);
	}
	for (uint32_t i = 0; i < g.files.len; i++) {
		const lint_file *f = &g.files.items[i];
		if (rc == 0 && !f->data)
			read_file(r, opsc_repo_workdir(run->t->repo), f->path);
		else if (rc == 0 && opsc_lint_workset_wants(run, &r->ws, f->path, f->data, f->len) &&
			 opsc_actual_add_text(r->actual, f->path, f->data, f->len) < 0)
			add_note(run, f->path, run->opts->mode == OPSC_LINT_STAGED ? "too large to check against the policies"
										 : "cannot be read");
		opsc_free((char *)f->data);
	}
	opsc_array_free(&g.files);
	return rc;
}

static int read_manifests(reader *r)
{
	lint_run *run = r->run;
	uint64_t max = OPSC_YAMLDOC_DEFAULT_MAX_BYTES;
	if (r->ws.active && run->t->repo)
		return read_workset(r);
	if (run->opts->mode == OPSC_LINT_STAGED)
		return opsc_repo_each_index(run->t->repo, NULL, max, on_blob, r);
	return read_worktree(r);
}

/* A YAML syntax error makes the whole file unreadable: one finding per
 * file, at the first error. Manifests that parse but do not have the shape
 * of their kind are left to `kubectl` and Flux. */
static void invalid_yaml(policy_pass *p)
{
	uint32_t last = OPSC_NO_FILE;
	for (uint32_t i = 0; i < p->actual_ctx->diags.items.len; i++) {
		const opsc_diag *d = &p->actual_ctx->diags.items.items[i];
		if (strcmp(d->code, "invalid-yaml") != 0 || d->span.file == last)
			continue;
		last = d->span.file;
		const opsc_source *src = opsc_sources_get(&p->actual_ctx->sources, d->span.file);
		if (src && memmem(src->text, src->len, "{{", 2)) {
			/* a Helm chart's templates/ and other Go templates are YAML
			 * only once rendered: not a defect, not readable either */
			add_note(p->run, src->path, "a template (Helm or Go), not YAML until rendered: not checked");
			continue;
		}
		const char *msg = opsc_arena_printf(p->run->out->arena, "not valid YAML: %s", d->message);
		opsc_lint_policy_add(p, "invalid-yaml", (opsc_place){ d->span, OPSC_IN_ACTUAL },
				     (opsc_place){ OPSC_NO_SPAN, OPSC_IN_ACTUAL }, NULL, msg);
	}
}

/* A kustomization that cannot be rendered as written is a finding at its
 * line; what the renderer leaves out (a remote base, a chart) a note. */
static void kustomize_problems(policy_pass *p)
{
	for (uint32_t i = 0; i < p->actual_ctx->diags.items.len; i++) {
		const opsc_diag *d = &p->actual_ctx->diags.items.items[i];
		const opsc_source *src = opsc_sources_get(&p->actual_ctx->sources, d->span.file);
		if (strcmp(d->code, "kustomize-note") == 0 && src)
			add_note(p->run, src->path, d->message);
		else if (strcmp(d->code, "invalid-kustomization") == 0)
			opsc_lint_policy_add(p, "invalid-kustomization", (opsc_place){ d->span, OPSC_IN_ACTUAL },
					     (opsc_place){ OPSC_NO_SPAN, OPSC_IN_ACTUAL }, NULL, d->message);
	}
}

/* Whether YAML text has a `kind:` the actual Model is built from: a change
 * declaring none of them cannot change what the policies see in the
 * manifests. */
static bool declares_model_kind(const char *data, size_t len)
{
	for (const char *line = data, *end = data + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *k = line;
		while (k < eol && (*k == ' ' || *k == '-'))
			k++;
		if (eol - k > 5 && memcmp(k, "kind:", 5) == 0) {
			const char *v = k + 5, *ve = eol;
			while (v < ve && (*v == ' ' || *v == '"' || *v == '\''))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\r' || ve[-1] == '"' || ve[-1] == '\''))
				ve--;
			if (opsc_actual_reads_kind(v, (size_t)(ve - v)))
				return true;
		}
		line = eol + 1;
	}
	return false;
}

/* A changed file that can change a policy's verdict: .ops, or YAML
 * declaring a kind the Models are built from. */
static bool may_concern_policies(const char *path, const char *data, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (strcmp(base, "kustomization.yaml") == 0 || strcmp(base, "kustomization.yml") == 0)
		return true; /* it need not say its kind, and renders the others */
	return opsc_source_is_ops(path) || (opsc_lint_is_yaml(path) && data && declares_model_kind(data, len));
}

/* The declared Model is the run's, not the target's: checked with the
 * first target only. Without PATHs the only target is ".". */
static bool first_target(const lint_run *run)
{
	return !run->opts->npaths || run->t->path == run->opts->paths[0];
}

int opsc_lint_find_policy(lint_run *run)
{
	opsc_ctx actx;
	opsc_model actual;
	if (run->opts->mode == OPSC_LINT_HISTORY)
		return 0;
	opsc_ctx_init(&actx);
	uint32_t first = run->out->findings.len;
	policy_pass p = { .run = run, .declared = &run->user, .actual = &actual, .actual_ctx = &actx,
			  .first = first, .indexed = first };
	bool relevant = true;
	int rc = 0;
	if (run->opts->mode == OPSC_LINT_STAGED || run->opts->mode == OPSC_LINT_BASE) {
		rc = opsc_lint_changed(run);
		relevant = rc == 0 && opsc_lint_changes_any(run, may_concern_policies);
	}
	if (rc < 0 || !relevant) {
		opsc_ctx_dispose(&actx);
		return rc < 0 ? -1 : 0;
	}
	reader r = { run, opsc_actual_new(&actx), { 0 } };
	if (!run->opts->read_all && all_local_to_workloads(run))
		opsc_lint_workset_make(run, &r.ws);
	rc = read_manifests(&r);
	opsc_actual_render(r.actual, &p.origins);
	opsc_actual_finish(r.actual, &actual);
	/* the summary's "in N files" counts what the secret scanner read;
	 * without it (--only policy), the manifests read here */
	if (!run->opts->kinds[OPSC_FINDING_SECRET] && run->out->files < actx.sources.files.len)
		run->out->files = actx.sources.files.len;
	if (rc < 0) {
		run->error = opsc_arena_printf(run->out->arena, "%s: %s", run->t->path, opsc_repo_error());
		goto done;
	}
	invalid_yaml(&p);
	kustomize_problems(&p);
	run_policies(&p, first_target(run));
	opsc_lint_contradictions(&p);
done:
	opsc_free(p.slots);
	opsc_ctx_dispose(&actx);
	return rc < 0 ? -1 : 0;
}
