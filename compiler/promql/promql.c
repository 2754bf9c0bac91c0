/*
 * promql.c - a recursive-descent parser for PromQL expressions with the
 * type checks of upstream's parse.go (v2.42.0).
 *
 * Binary operators by precedence climbing (the table below, `^` right-
 * associative); unary +/- binds like `*`; ranges, subqueries, `offset` and
 * `@` are postfix and bind tighter than anything. Each function returns the
 * type and extent of what it parsed; the first error stops the parse (the
 * lexer's `failed` flag), as promtool reports the first problem of a rule.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "promql_int.h"

enum { MAX_DEPTH = 128, MAX_LABELS = 32 };

typedef enum { N_OTHER, N_NUMBER, N_STRING, N_SELECTOR, N_MATRIX, N_SUBQUERY, N_PAREN } node_kind;

typedef struct {
	opsc_promql_type type;
	node_kind kind;
	uint32_t start, end;
	bool offset, at; /* modifiers already given */
} node;

typedef struct {
	lexer lx;
	tok t;
	int depth;
} parser;

typedef struct {
	tok items[MAX_LABELS];
	uint32_t n; /* may exceed MAX_LABELS; only the first are kept */
} label_list;

typedef struct {
	bool ret_bool, on, given, group;
	label_list matching, include;
} bin_modifiers;

/* Binding power of each binary operator; 0 = not one. */
static int precedence(tok_kind k)
{
	switch (k) {
	case T_OR: return 1;
	case T_AND: case T_UNLESS: return 2;
	case T_EQLC: case T_NEQ_OP: case T_LSS: case T_LTE: case T_GTR: case T_GTE: return 3;
	case T_ADD: case T_SUB: return 4;
	case T_MUL: case T_DIV: case T_MOD: case T_ATAN2: return 5;
	case T_POW: return 6;
	default: return 0;
	}
}

static const char *const type_names[] = { "nothing", "scalar", "instant vector", "range vector", "string" };
static const char *const type_articles[] = { "nothing", "a scalar", "an instant vector", "a range vector", "a string" };

const char *opsc_promql_type_name(opsc_promql_type t)
{
	return type_names[t];
}

static bool failed(const parser *p)
{
	return p->lx.failed;
}

static void advance(parser *p)
{
	p->t = promql_lex_next(&p->lx);
}

static bool is_aggregator(tok_kind k)
{
	return k >= T_SUM && k <= T_COUNT_VALUES;
}

static bool is_keyword(tok_kind k)
{
	return k >= T_ATAN2 && k <= T_END && !(k >= T_EQLC && k <= T_GTE);
}

/* "unexpected duration `5m`: expected ..." at the current token. */
static void unexpected(parser *p, const char *expected)
{
	tok t = p->t;
	if (t.kind == T_ERROR)
		return;
	bool texty = t.kind == T_IDENT || t.kind == T_METRIC || t.kind == T_NUMBER || t.kind == T_DURATION ||
		     t.kind == T_STRING;
	int n = (int)(t.end - t.start) > 40 ? 40 : (int)(t.end - t.start);
	if (texty)
		promql_fail(&p->lx, t.start, t.end, "unexpected %s `%.*s`: expected %s", promql_tok_name(t.kind), n,
			    p->lx.s + t.start, expected);
	else
		promql_fail(&p->lx, t.start, t.end, "unexpected %s: expected %s", promql_tok_name(t.kind), expected);
}

static bool expect(parser *p, tok_kind k, const char *expected)
{
	if (p->t.kind == k)
		return true;
	unexpected(p, expected);
	return false;
}

static node fail_node(parser *p, uint32_t start, uint32_t end, const char *msg)
{
	promql_fail(&p->lx, start, end, "%s", msg);
	return (node){ .start = start, .end = end };
}

static node parse_expr(parser *p, int min_prec);

/* duration: DURATION, checked as prometheus/common reads it. */
static void parse_duration(parser *p)
{
	if (!expect(p, T_DURATION, "a duration like 5m"))
		return;
	double ms;
	const char *why;
	if (!promql_duration(p->lx.s + p->t.start, p->t.end - p->t.start, &ms, &why))
		promql_fail(&p->lx, p->t.start, p->t.end, "%s", why);
	advance(p);
}

