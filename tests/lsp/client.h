/*
 * client.h - a scripted LSP client: runs `opsc lsp` as a child process and
 * talks JSON-RPC to it over pipes. Used by the session test
 * (tests/lsp/session.c) and the benchmark (bench/lsp/lsp_bench.c).
 */
#ifndef OPSC_TEST_LSP_CLIENT_H
#define OPSC_TEST_LSP_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct {
	pid_t pid;
	FILE *to, *from;
	int next_id;
	json_t *diags; /* uri -> the last diagnostics published there */
	json_t *diag_versions; /* uri -> how many times they were published */
} lsp_client;

/* Starts `opsc lsp` and runs initialize/initialized. Returns 0 or -1. */
int client_start(lsp_client *c, const char *opsc);
/* shutdown + exit; returns the server's exit status (or -1). */
int client_stop(lsp_client *c);

/* Sends a request and returns its result (new reference, json_null()
 * for null, NULL on an error response); notifications read meanwhile are
 * recorded. */
json_t *client_request(lsp_client *c, const char *method, json_t *params);
void client_notify(lsp_client *c, const char *method, json_t *params);
/* Reads messages until diagnostics for `uri` arrive; returns them
 * (borrowed), or NULL when the server stopped. */
json_t *client_wait_diagnostics(lsp_client *c, const char *uri);

/* didOpen with the file's text read from `path`; returns the URI (heap). */
char *client_open_file(lsp_client *c, const char *path);
/* didChange with one range edit. */
void client_edit(lsp_client *c, const char *uri, int version, int l0, int c0, int l1, int c1, const char *text);

/* Navigates "a.b.0.c" through objects and arrays (borrowed, or NULL). */
json_t *jget(json_t *j, const char *path);
/* The string at `path`, or "" */
const char *jstr(json_t *j, const char *path);
long long jint(json_t *j, const char *path);

/* Memory the server process uses now, in kB (VmRSS). */
long client_rss_kb(const lsp_client *c);

#endif
