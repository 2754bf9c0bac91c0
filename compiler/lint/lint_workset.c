/*
 * lint_workset.c - the manifests a change of workloads needs (lint_int.h).
 *
 * A pull request that scales ten Deployments must not read the ten
 * thousand manifests of the repository to build the actual Model. With
 * --base and --staged a policy finding is kept only on a changed line (or
 * in a changed file), so when the change declares workloads and nothing
 * else, the findings that can be kept are those located in the changed
 * workloads. What the rules read besides the workload itself is its
 * namespace: the Namespace's labels (Pod Security level, image pinning),
 * its ResourceQuota and the other workloads of the namespace (their
 * requests add up against the quota). Every manifest that can hold any of
 * that names the namespace, or is rendered by a kustomization that does.
 *
 * The changed manifests are first read on their own (from the heads
 * lint.c keeps of them) to learn what they declare; anything but
 * workloads, a .ops file, a kustomization, or a head that may not be the
 * whole file, and every manifest is read as before. lint_policy.c does not
 * make the set when a policy (the user's own, say) compares workloads with
 * each other or with other collections.
 *
 * Then, with every manifest of the target in memory, the set is closed
 * (plan): a file in it brings the kustomizations that render it, up to the
 * Flux Kustomization pointing at their directory, so that it is read as
 * Flux applies it; a kustomization in it brings the files it needs to
 * render (patches, components; all of its resources when it sets a
 * namespace, since they all end in that namespace), and the namespace it
 * sets joins the names; a file naming one of the names (as a whole word)
 * joins the set. A kustomization of the chain may thus miss sibling
 * directories (the other teams of apps/): they render objects of other
 * namespaces, and their absence is an invalid-kustomization finding at a
 * line the change does not add, so not reported. What the closure cannot
 * follow (generators reading files, replacements, vars, substituteFrom, a
 * key it does not know) makes every manifest read. The files read keep
 * their path order, so the Model of the namespaces concerned is the one a
 * full read builds, and so are the findings in the changed files.
 */
#define _GNU_SOURCE /* memmem */
#include "lint_int.h"

#include <string.h>

#include "actual.h"
#include "actual_kust.h"

bool opsc_lint_kustomize_file(const char *path, const char *data, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	return strcmp(base, "kustomization.yaml") == 0 || strcmp(base, "kustomization.yml") == 0 ||
	       strcmp(base, "Kustomization") == 0 || (data && memmem(data, len, "Kustomization", 13));
}

/* Reads the changed manifests into a Model of their own: whether they
 * declare workloads only, and which namespaces those name. */
static bool probe(lint_run *run, lint_workset *ws)
{
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_actual *a = opsc_actual_new(&ctx);
	bool ok = true;
	for (uint32_t i = 0; ok && i < run->changed.len; i++) {
		const lint_changed *c = &run->changed.items[i];
		if (opsc_source_is_ops(c->path))
			ok = false;
		else if (opsc_lint_is_yaml(c->path))
			ok = c->whole && !opsc_lint_kustomize_file(c->path, c->head, c->len) &&
			     opsc_actual_add_text(a, c->path, c->head, c->len) == 0;
	}
	if (ok)
		opsc_actual_render(a, NULL); /* objects are read as rendered */
	ok = ok && opsc_actual_only_workloads(a);
	if (ok) {
		const char **names;
		ws->nnames = opsc_actual_namespaces(a, &names);
		ws->names = ws->nnames ? opsc_arena_alloc(run->out->arena, ws->nnames * sizeof *ws->names) : NULL;
		for (uint32_t i = 0; i < ws->nnames; i++)
			ws->names[i] = opsc_arena_strdup(run->out->arena, names[i]);
	}
	opsc_actual_free(a);
	opsc_ctx_dispose(&ctx);
	return ok;
}

void opsc_lint_workset_make(lint_run *run, lint_workset *ws)
{
	*ws = (lint_workset){ 0 };
	if (run->opts->mode != OPSC_LINT_BASE && run->opts->mode != OPSC_LINT_STAGED)
		return;
	ws->active = probe(run, ws);
}

/* ------------------------------------------------------------- names */

static bool dns_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Whether `data` holds `name` as a whole DNS label run (apps-3 is not in
 * apps-30). */
static bool names(const char *data, size_t len, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = data, *end = data + len; n && p && p + n <= end;) {
		p = memmem(p, (size_t)(end - p), name, n);
		if (!p)
			break;
		if ((p == data || !dns_char(p[-1])) && (p + n == end || !dns_char(p[n])))
			return true;
		p++;
	}
	return false;
}

