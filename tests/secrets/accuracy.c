/*
 * accuracy.c - scans the labelled corpus (tests/secrets/corpus) with the
 * built-in rules (policies/secrets.ops) and compares with labels.json:
 * every label must be found by its rule on its line, and nothing else may
 * be reported. Prints misses, false alarms, precision and recall.
 *
 *   accuracy [RULES.ops] [CORPUS] [LABELS.json]   (run from the source root)
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "diag.h"
#include "rules_ops.h"
#include "scan.h"

typedef struct {
	char *path, *rule;
	uint32_t line;
	bool matched;
} finding;

typedef opsc_array(finding) findings;

static opsc_array(char *) files;
static size_t root_len;

static int collect_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_F)
		opsc_array_push(&files, opsc_strdup(path + root_len + 1));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
	findings found;
	uint32_t skipped;
} run;

static int on_file(void *user, const opsc_scan_file_result *r)
{
	run *rn = user;
	if (r->status != OPSC_SCAN_FILE_SCANNED) {
		fprintf(stderr, "skipped %s: %s\n", r->path, r->reason);
		rn->skipped++;
	}
	for (uint32_t i = 0; i < r->nhits; i++) {
		finding f = { opsc_strdup(r->path), opsc_strdup(r->hits[i].rule_id), r->hits[i].line, false };
		opsc_array_push(&rn->found, f);
	}
	return 0;
}

static int load_labels(const char *path, findings *out)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!json_is_array(root)) {
		fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
		json_decref(root);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *l = json_array_get(root, i);
		finding f = { opsc_strdup(json_string_value(json_object_get(l, "path"))),
			      opsc_strdup(json_string_value(json_object_get(l, "rule"))),
			      (uint32_t)json_integer_value(json_object_get(l, "line")), false };
		opsc_array_push(out, f);
	}
	json_decref(root);
	return 0;
}

static bool same(const finding *a, const finding *b)
{
	return a->line == b->line && strcmp(a->path, b->path) == 0 && strcmp(a->rule, b->rule) == 0;
}

static void free_findings(void *arr, uint32_t n)
{
	finding *fs = arr;
	for (uint32_t i = 0; i < n; i++) {
		opsc_free(fs[i].path);
		opsc_free(fs[i].rule);
	}
	opsc_free(fs);
}

int main(int argc, char **argv)
{
	const char *rules_path = argc > 1 ? argv[1] : "policies/secrets.ops";
	const char *corpus = argc > 2 ? argv[2] : "tests/secrets/corpus";
	const char *labels_path = argc > 3 ? argv[3] : "tests/secrets/labels.json";
	int rc = 1;
	opsc_ctx ctx;
	opsc_ctx_init(&ctx);
	opsc_scanner *sc = NULL;
	run rn = { 0 };
	findings labels = { 0 };
	opsc_secret_rule *rules;
	uint32_t nrules;
	if (opsc_test_secret_rules(&ctx, rules_path, &rules, &nrules) < 0 ||
	    opsc_scanner_new(&sc, rules, nrules, &ctx.diags) < 0 || ctx.diags.errors) {
		opsc_diag_render_text(stderr, &ctx.sources, &ctx.diags, &(opsc_render_opts){ false });
		goto done;
	}
	root_len = strlen(corpus);
	if (nftw(corpus, collect_file, 16, FTW_PHYS) != 0 || load_labels(labels_path, &labels) < 0)
		goto done;
	qsort(files.items, files.len, sizeof *files.items, cmp_str);
	if (opsc_scan_files(sc, (const char *const *)files.items, corpus, files.len, 2, on_file, &rn) < 0)
		goto done;
	uint32_t tp = 0, fp = 0, fn = 0;
	for (uint32_t i = 0; i < rn.found.len; i++) {
		finding *f = &rn.found.items[i];
		for (uint32_t k = 0; k < labels.len && !f->matched; k++)
			if (!labels.items[k].matched && same(f, &labels.items[k]))
				f->matched = labels.items[k].matched = true;
		if (f->matched)
			tp++;
		else {
			fp++;
			printf("false alarm: %s:%u %s\n", f->path, f->line, f->rule);
		}
	}
	for (uint32_t k = 0; k < labels.len; k++)
		if (!labels.items[k].matched) {
			fn++;
			printf("miss: %s:%u %s\n", labels.items[k].path, labels.items[k].line, labels.items[k].rule);
		}
	printf("%u rules, %u files, %u labelled secrets: %u found, %u false alarms, %u misses\n", nrules,
	       files.len, labels.len, tp, fp, fn);
	printf("precision %.3f recall %.3f\n", tp + fp ? (double)tp / (tp + fp) : 1.0,
	       tp + fn ? (double)tp / (tp + fn) : 1.0);
	rc = fp || fn || rn.skipped ? 1 : 0;
done:
	opsc_scanner_free(sc);
	free_findings(rn.found.items, rn.found.len);
	free_findings(labels.items, labels.len);
	for (uint32_t i = 0; i < files.len; i++)
		opsc_free(files.items[i]);
	opsc_array_free(&files);
	opsc_ctx_dispose(&ctx);
	return rc;
}
