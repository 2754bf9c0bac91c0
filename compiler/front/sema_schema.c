/*
 * sema_schema.c - what every block may contain: the tables docs/language.md
 * describes. One row per attribute; the checker and the suggestions read
 * them, nothing else knows the attribute names.
 */
#include <string.h>

#include "sema_int.h"

#define END { NULL, 0, false }

static const sema_attr project_attrs[] = {
	{ "repo", A_STRING, false }, { "output", A_STRING, false }, { "timezone", A_STRING, false },
	{ "reviewers", A_ID_MAP, false }, { "break_glass", A_STRING, false },
	{ "flux_source", A_STRING, false }, { "flux_velero", A_STRING, false },
	{ "flux_monitoring", A_STRING, false }, { "secret_store", A_STORE, false },
	{ "flux_external_secrets", A_STRING, false }, { "external_secrets_api", A_STRING, false },
	{ "runbooks", A_STRING, false }, { "runbook_url", A_STRING, false }, END,
};
static const sema_attr environment_attrs[] = {
	{ "cluster", A_STRING, true }, { "namespace", A_STRING, false }, { "production", A_BOOL, false },
	{ "labels", A_MAP, false }, { "pod_security", A_POD_SECURITY, false },
	{ "pod_security_version", A_STRING, false }, { "secrets", A_SECRETS, false }, END,
};
static const sema_attr protect_attrs[] = {
	{ "reviewers", A_STRINGS, false }, { "approvals", A_INT, false }, { "wait", A_DURATION, false },
	{ "branches", A_STRINGS, false }, { "protected_branches", A_BOOL, false },
	{ "prevent_self_review", A_BOOL, false }, END,
};
static const sema_attr quota_attrs[] = {
	{ "cpu", A_QUANTITY, false }, { "memory", A_QUANTITY, false }, { "limits_cpu", A_QUANTITY, false },
	{ "limits_memory", A_QUANTITY, false }, { "pods", A_COUNT, false }, { "services", A_COUNT, false },
	{ "pvcs", A_COUNT, false }, { "storage", A_QUANTITY, false }, { "configmaps", A_COUNT, false },
	{ "secrets", A_COUNT, false }, END,
};
static const sema_attr limits_attrs[] = {
	{ "cpu", A_QUANTITY, false }, { "memory", A_QUANTITY, false }, { "request_cpu", A_QUANTITY, false },
	{ "request_memory", A_QUANTITY, false }, { "max_cpu", A_QUANTITY, false }, { "max_memory", A_QUANTITY, false }, END,
};
static const sema_attr role_attrs[] = { { "cluster", A_BOOL, false }, END };
static const sema_attr role_allow_attrs[] = {
	{ "groups", A_STRINGS, false }, { "resources", A_STRINGS, false }, { "verbs", A_STRINGS, true },
	{ "names", A_STRINGS, false }, { "urls", A_STRINGS, false }, END,
};
static const sema_attr bind_attrs[] = {
	{ "to", A_SUBJECTS, true }, { "in", A_ENV_REFS, false }, { "name", A_STRING, false }, END,
};
static const sema_attr network_attrs[] = {
	{ "in", A_ENV_REFS, true }, { "select", A_MAP, false }, { "deny", A_DIRECTIONS, false }, END,
};
static const sema_attr net_allow_attrs[] = {
	{ "to", A_PEERS, false }, { "from", A_PEERS, false }, { "ports", A_PORTS, false }, END,
};
static const sema_attr backup_attrs[] = {
	{ "schedule", A_CRON, true }, { "timezone", A_STRING, false }, { "retain", A_DURATION, true },
	{ "rpo", A_DURATION, false }, { "in", A_ENV_REFS, true }, { "select", A_MAP, false },
	{ "storage", A_STRING, false }, { "snapshot_volumes", A_BOOL, false },
	{ "restore_test", A_CRON, false }, { "restore_namespace", A_STRING, false },
	{ "restore_timeout", A_DURATION, false }, END,
};
static const sema_attr alert_attrs[] = {
	{ "expr", A_STRING, true }, { "for", A_DURATION, false }, { "severity", A_ALERT_SEVERITY, true },
	{ "summary", A_STRING, false }, { "description", A_STRING, false }, { "runbook", A_STRING, false },
	{ "labels", A_MAP, false }, { "group", A_STRING, false }, { "in", A_ENV_REFS, false },
	{ "causes", A_STRINGS, false }, { "checks", A_STRINGS, false }, END,
};
static const sema_attr slo_attrs[] = {
	{ "service", A_STRING, true }, { "objective", A_PERCENT, true }, { "window", A_DURATION, false },
	{ "errors", A_STRING, false }, { "total", A_STRING, false }, { "alert", A_STRING, false },
	{ "page", A_ALERT_SEVERITY, false }, { "ticket", A_ALERT_SEVERITY, false }, { "labels", A_MAP, false },
	{ "in", A_ENV_REFS, false }, { "runbook", A_STRING, false }, { "causes", A_STRINGS, false },
	{ "checks", A_STRINGS, false }, END,
};
static const sema_attr latency_attrs[] = {
	{ "histogram", A_STRING, true }, { "le", A_STRING, true }, { "select", A_MAP, false }, END,
};
static const sema_attr receiver_attrs[] = { END };
static const sema_attr slack_attrs[] = {
	{ "channel", A_STRING, false }, { "api_url", A_SECRET, true }, { "send_resolved", A_BOOL, false },
	{ "title", A_STRING, false }, { "text", A_STRING, false }, END,
};
static const sema_attr pagerduty_attrs[] = {
	{ "routing_key", A_SECRET, true }, { "send_resolved", A_BOOL, false }, { "description", A_STRING, false }, END,
};
static const sema_attr webhook_attrs[] = { { "url", A_SECRET, true }, { "send_resolved", A_BOOL, false }, END };
static const sema_attr email_attrs[] = {
	{ "to", A_STRING, true }, { "from", A_STRING, false }, { "smarthost", A_STRING, false },
	{ "password", A_SECRET, false }, { "send_resolved", A_BOOL, false }, { "subject", A_STRING, false },
	{ "text", A_STRING, false }, END,
};
static const sema_attr route_attrs[] = {
	{ "to", A_RECEIVER, true }, { "group_by", A_STRINGS, false }, { "group_wait", A_DURATION, false },
	{ "group_interval", A_DURATION, false }, { "repeat_interval", A_DURATION, false },
	{ "continue", A_BOOL, false }, END,
};
static const sema_attr when_attrs[] = {
	{ "to", A_RECEIVER, false }, { "group_by", A_STRINGS, false }, { "group_wait", A_DURATION, false },
	{ "group_interval", A_DURATION, false }, { "repeat_interval", A_DURATION, false },
	{ "continue", A_BOOL, false }, END,
};
static const sema_attr policy_attrs[] = {
	{ "severity", A_LEVEL, false }, { "description", A_STRING, false }, END,
};
static const sema_attr secret_attrs[] = {
	{ "description", A_STRING, false }, { "pattern", A_PATTERN, true }, { "group", A_INT, false },
	{ "keywords", A_STRINGS, false }, { "entropy", A_NUMBER, false }, { "severity", A_LEVEL, false },
	{ "paths", A_STRINGS, false }, { "allow_paths", A_STRINGS, false }, { "allow_values", A_STRINGS, false },
	{ "assigned", A_BOOL, false }, { "example", A_STRING, false }, { "ignores", A_STRING, false }, END,
};
static const sema_attr secret_store_attrs[] = {
	{ "provider", A_STRING, true }, { "spec", A_MAP, false }, { "refresh", A_DURATION, false }, END,
};
static const sema_attr no_attrs[] = { END };

