/*
 * repo_int.h - shared by repo.c (opening, the index), repo_tree.c (the
 * working tree) and repo_history.c (history and changed lines). Not for
 * other modules.
 */
#ifndef OPSC_REPO_INTERNAL_H
#define OPSC_REPO_INTERNAL_H

#include <git2.h>

#include "repo.h"

struct opsc_repo {
	git_repository *git;
	char *workdir; /* absolute, ends in '/' */
	char *prefix; /* relative to workdir: "", "dir/", or "dir/file" */
};

#define OPSC_REPO_SKIP_SYMLINK "symbolic link, not followed"

/* Notes `path` as skipped for `reason` (both copied). */
void opsc_repo_files_skip_(opsc_repo_files *out, const char *path, const char *reason);
/* Sorts the paths and the skipped, as opsc_repo_files promises. */
void opsc_repo_files_sort_(opsc_repo_files *out);

/* Whether repository-relative `path` is under the repository's prefix. */
bool opsc_repo_under_prefix_(const opsc_repo *repo, const char *path);

/* Loads blob `oid` for `path` and calls `cb` with its content, or with a
 * skip reason when it is a symbolic link, binary, or over `max_size`. */
int opsc_repo_deliver_blob_(opsc_repo *repo, const git_oid *oid, uint32_t mode, const char *path,
			    uint64_t max_size, const opsc_repo_commit *commit,
			    opsc_repo_blob_cb cb, void *user);

/* The commits a history scan visits, in order (see repo_walk.c): *out is
 * opsc_malloc'd (release with opsc_free); `boundary` marks a shallow
 * clone's oldest commits. *shallow tells the repository is shallow. */
typedef struct {
	git_oid id;
	bool boundary;
} opsc_repo_walk_commit;
int opsc_repo_walk_(opsc_repo_walk_commit **out, uint32_t *n, bool *shallow, opsc_repo *repo);

/* Records a failure of our own so opsc_repo_error reports it. */
int opsc_repo_fail_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
