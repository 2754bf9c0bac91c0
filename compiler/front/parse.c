/*
 * parse.c - tree-sitter CST to AST.
 *
 * Every lowering function below is headed by the grammar rule it lowers.
 * Statements that contain a syntax error are left out (the reporter in
 * syntax.c has described the error) and their body is marked incomplete, so
 * later stages do not pile guesses on top of a broken statement.
 */
#include "parse_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct {
	opsc_ctx *ctx;
	uint32_t file;
	const char *text;
	const opsc_cst_names *names;
	uint32_t depth;
	bool too_deep; /* reported once per file */
} lower;

static opsc_expr *lower_expr(lower *l, TSNode node);
static void lower_body(lower *l, opsc_body *out, TSNode node);

/* ------------------------------------------------------------ node helpers */

static opsc_cst_kind kind(const lower *l, TSNode n) { return opsc_cst_kind_of(l->names, n); }

static opsc_span span(const lower *l, TSNode n) { return opsc_cst_span(l->ctx, l->file, n); }

static const char *text(const lower *l, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	return opsc_arena_strndup(l->ctx->arena, l->text + a, b - a);
}

/* The first child whose field is `f`, or a null node. No cursor: a cursor
 * allocates, and this runs several times per node. */
static TSNode field(const lower *l, TSNode n, opsc_cst_field f)
{
	TSNode none = { 0 };
	TSFieldId id = l->names->field_id[f];
	return id ? ts_node_child_by_field_id(n, id) : none;
}

static bool is_null(TSNode n) { return ts_node_is_null(n); }

/* Named, non-comment children, collected into `out` (heap array). */
typedef opsc_array(TSNode) node_list;

static void children(const lower *l, TSNode n, node_list *out)
{
	opsc_array_clear(out);
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if (ts_node_is_named(ch) && kind(l, ch) != OPSC_CST_COMMENT)
				opsc_array_push(out, ch);
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
}

/* Bytes an expression of each kind needs: its header and its own member of
 * the union. Most expressions are names and literals, a third or less of
 * the whole struct; nothing copies an opsc_expr by value, so the rest of
 * the union is never read. */
#define EXPR_SIZE(m) (offsetof(opsc_expr, m) + sizeof(((opsc_expr *)0)->m))
static const size_t expr_size[] = {
	[OPSC_EXPR_STRING] = EXPR_SIZE(str), [OPSC_EXPR_NUMBER] = EXPR_SIZE(num),
	[OPSC_EXPR_UNIT] = EXPR_SIZE(num), [OPSC_EXPR_PERCENT] = EXPR_SIZE(num),
	[OPSC_EXPR_PORT] = EXPR_SIZE(port), [OPSC_EXPR_BOOL] = EXPR_SIZE(boolean),
	[OPSC_EXPR_NULL] = EXPR_SIZE(boolean), [OPSC_EXPR_IDENT] = EXPR_SIZE(ident),
	[OPSC_EXPR_MEMBER] = EXPR_SIZE(member), [OPSC_EXPR_INDEX] = EXPR_SIZE(index),
	[OPSC_EXPR_CALL] = EXPR_SIZE(call), [OPSC_EXPR_LIST] = EXPR_SIZE(list),
	[OPSC_EXPR_MAP] = EXPR_SIZE(map), [OPSC_EXPR_UNARY] = EXPR_SIZE(unary),
	[OPSC_EXPR_BINARY] = EXPR_SIZE(binary), [OPSC_EXPR_QUANT] = EXPR_SIZE(quant),
};
_Static_assert(sizeof expr_size / sizeof *expr_size == OPSC_EXPR_QUANT + 1, "one size per expression kind");

static opsc_expr *new_expr(lower *l, opsc_expr_kind k, TSNode n)
{
	opsc_expr *e = opsc_arena_alloc(l->ctx->arena, expr_size[k]);
	e->kind = k;
	e->span = span(l, n);
	return e;
}

/* Deeply nested input (10,000 brackets) must not exhaust the C stack: past
 * OPSC_MAX_DEPTH the subtree is reported once and replaced by null. */
static bool enter(lower *l, TSNode n)
{
	if (l->depth >= OPSC_MAX_DEPTH) {
		if (!l->too_deep)
			opsc_diag_error(&l->ctx->diags, "nesting-too-deep", span(l, n),
					"nesting is deeper than %d levels", OPSC_MAX_DEPTH);
		l->too_deep = true;
		return false;
	}
	l->depth++;
	return true;
}

