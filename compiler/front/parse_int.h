/*
 * parse_int.h - internal to the parser: the CST-to-AST lowering (parse.c)
 * as called by the driver that parses files and chunks on threads
 * (parse_run.c).
 */
#ifndef OPSC_PARSE_INT_H
#define OPSC_PARSE_INT_H

#include "util.h"
#include "cst.h"
#include "parse.h"

typedef opsc_array(opsc_stmt) opsc_stmt_list;

/* Lowers the top-level statements under `root` (a source_file node of
 * `file`, whose text is `text`) into `out`, allocating from ctx's arena and
 * reporting into ctx's diagnostics; sets *incomplete when a statement was
 * left out for a syntax error. */
void opsc_parse_lower(opsc_ctx *ctx, const opsc_cst_names *names, uint32_t file, const char *text, TSNode root,
		      opsc_stmt_list *out, bool *incomplete);

#endif
