/*
 * sema_schema.c - what every block may contain: the tables docs/language.md
 * describes. One row per attribute; the checker and the suggestions read
 * them, nothing else knows the attribute names.
 */
#include <string.h>

#include "sema_int.h"

#define END { NULL, 0, false, NULL }

/* The last field of each row is its one-line description, in the words of
 * docs/language.md: opsc-language(5) is generated from these tables
 * (compiler/cli/man_language.c). */

static const sema_attr project_attrs[] = {
	{ "repo", A_STRING, false, "The GitHub repository, `owner/name`." },
	{ "output", A_STRING, false,
	  "Where `opsc build` writes, relative to the project directory (default `clusters`)." },
	{ "timezone", A_STRING, false, "The default time zone of backup schedules." },
	{ "reviewers", A_ID_MAP, false,
	  "The numeric GitHub id of every reviewer a `protect` names (GitHub's API takes ids)." },
	{ "break_glass", A_STRING, false, "The one binding allowed to use `cluster-admin`." },
	{ "flux_source", A_STRING, false, "The Flux GitRepository (default `flux-system`)." },
	{ "flux_velero", A_STRING, false, "The Flux Kustomization installing Velero (default `velero`)." },
	{ "flux_monitoring", A_STRING, false,
	  "The Flux Kustomization installing the Prometheus operator (default `kube-prometheus-stack`)." },
	{ "secret_store", A_STORE, false, "The store every `secret(...)` is filled from unless it names one." },
	{ "flux_external_secrets", A_STRING, false,
	  "The Flux Kustomization installing External Secrets Operator (default `external-secrets`)." },
	{ "external_secrets_api", A_STRING, false,
	  "`v1` (default), or `v1beta1` for External Secrets Operator before v0.16.0." },
	{ "runbooks", A_STRING, false,
	  "The directory of the runbooks' Markdown files, relative to the project directory." },
	{ "runbook_url", A_STRING, false, "Where the `runbooks` directory is served (needs `runbooks`)." },
	END,
};
static const sema_attr environment_attrs[] = {
	{ "cluster", A_STRING, true, "The cluster it runs in: a directory of the output." },
	{ "namespace", A_STRING, false, "Its namespace (default: the environment's name)." },
	{ "production", A_BOOL, false, "Whether it is production (default: true when named `production`)." },
	{ "labels", A_MAP, false, "Labels of its Namespace." },
	{ "pod_security", A_POD_SECURITY, false, "The namespace's Pod Security Admission level." },
	{ "pod_security_version", A_STRING, false, "The Pod Security Standards version, `v1.N` (default `latest`)." },
	{ "secrets", A_SECRETS, false, "The Secrets its workloads read, as `secret(...)` references." },
	END,
};
static const sema_attr protect_attrs[] = {
	{ "reviewers", A_STRINGS, false, "Who must approve a deployment: users and `@org/team`s, at most 6." },
	{ "approvals", A_INT, false, "Approvals a change needs; more than 1 also emits a repository ruleset." },
	{ "wait", A_DURATION, false, "A wait timer before a deployment, 0 to 30d." },
	{ "branches", A_STRINGS, false, "Custom deployment branch patterns." },
	{ "protected_branches", A_BOOL, false, "Only protected branches may deploy (not with `branches`)." },
	{ "prevent_self_review", A_BOOL, false, "No one approves their own deployment (needs a reviewer)." },
	END,
};
static const sema_attr quota_attrs[] = {
	{ "cpu", A_QUANTITY, false, "The CPU all pods may request (`requests.cpu`)." },
	{ "memory", A_QUANTITY, false, "The memory all pods may request (`requests.memory`)." },
	{ "limits_cpu", A_QUANTITY, false, "The sum of CPU limits (`limits.cpu`)." },
	{ "limits_memory", A_QUANTITY, false, "The sum of memory limits (`limits.memory`)." },
	{ "pods", A_COUNT, false, "Pods at most." },
	{ "services", A_COUNT, false, "Services at most." },
	{ "pvcs", A_COUNT, false, "PersistentVolumeClaims at most." },
	{ "storage", A_QUANTITY, false, "The storage all claims may request (`requests.storage`)." },
	{ "configmaps", A_COUNT, false, "ConfigMaps at most." },
	{ "secrets", A_COUNT, false, "Secrets at most." },
	END,
};
static const sema_attr limits_attrs[] = {
	{ "cpu", A_QUANTITY, false, "A container's default CPU limit." },
	{ "memory", A_QUANTITY, false, "A container's default memory limit." },
	{ "request_cpu", A_QUANTITY, false, "A container's default CPU request." },
	{ "request_memory", A_QUANTITY, false, "A container's default memory request." },
	{ "max_cpu", A_QUANTITY, false, "The most CPU a container may have." },
	{ "max_memory", A_QUANTITY, false, "The most memory a container may have." },
	END,
};
static const sema_attr role_attrs[] = {
	{ "cluster", A_BOOL, false, "True: always a ClusterRole." },
	END,
};
static const sema_attr role_allow_attrs[] = {
	{ "groups", A_STRINGS, false, "API groups; `\"\"` is the core group." },
	{ "resources", A_STRINGS, false, "Resources, such as `deployments` or `pods`." },
	{ "verbs", A_STRINGS, true,
	  "Verbs: `get list watch create update patch delete deletecollection impersonate bind escalate use`." },
	{ "names", A_STRINGS, false, "resourceNames: only these objects." },
	{ "urls", A_STRINGS, false, "Non-resource URLs (a ClusterRole's)." },
	END,
};
static const sema_attr bind_attrs[] = {
	{ "to", A_SUBJECTS, true, "Who is bound: `group(..)`, `user(..)`, `service_account(NAME, NAMESPACE)`." },
	{ "in", A_ENV_REFS, false, "Where; omitted: cluster-wide (a ClusterRoleBinding)." },
	{ "name", A_STRING, false, "The binding's name (default: the role and the first subject)." },
	END,
};
static const sema_attr network_attrs[] = {
	{ "in", A_ENV_REFS, true, "The environments it applies in." },
	{ "select", A_MAP, false, "The pods it selects, by label; omitted: every pod." },
	{ "deny", A_DIRECTIONS, false, "The default-deny directions." },
	END,
};
static const sema_attr net_allow_attrs[] = {
	{ "to", A_PEERS, false, "Where egress may go." },
	{ "from", A_PEERS, false, "Where ingress may come from." },
	{ "ports", A_PORTS, false, "The ports allowed; omitted: all." },
	END,
};
static const sema_attr backup_attrs[] = {
	{ "schedule", A_CRON, true, "When the Velero Schedule runs." },
	{ "timezone", A_STRING, false, "The schedule's time zone (default: the project's)." },
	{ "retain", A_DURATION, true, "How long backups are kept." },
	{ "rpo", A_DURATION, false,
	  "The recovery point objective: warns when the schedule cannot meet it, and alerts `VeleroBackupTooOld`." },
	{ "in", A_ENV_REFS, true, "The environments backed up." },
	{ "select", A_MAP, false, "Only the objects with these labels." },
	{ "storage", A_STRING, false, "The Velero backup storage location." },
	{ "snapshot_volumes", A_BOOL, false, "Whether volumes are snapshotted." },
	{ "restore_test", A_CRON, false,
	  "When a CronJob restores the latest backup into a scratch namespace (alert `VeleroRestoreTestFailing`)." },
	{ "restore_namespace", A_STRING, false, "The scratch namespace (default `restore-test-NAME`)." },
	{ "restore_timeout", A_DURATION, false, "How long the restore may take (default 1h)." },
	END,
};
static const sema_attr alert_attrs[] = {
	{ "expr", A_STRING, true, "The PromQL expression, parsed and type-checked at compile time." },
	{ "for", A_DURATION, false, "How long the condition holds before the alert fires." },
	{ "severity", A_ALERT_SEVERITY, true, "The alert's severity." },
	{ "summary", A_STRING, false, "A one-line summary: a Go template Prometheus expands." },
	{ "description", A_STRING, false, "The description: a Go template Prometheus expands." },
	{ "runbook", A_STRING, false, "The runbook link (default: see `runbooks` of the project)." },
	{ "labels", A_MAP, false, "Labels of the alert; their values are Go templates." },
	{ "group", A_STRING, false, "The rule group (default `opsc`)." },
	{ "in", A_ENV_REFS, false, "The environments it is deployed in; omitted: every environment." },
	{ "causes", A_STRINGS, false, "Likely causes, for the runbook skeleton." },
	{ "checks", A_STRINGS, false, "First checks, for the runbook skeleton." },
	END,
};
static const sema_attr slo_attrs[] = {
	{ "service", A_STRING, true, "The service it is about." },
	{ "objective", A_PERCENT, true, "The objective, above 0% and below 100%." },
	{ "window", A_DURATION, false, "The window: `30d` (default) or `28d`." },
	{ "errors", A_STRING, false, "PromQL for the rate of errors, `{{.window}}` standing for the range." },
	{ "total", A_STRING, false, "PromQL for the rate of all requests, with `{{.window}}`." },
	{ "alert", A_STRING, false,
	  "The alerts' name (default: service and name in CamelCase and `ErrorBudgetBurn`)." },
	{ "page", A_ALERT_SEVERITY, false, "The severity of the page alert (default critical)." },
	{ "ticket", A_ALERT_SEVERITY, false, "The severity of the ticket alert (default warning)." },
	{ "labels", A_MAP, false, "Labels on every rule and alert." },
	{ "in", A_ENV_REFS, false, "The environments it is deployed in; omitted: every environment." },
	{ "runbook", A_STRING, false, "The alerts' runbook link (default: see `runbooks` of the project)." },
	{ "causes", A_STRINGS, false, "Likely causes, for the runbook skeleton (default: general ones)." },
	{ "checks", A_STRINGS, false, "First checks, for the runbook skeleton (default: general ones)." },
	END,
};
static const sema_attr latency_attrs[] = {
	{ "histogram", A_STRING, true, "A histogram's base name." },
	{ "le", A_STRING, true, "The bucket's `le` label, as the metrics show it: slower requests are errors." },
	{ "select", A_MAP, false, "Label matchers of the histogram's series." },
	END,
};
static const sema_attr receiver_attrs[] = { END };
static const sema_attr slack_attrs[] = {
	{ "channel", A_STRING, false, "The channel, `#name`." },
	{ "api_url", A_SECRET, true, "The webhook URL, a key of a Secret." },
	{ "send_resolved", A_BOOL, false, "Whether resolved alerts are notified." },
	{ "title", A_STRING, false, "The message title: a Go template Alertmanager expands." },
	{ "text", A_STRING, false, "The message text: a Go template Alertmanager expands." },
	END,
};
static const sema_attr pagerduty_attrs[] = {
	{ "routing_key", A_SECRET, true, "The Events API v2 routing key, a key of a Secret." },
	{ "send_resolved", A_BOOL, false, "Whether resolved alerts are notified." },
	{ "description", A_STRING, false, "The incident's description: a Go template Alertmanager expands." },
	END,
};
static const sema_attr webhook_attrs[] = {
	{ "url", A_SECRET, true, "The URL notifications are posted to, a key of a Secret." },
	{ "send_resolved", A_BOOL, false, "Whether resolved alerts are notified." },
	END,
};
static const sema_attr email_attrs[] = {
	{ "to", A_STRING, true, "The address mail goes to." },
	{ "from", A_STRING, false, "The sender's address." },
	{ "smarthost", A_STRING, false, "The SMTP server, `host:port`." },
	{ "password", A_SECRET, false, "The SMTP password, a key of a Secret." },
	{ "send_resolved", A_BOOL, false, "Whether resolved alerts are notified." },
	{ "subject", A_STRING, false, "The subject: a Go template Alertmanager expands." },
	{ "text", A_STRING, false, "The body: a Go template Alertmanager expands." },
	END,
};
/* What a route and each of its `when` branches both set. */
#define ROUTE_GROUPING \
	{ "group_by", A_STRINGS, false, "The labels alerts are grouped by (`...`: every label, alone)." }, \
	{ "group_wait", A_DURATION, false, "How long a new group waits before its first notification." }, \
	{ "group_interval", A_DURATION, false, "How long before a group's new alerts are notified." }, \
	{ "repeat_interval", A_DURATION, false, "How long before a notification is sent again." }, \
	{ "continue", A_BOOL, false, "Whether routing goes on after a match." }