/* ----------------------------------------------------------------- strings */

typedef opsc_array(opsc_str_part) part_list;
typedef opsc_array(char) char_buf;

static void append(char_buf *b, const char *s, size_t n)
{
	opsc_array_reserve(b, (uint32_t)n);
	memcpy(b->items + b->len, s, n);
	b->len += (uint32_t)n;
}

static void append_utf8(char_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	append(b, u, n);
}

/* escape_sequence: '\' ( [\\"nrt$] | u{HEX} ) */
static void unescape(const char *s, uint32_t n, char_buf *b)
{
	static const char from[] = "\\\"nrt$", to[] = "\\\"\n\r\t$";
	if (n >= 2 && s[1] == 'u') {
		append_utf8(b, strtoul(s + 3, NULL, 16));
		return;
	}
	const char *p = n >= 2 ? strchr(from, s[1]) : NULL;
	if (p)
		append(b, &to[p - from], 1);
}

static void flush_text(lower *l, part_list *parts, char_buf *buf, opsc_span at)
{
	if (!buf->len)
		return;
	opsc_str_part p = { .text = opsc_arena_strndup(l->ctx->arena, buf->items, buf->len),
			     .len = buf->len, .span = at };
	opsc_array_push(parts, p);
	opsc_array_clear(buf);
}

/* string: '"' (string_content | escape_sequence | interpolation)* '"'
 * raw_string: '`' (string_content | interpolation)* '`'
 * `$${x}` is a literal `${x}`: the lone `$` before an interpolation escapes it. */
static opsc_expr *lower_string(lower *l, TSNode n, bool raw)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_STRING, n);
	part_list parts = { 0 };
	char_buf buf = { 0 };
	node_list kids = { 0 };
	children(l, n, &kids);
	opsc_span at = e->span;
	for (uint32_t i = 0; i < kids.len; i++) {
		TSNode k = kids.items[i];
		uint32_t a = ts_node_start_byte(k), b = ts_node_end_byte(k);
		switch (kind(l, k)) {
		case OPSC_CST_STRING_CONTENT:
			if (!buf.len)
				at = span(l, k);
			if (b - a == 1 && l->text[a] == '$' && i + 1 < kids.len &&
			    kind(l, kids.items[i + 1]) == OPSC_CST_INTERPOLATION) {
				TSNode in = kids.items[++i];
				uint32_t ia = ts_node_start_byte(in), ib = ts_node_end_byte(in);
				append(&buf, l->text + ia, ib - ia);
			} else {
				append(&buf, l->text + a, b - a);
			}
			break;
		case OPSC_CST_ESCAPE_SEQUENCE:
			if (!buf.len)
				at = span(l, k);
			unescape(l->text + a, b - a, &buf);
			break;
		case OPSC_CST_INTERPOLATION: {
			flush_text(l, &parts, &buf, at);
			node_list inner = { 0 };
			children(l, k, &inner);
			opsc_str_part p = { .expr = inner.len ? lower_expr(l, inner.items[0]) : NULL, .span = span(l, k) };
			opsc_array_free(&inner);
			if (p.expr)
				opsc_array_push(&parts, p);
			break;
		}
		default:
			break;
		}
	}
	flush_text(l, &parts, &buf, at);
	e->str.raw = raw;
	e->str.nparts = parts.len;
	if (parts.len == 0) {
		e->str.value = "";
	} else if (parts.len == 1 && !parts.items[0].expr) {
		e->str.value = parts.items[0].text;
		e->str.len = parts.items[0].len;
	}
	e->str.parts = opsc_array_to_arena(l->ctx->arena, &parts);
	opsc_array_free(&buf);
	opsc_array_free(&kids);
	return e;
}

/* ----------------------------------------------------------------- numbers */

/* number | unit_number | percent: the leading decimal, then the unit. */
static opsc_expr *lower_number(lower *l, TSNode n, opsc_expr_kind k)
{
	opsc_expr *e = new_expr(l, k, n);
	const char *t = text(l, n);
	char *end;
	e->num.text = t;
	e->num.value = strtod(t, &end);
	e->num.unit = k == OPSC_EXPR_UNIT ? end : "";
	return e;
}

