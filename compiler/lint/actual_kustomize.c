/*
 * actual_kustomize.c - kustomization.yaml rendered as `kustomize build`
 * does, for the actual-state Model (see actual_kust.h, docs/integrations.md
 * for what differs from kustomize).
 *
 * One kustomization, in kustomize's order:
 *
 *   resources (files, or directories holding a kustomization: rendered
 *   first), components (their own resources added, their transformers run
 *   on everything so far), generators, then the transformers:
 *   patchesStrategicMerge, patches, namespace, namePrefix / nameSuffix,
 *   labels / commonLabels, commonAnnotations, patchesJson6902, replicas,
 *   images; last the references to renamed objects are renamed with them.
 *   Generated names get their hash once the whole build is rendered.
 *
 * Problems (a missing path, a cycle, a patch that does not apply) are
 * `invalid-kustomization` diagnostics at the kustomization's line; the
 * rest of the kustomization is still rendered.
 */
#include "actual_kust.h"

#include <regex.h>
#include <string.h>

/* ---------------------------------------------------------- resources */

bool opsc_kust_remote(const char *entry)
{
	return strstr(entry, "://") || strncmp(entry, "github.com/", 11) == 0 || strncmp(entry, "git@", 4) == 0;
}

static void render_in(kctx *k, uint32_t f, kobjs *set, bool component);

/* One entry of resources or components. */
static void add_entry(kctx *k, uint32_t f, const opsc_yamldoc_node *entry, kobjs *set, bool component)
{
	const char *rel = opsc_yamldoc_str(entry);
	if (!rel) {
		opsc_kust_error(k, f, entry, "a %s entry must be a path", component ? "component" : "resource");
		return;
	}
	if (opsc_kust_remote(rel)) {
		opsc_kust_note(k, f, "remote %s %s is not fetched: its objects are not checked",
			       component ? "component" : "resource", rel);
		return;
	}
	const char *path = opsc_kust_join(k->arena, opsc_kust_dir(k->arena, k->files.items[f].path), rel);
	int file = opsc_kust_find(k, path);
	int sub = file >= 0 && k->files.items[file].kustomization ? file : path ? opsc_kust_in_dir(k, path) : -1;
	if (sub < 0 && file < 0) {
		opsc_kust_error(k, f, entry, "%s `%s` not found: no such YAML file, nor a directory with a kustomization",
				component ? "component" : "resource", rel);
		return;
	}
	if (sub < 0 && !component) {
		opsc_kust_add_file(k, (uint32_t)file, set);
		return;
	}
	for (uint32_t i = 0; i < k->stack.len; i++)
		if (k->stack.items[i] == (uint32_t)sub) {
			opsc_kust_error(k, f, entry, "kustomization cycle: %s is already being rendered",
					k->files.items[sub].path);
			return;
		}
	if (sub < 0) {
		opsc_kust_error(k, f, entry, "component `%s` is not a kustomization", rel);
		return;
	}
	render_in(k, (uint32_t)sub, set, component);
}

/* --------------------------------------------------------------- patches */

typedef struct {
	const char *kind, *name, *ns, *group, *version, *labels;
	regex_t kind_re, name_re;
	bool has_kind_re, has_name_re;
} target;

static bool compile(kctx *k, uint32_t f, const opsc_yamldoc_node *at, const char *pattern, regex_t *re)
{
	char *anchored = opsc_arena_printf(k->arena, "^(%s)$", pattern);
	if (regcomp(re, anchored, REG_EXTENDED | REG_NOSUB) == 0)
		return true;
	opsc_kust_error(k, f, at, "`%s` is not a regular expression", pattern);
	return false;
}

static void target_read(kctx *k, uint32_t f, const opsc_yamldoc_node *n, target *t)
{
	memset(t, 0, sizeof *t);
	t->kind = opsc_yamldoc_str(opsc_yamldoc_get(n, "kind"));
	t->name = opsc_yamldoc_str(opsc_yamldoc_get(n, "name"));
	t->ns = opsc_yamldoc_str(opsc_yamldoc_get(n, "namespace"));
	t->group = opsc_yamldoc_str(opsc_yamldoc_get(n, "group"));
	t->version = opsc_yamldoc_str(opsc_yamldoc_get(n, "version"));
	t->labels = opsc_yamldoc_str(opsc_yamldoc_get(n, "labelSelector"));
	if (t->kind)
		t->has_kind_re = compile(k, f, n, t->kind, &t->kind_re);
	if (t->name)
		t->has_name_re = compile(k, f, n, t->name, &t->name_re);
}

