/*
 * sema_gotmpl.c - the Go template parser, function for function after
 * text/template/parse/parse.go (Go 1.19). It builds no tree: what
 * Prometheus and Alertmanager refuse at parse time is the structure
 * (balanced actions and {{end}}s, pipelines, declarations), the names
 * (functions of the program's table, variables declared before use) and
 * the literals. What fails only when the template runs (a missing label,
 * a nil pointer) is not judged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sema_gotmpl_int.h"
#include "util.h"

#define MAX_VARS 256
#define MAX_DEFS 64

/* text/template's builtins (funcs.go) */
#define GO_BUILTINS \
	"and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or", \
	"print", "printf", "println", "slice", "urlquery"

/* prometheus/template/template.go of v2.42.0 */
static const char *const prometheus_funcs[] = {
	GO_BUILTINS, "args", "externalURL", "first", "graphLink", "humanize", "humanize1024",
	"humanizeDuration", "humanizePercentage", "humanizeTimestamp", "label", "match", "parseDuration",
	"pathPrefix", "query", "reReplaceAll", "safeHtml", "sortByLabel", "strvalue", "stripDomain",
	"stripPort", "tableLink", "title", "toLower", "toTime", "toUpper", "value",
};

/* alertmanager/template/template.go of v0.25.0 (date, tz, since,
 * humanizeDuration and trimSpace came later) */
static const char *const alertmanager_funcs[] = {
	GO_BUILTINS, "join", "match", "reReplaceAll", "safeHtml", "stringSlice", "title", "toLower", "toUpper",
};

/* Prometheus prepends {{$labels := .Labels}}... to every template. */
static const char *const prometheus_vars[] = { "$labels", "$externalLabels", "$externalURL", "$value" };

static const struct {
	const char *name;
	const char *const *funcs;
	size_t nfuncs;
	const char *const *vars;
	size_t nvars;
} dialects[] = {
	[OPSC_GOTMPL_PROMETHEUS] = { "Prometheus alert templates", prometheus_funcs,
				     sizeof prometheus_funcs / sizeof *prometheus_funcs, prometheus_vars,
				     sizeof prometheus_vars / sizeof *prometheus_vars },
	[OPSC_GOTMPL_ALERTMANAGER] = { "Alertmanager notification templates", alertmanager_funcs,
				       sizeof alertmanager_funcs / sizeof *alertmanager_funcs, NULL, 0 },
};

typedef struct {
	const char *s;
	uint32_t n;
} gvar;

typedef enum { N_NODE, N_END, N_ELSE } node_kind;

typedef struct {
	const char *s;
	const gtok *toks;
	uint32_t ntoks, pos;
	opsc_gotmpl_dialect dialect;
	gvar vars[MAX_VARS];
	uint32_t nvars, base; /* vars[base..nvars) are in scope */
	int range_depth, depth;
	uint32_t last_start, last_end; /* the last {{end}} or {{else}} action */
	bool nonempty; /* the list being parsed has more than white space */
	gvar defs[MAX_DEFS]; /* names of the non-empty templates defined */
	uint32_t ndefs;
	opsc_gotmpl_error *err;
	const opsc_gotmpl_error *lexerr;
} parser;

const char *opsc_gotmpl_dialect_name(opsc_gotmpl_dialect dialect)
{
	return dialects[dialect].name;
}

static bool failed(const parser *p)
{
	return p->err->message[0] != 0;
}

/* The token list ends with G_EOF or G_ERROR, which repeats for ever. */
static const gtok *at(const parser *p, uint32_t i)
{
	return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}

static const gtok *next(parser *p)
{
	return at(p, p->pos++);
}

static void backup(parser *p)
{
	p->pos--;
}

static const gtok *next_ns(parser *p)
{
	const gtok *t;
	while ((t = next(p))->kind == G_SPACE)
		;
	return t;
}

static const gtok *peek(parser *p)
{
	return at(p, p->pos);
}

static const gtok *peek_ns(parser *p)
{
	while (at(p, p->pos)->kind == G_SPACE)
		p->pos++;
	return at(p, p->pos);
}

static uint32_t tlen(const gtok *t)
{
	return t->end - t->start;
}

