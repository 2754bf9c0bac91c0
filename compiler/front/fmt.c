/*
 * fmt.c - `opsc fmt`: print the CST back in the canonical layout.
 *
 *   - two spaces of indentation; one statement per line
 *   - blocks `type "label" {` ... `}`; an empty body is `{}`
 *   - at most one blank line kept between statements, none after `{` or
 *     before `}`; top-level blocks separated by one blank line
 *   - lists and maps stay on one line unless they were written over several
 *     lines (then one item per line, with a trailing comma)
 *   - comments stay on their own line or at the end of theirs
 *   - literals, strings and raw strings are copied as written; an expression
 *     with a comment inside, or written over several lines, is copied too
 */
#include "fmt.h"

#include <string.h>

#include "util.h"
#include "cst.h"
#include "parse.h"

typedef opsc_array(TSNode) node_list;

typedef struct {
	const char *text;
	const opsc_cst_names *names;
	opsc_array(char) out;
	int indent;
	bool too_deep;
	uint32_t depth;
} printer;

static void put(printer *p, const char *s, size_t n)
{
	opsc_array_reserve(&p->out, (uint32_t)n);
	memcpy(p->out.items + p->out.len, s, n);
	p->out.len += (uint32_t)n;
}

static void puts_(printer *p, const char *s) { put(p, s, strlen(s)); }

static void node_text(printer *p, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	put(p, p->text + a, b - a);
}

static void newline(printer *p)
{
	while (p->out.len && p->out.items[p->out.len - 1] == ' ')
		p->out.len--;
	puts_(p, "\n");
	for (int i = 0; i < p->indent; i++)
		puts_(p, "  ");
}

static opsc_cst_kind kind(const printer *p, TSNode n) { return opsc_cst_kind_of(p->names, n); }

/* All children of `n` through a cursor: ts_node_child(n, i) is linear in i. */
static void kids(TSNode n, node_list *out)
{
	opsc_array_clear(out);
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c))
		do
			opsc_array_push(out, ts_tree_cursor_current_node(&c));
		while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
}

static bool has_comment(const printer *p, TSNode n)
{
	uint32_t count = ts_node_child_count(n);
	for (uint32_t i = 0; i < count; i++) {
		TSNode c = ts_node_child(n, i);
		if (kind(p, c) == OPSC_CST_COMMENT || has_comment(p, c))
			return true;
	}
	return false;
}

static bool multiline(TSNode n) { return ts_node_start_point(n).row != ts_node_end_point(n).row; }

static void expr(printer *p, TSNode n);
static void body(printer *p, TSNode n);

static void item(printer *p, TSNode c)
{
	if (kind(p, c) != OPSC_CST_PAIR) {
		expr(p, c);
		return;
	}
	node_text(p, ts_node_child_by_field_name(c, "key", 3));
	puts_(p, " = ");
	expr(p, ts_node_child_by_field_name(c, "value", 5));
}

/* [a, b] / { k = v }: one line, or one item per line if written so. */
static void sequence(printer *p, TSNode n, const char *open, const char *close, bool spaced)
{
	node_list all = { 0 };
	kids(n, &all);
	uint32_t items = 0;
	for (uint32_t i = 0; i < all.len; i++)
		items += ts_node_is_named(all.items[i]);
	puts_(p, open);
	if (items == 0) {
		puts_(p, close);
		opsc_array_free(&all);
		return;
	}
	bool lines = multiline(n) || has_comment(p, n);
	p->indent++;
	bool first = true;
	uint32_t last_row = ts_node_start_point(n).row;
	for (uint32_t i = 0; i < all.len; i++) {
		TSNode c = all.items[i];
		if (!ts_node_is_named(c))
			continue;
		bool comment = kind(p, c) == OPSC_CST_COMMENT;
		if (!lines)
			puts_(p, first ? (spaced ? " " : "") : ", ");
		else if (comment && ts_node_start_point(c).row == last_row && !first)
			puts_(p, " ");
		else
			newline(p);
		if (comment) {
			node_text(p, c);
		} else {
			item(p, c);
			if (lines)
				puts_(p, ",");
			first = false;
		}
		last_row = ts_node_end_point(c).row;
	}
	p->indent--;
	if (lines)
		newline(p);
	else if (spaced)
		puts_(p, " ");
	puts_(p, close);
	opsc_array_free(&all);
}

/* call and quantifier: NAME(...) with canonical spacing inside. */
static void call_like(printer *p, TSNode n)
{
	node_list all = { 0 };
	kids(n, &all);
	for (uint32_t i = 0; i < all.len; i++) {
		TSNode c = all.items[i];
		const char *t = ts_node_type(c);
		if (ts_node_is_named(c) && i > 0)
			expr(p, c);
		else if (strcmp(t, ",") == 0)
			puts_(p, ", ");
		else if (strcmp(t, "in") == 0 || strcmp(t, "where") == 0 || strcmp(t, ":") == 0) {
			puts_(p, " ");
			puts_(p, t);
			puts_(p, " ");
		} else
			node_text(p, c);
	}
	opsc_array_free(&all);
}

