/*
 * parse_run.c - parsing files on every core.
 *
 * The files of one loading step (the root files, then the modules they
 * import) are parsed together: each small file is one job, a large file is
 * cut into chunks of whole top-level blocks, one job each. Worker threads
 * take jobs in turn, each with its own tree-sitter parser and arena, and
 * free a job's tree as soon as it is lowered. Results and diagnostics are
 * kept per job and merged in job order, so the output does not depend on
 * which thread ran what.
 */
#include "parse_int.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/*
 * A chunk ends after a `}` that closes a top-level block at the end of its
 * line, as found by a scan that knows strings and comments; a file whose
 * brackets do not balance is never cut there, so error recovery sees it
 * whole. tree-sitter's tree for a whole 100k-line file takes hundreds of
 * megabytes; a chunk's tree is small and freed before the next.
 */
enum { CHUNK_BYTES = 128 * 1024, MAX_THREADS = 4 };

/* tree-sitter's error recovery can take long on hostile input; past this the
 * file is reported as too complex instead of hanging the run. */
#define PARSE_TIMEOUT_US (10u * 1000 * 1000)

typedef opsc_array(uint32_t) cut_list;

/* Skips a string, raw string or comment starting at t[i]; returns the index
 * of its last byte. */
static uint32_t skip_literal(const char *t, uint32_t len, uint32_t i)
{
	char c = t[i];
	if (c == '"' || c == '`') {
		for (i++; i < len && t[i] != c && !(c == '"' && t[i] == '\n'); i++)
			if (c == '"' && t[i] == '\\')
				i++;
	} else if (c == '/' && i + 1 < len && t[i + 1] == '*') {
		for (i += 2; i + 1 < len && !(t[i] == '*' && t[i + 1] == '/'); i++)
			;
		i++;
	} else {
		while (i < len && t[i] != '\n')
			i++;
	}
	return i < len ? i : len - 1;
}

static void find_cuts(const char *t, uint32_t len, cut_list *cuts)
{
	int64_t depth = 0;
	uint32_t last = 0;
	for (uint32_t i = 0; i < len; i++) {
		char c = t[i];
		if (c == '"' || c == '`' || c == '#' || (c == '/' && i + 1 < len && (t[i + 1] == '/' || t[i + 1] == '*')))
			i = skip_literal(t, len, i);
		else if (c == '{' || c == '[' || c == '(')
			depth++;
		else if (c == ']' || c == ')')
			depth--;
		else if (c == '}' && --depth == 0 && i - last >= CHUNK_BYTES && i + 1 < len && t[i + 1] == '\n')
			opsc_array_push(cuts, last = i + 2);
	}
	if (depth != 0)
		opsc_array_clear(cuts);
}

/* ------------------------------------------------------------------- jobs */

typedef struct {
	uint32_t slot; /* index into the files being parsed */
	uint32_t file, start, end; /* source and byte range */
	opsc_stmt_list stmts;
	opsc_diags diags; /* in the arena of the worker that ran the job */
	bool incomplete, timed_out;
} job;

typedef opsc_array(job) job_list;

typedef struct {
	const opsc_cst_names *names;
	const opsc_sources *sources;
	job_list jobs;
	uint32_t next; /* the next job to take (atomic) */
	bool *timed_out; /* per slot (atomic): skip the rest of that file */
} run;

typedef struct {
	opsc_ctx ctx; /* own arena and diagnostics; sources shared read-only */
	run *r;
} worker;

static void run_job(worker *w, TSParser *parser, job *j)
{
	const opsc_source *src = opsc_sources_get(&w->ctx.sources, j->file);
	opsc_span sa = opsc_source_span(&w->ctx.sources, j->file, j->start, j->start);
	opsc_span sb = opsc_source_span(&w->ctx.sources, j->file, j->end, j->end);
	TSRange range = { { sa.line - 1, sa.col - 1 }, { sb.line - 1, sb.col - 1 }, j->start, j->end };
	opsc_diags_init(&w->ctx.diags, w->ctx.arena);
	ts_parser_set_included_ranges(parser, &range, 1);
	TSTree *tree = src->tree ? ts_tree_copy(src->tree) : ts_parser_parse_string(parser, NULL, src->text, src->len);
	if (!tree) {
		j->timed_out = true;
		__atomic_store_n(&w->r->timed_out[j->slot], true, __ATOMIC_RELAXED);
		return;
	}
	TSNode root = ts_tree_root_node(tree);
	if (ts_node_has_error(root))
		opsc_syntax_report(&w->ctx, j->file, w->r->names, root);
	opsc_parse_lower(&w->ctx, w->r->names, j->file, src->text, root, &j->stmts, &j->incomplete);
	ts_tree_delete(tree);
	j->diags = w->ctx.diags;
}

static void *run_worker(void *arg)
{
	worker *w = arg;
	run *r = w->r;
	TSParser *parser = ts_parser_new();
	ts_parser_set_language(parser, tree_sitter_ops());
	ts_parser_set_timeout_micros(parser, PARSE_TIMEOUT_US);
	for (;;) {
		uint32_t k = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
		if (k >= r->jobs.len)
			break;
		if (!__atomic_load_n(&r->timed_out[r->jobs.items[k].slot], __ATOMIC_RELAXED))
			run_job(w, parser, &r->jobs.items[k]);
	}
	ts_parser_delete(parser);
	return NULL;
}

