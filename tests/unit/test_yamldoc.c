#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "readfile.h"
#include "yamldoc.h"

#define MAX OPSC_YAMLDOC_DEFAULT_MAX_BYTES

typedef struct {
	opsc_arena *arena;
	opsc_yamldoc_stream s;
} fixture;

/* Made and freed inside each test: cmocka counts what a setup function
 * leaves allocated as a leak of the setup. */
static void begin(void **state)
{
	fixture *f = test_calloc(1, sizeof *f);
	f->arena = opsc_arena_new();
	*state = f;
}

static void end(void **state)
{
	fixture *f = *state;
	opsc_arena_free(f->arena);
	test_free(f);
}

static opsc_yamldoc_stream *parse_n(void **state, const char *text, size_t len)
{
	fixture *f = *state;
	assert_int_equal(opsc_yamldoc_parse(&f->s, f->arena, "m.yaml", text, len, MAX), 0);
	return &f->s;
}

static opsc_yamldoc_stream *parse(void **state, const char *text)
{
	return parse_n(state, text, strlen(text));
}

static void assert_at(const opsc_yamldoc_node *n, uint32_t line, uint32_t col, uint32_t offset)
{
	assert_non_null(n);
	assert_int_equal(n->line, line);
	assert_int_equal(n->col, col);
	assert_int_equal(n->offset, offset);
}

static void assert_error(const opsc_yamldoc_stream *s, uint32_t i, uint32_t line, uint32_t col,
			 const char *message)
{
	assert_true(i < s->nerrors);
	assert_string_equal(s->errors[i].message, message);
	assert_int_equal(s->errors[i].line, line);
	assert_int_equal(s->errors[i].col, col);
}

static void test_yamldoc__multi_document_positions(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "a: 1\n"
					      "b:\n"
					      "  - x\n"
					      "  - \"y\"\n"
					      "---\n"
					      "# comment\n"
					      "k: [1, {z: 2}]\n");
	assert_int_equal(s->nerrors, 0);
	assert_int_equal(s->ndocs, 2);
	const opsc_yamldoc_node *d0 = s->docs[0], *d1 = s->docs[1];
	assert_int_equal(d0->kind, OPSC_YAMLDOC_MAPPING);
	assert_at(d0, 1, 1, 0);
	assert_at(d0->mapping.pairs[1].key, 2, 1, 5);
	const opsc_yamldoc_node *b = opsc_yamldoc_get(d0, "b");
	assert_int_equal(b->kind, OPSC_YAMLDOC_SEQUENCE);
	assert_at(b, 3, 3, 10);
	assert_at(b->sequence.items[1], 4, 5, 18);
	assert_string_equal(opsc_yamldoc_str(b->sequence.items[1]), "y");
	assert_at(d1, 7, 1, 36);
	assert_at(opsc_yamldoc_get(d1, "k"), 7, 4, 39);
	assert_at(opsc_yamldoc_path(d1, "k.1"), 7, 8, 43);
	assert_at(opsc_yamldoc_path(d1, "k.1.z"), 7, 12, 47);
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_path(d1, "k.1.z")), "2");
	end(state);
}

/* Columns count bytes, as opsc_span does, though libyaml counts characters. */
static void test_yamldoc__columns_are_bytes(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "\xc3\xa9t\xc3\xa9: x\nb: c\n");
	assert_int_equal(s->ndocs, 1);
	assert_at(opsc_yamldoc_get(s->docs[0], "\xc3\xa9t\xc3\xa9"), 1, 8, 7);
	assert_at(opsc_yamldoc_get(s->docs[0], "b"), 2, 4, 12);
	end(state);
}

