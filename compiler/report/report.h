/*
 * report.h - what `opsc lint` prints: the findings of one run rendered as
 * text, GitHub workflow annotations, SARIF 2.1.0 or JSON, a summary line,
 * and a markdown table for a GitHub job summary.
 *
 * Findings never carry a secret (finding.h): every format prints only the
 * redacted form, at most four characters and the length.
 *
 * Ownership: an opsc_lint_result owns its arena; every string of its
 * findings and notes lives there.
 */
#ifndef OPSC_REPORT_H
#define OPSC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"
#include "finding.h"
#include "rules.h"

typedef enum { OPSC_FORMAT_TEXT, OPSC_FORMAT_GITHUB, OPSC_FORMAT_SARIF, OPSC_FORMAT_JSON } opsc_format;

/* A file lint did not read, and why ("binary file"). */
typedef struct {
	const char *path;
	const char *reason;
} opsc_lint_note;

typedef struct {
	opsc_arena *arena;
	opsc_array(opsc_finding) findings;
	opsc_array(opsc_lint_note) notes;
	uint32_t files; /* files (or blobs) read */
	uint32_t baselined; /* findings a baseline suppressed */
	uint32_t shallow_commits; /* --history of a shallow clone: the commits it has; else 0 */
	bool secrets_only; /* a secret inlined in the .ops: drift and policies not checked */
} opsc_lint_result;

void opsc_lint_result_init(opsc_lint_result *r);
void opsc_lint_result_dispose(opsc_lint_result *r);
/* Orders findings by path, line, column, rule (the order of every format),
 * and notes by path, dropping repeats. */
void opsc_lint_result_sort(opsc_lint_result *r);
/* How many findings have at least severity `sev`. */
uint32_t opsc_lint_result_count(const opsc_lint_result *r, opsc_severity sev);

typedef struct {
	opsc_format format;
	bool color; /* text only */
	bool verbose; /* text: every skipped file, not the first few */
	const opsc_rules *rules; /* rule metadata for SARIF and help; may be NULL */
} opsc_report_opts;

/* "text", "github", "sarif", "json". */
bool opsc_report_format_parse(const char *name, opsc_format *out);

/* The findings, on `out`, in opts->format. Returns 0 or negative on an
 * output error. */
int opsc_report_write(FILE *out, const opsc_lint_result *r, const opsc_report_opts *opts);
/* `opsc lint --report readiness` (report_readiness.c): per category the
 * checks passed and failed over declared and actual state, and a score;
 * plain text or a markdown job summary. Returns 0 or -1 on an output
 * error. */
int opsc_report_readiness(FILE *out, const opsc_lint_result *res, const opsc_rules *rules, bool markdown);

/* Text format only: the skipped files, as notes on `err`. */
void opsc_report_notes(FILE *err, const opsc_lint_result *r, const opsc_report_opts *opts);
/* "opsc lint: 3 findings (2 errors, 1 warning) in 120 files" and a newline. */
void opsc_report_summary(FILE *err, const opsc_lint_result *r);
/* Appends a markdown summary and table of findings to `path` (the file
 * named by GITHUB_STEP_SUMMARY). Returns 0 or negative errno. */
int opsc_report_step_summary(const char *path, const opsc_lint_result *r);

/* Internal to the report module (report.c, report_json.c). */
int opsc_report_sarif_(FILE *out, const opsc_lint_result *r, const opsc_report_opts *opts);
int opsc_report_json_(FILE *out, const opsc_lint_result *r);
const char *opsc_report_kind_name_(opsc_finding_kind kind);

#endif
