/*
 * repo_tree.c - the files of a repository's working tree, as `git ls-files
 * --cached --others --exclude-standard` lists them: every tracked path still
 * there, and every untracked file .gitignore does not exclude.
 *
 * One readdir walk beside the index's sorted entries. git_status would give
 * the same list, but it also compares every tracked file with its index
 * entry (an lstat each, a look at .gitattributes, a hash when the entry is
 * racy), which listing does not need: a tracked path is listed for being
 * there, whatever its content. Only untracked paths ask the ignore rules, and
 * an untracked ignored directory is not entered. Submodules, nested
 * repositories and `.git` are left out; a symbolic link is noted, not followed.
 */
#define _GNU_SOURCE
#include "repo_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
	opsc_repo *repo;
	opsc_repo_files *out;
	const git_index_entry **tracked; /* every stage, sorted by path */
	size_t ntracked;
	int rc;
} tree_walk;

static int by_path(const void *a, const void *b)
{
	return strcmp((*(const git_index_entry *const *)a)->path, (*(const git_index_entry *const *)b)->path);
}

/* The first entry whose path is >= `path`. */
static size_t lower_bound(const tree_walk *w, const char *path)
{
	size_t lo = 0, hi = w->ntracked;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w->tracked[mid]->path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const git_index_entry *tracked_at(const tree_walk *w, const char *path)
{
	size_t i = lower_bound(w, path);
	return i < w->ntracked && strcmp(w->tracked[i]->path, path) == 0 ? w->tracked[i] : NULL;
}

/* Whether the index holds a path under directory `dir` (ending in '/'). */
static bool tracks_under(const tree_walk *w, const char *dir)
{
	size_t i = lower_bound(w, dir), n = strlen(dir);
	return i < w->ntracked && strncmp(w->tracked[i]->path, dir, n) == 0;
}

static bool ignored(tree_walk *w, const char *path)
{
	int ign = 0;
	if (git_ignore_path_is_ignored(&ign, w->repo->git, path) < 0) {
		git_error_clear(); /* an unreadable .gitignore: list the path */
		return false;
	}
	return ign != 0;
}

/* The working tree's `rel` followed by `suffix`, as a path to open. */
static char *full_path(const tree_walk *w, const char *rel, const char *suffix)
{
	char *full = opsc_malloc(strlen(w->repo->workdir) + strlen(rel) + strlen(suffix) + 1);
	strcpy(stpcpy(stpcpy(full, w->repo->workdir), rel), suffix);
	return full;
}

/* A directory holding `.git` is another repository: git does not list it. */
static bool nested_repo(const tree_walk *w, const char *dir)
{
	char *full = full_path(w, dir, ".git");
	struct stat st;
	bool nested = lstat(full, &st) == 0;
	opsc_free(full);
	return nested;
}

static void walk_dir(tree_walk *w, const char *dir);

/* `path` of type `type` (a DT_ value) found in the working tree. */
static void visit(tree_walk *w, const char *path, unsigned char type)
{
	if (type == DT_UNKNOWN) {
		char *full = full_path(w, path, "");
		struct stat st;
		type = lstat(full, &st) != 0 ? DT_UNKNOWN
		       : S_ISDIR(st.st_mode) ? DT_DIR
		       : S_ISREG(st.st_mode) ? DT_REG
		       : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
		opsc_free(full);
	}
	const git_index_entry *e = tracked_at(w, path);
	if (type == DT_DIR) {
		if (e && e->mode == GIT_FILEMODE_COMMIT)
			return; /* a submodule */
		size_t n = strlen(path);
		char *sub = opsc_malloc(n + 2);
		strcpy(stpcpy(sub, path), "/");
		if (tracks_under(w, sub) || (!ignored(w, sub) && !nested_repo(w, sub)))
			walk_dir(w, sub);
		opsc_free(sub);
		return;
	}
	if ((type != DT_REG && type != DT_LNK) || (!e && ignored(w, path)))
		return;
	if (type == DT_LNK)
		opsc_repo_files_skip_(w->out, path, OPSC_REPO_SKIP_SYMLINK);
	else
		opsc_array_push(&w->out->paths, opsc_strdup(path));
}

/* Lists directory `dir` ("" for the root, else ending in '/'). */
static void walk_dir(tree_walk *w, const char *dir)
{
	size_t dlen = strlen(dir);
	char *full = full_path(w, dir, "");
	DIR *d = opendir(full);
	opsc_free(full);
	if (!d) {
		/* the root itself must open; a directory gone since its parent
		 * was read has nothing to list; one that cannot be read is noted,
		 * so that what it holds is not passed over in silence */
		if (!*dir && w->rc == 0)
			w->rc = opsc_repo_fail_("%s: %s", w->repo->workdir, strerror(errno));
		else if (*dir && errno != ENOENT && errno != ENOTDIR) {
			char reason[128];
			snprintf(reason, sizeof reason, "directory not read: %s", strerror(errno));
			char *path = opsc_strndup(dir, dlen - 1); /* without its '/' */
			opsc_repo_files_skip_(w->out, path, reason);
			opsc_free(path);
		}
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, ".git") == 0)
			continue;
		char *path = opsc_malloc(dlen + strlen(name) + 1);
		strcpy(stpcpy(path, dir), name);
		visit(w, path, de->d_type);
		opsc_free(path);
	}
	closedir(d);
}

/* The walk's start: the root, the prefix's directory, or its one file. */
static void walk_prefix(tree_walk *w)
{
	const char *prefix = w->repo->prefix;
	size_t n = strlen(prefix);
	if (n == 0) {
		walk_dir(w, "");
		return;
	}
	char *path = opsc_strndup(prefix, prefix[n - 1] == '/' ? n - 1 : n);
	visit(w, path, DT_UNKNOWN);
	opsc_free(path);
}

int opsc_repo_list_worktree(opsc_repo *repo, opsc_repo_files *out)
{
	git_index *index = NULL;
	tree_walk w = { .repo = repo, .out = out };
	int rc = git_repository_index(&index, repo->git);
	if (rc == 0)
		rc = git_index_read(index, false);
	if (rc == 0) {
		/* sorted here: with core.ignorecase the index orders paths
		 * without case, and the lookups compare them with strcmp */
		w.ntracked = git_index_entrycount(index);
		w.tracked = opsc_malloc((w.ntracked + 1) * sizeof *w.tracked);
		for (size_t i = 0; i < w.ntracked; i++)
			w.tracked[i] = git_index_get_byindex(index, i);
		if (w.ntracked > 1)
			qsort(w.tracked, w.ntracked, sizeof *w.tracked, by_path);
		walk_prefix(&w);
		rc = w.rc;
	}
	opsc_free(w.tracked);
	git_index_free(index);
	opsc_repo_files_sort_(out);
	return rc;
}
