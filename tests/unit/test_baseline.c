/*
 * test_baseline.c - fingerprints, the file written (exactly), reading it
 * back, matching, and the errors of a bad file.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "baseline.h"

static void temp_path(char *out, size_t cap)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, cap, "%s/opsc-baseline-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The note --write-baseline puts above the entries. */
#define NOTE_LINE                                                                                          \
	" \"note\": \"Each entry may say why the finding is accepted (reason), who owns it (owner) and "       \
	"until when (expires, YYYY-MM-DD, UTC): fill them in; empty means not given. Past its date an entry " \
	"is a finding itself (baseline-expired).\",\n"

static opsc_finding secret(const char *rule, const char *path, uint32_t line, const char *value)
{
	opsc_finding f = { .kind = OPSC_FINDING_SECRET, .rule = rule, .where = { path, line, 1, line, 9, NULL } };
	opsc_baseline_fingerprint_secret(f.fingerprint, value, strlen(value));
	return f;
}

static void test_baseline__fingerprints(void **state)
{
	(void)state;
	char fp[65];
	opsc_baseline_fingerprint_secret(fp, "abc", 3);
	assert_string_equal(fp, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* rule NUL path NUL message NUL: moving bytes between fields changes it */
	char a[65], b[65];
	opsc_baseline_fingerprint_text(a, "r", "p/x", "m");
	opsc_baseline_fingerprint_text(b, "r", "p", "/xm");
	assert_string_not_equal(a, b);
	assert_string_equal(a, "f7676bd77bcd45b4dbe2e456340540c3aeea99d1e00f4ee367371931b3e4ee7c");
}

static void test_baseline__round_trip(void **state)
{
	(void)state;
	char path[512];
	temp_path(path, sizeof path);
	opsc_finding found[] = {
		secret("github-pat", "deploy/b.yaml", 12, "ghp_one"),
		secret("aws-access-key-id", "a.env", 3, "AKIA"),
		secret("github-pat", "deploy/b.yaml", 40, "ghp_one"), /* the same secret twice: one entry */
		{ .rule = "no-fingerprint", .where = { "x", 1, 1, 1, 1, NULL } },
	};
	assert_int_equal(opsc_baseline_write(path, found, 4), 0);
	char want[1024];
	char h1[65], h2[65];
	opsc_baseline_fingerprint_secret(h1, "AKIA", 4);
	opsc_baseline_fingerprint_secret(h2, "ghp_one", 7);
	snprintf(want, sizeof want,
		 "{\"version\": 1,\n" NOTE_LINE " \"findings\": [\n"
		 "  {\"rule\": \"aws-access-key-id\", \"path\": \"a.env\", \"hash\": \"%s\", "
		 "\"reason\": \"\", \"owner\": \"\", \"expires\": \"\"},\n"
		 "  {\"rule\": \"github-pat\", \"path\": \"deploy/b.yaml\", \"hash\": \"%s\", "
		 "\"reason\": \"\", \"owner\": \"\", \"expires\": \"\"}\n"
		 "]}\n",
		 h1, h2);
	assert_string_equal(read_file(path), want);
	assert_null(strstr(read_file(path), "ghp_one"));

	opsc_baseline b = { 0 };
	char *err = NULL;
	assert_int_equal(opsc_baseline_load(&b, path, &err), 0);
	assert_int_equal(b.entries.len, 2);
	/* the line does not matter; rule, path and secret do */
	opsc_finding moved = secret("github-pat", "deploy/b.yaml", 99, "ghp_one");
	assert_true(opsc_baseline_has(&b, &moved));
	opsc_finding other_secret = secret("github-pat", "deploy/b.yaml", 12, "ghp_two");
	assert_false(opsc_baseline_has(&b, &other_secret));
	opsc_finding other_path = secret("github-pat", "deploy/c.yaml", 12, "ghp_one");
	assert_false(opsc_baseline_has(&b, &other_path));
	/* the placeholders read back as not given */
	assert_null(b.entries.items[0].reason);
	assert_null(b.entries.items[0].owner);
	assert_null(b.entries.items[0].expires_text);
	assert_int_equal(b.entries.items[0].expires, 0);
	opsc_baseline_dispose(&b);

	assert_int_equal(opsc_baseline_write(path, NULL, 0), 0);
	assert_string_equal(read_file(path), "{\"version\": 1,\n" NOTE_LINE " \"findings\": []}\n");
	unlink(path);
}

static void expect_error(const char *text, const char *want_suffix)
{
	char path[512];
	temp_path(path, sizeof path);
	write_file(path, text);
	opsc_baseline b = { 0 };
	char *err = NULL;
	assert_true(opsc_baseline_load(&b, path, &err) < 0);
	assert_non_null(err);
	assert_memory_equal(err, path, strlen(path));
	assert_string_equal(err + strlen(path), want_suffix);
	opsc_free(err);
	opsc_baseline_dispose(&b);
	unlink(path);
}

static void test_baseline__bad_files(void **state)
{
	(void)state;
	expect_error("{\"version\": 1, \"findings\": [}", ":1:29: unexpected token near '}'");
	expect_error("[1, 2]", ": not an opsc baseline (expected {\"version\": 1, \"findings\": [...]})");
	expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"x\", \"path\": \"y\", \"hash\": \"zz\"}]}",
		     ": finding 1: expected {\"rule\": ..., \"path\": ..., \"hash\": 64 hex digits}");
	opsc_baseline b = { 0 };
	char *err = NULL;
	assert_true(opsc_baseline_load(&b, "/nonexistent/baseline.json", &err) < 0);
	assert_string_equal(err, "/nonexistent/baseline.json: No such file or directory");
	opsc_free(err);
	/* a FIFO is refused, not waited on: its writer may never come */
	char dir[] = "/tmp/opsc-baseline-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char fifo[sizeof dir + 16];
	snprintf(fifo, sizeof fifo, "%s/baseline.json", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(opsc_baseline_load(&b, fifo, &err) < 0);
	assert_non_null(strstr(err, "baseline.json: not a regular file"));
	opsc_free(err);
	unlink(fifo);
	rmdir(dir);
	opsc_baseline_dispose(&b);
}

/* Entries say why, who and until when; an entry past its day is expired
 * (and reported by lint as baseline-expired at its line). */
static void expired_cb(void *user, const opsc_baseline_entry *e)
{
	const char **out = user;
	assert_null(*out);
	*out = e->rule;
}

static void test_baseline__reason_owner_expiry(void **state)
{
	(void)state;
	char path[512];
	temp_path(path, sizeof path);
	const char *h1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *h2 = "2222222222222222222222222222222222222222222222222222222222222222";
	char text[1024];
	snprintf(text, sizeof text,
		 "{\"version\": 1, \"findings\": [\n"
		 "{\"rule\": \"workload-privileged\", \"path\": \"a.yaml\", \"hash\": \"%s\",\n"
		 " \"reason\": \"node exporter\", \"owner\": \"platform\", \"expires\": \"2020-01-01\"},\n"
		 "{\"rule\": \"workload-probes\", \"path\": \"b.yaml\", \"hash\": \"%s\"}\n"
		 "]}\n", h1, h2);
	write_file(path, text);
	opsc_baseline b = { 0 };
	char *err = NULL;
	assert_int_equal(opsc_baseline_load(&b, path, &err), 0);
	assert_int_equal(b.entries.len, 2);
	const opsc_baseline_entry *e = &b.entries.items[0];
	assert_string_equal(e->rule, "workload-privileged");
	assert_string_equal(e->reason, "node exporter");
	assert_string_equal(e->owner, "platform");
	assert_string_equal(e->expires_text, "2020-01-01");
	assert_int_equal(e->expires, 1577923200); /* 2020-01-02T00:00:00Z: the whole day counts */
	assert_int_equal(e->line, 2);
	assert_null(b.entries.items[1].reason);
	assert_int_equal(b.entries.items[1].expires, 0);
	assert_int_equal(b.entries.items[1].line, 4);
	const char *expired = NULL;
	opsc_baseline_each_expired(&b, 1577923199, expired_cb, &expired);
	assert_null(expired);
	opsc_baseline_each_expired(&b, 1577923200, expired_cb, &expired);
	assert_string_equal(expired, "workload-privileged");
	opsc_baseline_dispose(&b);
	unlink(path);
	expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"x\", \"path\": \"y\", \"hash\": "
		     "\"1111111111111111111111111111111111111111111111111111111111111111\", \"expires\": \"soon\"}]}",
		     ": finding 1: \"expires\" must be a date, YYYY-MM-DD");
}

