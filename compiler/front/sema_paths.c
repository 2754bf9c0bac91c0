/*
 * sema_paths.c - names that become paths in the output tree, checked when
 * the program is checked (not only when a build would write them).
 *
 * `output` is resolved against the project directory and a build swaps the
 * whole directory: pointed at .git or at the sources, it would replace them.
 * An environment's `cluster` and name become directories below it, next to
 * the directories opsc writes itself.
 */
#include <string.h>

#include "sema_build_int.h"

/* What the output tree holds beside the clusters: a cluster of that name
 * would mix its files into them. (An environment may be "monitoring": the
 * standard library's monitoring quota is one.) */
static const char *const cluster_reserved[] = { "prometheus", "alertmanager", "github", "github-rulesets", NULL };
static const char *const env_reserved[] = { NULL };

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Why `s` cannot be one directory name, or NULL when it can. A leading dot
 * covers ".", "..", ".git" and opsc's own ".opsc-manifest.json". */
static const char *segment_problem(const char *s, const char *const *reserved)
{
	if (!s[0])
		return "it is empty";
	if (s[0] == '.')
		return "it starts with `.` (`.`, `..`, `.git` and hidden names are not allowed)";
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return "it holds `/`, `\\` or a control character";
	if (listed(reserved, s))
		return "opsc writes a directory of that name there itself";
	return NULL;
}

static void check_segment(builder *b, const opsc_str *name, const char *what, const char *const *reserved)
{
	const char *why = name->s ? segment_problem(name->s, reserved) : NULL;
	if (why)
		opsc_diag_error(&b->s->ctx->diags, "bad-name", name->span,
				"%s \"%s\" cannot name an output directory: %s", what, name->s, why);
}

/* Why `output` is unsafe, lexically: the project directory is not known
 * yet, and `opsc build` checks the resolved directory again. */
static const char *output_problem(const char *out)
{
	if (out[0] == '/')
		return "it is absolute; give a path relative to the project directory, inside the repository";
	uint32_t ups = 0, names = 0;
	const char *first = NULL;
	for (const char *seg = out; *seg;) {
		size_t n = strcspn(seg, "/");
		if (n == 4 && strncmp(seg, ".git", 4) == 0)
			return "it is in the git directory";
		if (n == 2 && strncmp(seg, "..", 2) == 0) {
			if (names)
				names--;
			else
				ups++;
		} else if (n && !(n == 1 && seg[0] == '.')) {
			if (!names && !ups)
				first = seg;
			names++;
		}
		seg += n + (seg[n] == '/');
	}
	if (!names)
		return ups ? "it holds the project directory, and so the .ops sources"
			   : "it is the project directory, which holds the .ops sources";
	if (!ups && first && strncmp(first, "policies", 8) == 0 && (first[8] == '/' || !first[8]))
		return "it is in policies/, with the .ops sources";
	return NULL;
}

void sema_check_paths(builder *b)
{
	const opsc_model *m = b->s->model;
	const opsc_str *out = &m->project.output;
	const char *why = m->has_project && out->s ? output_problem(out->s) : NULL;
	if (why) {
		uint32_t d = opsc_diag_error(&b->s->ctx->diags, "bad-output", out->span,
					     "`output = \"%s\"` cannot be written: %s", out->s, why);
		opsc_diag_help(&b->s->ctx->diags, d, "opsc build replaces the whole directory; the default is \"clusters\"");
	}
	for (uint32_t i = 0; i < m->nenvs; i++) {
		check_segment(b, &m->envs[i].cluster, "cluster", cluster_reserved);
		check_segment(b, &m->envs[i].name, "environment", env_reserved);
	}
}