/* A token as messages show it. */
static const char *show(const parser *p, const gtok *t, char *buf, size_t cap)
{
	if (t->kind == G_EOF)
		return "the end of the text";
	uint32_t n = tlen(t) > 24 ? 24 : tlen(t);
	snprintf(buf, cap, "`%.*s%s`", (int)n, p->s + t->start, tlen(t) > n ? "..." : "");
	return buf;
}

/* parse.go's unexpected(): a lexer error is reported as itself. */
static void unexpected(parser *p, const gtok *t, const char *context)
{
	if (t->kind == G_ERROR) {
		*p->err = *p->lexerr;
		return;
	}
	char buf[40];
	const char *why = t->kind == G_CHAR && p->s[t->start] == '}' ? ": an action ends with `}}`" : "";
	gotmpl_fail(p->err, t->start, t->end, "unexpected %s in %s%s", show(p, t, buf, sizeof buf), context, why);
}

static const gtok *expect(parser *p, gtok_kind k, const char *context)
{
	const gtok *t = next_ns(p);
	if (t->kind != k)
		unexpected(p, t, context);
	return t;
}

static bool deeper(parser *p, const gtok *t)
{
	if (++p->depth <= OPSC_GOTMPL_MAX_DEPTH)
		return true;
	gotmpl_fail(p->err, t->start, t->end, "actions nested deeper than %d levels", OPSC_GOTMPL_MAX_DEPTH);
	return false;
}

/* ------------------------------------------------------------- operands */

/* Brings variable `v` into scope; `at` places the error of one too many. */
static void push_var(parser *p, gvar v, const gtok *at)
{
	if (p->nvars == MAX_VARS)
		gotmpl_fail(p->err, at->start, at->end, "more than %d variables", MAX_VARS);
	else
		p->vars[p->nvars++] = v;
}

static void declare(parser *p, const gtok *v)
{
	push_var(p, (gvar){ p->s + v->start, tlen(v) }, v);
}

static void use_var(parser *p, const gtok *v)
{
	for (uint32_t i = p->base; i < p->nvars; i++)
		if (p->vars[i].n == tlen(v) && memcmp(p->vars[i].s, p->s + v->start, tlen(v)) == 0)
			return;
	gotmpl_fail(p->err, v->start, v->end, "undefined variable `%.*s`: declare it with `{{ %.*s := ... }}` first",
		    (int)tlen(v), p->s + v->start, (int)tlen(v), p->s + v->start);
}

static void function(parser *p, const gtok *t)
{
	const char *const *funcs = dialects[p->dialect].funcs;
	size_t n = dialects[p->dialect].nfuncs;
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)tlen(t), p->s + t->start);
	for (size_t i = 0; i < n; i++)
		if (strcmp(funcs[i], name) == 0)
			return;
	gotmpl_fail(p->err, t->start, t->end, "function `%s` is not defined in %s", name, dialects[p->dialect].name);
	const char *best = opsc_suggest(name, funcs, n);
	snprintf(p->err->hint, sizeof p->err->hint, "%s", best ? best : "");
}

static void literal(parser *p, const gtok *t)
{
	char buf[sizeof p->err->message];
	bool ok = t->kind == G_STRING || t->kind == G_RAWSTRING
			  ? gotmpl_quoted(p->s + t->start, tlen(t), buf, sizeof buf)
			  : gotmpl_number(p->s + t->start, tlen(t), t->kind, buf, sizeof buf);
	if (!ok)
		gotmpl_fail(p->err, t->start, t->end, "%s", buf);
}

static bool pipeline(parser *p, const char *context, gtok_kind end);

/* term: a literal, `.`, nil, a variable, a field, a function or a
 * parenthesised pipeline; G_EOF when the token starts none. */
static gtok_kind term(parser *p)
{
	const gtok *t = next_ns(p);
	switch (t->kind) {
	case G_IDENT: function(p, t); break;
	case G_VARIABLE: use_var(p, t); break;
	case G_DOT: case G_NIL: case G_FIELD: case G_BOOL: break;
	case G_CHARCONST: case G_COMPLEX: case G_NUMBER: case G_STRING: case G_RAWSTRING: literal(p, t); break;
	case G_LPAREN:
		if (deeper(p, t))
			pipeline(p, "parenthesized pipeline", G_RPAREN);
		p->depth--;
		break;
	default: backup(p); return G_EOF;
	}
	return t->kind;
}

