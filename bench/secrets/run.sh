#!/bin/sh
# Secret-scanning benchmark: opsc's scanner against ripgrep with the same
# pattern set, default engine (rg -f) and PCRE2 (rg -P -f), on a generated
# ~200 MB tree of ~25,000 infrastructure files. Run from the source root
# after `ninja -C build tests/scan_bench`. CPU time (user + sys) is printed
# beside wall time: on a shared machine it is the figure that compares.
# ripgrep with PCRE2 takes minutes on the full rule set: RG_PCRE=1 adds it.
#
#   bench/secrets/run.sh [BUILD_DIR]
set -eu
build=${1:-build}
out=bench/out
repo=$out/secrets-repo
bin=$build/tests/scan_bench
rules=policies/secrets.ops

[ -x "$bin" ] || { echo "build $bin first: ninja -C $build tests/scan_bench" >&2; exit 2; }
[ -d "$repo" ] || python3 bench/secrets/gen_repo.py "$repo"
python3 bench/secrets/export_patterns.py "$rules" "$out"

echo "== warm the page cache"
cat $(find "$repo" -type f) >/dev/null

echo "== one run each: throughput, findings, peak memory"
pcre=
[ "${RG_PCRE:-0}" = 1 ] && pcre="rg -j2 --no-ignore --hidden -c -P -f $out/patterns.pcre $repo"
for cmd in "$bin $rules $repo 2" \
	   "rg -j2 --no-ignore --hidden -c -f $out/patterns.rust $repo" \
	   ${pcre:+"$pcre"}; do
	echo "-- $cmd"
	/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys, peak RSS %M KiB" sh -c "$cmd > $out/last.txt" 2>&1 | tail -1
	case $cmd in
	$bin*) cat $out/last.txt ;;
	*) echo "files with matches: $(wc -l < $out/last.txt)" ;;
	esac
done

if command -v hyperfine >/dev/null; then
	echo "== hyperfine"
	hyperfine -N -w 1 -r 3 \
		-n opsc "$bin $rules $repo 2" \
		-n rg "rg -j2 --no-ignore --hidden -c -f $out/patterns.rust $repo" || true
fi
