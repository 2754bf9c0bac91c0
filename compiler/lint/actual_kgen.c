/*
 * actual_kgen.c - the ConfigMaps and Secrets kustomize's configMapGenerator
 * and secretGenerator make, with the name hash kustomize appends (see
 * actual_kust.h; called by actual_kustomize.c after resources and
 * components, before the transformers).
 */
#include "actual_kust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------ generators */

/* Go's encoding/json string: what the name hash is computed over. */
static void json_str(opsc_sha256 *h, const char *s)
{
	opsc_sha256_update(h, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char buf[8];
		if (*p == '"' || *p == '\\')
			snprintf(buf, sizeof buf, "\\%c", *p);
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			snprintf(buf, sizeof buf, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			snprintf(buf, sizeof buf, "\\u%04x", *p);
		else
			snprintf(buf, sizeof buf, "%c", *p);
		opsc_sha256_update(h, buf, strlen(buf));
	}
	opsc_sha256_update(h, "\"", 1);
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const opsc_kv *)a)->key.s, ((const opsc_kv *)b)->key.s);
}

/* kustomize's name suffix (kubectl's hash): sha256 of {"data":...,
 * "kind":...,"name":""(,"type":...)}, ten hex digits with 0, 1, 3, a, e
 * made letters so it never reads as a number. The name is always empty:
 * kustomize's hasher looks the name up as one field called
 * "metadata/name", which no object has (api/hasher, kustomize 5). */
const char *opsc_kust_name_hash(opsc_arena *arena, const char *kind, opsc_kv *data, uint32_t n, const char *type)
{
	opsc_sha256 h;
	opsc_sha256_init(&h);
	if (n > 1) /* qsort wants a non-null array, and an empty generator has none */
		qsort(data, n, sizeof *data, cmp_kv);
	opsc_sha256_update(&h, "{\"data\":{", 9);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			opsc_sha256_update(&h, ",", 1);
		json_str(&h, data[i].key.s);
		opsc_sha256_update(&h, ":", 1);
		json_str(&h, data[i].value.s);
	}
	opsc_sha256_update(&h, "},\"kind\":", 9);
	json_str(&h, kind);
	opsc_sha256_update(&h, ",\"name\":", 8);
	json_str(&h, "");
	if (type) {
		opsc_sha256_update(&h, ",\"type\":", 8);
		json_str(&h, type);
	}
	opsc_sha256_update(&h, "}", 1);
	uint8_t d[32];
	opsc_sha256_final(&h, d);
	char *out = opsc_arena_alloc(arena, 11);
	for (int i = 0; i < 10; i++) {
		char c = "0123456789abcdef"[(d[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
		out[i] = c == '0' ? 'g' : c == '1' ? 'h' : c == '3' ? 'k' : c == 'a' ? 'm' : c == 'e' ? 't' : c;
	}
	return out;
}

static const char *b64_encode(opsc_arena *arena, const char *in)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in);
	char *out = opsc_arena_alloc(arena, (n + 2) / 3 * 4 + 1), *w = out;
	const unsigned char *p = (const unsigned char *)in;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		*w++ = alphabet[v >> 18 & 63];
		*w++ = alphabet[v >> 12 & 63];
		*w++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		*w++ = i + 2 < n ? alphabet[v & 63] : '=';
	}
	*w = '\0';
	return out;
}

/* The text of a `files` entry's file when it is one of the files read (a
 * YAML file of the tree), else NULL: other files are not read. */
static const char *file_text(kctx *k, uint32_t kust, const char *rel)
{
	const char *path = opsc_kust_join(k->arena, opsc_kust_dir(k->arena, k->files.items[kust].path), rel);
	int f = opsc_kust_find(k, path);
	const opsc_yamldoc_stream *s = f >= 0 ? &k->files.items[f].s : NULL;
	return s && s->text ? opsc_arena_strndup(k->arena, s->text, s->len) : NULL;
}

/* literals: ["key=value"]; files: ["[key=]path"], the file's text when it
 * is a YAML file of the tree, else its key with an unknown (empty) value;
 * envs name files outside what is read: no keys. */