/* grouping_labels: '(' [ label { ',' label } [','] ] ')' */
static void parse_labels(parser *p, label_list *out)
{
	out->n = 0;
	if (!expect(p, T_LPAREN, "`(` and a list of label names"))
		return;
	advance(p);
	while (!failed(p) && p->t.kind != T_RPAREN) {
		if (p->t.kind != T_IDENT && !is_keyword(p->t.kind)) {
			unexpected(p, "a label name");
			return;
		}
		if (out->n < MAX_LABELS)
			out->items[out->n] = p->t;
		out->n++;
		advance(p);
		if (p->t.kind == T_COMMA)
			advance(p);
		else if (!expect(p, T_RPAREN, "`,` or `)`"))
			return;
	}
	advance(p);
}

static bool same_label(const parser *p, tok a, tok b)
{
	return a.end - a.start == b.end - b.start && memcmp(p->lx.s + a.start, p->lx.s + b.start, a.end - a.start) == 0;
}

/* bin_modifier: [bool] [ (on|ignoring) labels [ (group_left|group_right) [labels] ] ] */
static void parse_bin_modifiers(parser *p, bin_modifiers *m)
{
	*m = (bin_modifiers){ 0 };
	if (p->t.kind == T_BOOL) {
		m->ret_bool = true;
		advance(p);
	}
	if (p->t.kind != T_ON && p->t.kind != T_IGNORING)
		return;
	m->on = p->t.kind == T_ON;
	m->given = true;
	advance(p);
	parse_labels(p, &m->matching);
	if (p->t.kind != T_GROUP_LEFT && p->t.kind != T_GROUP_RIGHT)
		return;
	m->group = true;
	advance(p);
	if (p->t.kind == T_LPAREN)
		parse_labels(p, &m->include);
}

static bool is_comparison(tok_kind k)
{
	return k >= T_EQLC && k <= T_GTE;
}

static bool is_set(tok_kind k)
{
	return k == T_AND || k == T_OR || k == T_UNLESS;
}

static bool operand_ok(opsc_promql_type t)
{
	return t == OPSC_PROMQL_SCALAR || t == OPSC_PROMQL_VECTOR;
}

static void check_binary(parser *p, tok op, const bin_modifiers *m, const node *l, const node *r)
{
	bool vectors = l->type == OPSC_PROMQL_VECTOR && r->type == OPSC_PROMQL_VECTOR;
	const char *name = promql_tok_name(op.kind);
	if (m->ret_bool && !is_comparison(op.kind))
		promql_fail(&p->lx, op.start, op.end, "`bool` can only follow a comparison operator, not %s", name);
	else if (is_comparison(op.kind) && !m->ret_bool && l->type == OPSC_PROMQL_SCALAR && r->type == OPSC_PROMQL_SCALAR)
		promql_fail(&p->lx, op.start, op.end, "comparisons between scalars must use `bool`: write %s bool", name);
	for (uint32_t i = 0; m->on && i < m->matching.n && i < MAX_LABELS; i++)
		for (uint32_t k = 0; k < m->include.n && k < MAX_LABELS; k++)
			if (same_label(p, m->matching.items[i], m->include.items[k]))
				promql_fail(&p->lx, m->include.items[k].start, m->include.items[k].end,
					    "a label must not occur in both on() and the group clause");
	if (!operand_ok(l->type))
		promql_fail(&p->lx, l->start, l->end, "expected a scalar or an instant vector left of %s, got %s", name,
			    type_articles[l->type]);
	if (!operand_ok(r->type))
		promql_fail(&p->lx, r->start, r->end, "expected a scalar or an instant vector right of %s, got %s", name,
			    type_articles[r->type]);
	if (!vectors && m->matching.n > 0)
		promql_fail(&p->lx, l->start, r->end, "vector matching (on/ignoring) is only allowed between instant vectors");
	if (vectors && is_set(op.kind) && m->group)
		promql_fail(&p->lx, op.start, op.end, "no grouping (group_left/group_right) allowed for %s", name);
	if (!vectors && is_set(op.kind))
		promql_fail(&p->lx, op.start, op.end, "set operator %s needs instant vectors on both sides, not a scalar", name);
}

