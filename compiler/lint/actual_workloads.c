/*
 * actual_workloads.c - workloads read into the actual-state Model (see
 * workload.h): the pod spec of Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, CronJob and Pod manifests, and the pod a HelmRelease's
 * spec.values describe in the shape most charts share.
 *
 * The chart shape read from values (helm create's scaffold, Bitnami and
 * most community charts):
 *   image: {repository, tag, digest}      (or image: "repo:tag")
 *   securityContext | containerSecurityContext   (the container's)
 *   podSecurityContext                     (the pod's)
 *   resources, livenessProbe, readinessProbe
 *   serviceAccount: {name, automount | automountServiceAccountToken}
 *   hostNetwork, hostPID, hostIPC, replicaCount
 * Values without an `image` key describe no pod in this shape and are
 * left alone.
 */
#define _GNU_SOURCE /* memrchr */
#include "actual_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Where each kind keeps its pod spec, and its replica count (the driver's
 * table in actual.c names the apiVersion of each). */
static const struct {
	const char *kind, *pod, *replicas;
} pod_kinds[] = {
	{ "Pod", "spec", NULL },
	{ "Deployment", "spec.template.spec", "spec.replicas" },
	{ "StatefulSet", "spec.template.spec", "spec.replicas" },
	{ "ReplicaSet", "spec.template.spec", "spec.replicas" },
	{ "DaemonSet", "spec.template.spec", NULL },
	{ "Job", "spec.template.spec", NULL },
	{ "CronJob", "spec.jobTemplate.spec.template.spec", NULL },
};

/* ----------------------------------------------------------------- scalars */

static opsc_flag read_flag(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	opsc_str s = opsc_actual_str(a, node, path);
	opsc_flag f = { .span = s.span };
	if (!s.s)
		return f;
	f.set = true;
	f.value = strcmp(s.s, "true") == 0 || strcmp(s.s, "True") == 0;
	if (!f.value && strcmp(s.s, "false") != 0 && strcmp(s.s, "False") != 0)
		opsc_actual_invalid(a, opsc_yamldoc_path(node, path), "`%s` must be true or false", path);
	return f;
}

static opsc_number read_number(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	opsc_str s = opsc_actual_str(a, node, path);
	opsc_number n = { .span = s.span };
	char *end = NULL;
	if (!s.s)
		return n;
	n.value = strtod(s.s, &end);
	n.set = end != s.s && *end == '\0';
	if (!n.set)
		opsc_actual_invalid(a, opsc_yamldoc_path(node, path), "`%s` must be a number", path);
	return n;
}

static opsc_qty read_qty(opsc_actual *a, const opsc_yamldoc_node *node, const char *path)
{
	opsc_str s = opsc_actual_str(a, node, path);
	opsc_qty q = { .span = s.span };
	const char *why = NULL;
	if (!s.s)
		return q;
	if (opsc_units_quantity(s.s, &q.milli, &why))
		q.text = s.s;
	else
		opsc_diag_error(&a->ctx->diags, "invalid-manifest", s.span, "`%s`: %s", path, why);
	return q;
}

/* The container's value, else the pod's (runAsNonRoot, runAsUser). */
static opsc_flag either_flag(opsc_flag mine, opsc_flag pod)
{
	return mine.set ? mine : pod;
}

/* "reg:5000/app:1.2@sha256:..." -> tag "1.2", digest "sha256:...". The tag
 * is after the last ':' that follows the last '/' (a registry port is not). */
static void split_image(opsc_actual *a, opsc_container *c)
{
	const char *img = c->image.s;
	if (!img)
		return;
	const char *at = strchr(img, '@');
	size_t len = at ? (size_t)(at - img) : strlen(img);
	if (at)
		c->digest = (opsc_str){ at + 1, c->image.span };
	const char *slash = memrchr(img, '/', len);
	const char *from = slash ? slash + 1 : img;
	const char *colon = memchr(from, ':', len - (size_t)(from - img));
	if (colon)
		c->tag = (opsc_str){ opsc_arena_strndup(a->ctx->arena, colon + 1, len - (size_t)(colon + 1 - img)),
				     c->image.span };
}

