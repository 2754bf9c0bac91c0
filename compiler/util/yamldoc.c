/*
 * yamldoc.c - libyaml events to a located node tree, with the limits that
 * keep hostile files cheap (see yamldoc.h).
 *
 * The builder keeps an explicit stack of open collections, never recursion,
 * so nesting costs heap, not C stack, until the depth limit stops it.
 */
#include "yamldoc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "array.h"

/* More errors than this in one file say little more; stop there. */
#define MAX_ERRORS 100

static const char EXPANSION_MESSAGE[] = "too many alias expansions (billion laughs?)";

/* One open mapping or sequence. A mapping's kids alternate key, value. */
typedef struct {
	opsc_yamldoc_node *node;
	opsc_array(opsc_yamldoc_node *) kids;
	const char *anchor; /* registered when the collection closes */
	uint64_t weight; /* nodes in the expanded subtree, itself included */
	uint32_t height; /* collection levels in the expanded subtree */
} frame;

typedef struct {
	const char *name;
	opsc_yamldoc_node *node;
	uint64_t weight;
	uint32_t height;
} anchor;

typedef struct {
	opsc_arena *arena;
	const unsigned char *text;
	size_t len;
	/* libyaml marks count characters; this cursor turns them into bytes
	 * (marks only move forward, except in error reports) */
	size_t cur_char, cur_byte, cur_line, cur_line_start;
	opsc_array(frame) stack;
	opsc_array(anchor) anchors;
	uint32_t *slots; /* open-addressing index into anchors, UINT32_MAX empty */
	uint32_t nslots;
	opsc_yamldoc_node *root; /* of the document being read */
	opsc_array(opsc_yamldoc_node *) docs;
	opsc_array(opsc_yamldoc_error) errors;
	uint64_t expanded;
	bool fatal;
} builder;

/* ---------------------------------------------------------------- positions */

static void cursor_reset(builder *b)
{
	b->cur_char = b->cur_byte = b->cur_line_start = 0;
	b->cur_line = 1;
}

/* Advances the cursor to character `index`. The input before any mark has
 * passed libyaml's UTF-8 check, so lead bytes are characters. */
static void cursor_seek(builder *b, size_t index)
{
	if (index < b->cur_char)
		cursor_reset(b);
	while (b->cur_char < index && b->cur_byte < b->len) {
		if (b->text[b->cur_byte++] == '\n') {
			b->cur_line++;
			b->cur_line_start = b->cur_byte;
		}
		while (b->cur_byte < b->len && (b->text[b->cur_byte] & 0xC0) == 0x80)
			b->cur_byte++;
		b->cur_char++;
	}
}

/* Line and column of a byte offset, for reader errors (which libyaml gives
 * as bytes) counted from the start. */
static void locate_byte(const builder *b, size_t off, uint32_t *line, uint32_t *col)
{
	size_t l = 1, start = 0;
	for (size_t i = 0; i < off && i < b->len; i++) {
		if (b->text[i] == '\n') {
			l++;
			start = i + 1;
		}
	}
	*line = (uint32_t)l;
	*col = (uint32_t)(off - start + 1);
}

static void locate_mark(builder *b, yaml_mark_t mark, uint32_t *off, uint32_t *line, uint32_t *col)
{
	cursor_seek(b, mark.index);
	*off = (uint32_t)b->cur_byte;
	*line = (uint32_t)b->cur_line;
	*col = (uint32_t)(b->cur_byte - b->cur_line_start + 1);
}

/* ------------------------------------------------------------------- errors */

static void fail_at(builder *b, uint32_t off, uint32_t line, uint32_t col, bool fatal,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void fail_at(builder *b, uint32_t off, uint32_t line, uint32_t col, bool fatal,
		    const char *fmt, ...)
{
	if (b->fatal)
		return;
	if (b->errors.len == MAX_ERRORS) {
		fmt = "too many errors; the rest of the file is not checked";
		fatal = true;
	}
	va_list ap;
	va_start(ap, fmt);
	opsc_yamldoc_error e = { off, line, col, opsc_arena_vprintf(b->arena, fmt, ap) };
	va_end(ap);
	opsc_array_push(&b->errors, e);
	b->fatal = fatal;
}

/* Errors arrive in post-order (a mapping's duplicates when it closes); the
 * list is short (MAX_ERRORS), so a stable insertion sort puts it in file
 * order. */
static void sort_errors(opsc_yamldoc_error *errs, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		opsc_yamldoc_error e = errs[i];
		uint32_t j = i;
		for (; j > 0 && errs[j - 1].offset > e.offset; j--)
			errs[j] = errs[j - 1];
		errs[j] = e;
	}
}