/* Checks a matcher's value; whether the matcher matches the empty string. */
static bool matcher_empty(parser *p, tok_kind op, tok value)
{
	const char *s = p->lx.s + value.start;
	uint32_t n = value.end - value.start;
	if (op == T_EQL || op == T_NEQ)
		return promql_string_empty(s, n) == (op == T_EQL);
	bool empty = false;
	char buf[160];
	const char *why = promql_regex_check(s, n, &empty, buf, sizeof buf);
	if (why)
		promql_fail(&p->lx, value.start, value.end, "%s", why);
	return empty == (op == T_EQL_REGEX);
}

/* label_matchers: '{' [ matcher { ',' matcher } [','] ] '}'
 * matcher: IDENT ('=' | '!=' | '=~' | '!~') STRING */
static bool parse_matchers(parser *p, bool named, uint32_t start, uint32_t *end)
{
	bool nonempty = named;
	advance(p);
	while (!failed(p) && p->t.kind != T_RBRACE) {
		if (!expect(p, T_IDENT, "a label name or `}`"))
			break;
		tok label = p->t;
		advance(p);
		tok_kind op = p->t.kind;
		if (op != T_EQL && op != T_NEQ && op != T_EQL_REGEX && op != T_NEQ_REGEX) {
			unexpected(p, "a matcher operator: =, !=, =~ or !~");
			break;
		}
		advance(p);
		if (!expect(p, T_STRING, "a quoted string"))
			break;
		if (named && label.end - label.start == 8 && memcmp(p->lx.s + label.start, "__name__", 8) == 0)
			promql_fail(&p->lx, label.start, p->t.end, "metric name must not be set twice: before the braces and as __name__");
		nonempty |= !matcher_empty(p, op, p->t);
		advance(p);
		if (p->t.kind == T_COMMA)
			advance(p);
		else if (!expect(p, T_RBRACE, "`,` or `}`"))
			break;
	}
	*end = p->t.end;
	if (!failed(p))
		advance(p);
	(void)start;
	return nonempty;
}

/* vector_selector: metric_name [label_matchers] | label_matchers */
static node parse_selector(parser *p, const tok *name)
{
	node e = { OPSC_PROMQL_VECTOR, N_SELECTOR, name ? name->start : p->t.start, name ? name->end : p->t.end, false, false };
	bool nonempty = name != NULL;
	if (p->t.kind == T_LBRACE)
		nonempty = parse_matchers(p, name != NULL, e.start, &e.end);
	if (!nonempty && !failed(p))
		promql_fail(&p->lx, e.start, e.end,
			    "a selector needs a metric name or a matcher that does not match the empty string");
	return e;
}

/* function_call_body: '(' [ expr { ',' expr } ] ')' - no trailing comma.
 * Calls check(i, arg) on each argument; returns how many there were. */
typedef void arg_check(parser *p, uint32_t i, const node *arg, const void *data);

static uint32_t parse_args(parser *p, arg_check *check, const void *data, uint32_t *end)
{
	uint32_t n = 0;
	if (!expect(p, T_LPAREN, "`(`"))
		return 0;
	advance(p);
	while (!failed(p) && p->t.kind != T_RPAREN) {
		node a = parse_expr(p, 0);
		if (failed(p))
			break;
		check(p, n++, &a, data);
		if (p->t.kind == T_COMMA) {
			advance(p);
			if (p->t.kind == T_RPAREN)
				promql_fail(&p->lx, p->t.start - 1, p->t.start, "trailing commas are not allowed in function call arguments");
		} else if (!expect(p, T_RPAREN, "`,` or `)`")) {
			break;
		}
	}
	*end = p->t.end;
	if (!failed(p))
		advance(p);
	return n;
}

static void func_arg(parser *p, uint32_t i, const node *a, const void *data)
{
	const promql_func *f = data;
	if (i >= f->nargs && f->variadic == 0)
		return;
	opsc_promql_type want = f->args[i < f->nargs ? i : (uint32_t)f->nargs - 1];
	if (a->type != want)
		promql_fail(&p->lx, a->start, a->end, "expected %s for argument %u of %s(), got %s", type_articles[want],
			    i + 1, f->name, type_names[a->type]);
}