/* -------------------------------------------------------------- containers */

static void read_security(opsc_actual *a, opsc_container *c, const opsc_yamldoc_node *sc,
			  const opsc_yamldoc_node *pod_sc)
{
	c->privileged = read_flag(a, sc, "privileged");
	c->allow_privilege_escalation = read_flag(a, sc, "allowPrivilegeEscalation");
	c->read_only_root = read_flag(a, sc, "readOnlyRootFilesystem");
	c->run_as_non_root = either_flag(read_flag(a, sc, "runAsNonRoot"), read_flag(a, pod_sc, "runAsNonRoot"));
	opsc_number mine = read_number(a, sc, "runAsUser");
	c->run_as_user = mine.set ? mine : read_number(a, pod_sc, "runAsUser");
	c->cap_add = opsc_actual_strs(a, sc, "capabilities.add");
	c->cap_drop = opsc_actual_strs(a, sc, "capabilities.drop");
}

static void read_resources(opsc_actual *a, opsc_container *c, const opsc_yamldoc_node *r)
{
	c->req_cpu = read_qty(a, r, "requests.cpu");
	c->req_memory = read_qty(a, r, "requests.memory");
	c->lim_cpu = read_qty(a, r, "limits.cpu");
	c->lim_memory = read_qty(a, r, "limits.memory");
}

/* A probe is there when its key holds a mapping. */
static opsc_flag read_probe(opsc_actual *a, const opsc_yamldoc_node *n, const char *key)
{
	const opsc_yamldoc_node *p = opsc_yamldoc_get(n, key);
	bool set = p && p->kind == OPSC_YAMLDOC_MAPPING;
	return (opsc_flag){ .span = opsc_actual_span(a, set ? p : n), .set = true, .value = set };
}

static void read_ports(opsc_actual *a, opsc_container *c, const opsc_yamldoc_node *n)
{
	const opsc_yamldoc_node *ports = opsc_actual_seq(a, n, "ports");
	if (!ports || !ports->sequence.len)
		return;
	c->ports = opsc_arena_alloc(a->ctx->arena, ports->sequence.len * sizeof *c->ports);
	for (uint32_t i = 0; i < ports->sequence.len; i++) {
		const opsc_yamldoc_node *p = ports->sequence.items[i];
		opsc_number num = read_number(a, p, "containerPort");
		opsc_str proto = opsc_actual_str(a, p, "protocol");
		const char *known = proto.s ? opsc_units_protocol(proto.s) : "TCP";
		c->ports[c->nports++] = (opsc_port){ .span = opsc_actual_span(a, p),
						     .port = num.set ? (uint32_t)num.value : 0,
						     .end_port = num.set ? (uint32_t)num.value : 0,
						     .protocol = known ? known : "TCP" };
	}
}

static void read_env(opsc_actual *a, opsc_container *c, const opsc_yamldoc_node *n)
{
	const opsc_yamldoc_node *env = opsc_actual_seq(a, n, "env");
	if (!env || !env->sequence.len)
		return;
	c->env.items = opsc_arena_alloc(a->ctx->arena, env->sequence.len * sizeof *c->env.items);
	for (uint32_t i = 0; i < env->sequence.len; i++) {
		opsc_kv kv = { opsc_actual_str(a, env->sequence.items[i], "name"),
			       opsc_actual_str(a, env->sequence.items[i], "value") };
		if (!kv.key.s)
			continue;
		if (!kv.value.s) /* valueFrom: known only in the cluster */
			kv.value = (opsc_str){ "", kv.key.span };
		c->env.items[c->env.len++] = kv;
	}
}

