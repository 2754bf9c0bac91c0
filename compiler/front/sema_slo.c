/*
 * sema_slo.c - service level objectives, and the alerts opsc generates.
 *
 * An `slo` block becomes the recording rules Sloth generates (the error
 * ratio over each alert window and over the period, the error budget and
 * its burn) and two multi-window multi-burn-rate alerts: a page when the
 * budget of the period would be gone in about two days (2% of it in one
 * hour, 5% in six) and a ticket when it would be gone within the period
 * (10% in a day, 10% in three). Those alerts are appended to the Model's
 * alerts (after the declared ones, with the backups' alerts of
 * sema_alerts.c), so the routing proof, the alert policies and the
 * runbooks see them like declared ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promql.h"
#include "sema_build_int.h"
#include "sema_slo.h"

#define WINDOW_MARK "{{.window}}"

/* The alert windows of the Google SRE workbook (and of Sloth's
 * google-30d / google-28d): a share of the period's budget spent within
 * the long window, confirmed by the short one. */
typedef struct {
	double budget_pct;
	const char *short_w, *long_w;
	int64_t long_s;
} burn_window;

static const struct {
	const char *kind; /* the sloth_severity label */
	burn_window w[2];
} burn_alerts[] = {
	{ "page", { { 2, "5m", "1h", 3600 }, { 5, "30m", "6h", 6 * 3600 } } },
	{ "ticket", { { 10, "2h", "1d", 86400 }, { 10, "6h", "3d", 3 * 86400 } } },
};

static const char *const sli_windows[] = { "5m", "30m", "1h", "2h", "6h", "1d", "3d" };

static const struct {
	int64_t s;
	const char *text;
} periods[] = { { 30 * 86400, "30d" }, { 28 * 86400, "28d" } };

static const char *period_text(int64_t s)
{
	for (size_t i = 0; i < sizeof periods / sizeof *periods; i++)
		if (periods[i].s == s)
			return periods[i].text;
	return NULL;
}

/* --------------------------------------------------------------- helpers */

const char *opsc_slo_number(opsc_arena *a, double v)
{
	return opsc_arena_printf(a, "%.12g", v);
}

const char *opsc_slo_id(opsc_arena *a, const opsc_slo *slo)
{
	return opsc_arena_printf(a, "%s-%s", slo->service.s, slo->name.s);
}

