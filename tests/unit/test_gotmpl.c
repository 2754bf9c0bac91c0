#include "testutil.h"

#include <string.h>

#include "sema_gotmpl.h"

#define PROM OPSC_GOTMPL_PROMETHEUS
#define AM OPSC_GOTMPL_ALERTMANAGER

static void ok(opsc_gotmpl_dialect d, const char *text)
{
	opsc_gotmpl_error err;
	if (!opsc_gotmpl_check(text, (uint32_t)strlen(text), d, &err))
		fail_msg("%s: refused at %u: %s", text, err.start, err.message);
}

/* Refused with `message`, at bytes [start, end) of `text`. */
static void bad(opsc_gotmpl_dialect d, const char *text, uint32_t start, uint32_t end, const char *message)
{
	opsc_gotmpl_error err;
	if (opsc_gotmpl_check(text, (uint32_t)strlen(text), d, &err))
		fail_msg("%s: accepted", text);
	assert_string_equal(err.message, message);
	assert_int_equal(err.start, start);
	assert_int_equal(err.end, end);
}

static void test_gotmpl__text_and_actions(void **state)
{
	(void)state;
	ok(PROM, "");
	ok(PROM, "no action at all, }} is text");
	ok(PROM, "{{ $labels.instance }} is down");
	ok(PROM, "{{- $labels.job -}} trimmed");
	ok(PROM, "{{-3}}"); /* a number, not a trim marker */
	ok(PROM, "{{\n  .Labels.x\n}}"); /* newlines inside actions (Go 1.16+) */
	bad(PROM, "a {{ $labels.job", 2, 4, "unclosed action: expected `}}`");
	bad(PROM, "{{ .x }", 6, 7, "unexpected `}` in operand: an action ends with `}}`");
	bad(PROM, "{{ }}", 0, 5, "missing value for command");
	bad(PROM, "{{ - }}", 3, 4, "illegal number syntax `-`");
}

static void test_gotmpl__comments(void **state)
{
	(void)state;
	ok(PROM, "{{/* a comment */}}");
	ok(PROM, "a {{- /* trimmed */ -}} b");
	ok(PROM, "{{/* multi\nline */}}");
	bad(PROM, "x {{/* open", 2, 11, "unclosed comment: expected `*/}}`");
	bad(PROM, "{{/* c */ }}", 0, 9, "the comment ends before the closing delimiter: expected `*/}}`");
	bad(PROM, "{{ /* c */ }}", 3, 4, "unexpected `/` in command");
}

static void test_gotmpl__pipelines(void **state)
{
	(void)state;
	ok(PROM, "{{ $value | humanize }}");
	ok(PROM, "{{ humanizePercentage $value }}");
	ok(PROM, "{{ $value | printf \"%.2f\" | toUpper }}");
	ok(PROM, "{{ printf \"%s\" (humanize (index $labels \"x\")) }}");
	ok(PROM, "{{ with query \"up\" }}{{ . | first | value }}{{ end }}");
	bad(PROM, "{{ .a | 1 }}", 8, 9,
	    "non executable command in pipeline stage 2: only a function, a field or a method takes the value piped into it");
	bad(PROM, "{{ | .a }}", 3, 4, "unexpected `|` in command");
	bad(PROM, "{{ \"a\".b }}", 6, 8,
	    "unexpected `.` after the constant `\"a\"`: only a field, a variable or a pipeline in ( ) has fields");
	bad(PROM, "{{ (1 }}", 3, 4, "unclosed left paren: expected `)` before `}}`");
	bad(PROM, "{{ 1) }}", 4, 5, "unexpected `)` in command");
	bad(PROM, "{{ () }}", 0, 5, "missing value for parenthesized pipeline");
}

static void test_gotmpl__functions_per_program(void **state)
{
	(void)state;
	opsc_gotmpl_error err;
	const char *t = "{{ $value | humanise }}";
	assert_false(opsc_gotmpl_check(t, (uint32_t)strlen(t), PROM, &err));
	assert_string_equal(err.message, "function `humanise` is not defined in Prometheus alert templates");
	assert_int_equal(err.start, 12);
	assert_int_equal(err.end, 20);
	assert_string_equal(err.hint, "humanize");
	ok(PROM, "{{ stripPort \"a:1\" }}{{ toTime 1 }}{{ parseDuration \"1m\" }}{{ externalURL }}");
	ok(AM, "{{ join \", \" .GroupLabels.Values }}{{ stringSlice }}{{ .Status | toUpper }}");
	bad(AM, "{{ humanize 1 }}", 3, 11, "function `humanize` is not defined in Alertmanager notification templates");
	bad(PROM, "{{ join \",\" . }}", 3, 7, "function `join` is not defined in Prometheus alert templates");
	/* later Alertmanager releases have them; 0.25, the target, does not */
	bad(AM, "{{ .StartsAt | since }}", 15, 20, "function `since` is not defined in Alertmanager notification templates");
	bad(AM, "{{ trimSpace . }}", 3, 12, "function `trimSpace` is not defined in Alertmanager notification templates");
	/* Go's builtins in both */
	ok(AM, "{{ and 1 2 }}{{ or 1 2 }}{{ not 1 }}{{ len . }}{{ index . 0 }}{{ slice . 1 }}{{ eq 1 1 }}");
	ok(PROM, "{{ html . }}{{ js . }}{{ urlquery . }}{{ print 1 }}{{ println 1 }}{{ call . }}");
	assert_string_equal(opsc_gotmpl_dialect_name(AM), "Alertmanager notification templates");
}

