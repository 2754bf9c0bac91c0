/*
 * cmd_lsp.c - `opsc lsp`: its options, then the language server of lsp/ on
 * standard input and output.
 */
#include <stdio.h>

#include "cli.h"
#include "lsp.h"

enum { OPT_STDIO = 1 };

static const opsc_option lsp_options[] = {
	{ OPT_STDIO, 0, "stdio", NULL, "talk over standard input and output (the default)", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_lsp = {
	.name = "lsp",
	.summary = "run the language server for editors (stdio)",
	.synopsis = "[--stdio]",
	.description =
		"Run the .ops language server on standard input and output (the Language\n"
		"Server Protocol 3.17, JSON-RPC with Content-Length framing), for editors:\n"
		"diagnostics as you type (the ones `opsc check` prints, plus the built-in\n"
		"policies as warnings), go to definition, references, rename, hover,\n"
		"completion, formatting, document symbols, and the manifests a block\n"
		"produces. See docs/editors.md for neovim, VS Code and Helix.\n",
	.options = lsp_options,
	.operand = OPSC_OPERAND_NONE,
	.exit_status = "0 after `shutdown` then `exit`, 1 on `exit` without `shutdown` or when the input ends, "
		       "2 usage error.",
	.run = opsc_cmd_lsp,
};

int opsc_cmd_lsp(int argc, char **argv)
{
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_lsp, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		if (id == OPSC_CLI_HELP)
			return OPSC_EXIT_OK;
		if (id == OPSC_CLI_ERROR)
			return OPSC_EXIT_USAGE;
		if (id == OPSC_CLI_OPERAND) {
			opsc_cli_usage_error(&opsc_command_lsp, "unexpected argument '%s'", p.value);
			return OPSC_EXIT_USAGE;
		}
	}
	return opsc_lsp_serve(stdin, stdout);
}
