/*
 * repo_history.c - every distinct blob of the history with the commit that
 * introduced it, and the lines a branch adds since its merge base.
 *
 * History compares each commit with its first parent (tree to tree, which
 * skips unchanged subtrees by id) rather than listing every commit's whole
 * tree, and keeps the ids of the blobs already delivered in one hash set,
 * so each distinct blob is loaded and scanned once.
 */
#define _GNU_SOURCE
#include "repo_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"

/* --------------------------------------------------------------- oid set */

typedef struct {
	git_oid *slots; /* open addressing; an all-zero id marks a free slot */
	uint32_t cap, len;
} oid_set;

static uint32_t oid_hash(const git_oid *id)
{
	uint32_t h;
	memcpy(&h, id->id, sizeof h); /* ids are uniformly distributed */
	return h;
}

static bool oid_is_zero(const git_oid *id)
{
	static const git_oid zero;
	return memcmp(id, &zero, sizeof zero) == 0;
}

static void oid_set_put(oid_set *s, const git_oid *id);

static void oid_set_grow(oid_set *s)
{
	oid_set old = *s;
	s->cap = old.cap ? old.cap * 2 : 1024;
	s->len = 0;
	s->slots = opsc_calloc(s->cap, sizeof(git_oid));
	for (uint32_t i = 0; i < old.cap; i++)
		if (!oid_is_zero(&old.slots[i]))
			oid_set_put(s, &old.slots[i]);
	opsc_free(old.slots);
}

