/*
 * policy_value.c - what statement execution (policy_eval.c) and expression
 * evaluation (policy_expr.c) share: located evaluation errors, how a value
 * is shown in a message, and the regex cache.
 */
#include "policy_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ------------------------------------------------------------ diagnostics */

/* The innermost bound record with a location, or NULL. */
const opsc_value *opsc_eval_record(const opsc_eval *ev)
{
	for (uint32_t i = ev->scope.len; i-- > 0;) {
		const opsc_value *v = &ev->scope.items[i].value;
		if (v->type == OPSC_PT_RECORD && opsc_policy_record_span(v).file != OPSC_NO_FILE)
			return v;
	}
	return NULL;
}

/* " (environment `staging`)" for the innermost record, or "". */
const char *opsc_eval_record_suffix(opsc_eval *ev)
{
	const opsc_value *r = opsc_eval_record(ev);
	const char *label = r ? opsc_policy_record_label(r) : NULL;
	if (!r)
		return "";
	if (!label)
		return opsc_arena_printf(ev->scratch, " (%s)", opsc_policy_record_name(r->rec.kind));
	return opsc_arena_printf(ev->scratch, " (%s `%s`)", opsc_policy_record_name(r->rec.kind), label);
}

bool opsc_eval_fail(opsc_eval *ev, const opsc_expr *e, const char *fmt, ...)
{
	for (uint32_t i = 0; i < ev->reported.len; i++)
		if (ev->reported.items[i] == e)
			return false;
	opsc_array_push(&ev->reported, e);
	va_list ap;
	va_start(ap, fmt);
	char *msg = opsc_arena_vprintf(ev->scratch, fmt, ap);
	va_end(ap);
	uint32_t d = opsc_diag_error(&ev->ctx->diags, "policy-eval", e->span, "%s", msg);
	opsc_diag_add_note(&ev->ctx->diags, d, ev->policy->span, "while evaluating policy `%s`%s",
			   ev->policy->name.s, opsc_eval_record_suffix(ev));
	return false;
}

/* --------------------------------------------------------------- formatting */

static const char *type_names[] = {
	[OPSC_PT_NULL] = "null",	 [OPSC_PT_BOOL] = "bool",	  [OPSC_PT_NUMBER] = "number",
	[OPSC_PT_STRING] = "string",	 [OPSC_PT_DURATION] = "duration", [OPSC_PT_PERCENT] = "percentage",
	[OPSC_PT_QUANTITY] = "quantity", [OPSC_PT_UNIT] = "unit literal", [OPSC_PT_MAP] = "map",
	[OPSC_PT_LIST] = "list",	 [OPSC_PT_RECORD] = "record",
};

const char *opsc_eval_type_name(const opsc_value *v)
{
	return v->type == OPSC_PT_RECORD ? opsc_policy_record_name(v->rec.kind) : type_names[v->type];
}

typedef opsc_array(char) text_buf;

/* 5400 -> "1h30m", 0 -> "0s". */
static void format_duration(text_buf *buf, double seconds)
{
	static const struct {
		char unit;
		int64_t s;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	int64_t left = (int64_t)seconds;
	char tmp[32];
	if (left <= 0) {
		snprintf(tmp, sizeof tmp, "%llds", (long long)left);
		for (const char *p = tmp; *p; p++)
			opsc_array_push(buf, *p);
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		if (left < units[i].s)
			continue;
		int n = snprintf(tmp, sizeof tmp, "%lld%c", (long long)(left / units[i].s), units[i].unit);
		for (int k = 0; k < n; k++)
			opsc_array_push(buf, tmp[k]);
		left %= units[i].s;
	}
}

static void append(text_buf *buf, const char *s, size_t len)
{
	opsc_array_reserve(buf, (uint32_t)len);
	memcpy(buf->items + buf->len, s, len);
	buf->len += (uint32_t)len;
}

static void append_s(text_buf *buf, const char *s) { append(buf, s, strlen(s)); }

static void format_into(text_buf *buf, const opsc_value *v)
{
	char tmp[64];
	switch (v->type) {
	case OPSC_PT_NULL: append_s(buf, "null"); break;
	case OPSC_PT_BOOL: append_s(buf, v->b ? "true" : "false"); break;
	case OPSC_PT_NUMBER:
	case OPSC_PT_PERCENT: snprintf(tmp, sizeof tmp, "%g", v->num), append_s(buf, tmp); break;
	case OPSC_PT_QUANTITY:
		if (!v->text)
			opsc_units_quantity_format(tmp, sizeof tmp, v->num);
		append_s(buf, v->text ? v->text : tmp);
		break;
	case OPSC_PT_DURATION: format_duration(buf, v->num); break;
	case OPSC_PT_UNIT: append_s(buf, v->unit.text); break;
	case OPSC_PT_STRING: append_s(buf, v->str); break;
	case OPSC_PT_RECORD: {
		const char *label = opsc_policy_record_label(v);
		append_s(buf, label ? label : opsc_policy_record_name(v->rec.kind));
		break;
	}
	case OPSC_PT_LIST:
		append_s(buf, "[");
		for (uint32_t i = 0; i < v->list.len; i++) {
			if (i)
				append_s(buf, ", ");
			format_into(buf, &v->list.items[i]);
		}
		append_s(buf, "]");
		break;
	case OPSC_PT_MAP:
		append_s(buf, "{");
		for (uint32_t i = 0; i < v->map->len; i++) {
			append_s(buf, i ? ", " : " ");
			append_s(buf, v->map->items[i].key.s);
			append_s(buf, " = ");
			append_s(buf, v->map->items[i].value.s);
		}
		append_s(buf, v->map->len ? " }" : "}");
		break;
	}
}

const char *opsc_eval_format(opsc_eval *ev, const opsc_value *v)
{
	if (v->type == OPSC_PT_STRING)
		return v->str;
	text_buf buf = { 0 };
	format_into(&buf, v);
	char *s = opsc_arena_strndup(ev->scratch, buf.items ? buf.items : "", buf.len);
	opsc_array_free(&buf);
	return s;
}

/* ------------------------------------------------------------------ regexes */

/* Compiled once per pattern and evaluation. Unanchored, like grep: write
 * ^...$ for a whole-string match. */
bool opsc_eval_regex(opsc_eval *ev, const opsc_expr *at, const char *pattern, const char *subject,
		     bool *out)
{
	pcre2_code *code = NULL;
	for (uint32_t i = 0; i < ev->regexes.len && !code; i++)
		if (strcmp(ev->regexes.items[i].pattern, pattern) == 0)
			code = ev->regexes.items[i].code;
	if (!code) {
		int err;
		PCRE2_SIZE off;
		code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
		if (!code) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(err, msg, sizeof msg);
			return opsc_eval_fail(ev, at, "invalid regular expression at offset %zu: %s", (size_t)off,
					      (const char *)msg);
		}
		/* a copy: the pattern may be a value freed with its element */
		opsc_array_push(&ev->regexes, ((opsc_eval_regex_entry){ opsc_strdup(pattern), code }));
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = pcre2_match(code, (PCRE2_SPTR)subject, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return opsc_eval_fail(ev, at, "regular expression failed to run (PCRE2 error %d)", rc);
	*out = rc >= 0;
	return true;
}
