/*
 * lsp_complete.c - completion.
 *
 * What is being typed is read from the text before the cursor rather than
 * the syntax tree: half a word is seldom valid syntax, and the blocks
 * around it are found by matching braces (outside strings and comments).
 *
 *   at a statement         attributes of the block (the schema), its nested
 *                          blocks; block kinds at the top level; the
 *                          parameters of the template inside `use`
 *   after `attr =`         what that attribute takes: enum values, true or
 *                          false, env./receiver. names, peer and subject
 *                          functions, units after a number
 *   env. role. receiver.   the names the analysis knows
 *   use / import "         templates / standard-library modules
 */
#include <ctype.h>
#include <string.h>

#include "front.h"
#include "lsp_int.h"

enum { MAX_DEPTH = 32 };

/* CompletionItemKind */
enum { K_PROPERTY = 10, K_KEYWORD = 14, K_VALUE = 12, K_ENUM = 20, K_REFERENCE = 18, K_FUNCTION = 3, K_UNIT = 11 };

typedef struct {
	const char *types[MAX_DEPTH]; /* block types around the cursor, outermost first */
	uint32_t starts[MAX_DEPTH];
	int depth;
	uint32_t stmt; /* where the statement being typed starts */
} context;

typedef struct {
	lsp_server *s;
	const lsp_cursor *c;
	json_t *items;
	const char *prefix; /* the part being typed */
	uint32_t from; /* its start */
} out;

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

static uint32_t skip_string(const char *t, uint32_t i, uint32_t end, char q)
{
	for (i++; i < end && t[i] != q; i++)
		if (t[i] == '\\' && q == '"')
			i++;
	return i;
}

/* The first word of the statement at `start`: the block a `{` opens, or
 * "=" for a map value. */
static const char *opener(const char *t, uint32_t start, uint32_t brace, char *word, size_t cap)
{
	while (start < brace && isspace((unsigned char)t[start]))
		start++;
	for (uint32_t i = start; i < brace; i++)
		if (t[i] == '=' && t[i + 1] != '=' && (i == 0 || !strchr("=!<>", t[i - 1])))
			return "=";
	size_t n = 0;
	while (start + n < brace && word_char(t[start + n]) && n + 1 < cap)
		n++;
	memcpy(word, t + start, n);
	word[n] = '\0';
	return word;
}

static void scan(context *cx, const char *t, uint32_t off, char words[MAX_DEPTH][32])
{
	cx->depth = 0;
	cx->stmt = 0;
	for (uint32_t i = 0; i < off; i++) {
		char ch = t[i];
		if (ch == '"' || ch == '`') {
			i = skip_string(t, i, off, ch);
		} else if (ch == '#') {
			while (i < off && t[i] != '\n')
				i++;
			cx->stmt = i + 1;
		} else if (ch == '{') {
			if (cx->depth < MAX_DEPTH) {
				cx->types[cx->depth] = opener(t, cx->stmt, i, words[cx->depth], sizeof words[0]);
				cx->starts[cx->depth++] = i;
			}
			cx->stmt = i + 1;
		} else if (ch == '}') {
			if (cx->depth > 0)
				cx->depth--;
			cx->stmt = i + 1;
		} else if (ch == '\n') {
			cx->stmt = i + 1;
		}
	}
}

static void add(out *o, const char *label, int kind, const char *detail, const char *insert)
{
	if (strncmp(label, o->prefix, strlen(o->prefix)) != 0)
		return;
	const opsc_source *src = o->c->src;
	json_t *edit = json_pack("{s:o, s:s}", "range", lsp_range(src->text, src->len, o->from, o->c->off, o->s->utf8),
				 "newText", insert ? insert : label);
	json_t *item = json_pack("{s:s, s:i, s:o}", "label", label, "kind", kind, "textEdit", edit);
	if (detail)
		json_object_set_new(item, "detail", json_string(detail));
	json_array_append_new(o->items, item);
}

static void add_refs(out *o, lsp_sym_kind k, const char *prefix_obj)
{
	const lsp_index *ix = &o->c->a->index;
	for (uint32_t i = 0; i < ix->defs.len; i++) {
		const lsp_def *d = &ix->defs.items[i];
		if (d->kind != k)
			continue;
		if (prefix_obj) {
			char *full = opsc_arena_printf(o->c->a->ctx.arena, "%s.%s", prefix_obj, d->name);
			add(o, full, K_REFERENCE, lsp_sym_kind_name(k), NULL);
		} else {
			add(o, d->name, K_REFERENCE, lsp_sym_kind_name(k), NULL);
		}
	}
}

/* ------------------------------------------------------------ statements */

static const char *const top_keywords[] = { "import", "template", "use" };

/* The block the cursor is in and its parent; a template's blocks are
 * top-level blocks once used. */
static const char *block_type(const context *cx, int up)
{
	int i = cx->depth - 1 - up;
	return i >= 0 && strcmp(cx->types[i], "template") != 0 ? cx->types[i] : NULL;
}

