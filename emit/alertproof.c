/*
 * alertproof.c - the routing proof: each declared alert is walked down the
 * routing tree the way Alertmanager's dispatcher walks it, so a mistake in
 * the tree shows up at `opsc build` instead of as a page that never came.
 *
 * An alert carries the labels alertname, severity and its extra labels; a
 * matcher on a label the alert does not carry sees the empty string, as in
 * Alertmanager. Regular expressions are anchored like Alertmanager's
 * (^(?:re)$) and run with PCRE2, which agrees with Go's RE2 on the syntax
 * routing conditions use.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "alertproof.h"

typedef struct {
	const opsc_matcher *m;
	pcre2_code *code; /* NULL: the pattern does not compile (reported once) */
} regex_entry;

typedef struct {
	opsc_emit *em;
	opsc_array(regex_entry) regexes;
	opsc_array(const opsc_route *) reached; /* routes whose matchers some alert met */
	pcre2_match_data *md;
	opsc_array(const char *) delivered; /* receivers the walked alert reaches */
} proof;

/* ------------------------------------------------------------- matching */

static const char *alert_label(const opsc_alert *al, const char *name)
{
	if (strcmp(name, "alertname") == 0)
		return al->name.s;
	if (strcmp(name, "severity") == 0 && al->severity.s)
		return al->severity.s;
	for (uint32_t i = 0; i < al->labels.len; i++)
		if (strcmp(al->labels.items[i].key.s, name) == 0)
			return al->labels.items[i].value.s;
	return "";
}

static pcre2_code *regex_of(proof *p, const opsc_matcher *m)
{
	for (uint32_t i = 0; i < p->regexes.len; i++)
		if (p->regexes.items[i].m == m)
			return p->regexes.items[i].code;
	const char *pat = opsc_arena_printf(p->em->ctx->arena, "^(?:%s)$", m->value.s);
	int err;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(err, msg, sizeof msg);
		opsc_diag_error(&p->em->ctx->diags, "bad-route-regex", m->value.span,
				"`%s` is not a valid regular expression: %s", m->value.s,
				(const char *)msg);
	}
	opsc_array_push(&p->regexes, ((regex_entry){ m, code }));
	return code;
}

/* A pattern that does not compile holds for no value, with =~ or !~. */
static bool regex_holds(proof *p, const opsc_matcher *m, const char *value)
{
	pcre2_code *code = regex_of(p, m);
	if (!code)
		return false;
	bool hit = pcre2_match(code, (PCRE2_SPTR)value, PCRE2_ZERO_TERMINATED, 0, 0, p->md, NULL) >= 0;
	return m->op == OPSC_MATCH_RE ? hit : !hit;
}

static bool matcher_holds(proof *p, const opsc_matcher *m, const opsc_alert *al)
{
	const char *v = alert_label(al, m->label.s);
	switch (m->op) {
	case OPSC_MATCH_EQ:
		return strcmp(v, m->value.s) == 0;
	case OPSC_MATCH_NE:
		return strcmp(v, m->value.s) != 0;
	case OPSC_MATCH_RE:
	case OPSC_MATCH_NRE:
		return regex_holds(p, m, v);
	}
	return false;
}

static bool route_matches(proof *p, const opsc_route *r, const opsc_alert *al)
{
	for (uint32_t i = 0; i < r->nmatchers; i++)
		if (!matcher_holds(p, &r->matchers[i], al))
			return false;
	return true;
}

/* ---------------------------------------------------------------- walking */

static bool has_receiver(const opsc_route *r)
{
	return r->receiver || (r->receiver_name.s && *r->receiver_name.s);
}

static bool was_reached(const proof *p, const opsc_route *r)
{
	for (uint32_t i = 0; i < p->reached.len; i++)
		if (p->reached.items[i] == r)
			return true;
	return false;
}

/* Alertmanager's Route.Match: a route whose matchers hold tries its children
 * in order, stops at the first that matched unless that child has
 * `continue`, and delivers itself when no child matched. A route without
 * `to` delivers to the receiver it inherits; *lost is set when a delivering
 * route has none to inherit. Returns whether `r` matched. */
static bool walk(proof *p, const opsc_alert *al, const opsc_route *r, const char *inherited, bool *lost)
{
	if (!route_matches(p, r, al))
		return false;
	if (!was_reached(p, r))
		opsc_array_push(&p->reached, r);
	const char *recv = has_receiver(r) ? r->receiver_name.s : inherited;
	bool any = false;
	for (uint32_t i = 0; i < r->nchildren; i++) {
		bool hit = walk(p, al, &r->children[i], recv, lost);
		any = any || hit;
		if (hit && !r->children[i].continue_)
			break;
	}
	if (!any && !recv)
		*lost = true;
	else if (!any)
		opsc_array_push(&p->delivered, recv);
	return true;
}