/* One job per chunk of each file. */
static void plan_jobs(run *r, const uint32_t *files, uint32_t n)
{
	cut_list cuts = { 0 };
	for (uint32_t i = 0; i < n; i++) {
		const opsc_source *src = opsc_sources_get(r->sources, files[i]);
		opsc_array_clear(&cuts);
		if (!src->tree) /* a tree handed in covers the whole file: one job */
			find_cuts(src->text, src->len, &cuts);
		for (uint32_t k = 0; k <= cuts.len; k++) {
			job j = { .slot = i, .file = files[i] };
			j.start = k ? cuts.items[k - 1] : 0;
			j.end = k < cuts.len ? cuts.items[k] : src->len;
			opsc_array_push(&r->jobs, j);
		}
	}
	opsc_array_free(&cuts);
}

static unsigned thread_count(uint32_t njobs)
{
	if (njobs < 2)
		return 1; /* no need to ask the system */
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	return njobs < (uint32_t)n ? njobs : (unsigned)n;
}

/* Runs the jobs on the calling thread and nthreads - 1 others; a thread that
 * cannot start leaves its share to the rest. */
static void run_jobs(opsc_ctx *ctx, run *r, worker *workers, unsigned nthreads)
{
	pthread_t threads[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	for (unsigned t = 0; t < nthreads; t++) {
		worker *w = &workers[t];
		memset(w, 0, sizeof *w);
		w->ctx.arena = opsc_arena_new();
		w->ctx.sources = ctx->sources;
		w->r = r;
		if (t > 0)
			started[t] = pthread_create(&threads[t], NULL, run_worker, w) == 0;
	}
	run_worker(&workers[0]);
	for (unsigned t = 1; t < nthreads; t++)
		if (started[t])
			pthread_join(threads[t], NULL);
	for (unsigned t = 0; t < nthreads; t++)
		opsc_arena_adopt(ctx->arena, workers[t].ctx.arena);
}

/* --------------------------------------------------------------- merging */

static void merge_diags(opsc_ctx *ctx, opsc_diags *from)
{
	for (uint32_t i = 0; i < from->items.len; i++) {
		opsc_diag *d = &from->items.items[i];
		opsc_array_push(&ctx->diags.items, *d);
		ctx->diags.errors += d->severity == OPSC_SEV_ERROR;
		ctx->diags.warnings += d->severity == OPSC_SEV_WARNING;
	}
	opsc_array_free(&from->items);
}

/* The jobs of file `slot`, starting at jobs[*k], into out; advances *k.
 * The statements are copied straight into the arena, sized first: a
 * growing heap array would hold up to twice the top level meanwhile. */
static void merge_file(opsc_ctx *ctx, run *r, uint32_t slot, uint32_t *k, opsc_ast_file *out)
{
	uint32_t end = *k, total = 0;
	for (; end < r->jobs.len && r->jobs.items[end].slot == slot; end++)
		total += r->jobs.items[end].stmts.len;
	opsc_stmt *items = total ? opsc_arena_alloc(ctx->arena, total * sizeof *items) : NULL;
	bool timed_out = false;
	opsc_syntax_check_utf8(ctx, out->file);
	for (; *k < end; (*k)++) {
		job *j = &r->jobs.items[*k];
		merge_diags(ctx, &j->diags);
		out->body.incomplete |= j->incomplete || j->timed_out;
		timed_out |= j->timed_out;
		if (j->stmts.len)
			memcpy(items + out->body.len, j->stmts.items, j->stmts.len * sizeof *items);
		out->body.len += j->stmts.len;
		opsc_array_free(&j->stmts);
	}
	if (timed_out)
		opsc_diag_error(&ctx->diags, "too-complex", opsc_source_span(&ctx->sources, out->file, 0, 0),
				"the file is too complex to parse (gave up after %u seconds)",
				PARSE_TIMEOUT_US / 1000000);
	out->body.items = items;
}

/* ------------------------------------------------------------------ entry */

int opsc_parse_files(opsc_ast_file *out, opsc_ctx *ctx, const uint32_t *files, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof out[i]);
		out[i].file = files[i];
		out[i].body.open = out[i].body.close = OPSC_NO_SPAN;
		if (!opsc_sources_get(&ctx->sources, files[i]))
			return -EINVAL;
	}
	if (n == 0)
		return 0;
	opsc_cst_names names;
	opsc_cst_names_init(&names, tree_sitter_ops());
	run r = { &names, &ctx->sources, { 0 }, 0, opsc_calloc(n, sizeof(bool)) };
	plan_jobs(&r, files, n);
	worker workers[MAX_THREADS];
	run_jobs(ctx, &r, workers, thread_count(r.jobs.len));
	for (uint32_t i = 0, k = 0; i < n; i++)
		merge_file(ctx, &r, i, &k, &out[i]);
	opsc_array_free(&r.jobs);
	opsc_free(r.timed_out);
	opsc_cst_names_dispose(&names);
	return 0;
}

int opsc_parse(opsc_ast_file *out, opsc_ctx *ctx, uint32_t file)
{
	return opsc_parse_files(out, ctx, &file, 1);
}
