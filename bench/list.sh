#!/usr/bin/env bash
# Benchmark: `charts list -A` over many stored revisions, against the charts-sandbox API server
# (in-memory; it stores objects and runs no containers). Nothing leaves 127.0.0.1.
#
# Seeds RELEASES releases x REVISIONS revisions over NAMESPACES namespaces through the Secret
# store (examples/seed_releases.rs: a few KB of manifest per revision, gzip-encoded as charts
# stores it, with the inventory annotations `list --wide` reads), then measures `charts list -A`:
# wall time, peak RSS (/usr/bin/time), the client's CPU time
# (the rest of the wall time is the sandbox serving the pages), and the sandbox's request
# counters, which must show LISTs of secrets only, one per page of 500 records.
#
# Usage: bench/list.sh   (env: RELEASES=20000 REVISIONS=5 NAMESPACES=20 RUNS=5 MAX_RSS_MIB=100
#                         MAX_SECONDS=3 BEFORE=path/to/an/older/charts
#                         CHARTS=, SANDBOX=, SEED= prebuilt binaries instead of release builds)
# Targets (issue 13): 100,000 revisions of 20,000 releases listed in under MAX_SECONDS, peak RSS
# under MAX_RSS_MIB. Exits non-zero if one is missed. BEFORE: also measure that binary against the
# same records, for a before/after comparison.
# Measured (2 cores, idle machine, release builds, 6 runs alternating table and JSON): 100,000
# revisions of 20,000 releases in 20 namespaces, 200 LISTs of 500: wall mean 1.32 s (worst
# 1.47 s), client CPU 0.63 s, peak RSS 77.1 MiB; later runs on a busier machine gave means of
# 1.5-1.7 s and peaks of 83-94 MiB. The peak depends on the transparent huge pages mimalloc
# gets for its arenas: with MIMALLOC_ALLOW_THP=0 it is 70-75 MiB. The way there, against the
# same records:
# 6.5-7.0 s and 92-98 MiB at first (the sandbox took 21 ms to write a page of 500, copying each
# object's metadata three times; the client parsed every field, managedFields included, then
# asked for the next page); 2.9-3.2 s with the sandbox writing pages straight from its objects
# (6 ms a page); 1.4-1.9 s and 99-116 MiB with each page parsed on a blocking thread, fields
# a summary does not read skipped, while the next page is fetched; then 1.1-1.5 s and 70-78 MiB
# building summaries only for the newest revision of each release in a page, and writing the
# table from borrowed cells and the JSON as it is serialized. Before paging (one LIST of
# everything), 20,000 revisions took 9.3 s and 195 MiB.
set -euo pipefail

releases=${RELEASES:-20000}
revisions=${REVISIONS:-5}
namespaces=${NAMESPACES:-20}
runs=${RUNS:-5}
max_rss_mib=${MAX_RSS_MIB:-100}
max_seconds=${MAX_SECONDS:-3}
page=500
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }

cd "$root"
# Prebuilt binaries may be given (CHARTS, SANDBOX, SEED), e.g. to measure an older build; the
# others are built here (release).
if [ -z "${CHARTS:-}" ] || [ -z "${SANDBOX:-}" ] || [ -z "${SEED:-}" ]; then
    echo "building release binaries ..." >&2
    [ -n "${CHARTS:-}" ] || cargo build --release --quiet --bin charts
    [ -n "${SANDBOX:-}" ] || cargo build --release --quiet -p charts-sandbox --bin charts-sandbox
    [ -n "${SEED:-}" ] || cargo build --release --quiet --features bench --example seed_releases
fi
charts=${CHARTS:-$root/target/release/charts}
sandbox_binary=${SANDBOX:-$root/target/release/charts-sandbox}
seed=${SEED:-$root/target/release/examples/seed_releases}
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"

echo "seeding $((releases * revisions)) records ..." >&2
seed_start=$(date +%s)
"$seed" --kubeconfig "$work/kubeconfig" \
    --releases "$releases" --revisions "$revisions" --namespaces "$namespaces"
echo "seeded in $(( $(date +%s) - seed_start )) s" >&2

export KUBECONFIG="$work/kubeconfig"
list=("$charts" list -A)

# One run with fresh counters: the whole listing is LISTs of secrets, one per page.
curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null
shown=$("${list[@]}" | tail -n +2 | wc -l)
curl -sf "$url/sandbox.charts.dev/counters" >"$work/counters.json"
requests=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["total"])' "$work/counters.json")
lists=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(sum(r["count"] for r in c["counts"] if r["verb"]=="list" and r["resource"]=="secrets"))' "$work/counters.json")
[ "$shown" -eq "$releases" ] || { echo "error: listed $shown releases, expected $releases" >&2; exit 1; }
records=$((releases * revisions))
pages=$(( (records + page - 1) / page ))

# Wall time, client CPU time and peak RSS of one binary: the mean and the worst over RUNS runs,
# table and JSON output.
measure() {
    local binary=$1 label=$2 wall_sum=0 cpu_sum=0 format wall user sys kib
    peak_kib=0 worst_wall=0 # read by the checks below, for the last binary measured
    "$binary" list -A >/dev/null # warm-up
    for ((i = 0; i < runs; i++)); do
        if ((i % 2)); then format=json; else format=table; fi
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$binary" list -A -o "$format" >/dev/null
        read -r wall user sys kib <"$work/time"
        wall_sum=$(python3 -c "print($wall_sum + $wall)")
        cpu_sum=$(python3 -c "print($cpu_sum + $user + $sys)")
        worst_wall=$(python3 -c "print(max($worst_wall, $wall))")
        [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
    done
    mean_s=$(python3 -c "print('%.2f' % ($wall_sum / $runs))")
    cpu_s=$(python3 -c "print('%.2f' % ($cpu_sum / $runs))")
    server_s=$(python3 -c "print('%.2f' % (max(0, $wall_sum - $cpu_sum) / $runs))")
    peak_mib=$(python3 -c "print('%.1f' % ($peak_kib/1024))")
    echo "$label: charts list -A, $releases releases ($records revisions in $namespaces namespaces): wall mean ${mean_s} s (worst ${worst_wall} s), client CPU ${cpu_s} s, waiting on the sandbox ~${server_s} s, peak RSS ${peak_mib} MiB ($(nproc) cores)"
}

if [ -n "${BEFORE:-}" ]; then
    measure "$BEFORE" "before ($BEFORE)"
fi
measure "$charts" "after"
echo "requests of one listing: $lists LISTs of secrets ($pages expected, $page records a page), $requests API requests in all"

status=0
if [ "$lists" -ne "$pages" ] || [ "$requests" -ne "$pages" ]; then
    echo "FAIL: expected $pages API requests, all LISTs of secrets; got $requests ($lists LISTs)" >&2
    status=1
fi
if [ "$peak_kib" -ge $((max_rss_mib * 1024)) ]; then
    echo "FAIL: peak RSS ${peak_mib} MiB is over ${max_rss_mib} MiB" >&2
    status=1
fi
if python3 -c "import sys; sys.exit(0 if $worst_wall < $max_seconds else 1)"; then :; else
    echo "FAIL: a listing took ${worst_wall} s, over ${max_seconds} s" >&2
    status=1
fi
exit $status
