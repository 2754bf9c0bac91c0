/*
 * syntax.c - tree-sitter's ERROR and MISSING nodes turned into sentences.
 *
 * tree-sitter recovers from errors by wrapping what it could not place in
 * ERROR nodes and by inventing zero-width MISSING tokens. Neither says what
 * went wrong in a user's terms, so each is described from its context: the
 * bracket it fails to close, the construct it sits in, the token it starts
 * with. The walk is iterative: 10,000-deep input must not exhaust the stack.
 */
#include <stdio.h>
#include <string.h>

#include "cst.h"

enum { MAX_SYNTAX_ERRORS = 50, MAX_SHOWN_TOKEN = 24 };

typedef struct {
	opsc_ctx *ctx;
	uint32_t file;
	const opsc_source *src;
	const opsc_cst_names *names;
	uint32_t count;
} reporter;

static opsc_span node_span(const reporter *r, TSNode n) { return opsc_cst_span(r->ctx, r->file, n); }

static bool is_error(TSNode n) { return ts_node_symbol(n) == (TSSymbol)-1; }

/* The construct a node sits in, in words. */
static const char *context_of(const reporter *r, TSNode n)
{
	for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
		switch (opsc_cst_kind_of(r->names, p)) {
		case OPSC_CST_SOURCE_FILE: return "at the top level, where `import`, `param` or a block like `environment \"name\" { ... }` is expected";
		case OPSC_CST_BODY: return "in a block body, where an attribute (`name = value`), a nested block or a statement is expected";
		case OPSC_CST_LIST: return "in a list, where a value or `]` is expected";
		case OPSC_CST_MAP: return "in a map, where `key = value` or `}` is expected";
		case OPSC_CST_CALL: return "in the arguments of a call, where a value or `)` is expected";
		case OPSC_CST_STRING:
		case OPSC_CST_RAW_STRING: return "in a string";
		case OPSC_CST_ATTRIBUTE: return "after `=`, where a value is expected";
		default: break;
		}
	}
	return "here";
}

/* The first leaf of `n`: the token the parser could not place. */
static TSNode first_leaf(TSNode n)
{
	while (ts_node_child_count(n) > 0)
		n = ts_node_child(n, 0);
	return n;
}

/* `text` quoted for a message: control bytes escaped, long tokens cut. */
static const char *quote_token(const reporter *r, uint32_t start, uint32_t end)
{
	char buf[MAX_SHOWN_TOKEN * 4 + 8];
	size_t o = 0;
	for (uint32_t i = start; i < end && i < start + MAX_SHOWN_TOKEN; i++) {
		unsigned char c = (unsigned char)r->src->text[i];
		if (c == '\n' || c == '\r')
			break;
		if (c < 0x20 || c == 0x7f || c >= 0x80)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	if (end - start > MAX_SHOWN_TOKEN)
		return opsc_arena_printf(r->ctx->arena, "`%s...`", buf);
	return opsc_arena_printf(r->ctx->arena, "`%s`", buf);
}

/* The opening bracket that a MISSING closer would close: the first child of
 * its parent whose text is `open`. */
static bool find_opener(const reporter *r, TSNode missing, char open, opsc_span *out)
{
	for (TSNode p = ts_node_parent(missing); !ts_node_is_null(p); p = ts_node_parent(p)) {
		uint32_t n = ts_node_child_count(p);
		for (uint32_t i = 0; i < n; i++) {
			TSNode c = ts_node_child(p, i);
			if (!ts_node_is_named(c) && !ts_node_is_missing(c) &&
			    ts_node_end_byte(c) - ts_node_start_byte(c) == 1 &&
			    r->src->text[ts_node_start_byte(c)] == open) {
				*out = node_span(r, c);
				return true;
			}
		}
	}
	return false;
}

static const struct {
	const char *closer;
	char opener;
	const char *what;
} closers[] = {
	{ "}", '{', "the block" }, { "]", '[', "the list" }, { ")", '(', "the parenthesis" },
	{ "\"", '"', "the string" }, { "`", '`', "the raw string" },
};

/* `prev` and `next` are n's neighbours, found with the walk's cursor:
 * ts_node_prev_sibling misses the neighbours of zero-width MISSING nodes. */
static void report_missing(reporter *r, TSNode n, TSNode prev, TSNode next)
{
	const char *type = ts_node_type(n);
	opsc_span at = node_span(r, n);
	for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
		opsc_span open;
		if (strcmp(type, closers[i].closer) != 0 || !find_opener(r, n, closers[i].opener, &open))
			continue;
		uint32_t d = opsc_diag_error(&r->ctx->diags, "unclosed", at,
					     "expected `%s` to close %s opened at %u:%u", type,
					     closers[i].what, open.line, open.col);
		opsc_diag_add_note(&r->ctx->diags, d, open, "%s opened here", closers[i].what);
		return;
	}
	if (ts_node_is_named(n)) {
		/* tree-sitter fills a hole with the cheapest token, an identifier;
		 * what the user lacks depends on the neighbours. */
		if (!ts_node_is_null(next) && strcmp(ts_node_type(next), "=") == 0)
			opsc_diag_error(&r->ctx->diags, "expected", at, "expected a name before `=`");
		else if (!ts_node_is_null(prev) && !ts_node_is_named(prev))
			opsc_diag_error(&r->ctx->diags, "expected", at, "expected a value after `%s`",
					ts_node_type(prev));
		else
			opsc_diag_error(&r->ctx->diags, "expected", at, "expected a value %s", context_of(r, n));
	} else
		opsc_diag_error(&r->ctx->diags, "expected", at, "expected `%s` %s", type, context_of(r, n));
}

