#!/usr/bin/env bash
# fmt over every .ops file of the project (examples, stdlib, policies, test
# inputs without syntax errors): formatting twice changes nothing, and the
# shipped .ops files are already in the canonical layout.
set -euo pipefail
opsc=$(realpath "$1")
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
while IFS= read -r f; do
  NO_COLOR=1 "$opsc" check -q "$f" >/dev/null 2>&1 || [ "${f#tests/}" = "$f" ] || continue
  mkdir -p "$tmp/$(dirname "$f")"
  "$opsc" fmt - < "$f" > "$tmp/$f.1" 2>/dev/null || continue
  "$opsc" fmt - < "$tmp/$f.1" > "$tmp/$f.2"
  cmp -s "$tmp/$f.1" "$tmp/$f.2" || { echo "not idempotent: $f"; diff "$tmp/$f.1" "$tmp/$f.2" | head; exit 1; }
  n=$((n + 1))
done < <(find examples stdlib policies tests/diagnostics tests/fuzz/corpus -name '*.ops' | sort)
"$opsc" fmt --check examples stdlib policies || { echo "the files above are not formatted: run opsc fmt"; exit 1; }
echo "fmt: $n files idempotent; examples, stdlib and policies formatted"
