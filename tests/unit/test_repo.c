/*
 * test_repo.c - where lint looks: working tree, index, history and changed
 * lines of fixture repositories built with libgit2 (gitfix.h).
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "alloc.h"
#include "gitfix.h"
#include "repo.h"

/* ------------------------------------------------------------ helpers */

static opsc_repo *open_at(const gitfix *f, const char *rel)
{
	opsc_repo *repo = NULL;
	assert_int_equal(opsc_repo_open(&repo, gitfix_path(f, rel)), 0);
	assert_non_null(repo);
	return repo;
}

/* "a.txt b.txt | link=symbolic link, not followed" */
static void files_string(char *out, size_t cap, const opsc_repo_files *files)
{
	size_t n = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < files->paths.len; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", files->paths.items[i]);
	n += (size_t)snprintf(out + n, cap - n, " |");
	for (uint32_t i = 0; i < files->skipped.len; i++)
		n += (size_t)snprintf(out + n, cap - n, " %s=%s", files->skipped.items[i].path,
				      files->skipped.items[i].reason);
}

typedef struct {
	char log[2048];
	size_t n;
} blob_log;

/* Appends "path:content-or-(skip reason)[@author date];" */
static int log_blob(void *user, const opsc_repo_blob *b)
{
	blob_log *l = user;
	l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "%s:", b->path);
	if (b->skip)
		l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "(%s)", b->skip);
	else
		l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "%.*s", (int)b->len, b->data);
	if (b->commit)
		l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "@%.7s %s %s", b->commit->id,
					 b->commit->author, b->commit->date);
	l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, ";");
	return 0;
}

/* Appends "path ", and "| " when the commit changes. */
static int log_path(void *user, const opsc_repo_blob *b)
{
	blob_log *l = user;
	static char last[41];
	if (l->n == 0)
		memcpy(last, b->commit->id, sizeof last);
	if (strcmp(last, b->commit->id) != 0)
		l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "| ");
	memcpy(last, b->commit->id, sizeof last);
	l->n += (size_t)snprintf(l->log + l->n, sizeof l->log - l->n, "%s ", b->path);
	return 0;
}

/* ------------------------------------------------------------ open */

static void test_repo__open_outside_a_repository(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "sub/x.txt", "x\n");
	opsc_repo *repo = NULL;
	assert_int_equal(opsc_repo_open(&repo, "/"), 0);
	assert_null(repo);
	repo = open_at(&f, "sub/x.txt");
	assert_string_equal(opsc_repo_prefix(repo), "sub/x.txt");
	char want[1100];
	snprintf(want, sizeof want, "%s/", f.dir);
	assert_string_equal(opsc_repo_workdir(repo), want);
	opsc_repo_free(repo);
	repo = open_at(&f, "sub");
	assert_string_equal(opsc_repo_prefix(repo), "sub/");
	opsc_repo_free(repo);
	repo = open_at(&f, "");
	assert_string_equal(opsc_repo_prefix(repo), "");
	opsc_repo_free(repo);
	assert_int_not_equal(opsc_repo_open(&repo, gitfix_path(&f, "missing")), 0);
	assert_non_null(strstr(opsc_repo_error(), "missing"));
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ worktree */

static void test_repo__worktree_respects_gitignore_and_symlinks(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, ".gitignore", "*.log\nbuild/\n");
	gitfix_write(&f, "tracked.yaml", "a: 1\n");
	gitfix_write(&f, "gone.yaml", "b: 2\n");
	gitfix_write(&f, "forced.log", "tracked although ignored\n");
	gitfix_symlink(&f, "tracked-link", "/etc/passwd");
	const char *add[] = { ".gitignore", "tracked.yaml", "gone.yaml", "forced.log", "tracked-link" };
	for (size_t i = 0; i < 5; i++)
		gitfix_add(&f, add[i]);
	gitfix_commit(&f, "one", "Alice", 1700000000, NULL);
	gitfix_remove(&f, "gone.yaml");
	gitfix_write(&f, "new/untracked.env", "X=1\n");
	gitfix_write(&f, "debug.log", "ignored\n");
	gitfix_write(&f, "build/out.yaml", "ignored\n");
	gitfix_symlink(&f, "outside", "/etc");
	gitfix_symlink(&f, "new/escape.yaml", "../../../../etc/hostname");

	opsc_repo *repo = open_at(&f, "");
	opsc_repo_files files = { 0 };
	char got[1024];
	assert_int_equal(opsc_repo_list_worktree(repo, &files), 0);
	files_string(got, sizeof got, &files);
	assert_string_equal(got, ".gitignore forced.log new/untracked.env tracked.yaml | "
				 "new/escape.yaml=symbolic link, not followed "
				 "outside=symbolic link, not followed "
				 "tracked-link=symbolic link, not followed");
	opsc_repo_files_dispose(&files);
	opsc_repo_free(repo);

	repo = open_at(&f, "new");
	assert_int_equal(opsc_repo_list_worktree(repo, &files), 0);
	files_string(got, sizeof got, &files);
	assert_string_equal(got, "new/untracked.env | new/escape.yaml=symbolic link, not followed");
	opsc_repo_files_dispose(&files);
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

