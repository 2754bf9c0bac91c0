/*
 * actual_kust.h - the native kustomize renderer of the actual-state Model,
 * shared by actual_render.c (the driver: what is rendered, what is read as
 * written), actual_flux.c (Flux Kustomizations, postBuild substitution),
 * actual_kustomize.c (the tree of kustomizations, patches, names and
 * references), actual_klabels.c (labels, annotations, replicas, images),
 * actual_kgen.c (generators), actual_kbase.c (what they all use: paths,
 * diagnostics, copies, metadata, namespaces) and actual_knode.c (editing
 * YAML node trees: set, strategic merge, JSON 6902). Each calls only the
 * files after it in that list.
 *
 * A tree as written is never edited: an object is copied the first time a
 * kustomization changes it (opsc_kust_mut), then edited in place, so a base
 * that two overlays render stays as written for the second. A node copied
 * from a patch keeps its
 * place in the patch (yamldoc's `origin`); a value a kustomization sets
 * (a namespace, a prefixed name) is placed at the node it replaces, in the
 * object's own file, so findings stay where the object is written. What
 * changed an object is recorded with it (kchange) and becomes the related
 * location of its findings (opsc_actual_origins).
 *
 * Everything lives in the ctx arena.
 */
#ifndef OPSC_ACTUAL_KUST_H
#define OPSC_ACTUAL_KUST_H

#include "actual_int.h"

/* What a kustomization did to an object, for the related location's text. */
enum {
	KC_NAMESPACE = 1 << 0,
	KC_NAME = 1 << 1, /* namePrefix / nameSuffix */
	KC_LABELS = 1 << 2,
	KC_ANNOTATIONS = 1 << 3,
	KC_PATCH = 1 << 4,
	KC_IMAGES = 1 << 5,
	KC_REFS = 1 << 6, /* a reference renamed with its target */
	KC_SUBSTITUTE = 1 << 7, /* Flux postBuild */
	KC_TARGET_NS = 1 << 8, /* Flux targetNamespace */
	KC_REPLICAS = 1 << 9,
	KC_GENERATED = 1 << 10,
	KC_COUNT_ = 11,
};

typedef struct kchange {
	uint32_t kust; /* the stashed file of the kustomization */
	opsc_span span; /* the field that changed the object */
	unsigned what; /* KC_* */
	struct kchange *next; /* the kustomization before it (inner first) */
} kchange;

/* One object of a rendering: its current tree and where it is written. */
typedef struct {
	const opsc_yamldoc_node *doc;
	uint32_t stash; /* index of the stashed file it is written in */
	const char *kind; /* never NULL */
	const char *orig_name; /* metadata.name as written ("" when none) */
	uint32_t start, end; /* the document's bytes in its file */
	bool owned; /* doc is this rendering's copy, free to edit */
	kchange *changes;
	const char *hash; /* a generated object's name suffix, until appended */
} kobj;

typedef opsc_array(kobj) kobjs;

/* A file handed to the builder, parsed but not read into the Model yet. */
typedef struct {
	uint32_t file; /* in ctx->sources */
	const char *path; /* as registered */
	opsc_yamldoc_stream s;
	bool used; /* rendered through a kustomization: not read as written */
	bool kustomization; /* kustomization.yaml, .yml or Kustomization */
	bool referenced; /* a resource or component of another kustomization */
	bool flux_target; /* the spec.path of a Flux Kustomization */
	bool patch; /* named as a patch by a kustomization: no object of its own */
	bool marked; /* patch nodes carry this file as their origin */
} kfile;

typedef struct {
	const char *path;
	uint32_t file; /* index in kctx.files */
} kpath;

/* Copies stop past this many nodes in one run: a base of aliases that
 * expand a hundred thousand times, included by a thousand overlays, must
 * not take gigabytes. Past it objects are edited where they are (the
 * renderings that share them may then disagree), after one error. */
#define OPSC_KUST_COPY_BUDGET (8u * 1000 * 1000)

typedef struct kctx {
	opsc_actual *a;
	opsc_arena *arena;
	opsc_array(kfile) files;
	kpath *sorted; /* the files by path, for lookups */
	opsc_array(uint32_t) stack; /* kustomizations being rendered */
	opsc_array(opsc_actual_origin) origins;
	const char *root; /* prefix of paths Flux's spec.path is relative to */
	uint64_t copied, budget; /* nodes copied so far, and at most (opsc_kust_mut) */
	bool over_budget;
	uint32_t helm_notes;
} kctx;

/* ------------------------------------------------------- actual_knode.c */

/* A new string scalar standing where `at` is (in the file of `at`). */
opsc_yamldoc_node *opsc_kn_scalar(opsc_arena *arena, const char *value, const opsc_yamldoc_node *at);
/* A copy of a tree (aliases expanded), every node at its place. */
opsc_yamldoc_node *opsc_kn_copy(opsc_arena *arena, const opsc_yamldoc_node *n, uint32_t depth);
/* Sets `key` of mapping `map` to `value` (appended when absent). */
void opsc_kn_put(opsc_arena *arena, opsc_yamldoc_node *map, const char *key, opsc_yamldoc_node *value);
/* The mapping at `key` of `map`, made (placed at `map`) when absent or not
 * a mapping. */
opsc_yamldoc_node *opsc_kn_child(opsc_arena *arena, opsc_yamldoc_node *map, const char *key);
/* Removes `key` from `map`; whether it was there. */
bool opsc_kn_del(opsc_yamldoc_node *map, const char *key);
/* Sets `origin` on every node of a tree (patch files: their nodes keep
 * pointing into them once grafted). */
