/*
 * diag.h - user-facing problems as data.
 *
 * Every stage appends located diagnostics to one opsc_diags list and keeps
 * going; only the CLI renders them (text here, github/sarif/json in the lint
 * output module). Messages and notes live in the list's arena.
 */
#ifndef OPSC_DIAG_H
#define OPSC_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "alloc.h"
#include "array.h"
#include "source.h"

typedef enum { OPSC_SEV_NOTE, OPSC_SEV_WARNING, OPSC_SEV_ERROR } opsc_severity;

typedef struct {
	opsc_span span;
	const char *message;
} opsc_diag_note;

typedef struct {
	const char *code; /* stable id, e.g. "unknown-attribute" (static string) */
	opsc_severity severity;
	opsc_span span;
	const char *message;
	const char *help; /* optional one-line suggestion, NULL if none */
	bool redact; /* the span holds a secret: every snippet shows it redacted */
	opsc_array(opsc_diag_note) notes;
} opsc_diag;

typedef struct {
	opsc_arena *arena; /* not owned */
	opsc_array(opsc_diag) items;
	uint32_t errors, warnings;
	uint32_t limit; /* stop recording after this many errors; 0 = no limit */
} opsc_diags;

void opsc_diags_init(opsc_diags *diags, opsc_arena *arena);
void opsc_diags_dispose(opsc_diags *diags);

/* Appends a diagnostic; returns its index for opsc_diag_add_note/opsc_diag_help. */
uint32_t opsc_diag_add(opsc_diags *diags, opsc_severity sev, const char *code, opsc_span span,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
uint32_t opsc_diag_error(opsc_diags *diags, const char *code, opsc_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
uint32_t opsc_diag_warning(opsc_diags *diags, const char *code, opsc_span span, const char *fmt,
			   ...) __attribute__((format(printf, 4, 5)));
void opsc_diag_add_note(opsc_diags *diags, uint32_t diag, opsc_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void opsc_diag_help(opsc_diags *diags, uint32_t diag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The secret a redacted diagnostic's span holds, as opsc_esc_redact
 * shows it: the text of the span without its quotes. In `arena`. */
const char *opsc_diag_redacted(opsc_arena *arena, const opsc_sources *sources, const opsc_span *span);
/* Whether every error in `diags` has this code (and there is one). */
bool opsc_diags_only_errors(const opsc_diags *diags, const char *code);

/* Sorts by file, then position, keeping insertion order for ties. */
void opsc_diags_sort(opsc_diags *diags);

/* After sorting: drops repeats of the same diagnostic at the same place. */
void opsc_diags_dedupe(opsc_diags *diags);

typedef struct {
	bool color;
} opsc_render_opts;

/*
 *   file:line:col: error: message
 *      12 |   clustr = "pro"
 *         |   ^~~~~~
 *   file:3:1: note: the block starts here
 *      = help: did you mean `cluster`?
 */
void opsc_diag_render_text(FILE *out, const opsc_sources *sources, const opsc_diags *diags,
			   const opsc_render_opts *opts);
/* Whether colour should be used on `out` (a terminal and NO_COLOR unset). */
bool opsc_diag_want_color(FILE *out);

#endif