static void expr_kind(printer *p, TSNode n)
{
	opsc_cst_kind k = kind(p, n);
	if (k == OPSC_CST_LIST) {
		sequence(p, n, "[", "]", false);
		return;
	}
	if (k == OPSC_CST_MAP) {
		sequence(p, n, "{", "}", true);
		return;
	}
	bool composite = k == OPSC_CST_BINARY || k == OPSC_CST_QUANTIFIER || k == OPSC_CST_CALL ||
			 k == OPSC_CST_UNARY || k == OPSC_CST_PARENTHESIZED;
	if (!composite || has_comment(p, n) || multiline(n)) {
		node_text(p, n); /* as written */
		return;
	}
	if (k == OPSC_CST_BINARY) {
		node_list all = { 0 };
		kids(n, &all);
		for (uint32_t i = 0; i < all.len; i++) {
			if (i)
				puts_(p, " ");
			if (ts_node_is_named(all.items[i]))
				expr(p, all.items[i]);
			else
				node_text(p, all.items[i]);
		}
		opsc_array_free(&all);
	} else if (k == OPSC_CST_UNARY) {
		node_text(p, ts_node_child(n, 0));
		expr(p, ts_node_child(n, 1));
	} else if (k == OPSC_CST_PARENTHESIZED) {
		puts_(p, "(");
		expr(p, ts_node_named_child(n, 0));
		puts_(p, ")");
	} else {
		call_like(p, n);
	}
}

static void expr(printer *p, TSNode n)
{
	if (p->depth >= OPSC_MAX_DEPTH) {
		p->too_deep = true;
		node_text(p, n);
		return;
	}
	p->depth++;
	expr_kind(p, n);
	p->depth--;
}

/* One statement, without its line break. */
static void statement(printer *p, TSNode n)
{
	opsc_cst_kind k = kind(p, n);
	node_list all = { 0 };
	kids(n, &all);
	for (uint32_t i = 0; i < all.len; i++) {
		TSNode c = all.items[i];
		opsc_cst_kind ck = kind(p, c);
		if (i)
			puts_(p, " ");
		if (ck == OPSC_CST_BODY)
			body(p, c);
		else if (ts_node_is_named(c) && ck != OPSC_CST_COMMENT && k != OPSC_CST_BLOCK && k != OPSC_CST_IMPORT)
			expr(p, c);
		else
			node_text(p, c);
	}
	opsc_array_free(&all);
}

/* Statements of a body (or the file): one per line, comments kept. */
static void statements(printer *p, TSNode n, bool top)
{
	node_list all = { 0 };
	kids(n, &all);
	int prev_row = -1;
	opsc_cst_kind prev_kind = OPSC_CST_OTHER;
	bool first = true;
	for (uint32_t i = 0; i < all.len; i++) {
		TSNode c = all.items[i];
		if (!ts_node_is_named(c))
			continue;
		opsc_cst_kind k = kind(p, c);
		int row = (int)ts_node_start_point(c).row;
		if (k == OPSC_CST_COMMENT && row == prev_row && !first) {
			puts_(p, " ");
			node_text(p, c);
			continue;
		}
		if (!first) {
			bool blank = row > prev_row + 1;
			if (top && (k == OPSC_CST_BLOCK || prev_kind == OPSC_CST_BLOCK) && prev_kind != OPSC_CST_COMMENT)
				blank = true;
			if (blank)
				puts_(p, "\n");
		}
		if (!first || !top)
			newline(p);
		if (k == OPSC_CST_COMMENT)
			node_text(p, c);
		else
			statement(p, c);
		first = false;
		prev_row = (int)ts_node_end_point(c).row;
		prev_kind = k;
	}
	opsc_array_free(&all);
}

static void body(printer *p, TSNode n)
{
	if (ts_node_named_child_count(n) == 0) {
		puts_(p, "{}");
		return;
	}
	if (p->depth >= OPSC_MAX_DEPTH) {
		p->too_deep = true;
		node_text(p, n);
		return;
	}
	p->depth++;
	puts_(p, "{");
	p->indent++;
	statements(p, n, false);
	p->indent--;
	newline(p);
	puts_(p, "}");
	p->depth--;
}

int opsc_fmt_format(char **out, size_t *out_len, opsc_ctx *ctx, uint32_t file)
{
	const opsc_source *src = opsc_sources_get(&ctx->sources, file);
	opsc_ast_file ast;
	uint32_t errors = ctx->diags.errors;
	int rc = opsc_parse(&ast, ctx, file); /* reports syntax errors */
	if (rc < 0)
		return rc;
	if (ctx->diags.errors > errors)
		return OPSC_FMT_SYNTAX_ERROR;
	opsc_cst_names names;
	opsc_cst_names_init(&names, tree_sitter_ops());
	TSParser *parser = ts_parser_new();
	ts_parser_set_language(parser, tree_sitter_ops());
	TSTree *tree = ts_parser_parse_string(parser, NULL, src->text, src->len);
	printer p = { src->text, &names, { 0 }, 0, false, 0 };
	if (tree) {
		statements(&p, ts_tree_root_node(tree), true);
		if (p.out.len)
			puts_(&p, "\n");
	}
	ts_tree_delete(tree);
	ts_parser_delete(parser);
	opsc_cst_names_dispose(&names);
	if (!tree || p.too_deep) {
		opsc_diag_error(&ctx->diags, "too-complex", opsc_source_span(&ctx->sources, file, 0, 0),
				"the file is nested too deeply to format");
		opsc_array_free(&p.out);
		return OPSC_FMT_SYNTAX_ERROR;
	}
	opsc_array_push(&p.out, '\0');
	*out = p.out.items;
	*out_len = p.out.len - 1;
	return OPSC_FMT_OK;
}