/* port: digits ('-' digits)? '/' protocol */
static opsc_expr *lower_port(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_PORT, n);
	const char *t = text(l, n);
	char *end;
	unsigned long from = strtoul(t, &end, 10), to = from;
	if (*end == '-')
		to = strtoul(end + 1, &end, 10);
	e->port.from = from > UINT32_MAX ? UINT32_MAX : (uint32_t)from;
	e->port.to = to > UINT32_MAX ? UINT32_MAX : (uint32_t)to;
	e->port.protocol = *end == '/' ? end + 1 : end;
	return e;
}

/* -------------------------------------------------------------- operators */

static const struct {
	const char *text;
	opsc_op op;
} binary_ops[] = {
	{ "||", OPSC_OP_OR }, { "or", OPSC_OP_OR }, { "&&", OPSC_OP_AND }, { "and", OPSC_OP_AND },
	{ "==", OPSC_OP_EQ }, { "!=", OPSC_OP_NE }, { "<", OPSC_OP_LT }, { "<=", OPSC_OP_LE },
	{ ">", OPSC_OP_GT }, { ">=", OPSC_OP_GE }, { "=~", OPSC_OP_MATCH }, { "!~", OPSC_OP_NMATCH },
	{ "+", OPSC_OP_ADD }, { "-", OPSC_OP_SUB }, { "*", OPSC_OP_MUL }, { "/", OPSC_OP_DIV },
	{ "not", OPSC_OP_NOT }, { "!", OPSC_OP_NOT },
};

static opsc_op op_of(const lower *l, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	for (size_t i = 0; i < sizeof binary_ops / sizeof *binary_ops; i++)
		if (strlen(binary_ops[i].text) == b - a && memcmp(binary_ops[i].text, l->text + a, b - a) == 0)
			return binary_ops[i].op;
	return OPSC_OP_NEG;
}

/* binary: EXPR op EXPR | 'not' EXPR */
static opsc_expr *lower_binary(lower *l, TSNode n)
{
	TSNode left = field(l, n, OPSC_FIELD_LEFT), op = field(l, n, OPSC_FIELD_OPERATOR);
	TSNode right = field(l, n, OPSC_FIELD_RIGHT);
	if (is_null(left)) { /* prefix `not` */
		opsc_expr *e = new_expr(l, OPSC_EXPR_UNARY, n);
		e->unary.op = OPSC_OP_NOT;
		e->unary.operand = lower_expr(l, right);
		return e;
	}
	opsc_expr *e = new_expr(l, OPSC_EXPR_BINARY, n);
	e->binary.op = op_of(l, op);
	e->binary.op_span = span(l, op);
	e->binary.left = lower_expr(l, left);
	e->binary.right = lower_expr(l, right);
	return e;
}

/* unary: ('!' | '-') EXPR */
static opsc_expr *lower_unary(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_UNARY, n);
	TSNode op = field(l, n, OPSC_FIELD_OPERATOR);
	e->unary.op = l->text[ts_node_start_byte(op)] == '-' ? OPSC_OP_NEG : OPSC_OP_NOT;
	e->unary.operand = lower_expr(l, field(l, n, OPSC_FIELD_OPERAND));
	return e;
}

/* quantifier: (all|any|none|count) '(' x 'in' EXPR ('where' EXPR)? (':' EXPR)? ')' */
static opsc_expr *lower_quantifier(lower *l, TSNode n)
{
	static const char *names[] = { "all", "any", "none", "count" };
	opsc_expr *e = new_expr(l, OPSC_EXPR_QUANT, n);
	TSNode k = field(l, n, OPSC_FIELD_KIND), var = field(l, n, OPSC_FIELD_VARIABLE);
	const char *kt = text(l, k);
	for (int i = 0; i < 4; i++)
		if (strcmp(kt, names[i]) == 0)
			e->quant.kind = (opsc_quant)i;
	e->quant.var = text(l, var);
	e->quant.var_span = span(l, var);
	e->quant.collection = lower_expr(l, field(l, n, OPSC_FIELD_COLLECTION));
	TSNode f = field(l, n, OPSC_FIELD_FILTER), p = field(l, n, OPSC_FIELD_PREDICATE);
	e->quant.filter = is_null(f) ? NULL : lower_expr(l, f);
	e->quant.predicate = is_null(p) ? NULL : lower_expr(l, p);
	return e;
}

