#!/usr/bin/env bash
# Benchmark (issue 12): the API requests of a new environment and its first deploy.
# `charts env up` of a new environment with a four-object profile (ResourceQuota, LimitRange,
# NetworkPolicy, RoleBinding), then `charts install --env` of the catalog umbrella chart
# (charts/catalog), against one charts-sandbox API server on 127.0.0.1 (it stores objects, runs
# no containers). Counts the requests each command sends (the sandbox's counters), by verb and
# resource, and compares them with the objects applied.
# Target: at most the requests of the objects themselves plus a small constant.
#
# Requests are the same in a debug and a release build; this uses the debug build.
# Usage: bench/env.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done
cargo build --quiet --manifest-path "$root/Cargo.toml" -p charts -p charts-sandbox
charts="$root/target/debug/charts"
sandbox_binary="$root/target/debug/charts-sandbox"
# shellcheck source=bench/sandbox.sh
. "$root/bench/sandbox.sh"
export KUBECONFIG="$work/kubeconfig" HOME="$work/home" CHARTS_CONFIG_HOME="$work/config" CHARTS_CACHE_HOME="$work/cache"
unset CHARTS_CONFIG CHARTS_ENV_PREFIX CHARTS_ENV_TTL CHARTS_PROFILES CHARTS_ENV_PROFILE CHARTS_NAMESPACE
mkdir -p "$HOME"

# The profile: a chart of four objects, and the profiles file naming it.
mkdir -p "$work/repo/profiles/preview/templates"
cd "$work/repo"
printf 'apiVersion: v2\nname: preview\nversion: 0.1.0\n' > profiles/preview/Chart.yaml
cat > profiles/preview/templates/profile.yaml <<'YAML'
apiVersion: v1
kind: ResourceQuota
metadata: {name: quota}
spec: {hard: {pods: "50"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec: {limits: [{type: Container, default: {cpu: 200m, memory: 256Mi}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-environment}
spec: {podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-edit, labels: {env: "{{ Env.Name }}"}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: shop-devs}]
YAML
printf 'profiles:\n  preview:\n    chart: profiles/preview\n' > charts-profiles.yaml
printf 'env:\n  prefix: shop-\n  ttl: 3d\n  profile: preview\n' > charts.yaml

catalog="$root/charts/catalog"
catalog_objects=$("$charts" template catalog "$catalog" | grep -c '^kind:')

counters() { curl -sf "$url/sandbox.charts.dev/counters"; }
reset() { curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null; }
report() {
    python3 -c '
import json, sys
counts = json.load(sys.stdin)["counts"]
total = sum(c["count"] for c in counts)
print(f"{sys.argv[1]}: {total} requests")
for c in counts:
    print("    %3d %s %s" % (c["count"], c["verb"], c["resource"]))
print(total, file=open(sys.argv[2], "w"))
' "$1" "$2"
}

reset
"$charts" env up --branch feature/Checkout-v2 --commit 0123abc >/dev/null 2>"$work/up.log" || { cat "$work/up.log" >&2; exit 1; }
counters | report "env up (new environment, 4-object profile)" "$work/up.count"
reset
"$charts" install catalog "$catalog" --branch feature/Checkout-v2 --commit 0123abc >/dev/null 2>"$work/install.log" || { cat "$work/install.log" >&2; exit 1; }
counters | report "install --env (catalog, $catalog_objects objects, existing environment)" "$work/install.count"

up=$(cat "$work/up.count"); install=$(cat "$work/install.count")
objects=$((4 + catalog_objects))
echo "total: $((up + install)) requests for $objects objects (4 profile + $catalog_objects catalog): $((up + install - objects)) beyond one request per object"
