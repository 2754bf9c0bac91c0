/*
 * cmd_lint.c - `opsc lint`: the command line around opsc_lint_run.
 *
 *   options -> rules + sources -> findings -> baseline? -> format -> exit
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cli.h"
#include "escape.h"
#include "lint.h"

static const char lint_help[] =
	"usage: opsc lint [options] [PATH...]\n"
	"\n"
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
	"what to read (one of):\n"
	"  (default)            the working tree\n"
	"  --staged             the content the next commit will add: index blobs\n"
	"                       that differ from HEAD (for a pre-commit hook)\n"
	"  --base REV           only lines added since the merge base of REV and\n"
	"                       HEAD, in the working tree (for pull requests)\n"
	"  --history            every distinct blob of every commit reachable from\n"
	"                       HEAD and any reference, each reported once with the\n"
	"                       commit that introduced it, its author and date\n"
	"  --require-full-history\n"
	"                       with --history: a shallow clone is an error (exit 2);\n"
	"                       without it, what the clone has is scanned, with a note\n"
	"  --since DATE         with --history: only what commits whose committer\n"
	"                       date is DATE or later bring (YYYY-MM-DD, midnight\n"
	"                       UTC, or YYYY-MM-DDTHH:MM:SS[Z|+HH:MM])\n"
	"\n"
	"what to report:\n"
	"  --only KIND          secrets, drift or policy (repeatable; default all)\n"
	"  --format FORMAT      text (default), github (workflow annotations),\n"
	"                       sarif (SARIF 2.1.0) or json; markdown with --report\n"
	"  --report readiness   instead of the findings, the readiness scorecard: per\n"
	"                       category (security, backup and DR, observability,\n"
	"                       deployment protection, secrets) the checks passed and\n"
	"                       failed over the .ops and the manifests, and a score\n"
	"                       (text, or --format markdown for a job summary)\n"
	"  --fail-on SEVERITY   error (default), warning or note: exit 1 when a\n"
	"                       finding is at least this severe\n"
	"  --baseline FILE      leave out the findings FILE records\n"
	"  --write-baseline FILE\n"
	"                       record every finding's fingerprint in FILE (rule,\n"
	"                       path and a SHA-256, never the secret), with an\n"
	"                       empty reason, owner and expires to fill in (kept\n"
	"                       when FILE already says them), and exit 0\n"
	"  --policies PATH      your .ops files (default: policies/ at the root)\n"
	"  --no-progress        no --history progress line (commits, blobs and\n"
	"                       commits per second, on standard error when it is a\n"
	"                       terminal)\n"
	"  -v, --verbose        list every skipped file, not the first ten\n"
	"  -h, --help           show this help\n"
	"\n"
	"Secrets are never printed: at most their first four characters and their\n"
	"length. Findings go to standard output, the summary line to standard\n"
	"error. When GITHUB_STEP_SUMMARY is set, a markdown table of the findings\n"
	"is appended to that file (with --report readiness, the scorecard).\n"
	"\n"
	"exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or\n"
	"internal error, an unreadable commit, or (--require-full-history) a\n"
	"shallow clone.\n";

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
	fputs("opsc lint: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun `opsc lint --help` for the options.\n", stderr);
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

/* An option taking a value: "--x V" or "--x=V". */
static const char *value_of(const char *name, int argc, char **argv, int *i)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		usage_error("%s needs a value", name);
		return "";
	}
	return argv[++*i];
}

/* Options that take a value. Returns 1 when argv[*i] is none of them. */
static int parse_valued(lint_args *a, int argc, char **argv, int *i)
{
	const char *v;
	if ((v = value_of("--only", argc, argv, i)))
		return *v ? set_only(a, v) : -1;
	if ((v = value_of("--format", argc, argv, i))) {
		a->markdown = strcmp(v, "markdown") == 0;
		a->report.format = a->markdown ? OPSC_FORMAT_TEXT : a->report.format;
		return a->markdown || opsc_report_format_parse(v, &a->report.format)
			       ? 0 : usage_error("--format takes text, github, sarif, json or markdown, not '%s'", v);
	}
	if ((v = value_of("--report", argc, argv, i)))
		return strcmp(v, "readiness") == 0 ? (a->readiness = true, 0)
						   : usage_error("--report takes readiness, not '%s'", v);
	if ((v = value_of("--fail-on", argc, argv, i)))
		return parse_severity(v, &a->fail_on) ? 0
						       : usage_error("--fail-on takes error, warning or note, not '%s'", v);
	if ((v = value_of("--base", argc, argv, i))) {
		a->lint.base = v;
		return *v ? set_mode(a, OPSC_LINT_BASE, "--base") : usage_error("--base needs a revision%s", "");
	}
	if ((v = value_of("--since", argc, argv, i)))
		return opsc_lint_parse_date(v, &a->lint.since)
			       ? 0 : usage_error("--since takes YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[+HH:MM], not '%s'", v);
	if ((v = value_of("--baseline", argc, argv, i)))
		return *v ? (a->lint.baseline = v, 0) : -1;
	if ((v = value_of("--write-baseline", argc, argv, i)))
		return *v ? (a->write_baseline = v, 0) : -1;
	if ((v = value_of("--policies", argc, argv, i)))
		return *v ? (a->lint.policies = v, 0) : -1;
	return 1;
}

/* Returns -1 on a usage error, 1 for --help, 0 otherwise. */
static int parse_args(lint_args *a, int argc, char **argv)
{
	bool since = false;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		int rc = parse_valued(a, argc, argv, &i);
		since |= strncmp(s, "--since", 7) == 0;
		if (rc <= 0) {
			if (rc < 0)
				return -1;
		} else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)
			return 1;
		else if (strcmp(s, "--staged") == 0 || strcmp(s, "--history") == 0) {
			if (set_mode(a, s[2] == 's' ? OPSC_LINT_STAGED : OPSC_LINT_HISTORY, s) < 0)
				return -1;
		} else if (strcmp(s, "--no-progress") == 0)
			a->no_progress = true;
		else if (strcmp(s, "--require-full-history") == 0)
			a->lint.require_full_history = true;
		else if (strcmp(s, "-v") == 0 || strcmp(s, "--verbose") == 0)
			a->report.verbose = true;
		else if (s[0] == '-' && s[1] && strcmp(s, "--") != 0)
			return usage_error("unknown option '%s'", s);
		else if (strcmp(s, "--") != 0)
			opsc_array_push(&a->paths, s);
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
	if (rc > 0)
		fputs(lint_help, stdout);
	if (rc == 0)
		exit = run(&a);
	opsc_array_free(&a.paths);
	return exit;
}
