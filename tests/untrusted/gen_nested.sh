#!/usr/bin/env bash
# gen_nested.sh DIR DEPTH [ENVS]: a Git repository with ENVS environments
# (300 by default) and one policy of DEPTH nested `all` quantifiers over
# them, for the policy step budget (tests/untrusted/run.sh).
set -euo pipefail
dir=$1 depth=$2 envs=${3:-300}
rm -rf "$dir" && mkdir -p "$dir/policies" && git init -q "$dir"
{
  echo 'project "big" { repo = "acme/big"  output = "clusters" }'
  for i in $(seq 1 "$envs"); do echo "environment \"e$i\" { cluster = \"c\"  namespace = \"ns-$i\" }"; done
} >"$dir/policies/envs.ops"
vars=(a b c d e f)
cond="a.name != \"\""
for ((k = 1; k < depth; k++)); do cond="$cond && ${vars[$k]}.name != \"\""; done
for ((k = depth - 1; k >= 0; k--)); do cond="all(${vars[$k]} in environments : $cond)"; done
printf 'policy "nested" {\n  severity = error\n  require %s : "never"\n}\n' "$cond" >"$dir/policies/nested.ops"