/* ------------------------------------------------------------------ anchors */

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The slot holding `name`, or the empty slot where it would go. */
static uint32_t anchor_slot(const builder *b, const char *name)
{
	uint32_t mask = b->nslots - 1;
	uint32_t i = hash_name(name) & mask;
	while (b->slots[i] != UINT32_MAX && strcmp(b->anchors.items[b->slots[i]].name, name) != 0)
		i = (i + 1) & mask;
	return i;
}

static void anchors_grow(builder *b)
{
	opsc_free(b->slots);
	b->nslots = b->nslots ? b->nslots * 2 : 64;
	b->slots = opsc_malloc(b->nslots * sizeof *b->slots);
	memset(b->slots, 0xff, b->nslots * sizeof *b->slots);
	for (uint32_t i = 0; i < b->anchors.len; i++)
		b->slots[anchor_slot(b, b->anchors.items[i].name)] = i;
}

static const anchor *anchor_find(const builder *b, const char *name)
{
	if (!b->nslots)
		return NULL;
	uint32_t s = b->slots[anchor_slot(b, name)];
	return s == UINT32_MAX ? NULL : &b->anchors.items[s];
}

/* A later anchor of the same name replaces the earlier one (YAML 1.1 §3.2.2.2). */
static void anchor_add(builder *b, const char *name, opsc_yamldoc_node *node, uint64_t weight,
		       uint32_t height)
{
	if ((b->anchors.len + 1) * 2 > b->nslots)
		anchors_grow(b);
	uint32_t s = anchor_slot(b, name);
	anchor a = { name, node, weight, height };
	if (b->slots[s] != UINT32_MAX) {
		b->anchors.items[b->slots[s]] = a;
		return;
	}
	b->slots[s] = b->anchors.len;
	opsc_array_push(&b->anchors, a);
}

/* Anchors are scoped to one document. */
static void anchors_clear(builder *b)
{
	opsc_array_clear(&b->anchors);
	if (b->nslots)
		memset(b->slots, 0xff, b->nslots * sizeof *b->slots);
}

/* -------------------------------------------------------------------- nodes */

static opsc_yamldoc_node *node_new(builder *b, opsc_yamldoc_kind kind, yaml_mark_t mark,
				   const yaml_char_t *tag)
{
	opsc_yamldoc_node *n = opsc_arena_alloc(b->arena, sizeof *n);
	n->kind = kind;
	locate_mark(b, mark, &n->offset, &n->line, &n->col);
	n->tag = tag ? opsc_arena_strdup(b->arena, (const char *)tag) : NULL;
	return n;
}

/* Hands a finished node to the open collection, or makes it the root. */
static void attach(builder *b, opsc_yamldoc_node *n, uint64_t weight, uint32_t height)
{
	if (!b->stack.len) {
		b->root = n;
		return;
	}
	frame *f = opsc_array_last(&b->stack);
	f->weight += weight;
	if (height + 1 > f->height)
		f->height = height + 1;
	opsc_array_push(&f->kids, n);
}

static void register_anchor(builder *b, const yaml_char_t *name, opsc_yamldoc_node *n,
			    uint64_t weight, uint32_t height)
{
	if (name)
		anchor_add(b, opsc_arena_strdup(b->arena, (const char *)name), n, weight, height);
}

/* --------------------------------------------------------- duplicate keys */

static int key_cmp(const void *pa, const void *pb)
{
	const opsc_yamldoc_pair *a = *(opsc_yamldoc_pair *const *)pa;
	const opsc_yamldoc_pair *b = *(opsc_yamldoc_pair *const *)pb;
	uint32_t la = a->key->scalar.len, lb = b->key->scalar.len;
	int c = memcmp(a->key->scalar.value, b->key->scalar.value, la < lb ? la : lb);
	if (c == 0 && la != lb)
		c = la < lb ? -1 : 1;
	if (c == 0) /* same key: file order, so the first of a run is the first written */
		c = a < b ? -1 : a > b;
	return c;
}

