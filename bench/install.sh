#!/usr/bin/env bash
# Benchmark: installing a release of 300 objects (100 ConfigMaps, 100 Services, 100 Deployments)
# with `charts install`, against `kubectl apply --server-side -f` of the same rendered objects,
# both against one charts-sandbox API server on 127.0.0.1 (it stores objects, runs no containers).
#
# Each run goes into a fresh namespace, so every run creates all 300 objects. kubectl's discovery
# cache is warmed first (as on a workstation). For each tool the script reports the mean, min and
# max wall time over RUNS runs and the API requests one run sent (the sandbox's counters).
# Target (issue 4): charts install takes no longer than kubectl apply --server-side.
#
# Usage: bench/install.sh   (env: RUNS=10, OBJECTS_PER_KIND=100)
set -euo pipefail

runs=${RUNS:-10}
per_kind=${OBJECTS_PER_KIND:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
charts="$root/target/release/charts"
sandbox="$root/target/release/charts-sandbox"

sandbox_binary="$sandbox"
sandbox_flags="--controller-delay-ms 1000"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"
export KUBECONFIG="$work/kubeconfig" HOME="$work/home" CHARTS_CONFIG_HOME="$work/config" CHARTS_CACHE_HOME="$work/cache"
mkdir -p "$HOME"

# The chart of bench/bulk-chart.sh: one template per kind, each a loop of $per_kind objects.
# shellcheck source=bench/bulk-chart.sh
. "$root/bench/bulk-chart.sh"
chart="$work/bulk"
bulk_chart "$chart" "$per_kind"
# Rendered without a namespace, so that `kubectl apply -n` can put the objects anywhere.
"$charts" template bulk "$chart" | grep -v '^  namespace: default$' > "$work/rendered.yaml"
objects=$(grep -c '^kind:' "$work/rendered.yaml")
echo "chart: $objects objects, $(wc -c < "$work/rendered.yaml") bytes rendered" >&2

# Warm-up: kubectl's discovery cache, and both binaries in the page cache.
kubectl create namespace warm-k >/dev/null
kubectl apply --server-side -n warm-k -f "$work/rendered.yaml" >/dev/null
"$charts" install bulk "$chart" -n warm-c --create-namespace >/dev/null 2>&1

for ((i = 1; i <= runs; i++)); do
    for tool in kubectl charts; do
        ns="$tool-$i"
        kubectl create namespace "$ns" >/dev/null
        if [ "$tool" = kubectl ]; then
            timed kubectl kubectl apply --server-side -n "$ns" -f "$work/rendered.yaml" >/dev/null
        else
            timed charts "$charts" install bulk "$chart" -n "$ns" >/dev/null 2>&1
        fi
    done
done

report tool "$runs" kubectl charts
awk -v c="${total[charts]}" -v k="${total[kubectl]}" 'BEGIN {
    printf "\ncharts/kubectl time ratio: %.2f (target: at most 1.00)\n", c / k
    exit (c <= k) ? 0 : 1
}'