static void statement_items(out *o, const context *cx)
{
	const char *type = block_type(cx, 0);
	const char *parent = type ? block_type(cx, 1) : NULL;
	if (type && strcmp(type, "=") == 0)
		return; /* a map's keys are the user's */
	if (type && strcmp(type, "use") == 0)
		return; /* parameters: see use_params */
	const char *kids[64];
	uint32_t n = sema_schema_children(type, kids, 64);
	for (uint32_t i = 0; i < n; i++)
		if (!type || strcmp(kids[i], "template") != 0)
			add(o, kids[i], K_KEYWORD, "block", NULL);
	for (size_t i = 0; !type && i < sizeof top_keywords / sizeof *top_keywords; i++)
		add(o, top_keywords[i], K_KEYWORD, NULL, NULL);
	const sema_schema *sc = type ? sema_schema_find(type, parent) : NULL;
	for (const sema_attr *a = sc ? sc->attrs : NULL; a && a->name; a++) {
		char *ins = opsc_arena_printf(o->c->a->ctx.arena, "%s = ", a->name);
		add(o, a->name, K_PROPERTY, sema_type_name(a->type), ins);
	}
}

/* Inside `use T {`: the parameters T declares. */
static void use_params(out *o, const context *cx)
{
	const char *t = o->c->src->text;
	uint32_t at = cx->starts[cx->depth - 1], st = at;
	while (st > 0 && t[st - 1] != '\n' && t[st - 1] != '}')
		st--;
	while (isspace((unsigned char)t[st]))
		st++;
	if (strncmp(t + st, "use", 3) != 0)
		return;
	st += 3;
	while (st < at && isspace((unsigned char)t[st]))
		st++;
	uint32_t e = st;
	while (e < at && (word_char(t[e]) || t[e] == '.'))
		e++;
	const lsp_index *ix = &o->c->a->index;
	for (uint32_t i = 0; i < ix->defs.len; i++) {
		const lsp_def *d = &ix->defs.items[i];
		if (d->kind != LSP_SYM_TEMPLATE || strlen(d->name) != e - st || memcmp(d->name, t + st, e - st) != 0)
			continue;
		for (uint32_t k = 0; k < ix->defs.len; k++)
			if (ix->defs.items[k].kind == LSP_SYM_PARAM && ix->defs.items[k].owner == i) {
				const char *p = ix->defs.items[k].name;
				add(o, p, K_PROPERTY, "parameter", opsc_arena_printf(o->c->a->ctx.arena, "%s = ", p));
			}
	}
}

/* ---------------------------------------------------------------- values */

static const char *const verbs[] = { "get", "list", "watch", "create", "update", "patch", "delete",
				     "deletecollection", "impersonate", "bind", "escalate", "use", NULL };
static const char *const durations[] = { "s", "m", "h", "d", "w", NULL };
static const char *const quantities[] = { "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", NULL };

/* Words a type takes, as written. */
static const struct {
	sema_type type;
	int kind;
	const char *words[7];
} type_words[] = {
	{ A_BOOL, K_VALUE, { "true", "false" } },
	{ A_ALERT_SEVERITY, K_ENUM, { "critical", "warning", "info" } },
	{ A_LEVEL, K_ENUM, { "error", "warning", "note" } },
	{ A_LEVEL_OR_OFF, K_ENUM, { "error", "warning", "note", "off" } },
	{ A_DIRECTIONS, K_ENUM, { "ingress", "egress" } },
	{ A_ENV_REFS, K_ENUM, { "all" } },
	{ A_PEERS, K_FUNCTION, { "all", "namespace(", "namespaces(", "pods(", "cidr(" } },
	{ A_SUBJECTS, K_FUNCTION, { "user(", "group(", "service_account(" } },
	{ A_SECRET, K_FUNCTION, { "secret(" } },
};

static void unit_items(out *o, const char *const *units)
{
	size_t n = strlen(o->prefix);
	for (const char *const *u = units; *u; u++) {
		char *w = opsc_arena_printf(o->c->a->ctx.arena, "%.*s%s", (int)n, o->prefix, *u);
		add(o, w, K_UNIT, NULL, NULL);
	}
}

