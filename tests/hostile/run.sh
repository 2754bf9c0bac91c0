#!/usr/bin/env bash
# What a careless user or an attacker can put in front of opsc: a second
# build at once, a shallow or corrupt clone, imports and links out of the
# project, FIFOs and devices where files are expected, outputs aimed at
# .git or the sources, a tampered .opsc-manifest.json. Every opsc run is
# under `timeout`, so a regression that blocks fails instead of hanging.
# Exit codes are compared exactly: under the sanitizer build a leak turns
# an expected exit into LeakSanitizer's, and the case fails.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
# expect NAME RC PATTERN DIR CMD...: CMD, run in DIR, exits RC and its
# output matches PATTERN.
expect() {
  local name=$1 want=$2 pat=$3 dir=$4; shift 4
  local out rc
  out=$(cd "$dir" && timeout 20 "$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want" ]; then bad "$name: exit $rc, expected $want" "$out"
  elif ! grep -qE -- "$pat" <<<"$out"; then bad "$name: no /$pat/ in the output" "$out"
  else ok "$name"; fi
}
run() { timeout 20 "$opsc" "$@"; }

# repo NAME: a fresh repository with the homelab example's policies/.
repo() {
  local dir=$work/$1
  mkdir -p "$dir" && git init -q "$dir" && cp -r "$top/examples/homelab/policies" "$dir/"
  echo "$dir"
}
tree_sum() { (cd "$1" && find . -path ./.git -prune -o -print | LC_ALL=C sort | xargs -r sha256sum 2>/dev/null | sha256sum); }

# ------------------------------------------------- 1. one build at a time
r=$(repo lock)
(cd "$r" && run build -q) || bad "lock: first build"
echo '# changed' >>"$r/policies/project.ops"
mkdir "$r/.clusters.opsc-new-999999"  # another build's staging directory
before=$(tree_sum "$r")
# the holder is the process that keeps the lock: killed, the lock goes with it
hold() { (exec 9>>"$r/.git/opsc-build.lock"; flock 9; exec sleep "$1") & holder=$!; }
hold 30
for _ in $(seq 50); do flock -n "$r/.git/opsc-build.lock" true || break; sleep 0.1; done
expect "lock: a second build is refused with exit 2" 2 'another opsc build is writing' "$r" "$opsc" build
[ "$(tree_sum "$r")" = "$before" ] && ok "lock: the refused build touched nothing (the other's staging dir stays)" \
  || bad "lock: the tree changed under a held lock"
kill "$holder"; wait "$holder" 2>/dev/null
rmdir "$r/.clusters.opsc-new-999999"
expect "lock: released when its holder ends" 0 ' [0-9]+ written, [0-9]+ unchanged' "$r" "$opsc" build
hold 1
for _ in $(seq 50); do flock -n "$r/.git/opsc-build.lock" true || break; sleep 0.1; done
echo '# again' >>"$r/policies/project.ops"
expect "lock: --wait waits for the holder, then builds" 0 'waiting for another opsc build' "$r" "$opsc" build --wait
wait "$holder" 2>/dev/null
expect "lock: --dry-run needs no lock" 0 '0 to write' "$r" "$opsc" build -n

# ------------------------------------------ 2 and 10. shallow and corrupt
h=$work/hist
git init -q "$h"
for i in 1 2 3; do
  printf 'github_token = "ghp_R8xY2kq9Lm3Vb7Tn1Wc5Pz0Hd4Fs6Gj8Ka2%s"\n' "$i" >"$h/f$i.env"
  git -C "$h" add . && git -C "$h" commit -qm "c$i"
done
expect "history: a full clone scans every commit's blobs" 1 'in 3 (files|blobs)' "$h" "$opsc" lint --history --only secrets --no-progress
git clone -q --depth 2 "file://$h" "$work/shallow"
expect "history: a shallow clone is scanned to its boundary, with a note" 1 'history is shallow: 2 commits' "$work/shallow" "$opsc" lint --history --only secrets --no-progress
expect "history: the shallow clone's findings include the boundary commit's files" 1 'f2\.env' "$work/shallow" "$opsc" lint --history --only secrets --no-progress
expect "history: --require-full-history refuses a shallow clone (exit 2)" 2 'shallow clone \(2 commits' "$work/shallow" "$opsc" lint --history --require-full-history
expect "history: --require-full-history passes a full clone" 1 'in 3 (files|blobs)' "$h" "$opsc" lint --history --only secrets --require-full-history --no-progress
cp -r "$h" "$work/corrupt"
badc=$(printf 'tree nonsense\nparent zz\n' | git -C "$work/corrupt" hash-object -t commit --literally -w --stdin)
echo "$badc" >"$work/corrupt/.git/refs/heads/broken"
expect "history: a corrupt commit is an error (exit 2), not an empty scan" 2 "commit $badc cannot be read" "$work/corrupt" "$opsc" lint --history
cp -r "$h" "$work/missing"
p=$(git -C "$work/missing" rev-parse HEAD~2)
rm "$work/missing/.git/objects/${p:0:2}/${p:2}"
expect "history: a missing commit is an error (exit 2)" 2 "commit $p cannot be read" "$work/missing" "$opsc" lint --history