static uint32_t gen_data(kctx *k, uint32_t kust, const opsc_yamldoc_node *e, opsc_kv **out)
{
	opsc_array(opsc_kv) kv = { 0 };
	const char *lists[] = { "literals", "files" };
	for (int l = 0; l < 2; l++) {
		const opsc_yamldoc_node *seq = opsc_yamldoc_get(e, lists[l]);
		for (uint32_t i = 0; seq && seq->kind == OPSC_YAMLDOC_SEQUENCE && i < seq->sequence.len; i++) {
			const char *s = opsc_yamldoc_str(seq->sequence.items[i]);
			const char *eq = s ? strchr(s, '=') : NULL;
			if (!s)
				continue;
			const char *base = strrchr(s, '/');
			const char *value = l == 0 ? (eq ? eq + 1 : "") : file_text(k, kust, eq ? eq + 1 : s);
			opsc_kv one = { { eq ? opsc_arena_strndup(k->arena, s, (size_t)(eq - s))
					     : l ? (base ? base + 1 : s) : s, OPSC_NO_SPAN },
					{ value ? value : "", OPSC_NO_SPAN } };
			opsc_array_push(&kv, one);
		}
	}
	uint32_t n = kv.len;
	*out = opsc_array_to_arena(k->arena, &kv);
	return n;
}

/* generatorOptions.<field> of the kustomization, then options.<field> of
 * the entry over it (labels, annotations), into metadata.<field>. */
static void gen_meta(kctx *k, opsc_yamldoc_node *meta, const opsc_yamldoc_node *kdoc, const opsc_yamldoc_node *e,
		     const char *field)
{
	const opsc_yamldoc_node *from[2] = { opsc_yamldoc_get(opsc_yamldoc_get(kdoc, "generatorOptions"), field),
					     opsc_yamldoc_get(opsc_yamldoc_get(e, "options"), field) };
	for (int i = 0; i < 2; i++)
		for (uint32_t p = 0; from[i] && from[i]->kind == OPSC_YAMLDOC_MAPPING && p < from[i]->mapping.len; p++) {
			const char *key = opsc_yamldoc_str(from[i]->mapping.pairs[p].key);
			const char *v = opsc_yamldoc_str(from[i]->mapping.pairs[p].value);
			if (key)
				opsc_kn_put(k->arena, opsc_kn_child(k->arena, meta, field), key,
					    opsc_kn_scalar(k->arena, v ? v : "", from[i]->mapping.pairs[p].value));
		}
}

/* A Secret's type: the entry's, else Opaque. */
static const char *gen_type(const opsc_yamldoc_node *e)
{
	const char *t = opsc_yamldoc_str(opsc_yamldoc_get(e, "type"));
	return t && *t ? t : "Opaque";
}

static opsc_yamldoc_node *gen_object(kctx *k, const opsc_yamldoc_node *kdoc, const opsc_yamldoc_node *e,
				     const char *kind, const char *name, opsc_kv *data, uint32_t n)
{
	opsc_yamldoc_node *doc = opsc_arena_alloc(k->arena, sizeof *doc);
	*doc = (opsc_yamldoc_node){ .kind = OPSC_YAMLDOC_MAPPING, .offset = e->offset, .line = e->line, .col = e->col,
				    .origin = e->origin };
	opsc_kn_put(k->arena, doc, "apiVersion", opsc_kn_scalar(k->arena, "v1", e));
	opsc_kn_put(k->arena, doc, "kind", opsc_kn_scalar(k->arena, kind, e));
	opsc_yamldoc_node *meta = opsc_kn_child(k->arena, doc, "metadata");
	opsc_kn_put(k->arena, meta, "name", opsc_kn_scalar(k->arena, name, opsc_yamldoc_get(e, "name")));
	const opsc_yamldoc_node *ns = opsc_yamldoc_get(e, "namespace");
	if (ns && opsc_yamldoc_str(ns))
		opsc_kn_put(k->arena, meta, "namespace", opsc_kn_scalar(k->arena, opsc_yamldoc_str(ns), ns));
	gen_meta(k, meta, kdoc, e, "labels");
	gen_meta(k, meta, kdoc, e, "annotations");
	const opsc_yamldoc_node *imm = opsc_yamldoc_get(opsc_yamldoc_get(e, "options"), "immutable");
	imm = imm ? imm : opsc_yamldoc_get(opsc_yamldoc_get(kdoc, "generatorOptions"), "immutable");
	if (imm && opsc_yamldoc_str(imm) && strcmp(opsc_yamldoc_str(imm), "true") == 0)
		opsc_kn_put(k->arena, doc, "immutable", opsc_kn_copy(k->arena, imm, 0));
	opsc_yamldoc_node *dm = opsc_kn_child(k->arena, doc, "data");
	bool secret = strcmp(kind, "Secret") == 0;
	for (uint32_t i = 0; i < n; i++)
		opsc_kn_put(k->arena, dm, data[i].key.s,
			    opsc_kn_scalar(k->arena, secret ? b64_encode(k->arena, data[i].value.s) : data[i].value.s, e));
	if (secret)
		opsc_kn_put(k->arena, doc, "type", opsc_kn_scalar(k->arena, gen_type(e), e));
	return doc;
}

