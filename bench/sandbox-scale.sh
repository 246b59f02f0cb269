#!/usr/bin/env bash
# Benchmark: does the charts-sandbox API server keep its speed as it fills up?
#
# 1. Apply: SMALL (300) and LARGE (3,000) objects, a third each ConfigMaps, Services and
#    Deployments spread over NAMESPACES namespaces, applied with `kubectl apply --server-side -f
#    DIR/` to a fresh `charts-sandbox serve` each (the namespaces are created first, untimed).
#    Prints both wall times and their ratio; fails when LARGE/SMALL takes more than MAX_RATIO
#    (12) times as long as SMALL (ten times the objects should cost about ten times the time).
# 2. Rollout: ROLLOUT_DEPLOYMENTS (100) Deployments of ROLLOUT_REPLICAS (10) replicas each, so
#    about 1,000 Pods are stored; then every Deployment's Pod template is changed in one apply
#    and the time until all of them are rolled out (observedGeneration current, every replica
#    updated and available, no old Pods left) is printed.
#
# kubectl's discovery cache is warmed first. Nothing leaves 127.0.0.1.
#
# Usage: bench/sandbox-scale.sh   (env: PROFILE=release|dev, SMALL=300, LARGE=3000,
#        NAMESPACES=10, MAX_RATIO=12, ROLLOUT_DEPLOYMENTS=100, ROLLOUT_REPLICAS=10,
#        SANDBOX=path/to/charts-sandbox to skip the build, e.g. to compare two builds)
set -euo pipefail

profile=${PROFILE:-release}
small=${SMALL:-300}
large=${LARGE:-3000}
namespaces=${NAMESPACES:-10}
max_ratio=${MAX_RATIO:-12}
rollout_deployments=${ROLLOUT_DEPLOYMENTS:-100}
rollout_replicas=${ROLLOUT_REPLICAS:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "error: \`$tool\` is not installed" >&2; exit 2; }
done

if [ -n "${SANDBOX:-}" ]; then
    binary=$SANDBOX
else
    cargo build --profile "$profile" --quiet -p charts-sandbox --manifest-path "$root/Cargo.toml"
    case "$profile" in dev) dir=debug ;; *) dir=$profile ;; esac
    binary="$root/target/$dir/charts-sandbox"
fi

scratch=$(mktemp -d)
server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    server_pid=
}
trap 'stop_server; rm -rf "$scratch"' EXIT

# A fresh sandbox on a free port; sets $url and $KUBECONFIG.
start_server() {
    rm -f "$scratch/address"
    "$binary" serve --port 0 --kubeconfig "$scratch/kubeconfig" >"$scratch/address" 2>"$scratch/log" &
    server_pid=$!
    for _ in $(seq 200); do
        [ -s "$scratch/address" ] && break
        sleep 0.05
    done
    url=$(head -n1 "$scratch/address")
    case "$url" in
        http://127.0.0.1:*) ;;
        *) echo "error: the sandbox did not start: $(cat "$scratch/log")" >&2; exit 1 ;;
    esac
    export KUBECONFIG="$scratch/kubeconfig"
}
export HOME="$scratch/home"
mkdir -p "$HOME"

