/*
 * lint_suppress.c - the `ignore-without-reason` finding every finder
 * reports for an inline suppression that gives no reason (lint_ignore.h):
 * it suppresses nothing, and says so at the comment.
 */
#include "lint_int.h"

#include <string.h>

#include "baseline.h"

bool opsc_lint_unreasoned(lint_run *run, const char *rule, const char *path, uint32_t line, uint32_t col,
			  opsc_finding *out)
{
	const opsc_rule *r = opsc_rules_find(run->rules, "ignore-without-reason");
	if (r && r->disabled)
		return false;
	*out = (opsc_finding){ .kind = OPSC_FINDING_POLICY, .rule = "ignore-without-reason",
			       .severity = r ? r->level : OPSC_SEV_WARNING,
			       .where = { opsc_arena_strdup(run->out->arena, path), line, col, line, col, NULL } };
	out->message = opsc_arena_printf(run->out->arena, "`opsc:ignore[%s]` gives no reason: it suppresses nothing",
					 rule);
	opsc_baseline_fingerprint_text(out->fingerprint, out->rule, out->where.path, out->message);
	return true;
}

/* Drift and secrets meet few such comments: a look through the run's
 * findings is enough to report each once. */
opsc_finding *opsc_lint_add_unreasoned(lint_run *run, const char *rule, const char *path, uint32_t line,
				       uint32_t col)
{
	opsc_finding f;
	if (!opsc_lint_unreasoned(run, rule, path, line, col, &f))
		return NULL;
	for (uint32_t i = 0; i < run->out->findings.len; i++) {
		const opsc_finding *g = &run->out->findings.items[i];
		if (g->where.line == line && g->where.col == col && strcmp(g->rule, f.rule) == 0 &&
		    strcmp(g->where.path, path) == 0 && strcmp(g->message, f.message) == 0)
			return NULL;
	}
	opsc_array_push(&run->out->findings, f);
	return &run->out->findings.items[run->out->findings.len - 1];
}