static void target_free(target *t)
{
	if (t->has_kind_re)
		regfree(&t->kind_re);
	if (t->has_name_re)
		regfree(&t->name_re);
}

/* labelSelector: `a=b,c=d` (equality only; `a` alone: the key is set) */
static bool labels_match(const opsc_yamldoc_node *doc, const char *sel)
{
	const opsc_yamldoc_node *labels = opsc_yamldoc_path(doc, "metadata.labels");
	for (const char *p = sel; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;
		bool found = false;
		for (uint32_t i = 0; labels && labels->kind == OPSC_YAMLDOC_MAPPING && i < labels->mapping.len; i++) {
			const char *key = opsc_yamldoc_str(labels->mapping.pairs[i].key);
			const char *v = opsc_yamldoc_str(labels->mapping.pairs[i].value);
			if (key && strlen(key) == kl && memcmp(key, p, kl) == 0)
				found = !eq || (v && strlen(v) == n - kl - 1 && memcmp(v, eq + 1, n - kl - 1) == 0);
		}
		if (!found)
			return false;
		p += n + (e ? 1 : 0);
	}
	return true;
}

static bool group_matches(const kobj *o, const target *t)
{
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(o->doc, "apiVersion"));
	const char *slash = api ? strchr(api, '/') : NULL;
	size_t gl = slash ? (size_t)(slash - api) : 0;
	const char *version = slash ? slash + 1 : api;
	if (t->group && (strlen(t->group) != gl || strncmp(api, t->group, gl) != 0))
		return false;
	return !t->version || (version && strcmp(version, t->version) == 0);
}

static bool target_matches(const kobj *o, const target *t)
{
	if (t->kind && (!t->has_kind_re || regexec(&t->kind_re, o->kind, 0, NULL, 0) != 0))
		return false;
	if (t->name && (!t->has_name_re || (regexec(&t->name_re, opsc_kust_name(o), 0, NULL, 0) != 0 &&
					     regexec(&t->name_re, o->orig_name, 0, NULL, 0) != 0)))
		return false;
	if (t->ns && (!opsc_kust_ns(o) || strcmp(opsc_kust_ns(o), t->ns) != 0))
		return false;
	return group_matches(o, t) && (!t->labels || labels_match(o->doc, t->labels));
}

/* A strategic merge patch names its object by kind and name. */
static bool smp_matches(const kobj *o, const opsc_yamldoc_node *patch)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(patch, "kind"));
	const char *name = opsc_yamldoc_str(opsc_yamldoc_path(patch, "metadata.name"));
	const char *ns = opsc_yamldoc_str(opsc_yamldoc_path(patch, "metadata.namespace"));
	if (!kind || !name || strcmp(kind, o->kind) != 0)
		return false;
	if (strcmp(name, opsc_kust_name(o)) != 0 && strcmp(name, o->orig_name) != 0)
		return false;
	return !ns || !opsc_kust_ns(o) || strcmp(ns, opsc_kust_ns(o)) == 0;
}

/* The documents of a patch: a file of the tree (marked as the origin of
 * its nodes) or an inline string (placed at the string). */
