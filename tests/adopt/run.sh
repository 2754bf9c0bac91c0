#!/usr/bin/env bash
# `opsc check` clean means `opsc lint` clean on a fresh build: on the
# examples and on a fixture that breaks readiness policies (two
# environments, no backups, no network policies, one approval), with the
# readiness rules at their default (warnings) and opted in
# (`rules { readiness = error }`), check's exit status is lint's after
# `opsc build`, and every finding lint reports in the .ops, check reports
# at the same line with the same message and level; opted in, build
# refuses to write.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
# "LEVEL path:line: message", one per line, sorted
from_check() { sed -n 's/^\(policies\/[^:]*\):\([0-9]*\):[0-9]*: \(warning\|error\): \(.*\)$/\3 \1:\2: \4/p' | sort -u; }
from_lint() { python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["path"].endswith(".ops"):
        print("%s %s:%d: %s" % (f["severity"], f["path"], f["line"], f["message"]))' | sort -u; }
same() { # NAME DIR
	rm -rf "$work/r" && cp -r "$2" "$work/r" && cd "$work/r" && rm -rf clusters && git init -q
	c=$("$opsc" check 2>&1); crc=$?
	"$opsc" build -q >/dev/null 2>&1 && git add -A
	l=$("$opsc" lint --only policy --format json 2>/dev/null); lrc=$?
	[ "$crc" = "$lrc" ] && ok "$1: check exit $crc, lint exit $lrc" || bad "$1: check exit $crc, lint exit $lrc"
	a=$(printf '%s\n' "$c" | from_check); b=$(printf '%s\n' "$l" | from_lint)
	[ "$a" = "$b" ] && ok "$1: the same findings in the .ops ($(printf '%s' "$a" | grep -c .))" \
		|| bad "$1: the same findings in the .ops" "$(diff <(printf '%s\n' "$a") <(printf '%s\n' "$b"))"
	cd "$work"
}
same homelab "$top/examples/homelab"
same saas "$top/examples/saas"
same readiness "$here"
cp -r "$here" "$work/optin" && sed -i 's/^  repo = "acme\/shop"$/  repo = "acme\/shop"\n  rules { readiness = error }/' "$work/optin/policies/shop.ops"
same readiness-opted-in "$work/optin"
grep -q '^error policies' <(cd "$work/r" && "$opsc" check 2>&1 | from_check) && ok "opted in: errors" || bad "opted in: errors"
(cd "$work/r" && rm -rf clusters .opsc-manifest.json && "$opsc" build -q >/dev/null 2>&1; rc=$?; [ "$rc" = 1 ] && [ ! -e clusters ]) \
	&& ok "opted in: build exits 1 and writes nothing" || bad "opted in: build exits 1 and writes nothing"
printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
