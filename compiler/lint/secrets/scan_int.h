/*
 * scan_int.h - what the files of the secret scanner share (scan.c,
 * scan_text.c, scan_context.c, scan_files.c, ...). Not part of the interface.
 *
 * A "consumer" is anything the prefilter feeds: the compiled .ops rules
 * first (index < nrules), then the built-in structural checks.
 */
#ifndef OPSC_SCAN_INTERNAL_H
#define OPSC_SCAN_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util.h"
#include "scan.h"
#include "scan_prefilter.h"

typedef struct {
	char *id, *description;
	opsc_severity severity;
	pcre2_code *code;
	uint32_t group;
	double entropy;
	char **paths, **allow_paths;
	uint32_t npaths, nallow_paths;
	pcre2_code **allow_values;
	uint32_t nallow_values;
	bool generic; /* id "generic-*": a fallback other rules outrank */
	bool assigned; /* the value of a credential-named key: plausibility-checked */
	bool has_keywords;
} opsc_scan_rule;

/* The built-in structural checks (scan_context.c), in rank order. */
typedef enum {
	OPSC_CTX_KUBE_SECRET,
	OPSC_CTX_KUBE_ENV,
	OPSC_CTX_KUBECONFIG,
	OPSC_CTX_TFSTATE_SECRET,
	OPSC_CTX_COUNT,
} opsc_ctx_check;

/* Ids and descriptions of the checks, then (at OPSC_CTX_COUNT) the
 * file-level finding for a committed Terraform state. */
extern const opsc_scan_builtin opsc_ctx_rules[OPSC_CTX_COUNT + 1];
/* Each check's prefilter keywords, NULL-terminated. */
extern const char *const *const opsc_ctx_keywords[OPSC_CTX_COUNT];

struct opsc_scanner {
	opsc_scan_rule *rules;
	uint32_t nrules;
	uint32_t nconsumers; /* nrules + OPSC_CTX_COUNT */
	opsc_prefilter pf;
	uint32_t *kw_cons_start, *kw_cons_len, *kw_cons; /* keyword -> consumers */
	uint32_t max_groups;
};

typedef struct {
	uint32_t start, end; /* byte range to search */
} opsc_scan_window;

/* A finding before suppression and ranking. */
typedef struct {
	uint32_t offset, len;
	uint32_t consumer; /* rule index, or nrules + check, or UINT32_MAX: tfstate file */
	uint32_t rank;
} opsc_scan_cand;

typedef opsc_array(opsc_scan_window) opsc_scan_windows;

struct opsc_scan_state {
	const opsc_scanner *sc;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	opsc_scan_windows *windows; /* per consumer */
	bool *enabled; /* per consumer, for the current path */
	opsc_array(opsc_scan_cand) cands;
	opsc_array(opsc_scan_cand) kept;
	/* the buffer being scanned */
	const char *path, *data;
	size_t len;
	bool sealed, sops, lockfile, tfstate;
	bool external; /* holds External Secrets objects: keys name remote secrets */
};

/* ---- byte classes the tests over values share: inline, so that using
 * them makes no call from one file to another */

static inline bool opsc_scan_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* strchr for a byte: NUL is in no set. */
static inline bool opsc_scan_one_of(int c, const char *set)
{
	return c != 0 && strchr(set, c) != NULL;
}

/* ---- scan_text.c: byte-level helpers */

double opsc_scan_entropy(const char *s, size_t len);
/* Start of the line holding `pos`, and the end (at its '\n' or len). */
size_t opsc_scan_line_start(const char *data, size_t pos);
size_t opsc_scan_line_end(const char *data, size_t len, size_t pos);
/* Indentation of the line starting at `ls` ("- " of a YAML list item counts). */
uint32_t opsc_scan_indent(const char *data, size_t len, size_t ls, bool *item);
/* Why a value is not a secret (placeholder, reference, example key, digest,
 * hash, ciphertext), or NULL when it may be one. `pos` is the value's
 * offset in `data` (the text before it gives context). */
const char *opsc_scan_not_secret(const char *data, size_t len, size_t pos, size_t vlen);
/* Whether a value is a UUID (8-4-4-4-12 hex): an identifier for a rule that
 * only knows a key, a credential for the issuers that format keys so. */
bool opsc_scan_uuid(const char *s, size_t len);
/* Whether a key names a credential: "DB_PASSWORD", "linode_token". */
bool opsc_scan_credential_name(const char *key, size_t len);
/* Whether a file name (last segment) is a dependency lock file. */
bool opsc_scan_lockfile(const char *path);
bool opsc_scan_tfstate(const char *path);

/* ---- scan_context.c: structural checks, fed one prefilter window each */

void opsc_scan_context(opsc_scan_state *st, opsc_ctx_check check, const opsc_scan_window *w);
/* Whether the value at `pos` lies under SealedSecret encryptedData. */
bool opsc_scan_in_sealed_data(const opsc_scan_state *st, size_t pos);

/* ---- scan.c */

void opsc_scan_add_cand(opsc_scan_state *st, uint32_t consumer, size_t offset, size_t len);

#define TFSTATE_FILE UINT32_MAX /* the consumer of the file-level tfstate finding */

#endif
