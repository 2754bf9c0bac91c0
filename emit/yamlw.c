/*
 * yamlw.c - YAML output through libyaml's emitter.
 *
 * Errors are sticky: the first failure marks the writer failed and later
 * calls do nothing, so emitters write straight-line code and check once, at
 * opsc_yw_close.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "yamlw.h"

static int yw_write(void *data, unsigned char *bytes, size_t size)
{
	opsc_yw *w = data;
	if (w->len + size + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + size + 1)
			cap *= 2;
		w->buf = opsc_realloc(w->buf, cap);
		w->cap = cap;
	}
	memcpy(w->buf + w->len, bytes, size);
	w->len += size;
	return 1;
}

static void yw_emit(opsc_yw *w, yaml_event_t *ev, int ok)
{
	if (!ok || !yaml_emitter_emit(&w->emitter, ev))
		w->failed = true;
}

void opsc_yw_open(opsc_yw *w, const char *header)
{
	memset(w, 0, sizeof(*w));
	w->headed = header != NULL;
	if (header)
		yw_write(w, (unsigned char *)header, strlen(header));
	if (!yaml_emitter_initialize(&w->emitter)) {
		w->failed = true;
		return;
	}
	w->started = true;
	yaml_emitter_set_output(&w->emitter, yw_write, w);
	yaml_emitter_set_unicode(&w->emitter, 1);
	yaml_emitter_set_width(&w->emitter, -1); /* never fold long PromQL */
	yaml_emitter_set_indent(&w->emitter, 2);
	yaml_event_t ev;
	yw_emit(w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
}

static void yw_push(opsc_yw *w, char kind)
{
	if (w->depth >= (int)sizeof(w->closers)) {
		w->failed = true;
		return;
	}
	w->closers[w->depth++] = kind;
}

void opsc_yw_doc(opsc_yw *w)
{
	opsc_yw_doc_at(w, OPSC_NO_SPAN);
}

void opsc_yw_doc_at(opsc_yw *w, opsc_span span)
{
	if (w->failed)
		return;
	opsc_array_push(&w->spans, span);
	yaml_event_t ev;
	/* The first document needs no `---`: the header comment precedes it. */
	yw_emit(w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, w->docs == 0));
	w->docs++;
	yw_push(w, 'd');
}

static void yw_map(opsc_yw *w, yaml_mapping_style_t style)
{
	if (w->failed)
		return;
	yaml_event_t ev;
	yw_emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, style));
	yw_push(w, 'm');
}

void opsc_yw_map(opsc_yw *w)
{
	yw_map(w, YAML_BLOCK_MAPPING_STYLE);
}

static void yw_seq(opsc_yw *w, yaml_sequence_style_t style)
{
	if (w->failed)
		return;
	yaml_event_t ev;
	yw_emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style));
	yw_push(w, 's');
}

void opsc_yw_seq(opsc_yw *w)
{
	yw_seq(w, YAML_BLOCK_SEQUENCE_STYLE);
}

void opsc_yw_flow_seq(opsc_yw *w)
{
	yw_seq(w, YAML_FLOW_SEQUENCE_STYLE);
}

void opsc_yw_end(opsc_yw *w)
{
	if (w->failed)
		return;
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	yaml_event_t ev;
	switch (w->closers[--w->depth]) {
	case 'd':
		yw_emit(w, &ev, yaml_document_end_event_initialize(&ev, 1));
		break;
	case 'm':
		yw_emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
		break;
	default:
		yw_emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
		break;
	}
}

static bool all_digits(const char *s, const char *digits)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s != '_' && !strchr(digits, *s))
			return false;
	return true;
}

/* Words YAML 1.1 or 1.2 readers (kubectl's, Python's, Go's) resolve to
 * something other than a string. */
static const char *const yaml_words[] = {
	"~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
	"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	"y", "Y", "n", "N", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf",
	".nan", ".NaN", ".NAN", "<<", "=",
};

