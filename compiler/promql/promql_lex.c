/*
 * promql_lex.c - PromQL tokens, as upstream's lex.go (v2.42.0) splits them.
 *
 * The lexer has upstream's states: inside `{ }` only label names, strings,
 * matcher operators and commas; inside `[ ]` a duration first, then `:`.
 * Keywords are case-insensitive; function names are not (the parser looks
 * them up exactly).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promql_int.h"

static const struct {
	const char *word;
	tok_kind kind;
} keywords[] = {
	{ "and", T_AND }, { "or", T_OR }, { "unless", T_UNLESS }, { "atan2", T_ATAN2 },
	{ "sum", T_SUM }, { "avg", T_AVG }, { "count", T_COUNT }, { "min", T_MIN },
	{ "max", T_MAX }, { "group", T_GROUP }, { "stddev", T_STDDEV }, { "stdvar", T_STDVAR },
	{ "topk", T_TOPK }, { "bottomk", T_BOTTOMK }, { "quantile", T_QUANTILE },
	{ "count_values", T_COUNT_VALUES }, { "bool", T_BOOL }, { "by", T_BY },
	{ "without", T_WITHOUT }, { "on", T_ON }, { "ignoring", T_IGNORING },
	{ "group_left", T_GROUP_LEFT }, { "group_right", T_GROUP_RIGHT },
	{ "offset", T_OFFSET }, { "start", T_START }, { "end", T_END },
	{ "inf", T_NUMBER }, { "nan", T_NUMBER },
};

static const char *const tok_names[T_COUNT_KINDS] = {
	[T_EOF] = "end of input", [T_ERROR] = "error", [T_IDENT] = "identifier",
	[T_METRIC] = "metric name", [T_NUMBER] = "number", [T_DURATION] = "duration",
	[T_STRING] = "string", [T_LPAREN] = "`(`", [T_RPAREN] = "`)`", [T_LBRACE] = "`{`",
	[T_RBRACE] = "`}`", [T_LBRACKET] = "`[`", [T_RBRACKET] = "`]`", [T_COMMA] = "`,`",
	[T_COLON] = "`:`", [T_AT] = "`@`", [T_EQL] = "`=`", [T_NEQ] = "`!=`",
	[T_EQL_REGEX] = "`=~`", [T_NEQ_REGEX] = "`!~`", [T_ADD] = "`+`", [T_SUB] = "`-`",
	[T_MUL] = "`*`", [T_DIV] = "`/`", [T_MOD] = "`%`", [T_POW] = "`^`", [T_ATAN2] = "`atan2`",
	[T_EQLC] = "`==`", [T_NEQ_OP] = "`!=`", [T_LSS] = "`<`", [T_LTE] = "`<=`", [T_GTR] = "`>`",
	[T_GTE] = "`>=`", [T_AND] = "`and`", [T_OR] = "`or`", [T_UNLESS] = "`unless`",
	[T_SUM] = "`sum`", [T_AVG] = "`avg`", [T_COUNT] = "`count`", [T_MIN] = "`min`",
	[T_MAX] = "`max`", [T_GROUP] = "`group`", [T_STDDEV] = "`stddev`", [T_STDVAR] = "`stdvar`",
	[T_TOPK] = "`topk`", [T_BOTTOMK] = "`bottomk`", [T_QUANTILE] = "`quantile`",
	[T_COUNT_VALUES] = "`count_values`", [T_BOOL] = "`bool`", [T_BY] = "`by`",
	[T_WITHOUT] = "`without`", [T_ON] = "`on`", [T_IGNORING] = "`ignoring`",
	[T_GROUP_LEFT] = "`group_left`", [T_GROUP_RIGHT] = "`group_right`", [T_OFFSET] = "`offset`",
	[T_START] = "`start`", [T_END] = "`end`",
};

const char *promql_tok_name(tok_kind k)
{
	return k < T_COUNT_KINDS && tok_names[k] ? tok_names[k] : "token";
}

void promql_lex_init(lexer *l, const char *s, uint32_t len, opsc_promql_error *err)
{
	*l = (lexer){ .s = s, .len = len, .err = err };
}

void promql_fail(lexer *l, uint32_t start, uint32_t end, const char *fmt, ...)
{
	if (l->failed)
		return;
	l->failed = true;
	l->err->start = start;
	l->err->end = end > start ? end : start + (start < l->len);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->err->message, sizeof l->err->message, fmt, ap);
	va_end(ap);
}

static int peek(const lexer *l)
{
	return l->pos < l->len ? (unsigned char)l->s[l->pos] : -1;
}

static bool accept(lexer *l, const char *set)
{
	int c = peek(l);
	if (c > 0 && strchr(set, c)) {
		l->pos++;
		return true;
	}
	return false;
}

static bool is_alpha(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static tok make(lexer *l, tok_kind k, uint32_t start)
{
	return (tok){ k, start, l->pos };
}

static tok fail_tok(lexer *l, uint32_t start, const char *msg)
{
	promql_fail(l, start, l->pos, "%s", msg);
	return make(l, T_ERROR, start);
}

/* scanNumber: decimal, hex or float digits not followed by a letter. */
static bool scan_number(lexer *l)
{
	const char *digits = "0123456789";
	if (accept(l, "0") && accept(l, "xX"))
		digits = "0123456789abcdefABCDEF";
	while (accept(l, digits))
		;
	if (accept(l, "."))
		while (accept(l, digits))
			;
	if (accept(l, "eE")) {
		accept(l, "+-");
		while (accept(l, "0123456789"))
			;
	}
	return !is_alnum(peek(l));
}

