/*
 * yamldoc.h - YAML files read into a small located node tree.
 *
 * The reader runs libyaml's event parser (not its document loader, which
 * keeps no positions and expands nothing safely) and builds, in an arena,
 * one tree per document of a stream. Every node keeps the byte offset,
 * line and column (1-based, columns in bytes as in opsc_span) where it
 * starts; scalars keep their style, so `true` and "true" stay apart.
 *
 * Problems in the input are data, never a crash: syntax errors (with
 * libyaml's own wording), duplicate keys, undefined aliases, alias
 * expansion beyond a bound (billion laughs), nesting deeper than 256,
 * files over the caller's size limit, bytes that are not UTF-8. They come
 * back as a list of located errors; the int return is for operational
 * failures only.
 *
 * Aliases are not copied: an alias becomes a second pointer to the
 * anchored node, so the tree is a DAG. The expansion bound is what makes
 * walking it as a tree safe: a walk visits at most
 * OPSC_YAMLDOC_MAX_EXPANSION nodes more than the file holds, and never
 * goes deeper than OPSC_YAMLDOC_MAX_DEPTH.
 *
 * Everything (nodes, strings, errors) lives in the arena passed in.
 */
#ifndef OPSC_YAMLDOC_H
#define OPSC_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alloc.h"

#define OPSC_YAMLDOC_MAX_DEPTH 256
/* Nodes reachable through aliases, summed over a stream. */
#define OPSC_YAMLDOC_MAX_EXPANSION 100000
/* A sensible size limit for manifests; callers pass their own. */
#define OPSC_YAMLDOC_DEFAULT_MAX_BYTES (10u * 1024 * 1024)

typedef enum {
	OPSC_YAMLDOC_SCALAR,
	OPSC_YAMLDOC_MAPPING,
	OPSC_YAMLDOC_SEQUENCE,
} opsc_yamldoc_kind;

typedef enum {
	OPSC_YAMLDOC_PLAIN,
	OPSC_YAMLDOC_SINGLE_QUOTED,
	OPSC_YAMLDOC_DOUBLE_QUOTED,
	OPSC_YAMLDOC_LITERAL, /* | */
	OPSC_YAMLDOC_FOLDED, /* > */
} opsc_yamldoc_style;

typedef struct opsc_yamldoc_node opsc_yamldoc_node;

typedef struct {
	opsc_yamldoc_node *key, *value;
} opsc_yamldoc_pair;

struct opsc_yamldoc_node {
	opsc_yamldoc_kind kind;
	uint32_t offset; /* byte offset of the node's first character */
	uint32_t line, col; /* 1-based; col counts bytes */
	const char *tag; /* explicit tag as resolved by libyaml ("tag:yaml.org,2002:str"), or NULL */
	/* 0 from the parser: the node is in the stream's own text. A renderer
	 * that grafts nodes of one stream into another's tree (a kustomize
	 * patch) sets 1 + the index of the source they are in. */
	uint32_t origin;
	/* Set by such a renderer on a node it placed where it did not stand (a
	 * value it substituted, a patch parsed from a string): its span is a
	 * point, not the length of a text that is not there. */
	bool point;
	union {
		struct {
			const char *value; /* NUL-terminated; may hold NULs before len */
			uint32_t len;
			opsc_yamldoc_style style;
		} scalar;
		struct {
			opsc_yamldoc_pair *pairs; /* in file order, duplicates kept */
			uint32_t len;
		} mapping;
		struct {
			opsc_yamldoc_node **items;
			uint32_t len;
		} sequence;
	};
};

typedef struct {
	uint32_t offset, line, col; /* as in a node */
	const char *message;
} opsc_yamldoc_error;

typedef struct {
	const char *path; /* as given */
	const char *text; /* the bytes parsed (NULL when over the size limit) */
	size_t len;
	/* One root per document. After a fatal error (syntax, limits) only the
	 * documents completed before it are here. */
	opsc_yamldoc_node **docs;
	uint32_t ndocs;
	opsc_yamldoc_error *errors; /* sorted by offset */
	uint32_t nerrors;
} opsc_yamldoc_stream;

/*
 * Parses `len` bytes of `text` (which need not be NUL-terminated; the stream
 * keeps a pointer to it, not a copy). Input over `max_len` bytes is not
 * looked at: the stream gets one error. Returns 0, or -ENOMEM when libyaml
 * cannot start.
 */
int opsc_yamldoc_parse(opsc_yamldoc_stream *out, opsc_arena *arena, const char *path,
		       const char *text, size_t len, size_t max_len);

/*
 * Reads `path` (at most max_len + 1 bytes of it: a larger file is refused
 * from its size, before reading) into the arena and parses it. Returns 0
 * (problems with the content are errors in *out) or -errno when the file
 * cannot be opened or read.
 */
int opsc_yamldoc_read_file(opsc_yamldoc_stream *out, opsc_arena *arena, const char *path,
			   size_t max_len);

/* The value of `key` in a mapping (the first, if repeated); NULL when `map`
 * is not a mapping or has no such scalar key. Accepts NULL. */
const opsc_yamldoc_node *opsc_yamldoc_get(const opsc_yamldoc_node *map, const char *key);

/* Follows a dot-separated path ("metadata.name", "spec.rules.0.verbs"):
 * names index mappings, decimal numbers index sequences. Keys that contain
 * dots need opsc_yamldoc_get. NULL when any step is missing. */
const opsc_yamldoc_node *opsc_yamldoc_path(const opsc_yamldoc_node *node, const char *path);

/* A scalar's text; NULL for a mapping, a sequence or NULL. */
const char *opsc_yamldoc_str(const opsc_yamldoc_node *node);

/* A plain scalar spelling null ("", "~", "null", "Null", "NULL"). */
bool opsc_yamldoc_is_null(const opsc_yamldoc_node *node);

/* Writes a tree as block YAML, ending with a newline (no "---"): a plain
 * scalar stays plain where it reads back the same, every other scalar is
 * double-quoted, so the types a reader resolves are those of the input
 * (yamldoc_write.c). */
void opsc_yamldoc_write(FILE *out, const opsc_yamldoc_node *doc);

#endif
