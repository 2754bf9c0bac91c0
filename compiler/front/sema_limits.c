/*
 * sema_limits.c - what the targets refuse, checked where the user wrote it:
 * template parameters of the type they declare (or that their default
 * has), time zones the tz database knows, Pod Security Admission labels.
 * (Whole numbers where Kubernetes counts objects and cron schedules that
 * can run are checked with a value's type, in sema_check.c.)
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sema_int.h"

/* ------------------------------------------------------ parameter types */

static bool is_duration(const opsc_expr *e)
{
	int64_t secs;
	const char *why;
	return e->kind == OPSC_EXPR_UNIT && opsc_units_duration(e->num.text, &secs, &why);
}

static bool is_quantity(const opsc_expr *e)
{
	double milli;
	const char *why;
	return (e->kind == OPSC_EXPR_UNIT || e->kind == OPSC_EXPR_NUMBER) &&
	       opsc_units_quantity(e->num.text, &milli, &why);
}

static bool is_whole(const opsc_expr *e)
{
	return e->kind == OPSC_EXPR_NUMBER && e->num.value == floor(e->num.value);
}

static bool is_env_ref(const opsc_expr *e)
{
	return e->kind == OPSC_EXPR_MEMBER && e->member.object->kind == OPSC_EXPR_IDENT &&
	       strcmp(e->member.object->ident, "env") == 0;
}

/* `all`, env.NAME, or a list of env.NAME */
static bool is_envs(const opsc_expr *e)
{
	if (e->kind == OPSC_EXPR_IDENT)
		return strcmp(e->ident, "all") == 0;
	if (e->kind != OPSC_EXPR_LIST)
		return is_env_ref(e);
	for (uint32_t i = 0; i < e->list.len; i++)
		if (!is_env_ref(e->list.items[i]))
			return false;
	return true;
}

static bool is_ports(const opsc_expr *e)
{
	if (e->kind != OPSC_EXPR_LIST)
		return e->kind == OPSC_EXPR_PORT;
	for (uint32_t i = 0; i < e->list.len; i++)
		if (e->list.items[i]->kind != OPSC_EXPR_PORT)
			return false;
	return true;
}

static bool is_kind(const opsc_expr *e, opsc_expr_kind k) { return e->kind == k; }
static bool is_string(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_STRING); }
static bool is_number(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_NUMBER); }
static bool is_bool(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_BOOL); }
static bool is_percent(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_PERCENT); }
static bool is_list(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_LIST); }
static bool is_map(const opsc_expr *e) { return is_kind(e, OPSC_EXPR_MAP); }

/* `param NAME : TYPE`. A percentage is a share of a whole (a usage, an
 * error ratio): 0% to 100%, where an alert threshold above would never
 * fire. */
static const struct {
	const char *name, *what;
	bool (*fits)(const opsc_expr *e);
} param_types[] = {
	{ "string", "a string", is_string },
	{ "number", "a number", is_number },
	{ "int", "a whole number", is_whole },
	{ "bool", "true or false", is_bool },
	{ "duration", "a duration like `5m`", is_duration },
	{ "quantity", "a quantity like `500m` or `64Gi`", is_quantity },
	{ "percentage", "a percentage like `80%`", is_percent },
	{ "port", "a port or a list of ports like [53/udp]", is_ports },
	{ "list", "a list", is_list },
	{ "map", "a map like { key = \"value\" }", is_map },
	{ "envs", "`all` or a list of environments like [env.production]", is_envs },
};
#define NPARAM_TYPES (sizeof param_types / sizeof *param_types)

