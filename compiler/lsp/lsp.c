/*
 * lsp.c - `opsc lsp`: a language server for .ops (LSP 3.17 over stdio).
 *
 *   read a message (Content-Length framing) -> parse JSON -> dispatch by
 *   method (one table) -> write the response -> after document changes,
 *   re-analyse and publish diagnostics
 *
 * Requests are answered in order, one at a time: an analysis of a project
 * takes milliseconds, far less than a keystroke's interval, so there is no
 * queue to cancel from. Framing is in lsp_io.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"
#include "lsp.h"
#include "util.h"

/* A message larger than this is refused rather than buffered. */
#define MAX_MESSAGE (64u << 20)

/* ----------------------------------------------------------- lifecycle */

static json_t *capabilities(const lsp_server *s)
{
	return json_pack(
		"{s:s, s:{s:b, s:i, s:b, s:{s:b}}, s:b, s:b, s:{s:b}, s:b, s:b, s:{s:[s,s,s,s]}, s:b,"
		" s:b, s:{s:[s,s,s]}}",
		"positionEncoding", s->utf8 ? "utf-8" : "utf-16",
		"textDocumentSync", "openClose", 1, "change", 2, "willSave", 0, "save", "includeText", 0,
		"definitionProvider", 1, "referencesProvider", 1,
		"renameProvider", "prepareProvider", 1,
		"hoverProvider", 1, "documentSymbolProvider", 1,
		"completionProvider", "triggerCharacters", ".", "\"", " ", "=",
		"documentFormattingProvider", 1, "codeActionProvider", 1,
		"executeCommandProvider", "commands", "opsc.produces", "opsc.source", "opsc.stdlib");
}

/* The client's position encodings: UTF-8 when offered, as opsc counts bytes. */
static bool offers_utf8(json_t *params)
{
	json_t *encs = json_object_get(json_object_get(json_object_get(params, "capabilities"), "general"),
				       "positionEncodings");
	size_t i;
	json_t *e;
	json_array_foreach(encs, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), "utf-8") == 0)
			return true;
	return false;
}

static json_t *on_initialize(lsp_server *s, json_t *params)
{
	s->utf8 = s->docs.utf8 = offers_utf8(params);
	s->initialized = true;
	return json_pack("{s:o, s:{s:s, s:s}}", "capabilities", capabilities(s), "serverInfo", "name", "opsc",
			 "version", OPSC_VERSION);
}

static json_t *on_shutdown(lsp_server *s, json_t *params)
{
	(void)params;
	s->shutdown = true;
	return NULL;
}

/* --------------------------------------------------- document events */

static const char *doc_uri(json_t *params)
{
	return json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
}

static void on_did_open(lsp_server *s, json_t *params)
{
	json_t *td = json_object_get(params, "textDocument");
	const char *uri = json_string_value(json_object_get(td, "uri"));
	json_t *text = json_object_get(td, "text");
	if (!uri || !json_is_string(text))
		return;
	lsp_doc *d = lsp_docs_open(&s->docs, uri, json_string_value(text), json_string_length(text),
				   json_integer_value(json_object_get(td, "version")));
	if (lsp_is_ops(d->path))
		lsp_diag_refresh(s, d->path);
}

static void on_did_change(lsp_server *s, json_t *params)
{
	lsp_doc *d = lsp_docs_find(&s->docs, doc_uri(params));
	if (!d || d->readonly)
		return;
	json_t *changes = json_object_get(params, "contentChanges");
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c)
		if (lsp_doc_change(&s->docs, d, c) < 0)
			break;
	d->version = json_integer_value(json_object_get(json_object_get(params, "textDocument"), "version"));
	if (lsp_is_ops(d->path))
		lsp_diag_refresh(s, d->path);
}

static void on_did_save(lsp_server *s, json_t *params)
{
	lsp_doc *d = lsp_docs_find(&s->docs, doc_uri(params));
	char *path = d && d->path ? opsc_strdup(d->path) : lsp_uri_to_path(doc_uri(params) ? doc_uri(params) : "");
	if (lsp_is_ops(path))
		lsp_diag_refresh(s, path);
	opsc_free(path);
}

/* A closed buffer is read from disk again: what the other files see changes. */
static void on_did_close(lsp_server *s, json_t *params)
{
	const char *uri = doc_uri(params);
	if (!uri)
		return;
	char *path = lsp_uri_to_path(uri);
	lsp_docs_close(&s->docs, uri);
	if (lsp_is_ops(path))
		lsp_diag_refresh(s, path);
	opsc_free(path);
}

