/*
 * lsp_docs.c - the documents an editor has open.
 *
 * Each keeps its text as the editor has it (edits applied range by range)
 * and a tree-sitter tree of that text: every edit is told to the old tree
 * (ts_tree_edit) and the new tree is parsed from it, so only the edited
 * region is parsed again. The analysis hands the tree to the front end
 * through the source overlay instead of parsing the buffer once more.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"
#include "front.h"
#include "model.h"

/* Parsing gives up on hostile input after this; the front end then parses
 * the buffer itself and reports it as too complex. */
#define DOC_PARSE_TIMEOUT_US (10u * 1000 * 1000)

void lsp_docs_init(lsp_docs *docs)
{
	memset(docs, 0, sizeof *docs);
	docs->parser = ts_parser_new();
	ts_parser_set_language(docs->parser, tree_sitter_ops());
	ts_parser_set_timeout_micros(docs->parser, DOC_PARSE_TIMEOUT_US);
}

static void doc_free(lsp_doc *d)
{
	if (!d)
		return;
	if (d->tree)
		ts_tree_delete(d->tree);
	opsc_free(d->uri);
	opsc_free(d->path);
	opsc_free(d->text);
	opsc_free(d);
}

void lsp_docs_dispose(lsp_docs *docs)
{
	for (uint32_t i = 0; i < docs->items.len; i++)
		doc_free(docs->items.items[i]);
	opsc_array_free(&docs->items);
	ts_parser_delete(docs->parser);
}

lsp_doc *lsp_docs_find(const lsp_docs *docs, const char *uri)
{
	for (uint32_t i = 0; uri && i < docs->items.len; i++)
		if (strcmp(docs->items.items[i]->uri, uri) == 0)
			return docs->items.items[i];
	return NULL;
}

lsp_doc *lsp_docs_find_path(const lsp_docs *docs, const char *path)
{
	for (uint32_t i = 0; i < docs->items.len; i++) {
		const char *p = docs->items.items[i]->path;
		if (p && strcmp(p, path) == 0)
			return docs->items.items[i];
	}
	return NULL;
}

static void set_text(lsp_doc *d, const char *text, size_t len)
{
	if (len + 1 > d->cap) {
		d->cap = (uint32_t)len + 1;
		d->text = opsc_realloc(d->text, d->cap);
	}
	memcpy(d->text, text, len);
	d->text[len] = '\0';
	d->len = (uint32_t)len;
}

static void reparse(lsp_docs *docs, lsp_doc *d)
{
	TSTree *old = d->tree;
	d->tree = ts_parser_parse_string(docs->parser, old, d->text, d->len);
	if (old)
		ts_tree_delete(old);
	if (!d->tree)
		ts_parser_reset(docs->parser);
}

/* The file path behind a file: URI with symlinks in its directory resolved,
 * so it matches the paths the loader builds from the project directory. */
static char *doc_path(const char *uri)
{
	char *p = lsp_uri_to_path(uri);
	if (!p)
		return NULL;
	char *slash = strrchr(p, '/');
	char real[PATH_MAX];
	if (!slash || slash == p)
		return p;
	*slash = '\0';
	char *out = realpath(p, real) ? opsc_project_resolve(real, slash + 1) : NULL;
	*slash = '/';
	if (!out)
		return p;
	opsc_free(p);
	return out;
}

lsp_doc *lsp_docs_open(lsp_docs *docs, const char *uri, const char *text, size_t len, int64_t version)
{
	lsp_doc *d = lsp_docs_find(docs, uri);
	if (!d) {
		d = opsc_calloc(1, sizeof *d);
		d->uri = opsc_strdup(uri);
		d->path = doc_path(uri);
		d->readonly = strncmp(uri, LSP_STD_SCHEME, strlen(LSP_STD_SCHEME)) == 0;
		opsc_array_push(&docs->items, d);
	} else if (d->tree) {
		ts_tree_delete(d->tree);
		d->tree = NULL;
	}
	set_text(d, text, len);
	d->version = version;
	reparse(docs, d);
	return d;
}

void lsp_docs_close(lsp_docs *docs, const char *uri)
{
	for (uint32_t i = 0; i < docs->items.len; i++) {
		if (strcmp(docs->items.items[i]->uri, uri) != 0)
			continue;
		doc_free(docs->items.items[i]);
		memmove(&docs->items.items[i], &docs->items.items[i + 1],
			(docs->items.len - i - 1) * sizeof *docs->items.items);
		docs->items.len--;
		return;
	}
}

/* ----------------------------------------------------------- positions */

/* Bytes of the UTF-8 sequence led by `c` (1 for stray bytes). */
static uint32_t seq_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static uint32_t line_start(const char *text, uint32_t len, uint32_t line)
{
	uint32_t off = 0;
	for (uint32_t l = 0; l < line && off < len; off++)
		if (text[off] == '\n')
			l++;
	return off;
}