static bool constant(gtok_kind k)
{
	return k == G_BOOL || k == G_DOT || k == G_NIL || k == G_NUMBER || k == G_CHARCONST || k == G_COMPLEX ||
	       k == G_STRING || k == G_RAWSTRING;
}

/* operand: term .Field... */
static gtok_kind operand(parser *p)
{
	uint32_t from = peek(p)->start;
	gtok_kind k = term(p);
	if (k == G_EOF || failed(p) || peek(p)->kind != G_FIELD)
		return k;
	const gtok *f = peek(p);
	while (peek(p)->kind == G_FIELD)
		next(p);
	if (constant(k))
		gotmpl_fail(p->err, f->start, f->end, "unexpected `.` after the constant `%.*s`: only a field, a "
			    "variable or a pipeline in ( ) has fields", (int)(f->start - from), p->s + from);
	return k;
}

/* command: operand { operand }; *first the kind of the first. The
 * pipeline calls it only at a token that starts an operand, so a command
 * is never empty. */
static void command(parser *p, gtok_kind *first)
{
	for (uint32_t nargs = 0;;) {
		peek_ns(p);
		gtok_kind k = operand(p);
		if (failed(p))
			return;
		if (k != G_EOF && nargs++ == 0)
			*first = k;
		const gtok *t = next(p);
		if (t->kind == G_SPACE)
			continue;
		if (t->kind == G_RDELIM || t->kind == G_RPAREN)
			backup(p);
		else if (t->kind != G_PIPE)
			unexpected(p, t, "operand");
		break;
	}
}

/* The declarations of a pipeline: $x := / $x = / range $i, $e := */
static void declarations(parser *p, const char *context)
{
	for (uint32_t ndecl = 0; peek_ns(p)->kind == G_VARIABLE;) {
		uint32_t back = p->pos;
		const gtok *v = next(p);
		const gtok *nx = peek_ns(p);
		if (nx->kind == G_ASSIGN || nx->kind == G_DECLARE) {
			next_ns(p);
			declare(p, v);
			return;
		}
		if (nx->kind == G_CHAR && p->s[nx->start] == ',') {
			next_ns(p);
			declare(p, v);
			gtok_kind k = peek_ns(p)->kind;
			bool range = strcmp(context, "range") == 0 && ++ndecl < 2;
			if (range && (k == G_VARIABLE || k == G_RDELIM || k == G_RPAREN))
				continue;
			if (range)
				gotmpl_fail(p->err, nx->start, nx->end, "range can only initialize variables");
			else
				gotmpl_fail(p->err, nx->start, nx->end, "too many declarations in %s", context);
			return;
		}
		p->pos = back;
		return;
	}
}

/* pipeline: [declarations] command { '|' command }, up to `end` */
static bool pipeline(parser *p, const char *context, gtok_kind end)
{
	uint32_t action = peek(p)->action;
	declarations(p, context);
	uint32_t ncmds = 0, stage = 0, stage_start = 0, stage_end = 0;
	while (!failed(p)) {
		const gtok *t = next_ns(p);
		if (t->kind == end) {
			if (ncmds == 0)
				gotmpl_fail(p->err, action, t->end, "missing value for %s", context);
			else if (stage)
				gotmpl_fail(p->err, stage_start, stage_end,
					    "non executable command in pipeline stage %u: only a function, a field "
					    "or a method takes the value piped into it", stage);
			return !failed(p);
		}
		switch (t->kind) {
		case G_BOOL: case G_CHARCONST: case G_COMPLEX: case G_DOT: case G_FIELD: case G_IDENT:
		case G_NUMBER: case G_NIL: case G_RAWSTRING: case G_STRING: case G_VARIABLE: case G_LPAREN: {
			backup(p);
			gtok_kind first = G_EOF;
			command(p, &first);
			if (ncmds++ > 0 && constant(first) && !stage) {
				stage = ncmds;
				stage_start = t->start;
				stage_end = t->end;
			}
			break;
		}
		default:
			unexpected(p, t, context);
		}
	}
	return false;
}

/* -------------------------------------------------------------- control */

static node_kind text_or_action(parser *p);

