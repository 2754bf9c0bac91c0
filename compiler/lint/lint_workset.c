/*
 * lint_workset.c - the manifests a change of workloads needs (lint_int.h).
 *
 * A pull request that scales ten Deployments must not read the ten
 * thousand manifests of the repository to build the actual Model. With
 * --base and --staged a policy finding is kept only on a changed line (or
 * in a changed file), so when the change declares workloads and nothing
 * else, the findings that can be kept are those located in the changed
 * workloads. What the rules read besides the workload itself is its
 * namespace: the Namespace's labels (Pod Security level, image pinning),
 * its ResourceQuota and the other workloads of the namespace (their
 * requests add up against the quota). Every manifest that can hold any of
 * that names the namespace, so a file whose bytes contain none of the
 * changed workloads' namespace names is not parsed.
 *
 * The files still read keep their path order, so the Model of the
 * namespaces concerned is the one a full read builds, and so are the
 * findings in the changed files. That holds for policies that judge each
 * workload on itself and its namespace: lint_policy.c does not make the
 * set when a policy (the user's own, say) compares workloads with each
 * other or with other collections. The changed manifests are first read on
 * their own (from the heads lint.c keeps of them) to learn what they
 * declare; anything but workloads, a .ops file, or a head that may not be
 * the whole file, and every manifest is read as before.
 *
 * A kustomization (kustomize's, or a Flux Kustomization) can give the
 * objects it renders a namespace they do not name: with one anywhere in
 * the tree, or among the changed files, every manifest is read. Only
 * --base uses the set: --staged reads the index's blobs, which would have
 * to be read twice to know.
 */
#define _GNU_SOURCE /* memmem */
#include "lint_int.h"

#include <string.h>

#include "actual.h"

bool opsc_lint_kustomize_file(const char *path, const char *data, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	return strcmp(base, "kustomization.yaml") == 0 || strcmp(base, "kustomization.yml") == 0 ||
	       strcmp(base, "Kustomization") == 0 || (data && memmem(data, len, "Kustomization", 13));
}

/* Reads the changed manifests into a Model of their own: whether they
 * declare workloads only, and which namespaces those name. */
static bool probe(lint_run *run, lint_workset *ws)
{
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_actual *a = opsc_actual_new(&ctx);
	bool ok = true;
	for (uint32_t i = 0; ok && i < run->changed.len; i++) {
		const lint_changed *c = &run->changed.items[i];
		if (opsc_source_is_ops(c->path))
			ok = false;
		else if (opsc_lint_is_yaml(c->path))
			ok = c->whole && !opsc_lint_kustomize_file(c->path, c->head, c->len) &&
			     opsc_actual_add_text(a, c->path, c->head, c->len) == 0;
	}
	if (ok)
		opsc_actual_render(a, NULL); /* objects are read as rendered */
	ok = ok && opsc_actual_only_workloads(a);
	if (ok) {
		const char **names;
		ws->nnames = opsc_actual_namespaces(a, &names);
		ws->names = ws->nnames ? opsc_arena_alloc(run->out->arena, ws->nnames * sizeof *ws->names) : NULL;
		for (uint32_t i = 0; i < ws->nnames; i++)
			ws->names[i] = opsc_arena_strdup(run->out->arena, names[i]);
	}
	opsc_actual_free(a);
	opsc_ctx_dispose(&ctx);
	return ok;
}

void opsc_lint_workset_make(lint_run *run, lint_workset *ws)
{
	*ws = (lint_workset){ 0 };
	if (run->opts->mode != OPSC_LINT_BASE)
		return;
	ws->active = probe(run, ws);
}

bool opsc_lint_workset_wants(const lint_run *run, const lint_workset *ws, const char *path,
			     const char *data, size_t len)
{
	if (!ws->active || opsc_lint_changes_has(run, path))
		return true;
	for (uint32_t i = 0; data && i < ws->nnames; i++)
		if (memmem(data, len, ws->names[i], strlen(ws->names[i])))
			return true;
	return false;
}
