#!/usr/bin/env bash
# `opsc init`: the scaffold it writes passes `opsc check`, `opsc fmt --check`
# and `opsc build --dry-run`; flags and answers land in the files; without a
# terminal it asks nothing and says what it chose; nothing is ever
# overwritten and a refused run writes nothing.
#
#   init.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"

# expect NAME STATUS COMMAND...: the command exits with STATUS
expect() {
  local name=$1 want=$2; shift 2
  out=$("$@" 2>&1 </dev/null); rc=$?
  if [ "$rc" = "$want" ]; then ok "$name"; else bad "$name" "exit $rc, not $want: $out"; fi
}
has() { if grep -qF -- "$2" <<<"$3"; then ok "$1"; else bad "$1" "no '$2' in: $3"; fi; }
nothing_left() { # DIR: no policies/ and no temporary directory
  if [ ! -e "$1/policies" ] && [ -z "$(ls -A "$1" | grep opsc-init)" ]; then ok "... nothing written"
  else bad "... nothing written" "$(ls -A "$1" "$1/policies" 2>&1)"; fi
}

# ------------------------------------------------------ defaults, no terminal
r=$work/demo; mkdir -p "$r" && git init -q "$r"
expect "init without a terminal: exit 0" 0 sh -c "cd '$r' && '$opsc' init"
has "... says nothing was asked and what it chose" \
  "standard input is not a terminal, so nothing was asked; using --name demo (no --github-repo) --cluster main --env staging --env production --output clusters" "$out"
has "... names the files" "wrote policies/project.ops and policies/environments.ops" "$out"
grep -q '^project "demo" {' "$r/policies/project.ops" && ok "... the project is named after the directory" \
  || bad "... the project is named after the directory" "$(cat "$r/policies/project.ops")"
grep -q '^  # repo = "owner/name"' "$r/policies/project.ops" && ok "... without --github-repo, repo is a comment" \
  || bad "... without --github-repo, repo is a comment"
grep -A5 '^environment "production"' "$r/policies/environments.ops" | grep -q '^  pod_security = baseline$' &&
  ok "... production at Pod Security baseline" || bad "... production at Pod Security baseline"
expect "the scaffold passes opsc check" 0 sh -c "cd '$r' && '$opsc' check"
has "... both files, no error" "2 files checked: 0 errors," "$out"
has "... warning of what the built-in policies still ask" "has no default-deny ingress policy" "$out"
expect "the scaffold is formatted (opsc fmt --check)" 0 "$opsc" fmt --check "$r/policies"
expect "the scaffold passes opsc build --dry-run" 0 sh -c "cd '$r' && '$opsc' build --dry-run"
has "... staging's namespace" "clusters/main/staging/namespace/namespace.yaml" "$out"
has "... production's namespace" "clusters/main/production/namespace/namespace.yaml" "$out"
u=$work/uncommented; mkdir -p "$u" && cp -r "$r/policies" "$u/"
sed -Ei 's/^( *)# (repo|timezone|reviewers|approvals|wait|prevent_self_review|import|use|rules|protect|  alert-runbook|  reviewers|  prevent_self_review|\})/\1\2/' \
  "$u/policies/"*.ops
expect "the commented suggestions check too, uncommented" 0 "$opsc" check "$u"
has "... and answer every built-in policy: no warning" "2 files checked: 0 errors, 0 warnings" "$out"
expect "and opsc build writes it" 0 sh -c "cd '$r' && '$opsc' build"
validator=${OPSC_VALIDATE_MANIFESTS:-$top/../shared/tools/validate-manifests}
if [ -x "$validator" ]; then
  expect "... manifests that validate" 0 "$validator" "$r/clusters"
fi

# ------------------------------------------------------ never over a file
sum=$(cat "$r/policies/"*.ops | sha256sum)
expect "a second init is refused (exit 2)" 2 sh -c "cd '$r' && '$opsc' init --yes"
has "... naming the file in the way" "policies/project.ops exists; nothing written" "$out"
[ "$(cat "$r/policies/"*.ops | sha256sum)" = "$sum" ] && ok "... the files are unchanged" || bad "... the files are unchanged"
[ -z "$(ls -A "$r" | grep opsc-init)" ] && ok "... no temporary directory left" || bad "... no temporary directory left"
o=$work/other; mkdir -p "$o/policies" && echo '# mine' >"$o/policies/mine.ops"
expect "any .ops file in policies/ is in the way" 2 "$opsc" init -y "$o"
has "... named" "$o/policies/mine.ops exists" "$out"
[ "$(ls "$o/policies")" = mine.ops ] && ok "... and nothing is added" || bad "... and nothing is added" "$(ls "$o/policies")"
f=$work/file; mkdir -p "$f" && touch "$f/policies"
expect "policies as a file is in the way" 2 "$opsc" init -y "$f"
e=$work/empty; mkdir -p "$e/policies"
expect "an empty policies/ is filled" 0 "$opsc" init -y -q "$e"
[ -z "$out" ] && ok "... quietly (-q)" || bad "... quietly (-q)" "$out"
[ "$(ls "$e/policies" | tr '\n' ' ')" = "environments.ops project.ops " ] && ok "... with both files" \
  || bad "... with both files" "$(ls -A "$e" "$e/policies")"

