/*
 * promql_int.h - what the PromQL lexer, tables and parser share.
 */
#ifndef OPSC_PROMQL_INT_H
#define OPSC_PROMQL_INT_H

#include <stdarg.h>

#include "promql.h"

typedef enum {
	T_EOF,
	T_ERROR, /* the lexer failed; the message is in the parser's error */
	T_IDENT, /* a word without ':' that is no keyword */
	T_METRIC, /* a word with ':' */
	T_NUMBER,
	T_DURATION,
	T_STRING,
	T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET,
	T_COMMA, T_COLON, T_AT,
	T_EQL, T_NEQ, T_EQL_REGEX, T_NEQ_REGEX, /* matchers; T_EQL is also `=` */
	/* binary operators, in the order of the precedence table */
	T_ADD, T_SUB, T_MUL, T_DIV, T_MOD, T_POW, T_ATAN2,
	T_EQLC, T_NEQ_OP, T_LSS, T_LTE, T_GTR, T_GTE,
	T_AND, T_OR, T_UNLESS,
	/* aggregators */
	T_SUM, T_AVG, T_COUNT, T_MIN, T_MAX, T_GROUP, T_STDDEV, T_STDVAR,
	T_TOPK, T_BOTTOMK, T_QUANTILE, T_COUNT_VALUES,
	/* other keywords */
	T_BOOL, T_BY, T_WITHOUT, T_ON, T_IGNORING, T_GROUP_LEFT, T_GROUP_RIGHT, T_OFFSET, T_START, T_END,
	T_COUNT_KINDS
} tok_kind;

typedef struct {
	tok_kind kind;
	uint32_t start, end;
} tok;

typedef struct {
	const char *s;
	uint32_t len, pos;
	bool brace, bracket, colon; /* upstream's lexer states */
	int paren;
	opsc_promql_error *err;
	bool failed;
} lexer;

void promql_lex_init(lexer *l, const char *s, uint32_t len, opsc_promql_error *err);
tok promql_lex_next(lexer *l);
/* Records the first error only; later ones are consequences. */
void promql_fail(lexer *l, uint32_t start, uint32_t end, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *promql_tok_name(tok_kind k);

/* Numbers and durations as Go's strconv and prometheus/common read them:
 * false when promtool would refuse the literal. */
bool promql_number(const char *s, uint32_t n, double *out);
bool promql_duration(const char *s, uint32_t n, double *ms, const char **why);

/* functions.go: argument types, optional (variadic > 0) or repeated
 * (variadic < 0) trailing arguments, and the return type. */
typedef struct {
	const char *name;
	uint8_t nargs;
	int8_t variadic;
	opsc_promql_type args[5];
	opsc_promql_type ret;
} promql_func;

const promql_func *promql_func_find(const char *name, uint32_t n);

/* Checks a label matcher's regular expression (the unquoted string, n
 * bytes) against the RE2 syntax Prometheus compiles it with. Returns NULL
 * when fine, else a message (static or in buf). *matches_empty is whether
 * the anchored pattern matches "". */
const char *promql_regex_check(const char *re, uint32_t n, bool *matches_empty, char *buf, uint32_t cap);
/* Whether a string token the lexer accepted is "" (or '' or ``). */
bool promql_string_empty(const char *tok, uint32_t n);

#endif
