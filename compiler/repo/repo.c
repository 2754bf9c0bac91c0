/*
 * repo.c - opening a repository, listing its index (or a directory outside
 * any repository) and the blobs of its index that differ from HEAD. The
 * working tree is listed by repo_tree.c.
 */
#define _GNU_SOURCE
#include "repo_int.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#define BINARY_PROBE 8000u

/* ------------------------------------------------------------------ errors */

static pthread_once_t error_state = PTHREAD_ONCE_INIT;

/* libgit2 keeps the error message only once initialised: a failure before
 * any repository is open (a path that does not exist) must not be the
 * first call into it. Never shut down again, so the message stays. */
static void error_init(void)
{
	git_libgit2_init();
}

int opsc_repo_fail_(const char *fmt, ...)
{
	pthread_once(&error_state, error_init);
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_INVALID, msg);
	return -1;
}

const char *opsc_repo_error(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

/* ------------------------------------------------------------------- open */

/* The directory to discover from: `path` itself, or its parent for a file. */
static char *discovery_dir(const char *real)
{
	struct stat st;
	if (stat(real, &st) == 0 && S_ISDIR(st.st_mode))
		return opsc_strdup(real);
	const char *slash = strrchr(real, '/');
	return slash == real ? opsc_strdup("/") : opsc_strndup(real, (size_t)(slash - real));
}

/* `real` relative to `workdir` (both resolved; workdir ends in '/'), with a
 * '/' after a directory; "" for the root itself. */
static char *relative_prefix(const char *workdir, const char *real)
{
	size_t wlen = strlen(workdir) - 1;
	const char *rel = real + wlen;
	if (strncmp(real, workdir, wlen) != 0 || (*rel && *rel != '/'))
		return opsc_strdup("");
	rel += *rel == '/';
	struct stat st;
	bool dir = *rel && stat(real, &st) == 0 && S_ISDIR(st.st_mode);
	size_t len = strlen(rel);
	char *out = opsc_malloc(len + 2);
	memcpy(out, rel, len);
	out[len] = '/';
	out[len + dir] = '\0';
	return out;
}

/* The working tree's root, resolved like the path given, ending in '/'. */
static char *resolved_workdir(git_repository *git)
{
	char real[PATH_MAX];
	const char *wd = git_repository_workdir(git);
	if (!realpath(wd, real))
		return opsc_strdup(wd);
	size_t len = strlen(real);
	char *out = opsc_malloc(len + 2);
	memcpy(out, real, len);
	strcpy(out + len, len && real[len - 1] == '/' ? "" : "/");
	return out;
}

static int open_git(git_repository **git, const char *real)
{
	char *dir = discovery_dir(real);
	int rc = git_repository_open_ext(git, dir, 0, NULL);
	opsc_free(dir);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 1;
	}
	if (rc == 0 && git_repository_is_bare(*git)) {
		git_repository_free(*git);
		*git = NULL;
		return 1;
	}
	return rc < 0 ? rc : 0;
}

int opsc_repo_open(opsc_repo **out, const char *path)
{
	*out = NULL;
	char real[PATH_MAX];
	if (!realpath(path, real))
		return opsc_repo_fail_("%s: %s", path, strerror(errno));
	git_libgit2_init();
	/* Every reader here visits each object once (a tree walk, a diff, the
	 * blobs of a history each scanned once): libgit2's object cache only
	 * costs inserting and freeing thousands of trees (measured: --base on
	 * 10,000 files 58 -> 50 ms, --history no slower). */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	git_repository *git = NULL;
	int rc = open_git(&git, real);
	if (rc != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", opsc_repo_error());
		git_libgit2_shutdown();
		/* every failure names the path, as the realpath one above */
		return rc > 0 ? 0 : opsc_repo_fail_("%s: %s", path, msg);
	}
	opsc_repo *repo = opsc_calloc(1, sizeof *repo);
	repo->git = git;
	repo->workdir = resolved_workdir(git);
	repo->prefix = relative_prefix(repo->workdir, real);
	*out = repo;
	return 0;
}

void opsc_repo_free(opsc_repo *repo)
{
	if (!repo)
		return;
	git_repository_free(repo->git);
	opsc_free(repo->workdir);
	opsc_free(repo->prefix);
	opsc_free(repo);
	git_libgit2_shutdown();
}

const char *opsc_repo_workdir(const opsc_repo *repo)
{
	return repo->workdir;
}

const char *opsc_repo_gitdir(const opsc_repo *repo)
{
	return git_repository_path(repo->git);
}

