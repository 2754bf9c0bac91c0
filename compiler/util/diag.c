#include "diag.h"

#include "escape.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void opsc_diags_init(opsc_diags *diags, opsc_arena *arena)
{
	memset(diags, 0, sizeof(*diags));
	diags->arena = arena;
}

void opsc_diags_dispose(opsc_diags *diags)
{
	for (uint32_t i = 0; i < diags->items.len; i++)
		opsc_array_free(&diags->items.items[i].notes);
	opsc_array_free(&diags->items);
}

static uint32_t vadd(opsc_diags *diags, opsc_severity sev, const char *code, opsc_span span,
		     const char *fmt, va_list ap)
{
	opsc_diag d = { 0 };
	d.code = code;
	d.severity = sev;
	d.span = span;
	d.message = opsc_arena_vprintf(diags->arena, fmt, ap);
	if (sev == OPSC_SEV_ERROR)
		diags->errors++;
	else if (sev == OPSC_SEV_WARNING)
		diags->warnings++;
	opsc_array_push(&diags->items, d);
	return diags->items.len - 1;
}

uint32_t opsc_diag_add(opsc_diags *diags, opsc_severity sev, const char *code, opsc_span span,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint32_t i = vadd(diags, sev, code, span, fmt, ap);
	va_end(ap);
	return i;
}

uint32_t opsc_diag_error(opsc_diags *diags, const char *code, opsc_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint32_t i = vadd(diags, OPSC_SEV_ERROR, code, span, fmt, ap);
	va_end(ap);
	return i;
}

uint32_t opsc_diag_warning(opsc_diags *diags, const char *code, opsc_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	uint32_t i = vadd(diags, OPSC_SEV_WARNING, code, span, fmt, ap);
	va_end(ap);
	return i;
}

void opsc_diag_add_note(opsc_diags *diags, uint32_t diag, opsc_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	opsc_diag_note n = { span, opsc_arena_vprintf(diags->arena, fmt, ap) };
	va_end(ap);
	opsc_array_push(&diags->items.items[diag].notes, n);
}

void opsc_diag_help(opsc_diags *diags, uint32_t diag, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diags->items.items[diag].help = opsc_arena_vprintf(diags->arena, fmt, ap);
	va_end(ap);
}

/* The bytes of `span` on its first line, and whether they are quoted. */
static const char *span_text(const opsc_sources *sources, const opsc_span *span, uint32_t *len, bool *quoted)
{
	const opsc_source *src = opsc_sources_get(sources, span->file);
	if (!src || span->end <= span->start || span->end > src->len)
		return NULL;
	const char *s = src->text + span->start, *nl = memchr(s, '\n', span->end - span->start);
	*len = nl ? (uint32_t)(nl - s) : span->end - span->start;
	*quoted = *len >= 2 && s[0] == '"' && s[*len - 1] == '"';
	return s;
}

const char *opsc_diag_redacted(opsc_arena *arena, const opsc_sources *sources, const opsc_span *span)
{
	uint32_t len;
	bool q;
	const char *s = span_text(sources, span, &len, &q);
	if (!s)
		return opsc_esc_redact(arena, "", 0);
	return opsc_esc_redact(arena, s + q, len - 2 * q);
}

bool opsc_diags_only_errors(const opsc_diags *diags, const char *code)
{
	for (uint32_t i = 0; i < diags->items.len; i++)
		if (diags->items.items[i].severity == OPSC_SEV_ERROR && strcmp(diags->items.items[i].code, code) != 0)
			return false;
	return diags->errors > 0;
}

/* Stable merge sort: diagnostics are few, and order of ties must be kept. */
static int span_cmp(const opsc_span *a, const opsc_span *b)
{
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return 0;
}

