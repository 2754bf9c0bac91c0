/*
 * source.h - the files a run reads, and spans into them.
 *
 * A span names a byte range of one source and carries its 1-based line and
 * column (columns count bytes, as editors and GitHub annotations expect for
 * ASCII; multi-byte UTF-8 is counted per code point by the renderer).
 * Sources are owned by an opsc_sources table that lives as long as the run.
 */
#ifndef OPSC_SOURCE_H
#define OPSC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "array.h"

typedef struct {
	uint32_t file; /* index into opsc_sources; OPSC_NO_FILE when none */
	uint32_t start, end; /* byte offsets, end exclusive */
	uint32_t line, col; /* 1-based, of start */
	uint32_t end_line, end_col; /* 1-based, of end */
} opsc_span;

#define OPSC_NO_FILE UINT32_MAX
#define OPSC_NO_SPAN ((opsc_span){ OPSC_NO_FILE, 0, 0, 0, 0, 0, 0 })

typedef struct {
	char *path; /* as given or as shown to the user (relative if possible) */
	char *text; /* NUL-terminated copy; may contain NULs before len */
	uint32_t len;
	uint32_t *line_starts; /* byte offset of each line's start */
	uint32_t nlines;
	bool embedded; /* a stdlib module compiled into the binary */
	bool unreadable; /* stands for a path that could not be read */
	/* A tree-sitter tree of exactly `text`, handed in by an overlay (an
	 * editor's incrementally re-parsed buffer) so the parser need not
	 * parse again; NULL for files read from disk. Owned: deleted with
	 * the source. */
	struct TSTree *tree;
} opsc_source;

/* Contents that stand in for files on disk: the unsaved buffers of an
 * editor (opsc lsp). `find` returns true with the text of `path` (borrowed,
 * valid during the call) and optionally a copy of its tree (owned by the
 * caller afterwards), or false to read the disk. */
typedef struct {
	bool (*find)(void *user, const char *path, const char **text, size_t *len, struct TSTree **tree);
	void *user;
} opsc_overlay;

typedef struct {
	opsc_array(opsc_source *) files;
	const opsc_overlay *overlay; /* not owned; NULL: the disk only */
} opsc_sources;

void opsc_sources_init(opsc_sources *sources);
void opsc_sources_dispose(opsc_sources *sources);

/* Adds a copy of `text`; returns the new file index. */
uint32_t opsc_sources_add(opsc_sources *sources, const char *path, const char *text, size_t len,
			  bool embedded);
/* Reads `path` from the overlay, else the regular file from disk (see
 * readfile.h). Returns 0, or negative as opsc_file_read (opsc_file_strerror
 * says what); *out_file receives the index. */
int opsc_sources_read(uint32_t *out_file, opsc_sources *sources, const char *path);
/* Index of a source already added under `path`, or OPSC_NO_FILE. */
uint32_t opsc_sources_find(const opsc_sources *sources, const char *path);

const opsc_source *opsc_sources_get(const opsc_sources *sources, uint32_t file);

/* A span over [start, end) of `file`, with line/column computed. */
opsc_span opsc_source_span(const opsc_sources *sources, uint32_t file, uint32_t start, uint32_t end);
/* The line `line` (1-based) of a source without its newline. */
const char *opsc_source_line(const opsc_source *src, uint32_t line, uint32_t *out_len);

/* Whether `path` names a .ops file (by its suffix). */
bool opsc_source_is_ops(const char *path);

#endif
