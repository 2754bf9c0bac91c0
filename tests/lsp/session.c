/*
 * session.c - one real `opsc lsp` session, scripted, every answer checked
 * exactly: open, an edit with an error (and the same message `opsc check`
 * prints), the fix, an error one file causes in another, definition (into
 * the standard library too), references, hover, completion, rename,
 * formatting, symbols, what a block produces and back, close.
 *
 * usage: session OPSC FIXTURE_DIR STDLIB_DIR   (tests/lsp/project/policies)
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

static int failures;

#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                    \
			fputc('\n', stderr);                             \
			failures++;                                      \
		}                                                        \
	} while (0)

#define CHECK_STR(got, want) CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got), (want))
#define CHECK_INT(got, want) CHECK((got) == (want), "got %lld, want %lld", (long long)(got), (long long)(want))

static lsp_client c;
static char envs_uri[4200], rbac_uri[4200], dir[4096];
static const char *opsc;

static json_t *at(const char *uri, int line, int ch)
{
	return json_pack("{s:{s:s}, s:{s:i, s:i}}", "textDocument", "uri", uri, "position", "line", line, "character", ch);
}

/* "L:C-L:C" of a Range, for comparing in one go. */
static const char *range_str(json_t *r)
{
	static char buf[8][64];
	static int n;
	char *b = buf[n++ % 8];
	snprintf(b, 64, "%lld:%lld-%lld:%lld", jint(r, "start.line"), jint(r, "start.character"), jint(r, "end.line"),
		 jint(r, "end.character"));
	return b;
}

static void check_location(json_t *loc, const char *uri, const char *range)
{
	CHECK_STR(jstr(loc, "uri"), uri);
	CHECK_STR(range_str(jget(loc, "range")), range);
}

/* The labels of a completion result, space-separated. */
static const char *labels(json_t *r)
{
	static char buf[1024];
	buf[0] = '\0';
	size_t i;
	json_t *it;
	json_array_foreach(jget(r, "items"), i, it)
	{
		strcat(buf, i ? " " : "");
		strncat(buf, jstr(it, "label"), 64);
	}
	return buf;
}

/* ------------------------------------------------------------ diagnostics */

/* opsc check on a copy of the fixture with envs.ops replaced: its first
 * error line, for comparing with what the server published. */