/* A PromQL string literal's body: `"` and `\` escaped. */
static const char *promql_escape(opsc_arena *a, const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += (*p == '"' || *p == '\\') ? 2 : 1;
	char *out = opsc_arena_alloc(a, n + 1), *o = out;
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* {sloth_id="..", sloth_service="..", sloth_slo=".."}, as Sloth writes it. */
static const char *slo_selector(opsc_arena *a, const opsc_slo *slo)
{
	return opsc_arena_printf(a, "{sloth_id=\"%s\", sloth_service=\"%s\", sloth_slo=\"%s\"}",
				 promql_escape(a, opsc_slo_id(a, slo)), promql_escape(a, slo->service.s),
				 promql_escape(a, slo->name.s));
}

/* `query` with every {{.window}} replaced by `window`. */
static const char *with_window(opsc_arena *a, const char *query, const char *window)
{
	const char *out = "";
	for (const char *p; (p = strstr(query, WINDOW_MARK)); query = p + strlen(WINDOW_MARK))
		out = opsc_arena_printf(a, "%s%.*s%s", out, (int)(p - query), query, window);
	return opsc_arena_printf(a, "%s%s", out, query);
}

static double budget_ratio(const opsc_slo *slo)
{
	return (100.0 - slo->objective) / 100.0;
}

/* ------------------------------------------------------ recording rules */

uint32_t opsc_slo_rules(opsc_arena *a, const opsc_slo *slo, opsc_slo_rule *out)
{
	uint32_t n = 0;
	const char *sel = slo_selector(a, slo), *period = period_text(slo->window_s);
	if (!period)
		period = "30d"; /* an unknown window was reported; the rules are not emitted */
	for (size_t i = 0; i < sizeof sli_windows / sizeof *sli_windows; i++) {
		const char *w = sli_windows[i];
		out[n++] = (opsc_slo_rule){
			opsc_arena_printf(a, "slo:sli_error:ratio_rate%s", w),
			opsc_arena_printf(a, "(%s)\n/\n(%s)\n", with_window(a, slo->errors.s, w),
					  with_window(a, slo->total.s, w)),
			w, true,
		};
	}
	out[n++] = (opsc_slo_rule){
		opsc_arena_printf(a, "slo:sli_error:ratio_rate%s", period),
		opsc_arena_printf(a, "sum_over_time(slo:sli_error:ratio_rate5m%s[%s])\n/ ignoring (sloth_window)\n"
				     "count_over_time(slo:sli_error:ratio_rate5m%s[%s])\n",
				  sel, period, sel, period),
		period, true,
	};
	const char *burn = "%s%s\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio%s\n";
	const opsc_slo_rule meta[] = {
		{ "slo:objective:ratio", opsc_arena_printf(a, "vector(%s)", opsc_slo_number(a, slo->objective / 100)), NULL, false },
		{ "slo:error_budget:ratio", opsc_arena_printf(a, "vector(%s)", opsc_slo_number(a, budget_ratio(slo))), NULL, false },
		{ "slo:time_period:days", opsc_arena_printf(a, "vector(%lld)", (long long)(slo->window_s / 86400)), NULL, false },
		{ "slo:current_burn_rate:ratio", opsc_arena_printf(a, burn, "slo:sli_error:ratio_rate5m", sel, sel), NULL, false },
		{ "slo:period_burn_rate:ratio",
		  opsc_arena_printf(a, burn, opsc_arena_printf(a, "slo:sli_error:ratio_rate%s", period), sel, sel), NULL, false },
		{ "slo:period_error_budget_remaining:ratio", opsc_arena_printf(a, "1 - slo:period_burn_rate:ratio%s", sel), NULL, false },
		{ "sloth_slo_info", "vector(1)", NULL, false },
	};
	for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
		out[n++] = meta[i];
	return n;
}

/* ------------------------------------------------------ burn-rate alerts */

/* Sloth's alert expression: both windows of a pair above `factor` times
 * the budget, either pair. */
static const char *burn_expr(opsc_arena *a, const opsc_slo *slo, size_t k)
{
	const char *sel = slo_selector(a, slo), *budget = opsc_slo_number(a, budget_ratio(slo));
	const char *out = "";
	for (int i = 0; i < 2; i++) {
		const burn_window *w = &burn_alerts[k].w[i];
		const char *f = opsc_slo_number(a, (double)slo->window_s * w->budget_pct / 100.0 / (double)w->long_s);
		out = opsc_arena_printf(a,
					"%s%s(\n"
					"    max(slo:sli_error:ratio_rate%s%s > (%s * %s)) without (sloth_window)\n"
					"    and\n"
					"    max(slo:sli_error:ratio_rate%s%s > (%s * %s)) without (sloth_window)\n"
					")\n",
					out, i ? "or\n" : "", w->short_w, sel, f, budget, w->long_w, sel, f, budget);
	}
	return out;
}

/* "requests-availability" -> "RequestsAvailability". */
static const char *camel(opsc_arena *a, const char *s)
{
	char *out = opsc_arena_strdup(a, s), *o = out;
	bool up = true;
	for (; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '.' || *s == ' ') {
			up = true;
			continue;
		}
		*o++ = up && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
		up = false;
	}
	*o = '\0';
	return out;
}

static const char *const slo_causes[] = {
	"a deployment or configuration change shortly before the burn started",
	"a dependency (database, queue, upstream API) failing or slow",
	"more traffic than the service has capacity for",
};
static const char *const slo_checks[] = {
	"the SLI recording rules slo:sli_error:ratio_rate5m and _rate1h: when did the ratio rise, on which instances",
	"recent rollouts of the service (`flux get kustomizations`, `kubectl rollout history`)",
	"the remaining budget: slo:period_error_budget_remaining:ratio",
};