void opsc_diags_sort(opsc_diags *diags)
{
	uint32_t n = diags->items.len;
	opsc_diag *a = diags->items.items;
	for (uint32_t i = 1; i < n; i++) {
		opsc_diag d = a[i];
		uint32_t j = i;
		while (j > 0 && span_cmp(&a[j - 1].span, &d.span) > 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = d;
	}
}

/* Drops a diagnostic equal to the one before it (same place, code and
 * message): a value read twice must not be reported twice. Call sorted. */
void opsc_diags_dedupe(opsc_diags *diags)
{
	uint32_t out = 0;
	for (uint32_t i = 0; i < diags->items.len; i++) {
		opsc_diag *d = &diags->items.items[i];
		const opsc_diag *p = out ? &diags->items.items[out - 1] : NULL;
		if (p && p->span.file == d->span.file && p->span.start == d->span.start &&
		    p->span.end == d->span.end && p->severity == d->severity && strcmp(p->message, d->message) == 0) {
			diags->errors -= d->severity == OPSC_SEV_ERROR;
			diags->warnings -= d->severity == OPSC_SEV_WARNING;
			opsc_array_free(&d->notes);
			continue;
		}
		diags->items.items[out++] = *d;
	}
	diags->items.len = out;
}

bool opsc_diag_want_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	return isatty(fileno(out));
}

typedef struct {
	FILE *out;
	const opsc_sources *sources;
	bool color;
	const opsc_diags *diags; /* the spans of redacted ones are secrets */
} renderer;

static const char *sev_name[] = { "note", "warning", "error" };
static const char *sev_color[] = { "\x1b[1;36m", "\x1b[1;33m", "\x1b[1;31m" };

static void paint(const renderer *r, const char *esc)
{
	if (r->color)
		fputs(esc, r->out);
}

/* A source line or a message as the terminal shows it: tabs to the next
 * stop of 4, everything else through opsc_esc_text_char (controls and bytes
 * that are not UTF-8 as visible escapes). With out NULL, only the width, so
 * carets line up under what was printed. */
static uint32_t put_line(FILE *out, const char *text, uint32_t len)
{
	uint32_t col = 0;
	for (uint32_t i = 0; i < len;) {
		if (text[i] == '\t') {
			for (uint32_t next = (col / 4 + 1) * 4; col < next; col++)
				if (out)
					fputc(' ', out);
			i++;
			continue;
		}
		i += (uint32_t)opsc_esc_text_char(out, text + i, len - i, &col);
	}
	return col;
}

static uint32_t display_width(const char *s, uint32_t len)
{
	return put_line(NULL, s, len);
}

static void print_line(const renderer *r, const char *text, uint32_t len)
{
	put_line(r->out, text, len);
}

enum { MAX_SHOWN = 160 };

/* Replaces the secret at `secret` in the line being shown (it starts at
 * byte `at` of its source) by its redacted form, quotes kept, and moves
 * *span so its caret stays under what it pointed at. */
static char *redact_one(opsc_arena *a, const opsc_sources *sources, const char *line, uint32_t *len,
			uint32_t at, opsc_span *span, const opsc_span *secret)
{
	uint32_t n;
	bool q;
	const char *s = span_text(sources, secret, &n, &q);
	uint32_t before = secret->start - at;
	if (!s || secret->start < at || before + n > *len)
		return (char *)line;
	const char *shown = opsc_arena_printf(a, "%s%s%s", q ? "\"" : "", opsc_diag_redacted(a, sources, secret),
					      q ? "\"" : "");
	uint32_t after = *len - before - n, m = (uint32_t)strlen(shown);
	char *out = opsc_arena_printf(a, "%.*s%s%.*s", (int)before, line, shown, (int)after, line + before + n);
	*len = before + m + after;
	if (span->start == secret->start) {
		span->end_line = span->line;
		span->end_col = span->col + m;
	} else if (span->start >= secret->start + n) {
		span->col = span->col + m - n;
		span->end_col = span->end_line == span->line ? span->end_col + m - n : span->end_col;
	}
	return out;
}

/* The line shown for `span` with every secret on it redacted, from the last
 * to the first so the offsets of the earlier ones stay right. */
static const char *redact_line(const renderer *r, opsc_arena *a, const opsc_source *src, const char *line,
			       uint32_t *len, opsc_span *span)
{
	uint32_t at = (uint32_t)(line - src->text);
	for (uint32_t i = r->diags->items.len; i-- > 0;) {
		const opsc_diag *d = &r->diags->items.items[i];
		if (d->redact && d->span.file == span->file && d->span.line == span->line)
			line = redact_one(a, r->sources, line, len, at, span, &d->span);
	}
	return line;
}

