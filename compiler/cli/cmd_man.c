/*
 * cmd_man.c - the man pages, in roff (`opsc __man PAGE`, run by meson at
 * build time; installed by `meson install`): opsc(1) and opsc-COMMAND(1)
 * from the same command and option tables as --help, and opsc-language(5)
 * from the block schemas (man_language.c).
 */
#include <ctype.h>
#include <string.h>

#include "cli.h"
#include "man_int.h"

static void put_option(FILE *out, const opsc_option *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	opsc_man_roff(out, o->name, strlen(o->name));
	fputs("\\fR", out);
	if (o->arg) {
		fputs(" \\fI", out);
		opsc_man_roff(out, o->arg, strlen(o->arg));
		fputs("\\fR", out);
	}
	fputc('\n', out);
	opsc_man_line(out, o->help);
}

static void command_page(FILE *out, const opsc_command *c, const opsc_command *const *cmds)
{
	char page[64];
	snprintf(page, sizeof page, "opsc-%s", c->name);
	opsc_man_header(out, page, 1, c->summary);
	fputs(".SH SYNOPSIS\n", out);
	for (const char *s = c->synopsis; *s;) {
		size_t n = strcspn(s, "\n");
		fprintf(out, "%s\\fBopsc %s\\fR ", s == c->synopsis ? "" : ".br\n", c->name);
		opsc_man_roff(out, s, n);
		fputc('\n', out);
		s += n + (s[n] == '\n');
	}
	fputs(".SH DESCRIPTION\n", out);
	opsc_man_paragraphs(out, c->description);
	fputs(".SH OPTIONS\n", out);
	for (const opsc_option *o = c->options; o->id; o++) {
		if (o->section) {
			fputs(".SS ", out);
			opsc_man_line(out, o->section);
		}
		put_option(out, o);
	}
	fputs(".SH EXIT STATUS\n", out);
	opsc_man_line(out, c->exit_status);
	fputs(".SH SEE ALSO\n.BR opsc (1)", out);
	for (size_t i = 0; cmds[i]; i++)
		if (cmds[i] != c)
			fprintf(out, ",\n.BR opsc\\-%s (1)", cmds[i]->name);
	fputs(",\n.BR opsc\\-language (5)\n", out);
}

static void main_page(FILE *out, const opsc_command *const *cmds)
{
	opsc_man_header(out, "opsc", 1, "a GitOps policy-as-code compiler");
	fputs(".SH SYNOPSIS\n"
	      "\\fBopsc\\fR [\\fB\\-\\-help\\fR] [\\fB\\-\\-version\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n"
	      ".SH DESCRIPTION\n",
	      out);
	opsc_man_paragraphs(out, opsc_cli_about);
	fputs("The language is described in\n.BR opsc\\-language (5).\n"
	      ".PP\n"
	      "Run \\fBopsc\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR for the options of a command.\n"
	      ".SH COMMANDS\n",
	      out);
	for (size_t i = 0; cmds[i]; i++) {
		fprintf(out, ".TP\n.BR opsc\\-%s (1)\n", cmds[i]->name);
		opsc_man_line(out, cmds[i]->summary);
	}
	fputs(".SH EXIT STATUS\n", out);
	opsc_man_line(out, opsc_cli_exit_status);
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
	if (strcmp(name, "language") == 0) {
		opsc_man_language(out);
		return 0;
	}
	for (size_t i = 0; cmds[i]; i++)
		if (strcmp(name, cmds[i]->name) == 0) {
			command_page(out, cmds[i], cmds);
			return 0;
		}
	return -1;
}
