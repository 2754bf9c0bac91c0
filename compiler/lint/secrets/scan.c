/*
 * scan.c - the secret scanner: compiling rules, the prefilter pass, PCRE2
 * on the windows around keyword hits, ranking and reporting.
 *
 * Per buffer: (1) one prefilter pass turns keyword hits into windows (the
 * keyword's line and the next) per rule; (2) each rule's PCRE2 runs only on
 * its windows, and the structural checks on theirs; (3) candidates that are
 * not secrets are dropped; (4) when two candidates overlap the lower rank
 * wins (.ops rules in order, then the structural checks, then `generic-*`
 * rules); (5) `opsc:ignore` lines are dropped and the rest reported in
 * order of offset.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "scan_int.h"

#define MATCH_LIMIT 200000u
#define DEPTH_LIMIT 2000u
#define HEAP_LIMIT_KIB 16384u
#define WINDOW_BACK 1024u /* at most this far back to a line start */
#define WINDOW_AHEAD 4096u /* at most this far past the keyword */

/* ---------------------------------------------------------------- compile */

static char **copy_strs(const opsc_strs *strs)
{
	char **out = opsc_calloc(strs->len ? strs->len : 1, sizeof *out);
	for (uint32_t i = 0; i < strs->len; i++)
		out[i] = opsc_strdup(strs->items[i].s);
	return out;
}

static void free_strs(char **strs, uint32_t n)
{
	for (uint32_t i = 0; strs && i < n; i++)
		opsc_free(strs[i]);
	opsc_free(strs);
}

static pcre2_code *compile_pattern(opsc_diags *diags, const opsc_secret_rule *r, const opsc_str *pat,
				   const char *what)
{
	int err;
	PCRE2_SIZE at;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat->s, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
					 &err, &at, NULL);
	if (!code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(err, msg, sizeof msg);
		uint32_t d = opsc_diag_error(diags, "secret-pattern", pat->span,
					     "secret rule `%s`: %s does not compile: %s (at offset %zu)",
					     r->id.s, what, (const char *)msg, (size_t)at);
		opsc_diag_help(diags, d, "patterns are PCRE2; the rule is left out of the scan");
		return NULL;
	}
	/* Falls back to the interpreter when JIT is unavailable. OPSC_NO_JIT
	 * asks for the interpreter: valgrind cannot see into JIT-generated
	 * code and reports its reads as uninitialised. */
	const char *nojit = getenv("OPSC_NO_JIT");
	if (!nojit || !*nojit)
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static uint32_t capture_count(const pcre2_code *code)
{
	uint32_t n = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	return n;
}

static void rule_dispose(opsc_scan_rule *r)
{
	opsc_free(r->id);
	opsc_free(r->description);
	pcre2_code_free(r->code);
	free_strs(r->paths, r->npaths);
	free_strs(r->allow_paths, r->nallow_paths);
	for (uint32_t i = 0; r->allow_values && i < r->nallow_values; i++)
		pcre2_code_free(r->allow_values[i]);
	opsc_free(r->allow_values);
}

/* Returns false (reported) when the rule cannot be used. */
static bool rule_compile(opsc_scan_rule *out, const opsc_secret_rule *r, opsc_diags *diags)
{
	memset(out, 0, sizeof *out);
	out->code = compile_pattern(diags, r, &r->pattern, "the pattern");
	if (!out->code)
		return false;
	uint32_t groups = capture_count(out->code);
	if (r->group > groups) {
		opsc_diag_error(diags, "secret-group", r->span,
				"secret rule `%s`: group = %u, but the pattern has %u capture group%s",
				r->id.s, r->group, groups, groups == 1 ? "" : "s");
		pcre2_code_free(out->code);
		return false;
	}
	out->id = opsc_strdup(r->id.s);
	out->description = opsc_strdup(r->description.s ? r->description.s : r->id.s);
	out->severity = r->severity;
	out->group = r->group;
	out->entropy = r->entropy;
	out->generic = strncmp(r->id.s, "generic-", 8) == 0;
	out->assigned = r->assigned || out->generic;
	out->has_keywords = r->keywords.len > 0;
	out->paths = copy_strs(&r->paths);
	out->npaths = r->paths.len;
	out->allow_paths = copy_strs(&r->allow_paths);
	out->nallow_paths = r->allow_paths.len;
	out->allow_values = opsc_calloc(r->allow_values.len ? r->allow_values.len : 1, sizeof(pcre2_code *));
	for (uint32_t i = 0; i < r->allow_values.len; i++) {
		pcre2_code *c = compile_pattern(diags, r, &r->allow_values.items[i], "an allow_values pattern");
		if (c)
			out->allow_values[out->nallow_values++] = c;
	}
	return true;
}

/* ------------------------------------------------------------ keywords */

typedef struct {
	opsc_array(char *) words; /* distinct, lowercased */
	opsc_array(uint32_t) pair_kw, pair_cons; /* (keyword, consumer) */
} keyword_set;

static uint32_t keyword_intern(keyword_set *ks, const char *word)
{
	char *low = opsc_strdup(word);
	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	for (uint32_t i = 0; i < ks->words.len; i++)
		if (strcmp(ks->words.items[i], low) == 0) {
			opsc_free(low);
			return i;
		}
	opsc_array_push(&ks->words, low);
	return ks->words.len - 1;
}

