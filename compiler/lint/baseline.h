/*
 * baseline.h - known findings, for adopting opsc on an old repository.
 *
 * `opsc lint --write-baseline FILE` records one fingerprint per finding:
 * its rule, its path and a SHA-256 (of the secret for secret findings, of
 * rule, path and message for the others). Never the secret, never a line
 * number, so moving code around does not change the file. `--baseline FILE`
 * then suppresses findings whose fingerprint is recorded: only new ones
 * are reported. The file is JSON, sorted, one entry per line:
 *
 *   {"version": 1,
 *    "note": "Each entry may say why ...",
 *    "findings": [
 *     {"rule": "github-pat", "path": "ci/deploy.sh", "hash": "5e88...a1",
 *      "reason": "", "owner": "", "expires": ""}
 *   ]}
 *
 * An entry may say why the finding is accepted, who owns the exception
 * and until when: "reason", "owner" and "expires" ("YYYY-MM-DD", UTC; ""
 * or null: none). An entry past its date still suppresses its finding, and
 * is reported itself (`baseline-expired`, at its line of the file).
 *
 * Ownership: an opsc_baseline owns its entries and their strings.
 */
#ifndef OPSC_BASELINE_H
#define OPSC_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "report.h"

typedef struct {
	char *rule, *path;
	char hash[65];
	char *reason, *owner, *expires_text; /* NULL when not given */
	int64_t expires; /* the end of that day, seconds since the epoch; 0: never */
	uint32_t line; /* of the entry in the file, 0 when unknown */
} opsc_baseline_entry;

typedef struct {
	opsc_array(opsc_baseline_entry) entries; /* sorted by path, rule, hash */
} opsc_baseline;

/* The fingerprint of a secret finding: SHA-256 of the secret's bytes. */
void opsc_baseline_fingerprint_secret(char out[65], const char *secret, size_t len);
/* The fingerprint of any other finding: SHA-256 of rule, path and message
 * (each followed by a NUL byte, so no two triples hash the same input). */
void opsc_baseline_fingerprint_text(char out[65], const char *rule, const char *path,
				    const char *message);

/* Reads FILE. On a failure returns negative and sets *error to a message
 * ("FILE:3:5: ..."), which the caller frees with opsc_free. */
int opsc_baseline_load(opsc_baseline *out, const char *file, char **error);
void opsc_baseline_dispose(opsc_baseline *b);
/* Whether `f` (with its fingerprint set) is in the baseline. */
bool opsc_baseline_has(const opsc_baseline *b, const opsc_finding *f);

/* Calls `fn` for every entry whose expiry date is before `now`. */
void opsc_baseline_each_expired(const opsc_baseline *b, int64_t now,
				void (*fn)(void *user, const opsc_baseline_entry *e), void *user);

/* Writes the fingerprints of `findings` to FILE (through a temporary file
 * and a rename, so a failed write never leaves half a baseline). Findings
 * without a fingerprint are left out. Every entry gets "reason", "owner"
 * and "expires": empty ("", read back as not given) for the user to fill
 * in, or what FILE's entry for the same finding already says, so writing
 * the baseline again keeps them; a top-level "note" says so. Returns 0
 * or negative errno. */
int opsc_baseline_write(const char *file, const opsc_finding *findings, uint32_t n);

#endif
