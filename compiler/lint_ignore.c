/*
 * lint_ignore.c - inline `opsc:ignore[rule] reason` suppressions (see
 * lint_ignore.h).
 */
#define _GNU_SOURCE /* memmem */
#include "lint_ignore.h"

#include <string.h>

static bool blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t')
			return false;
	return true;
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
	return blank(p, end) ? OPSC_IGNORE_UNREASONED : OPSC_IGNORE_REASONED;
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
