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
 *
 * Problems (a missing path, a cycle, a patch that does not apply) are
 * `invalid-kustomization` diagnostics at the kustomization's line; the
 * rest of the kustomization is still rendered.
 */
#include "actual_kust.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ paths */

const char *opsc_kust_dir(opsc_arena *arena, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? opsc_arena_strndup(arena, path, (size_t)(slash - path)) : "";
}

/* dir + "/" + rel with "." and ".." resolved. */
const char *opsc_kust_join(opsc_arena *arena, const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *out = opsc_arena_alloc(arena, n), *w = out;
	const char *parts[2] = { rel[0] == '/' ? "" : dir, rel };
	for (int p = 0; p < 2; p++)
		for (const char *s = parts[p]; *s;) {
			const char *e = strchr(s, '/');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			if (len == 2 && s[0] == '.' && s[1] == '.') {
				if (w == out)
					return NULL; /* out of the tree */
				while (w > out && w[-1] != '/')
					w--;
				if (w > out)
					w--;
			} else if (len && !(len == 1 && s[0] == '.')) {
				if (w > out)
					*w++ = '/';
				memcpy(w, s, len);
				w += len;
			}
			s += len + (e ? 1 : 0);
		}
	*w = '\0';
	return out;
}

static int find_from(const kctx *k, const char *path, bool lower)
{
	uint32_t lo = 0, hi = k->files.len;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (strcmp(k->sorted[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lower)
		return (int)lo;
	return lo < k->files.len && strcmp(k->sorted[lo].path, path) == 0 ? (int)k->sorted[lo].file : -1;
}

int opsc_kust_find(const kctx *k, const char *path)
{
	return path ? find_from(k, path, false) : -1;
}

static const char *const kust_names[] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };

int opsc_kust_in_dir(const kctx *k, const char *dir)
{
	for (size_t i = 0; i < sizeof kust_names / sizeof *kust_names; i++) {
		int f = opsc_kust_find(k, opsc_arena_printf(k->arena, "%s%s%s", dir, *dir ? "/" : "", kust_names[i]));
		if (f >= 0 && k->files.items[f].kustomization)
			return f;
	}
	return -1;
}

/* ------------------------------------------------------------ diagnostics */

void opsc_kust_error(kctx *k, uint32_t f, const opsc_yamldoc_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = opsc_arena_vprintf(k->arena, fmt, ap);
	va_end(ap);
	uint32_t file = at && at->origin ? at->origin - 1 : k->files.items[f].file;
	uint32_t off = at ? at->offset : 0;
	opsc_diag_error(&k->a->ctx->diags, "invalid-kustomization",
			opsc_source_span(&k->a->ctx->sources, file, off, off), "%s", msg);
}

void opsc_kust_note(kctx *k, uint32_t f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = opsc_arena_vprintf(k->arena, fmt, ap);
	va_end(ap);
	opsc_diag_add(&k->a->ctx->diags, OPSC_SEV_NOTE, "kustomize-note",
		      opsc_source_span(&k->a->ctx->sources, k->files.items[f].file, 0, 0), "%s", msg);
}

/* ---------------------------------------------------------------- objects */

opsc_span opsc_kust_span(const kctx *k, uint32_t f, const opsc_yamldoc_node *n)
{
	uint32_t file = n->origin ? n->origin - 1 : k->files.items[f].file;
	return opsc_source_span(&k->a->ctx->sources, file, n->offset, n->offset);
}

/* Nodes of a tree, counting each alias expansion, up to `cap`. */
static uint64_t tree_size(const opsc_yamldoc_node *n, uint64_t cap, uint32_t depth)
{
	uint64_t total = 1;
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH)
		return 0;
	uint32_t len = n->kind == OPSC_YAMLDOC_MAPPING ? n->mapping.len : n->kind == OPSC_YAMLDOC_SEQUENCE ? n->sequence.len : 0;
	for (uint32_t i = 0; i < len && total < cap; i++)
		total += tree_size(n->kind == OPSC_YAMLDOC_MAPPING ? n->mapping.pairs[i].value : n->sequence.items[i],
				   cap - total, depth + 1);
	return total;
}

