/*
 * lint_ignore.c - inline `opsc:ignore[rule] reason` suppressions (see
 * lint_ignore.h).
 */
#define _GNU_SOURCE /* memmem */
#include "ignore.h"

#include <string.h>

static bool blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t')
			return false;
	return true;
}

/* The end of a comment that opened before `opsc:ignore` (C's, HTML's)
 * is no reason. */
static bool reason_blank(const char *p, const char *end)
{
	static const char *const closers[] = { "*/", "-->" };
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
		size_t n = strlen(closers[i]);
		if ((size_t)(end - p) >= n && memcmp(end - n, closers[i], n) == 0)
			end -= n;
	}
	return blank(p, end);
}

/* Whether the comma-separated list [p, end) names `rule`. */
static bool names(const char *p, const char *end, const char *rule)
{
	size_t rl = strlen(rule);
	while (p < end) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		const char *s = p;
		while (p < end && *p != ',' && *p != ' ')
			p++;
		if ((size_t)(p - s) == rl && memcmp(s, rule, rl) == 0)
			return true;
	}
	return false;
}

opsc_ignore_kind opsc_lint_ignore_line(const char *line, size_t len, const char *rule, uint32_t *col)
{
	const char *p = memmem(line, len, "opsc:ignore", 11);
	const char *end = line + len;
	if (!p)
		return OPSC_IGNORE_NONE;
	*col = (uint32_t)(p - line) + 1;
	p += 11;
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (!close || !names(p + 1, close, rule))
			return OPSC_IGNORE_NONE;
		p = close + 1;
	}
	return reason_blank(p, end) ? OPSC_IGNORE_UNREASONED : OPSC_IGNORE_REASONED;
}

static opsc_ignore_kind on_line(const opsc_source *src, uint32_t line, const char *rule, uint32_t *col)
{
	uint32_t len;
	const char *text = opsc_source_line(src, line, &len);
	return opsc_lint_ignore_line(text, len, rule, col);
}

opsc_ignore_kind opsc_lint_ignore_find(const opsc_source *src, uint32_t line, const char *rule,
				       uint32_t *at_line, uint32_t *col)
{
	opsc_ignore_kind k = on_line(src, line, rule, col);
	*at_line = line;
	if (k == OPSC_IGNORE_NONE && line > 1) {
		k = on_line(src, line - 1, rule, col);
		*at_line = line - 1;
	}
	return k;
}

/* Line `line` (1-based) of `text`, NULL past its end. */
static const char *text_line(const char *text, size_t len, uint32_t line, size_t *out_len)
{
	const char *p = text, *end = text + len;
	for (uint32_t l = 1; l < line && p; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : NULL;
	}
	if (!p || p > end)
		return NULL;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*out_len = (size_t)((nl ? nl : end) - p);
	return p;
}

opsc_ignore_kind opsc_lint_ignore_find_text(const char *text, size_t len, uint32_t line, const char *rule,
					    uint32_t *at_line, uint32_t *col)
{
	opsc_ignore_kind k = OPSC_IGNORE_NONE;
	for (uint32_t l = line; k == OPSC_IGNORE_NONE && l >= 1 && l + 1 >= line; l--) {
		size_t n;
		const char *s = text_line(text, len, l, &n);
		k = s ? opsc_lint_ignore_line(s, n, rule, col) : OPSC_IGNORE_NONE;
		*at_line = l;
	}
	return k;
}
