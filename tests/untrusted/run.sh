#!/usr/bin/env bash
# Untrusted input end to end, in throw-away Git repositories built from the
# homelab example:
#  - a secret inlined in .ops where secret() is expected is never printed in
#    full by check, lint (every format), diff or build; lint still runs the
#    secret finder and reports the inlined value as a redacted finding;
#  - a YAML file over the 10 MiB limit (generated here, never committed) is
#    one note, no invalid-yaml finding, exit 0, in the working tree and
#    --staged;
#  - a policy of four (or three) nested quantifiers over 300 environments
#    stops at the step budget with one error at the policy, exit 2; two
#    nested run to the end;
#  - a manifest naming a Role with a newline and a forged `::error` command
#    cannot forge a workflow command in default text output.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2
want: $3"; fi; }

new_repo() {
  rm -rf "$1" && mkdir -p "$1" && git init -q "$1" && cp -r "$top/examples/homelab/policies" "$1/"
}

# ------------------------------------------------------------ inline secret
secret=pd-9f8e7d6c5b4a39281706AbCd   # 27 characters, shown as "pd-9… (27 chars)"
repo=$work/inline
new_repo "$repo"
(cd "$repo" && "$opsc" build -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init) ||
  bad "build the example"
printf 'receiver "leak" {\n  pagerduty { routing_key = "%s" }\n}\n' "$secret" >>"$repo/policies/routing.ops"
printf 'token: ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5\n' >"$repo/app.yaml" # opsc:ignore a test fixture, not a credential

run() { (cd "$repo" && "$opsc" "$@" >"$work/out" 2>"$work/err"); echo $?; }
never_printed() {
  if grep -q "${secret:4}" "$work/out" "$work/err"; then bad "$1: secret never printed" "$(cat "$work/out" "$work/err")"
  else ok "$1: secret never printed"; fi
}

rc=$(run check policies); never_printed check
check "check: exit 1" "$rc" 1
check "check: the snippet shows it redacted" "$(grep -c 'routing_key = "pd-9… (27 chars)"' "$work/err")" 1

rc=$(run build); never_printed build
check "build: exit 1, nothing written" "$rc:$(tail -1 "$work/err")" "1:opsc build: 1 error, nothing written"

rc=$(run diff); never_printed diff
check "diff: exit 1" "$rc" 1

for fmt in text github sarif json; do
  rc=$(run lint --format $fmt); never_printed "lint --format $fmt"
  check "lint --format $fmt: exit 1" "$rc" 1
done
rc=$(run lint)
check "lint: the inlined secret is a finding" \
  "$(grep -A1 'error\[inline-secret\]' "$work/out")" \
  'policies/routing.ops:35:29: error[inline-secret]: secrets are referenced, never inlined
  secret: pd-9… (27 chars)'
check "lint: the secret finder still ran" "$(grep -c '^app.yaml:1:8: error\[github-pat\]' "$work/out")" 1
check "lint: says what it did not check" "$(grep -c 'drift and policies are checked once' "$work/err")" 1
rc=$(run lint --only drift)
check "lint --only drift: the .ops error is a finding (exit 1)" "$rc" 1

# ------------------------------------------------------ YAML over 10 MiB
repo=$work/big
new_repo "$repo"
(cd "$repo" && "$opsc" build -q) || bad "build the example"
python3 - "$repo/big.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n")
    i = 0
    while f.tell() <= 10 * 1024 * 1024:
        f.write('  k%d: "%s"\n' % (i, "x" * 100))
        i += 1
PY
note='big.yaml: note: skipped: 10.0 MiB, over the 10.0 MiB limit'
for args in "lint" "lint --only policy" "lint --only secrets"; do
  rc=$(run $args)
  check "$args: one note, no finding, exit 0" "$rc|$(cat "$work/out")|$(grep -v '^opsc lint:' "$work/err")" "0||$note"
done
(cd "$repo" && git add -A)
rc=$(run lint --staged)
check "lint --staged: one note, no finding, exit 0" "$rc|$(cat "$work/out")|$(grep -v '^opsc lint:' "$work/err")" "0||$note"
rc=$(run lint --format json)
check "lint --format json: one skipped entry" "$(grep -c '"reason": "10.0 MiB, over the 10.0 MiB limit"' "$work/out")" 1

# ------------------------------------------------ a forged workflow command
repo=$work/forged
new_repo "$repo"
(cd "$repo" && "$opsc" build -q) || bad "build the example"
mkdir -p "$repo/deploy"
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: "x\\n::error file=forged.yaml,line=1::pwned\\e]8;;http://evil\\e\\\\"\nrules:\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["get"]\n' >"$repo/deploy/role.yaml"
rc=$(run lint)
check "lint: the forged role is reported" "$rc" 1
check "lint: no line starts a workflow command" "$(grep -c '^[[:space:]]*::' "$work/out" "$work/err" | paste -sd,)" "$work/out:0,$work/err:0"
check "lint: no control byte reaches the terminal" "$(LC_ALL=C grep -c $'[\x01-\x08\x0b-\x1f\x7f]' "$work/out")" 0
check "lint: the name is shown escaped" "$(grep -c 'role x\\n::error file=forged.yaml,line=1::pwned\\x1b\]8;;http://evil\\x1b\\ grants' "$work/out")" 2

# ------------------------------------------------------ policy step budget
budget='policies/nested.ops:1:1: error: policy `nested` stopped after 50000000 evaluation steps, its budget: nested quantifiers multiply (four over 300 environments are 8.1e9 elements)
 1 | policy "nested" {
   | ^~~~~~
  = help: narrow the outer collections with `where` before nesting, compare with a `for` loop and one quantifier instead of quantifiers inside quantifiers, or split the policy
opsc lint: the .ops files have errors (see above; `opsc check` lists them)'
for depth in 4 3; do
  repo=$work/nested$depth
  "$here/gen_nested.sh" "$repo" $depth
  rc=$( (cd "$repo" && "$opsc" lint --only policy >"$work/out" 2>"$work/err"); echo $?)
  check "$depth nested quantifiers over 300 environments: the budget error, exit 2" \
    "$rc|$(sed "s|^$repo/||" "$work/err")" "2|$budget"
done
repo=$work/nested2
"$here/gen_nested.sh" "$repo" 2
rc=$( (cd "$repo" && "$opsc" lint --only policy >"$work/out" 2>"$work/err"); echo $?)
check "2 nested: evaluated to the end, no budget error" "$(grep -c 'policy-budget\|evaluation steps' "$work/err")" 0
check "2 nested: the policy holds" "$(grep -c 'nested' "$work/out")" 0

echo "$n checks, $fail failed"
[ "$fail" -eq 0 ]
