#!/usr/bin/env bash
# bench/lint/repo10k.sh [OPSC] - `opsc lint` (secrets, drift and policy) on a
# generated repository of 10,000 manifests, and `opsc lint --base` on a
# change of 10 files of it (figures in bench/README.md): 10 Deployments
# scaled (and the same change with --staged), 10 Deployments added to a namespace the .ops manage (its
# Namespace, ResourceQuota and NetworkPolicy are among the generated
# files), and a change of the .ops with the generated files.
#
# The repository: policies/ from bench/gen_policy.py (ENVS environments,
# default 20: ~2k lines of .ops, three times the homelab's), the output of
# `opsc build` committed (~170 files at 20 environments, ~1,600 at 200), and
# hand-written application manifests (Deployments, Services, ConfigMaps) up
# to 10,000 YAML files, all committed. The applications are applied as a Flux
# repository is: a kustomization.yaml per team (namespace, commonLabels,
# an images entry, a patch), one above them for apps/, and a Flux
# Kustomization pointing at apps/ with postBuild substitution, so full lint
# renders every application manifest (actual_render.c).
set -euo pipefail
opsc=$(realpath "${1:-build/opsc}")
envs=${ENVS:-20}
total=${TOTAL:-10000}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 77; }
dir=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp)")
[ -n "${KEEP:-}" ] && echo "keeping $dir" >&2 || trap 'rm -rf "$dir"' EXIT
cd "$dir" && git init -q repo && cd repo
git config user.name bench && git config user.email bench@example.com
mkdir policies && python3 "$top/bench/gen_policy.py" "$envs" policies/big.ops
"$opsc" build -q
python3 - "$total" <<'PY'
import os, subprocess, sys
total = int(sys.argv[1])
have = int(subprocess.run("find clusters -name '*.yaml' | wc -l", shell=True, capture_output=True, text=True).stdout)
kinds = [
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  namespace: apps-{ns}\nspec:\n"
    "  replicas: 2\n  selector:\n    matchLabels: {{app: app{i}}}\n  template:\n    metadata:\n"
    "      labels: {{app: app{i}}}\n    spec:\n      containers:\n      - name: app\n"
    "        image: registry.example.com/app{i}:1.{i}\n        env:\n        - name: LOG_LEVEL\n"
    "          value: info\n        ports:\n        - containerPort: 8080\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\n  namespace: apps-{ns}\nspec:\n"
    "  selector: {{app: app{i}}}\n  ports:\n  - port: 80\n    targetPort: 8080\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app{i}\n  namespace: apps-{ns}\ndata:\n"
    "  url: https://app{i}.example.com\n  timeout: 30s\n",
]
teams = {}
kust = 42  # kustomization.yaml files, the Flux Kustomization and its patch
for i in range(total - have - kust):
    d = "apps/team%d/app%d" % (i % 40, i // 3)
    os.makedirs(d, exist_ok=True)
    name = "%s/%s.yaml" % (d, ["deploy", "service", "config"][i % 3])
    with open(name, "w") as f:
        f.write(kinds[i % 3].format(i=i, ns=i % 40))
    teams.setdefault(i % 40, []).append(name[len("apps/team%d/" % (i % 40)):])
for t, files in teams.items():
    with open("apps/team%d/kustomization.yaml" % t, "w") as f:
        f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                "namespace: apps-%d\ncommonLabels:\n  team: team%d\n"
                "images:\n  - name: registry.example.com/app%d\n    newTag: \"${TAG:=1.0}\"\n"
                "patches:\n  - path: ../replicas.yaml\n    target:\n      kind: Deployment\n"
                "resources:\n" % (t, t, t))
        f.write("".join("  - %s\n" % n for n in files))
with open("apps/replicas.yaml", "w") as f:
    f.write("- op: replace\n  path: /spec/replicas\n  value: 2\n")
with open("apps/kustomization.yaml", "w") as f:
    f.write("resources:\n" + "".join("  - team%d\n" % t for t in sorted(teams)))
os.makedirs("clusters/flux", exist_ok=True)
with open("clusters/flux/apps.yaml", "w") as f:
    f.write("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n"
            "  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n"
            "  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
            "  postBuild:\n    substitute:\n      TAG: \"1.1\"\n")
PY
git add -A && git commit -qm base && git tag base
# wall time, user and system time and peak memory of one run
timed() { /usr/bin/time -o "$dir/time" -f "$1: %e s wall, %U s user, %S s system, %M KB peak" "${@:2}" >/dev/null 2>&1 || true; cat "$dir/time"; }
echo "repository: $(git ls-files '*.yaml' | wc -l) YAML manifests, $(git ls-files | wc -l) files, $(wc -l < policies/big.ops) lines of .ops" >&2
"$opsc" lint | tail -3 || true
timed "full lint" "$opsc" lint
hyperfine -N -i --warmup 1 --runs 5 "$opsc lint"
# a pull request changing 10 application manifests (the usual case)
git checkout -q -b change
for f in $(git ls-files 'apps/*deploy.yaml' | head -10); do sed -i 's/replicas: 2/replicas: 3/' "$f"; done
# the same change staged, before it is committed: the index's blobs
git add -A
"$opsc" lint --staged | tail -3 || true
timed "--staged, 10 Deployments scaled" "$opsc" lint --staged
hyperfine -N -i --warmup 2 --runs 20 "$opsc lint --staged"
git commit -qam "scale 10 apps"
echo "change: $(git diff --name-only base | wc -l) files" >&2
"$opsc" lint --base base | tail -3 || true
timed "--base, 10 Deployments scaled" "$opsc" lint --base base
hyperfine -N -i --warmup 2 --runs 20 "$opsc lint --base base"
# a pull request adding 10 Deployments to a managed namespace: the quota
# and the Namespace's labels are read, the other namespaces are not
git checkout -q -b change-ns base
ns=$(sed -n 's/^  namespace = "\(.*\)"$/\1/p' policies/big.ops | sed -n 2p)
mkdir -p "apps/$ns"
for i in $(seq 10); do
  cat > "apps/$ns/web$i.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web$i, namespace: $ns}
spec:
  replicas: 2
  template:
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true}
      containers:
      - name: web
        image: registry.example.com/web:1.$i
        securityContext: {allowPrivilegeEscalation: false}
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
        livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
YAML
done
git add -A && git commit -qm "10 apps in $ns"
echo "change: $(git diff --name-only base | wc -l) files, namespace $ns" >&2
"$opsc" lint --base base | tail -3 || true
timed "--base, 10 Deployments added in $ns" "$opsc" lint --base base
hyperfine -N -i --warmup 2 --runs 20 "$opsc lint --base base"
# a pull request changing the .ops sources and the generated files with them
git checkout -q -b change-ops base
sed -i '0,/pods = 100/s//pods = 150/' policies/big.ops && "$opsc" build -q
git add -A && git commit -qm "raise a quota"
echo "change: $(git diff --name-only base | wc -l) files, .ops included" >&2
"$opsc" lint --base base | tail -3 || true
timed "--base, .ops change" "$opsc" lint --base base
hyperfine -N -i --warmup 1 --runs 5 "$opsc lint --base base"