/* What the SLO's alerts take from the block. */
static void read_alerting(builder *b, const sema_item *it, opsc_slo *slo)
{
	opsc_arena *a = b->s->ctx->arena;
	slo->alert = (opsc_str){ opsc_arena_printf(a, "%s%sErrorBudgetBurn", camel(a, slo->service.s ? slo->service.s : ""),
						   camel(a, slo->name.s)), slo->name.span };
	sema_item_string(b, it, "alert", &slo->alert);
	slo->page = (opsc_str){ "critical", slo->span };
	slo->ticket = (opsc_str){ "warning", slo->span };
	sema_item_severity(b, it, "page", &slo->page);
	sema_item_severity(b, it, "ticket", &slo->ticket);
	sema_item_string(b, it, "runbook", &slo->runbook);
	slo->causes = sema_strs_of(a, slo_causes, sizeof slo_causes / sizeof *slo_causes, slo->span);
	slo->checks = sema_strs_of(a, slo_checks, sizeof slo_checks / sizeof *slo_checks, slo->span);
	const opsc_expr *e;
	if ((e = sema_item_attr(b, it, "causes")))
		sema_strings(b->s, e, it->scope, &slo->causes);
	if ((e = sema_item_attr(b, it, "checks")))
		sema_strings(b->s, e, it->scope, &slo->checks);
}

/* The page and the ticket alert of a built SLO, appended to the Model's
 * (after the declared ones: their order must not depend on the files'). */
void sema_slo_alert_pair(builder *b, const opsc_slo *slo)
{
	opsc_arena *a = b->s->ctx->arena;
	opsc_model *m = b->s->model;
	const char *period = period_text(slo->window_s);
	for (size_t k = 0; k < 2; k++) {
		opsc_alert *al = &m->alerts[m->nalerts++];
		memset(al, 0, sizeof *al);
		al->span = slo->span;
		al->used_at = slo->used_at;
		al->name = slo->alert;
		al->group = (opsc_str){ opsc_arena_printf(a, "slo-alerts-%s", opsc_slo_id(a, slo)), slo->span };
		al->expr = (opsc_str){ burn_expr(a, slo, k), slo->span };
		al->severity = k ? slo->ticket : slo->page;
		al->origin = "slo";
		al->summary = (opsc_str){ opsc_arena_printf(a, "(%s) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.",
							   burn_alerts[k].kind), slo->span };
		const burn_window *w = burn_alerts[k].w;
		al->description = (opsc_str){
			opsc_arena_printf(a, "SLO %s of %s (objective %s%% over %s) spends its error budget too fast: %g%% of the "
					     "%s budget within %s (confirmed over %s), or %g%% within %s (confirmed over %s).",
					  slo->name.s, slo->service.s, slo->objective_text, period, w[0].budget_pct, period,
					  w[0].long_w, w[0].short_w, w[1].budget_pct, w[1].long_w, w[1].short_w),
			slo->span
		};
		al->labels.items = opsc_arena_alloc(a, (slo->labels.len + 1) * sizeof *al->labels.items);
		for (uint32_t i = 0; i < slo->labels.len; i++)
			al->labels.items[i] = slo->labels.items[i];
		al->labels.len = slo->labels.len;
		al->labels.items[al->labels.len++] = (opsc_kv){ { "sloth_severity", slo->span }, { burn_alerts[k].kind, slo->span } };
		al->envs = slo->envs;
		al->nenvs = slo->nenvs;
		al->runbook = slo->runbook;
		al->causes = slo->causes;
		al->checks = slo->checks;
		opsc_promql_error err;
		if (!opsc_promql_check(al->expr.s, (uint32_t)strlen(al->expr.s), &err, NULL))
			opsc_diag_error(&b->s->ctx->diags, "promql", slo->span, "the alert %s of slo `%s` is not PromQL: %s",
					al->name.s, slo->name.s, err.message);
	}
}

/* ------------------------------------------------------------- the block */

