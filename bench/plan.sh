#!/usr/bin/env bash
# Benchmark: `charts plan` of an unchanged 300-object release (the chart of bench/bulk-chart.sh:
# 100 ConfigMaps, 100 Services, 100 Deployments) against a no-op `charts upgrade` of it, both
# against one charts-sandbox API server on 127.0.0.1 (it stores objects, runs no containers).
#
# The release is installed once; then each run times one plan and one upgrade with nothing to
# change, alternating. Reports mean, min and max wall time over RUNS runs and the API requests of
# one run of each (the sandbox's counters).
# Target (issue 13): the plan takes no more than 1.5 times the no-op upgrade.
# Measured on this project's 2-core machine under load from other builds (release build, RUNS=5):
# upgrade 148.6 ms (317 requests), plan 189.9 ms (313 requests), ratio 1.28; debug build
# (RUNS=3): 5.50 s and 6.17 s, ratio 1.12.
#
# Usage: bench/plan.sh   (env: RUNS=10, OBJECTS_PER_KIND=100, PROFILE=release|dev)
set -euo pipefail

runs=${RUNS:-10}
per_kind=${OBJECTS_PER_KIND:-100}
profile=${PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

if [ "$profile" = release ]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
    bin="$root/target/release"
else
    cargo build --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
    bin="$root/target/debug"
fi
charts="$bin/charts"
sandbox_binary="$bin/charts-sandbox"
sandbox_flags="--controller-delay-ms 1000"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"
export KUBECONFIG="$work/kubeconfig" HOME="$work/home" CHARTS_CONFIG_HOME="$work/config" CHARTS_CACHE_HOME="$work/cache" CHARTS_PROGRESS=none
mkdir -p "$HOME"

# The chart of bench/bulk-chart.sh: one template per kind, each a loop of $per_kind objects.
# shellcheck source=bench/bulk-chart.sh
. "$root/bench/bulk-chart.sh"
chart="$work/bulk"
bulk_chart "$chart" "$per_kind"

"$charts" install bulk "$chart" -n bench --create-namespace >/dev/null 2>&1
# Warm-up, and a check that the plan of the unchanged release is empty (exit code 0).
"$charts" upgrade bulk "$chart" -n bench >/dev/null 2>&1
"$charts" plan bulk "$chart" -n bench --exit-code > "$work/plan.txt" 2>&1 || {
    echo "error: the plan of the unchanged release is not empty:" >&2; tail -5 "$work/plan.txt" >&2; exit 1
}
tail -n1 "$work/plan.txt" >&2

for ((i = 1; i <= runs; i++)); do
    timed upgrade "$charts" upgrade bulk "$chart" -n bench >/dev/null 2>&1
    timed plan "$charts" plan bulk "$chart" -n bench --exit-code >/dev/null 2>&1
done

report step "$runs" upgrade plan
awk -v p="${total[plan]}" -v u="${total[upgrade]}" 'BEGIN {
    printf "\nplan/upgrade time ratio: %.2f (target: at most 1.50)\n", p / u
    exit (p <= 1.5 * u) ? 0 : 1
}'