static bool no_hash(const opsc_yamldoc_node *kdoc, const opsc_yamldoc_node *e)
{
	const char *own = opsc_yamldoc_str(opsc_yamldoc_path(e, "options.disableNameSuffixHash"));
	const char *all = opsc_yamldoc_str(opsc_yamldoc_path(kdoc, "generatorOptions.disableNameSuffixHash"));
	return own ? strcmp(own, "true") == 0 : all && strcmp(all, "true") == 0;
}

/* What each generator makes, by its index g: 0 configMapGenerator, 1 secretGenerator. */
static const char *const gen_kinds[] = { "ConfigMap", "Secret" };

/* The name suffix of a generated object holding `data` (NULL when the
 * kustomization turns hashes off); a Secret is hashed as it holds its data,
 * base64-encoded, with its type. */
static const char *gen_hash(kctx *k, const opsc_yamldoc_node *kdoc, const opsc_yamldoc_node *e, int g,
			    const opsc_kv *data, uint32_t n, const char *type)
{
	if (no_hash(kdoc, e))
		return NULL;
	opsc_kv *hashed = opsc_arena_alloc(k->arena, (n + 1) * sizeof *hashed);
	for (uint32_t d = 0; d < n; d++)
		hashed[d] = (opsc_kv){ data[d].key, { g == 1 ? b64_encode(k->arena, data[d].value.s) : data[d].value.s,
						      OPSC_NO_SPAN } };
	return opsc_kust_name_hash(k->arena, gen_kinds[g], hashed, n, g == 1 ? type : NULL);
}

/* ---------------------------------------------------- behavior: merge */

/* The generated object of `kind` an earlier generator named `name` (its
 * name as the generator wrote it: a base's namePrefix does not hide it). */
static int generated(const kobjs *objs, const char *kind, const char *name)
{
	for (uint32_t i = 0; i < objs->len; i++)
		if (objs->items[i].hash && strcmp(objs->items[i].kind, kind) == 0 &&
		    strcmp(objs->items[i].orig_name, name) == 0)
			return (int)i;
	return -1;
}

/* The data an object holds, a Secret's decoded, with `over` on top. */
static uint32_t merged_data(kctx *k, const opsc_yamldoc_node *doc, bool secret, const opsc_kv *over, uint32_t n,
			    opsc_kv **out)
{
	opsc_array(opsc_kv) kv = { 0 };
	const opsc_yamldoc_node *dm = opsc_yamldoc_get(doc, "data");
	for (uint32_t i = 0; dm && dm->kind == OPSC_YAMLDOC_MAPPING && i < dm->mapping.len; i++) {
		const char *key = opsc_yamldoc_str(dm->mapping.pairs[i].key);
		const char *v = opsc_yamldoc_str(dm->mapping.pairs[i].value);
		if (!key)
			continue;
		v = v ? v : "";
		if (secret) {
			size_t len = strlen(v);
			unsigned char *raw = opsc_arena_alloc(k->arena, len + 1);
			long got = opsc_base64_decode(v, len, raw, len);
			raw[got < 0 ? 0 : got] = '\0';
			v = (const char *)raw;
		}
		opsc_array_push(&kv, ((opsc_kv){ { key, OPSC_NO_SPAN }, { v, OPSC_NO_SPAN } }));
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = 0;
		while (j < kv.len && strcmp(kv.items[j].key.s, over[i].key.s) != 0)
			j++;
		if (j < kv.len)
			kv.items[j] = over[i];
		else
			opsc_array_push(&kv, over[i]);
	}
	uint32_t len = kv.len;
	*out = opsc_array_to_arena(k->arena, &kv);
	return len;
}

/* metadata.<field> of `from` that `to` does not set, copied into it. */
static void keep_meta(kctx *k, opsc_yamldoc_node *to, const opsc_yamldoc_node *from, const char *field)
{
	const opsc_yamldoc_node *m = opsc_yamldoc_get(opsc_yamldoc_get(from, "metadata"), field);
	opsc_yamldoc_node *meta = (opsc_yamldoc_node *)opsc_yamldoc_get(to, "metadata");
	for (uint32_t p = 0; m && meta && m->kind == OPSC_YAMLDOC_MAPPING && p < m->mapping.len; p++) {
		const char *key = opsc_yamldoc_str(m->mapping.pairs[p].key);
		if (key && !opsc_yamldoc_get(opsc_yamldoc_get(meta, field), key))
			opsc_kn_put(k->arena, opsc_kn_child(k->arena, meta, field), key,
				    opsc_kn_copy(k->arena, m->mapping.pairs[p].value, 0));
	}
}

