#!/bin/sh
# bench/lint/history.sh [OPSC] [COMMITS] - `opsc lint --only secrets --history`
# on a generated repository of COMMITS commits (default 10,000; see
# gen_history.py), timed with hyperfine; prints commits and distinct blobs
# per second and the peak memory (/usr/bin/time).
set -eu
opsc=$(realpath "${1:-build/opsc}")
commits=${2:-10000}
here=$(dirname "$(realpath "$0")")
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git init -q -b main "$dir/repo"
cd "$dir/repo"
python3 "$here/gen_history.py" "$commits" | git fast-import --quiet
git checkout -q main
ncommits=$(git rev-list --all --count)
echo "repository: $ncommits commits, $(git ls-files | wc -l) files at HEAD, .git $(du -sh .git | cut -f1)" >&2

lint="$opsc lint --only secrets --history --no-progress"
# exit 1: the planted secrets are findings
$lint >"$dir/findings.txt" 2>"$dir/summary.txt" || [ $? -eq 1 ]
grep -c '^  introduced in ' "$dir/findings.txt" | sed 's/$/ findings with their commit/' >&2
cat "$dir/summary.txt" >&2
blobs=$(sed -n 's/.* in \([0-9]*\) files*$/\1/p' "$dir/summary.txt")

hyperfine --warmup 2 --runs 10 -N -i --export-json "$dir/times.json" "$lint"
/usr/bin/time -f '%M' -o "$dir/rss" $lint >/dev/null 2>&1 || true
python3 - "$dir/times.json" "$ncommits" "$blobs" "$dir/rss" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))["results"][0]
commits, blobs = int(sys.argv[2]), int(sys.argv[3])
rss = int(open(sys.argv[4]).read().split()[-1]) / 1024
print("%d commits, %d distinct blobs: mean %.3f s (min %.3f s): %.0f commits/s, %.0f blobs/s; peak RSS %.1f MB"
      % (commits, blobs, t["mean"], t["min"], commits / t["mean"], blobs / t["mean"], rss))
EOF