static uint32_t patch_docs(kctx *k, uint32_t f, const opsc_yamldoc_node *path, const opsc_yamldoc_node *inl,
			   opsc_yamldoc_node ***docs)
{
	if (path) {
		const char *rel = opsc_yamldoc_str(path);
		const char *full = rel ? opsc_kust_join(k->arena, opsc_kust_dir(k->arena, k->files.items[f].path), rel) : NULL;
		int pf = opsc_kust_find(k, full);
		if (pf < 0) {
			opsc_kust_error(k, f, path, "patch `%s` not found", rel ? rel : "?");
			return 0;
		}
		kfile *p = &k->files.items[pf];
		p->used = true;
		if (!p->marked)
			for (uint32_t i = 0; i < p->s.ndocs; i++)
				opsc_kn_mark(p->s.docs[i], p->file + 1, 0);
		p->marked = true;
		*docs = p->s.docs;
		return p->s.ndocs;
	}
	const char *text = opsc_yamldoc_str(inl);
	if (!text)
		return 0;
	opsc_yamldoc_stream s;
	if (opsc_yamldoc_parse(&s, k->arena, k->files.items[f].path, text, inl->scalar.len,
			       OPSC_YAMLDOC_DEFAULT_MAX_BYTES) < 0)
		return 0;
	if (s.nerrors)
		opsc_kust_error(k, f, inl, "the patch is not valid YAML: %s", s.errors[0].message);
	opsc_yamldoc_node *at = opsc_kn_scalar(k->arena, "", inl);
	at->origin = inl->origin ? inl->origin : k->files.items[f].file + 1;
	for (uint32_t i = 0; i < s.ndocs; i++)
		opsc_kn_place(s.docs[i], at, 0);
	*docs = s.docs;
	return s.ndocs;
}

static void apply_one(kctx *k, uint32_t f, kobjs *set, const opsc_yamldoc_node *patch, const target *t,
		      opsc_span span, uint32_t *matched)
{
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		if (t ? !target_matches(o, t) : !smp_matches(o, patch))
			continue;
		opsc_yamldoc_node *doc = opsc_kust_mut(k, o);
		const opsc_yamldoc_node *bad = NULL;
		const char *err = NULL;
		if (patch->kind == OPSC_YAMLDOC_SEQUENCE)
			err = opsc_kn_json6902(k->arena, &doc, patch, &bad);
		else
			doc = opsc_kn_merge(k->arena, doc, patch, 0);
		if (err) {
			opsc_kust_error(k, f, bad, "JSON patch on %s %s: %s", o->kind, opsc_kust_name(o), err);
			continue;
		}
		(*matched)++;
		if (!doc) { /* $patch: delete */
			set->items[i--] = set->items[--set->len];
			continue;
		}
		o->doc = doc;
		opsc_kust_changed(k, o, f, span, KC_PATCH);
	}
}

/* A strategic merge patch with a `target` applies to each object it selects
 * under that object's name and kind (kustomize sets them on a copy of the
 * patch), unless options.allowNameChange or allowKindChange. */
static const opsc_yamldoc_node *targeted(kctx *k, const opsc_yamldoc_node *patch, const opsc_yamldoc_node *e)
{
	if (patch->kind != OPSC_YAMLDOC_MAPPING)
		return patch;
	const char *name = opsc_yamldoc_str(opsc_yamldoc_path(e, "options.allowNameChange"));
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_path(e, "options.allowKindChange"));
	opsc_yamldoc_node *p = opsc_kn_copy(k->arena, patch, 0);
	opsc_yamldoc_node *meta = (opsc_yamldoc_node *)opsc_yamldoc_get(p, "metadata");
	if (!kind || strcmp(kind, "true") != 0) {
		opsc_kn_del(p, "kind");
		opsc_kn_del(p, "apiVersion");
	}
	if (meta && meta->kind == OPSC_YAMLDOC_MAPPING) {
		if (!name || strcmp(name, "true") != 0)
			opsc_kn_del(meta, "name");
		opsc_kn_del(meta, "namespace");
	}
	return p;
}

/* patches / patchesStrategicMerge / patchesJson6902 entries: {path|patch,
 * target} or, for patchesStrategicMerge, a path or an inline string. */
