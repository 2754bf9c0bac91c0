/*
 * lsp_diag.c - analyses and their diagnostics.
 *
 * An analysis is `opsc check DIR` for the directory of an open file: every
 * *.ops there (open buffers in place of the disk, through the source
 * overlay) and what they import, then the policies over the Model. A
 * problem is published in the file it is in, whichever file caused it,
 * with the notes as related locations. The user's policies keep their
 * severity; the built-in ones (the set `opsc lint` runs) show as warnings,
 * and only on a Model without errors: a half-built Model would make them
 * say things that are not true.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"
#include "policy.h"
#include "emit.h"

#define STD_DISPLAY "<stdlib>/"

/* --------------------------------------------------------------- overlay */

bool lsp_is_ops(const char *path)
{
	return opsc_source_is_ops(path);
}

static bool overlay_find(void *user, const char *path, const char **text, size_t *len, TSTree **tree)
{
	lsp_server *s = user;
	char *norm = opsc_project_resolve("/", path);
	lsp_doc *d = path[0] == '/' ? lsp_docs_find_path(&s->docs, norm) : NULL;
	opsc_free(norm);
	if (!d)
		return false;
	*text = d->text;
	*len = d->len;
	*tree = d->tree ? ts_tree_copy(d->tree) : NULL;
	return true;
}

/* The embedded policies/ set, each file on its own as `opsc lint` compiles it. */
static void compile_builtin(lsp_server *s)
{
	opsc_ctx_init(&s->builtin_ctx);
	for (const opsc_embedded *e = opsc_builtin_policies; e->name; e++) {
		opsc_program prog = { 0 };
		opsc_model model = { 0 };
		char *path = opsc_arena_printf(s->builtin_ctx.arena, "%s.ops", e->name);
		if (opsc_load_text(&prog, &s->builtin_ctx, path, e->text, e->len) != 0 ||
		    opsc_sema_check(&model, &s->builtin_ctx, &prog) != 0)
			continue;
		for (uint32_t i = 0; i < model.npolicies; i++)
			opsc_array_push(&s->builtin, model.policies[i]);
	}
}

void lsp_diag_init(lsp_server *s)
{
	s->overlay.find = overlay_find;
	s->overlay.user = s;
	s->published = json_object();
	compile_builtin(s);
}

static void analysis_clear(lsp_analysis *a)
{
	lsp_index_dispose(&a->index);
	opsc_ctx_dispose(&a->ctx);
	memset(&a->program, 0, sizeof a->program);
	memset(&a->model, 0, sizeof a->model);
}

static void analysis_free(lsp_analysis *a)
{
	analysis_clear(a);
	opsc_free(a->dir);
	opsc_free(a);
}

void lsp_diag_dispose(lsp_server *s)
{
	for (uint32_t i = 0; i < s->analyses.len; i++)
		analysis_free(s->analyses.items[i]);
	opsc_array_free(&s->analyses);
	opsc_array_free(&s->builtin);
	opsc_ctx_dispose(&s->builtin_ctx);
	json_decref(s->published);
}

/* -------------------------------------------------------------- running */

typedef opsc_array(char *) path_list;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_path(const path_list *l, const char *p)
{
	for (uint32_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i], p) == 0)
			return true;
	return false;
}

/* The directory's *.ops files and the open buffers in it not yet saved,
 * sorted as `opsc check DIR` reads them. */
static void root_files(lsp_server *s, const char *dir, path_list *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".ops") == 0 && e->d_name[0] != '.')
			opsc_array_push(out, opsc_project_resolve(dir, e->d_name));
	}
	if (d)
		closedir(d);
	size_t dn = strlen(dir);
	for (uint32_t i = 0; i < s->docs.items.len; i++) {
		const char *p = s->docs.items.items[i]->path;
		if (lsp_is_ops(p) && strncmp(p, dir, dn) == 0 && p[dn] == '/' && !strchr(p + dn + 1, '/') &&
		    !has_path(out, p))
			opsc_array_push(out, opsc_strdup(p));
	}
	qsort(out->items, out->len, sizeof *out->items, cmp_str);
}

typedef struct {
	lsp_server *s;
	lsp_analysis *a;
	uint32_t nuser;
} policy_run;

