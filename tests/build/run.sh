#!/usr/bin/env bash
# `opsc build` end to end, in throw-away Git repositories:
#   goldens of both examples, determinism, idempotence, hand edits, files
#   opsc did not write, removals, --dry-run/--check, refusals (outside the
#   repository, symlinks), and a build killed at random moments.
#
#   run.sh OPSC            check
#   run.sh OPSC --update   rewrite tests/golden/* (review the diff!)
set -uo pipefail
opsc=$(realpath "$1")
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# tmpfs when there is one: thousands of small files, created and deleted
work=$(mktemp -d -p "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$work
fail=0 n=0

ok() { n=$((n + 1)); printf 'ok   %s\n' "$1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); printf 'FAIL %s\n' "$1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /'; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# repo NAME EXAMPLE: a fresh repository with the example's policies/.
repo() {
  local dir=$work/$1
  mkdir -p "$dir" && git init -q "$dir" && cp -r "$top/examples/$2/policies" "$dir/"
  echo "$dir"
}

# A listing of a tree: every path with its type and content hash.
snapshot() {
  (cd "$1" && {
    find . -path ./.git -prune -o -type d -printf '%p dir\n' -o -type l -printf '%p link %l\n'
    find . -path ./.git -prune -o -type f -print0 | xargs -0 -r sha256sum | awk '{ print $2, substr($1, 1, 16) }'
  } | LC_ALL=C sort)
}

# ------------------------------------------------------------------ goldens
for ex in homelab saas; do
  r=$(repo "golden-$ex" "$ex")
  out=$(cd "$r" && "$opsc" build 2>&1); rc=$?
  if [ "$update" = --update ]; then
    rm -rf "$top/tests/golden/$ex" && mkdir -p "$top/tests/golden" && cp -r "$r/clusters" "$top/tests/golden/$ex"
  fi
  if [ $rc -ne 0 ]; then bad "golden $ex: build exit $rc" "$out"
  elif d=$(diff -r "$top/tests/golden/$ex" "$r/clusters" 2>&1); then ok "golden $ex"
  else bad "golden $ex: output differs from tests/golden/$ex" "$(printf '%s\n' "$d" | head -40)"; fi
done

# ------------------------------------------------------------- determinism
r1=$work/golden-homelab
r2=$(repo det homelab)
files=$(cd "$r2" && ls policies/*.ops | LC_ALL=C sort -r)
(cd "$r2/policies" && LC_ALL=C.UTF-8 TZ=Pacific/Auckland LANG=de_DE.UTF-8 "$opsc" build -q $(printf '%s\n' $files | sed 's|policies/||') 2>&1)
check "same bytes whatever the file order, locale, time zone and directory" \
  diff -r "$r1/clusters" "$r2/clusters"

out=$(cd "$r1" && "$opsc" build 2>&1)
check "a second build changes nothing" grep -q ' 0 written, [0-9]* unchanged, 0 removed' <<<"$out"
(cd "$r1" && "$opsc" build --check -q >/dev/null 2>&1)
check "--check passes on current output" test $? -eq 0

# -------------------------------------------------------------- hand edits
f=$r1/clusters/studio/production/policy/rbac.yaml
echo "# tweak" >> "$f"
before=$(snapshot "$r1/clusters")
out=$(cd "$r1" && "$opsc" build 2>&1); rc=$?
check "a hand-edited file stops the build (exit 1)" test $rc -eq 1
check "... and says which file drifted" grep -q "clusters/studio/production/policy/rbac.yaml: edited by hand since opsc wrote it" <<<"$out"
check "... and writes nothing" test "$before" = "$(snapshot "$r1/clusters")"
(cd "$r1" && "$opsc" build --check -q >/dev/null 2>&1)
check "--check fails on drift" test $? -eq 1
out=$(cd "$r1" && "$opsc" build --force 2>&1)
check "--force overwrites it" sh -c "! grep -q tweak '$f'"

# ------------------------------------------------- files opsc did not write
mkdir -p "$r1/clusters/studio/flux-system"
echo "kind: GitRepository" > "$r1/clusters/studio/flux-system/gotk-sync.yaml"
ino=$(stat -c %i "$r1/clusters/studio/flux-system/gotk-sync.yaml")
sed -i 's/cpu = 8/cpu = 9/' "$r1/policies/environments.ops" 2>/dev/null
(cd "$r1" && "$opsc" build -q 2>&1)
check "a user's file in the output is never touched (same inode)" \
  test "$(stat -c %i "$r1/clusters/studio/flux-system/gotk-sync.yaml" 2>/dev/null)" = "$ino"
gone=$r1/clusters/pro/pro-data/policy/rbac.yaml
rm "$gone"
out=$(cd "$r1" && "$opsc" build 2>&1); rc=$?
check "a missing generated file is written again" test $rc -eq 0 -a -f "$gone"
check "... and then the output is current" test -z "$(cd "$r1" && "$opsc" build --dry-run 2>/dev/null)"

# ----------------------------------------------------------------- removals
r3=$(repo removal homelab)
(cd "$r3" && "$opsc" build -q)
echo "user" > "$r3/clusters/studio/cluster/NOTES.md"
rm "$r3/policies/rbac.ops"
out=$(cd "$r3" && "$opsc" build --dry-run 2>&1)
check "--dry-run lists the removals" grep -q "^remove .*clusters/studio/production/policy/rbac.yaml" <<<"$out"
out=$(cd "$r3" && "$opsc" build 2>&1); rc=$?
if [ $rc -ne 0 ]; then bad "build after removing the RBAC file" "$out"; else
  check "files no longer generated are removed" test ! -e "$r3/clusters/studio/production/policy/rbac.yaml"
  check "... with the directories they alone filled" test ! -e "$r3/clusters/pi/cluster"
  check "... but not the user's file beside them" test -f "$r3/clusters/studio/cluster/NOTES.md"
  check "... and the summary counts them" grep -q ' [1-9][0-9]* removed' <<<"$out"
fi

# ---------------------------------------------------------------- dry run
r4=$(repo dry homelab)
out=$(cd "$r4" && "$opsc" build --dry-run 2>&1)
check "--dry-run writes nothing" test ! -e "$r4/clusters"
check "--dry-run lists what it would add" grep -q '^add .*clusters/studio/production/namespace/namespace.yaml' <<<"$out"

# --------------------------------------------------------------- refusals
r5=$(repo refuse homelab)
out=$(cd "$r5" && "$opsc" build --out "$work/elsewhere" 2>&1); rc=$?
check "an output outside the repository is refused (exit 2)" test $rc -eq 2
check "... with a clear message" grep -q "is outside the repository" <<<"$out"
check "... and nothing is written there" test ! -e "$work/elsewhere"
mkdir -p "$work/target"
ln -s "$work/target" "$r5/clusters"
out=$(cd "$r5" && "$opsc" build 2>&1); rc=$?
check "an output directory that is a symlink is refused" test $rc -eq 2
check "... saying so" grep -q "is a symbolic link" <<<"$out"
check "... and nothing is written through it" test -z "$(ls -A "$work/target")"
rm "$r5/clusters" && mkdir -p "$r5/clusters" && ln -s "$work/target" "$r5/clusters/studio"
out=$(cd "$r5" && "$opsc" build 2>&1); rc=$?
check "a symlink inside the output is not written through (exit 1)" test $rc -eq 1
check "... and nothing lands behind it" test -z "$(ls -A "$work/target")"
mkdir -p "$work/norepo" && cp -r "$top/examples/homelab/policies" "$work/norepo/"
out=$(cd "$work/norepo" && "$opsc" build 2>&1); rc=$?
check "outside any Git repository: refused (exit 2)" test $rc -eq 2
check "... saying why" grep -q "is not inside a Git repository" <<<"$out"
out=$("$opsc" build --bogus 2>&1); rc=$?
check "an unknown option is a usage error (exit 2)" test $rc -eq 2

# ---------------------------------------------------------------- runbooks
# The skeletons a fresh build writes are the examples' runbooks (kept as
# written); a written runbook is never replaced; lint wants each link's file.
for ex in homelab saas; do
  check "runbook skeletons of $ex are the example's docs/runbooks" \
    diff -r "$top/examples/$ex/docs/runbooks" "$work/golden-$ex/docs/runbooks"
done
r7=$(repo runbooks homelab)
out=$(cd "$r7" && "$opsc" build --dry-run 2>&1)
check "--dry-run names the runbooks it would write" grep -q '^runbook    docs/runbooks/high-cpu.md' <<<"$out"
check "... and writes none" test ! -e "$r7/docs"
mkdir -p "$r7/docs/runbooks" && printf '# High CPU\nOur own words.\n' > "$r7/docs/runbooks/high-cpu.md"
out=$(cd "$r7" && "$opsc" build 2>&1)
check "a build writes the missing runbooks" grep -q '19 runbook skeletons written' <<<"$out"
check "... never the one already written" test "$(cat "$r7/docs/runbooks/high-cpu.md")" = "$(printf '# High CPU\nOur own words.')"
check "... a skeleton says what fires, how bad, where it goes" \
  grep -qxF '| routed to | pagerduty |' "$r7/docs/runbooks/node-not-ready.md"
check "... with the expression" grep -qF 'kube_node_status_condition{condition="Ready",status="true"} == 0' "$r7/docs/runbooks/node-not-ready.md"
check "... and the module's first checks" grep -qF '1. `kubectl describe node <node>`: conditions and the last heartbeat' "$r7/docs/runbooks/node-not-ready.md"
printf 'changed by hand\n' >> "$r7/docs/runbooks/crashloop.md"
out=$(cd "$r7" && "$opsc" build 2>&1)
check "a second build writes no runbook" bash -c '! grep -q "runbook skeleton" <<<"$1"' _ "$out"
check "... and leaves an edited one alone" grep -q 'changed by hand' "$r7/docs/runbooks/crashloop.md"
(cd "$r7" && git add -A && git -c user.name=t -c user.email=t@t commit -qm r && git rm -q docs/runbooks/pvc-full.md && git -c user.name=t -c user.email=t@t commit -qm d)
out=$(cd "$r7" && "$opsc" lint 2>&1); rc=$?
check "lint: a runbook link whose file is missing is an error here (exit 1)" test $rc -eq 1
check "... located at the use that set the link" grep -qF 'policies/alerts.ops:23:5: error[alert-runbook]: the runbook of alert PVCAlmostFull is not in the repository: docs/runbooks/pvc-full.md does not exist' <<<"$out"
check "... and nothing else: restore tests' scratch namespaces are no environments" grep -q '^opsc lint: 1 finding (1 error)' <<<"$out"
cat > "$r7/policies/verified.ops" <<'EOF'
policy "restore-tested" {
  severity = error
  for b in backups {
    require b.restore_test != null : "backup ${b.name} is never restore-tested"
  }
}
policy "production-slos" {
  severity = error
  for s in slos where contains(s.envs, env.production) {
    require s.objective >= 99.5% : "SLO ${s.name} of ${s.service} promises only ${s.objective}%"
  }
}
EOF
(cd "$r7" && git add -A && git -c user.name=t -c user.email=t@t commit -qm p)
out=$(cd "$r7" && "$opsc" lint 2>&1)
check "a policy sees which backups are restore-tested" grep -qF 'error[restore-tested]: backup weekly is never restore-tested' <<<"$out"
check "... and only those that are not" bash -c '! grep -q "backup daily is never" <<<"$1"' _ "$out"
check "a policy reads the SLOs" grep -qF 'policies/slos.ops:17:1: error[production-slos]: SLO latency of agents promises only 99%' <<<"$out"
check "... and only those below the bar" bash -c '! grep -q "SLO availability of agents" <<<"$1"' _ "$out"
rm -f "$r7/policies/verified.ops"  # its errors would stop the build before it writes
rm -rf "$r7/docs/runbooks" && ln -s "$work/target" "$r7/docs/runbooks"
out=$(cd "$r7" && "$opsc" build 2>&1); rc=$?
check "a runbooks directory that is a symlink is not written through (exit 2)" test $rc -eq 2
check "... and nothing lands behind it" test -z "$(ls -A "$work/target")"

# ------------------------------------------------------ killed mid-build
# A large project, built once (tree A); a change to every environment gives
# tree B. Builds killed at random moments must leave exactly A or exactly B.
r6=$work/kill; mkdir -p "$r6/policies" && git init -q "$r6"
python3 "$top/bench/gen_policy.py" 100 "$r6/policies/big.ops" >/dev/null
(cd "$r6" && "$opsc" build -q) || bad "kill test: first build"
snapA=$(snapshot "$r6/clusters"); cp -a "$r6/clusters" "$work/treeA"
sed -i 's/pods = \([0-9]*\)/pods = 1\1/' "$r6/policies/big.ops"
cp -a "$r6" "$work/kill-b"
t0=$(date +%s.%N); (cd "$work/kill-b" && "$opsc" build -q); t1=$(date +%s.%N)
snapB=$(snapshot "$work/kill-b/clusters")
if [ "$snapA" = "$snapB" ]; then bad "kill test: the change changed nothing"; fi
mixed=0 sawA=0 sawB=0
for i in $(seq 1 25); do
  rm -rf "$r6/clusters" && cp -a "$work/treeA" "$r6/clusters"
  (cd "$r6" && exec "$opsc" build -q) & pid=$!
  # anywhere from the start to past the end of a whole build (builds in
  # this loop run slower than the timed one: the file system is busy)
  sleep "$(awk -v a="$t0" -v b="$t1" -v r=$RANDOM 'BEGIN { printf "%.3f", (b - a) * 3 * r / 32767 }')"
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  s=$(snapshot "$r6/clusters")
  if [ "$s" = "$snapA" ]; then sawA=$((sawA + 1)); elif [ "$s" = "$snapB" ]; then sawB=$((sawB + 1)); else mixed=$((mixed + 1)); fi
done
echo "     kill test: $sawA old trees, $sawB new trees, $mixed mixed"
check "a build killed at any moment leaves the old or the new tree whole" test $mixed -eq 0
(cd "$r6" && "$opsc" build -q)
check "... and the next build finishes the job" test "$(snapshot "$r6/clusters")" = "$snapB"
check "... leaving no half-built tree behind" test -z "$(ls -A "$r6" | grep opsc-new)"

echo "$n checks, $fail failed"
[ "$fail" -eq 0 ]