static void check_first_error(const char *envs_text, char *out, size_t cap)
{
	char tmp[] = "/tmp/opsc-lsp-XXXXXX", cmd[8192];
	out[0] = '\0';
	if (!mkdtemp(tmp))
		return;
	snprintf(cmd, sizeof cmd, "cp %s/*.ops %s/", dir, tmp);
	if (system(cmd) != 0)
		return;
	snprintf(cmd, sizeof cmd, "%s/envs.ops", tmp);
	FILE *f = fopen(cmd, "w");
	fputs(envs_text, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "cd %s && NO_COLOR=1 %s check . 2>&1", tmp, opsc);
	FILE *p = popen(cmd, "r");
	char line[1024];
	while (p && fgets(line, sizeof line, p))
		if (!out[0] && strstr(line, ": error: "))
			snprintf(out, cap, "%s", line);
	if (p)
		pclose(p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 1 << 17);
	size_t n = fread(buf, 1, (1 << 17) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_diagnostics(void)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/rbac.ops", dir);
	free(client_open_file(&c, path));
	json_t *d = client_wait_diagnostics(&c, rbac_uri);
	/* the fixture is clean but for one built-in policy, shown as a warning */
	CHECK_INT(json_array_size(d), 1);
	CHECK_STR(jstr(d, "0.code"), "alert-summary");
	CHECK_INT(jint(d, "0.severity"), 2);
	CHECK_STR(jstr(d, "0.message"), "alert TeamDown-checkout needs a summary\n"
					"help: built-in policy `alert-summary`: run `opsc explain alert-summary`");
	CHECK_STR(range_str(jget(d, "0.range")), "17:2-17:7"); /* the alert, at its keyword as lint says */

	snprintf(path, sizeof path, "%s/envs.ops", dir);
	free(client_open_file(&c, path));
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 0);

	/* a typo: the message opsc check prints, at the same place */
	client_edit(&c, envs_uri, 2, 8, 2, 8, 9, "clustr");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 1);
	CHECK_STR(jstr(d, "0.message"), "`environment` has no attribute `clustr`\nhelp: did you mean `cluster`?");
	CHECK_STR(jstr(d, "0.code"), "unknown-attribute");
	CHECK_INT(jint(d, "0.severity"), 1);
	CHECK_STR(range_str(jget(d, "0.range")), "8:2-8:8");
	char *text = read_file(path), line[1024];
	char *cl = text ? strstr(text, "  cluster = \"pro\"") : NULL;
	if (cl) {
		memmove(cl + 7, cl + 8, strlen(cl + 8) + 1); /* clustr */
		check_first_error(text, line, sizeof line);
		CHECK_STR(line, "./envs.ops:9:3: error: `environment` has no attribute `clustr`\n");
	}
	free(text);
	/* the other file's warning goes while the Model has errors */
	CHECK_INT(json_array_size(json_object_get(c.diags, rbac_uri)), 0);

	client_edit(&c, envs_uri, 3, 8, 2, 8, 8, "cluster");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 0);
	CHECK_INT(json_array_size(json_object_get(c.diags, rbac_uri)), 1);

	/* renaming an environment breaks the reference in the other file:
	 * shown there, with the did-you-mean */
	client_edit(&c, envs_uri, 4, 7, 13, 7, 20, "stagin");
	client_wait_diagnostics(&c, envs_uri);
	d = json_object_get(c.diags, rbac_uri);
	CHECK_INT(json_array_size(d), 1);
	CHECK_STR(jstr(d, "0.message"), "there is no environment `staging`\nhelp: did you mean `stagin`?");
	CHECK_STR(range_str(jget(d, "0.range")), "11:12-11:19");
	client_edit(&c, envs_uri, 5, 7, 13, 7, 19, "staging");
	client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(json_object_get(c.diags, rbac_uri)), 1);
	CHECK_STR(jstr(json_object_get(c.diags, rbac_uri), "0.code"), "alert-summary");

	/* a syntax error, then its fix */
	client_edit(&c, envs_uri, 6, 9, 14, 9, 15, "");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK(json_array_size(d) >= 1, "a syntax error is reported");
	CHECK_INT(jint(d, "0.severity"), 1);
	client_edit(&c, envs_uri, 7, 9, 14, 9, 14, "\"");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 0);

	/* what only the emitters' checks find is shown too, as opsc check
	 * shows it: a daily backup kept for an hour */
	client_edit(&c, envs_uri, 8, 25, 11, 25, 13, "1h");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 1);
	CHECK_STR(jstr(d, "0.code"), "backup-retention");
	CHECK_INT(jint(d, "0.severity"), 2);
	CHECK_STR(range_str(jget(d, "0.range")), "25:11-25:13");
	client_edit(&c, envs_uri, 9, 25, 11, 25, 13, "7d");
	d = client_wait_diagnostics(&c, envs_uri);
	CHECK_INT(json_array_size(d), 0);
}

/* ------------------------------------------------------------- navigation */

static void test_definition(void)
{
	json_t *r = client_request(&c, "textDocument/definition", at(rbac_uri, 11, 13));
	check_location(r, envs_uri, "7:13-7:20");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 9, 12)); /* bind role.deployer */
	check_location(r, rbac_uri, "2:6-2:14");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 25, 6)); /* use team-alert */
	check_location(r, rbac_uri, "14:10-14:20");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 26, 3)); /* team = (a parameter) */
	check_location(r, rbac_uri, "15:8-15:12");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 19, 11)); /* for = wait */
	check_location(r, rbac_uri, "16:8-16:12");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 29, 17)); /* std.alerts.platform */
	check_location(r, "opsc-std:///std/alerts.ops", "183:10-183:18");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(rbac_uri, 0, 10)); /* import "std/alerts" */
	check_location(r, "opsc-std:///std/alerts.ops", "0:0-0:0");
	json_decref(r);
	r = client_request(&c, "textDocument/definition", at(envs_uri, 3, 4)); /* an attribute: nothing */
	CHECK(json_is_null(r), "no definition for an attribute name");
	json_decref(r);

	r = client_request(&c, "textDocument/references",
			   json_pack("{s:{s:s}, s:{s:i, s:i}, s:{s:b}}", "textDocument", "uri", envs_uri, "position",
				     "line", 7, "character", 15, "context", "includeDeclaration", 1));
	CHECK_INT(json_array_size(r), 2);
	check_location(jget(r, "0"), envs_uri, "7:13-7:20");
	check_location(jget(r, "1"), rbac_uri, "11:12-11:19");
	json_decref(r);
	r = client_request(&c, "textDocument/references",
			   json_pack("{s:{s:s}, s:{s:i, s:i}, s:{s:b}}", "textDocument", "uri", rbac_uri, "position",
				     "line", 15, "character", 9, "context", "includeDeclaration", 0));
	CHECK_INT(json_array_size(r), 3); /* ${team} twice, and team = in the use */
	check_location(jget(r, "0"), rbac_uri, "17:20-17:24");
	check_location(jget(r, "1"), rbac_uri, "18:23-18:27");
	check_location(jget(r, "2"), rbac_uri, "26:2-26:6");
	json_decref(r);

	char *want = read_file("stdlib/std/alerts.ops");
	r = client_request(&c, "workspace/executeCommand", json_pack("{s:s, s:[s]}", "command", "opsc.stdlib",
								      "arguments", "opsc-std:///std/alerts.ops"));
	CHECK(want && json_is_string(r) && strcmp(json_string_value(r), want) == 0, "opsc.stdlib serves std/alerts");
	json_decref(r);
	free(want);
}

