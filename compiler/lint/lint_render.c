/*
 * lint_render.c - one kustomization rendered by the renderer `opsc lint`
 * uses (actual_kust.h) and written as YAML, object by object: what
 * `opsc __render` prints, so that it can be held against `kustomize build`
 * (tests/oracle/kustomize_oracle.py).
 */
#include "lint_int.h"

#include <stdlib.h>
#include <string.h>

#include "actual.h"
#include "repo.h"

typedef opsc_array(const opsc_yamldoc_node *) docs;

static void collect(void *user, const opsc_yamldoc_node *doc)
{
	opsc_array_push((docs *)user, doc);
}

static const char *field(const opsc_yamldoc_node *doc, const char *path)
{
	const char *s = opsc_yamldoc_str(opsc_yamldoc_path(doc, path));
	return s ? s : "";
}

/* kind, namespace, name, apiVersion: an order that does not depend on the
 * order of resources, so that two renderings compare object by object. */
static int cmp_doc(const void *x, const void *y)
{
	const opsc_yamldoc_node *a = *(const opsc_yamldoc_node *const *)x, *b = *(const opsc_yamldoc_node *const *)y;
	static const char *const keys[] = { "kind", "metadata.namespace", "metadata.name", "apiVersion" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int c = strcmp(field(a, keys[i]), field(b, keys[i]));
		if (c)
			return c;
	}
	return 0;
}

static bool wanted(const char *path)
{
	const char *slash = strrchr(path, '/');
	return opsc_lint_is_yaml(path) || strcmp(slash ? slash + 1 : path, "Kustomization") == 0;
}

/* Every YAML file under `root`, registered by its path relative to it. */
static int add_tree(opsc_actual *a, opsc_arena *arena, const char *root, const char **error)
{
	opsc_repo_files files = { 0 };
	int rc = opsc_repo_list_dir(root, &files);
	if (rc < 0)
		*error = opsc_arena_strdup(arena, opsc_repo_error());
	for (uint32_t i = 0; rc == 0 && i < files.paths.len; i++) {
		const char *rel = files.paths.items[i];
		if (wanted(rel))
			opsc_actual_add_file(a, opsc_arena_printf(arena, "%s/%s", root, rel), rel);
	}
	opsc_repo_files_dispose(&files);
	return rc;
}

int opsc_lint_render(FILE *out, opsc_ctx *ctx, const char *root, const char *dir, const char **error)
{
	docs objs = { 0 };
	opsc_actual *a = opsc_actual_new(ctx);
	int rc = add_tree(a, ctx->arena, root, error);
	if (rc == 0 && opsc_actual_render_dir(a, dir, collect, &objs) < 0) {
		*error = opsc_arena_printf(ctx->arena, "%s: no kustomization under %s", dir, root);
		rc = -1;
	}
	if (objs.len > 1)
		qsort(objs.items, objs.len, sizeof *objs.items, cmp_doc);
	for (uint32_t i = 0; rc == 0 && i < objs.len; i++) {
		fputs("---\n", out);
		opsc_yamldoc_write(out, objs.items[i]);
	}
	opsc_array_free(&objs);
	opsc_actual_free(a);
	return rc;
}