/* Inserts `id`; returns false when it was already there. */
static bool oid_set_add(oid_set *s, const git_oid *id)
{
	if ((s->len + 1) * 4 > s->cap * 3)
		oid_set_grow(s);
	uint32_t i = oid_hash(id) & (s->cap - 1);
	while (!oid_is_zero(&s->slots[i])) {
		if (git_oid_equal(&s->slots[i], id))
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = *id;
	s->len++;
	return true;
}

static void oid_set_put(oid_set *s, const git_oid *id)
{
	(void)oid_set_add(s, id);
}

/* ----------------------------------------------------------------- commits */

/* ISO 8601 in the author's own offset: 2024-03-01T10:00:00+01:00. */
static void format_date(char out[32], const git_time *when)
{
	time_t local = (time_t)(when->time + (int64_t)when->offset * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	int off = when->offset < 0 ? -when->offset : when->offset;
	size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, "%c%02d:%02d", when->offset < 0 ? '-' : '+', off / 60, off % 60);
}

static void describe_commit(opsc_repo_commit *out, char **author, const git_commit *c)
{
	const git_signature *sig = git_commit_author(c);
	git_oid_tostr(out->id, sizeof out->id, git_commit_id(c));
	opsc_free(*author);
	size_t len = strlen(sig->name) + strlen(sig->email) + 4;
	*author = opsc_malloc(len);
	snprintf(*author, len, "%s <%s>", sig->name, sig->email);
	out->author = *author;
	format_date(out->date, &sig->when);
	out->time = (int64_t)git_commit_time(c);
}

/* ----------------------------------------------------------------- history */

typedef struct {
	opsc_repo *repo;
	const opsc_repo_history_opts *opts;
	opsc_repo_history_stats *stats;
	opsc_repo_blob_cb cb;
	void *user;
	oid_set seen;
	opsc_repo_commit commit;
	char *author;
	const git_commit *cur; /* the commit being compared */
	bool described; /* whether `commit` describes `cur` yet */
	opsc_array(char) path; /* of the tree entry being visited, NUL-terminated */
} history;

static bool is_content(uint32_t mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
	       mode == GIT_FILEMODE_LINK;
}

static int parent_tree(git_tree **out, const git_commit *c)
{
	git_commit *parent = NULL;
	*out = NULL;
	if (git_commit_parentcount(c) == 0)
		return 0;
	int rc = git_commit_parent(&parent, c, 0);
	if (rc == 0)
		rc = git_commit_tree(out, parent);
	git_commit_free(parent);
	return rc;
}

/* Whether directory `dir` ("a/b/") may hold paths under the prefix. */
static bool may_hold_prefix(const opsc_repo *repo, const char *dir, size_t len)
{
	size_t n = strlen(repo->prefix);
	return strncmp(dir, repo->prefix, len < n ? len : n) == 0;
}

static int walk_tree(history *h, const git_tree *tree, const git_tree *old);

/* Descends into subtree `e`, against `o` when that was a directory too. */
static int walk_subtree(history *h, const git_tree_entry *e, const git_tree_entry *o)
{
	git_tree *sub = NULL, *osub = NULL;
	int rc = git_tree_lookup(&sub, h->repo->git, git_tree_entry_id(e));
	if (rc == 0 && o && git_tree_entry_type(o) == GIT_OBJECT_TREE)
		rc = git_tree_lookup(&osub, h->repo->git, git_tree_entry_id(o));
	if (rc == 0)
		rc = walk_tree(h, sub, osub);
	git_tree_free(osub);
	git_tree_free(sub);
	return rc;
}

static int deliver(history *h, const git_tree_entry *e)
{
	const git_oid *id = git_tree_entry_id(e);
	if (!opsc_repo_under_prefix_(h->repo, h->path.items) || !oid_set_add(&h->seen, id))
		return 0;
	if (!h->described)
		describe_commit(&h->commit, &h->author, h->cur);
	h->described = true;
	h->stats->blobs++;
	return opsc_repo_deliver_blob_(h->repo, id, git_tree_entry_filemode(e), h->path.items,
				       h->opts->max_size, &h->commit, h->cb, h->user);
}

/* Visits what `tree` adds or changes against `old`, the same directory in
 * the parent (NULL when it had none): entries with the same name, mode and
 * id are skipped whole, so an unchanged subtree costs one comparison. In
 * tree order, which is the order of the full paths. h->path holds the
 * directory's path, "" or "a/b/". */
static int walk_tree(history *h, const git_tree *tree, const git_tree *old)
{
	uint32_t base = h->path.len;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		const git_tree_entry *o = old ? git_tree_entry_byname(old, name) : NULL;
		git_filemode_t mode = git_tree_entry_filemode(e);
		if (o && git_tree_entry_filemode(o) == mode && git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)))
			continue;
		size_t len = strlen(name);
		opsc_array_reserve(&h->path, (uint32_t)len + 2);
		memcpy(h->path.items + base, name, len);
		h->path.len = base + (uint32_t)len;
		if (mode == GIT_FILEMODE_TREE) {
			h->path.items[h->path.len++] = '/';
			h->path.items[h->path.len] = '\0';
			if (may_hold_prefix(h->repo, h->path.items, h->path.len))
				rc = walk_subtree(h, e, o);
		} else if (is_content(mode)) {
			h->path.items[h->path.len] = '\0';
			rc = deliver(h, e);
		}
		h->path.len = base;
	}
	return rc;
}

/* Delivers the blobs `c` adds or changes against its first parent that
 * were not seen before. A tree walk rather than git_diff_tree_to_tree:
 * the diff machinery (a configuration snapshot, pathspecs, a delta list
 * per commit) cost most of the time of a history scan. */
static int scan_commit(history *h, const git_commit *c, bool boundary)
{
	git_tree *tree = NULL, *ptree = NULL;
	h->cur = c;
	h->described = false;
	h->path.len = 0;
	opsc_array_reserve(&h->path, 1);
	h->path.items[0] = '\0';
	int rc = git_commit_tree(&tree, c);
	if (rc == 0 && !boundary) /* a shallow clone's oldest commit: its parent is absent */
		rc = parent_tree(&ptree, c);
	if (rc == 0)
		rc = walk_tree(h, tree, ptree);
	git_tree_free(ptree);
	git_tree_free(tree);
	return rc;
}

