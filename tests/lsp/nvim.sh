#!/bin/sh
# opsc lsp with neovim's built-in LSP client, headless (tests/lsp/init.lua).
# Skipped (77) when neovim is not installed (.ci/setup installs it).
set -eu
opsc=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
command -v nvim >/dev/null 2>&1 || { echo "nvim not installed: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here"/project/policies/*.ops "$tmp"/
sed -i 's/  cluster = "pro"/  clustr = "pro"/' "$tmp/envs.ops"
HOME="$tmp" XDG_STATE_HOME="$tmp" OPSC="$opsc" DIR="$tmp" \
  timeout 60 nvim --headless --noplugin -i NONE -n -u "$here/init.lua"
