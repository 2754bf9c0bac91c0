/*
 * lint_changes.c - what every finder of a lint run asks about the target:
 * which files a change touched (--base, --staged), how a path is shown and
 * whether it names a manifest. The finders (lint_policy.c, lint_drift.c,
 * lint_check.c) and the parts they call (lint_workset.c) call these; the
 * pipeline in lint.c calls the finders, so the arrows run one way.
 */
#define _GNU_SOURCE
#include "lint_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How much of a changed file is kept for the finders' "does it concern me" tests. */
#define CHANGED_HEAD 65536

const char *opsc_lint_tree_path(const lint_run *run, const char *path)
{
	const char *top = run->t && run->t->repo ? opsc_repo_workdir(run->t->repo) : NULL;
	size_t n = top ? strlen(top) : 0;
	return top && strncmp(path, top, n) == 0 ? path + n : path;
}

bool opsc_lint_is_yaml(const char *path)
{
	size_t n = strlen(path);
	return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) || (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

/* The secret and policy finders read the same files: one status walk of
 * a large tree costs tens of thousands of stat calls. */
int opsc_lint_worktree(lint_run *run, const opsc_repo_files **out)
{
	const target *t = run->t;
	*out = &run->files;
	if (run->have_files)
		return 0;
	int rc = t->repo ? opsc_repo_list_worktree(t->repo, &run->files) : opsc_repo_list_dir(t->path, &run->files);
	run->have_files = rc == 0;
	if (rc < 0) {
		opsc_repo_files_dispose(&run->files);
		run->files = (opsc_repo_files){ 0 };
	}
	return rc;
}

int opsc_lint_base_changes(lint_run *run)
{
	if (run->have_changes)
		return 0;
	if (opsc_repo_diff_base(run->t->repo, run->opts->base, &run->changes) < 0)
		{
			run->error = opsc_arena_printf(run->out->arena, "%s: %s", "--base", opsc_repo_error());
			return -1;
		}
	run->have_changes = true;
	return 0;
}

static void add_changed(lint_run *run, const char *path, const char *data, size_t len)
{
	size_t n = len < CHANGED_HEAD ? len : CHANGED_HEAD;
	lint_changed c = { opsc_arena_strdup(run->out->arena, path),
			   data ? opsc_arena_strndup(run->out->arena, data, n) : NULL, n,
			   data && len < CHANGED_HEAD };
	opsc_array_push(&run->changed, c);
}

static int on_changed_blob(void *user, const opsc_repo_blob *blob)
{
	add_changed(user, blob->path, blob->data, blob->len);
	return 0;
}

int opsc_lint_changed(lint_run *run)
{
	if (run->have_changed)
		return 0;
	if (run->opts->mode == OPSC_LINT_STAGED) {
		if (opsc_repo_each_staged(run->t->repo, 0, on_changed_blob, run) < 0)
			{
			run->error = opsc_arena_printf(run->out->arena, "%s: %s", "--staged", opsc_repo_error());
			return -1;
		}
	} else if (run->opts->mode == OPSC_LINT_BASE) {
		if (opsc_lint_base_changes(run) < 0)
			return -1;
		const char *root = opsc_repo_workdir(run->t->repo);
		for (uint32_t i = 0; i < run->changes.files.len; i++) {
			const char *rel = run->changes.files.items[i].path;
			char *path = opsc_arena_printf(run->out->arena, "%s%s", root, rel);
			struct stat st;
			int fd = opsc_file_open(path, 0, &st); /* never a FIFO's blocking read */
			char *buf = fd >= 0 ? opsc_malloc(CHANGED_HEAD) : NULL;
			ssize_t got = fd >= 0 ? read(fd, buf, CHANGED_HEAD) : 0;
			size_t len = got > 0 ? (size_t)got : 0;
			if (fd >= 0)
				close(fd);
			add_changed(run, rel, buf, len);
			opsc_free(buf);
		}
	}
	if (run->changed.len > 1)
		qsort(run->changed.items, run->changed.len, sizeof(lint_changed), opsc_cmp_str);
	run->have_changed = true;
	return 0;
}

bool opsc_lint_changes_any(lint_run *run, bool (*fn)(const char *path, const char *data, size_t len))
{
	for (uint32_t i = 0; i < run->changed.len; i++)
		if (fn(run->changed.items[i].path, run->changed.items[i].head, run->changed.items[i].len))
			return true;
	return false;
}

bool opsc_lint_changes_has(const lint_run *run, const char *path)
{
	lint_changed key = { path, NULL, 0, false };
	return run->changed.len &&
	       bsearch(&key, run->changed.items, run->changed.len, sizeof(lint_changed), opsc_cmp_str);
}