static void test_yamldoc__quoted_and_plain(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "a: true\n"
					      "b: \"true\"\n"
					      "c: 'true'\n"
					      "d: |\n"
					      "  text\n"
					      "e:\n"
					      "f: ~\n"
					      "g: \"null\"\n"
					      "h: !!str 5\n"
					      "i: \"a\\0b\"\n");
	assert_int_equal(s->nerrors, 0);
	const opsc_yamldoc_node *m = s->docs[0];
	assert_int_equal(opsc_yamldoc_get(m, "a")->scalar.style, OPSC_YAMLDOC_PLAIN);
	assert_int_equal(opsc_yamldoc_get(m, "b")->scalar.style, OPSC_YAMLDOC_DOUBLE_QUOTED);
	assert_int_equal(opsc_yamldoc_get(m, "c")->scalar.style, OPSC_YAMLDOC_SINGLE_QUOTED);
	assert_int_equal(opsc_yamldoc_get(m, "d")->scalar.style, OPSC_YAMLDOC_LITERAL);
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_get(m, "b")), "true");
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_get(m, "d")), "text\n");
	assert_true(opsc_yamldoc_is_null(opsc_yamldoc_get(m, "e")));
	assert_true(opsc_yamldoc_is_null(opsc_yamldoc_get(m, "f")));
	assert_false(opsc_yamldoc_is_null(opsc_yamldoc_get(m, "g")));
	assert_false(opsc_yamldoc_is_null(opsc_yamldoc_get(m, "a")));
	assert_string_equal(opsc_yamldoc_get(m, "h")->tag, "tag:yaml.org,2002:str");
	assert_null(opsc_yamldoc_get(m, "a")->tag);
	const opsc_yamldoc_node *i = opsc_yamldoc_get(m, "i");
	assert_int_equal(i->scalar.len, 3);
	assert_memory_equal(i->scalar.value, "a\0b", 3);
	end(state);
}

static void test_yamldoc__lookups(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "spec:\n"
					      "  rules:\n"
					      "    - verbs: [get, list]\n"
					      "metadata: {name: web}\n");
	const opsc_yamldoc_node *d = s->docs[0];
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_path(d, "spec.rules.0.verbs.1")), "list");
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_path(d, "metadata.name")), "web");
	assert_null(opsc_yamldoc_path(d, "spec.rules.1"));
	assert_null(opsc_yamldoc_path(d, "spec.rules.x"));
	assert_null(opsc_yamldoc_path(d, "metadata.name.more"));
	assert_null(opsc_yamldoc_path(d, "nope"));
	assert_null(opsc_yamldoc_str(opsc_yamldoc_path(d, "spec")));
	assert_null(opsc_yamldoc_get(NULL, "x"));
	assert_ptr_equal(opsc_yamldoc_path(d, ""), d);
	end(state);
}

static void test_yamldoc__duplicate_keys(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "metadata:\n"
					      "  name: a\n"
					      "  labels: {}\n"
					      "  name: b\n"
					      "  \"name\": c\n"
					      "x: 1\n"
					      "x: 2\n");
	assert_int_equal(s->nerrors, 3);
	assert_error(s, 0, 4, 3, "duplicate key `name` (first at line 2)");
	assert_error(s, 1, 5, 3, "duplicate key `name` (first at line 2)");
	assert_error(s, 2, 7, 1, "duplicate key `x` (first at line 6)");
	/* not fatal: the document is there, and lookups see the first value */
	assert_int_equal(s->ndocs, 1);
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_path(s->docs[0], "metadata.name")), "a");
	end(state);
}

static void test_yamldoc__aliases_share_nodes(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "base: &b {x: 1}\n"
					      "use: *b\n"
					      "bad: *nope\n"
					      "self: &s [*s]\n");
	assert_int_equal(s->nerrors, 2);
	assert_error(s, 0, 3, 6, "undefined alias *nope");
	assert_error(s, 1, 4, 11, "alias *s refers to a node that contains it");
	const opsc_yamldoc_node *d = s->docs[0];
	assert_ptr_equal(opsc_yamldoc_get(d, "use"), opsc_yamldoc_get(d, "base"));
	assert_true(opsc_yamldoc_is_null(opsc_yamldoc_get(d, "bad")));
	end(state);
}

/* Nine levels of nine aliases each stand for 10^9 nodes in a few hundred
 * bytes. The reader gives up at the alias that takes the running total of
 * expanded nodes past 100,000: the first on line 6 (levels a..e expand to
 * 10 + 90 + 819 + 7380 + 66429 nodes, f's first *e adds 66430). */
