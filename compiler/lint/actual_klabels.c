/*
 * actual_klabels.c - the kustomize transformers that touch fields, not
 * names: labels / commonLabels (with selectors and pod templates as
 * kustomize's field specs say), commonAnnotations, replicas and images (see
 * actual_kust.h; called by actual_kustomize.c in kustomize's order).
 */
#include "actual_kust.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- labels */

/* Where kustomize puts labels and annotations (its built-in field specs,
 * api/internal/konfig/builtinpluginconsts): a path of mapping keys, `[]`
 * or a sequence met on the way standing for each of its items; `create`
 * makes what is missing, else only fields already there are set. */
typedef struct {
	const char *kind, *group; /* NULL: any */
	const char *path;
	bool create;
} fspec;

#define POD_AFFINITY(kind)                                                                                          \
	{ kind, "apps", "spec.template.spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution."      \
			"podAffinityTerm.labelSelector.matchLabels", false },                                         \
	{ kind, "apps", "spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution."       \
			"labelSelector.matchLabels", false },                                                          \
	{ kind, "apps", "spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution."  \
			"podAffinityTerm.labelSelector.matchLabels", false },                                         \
	{ kind, "apps", "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution."   \
			"labelSelector.matchLabels", false },                                                          \
	{ kind, "apps", "spec.template.spec.topologySpreadConstraints.labelSelector.matchLabels", false }

/* metadata and pod templates, as `field` (labels or annotations) */
#define TEMPLATES(field)                                                                                            \
	{ NULL, NULL, "metadata." field, true }, { "ReplicationController", "", "spec.template.metadata." field, true }, \
	{ "Deployment", NULL, "spec.template.metadata." field, true },                                                  \
	{ "ReplicaSet", NULL, "spec.template.metadata." field, true },                                                  \
	{ "DaemonSet", NULL, "spec.template.metadata." field, true },                                                   \
	{ "StatefulSet", NULL, "spec.template.metadata." field, true },                                                 \
	{ "Job", "batch", "spec.template.metadata." field, true },                                                      \
	{ "CronJob", "batch", "spec.jobTemplate.metadata." field, true },                                               \
	{ "CronJob", "batch", "spec.jobTemplate.spec.template.metadata." field, true }

static const fspec meta_labels[] = { { NULL, NULL, "metadata.labels", true }, { 0 } };
static const fspec template_labels[] = { TEMPLATES("labels"), { 0 } };
static const fspec claim_labels[] = { { "StatefulSet", "apps", "spec.volumeClaimTemplates[].metadata.labels", true },
				      { 0 } };
static const fspec selector_labels[] = {
	{ "Service", "", "spec.selector", true },
	{ "ReplicationController", "", "spec.selector", true },
	{ "Deployment", NULL, "spec.selector.matchLabels", true },
	POD_AFFINITY("Deployment"),
	{ "ReplicaSet", NULL, "spec.selector.matchLabels", true },
	{ "DaemonSet", NULL, "spec.selector.matchLabels", true },
	{ "StatefulSet", "apps", "spec.selector.matchLabels", true },
	POD_AFFINITY("StatefulSet"),
	{ "Job", "batch", "spec.selector.matchLabels", false },
	{ "CronJob", "batch", "spec.jobTemplate.spec.selector.matchLabels", false },
	{ "PodDisruptionBudget", "policy", "spec.selector.matchLabels", false },
	{ "NetworkPolicy", "networking.k8s.io", "spec.podSelector.matchLabels", false },
	{ "NetworkPolicy", "networking.k8s.io", "spec.ingress.from.podSelector.matchLabels", false },
	{ "NetworkPolicy", "networking.k8s.io", "spec.egress.to.podSelector.matchLabels", false },
	{ 0 },
};
static const fspec annotations[] = { TEMPLATES("annotations"), { 0 } };

static bool spec_applies(const fspec *f, const kobj *o)
{
	if (f->kind && strcmp(f->kind, o->kind) != 0)
		return false;
	if (!f->group)
		return true;
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(o->doc, "apiVersion"));
	const char *slash = api ? strchr(api, '/') : NULL;
	size_t gl = slash ? (size_t)(slash - api) : 0; /* "v1": the core group, "" */
	return strlen(f->group) == gl && strncmp(api, f->group, gl) == 0;
}

