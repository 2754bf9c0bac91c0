#!/usr/bin/env bash
# `opsc lint --report readiness` on a repository that breaks checks of
# every kind: the .ops declare two environments without backups, network
# policies or production protection (declared state), a manifest grants
# every resource of every group and a Terraform state file is committed
# (actual state). The exact scorecard, text and markdown, is in
# expected.txt and expected.md (also what GITHUB_STEP_SUMMARY receives);
# the exit status is lint's.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
cp -r "$here/repo" "$work/repo"
cd "$work/repo" && git init -q && "$opsc" build -q && git add -A
out=$("$opsc" lint --report readiness 2>/dev/null); rc=$?
if [ "$out" = "$(cat "$here/expected.txt")" ]; then ok "text scorecard"
else bad "text scorecard" "$(diff "$here/expected.txt" <(printf '%s\n' "$out"))"; fi
[ "$rc" = 1 ] && ok "exit 1 (errors among the findings)" || bad "exit $rc, want 1"
out=$("$opsc" lint --report readiness --format markdown 2>/dev/null)
if [ "$out" = "$(cat "$here/expected.md")" ]; then ok "markdown scorecard"
else bad "markdown scorecard" "$(diff "$here/expected.md" <(printf '%s\n' "$out"))"; fi
GITHUB_STEP_SUMMARY=$work/summary.md "$opsc" lint --report readiness >/dev/null 2>&1
[ "$(cat "$work/summary.md")" = "$(cat "$here/expected.md")" ] && ok "the job summary is the markdown scorecard" \
	|| bad "the job summary is the markdown scorecard"
"$opsc" lint --format markdown >/dev/null 2>&1; [ $? = 2 ] && ok "markdown without --report is a usage error" \
	|| bad "markdown without --report is a usage error"
printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
