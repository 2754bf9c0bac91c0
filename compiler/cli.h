/*
 * cli.h - the commands of the opsc binary. Each takes argv with argv[0] the
 * command name and returns the process exit status.
 */
#ifndef OPSC_CLI_H
#define OPSC_CLI_H

enum { OPSC_EXIT_OK = 0, OPSC_EXIT_FINDINGS = 1, OPSC_EXIT_USAGE = 2 };

#ifndef OPSC_VERSION
#define OPSC_VERSION "0.1.0"
#endif

typedef struct {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} opsc_command;

int opsc_cmd_build(int argc, char **argv);
int opsc_cmd_check(int argc, char **argv);
int opsc_cmd_diff(int argc, char **argv);
int opsc_cmd_fmt(int argc, char **argv);
int opsc_cmd_explain(int argc, char **argv);
int opsc_cmd_lint(int argc, char **argv);
int opsc_cmd_lsp(int argc, char **argv);

#endif
