#!/usr/bin/env bash
# The built-in workload policies (policies/workloads.ops) on a small
# repository of every pod kind: a Deployment that breaks most rules, a
# CronJob running as root with an untagged image and an added capability,
# a DaemonSet pinned by digest whose hostPath is suppressed inline with a
# reason, a HelmRelease whose values use `latest`, two whose values leave
# the tag and the securityContext to the chart (no finding) or set them
# badly (found), and a StatefulSet that breaks none; namespaces that
# declare a Pod Security level (payments: baseline, with a ResourceQuota
# its Deployment's requests exceed; nodes: privileged; locked: restricted, with digest pinning asked for). The
# exact findings, file:line:col and rule id, are in expected.txt.
#
# Then a change: the payments Deployment scaled and a Deployment added
# there (change/worker.yaml, running as root, which the baseline level
# allows, with a hostPath and `latest`, which it does not), linted with
# --staged (expected-staged.txt: every finding in the changed files) and
# --base (expected-base.txt: the added lines). With --base only the
# changed workloads and the manifests naming their namespace are parsed;
# the namespace's level must still silence the root rule. The quota the
# namespace was already over is the change's finding at the lines that
# raise the sum: the api's new replica count and the worker's request.
#
# On the way, --write-baseline and --baseline on the first findings: the
# reason, owner and expiry of an entry, filled in by hand, round trip.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
cp -r "$here/repo" "$work/repo"
cd "$work/repo" && git init -q && git add -A
out=$("$opsc" lint --only policy . 2>&1); rc=$?
if [ "$out" = "$(cat "$here/expected.txt")" ]; then ok "the findings"
else bad "the findings" "$(diff "$here/expected.txt" <(printf '%s\n' "$out"))"; fi
[ "$rc" = 1 ] && ok "exit 1" || bad "exit $rc, want 1"

# --write-baseline: every entry with an empty reason, owner and expires to
# fill in; one filled in with a past date is reported, one with a future
# date is not; written again, the filled-in entries keep their fields.
bl=.opsc-baseline.json empty='"reason": "", "owner": "", "expires": ""'
"$opsc" lint --only policy --write-baseline $bl . 2>/dev/null; rc=$?
[ "$rc" = 0 ] && [ "$(grep -c "$empty" $bl)" = "$(grep -c ': \(error\|warning\)\[' "$here/expected.txt")" ] &&
  grep -q '^ "note": "Each entry may say why' $bl && ok "--write-baseline: placeholders and a note" ||
  bad "--write-baseline: placeholders and a note" "$(head -c 600 $bl)"
sed -i '/"workload-privileged", "path": "apps\/deploy.yaml"/s/'"$empty"'/"reason": "moved off the host in Q1", "owner": "@shop\/platform", "expires": "2020-01-31"/
  /"workload-host-path", "path": "apps\/deploy.yaml"/s/'"$empty"'/"reason": "log shipping", "owner": "@shop\/platform", "expires": "2999-12-31"/' $bl
out=$("$opsc" lint --only policy --baseline $bl . 2>&1); rc=$?
want=".opsc-baseline.json:$(grep -n '"workload-privileged", "path": "apps/deploy.yaml"' $bl | cut -d: -f1):1: error[baseline-expired]: the baseline entry for workload-privileged in apps/deploy.yaml expired on 2020-01-31 (owner: @shop/platform; reason: moved off the host in Q1)
$(grep ': note: ' "$here/expected.txt")
opsc lint: 1 finding (1 error) in 11 files; 42 known findings in the baseline"
[ "$out" = "$want" ] && [ "$rc" = 1 ] && ok "--baseline: the expired entry, at its line" ||
  bad "--baseline: the expired entry, at its line (exit $rc)" "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$out"))"
"$opsc" lint --only policy --write-baseline $bl . 2>/dev/null
grep -q '"reason": "moved off the host in Q1", "owner": "@shop/platform", "expires": "2020-01-31"' $bl &&
  grep -q '"expires": "2999-12-31"' $bl && ok "--write-baseline again keeps what was filled in" ||
  bad "--write-baseline again keeps what was filled in"
rm $bl

git -c user.name=t -c user.email=t@example.com commit -qm base && git tag base
sed -i 's/replicas: 3/replicas: 4/' payments/api.yaml
cp "$here/change/worker.yaml" payments/ && git add -A
for mode in staged base; do
  flags=(--staged); [ "$mode" = base ] && flags=(--base base)
  out=$("$opsc" lint --only policy "${flags[@]}" 2>&1)
  if [ "$out" = "$(cat "$here/expected-$mode.txt")" ]; then ok "--$mode: the findings of the changed workloads"
  else bad "--$mode: the findings of the changed workloads" "$(diff "$here/expected-$mode.txt" <(printf '%s\n' "$out"))"; fi
done
printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