static int walk_commits(history *h, const opsc_repo_walk_commit *commits, uint32_t n)
{
	int rc = 0;
	for (uint32_t i = 0; rc == 0 && i < n; i++) {
		git_commit *c = NULL;
		rc = git_commit_lookup(&c, h->repo->git, &commits[i].id);
		h->stats->commits++;
		if (rc == 0 && (int64_t)git_commit_time(c) >= h->opts->since)
			rc = scan_commit(h, c, commits[i].boundary);
		git_commit_free(c);
		if (rc == 0 && h->opts->progress)
			rc = h->opts->progress(h->opts->user, h->stats->commits, h->stats->blobs);
	}
	return rc;
}

int opsc_repo_each_history(opsc_repo *repo, const opsc_repo_history_opts *opts,
			   opsc_repo_history_stats *stats, opsc_repo_blob_cb cb, void *user)
{
	history h = { .repo = repo, .opts = opts, .stats = stats, .cb = cb, .user = user };
	opsc_repo_walk_commit *commits = NULL;
	uint32_t n = 0;
	*stats = (opsc_repo_history_stats){ 0 };
	int rc = opsc_repo_walk_(&commits, &n, &stats->shallow, repo);
	if (rc == 0)
		rc = walk_commits(&h, commits, n);
	opsc_free(commits);
	opsc_free(h.seen.slots);
	opsc_free(h.author);
	opsc_array_free(&h.path);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------ changed lines */

static int resolve_commit(git_oid *out, git_repository *git, const char *rev)
{
	git_object *obj = NULL;
	int rc = git_revparse_single(&obj, git, rev);
	git_object *peeled = NULL;
	if (rc == 0)
		rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc == 0)
		git_oid_cpy(out, git_object_id(peeled));
	else
		opsc_repo_fail_("cannot resolve '%s' to a commit: %s", rev, opsc_repo_error());
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

static int merge_base_tree(git_tree **out, opsc_repo_changes *changes, git_repository *git,
			   const char *rev)
{
	git_oid theirs, head, base;
	git_commit *c = NULL;
	int rc = resolve_commit(&theirs, git, rev);
	if (rc == 0 && (rc = git_reference_name_to_id(&head, git, "HEAD")) < 0)
		return opsc_repo_fail_("HEAD has no commit to compare with '%s'", rev);
	if (rc == 0 && (rc = git_merge_base(&base, git, &theirs, &head)) < 0)
		return opsc_repo_fail_("'%s' and HEAD have no common history", rev);
	if (rc == 0)
		rc = git_commit_lookup(&c, git, &base);
	if (rc == 0)
		rc = git_commit_tree(out, c);
	if (rc == 0)
		git_oid_tostr(changes->base, sizeof changes->base, &base);
	git_commit_free(c);
	return rc;
}

typedef opsc_array(char *) path_list; /* sorted */

typedef struct {
	opsc_repo *repo;
	opsc_repo_changes *out;
	opsc_repo_change *cur; /* the file being read, NULL when not listed */
	const path_list *skip; /* read from the working tree instead */
} diff_walk;

static bool listed(const path_list *l, const char *path)
{
	return opsc_find_str(l->items, l->len, sizeof(char *), path) != NULL;
}

static int on_file(const git_diff_delta *d, float progress, void *payload)
{
	(void)progress;
	diff_walk *w = payload;
	w->cur = NULL;
	if (d->status == GIT_DELTA_DELETED || !is_content(d->new_file.mode) ||
	    !opsc_repo_under_prefix_(w->repo, d->new_file.path) || (w->skip && listed(w->skip, d->new_file.path)))
		return 0;
	opsc_repo_change c = { .path = opsc_strdup(d->new_file.path) };
	opsc_array_push(&w->out->files, c);
	w->cur = opsc_array_last(&w->out->files);
	return 0;
}

static int on_line(const git_diff_delta *d, const git_diff_hunk *hunk, const git_diff_line *line,
		   void *payload)
{
	(void)d;
	(void)hunk;
	diff_walk *w = payload;
	if (!w->cur || line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0)
		return 0;
	uint32_t n = (uint32_t)line->new_lineno;
	if (w->cur->added.len && opsc_array_last(&w->cur->added)->end + 1 == n)
		opsc_array_last(&w->cur->added)->end = n;
	else
		opsc_array_push(&w->cur->added, ((opsc_line_range){ n, n }));
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const opsc_repo_change *)a)->path, ((const opsc_repo_change *)b)->path);
}

