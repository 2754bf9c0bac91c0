/*
 * repo.h - where `opsc lint` looks, through libgit2: the files of a working
 * tree (respecting .gitignore), the blobs the next commit will contain, the
 * lines a branch adds since its merge base, and every distinct blob of the
 * history with the commit that introduced it. A directory outside any
 * repository is listed whole, like `gitleaks dir`.
 *
 * Symbolic links are never followed, in a repository or outside one: they
 * are skipped with a note. Binary blobs and blobs over the size limit are
 * skipped with a note before their content is loaded.
 *
 * Ownership: an opsc_repo owns its libgit2 repository, index and every other
 * handle it opens, and the library's initialisation (git_libgit2_init and
 * git_libgit2_shutdown are called here and nowhere else). Lists filled by
 * these functions own their strings; release them with their _dispose.
 */
#ifndef OPSC_REPO_H
#define OPSC_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct opsc_repo opsc_repo;

/* Opens the repository whose working tree contains `path` (a file or a
 * directory). Returns 0 with *out NULL when `path` is in no repository (or
 * only in a bare one), negative on a failure (opsc_repo_error says what,
 * naming `path`). */
int opsc_repo_open(opsc_repo **out, const char *path);
void opsc_repo_free(opsc_repo *repo);

/* The working tree's root, ending in '/'. */
const char *opsc_repo_workdir(const opsc_repo *repo);
/* The repository's git directory (".git/", or a worktree's), ending in '/'. */
const char *opsc_repo_gitdir(const opsc_repo *repo);
/* `path` relative to the working tree ("" for the root, "deploy/" for a
 * directory, "deploy/app.yaml" for a file): only paths under it are listed. */
const char *opsc_repo_prefix(const opsc_repo *repo);
/* The message of the last libgit2 failure on this thread. */
const char *opsc_repo_error(void);

/* ---------------------------------------------------------------- files */

typedef struct {
	char *path;
	char *reason; /* "symbolic link, not followed" */
} opsc_repo_skip;

/* Files to read from disk, relative to a root, '/'-separated, sorted. */
typedef struct {
	opsc_array(char *) paths;
	opsc_array(opsc_repo_skip) skipped;
} opsc_repo_files;

void opsc_repo_files_dispose(opsc_repo_files *files);

/* The working tree under the prefix: tracked files still present and
 * untracked files that .gitignore does not exclude; submodules are left out. */
int opsc_repo_list_worktree(opsc_repo *repo, opsc_repo_files *out);
/* The files of the index under the prefix, without the status walk (no
 * untracked file; an entry deleted from the working tree is listed). */
int opsc_repo_list_index(opsc_repo *repo, opsc_repo_files *out);
/* Every regular file under `dir` (or `dir` itself when it is a file),
 * relative to it; `.git` directories are left out. */
int opsc_repo_list_dir(const char *dir, opsc_repo_files *out);

/* ---------------------------------------------------------------- blobs */

typedef struct {
	char id[41]; /* hex */
	const char *author; /* "Name <email>" */
	char date[32]; /* author date, ISO 8601 with its offset: 2024-03-01T10:00:00+01:00 */
	int64_t time; /* committer time, seconds since the epoch */
} opsc_repo_commit;

typedef struct {
	const char *path; /* repository-relative */
	const char *data; /* the content, NULL when skipped */
	size_t len;
	const char *skip; /* why it was skipped ("binary file", "12.0 MiB, over the
			     10.0 MiB limit", "symbolic link, not followed"), else NULL */
	const opsc_repo_commit *commit; /* history: the introducing commit, else NULL */
} opsc_repo_blob;

/* Return non-zero to stop. Everything `blob` points to is valid only during
 * the call. */
typedef int (*opsc_repo_blob_cb)(void *user, const opsc_repo_blob *blob);

/* The index entries under the prefix that differ from HEAD (every entry
 * before the first commit): exactly the changed content of the next commit,
 * read from the object database, not the working tree. Deleted files and
 * submodules are left out. `max_size` 0 means no limit. */
int opsc_repo_each_staged(opsc_repo *repo, uint64_t max_size, opsc_repo_blob_cb cb, void *user);

/* Every entry of the index (the whole content of the next commit, changed
 * or not), read from the object database in path order: under the
 * repository-relative directory `dir` ("" for all, whatever the prefix), or
 * under the prefix when `dir` is NULL. What checks needing the complete set
 * of manifests read with --staged. Submodules and conflicts are left out. */
int opsc_repo_each_index(opsc_repo *repo, const char *dir, uint64_t max_size, opsc_repo_blob_cb cb,
			 void *user);

typedef int (*opsc_repo_progress_cb)(void *user, uint32_t commits, uint32_t blobs);

typedef struct {
	int64_t since; /* skip commits whose committer time is older; 0: none */
	uint64_t max_size; /* 0: no limit */
	opsc_repo_progress_cb progress; /* after each commit, may be NULL */
	void *user;
} opsc_repo_history_opts;

typedef struct {
	uint32_t commits, blobs; /* commits walked, distinct blobs delivered */
	bool shallow; /* a shallow clone: commits older than its boundary are absent */
} opsc_repo_history_stats;

/*
 * Every commit reachable from HEAD and every reference, parents before
 * children (reverse topological order, ties by time). Each commit is
 * compared with its first parent (a root commit with the empty tree); each
 * blob it adds or changes under the prefix that was not seen before is
 * delivered once, with that commit and that path. So a blob is reported at
 * the oldest commit, in that order, that brought it into the tree, under
 * the path it had there, however many later commits and paths carry it.
 * In a shallow clone the oldest commits present are compared with the
 * empty tree (stats->shallow says so). A commit that cannot be read is a
 * failure, not the end of the walk.
 */
int opsc_repo_each_history(opsc_repo *repo, const opsc_repo_history_opts *opts,
			   opsc_repo_history_stats *stats, opsc_repo_blob_cb cb, void *user);

/* ------------------------------------------------------------ changed lines */

typedef struct {
	uint32_t start, end; /* 1-based, inclusive, in the new file */
} opsc_line_range;

typedef struct {
	char *path; /* repository-relative */
	opsc_array(opsc_line_range) added; /* in order, not overlapping */
} opsc_repo_change;

typedef struct {
	char base[41]; /* the merge base, hex */
	opsc_array(opsc_repo_change) files; /* sorted by path */
} opsc_repo_changes;

/*
 * What a pull request from the working tree into `rev` adds: the diff from
 * the merge base of `rev` and HEAD (as GitHub computes `base...head`) to
 * the working tree, through the index (so staged, committed and unstaged
 * edits count; untracked files do not). Only files still present, under the
 * prefix, with at least one added line are listed. Returns negative, with a
 * message, when `rev` does not resolve or shares no history with HEAD.
 */
int opsc_repo_diff_base(opsc_repo *repo, const char *rev, opsc_repo_changes *out);
void opsc_repo_changes_dispose(opsc_repo_changes *changes);
/* The changed file `path`, or NULL. */
const opsc_repo_change *opsc_repo_changes_find(const opsc_repo_changes *changes, const char *path);
/* Whether `line` of `path` was added. */
bool opsc_repo_changes_added(const opsc_repo_changes *changes, const char *path, uint32_t line);

#endif
