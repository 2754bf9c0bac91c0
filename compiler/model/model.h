/*
 * model.h - the typed Model: the centre of opsc.
 *
 * Sema builds it from .ops (the intended state); lint builds the same Model
 * from the YAML manifests found in a repository (the actual state). Emitters
 * read it, policies are predicates over it, drift is the difference between
 * two of them. Every node keeps its span (into .ops or into a manifest).
 *
 * All memory belongs to the arena of the compilation that built the Model.
 * Lists are (pointer, length) pairs; order is declaration order, except where
 * a comment says the list is sorted.
 */
#ifndef OPSC_MODEL_H
#define OPSC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

typedef struct opsc_stmt opsc_stmt;

/* A string with where it was written. */
typedef struct {
	const char *s;
	opsc_span span;
} opsc_str;

typedef struct {
	opsc_str *items;
	uint32_t len;
} opsc_strs;

typedef struct {
	opsc_str key, value;
} opsc_kv;

typedef struct {
	opsc_kv *items;
	uint32_t len;
} opsc_kvs;

/* A Kubernetes quantity: as written ("64Gi", "500m") and in milli-units. */
typedef struct {
	const char *text;
	double milli;
	opsc_span span;
} opsc_qty;

/* ------------------------------------------------------------------ project */

typedef struct {
	opsc_str handle; /* "alice" or "@acme/platform" (a team) */
	int64_t id; /* GitHub numeric user or team id */
	bool team;
} opsc_reviewer;

/* Re-levels or disables a built-in lint rule: rules { no-wildcard-rbac = off } */
typedef struct {
	opsc_str rule;
	opsc_severity severity;
	bool disabled;
} opsc_rule_setting;

typedef struct {
	opsc_span span;
	opsc_str name;
	opsc_str repo; /* "owner/name" */
	opsc_str output; /* output directory, relative to the repository root */
	opsc_str timezone; /* default for backup schedules, e.g. "Europe/Lisbon"; may be NULL */
	opsc_reviewer *reviewers;
	uint32_t nreviewers;
	opsc_rule_setting *rules;
	uint32_t nrules;
	opsc_str break_glass; /* the one declared cluster-admin binding name, may be NULL */
	/* Runbooks: the directory of their Markdown files, relative to the
	 * project directory, and the base URL alerts link them under (NULL:
	 * the directory itself); runbooks NULL: links are not checked. */
	opsc_str runbooks, runbook_url;
	/* Flux: the GitRepository the Kustomizations read ("flux-system"), and
	 * the Kustomizations installing Velero ("velero") and the Prometheus
	 * operator ("kube-prometheus-stack"), which CRD-backed objects wait for. */
	opsc_str flux_source, flux_velero, flux_monitoring;
	opsc_kv *rotation; /* rotation { KIND = PERIOD }: the default period per secret kind */
	int64_t *rotation_s; /* the periods, one per rotation entry */
	uint32_t nrotation;
	opsc_str rotation_runbook; /* rotation { runbook = ".." }: the rotation alerts' runbook; may be NULL */
	opsc_str secret_store; /* the default store of every secret(...) reference; may be NULL */
	opsc_str flux_external_secrets; /* the Kustomization installing External Secrets Operator */
	opsc_str external_secrets_api; /* "v1" or "v1beta1" (operators before v0.16.0); NULL: v1 */
} opsc_project;

/* ------------------------------------------------------------- environments */

typedef struct {
	opsc_span span; /* NO_SPAN when the environment has no protect block */
	bool present;
	opsc_strs reviewers; /* handles, resolved to ids through the project */
	int approvals;
	opsc_span approvals_span;
	int64_t wait_s; /* seconds */
	opsc_span wait_span;
	opsc_strs branches; /* custom branch name patterns; empty: any branch */
	bool protected_branches; /* deploy from protected branches only */
	bool prevent_self_review;
	opsc_span prevent_self_review_span;
} opsc_protect;

