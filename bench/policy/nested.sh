#!/usr/bin/env bash
# Policy evaluation with nested quantifiers over many environments: time and
# peak memory of `opsc lint --only policy` on a generated repository
# (tests/untrusted/gen_nested.sh) for each depth.
#
#   bench/policy/nested.sh OPSC [ENVS] [DEPTHS...]     (defaults: 300, 2 3 4)
set -euo pipefail
opsc=$(realpath "$1")
envs=${2:-300}
shift $(($# > 1 ? 2 : 1))
depths=${*:-2 3 4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for d in $depths; do
  "$here/../../tests/untrusted/gen_nested.sh" "$work/r$d" "$d" "$envs"
  (cd "$work/r$d" && /usr/bin/time -f "depth $d over $envs environments: %e s, %M KB peak, exit %x" \
    "$opsc" lint --only policy >/dev/null 2>"$work/err") || true
  tail -1 "$work/err"
  grep -o 'stopped after [0-9]* evaluation steps' "$work/err" || true
done