static void test_yamldoc__billion_laughs(void **state)
{
	begin(state);
	opsc_array(char) buf = { 0 };
	char line[128];
	for (char c = 'a'; c <= 'i'; c++) {
		int n = c == 'a' ? snprintf(line, sizeof line, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
				 : snprintf(line, sizeof line, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
					    c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
		for (int i = 0; i < n; i++)
			opsc_array_push(&buf, line[i]);
	}
	opsc_yamldoc_stream *s = parse_n(state, buf.items, buf.len);
	opsc_array_free(&buf);
	assert_int_equal(s->nerrors, 1);
	assert_error(s, 0, 6, 8, "too many alias expansions (billion laughs?)");
	assert_int_equal(s->ndocs, 0);
	end(state);
}

/* An alias to a deep node, used deep, nests past the limit once expanded. */
static void test_yamldoc__alias_depth(void **state)
{
	begin(state);
	opsc_array(char) buf = { 0 };
	const char *head = "x: &d ";
	for (const char *p = head; *p; p++)
		opsc_array_push(&buf, *p);
	for (int i = 0; i < 200; i++)
		opsc_array_push(&buf, '[');
	for (int i = 0; i < 200; i++)
		opsc_array_push(&buf, ']');
	opsc_array_push(&buf, '\n');
	opsc_array_push(&buf, 'y');
	opsc_array_push(&buf, ':');
	opsc_array_push(&buf, ' ');
	for (int i = 0; i < 60; i++)
		opsc_array_push(&buf, '[');
	opsc_array_push(&buf, '*');
	opsc_array_push(&buf, 'd');
	for (int i = 0; i < 60; i++)
		opsc_array_push(&buf, ']');
	opsc_yamldoc_stream *s = parse_n(state, buf.items, buf.len);
	opsc_array_free(&buf);
	assert_int_equal(s->nerrors, 1);
	assert_error(s, 0, 2, 64, "too many alias expansions (billion laughs?)");
	end(state);
}

static char *brackets(int depth)
{
	char *text = test_malloc((size_t)depth * 2 + 1);
	memset(text, '[', (size_t)depth);
	memset(text + depth, ']', (size_t)depth);
	text[depth * 2] = '\0';
	return text;
}

static void test_yamldoc__deep_nesting(void **state)
{
	begin(state);
	char *deep = brackets(10000);
	opsc_yamldoc_stream *s = parse(state, deep);
	test_free(deep);
	assert_int_equal(s->nerrors, 1);
	assert_error(s, 0, 1, 257, "nesting deeper than 256 levels");
	assert_int_equal(s->ndocs, 0);

	char *ok = brackets(256);
	s = parse(state, ok);
	test_free(ok);
	assert_int_equal(s->nerrors, 0);
	assert_int_equal(s->ndocs, 1);
	const opsc_yamldoc_node *n = s->docs[0];
	for (int i = 1; i < 256; i++)
		n = n->sequence.items[0];
	assert_int_equal(n->sequence.len, 0);
	assert_at(n, 1, 256, 255);
	end(state);
}

static void test_yamldoc__invalid_utf8(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "a: b\nc: \xff\n");
	assert_int_equal(s->nerrors, 1);
	assert_error(s, 0, 2, 4, "the file is not valid UTF-8: invalid leading UTF-8 octet 0xff");
	assert_int_equal(s->errors[0].offset, 8);
	s = parse(state, "a: \xc3");
	assert_error(s, 0, 1, 4, "the file is not valid UTF-8: incomplete UTF-8 octet sequence");
	s = parse_n(state, "\xff\xfe" "a\0:\0", 6);
	assert_error(s, 0, 1, 1, "the file is UTF-16; YAML manifests must be UTF-8");
	s = parse(state, "a: \x01\n");
	assert_error(s, 0, 1, 4, "control character 0x01 is not allowed in YAML");
	end(state);
}

static char *temp_path(void)
{
	char *path = test_malloc(64);
	strcpy(path, "/tmp/opsc-yamldoc-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* A 50 MB file of valid YAML is refused from its size, before reading. */
static void test_yamldoc__size_limit(void **state)
{
	begin(state);
	fixture *f = *state;
	char *path = temp_path();
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	static char chunk[1 << 20];
	char line[32];
	for (size_t i = 0; i < sizeof chunk; i += 16) {
		snprintf(line, sizeof line, "k%08zu: vvvv\n", i / 16);
		memcpy(chunk + i, line, 16);
	}
	for (int i = 0; i < 50; i++)
		assert_int_equal(fwrite(chunk, 1, sizeof chunk, fp), sizeof chunk);
	fclose(fp);

	assert_int_equal(opsc_yamldoc_read_file(&f->s, f->arena, path, MAX), 0);
	assert_int_equal(f->s.nerrors, 1);
	assert_error(&f->s, 0, 1, 1, "the file is 52428800 bytes, over the 10485760-byte limit");
	assert_null(f->s.text);
	assert_int_equal(f->s.ndocs, 0);
	assert_int_equal(truncate(path, 32), 0);
	/* what fits is read: the first two lines */
	assert_int_equal(opsc_yamldoc_read_file(&f->s, f->arena, path, 32), 0);
	assert_int_equal(f->s.nerrors, 0);
	assert_int_equal(f->s.len, 32);
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_get(f->s.docs[0], "k00000001")), "vvvv");
	unlink(path);
	test_free(path);

	/* a buffer over the limit is not looked at (NULL would crash) */
	assert_int_equal(opsc_yamldoc_parse(&f->s, f->arena, "big.yaml", NULL, 50u << 20, MAX), 0);
	assert_error(&f->s, 0, 1, 1, "the file is 52428800 bytes, over the 10485760-byte limit");

	/* a device or a FIFO is no file: refused before one byte is read (a
	 * FIFO without a writer would block a reading open forever) */
	assert_int_equal(opsc_yamldoc_read_file(&f->s, f->arena, "/dev/zero", 1000), -OPSC_ENOTREG);
	char fifo[] = "/tmp/opsc-yamldoc-fifo-XXXXXX";
	assert_non_null(mkdtemp(fifo));
	char fpath[sizeof fifo + 8];
	snprintf(fpath, sizeof fpath, "%s/x.yaml", fifo);
	assert_int_equal(mkfifo(fpath, 0600), 0);
	assert_int_equal(opsc_yamldoc_read_file(&f->s, f->arena, fpath, MAX), -OPSC_ENOTREG);
	unlink(fpath);
	rmdir(fifo);
	assert_int_equal(opsc_yamldoc_read_file(&f->s, f->arena, "/nonexistent/x.yaml", MAX),
			 -ENOENT);
	end(state);
}

static void test_yamldoc__tabs_and_garbage(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "a:\n\tb: 1\n");
	assert_int_equal(s->nerrors, 1);
	assert_error(s, 0, 2, 1,
		     "syntax error: tabs cannot indent YAML; use spaces: found character that "
		     "cannot start any token (while scanning for the next token)");
	s = parse(state, "key: [unclosed\nother: 1\n");
	assert_error(s, 0, 2, 6,
		     "syntax error: did not find expected ',' or ']' (while parsing a flow "
		     "sequence that started at line 1)");
	s = parse(state, "a: b: c");
	assert_error(s, 0, 1, 5, "syntax error: mapping values are not allowed in this context");
	s = parse(state, "}}}{{");
	assert_error(s, 0, 1, 1,
		     "syntax error: did not find expected node content (while parsing a block node)");
	/* a syntax error in the second document keeps the first */
	s = parse(state, "ok: 1\n---\n: : [\n");
	assert_int_equal(s->ndocs, 1);
	assert_int_equal(s->nerrors, 1);
	end(state);
}

