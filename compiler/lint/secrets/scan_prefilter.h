/*
 * scan_prefilter.h - the keyword prefilter of the secret scanner: one
 * Aho-Corasick automaton over all rules' keywords, matched case-insensitively
 * (ASCII) in one pass over a buffer.
 *
 * The automaton is a dense DFA over byte classes: bytes that occur in no
 * keyword share class 0, so the table stays small (states x classes x 2
 * bytes) and each input byte costs two loads.
 */
#ifndef OPSC_SCAN_PREFILTER_H
#define OPSC_SCAN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint8_t cls[256]; /* byte -> class (case folded) */
	uint32_t nclasses;
	uint32_t nstates;
	uint16_t *delta; /* nstates * nclasses */
	uint8_t *accept; /* per state: some keyword ends here */
	uint32_t *out_start, *out_len; /* per state: keywords ending there are */
	uint32_t *outs; /*   outs[out_start[s] .. + out_len[s]) */
	uint32_t *kw_len; /* per keyword */
	uint32_t nkeywords;
} opsc_prefilter;

/* Builds the automaton for `n` keywords (copied as needed; empty keywords
 * are ignored). Returns 0, or -1 when there are more states than fit. */
int opsc_prefilter_init(opsc_prefilter *pf, const char *const *keywords, uint32_t n);
void opsc_prefilter_dispose(opsc_prefilter *pf);

/* Calls `hit(user, keyword, end)` for every occurrence (end exclusive), in
 * order of end offset; a non-zero return stops the scan. */
typedef int (*opsc_prefilter_cb)(void *user, uint32_t keyword, size_t end);
void opsc_prefilter_run(const opsc_prefilter *pf, const char *data, size_t len,
			opsc_prefilter_cb hit, void *user);

#endif