/* acceptRemainingDuration: unit, then more number-unit pairs. */
static bool scan_duration_rest(lexer *l)
{
	if (!accept(l, "smhdwy"))
		return false;
	accept(l, "s");
	while (accept(l, "0123456789")) {
		while (accept(l, "0123456789"))
			;
		if (!accept(l, "smhdw"))
			return false;
		accept(l, "s");
	}
	return !is_alnum(peek(l));
}

static tok lex_number_or_duration(lexer *l, uint32_t start)
{
	if (scan_number(l))
		return make(l, T_NUMBER, start);
	if (scan_duration_rest(l))
		return make(l, T_DURATION, start);
	while (is_alnum(peek(l)))
		l->pos++;
	return fail_tok(l, start, "bad number or duration syntax");
}

/* In `[`: a duration and nothing else first. */
static tok lex_bracket_duration(lexer *l, uint32_t start)
{
	if (scan_number(l))
		return fail_tok(l, start, "missing unit in duration: expected a duration like 5m");
	if (!scan_duration_rest(l)) {
		while (is_alnum(peek(l)))
			l->pos++;
		return fail_tok(l, start, "bad duration syntax: expected a duration like 5m or 1h30m");
	}
	return make(l, T_DURATION, start);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

/* lexEscape: Go's escapes, the string's own quote, and nothing else. */
static bool lex_escape(lexer *l, int quote)
{
	uint32_t at = l->pos - 1;
	int c = peek(l), n = 0;
	unsigned base = 16, max = 0x10FFFF, x = 0;
	if (c < 0) {
		promql_fail(l, at, l->pos, "escape sequence not terminated");
		return false;
	}
	l->pos++;
	if ((c && strchr("abfnrtv\\", c)) || c == quote) /* strchr finds the NUL too */
		return true;
	if (c >= '0' && c <= '7') {
		n = 2, base = 8, max = 255, x = (unsigned)(c - '0');
	} else if (c == 'x' || c == 'u' || c == 'U') {
		n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		max = c == 'x' ? 255 : 0x10FFFF;
	} else {
		if (c < 0x20 || c == 0x7f)
			promql_fail(l, at, l->pos, "unknown escape sequence: `\\` before U+%04X", (unsigned)c);
		else
			promql_fail(l, at, l->pos, "unknown escape sequence `\\%c`", c);
		return false;
	}
	for (; n > 0; n--) {
		if (peek(l) < 0) { /* the text ends inside the escape */
			promql_fail(l, at, l->pos, "escape sequence not terminated");
			return false;
		}
		int d = hexval(peek(l));
		if ((unsigned)d >= base) {
			promql_fail(l, at, l->pos + 1, "illegal character in escape sequence");
			return false;
		}
		x = x * base + (unsigned)d;
		l->pos++;
	}
	if (x > max || (x >= 0xD800 && x < 0xE000)) {
		promql_fail(l, at, l->pos, "escape sequence is an invalid Unicode code point");
		return false;
	}
	return true;
}

static tok lex_string(lexer *l, uint32_t start, int quote)
{
	for (;;) {
		int c = peek(l);
		if (c < 0 || (quote != '`' && c == '\n'))
			return fail_tok(l, start, quote == '`' ? "unterminated raw string" : "unterminated quoted string");
		l->pos++;
		if (c == quote)
			return make(l, T_STRING, start);
		if (c == '\\' && quote != '`' && !lex_escape(l, quote))
			return make(l, T_ERROR, start);
	}
}

static tok lex_word(lexer *l, uint32_t start, bool colon_ok)
{
	while (is_alnum(peek(l)) || (colon_ok && peek(l) == ':'))
		l->pos++;
	uint32_t n = l->pos - start;
	if (!colon_ok)
		return make(l, T_IDENT, start);
	for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
		if (strlen(keywords[i].word) == n && strncasecmp(keywords[i].word, l->s + start, n) == 0)
			return make(l, keywords[i].kind, start);
	return make(l, memchr(l->s + start, ':', n) ? T_METRIC : T_IDENT, start);
}

static void skip_space_and_comments(lexer *l)
{
	for (;;) {
		int c = peek(l);
		if (is_space(c)) {
			l->pos++;
		} else if (c == '#') {
			while (peek(l) >= 0 && peek(l) != '\n')
				l->pos++;
		} else {
			return;
		}
	}
}

static tok lex_in_braces(lexer *l, uint32_t start, int c)
{
	l->pos++;
	switch (c) {
	case ',': return make(l, T_COMMA, start);
	case '"': case '\'': case '`': return lex_string(l, start, c);
	case '}': l->brace = false; return make(l, T_RBRACE, start);
	case '=': return make(l, accept(l, "~") ? T_EQL_REGEX : T_EQL, start);
	case '!':
		if (accept(l, "~"))
			return make(l, T_NEQ_REGEX, start);
		if (accept(l, "="))
			return make(l, T_NEQ, start);
		return fail_tok(l, start, "unexpected character after `!` inside braces: expected `!=` or `!~`");
	default:
		if (is_alpha(c))
			return lex_word(l, start, false);
		return fail_tok(l, start, "unexpected character inside braces: expected a label matcher like job=\"api\"");
	}
}

typedef struct {
	char c;
	tok_kind one, two; /* `c` alone, `c` followed by `=` */
} op_spelling;

static const op_spelling ops[] = {
	{ ',', T_COMMA, T_COMMA }, { '*', T_MUL, T_MUL }, { '/', T_DIV, T_DIV }, { '%', T_MOD, T_MOD },
	{ '+', T_ADD, T_ADD }, { '-', T_SUB, T_SUB }, { '^', T_POW, T_POW }, { '@', T_AT, T_AT },
	{ '=', T_EQL, T_EQLC }, { '<', T_LSS, T_LTE }, { '>', T_GTR, T_GTE },
};

static tok lex_operator(lexer *l, uint32_t start, int c)
{
	l->pos++;
	if (c == '!') {
		if (accept(l, "="))
			return make(l, T_NEQ_OP, start);
		return fail_tok(l, start, "unexpected character after `!`: expected `!=`");
	}
	if (c == '=' && peek(l) == '~')
		return fail_tok(l, start, "`=~` is only allowed inside a selector's braces");
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
		if (ops[i].c == c)
			return make(l, ops[i].one != ops[i].two && accept(l, "=") ? ops[i].two : ops[i].one, start);
	return fail_tok(l, start, "unexpected character");
}

static tok lex_bracket_or_paren(lexer *l, uint32_t start, int c)
{
	l->pos++;
	switch (c) {
	case '(': l->paren++; return make(l, T_LPAREN, start);
	case ')':
		if (--l->paren < 0)
			return fail_tok(l, start, "unexpected `)`: no `(` to close");
		return make(l, T_RPAREN, start);
	case '{': l->brace = true; return make(l, T_LBRACE, start);
	case '}': return fail_tok(l, start, "unexpected `}`: no `{` to close");
	case '[':
		if (l->bracket)
			return fail_tok(l, start, "unexpected `[` inside `[ ]`");
		l->bracket = true;
		l->colon = false;
		return make(l, T_LBRACKET, start);
	default: /* ']' */
		if (!l->bracket)
			return fail_tok(l, start, "unexpected `]`: no `[` to close");
		l->bracket = false;
		return make(l, T_RBRACKET, start);
	}
}

tok promql_lex_next(lexer *l)
{
	if (l->failed)
		return make(l, T_ERROR, l->pos);
	bool after_lbracket = l->bracket && l->pos > 0 && l->s[l->pos - 1] == '[';
	skip_space_and_comments(l);
	uint32_t start = l->pos;
	int c = peek(l);
	if (c < 0) {
		if (l->brace)
			return fail_tok(l, start, "unexpected end of input inside braces: expected `}`");
		if (l->paren > 0)
			return fail_tok(l, start, "unclosed `(`: expected `)`");
		if (l->bracket)
			return fail_tok(l, start, "unclosed `[`: expected `]`");
		return make(l, T_EOF, start);
	}
	if (l->brace)
		return lex_in_braces(l, start, c);
	if (after_lbracket)
		return lex_bracket_duration(l, start);
	if ((c >= '0' && c <= '9') || (c == '.' && l->pos + 1 < l->len && isdigit((unsigned char)l->s[l->pos + 1])))
		return lex_number_or_duration(l, start);
	if (c == '"' || c == '\'' || c == '`') {
		l->pos++;
		return lex_string(l, start, c);
	}
	if (strchr("(){}[]", c))
		return lex_bracket_or_paren(l, start, c);
	if (l->bracket && c == ':') {
		l->pos++;
		if (l->colon)
			return fail_tok(l, start, "unexpected second `:` in a subquery");
		l->colon = true;
		return make(l, T_COLON, start);
	}
	if (l->bracket)
		return fail_tok(l, start, "unexpected character inside `[ ]`: expected a duration, `:` or `]`");
	if (is_alpha(c) || c == ':')
		return lex_word(l, start, true);
	return lex_operator(l, start, c);
}

/* ------------------------------------------------------------ literals */

/* Go's strconv.ParseInt(s, 0, 64), then ParseFloat: hex must fit in an
 * int64, a decimal float must not overflow, "1e" and "0x" are refused. */
bool promql_number(const char *s, uint32_t n, double *out)
{
	char buf[128];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (strcasecmp(buf, "inf") == 0 || strcasecmp(buf, "nan") == 0) {
		*out = tolower((unsigned char)buf[0]) == 'i' ? INFINITY : NAN;
		return true;
	}
	char *end;
	errno = 0;
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		unsigned long long v = strtoull(buf + 2, &end, 16);
		*out = (double)v;
		return *end == 0 && errno == 0 && v <= 0x7FFFFFFFFFFFFFFFull;
	}
	bool digit = false;
	for (uint32_t i = 0; i < n && buf[i] != 'e' && buf[i] != 'E'; i++)
		digit |= isdigit((unsigned char)buf[i]) != 0;
	const char *e = strpbrk(buf, "eE");
	if (!digit || (e && !isdigit((unsigned char)e[1 + (e[1] == '+' || e[1] == '-')])) || strpbrk(buf, "xX"))
		return false;
	*out = strtod(buf, &end);
	return *end == 0 && !isinf(*out);
}