static opsc_container read_container(opsc_actual *a, const opsc_yamldoc_node *n, bool init,
				     const opsc_yamldoc_node *pod_sc)
{
	opsc_container c = { .span = opsc_actual_span(a, n), .init = init };
	c.name = opsc_actual_str(a, n, "name");
	c.image = opsc_actual_str(a, n, "image");
	split_image(a, &c);
	read_security(a, &c, opsc_yamldoc_get(n, "securityContext"), pod_sc);
	read_resources(a, &c, opsc_yamldoc_get(n, "resources"));
	c.declares_resources = c.declares_probes = true;
	c.liveness = read_probe(a, n, "livenessProbe");
	c.readiness = read_probe(a, n, "readinessProbe");
	read_ports(a, &c, n);
	read_env(a, &c, n);
	return c;
}

/* --------------------------------------------------------------- pod spec */

static void read_volumes(opsc_actual *a, opsc_workload *w, const opsc_yamldoc_node *spec)
{
	const opsc_yamldoc_node *vols = opsc_actual_seq(a, spec, "volumes");
	if (!vols || !vols->sequence.len)
		return;
	w->volumes = opsc_arena_alloc(a->ctx->arena, vols->sequence.len * sizeof *w->volumes);
	for (uint32_t i = 0; i < vols->sequence.len; i++) {
		const opsc_yamldoc_node *v = vols->sequence.items[i];
		w->volumes[w->nvolumes++] = (opsc_volume){ .span = opsc_actual_span(a, v),
							   .name = opsc_actual_str(a, v, "name"),
							   .host_path = opsc_actual_str(a, v, "hostPath.path") };
	}
}

static void read_pod(opsc_actual *a, opsc_workload *w, const opsc_yamldoc_node *spec)
{
	static const char *const lists[] = { "initContainers", "containers" };
	const opsc_yamldoc_node *pod_sc = opsc_yamldoc_get(spec, "securityContext");
	w->service_account = opsc_actual_str(a, spec, "serviceAccountName");
	w->automount_token = read_flag(a, spec, "automountServiceAccountToken");
	w->host_network = read_flag(a, spec, "hostNetwork");
	w->host_pid = read_flag(a, spec, "hostPID");
	w->host_ipc = read_flag(a, spec, "hostIPC");
	opsc_array(opsc_container) cs = { 0 };
	for (size_t l = 0; l < 2; l++) {
		const opsc_yamldoc_node *seq = opsc_actual_seq(a, spec, lists[l]);
		for (uint32_t i = 0; seq && i < seq->sequence.len; i++)
			opsc_array_push(&cs, read_container(a, seq->sequence.items[i], l == 0, pod_sc));
	}
	w->ncontainers = cs.len;
	w->containers = opsc_array_to_arena(a->ctx->arena, &cs);
	read_volumes(a, w, spec);
}

static void add_workload(opsc_actual *a, const opsc_workload *w, actual_envs where)
{
	opsc_array_push(&a->workloads, *w);
	opsc_array_push(&a->workload_envs, where);
}

/* A replica count the manifest writes is located, so that a change raising
 * it is the change a quota finding is reported at. */
static void set_replicas(opsc_workload *w, opsc_number r)
{
	w->replicas = r.set && r.value >= 0 ? (uint32_t)r.value : 1;
	w->replicas_span = r.set ? r.span : OPSC_NO_SPAN;
}

static opsc_workload workload_of(opsc_actual *a, const opsc_yamldoc_node *doc, const char *kind)
{
	opsc_workload w = { .span = opsc_actual_span(a, doc), .replicas = 1, .replicas_span = OPSC_NO_SPAN };
	w.kind = (opsc_str){ kind, w.span };
	w.name = opsc_actual_str(a, doc, "metadata.name");
	w.namespace_ = opsc_actual_str(a, doc, "metadata.namespace");
	return w;
}

