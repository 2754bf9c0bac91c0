/*
 * build.c - the plan and the atomic write of `opsc build` (see build.h).
 *
 * The swap: the new tree is assembled in a sibling directory (files opsc
 * did not write are hard-linked into it, so they stay the same files), then
 * renameat2(RENAME_EXCHANGE) trades it with the old tree in one step and
 * the old tree is deleted. Readers, Flux and a kill -9 only ever see one
 * whole tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "util.h"
#include "build_int.h"

#define fail opsc_build_fail_
#define join opsc_build_join_

static _Thread_local char build_err[1024];

const char *opsc_build_error(void)
{
	return build_err;
}

int opsc_build_fail_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(build_err, sizeof(build_err), fmt, ap);
	va_end(ap);
	return -1;
}

/* libgit2 must be initialised (plan and apply do it once). */
int opsc_build_hash(char hex[41], const char *data, size_t len)
{
	git_oid oid;
	int rc = git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
	if (rc == 0)
		git_oid_tostr(hex, 41, &oid);
	return rc < 0 ? fail("cannot hash: %s", git_error_last() ? git_error_last()->message : "?") : 0;
}

char *opsc_build_join_(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = opsc_malloc(la + lb + 2);
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/* Generated files are small; a larger one at an output path is not ours. */
#define MAX_OUTPUT_FILE ((size_t)1 << 30)

/* Reads a whole regular file; *data is NULL when it does not exist or is
 * not a regular file (a FIFO there is never opened for a blocking read). */
static int read_file(char **data, size_t *len, const char *path)
{
	int rc = opsc_file_read(data, len, path, O_NOFOLLOW, MAX_OUTPUT_FILE);
	if (rc == -ENOENT || rc == -ELOOP || rc == -EISDIR || rc == -OPSC_ENOTREG)
		return 0;
	return rc < 0 ? fail("%s: %s", path, opsc_file_strerror(rc)) : 0;
}

/* --------------------------------------------------------------- manifest */

/* path -> blob id of every file the last build wrote. */
static int manifest_load(json_t **files, const char *out)
{
	*files = NULL;
	char *path = join(out, OPSC_BUILD_MANIFEST);
	int rc = 0;
	struct stat st;
	if (lstat(path, &st) < 0) {
		*files = json_object();
		goto done;
	}
	char *text;
	size_t len;
	int r = opsc_file_read(&text, &len, path, O_NOFOLLOW, MAX_OUTPUT_FILE);
	if (r < 0) {
		rc = fail("%s: %s; remove it to start over", path, opsc_file_strerror(r));
		goto done;
	}
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	opsc_free(text);
	json_t *f = root ? json_object_get(root, "files") : NULL;
	if (!json_is_object(f)) {
		rc = fail("%s:%d: not an opsc manifest (%s); remove it to start over", path, err.line,
			  root ? "no \"files\" object" : err.text);
	} else {
		*files = json_incref(f);
	}
	json_decref(root);
done:
	opsc_free(path);
	return rc;
}

int opsc_build_manifest_write_(const char *dir, const opsc_outputs *outputs, char (*hashes)[41])
{
	json_t *files = json_object();
	for (uint32_t i = 0; i < outputs->files.len; i++)
		json_object_set_new(files, outputs->files.items[i].path, json_string(hashes[i]));
	json_t *root = json_pack("{s:s, s:o}", "generator", "opsc", "files", files);
	char *path = join(dir, OPSC_BUILD_MANIFEST);
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0
			 ? fail("%s: cannot write", path)
			 : 0;
	opsc_free(path);
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------------------- plan */

/* Every directory between `out` and the file must be a real directory:
 * writing through a symlink could land anywhere. */
static bool symlink_in_path(const char *out, const char *rel)
{
	char *p = join(out, rel);
	bool bad = false;
	for (char *s = p + strlen(out) + 1; (s = strchr(s, '/')) && !bad; s++) {
		*s = '\0';
		struct stat st;
		bad = lstat(p, &st) == 0 && !S_ISDIR(st.st_mode);
		*s = '/';
	}
	opsc_free(p);
	return bad;
}

static void push(opsc_build_plan *plan, const char *path, opsc_change_kind kind,
		 const opsc_output *o)
{
	opsc_change c = { opsc_strdup(path), kind, o == NULL, o };
	opsc_array_push(&plan->changes, c);
}

/* What happens to one output, from the disk and the manifest: sets *kind,
 * returns 0 or -1 (opsc_build_error). `parent_ok`: the output's directory is
 * the previous output's, already found free of symlinks. */
static int classify(opsc_change_kind *kind, const char *out, json_t *old, const opsc_output *o,
		    bool force, bool parent_ok)
{
	if (!parent_ok && symlink_in_path(out, o->path)) {
		*kind = OPSC_CHANGE_BLOCKED;
		return 0;
	}
	char *path = join(out, o->path);
	struct stat st;
	int rc = 0;
	*kind = OPSC_CHANGE_ADD;
	if (lstat(path, &st) == 0) {
		char *data;
		size_t len;
		char disk[41];
		const char *recorded = json_string_value(json_object_get(old, o->path));
		if (!S_ISREG(st.st_mode)) {
			*kind = OPSC_CHANGE_BLOCKED;
		} else if ((rc = read_file(&data, &len, path)) == 0 && data) {
			/* the usual case, the same bytes, needs no hash */
			bool same = len == o->len && (len == 0 || memcmp(data, o->data, len) == 0);
			rc = same ? 0 : opsc_build_hash(disk, data, len);
			opsc_free(data);
			if (same)
				*kind = OPSC_CHANGE_UNCHANGED;
			else if (!recorded)
				*kind = force ? OPSC_CHANGE_UPDATE : OPSC_CHANGE_FOREIGN;
			else
				*kind = strcmp(recorded, disk) == 0 || force ? OPSC_CHANGE_UPDATE
									      : OPSC_CHANGE_EDITED;
		}
	}
	opsc_free(path);
	return rc;
}

/* Half of the outputs, classified on a thread of its own: reading
 * thousands of files is system calls, and they run in parallel. */
typedef struct {
	const char *out;
	json_t *old; /* only read */
	const opsc_outputs *outputs;
	bool force;
	opsc_change_kind *kinds;
	uint32_t from, to;
	int rc;
	char err[1024];
} plan_job;

static void *plan_part(void *arg)
{
	plan_job *j = arg;
	const opsc_output *prev = NULL;
	for (uint32_t i = j->from; j->rc == 0 && i < j->to; i++) {
		const opsc_output *o = &j->outputs->files.items[i];
		const char *slash = strrchr(o->path, '/'), *pslash = prev ? strrchr(prev->path, '/') : NULL;
		bool same_dir = prev && slash && pslash && slash - o->path == pslash - prev->path &&
				strncmp(o->path, prev->path, (size_t)(slash - o->path)) == 0 &&
				j->kinds[i - 1] != OPSC_CHANGE_BLOCKED;
		j->rc = classify(&j->kinds[i], j->out, j->old, o, j->force, same_dir);
		prev = o;
	}
	if (j->rc < 0)
		snprintf(j->err, sizeof j->err, "%s", opsc_build_error());
	return NULL;
}

static int plan_outputs(opsc_build_plan *plan, const char *out, json_t *old,
			const opsc_outputs *outputs, bool force)
{
	uint32_t n = outputs->files.len;
	opsc_change_kind *kinds = opsc_calloc(n + 1, sizeof *kinds);
	plan_job jobs[2] = { { out, old, outputs, force, kinds, 0, n / 2, 0, "" },
			     { out, old, outputs, force, kinds, n / 2, n, 0, "" } };
	opsc_run_pair(plan_part, &jobs[0], &jobs[1], n <= 64);
	int rc = 0;
	for (int k = 0; k < 2 && rc == 0; k++)
		if (jobs[k].rc < 0)
			rc = fail("%s", jobs[k].err);
	for (uint32_t i = 0; rc == 0 && i < n; i++)
		push(plan, outputs->files.items[i].path, kinds[i], &outputs->files.items[i]);
	opsc_free(kinds);
	return rc;
}

static bool in_outputs(const opsc_outputs *outputs, const char *path)
{
	return opsc_find_str(outputs->files.items, outputs->files.len, sizeof(opsc_output), path) != NULL;
}

/* A manifest key names a file below the output directory the way opsc
 * writes it: relative, no empty, "." or ".." segment, and not the manifest
 * itself. Anything else is a tampered entry; it is ignored, so it neither
 * reaches outside the output nor counts as a removal. */
static bool manifest_key_ok(const char *key)
{
	if (!key[0] || key[0] == '/' || strcmp(key, OPSC_BUILD_MANIFEST) == 0)
		return false;
	for (const char *seg = key;; seg++) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);
		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return false;
		if (!end)
			return true;
		seg = end;
	}
}

