/*
 * actual_knode.c - editing YAML node trees for the kustomize renderer:
 * copies, keys set and removed, strategic merge patches and JSON 6902
 * (see actual_kust.h). Every function works on a tree the caller owns.
 */
#include "actual_kust.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ nodes */

opsc_yamldoc_node *opsc_kn_scalar(opsc_arena *arena, const char *value, const opsc_yamldoc_node *at)
{
	opsc_yamldoc_node *n = opsc_arena_alloc(arena, sizeof *n);
	n->kind = OPSC_YAMLDOC_SCALAR;
	if (at) {
		n->offset = at->offset;
		n->line = at->line;
		n->col = at->col;
		n->origin = at->origin;
	}
	n->scalar.value = opsc_arena_strdup(arena, value);
	n->scalar.len = (uint32_t)strlen(value);
	n->scalar.style = OPSC_YAMLDOC_DOUBLE_QUOTED; /* a string, as kustomize writes it */
	n->point = true;
	return n;
}

opsc_yamldoc_node *opsc_kn_copy(opsc_arena *arena, const opsc_yamldoc_node *n, uint32_t depth)
{
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH)
		return NULL;
	opsc_yamldoc_node *c = opsc_arena_alloc(arena, sizeof *c);
	*c = *n;
	if (n->kind == OPSC_YAMLDOC_MAPPING && n->mapping.len) {
		c->mapping.pairs = opsc_arena_alloc(arena, n->mapping.len * sizeof *c->mapping.pairs);
		for (uint32_t i = 0; i < n->mapping.len; i++) {
			c->mapping.pairs[i].key = n->mapping.pairs[i].key; /* keys are never edited */
			c->mapping.pairs[i].value = opsc_kn_copy(arena, n->mapping.pairs[i].value, depth + 1);
		}
	} else if (n->kind == OPSC_YAMLDOC_SEQUENCE && n->sequence.len) {
		c->sequence.items = opsc_arena_alloc(arena, n->sequence.len * sizeof *c->sequence.items);
		for (uint32_t i = 0; i < n->sequence.len; i++)
			c->sequence.items[i] = opsc_kn_copy(arena, n->sequence.items[i], depth + 1);
	}
	return c;
}

static int key_index(const opsc_yamldoc_node *map, const char *key)
{
	if (!map || map->kind != OPSC_YAMLDOC_MAPPING)
		return -1;
	for (uint32_t i = 0; i < map->mapping.len; i++) {
		const char *k = opsc_yamldoc_str(map->mapping.pairs[i].key);
		if (k && strcmp(k, key) == 0)
			return (int)i;
	}
	return -1;
}

void opsc_kn_put(opsc_arena *arena, opsc_yamldoc_node *map, const char *key, opsc_yamldoc_node *value)
{
	int i = key_index(map, key);
	if (i >= 0) {
		map->mapping.pairs[i].value = value;
		return;
	}
	opsc_yamldoc_pair *pairs = opsc_arena_alloc(arena, (map->mapping.len + 1) * sizeof *pairs);
	if (map->mapping.len)
		memcpy(pairs, map->mapping.pairs, map->mapping.len * sizeof *pairs);
	pairs[map->mapping.len] = (opsc_yamldoc_pair){ opsc_kn_scalar(arena, key, value ? value : map), value };
	map->mapping.pairs = pairs;
	map->mapping.len++;
}

opsc_yamldoc_node *opsc_kn_child(opsc_arena *arena, opsc_yamldoc_node *map, const char *key)
{
	int i = key_index(map, key);
	if (i >= 0 && map->mapping.pairs[i].value->kind == OPSC_YAMLDOC_MAPPING)
		return map->mapping.pairs[i].value;
	opsc_yamldoc_node *m = opsc_arena_alloc(arena, sizeof *m);
	*m = (opsc_yamldoc_node){ .kind = OPSC_YAMLDOC_MAPPING, .offset = map->offset, .line = map->line,
				  .col = map->col, .origin = map->origin };
	opsc_kn_put(arena, map, key, m);
	return m;
}