# ------------------------------------------- 3. nothing outside the project
r=$(repo outside)
printf 'SECRET_FROM_OUTSIDE=1\n' >"$work/foreign.ops"
ln -s "$work/foreign.ops" "$r/policies/zz.ops"
expect "outside: a policies/*.ops link out of the project is refused" 1 'zz.ops: error: refused: a symbolic link to a file outside' "$r" "$opsc" check policies
out=$(cd "$r" && run check policies 2>&1; run lint 2>&1; run build -n 2>&1)
grep -q SECRET_FROM_OUTSIDE <<<"$out" && bad "outside: a foreign file's bytes reached the output" "$out" || ok "outside: no byte of the linked file is shown"
rm "$r/policies/zz.ops"
mkdir "$r/policies/lib"
ln -s "$work" "$r/policies/lib/up"
printf 'import "./lib/up/foreign.ops"\n' >"$r/policies/zz.ops"
expect "outside: an import through a symlinked directory is refused" 1 'cannot import "./lib/up/foreign.ops": it is outside the project directory' "$r" "$opsc" check policies
printf 'import "/proc/self/environ"\n' >"$r/policies/zz.ops"
# the canary first in the environment: what a snippet of line 1 would show
out=$(cd "$r" && env -i OPSC_CANARY=leaked-value PATH="$PATH" NO_COLOR=1 timeout 20 "$opsc" check policies 2>&1)
grep -qE "leaked|CANARY|:/usr/" <<<"$out" && bad "outside: the environment was echoed" "$out" || ok "outside: import \"/proc/self/environ\" shows nothing of it"
rm -r "$r/policies/zz.ops" "$r/policies/lib"

# ----------------------------------------- 6. FIFOs and devices are no files
r=$(repo fifo)
(cd "$r" && run build -q) || bad "fifo: first build"
mkfifo "$r/policies/x.ops"
expect "fifo: check refuses a FIFO named .ops, without blocking" 1 'x.ops: error: cannot read the file: not a regular file' "$r" "$opsc" check policies
expect "fifo: build refuses it too" 1 'not a regular file' "$r" "$opsc" build
expect "fifo: lint does not block on it (an .ops problem is a finding: exit 1)" 1 'not a regular file' "$r" "$opsc" lint
rm "$r/policies/x.ops"
mkfifo "$r/notes.yaml" "$r/clusters/pipe"
expect "fifo: lint skips FIFOs in the tree and the output" 0 'findings' "$r" "$opsc" lint
expect "fifo: diff does not block on a FIFO in the output" 0 '' "$r" "$opsc" diff
(cd "$r" && run build -q) && [ -p "$r/clusters/pipe" ] && ok "fifo: a build keeps the user's FIFO in the output" || bad "fifo: the user's FIFO was lost"
rm "$r/notes.yaml"
mkfifo "$r/policies/pipe.txt"
printf 'import "./pipe.txt"\n' >"$r/policies/zz.ops"
expect "fifo: an import of a FIFO inside the project is refused, without blocking" 1 'cannot import "./pipe.txt": not a regular file' "$r" "$opsc" check policies
rm "$r/policies/pipe.txt"
printf 'import "/dev/zero"\n' >"$r/policies/zz.ops"
expect "fifo: import \"/dev/zero\" is refused at once" 1 'cannot import "/dev/zero"' "$r" "$opsc" check policies
rm "$r/policies/zz.ops"
g=$r/clusters/air/air-experiments/namespace/kustomization.yaml
rm "$g" && mkfifo "$g"
expect "fifo: build --dry-run exits 1 when a generated path is a FIFO" 1 'refused: a build would write nothing' "$r" "$opsc" build --dry-run
expect "fifo: build refuses to write through it" 1 'nothing written' "$r" "$opsc" build

# -------------------------------- 9. outputs in .git, over the sources, out
r=$(repo paths)
expect "paths: build -o .git/x is refused" 2 'is in a git directory' "$r" "$opsc" build -o .git/x
expect "paths: build -o policies is refused" 2 'holds the source' "$r" "$opsc" build -o policies
expect "paths: build -o policies/out is refused" 2 'with the source' "$r" "$opsc" build -o policies/out
sed -i 's|output = "clusters"|output = "../paths"|' "$r/policies/project.ops"
expect "paths: output = \"../paths\" (the repository root) is refused" 2 'outside the repository' "$r" "$opsc" build
sed -i 's|output = "../paths"|output = "policies"|' "$r/policies/project.ops"
expect "paths: output = \"policies\" is a located error at check time" 1 'project.ops:[0-9]+:[0-9]+: error: `output = "policies"` cannot be written' "$r" "$opsc" check policies
[ -z "$(ls -A "$r/.git/objects/info" 2>/dev/null | grep -v packs)" ] && [ ! -e "$r/clusters" ] \
  && ok "paths: nothing was written by the refused builds" || bad "paths: a refused build wrote files"

# ---------------------------------------- also: a tampered manifest's count
r=$(repo manifest)
(cd "$r" && run build -q) || bad "manifest: first build"
python3 - "$r/clusters/.opsc-manifest.json" <<'PY'
import json, sys
p = sys.argv[1]; m = json.load(open(p)); f = m["files"]; k = sorted(f)[0]
for bogus in ("./" + k, "a/../" + k, "/etc/hostname", "../policies/project.ops", ".opsc-manifest.json", "github"):
    f[bogus] = f[k]
json.dump(m, open(p, "w"), indent=2)
PY
expect "manifest: tampered entries are neither removals nor refusals" 0 ': 0 to write, [0-9]+ unchanged, 0 to remove$' "$r" "$opsc" build -n
expect "manifest: the build removes nothing for them" 0 ' 0 removed$' "$r" "$opsc" build
[ -f "$r/policies/project.ops" ] && ok "manifest: a source named by a tampered entry is still there" || bad "manifest: the source was removed"

echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