/* --------------------------------------------------------- composite exprs */

static opsc_expr **lower_exprs(lower *l, const node_list *nodes, uint32_t from, uint32_t *out_len)
{
	uint32_t n = nodes->len > from ? nodes->len - from : 0;
	opsc_expr **items = n ? opsc_arena_alloc(l->ctx->arena, n * sizeof *items) : NULL;
	for (uint32_t i = 0; i < n; i++)
		items[i] = lower_expr(l, nodes->items[from + i]);
	*out_len = n;
	return items;
}

/* list: '[' EXPR,* ']' */
static opsc_expr *lower_list(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_LIST, n);
	node_list kids = { 0 };
	children(l, n, &kids);
	e->list.items = lower_exprs(l, &kids, 0, &e->list.len);
	opsc_array_free(&kids);
	return e;
}

/* call: identifier '(' EXPR,* ')' */
static opsc_expr *lower_call(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_CALL, n);
	TSNode fn = field(l, n, OPSC_FIELD_FUNCTION);
	e->call.name = text(l, fn);
	e->call.name_span = span(l, fn);
	node_list kids = { 0 };
	children(l, n, &kids);
	e->call.args = lower_exprs(l, &kids, 1, &e->call.nargs);
	opsc_array_free(&kids);
	return e;
}

static const char *key_text(lower *l, TSNode k)
{
	if (kind(l, k) == OPSC_CST_STRING) {
		opsc_expr *s = lower_string(l, k, false);
		return s->str.value ? s->str.value : text(l, k);
	}
	return text(l, k);
}

/* map: '{' (KEY '=' EXPR),* '}' */
static opsc_expr *lower_map(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_MAP, n);
	node_list kids = { 0 };
	children(l, n, &kids);
	e->map.pairs = kids.len ? opsc_arena_alloc(l->ctx->arena, kids.len * sizeof(opsc_pair)) : NULL;
	for (uint32_t i = 0; i < kids.len; i++) {
		if (kind(l, kids.items[i]) != OPSC_CST_PAIR || ts_node_has_error(kids.items[i]))
			continue;
		TSNode k = field(l, kids.items[i], OPSC_FIELD_KEY);
		opsc_pair *p = &e->map.pairs[e->map.len++];
		p->key = key_text(l, k);
		p->key_span = span(l, k);
		p->value = lower_expr(l, field(l, kids.items[i], OPSC_FIELD_VALUE));
	}
	opsc_array_free(&kids);
	return e;
}

/* reference: OBJECT '.' member */
static opsc_expr *lower_reference(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_MEMBER, n);
	TSNode m = field(l, n, OPSC_FIELD_MEMBER);
	e->member.object = lower_expr(l, field(l, n, OPSC_FIELD_OBJECT));
	e->member.name = text(l, m);
	e->member.name_span = span(l, m);
	return e;
}

/* index: OBJECT '[' EXPR ']' */
static opsc_expr *lower_index(lower *l, TSNode n)
{
	opsc_expr *e = new_expr(l, OPSC_EXPR_INDEX, n);
	e->index.object = lower_expr(l, field(l, n, OPSC_FIELD_OBJECT));
	e->index.index = lower_expr(l, field(l, n, OPSC_FIELD_INDEX));
	return e;
}

static opsc_expr *lower_leaf(lower *l, TSNode n, opsc_cst_kind k)
{
	opsc_expr *e;
	switch (k) {
	case OPSC_CST_BOOLEAN:
		e = new_expr(l, OPSC_EXPR_BOOL, n);
		e->boolean = l->text[ts_node_start_byte(n)] == 't';
		return e;
	case OPSC_CST_NULL_:
		return new_expr(l, OPSC_EXPR_NULL, n);
	default:
		e = new_expr(l, OPSC_EXPR_IDENT, n);
		e->ident = text(l, n);
		return e;
	}
}

