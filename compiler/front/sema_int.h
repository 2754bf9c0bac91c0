/*
 * sema_int.h - internal to sema: block schemas, scopes and the value
 * readers shared by the checker (sema.c), the Model builders
 * (sema_build.c) and the policy type checker (sema_policy.c).
 */
#ifndef OPSC_SEMA_INT_H
#define OPSC_SEMA_INT_H

#include "model.h"
#include "util.h"
#include "schema.h"
#include "sema_gotmpl.h"


/* Template parameters in force while a `use` is instantiated. */
typedef struct sema_scope sema_scope;
struct sema_scope {
	const sema_scope *outer;
	const char **names;
	const opsc_expr **values;
	uint32_t len;
	const char *origin; /* "std.alerts.kubernetes" */
	opsc_span use; /* the `use` that instantiated the template (its label) */
	const sema_scope *caller; /* the scope that `use` was written in; NULL at top level */
};

/* One top-level block to turn into Model nodes. */
typedef struct {
	const opsc_block *block;
	const sema_scope *scope;
	uint32_t file; /* the .ops file it was written in */
} sema_item;

typedef struct {
	opsc_ctx *ctx;
	opsc_model *model;
} sema;

/* Value readers: each checks `e` against what the attribute expects and
 * reports a located error when it does not fit (returning false). */
const opsc_expr *sema_resolve(sema *s, const opsc_expr *e, const sema_scope *scope);
bool sema_string(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out);
/* A string that must be a PromQL expression promtool accepts (sema_promql.c). */
bool sema_promql(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_str *out);

/* A string Prometheus (alert annotations and labels) or Alertmanager
 * (receiver texts) expands as a Go template; a map whose string values
 * are (sema_texts.c). */
bool sema_go_template(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_gotmpl_dialect d, opsc_str *out);
void sema_go_template_map(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_gotmpl_dialect d);

/* A string value rendered with its parameters substituted, and where each
 * rendered byte came from (sema_render.c). `text` is NUL-terminated and
 * heap-owned: sema_rendered_free releases it. */
typedef struct {
	uint32_t off, len; /* in the rendered text */
	const opsc_str_part *part;
} sema_segment;

typedef struct {
	const opsc_expr *expr; /* the string, resolved */
	const sema_scope *scope;
	opsc_str str; /* the rendered value, in the arena */
	char *text;
	uint32_t len;
	sema_segment *segs;
	uint32_t nsegs;
	const char *what; /* "PromQL expression": what a note says a value lands in */
} sema_rendered;

/* Whether an error was reported at the start of `span` already: a value
 * one check refused is not reported again by the next. */
bool sema_reported(const sema *s, opsc_span span);
/* False when `e` is no string (reported) or a part does not render. */
bool sema_render(sema *s, const opsc_expr *e, const sema_scope *scope, sema_rendered *out);
void sema_rendered_free(sema_rendered *r);
/* An error at rendered bytes [start, end): at those bytes of the string as
 * written, or at the interpolated value they came from. Returns the
 * diagnostic, or UINT32_MAX when that value was already reported. */
uint32_t sema_rendered_error(sema *s, const sema_rendered *r, uint32_t start, uint32_t end, const char *code,
			     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool sema_int(sema *s, const opsc_expr *e, const sema_scope *scope, int64_t *out);
bool sema_number(sema *s, const opsc_expr *e, const sema_scope *scope, double *out);
bool sema_bool(sema *s, const opsc_expr *e, const sema_scope *scope, bool *out);
bool sema_duration(sema *s, const opsc_expr *e, const sema_scope *scope, int64_t *out);
bool sema_quantity(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_qty *out);
bool sema_strings(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_strs *out);
bool sema_map(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_kvs *out);
/* The list items of a list value, or the value itself as a one-item list. */
const opsc_expr *const *sema_items(sema *s, const opsc_expr *e, const sema_scope *scope, uint32_t *n);
/* The block's attribute `name`, or NULL. */
const opsc_stmt *sema_attr_find(const opsc_block *b, const char *name);
/* `null`, written or through a template parameter: the attribute is omitted. */
bool sema_is_null(sema *s, const opsc_expr *e, const sema_scope *scope);
/* The block's attribute `name`, or NULL when absent or null. */
const opsc_stmt *sema_attr_given(sema *s, const opsc_block *b, const char *name, const sema_scope *scope);
/* A label as text, with template parameters interpolated. */
const char *sema_label(sema *s, const opsc_label *l, const sema_scope *scope);

/* "a number", "a string": what a value is, for messages. */
const char *sema_describe(const opsc_expr *e);
/* Reports "expected <expected>, found <what e is>" at `e`; returns false. */
bool sema_mismatch(sema *s, const opsc_expr *e, const char *expected);

/* A value checked against its attribute's schema type (sema_check.c),
 * with the limits of the targets that apply to one value: whole numbers
 * where Kubernetes counts, cron schedules that run. */
bool sema_check_value(sema *s, const sema_attr *a, const opsc_expr *e, const sema_scope *scope);
bool sema_count(sema *s, const opsc_expr *e, const sema_scope *scope);
bool sema_cron_fires(sema *s, const opsc_str *schedule);

/* The limits of the targets (sema_limits.c): declared parameter types at
 * `use`, time zones in tzdata, Pod Security Admission labels. */
/* Checks the value `v` given to (or defaulted for) parameter `param`. */
void sema_param_check(sema *s, const opsc_stmt *param, const opsc_expr *v);
/* After the Model is built: time zones and namespace labels, and the
 * label names of alerts and routes and the names of the Kubernetes
 * objects the Model becomes (sema_names.c). */
void sema_limits_model(sema *s);
void sema_names_model(sema *s);

/* secret(NAME, KEY, { OPTIONS }) (sema_secrets.c): checks the options map
 * and, when `out` is not NULL, reads them into it. */
bool sema_secret_options(sema *s, const opsc_expr *e, const sema_scope *scope, opsc_secret_ref *out);
/* Lowers the checked call secret(NAME, KEY[, OPTIONS]) written as attribute
 * `attr` (which gives the default kind: `password` is a password, the
 * other receiver fields are API tokens). */
void sema_secret_lower(sema *s, const opsc_expr *call, const sema_scope *scope, const char *attr,
		       opsc_secret_ref *out);

/* Model builders (sema_build.c), run after every block was checked. */
void sema_build_items(sema *s, const sema_item *items, uint32_t n);

/* Policy type checking (sema_policy.c). */
void sema_policy_check(sema *s, const opsc_block *b, const sema_scope *scope);

#endif
