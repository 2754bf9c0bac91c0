#!/usr/bin/env python3
"""One verdict: `opsc check`, `opsc lint` (every format) and `opsc build`
agree on every tests/diagnostics/*.ops.

For each fixture the three commands must exit alike (0 or 1) and report the
same problems: the same (file, line, column, severity) for check, build and
lint, and for lint's four formats the same rule ids too, each one known to
`opsc explain`.

    verdict.py OPSC
"""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = re.compile(r"^(\S+):(\d+):(\d+): (error|warning)(?:\[([a-z0-9-]+)\])?: ")
GITHUB = re.compile(r"^::(error|warning) file=([^,]*),line=(\d+),col=(\d+),.*?title=([a-z0-9-]+)::")
SARIF_LEVEL = {"error": "error", "warning": "warning"}


def run(cmd, cwd):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("GITHUB_STEP_SUMMARY", None)
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, errors="replace")
    return p.returncode, p.stdout, p.stderr


def from_text(out):
    got = []
    for line in out.splitlines():
        m = TEXT.match(line)
        if m:
            got.append((m[1], int(m[2]), int(m[3]), m[4], m[5]))
    return got


def from_github(out):
    return [(m[2], int(m[3]), int(m[4]), m[1], m[5])
            for m in map(GITHUB.match, out.splitlines()) if m]


def from_json(out):
    return [(f["path"], f.get("line", 0), f.get("column", 0), f["severity"], f["rule"])
            for f in json.loads(out)["findings"] if f["severity"] != "note"]


def from_sarif(out):
    got = []
    for r in json.loads(out)["runs"][0]["results"]:
        if r["level"] not in SARIF_LEVEL:
            continue
        loc = r["locations"][0]["physicalLocation"]
        got.append((loc["artifactLocation"]["uri"], loc["region"]["startLine"],
                    loc["region"]["startColumn"], r["level"], r["ruleId"]))
    return got


LINT = {"text": from_text, "github": from_github, "json": from_json, "sarif": from_sarif}


def where(found):
    """The multiset of places and severities, without rule ids."""
    return collections.Counter(f[:4] for f in found)


def check_one(opsc, work, empty, name, known):
    problems = []
    rc_check, _, err = run([opsc, "check", "-q", name], work)
    checked = where(from_text(err))
    rc_build, _, err = run([opsc, "build", "-q", "-o", os.path.join(work, "out-" + name), name], work)
    if where(from_text(err)) != checked:
        problems.append("build reports %s, check %s" % (sorted(where(from_text(err))), sorted(checked)))
    if rc_build != rc_check:
        problems.append("build exits %d, check %d:\n%s" % (rc_build, rc_check, err))
    first = None
    for fmt, parse in LINT.items():
        # an empty target, secrets and policies: what lint finds beyond the
        # checks (drift of a tree never built) is not the point here
        rc, out, err = run([opsc, "lint", "--policies", name, "--only", "secrets", "--only", "policy", "--format", fmt, empty], work)
        found = collections.Counter(parse(out if fmt != "text" else out + err))
        if rc != rc_check:
            problems.append("lint --format %s exits %d, check %d:\n%s" % (fmt, rc, rc_check, err))
        if where(found.elements()) != checked:
            problems.append("lint --format %s reports %s, check %s" % (fmt, sorted(found), sorted(checked)))
        if first is not None and found != first:
            problems.append("lint --format %s reports %s, --format text %s" % (fmt, sorted(found), sorted(first)))
        first = found if first is None else first
    for rule in sorted({f[4] for f in (first or [])}):
        if rule not in known:
            rc, _, _ = run([opsc, "explain", "--builtin", rule], work)
            known[rule] = rc == 0
        if not known[rule]:
            problems.append("`opsc explain %s` does not know the rule" % rule)
    return problems


def main():
    opsc = os.path.realpath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="opsc-verdict-")
    try:
        work = os.path.join(tmp, "repo")
        shutil.copytree(HERE, work)
        subprocess.run(["git", "init", "-q", work], check=True)
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        fixtures = sorted(f for f in os.listdir(work) if f.endswith(".ops"))
        known, failed = {}, 0
        for name in fixtures:
            problems = check_one(opsc, work, empty, name, known)
            if problems:
                failed += 1
                print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
        print("%d fixtures, %d failed, %d rule ids" % (len(fixtures), failed, len(known)))
        return 1 if failed or not fixtures else 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
