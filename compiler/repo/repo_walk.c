/*
 * repo_walk.c - the commits a history scan visits, in the order it visits
 * them: every commit reachable from HEAD and every reference, parents
 * before children, older committer time first among those ready.
 *
 * Not libgit2's revwalk: the libgit2 that Debian ships does not read
 * .git/shallow, so in a shallow clone (what CI checks out) the walk stops
 * at the first missing parent having yielded nothing, and on that error
 * path, as on a corrupt commit, it leaks its list. Here a commit named in
 * .git/shallow is a boundary (compared with the empty tree, its parents
 * not followed), and a commit that cannot be read is an error.
 */
#include "repo_int.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* oid -> index into the node list; open addressing, UINT32_MAX free. */
typedef struct {
	uint32_t *slots;
	uint32_t cap;
} node_map;

typedef struct {
	git_oid id;
	int64_t time;
	uint32_t first_parent, nparents; /* into walk.parent_ids */
	uint32_t pending; /* parents in the walk not yet placed */
	bool boundary;
} node;

typedef struct {
	git_repository *git;
	opsc_array(node) nodes;
	opsc_array(git_oid) parent_ids;
	opsc_array(git_oid) todo;
	node_map map;
	opsc_array(git_oid) shallow;
} walk;

static uint32_t *map_slot(walk *w, const git_oid *id)
{
	uint32_t h;
	memcpy(&h, id->id, sizeof h); /* ids are uniformly distributed */
	for (uint32_t i = h & (w->map.cap - 1);; i = (i + 1) & (w->map.cap - 1))
		if (w->map.slots[i] == UINT32_MAX || git_oid_equal(&w->nodes.items[w->map.slots[i]].id, id))
			return &w->map.slots[i];
}

static void map_grow(walk *w)
{
	opsc_free(w->map.slots);
	w->map.cap = w->map.cap ? w->map.cap * 2 : 1024;
	w->map.slots = opsc_malloc(w->map.cap * sizeof(uint32_t));
	memset(w->map.slots, 0xff, w->map.cap * sizeof(uint32_t));
	for (uint32_t i = 0; i < w->nodes.len; i++)
		*map_slot(w, &w->nodes.items[i].id) = i;
}

static uint32_t map_find(walk *w, const git_oid *id)
{
	return w->map.cap ? *map_slot(w, id) : UINT32_MAX;
}

/* .git/shallow: one hex id a line, the commits whose parents are absent. */
static int read_shallow(walk *w)
{
	const char *dir = git_repository_commondir(w->git);
	char *path = opsc_malloc(strlen(dir) + sizeof "shallow");
	strcpy(path, dir);
	strcat(path, "shallow");
	char *text;
	size_t len;
	int rc = opsc_file_read(&text, &len, path, 0, (size_t)64 << 20);
	opsc_free(path);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return opsc_repo_fail_("%sshallow: %s", dir, opsc_file_strerror(rc));
	for (char *line = text; line < text + len;) {
		git_oid id;
		if (git_oid_fromstrn(&id, line, strcspn(line, "\n")) == 0)
			opsc_array_push(&w->shallow, id);
		char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : text + len;
	}
	git_error_clear();
	opsc_free(text);
	return 0;
}

static bool is_shallow(const walk *w, const git_oid *id)
{
	for (uint32_t i = 0; i < w->shallow.len; i++)
		if (git_oid_equal(&w->shallow.items[i], id))
			return true;
	return false;
}

/* Adds one commit and queues its parents (unless it is a boundary). */
static int add_commit(walk *w, const git_oid *id)
{
	git_commit *c = NULL;
	if (git_commit_lookup(&c, w->git, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, id);
		const git_error *e = git_error_last();
		return opsc_repo_fail_("commit %s cannot be read (%s): the repository is missing objects "
				       "or is corrupt", hex, e ? e->message : "unknown error");
	}
	node n = { *id, (int64_t)git_commit_time(c), w->parent_ids.len, 0, 0, is_shallow(w, id) };
	for (uint32_t i = 0; !n.boundary && i < git_commit_parentcount(c); i++) {
		opsc_array_push(&w->parent_ids, *git_commit_parent_id(c, i));
		opsc_array_push(&w->todo, *git_commit_parent_id(c, i));
		n.nparents++;
	}
	git_commit_free(c);
	if ((w->nodes.len + 1) * 2 > w->map.cap)
		map_grow(w);
	*map_slot(w, id) = w->nodes.len;
	opsc_array_push(&w->nodes, n);
	return 0;
}

/* Queues the commit `id` names: itself, or what an annotated tag points
 * to. A tag of a tree or a blob names no commit. The commit is only read
 * later (add_commit), where a corrupt one is reported, not skipped. */
static int push_target(walk *w, git_odb *odb, const git_oid *id)
{
	size_t len;
	git_object_t type;
	git_object *tag = NULL, *peeled = NULL;
	int rc = git_odb_read_header(&len, &type, odb, id);
	if (rc == 0 && type == GIT_OBJECT_COMMIT)
		opsc_array_push(&w->todo, *id);
	else if (rc == 0 && type == GIT_OBJECT_TAG && git_object_lookup(&tag, w->git, id, GIT_OBJECT_TAG) == 0 &&
		 git_object_peel(&peeled, tag, GIT_OBJECT_COMMIT) == 0)
		opsc_array_push(&w->todo, *git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(tag);
	if (rc < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, id);
		return opsc_repo_fail_("object %s, named by a reference, cannot be read: the repository is "
				       "missing objects or is corrupt", hex);
	}
	git_error_clear();
	return 0;
}