static void test_repo__worktree_file_replaced_by_symlink(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "a.yaml", "a: 1\n");
	gitfix_add(&f, "a.yaml");
	gitfix_commit(&f, "one", "Alice", 1700000000, NULL);
	gitfix_remove(&f, "a.yaml");
	gitfix_symlink(&f, "a.yaml", "/etc/hostname");
	opsc_repo *repo = open_at(&f, "");
	opsc_repo_files files = { 0 };
	char got[512];
	assert_int_equal(opsc_repo_list_worktree(repo, &files), 0);
	files_string(got, sizeof got, &files);
	assert_string_equal(got, " | a.yaml=symbolic link, not followed");
	opsc_repo_files_dispose(&files);
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

/* The working tree listed from `rel` is `want` (files_string). */
static void expect_worktree(const gitfix *f, const char *rel, const char *want)
{
	opsc_repo *repo = open_at(f, rel);
	opsc_repo_files files = { 0 };
	char got[1024];
	assert_int_equal(opsc_repo_list_worktree(repo, &files), 0);
	files_string(got, sizeof got, &files);
	assert_string_equal(got, want);
	opsc_repo_files_dispose(&files);
	opsc_repo_free(repo);
}

/* An ignored directory is not entered unless it holds tracked files, whose
 * untracked neighbours stay ignored; another repository inside the tree is
 * not listed; nor is a submodule. */
static void test_repo__worktree_ignored_directories_and_nested_repositories(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, ".gitignore", "a/b/\n*.tmp\nvendor/\n");
	gitfix_write(&f, "a/keep.tmp", "tracked although ignored\n");
	gitfix_write(&f, "vendor/tracked.yaml", "v: 1\n");
	const char *add[] = { ".gitignore", "a/keep.tmp", "vendor/tracked.yaml" };
	for (size_t i = 0; i < 3; i++)
		gitfix_add(&f, add[i]);
	gitfix_commit(&f, "one", "Alice", 1700000000, NULL);
	gitfix_write(&f, "a/b/x.yaml", "ignored directory\n");
	gitfix_write(&f, "a/c/d.yaml", "untracked\n");
	gitfix_write(&f, "a/c/e.tmp", "ignored file\n");
	gitfix_write(&f, "vendor/untracked.yaml", "ignored directory, tracked neighbour\n");
	gitfix_write(&f, "nested/.git/HEAD", "ref: refs/heads/main\n");
	gitfix_write(&f, "nested/inner.yaml", "another repository\n");
	gitfix_write(&f, "deep/.git", "gitdir: ../.git/modules/deep\n");
	gitfix_write(&f, "deep/sub.yaml", "a worktree's .git file\n");

	expect_worktree(&f, "", ".gitignore a/c/d.yaml a/keep.tmp vendor/tracked.yaml |");
	expect_worktree(&f, "a", "a/c/d.yaml a/keep.tmp |");
	expect_worktree(&f, "vendor/untracked.yaml", " |");
	expect_worktree(&f, "a/c/d.yaml", "a/c/d.yaml |");
	gitfix_dispose(&f);
}

static void test_repo__directory_outside_a_repository(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "plain/a.txt", "a\n");
	gitfix_write(&f, "plain/deep/b.txt", "b\n");
	gitfix_write(&f, "plain/.git/config", "not a repository, still skipped\n");
	gitfix_symlink(&f, "plain/link", "/etc");
	opsc_repo_files files = { 0 };
	char got[512];
	assert_int_equal(opsc_repo_list_dir(gitfix_path(&f, "plain/"), &files), 0);
	files_string(got, sizeof got, &files);
	assert_string_equal(got, "a.txt deep/b.txt | link=symbolic link, not followed");
	opsc_repo_files_dispose(&files);
	assert_int_equal(opsc_repo_list_dir(gitfix_path(&f, "plain/a.txt"), &files), 0);
	assert_int_equal(files.paths.len, 1);
	assert_string_equal(files.paths.items[0], gitfix_path(&f, "plain/a.txt"));
	opsc_repo_files_dispose(&files);
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ staged */

