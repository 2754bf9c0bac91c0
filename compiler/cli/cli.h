/*
 * cli.h - the commands of the opsc binary. Each takes argv with argv[0] the
 * command name and returns the process exit status.
 *
 * Every command is described by one opsc_command: its synopsis, description,
 * options and exit status. That one table drives the option parser
 * (opsc_cli_next), `--help` (opsc_cli_help), the shell completions
 * (opsc_cli_complete) and the man pages (opsc_cli_man), so none of them can
 * say something the others do not.
 */
#ifndef OPSC_CLI_H
#define OPSC_CLI_H

#include "util.h"

#include <stdbool.h>
#include <stdio.h>

/* One option. Tables end with an entry whose id is 0. */
typedef struct {
	int id;              /* > 0, what opsc_cli_next returns for it */
	char short_name;     /* 'o' for -o, or 0 */
	const char *name;    /* the long name without "--" */
	const char *arg;     /* the value's placeholder ("DIR"), NULL for a flag */
	const char *help;    /* one paragraph; --help wraps it, man pages fill it */
	const char *values;  /* the values it takes, space-separated (completions), or NULL */
	const char *section; /* a heading shown before this option, or NULL */
} opsc_option;

/* What the operands of a command are, for the shell completions: RULE is a
 * rule id (from `opsc explain --list`), then files. */
typedef enum { OPSC_OPERAND_NONE, OPSC_OPERAND_FILE, OPSC_OPERAND_DIR, OPSC_OPERAND_RULE } opsc_operand;

typedef struct {
	const char *name;
	const char *summary;     /* one line, lower case, no full stop */
	const char *synopsis;    /* after "opsc NAME "; lines separated by '\n' */
	const char *description; /* paragraphs separated by a blank line; lines
	                          * indented by two spaces are shown verbatim */
	const opsc_option *options;
	opsc_operand operand;
	const char *exit_status; /* a sentence: "0 clean, 1 ..., 2 ..." */
	int (*run)(int argc, char **argv);
} opsc_command;

/* The -h/--help entry every table ends with. */
#define OPSC_OPTION_HELP { OPSC_OPT_HELP, 'h', "help", NULL, "show this help", NULL, NULL }
enum { OPSC_OPT_HELP = 1000 };

/* Walks argv over a command's options: "-o V", "--out V", "--out=V", flags,
 * operands, and everything after "--" as operands. */
typedef struct {
	const opsc_command *cmd;
	int argc;
	char **argv;
	int next;          /* index in argv of the next word */
	bool operands;     /* after "--" */
	const char *value; /* the option's value, or the operand */
} opsc_cli;

enum {
	OPSC_CLI_END = 0,      /* argv is consumed */
	OPSC_CLI_OPERAND = -1, /* an operand, in value */
	OPSC_CLI_ERROR = -2,   /* a usage error, already reported on stderr */
	OPSC_CLI_HELP = -3,    /* --help, already printed on stdout */
};

void opsc_cli_init(opsc_cli *p, const opsc_command *cmd, int argc, char **argv);
/* Returns an option id (> 0) or one of OPSC_CLI_*. */
int opsc_cli_next(opsc_cli *p);
/* A usage error of the command: "opsc NAME: MESSAGE" and where help is. */
int opsc_cli_usage_error(const opsc_command *cmd, const char *fmt, const char *arg);
void opsc_cli_help(FILE *out, const opsc_command *cmd);

/* What `opsc --help` and opsc(1) say of opsc as a whole (cmd_options.c). */
extern const char opsc_cli_about[], opsc_cli_exit_status[];

/* Shell completion scripts and man pages from a command table (main.c's,
 * ending with NULL): cmd_complete.c and cmd_man.c. Return 0, or -1 for an
 * unknown shell or page. */
int opsc_cli_complete(FILE *out, const char *shell, const opsc_command *const *cmds);
int opsc_cli_man(FILE *out, const char *page, const opsc_command *const *cmds);

extern const opsc_command opsc_command_build, opsc_command_check, opsc_command_diff,
	opsc_command_explain, opsc_command_fmt, opsc_command_init, opsc_command_lint,
	opsc_command_lsp;
/* `opsc __render`: not in the table of commands (cmd_render.c). */
extern const opsc_command opsc_command_render;

int opsc_cmd_build(int argc, char **argv);
int opsc_cmd_check(int argc, char **argv);
int opsc_cmd_diff(int argc, char **argv);
int opsc_cmd_fmt(int argc, char **argv);
int opsc_cmd_explain(int argc, char **argv);
int opsc_cmd_init(int argc, char **argv);
int opsc_cmd_lint(int argc, char **argv);
int opsc_cmd_lsp(int argc, char **argv);
int opsc_cmd_render(int argc, char **argv);

#endif
