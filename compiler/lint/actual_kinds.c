/*
 * actual_kinds.c - network policies, Velero schedules and PrometheusRules
 * read into the actual-state Model (see actual.h).
 */
#include "actual_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---------------------------------------------------------- NetworkPolicy */

/* A namespace selector matching kubernetes.io/metadata.name (set by the API
 * server on every namespace) names one namespace. */
static const char NAMESPACE_NAME_LABEL[] = "kubernetes.io/metadata.name";

static void peer_selector(opsc_peer *p, opsc_kvs sel, opsc_peer_kind any, opsc_peer_kind some)
{
	p->kind = sel.len ? some : any;
	p->selector = sel;
	for (uint32_t i = 0; i < sel.len; i++)
		if (some == OPSC_PEER_NAMESPACE && strcmp(sel.items[i].key.s, NAMESPACE_NAME_LABEL) == 0)
			p->name = sel.items[i].value;
}

/* from/to entry: ipBlock, or namespaceSelector (with or without a pod
 * selector: the Model keeps the namespace side), or podSelector alone. */
static bool read_peer(opsc_actual *a, const opsc_yamldoc_node *n, opsc_peer *p)
{
	*p = (opsc_peer){ .span = opsc_actual_span(a, n) };
	const opsc_yamldoc_node *ip = opsc_yamldoc_get(n, "ipBlock");
	const opsc_yamldoc_node *ns = opsc_yamldoc_get(n, "namespaceSelector");
	const opsc_yamldoc_node *pod = opsc_yamldoc_get(n, "podSelector");
	if (ip) {
		p->kind = OPSC_PEER_CIDR;
		p->name = opsc_actual_str(a, ip, "cidr");
		p->except = opsc_actual_strs(a, ip, "except");
	} else if (ns) {
		peer_selector(p, opsc_actual_kvs(a, ns, "matchLabels"), OPSC_PEER_ALL_NAMESPACES,
			      OPSC_PEER_NAMESPACE);
	} else if (pod) {
		peer_selector(p, opsc_actual_kvs(a, pod, "matchLabels"), OPSC_PEER_SAME_NAMESPACE,
			      OPSC_PEER_POD);
	} else {
		opsc_actual_invalid(a, n, "a peer needs ipBlock, namespaceSelector or podSelector");
		return false;
	}
	return true;
}

static uint32_t port_number(opsc_actual *a, opsc_str s, const opsc_yamldoc_node *n)
{
	char *end = NULL;
	unsigned long v = strtoul(s.s, &end, 10);
	if (end != s.s && *end == '\0' && v >= 1 && v <= 65535)
		return (uint32_t)v;
	if (end == s.s) /* a named port: which number it means depends on the pods */
		opsc_diag_warning(&a->ctx->diags, "unsupported-manifest", s.span,
				  "named port `%s` cannot be checked; it reads as all ports", s.s);
	else
		opsc_actual_invalid(a, n, "port `%s` is not between 1 and 65535", s.s);
	return 0;
}

static opsc_port read_port(opsc_actual *a, const opsc_yamldoc_node *n)
{
	opsc_port p = { .span = opsc_actual_span(a, n), .protocol = "TCP" };
	opsc_str proto = opsc_actual_str(a, n, "protocol");
	if (proto.s && !(p.protocol = opsc_units_protocol(proto.s))) {
		opsc_actual_invalid(a, n, "protocol `%s` is not TCP, UDP or SCTP", proto.s);
		p.protocol = "TCP";
	}
	opsc_str port = opsc_actual_str(a, n, "port");
	opsc_str end = opsc_actual_str(a, n, "endPort");
	p.port = port.s ? port_number(a, port, n) : 0;
	p.end_port = end.s && p.port ? port_number(a, end, n) : p.port;
	return p;
}

static const struct {
	const char *key, *peers;
	opsc_direction direction;
} directions[] = {
	{ "spec.ingress", "from", OPSC_INGRESS },
	{ "spec.egress", "to", OPSC_EGRESS },
};

static void read_net_rule(opsc_actual *a, const opsc_yamldoc_node *n, opsc_direction d,
			  const char *peers_key, opsc_net_rule *r)
{
	*r = (opsc_net_rule){ .span = opsc_actual_span(a, n), .direction = d };
	const opsc_yamldoc_node *peers = opsc_actual_seq(a, n, peers_key);
	const opsc_yamldoc_node *ports = opsc_actual_seq(a, n, "ports");
	if (peers && peers->sequence.len) {
		r->peers = opsc_arena_alloc(a->ctx->arena, peers->sequence.len * sizeof *r->peers);
		for (uint32_t i = 0; i < peers->sequence.len; i++)
			r->npeers += read_peer(a, peers->sequence.items[i], &r->peers[r->npeers]);
	}
	if (ports && ports->sequence.len) {
		r->ports = opsc_arena_alloc(a->ctx->arena, ports->sequence.len * sizeof *r->ports);
		for (uint32_t i = 0; i < ports->sequence.len; i++)
			r->ports[r->nports++] = read_port(a, ports->sequence.items[i]);
	}
}