static int on_finding(void *user, const opsc_policy_finding *f)
{
	policy_run *r = user;
	bool builtin = true;
	for (uint32_t i = 0; i < r->a->model.npolicies && builtin; i++)
		builtin = strcmp(r->a->model.policies[i].name.s, f->rule) != 0;
	opsc_diags *d = &r->a->ctx.diags;
	opsc_span at = f->where.file != OPSC_NO_FILE ? f->where : f->stmt;
	if (at.file == OPSC_NO_FILE)
		return 0;
	uint32_t k = opsc_diag_add(d, builtin ? OPSC_SEV_WARNING : f->severity, f->rule, at, "%s", f->message);
	if (!builtin && f->stmt.file != OPSC_NO_FILE)
		opsc_diag_add_note(d, k, f->stmt, "required by this policy");
	else if (builtin)
		opsc_diag_help(d, k, "built-in policy `%s`: run `opsc explain %s`", f->rule, f->rule);
	return 0;
}

/* The user's policies, then the built-ins they do not replace. */
static void run_policies(lsp_server *s, lsp_analysis *a)
{
	opsc_array(opsc_policy) all = { 0 };
	for (uint32_t i = 0; i < a->model.npolicies; i++)
		opsc_array_push(&all, a->model.policies[i]);
	for (uint32_t i = 0; i < s->builtin.len; i++) {
		bool replaced = false;
		for (uint32_t k = 0; k < a->model.npolicies && !replaced; k++)
			replaced = strcmp(a->model.policies[k].name.s, s->builtin.items[i].name.s) == 0;
		if (!replaced)
			opsc_array_push(&all, s->builtin.items[i]);
	}
	opsc_model declared = a->model;
	declared.policies = all.items;
	declared.npolicies = all.len;
	policy_run r = { s, a, a->model.npolicies };
	opsc_policy_eval_all(&a->ctx, &declared, &a->model, on_finding, &r);
	opsc_array_free(&all);
}

static void analysis_run(lsp_server *s, lsp_analysis *a)
{
	analysis_clear(a);
	opsc_ctx_init(&a->ctx);
	a->ctx.sources.overlay = &s->overlay;
	path_list roots = { 0 };
	root_files(s, a->dir, &roots);
	int rc = opsc_load(&a->program, &a->ctx, (const char *const *)roots.items, roots.len);
	if (rc >= 0 || a->program.len > 0) {
		opsc_sema_check(&a->model, &a->ctx, &a->program);
		/* the emitters' checks, as opsc check and lint run them (compile.c) */
		if (a->ctx.diags.errors == 0)
			opsc_emit_verify(&a->ctx, &a->model);
		if (a->ctx.diags.errors == 0)
			run_policies(s, a);
	}
	opsc_diags_sort(&a->ctx.diags);
	opsc_diags_dedupe(&a->ctx.diags);
	lsp_index_build(&a->index, a);
	for (uint32_t i = 0; i < roots.len; i++)
		opsc_free(roots.items[i]);
	opsc_array_free(&roots);
}

/* ------------------------------------------------------------ publishing */

static const int lsp_severity[] = { [OPSC_SEV_NOTE] = 3, [OPSC_SEV_WARNING] = 2, [OPSC_SEV_ERROR] = 1 };

static json_t *diag_json(const lsp_server *s, const opsc_sources *sources, const opsc_diag *d)
{
	json_t *related = json_array();
	for (uint32_t i = 0; i < d->notes.len; i++) {
		json_t *loc = lsp_span_location(s, sources, d->notes.items[i].span);
		if (loc)
			json_array_append_new(related, json_pack("{s:o, s:s}", "location", loc, "message",
								 d->notes.items[i].message));
	}
	json_t *j = json_pack("{s:o, s:i, s:s, s:s}", "range", lsp_span_range(s, sources, d->span), "severity",
			      lsp_severity[d->severity], "source", "opsc", "code", d->code ? d->code : "");
	if (d->help) {
		char *m = opsc_malloc(strlen(d->message) + strlen(d->help) + 16);
		sprintf(m, "%s\nhelp: %s", d->message, d->help);
		json_object_set_new(j, "message", json_string(m));
		opsc_free(m);
	} else {
		json_object_set_new(j, "message", json_string(d->message));
	}
	if (json_array_size(related))
		json_object_set_new(j, "relatedInformation", related);
	else
		json_decref(related);
	return j;
}

static void add_unique(json_t *list, json_t *d)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (json_equal(x, d)) {
			json_decref(d);
			return;
		}
	json_array_append_new(list, d);
}

/* uri -> diagnostics, over every analysis (a file two analyses read is
 * reported once); the files of an analysis that
 * have none get an empty list, so old ones are cleared. */