/* function_call: IDENT function_call_body */
static node parse_call(parser *p, tok name)
{
	const promql_func *f = promql_func_find(p->lx.s + name.start, name.end - name.start);
	if (!f)
		return fail_node(p, name.start, name.end, "unknown function: expected one of PromQL's functions");
	node e = { f->ret, N_OTHER, name.start, name.end, false, false };
	uint32_t n = parse_args(p, func_arg, f, &e.end);
	int lo = f->variadic ? f->nargs - 1 : f->nargs, hi = f->variadic < 0 ? 1 << 30 : f->nargs + (f->variadic > 0 ? f->variadic - 1 : 0);
	if (!failed(p) && ((int)n < lo || (int)n > hi)) {
		if (lo == hi)
			promql_fail(&p->lx, e.start, e.end, "%s() takes %d argument%s, got %u", f->name, lo, lo == 1 ? "" : "s", n);
		else if ((int)n < lo)
			promql_fail(&p->lx, e.start, e.end, "%s() takes at least %d argument%s, got %u", f->name, lo, lo == 1 ? "" : "s", n);
		else
			promql_fail(&p->lx, e.start, e.end, "%s() takes at most %d argument%s, got %u", f->name, hi, hi == 1 ? "" : "s", n);
	}
	return e;
}

typedef struct {
	tok op;
	uint32_t nargs;
	opsc_promql_type param; /* NONE when the aggregator takes none */
} aggregation;

static void agg_arg(parser *p, uint32_t i, const node *a, const void *data)
{
	const aggregation *g = data;
	bool is_param = g->param && i == 0;
	opsc_promql_type want = is_param ? g->param : OPSC_PROMQL_VECTOR;
	if (a->type != want && i < g->nargs)
		promql_fail(&p->lx, a->start, a->end, "expected %s as the %s of %.*s, got %s", type_articles[want],
			    is_param ? "parameter" : "expression", (int)(g->op.end - g->op.start), p->lx.s + g->op.start,
			    type_names[a->type]);
}

/* aggregate_expr: op [by|without labels] body | op body [by|without labels] */
static node parse_aggregation(parser *p)
{
	tok_kind k = p->t.kind;
	aggregation g = { p->t, 1, OPSC_PROMQL_NONE };
	if (k == T_TOPK || k == T_BOTTOMK || k == T_QUANTILE)
		g.param = OPSC_PROMQL_SCALAR;
	else if (k == T_COUNT_VALUES)
		g.param = OPSC_PROMQL_STRING;
	g.nargs = g.param ? 2 : 1;
	node e = { OPSC_PROMQL_VECTOR, N_OTHER, p->t.start, p->t.end, false, false };
	label_list labels;
	advance(p);
	bool grouped = p->t.kind == T_BY || p->t.kind == T_WITHOUT;
	if (grouped) {
		advance(p);
		parse_labels(p, &labels);
	}
	uint32_t n = failed(p) ? 0 : parse_args(p, agg_arg, &g, &e.end);
	if (!failed(p) && n != g.nargs)
		promql_fail(&p->lx, e.start, e.end, "%.*s takes %u argument%s, got %u", (int)(g.op.end - g.op.start),
			    p->lx.s + g.op.start, g.nargs, g.nargs == 1 ? " (an instant vector)" : "s (a parameter and an instant vector)", n);
	if (!grouped && !failed(p) && (p->t.kind == T_BY || p->t.kind == T_WITHOUT)) {
		advance(p);
		e.end = p->t.end;
		parse_labels(p, &labels);
	}
	return e;
}

/* The token after the current one, without consuming anything. */
static tok_kind peek_kind(parser *p)
{
	lexer saved = p->lx;
	opsc_promql_error err = *p->lx.err;
	tok_kind k = promql_lex_next(&p->lx).kind;
	p->lx = saved;
	*p->lx.err = err;
	return k;
}

/* generated_parser.y's metric_identifier: an aggregator not followed by
 * `(`, `by` or `without`, and these keywords, name a metric (`sum[5m]`,
 * `offset`, `end`). */