static const sema_schema schemas[] = {
	{ "project", NULL, 1, 1, "the project's name", project_attrs, false },
	{ "rules", "project", 0, 0, NULL, NULL, false },
	{ "rotation", "project", 0, 0, NULL, NULL, false },
	{ "environment", NULL, 1, 1, "the environment's name", environment_attrs, false },
	{ "protect", "environment", 0, 0, NULL, protect_attrs, false },
	{ "quota", "environment", 0, 0, NULL, quota_attrs, false },
	{ "limits", "quota", 0, 0, NULL, limits_attrs, false },
	{ "role", NULL, 1, 1, "the role's name", role_attrs, false },
	{ "allow", "role", 0, 0, NULL, role_allow_attrs, false },
	{ "bind", NULL, 1, 1, "the role to bind: role.NAME or a built-in role (cluster-admin, admin, edit, view)", bind_attrs, false },
	{ "network", NULL, 1, 1, "the network policy's name", network_attrs, false },
	{ "allow", "network", 2, 2, "the direction (ingress or egress) and the rule's name", net_allow_attrs, false },
	{ "backup", NULL, 1, 1, "the schedule's name", backup_attrs, false },
	{ "alert", NULL, 1, 1, "the alert's name", alert_attrs, false },
	{ "slo", NULL, 1, 1, "the SLO's name", slo_attrs, false },
	{ "latency", "slo", 0, 0, NULL, latency_attrs, false },
	{ "receiver", NULL, 1, 1, "the receiver's name", receiver_attrs, false },
	{ "slack", "receiver", 0, 0, NULL, slack_attrs, false },
	{ "pagerduty", "receiver", 0, 0, NULL, pagerduty_attrs, false },
	{ "webhook", "receiver", 0, 0, NULL, webhook_attrs, false },
	{ "email", "receiver", 0, 0, NULL, email_attrs, false },
	{ "route", NULL, 0, 0, NULL, route_attrs, true },
	{ "when", "route", 0, 0, NULL, when_attrs, true },
	{ "policy", NULL, 1, 1, "the policy's name (its rule id)", policy_attrs, true },
	{ "secret", NULL, 1, 1, "the rule's id", secret_attrs, false },
	{ "secret_store", NULL, 1, 1, "the store's name", secret_store_attrs, false },
	{ "template", NULL, 1, 1, "the template's name", no_attrs, false },
	{ "use", NULL, 1, 1, "the template to instantiate: MODULE.TEMPLATE", NULL, false },
};

