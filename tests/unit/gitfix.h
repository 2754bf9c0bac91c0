/*
 * gitfix.h - fixture repositories built by the tests with libgit2 in a
 * temporary directory (no .git directory is ever committed).
 *
 *   gitfix f;
 *   gitfix_init(&f);
 *   gitfix_write(&f, "deploy/app.yaml", "kind: Deployment\n");
 *   gitfix_add(&f, "deploy/app.yaml");
 *   gitfix_commit(&f, "add app", "Alice", 1700000000, id);
 *   ...
 *   gitfix_dispose(&f);   // removes the directory
 *
 * Every helper fails the running test on a libgit2 or I/O error.
 */
#ifndef OPSC_GITFIX_H
#define OPSC_GITFIX_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char dir[1024]; /* the working tree, no trailing '/' */
	git_repository *git;
} gitfix;

void gitfix_init(gitfix *f);
void gitfix_dispose(gitfix *f);

/* `path` relative to the working tree; parent directories are created. */
void gitfix_write(gitfix *f, const char *path, const char *content);
void gitfix_write_n(gitfix *f, const char *path, const void *data, size_t len);
void gitfix_symlink(gitfix *f, const char *path, const char *target);
void gitfix_remove(gitfix *f, const char *path);
/* Stages `path` as it is in the working tree (its removal when it is gone). */
void gitfix_add(gitfix *f, const char *path);
/* Commits the index on HEAD as `author` <author@example.com> at `time`
 * (UTC+01:00); `id` (41 bytes) receives the commit id, may be NULL. */
void gitfix_commit(gitfix *f, const char *message, const char *author, int64_t time, char *id);
/* Points refs/heads/NAME (or any full ref name) at commit `id`. */
void gitfix_ref(gitfix *f, const char *name, const char *id);
/* Commits on `ref` a child of `parent` whose tree is the parent's plus
 * `path` = `content`, without touching the index or the working tree. */
void gitfix_commit_beside(gitfix *f, const char *ref, const char *parent, const char *path,
			  const char *content, int64_t time, char *id);
/* The absolute path of `rel` inside the fixture, in a static buffer. */
const char *gitfix_path(const gitfix *f, const char *rel);

#endif