static bool names_metric(parser *p)
{
	tok_kind k = p->t.kind;
	if (is_aggregator(k)) {
		tok_kind next = peek_kind(p);
		return next != T_LPAREN && next != T_BY && next != T_WITHOUT;
	}
	return k == T_BY || k == T_WITHOUT || k == T_AND || k == T_OR || k == T_UNLESS || k == T_OFFSET ||
	       k == T_START || k == T_END;
}

/* Literals, parentheses, selectors, calls and aggregations. */
static node parse_primary(parser *p)
{
	tok t = p->t;
	node e = { OPSC_PROMQL_NONE, N_OTHER, t.start, t.end, false, false };
	double v;
	switch (t.kind) {
	case T_NUMBER:
		if (!promql_number(p->lx.s + t.start, t.end - t.start, &v))
			return fail_node(p, t.start, t.end, "not a number PromQL can read");
		advance(p);
		return (node){ OPSC_PROMQL_SCALAR, N_NUMBER, t.start, t.end, false, false };
	case T_STRING:
		advance(p);
		return (node){ OPSC_PROMQL_STRING, N_STRING, t.start, t.end, false, false };
	case T_LPAREN:
		advance(p);
		e = parse_expr(p, 0);
		if (!expect(p, T_RPAREN, "an operator or `)`"))
			return e;
		e = (node){ e.type, N_PAREN, t.start, p->t.end, false, false };
		advance(p);
		return e;
	case T_LBRACE: return parse_selector(p, NULL);
	case T_IDENT:
	case T_METRIC:
		advance(p);
		if (t.kind == T_IDENT && p->t.kind == T_LPAREN)
			return parse_call(p, t);
		return parse_selector(p, &t);
	case T_DURATION:
		unexpected(p, "a number: PromQL takes a duration only in a range `[5m]`, a subquery or after `offset`");
		return e;
	case T_EOF:
		unexpected(p, "an expression");
		return e;
	default:
		if (names_metric(p)) {
			advance(p);
			return parse_selector(p, &t);
		}
		if (is_aggregator(t.kind))
			return parse_aggregation(p);
		unexpected(p, "an expression: a number, a string, a selector, a function call or `(`");
		return e;
	}
}

static bool modifiable(const node *e)
{
	return e->kind == N_SELECTOR || e->kind == N_MATRIX || e->kind == N_SUBQUERY;
}

/* '[' duration ']' | '[' duration ':' [duration] ']' */
static node parse_range(parser *p, node e)
{
	uint32_t open = p->t.start;
	advance(p);
	parse_duration(p);
	if (failed(p))
		return e;
	if (p->t.kind == T_COLON) {
		advance(p);
		if (p->t.kind == T_DURATION)
			parse_duration(p);
		if (!expect(p, T_RBRACKET, "`]`"))
			return e;
		if (e.type != OPSC_PROMQL_VECTOR)
			promql_fail(&p->lx, e.start, p->t.end, "a subquery needs an instant vector, got %s", type_articles[e.type]);
		e = (node){ OPSC_PROMQL_MATRIX, N_SUBQUERY, e.start, p->t.end, false, false };
	} else {
		if (!expect(p, T_RBRACKET, "`:` or `]`"))
			return e;
		if (e.kind != N_SELECTOR)
			promql_fail(&p->lx, open, p->t.end, "a range `[...]` is only allowed after a selector; for an expression use a subquery `[5m:1m]`");
		else if (e.offset || e.at)
			promql_fail(&p->lx, open, p->t.end, "no %s modifier allowed before a range: write it after `]`", e.offset ? "offset" : "@");
		e = (node){ OPSC_PROMQL_MATRIX, N_MATRIX, e.start, p->t.end, false, false };
	}
	advance(p);
	return e;
}

/* 'offset' ['-'] duration */
static node parse_offset(parser *p, node e)
{
	tok kw = p->t;
	advance(p);
	if (p->t.kind == T_SUB)
		advance(p);
	uint32_t end = p->t.end;
	parse_duration(p);
	if (!modifiable(&e))
		promql_fail(&p->lx, kw.start, end, "offset must follow a selector, a range or a subquery");
	else if (e.offset)
		promql_fail(&p->lx, kw.start, end, "offset may not be set twice");
	e.offset = true;
	e.end = end;
	return e;
}

