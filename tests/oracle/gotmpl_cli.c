/*
 * gotmpl_cli.c - the Go template checker on each of a list of texts, for
 * the promtool/amtool oracle (gotmpl_oracle.py).
 *
 *   gotmpl_cli prometheus|alertmanager < TEXTS
 *
 * TEXTS are separated by NUL bytes; for each, one line: `ok`, or
 * `error START END MESSAGE`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema_gotmpl.h"

static void check(const char *text, size_t len, opsc_gotmpl_dialect d)
{
	opsc_gotmpl_error err;
	if (opsc_gotmpl_check(text, (uint32_t)len, d, &err))
		puts("ok");
	else
		printf("error %u %u %s\n", err.start, err.end, err.message);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "prometheus") != 0 && strcmp(argv[1], "alertmanager") != 0)) {
		fputs("usage: gotmpl_cli prometheus|alertmanager < TEXTS\n", stderr);
		return 2;
	}
	opsc_gotmpl_dialect d = argv[1][0] == 'p' ? OPSC_GOTMPL_PROMETHEUS : OPSC_GOTMPL_ALERTMANAGER;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (int c; buf && (c = getchar()) != EOF;) {
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			break;
		if (c == 0) {
			check(buf, len, d);
			len = 0;
		} else {
			buf[len++] = (char)c;
		}
	}
	if (buf && len)
		check(buf, len, d);
	free(buf);
	return buf ? 0 : 2;
}
