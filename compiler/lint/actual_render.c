/*
 * actual_render.c - the files of the actual state read as Flux applies
 * them (see actual.h): kept parsed until every file is in, then the Flux
 * Kustomizations and the top kustomizations rendered (actual_kust.h), the
 * rendered objects and the files nothing renders read into the Model, and
 * what changed each object recorded as its origins.
 */
#include "actual_kust.h"

#include <stdlib.h>
#include <string.h>

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

bool opsc_kust_is_kustomize(const char *path, const opsc_yamldoc_stream *s)
{
	const char *b = basename_of(path);
	if (strcmp(b, "kustomization.yaml") != 0 && strcmp(b, "kustomization.yml") != 0 &&
	    strcmp(b, "Kustomization") != 0)
		return false;
	const char *api = s->ndocs ? opsc_yamldoc_str(opsc_yamldoc_get(s->docs[0], "apiVersion")) : NULL;
	return !api || strncmp(api, "kustomize.config.k8s.io/", 24) == 0;
}

void opsc_actual_stash(opsc_actual *a, const opsc_yamldoc_stream *s)
{
	if (!a->kust) {
		a->kust = opsc_calloc(1, sizeof *a->kust);
		a->kust->a = a;
		a->kust->arena = a->ctx->arena;
		a->kust->root = "";
		a->kust->budget = OPSC_KUST_COPY_BUDGET;
	}
	const opsc_source *src = opsc_sources_get(&a->ctx->sources, a->file);
	kfile f = { .file = a->file, .path = src->path, .s = *s };
	f.kustomization = opsc_kust_is_kustomize(src->path, s);
	opsc_array_push(&a->kust->files, f);
}

void opsc_actual_kust_free(opsc_actual *a)
{
	if (!a->kust)
		return;
	opsc_array_free(&a->kust->files);
	opsc_array_free(&a->kust->stack);
	opsc_array_free(&a->kust->origins);
	opsc_free(a->kust->sorted);
	opsc_free(a->kust);
	a->kust = NULL;
}

/* ------------------------------------------------------------------ index */

static int cmp_path(const void *x, const void *y)
{
	return strcmp(((const kpath *)x)->path, ((const kpath *)y)->path);
}

static void build_index(kctx *k)
{
	if (k->sorted)
		return;
	k->sorted = opsc_malloc((k->files.len + 1) * sizeof *k->sorted);
	for (uint32_t i = 0; i < k->files.len; i++)
		k->sorted[i] = (kpath){ k->files.items[i].path, i };
	qsort(k->sorted, k->files.len, sizeof *k->sorted, cmp_path);
}

/* A file a kustomization names as a patch (`patches[].path`,
 * `patchesStrategicMerge`, `patchesJson6902[].path`) holds partial objects:
 * a Flux Kustomization written there is no Kustomization of its own. */
static void mark_patches(kctx *k, uint32_t f, const char *dir)
{
	const char *keys[] = { "patches", "patchesStrategicMerge", "patchesJson6902" };
	for (size_t i = 0; i < 3; i++) {
		const opsc_yamldoc_node *l = opsc_yamldoc_get(k->files.items[f].s.docs[0], keys[i]);
		for (uint32_t e = 0; l && l->kind == OPSC_YAMLDOC_SEQUENCE && e < l->sequence.len; e++) {
			const opsc_yamldoc_node *item = l->sequence.items[e];
			const char *rel = opsc_yamldoc_str(item->kind == OPSC_YAMLDOC_MAPPING ? opsc_yamldoc_get(item, "path") : item);
			int pf = rel ? opsc_kust_find(k, opsc_kust_join(k->arena, dir, rel)) : -1;
			if (pf >= 0)
				k->files.items[pf].patch = true;
		}
	}
}

/* A kustomization another one includes is rendered as part of it. */
static void mark_referenced(kctx *k)
{
	const char *keys[] = { "resources", "bases", "components" };
	for (uint32_t f = 0; f < k->files.len; f++) {
		if (!k->files.items[f].kustomization || !k->files.items[f].s.ndocs)
			continue;
		const char *dir = opsc_kust_dir(k->arena, k->files.items[f].path);
		mark_patches(k, f, dir);
		for (size_t i = 0; i < 3; i++) {
			const opsc_yamldoc_node *l = opsc_yamldoc_get(k->files.items[f].s.docs[0], keys[i]);
			for (uint32_t e = 0; l && l->kind == OPSC_YAMLDOC_SEQUENCE && e < l->sequence.len; e++) {
				const char *rel = opsc_yamldoc_str(l->sequence.items[e]);
				const char *p = rel ? opsc_kust_join(k->arena, dir, rel) : NULL;
				int sub = p ? opsc_kust_in_dir(k, p) : -1;
				if (sub < 0 && p && opsc_kust_find(k, p) >= 0 && k->files.items[opsc_kust_find(k, p)].kustomization)
					sub = opsc_kust_find(k, p);
				if (sub >= 0 && (uint32_t)sub != f)
					k->files.items[sub].referenced = true;
			}
		}
	}
}

/* ---------------------------------------------------------------- origins */