const sema_schema *sema_schema_find(const char *type, const char *parent)
{
	for (size_t i = 0; i < sizeof schemas / sizeof *schemas; i++) {
		const sema_schema *s = &schemas[i];
		bool same_parent = (!s->parent && !parent) || (s->parent && parent && strcmp(s->parent, parent) == 0);
		if (same_parent && strcmp(s->type, type) == 0)
			return s;
	}
	return NULL;
}

uint32_t sema_schema_children(const char *parent, const char **out, uint32_t max)
{
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof schemas / sizeof *schemas && n < max; i++) {
		const sema_schema *s = &schemas[i];
		if ((!s->parent && !parent) || (s->parent && parent && strcmp(s->parent, parent) == 0))
			out[n++] = s->type;
	}
	return n;
}

const sema_attr *sema_schema_attr(const sema_schema *s, const char *name)
{
	for (const sema_attr *a = s->attrs; a && a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static const char *const type_names[] = {
	[A_STRING] = "a string", [A_INT] = "a whole number", [A_NUMBER] = "a number",
	[A_BOOL] = "true or false", [A_DURATION] = "a duration like `5m`",
	[A_QUANTITY] = "a quantity like `500m` or `64Gi`", [A_PERCENT] = "a percentage like `80%`",
	[A_CRON] = "a cron schedule like \"0 2 * * *\"", [A_STRINGS] = "a list of strings",
	[A_ENV_REFS] = "`all` or a list of environments like [env.production]",
	[A_RECEIVER] = "a receiver like receiver.slack", [A_SECRET] = "secret(\"name\", \"key\")",
	[A_MAP] = "a map like { key = \"value\" }", [A_ALERT_SEVERITY] = "critical, warning or info",
	[A_LEVEL] = "error, warning or note", [A_PATTERN] = "a regular expression in a string or raw string",
	[A_PEERS] = "`all` or a list of namespace(..), namespaces(..), pods(..), cidr(..)",
	[A_PORTS] = "a list of ports like [53/udp, 443/tcp]",
	[A_SUBJECTS] = "a list of user(..), group(..), service_account(..)",
	[A_DIRECTIONS] = "a list of ingress and egress", [A_ID_MAP] = "a map of GitHub handles to numeric ids",
	[A_LEVEL_OR_OFF] = "error, warning, note or off",
	[A_COUNT] = "a whole number of objects",
	[A_STORE] = "a secret store like store.vault",
	[A_SECRETS] = "a list of secret(\"name\", \"key\", { ... })",
	[A_POD_SECURITY] = "restricted, baseline or privileged",
};

const char *sema_type_name(sema_type t) { return type_names[t]; }