/* HEAD and every reference (an unborn HEAD names nothing). */
static int push_tips(walk *w)
{
	git_reference_iterator *it = NULL;
	git_reference *ref, *direct;
	git_odb *odb = NULL;
	int rc = git_repository_odb(&odb, w->git);
	if (rc == 0)
		rc = git_reference_iterator_glob_new(&it, w->git, "refs/*");
	while (rc == 0 && git_reference_next(&ref, it) == 0) {
		if (git_reference_resolve(&direct, ref) == 0) {
			rc = push_target(w, odb, git_reference_target(direct));
			git_reference_free(direct);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	git_oid head;
	if (rc == 0 && git_reference_name_to_id(&head, w->git, "HEAD") == 0)
		rc = push_target(w, odb, &head);
	git_odb_free(odb);
	if (rc == 0)
		git_error_clear();
	return rc;
}

/* A min-heap of node indices by (time, index): the ready commits. */
static bool before(const walk *w, uint32_t a, uint32_t b)
{
	int64_t ta = w->nodes.items[a].time, tb = w->nodes.items[b].time;
	return ta != tb ? ta < tb : a > b; /* later found is older in the graph */
}

static void heap_push(const walk *w, uint32_t *heap, uint32_t *n, uint32_t v)
{
	uint32_t i = (*n)++;
	for (; i && before(w, v, heap[(i - 1) / 2]); i = (i - 1) / 2)
		heap[i] = heap[(i - 1) / 2];
	heap[i] = v;
}

static uint32_t heap_pop(const walk *w, uint32_t *heap, uint32_t *n)
{
	uint32_t top = heap[0], v = heap[--*n], i = 0;
	for (uint32_t c; (c = 2 * i + 1) < *n; i = c) {
		if (c + 1 < *n && before(w, heap[c + 1], heap[c]))
			c++;
		if (!before(w, heap[c], v))
			break;
		heap[i] = heap[c];
	}
	heap[i] = v;
	return top;
}

/* Kahn's algorithm over the collected graph: a commit is placed once all
 * its parents are. */
static void order(walk *w, opsc_repo_walk_commit *out)
{
	uint32_t n = w->nodes.len, np = w->parent_ids.len;
	uint32_t *child_start = opsc_calloc(n + 1, sizeof(uint32_t));
	uint32_t *children = opsc_malloc((np + 1) * sizeof(uint32_t));
	uint32_t *parent_of = opsc_malloc((np + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < w->nodes.items[i].nparents; k++) {
			uint32_t p = map_find(w, &w->parent_ids.items[w->nodes.items[i].first_parent + k]);
			parent_of[w->nodes.items[i].first_parent + k] = p;
			child_start[p + 1]++;
			w->nodes.items[i].pending++;
		}
	for (uint32_t i = 0; i < n; i++)
		child_start[i + 1] += child_start[i];
	uint32_t *fill = opsc_malloc((n + 1) * sizeof(uint32_t));
	memcpy(fill, child_start, n * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < w->nodes.items[i].nparents; k++)
			children[fill[parent_of[w->nodes.items[i].first_parent + k]]++] = i;
	uint32_t *heap = fill, hn = 0, placed = 0; /* fill is free again */
	for (uint32_t i = 0; i < n; i++)
		if (!w->nodes.items[i].pending)
			heap_push(w, heap, &hn, i);
	while (hn) {
		uint32_t i = heap_pop(w, heap, &hn);
		out[placed++] = (opsc_repo_walk_commit){ w->nodes.items[i].id, w->nodes.items[i].boundary };
		for (uint32_t k = child_start[i]; k < child_start[i + 1]; k++)
			if (--w->nodes.items[children[k]].pending == 0)
				heap_push(w, heap, &hn, children[k]);
	}
	opsc_free(heap);
	opsc_free(parent_of);
	opsc_free(children);
	opsc_free(child_start);
}

int opsc_repo_walk_(opsc_repo_walk_commit **out, uint32_t *nout, bool *shallow, opsc_repo *repo)
{
	walk w = { .git = repo->git };
	*out = NULL;
	*nout = 0;
	int rc = read_shallow(&w);
	if (rc == 0)
		rc = push_tips(&w);
	while (rc == 0 && w.todo.len) {
		git_oid id = w.todo.items[--w.todo.len];
		if (map_find(&w, &id) == UINT32_MAX)
			rc = add_commit(&w, &id);
	}
	if (rc == 0) {
		*out = opsc_malloc((w.nodes.len + 1) * sizeof(**out));
		order(&w, *out);
		*nout = w.nodes.len;
	}
	*shallow = w.shallow.len > 0;
	opsc_array_free(&w.nodes);
	opsc_array_free(&w.parent_ids);
	opsc_array_free(&w.todo);
	opsc_array_free(&w.shallow);
	opsc_free(w.map.slots);
	return rc;
}
