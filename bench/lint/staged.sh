#!/bin/sh
# bench/lint/staged.sh [OPSC] - `opsc lint --staged` on a commit of 20 files,
# start-up included, in a generated repository (2,000 tracked files with a
# history of 50 commits), timed with hyperfine.
set -eu
opsc=$(realpath "${1:-build/opsc}")
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
git init -q repo && cd repo
git config user.name bench && git config user.email bench@example.com
for c in $(seq 1 50); do
	for f in $(seq 1 40); do
		d=apps/app$((f % 20))
		mkdir -p "$d"
		printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app%s\n  labels: {rev: "%s"}\nspec:\n  replicas: 2\n' \
			"$f$c" "$c" >"$d/deploy$f-$c.yaml"
	done
	git add -A && git commit -qm "commit $c"
done
# the commit under test: 20 files changed, each a typical manifest
for f in $(seq 1 20); do
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm%s\ndata:\n  url: "https://example.com/%s"\n  level: info\n' \
		"$f" "$f" >"apps/app$((f % 20))/config$f.yaml"
done
git add -A
echo "repository: $(git ls-files | wc -l) tracked files, $(git diff --cached --name-only | wc -l) staged" >&2
"$opsc" lint --staged
hyperfine --warmup 5 --runs 100 -N "$opsc lint --staged"
