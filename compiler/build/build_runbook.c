/*
 * build_runbook.c - runbook links resolved to files, and the skeletons
 * `opsc build` writes for the missing ones (build_runbook.h).
 *
 * A skeleton is written to a temporary file and linked into place: link()
 * fails when the name exists, so a runbook someone wrote (even one that
 * appears while the build runs) is never replaced, and an interrupted
 * build leaves no half-written file that would then count as written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "build_runbook.h"
#include "util.h"
#include "model.h"

enum { MAX_RECEIVERS = 16 };

/* ---------------------------------------------------------------- resolve */

/* The file a link names, relative to the project directory, or NULL for a
 * link elsewhere (another host, an absolute path). Under `runbook_url` a
 * page without an extension is its Markdown file, as documentation sites
 * serve docs/runbooks/x.md at <url>/x. */
static const char *link_file(opsc_arena *a, const opsc_project *p, const char *link)
{
	const char *base = p->runbook_url.s ? p->runbook_url.s : p->runbooks.s;
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	const char *rest = NULL;
	bool page = false;
	if (strncmp(link, base, n) == 0 && link[n] == '/') {
		rest = opsc_arena_printf(a, "%s/%s", p->runbooks.s, link + n + 1);
		page = p->runbook_url.s != NULL;
	}
	else if (!strstr(link, "://") && link[0] != '/' && link[0] != '#')
		rest = link;
	if (!rest)
		return NULL;
	const char *file = opsc_arena_strndup(a, rest, strcspn(rest, "#?"));
	const char *last = strrchr(file, '/');
	if (page && !strchr(last ? last : file, '.'))
		file = opsc_arena_printf(a, "%s.md", file);
	return file;
}

void opsc_runbook_resolve(opsc_model *model, opsc_ctx *ctx, const char *proj)
{
	if (!proj || !model->has_project || !model->project.runbooks.s)
		return;
	for (uint32_t i = 0; i < model->nalerts; i++) {
		opsc_alert *al = &model->alerts[i];
		if (!al->runbook.s || !*al->runbook.s)
			continue;
		const char *file = link_file(ctx->arena, &model->project, al->runbook.s);
		if (!file)
			continue;
		/* found at the user's `use` of a template, else at the alert */
		al->runbook_file = (opsc_str){ file, al->used_at.file != OPSC_NO_FILE ? al->used_at : al->span };
		struct stat st;
		const char *path = opsc_arena_printf(ctx->arena, "%s/%s", proj, file);
		al->runbook_found = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	}
}

/* ---------------------------------------------------------------- skeleton */

/* `|` would end a Markdown table cell. */
static void cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void write_fires(FILE *f, opsc_emit *em, const opsc_alert *al, bool several)
{
	if (several) { /* told apart by severity and labels */
		fprintf(f, "### %s", al->severity.s ? al->severity.s : "(no severity)");
		for (uint32_t i = 0; i < al->labels.len; i++)
			fprintf(f, "%s%s=%s", i ? ", " : " (", al->labels.items[i].key.s, al->labels.items[i].value.s);
		fputs(al->labels.len ? ")\n\n" : "\n\n", f);
	}
	if (al->description.s)
		fprintf(f, "%s\n\n", al->description.s);
	fputs("| | |\n| --- | --- |\n", f);
	fprintf(f, "| severity | %s |\n", al->severity.s ? al->severity.s : "(none)");
	fprintf(f, "| for | %s |\n", al->for_s ? opsc_emit_duration(em, al->for_s) : "0 (fires as soon as the expression holds)");
	fputs("| group | ", f);
	cell(f, al->group.s ? al->group.s : "opsc");
	fputs(" |\n", f);
	if (al->labels.len) {
		fputs("| labels | ", f);
		for (uint32_t i = 0; i < al->labels.len; i++) {
			fputs(i ? ", " : "", f);
			cell(f, opsc_arena_printf(em->ctx->arena, "%s=%s", al->labels.items[i].key.s, al->labels.items[i].value.s));
		}
		fputs(" |\n", f);
	}
	const char *recv[MAX_RECEIVERS];
	uint32_t n = opsc_alertproof_receivers(em, al, recv, MAX_RECEIVERS);
	fputs("| routed to | ", f);
	for (uint32_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		cell(f, recv[i]);
	}
	fputs(n ? " |\n\n" : "(no route in the .ops: Alertmanager's own configuration) |\n\n", f);
	fprintf(f, "```promql\n%s%s```\n\n", al->expr.s ? al->expr.s : "",
		al->expr.s && *al->expr.s && al->expr.s[strlen(al->expr.s) - 1] == '\n' ? "" : "\n");
}

