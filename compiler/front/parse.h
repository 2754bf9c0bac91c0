/*
 * parse.h - tree-sitter CST to AST, with syntax errors as diagnostics.
 *
 * ERROR and MISSING nodes become located diagnostics in words a person
 * understands ("expected `}` to close the block opened at 12:3"); parsing
 * never stops at the first one. The AST lives in ctx's arena.
 */
#ifndef OPSC_PARSE_H
#define OPSC_PARSE_H

#include "model.h"
#include "util.h"

typedef struct TSLanguage TSLanguage;
const TSLanguage *tree_sitter_ops(void);

/* Nesting deeper than this is reported, not recursed into. */
#define OPSC_MAX_DEPTH 256

/* Parses and lowers source `file` of ctx. Returns 0 (syntax errors are
 * diagnostics) or a negative value on an internal failure. */
int opsc_parse(opsc_ast_file *out, opsc_ctx *ctx, uint32_t file);
/* Parses and lowers the `n` sources `files` of ctx into out[0..n), on as
 * many threads as there are cores when there is more than one file or one
 * large file. The result, diagnostics included, is the same as parsing
 * them one by one in order. ctx's sources must not change meanwhile. */
int opsc_parse_files(opsc_ast_file *out, opsc_ctx *ctx, const uint32_t *files, uint32_t n);

#endif