/* '@' ( ['+'|'-'] number | ('start'|'end') '(' ')' ) */
static node parse_at(parser *p, node e)
{
	tok at = p->t;
	advance(p);
	if (p->t.kind == T_START || p->t.kind == T_END) {
		advance(p);
		if (expect(p, T_LPAREN, "`(`")) {
			advance(p);
			if (expect(p, T_RPAREN, "`)`"))
				e.end = p->t.end, advance(p);
		}
	} else {
		if (p->t.kind == T_ADD || p->t.kind == T_SUB)
			advance(p);
		double ts = 0;
		if (expect(p, T_NUMBER, "a Unix timestamp, start() or end()") &&
		    (!promql_number(p->lx.s + p->t.start, p->t.end - p->t.start, &ts) || !isfinite(ts) || fabs(ts) >= 9.2e15))
			promql_fail(&p->lx, p->t.start, p->t.end, "timestamp out of bounds for the @ modifier");
		e.end = p->t.end;
		if (!failed(p))
			advance(p);
	}
	if (!failed(p) && !modifiable(&e))
		promql_fail(&p->lx, at.start, e.end, "@ must follow a selector, a range or a subquery");
	else if (!failed(p) && e.at)
		promql_fail(&p->lx, at.start, e.end, "@ may not be set twice");
	e.at = true;
	return e;
}

static node parse_postfix(parser *p, node e)
{
	while (!failed(p)) {
		if (p->t.kind == T_LBRACKET)
			e = parse_range(p, e);
		else if (p->t.kind == T_OFFSET)
			e = parse_offset(p, e);
		else if (p->t.kind == T_AT)
			e = parse_at(p, e);
		else
			break;
	}
	return e;
}

/* unary_expr: ('+' | '-') expr, binding like `*` (so -a^b is -(a^b)). */
static node parse_unary(parser *p)
{
	if (p->t.kind != T_ADD && p->t.kind != T_SUB)
		return parse_postfix(p, parse_primary(p));
	tok op = p->t;
	advance(p);
	node e = parse_expr(p, precedence(T_POW));
	if (!failed(p) && !operand_ok(e.type))
		promql_fail(&p->lx, op.start, e.end, "unary %s needs a scalar or an instant vector, got %s",
			    promql_tok_name(op.kind), type_articles[e.type]);
	return (node){ e.type, e.kind == N_NUMBER ? N_NUMBER : N_OTHER, op.start, e.end, false, false };
}

/* expr: unary { binop bin_modifier expr } by precedence climbing. */
static node parse_expr(parser *p, int min_prec)
{
	if (++p->depth > MAX_DEPTH) {
		node e = fail_node(p, p->t.start, p->t.end, "expression nests too deeply");
		p->depth--;
		return e;
	}
	node l = parse_unary(p);
	int prec;
	while (!failed(p) && (prec = precedence(p->t.kind)) >= min_prec && prec > 0) {
		tok op = p->t;
		bin_modifiers m;
		advance(p);
		parse_bin_modifiers(p, &m);
		node r = parse_expr(p, op.kind == T_POW ? prec : prec + 1);
		if (failed(p))
			break;
		check_binary(p, op, &m, &l, &r);
		opsc_promql_type t = l.type == OPSC_PROMQL_SCALAR && r.type == OPSC_PROMQL_SCALAR ? OPSC_PROMQL_SCALAR : OPSC_PROMQL_VECTOR;
		l = (node){ t, N_OTHER, l.start, r.end, false, false };
	}
	p->depth--;
	return l;
}

bool opsc_promql_check(const char *text, uint32_t len, opsc_promql_error *err, opsc_promql_type *type)
{
	parser p = { 0 };
	promql_lex_init(&p.lx, text, len, err);
	advance(&p);
	if (p.t.kind == T_EOF) {
		promql_fail(&p.lx, 0, len, "empty expression: expected a PromQL expression");
		return false;
	}
	node e = parse_expr(&p, 0);
	if (!failed(&p) && p.t.kind != T_EOF)
		unexpected(&p, "an operator or the end of the expression");
	if (type)
		*type = e.type;
	return !failed(&p);
}
