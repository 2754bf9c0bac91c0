/*
 * actual_flux.c - what Flux adds to kustomize, for the actual-state Model:
 * Kustomization objects (kustomize.toolkit.fluxcd.io) rendering their
 * spec.path with targetNamespace and postBuild substitution (see
 * actual_kust.h).
 *
 * postBuild follows Flux's envsubst: ${VAR}, ${VAR:-default} and
 * ${VAR:=default} (the default when VAR is unset or empty), ${VAR-default}
 * and ${VAR=default} (when unset), $${VAR} for a literal ${VAR}. Values
 * come from spec.postBuild.substitute over substituteFrom, later sources
 * over earlier; a ConfigMap or Secret that is not in the repository is
 * noted, and the variables it may set are then left as written.
 */
#include "actual_kust.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---------------------------------------------------------------- envsubst */

typedef opsc_array(char) charbuf;

typedef struct {
	opsc_kvs vars; /* later entries win */
	bool incomplete; /* a substituteFrom source is missing */
} vars;

static const char *var_get(const vars *v, const char *name, size_t len)
{
	const char *found = NULL;
	for (uint32_t i = 0; i < v->vars.len; i++)
		if (strlen(v->vars.items[i].key.s) == len && memcmp(v->vars.items[i].key.s, name, len) == 0)
			found = v->vars.items[i].value.s;
	return found;
}

/* The text of ${...} at `p` (after "${") up to its `}`, appended to `out`;
 * returns the character after the `}`, or NULL when it is not a variable. */
static const char *subst_one(const vars *v, const char *p, charbuf *out)
{
	const char *close = strchr(p, '}');
	size_t n = 0;
	while (p[n] == '_' || (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') ||
	       (n && p[n] >= '0' && p[n] <= '9'))
		n++;
	if (!close || !n)
		return NULL;
	const char *value = var_get(v, p, n), *op = p + n, *def = NULL;
	size_t deflen = 0;
	if (op < close && (op[0] == ':' ? (op[1] == '-' || op[1] == '=') : (op[0] == '-' || op[0] == '='))) {
		bool colon = op[0] == ':';
		def = op + (colon ? 2 : 1);
		deflen = (size_t)(close - def);
		if (value && (!colon || *value))
			def = NULL;
	} else if (op != close) {
		return NULL; /* ${VAR/x/y} and the like: not Flux's */
	}
	if (def) {
		for (size_t i = 0; i < deflen; i++)
			opsc_array_push(out, def[i]);
	} else if (value) {
		for (const char *c = value; *c; c++)
			opsc_array_push(out, *c);
	} else if (v->incomplete) {
		for (const char *c = p - 2; c <= close; c++) /* may be set where we cannot see */
			opsc_array_push(out, *c);
	}
	return close + 1;
}

/* The substituted text, or NULL when `s` has no variable. */
static const char *subst(opsc_arena *arena, const vars *v, const char *s)
{
	if (!strchr(s, '$'))
		return NULL;
	charbuf out = { 0 };
	bool changed = false;
	for (const char *p = s; *p;) {
		const char *next = NULL;
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			opsc_array_push(&out, '$');
			next = p + 2;
			changed = true;
		} else if (p[0] == '$' && p[1] == '{' && (next = subst_one(v, p + 2, &out))) {
			changed = true;
		}
		if (next) {
			p = next;
			continue;
		}
		opsc_array_push(&out, *p++);
	}
	opsc_array_push(&out, '\0');
	const char *r = changed ? opsc_arena_strdup(arena, out.items) : NULL;
	opsc_array_free(&out);
	return r;
}

static bool subst_tree(opsc_arena *arena, const vars *v, opsc_yamldoc_node *n, uint32_t depth)
{
	bool any = false;
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH)
		return false;
	if (n->kind == OPSC_YAMLDOC_SCALAR) {
		const char *r = subst(arena, v, n->scalar.value);
		if (r) {
			n->scalar.value = r;
			n->scalar.len = (uint32_t)strlen(r);
			n->point = true; /* its style stays: Flux reads the text substituted as YAML */
		}
		return r != NULL;
	}
	if (n->kind == OPSC_YAMLDOC_SEQUENCE)
		for (uint32_t i = 0; i < n->sequence.len; i++)
			any |= subst_tree(arena, v, n->sequence.items[i], depth + 1);
	else
		for (uint32_t i = 0; i < n->mapping.len; i++)
			any |= subst_tree(arena, v, n->mapping.pairs[i].value, depth + 1);
	return any;
}