bool opsc_kn_del(opsc_yamldoc_node *map, const char *key)
{
	int i = key_index(map, key);
	if (i < 0)
		return false;
	memmove(&map->mapping.pairs[i], &map->mapping.pairs[i + 1],
		(map->mapping.len - (uint32_t)i - 1) * sizeof *map->mapping.pairs);
	map->mapping.len--;
	return true;
}

void opsc_kn_mark(opsc_yamldoc_node *n, uint32_t origin, uint32_t depth)
{
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH || n->origin == origin)
		return;
	n->origin = origin;
	if (n->kind == OPSC_YAMLDOC_MAPPING)
		for (uint32_t i = 0; i < n->mapping.len; i++) {
			opsc_kn_mark(n->mapping.pairs[i].key, origin, depth + 1);
			opsc_kn_mark(n->mapping.pairs[i].value, origin, depth + 1);
		}
	else if (n->kind == OPSC_YAMLDOC_SEQUENCE)
		for (uint32_t i = 0; i < n->sequence.len; i++)
			opsc_kn_mark(n->sequence.items[i], origin, depth + 1);
}

void opsc_kn_place(opsc_yamldoc_node *n, const opsc_yamldoc_node *at, uint32_t depth)
{
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH)
		return;
	n->offset = at->offset;
	n->line = at->line;
	n->col = at->col;
	n->origin = at->origin;
	n->point = true; /* its style stays: `value: 3` is still a number */
	if (n->kind == OPSC_YAMLDOC_MAPPING)
		for (uint32_t i = 0; i < n->mapping.len; i++) {
			opsc_kn_place(n->mapping.pairs[i].key, at, depth + 1);
			opsc_kn_place(n->mapping.pairs[i].value, at, depth + 1);
		}
	else if (n->kind == OPSC_YAMLDOC_SEQUENCE)
		for (uint32_t i = 0; i < n->sequence.len; i++)
			opsc_kn_place(n->sequence.items[i], at, depth + 1);
}

/* Kinds without metadata.namespace: kustomize leaves their namespace alone
 * (its built-in list, and the cluster-scoped kinds of the common
 * operators). A CRD of a cluster-scoped kind not listed here is
 * namespaced as kustomize does without the CRD's schema. */