# generate DIR COUNT NAMESPACES REPLICAS IMAGE [KINDS]: manifests into DIR/namespaces.yaml and
# DIR/objects/NN.yaml (one file per namespace).
generate() {
    python3 - "$@" <<'EOF'
import os, sys
out, count, namespaces, replicas, image = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
kinds = sys.argv[6].split(",") if len(sys.argv) > 6 else ["configmap", "service", "deployment"]
os.makedirs(f"{out}/objects", exist_ok=True)
with open(f"{out}/namespaces.yaml", "w") as f:
    for n in range(namespaces):
        f.write(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: bench-{n:03}\n")
docs = {n: [] for n in range(namespaces)}
for i in range(count):
    kind = kinds[i % len(kinds)]
    n = (i // len(kinds)) % namespaces
    ns = f"bench-{n:03}"
    labels = f"{{app: bench, index: \"{i}\"}}"
    if kind == "configmap":
        docs[n].append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\n  namespace: {ns}\n  labels: {labels}\ndata:\n  index: \"{i}\"\n  settings.yaml: |\n    replicas: 2\n    feature-{i}: enabled\n")
    elif kind == "service":
        docs[n].append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: {ns}\n  labels: {labels}\nspec:\n  selector: {labels}\n  ports:\n  - {{name: http, port: 80, targetPort: 8080}}\n")
    else:
        docs[n].append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: {ns}\n  labels: {labels}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        ports: [{{containerPort: 8080}}]\n")
for n, items in docs.items():
    if items:
        with open(f"{out}/objects/{n:03}.yaml", "w") as f:
            f.write("".join("---\n" + d for d in items))
EOF
}

now_ns() { date +%s%N; }
warm() {
    kubectl get namespaces >/dev/null
    kubectl api-resources >/dev/null
}

# apply_time COUNT: milliseconds to apply COUNT objects to a fresh sandbox.
apply_time() {
    local dir="$scratch/apply-$1"
    generate "$dir" "$1" "$namespaces" 1 nginx:1.27
    start_server
    warm
    kubectl apply --server-side -f "$dir/namespaces.yaml" >/dev/null
    local start end
    start=$(now_ns)
    kubectl apply --server-side -f "$dir/objects/" >/dev/null
    end=$(now_ns)
    stop_server
    echo $(((end - start) / 1000000))
}

echo "sandbox: $binary ($(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
small_ms=$(apply_time "$small")
echo "apply --server-side of $small objects in $namespaces namespaces: ${small_ms} ms" >&2
large_ms=$(apply_time "$large")
echo "apply --server-side of $large objects in $namespaces namespaces: ${large_ms} ms" >&2

# Rollout: every Deployment's template changes once ~1,000 Pods exist.
dir="$scratch/rollout"
generate "$dir/v1" "$rollout_deployments" 1 "$rollout_replicas" nginx:1.27 deployment
generate "$dir/v2" "$rollout_deployments" 1 "$rollout_replicas" nginx:1.28 deployment
start_server
warm
kubectl apply --server-side -f "$dir/v1/namespaces.yaml" >/dev/null
# rolled_out IMAGE: waits until every Deployment runs IMAGE on all its replicas and nothing else.
rolled_out() {
    python3 - "$url" "$1" "$rollout_deployments" "$rollout_replicas" <<'EOF'
import json, sys, time, urllib.request
url, image, count, replicas = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def get(path):
    with urllib.request.urlopen(url + path) as response:
        return json.load(response)
deadline = time.time() + 600
while time.time() < deadline:
    done = 0
    for d in get("/apis/apps/v1/namespaces/bench-000/deployments")["items"]:
        s = d.get("status", {})
        if (d["spec"]["template"]["spec"]["containers"][0]["image"] == image
                and s.get("observedGeneration") == d["metadata"]["generation"]
                and s.get("updatedReplicas") == replicas and s.get("availableReplicas") == replicas
                and s.get("replicas") == replicas):
            done += 1
    pods = get("/api/v1/namespaces/bench-000/pods")["items"]
    if done == count and len(pods) == count * replicas and all(p["spec"]["containers"][0]["image"] == image for p in pods):
        print(len(pods))
        sys.exit(0)
    time.sleep(0.05)
sys.exit("error: the rollout did not finish within 600 s")
EOF
}
kubectl apply --server-side -f "$dir/v1/objects/" >/dev/null
pods=$(rolled_out nginx:1.27)
start=$(now_ns)
kubectl apply --server-side -f "$dir/v2/objects/" >/dev/null
rolled_out nginx:1.28 >/dev/null
end=$(now_ns)
stop_server
rollout_ms=$(((end - start) / 1000000))
echo "rollout of $rollout_deployments changed Deployments with $pods Pods stored: ${rollout_ms} ms" >&2

awk -v s="$small_ms" -v l="$large_ms" -v max="$max_ratio" -v sn="$small" -v ln="$large" -v r="$rollout_ms" 'BEGIN {
    ratio = l / (s > 0 ? s : 1)
    printf "apply %d objects: %d ms; %d objects: %d ms; ratio %.2f (target: at most %s)\n", sn, s, ln, l, ratio, max
    printf "rollout of changed Deployments: %d ms\n", r
    exit (ratio <= max) ? 0 : 1
}'
