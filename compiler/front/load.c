/*
 * load.c - the files of a program and the modules they import.
 *
 * Modules are loaded once each, keyed by their canonical path (or their
 * std name); a root file that another root imports is not loaded twice. The
 * import graph is walked depth-first after loading, so a cycle is reported
 * at the import that closes it, with the chain in notes.
 */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "embed.h"
#include "parse.h"
#include "model.h"

#define NO_MODULE UINT32_MAX

typedef struct {
	opsc_ctx *ctx;
	opsc_array(opsc_module) mods;
	opsc_array(const char *) keys; /* canonical path or "std/x", per module */
	uint32_t parsed; /* modules [0, parsed) have their AST */
	opsc_array(char *) roots; /* project directories: no file is read outside them */
} loader;

/* The project directory of a root PATH, taken from the directory the path
 * is in (not from where a symlinked file points), so that a link out of
 * the project does not move the project with it. */
static void add_root(loader *ld, const char *path, bool is_dir)
{
	const char *slash = strrchr(path, '/');
	char *dir = is_dir ? opsc_strdup(path)
		  : slash ? opsc_strndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : opsc_strdup(".");
	char *root = opsc_project_dir(dir);
	if (!root)
		root = opsc_project_dir(".");
	opsc_free(dir);
	if (root)
		opsc_array_push(&ld->roots, root);
}

/* `real` (a realpath) is one of the project directories or below one. */
static bool inside_roots(const loader *ld, const char *real)
{
	for (uint32_t i = 0; i < ld->roots.len; i++) {
		const char *r = ld->roots.items[i];
		size_t n = strlen(r);
		if (strcmp(r, "/") == 0 || (strncmp(real, r, n) == 0 && (real[n] == '/' || !real[n])))
			return true;
	}
	return false;
}

static void roots_free(loader *ld)
{
	for (uint32_t i = 0; i < ld->roots.len; i++)
		opsc_free(ld->roots.items[i]);
	opsc_array_free(&ld->roots);
}

static uint32_t find_key(const loader *ld, const char *key)
{
	for (uint32_t i = 0; i < ld->keys.len; i++)
		if (strcmp(ld->keys.items[i], key) == 0)
			return i;
	return NO_MODULE;
}

/* Registers a module; it is parsed later, with the others found in the same
 * step (parse_pending), so that files are parsed side by side. */
static uint32_t add_module(loader *ld, const char *key, const char *name, uint32_t file, bool root, bool std)
{
	opsc_module m = { 0 };
	m.name = name;
	m.file = file;
	m.root = root;
	m.std = std;
	opsc_array_push(&ld->mods, m);
	opsc_array_push(&ld->keys, opsc_arena_strdup(ld->ctx->arena, key));
	return ld->mods.len - 1;
}

/* Parses the modules registered since the last call, all at once. */
static int parse_pending(loader *ld)
{
	uint32_t from = ld->parsed, n = ld->mods.len - from;
	if (n == 0)
		return 0;
	uint32_t *files = opsc_malloc(n * sizeof *files);
	opsc_ast_file *asts = opsc_malloc(n * sizeof *asts);
	for (uint32_t i = 0; i < n; i++)
		files[i] = ld->mods.items[from + i].file;
	int rc = opsc_parse_files(asts, ld->ctx, files, n);
	for (uint32_t i = 0; i < n; i++)
		ld->mods.items[from + i].ast = asts[i];
	ld->parsed = ld->mods.len;
	opsc_free(files);
	opsc_free(asts);
	return rc;
}

/* A diagnostic about a file as a whole (no position). */
static void file_error(loader *ld, const char *path, const char *fmt, const char *detail)
{
	uint32_t f = opsc_sources_add(&ld->ctx->sources, path, "", 0, false);
	ld->ctx->sources.files.items[f]->unreadable = true;
	opsc_span whole = { f, 0, 0, 0, 0, 0, 0 }; /* line 0: about the file, not a place in it */
	opsc_diag_error(&ld->ctx->diags, "cannot-read", whole, fmt, detail);
}

