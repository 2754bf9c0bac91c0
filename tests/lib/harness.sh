# The frame of the end-to-end scripts (`run.sh OPSC`), sourced by each:
# $opsc (absolute), $here (the script's folder), $top (the source tree),
# $work (a scratch directory removed on exit, also $HOME so no user git
# configuration leaks in), plain output, and the ok/bad counters the
# script's summary reads ($n checks, $fail failed).
set -uo pipefail
opsc=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME=$work
fail=0 n=0

ok() { n=$((n + 1)); printf 'ok   %s\n' "$1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); printf 'FAIL %s\n' "$1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /'; }
