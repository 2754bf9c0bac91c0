#!/bin/sh
# opsc lsp: keystroke-to-diagnostics latency in a 1,000-line file and RSS
# over 10,000 edits (bench/lsp/lsp_bench.c). Figures in bench/README.md.
#
#   bench/lsp/run.sh [BUILD_DIR] [KEYSTROKES] [EDITS]
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
ninja -C "$build" opsc tests/lsp_bench >/dev/null
"$build/tests/lsp_bench" "$build/opsc" "${2:-500}" "${3:-10000}"