/* Items up to {{end}} or {{else}}; `opener` is the action that needs it. */
static node_kind item_list(parser *p, const gtok *opener, const char *what)
{
	while (!failed(p) && peek_ns(p)->kind != G_EOF) {
		node_kind n = text_or_action(p);
		if (n != N_NODE)
			return n;
	}
	if (!failed(p))
		gotmpl_fail(p->err, opener->action, opener->end, "`{{%s}}` is not closed: expected `{{end}}` before the end of the text", what);
	return N_NODE;
}

/* if / range / with: pipeline, items, [else items], end */
/* if / range / with: pipeline, items, [else items], end. A chain of
 * {{else if}} is closed by one {{end}}: a loop, not a recursion. Variables
 * declared anywhere inside stay in scope until that {{end}}. */
static void control(parser *p, const gtok *opener, bool else_if, const char *context)
{
	uint32_t nvars = p->nvars;
	bool range = strcmp(context, "range") == 0;
	bool go = deeper(p, opener);
	while (go && pipeline(p, context, G_RDELIM)) {
		p->range_depth += range;
		node_kind n = item_list(p, opener, context);
		p->range_depth -= range;
		if (n == N_ELSE && else_if && peek(p)->kind == G_IF) {
			opener = next(p);
			continue;
		}
		if (n == N_ELSE && item_list(p, opener, context) == N_ELSE && !failed(p))
			gotmpl_fail(p->err, p->last_start, p->last_end, "expected `{{end}}`, found a second `{{else}}`");
		break;
	}
	p->nvars = nvars;
	p->depth--;
}

/* {{end}} or {{else}}: the action's extent is remembered for messages. */
static node_kind end_or_else(parser *p, const gtok *kw, node_kind n)
{
	if (n == N_ELSE && peek_ns(p)->kind == G_IF) {
		p->last_start = kw->action;
		p->last_end = kw->end;
		return n; /* {{else if}}: the `if` is left pending */
	}
	const gtok *r = expect(p, G_RDELIM, n == N_END ? "end" : "else");
	p->last_start = kw->action;
	p->last_end = r->end;
	return n;
}

static const gtok *template_name(parser *p, const char *context)
{
	const gtok *t = next_ns(p);
	if (t->kind == G_STRING || t->kind == G_RAWSTRING)
		literal(p, t);
	else
		unexpected(p, t, context);
	return t;
}

/* parse.go's add(): a second non-empty definition of a name is an error.
 * Names are compared as written between their quotes. */
static void define(parser *p, const gtok *name, bool empty)
{
	gvar n = { p->s + name->start + 1, tlen(name) - 2 };
	for (uint32_t i = 0; i < p->ndefs && !empty; i++)
		if (p->defs[i].n == n.n && memcmp(p->defs[i].s, n.s, n.n) == 0)
			gotmpl_fail(p->err, name->start, name->end, "multiple definition of template %.*s",
				    (int)tlen(name), p->s + name->start);
	if (!empty && p->ndefs < MAX_DEFS)
		p->defs[p->ndefs++] = n;
}

/* A body parsed as its own template (define, block): only `$` is in
 * scope, and no range encloses it. */
static void body(parser *p, const gtok *opener, const gtok *name, const char *context)
{
	uint32_t nvars = p->nvars, base = p->base;
	int range_depth = p->range_depth;
	p->base = p->nvars;
	push_var(p, (gvar){ "$", 1 }, opener);
	p->range_depth = 0;
	p->nonempty = false;
	const char *what = opener->kind == G_BLOCK ? "block" : "define";
	if (deeper(p, opener) && item_list(p, opener, what) == N_ELSE && !failed(p))
		gotmpl_fail(p->err, p->last_start, p->last_end, "unexpected `{{else}}` in %s", context);
	if (!failed(p))
		define(p, name, !p->nonempty);
	p->nonempty = true;
	p->depth--;
	p->range_depth = range_depth;
	p->nvars = nvars;
	p->base = base;
}

static void block_control(parser *p, const gtok *opener)
{
	const gtok *name = template_name(p, "block clause");
	if (!failed(p) && pipeline(p, "block clause", G_RDELIM))
		body(p, opener, name, "block clause");
}

static void template_control(parser *p)
{
	template_name(p, "template clause");
	if (failed(p))
		return;
	if (next_ns(p)->kind != G_RDELIM) {
		backup(p);
		pipeline(p, "template clause", G_RDELIM);
	}
}

