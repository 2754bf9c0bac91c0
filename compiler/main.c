/*
 * main.c - the opsc command line.
 *
 * Each command is one function that reads as its pipeline:
 *   check: load sources -> parse -> lower -> sema (Model) -> diagnostics
 *   fmt:   parse -> format -> write (or compare with --check)
 *   lint:  rules (.ops) + repository (libgit2) -> scan -> findings -> report
 *   diff:  Model -> emit in memory -> compare with the output directory
 * Exit codes: 0 clean, 1 problems in the input, 2 usage or internal error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const opsc_command commands[] = {
	{ "build", "write the manifests the .ops files describe", opsc_cmd_build },
	{ "check", "check .ops files and report every problem", opsc_cmd_check },
	{ "diff", "show how the committed manifests differ from what build would write", opsc_cmd_diff },
	{ "fmt", "format .ops files in the canonical layout", opsc_cmd_fmt },
	{ "explain", "explain a lint rule and how to fix its findings", opsc_cmd_explain },
	{ "lint", "find leaked secrets, drift and policy violations in a repository", opsc_cmd_lint },
	{ "lsp", "run the language server for editors (stdio)", opsc_cmd_lsp },
};

static void usage(FILE *out)
{
	fputs("usage: opsc [--help] [--version] COMMAND [ARGS...]\n\n"
	      "opsc compiles a GitOps policy written in .ops into Kubernetes, Velero,\n"
	      "Prometheus/AlertManager, External Secrets, GitHub and Flux manifests,\n"
	      "and guards the repository against drift, policy violations and leaked\n"
	      "secrets.\n\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun `opsc COMMAND --help` for the options of a command.\n"
	      "Exit status: 0 clean, 1 problems found in the input, 2 usage or internal error.\n",
	      out);
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
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "opsc: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return OPSC_EXIT_USAGE;
}
