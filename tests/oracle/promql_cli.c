/*
 * promql_cli.c - the PromQL checker on each of a list of expressions, for
 * the promtool oracle (promql_oracle.py).
 *
 *   promql_cli < EXPRESSIONS
 *
 * EXPRESSIONS are separated by NUL bytes; for each, one line: `ok TYPE`,
 * or `error START END MESSAGE`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "promql.h"

static void check(const char *text, size_t len)
{
	opsc_promql_error err;
	opsc_promql_type type;
	if (opsc_promql_check(text, (uint32_t)len, &err, &type))
		printf("ok %s\n", opsc_promql_type_name(type));
	else
		printf("error %u %u %s\n", err.start, err.end, err.message);
}

int main(void)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (int c; buf && (c = getchar()) != EOF;) {
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			break;
		if (c == 0) {
			check(buf, len);
			len = 0;
		} else {
			buf[len++] = (char)c;
		}
	}
	if (buf && len)
		check(buf, len);
	free(buf);
	return buf ? 0 : 2;
}