/* A file the last build wrote and this one does not. */
static int plan_removal(opsc_build_plan *plan, const char *out, const char *rel,
			const char *recorded, bool force)
{
	char *path = join(out, rel);
	char *data = NULL;
	size_t len;
	int rc = symlink_in_path(out, rel) ? 0 : read_file(&data, &len, path);
	opsc_free(path);
	if (rc < 0 || !data) /* already gone (or not ours to follow) */
		return rc;
	char disk[41];
	rc = opsc_build_hash(disk, data, len);
	opsc_free(data);
	if (rc == 0)
		push(plan, rel, strcmp(disk, recorded) == 0 || force ? OPSC_CHANGE_REMOVE : OPSC_CHANGE_EDITED,
		     NULL);
	return rc;
}


int opsc_build_plan_make(opsc_build_plan *plan, const char *out, const opsc_outputs *outputs,
			 bool force)
{
	memset(plan, 0, sizeof(*plan));
	git_libgit2_init(); /* for opsc_build_hash, once for all files */
	json_t *old = NULL;
	int rc = manifest_load(&old, out);
	if (rc == 0)
		rc = plan_outputs(plan, out, old, outputs, force);
	const char *key;
	json_t *value;
	json_object_foreach(old, key, value)
	{
		if (rc == 0 && manifest_key_ok(key) && !in_outputs(outputs, key) && json_is_string(value))
			rc = plan_removal(plan, out, key, json_string_value(value), force);
	}
	json_decref(old);
	git_libgit2_shutdown();
	if (plan->changes.len)
		qsort(plan->changes.items, plan->changes.len, sizeof(opsc_change), opsc_cmp_str);
	for (uint32_t i = 0; i < plan->changes.len; i++) {
		switch (plan->changes.items[i].kind) {
		case OPSC_CHANGE_ADD: plan->added++; break;
		case OPSC_CHANGE_UPDATE: plan->updated++; break;
		case OPSC_CHANGE_UNCHANGED: plan->unchanged++; break;
		case OPSC_CHANGE_REMOVE: plan->removed++; break;
		default: plan->refused++; break;
		}
	}
	return rc;
}

void opsc_build_plan_dispose(opsc_build_plan *plan)
{
	for (uint32_t i = 0; i < plan->changes.len; i++)
		opsc_free(plan->changes.items[i].path);
	opsc_array_free(&plan->changes);
}
