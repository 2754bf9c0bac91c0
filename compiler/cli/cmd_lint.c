/*
 * cmd_lint.c - `opsc lint`: the command line around opsc_lint_run.
 *
 *   options -> rules + sources -> findings -> baseline? -> format -> exit
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lint.h"
#include "cli.h"
#include "util.h"

enum {
	OPT_STAGED = 1, OPT_BASE, OPT_HISTORY, OPT_FULL_HISTORY, OPT_SINCE, OPT_ONLY, OPT_FORMAT,
	OPT_REPORT, OPT_FAIL_ON, OPT_BASELINE, OPT_WRITE_BASELINE, OPT_POLICIES, OPT_NO_PROGRESS, OPT_VERBOSE,
};

static const opsc_option lint_options[] = {
	{ OPT_STAGED, 0, "staged", NULL,
	  "the content the next commit will add: index blobs that differ from HEAD (for a pre-commit hook)",
	  NULL, "what to read (one of; the default is the working tree)" },
	{ OPT_BASE, 0, "base", "REV",
	  "only lines added since the merge base of REV and HEAD, in the working tree (for pull requests)",
	  NULL, NULL },
	{ OPT_HISTORY, 0, "history", NULL,
	  "every distinct blob of every commit reachable from HEAD and any reference, each reported once "
	  "with the commit that introduced it, its author and date", NULL, NULL },
	{ OPT_FULL_HISTORY, 0, "require-full-history", NULL,
	  "with --history: a shallow clone is an error (exit 2); without it, what the clone has is "
	  "scanned, with a note", NULL, NULL },
	{ OPT_SINCE, 0, "since", "DATE",
	  "with --history: only what commits whose committer date is DATE or later bring (YYYY-MM-DD, "
	  "midnight UTC, or YYYY-MM-DDTHH:MM:SS[Z|+HH:MM])", NULL, NULL },
	{ OPT_ONLY, 0, "only", "KIND", "secrets, drift or policy (repeatable; default all)",
	  "secrets drift policy", "what to report" },
	{ OPT_FORMAT, 0, "format", "FORMAT",
	  "text (default), github (workflow annotations), sarif (SARIF 2.1.0) or json; markdown with --report",
	  "text github sarif json markdown", NULL },
	{ OPT_REPORT, 0, "report", "readiness",
	  "instead of the findings, the readiness scorecard: per category (security, backup and DR, "
	  "observability, deployment protection, secrets) the checks passed and failed over the .ops and "
	  "the manifests, and a score (text, or --format markdown for a job summary)",
	  "readiness", NULL },
	{ OPT_FAIL_ON, 0, "fail-on", "SEVERITY",
	  "error (default), warning or note: exit 1 when a finding is at least this severe",
	  "error warning note", NULL },
	{ OPT_BASELINE, 0, "baseline", "FILE", "leave out the findings FILE records", NULL, NULL },
	{ OPT_WRITE_BASELINE, 0, "write-baseline", "FILE",
	  "record every finding's fingerprint in FILE (rule, path and a SHA-256, never the secret), with an "
	  "empty reason, owner and expires to fill in (kept when FILE already says them), and exit 0",
	  NULL, NULL },
	{ OPT_POLICIES, 0, "policies", "PATH", "your .ops files (default: policies/ at the root)", NULL, NULL },
	{ OPT_NO_PROGRESS, 0, "no-progress", NULL,
	  "no --history progress line (commits, blobs and commits per second, on standard error when it "
	  "is a terminal)", NULL, NULL },
	{ OPT_VERBOSE, 'v', "verbose", NULL, "list every skipped file, not the first ten", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_lint = {
	.name = "lint",
	.summary = "find leaked secrets, drift and policy violations in a repository",
	.synopsis = "[options] [PATH...]",
	.description =
		"Guard a Git repository: leaked secrets (PCRE2 rules from the built-in\n"
		"policies/secrets.ops and your own `secret` blocks), drift of generated\n"
		"files, and policy violations. Every problem `opsc check` finds in your\n"
		"policies is a finding too (kind `check`, the diagnostic's id as rule);\n"
		"with an error among them nothing else is checked.\n"
		"\n"
		"PATH is a file or directory; the default is the current directory. In a\n"
		"repository, paths are reported relative to its root and only files under\n"
		"PATH are read: tracked files and untracked files .gitignore does not\n"
		"exclude. Outside any repository every file under PATH is read. Symbolic\n"
		"links are never followed; binary files and files over 10 MiB are skipped\n"
		"with a note.\n"
		"\n"
		"Secrets are never printed: at most their first four characters and their\n"
		"length. Findings go to standard output, the summary line to standard\n"
		"error. When GITHUB_STEP_SUMMARY is set, a markdown table of the findings\n"
		"is appended to that file (with --report readiness, the scorecard).\n",
	.options = lint_options,
	.operand = OPSC_OPERAND_FILE,
	.exit_status = "0 clean, 1 findings at or above --fail-on, 2 usage or internal error, an unreadable "
		       "commit, or (--require-full-history) a shallow clone.",
	.run = opsc_cmd_lint,
};

typedef struct {
	opsc_lint_opts lint;
	opsc_report_opts report;
	opsc_severity fail_on;
	const char *write_baseline;
	bool no_progress, only;
	bool readiness, markdown; /* --report readiness, --format markdown */
	opsc_array(const char *) paths;
} lint_args;