static void test_hover(void)
{
	json_t *r = client_request(&c, "textDocument/hover", at(envs_uri, 8, 3));
	CHECK_STR(jstr(r, "contents.value"), "**attribute** `cluster` of `environment`: a string (required)\n\n"
					     "The cluster it runs in: a directory of the output.");
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(envs_uri, 17, 5));
	CHECK_STR(jstr(r, "contents.value"), "**attribute** `wait` of `protect`: a duration like `5m`\n\n"
					     "A wait timer before a deployment, 0 to 30d.");
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(envs_uri, 17, 12));
	CHECK_STR(jstr(r, "contents.value"), "`wait` expects a duration like `5m`\n\nduration `5m` = 300 seconds");
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(rbac_uri, 11, 13));
	char want[8192];
	snprintf(want, sizeof want, "**environment** `staging`\n\n```ops\nenvironment \"staging\" {\n```\n\ndefined in %s/envs.ops:8",
		 dir);
	CHECK_STR(jstr(r, "contents.value"), want);
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(rbac_uri, 3, 3)); /* allow in role */
	CHECK_STR(jstr(r, "contents.value"), "**block** `allow` in `role`\n\n"
					     "attributes: `groups` `resources` `verbs` (required) `names` `urls`");
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(rbac_uri, 20, 5)); /* severity in a template's alert */
	CHECK_STR(jstr(r, "contents.value"), "**attribute** `severity` of `alert`: critical, warning or info (required)\n\n"
					     "The alert's severity.");
	json_decref(r);
}

static void test_completion(void)
{
	client_edit(&c, envs_uri, 8, 10, 0, 10, 0, "  na\n");
	client_wait_diagnostics(&c, envs_uri);
	json_t *r = client_request(&c, "textDocument/completion", at(envs_uri, 10, 4));
	CHECK_STR(labels(r), "namespace");
	CHECK_STR(jstr(r, "items.0.textEdit.newText"), "namespace = ");
	CHECK_STR(range_str(jget(r, "items.0.textEdit.range")), "10:2-10:4");
	json_decref(r);
	client_edit(&c, envs_uri, 9, 10, 2, 10, 4, "p");
	client_wait_diagnostics(&c, envs_uri);
	r = client_request(&c, "textDocument/completion", at(envs_uri, 10, 3));
	CHECK_STR(labels(r), "protect production pod_security pod_security_version");
	json_decref(r);
	client_edit(&c, envs_uri, 10, 10, 2, 10, 3, "production = ");
	client_wait_diagnostics(&c, envs_uri);
	r = client_request(&c, "textDocument/completion", at(envs_uri, 10, 15));
	CHECK_STR(labels(r), "true false");
	json_decref(r);
	client_edit(&c, envs_uri, 11, 10, 0, 11, 0, "");
	CHECK_INT(json_array_size(client_wait_diagnostics(&c, envs_uri)), 0);

	r = client_request(&c, "textDocument/completion", at(rbac_uri, 11, 13)); /* env.s| */
	CHECK_STR(labels(r), "staging");
	CHECK_STR(range_str(jget(r, "items.0.textEdit.range")), "11:12-11:13");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(rbac_uri, 20, 15)); /* severity = | */
	CHECK_STR(labels(r), "critical warning info");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(envs_uri, 17, 12)); /* wait = 5| */
	CHECK_STR(labels(r), "5s 5m 5h 5d 5w");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(rbac_uri, 29, 15)); /* use std.alerts.| */
	CHECK_STR(labels(r), "std.alerts.infrastructure std.alerts.applications std.alerts.platform std.alerts.storage");
	CHECK_STR(range_str(jget(r, "items.0.textEdit.range")), "29:4-29:15");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(rbac_uri, 25, 4)); /* use | */
	CHECK_STR(labels(r), "team-alert std.network.baseline std.network.internet-egress std.network.storage-access "
			     "std.network.ingress-controller std.alerts.infrastructure std.alerts.applications "
			     "std.alerts.platform std.alerts.storage");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(rbac_uri, 30, 2)); /* in use std.alerts.platform */
	CHECK_STR(labels(r), "runbook_base cert_days");
	json_decref(r);
}

