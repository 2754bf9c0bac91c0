/*
 * finding.h - what `opsc lint` reports: secret, drift and policy findings,
 * rendered by the report module (text, github, sarif, json).
 *
 * A finding never holds a secret in full: `redacted` is at most the first
 * four characters and the length ("ghp_… (40 chars)"), and `fingerprint` is a
 * hash of rule, path and secret used by baselines.
 */
#ifndef OPSC_FINDING_H
#define OPSC_FINDING_H

#include <stdint.h>

#include "util.h"

/* CHECK: a diagnostic of the .ops sources, as `opsc check` reports it. */
typedef enum { OPSC_FINDING_SECRET, OPSC_FINDING_DRIFT, OPSC_FINDING_POLICY, OPSC_FINDING_CHECK } opsc_finding_kind;

typedef struct {
	const char *path; /* repository-relative */
	uint32_t line, col, end_line, end_col; /* 1-based; 0 when unknown */
	const char *message; /* "produced here", may be NULL */
} opsc_location;

typedef struct {
	opsc_finding_kind kind;
	const char *rule; /* rule id: "github-pat", "no-wildcard-rbac", "drift-edited" */
	opsc_severity severity;
	opsc_location where; /* where to annotate */
	const char *message;
	const char *help; /* how to fix, may be NULL */
	const char *redacted; /* secrets only, else NULL */
	char fingerprint[65]; /* hex; "" when the finding has none */
	opsc_location related[4]; /* e.g. the .ops line that owns a generated line */
	uint32_t nrelated;
	const char *commit, *author, *date; /* --history only, else NULL */
} opsc_finding;

#endif