static void write_list(FILE *f, const char *title, const opsc_strs *items, bool numbered)
{
	fprintf(f, "## %s\n\n", title);
	for (uint32_t i = 0; i < items->len; i++)
		if (numbered)
			fprintf(f, "%u. %s\n", i + 1, items->items[i].s);
		else
			fprintf(f, "- %s\n", items->items[i].s);
	if (items->len == 0)
		fputs("- _to be written_\n", f);
	fputs("\n", f);
}

/* Every alert with this runbook file (an SLO's page and ticket share one). */
static void write_skeleton(FILE *f, opsc_emit *em, const opsc_model *m, uint32_t first)
{
	const opsc_alert *al = &m->alerts[first];
	uint32_t count = 0;
	for (uint32_t i = first; i < m->nalerts; i++)
		count += m->alerts[i].runbook_file.s && strcmp(m->alerts[i].runbook_file.s, al->runbook_file.s) == 0;
	fprintf(f, "# %s\n\n", al->name.s);
	if (al->summary.s)
		fprintf(f, "%s\n\n", al->summary.s);
	fputs("> Written by `opsc build` because this runbook did not exist. opsc never\n"
	      "> writes to it again: fill it in and keep it current.\n\n"
	      "## What fires\n\n", f);
	for (uint32_t i = first; i < m->nalerts; i++)
		if (m->alerts[i].runbook_file.s && strcmp(m->alerts[i].runbook_file.s, al->runbook_file.s) == 0)
			write_fires(f, em, &m->alerts[i], count > 1);
	write_list(f, "Likely causes", &al->causes, false);
	write_list(f, "First checks", &al->checks, true);
	fputs("## Fix\n\n_What fixed it, and how to see that it is fixed._\n\n"
	      "## Escalation\n\n_Who to call when the first checks do not explain it._\n", f);
}

/* ------------------------------------------------------------------ write */

/* The directories of `path` below `proj`, created; a symbolic link on the
 * way is refused (opsc never writes through links). */
static int make_dirs(char *path, size_t from)
{
	for (char *s = path + from; (s = strchr(s, '/')); s++) {
		*s = '\0';
		struct stat st;
		int rc = lstat(path, &st);
		if (rc == 0 && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			*s = '/';
			return -1;
		}
		if (rc < 0 && mkdir(path, 0755) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int write_one(opsc_emit *em, const opsc_model *m, uint32_t first, const char *proj)
{
	const char *file = m->alerts[first].runbook_file.s;
	char *path = opsc_arena_printf(em->ctx->arena, "%s/%s", proj, file);
	char *tmp = opsc_arena_printf(em->ctx->arena, "%s.opsc-tmp-XXXXXX", path);
	if (make_dirs(path, strlen(proj) + 1) < 0)
		return -1;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	fchmod(fd, 0644);
	write_skeleton(f, em, m, first);
	int rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && link(tmp, path) < 0)
		rc = errno == EEXIST ? 1 : -1; /* written meanwhile: theirs */
	int saved = errno;
	unlink(tmp);
	errno = saved;
	return rc;
}

static bool first_of_file(const opsc_model *m, uint32_t i)
{
	for (uint32_t k = 0; k < i; k++)
		if (m->alerts[k].runbook_file.s && strcmp(m->alerts[k].runbook_file.s, m->alerts[i].runbook_file.s) == 0)
			return false;
	return true;
}

uint32_t opsc_runbook_pending(opsc_ctx *ctx, opsc_model *model, uint32_t **out)
{
	uint32_t n = 0;
	*out = opsc_arena_alloc(ctx->arena, (model->nalerts + 1) * sizeof **out);
	for (uint32_t i = 0; i < model->nalerts; i++) {
		const opsc_alert *al = &model->alerts[i];
		if (al->runbook_file.s && !al->runbook_found && opsc_project_inside(al->runbook_file.s) &&
		    first_of_file(model, i))
			(*out)[n++] = i;
	}
	/* what the build writes counts as there: every alert sharing the file */
	for (uint32_t k = 0; k < n; k++)
		for (uint32_t i = 0; i < model->nalerts; i++)
			if (model->alerts[i].runbook_file.s &&
			    strcmp(model->alerts[i].runbook_file.s, model->alerts[(*out)[k]].runbook_file.s) == 0)
				model->alerts[i].runbook_found = true;
	return n;
}

int opsc_runbook_write(opsc_ctx *ctx, const opsc_model *model, const char *proj, const uint32_t *pending,
		       uint32_t npending, bool dry_run, FILE *log)
{
	opsc_emit em = { .ctx = ctx, .model = model };
	int n = 0;
	for (uint32_t k = 0; k < npending; k++) {
		const opsc_alert *al = &model->alerts[pending[k]];
		int rc = dry_run ? 0 : write_one(&em, model, pending[k], proj);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (log)
			opsc_esc_printf(log, "%-10s %s\n", "runbook", al->runbook_file.s);
		n++;
	}
	return n;
}
