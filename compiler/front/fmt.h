/*
 * fmt.h - the canonical layout of .ops files.
 *
 * Works on tree-sitter's CST, so comments are kept where they were and no
 * meaning can change: strings and raw strings are copied byte for byte.
 * Formatting twice changes nothing.
 */
#ifndef OPSC_FMT_H
#define OPSC_FMT_H

#include <stddef.h>

#include "util.h"

typedef enum {
	OPSC_FMT_OK = 0,
	OPSC_FMT_SYNTAX_ERROR = 1, /* left untouched: the diagnostics say why */
} opsc_fmt_status;

/* Formats source `file` of ctx into a heap buffer (*out, caller frees with
 * opsc_free). Returns an opsc_fmt_status, or negative on internal failure. */
int opsc_fmt_format(char **out, size_t *out_len, opsc_ctx *ctx, uint32_t file);

#endif