/* ------------------------------------------------------- substituteFrom */

static void push_var(opsc_arena *arena, vars *v, const char *key, const char *value)
{
	opsc_kv *items = opsc_arena_alloc(arena, (v->vars.len + 1) * sizeof *items);
	if (v->vars.len)
		memcpy(items, v->vars.items, v->vars.len * sizeof *items);
	items[v->vars.len].key = (opsc_str){ key, OPSC_NO_SPAN };
	items[v->vars.len].value = (opsc_str){ value ? value : "", OPSC_NO_SPAN };
	v->vars.items = items;
	v->vars.len++;
}

static const char *b64_decode(opsc_arena *arena, const char *in)
{
	size_t n = strlen(in);
	unsigned char *out = opsc_arena_alloc(arena, n + 1);
	long len = opsc_base64_decode(in, n, out, n);
	if (len < 0)
		return NULL; /* not base64: the variable stays unset */
	out[len] = '\0';
	return (const char *)out;
}

/* The ConfigMap or Secret `name` among the files as written. */
static const opsc_yamldoc_node *find_object(const kctx *k, const char *kind, const char *name)
{
	for (uint32_t f = 0; f < k->files.len; f++)
		for (uint32_t d = 0; d < k->files.items[f].s.ndocs; d++) {
			const opsc_yamldoc_node *doc = k->files.items[f].s.docs[d];
			const char *dk = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
			const char *dn = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name"));
			if (dk && dn && strcmp(dk, kind) == 0 && strcmp(dn, name) == 0)
				return doc;
		}
	return NULL;
}

static void vars_from(kctx *k, uint32_t f, const opsc_yamldoc_node *ref, vars *v)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(ref, "kind"));
	const char *name = opsc_yamldoc_str(opsc_yamldoc_get(ref, "name"));
	const opsc_yamldoc_node *obj = kind && name ? find_object(k, kind, name) : NULL;
	bool secret = kind && strcmp(kind, "Secret") == 0;
	if (!obj || (secret && opsc_yamldoc_get(obj, "sops"))) {
		v->incomplete = true;
		opsc_kust_note(k, f, "postBuild.substituteFrom %s %s is %s: the variables it may set are left as written",
			       kind ? kind : "?", name ? name : "?", obj ? "encrypted (SOPS)" : "not in the repository");
		return;
	}
	const char *fields[] = { "data", "stringData" };
	for (int i = 0; i < 2; i++) {
		const opsc_yamldoc_node *m = opsc_yamldoc_get(obj, fields[i]);
		for (uint32_t p = 0; m && m->kind == OPSC_YAMLDOC_MAPPING && p < m->mapping.len; p++) {
			const char *key = opsc_yamldoc_str(m->mapping.pairs[p].key);
			const char *val = opsc_yamldoc_str(m->mapping.pairs[p].value);
			const char *value = secret && i == 0 && val ? b64_decode(k->arena, val) : val;
			if (key && value)
				push_var(k->arena, v, key, value);
		}
	}
}

static vars read_vars(kctx *k, uint32_t f, const opsc_yamldoc_node *post)
{
	vars v = { 0 };
	const opsc_yamldoc_node *from = opsc_yamldoc_get(post, "substituteFrom");
	for (uint32_t i = 0; from && from->kind == OPSC_YAMLDOC_SEQUENCE && i < from->sequence.len; i++)
		vars_from(k, f, from->sequence.items[i], &v);
	const opsc_yamldoc_node *inl = opsc_yamldoc_get(post, "substitute");
	for (uint32_t p = 0; inl && inl->kind == OPSC_YAMLDOC_MAPPING && p < inl->mapping.len; p++) {
		const char *key = opsc_yamldoc_str(inl->mapping.pairs[p].key);
		if (key)
			push_var(k->arena, &v, key, opsc_yamldoc_str(inl->mapping.pairs[p].value));
	}
	return v;
}

