/*
 * emit.c - what every emitter shares: headers,
 * the output layout, the list of clusters.
 *
 * Layout of the output directory (see docs/targets.md):
 *
 *   <cluster>/<env>/namespace/   Namespace
 *   <cluster>/<env>/policy/      Roles, bindings, network policies, quotas
 *   <cluster>/cluster/           ClusterRoles and ClusterRoleBindings
 *   <cluster>/velero/            Velero Schedules
 *   <cluster>/monitoring/        PrometheusRule, AlertmanagerConfig
 *   <cluster>/flux/              Flux Kustomizations for all of the above
 *   prometheus/, alertmanager/   plain rule files and alertmanager.yml
 *   github/                      GitHub REST request bodies
 *   github-rulesets/             GitHub repository rulesets (see docs/targets-github.md)
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

void opsc_srcs_add(opsc_srcs *srcs, opsc_span span)
{
	if (span.file == OPSC_NO_FILE)
		return;
	for (uint32_t i = 0; i < srcs->files.len; i++)
		if (srcs->files.items[i] == span.file)
			return;
	opsc_array_push(&srcs->files, span.file);
}

void opsc_srcs_free(opsc_srcs *srcs)
{
	opsc_array_free(&srcs->files);
}

bool opsc_emit_is_generated(const char *data, size_t len)
{
	size_t n = sizeof(OPSC_EMIT_MARK) - 1;
	return data && len >= n && memcmp(data, OPSC_EMIT_MARK, n) == 0;
}

const char *opsc_emit_header(opsc_emit *em, const opsc_srcs *srcs)
{
	uint32_t n = srcs ? srcs->files.len : 0;
	const char **names = opsc_arena_alloc(em->ctx->arena, (n + 1) * sizeof(*names));
	uint32_t k = 0;
	for (uint32_t i = 0; i < n; i++)
		names[k++] = em->src_names[srcs->files.items[i]];
	qsort(names, k, sizeof(*names), opsc_cmp_str);
	const char *from = "";
	for (uint32_t i = 0; i < k; i++)
		from = opsc_arena_printf(em->ctx->arena, "%s%s%s", from, i ? ", " : "", names[i]);
	return opsc_arena_printf(em->ctx->arena,
				 OPSC_EMIT_MARK " from %s.\n"
				 "# Do not edit: change the .ops source and run `opsc build`.\n",
				 k ? from : "the project's policies");
}

void opsc_emit_add(opsc_emit *em, const char *path, const char *data, size_t len,
		   const opsc_srcs *srcs)
{
	opsc_emit_add_docs(em, path, data, len, srcs, NULL, 0);
}

void opsc_emit_add_docs(opsc_emit *em, const char *path, const char *data, size_t len,
			const opsc_srcs *srcs, const opsc_span *spans, uint32_t ndocs)
{
	const char *source = srcs && srcs->files.len ? em->src_names[srcs->files.items[0]] : "";
	opsc_output o = { path, data, len, source, spans, ndocs };
	opsc_array_push(&em->out->files, o);
}

void opsc_emit_object(opsc_yw *w, opsc_span span, const char *api, const char *kind,
		      const char *name, const char *ns)
{
	opsc_yw_doc_at(w, span);
	opsc_yw_map(w);
	opsc_yw_kv(w, "apiVersion", api);
	opsc_yw_kv(w, "kind", kind);
	opsc_yw_key_map(w, "metadata");
	opsc_yw_kv(w, "name", name);
	opsc_yw_kv(w, "namespace", ns);
	opsc_yw_key_map(w, "labels");
	opsc_yw_kv(w, "app.kubernetes.io/managed-by", "opsc");
	opsc_yw_end(w);
	opsc_yw_end(w);
}

void opsc_emit_object_end(opsc_yw *w)
{
	opsc_yw_end(w); /* the object's mapping */
	opsc_yw_end(w); /* its document */
}

int opsc_emit_yaml(opsc_emit *em, opsc_yw *w, const char *path, const opsc_srcs *srcs)
{
	bool headed = w->headed;
	const char *data;
	size_t len;
	if (opsc_yw_close(w, em->ctx, &data, &len) < 0)
		return -1;
	if (!headed) {
		data = opsc_arena_printf(em->ctx->arena, "%s%s", opsc_emit_header(em, srcs), data);
		len = strlen(data);
	}
	opsc_emit_add_docs(em, path, data, len, srcs, w->doc_spans, w->docs);
	return 0;
}

const char *opsc_emit_duration(opsc_emit *em, int64_t s)
{
	static const struct {
		int64_t secs;
		char unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	const char *text = "";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (s < units[i].secs)
			continue;
		text = opsc_arena_printf(em->ctx->arena, "%s%" PRId64 "%c", text, s / units[i].secs,
					 units[i].unit);
		s %= units[i].secs;
	}
	return *text ? text : "0s";
}

/* A cluster or environment name becomes a directory: it must stay one. */
bool opsc_emit_safe_segment(const char *s)
{
	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

const char *opsc_emit_env_path(opsc_emit *em, const opsc_env *env, const char *part,
			       const char *file)
{
	return opsc_arena_printf(em->ctx->arena, "%s/%s/%s/%s", env->cluster.s, env->name.s, part,
				 file);
}

bool opsc_emit_env_in(const struct opsc_env *const *envs, uint32_t nenvs, bool all,
		      const opsc_env *env)
{
	if (all || nenvs == 0)
		return true;
	for (uint32_t i = 0; i < nenvs; i++)
		if (envs[i] == env)
			return true;
	return false;
}

const char **opsc_emit_clusters(opsc_emit *em, uint32_t *n)
{
	const opsc_model *m = em->model;
	const char **names = opsc_arena_alloc(em->ctx->arena, (m->nenvs + 1) * sizeof(*names));
	uint32_t k = 0;
	for (uint32_t i = 0; i < m->nenvs; i++) {
		bool seen = false;
		for (uint32_t j = 0; j < k && !seen; j++)
			seen = strcmp(names[j], m->envs[i].cluster.s) == 0;
		if (!seen)
			names[k++] = m->envs[i].cluster.s;
	}
	qsort(names, k, sizeof(*names), opsc_cmp_str);
	*n = k;
	return names;
}

int opsc_emit_per_cluster(opsc_emit *em, int (*fn)(opsc_emit *em, const char *cluster))
{
	uint32_t n;
	const char **clusters = opsc_emit_clusters(em, &n);
	for (uint32_t i = 0; i < n; i++) {
		int rc = fn(em, clusters[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Every name that becomes a directory is checked once, at compile time
 * (verify.c), so no emitter can write outside the output directory. */
void opsc_emit_check_names(opsc_emit *em)
{
	for (uint32_t i = 0; i < em->model->nenvs; i++) {
		const opsc_env *env = &em->model->envs[i];
		const opsc_str *names[] = { &env->cluster, &env->name };
		for (size_t j = 0; j < 2; j++)
			if (!opsc_emit_safe_segment(names[j]->s))
				opsc_diag_error(&em->ctx->diags, "bad-name", names[j]->span,
						"\"%s\" cannot name an output directory: no `/`, `\\`, `.` or `..`",
						names[j]->s ? names[j]->s : "");
	}
}

void opsc_outputs_dispose(opsc_outputs *outputs)
{
	opsc_array_free(&outputs->files);
}
