#!/usr/bin/env python3
"""Secret-scanning accuracy on real public repositories.

The corpus is never committed: it is rebuilt from the bare clones under
../.mirror next to the checkout (or MIRROR) at the commits repos.tsv pins, then synthetic
positives (realistic fake credentials, fixed seed) are written into real
files of each repository so that recall is measurable. labels.tsv holds
the verdict on every finding opsc gives on the untouched repositories
(true: a real credential; false: a false alarm).

    corpus.py build  [OUT]          rebuild OUT (default bench/out/corpus)
    corpus.py eval   [OUT] [OPSC]   scan OUT, print P/R per split, FP/1000 files
    corpus.py review [OUT] [OPSC]   list findings on real files that have no label

Splits are by repository (repos.tsv): `tune` repositories are the ones the
rules were adjusted on; `heldout` ones are only measured (`heldout3`: an
earlier held-out set, measured before the last changes); `clean` ones get
no synthetic secrets. A finding counts
as a true positive when it is on the line of a secret (any rule: a secret
reported by the generic rule instead of its provider's is still found).
"""
import base64
import json
import os
import random
import string
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# the bare clones fetched next to the checkout (<repo>/../.mirror), or MIRROR
MIRROR = os.environ.get("MIRROR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", ".mirror"))
SEED = 9
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
UPPER = string.ascii_uppercase + string.digits


def read_tsv(name):
    with open(os.path.join(HERE, name)) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]


def repos():
    return [dict(split=s, name=n, commit=c) for s, n, c in read_tsv("repos.tsv")]


# ------------------------------------------------------------- synthetic