static void check_alerts(proof *p)
{
	const opsc_model *m = p->em->model;
	for (uint32_t i = 0; i < m->nalerts; i++) {
		const opsc_alert *al = &m->alerts[i];
		bool lost = false;
		walk(p, al, &m->route, NULL, &lost);
		if (lost)
			opsc_diag_error(&p->em->ctx->diags, "unrouted-alert", al->span,
					"alert `%s` reaches no receiver: it matches no route with `to`, "
					"and the root route has none",
					al->name.s);
	}
}

/* A route with a pattern that does not compile matches nothing; its error
 * is the one report it needs. */
static bool has_bad_regex(proof *p, const opsc_route *r)
{
	for (uint32_t i = 0; i < r->nmatchers; i++) {
		const opsc_match_op op = r->matchers[i].op;
		if ((op == OPSC_MATCH_RE || op == OPSC_MATCH_NRE) && !regex_of(p, &r->matchers[i]))
			return true;
	}
	return false;
}

/* Only the topmost unreached route is reported: its children are
 * unreachable because it is. */
static void check_dead(proof *p, const opsc_route *r)
{
	for (uint32_t i = 0; i < r->nchildren; i++) {
		const opsc_route *c = &r->children[i];
		if (was_reached(p, c)) {
			check_dead(p, c);
			continue;
		}
		if (has_bad_regex(p, c))
			continue;
		opsc_diag_warning(&p->em->ctx->diags, "dead-route", c->span,
				  "no declared alert reaches this route: its conditions match none of "
				  "them, or an earlier route without `continue = true` takes them first");
	}
}

/* ---------------------------------------------------------------- receivers */

static bool route_uses(const opsc_route *r, const opsc_receiver *rc)
{
	if (r->receiver == rc || (r->receiver_name.s && strcmp(r->receiver_name.s, rc->name.s) == 0))
		return true;
	for (uint32_t i = 0; i < r->nchildren; i++)
		if (route_uses(&r->children[i], rc))
			return true;
	return false;
}

static void check_receivers(proof *p)
{
	const opsc_model *m = p->em->model;
	for (uint32_t i = 0; i < m->nreceivers; i++) {
		const opsc_receiver *rc = &m->receivers[i];
		if (!m->has_route || !route_uses(&m->route, rc))
			opsc_diag_warning(&p->em->ctx->diags, "unused-receiver", rc->span,
					  "receiver `%s` is used by no route", rc->name.s);
	}
}

/* Every pattern is compiled up front, so a bad one is reported even on a
 * route no alert gets to. */
static void compile_tree(proof *p, const opsc_route *r)
{
	for (uint32_t i = 0; i < r->nmatchers; i++)
		if (r->matchers[i].op == OPSC_MATCH_RE || r->matchers[i].op == OPSC_MATCH_NRE)
			regex_of(p, &r->matchers[i]);
	for (uint32_t i = 0; i < r->nchildren; i++)
		compile_tree(p, &r->children[i]);
}

static void proof_free(proof *p)
{
	for (uint32_t i = 0; i < p->regexes.len; i++)
		pcre2_code_free(p->regexes.items[i].code);
	opsc_array_free(&p->regexes);
	opsc_array_free(&p->reached);
	opsc_array_free(&p->delivered);
	pcre2_match_data_free(p->md);
}

int opsc_alertproof_check(opsc_emit *em)
{
	int rc = 0;
	proof p = { .em = em };
	check_receivers(&p);
	/* Without a route opsc does not manage Alertmanager: the alerts are
	 * routed elsewhere. */
	if (!em->model->has_route)
		goto done;
	p.md = pcre2_match_data_create(1, NULL);
	if (!p.md) {
		rc = -1;
		goto done;
	}
	compile_tree(&p, &em->model->route);
	/* Without alerts every route would be "dead": nothing to prove. */
	if (em->model->nalerts == 0)
		goto done;
	check_alerts(&p);
	check_dead(&p, &em->model->route);
done:
	proof_free(&p);
	return rc;
}

uint32_t opsc_alertproof_receivers(opsc_emit *em, const opsc_alert *al, const char **out, uint32_t max)
{
	proof p = { .em = em };
	uint32_t n = 0;
	if (!em->model->has_route || !(p.md = pcre2_match_data_create(1, NULL)))
		return 0;
	bool lost = false;
	walk(&p, al, &em->model->route, NULL, &lost);
	for (uint32_t i = 0; i < p.delivered.len && n < max; i++) {
		bool seen = false;
		for (uint32_t k = 0; k < n; k++)
			seen = seen || strcmp(out[k], p.delivered.items[i]) == 0;
		if (!seen)
			out[n++] = p.delivered.items[i];
	}
	proof_free(&p);
	return n;
}