/* Keys compare by their text, whatever the quoting: Kubernetes reads
 * manifests as JSON, where `true:` and "true": are the same key. Sorting
 * keeps a 100,000-key mapping from costing 10^10 comparisons. */
static void check_duplicates(builder *b, opsc_yamldoc_pair *pairs, uint32_t n)
{
	if (n < 2)
		return;
	opsc_yamldoc_pair **sorted = opsc_malloc(n * sizeof *sorted);
	const opsc_yamldoc_pair **first = opsc_calloc(n, sizeof *first);
	uint32_t ns = 0;
	for (uint32_t i = 0; i < n; i++)
		if (pairs[i].key->kind == OPSC_YAMLDOC_SCALAR)
			sorted[ns++] = &pairs[i];
	qsort(sorted, ns, sizeof *sorted, key_cmp);
	for (uint32_t i = 1; i < ns; i++) {
		const opsc_yamldoc_pair *prev = sorted[i - 1], *cur = sorted[i];
		if (cur->key->scalar.len == prev->key->scalar.len &&
		    memcmp(cur->key->scalar.value, prev->key->scalar.value, cur->key->scalar.len) == 0)
			first[cur - pairs] = first[prev - pairs] ? first[prev - pairs] : prev;
	}
	for (uint32_t i = 0; i < n; i++) {
		const opsc_yamldoc_node *k = pairs[i].key;
		if (first[i])
			fail_at(b, k->offset, k->line, k->col, false,
				"duplicate key `%.*s` (first at line %u)",
				k->scalar.len > 80 ? 80 : (int)k->scalar.len, k->scalar.value,
				first[i]->key->line);
	}
	opsc_free(sorted);
	opsc_free(first);
}

/* ----------------------------------------------------------------- events */

static const opsc_yamldoc_style styles[] = {
	[YAML_ANY_SCALAR_STYLE] = OPSC_YAMLDOC_PLAIN,
	[YAML_PLAIN_SCALAR_STYLE] = OPSC_YAMLDOC_PLAIN,
	[YAML_SINGLE_QUOTED_SCALAR_STYLE] = OPSC_YAMLDOC_SINGLE_QUOTED,
	[YAML_DOUBLE_QUOTED_SCALAR_STYLE] = OPSC_YAMLDOC_DOUBLE_QUOTED,
	[YAML_LITERAL_SCALAR_STYLE] = OPSC_YAMLDOC_LITERAL,
	[YAML_FOLDED_SCALAR_STYLE] = OPSC_YAMLDOC_FOLDED,
};

static void on_document_start(builder *b, const yaml_event_t *e)
{
	(void)e;
	b->root = NULL;
	anchors_clear(b);
}

static void on_document_end(builder *b, const yaml_event_t *e)
{
	(void)e;
	if (b->root)
		opsc_array_push(&b->docs, b->root);
	b->root = NULL;
}

static void on_scalar(builder *b, const yaml_event_t *e)
{
	opsc_yamldoc_node *n = node_new(b, OPSC_YAMLDOC_SCALAR, e->start_mark, e->data.scalar.tag);
	n->scalar.value = opsc_arena_strndup(b->arena, (const char *)e->data.scalar.value,
					     e->data.scalar.length);
	n->scalar.len = (uint32_t)e->data.scalar.length;
	n->scalar.style = styles[e->data.scalar.style];
	register_anchor(b, e->data.scalar.anchor, n, 1, 0);
	attach(b, n, 1, 0);
}

static void open_collection(builder *b, opsc_yamldoc_kind kind, yaml_mark_t mark,
			    const yaml_char_t *tag, const yaml_char_t *anchor_name)
{
	if (b->stack.len >= OPSC_YAMLDOC_MAX_DEPTH) {
		uint32_t off, line, col;
		locate_mark(b, mark, &off, &line, &col);
		fail_at(b, off, line, col, true, "nesting deeper than %d levels",
			OPSC_YAMLDOC_MAX_DEPTH);
		return;
	}
	frame f = { .node = node_new(b, kind, mark, tag), .weight = 1, .height = 1 };
	if (anchor_name)
		f.anchor = opsc_arena_strdup(b->arena, (const char *)anchor_name);
	opsc_array_push(&b->stack, f);
}

static void on_sequence_start(builder *b, const yaml_event_t *e)
{
	open_collection(b, OPSC_YAMLDOC_SEQUENCE, e->start_mark, e->data.sequence_start.tag,
			e->data.sequence_start.anchor);
}

