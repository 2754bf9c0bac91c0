/*
 * scan_run.c - scanning one buffer: prefilter windows, PCRE2 and the
 * structural checks on them, suppression, ranking, `opsc:ignore`, report.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "scan_int.h"
#include "scan_plausible.h"

#define WINDOW_BACK 1024u /* at most this far back to a line start */
#define WINDOW_AHEAD 4096u /* at most this far past the keyword */

/* ---------------------------------------------------------------- windows */

static size_t window_start(const char *data, size_t pos)
{
	size_t floor = pos > WINDOW_BACK ? pos - WINDOW_BACK : 0;
	while (pos > floor && data[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t window_end(const char *data, size_t len, size_t pos, unsigned lines)
{
	size_t cap = len - pos > WINDOW_AHEAD ? pos + WINDOW_AHEAD : len;
	for (unsigned i = 0; i < lines && pos < cap; i++) {
		const char *nl = memchr(data + pos, '\n', cap - pos);
		pos = nl ? (size_t)(nl - data) + (i + 1 < lines) : cap;
	}
	return pos;
}

static void add_window(opsc_scan_windows *ws, size_t start, size_t end)
{
	if (ws->len) {
		opsc_scan_window *last = opsc_array_last(ws);
		if (start <= last->end) {
			last->start = start < last->start ? (uint32_t)start : last->start;
			last->end = end > last->end ? (uint32_t)end : last->end;
			return;
		}
	}
	opsc_array_push(ws, ((opsc_scan_window){ (uint32_t)start, (uint32_t)end }));
}

/* A keyword hit: regex rules search its line and the next; structural
 * checks look at its line. */
static int on_keyword(void *user, uint32_t kw, size_t end)
{
	opsc_scan_state *st = user;
	const opsc_scanner *sc = st->sc;
	size_t kstart = end - sc->pf.kw_len[kw];
	for (uint32_t i = 0; i < sc->kw_cons_len[kw]; i++) {
		uint32_t c = sc->kw_cons[sc->kw_cons_start[kw] + i];
		if (!st->enabled[c])
			continue;
		opsc_scan_windows *ws = &st->windows[c];
		if (ws->len && kstart < opsc_array_last(ws)->end && c >= sc->nrules)
			continue; /* that line is already queued */
		unsigned lines = c < sc->nrules ? 2 : 1;
		add_window(ws, window_start(st->data, kstart), window_end(st->data, st->len, kstart, lines));
	}
	return 0;
}

/* ------------------------------------------------------------ candidates */

static bool value_allowed(const opsc_scan_state *st, const opsc_scan_rule *r, size_t off, size_t len)
{
	for (uint32_t i = 0; i < r->nallow_values; i++)
		if (pcre2_match(r->allow_values[i], (PCRE2_SPTR)st->data + off, len, 0, 0, st->md,
				st->mctx) >= 0)
			return true;
	return false;
}

/* `secretKey: name`, `key: path` of an ExternalSecret name the key it
 * writes and the remote secret it reads. */
static bool external_key(const opsc_scan_state *st, size_t off)
{
	static const char *const keys[] = { "secretKey", "key", "property", "remoteKey", "name" };
	size_t ks, kn;
	if (!st->external || !opsc_scan_key_before(st->data, off, &ks, &kn))
		return false;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (kn == strlen(keys[i]) && memcmp(st->data + ks, keys[i], kn) == 0)
			return true;
	return false;
}

static void rule_candidate(opsc_scan_state *st, uint32_t ri, size_t off, size_t len)
{
	const opsc_scan_rule *r = &st->sc->rules[ri];
	if (len == 0 || opsc_scan_entropy(st->data + off, len) < r->entropy)
		return;
	if (value_allowed(st, r, off, len))
		return;
	if (r->assigned && (external_key(st, off) || opsc_scan_implausible(st->data, st->len, off, len)))
		return;
	opsc_scan_add_cand(st, ri, off, len);
}

static void run_rule(opsc_scan_state *st, uint32_t ri)
{
	const opsc_scan_rule *r = &st->sc->rules[ri];
	const opsc_scan_windows *ws = &st->windows[ri];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
	for (uint32_t w = 0; w < ws->len; w++) {
		size_t off = ws->items[w].start, end = ws->items[w].end;
		while (off <= end) {
			int rc = pcre2_match(r->code, (PCRE2_SPTR)st->data, end, off, 0, st->md, st->mctx);
			if (rc < 0) /* no match, or a limit hit: this window is done */
				break;
			size_t s = ov[2 * r->group], e = ov[2 * r->group + 1];
			size_t mend = ov[1];
			if (s != PCRE2_UNSET && (uint32_t)rc > r->group)
				rule_candidate(st, ri, s, e - s);
			off = mend > ov[0] ? mend : ov[0] + 1;
		}
	}
}

/* Lower rank first; among equals, earlier first. */
static int cmp_rank(const void *a, const void *b)
{
	const opsc_scan_cand *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_offset(const void *a, const void *b)
{
	const opsc_scan_cand *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static bool overlaps(const opsc_scan_cand *a, const opsc_scan_cand *b)
{
	return a->offset < b->offset + b->len && b->offset < a->offset + a->len;
}

/* Keeps, of overlapping candidates, the one of lowest rank. */
static void resolve(opsc_scan_state *st)
{
	opsc_array_clear(&st->kept);
	if (!st->cands.len)
		return;
	qsort(st->cands.items, st->cands.len, sizeof *st->cands.items, cmp_rank);
	for (uint32_t i = 0; i < st->cands.len; i++) {
		bool clash = false;
		for (uint32_t k = 0; k < st->kept.len && !clash; k++)
			clash = overlaps(&st->cands.items[i], &st->kept.items[k]);
		if (!clash)
			opsc_array_push(&st->kept, st->cands.items[i]);
	}
	qsort(st->kept.items, st->kept.len, sizeof *st->kept.items, cmp_offset);
}

/* ------------------------------------------------------------------ report */

typedef struct {
	size_t pos;
	uint32_t line;
} line_cursor;

/* Line of `pos` (>= cursor->pos), 1-based, moving the cursor there. */
static uint32_t line_at(line_cursor *lc, const char *data, size_t pos)
{
	while (lc->pos < pos) {
		const char *nl = memchr(data + lc->pos, '\n', pos - lc->pos);
		if (!nl) {
			lc->pos = pos;
			break;
		}
		lc->line++;
		lc->pos = (size_t)(nl - data) + 1;
	}
	return lc->line;
}

/* `opsc:ignore reason` silences every rule on its line; `opsc:ignore[a, b]
 * reason` only the rules named (lint_ignore.h). Without a reason the
 * secret is still reported, and the hit says where the comment is. */
static bool ignored(const char *line, size_t len, opsc_scan_hit *hit)
{
	uint32_t col = 0;
	opsc_ignore_kind k = opsc_lint_ignore_line(line, len, hit->rule_id, &col);
	hit->unreasoned_col = k == OPSC_IGNORE_UNREASONED ? col : 0;
	return k == OPSC_IGNORE_REASONED;
}

/* `example = "..."` and `ignores = "..."` of a secret rule in a .ops file
 * show a fake credential on purpose. */
static bool rule_example_line(const opsc_scan_state *st, const char *line, size_t len)
{
	size_t n = strlen(st->path), i = 0;
	if (n < 4 || strcmp(st->path + n - 4, ".ops") != 0)
		return false;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	static const char *const attrs[] = { "example", "ignores" };
	for (size_t a = 0; a < 2; a++) {
		size_t k = strlen(attrs[a]), j = i + k;
		if (len < j || memcmp(line + i, attrs[a], k) != 0)
			continue;
		while (j < len && line[j] == ' ')
			j++;
		if (j < len && line[j] == '=')
			return true;
	}
	return false;
}

static void consumer_info(const opsc_scanner *sc, uint32_t c, opsc_scan_hit *hit)
{
	const opsc_scan_builtin *b = NULL;
	if (c == TFSTATE_FILE)
		b = &opsc_ctx_rules[OPSC_CTX_COUNT];
	else if (c >= sc->nrules)
		b = &opsc_ctx_rules[c - sc->nrules];
	hit->rule_id = b ? b->id : sc->rules[c].id;
	hit->description = b ? b->description : sc->rules[c].description;
	hit->severity = b ? b->severity : sc->rules[c].severity;
}

static int report(opsc_scan_state *st, opsc_scan_cb cb, void *user)
{
	line_cursor lc = { 0, 1 };
	for (uint32_t i = 0; i < st->kept.len; i++) {
		const opsc_scan_cand *c = &st->kept.items[i];
		opsc_scan_hit hit = { .offset = c->offset, .len = c->len };
		consumer_info(st->sc, c->consumer, &hit);
		size_t ls = opsc_scan_line_start(st->data, c->offset);
		size_t le = opsc_scan_line_end(st->data, st->len, c->offset);
		if (ignored(st->data + ls, le - ls, &hit) || rule_example_line(st, st->data + ls, le - ls))
			continue;
		hit.line = line_at(&lc, st->data, c->offset);
		hit.col = (uint32_t)(c->offset - ls + 1);
		line_cursor end = lc;
		hit.end_line = line_at(&end, st->data, c->offset + c->len);
		hit.end_col = (uint32_t)(c->offset + c->len - opsc_scan_line_start(st->data, c->offset + c->len) + 1);
		if (cb(user, &hit))
			break;
	}
	return 0;
}

/* ------------------------------------------------------------------ buffer */

static bool rule_applies(const opsc_scan_rule *r, const char *path)
{
	bool in = r->npaths == 0;
	for (uint32_t i = 0; i < r->npaths && !in; i++)
		in = opsc_glob_match(r->paths[i], path);
	for (uint32_t i = 0; i < r->nallow_paths && in; i++)
		in = !opsc_glob_match(r->allow_paths[i], path);
	return in;
}

/* SOPS writes its metadata under a top-level `sops` key (YAML, JSON) or as
 * `sops_*` variables (dotenv, ini). */
static bool sops_file(const char *data, size_t len)
{
	if (!memmem(data, len, "sops", 4))
		return false;
	return (len >= 5 && memcmp(data, "sops:", 5) == 0) || memmem(data, len, "\nsops:", 6) ||
	       memmem(data, len, "\"sops\":", 7) || memmem(data, len, "sops_mac=", 9);
}

static void begin_buffer(opsc_scan_state *st, const char *path, const char *data, size_t len)
{
	const opsc_scanner *sc = st->sc;
	st->path = path;
	st->data = data;
	st->len = len;
	st->lockfile = opsc_scan_lockfile(path);
	st->tfstate = opsc_scan_tfstate(path);
	st->sops = sops_file(data, len);
	st->sealed = memmem(data, len, "SealedSecret", 12) != NULL;
	st->external = memmem(data, len, "external-secrets.io/", 20) != NULL;
	bool skip = st->lockfile || st->sops;
	for (uint32_t c = 0; c < sc->nconsumers; c++) {
		opsc_array_clear(&st->windows[c]);
		st->enabled[c] = !skip && (c >= sc->nrules || rule_applies(&sc->rules[c], path));
	}
	st->enabled[sc->nrules + OPSC_CTX_TFSTATE_SECRET] = !skip && st->tfstate;
	opsc_array_clear(&st->cands);
}

int opsc_scan_buffer(opsc_scan_state *st, const char *path, const char *data, size_t len,
		     opsc_scan_cb cb, void *user)
{
	const opsc_scanner *sc = st->sc;
	if (len > UINT32_MAX)
		return -1;
	begin_buffer(st, path, data, len);
	opsc_prefilter_run(&sc->pf, data, len, on_keyword, st);
	for (uint32_t r = 0; r < sc->nrules; r++) {
		if (st->enabled[r] && !sc->rules[r].has_keywords)
			add_window(&st->windows[r], 0, len);
		if (st->windows[r].len)
			run_rule(st, r);
	}
	for (uint32_t c = 0; c < OPSC_CTX_COUNT; c++)
		for (uint32_t w = 0; w < st->windows[sc->nrules + c].len; w++)
			opsc_scan_context(st, (opsc_ctx_check)c, &st->windows[sc->nrules + c].items[w]);
	if (st->tfstate)
		opsc_scan_add_cand(st, TFSTATE_FILE, 0, 0);
	resolve(st);
	return report(st, cb, user);
}
