/*
 * lsp_io.c - JSON-RPC framing over stdin/stdout (Content-Length headers),
 * used by the dispatcher (lsp.c) and by publishing (lsp_diag.c).
 */
#include "lsp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGE (64u << 20)

/* ------------------------------------------------------------- framing */

/* Reads one message's body (heap, NUL-terminated). Returns its length,
 * 0 at the end of input, negative on a malformed header. */
long lsp_read_message(FILE *in, char **out)
{
	char line[256];
	size_t len = 0;
	bool have_len = false;
	*out = NULL;
	for (;;) {
		if (!fgets(line, sizeof line, in))
			return 0;
		if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0)
			break;
		if (strncasecmp(line, "Content-Length:", 15) == 0) {
			len = strtoul(line + 15, NULL, 10);
			have_len = true;
		}
	}
	if (!have_len || len > MAX_MESSAGE)
		return -EINVAL;
	char *buf = opsc_malloc(len + 1);
	if (fread(buf, 1, len, in) != len) {
		opsc_free(buf);
		return 0;
	}
	buf[len] = '\0';
	*out = buf;
	return (long)len;
}

static void write_message(lsp_server *s, json_t *msg)
{
	char *body = json_dumps(msg, JSON_COMPACT);
	if (!body)
		return;
	fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	fflush(s->out);
	free(body);
}

void lsp_notify(lsp_server *s, const char *method, json_t *params)
{
	json_t *msg = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params);
	write_message(s, msg);
	json_decref(msg);
}

void lsp_respond(lsp_server *s, json_t *id, json_t *result)
{
	json_t *msg = json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result",
				result ? result : json_null());
	write_message(s, msg);
	json_decref(msg);
}

void lsp_respond_error(lsp_server *s, json_t *id, int code, const char *message)
{
	json_t *msg = json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
				"error", "code", code, "message", message);
	write_message(s, msg);
	json_decref(msg);
}