static int usage_error(const char *fmt, const char *arg)
{
	opsc_cli_usage_error(&opsc_command_lint, fmt, arg);
	return -1;
}

static bool parse_severity(const char *s, opsc_severity *out)
{
	static const char *const names[] = { "note", "warning", "error" };
	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (opsc_severity)i;
			return true;
		}
	return false;
}

static int set_only(lint_args *a, const char *kind)
{
	static const char *const kinds[] = { "secrets", "drift", "policy" };
	if (!a->only)
		memset(a->lint.kinds, 0, sizeof a->lint.kinds);
	a->only = true;
	for (int i = 0; i < 3; i++)
		if (strcmp(kind, kinds[i]) == 0) {
			a->lint.kinds[i] = true;
			return 0;
		}
	return usage_error("--only takes secrets, drift or policy, not '%s'", kind);
}

static int set_mode(lint_args *a, opsc_lint_mode mode, const char *flag)
{
	if (a->lint.mode != OPSC_LINT_WORKTREE && a->lint.mode != mode)
		return usage_error("%s cannot be combined with another of --staged, --base, --history", flag);
	a->lint.mode = mode;
	return 0;
}

/* One option or operand; returns -1 on a usage error. */
static int parse_one(lint_args *a, int id, const char *v)
{
	switch (id) {
	case OPT_STAGED: return set_mode(a, OPSC_LINT_STAGED, "--staged");
	case OPT_HISTORY: return set_mode(a, OPSC_LINT_HISTORY, "--history");
	case OPT_BASE:
		a->lint.base = v;
		return *v ? set_mode(a, OPSC_LINT_BASE, "--base") : usage_error("--base needs a revision%s", "");
	case OPT_FULL_HISTORY: a->lint.require_full_history = true; return 0;
	case OPT_SINCE:
		return opsc_lint_parse_date(v, &a->lint.since)
			       ? 0 : usage_error("--since takes YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+HH:MM], not '%s'", v);
	case OPT_ONLY: return set_only(a, v);
	case OPT_FORMAT:
		a->markdown = strcmp(v, "markdown") == 0;
		a->report.format = a->markdown ? OPSC_FORMAT_TEXT : a->report.format;
		return a->markdown || opsc_report_format_parse(v, &a->report.format)
			       ? 0 : usage_error("--format takes text, github, sarif, json or markdown, not '%s'", v);
	case OPT_REPORT:
		a->readiness = strcmp(v, "readiness") == 0;
		return a->readiness ? 0 : usage_error("--report takes readiness, not '%s'", v);
	case OPT_FAIL_ON:
		return parse_severity(v, &a->fail_on) ? 0
						       : usage_error("--fail-on takes error, warning or note, not '%s'", v);
	case OPT_BASELINE: a->lint.baseline = v; return *v ? 0 : usage_error("--baseline needs a file%s", "");
	case OPT_WRITE_BASELINE:
		a->write_baseline = v;
		return *v ? 0 : usage_error("--write-baseline needs a file%s", "");
	case OPT_POLICIES: a->lint.policies = v; return *v ? 0 : usage_error("--policies needs a path%s", "");
	case OPT_NO_PROGRESS: a->no_progress = true; return 0;
	case OPT_VERBOSE: a->report.verbose = true; return 0;
	default: opsc_array_push(&a->paths, v); return 0;
	}
}

/* Returns -1 on a usage error, 1 for --help, 0 otherwise. */
static int parse_args(lint_args *a, int argc, char **argv)
{
	bool since = false;
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_lint, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP || id == OPSC_CLI_ERROR)
			return id == OPSC_CLI_HELP ? 1 : -1;
		since |= id == OPT_SINCE;
		if (parse_one(a, id, p.value) < 0)
			return -1;
	}
	if (since && a->lint.mode != OPSC_LINT_HISTORY)
		return usage_error("--since only applies to --history%s", "");
	if (a->lint.require_full_history && a->lint.mode != OPSC_LINT_HISTORY)
		return usage_error("--require-full-history only applies to --history%s", "");
	if (a->markdown && !a->readiness)
		return usage_error("--format markdown only applies to --report readiness%s", "");
	return 0;
}