/* Drops files without an added line (pure deletions, mode changes). */
static void keep_added(opsc_repo_changes *out)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < out->files.len; i++) {
		opsc_repo_change *c = &out->files.items[i];
		if (c->added.len)
			out->files.items[kept++] = *c;
		else {
			opsc_free(c->path);
			opsc_array_free(&c->added);
		}
	}
	out->files.len = kept;
	if (kept > 1)
		qsort(out->files.items, kept, sizeof *out->files.items, cmp_change);
}

/* Index entries whose working-tree file is not what the index records, in
 * index (path) order: one lstat per entry, and a content hash only where
 * the stat data differs. A directory walk of the working tree (what a
 * tree-to-workdir diff does) costs several system calls per file, which on
 * a large repository is most of a pull-request check. Files gone from the
 * working tree are listed too: they are not in the change. */
typedef struct {
	opsc_repo *repo;
	const git_index_entry **entries; /* a snapshot: the diff may reorder the index */
	size_t n;
	path_list found;
	pthread_t tid;
	bool threaded;
} edit_scan;

static bool entry_unchanged(const char *full, const git_index_entry *e)
{
	struct stat st;
	if (lstat(full, &st) < 0)
		return false;
	if ((uint64_t)st.st_size == e->file_size && st.st_mtim.tv_sec == e->mtime.seconds &&
	    (uint32_t)st.st_mtim.tv_nsec == e->mtime.nanoseconds)
		return true;
	git_oid oid; /* touched, perhaps not changed */
	return S_ISREG(st.st_mode) && git_odb_hashfile(&oid, full, GIT_OBJECT_BLOB) == 0 &&
	       git_oid_equal(&oid, &e->id);
}

static void *scan_edits(void *arg)
{
	edit_scan *s = arg;
	size_t wlen = strlen(s->repo->workdir), cap = 0;
	char *full = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const git_index_entry *e = s->entries[i];
		size_t need = wlen + strlen(e->path) + 1;
		if (need > cap)
			full = opsc_realloc(full, cap = need * 2);
		memcpy(full, s->repo->workdir, wlen);
		strcpy(full + wlen, e->path);
		if (!entry_unchanged(full, e))
			opsc_array_push(&s->found, opsc_strdup(e->path));
	}
	opsc_free(full);
	return NULL;
}

/* Starts the scan on a thread of its own, to run while the main thread
 * diffs the merge base against the index (the two costs of a pull-request
 * check on a large repository, one system calls, the other object reads). */
static void edits_start(edit_scan *s, opsc_repo *repo, git_index *idx)
{
	size_t n = git_index_entrycount(idx);
	memset(s, 0, sizeof *s);
	s->repo = repo;
	s->entries = opsc_malloc((n + 1) * sizeof *s->entries);
	for (size_t i = 0; i < n; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		if (GIT_INDEX_ENTRY_STAGE(e) == 0 && is_content(e->mode) &&
		    opsc_repo_under_prefix_(repo, e->path))
			s->entries[s->n++] = e;
	}
	s->threaded = pthread_create(&s->tid, NULL, scan_edits, s) == 0;
}

/* The paths found, in index order, moved into `out`. */
static void edits_finish(edit_scan *s, path_list *out)
{
	if (s->threaded)
		pthread_join(s->tid, NULL);
	else
		scan_edits(s);
	*out = (path_list){ s->found.items, s->found.len, s->found.cap };
	opsc_free(s->entries);
}