static void break_control(parser *p, const gtok *kw)
{
	const gtok *t = next_ns(p);
	if (t->kind != G_RDELIM) {
		unexpected(p, t, kw->kind == G_BREAK ? "{{break}}" : "{{continue}}");
		return;
	}
	if (p->range_depth == 0)
		gotmpl_fail(p->err, kw->action, t->end, "`{{%s}}` outside `{{range}}`",
			    kw->kind == G_BREAK ? "break" : "continue");
}

/* action: a control structure or a pipeline, after {{ */
static node_kind action(parser *p)
{
	const gtok *t = next_ns(p);
	switch (t->kind) {
	case G_BLOCK: block_control(p, t); break;
	case G_BREAK: case G_CONTINUE: break_control(p, t); break;
	case G_ELSE: return end_or_else(p, t, N_ELSE);
	case G_END: return end_or_else(p, t, N_END);
	case G_IF: control(p, t, true, "if"); break;
	case G_RANGE: control(p, t, false, "range"); break;
	case G_WITH: control(p, t, false, "with"); break;
	case G_TEMPLATE: template_control(p); break;
	default:
		backup(p);
		pipeline(p, "command", G_RDELIM);
	}
	return N_NODE;
}

static node_kind text_or_action(parser *p)
{
	const gtok *t = next_ns(p);
	if (t->kind == G_TEXT) {
		for (uint32_t i = t->start; i < t->end && !p->nonempty; i++)
			p->nonempty = p->s[i] == 0 || !strchr(" \t\r\n\v\f", p->s[i]);
		return N_NODE;
	}
	if (t->kind == G_LDELIM) {
		node_kind n = action(p);
		p->nonempty |= n == N_NODE;
		return n;
	}
	if (t->kind == G_IF) /* after {{else in a range or with */
		gotmpl_fail(p->err, t->start, t->end, "`{{else if}}` continues only an `{{if}}`: write "
			    "`{{else}}{{if ...}}...{{end}}`");
	else
		unexpected(p, t, "the text");
	return N_NODE;
}

/* {{define "name"}} items {{end}}: only at the top level */
static void definition(parser *p, const gtok *opener)
{
	const gtok *name = template_name(p, "define clause");
	if (!failed(p))
		expect(p, G_RDELIM, "define clause");
	if (!failed(p))
		body(p, opener, name, "define clause");
}

static void parse(parser *p)
{
	while (!failed(p) && peek(p)->kind != G_EOF) {
		if (peek(p)->kind == G_LDELIM) {
			uint32_t at = p->pos;
			next(p);
			const gtok *kw = next_ns(p);
			if (kw->kind == G_DEFINE) {
				definition(p, kw);
				continue;
			}
			p->pos = at;
		}
		if (text_or_action(p) != N_NODE && !failed(p))
			gotmpl_fail(p->err, p->last_start, p->last_end, "unexpected `%.*s`: no `{{if}}`, `{{range}}`, "
				    "`{{with}}`, `{{define}}` or `{{block}}` is open", (int)(p->last_end - p->last_start),
				    p->s + p->last_start);
	}
}

bool opsc_gotmpl_check(const char *text, uint32_t len, opsc_gotmpl_dialect dialect, opsc_gotmpl_error *err)
{
	memset(err, 0, sizeof *err);
	opsc_gotmpl_error lexerr = { 0 };
	gtok_list toks = { 0 };
	gotmpl_lex(text, len, &toks, &lexerr);
	parser *p = opsc_malloc(sizeof *p); /* its variables are too many for the stack of a fuzzer */
	*p = (parser){ .s = text, .toks = toks.items, .ntoks = toks.len, .dialect = dialect, .err = err, .lexerr = &lexerr };
	p->vars[p->nvars++] = (gvar){ "$", 1 };
	for (size_t i = 0; i < dialects[dialect].nvars; i++)
		p->vars[p->nvars++] = (gvar){ dialects[dialect].vars[i], (uint32_t)strlen(dialects[dialect].vars[i]) };
	parse(p);
	if (err->end > len) /* an error at the end of the text */
		err->end = len;
	if (err->start > err->end)
		err->start = err->end;
	opsc_free(p);
	opsc_array_free(&toks);
	return err->message[0] == 0;
}
