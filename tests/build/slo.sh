#!/usr/bin/env bash
# SLO rules do what they promise, run by `promtool test rules` on series
# with a known error ratio: 2% errors burn a 99.9% budget 20 times too fast
# (page and ticket fire), 0.2% twice too fast (the 6h/3d ticket only),
# 0.05% not at all; a latency SLI counts requests above `le` as errors.
# Skipped (exit 77) without promtool.
set -uo pipefail
opsc=$(realpath "$1")
command -v promtool >/dev/null || { echo "skipped: no promtool"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" && git init -q && mkdir policies
cat > policies/slo.ops <<'EOF'
environment "prod" { cluster = "c"  namespace = "app" }
slo "requests-availability" {
  service = "myservice"
  objective = 99.9%
  errors = `sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))`
  total = `sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))`
  alert = "MyServiceHighErrorRate"
  labels = { owner = "myteam" }
}
slo "latency" {
  service = "myservice"
  objective = 99%
  latency {
    histogram = "http_request_duration_seconds"
    le = "0.3"
    select = { job = "myservice" }
  }
}
EOF
NO_COLOR=1 "$opsc" build -q || { echo "FAIL build"; exit 1; }

# series ok/min, errors/min -> the expected alerts at 90m
ids='sloth_id: myservice-requests-availability, sloth_service: myservice, sloth_slo: requests-availability'
page="{severity: critical, sloth_severity: page, owner: myteam, $ids}"
ticket="{severity: warning, sloth_severity: ticket, owner: myteam, $ids}"
d_page='SLO requests-availability of myservice (objective 99.9% over 30d) spends its error budget too fast: 2% of the 30d budget within 1h (confirmed over 5m), or 5% within 6h (confirmed over 30m).'
d_ticket='SLO requests-availability of myservice (objective 99.9% over 30d) spends its error budget too fast: 10% of the 30d budget within 1d (confirmed over 2h), or 10% within 3d (confirmed over 6h).'
a_page="{summary: '(page) myservice requests-availability SLO error budget burn rate is too fast.', description: '$d_page'}"
a_ticket="{summary: '(ticket) myservice requests-availability SLO error budget burn rate is too fast.', description: '$d_ticket'}"

availability() { # OK ERR EXPECTED_ALERTS...
  local ok=$1 err=$2; shift 2
  cat <<EOF
  - interval: 1m
    input_series:
      - series: 'http_request_duration_seconds_count{job="myservice",code="200"}'
        values: '0+${ok}x200'
      - series: 'http_request_duration_seconds_count{job="myservice",code="500"}'
        values: '0+${err}x200'
    alert_rule_test:
      - eval_time: 90m
        alertname: MyServiceHighErrorRate
        exp_alerts:
EOF
  for a in "$@"; do printf '          - %s\n' "$a"; done
}

{
  printf 'rule_files:\n  - clusters/prometheus/c.rules.yaml\n  - clusters/prometheus/c.slo.rules.yaml\nevaluation_interval: 1m\ntests:\n'
  availability 980 20 "{exp_labels: $page, exp_annotations: $a_page}" "{exp_labels: $ticket, exp_annotations: $a_ticket}"
  availability 998 2 "{exp_labels: $ticket, exp_annotations: $a_ticket}"
  cat <<EOF
  - interval: 1m
    input_series:
      - series: 'http_request_duration_seconds_count{job="myservice",code="200"}'
        values: '0+9995x200'
      - series: 'http_request_duration_seconds_count{job="myservice",code="500"}'
        values: '0+5x200'
    alert_rule_test:
      - eval_time: 90m
        alertname: MyServiceHighErrorRate
    promql_expr_test:
      - expr: slo:current_burn_rate:ratio{sloth_slo="requests-availability"}
        eval_time: 90m
        exp_samples:
          - labels: 'slo:current_burn_rate:ratio{owner="myteam",$(echo "$ids" | sed 's/: /="/g; s/, /",/g')",sloth_window="5m"}'
            value: 0.5
      - expr: slo:error_budget:ratio{sloth_slo="requests-availability"}
        eval_time: 90m
        exp_samples:
          - labels: 'slo:error_budget:ratio{owner="myteam",$(echo "$ids" | sed 's/: /="/g; s/, /",/g')"}'
            value: 0.001
  - interval: 1m
    input_series:
      - series: 'http_request_duration_seconds_count{job="myservice"}'
        values: '0+100x200'
      - series: 'http_request_duration_seconds_bucket{job="myservice",le="0.3"}'
        values: '0+80x200'
    promql_expr_test:
      - expr: round(slo:sli_error:ratio_rate1h{sloth_slo="latency"}, 0.0001)
        eval_time: 90m
        exp_samples:
          - labels: '{sloth_id="myservice-latency",sloth_service="myservice",sloth_slo="latency",sloth_window="1h"}'
            value: 0.2
      - expr: count(ALERTS{alertname="MyserviceLatencyErrorBudgetBurn",alertstate="firing"})
        eval_time: 90m
        exp_samples:
          - labels: '{}'
            value: 2
EOF
} > test.yaml
if out=$(promtool test rules test.yaml 2>&1); then
  echo "ok   burn-rate alerts and budget rules under promtool test rules (4 cases)"
else
  echo "FAIL promtool test rules:"; printf '%s\n' "$out" | head -60; exit 1
fi