typedef struct {
	opsc_str resource; /* "requests.cpu", "limits.memory", "pods", ... */
	opsc_qty value;
} opsc_quota_entry;

/* Container defaults of a LimitRange. */
typedef struct {
	opsc_span span;
	bool present;
	opsc_qty default_cpu, default_memory; /* limits */
	opsc_qty request_cpu, request_memory; /* defaultRequest */
	opsc_qty max_cpu, max_memory;
} opsc_limits;

typedef struct {
	opsc_span span;
	bool present;
	opsc_quota_entry *hard;
	uint32_t nhard;
	opsc_limits limits;
} opsc_quota;

typedef struct opsc_env {
	opsc_span span;
	opsc_str name; /* "production" */
	opsc_str cluster; /* "studio" */
	opsc_str namespace_; /* "vmshift-production" */
	bool production; /* tier = production (or name == "production") */
	opsc_kvs labels; /* extra namespace labels (pod_security adds its three here) */
	opsc_str pod_security; /* "restricted", "baseline", "privileged"; NULL: none declared */
	struct opsc_secret_ref *secrets; /* `secrets`: the Secrets its workloads read */
	uint32_t nsecrets;
	opsc_protect protect;
	opsc_quota quota;
} opsc_env;

/* --------------------------------------------------------------------- RBAC */

typedef struct {
	opsc_span span;
	opsc_strs api_groups; /* "" is the core group */
	opsc_strs resources;
	opsc_strs verbs;
	opsc_strs resource_names;
	opsc_strs non_resource_urls;
} opsc_rbac_rule;

typedef struct opsc_role {
	opsc_span span;
	opsc_span used_at; /* from a template: the user's outermost `use` of it; else no file */
	opsc_str name;
	bool cluster; /* ClusterRole (always for roles bound cluster-wide) */
	opsc_rbac_rule *rules;
	uint32_t nrules;
	const char *origin; /* template that produced it ("std.rbac.baseline"), or NULL */
} opsc_role;

typedef enum { OPSC_SUBJECT_USER, OPSC_SUBJECT_GROUP, OPSC_SUBJECT_SERVICE_ACCOUNT } opsc_subject_kind;

typedef struct {
	opsc_span span;
	opsc_subject_kind kind;
	opsc_str name;
	opsc_str namespace_; /* service accounts; NULL: the binding's namespace */
} opsc_subject;

typedef struct opsc_binding {
	opsc_span span;
	opsc_str name; /* generated "<role>-<subject>" unless given */
	opsc_str role_name; /* as written; role is NULL for built-ins like cluster-admin */
	const struct opsc_role *role;
	opsc_subject *subjects;
	uint32_t nsubjects;
	const struct opsc_env **envs; /* where it applies; none: cluster-wide */
	uint32_t nenvs;
} opsc_binding;

/* ---------------------------------------------------------- network policy */

typedef enum { OPSC_PEER_NAMESPACE, OPSC_PEER_POD, OPSC_PEER_CIDR, OPSC_PEER_ALL_NAMESPACES, OPSC_PEER_SAME_NAMESPACE } opsc_peer_kind;

typedef struct {
	opsc_span span;
	opsc_peer_kind kind;
	opsc_str name; /* namespace name (NAMESPACE), or CIDR (CIDR) */
	opsc_kvs selector; /* pod or namespace labels */
	opsc_strs except; /* CIDR exceptions */
} opsc_peer;

typedef struct {
	opsc_span span;
	uint32_t port, end_port; /* end_port == port for one port; 0: all ports */
	const char *protocol; /* "TCP", "UDP", "SCTP" */
} opsc_port;

typedef enum { OPSC_INGRESS, OPSC_EGRESS } opsc_direction;

typedef struct {
	opsc_span span;
	opsc_str name; /* "dns" */
	opsc_direction direction;
	opsc_peer *peers; /* none: anywhere */
	uint32_t npeers;
	opsc_port *ports; /* none: all ports */
	uint32_t nports;
} opsc_net_rule;

