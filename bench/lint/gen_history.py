#!/usr/bin/env python3
"""Writes a `git fast-import` stream of an infrastructure repository's
history, for bench/lint/history.sh.

    python3 bench/lint/gen_history.py [COMMITS] | git fast-import --quiet

Default 10,000 commits on main (plus a 40-commit branch left unmerged and a
tag), by six authors in three time zones, over about 300 files (three environments): Kubernetes
manifests, Helm values, Terraform (HCL), GitHub workflows, Markdown and
shell. Most commits change one to four files the way such repositories
change (an image tag, a replica count, a variable); some add a file, some
delete one, and many bring back content seen before (a rollback), so the
same blob recurs under several commits.

Eight fake secrets in the providers' formats are planted at fixed commits,
each removed again a few commits later, so only a history scan sees them.
Every value is random from a fixed seed: the stream is byte-for-byte the
same on every run. None of the values is a real credential.
"""
import random
import string
import sys

R = random.Random(20241107)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rnd(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


AUTHORS = [
    ("Ana Lima", "ana@example.com", "-0300"),
    ("Ben Okafor", "ben@example.com", "+0100"),
    ("Chen Wei", "chen@example.com", "+0800"),
    ("Dana Ross", "dana@example.com", "-0500"),
    ("Emil Berg", "emil@example.com", "+0100"),
    ("Farah Khan", "farah@example.com", "+0530"),
]
START = 1609488000  # 2021-01-01T08:00:00Z
APPS = ["api", "web", "worker", "billing", "search", "auth", "gateway", "notify",
        "reports", "ingest", "scheduler", "cache", "media", "export", "audit"]
ENVS = ["prod", "staging", "dev"]
MODULES = ["network", "database", "cluster", "dns", "storage", "iam", "monitoring", "backup"]


# ----------------------------------------------------------------- files

def deployment(app, env, s):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {env}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/part-of: shop
spec:
  replicas: {s['replicas']}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
    spec:
      serviceAccountName: {app}
      containers:
        - name: {app}
          image: ghcr.io/acme/{app}:{s['tag']}
          args: ["--port=8080", "--log-level={s['log']}"]
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {app}-db
                  key: password
          resources:
            requests: {{cpu: {s['cpu']}m, memory: {s['mem']}Mi}}
            limits: {{memory: {s['mem'] * 2}Mi}}
"""


def service(app, env, s):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {env}
spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: {s['port']}
"""


def values(app, env, s):
    return f"""# Helm values for {app} in {env}
image:
  repository: ghcr.io/acme/{app}
  tag: "{s['tag']}"
replicaCount: {s['replicas']}
ingress:
  enabled: {str(s['ingress']).lower()}
  host: {app}.{env}.example.com
config:
  logLevel: {s['log']}
  cacheTtl: {s['ttl']}s
  apiToken: ${{API_TOKEN}}
{s['extra']}"""


def terraform(mod, s):
    return f"""terraform {{
  required_version = ">= 1.5"
}}

module "{mod}" {{
  source  = "git::https://git.example.com/infra/modules.git//{mod}?ref={s['ref']}"
  region  = var.region
  size    = "{s['size']}"
  count   = {s['count']}
  tags = {{
    team  = "platform"
    owner = "{s['owner']}"
  }}
{s['extra']}}}
"""


def variables(mod, s):
    return f"""variable "region" {{
  type    = string
  default = "{s['region']}"
}}

variable "{mod}_retention_days" {{
  type    = number
  default = {s['retention']}
}}
"""


def workflow(name, s):
    return f"""name: {name}
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-{s['ubuntu']}
    steps:
      - uses: actions/checkout@{s['sha']}
      - run: make {name}
        env:
          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}
{s['extra']}"""


def readme(name, s):
    return f"""# {name}

Runbook revision {s['rev']}. Deploy with `make deploy ENV={s['env']}`; roll
back with `make rollback`. Pager: #{s['channel']}.
"""


def script(name, s):
    return f"""#!/bin/sh
# {name}: rotate the {s['what']} on the {s['env']} cluster
set -eu
kubectl -n {s['env']} rollout restart deploy/{s['what']}
{s['extra']}"""


def app_state():
    return {"replicas": R.choice([2, 3, 4]), "tag": "v1.0.0", "log": "info",
            "cpu": R.choice([100, 250, 500]), "mem": R.choice([128, 256, 512]),
            "port": 8080, "ingress": R.random() < 0.5, "ttl": 60, "extra": ""}


def tf_state():
    return {"ref": "v1.0.0", "size": R.choice(["small", "medium"]), "count": 1,
            "owner": R.choice(["ana", "ben", "chen"]), "region": "eu-west-1",
            "retention": 7, "extra": ""}


def initial_files():
    files = {}
    for env in ENVS:
        for app in APPS:
            s = app_state()
            base = f"clusters/{env}/apps/{app}/"
            files[base + "deployment.yaml"] = (deployment, (app, env), s)
            files[base + "service.yaml"] = (service, (app, env), s)
            files[base + "values.yaml"] = (values, (app, env), s)
    for env in ENVS:
        for mod in MODULES:
            s = tf_state()
            files[f"infra/{env}/{mod}/main.tf"] = (terraform, (mod,), s)
            files[f"infra/{env}/{mod}/variables.tf"] = (variables, (mod,), s)
    for name in ["build", "deploy", "release", "lint"]:
        s = {"ubuntu": "22.04", "sha": rnd(HEX, 40), "extra": ""}
        files[f".github/workflows/{name}.yml"] = (workflow, (name,), s)
    for app in APPS:
        s = {"rev": 1, "env": "prod", "channel": f"oncall-{app}"}
        files[f"docs/runbooks/{app}.md"] = (readme, (app,), s)
        s = {"what": app, "env": "prod", "extra": ""}
        files[f"scripts/rotate-{app}.sh"] = (script, (app,), s)
    return files


# ----------------------------------------------------------------- changes

def bump(tag):
    major, minor, patch = (int(x) for x in tag[1:].split("."))
    return f"v{major}.{minor}.{patch + 1}" if R.random() < 0.8 else f"v{major}.{minor + 1}.0"


def change(s):
    """One ordinary edit of a file's state; often a value it had before."""
    if "tag" in s:
        key = R.choice(["tag", "tag", "replicas", "log", "ttl", "cpu"])
        options = {"tag": lambda: bump(s["tag"]), "replicas": lambda: R.choice([2, 3, 4, 6]),
                   "log": lambda: R.choice(["info", "debug", "warn"]),
                   "ttl": lambda: R.choice([30, 60, 300]), "cpu": lambda: R.choice([100, 250, 500])}
    elif "ref" in s:
        key = R.choice(["ref", "size", "count", "retention"])
        options = {"ref": lambda: bump(s["ref"]), "size": lambda: R.choice(["small", "medium", "large"]),
                   "count": lambda: R.choice([1, 2, 3]), "retention": lambda: R.choice([7, 14, 30])}
    elif "ubuntu" in s:
        key = R.choice(["ubuntu", "sha"])
        options = {"ubuntu": lambda: R.choice(["22.04", "24.04"]), "sha": lambda: rnd(HEX, 40)}
    elif "rev" in s:
        key, options = "rev", {"rev": lambda: s["rev"] + 1}
    else:
        key, options = "env", {"env": lambda: R.choice(["prod", "staging"])}
    s[key] = options[key]()


# Fake secrets in the providers' formats (random, fixed seed): the commit
# that adds one, the file (whose "extra" slot holds it), the line.
def aws_id(): return "AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
def gh_pat(): return "ghp_" + rnd(ALNUM, 36)
def glpat(): return "glpat-" + rnd(ALNUM + "-_", 20)
def slack(): return "https://hooks.slack.com/services/T%s/B%s/%s" % (
    rnd(string.ascii_uppercase + string.digits, 8), rnd(string.ascii_uppercase + string.digits, 10), rnd(ALNUM, 24))
def stripe(): return "sk_live_" + rnd(ALNUM, 40)
def npm(): return "npm_" + rnd(ALNUM, 36)
def sendgrid(): return "SG." + rnd(ALNUM + "-_", 22) + "." + rnd(ALNUM + "-_", 43)
def dckr(): return "dckr_pat_" + rnd(ALNUM + "-_", 27)


PLANTS = [
    (700, "infra/prod/iam/main.tf", lambda: '  access_key = "%s"\n' % aws_id()),
    (1900, ".github/workflows/release.yml", lambda: "          GH_TOKEN: %s\n" % gh_pat()),
    (3100, "scripts/rotate-billing.sh", lambda: "curl -H 'PRIVATE-TOKEN: %s' https://gitlab.example.com/api/v4/projects\n" % glpat()),
    (4200, "clusters/prod/apps/notify/values.yaml", lambda: "slackWebhook: %s\n" % slack()),
    (5600, "clusters/staging/apps/billing/values.yaml", lambda: "stripeKey: %s\n" % stripe()),
    (6800, ".github/workflows/build.yml", lambda: "          NPM_TOKEN: %s\n" % npm()),
    (8100, "clusters/prod/apps/notify/values.yaml", lambda: "sendgridKey: %s\n" % sendgrid()),
    (9500, "scripts/rotate-media.sh", lambda: "docker login -u acme -p %s ghcr.io\n" % dckr()),
]


# ------------------------------------------------------------------ stream

class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.time = START

    def data(self, text):
        raw = text.encode()
        self.out.write(b"data %d\n" % len(raw))
        self.out.write(raw)
        self.out.write(b"\n")

    def commit(self, ref, n, msg, ops, parent=None):
        name, email, tz = AUTHORS[(n * 7 + n // 13) % len(AUTHORS)]
        self.time += 600 + (n * 7919) % 9000
        self.mark += 1
        head = "commit %s\nmark :%d\n" % (ref, self.mark)
        who = "%s <%s> %d %s\n" % (name, email, self.time, tz)
        self.out.write((head + "author " + who + "committer " + who).encode())
        self.data(msg)
        if parent:
            self.out.write(b"from :%d\n" % parent)
        for op in ops:
            self.out.write(op)
        return self.mark


def modify(path, files):
    fn, args, s = files[path]
    raw = fn(*args, s).encode()
    return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(raw), raw)


def main_history(st, files, commits):
    plants = {c: (p, make) for c, p, make in PLANTS}
    removals = {c + 3 + i: p for i, (c, p, _) in enumerate(PLANTS)}
    st.commit("refs/heads/main", 0, "initial layout\n", [modify(p, files) for p in sorted(files)])
    branch_point = None
    for n in range(1, commits):
        paths = R.sample(sorted(files), R.randint(1, 4))
        for p in paths:
            change(files[p][2])
        ops = [modify(p, files) for p in paths]
        if n in plants:
            p, make = plants[n]
            files[p][2]["extra"] = make()
            ops.append(modify(p, files))
        if n in removals:
            files[removals[n]][2]["extra"] = ""
            ops.append(modify(removals[n], files))
        if n % 97 == 0:  # a new runbook now and then, retired later
            files[f"docs/notes/{n}.md"] = (readme, (f"note {n}",), {"rev": 1, "env": "prod", "channel": "ops"})
            ops.append(modify(f"docs/notes/{n}.md", files))
        if n % 97 == 50 and f"docs/notes/{n - 50}.md" in files:
            del files[f"docs/notes/{n - 50}.md"]
            ops.append(b"D docs/notes/%d.md\n" % (n - 50))
        st.commit("refs/heads/main", n, "%s: %s\n" % (paths[0].split("/")[-2], "update"), ops)
        if n == commits // 2:
            branch_point = st.mark
    return branch_point


def side_branch(st, files, parent):
    for i in range(40):
        paths = R.sample(sorted(files), 2)
        for p in paths:
            change(files[p][2])
        st.commit("refs/heads/feature/autoscaling", 100000 + i, "autoscaling experiment\n",
                  [modify(p, files) for p in paths], parent if i == 0 else None)


def main():
    commits = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    st = Stream(sys.stdout.buffer)
    files = initial_files()
    branch_point = main_history(st, files, commits)
    st.out.write(b"reset refs/tags/v1.0\nfrom refs/heads/main\n\n")
    side_branch(st, files, branch_point)


main()