/* _expression: one lowering function per alternative of the grammar rule. */
static opsc_expr *lower_expr_kind(lower *l, TSNode n)
{
	opsc_cst_kind k = kind(l, n);
	switch (k) {
	case OPSC_CST_STRING: return lower_string(l, n, false);
	case OPSC_CST_RAW_STRING: return lower_string(l, n, true);
	case OPSC_CST_NUMBER: return lower_number(l, n, OPSC_EXPR_NUMBER);
	case OPSC_CST_UNIT_NUMBER: return lower_number(l, n, OPSC_EXPR_UNIT);
	case OPSC_CST_PERCENT: return lower_number(l, n, OPSC_EXPR_PERCENT);
	case OPSC_CST_PORT: return lower_port(l, n);
	case OPSC_CST_REFERENCE: return lower_reference(l, n);
	case OPSC_CST_INDEX: return lower_index(l, n);
	case OPSC_CST_CALL: return lower_call(l, n);
	case OPSC_CST_LIST: return lower_list(l, n);
	case OPSC_CST_MAP: return lower_map(l, n);
	case OPSC_CST_UNARY: return lower_unary(l, n);
	case OPSC_CST_BINARY: return lower_binary(l, n);
	case OPSC_CST_QUANTIFIER: return lower_quantifier(l, n);
	case OPSC_CST_PARENTHESIZED: {
		node_list kids = { 0 };
		children(l, n, &kids);
		opsc_expr *e = kids.len ? lower_expr(l, kids.items[0]) : new_expr(l, OPSC_EXPR_NULL, n);
		opsc_array_free(&kids);
		return e;
	}
	default: return lower_leaf(l, n, k);
	}
}

static opsc_expr *lower_expr(lower *l, TSNode n)
{
	if (is_null(n))
		return NULL;
	if (!enter(l, n))
		return NULL;
	opsc_expr *e = lower_expr_kind(l, n);
	l->depth--;
	return e;
}

/* -------------------------------------------------------------- statements */

/* block: identifier label* body */
static opsc_block *lower_block(lower *l, TSNode n)
{
	opsc_block *b = opsc_arena_alloc(l->ctx->arena, sizeof *b);
	TSNode type = field(l, n, OPSC_FIELD_TYPE);
	b->type = text(l, type);
	b->type_span = span(l, type);
	opsc_array(opsc_label) labels = { 0 };
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSFieldId id = ts_tree_cursor_current_field_id(&c);
			if (!id || id >= l->names->nfields || l->names->field_of[id] != OPSC_FIELD_LABEL)
				continue;
			TSNode ln = ts_tree_cursor_current_node(&c);
			opsc_label lab = { OPSC_LABEL_IDENT, NULL, lower_expr(l, ln), span(l, ln) };
			opsc_cst_kind k = kind(l, ln);
			lab.kind = k == OPSC_CST_STRING ? OPSC_LABEL_STRING
				 : k == OPSC_CST_REFERENCE ? OPSC_LABEL_REF : OPSC_LABEL_IDENT;
			lab.text = lab.kind == OPSC_LABEL_STRING && lab.expr && lab.expr->str.value
					   ? lab.expr->str.value : text(l, ln);
			opsc_array_push(&labels, lab);
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	b->nlabels = labels.len;
	b->labels = opsc_array_to_arena(l->ctx->arena, &labels);
	lower_body(l, &b->body, field(l, n, OPSC_FIELD_BODY));
	return b;
}

/* param: 'param' name (':' type)? ('=' EXPR)? */
static void lower_param(lower *l, opsc_stmt *s, TSNode n)
{
	TSNode name = field(l, n, OPSC_FIELD_NAME), type = field(l, n, OPSC_FIELD_TYPE);
	s->param.name = text(l, name);
	s->param.name_span = span(l, name);
	if (!is_null(type)) {
		s->param.type = text(l, type);
		s->param.type_span = span(l, type);
	}
	s->param.default_value = lower_expr(l, field(l, n, OPSC_FIELD_DEFAULT));
}

/* import: 'import' string ('as' name)? */
static void lower_import(lower *l, opsc_stmt *s, TSNode n)
{
	TSNode path = field(l, n, OPSC_FIELD_PATH), alias = field(l, n, OPSC_FIELD_ALIAS);
	opsc_expr *p = lower_string(l, path, false);
	s->import.path = p->str.value ? p->str.value : "";
	s->import.path_span = p->span;
	if (!is_null(alias)) {
		s->import.alias = text(l, alias);
		s->import.alias_span = span(l, alias);
	}
}

