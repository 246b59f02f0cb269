#!/usr/bin/env bash
# Benchmark: `charts env list` over many environments, against the charts-sandbox API server
# (in-memory; it stores objects and runs no containers). Nothing leaves 127.0.0.1.
#
# Seeds ENVIRONMENTS environment namespaces (labelled and annotated as `charts env up` makes
# them) holding RELEASES releases x REVISIONS revisions through the Secret store
# (examples/seed_releases.rs --environments), then measures `charts env list` (table and JSON):
# the sandbox's request counters (one LIST of namespaces, then the release records' metadata
# page by page: one LIST per 500 records), wall time and peak RSS (/usr/bin/time -v, "Maximum resident set size").
#
# Usage: bench/env-list.sh   (env: ENVIRONMENTS=500 RELEASES=2000 REVISIONS=2 RUNS=10
#                             MAX_RSS_MIB=100 MAX_REQUESTS=1+pages PROFILE=release|debug)
# Targets: at most MAX_REQUESTS requests; peak RSS under MAX_RSS_MIB. Exits non-zero if missed.
# Measured (2 cores shared with other builds, load ~10, PROFILE=debug because the release build
# did not finish in time): 2 requests (one LIST of namespaces, one of secrets), peak RSS 80.6 MiB,
# mean 2.7 s per listing (debug client and debug sandbox).
set -euo pipefail

environments=${ENVIRONMENTS:-500}
releases=${RELEASES:-2000}
revisions=${REVISIONS:-2}
runs=${RUNS:-10}
max_rss_mib=${MAX_RSS_MIB:-100}
max_requests=${MAX_REQUESTS:-$((1 + (releases * revisions + 499) / 500))}
profile=${PROFILE:-release}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }

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
    --releases "$releases" --revisions "$revisions" --namespaces "$environments" \
    --environments 2026-06-01T00:00:00Z

export KUBECONFIG="$work/kubeconfig"
list=("$charts" env list)

count() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(sum(r["count"] for r in c["counts"] if (sys.argv[2]=="*" or r["verb"]==sys.argv[2]) and (sys.argv[3]=="*" or r["resource"]==sys.argv[3])))' "$work/counters.json" "$@"; }

# One run with fresh counters: one LIST of namespaces and one per page of records, whatever the
# number of environments.
curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null
"${list[@]}" -o json >"$work/list.json"
curl -sf "$url/sandbox.charts.dev/counters" >"$work/counters.json"
echo "counters after one \`charts env list\`: $(cat "$work/counters.json")" >&2
requests=$(count '*' '*')
shown=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["environments"]), sum(len(e["releases"]) for e in d["environments"]))' "$work/list.json")
read -r shown_environments shown_releases <<<"$shown"
[ "$shown_environments" -eq "$environments" ] || { echo "error: listed $shown_environments environments, expected $environments" >&2; exit 1; }
[ "$shown_releases" -eq "$releases" ] || { echo "error: listed $shown_releases releases, expected $releases" >&2; exit 1; }

# Wall time.
for _ in 1 2; do "${list[@]}" >/dev/null; done
start=$(date +%s%N)
for ((i = 0; i < runs; i++)); do "${list[@]}" >/dev/null; done
end=$(date +%s%N)
mean_ms=$(( (end - start) / runs / 1000000 ))

# Peak RSS: the worst of table and JSON runs.
peak_kib=0
for format in table table json json; do
    /usr/bin/time -v -o "$work/rss" "${list[@]}" -o "$format" >/dev/null
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/rss")
    [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
done
peak_mib=$(python3 -c "print('%.1f' % ($peak_kib/1024))")

echo "charts env list ($dir build): $environments environments, $releases releases ($((releases * revisions)) records): mean ${mean_ms} ms over $runs runs, peak RSS ${peak_mib} MiB, $requests API requests ($(nproc) cores)"

status=0
if [ "$requests" -gt "$max_requests" ]; then
    echo "FAIL: $requests API requests, more than $max_requests" >&2
    status=1
fi
if [ "$peak_kib" -ge $((max_rss_mib * 1024)) ]; then
    echo "FAIL: peak RSS ${peak_mib} MiB is over ${max_rss_mib} MiB" >&2
    status=1
fi
exit $status