typedef struct {
	opsc_span span;
	opsc_span used_at; /* from a template: the user's outermost `use` of it; else no file */
	opsc_str name;
	const struct opsc_env **envs; /* `in`; all environments when all_envs */
	uint32_t nenvs;
	bool all_envs;
	opsc_kvs pod_selector; /* empty: every pod of the namespace */
	bool deny_ingress, deny_egress; /* default-deny directions */
	opsc_net_rule *rules;
	uint32_t nrules;
} opsc_netpol;

/* ------------------------------------------------------------------ backups */

typedef struct {
	opsc_span span;
	opsc_span used_at; /* from a template: the user's outermost `use` of it; else no file */
	opsc_str name;
	opsc_str schedule; /* 5-field cron, validated */
	opsc_str timezone; /* may be NULL: then the project's, then none */
	int64_t retain_s; /* TTL in seconds */
	opsc_span retain_span;
	int64_t rpo_s; /* declared recovery point objective, 0 if none */
	opsc_span rpo_span;
	const struct opsc_env **envs;
	uint32_t nenvs;
	bool all_envs;
	opsc_kvs select; /* label selector */
	opsc_str storage; /* storage location name; NULL: the default */
	bool snapshot_volumes;
	bool snapshot_volumes_set; /* written in .ops: `false` is then a choice, not a default */
	/* Restore test: a cron schedule (NULL: none), the scratch namespace
	 * the latest backup is restored into, how long a restore may take. */
	opsc_str restore_test;
	opsc_str restore_namespace;
	int64_t restore_timeout_s;
} opsc_backup;

/* ------------------------------------------------------------------- alerts */

typedef struct {
	opsc_span span;
	opsc_span used_at; /* from a template: the user's outermost `use` of it; else no file */
	opsc_str name; /* "HighErrorRate" */
	opsc_str group; /* rule group; default "opsc" or the template name */
	opsc_str expr; /* PromQL, parameters substituted */
	int64_t for_s;
	opsc_str severity; /* "critical", "warning", "info" */
	opsc_str summary, description, runbook;
	opsc_kvs labels; /* extra labels (severity is added by emitters) */
	const struct opsc_env **envs; /* where the rule is deployed; none: every env */
	uint32_t nenvs;
	opsc_strs causes, checks; /* likely causes and first checks, for its runbook */
	/* The runbook as a file of the project (relative to the project
	 * directory; NULL: a link outside it) and whether that file exists. */
	opsc_str runbook_file;
	bool runbook_found;
	const char *origin; /* "slo", "backup", "restore-test": generated from that block; NULL: declared */
} opsc_alert;

/* One recording rule of an SLO, in the form Sloth generates. */
enum { OPSC_SLO_MAX_RULES = 16 };

typedef struct {
	const char *record; /* "slo:sli_error:ratio_rate5m" */
	const char *expr;
	const char *window; /* the sloth_window label ("5m"); NULL on the meta rules */
	bool sli; /* in the SLI group; else in the meta group */
} opsc_slo_rule;

/* A service level objective, lowered to Sloth's recording rules and
 * multi-window multi-burn-rate alerts (sema_slo.c, emit/slo.c). */
typedef struct {
	opsc_span span;
	opsc_span used_at;
	opsc_str name; /* "requests-availability" */
	opsc_str service; /* "api" */
	double objective; /* percent, 0 < objective < 100 */
	const char *objective_text; /* as written, without '%': "99.9" */
	int64_t window_s; /* 28d or 30d */
	/* PromQL with {{.window}} where the range goes; a latency SLI is
	 * lowered to these two */
	opsc_str errors, total;
	opsc_kvs labels; /* on every rule */
	const struct opsc_env **envs; /* where the rules are deployed; none: every env */
	uint32_t nenvs;
	/* its two alerts: their name, the severities of the page and the
	 * ticket, the runbook link and the runbook's causes and checks */
	opsc_str alert, page, ticket, runbook;
	opsc_strs causes, checks;
	/* what sema derived (and checked as PromQL) for the emitter: the
	 * "<service>-<name>" id and the recording rules, in Sloth's order */
	const char *id;
	const opsc_slo_rule *rules;
	uint32_t nrules;
} opsc_slo;
/* ---------------------------------------------------------------- secrets */

