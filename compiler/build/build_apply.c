/*
 * build_apply.c - assemble the new output tree beside the old one and swap
 * them in one rename (see build.h for why).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "util.h"
#include "build_int.h"

#define join opsc_build_join_

static int fail_errno(const char *what, const char *path)
{
	return opsc_build_fail_("cannot %s %s: %s", what, path, strerror(errno));
}

/* Deletes a tree without following symlinks. */
static int remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : fail_errno("remove", path);
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? fail_errno("remove", path) : 0;
	DIR *d = opendir(path);
	if (!d)
		return fail_errno("open", path);
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *sub = join(path, e->d_name);
		rc = remove_tree(sub);
		opsc_free(sub);
	}
	closedir(d);
	if (rc == 0 && rmdir(path) < 0)
		rc = fail_errno("remove", path);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return fail_errno("create", path);
	int rc = write_all(fd, data, len);
	if (close(fd) < 0 || rc < 0)
		return fail_errno("write", path);
	return 0;
}

/* A file the user owns keeps its inode: a hard link, else a copy. */
static int carry_file(const char *from, const char *to, const struct stat *st)
{
	if (link(from, to) == 0)
		return 0;
	int fd = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail_errno("read", from);
	char *buf = opsc_malloc((size_t)st->st_size + 1);
	ssize_t n = read(fd, buf, (size_t)st->st_size);
	close(fd);
	int rc = n == st->st_size ? write_file(to, buf, (size_t)n, st->st_mode & 07777)
				  : fail_errno("read", from);
	opsc_free(buf);
	return rc;
}

/* The plan's entry for `rel`, or NULL when the plan does not name it. */
static const opsc_change *planned(const opsc_build_plan *plan, const char *rel)
{
	return opsc_find_str(plan->changes.items, plan->changes.len, sizeof(opsc_change), rel);
}

/* Copies the old tree's structure into `to`: the user's files, and the
 * generated files that do not change (linked: no new inode, no write);
 * left out are the files the plan writes anew or removes. */
static int carry_tree(const opsc_build_plan *plan, const char *from, const char *to,
		      const char *rel)
{
	DIR *d = opendir(from);
	if (!d)
		return fail_errno("open", from);
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *src = join(from, e->d_name), *dst = join(to, e->d_name);
		char *sub = *rel ? join(rel, e->d_name) : opsc_strdup(e->d_name);
		struct stat st;
		if (lstat(src, &st) < 0) {
			rc = fail_errno("read", src);
		} else if (S_ISDIR(st.st_mode)) {
			rc = mkdir(dst, st.st_mode & 07777) < 0 ? fail_errno("create", dst)
								: carry_tree(plan, src, dst, sub);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(src, target, sizeof(target) - 1);
			if (n >= 0)
				target[n] = '\0';
			rc = n < 0 || symlink(target, dst) < 0 ? fail_errno("copy link", src) : 0;
		} else if (S_ISFIFO(st.st_mode)) {
			/* the user's, like any file opsc did not write: it stays */
			rc = mkfifo(dst, st.st_mode & 07777) < 0 ? fail_errno("copy", src) : 0;
		} else if (S_ISREG(st.st_mode) && strcmp(sub, OPSC_BUILD_MANIFEST) != 0) {
			const opsc_change *c = planned(plan, sub);
			if (!c || c->kind == OPSC_CHANGE_UNCHANGED)
				rc = carry_file(src, dst, &st);
		}
		opsc_free(src);
		opsc_free(dst);
		opsc_free(sub);
	}
	closedir(d);
	return rc;
}

static int mkdirs_for(char *path, size_t from)
{
	for (char *s = path + from; (s = strchr(s, '/')); s++) {
		*s = '\0';
		int rc = mkdir(path, 0755);
		int err = errno;
		*s = '/';
		if (rc < 0 && err != EEXIST) {
			errno = err;
			return fail_errno("create", path);
		}
	}
	return 0;
}

/* Directories that held only generated files go with them. */
static void prune_dirs(const char *root, const char *rel)
{
	char *path = join(root, rel);
	size_t rlen = strlen(root);
	for (char *s = strrchr(path, '/'); s && (size_t)(s - path) > rlen; s = strrchr(path, '/')) {
		*s = '\0';
		if (rmdir(path) < 0)
			break;
	}
	opsc_free(path);
}

/* Half of the outputs: written (unless carried over) and hashed for the
 * manifest. Two halves run on two threads: creating files is system calls,
 * hashing is CPU, and a large project has thousands of both. */
typedef struct {
	const opsc_build_plan *plan;
	const char *tmp;
	const opsc_outputs *outputs;
	char (*hashes)[41];
	uint32_t from, to;
	int rc;
	char err[1024]; /* the error of a worker, whose opsc_build_error() is its own */
} fill_job;

