#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "parse.h"

typedef struct {
	opsc_ctx ctx;
	opsc_program prog;
} fixture;

static const opsc_body *parse_text(fixture *f, const char *text)
{
	opsc_ctx_init(&f->ctx);
	assert_int_equal(opsc_load_text(&f->prog, &f->ctx, "t.ops", text, strlen(text)), 0);
	assert_int_equal(f->prog.len, 1);
	return &f->prog.modules[0].ast.body;
}

static void done(fixture *f) { opsc_ctx_dispose(&f->ctx); }

/* Diagnostics rendered without colour, for exact comparison. */
static char *render(fixture *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_render_opts ro = { false };
	opsc_diags_sort(&f->ctx.diags);
	opsc_diag_render_text(out, &f->ctx.sources, &f->ctx.diags, &ro);
	fclose(out);
	return buf;
}

static void assert_render(fixture *f, const char *expected)
{
	char *got = render(f);
	assert_string_equal(got, expected);
	free(got);
}

static void test_parse__block_labels_and_attributes(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "bind role.app-developer \"x\" ci {\n  in = [env.staging]\n  for = 5m\n}\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_int_equal(b->len, 1);
	const opsc_block *blk = b->items[0].block;
	assert_string_equal(blk->type, "bind");
	assert_int_equal(blk->nlabels, 3);
	assert_int_equal(blk->labels[0].kind, OPSC_LABEL_REF);
	assert_string_equal(blk->labels[0].text, "role.app-developer");
	assert_int_equal(blk->labels[1].kind, OPSC_LABEL_STRING);
	assert_string_equal(blk->labels[1].text, "x");
	assert_int_equal(blk->labels[2].kind, OPSC_LABEL_IDENT);
	assert_int_equal(blk->body.len, 2);
	const opsc_stmt *in = &blk->body.items[0];
	assert_int_equal(in->kind, OPSC_STMT_ATTR);
	assert_string_equal(in->attr.name, "in");
	assert_int_equal(in->attr.name_span.line, 2);
	assert_int_equal(in->attr.name_span.col, 3);
	assert_int_equal(in->attr.value->kind, OPSC_EXPR_LIST);
	const opsc_expr *ref = in->attr.value->list.items[0];
	assert_int_equal(ref->kind, OPSC_EXPR_MEMBER);
	assert_string_equal(ref->member.name, "staging");
	assert_string_equal(ref->member.object->ident, "env");
	const opsc_expr *dur = blk->body.items[1].attr.value;
	assert_string_equal(blk->body.items[1].attr.name, "for");
	assert_int_equal(dur->kind, OPSC_EXPR_UNIT);
	assert_true(dur->num.value == 5.0);
	assert_string_equal(dur->num.unit, "m");
	assert_int_equal(blk->body.open.line, 1);
	assert_int_equal(blk->body.close.line, 4);
	done(&f);
}

static void test_parse__literals(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "x {\n  a = 80%\n  b = 53/udp\n  c = 8000-8080/tcp\n  d = 64Gi\n"
					    "  e = true\n  f = null\n  g = 0.05\n  h = { tier = \"critical\", \"k/x\" = 1 }\n}\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	const opsc_body *x = &b->items[0].block->body;
	assert_int_equal(x->len, 8);
	assert_int_equal(x->items[0].attr.value->kind, OPSC_EXPR_PERCENT);
	assert_true(x->items[0].attr.value->num.value == 80.0);
	const opsc_expr *p = x->items[1].attr.value;
	assert_int_equal(p->kind, OPSC_EXPR_PORT);
	assert_int_equal(p->port.from, 53);
	assert_int_equal(p->port.to, 53);
	assert_string_equal(p->port.protocol, "udp");
	p = x->items[2].attr.value;
	assert_int_equal(p->port.from, 8000);
	assert_int_equal(p->port.to, 8080);
	assert_string_equal(x->items[3].attr.value->num.unit, "Gi");
	assert_true(x->items[4].attr.value->boolean);
	assert_int_equal(x->items[5].attr.value->kind, OPSC_EXPR_NULL);
	assert_true(x->items[6].attr.value->num.value == 0.05);
	const opsc_expr *m = x->items[7].attr.value;
	assert_int_equal(m->map.len, 2);
	assert_string_equal(m->map.pairs[0].key, "tier");
	assert_string_equal(m->map.pairs[1].key, "k/x");
	assert_string_equal(m->map.pairs[0].value->str.value, "critical");
	done(&f);
}