/* secret_store "NAME": an External Secrets Operator ClusterSecretStore. */
typedef struct opsc_secret_store {
	opsc_span span;
	opsc_str name;
	opsc_str provider; /* the key under spec.provider: "vault", "onepassword", "aws", ... */
	opsc_kvs spec; /* the provider's settings; dotted keys nest ("auth.tokenSecretRef.name") */
	bool *spec_raw; /* per spec entry: written as a number or boolean, not a string */
	int64_t refresh_s; /* default refreshInterval of its ExternalSecrets; 0: opsc's 1h */
	opsc_span refresh_span;
} opsc_secret_store;

/* Secret reference: a key of a Kubernetes Secret, never an inline value,
 * with what secret(NAME, KEY, { ... }) or the project adds: how often it is
 * rotated and which store, if any, fills it. */
typedef struct opsc_secret_ref {
	opsc_span span;
	opsc_str name, key;
	opsc_str kind; /* "api_token", "password", "kubeconfig", ...; NULL: none given */
	int64_t rotate_s; /* rotation period; 0: none */
	opsc_span rotate_span; /* where the period was set: the reference or the project's rotation */
	opsc_str store_name; /* `store = store.NAME`, else the project's secret_store; may be NULL */
	const struct opsc_secret_store *store; /* NULL: the Secret is not filled from a store */
	opsc_str remote; /* the store's key; NULL: the Secret's name */
	opsc_str property; /* the property of that key; NULL: the Secret's key */
	int64_t refresh_s; /* 0: the store's */
} opsc_secret_ref;

/* One Kubernetes Secret the policy references, with all its keys: it
 * becomes an ExternalSecret when its references name a store, and a
 * rotation alert on its age when they give a period. */
typedef struct {
	opsc_span span; /* the first reference */
	opsc_str name;
	const char *namespace_;
	const struct opsc_env *env; /* NULL: the monitoring namespace, every cluster */
	const opsc_secret_ref **refs; /* one per key, first reference of each */
	uint32_t nrefs;
	opsc_str store_name; /* of the first reference that names a store; may be NULL */
	const opsc_secret_store *store; /* that store; NULL when not declared */
	int64_t refresh_s; /* the reference's, else the store's, else 3600 */
	opsc_str kind; /* of the first reference that gives one */
	int64_t rotate_s; /* the shortest period of its references; 0: none */
} opsc_secret;

typedef enum { OPSC_RECV_SLACK, OPSC_RECV_PAGERDUTY, OPSC_RECV_WEBHOOK, OPSC_RECV_EMAIL } opsc_receiver_kind;

typedef struct {
	opsc_span span;
	opsc_receiver_kind kind;
	opsc_str channel; /* slack */
	opsc_secret_ref api_url; /* slack webhook URL */
	opsc_secret_ref routing_key; /* pagerduty */
	opsc_secret_ref url; /* webhook */
	opsc_str to, from, smarthost; /* email */
	opsc_secret_ref auth_password; /* email, optional */
	/* Go templates Alertmanager expands when it notifies: slack title and
	 * text, pagerduty description, email subject and text */
	opsc_str title, text, description, subject;
	bool send_resolved;
	bool send_resolved_set; /* written in .ops: `false` is then a choice, not a default */
} opsc_notifier;

typedef struct opsc_receiver {
	opsc_span span;
	opsc_str name;
	opsc_notifier *notifiers;
	uint32_t nnotifiers;
} opsc_receiver;