static bool names_any(const lint_workset *ws, const char *data, size_t len)
{
	for (uint32_t i = 0; data && i < ws->nnames; i++)
		if (names(data, len, ws->names[i]))
			return true;
	return false;
}

bool opsc_lint_workset_wants(const lint_run *run, const lint_workset *ws, const char *path,
			     const char *data, size_t len)
{
	if (!ws->active || opsc_lint_changes_has(run, path))
		return true;
	if (ws->planned)
		return opsc_find_str(ws->needed, ws->nneeded, sizeof *ws->needed, path) != NULL;
	return names_any(ws, data, len);
}

/* ------------------------------------------------------ kustomizations */

/* A kustomization as the set follows it: kustomize's (refs: what its
 * resources, components and patches name, joined to its directory) or a
 * Flux Kustomization (dir: its spec.path). */
typedef struct {
	uint32_t file; /* the manifest holding it */
	bool flux;
	const char *dir;
	const char *ns; /* namespace / targetNamespace it sets, or NULL */
	bool full; /* everything it renders is in the set */
} wkust;

typedef struct {
	const char *path; /* joined */
	uint32_t kust;
	bool always; /* a patch or component: needed to render the chain */
	bool patch; /* a patch: read to render, but not an object rendered */
} wref;

typedef struct {
	lint_run *run;
	lint_workset *ws;
	opsc_arena *arena;
	const lint_file *files;
	uint32_t n;
	opsc_array(wkust) kusts;
	opsc_array(wref) refs; /* sorted by path once read */
	int32_t *kust_of; /* per file: its kustomize kustomization, or -1 */
	bool *need;
	opsc_array(uint32_t) work;
	bool unsure;
} plan;

static int file_at(const plan *p, const char *path)
{
	const lint_file *f = path ? opsc_find_str(p->files, p->n, sizeof *p->files, path) : NULL;
	return f ? (int)(f - p->files) : -1;
}

/* The kustomize kustomization of directory `dir`, or -1. */
static int kust_in_dir(const plan *p, const char *dir)
{
	static const char *const names_[] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };
	for (size_t i = 0; i < 3; i++) {
		int f = file_at(p, *dir ? opsc_arena_printf(p->arena, "%s/%s", dir, names_[i]) : names_[i]);
		if (f >= 0 && p->kust_of[f] >= 0)
			return p->kust_of[f];
	}
	return -1;
}

static void add_ref(plan *p, uint32_t k, const opsc_yamldoc_node *n, bool always, bool patch)
{
	const char *rel = opsc_yamldoc_str(n);
	if (!rel || opsc_kust_remote(rel))
		return; /* the renderer reports it, and renders nothing of it */
	const char *dir = p->kusts.items[k].dir;
	const char *path = strchr(rel, '\n') ? NULL : opsc_kust_join(p->arena, dir, rel);
	if (path)
		opsc_array_push(&p->refs, ((wref){ path, k, always, patch }));
}

static void add_refs(plan *p, uint32_t k, const opsc_yamldoc_node *seq, const char *field, bool always,
		     bool patch)
{
	for (uint32_t i = 0; seq && seq->kind == OPSC_YAMLDOC_SEQUENCE && i < seq->sequence.len; i++)
		add_ref(p, k, field ? opsc_yamldoc_get(seq->sequence.items[i], field) : seq->sequence.items[i],
			always, patch);
}

/* Keys of a kustomization the set follows; any other makes it unsure. */
static bool known_key(const char *key, const opsc_yamldoc_node *v)
{
	static const char *const plain[] = { "apiVersion", "kind", "metadata", "namespace", "namePrefix",
					     "nameSuffix", "commonLabels", "labels", "commonAnnotations",
					     "images", "replicas", "resources", "bases", "components", "patches",
					     "patchesStrategicMerge", "patchesJson6902", "generatorOptions",
					     "buildMetadata", "sortOptions" };
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		if (strcmp(key, plain[i]) == 0)
			return true;
	if (strcmp(key, "configMapGenerator") != 0 && strcmp(key, "secretGenerator") != 0)
		return false;
	/* literals only: files and env files are not manifests the set holds */
	for (uint32_t i = 0; v->kind == OPSC_YAMLDOC_SEQUENCE && i < v->sequence.len; i++)
		if (opsc_yamldoc_get(v->sequence.items[i], "files") || opsc_yamldoc_get(v->sequence.items[i], "envs") ||
		    opsc_yamldoc_get(v->sequence.items[i], "env"))
			return false;
	return v->kind == OPSC_YAMLDOC_SEQUENCE;
}