static const char *const cluster_kinds[] = {
	"APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterIssuer", "ClusterPolicy",
	"ClusterRole", "ClusterRoleBinding", "ClusterSecretStore", "ComponentStatus",
	"CustomResourceDefinition", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node",
	"PersistentVolume", "PodSecurityPolicy", "PriorityClass", "RuntimeClass", "StorageClass",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
	"VolumeAttachment", "VolumeSnapshotClass",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool opsc_kn_cluster_scoped(const char *kind)
{
	return bsearch(&kind, cluster_kinds, sizeof cluster_kinds / sizeof *cluster_kinds, sizeof *cluster_kinds,
		       cmp_str) != NULL;
}

/* ---------------------------------------------------------- strategic merge */

/* Lists merged item by item, by the key Kubernetes' patchMergeKey gives
 * them; every other list is replaced whole, as for custom resources. */
static const struct {
	const char *field, *key;
} merge_keys[] = {
	{ "containers", "name" },
	{ "initContainers", "name" },
	{ "ephemeralContainers", "name" },
	{ "volumes", "name" },
	{ "volumeMounts", "mountPath" },
	{ "volumeDevices", "devicePath" },
	{ "env", "name" },
	{ "imagePullSecrets", "name" },
	{ "hostAliases", "ip" },
	{ "topologySpreadConstraints", "topologyKey" },
	{ "resourceClaims", "name" },
};

/* containerPort for a container's ports, port for a Service's. */
static const char *list_key(const char *field, const opsc_yamldoc_node *patch)
{
	if (strcmp(field, "ports") == 0) {
		const opsc_yamldoc_node *first = patch->sequence.len ? patch->sequence.items[0] : NULL;
		return opsc_yamldoc_get(first, "containerPort") ? "containerPort" : "port";
	}
	for (size_t i = 0; i < sizeof merge_keys / sizeof *merge_keys; i++)
		if (strcmp(merge_keys[i].field, field) == 0)
			return merge_keys[i].key;
	return NULL;
}

static const char *directive(const opsc_yamldoc_node *n)
{
	return opsc_yamldoc_str(opsc_yamldoc_get(n, "$patch"));
}

/* A patch's own mapping without its directives ($patch, $setElementOrder,
 * $retainKeys), as the object receives it. */
static opsc_yamldoc_node *clean_copy(opsc_arena *arena, const opsc_yamldoc_node *patch)
{
	opsc_yamldoc_node *c = opsc_kn_copy(arena, patch, 0);
	if (!c || c->kind != OPSC_YAMLDOC_MAPPING)
		return c;
	uint32_t kept = 0;
	for (uint32_t i = 0; i < c->mapping.len; i++) {
		const char *k = opsc_yamldoc_str(c->mapping.pairs[i].key);
		if (!k || k[0] != '$')
			c->mapping.pairs[kept++] = c->mapping.pairs[i];
	}
	c->mapping.len = kept;
	return c;
}

static const char *item_key(const opsc_yamldoc_node *item, const char *key)
{
	return opsc_yamldoc_str(opsc_yamldoc_get(item, key));
}

static opsc_yamldoc_node *merge_list(opsc_arena *arena, opsc_yamldoc_node *base, const opsc_yamldoc_node *patch,
				     const char *key, uint32_t depth)
{
	opsc_array(opsc_yamldoc_node *) items = { 0 };
	for (uint32_t i = 0; i < base->sequence.len; i++)
		opsc_array_push(&items, base->sequence.items[i]);
	for (uint32_t p = 0; p < patch->sequence.len; p++) {
		const opsc_yamldoc_node *pi = patch->sequence.items[p];
		const char *want = item_key(pi, key);
		uint32_t b = 0;
		while (want && b < items.len && !(item_key(items.items[b], key) &&
						   strcmp(item_key(items.items[b], key), want) == 0))
			b++;
		if (want && b < items.len) {
			opsc_yamldoc_node *m = opsc_kn_merge(arena, items.items[b], pi, depth + 1);
			if (m)
				items.items[b] = m;
			else
				memmove(&items.items[b], &items.items[b + 1], (items.len-- - b - 1) * sizeof *items.items);
		} else if (!directive(pi) || strcmp(directive(pi), "delete") != 0) {
			opsc_array_push(&items, clean_copy(arena, pi));
		}
	}
	base->sequence.len = items.len;
	base->sequence.items = opsc_array_to_arena(arena, &items);
	return base;
}

static opsc_yamldoc_node *merge_value(opsc_arena *arena, const char *field, opsc_yamldoc_node *base,
				      const opsc_yamldoc_node *patch, uint32_t depth)
{
	if (base->kind == OPSC_YAMLDOC_MAPPING && patch->kind == OPSC_YAMLDOC_MAPPING)
		return opsc_kn_merge(arena, base, patch, depth + 1);
	const char *key = patch->kind == OPSC_YAMLDOC_SEQUENCE ? list_key(field, patch) : NULL;
	if (key && base->kind == OPSC_YAMLDOC_SEQUENCE)
		return merge_list(arena, base, patch, key, depth);
	return clean_copy(arena, patch);
}

opsc_yamldoc_node *opsc_kn_merge(opsc_arena *arena, opsc_yamldoc_node *base, const opsc_yamldoc_node *patch,
				 uint32_t depth)
{
	if (depth > OPSC_YAMLDOC_MAX_DEPTH || !patch || patch->kind != OPSC_YAMLDOC_MAPPING ||
	    base->kind != OPSC_YAMLDOC_MAPPING)
		return base;
	const char *d = directive(patch);
	if (d && strcmp(d, "delete") == 0)
		return NULL;
	if (d && strcmp(d, "replace") == 0)
		return clean_copy(arena, patch);
	for (uint32_t i = 0; i < patch->mapping.len; i++) {
		const char *k = opsc_yamldoc_str(patch->mapping.pairs[i].key);
		const opsc_yamldoc_node *v = patch->mapping.pairs[i].value;
		if (!k || k[0] == '$')
			continue;
		int at = key_index(base, k);
		if (opsc_yamldoc_is_null(v)) { /* `key: null` removes the key */
			opsc_kn_del(base, k);
			continue;
		}
		opsc_yamldoc_node *merged = at < 0 ? clean_copy(arena, v)
						   : merge_value(arena, k, base->mapping.pairs[at].value, v, depth);
		if (merged)
			opsc_kn_put(arena, base, k, merged);
		else
			opsc_kn_del(base, k);
	}
	return base;
}

/* --------------------------------------------------------------- JSON 6902 */

typedef opsc_array(const char *) segments;

/* "/spec/template/0/a~1b" -> spec, template, 0, a/b */
static bool split_pointer(opsc_arena *arena, const char *ptr, segments *out)
{
	if (!ptr || (ptr[0] && ptr[0] != '/'))
		return false;
	for (const char *p = ptr; *p == '/';) {
		const char *e = strchr(p + 1, '/');
		size_t n = e ? (size_t)(e - p - 1) : strlen(p + 1);
		char *seg = opsc_arena_alloc(arena, n + 1), *w = seg;
		for (size_t i = 0; i < n; i++) {
			char c = p[1 + i];
			if (c == '~' && i + 1 < n && (p[2 + i] == '0' || p[2 + i] == '1'))
				c = p[2 + i++] == '0' ? '~' : '/';
			*w++ = c;
		}
		opsc_array_push(out, seg);
		p = e ? e : p + 1 + n;
	}
	return true;
}

static bool seq_index(const opsc_yamldoc_node *seq, const char *seg, bool append, uint32_t *out)
{
	if (append && strcmp(seg, "-") == 0) {
		*out = seq->sequence.len;
		return true;
	}
	char *end;
	unsigned long i = strtoul(seg, &end, 10);
	if (!*seg || *end || i > seq->sequence.len - (append ? 0 : 1) || (!append && !seq->sequence.len))
		return false;
	*out = (uint32_t)i;
	return true;
}

static opsc_yamldoc_node *child_at(opsc_yamldoc_node *n, const char *seg)
{
	uint32_t i;
	if (n->kind == OPSC_YAMLDOC_MAPPING) {
		int k = key_index(n, seg);
		return k < 0 ? NULL : n->mapping.pairs[k].value;
	}
	if (n->kind == OPSC_YAMLDOC_SEQUENCE && seq_index(n, seg, false, &i))
		return n->sequence.items[i];
	return NULL;
}

typedef enum { OP_ADD, OP_REMOVE, OP_REPLACE } edit;

/* One edit at the last segment of `segs` under the parent they lead to. */
static const char *edit_at(opsc_arena *arena, opsc_yamldoc_node *parent, const char *last, edit op,
			   opsc_yamldoc_node *value)
{
	if (parent->kind == OPSC_YAMLDOC_MAPPING) {
		if (op != OP_ADD && key_index(parent, last) < 0)
			return "the path does not exist";
		if (op == OP_REMOVE)
			opsc_kn_del(parent, last);
		else
			opsc_kn_put(arena, parent, last, value);
		return NULL;
	}
	uint32_t i;
	if (parent->kind != OPSC_YAMLDOC_SEQUENCE || !seq_index(parent, last, op == OP_ADD, &i))
		return "the path does not exist";
	opsc_yamldoc_node **items = parent->sequence.items;
	uint32_t n = parent->sequence.len;
	if (op == OP_REPLACE) {
		items[i] = value;
		return NULL;
	}
	opsc_yamldoc_node **next = opsc_arena_alloc(arena, (n + 1) * sizeof *next);
	memcpy(next, items, i * sizeof *next);
	if (op == OP_ADD) {
		next[i] = value;
		memcpy(next + i + 1, items + i, (n - i) * sizeof *next);
	} else {
		memcpy(next + i, items + i + 1, (n - i - 1) * sizeof *next);
	}
	parent->sequence.items = next;
	parent->sequence.len = op == OP_ADD ? n + 1 : n - 1;
	return NULL;
}

static const char *apply_edit(opsc_arena *arena, opsc_yamldoc_node **doc, const char *ptr, edit op,
			      opsc_yamldoc_node *value)
{
	segments segs = { 0 };
	const char *err = NULL;
	if (!split_pointer(arena, ptr, &segs)) {
		err = "`path` is not a JSON pointer (it starts with /)";
		goto done;
	}
	if (!segs.len) { /* the whole document */
		if (op == OP_REMOVE)
			err = "the whole object cannot be removed";
		else if (!value || value->kind != OPSC_YAMLDOC_MAPPING)
			err = "the object must stay a mapping";
		else
			*doc = value;
		goto done;
	}
	opsc_yamldoc_node *parent = *doc;
	for (uint32_t i = 0; parent && i + 1 < segs.len; i++)
		parent = child_at(parent, segs.items[i]);
	err = parent ? edit_at(arena, parent, segs.items[segs.len - 1], op, value) : "the path does not exist";
done:
	opsc_array_free(&segs);
	return err;
}

static const opsc_yamldoc_node *lookup(opsc_arena *arena, opsc_yamldoc_node *doc, const char *ptr)
{
	segments segs = { 0 };
	opsc_yamldoc_node *n = split_pointer(arena, ptr, &segs) ? doc : NULL;
	for (uint32_t i = 0; n && i < segs.len; i++)
		n = child_at(n, segs.items[i]);
	opsc_array_free(&segs);
	return n;
}

static bool same_tree(const opsc_yamldoc_node *a, const opsc_yamldoc_node *b)
{
	if (!a || !b || a->kind != b->kind)
		return false;
	if (a->kind == OPSC_YAMLDOC_SCALAR)
		return a->scalar.len == b->scalar.len && memcmp(a->scalar.value, b->scalar.value, a->scalar.len) == 0;
	if (a->kind == OPSC_YAMLDOC_SEQUENCE) {
		if (a->sequence.len != b->sequence.len)
			return false;
		for (uint32_t i = 0; i < a->sequence.len; i++)
			if (!same_tree(a->sequence.items[i], b->sequence.items[i]))
				return false;
		return true;
	}
	if (a->mapping.len != b->mapping.len)
		return false;
	for (uint32_t i = 0; i < a->mapping.len; i++)
		if (!same_tree(a->mapping.pairs[i].value, opsc_yamldoc_get(b, opsc_yamldoc_str(a->mapping.pairs[i].key))))
			return false;
	return true;
}

static const char *one_op(opsc_arena *arena, opsc_yamldoc_node **doc, const opsc_yamldoc_node *op)
{
	const char *name = opsc_yamldoc_str(opsc_yamldoc_get(op, "op"));
	const char *path = opsc_yamldoc_str(opsc_yamldoc_get(op, "path"));
	const char *from = opsc_yamldoc_str(opsc_yamldoc_get(op, "from"));
	const opsc_yamldoc_node *value = opsc_yamldoc_get(op, "value");
	if (!name || !path)
		return "an operation needs `op` and `path`";
	if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0) {
		if (!value)
			return "this operation needs a `value`";
		return apply_edit(arena, doc, path, name[0] == 'a' ? OP_ADD : OP_REPLACE, opsc_kn_copy(arena, value, 0));
	}
	if (strcmp(name, "remove") == 0)
		return apply_edit(arena, doc, path, OP_REMOVE, NULL);
	if (strcmp(name, "test") == 0)
		return same_tree(lookup(arena, *doc, path), value) ? NULL : "the test does not hold";
	if (strcmp(name, "copy") == 0 || strcmp(name, "move") == 0) {
		const opsc_yamldoc_node *src = from ? lookup(arena, *doc, from) : NULL;
		if (!src)
			return "`from` does not exist";
		opsc_yamldoc_node *v = opsc_kn_copy(arena, src, 0);
		const char *err = name[0] == 'm' ? apply_edit(arena, doc, from, OP_REMOVE, NULL) : NULL;
		return err ? err : apply_edit(arena, doc, path, OP_ADD, v);
	}
	return "`op` must be add, remove, replace, move, copy or test";
}

const char *opsc_kn_json6902(opsc_arena *arena, opsc_yamldoc_node **doc, const opsc_yamldoc_node *ops,
			     const opsc_yamldoc_node **at)
{
	*at = ops;
	if (!ops || ops->kind != OPSC_YAMLDOC_SEQUENCE)
		return "a JSON 6902 patch is a list of operations";
	for (uint32_t i = 0; i < ops->sequence.len; i++) {
		const char *err = one_op(arena, doc, ops->sequence.items[i]);
		if (err) {
			*at = ops->sequence.items[i];
			return err;
		}
	}
	return NULL;
}