static void test_yamldoc__crlf(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "a: 1\r\nb:\r\n  c: \"x\"\r\n");
	assert_int_equal(s->nerrors, 0);
	const opsc_yamldoc_node *d = s->docs[0];
	assert_at(d->mapping.pairs[1].key, 2, 1, 6);
	assert_at(opsc_yamldoc_get(d, "b")->mapping.pairs[0].key, 3, 3, 12);
	const opsc_yamldoc_node *c = opsc_yamldoc_path(d, "b.c");
	assert_at(c, 3, 6, 15);
	assert_string_equal(opsc_yamldoc_str(c), "x");
	assert_string_equal(opsc_yamldoc_str(opsc_yamldoc_get(d, "a")), "1");
	end(state);
}

static void test_yamldoc__empty(void **state)
{
	begin(state);
	opsc_yamldoc_stream *s = parse(state, "");
	assert_int_equal(s->ndocs, 0);
	assert_int_equal(s->nerrors, 0);
	s = parse(state, "# only a comment\n\n");
	assert_int_equal(s->ndocs, 0);
	assert_int_equal(s->nerrors, 0);
	s = parse(state, "---");
	assert_int_equal(s->nerrors, 0);
	assert_int_equal(s->ndocs, 1);
	assert_true(opsc_yamldoc_is_null(s->docs[0]));
	assert_at(s->docs[0], 1, 4, 3);
	s = parse(state, "---\n---\n");
	assert_int_equal(s->ndocs, 2);
	end(state);
}

/* What a reader resolves a scalar to: a plain one may be null, a boolean
 * or a number; anything else (and every quoted one) is a string. */
