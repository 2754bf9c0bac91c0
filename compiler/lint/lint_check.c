/*
 * lint_check.c - what `opsc check` says about the user's .ops, as findings
 * of `opsc lint`.
 *
 * Compiling the user's policies (lint.c's load_rules) runs the whole front
 * end, the compile-time checks of the emitters included, so its
 * diagnostics are the verdict `opsc check` and `opsc build` give. Each
 * becomes a finding of kind `check` with the diagnostic's id as its rule,
 * at its .ops location, its notes as related locations: every output
 * format carries them, and the exit status follows their severities.
 *
 * They are never filtered by --base or --staged (a broken .ops fails the
 * build whatever the change touched) and carry no fingerprint, so no
 * baseline hides them.
 */
#include <string.h>

#include "util.h"
#include "lint_int.h"

static bool locate(lint_run *run, opsc_span span, opsc_location *out)
{
	const opsc_source *src = opsc_sources_get(&run->ctx->sources, span.file);
	if (!src)
		return false;
	*out = (opsc_location){ opsc_arena_strdup(run->out->arena, opsc_lint_tree_path(run, src->path)), span.line, span.col, span.end_line, span.end_col, NULL };
	return true;
}

/* A message quotes the source, which may not be UTF-8 (invalid-utf8):
 * JSON and SARIF take only UTF-8. Copied: the findings outlive the ctx. */
static const char *utf8_copy(opsc_arena *a, const char *s)
{
	const char *u = opsc_esc_utf8(a, s);
	return u == s ? opsc_arena_strdup(a, s) : u;
}

static void add_finding(lint_run *run, const opsc_diag *d)
{
	opsc_arena *a = run->out->arena;
	opsc_finding f = { .kind = OPSC_FINDING_CHECK, .rule = d->code, .severity = d->severity,
			   .message = utf8_copy(a, d->message),
			   .help = d->help ? opsc_arena_strdup(a, d->help) : NULL };
	if (!locate(run, d->span, &f.where))
		f.where = (opsc_location){ opsc_arena_strdup(a, run->policies ? run->policies : "."), 0, 0, 0, 0, NULL };
	for (uint32_t i = 0; i < d->notes.len && f.nrelated < sizeof f.related / sizeof *f.related; i++) {
		const opsc_diag_note *n = &d->notes.items[i];
		if (!locate(run, n->span, &f.related[f.nrelated]))
			continue;
		f.related[f.nrelated++].message = utf8_copy(a, n->message);
	}
	opsc_array_push(&run->out->findings, f);
}

bool opsc_lint_add_checks(lint_run *run)
{
	opsc_diags *diags = &run->ctx->diags;
	bool errors = diags->errors > 0;
	/* the scanner compiles secret patterns sema already checked */
	opsc_diags_sort(diags);
	opsc_diags_dedupe(diags);
	for (uint32_t i = 0; i < diags->items.len; i++) {
		/* an inlined secret is a secret finding of its own (lint.c) */
		if (!diags->items.items[i].redact)
			add_finding(run, &diags->items.items[i]);
		opsc_array_free(&diags->items.items[i].notes);
	}
	/* reported as findings now: the CLI must not print them again */
	diags->items.len = 0;
	diags->errors = diags->warnings = 0;
	return errors;
}
