#!/usr/bin/env bash
# Benchmark: simple GETs per second served by the charts-sandbox API server on loopback.
#
# Builds the release binary, starts `charts-sandbox serve` on a free 127.0.0.1 port, creates one
# ConfigMap, then runs wrk (bounded: DURATION seconds, CONNECTIONS connections, one thread) against
# GET /api/v1/namespaces/default/configmaps/bench. Exits non-zero if the rate is below MIN_RPS.
# Nothing leaves 127.0.0.1. Needs wrk (Debian: `apt-get install -y wrk`) and curl.
#
# Usage: bench/sandbox-gets.sh   (env: DURATION=10 CONNECTIONS=16 MIN_RPS=5000)
set -euo pipefail

duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
min_rps=${MIN_RPS:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed (Debian: apt-get install -y $tool)" >&2; exit 2; }
done

cargo build --release --quiet -p charts-sandbox --manifest-path "$root/Cargo.toml"
binary="$root/target/release/charts-sandbox"

sandbox_binary="$binary"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"

curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench","labels":{"app":"bench"}},"data":{"key":"value"}}' \
    "$url/api/v1/namespaces/default/configmaps" >/dev/null

target="$url/api/v1/namespaces/default/configmaps/bench"
echo "GET $target for ${duration}s with $connections connections (wrk, 1 thread, $(nproc) cores)" >&2
wrk -t1 -c"$connections" -d"${duration}s" --latency "$target" | tee "$work/wrk.txt" >&2

rps=$(awk '/^Requests\/sec:/ {print int($2)}' "$work/wrk.txt")
errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$work/wrk.txt")
if [ -n "$errors" ]; then
    echo "error: $errors responses were not 2xx" >&2
    exit 1
fi
echo "sandbox GETs per second: $rps (minimum $min_rps)"
[ "$rps" -ge "$min_rps" ] || { echo "error: below the minimum of $min_rps GETs per second" >&2; exit 1; }