static const char *resolved(const opsc_yamldoc_node *n)
{
	static const char *const words[] = { "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n" };
	if (n->scalar.style != OPSC_YAMLDOC_PLAIN)
		return "str";
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(n->scalar.value, words[i]) == 0)
			return "word";
	char *end;
	strtod(n->scalar.value, &end);
	return *n->scalar.value && !*end ? "number" : "str";
}

static void assert_same_tree(const opsc_yamldoc_node *a, const opsc_yamldoc_node *b)
{
	assert_int_equal(a->kind, b->kind);
	if (a->kind == OPSC_YAMLDOC_SCALAR) {
		assert_int_equal(opsc_yamldoc_is_null(a), opsc_yamldoc_is_null(b)); /* `key:` is written `key: null` */
		if (opsc_yamldoc_is_null(a))
			return;
		assert_int_equal(a->scalar.len, b->scalar.len);
		assert_memory_equal(a->scalar.value, b->scalar.value, a->scalar.len);
		assert_string_equal(resolved(a), resolved(b));
		return;
	}
	uint32_t n = a->kind == OPSC_YAMLDOC_MAPPING ? a->mapping.len : a->sequence.len;
	assert_int_equal(n, b->kind == OPSC_YAMLDOC_MAPPING ? b->mapping.len : b->sequence.len);
	for (uint32_t i = 0; i < n; i++)
		if (a->kind == OPSC_YAMLDOC_MAPPING) {
			assert_same_tree(a->mapping.pairs[i].key, b->mapping.pairs[i].key);
			assert_same_tree(a->mapping.pairs[i].value, b->mapping.pairs[i].value);
		} else {
			assert_same_tree(a->sequence.items[i], b->sequence.items[i]);
		}
}

/* A tree written back reads as the same tree, each scalar of the same
 * type: numbers and booleans stay plain, quoted look-alikes stay quoted. */
static void test_yamldoc__write_round_trip(void **state)
{
	static const char text[] =
		"kind: Deployment\nreplicas: 3\nquoted: \"3\"\nyes: no\nflag: \"true\"\nempty:\nnull: ~\n"
		"neg: -1.5\nport: \"8080\"\nword: 'production'\ncolon: \"a: b\"\nhash: \"a #b\"\nlead: \" x\"\n"
		"dash: \"- x\"\nstar: \"*x\"\nmulti: |\n  line one\n  \"two\"\\\n\ntab: \"a\\tb\"\n"
		"\"1\": key that is a string\nnested: {a: [1, \"1\", [x, {y: z}], []], b: {}}\nlist:\n- - a\n  - b\n"
		"- k: v\n  l: [w]\nurl: https://example.com/a?b=c\nutf8: \"\xc3\xa9t\xc3\xa9\"\ndoc: \"---\"\n";
	begin(state);
	fixture *f = *state;
	opsc_yamldoc_stream in = *parse(state, text);
	assert_int_equal(in.nerrors, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	opsc_yamldoc_write(out, in.docs[0]);
	fclose(out);
	opsc_yamldoc_stream back;
	assert_int_equal(opsc_yamldoc_parse(&back, f->arena, "w.yaml", buf, len, MAX), 0);
	if (back.nerrors)
		fprintf(stderr, "%s\n%s\n", buf, back.errors[0].message);
	assert_int_equal(back.nerrors, 0);
	assert_int_equal(back.ndocs, 1);
	assert_same_tree(in.docs[0], back.docs[0]);
	assert_non_null(strstr(buf, "replicas: 3\n"));
	assert_non_null(strstr(buf, "quoted: \"3\"\n"));
	assert_non_null(strstr(buf, "word: production\n")); /* a quoted plain word need not stay quoted */
	free(buf);
	end(state);
}

#define T(name) cmocka_unit_test(name)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_yamldoc__multi_document_positions),
		T(test_yamldoc__columns_are_bytes),
		T(test_yamldoc__quoted_and_plain),
		T(test_yamldoc__lookups),
		T(test_yamldoc__duplicate_keys),
		T(test_yamldoc__aliases_share_nodes),
		T(test_yamldoc__billion_laughs),
		T(test_yamldoc__alias_depth),
		T(test_yamldoc__deep_nesting),
		T(test_yamldoc__invalid_utf8),
		T(test_yamldoc__size_limit),
		T(test_yamldoc__tabs_and_garbage),
		T(test_yamldoc__crlf),
		T(test_yamldoc__empty),
		T(test_yamldoc__write_round_trip),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
