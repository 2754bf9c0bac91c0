/*
 * lsp_locate.c - from a URI to a source and its latest analysis, for the
 * diagnostics (lsp_diag.c) and the index (lsp_index.c).
 */
#include "lsp_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define STD_DISPLAY "<stdlib>/"

/* ------------------------------------------------------------- locations */

char *lsp_source_uri(const lsp_server *s, const opsc_source *src)
{
	if (src->embedded) {
		const char *base = strrchr(src->path, '/');
		char *uri = opsc_malloc(strlen(LSP_STD_SCHEME) + strlen(src->path) + 8);
		sprintf(uri, "%s/std/%s", LSP_STD_SCHEME, base ? base + 1 : src->path);
		return uri;
	}
	char *abs = opsc_project_resolve("/", src->path);
	const lsp_doc *d = lsp_docs_find_path(&s->docs, abs);
	char *uri = d ? opsc_strdup(d->uri) : lsp_path_to_uri(abs); /* as the editor spells it */
	opsc_free(abs);
	return uri;
}

char *lsp_uri_source_path(const char *uri)
{
	size_t n = strlen(LSP_STD_SCHEME "/std/");
	if (strncmp(uri, LSP_STD_SCHEME "/std/", n) == 0) {
		char *p = opsc_malloc(strlen(STD_DISPLAY) + strlen(uri + n) + 1);
		sprintf(p, "%s%s", STD_DISPLAY, uri + n);
		return p;
	}
	char *p = lsp_uri_to_path(uri), *norm = p ? opsc_project_resolve("/", p) : NULL;
	opsc_free(p);
	return norm;
}

/* One end of a span: its line and column are known, so only that line
 * is read (for UTF-16 units), not the file from its start. */
static json_t *span_position(const lsp_server *s, const opsc_source *src, uint32_t line, uint32_t col)
{
	uint32_t start = line - 1 < src->nlines ? src->line_starts[line - 1] : src->len;
	json_t *p = lsp_position(src->text + start, src->len - start, col - 1, s->utf8);
	json_object_set_new(p, "line", json_integer(line - 1));
	return p;
}

json_t *lsp_span_range(const lsp_server *s, const opsc_sources *sources, opsc_span span)
{
	const opsc_source *src = opsc_sources_get(sources, span.file);
	if (!src || span.line == 0)
		return lsp_range("", 0, 0, 0, s->utf8);
	return json_pack("{s:o, s:o}", "start", span_position(s, src, span.line, span.col), "end",
			 span_position(s, src, span.end_line, span.end_col));
}

json_t *lsp_span_location(const lsp_server *s, const opsc_sources *sources, opsc_span span)
{
	const opsc_source *src = opsc_sources_get(sources, span.file);
	if (!src)
		return NULL;
	char *uri = lsp_source_uri(s, src);
	json_t *loc = json_pack("{s:s, s:o}", "uri", uri, "range", lsp_span_range(s, sources, span));
	opsc_free(uri);
	return loc;
}

lsp_analysis *lsp_analysis_for(lsp_server *s, const char *path, uint32_t *file)
{
	lsp_analysis *best = NULL;
	for (uint32_t i = 0; i < s->analyses.len; i++) {
		lsp_analysis *a = s->analyses.items[i];
		for (uint32_t f = 0; f < a->ctx.sources.files.len; f++) {
			const opsc_source *src = a->ctx.sources.files.items[f];
			if (src->unreadable)
				continue;
			char *norm = src->embedded ? opsc_strdup(src->path) : opsc_project_resolve("/", src->path);
			bool same = strcmp(norm, path) == 0;
			opsc_free(norm);
			if (!same)
				continue;
			size_t dn = strlen(a->dir);
			bool own = strncmp(path, a->dir, dn) == 0 && path[dn] == '/';
			if (!best || own) {
				best = a;
				*file = f;
			}
			break;
		}
		if (best && strncmp(path, best->dir, strlen(best->dir)) == 0)
			break;
	}
	return best;
}
