/*
 * drift.c - the outputs opsc would write, the files that are committed,
 * and which of them differ (see drift.h; the YAML comparison itself is
 * drift_yaml.c).
 */
#include "drift.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "util.h"
#include "model.h"
#include "repo.h"


void opsc_drifts_dispose(opsc_drifts *d)
{
	opsc_array_free(&d->items);
}

/* -------------------------------------------------------------- expect */

int opsc_drift_expect_init(opsc_drift_expect *e, opsc_ctx *ctx, const opsc_model *model,
			   const char *policies, const char *root)
{
	memset(e, 0, sizeof(*e));
	if (!(e->proj = opsc_project_dir(policies)))
		return -1;
	e->out_dir = opsc_project_out_dir(model, e->proj);
	size_t rlen = root ? strlen(root) : 0;
	if (root && strncmp(e->out_dir, root, rlen) == 0)
		e->out_rel = opsc_arena_strdup(ctx->arena, e->out_dir + rlen);
	else if (root && strncmp(e->out_dir, root, rlen - 1) == 0 && !e->out_dir[rlen - 1])
		e->out_rel = ""; /* the repository's root itself */
	else
		e->out_rel = opsc_project_output(model);
	return opsc_emit_all(&e->outputs, ctx, model, e->proj, e->out_rel) < 0 ? -1 : 0;
}

void opsc_drift_expect_dispose(opsc_drift_expect *e)
{
	opsc_outputs_dispose(&e->outputs);
	opsc_free(e->proj);
	opsc_free(e->out_dir);
	memset(e, 0, sizeof(*e));
}

/* ---------------------------------------------------------------- read */

/* Generated files are small; anything larger is not one of them. */
#define MAX_GENERATED ((size_t)1 << 30)

/* 0 with the file's bytes; 1 when it is not a regular file (a FIFO or a
 * device in the output directory is never read); -1 on a failure. */
static int read_all(opsc_arena *arena, const char *path, const char **data, size_t *len)
{
	char *buf;
	int rc = opsc_file_read(&buf, len, path, O_NOFOLLOW, MAX_GENERATED);
	if (rc == -OPSC_ENOTREG || rc == -EISDIR)
		return 1;
	if (rc < 0)
		return -1;
	char *copy = opsc_arena_alloc(arena, *len + 1);
	memcpy(copy, buf, *len + 1);
	opsc_free(buf);
	*data = copy;
	return 0;
}

int opsc_drift_read_dir(opsc_arena *arena, const char *dir, opsc_drift_file **files, uint32_t *nfiles)
{
	opsc_repo_files list = { 0 };
	struct stat st;
	*files = NULL;
	*nfiles = 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	int rc = opsc_repo_list_dir(dir, &list);
	opsc_drift_file *out = opsc_arena_alloc(arena, (list.paths.len + 1) * sizeof(*out));
	uint32_t n = 0;
	for (uint32_t i = 0; rc == 0 && i < list.paths.len; i++) {
		const char *rel = list.paths.items[i];
		char *abs = opsc_arena_printf(arena, "%s/%s", dir, rel);
		out[n].path = opsc_arena_strdup(arena, rel);
		rc = read_all(arena, abs, &out[n].data, &out[n].len);
		n += rc == 0;
		rc = rc < 0 ? rc : 0;
	}
	opsc_repo_files_dispose(&list);
	*files = out;
	*nfiles = n;
	return rc < 0 ? -1 : 0;
}

/* --------------------------------------------------------------- check */

/* The build manifest's "files" object: what the last build wrote. */
static json_t *manifest_files(const opsc_drift_file *files, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(files[i].path, OPSC_BUILD_MANIFEST) != 0)
			continue;
		json_t *root = json_loadb(files[i].data, files[i].len, 0, NULL);
		json_t *f = json_incref(json_object_get(root, "files"));
		json_decref(root);
		return f;
	}
	return NULL;
}

static bool written_by_opsc(const opsc_drift_file *f, json_t *manifest)
{
	return opsc_emit_is_generated(f->data, f->len) || (manifest && json_object_get(manifest, f->path));
}

static void add_whole(opsc_drifts *out, opsc_drift_kind kind, const char *path, const opsc_output *o)
{
	opsc_drift d = { kind, path, NULL, NULL, NULL, NULL, 0, 0, o,
			 o && o->ndocs ? o->doc_spans[0] : OPSC_NO_SPAN };
	opsc_array_push(&out->items, d);
}

void opsc_drift_check(opsc_drifts *out, opsc_arena *arena, const opsc_outputs *outputs,
		      const opsc_drift_file *files, uint32_t nfiles, bool all)
{
	json_t *manifest = manifest_files(files, nfiles);
	uint32_t i = 0, j = 0;
	const opsc_output *o = outputs->files.items;
	/* Both lists are sorted by path: one merge. */
	while (i < outputs->files.len || j < nfiles) {
		int c = i == outputs->files.len ? 1 : j == nfiles ? -1 : strcmp(o[i].path, files[j].path);
		if (c < 0) {
			add_whole(out, OPSC_DRIFT_MISSING, o[i].path, &o[i]);
			i++;
		} else if (c > 0) {
			if (strcmp(files[j].path, OPSC_BUILD_MANIFEST) != 0 && written_by_opsc(&files[j], manifest))
				add_whole(out, OPSC_DRIFT_STALE, files[j].path, NULL);
			j++;
		} else {
			opsc_drift_compare(out, arena, &o[i], files[j].data, files[j].len, all);
			i++;
			j++;
		}
	}
	json_decref(manifest);
}