static void read_kustomize(plan *p, uint32_t file, const opsc_yamldoc_node *doc)
{
	if (!doc || doc->kind != OPSC_YAMLDOC_MAPPING) {
		p->unsure = true;
		return;
	}
	const char *ns = opsc_yamldoc_str(opsc_yamldoc_get(doc, "namespace"));
	wkust w = { file, false, opsc_kust_dir(p->arena, p->files[file].path), ns, false };
	uint32_t k = p->kusts.len;
	opsc_array_push(&p->kusts, w);
	p->kust_of[file] = (int32_t)k;
	for (uint32_t i = 0; i < doc->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(doc->mapping.pairs[i].key);
		if (!key || !known_key(key, doc->mapping.pairs[i].value))
			p->unsure = true;
	}
	add_refs(p, k, opsc_yamldoc_get(doc, "resources"), NULL, false, false);
	add_refs(p, k, opsc_yamldoc_get(doc, "bases"), NULL, false, false);
	add_refs(p, k, opsc_yamldoc_get(doc, "components"), NULL, true, false);
	add_refs(p, k, opsc_yamldoc_get(doc, "patchesStrategicMerge"), NULL, true, true);
	add_refs(p, k, opsc_yamldoc_get(doc, "patches"), "path", true, true);
	add_refs(p, k, opsc_yamldoc_get(doc, "patchesJson6902"), "path", true, true);
}

static void read_flux(plan *p, uint32_t file, const opsc_yamldoc_node *doc)
{
	const char *path = opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.path"));
	wkust w = { file, true, opsc_kust_join(p->arena, "", path ? path : "."),
		    opsc_yamldoc_str(opsc_yamldoc_path(doc, "spec.targetNamespace")), false };
	if (!w.dir || opsc_yamldoc_path(doc, "spec.postBuild.substituteFrom") || opsc_yamldoc_path(doc, "spec.components"))
		p->unsure = true; /* values from objects anywhere, or paths the set does not follow */
	else
		opsc_array_push(&p->kusts, w);
}

static void read_kustomizations(plan *p)
{
	for (uint32_t i = 0; i < p->n && !p->unsure; i++) {
		const lint_file *f = &p->files[i];
		if (!f->data || !opsc_lint_kustomize_file(f->path, f->data, f->len))
			continue;
		opsc_yamldoc_stream s;
		if (opsc_yamldoc_parse(&s, p->arena, f->path, f->data, f->len, OPSC_YAMLDOC_DEFAULT_MAX_BYTES) < 0 ||
		    s.nerrors) {
			p->unsure = true;
			break;
		}
		if (opsc_kust_is_kustomize(f->path, &s)) {
			read_kustomize(p, i, s.ndocs ? s.docs[0] : NULL);
			continue;
		}
		for (uint32_t d = 0; d < s.ndocs; d++)
			if (opsc_kust_is_flux(s.docs[d]))
				read_flux(p, i, s.docs[d]);
	}
	if (p->refs.len > 1)
		qsort(p->refs.items, p->refs.len, sizeof *p->refs.items, opsc_cmp_str);
}

/* ------------------------------------------------------------- closure */

static void need(plan *p, int f)
{
	if (f < 0 || p->need[f])
		return;
	p->need[f] = true;
	opsc_array_push(&p->work, (uint32_t)f);
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !n || (strncmp(path, dir, n) == 0 && path[n] == '/');
}

/* A kustomize ref: the file it names, else the kustomization of the
 * directory it names. */
static void need_ref(plan *p, const wref *r, bool full);

static void mark_full(plan *p, uint32_t k)
{
	wkust *w = &p->kusts.items[k];
	if (w->full)
		return;
	w->full = true;
	need(p, (int)w->file);
	if (w->flux) {
		int sub = kust_in_dir(p, w->dir);
		if (sub >= 0)
			mark_full(p, (uint32_t)sub);
		for (uint32_t i = 0; sub < 0 && i < p->n; i++)
			if (under(p->files[i].path, w->dir)) {
				need(p, (int)i);
				if (p->kust_of[i] >= 0)
					mark_full(p, (uint32_t)p->kust_of[i]);
			}
		return;
	}
	for (uint32_t i = 0; i < p->refs.len; i++)
		if (p->refs.items[i].kust == k)
			need_ref(p, &p->refs.items[i], true);
}

static void need_ref(plan *p, const wref *r, bool full)
{
	int f = file_at(p, r->path);
	if (f >= 0 && p->kust_of[f] < 0) {
		need(p, f);
		return;
	}
	int sub = f >= 0 ? p->kust_of[f] : kust_in_dir(p, r->path);
	if (sub >= 0 && (full || r->always))
		mark_full(p, (uint32_t)sub);
}