static void test_rename(void)
{
	json_t *r = client_request(&c, "textDocument/prepareRename", at(envs_uri, 7, 15));
	CHECK_STR(range_str(jget(r, "range")), "7:13-7:20");
	CHECK_STR(jstr(r, "placeholder"), "staging");
	json_decref(r);
	r = client_request(&c, "textDocument/prepareRename", at(rbac_uri, 29, 17)); /* the stdlib's */
	CHECK(json_is_null(r), "a standard-library template cannot be renamed");
	json_decref(r);
	json_t *p = at(envs_uri, 7, 15);
	json_object_set_new(p, "newName", json_string("stage"));
	r = client_request(&c, "textDocument/rename", p);
	json_t *e = json_object_get(json_object_get(r, "changes"), envs_uri);
	CHECK_INT(json_array_size(e), 1);
	CHECK_STR(range_str(jget(e, "0.range")), "7:13-7:20");
	CHECK_STR(jstr(e, "0.newText"), "stage");
	e = json_object_get(json_object_get(r, "changes"), rbac_uri);
	CHECK_INT(json_array_size(e), 1);
	CHECK_STR(range_str(jget(e, "0.range")), "11:12-11:19");
	CHECK_STR(jstr(e, "0.newText"), "stage");
	CHECK_INT(json_object_size(json_object_get(r, "changes")), 2);
	json_decref(r);
	p = at(envs_uri, 7, 15);
	json_object_set_new(p, "newName", json_string("no spaces"));
	r = client_request(&c, "textDocument/rename", p);
	CHECK(json_is_null(r), "a name env.NAME cannot spell is refused");
	json_decref(r);
}

/* store.NAME: to the secret_store, its hover, and the names to complete;
 * the rotation alert of the reference is linted like any alert. */
static void test_stores(void)
{
	char path[4200], uri[4300];
	snprintf(path, sizeof path, "%s/stores.ops", dir);
	snprintf(uri, sizeof uri, "file://%s", path);
	free(client_open_file(&c, path));
	json_t *d = json_object_get(c.diags, uri); /* published with the project's others */
	CHECK_INT(json_array_size(d), 1);
	CHECK_STR(jstr(d, "0.code"), "alert-runbook");
	CHECK_STR(range_str(jget(d, "0.range")), "6:13-6:76");
	json_t *r = client_request(&c, "textDocument/definition", at(uri, 6, 70)); /* store.va|ult */
	check_location(r, uri, "0:14-0:19");
	json_decref(r);
	r = client_request(&c, "textDocument/hover", at(uri, 6, 70));
	CHECK(strstr(jstr(r, "contents.value"), "**secret_store** `vault`") != NULL, "hover names the store");
	json_decref(r);
	r = client_request(&c, "textDocument/completion", at(uri, 6, 69)); /* store.v| */
	CHECK_STR(labels(r), "vault");
	json_decref(r);
	client_notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", uri));
}

