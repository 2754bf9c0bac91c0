#!/usr/bin/env bash
# Every file `opsc build` writes for both examples (and for tests/build/stores)
# passes the upstream schemas, with the ones of tests/schemas, promtool and
# amtool (../shared/tools/validate-manifests). Skipped (exit 77) where that
# tool is not installed.
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
# The shared schemas plus the ones tests/schemas adds (its README says whence).
schemas=${OPSC_SCHEMAS:-$(dirname "$validator")/../schemas}
cp -r "$schemas" "$work/schemas" && chmod -R u+w "$work/schemas" && cp -r "$top/tests/schemas/crds/." "$work/schemas/crds/"
python3 - "$work/schemas/index.json" "$top/tests/schemas/index.json" <<'PY' || { echo "FAIL merging schema indexes"; exit 1; }
import json, sys
shared, ours = (json.load(open(p)) for p in sys.argv[1:])
shared["kinds"].update(ours["kinds"])
shared["provenance"] += ours["provenance"]
json.dump(shared, open(sys.argv[1], "w"), indent=1)
PY
fail=0
# both examples, and tests/build/stores: a ClusterSecretStore of each provider
for src in examples/homelab examples/saas tests/build/stores; do
  ex=$(basename "$src")
  mkdir -p "$work/$ex" && git init -q "$work/$ex" && cp -r "$top/$src/policies" "$work/$ex/"
  (cd "$work/$ex" && NO_COLOR=1 "$opsc" build -q) || { echo "FAIL build $ex"; fail=1; continue; }
  if out=$("$validator" --schemas "$work/schemas" "$work/$ex/clusters" 2>&1); then
    echo "ok   $ex: $(tail -1 <<<"$out")"
  else
    echo "FAIL $ex:"; printf '%s\n' "$out" | grep -v ': skipped' | head -40; fail=1
  fi
done
exit $fail
