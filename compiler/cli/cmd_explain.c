/*
 * cmd_explain.c - `opsc explain`: what a lint rule checks and how to fix it.
 *
 *   built-in checks + built-in policies/ (embedded) + the user's .ops
 *     -> rule registry -> project re-levelling -> one rule, or the list
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "front.h"
#include "report.h"

enum { OPT_LIST = 1, OPT_MARKDOWN, OPT_BUILTIN };

static const opsc_option explain_options[] = {
	{ OPT_LIST, 0, "list", NULL, "list every rule", NULL, NULL },
	{ OPT_MARKDOWN, 0, "markdown", NULL, "with --list: a markdown reference", NULL, NULL },
	{ OPT_BUILTIN, 0, "builtin", NULL, "only the built-in rules (ignore PATH and ./policies)", NULL, NULL },
	OPSC_OPTION_HELP,
	{ 0 },
};

const opsc_command opsc_command_explain = {
	.name = "explain",
	.summary = "explain a lint rule and how to fix its findings",
	.synopsis = "[options] ID [PATH...]\n--list [--markdown] [PATH...]",
	.description =
		"Explain a lint rule: its kind (secret, drift or policy), its severity,\n"
		"what it checks, how to fix a finding, and for rules written in .ops the\n"
		"file and line defining them. --list prints every rule id with a one-line\n"
		"summary; with --markdown, the rule reference of docs/rules.md.\n"
		"\n"
		"Rules come from the checks built into opsc, the built-in policies/ set,\n"
		"and the .ops files at PATH (default: ./policies if it exists), whose\n"
		"project block may re-level or disable them.\n",
	.options = explain_options,
	.operand = OPSC_OPERAND_RULE,
	.exit_status = "0 explained, 2 unknown rule id or usage error.",
	.run = opsc_cmd_explain,
};

typedef struct {
	bool list, markdown, builtin;
	const char *id;
	opsc_array(const char *) paths;
} explain_opts;

/* Returns -1 on a usage error, 1 for --help, 0 otherwise. */
static int parse_args(explain_opts *o, int argc, char **argv)
{
	opsc_cli p;
	opsc_cli_init(&p, &opsc_command_explain, argc, argv);
	for (int id; (id = opsc_cli_next(&p)) != OPSC_CLI_END;) {
		switch (id) {
		case OPSC_CLI_HELP: return 1;
		case OPSC_CLI_ERROR: return -1;
		case OPT_LIST: o->list = true; break;
		case OPT_MARKDOWN: o->markdown = true; break;
		case OPT_BUILTIN: o->builtin = true; break;
		default:
			if (!o->list && !o->id)
				o->id = p.value;
			else
				opsc_array_push(&o->paths, p.value);
		}
	}
	if (!o->list && !o->id) {
		opsc_cli_usage_error(&opsc_command_explain, "which rule? give an ID or --list%s", "");
		return -1;
	}
	return 0;
}

/* Each embedded policy file is compiled on its own into the shared ctx, so
 * its rules keep their `policies/NAME.ops` location. */
static void add_builtin_policies(opsc_rules *rules, opsc_ctx *ctx)
{
	for (const opsc_embedded *e = opsc_builtin_policies; e->name; e++) {
		opsc_program prog = { 0 };
		opsc_model model = { 0 };
		char *path = opsc_arena_printf(ctx->arena, "%s.ops", e->name);
		if (opsc_load_text(&prog, ctx, path, e->text, e->len) == 0 &&
		    opsc_sema_check(&model, ctx, &prog) == 0)
			opsc_rules_add_model(rules, &model);
	}
}

/* The user's .ops: their own rules and the project's re-levelling. */
static void add_user_rules(opsc_rules *rules, opsc_ctx *ctx, explain_opts *o)
{
	struct stat st;
	if (o->paths.len == 0 && stat("policies", &st) == 0 && S_ISDIR(st.st_mode))
		opsc_array_push(&o->paths, "policies");
	if (o->paths.len == 0)
		return;
	opsc_model model = { 0 };
	if (opsc_compile(&model, ctx, o->paths.items, o->paths.len) < 0)
		return;
	opsc_rules_add_model(rules, &model);
	opsc_rules_apply_project(rules, model.has_project ? &model.project : NULL, &ctx->diags);
}

static int explain_one(const opsc_rules *rules, const opsc_ctx *ctx, const char *id)
{
	const opsc_rule *r = opsc_rules_find(rules, id);
	if (r) {
		opsc_rules_explain(stdout, r, &ctx->sources);
		return OPSC_EXIT_OK;
	}
	const char *near = opsc_rules_suggest(rules, id);
	fprintf(stderr, "opsc explain: unknown rule '%s'", id);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputs("\n`opsc explain --list` lists every rule.\n", stderr);
	return OPSC_EXIT_USAGE;
}

int opsc_cmd_explain(int argc, char **argv)
{
	explain_opts o = { 0 };
	int rc = parse_args(&o, argc, argv);
	if (rc != 0) {
		opsc_array_free(&o.paths);
		return rc > 0 ? OPSC_EXIT_OK : OPSC_EXIT_USAGE;
	}
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_rules rules;
	opsc_rules_init(&rules);
	add_builtin_policies(&rules, &ctx);
	if (!o.builtin)
		add_user_rules(&rules, &ctx, &o);
	if (ctx.diags.errors) {
		opsc_render_opts ro = { opsc_diag_want_color(stderr) };
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &ro);
	}
	int exit = OPSC_EXIT_OK;
	if (o.list)
		opsc_rules_list(stdout, &rules, o.markdown);
	else
		exit = explain_one(&rules, &ctx, o.id);
	opsc_rules_dispose(&rules);
	opsc_ctx_dispose(&ctx);
	opsc_array_free(&o.paths);
	return exit;
}
