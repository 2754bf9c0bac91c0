#!/usr/bin/env python3
"""Generate a large, valid .ops policy for benchmarks.

usage: gen_policy.py ENVS OUT.ops [--roles N] [--alerts N]

Each environment gets a protect block and a quota, ROLES roles bound in it
and ALERTS alerts deployed to it, plus a network policy and a backup: about
100 lines per environment with the defaults (1,000 environments: ~100k lines).
Deterministic: the same arguments give the same bytes.
"""
import argparse

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
RESOURCES = ["pods", "services", "deployments", "configmaps", "jobs", "ingresses"]


def project(out):
    out.append('project "bench" {\n  repo = "acme/bench"\n  output = "clusters"\n'
               '  reviewers = { "alice" = 1001, "bob" = 1002, "@acme/platform" = 42 }\n}\n\n')
    out.append('receiver "slack" { slack { channel = "#alerts"  api_url = secret("slack", "url") } }\n')
    out.append('receiver "oncall" { pagerduty { routing_key = secret("pagerduty", "key") } }\n')
    out.append('route {\n  to = receiver.slack\n  group_by = [alertname, cluster]\n'
               '  when severity == critical { to = receiver.oncall }\n}\n\n')


def environment(out, i, roles, alerts):
    e = "env%04d" % i
    prod = i % 10 == 0
    out.append('environment "%s" {\n  cluster = "c%d"\n  namespace = "ns-%s"\n' % (e, i % 5, e))
    if prod:
        out.append('  protect {\n    reviewers = ["alice", "@acme/platform"]\n    approvals = 2\n'
                   '    wait = 5m\n    branches = ["main"]\n    prevent_self_review = true\n  }\n')
    else:
        out.append('  protect {\n    reviewers = ["bob"]\n    branches = ["develop"]\n  }\n')
    out.append('  quota {\n    cpu = %d\n    memory = %dGi\n    pods = 100\n  }\n}\n\n' % (4 + i % 8, 8 + i % 32))
    for r in range(roles):
        verbs = ", ".join(VERBS[: 2 + (r % 5)])
        out.append('role "%s-r%02d" { allow { groups = ["", "apps"]  resources = ["%s"]  verbs = [%s] } }\n'
                   % (e, r, RESOURCES[r % len(RESOURCES)], verbs))
        out.append('bind role.%s-r%02d { to = [group("team-%d")]  in = [env.%s] }\n' % (e, r, r, e))
    for a in range(alerts):
        sev = "critical" if a % 4 == 0 else "warning"
        out.append('alert "%sAlert%02d" { expr = `rate(http_requests_total{namespace="ns-%s",code=~"5.."}[5m]) > %d`\n'
                   '  for = %dm  severity = %s  summary = "Alert %d on {{ $labels.namespace }}"'
                   '  runbook = "https://runbooks.example/%d"  in = [env.%s] }\n'
                   % (e.capitalize(), a, e, a + 1, 1 + a % 10, sev, a, a, e))
    out.append('network "%s-baseline" {\n  in = [env.%s]\n  deny = [ingress, egress]\n'
               '  allow egress "dns" { to = [namespace("kube-system")]  ports = [53/udp, 53/tcp] }\n}\n' % (e, e))
    out.append('backup "%s-daily" {\n  schedule = "0 2 * * *"\n  retain = 7d\n  in = [env.%s]\n}\n\n' % (e, e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("envs", type=int)
    ap.add_argument("out")
    ap.add_argument("--roles", type=int, default=20)
    ap.add_argument("--alerts", type=int, default=20)
    args = ap.parse_args()
    out = []
    project(out)
    for i in range(args.envs):
        environment(out, i, args.roles, args.alerts)
    with open(args.out, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