void opsc_kn_mark(opsc_yamldoc_node *n, uint32_t origin, uint32_t depth);
/* Places every node of a tree at `at` (a patch parsed from an inline string). */
void opsc_kn_place(opsc_yamldoc_node *n, const opsc_yamldoc_node *at, uint32_t depth);
/* Strategic merge of `patch` into the (owned) `base`, in place; returns the
 * new root: NULL when the patch deletes the object. */
opsc_yamldoc_node *opsc_kn_merge(opsc_arena *arena, opsc_yamldoc_node *base, const opsc_yamldoc_node *patch,
				 uint32_t depth);
/* Applies a JSON 6902 list of operations to the (owned) `*doc`. Returns
 * NULL, or what went wrong (arena text) with *at the failing operation. */
const char *opsc_kn_json6902(opsc_arena *arena, opsc_yamldoc_node **doc, const opsc_yamldoc_node *ops,
			     const opsc_yamldoc_node **at);
/* Whether a kind is cluster-scoped (no metadata.namespace). */
bool opsc_kn_cluster_scoped(const char *kind);

/* ------------------------------------------------------- actual_kbase.c */

/* The stashed file at `path` (normalised), or -1. */
int opsc_kust_find(const kctx *k, const char *path);
/* `rel` joined to the directory of `base`, normalised; NULL when it
 * climbs out of the tree. */
const char *opsc_kust_join(opsc_arena *arena, const char *dir, const char *rel);
/* The directory of a path ("" for a file at the top). */
const char *opsc_kust_dir(opsc_arena *arena, const char *path);
/* A resource or component entry the renderer does not fetch (a URL, a
 * git@ or github.com/ address). */
bool opsc_kust_remote(const char *entry);
/* kustomization.yaml (or .yml, or Kustomization) of kustomize itself, not a
 * Flux Kustomization object under the same file name (actual_render.c). */
bool opsc_kust_is_kustomize(const char *path, const opsc_yamldoc_stream *s);
/* A Flux Kustomization object (kustomize.toolkit.fluxcd.io), actual_flux.c. */
bool opsc_kust_is_flux(const opsc_yamldoc_node *doc);
/* The kustomization file in directory `dir`, or -1. */
int opsc_kust_in_dir(const kctx *k, const char *dir);
/* The object's tree, copied first if it is still the one as written. */
opsc_yamldoc_node *opsc_kust_mut(kctx *k, kobj *o);
/* The point at node `n` of stashed file `f` (or of the file it came from). */
opsc_span opsc_kust_span(const kctx *k, uint32_t f, const opsc_yamldoc_node *n);
/* The list at `key` of a kustomization, reported when not a list. */
const opsc_yamldoc_node *opsc_kust_seq(kctx *k, uint32_t f, const opsc_yamldoc_node *doc, const char *key);
/* metadata.name as it is now ("" when none); metadata.namespace (NULL). */
const char *opsc_kust_name(const kobj *o);
const char *opsc_kust_ns(const kobj *o);
/* Sets metadata.<field> to `value`, placed where the old value was (else
 * at `at`, else at metadata). */
void opsc_kust_set_meta(kctx *k, kobj *o, const char *field, const char *value, const opsc_yamldoc_node *at);
/* Records that `kust` changed `o` at `span`. */
void opsc_kust_changed(kctx *k, kobj *o, uint32_t kust, opsc_span span, unsigned what);
/* The objects of one stashed file, as written. */
void opsc_kust_add_file(kctx *k, uint32_t f, kobjs *out);
/* Sets metadata.namespace of every namespaced object (and renames
 * Namespace objects), as kustomize's `namespace:` does. */
void opsc_kust_set_namespace(kctx *k, kobjs *objs, const opsc_yamldoc_node *ns, uint32_t kust, unsigned what);
void opsc_kust_error(kctx *k, uint32_t f, const opsc_yamldoc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void opsc_kust_note(kctx *k, uint32_t f, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------- actual_kustomize.c */

/* Renders the kustomization in stashed file `f` into `out`. */
void opsc_kust_render(kctx *k, uint32_t f, kobjs *out);

/* ------------------------------------------------------ actual_klabels.c */

/* labels / commonLabels / commonAnnotations, replicas, images of the
 * kustomization in `f` over `set`. */
void opsc_kust_labels(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set);
void opsc_kust_replicas(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set);
void opsc_kust_images(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set);

/* --------------------------------------------------------- actual_kgen.c */

/* The hash suffix of a generated ConfigMap (type NULL) or Secret: `data`
 * as the object holds it (a Secret's values base64), sorted in place. */
const char *opsc_kust_name_hash(opsc_arena *arena, const char *kind, opsc_kv *data, uint32_t n, const char *type);
/* configMapGenerator / secretGenerator of a kustomization into `out`. */
void opsc_kust_generate(kctx *k, uint32_t kust, const opsc_yamldoc_node *kdoc, kobjs *out);

/* -------------------------------------------------------- actual_flux.c */

/* Renders the Flux Kustomizations found in any file into `out`, marking
 * what they render as used. Run before plain kustomizations. */
void opsc_flux_render(kctx *k, kobjs *out);
/* Marks the kustomizations Flux Kustomizations point at (flux_target). */
void opsc_flux_mark_targets(kctx *k);

#endif
