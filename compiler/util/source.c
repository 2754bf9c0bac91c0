#include "source.h"

#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>

void opsc_sources_init(opsc_sources *sources) { memset(sources, 0, sizeof(*sources)); }

static void source_free(opsc_source *src)
{
	opsc_free(src->path);
	opsc_free(src->text);
	opsc_free(src->line_starts);
	if (src->tree)
		ts_tree_delete(src->tree);
	opsc_free(src);
}

void opsc_sources_dispose(opsc_sources *sources)
{
	for (uint32_t i = 0; i < sources->files.len; i++)
		source_free(sources->files.items[i]);
	opsc_array_free(&sources->files);
}

static void index_lines(opsc_source *src)
{
	opsc_array(uint32_t) starts = { 0 };
	opsc_array_push(&starts, 0);
	for (uint32_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			opsc_array_push(&starts, i + 1);
	src->line_starts = starts.items;
	src->nlines = starts.len;
}

uint32_t opsc_sources_add(opsc_sources *sources, const char *path, const char *text, size_t len,
			  bool embedded)
{
	opsc_source *src = opsc_calloc(1, sizeof(*src));
	src->path = opsc_strdup(path);
	src->text = opsc_strndup(text, len);
	src->len = (uint32_t)len;
	src->embedded = embedded;
	index_lines(src);
	opsc_array_push(&sources->files, src);
	return sources->files.len - 1;
}

/* Sources are capped so offsets fit 32 bits; .ops files are small. */
#define MAX_SOURCE ((size_t)1 << 30)

int opsc_sources_read(uint32_t *out_file, opsc_sources *sources, const char *path)
{
	const char *text;
	size_t tlen;
	struct TSTree *tree = NULL;
	if (sources->overlay && sources->overlay->find(sources->overlay->user, path, &text, &tlen, &tree)) {
		*out_file = opsc_sources_add(sources, path, text, tlen, false);
		sources->files.items[*out_file]->tree = tree;
		return 0;
	}
	char *buf;
	size_t len;
	int rc = opsc_file_read(&buf, &len, path, 0, MAX_SOURCE);
	if (rc < 0)
		return rc;
	*out_file = opsc_sources_add(sources, path, buf, len, false);
	opsc_free(buf);
	return 0;
}

uint32_t opsc_sources_find(const opsc_sources *sources, const char *path)
{
	for (uint32_t i = 0; i < sources->files.len; i++)
		if (strcmp(sources->files.items[i]->path, path) == 0)
			return i;
	return OPSC_NO_FILE;
}

const opsc_source *opsc_sources_get(const opsc_sources *sources, uint32_t file)
{
	return file < sources->files.len ? sources->files.items[file] : NULL;
}

/* Line (1-based) holding byte `off`, by binary search over line starts. */
static uint32_t line_of(const opsc_source *src, uint32_t off)
{
	uint32_t lo = 0, hi = src->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (src->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

opsc_span opsc_source_span(const opsc_sources *sources, uint32_t file, uint32_t start, uint32_t end)
{
	const opsc_source *src = opsc_sources_get(sources, file);
	if (!src)
		return OPSC_NO_SPAN;
	if (start > src->len)
		start = src->len;
	if (end < start)
		end = start;
	if (end > src->len)
		end = src->len;
	opsc_span s = { file, start, end, 0, 0, 0, 0 };
	s.line = line_of(src, start);
	s.col = start - src->line_starts[s.line - 1] + 1;
	s.end_line = line_of(src, end);
	s.end_col = end - src->line_starts[s.end_line - 1] + 1;
	return s;
}

const char *opsc_source_line(const opsc_source *src, uint32_t line, uint32_t *out_len)
{
	if (line == 0 || line > src->nlines) {
		*out_len = 0;
		return "";
	}
	uint32_t start = src->line_starts[line - 1];
	uint32_t end = line < src->nlines ? src->line_starts[line] - 1 : src->len;
	if (end > start && src->text[end - 1] == '\r')
		end--;
	*out_len = end - start;
	return src->text + start;
}

bool opsc_source_is_ops(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".ops") == 0;
}
