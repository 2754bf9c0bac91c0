/*
 * fuzz_actual.c - libFuzzer target over the actual-state reader and the
 * kustomize and Flux renderer: a repository of manifests, each written as
 *
 *   #> path/of/the/file.yaml
 *   ...its text...
 *
 * (text before the first such line is `kustomization.yaml` at the top),
 * read into the Model as Flux applies it, then one directory rendered
 * alone as `opsc __render` does. Hostile YAML, cycles, paths that climb out
 * (`../..`), patches that do not apply: any crash, leak, sanitizer report
 * or timeout is a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "actual.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Adds the files of `text` to `a`; returns the first file's directory. */
static void add_files(opsc_actual *a, opsc_ctx *ctx, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *path = "kustomization.yaml";
	while (p < end) {
		const char *body = p, *next = p;
		/* the next header at the start of a line */
		while (next < end && !(next + 2 < end && next[0] == '#' && next[1] == '>' && next[2] == ' ' &&
				       (next == text || next[-1] == '\n')))
			next++;
		if (next == body && next < end) { /* a header here: read its path */
			const char *nl = memchr(next, '\n', (size_t)(end - next));
			const char *stop = nl ? nl : end;
			path = opsc_arena_strndup(ctx->arena, next + 3, (size_t)(stop - next - 3));
			p = nl ? nl + 1 : end;
			continue;
		}
		opsc_actual_add_text(a, *path ? path : "empty.yaml", body, (size_t)(next - body));
		p = next;
	}
}

static void on_object(void *user, const opsc_yamldoc_node *doc)
{
	(*(size_t *)user) += doc != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_actual *a = opsc_actual_new(&ctx);
	add_files(a, &ctx, (const char *)data, size);
	opsc_actual_origins origins;
	opsc_actual_render(a, &origins);
	opsc_model model;
	opsc_actual_finish(a, &model);

	opsc_actual *one = opsc_actual_new(&ctx);
	add_files(one, &ctx, (const char *)data, size);
	size_t n = 0;
	opsc_actual_render_dir(one, "", on_object, &n);
	opsc_actual_free(one);
	opsc_ctx_dispose(&ctx);
	return 0;
}