/* --report readiness in a job: the scorecard goes to the summary too. */
static int step_readiness(const char *path, const opsc_lint_result *res, const opsc_rules *rules)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return -1;
	int rc = opsc_report_readiness(f, res, rules, true);
	return fclose(f) != 0 || rc < 0 ? -1 : 0;
}

/* Renders the findings (or writes the baseline) and picks the exit status. */
static int finish(lint_args *a, opsc_lint_result *res)
{
	if (a->write_baseline) {
		int rc = opsc_baseline_write(a->write_baseline, res->findings.items, res->findings.len);
		if (rc < 0) {
			fprintf(stderr, "opsc lint: %s: %s\n", a->write_baseline, strerror(-rc));
			return OPSC_EXIT_USAGE;
		}
		fprintf(stderr, "opsc lint: wrote %u finding%s to %s: fill in each entry's reason, owner and "
			"expires (YYYY-MM-DD)\n", res->findings.len, res->findings.len == 1 ? "" : "s", a->write_baseline);
		return OPSC_EXIT_OK;
	}
	int written = a->readiness ? opsc_report_readiness(stdout, res, a->report.rules, a->markdown)
				   : opsc_report_write(stdout, res, &a->report);
	if (written < 0) {
		fputs("opsc lint: cannot write the report\n", stderr);
		return OPSC_EXIT_USAGE;
	}
	if (a->report.format == OPSC_FORMAT_TEXT)
		opsc_report_notes(stderr, res, &a->report);
	if (res->shallow_commits) /* on stderr whatever the format: CI logs show it */
		fprintf(stderr, "opsc lint: note: the history is shallow: %u commit%s reachable were "
				"scanned, older ones are not in this clone (fetch them with `git fetch "
				"--unshallow`, or use --require-full-history to make this an error)\n",
			res->shallow_commits, res->shallow_commits == 1 ? "" : "s");
	opsc_report_summary(stderr, res);
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	if (summary && *summary && (a->readiness ? step_readiness(summary, res, a->report.rules)
						  : opsc_report_step_summary(summary, res)) < 0)
		fprintf(stderr, "opsc lint: cannot append to GITHUB_STEP_SUMMARY (%s)\n", summary);
	return opsc_lint_result_count(res, a->fail_on) ? OPSC_EXIT_FINDINGS : OPSC_EXIT_OK;
}

static int run(lint_args *a)
{
	opsc_ctx ctx;
	opsc_rules rules = { 0 };
	opsc_lint_result res;
	const char *error = NULL;
	opsc_ctx_init(&ctx);
	opsc_lint_result_init(&res);
	a->lint.paths = a->paths.items;
	a->lint.npaths = a->paths.len;
	a->lint.progress = !a->no_progress && isatty(STDERR_FILENO) ? stderr : NULL;
	a->lint.no_fingerprints = !a->write_baseline && (a->readiness || a->report.format == OPSC_FORMAT_TEXT ||
							  a->report.format == OPSC_FORMAT_GITHUB);
	a->report.rules = &rules;
	a->report.color = a->report.format == OPSC_FORMAT_TEXT && opsc_diag_want_color(stdout);
	int rc = opsc_lint_run(&res, &rules, &ctx, &a->lint, &error);
	int exit = OPSC_EXIT_USAGE;
	if (ctx.diags.items.len) {
		opsc_render_opts ro = { opsc_diag_want_color(stderr) };
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	}
	if (rc < 0)
		opsc_esc_printf(stderr, "opsc lint: %s\n", error ? error : "internal error");
	else if (ctx.diags.errors)
		fputs("opsc lint: the .ops files have errors (see above; `opsc check` lists them)\n", stderr);
	else {
		if (res.secrets_only)
			fputs("opsc lint: a secret is inlined in the .ops files: secrets were scanned; "
			      "drift and policies are checked once it is replaced by secret()\n", stderr);
		exit = finish(a, &res);
	}
	opsc_lint_result_dispose(&res);
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&ctx);
	return exit;
}

int opsc_cmd_lint(int argc, char **argv)
{
	lint_args a = { .fail_on = OPSC_SEV_ERROR, .lint.kinds = { true, true, true } };
	int rc = parse_args(&a, argc, argv);
	int exit = rc > 0 ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
	if (rc == 0)
		exit = run(&a);
	opsc_array_free(&a.paths);
	return exit;
}
