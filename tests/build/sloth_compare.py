#!/usr/bin/python3
"""opsc's SLO rules against Sloth's for the same spec.

    sloth_compare.py OPSC SLOTH_GEN

SLOTH_GEN is Sloth's examples/_gen/getting-started.yml (github.com/slok/sloth,
not part of this repository: pass it, or set OPSC_SLOTH_GEN; skipped, exit 77,
without it). The same spec is written as an `slo` block and built; every
recording rule and alert must have Sloth's name, in Sloth's order, with the
same expression (once Sloth's float artefacts are written as decimals) and
the same labels (less the ones docs/targets-velero-prometheus.md lists as
different: Sloth's cmd, free-form page/ticket labels and version labels, and
the SLO's labels, which opsc repeats on the alerts).
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

SPEC = '''environment "prod" { cluster = "c"  namespace = "app" }
slo "requests-availability" {
  service = "myservice"
  objective = 99.9%
  errors = `sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))`
  total = `sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))`
  alert = "MyServiceHighErrorRate"
  labels = { owner = "myteam", repo = "myorg/myservice", tier = "2" }
}
'''
FLOATS = [("0.9990000000000001", "0.999"), ("1-0.999", "0.001"), ("0.0009999999999999432", "0.001")]
SLO_LABELS = {"owner", "repo", "tier"}
SLOTH_ONLY = {"cmd", "sloth_mode", "sloth_spec", "sloth_version", "category", "routing_key", "slack_channel",
              "severity"}


def norm(expr):
    for a, b in FLOATS:
        expr = expr.replace(a, b)
    return re.sub(r"\s+", " ", expr).strip()


def rules(path, only_slo_alerts=False):
    doc = yaml.safe_load(open(path))
    return [r for g in doc["groups"] for r in g["rules"] if not only_slo_alerts or g["name"].startswith("slo-")]


def main():
    opsc = os.path.abspath(sys.argv[1])
    gen = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("OPSC_SLOTH_GEN", "")
    if not gen or not os.path.exists(gen):
        print("skipped: no Sloth output to compare with (OPSC_SLOTH_GEN)")
        return 77
    with tempfile.TemporaryDirectory() as work:
        os.makedirs(f"{work}/policies")
        open(f"{work}/policies/slo.ops", "w").write(SPEC)
        subprocess.run(["git", "init", "-q", work], check=True)
        subprocess.run([opsc, "build", "-q"], cwd=work, check=True)
        ours = rules(f"{work}/clusters/prometheus/c.slo.rules.yaml") + \
            rules(f"{work}/clusters/prometheus/c.rules.yaml", True)
    theirs = rules(gen)
    bad = 0
    if len(ours) != len(theirs):
        print(f"FAIL {len(ours)} rules, Sloth has {len(theirs)}")
        return 1
    for s, o in zip(theirs, ours):
        key = "record" if "record" in s else "alert"
        name = s[key]
        sl = {k: v for k, v in s.get("labels", {}).items() if k not in SLOTH_ONLY}
        ol = {k: v for k, v in o.get("labels", {}).items() if k != "severity"}
        if key == "alert":  # opsc repeats the SLO's labels on its alerts, for the routing proof
            ol = {k: v for k, v in ol.items() if k not in SLO_LABELS}
        for what, ok in (("name", o.get(key) == name), ("expr", norm(s["expr"]) == norm(o["expr"])),
                         ("labels", sl == ol)):
            if not ok:
                print(f"FAIL {name}: {what} differs\n  sloth: {s}\n  opsc:  {o}")
                bad += 1
    print(f"{'ok  ' if not bad else 'FAIL'} {len(ours)} rules compared with Sloth's")
    return 1 if bad else 0


sys.exit(main())