/* The source line under a diagnostic and a caret, every secret on it
 * redacted. */
static void print_snippet(const renderer *r, const opsc_span *at, const char *underline_color)
{
	const opsc_source *src = opsc_sources_get(r->sources, at->file);
	if (!src || at->line == 0)
		return;
	uint32_t len;
	opsc_span copy = *at, *span = &copy;
	opsc_arena *tmp = opsc_arena_new();
	const char *line = opsc_source_line(src, span->line, &len);
	line = redact_line(r, tmp, src, line, &len, span);
	uint32_t col0 = span->col - 1;
	/* Long lines (minified files, 1 MB of garbage) are cut to a window. */
	uint32_t from = 0;
	if (len > MAX_SHOWN) {
		from = col0 > MAX_SHOWN / 2 ? col0 - MAX_SHOWN / 2 : 0;
		while (from > 0 && ((unsigned char)line[from] & 0xC0) == 0x80)
			from--;
		len = len - from > MAX_SHOWN ? MAX_SHOWN : len - from;
		while (len > 0 && from + len < src->len && ((unsigned char)line[from + len] & 0xC0) == 0x80)
			len--;
	}
	uint32_t rel = col0 >= from ? col0 - from : 0;
	if (rel > len)
		rel = len;
	char num[16];
	int nw = snprintf(num, sizeof num, "%u", span->line);
	paint(r, "\x1b[1;34m");
	fprintf(r->out, " %s | ", num);
	paint(r, "\x1b[0m");
	print_line(r, line + from, len);
	fputc('\n', r->out);
	paint(r, "\x1b[1;34m");
	fprintf(r->out, " %*s | ", nw, "");
	paint(r, "\x1b[0m");
	uint32_t pad = display_width(line + from, rel);
	uint32_t width = 1;
	if (span->end_line == span->line && span->end > span->start) {
		uint32_t end_rel = span->end_col - 1 - from;
		if (end_rel > len)
			end_rel = len;
		uint32_t w = display_width(line + from, end_rel);
		width = w > pad ? w - pad : 1;
	}
	for (uint32_t i = 0; i < pad; i++)
		fputc(' ', r->out);
	paint(r, underline_color);
	fputc('^', r->out);
	for (uint32_t i = 1; i < width; i++)
		fputc('~', r->out);
	paint(r, "\x1b[0m");
	fputc('\n', r->out);
	opsc_arena_free(tmp);
}

static void print_head(const renderer *r, const opsc_span *span, opsc_severity sev, const char *msg)
{
	const opsc_source *src = opsc_sources_get(r->sources, span->file);
	paint(r, "\x1b[1m");
	if (src)
		opsc_esc_text_line(r->out, src->path);
	if (src && span->line)
		fprintf(r->out, ":%u:%u: ", span->line, span->col);
	else if (src)
		fputs(": ", r->out);
	else
		fputs("opsc: ", r->out);
	paint(r, sev_color[sev]);
	fprintf(r->out, "%s:", sev_name[sev]);
	paint(r, "\x1b[0m\x1b[1m");
	fputc(' ', r->out);
	print_line(r, msg, (uint32_t)strlen(msg)); /* messages quote user text */
	paint(r, "\x1b[0m");
	fputc('\n', r->out);
}

static void render_one(const renderer *r, const opsc_diag *d)
{
	print_head(r, &d->span, d->severity, d->message);
	print_snippet(r, &d->span, sev_color[d->severity]);
	for (uint32_t i = 0; i < d->notes.len; i++) {
		const opsc_diag_note *n = &d->notes.items[i];
		print_head(r, &n->span, OPSC_SEV_NOTE, n->message);
		print_snippet(r, &n->span, sev_color[OPSC_SEV_NOTE]);
	}
	if (d->help)
		opsc_esc_printf(r->out, "  = help: %s\n", d->help);
}

void opsc_diag_render_text(FILE *out, const opsc_sources *sources, const opsc_diags *diags,
			   const opsc_render_opts *opts)
{
	renderer r = { out, sources, opts && opts->color, diags };
	for (uint32_t i = 0; i < diags->items.len; i++)
		render_one(&r, &diags->items.items[i]);
}
