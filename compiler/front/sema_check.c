/*
 * sema_check.c - checking a value against the type its attribute has in
 * the schema (sema_check_value): the readers of sema_value.c for plain
 * types, and the words, references, calls and lists the language has for
 * the rest; secret(...) options are sema_secrets.c's. Above the readers
 * and sema_secrets.c, which never call back.
 */
#include <math.h>
#include <string.h>

#include "sema_int.h"

/* --------------------------------------------------------- type checking */

static bool one_of(sema *s, const opsc_expr *e, const sema_scope *scope, const char *const *words,
		   const char *expected)
{
	e = sema_resolve(s, e, scope);
	const char *w = e->kind == OPSC_EXPR_IDENT ? e->ident : e->kind == OPSC_EXPR_STRING ? e->str.value : NULL;
	for (uint32_t i = 0; w && words[i]; i++)
		if (strcmp(words[i], w) == 0)
			return true;
	if (w)
		opsc_diag_error(&s->ctx->diags, "bad-value", e->span, "expected %s, found `%s`", expected, w);
	else
		sema_mismatch(s, e, expected);
	return false;
}

static bool check_cron(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	opsc_str str;
	char why[200];
	if (!sema_string(s, e, scope, &str))
		return false;
	if (opsc_units_cron(str.s, why, sizeof why))
		return sema_cron_fires(s, &str);
	opsc_diag_error(&s->ctx->diags, "bad-cron", str.span, "invalid cron schedule \"%s\": %s", str.s, why);
	return false;
}

static bool check_secret(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	e = sema_resolve(s, e, scope);
	if (e->kind == OPSC_EXPR_STRING) {
		uint32_t d = opsc_diag_error(&s->ctx->diags, "inline-secret", e->span,
					     "secrets are referenced, never inlined");
		s->ctx->diags.items.items[d].redact = true;
		opsc_diag_help(&s->ctx->diags, d, "use secret(\"name\", \"key\"): a key of a Kubernetes Secret");
		return false;
	}
	if (e->kind != OPSC_EXPR_CALL || strcmp(e->call.name, "secret") != 0 || e->call.nargs < 2 || e->call.nargs > 3)
		return sema_mismatch(s, e, "secret(\"name\", \"key\") or secret(\"name\", \"key\", { options })");
	opsc_str a, b;
	/* both read, so both report their errors */
	bool ok_a = sema_string(s, e->call.args[0], scope, &a);
	bool ok_b = sema_string(s, e->call.args[1], scope, &b);
	bool ok = ok_a && ok_b;
	return (e->call.nargs < 3 || sema_secret_options(s, e->call.args[2], scope, NULL)) && ok;
}

static bool check_ref(sema *s, const opsc_expr *e, const sema_scope *scope, const char *kind, const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_MEMBER || e->member.object->kind != OPSC_EXPR_IDENT ||
	    strcmp(e->member.object->ident, kind) != 0)
		return sema_mismatch(s, e, expected);
	return true;
}

static bool check_list(sema *s, const opsc_expr *e, const sema_scope *scope, bool (*each)(sema *, const opsc_expr *, const sema_scope *),
		       const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_LIST) /* one item needs no brackets */
		return each(s, e, scope);
	(void)expected;
	bool ok = true;
	for (uint32_t i = 0; i < e->list.len; i++)
		ok &= each(s, e->list.items[i], scope);
	return ok;
}

static bool env_ref(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	return check_ref(s, e, scope, "env", "an environment like env.production");
}

static bool port(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_PORT)
		return sema_mismatch(s, e, "a port like 443/tcp");
	if (!opsc_units_protocol(e->port.protocol)) {
		opsc_diag_error(&s->ctx->diags, "bad-port", e->span, "unknown protocol `%s`: use tcp, udp or sctp", e->port.protocol);
		return false;
	}
	if (e->port.from < 1 || e->port.to > 65535 || e->port.to < e->port.from) {
		opsc_diag_error(&s->ctx->diags, "bad-port", e->span, "ports are 1-65535, with the smaller first in a range");
		return false;
	}
	return true;
}

static const char *const peer_calls[] = { "namespace", "namespaces", "pods", "cidr", NULL };
static const char *const subject_calls[] = { "user", "group", "service_account", NULL };

static bool call_of(sema *s, const opsc_expr *e, const sema_scope *scope, const char *const *names, const char *expected)
{
	e = sema_resolve(s, e, scope);
	if (e->kind != OPSC_EXPR_CALL)
		return sema_mismatch(s, e, expected);
	for (uint32_t i = 0; names[i]; i++)
		if (strcmp(names[i], e->call.name) == 0)
			return true;
	opsc_diag_error(&s->ctx->diags, "unknown-function", e->call.name_span, "unknown function `%s` here: expected %s",
			e->call.name, expected);
	return false;
}