/* `character` in UTF-16 code units (or bytes when utf8) -> byte offset,
 * clamped to the end of the line as the protocol asks. */
static uint32_t column_offset(const char *text, uint32_t len, uint32_t off, uint32_t character, bool utf8)
{
	uint32_t units = 0;
	while (off < len && text[off] != '\n' && units < character) {
		uint32_t n = seq_len((unsigned char)text[off]);
		units += utf8 ? n : n == 4 ? 2 : 1;
		off += n;
	}
	return off > len ? len : off;
}

uint32_t lsp_offset(const char *text, uint32_t len, uint32_t line, uint32_t character, bool utf8)
{
	return column_offset(text, len, line_start(text, len, line), character, utf8);
}

json_t *lsp_position(const char *text, uint32_t len, uint32_t offset, bool utf8)
{
	uint32_t line = 0, start = 0;
	for (uint32_t i = 0; i < offset && i < len; i++)
		if (text[i] == '\n') {
			line++;
			start = i + 1;
		}
	uint32_t units = 0;
	for (uint32_t i = start; i < offset && i < len;) {
		uint32_t n = seq_len((unsigned char)text[i]);
		units += utf8 ? n : n == 4 ? 2 : 1;
		i += n;
	}
	return json_pack("{s:i, s:i}", "line", (json_int_t)line, "character", (json_int_t)units);
}

json_t *lsp_range(const char *text, uint32_t len, uint32_t start, uint32_t end, bool utf8)
{
	return json_pack("{s:o, s:o}", "start", lsp_position(text, len, start, utf8), "end",
			 lsp_position(text, len, end, utf8));
}

/* ------------------------------------------------------------- editing */

static TSPoint point_at(const char *text, uint32_t off)
{
	TSPoint p = { 0, 0 };
	for (uint32_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			p.row++;
			p.column = 0;
		} else {
			p.column++;
		}
	}
	return p;
}

static bool get_pos(json_t *pos, uint32_t *line, uint32_t *ch)
{
	json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
	if (!json_is_integer(l) || !json_is_integer(c) || json_integer_value(l) < 0 || json_integer_value(c) < 0)
		return false;
	*line = (uint32_t)json_integer_value(l);
	*ch = (uint32_t)json_integer_value(c);
	return true;
}

int lsp_doc_change(lsp_docs *docs, lsp_doc *d, json_t *change)
{
	json_t *text = json_object_get(change, "text"), *range = json_object_get(change, "range");
	if (!json_is_string(text))
		return -1;
	const char *t = json_string_value(text);
	uint32_t n = (uint32_t)json_string_length(text);
	if (!range) {
		set_text(d, t, n);
		if (d->tree)
			ts_tree_delete(d->tree);
		d->tree = NULL;
		reparse(docs, d);
		return 0;
	}
	uint32_t l0, c0, l1, c1;
	if (!get_pos(json_object_get(range, "start"), &l0, &c0) || !get_pos(json_object_get(range, "end"), &l1, &c1))
		return -1;
	uint32_t start = lsp_offset(d->text, d->len, l0, c0, docs->utf8);
	uint32_t end = lsp_offset(d->text, d->len, l1, c1, docs->utf8);
	if (end < start)
		return -1;
	TSInputEdit edit = { start, end, start + n, point_at(d->text, start), point_at(d->text, end), { 0, 0 } };
	uint32_t len = d->len - (end - start) + n;
	if (len + 1 > d->cap) {
		d->cap = len + 1 > d->cap * 2 ? len + 1 : d->cap * 2;
		d->text = opsc_realloc(d->text, d->cap);
	}
	memmove(d->text + start + n, d->text + end, d->len - end + 1);
	memcpy(d->text + start, t, n);
	d->len = len;
	edit.new_end_point = point_at(d->text, start + n);
	if (d->tree)
		ts_tree_edit(d->tree, &edit);
	reparse(docs, d);
	return 0;
}

/* ---------------------------------------------------------------- URIs */

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *lsp_uri_to_path(const char *uri)
{
	if (strncmp(uri, "file://", 7) != 0)
		return NULL;
	const char *p = uri + 7;
	if (*p != '/')
		p = strchr(p, '/'); /* file://host/path: the host is ours */
	if (!p)
		return NULL;
	char *out = opsc_malloc(strlen(p) + 1), *o = out;
	for (; *p; p++) {
		if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
			*o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* Unreserved characters and '/' stay; the rest is percent-encoded. */
char *lsp_path_to_uri(const char *path)
{
	char *out = opsc_malloc(strlen(path) * 3 + 8), *o = out;
	o += sprintf(o, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p))
			*o++ = (char)*p;
		else
			o += sprintf(o, "%%%02X", *p);
	}
	*o = '\0';
	return out;
}