static void apply_patches(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set, const char *key)
{
	const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, key);
	for (uint32_t i = 0; list && i < list->sequence.len; i++) {
		const opsc_yamldoc_node *e = list->sequence.items[i];
		const opsc_yamldoc_node *path = opsc_yamldoc_get(e, "path"), *inl = opsc_yamldoc_get(e, "patch");
		if (e->kind == OPSC_YAMLDOC_SCALAR) { /* patchesStrategicMerge */
			bool inline_yaml = strchr(opsc_yamldoc_str(e), '\n') || strchr(opsc_yamldoc_str(e), ':');
			path = inline_yaml ? NULL : e;
			inl = inline_yaml ? e : NULL;
		}
		opsc_yamldoc_node **docs = NULL;
		uint32_t n = patch_docs(k, f, path, inl, &docs), matched = 0;
		const opsc_yamldoc_node *tn = opsc_yamldoc_get(e, "target");
		target t;
		if (tn)
			target_read(k, f, tn, &t);
		for (uint32_t d = 0; d < n; d++)
			if (docs[d] && (docs[d]->kind == OPSC_YAMLDOC_MAPPING || tn))
				apply_one(k, f, set, tn ? targeted(k, docs[d], e) : docs[d], tn ? &t : NULL,
					  opsc_kust_span(k, f, e), &matched);
		if (tn)
			target_free(&t);
		/* kustomize fails on a patch that names its object and finds
		 * none; a `target` selecting nothing is no error */
		if (n && !matched && (!tn || strcmp(key, "patchesJson6902") == 0))
			opsc_kust_error(k, f, e, "the patch matches no object of this kustomization");
		if (path && n && matched) {
			int pf = opsc_kust_find(k, opsc_kust_join(k->arena, opsc_kust_dir(k->arena, k->files.items[f].path),
								 opsc_yamldoc_str(path)));
			kfile *p = &k->files.items[pf];
			opsc_actual_origin og = { p->file, 0, (uint32_t)p->s.len, opsc_kust_span(k, f, e), "patch" };
			opsc_array_push(&k->origins, og);
		}
	}
}

/* ---------------------------------------------------------- names, refs */

typedef struct {
	const char *kind, *from, *to;
} krename;
typedef opsc_array(krename) renames;

static void prefix_suffix(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set, renames *out)
{
	const opsc_yamldoc_node *pn = opsc_yamldoc_get(kdoc, "namePrefix"), *sn = opsc_yamldoc_get(kdoc, "nameSuffix");
	const char *pre = opsc_yamldoc_str(pn), *suf = opsc_yamldoc_str(sn);
	if ((!pre || !*pre) && (!suf || !*suf))
		return;
	opsc_span span = opsc_kust_span(k, f, pre && *pre ? pn : sn);
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		/* a CRD's name is <plural>.<group>; a Namespace is renamed by `namespace:` */
		if (strcmp(o->kind, "CustomResourceDefinition") == 0 || strcmp(o->kind, "Namespace") == 0 || !*opsc_kust_name(o))
			continue;
		const char *from = opsc_kust_name(o);
		const char *to = opsc_arena_printf(k->arena, "%s%s%s", pre ? pre : "", from, suf ? suf : "");
		opsc_kust_set_meta(k, o, "name", to, NULL);
		opsc_kust_changed(k, o, f, span, KC_NAME);
		krename r = { o->kind, from, to };
		opsc_array_push(out, r);
	}
}

static const char *renamed(const renames *rs, const char *kind, const char *name)
{
	for (uint32_t i = 0; name && i < rs->len; i++)
		if (strcmp(rs->items[i].kind, kind) == 0 && strcmp(rs->items[i].from, name) == 0)
			return rs->items[i].to;
	return NULL;
}

/* Sets `key` of `map` to its renamed value when `kind` `map.key` was renamed. */
static bool fix(kctx *k, opsc_yamldoc_node *map, const char *key, const char *kind, const renames *rs)
{
	const opsc_yamldoc_node *old = opsc_yamldoc_get(map, key);
	const char *to = renamed(rs, kind, opsc_yamldoc_str(old));
	if (!to)
		return false;
	opsc_kn_put(k->arena, map, key, opsc_kn_scalar(k->arena, to, old));
	return true;
}

static opsc_yamldoc_node *mnode(const opsc_yamldoc_node *n, const char *path)
{
	const opsc_yamldoc_node *m = opsc_yamldoc_path(n, path);
	return m && m->kind == OPSC_YAMLDOC_MAPPING ? (opsc_yamldoc_node *)m : NULL;
}