static void on_mapping_start(builder *b, const yaml_event_t *e)
{
	open_collection(b, OPSC_YAMLDOC_MAPPING, e->start_mark, e->data.mapping_start.tag,
			e->data.mapping_start.anchor);
}

static void close_mapping(builder *b, frame *f)
{
	uint32_t n = f->kids.len / 2;
	opsc_yamldoc_pair *pairs = n ? opsc_arena_alloc(b->arena, n * sizeof *pairs) : NULL;
	for (uint32_t i = 0; i < n; i++)
		pairs[i] = (opsc_yamldoc_pair){ f->kids.items[2 * i], f->kids.items[2 * i + 1] };
	f->node->mapping.pairs = pairs;
	f->node->mapping.len = n;
	opsc_array_free(&f->kids);
	check_duplicates(b, pairs, n);
}

static void on_collection_end(builder *b, const yaml_event_t *e)
{
	(void)e;
	frame f = opsc_array_pop(&b->stack);
	if (f.node->kind == OPSC_YAMLDOC_MAPPING) {
		close_mapping(b, &f);
	} else {
		f.node->sequence.len = f.kids.len;
		f.node->sequence.items = opsc_array_to_arena(b->arena, &f.kids);
	}
	if (f.anchor)
		anchor_add(b, f.anchor, f.node, f.weight, f.height);
	attach(b, f.node, f.weight, f.height);
}

static bool anchor_is_open(const builder *b, const char *name)
{
	for (uint32_t i = 0; i < b->stack.len; i++)
		if (b->stack.items[i].anchor && strcmp(b->stack.items[i].anchor, name) == 0)
			return true;
	return false;
}

/* An alias shares the anchored node. What a walk of the tree would visit
 * through it counts against the expansion budget, so a few kilobytes of
 * nested aliases cannot stand for 10^9 nodes. A bad alias is an error and
 * reads as null, so the rest of the file is still checked. */
static void on_alias(builder *b, const yaml_event_t *e)
{
	const char *name = (const char *)e->data.alias.anchor;
	const anchor *a = anchor_find(b, name);
	uint32_t off, line, col;
	locate_mark(b, e->start_mark, &off, &line, &col);
	if (!a) {
		if (anchor_is_open(b, name))
			fail_at(b, off, line, col, false, "alias *%s refers to a node that contains it", name);
		else
			fail_at(b, off, line, col, false, "undefined alias *%s", name);
		opsc_yamldoc_node *n = node_new(b, OPSC_YAMLDOC_SCALAR, e->start_mark, NULL);
		n->scalar.value = "";
		attach(b, n, 1, 0);
		return;
	}
	b->expanded += a->weight;
	if (b->expanded > OPSC_YAMLDOC_MAX_EXPANSION ||
	    b->stack.len + a->height > OPSC_YAMLDOC_MAX_DEPTH) {
		fail_at(b, off, line, col, true, "%s", EXPANSION_MESSAGE);
		return;
	}
	attach(b, a->node, a->weight, a->height);
}

typedef void (*event_fn)(builder *b, const yaml_event_t *e);

static const event_fn handlers[] = {
	[YAML_NO_EVENT] = NULL,
	[YAML_STREAM_START_EVENT] = NULL,
	[YAML_STREAM_END_EVENT] = NULL,
	[YAML_DOCUMENT_START_EVENT] = on_document_start,
	[YAML_DOCUMENT_END_EVENT] = on_document_end,
	[YAML_ALIAS_EVENT] = on_alias,
	[YAML_SCALAR_EVENT] = on_scalar,
	[YAML_SEQUENCE_START_EVENT] = on_sequence_start,
	[YAML_SEQUENCE_END_EVENT] = on_collection_end,
	[YAML_MAPPING_START_EVENT] = on_mapping_start,
	[YAML_MAPPING_END_EVENT] = on_collection_end,
};
_Static_assert(sizeof handlers / sizeof *handlers == YAML_MAPPING_END_EVENT + 1,
	       "one handler slot per libyaml event type");

/* ------------------------------------------------------------ libyaml errors */