typedef enum { OPSC_MATCH_EQ, OPSC_MATCH_NE, OPSC_MATCH_RE, OPSC_MATCH_NRE } opsc_match_op;

typedef struct {
	opsc_span span;
	opsc_str label, value;
	opsc_match_op op;
} opsc_matcher;

typedef struct opsc_route {
	opsc_span span;
	opsc_matcher *matchers; /* `when` conditions; none at the root */
	uint32_t nmatchers;
	opsc_str receiver_name;
	const struct opsc_receiver *receiver;
	opsc_strs group_by;
	int64_t group_wait_s, group_interval_s, repeat_interval_s; /* 0: default */
	bool continue_;
	struct opsc_route *children;
	uint32_t nchildren;
} opsc_route;

/* ----------------------------------------------------- policies and secrets */

typedef struct {
	opsc_span span;
	opsc_str name;
	opsc_severity severity;
	opsc_str description;
	const opsc_stmt *body; /* the checked statements (for/require/deny) */
	uint32_t nbody;
} opsc_policy;

typedef struct {
	opsc_span span;
	opsc_str id; /* "github-pat" */
	opsc_str description;
	opsc_str pattern; /* PCRE2 */
	uint32_t group; /* capture group holding the secret; 0: whole match */
	opsc_strs keywords; /* prefilter literals, matched case-insensitively */
	double entropy; /* minimum Shannon entropy of the secret, 0: none */
	opsc_severity severity;
	opsc_strs paths; /* only files matching these globs; empty: all */
	opsc_strs allow_paths; /* never in these globs */
	opsc_strs allow_values; /* PCRE2 patterns of values that are not secrets */
	bool assigned; /* the secret is what a credential-named key is set to:
			  checked for plausibility (scan_plausible.h) */
	opsc_str example; /* a line the rule finds, for `opsc explain` */
	opsc_str ignores; /* a line it deliberately leaves alone */
} opsc_secret_rule;

#include "workload.h"

/* ------------------------------------------------------------------- model */

typedef struct {
	opsc_project project;
	bool has_project;
	opsc_env *envs;
	uint32_t nenvs;
	opsc_role *roles;
	uint32_t nroles;
	opsc_binding *bindings;
	uint32_t nbindings;
	opsc_netpol *netpols;
	uint32_t nnetpols;
	opsc_backup *backups;
	uint32_t nbackups;
	opsc_alert *alerts; /* declared, then those generated from slos and backups */
	uint32_t nalerts;
	opsc_slo *slos;
	uint32_t nslos;
	opsc_receiver *receivers;
	uint32_t nreceivers;
	opsc_route route; /* the root route */
	bool has_route;
	opsc_policy *policies;
	uint32_t npolicies;
	opsc_secret_rule *secret_rules;
	uint32_t nsecret_rules;
	opsc_secret_store *stores;
	uint32_t nstores;
	opsc_secret *secrets; /* every referenced Secret, sorted by namespace and name */
	uint32_t nsecrets;
	opsc_workload *workloads; /* actual state only */
	uint32_t nworkloads;
	/* Per environment, what its workloads add up to, filled once by the
	 * builder of the actual Model; NULL: added up on each read. */
	const opsc_env_sums *env_sums;
} opsc_model;

/* Fills out[0..nenvs) with the sums of the workloads of each environment
 * (the workloads' env points into model->envs). */
void opsc_model_sum_workloads(const opsc_model *model, opsc_env_sums *out);
/* The container quantity a sum adds up. */
const opsc_qty *opsc_model_sum_qty(const opsc_container *c, opsc_sum_kind kind);

const opsc_env *opsc_model_find_env(const opsc_model *model, const char *name);
const opsc_role *opsc_model_find_role(const opsc_model *model, const char *name);
const opsc_receiver *opsc_model_find_receiver(const opsc_model *model, const char *name);

/* the rest of the interface */
#include "ast.h"
#include "project.h"

#endif