static bool fix_list(kctx *k, opsc_yamldoc_node *spec, const char *list, const char *sub, const char *key,
		     const char *kind, const renames *rs)
{
	const opsc_yamldoc_node *l = opsc_yamldoc_get(spec, list);
	bool any = false;
	for (uint32_t i = 0; l && l->kind == OPSC_YAMLDOC_SEQUENCE && i < l->sequence.len; i++) {
		opsc_yamldoc_node *m = sub ? mnode(l->sequence.items[i], sub) : mnode(l->sequence.items[i], "");
		if (!sub && l->sequence.items[i]->kind == OPSC_YAMLDOC_MAPPING)
			m = l->sequence.items[i];
		if (m)
			any |= fix(k, m, key, kind, rs);
	}
	return any;
}

static bool fix_pod(kctx *k, opsc_yamldoc_node *spec, const renames *rs)
{
	bool any = fix(k, spec, "serviceAccountName", "ServiceAccount", rs);
	any |= fix_list(k, spec, "volumes", "configMap", "name", "ConfigMap", rs);
	any |= fix_list(k, spec, "volumes", "secret", "secretName", "Secret", rs);
	any |= fix_list(k, spec, "imagePullSecrets", NULL, "name", "Secret", rs);
	const char *lists[] = { "containers", "initContainers" };
	for (size_t c = 0; c < 2; c++) {
		const opsc_yamldoc_node *cs = opsc_yamldoc_get(spec, lists[c]);
		for (uint32_t i = 0; cs && cs->kind == OPSC_YAMLDOC_SEQUENCE && i < cs->sequence.len; i++) {
			any |= fix_list(k, cs->sequence.items[i], "envFrom", "configMapRef", "name", "ConfigMap", rs);
			any |= fix_list(k, cs->sequence.items[i], "envFrom", "secretRef", "name", "Secret", rs);
			any |= fix_list(k, cs->sequence.items[i], "env", "valueFrom.configMapKeyRef", "name", "ConfigMap", rs);
			any |= fix_list(k, cs->sequence.items[i], "env", "valueFrom.secretKeyRef", "name", "Secret", rs);
		}
	}
	return any;
}

static const char *const pod_paths[] = { "spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec" };

static bool fix_subjects(kctx *k, opsc_yamldoc_node *doc, const renames *rs)
{
	const opsc_yamldoc_node *l = opsc_yamldoc_get(doc, "subjects");
	bool any = false;
	for (uint32_t i = 0; l && l->kind == OPSC_YAMLDOC_SEQUENCE && i < l->sequence.len; i++) {
		opsc_yamldoc_node *s = l->sequence.items[i];
		const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(s, "kind"));
		if (s->kind == OPSC_YAMLDOC_MAPPING && kind && strcmp(kind, "ServiceAccount") == 0)
			any |= fix(k, s, "name", "ServiceAccount", rs);
	}
	return any;
}

/* References to what this kustomization renamed, renamed with it. */
static void fix_refs(kctx *k, uint32_t f, kobjs *set, const renames *rs, opsc_span span)
{
	if (!rs->len)
		return;
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		opsc_yamldoc_node *doc = opsc_kust_mut(k, o);
		bool any = false;
		if (strcmp(o->kind, "RoleBinding") == 0 || strcmp(o->kind, "ClusterRoleBinding") == 0) {
			opsc_yamldoc_node *ref = mnode(doc, "roleRef");
			const char *rk = opsc_yamldoc_str(opsc_yamldoc_get(ref, "kind"));
			any |= ref && rk && fix(k, ref, "name", rk, rs);
			any |= fix_subjects(k, doc, rs);
		} else if (strcmp(o->kind, "HelmRelease") == 0) {
			any |= fix_list(k, mnode(doc, "spec"), "valuesFrom", NULL, "name", "ConfigMap", rs);
		} else {
			for (size_t p = strcmp(o->kind, "Pod") == 0 ? 0 : 1; p < 3; p++) {
				opsc_yamldoc_node *spec = mnode(doc, pod_paths[p]);
				if (spec && (p == 0 || opsc_yamldoc_get(spec, "containers")))
					any |= fix_pod(k, spec, rs);
			}
		}
		if (any)
			opsc_kust_changed(k, o, f, span, KC_REFS);
	}
}

