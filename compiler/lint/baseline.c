/*
 * baseline.c - reading, matching and writing baseline files.
 */
#define _GNU_SOURCE /* timegm */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void opsc_baseline_fingerprint_secret(char out[65], const char *secret, size_t len)
{
	opsc_sha256_hex(out, secret, len);
}

void opsc_baseline_fingerprint_text(char out[65], const char *rule, const char *path,
				    const char *message)
{
	opsc_sha256 ctx;
	uint8_t digest[32];
	opsc_sha256_init(&ctx);
	opsc_sha256_update(&ctx, rule, strlen(rule) + 1);
	opsc_sha256_update(&ctx, path, strlen(path) + 1);
	opsc_sha256_update(&ctx, message, strlen(message) + 1);
	opsc_sha256_final(&ctx, digest);
	opsc_sha256_to_hex(out, digest);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const opsc_baseline_entry *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);
	if (!c)
		c = strcmp(a->rule, b->rule);
	return c ? c : strcmp(a->hash, b->hash);
}

static void sort_entries(opsc_baseline *b)
{
	if (b->entries.len > 1)
		qsort(b->entries.items, b->entries.len, sizeof *b->entries.items, cmp_entry);
}

/* ------------------------------------------------------------------ read */

static bool is_hash(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static char *errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *errorf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return opsc_strdup(buf);
}

/* "2026-12-31" -> the first second after that day (UTC); false when it
 * is not a date. */
static bool parse_day(const char *s, int64_t *out)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 1 };
	*out = (int64_t)timegm(&tm);
	return true;
}

/* The line of the file on which the entry with `hash` is written. */
static uint32_t line_of(const char *text, const char *hash)
{
	const char *at = text ? strstr(text, hash) : NULL;
	uint32_t line = 1;
	if (!at)
		return 0;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* "" is the placeholder --write-baseline leaves: not given. */
static char *opt_str(json_t *e, const char *key)
{
	const char *s = json_string_value(json_object_get(e, key));
	return s && *s ? opsc_strdup(s) : NULL;
}

static int add_entries(opsc_baseline *out, const char *file, const char *text, json_t *list, char **error)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *rule = json_string_value(json_object_get(e, "rule"));
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *hash = json_string_value(json_object_get(e, "hash"));
		if (!rule || !path || !is_hash(hash)) {
			*error = errorf("%s: finding %zu: expected {\"rule\": ..., \"path\": ..., "
					"\"hash\": 64 hex digits}", file, i + 1);
			return -1;
		}
		json_t *ex = json_object_get(e, "expires");
		const char *expires = json_string_value(ex);
		int64_t until = 0;
		if (ex && !json_is_null(ex) && (!expires || (*expires && !parse_day(expires, &until)))) {
			*error = errorf("%s: finding %zu: \"expires\" must be a date, YYYY-MM-DD", file, i + 1);
			return -1;
		}
		opsc_baseline_entry be = { .rule = opsc_strdup(rule), .path = opsc_strdup(path),
					   .reason = opt_str(e, "reason"), .owner = opt_str(e, "owner"),
					   .expires_text = opt_str(e, "expires"), .expires = until,
					   .line = line_of(text, hash) };
		memcpy(be.hash, hash, 65);
		opsc_array_push(&out->entries, be);
	}
	return 0;
}

/* A baseline of a million findings is about 150 MB. */
#define MAX_BASELINE ((size_t)256 << 20)

int opsc_baseline_load(opsc_baseline *out, const char *file, char **error)
{
	json_error_t err;
	int rc = -1;
	*error = NULL;
	char *text;
	size_t len;
	int r = opsc_file_read(&text, &len, file, 0, MAX_BASELINE);
	if (r < 0) {
		*error = errorf("%s: %s", file, opsc_file_strerror(r));
		return -1;
	}
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	json_t *list = json_object_get(root, "findings");
	if (!root)
		*error = err.line > 0 ? errorf("%s:%d:%d: %s", file, err.line, err.column, err.text)
				      : errorf("%s: %s", file, err.text);
	else if (json_integer_value(json_object_get(root, "version")) != 1 || !json_is_array(list))
		*error = errorf("%s: not an opsc baseline (expected {\"version\": 1, \"findings\": [...]})",
				file);
	else
		rc = add_entries(out, file, text, list, error);
	json_decref(root);
	opsc_free(text);
	sort_entries(out);
	return rc;
}

