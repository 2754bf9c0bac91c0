/*
 * lint_policy_int.h - what the policy finder (lint_policy.c) shares with
 * its contradiction checks (lint_contradict.c): the two Models of one
 * target and how a finding is added.
 */
#ifndef OPSC_LINT_POLICY_INT_H
#define OPSC_LINT_POLICY_INT_H

#include <stdbool.h>

#include "actual.h"
#include "lint_int.h"

/* One target's pass. The declared Model's spans point into run->ctx's
 * sources, the actual Model's into actual_ctx's (a ctx of its own, so the
 * diagnostics of manifests it cannot read stay out of the run's). */
typedef struct {
	lint_run *run;
	const opsc_model *declared; /* run->user */
	const opsc_model *actual; /* read from the target's manifests */
	opsc_ctx *actual_ctx;
	uint32_t first; /* index of the first finding of this pass */
	/* the pass's findings by content (lint_policy.c's seen): 1 + index */
	uint32_t *slots, cap, indexed;
	/* the last rule's fix, copied once for all its findings */
	const opsc_rule *help_rule;
	const char *help;
	opsc_actual_origins origins; /* what rendered the actual objects */
} policy_pass;

/* Where a finding or a related location is: the Model its span points into. */
typedef enum { OPSC_IN_DECLARED, OPSC_IN_ACTUAL } opsc_model_side;

typedef struct {
	opsc_span span;
	opsc_model_side side;
} opsc_place;

/* Adds a finding of rule `rule` (its level and fix from the registry; left
 * out when the project disables it) at `where`, with `related` (NO_SPAN:
 * none) labelled `related_msg`. An identical finding is added once. */
void opsc_lint_policy_add(policy_pass *p, const char *rule, opsc_place where, opsc_place related,
			  const char *related_msg, const char *message);

/* The checks that need no policy text (undeclared-cluster-admin,
 * role-exceeds-declared, namespace-without-default-deny): what the
 * manifests grant or leave open against what the .ops declare. */
void opsc_lint_contradictions(policy_pass *p);
/* external-secret-differs (lint_contradict_secrets.c). */
void opsc_lint_contradict_secrets(policy_pass *p);

#endif