/* ---------------------------------------------------------------- render */

static void transform(kctx *k, uint32_t f, const opsc_yamldoc_node *kdoc, kobjs *set)
{
	apply_patches(k, f, kdoc, set, "patchesStrategicMerge");
	apply_patches(k, f, kdoc, set, "patches");
	renames rs = { 0 };
	const opsc_yamldoc_node *ns = opsc_yamldoc_get(kdoc, "namespace");
	if (ns)
		opsc_kust_set_namespace(k, set, ns, f, KC_NAMESPACE);
	prefix_suffix(k, f, kdoc, set, &rs);
	opsc_kust_labels(k, f, kdoc, set);
	apply_patches(k, f, kdoc, set, "patchesJson6902");
	opsc_kust_replicas(k, f, kdoc, set);
	opsc_kust_images(k, f, kdoc, set);
	const opsc_yamldoc_node *by = opsc_yamldoc_get(kdoc, "namePrefix");
	by = by ? by : opsc_yamldoc_get(kdoc, "nameSuffix");
	by = by ? by : opsc_yamldoc_get(kdoc, "configMapGenerator");
	by = by ? by : opsc_yamldoc_get(kdoc, "secretGenerator");
	if (by)
		fix_refs(k, f, set, &rs, opsc_kust_span(k, f, by));
	opsc_array_free(&rs);
}

/* A Component works on the set it is given; a Kustomization on its own
 * objects, then hands them to `set`. */
static void render_in(kctx *k, uint32_t f, kobjs *set, bool component)
{
	kfile *kf = &k->files.items[f];
	kf->used = true;
	const opsc_yamldoc_node *kdoc = kf->s.ndocs ? kf->s.docs[0] : NULL;
	if (!kdoc || kdoc->kind != OPSC_YAMLDOC_MAPPING)
		return;
	kobjs local = { 0 }, *mine = component ? set : &local;
	opsc_array_push(&k->stack, f);
	const char *keys[] = { "resources", "bases", "components" };
	for (size_t i = 0; i < 3; i++) {
		const opsc_yamldoc_node *list = opsc_kust_seq(k, f, kdoc, keys[i]);
		for (uint32_t e = 0; list && e < list->sequence.len; e++)
			add_entry(k, f, list->sequence.items[e], mine, i == 2);
	}
	opsc_kust_generate(k, f, kdoc, mine);
	transform(k, f, kdoc, mine);
	k->stack.len--;
	if (!component)
		for (uint32_t i = 0; i < local.len; i++)
			opsc_array_push(set, local.items[i]);
	opsc_array_free(&local);
}

/* A generated object's name gets its hash last, once every kustomization
 * of the build has renamed it (kustomize's addHashesToNames), and the
 * references to it follow. */
static void append_hashes(kctx *k, kobjs *set)
{
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		if (!o->hash)
			continue;
		const char *from = opsc_kust_name(o);
		const char *to = opsc_arena_printf(k->arena, "%s-%s", from, o->hash);
		opsc_kust_set_meta(k, o, "name", to, NULL);
		o->hash = NULL;
		renames rs = { 0 };
		krename one = { o->kind, from, to };
		opsc_array_push(&rs, one);
		const kfile *gen = &k->files.items[o->stash];
		const opsc_yamldoc_node *by = opsc_yamldoc_get(gen->s.docs[0], strcmp(o->kind, "Secret") == 0
										   ? "secretGenerator" : "configMapGenerator");
		fix_refs(k, o->stash, set, &rs, opsc_kust_span(k, o->stash, by ? by : gen->s.docs[0]));
		opsc_array_free(&rs);
	}
}

void opsc_kust_render(kctx *k, uint32_t f, kobjs *out)
{
	kobjs mine = { 0 };
	render_in(k, f, &mine, false);
	append_hashes(k, &mine);
	for (uint32_t i = 0; i < mine.len; i++)
		opsc_array_push(out, mine.items[i]);
	opsc_array_free(&mine);
}
