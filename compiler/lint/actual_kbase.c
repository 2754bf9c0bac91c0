/*
 * actual_kbase.c - what every part of the kustomize renderer uses (see
 * actual_kust.h): paths and the files under them, diagnostics, objects
 * copied before they are edited and what changed them, metadata set, and
 * `namespace:` (which Flux's targetNamespace applies too).
 */
#include "actual_kust.h"

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

const char *opsc_kust_ns(const kobj *o)
{
	return opsc_yamldoc_str(opsc_yamldoc_path(o->doc, "metadata.namespace"));
}

/* ------------------------------------------------------------ lists */

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

/* ------------------------------------------------------------- namespace */

void opsc_kust_set_meta(kctx *k, kobj *o, const char *field, const char *value, const opsc_yamldoc_node *at)
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
				opsc_kust_set_meta(k, o, "name", ns, NULL);
				opsc_kust_changed(k, o, kust, span, what);
			}
			continue;
		}
		if (strcmp(o->kind, "RoleBinding") == 0 || strcmp(o->kind, "ClusterRoleBinding") == 0)
			subjects_namespace(k, o, objs, ns);
		if (opsc_kn_cluster_scoped(o->kind) || (opsc_kust_ns(o) && strcmp(opsc_kust_ns(o), ns) == 0))
			continue;
		opsc_kust_set_meta(k, o, "namespace", ns, NULL);
		opsc_kust_changed(k, o, kust, span, what);
	}
}