static const char *const change_names[KC_COUNT_] = {
	"namespace", "namePrefix/nameSuffix", "labels", "commonAnnotations", "patch", "images",
	"references renamed", "postBuild substitution", "targetNamespace", "replicas", "generated",
};

static const char *what_text(opsc_arena *arena, unsigned what)
{
	char buf[256] = "";
	size_t n = 0;
	for (int i = 0; i < KC_COUNT_; i++)
		if (what & (1u << i))
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "", change_names[i]);
	return opsc_arena_strdup(arena, buf);
}

static int cmp_origin(const void *x, const void *y)
{
	const opsc_actual_origin *a = x, *b = y;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->by.file != b->by.file ? (a->by.file < b->by.file ? -1 : 1)
					: (a->by.start < b->by.start ? -1 : a->by.start > b->by.start);
}

uint32_t opsc_actual_origins_at(const opsc_actual_origins *o, opsc_span span, const opsc_actual_origin **out,
				uint32_t max)
{
	if (!o || !o->len || span.file == OPSC_NO_FILE)
		return 0;
	uint32_t lo = 0, hi = o->len; /* the first entry past (file, start) */
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		const opsc_actual_origin *m = &o->items[mid];
		if (m->file < span.file || (m->file == span.file && m->start <= span.start))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* documents do not overlap, but a patch file's entry spans the file */
	uint32_t n = 0;
	for (uint32_t i = lo; i-- > 0 && o->items[i].file == span.file && n < max;)
		if (span.start < o->items[i].end)
			out[n++] = &o->items[i];
	return n;
}

/* ------------------------------------------------------------------ read */

static void note_helm(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion"));
	if (a->helm_noted || !kind || !api || strcmp(kind, "HelmRelease") != 0 ||
	    strncmp(api, "helm.toolkit.fluxcd.io/", 23) != 0)
		return;
	a->helm_noted = true;
	opsc_diag_add(&a->ctx->diags, OPSC_SEV_NOTE, "kustomize-note", opsc_source_span(&a->ctx->sources, a->file, 0, 0),
		      "HelmRelease charts, which are not rendered: a HelmRelease is checked as an object, with its spec.values");
}

static void read_object(kctx *k, const kobj *o)
{
	opsc_actual *a = k->a;
	a->file = k->files.items[o->stash].file;
	note_helm(a, o->doc);
	opsc_actual_read_doc(a, o->doc);
	for (const kchange *c = o->changes; c; c = c->next) {
		opsc_actual_origin og = { a->file, o->start, o->end, c->span, what_text(k->arena, c->what) };
		opsc_array_push(&k->origins, og);
	}
}

static void read_as_written(kctx *k, uint32_t f)
{
	opsc_actual *a = k->a;
	const kfile *kf = &k->files.items[f];
	a->file = kf->file;
	for (uint32_t d = 0; d < kf->s.ndocs; d++) {
		note_helm(a, kf->s.docs[d]);
		opsc_actual_read_doc(a, kf->s.docs[d]);
	}
}

void opsc_actual_render(opsc_actual *a, opsc_actual_origins *origins)
{
	if (origins)
		*origins = (opsc_actual_origins){ NULL, 0 };
	if (a->rendered || !a->kust)
		return;
	a->rendered = true;
	kctx *k = a->kust;
	kobjs objs = { 0 };
	build_index(k);
	mark_referenced(k);
	opsc_flux_mark_targets(k);
	opsc_flux_render(k, &objs);
	for (uint32_t f = 0; f < k->files.len; f++)
		if (k->files.items[f].kustomization && !k->files.items[f].referenced && !k->files.items[f].flux_target)
			opsc_kust_render(k, f, &objs);
	for (uint32_t f = 0; f < k->files.len; f++) /* only in a cycle: reported there */
		if (k->files.items[f].kustomization && !k->files.items[f].used)
			opsc_kust_render(k, f, &objs);
	for (uint32_t f = 0; f < k->files.len; f++)
		if (!k->files.items[f].used)
			read_as_written(k, f);
	for (uint32_t i = 0; i < objs.len; i++)
		read_object(k, &objs.items[i]);
	opsc_array_free(&objs);
	if (k->origins.len)
		qsort(k->origins.items, k->origins.len, sizeof *k->origins.items, cmp_origin);
	if (origins) {
		origins->len = k->origins.len;
		origins->items = opsc_array_to_arena(a->ctx->arena, &k->origins);
	}
}

int opsc_actual_render_dir(opsc_actual *a, const char *dir, opsc_actual_object_fn fn, void *user)
{
	if (!a->kust || a->rendered)
		return -1;
	kctx *k = a->kust;
	build_index(k);
	const char *d = opsc_kust_join(k->arena, "", dir);
	int f = d ? opsc_kust_in_dir(k, d) : -1;
	if (f < 0)
		return -1;
	a->rendered = true;
	kobjs objs = { 0 };
	opsc_kust_render(k, (uint32_t)f, &objs);
	for (uint32_t i = 0; i < objs.len; i++)
		fn(user, objs.items[i].doc);
	int n = (int)objs.len;
	opsc_array_free(&objs);
	return n;
}