static void check_query(builder *b, const opsc_slo *slo, const opsc_str *q, const char *what)
{
	opsc_diags *d = &b->s->ctx->diags;
	if (!strstr(q->s, WINDOW_MARK)) {
		uint32_t id = opsc_diag_error(d, "slo-window-missing", q->span,
					      "the %s query of slo `%s` has no `" WINDOW_MARK "`: it is computed over "
					      "each alert window, so its range must be left open",
					      what, slo->name.s);
		opsc_diag_help(d, id, "write the range as `[" WINDOW_MARK "]`, like rate(http_requests_total[" WINDOW_MARK "])");
		return;
	}
	const char *text = with_window(b->s->ctx->arena, q->s, "5m");
	opsc_promql_error err;
	if (!opsc_promql_check(text, (uint32_t)strlen(text), &err, NULL)) {
		uint32_t id = opsc_diag_error(d, "promql", q->span, "the %s query of slo `%s` is not PromQL: %s",
					      what, slo->name.s, err.message);
		opsc_diag_help(d, id, "with the window filled in it reads `%s`", text);
	}
}

/* The histogram is a metric name (its _bucket and _count series are
 * queried) and `le` a bucket bound as the client writes it. */
static bool latency_names_ok(builder *b, const opsc_str *hist, const opsc_str *le)
{
	opsc_diags *d = &b->s->ctx->diags;
	const char *h = hist->s;
	bool ok = *h && !(*h >= '0' && *h <= '9');
	for (; *h && ok; h++)
		ok = (*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') || *h == '_' || *h == ':';
	if (!ok) {
		opsc_diag_error(d, "bad-histogram", hist->span,
				"`%s` is not a metric name: letters, digits, `_` and `:`, not starting with a digit", hist->s);
		return false;
	}
	char *end;
	strtod(le->s, &end);
	if (*le->s && !*end && strcmp(le->s, "+Inf") != 0)
		return true;
	uint32_t id = opsc_diag_error(d, "bad-histogram", le->span, "`%s` is not a bucket bound of the histogram", le->s);
	opsc_diag_help(d, id, "give the `le` label of the bucket as the metrics show it, like \"0.25\" or \"1\"");
	return false;
}

/* A latency SLI: the requests slower than `le` are the errors (Sloth's
 * kubernetes-apiserver example): count - bucket{le} over count. */
static void build_latency(builder *b, const sema_item *it, const opsc_block *lb, opsc_slo *slo)
{
	sema_item li = { lb, it->scope, it->file };
	opsc_str hist = { 0 }, le = { 0 };
	opsc_kvs sel = { 0 };
	sema_item_string(b, &li, "histogram", &hist);
	sema_item_string(b, &li, "le", &le);
	const opsc_expr *e = sema_item_attr(b, &li, "select");
	if (e)
		sema_map(b->s, e, it->scope, &sel);
	if (!hist.s || !le.s || !latency_names_ok(b, &hist, &le))
		return;
	opsc_arena *a = b->s->ctx->arena;
	const char *m = "";
	for (uint32_t i = 0; i < sel.len; i++)
		m = opsc_arena_printf(a, "%s%s=\"%s\",", m, sel.items[i].key.s, promql_escape(a, sel.items[i].value.s));
	const char *count = opsc_arena_printf(a, "sum(rate(%s_count{%.*s}[" WINDOW_MARK "]))", hist.s,
					      (int)(strlen(m) ? strlen(m) - 1 : 0), m);
	slo->errors = (opsc_str){ opsc_arena_printf(a, "(%s - sum(rate(%s_bucket{%sle=\"%s\"}[" WINDOW_MARK "])))", count,
						    hist.s, m, promql_escape(a, le.s)), lb->type_span };
	slo->total = (opsc_str){ count, lb->type_span };
}

static void build_objective(builder *b, const sema_item *it, opsc_slo *slo)
{
	const opsc_expr *e = sema_item_attr(b, it, "objective");
	if (!e)
		return;
	e = sema_resolve(b->s, e, it->scope);
	if (e->kind != OPSC_EXPR_PERCENT)
		return; /* the schema check reported it */
	slo->objective = e->num.value;
	slo->objective_text = opsc_arena_strndup(b->s->ctx->arena, e->num.text, strcspn(e->num.text, "%"));
	if (slo->objective > 0 && slo->objective < 100)
		return;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "bad-objective", e->span,
				     "the objective of slo `%s` is %s: it must be above 0%% and below 100%%",
				     slo->name.s, e->num.text);
	opsc_diag_help(&b->s->ctx->diags, d, "99.9%% allows one bad event in a thousand; 100%% leaves no error budget to alert on");
	slo->objective = 0;
}