/* A working-tree file larger than this is no text anyone edits by hand. */
#define MAX_EDITED ((size_t)1 << 30)

/* The added lines of a file edited in the working tree, against the merge
 * base's version (none: every line is added). */
static int diff_edited(diff_walk *w, git_tree *base, const char *path, const git_diff_options *dopts)
{
	size_t wlen = strlen(w->repo->workdir);
	char *full = opsc_malloc(wlen + strlen(path) + 1);
	memcpy(full, w->repo->workdir, wlen);
	strcpy(full + wlen, path);
	char *buf = NULL;
	size_t len = 0;
	int got = opsc_file_read(&buf, &len, full, 0, MAX_EDITED);
	opsc_free(full);
	if (got < 0)
		return 0; /* gone, or no regular file: not in the change */
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	if (git_tree_entry_bypath(&te, base, path) == 0 && git_tree_entry_type(te) == GIT_OBJECT_BLOB)
		git_blob_lookup(&blob, git_tree_owner(base), git_tree_entry_id(te));
	git_error_clear();
	opsc_repo_change c = { .path = opsc_strdup(path) };
	opsc_array_push(&w->out->files, c);
	w->cur = opsc_array_last(&w->out->files);
	int rc = git_diff_blob_to_buffer(blob, path, buf ? buf : "", len, path, dopts, NULL, NULL, NULL,
					 on_line, w);
	w->cur = NULL;
	git_blob_free(blob);
	git_tree_entry_free(te);
	opsc_free(buf);
	return rc;
}

int opsc_repo_diff_base(opsc_repo *repo, const char *rev, opsc_repo_changes *out)
{
	git_tree *base = NULL;
	git_index *idx = NULL;
	git_diff *diff = NULL;
	path_list edited = { 0 };
	git_diff_options dopts;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	dopts.context_lines = 0;
	dopts.flags = GIT_DIFF_IGNORE_SUBMODULES;
	diff_walk w = { .repo = repo, .out = out, .skip = &edited };
	int rc = merge_base_tree(&base, out, repo->git, rev);
	if (rc == 0)
		rc = git_repository_index(&idx, repo->git);
	edit_scan scan;
	if (rc == 0) {
		edits_start(&scan, repo, idx);
		/* committed and staged changes, then the working tree's on top */
		rc = git_diff_tree_to_index(&diff, repo->git, base, idx, &dopts);
		edits_finish(&scan, &edited);
	}
	if (rc == 0)
		rc = git_diff_foreach(diff, on_file, NULL, NULL, on_line, &w);
	for (uint32_t i = 0; rc == 0 && i < edited.len; i++)
		rc = diff_edited(&w, base, edited.items[i], &dopts);
	keep_added(out);
	for (uint32_t i = 0; i < edited.len; i++)
		opsc_free(edited.items[i]);
	opsc_array_free(&edited);
	git_diff_free(diff);
	git_index_free(idx);
	git_tree_free(base);
	return rc;
}

void opsc_repo_changes_dispose(opsc_repo_changes *changes)
{
	for (uint32_t i = 0; i < changes->files.len; i++) {
		opsc_free(changes->files.items[i].path);
		opsc_array_free(&changes->files.items[i].added);
	}
	opsc_array_free(&changes->files);
}

const opsc_repo_change *opsc_repo_changes_find(const opsc_repo_changes *changes, const char *path)
{
	opsc_repo_change key = { .path = (char *)path };
	if (!changes->files.len)
		return NULL;
	return bsearch(&key, changes->files.items, changes->files.len, sizeof key, cmp_change);
}

bool opsc_repo_changes_added(const opsc_repo_changes *changes, const char *path, uint32_t line)
{
	const opsc_repo_change *c = opsc_repo_changes_find(changes, path);
	for (uint32_t i = 0; c && i < c->added.len; i++)
		if (line >= c->added.items[i].start && line <= c->added.items[i].end)
			return true;
	return false;
}