static void keyword_add(keyword_set *ks, const char *word, uint32_t consumer)
{
	if (!*word)
		return;
	uint32_t kw = keyword_intern(ks, word);
	opsc_array_push(&ks->pair_kw, kw);
	opsc_array_push(&ks->pair_cons, consumer);
}

/* Keyword -> consumers as (start, len) into one flat list. */
static void keyword_index(opsc_scanner *sc, const keyword_set *ks)
{
	uint32_t nk = ks->words.len ? ks->words.len : 1, np = ks->pair_kw.len;
	sc->kw_cons_start = opsc_calloc(nk, sizeof(uint32_t));
	sc->kw_cons_len = opsc_calloc(nk, sizeof(uint32_t));
	sc->kw_cons = opsc_calloc(np ? np : 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < np; i++)
		sc->kw_cons_len[ks->pair_kw.items[i]]++;
	for (uint32_t k = 1; k < ks->words.len; k++)
		sc->kw_cons_start[k] = sc->kw_cons_start[k - 1] + sc->kw_cons_len[k - 1];
	uint32_t *fill = opsc_calloc(nk, sizeof(uint32_t));
	for (uint32_t i = 0; i < np; i++) {
		uint32_t k = ks->pair_kw.items[i];
		sc->kw_cons[sc->kw_cons_start[k] + fill[k]++] = ks->pair_cons.items[i];
	}
	opsc_free(fill);
}

static int build_prefilter(opsc_scanner *sc, const opsc_secret_rule *rules, const uint32_t *kept)
{
	keyword_set ks = { 0 };
	for (uint32_t i = 0; i < sc->nrules; i++) {
		const opsc_secret_rule *r = &rules[kept[i]];
		for (uint32_t k = 0; k < r->keywords.len; k++)
			keyword_add(&ks, r->keywords.items[k].s, i);
	}
	for (uint32_t c = 0; c < OPSC_CTX_COUNT; c++)
		for (const char *const *k = opsc_ctx_keywords[c]; *k; k++)
			keyword_add(&ks, *k, sc->nrules + c);
	keyword_index(sc, &ks);
	int rc = opsc_prefilter_init(&sc->pf, (const char *const *)ks.words.items, ks.words.len);
	for (uint32_t i = 0; i < ks.words.len; i++)
		opsc_free(ks.words.items[i]);
	opsc_array_free(&ks.words);
	opsc_array_free(&ks.pair_kw);
	opsc_array_free(&ks.pair_cons);
	return rc;
}

int opsc_scanner_new(opsc_scanner **out, const opsc_secret_rule *rules, uint32_t nrules,
		     opsc_diags *diags)
{
	int rc = 0;
	opsc_scanner *sc = opsc_calloc(1, sizeof *sc);
	uint32_t *kept = opsc_calloc(nrules ? nrules : 1, sizeof *kept);
	sc->rules = opsc_calloc(nrules ? nrules : 1, sizeof *sc->rules);
	for (uint32_t i = 0; i < nrules; i++)
		if (rule_compile(&sc->rules[sc->nrules], &rules[i], diags)) {
			kept[sc->nrules] = i;
			uint32_t g = capture_count(sc->rules[sc->nrules].code);
			sc->max_groups = g > sc->max_groups ? g : sc->max_groups;
			sc->nrules++;
		}
	sc->nconsumers = sc->nrules + OPSC_CTX_COUNT;
	rc = build_prefilter(sc, rules, kept);
	if (rc < 0)
		goto done;
	*out = sc;
	sc = NULL;
done:
	opsc_free(kept);
	opsc_scanner_free(sc);
	return rc;
}

void opsc_scanner_free(opsc_scanner *sc)
{
	if (!sc)
		return;
	for (uint32_t i = 0; i < sc->nrules; i++)
		rule_dispose(&sc->rules[i]);
	opsc_free(sc->rules);
	opsc_prefilter_dispose(&sc->pf);
	opsc_free(sc->kw_cons_start);
	opsc_free(sc->kw_cons_len);
	opsc_free(sc->kw_cons);
	opsc_free(sc);
}

/* ------------------------------------------------------------------ state */

int opsc_scan_state_new(opsc_scan_state **out, const opsc_scanner *sc)
{
	opsc_scan_state *st = opsc_calloc(1, sizeof *st);
	st->sc = sc;
	st->md = pcre2_match_data_create(sc->max_groups + 1, NULL);
	st->mctx = pcre2_match_context_create(NULL);
	st->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	st->windows = opsc_calloc(sc->nconsumers, sizeof *st->windows);
	st->enabled = opsc_calloc(sc->nconsumers, sizeof *st->enabled);
	if (!st->md || !st->mctx) {
		opsc_scan_state_free(st);
		return -1;
	}
	pcre2_set_match_limit(st->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(st->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(st->mctx, HEAP_LIMIT_KIB);
	if (st->jit)
		pcre2_jit_stack_assign(st->mctx, NULL, st->jit);
	*out = st;
	return 0;
}

void opsc_scan_state_free(opsc_scan_state *st)
{
	if (!st)
		return;
	pcre2_match_data_free(st->md);
	pcre2_match_context_free(st->mctx);
	pcre2_jit_stack_free(st->jit);
	for (uint32_t i = 0; st->windows && i < st->sc->nconsumers; i++)
		opsc_array_free(&st->windows[i]);
	opsc_free(st->windows);
	opsc_free(st->enabled);
	opsc_array_free(&st->cands);
	opsc_array_free(&st->kept);
	opsc_free(st);
}
