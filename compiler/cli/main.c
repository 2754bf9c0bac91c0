/*
 * main.c - the opsc command line.
 *
 * Each command is one function that reads as its pipeline:
 *   check: load sources -> parse -> lower -> sema (Model) -> diagnostics
 *   fmt:   parse -> format -> write (or compare with --check)
 *   lint:  rules (.ops) + repository (libgit2) -> scan -> findings -> report
 *   diff:  Model -> emit in memory -> compare with the output directory
 *   init:  answers or flags -> policies/project.ops, environments.ops -> check
 * Exit codes: 0 clean, 1 problems in the input, 2 usage or internal error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Every command, in the order `opsc --help` lists them. The same table
 * gives the shell completions and the man pages (opsc __complete SHELL,
 * opsc __man PAGE), which meson generates at build time. */
static const opsc_command *const commands[] = {
	&opsc_command_init, &opsc_command_build, &opsc_command_check, &opsc_command_diff,
	&opsc_command_fmt, &opsc_command_explain, &opsc_command_lint, &opsc_command_lsp, NULL,
};

static void usage(FILE *out)
{
	fprintf(out, "usage: opsc [--help] [--version] COMMAND [ARGS...]\n\n%s\ncommands:\n", opsc_cli_about);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, "\nRun `opsc COMMAND --help` for the options of a command.\nExit status: %s\n",
		opsc_cli_exit_status);
}

/* The build-time generators: not commands a user runs, so not listed. */
static const struct {
	const char *name, *arg;
	int (*run)(FILE *out, const char *arg, const opsc_command *const *cmds);
} generators[] = {
	{ "__complete", "shell", opsc_cli_complete },
	{ "__man", "page", opsc_cli_man },
};

static int generate(size_t g, const char *arg)
{
	if (generators[g].run(stdout, arg ? arg : "", commands) == 0)
		return OPSC_EXIT_OK;
	fprintf(stderr, "opsc %s: unknown %s '%s'\n", generators[g].name, generators[g].arg, arg ? arg : "");
	return OPSC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return OPSC_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return OPSC_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("opsc %s\n", OPSC_VERSION);
		return OPSC_EXIT_OK;
	}
	for (size_t g = 0; g < sizeof generators / sizeof *generators; g++)
		if (strcmp(cmd, generators[g].name) == 0)
			return generate(g, argv[2]);
	if (strcmp(cmd, opsc_command_render.name) == 0) /* a test's, not listed */
		return opsc_cmd_render(argc - 1, argv + 1);
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(cmd, commands[i]->name) == 0)
			return commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "opsc: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return OPSC_EXIT_USAGE;
}