static bool has_str(opsc_strs strs, const char *s)
{
	for (uint32_t i = 0; i < strs.len; i++)
		if (strcmp(strs.items[i].s, s) == 0)
			return true;
	return false;
}

/* Without policyTypes, Kubernetes takes Ingress always and Egress when
 * there are egress rules. A direction the policy governs with no rule
 * denies everything in that direction. */
void opsc_actual_netpol(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_netpol p = { .span = opsc_actual_span(a, doc) };
	p.name = opsc_actual_str(a, doc, "metadata.name");
	p.pod_selector = opsc_actual_kvs(a, doc, "spec.podSelector.matchLabels");
	opsc_array(opsc_net_rule) rules = { 0 };
	uint32_t count[2] = { 0, 0 };
	for (size_t d = 0; d < 2; d++) {
		const opsc_yamldoc_node *seq = opsc_actual_seq(a, doc, directions[d].key);
		for (uint32_t i = 0; seq && i < seq->sequence.len; i++) {
			opsc_array_reserve(&rules, 1);
			read_net_rule(a, seq->sequence.items[i], directions[d].direction,
				      directions[d].peers, &rules.items[rules.len++]);
			count[d]++;
		}
	}
	opsc_strs types = opsc_actual_strs(a, doc, "spec.policyTypes");
	bool typed = opsc_yamldoc_path(doc, "spec.policyTypes") != NULL;
	bool ingress = typed ? has_str(types, "Ingress") : true;
	bool egress = typed ? has_str(types, "Egress") : count[1] > 0;
	/* A direction the policy types list isolates the selected pods: what
	 * is not allowed by a rule is denied, which is what `deny = [...]`
	 * means in .ops (opsc writes deny plus allow rules as one policy). */
	p.deny_ingress = ingress;
	p.deny_egress = egress;
	p.nrules = rules.len;
	p.rules = opsc_array_to_arena(a->ctx->arena, &rules);
	opsc_array_push(&a->netpols, p);
	opsc_array_push(&a->netpol_envs, opsc_actual_doc_envs(a, doc));
}

/* ----------------------------------------------------------- Velero Schedule */

