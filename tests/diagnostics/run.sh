#!/usr/bin/env bash
# The diagnostics suite: `opsc check` on every tests/diagnostics/*.ops must
# print exactly NAME.expected (its last line is the exit status).
#
#   run.sh OPSC            compare
#   run.sh OPSC --update   rewrite the .expected files (review the diff!)
set -uo pipefail
opsc=$(realpath "$1")
update=${2:-}
cd "$(dirname "$0")"
fail=0 n=0
for f in *.ops; do
  n=$((n + 1))
  got=$(NO_COLOR=1 "$opsc" check -q "$f" 2>&1; echo "exit: $?")
  want="${f%.ops}.expected"
  if [ "$update" = --update ]; then
    printf '%s\n' "$got" > "$want"
  elif ! diff -u "$want" <(printf '%s\n' "$got") >/tmp/opsc-diag-$$.diff 2>&1; then
    echo "FAIL $f"; cat /tmp/opsc-diag-$$.diff; fail=$((fail + 1))
  fi
done
rm -f /tmp/opsc-diag-$$.diff
kinds=$(cat ./*.expected | grep -oE '^[^ ]+:[0-9]+:[0-9]+: error' | wc -l)
echo "$n cases, $fail failed ($kinds error lines)"
[ "$fail" -eq 0 ]
