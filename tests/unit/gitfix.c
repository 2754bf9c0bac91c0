#define _GNU_SOURCE
#include "gitfix.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static void ok(int rc, const char *what)
{
	if (rc < 0) {
		const git_error *e = git_error_last();
		fail_msg("%s: %s", what, e ? e->message : "failed");
	}
}

void gitfix_init(gitfix *f)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof f->dir, "%s/opsc-fix-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	char real[PATH_MAX];
	assert_non_null(realpath(f->dir, real));
	assert_true(strlen(real) < sizeof f->dir);
	memcpy(f->dir, real, strlen(real) + 1);
	git_libgit2_init();
	ok(git_repository_init(&f->git, f->dir, 0), "init");
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

void gitfix_dispose(gitfix *f)
{
	git_repository_free(f->git);
	f->git = NULL;
	git_libgit2_shutdown();
	nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *gitfix_path(const gitfix *f, const char *rel)
{
	static char buf[2 * PATH_MAX];
	snprintf(buf, sizeof buf, "%s/%s", f->dir, rel);
	return buf;
}

static void make_parents(const char *full)
{
	char dir[2 * PATH_MAX];
	snprintf(dir, sizeof dir, "%s", full);
	for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", dir, strerror(errno));
		*p = '/';
	}
}

void gitfix_write_n(gitfix *f, const char *path, const void *data, size_t len)
{
	const char *full = gitfix_path(f, path);
	make_parents(full);
	FILE *fp = fopen(full, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

void gitfix_write(gitfix *f, const char *path, const char *content)
{
	gitfix_write_n(f, path, content, strlen(content));
}

void gitfix_symlink(gitfix *f, const char *path, const char *target)
{
	const char *full = gitfix_path(f, path);
	make_parents(full);
	assert_int_equal(symlink(target, full), 0);
}

void gitfix_remove(gitfix *f, const char *path)
{
	assert_int_equal(unlink(gitfix_path(f, path)), 0);
}

void gitfix_add(gitfix *f, const char *path)
{
	git_index *index = NULL;
	struct stat st;
	ok(git_repository_index(&index, f->git), "index");
	if (lstat(gitfix_path(f, path), &st) == 0)
		ok(git_index_add_bypath(index, path), "add");
	else
		ok(git_index_remove_bypath(index, path), "remove");
	ok(git_index_write(index), "write index");
	git_index_free(index);
}

static void commit_tree(gitfix *f, const char *ref, const git_oid *tree_id, const git_commit *parent,
			const char *message, const char *author, int64_t time, char *id)
{
	char email[128];
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid out;
	snprintf(email, sizeof email, "%s@example.com", author);
	for (char *p = email; *p; p++)
		*p = *p == ' ' ? '.' : *p;
	ok(git_signature_new(&sig, author, email, (git_time_t)time, 60), "signature");
	ok(git_tree_lookup(&tree, f->git, tree_id), "tree");
	const git_commit *parents[1] = { parent };
	ok(git_commit_create(&out, f->git, ref, sig, sig, NULL, message, tree, parent ? 1 : 0, parents),
	   "commit");
	if (id)
		git_oid_tostr(id, 41, &out);
	git_tree_free(tree);
	git_signature_free(sig);
}

void gitfix_commit(gitfix *f, const char *message, const char *author, int64_t time, char *id)
{
	git_index *index = NULL;
	git_oid tree_id, head;
	git_commit *parent = NULL;
	ok(git_repository_index(&index, f->git), "index");
	ok(git_index_write_tree(&tree_id, index), "write tree");
	if (git_reference_name_to_id(&head, f->git, "HEAD") == 0)
		ok(git_commit_lookup(&parent, f->git, &head), "parent");
	else
		git_error_clear();
	commit_tree(f, "HEAD", &tree_id, parent, message, author, time, id);
	git_commit_free(parent);
	git_index_free(index);
}

void gitfix_ref(gitfix *f, const char *name, const char *id)
{
	char full[256];
	git_oid oid;
	git_reference *ref = NULL;
	snprintf(full, sizeof full, strncmp(name, "refs/", 5) == 0 ? "%s" : "refs/heads/%s", name);
	ok(git_oid_fromstr(&oid, id), "oid");
	ok(git_reference_create(&ref, f->git, full, &oid, 1, NULL), "ref");
	git_reference_free(ref);
}

void gitfix_commit_beside(gitfix *f, const char *ref, const char *parent, const char *path,
			  const char *content, int64_t time, char *id)
{
	git_oid pid, blob, tree_id;
	git_commit *pc = NULL;
	git_tree *ptree = NULL;
	git_treebuilder *tb = NULL;
	ok(git_oid_fromstr(&pid, parent), "oid");
	ok(git_commit_lookup(&pc, f->git, &pid), "parent");
	ok(git_commit_tree(&ptree, pc), "parent tree");
	ok(git_blob_create_from_buffer(&blob, f->git, content, strlen(content)), "blob");
	ok(git_treebuilder_new(&tb, f->git, ptree), "treebuilder");
	ok(git_treebuilder_insert(NULL, tb, path, &blob, GIT_FILEMODE_BLOB), "insert");
	ok(git_treebuilder_write(&tree_id, tb), "write tree");
	commit_tree(f, ref, &tree_id, pc, "beside", "Bob", time, id);
	git_treebuilder_free(tb);
	git_tree_free(ptree);
	git_commit_free(pc);
}