/* for: 'for' x 'in' EXPR ('where' EXPR)? body */
static void lower_for(lower *l, opsc_stmt *s, TSNode n)
{
	TSNode var = field(l, n, OPSC_FIELD_VARIABLE), f = field(l, n, OPSC_FIELD_FILTER);
	s->loop.var = text(l, var);
	s->loop.var_span = span(l, var);
	s->loop.collection = lower_expr(l, field(l, n, OPSC_FIELD_COLLECTION));
	s->loop.filter = is_null(f) ? NULL : lower_expr(l, f);
	lower_body(l, &s->loop.body, field(l, n, OPSC_FIELD_BODY));
}

static bool lower_stmt(lower *l, opsc_stmt *s, TSNode n)
{
	s->span = span(l, n);
	switch (kind(l, n)) {
	case OPSC_CST_ATTRIBUTE: {
		TSNode name = field(l, n, OPSC_FIELD_NAME);
		s->kind = OPSC_STMT_ATTR;
		s->attr.name = text(l, name);
		s->attr.name_span = span(l, name);
		s->attr.value = lower_expr(l, field(l, n, OPSC_FIELD_VALUE));
		return s->attr.value != NULL;
	}
	case OPSC_CST_BLOCK:
		s->kind = OPSC_STMT_BLOCK;
		s->block = lower_block(l, n);
		return true;
	case OPSC_CST_PARAM:
		s->kind = OPSC_STMT_PARAM;
		lower_param(l, s, n);
		return true;
	case OPSC_CST_IMPORT:
		s->kind = OPSC_STMT_IMPORT;
		lower_import(l, s, n);
		return true;
	case OPSC_CST_WHEN:
		s->kind = OPSC_STMT_WHEN;
		s->when.condition = lower_expr(l, field(l, n, OPSC_FIELD_CONDITION));
		lower_body(l, &s->when.body, field(l, n, OPSC_FIELD_BODY));
		return s->when.condition != NULL;
	case OPSC_CST_FOR:
		s->kind = OPSC_STMT_FOR;
		lower_for(l, s, n);
		return s->loop.collection != NULL;
	case OPSC_CST_REQUIRE:
	case OPSC_CST_DENY:
		s->kind = kind(l, n) == OPSC_CST_REQUIRE ? OPSC_STMT_REQUIRE : OPSC_STMT_DENY;
		s->check.condition = lower_expr(l, field(l, n, OPSC_FIELD_CONDITION));
		s->check.message = lower_expr(l, field(l, n, OPSC_FIELD_MESSAGE));
		return s->check.condition != NULL;
	default:
		return false; /* ERROR nodes and stray tokens: reported by syntax.c */
	}
}

/* The statements of a body node (or of source_file) appended to `out`. */
static void lower_stmts(lower *l, opsc_stmt_list *out, bool *incomplete, opsc_span *open, opsc_span *close,
			TSNode n)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			opsc_cst_kind k = kind(l, ch);
			if (!ts_node_is_named(ch)) {
				if (ts_node_is_missing(ch))
					*incomplete = true;
				else if (l->text[ts_node_start_byte(ch)] == '{')
					*open = span(l, ch);
				else if (l->text[ts_node_start_byte(ch)] == '}')
					*close = span(l, ch);
				continue;
			}
			if (k == OPSC_CST_COMMENT)
				continue;
			if (ts_node_has_error(ch) && k != OPSC_CST_BLOCK) {
				*incomplete = true;
				continue;
			}
			opsc_stmt s = { 0 };
			if (lower_stmt(l, &s, ch))
				opsc_array_push(out, s);
			else
				*incomplete = true;
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
}

/* body: '{' statement* '}' */
static void lower_body(lower *l, opsc_body *out, TSNode n)
{
	memset(out, 0, sizeof *out);
	if (is_null(n))
		return;
	if (!enter(l, n)) {
		out->incomplete = true;
		return;
	}
	opsc_stmt_list stmts = { 0 };
	lower_stmts(l, &stmts, &out->incomplete, &out->open, &out->close, n);
	out->len = stmts.len;
	out->items = opsc_array_to_arena(l->ctx->arena, &stmts);
	l->depth--;
}

/* ------------------------------------------------------------------- entry */

void opsc_parse_lower(opsc_ctx *ctx, const opsc_cst_names *names, uint32_t file, const char *text, TSNode root,
		      opsc_stmt_list *out, bool *incomplete)
{
	lower l = { ctx, file, text, names, 0, false };
	opsc_span none = OPSC_NO_SPAN;
	lower_stmts(&l, out, incomplete, &none, &none, root);
}
