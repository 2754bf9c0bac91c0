#!/usr/bin/env bash
# Benchmarks of `opsc build` (figures go to bench/README.md):
#   1. examples/homelab: a build whose output is current (the usual case),
#      and a build from scratch;
#   2. a generated policy of 1,000 environments (bench/gen_policy.py):
#      from scratch, and after a change to every environment's quota;
#   3. the same workload in Jsonnet (Debian's jsonnet, the C++ one), side by
#      side with opsc on JSONNET_ENVS environments (default 20: Debian's
#      jsonnet needs seconds per environment, 1,000 would take an hour).
# Needs hyperfine and jsonnet (apt-get install hyperfine jsonnet).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
opsc=$top/build/opsc
envs=${ENVS:-1000}
jenvs=${JSONNET_ENVS:-20}
work=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo /tmp)")
trap 'rm -rf "$work"' EXIT
ninja -C "$top/build" opsc >/dev/null

echo "== homelab"
mkdir -p "$work/homelab" && git init -q "$work/homelab" && cp -r "$top/examples/homelab/policies" "$work/homelab/"
cd "$work/homelab"
"$opsc" build -q
hyperfine -N --warmup 5 --runs 50 "$opsc build -q" "$opsc check -q policies"
hyperfine -N --warmup 3 --runs 30 --prepare "rm -rf $work/homelab/clusters" "$opsc build -q"

echo "== $envs environments"
mkdir -p "$work/big/policies" && git init -q "$work/big"
python3 "$top/bench/gen_policy.py" "$envs" "$work/big/policies/big.ops"
cd "$work/big"
echo "lines: $(wc -l < policies/big.ops)"
/usr/bin/time -f "from scratch: %e s, %M KB peak" "$opsc" build -q
echo "files: $(find clusters -type f | wc -l)"
/usr/bin/time -f "nothing changed: %e s, %M KB peak" "$opsc" build -q
sed -i 's/pods = 100/pods = 120/' policies/big.ops
/usr/bin/time -f "every quota changed: %e s, %M KB peak" "$opsc" build

echo "== Jsonnet vs opsc, $jenvs environments"
mkdir -p "$work/j/policies" "$work/j/out" && git init -q "$work/j"
python3 "$top/bench/gen_policy.py" "$jenvs" "$work/j/policies/w.ops"
python3 "$top/bench/build/gen_jsonnet.py" "$jenvs" "$work/j/w.jsonnet"
cd "$work/j"
hyperfine -N --runs 3 \
  --prepare "sh -c 'rm -rf $work/j/clusters $work/j/out && mkdir -p $work/j/out'" \
  "$opsc build -q" "jsonnet -S -m $work/j/out $work/j/w.jsonnet"
