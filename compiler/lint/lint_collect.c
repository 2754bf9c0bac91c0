/*
 * lint_collect.c - how a policy pass adds a finding: the place shown, the
 * related location, inline suppression and the deduplication by hash.
 * Shared by the policy finder (lint_policy.c) and its contradiction checks
 * (lint_contradict.c), which both call it and nothing of each other.
 */
#define _GNU_SOURCE /* memmem */
#include "lint_policy_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------- findings */

/* Declared-side paths are the user's .ops, shown relative to the tree. */
static const char *shown_path(policy_pass *p, const char *path, opsc_model_side side)
{
	return side == OPSC_IN_DECLARED ? opsc_lint_tree_path(p->run, path) : path;
}

static bool locate(policy_pass *p, opsc_place pl, opsc_location *out)
{
	const opsc_ctx *ctx = pl.side == OPSC_IN_ACTUAL ? p->actual_ctx : p->run->ctx;
	const opsc_source *src = opsc_sources_get(&ctx->sources, pl.span.file);
	if (!src)
		return false;
	*out = (opsc_location){ opsc_arena_strdup(p->run->out->arena, shown_path(p, src->path, pl.side)),
				pl.span.line, pl.span.col, pl.span.end_line, pl.span.end_col, NULL };
	return true;
}

static bool same_finding(const opsc_finding *a, const opsc_finding *b)
{
	return strcmp(a->rule, b->rule) == 0 && strcmp(a->where.path, b->where.path) == 0 &&
	       a->where.line == b->where.line && a->where.col == b->where.col &&
	       strcmp(a->message, b->message) == 0;
}

/* The pass's findings by content, so an identical one is added once
 * without comparing it with every earlier one: a repository of thousands
 * of workloads gives tens of thousands of findings. */
static uint32_t finding_hash(const opsc_finding *f)
{
	const char *parts[] = { f->rule, f->where.path, f->message };
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		for (const char *c = parts[i]; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		h = (h ^ 0xffu) * 16777619u;
	}
	h = (h ^ f->where.line) * 16777619u;
	return (h ^ f->where.col) * 16777619u;
}

static void index_put(policy_pass *p, uint32_t i)
{
	uint32_t mask = p->cap - 1, h = finding_hash(&p->run->out->findings.items[i]) & mask;
	while (p->slots[h])
		h = (h + 1) & mask;
	p->slots[h] = i + 1;
}

static void index_grow(policy_pass *p)
{
	opsc_free(p->slots);
	p->cap = p->cap ? p->cap * 2 : 1024;
	p->slots = opsc_calloc(p->cap, sizeof *p->slots);
	for (uint32_t i = p->first; i < p->indexed; i++)
		index_put(p, i);
}

static bool seen(policy_pass *p, const opsc_finding *f)
{
	const opsc_finding *all = p->run->out->findings.items;
	for (; p->indexed < p->run->out->findings.len; p->indexed++) {
		if ((p->indexed - p->first + 1) * 2 > p->cap)
			index_grow(p);
		index_put(p, p->indexed);
	}
	if (!p->cap)
		return false;
	uint32_t mask = p->cap - 1;
	for (uint32_t h = finding_hash(f) & mask; p->slots[h]; h = (h + 1) & mask)
		if (same_finding(&all[p->slots[h] - 1], f))
			return true;
	return false;
}

/* A finding belongs to a commit when it is located in a file the commit
 * changes, or in the .ops sources (the declared side). */
static bool in_commit(const policy_pass *p, const char *path)
{
	return opsc_source_is_ops(path) || opsc_lint_changes_has(p->run, path);
}

/* An inline `opsc:ignore[rule] reason` at the finding's line or the one
 * above: true when it suppresses the finding. One without a reason does
 * not, and is reported itself (once per comment). */