void opsc_baseline_dispose(opsc_baseline *b)
{
	for (uint32_t i = 0; i < b->entries.len; i++) {
		opsc_free(b->entries.items[i].rule);
		opsc_free(b->entries.items[i].path);
		opsc_free(b->entries.items[i].reason);
		opsc_free(b->entries.items[i].owner);
		opsc_free(b->entries.items[i].expires_text);
	}
	opsc_array_free(&b->entries);
}

bool opsc_baseline_has(const opsc_baseline *b, const opsc_finding *f)
{
	opsc_baseline_entry key = { .rule = (char *)f->rule, .path = (char *)f->where.path };
	memcpy(key.hash, f->fingerprint, sizeof key.hash);
	return f->fingerprint[0] && b->entries.len &&
	       bsearch(&key, b->entries.items, b->entries.len, sizeof key, cmp_entry);
}

void opsc_baseline_each_expired(const opsc_baseline *b, int64_t now,
				void (*fn)(void *user, const opsc_baseline_entry *e), void *user)
{
	for (uint32_t i = 0; i < b->entries.len; i++)
		if (b->entries.items[i].expires && b->entries.items[i].expires <= now)
			fn(user, &b->entries.items[i]);
}

/* ----------------------------------------------------------------- write */

static const char write_note[] =
	"Each entry may say why the finding is accepted (reason), who owns it (owner) and until when "
	"(expires, YYYY-MM-DD, UTC): fill them in; empty means not given. Past its date an entry is "
	"a finding itself (baseline-expired).";

/* One entry per line, so the file diffs well in review. Every entry has
 * its reason, owner and expiry, empty until someone fills them in. */
static void write_entries(FILE *out, const opsc_baseline *b)
{
	json_t *note = json_string(write_note);
	char *s = json_dumps(note, JSON_ENCODE_ANY);
	fprintf(out, "{\"version\": 1,\n \"note\": %s,\n \"findings\": [", s);
	free(s);
	json_decref(note);
	uint32_t written = 0;
	for (uint32_t i = 0; i < b->entries.len; i++) {
		const opsc_baseline_entry *e = &b->entries.items[i];
		if (i && cmp_entry(e, &b->entries.items[i - 1]) == 0)
			continue;
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "rule", e->rule, "path", e->path, "hash", e->hash,
				      "reason", e->reason ? e->reason : "", "owner", e->owner ? e->owner : "",
				      "expires", e->expires_text ? e->expires_text : "");
		char *s = json_dumps(o, 0);
		fprintf(out, "%s\n  %s", written++ ? "," : "", s);
		free(s);
		json_decref(o);
	}
	fputs(written ? "\n]}\n" : "]}\n", out);
}

/* What an entry of the baseline FILE already holds says of a finding that
 * is still there: written again, it keeps its reason, owner and expiry. */
static void keep_filled_in(opsc_baseline_entry *e, const opsc_baseline *old)
{
	const opsc_baseline_entry *was =
		old->entries.len ? bsearch(e, old->entries.items, old->entries.len, sizeof *e, cmp_entry) : NULL;
	if (!was)
		return;
	e->reason = was->reason;
	e->owner = was->owner;
	e->expires_text = was->expires_text;
}

int opsc_baseline_write(const char *file, const opsc_finding *findings, uint32_t n)
{
	opsc_baseline b = { 0 }, old = { 0 };
	char *error = NULL;
	if (access(file, F_OK) == 0 && opsc_baseline_load(&old, file, &error) < 0) {
		opsc_baseline_dispose(&old); /* not a baseline: nothing to keep */
		old = (opsc_baseline){ 0 };
	}
	opsc_free(error);
	for (uint32_t i = 0; i < n; i++) {
		if (!findings[i].fingerprint[0])
			continue;
		opsc_baseline_entry e = { .rule = (char *)findings[i].rule, .path = (char *)findings[i].where.path };
		memcpy(e.hash, findings[i].fingerprint, sizeof e.hash);
		keep_filled_in(&e, &old);
		opsc_array_push(&b.entries, e);
	}
	sort_entries(&b);
	size_t len = strlen(file) + 16;
	char *tmp = opsc_malloc(len);
	snprintf(tmp, len, "%s.tmp%d", file, (int)getpid());
	FILE *out = fopen(tmp, "w");
	int rc = out ? 0 : -errno;
	if (out) {
		write_entries(out, &b);
		rc = ferror(out) ? -EIO : 0;
		if (fclose(out) != 0 && rc == 0)
			rc = -errno;
	}
	if (rc == 0 && rename(tmp, file) != 0)
		rc = -errno;
	if (rc < 0 && out)
		unlink(tmp);
	opsc_free(tmp);
	opsc_array_free(&b.entries); /* the strings belong to the findings and to `old` */
	opsc_baseline_dispose(&old);
	return rc;
}
