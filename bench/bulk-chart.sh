# Sourced by the benchmarks that deploy "the 300-object chart": `bulk_chart DIR PER_KIND` writes
# a chart `bulk` with one template per kind, each a loop of PER_KIND objects (ConfigMaps,
# Services, Deployments that mount their ConfigMap). Also the helpers that read the sandbox's
# request counters (need `$url`, set by bench/sandbox.sh), a nanosecond clock, and the timing
# table: `timed KEY COMMAND...` runs COMMAND with fresh counters and adds its wall time and
# requests to KEY; `report LABEL RUNS KEY...` prints mean, min and max (ms) and the requests.

bulk_chart() {
    local chart=$1 per_kind=$2
    mkdir -p "$chart/templates"
    printf 'apiVersion: v2\nname: bulk\nversion: 1.0.0\n' > "$chart/Chart.yaml"
    printf 'count: %s\nimage: nginx:1.27\n' "$per_kind" > "$chart/values.yaml"
    cat > "$chart/templates/configmaps.yaml" <<'EOF'
{% for i in range(end=Values.count) %}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ Release.Name }}-config-{{ i }}
  labels: {app: bulk, index: "{{ i }}"}
data:
  index: "{{ i }}"
  settings.yaml: |
    replicas: 2
    image: {{ Values.image }}
    feature-{{ i }}: enabled
{% endfor %}
EOF
    cat > "$chart/templates/services.yaml" <<'EOF'
{% for i in range(end=Values.count) %}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ Release.Name }}-svc-{{ i }}
  labels: {app: bulk, index: "{{ i }}"}
spec:
  selector: {app: bulk, index: "{{ i }}"}
  ports:
  - {name: http, port: 80, targetPort: 8080}
{% endfor %}
EOF
    cat > "$chart/templates/deployments.yaml" <<'EOF'
{% for i in range(end=Values.count) %}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ Release.Name }}-web-{{ i }}
  labels: {app: bulk, index: "{{ i }}"}
spec:
  replicas: 1
  selector:
    matchLabels: {app: bulk, index: "{{ i }}"}
  template:
    metadata:
      labels: {app: bulk, index: "{{ i }}"}
    spec:
      containers:
      - name: web
        image: {{ Values.image }}
        ports: [{containerPort: 8080}]
        envFrom: [{configMapRef: {name: "{{ Release.Name }}-config-{{ i }}"}}]
{% endfor %}
EOF
}

# The sandbox's request counters: read them, reset them, and the total from what `counters` read.
counters() { curl -sf "$url/sandbox.charts.dev/counters"; }
reset() { curl -sf -X DELETE "$url/sandbox.charts.dev/counters" >/dev/null; }
requests() { python3 -c 'import json,sys; c=json.load(sys.stdin); print(c.get("total", sum(v for v in c.values() if isinstance(v,int))))'; }
now_ns() { date +%s%N; }

declare -A total min max reqs
elapsed=0 # of the last `timed` command, in nanoseconds
timed() {
    local key=$1 start
    shift
    reset
    start=$(now_ns)
    "$@"
    elapsed=$(($(now_ns) - start))
    reqs[$key]=$(counters | requests)
    total[$key]=$((${total[$key]:-0} + elapsed))
    if [ -z "${min[$key]:-}" ] || ((elapsed < min[$key])); then min[$key]=$elapsed; fi
    if ((elapsed > ${max[$key]:-0})); then max[$key]=$elapsed; fi
}
report() {
    local label=$1 runs=$2 width=${#1} key
    shift 2
    for key in "$@"; do if ((${#key} > width)); then width=${#key}; fi; done
    printf '\n%-*s %10s %10s %10s %10s\n' "$width" "$label" mean_ms min_ms max_ms requests
    for key in "$@"; do
        awk -v t="${total[$key]}" -v n="$runs" -v lo="${min[$key]}" -v hi="${max[$key]}" -v r="${reqs[$key]}" -v name="$key" -v w="$width" \
            'BEGIN { printf "%-*s %10.1f %10.1f %10.1f %10s\n", w, name, t / n / 1e6, lo / 1e6, hi / 1e6, r }'
    done
}