static bool suppressed(policy_pass *p, const char *rule, opsc_place where, const opsc_location *at)
{
	const opsc_ctx *ctx = where.side == OPSC_IN_ACTUAL ? p->actual_ctx : p->run->ctx;
	const opsc_source *src = opsc_sources_get(&ctx->sources, where.span.file);
	uint32_t line = 0, col = 0;
	opsc_ignore_kind k = src ? opsc_lint_ignore_find(src, at->line, rule, &line, &col) : OPSC_IGNORE_NONE;
	if (k != OPSC_IGNORE_UNREASONED)
		return k == OPSC_IGNORE_REASONED;
	opsc_finding f;
	if (opsc_lint_unreasoned(p->run, rule, at->path, line, col, &f) && !seen(p, &f))
		opsc_array_push(&p->run->out->findings, f);
	return false;
}

/* With --base and --staged, whether the finding is the change's: at a
 * line it adds (a file it touches), or on an object a kustomization it
 * changes renders (related[first..] are those kustomizations). */
static bool in_change(const policy_pass *p, const opsc_finding *f, uint32_t first)
{
	opsc_lint_mode mode = p->run->opts->mode;
	if (mode != OPSC_LINT_BASE && mode != OPSC_LINT_STAGED)
		return true;
	for (uint32_t i = 0; i <= f->nrelated - first; i++) {
		const opsc_location *l = i ? &f->related[first + i - 1] : &f->where;
		if (mode == OPSC_LINT_BASE ? opsc_repo_changes_added(&p->run->changes, l->path, l->line)
					   : in_commit(p, l->path))
			return true;
	}
	return false;
}

/* The kustomizations that changed the object the finding is in. */
static void add_origins(policy_pass *p, opsc_span span, opsc_finding *f)
{
	const opsc_actual_origin *og[4];
	uint32_t n = opsc_actual_origins_at(&p->origins, span, og, 4);
	for (uint32_t i = 0; i < n && f->nrelated < 4; i++) {
		opsc_location loc;
		if (!locate(p, (opsc_place){ og[i]->by, OPSC_IN_ACTUAL }, &loc))
			continue;
		bool dup = false;
		for (uint32_t j = 0; j < f->nrelated && !dup; j++)
			dup = f->related[j].line == loc.line && strcmp(f->related[j].path, loc.path) == 0;
		if (dup)
			continue;
		loc.message = opsc_arena_printf(p->run->out->arena, "rendered by this kustomization (%s)",
						og[i]->what);
		f->related[f->nrelated++] = loc;
	}
}

void opsc_lint_policy_add(policy_pass *p, const char *rule, opsc_place where, opsc_place related,
			  const char *related_msg, const char *message)
{
	lint_run *run = p->run;
	opsc_arena *a = run->out->arena;
	const opsc_rule *r = opsc_rules_find(run->rules, rule);
	opsc_finding f = { .kind = OPSC_FINDING_POLICY, .severity = r ? r->level : OPSC_SEV_ERROR };
	if ((r && r->disabled) || !locate(p, where, &f.where))
		return;
	if (locate(p, related, &f.related[0])) {
		f.related[0].message = opsc_arena_strdup(a, related_msg);
		f.nrelated = 1;
	}
	uint32_t first_origin = f.nrelated;
	if (where.side == OPSC_IN_ACTUAL)
		add_origins(p, where.span, &f);
	if (!in_change(p, &f, first_origin) || suppressed(p, rule, where, &f.where))
		return;
	f.rule = opsc_arena_strdup(a, rule);
	f.message = opsc_arena_strdup(a, message);
	if (r != p->help_rule) {
		p->help_rule = r;
		p->help = r && r->fix ? opsc_arena_strdup(a, r->fix) : NULL;
	}
	f.help = p->help;
	if (seen(p, &f))
		return;
	if (!run->opts->no_fingerprints || run->opts->baseline)
		opsc_baseline_fingerprint_text(f.fingerprint, f.rule, f.where.path, f.message);
	opsc_array_push(&run->out->findings, f);
}
