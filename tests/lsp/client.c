/*
 * client.c - a scripted LSP client over pipes (see client.h).
 */
#include "client.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void send_msg(lsp_client *c, json_t *msg)
{
	char *body = json_dumps(msg, JSON_COMPACT);
	fprintf(c->to, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	fflush(c->to);
	free(body);
	json_decref(msg);
}

static json_t *recv_msg(lsp_client *c)
{
	char line[256];
	size_t len = 0;
	for (;;) {
		if (!fgets(line, sizeof line, c->from))
			return NULL;
		if (strcmp(line, "\r\n") == 0)
			break;
		if (strncmp(line, "Content-Length:", 15) == 0)
			len = strtoul(line + 15, NULL, 10);
	}
	char *buf = malloc(len + 1);
	if (!buf || fread(buf, 1, len, c->from) != len) {
		free(buf);
		return NULL;
	}
	json_t *j = json_loadb(buf, len, 0, NULL);
	free(buf);
	return j;
}

/* Keeps the diagnostics of a publishDiagnostics notification. */
static void record(lsp_client *c, json_t *msg)
{
	const char *m = jstr(msg, "method");
	if (strcmp(m, "textDocument/publishDiagnostics") != 0)
		return;
	const char *uri = jstr(msg, "params.uri");
	json_object_set(c->diags, uri, jget(msg, "params.diagnostics"));
	json_object_set_new(c->diag_versions, uri, json_integer(jint(c->diag_versions, uri) + 1));
}

int client_start(lsp_client *c, const char *opsc)
{
	int in[2], out[2];
	memset(c, 0, sizeof *c);
	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(opsc, opsc, "lsp", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to = fdopen(in[1], "w");
	c->from = fdopen(out[0], "r");
	c->diags = json_object();
	c->diag_versions = json_object();
	json_t *r = client_request(c, "initialize", json_pack("{s:i, s:s, s:{}}", "processId", (int)getpid(),
							     "rootUri", "file:///", "capabilities"));
	if (!r)
		return -1;
	json_decref(r);
	client_notify(c, "initialized", json_object());
	return 0;
}

int client_stop(lsp_client *c)
{
	json_t *r = client_request(c, "shutdown", NULL);
	json_decref(r);
	client_notify(c, "exit", NULL);
	fclose(c->to);
	fclose(c->from);
	int status = -1;
	if (waitpid(c->pid, &status, 0) < 0)
		return -1;
	json_decref(c->diags);
	json_decref(c->diag_versions);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

json_t *client_request(lsp_client *c, const char *method, json_t *params)
{
	int id = ++c->next_id;
	json_t *msg = json_pack("{s:s, s:i, s:s}", "jsonrpc", "2.0", "id", id, "method", method);
	json_object_set_new(msg, "params", params ? params : json_null());
	send_msg(c, msg);
	for (;;) {
		json_t *m = recv_msg(c);
		if (!m)
			return NULL;
		if (json_is_integer(json_object_get(m, "id")) && jint(m, "id") == id) {
			json_t *r = json_object_get(m, "result");
			if (r)
				json_incref(r);
			json_decref(m);
			return r;
		}
		record(c, m);
		json_decref(m);
	}
}

void client_notify(lsp_client *c, const char *method, json_t *params)
{
	json_t *msg = json_pack("{s:s, s:s}", "jsonrpc", "2.0", "method", method);
	json_object_set_new(msg, "params", params ? params : json_null());
	send_msg(c, msg);
}

json_t *client_wait_diagnostics(lsp_client *c, const char *uri)
{
	for (;;) {
		json_t *m = recv_msg(c);
		if (!m)
			return NULL;
		record(c, m);
		bool mine = strcmp(jstr(m, "params.uri"), uri) == 0;
		json_decref(m);
		if (mine)
			return json_object_get(c->diags, uri);
	}
}

char *client_open_file(lsp_client *c, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	char *uri = malloc(strlen(path) + 8);
	sprintf(uri, "file://%s", path);
	client_notify(c, "textDocument/didOpen", json_pack("{s:{s:s, s:s, s:i, s:s%}}", "textDocument", "uri", uri,
							   "languageId", "ops", "version", 1, "text", buf, n));
	return uri;
}

void client_edit(lsp_client *c, const char *uri, int version, int l0, int c0, int l1, int c1, const char *text)
{
	client_notify(c, "textDocument/didChange",
		      json_pack("{s:{s:s, s:i}, s:[{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}]}", "textDocument", "uri",
				uri, "version", version, "contentChanges", "range", "start", "line", l0, "character",
				c0, "end", "line", l1, "character", c1, "text", text));
}

json_t *jget(json_t *j, const char *path)
{
	char key[128];
	while (j && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)n, path);
		if (json_is_array(j))
			j = json_array_get(j, strtoul(key, NULL, 10));
		else
			j = json_object_get(j, key);
		path += n + (path[n] == '.');
	}
	return j;
}

const char *jstr(json_t *j, const char *path)
{
	const char *s = json_string_value(jget(j, path));
	return s ? s : "";
}

long long jint(json_t *j, const char *path)
{
	return json_integer_value(jget(j, path));
}

long client_rss_kb(const lsp_client *c)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)c->pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}