static void put_pairs(kctx *k, opsc_yamldoc_node *m, const opsc_yamldoc_node *pairs)
{
	for (uint32_t i = 0; i < pairs->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(pairs->mapping.pairs[i].key);
		const char *v = opsc_yamldoc_str(pairs->mapping.pairs[i].value);
		if (key)
			opsc_kn_put(k->arena, m, key, opsc_kn_scalar(k->arena, v ? v : "", pairs->mapping.pairs[i].value));
	}
}

/* The pairs set at `path` (dot-separated, from `seg`) under `n`. */
static void put_at(kctx *k, opsc_yamldoc_node *n, const char *path, bool create, const opsc_yamldoc_node *pairs,
		   uint32_t depth)
{
	if (!n || depth > 32)
		return;
	if (n->kind == OPSC_YAMLDOC_SEQUENCE) {
		for (uint32_t i = 0; i < n->sequence.len; i++)
			put_at(k, n->sequence.items[i], path, create, pairs, depth + 1);
		return;
	}
	if (n->kind != OPSC_YAMLDOC_MAPPING)
		return;
	if (!*path) {
		put_pairs(k, n, pairs);
		return;
	}
	const char *dot = strchr(path, '.');
	size_t len = dot ? (size_t)(dot - path) : strlen(path);
	bool each = len > 2 && path[len - 1] == ']' && path[len - 2] == '[';
	char *key = opsc_arena_strndup(k->arena, path, each ? len - 2 : len);
	const char *rest = dot ? dot + 1 : "";
	opsc_yamldoc_node *child = (opsc_yamldoc_node *)opsc_yamldoc_get(n, key);
	if (child && opsc_yamldoc_is_null(child))
		child = NULL;
	if (!child && (!create || each))
		return;
	if (!child)
		child = opsc_kn_child(k->arena, n, key);
	put_at(k, child, rest, create, pairs, depth + 1);
}

static void add_pairs(kctx *k, uint32_t f, kobjs *set, const opsc_yamldoc_node *pairs, const fspec *const *specs,
		      unsigned what)
{
	if (!pairs || pairs->kind != OPSC_YAMLDOC_MAPPING || !pairs->mapping.len)
		return;
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		opsc_yamldoc_node *doc = opsc_kust_mut(k, o);
		for (const fspec *const *list = specs; *list; list++)
			for (const fspec *s = *list; s->path; s++)
				if (spec_applies(s, o))
					put_at(k, doc, s->path, s->create, pairs, 0);
		opsc_kust_changed(k, o, f, opsc_kust_span(k, f, pairs), what);
	}
}

static bool flag(const opsc_yamldoc_node *e, const char *key)
{
	const char *v = opsc_yamldoc_str(opsc_yamldoc_get(e, key));
	return v && strcmp(v, "true") == 0;
}

void opsc_kust_labels(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, "labels");
	for (uint32_t i = 0; list && i < list->sequence.len; i++) {
		const opsc_yamldoc_node *e = list->sequence.items[i];
		const fspec *specs[5] = { meta_labels }, **next = specs + 1;
		if (flag(e, "includeSelectors")) {
			*next++ = template_labels;
			*next++ = selector_labels;
			*next++ = claim_labels;
		} else {
			if (flag(e, "includeTemplates"))
				*next++ = template_labels;
			if (flag(e, "includeVolumeClaimTemplates"))
				*next++ = claim_labels;
		}
		*next = NULL;
		add_pairs(k, f, set, opsc_yamldoc_get(e, "pairs"), specs, KC_LABELS);
	}
	const fspec *common[] = { template_labels, selector_labels, claim_labels, NULL };
	add_pairs(k, f, set, opsc_yamldoc_get(kdoc, "commonLabels"), common, KC_LABELS);
	const fspec *annot[] = { annotations, NULL };
	add_pairs(k, f, set, opsc_yamldoc_get(kdoc, "commonAnnotations"), annot, KC_ANNOTATIONS);
}

/* ---------------------------------------------------------- images, replicas */

