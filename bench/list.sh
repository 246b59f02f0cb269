#!/usr/bin/env bash
# Benchmark: `charts list -A` over many stored revisions, against the charts-sandbox API server
# (in-memory; it stores objects and runs no containers). Nothing leaves 127.0.0.1.
#
# Seeds RELEASES releases x REVISIONS revisions over NAMESPACES namespaces through the Secret
# store (examples/seed_releases.rs: a few KB of manifest per revision, gzip-encoded as charts
# stores it), then measures `charts list -A`: wall time (hyperfine if installed, else a loop),
# peak RSS (/usr/bin/time -f %M), and the sandbox's request counters, which must show exactly one
# LIST of secrets and nothing else.
#
# Usage: bench/list.sh   (env: RELEASES=1000 REVISIONS=5 NAMESPACES=4 RUNS=20 MAX_RSS_MIB=100)
# Targets: one LIST request; peak RSS under MAX_RSS_MIB. Exits non-zero if either is missed.
set -euo pipefail

releases=${RELEASES:-1000}
revisions=${REVISIONS:-5}
namespaces=${NAMESPACES:-4}
runs=${RUNS:-20}
max_rss_mib=${MAX_RSS_MIB:-100}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 2; }

cd "$root"
echo "building release binaries ..." >&2
cargo build --release --quiet --bin charts
cargo build --release --quiet -p charts-sandbox --bin charts-sandbox
cargo build --release --quiet --features bench --example seed_releases
charts="$root/target/release/charts"

sandbox_binary="$root/target/release/charts-sandbox"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"

"$root/target/release/examples/seed_releases" --kubeconfig "$work/kubeconfig" \
    --releases "$releases" --revisions "$revisions" --namespaces "$namespaces"

export KUBECONFIG="$work/kubeconfig"
list=("$charts" list -A)

# One run with fresh counters: the whole listing must be a single LIST of secrets.
curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null
shown=$("${list[@]}" | tail -n +2 | wc -l)
curl -sf "$url/sandbox.charts.dev/counters" >"$work/counters.json"
echo "counters after one \`charts list -A\`: $(cat "$work/counters.json")" >&2
requests=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["total"])' "$work/counters.json")
lists=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(sum(r["count"] for r in c["counts"] if r["verb"]=="list" and r["resource"]=="secrets"))' "$work/counters.json")
[ "$shown" -eq "$releases" ] || { echo "error: listed $shown releases, expected $releases" >&2; exit 1; }

# Wall time.
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs "$runs" --export-json "$work/hyperfine.json" --output=null "${list[*]}" >&2
    mean_ms=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["mean"]*1000))' "$work/hyperfine.json")
    stddev_ms=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["stddev"]*1000))' "$work/hyperfine.json")
else
    for _ in 1 2 3; do "${list[@]}" >/dev/null; done
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "${list[@]}" >/dev/null; done
    end=$(date +%s%N)
    mean_ms=$(( (end - start) / runs / 1000000 ))
    stddev_ms="?"
fi

# Peak RSS: the worst of 5 runs, table and JSON output.
peak_kib=0
for format in table table table json json; do
    /usr/bin/time -f %M -o "$work/rss" "${list[@]}" -o "$format" >/dev/null
    kib=$(tail -n1 "$work/rss")
    [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
done
peak_mib=$(python3 -c "print('%.1f' % ($peak_kib/1024))")

records=$((releases * revisions))
echo "charts list -A: $releases releases ($records revisions in $namespaces namespaces): mean ${mean_ms} ms (± ${stddev_ms}), peak RSS ${peak_mib} MiB, $lists LIST of secrets, $requests API requests in all ($(nproc) cores)"

status=0
if [ "$lists" -ne 1 ] || [ "$requests" -ne 1 ]; then
    echo "FAIL: expected exactly one API request (a LIST of secrets), got $requests ($lists LISTs)" >&2
    status=1
fi
if [ "$peak_kib" -ge $((max_rss_mib * 1024)) ]; then
    echo "FAIL: peak RSS ${peak_mib} MiB is over ${max_rss_mib} MiB" >&2
    status=1
fi
exit $status