static void test_repo__staged_is_the_index_not_the_worktree(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "same.txt", "unchanged\n");
	gitfix_write(&f, "edit.txt", "v1\n");
	gitfix_write(&f, "del.txt", "bye\n");
	gitfix_add(&f, "same.txt");
	gitfix_add(&f, "edit.txt");
	gitfix_add(&f, "del.txt");

	opsc_repo *repo = open_at(&f, "");
	blob_log l = { 0 };
	/* before the first commit, everything staged is new */
	assert_int_equal(opsc_repo_each_staged(repo, 0, log_blob, &l), 0);
	assert_string_equal(l.log, "del.txt:bye\n;edit.txt:v1\n;same.txt:unchanged\n;");
	gitfix_commit(&f, "one", "Alice", 1700000000, NULL);

	gitfix_write(&f, "edit.txt", "v2 staged\n");
	gitfix_add(&f, "edit.txt");
	gitfix_write(&f, "edit.txt", "v3 only in the working tree\n");
	gitfix_remove(&f, "del.txt");
	gitfix_add(&f, "del.txt");
	gitfix_write_n(&f, "bin.dat", "a\0b", 3);
	gitfix_add(&f, "bin.dat");
	gitfix_write(&f, "big.txt", "0123456789abcdef0123456789abcdef-over-32-bytes\n");
	gitfix_add(&f, "big.txt");
	gitfix_symlink(&f, "link", "/etc/passwd");
	gitfix_add(&f, "link");
	gitfix_write(&f, "unstaged.txt", "not in the index\n");
	l = (blob_log){ 0 };
	assert_int_equal(opsc_repo_each_staged(repo, 32, log_blob, &l), 0);
	assert_string_equal(l.log, "big.txt:(47 bytes, over the 32 bytes limit);"
				   "bin.dat:(binary file);"
				   "edit.txt:v2 staged\n;"
				   "link:(symbolic link, not followed);");
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ history */

