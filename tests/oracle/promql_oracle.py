#!/usr/bin/env python3
"""PromQL: every alert expression opsc accepts, promtool accepts.

The expressions come from what `opsc build` writes for the standard
library (every std/alerts template, with its defaults) and both examples,
and from a generator over the PromQL grammar (type-directed expressions,
random ones, and mutations of both; fixed seed). Each is checked by opsc's
parser (compiler/promql/, through promql_cli) and by `promtool check
rules` (Prometheus 2.42). An expression opsc accepts and promtool refuses
fails the test; one opsc refuses and promtool accepts is reported, not
failed (docs/language.md lists the known ones).

    promql_oracle.py OPSC PROMQL_CLI [--count N] [--seed S]

Skips (exit 77) without promtool or PyYAML.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

STDLIB = """import "std/alerts"
environment "production" { cluster = "c" }
use std.alerts.infrastructure { runbook_base = "https://r.example" }
use std.alerts.applications { runbook_base = "https://r.example" }
use std.alerts.platform { runbook_base = "https://r.example" }
use std.alerts.storage { runbook_base = "https://r.example" }
"""

# -------------------------------------------------------------- generator

METRICS = ["up", "http_requests_total", "node_cpu_seconds_total", "job:errors:rate5m", "kube_pod_info",
           "go_goroutines", "on", "sum_x", "nan"]
LABELS = ["job", "instance", "status", "mode", "namespace", "pod", "le", "__name__"]
VALUES = ['"api"', '"5.."', "'a|b'", '""', '".+"', '"x\\\\.y"', '`raw`', '"(crit"', '"a{1,2}"']
DURATIONS = ["5m", "30s", "1h", "1h30m", "1d", "1w", "1y", "100ms", "2m30s", "0s", "5m1h", "1.5m", "5"]
SCALAR_FNS = ["time()", "pi()"]
VECTOR_FNS = ["abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sort", "sort_desc", "timestamp",
              "absent", "day_of_week", "hour", "month", "year", "minute", "days_in_month", "sgn", "acos", "deg"]
RANGE_FNS = ["rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "avg_over_time",
             "max_over_time", "min_over_time", "sum_over_time", "count_over_time", "last_over_time",
             "stddev_over_time", "present_over_time", "absent_over_time"]
AGGS = ["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"]
ARITH = ["+", "-", "*", "/", "%", "^", "atan2"]
COMPARE = ["==", "!=", ">", "<", ">=", "<="]
SETOPS = ["and", "or", "unless"]
NUMBERS = ["1", "0.5", "1e3", "0x1F", "Inf", "NaN", "-1", "+2", ".5", "1_000", "08", "1e"]


def grouping(r):
    return "(%s)" % ", ".join(r.sample(LABELS, r.randrange(3)))


def selector(r):
    name = r.choice(METRICS) if r.random() < 0.85 else ""
    if r.random() < 0.5:
        ms = ["%s%s%s" % (r.choice(LABELS), r.choice(["=", "!=", "=~", "!~"]), r.choice(VALUES))
              for _ in range(r.randrange(1, 3))]
        name += "{%s}" % ", ".join(ms)
    elif not name:
        name = "{}"
    return name


def modifiers(r, s):
    if r.random() < 0.1:
        s += " offset %s%s" % (r.choice(["", "-"]), r.choice(DURATIONS))
    if r.random() < 0.08:
        s += " @ %s" % r.choice(["1609746000", "start()", "end()", "1e3", "-1"])
    return s


def vector(r, d):
    x = r.random() if d < 4 else 0
    if x < 0.35:
        return modifiers(r, selector(r))
    if x < 0.5:
        return "%s(%s)" % (r.choice(RANGE_FNS), matrix(r, d + 1))
    if x < 0.6:
        return "%s(%s)" % (r.choice(VECTOR_FNS), vector(r, d + 1))
    if x < 0.72:
        agg = r.choice(AGGS)
        arg = vector(r, d + 1)
        if r.random() < 0.15:
            agg, arg = r.choice(["topk", "bottomk", "quantile"]), "%s, %s" % (scalar(r, d + 1), arg)
        elif r.random() < 0.05:
            agg, arg = "count_values", '"v", ' + arg
        g = "%s %s" % (r.choice(["by", "without"]), grouping(r)) if r.random() < 0.5 else ""
        return "%s %s(%s)" % (agg, g, arg) if r.random() < 0.5 else "%s(%s) %s" % (agg, arg, g)
    if x < 0.88:
        op = r.choice(ARITH + COMPARE + SETOPS)
        mod = ""
        if op in COMPARE and r.random() < 0.3:
            mod += " bool"
        if r.random() < 0.25:
            mod += " %s%s" % (r.choice(["on", "ignoring"]), grouping(r))
            if op not in SETOPS and r.random() < 0.5:
                mod += " %s%s" % (r.choice(["group_left", "group_right"]), grouping(r) if r.random() < 0.5 else "")
        left = vector(r, d + 1)
        right = vector(r, d + 1) if op in SETOPS or r.random() < 0.6 else scalar(r, d + 1)
        return "%s %s%s %s" % (left, op, mod, right)
    if x < 0.93:
        return "(%s)" % vector(r, d + 1)
    if x < 0.96:
        return 'label_replace(%s, "dst", "$1", "src", "(.*)")' % vector(r, d + 1)
    if x < 0.98:
        return "histogram_quantile(%s, %s)" % (scalar(r, d + 1), vector(r, d + 1))
    return "-%s" % vector(r, d + 1)


def matrix(r, d):
    if r.random() < 0.8 or d >= 4:
        return modifiers(r, "%s[%s]" % (selector(r), r.choice(DURATIONS)))
    step = r.choice(["", r.choice(DURATIONS)])
    return modifiers(r, "%s[%s:%s]" % (vector(r, d + 1), r.choice(DURATIONS), step))


def scalar(r, d):
    x = r.random() if d < 4 else 0
    if x < 0.6:
        return r.choice(NUMBERS)
    if x < 0.7:
        return r.choice(SCALAR_FNS)
    if x < 0.8:
        return "scalar(%s)" % vector(r, d + 1)
    if x < 0.9:
        return "%s %s %s" % (scalar(r, d + 1), r.choice(ARITH + [c + " bool" for c in COMPARE]), scalar(r, d + 1))
    return "(%s)" % scalar(r, d + 1)


def anything(r):
    """An expression of any shape, well-typed or not."""
    parts = [vector, matrix, scalar]
    s = r.choice(parts)(r, 1)
    if r.random() < 0.3:
        s = "%s %s %s" % (s, r.choice(ARITH + COMPARE + SETOPS), r.choice(parts)(r, 2))
    return s


MUTATE = list("(){}[],=~!\"'`:@+-*/%^ 5m") + ["by", "offset", "bool", "on", "[5m]", "{a=\"b\"}", "#"]


def mutate(r, s):
    for _ in range(r.choice([1, 1, 2])):
        i = r.randrange(len(s) + 1)
        op = r.random()
        if op < 0.4 and s:
            s = s[:i] + s[i + 1:]
        elif op < 0.85:
            s = s[:i] + r.choice(MUTATE) + s[i:]
        else:
            j = r.randrange(len(s) + 1)
            s = s[:min(i, j)] + s[max(i, j):]
    return s


def generated(count, seed):
    r = random.Random(seed)
    exprs = []
    for _ in range(count):
        exprs.append(vector(r, 0) if r.random() < 0.7 else anything(r))
    exprs += [mutate(r, r.choice(exprs)) for _ in range(count)]
    return exprs


# ---------------------------------------------------------------- sources

def built_exprs(opsc, tmp):
    """The expr of every rule opsc build writes for the stdlib and examples."""
    import yaml
    projects = {"stdlib": None, "homelab": os.path.join(TOP, "examples/homelab/policies"),
                "saas": os.path.join(TOP, "examples/saas/policies")}
    out = []
    for name, src in projects.items():
        d = os.path.join(tmp, name)
        os.makedirs(d)
        subprocess.run(["git", "init", "-q", d], check=True)
        if src:
            shutil.copytree(src, os.path.join(d, "policies"))
        else:
            os.makedirs(os.path.join(d, "policies"))
            with open(os.path.join(d, "policies", "alerts.ops"), "w") as f:
                f.write(STDLIB)
        p = subprocess.run([opsc, "build", "-q"], cwd=d, capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("opsc build %s failed:\n%s" % (name, p.stderr))
        n = 0
        for root, _, files in os.walk(os.path.join(d, "clusters")):
            for fn in files:
                if fn == "prometheus-rules.yaml" or fn.endswith(".rules.yml"):
                    for doc in yaml.safe_load_all(open(os.path.join(root, fn))):
                        groups = (doc or {}).get("spec", doc or {}).get("groups", [])
                        for g in groups:
                            for rule in g.get("rules", []):
                                out.append(rule["expr"])
                                n += 1
        if n == 0:
            raise SystemExit("no rule found in what opsc build wrote for %s" % name)
        print("%s: %d rules" % (name, n))
    return out


def opsc_verdicts(cli, exprs):
    data = b"\0".join(e.encode() for e in exprs) + b"\0"
    out = subprocess.run([cli], input=data, capture_output=True, check=True).stdout.decode()
    lines = out.splitlines()
    assert len(lines) == len(exprs), "promql_cli answered %d of %d" % (len(lines), len(exprs))
    return [None if l.startswith("ok ") else l.split(" ", 3)[3] for l in lines]


def yaml_quote(s):
    return "'%s'" % s.replace("'", "''").replace("\n", " ")


def promtool_verdicts(tmp, exprs):
    path = os.path.join(tmp, "oracle.rules.yml")
    with open(path, "w") as f:
        f.write("groups:\n- name: g\n  rules:\n")
        for i, e in enumerate(exprs):
            f.write("  - alert: A%d\n    expr: %s\n" % (i, yaml_quote(e)))
    p = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
    got = [None] * len(exprs)
    for m in re.finditer(r'rule (\d+), "A\d+": (.*)', p.stdout + p.stderr):
        got[int(m[1]) - 1] = m[2]
    if p.returncode != 0 and all(g is None for g in got):
        raise SystemExit("promtool failed without naming a rule:\n" + (p.stdout + p.stderr)[:2000])
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("opsc")
    ap.add_argument("cli")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--show", type=int, default=15)
    args = ap.parse_args()
    try:
        import yaml  # noqa: F401
    except ImportError:
        print("PyYAML not installed: skipped")
        return 77
    if not shutil.which("promtool"):
        print("promtool not installed: skipped")
        return 77
    tmp = tempfile.mkdtemp(prefix="opsc-promql-")
    try:
        built = built_exprs(os.path.realpath(args.opsc), tmp)
        exprs = list(dict.fromkeys(built + generated(args.count, args.seed)))
        # newlines are kept out of the single-quoted YAML scalars
        exprs = [e for e in exprs if "\n" not in e]
        mine = opsc_verdicts(args.cli, exprs)
        theirs = promtool_verdicts(tmp, exprs)
    finally:
        shutil.rmtree(tmp)
    wrong = [(e, b) for e, a, b in zip(exprs, mine, theirs) if a is None and b is not None]
    strict = [(e, a) for e, a, b in zip(exprs, mine, theirs) if a is not None and b is None]
    unbuilt = [e for e, a in zip(exprs, mine) if e in built and a is not None]
    accepted = sum(a is None for a in mine)
    print("%d expressions (%d from opsc build), opsc accepts %d, promtool accepts %d"
          % (len(exprs), len(set(built)), accepted, sum(b is None for b in theirs)))
    for e, why in wrong[:args.show]:
        print("FAIL opsc accepts, promtool refuses: %s\n  %s" % (e, why))
    for e in unbuilt[:args.show]:
        print("FAIL opsc built an expression its own parser refuses: %s" % e)
    print("%d accepted by opsc and refused by promtool" % len(wrong))
    print("%d refused by opsc and accepted by promtool (reported, not failed):" % len(strict))
    for e, why in strict[:args.show]:
        print("  %s\n    opsc: %s" % (e, why))
    return 1 if wrong or unbuilt else 0


if __name__ == "__main__":
    sys.exit(main())