/* Byte offset of an unmatched `{`, `[`, `(` within [start, end), skipping
 * strings and comments; UINT32_MAX if every bracket is matched. */
static uint32_t unmatched_open(const reporter *r, uint32_t start, uint32_t end)
{
	opsc_array(uint32_t) stack = { 0 };
	const char *t = r->src->text;
	for (uint32_t i = start; i < end; i++) {
		char c = t[i];
		if (c == '"' || c == '`') {
			for (i++; i < end && t[i] != c && !(c == '"' && t[i] == '\n'); i++)
				if (c == '"' && t[i] == '\\')
					i++;
		} else if (c == '#' || (c == '/' && i + 1 < end && t[i + 1] == '/')) {
			while (i < end && t[i] != '\n')
				i++;
		} else if (c == '{' || c == '[' || c == '(') {
			opsc_array_push(&stack, i);
		} else if ((c == '}' || c == ']' || c == ')') && stack.len > 0) {
			stack.len--;
		}
	}
	uint32_t open = stack.len ? stack.items[stack.len - 1] : UINT32_MAX;
	opsc_array_free(&stack);
	return open;
}

static const char *bracket_what(char c)
{
	return c == '{' ? "block" : c == '[' ? "list" : "parenthesis";
}

static char closer_of(char c) { return c == '{' ? '}' : c == '[' ? ']' : ')'; }

static void report_error(reporter *r, TSNode n)
{
	uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
	TSNode leaf = first_leaf(n);
	opsc_span at = node_span(r, leaf);
	opsc_diags *d = &r->ctx->diags;
	/* An error running to the end of the file is almost always a bracket
	 * that is never closed: say so, at the end, pointing at the opener. */
	uint32_t open = end >= r->src->len ? unmatched_open(r, start, end) : UINT32_MAX;
	if (open != UINT32_MAX) {
		char o = r->src->text[open];
		opsc_span os = opsc_source_span(&r->ctx->sources, r->file, open, open + 1);
		opsc_span eof = opsc_source_span(&r->ctx->sources, r->file, r->src->len, r->src->len);
		uint32_t i = opsc_diag_error(d, "unclosed", eof, "expected `%c` to close the %s opened at %u:%u",
					     closer_of(o), bracket_what(o), os.line, os.col);
		opsc_diag_add_note(d, i, os, "the %s opened here", bracket_what(o));
		return;
	}
	/* `name = <junk>`: the name and `=` were fine, the value was not. */
	if (ts_node_child_count(n) >= 2 && strcmp(ts_node_type(ts_node_child(n, 1)), "=") == 0 &&
	    opsc_cst_kind_of(r->names, ts_node_child(n, 0)) == OPSC_CST_IDENTIFIER) {
		if (ts_node_child_count(n) == 2) {
			opsc_diag_error(d, "expected", node_span(r, ts_node_child(n, 1)), "expected a value after `=`");
			return;
		}
		leaf = first_leaf(ts_node_child(n, 2));
		at = node_span(r, leaf);
		uint32_t vs = ts_node_start_byte(leaf), ve = ts_node_end_byte(leaf);
		opsc_diag_error(d, "expected", at, "expected a value after `=`, found %s",
				quote_token(r, vs, ve > vs ? ve : vs + 1));
		return;
	}
	/* An ERROR inside the ERROR is a byte no token starts with. */
	for (uint32_t i = 0; i < ts_node_child_count(n); i++) {
		TSNode c = ts_node_child(n, i);
		if (is_error(c) && ts_node_child_count(c) == 0) {
			uint32_t cs = ts_node_start_byte(c);
			opsc_diag_error(d, "unexpected-character", node_span(r, c), "unexpected character %s %s",
					quote_token(r, cs, cs + 1), context_of(r, n));
			return;
		}
	}
	uint32_t ls = ts_node_start_byte(leaf), le = ts_node_end_byte(leaf);
	if (le == ls)
		le = ls + 1 <= r->src->len ? ls + 1 : ls;
	unsigned char c = ls < r->src->len ? (unsigned char)r->src->text[ls] : 0;
	if (c == '"' || c == '`') {
		opsc_diag_error(d, "unterminated-string", at, "unterminated %s: the closing %s is missing",
				c == '"' ? "string" : "raw string", c == '"' ? "`\"`" : "backtick");
		return;
	}
	if (ls >= r->src->len) {
		opsc_diag_error(d, "unexpected-eof", at, "unexpected end of file %s", context_of(r, n));
		return;
	}
	opsc_diag_error(d, "unexpected", at, "unexpected %s %s", quote_token(r, ls, le), context_of(r, n));
}

