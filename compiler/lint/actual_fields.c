/*
 * actual_fields.c - reading fields of a manifest into the actual Model:
 * located strings, lists and maps, invalid values, the environment of a
 * namespace. Every kind reader (actual.c, actual_kinds.c, actual_workloads.c)
 * uses these; the driver in actual.c calls the kind readers.
 */
#include "actual_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define NONE ((opsc_str){ NULL, OPSC_NO_SPAN })

/* ------------------------------------------------------------------ fields */

opsc_span opsc_actual_span(const opsc_actual *a, const opsc_yamldoc_node *n)
{
	if (!n)
		return OPSC_NO_SPAN;
	uint32_t end = n->offset;
	if (n->kind == OPSC_YAMLDOC_SCALAR && n->scalar.style == OPSC_YAMLDOC_PLAIN && !n->point)
		end += n->scalar.len;
	/* a node a kustomization grafted from a patch is in the patch's file */
	return opsc_source_span(&a->ctx->sources, n->origin ? n->origin - 1 : a->file, n->offset, end);
}

void opsc_actual_invalid(opsc_actual *a, const opsc_yamldoc_node *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = opsc_arena_vprintf(a->ctx->arena, fmt, ap);
	va_end(ap);
	opsc_diag_error(&a->ctx->diags, "invalid-manifest", opsc_actual_span(a, n), "%s", msg);
}

static opsc_str scalar_str(opsc_actual *a, const opsc_yamldoc_node *n, const char *what)
{
	if (!n || opsc_yamldoc_is_null(n))
		return NONE;
	if (n->kind != OPSC_YAMLDOC_SCALAR) {
		opsc_actual_invalid(a, n, "`%s` must be a string", what);
		return NONE;
	}
	return (opsc_str){ n->scalar.value, opsc_actual_span(a, n) };
}

opsc_str opsc_actual_str(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	return scalar_str(a, opsc_yamldoc_path(node, path), path);
}

const opsc_yamldoc_node *opsc_actual_seq(opsc_actual *a, const opsc_yamldoc_node *node,
					  const char *path)
{
	const opsc_yamldoc_node *n = opsc_yamldoc_path(node, path);
	if (!n || opsc_yamldoc_is_null(n))
		return NULL;
	if (n->kind != OPSC_YAMLDOC_SEQUENCE) {
		opsc_actual_invalid(a, n, "`%s` must be a list", path);
		return NULL;
	}
	return n;
}

opsc_strs opsc_actual_strs(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	const opsc_yamldoc_node *seq = opsc_actual_seq(a, node, path);
	opsc_strs out = { 0 };
	if (!seq || !seq->sequence.len)
		return out;
	out.items = opsc_arena_alloc(a->ctx->arena, seq->sequence.len * sizeof *out.items);
	for (uint32_t i = 0; i < seq->sequence.len; i++) {
		opsc_str s = scalar_str(a, seq->sequence.items[i], path);
		if (s.s)
			out.items[out.len++] = s;
	}
	return out;
}

opsc_kvs opsc_actual_kvs(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	const opsc_yamldoc_node *m = opsc_yamldoc_path(node, path);
	opsc_kvs out = { 0 };
	if (!m || opsc_yamldoc_is_null(m))
		return out;
	if (m->kind != OPSC_YAMLDOC_MAPPING) {
		opsc_actual_invalid(a, m, "`%s` must be a mapping", path);
		return out;
	}
	if (!m->mapping.len)
		return out;
	out.items = opsc_arena_alloc(a->ctx->arena, m->mapping.len * sizeof *out.items);
	for (uint32_t i = 0; i < m->mapping.len; i++) {
		opsc_kv kv = { scalar_str(a, m->mapping.pairs[i].key, path),
			       scalar_str(a, m->mapping.pairs[i].value, path) };
		if (kv.key.s) {
			if (!kv.value.s) /* `key:` is the empty string in a label map */
				kv.value = (opsc_str){ "", kv.key.span };
			out.items[out.len++] = kv;
		}
	}
	return out;
}

uint32_t opsc_actual_env(opsc_actual *a, opsc_str ns)
{
	for (uint32_t i = 0; i < a->envs.len; i++)
		if (strcmp(a->envs.items[i].namespace_.s, ns.s) == 0)
			return i;
	opsc_env e = { .span = ns.span, .name = ns, .namespace_ = ns };
	e.cluster = (opsc_str){ "", OPSC_NO_SPAN }; /* manifests do not say which cluster */
	e.production = strcmp(ns.s, "production") == 0;
	opsc_array_push(&a->envs, e);
	opsc_array_push(&a->has_manifest, false);
	return a->envs.len - 1;
}

actual_envs opsc_actual_doc_envs(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	actual_envs out = { 0 };
	opsc_str ns = opsc_actual_str(a, doc, "metadata.namespace");
	if (!ns.s)
		return out;
	out.idx = opsc_arena_alloc(a->ctx->arena, sizeof *out.idx);
	out.idx[0] = opsc_actual_env(a, ns);
	out.n = 1;
	return out;
}
