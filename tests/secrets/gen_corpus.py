#!/usr/bin/env python3
"""Writes the labelled secret-scanning corpus: tests/secrets/corpus/ and
tests/secrets/labels.json.

Realistic infrastructure files (Kubernetes manifests, Helm values,
Terraform, tfvars, dotenv, kubeconfig, CI workflows, READMEs, lock files,
docker-compose, SealedSecrets, SOPS files) with planted fake secrets in each
provider's format (labelled: path, line, rule) and traps that must not be
reported (documentation keys, placeholders, references, ciphertext, digests,
git SHAs, UUIDs, checksums, base64 images).

Every value is random from a fixed seed: the output is byte-for-byte the
same on every run. None of the values is a real credential.

    python3 tests/secrets/gen_corpus.py [OUTDIR]
"""
import base64
import json
import os
import random
import shutil
import string
import sys

R = random.Random(20240605)
ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URL = ALNUM + "-_"


def rnd(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


# ------------------------------------------------------------ fake values

def aws_id(): return "AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
def aws_secret(): return rnd(B64, 40)
def gcp_api(): return "AIza" + rnd(URL, 35)
def azure_key(): return rnd(B64, 86) + "=="
def azure_client_secret(): return rnd(ALNUM, 3) + "8Q~" + rnd(ALNUM + "_~.-", 34)
def gh(prefix): return prefix + rnd(ALNUM, 36)
def gh_fine(): return "github_pat_" + rnd(ALNUM, 22) + "_" + rnd(ALNUM, 59)
def glpat(): return "glpat-" + rnd(URL, 20)
def glrt(): return "glrt-" + rnd(URL, 24)
def xoxb(): return "xoxb-%s-%s-%s" % (rnd("0123456789", 12), rnd("0123456789", 13), rnd(ALNUM, 24))
def xoxp(): return "xoxp-%s-%s-%s-%s" % (rnd("0123456789", 12), rnd("0123456789", 12), rnd("0123456789", 13), rnd(HEX, 32))
def xapp(): return "xapp-1-A%s-%s-%s" % (rnd(UPPER, 9), rnd("0123456789", 13), rnd(HEX, 64))
def slack_hook(): return "https://hooks.slack.com/services/T%s/B%s/%s" % (rnd(UPPER, 8), rnd(UPPER, 10), rnd(ALNUM, 24))
def stripe(p="sk_live_"): return p + rnd(ALNUM, 40)
def twilio_sk(): return "SK" + rnd(HEX, 32)
def hex32(): return rnd(HEX, 32)
def sendgrid(): return "SG." + rnd(URL, 22) + "." + rnd(URL, 43)
def mailgun(): return "key-" + rnd(HEX, 32)
def npm(): return "npm_" + rnd(ALNUM, 36)
def pypi(): return "pypi-AgEIcHlwaS5vcmc" + rnd(URL, 70)
def dckr(): return "dckr_pat_" + rnd(URL, 27)
def hex64(): return rnd(HEX, 64)
def dop(): return "dop_v1_" + hex64()
def hcloud(): return rnd(ALNUM, 64)
def cf_token(): return rnd(URL, 40)
def cf_origin(): return "v1.0-" + rnd(HEX, 24) + "-" + rnd(HEX, 146)
def hex40(): return rnd(HEX, 40)
def pd_token(): return rnd(ALNUM + "+", 20)
def openai(): return "sk-proj-" + rnd(URL, 120)
def openai_legacy(): return "sk-" + rnd(ALNUM, 20) + "T3BlbkFJ" + rnd(ALNUM, 20)
def anthropic(): return "sk-ant-api03-" + rnd(URL, 93) + "AA"
def hvs(): return "hvs." + rnd(URL, 90)
def hvb(): return "hvb." + rnd(URL, 120)
def atlas(): return rnd(ALNUM, 14) + ".atlasv1." + rnd(URL, 67)
def shopify(p="shpat_"): return p + rnd(HEX, 32)
def password(n=20): return rnd(ALNUM + "!%^*-_+", n)


def jwt():
    def seg(obj):
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")
    head = seg({"alg": "RS256", "kid": rnd(ALNUM, 12)})
    body = seg({"iss": "kubernetes/serviceaccount", "sub": "system:serviceaccount:ci:deployer", "jti": rnd(HEX, 16)})
    return "%s.%s.%s" % (head, body, rnd(URL, 86))


def pem_body(lines=6):
    return ["MII" + rnd(B64, 61)] + [rnd(B64, 64) for _ in range(lines - 1)]


def b64(s): return base64.b64encode(s.encode()).decode()


# --------------------------------------------------------------- writer

class Corpus:
    def __init__(self, root):
        self.root = root
        self.labels = []
        self.files = 0

    def file(self, path, parts):
        """parts: strings (lines) or (line, rule) for a planted secret."""
        lines = []
        for p in parts:
            if isinstance(p, tuple):
                lines.append(p[0])
                for rule in p[1:]:
                    self.labels.append({"path": path, "line": len(lines), "rule": rule})
            else:
                lines.extend(p.split("\n"))
        full = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        self.files += 1

    def raw(self, path, text):
        full = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="\n") as f:
            f.write(text)
        self.files += 1


