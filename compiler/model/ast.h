/*
 * ast.h - the syntax tree of .ops files, lowered from tree-sitter's CST.
 *
 * The AST is untyped: blocks, attributes and expressions as written. Sema
 * checks it against the block schemas and builds the typed Model. Every node
 * keeps its span; everything lives in the compilation's arena.
 */
#ifndef OPSC_AST_H
#define OPSC_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

typedef struct opsc_expr opsc_expr;
typedef struct opsc_stmt opsc_stmt;
typedef struct opsc_block opsc_block;

typedef enum {
	OPSC_EXPR_STRING, /* "..." or `...`, maybe with ${} parts */
	OPSC_EXPR_NUMBER, /* 42, 3.5 */
	OPSC_EXPR_UNIT, /* 5m 7d 64Gi 500m: number + unit, meaning fixed by sema */
	OPSC_EXPR_PERCENT, /* 80% */
	OPSC_EXPR_PORT, /* 53/udp, 8000-8080/tcp */
	OPSC_EXPR_BOOL,
	OPSC_EXPR_NULL,
	OPSC_EXPR_IDENT, /* warning, get, all, e */
	OPSC_EXPR_MEMBER, /* object.member: env.production, e.protect.approvals */
	OPSC_EXPR_INDEX, /* object[index] */
	OPSC_EXPR_CALL, /* group("developers") */
	OPSC_EXPR_LIST,
	OPSC_EXPR_MAP,
	OPSC_EXPR_UNARY, /* ! - not */
	OPSC_EXPR_BINARY,
	OPSC_EXPR_QUANT, /* all/any/none/count(x in c where f : p) */
} opsc_expr_kind;

typedef enum {
	OPSC_OP_OR, OPSC_OP_AND, OPSC_OP_NOT,
	OPSC_OP_EQ, OPSC_OP_NE, OPSC_OP_LT, OPSC_OP_LE, OPSC_OP_GT, OPSC_OP_GE,
	OPSC_OP_MATCH, OPSC_OP_NMATCH, /* =~ !~ (PCRE2) */
	OPSC_OP_ADD, OPSC_OP_SUB, OPSC_OP_MUL, OPSC_OP_DIV,
	OPSC_OP_NEG,
} opsc_op;

typedef enum { OPSC_QUANT_ALL, OPSC_QUANT_ANY, OPSC_QUANT_NONE, OPSC_QUANT_COUNT } opsc_quant;

/* One piece of a string: literal text (expr == NULL) or an interpolation. */
typedef struct { /* ordered so that nothing is padded: 48 bytes, not 56 */
	const char *text; /* unescaped literal text, when expr == NULL */
	opsc_expr *expr;
	opsc_span span;
	uint32_t len;
} opsc_str_part;

typedef struct {
	const char *key; /* map keys: identifier or string */
	opsc_span key_span;
	opsc_expr *value;
} opsc_pair;

struct opsc_expr {
	opsc_expr_kind kind;
	opsc_span span;
	union {
		struct {
			opsc_str_part *parts;
			uint32_t nparts;
			/* The whole value when there is no interpolation, else NULL. */
			const char *value;
			uint32_t len;
			bool raw; /* backtick string */
		} str;
		struct {
			double value;
			const char *text; /* as written: "5m", "64Gi", "80%", "53/udp" */
			const char *unit; /* UNIT: "m", "Gi", "1h30m" keeps whole text */
		} num;
		struct {
			uint32_t from, to; /* to == from for a single port */
			const char *protocol; /* as written, lowercased by sema */
		} port;
		bool boolean;
		const char *ident;
		struct {
			opsc_expr *object;
			const char *name;
			opsc_span name_span;
		} member;
		struct {
			opsc_expr *object, *index;
		} index;
		struct {
			const char *name;
			opsc_span name_span;
			opsc_expr **args;
			uint32_t nargs;
		} call;
		struct {
			opsc_expr **items;
			uint32_t len;
		} list;
		struct {
			opsc_pair *pairs;
			uint32_t len;
		} map;
		struct {
			opsc_op op;
			opsc_expr *operand;
		} unary;
		struct {
			opsc_op op;
			opsc_span op_span;
			opsc_expr *left, *right;
		} binary;
		struct { /* the span next to the enum: no padding, 8 bytes off every expr */
			opsc_quant kind;
			opsc_span var_span;
			const char *var;
			opsc_expr *collection, *filter, *predicate; /* filter/predicate may be NULL */
		} quant;
	};
};

typedef enum { OPSC_LABEL_STRING, OPSC_LABEL_IDENT, OPSC_LABEL_REF } opsc_label_kind;

typedef struct {
	opsc_label_kind kind;
	const char *text; /* string value, identifier, or dotted path "role.app-developer" */
	opsc_expr *expr; /* the string (may interpolate) or reference expression */
	opsc_span span;
} opsc_label;

typedef enum {
	OPSC_STMT_ATTR,
	OPSC_STMT_BLOCK,
	OPSC_STMT_PARAM,
	OPSC_STMT_WHEN,
	OPSC_STMT_FOR,
	OPSC_STMT_REQUIRE,
	OPSC_STMT_DENY,
	OPSC_STMT_IMPORT, /* top level only */
} opsc_stmt_kind;

typedef struct {
	opsc_stmt *items;
	uint32_t len;
	opsc_span open, close; /* the braces; NO_SPAN at file level */
	/* A syntax error was inside: statements may be missing, so sema must
	 * not report "missing required attribute" for this body. */
	bool incomplete;
} opsc_body;

struct opsc_block {
	const char *type;
	opsc_span type_span;
	opsc_label *labels;
	uint32_t nlabels;
	opsc_body body;
};

struct opsc_stmt {
	opsc_stmt_kind kind;
	opsc_span span;
	union {
		struct {
			const char *name;
			opsc_span name_span;
			opsc_expr *value;
		} attr;
		opsc_block *block;
		struct {
			const char *name;
			opsc_span name_span;
			const char *type; /* NULL: inferred from the default */
			opsc_span type_span;
			opsc_expr *default_value; /* NULL: required */
		} param;
		struct {
			opsc_expr *condition;
			opsc_body body;
		} when;
		struct {
			const char *var;
			opsc_span var_span;
			opsc_expr *collection, *filter; /* filter may be NULL */
			opsc_body body;
		} loop;
		struct {
			opsc_expr *condition;
			opsc_expr *message; /* may be NULL */
		} check; /* REQUIRE and DENY */
		struct {
			const char *path;
			opsc_span path_span;
			const char *alias; /* NULL: the last path segment */
			opsc_span alias_span;
		} import;
	};
};

/* One parsed file: its top-level statements (imports, params, blocks). */
typedef struct {
	uint32_t file; /* index into opsc_sources */
	opsc_body body;
} opsc_ast_file;

#endif