static void test_repo__history_reports_each_blob_once_at_its_first_commit(void **state)
{
	(void)state;
	gitfix f;
	char c1[41], c2[41], c4[41], side[41];
	gitfix_init(&f);
	gitfix_write(&f, "readme.md", "hello\n");
	gitfix_add(&f, "readme.md");
	gitfix_commit(&f, "one", "Alice", 1700000000, c1);
	gitfix_write(&f, "secret.env", "TOKEN=abc\n");
	gitfix_add(&f, "secret.env");
	gitfix_commit(&f, "two", "Bob Smith", 1700003600, c2);
	gitfix_write(&f, "readme.md", "hello again\n");
	gitfix_add(&f, "readme.md");
	gitfix_commit(&f, "three", "Alice", 1700007200, NULL);
	gitfix_write(&f, "copy.env", "TOKEN=abc\n"); /* the same blob under another path */
	gitfix_remove(&f, "secret.env");
	gitfix_add(&f, "copy.env");
	gitfix_add(&f, "secret.env");
	gitfix_commit(&f, "four", "Carol", 1700010800, c4);
	/* a branch only a ref reaches, with its own blob */
	gitfix_commit_beside(&f, "refs/heads/side", c1, "side.txt", "on a branch\n", 1700001000, side);
	(void)c2;
	(void)c4;

	opsc_repo *repo = open_at(&f, "");
	blob_log l = { 0 };
	opsc_repo_history_opts o = { 0 };
	opsc_repo_history_stats st;
	assert_int_equal(opsc_repo_each_history(repo, &o, &st, log_blob, &l), 0);
	char want[1024];
	snprintf(want, sizeof want,
		 "readme.md:hello\n@%.7s Alice <Alice@example.com> 2023-11-14T23:13:20+01:00;"
		 "side.txt:on a branch\n@%.7s Bob <Bob@example.com> 2023-11-14T23:30:00+01:00;"
		 "secret.env:TOKEN=abc\n@%.7s Bob Smith <Bob.Smith@example.com> 2023-11-15T00:13:20+01:00;" /* opsc:ignore a test fixture, not a credential */
		 "readme.md:hello again\n@",
		 c1, side, c2);
	assert_memory_equal(l.log, want, strlen(want));
	assert_null(strstr(l.log, "copy.env")); /* seen as secret.env already */
	assert_int_equal(st.commits, 5);
	assert_int_equal(st.blobs, 4);

	/* --since: only what commits from then on bring */
	l = (blob_log){ 0 };
	o.since = 1700007200;
	assert_int_equal(opsc_repo_each_history(repo, &o, &st, log_blob, &l), 0);
	assert_non_null(strstr(l.log, "readme.md:hello again\n@"));
	assert_non_null(strstr(l.log, "copy.env:TOKEN=abc\n@"));
	assert_null(strstr(l.log, "secret.env"));
	assert_int_equal(st.commits, 5);
	assert_int_equal(st.blobs, 2);
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

/* A shallow clone (commits listed in .git/shallow, their parents absent)
 * is walked to its boundary, the boundary compared with the empty tree;
 * a corrupt commit a reference names is a failure, not an empty walk. Run
 * under the sanitizers too: libgit2's revwalk leaked on both paths. */
static void test_repo__history_of_shallow_and_corrupt_repositories(void **state)
{
	(void)state;
	gitfix f;
	char c1[41], c2[41], path[2048];
	gitfix_init(&f);
	gitfix_write(&f, "old.txt", "old\n");
	gitfix_add(&f, "old.txt");
	gitfix_commit(&f, "one", "Alice", 1700000000, c1);
	gitfix_write(&f, "mid.txt", "mid\n");
	gitfix_add(&f, "mid.txt");
	gitfix_commit(&f, "two", "Bob", 1700003600, c2);
	gitfix_write(&f, "new.txt", "new\n");
	gitfix_add(&f, "new.txt");
	gitfix_commit(&f, "three", "Carol", 1700007200, NULL);
	snprintf(path, sizeof path, "%s/.git/objects/%.2s/%s", f.dir, c1, c1 + 2);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/.git/shallow", f.dir);
	FILE *sh = fopen(path, "w");
	assert_non_null(sh);
	fprintf(sh, "%s\n", c2);
	fclose(sh);

	opsc_repo *repo = open_at(&f, "");
	blob_log l = { 0 };
	opsc_repo_history_opts o = { 0 };
	opsc_repo_history_stats st;
	assert_int_equal(opsc_repo_each_history(repo, &o, &st, log_blob, &l), 0);
	assert_true(st.shallow);
	assert_int_equal(st.commits, 2);
	assert_int_equal(st.blobs, 3); /* old.txt comes with the boundary commit */
	assert_non_null(strstr(l.log, "mid.txt:mid\n@"));
	assert_non_null(strstr(l.log, "old.txt:old\n@"));
	assert_non_null(strstr(l.log, "new.txt:new\n@"));
	opsc_repo_free(repo);

	/* the object of a commit that does not parse */
	git_odb *odb = NULL;
	git_oid bad;
	const char junk[] = "tree nonsense\nparent zz\n";
	assert_int_equal(git_repository_odb(&odb, f.git), 0);
	assert_int_equal(git_odb_write(&bad, odb, junk, sizeof junk - 1, GIT_OBJECT_COMMIT), 0);
	git_odb_free(odb);
	char hex[41];
	git_oid_tostr(hex, sizeof hex, &bad);
	gitfix_ref(&f, "broken", hex);
	repo = open_at(&f, "");
	l = (blob_log){ 0 };
	assert_true(opsc_repo_each_history(repo, &o, &st, log_blob, &l) < 0);
	assert_non_null(strstr(opsc_repo_error(), hex));
	assert_non_null(strstr(opsc_repo_error(), "cannot be read"));
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

/* Nested directories: entries come in the order of their full paths
 * ("a.txt" before "a/"), an unchanged directory is not re-read, a file that
 * becomes a directory brings its new files, and a prefix limits the walk. */
static void test_repo__history_walks_nested_trees_in_path_order(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "a/b/deep.yaml", "deep\n");
	gitfix_write(&f, "a.txt", "top\n");
	gitfix_write(&f, "z/keep.yaml", "keep\n");
	gitfix_write(&f, "node", "a file first\n");
	gitfix_add(&f, "a/b/deep.yaml");
	gitfix_add(&f, "a.txt");
	gitfix_add(&f, "z/keep.yaml");
	gitfix_add(&f, "node");
	gitfix_commit(&f, "one", "Alice", 1700000000, NULL);
	gitfix_remove(&f, "node");
	gitfix_add(&f, "node");
	gitfix_write(&f, "node/child.yaml", "now a directory\n");
	gitfix_add(&f, "node/child.yaml");
	gitfix_write(&f, "a/b/deep.yaml", "deeper\n");
	gitfix_add(&f, "a/b/deep.yaml");
	gitfix_commit(&f, "two", "Bob", 1700003600, NULL);

	opsc_repo *repo = open_at(&f, "");
	blob_log l = { 0 };
	opsc_repo_history_opts o = { 0 };
	opsc_repo_history_stats st;
	assert_int_equal(opsc_repo_each_history(repo, &o, &st, log_path, &l), 0);
	assert_string_equal(l.log, "a.txt a/b/deep.yaml node z/keep.yaml | a/b/deep.yaml node/child.yaml ");
	assert_int_equal(st.blobs, 6);
	opsc_repo_free(repo);

	repo = open_at(&f, "a/b");
	l = (blob_log){ 0 };
	assert_int_equal(opsc_repo_each_history(repo, &o, &st, log_path, &l), 0);
	assert_string_equal(l.log, "a/b/deep.yaml | a/b/deep.yaml ");
	assert_int_equal(st.commits, 2);
	assert_int_equal(st.blobs, 2);
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ base */

static void test_repo__diff_base_lists_added_lines_since_the_merge_base(void **state)
{
	(void)state;
	gitfix f;
	char base[41], up[41];
	gitfix_init(&f);
	gitfix_write(&f, "a.txt", "1\n2\n3\n4\n5\n");
	gitfix_write(&f, "del.txt", "x\n");
	gitfix_write(&f, "shrink.txt", "1\n2\n3\n");
	gitfix_add(&f, "a.txt");
	gitfix_add(&f, "del.txt");
	gitfix_add(&f, "shrink.txt");
	gitfix_commit(&f, "base", "Alice", 1700000000, base);
	/* upstream moved on: its changes are not the branch's */
	gitfix_commit_beside(&f, "refs/heads/upstream", base, "up.txt", "upstream only\n", 1700000100, up);
	gitfix_write(&f, "a.txt", "1\nnew2\n3\n4\n5\n6\n7\n");
	gitfix_add(&f, "a.txt");
	gitfix_commit(&f, "branch", "Bob", 1700000200, NULL);
	gitfix_remove(&f, "del.txt");
	gitfix_add(&f, "del.txt");
	gitfix_write(&f, "shrink.txt", "1\n3\n");
	gitfix_write(&f, "staged.txt", "s1\ns2\n");
	gitfix_add(&f, "staged.txt");
	gitfix_write(&f, "untracked.txt", "u\n");

	opsc_repo *repo = open_at(&f, "");
	opsc_repo_changes ch = { 0 };
	assert_int_equal(opsc_repo_diff_base(repo, "upstream", &ch), 0);
	assert_string_equal(ch.base, base);
	assert_int_equal(ch.files.len, 2);
	assert_string_equal(ch.files.items[0].path, "a.txt");
	assert_int_equal(ch.files.items[0].added.len, 2);
	assert_int_equal(ch.files.items[0].added.items[0].start, 2);
	assert_int_equal(ch.files.items[0].added.items[0].end, 2);
	assert_int_equal(ch.files.items[0].added.items[1].start, 6);
	assert_int_equal(ch.files.items[0].added.items[1].end, 7);
	assert_string_equal(ch.files.items[1].path, "staged.txt");
	assert_true(opsc_repo_changes_added(&ch, "a.txt", 7));
	assert_false(opsc_repo_changes_added(&ch, "a.txt", 3));
	assert_false(opsc_repo_changes_added(&ch, "up.txt", 1));
	assert_null(opsc_repo_changes_find(&ch, "shrink.txt"));
	opsc_repo_changes_dispose(&ch);

	opsc_repo_changes bad = { 0 };
	assert_true(opsc_repo_diff_base(repo, "no-such-branch", &bad) < 0);
	assert_non_null(strstr(opsc_repo_error(), "cannot resolve 'no-such-branch' to a commit"));
	opsc_repo_changes_dispose(&bad);
	(void)up;
	opsc_repo_free(repo);
	gitfix_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repo__open_outside_a_repository),
		cmocka_unit_test(test_repo__worktree_respects_gitignore_and_symlinks),
		cmocka_unit_test(test_repo__worktree_file_replaced_by_symlink),
		cmocka_unit_test(test_repo__worktree_ignored_directories_and_nested_repositories),
		cmocka_unit_test(test_repo__directory_outside_a_repository),
		cmocka_unit_test(test_repo__staged_is_the_index_not_the_worktree),
		cmocka_unit_test(test_repo__history_reports_each_blob_once_at_its_first_commit),
		cmocka_unit_test(test_repo__history_walks_nested_trees_in_path_order),
		cmocka_unit_test(test_repo__history_of_shallow_and_corrupt_repositories),
		cmocka_unit_test(test_repo__diff_base_lists_added_lines_since_the_merge_base),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