static void value_items(out *o, const context *cx, const char *attr)
{
	const char *type = block_type(cx, 0);
	const char *parent = type ? block_type(cx, 1) : NULL;
	const sema_schema *sc = type ? sema_schema_find(type, parent) : NULL;
	const sema_attr *a = sc ? sema_schema_attr(sc, attr) : NULL;
	sema_attr level = { attr, A_LEVEL_OR_OFF, false, NULL };
	if (!a && type && strcmp(type, "rules") == 0)
		a = &level;
	if (!a)
		return;
	for (size_t i = 0; i < sizeof type_words / sizeof *type_words; i++)
		for (int k = 0; type_words[i].type == a->type && k < 7 && type_words[i].words[k]; k++)
			add(o, type_words[i].words[k], type_words[i].kind, NULL, NULL);
	if (a->type == A_ENV_REFS)
		add_refs(o, LSP_SYM_ENV, "env");
	if (a->type == A_RECEIVER)
		add_refs(o, LSP_SYM_RECEIVER, "receiver");
	if (a->type == A_STORE)
		add_refs(o, LSP_SYM_STORE, "store");
	if (a->type == A_STRINGS && strcmp(attr, "verbs") == 0)
		for (const char *const *v = verbs; *v; v++)
			add(o, *v, K_ENUM, NULL, NULL);
	bool number = o->prefix[0] && isdigit((unsigned char)o->prefix[0]);
	for (const char *p = o->prefix; number && *p; p++)
		number = isdigit((unsigned char)*p) || *p == '.';
	if (number && a->type == A_DURATION)
		unit_items(o, durations);
	if (number && a->type == A_QUANTITY)
		unit_items(o, quantities);
}

/* The attribute whose value the cursor is in: the name before the last
 * `=` of the statement, when only a value's opening lies between. */
static const char *value_of(const char *t, uint32_t stmt, uint32_t word, opsc_arena *arena)
{
	uint32_t i = word;
	while (i > stmt && (isspace((unsigned char)t[i - 1]) || strchr("[,(", t[i - 1])))
		i--;
	if (i == stmt || t[i - 1] != '=' || (i >= 2 && strchr("=!<>", t[i - 2])))
		return NULL;
	uint32_t e = i - 1;
	while (e > stmt && isspace((unsigned char)t[e - 1]))
		e--;
	uint32_t b = e;
	while (b > stmt && word_char(t[b - 1]))
		b--;
	return b < e ? opsc_arena_strndup(arena, t + b, e - b) : NULL;
}

/* ----------------------------------------------------------------- entry */

static bool line_starts_with(const char *t, uint32_t stmt, uint32_t word, const char *kw)
{
	while (stmt < word && isspace((unsigned char)t[stmt]))
		stmt++;
	size_t n = strlen(kw);
	return word - stmt > n && strncmp(t + stmt, kw, n) == 0 && isspace((unsigned char)t[stmt + n]);
}

static bool only_space(const char *t, uint32_t from, uint32_t to)
{
	for (; from < to; from++)
		if (!isspace((unsigned char)t[from]))
			return false;
	return true;
}

static void complete(out *o, const context *cx, uint32_t word)
{
	const char *t = o->c->src->text;
	const char *dot = memchr(t + word, '.', o->c->off - word);
	if (t[word > 0 ? word - 1 : 0] == '"' && line_starts_with(t, cx->stmt, word, "import")) {
		for (const opsc_embedded *e = opsc_stdlib; e->name; e++)
			add(o, e->name, K_REFERENCE, "standard library", NULL);
	} else if (line_starts_with(t, cx->stmt, word, "use") && cx->stmt + 4 <= word) {
		add_refs(o, LSP_SYM_TEMPLATE, NULL);
	} else if (dot) {
		lsp_sym_kind k = strncmp(t + word, "env.", 4) == 0	   ? LSP_SYM_ENV
				 : strncmp(t + word, "role.", 5) == 0	   ? LSP_SYM_ROLE
				 : strncmp(t + word, "receiver.", 9) == 0 ? LSP_SYM_RECEIVER
				 : strncmp(t + word, "store.", 6) == 0	   ? LSP_SYM_STORE
									  : LSP_SYM_KIND_COUNT;
		o->from = (uint32_t)(dot - t) + 1;
		o->prefix = opsc_arena_strndup(o->c->a->ctx.arena, dot + 1, o->c->off - o->from);
		if (k != LSP_SYM_KIND_COUNT)
			add_refs(o, k, NULL);
	} else if (line_starts_with(t, cx->stmt, word, "bind")) {
		add_refs(o, LSP_SYM_ROLE, "role");
	} else if (cx->depth && strcmp(cx->types[cx->depth - 1], "use") == 0 && only_space(t, cx->stmt, word)) {
		use_params(o, cx);
	} else {
		const char *attr = value_of(t, cx->stmt, word, o->c->a->ctx.arena);
		if (attr)
			value_items(o, cx, attr);
		else if (only_space(t, cx->stmt, word) || isspace((unsigned char)t[word - 1]))
			statement_items(o, cx);
	}
}

json_t *lsp_completion(lsp_server *s, json_t *params)
{
	lsp_cursor c;
	if (!lsp_cursor_get(s, params, &c))
		return json_array();
	const char *t = c.src->text;
	uint32_t word = c.off;
	while (word > 0 && (word_char(t[word - 1]) || t[word - 1] == '.'))
		word--;
	context cx;
	char words[MAX_DEPTH][32];
	scan(&cx, t, word, words);
	out o = { s, &c, json_array(), opsc_arena_strndup(c.a->ctx.arena, t + word, c.off - word), word };
	complete(&o, &cx, word);
	return json_pack("{s:b, s:o}", "isIncomplete", 0, "items", o.items);
}
