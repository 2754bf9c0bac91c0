/*
 * promql_regex.c - label matcher values: Go's string unquoting, and regular
 * expressions held to the RE2 syntax Prometheus compiles them with.
 *
 * PCRE2 compiles the pattern anchored the way Prometheus anchors it
 * (`^(?:re)$`) and tells whether it matches the empty string; a small
 * scanner first refuses what PCRE2 takes but RE2 does not (lookaround,
 * backreferences, atomic and possessive forms, \K \R \h ..., repeat counts
 * over 1000, nested repetition). It errs on the side of refusing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "promql_int.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 16;
}

static uint32_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80)
		return o[0] = (char)cp, 1;
	if (cp < 0x800)
		return o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
	if (cp < 0x10000)
		return o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
		       o[2] = (char)(0x80 | (cp & 0x3F)), 3;
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The value of a string token the lexer accepted (so escapes are valid).
 * Octal and \x escapes are bytes, \u and \U code points, as in Go. */
static uint32_t unquote(const char *s, uint32_t n, char *out)
{
	static const char from[] = "abfnrtv\\'\"", to[] = "\a\b\f\n\r\t\v\\'\"";
	uint32_t o = 0;
	if (s[0] == '`') {
		memcpy(out, s + 1, n - 2);
		return n - 2;
	}
	for (uint32_t i = 1; i + 1 < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		char c = s[++i];
		const char *p = strchr(from, c);
		if (p && c) {
			out[o++] = to[p - from];
			continue;
		}
		unsigned base = c >= '0' && c <= '7' ? 8 : 16, x = 0;
		int digits = c >= '0' && c <= '7' ? 3 : c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (base == 16)
			i++;
		for (int k = 0; k < digits && i + 1 < n; k++, i++)
			x = x * base + (unsigned)hexval(s[i]);
		i--;
		if (c == 'u' || c == 'U')
			o += put_utf8(out + o, x);
		else
			out[o++] = (char)x;
	}
	return o;
}

/* {n}, {n,} or {n,m}: its length, or 0 when `{` is a literal brace. */
static uint32_t repeat_len(const char *re, uint32_t i, uint32_t n, long *max)
{
	uint32_t j = i + 1, d0 = j;
	*max = 0;
	long v = 0;
	for (; j < n && re[j] >= '0' && re[j] <= '9'; j++)
		v = v < 100000 ? v * 10 + (re[j] - '0') : v;
	if (j == d0)
		return 0;
	*max = v;
	if (j < n && re[j] == ',') {
		j++;
		v = 0;
		for (; j < n && re[j] >= '0' && re[j] <= '9'; j++)
			v = v < 100000 ? v * 10 + (re[j] - '0') : v;
		*max = v > *max ? v : *max;
	}
	return j < n && re[j] == '}' ? j + 1 - i : 0;
}

/* After `(?`: (?: (?P<name> and flag groups (?i) (?i-s:...) only. */
static bool group_ok(const char *re, uint32_t i, uint32_t n)
{
	if (i < n && re[i] == ':')
		return true;
	if (i + 1 < n && re[i] == 'P' && re[i + 1] == '<')
		return true;
	for (; i < n && strchr("imsU-", re[i]) && re[i]; i++)
		;
	return i < n && (re[i] == ')' || re[i] == ':');
}

/* An escape \c RE2 knows, outside or (in_class) inside brackets. */
static bool escape_ok(char c, bool in_class)
{
	bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	if (c == '0' || (c && !word && (unsigned char)c < 0x80))
		return true;
	return c && strchr(in_class ? "afnrtvxdDsSwWpP" : "afnrtvxdDsSwWpPbBAzQE", c);
}

static uint32_t skip_class(const char *re, uint32_t i, uint32_t n, const char **why)
{
	uint32_t j = i + 1;
	if (j < n && re[j] == '^')
		j++;
	if (j < n && re[j] == ']')
		j++;
	while (j < n && re[j] != ']') {
		if (re[j] == '\\') {
			if (j + 1 >= n || !escape_ok(re[j + 1], true))
				*why = "an escape RE2 does not know inside `[ ]`";
			j += 2;
		} else if (re[j] == '[' && j + 1 < n && re[j + 1] == ':') {
			const char *e = j + 2 < n ? strstr(re + j + 2, ":]") : NULL;
			j = e ? (uint32_t)(e - re) + 2 : j + 1;
		} else {
			j++;
		}
	}
	return j + 1;
}

static const char *re2_subset(const char *re, uint32_t n)
{
	const char *why = NULL;
	int quant = 0; /* 1 after a quantifier, 2 after a lazy one */
	for (uint32_t i = 0; i < n && !why;) {
		char c = re[i];
		long max;
		uint32_t r;
		if (c == '*' || c == '+' || c == '?' || (c == '{' && (r = repeat_len(re, i, n, &max)))) {
			if (quant == 1 && c == '?') {
				quant = 2, i++;
				continue;
			}
			if (quant)
				return "invalid nested repetition operator (RE2 has no possessive or stacked quantifiers)";
			if (c == '{' && max > 1000)
				return "invalid repeat count: RE2 allows at most 1000";
			quant = 1;
			i += c == '{' ? r : 1;
			continue;
		}
		quant = 0;
		if (c == '\\') {
			if (i + 1 >= n)
				return "trailing backslash";
			char d = re[i + 1];
			if (d >= '1' && d <= '9')
				return "backreferences like \\1 are not supported by RE2";
			if (!escape_ok(d, false))
				return "an escape sequence RE2 does not know";
			if (d == 'Q') {
				const char *e = strstr(re + i, "\\E");
				i = e ? (uint32_t)(e - re) + 2 : n;
				continue;
			}
			i += 2;
		} else if (c == '(' && i + 1 < n && re[i + 1] == '?') {
			if (!group_ok(re, i + 2, n))
				return "lookaround, atomic and (?<name>) groups are not supported by RE2";
			i += 2;
		} else if (c == '[') {
			i = skip_class(re, i, n, &why);
		} else {
			i++;
		}
	}
	return why;
}

/* PCRE2 compiles `^(?:re)$`; *empty is whether it matches "". */
static const char *compile(const char *re, uint32_t n, bool *empty, char *buf, uint32_t cap)
{
	char *anchored = malloc(n + 8);
	if (!anchored)
		return "out of memory";
	memcpy(anchored, "^(?:", 4);
	memcpy(anchored + 4, re, n);
	memcpy(anchored + 4 + n, ")$", 2);
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)anchored, n + 6, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &code, &off, NULL);
	free(anchored);
	if (!c) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(buf, cap, "invalid regular expression: %s", (const char *)msg);
		return buf;
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c, NULL);
	*empty = md && pcre2_match(c, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(c);
	return NULL;
}

const char *promql_regex_check(const char *tok, uint32_t n, bool *matches_empty, char *buf, uint32_t cap)
{
	char *re = malloc(n + 1);
	if (!re)
		return "out of memory";
	uint32_t len = unquote(tok, n, re);
	re[len] = 0;
	const char *why = memchr(re, 0, len) ? "a regular expression may not contain NUL" : re2_subset(re, len);
	if (!why)
		why = compile(re, len, matches_empty, buf, cap);
	free(re);
	return why;
}

bool promql_string_empty(const char *tok, uint32_t n)
{
	(void)tok; /* the lexer accepted it, so only "", '' or `` are 2 bytes */
	return n == 2;
}
