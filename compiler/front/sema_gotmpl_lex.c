/*
 * sema_gotmpl_lex.c - the Go template lexer, state for state after
 * text/template/parse/lex.go (Go 1.19), and the literal checks the parser
 * makes with strconv.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sema_gotmpl_int.h"

typedef struct {
	const char *s;
	uint32_t len, pos, start;
	uint32_t action; /* start of the current {{ */
	uint32_t parens[OPSC_GOTMPL_MAX_DEPTH]; /* open ( positions */
	uint32_t nparens;
	gtok_list *out;
	opsc_gotmpl_error *err;
	bool failed;
} lexer;

void gotmpl_fail(opsc_gotmpl_error *err, uint32_t start, uint32_t end, const char *fmt, ...)
{
	if (err->message[0])
		return;
	err->start = start;
	err->end = end > start ? end : start + 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

static int peek(const lexer *l, uint32_t at)
{
	return at < l->len ? (unsigned char)l->s[at] : -1;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* unicode.IsLetter or IsDigit or `_`: bytes of a UTF-8 sequence count as
 * letters (the .ops source is valid UTF-8). */
static bool is_alnum(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool starts(const lexer *l, uint32_t at, const char *lit)
{
	size_t n = strlen(lit);
	return at + n <= l->len && memcmp(l->s + at, lit, n) == 0;
}

/* The first `lit` (two bytes) at or after `at`, or UINT32_MAX. */
static uint32_t find(const lexer *l, uint32_t at, const char *lit)
{
	for (uint32_t i = at; i + 1 < l->len; i++)
		if (l->s[i] == lit[0] && l->s[i + 1] == lit[1])
			return i;
	return UINT32_MAX;
}

static void emit(lexer *l, gtok_kind k)
{
	gtok t = { k, l->start, l->pos, l->action };
	opsc_array_push(l->out, t);
	l->start = l->pos;
}

__attribute__((format(printf, 4, 5))) static void fail(lexer *l, uint32_t start, uint32_t end, const char *fmt, ...)
{
	char msg[sizeof l->err->message];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gotmpl_fail(l->err, start, end, "%s", msg);
	gtok t = { G_ERROR, start, end, l->action };
	opsc_array_push(l->out, t);
	l->failed = true;
}

/* `}}`, or ` -}}` (a trim marker), at `at`: the delimiter's length, or 0. */
static uint32_t right_delim(const lexer *l, uint32_t at)
{
	if (is_space(peek(l, at)) && peek(l, at + 1) == '-' && starts(l, at + 2, "}}"))
		return 4;
	return starts(l, at, "}}") ? 2 : 0;
}

/* What may follow a word: a space, the end, one of . , | : ) ( or the
 * first character of the right delimiter. */
static bool at_terminator(const lexer *l)
{
	int c = peek(l, l->pos);
	return is_space(c) || c == -1 || (c && strchr(".,|:)(}", c));
}

/* Text up to the next {{: -1 at the end or after an error, 0 after a
 * comment (text follows), 1 inside an action. */
static int lex_text(lexer *l)
{
	uint32_t at = find(l, l->pos, "{{");
	if ((at == UINT32_MAX ? l->len : at) > l->pos) {
		l->pos = at == UINT32_MAX ? l->len : at;
		emit(l, G_TEXT);
	}
	if (at == UINT32_MAX) {
		emit(l, G_EOF);
		return -1;
	}
	l->action = at;
	l->pos = at + 2;
	uint32_t marker = peek(l, l->pos) == '-' && is_space(peek(l, l->pos + 1)) ? 2 : 0;
	if (starts(l, l->pos + marker, "/*")) {
		uint32_t close = find(l, l->pos + marker + 2, "*/");
		if (close == UINT32_MAX) {
			fail(l, at, l->len, "unclosed comment: expected `*/}}`");
			return -1;
		}
		l->pos = close + 2;
		uint32_t d = right_delim(l, l->pos);
		if (!d) {
			fail(l, at, l->pos, "the comment ends before the closing delimiter: expected `*/}}`");
			return -1;
		}
		l->pos += d;
		l->start = l->pos; /* comments are dropped, as Go drops them */
		return 0;
	}
	l->pos += marker;
	emit(l, G_LDELIM);
	l->nparens = 0;
	return 1;
}

static void lex_space(lexer *l)
{
	uint32_t n = 0;
	while (is_space(peek(l, l->pos))) {
		l->pos++;
		n++;
	}
	/* a space before `-}}` belongs to the delimiter */
	if (right_delim(l, l->pos - 1) == 4) {
		l->pos--;
		if (n == 1)
			return;
	}
	emit(l, G_SPACE);
}

static void lex_quote(lexer *l, int q, const char *what)
{
	for (;;) {
		int c = peek(l, l->pos++);
		if (c == '\\' && q != '`') {
			c = peek(l, l->pos++);
			if (c != -1 && c != '\n')
				continue;
		}
		if (c == -1 || (c == '\n' && q != '`')) {
			fail(l, l->start, l->pos - 1, "unterminated %s", what);
			return;
		}
		if (c == q)
			break;
	}
	emit(l, q == '"' ? G_STRING : q == '`' ? G_RAWSTRING : G_CHARCONST);
}

static bool accept(lexer *l, const char *set)
{
	int c = peek(l, l->pos);
	if (c > 0 && strchr(set, c)) {
		l->pos++;
		return true;
	}
	return false;
}

static void accept_run(lexer *l, const char *set)
{
	while (accept(l, set))
		;
}

/* lex.go's scanNumber: what could be a number; strconv judges later. */
static bool scan_number(lexer *l)
{
	accept(l, "+-");
	const char *digits = "0123456789_";
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	accept(l, "i");
	if (is_alnum(peek(l, l->pos))) {
		l->pos++;
		return false;
	}
	return true;
}

static void lex_number(lexer *l)
{
	if (!scan_number(l)) {
		fail(l, l->start, l->pos, "bad number syntax `%.*s`", (int)(l->pos - l->start), l->s + l->start);
		return;
	}
	gtok_kind k = G_NUMBER;
	int c = peek(l, l->pos);
	if (c == '+' || c == '-') { /* a complex number: 1+2i */
		if (!scan_number(l) || l->s[l->pos - 1] != 'i') {
			fail(l, l->start, l->pos, "bad number syntax `%.*s`", (int)(l->pos - l->start), l->s + l->start);
			return;
		}
		k = G_COMPLEX;
	}
	emit(l, k);
}

static const struct {
	const char *word;
	gtok_kind kind;
} keywords[] = {
	{ "block", G_BLOCK }, { "break", G_BREAK }, { "continue", G_CONTINUE }, { "define", G_DEFINE },
	{ "else", G_ELSE }, { "end", G_END }, { "if", G_IF }, { "range", G_RANGE }, { "nil", G_NIL },
	{ "template", G_TEMPLATE }, { "with", G_WITH }, { "true", G_BOOL }, { "false", G_BOOL },
};

static void bad_character(lexer *l)
{
	char what[16];
	int c = peek(l, l->pos);
	snprintf(what, sizeof what, c > 0x20 && c < 0x7f ? "`%c`" : "U+%04X", c);
	fail(l, l->pos, l->pos + 1, "bad character %s: expected a space, `.`, `|`, `)` or `}}` after a name", what);
}

static void lex_word(lexer *l, gtok_kind word)
{
	while (is_alnum(peek(l, l->pos)))
		l->pos++;
	if (!at_terminator(l)) {
		bad_character(l);
		return;
	}
	gtok_kind k = word;
	for (size_t i = 0; word == G_IDENT && i < sizeof keywords / sizeof *keywords; i++)
		if (strlen(keywords[i].word) == l->pos - l->start &&
		    memcmp(keywords[i].word, l->s + l->start, l->pos - l->start) == 0)
			k = keywords[i].kind;
	emit(l, k);
}

/* `.` or `$` alone, or followed by a name. */
static void lex_field_or_variable(lexer *l, gtok_kind k)
{
	if (at_terminator(l)) {
		emit(l, k == G_FIELD ? G_DOT : G_VARIABLE);
		return;
	}
	lex_word(l, k);
}

static void lex_paren(lexer *l, int c)
{
	if (c == '(') {
		if (l->nparens == OPSC_GOTMPL_MAX_DEPTH) {
			fail(l, l->start, l->pos, "parentheses nested deeper than %d levels", OPSC_GOTMPL_MAX_DEPTH);
			return;
		}
		l->parens[l->nparens++] = l->start;
		emit(l, G_LPAREN);
		return;
	}
	emit(l, G_RPAREN);
	if (l->nparens == 0) {
		fail(l, l->start, l->pos, "unexpected right paren `)`: no `(` is open");
		return;
	}
	l->nparens--;
}

/* One item inside {{ }}; false after the right delimiter. */
static bool lex_action(lexer *l)
{
	uint32_t d = right_delim(l, l->pos);
	if (d) {
		if (l->nparens) {
			uint32_t p = l->parens[l->nparens - 1];
			fail(l, p, p + 1, "unclosed left paren: expected `)` before `}}`");
			return false;
		}
		l->pos += d;
		emit(l, G_RDELIM);
		return false;
	}
	int c = peek(l, l->pos);
	if (c == -1) {
		fail(l, l->action, l->action + 2, "unclosed action: expected `}}`");
		return false;
	}
	if (is_space(c)) {
		lex_space(l);
		return true;
	}
	l->pos++;
	int next = peek(l, l->pos);
	if (c == '=') {
		emit(l, G_ASSIGN);
	} else if (c == ':') {
		if (next != '=') {
			fail(l, l->start, l->pos, "expected `:=`");
			return false;
		}
		l->pos++;
		emit(l, G_DECLARE);
	} else if (c == '|') {
		emit(l, G_PIPE);
	} else if (c == '"') {
		lex_quote(l, c, "quoted string");
	} else if (c == '`') {
		lex_quote(l, c, "raw quoted string");
	} else if (c == '\'') {
		lex_quote(l, c, "character constant");
	} else if (c == '$') {
		lex_field_or_variable(l, G_VARIABLE);
	} else if (c == '.' && !(next >= '0' && next <= '9')) {
		lex_field_or_variable(l, G_FIELD);
	} else if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
		l->pos--;
		lex_number(l);
	} else if (is_alnum(c)) {
		lex_word(l, G_IDENT);
	} else if (c == '(' || c == ')') {
		lex_paren(l, c);
	} else if (c > 0x20 && c < 0x7f) {
		emit(l, G_CHAR);
	} else {
		fail(l, l->start, l->pos, "unrecognized character U+%04X in an action", c);
	}
	return !l->failed;
}

void gotmpl_lex(const char *s, uint32_t len, gtok_list *out, opsc_gotmpl_error *err)
{
	lexer l = { .s = s, .len = len, .out = out, .err = err };
	for (int r; !l.failed && (r = lex_text(&l)) >= 0;)
		while (r == 1 && lex_action(&l))
			;
}

/* ------------------------------------------------------------- literals */

static int lower(int c)
{
	return c | 0x20;
}

static bool is_digit(int c, int base)
{
	if (base == 16)
		return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f');
	return c >= '0' && c < '0' + (base < 10 ? base : 10);
}

/* strconv's underscoreOK: `_` only between digits, or between a base
 * prefix and a digit. */
static bool underscores_ok(const char *s, uint32_t n)
{
	uint32_t i = (n && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
	int saw = '^';
	bool hex = false;
	if (i + 1 < n && s[i] == '0' && strchr("box", lower(s[i + 1]))) {
		hex = lower(s[i + 1]) == 'x';
		saw = '0';
		i += 2;
	}
	for (; i < n; i++) {
		if (is_digit(s[i], hex ? 16 : 10)) {
			saw = '0';
		} else if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
		} else if (saw == '_') {
			return false;
		} else {
			saw = '!';
		}
	}
	return saw != '_';
}

/* ParseInt/ParseUint with base 0: 1 fits, 0 does not fit, -1 no integer. */
static int go_int(const char *s, uint32_t n)
{
	uint32_t i = 0;
	bool neg = n && s[0] == '-';
	if (n && (s[0] == '+' || s[0] == '-'))
		i++;
	int base = 10;
	if (i + 1 < n && s[i] == '0') {
		int p = lower(s[i + 1]);
		base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
		i += p == 'x' || p == 'o' || p == 'b' ? 2 : 1;
	}
	uint64_t v = 0;
	bool any = base == 8 && i > 0 && s[i - 1] == '0', over = false;
	for (; i < n; i++) {
		if (s[i] == '_')
			continue;
		int c = s[i];
		if (!is_digit(c, base))
			return -1;
		uint64_t d = (uint64_t)(c <= '9' ? c - '0' : lower(c) - 'a' + 10);
		over |= v > (UINT64_MAX - d) / (uint64_t)base;
		v = v * (uint64_t)base + d;
		any = true;
	}
	if (!any || !underscores_ok(s, n))
		return -1;
	return over || (neg && v > (uint64_t)INT64_MAX + 1) ? 0 : 1;
}

/* Go's float literal syntax, decimal or hexadecimal (which needs a `p`
 * exponent), with underscores as digit separators. */
static bool go_float(const char *s, uint32_t n)
{
	uint32_t i = (n && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
	bool hex = i + 1 < n && s[i] == '0' && lower(s[i + 1]) == 'x';
	i += hex ? 2 : 0;
	uint32_t digits = 0;
	bool dot = false;
	for (; i < n && (is_digit(s[i], hex ? 16 : 10) || s[i] == '_' || (s[i] == '.' && !dot)); i++) {
		dot |= s[i] == '.';
		digits += s[i] != '.' && s[i] != '_';
	}
	if (digits == 0)
		return false;
	if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		uint32_t e = 0;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			e += s[i] != '_';
		if (e == 0)
			return false;
	} else if (hex) {
		return false;
	}
	return i == n && underscores_ok(s, n);
}

/* ParseFloat refuses what rounds to infinity. */
static bool in_range(const char *s, uint32_t n)
{
	char digits[128];
	uint32_t k = 0;
	for (uint32_t i = 0; i < n && k + 1 < sizeof digits; i++)
		if (s[i] != '_' && s[i] != 'i')
			digits[k++] = s[i];
	digits[k] = 0;
	return isfinite(strtod(digits, NULL));
}

bool gotmpl_number(const char *s, uint32_t n, gtok_kind kind, char *buf, uint32_t cap)
{
	if (kind == G_CHARCONST)
		return gotmpl_quoted(s, n, buf, cap);
	bool ok;
	if (kind == G_COMPLEX) {
		uint32_t k = n - 1;
		while (k > 1 && s[k] != '+' && s[k] != '-')
			k--;
		ok = go_float(s, k) && go_float(s + k, n - 1 - k);
	} else if (n > 1 && s[n - 1] == 'i') {
		ok = go_float(s, n - 1) || go_int(s, n - 1) == 1;
	} else {
		int i = go_int(s, n);
		if (i == 1)
			return true;
		if (i == 0 || (go_float(s, n) && !memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n) &&
			       !memchr(s, 'p', n) && !memchr(s, 'P', n))) {
			snprintf(buf, cap, "integer overflow: `%.*s` does not fit in 64 bits", (int)n, s);
			return false;
		}
		ok = go_float(s, n);
	}
	if (ok && kind == G_NUMBER && !in_range(s, n))
		ok = false;
	if (!ok)
		snprintf(buf, cap, "illegal number syntax `%.*s`", (int)n, s);
	return ok;
}

/* The length of the escape at s (after the backslash), or 0. */
static uint32_t escape_len(const char *s, uint32_t n, char quote)
{
	static const struct {
		char c;
		uint8_t hex;
	} kinds[] = { { 'x', 2 }, { 'u', 4 }, { 'U', 8 } };
	if (n == 0)
		return 0;
	if ((s[0] && strchr("abfnrtv\\", s[0])) || s[0] == quote) /* strchr finds the NUL too */
		return 1;
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		if (s[0] != kinds[k].c)
			continue;
		uint32_t m = kinds[k].hex;
		for (uint32_t i = 1; i <= m; i++)
			if (i >= n || !is_digit(s[i], 16))
				return 0;
		return m + 1;
	}
	if (n >= 3 && s[0] >= '0' && s[0] <= '3' && is_digit(s[1], 8) && is_digit(s[2], 8))
		return 3;
	return 0;
}

bool gotmpl_quoted(const char *s, uint32_t n, char *buf, uint32_t cap)
{
	char q = s[0];
	if (q == '`')
		return true;
	uint32_t chars = 0;
	for (uint32_t i = 1; i + 1 < n; chars++) {
		if (s[i] != '\\') {
			i++;
			while (i + 1 < n && ((unsigned char)s[i] & 0xC0) == 0x80)
				i++; /* one UTF-8 character */
			continue;
		}
		uint32_t e = escape_len(s + i + 1, n - 2 - i, q);
		if (!e) {
			unsigned char c = (unsigned char)s[i + 1];
			const char *what = q == '"' ? "string" : "character";
			if (c < 0x20 || c == 0x7f)
				snprintf(buf, cap, "invalid escape in a %s: `\\` before U+%04X", what, c);
			else
				snprintf(buf, cap, "invalid escape `\\%c` in a %s", c, what);
			return false;
		}
		i += 1 + e;
	}
	if (q == '\'' && chars != 1) {
		snprintf(buf, cap, "a character constant holds one character: `%.*s`", (int)n, s);
		return false;
	}
	return true;
}