/* The user fills in an entry written with placeholders; it is read back
 * with its reason, owner and date (expired: an expired entry is reported),
 * and writing the baseline again keeps what was filled in for the
 * findings still there, and drops the entries of findings gone. */
static void test_baseline__filled_in_round_trip(void **state)
{
	(void)state;
	char path[512];
	temp_path(path, sizeof path);
	opsc_finding found[] = {
		secret("aws-access-key-id", "a.env", 3, "AKIA"),
		secret("github-pat", "deploy/b.yaml", 12, "ghp_one"),
	};
	assert_int_equal(opsc_baseline_write(path, found, 2), 0);
	char text[4096];
	snprintf(text, sizeof text, "%s", read_file(path));
	char *slot = strstr(text, "\"reason\": \"\", \"owner\": \"\", \"expires\": \"\"");
	assert_non_null(slot);
	char filled[4096];
	snprintf(filled, sizeof filled, "%.*s\"reason\": \"the training repo's example key\", \"owner\": "
		 "\"@acme/platform\", \"expires\": \"2020-01-01\"%s", (int)(slot - text), text,
		 slot + strlen("\"reason\": \"\", \"owner\": \"\", \"expires\": \"\""));
	write_file(path, filled);

	opsc_baseline b = { 0 };
	char *err = NULL;
	assert_int_equal(opsc_baseline_load(&b, path, &err), 0);
	const opsc_baseline_entry *e = &b.entries.items[0];
	assert_string_equal(e->rule, "aws-access-key-id");
	assert_string_equal(e->reason, "the training repo's example key");
	assert_string_equal(e->owner, "@acme/platform");
	assert_string_equal(e->expires_text, "2020-01-01");
	assert_int_equal(e->line, 4); /* after the version, the note and `"findings": [` */
	assert_null(b.entries.items[1].reason);
	const char *expired = NULL;
	opsc_baseline_each_expired(&b, 1700000000, expired_cb, &expired);
	assert_string_equal(expired, "aws-access-key-id");
	opsc_baseline_dispose(&b);

	/* written again: the filled-in entry keeps its fields, the gone one goes */
	assert_int_equal(opsc_baseline_write(path, found, 1), 0);
	assert_non_null(strstr(read_file(path), "\"path\": \"a.env\", \"hash\": "));
	assert_non_null(strstr(read_file(path), "\"reason\": \"the training repo's example key\", \"owner\": "
						"\"@acme/platform\", \"expires\": \"2020-01-01\"}\n]}\n"));
	assert_null(strstr(read_file(path), "deploy/b.yaml"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline__fingerprints),
		cmocka_unit_test(test_baseline__round_trip),
		cmocka_unit_test(test_baseline__filled_in_round_trip),
		cmocka_unit_test(test_baseline__bad_files),
		cmocka_unit_test(test_baseline__reason_owner_expiry),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
