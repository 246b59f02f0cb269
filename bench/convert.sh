#!/usr/bin/env bash
# Benchmark: `charts convert` of the largest chart of testdata/helm-corpus (by template bytes,
# subcharts included), or of CHART. Prints the best wall time of RUNS conversions.
#
# Usage: bench/convert.sh [CHART]   (env: RUNS=5 MAX_SECONDS=1 PROFILE=release|debug)
# Target: under MAX_SECONDS. Exits non-zero if missed.
# Measured (2 cores shared with ~7 builds, PROFILE=debug: the release build did not fit in the
# session): metrics-stack (the largest corpus chart, 10 templates, 18 KB) 0.046 s;
# prometheus-community's kube-prometheus-stack (187 templates, 1.4 MB) 1.1 s.
set -euo pipefail

runs=${RUNS:-5}
max_seconds=${MAX_SECONDS:-1}
profile=${PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

chart=${1:-}
if [ -z "$chart" ]; then
    [ -d testdata/helm-corpus ] || { echo "error: no testdata/helm-corpus; give a chart" >&2; exit 2; }
    chart=$(for c in testdata/helm-corpus/*/; do
        [ -f "$c/Chart.yaml" ] || continue
        printf '%s %s\n' "$(find "$c" -path '*templates*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')" "$c"
    done | sort -n | tail -1 | cut -d' ' -f2)
fi

flag=(--release); dir=release
[ "$profile" = debug ] && { flag=(); dir=debug; }
echo "building $dir binary ..." >&2
cargo build "${flag[@]}" --quiet --bin charts
charts="$root/target/$dir/charts"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
templates=$(find "$chart" -path '*templates*' -type f | wc -l)
bytes=$(find "$chart" -path '*templates*' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
best=""
for i in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$charts" convert "$chart" -o "$work/out$i" >/dev/null 2>&1 || [ $? -eq 3 ]
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
echo "convert $chart ($templates template files, $bytes bytes): best of $runs: ${best}s"
if [ "$(echo "$best > $max_seconds" | bc)" = 1 ]; then
    echo "error: slower than ${max_seconds}s" >&2
    exit 1
fi
