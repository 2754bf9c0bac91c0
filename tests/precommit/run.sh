#!/bin/sh
# tests/precommit/run.sh OPSC - Debian's real pre-commit with the opsc-lint
# hook of .pre-commit-hooks.yaml (as a local hook running the built binary,
# so no network is needed): a commit carrying a token is refused, a clean
# one goes through. Skips (exit 77) when pre-commit or git is not installed.
set -eu
opsc=$(realpath "$1")
manifest=$(realpath "$(dirname "$0")/../../.pre-commit-hooks.yaml")
command -v pre-commit >/dev/null || { echo "SKIP: pre-commit is not installed"; exit 77; }
command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME="$tmp/cache" HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
mkdir -p "$HOME"
cd "$tmp" && git init -q repo && cd repo

# The hook as the manifest declares it, with the entry pointing at the build.
entry=$(sed -n '/^- id: opsc-lint$/,/^$/s/^  entry: opsc //p' "$manifest")
[ "$entry" = "lint --staged" ] || { echo "FAIL: unexpected opsc-lint entry '$entry'"; exit 1; }
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: opsc-lint
        name: opsc lint
        entry: $opsc $entry
        language: system
        pass_filenames: false
        always_run: true
YAML
git add .pre-commit-config.yaml
pre-commit install >/dev/null

printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n' >app.yaml
git add app.yaml
git commit -qm clean >"$tmp/clean.log" 2>&1 || { cat "$tmp/clean.log"; echo "FAIL: a clean commit was refused"; exit 1; }

printf 'export GITHUB_TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5\n' >deploy.sh  # opsc:ignore a test fixture, not a credential
git add deploy.sh
if git commit -qm leak >"$tmp/leak.log" 2>&1; then
	cat "$tmp/leak.log"; echo "FAIL: a commit carrying a token went through"; exit 1
fi
grep -q 'deploy.sh:1:21: error\[github-pat\]' "$tmp/leak.log" || { cat "$tmp/leak.log"; echo "FAIL: no finding in the hook output"; exit 1; }
if grep -q 'ghp_aB3dE' "$tmp/leak.log"; then echo "FAIL: the hook printed the token"; exit 1; fi
[ "$(git rev-list --count HEAD)" = 1 ] || { echo "FAIL: the leaking commit was recorded"; exit 1; }

# Fixed in the index: the commit goes through.
printf 'export GITHUB_TOKEN="$GITHUB_TOKEN"\n' >deploy.sh
git add deploy.sh
git commit -qm fixed >"$tmp/fixed.log" 2>&1 || { cat "$tmp/fixed.log"; echo "FAIL: the fixed commit was refused"; exit 1; }
echo "ok: pre-commit refused the token and accepted the clean commits"
