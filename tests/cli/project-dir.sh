#!/usr/bin/env bash
# A project directory given as an argument resolves as the current
# directory does (its policies/ first): `opsc check DIR`, `opsc diff DIR`
# and `opsc build --dry-run DIR` read the same sources and plan the same
# files as the command run inside DIR.
#
#   run.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
cp -r "$top/examples/homelab" "$work/homelab"
rm -rf "$work/homelab/clusters"

# same NAME ARGS...: the standard output of `opsc ARGS DIR` from above the project
# equals that of `opsc ARGS` inside it, paths made relative to it.
same() {
  local name=$1; shift
  local inside above rc1 rc2
  inside=$(cd "$work/homelab" && "$opsc" "$@" 2>/dev/null); rc1=$?
  above=$(cd "$work" && "$opsc" "$@" homelab 2>/dev/null | sed 's#homelab/##g'); rc2=${PIPESTATUS[0]}
  if [ "$inside" = "$above" ] && [ "$rc1" = "$rc2" ]; then ok "$name"
  else bad "$name" "exit $rc1 inside, $rc2 above; $(diff <(echo "$inside") <(echo "$above") | head -20)"; fi
}
same "check DIR reads DIR/policies" check
same "build --dry-run DIR plans DIR's outputs" build --dry-run
same "diff DIR compares DIR's outputs" diff

out=$(cd "$work" && "$opsc" check homelab 2>&1)
case $out in *"10 files checked: 0 errors"*) ok "check DIR: the ten files of policies/" ;;
  *) bad "check DIR: the ten files of policies/" "$out" ;; esac

# a path that does not exist is a usage error, before any repository is open
out=$(cd "$work" && "$opsc" lint "$work/no-such-dir" 2>&1); rc=$?
case "$rc:$out" in "2:opsc lint: $work/no-such-dir: No such file or directory") ok "lint of a missing path: exit 2, said once" ;;
  *) bad "lint of a missing path: exit 2, said once" "exit $rc: $out" ;; esac

printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
