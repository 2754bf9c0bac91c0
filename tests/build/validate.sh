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
# the shared schemas plus the kinds only opsc's tests need (tests/schemas)
schemas=$(dirname "$validator")/../schemas
cp -r "$schemas" "$work/schemas" && cp "$top"/tests/schemas/*.json "$work/schemas/kubernetes/"
python3 - "$work/schemas/index.json" <<'PY'
import json, sys
index = json.load(open(sys.argv[1]))
index["kinds"]["batch/v1/CronJob"] = "kubernetes/cronjob-batch-v1.json"
index["kinds"]["v1/ServiceAccount"] = "kubernetes/serviceaccount-v1.json"
json.dump(index, open(sys.argv[1], "w"), indent=1)
PY
for ex in homelab saas; do
  mkdir -p "$work/$ex" && git init -q "$work/$ex" && cp -r "$top/examples/$ex/policies" "$work/$ex/"
  (cd "$work/$ex" && NO_COLOR=1 "$opsc" build -q) || { echo "FAIL build $ex"; fail=1; continue; }
  if out=$("$validator" --schemas "$work/schemas" "$work/$ex/clusters" 2>&1); then
    echo "ok   $ex: $(tail -1 <<<"$out")"
  else
    echo "FAIL $ex:"; printf '%s\n' "$out" | grep -v ': skipped' | head -40; fail=1
  fi
done
exit $fail