static void test_gotmpl__variables(void **state)
{
	(void)state;
	ok(PROM, "{{ $labels }}{{ $value }}{{ $externalLabels }}{{ $externalURL }}{{ $ }}{{ $.Labels }}");
	bad(AM, "{{ $labels.x }}", 3, 10, "undefined variable `$labels`: declare it with `{{ $labels := ... }}` first");
	ok(PROM, "{{ $x := 1 }}{{ $x }}{{ $x = 2 }}");
	ok(PROM, "{{ if $x := 1 }}{{ else }}{{ $x }}{{ end }}");
	bad(PROM, "{{ if 1 }}{{ $y := 1 }}{{ end }}{{ $y }}", 35, 37,
	    "undefined variable `$y`: declare it with `{{ $y := ... }}` first");
	ok(PROM, "{{ range $k, $v := $labels }}{{ $k }}={{ $v }}{{ end }}");
	bad(PROM, "{{ range $a, $b, $c := . }}{{ end }}", 15, 16, "too many declarations in range");
	bad(PROM, "{{ range $a, 1 }}{{ end }}", 11, 12, "range can only initialize variables");
	bad(PROM, "{{ with $a, $b := . }}{{ end }}", 10, 11, "too many declarations in with");
	/* a definition sees only `$`, not Prometheus' variables */
	bad(PROM, "{{ define \"d\" }}{{ $value }}{{ end }}", 19, 25,
	    "undefined variable `$value`: declare it with `{{ $value := ... }}` first");
}

static void test_gotmpl__control_structures(void **state)
{
	(void)state;
	ok(PROM, "{{ if .a }}a{{ else if .b }}b{{ else if .c }}c{{ else }}d{{ end }}");
	ok(PROM, "{{ with .a }}{{ . }}{{ else }}none{{ end }}");
	ok(PROM, "{{ range . }}{{ if . }}{{ break }}{{ end }}{{ continue }}{{ end }}");
	bad(PROM, "x {{ if .a }}a", 2, 7, "`{{if}}` is not closed: expected `{{end}}` before the end of the text");
	bad(PROM, "{{ range . }}{{ with . }}x{{ end }}", 0, 8,
	    "`{{range}}` is not closed: expected `{{end}}` before the end of the text");
	bad(PROM, "a {{ end }} b", 2, 11,
	    "unexpected `{{ end }}`: no `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}` or `{{block}}` is open");
	bad(PROM, "{{ if 1 }}{{ end }}{{- else -}}", 19, 31,
	    "unexpected `{{- else -}}`: no `{{if}}`, `{{range}}`, `{{with}}`, `{{define}}` or `{{block}}` is open");
	bad(PROM, "{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}", 22, 32, "expected `{{end}}`, found a second `{{else}}`");
	bad(PROM, "{{ if }}{{ end }}", 0, 8, "missing value for if");
	bad(PROM, "{{ with 1 }}{{ else if 2 }}{{ end }}", 20, 22,
	    "`{{else if}}` continues only an `{{if}}`: write `{{else}}{{if ...}}...{{end}}`");
	bad(PROM, "{{ break }}", 0, 11, "`{{break}}` outside `{{range}}`");
	bad(PROM, "{{ range . }}{{ else }}{{ continue }}{{ end }}", 23, 37, "`{{continue}}` outside `{{range}}`");
	bad(PROM, "{{ end 1 }}", 7, 8, "unexpected `1` in end");
}

static void test_gotmpl__templates(void **state)
{
	(void)state;
	ok(PROM, "{{ define \"x\" }}a{{ end }}{{ template \"x\" . }}");
	ok(PROM, "{{ template `x` }}{{ block \"b\" . }}default{{ end }}");
	ok(PROM, "{{ define \"a\" }} {{ end }}{{ define \"a\" }}y{{ end }}"); /* an empty one is replaced */
	bad(PROM, "{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", 36, 39,
	    "multiple definition of template \"a\"");
	bad(PROM, "{{ template x }}", 12, 13, "unexpected `x` in template clause");
	bad(PROM, "{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}", 13, 19, "unexpected `define` in command");
	bad(PROM, "{{ block \"b\" }}x{{ end }}", 0, 15, "missing value for block clause");
	bad(PROM, "{{ define \"d\" }}x", 0, 9, "`{{define}}` is not closed: expected `{{end}}` before the end of the text");
	bad(PROM, "{{ block \"b\" . }}x{{ else }}y{{ end }}", 18, 28, "unexpected `{{else}}` in block clause");
}

