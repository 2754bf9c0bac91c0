/*
 * yamldoc_write.c - a located node tree written back as block YAML (see
 * yamldoc.h), so that a rendered object can be read by another YAML reader
 * and compared with what another tool renders.
 *
 * A node keeps its scalar style, not a resolved type, so the writer keeps
 * what decides the type: a plain scalar stays plain when it can (it then
 * reads back as the same number, boolean, null or string), every other
 * scalar is written double-quoted and reads back as the string it holds.
 */
#include "yamldoc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Characters a plain scalar cannot start with (YAML's indicators). */
static const char plain_bad_start[] = "?:,[]{}#&*!|>'\"%@` ";

/* Whether `s` (n bytes) written plain reads back as the same plain scalar. */
static bool plain_safe(const char *s, uint32_t n)
{
	if (!n || strlen(s) != n)
		return false;
	if (strchr(plain_bad_start, s[0]) && !((s[0] == '?' || s[0] == ':') && n > 1 && s[1] != ' '))
		return false;
	if (s[0] == '-' && (n == 1 || s[1] == ' '))
		return false;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (n >= 3 && (strncmp(s, "---", 3) == 0 || strncmp(s, "...", 3) == 0))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || (c == ':' && s[i + 1] == ' ') || (c == ' ' && s[i + 1] == '#'))
			return false;
	}
	return true;
}

/* Whether a quoted `s` may be written plain: it starts with a letter, '/'
 * or '_', so no reader takes it for a number, and it is none of the words
 * YAML 1.1 or 1.2 read as a boolean or null. */
static bool plain_string(const char *s, uint32_t n)
{
	static const char *const words[] = { "y", "yes", "n", "no", "true", "false", "on", "off", "null" };
	unsigned char c = (unsigned char)s[0];
	bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (!plain_safe(s, n) || (!letter && c != '/' && c != '_'))
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	return true;
}

static void write_quoted(FILE *out, const char *s, uint32_t n)
{
	fputc('"', out);
	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static bool tagged(const opsc_yamldoc_node *n, const char *type)
{
	return n->tag && strncmp(n->tag, "tag:yaml.org,2002:", 18) == 0 && strcmp(n->tag + 18, type) == 0;
}

static void write_scalar(FILE *out, const opsc_yamldoc_node *n)
{
	const char *v = n->scalar.value;
	uint32_t len = n->scalar.len;
	bool plain = n->scalar.style == OPSC_YAMLDOC_PLAIN && !tagged(n, "str");
	if (plain && !len)
		fputs("null", out); /* `key:` */
	else if (plain ? plain_safe(v, len) : plain_string(v, len))
		fwrite(v, 1, len, out);
	else
		write_quoted(out, v, len);
}

static bool is_empty(const opsc_yamldoc_node *n)
{
	return (n->kind == OPSC_YAMLDOC_MAPPING && !n->mapping.len) ||
	       (n->kind == OPSC_YAMLDOC_SEQUENCE && !n->sequence.len);
}

/* A scalar, an empty collection ({} or []) or null, on the current line. */
static void write_inline(FILE *out, const opsc_yamldoc_node *n)
{
	if (!n)
		fputs("null", out);
	else if (n->kind == OPSC_YAMLDOC_SCALAR)
		write_scalar(out, n);
	else
		fputs(n->kind == OPSC_YAMLDOC_MAPPING ? "{}" : "[]", out);
}

/* `n` at `indent`; `inline_start`: the line already holds "- " for it. */
static void write_node(FILE *out, const opsc_yamldoc_node *n, int indent, bool inline_start, uint32_t depth)
{
	if (!n || depth > OPSC_YAMLDOC_MAX_DEPTH) {
		fputs("null\n", out);
		return;
	}
	uint32_t len = n->kind == OPSC_YAMLDOC_MAPPING ? n->mapping.len : n->sequence.len;
	for (uint32_t i = 0; i < len; i++) {
		if (i || !inline_start)
			fprintf(out, "%*s", indent, "");
		const opsc_yamldoc_node *v;
		if (n->kind == OPSC_YAMLDOC_MAPPING) {
			const opsc_yamldoc_node *key = n->mapping.pairs[i].key;
			if (key && key->kind == OPSC_YAMLDOC_SCALAR)
				write_scalar(out, key);
			else
				fputs("\"?\"", out); /* a collection as a key: no Kubernetes object has one */
			fputc(':', out);
			v = n->mapping.pairs[i].value;
		} else {
			fputc('-', out);
			v = n->sequence.items[i];
		}
		if (!v || v->kind == OPSC_YAMLDOC_SCALAR || is_empty(v)) {
			fputc(' ', out);
			write_inline(out, v);
			fputc('\n', out);
		} else if (n->kind == OPSC_YAMLDOC_SEQUENCE) {
			fputc(' ', out);
			write_node(out, v, indent + 2, true, depth + 1);
		} else {
			fputc('\n', out);
			write_node(out, v, v->kind == OPSC_YAMLDOC_MAPPING ? indent + 2 : indent, false, depth + 1);
		}
	}
}

void opsc_yamldoc_write(FILE *out, const opsc_yamldoc_node *doc)
{
	if (!doc || doc->kind == OPSC_YAMLDOC_SCALAR || is_empty(doc)) {
		write_inline(out, doc);
		fputc('\n', out);
	} else {
		write_node(out, doc, 0, false, 0);
	}
}
