/*
 * lsp_bench.c - opsc lsp under keystrokes (bench/lsp/run.sh).
 *
 * Writes a 1,000-line project file, opens it in a real `opsc lsp` session,
 * then types: each keystroke is one incremental didChange, timed until the
 * server's publishDiagnostics for the file arrives. Then 10,000 more edits
 * (a character typed, then deleted) with the server's RSS sampled, to show
 * memory does not grow with the number of edits.
 *
 * usage: lsp_bench OPSC [KEYSTROKES] [EDITS]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* 100 environments (5 lines), 50 roles (7) and 50 bindings (3): 1,000 lines. */
static int write_project(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (int i = 0; i < 100; i++)
		fprintf(f, "environment \"env-%d\" {\n  cluster = \"c%d\"\n  namespace = \"ns-%d\"\n"
			   "  labels = { team = \"t%d\" }\n}\n", i, i % 5, i, i % 7);
	for (int i = 0; i < 50; i++)
		fprintf(f, "role \"role-%d\" {\n  allow {\n    groups = [\"apps\"]\n    resources = [\"deployments\"]\n"
			   "    verbs = [get, list, watch]\n  }\n}\n", i);
	for (int i = 0; i < 50; i++)
		fprintf(f, "bind role.role-%d {\n  to = [group(\"g%d\")]  in = [env.env-%d, env.env-%d]\n}\n", i, i,
			i, i + 50);
	return fclose(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lsp_bench OPSC [KEYSTROKES] [EDITS]\n");
		return 2;
	}
	int keys = argc > 2 ? atoi(argv[2]) : 500, edits = argc > 3 ? atoi(argv[3]) : 10000;
	char dir[] = "/tmp/opsc-lsp-bench-XXXXXX", path[256];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/policy.ops", dir);
	if (write_project(path) < 0)
		return 1;
	lsp_client c;
	if (client_start(&c, argv[1]) < 0)
		return 1;
	char *uri = client_open_file(&c, path);
	json_t *d = client_wait_diagnostics(&c, uri);
	printf("file: 1000 lines, %zu diagnostics on open\n", json_array_size(d));

	/* keystrokes: typing into a namespace string (line 3, after "ns-0") */
	double *t = malloc(sizeof *t * (size_t)keys);
	int version = 2;
	for (int i = 0; i < keys; i++) {
		double t0 = now_ms();
		client_edit(&c, uri, version++, 2, 17 + i % 40, 2, 17 + i % 40, i % 40 == 39 ? "" : "x");
		if (i % 40 == 39) /* back to the original line */
			client_edit(&c, uri, version++, 2, 17, 2, 17 + 39, "");
		client_wait_diagnostics(&c, uri);
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)keys, sizeof *t, cmp_double);
	printf("keystroke -> diagnostics, %d keystrokes: median %.2f ms, p95 %.2f ms, max %.2f ms\n", keys,
	       t[keys / 2], t[keys * 95 / 100], t[keys - 1]);
	free(t);

	/* memory over many edits: type a character, delete it */
	long first = 0;
	double t0 = now_ms();
	for (int i = 1; i <= edits; i++) {
		bool ins = i % 2;
		client_edit(&c, uri, version++, 2, 17, 2, ins ? 17 : 18, ins ? "y" : "");
		client_wait_diagnostics(&c, uri);
		if (i == 100)
			first = client_rss_kb(&c);
		if (i % 2000 == 0)
			printf("after %5d edits: RSS %ld kB\n", i, client_rss_kb(&c));
	}
	printf("%d edits in %.1f s; RSS after 100 edits %ld kB, after %d edits %ld kB\n", edits, (now_ms() - t0) / 1e3,
	       first, edits, client_rss_kb(&c));
	free(uri);
	int rc = client_stop(&c);
	unlink(path);
	rmdir(dir);
	return rc;
}
