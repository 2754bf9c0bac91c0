/*
 * util.h - the interface of util/: what every stage uses and nothing of opsc's own: allocation and arenas, the growable
 * array, sources and spans, diagnostics, the compilation context, output escaping and
 * redaction, globs, bounded file reads, SHA-256, "did you mean", units and quantities,
 * located YAML trees, inline-suppression comments and the exit statuses.
 *
 * Other folders include this header only (docs/architecture.md).
 */
#ifndef OPSC_UTIL_H
#define OPSC_UTIL_H

#include "alloc.h"
#include "base64.h"
#include "array.h"
#include "ctx.h"
#include "diag.h"
#include "escape.h"
#include "glob.h"
#include "ignore.h"
#include "pair.h"
#include "readfile.h"
#include "sha256.h"
#include "source.h"
#include "status.h"
#include "strindex.h"
#include "suggest.h"
#include "units.h"
#include "yamldoc.h"

#endif
