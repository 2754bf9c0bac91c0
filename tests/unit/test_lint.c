/*
 * test_lint.c - the lint pipeline on fixture repositories built with
 * libgit2, with the built-in secret rules: each source (working tree,
 * --staged, --base, --history), what is never read, baselines, exit codes,
 * and redaction in every format.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gitfix.h"
#include "lintfix.h"
#include "baseline.h"
#include "lint.h"

/* Fake tokens in the providers' formats. */
#define GH_TOKEN "ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5" /* opsc:ignore a test fixture, not a credential */
#define AWS_KEY "AKIAZ7VRSQ5TJN2XVD4K" /* opsc:ignore a test fixture, not a credential */
#define PASSWORD "Zq8vN3xLp2Rt7Wm"

static void lint(lint_out *o, const gitfix *f, opsc_lint_mode mode, const char *arg, const char *baseline)
{
	const char *path = f->dir;
	opsc_lint_opts opts = { .mode = mode, .kinds = { true, true, true }, .paths = &path, .npaths = 1,
				.baseline = baseline, .threads = 2 };
	if (mode == OPSC_LINT_BASE)
		opts.base = arg;
	lintfix_run(o, &opts);
}

static void done(lint_out *o)
{
	lintfix_done(o);
}

/* "path:line:col rule; ..." */
static const char *found(const lint_out *o)
{
	static char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < o->res.findings.len; i++) {
		const opsc_finding *f = &o->res.findings.items[i];
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s:%u:%u %s", i ? "; " : "", f->where.path,
				      f->where.line, f->where.col, f->rule);
	}
	return buf;
}

static void commit_file(gitfix *f, const char *path, const char *content, int64_t time, char *id)
{
	gitfix_write(f, path, content);
	gitfix_add(f, path);
	gitfix_commit(f, path, "Alice", time, id);
}

/* ------------------------------------------------------------ sources */