static int find_type(const char *name)
{
	for (size_t i = 0; i < NPARAM_TYPES; i++)
		if (strcmp(param_types[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int unknown_type(sema *s, const opsc_stmt *p)
{
	const char *names[NPARAM_TYPES];
	for (size_t i = 0; i < NPARAM_TYPES; i++)
		names[i] = param_types[i].name;
	uint32_t d = opsc_diag_error(&s->ctx->diags, "param-type", p->param.type_span,
				     "unknown parameter type `%s`", p->param.type);
	const char *near = opsc_suggest(p->param.type, names, NPARAM_TYPES);
	if (near)
		opsc_diag_help(&s->ctx->diags, d, "did you mean `%s`?", near);
	else
		opsc_diag_help(&s->ctx->diags, d, "types are string, number, int, bool, duration, quantity, "
						  "percentage, port, list, map and envs");
	return -1;
}

/* The type a parameter without one takes from its literal default: a
 * threshold of `80%` given `5m` would be written into PromQL as `> 5m`. A
 * default that is a name, a list or null says nothing. */
static int inferred_type(const opsc_expr *def)
{
	if (!def)
		return -1;
	switch (def->kind) {
	case OPSC_EXPR_STRING: return find_type("string");
	case OPSC_EXPR_NUMBER: return find_type("number");
	case OPSC_EXPR_BOOL: return find_type("bool");
	case OPSC_EXPR_PERCENT: return find_type("percentage");
	case OPSC_EXPR_PORT: return find_type("port");
	case OPSC_EXPR_MAP: return find_type("map");
	case OPSC_EXPR_UNIT: return find_type(is_duration(def) ? "duration" : "quantity");
	default: return -1;
	}
}

static void percent_bounds(sema *s, const opsc_stmt *p, const opsc_expr *v)
{
	if (v->num.value >= 0 && v->num.value <= 100)
		return;
	uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-percentage", v->span,
				     "`%s` is out of range for `%s`: a percentage of a whole is 0%% to 100%%",
				     v->num.text, p->param.name);
	opsc_diag_add_note(&s->ctx->diags, d, p->param.name_span, "`%s` is declared here", p->param.name);
}

void sema_param_check(sema *s, const opsc_stmt *p, const opsc_expr *v)
{
	int t = p->param.type ? find_type(p->param.type) : inferred_type(p->param.default_value);
	if (p->param.type && t < 0)
		t = unknown_type(s, p);
	if (t < 0 || !v || v->kind == OPSC_EXPR_NULL)
		return;
	if (!param_types[t].fits(v)) {
		uint32_t d = opsc_diag_error(&s->ctx->diags, "param-type", v->span,
					     "parameter `%s` takes %s, found %s", p->param.name,
					     param_types[t].what, sema_describe(v));
		if (p->param.type)
			opsc_diag_add_note(&s->ctx->diags, d, p->param.type_span, "`%s` is declared `: %s` here",
					   p->param.name, p->param.type);
		else
			opsc_diag_add_note(&s->ctx->diags, d, p->param.default_value->span,
					   "`%s` takes the type of its default, %s", p->param.name,
					   sema_describe(p->param.default_value));
		return;
	}
	if (strcmp(param_types[t].name, "percentage") == 0)
		percent_bounds(s, p, v);
}

/* ---------------------------------------------------------- time zones */

/* TZDIR, as the C library reads it, else the system's tzdata. */
static const char *zone_dir(void)
{
	const char *dir = getenv("TZDIR");
	return dir && *dir ? dir : "/usr/share/zoneinfo";
}

/* A zone is a TZif file under the zone directory, named without `..`. */
static bool zone_exists(sema *s, const char *dir, const char *name)
{
	if (!*name || name[0] == '/' || strstr(name, ".."))
		return false;
	const char *path = opsc_arena_printf(s->ctx->arena, "%s/%s", dir, name);
	char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	struct stat st;
	bool ok = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && fread(magic, 1, 4, f) == 4 &&
		  memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

typedef opsc_array(const char *) name_list;

/* Zone names for "did you mean": Area/City two levels deep is enough. */
static void list_zones(sema *s, const char *dir, const char *prefix, int depth, name_list *out)
{
	DIR *d = opendir(opsc_arena_printf(s->ctx->arena, "%s%s%s", dir, *prefix ? "/" : "", prefix));
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
			continue; /* ".", "..", zone1970.tab, leap-seconds.list */
		const char *name = *prefix ? opsc_arena_printf(s->ctx->arena, "%s/%s", prefix, e->d_name)
					   : opsc_arena_strdup(s->ctx->arena, e->d_name);
		if (e->d_type == DT_DIR && depth < 2)
			list_zones(s, dir, name, depth + 1, out);
		else if (e->d_type != DT_DIR)
			opsc_array_push(out, name);
	}
	closedir(d);
}

static void check_zone(sema *s, const opsc_str *tz)
{
	const char *dir = zone_dir();
	struct stat st;
	if (!tz->s)
		return;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		opsc_diag_add(&s->ctx->diags, OPSC_SEV_NOTE, "timezone-unchecked", tz->span,
			      "time zone \"%s\" not checked: there is no tz database at %s (install tzdata)",
			      tz->s, dir);
		return;
	}
	if (zone_exists(s, dir, tz->s))
		return;
	uint32_t d = opsc_diag_error(&s->ctx->diags, "unknown-timezone", tz->span,
				     "\"%s\" is not a time zone of the tz database", tz->s);
	name_list zones = { 0 };
	list_zones(s, dir, "", 0, &zones);
	const char *near = opsc_suggest(tz->s, zones.items, zones.len);
	if (near)
		opsc_diag_help(&s->ctx->diags, d, "did you mean \"%s\"?", near);
	else
		opsc_diag_help(&s->ctx->diags, d, "zones are IANA names like \"Europe/Berlin\" or \"UTC\"");
	opsc_array_free(&zones);
}

/* ----------------------------------------------------- Pod Security */

#define PSA_PREFIX "pod-security.kubernetes.io/"

static const char *const psa_modes[] = { "enforce", "audit", "warn" };
static const char *const psa_levels[] = { "privileged", "baseline", "restricted" };

static bool one_of(const char *w, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

static void psa_error(sema *s, const opsc_str *at, const char *what, const char *word,
		      const char *const *words, size_t n, const char *expected)
{
	uint32_t d = opsc_diag_error(&s->ctx->diags, "bad-pod-security", at->span,
				     "`%s` is not a Pod Security Admission %s: expected %s", word, what, expected);
	const char *near = opsc_suggest(word, words, n);
	if (near)
		opsc_diag_help(&s->ctx->diags, d, "did you mean `%s`?", near);
}

/* latest, or v1.N */
static bool psa_version(const char *v)
{
	if (strcmp(v, "latest") == 0)
		return true;
	if (strncmp(v, "v1.", 3) != 0 || !v[3])
		return false;
	for (const char *c = v + 3; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

static void check_psa_label(sema *s, const opsc_kv *kv)
{
	const char *rest = kv->key.s + strlen(PSA_PREFIX);
	size_t n = strcspn(rest, "-");
	char mode[32];
	snprintf(mode, sizeof mode, "%.*s", (int)(n < sizeof mode ? n : sizeof mode - 1), rest);
	bool version = strcmp(rest + n, "-version") == 0;
	if (!one_of(mode, psa_modes, 3) || (rest[n] && !version)) {
		psa_error(s, &kv->key, "mode", rest, (const char *const[]){ "enforce", "audit", "warn",
			  "enforce-version", "audit-version", "warn-version" }, 6,
			  "enforce, audit or warn (or MODE-version)");
		return;
	}
	static const char *const versions[] = { "latest" };
	if (version && !psa_version(kv->value.s))
		psa_error(s, &kv->value, "version", kv->value.s, versions, 1, "`latest` or `v1.N`");
	else if (!version && !one_of(kv->value.s, psa_levels, 3))
		psa_error(s, &kv->value, "level", kv->value.s, psa_levels, 3, "privileged, baseline or restricted");
}

static void check_labels(sema *s, const opsc_kvs *labels)
{
	for (uint32_t i = 0; i < labels->len; i++)
		if (labels->items[i].key.s && labels->items[i].value.s &&
		    strncmp(labels->items[i].key.s, PSA_PREFIX, strlen(PSA_PREFIX)) == 0)
			check_psa_label(s, &labels->items[i]);
}

void sema_limits_model(sema *s)
{
	const opsc_model *m = s->model;
	if (m->has_project)
		check_zone(s, &m->project.timezone);
	for (uint32_t i = 0; i < m->nbackups; i++)
		check_zone(s, &m->backups[i].timezone);
	for (uint32_t i = 0; i < m->nenvs; i++)
		check_labels(s, &m->envs[i].labels);
	sema_names_model(s);
}
