/*
 * cmd_man.c - the man pages opsc(1) and opsc-COMMAND(1), in roff, from the
 * same command and option tables as --help (`opsc __man PAGE`, run by meson
 * at build time; installed by `meson install`). opsc-language(5) is
 * written by hand (docs/opsc-language.5): it has no table to come from.
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"

/* Text in roff: a backslash and a minus escaped, and a line that would
 * start with a control character protected. */
static void put_roff(FILE *out, const char *s, size_t n)
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

static void put_roff_line(FILE *out, const char *s)
{
	put_roff(out, s, strlen(s));
	fputc('\n', out);
}

/* Paragraphs separated by blank lines; a paragraph whose lines are indented
 * by two spaces is an example, kept as written. */
static void put_paragraphs(FILE *out, const char *s)
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
			put_roff(out, verbatim ? s + 2 : s, verbatim ? n - 2 : n);
			fputc('\n', out);
		}
		if (verbatim)
			fputs(".RE\n.fi\n", out);
	}
}

static void put_header(FILE *out, const char *page, const char *summary)
{
	fputs(".TH ", out);
	for (const char *p = page; *p; p++)
		*p == '-' ? fputs("\\-", out) : fputc(toupper((unsigned char)*p), out);
	fprintf(out, " 1 \"\" \"opsc %s\" \"opsc manual\"\n.SH NAME\n", OPSC_VERSION);
	put_roff(out, page, strlen(page));
	fputs(" \\- ", out);
	put_roff_line(out, summary);
}

static void put_option(FILE *out, const opsc_option *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	put_roff(out, o->name, strlen(o->name));
	fputs("\\fR", out);
	if (o->arg) {
		fputs(" \\fI", out);
		put_roff(out, o->arg, strlen(o->arg));
		fputs("\\fR", out);
	}
	fputc('\n', out);
	put_roff_line(out, o->help);
}

static void command_page(FILE *out, const opsc_command *c, const opsc_command *const *cmds)
{
	char page[64];
	snprintf(page, sizeof page, "opsc-%s", c->name);
	put_header(out, page, c->summary);
	fputs(".SH SYNOPSIS\n", out);
	for (const char *s = c->synopsis; *s;) {
		size_t n = strcspn(s, "\n");
		fprintf(out, "%s\\fBopsc %s\\fR ", s == c->synopsis ? "" : ".br\n", c->name);
		put_roff(out, s, n);
		fputc('\n', out);
		s += n + (s[n] == '\n');
	}
	fputs(".SH DESCRIPTION\n", out);
	put_paragraphs(out, c->description);
	fputs(".SH OPTIONS\n", out);
	for (const opsc_option *o = c->options; o->id; o++) {
		if (o->section) {
			fputs(".SS ", out);
			put_roff_line(out, o->section);
		}
		put_option(out, o);
	}
	fputs(".SH EXIT STATUS\n", out);
	put_roff_line(out, c->exit_status);
	fputs(".SH SEE ALSO\n.BR opsc (1)", out);
	for (size_t i = 0; cmds[i]; i++)
		if (cmds[i] != c)
			fprintf(out, ",\n.BR opsc\\-%s (1)", cmds[i]->name);
	fputs(",\n.BR opsc\\-language (5)\n", out);
}

static void main_page(FILE *out, const opsc_command *const *cmds)
{
	put_header(out, "opsc", "a GitOps policy-as-code compiler");
	fputs(".SH SYNOPSIS\n"
	      "\\fBopsc\\fR [\\fB\\-\\-help\\fR] [\\fB\\-\\-version\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n"
	      ".SH DESCRIPTION\n",
	      out);
	put_paragraphs(out, opsc_cli_about);
	fputs("The language is described in\n.BR opsc\\-language (5).\n"
	      ".PP\n"
	      "Run \\fBopsc\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR for the options of a command.\n"
	      ".SH COMMANDS\n",
	      out);
	for (size_t i = 0; cmds[i]; i++) {
		fprintf(out, ".TP\n.BR opsc\\-%s (1)\n", cmds[i]->name);
		put_roff_line(out, cmds[i]->summary);
	}
	fputs(".SH EXIT STATUS\n", out);
	put_roff_line(out, opsc_cli_exit_status);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B NO_COLOR\nWhen set, diagnostics are never coloured (they are only on a terminal).\n"
	      ".TP\n.B GITHUB_STEP_SUMMARY\n\\fBopsc lint\\fR appends a markdown table of its findings to this file.\n"
	      ".TP\n.B TZDIR\nThe tz database time zones are checked against (default /usr/share/zoneinfo).\n"
	      ".SH SEE ALSO\n",
	      out);
	for (size_t i = 0; cmds[i]; i++)
		fprintf(out, ".BR opsc\\-%s (1),\n", cmds[i]->name);
	fputs(".BR opsc\\-language (5)\n", out);
}

int opsc_cli_man(FILE *out, const char *page, const opsc_command *const *cmds)
{
	if (strcmp(page, "opsc") == 0) {
		main_page(out, cmds);
		return 0;
	}
	const char *name = strncmp(page, "opsc-", 5) == 0 ? page + 5 : page; /* opsc-build or build */
	for (size_t i = 0; cmds[i]; i++)
		if (strcmp(name, cmds[i]->name) == 0) {
			command_page(out, cmds[i], cmds);
			return 0;
		}
	return -1;
}