/* Files changed on disk (a checkout, another editor): analyse again. */
static void on_watched_files(lsp_server *s, json_t *params)
{
	size_t i;
	json_t *ch;
	json_array_foreach(json_object_get(params, "changes"), i, ch) {
		const char *uri = json_string_value(json_object_get(ch, "uri"));
		char *path = uri ? lsp_uri_to_path(uri) : NULL;
		if (lsp_is_ops(path) && !lsp_docs_find(&s->docs, uri))
			lsp_diag_refresh(s, path);
		opsc_free(path);
	}
}

static void on_exit_notification(lsp_server *s, json_t *params)
{
	(void)params;
	s->exited = true;
}

/* ------------------------------------------------------------ dispatch */

typedef struct {
	const char *method;
	json_t *(*request)(lsp_server *s, json_t *params); /* NULL for notifications */
	void (*notification)(lsp_server *s, json_t *params);
} lsp_method;

static const lsp_method methods[] = {
	{ "initialize", on_initialize, NULL },
	{ "initialized", NULL, NULL },
	{ "shutdown", on_shutdown, NULL },
	{ "exit", NULL, on_exit_notification },
	{ "textDocument/didOpen", NULL, on_did_open },
	{ "textDocument/didChange", NULL, on_did_change },
	{ "textDocument/didSave", NULL, on_did_save },
	{ "textDocument/didClose", NULL, on_did_close },
	{ "textDocument/definition", lsp_definition, NULL },
	{ "textDocument/references", lsp_references, NULL },
	{ "textDocument/rename", lsp_rename, NULL },
	{ "textDocument/prepareRename", lsp_prepare_rename, NULL },
	{ "textDocument/documentSymbol", lsp_symbols, NULL },
	{ "textDocument/hover", lsp_hover, NULL },
	{ "textDocument/completion", lsp_completion, NULL },
	{ "textDocument/formatting", lsp_formatting, NULL },
	{ "textDocument/codeAction", lsp_code_action, NULL },
	{ "workspace/executeCommand", lsp_execute_command, NULL },
	{ "workspace/didChangeConfiguration", NULL, NULL },
	{ "workspace/didChangeWatchedFiles", NULL, on_watched_files },
	{ "$/cancelRequest", NULL, NULL },
	{ "$/setTrace", NULL, NULL },
};

static const lsp_method *find_method(const char *name)
{
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if (strcmp(methods[i].method, name) == 0)
			return &methods[i];
	return NULL;
}

static void dispatch(lsp_server *s, json_t *msg)
{
	json_t *id = json_object_get(msg, "id");
	const char *name = json_string_value(json_object_get(msg, "method"));
	json_t *params = json_object_get(msg, "params");
	if (!name) {
		if (id)
			lsp_respond_error(s, id, LSP_INVALID_REQUEST, "a request needs a method");
		return; /* a response to a request of ours: none are sent */
	}
	const lsp_method *m = find_method(name);
	if (!id) {
		if (m && m->notification && (s->initialized || strcmp(name, "exit") == 0))
			m->notification(s, params);
		return;
	}
	if (!m || !m->request)
		lsp_respond_error(s, id, LSP_METHOD_NOT_FOUND, "method not supported");
	else if (!s->initialized && strcmp(name, "initialize") != 0)
		lsp_respond_error(s, id, LSP_SERVER_NOT_INITIALIZED, "initialize first");
	else if (s->shutdown && strcmp(name, "shutdown") != 0)
		lsp_respond_error(s, id, LSP_INVALID_REQUEST, "the server is shutting down");
	else
		lsp_respond(s, id, m->request(s, params));
}

static int serve(lsp_server *s)
{
	while (!s->exited) {
		char *body;
		long n = lsp_read_message(s->in, &body);
		if (n == 0)
			break;
		if (n < 0) {
			lsp_respond_error(s, NULL, LSP_PARSE_ERROR, "malformed message header");
			continue;
		}
		json_error_t err;
		json_t *msg = json_loadb(body, (size_t)n, 0, &err);
		opsc_free(body);
		if (!json_is_object(msg))
			lsp_respond_error(s, NULL, LSP_PARSE_ERROR, msg ? "a message is a JSON object" : err.text);
		else
			dispatch(s, msg);
		json_decref(msg);
	}
	return s->exited && s->shutdown ? OPSC_EXIT_OK : OPSC_EXIT_FINDINGS;
}

int opsc_lsp_serve(FILE *in, FILE *out)
{
	lsp_server s;
	memset(&s, 0, sizeof s);
	s.in = in;
	s.out = out;
	lsp_docs_init(&s.docs);
	lsp_diag_init(&s);
	int rc = serve(&s);
	lsp_diag_dispose(&s);
	lsp_docs_dispose(&s.docs);
	return rc;
}