/* libyaml's reader reports bad encoding as a byte offset into the input. */
static void reader_error(builder *b, const yaml_parser_t *p)
{
	uint32_t line, col;
	size_t off = p->problem_offset < b->len ? p->problem_offset : b->len;
	locate_byte(b, off, &line, &col);
	if (b->len >= 2 && ((b->text[0] == 0xFF && b->text[1] == 0xFE) ||
			    (b->text[0] == 0xFE && b->text[1] == 0xFF)))
		fail_at(b, 0, 1, 1, true, "the file is UTF-16; YAML manifests must be UTF-8");
	else if (strstr(p->problem, "control characters"))
		fail_at(b, (uint32_t)off, line, col, true,
			"control character 0x%02x is not allowed in YAML", p->problem_value & 0xff);
	else if (p->problem_value >= 0)
		fail_at(b, (uint32_t)off, line, col, true,
			"the file is not valid UTF-8: %s 0x%02x", p->problem, p->problem_value);
	else
		fail_at(b, (uint32_t)off, line, col, true, "the file is not valid UTF-8: %s",
			p->problem);
}

/* Scanner and parser errors keep libyaml's wording, with its context. */
static void syntax_error(builder *b, const yaml_parser_t *p)
{
	uint32_t off, line, col;
	locate_mark(b, p->problem_mark, &off, &line, &col);
	const char *hint = off < b->len && b->text[off] == '\t'
		? "tabs cannot indent YAML; use spaces: " : "";
	if (!p->context) {
		fail_at(b, off, line, col, true, "syntax error: %s%s", hint, p->problem);
		return;
	}
	uint32_t coff, cline, ccol;
	locate_mark(b, p->context_mark, &coff, &cline, &ccol);
	if (cline != line)
		fail_at(b, off, line, col, true, "syntax error: %s%s (%s that started at line %u)",
			hint, p->problem, p->context, cline);
	else
		fail_at(b, off, line, col, true, "syntax error: %s%s (%s)", hint, p->problem,
			p->context);
}

/* ------------------------------------------------------------------- driver */

static void builder_dispose(builder *b)
{
	for (uint32_t i = 0; i < b->stack.len; i++)
		opsc_array_free(&b->stack.items[i].kids);
	opsc_array_free(&b->stack);
	opsc_array_free(&b->anchors);
	opsc_free(b->slots);
}

static void finish(opsc_yamldoc_stream *out, builder *b)
{
	out->ndocs = b->docs.len;
	out->docs = opsc_array_to_arena(b->arena, &b->docs);
	sort_errors(b->errors.items, b->errors.len);
	out->nerrors = b->errors.len;
	out->errors = opsc_array_to_arena(b->arena, &b->errors);
}

/* Runs the parser until the stream ends or a fatal error. */
static int run(builder *b, yaml_parser_t *p)
{
	yaml_event_t ev;
	for (;;) {
		if (!yaml_parser_parse(p, &ev)) {
			if (p->error == YAML_MEMORY_ERROR)
				return -ENOMEM;
			if (p->error == YAML_READER_ERROR)
				reader_error(b, p);
			else
				syntax_error(b, p);
			return 0;
		}
		yaml_event_type_t type = ev.type;
		if (handlers[type])
			handlers[type](b, &ev);
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT || b->fatal)
			return 0;
	}
}

int opsc_yamldoc_parse(opsc_yamldoc_stream *out, opsc_arena *arena, const char *path,
		       const char *text, size_t len, size_t max_len)
{
	int rc = 0;
	builder b = { .arena = arena, .text = (const unsigned char *)text, .len = len };
	yaml_parser_t parser;
	bool started = false;

	memset(out, 0, sizeof *out);
	out->path = path;
	cursor_reset(&b);
	if (max_len > UINT32_MAX - 1)
		max_len = UINT32_MAX - 1; /* offsets are 32-bit, as in opsc_span */
	if (len > max_len) {
		/* not one byte of it is looked at */
		fail_at(&b, 0, 1, 1, true, "the file is %zu bytes, over the %zu-byte limit", len,
			max_len);
		goto done;
	}
	out->text = text;
	out->len = len;
	if (!yaml_parser_initialize(&parser)) {
		rc = -ENOMEM;
		goto done;
	}
	started = true;
	/* UTF-8 only: a UTF-16 file is reported as not UTF-8 rather than read
	 * with byte offsets that would not match the file. */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	rc = run(&b, &parser);
done:
	if (started)
		yaml_parser_delete(&parser);
	finish(out, &b);
	builder_dispose(&b);
	return rc;
}
