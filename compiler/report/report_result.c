/*
 * report_result.c - a lint result (findings and notes, sorted, counted) and
 * the names of formats and kinds, which every renderer (report.c for text
 * and GitHub, report_json.c for JSON and SARIF) reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ------------------------------------------------------------------ result */

void opsc_lint_result_init(opsc_lint_result *r)
{
	*r = (opsc_lint_result){ .arena = opsc_arena_new() };
}

void opsc_lint_result_dispose(opsc_lint_result *r)
{
	opsc_array_free(&r->findings);
	opsc_array_free(&r->notes);
	opsc_arena_free(r->arena);
	r->arena = NULL;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_finding(const void *pa, const void *pb)
{
	const opsc_finding *a = pa, *b = pb;
	int c = strcmp(a->where.path, b->where.path);
	if (!c)
		c = cmp_u32(a->where.line, b->where.line);
	if (!c)
		c = cmp_u32(a->where.col, b->where.col);
	if (!c)
		c = strcmp(a->rule, b->rule);
	return c;
}

static int cmp_note(const void *pa, const void *pb)
{
	const opsc_lint_note *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	return c ? c : strcmp(a->reason, b->reason);
}

/* Notes in path order, each once: two finders skip a file over the size
 * limit for the same reason. */
static void sort_notes(opsc_lint_result *r)
{
	uint32_t out = 0;
	if (r->notes.len > 1)
		qsort(r->notes.items, r->notes.len, sizeof(opsc_lint_note), cmp_note);
	for (uint32_t i = 0; i < r->notes.len; i++)
		if (!out || cmp_note(&r->notes.items[out - 1], &r->notes.items[i]) != 0)
			r->notes.items[out++] = r->notes.items[i];
	r->notes.len = out;
}

void opsc_lint_result_sort(opsc_lint_result *r)
{
	if (r->findings.len > 1)
		qsort(r->findings.items, r->findings.len, sizeof(opsc_finding), cmp_finding);
	sort_notes(r);
}

uint32_t opsc_lint_result_count(const opsc_lint_result *r, opsc_severity sev)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->findings.len; i++)
		n += r->findings.items[i].severity >= sev;
	return n;
}

/* ------------------------------------------------------------------ names */

static const char *const format_names[] = { "text", "github", "sarif", "json" };

bool opsc_report_format_parse(const char *name, opsc_format *out)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (opsc_format)i;
			return true;
		}
	return false;
}

const char *opsc_report_kind_name_(opsc_finding_kind kind)
{
	static const char *const names[] = { "secret", "drift", "policy", "check" };
	return names[kind];
}