# ------------------------------------------------------ Kubernetes files

def deployment(c, path, app, secrets):
    """A Deployment; `secrets`: list of (NAME, value, rule) env pairs, rule
    None for a trap."""
    parts = ["""apiVersion: apps/v1
kind: Deployment
metadata:
  name: %s
  labels:
    app.kubernetes.io/name: %s
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: %s
  template:
    metadata:
      annotations:
        checksum/config: %s
    spec:
      containers:
        - name: %s
          image: ghcr.io/acme/%s@sha256:%s
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info""" % (app, app, app, hex64(), app, app, hex64())]
    for name, value, rule in secrets:
        parts.append("            - name: %s" % name)
        if value is None:
            parts.append("              valueFrom:\n                secretKeyRef:\n                  name: %s-credentials\n                  key: %s" % (app, name.lower()))
        elif rule:
            parts.append(("              value: %s" % value, rule))
        else:
            parts.append("              value: %s" % value)
    parts.append("""          resources:
            requests:
              cpu: 100m
              memory: 128Mi""")
    c.file(path, parts)


def k8s(c):
    deployment(c, "apps/billing/deployment.yaml", "billing", [
        ("DB_PASSWORD", "hunter2-real-" + rnd(ALNUM, 6), "kubernetes-env-secret"),
        ("DB_USER", "billing", None and 0),
        ("STRIPE_SECRET_KEY", stripe(), "stripe-secret-key"),
        ("SESSION_SECRET", None, None),
        ("TOKEN_TTL", '"3600"', None),
        ("DB_PASSWORD_FILE", "/run/secrets/db-password", None),
        ("SECRET_NAME", "billing-credentials", None),
    ])
    deployment(c, "apps/notifier/deployment.yaml", "notifier", [
        ("SLACK_BOT_TOKEN", xoxb(), "slack-bot-token"),
        ("SENDGRID_API_KEY", sendgrid(), "sendgrid-api-key"),
        ("SMTP_PASSWORD", password(16), "kubernetes-env-secret"),
        ("WEBHOOK_TOKEN", '"${WEBHOOK_TOKEN}"', None),
        ("TWILIO_AUTH_TOKEN", hex32(), "kubernetes-env-secret"),
        ("API_TOKEN", "$(API_TOKEN)", None),
    ])
    deployment(c, "apps/search/deployment.yaml", "search", [
        ("OPENAI_API_KEY", openai(), "openai-api-key"),
        ("ANTHROPIC_API_KEY", anthropic(), "anthropic-api-key"),
        ("REDIS_PASSWORD", None, None),
        ("ELASTIC_PASSWORD", '"changeme"', None),
        ("CACHE_SECRET", "<set-in-vault>", None),
    ])
    # a Secret committed in plain text, next to a ConfigMap
    c.file("apps/billing/secret.yaml", ["""apiVersion: v1
kind: ConfigMap
metadata:
  name: billing-config
data:
  mode: production
  region: eu-west-1
---
apiVersion: v1
kind: Secret
metadata:
  name: billing-credentials
  namespace: billing
type: Opaque
data:""",
        ("  db-password: %s" % b64(password(18)), "kubernetes-secret"),
        ("  api-key: %s" % b64(rnd(ALNUM, 32)), "kubernetes-secret"),
        "  placeholder: %s" % b64("changeme"),
        "stringData:",
        ("  smtp-password: \"%s\"" % password(14), "kubernetes-secret"),
        ("  database-url: postgres://billing:%s@pg.billing.svc:5432/billing" % password(16), "database-url-password"),
    ])
    c.file("charts/web/templates/secret.yaml", ["""apiVersion: v1
kind: Secret
metadata:
  name: {{ include "web.fullname" . }}
type: Opaque
data:
  password: {{ .Values.auth.password | b64enc | quote }}
  token: {{ required "token" .Values.auth.token | b64enc }}
stringData:
  url: "{{ .Values.auth.url }}"
"""])
    c.file("clusters/prod/sealed-db.yaml", ["""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db-credentials
  namespace: billing
spec:
  encryptedData:
    password: Ag%s
    api-token: Ag%s
  template:
    metadata:
      name: db-credentials
    type: Opaque""" % (rnd(B64, 340), rnd(B64, 340))])
    c.file("clusters/prod/external-secret.yaml", ["""apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: api-credentials
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: vault
    kind: ClusterSecretStore
  target:
    name: api-credentials
  data:
    - secretKey: api-token
      remoteRef:
        key: prod/api
        property: token
    - secretKey: db-password
      remoteRef:
        key: prod/db
        property: password"""])
    c.file("clusters/prod/argocd-app.yaml", ["""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform
spec:
  source:
    repoURL: https://github.com/acme/platform.git
    targetRevision: %s
    path: clusters/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: platform""" % hex40()])
    # kubeconfig with a client key and a token
    c.file("ops/kubeconfig-admin.yaml", ["""apiVersion: v1
kind: Config
clusters:
- name: studio
  cluster:
    server: https://10.0.0.10:6443
    certificate-authority-data: %s
contexts:
- name: studio-admin
  context:
    cluster: studio
    user: admin
current-context: studio-admin
users:
- name: admin
  user:
    client-certificate-data: %s""" % (b64("-----BEGIN CERTIFICATE-----\n" + rnd(B64, 120)), b64("-----BEGIN CERTIFICATE-----\n" + rnd(B64, 120))),
        ("    client-key-data: %s" % b64("-----BEGIN RSA PRIVATE KEY-----\n" + rnd(B64, 200)), "kubeconfig-client-key"),
        "- name: ci",
        "  user:",
        ("    token: %s" % rnd(ALNUM, 48), "kubeconfig-credential"),
        "- name: sa",
        "  user:",
        ("    token: %s" % jwt(), "jwt"),
        "- name: oidc",
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      command: kubectl",
        "      args: [oidc-login, get-token, --oidc-issuer-url=https://sso.acme.dev]",
    ])
    c.file("clusters/monitoring/alertmanager.yaml", ["""global:
  resolve_timeout: 5m""",
        ("  slack_api_url: %s" % slack_hook(), "slack-webhook-url"),
        """route:
  receiver: slack
  routes:
    - matchers: [severity="critical"]
      receiver: pagerduty
receivers:
  - name: slack
    slack_configs:
      - channel: '#alerts'
        api_url_file: /etc/alertmanager/secrets/slack-url
  - name: pagerduty
    pagerduty_configs:""",
        ("      - routing_key: %s" % hex32(), "pagerduty-key"),
        "  - name: pagerduty-file",
        "    pagerduty_configs:",
        "      - routing_key_file: /etc/alertmanager/secrets/pd",
    ])


