#!/usr/bin/env python3
"""Generates a repository-sized tree of ordinary infrastructure files with
sparse fake secrets, for the secret-scanning benchmark (bench/secrets/run.sh).

    python3 bench/secrets/gen_repo.py [OUTDIR] [FILES] [MEGABYTES]

Defaults: bench/out/secrets-repo, 25000 files, 200 MB. Deterministic (seeded).
About one file in 500 holds a secret; the rest is Kubernetes manifests, Helm
values, Terraform, JSON, Markdown and shell, with the usual near-misses
(digests, SHAs, `${VAR}` references, base64 config).
"""
import os
import random
import string
import sys

R = random.Random(7)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rnd(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


# Pools of random material, made once: the tree is big, Python is slow.
HEXES = [rnd(HEX, 64) for _ in range(512)]
WORDS = [rnd(string.ascii_lowercase, R.randint(3, 10)) for _ in range(2000)]
B64 = [rnd(ALNUM + "+/", 76) for _ in range(512)]


def w():
    return R.choice(WORDS)


def manifest():
    app = w()
    return """apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  namespace: %s
  labels:
    app.kubernetes.io/name: %s
    app.kubernetes.io/part-of: %s
spec:
  replicas: %d
  selector:
    matchLabels:
      app.kubernetes.io/name: %s
  template:
    metadata:
      annotations:
        checksum/config: %s
    spec:
      serviceAccountName: %s
      containers:
        - name: %s
          image: ghcr.io/acme/%s@sha256:%s
          args: ["--port=8080", "--log-level=info", "--%s=%s"]
          env:
            - name: %s_HOST
              value: %s.%s.svc.cluster.local
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: %s-db
                  key: password
          resources:
            requests: {cpu: %dm, memory: %dMi}
            limits: {cpu: %dm, memory: %dMi}
---
apiVersion: v1
kind: Service
metadata:
  name: %s
spec:
  ports:
    - port: 80
      targetPort: 8080
  selector:
    app.kubernetes.io/name: %s
""" % (app, w(), app, w(), R.randint(1, 6), app, R.choice(HEXES), app, app, app, R.choice(HEXES), w(), w(),
       w().upper(), w(), w(), app, R.randint(50, 500), R.randint(64, 512), R.randint(500, 2000),
       R.randint(512, 2048), app, app)


def terraform():
    name = w()
    return """resource "aws_instance" "%s" {
  ami           = "ami-%s"
  instance_type = "t3.%s"
  subnet_id     = aws_subnet.%s.id
  tags = {
    Name        = "%s"
    Environment = var.environment
  }
}

resource "aws_db_instance" "%s" {
  identifier = "%s"
  username   = "%s"
  password   = var.%s_password
  engine     = "postgres"
}

output "%s_endpoint" {
  value = aws_db_instance.%s.endpoint
}
""" % (name, rnd(HEX, 17), R.choice(["micro", "small", "medium"]), w(), name, name, name, w(), name, name, name)


def markdown():
    lines = ["# %s %s" % (w().title(), w()), ""]
    for _ in range(R.randint(10, 40)):
        lines.append(" ".join(w() for _ in range(R.randint(6, 16))) + ".")
        if R.random() < 0.1:
            lines.append("`git checkout %s`" % R.choice(HEXES)[:40])
    return "\n".join(lines) + "\n"


def values():
    return """replicaCount: %d
image:
  repository: ghcr.io/acme/%s
  digest: sha256:%s
auth:
  existingSecret: %s-credentials
  password: ""
config:
  %s: %s
  %s: "%s"
  data: %s
""" % (R.randint(1, 5), w(), R.choice(HEXES), w(), w(), w(), w(), w(), R.choice(B64))


def script():
    return """#!/usr/bin/env bash
set -euo pipefail
: "${%s_TOKEN:?export it first}"
for f in %s %s %s; do
  kubectl -n %s apply -f "$f"
done
curl -fsS -H "Authorization: Bearer $%s_TOKEN" https://api.example.com/%s
""" % (w().upper(), w(), w(), w(), w(), w().upper(), w())


def json_doc():
    items = ",\n".join('    {"name": "%s", "id": %d, "sha": "%s"}' % (w(), R.randint(1, 99999), R.choice(HEXES)[:40])
                       for _ in range(R.randint(5, 40)))
    return '{\n  "items": [\n%s\n  ]\n}\n' % items


KINDS = [(manifest, "yaml"), (terraform, "tf"), (markdown, "md"), (values, "yaml"), (script, "sh"), (json_doc, "json")]
SECRETS = [
    lambda: "GITHUB_TOKEN=ghp_%s\n" % rnd(ALNUM, 36),
    lambda: "aws_access_key_id = AKIA%s\n" % rnd(string.ascii_uppercase + "234567", 16),
    lambda: 'linode_token = "%s"\n' % rnd(HEX, 64),
    lambda: "stripe: sk_live_%s\n" % rnd(ALNUM, 32),
    lambda: "DATABASE_URL=postgres://app:%s@db:5432/app\n" % rnd(ALNUM, 18),
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "out", "secrets-repo")
    nfiles = int(sys.argv[2]) if len(sys.argv) > 2 else 25000
    target = (int(sys.argv[3]) if len(sys.argv) > 3 else 200) * 1024 * 1024
    per_file = target // nfiles
    total = 0
    for i in range(nfiles):
        gen, ext = KINDS[i % len(KINDS)]
        d = os.path.join(out, "team-%02d" % (i % 40), w(), "%s.%s" % (w(), ext))
        parts, size = [], 0
        while size < per_file:
            p = gen()
            parts.append(p)
            size += len(p)
        if i % 500 == 250:
            parts.insert(len(parts) // 2, R.choice(SECRETS)())
        text = "".join(parts)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        with open(d, "a") as f:
            f.write(text)
        total += len(text)
    print("%d files, %.1f MB in %s" % (nfiles, total / 1048576, out))


if __name__ == "__main__":
    main()
