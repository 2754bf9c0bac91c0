#!/usr/bin/env python3
"""The workload of bench/gen_policy.py written in Jsonnet, for comparison.

usage: gen_jsonnet.py ENVS OUT.jsonnet [--roles N] [--alerts N]

The program builds the same objects `opsc build` writes for the same
environments (Namespace, Roles and RoleBindings, NetworkPolicy,
ResourceQuota, a Velero Schedule and the PrometheusRule per cluster, the
GitHub environment body) and is run as `jsonnet -S -m DIR OUT.jsonnet`,
which writes one YAML (or JSON) file per path, like opsc.
"""
import argparse
import json

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
RESOURCES = ["pods", "services", "deployments", "configmaps", "jobs", "ingresses"]

PROGRAM = r"""
local meta(name, ns) = { name: name, labels: { 'app.kubernetes.io/managed-by': 'opsc' } }
  + (if ns == null then {} else { namespace: ns });
local namespace(e) = { apiVersion: 'v1', kind: 'Namespace',
  metadata: { name: e.ns, labels: { 'app.kubernetes.io/managed-by': 'opsc', 'opsc.dev/environment': e.name } } };
local role(e, r) = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(r.name, e.ns),
  rules: [{ apiGroups: ['', 'apps'], resources: [r.resource], verbs: r.verbs }] };
local binding(e, r) = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
  metadata: meta(r.name + '-' + r.group, e.ns),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.name },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: r.group }] };
local netpol(e) = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(e.name + '-baseline', e.ns),
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
               ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] } };
local quota(e) = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('opsc-quota', e.ns),
  spec: { hard: { 'requests.cpu': std.toString(e.cpu), 'requests.memory': e.memory + 'Gi', pods: '100' } } };
local schedule(e) = { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: meta(e.name + '-daily', 'velero'),
  spec: { schedule: '0 2 * * *', template: { ttl: '168h0m0s', includedNamespaces: [e.ns] } } };
local rule(a) = { alert: a.name, expr: a.expr, 'for': a['for'], labels: { severity: a.severity },
  annotations: { summary: a.summary, runbook_url: a.runbook } };
local github(e) = { wait_timer: if e.prod then 5 else 0, prevent_self_review: e.prod,
  reviewers: [{ type: 'User', id: 1001 }], deployment_branch_policy: { protected_branches: false, custom_branch_policies: true } };
local header = '# Generated from workload.jsonnet.\n';
local yaml(docs) = header + std.manifestYamlStream(docs, indent_array_in_object=false, c_document_end=false);
// jsonnet -m does not create directories: the paths are flattened, '/' -> '_'.
local file(path, body) = { path: std.strReplace(path, '/', '_'), body: body };
local envFiles(e) = [
  file(e.cluster + '/' + e.name + '/namespace/namespace.yaml', yaml([namespace(e)])),
  file(e.cluster + '/' + e.name + '/policy/rbac.yaml', yaml([role(e, r) for r in e.roles] + [binding(e, r) for r in e.roles])),
  file(e.cluster + '/' + e.name + '/policy/network-policies.yaml', yaml([netpol(e)])),
  file(e.cluster + '/' + e.name + '/policy/quota.yaml', yaml([quota(e)])),
  file('github/environments/' + e.name + '.json', std.manifestJsonEx(github(e), '  ') + '\n'),
];
local clusters = std.set([e.cluster for e in envs]);
local clusterFiles(c) = [
  file(c + '/velero/schedules.yaml', yaml([schedule(e) for e in envs if e.cluster == c])),
  file(c + '/monitoring/prometheus-rules.yaml', yaml([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule',
    metadata: meta('opsc-alerts', 'monitoring'),
    spec: { groups: [{ name: 'opsc', rules: [rule(a) for e in envs if e.cluster == c for a in e.alerts] }] } }])),
];
{ [f.path]: f.body for f in std.flattenArrays([envFiles(e) for e in envs] + [clusterFiles(c) for c in clusters]) }
"""


def env(i, roles, alerts):
    e = "env%04d" % i
    return {
        "name": e, "ns": "ns-" + e, "cluster": "c%d" % (i % 5), "prod": i % 10 == 0,
        "cpu": 4 + i % 8, "memory": str(8 + i % 32),
        "roles": [{"name": "%s-r%02d" % (e, r), "resource": RESOURCES[r % len(RESOURCES)],
                   "verbs": VERBS[: 2 + (r % 5)], "group": "team-%d" % r} for r in range(roles)],
        "alerts": [{"name": "%sAlert%02d" % (e.capitalize(), a),
                    "expr": 'rate(http_requests_total{namespace="ns-%s",code=~"5.."}[5m]) > %d' % (e, a + 1),
                    "for": "%dm" % (1 + a % 10), "severity": "critical" if a % 4 == 0 else "warning",
                    "summary": "Alert %d on {{ $labels.namespace }}" % a,
                    "runbook": "https://runbooks.example/%d" % a} for a in range(alerts)],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("envs", type=int)
    ap.add_argument("out")
    ap.add_argument("--roles", type=int, default=20)
    ap.add_argument("--alerts", type=int, default=20)
    args = ap.parse_args()
    data = [env(i, args.roles, args.alerts) for i in range(args.envs)]
    with open(args.out, "w") as f:
        f.write("local envs = %s;\n%s" % (json.dumps(data), PROGRAM))


if __name__ == "__main__":
    main()
