/*
 * policy_check.c - `opsc check` runs the policies on the declared Model,
 * the built-in ones (policies/) with the user's: what `opsc lint` reports
 * about the .ops, `check` reports first, at the same level, so that a
 * clean check is a clean lint of what `opsc build` writes from it.
 */
#include "compile.h"

#include <string.h>

#include "policy.h"
#include "embed.h"
#include "load.h"
#include "sema.h"
#include "report.h"

typedef opsc_array(opsc_policy) policy_list;

static void builtin_policies(opsc_ctx *ctx, const opsc_model *user, policy_list *out)
{
	for (const opsc_embedded *e = opsc_builtin_policies; e->name; e++) {
		opsc_program prog = { 0 };
		opsc_model model = { 0 };
		char *path = opsc_arena_printf(ctx->arena, "%s.ops", e->name);
		if (opsc_load_text(&prog, ctx, path, e->text, e->len) != 0 || opsc_sema_check(&model, ctx, &prog) != 0)
			continue;
		for (uint32_t i = 0; i < model.npolicies; i++) {
			bool replaced = false; /* a user policy of the same name replaces it */
			for (uint32_t k = 0; k < user->npolicies && !replaced; k++)
				replaced = strcmp(user->policies[k].name.s, model.policies[i].name.s) == 0;
			if (!replaced)
				opsc_array_push(out, model.policies[i]);
		}
	}
}

static int on_finding(void *user, const opsc_policy_finding *f)
{
	opsc_ctx *ctx = user;
	opsc_diag_add(&ctx->diags, f->severity, opsc_arena_strdup(ctx->arena, f->rule), f->where, "%s", f->message);
	return 0;
}

void opsc_policy_check_declared(opsc_ctx *ctx, const opsc_model *model)
{
	policy_list all = { 0 };
	for (uint32_t i = 0; i < model->npolicies; i++)
		opsc_array_push(&all, model->policies[i]);
	uint32_t before = ctx->diags.items.len, files = ctx->sources.files.len;
	builtin_policies(ctx, model, &all);
	ctx->diags.items.len = before; /* the built-ins compile clean; nothing of theirs to show */
	for (uint32_t i = files; i < ctx->sources.files.len; i++)
		ctx->sources.files.items[i]->embedded = true; /* compiled into the binary, not the user's files */
	opsc_model declared = *model;
	declared.policies = all.items;
	declared.npolicies = all.len;
	opsc_policy_eval_all(ctx, &declared, model, on_finding, ctx);
	opsc_array_free(&all);
}
