/*
 * lsp_int.h - internal to `opsc lsp`, the language server.
 *
 *   lsp.c          the loop: JSON-RPC over stdio (Content-Length framing),
 *                  one table from method to handler, lifecycle
 *   lsp_docs.c     open documents: text under incremental edits, and a
 *                  tree-sitter tree kept in step with ts_tree_edit
 *   lsp_diag.c     analyses: the front end of `opsc check` over each
 *                  project directory, open buffers standing in for the disk,
 *                  plus the built-in policies; diagnostics per file
 *   lsp_index.c    every definition and reference of an analysis
 *   lsp_nav.c      definition, references, rename, document symbols
 *   lsp_hover.c    hover: schema, value types and units, reference targets
 *   lsp_complete.c completion
 *   lsp_produce.c  formatting and "what does this produce" (emit in memory)
 *
 * Ownership: the server owns its documents and analyses; an analysis owns
 * its ctx (arena, sources, diagnostics), program, Model and index, and is
 * rebuilt whole when one of its files changes. JSON values follow jansson's
 * reference counting: handlers return a new reference (or NULL for `null`).
 */
#ifndef OPSC_LSP_INT_H
#define OPSC_LSP_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <tree_sitter/api.h>

#include "util.h"
#include "front.h"
#include "model.h"

/* LSP error codes used here. */
enum {
	LSP_PARSE_ERROR = -32700,
	LSP_INVALID_REQUEST = -32600,
	LSP_METHOD_NOT_FOUND = -32601,
	LSP_INVALID_PARAMS = -32602,
	LSP_SERVER_NOT_INITIALIZED = -32002,
	LSP_REQUEST_FAILED = -32803,
};

/* The URI scheme of the embedded standard library's read-only documents:
 * opsc-std:///std/alerts.ops */
#define LSP_STD_SCHEME "opsc-std://"

/* ----------------------------------------------------------- documents */

typedef struct {
	char *uri;
	char *path; /* absolute file path; NULL for other schemes */
	char *text; /* NUL-terminated */
	uint32_t len, cap;
	int64_t version;
	TSTree *tree; /* of `text`, kept in step by edits */
	bool readonly; /* a standard-library document */
} lsp_doc;

typedef struct {
	opsc_array(lsp_doc *) items;
	TSParser *parser;
	bool utf8; /* positions count bytes rather than UTF-16 units */
} lsp_docs;

void lsp_docs_init(lsp_docs *docs);
void lsp_docs_dispose(lsp_docs *docs);
lsp_doc *lsp_docs_open(lsp_docs *docs, const char *uri, const char *text, size_t len, int64_t version);
lsp_doc *lsp_docs_find(const lsp_docs *docs, const char *uri);
lsp_doc *lsp_docs_find_path(const lsp_docs *docs, const char *path);
void lsp_docs_close(lsp_docs *docs, const char *uri);
/* Applies one TextDocumentContentChangeEvent (a range edit, or the whole
 * text when it has no range) and re-parses incrementally. Returns 0 or
 * negative on a malformed change. */
int lsp_doc_change(lsp_docs *docs, lsp_doc *doc, json_t *change);

/* Positions: LSP counts UTF-16 code units per line; opsc counts bytes. */
uint32_t lsp_offset(const char *text, uint32_t len, uint32_t line, uint32_t character, bool utf8);
json_t *lsp_position(const char *text, uint32_t len, uint32_t offset, bool utf8);
json_t *lsp_range(const char *text, uint32_t len, uint32_t start, uint32_t end, bool utf8);

/* file:///a/b.ops <-> /a/b.ops (percent-decoding); heap strings. */
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

/* -------------------------------------------------------------- index */

typedef enum {
	LSP_SYM_ENV, /* env.NAME */
	LSP_SYM_ROLE, /* role.NAME */
	LSP_SYM_RECEIVER, /* receiver.NAME */
	LSP_SYM_STORE, /* store.NAME: a secret_store */
	LSP_SYM_TEMPLATE, /* use MODULE.NAME */
	LSP_SYM_PARAM, /* a template's parameter */
	LSP_SYM_MODULE, /* import "..." */
	LSP_SYM_KIND_COUNT
} lsp_sym_kind;

typedef struct {
	lsp_sym_kind kind;
	const char *name;
	opsc_span span; /* the name as written (inside quotes) */
	opsc_span whole; /* the block or statement that defines it */
	uint32_t owner; /* PARAM: its template's def; else UINT32_MAX */
	bool renamable; /* written literally, not interpolated, not in the stdlib */
} lsp_def;

typedef struct {
	uint32_t def; /* index into defs; UINT32_MAX when unresolved */
	opsc_span span; /* the name part of the reference */
} lsp_ref;

typedef struct {
	opsc_array(lsp_def) defs;
	opsc_array(lsp_ref) refs;
} lsp_index;

/* ----------------------------------------------------------- analyses */