static int load_root_file(loader *ld, const char *path)
{
	char real[PATH_MAX];
	const char *key = realpath(path, real) ? real : path;
	if (find_key(ld, key) != NO_MODULE)
		return 0;
	if (key == real && !inside_roots(ld, real)) {
		/* a symlink out of the project: its target is not named, nor read */
		file_error(ld, path, "%s", "refused: a symbolic link to a file outside the project directory");
		return -EPERM;
	}
	uint32_t file;
	int rc = opsc_sources_read(&file, &ld->ctx->sources, path);
	if (rc < 0) {
		file_error(ld, path, "cannot read the file: %s", opsc_file_strerror(rc));
		return rc;
	}
	add_module(ld, key, "", file, true, false);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A directory given on the command line resolves as the current directory
 * does: a project keeps its sources in policies/, so `opsc check DIR` reads
 * DIR/policies when there is one. */
static const char *sources_dir(loader *ld, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	const char *base = dir + n;
	while (base > dir && base[-1] != '/')
		base--;
	if ((size_t)(dir + n - base) == 8 && strncmp(base, "policies", 8) == 0)
		return dir;
	char *sub = opsc_arena_printf(ld->ctx->arena, "%.*s/policies", (int)n, dir);
	struct stat st;
	return stat(sub, &st) == 0 && S_ISDIR(st.st_mode) ? sub : dir;
}

/* A directory's *.ops files, in byte order of their names (not readdir's). */
static int load_root_dir(loader *ld, const char *dir)
{
	int rc = 0;
	opsc_array(char *) names = { 0 };
	dir = sources_dir(ld, dir);
	DIR *d = opendir(dir);
	if (!d) {
		file_error(ld, dir, "cannot read the directory: %s", strerror(errno));
		return -errno;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".ops") == 0 && e->d_name[0] != '.')
			opsc_array_push(&names, opsc_strdup(e->d_name));
	}
	closedir(d);
	if (names.len == 0) {
		/* the first thing a new user meets: say where opsc looked and
		 * how to start */
		file_error(ld, dir, "%s", "no .ops files in this directory (nor in a policies/ below it); "
					   "`opsc init` writes a first policies/");
		return -ENOENT;
	}
	qsort(names.items, names.len, sizeof *names.items, cmp_str);
	for (uint32_t i = 0; i < names.len; i++) {
		char *p = opsc_arena_printf(ld->ctx->arena, "%s%s%s", dir,
					    dir[strlen(dir) - 1] == '/' ? "" : "/", names.items[i]);
		int r = load_root_file(ld, p);
		if (r < 0 && rc == 0)
			rc = r;
	}
	for (uint32_t i = 0; i < names.len; i++)
		opsc_free(names.items[i]);
	opsc_array_free(&names);
	return rc;
}

/* "std/alerts" -> "std.alerts"; "./lib/teams.ops" -> "teams". */
static const char *module_name(loader *ld, const char *path, bool std)
{
	if (std) {
		char *n = opsc_arena_strdup(ld->ctx->arena, path);
		for (char *p = n; *p; p++)
			if (*p == '/')
				*p = '.';
		return n;
	}
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".ops") == 0)
		len -= 4;
	return opsc_arena_strndup(ld->ctx->arena, base, len);
}

static uint32_t load_std(loader *ld, const opsc_stmt *imp)
{
	const char *path = imp->import.path;
	uint32_t found = find_key(ld, path);
	if (found != NO_MODULE)
		return found;
	const opsc_embedded *e = opsc_embed_find(opsc_stdlib, path);
	if (!e) {
		uint32_t d = opsc_diag_error(&ld->ctx->diags, "unknown-module", imp->import.path_span,
					     "there is no standard library module \"%s\"", path);
		opsc_array(const char *) names = { 0 };
		for (const opsc_embedded *s = opsc_stdlib; s->name; s++)
			opsc_array_push(&names, s->name);
		const char *best = opsc_suggest(path, names.items, names.len);
		char *list = opsc_arena_strdup(ld->ctx->arena, "");
		for (uint32_t i = 0; i < names.len; i++)
			list = opsc_arena_printf(ld->ctx->arena, "%s%s\"%s\"", list, i ? ", " : "", names.items[i]);
		if (best)
			opsc_diag_help(&ld->ctx->diags, d, "did you mean \"%s\"?", best);
		else
			opsc_diag_help(&ld->ctx->diags, d, "the standard library has %s", list);
		opsc_array_free(&names);
		return NO_MODULE;
	}
	char *display = opsc_arena_printf(ld->ctx->arena, "<%s>/%s", "stdlib", e->file);
	uint32_t file = opsc_sources_add(&ld->ctx->sources, display, e->text, e->len, true);
	return add_module(ld, path, module_name(ld, path, true), file, false, true);
}

/* Local imports are relative to the importing file's directory. */
static uint32_t load_local(loader *ld, const opsc_module *from, const opsc_stmt *imp)
{
	const opsc_source *src = opsc_sources_get(&ld->ctx->sources, from->file);
	const char *path = imp->import.path;
	if (src->embedded) {
		opsc_diag_error(&ld->ctx->diags, "unknown-module", imp->import.path_span,
				"standard library modules can only import other \"std/...\" modules");
		return NO_MODULE;
	}
	const char *slash = strrchr(src->path, '/');
	char *full = path[0] == '/' || !slash
			     ? opsc_arena_strdup(ld->ctx->arena, path)
			     : opsc_arena_printf(ld->ctx->arena, "%.*s/%s", (int)(slash - src->path), src->path, path);
	char real[PATH_MAX];
	if (!realpath(full, real)) {
		opsc_diag_error(&ld->ctx->diags, "missing-import", imp->import.path_span,
				"cannot import \"%s\": %s (looked for %s)", path, strerror(errno), full);
		return NO_MODULE;
	}
	if (!inside_roots(ld, real)) {
		/* never read, so no byte of a foreign file reaches a diagnostic */
		uint32_t d = opsc_diag_error(&ld->ctx->diags, "import-outside", imp->import.path_span,
				"cannot import \"%s\": it is outside the project directory%s", path,
				path[0] == '/' ? "" : " (resolved through symbolic links)");
		opsc_diag_help(&ld->ctx->diags, d, "imports name .ops files inside the project: a path relative to the importing file");
		return NO_MODULE;
	}
	uint32_t found = find_key(ld, real);
	if (found != NO_MODULE)
		return found;
	uint32_t file;
	int rc = opsc_sources_read(&file, &ld->ctx->sources, full);
	if (rc < 0) {
		opsc_diag_error(&ld->ctx->diags, "missing-import", imp->import.path_span,
				"cannot import \"%s\": %s", path, opsc_file_strerror(rc));
		return NO_MODULE;
	}
	const char *name = imp->import.alias ? imp->import.alias : module_name(ld, path, false);
	return add_module(ld, real, name, file, false, false);
}

