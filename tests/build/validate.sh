#!/usr/bin/env bash
# Every file `opsc build` writes for both examples passes the upstream
# schemas, promtool and amtool (../shared/tools/validate-manifests). Skipped
# (exit 77) where that tool is not installed.
set -uo pipefail
opsc=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
validator=${OPSC_VALIDATE_MANIFESTS:-$top/../shared/tools/validate-manifests}
if [ ! -x "$validator" ]; then
  echo "skipped: $validator not found"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for ex in homelab saas; do
  mkdir -p "$work/$ex" && git init -q "$work/$ex" && cp -r "$top/examples/$ex/policies" "$work/$ex/"
  (cd "$work/$ex" && NO_COLOR=1 "$opsc" build -q) || { echo "FAIL build $ex"; fail=1; continue; }
  if out=$("$validator" "$work/$ex/clusters" 2>&1); then
    echo "ok   $ex: $(tail -1 <<<"$out")"
  else
    echo "FAIL $ex:"; printf '%s\n' "$out" | grep -v ': skipped' | head -40; fail=1
  fi
done
exit $fail
