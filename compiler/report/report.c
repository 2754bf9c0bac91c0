/*
 * report.c - the line-oriented formats: text, GitHub workflow commands, the
 * summary line and the job summary table. SARIF and JSON are in
 * report_json.c; the result both render is in report_result.c.
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t count_exactly(const opsc_lint_result *r, opsc_severity sev)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->findings.len; i++)
		n += r->findings.items[i].severity == sev;
	return n;
}

/* ------------------------------------------------------------------- text */

typedef struct {
	const char *bold, *sev, *dim, *reset;
} palette;

static palette colors(bool on, opsc_severity sev)
{
	static const char *const sevs[] = { "\033[1;36m", "\033[1;33m", "\033[1;31m" };
	if (!on)
		return (palette){ "", "", "", "" };
	return (palette){ "\033[1m", sevs[sev], "\033[2m", "\033[0m" };
}

/* Every string of a finding may come from the repository (a file name, a
 * resource name, a commit author): all of it goes through opsc_esc_text. A
 * path starts the line, where a GitHub runner would read "::" as a command. */
static void text_position(FILE *out, const opsc_location *l, bool line_start)
{
	if (line_start)
		opsc_esc_text_line(out, l->path);
	else
		opsc_esc_text_str(out, l->path);
	if (l->line)
		fprintf(out, ":%u", l->line);
	if (l->line && l->col)
		fprintf(out, ":%u", l->col);
}

/* Help is opsc's or a rule author's text and may have several lines: each
 * after the first indented under it, each escaped. */
static void text_help(FILE *out, const char *help, const palette *p)
{
	fprintf(out, "  %s= help:%s ", p->dim, p->reset);
	opsc_esc_text_lines(out, help, "          ");
	fputc('\n', out);
}

/*
 *   deploy/app.yaml:12:15: error[github-pat]: GitHub personal access token
 *     secret: ghp_… (40 chars)
 *     introduced in 1a2b3c4 by Alice <alice@example.com> on 2024-03-01T10:00:00+01:00
 *     note: policies/rbac.ops:3:1: produced here
 *     = help: remove the value from the file, then rotate the credential
 */
static void text_finding(FILE *out, const opsc_finding *f, bool color)
{
	palette p = colors(color, f->severity);
	fputs(p.bold, out);
	text_position(out, &f->where, true);
	fprintf(out, ":%s %s%s[", p.reset, p.sev, opsc_severity_name(f->severity));
	opsc_esc_text_str(out, f->rule);
	fprintf(out, "]%s%s: ", p.reset, p.bold);
	opsc_esc_text_str(out, f->message);
	fprintf(out, "%s\n", p.reset);
	if (f->redacted)
		opsc_esc_printf(out, "  secret: %s\n", f->redacted);
	if (f->commit)
		opsc_esc_printf(out, "  introduced in %.7s by %s on %s\n", f->commit, f->author ? f->author : "?",
				f->date ? f->date : "?");
	for (uint32_t i = 0; i < f->nrelated; i++) {
		fputs("  note: ", out);
		text_position(out, &f->related[i], false);
		opsc_esc_printf(out, ": %s\n", f->related[i].message ? f->related[i].message : "related");
	}
	if (f->help)
		text_help(out, f->help, &p);
}

static int write_text(FILE *out, const opsc_lint_result *r, const opsc_report_opts *o)
{
	for (uint32_t i = 0; i < r->findings.len; i++)
		text_finding(out, &r->findings.items[i], o->color);
	return 0;
}

/* At most this many skipped files are listed without --verbose. */
#define NOTES_SHOWN 10

void opsc_report_notes(FILE *err, const opsc_lint_result *r, const opsc_report_opts *o)
{
	uint32_t shown = o->verbose || r->notes.len <= NOTES_SHOWN ? r->notes.len : NOTES_SHOWN;
	palette p = colors(o->color, OPSC_SEV_NOTE);
	for (uint32_t i = 0; i < shown; i++) {
		fputs(p.bold, err);
		opsc_esc_text_line(err, r->notes.items[i].path);
		fprintf(err, ":%s %snote:%s skipped: ", p.reset, p.sev, p.reset);
		opsc_esc_printf(err, "%s\n", r->notes.items[i].reason);
	}
	if (shown < r->notes.len)
		fprintf(err, "%snote:%s %u more files skipped (--verbose lists them)\n", p.sev, p.reset,
			r->notes.len - shown);
}

/* ----------------------------------------------------------------- github */

static void gh_number(FILE *out, const char *name, uint32_t v)
{
	if (v)
		fprintf(out, ",%s=%u", name, v);
}

