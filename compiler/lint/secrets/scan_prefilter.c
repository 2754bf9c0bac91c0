#include "scan_prefilter.h"

#include <string.h>

#include "util.h"

#define MAX_STATES 65535u

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Class 0 is every byte that occurs in no keyword. */
static void assign_classes(opsc_prefilter *pf, const char *const *kw, uint32_t n)
{
	memset(pf->cls, 0, sizeof pf->cls);
	pf->nclasses = 1;
	for (uint32_t i = 0; i < n; i++)
		for (const unsigned char *p = (const unsigned char *)kw[i]; *p; p++) {
			unsigned char c = fold(*p);
			if (!pf->cls[c])
				pf->cls[c] = (uint8_t)pf->nclasses++;
		}
	for (int c = 'A'; c <= 'Z'; c++)
		pf->cls[c] = pf->cls[c + 32];
}

typedef struct {
	opsc_array(uint16_t) goto_; /* trie, then DFA: nstates * nclasses, 0 = none */
	opsc_array(uint32_t) out_kw; /* keyword ending exactly at the state, or UINT32_MAX */
	uint32_t nclasses;
} trie;

static uint32_t trie_add_state(trie *t)
{
	uint32_t s = t->out_kw.len;
	opsc_array_reserve(&t->goto_, t->nclasses);
	memset(t->goto_.items + t->goto_.len, 0, t->nclasses * sizeof(uint16_t));
	t->goto_.len += t->nclasses;
	opsc_array_push(&t->out_kw, UINT32_MAX);
	return s;
}

static int trie_build(trie *t, const opsc_prefilter *pf, const char *const *kw, uint32_t n)
{
	trie_add_state(t);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = 0;
		for (const unsigned char *p = (const unsigned char *)kw[i]; *p; p++) {
			uint16_t *next = &t->goto_.items[s * t->nclasses + pf->cls[*p]];
			if (!*next) {
				if (t->out_kw.len >= MAX_STATES)
					return -1;
				uint32_t ns = trie_add_state(t);
				next = &t->goto_.items[s * t->nclasses + pf->cls[*p]];
				*next = (uint16_t)ns;
			}
			s = *next;
		}
		if (s && t->out_kw.items[s] == UINT32_MAX)
			t->out_kw.items[s] = i;
	}
	return 0;
}

/* Breadth-first: fills failure transitions into the DFA and collects, for
 * each state, the keywords that end there, its own first and then those of
 * its failure state (complete already: BFS visits shorter states first). */
static void build_dfa(opsc_prefilter *pf, trie *t)
{
	uint32_t ns = t->out_kw.len, nc = t->nclasses;
	uint32_t *fail = opsc_calloc(ns, sizeof *fail);
	uint32_t *queue = opsc_malloc(ns * sizeof *queue), qh = 0, qt = 0;
	uint16_t *d = t->goto_.items;
	opsc_array(uint32_t) outs = { 0 };
	pf->out_start = opsc_calloc(ns, sizeof(uint32_t));
	pf->out_len = opsc_calloc(ns, sizeof(uint32_t));
	pf->accept = opsc_calloc(ns, 1);
	for (uint32_t c = 0; c < nc; c++)
		if (d[c])
			queue[qt++] = d[c];
	while (qh < qt) {
		uint32_t s = queue[qh++], f = fail[s];
		pf->out_start[s] = outs.len;
		if (t->out_kw.items[s] != UINT32_MAX)
			opsc_array_push(&outs, t->out_kw.items[s]);
		for (uint32_t k = 0; k < pf->out_len[f]; k++)
			opsc_array_push(&outs, outs.items[pf->out_start[f] + k]);
		pf->out_len[s] = outs.len - pf->out_start[s];
		pf->accept[s] = pf->out_len[s] > 0;
		for (uint32_t c = 0; c < nc; c++) {
			uint32_t u = d[s * nc + c];
			if (u) {
				fail[u] = d[f * nc + c];
				queue[qt++] = u;
			} else {
				d[s * nc + c] = d[f * nc + c];
			}
		}
	}
	pf->outs = outs.items;
	opsc_free(fail);
	opsc_free(queue);
}

int opsc_prefilter_init(opsc_prefilter *pf, const char *const *keywords, uint32_t n)
{
	memset(pf, 0, sizeof *pf);
	assign_classes(pf, keywords, n);
	trie t = { .nclasses = pf->nclasses };
	int rc = trie_build(&t, pf, keywords, n);
	if (rc == 0) {
		build_dfa(pf, &t);
		pf->nstates = t.out_kw.len;
		pf->delta = t.goto_.items;
		t.goto_.items = NULL;
	}
	opsc_array_free(&t.goto_);
	opsc_array_free(&t.out_kw);
	pf->nkeywords = n;
	pf->kw_len = opsc_malloc((n ? n : 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		pf->kw_len[i] = (uint32_t)strlen(keywords[i]);
	return rc;
}

void opsc_prefilter_dispose(opsc_prefilter *pf)
{
	if (!pf)
		return;
	opsc_free(pf->delta);
	opsc_free(pf->accept);
	opsc_free(pf->out_start);
	opsc_free(pf->out_len);
	opsc_free(pf->outs);
	opsc_free(pf->kw_len);
	memset(pf, 0, sizeof *pf);
}

void opsc_prefilter_run(const opsc_prefilter *pf, const char *data, size_t len,
			opsc_prefilter_cb hit, void *user)
{
	const unsigned char *p = (const unsigned char *)data;
	const uint16_t *delta = pf->delta;
	const uint8_t *cls = pf->cls, *accept = pf->accept;
	uint32_t nc = pf->nclasses, s = 0;
	if (!delta)
		return;
	for (size_t i = 0; i < len; i++) {
		s = delta[s * nc + cls[p[i]]];
		if (!accept[s])
			continue;
		for (uint32_t k = 0; k < pf->out_len[s]; k++)
			if (hit(user, pf->outs[pf->out_start[s] + k], i + 1))
				return;
	}
}
