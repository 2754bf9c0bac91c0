/*
 * verify.c - the emitters' checks as one compile-time pass (verify.h).
 */
#include "verify.h"

#include "alertproof.h"

static void (*const checks[])(opsc_emit *em) = {
	opsc_emit_check_names, opsc_velero_check, opsc_github_check, opsc_alertmanager_check,
};

int opsc_emit_verify(opsc_ctx *ctx, const opsc_model *model)
{
	opsc_emit em = { .ctx = ctx, .model = model };
	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
		checks[i](&em);
	return opsc_alertproof_check(&em);
}
