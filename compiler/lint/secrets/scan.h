/*
 * scan.h - the secret-scanning engine.
 *
 * Rules come from the Model (`secret` blocks: the built-in policies/secrets.ops
 * plus the user's own). The scanner compiles them once: a keyword prefilter
 * over all rules' literals, then PCRE2 with JIT and match/depth limits for the
 * rules whose keywords occur, then entropy, placeholder and allowlist checks.
 * Structural rules (Kubernetes Secret manifests with data, committed tfstate,
 * .tfvars/.env credentials, kubeconfig users) are built in and take part in
 * the same run.
 *
 * Ownership: the scanner is immutable after opsc_scanner_new and may be shared
 * by threads; each thread scans with its own opsc_scan_state.
 */
#ifndef OPSC_SCAN_H
#define OPSC_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "model.h"

typedef struct opsc_scanner opsc_scanner;
typedef struct opsc_scan_state opsc_scan_state;

typedef struct {
	const char *rule_id; /* "github-pat"; owned by the scanner */
	const char *description; /* owned by the scanner */
	opsc_severity severity;
	uint32_t line, col; /* 1-based, of the secret's first byte */
	uint32_t end_line, end_col;
	uint32_t offset, len; /* byte range of the secret within the buffer */
	/* An `opsc:ignore` naming the rule on the secret's line without a
	 * reason, which suppresses nothing: its column, else 0. */
	uint32_t unreasoned_col;
} opsc_scan_hit;

/* Called for each finding; return non-zero to stop scanning this buffer. */
typedef int (*opsc_scan_cb)(void *user, const opsc_scan_hit *hit);

/* Compiles `rules` (copied; the Model may be freed afterwards). A rule whose
 * pattern does not compile is reported in `diags` at the rule's span and
 * left out. Returns 0 or negative on internal failure. */
int opsc_scanner_new(opsc_scanner **out, const opsc_secret_rule *rules, uint32_t nrules,
		     opsc_diags *diags);
void opsc_scanner_free(opsc_scanner *scanner);

int opsc_scan_state_new(opsc_scan_state **out, const opsc_scanner *scanner);
void opsc_scan_state_free(opsc_scan_state *state);

/* Scans one file's bytes. `path` is relative to the scanned root, '/'-separated
 * (it selects path rules and structural rules). Lines with `opsc:ignore`
 * (optionally `opsc:ignore[rule-id]`) are skipped. Returns 0, or negative on
 * an internal failure. */
int opsc_scan_buffer(opsc_scan_state *state, const char *path, const char *data, size_t len,
		     opsc_scan_cb cb, void *user);

/* ------------------------------------------------------------ many files */

/* Files larger than this are skipped (reported, never read). */
#define OPSC_SCAN_MAX_FILE_SIZE (10u * 1024 * 1024)

typedef enum {
	OPSC_SCAN_FILE_SCANNED,
	OPSC_SCAN_FILE_BINARY, /* a NUL byte in the first 8 KiB */
	OPSC_SCAN_FILE_TOO_BIG,
	OPSC_SCAN_FILE_UNREADABLE, /* not a regular file, or an I/O error */
} opsc_scan_file_status;

/* What one file produced. Everything it points to is valid only during the
 * callback. */
typedef struct {
	const char *path; /* as given in `paths` */
	uint32_t index; /* its position in `paths` */
	opsc_scan_file_status status;
	const char *reason; /* why it was skipped ("binary file", "12.3 MiB, over
			       the 10.0 MiB limit", strerror), NULL when scanned */
	uint64_t size;
	const opsc_scan_hit *hits;
	const char *const *secrets; /* secrets[i]: the bytes of hits[i], NUL-terminated */
	uint32_t nhits;
} opsc_scan_file_result;

/* Called once per file, in the order of `paths`, never concurrently;
 * return non-zero to stop the scan. */
typedef int (*opsc_scan_file_cb)(void *user, const opsc_scan_file_result *result);

typedef struct {
	unsigned threads; /* 0: one per online CPU */
	uint64_t max_size; /* 0: OPSC_SCAN_MAX_FILE_SIZE */
} opsc_scan_files_opts;

/* Scans root/paths[i] (paths relative to `root`, '/'-separated; root may be
 * NULL for the current directory) on `threads` worker threads, each reading
 * a file with one read(2) into its own reused buffer. Returns 0, or negative
 * when a thread or the root cannot be opened; per-file problems are results
 * with a status, not errors. */
int opsc_scan_files(const opsc_scanner *scanner, const char *const *paths, const char *root,
		    uint32_t n, unsigned threads, opsc_scan_file_cb cb, void *user);
int opsc_scan_files_ex(const opsc_scanner *scanner, const char *const *paths, const char *root,
		       uint32_t n, const opsc_scan_files_opts *opts, opsc_scan_file_cb cb, void *user);

/* The built-in structural rules (ids and descriptions), for rule listings
 * and SARIF metadata: "kubernetes-secret", "terraform-state", ... */
typedef struct {
	const char *id, *description;
	opsc_severity severity;
} opsc_scan_builtin;

uint32_t opsc_scan_builtins(const opsc_scan_builtin **out);

/* Whether a value shown in a message could be a credential: 12 or more
 * characters without spaces and at least 3.3 bits of entropy per character
 * (a random token; not a word like "deletecollection"). Such values are
 * printed redacted (opsc_esc_redact), wherever they come from. */
bool opsc_scan_may_be_secret(const char *s, size_t len);

#endif
