#!/usr/bin/env python3
"""Breadth against an independent source: the valid samples in the unit
tests of trufflehog's detectors (read from its bare clone under MIRROR at
run time; nothing of it is copied here, it is AGPL-licensed).

For each detector test, every `valid...Pattern = "..."` string is written
to a file as `<keyword>_token: <sample>` (the detector's own keyword when
the test names one) and scanned by opsc. Prints how many detectors have a
sample found by a specific rule, found only by a generic or structural
rule, or not found, and (-v) the detectors of each kind.

    breadth.py [OPSC] [-v]
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# the bare clones fetched next to the checkout (<repo>/../.mirror), or MIRROR
MIRROR = os.environ.get("MIRROR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", ".mirror"))
GIT = os.path.join(MIRROR, "trufflesecurity+trufflehog", "repo")
VALID = re.compile(r'\bvalid\w*\s*=\s*(?:"([^"\n]{8,})"|`([^`\n]{8,})`)')
KEYWORD = re.compile(r'\bkeyword\w*\s*=\s*"([^"\n]+)"')
GENERIC = ("generic-credential", "kubernetes-secret", "kubernetes-env-secret", "dotenv-credential")


def git(*args):
    return subprocess.run(["git", "--git-dir", GIT] + list(args), capture_output=True, check=True).stdout


def samples():
    names = [p for p in git("ls-tree", "-r", "--name-only", "HEAD", "pkg/detectors").decode().split("\n")
             if p.endswith("_test.go") and "integration" not in p]
    out = {}
    for path in names:
        text = git("show", "HEAD:" + path).decode(errors="replace")
        vals = [a or b for a, b in VALID.findall(text) if "%" not in (a or b)]
        if not vals:
            continue
        kw = KEYWORD.search(text)
        out[os.path.dirname(path)[len("pkg/detectors/"):]] = (kw.group(1) if kw else "", vals)
    return out


def main():
    opsc = os.path.abspath(next((a for a in sys.argv[1:] if not a.startswith("-")), "build/opsc"))
    verbose = "-v" in sys.argv
    det = samples()
    with tempfile.TemporaryDirectory() as root:
        files = {}
        for i, (name, (kw, vals)) in enumerate(sorted(det.items())):
            f = "d%04d.yaml" % i
            files[f] = name
            key = re.sub(r"[^A-Za-z0-9]+", "_", kw).strip("_").upper() or "API"
            with open(os.path.join(root, f), "w") as fh:
                fh.write("".join("%s_TOKEN: %s\n" % (key, v) for v in vals))
        p = subprocess.run([opsc, "lint", "--only", "secrets", "--format", "json", "."], cwd=root,
                           capture_output=True, text=True)
        hits = {}
        for f in json.loads(p.stdout)["findings"]:
            hits.setdefault(files[f["path"]], set()).add(f["rule"])
    specific = sorted(d for d, r in hits.items() if any(x not in GENERIC for x in r))
    generic = sorted(d for d, r in hits.items() if d not in specific)
    missed = sorted(d for d in det if d not in hits)
    print("%d trufflehog detectors with valid samples: %d found by a specific rule, "
          "%d only by a generic or structural rule, %d not found" % (len(det), len(specific), len(generic), len(missed)))
    if verbose:
        for what, names in (("specific", specific), ("generic only", generic), ("not found", missed)):
            print("%s: %s" % (what, " ".join(names)))


if __name__ == "__main__":
    main()