opsc_yamldoc_node *opsc_kust_mut(kctx *k, kobj *o)
{
	if (o->owned)
		return (opsc_yamldoc_node *)o->doc;
	uint64_t size = tree_size(o->doc, k->budget + 1, 0);
	if (k->copied + size > k->budget) {
		if (!k->over_budget)
			opsc_kust_error(k, o->stash, o->doc, "rendering copies more than %llu YAML nodes: the objects "
					"past this one are not rendered apart", (unsigned long long)k->budget);
		k->over_budget = true;
	} else {
		k->copied += size;
		o->doc = opsc_kn_copy(k->arena, o->doc, 0);
	}
	o->owned = true;
	return (opsc_yamldoc_node *)o->doc;
}

void opsc_kust_changed(kctx *k, kobj *o, uint32_t kust, opsc_span span, unsigned what)
{
	if (o->changes && o->changes->kust == kust) {
		o->changes->what |= what;
		return;
	}
	kchange *c = opsc_arena_alloc(k->arena, sizeof *c);
	*c = (kchange){ kust, span, what, o->changes };
	o->changes = c;
}

static void add_object(kobjs *out, const opsc_yamldoc_node *doc, uint32_t f, uint32_t start, uint32_t end)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	if (!kind || !opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion")))
		return; /* not an object: an empty document, values */
	if (strcmp(kind, "List") == 0) {
		const opsc_yamldoc_node *items = opsc_yamldoc_get(doc, "items");
		for (uint32_t i = 0; items && items->kind == OPSC_YAMLDOC_SEQUENCE && i < items->sequence.len; i++)
			add_object(out, items->sequence.items[i], f, start, end);
		return;
	}
	const char *name = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name"));
	kobj o = { doc, f, kind, name ? name : "", start, end, false, NULL, NULL };
	opsc_array_push(out, o);
}

void opsc_kust_add_file(kctx *k, uint32_t f, kobjs *out)
{
	kfile *kf = &k->files.items[f];
	kf->used = true;
	for (uint32_t i = 0; i < kf->s.ndocs; i++) {
		uint32_t end = i + 1 < kf->s.ndocs ? kf->s.docs[i + 1]->offset : (uint32_t)kf->s.len;
		add_object(out, kf->s.docs[i], f, kf->s.docs[i]->offset, end);
	}
}

const char *opsc_kust_name(const kobj *o)
{
	const char *n = opsc_yamldoc_str(opsc_yamldoc_path(o->doc, "metadata.name"));
	return n ? n : "";
}

static const char *obj_ns(const kobj *o)
{
	return opsc_yamldoc_str(opsc_yamldoc_path(o->doc, "metadata.namespace"));
}

/* ---------------------------------------------------------- resources */

const opsc_yamldoc_node *opsc_kust_seq(kctx *k, uint32_t f, const opsc_yamldoc_node *doc, const char *key)
{
	const opsc_yamldoc_node *n = opsc_yamldoc_get(doc, key);
	if (!n || opsc_yamldoc_is_null(n))
		return NULL;
	if (n->kind != OPSC_YAMLDOC_SEQUENCE) {
		opsc_kust_error(k, f, n, "`%s` must be a list", key);
		return NULL;
	}
	return n;
}

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
	if (t->ns && (!obj_ns(o) || strcmp(obj_ns(o), t->ns) != 0))
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
	return !ns || !obj_ns(o) || strcmp(ns, obj_ns(o)) == 0;
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
				apply_one(k, f, set, docs[d], tn ? &t : NULL, opsc_kust_span(k, f, e), &matched);
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

/* ------------------------------------------------------------- namespace */

static void set_meta(kctx *k, kobj *o, const char *field, const char *value, const opsc_yamldoc_node *at)
{
	opsc_yamldoc_node *doc = opsc_kust_mut(k, o);
	opsc_yamldoc_node *meta = opsc_kn_child(k->arena, doc, "metadata");
	const opsc_yamldoc_node *old = opsc_yamldoc_get(meta, field);
	opsc_kn_put(k->arena, meta, field, opsc_kn_scalar(k->arena, value, old ? old : at ? at : meta));
}