const char *opsc_repo_prefix(const opsc_repo *repo)
{
	return repo->prefix;
}

bool opsc_repo_under_prefix_(const opsc_repo *repo, const char *path)
{
	size_t n = strlen(repo->prefix);
	if (n == 0)
		return true;
	if (repo->prefix[n - 1] == '/')
		return strncmp(path, repo->prefix, n) == 0;
	return strcmp(path, repo->prefix) == 0;
}

/* ------------------------------------------------------------------ files */

void opsc_repo_files_dispose(opsc_repo_files *files)
{
	for (uint32_t i = 0; i < files->paths.len; i++)
		opsc_free(files->paths.items[i]);
	for (uint32_t i = 0; i < files->skipped.len; i++) {
		opsc_free(files->skipped.items[i].path);
		opsc_free(files->skipped.items[i].reason);
	}
	opsc_array_free(&files->paths);
	opsc_array_free(&files->skipped);
}

void opsc_repo_files_skip_(opsc_repo_files *out, const char *path, const char *reason)
{
	opsc_repo_skip s = { opsc_strdup(path), opsc_strdup(reason) };
	opsc_array_push(&out->skipped, s);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_skip(const void *a, const void *b)
{
	return strcmp(((const opsc_repo_skip *)a)->path, ((const opsc_repo_skip *)b)->path);
}

void opsc_repo_files_sort_(opsc_repo_files *out)
{
	if (out->paths.len > 1)
		qsort(out->paths.items, out->paths.len, sizeof(char *), cmp_path);
	if (out->skipped.len > 1)
		qsort(out->skipped.items, out->skipped.len, sizeof(opsc_repo_skip), cmp_skip);
}

/* The index's files (stage 0) under the prefix, by their index mode. */
static void add_index_entries(opsc_repo *repo, opsc_repo_files *out, git_index *index)
{
	size_t n = git_index_entrycount(index);
	for (size_t i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		if (git_index_entry_stage(e) > 0 || !opsc_repo_under_prefix_(repo, e->path))
			continue;
		if (e->mode == GIT_FILEMODE_LINK)
			opsc_repo_files_skip_(out, e->path, OPSC_REPO_SKIP_SYMLINK);
		else if (e->mode == GIT_FILEMODE_BLOB || e->mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			opsc_array_push(&out->paths, opsc_strdup(e->path));
	}
}

int opsc_repo_list_index(opsc_repo *repo, opsc_repo_files *out)
{
	git_index *index = NULL;
	int rc = git_repository_index(&index, repo->git);
	if (rc == 0)
		rc = git_index_read(index, false);
	if (rc == 0)
		add_index_entries(repo, out, index);
	git_index_free(index);
	opsc_repo_files_sort_(out);
	return rc;
}

/* ------------------------------------------------------ outside a repository */

static struct {
	opsc_repo_files *out;
	size_t root_len;
	const char *single; /* the path given, when it is a file */
} walk;

static int walk_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	const char *rel = walk.single ? walk.single : path + walk.root_len;
	if (type == FTW_D && strcmp(path + ftw->base, ".git") == 0)
		return FTW_SKIP_SUBTREE;
	if (type == FTW_SL || type == FTW_SLN)
		opsc_repo_files_skip_(walk.out, rel, OPSC_REPO_SKIP_SYMLINK);
	else if (type == FTW_DNR) /* noted, as the repository walk does */
		opsc_repo_files_skip_(walk.out, rel, "directory not read: Permission denied");
	else if (type == FTW_F && S_ISREG(st->st_mode))
		opsc_array_push(&walk.out->paths, opsc_strdup(rel));
	return FTW_CONTINUE;
}

int opsc_repo_list_dir(const char *dir, opsc_repo_files *out)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return opsc_repo_fail_("%s: %s", dir, strerror(errno));
	walk.out = out;
	walk.single = S_ISDIR(st.st_mode) ? NULL : dir;
	walk.root_len = strlen(dir);
	while (walk.root_len > 1 && dir[walk.root_len - 1] == '/')
		walk.root_len--;
	walk.root_len += 1; /* the '/' after the root */
	int rc = nftw(dir, walk_entry, 32, FTW_PHYS | FTW_ACTIONRETVAL);
	opsc_repo_files_sort_(out);
	return rc < 0 ? opsc_repo_fail_("%s: %s", dir, strerror(errno)) : 0;
}

/* ------------------------------------------------------------------ blobs */

