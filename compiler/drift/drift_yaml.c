/*
 * drift_yaml.c - the semantic comparison of one generated file with its
 * committed copy (see drift.h).
 *
 * Both sides are read with yamldoc. Documents are paired by identity
 * (apiVersion, kind, namespace, name), then the leftovers in order, so a
 * reordered stream is no drift and a renamed object is one field that
 * differs. Inside a document, mappings compare by key, sequences by
 * index, scalars by their resolved value: plain scalars resolve as YAML
 * 1.2's core schema does, plus the YAML 1.1 booleans (yes, no, on, off)
 * that Kubernetes' own reader still honours, so quoting a string changes
 * nothing and unquoting "true" does.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "scan.h"

/* ------------------------------------------------------------- scalars */

typedef enum { V_NULL, V_BOOL, V_INT, V_FLOAT, V_STR } value_type;

typedef struct {
	value_type type;
	const char *text; /* canonical: "true", "42", "1.5", or the string */
} value;

static const char *const null_words[] = { "", "~", "null", "Null", "NULL" };
static const char *const true_words[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
static const char *const false_words[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };

static bool in_words(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

#define IN(s, words) in_words((s), (words), sizeof(words) / sizeof(*(words)))

static bool parse_int(const char *s, long long *out)
{
	int base = 10;
	const char *digits = s + (*s == '+' || *s == '-');
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
		base = s[1] == 'x' ? 16 : 8;
		digits = s + 2;
	}
	const char *set = base == 16 ? "0123456789abcdefABCDEF" : base == 8 ? "01234567" : "0123456789";
	if (!*digits || strspn(digits, set) != strlen(digits))
		return false;
	errno = 0;
	*out = strtoll(base == 10 ? s : digits, NULL, base);
	return errno == 0;
}

static bool parse_float(const char *s, double *out)
{
	static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF" };
	static const char *const nan_[] = { ".nan", ".NaN", ".NAN" };
	if (IN(s, inf) || IN(s, ninf) || IN(s, nan_)) {
		*out = IN(s, nan_) ? NAN : IN(s, ninf) ? -INFINITY : INFINITY;
		return true;
	}
	size_t digits = strspn(s + (*s == '-' || *s == '+'), "0123456789.eE+-");
	if (!*s || digits != strlen(s) - (*s == '-' || *s == '+') || !strpbrk(s, "0123456789"))
		return false;
	char *end;
	*out = strtod(s, &end);
	return *end == '\0';
}

static value resolve(opsc_arena *a, const opsc_yamldoc_node *n)
{
	const char *s = n->scalar.value;
	value v = { V_STR, s };
	bool str_tag = n->tag && strcmp(n->tag, "tag:yaml.org,2002:str") == 0;
	if (n->scalar.style != OPSC_YAMLDOC_PLAIN || str_tag)
		return v;
	long long i;
	double d;
	if (IN(s, null_words))
		v = (value){ V_NULL, "null" };
	else if (IN(s, true_words) || IN(s, false_words))
		v = (value){ V_BOOL, IN(s, true_words) ? "true" : "false" };
	else if (parse_int(s, &i))
		v = (value){ V_INT, opsc_arena_printf(a, "%lld", i) };
	else if (parse_float(s, &d))
		v = (value){ V_FLOAT, opsc_arena_printf(a, "%.17g", d) };
	return v;
}

/* How a value reads in a message: strings that would not read back as
 * strings are quoted, long ones are cut. */
static const char *show(opsc_arena *a, const opsc_yamldoc_node *n)
{
	if (!n)
		return "nothing";
	if (n->kind == OPSC_YAMLDOC_MAPPING)
		return "a mapping";
	if (n->kind == OPSC_YAMLDOC_SEQUENCE)
		return "a list";
	value v = resolve(a, n);
	opsc_yamldoc_node plain = *n;
	plain.scalar.style = OPSC_YAMLDOC_PLAIN;
	plain.tag = NULL;
	bool quote = v.type == V_STR && (resolve(a, &plain).type != V_STR || v.text[0] == ' ');
	size_t len = strcspn(v.text, "\n"); /* multi-line text: its first line */
	int cut = len > 60 ? 57 : (int)len;
	const char *more = len > 60 || v.text[len] ? "..." : "";
	if (quote)
		return opsc_arena_printf(a, "\"%.*s%s\"", cut, v.text, more);
	return opsc_arena_printf(a, "%.*s%s", cut, v.text, more);
}

/* ------------------------------------------------------------ walking */

typedef struct {
	opsc_drifts *out;
	opsc_arena *arena;
	const opsc_output *output;
	opsc_span span; /* of the document being compared */
} cmp;

/* What a hand edit put there: a value that could be a credential (someone
 * inlined the webhook URL opsc keeps in a Secret) is shown redacted, as
 * every finding shows secrets. */
static const char *show_found(opsc_arena *a, const opsc_yamldoc_node *n)
{
	if (n && n->kind == OPSC_YAMLDOC_SCALAR && opsc_scan_may_be_secret(n->scalar.value, n->scalar.len))
		return opsc_esc_redact(a, n->scalar.value, n->scalar.len);
	return show(a, n);
}

static void differ(cmp *c, const char *field, const opsc_yamldoc_node *want, const opsc_yamldoc_node *found,
		   const opsc_yamldoc_node *at)
{
	opsc_drift d = { OPSC_DRIFT_EDITED, c->output->path, field, show(c->arena, want), show_found(c->arena, found),
			 NULL, at->line, at->col, c->output, c->span };
	opsc_array_push(&c->out->items, d);
}

static void problem(cmp *c, const char *message, uint32_t line, uint32_t col, opsc_span span)
{
	opsc_drift d = { OPSC_DRIFT_EDITED, c->output->path, NULL, NULL, NULL, message, line, col, c->output, span };
	opsc_array_push(&c->out->items, d);
}

/* "metadata.labels" + "app" -> "metadata.labels.app"; keys with dots or
 * other punctuation in brackets: labels["app.kubernetes.io/name"]. */
static const char *join_key(opsc_arena *a, const char *field, const char *key)
{
	bool plain = *key && strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(key);
	if (plain)
		return opsc_arena_printf(a, "%s%s%s", field, *field ? "." : "", key);
	return opsc_arena_printf(a, "%s[\"%s\"]", field, key);
}

static void compare_node(cmp *c, const char *field, const opsc_yamldoc_node *want, const opsc_yamldoc_node *found);

static const opsc_yamldoc_node *key_in(const opsc_yamldoc_node *map, const char *key)
{
	return opsc_yamldoc_get(map, key);
}

static void compare_map(cmp *c, const char *field, const opsc_yamldoc_node *want, const opsc_yamldoc_node *found)
{
	for (uint32_t i = 0; i < found->mapping.len; i++) {
		const opsc_yamldoc_pair *p = &found->mapping.pairs[i];
		const char *key = opsc_yamldoc_str(p->key);
		const char *sub = join_key(c->arena, field, key ? key : "?");
		const opsc_yamldoc_node *w = key ? key_in(want, key) : NULL;
		if (!w)
			differ(c, sub, NULL, p->value, p->key);
		else
			compare_node(c, sub, w, p->value);
	}
	for (uint32_t i = 0; i < want->mapping.len; i++) {
		const opsc_yamldoc_pair *p = &want->mapping.pairs[i];
		const char *key = opsc_yamldoc_str(p->key);
		if (key && !key_in(found, key))
			differ(c, join_key(c->arena, field, key), p->value, NULL, found);
	}
}

static void compare_seq(cmp *c, const char *field, const opsc_yamldoc_node *want, const opsc_yamldoc_node *found)
{
	uint32_t n = want->sequence.len > found->sequence.len ? want->sequence.len : found->sequence.len;
	for (uint32_t i = 0; i < n; i++) {
		const char *sub = opsc_arena_printf(c->arena, "%s[%u]", field, i);
		const opsc_yamldoc_node *w = i < want->sequence.len ? want->sequence.items[i] : NULL;
		const opsc_yamldoc_node *f = i < found->sequence.len ? found->sequence.items[i] : NULL;
		if (w && f)
			compare_node(c, sub, w, f);
		else
			differ(c, sub, w, f, f ? f : found);
	}
}

static void compare_node(cmp *c, const char *field, const opsc_yamldoc_node *want, const opsc_yamldoc_node *found)
{
	if (want->kind != found->kind) {
		differ(c, field, want, found, found);
	} else if (want->kind == OPSC_YAMLDOC_MAPPING) {
		compare_map(c, field, want, found);
	} else if (want->kind == OPSC_YAMLDOC_SEQUENCE) {
		compare_seq(c, field, want, found);
	} else {
		value w = resolve(c->arena, want), f = resolve(c->arena, found);
		if (w.type != f.type || strcmp(w.text, f.text) != 0)
			differ(c, field, want, found, found);
	}
}

/* ---------------------------------------------------------- documents */

/* "rbac.authorization.k8s.io/v1 Role ns/name", or NULL for a document
 * that is not an object. */
static const char *identity(opsc_arena *a, const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	if (!kind)
		return NULL;
	const char *api = opsc_yamldoc_str(opsc_yamldoc_get(doc, "apiVersion"));
	const char *ns = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.namespace"));
	const char *name = opsc_yamldoc_str(opsc_yamldoc_path(doc, "metadata.name"));
	return opsc_arena_printf(a, "%s %s %s/%s", api ? api : "", kind, ns ? ns : "", name ? name : "");
}

/* pair[i]: the committed document for generated document i, or -1. */
static void pair_docs(opsc_arena *a, const opsc_yamldoc_stream *want, const opsc_yamldoc_stream *found,
		      int32_t *pair, bool *used)
{
	for (uint32_t i = 0; i < want->ndocs; i++) {
		pair[i] = -1;
		const char *id = identity(a, want->docs[i]);
		for (uint32_t j = 0; id && j < found->ndocs && pair[i] < 0; j++) {
			const char *other = used[j] ? NULL : identity(a, found->docs[j]);
			if (other && strcmp(id, other) == 0) {
				pair[i] = (int32_t)j;
				used[j] = true;
			}
		}
	}
	uint32_t next = 0; /* the leftovers, in order */
	for (uint32_t i = 0; i < want->ndocs; i++) {
		while (next < found->ndocs && used[next])
			next++;
		if (pair[i] < 0 && next < found->ndocs) {
			pair[i] = (int32_t)next;
			used[next] = true;
		}
	}
}

static opsc_span doc_span(const opsc_output *o, uint32_t i)
{
	return i < o->ndocs ? o->doc_spans[i] : OPSC_NO_SPAN;
}

static void compare_streams(cmp *c, const opsc_yamldoc_stream *want, const opsc_yamldoc_stream *found)
{
	int32_t *pair = opsc_arena_alloc(c->arena, (want->ndocs + 1) * sizeof(*pair));
	bool *used = opsc_arena_alloc(c->arena, found->ndocs + 1);
	memset(used, 0, found->ndocs + 1);
	pair_docs(c->arena, want, found, pair, used);
	for (uint32_t i = 0; i < want->ndocs; i++) {
		c->span = doc_span(c->output, i);
		if (pair[i] >= 0) {
			compare_node(c, "", want->docs[i], found->docs[pair[i]]);
			continue;
		}
		const char *id = identity(c->arena, want->docs[i]);
		uint32_t end = found->ndocs ? found->docs[found->ndocs - 1]->line : 1;
		problem(c, opsc_arena_printf(c->arena, "a generated document is missing%s%s", id ? ": " : "", id ? id : ""),
			end, 1, c->span);
	}
	for (uint32_t j = 0; j < found->ndocs; j++) {
		if (used[j])
			continue;
		const char *id = identity(c->arena, found->docs[j]);
		problem(c, opsc_arena_printf(c->arena, "a document opsc does not generate%s%s", id ? ": " : "", id ? id : ""),
			found->docs[j]->line, found->docs[j]->col, doc_span(c->output, 0));
	}
}

static int by_position(const void *a, const void *b)
{
	const opsc_drift *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

void opsc_drift_compare(opsc_drifts *out, opsc_arena *arena, const opsc_output *want, const char *data,
			size_t len, bool all)
{
	if (len == want->len && (len == 0 || memcmp(data, want->data, len) == 0))
		return; /* the common case: byte for byte what opsc writes */
	opsc_yamldoc_stream ws, fs;
	cmp c = { out, arena, want, doc_span(want, 0) };
	uint32_t first = out->items.len;
	if (opsc_yamldoc_parse(&ws, arena, want->path, want->data, want->len, OPSC_YAMLDOC_DEFAULT_MAX_BYTES) < 0 ||
	    opsc_yamldoc_parse(&fs, arena, want->path, data, len, OPSC_YAMLDOC_DEFAULT_MAX_BYTES) < 0) {
		problem(&c, "cannot be read", 1, 1, c.span);
		return;
	}
	if (fs.nerrors) {
		const opsc_yamldoc_error *e = &fs.errors[0];
		problem(&c, opsc_arena_printf(arena, "not valid YAML any more: %s", e->message), e->line, e->col, c.span);
		return;
	}
	compare_streams(&c, &ws, &fs);
	uint32_t n = out->items.len - first;
	if (n > 1)
		qsort(out->items.items + first, n, sizeof(opsc_drift), by_position);
	if (!all && n > 1)
		out->items.len = first + 1;
}