static void test_parse__strings_escape_and_interpolate(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "x {\n  a = \"t\\\"ab\\n\\u{e9}\"\n  b = \"on ${env.name}!\"\n"
					    "  c = `rate(x[5m]) > ${cpu} \\n`\n  d = `keep $${raw}`\n  e = \"\"\n}\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	const opsc_body *x = &b->items[0].block->body;
	assert_string_equal(x->items[0].attr.value->str.value, "t\"ab\n\xc3\xa9");
	const opsc_expr *s = x->items[1].attr.value;
	assert_null(s->str.value);
	assert_int_equal(s->str.nparts, 3);
	assert_string_equal(s->str.parts[0].text, "on ");
	assert_int_equal(s->str.parts[1].expr->kind, OPSC_EXPR_MEMBER);
	assert_string_equal(s->str.parts[2].text, "!");
	const opsc_expr *r = x->items[2].attr.value;
	assert_true(r->str.raw);
	assert_int_equal(r->str.nparts, 3);
	assert_string_equal(r->str.parts[0].text, "rate(x[5m]) > ");
	assert_string_equal(r->str.parts[2].text, " \\n");
	assert_string_equal(x->items[3].attr.value->str.value, "keep ${raw}");
	assert_string_equal(x->items[4].attr.value->str.value, "");
	done(&f);
}

static void test_parse__policy_statements(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f,
		"policy \"p\" {\n  for e in environments where e.production {\n"
		"    require e.protect.approvals >= 2 : \"two\"\n"
		"    deny any(r in roles where r.cluster : contains(r.verbs, \"*\"))\n  }\n"
		"  require not count(x in alerts) == 0 && true\n}\n");
	assert_int_equal(f.ctx.diags.errors, 0);
	const opsc_body *p = &b->items[0].block->body;
	assert_int_equal(p->len, 2);
	const opsc_stmt *loop = &p->items[0];
	assert_int_equal(loop->kind, OPSC_STMT_FOR);
	assert_string_equal(loop->loop.var, "e");
	assert_string_equal(loop->loop.collection->ident, "environments");
	assert_int_equal(loop->loop.filter->kind, OPSC_EXPR_MEMBER);
	const opsc_stmt *req = &loop->loop.body.items[0];
	assert_int_equal(req->kind, OPSC_STMT_REQUIRE);
	assert_int_equal(req->check.condition->binary.op, OPSC_OP_GE);
	assert_string_equal(req->check.message->str.value, "two");
	const opsc_stmt *deny = &loop->loop.body.items[1];
	assert_int_equal(deny->kind, OPSC_STMT_DENY);
	const opsc_expr *q = deny->check.condition;
	assert_int_equal(q->kind, OPSC_EXPR_QUANT);
	assert_int_equal(q->quant.kind, OPSC_QUANT_ANY);
	assert_string_equal(q->quant.var, "r");
	assert_non_null(q->quant.filter);
	assert_int_equal(q->quant.predicate->kind, OPSC_EXPR_CALL);
	assert_string_equal(q->quant.predicate->call.name, "contains");
	assert_int_equal(q->quant.predicate->call.nargs, 2);
	/* `not` binds looser than `==`, `&&` looser than both */
	const opsc_expr *top = p->items[1].check.condition;
	assert_int_equal(top->kind, OPSC_EXPR_BINARY);
	assert_int_equal(top->binary.op, OPSC_OP_AND);
	assert_int_equal(top->binary.left->kind, OPSC_EXPR_UNARY);
	assert_int_equal(top->binary.left->unary.operand->binary.op, OPSC_OP_EQ);
	done(&f);
}

static void test_parse__unclosed_block_points_at_opener(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "environment \"x\" {\n  protect {\n    approvals = 2\n}\n");
	(void)b;
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_render(&f, "t.ops:4:2: error: expected `}` to close the block opened at 2:11\n"
			  " 4 | }\n"
			  "   |  ^\n"
			  "t.ops:2:11: note: the block opened here\n"
			  " 2 |   protect {\n"
			  "   |           ^\n");
	done(&f);
}

