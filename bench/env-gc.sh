#!/usr/bin/env bash
# Benchmark: `charts env gc` of many expired environments, against the charts-sandbox API server
# (in-memory; it stores objects and runs no containers). Nothing leaves 127.0.0.1.
#
# Seeds ENVIRONMENTS expired environment namespaces holding RELEASES releases (one revision
# each, a few KB of manifest; examples/seed_releases.rs --environments), then times one
# `charts env gc`: every environment's releases uninstalled through the uninstall action and its
# namespace deleted. (The records' objects were never applied: their deletes are 404s.)
#
# Usage: bench/env-gc.sh   (env: ENVIRONMENTS=100 RELEASES=100 MAX_SECONDS=10
#                           PARALLEL=16 PROFILE=release|debug)
# Target: under MAX_SECONDS. Exits non-zero if missed or if anything is left.
# Measured (2 cores shared with other builds, load ~8-15, PROFILE=debug because the release build
# did not finish in time): 100 environments torn down in 6.8-9.5 s with --parallel 16 (10.1 s
# with 8), 1,702 requests (17 per environment, 2 of them the uninstall action's discovery).
set -euo pipefail

environments=${ENVIRONMENTS:-100}
releases=${RELEASES:-100}
max_seconds=${MAX_SECONDS:-10}
parallel=${PARALLEL:-16}
profile=${PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

cd "$root"
flag=(--release); dir=release
[ "$profile" = debug ] && { flag=(); dir=debug; }
echo "building $dir binaries ..." >&2
cargo build "${flag[@]}" --quiet --features bench --bin charts --example seed_releases
cargo build "${flag[@]}" --quiet -p charts-sandbox --bin charts-sandbox
charts="$root/target/$dir/charts"
sandbox_binary="$root/target/$dir/charts-sandbox"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"

"$root/target/$dir/examples/seed_releases" --kubeconfig "$work/kubeconfig" \
    --releases "$releases" --revisions 1 --namespaces "$environments" \
    --environments 2026-01-01T00:00:00Z

export KUBECONFIG="$work/kubeconfig"
curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null
start=$(date +%s%N)
"$charts" env gc --parallel "$parallel" >"$work/gc.txt"
end=$(date +%s%N)
curl -sf "$url/sandbox.charts.dev/counters" >"$work/counters.json"
elapsed=$(python3 -c "print('%.2f' % (($end - $start) / 1e9))")
requests=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$work/counters.json")
tail -n1 "$work/gc.txt" >&2
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print("requests:", ", ".join("%s %s %d" % (r["verb"], r["resource"], r["count"]) for r in sorted(c["counts"], key=lambda r: -r["count"])))' "$work/counters.json" >&2

removed=$(grep -c '^removed ' "$work/gc.txt" || true)
left=$("$charts" env list -o json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for e in d["environments"] if e["state"] != "terminating"))')
records=$(kubectl get secrets -A -l owner=charts -o name | wc -l)

echo "charts env gc ($dir build): $removed of $environments expired environments ($releases releases) torn down in ${elapsed} s, $requests API requests, --parallel $parallel ($(nproc) cores)"

status=0
if [ "$removed" -ne "$environments" ] || [ "$left" -ne 0 ] || [ "$records" -ne 0 ]; then
    echo "FAIL: removed $removed of $environments; $left environments and $records release records left" >&2
    status=1
fi
if python3 -c "import sys; sys.exit(0 if $elapsed < $max_seconds else 1)"; then :; else
    echo "FAIL: ${elapsed} s is over ${max_seconds} s" >&2
    status=1
fi
exit $status