/* ------------------------------------------------------------------ Flux */

bool opsc_kust_is_flux(const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion"));
	return kind && api && strcmp(kind, "Kustomization") == 0 &&
	       strncmp(api, "kustomize.toolkit.fluxcd.io/", 28) == 0;
}

/* A GitRepository written in the tree, by name (and namespace if given). */
static const opsc_yamldoc_node *git_repository(const kctx *k, const char *name, const char *ns)
{
	for (uint32_t f = 0; f < k->files.len; f++)
		for (uint32_t d = 0; !k->files.items[f].patch && d < k->files.items[f].s.ndocs; d++) {
			const opsc_yamldoc_node *doc = k->files.items[f].s.docs[d];
			const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
			const char *api = opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion"));
			const char *n = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name"));
			const char *dns = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.namespace"));
			if (kind && api && n && strcmp(kind, "GitRepository") == 0 &&
			    strncmp(api, "source.toolkit.fluxcd.io/", 25) == 0 && strcmp(n, name) == 0 &&
			    (!ns || !dns || strcmp(ns, dns) == 0))
				return doc;
		}
	return NULL;
}

static bool same_field(const opsc_yamldoc_node *a, const opsc_yamldoc_node *b, const char *path)
{
	const char *x = opsc_yamldoc_str(opsc_yamldoc_path(a, path)), *y = opsc_yamldoc_str(opsc_yamldoc_path(b, path));
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* What a Kustomization renders when it is not this repository, or NULL.
 * Flux's bootstrap names the repository's own source flux-system; a
 * GitRepository of another name written in the tree is a tenant's or
 * another team's repository (or another branch), whose files the tree does
 * not hold: rendering the tree in its place would judge every object of
 * this repository again under its targetNamespace. Unless it has the url
 * and ref of a flux-system written in the tree too. A source the tree does
 * not define is taken to be this repository. */
static const char *other_source(kctx *k, const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.sourceRef.kind"));
	const char *name = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.sourceRef.name"));
	if (!kind || !name || strcmp(kind, "GitRepository") != 0 || strcmp(name, "flux-system") == 0)
		return NULL;
	const char *ns = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.sourceRef.namespace"));
	const opsc_yamldoc_node *src = git_repository(k, name, ns ? ns : opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.namespace")));
	const opsc_yamldoc_node *own = git_repository(k, "flux-system", NULL);
	if (!src)
		return NULL;
	if (own && same_field(src, own, "spec.url") && same_field(src, own, "spec.ref.branch") &&
	    same_field(src, own, "spec.ref.tag") && same_field(src, own, "spec.ref.semver") &&
	    same_field(src, own, "spec.ref.commit") && same_field(src, own, "spec.ref.name"))
		return NULL;
	const char *url = opsc_yamldoc_str(opsc_yamldoc_path(src, "spec.url"));
	return opsc_arena_printf(k->arena, "GitRepository %s (%s)", name, url ? url : "no url");
}

static const char *flux_dir(kctx *k, const opsc_yamldoc_node *doc)
{
	const char *path = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.path"));
	return opsc_kust_join(k->arena, k->root, path ? path : ".");
}

void opsc_flux_mark_targets(kctx *k)
{
	for (uint32_t f = 0; f < k->files.len; f++)
		for (uint32_t d = 0; !k->files.items[f].patch && d < k->files.items[f].s.ndocs; d++)
			if (opsc_kust_is_flux(k->files.items[f].s.docs[d]) && !other_source(k, k->files.items[f].s.docs[d])) {
				const char *dir = flux_dir(k, k->files.items[f].s.docs[d]);
				int kf = dir ? opsc_kust_in_dir(k, dir) : -1;
				if (kf >= 0)
					k->files.items[kf].flux_target = true;
			}
}

/* Without a kustomization.yaml, Flux applies every manifest of the
 * directory tree, a sub-directory with a kustomization as that one. */
static void generated_dir(kctx *k, const char *dir, kobjs *out)
{
	size_t n = strlen(dir);
	for (uint32_t i = 0; i < k->files.len; i++) {
		kfile *kf = &k->files.items[i];
		if (n && (strncmp(kf->path, dir, n) != 0 || kf->path[n] != '/'))
			continue;
		const char *sub = opsc_kust_dir(k->arena, kf->path);
		int owner = -1;
		/* the nearest directory between `dir` and the file with a kustomization */
		for (const char *d = sub; d && strlen(d) >= n && owner < 0;) {
			owner = opsc_kust_in_dir(k, d);
			if (strlen(d) == n)
				break;
			d = opsc_kust_dir(k->arena, d);
		}
		if (owner < 0)
			opsc_kust_add_file(k, i, out);
		else if ((uint32_t)owner == i)
			opsc_kust_render(k, i, out);
	}
}

void opsc_actual_set_tree(opsc_actual *a, const char *const *paths, uint32_t n)
{
	a->tree = paths;
	a->ntree = n;
}

/* Whether the repository has a file under `dir` (opsc_actual_set_tree). */
static bool tree_has_dir(const opsc_actual *a, const char *dir)
{
	size_t n = strlen(dir);
	uint32_t lo = 0, hi = a->ntree;
	while (lo < hi) { /* the first path not before dir */
		uint32_t mid = (lo + hi) / 2;
		if (strcmp(a->tree[mid], dir) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->ntree && strncmp(a->tree[lo], dir, n) == 0; lo++)
		if (!n || a->tree[lo][n] == '/')
			return true;
	return false;
}

static void render_flux(kctx *k, uint32_t f, const opsc_yamldoc_node *doc, kobjs *out)
{
	const char *other = other_source(k, doc);
	if (other) {
		opsc_kust_note(k, f, "Kustomization %s applies %s, another source than this repository: not rendered",
			       opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name")), other);
		return;
	}
	const char *dir = flux_dir(k, doc);
	const opsc_yamldoc_node *pathn = opsc_yamldoc_path(doc, "spec.path");
	const char *src = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.sourceRef.name"));
	kobjs mine = { 0 };
	int kf = dir ? opsc_kust_in_dir(k, dir) : -1;
	if (kf >= 0)
		opsc_kust_render(k, (uint32_t)kf, &mine);
	else if (dir)
		generated_dir(k, dir, &mine);
	if (!mine.len && kf < 0 && !(dir && tree_has_dir(k->a, dir)))
		opsc_kust_note(k, f, "Kustomization %s: spec.path %s is not in this repository (source %s)",
			       opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name")),
			       opsc_yamldoc_str(pathn) ? opsc_yamldoc_str(pathn) : ".", src ? src : "not named");
	const opsc_yamldoc_node *tns = opsc_yamldoc_path(doc, "spec.targetNamespace");
	if (tns)
		opsc_kust_set_namespace(k, &mine, tns, f, KC_TARGET_NS);
	const opsc_yamldoc_node *post = opsc_yamldoc_path(doc, "spec.postBuild");
	if (post) {
		vars v = read_vars(k, f, post);
		for (uint32_t i = 0; i < mine.len; i++) {
			kobj *o = &mine.items[i];
			const char *off = opsc_yamldoc_str(opsc_yamldoc_get(opsc_yamldoc_path(o->doc, "metadata.annotations"),
									  "kustomize.toolkit.fluxcd.io/substitute"));
			if (off && strcmp(off, "disabled") == 0)
				continue;
			kobj copy = *o;
			if (subst_tree(k->arena, &v, opsc_kust_mut(k, &copy), 0)) {
				*o = copy;
				opsc_kust_changed(k, o, f, opsc_source_span(&k->a->ctx->sources, k->files.items[f].file,
									   post->offset, post->offset),
						  KC_SUBSTITUTE);
			}
		}
	}
	for (uint32_t i = 0; i < mine.len; i++)
		opsc_array_push(out, mine.items[i]);
	opsc_array_free(&mine);
}

void opsc_flux_render(kctx *k, kobjs *out)
{
	for (uint32_t f = 0; f < k->files.len; f++)
		for (uint32_t d = 0; !k->files.items[f].patch && d < k->files.items[f].s.ndocs; d++)
			if (opsc_kust_is_flux(k->files.items[f].s.docs[d]))
				render_flux(k, f, k->files.items[f].s.docs[d], out);
}
