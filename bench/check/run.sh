#!/usr/bin/env bash
# Benchmark of `opsc check` (the front end: parse, lower, sema).
#
#   bench/check/run.sh [BUILD_DIR]
#
# 1. examples/homelab (target: under 5 ms wall)
# 2. generated policies of 100, 1,000 and 10,000 environments with 20 roles
#    and 20 alerts each (about 10k, 100k and 1M lines): wall time and peak
#    memory, to show the cost grows linearly (target at 100k lines: under
#    300 ms and under 200 MB).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
opsc="$PWD/$build/opsc"
out=bench/out
mkdir -p "$out"

peak() { # command... -> "seconds maxrss_kb"
  /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -1
}

echo "== opsc check examples/homelab"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 200 "$opsc check -q examples/homelab/policies" 2>/dev/null | grep -E 'Time|Range'
else
  peak "$opsc" check -q examples/homelab/policies
fi

printf '\n== generated policies\n%8s %10s %10s %12s %10s\n' envs lines bytes "wall (s)" "peak (MB)"
for envs in 100 1000 10000; do
  f="$out/policy-$envs.ops"
  [ -f "$f" ] || python3 bench/gen_policy.py "$envs" "$f"
  "$opsc" check -q "$f" >/dev/null 2>&1 || { echo "opsc check failed on $f"; "$opsc" check "$f" 2>&1 | head; exit 1; }
  best=""
  for _ in 1 2 3; do
    r=$(peak "$opsc" check -q "$f")
    t=${r% *}
    if [ -z "$best" ] || awk "BEGIN{exit !($t < ${best% *})}"; then best=$r; fi
  done
  printf '%8d %10d %10d %12s %10d\n' "$envs" "$(wc -l <"$f")" "$(wc -c <"$f")" "${best% *}" "$(( ${best#* } / 1024 ))"
done