static const sema_attr route_attrs[] = {
	{ "to", A_RECEIVER, true, "The receiver alerts go to." },
	ROUTE_GROUPING,
	END,
};
static const sema_attr when_attrs[] = {
	{ "to", A_RECEIVER, false, "The receiver the matching alerts go to (default: the route's)." },
	ROUTE_GROUPING,
	END,
};
static const sema_attr policy_attrs[] = {
	{ "severity", A_LEVEL, false, "The severity of its findings." },
	{ "description", A_STRING, false, "What it requires, for `opsc explain`." },
	END,
};
static const sema_attr secret_attrs[] = {
	{ "description", A_STRING, false, "What the rule finds." },
	{ "pattern", A_PATTERN, true, "A PCRE2 pattern, in multi-line mode." },
	{ "group", A_INT, false, "The capture group holding the secret; 0: the whole match." },
	{ "keywords", A_STRINGS, false,
	  "Prefilter: the rule runs only on a line holding one (case-insensitively) and the next." },
	{ "entropy", A_NUMBER, false, "The minimum Shannon entropy of the secret." },
	{ "severity", A_LEVEL, false, "The severity of its findings." },
	{ "paths", A_STRINGS, false, "Only these files (globs); omitted: all." },
	{ "allow_paths", A_STRINGS, false, "Files never scanned by it (globs)." },
	{ "allow_values", A_STRINGS, false, "PCRE2 patterns: a secret matching one is not reported." },
	{ "assigned", A_BOOL, false,
	  "True: the secret is whatever a credential-named key holds, checked for plausibility." },
	{ "example", A_STRING, false, "A line it finds (`opsc explain`, docs/rules.md)." },
	{ "ignores", A_STRING, false, "A line it deliberately leaves alone." },
	END,
};
static const sema_attr secret_store_attrs[] = {
	{ "provider", A_STRING, true, "The key under the ClusterSecretStore's `spec.provider`." },
	{ "spec", A_MAP, false, "The provider's settings; dotted keys nest." },
	{ "refresh", A_DURATION, false, "The default refreshInterval of its ExternalSecrets (default 1h)." },
	END,
};
static const sema_attr no_attrs[] = { END };

