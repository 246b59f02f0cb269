#!/usr/bin/env bash
# Benchmark: `charts install --wait` of COUNT Deployments against the charts-sandbox API server
# (stores objects, runs no containers) started with `--controller-delay-ms 1000`, against the
# same install without `--wait`, each into a fresh namespace; for 10 and 100 Deployments
# (override with COUNTS="10 100").
#
# Reports both wall times and their difference (issue 11's target: at most 1.5 s for 100
# Deployments), and the API requests the wait itself sent (requests of the `--wait` run minus
# those of the run without; target: no more for 100 Deployments than for 10), from the
# sandbox's counters.
#
# The sandbox makes a Deployment available about one controller delay (1 s here) after it is
# created: its workload controllers act within milliseconds and each Pod starts one delay after
# it is made, as on a cluster where the kubelet is the slow part. Both targets fail the script.
#
# Measured (release build, 2 cores, 2026-12-06): 10 Deployments 20 ms without --wait, 1061 ms
# with; 100 Deployments 101 ms without, 1162 ms with (1.06 s more); the wait sent 2 requests
# (one list, one watch) for 10 and for 100.
#
# Usage: bench/wait.sh   (env: COUNTS="10 100", PROFILE=release|debug; debug skips the long
# release build)
set -euo pipefail

counts=${COUNTS:-10 100}
profile=${PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

if [ "$profile" = release ]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
else
    cargo build --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
fi
charts="$root/target/$profile/charts"
sandbox_binary="$root/target/$profile/charts-sandbox"
sandbox_flags="--controller-delay-ms 1000"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"
export KUBECONFIG="$work/kubeconfig" HOME="$work/home" CHARTS_CONFIG_HOME="$work/config" CHARTS_CACHE_HOME="$work/cache"
export CHARTS_PROGRESS=none
mkdir -p "$HOME"

chart="$work/many"
mkdir -p "$chart/templates"
printf 'apiVersion: v2\nname: many\nversion: 1.0.0\n' > "$chart/Chart.yaml"
printf 'count: 10\n' > "$chart/values.yaml"
cat > "$chart/templates/deployments.yaml" <<'YAML'
{% for i in range(end=Values.count) %}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{{ i }}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web, index: "{{ i }}"}
  template:
    metadata:
      labels: {app: web, index: "{{ i }}"}
    spec:
      containers:
      - name: web
        image: nginx:1.27
{% endfor %}
YAML

reset() { curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null; }
requests() { curl -sf "$url/sandbox.charts.dev/counters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
now_ns() { date +%s%N; }

# One install into a fresh namespace: prints "<milliseconds> <requests>".
install() {
    local namespace=$1 count=$2
    shift 2
    kubectl create namespace "$namespace" >/dev/null
    reset
    local start end
    start=$(now_ns)
    "$charts" install many "$chart" -n "$namespace" --set "count=$count" "$@" >/dev/null 2>&1 || true
    end=$(now_ns)
    echo "$(((end - start) / 1000000)) $(requests)"
}

install warm 10 >/dev/null
status=0
declare -A wait_requests
printf '%-12s %11s %9s %9s %14s %14s\n' deployments no_wait_ms wait_ms diff_ms wait_requests total_requests
for count in $counts; do
    read -r plain_ms plain_requests < <(install "plain-$count" "$count")
    read -r wait_ms wait_total < <(install "wait-$count" "$count" --wait --timeout 2m)
    diff_ms=$((wait_ms - plain_ms))
    wait_requests[$count]=$((wait_total - plain_requests))
    printf '%-12s %11s %9s %9s %14s %14s\n' "$count" "$plain_ms" "$wait_ms" "$diff_ms" "${wait_requests[$count]}" "$wait_total"
    if [ "$count" -ge 100 ] && [ "$diff_ms" -gt 1500 ]; then
        echo "FAIL: --wait of $count Deployments took ${diff_ms} ms more than without (target 1500)" >&2
        status=1
    fi
done
read -r -a all <<<"$counts"
first=${all[0]} last=${all[${#all[@]}-1]}
if [ "${wait_requests[$last]}" -gt "${wait_requests[$first]}" ]; then
    echo "FAIL: the wait sent ${wait_requests[$last]} requests for $last Deployments, ${wait_requests[$first]} for $first" >&2
    status=1
fi
exit $status