/* Loads the imports of module `m` (its index may move: re-fetch after). */
static void load_imports(loader *ld, uint32_t m)
{
	uint32_t n = ld->mods.items[m].ast.body.len;
	uint32_t *targets = n ? opsc_arena_alloc(ld->ctx->arena, n * sizeof *targets) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		targets[i] = NO_MODULE;
		const opsc_stmt *s = &ld->mods.items[m].ast.body.items[i];
		if (s->kind != OPSC_STMT_IMPORT)
			continue;
		opsc_module from = ld->mods.items[m];
		targets[i] = strncmp(s->import.path, "std/", 4) == 0 ? load_std(ld, s) : load_local(ld, &from, s);
	}
	ld->mods.items[m].imports = targets;
}

/* ------------------------------------------------------------------ cycles */

typedef struct {
	uint8_t *state; /* 0 unvisited, 1 on the stack, 2 done */
	opsc_array(const opsc_stmt *) chain; /* imports on the current path */
} walk;

static void report_cycle(loader *ld, walk *w, const opsc_stmt *closing, uint32_t target)
{
	uint32_t d = opsc_diag_error(&ld->ctx->diags, "import-cycle", closing->import.path_span,
				     "import cycle: \"%s\" imports a module that imports it back",
				     closing->import.path);
	(void)target;
	for (uint32_t i = 0; i < w->chain.len; i++)
		opsc_diag_add_note(&ld->ctx->diags, d, w->chain.items[i]->import.path_span,
				   "through this import of \"%s\"", w->chain.items[i]->import.path);
}

static void visit(loader *ld, walk *w, uint32_t m)
{
	w->state[m] = 1;
	const opsc_module *mod = &ld->mods.items[m];
	for (uint32_t i = 0; i < mod->ast.body.len; i++) {
		uint32_t t = mod->imports ? mod->imports[i] : NO_MODULE;
		if (t == NO_MODULE)
			continue;
		const opsc_stmt *s = &mod->ast.body.items[i];
		if (w->state[t] == 1) {
			report_cycle(ld, w, s, t);
			mod->imports[i] = NO_MODULE;
		} else if (w->state[t] == 0) {
			opsc_array_push(&w->chain, s);
			visit(ld, w, t);
			w->chain.len--;
		}
	}
	w->state[m] = 2;
}

static void check_cycles(loader *ld)
{
	walk w = { opsc_calloc(ld->mods.len ? ld->mods.len : 1, 1), { 0 } };
	for (uint32_t m = 0; m < ld->mods.len; m++)
		if (!w.state[m])
			visit(ld, &w, m);
	opsc_free(w.state);
	opsc_array_free(&w.chain);
}

/* Breadth-first: imports are appended as found, and each step's new modules
 * are parsed together before their own imports are read. */
static int finish(opsc_program *out, loader *ld)
{
	int rc = 0;
	for (uint32_t m = 0; m < ld->mods.len; m++) {
		if (m == ld->parsed) {
			int r = parse_pending(ld);
			rc = rc < 0 ? rc : r;
		}
		load_imports(ld, m);
	}
	check_cycles(ld);
	roots_free(ld);
	out->len = ld->mods.len;
	out->modules = opsc_array_to_arena(ld->ctx->arena, &ld->mods);
	opsc_array_free(&ld->keys);
	return rc;
}

int opsc_load(opsc_program *out, opsc_ctx *ctx, const char *const *paths, uint32_t npaths)
{
	loader ld = { ctx, { 0 }, { 0 }, 0, { 0 } };
	int rc = 0;
	struct stat st;
	for (uint32_t i = 0; i < npaths; i++)
		add_root(&ld, paths[i], stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode));
	for (uint32_t i = 0; i < npaths; i++) {
		int r;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			r = load_root_dir(&ld, paths[i]);
		else
			r = load_root_file(&ld, paths[i]);
		if (r < 0 && rc == 0)
			rc = r;
	}
	int r = finish(out, &ld);
	return rc < 0 ? rc : r;
}

int opsc_load_text(opsc_program *out, opsc_ctx *ctx, const char *path, const char *text, size_t len)
{
	loader ld = { ctx, { 0 }, { 0 }, 0, { 0 } };
	add_root(&ld, path, false);
	uint32_t file = opsc_sources_add(&ctx->sources, path, text, len, false);
	add_module(&ld, path, "", file, true, false);
	return finish(out, &ld);
}