/* `image` rewritten by the images entry naming it: name[:tag][@digest]. */
static const char *new_image(kctx *k, const char *image, const opsc_yamldoc_node *e)
{
	const char *name = opsc_yamldoc_str(opsc_yamldoc_get(e, "name"));
	const char *at = strchr(image, '@');
	const char *slash = strrchr(image, '/');
	const char *colon = strchr(slash ? slash : image, ':');
	size_t base = at && (!colon || at < colon) ? (size_t)(at - image) : colon ? (size_t)(colon - image) : strlen(image);
	if (!name || strlen(name) != base || strncmp(image, name, base) != 0)
		return NULL;
	const char *nn = opsc_yamldoc_str(opsc_yamldoc_get(e, "newName"));
	const char *tag = opsc_yamldoc_str(opsc_yamldoc_get(e, "newTag"));
	const char *digest = opsc_yamldoc_str(opsc_yamldoc_get(e, "digest"));
	const char *rest = image + base;
	if (digest)
		return opsc_arena_printf(k->arena, "%s@%s", nn ? nn : name, digest);
	if (tag)
		return opsc_arena_printf(k->arena, "%s:%s", nn ? nn : name, tag);
	return opsc_arena_printf(k->arena, "%s%s", nn ? nn : name, rest);
}

static bool set_image(kctx *k, opsc_yamldoc_node *c, const opsc_yamldoc_node *list)
{
	for (uint32_t i = 0; c && c->kind == OPSC_YAMLDOC_MAPPING && i < c->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(c->mapping.pairs[i].key);
		opsc_yamldoc_node *v = c->mapping.pairs[i].value;
		const char *img = key && strcmp(key, "image") == 0 ? opsc_yamldoc_str(v) : NULL;
		for (uint32_t e = 0; img && e < list->sequence.len; e++) {
			const char *to = new_image(k, img, list->sequence.items[e]);
			if (to) {
				c->mapping.pairs[i].value = opsc_kn_scalar(k->arena, to, v);
				return true;
			}
		}
	}
	return false;
}

/* The image of every container and init container at any depth (kustomize's
 * legacy image filter: a CronJob's, a custom resource's pod template). */
static bool images_in(kctx *k, opsc_yamldoc_node *n, const opsc_yamldoc_node *list, uint32_t depth)
{
	bool any = false;
	if (!n || depth > 32)
		return false;
	if (n->kind == OPSC_YAMLDOC_SEQUENCE)
		for (uint32_t i = 0; i < n->sequence.len; i++)
			any |= images_in(k, n->sequence.items[i], list, depth + 1);
	if (n->kind != OPSC_YAMLDOC_MAPPING)
		return any;
	for (uint32_t i = 0; i < n->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(n->mapping.pairs[i].key);
		opsc_yamldoc_node *v = n->mapping.pairs[i].value;
		bool containers = key && (strcmp(key, "containers") == 0 || strcmp(key, "initContainers") == 0);
		for (uint32_t c = 0; containers && v->kind == OPSC_YAMLDOC_SEQUENCE && c < v->sequence.len; c++)
			any |= set_image(k, v->sequence.items[c], list);
		any |= images_in(k, v, list, depth + 1);
	}
	return any;
}

void opsc_kust_images(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, "images");
	for (uint32_t i = 0; list && i < set->len; i++) {
		kobj *o = &set->items[i];
		if (!opsc_yamldoc_path(o->doc, "spec"))
			continue;
		kobj copy = *o;
		opsc_yamldoc_node *doc = opsc_kust_mut(k, &copy);
		if (images_in(k, doc, list, 0)) {
			*o = copy;
			opsc_kust_changed(k, o, f, opsc_kust_span(k, f, list), KC_IMAGES);
		}
	}
}

/* The kinds kustomize's `replicas` sets (its field specs). */
static bool has_replicas(const char *kind)
{
	static const char *const kinds[] = { "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet" };
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

void opsc_kust_replicas(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, "replicas");
	for (uint32_t e = 0; list && e < list->sequence.len; e++) {
		const opsc_yamldoc_node *name = opsc_yamldoc_get(list->sequence.items[e], "name");
		const opsc_yamldoc_node *count = opsc_yamldoc_get(list->sequence.items[e], "count");
		for (uint32_t i = 0; name && count && i < set->len; i++) {
			kobj *o = &set->items[i];
			if (!has_replicas(o->kind) || (strcmp(opsc_kust_name(o), opsc_yamldoc_str(name)) != 0 &&
						      strcmp(o->orig_name, opsc_yamldoc_str(name)) != 0))
				continue;
			opsc_yamldoc_node *spec = opsc_kn_child(k->arena, opsc_kust_mut(k, o), "spec");
			opsc_yamldoc_node *c = opsc_kn_copy(k->arena, count, 0);
			opsc_kn_put(k->arena, spec, "replicas", c);
			opsc_kust_changed(k, o, f, opsc_kust_span(k, f, list->sequence.items[e]), KC_REPLICAS);
		}
	}
}

