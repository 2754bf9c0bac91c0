/*
 * man_roff.c - writing roff for the man pages: escapes, paragraphs, code
 * spans and the header every page starts with.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"
#include "man_int.h"

/* Text in roff: a backslash and a minus escaped, and a line that would
 * start with a control character protected. */
void opsc_man_roff(FILE *out, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
}

void opsc_man_line(FILE *out, const char *s)
{
	opsc_man_roff(out, s, strlen(s));
	fputc('\n', out);
}

void opsc_man_text(FILE *out, const char *s, char font)
{
	const char *tick, *end;
	while ((tick = strchr(s, '`')) && (end = strchr(tick + 1, '`'))) {
		opsc_man_roff(out, s, (size_t)(tick - s));
		fputs("\\fB", out);
		opsc_man_roff(out, tick + 1, (size_t)(end - tick - 1));
		fprintf(out, "\\f%c", font);
		s = end + 1;
	}
	opsc_man_roff(out, s, strlen(s));
}

/* Paragraphs separated by blank lines; a paragraph whose lines are indented
 * by two spaces is an example, kept as written. */
void opsc_man_paragraphs(FILE *out, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		if (n == 0) {
			s++;
			continue;
		}
		bool verbatim = strncmp(s, "  ", 2) == 0;
		fputs(verbatim ? ".PP\n.nf\n.RS 4\n" : ".PP\n", out);
		for (; *s && *s != '\n'; s += n + (s[n] == '\n'), n = strcspn(s, "\n")) {
			opsc_man_roff(out, verbatim ? s + 2 : s, verbatim ? n - 2 : n);
			fputc('\n', out);
		}
		if (verbatim)
			fputs(".RE\n.fi\n", out);
	}
}

void opsc_man_header(FILE *out, const char *page, int section, const char *summary)
{
	fputs(".TH ", out);
	for (const char *p = page; *p; p++)
		*p == '-' ? fputs("\\-", out) : fputc(toupper((unsigned char)*p), out);
	fprintf(out, " %d \"\" \"opsc %s\" \"opsc manual\"\n.SH NAME\n", section, OPSC_VERSION);
	opsc_man_roff(out, page, strlen(page));
	fputs(" \\- ", out);
	opsc_man_line(out, summary);
}
