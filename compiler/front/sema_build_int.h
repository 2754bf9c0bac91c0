/*
 * sema_build_int.h - internal to the Model builders: the builder state and
 * the helpers shared by the driver (sema_build.c) and the per-domain
 * builders (sema_build_project.c, sema_build_ops.c).
 */
#ifndef OPSC_SEMA_BUILD_INT_H
#define OPSC_SEMA_BUILD_INT_H

#include "sema_int.h"
#include "util.h"

typedef struct {
	sema *s;
	const sema_item *items;
	uint32_t n;
	opsc_strindex envs, roles, receivers;
} builder;

/* The name of the item's block for messages ("environment"). */
const char *sema_item_name(builder *b, const sema_item *it);
/* The object's name (first label) and where it was written. */
opsc_str sema_item_str(builder *b, const sema_item *it);
/* The value of the item's attribute `name`, or NULL when absent or null. */
const opsc_expr *sema_item_attr(builder *b, const sema_item *it, const char *name);
/* Reads string attribute `name` into `out` when present. */
void sema_item_string(builder *b, const sema_item *it, const char *name, opsc_str *out);
/* A string attribute Prometheus or Alertmanager expands as a Go template. */
void sema_item_text(builder *b, const sema_item *it, const char *name, opsc_gotmpl_dialect d, opsc_str *out);
/* The next nested block of `type` at or after *from (NULL: the first). */
const opsc_block *sema_child_block(const opsc_block *b, const char *type, uint32_t *from);
/* env.NAME / role.NAME / receiver.NAME -> slot, or UINT32_MAX after a
 * located error with did-you-mean. */
uint32_t sema_resolve_ref(builder *b, const opsc_strindex *ix, const opsc_expr *e, const char *what);
/* `in = all | [env.a, ...]` -> environments; *all set for `all` when given. */
void sema_env_list(builder *b, const sema_item *it, const opsc_expr *e, const opsc_env ***out, uint32_t *n,
		   bool *all);

/* The user's outermost `use` behind an item from a template;
 * OPSC_NO_SPAN for an item written directly. */
opsc_span sema_used_at(const sema_item *it);

/* An alert severity (critical, warning, info; a word or a string) into `out` when given. */
void sema_item_severity(builder *b, const sema_item *it, const char *name, opsc_str *out);
/* `n` fixed strings as a list, each placed at `span`. */
opsc_strs sema_strs_of(opsc_arena *a, const char *const *v, uint32_t n, opsc_span span);

/* sema_slo.c: service level objectives, and the alerts generated from
 * them and from backups (RPO, restore test), appended to the Model's. */
void sema_build_slo(builder *b, const sema_item *it, opsc_slo *slo);
void sema_slo_alert_pair(builder *b, const opsc_slo *slo);
/* sema_alerts.c: after every block is built, the alerts of SLOs and
 * backups; after every alert exists, the default runbook links. */
void sema_slo_alerts(builder *b);
void sema_runbook_links(builder *b);

/* sema_build_project.c: environments, the project block, policies, secrets. */
void sema_build_env(builder *b, const sema_item *it, opsc_env *env);
void sema_build_project(builder *b, const sema_item *it, opsc_project *p);
void sema_build_policy(builder *b, const sema_item *it, opsc_policy *p);
void sema_build_secret(builder *b, const sema_item *it, opsc_secret_rule *r);
void sema_check_reviewer_ids(builder *b);

/* sema_secrets.c: secret stores, the project's rotation defaults, each
 * environment's `secrets` and `pod_security`; then every referenced Secret
 * (model->secrets) and an alert on the age of each one with a period. */
void sema_build_secrets(builder *b);
/* sema_rotation.c: the rest, once the stores and references are read. */
void sema_rotation_build(builder *b);

/* sema_paths.c: `output`, clusters and environment names as directories. */
void sema_check_paths(builder *b);

/* sema_build_ops.c: RBAC, network policies, backups, alerts, receivers, routes. */
void sema_build_role(builder *b, const sema_item *it, opsc_role *role);
void sema_build_binding(builder *b, const sema_item *it, opsc_binding *bd);
void sema_build_network(builder *b, const sema_item *it, opsc_netpol *np);
void sema_build_backup(builder *b, const sema_item *it, opsc_backup *bk);
void sema_build_alert(builder *b, const sema_item *it, opsc_alert *al);
void sema_build_receiver(builder *b, const sema_item *it, opsc_receiver *rc);
void sema_build_route(builder *b, const sema_item *it, const opsc_body *body, const opsc_expr *cond, opsc_route *r);

#endif