# ------------------------------------------------------------ Terraform

def terraform(c):
    c.file("infra/linode/main.tf", ["""terraform {
  required_providers {
    linode = {
      source  = "linode/linode"
      version = "~> 2.5"
    }
  }
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "linode/terraform.tfstate"
  }
}

provider "linode" {
  token = var.linode_token
}

resource "linode_instance" "web" {
  label     = "web-1"
  image     = "linode/debian12"
  region    = "eu-central"
  type      = "g6-standard-2"
  root_pass = random_password.root.result
  authorized_keys = [chomp(file("~/.ssh/id_ed25519.pub"))]
}

resource "random_password" "root" {
  length  = 32
  special = true
}

resource "linode_database_postgresql" "db" {
  label          = "app-db"
  engine_id      = "postgresql/16"
  allow_list     = [linode_instance.web.ip_address]
}

output "db_password" {
  value     = linode_database_postgresql.db.root_password
  sensitive = true
}"""])
    c.file("infra/linode/terraform.tfvars", ["""region = "eu-central"
instance_type = "g6-standard-2\"""",
        ("linode_token = \"%s\"" % hex64(), "linode-token"),
        ("db_password = \"%s\"" % password(18), "tfvars-credential"),
        "admin_email = \"ops@acme.dev\"",
        "ssh_key_name = \"deploy\""])
    c.file("infra/hetzner/prod.auto.tfvars", [
        ("hcloud_token = \"%s\"" % hcloud(), "hetzner-token"),
        "location = \"fsn1\"",
        ("cloudflare_api_token = \"%s\"" % cf_token(), "cloudflare-api-token"),
        "zone_id = \"%s\"" % rnd(HEX, 32)])
    c.file("infra/hetzner/example.tfvars", ["""# Copy to prod.auto.tfvars and fill in.
hcloud_token = "<your-hcloud-token>"
cloudflare_api_token = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
db_password = "changeme"
location = "fsn1\""""])
    c.file("infra/aws/main.tf", ["""provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_instance" "app" {
  identifier        = "app"
  engine            = "postgres"
  instance_class    = "db.t4g.small"
  username          = "app"
  password          = var.db_password
  allocated_storage = 20
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

data "vault_generic_secret" "stripe" {
  path = "secret/prod/stripe"
}

locals {
  stripe_key = data.vault_generic_secret.stripe.data["secret_key"]
  api_token  = "${var.api_token}"
  subscription_id = "%s"
}""" % "-".join([rnd(HEX, 8), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 12)])])
    c.file("infra/aws/ci-user.tf", ["""# Legacy: keys for the old CI (to be removed)
resource "local_file" "ci_credentials" {
  filename = "${path.module}/ci.credentials"
  content  = <<-EOT
    [default]""",
        ("    aws_access_key_id = %s" % aws_id(), "aws-access-key-id"),
        ("    aws_secret_access_key = %s" % aws_secret(), "aws-secret-access-key"),
        """  EOT
}"""])
    tf_state(c, "infra/linode/terraform.tfstate")
    tf_state(c, "infra/legacy/terraform.tfstate.backup")


