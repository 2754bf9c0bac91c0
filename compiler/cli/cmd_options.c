/*
 * cmd_options.c - options of a command from its table: the parser every
 * command uses, and its --help.
 *
 *   opsc_command.options -> opsc_cli_next (argv)  -> option ids, operands
 *                        -> opsc_cli_help         -> `opsc NAME --help`
 */
#include <string.h>

#include "cli.h"
#include "util.h"

enum { HELP_WIDTH = 78, HELP_COLUMN_MAX = 24 };

const char opsc_cli_about[] =
	"opsc compiles a GitOps policy written in .ops into Kubernetes, Velero,\n"
	"Prometheus/AlertManager, External Secrets, GitHub and Flux manifests,\n"
	"and guards the repository against drift, policy violations and leaked\n"
	"secrets.\n";
const char opsc_cli_exit_status[] = "0 clean, 1 problems found in the input, 2 usage or internal error.";

void opsc_cli_init(opsc_cli *p, const opsc_command *cmd, int argc, char **argv)
{
	*p = (opsc_cli){ .cmd = cmd, .argc = argc, .argv = argv, .next = 1 };
}

int opsc_cli_usage_error(const opsc_command *cmd, const char *fmt, const char *arg)
{
	opsc_esc_printf(stderr, "opsc %s: ", cmd->name);
	opsc_esc_printf(stderr, fmt, arg);
	fprintf(stderr, "\nRun `opsc %s --help` for the options.\n", cmd->name);
	return OPSC_CLI_ERROR;
}

static const opsc_option *find_long(const opsc_option *o, const char *name, size_t n)
{
	for (; o->id; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return o;
	return NULL;
}

static const opsc_option *find_short(const opsc_option *o, char c)
{
	for (; o->id; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* The option's value: after '=' or the next word. */
static int take_value(opsc_cli *p, const opsc_option *o, const char *word, const char *inline_value)
{
	if (!o->arg && inline_value)
		return opsc_cli_usage_error(p->cmd, "%s takes no value", word);
	if (!o->arg)
		return o->id;
	if (inline_value)
		p->value = inline_value;
	else if (p->next < p->argc)
		p->value = p->argv[p->next++];
	else
		return opsc_cli_usage_error(p->cmd, "%s needs a value", word);
	return o->id;
}

int opsc_cli_next(opsc_cli *p)
{
	for (;;) {
		if (p->next >= p->argc)
			return OPSC_CLI_END;
		const char *w = p->argv[p->next++];
		p->value = w;
		if (p->operands || w[0] != '-' || w[1] == '\0')
			return OPSC_CLI_OPERAND;
		if (strcmp(w, "--") == 0) {
			p->operands = true;
			continue;
		}
		const opsc_option *o;
		const char *eq = NULL;
		if (w[1] == '-') {
			eq = strchr(w, '=');
			o = find_long(p->cmd->options, w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2));
		} else {
			o = find_short(p->cmd->options, w[1]);
			if (o && w[2])
				eq = o->arg ? w + 1 : w; /* "-oDIR"; a flag with more letters is unknown */
			if (o && w[2] && !o->arg)
				o = NULL;
		}
		if (!o)
			return opsc_cli_usage_error(p->cmd, "unknown option '%s'", w);
		if (o->id == OPSC_OPT_HELP) {
			opsc_cli_help(stdout, p->cmd);
			return OPSC_CLI_HELP;
		}
		return take_value(p, o, w, eq ? eq + 1 : NULL);
	}
}

/* Writes the words of text from column col, breaking lines at HELP_WIDTH
 * and indenting continuation lines to indent. */
static void put_wrapped(FILE *out, const char *text, int col, int indent)
{
	const char *s = text;
	while (*s) {
		while (*s == ' ' || *s == '\n')
			s++;
		size_t n = strcspn(s, " \n");
		if (!n)
			break;
		if (col > indent && col + 1 + (int)n > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, n, out);
		col += (int)n;
		s += n;
	}
	fputc('\n', out);
}

/* "-o, --out DIR" or "    --check": the option as --help lists it. */
static int option_label(char *buf, size_t size, const opsc_option *o)
{
	return snprintf(buf, size, "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
		o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name, o->arg ? " " : "",
		o->arg ? o->arg : "");
}

static int help_column(const opsc_option *o)
{
	int col = 0;
	char buf[128];
	for (; o->id; o++) {
		int n = option_label(buf, sizeof buf, o) + 4; /* two before, two after */
		if (n <= HELP_COLUMN_MAX && n > col)
			col = n;
	}
	return col;
}

static void put_options(FILE *out, const opsc_option *o)
{
	int col = help_column(o);
	fputs(o->section ? "" : "\noptions:\n", out);
	for (char buf[128]; o->id; o++) {
		if (o->section)
			fprintf(out, "\n%s:\n", o->section);
		int n = option_label(buf, sizeof buf, o) + 2;
		fprintf(out, "  %s", buf);
		if (n + 2 > col)
			fprintf(out, "\n%*s", col, "");
		else
			fprintf(out, "%*s", col - n, "");
		put_wrapped(out, o->help, col, col);
	}
}

void opsc_cli_help(FILE *out, const opsc_command *cmd)
{
	const char *syn = cmd->synopsis;
	for (const char *lead = "usage: "; *syn; lead = "       ") {
		size_t n = strcspn(syn, "\n");
		fprintf(out, "%sopsc %s %.*s\n", lead, cmd->name, (int)n, syn);
		syn += n + (syn[n] == '\n');
	}
	fprintf(out, "\n%s", cmd->description);
	put_options(out, cmd->options);
	fputs("\nexit status:", out);
	put_wrapped(out, cmd->exit_status, 12, 0);
}