# ------------------------------------------------------ flags
p=$work/platform; mkdir -p "$p" && git init -q "$p"
expect "every flag" 0 "$opsc" init --yes --name "Acme Platform" --env dev -e prod --env=qa --cluster lke-1 \
  --github-repo acme/platform --output deploy/k8s "$p/new"
has "... said as a command line" "--name 'Acme Platform' --github-repo acme/platform --cluster lke-1 --env dev --env prod --env qa --output deploy/k8s" "$out"
grep -q '^project "Acme Platform" {' "$p/new/policies/project.ops" && grep -q '^  repo = "acme/platform"$' "$p/new/policies/project.ops" &&
  grep -q '^  output = "deploy/k8s"$' "$p/new/policies/project.ops" && ok "... in project.ops" \
  || bad "... in project.ops" "$(cat "$p/new/policies/project.ops")"
[ "$(grep -c '^  cluster = "lke-1"$' "$p/new/policies/environments.ops")" = 3 ] &&
  grep -q '^environment "qa" {' "$p/new/policies/environments.ops" && ok "... in environments.ops" \
  || bad "... in environments.ops" "$(cat "$p/new/policies/environments.ops")"
grep -A3 '^environment "prod"' "$p/new/policies/environments.ops" | grep -q 'production = true' &&
  ok "... prod is marked production" || bad "... prod is marked production"
expect "... and it checks" 0 "$opsc" check "$p/new"
expect "... and builds, GitHub environments too" 0 sh -c "cd '$p/new' && '$opsc' build --dry-run"
has "... under --output" "deploy/k8s/github/environments/prod.json" "$out"
has "... on --cluster" "deploy/k8s/lke-1/qa/namespace/namespace.yaml" "$out"

# ------------------------------------------------------ bad values write nothing
for args in "--env Prod" "--env a --env a" "--github-repo nope" "--output /abs" "--cluster x_y" "--name a\"b"; do
  d=$work/bad$((n)); mkdir -p "$d"
  # shellcheck disable=SC2086
  expect "init $args: exit 2" 2 "$opsc" init -y $args "$d"
  nothing_left "$d"
done
d=$work/badout; mkdir -p "$d"
expect "an output the program refuses (..): exit 2" 2 "$opsc" init -y --output .. "$d"
has "... with the diagnostic" "cannot be written: it holds the project directory" "$out"
nothing_left "$d"
expect "an unknown option: exit 2" 2 "$opsc" init --bogus
expect "two directories: exit 2" 2 "$opsc" init -y "$work/a" "$work/b"
expect "--help: exit 0" 0 "$opsc" init --help
[ "${out%%$'\n'*}" = "usage: opsc init [options] [DIR]" ] && ok "... usage first" || bad "... usage first" "$out"

# ------------------------------------------------------ on a terminal
t=$work/tty; mkdir -p "$t"
out=$(python3 "$here/answer.py" "$t" myproj "" BAD k3s "dev production" "" -- "$opsc" init); rc=$?
[ $rc = 0 ] && ok "on a terminal, init asks (exit 0)" || bad "on a terminal, init asks (exit 0)" "$out"
has "... each value, with its default" "Project name [tty]: " "$out"
has "... again after a bad answer" "'BAD': lower-case letters, digits and '-' only" "$out"
grep -q '^project "myproj" {' "$t/policies/project.ops" && [ "$(grep -c 'cluster = "k3s"' "$t/policies/environments.ops")" = 2 ] &&
  grep -q '^environment "dev" {' "$t/policies/environments.ops" && ok "... and writes the answers" \
  || bad "... and writes the answers" "$(cat "$t/policies/"*.ops)"
expect "... which check" 0 "$opsc" check "$t"
t2=$work/tty2; mkdir -p "$t2"
out=$(python3 "$here/answer.py" "$t2" -- "$opsc" init --yes --cluster edge); rc=$?
[ $rc = 0 ] && ! grep -q "\[" <<<"${out%%opsc init:*}" && ok "--yes on a terminal asks nothing" \
  || bad "--yes on a terminal asks nothing" "$out"
t3=$work/tty3; mkdir -p "$t3"
out=$(python3 "$here/answer.py" "$t3" x -- "$opsc" init); rc=$?
[ $rc = 2 ] && ok "input ending before the last answer: exit 2" || bad "input ending before the last answer: exit 2" "$out"
nothing_left "$t3"

printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