class Fake:
    """Fake credentials in the formats their issuers document."""

    def __init__(self, r):
        self.r = r

    def s(self, chars, n):
        return "".join(self.r.choice(chars) for _ in range(n))

    def password(self):
        # upper, lower, digits and a symbol, as password managers make them
        # (never first: YAML reserves some; never `@ : / ?`: URLs percent-encode them)
        base = self.s(ALNUM, self.r.randint(14, 22))
        i = self.r.randrange(1, len(base))
        return base[:i] + self.r.choice("!%^*+-=_") + base[i:]

    def tokens(self):
        s = self.s
        return [
            ("aws", "AKIA" + s("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
            ("github", "ghp_" + s(ALNUM, 36)),
            ("github", "github_pat_" + s(ALNUM, 22) + "_" + s(ALNUM, 59)),
            ("gitlab", "glpat-" + s(ALNUM + "_-", 20)),
            ("slack", "xoxb-%s-%s-%s" % (s("0123456789", 12), s("0123456789", 13), s(ALNUM, 24))),
            ("stripe", "sk_live_" + s(ALNUM, 24)),
            ("sendgrid", "SG." + s(ALNUM + "_-", 22) + "." + s(ALNUM + "_-", 43)),
            ("npm", "npm_" + s(ALNUM, 36)),
            ("digitalocean", "dop_v1_" + s(HEX, 64)),
            ("openai", "sk-proj-" + s(ALNUM + "_-", 56)),
            ("anthropic", "sk-ant-api03-" + s(ALNUM + "_-", 93) + "AA"),
            ("vault", "hvs." + s(ALNUM, 24)),
            ("dockerhub", "dckr_pat_" + s(ALNUM + "_-", 27)),
            ("gcp", "AIza" + s(ALNUM + "_-", 35)),
            ("shopify", "shpat_" + s(HEX, 32)),
            ("doppler", "dp.st." + s(ALNUM, 43)),
            ("grafana", "glsa_" + s(ALNUM, 32) + "_" + s(HEX, 8)),
            ("huggingface", "hf_" + s(string.ascii_letters, 34)),
            ("pulumi", "pul-" + s(HEX, 40)),
            ("newrelic", "NRAK-" + s(UPPER, 27)),
            ("linear", "lin_api_" + s(ALNUM, 40)),
            ("postman", "PMAK-" + s(HEX, 24) + "-" + s(HEX, 34)),
            ("atlassian", "ATATT3xFfGF0" + s(ALNUM + "_-", 170) + "=" + s(HEX.upper(), 8)),
            ("age", "AGE-SECRET-KEY-1" + s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
        ]


def yaml_snippets(f):
    """(lines, index of the secret line) appended as a new YAML document."""
    p, (_, tok) = f.password(), f.r.choice(f.tokens())
    b64 = base64.b64encode(f.password().encode()).decode()
    return [
        (["---", "apiVersion: v1", "kind: Secret", "metadata:", "  name: app-db", "type: Opaque",
          "stringData:", "  username: app", "  password: " + p], 8),
        (["---", "apiVersion: v1", "kind: Secret", "metadata:", "  name: app-api", "data:",
          "  api-key: " + b64], 6),
        (["---", "apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: worker", "spec:",
          "  template:", "    spec:", "      containers:", "        - name: worker", "          env:",
          "            - name: API_TOKEN", "              value: " + tok], 12),
        (["---", "grafana:", "  adminUser: admin", "  adminPassword: " + p], 3),
        (["---", "config:", "  notifications:", "    token: " + tok], 3),
        (["---", "cache:", "  url: redis://:%s@redis-master:6379/0" % p], 2),
        (["---", "database:", "  url: postgres://app:%s@db.internal:5432/app" % p], 2),
    ]


def tf_snippets(f):
    p, (_, tok) = f.password(), f.r.choice(f.tokens())
    return [
        (["", 'resource "aws_db_instance" "extra" {', '  username = "app"', '  password = "%s"' % p, "}"], 3),
        (["", 'provider "github" {', '  token = "%s"' % tok, "}"], 2),
    ]


def sh_snippets(f):
    p, (_, tok) = f.password(), f.r.choice(f.tokens())
    return [
        (["", 'export API_TOKEN="%s"' % tok], 1),
        (["", 'curl -H "Authorization: Bearer %s" https://api.example.net/v1/items' % tok], 1),
        (["", 'DB_PASSWORD="${DB_PASSWORD:-%s}"' % p], 1),
    ]


def md_snippets(f):
    _, tok = f.r.choice(f.tokens())
    return [(["", "```sh", "export SERVICE_TOKEN=%s" % tok, "```"], 2)]


def ini_snippets(f):
    p = f.password()
    return [(["", "[db]", "db1 ansible_host=10.0.0.9 ansible_user=deploy ansible_password=%s" % p], 2)]


SNIPPETS = {".yaml": yaml_snippets, ".yml": yaml_snippets, ".tf": tf_snippets, ".sh": sh_snippets,
            ".md": md_snippets, ".ini": ini_snippets, ".cfg": ini_snippets}


def git(repo, *args):
    gd = os.path.join(MIRROR, repo["name"], "repo")
    return subprocess.run(["git", "--git-dir", gd] + list(args), check=True, capture_output=True).stdout


def extract(repo, dest):
    """Writes the tree of repo@commit to dest. Blobs a snapshot left out
    (its largest files) are skipped, as `git archive` cannot."""
    entries = []
    for l in git(repo, "ls-tree", "-r", "-z", repo["commit"]).split(b"\0"):
        if not l:
            continue
        meta, path = l.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha, path.decode(errors="replace")))
    gd = os.path.join(MIRROR, repo["name"], "repo")
    p = subprocess.run(["git", "--git-dir", gd, "cat-file", "--batch"], capture_output=True,
                       input=b"".join(sha + b"\n" for sha, _ in entries), check=True).stdout
    at = 0
    for sha, path in entries:
        nl = p.index(b"\n", at)
        head = p[at:nl].split()
        at = nl + 1
        if head[-1] == b"missing":
            continue
        size = int(head[2])
        full = os.path.join(dest, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as fh:
            fh.write(p[at:at + size])
        at += size + 1


def build(out):
    r = random.Random(SEED)
    fake = Fake(r)
    synth = []
    for repo in repos():
        dest = os.path.join(out, repo["name"])
        subprocess.run(["rm", "-rf", dest], check=True)
        os.makedirs(dest)
        extract(repo, dest)
        if repo["split"].startswith("clean"):
            continue
        files = sorted(p for p in git(repo, "ls-tree", "-r", "--name-only", repo["commit"]).decode().split("\n")
                       if os.path.splitext(p)[1] in SNIPPETS and os.path.isfile(os.path.join(dest, p)))
        # one synthetic secret per 25 eligible files, at least 4
        for path in r.sample(files, min(len(files), max(4, len(files) // 25))):
            full = os.path.join(dest, path)
            with open(full, errors="replace") as fh:
                text = fh.read()
            lines, at = r.choice(SNIPPETS[os.path.splitext(path)[1]](fake))
            base = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            with open(full, "w") as fh:
                fh.write(text + ("" if text.endswith("\n") or not text else "\n") + "\n".join(lines) + "\n")
            synth.append(dict(repo=repo["name"], path=path, line=base + at + 1))
    with open(os.path.join(out, "synthetic.json"), "w") as fh:
        json.dump(synth, fh, indent=1)
    print("built %s: %d repositories, %d synthetic secrets" % (out, len(repos()), len(synth)))


# ------------------------------------------------------------- evaluate

def findings(opsc, root):
    p = subprocess.run([opsc, "lint", "--only", "secrets", "--format", "json", "--no-progress", "."],
                       cwd=root, capture_output=True, text=True)
    return [(f["path"], f["line"], f["rule"]) for f in json.loads(p.stdout)["findings"]]


def count_files(root):
    return sum(len(fs) for _, _, fs in os.walk(root))


def evaluate(out, opsc, review=False):
    labels = {}
    for repo, commit, path, line, rule, verdict in read_tsv("labels.tsv"):
        labels[(repo, path, int(line))] = verdict == "true"
    with open(os.path.join(out, "synthetic.json")) as fh:
        synth = {(s["repo"], s["path"], s["line"]) for s in json.load(fh)}
    synth_files = {(s[0], s[1]) for s in synth}
    stats = {}
    unlabelled = []
    for repo in repos():
        root = os.path.join(out, repo["name"])
        st = stats.setdefault(repo["split"], dict(tp=0, fp=0, fn=0, files=0, real_fp=0, repos=0))
        st["repos"] += 1
        st["files"] += count_files(root)
        truth = {(repo["name"], p, l) for (rn, p, l), v in labels.items() if rn == repo["name"] and v}
        truth |= {s for s in synth if s[0] == repo["name"]}
        seen = set()
        for path, line, rule in findings(opsc, root):
            key = (repo["name"], path, line)
            if key in truth:
                st["tp"] += key not in seen
                seen.add(key)
                continue
            st["fp"] += 1
            # a finding on a line opsc's synthetic edit did not touch is a real-file finding
            st["real_fp"] += 1
            if key not in labels:
                unlabelled.append((repo["name"], repo["commit"], path, line, rule))
            elif not review:
                print("false alarm: %s %s:%d %s" % (repo["name"], path, line, rule))
        st["fn"] += len(truth - seen)
        if not review:
            for miss in sorted(truth - seen):
                print("miss: %s %s:%d" % miss)
    if review:
        for u in unlabelled:
            print("%s\t%s\t%s\t%d\t%s\t?" % u)
        return
    for u in unlabelled:
        print("false alarm (unlabelled): %s %s:%d %s" % (u[0], u[2], u[3], u[4]))
    print("| split | repos | files | secrets | found | false alarms | precision | recall | false alarms / 1,000 files |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for split, st in stats.items():  # in the order of repos.tsv
        n = st["tp"] + st["fn"]
        p = st["tp"] / (st["tp"] + st["fp"]) if st["tp"] + st["fp"] else 1.0
        rc = st["tp"] / n if n else 1.0
        print("| %s | %d | %d | %d | %d | %d | %s | %s | %.2f |" % (
            split, st["repos"], st["files"], n, st["tp"], st["fp"],
            "%.3f" % p if n else "-", "%.3f" % rc if n else "-", 1000.0 * st["fp"] / max(st["files"], 1)))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "eval"
    out = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "bench/out/corpus")
    opsc = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else "build/opsc")
    if cmd == "build":
        build(out)
    elif cmd in ("eval", "review"):
        evaluate(out, opsc, review=cmd == "review")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