static void test_parse__missing_value_and_bad_character(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "a {\n  x =\n}\nb {\r\n  c = @\r\n  d = 1\r\n}\r\n");
	assert_int_equal(f.ctx.diags.errors, 2);
	assert_render(&f, "t.ops:2:6: error: expected a value after `=`\n"
			  " 2 |   x =\n"
			  "   |      ^\n"
			  "t.ops:5:7: error: unexpected character `@` after `=`, where a value is expected\n"
			  " 5 |   c = @\n"
			  "   |       ^\n");
	/* the broken statements are left out and their bodies marked */
	assert_int_equal(b->len, 2);
	assert_true(b->items[0].block->body.incomplete);
	assert_int_equal(b->items[0].block->body.len, 0);
	assert_true(b->items[1].block->body.incomplete);
	done(&f);
}

static void test_parse__top_level_attribute(void **state)
{
	(void)state;
	fixture f;
	parse_text(&f, "cluster = \"pro\"\n");
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_string_equal(f.ctx.diags.items.items[0].message,
			    "unexpected `cluster` at the top level, where `import`, `param` or a block like "
			    "`environment \"name\" { ... }` is expected");
	done(&f);
}

static void test_parse__invalid_utf8_and_deep_nesting(void **state)
{
	(void)state;
	fixture f;
	parse_text(&f, "a \"\xff\" {}\n");
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_string_equal(f.ctx.diags.items.items[0].message,
			    "invalid UTF-8 byte 0xff: .ops files are UTF-8 text");
	assert_int_equal(f.ctx.diags.items.items[0].span.col, 4);
	done(&f);

	size_t n = 10000;
	char *deep = malloc(n * 2 + 16);
	strcpy(deep, "a { x = ");
	memset(deep + 8, '[', n);
	memset(deep + 8 + n, ']', n);
	strcpy(deep + 8 + 2 * n, " }\n");
	parse_text(&f, deep);
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_string_equal(f.ctx.diags.items.items[0].code, "nesting-too-deep");
	done(&f);
	free(deep);
}

/* A 1 MB line and NUL bytes: parsed or reported, never a crash. */
static void test_parse__long_line_and_nul_bytes(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *text = malloc(n + 32);
	strcpy(text, "a { x = \"");
	memset(text + 9, 'y', n);
	strcpy(text + 9 + n, "\" }\n");
	fixture f;
	const opsc_body *b = parse_text(&f, text);
	assert_int_equal(f.ctx.diags.errors, 0);
	assert_int_equal(b->items[0].block->body.items[0].attr.value->str.len, n);
	done(&f);
	free(text);

	static const char nul[] = "a { x = 1 }\0b { y = 2 }\n";
	opsc_ctx_init(&f.ctx);
	assert_int_equal(opsc_load_text(&f.prog, &f.ctx, "t.ops", nul, sizeof nul - 1), 0);
	assert_true(f.ctx.diags.errors >= 1);
	assert_int_equal(f.ctx.diags.items.items[0].span.line, 1);
	done(&f);
}

static void test_parse__empty_and_comments(void **state)
{
	(void)state;
	fixture f;
	const opsc_body *b = parse_text(&f, "");
	assert_int_equal(b->len, 0);
	assert_int_equal(f.ctx.diags.errors, 0);
	done(&f);
	b = parse_text(&f, "# one\n// two\n/* three\n */ a { } # four\n");
	assert_int_equal(b->len, 1);
	assert_int_equal(f.ctx.diags.errors, 0);
	done(&f);
}

/* Files over the chunk size are parsed in pieces on several threads: the
 * result must be the same statements, in order, with the same positions. */
