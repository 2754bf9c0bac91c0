#!/usr/bin/env bash
# The policies on a repository as Flux applies it (docs/integrations.md,
# "Kustomize and Flux"): a Namespace `_` renamed by `namespace:`, a base
# with a generated ConfigMap under an overlay with namePrefix, a patch file
# (strategic merge), an inline JSON 6902 patch, images and a Component; a
# Flux Kustomization with targetNamespace and postBuild substitution from
# `substitute`, a ConfigMap of the repository and a Secret that is not in
# it; a missing resource and a cycle; a tenant's Kustomization whose
# GitRepository is another repository (noted, not rendered in this tree's
# place) and a patch file holding a partial Kustomization (no object);
# Kubernetes' own kube-system namespace, of which no default-deny or backup
# is asked. The exact findings, each at the line
# the object is written with the kustomization that changed it as a note,
# are in expected.txt; the related locations in SARIF, JSON and GitHub
# annotations are checked on one finding.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
cp -r "$here/repo" "$work/repo"
cd "$work/repo" && git init -q && git add -A
out=$("$opsc" lint --only policy . 2>&1); rc=$?
if [ "$out" = "$(cat "$here/expected.txt")" ]; then ok "the findings"
else bad "the findings" "$(diff "$here/expected.txt" <(printf '%s\n' "$out"))"; fi
[ "$rc" = 1 ] && ok "exit 1" || bad "exit $rc, want 1"
case "$out" in *"namespace _"*) bad "the Namespace _ is judged as written" ;; *) ok "the Namespace _ is judged as renamed" ;; esac

sarif=$("$opsc" lint --only policy --format sarif . 2>/dev/null)
rel=$(printf '%s' "$sarif" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["runs"][0]["results"]:
    if r["ruleId"] == "workload-privileged":
        for l in r.get("relatedLocations", []):
            p = l["physicalLocation"]
            print(p["artifactLocation"]["uri"], p["region"]["startLine"], l["message"]["text"])')
want="apps/prod/kustomization.yaml 11 rendered by this kustomization (patch)"
[ "$rel" = "$want" ] && ok "sarif relatedLocations" || bad "sarif relatedLocations" "$rel"

json=$("$opsc" lint --only policy --format json . 2>/dev/null)
rel=$(printf '%s' "$json" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["rule"] == "workload-privileged":
        for l in f.get("related", []):
            print(l["path"], l["line"], l["message"])')
[ "$rel" = "$want" ] && ok "json related" || bad "json related" "$rel"

gh=$("$opsc" lint --only policy --format github . 2>/dev/null | grep 'title=workload-privileged')
case "$gh" in *"%0Anote: apps/prod/kustomization.yaml:11: rendered by this kustomization (patch)"*) ok "github annotation names the kustomization" ;;
*) bad "github annotation names the kustomization" "$gh" ;; esac
# a pull request changing only a kustomization: the objects it renders
# differently are the change's, though their own lines are not added
git -c user.name=t -c user.email=t@example.com commit -qm base && git branch -q base
sed -i 's/^namespace: system-upgrade$/namespace: upgrades/' infra/system-upgrade/kustomization.yaml
git -c user.name=t -c user.email=t@example.com commit -qam "rename the namespace"
out=$("$opsc" lint --only policy --base base . 2>/dev/null)
got=$(printf '%s\n' "$out" | grep -E '^[a-z].*: (error|warning)\[' | cut -d' ' -f1-2 | sort -u | tr '\n' ' ')
want="infra/system-upgrade/namespace.yaml:1:1: warning[backup-coverage]: infra/system-upgrade/namespace.yaml:1:1: warning[network-default-deny]: infra/system-upgrade/rbac.yaml:6:1: error[no-wildcard-rbac]: "
[ "$got" = "$want" ] && ok "--base: a kustomization change reports what it renders" || bad "--base: a kustomization change reports what it renders" "$got"
case "$out" in *"namespace upgrades (upgrades)"*) ok "--base: judged as renamed" ;; *) bad "--base: judged as renamed" "$out" ;; esac
printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