static void test_lint__clean_repository(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	commit_file(&f, "deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
		    1700000000, NULL);
	gitfix_write(&f, "README.md", "token: ${GITHUB_TOKEN}\npassword: changeme\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_string_equal(found(&o), "");
	assert_int_equal(o.res.files, 2);
	assert_int_equal(o.res.notes.len, 0);
	done(&o);
	gitfix_dispose(&f);
}

/* A secret is suppressed on its line by `opsc:ignore[rule] reason` (or
 * `opsc:ignore reason`); without a reason it is still reported, and so is
 * the comment, once per rule it names. */
static void test_lint__secret_suppression_needs_a_reason(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "a.env", "GH=" GH_TOKEN " # opsc:ignore[github-pat] the test account of the fixtures\n"
				  "AWS=" AWS_KEY " # opsc:ignore documented example key of the training repo\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_string_equal(found(&o), "");
	done(&o);

	gitfix_write(&f, "a.env", "GH=" GH_TOKEN " # opsc:ignore[github-pat]\n"
				  "AWS=" AWS_KEY " # opsc:ignore\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_string_equal(found(&o), "a.env:1:4 github-pat; a.env:1:47 ignore-without-reason; "
				       "a.env:2:5 aws-access-key-id; a.env:2:28 ignore-without-reason");
	assert_string_equal(o.res.findings.items[1].message,
			    "`opsc:ignore[github-pat]` gives no reason: it suppresses nothing");
	assert_int_equal(o.res.findings.items[1].severity, OPSC_SEV_WARNING);
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__worktree_skips_ignored_symlinks_binary(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	commit_file(&f, ".gitignore", ".env\n", 1700000000, NULL);
	gitfix_write(&f, ".env", "GITHUB_TOKEN=" GH_TOKEN "\n");
	gitfix_write(&f, "outside/creds.txt", "key " AWS_KEY "\n");
	gitfix_symlink(&f, "linked.txt", gitfix_path(&f, "outside/creds.txt"));
	gitfix_write_n(&f, "logo.png", "\x89PNG\0\0" GH_TOKEN, 6 + 40);
	gitfix_write(&f, "deploy/secret.sh", "export TOKEN=" GH_TOKEN "\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	/* .env is ignored, the symlink is not followed, the PNG is binary; the
	 * real file under outside/ is found at its own path */
	assert_string_equal(found(&o), "deploy/secret.sh:1:14 github-pat; outside/creds.txt:1:5 aws-access-key-id");
	assert_int_equal(o.res.notes.len, 2);
	assert_string_equal(o.res.notes.items[0].path, "linked.txt");
	assert_string_equal(o.res.notes.items[0].reason, "symbolic link, not followed");
	assert_string_equal(o.res.notes.items[1].path, "logo.png");
	assert_string_equal(o.res.notes.items[1].reason, "binary file");
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__staged_finds_only_what_the_commit_adds(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	commit_file(&f, "a.yaml", "x: 1\n", 1700000000, NULL);
	/* a secret in the working tree that is not staged does not count */
	gitfix_write(&f, "unstaged.sh", "TOKEN=" GH_TOKEN "\n");
	gitfix_write(&f, "a.yaml", "x: 2\n");
	gitfix_add(&f, "a.yaml");
	lint_out o;
	lint(&o, &f, OPSC_LINT_STAGED, NULL, NULL);
	assert_string_equal(found(&o), "");
	assert_int_equal(o.res.files, 1);
	done(&o);

	gitfix_write(&f, "ci/deploy.sh", "#!/bin/sh\nexport GH=" GH_TOKEN "\n");
	gitfix_add(&f, "ci/deploy.sh");
	gitfix_write(&f, "ci/deploy.sh", "#!/bin/sh\nexport GH=$GH\n"); /* fixed, but not staged */
	lint(&o, &f, OPSC_LINT_STAGED, NULL, NULL);
	assert_string_equal(found(&o), "ci/deploy.sh:2:11 github-pat");
	assert_null(o.res.findings.items[0].commit);
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__history_reports_the_introducing_commit_once(void **state)
{
	(void)state;
	gitfix f;
	char c2[41];
	gitfix_init(&f);
	commit_file(&f, "readme.md", "hello\n", 1700000000, NULL);
	commit_file(&f, "terraform/main.tf", "provider \"aws\" {\n  access_key = \"" AWS_KEY "\"\n}\n", 1700086400, c2);
	for (int i = 0; i < 5; i++) {
		char text[32];
		snprintf(text, sizeof text, "hello %d\n", i);
		commit_file(&f, "readme.md", text, 1700090000 + i * 3600, NULL);
	}
	commit_file(&f, "terraform/main.tf", "provider \"aws\" {}\n", 1700200000, NULL);
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_string_equal(found(&o), ""); /* gone from the tree */
	done(&o);
	lint(&o, &f, OPSC_LINT_HISTORY, NULL, NULL);
	assert_string_equal(found(&o), "terraform/main.tf:2:17 aws-access-key-id");
	const opsc_finding *fi = &o.res.findings.items[0];
	assert_string_equal(fi->commit, c2);
	assert_string_equal(fi->author, "Alice <Alice@example.com>");
	assert_string_equal(fi->date, "2023-11-15T23:13:20+01:00");
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__base_reports_only_added_lines(void **state)
{
	(void)state;
	gitfix f;
	char base[41];
	gitfix_init(&f);
	commit_file(&f, "old.env", "AWS_KEY=" AWS_KEY "\nX=1\n", 1700000000, base);
	gitfix_ref(&f, "main", base);
	gitfix_write(&f, "old.env", "AWS_KEY=" AWS_KEY "\nX=2\nGH=" GH_TOKEN "\n");
	gitfix_add(&f, "old.env");
	gitfix_commit(&f, "pr", "Bob", 1700000100, NULL);
	lint_out o;
	lint(&o, &f, OPSC_LINT_BASE, "main", NULL);
	/* the key was there before the branch: not this pull request's */
	assert_string_equal(found(&o), "old.env:3:4 github-pat");
	done(&o);
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_string_equal(found(&o), "old.env:1:9 aws-access-key-id; old.env:3:4 github-pat");
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__oversize_is_skipped_with_a_note(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "big.txt", "padding padding padding\nGH=" GH_TOKEN "\n");
	const char *path = f.dir;
	opsc_lint_opts opts = { .kinds = { true, true, true }, .paths = &path, .npaths = 1, .max_size = 16 };
	lint_out o;
	opsc_ctx_init(&o.ctx);
	opsc_lint_result_init(&o.res);
	o.rules = (opsc_rules){ 0 };
	assert_int_equal(opsc_lint_run(&o.res, &o.rules, &o.ctx, &opts, &o.error), 0);
	assert_string_equal(found(&o), "");
	assert_int_equal(o.res.notes.len, 1);
	assert_string_equal(o.res.notes.items[0].reason, "68 bytes, over the 16 bytes limit");
	done(&o);
	gitfix_dispose(&f);
}

static void test_lint__needs_a_repository_for_staged(void **state)
{
	(void)state;
	const char *path = "/";
	opsc_lint_opts opts = { .mode = OPSC_LINT_STAGED, .kinds = { true }, .paths = &path, .npaths = 1 };
	lint_out o;
	opsc_ctx_init(&o.ctx);
	opsc_lint_result_init(&o.res);
	o.rules = (opsc_rules){ 0 };
	assert_true(opsc_lint_run(&o.res, &o.rules, &o.ctx, &opts, &o.error) < 0);
	assert_string_equal(o.error, "/: not in a git repository (--staged needs one)");
	done(&o);
}

/* ------------------------------------------------------------ baseline */

static void test_lint__baseline_round_trip(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "a.env", "GH=" GH_TOKEN "\nAWS=" AWS_KEY "\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_int_equal(o.res.findings.len, 2);
	char file[1200];
	snprintf(file, sizeof file, "%s.baseline.json", f.dir);
	assert_int_equal(opsc_baseline_write(file, o.res.findings.items, o.res.findings.len), 0);
	done(&o);

	/* the same secrets on other lines: still known */
	gitfix_write(&f, "a.env", "# moved\nAWS=" AWS_KEY "\n\nGH=" GH_TOKEN "\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, file);
	assert_string_equal(found(&o), "");
	assert_int_equal(o.res.baselined, 2);
	done(&o);

	gitfix_write(&f, "b.yaml", "db_password: \"" PASSWORD "\"\n");
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, file);
	assert_string_equal(found(&o), "b.yaml:1:15 generic-credential");
	assert_int_equal(o.res.baselined, 2);
	done(&o);
	unlink(file);
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ CLI */

/* Runs `opsc lint ARGS...` with stdout and stderr sent to /dev/null. */
static int cli(const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { "lint", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	int argc = 1;
	while (argv[argc])
		argc++;
	fflush(stdout);
	fflush(stderr);
	int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	dup2(null, 2);
	int rc = opsc_cmd_lint(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return rc;
}

static void test_lint__exit_codes_and_fail_on(void **state)
{
	(void)state;
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "clean.txt", "nothing here\n");
	assert_int_equal(cli(f.dir, NULL, NULL, NULL), OPSC_EXIT_OK);
	gitfix_write(&f, "warn.yaml", "db_password: \"" PASSWORD "\"\n"); /* a warning */
	assert_int_equal(cli(f.dir, NULL, NULL, NULL), OPSC_EXIT_OK);
	assert_int_equal(cli("--fail-on", "warning", f.dir, NULL), OPSC_EXIT_FINDINGS);
	assert_int_equal(cli("--fail-on=note", "--only", "secrets", f.dir), OPSC_EXIT_FINDINGS);
	assert_int_equal(cli("--only", "drift", f.dir, "--fail-on=note"), OPSC_EXIT_OK);
	gitfix_write(&f, "err.sh", "GH=" GH_TOKEN "\n");
	assert_int_equal(cli(f.dir, NULL, NULL, NULL), OPSC_EXIT_FINDINGS);
	assert_int_equal(cli("--format", "sarif", f.dir, NULL), OPSC_EXIT_FINDINGS);
	/* usage errors */
	assert_int_equal(cli("--format", "xml", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--fail-on", "fatal", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--staged", "--history", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--since", "2024-01-01", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--history", "--since", "yesterday", f.dir), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--bogus", NULL, NULL, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--base", "no-such-rev", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--baseline", "/nonexistent.json", f.dir, NULL), OPSC_EXIT_USAGE);
	assert_int_equal(cli("--help", NULL, NULL, NULL), OPSC_EXIT_OK);
	gitfix_dispose(&f);
}

/* ------------------------------------------------------------ redaction */

static void test_lint__no_format_prints_a_secret(void **state)
{
	(void)state;
	static const char *const secrets[] = { GH_TOKEN, AWS_KEY, PASSWORD };
	gitfix f;
	gitfix_init(&f);
	gitfix_write(&f, "all.env", "GH=" GH_TOKEN "\nAWS=" AWS_KEY "\ndb_password: \"" PASSWORD "\"\n");
	lint_out o;
	lint(&o, &f, OPSC_LINT_WORKTREE, NULL, NULL);
	assert_int_equal(o.res.findings.len, 3);
	for (int fmt = OPSC_FORMAT_TEXT; fmt <= OPSC_FORMAT_JSON; fmt++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		opsc_report_opts ro = { .format = (opsc_format)fmt, .rules = &o.rules };
		assert_int_equal(opsc_report_write(out, &o.res, &ro), 0);
		fclose(out);
		assert_non_null(strstr(buf, "ghp_"));
		for (int s = 0; s < 3; s++) {
			if (strstr(buf, secrets[s]))
				fail_msg("format %d prints %s", fmt, secrets[s]);
			/* nor anything longer than four of its characters */
			char five[6];
			memcpy(five, secrets[s], 5);
			five[5] = '\0';
			if (strstr(buf, five))
				fail_msg("format %d prints %s...", fmt, five);
		}
		free(buf);
	}
	done(&o);
	gitfix_dispose(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint__clean_repository),
		cmocka_unit_test(test_lint__secret_suppression_needs_a_reason),
		cmocka_unit_test(test_lint__worktree_skips_ignored_symlinks_binary),
		cmocka_unit_test(test_lint__staged_finds_only_what_the_commit_adds),
		cmocka_unit_test(test_lint__history_reports_the_introducing_commit_once),
		cmocka_unit_test(test_lint__base_reports_only_added_lines),
		cmocka_unit_test(test_lint__oversize_is_skipped_with_a_note),
		cmocka_unit_test(test_lint__needs_a_repository_for_staged),
		cmocka_unit_test(test_lint__baseline_round_trip),
		cmocka_unit_test(test_lint__exit_codes_and_fail_on),
		cmocka_unit_test(test_lint__no_format_prints_a_secret),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
