#include "suggest.h"

#include <ctype.h>
#include <string.h>

enum { MAX_WORD = 64 };

/* Optimal string alignment distance, with an early exit above `limit`. */
static size_t distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la >= MAX_WORD || lb >= MAX_WORD)
		return limit + 1;
	size_t d[MAX_WORD + 1][MAX_WORD + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = limit + 1;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return d[la][lb];
}

const char *opsc_suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t len = strlen(word);
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, candidates[i], limit);
		/* ties go to the alphabetically first: suggestions must not
		 * depend on declaration or hash order */
		if (d < best_d || (d == best_d && best && strcmp(candidates[i], best) < 0)) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}