void opsc_actual_workload(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	const char *kind = opsc_yamldoc_str(opsc_yamldoc_get(doc, "kind"));
	size_t k = 0;
	while (strcmp(pod_kinds[k].kind, kind) != 0)
		k++; /* the driver only calls this for the kinds of the table */
	opsc_workload w = workload_of(a, doc, pod_kinds[k].kind);
	const opsc_yamldoc_node *spec = opsc_yamldoc_path(doc, pod_kinds[k].pod);
	if (!spec || spec->kind != OPSC_YAMLDOC_MAPPING) {
		opsc_actual_invalid(a, doc, "a %s needs %s", kind, pod_kinds[k].pod);
		return;
	}
	if (pod_kinds[k].replicas) {
		set_replicas(&w, read_number(a, doc, pod_kinds[k].replicas));
	}
	read_pod(a, &w, spec);
	add_workload(a, &w, opsc_actual_doc_envs(a, doc));
}

/* ---------------------------------------------------------------- Helm */

/* image: {repository, tag, digest} or image: "repo:tag". */
static void values_image(opsc_actual *a, opsc_container *c, const opsc_yamldoc_node *img)
{
	if (img->kind == OPSC_YAMLDOC_SCALAR) {
		c->image = (opsc_str){ img->scalar.value, opsc_actual_span(a, img) };
		split_image(a, c);
		return;
	}
	opsc_str repo = opsc_actual_str(a, img, "repository");
	c->image = repo.s ? repo : (opsc_str){ "", opsc_actual_span(a, img) };
	c->tag = opsc_actual_str(a, img, "tag");
	c->digest = opsc_actual_str(a, img, "digest");
	if (c->tag.s && !c->tag.s[0]) /* tag: "" means the chart's appVersion */
		c->tag = (opsc_str){ "(appVersion)", c->tag.span };
}

void opsc_actual_helm_release(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	const opsc_yamldoc_node *v = opsc_yamldoc_path(doc, "spec.values");
	const opsc_yamldoc_node *img = v ? opsc_yamldoc_get(v, "image") : NULL;
	if (!img || opsc_yamldoc_is_null(img))
		return;
	opsc_workload w = workload_of(a, doc, "HelmRelease");
	w.from_values = true;
	opsc_str target = opsc_actual_str(a, doc, "spec.targetNamespace");
	if (target.s)
		w.namespace_ = target;
	set_replicas(&w, read_number(a, v, "replicaCount"));
	w.service_account = opsc_actual_str(a, v, "serviceAccount.name");
	w.automount_token = read_flag(a, v, "serviceAccount.automountServiceAccountToken");
	if (!w.automount_token.set)
		w.automount_token = read_flag(a, v, "serviceAccount.automount");
	w.host_network = read_flag(a, v, "hostNetwork");
	w.host_pid = read_flag(a, v, "hostPID");
	w.host_ipc = read_flag(a, v, "hostIPC");

	opsc_container c = { .span = opsc_actual_span(a, img), .name = w.name };
	values_image(a, &c, img);
	const opsc_yamldoc_node *sc = opsc_yamldoc_get(v, "securityContext");
	read_security(a, &c, sc ? sc : opsc_yamldoc_get(v, "containerSecurityContext"),
		      opsc_yamldoc_get(v, "podSecurityContext"));
	const opsc_yamldoc_node *res = opsc_yamldoc_get(v, "resources");
	c.declares_resources = res != NULL;
	read_resources(a, &c, res);
	c.declares_probes = opsc_yamldoc_get(v, "livenessProbe") || opsc_yamldoc_get(v, "readinessProbe");
	c.liveness = read_probe(a, v, "livenessProbe");
	c.readiness = read_probe(a, v, "readinessProbe");
	w.ncontainers = 1;
	w.containers = opsc_arena_alloc(a->ctx->arena, sizeof c);
	w.containers[0] = c;

	actual_envs where = { 0 };
	if (w.namespace_.s) {
		where.idx = opsc_arena_alloc(a->ctx->arena, sizeof *where.idx);
		where.idx[0] = opsc_actual_env(a, w.namespace_);
		where.n = 1;
	}
	add_workload(a, &w, where);
}