typedef struct {
	char *dir; /* absolute project directory (the .ops files' directory) */
	opsc_ctx ctx;
	opsc_program program;
	opsc_model model;
	lsp_index index;
} lsp_analysis;

typedef struct lsp_server lsp_server;

struct lsp_server {
	FILE *in, *out;
	lsp_docs docs;
	opsc_array(lsp_analysis *) analyses;
	json_t *published; /* uri -> the diagnostics last published there */
	opsc_overlay overlay; /* open documents over the disk */
	opsc_ctx builtin_ctx; /* the built-in policies, compiled once */
	opsc_array(opsc_policy) builtin;
	bool initialized, shutdown, exited;
	bool utf8; /* the client agreed to UTF-8 positions */
};

/* Framing (lsp_io.c). Reads one message's body (heap, NUL-terminated):
 * its length, 0 at the end of input, negative on a malformed header. */
long lsp_read_message(FILE *in, char **out);
/* Sends a notification (steals `params`). */
void lsp_notify(lsp_server *s, const char *method, json_t *params);
/* Answers request `id` with `result` (stolen; NULL: null) or an error. */
void lsp_respond(lsp_server *s, json_t *id, json_t *result);
void lsp_respond_error(lsp_server *s, json_t *id, int code, const char *message);

/* Analyses (lsp_diag.c). Only .ops files join one; the server may be
 * attached to generated YAML too, for definition back to the .ops. */
bool lsp_is_ops(const char *path);
void lsp_diag_init(lsp_server *s);
void lsp_diag_dispose(lsp_server *s);
/* Re-analyses the project holding `path` (and every analysis that reads
 * it), then publishes the diagnostics of every file they touch. */
void lsp_diag_refresh(lsp_server *s, const char *path);
/* The analysis whose sources hold `path`, or NULL. *file gets its index. */
lsp_analysis *lsp_analysis_for(lsp_server *s, const char *path, uint32_t *file);
/* The path opsc uses for a URI (file path, or the stdlib's display path). */
char *lsp_uri_source_path(const char *uri);
/* The URI of a source of an analysis: the editor's for open documents,
 * opsc-std:///std/NAME.ops for the standard library. Heap string. */
char *lsp_source_uri(const lsp_server *s, const opsc_source *src);
json_t *lsp_span_location(const lsp_server *s, const opsc_sources *sources, opsc_span span);
json_t *lsp_span_range(const lsp_server *s, const opsc_sources *sources, opsc_span span);

/* Index (lsp_index.c). */
void lsp_index_build(lsp_index *ix, lsp_analysis *a);
void lsp_index_dispose(lsp_index *ix);
/* The def (or the def a ref names) at byte `off` of `file`; UINT32_MAX. */
uint32_t lsp_index_at(const lsp_index *ix, uint32_t file, uint32_t off, opsc_span *at);
const char *lsp_sym_kind_name(lsp_sym_kind k);

/* Where the cursor of a request is. */
typedef struct {
	lsp_analysis *a;
	uint32_t file;
	uint32_t off;
	const opsc_source *src;
} lsp_cursor;

/* Reads textDocument + position of `params`; false when unknown. */
bool lsp_cursor_get(lsp_server *s, json_t *params, lsp_cursor *out);

/* Request handlers: params borrowed, result a new reference. */
json_t *lsp_definition(lsp_server *s, json_t *params);
json_t *lsp_references(lsp_server *s, json_t *params);
json_t *lsp_rename(lsp_server *s, json_t *params);
json_t *lsp_prepare_rename(lsp_server *s, json_t *params);
json_t *lsp_symbols(lsp_server *s, json_t *params);
json_t *lsp_hover(lsp_server *s, json_t *params);
json_t *lsp_completion(lsp_server *s, json_t *params);
json_t *lsp_formatting(lsp_server *s, json_t *params);
json_t *lsp_code_action(lsp_server *s, json_t *params);
json_t *lsp_execute_command(lsp_server *s, json_t *params);
/* The Location of the .ops behind 0-based `line` of generated file `uri`. */
json_t *lsp_source_of(lsp_server *s, const char *uri, uint32_t line);

/* Where byte `off` of a file is: the innermost block whose braces hold it
 * (`when` of a route included), and the statement there. */
typedef struct {
	const char *type; /* the block's type; NULL at file level */
	const char *parent; /* the enclosing block's type; NULL at top level */
	const opsc_block *block; /* NULL at file level and for `when` */
	const opsc_stmt *stmt; /* the statement at `off` inside it, if any */
	const opsc_stmt *top; /* the top-level statement holding it */
} lsp_place;

void lsp_place_find(lsp_place *out, const opsc_body *file_body, uint32_t off);
bool lsp_span_has(opsc_span s, uint32_t off);
const opsc_module *lsp_module_of(const lsp_analysis *a, uint32_t file);

#endif
