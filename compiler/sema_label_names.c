/*
 * sema_label_names.c - the label names Prometheus and Alertmanager take:
 * an alert's `labels` keys (promtool check rules refuses the rule file),
 * a route's `group_by` and the labels its conditions match (amtool
 * check-config refuses the configuration). A name is [a-zA-Z_][a-zA-Z0-9_]*,
 * as model.LabelName.IsValid reads it in both.
 */
#include <string.h>

#include "sema_int.h"

static bool label_name(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
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
		fixed[n++] = label_name((char[]){ 'a', *c, 0 }) ? *c : '_';
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

void sema_label_names_model(sema *s)
{
	for (uint32_t i = 0; i < s->model->nalerts; i++)
		alert_labels(s, &s->model->alerts[i]);
	route(s, &s->model->route);
}