/* prometheus/common's ParseDuration: units y w d h m s ms, each at most
 * once, largest first, whole numbers; the total under 2^63 ns; and, as the
 * PromQL parser adds, greater than zero. */
bool promql_duration(const char *s, uint32_t n, double *ms, const char **why)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "y", 31536e6 }, { "w", 6048e5 }, { "d", 864e5 }, { "h", 36e5 },
		      { "m", 6e4 }, { "s", 1e3 }, { "ms", 1 } };
	uint32_t i = 0;
	size_t next = 0;
	double total = 0;
	*why = "not a valid duration: use whole numbers with units y, w, d, h, m, s, ms, largest first";
	while (i < n) {
		double v = 0;
		uint32_t d0 = i;
		while (i < n && isdigit((unsigned char)s[i]))
			v = v * 10 + (s[i++] - '0');
		uint32_t u0 = i;
		while (i < n && isalpha((unsigned char)s[i]))
			i++;
		size_t k = next;
		while (k < sizeof units / sizeof *units &&
		       (strlen(units[k].unit) != i - u0 || strncmp(units[k].unit, s + u0, i - u0) != 0))
			k++;
		if (u0 == d0 || k == sizeof units / sizeof *units)
			return false;
		next = k + 1;
		total += v * units[k].ms;
	}
	*ms = total;
	if (total * 1e6 >= 9223372036854775807.0) {
		*why = "duration out of range";
		return false;
	}
	if (total == 0) {
		*why = "duration must be greater than 0";
		return false;
	}
	return true;
}
