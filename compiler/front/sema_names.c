/*
 * sema_names.c - the names the targets take.
 *
 * Label names for Prometheus and Alertmanager: an alert's `labels` keys
 * (promtool check rules refuses the rule file), a route's `group_by` and
 * the labels its conditions match (amtool check-config refuses the
 * configuration). A name is [a-zA-Z_][a-zA-Z0-9_]*, as
 * model.LabelName.IsValid reads it in both.
 *
 * Object names for Kubernetes: a backup becomes a Velero Schedule and a
 * network policy a NetworkPolicy, named as declared (DNS-1123 subdomains);
 * roles and bindings are RBAC objects (path segment names); environment
 * and cluster names go into the names of Flux Kustomizations
 * (`opsc-<env>-namespace`) and, for environments, the label value
 * `opsc.dev/environment`. The API server refuses anything else, so the
 * whole apply fails.
 */
#include <string.h>

#include "sema_int.h"

static bool label_char(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool label_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!label_char(*s))
			return false;
	return true;
}

/* false (reported) when `name` is no label name; `where` says whose. */
static bool check_name(sema *s, const opsc_str *name, const char *where)
{
	if (label_name(name->s))
		return true;
	uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-label-name", name->span,
				     "`%s` is not a label name %s: letters, digits and `_`, not starting with a digit",
				     name->s ? name->s : "", where);
	char fixed[64];
	size_t n = 0;
	if (name->s && *name->s >= '0' && *name->s <= '9')
		fixed[n++] = '_';
	for (const char *c = name->s ? name->s : ""; *c && n + 1 < sizeof fixed; c++)
		fixed[n++] = label_char(*c) ? *c : '_';
	fixed[n] = 0;
	if (n)
		opsc_diag_help(&s->ctx->diags, d, "write it `%s`", fixed);
	return false;
}

static void alert_labels(sema *s, const opsc_alert *al)
{
	for (uint32_t i = 0; i < al->labels.len; i++) {
		const opsc_str *k = &al->labels.items[i].key;
		if (check_name(s, k, "Prometheus accepts") && strcmp(k->s, "__name__") == 0)
			opsc_diag_error(&s->ctx->diags, "bad-label-name", k->span,
					"an alert cannot set `__name__`: Prometheus refuses the rule");
	}
}

/* group_by: label names, each once, or `...` (every label) alone. */
static void group_by(sema *s, const opsc_strs *g)
{
	for (uint32_t i = 0; i < g->len; i++) {
		const opsc_str *x = &g->items[i];
		if (strcmp(x->s, "...") == 0) {
			if (g->len > 1)
				opsc_diag_error(&s->ctx->diags, "bad-label-name", x->span,
						"`...` groups by every label: Alertmanager refuses it with other labels");
			continue;
		}
		if (!check_name(s, x, "Alertmanager groups by"))
			continue;
		for (uint32_t k = 0; k < i; k++) {
			if (strcmp(g->items[k].s, x->s) != 0)
				continue;
			uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-label-name", x->span,
						     "`%s` is in group_by twice: Alertmanager refuses it", x->s);
			opsc_diag_add_note(&s->ctx->diags, d, g->items[k].span, "first given here");
			break;
		}
	}
}

static void route(sema *s, const opsc_route *r)
{
	group_by(s, &r->group_by);
	for (uint32_t i = 0; i < r->nmatchers; i++)
		check_name(s, &r->matchers[i].label, "Alertmanager matches");
	for (uint32_t i = 0; i < r->nchildren; i++)
		route(s, &r->children[i]);
}

/* ------------------------------------------------------- object names */

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* DNS-1123 subdomain: dot-separated labels of [a-z0-9-], each starting and
 * ending alphanumeric, at most `max` in all. */
static bool subdomain(const char *s, size_t max)
{
	if (!s)
		return true; /* not given: reported as missing */
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool edge = i == 0 || i == n - 1 || s[i - 1] == '.' || s[i + 1] == '.';
		if (!lower_alnum(s[i]) && !(s[i] == '-' && !edge) && !(s[i] == '.' && i > 0 && i < n - 1))
			return false;
	}
	return true;
}

/* RBAC names: ValidatePathSegmentName. */
static bool path_segment(const char *s)
{
	return !s || (*s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strpbrk(s, "/%"));
}

/* A name that cannot be a directory gets that error instead, later
 * (opsc_emit_check_names, at compile time too). */
static bool directory_error(const char *s)
{
	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return true;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			return true;
	return false;
}

static void object_name(sema *s, const opsc_str *name, bool ok, const char *what, const char *rule)
{
	if (!ok && name->s && !sema_reported(s, name->span))
		opsc_diag_error(&s->ctx->diags, "bad-name", name->span, "\"%s\" cannot name %s: %s", name->s, what, rule);
}

#define SUBDOMAIN "lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit"

static void object_names(sema *s)
{
	const opsc_model *m = s->model;
	for (uint32_t i = 0; i < m->nbackups; i++)
		object_name(s, &m->backups[i].name, subdomain(m->backups[i].name.s, 253), "a Velero Schedule", SUBDOMAIN);
	for (uint32_t i = 0; i < m->nnetpols; i++)
		object_name(s, &m->netpols[i].name, subdomain(m->netpols[i].name.s, 253), "a NetworkPolicy", SUBDOMAIN);
	for (uint32_t i = 0; i < m->nroles; i++)
		object_name(s, &m->roles[i].name, path_segment(m->roles[i].name.s), "a Role", "no `/` or `%`, not `.` or `..`");
	for (uint32_t i = 0; i < m->nbindings; i++)
		object_name(s, &m->bindings[i].name, path_segment(m->bindings[i].name.s), "a RoleBinding",
			    "no `/` or `%`, not `.` or `..`");
	for (uint32_t i = 0; i < m->nenvs; i++) {
		/* a label value too: at most 63 */
		if (!directory_error(m->envs[i].name.s))
			object_name(s, &m->envs[i].name, subdomain(m->envs[i].name.s, 63) && !strchr(m->envs[i].name.s, '.'),
				    "an environment (it names Flux Kustomizations and labels its namespace)",
				    "lowercase letters, digits and `-`, at most 63");
		if (!directory_error(m->envs[i].cluster.s))
			object_name(s, &m->envs[i].cluster, subdomain(m->envs[i].cluster.s, 200),
				    "a cluster (it names Flux Kustomizations)", SUBDOMAIN);
	}
}

void sema_names_model(sema *s)
{
	for (uint32_t i = 0; i < s->model->nalerts; i++)
		alert_labels(s, &s->model->alerts[i]);
	route(s, &s->model->route);
	object_names(s);
}