static void *fill_part(void *arg)
{
	fill_job *j = arg;
	const char *made = NULL; /* the directory of the last file written */
	size_t made_len = 0;
	for (uint32_t i = j->from; j->rc == 0 && i < j->to; i++) {
		const opsc_output *o = &j->outputs->files.items[i];
		j->rc = opsc_build_hash(j->hashes[i], o->data, o->len);
		const opsc_change *c = planned(j->plan, o->path);
		if (j->rc < 0 || (c && c->kind == OPSC_CHANGE_UNCHANGED))
			continue; /* unchanged: carried over from the old tree */
		char *path = join(j->tmp, o->path);
		/* outputs are in path order: most share the previous one's
		 * directory, which exists already */
		const char *slash = strrchr(o->path, '/');
		size_t dir_len = slash ? (size_t)(slash - o->path) : 0;
		if (!made || dir_len != made_len || strncmp(made, o->path, dir_len) != 0)
			j->rc = mkdirs_for(path, strlen(j->tmp) + 1);
		made = o->path;
		made_len = dir_len;
		if (j->rc == 0)
			j->rc = write_file(path, o->data, o->len, 0644);
		opsc_free(path);
	}
	if (j->rc < 0)
		snprintf(j->err, sizeof j->err, "%s", opsc_build_error());
	return NULL;
}

static int fill_tree(const opsc_build_plan *plan, const char *tmp, const opsc_outputs *outputs)
{
	uint32_t n = outputs->files.len;
	char(*hashes)[41] = opsc_calloc(n + 1, sizeof *hashes);
	git_libgit2_init(); /* for opsc_build_hash, once for all files */
	fill_job jobs[2] = { { plan, tmp, outputs, hashes, 0, n / 2, 0, "" },
			     { plan, tmp, outputs, hashes, n / 2, n, 0, "" } };
	opsc_run_pair(fill_part, &jobs[0], &jobs[1], n <= 64);
	int rc = 0;
	for (int k = 0; k < 2 && rc == 0; k++)
		if (jobs[k].rc < 0)
			rc = opsc_build_fail_("%s", jobs[k].err);
	for (uint32_t i = 0; rc == 0 && i < plan->changes.len; i++)
		if (plan->changes.items[i].kind == OPSC_CHANGE_REMOVE)
			prune_dirs(tmp, plan->changes.items[i].path);
	git_libgit2_shutdown();
	if (rc == 0)
		rc = opsc_build_manifest_write_(tmp, outputs, hashes);
	opsc_free(hashes);
	return rc;
}

/* Puts `tmp` where `out` is, in one step when the kernel can. */
static int swap_in(const char *tmp, const char *out, bool exists)
{
	if (!exists)
		return rename(tmp, out) < 0 ? fail_errno("rename into", out) : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return fail_errno("swap in", out);
	/* No exchange on this filesystem: two renames, a window of one. */
	char *old = opsc_malloc(strlen(tmp) + 5);
	sprintf(old, "%s.old", tmp);
	int rc = rename(out, old) < 0 || rename(tmp, out) < 0 ? fail_errno("rename into", out) : 0;
	if (rc == 0)
		rc = rename(old, tmp) < 0 ? fail_errno("rename", old) : 0;
	opsc_free(old);
	return rc;
}

/* Half-built trees of builds that were killed: `.<name>.opsc-new-<pid>`. */
static int remove_leftovers(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t plen = strlen(name) + 11;
	char *prefix = opsc_malloc(plen + 1);
	sprintf(prefix, ".%s.opsc-new-", name);
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		char *path = join(dir, e->d_name);
		rc = remove_tree(path);
		opsc_free(path);
	}
	closedir(d);
	opsc_free(prefix);
	return rc;
}

int opsc_build_apply(const opsc_build_plan *plan, const char *out, const opsc_outputs *outputs)
{
	if (plan->refused)
		return opsc_build_fail_("%u file(s) refused; nothing written", plan->refused);
	char *tmp = opsc_malloc(strlen(out) + 64);
	char *slash = strrchr(out, '/');
	size_t dir_len = slash ? (size_t)(slash - out) : 0;
	sprintf(tmp, "%.*s%s.%s.opsc-new-%ld", (int)dir_len, out, slash ? "/" : "",
		slash ? slash + 1 : out, (long)getpid());
	struct stat st;
	bool exists = stat(out, &st) == 0;
	char *dir = opsc_strndup(out, dir_len ? dir_len : 1);
	int rc = remove_leftovers(slash ? dir : ".", slash ? slash + 1 : out);
	opsc_free(dir);
	if (rc == 0 && mkdir(tmp, exists ? st.st_mode & 07777 : 0755) < 0)
		rc = fail_errno("create", tmp);
	if (rc == 0 && exists)
		rc = carry_tree(plan, out, tmp, "");
	if (rc == 0)
		rc = fill_tree(plan, tmp, outputs);
	if (rc == 0)
		rc = swap_in(tmp, out, exists);
	/* Either the half-built new tree or, after the swap, the old one. */
	char saved[1024];
	snprintf(saved, sizeof(saved), "%s", opsc_build_error());
	remove_tree(tmp);
	if (rc < 0)
		opsc_build_fail_("%s", saved);
	opsc_free(tmp);
	return rc;
}