static bool looks_numeric(const char *s)
{
	const char *p = s;
	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b') && p[2])
		return true; /* hex, octal, binary: overly cautious is fine */
	bool digit = false, dot = false;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digit = true;
		} else if (*p == '.' && !dot) {
			dot = true;
		} else if ((*p == 'e' || *p == 'E') && digit) {
			p++;
			if (*p == '+' || *p == '-')
				p++;
			return all_digits(p, "0123456789");
		} else if (*p == ':' || *p == '_') {
			continue; /* YAML 1.1 sexagesimal 1:30 and 1_000 */
		} else {
			return false;
		}
	}
	return digit;
}

bool opsc_yw_needs_quotes(const char *s)
{
	if (!*s)
		return true;
	/* every special word starts with one of these: most keys and values
	 * ("name", "kind", "app") are ruled out by their first byte */
	size_t len = strlen(s);
	bool may_be_word = len <= 5 && strchr("~nNtTfFyYoO.-+<=", s[0]);
	for (size_t i = 0; may_be_word && i < sizeof(yaml_words) / sizeof(yaml_words[0]); i++)
		if (yaml_words[i][0] == s[0] && strcmp(s, yaml_words[i]) == 0)
			return true;
	return looks_numeric(s);
}

static void yw_scalar(opsc_yw *w, const char *s, yaml_scalar_style_t style)
{
	if (w->failed)
		return;
	yaml_event_t ev;
	yw_emit(w, &ev,
		yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
					     style));
}

void opsc_yw_str(opsc_yw *w, const char *s)
{
	yw_scalar(w, s, opsc_yw_needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void opsc_yw_text(opsc_yw *w, const char *s)
{
	/* libyaml refuses a literal block for text with trailing spaces or tabs
	 * and falls back to quoting on its own, so asking is always safe. */
	if (strchr(s, '\n'))
		yw_scalar(w, s, YAML_LITERAL_SCALAR_STYLE);
	else
		opsc_yw_str(w, s);
}

void opsc_yw_int(opsc_yw *w, int64_t v)
{
	char num[32];
	snprintf(num, sizeof(num), "%" PRId64, v);
	yw_scalar(w, num, YAML_PLAIN_SCALAR_STYLE);
}

void opsc_yw_bool(opsc_yw *w, bool v)
{
	yw_scalar(w, v ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
}

void opsc_yw_kv(opsc_yw *w, const char *key, const char *value)
{
	if (!value)
		return;
	opsc_yw_str(w, key);
	opsc_yw_str(w, value);
}

void opsc_yw_kvi(opsc_yw *w, const char *key, int64_t value)
{
	opsc_yw_str(w, key);
	opsc_yw_int(w, value);
}

void opsc_yw_kvb(opsc_yw *w, const char *key, bool value)
{
	opsc_yw_str(w, key);
	opsc_yw_bool(w, value);
}

void opsc_yw_key_map(opsc_yw *w, const char *key)
{
	opsc_yw_str(w, key);
	opsc_yw_map(w);
}

void opsc_yw_key_seq(opsc_yw *w, const char *key)
{
	opsc_yw_str(w, key);
	opsc_yw_seq(w);
}

int opsc_yw_close(opsc_yw *w, opsc_ctx *ctx, const char **data, size_t *len)
{
	int rc = -1;
	if (w->failed || w->depth != 0)
		goto done;
	yaml_event_t ev;
	yw_emit(w, &ev, yaml_stream_end_event_initialize(&ev));
	if (w->failed || !yaml_emitter_flush(&w->emitter))
		goto done;
	*data = opsc_arena_strndup(ctx->arena, w->buf ? w->buf : "", w->len);
	*len = w->len;
	w->doc_spans = w->spans.len ? opsc_array_to_arena(ctx->arena, &w->spans) : NULL;
	rc = 0;
done:
	opsc_yw_discard(w);
	return rc;
}

void opsc_yw_discard(opsc_yw *w)
{
	opsc_array_free(&w->spans);
	if (w->started)
		yaml_emitter_delete(&w->emitter);
	w->started = false;
	opsc_free(w->buf);
	w->buf = NULL;
}
