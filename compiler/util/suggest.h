/*
 * suggest.h - "did you mean": the closest candidate to a misspelt word.
 */
#ifndef OPSC_SUGGEST_H
#define OPSC_SUGGEST_H

#include <stddef.h>

/* The candidate closest to `word` (Damerau-Levenshtein, case-insensitive),
 * if close enough to be a likely typo; NULL otherwise. */
const char *opsc_suggest(const char *word, const char *const *candidates, size_t n);

#endif