/* A kustomization in the set: what it needs to render the chain. */
static void member(plan *p, uint32_t k)
{
	const wkust *w = &p->kusts.items[k];
	if (w->ns) {
		bool known = false;
		for (uint32_t i = 0; i < p->ws->nnames && !known; i++)
			known = strcmp(p->ws->names[i], w->ns) == 0;
		if (!known) { /* a namespace more: every file naming it too */
			opsc_array(const char *) all = { 0 };
			for (uint32_t i = 0; i < p->ws->nnames; i++)
				opsc_array_push(&all, p->ws->names[i]);
			opsc_array_push(&all, opsc_arena_strdup(p->run->out->arena, w->ns));
			p->ws->nnames = all.len;
			p->ws->names = opsc_array_to_arena(p->run->out->arena, &all);
			for (uint32_t i = 0; i < p->n; i++)
				if (p->files[i].data && names(p->files[i].data, p->files[i].len, w->ns))
					need(p, (int)i);
		}
		mark_full(p, k);
		return;
	}
	for (uint32_t i = 0; !w->flux && i < p->refs.len; i++)
		if (p->refs.items[i].kust == k)
			need_ref(p, &p->refs.items[i], false);
}

/* Whether the Flux Kustomization `w` applies `path` itself: its directory's
 * kustomization, or, without one, a file whose nearest kustomization up to
 * that directory is none or the file itself. */
static bool flux_renders(const plan *p, const wkust *w, const char *path, int f)
{
	if (!under(path, w->dir))
		return false;
	int top = kust_in_dir(p, w->dir);
	if (top >= 0)
		return f >= 0 && p->kust_of[f] == top;
	for (const char *d = opsc_kust_dir(p->arena, path); under(d, w->dir) || strcmp(d, w->dir) == 0;) {
		int k = kust_in_dir(p, d);
		if (k >= 0)
			return f >= 0 && p->kust_of[f] == k;
		if (strcmp(d, w->dir) == 0 || !*d)
			break;
		d = opsc_kust_dir(p->arena, d);
	}
	return true;
}

/* The kustomizations rendering file `f`: their files join the set. */
static void owners(plan *p, uint32_t f)
{
	const char *path = p->files[f].path;
	const char *keys[2] = { path, p->kust_of[f] >= 0 ? opsc_kust_dir(p->arena, path) : NULL };
	for (int i = 0; i < 2; i++) {
		const wref *r = keys[i] ? opsc_find_str(p->refs.items, p->refs.len, sizeof *r, keys[i]) : NULL;
		/* bsearch lands on any of equal keys: walk back to the first */
		while (r && r > p->refs.items && strcmp(r[-1].path, keys[i]) == 0)
			r--;
		for (; r && r < p->refs.items + p->refs.len && strcmp(r->path, keys[i]) == 0; r++)
			if (!r->patch) /* a patch file is no object of the kustomizations it patches */
				need(p, (int)p->kusts.items[r->kust].file);
	}
	for (uint32_t k = 0; k < p->kusts.len; k++)
		if (p->kusts.items[k].flux && flux_renders(p, &p->kusts.items[k], path, (int)f))
			need(p, (int)p->kusts.items[k].file);
}

static void close_set(plan *p)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (opsc_lint_changes_has(p->run, p->files[i].path) || names_any(p->ws, p->files[i].data, p->files[i].len))
			need(p, (int)i);
	while (p->work.len) {
		uint32_t f = p->work.items[--p->work.len];
		owners(p, f);
		for (uint32_t k = 0; k < p->kusts.len; k++)
			if (p->kusts.items[k].file == f)
				member(p, k);
	}
}

void opsc_lint_workset_plan(lint_run *run, lint_workset *ws, const lint_file *files, uint32_t n)
{
	if (!ws->active)
		return;
	plan p = { .run = run, .ws = ws, .arena = opsc_arena_new(), .files = files, .n = n };
	p.kust_of = opsc_malloc((n + 1) * sizeof *p.kust_of);
	p.need = opsc_calloc(n + 1, sizeof *p.need);
	for (uint32_t i = 0; i < n; i++)
		p.kust_of[i] = -1;
	read_kustomizations(&p);
	if (p.unsure) {
		ws->active = false;
	} else {
		close_set(&p);
		opsc_array(const char *) set = { 0 };
		for (uint32_t i = 0; i < n; i++)
			if (p.need[i])
				opsc_array_push(&set, files[i].path);
		ws->nneeded = set.len;
		ws->needed = opsc_array_to_arena(run->out->arena, &set);
		ws->planned = true;
	}
	opsc_array_free(&p.kusts);
	opsc_array_free(&p.refs);
	opsc_array_free(&p.work);
	opsc_free(p.kust_of);
	opsc_free(p.need);
	opsc_arena_free(p.arena);
}