static bool peer(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	const opsc_expr *r = sema_resolve(s, e, scope);
	if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
		return true;
	if (!call_of(s, r, NULL, peer_calls, "namespace(..), namespaces(..), pods(..) or cidr(..)"))
		return false;
	if (strcmp(r->call.name, "cidr") == 0 && r->call.nargs >= 1) {
		opsc_str c;
		if (sema_string(s, r->call.args[0], scope, &c) && !opsc_units_cidr(c.s)) {
			opsc_diag_error(&s->ctx->diags, "bad-cidr", c.span, "\"%s\" is not a CIDR like \"10.0.0.0/8\"", c.s);
			return false;
		}
	}
	return true;
}

static bool subject(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	return call_of(s, e, scope, subject_calls, "user(..), group(..) or service_account(..)");
}

static bool direction(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	static const char *const dirs[] = { "ingress", "egress", NULL };
	return one_of(s, e, scope, dirs, "ingress or egress");
}

bool sema_check_value(sema *s, const sema_attr *a, const opsc_expr *e, const sema_scope *scope)
{
	static const char *const severities[] = { "critical", "warning", "info", NULL };
	static const char *const levels[] = { "error", "warning", "note", NULL };
	static const char *const levels_off[] = { "error", "warning", "note", "off", NULL };
	static const char *const pod_security_levels[] = { "restricted", "baseline", "privileged", NULL };
	opsc_str str;
	int64_t i64;
	double d;
	bool b;
	opsc_qty q;
	opsc_strs strs;
	opsc_kvs kvs;
	const opsc_expr *r = sema_resolve(s, e, scope);
	/* items of a list written in a template may name its parameters */
	const sema_scope *in = r == e ? scope : NULL;
	switch (a->type) {
	case A_STRING: return sema_string(s, e, scope, &str);
	case A_PATTERN: return sema_string(s, e, scope, &str);
	case A_INT: return sema_int(s, e, scope, &i64);
	case A_NUMBER: return sema_number(s, e, scope, &d);
	case A_BOOL: return sema_bool(s, e, scope, &b);
	case A_DURATION: return sema_duration(s, e, scope, &i64);
	case A_QUANTITY: return sema_quantity(s, e, scope, &q);
	case A_PERCENT: return r->kind == OPSC_EXPR_PERCENT || sema_mismatch(s, r, "a percentage like `80%`");
	case A_COUNT: return sema_count(s, e, scope);
	case A_CRON: return check_cron(s, e, scope);
	case A_STRINGS: return sema_strings(s, e, scope, &strs);
	case A_ENV_REFS:
		if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
			return true;
		return check_list(s, r, in, env_ref, "`all` or a list of environments like [env.production]");
	case A_RECEIVER: return check_ref(s, e, scope, "receiver", "a receiver like receiver.slack");
	case A_SECRET: return check_secret(s, e, scope);
	case A_SECRETS: return check_list(s, r, in, check_secret, sema_type_name(A_SECRETS));
	case A_STORE: return check_ref(s, e, scope, "store", sema_type_name(A_STORE));
	case A_POD_SECURITY: return one_of(s, e, scope, pod_security_levels, sema_type_name(A_POD_SECURITY));
	case A_MAP: return sema_map(s, e, scope, &kvs);
	case A_ALERT_SEVERITY: return one_of(s, e, scope, severities, "critical, warning or info");
	case A_LEVEL: return one_of(s, e, scope, levels, "error, warning or note");
	case A_LEVEL_OR_OFF: return one_of(s, e, scope, levels_off, "error, warning, note or off");
	case A_PEERS:
		if (r->kind == OPSC_EXPR_IDENT && strcmp(r->ident, "all") == 0)
			return true;
		return check_list(s, r, in, peer, sema_type_name(A_PEERS));
	case A_PORTS: return check_list(s, r, in, port, sema_type_name(A_PORTS));
	case A_SUBJECTS: return check_list(s, r, in, subject, sema_type_name(A_SUBJECTS));
	case A_DIRECTIONS: return check_list(s, r, in, direction, sema_type_name(A_DIRECTIONS));
	case A_ID_MAP:
		if (r->kind != OPSC_EXPR_MAP)
			return sema_mismatch(s, r, sema_type_name(A_ID_MAP));
		for (uint32_t k = 0; k < r->map.len; k++)
			if (!sema_int(s, r->map.pairs[k].value, in, &i64))
				return false;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------- counts */

/* A quota of `pods = 1.5` is refused by the API server: counts are whole. */
bool sema_count(sema *s, const opsc_expr *e, const sema_scope *scope)
{
	opsc_qty q;
	if (!sema_quantity(s, e, scope, &q))
		return false;
	if (fmod(q.milli, 1000.0) == 0 && q.milli >= 0)
		return true;
	opsc_diag_error(&s->ctx->diags, "bad-integer", q.span,
			"`%s` is not a whole number: Kubernetes counts objects in whole numbers", q.text);
	return false;
}

/* --------------------------------------------------------------- cron */

bool sema_cron_fires(sema *s, const opsc_str *schedule)
{
	char why[200];
	if (!opsc_units_cron_never(schedule->s, why, sizeof why))
		return true;
	opsc_diag_error(&s->ctx->diags, "cron-never-fires", schedule->span,
			"cron schedule \"%s\" never runs: %s", schedule->s, why);
	return false;
}