static void test_format_symbols(void)
{
	const char *uri = "file:///nonexistent-opsc-lsp/fmt.ops";
	client_notify(&c, "textDocument/didOpen",
		      json_pack("{s:{s:s, s:s, s:i, s:s}}", "textDocument", "uri", uri, "languageId", "ops", "version",
				1, "text", "role \"x\" {\nallow { verbs = [get]\n}\n}\n"));
	client_wait_diagnostics(&c, uri);
	json_t *r = client_request(&c, "textDocument/formatting",
				   json_pack("{s:{s:s}, s:{s:i, s:b}}", "textDocument", "uri", uri, "options", "tabSize",
					     2, "insertSpaces", 1));
	CHECK_INT(json_array_size(r), 1);
	CHECK_STR(jstr(r, "0.newText"), "role \"x\" {\n  allow {\n    verbs = [get]\n  }\n}\n");
	CHECK_STR(range_str(jget(r, "0.range")), "0:0-4:0");
	json_decref(r);
	client_notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", uri));

	r = client_request(&c, "textDocument/documentSymbol", json_pack("{s:{s:s}}", "textDocument", "uri", rbac_uri));
	CHECK_INT(json_array_size(r), 5);
	CHECK_STR(jstr(r, "0.name"), "deployer");
	CHECK_STR(jstr(r, "0.children.0.name"), "allow");
	CHECK_STR(jstr(r, "1.name"), "role.deployer");
	CHECK_STR(jstr(r, "2.name"), "team-alert");
	CHECK_STR(jstr(r, "2.children.0.name"), "team");
	CHECK_STR(jstr(r, "2.children.2.name"), "TeamDown-${team}");
	CHECK_STR(jstr(r, "4.name"), "std.alerts.platform");
	json_decref(r);
}

static void test_produces(void)
{
	json_t *r = client_request(&c, "textDocument/codeAction",
				   json_pack("{s:{s:s}, s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:{s:[]}}", "textDocument", "uri",
					     rbac_uri, "range", "start", "line", 4, "character", 4, "end", "line", 4,
					     "character", 4, "context", "diagnostics"));
	CHECK_STR(jstr(r, "0.title"), "opsc: what does role \"deployer\" produce?");
	json_t *cmd = jget(r, "0.command");
	json_t *out = client_request(&c, "workspace/executeCommand", json_pack("{s:s, s:O}", "command",
									       jstr(cmd, "command"), "arguments",
									       json_object_get(cmd, "arguments")));
	json_decref(r);
	CHECK_INT(json_array_size(out), 2);
	CHECK_STR(jstr(out, "0.path"), "pro/staging/policy/rbac.yaml");
	CHECK_STR(jstr(out, "1.path"), "studio/production/policy/rbac.yaml");
	CHECK_INT(jint(out, "0.document"), 0);
	CHECK_INT(jint(out, "0.line"), 1);
	char uri[8192];
	snprintf(uri, sizeof uri, "file://%s", dir);
	*strrchr(uri, '/') = '\0';
	strcat(uri, "/clusters/pro/staging/policy/rbac.yaml");
	CHECK_STR(jstr(out, "0.uri"), uri);
	/* and back: the binding's document of the same file comes from bind */
	r = client_request(&c, "workspace/executeCommand",
			   json_pack("{s:s, s:[s, i]}", "command", "opsc.source", "arguments", uri, 30));
	check_location(r, rbac_uri, "9:0-9:4");
	json_decref(r);
	r = client_request(&c, "workspace/executeCommand",
			   json_pack("{s:s, s:[s, i]}", "command", "opsc.source", "arguments", uri, 3));
	check_location(r, rbac_uri, "2:0-2:4");
	json_decref(r);
	/* an editor attached to the generated YAML: definition is the .ops */
	r = client_request(&c, "textDocument/definition", at(uri, 30, 4));
	check_location(r, rbac_uri, "9:0-9:4");
	json_decref(r);
	json_decref(out);
}

static void test_close(void)
{
	client_notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", envs_uri));
	client_notify(&c, "textDocument/didClose", json_pack("{s:{s:s}}", "textDocument", "uri", rbac_uri));
	json_t *d = client_wait_diagnostics(&c, rbac_uri);
	CHECK_INT(json_array_size(d), 0); /* nothing open there: cleared */
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: session OPSC FIXTURE_DIR\n");
		return 2;
	}
	static char opsc_abs[4096];
	if (!realpath(argv[1], opsc_abs))
		return 2;
	opsc = opsc_abs;
	if (!realpath(argv[2], dir))
		return 2;
	snprintf(envs_uri, sizeof envs_uri, "file://%s/envs.ops", dir);
	snprintf(rbac_uri, sizeof rbac_uri, "file://%s/rbac.ops", dir);
	if (client_start(&c, opsc) < 0) {
		fprintf(stderr, "cannot start %s lsp\n", opsc);
		return 1;
	}
	test_diagnostics();
	test_definition();
	test_hover();
	test_completion();
	test_rename();
	test_stores();
	test_format_symbols();
	test_produces();
	test_close();
	int rc = client_stop(&c);
	CHECK_INT(rc, 0);
	if (failures)
		fprintf(stderr, "%d check%s failed\n", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
