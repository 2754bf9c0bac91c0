#!/usr/bin/env bash
# The built-in workload policies (policies/workloads.ops) on a small
# repository of every pod kind: a Deployment that breaks most rules, a
# CronJob running as root with an untagged image and an added capability,
# a DaemonSet pinned by digest whose hostPath is suppressed inline with a
# reason, a HelmRelease whose values use `latest`, and a StatefulSet that
# breaks none. The exact findings, file:line:col and rule id, are in
# expected.txt.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
cp -r "$here/repo" "$work/repo"
cd "$work/repo" && git init -q && git add -A
out=$("$opsc" lint --only policy . 2>&1); rc=$?
if [ "$out" = "$(cat "$here/expected.txt")" ]; then ok "the findings"
else bad "the findings" "$(diff "$here/expected.txt" <(printf '%s\n' "$out"))"; fi
[ "$rc" = 1 ] && ok "exit 1" || bad "exit $rc, want 1"
printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