/* Whether the objects being namespaced hold the ServiceAccount `name`. */
static bool has_account(const kobjs *objs, const char *name)
{
	for (uint32_t i = 0; name && i < objs->len; i++)
		if (strcmp(objs->items[i].kind, "ServiceAccount") == 0 && strcmp(opsc_kust_name(&objs->items[i]), name) == 0)
			return true;
	return false;
}

/* RoleBinding subjects follow the namespace when they are named `default`
 * (kustomize's setRoleBindingSubjects: defaultOnly) or are a
 * ServiceAccount the same objects hold (its name reference). */
static void subjects_namespace(kctx *k, kobj *o, const kobjs *objs, const char *ns)
{
	opsc_yamldoc_node *subjects = (opsc_yamldoc_node *)opsc_yamldoc_get(opsc_kust_mut(k, o), "subjects");
	for (uint32_t i = 0; subjects && subjects->kind == OPSC_YAMLDOC_SEQUENCE && i < subjects->sequence.len; i++) {
		opsc_yamldoc_node *s = subjects->sequence.items[i];
		const char *name = opsc_yamldoc_str(opsc_yamldoc_get(s, "name"));
		const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(s, "kind"));
		bool account = kind && strcmp(kind, "ServiceAccount") == 0 && has_account(objs, name);
		if (s->kind != OPSC_YAMLDOC_MAPPING || !name || (strcmp(name, "default") != 0 && !account))
			continue;
		const opsc_yamldoc_node *old = opsc_yamldoc_get(s, "namespace");
		opsc_kn_put(k->arena, s, "namespace", opsc_kn_scalar(k->arena, ns, old ? old : s));
	}
}

void opsc_kust_set_namespace(kctx *k, kobjs *objs, const opsc_yamldoc_node *nsn, uint32_t kust, unsigned what)
{
	const char *ns = opsc_yamldoc_str(nsn);
	if (!ns || !*ns)
		return;
	opsc_span span = opsc_kust_span(k, kust, nsn);
	for (uint32_t i = 0; i < objs->len; i++) {
		kobj *o = &objs->items[i];
		if (strcmp(o->kind, "Namespace") == 0) {
			if (strcmp(opsc_kust_name(o), ns) != 0) { /* kustomize renames it */
				set_meta(k, o, "name", ns, NULL);
				opsc_kust_changed(k, o, kust, span, what);
			}
			continue;
		}
		if (strcmp(o->kind, "RoleBinding") == 0 || strcmp(o->kind, "ClusterRoleBinding") == 0)
			subjects_namespace(k, o, objs, ns);
		if (opsc_kn_cluster_scoped(o->kind) || (obj_ns(o) && strcmp(obj_ns(o), ns) == 0))
			continue;
		set_meta(k, o, "namespace", ns, NULL);
		opsc_kust_changed(k, o, kust, span, what);
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
		set_meta(k, o, "name", to, NULL);
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

/* A generated object's name gets its hash once prefixed. */
static void append_hashes(kctx *k, kobjs *set, renames *rs)
{
	for (uint32_t i = 0; i < set->len; i++) {
		kobj *o = &set->items[i];
		if (!o->hash)
			continue;
		const char *to = opsc_arena_printf(k->arena, "%s-%s", opsc_kust_name(o), o->hash);
		set_meta(k, o, "name", to, NULL);
		o->hash = NULL;
		uint32_t r = 0;
		while (r < rs->len && !(strcmp(rs->items[r].kind, o->kind) == 0 && strcmp(rs->items[r].from, o->orig_name) == 0))
			r++;
		if (r < rs->len) {
			rs->items[r].to = to;
		} else {
			krename one = { o->kind, o->orig_name, to };
			opsc_array_push(rs, one);
		}
	}
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
	append_hashes(k, set, &rs);
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

void opsc_kust_render(kctx *k, uint32_t f, kobjs *out)
{
	render_in(k, f, out, false);
}
