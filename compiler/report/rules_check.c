/*
 * rules_check.c - the checks of the .ops sources as lint rules.
 *
 * Every diagnostic `opsc check` reports has a stable id; `opsc lint`
 * reports the same ones as findings of kind `check`, and `opsc explain ID`
 * explains them. They are the language's verdict, shared by check, lint and
 * build, so the project block cannot re-level them (rules.c says so).
 * tests/diagnostics/verdict.py holds every id a fixture reports to this
 * table.
 */
#include "rules.h"

#define NONE OPSC_NO_SPAN
#define CHECK(id, sev, summary, explanation) \
	{ id, OPSC_RULE_CHECK, OPSC_SEV_##sev, summary, explanation, NULL, NONE, OPSC_SEV_##sev, false, false, NULL, NULL }

static const opsc_rule checks[] = {
	CHECK("approvals", ERROR, "more approvals required than reviewers can give",
	      "An environment requires more approvals than it lists reviewers (a team counts as many): "
	      "no deployment could ever be approved. With only teams listed it is a warning."),
	CHECK("backup-retention", WARNING, "backups expire before the next one runs",
	      "A backup keeps each copy for less time than the longest gap between two runs of its "
	      "schedule, so for a while no backup exists at all. Raise `retain` to at least the gap."),
	CHECK("backup-rpo", WARNING, "a backup schedule runs less often than its rpo",
	      "The longest gap between two runs of the schedule (in the schedule's time zone) is longer "
	      "than the recovery point objective the backup declares. Run it more often or raise `rpo`."),
	CHECK("bad-arguments", ERROR, "wrong arguments for a built-in function",
	      "group(), user(), namespace(), service_account() and the other built-in functions take "
	      "a fixed set of arguments; the message says which."),
	CHECK("bad-cidr", ERROR, "not a CIDR", "An address range must be `a.b.c.d/n` (IPv4) or an IPv6 "
	      "prefix, with the host bits zero."),
	CHECK("bad-condition", ERROR, "not a route condition",
	      "A route's `when` takes `label == value` (or !=, =~, !~), joined with &&."),
	CHECK("bad-cron", ERROR, "not a cron schedule",
	      "A schedule is five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or "
	      "jan-dec) and day of week (0-7 or sun-sat), each `*`, a value, a range, a list or a step."),
	CHECK("bad-direction", ERROR, "`to` on an ingress rule or `from` on an egress one",
	      "An egress rule names where traffic goes (`to`), an ingress rule where it comes from (`from`)."),
	CHECK("bad-duration", ERROR, "not a duration", "Durations are a number and a unit: s, m, h, d, w "
	      "(`30s`, `1h30m`)."),
	CHECK("bad-histogram", ERROR, "a latency SLI's histogram or bucket that cannot be queried",
	      "A latency SLI reads `<histogram>_bucket{le=...}` and `<histogram>_count`: the histogram is "
	      "a metric name (letters, digits, `_`, `:`) and `le` a bucket bound as the metrics show it "
	      "(\"0.25\", \"1\", \"+Inf\")."),
	CHECK("bad-integer", ERROR, "a fraction where the target takes a whole number",
	      "Kubernetes counts objects (`pods`, `services`, `secrets`, ... of a quota) in whole numbers: "
	      "`pods = 1.5` is rejected by the API server. Give an integer."),
	CHECK("bad-interpolation", ERROR, "an interpolation that cannot be resolved at compile time",
	      "Only template parameters and literals can be interpolated with `${...}`."),
	CHECK("bad-labels", ERROR, "wrong block labels", "Each block takes a fixed number of labels "
	      "(`environment \"name\"`, `allow egress \"name\"`); the message says which."),
	CHECK("bad-objective", ERROR, "an SLO objective that leaves no error budget, or nothing else",
	      "An SLO's objective is the share of good events, strictly between 0% and 100%: 100% leaves "
	      "no error budget to burn and alert on, 0% promises nothing."),
	CHECK("bad-output", ERROR, "an `output` opsc build cannot replace safely",
	      "`output` is relative to the project directory and not in `.git`, not the project "
	      "directory or above it, not in policies/: a build replaces the whole directory."),
	CHECK("bad-label-name", ERROR, "a label name Prometheus or Alertmanager refuses",
	      "Alert `labels` keys, a route's `group_by` and the labels its conditions match are label "
	      "names: letters, digits and `_`, not starting with a digit (`team_name`, not `team-name`). "
	      "promtool check rules refuses an alert label named otherwise or `__name__`; amtool "
	      "check-config refuses such a group_by or matcher, a label grouped by twice, and `...` "
	      "with other labels."),
	CHECK("bad-name", ERROR, "a name that cannot name an output directory or a Kubernetes object",
	      "Cluster and environment names become directories of the output: no `/`, `\\`, `.`, `..` "
	      "or control characters. Names also become Kubernetes object names, which the API server "
	      "checks: a namespace, an environment (Flux Kustomization names, a label value) is lowercase "
	      "letters, digits and `-`, at most 63; a backup (a Velero Schedule), a network policy and a "
	      "cluster are DNS subdomains (also `.`, each part starting and ending with a letter or "
	      "digit); a role or binding has no `/` or `%`."),
	CHECK("bad-percentage", ERROR, "a percentage out of the range its target accepts",
	      "Quota and limit thresholds, alert thresholds on usage and error ratios are percentages of "
	      "something that cannot exceed the whole: 0% to 100%. `memory = 185%` never fires."),
	CHECK("bad-pod-security", ERROR, "not a Pod Security Admission label",
	      "Namespace labels `pod-security.kubernetes.io/MODE` and `MODE-version` take a mode of "
	      "enforce, audit or warn; the level is privileged, baseline or restricted and the version "
	      "`latest` or `v1.N`. The API server rejects anything else."),
	CHECK("bad-port", ERROR, "not a port", "Ports are 1-65535 with a protocol: `53/udp`, `443/tcp`, "
	      "`8000-8080/tcp`."),
	CHECK("bad-quantity", ERROR, "not a Kubernetes quantity", "Quantities are a number with an "
	      "optional suffix: m k M G T P E Ki Mi Gi Ti Pi Ei (`500m`, `64Gi`)."),
	CHECK("bad-repo", ERROR, "`repo` is not a GitHub owner/name", "The project's `repo` is the GitHub "
	      "repository the environments belong to, as \"owner/name\"."),
	CHECK("bad-route-regex", ERROR, "a route condition's regular expression does not compile",
	      "Alertmanager refuses a configuration whose `=~` or `!~` pattern is not a valid regular "
	      "expression, and keeps running the previous one: the change never takes effect."),
	CHECK("bad-runbooks", ERROR, "a runbooks directory opsc build cannot write into",
	      "`runbooks` is a directory inside the project, relative to it (no absolute path, no `..`): "
	      "`opsc build` writes runbook skeletons there. `runbook_url` says where that directory is "
	      "served and needs it."),
	CHECK("bad-secret-option", ERROR, "an option secret(...) does not take",
	      "secret(NAME, KEY, { ... }) takes kind, rotate, store, remote, property and refresh; the help "
	      "line suggests the closest."),
	CHECK("bad-smarthost", ERROR, "an email smarthost without a port",
	      "Alertmanager reads an email receiver's `smarthost` as host:port (`smtp.example.com:587`, "
	      "`[2001:db8::1]:25`) and refuses the whole configuration when the port is missing."),
	CHECK("bad-store-spec", ERROR, "a secret store's spec path that makes no YAML",
	      "A `spec` key of a secret_store is a path of names joined by single dots "
	      "(`auth.tokenSecretRef.name`), nested under spec.provider.PROVIDER. A key may not be empty, "
	      "start or end with a dot, or be both a value and the parent of another key."),
	CHECK("bad-value", ERROR, "a value outside the ones an attribute takes",
	      "The attribute takes one of a fixed set of words; the message lists them."),
	CHECK("cannot-read", ERROR, "a .ops file cannot be read", "The file named on the command line "
	      "or imported does not exist or cannot be read."),
	CHECK("cron-never-fires", ERROR, "a cron schedule that never runs",
	      "The schedule names a day of month that its months never have (`0 2 31 2 *`: February "
	      "31st; April, June, September and November 31st; February 30th): the backup never runs."),
	CHECK("dead-route", WARNING, "no declared alert reaches a route",
	      "Each declared alert is walked down the routing tree as Alertmanager's dispatcher walks it; "
	      "no alert reaches this route: its conditions match none of them, or an earlier route "
	      "without `continue = true` takes them first. Only the topmost such route is reported."),
	CHECK("duplicate", ERROR, "two blocks declare the same object", "Each environment, role, "
	      "network policy, backup, alert, receiver and policy has one declaration; the note points "
	      "at the first."),
	CHECK("duplicate-attribute", ERROR, "an attribute given twice", "An attribute appears once per "
	      "block."),
	CHECK("duplicate-key", ERROR, "a map key given twice", "A key appears once per map."),
	CHECK("email-without-smtp", WARNING, "email receiver without from and smarthost",
	      "The plain alertmanager.yml has no global SMTP settings, so an email notifier needs its own "
	      "`from` and `smarthost`."),
	CHECK("empty-receiver", ERROR, "a receiver that sends nowhere", "A receiver needs at least one "
	      "of slack { }, pagerduty { }, webhook { } or email { }."),
	CHECK("expected", ERROR, "a syntax error: something expected is missing", "The parser expected "
	      "a name or a value here."),
	CHECK("github-limit", ERROR, "a protection GitHub cannot enforce",
	      "GitHub environments take at most 6 reviewers and one approval; more approvals need a "
	      "ruleset on named branches (at most 10 approvals), and approvals need reviewers."),
	CHECK("go-template", ERROR, "a text Prometheus or Alertmanager cannot parse as a Go template",
	      "Alert annotations (`summary`, `description`, `runbook`) and `labels` are Go templates that "
	      "Prometheus expands (promtool check rules refuses the rule file when one does not parse); "
	      "a receiver's `title`, `text`, `description` and `subject` are Go templates Alertmanager "
	      "expands for every notification. They are parsed as Prometheus 2.42 and Alertmanager 0.25 "
	      "parse them: balanced `{{ }}` and `{{end}}`, pipelines, declared variables (`$labels`, "
	      "`$value` only in alerts) and each program's functions (`humanize` only in alerts, `join` "
	      "only in receivers). The error is at the action inside the string."),
	CHECK("import-cycle", ERROR, "files import each other", "An import cycle has no first file; "
	      "the notes show the chain."),
	CHECK("invalid-utf8", ERROR, "a .ops file is not UTF-8", "Source files are UTF-8."),
	CHECK("misplaced", ERROR, "a statement outside the block it belongs to", "`param` belongs in a "
	      "template, `when` in a route, `for`, `require` and `deny` in a policy."),
	CHECK("missing-attribute", ERROR, "a required attribute is missing", "The block needs the "
	      "attribute; the message names it."),
	CHECK("import-outside", ERROR, "an import outside the project directory",
	      "A local import resolves, through symbolic links, inside the project directory; "
	      "the file outside is never read."),
	CHECK("missing-import", ERROR, "an imported file does not exist", "A local import is relative "
	      "to the importing file."),
	CHECK("missing-param", ERROR, "a template parameter without a default is not given",
	      "Each `use` gives every parameter that has no default; the note points at its declaration."),
	CHECK("nesting-too-deep", ERROR, "expressions nested too deeply", "opsc refuses nesting deeper "
	      "than it can check in bounded time."),
	CHECK("param-order", ERROR, "a parameter default names a later parameter", "A default may name "
	      "only parameters declared before it."),
	CHECK("param-type", ERROR, "a template parameter given a value of the wrong type",
	      "A parameter declared with a type (`param name : string`, `: duration`, `: percentage`, "
	      "`: quantity`, `: number`, `: bool`, `: list`, `: map`, `: port`) takes only values of that "
	      "type; the error is at the value in the `use` block, the note at the declaration."),
	CHECK("pod-security-conflict", ERROR, "a Pod Security label written beside `pod_security`",
	      "`pod_security = LEVEL` sets the namespace labels pod-security.kubernetes.io/enforce, audit "
	      "and warn (with their -version); a label of that prefix in `labels` would contradict it. "
	      "Keep one of the two."),
	CHECK("policy-arity", ERROR, "a policy function called with the wrong number of arguments",
	      "The message says how many the function takes."),
	CHECK("policy-eval", ERROR, "a policy failed while it was evaluated", "A policy expression "
	      "could not be evaluated on a record (e.g. a value of the wrong type)."),
	CHECK("policy-type", ERROR, "an ill-typed policy expression", "Comparisons and operators in "
	      "policies are typed: a duration is compared with a duration, a number with a number."),
	CHECK("promql", ERROR, "an alert expression that is not valid PromQL", "Each alert's `expr` is "
	      "parsed and type-checked as PromQL after template parameters are substituted (selectors, "
	      "matchers and their regular expressions, function argument types, durations, operators, "
	      "aggregations): Prometheus would refuse the rule file. A value that lands in the expression "
	      "is reported where it is passed, with a note where it lands."),
	CHECK("restore-namespace", ERROR, "a restore test that would restore into an environment",
	      "A restore test restores the latest backup into its scratch namespace, over what the last "
	      "test left there: it must not be an environment's namespace. Keep the default "
	      "`restore-test-<backup>` or name another one."),
	CHECK("reviewer-id", ERROR, "a reviewer without a GitHub id", "GitHub's API takes numeric ids: "
	      "map every reviewer handle in the project's `reviewers`."),
	CHECK("secret-group", ERROR, "a secret rule's group the pattern does not have", "`group` names "
	      "the capture group holding the secret; the pattern must have that many."),
	CHECK("secret-pattern", ERROR, "a secret rule's pattern does not compile", "Secret rule patterns "
	      "are PCRE2 regular expressions."),
	CHECK("secret-rotation", WARNING, "a referenced secret without a rotation period",
	      "Every secret(...) reference needs a rotation period: `rotate = 90d` in its options, or a "
	      "kind (`kind = password`) with a period in the project's `rotation { }`. The period becomes "
	      "an alert on the age of the Kubernetes Secret (kube-state-metrics kube_secret_created); "
	      "without one, a credential stays valid forever."),
	CHECK("secret-store-conflict", ERROR, "one Secret filled from two stores",
	      "References to the same Secret (same namespace and name) name different secret stores: "
	      "one ExternalSecret writes one Secret from one store."),
	CHECK("secret-store-write-only", ERROR, "a Secret filled from a store that cannot be read",
	      "External Secrets Operator's github provider only writes GitHub Actions secrets "
	      "(PushSecret); an ExternalSecret from it never gets a value. Fill the Secret from a store "
	      "that can be read (onepassword, vault, aws, ...)."),
	CHECK("slo-sli", ERROR, "an SLO without a complete SLI",
	      "An SLO measures either the ratio of an `errors` query to a `total` query, or a `latency` "
	      "block (a histogram and a threshold): one of the two, complete."),
	CHECK("slo-window-missing", ERROR, "an SLO query with a fixed range",
	      "The errors and total queries are evaluated over every alert window (5m to 3d and the "
	      "period): write their range as `[{{.window}}]`, which opsc fills in."),
	CHECK("timezone-unchecked", NOTE, "a time zone could not be checked",
	      "The machine has no tzdata (/usr/share/zoneinfo), so time-zone names were not checked; "
	      "install tzdata to check them."),
	CHECK("too-complex", ERROR, "a file too complex to parse", "The parser gave up on the file."),
	CHECK("too-many-errors", ERROR, "too many syntax errors", "After many syntax errors in one "
	      "file the rest is not reported."),
	CHECK("type-mismatch", ERROR, "a value of the wrong type or unit", "The attribute expects "
	      "another type or unit (`wait = 64Gi`); the message says which."),
	CHECK("unclosed", ERROR, "an unclosed bracket or block", "The note points at the bracket that "
	      "is not closed."),
	CHECK("unexpected", ERROR, "a syntax error: something unexpected", "The parser found a token "
	      "where none of that kind can stand."),
	CHECK("unexpected-character", ERROR, "a character that starts no token", "The character is "
	      "not part of the language here."),
	CHECK("unexpected-eof", ERROR, "the file ends inside a construct", "A block, list or string "
	      "is not closed before the end of the file."),
	CHECK("unknown-attribute", ERROR, "an attribute the block does not take", "The help line "
	      "suggests the closest attribute."),
	CHECK("unknown-block", ERROR, "a block type the language does not have", "The help line "
	      "suggests the closest block type."),
	CHECK("unknown-collection", ERROR, "a policy iterates over an unknown collection", "Policies "
	      "iterate over environments, roles, bindings, networks, backups, alerts, receivers and routes."),
	CHECK("unknown-field", ERROR, "a policy reads a field the record does not have", "The help "
	      "line suggests the closest field."),
	CHECK("unknown-function", ERROR, "a call to a function that does not exist", "The help line "
	      "suggests the closest function."),
	CHECK("unknown-module", ERROR, "an import of a standard library module that does not exist",
	      "The standard library modules are std/rbac, std/network, std/backup, std/quota and std/alerts."),
	CHECK("unknown-param", ERROR, "a `use` gives a parameter the template does not have",
	      "The help line suggests the closest parameter."),
	CHECK("unknown-reference", ERROR, "a reference to an object that is not declared",
	      "env.NAME, role.NAME and receiver.NAME name declared objects; the help line suggests the "
	      "closest."),
	CHECK("unknown-rule", ERROR, "a project re-levels a rule that does not exist",
	      "The project's `rules { }` names lint rules by id; `opsc explain --list` lists them."),
	CHECK("unknown-secret-provider", WARNING, "a secret store provider External Secrets does not know",
	      "A secret_store's `provider` becomes the key under ClusterSecretStore spec.provider; "
	      "External Secrets Operator v1 knows onepassword, vault, aws, github, gcpsm, azurekv and "
	      "others (the help line suggests the closest). A newer operator may know more, so this is a "
	      "warning."),
	CHECK("unknown-template", ERROR, "a `use` of a template that does not exist", "The help line "
	      "suggests the closest template."),
	CHECK("unknown-timezone", ERROR, "a time zone the tz database does not have",
	      "Time zones (the project's `timezone`, a backup's) are IANA names checked against the "
	      "system's tzdata: `Europe/Berlin`, `America/New_York`, `UTC`. Velero and cron reject "
	      "anything else."),
	CHECK("unknown-window", ERROR, "an SLO window without burn-rate windows",
	      "opsc knows the alert windows and burn factors of the SRE workbook for 30-day and 28-day "
	      "periods (Sloth's google-30d and google-28d); use `window = 30d` or `28d`."),
	CHECK("unrouted-alert", ERROR, "an alert that reaches no receiver", "The alert matches no route "
	      "with `to`, and the root route has none: its notifications are dropped."),
	CHECK("unterminated-string", ERROR, "a string without its closing quote", "A string ends on the "
	      "line it starts; raw strings (backquotes) may span lines."),
	CHECK("unused-receiver", WARNING, "a receiver no route uses", "The receiver is declared but no "
	      "route sends to it."),
	CHECK("use-too-deep", ERROR, "templates use each other too deeply", "Template uses nest at most "
	      "a fixed depth (a cycle never ends)."),
	CHECK("webhook-not-in-plain-config", WARNING, "a webhook the plain alertmanager.yml leaves out",
	      "Alertmanager 0.25 cannot read a webhook URL from a file (url_file came in 0.26), so the "
	      "plain file leaves the webhook out; the AlertmanagerConfig keeps it."),
};

const opsc_rule *opsc_rules_checks(uint32_t *out_len)
{
	*out_len = sizeof checks / sizeof *checks;
	return checks;
}
