#!/usr/bin/env bash
# Rendering benchmark: whole-process wall time and peak RSS of `charts template` on synthetic
# umbrella charts (20 subcharts x 10 templates, and 20 x 20), each template a ConfigMap, Service
# and Deployment written with helper components, `toYaml | nindent` and a sha256 checksum.
#
#   bench/render.sh [RUNS]          (default 30 runs per chart)
#
# Env: CHARTS_BIN (default target/release/charts; built with `cargo build --release` if
# missing), KEEP=1 keeps the generated charts, CALLGRIND=1 also counts the instructions of one
# 20x10 run with valgrind's callgrind (repeatable, unlike times on a shared machine).
# Targets: 20x10 under 20 ms and under 32 MiB; 20x20 costs at most 2.1x the time of 20x10.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS="${1:-30}"
BIN="${CHARTS_BIN:-target/release/charts}"
if [[ ! -x "$BIN" ]]; then
  echo "building $BIN ..." >&2
  cargo build --release --quiet
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "error: /usr/bin/time is missing (apt-get install time)" >&2
  exit 1
fi

WORK="$(mktemp -d)"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$WORK"' EXIT; fi
python3 bench/gen_chart.py "$WORK/t10" 20 10
python3 bench/gen_chart.py "$WORK/t20" 20 20

# Sanity: both charts render, with 3 objects per template.
for c in t10 t20; do
  "$BIN" template bench "$WORK/$c" > "$WORK/$c.out"
  echo "$c: $(grep -c '^kind:' "$WORK/$c.out") objects, $(wc -c < "$WORK/$c.out") bytes of YAML" >&2
done

# Mean wall time in milliseconds over RUNS runs (after 3 warm-up runs).
mean_ms() {
  local chart="$1" i start end total=0
  for i in 1 2 3; do "$BIN" template bench "$chart" > /dev/null; done
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    "$BIN" template bench "$chart" > /dev/null
    end=$(date +%s%N)
    total=$((total + end - start))
  done
  awk -v t="$total" -v n="$RUNS" 'BEGIN { printf "%.2f", t / n / 1e6 }'
}

# Peak RSS in KiB: the largest of 5 runs.
peak_rss_kib() {
  local chart="$1" i rss max=0
  for i in 1 2 3 4 5; do
    rss=$(/usr/bin/time -f %M "$BIN" template bench "$chart" 2>&1 > /dev/null | tail -1)
    ((rss > max)) && max=$rss
  done
  echo "$max"
}

if command -v hyperfine > /dev/null; then
  hyperfine --warmup 3 --runs "$RUNS" -N --export-json "$WORK/hyperfine.json" \
    "$BIN template bench $WORK/t10" "$BIN template bench $WORK/t20" >&2
  # Mean, then median and fastest run of each chart: this VM's speed drifts from minute to
  # minute, and the median shows a typical run where a burst of noise moves the mean.
  read -r T10 T20 M10 M20 F10 F20 < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(*("%.2f" % (x[k] * 1000) for k in ("mean", "median", "min") for x in r))' "$WORK/hyperfine.json")
  TIMER=hyperfine
else
  T10=$(mean_ms "$WORK/t10")
  T20=$(mean_ms "$WORK/t20")
  M10=-; M20=-; F10=-; F20=-
  TIMER="date +%s%N loop"
fi
R10=$(peak_rss_kib "$WORK/t10")
R20=$(peak_rss_kib "$WORK/t20")

if [[ "${CALLGRIND:-0}" == 1 ]]; then
  if command -v valgrind > /dev/null; then
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
      "$BIN" template bench "$WORK/t10" 2> "$WORK/callgrind.log" > /dev/null
    echo "instructions (callgrind, 20x10, all threads): $(sed -n 's/.*Collected : //p' "$WORK/callgrind.log")" >&2
  else
    echo "CALLGRIND=1: valgrind is missing (apt-get install valgrind)" >&2
  fi
fi

awk -v t10="$T10" -v t20="$T20" -v r10="$R10" -v r20="$R20" -v runs="$RUNS" -v timer="$TIMER" \
  -v m10="$M10" -v m20="$M20" -v f10="$F10" -v f20="$F20" '
BEGIN {
  ratio = t20 / t10
  printf "\ncharts template, %d runs each (%s), peak RSS = max of 5 runs\n", runs, timer
  printf "%-22s %10s %10s %10s %12s\n", "chart", "mean ms", "median ms", "min ms", "peak RSS MiB"
  printf "%-22s %10.2f %10s %10s %12.1f\n", "20 subcharts x 10", t10, m10, f10, r10 / 1024
  printf "%-22s %10.2f %10s %10s %12.1f\n", "20 subcharts x 20", t20, m20, f20, r20 / 1024
  printf "time ratio 20x20 / 20x10: %.2f\n\n", ratio
  ok = 1
  if (t10 >= 20) { print "MISSED: 20x10 mean time is not under 20 ms"; ok = 0 }
  if (r10 / 1024 >= 32) { print "MISSED: 20x10 peak RSS is not under 32 MiB"; ok = 0 }
  if (ratio > 2.1) { print "MISSED: doubling the templates costs more than 2.1x"; ok = 0 }
  if (ok) print "all targets met (20x10: < 20 ms, < 32 MiB; ratio <= 2.1)"
  exit !ok
}'