static const sema_schema schemas[] = {
	{ "project", NULL, 1, 1, "the project's name", project_attrs, false,
	  "One per repository: where the output goes, who reviews, the defaults of the other blocks." },
	{ "rules", "project", 0, 0, NULL, NULL, false,
	  "Re-levels or disables lint rules: each attribute is a rule id (`opsc explain --list`) set to "
	  "`error`, `warning`, `note` or `off`." },
	{ "rotation", "project", 0, 0, NULL, NULL, false,
	  "The rotation period of each kind of secret (`api_token = 90d`), and `runbook`, the rotation alerts' "
	  "runbook link." },
	{ "environment", NULL, 1, 1, "the environment's name", environment_attrs, false,
	  "A namespace on a cluster, with its GitHub deployment protection and its quota." },
	{ "protect", "environment", 0, 0, NULL, protect_attrs, false,
	  "The GitHub environment's deployment protection rules." },
	{ "quota", "environment", 0, 0, NULL, quota_attrs, false, "The namespace's ResourceQuota." },
	{ "limits", "quota", 0, 0, NULL, limits_attrs, false, "The namespace's LimitRange for containers." },
	{ "role", NULL, 1, 1, "the role's name", role_attrs, false,
	  "An RBAC Role, or a ClusterRole when cluster-wide." },
	{ "allow", "role", 0, 0, NULL, role_allow_attrs, false, "One rule of the role." },
	{ "bind", NULL, 1, 1, "the role to bind: role.NAME or a built-in role (cluster-admin, admin, edit, view)",
	  bind_attrs, false, "A RoleBinding, or a ClusterRoleBinding without `in`." },
	{ "network", NULL, 1, 1, "the network policy's name", network_attrs, false,
	  "A NetworkPolicy in each environment." },
	{ "allow", "network", 2, 2, "the direction (ingress or egress) and the rule's name", net_allow_attrs, false,
	  "Traffic allowed, to or from peers `namespace(NAME [, POD_LABELS])`, `namespaces(LABELS)`, "
	  "`pods(LABELS)`, `cidr(CIDR [, EXCEPT])` or `all`." },
	{ "backup", NULL, 1, 1, "the schedule's name", backup_attrs, false,
	  "A Velero Schedule, with its RPO alert and its restore test." },
	{ "alert", NULL, 1, 1, "the alert's name", alert_attrs, false, "A Prometheus alerting rule." },
	{ "slo", NULL, 1, 1, "the SLO's name", slo_attrs, false,
	  "A service level objective: Sloth's recording rules and multi-window multi-burn-rate alerts." },
	{ "latency", "slo", 0, 0, NULL, latency_attrs, false,
	  "A latency SLI instead of `errors` and `total`: requests slower than `le` are errors." },
	{ "receiver", NULL, 1, 1, "the receiver's name", receiver_attrs, false,
	  "An Alertmanager receiver: one `slack`, `pagerduty`, `webhook` or `email` block." },
	{ "slack", "receiver", 0, 0, NULL, slack_attrs, false, "Notifications to Slack." },
	{ "pagerduty", "receiver", 0, 0, NULL, pagerduty_attrs, false, "Notifications to PagerDuty." },
	{ "webhook", "receiver", 0, 0, NULL, webhook_attrs, false, "Notifications posted to a URL." },
	{ "email", "receiver", 0, 0, NULL, email_attrs, false, "Notifications by mail." },
	{ "route", NULL, 0, 0, NULL, route_attrs, true,
	  "The Alertmanager routing tree: its root, and `when` conditions for the rest." },
	{ "when", "route", 0, 0, NULL, when_attrs, true,
	  "A child route for alerts matching `label == value` (`!=`, `=~`, `!~`, joined with `&&`)." },
	{ "policy", NULL, 1, 1, "the policy's name (its rule id)", policy_attrs, true,
	  "A rule over the Model: `for`, `require` and `deny` statements (see POLICIES below)." },
	{ "secret", NULL, 1, 1, "the rule's id", secret_attrs, false, "A secret-scanning rule for `opsc lint`." },
	{ "secret_store", NULL, 1, 1, "the store's name", secret_store_attrs, false,
	  "An External Secrets ClusterSecretStore that `secret(...)` references are filled from." },
	{ "template", NULL, 1, 1, "the template's name", no_attrs, false,
	  "Declares `param`s (typed, or typed by their default) and blocks; `use` instantiates it." },
	{ "use", NULL, 1, 1, "the template to instantiate: MODULE.TEMPLATE", NULL, false,
	  "Instantiates a template: each attribute sets a parameter." },
};

const sema_schema *sema_schema_all(uint32_t *n)
{
	*n = (uint32_t)(sizeof schemas / sizeof *schemas);
	return schemas;
}

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