static const struct {
	const char *unit;
	double seconds;
} go_units[] = {
	{ "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "ms", 1e-3 },
	{ "s", 1 }, { "m", 60 }, { "h", 3600 },
};

/* A Go time.Duration as Velero writes its ttl ("720h0m0s", "1.5h"). */
static bool go_duration(const char *s, int64_t *out)
{
	double total = 0;
	if (!*s)
		return false;
	while (*s) {
		char *end = NULL;
		double v = strtod(s, &end);
		if (end == s || v < 0)
			return false;
		size_t len = strspn(end, "nsumh\xc2\xb5");
		size_t u = 0;
		while (u < sizeof go_units / sizeof *go_units &&
		       (strlen(go_units[u].unit) != len || strncmp(end, go_units[u].unit, len) != 0))
			u++;
		if (u == sizeof go_units / sizeof *go_units)
			return false;
		total += v * go_units[u].seconds;
		s = end + len;
	}
	if (total > 9.2e18)
		return false;
	*out = (int64_t)total;
	return true;
}

/* "CRON_TZ=Europe/Lisbon 0 2 * * *": the zone prefix robfig/cron accepts. */
static void split_zone(opsc_actual *a, opsc_backup *b)
{
	const char *s = b->schedule.s;
	size_t skip = strncmp(s, "CRON_TZ=", 8) == 0 ? 8 : strncmp(s, "TZ=", 3) == 0 ? 3 : 0;
	if (!skip)
		return;
	size_t len = strcspn(s + skip, " ");
	b->timezone = (opsc_str){ opsc_arena_strndup(a->ctx->arena, s + skip, len), b->schedule.span };
	b->schedule.s = s + skip + len + strspn(s + skip + len, " ");
}

static void read_backup_envs(opsc_actual *a, const opsc_yamldoc_node *doc, actual_envs *out)
{
	opsc_strs names = opsc_actual_strs(a, doc, "spec.template.includedNamespaces");
	*out = (actual_envs){ .all = names.len == 0 }; /* Velero's default: every namespace */
	if (!names.len)
		return;
	out->idx = opsc_arena_alloc(a->ctx->arena, names.len * sizeof *out->idx);
	for (uint32_t i = 0; i < names.len; i++) {
		if (strcmp(names.items[i].s, "*") == 0)
			out->all = true;
		else
			out->idx[out->n++] = opsc_actual_env(a, names.items[i]);
	}
}

void opsc_actual_backup(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	opsc_backup b = { .span = opsc_actual_span(a, doc) };
	b.name = opsc_actual_str(a, doc, "metadata.name");
	b.schedule = opsc_actual_str(a, doc, "spec.schedule");
	char why[200];
	if (!b.schedule.s) {
		opsc_actual_invalid(a, doc, "a Schedule needs spec.schedule");
	} else {
		split_zone(a, &b);
		if (!opsc_units_cron(b.schedule.s, why, sizeof why))
			opsc_diag_error(&a->ctx->diags, "invalid-manifest", b.schedule.span, "%s", why);
	}
	opsc_str ttl = opsc_actual_str(a, doc, "spec.template.ttl");
	b.retain_span = ttl.span;
	if (ttl.s && !go_duration(ttl.s, &b.retain_s))
		opsc_diag_error(&a->ctx->diags, "invalid-manifest", ttl.span,
				"ttl `%s` is not a duration like 720h0m0s", ttl.s);
	b.select = opsc_actual_kvs(a, doc, "spec.template.labelSelector.matchLabels");
	b.storage = opsc_actual_str(a, doc, "spec.template.storageLocation");
	opsc_str snap = opsc_actual_str(a, doc, "spec.template.snapshotVolumes");
	b.snapshot_volumes = !snap.s || strcmp(snap.s, "false") != 0;
	actual_envs envs;
	read_backup_envs(a, doc, &envs);
	opsc_array_push(&a->backups, b);
	opsc_array_push(&a->backup_envs, envs);
}

/* ---------------------------------------------------------- PrometheusRule */

static void read_alert_labels(opsc_actual *a, const opsc_yamldoc_node *rule, opsc_alert *al)
{
	opsc_kvs labels = opsc_actual_kvs(a, rule, "labels");
	al->labels = (opsc_kvs){ labels.items, 0 };
	for (uint32_t i = 0; i < labels.len; i++) {
		if (strcmp(labels.items[i].key.s, "severity") == 0)
			al->severity = labels.items[i].value;
		else
			al->labels.items[al->labels.len++] = labels.items[i];
	}
}

static void read_alert(opsc_actual *a, const opsc_yamldoc_node *rule, opsc_str group,
		       actual_envs envs)
{
	opsc_alert al = { .span = opsc_actual_span(a, rule), .group = group };
	al.name = opsc_actual_str(a, rule, "alert");
	if (!al.name.s)
		return; /* a recording rule */
	al.expr = opsc_actual_str(a, rule, "expr");
	opsc_str f = opsc_actual_str(a, rule, "for");
	const char *why = NULL;
	if (f.s && !opsc_units_duration(f.s, &al.for_s, &why))
		opsc_diag_error(&a->ctx->diags, "invalid-manifest", f.span, "`for: %s`: %s", f.s, why);
	read_alert_labels(a, rule, &al);
	al.summary = opsc_actual_str(a, rule, "annotations.summary");
	al.description = opsc_actual_str(a, rule, "annotations.description");
	al.runbook = opsc_actual_str(a, rule, "annotations.runbook_url");
	opsc_array_push(&a->alerts, al);
	opsc_array_push(&a->alert_envs, envs);
}

/* spec.groups[].rules[]: alerting rules only; each is deployed where the
 * PrometheusRule lives. */
void opsc_actual_alerts(opsc_actual *a, const opsc_yamldoc_node *doc)
{
	actual_envs envs = opsc_actual_doc_envs(a, doc);
	const opsc_yamldoc_node *groups = opsc_actual_seq(a, doc, "spec.groups");
	for (uint32_t g = 0; groups && g < groups->sequence.len; g++) {
		const opsc_yamldoc_node *group = groups->sequence.items[g];
		opsc_str name = opsc_actual_str(a, group, "name");
		const opsc_yamldoc_node *rules = opsc_actual_seq(a, group, "rules");
		for (uint32_t r = 0; rules && r < rules->sequence.len; r++)
			read_alert(a, rules->sequence.items[r], name, envs);
	}
}
