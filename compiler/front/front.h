/*
 * front.h - the interface of front/: .ops text to the typed Model: load (files, imports, the embedded
 * stdlib) -> parse (tree-sitter CST lowered to the AST) -> sema (schemas, types,
 * references, limits, PromQL) -> Model; opsc_compile runs it all; the formatter
 * works on the same CST.
 *
 * Other folders include this header only (docs/architecture.md).
 */
#ifndef OPSC_FRONT_H
#define OPSC_FRONT_H

#include "compile.h"
#include "cst.h"
#include "embed.h"
#include "fmt.h"
#include "load.h"
#include "parse.h"
#include "schema.h"
#include "sema.h"
#include "sema_gotmpl.h"
#include "sema_slo.h"

#endif