def tf_state(c, path):
    c.file(path, [("{", "terraform-state"),
        """  "version": 4,
  "terraform_version": "1.7.5",
  "serial": 42,
  "lineage": "%s",
  "outputs": {
    "db_password": {""" % "-".join([rnd(HEX, 8), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 12)]),
        ("      \"value\": \"%s\"," % password(24), "terraform-state-secret"),
        """      "type": "string",
      "sensitive": true
    }
  },
  "resources": [
    {
      "mode": "managed",
      "type": "linode_instance",
      "name": "web",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "%s",
            "label": "web-1",""" % rnd("0123456789", 8),
        ("            \"root_pass\": \"%s\"," % password(32), "terraform-state-secret"),
        ("            \"api_token\": \"%s\"," % hex64(), "terraform-state-secret"),
        """            "image": "linode/debian12",
            "ipv4": ["192.0.2.10"]
          },
          "sensitive_attributes": [[{"type": "get_attr", "value": "root_pass"}]]
        }
      ]
    }
  ]
}"""])


# ------------------------------------------------------ dotenv, compose

def dotenv(c):
    c.file("services/api/.env", ["""# local overrides
APP_ENV=production
PORT=8080""",
        ("DB_PASSWORD=%s" % password(16), "dotenv-credential"),
        ("STRIPE_SECRET_KEY=%s" % stripe(), "stripe-secret-key"),
        ("GITHUB_TOKEN=%s" % gh("ghp_"), "github-pat"),
        ("MAILGUN_API_KEY=%s" % mailgun(), "mailgun-api-key"),
        ("DATABASE_URL=postgres://api:%s@db:5432/api" % password(14), "database-url-password"),
        ("DD_API_KEY=%s" % hex32(), "datadog-api-key"),
        ("DD_APP_KEY=%s" % hex40(), "datadog-app-key"),
        "LOG_LEVEL=debug",
        "JWT_SECRET_FILE=/run/secrets/jwt"])
    c.file("services/api/.env.example", ["""APP_ENV=development
DB_PASSWORD=changeme
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
GITHUB_TOKEN=<your-github-token>
DATABASE_URL=postgres://api:password@localhost:5432/api
SESSION_SECRET=your-session-secret"""])
    c.file("services/api/secrets.env", [
        ("TWILIO_API_KEY=%s" % twilio_sk(), "twilio-api-key"),
        ("TWILIO_AUTH_TOKEN=%s" % hex32(), "twilio-auth-token"),
        ("HCLOUD_TOKEN=%s" % hcloud(), "hetzner-token"),
        ("PAGERDUTY_TOKEN=%s" % pd_token(), "pagerduty-key")])
    c.file("deploy/docker-compose.yml", ["""services:
  db:
    image: postgres:16@sha256:%s
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}
  api:
    image: ghcr.io/acme/api:1.4.2
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app""" % hex64(),
        ("      REDIS_URL: redis://default:%s@cache:6379/0" % password(20), "database-url-password"),
        ("      SENTRY_AUTH_TOKEN: %s" % rnd(HEX, 64), "generic-credential"),
        """  cache:
    image: redis:7
    command: ["redis-server", "--requirepass", "$REDIS_PASSWORD"]"""])
    c.file("services/worker/sops.env", ["DB_PASSWORD=ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (rnd(B64, 24), rnd(B64, 22), rnd(B64, 22)),
        "API_TOKEN=ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (rnd(B64, 52), rnd(B64, 22), rnd(B64, 22)),
        "sops_age__list_0__map_recipient=age1%s" % rnd("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58),
        "sops_mac=ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]" % (rnd(B64, 88), rnd(B64, 22), rnd(B64, 22)),
        "sops_version=3.8.1"])
    c.file("clusters/prod/db-secret.sops.yaml", ["""apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  password: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]
  token: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]
sops:
  age:
    - recipient: age1%s
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        %s
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2024-05-01T10:00:00Z"
  mac: ENC[AES256_GCM,data:%s,iv:%s,tag:%s,type:str]
  version: 3.8.1""" % (rnd(B64, 24), rnd(B64, 22), rnd(B64, 22), rnd(B64, 40), rnd(B64, 22), rnd(B64, 22),
                      rnd("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58), rnd(B64, 64), rnd(B64, 88), rnd(B64, 22), rnd(B64, 22))])


# ------------------------------------------------- CI, package managers

def ci(c):
    sha = hex40()
    c.file(".github/workflows/release.yml", ["""name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@%s # v4.1.1
      - uses: actions/setup-node@%s
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
      - run: twine upload dist/*
        env:
          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}
          TWINE_USERNAME: __token__""" % (sha, hex40())])
    c.file(".github/workflows/deploy.yml", ["""name: deploy
on: [workflow_dispatch]
env:
  REGISTRY: ghcr.io
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: login
        run: echo "$CR_PAT" | docker login ghcr.io -u acme-bot --password-stdin
        env:""",
        ("          CR_PAT: %s" % gh("ghp_"), "github-pat"),
        ("          DOCKERHUB_TOKEN: %s" % dckr(), "dockerhub-pat"),
        """      - name: kubeconfig
        run: |
          kubectl --token="${{ secrets.KUBE_TOKEN }}" apply -f clusters/prod""",
        ("          curl -H \"Authorization: Bearer %s\" https://api.github.com/user" % gh("gho_"), "github-oauth-token"),
        ("          export VAULT_TOKEN=%s" % hvs(), "vault-service-token")])
    c.file(".gitlab-ci.yml", ["""stages: [build, deploy]
variables:
  DOCKER_DRIVER: overlay2
  GIT_DEPTH: "10"
build:
  stage: build
  script:
    - docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .""",
        ("    - git clone https://oauth2:%s@gitlab.com/acme/charts.git" % glpat(), "gitlab-pat"),
        """deploy:
  stage: deploy
  script:""",
        ("    - gitlab-runner register --token %s" % glrt(), "gitlab-runner-token"),
        "    - helm upgrade app charts/app --set image.tag=$CI_COMMIT_SHORT_SHA"])
    c.file("web/.npmrc", ["registry=https://registry.npmjs.org/",
        ("//registry.npmjs.org/:_authToken=%s" % npm(), "npm-access-token"),
        "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}"])
    c.file("tools/.pypirc", ["""[distutils]
index-servers = pypi
[pypi]
username = __token__""", ("password = %s" % pypi(), "pypi-upload-token")])
    c.file("tools/.terraformrc", ['credentials "app.terraform.io" {',
        ("  token = \"%s\"" % atlas(), "terraform-cloud-token"), "}"])
    c.file("web/package-lock.json", ["""{
  "name": "web",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/token-bucket": {
      "version": "2.1.0",
      "resolved": "https://registry.npmjs.org/token-bucket/-/token-bucket-2.1.0.tgz",
      "integrity": "sha512-%s"
    },
    "node_modules/secret-handshake": {
      "version": "1.1.21",
      "integrity": "sha512-%s"
    }
  }
}""" % (rnd(B64, 86) + "==", rnd(B64, 86) + "==")])
    c.file("svc/go.sum", ["github.com/golang-jwt/jwt/v5 v5.2.1 h1:%s=" % rnd(B64, 43),
        "github.com/hashicorp/vault/api v1.12.0 h1:%s=" % rnd(B64, 43),
        "golang.org/x/oauth2 v0.18.0/go.mod h1:%s=" % rnd(B64, 43)])
    c.file("svc/Cargo.lock", ["""[[package]]
name = "secrecy"
version = "0.8.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "%s"

[[package]]
name = "token-source"
version = "0.3.1"
checksum = "%s\"""" % (hex64(), hex64())])


# ----------------------------------------------------- docs and configs

def docs(c):
    c.file("README.md", ["""# platform

Configure the AWS CLI (the keys below are AWS's documentation examples):

```
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
```

Set your tokens:

```sh
export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
export STRIPE_SECRET_KEY=sk_live_<your-key>
export OPENAI_API_KEY=sk-proj-...
export DATABASE_URL=postgres://user:password@localhost:5432/app
export SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
```

The deployed image is pinned by digest
`ghcr.io/acme/api@sha256:%s` at commit %s.

![architecture](data:image/png;base64,%s)

Request ids look like `%s`.
""" % (hex64(), hex40(), rnd(B64, 400), "-".join([rnd(HEX, 8), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 12)]))])
    c.file("docs/runbooks/rotate-keys.md", ["""# Rotating keys

1. Create the new token in the provider console.
2. Store it: `vault kv put secret/prod/api token=<new-token>`
3. Update the Kubernetes secret:

   ```yaml
   apiVersion: v1
   kind: Secret
   metadata:
     name: api
   stringData:
     token: "<paste-token-here>"
     password: "${API_PASSWORD}"
   ```

4. A private key looks like this (never commit one):

   ```
   -----BEGIN RSA PRIVATE KEY-----
   ...
   -----END RSA PRIVATE KEY-----
   ```
""",
        ("Leaked during the incident of March (revoked, kept for the timeline): %s" % xoxp(), "slack-user-token")])
    c.file("apps/search/config/app.json", ["{", '  "service": "search",',
        ("  \"openai_fallback_key\": \"%s\"," % openai_legacy(), "openai-api-key"),
        ("  \"google_maps_key\": \"%s\"," % gcp_api(), "gcp-api-key"),
        ("  \"storage\": \"DefaultEndpointsProtocol=https;AccountName=acmesearch;AccountKey=%s;EndpointSuffix=core.windows.net\"," % azure_key(), "azure-storage-account-key"),
        ("  \"azure_client_secret\": \"%s\"," % azure_client_secret(), "azure-ad-client-secret"),
        '  "request_timeout_ms": 3000', "}"])
    c.file("infra/azure/storage.tf", ['resource "azurerm_storage_account" "logs" {', '  name = "acmelogs"', "}", "",
        ("# storage_account_key = \"%s\"" % azure_key(), "azure-storage-key")])
    c.file("apps/shop/config/shopify.yaml", ["shop: acme-store.myshopify.com",
        ("admin_api_access_token: %s" % shopify(), "shopify-token"),
        ("webhook_shared_secret: %s" % shopify("shpss_"), "shopify-token"),
        "api_version: 2024-04"])
    c.file("apps/shop/config/slack.yaml", [
        ("app_token: %s" % xapp(), "slack-app-token"),
        ("bot_token: %s" % xoxb(), "slack-bot-token"),
        "signing_secret_ref: slack/signing"])
    c.file("ops/github-app.yaml", [
        ("installation_token: %s" % gh("ghs_"), "github-app-token"),
        ("user_token: %s" % gh("ghu_"), "github-user-token"),
        ("refresh_token: %s" % ("ghr_" + rnd(ALNUM, 76)), "github-refresh-token"),
        ("ci_token: %s" % gh_fine(), "github-fine-grained-pat")])
    c.file("ops/providers.yaml", [
        ("digitalocean_token: %s" % dop(), "digitalocean-token"),
        ("cloudflare_origin_ca_key: %s" % cf_origin(), "cloudflare-origin-ca-key"),
        ("cloudflare_api_key: %s" % rnd(HEX, 37), "cloudflare-global-api-key"),
        ("vault_batch_token: %s" % hvb(), "vault-batch-token"),
        ("stripe_restricted: %s" % stripe("rk_live_"), "stripe-restricted-key"),
        ("twilio_url: https://AC%s:%s@api.twilio.com/2010-04-01" % (hex32(), hex32()), "twilio-auth-token"),
        ("mongo: mongodb+srv://reporting:%s@cluster0.abcde.mongodb.net/reports" % password(18), "database-url-password"),
        ("admin_password: %s" % password(22), "generic-credential"),
        "existingSecret: reporting-db-credentials",
        "secretName: reporting-tls",
        "tokenTTL: 24h",
        "password_min_length: 16"])
    c.file("charts/app/values.yaml", ["""replicaCount: 2
image:
  repository: ghcr.io/acme/app
  tag: "1.4.2"
  digest: sha256:%s
auth:
  existingSecret: app-credentials
  password: ""
  token: "{{ .Values.global.token }}"
postgresql:
  auth:
    username: app
    password: changeme
    existingSecret: ""
redis:
  password: ${REDIS_PASSWORD}
serviceAccount:
  create: true
  token: false
podAnnotations:
  checksum/secret: %s""" % (hex64(), hex64())])
    c.file("keys/gcp-deployer.json", ["{", '  "type": "service_account",', '  "project_id": "acme-prod",',
        '  "private_key_id": "%s",' % hex40(),
        ('  "private_key": "-----BEGIN PRIVATE KEY-----\\n%s\\n%s\\n-----END PRIVATE KEY-----\\n",' % ("MIIEv" + rnd(B64, 59), rnd(B64, 64)), "gcp-service-account-key"),
        '  "client_email": "deployer@acme-prod.iam.gserviceaccount.com",',
        '  "client_id": "%s"' % rnd("0123456789", 21), "}"])
    for kind, rule in (("RSA ", "private-key"), ("EC ", "private-key"), ("OPENSSH ", "private-key"), ("", "private-key")):
        body = pem_body()
        name = (kind.strip().lower() or "pkcs8")
        c.file("keys/%s.key" % name, ["-----BEGIN %sPRIVATE KEY-----" % kind, (body[0], rule)] + body[1:] +
               ["-----END %sPRIVATE KEY-----" % kind])
    c.file("keys/release.asc", [("-----BEGIN PGP PRIVATE KEY BLOCK-----", "pgp-private-key"), "",
        rnd(B64, 64), rnd(B64, 64), "=" + rnd(B64, 4), "-----END PGP PRIVATE KEY BLOCK-----"])
    c.file("keys/release.pub.asc", ["-----BEGIN PGP PUBLIC KEY BLOCK-----", "", rnd(B64, 64), rnd(B64, 64),
        "-----END PGP PUBLIC KEY BLOCK-----"])
    c.file("scripts/bootstrap.sh", ["#!/usr/bin/env bash", "set -euo pipefail",
        ': "${HCLOUD_TOKEN:?export HCLOUD_TOKEN first}"',
        'DB_PASSWORD="$(openssl rand -base64 24)"',
        'kubectl create secret generic db --from-literal=password="$DB_PASSWORD"',
        ("export LINODE_TOKEN=%s" % hex64(), "linode-token"),
        'curl -s -H "Authorization: Bearer $LINODE_TOKEN" https://api.linode.com/v4/profile',
        ("export SENDGRID=%s" % sendgrid(), "sendgrid-api-key"),
        ("export AWS_ACCESS_KEY_ID=%s" % aws_id(), "aws-access-key-id"),
        "git checkout %s" % hex40(),
        'echo "done"'])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    if os.path.isdir(out):
        shutil.rmtree(out)
    c = Corpus(out)
    k8s(c)
    terraform(c)
    dotenv(c)
    ci(c)
    docs(c)
    c.labels.sort(key=lambda l: (l["path"], l["line"], l["rule"]))
    labels = os.path.join(os.path.dirname(out), "labels.json") if len(sys.argv) <= 1 else os.path.join(out, "labels.json")
    with open(labels, "w") as f:
        json.dump(c.labels, f, indent=1)
        f.write("\n")
    rules = sorted({l["rule"] for l in c.labels})
    print("%d files, %d secrets, %d rules" % (c.files, len(c.labels), len(rules)))


if __name__ == "__main__":
    main()
