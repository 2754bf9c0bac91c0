/*
 * scan_bench.c - times the secret scanner over a directory tree: loads the
 * rules from a .ops file, lists the files, scans them with opsc_scan_files.
 *
 *   scan_bench RULES.ops DIR [THREADS]
 *
 * Prints files, bytes, findings, seconds and MB/s of the scan (listing and
 * rule compilation excluded) on stdout.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "rules_ops.h"
#include "scan.h"

static opsc_array(char *) files;
static size_t root_len;

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_F)
		opsc_array_push(&files, opsc_strdup(path + root_len + 1));
	return 0;
}

typedef struct {
	uint64_t bytes, hits, skipped;
} totals;

static int on_file(void *user, const opsc_scan_file_result *r)
{
	totals *t = user;
	t->bytes += r->size;
	t->hits += r->nhits;
	t->skipped += r->status != OPSC_SCAN_FILE_SCANNED;
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: scan_bench RULES.ops DIR [THREADS]\n");
		return 2;
	}
	unsigned threads = argc > 3 ? (unsigned)atoi(argv[3]) : 2;
	int rc = 1;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_scanner *sc = NULL;
	opsc_secret_rule *rules;
	uint32_t nrules;
	totals t = { 0 };
	if (opsc_test_secret_rules(&ctx, argv[1], &rules, &nrules) < 0 ||
	    opsc_scanner_new(&sc, rules, nrules, &ctx.diags) < 0 || ctx.diags.errors) {
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &(opsc_render_opts){ false });
		goto done;
	}
	root_len = strlen(argv[2]);
	if (nftw(argv[2], collect, 32, FTW_PHYS) != 0)
		goto done;
	double t0 = now();
	if (opsc_scan_files(sc, (const char *const *)files.items, argv[2], files.len, threads, on_file, &t) < 0)
		goto done;
	double s = now() - t0;
	printf("%u files, %.1f MB, %llu findings, %llu skipped, %.3f s, %.0f MB/s (%u rules, %u threads)\n",
	       files.len, (double)t.bytes / 1e6, (unsigned long long)t.hits, (unsigned long long)t.skipped, s,
	       (double)t.bytes / 1e6 / s, nrules, threads);
	rc = 0;
done:
	opsc_scanner_free(sc);
	for (uint32_t i = 0; i < files.len; i++)
		opsc_free(files.items[i]);
	opsc_array_free(&files);
	opsc_ctx_dispose(&ctx);
	return rc;
}