/* ::error file=F,line=L,col=C,endLine=E,endColumn=EC,title=RULE::MESSAGE */
static void gh_finding(FILE *out, const opsc_finding *f)
{
	static const char *const cmd[] = { "notice", "warning", "error" };
	fprintf(out, "::%s file=", cmd[f->severity]);
	opsc_esc_github(out, f->where.path, true);
	gh_number(out, "line", f->where.line);
	gh_number(out, "col", f->where.col);
	gh_number(out, "endLine", f->where.end_line);
	gh_number(out, "endColumn", f->where.end_line == f->where.line ? f->where.end_col : 0);
	fputs(",title=", out);
	opsc_esc_github(out, f->rule, true);
	fputs("::", out);
	opsc_esc_github(out, f->message, false);
	if (f->redacted) {
		fputs(" (", out);
		opsc_esc_github(out, f->redacted, false);
		fputs(")", out);
	}
	if (f->commit) {
		fprintf(out, "%%0Aintroduced in %.7s by ", f->commit);
		opsc_esc_github(out, f->author ? f->author : "?", false);
		fputs(" on ", out);
		opsc_esc_github(out, f->date ? f->date : "?", false);
	}
	for (uint32_t i = 0; i < f->nrelated; i++) { /* an annotation has one place: the others in its text */
		fputs("%0Anote: ", out);
		opsc_esc_github(out, f->related[i].path, false);
		fprintf(out, ":%u: ", f->related[i].line);
		opsc_esc_github(out, f->related[i].message ? f->related[i].message : "related", false);
	}
	if (f->help) {
		fputs("%0A", out);
		opsc_esc_github(out, f->help, false);
	}
	fputc('\n', out);
}

static int write_github(FILE *out, const opsc_lint_result *r)
{
	for (uint32_t i = 0; i < r->findings.len; i++)
		gh_finding(out, &r->findings.items[i]);
	return 0;
}

int opsc_report_write(FILE *out, const opsc_lint_result *r, const opsc_report_opts *o)
{
	int rc = 0;
	switch (o->format) {
	case OPSC_FORMAT_TEXT: rc = write_text(out, r, o); break;
	case OPSC_FORMAT_GITHUB: rc = write_github(out, r); break;
	case OPSC_FORMAT_SARIF: rc = opsc_report_sarif_(out, r, o); break;
	case OPSC_FORMAT_JSON: rc = opsc_report_json_(out, r); break;
	}
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return rc;
}

/* ---------------------------------------------------------------- summary */

static const char *plural(uint32_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "3 findings (2 errors, 1 warning) in 120 files" */
static void summary_text(char *buf, size_t cap, const opsc_lint_result *r)
{
	uint32_t n = r->findings.len, e = count_exactly(r, OPSC_SEV_ERROR),
		 w = count_exactly(r, OPSC_SEV_WARNING), k = count_exactly(r, OPSC_SEV_NOTE);
	size_t len = (size_t)snprintf(buf, cap, "%u %s", n, plural(n, "finding", "findings"));
	const char *sep = " (";
	const struct {
		uint32_t n;
		const char *one, *many;
	} parts[] = { { e, "error", "errors" }, { w, "warning", "warnings" }, { k, "note", "notes" } };
	for (int i = 0; i < 3 && len < cap; i++)
		if (parts[i].n) {
			len += (size_t)snprintf(buf + len, cap - len, "%s%u %s", sep, parts[i].n,
						plural(parts[i].n, parts[i].one, parts[i].many));
			sep = ", ";
		}
	if (len < cap)
		snprintf(buf + len, cap - len, "%s in %u %s", n ? ")" : "", r->files,
			 plural(r->files, "file", "files"));
}

void opsc_report_summary(FILE *err, const opsc_lint_result *r)
{
	char buf[256];
	summary_text(buf, sizeof buf, r);
	fprintf(err, "opsc lint: %s", buf);
	if (r->baselined)
		fprintf(err, "; %u known %s in the baseline", r->baselined,
			plural(r->baselined, "finding", "findings"));
	fputc('\n', err);
}

/* ------------------------------------------------------------ job summary */

/* At most this many rows in the job summary table. */
#define TABLE_ROWS 50

/* Every cell through opsc_esc_markdown: a rule id, a path or a message may
 * come from the repository. */
static void md_row(FILE *out, const opsc_finding *f)
{
	fprintf(out, "| %s | ", opsc_severity_name(f->severity));
	opsc_esc_markdown(out, f->rule);
	fputs(" | ", out);
	opsc_esc_markdown(out, f->where.path);
	if (f->where.line)
		fprintf(out, ":%u", f->where.line);
	fputs(" | ", out);
	opsc_esc_markdown(out, f->message);
	if (f->redacted) {
		fputs(" (", out);
		opsc_esc_markdown(out, f->redacted);
		fputs(")", out);
	}
	fputs(" |\n", out);
}

int opsc_report_step_summary(const char *path, const opsc_lint_result *r)
{
	char buf[256];
	FILE *out = fopen(path, "a");
	if (!out)
		return -errno;
	summary_text(buf, sizeof buf, r);
	fprintf(out, "### opsc lint: %s\n\n", buf);
	if (r->findings.len)
		fputs("| Severity | Rule | Location | Finding |\n| --- | --- | --- | --- |\n", out);
	for (uint32_t i = 0; i < r->findings.len && i < TABLE_ROWS; i++)
		md_row(out, &r->findings.items[i]);
	if (r->findings.len > TABLE_ROWS)
		fprintf(out, "\n%u more findings are in the job log.\n", r->findings.len - TABLE_ROWS);
	if (r->baselined)
		fprintf(out, "\n%u known %s suppressed by the baseline.\n", r->baselined,
			plural(r->baselined, "finding", "findings"));
	fputc('\n', out);
	return fclose(out) == 0 ? 0 : -errno;
}