static void build_window(builder *b, const sema_item *it, opsc_slo *slo)
{
	slo->window_s = 30 * 86400;
	const opsc_expr *e = sema_item_attr(b, it, "window");
	if (!e || !sema_duration(b->s, e, it->scope, &slo->window_s) || period_text(slo->window_s))
		return;
	uint32_t d = opsc_diag_error(&b->s->ctx->diags, "unknown-window", e->span,
				     "slo `%s` has a window opsc has no burn rates for", slo->name.s);
	opsc_diag_help(&b->s->ctx->diags, d, "use 30d or 28d, the periods of the SRE workbook's alert windows");
	slo->window_s = 0;
}

static void build_sli(builder *b, const sema_item *it, opsc_slo *slo)
{
	opsc_diags *d = &b->s->ctx->diags;
	const opsc_block *lb = sema_child_block(it->block, "latency", NULL);
	sema_item_string(b, it, "errors", &slo->errors);
	sema_item_string(b, it, "total", &slo->total);
	if (lb && (slo->errors.s || slo->total.s)) {
		uint32_t id = opsc_diag_error(d, "slo-sli", lb->type_span,
					      "slo `%s` has both a `latency` block and `errors`/`total` queries", slo->name.s);
		opsc_diag_help(d, id, "an SLI is either the ratio of two queries or a latency threshold: keep one");
		return;
	}
	if (lb) {
		build_latency(b, it, lb, slo);
		return;
	}
	const char *missing = !slo->errors.s && !slo->total.s ? "`errors` and `total` queries"
			      : !slo->errors.s			? "`errors` query"
			      : !slo->total.s			? "`total` query"
								: NULL;
	if (missing) {
		uint32_t id = opsc_diag_error(d, "slo-sli", it->block->type_span, "slo `%s` has no %s", slo->name.s, missing);
		opsc_diag_help(d, id, "give `errors` and `total` (PromQL with `[" WINDOW_MARK "]`), or a `latency` block");
		return;
	}
	check_query(b, slo, &slo->errors, "errors");
	check_query(b, slo, &slo->total, "total");
}

void sema_build_slo(builder *b, const sema_item *it, opsc_slo *slo)
{
	uint32_t errors = b->s->ctx->diags.errors;
	slo->span = it->block->type_span;
	slo->used_at = sema_used_at(it);
	slo->name = sema_item_str(b, it);
	sema_item_string(b, it, "service", &slo->service);
	build_objective(b, it, slo);
	build_window(b, it, slo);
	build_sli(b, it, slo);
	const opsc_expr *e = sema_item_attr(b, it, "labels");
	if (e)
		sema_map(b->s, e, it->scope, &slo->labels);
	sema_env_list(b, it, sema_item_attr(b, it, "in"), &slo->envs, &slo->nenvs, NULL);
	read_alerting(b, it, slo);
	if (b->s->ctx->diags.errors != errors || !slo->service.s || !slo->errors.s || !slo->total.s)
		return;
	/* what the queries become must parse as well: a problem here is the
	 * user's query combined into a rule */
	opsc_slo_rule *rules = opsc_arena_alloc(b->s->ctx->arena, OPSC_SLO_MAX_RULES * sizeof *rules);
	uint32_t n = opsc_slo_rules(b->s->ctx->arena, slo, rules);
	slo->id = opsc_slo_id(b->s->ctx->arena, slo);
	slo->rules = rules;
	slo->nrules = n;
	for (uint32_t i = 0; i < n; i++) {
		opsc_promql_error err;
		if (opsc_promql_check(rules[i].expr, (uint32_t)strlen(rules[i].expr), &err, NULL))
			continue;
		opsc_diag_error(&b->s->ctx->diags, "promql", slo->errors.span,
				"the rule %s of slo `%s` is not PromQL: %s", rules[i].record, slo->name.s, err.message);
		break; /* the others are the same query over other windows */
	}
}