uint32_t opsc_syntax_utf8_len(const unsigned char *s, uint32_t n)
{
	uint32_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
		     : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (len == 0 || len > n || (len == 2 && s[0] < 0xC2))
		return 0;
	for (uint32_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((len == 3 && s[0] == 0xE0 && s[1] < 0xA0) || (len == 3 && s[0] == 0xED && s[1] >= 0xA0) ||
	    (len == 4 && s[0] == 0xF0 && s[1] < 0x90) || (len == 4 && (s[0] > 0xF4 || (s[0] == 0xF4 && s[1] >= 0x90))))
		return 0;
	return len;
}

void opsc_syntax_check_utf8(opsc_ctx *ctx, uint32_t file)
{
	const opsc_source *src = opsc_sources_get(&ctx->sources, file);
	const unsigned char *t = (const unsigned char *)src->text;
	uint32_t reported = 0;
	for (uint32_t i = 0; i < src->len;) {
		if (t[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t n = opsc_syntax_utf8_len(t + i, src->len - i);
		if (n) {
			i += n;
			continue;
		}
		if (reported++ == 10) {
			opsc_diag_error(&ctx->diags, "invalid-utf8", opsc_source_span(&ctx->sources, file, i, i + 1),
					"more invalid UTF-8 follows; is this a binary file?");
			return;
		}
		opsc_diag_error(&ctx->diags, "invalid-utf8", opsc_source_span(&ctx->sources, file, i, i + 1),
				"invalid UTF-8 byte 0x%02x: .ops files are UTF-8 text", t[i]);
		i++;
	}
}

void opsc_syntax_report(opsc_ctx *ctx, uint32_t file, const opsc_cst_names *names, TSNode root)
{
	reporter r = { ctx, file, opsc_sources_get(&ctx->sources, file), names, 0 };
	TSTreeCursor c = ts_tree_cursor_new(root);
	TSNode prev = { 0 }, none = { 0 };
	for (;;) {
		TSNode n = ts_tree_cursor_current_node(&c);
		bool descend = ts_node_has_error(n);
		if (is_error(n) || ts_node_is_missing(n)) {
			if (r.count++ == MAX_SYNTAX_ERRORS) {
				opsc_diag_error(&ctx->diags, "too-many-errors", node_span(&r, n),
						"too many syntax errors; stopping here");
				break;
			}
			if (!ts_node_is_missing(n)) {
				report_error(&r, n);
			} else {
				TSTreeCursor peek = ts_tree_cursor_copy(&c);
				TSNode next = ts_tree_cursor_goto_next_sibling(&peek) ? ts_tree_cursor_current_node(&peek) : none;
				ts_tree_cursor_delete(&peek);
				report_missing(&r, n, prev, next);
			}
			descend = false;
		}
		if (descend && ts_tree_cursor_goto_first_child(&c)) {
			prev = none;
			continue;
		}
		prev = n;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c))
				goto done;
			prev = ts_tree_cursor_current_node(&c);
		}
	}
done:
	ts_tree_cursor_delete(&c);
}