/* `behavior: merge` or `replace`: the overlay's generator changes the
 * object a resource's generator made, as kustomize does: its data merged
 * (the overlay's keys over the base's) or replaced, the base's labels and
 * annotations under the overlay's, its name and namespace kept, and the
 * hash computed again over the result. */
static void regenerate(kctx *k, uint32_t kust, const opsc_yamldoc_node *kdoc, const opsc_yamldoc_node *e, int g,
		       const char *name, bool merge, opsc_kv *data, uint32_t n, kobjs *out)
{
	const char *const *kinds = gen_kinds;
	int t = generated(out, kinds[g], name);
	if (t < 0) {
		opsc_kust_error(k, kust, e, "behavior `%s` needs a %s `%s` generated by a resource of this kustomization",
				merge ? "merge" : "replace", kinds[g], name);
		return;
	}
	kobj *o = &out->items[t];
	if (merge)
		n = merged_data(k, o->doc, g == 1, data, n, &data);
	const char *cur = opsc_yamldoc_str(opsc_yamldoc_path(o->doc, "metadata.name"));
	opsc_yamldoc_node *doc = gen_object(k, kdoc, e, kinds[g], cur ? cur : name, data, n);
	const opsc_yamldoc_node *ns = opsc_yamldoc_path(o->doc, "metadata.namespace");
	if (ns && opsc_yamldoc_str(ns))
		opsc_kn_put(k->arena, opsc_kn_child(k->arena, doc, "metadata"), "namespace", opsc_kn_copy(k->arena, ns, 0));
	keep_meta(k, doc, o->doc, "labels");
	keep_meta(k, doc, o->doc, "annotations");
	const char *type = opsc_yamldoc_str(opsc_yamldoc_get(e, "type"));
	if (g == 1 && !(type && *type) && opsc_yamldoc_get(o->doc, "type"))
		opsc_kn_put(k->arena, doc, "type", opsc_kn_copy(k->arena, opsc_yamldoc_get(o->doc, "type"), 0));
	o->doc = doc;
	o->owned = true;
	o->hash = gen_hash(k, kdoc, e, g, data, n, opsc_yamldoc_str(opsc_yamldoc_get(doc, "type")));
	opsc_kust_changed(k, o, kust, opsc_source_span(&k->a->ctx->sources, k->files.items[kust].file, e->offset, e->offset),
			  KC_GENERATED);
}

void opsc_kust_generate(kctx *k, uint32_t kust, const opsc_yamldoc_node *kdoc, kobjs *out)
{
	const char *keys[] = { "configMapGenerator", "secretGenerator" }, *const *kinds = gen_kinds;
	for (int g = 0; g < 2; g++) {
		const opsc_yamldoc_node *list = opsc_yamldoc_get(kdoc, keys[g]);
		for (uint32_t i = 0; list && list->kind == OPSC_YAMLDOC_SEQUENCE && i < list->sequence.len; i++) {
			const opsc_yamldoc_node *e = list->sequence.items[i];
			const char *name = opsc_yamldoc_str(opsc_yamldoc_get(e, "name"));
			if (!name) {
				opsc_kust_error(k, kust, e, "a generator needs a `name`");
				continue;
			}
			opsc_kv *data = NULL;
			uint32_t n = gen_data(k, kust, e, &data);
			const char *behavior = opsc_yamldoc_str(opsc_yamldoc_get(e, "behavior"));
			if (behavior && (strcmp(behavior, "merge") == 0 || strcmp(behavior, "replace") == 0)) {
				regenerate(k, kust, kdoc, e, g, name, behavior[0] == 'm', data, n, out);
				continue;
			}
			const char *hash = gen_hash(k, kdoc, e, g, data, n, gen_type(e));
			opsc_yamldoc_node *doc = gen_object(k, kdoc, e, kinds[g], name, data, n);
			kobj o = { doc, kust, kinds[g], name, e->offset, e->offset + 1, true, NULL, hash };
			opsc_kust_changed(k, &o, kust, opsc_source_span(&k->a->ctx->sources, k->files.items[kust].file,
									e->offset, e->offset),
					  KC_GENERATED);
			opsc_array_push(out, o);
		}
	}
}