static void test_parse__large_file_in_chunks(void **state)
{
	(void)state;
	size_t cap = 1 << 20, len = 0;
	char *text = malloc(cap);
	uint32_t nblocks = 0;
	while (len < 700 * 1024) {
		len += (size_t)snprintf(text + len, cap - len, "b%u \"x\" {\n  a = [1, 2, \"}\"]  # }\n}\n", nblocks);
		if (nblocks++ == 6000) /* a syntax error in a middle chunk */
			len += (size_t)snprintf(text + len, cap - len, "c { d = }\n");
	}
	fixture f;
	const opsc_body *b = parse_text(&f, text);
	assert_int_equal(f.ctx.diags.errors, 1);
	assert_int_equal(f.ctx.diags.items.items[0].span.line, 6001 * 3 + 1);
	assert_int_equal(f.ctx.diags.items.items[0].span.col, 8);
	assert_int_equal(b->len, nblocks + 1);
	assert_true(b->incomplete == false);
	for (uint32_t i = 0, k = 0; i < b->len; i++) {
		const opsc_block *blk = b->items[i].block;
		if (blk->type[0] == 'c')
			continue;
		char want[16];
		snprintf(want, sizeof want, "b%u", k);
		assert_string_equal(blk->type, want);
		assert_int_equal(blk->type_span.line, k * 3 + 1 + (k > 6000));
		assert_string_equal(blk->body.items[0].attr.value->list.items[2]->str.value, "}");
		k++;
	}
	done(&f);
	free(text);
}

/* Files on disk: imports, missing imports and cycles. */
static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_parse__imports_cycles_and_missing(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/opsc-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file("a.ops", "import \"./b.ops\"\nimport \"./nope.ops\"\nimport \"std/nope\"\nx {}\n");
	write_file("b.ops", "import \"./c.ops\" as cee\n");
	write_file("c.ops", "import \"./a.ops\"\n");
	char path[128];
	snprintf(path, sizeof path, "%s/a.ops", dir);
	const char *paths[] = { path };
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_program prog;
	assert_int_equal(opsc_load(&prog, &ctx, paths, 1), 0);
	assert_int_equal(prog.len, 3);
	assert_true(prog.modules[0].root);
	assert_string_equal(prog.modules[1].name, "b");
	assert_string_equal(prog.modules[2].name, "cee");
	assert_int_equal(prog.modules[0].imports[0], 1);
	assert_int_equal(ctx.diags.errors, 3);
	opsc_diags_sort(&ctx.diags);
	const char *codes[3];
	for (int i = 0; i < 3; i++)
		codes[i] = ctx.diags.items.items[i].code;
	/* sorted by file: a.ops (missing, unknown std) first, then c.ops (cycle) */
	assert_string_equal(codes[0], "missing-import");
	assert_string_equal(codes[1], "unknown-module");
	assert_string_equal(codes[2], "import-cycle");
	assert_int_equal(ctx.diags.items.items[2].notes.len, 2);
	opsc_ctx_dispose(&ctx);
	for (const char *n = "a.ops\0b.ops\0c.ops\0"; *n; n += strlen(n) + 1) {
		snprintf(path, sizeof path, "%s/%s", dir, n);
		unlink(path);
	}
	rmdir(dir);
}

static void test_parse__empty_directory_and_missing_file(void **state)
{
	(void)state;
	char empty[] = "/tmp/opsc-empty-XXXXXX";
	assert_non_null(mkdtemp(empty));
	const char *paths[] = { empty, "/nonexistent/x.ops" };
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_program prog;
	assert_true(opsc_load(&prog, &ctx, paths, 2) < 0);
	assert_int_equal(ctx.diags.errors, 2);
	assert_string_equal(ctx.diags.items.items[0].message, "no .ops files in this directory (nor in a policies/ below it); "
						      "`opsc init` writes a first policies/");
	assert_int_equal(ctx.diags.items.items[0].span.line, 0); /* about the path, not a place */
	assert_string_equal(ctx.diags.items.items[1].message, "cannot read the file: No such file or directory");
	assert_true(ctx.sources.files.items[1]->unreadable);
	opsc_ctx_dispose(&ctx);
	rmdir(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__block_labels_and_attributes),
		cmocka_unit_test(test_parse__literals),
		cmocka_unit_test(test_parse__strings_escape_and_interpolate),
		cmocka_unit_test(test_parse__policy_statements),
		cmocka_unit_test(test_parse__unclosed_block_points_at_opener),
		cmocka_unit_test(test_parse__missing_value_and_bad_character),
		cmocka_unit_test(test_parse__top_level_attribute),
		cmocka_unit_test(test_parse__invalid_utf8_and_deep_nesting),
		cmocka_unit_test(test_parse__long_line_and_nul_bytes),
		cmocka_unit_test(test_parse__empty_and_comments),
		cmocka_unit_test(test_parse__large_file_in_chunks),
		cmocka_unit_test(test_parse__imports_cycles_and_missing),
		cmocka_unit_test(test_parse__empty_directory_and_missing_file),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