static json_t *collect(lsp_server *s)
{
	json_t *by_uri = json_object();
	for (uint32_t i = 0; i < s->analyses.len; i++) {
		const opsc_ctx *ctx = &s->analyses.items[i]->ctx;
		for (uint32_t f = 0; f < ctx->sources.files.len; f++) {
			char *uri = lsp_source_uri(s, ctx->sources.files.items[f]);
			if (!json_object_get(by_uri, uri))
				json_object_set_new(by_uri, uri, json_array());
			opsc_free(uri);
		}
		for (uint32_t k = 0; k < ctx->diags.items.len; k++) {
			const opsc_diag *d = &ctx->diags.items.items[k];
			const opsc_source *src = opsc_sources_get(&ctx->sources, d->span.file);
			if (!src)
				continue;
			char *uri = lsp_source_uri(s, src);
			json_t *list = json_object_get(by_uri, uri), *j = diag_json(s, &ctx->sources, d);
			if (i == 0) /* one analysis has no repeats (opsc_diags_dedupe) */
				json_array_append_new(list, j);
			else
				add_unique(list, j);
			opsc_free(uri);
		}
	}
	return by_uri;
}

static void publish(lsp_server *s, const char *uri, json_t *list)
{
	json_t *params = json_pack("{s:s, s:O}", "uri", uri, "diagnostics", list);
	lsp_doc *d = lsp_docs_find(&s->docs, uri);
	if (d)
		json_object_set_new(params, "version", json_integer(d->version));
	lsp_notify(s, "textDocument/publishDiagnostics", params);
}

/* Sends what changed since the last time, and always the edited file's,
 * last: a client waiting for it has seen the rest. */
static void publish_all(lsp_server *s, const char *edited_uri)
{
	json_t *now = collect(s);
	const char *uri;
	json_t *list;
	json_object_foreach(now, uri, list) {
		json_t *before = json_object_get(s->published, uri);
		bool changed = before ? !json_equal(before, list) : json_array_size(list) > 0;
		if (changed && strcmp(uri, edited_uri) != 0)
			publish(s, uri, list);
	}
	json_t *none = json_array();
	json_object_foreach(s->published, uri, list)
		if (!json_object_get(now, uri) && json_array_size(list) && strcmp(uri, edited_uri) != 0)
			publish(s, uri, none);
	list = json_object_get(now, edited_uri);
	publish(s, edited_uri, list ? list : none);
	json_decref(none);
	json_decref(s->published);
	s->published = now;
}

/* --------------------------------------------------------------- refresh */

static bool dir_has_open_doc(const lsp_server *s, const char *dir)
{
	size_t dn = strlen(dir);
	for (uint32_t i = 0; i < s->docs.items.len; i++) {
		const char *p = s->docs.items.items[i]->path;
		if (lsp_is_ops(p) && strncmp(p, dir, dn) == 0 && p[dn] == '/' && !strchr(p + dn + 1, '/'))
			return true;
	}
	return false;
}

static bool reads_path(const lsp_analysis *a, const char *path)
{
	for (uint32_t f = 0; f < a->ctx.sources.files.len; f++) {
		const opsc_source *src = a->ctx.sources.files.items[f];
		if (src->embedded)
			continue;
		char *norm = opsc_project_resolve("/", src->path);
		bool same = strcmp(norm, path) == 0;
		opsc_free(norm);
		if (same)
			return true;
	}
	return false;
}

void lsp_diag_refresh(lsp_server *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash && slash != path ? opsc_strndup(path, (size_t)(slash - path)) : opsc_strdup("/");
	bool found = false;
	for (uint32_t i = 0; i < s->analyses.len;) {
		lsp_analysis *a = s->analyses.items[i];
		bool own = strcmp(a->dir, dir) == 0;
		found |= own;
		if (!dir_has_open_doc(s, a->dir)) {
			analysis_free(a);
			s->analyses.items[i] = s->analyses.items[--s->analyses.len];
			continue;
		}
		if (own || reads_path(a, path))
			analysis_run(s, a);
		i++;
	}
	if (!found && dir_has_open_doc(s, dir)) {
		lsp_analysis *a = opsc_calloc(1, sizeof *a);
		a->dir = dir;
		dir = NULL;
		opsc_array_push(&s->analyses, a);
		analysis_run(s, a);
	}
	opsc_free(dir);
	const lsp_doc *d = lsp_docs_find_path(&s->docs, path);
	char *uri = d ? opsc_strdup(d->uri) : lsp_path_to_uri(path);
	publish_all(s, uri);
	opsc_free(uri);
}
