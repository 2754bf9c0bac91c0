/*
 * cst.h - internal to the front end: tree-sitter node kinds and fields of
 * the .ops grammar as small enums, resolved once per language, so lowering
 * and the syntax-error reporter switch on integers rather than strings.
 */
#ifndef OPSC_CST_H
#define OPSC_CST_H

#include <tree_sitter/api.h>

#include "util.h"

/* X(kind, "grammar node name") - must match grammar/grammar.js */
#define OPSC_CST_KINDS(X)                                                                  \
	X(SOURCE_FILE, "source_file") X(IMPORT, "import") X(PARAM, "param")                \
	X(BLOCK, "block") X(BODY, "body") X(ATTRIBUTE, "attribute") X(WHEN, "when")         \
	X(FOR, "for") X(REQUIRE, "require") X(DENY, "deny") X(REFERENCE, "reference")       \
	X(INDEX, "index") X(CALL, "call") X(LIST, "list") X(MAP, "map") X(PAIR, "pair")     \
	X(PARENTHESIZED, "parenthesized") X(UNARY, "unary") X(BINARY, "binary")             \
	X(QUANTIFIER, "quantifier") X(STRING, "string") X(RAW_STRING, "raw_string")         \
	X(STRING_CONTENT, "string_content") X(ESCAPE_SEQUENCE, "escape_sequence")           \
	X(INTERPOLATION, "interpolation") X(NUMBER, "number") X(UNIT_NUMBER, "unit_number") \
	X(PERCENT, "percent") X(PORT, "port") X(BOOLEAN, "boolean") X(NULL_, "null")        \
	X(IDENTIFIER, "identifier") X(COMMENT, "comment")

typedef enum {
	OPSC_CST_OTHER = 0, /* punctuation, keywords, ERROR */
#define X(k, n) OPSC_CST_##k,
	OPSC_CST_KINDS(X)
#undef X
	OPSC_CST_KIND_COUNT
} opsc_cst_kind;

#define OPSC_CST_FIELDS(X)                                                                  \
	X(PATH, "path") X(ALIAS, "alias") X(NAME, "name") X(TYPE, "type")                   \
	X(DEFAULT, "default") X(LABEL, "label") X(BODY, "body") X(VALUE, "value")            \
	X(CONDITION, "condition") X(VARIABLE, "variable") X(COLLECTION, "collection")        \
	X(FILTER, "filter") X(MESSAGE, "message") X(OBJECT, "object") X(MEMBER, "member")    \
	X(INDEX, "index") X(FUNCTION, "function") X(KEY, "key") X(OPERATOR, "operator")      \
	X(OPERAND, "operand") X(LEFT, "left") X(RIGHT, "right") X(KIND, "kind")              \
	X(PREDICATE, "predicate")

typedef enum {
	OPSC_FIELD_NONE = 0,
#define X(k, n) OPSC_FIELD_##k,
	OPSC_CST_FIELDS(X)
#undef X
	OPSC_FIELD_COUNT
} opsc_cst_field;

typedef struct {
	const TSLanguage *lang;
	uint8_t *kind_of; /* TSSymbol -> opsc_cst_kind */
	uint32_t nsymbols;
	uint8_t *field_of; /* TSFieldId -> opsc_cst_field */
	uint32_t nfields;
	TSFieldId field_id[OPSC_FIELD_COUNT]; /* opsc_cst_field -> TSFieldId */
} opsc_cst_names;

void opsc_cst_names_init(opsc_cst_names *names, const TSLanguage *lang);
void opsc_cst_names_dispose(opsc_cst_names *names);

static inline opsc_cst_kind opsc_cst_kind_of(const opsc_cst_names *names, TSNode node)
{
	TSSymbol s = ts_node_symbol(node);
	return s < names->nsymbols ? (opsc_cst_kind)names->kind_of[s] : OPSC_CST_OTHER;
}

/* The span of a node of source `file`. */
opsc_span opsc_cst_span(const opsc_ctx *ctx, uint32_t file, TSNode node);

/* Reports ERROR and MISSING nodes of `root` as diagnostics in plain words. */
void opsc_syntax_report(opsc_ctx *ctx, uint32_t file, const opsc_cst_names *names, TSNode root);

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
uint32_t opsc_syntax_utf8_len(const unsigned char *s, uint32_t n);

/* Reports bytes that are not UTF-8 (each, up to a limit). */
void opsc_syntax_check_utf8(opsc_ctx *ctx, uint32_t file);

#endif
