/*
 * rules_adopt.c - the two levels of the built-in rules, so a team trying
 * opsc on an existing repository is not met by a wall of errors.
 *
 *   danger     leaked secrets, cluster-admin, wildcard RBAC, privileged
 *              workloads, committed state files: errors from the first run
 *   readiness  what an operations review asks for before production
 *              (default-deny, backups, runbooks, quotas, protection
 *              rules): warnings until the project opts in with
 *
 *   project "x" { rules { readiness = error } }
 *
 * A setting naming the rule itself (`backup-coverage = error`) wins over
 * the group. docs/rules.md, "Levels", says the same.
 */
#include "rules.h"

#include <string.h>

/* The built-in rules of the readiness group; every other rule is judged at
 * its own level. */
static const char *const readiness[] = {
	"alert-runbook",
	"alert-severity",
	"alert-summary",
	"backup-coverage",
	"namespace-without-default-deny",
	"network-default-deny",
	"network-dns-egress",
	"network-selector-matches",
	"production-backup-whole-namespace",
	"production-cluster-review",
	"production-pod-security",
	"production-protection",
	"production-stricter-than-staging",
	"workload-probes",
	"workload-quota",
	"workload-resources",
};

bool opsc_rules_is_readiness(const char *id)
{
	for (size_t i = 0; i < sizeof readiness / sizeof *readiness; i++)
		if (strcmp(readiness[i], id) == 0)
			return true;
	return false;
}

/* The project's `readiness = LEVEL`, if it has one. */
static const opsc_rule_setting *group_setting(const opsc_project *project)
{
	const opsc_rule_setting *found = NULL;
	for (uint32_t i = 0; project && i < project->nrules; i++)
		if (project->rules[i].rule.s && strcmp(project->rules[i].rule.s, OPSC_RULES_READINESS) == 0)
			found = &project->rules[i];
	return found;
}

bool opsc_rules_adopted_level(const opsc_project *project, const char *id, opsc_severity def, opsc_severity *out)
{
	*out = def;
	if (!opsc_rules_is_readiness(id))
		return true;
	const opsc_rule_setting *g = group_setting(project);
	if (g && g->disabled)
		return false;
	*out = g ? g->severity : def > OPSC_SEV_WARNING ? OPSC_SEV_WARNING : def;
	return true;
}