/* The reason to skip a blob of `size` bytes before loading it, or NULL. */
static const char *skip_before_load(char *buf, size_t cap, uint32_t mode, uint64_t size,
				    uint64_t max_size)
{
	if (mode == GIT_FILEMODE_LINK)
		return OPSC_REPO_SKIP_SYMLINK;
	if (max_size == 0 || size <= max_size)
		return NULL;
	opsc_readfile_too_big(buf, cap, size, max_size);
	return buf;
}

int opsc_repo_deliver_blob_(opsc_repo *repo, const git_oid *oid, uint32_t mode, const char *path,
			    uint64_t max_size, const opsc_repo_commit *commit,
			    opsc_repo_blob_cb cb, void *user)
{
	char reason[96];
	git_odb *odb = NULL;
	git_blob *blob = NULL;
	size_t size = 0;
	git_object_t type;
	opsc_repo_blob b = { .path = path, .commit = commit };
	int rc = git_repository_odb(&odb, repo->git);
	if (rc == 0 && mode != GIT_FILEMODE_LINK)
		rc = git_odb_read_header(&size, &type, odb, oid);
	if (rc < 0)
		goto done;
	b.skip = skip_before_load(reason, sizeof reason, mode, size, max_size);
	if (!b.skip && (rc = git_blob_lookup(&blob, repo->git, oid)) < 0)
		goto done;
	/* git_blob_is_binary also calls text with a NUL byte in its first
	 * 8000 bytes binary, as git and the file scanner do */
	if (!b.skip && git_blob_is_binary(blob))
		b.skip = "binary file";
	if (!b.skip) {
		b.data = git_blob_rawcontent(blob);
		b.len = (size_t)git_blob_rawsize(blob);
	}
	rc = cb(user, &b);
done:
	git_blob_free(blob);
	git_odb_free(odb);
	return rc;
}

/* ----------------------------------------------------------------- staged */

typedef struct {
	opsc_repo *repo;
	uint64_t max_size;
	opsc_repo_blob_cb cb;
	void *user;
} staged_walk;

static bool delta_adds_content(const git_diff_delta *d)
{
	if (d->status == GIT_DELTA_DELETED || d->new_file.mode == GIT_FILEMODE_COMMIT)
		return false;
	return d->new_file.mode == GIT_FILEMODE_BLOB || d->new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
	       d->new_file.mode == GIT_FILEMODE_LINK;
}

static int head_tree(git_tree **out, git_repository *git)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, git, "HEAD^{tree}");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_error_clear();
		*out = NULL; /* before the first commit: compare with nothing */
		return 0;
	}
	*out = (git_tree *)obj;
	return rc;
}

int opsc_repo_each_staged(opsc_repo *repo, uint64_t max_size, opsc_repo_blob_cb cb, void *user)
{
	git_tree *head = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	git_diff_options dopts;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	int rc = head_tree(&head, repo->git);
	if (rc == 0)
		rc = git_repository_index(&index, repo->git);
	if (rc == 0) /* the index changes under a long-lived handle (hooks, tests) */
		rc = git_index_read(index, false);
	if (rc == 0)
		rc = git_diff_tree_to_index(&diff, repo->git, head, index, &dopts);
	for (size_t i = 0; rc == 0 && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (!delta_adds_content(d) || !opsc_repo_under_prefix_(repo, d->new_file.path))
			continue;
		rc = opsc_repo_deliver_blob_(repo, &d->new_file.id, d->new_file.mode, d->new_file.path,
					     max_size, NULL, cb, user);
	}
	git_diff_free(diff);
	git_index_free(index);
	git_tree_free(head);
	return rc < 0 ? rc : 0;
}

int opsc_repo_each_index(opsc_repo *repo, const char *dir, uint64_t max_size, opsc_repo_blob_cb cb,
			 void *user)
{
	git_index *index = NULL;
	size_t dlen = dir ? strlen(dir) : 0;
	int rc = git_repository_index(&index, repo->git);
	if (rc == 0) /* the index changes under a long-lived handle (hooks, tests) */
		rc = git_index_read(index, false);
	size_t n = rc == 0 ? git_index_entrycount(index) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		bool under = dir ? dlen == 0 || (strncmp(e->path, dir, dlen) == 0 && e->path[dlen] == '/')
				 : opsc_repo_under_prefix_(repo, e->path);
		if (!under || GIT_INDEX_ENTRY_STAGE(e) != 0 || e->mode == GIT_FILEMODE_COMMIT)
			continue;
		rc = opsc_repo_deliver_blob_(repo, &e->id, e->mode, e->path, max_size, NULL, cb, user);
	}
	git_index_free(index);
	return rc < 0 ? rc : 0;
}
