#!/usr/bin/env python3
"""Writes a synthetic umbrella chart for the rendering benchmark.

    gen_chart.py OUT_DIR SUBCHARTS TEMPLATES

OUT_DIR/Chart.yaml declares SUBCHARTS subcharts (svc-00, svc-01, ...) vendored under
OUT_DIR/charts/. Each subchart has TEMPLATES templates; each template renders a ConfigMap, a
Service and a Deployment the way real charts do: helper components for names and labels,
`toYaml | nindent` for value blocks, and a `checksum/config` annotation that hashes the rendered
ConfigMap with `sha256sum`.
"""
import os
import sys

HELPERS = """\
{#- Helper components, as `charts create` writes them. -#}
{% component name(@Chart, @Values) -%}
{{ Values.nameOverride | default(value=Chart.Name) | trunc(length=63) | trimSuffix(suffix="-") }}
{%- endcomponent name %}

{% component fullname(@Chart, @Release, @Values, suffix="") -%}
{%- set name = Values.nameOverride | default(value=Chart.Name) -%}
{{ (Release.Name ~ "-" ~ name ~ suffix) | trunc(length=63) | trimSuffix(suffix="-") }}
{%- endcomponent fullname %}

{% component selector_labels(@Chart, @Release, @Values, part="") -%}
app.kubernetes.io/name: {{ <name /> }}
app.kubernetes.io/instance: {{ Release.Name }}
app.kubernetes.io/component: {{ part }}
{%- endcomponent selector_labels %}

{% component labels(@Chart, @Release, @Values, part="") -%}
charts.dev/chart: {{ (Chart.Name ~ "-" ~ Chart.Version) | replace(from="+", to="_") | trunc(length=63) }}
{{ <selector_labels part={part} /> }}
app.kubernetes.io/version: {{ Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ Release.Service }}
{%- if Values.commonLabels %}
{{ Values.commonLabels | toYaml }}
{%- endif %}
{%- endcomponent labels %}

{#- The ConfigMap of one part; rendered as an object and hashed for the checksum. -#}
{% component configmap(@Chart, @Release, @Values, part="") -%}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ <fullname suffix={"-" ~ part} /> }}
  labels:
    {{- <labels part={part} /> | nindent(width=4) }}
data:
  {%- for key, value in Values.config %}
  {{ key }}: {{ value | quote }}
  {%- endfor %}
  settings.yaml: |
    {{- Values.settings | toYaml | nindent(width=4) }}
{%- endcomponent configmap %}
"""

TEMPLATE = """\
{%- set part = "part-@@N@@" -%}
{%- set fullname = <fullname suffix={"-" ~ part} /> -%}
{{ <configmap part={part} /> }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ fullname }}
  labels:
    {{- <labels part={part} /> | nindent(width=4) }}
spec:
  type: {{ Values.service.type }}
  ports:
    - port: {{ Values.service.port }}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{- <selector_labels part={part} /> | nindent(width=4) }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ fullname }}
  labels:
    {{- <labels part={part} /> | nindent(width=4) }}
spec:
  replicas: {{ Values.replicaCount }}
  selector:
    matchLabels:
      {{- <selector_labels part={part} /> | nindent(width=6) }}
  template:
    metadata:
      annotations:
        checksum/config: {{ <configmap part={part} /> | sha256sum }}
        {%- if Values.podAnnotations %}
        {{- Values.podAnnotations | toYaml | nindent(width=8) }}
        {%- endif %}
      labels:
        {{- <labels part={part} /> | nindent(width=8) }}
    spec:
      containers:
        - name: {{ part }}
          image: "{{ Values.image.repository }}:{{ Values.image.tag | default(value=Chart.AppVersion) }}"
          imagePullPolicy: {{ Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ Values.service.targetPort }}
          envFrom:
            - configMapRef:
                name: {{ fullname }}
          env:
            {{- Values.env | toYaml | nindent(width=12) }}
          resources:
            {{- Values.resources | toYaml | nindent(width=12) }}
          livenessProbe:
            {{- Values.livenessProbe | toYaml | nindent(width=12) }}
      {%- if Values.nodeSelector %}
      nodeSelector:
        {{- Values.nodeSelector | toYaml | nindent(width=8) }}
      {%- endif %}
      {%- if Values.tolerations %}
      tolerations:
        {{- Values.tolerations | toYaml | nindent(width=8) }}
      {%- endif %}
"""

SUB_VALUES = """\
replicaCount: 2
nameOverride: ""
image:
  repository: registry.example.com/team/@@NAME@@
  tag: ""
  pullPolicy: IfNotPresent
service:
  type: ClusterIP
  port: 80
  targetPort: 8080
commonLabels:
  team: platform
  cost-center: "1234"
podAnnotations:
  prometheus.io/scrape: "true"
  prometheus.io/port: "8080"
config:
  LOG_LEVEL: info
  LOG_FORMAT: json
  HTTP_PORT: "8080"
  CACHE_TTL: "300"
  FEATURE_A: "true"
  FEATURE_B: "false"
  UPSTREAM_URL: http://upstream.example.svc:8080
  MAX_CONNECTIONS: "512"
  TIMEOUT_SECONDS: "30"
  REGION: eu-west-1
settings:
  server:
    port: 8080
    readTimeout: 30s
    writeTimeout: 30s
  database:
    host: postgres.example.svc
    port: 5432
    pool: {min: 2, max: 20}
  features: [search, recommendations, reviews]
env:
  - name: POD_NAME
    valueFrom:
      fieldRef: {fieldPath: metadata.name}
  - name: POD_NAMESPACE
    valueFrom:
      fieldRef: {fieldPath: metadata.namespace}
resources:
  requests: {cpu: 100m, memory: 128Mi}
  limits: {memory: 256Mi}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  initialDelaySeconds: 5
  periodSeconds: 10
nodeSelector:
  kubernetes.io/os: linux
tolerations:
  - key: dedicated
    operator: Equal
    value: apps
    effect: NoSchedule
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    out, subcharts, templates = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    deps = []
    for s in range(subcharts):
        name = f"svc-{s:02d}"
        deps.append(f"  - name: {name}\n    version: 1.0.0\n    repository: file://charts/{name}\n")
        base = os.path.join(out, "charts", name)
        write(os.path.join(base, "Chart.yaml"),
              f"apiVersion: v2\nname: {name}\nversion: 1.0.0\nappVersion: \"1.{s}.0\"\n")
        write(os.path.join(base, "values.yaml"), SUB_VALUES.replace("@@NAME@@", name))
        write(os.path.join(base, "templates", "_helpers.tera"), HELPERS)
        for t in range(templates):
            write(os.path.join(base, "templates", f"part-{t:02d}.yaml"),
                  TEMPLATE.replace("@@N@@", f"{t:02d}"))
    write(os.path.join(out, "Chart.yaml"),
          "apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"1.0.0\"\n"
          "dependencies:\n" + "".join(deps))
    write(os.path.join(out, "values.yaml"),
          "global:\n  environment: bench\n"
          + "".join(f"svc-{s:02d}:\n  replicaCount: {1 + s % 3}\n" for s in range(subcharts)))


if __name__ == "__main__":
    main()
