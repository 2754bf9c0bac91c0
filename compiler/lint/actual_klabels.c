/*
 * actual_klabels.c - the kustomize transformers that touch fields, not
 * names: labels / commonLabels (with selectors and pod templates as
 * kustomize sets them), commonAnnotations, replicas and images (see
 * actual_kust.h; called by actual_kustomize.c in kustomize's order).
 */
#include "actual_kust.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- labels */

static void put_labels(kctx *k, opsc_yamldoc_node *doc, const char *path, const opsc_yamldoc_node *labels)
{
	opsc_yamldoc_node *m = doc;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *seg = strtok(buf, "."); seg; seg = strtok(NULL, "."))
		m = opsc_kn_child(k->arena, m, seg);
	for (uint32_t i = 0; i < labels->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(labels->mapping.pairs[i].key);
		const char *v = opsc_yamldoc_str(labels->mapping.pairs[i].value);
		if (key)
			opsc_kn_put(k->arena, m, key, opsc_kn_scalar(k->arena, v ? v : "", labels->mapping.pairs[i].value));
	}
}

static const char *const workload_kinds[] = { "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" };

static bool is_workload(const char *kind)
{
	for (size_t i = 0; i < sizeof workload_kinds / sizeof *workload_kinds; i++)
		if (strcmp(kind, workload_kinds[i]) == 0)
			return true;
	return false;
}

/* metadata.<field>, and with `selectors` the selectors and pod templates
 * (commonLabels; labels with includeSelectors), with `templates` the pod
 * templates only (includeTemplates). */
static void add_labels(kctx *k, uint32_t f, kobjs *set, const opsc_yamldoc_node *labels, const char *field,
		       bool selectors, bool templates, unsigned what)
{
	if (!labels || labels->kind != OPSC_YAMLDOC_MAPPING || !labels->mapping.len)
		return;
	char meta[64];
	snprintf(meta, sizeof meta, "metadata.%s", field);
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		opsc_yamldoc_node *doc = opsc_kust_mut(k, o);
		put_labels(k, doc, meta, labels);
		if ((selectors || templates) && is_workload(o->kind))
			put_labels(k, doc, "spec.template.metadata.labels", labels);
		if (selectors && is_workload(o->kind) && strcmp(o->kind, "Job") != 0)
			put_labels(k, doc, "spec.selector.matchLabels", labels);
		if (selectors && strcmp(o->kind, "Service") == 0)
			put_labels(k, doc, "spec.selector", labels);
		if (selectors && strcmp(o->kind, "NetworkPolicy") == 0)
			put_labels(k, doc, "spec.podSelector.matchLabels", labels);
		opsc_kust_changed(k, o, f, opsc_kust_span(k, f, labels), what);
	}
}

void opsc_kust_labels(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	add_labels(k, f, set, opsc_yamldoc_get(kdoc, "commonLabels"), "labels", true, true, KC_LABELS);
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, "labels");
	for (uint32_t i = 0; list && i < list->sequence.len; i++) {
		const opsc_yamldoc_node *e = list->sequence.items[i];
		bool sel = opsc_yamldoc_str(opsc_yamldoc_get(e, "includeSelectors")) &&
			   strcmp(opsc_yamldoc_str(opsc_yamldoc_get(e, "includeSelectors")), "true") == 0;
		bool tpl = opsc_yamldoc_str(opsc_yamldoc_get(e, "includeTemplates")) &&
			   strcmp(opsc_yamldoc_str(opsc_yamldoc_get(e, "includeTemplates")), "true") == 0;
		add_labels(k, f, set, opsc_yamldoc_get(e, "pairs"), "labels", sel, tpl, KC_LABELS);
	}
	add_labels(k, f, set, opsc_yamldoc_get(kdoc, "commonAnnotations"), "annotations", false, false,
		   KC_ANNOTATIONS);
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
		const char *img = key && strcmp(key, "image") == 0 ? opsc_yamldoc_str(v) : NULL;
		for (uint32_t e = 0; img && e < list->sequence.len; e++) {
			const char *to = new_image(k, img, list->sequence.items[e]);
			if (to) {
				n->mapping.pairs[i].value = opsc_kn_scalar(k->arena, to, v);
				any = true;
				break;
			}
		}
		if (!img)
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

void opsc_kust_replicas(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, "replicas");
	for (uint32_t e = 0; list && e < list->sequence.len; e++) {
		const opsc_yamldoc_node *name = opsc_yamldoc_get(list->sequence.items[e], "name");
		const opsc_yamldoc_node *count = opsc_yamldoc_get(list->sequence.items[e], "count");
		for (uint32_t i = 0; name && count && i < set->len; i++) {
			kobj *o = &set->items[i];
			if (!is_workload(o->kind) || (strcmp(opsc_kust_name(o), opsc_yamldoc_str(name)) != 0 &&
						      strcmp(o->orig_name, opsc_yamldoc_str(name)) != 0))
				continue;
			opsc_yamldoc_node *spec = opsc_kn_child(k->arena, opsc_kust_mut(k, o), "spec");
			opsc_yamldoc_node *c = opsc_kn_copy(k->arena, count, 0);
			opsc_kn_put(k->arena, spec, "replicas", c);
			opsc_kust_changed(k, o, f, opsc_kust_span(k, f, list->sequence.items[e]), KC_REPLICAS);
		}
	}
}