static void test_gotmpl__literals(void **state)
{
	(void)state;
	ok(PROM, "{{ \"a\\n\\t\\x41\\u00e9\\U0001F600\\101\\\"\" }}{{ `raw \\q\nline` }}{{ 'a' }}{{ '\\'' }}{{ 'é' }}");
	ok(PROM, "{{ 1 }}{{ -3 }}{{ 1.5 }}{{ .5 }}{{ 1e3 }}{{ 0x1F }}{{ 0o17 }}{{ 0b101 }}{{ 017 }}{{ 1_000 }}");
	ok(PROM, "{{ 0x1p3 }}{{ 1.5i }}{{ 1+2i }}{{ 18446744073709551615 }}{{ -9223372036854775808 }}");
	ok(PROM, "{{ true }}{{ false }}{{ nil }}");
	bad(PROM, "{{ \"a\\q\" }}", 3, 8, "invalid escape `\\q` in a string");
	bad(PROM, "{{ \"a\\'\" }}", 3, 8, "invalid escape `\\'` in a string");
	bad(PROM, "{{ 'ab' }}", 3, 7, "a character constant holds one character: `'ab'`");
	bad(PROM, "{{ \"open }}", 3, 11, "unterminated quoted string");
	bad(PROM, "{{ 'x }}", 3, 8, "unterminated character constant");
	bad(PROM, "{{ `x }}", 3, 8, "unterminated raw quoted string");
	bad(PROM, "{{ 1e }}", 3, 5, "illegal number syntax `1e`");
	bad(PROM, "{{ 1__0 }}", 3, 7, "illegal number syntax `1__0`");
	bad(PROM, "{{ 1e400 }}", 3, 8, "illegal number syntax `1e400`");
	bad(PROM, "{{ 09 }}", 3, 5, "integer overflow: `09` does not fit in 64 bits");
	bad(PROM, "{{ 99999999999999999999 }}", 3, 23, "integer overflow: `99999999999999999999` does not fit in 64 bits");
	bad(PROM, "{{ 1x }}", 3, 5, "bad number syntax `1x`");
	bad(PROM, "{{ a# }}", 4, 5, "bad character `#`: expected a space, `.`, `|`, `)` or `}}` after a name");
	bad(PROM, "{{ \x01 }}", 3, 4, "unrecognized character U+0001 in an action");
	bad(PROM, "{{ $ :- 1 }}", 5, 6, "expected `:=`");
}

/* Nesting is bounded: deep input is refused, never a stack overflow. */
static void test_gotmpl__depth(void **state)
{
	(void)state;
	char text[4096] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, "{{ if 1 }}");
	for (int i = 0; i < 100; i++)
		strcat(text, "{{ end }}");
	ok(PROM, text);
	opsc_gotmpl_error err;
	char deep[4096] = "";
	for (int i = 0; i < 150; i++)
		strcat(deep, "{{ if 1 }}");
	assert_false(opsc_gotmpl_check(deep, (uint32_t)strlen(deep), PROM, &err));
	assert_string_equal(err.message, "actions nested deeper than 100 levels");
	char parens[1024] = "{{ ";
	for (int i = 0; i < 150; i++)
		strcat(parens, "(");
	assert_false(opsc_gotmpl_check(parens, (uint32_t)strlen(parens), PROM, &err));
	assert_string_equal(err.message, "parentheses nested deeper than 100 levels");
	/* a long else-if chain is a loop, not a nesting */
	char chain[8192] = "{{ if 0 }}";
	for (int i = 0; i < 300; i++)
		strcat(chain, "{{ else if 0 }}");
	strcat(chain, "{{ end }}");
	ok(PROM, chain);
}

/* The text need not be NUL-terminated: only len bytes are read. */
static void test_gotmpl__length(void **state)
{
	(void)state;
	opsc_gotmpl_error err;
	/* a NUL is a byte like another: `\` before it is no escape */
	assert_false(opsc_gotmpl_check("{{ \"\\\0\" }}", 10, PROM, &err));
	assert_string_equal(err.message, "invalid escape in a string: `\\` before U+0000");
	assert_true(opsc_gotmpl_check("{{ 1 }}{{", 7, PROM, &err));
	assert_false(opsc_gotmpl_check("{{ 1 }}{{", 9, PROM, &err));
	assert_int_equal(err.start, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gotmpl__text_and_actions),
		cmocka_unit_test(test_gotmpl__comments),
		cmocka_unit_test(test_gotmpl__pipelines),
		cmocka_unit_test(test_gotmpl__functions_per_program),
		cmocka_unit_test(test_gotmpl__variables),
		cmocka_unit_test(test_gotmpl__control_structures),
		cmocka_unit_test(test_gotmpl__templates),
		cmocka_unit_test(test_gotmpl__literals),
		cmocka_unit_test(test_gotmpl__depth),
		cmocka_unit_test(test_gotmpl__length),
	};
	return cmocka_run_group_tests(tests, opsc_test_setup_alloc, opsc_test_teardown_alloc);
}
